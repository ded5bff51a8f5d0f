//! Chrome Trace Event JSON, for Perfetto (ui.perfetto.dev) and `chrome://tracing`.
//!
//! One process (`thr FILE`, pid 1) with a named track per thread, in order of tid. A
//! track's `tid` is the thread's number plus one, so `MainThread` is the process's main
//! thread (tid = pid) and no track uses tid 0, which trace tools keep for the idle thread.
//! On each track:
//!
//! - slices (`B`/`E`, category `state`) for the thread's running, blocked and sleeping
//!   stretches; a blocked slice is named by what it waits for (`blocked: for an item from
//!   queue `q``). A thread still alive at the end is closed at the end of the trace;
//! - an instant (`i`, thread scope) for every other step: reads, writes, calls, spawns,
//!   starts and ends, named by the operation and its object, with the result, outcome and
//!   `file:line` in `args`;
//! - a `put` or `get` that hands an item over is a short slice instead of an instant, and a
//!   flow arrow (`s` → `f`, category `handoff`) links each `put` to the `get` that received
//!   its item (unless the `get` was recorded first, which free mode allows: an arrow back in
//!   time is invalid). The flow events lie inside those short slices, so viewers bind them
//!   there.
//!
//! Lock holds are async slices (`b`/`e`, category `lock`, one `id` per hold), since holds
//! of different locks overlap without nesting; holds still open are closed at the end.
//!
//! Timestamps are microseconds. Each step gets a cell of its own starting at its time
//! (free mode: elapsed time; seeded mode: virtual time plus one microsecond per step, as
//! running takes no virtual time there), and everything drawn for the step sits at fixed
//! offsets inside the cell, so slice ends, begins and the marks between them never tie.
//! `args.time` keeps the step's own time in seconds and `args.step` its place in the run.
//! Seeded output is the same, byte for byte, run after run.

use std::collections::BTreeMap;

use serde_json::{Map, Value as Json, json};

use super::event::{Event, Kind};
use super::spans::{self, Interval, State};
use super::{location, name_of};
use crate::sync::wait::Tid;
use crate::vm::world::World;

/// The one process id.
const PID: u32 = 1;

// Offsets inside a step's cell, in units.
/// Where a state slice that the step ends, ends.
const END_AT: u64 = 0;
/// Where a state slice that the step begins, begins.
const BEGIN_AT: u64 = 1;
/// Where a hand-off's short slice begins.
const OP_BEGIN: u64 = 2;
/// Where instants, flow marks and lock holds go.
const MARK: u64 = 3;
/// Where a hand-off's short slice ends.
const OP_END: u64 = 4;
/// Where a thread's last state slice ends (after its `end`).
const LAST_END: u64 = 5;

/// The track (`tid`) of thread `tid`.
fn track(tid: Tid) -> u64 {
    u64::from(tid) + 1
}

/// Each step's place on the time axis, in nanoseconds.
struct Clock {
    /// The start of each event's cell.
    cells: Vec<u64>,
    /// Nanoseconds per offset unit.
    unit: u64,
}

impl Clock {
    fn new(events: &[Event], seeded: bool) -> Clock {
        // Seeded: 1µs per step, split in 100ns units. Free: 10ns units (safely above the
        // rounding of viewers that read microseconds as floating point), 60ns cells.
        let (unit, cell) = if seeded { (100, 1000) } else { (10, 60) };
        let mut cells: Vec<u64> = Vec::with_capacity(events.len());
        for e in events {
            // `as` saturates, and NaN becomes 0.
            let ns = (e.time.max(0.0) * 1e9).round() as u64;
            let raw = if seeded {
                ns.saturating_add(e.step.saturating_mul(1000))
            } else {
                ns
            };
            // Never before the previous cell ends (free-mode times can be out of order by
            // a little, as a step takes its time just before its place in the run).
            let t = cells
                .last()
                .map_or(raw, |p| raw.max(p.saturating_add(cell)));
            cells.push(t);
        }
        Clock { cells, unit }
    }

    /// The point `offset` units into event `i`'s cell.
    fn at(&self, i: usize, offset: u64) -> u64 {
        let cell = self.cells.get(i).or(self.cells.last()).copied();
        cell.unwrap_or(0).saturating_add(offset * self.unit)
    }

    /// The end of the trace.
    fn end(&self) -> u64 {
        self.at(self.cells.len().saturating_sub(1), LAST_END)
    }
}

/// Trace events with their time, sorted by (time, order of emission) before writing.
#[derive(Default)]
struct Out {
    items: Vec<(u64, usize, Json)>,
}

impl Out {
    /// Adds `fields` as an event of thread `tid` at `ns`.
    fn push(&mut self, ns: u64, ph: &str, tid: Tid, name: &str, fields: Json) {
        let mut m = Map::new();
        m.insert("ph".into(), json!(ph));
        m.insert("name".into(), json!(name));
        m.insert("pid".into(), json!(PID));
        m.insert("tid".into(), json!(track(tid)));
        m.insert("ts".into(), json!(ns as f64 / 1000.0));
        if let Json::Object(rest) = fields {
            m.extend(rest);
        }
        let seq = self.items.len();
        self.items.push((ns, seq, Json::Object(m)));
    }
}

/// A thread's name for its track (`thread N` when unknown).
fn thread_name(names: &[String], tid: Tid) -> String {
    match name_of(names, tid) {
        "?" => format!("thread {tid}"),
        n => n.to_string(),
    }
}

/// Renders the events as a Chrome trace: `{"traceEvents":[...],"displayTimeUnit":"ms"}`
/// with one trace event per line (metadata first, then by time).
pub fn render(world: &World, names: &[String], events: &[Event], seeded: bool) -> String {
    let spans = spans::build(events);
    let clock = Clock::new(events, seeded);
    let mut out = Out::default();
    states(&mut out, world, events, &spans.intervals, &clock);
    steps(&mut out, world, names, events, &spans.handoffs, &clock);
    holds(&mut out, world, names, events, &spans.holds, &clock);
    out.items.sort_by_key(|(ns, seq, _)| (*ns, *seq));

    let mut lines = vec![json!({
        "ph": "M", "name": "process_name", "pid": PID, "tid": track(0),
        "args": { "name": format!("thr {}", world.source().name) },
    })];
    let mut tids: Vec<Tid> = events.iter().map(|e| e.tid).collect();
    tids.sort_unstable();
    tids.dedup();
    for tid in tids {
        let meta = |name: &str, args: Json| {
            let tid = track(tid);
            json!({ "ph": "M", "name": name, "pid": PID, "tid": tid, "args": args })
        };
        let name = thread_name(names, tid);
        lines.push(meta("thread_name", json!({ "name": name })));
        lines.push(meta("thread_sort_index", json!({ "sort_index": tid })));
    }
    lines.extend(out.items.into_iter().map(|(_, _, j)| j));
    let mut text = String::from("{\"traceEvents\":[\n");
    for (k, line) in lines.iter().enumerate() {
        text.push_str(&line.to_string());
        text.push_str(if k + 1 < lines.len() { ",\n" } else { "\n" });
    }
    text.push_str("],\"displayTimeUnit\":\"ms\"}\n");
    text
}

/// The lock holds, as async slices with one id per hold.
fn holds(
    out: &mut Out,
    world: &World,
    names: &[String],
    events: &[Event],
    holds: &[spans::Hold],
    clock: &Clock,
) {
    for (id, h) in holds.iter().enumerate() {
        let name = format!("hold {}", h.lock.describe());
        let begin = clock.at(h.start, MARK);
        let end = h.end.map_or(clock.end(), |j| clock.at(j, MARK)).max(begin);
        let holder = thread_name(names, h.tid);
        let args = json!({ "holder": holder, "where": where_of(world, events, h.start) });
        let fields = json!({ "cat": "lock", "id": id, "args": args });
        out.push(begin, "b", h.tid, &name, fields);
        let released = match h.end {
            Some(j) => json!({ "where": where_of(world, events, j) }),
            None => json!({ "note": "still held at the end" }),
        };
        let fields = json!({ "cat": "lock", "id": id, "args": released });
        out.push(end, "e", h.tid, &name, fields);
    }
}

/// `file:line` of event `i`, or `null` when it is nowhere in particular.
fn where_of(world: &World, events: &[Event], i: usize) -> Json {
    match events.get(i).map(|e| location(world, e.span)) {
        Some(w) if !w.is_empty() => json!(w),
        _ => Json::Null,
    }
}

/// The running, blocked and sleeping slices.
fn states(out: &mut Out, world: &World, events: &[Event], ivs: &[Interval], clock: &Clock) {
    // Each thread's last interval ends late in its cell, after the marks of that step (the
    // thread's `end`, or the run's last step for a thread still alive).
    let mut last: BTreeMap<Tid, usize> = BTreeMap::new();
    for (k, iv) in ivs.iter().enumerate() {
        last.insert(iv.tid, k);
    }
    for (k, iv) in ivs.iter().enumerate() {
        let begin = clock.at(iv.start, BEGIN_AT);
        let end_offset = if last.get(&iv.tid) == Some(&k) {
            LAST_END
        } else {
            END_AT
        };
        let end = clock.at(iv.end, end_offset).max(begin);
        let name = match iv.state {
            State::Running => "running".to_string(),
            State::Blocked => format!("blocked: {}", iv.why),
            State::Sleeping => "sleeping".to_string(),
        };
        let mut args = Map::new();
        args.insert("from_step".into(), json!(step_of(events, iv.start)));
        args.insert("to_step".into(), json!(step_of(events, iv.end)));
        if iv.state != State::Running {
            args.insert("why".into(), json!(iv.why));
            args.insert("where".into(), where_of(world, events, iv.start));
            if let Some(o) = &iv.object {
                args.insert("object".into(), json!(o.describe()));
            }
            if let Some(Kind::Block { deadline, .. }) = events.get(iv.start).map(|e| &e.kind) {
                args.insert("deadline".into(), json!(deadline));
            }
        }
        out.push(
            begin,
            "B",
            iv.tid,
            &name,
            json!({ "cat": "state", "args": args }),
        );
        out.push(end, "E", iv.tid, &name, json!({ "cat": "state" }));
    }
}

/// The `step` of event `i`.
fn step_of(events: &[Event], i: usize) -> Option<u64> {
    events.get(i).map(|e| e.step)
}

/// An instant for each step (a short slice with a flow mark for a hand-off's `put` and
/// `get`); `block` steps are drawn as their blocked or sleeping slice instead.
fn steps(
    out: &mut Out,
    world: &World,
    names: &[String],
    events: &[Event],
    handoffs: &[spans::Handoff],
    clock: &Clock,
) {
    // Event index → (flow id, true at the put end).
    let mut flows: BTreeMap<usize, (usize, bool)> = BTreeMap::new();
    // A `get` recorded before its `put` (free mode: the consumer's step took its place in
    // the run first) gets no arrow, which would point back in time.
    for (id, h) in handoffs.iter().filter(|h| h.put < h.get).enumerate() {
        flows.insert(h.put, (id, true));
        flows.insert(h.get, (id, false));
    }
    for (i, e) in events.iter().enumerate() {
        if matches!(e.kind, Kind::Block { .. }) {
            continue;
        }
        let (cat, name, args) = describe(world, names, e);
        let Some(&(id, is_put)) = flows.get(&i) else {
            let fields = json!({ "cat": cat, "s": "t", "args": args });
            out.push(clock.at(i, MARK), "i", e.tid, &name, fields);
            continue;
        };
        let (begin, end) = (clock.at(i, OP_BEGIN), clock.at(i, OP_END));
        let dur = (end - begin) as f64 / 1000.0;
        let fields = json!({ "cat": cat, "dur": dur, "args": args });
        out.push(begin, "X", e.tid, &name, fields);
        // Both ends share the flow's name and category: the queue.
        let queue = e.kind.object().map_or(String::new(), |o| o.describe());
        let flow = if is_put {
            json!({ "cat": "handoff", "id": id })
        } else {
            json!({ "cat": "handoff", "id": id, "bp": "e" })
        };
        let ph = if is_put { "s" } else { "f" };
        out.push(
            clock.at(i, MARK),
            ph,
            e.tid,
            &format!("item via {queue}"),
            flow,
        );
    }
}

/// A step's category, name and args.
fn describe(world: &World, names: &[String], e: &Event) -> (&'static str, String, Json) {
    let mut args = Map::new();
    args.insert("step".into(), json!(e.step));
    args.insert("time".into(), json!(e.time));
    let loc = location(world, e.span);
    if !loc.is_empty() {
        args.insert("where".into(), json!(loc));
    }
    let (cat, name) = match &e.kind {
        Kind::Start => ("thread", "start".to_string()),
        Kind::End { error } => {
            args.insert("error".into(), json!(error));
            let name = if error.is_some() { "end (died)" } else { "end" };
            ("thread", name.to_string())
        }
        Kind::Read { var, value } | Kind::Write { var, value } => {
            args.insert("value".into(), json!(value));
            let cat = if matches!(e.kind, Kind::Read { .. }) {
                "read"
            } else {
                "write"
            };
            (cat, format!("{cat} {var}"))
        }
        Kind::Call {
            object,
            op,
            outcome,
            result,
        } => {
            let outcome = outcome.word();
            args.insert("outcome".into(), json!(outcome));
            args.insert("result".into(), json!(result));
            let name = match object {
                Some(o) => format!("{op} {}", o.describe()),
                None => op.to_string(),
            };
            ("call", name)
        }
        Kind::Block { why, .. } => ("block", format!("{} {why}", e.kind.op())),
        Kind::Spawn { child } => {
            let child_name = thread_name(names, *child);
            args.insert("child".into(), json!(child));
            args.insert("child_name".into(), json!(child_name));
            ("thread", format!("spawn {child_name}"))
        }
    };
    (cat, name, Json::Object(args))
}
