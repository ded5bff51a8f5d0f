//! Seeded mode: determinism, replay of failures, the virtual clock, deadlocks found at
//! once, the step limit, schedulers and their flags, and the golden tests of the examples.

mod common;

use std::time::Duration;

use common::{TempFile, run_limited, thr};

const LIMIT: Duration = Duration::from_secs(120);

/// Exit status, stdout and stderr of `thr run ARGS FILE`.
type Run = (i32, String, String);

fn run_args(args: &[&str]) -> Run {
    let mut cmd = thr();
    cmd.args(["--color", "never", "run"]).args(args);
    let out = run_limited(&mut cmd, b"", LIMIT);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn run_text(text: &str, args: &[&str]) -> Run {
    let file = TempFile::new("seeded.thr", text.as_bytes());
    let mut all = args.to_vec();
    all.push(file.arg());
    run_args(&all)
}

/// The schedule a failed run printed.
fn schedule_of(stderr: &str) -> String {
    stderr
        .lines()
        .find_map(|l| l.strip_prefix("thr: schedule "))
        .unwrap_or_else(|| panic!("no schedule in:\n{stderr}"))
        .to_string()
}

const RACE: &str = "\
shared count = 0
def count_up(n) {
    for i in range(n) {
        count += 1
    }
}
t1 = spawn count_up(200)
t2 = spawn count_up(200)
t1.join()
t2.join()
print(count, randint(1, 1000000), random(), choice([1, 2, 3, 4, 5, 6]))
assert count == 400, f\"lost {400 - count} updates\"
";

#[test]
fn the_examples_and_test_scenarios_pass_their_golden_tests() {
    let mut cmd = thr();
    cmd.args(["--color", "never", "test", "examples", "tests/scenarios"]);
    let out = run_limited(&mut cmd, b"", LIMIT);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let last = stdout.lines().last().unwrap_or_default();
    assert!(
        last.ends_with(" passed, 0 failed") && !last.starts_with("0 "),
        "{stdout}"
    );
}

#[test]
fn the_same_seed_gives_byte_identical_runs() {
    let scenarios = [
        "examples/basics/counter_race.thr",
        "examples/basics/print_time.thr",
        "examples/basics/producer_consumer.thr",
        "examples/classic/sleeping_barber.thr",
        "examples/classic/dining_philosophers.thr",
    ];
    for file in scenarios {
        for flags in [
            &["--seed", "3"][..],
            &["--seed", "8"],
            &["--sched", "pct:3", "--seed", "5"],
            &["--sched", "round-robin"],
        ] {
            let mut args = flags.to_vec();
            args.push(file);
            let first = run_args(&args);
            for _ in 0..4 {
                assert_eq!(run_args(&args), first, "{file} {flags:?}");
            }
        }
    }
    // Different seeds do differ (the scheduler and random numbers both follow the seed).
    let outputs: std::collections::BTreeSet<String> = (0..6)
        .map(|s| run_text(RACE, &["--seed", &s.to_string()]).1)
        .collect();
    assert!(outputs.len() > 1, "{outputs:?}");
}

#[test]
fn a_failure_prints_its_schedule_and_replay_reproduces_it() {
    let error_in_thread = "\
shared log = []
def work(n) {
    log.append(n)
    if len(log) == 2 {
        raise ValueError(f\"second arrival was {n}\")
    }
}
ts = [spawn work(n) for n in range(4)]
for t in ts {
    t.join()
}
print(log)
";
    let race = TempFile::new("race.thr", RACE.as_bytes());
    let thread_error = TempFile::new("thread_error.thr", error_in_thread.as_bytes());
    let cases: [(&[&str], &str, i32); 4] = [
        (&["--seed", "1"], race.arg(), 1),
        (&["--sched", "pct:2", "--seed", "4"], race.arg(), 1),
        (
            &["--seed", "22"],
            "examples/classic/dining_philosophers.thr",
            3,
        ),
        (&["--seed", "2"], thread_error.arg(), 1),
    ];
    for (flags, file, status) in cases {
        let mut args = flags.to_vec();
        args.push(file);
        let first = run_args(&args);
        assert_eq!(first.0, status, "{file} {flags:?}: {}", first.2);
        let schedule = schedule_of(&first.2);
        assert!(
            first.2.contains(&format!(
                "thr: replay with: thr run --replay {schedule} {file}"
            )),
            "{}",
            first.2
        );
        let replayed = run_args(&["--replay", &schedule, file]);
        assert_eq!(replayed, first, "{file}: replaying {schedule}");
    }
}

#[test]
fn replaying_recorded_steps_follows_them() {
    // Thread 1 reads, thread 2 reads and writes, thread 1 writes: one update is lost.
    let text = "\
shared count = 0
def bump() {
    count += 1
}
t1 = spawn bump()
t2 = spawn bump()
t1.join()
t2.join()
print(count)
";
    // Main sets `count` and spawns both (3 steps); then 1 reads, 2 reads, 2 writes, 1
    // writes.
    let (code, out, err) = run_text(text, &["--replay", "steps:0*3,1,2*2,1@0"]);
    assert_eq!((code, out.as_str()), (0, "1\n"), "{err}");
    let (code, out, _) = run_text(text, &["--replay", "steps:0*3,1*2,2*2@0"]);
    assert_eq!((code, out.as_str()), (0, "2\n"));
    let (code, _, err) = run_text(text, &["--replay", "steps:0,5@0"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("does not fit this scenario"), "{err}");
}

#[test]
fn the_virtual_clock_starts_in_2000_and_jumps_over_sleeps() {
    let text = "\
print(ctime(time()), monotonic())
def nap(secs) {
    sleep(secs)
    print(current_thread().name, ctime(time()), monotonic())
}
a = spawn nap(3600)
b = spawn nap(1.5)
timer = Timer(90, lambda: print(\"timer\", ctime(time())))
timer.start()
a.join()
b.join()
print(ctime(time()))
";
    let (code, out, err) = run_text(text, &["--seed", "1"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "Sat Jan  1 00:00:00 2000 0.0\n\
         Thread-2 (nap) Sat Jan  1 00:00:01 2000 1.5\n\
         timer Sat Jan  1 00:01:30 2000\n\
         Thread-1 (nap) Sat Jan  1 01:00:00 2000 3600.0\n\
         Sat Jan  1 01:00:00 2000\n"
    );
}

#[test]
fn a_seeded_deadlock_is_reported_at_once_with_the_cycle() {
    let text = "\
lock a
lock b
def one() {
    with a {
        sleep(1)
        with b {
            pass
        }
    }
}
def two() {
    with b {
        sleep(1)
        with a {
            pass
        }
    }
}
t1 = spawn one()
t2 = spawn two()
t1.join()
";
    let (code, out, err) = run_text(text, &["--seed", "0"]);
    assert_eq!(code, 3, "{out}{err}");
    assert!(
        err.starts_with("thr: deadlock: threads wait for each other in a cycle"),
        "{err}"
    );
    assert!(
        err.contains("waits to acquire lock `b`, held by Thread-2 (two)"),
        "{err}"
    );
    assert!(
        err.contains("waits to acquire lock `a`, held by Thread-1 (one)"),
        "{err}"
    );
    assert!(err.contains("help: the cycle:"), "{err}");
    assert!(err.contains("thr: schedule random@0"), "{err}");
    // A cycle is a deadlock even while another thread goes on running.
    let with_ticker =
        format!("daemon thread ticker {{\n    while True {{\n        sleep(1)\n    }}\n}}\n{text}");
    let (code, _, err) = run_text(&with_ticker, &["--seed", "0"]);
    assert_eq!(code, 3, "{err}");
    assert!(
        err.starts_with("thr: deadlock: threads wait for each other in a cycle"),
        "{err}"
    );
}

#[test]
fn max_steps_stops_a_livelock_with_status_4() {
    let text = "\
shared flag = False
def spin() {
    while not flag {
        pass
    }
}
spawn spin()
";
    let (code, _, err) = run_text(text, &["--seed", "0", "--max-steps", "5000"]);
    assert_eq!(code, 4, "{err}");
    assert!(
        err.contains("stopped after 5000 steps (--max-steps)"),
        "{err}"
    );
    assert!(
        err.contains("--max-steps 5000"),
        "the replay command keeps the flag: {err}"
    );
    // A loop of local work only is cut into steps too, so it cannot stall the run.
    let local = "\
def spin() {
    x = 0
    while True {
        x += 1
    }
}
spawn spin()
";
    let (code, _, err) = run_text(local, &["--seed", "0", "--max-steps", "100"]);
    assert_eq!(code, 4, "{err}");
    // --max-threads stops a seeded run with its own message only.
    let many = "ts = [spawn sleep(1) for i in range(50)]\n";
    let (code, _, err) = run_text(many, &["--seed", "0", "--max-threads", "10"]);
    assert_eq!(code, 4, "{err}");
    assert!(
        err.starts_with(
            "thr: stopped: the scenario created more than 10 threads (--max-threads 10)\n"
        ),
        "{err}"
    );
}

#[test]
fn print_schedule_prints_it_for_a_successful_run() {
    let (code, _, err) = run_text(
        "print(1)\n",
        &["--sched", "pct:2:50", "--seed", "9", "--print-schedule"],
    );
    assert_eq!(code, 0);
    assert!(err.contains("thr: schedule pct:2:50@9\n"), "{err}");
    let (_, _, err) = run_text("print(1)\n", &["--seed", "9"]);
    assert_eq!(err, "", "a successful run prints nothing else");
}

#[test]
fn bad_scheduling_flags_are_usage_errors() {
    for (args, want) in [
        (&["--sched", "fifo"][..], "unknown scheduler `fifo`"),
        (&["--sched", "pct:0"], "DEPTH from 1"),
        (&["--replay", "nonsense"], "not a schedule"),
        (
            &["--replay", "random@1", "--seed", "2"],
            "cannot be used with",
        ),
        (&["--seed", "x"], "invalid value"),
        (
            &["--seed", "1", "--speed", "2"],
            "--speed applies to free mode only",
        ),
    ] {
        let (code, _, err) = run_text("print(1)\n", args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: {err}");
    }
}
