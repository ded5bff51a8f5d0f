//! Golden traces: the text log, JSON Lines, Chrome JSON and statistics of several seeded
//! runs, compared with files under `tests/trace/`, and each the same run after run.
//!
//! `THR_BLESS=1 cargo test --test trace_golden` rewrites the files (read them before
//! committing).

use std::path::{Path, PathBuf};
use std::process::Command;

/// The scenarios: file under `examples/`, flags, expected exit status.
const SCENARIOS: &[(&str, &[&str], i32)] = &[
    ("basics/producer_consumer.thr", &["--seed", "0"], 0),
    ("basics/barrier_start.thr", &["--seed", "0"], 0),
    ("classic/bounded_buffer.thr", &["--seed", "3"], 0),
    ("classic/dining_philosophers.thr", &["--seed", "22"], 3),
];

/// The renderings: name of the golden file's extension, and the flags that make it.
/// `None` as the extension's flag set means the rendering is standard error (`--stats`).
const FORMATS: &[(&str, &[&str])] = &[
    ("log", &["--trace-format", "text"]),
    ("jsonl", &["--trace-format", "jsonl"]),
    ("chrome.json", &["--trace-format", "chrome"]),
    ("stats", &["--stats"]),
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `scenario` with `flags`; returns the rendering (the trace file, or standard error
/// for `--stats`).
fn render(scenario: &str, args: &[&str], flags: &[&str], exit: i32, scratch: &Path) -> String {
    let path = root().join("examples").join(scenario);
    let dir = path.parent().expect("a directory");
    let _ = std::fs::remove_file(scratch);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_thr"));
    cmd.args(["--color", "never", "run"]).args(args).args(flags);
    let stats = flags.contains(&"--stats");
    if !stats {
        cmd.arg(format!("--trace={}", scratch.display()));
    }
    let out = cmd
        .arg(path.file_name().expect("a file"))
        .current_dir(dir)
        .output()
        .expect("thr runs");
    assert_eq!(
        out.status.code(),
        Some(exit),
        "{scenario} {flags:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    if stats {
        String::from_utf8(out.stderr).expect("UTF-8")
    } else {
        std::fs::read_to_string(scratch).expect("the trace was written")
    }
}

#[test]
fn traces_match_their_golden_files_and_repeat_exactly() {
    let bless = std::env::var_os("THR_BLESS").is_some();
    let scratch = std::env::temp_dir().join(format!("thr-trace-golden-{}", std::process::id()));
    let mut failures = Vec::new();
    for &(scenario, args, exit) in SCENARIOS {
        let stem = Path::new(scenario).file_stem().unwrap().to_string_lossy();
        for &(ext, flags) in FORMATS {
            let first = render(scenario, args, flags, exit, &scratch);
            let second = render(scenario, args, flags, exit, &scratch);
            if first != second {
                failures.push(format!("{scenario} {ext}: two runs differ"));
            }
            let golden = root().join("tests/trace").join(format!("{stem}.{ext}"));
            if bless {
                std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
                std::fs::write(&golden, &first).unwrap();
                continue;
            }
            match std::fs::read_to_string(&golden) {
                Ok(expected) if expected == first => {}
                Ok(expected) => {
                    let diff = similar::TextDiff::from_lines(&expected, &first)
                        .unified_diff()
                        .header("expected", "actual")
                        .to_string();
                    failures.push(format!("{} differs:\n{diff}", golden.display()));
                }
                Err(e) => failures.push(format!("{}: {e}", golden.display())),
            }
        }
    }
    let _ = std::fs::remove_file(&scratch);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
