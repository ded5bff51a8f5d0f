//! `thr run --trace-format chrome`: the trace is well-formed Chrome Trace Event JSON, with
//! one event per line, a named track per thread, balanced and properly nested slices,
//! paired lock holds and hand-off flows bound to slices, the seeded timestamp scheme, and
//! the same bytes on every seeded run.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use common::{TempFile, run_limited, thr};
use serde_json::Value;

const LIMIT: Duration = Duration::from_secs(60);

/// Runs `thr run ARGS FILE` writing a Chrome trace to a temporary file; returns the exit
/// status and the trace.
fn chrome(file: &str, args: &[&str]) -> (i32, String) {
    let out = TempFile::new("trace.json", b"");
    let trace = format!("--trace={}", out.arg());
    let mut cmd = thr();
    cmd.args(["--color", "never", "run", "--trace-format", "chrome"])
        .arg(&trace)
        .args(args)
        .arg(file);
    let result = run_limited(&mut cmd, b"", LIMIT);
    let code = result.status.code().unwrap_or(-1);
    let text = out.read();
    assert!(
        !text.is_empty(),
        "{file}: no trace written; stderr:\n{}",
        String::from_utf8_lossy(&result.stderr)
    );
    (code, text)
}

/// A trace event's field as a number, failing the test when it is missing.
fn num(e: &Value, field: &str) -> f64 {
    e[field]
        .as_f64()
        .unwrap_or_else(|| panic!("`{field}` is not a number in {e}"))
}

fn text<'a>(e: &'a Value, field: &str) -> &'a str {
    e[field]
        .as_str()
        .unwrap_or_else(|| panic!("`{field}` is not a string in {e}"))
}

/// What a valid trace holds, for scenario-specific checks.
#[derive(Default, Debug)]
struct Summary {
    /// Events by phase.
    phases: BTreeMap<String, usize>,
    /// State slice names (`running`, `blocked: ...`, `sleeping`).
    states: BTreeSet<String>,
    /// Lock holds (async pairs).
    holds: usize,
    /// Hand-off flows (s/f pairs).
    flows: usize,
    /// Thread names by tid.
    threads: BTreeMap<u64, String>,
    /// The non-metadata events.
    events: Vec<Value>,
}

/// Checks everything a viewer relies on; panics with `what` and the problem.
fn validate(what: &str, trace: &str) -> Summary {
    // The layout: one event per line between a fixed header and footer.
    let lines: Vec<&str> = trace.lines().collect();
    assert!(lines.len() >= 3, "{what}: too short:\n{trace}");
    assert_eq!(lines[0], "{\"traceEvents\":[", "{what}: header");
    assert_eq!(
        lines[lines.len() - 1],
        "],\"displayTimeUnit\":\"ms\"}",
        "{what}: footer"
    );
    for (k, line) in lines[1..lines.len() - 1].iter().enumerate() {
        let last = k + 3 == lines.len();
        let body = if last {
            line
        } else {
            line.strip_suffix(',')
                .unwrap_or_else(|| panic!("{what}: line {} lacks its comma", k + 2))
        };
        let v: Value = serde_json::from_str(body)
            .unwrap_or_else(|e| panic!("{what}: line {} is not one event: {e}", k + 2));
        assert!(v.is_object(), "{what}: line {} is not an object", k + 2);
    }

    let doc: Value = serde_json::from_str(trace).unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_eq!(doc["displayTimeUnit"], "ms", "{what}");
    let all = doc["traceEvents"]
        .as_array()
        .expect("traceEvents is an array");
    let mut s = Summary::default();
    let mut sorted = BTreeSet::new();
    let mut has_process = false;
    let mut prev_ts = f64::NEG_INFINITY;
    for e in all {
        let ph = text(e, "ph");
        text(e, "name");
        assert_eq!(num(e, "pid"), 1.0, "{what}: pid in {e}");
        assert!(
            num(e, "tid") >= 1.0,
            "{what}: tid 0 is the idle thread's: {e}"
        );
        *s.phases.entry(ph.to_string()).or_default() += 1;
        if ph == "M" {
            let tid = num(e, "tid") as u64;
            match text(e, "name") {
                "process_name" => has_process = text(&e["args"], "name").starts_with("thr "),
                "thread_name" => {
                    let name = text(&e["args"], "name").to_string();
                    assert!(!name.is_empty(), "{what}: empty thread name");
                    assert!(s.threads.insert(tid, name).is_none(), "{what}: named twice");
                }
                "thread_sort_index" => {
                    // Tracks are thr's thread numbers plus one; the order is thr's.
                    let index = num(&e["args"], "sort_index") as u64;
                    assert_eq!(index + 1, tid, "{what}: {e}");
                    sorted.insert(tid);
                }
                other => panic!("{what}: unexpected metadata {other}"),
            }
            assert!(s.events.is_empty(), "{what}: metadata after events: {e}");
            continue;
        }
        let ts = num(e, "ts");
        assert!(ts.is_finite() && ts >= 0.0, "{what}: ts in {e}");
        assert!(ts >= prev_ts, "{what}: events out of time order at {e}");
        prev_ts = ts;
        assert!(
            ["B", "E", "X", "i", "b", "e", "s", "f"].contains(&ph),
            "{what}: phase in {e}"
        );
        if ph == "i" {
            assert_eq!(e["s"], "t", "{what}: instant scope in {e}");
        }
        if ph == "X" {
            assert!(num(e, "dur") > 0.0, "{what}: dur in {e}");
        }
        s.events.push(e.clone());
    }
    assert!(has_process, "{what}: no process_name");
    for e in &s.events {
        let tid = num(e, "tid") as u64;
        assert!(
            s.threads.contains_key(&tid),
            "{what}: no thread_name for {e}"
        );
        assert!(
            sorted.contains(&tid),
            "{what}: no thread_sort_index for {e}"
        );
    }
    check_slices(what, &mut s);
    check_pairs(what, &mut s);
    s
}

/// B/E balanced and nested per thread, X slices and marks inside a state slice, flows
/// inside an X slice of their thread.
fn check_slices(what: &str, s: &mut Summary) {
    // Per thread: open B slices, and closed ones and X slices as (start, end, name).
    let mut open: BTreeMap<u64, Vec<(f64, String)>> = BTreeMap::new();
    let mut closed: BTreeMap<u64, Vec<(f64, f64, String)>> = BTreeMap::new();
    for e in &s.events {
        let tid = num(e, "tid") as u64;
        let (ph, name, ts) = (text(e, "ph"), text(e, "name"), num(e, "ts"));
        match ph {
            "B" => {
                assert_eq!(e["cat"], "state", "{what}: {e}");
                let stack = open.entry(tid).or_default();
                assert!(stack.is_empty(), "{what}: state slices overlap at {e}");
                stack.push((ts, name.to_string()));
                s.states.insert(name.to_string());
            }
            "E" => {
                let (start, begun) = open
                    .entry(tid)
                    .or_default()
                    .pop()
                    .unwrap_or_else(|| panic!("{what}: E without B: {e}"));
                assert_eq!(begun, name, "{what}: E closes another slice: {e}");
                assert!(ts >= start, "{what}: E before its B: {e}");
                closed.entry(tid).or_default().push((start, ts, begun));
            }
            "X" | "i" => {
                // Strictly inside the thread's open state slice.
                let inside = open
                    .get(&tid)
                    .and_then(|st| st.last())
                    .is_some_and(|b| b.0 < ts);
                assert!(inside, "{what}: not inside a state slice: {e}");
                if ph == "X" {
                    let end = ts + num(e, "dur");
                    closed.entry(tid).or_default().push((ts, end, name.into()));
                }
            }
            _ => {}
        }
    }
    for (tid, stack) in &open {
        assert!(stack.is_empty(), "{what}: tid {tid} left open: {stack:?}");
    }
    // Every X slice ends before its state slice does (nesting, not overlap).
    for slices in closed.values() {
        for (a0, a1, a) in slices {
            for (b0, b1, b) in slices {
                let overlap = a0 < b1 && b0 < a1;
                let nested = (a0 <= b0 && b1 <= a1) || (b0 <= a0 && a1 <= b1);
                assert!(!overlap || nested, "{what}: {a} and {b} overlap");
            }
        }
    }
    // Flow marks bind to the short slice of a put or get around them.
    for e in &s.events {
        let ph = text(e, "ph");
        if ph != "s" && ph != "f" {
            continue;
        }
        let (tid, ts) = (num(e, "tid") as u64, num(e, "ts"));
        let op = if ph == "s" { "put" } else { "get" };
        let bound = closed.get(&tid).into_iter().flatten().any(|(a, b, name)| {
            *a < ts && ts < *b && name.starts_with(op) && !name.starts_with("running")
        });
        assert!(bound, "{what}: flow not inside a `{op}` slice: {e}");
    }
}

/// Async holds and flows come in pairs with the same id, category and name.
fn check_pairs(what: &str, s: &mut Summary) {
    for (begin, end, cat) in [("b", "e", "lock"), ("s", "f", "handoff")] {
        let mut starts: BTreeMap<String, (f64, String)> = BTreeMap::new();
        let mut ends: BTreeMap<String, (f64, String)> = BTreeMap::new();
        for e in &s.events {
            let ph = text(e, "ph");
            if ph != begin && ph != end {
                continue;
            }
            assert_eq!(e["cat"], cat, "{what}: category in {e}");
            let id = e["id"].to_string();
            assert_ne!(id, "null", "{what}: no id in {e}");
            if ph == "f" {
                assert_eq!(e["bp"], "e", "{what}: flow end not bound to its slice: {e}");
            }
            let map = if ph == begin { &mut starts } else { &mut ends };
            let dup = map.insert(id, (num(e, "ts"), text(e, "name").to_string()));
            assert!(dup.is_none(), "{what}: {ph} id used twice: {e}");
        }
        let a: Vec<_> = starts.keys().collect();
        let b: Vec<_> = ends.keys().collect();
        assert_eq!(a, b, "{what}: unpaired {begin}/{end} ids");
        for (id, (t0, n0)) in &starts {
            let (t1, n1) = &ends[id];
            assert_eq!(n0, n1, "{what}: {begin}/{end} {id} names differ");
            assert!(t1 >= t0, "{what}: {begin}/{end} {id} ends before it begins");
        }
        if begin == "b" {
            s.holds = starts.len();
        } else {
            s.flows = starts.len();
        }
    }
}

/// Seeded: an instant sits 0.3µs into its step's cell at `time * 1e6 + step`.
fn check_seeded_clock(what: &str, s: &Summary) {
    let mut checked = 0;
    for e in s.events.iter().filter(|e| e["ph"] == "i") {
        let (step, time) = (num(&e["args"], "step"), num(&e["args"], "time"));
        let expected = time * 1e6 + step + 0.3;
        assert!(
            (num(e, "ts") - expected).abs() < 1e-3,
            "{what}: ts is not time*1e6 + step: {e}"
        );
        checked += 1;
    }
    assert!(checked > 0, "{what}: no instants");
}

#[test]
fn producer_consumer_seeded_has_flows_and_is_reproducible() {
    let file = "examples/basics/producer_consumer.thr";
    let (code, first) = chrome(file, &["--seed", "7"]);
    assert_eq!(code, 0);
    let s = validate(file, &first);
    check_seeded_clock(file, &s);
    assert!(s.flows >= 5, "{file}: too few flows: {s:?}");
    assert_eq!(s.phases.get("s"), s.phases.get("f"));
    assert_eq!(
        s.phases["X"],
        2 * s.flows,
        "one put and one get slice per flow"
    );
    assert_eq!(s.threads.len(), 3, "{:?}", s.threads);
    assert_eq!(
        s.threads[&1], "MainThread",
        "MainThread is the main thread, tid 1"
    );
    assert!(s.states.contains("running"), "{:?}", s.states);
    assert!(s.states.contains("sleeping"), "{:?}", s.states);
    assert!(
        s.states
            .contains("blocked: for an item from queue `pipeline`"),
        "{:?}",
        s.states
    );
    // Instants name the operation and its object, with the location.
    let put = s
        .events
        .iter()
        .find(|e| e["name"] == "put queue `pipeline`")
        .expect("a put");
    assert!(text(&put["args"], "where").starts_with(&format!("{file}:")));
    assert_eq!(put["args"]["outcome"], "ok");
    let (_, second) = chrome(file, &["--seed", "7"]);
    assert!(first == second, "{file}: seeded traces differ between runs");
    let (_, other) = chrome(file, &["--seed", "8"]);
    validate(file, &other);
}

#[test]
fn deadlocked_philosophers_still_write_a_valid_trace() {
    let file = "examples/classic/dining_philosophers.thr";
    let (code, trace) = chrome(file, &["--seed", "22"]);
    assert_eq!(code, 3, "the seed deadlocks");
    let s = validate(file, &trace);
    check_seeded_clock(file, &s);
    assert!(
        s.holds >= 5,
        "{file}: every philosopher holds a fork: {s:?}"
    );
    let blocked = s
        .states
        .iter()
        .filter(|n| n.starts_with("blocked: to acquire lock `fork"))
        .count();
    assert!(blocked >= 1, "{:?}", s.states);
    // The forks are still held when the run stops: closed at the end of the trace.
    let end = s.events.iter().map(|e| num(e, "ts")).fold(0.0, f64::max);
    let open = s
        .events
        .iter()
        .filter(|e| e["ph"] == "e" && num(e, "ts") == end)
        .count();
    assert!(open >= 5, "{file}: holds left open should close at {end}");
    let (_, again) = chrome(file, &["--seed", "22"]);
    assert!(trace == again, "{file}: seeded traces differ between runs");
}

#[test]
fn seeded_examples_are_valid() {
    for file in [
        "examples/classic/bounded_buffer.thr",
        "examples/classic/readers_writers.thr",
        "examples/classic/sleeping_barber.thr",
        "examples/basics/rlock_reentrant.thr",
        "examples/basics/daemon.thr",
        "examples/basics/priority_queue.thr",
        "examples/basics/lock_reentrant_deadlock.thr",
    ] {
        let (_, trace) = chrome(file, &["--seed", "3"]);
        let s = validate(file, &trace);
        check_seeded_clock(file, &s);
        assert!(s.phases["i"] > 0, "{file}: no instants");
    }
}

#[test]
fn a_thread_that_dies_ends_with_its_error() {
    let file = TempFile::new(
        "die.thr",
        b"def boom() {\n    raise ValueError(\"bad value\")\n}\nt = spawn boom()\nt.join()\n",
    );
    let (_, trace) = chrome(file.arg(), &["--seed", "1"]);
    let s = validate("die.thr", &trace);
    let died = s
        .events
        .iter()
        .find(|e| e["name"] == "end (died)")
        .expect("the thread's end");
    assert_eq!(died["args"]["error"], "ValueError: bad value");
}

#[test]
fn free_mode_traces_are_valid() {
    for file in [
        "examples/basics/producer_consumer.thr",
        "examples/classic/bounded_buffer.thr",
        "examples/classic/readers_writers.thr",
        "examples/classic/sleeping_barber.thr",
    ] {
        let (code, trace) = chrome(file, &[]);
        assert_eq!(code, 0, "{file}");
        let s = validate(file, &trace);
        assert!(s.phases["B"] > 0, "{file}: no state slices");
        if file.contains("producer_consumer") {
            assert!(s.flows >= 1, "{file}: no flows");
            // Elapsed time: the main thread sleeps 0.1s, so the trace spans at least that.
            let end = s.events.iter().map(|e| num(e, "ts")).fold(0.0, f64::max);
            assert!(end >= 100_000.0, "{file}: ends at {end}µs");
        }
    }
}
