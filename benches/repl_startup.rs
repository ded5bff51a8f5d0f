//! `thr repl` start-up: the time from starting the process to its first `>>> ` prompt on a
//! terminal, which must be under 50 ms.
//!
//! ```text
//! cargo bench --bench repl_startup
//! ```
//!
//! The release binary (`THR_BIN` overrides the one cargo built for this bench) is started
//! `THR_BENCH_RUNS` times (default 21, after one warm-up run) in a fresh pseudo-terminal
//! each, with history in a temporary file that holds 1,000 entries (the most it keeps), so
//! loading history is part of the figure. The clock stops when `>>> ` arrives on the
//! terminal (read as it comes, without the 100 ms polling of `rexpect`'s `exp_*`); the
//! process is then ended with Ctrl-D. Prints the median, minimum and maximum.

use std::process::Command;
use std::time::{Duration, Instant};

use rexpect::session::{Options, spawn_with_options};

/// The requirement.
const TARGET: Duration = Duration::from_millis(50);

fn main() {
    let bin = std::env::var("THR_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_thr").to_string());
    let runs: usize = std::env::var("THR_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(21);
    let dir = std::env::temp_dir().join(format!("thr-repl-startup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let history = dir.join("history");
    let mut text = String::from("#V2\n");
    for i in 0..1000 {
        text.push_str(&format!("x{i} = [{i}, \"entry {i}\"]\n"));
    }
    std::fs::write(&history, text).expect("history file");

    let once = || -> Duration {
        let mut cmd = Command::new(&bin);
        cmd.arg("repl")
            .env("TERM", "xterm")
            .env("NO_COLOR", "1")
            .env("THR_HISTORY", &history);
        let options = Options::new().timeout_ms(Some(10_000));
        let start = Instant::now();
        let mut p = spawn_with_options(cmd, options).expect("spawn thr repl");
        // `exp_string` polls every 100 ms: read character by character instead.
        let mut screen = String::new();
        while !screen.ends_with(">>> ") {
            match p.try_read() {
                Some(c) => screen.push(c),
                None if start.elapsed() > Duration::from_secs(10) => {
                    panic!("no prompt: {screen:?}")
                }
                None => std::thread::sleep(Duration::from_micros(50)),
            }
        }
        let took = start.elapsed();
        p.send_control('d').expect("ctrl-d");
        p.exp_eof().expect("exit");
        took
    };
    once();
    let mut times: Vec<Duration> = (0..runs).map(|_| once()).collect();
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = times[times.len() / 2];
    println!(
        "thr repl to the first prompt: median {:.1} ms (min {:.1}, max {:.1}) over {runs} runs; target {} ms: {}",
        ms(median),
        ms(times[0]),
        ms(times[times.len() - 1]),
        TARGET.as_millis(),
        if median < TARGET { "met" } else { "NOT met" }
    );
    let _ = std::fs::remove_dir_all(&dir);
}
