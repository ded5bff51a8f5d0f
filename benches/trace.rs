//! What tracing costs: free-mode `counter_lock` (2 threads x 100,000 locked increments)
//! run by a `thr` built without the trace hooks, by the usual `thr` with tracing off, and
//! by the usual `thr` writing a JSON Lines trace (and a text trace) to a file.
//!
//! ```text
//! cargo bench --bench trace
//! ```
//!
//! The build without hooks is `cargo build --release --no-default-features` into
//! `target/notrace` (made on first use). The variants run interleaved, each figure the
//! median (and best) of `THR_BENCH_RUNS` runs (default 15); ratios compare medians.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use common::{Stat, run_child, runs, stat, thr_bin};

/// `thr` without the `trace` feature, built on first use.
fn notrace_bin() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = root.join("target/notrace");
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "build",
            "--release",
            "--no-default-features",
            "--bin",
            "thr",
        ])
        .arg("--target-dir")
        .arg(&target)
        .current_dir(root)
        .status()
        .expect("run cargo build");
    assert!(status.success(), "building thr without tracing failed");
    target.join("release/thr")
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scenario = root.join("benches/run/counter_lock.thr");
    let thr = thr_bin();
    let bare = notrace_bin();
    let out = std::env::temp_dir().join(format!("thr-bench-trace-{}", std::process::id()));
    let n = runs(15);
    let variants: Vec<(&str, PathBuf, Vec<String>)> = vec![
        ("without trace hooks", bare, vec![]),
        ("tracing off", thr.clone(), vec![]),
        (
            "--trace-format jsonl to a file",
            thr.clone(),
            vec![
                "--trace-format".into(),
                "jsonl".into(),
                format!("--trace={}", out.display()),
            ],
        ),
        (
            "--trace (text) to a file",
            thr,
            vec![format!("--trace={}", out.display())],
        ),
    ];
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); variants.len()];
    let mut sizes = vec![0u64; variants.len()];
    for _ in 0..n {
        for (i, (_, bin, args)) in variants.iter().enumerate() {
            let _ = std::fs::remove_file(&out);
            let mut cmd = Command::new(bin);
            cmd.arg("run").args(args).arg(&scenario);
            times[i].push(run_child(&mut cmd).wall);
            sizes[i] = std::fs::metadata(&out).map_or(0, |m| m.len());
        }
    }
    let _ = std::fs::remove_file(&out);
    let stats: Vec<Stat> = times.into_iter().map(Stat::of).collect();
    let base = stats[0].median.as_secs_f64();
    println!("counter_lock, free mode, median (best) of {n} runs");
    for (i, (name, _, _)) in variants.iter().enumerate() {
        let size = if sizes[i] > 0 {
            format!(", trace {:.1} MB", sizes[i] as f64 / 1e6)
        } else {
            String::new()
        };
        println!(
            "  {name:32} {:>22}  x{:.3}{size}",
            stat(stats[i]),
            stats[i].median.as_secs_f64() / base
        );
    }
    println!("targets: tracing off <= x1.03; jsonl to a file <= x2");
}
