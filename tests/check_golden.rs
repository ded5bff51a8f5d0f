//! Golden tests for `thr check`: every `tests/check/**/NAME.thr` is a bad scenario (or one
//! with only warnings) whose first line is a comment saying what it tests. `NAME.stderr`
//! next to it holds the exact output of `thr check --color never tests/check/.../NAME.thr`
//! run from the crate root. The exit status must be 0 when the summary line reports no
//! errors, 2 otherwise.
//!
//! `THR_BLESS=1 cargo test --test check_golden` rewrites the `.stderr` files from the
//! actual output; read the diff before committing it.

mod common;

use common::{Goldens, files_under, sibling, text, thr};

/// Fewer cases than this means the discovery is broken, not that the tests pass.
const MIN_CASES: usize = 45;

#[test]
fn check_diagnostics_match_goldens() {
    let cases = files_under("tests/check", "thr");
    assert!(
        cases.len() >= MIN_CASES,
        "found only {} cases under tests/check",
        cases.len()
    );
    let mut goldens = Goldens::new();
    for case in &cases {
        let source = std::fs::read(common::root().join(case)).expect("listed files exist");
        if !source.starts_with(b"# ") {
            goldens.fail(
                case,
                "the first line must be a comment saying what the case tests",
            );
        }
        let out = common::run(thr().args(["check", "--color", "never", case]));
        let stderr = text(&out.stderr, "stderr");
        if !out.stdout.is_empty() {
            goldens.fail(
                case,
                &format!("unexpected stdout: {:?}", text(&out.stdout, "stdout")),
            );
        }
        let Some(expected) = goldens.compare(&sibling(case, "stderr"), &stderr) else {
            continue;
        };
        let want = expected_status(case, &expected);
        if out.status.code() != Some(want) {
            goldens.fail(
                case,
                &format!("exit status {:?}, expected {want}", out.status.code()),
            );
        }
    }
    for golden in files_under("tests/check", "stderr") {
        if !cases.contains(&sibling(&golden, "thr")) {
            goldens.fail(&golden, "no .thr file goes with this golden file");
        }
    }
    goldens.finish();
}

/// 0 when the summary line (`NAME: no problems`, `NAME: 2 warnings`) reports no errors;
/// 2 when it reports errors or is missing (a file that could not be loaded).
fn expected_status(case: &str, stderr: &str) -> i32 {
    let summary = stderr.lines().last().unwrap_or_default();
    match summary.strip_prefix(&format!("{case}: ")) {
        Some(counts) if !counts.contains("error") => 0,
        _ => 2,
    }
}
