//! `thr repl [FILE]`: an interactive session (see [`crate::repl`]).
//!
//! When stdin is not a terminal the session reads lines from it, feeds each complete input
//! (lines are gathered while the parser says the input is unfinished), prints no prompts
//! or colours and echoes nothing but outputs, so transcripts are plain and, in seeded
//! mode, deterministic. At end of input it ends as a scenario does: it waits for the
//! non-daemon threads.
//!
//! Exit status: 0; with stdin not a terminal, 1 when any input was rejected or raised an
//! uncaught error, a thread died with one, or a deadlock was reported (so a script can
//! tell); 2 when FILE cannot be loaded or does not check (nothing runs then).

use std::io::IsTerminal;
use std::sync::Arc;

use clap::Args;

use super::{exit, ui::Ui};
use crate::driver::seeded;
use crate::repl::session::{Mode, Options, Session};
use crate::repl::{Engine, editor};
use crate::vm::world::{Output, Settings, StdOutput};

/// Arguments of `thr repl`.
#[derive(Debug, Args)]
pub struct ReplArgs {
    /// A scenario to load first (reloaded by `:reset` and `:mode`).
    #[arg(value_name = "FILE")]
    pub file: Option<String>,
    /// Start in seeded mode with seed N (threads move only when asked: `:step`, `:run`).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Stop when more than N threads are created.
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    pub max_threads: u32,
    /// Run sleeps and timeouts X times faster (free mode).
    #[arg(long, value_name = "X", default_value_t = 1.0)]
    pub speed: f64,
    /// Most visible steps one input, `:run` or the end of the session may take in seeded
    /// mode (a livelock guard).
    #[arg(long, value_name = "N", default_value_t = seeded::DEFAULT_MAX_STEPS)]
    pub max_steps: u64,
}

/// The text `thr repl --help` ends with.
pub const AFTER_HELP: &str = crate::repl::session::commands_help();

/// Runs a session and returns the exit status.
pub fn run(ui: &Ui, args: ReplArgs) -> i32 {
    if !(args.speed > 0.0 && args.speed.is_finite()) {
        ui.eprint("thr: --speed must be a positive number\n");
        return exit::INVALID;
    }
    let terminal = std::io::stdin().is_terminal();
    let options = |out: Arc<dyn Output>| Options {
        out,
        color: terminal && ui.color,
        mode: args.seed.map_or(Mode::Free, Mode::Seeded),
        settings: Settings {
            max_threads: args.max_threads,
            speed: args.speed,
            color: terminal && ui.color,
        },
        stack_size: crate::driver::DEFAULT_STACK_SIZE,
        max_steps: args.max_steps,
    };
    let make = |out: Arc<dyn Output>| match &args.file {
        Some(path) => Session::with_file(options(out), path).map_err(|text| {
            ui.eprint(&text);
            exit::INVALID
        }),
        None => Ok(Session::new(options(out))),
    };
    if terminal {
        return editor::run(
            |out| make(out).map(|s| Box::new(s) as Box<dyn Engine>),
            ui.out_color,
        );
    }
    let mut session = match make(Arc::new(StdOutput)) {
        Ok(s) => s,
        Err(status) => return status,
    };
    editor::interrupt::install();
    editor::run_plain(&mut session, std::io::stdin().lock());
    if session.failed() {
        exit::FAILED
    } else {
        exit::OK
    }
}
