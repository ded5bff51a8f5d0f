//! The command line as a user meets it: help, usage errors, hostile input, stdin, colour,
//! and `thr fmt`. Everything goes through the built binary.

mod common;

use std::process::{Command, Output};
use std::time::Duration;

use common::{TempFile, files_under, run_limited, text, thr};

/// Generous for a debug build; a hang or a quadratic blow-up takes far longer.
const QUICK: Duration = Duration::from_secs(10);

/// Diagnostics for one bad file must fit on one screen.
const SCREEN_LINES: usize = 40;

/// A bad and a good scenario used by several tests.
const BAD: &str = "lock guard\nguard.put(1)\n";
const GOOD: &str = "lock guard\nwith guard {\n    print(\"hi\")\n}\n";

/// Runs `thr ARGS` with `stdin`, under the time limit, with colour settings from the
/// environment removed so that only what the test sets counts.
fn thr_run(args: &[&str], stdin: &[u8], env: &[(&str, &str)]) -> Output {
    let mut cmd: Command = thr();
    cmd.args(args)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR")
        .env_remove("CLICOLOR_FORCE");
    for (k, v) in env {
        cmd.env(k, v);
    }
    run_limited(&mut cmd, stdin, QUICK)
}

fn stdout(out: &Output) -> String {
    text(&out.stdout, "stdout")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts the exit status, showing the output when it is wrong.
#[track_caller]
fn assert_status(out: &Output, want: i32) {
    assert_eq!(
        out.status.code(),
        Some(want),
        "\n--- stdout:\n{}\n--- stderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        stderr(out)
    );
}

/// No panic, no backtrace hint, and at most a screenful of diagnostics.
#[track_caller]
fn assert_tidy(out: &Output) {
    let err = stderr(out);
    assert!(!err.contains("panicked"), "thr panicked:\n{err}");
    assert!(!err.contains("RUST_BACKTRACE"), "thr panicked:\n{err}");
    let lines = err.lines().count();
    assert!(
        lines <= SCREEN_LINES,
        "{lines} lines of diagnostics (more than a screen):\n{}",
        err.lines().take(60).collect::<Vec<_>>().join("\n")
    );
}

/// Checks `contents` as a file; returns the output after the common assertions.
#[track_caller]
fn check_bytes(name: &str, contents: &[u8], want: i32) -> Output {
    let file = TempFile::new(name, contents);
    let out = thr_run(&["check", "--color", "never", file.arg()], b"", &[]);
    assert_status(&out, want);
    assert_tidy(&out);
    out
}

/// `n` deterministic pseudo-random bytes (xorshift64).
fn random_bytes(seed: u64, n: usize) -> Vec<u8> {
    let mut x = seed;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

// ───────────────────────────── Help and usage ─────────────────────────────

#[test]
fn help_explains_the_tool() {
    let out = thr_run(&["--help"], b"", &[]);
    assert_status(&out, 0);
    let help = stdout(&out);
    for needle in [
        "check",
        "fmt",
        "Exit statuses",
        "0 success",
        "2 the scenario",
    ] {
        assert!(
            help.contains(needle),
            "`thr --help` lacks {needle:?}:\n{help}"
        );
    }
}

#[test]
fn check_help_explains_files_and_exit_statuses() {
    let out = thr_run(&["check", "--help"], b"", &[]);
    assert_status(&out, 0);
    let help = stdout(&out);
    for needle in ["<FILE>", "stdin", "Exits 0", "2 otherwise", "--color"] {
        assert!(
            help.contains(needle),
            "`thr check --help` lacks {needle:?}:\n{help}"
        );
    }
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["frobnicate"][..],
        &["--frobnicate"],
        &["check", "--frobnicate", "x.thr"],
        &["check"],
        &["--color", "sometimes", "check", "x.thr"],
        &[],
    ] {
        let out = thr_run(args, b"", &[]);
        assert_status(&out, 2);
        // clap's usage errors all point at `--help`.
        assert!(
            stderr(&out).contains("--help"),
            "{args:?}:\n{}",
            stderr(&out)
        );
        assert_tidy(&out);
    }
}

// ───────────────────────────── Good scenarios ─────────────────────────────

#[test]
fn every_example_and_scenario_checks_clean() {
    let mut files = files_under("examples", "thr");
    let scenarios = files_under("tests/scenarios", "thr");
    assert!(!scenarios.is_empty(), "tests/scenarios has no .thr files");
    files.extend(scenarios);
    let mut failures = Vec::new();
    for file in &files {
        let out = thr_run(&["check", "--color", "never", file], b"", &[]);
        let err = stderr(&out);
        if out.status.code() != Some(0) || err != format!("{file}: no problems\n") {
            failures.push(format!("── {file} (exit {:?})\n{err}", out.status.code()));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn several_files_are_checked_in_one_run() {
    let bad = TempFile::new("bad.thr", BAD.as_bytes());
    let good = TempFile::new("good.thr", GOOD.as_bytes());
    let out = thr_run(
        &["check", "--color", "never", bad.arg(), good.arg()],
        b"",
        &[],
    );
    assert_status(&out, 2);
    let err = stderr(&out);
    assert!(err.contains(&format!("{}: 1 error", bad.arg())), "{err}");
    assert!(
        err.contains(&format!("{}: no problems", good.arg())),
        "{err}"
    );
}

// ───────────────────────────── Hostile input ─────────────────────────────

#[test]
fn random_bytes_are_refused_as_not_text() {
    let out = check_bytes("random.thr", &random_bytes(0x5eed, 1 << 20), 2);
    assert!(
        stderr(&out).contains("is not UTF-8 text"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn non_utf8_text_is_refused_with_its_position() {
    let out = check_bytes("latin1.thr", b"# caf\xe9\nx = 1\n", 2);
    let err = stderr(&out);
    assert!(err.contains("byte 0xE9 at line 1, column 6"), "{err}");
}

#[test]
fn a_nul_byte_marks_a_binary_file() {
    let out = check_bytes("nul.thr", b"x = 1\n\0\n", 2);
    assert!(stderr(&out).contains("binary"), "{}", stderr(&out));
}

#[test]
fn deep_nesting_is_refused() {
    let out = check_bytes("parens.thr", "(".repeat(100_000).as_bytes(), 2);
    assert!(
        stderr(&out).contains("nested more than"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_empty_file_checks_clean() {
    let out = check_bytes("empty.thr", b"", 0);
    assert!(
        stderr(&out).ends_with(": no problems\n"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_directory_is_refused() {
    let dir = std::env::temp_dir();
    let out = thr_run(
        &["check", "--color", "never", dir.to_str().unwrap()],
        b"",
        &[],
    );
    assert_status(&out, 2);
    assert_tidy(&out);
    assert!(stderr(&out).contains("is a directory"), "{}", stderr(&out));
}

#[test]
fn a_missing_file_is_reported() {
    let missing = std::env::temp_dir().join(format!("thr-test-{}-missing.thr", std::process::id()));
    let out = thr_run(
        &["check", "--color", "never", missing.to_str().unwrap()],
        b"",
        &[],
    );
    assert_status(&out, 2);
    assert_tidy(&out);
    assert!(stderr(&out).contains("no such file"), "{}", stderr(&out));
}

#[test]
fn a_missing_file_does_not_stop_the_others() {
    let good = TempFile::new("good.thr", GOOD.as_bytes());
    let out = thr_run(
        &["check", "--color", "never", "no/such/file.thr", good.arg()],
        b"",
        &[],
    );
    assert_status(&out, 2);
    assert!(stderr(&out).contains(&format!("{}: no problems", good.arg())));
}

/// Known problem (reported; un-ignore once fixed): unterminated strings and invalid
/// characters are not capped like other syntax errors, and rendering is quadratic in
/// their number, so a garbage file takes minutes and floods the terminal.
#[test]
fn random_text_is_reported_quickly_and_briefly() {
    let alphabet = b"abcdefghij klmnop=+-*()[]{}\"'#:,.\n0123456789";
    let text: Vec<u8> = random_bytes(7, 64 << 10)
        .into_iter()
        .map(|b| alphabet[b as usize % alphabet.len()])
        .collect();
    check_bytes("garbage.thr", &text, 2);
}

/// Known problem (reported; un-ignore once fixed): source lines are printed whole, so one long line fills the screen.
#[test]
fn a_long_line_gives_a_short_report() {
    let out = check_bytes("parens.thr", "(".repeat(100_000).as_bytes(), 2);
    assert!(out.stderr.len() < 8 << 10, "{} bytes", out.stderr.len());
}

// ───────────────────────────── stdin ─────────────────────────────

#[test]
fn stdin_good_scenario() {
    let out = thr_run(&["check", "--color", "never", "-"], GOOD.as_bytes(), &[]);
    assert_status(&out, 0);
    assert_eq!(stderr(&out), "<stdin>: no problems\n");
}

#[test]
fn stdin_bad_scenario() {
    let out = thr_run(&["check", "--color", "never", "-"], BAD.as_bytes(), &[]);
    assert_status(&out, 2);
    assert_tidy(&out);
    let err = stderr(&out);
    assert!(err.contains("a lock has no method `put`"), "{err}");
    assert!(err.contains("<stdin>:2:7"), "{err}");
    assert!(err.ends_with("<stdin>: 1 error\n"), "{err}");
}

// ───────────────────────────── Colour ─────────────────────────────

const ESC: &str = "\x1b[";

fn check_bad_with(args: &[&str], env: &[(&str, &str)]) -> String {
    let file = TempFile::new("colour.thr", BAD.as_bytes());
    let mut all = args.to_vec();
    all.extend(["check", file.arg()]);
    let out = thr_run(&all, b"", env);
    assert_status(&out, 2);
    stderr(&out)
}

#[test]
fn color_always_colours() {
    let err = check_bad_with(&["--color", "always"], &[]);
    assert!(err.contains(ESC), "{err}");
    // The flag wins over NO_COLOR.
    let err = check_bad_with(&["--color", "always"], &[("NO_COLOR", "1")]);
    assert!(err.contains(ESC), "{err}");
}

#[test]
fn color_never_does_not_colour() {
    let err = check_bad_with(&["--color", "never"], &[("CLICOLOR_FORCE", "1")]);
    assert!(!err.contains('\x1b'), "{err:?}");
}

#[test]
fn no_color_env_turns_colour_off() {
    let err = check_bad_with(&[], &[("NO_COLOR", "1")]);
    assert!(!err.contains('\x1b'), "{err:?}");
}

#[test]
fn default_is_plain_when_stderr_is_a_pipe() {
    let err = check_bad_with(&[], &[]);
    assert!(!err.contains('\x1b'), "{err:?}");
    let err = check_bad_with(&["--color", "auto"], &[]);
    assert!(!err.contains('\x1b'), "{err:?}");
}

// ───────────────────────────── fmt ─────────────────────────────

const UNFORMATTED: &str = "lock  guard\nx=1+2\nwith guard { print( x ) }\n";
const FORMATTED: &str = "lock guard\nx = 1 + 2\nwith guard {\n    print(x)\n}\n";

#[test]
fn fmt_prints_canonical_text() {
    let file = TempFile::new("fmt.thr", UNFORMATTED.as_bytes());
    let out = thr_run(&["fmt", file.arg()], b"", &[]);
    assert_status(&out, 0);
    assert_eq!(stdout(&out), FORMATTED);
    assert_eq!(stderr(&out), "");
    assert_eq!(
        file.read(),
        UNFORMATTED,
        "plain `fmt` must not touch the file"
    );
}

#[test]
fn fmt_check_accepts_formatted_text() {
    let file = TempFile::new("fmt.thr", FORMATTED.as_bytes());
    let out = thr_run(&["fmt", "--check", file.arg()], b"", &[]);
    assert_status(&out, 0);
    assert_eq!(stdout(&out), "");
    assert_eq!(stderr(&out), "");
}

#[test]
fn fmt_check_shows_the_diff_of_unformatted_text() {
    let file = TempFile::new("fmt.thr", UNFORMATTED.as_bytes());
    let out = thr_run(&["fmt", "--check", file.arg()], b"", &[]);
    assert_status(&out, 1);
    assert_eq!(stdout(&out), "");
    let err = stderr(&out);
    for line in ["-x=1+2", "+x = 1 + 2", "+    print(x)"] {
        assert!(
            err.lines().any(|l| l == line),
            "diff lacks {line:?}:\n{err}"
        );
    }
    assert_eq!(
        file.read(),
        UNFORMATTED,
        "`fmt --check` must not touch the file"
    );
}

#[test]
fn fmt_write_rewrites_the_file() {
    let file = TempFile::new("fmt.thr", UNFORMATTED.as_bytes());
    let out = thr_run(&["fmt", "--write", file.arg()], b"", &[]);
    assert_status(&out, 0);
    assert_eq!(stdout(&out), "");
    assert_eq!(file.read(), FORMATTED);
    let again = thr_run(&["fmt", "--check", file.arg()], b"", &[]);
    assert_status(&again, 0);
}

#[test]
fn fmt_reads_stdin() {
    let out = thr_run(&["fmt", "-"], UNFORMATTED.as_bytes(), &[]);
    assert_status(&out, 0);
    assert_eq!(stdout(&out), FORMATTED);
}

#[test]
fn fmt_refuses_text_with_syntax_errors() {
    let broken = "x = (1 +\nprint(x)\n";
    let file = TempFile::new("broken.thr", broken.as_bytes());
    for args in [&["fmt"][..], &["fmt", "--check"], &["fmt", "--write"]] {
        let mut all = args.to_vec();
        all.extend(["--color", "never", file.arg()]);
        let out = thr_run(&all, b"", &[]);
        assert_status(&out, 2);
        assert_tidy(&out);
        assert_eq!(stdout(&out), "", "{args:?}");
        assert!(stderr(&out).contains("thr::syntax::"), "{}", stderr(&out));
        assert_eq!(file.read(), broken, "{args:?} must not touch a broken file");
    }
}
