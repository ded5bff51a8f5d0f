//! `thr test [PATH...]`: run golden-output tests of scenarios (see [`crate::tester`]).

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use anstyle::{AnsiColor, Style};
use clap::Args;

use super::{exit, ui::Ui};
use crate::tester::{Outcome, Test, discover, run_test};

/// Arguments of `thr test`.
#[derive(Debug, Args)]
pub struct TestArgs {
    /// Scenario files or directories to search (recursively) for tests; default `.`.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Write each run's output as the new expectation (`X.stdout`, `X.stderr`) instead of
    /// comparing. Read the changes before committing them.
    #[arg(long)]
    pub bless: bool,
    /// Run only the tests whose path contains TEXT.
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,
    /// How many tests run at once (default: the number of CPUs).
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
}

/// Runs the tests; exits 1 if any failed, 2 when the paths are unusable.
pub fn run(ui: &Ui, args: TestArgs) -> i32 {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut tests = match discover(&paths, args.bless) {
        Ok(t) => t,
        Err(e) => {
            ui.eprint(&format!("thr test: {e}\n"));
            return exit::INVALID;
        }
    };
    if let Some(f) = &args.filter {
        tests.retain(|t| t.path.to_string_lossy().contains(f.as_str()));
    }
    if tests.is_empty() {
        ui.eprint(
            "thr test: no tests found (a test is X.thr with X.stdout or X.stderr beside it)\n",
        );
    }
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => {
            ui.eprint(&format!("thr test: cannot find the thr binary: {e}\n"));
            return exit::INVALID;
        }
    };
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
        .max(1);
    let outcomes = run_all(&exe, &tests, args.bless, ui.out_color, jobs);
    report(ui, &tests, &outcomes)
}

/// Runs `tests` on `jobs` threads; the outcomes come back in the tests' order.
fn run_all(
    exe: &std::path::Path,
    tests: &[Test],
    bless: bool,
    color: bool,
    jobs: usize,
) -> Vec<Outcome> {
    let next = AtomicUsize::new(0);
    let bar = progress(tests.len());
    let mut results: Vec<(usize, Outcome)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..jobs.min(tests.len().max(1)))
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(t) = tests.get(i) else { break };
                        mine.push((i, run_test(exe, t, bless, color)));
                        bar.inc(1);
                    }
                    mine
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_default())
            .collect()
    });
    bar.finish_and_clear();
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, o)| o).collect()
}

/// A progress bar on stderr when it is a terminal (hidden otherwise).
fn progress(n: usize) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(n as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} tests")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}

/// Prints one line per test, then each failure's details, then the summary line.
fn report(ui: &Ui, tests: &[Test], outcomes: &[Outcome]) -> i32 {
    let paint = |text: &str, color: AnsiColor| {
        ui.paint_out(text, Style::new().bold().fg_color(Some(color.into())))
    };
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    let mut out = String::new();
    for (t, o) in tests.iter().zip(outcomes) {
        let path = t.path.display();
        match o {
            Outcome::Passed => {
                passed += 1;
                out += &format!("{} {path}\n", paint("ok     ", AnsiColor::Green));
            }
            Outcome::Blessed => {
                passed += 1;
                out += &format!("{} {path}\n", paint("blessed", AnsiColor::Yellow));
            }
            Outcome::Skipped(why) => {
                skipped += 1;
                out += &format!("{} {path} ({why})\n", paint("skipped", AnsiColor::Yellow));
            }
            Outcome::Failed(_) => {
                failed += 1;
                out += &format!("{} {path}\n", paint("FAILED ", AnsiColor::Red));
            }
        }
    }
    for (t, o) in tests.iter().zip(outcomes) {
        if let Outcome::Failed(problems) = o {
            out += &format!("\n── {}\n", t.path.display());
            for p in problems {
                out += p;
                if !p.ends_with('\n') {
                    out.push('\n');
                }
            }
        }
    }
    let mut summary = format!("{passed} passed, {failed} failed");
    if skipped > 0 {
        summary += &format!(", {skipped} skipped");
    }
    let color = if failed > 0 {
        AnsiColor::Red
    } else {
        AnsiColor::Green
    };
    out += &format!("\n{}\n", paint(&summary, color));
    ui.print(&out);
    if failed > 0 { exit::FAILED } else { exit::OK }
}
