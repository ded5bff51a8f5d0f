//! `thr test`: discovery, headers, comparison with diffs, `--bless`, `--filter`, skips,
//! errors in test files, the summary line and the exit status.

mod common;

use std::time::Duration;

use common::{TempDir, run_limited, thr};

const LIMIT: Duration = Duration::from_secs(120);

/// Runs `thr test ARGS` in `dir`; returns the exit status and stdout.
fn thr_test(dir: &TempDir, args: &[&str]) -> (i32, String) {
    let mut cmd = thr();
    cmd.current_dir(&dir.path)
        .args(["--color", "never", "test"])
        .args(args);
    let out = run_limited(&mut cmd, b"", LIMIT);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let none = stdout.starts_with("\n0 passed, 0 failed");
    let note = "thr test: no tests found (a test is X.thr with X.stdout or X.stderr beside it)\n";
    assert_eq!(stderr, if none { note } else { "" }, "unexpected stderr");
    (out.status.code().unwrap_or(-1), stdout)
}

const HELLO: &str = "print(\"hello\", randint(1, 100))\n";

#[test]
fn bless_writes_expectations_and_the_next_run_passes() {
    let dir = TempDir::new("bless");
    dir.write("hello.thr", HELLO);
    // Not a test yet: a directory search finds nothing; naming the file is an error.
    assert_eq!(thr_test(&dir, &[]), (0, "\n0 passed, 0 failed\n".into()));
    let (code, out) = thr_test(&dir, &["hello.thr"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("no hello.stdout beside it (run with --bless to create it)"),
        "{out}"
    );
    let (code, out) = thr_test(&dir, &["--bless", "hello.thr"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("blessed hello.thr\n"), "{out}");
    let golden = dir.read("hello.stdout").expect("blessed");
    assert!(golden.starts_with("hello "), "{golden}");
    assert_eq!(dir.read("hello.stderr"), None);
    let (code, out) = thr_test(&dir, &[]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out, "ok      hello.thr\n\n1 passed, 0 failed\n");
}

#[test]
fn a_mismatch_shows_a_unified_diff_and_fails() {
    let dir = TempDir::new("diff");
    dir.write("count.thr", "for i in range(5) {\n    print(i)\n}\n");
    dir.write("count.stdout", "0\n1\n2\nthree\n4\n");
    let (code, out) = thr_test(&dir, &["."]);
    assert_eq!(code, 1, "{out}");
    assert!(out.starts_with("FAILED  count.thr\n"), "{out}");
    assert!(
        out.contains(
            "stdout differs from count.stdout:\n--- expected\n+++ actual\n@@ -1,5 +1,5 @@\n 0\n 1\n 2\n-three\n+3\n 4\n"
        ),
        "{out}"
    );
    assert!(out.ends_with("\n0 passed, 1 failed\n"), "{out}");
}

#[test]
fn headers_set_flags_and_the_expected_status() {
    let dir = TempDir::new("headers");
    let deadlock = "#! exit: 3\n#! args: --sched round-robin\nlock a\na.acquire()\na.acquire()\n";
    dir.write("deadlock.thr", deadlock);
    dir.write("deadlock.stdout", "");
    let (code, out) = thr_test(&dir, &["--bless"]);
    assert_eq!(code, 0, "{out}");
    let stderr = dir.read("deadlock.stderr").expect("a deadlock report");
    assert!(
        stderr.starts_with("thr: deadlock: a thread waits for a lock it holds itself"),
        "{stderr}"
    );
    assert!(stderr.contains("thr: schedule round-robin@0\n"), "{stderr}");
    assert!(
        stderr.contains("replay with: thr run --replay round-robin@0 deadlock.thr"),
        "{stderr}"
    );
    // The expected status is checked.
    dir.write("deadlock.thr", &deadlock.replace("exit: 3", "exit: 0"));
    let (code, out) = thr_test(&dir, &[]);
    assert_eq!(code, 1);
    assert!(out.contains("exit status 3, expected 0"), "{out}");
}

#[test]
fn seeds_in_headers_make_runs_differ_and_repeat() {
    let dir = TempDir::new("seeds");
    for seed in 0..4 {
        dir.write(
            &format!("s{seed}.thr"),
            &format!("#! args: --seed {seed}\n{HELLO}"),
        );
        dir.write(&format!("s{seed}.stdout"), "");
    }
    thr_test(&dir, &["--bless"]);
    let outputs: std::collections::BTreeSet<String> = (0..4)
        .map(|s| dir.read(&format!("s{s}.stdout")).unwrap())
        .collect();
    assert!(
        outputs.len() > 1,
        "different seeds draw different numbers: {outputs:?}"
    );
    let (code, out) = thr_test(&dir, &["-j", "3"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.ends_with("4 passed, 0 failed\n"), "{out}");
}

#[test]
fn filter_skip_and_broken_test_files() {
    let dir = TempDir::new("filter");
    dir.write("alpha.thr", "print(1)\n");
    dir.write("alpha.stdout", "1\n");
    dir.write("beta.thr", "#! skip: not ready\nprint(2)\n");
    dir.write("beta.stdout", "");
    dir.write("gamma.thr", "#! timeout: 5\nprint(3)\n");
    dir.write("gamma.stdout", "3\n");
    let (code, out) = thr_test(&dir, &["--filter", "alp"]);
    assert_eq!(
        (code, out.as_str()),
        (0, "ok      alpha.thr\n\n1 passed, 0 failed\n")
    );
    let (code, out) = thr_test(&dir, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("skipped beta.thr (not ready)\n"), "{out}");
    assert!(
        out.contains("gamma.thr:1: unknown header `#! timeout:` (known: args, exit, skip)"),
        "{out}"
    );
    assert!(out.ends_with("\n1 passed, 1 failed, 1 skipped\n"), "{out}");
    let mut cmd = thr();
    cmd.current_dir(&dir.path).args(["test", "missing"]);
    let out = run_limited(&mut cmd, b"", LIMIT);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "thr test: missing: No such file or directory (os error 2)\n"
    );
}

#[test]
fn tests_in_subdirectories_run_in_their_own_directory() {
    let dir = TempDir::new("nested");
    std::fs::create_dir_all(dir.path.join("deep/er")).unwrap();
    dir.write("deep/er/boom.thr", "#! exit: 1\nx = [1][3]\n");
    dir.write("deep/er/boom.stdout", "");
    thr_test(&dir, &["--bless"]);
    let stderr = dir.read("deep/er/boom.stderr").expect("an error report");
    assert!(
        stderr.contains("IndexError: list index out of range"),
        "{stderr}"
    );
    assert!(
        stderr.contains("╭─[boom.thr:2:5]"),
        "paths are relative to the test: {stderr}"
    );
    let (code, out) = thr_test(&dir, &["deep"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("ok      deep/er/boom.thr"), "{out}");
}
