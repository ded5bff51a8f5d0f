//! `thr run FILE`: check, compile and run a scenario.

use std::sync::Arc;

use clap::Args;

use super::{exit, ui::Ui};
use crate::diag::analyze;
use crate::driver::{self, RunOptions};
use crate::source::SourceFile;
use crate::vm::world::{Settings, StdOutput, World};

/// Arguments of `thr run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The scenario file; `-` reads it from stdin.
    #[arg(value_name = "FILE")]
    pub file: String,
    /// Stop (exit status 4) when more than N threads are created.
    #[arg(long, value_name = "N", default_value_t = 10_000)]
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
    let options = RunOptions {
        timeout: args.timeout,
        stack_size: args.stack_size.max(64 << 10),
    };
    driver::free::run(world, &options)
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
