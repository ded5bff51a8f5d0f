//! Golden tests for `thr run` (free mode): every `tests/run/**/NAME.thr` is a scenario whose
//! printed output does not depend on thread interleaving. Next to it:
//!
//! - `NAME.stdout`: the exact standard output (what CPython prints for the equivalent program);
//! - `NAME.stderr`: the exact standard error, only for scenarios that fail on purpose. Without
//!   this file, standard error must be empty;
//! - the first line of `NAME.thr` is a comment saying what the case tests. When the scenario
//!   must not exit with 0, that line is `# exit: N` and the next one says what it tests.
//!
//! Each case runs as `thr run --color never tests/run/.../NAME.thr` from the crate root, with
//! a time limit. `THR_BLESS=1 cargo test --test run_golden` rewrites `.stdout` and `.stderr`
//! from the actual output (an empty stderr removes the `.stderr` file); it never changes the
//! expected exit status. Read the diff before committing it: the goldens hold Python's
//! behaviour, not whatever `thr` happens to print.

mod common;

use std::time::Duration;

use common::{Goldens, blessing, files_under, root, run_limited, sibling, text, thr};

/// Fewer cases than this means the discovery is broken, not that the tests pass.
const MIN_CASES: usize = 60;

/// Generous: the slowest case needs a few seconds, but the machine may be loaded.
const TIME_LIMIT: Duration = Duration::from_secs(60);

#[test]
fn run_output_matches_goldens() {
    let cases = files_under("tests/run", "thr");
    assert!(
        cases.len() >= MIN_CASES,
        "found only {} cases under tests/run",
        cases.len()
    );
    let mut goldens = Goldens::new();
    for case in &cases {
        let source = std::fs::read_to_string(root().join(case)).expect("listed files exist");
        let Some(want) = expected_status(case, &source, &mut goldens) else {
            continue;
        };
        let out = run_limited(
            thr().args(["run", "--color", "never", case]),
            b"",
            TIME_LIMIT,
        );
        let stdout = text(&out.stdout, &format!("{case}: stdout"));
        let stderr = text(&out.stderr, &format!("{case}: stderr"));
        goldens.compare(&sibling(case, "stdout"), &stdout);
        check_stderr(case, &stderr, &mut goldens);
        match out.status.code() {
            Some(code) if code == want => {}
            code => goldens.fail(
                case,
                &format!("exit status {code:?}, expected {want} (from the `# exit:` header)"),
            ),
        }
    }
    for ext in ["stdout", "stderr"] {
        for golden in files_under("tests/run", ext) {
            if !cases.contains(&sibling(&golden, "thr")) {
                goldens.fail(&golden, "no .thr file goes with this golden file");
            }
        }
    }
    goldens.finish();
}

/// The exit status the header asks for: `# exit: N` on the first line, 0 when the first line
/// is any other comment. `None` (after recording a failure) when the header is malformed.
fn expected_status(case: &str, source: &str, goldens: &mut Goldens) -> Option<i32> {
    let first = source.lines().next().unwrap_or_default();
    if !first.starts_with("# ") {
        goldens.fail(
            case,
            "the first line must be a comment: `# exit: N` or what the case tests",
        );
        return None;
    }
    let Some(status) = first.strip_prefix("# exit:") else {
        return Some(0);
    };
    match status.trim().parse() {
        Ok(code) => Some(code),
        Err(_) => {
            goldens.fail(case, &format!("bad exit header {first:?}"));
            None
        }
    }
}

/// Compares stderr with `NAME.stderr` when that file exists (or is being written); otherwise
/// stderr must be empty.
fn check_stderr(case: &str, stderr: &str, goldens: &mut Goldens) {
    let golden = sibling(case, "stderr");
    let exists = root().join(&golden).exists();
    if blessing() && stderr.is_empty() {
        if exists {
            std::fs::remove_file(root().join(&golden))
                .unwrap_or_else(|e| panic!("cannot remove {golden}: {e}"));
        }
        return;
    }
    if exists || blessing() {
        goldens.compare(&golden, stderr);
    } else if !stderr.is_empty() {
        goldens.fail(
            case,
            &format!(
                "unexpected stderr (add {golden} if the scenario fails on purpose):\n{stderr}"
            ),
        );
    }
}
