//! Free-mode `thr run` speed, side by side with the same programs in CPython and in native
//! Rust (std threads, `parking_lot`, `crossbeam-channel`).
//!
//! ```text
//! cargo bench --bench run             # all workloads
//! cargo bench --bench run -- spawn    # only the workloads whose name contains `spawn`
//! ```
//!
//! Each workload is `benches/run/NAME.thr`, `benches/run/NAME.py` and a function below. Every
//! program runs as its own process (the native ones by this binary re-running itself with
//! `THR_BENCH_NATIVE=NAME`), so all three are timed the same way: wall time from spawn to
//! exit, and peak resident memory from `wait4`. Runs of the three are interleaved, so load
//! from other work on the machine falls on all of them alike. Each figure is the median (and
//! minimum) of `THR_BENCH_RUNS` runs (default 7) after one warm-up round. `THR_BIN` and
//! `THR_PYTHON` choose the binaries.

mod common;

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use common::{ChildRun, Stat, python_executable, run_child, runs, stat, thr_bin};

/// What a workload must achieve (issue 3's targets).
#[derive(Clone, Copy)]
enum Target {
    /// thr's wall time at most this fraction of CPython's.
    VsPython(f64),
    /// thr's wall time at most this multiple of native Rust's.
    VsNative(f64),
    /// thr's peak memory at most this multiple of native Rust's.
    MemoryVsNative(f64),
    /// thr's wall time at most this.
    Under(Duration),
}

/// One program in three languages.
struct Workload {
    /// File stem under `benches/run/`, and the `THR_BENCH_NATIVE` value.
    name: &'static str,
    /// What it does.
    what: &'static str,
    /// The native Rust version.
    native: fn(),
    /// What thr must achieve.
    targets: &'static [Target],
}

const WORKLOADS: &[Workload] = &[
    Workload {
        name: "counter_lock",
        what: "2 threads x 100,000 locked increments",
        native: counter_lock,
        targets: &[Target::VsPython(0.1)],
    },
    Workload {
        name: "queue_pipe",
        what: "200,000 items through queue(maxsize=10)",
        native: queue_pipe,
        targets: &[Target::VsPython(0.1), Target::VsNative(3.0)],
    },
    Workload {
        name: "spawn",
        what: "10,000 threads, each adds 1 to a locked counter",
        native: spawn,
        targets: &[
            Target::VsPython(0.5),
            Target::VsNative(1.5),
            Target::MemoryVsNative(2.0),
        ],
    },
    Workload {
        name: "hello",
        what: "one print",
        native: hello,
        targets: &[Target::Under(Duration::from_millis(5))],
    },
];

fn counter_lock() {
    let count = Arc::new(parking_lot::Mutex::new(0i64));
    let threads: Vec<_> = (0..2)
        .map(|_| {
            let count = count.clone();
            std::thread::spawn(move || {
                for _ in 0..100_000 {
                    *count.lock() += 1;
                }
            })
        })
        .collect();
    threads.into_iter().for_each(|t| t.join().unwrap());
    assert_eq!(*count.lock(), 200_000);
}

fn queue_pipe() {
    const N: i64 = 200_000;
    let (tx, rx) = crossbeam_channel::bounded::<Option<i64>>(10);
    let producer = std::thread::spawn(move || {
        for i in 0..N {
            tx.send(Some(i)).unwrap();
        }
        tx.send(None).unwrap();
    });
    let consumer = std::thread::spawn(move || {
        let mut total = 0;
        while let Some(x) = rx.recv().unwrap() {
            total += x;
        }
        assert_eq!(total, N * (N - 1) / 2);
    });
    producer.join().unwrap();
    consumer.join().unwrap();
}

fn spawn() {
    let count = Arc::new(parking_lot::Mutex::new(0i64));
    let threads: Vec<_> = (0..10_000)
        .map(|_| {
            let count = count.clone();
            std::thread::spawn(move || *count.lock() += 1)
        })
        .collect();
    threads.into_iter().for_each(|t| t.join().unwrap());
    assert_eq!(*count.lock(), 10_000);
}

fn hello() {
    println!("hello");
}

/// The measurements of one implementation of a workload.
#[derive(Default)]
struct Runs(Vec<ChildRun>);

impl Runs {
    fn wall(&self) -> Stat {
        Stat::of(self.0.iter().map(|r| r.wall).collect())
    }
    /// Median peak memory in MiB.
    fn memory(&self) -> f64 {
        let mut kib: Vec<u64> = self.0.iter().map(|r| r.max_rss_kib).collect();
        kib.sort_unstable();
        kib[kib.len() / 2] as f64 / 1024.0
    }
}

fn main() {
    if let Ok(name) = std::env::var("THR_BENCH_NATIVE") {
        let w = WORKLOADS
            .iter()
            .find(|w| w.name == name)
            .expect("known workload");
        (w.native)();
        return;
    }
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/run");
    let (thr, python, me) = (
        thr_bin(),
        python_executable(),
        std::env::current_exe().unwrap(),
    );
    let n = runs(7);
    println!(
        "thr: {}\nCPython: {python}\nmedian (min) of {n} runs each\n",
        thr.display()
    );
    let mut verdicts = Vec::new();
    for w in WORKLOADS {
        if !filters.is_empty() && !filters.iter().any(|f| w.name.contains(f.as_str())) {
            continue;
        }
        let script = |ext: &str| dir.join(format!("{}.{ext}", w.name));
        let (mut t, mut p, mut r) = (Runs::default(), Runs::default(), Runs::default());
        for round in 0..=n {
            let a = run_child(Command::new(&thr).arg("run").arg(script("thr")));
            let b = run_child(Command::new(&python).arg(script("py")));
            let c = run_child(Command::new(&me).env("THR_BENCH_NATIVE", w.name));
            if round > 0 {
                t.0.push(a);
                p.0.push(b);
                r.0.push(c);
            }
        }
        let (tw, pw, rw) = (t.wall(), p.wall(), r.wall());
        let secs = |s: Stat| s.median.as_secs_f64();
        println!("{} ({})", w.name, w.what);
        println!("  thr     {:>22}  {:>7.1} MiB", stat(tw), t.memory());
        println!("  CPython {:>22}  {:>7.1} MiB", stat(pw), p.memory());
        println!("  native  {:>22}  {:>7.1} MiB", stat(rw), r.memory());
        println!(
            "  thr/CPython {:.3}   thr/native {:.2}   memory thr/native {:.2}",
            secs(tw) / secs(pw),
            secs(tw) / secs(rw),
            t.memory() / r.memory()
        );
        for target in w.targets {
            let (text, met) = match *target {
                Target::VsPython(x) => {
                    let ratio = secs(tw) / secs(pw);
                    (format!("thr <= {x} x CPython: {ratio:.3}"), ratio <= x)
                }
                Target::VsNative(x) => {
                    let ratio = secs(tw) / secs(rw);
                    (format!("thr <= {x} x native: {ratio:.2}"), ratio <= x)
                }
                Target::MemoryVsNative(x) => {
                    let ratio = t.memory() / r.memory();
                    (format!("memory <= {x} x native: {ratio:.2}"), ratio <= x)
                }
                Target::Under(d) => (
                    format!("thr <= {} ms: {:.1} ms", d.as_millis(), secs(tw) * 1e3),
                    tw.median <= d,
                ),
            };
            let verdict = if met { "met" } else { "NOT MET" };
            println!("  target {text}  {verdict}");
            verdicts.push((w.name, text, met));
        }
        println!();
    }
    let missed = verdicts.iter().filter(|v| !v.2).count();
    println!(
        "{} of {} targets met",
        verdicts.len() - missed,
        verdicts.len()
    );
}
