//! Golden transcripts of `thr repl`: every `tests/repl/NAME.in` is fed to `thr repl` on
//! stdin (not a terminal: no prompts, no colour). Its header lines, which are not fed:
//!
//! - `#! args: ARGS` (required, may be empty): the arguments after `thr repl`, such as
//!   `--seed 0` or a file to load;
//! - `#! exit: N`: the expected exit status (default 0).
//!
//! Next to it, `NAME.stdout` is the exact standard output and `NAME.stderr` the exact
//! standard error (absent: must be empty). `THR_BLESS=1 cargo test --test repl` rewrites
//! them from the actual output; read them before committing: they are checked content.

mod common;

use std::time::Duration;

use common::{Goldens, files_under, root, run_limited, sibling, text, thr};

/// Fewer cases than this means the discovery is broken.
const MIN_CASES: usize = 6;

const TIME_LIMIT: Duration = Duration::from_secs(60);

/// The header's arguments and exit status, and the lines to feed.
fn parse_case(source: &str) -> (Vec<String>, i32, String) {
    let mut args = Vec::new();
    let mut exit = 0;
    let mut body = String::new();
    for line in source.lines() {
        if let Some(a) = line.strip_prefix("#! args:") {
            args = a.split_whitespace().map(str::to_string).collect();
        } else if let Some(e) = line.strip_prefix("#! exit:") {
            exit = e.trim().parse().expect("`#! exit: N` holds a number");
        } else {
            body.push_str(line);
            body.push('\n');
        }
    }
    (args, exit, body)
}

fn run_case(args: &[String], input: &str) -> (String, String, Option<i32>) {
    let mut cmd = thr();
    cmd.args(["repl", "--color", "never"]).args(args);
    let out = run_limited(&mut cmd, input.as_bytes(), TIME_LIMIT);
    (
        text(&out.stdout, "stdout"),
        text(&out.stderr, "stderr"),
        out.status.code(),
    )
}

#[test]
fn transcripts_match_goldens() {
    let cases = files_under("tests/repl", "in");
    assert!(cases.len() >= MIN_CASES, "found only {} cases", cases.len());
    let mut goldens = Goldens::new();
    for case in &cases {
        let source = std::fs::read_to_string(root().join(case)).expect("listed files exist");
        if !source.starts_with("#! args:") {
            goldens.fail(case, "the first line must be `#! args: ...`");
            continue;
        }
        let (args, want, input) = parse_case(&source);
        let (stdout, stderr, status) = run_case(&args, &input);
        goldens.compare(&sibling(case, "stdout"), &stdout);
        let err_path = sibling(case, "stderr");
        if !stderr.is_empty() || root().join(&err_path).exists() {
            if common::blessing() && stderr.is_empty() {
                let _ = std::fs::remove_file(root().join(&err_path));
            } else {
                goldens.compare(&err_path, &stderr);
            }
        }
        if status != Some(want) {
            goldens.fail(case, &format!("exit status {status:?}, expected {want}"));
        }
    }
    goldens.finish();
}

/// Seeded transcripts are the same run after run.
#[test]
fn seeded_transcripts_are_deterministic() {
    let case = "tests/repl/stepping.in";
    let source = std::fs::read_to_string(root().join(case)).expect("the case exists");
    let (args, _, input) = parse_case(&source);
    let first = run_case(&args, &input);
    for _ in 0..3 {
        assert_eq!(run_case(&args, &input), first);
    }
}

/// The schedule `:schedule` prints replays with `thr run --replay` on the same scenario
/// to the same output: load a file, step by hand, then replay.
#[test]
fn printed_schedule_replays() {
    let file = "tests/repl/files/workers.thr";
    let input = ":step second\n:step 3\n:step first\n:run\n:schedule\n";
    let (stdout, stderr, status) = run_case(&["--seed".into(), "5".into(), file.into()], input);
    assert_eq!(status, Some(0), "{stderr}");
    let schedule = stdout
        .lines()
        .last()
        .expect("the schedule is printed last")
        .to_string();
    assert!(schedule.starts_with("steps:"), "{stdout}");
    // The session's prints, without the step lines `:step` shows.
    let prints: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("worker "))
        .collect();
    let out = run_limited(
        thr().args(["run", "--replay", &schedule, file]),
        b"",
        TIME_LIMIT,
    );
    let replayed = text(&out.stdout, "replay stdout");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        text(&out.stderr, "stderr")
    );
    assert_eq!(replayed.lines().collect::<Vec<_>>(), prints);
}
