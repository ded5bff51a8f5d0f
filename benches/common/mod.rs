//! What the benchmarks share: run counts, medians, locating the `thr` binary and the
//! CPython interpreter, and timing child processes (wall time and peak memory).

#![allow(dead_code)] // each bench uses a different part

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How many timed runs each figure is the median of: `THR_BENCH_RUNS`, else `default`.
pub fn runs(default: usize) -> usize {
    std::env::var("THR_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(default)
}

/// The median and the minimum of some timings.
#[derive(Clone, Copy)]
pub struct Stat {
    /// The middle value.
    pub median: Duration,
    /// The smallest value (the steadiest figure on a shared machine).
    pub min: Duration,
}

impl Stat {
    /// The statistics of `times` (not empty).
    pub fn of(mut times: Vec<Duration>) -> Stat {
        times.sort();
        Stat {
            median: times[times.len() / 2],
            min: times[0],
        }
    }
}

/// The release `thr` binary cargo built for the bench (`THR_BIN` overrides it).
pub fn thr_bin() -> PathBuf {
    if let Some(bin) = std::env::var_os("THR_BIN") {
        return bin.into();
    }
    let built = PathBuf::from(env!("CARGO_BIN_EXE_thr"));
    if built.exists() {
        return built;
    }
    // Not expected (cargo builds binaries for benches), but build it if it is missing.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--release", "--bin", "thr"])
        .current_dir(root)
        .status()
        .expect("run cargo build");
    assert!(status.success(), "cargo build --release failed");
    built
}

/// The CPython interpreter itself (`THR_PYTHON`, default `python3`), resolved through
/// `sys.executable` so a launcher script's start-up (pyenv's shim) is not timed.
pub fn python_executable() -> String {
    let python = std::env::var("THR_PYTHON").unwrap_or_else(|_| "python3".into());
    Command::new(&python)
        .args(["-c", "import sys; print(sys.executable)"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|p| !p.is_empty())
        .unwrap_or(python)
}

/// One finished child process: its wall time and peak resident memory.
#[derive(Clone, Copy)]
pub struct ChildRun {
    /// From spawning to reaping.
    pub wall: Duration,
    /// Peak resident set size in KiB (`ru_maxrss`).
    pub max_rss_kib: u64,
}

/// Runs `cmd` to completion with stdout discarded; panics with its stderr if it fails.
// The child is reaped by `wait4` (which also gives its peak memory), not `Child::wait`.
#[allow(clippy::zombie_processes)]
pub fn run_child(cmd: &mut Command) -> ChildRun {
    use std::io::Read;
    let start = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    let mut err = String::new();
    if let Some(mut stderr) = child.stderr.take() {
        let _ = stderr.read_to_string(&mut err);
    }
    let mut status = 0;
    // SAFETY: an all-zero `rusage` is a valid value, and `wait4` is given valid pointers to
    // a child of this process that has not been reaped.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    assert_eq!(reaped, pid, "wait4 failed for {cmd:?}");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{cmd:?} failed (wait status {status}):\n{err}"
    );
    ChildRun {
        wall,
        max_rss_kib: usage.ru_maxrss as u64,
    }
}

/// Milliseconds with one decimal.
pub fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

/// `median (min)` in milliseconds.
pub fn stat(s: Stat) -> String {
    format!("{} ({})", ms(s.median), ms(s.min))
}
