//! The command-line interface: argument parsing (clap) and one module per subcommand.
//! `main.rs` only parses arguments and calls [`run`].

mod check;
mod fmt;
mod repl;
mod run;
mod test;
pub mod ui;

use clap::{Parser, Subcommand, ValueEnum};

/// Exit statuses, as documented in `docs/language.md`.
pub mod exit {
    /// Everything went well.
    pub const OK: i32 = 0;
    /// A scenario failed (assertion or uncaught error), or `fmt --check` found changes.
    pub const FAILED: i32 = 1;
    /// The scenario could not be run: usage, file, syntax or check error.
    pub const INVALID: i32 = 2;
    /// Deadlock.
    pub const DEADLOCK: i32 = 3;
    /// A limit was hit.
    pub const LIMIT: i32 = 4;
    /// Interrupted with Ctrl-C.
    pub const INTERRUPTED: i32 = 130;
}

/// `thr`: run, check and explore concurrency scenarios written in the `.thr` language.
#[derive(Debug, Parser)]
#[command(
    name = "thr",
    version,
    about = "Run, check and explore concurrency scenarios (.thr files)",
    long_about = "thr runs concurrency scenarios written in the .thr language, a small language \
that reads like Python's threading, queue and concurrent.futures: threads, locks, conditions, \
semaphores, events, barriers, timers, queues and thread pools.\n\n\
Exit statuses: 0 success, 1 a scenario failed (or `fmt --check` found changes), \
2 the scenario could not be run (usage, file, syntax or check error), 3 deadlock, \
4 a limit was hit, 130 interrupted.",
    after_help = "The language is described in docs/language.md."
)]
pub struct Cli {
    /// When to colour diagnostics: `auto` colours when stderr is a terminal and NO_COLOR is
    /// not set.
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// When to use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// Colour when the output is a terminal and NO_COLOR is unset.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse and check scenarios without running them.
    ///
    /// Reports every syntax and check error of each file (undefined names, unknown methods,
    /// wrong arguments, misplaced statements, ...) as a diagnostic with the source line and
    /// help. Exits 0 when there are no errors (warnings allowed), 2 otherwise.
    Check(check::CheckArgs),
    /// Run a scenario, on real OS threads (free mode) or seeded (`--seed`, `--sched`).
    ///
    /// Free mode: each scenario thread runs on its own OS thread with real sleeps and
    /// timeouts. Seeded mode: one thread moves at a time, chosen by a scheduler from the
    /// seed at every visible step, on a virtual clock; the same seed gives the same run,
    /// and a failed run prints its schedule and the `thr run --replay` command that
    /// reproduces it. A deadlock is reported (each blocked thread, the call it is blocked
    /// in, who holds what it waits for, the cycle) with exit status 3; Ctrl-C prints the
    /// same picture and exits 130.
    Run(run::RunArgs),
    /// Run golden-output tests: scenarios with expected output files beside them.
    ///
    /// A test is `X.thr` with `X.stdout` (and optionally `X.stderr`) beside it. Header
    /// lines at the top of the scenario set the run: `#! args: --seed 7 --sched pct:3`
    /// (default: seeded, seed 0), `#! exit: 3` (default 0), `#! skip: REASON`. Mismatches
    /// are shown as unified diffs; the last line is `N passed, N failed`; exits 1 if any
    /// test failed.
    Test(test::TestArgs),
    /// An interactive session: type declarations and statements, watch the threads.
    ///
    /// Each input is checked and run in MainThread; declarations add to the session's
    /// scenario, and FILE, if given, is loaded first. Errors are shown and never end the
    /// session; an expression's value is printed. In free mode threads run in the
    /// background; in seeded mode (`--seed N`, or `:mode seeded`) they move only when
    /// asked. With stdin not a terminal, lines are read from it without prompts or colour
    /// (exit status 1 if an input failed); Ctrl-D (end of input) waits for the non-daemon
    /// threads, as a scenario's end does.
    #[command(after_help = repl::AFTER_HELP)]
    Repl(repl::ReplArgs),
    /// Print the compiled code of a scenario (for thr's developers).
    #[command(hide = true)]
    Disasm {
        /// The scenario file.
        file: String,
    },
    /// Print scenarios in canonical form.
    ///
    /// Without options the formatted text goes to stdout. Comments are kept.
    Fmt(fmt::FmtArgs),
}

/// Runs a parsed command line and returns the exit status.
pub fn run(cli: Cli) -> i32 {
    let ui = ui::Ui::new(cli.color);
    match cli.command {
        Command::Check(args) => check::run(&ui, args),
        Command::Fmt(args) => fmt::run(&ui, args),
        Command::Run(args) => run::run(&ui, args),
        Command::Test(args) => test::run(&ui, args),
        Command::Repl(args) => repl::run(&ui, args),
        Command::Disasm { file } => run::disasm(&ui, &file),
    }
}
