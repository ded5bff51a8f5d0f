//! `thr run` in free mode: how runs stop (deadlock, Ctrl-C, limits), the run options, and
//! the example catalog. Time bounds are generous: they catch hangs, not slowness.

mod common;

use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{TempFile, run_limited, thr};

const LIMIT: Duration = Duration::from_secs(60);

fn run_scenario(name: &str, text: &str, args: &[&str]) -> (i32, String, String) {
    let file = TempFile::new(name, text.as_bytes());
    let mut cmd = thr();
    cmd.arg("run")
        .arg("--color")
        .arg("never")
        .args(args)
        .arg(file.arg());
    let out = run_limited(&mut cmd, b"", LIMIT);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_example_runs_and_its_asserts_hold() {
    let mut failures = Vec::new();
    for case in common::files_under("examples", "thr") {
        // A header line `#! exit: N` gives the expected status of the seeded golden test.
        // It holds in free mode too, unless the header's `#! args:` name a seed: then the
        // status is that seed's, and free mode may also end well (a deadlock that only
        // some interleavings reach).
        let text = std::fs::read_to_string(common::root().join(&case)).expect("readable");
        let expected = text
            .lines()
            .find_map(|l| l.strip_prefix("#! exit:"))
            .map_or(0, |n| n.trim().parse().expect("a number"));
        let seeded = text
            .lines()
            .any(|l| l.starts_with("#! args:") && l.contains("--seed"));
        let mut cmd = thr();
        cmd.args(["run", "--color", "never", &case]);
        let out = run_limited(&mut cmd, b"", LIMIT);
        let code = out.status.code().unwrap_or(-1);
        if code != expected && !(seeded && code == 0) {
            failures.push(format!(
                "{case}: exit {code}, expected {expected}\n{}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn opposite_lock_orders_deadlock_with_a_report_of_the_cycle() {
    let text = "\
lock a
lock b
barrier both(2)

thread first {
    with a {
        both.wait()
        with b {
            pass
        }
    }
}

thread second {
    with b {
        both.wait()
        with a {
            pass
        }
    }
}
";
    let (code, stdout, stderr) = run_scenario("deadlock.thr", text, &[]);
    assert_eq!(code, 3, "{stderr}");
    assert_eq!(stdout, "");
    assert!(
        stderr.contains("deadlock: threads wait for each other in a cycle"),
        "{stderr}"
    );
    assert!(
        stderr.contains("waits to acquire lock `b`, held by second"),
        "{stderr}"
    );
    assert!(
        stderr.contains("waits to acquire lock `a`, held by first"),
        "{stderr}"
    );
    assert!(
        stderr.contains("the cycle: first waits for lock `b`, held by second;"),
        "{stderr}"
    );
    assert!(stderr.contains("blocked in `with b`"), "{stderr}");
}

#[test]
fn every_thread_blocked_for_good_is_a_deadlock() {
    let text = "\
event never
thread waiter {
    never.wait()
}
waiter.join()
";
    let (code, _, stderr) = run_scenario("stuck.thr", text, &[]);
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("every thread is blocked"), "{stderr}");
    assert!(stderr.contains("MainThread"), "{stderr}");
    assert!(
        stderr.contains("waits for event `never` to be set"),
        "{stderr}"
    );
}

#[test]
fn a_thread_blocked_with_a_timeout_is_not_a_deadlock() {
    let text = "\
event never
print(never.wait(timeout=300ms))
";
    let (code, stdout, stderr) = run_scenario("timed.thr", text, &[]);
    assert_eq!((code, stdout.as_str()), (0, "False\n"), "{stderr}");
}

#[test]
fn ctrl_c_prints_what_every_thread_was_doing_and_exits_130() {
    let file = TempFile::new(
        "sleepy.thr",
        b"event go\nthread worker {\n    go.wait()\n}\nsleep(60)\n",
    );
    let mut child = thr()
        .args(["run", "--color", "never", file.arg()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("thr starts");
    std::thread::sleep(Duration::from_millis(500));
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let start = Instant::now();
    let out = loop {
        if child.try_wait().expect("waitable").is_some() {
            break child.wait_with_output().expect("output");
        }
        assert!(start.elapsed() < LIMIT, "thr did not stop after SIGINT");
        std::thread::sleep(Duration::from_millis(10));
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    assert!(stderr.contains("blocked in `sleep(60)`"), "{stderr}");
    assert!(
        stderr.contains("waits for event `go` to be set"),
        "{stderr}"
    );
}

#[test]
fn timeout_stops_the_run_with_status_4() {
    let (code, _, stderr) = run_scenario("long.thr", "sleep(60)\n", &["--timeout", "0.5"]);
    assert_eq!(code, 4, "{stderr}");
    assert!(
        stderr.contains("stopped after 0.5s (--timeout)"),
        "{stderr}"
    );
}

#[test]
fn max_threads_stops_the_run_with_status_4() {
    let text = "def f() {\n    pass\n}\nfor i in range(10) {\n    spawn f()\n}\n";
    let (code, _, stderr) = run_scenario("many.thr", text, &["--max-threads", "5"]);
    assert_eq!(code, 4, "{stderr}");
    assert!(
        stderr.contains("more than 5 threads (--max-threads 5)"),
        "{stderr}"
    );
    let (code, _, stderr) = run_scenario("many.thr", text, &["--max-threads", "10"]);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn speed_scales_sleeps_but_not_the_scenario_clock() {
    let text = "start = monotonic()\nsleep(20)\nprint(round(monotonic() - start))\n";
    let begin = Instant::now();
    let (code, stdout, stderr) = run_scenario("fast.thr", text, &["--speed", "100"]);
    assert_eq!((code, stdout.as_str()), (0, "20\n"), "{stderr}");
    assert!(
        begin.elapsed() < Duration::from_secs(15),
        "20 s of sleep at speed 100 took {:?}",
        begin.elapsed()
    );
}

#[test]
fn a_small_stack_size_is_enough_for_scenario_threads() {
    let text = "def depth(n) {\n    if n == 0 {\n        return 0\n    }\n    return 1 + depth(n - 1)\n}\nt = spawn depth(500)\nt.join()\nprint(\"ok\")\n";
    let (code, stdout, stderr) = run_scenario("stack.thr", text, &["--stack-size", "65536"]);
    assert_eq!((code, stdout.as_str()), (0, "ok\n"), "{stderr}");
}

#[test]
fn bad_options_are_usage_errors() {
    let (code, _, stderr) = run_scenario("x.thr", "pass\n", &["--speed", "0"]);
    assert_eq!(code, 2, "{stderr}");
    let (code, _, _) = run_scenario("x.thr", "pass\n", &["--max-threads", "many"]);
    assert_eq!(code, 2);
}

#[test]
fn a_check_error_stops_before_running() {
    let (code, stdout, stderr) =
        run_scenario("bad.thr", "print(\"never\")\nundefined_name()\n", &[]);
    assert_eq!((code, stdout.as_str()), (2, ""), "{stderr}");
    assert!(
        stderr.contains("undefined name `undefined_name`"),
        "{stderr}"
    );
}

#[test]
fn an_uncaught_error_in_a_thread_is_reported_and_others_go_on() {
    let text = "\
def boom() {
    raise ValueError(\"bad value\")
}
t = spawn boom()
t.join()
print(\"main goes on\")
";
    let (code, stdout, stderr) = run_scenario("boom.thr", text, &[]);
    assert_eq!((code, stdout.as_str()), (1, "main goes on\n"), "{stderr}");
    assert!(
        stderr.starts_with("Exception in thread Thread-1 (boom):\n"),
        "{stderr}"
    );
    assert!(stderr.contains("ValueError: bad value"), "{stderr}");
    assert!(
        stderr.contains("raise ValueError(\"bad value\")"),
        "{stderr}"
    );
}

/// Races are real in free mode: two OS threads incrementing a shared counter without a
/// lock lose updates. The threads start together at a barrier and run long enough to
/// overlap on two cores; a machine busy enough to run them one after the other gets a few
/// more tries before the test gives up.
#[test]
fn unlocked_increments_from_two_threads_lose_updates() {
    let text = "\
shared count = 0
barrier start(2)

def count_up(n) {
    start.wait()
    for i in range(n) {
        count += 1
    }
}

t1 = spawn count_up(1000000)
t2 = spawn count_up(1000000)
t1.join()
t2.join()
print(count)
";
    let mut counts = Vec::new();
    for _ in 0..5 {
        let (code, out, err) = run_scenario("race.thr", text, &[]);
        assert_eq!(code, 0, "{err}");
        let count: i64 = out.trim().parse().expect("a count");
        assert!((2..=2_000_000).contains(&count), "impossible count {count}");
        if count < 2_000_000 {
            return;
        }
        counts.push(count);
    }
    panic!("no update was lost in {} runs: {counts:?}", counts.len());
}
