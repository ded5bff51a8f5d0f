//! Seeded-mode speed: visible steps per second on `counter_race` (2 threads x 100,000
//! unlocked increments, random scheduler), side by side with the Rust library `shuttle`'s
//! random scheduler on the same workload; and a scenario whose sleeps add up to one hour
//! of virtual time.
//!
//! ```text
//! cargo bench --bench seeded
//! ```
//!
//! thr is measured in process: the scenario is compiled once per run, then driven by
//! [`thr::driver::seeded::Machine`] and the random scheduler exactly as `thr run --seed N`
//! drives it, counting the steps. shuttle runs as `benches/shuttle_peer` (its own crate, so
//! `cargo test` never builds shuttle), built on first use with `cargo build --release`
//! into `target/shuttle-peer`. The hour of sleeps is timed end to end (`thr run --seed 0`).
//! Each figure is the median (and best) of `THR_BENCH_RUNS` runs (default 7).

mod common;

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{Stat, run_child, runs, stat, thr_bin};
use thr::driver::schedule::Strategy;
use thr::driver::seeded::{Machine, Settled};
use thr::source::SourceFile;
use thr::vm::world::{Output, Settings, World};

/// Increments per thread.
const N: usize = 100_000;

const COUNTER_RACE: &str = "\
shared count = 0
def count_up(n) {
    for i in range(n) {
        count += 1
    }
}
t1 = spawn count_up(100000)
t2 = spawn count_up(100000)
t1.join()
t2.join()
print(count)
";

/// Four threads sleep 15 minutes each in 1-second naps: 3600 naps, one hour in all.
const HOUR_OF_SLEEPS: &str = "\
def napper(n) {
    for i in range(900) {
        sleep(1s)
    }
}
ts = [spawn napper(n) for n in range(4)]
for t in ts {
    t.join()
}
print(ctime(time()))
";

/// Output that goes nowhere.
struct Discard;

impl Output for Discard {
    fn out(&self, _: &str) {}
    fn err(&self, _: &str) {}
}

/// One seeded run of `text` with the random scheduler: (steps, time).
fn thr_steps(text: &str, seed: u64) -> (u64, Duration) {
    let file = SourceFile::new("counter_race.thr", text);
    let analysis = thr::diag::analyze(&file);
    assert!(!analysis.has_errors(), "the workload checks clean");
    let start = Instant::now();
    let program = Arc::new(thr::compile::compile(&analysis.module));
    let world = World::new(program, file, Arc::new(Discard), Settings::default());
    let mut machine = Machine::new(world, seed);
    let mut scheduler = thr::driver::sched::make(&Strategy::Random, seed);
    loop {
        match machine.settle() {
            Settled::Ready => {}
            Settled::Done(status) => {
                assert_eq!(status, 0);
                break;
            }
            Settled::Deadlock => panic!("the workload cannot deadlock"),
        }
        let tid = scheduler
            .pick(machine.runnable(), machine.steps)
            .expect("random never refuses");
        machine.step(tid);
    }
    (machine.steps, start.elapsed())
}

/// shuttle's runs: (steps, seconds) per run, or why there are none.
fn shuttle_steps(n: usize) -> Result<Vec<(u64, f64)>, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest = root.join("benches/shuttle_peer/Cargo.toml");
    let target = root.join("target/shuttle-peer");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let built = Command::new(&cargo)
        .args(["build", "--release", "--quiet", "--manifest-path"])
        .arg(&manifest)
        .env("CARGO_TARGET_DIR", &target)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !built.success() {
        return Err("building benches/shuttle_peer failed".into());
    }
    let out = Command::new(target.join("release/shuttle-peer"))
        .args([n.to_string(), runs(7).to_string()])
        .output()
        .map_err(|e| format!("cannot run shuttle-peer: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let parsed: Vec<(u64, f64)> = text
        .lines()
        .filter_map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            Some((w.get(1)?.parse().ok()?, w.get(3)?.parse().ok()?))
        })
        .collect();
    if parsed.is_empty() {
        return Err(format!("no figures from shuttle-peer: {text}"));
    }
    Ok(parsed)
}

fn median(mut xs: Vec<f64>) -> (f64, f64) {
    xs.sort_by(f64::total_cmp);
    (xs[xs.len() / 2], xs[xs.len() - 1])
}

fn main() {
    let n = runs(7);
    println!("median (best) of {n} runs\n");

    let _ = thr_steps(COUNTER_RACE, 99); // warm-up
    let thr_rates: Vec<f64> = (0..n as u64)
        .map(|seed| {
            let (steps, t) = thr_steps(COUNTER_RACE, seed);
            steps as f64 / t.as_secs_f64()
        })
        .collect();
    let (thr_rate, thr_best) = median(thr_rates);
    let steps = thr_steps(COUNTER_RACE, 0).0;
    println!("counter_race, 2 threads x {N} unlocked increments, random scheduler");
    println!(
        "  thr      {:>6.1} M steps/s ({:.1})   {steps} steps per run",
        thr_rate / 1e6,
        thr_best / 1e6
    );
    let shuttle = shuttle_steps(N);
    match &shuttle {
        Ok(r) => {
            let (rate, best) = median(r.iter().map(|(s, t)| *s as f64 / t).collect());
            println!(
                "  shuttle  {:>6.1} M steps/s ({:.1})   {} steps per run",
                rate / 1e6,
                best / 1e6,
                r[0].0
            );
            println!("  thr/shuttle {:.2}", thr_rate / rate);
            let verdict = if thr_rate >= rate { "met" } else { "NOT MET" };
            println!("  target thr >= shuttle: {verdict}");
        }
        Err(e) => println!("  shuttle: not measured: {e}"),
    }
    let verdict = if thr_rate >= 3e6 { "met" } else { "NOT MET" };
    println!("  target thr >= 3 M steps/s: {verdict}\n");

    let dir = std::env::temp_dir().join(format!("thr-bench-seeded-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let file = dir.join("hour.thr");
    std::fs::write(&file, HOUR_OF_SLEEPS).expect("write the scenario");
    let thr = thr_bin();
    let times: Vec<Duration> = (0..=n)
        .map(|_| run_child(Command::new(&thr).args(["run", "--seed", "0"]).arg(&file)).wall)
        .skip(1)
        .collect();
    let s = Stat::of(times);
    println!("one hour of virtual sleeps (4 threads x 900 naps of 1s), thr run --seed 0");
    println!("  thr  {}", stat(s));
    let verdict = if s.median < Duration::from_millis(100) {
        "met"
    } else {
        "NOT MET"
    };
    println!("  target < 100 ms: {verdict}");
    let _ = std::fs::remove_dir_all(&dir);
}
