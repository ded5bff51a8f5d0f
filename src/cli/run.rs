//! `thr run FILE`: check, compile and run a scenario.

use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;

use super::{exit, ui::Ui};
use crate::diag::analyze;
use crate::driver::schedule::{Schedule, Strategy};
use crate::driver::seeded::{self, SeededOptions};
use crate::driver::{self, RunOptions};
use crate::source::SourceFile;
use crate::trace::{self, Tracer};
use crate::vm::world::{Settings, StdOutput, World};

/// Arguments of `thr run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The scenario file; `-` reads it from stdin.
    #[arg(value_name = "FILE")]
    pub file: String,
    /// Stop (exit status 4) when more than N threads are created.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_THREADS)]
    pub max_threads: u32,
    /// Stop (exit status 4) after SECS seconds of real time.
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<f64>,
    /// Native stack size of each scenario thread, in bytes (free mode).
    #[arg(long, value_name = "BYTES", default_value_t = driver::DEFAULT_STACK_SIZE)]
    pub stack_size: usize,
    /// Run sleeps and timeouts X times faster (free mode); `monotonic()` and `time()`
    /// report scenario time, so durations still read as written.
    #[arg(long, value_name = "X", default_value_t = 1.0)]
    pub speed: f64,
    /// Seeded mode: one thread moves at a time, chosen from seed N at every visible step,
    /// on a virtual clock (2000-01-01 00:00:00 UTC at the start). Same seed, same run.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Seeded mode's scheduler: `random`, `round-robin` or `pct:DEPTH` (probabilistic
    /// concurrency testing). Implies seeded mode (seed 0 unless --seed says).
    #[arg(long, value_name = "SCHED", value_parser = parse_strategy)]
    pub sched: Option<Strategy>,
    /// Replay a seeded run from the schedule a previous run printed (e.g. `random@7`).
    #[arg(long, value_name = "SCHEDULE", value_parser = parse_schedule, conflicts_with_all = ["seed", "sched"])]
    pub replay: Option<Schedule>,
    /// Print the schedule (and the command that replays it) after a seeded run even when it
    /// succeeds; failures always print it.
    #[arg(long)]
    pub print_schedule: bool,
    /// Stop a seeded run (exit status 4) after N visible steps: a livelock guard.
    #[arg(long, value_name = "N", default_value_t = seeded::DEFAULT_MAX_STEPS)]
    pub max_steps: u64,
    /// Write a trace of every visible step: `--trace` to stderr, `--trace=FILE` to a file
    /// (the file only after `=`, so `--trace x.thr` runs x.thr).
    #[arg(long, value_name = "FILE", num_args = 0..=1, require_equals = true, default_missing_value = "-", help_heading = "Tracing")]
    pub trace: Option<PathBuf>,
    /// The trace's format: `text` (aligned columns), `jsonl` (JSON Lines, one event per
    /// line) or `chrome` (Chrome Trace Event JSON for Perfetto or chrome://tracing).
    /// Implies --trace.
    #[arg(long, value_name = "FORMAT", value_enum, help_heading = "Tracing")]
    pub trace_format: Option<trace::Format>,
    /// Draw the run as an SVG picture: one lane per thread, with running, blocked and
    /// sleeping spans, lock holds and events.
    #[arg(long, value_name = "FILE.svg", help_heading = "Tracing")]
    pub timeline: Option<PathBuf>,
    /// After the run, print contention statistics for locks, queues, waits and threads
    /// to stderr.
    #[arg(long, help_heading = "Tracing")]
    pub stats: bool,
}

fn parse_strategy(s: &str) -> Result<Strategy, String> {
    match s.parse()? {
        Strategy::Replay(_) => Err("`steps:` schedules are replayed with --replay".into()),
        other => Ok(other),
    }
}

fn parse_schedule(s: &str) -> Result<Schedule, String> {
    s.parse()
}

impl RunArgs {
    /// The schedule of a seeded run; `None` for free mode.
    pub fn schedule(&self) -> Option<Schedule> {
        if let Some(s) = &self.replay {
            return Some(s.clone());
        }
        if self.seed.is_none() && self.sched.is_none() {
            return None;
        }
        Some(Schedule {
            strategy: self.sched.clone().unwrap_or(Strategy::Random),
            seed: self.seed.unwrap_or(0),
        })
    }

    /// What the run should trace.
    pub fn trace_options(&self) -> trace::Options {
        let trace = match (&self.trace, self.trace_format) {
            (Some(p), _) if p.as_os_str() == "-" => Some(None),
            (Some(p), _) => Some(Some(p.clone())),
            (None, Some(_)) => Some(None),
            (None, None) => None,
        };
        trace::Options {
            trace,
            format: self.trace_format.unwrap_or_default(),
            timeline: self.timeline.clone(),
            stats: self.stats,
        }
    }

    /// The command that replays a seeded run with `schedule`.
    fn replay_command(&self, schedule: &Schedule) -> String {
        let mut cmd = format!("thr run --replay {schedule}");
        if self.max_steps != seeded::DEFAULT_MAX_STEPS {
            cmd += &format!(" --max-steps {}", self.max_steps);
        }
        if self.max_threads != DEFAULT_MAX_THREADS {
            cmd += &format!(" --max-threads {}", self.max_threads);
        }
        format!("{cmd} {}", shell_word(&self.file))
    }
}

/// The default `--max-threads`.
const DEFAULT_MAX_THREADS: u32 = 10_000;

/// `s` quoted for a POSIX shell when it needs to be.
fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@,+=".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// Runs the scenario and returns the exit status.
pub fn run(ui: &Ui, args: RunArgs) -> i32 {
    let file = match SourceFile::load(&args.file) {
        Ok(f) => f,
        Err(e) => {
            ui.report(&e, None);
            return exit::INVALID;
        }
    };
    if !(args.speed > 0.0 && args.speed.is_finite()) {
        ui.eprint("thr: --speed must be a positive number\n");
        return exit::INVALID;
    }
    if args.schedule().is_some() {
        let free_only = [
            ("--speed", args.speed != 1.0),
            (
                "--stack-size",
                args.stack_size != driver::DEFAULT_STACK_SIZE,
            ),
        ];
        if let Some((flag, _)) = free_only.iter().find(|(_, given)| *given) {
            ui.eprint(&format!(
                "thr: {flag} applies to free mode only (seeded mode runs every thread on one OS thread, on a virtual clock)\n"
            ));
            return exit::INVALID;
        }
    }
    let analysis = analyze(&file);
    if analysis.has_errors() {
        ui.report_all(&file, &analysis.problems);
        return exit::INVALID;
    }
    for p in &analysis.problems {
        ui.report(p, Some(&file));
    }
    let program = Arc::new(crate::compile::compile(&analysis.module));
    let settings = Settings {
        max_threads: args.max_threads,
        speed: args.speed,
        color: ui.color,
    };
    let world = World::new(program, file, Arc::new(StdOutput), settings);
    let trace_options = args.trace_options();
    if trace_options.wanted() && !cfg!(feature = "trace") {
        ui.eprint("thr: this thr was built without tracing (the `trace` feature)\n");
        return exit::INVALID;
    }
    if trace_options.wanted() {
        let seeded = args.schedule().is_some();
        world.set_tracer(Arc::new(Tracer::new(trace_options, seeded)));
    }
    let finish_trace = |world: &World| {
        if let Some(t) = world.tracer() {
            t.finish(world);
        }
    };
    let Some(schedule) = args.schedule() else {
        let options = RunOptions {
            timeout: args.timeout,
            stack_size: args.stack_size.max(64 << 10),
        };
        let status = driver::free::run(world.clone(), &options);
        finish_trace(&world);
        return status;
    };
    let options = SeededOptions {
        schedule: schedule.clone(),
        max_steps: args.max_steps,
        timeout: args.timeout,
    };
    let status = seeded::run(world.clone(), &options);
    finish_trace(&world);
    // A schedule that does not fit the scenario (status 2) is not worth repeating.
    if (status != exit::OK && status != exit::INVALID) || args.print_schedule {
        ui.eprint(&format!(
            "thr: schedule {schedule}\nthr: replay with: {}\n",
            args.replay_command(&schedule)
        ));
    }
    status
}

/// `thr disasm FILE`: the compiled code, one instruction per line.
pub fn disasm(ui: &Ui, path: &str) -> i32 {
    let file = match SourceFile::load(path) {
        Ok(f) => f,
        Err(e) => {
            ui.report(&e, None);
            return exit::INVALID;
        }
    };
    let analysis = analyze(&file);
    if analysis.has_errors() {
        ui.report_all(&file, &analysis.problems);
        return exit::INVALID;
    }
    print!(
        "{}",
        crate::compile::listing(&crate::compile::compile(&analysis.module))
    );
    exit::OK
}
