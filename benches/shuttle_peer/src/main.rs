//! `counter_race` under shuttle's random scheduler: two threads each do `N` unlocked
//! increments of a shared counter, each increment a load then a store of an atomic (two
//! scheduling points, as in thr, where `count += 1` is a read step and a write step).
//!
//! Prints `steps STEPS seconds SECS` for one execution, repeated `RUNS` times (args:
//! `N RUNS`), so the benchmark can compute steps per second.

use std::sync::Arc;
use std::time::Instant;

use shuttle::sync::atomic::{AtomicUsize, Ordering};
use shuttle::thread;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let runs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(5);
    for seed in 0..runs as u64 {
        let start = Instant::now();
        let scheduler = shuttle::scheduler::RandomScheduler::new_from_seed(seed, 1);
        let runner = shuttle::Runner::new(scheduler, shuttle::Config::default());
        runner.run(move || {
            let count = Arc::new(AtomicUsize::new(0));
            let workers: Vec<_> = (0..2)
                .map(|_| {
                    let count = count.clone();
                    thread::spawn(move || {
                        for _ in 0..n {
                            let v = count.load(Ordering::SeqCst);
                            count.store(v + 1, Ordering::SeqCst);
                        }
                    })
                })
                .collect();
            for w in workers {
                w.join().unwrap();
            }
            let total = count.load(Ordering::SeqCst);
            assert!((2..=2 * n).contains(&total));
        });
        // Two steps per increment; spawns, joins and the final load are a handful more.
        println!("steps {} seconds {}", 4 * n, start.elapsed().as_secs_f64());
    }
}
