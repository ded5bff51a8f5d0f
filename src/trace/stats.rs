//! `--stats`: contention statistics computed from the events.
//!
//! - locks (and the locks under conditions): acquisitions, how many had to wait, the total
//!   and longest wait, the longest hold (in seeded mode also the longest wait and hold in
//!   steps);
//! - queues: puts, gets, the largest number of items held at once, puts and gets that
//!   had to wait;
//! - semaphores, conditions, events and barriers: waiting calls, how many blocked, how many
//!   of those were woken, how many timed out;
//! - threads: events, and time running, blocked and sleeping.
//!
//! Times are seconds: virtual in seeded mode (where running takes no time), so the table is
//! the same run after run.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::event::{Event, Kind, Outcome, condition_lock};
use super::name_of;
use super::spans::{self, Spans, State};
use crate::lang::kinds::Kind as ObjKind;
use crate::sync::Object;
use crate::sync::wait::Tid;
use crate::vm::world::World;

#[derive(Default)]
struct LockStats {
    acquisitions: u64,
    contended: u64,
    total_wait: f64,
    max_wait: f64,
    max_hold: f64,
    /// The longest wait and hold in steps (the run's events in between): what seeded
    /// mode, whose clock stands still while threads run, can say about them.
    max_wait_steps: u64,
    max_hold_steps: u64,
}

#[derive(Default)]
struct QueueStats {
    puts: u64,
    gets: u64,
    depth: i64,
    max_depth: i64,
    blocked_puts: u64,
    blocked_gets: u64,
}

#[derive(Default)]
struct WaitStats {
    calls: u64,
    blocked: u64,
    woken: u64,
    timed_out: u64,
}

#[derive(Default)]
struct ThreadStats {
    steps: u64,
    running: f64,
    blocked: f64,
    sleeping: f64,
}

/// The tables' rows, by object id (ids follow creation order) and thread number.
#[derive(Default)]
struct Stats {
    locks: BTreeMap<u64, (Arc<Object>, LockStats)>,
    queues: BTreeMap<u64, (Arc<Object>, QueueStats)>,
    waits: BTreeMap<u64, (Arc<Object>, WaitStats)>,
    threads: BTreeMap<Tid, ThreadStats>,
}

fn entry<'a, T: Default>(
    map: &'a mut BTreeMap<u64, (Arc<Object>, T)>,
    o: &Arc<Object>,
) -> &'a mut T {
    &mut map
        .entry(o.id)
        .or_insert_with(|| (o.clone(), T::default()))
        .1
}

impl Stats {
    fn new(events: &[Event], spans: &Spans) -> Stats {
        let mut st = Stats::default();
        let time = |i: usize| events[i].time;
        let steps = |i: usize, j: usize| events[j].step - events[i].step;
        // How long the call ending at each event waited, if it did: seconds and steps.
        let mut waited: BTreeMap<usize, (f64, u64)> = BTreeMap::new();
        for iv in &spans.intervals {
            let d = time(iv.end) - time(iv.start);
            let t = st.threads.entry(iv.tid).or_default();
            match iv.state {
                State::Running => t.running += d,
                State::Blocked => t.blocked += d,
                State::Sleeping => t.sleeping += d,
            }
            if iv.state != State::Running {
                waited.insert(iv.end, (d, steps(iv.start, iv.end)));
            }
        }
        for h in &spans.holds {
            let end = h.end.unwrap_or(events.len() - 1);
            let s = entry(&mut st.locks, &h.lock);
            s.max_hold = s.max_hold.max(time(end) - time(h.start));
            s.max_hold_steps = s.max_hold_steps.max(steps(h.start, end));
        }
        for (i, e) in events.iter().enumerate() {
            st.threads.entry(e.tid).or_default().steps += 1;
            if let Kind::Call {
                object: Some(o),
                op,
                outcome,
                ..
            } = &e.kind
            {
                st.call(o, op, *outcome, waited.get(&i).copied());
            }
        }
        st
    }

    fn call(&mut self, o: &Arc<Object>, op: &str, outcome: Outcome, waited: Option<(f64, u64)>) {
        let ok = outcome == Outcome::Ok;
        let lock_like = matches!(o.kind(), ObjKind::Lock | ObjKind::RLock);
        if lock_like || condition_lock(o).is_some() && op == "acquire" {
            if op == "acquire" && ok {
                let lock = condition_lock(o).unwrap_or(o);
                let s = entry(&mut self.locks, lock);
                s.acquisitions += 1;
                if let Some((w, n)) = waited {
                    s.contended += 1;
                    s.total_wait += w;
                    s.max_wait = s.max_wait.max(w);
                    s.max_wait_steps = s.max_wait_steps.max(n);
                }
            }
            return;
        }
        match o.kind() {
            ObjKind::Queue | ObjKind::LifoQueue | ObjKind::PriorityQueue => {
                let s = entry(&mut self.queues, o);
                match op {
                    "put" | "put_nowait" => {
                        s.blocked_puts += u64::from(waited.is_some());
                        if ok {
                            s.puts += 1;
                            s.depth += 1;
                            s.max_depth = s.max_depth.max(s.depth);
                        }
                    }
                    "get" | "get_nowait" => {
                        s.blocked_gets += u64::from(waited.is_some());
                        if ok {
                            s.gets += 1;
                            s.depth -= 1;
                        }
                    }
                    _ => {}
                }
            }
            ObjKind::Semaphore
            | ObjKind::BoundedSemaphore
            | ObjKind::Condition
            | ObjKind::Event
            | ObjKind::Barrier => {
                if !matches!(op, "acquire" | "wait" | "wait_for") {
                    return;
                }
                let s = entry(&mut self.waits, o);
                s.calls += 1;
                if waited.is_some() {
                    s.blocked += 1;
                    s.woken += u64::from(ok);
                }
                s.timed_out += u64::from(outcome == Outcome::Failed);
            }
            _ => {}
        }
    }
}

/// Secs with milliseconds when seeded, microseconds in free mode.
fn secs(x: f64, seeded: bool) -> String {
    super::text::time(x, seeded)
}

/// A table: a title line, then aligned columns (the first left-aligned, the rest right).
fn table(title: &str, header: &[&str], rows: Vec<Vec<String>>) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let mut width: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in &rows {
        for (w, c) in width.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = format!("{title}\n");
    let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    for r in std::iter::once(&header).chain(&rows) {
        let mut line = String::from("  ");
        for (i, c) in r.iter().enumerate() {
            let pad = " ".repeat(width[i] - c.chars().count());
            if i == 0 {
                line += &format!("{c}{pad}");
            } else {
                line += &format!("  {pad}{c}");
            }
        }
        out += line.trim_end();
        out.push('\n');
    }
    out.push('\n');
    out
}

/// Renders the statistics tables.
pub fn render(_world: &World, names: &[String], events: &[Event], seeded: bool) -> String {
    let st = Stats::new(events, &spans::build(events));
    let s = |x: f64| secs(x, seeded);
    let mut out = String::from("thr: statistics\n\n");
    out += &table(
        "locks",
        &[
            "lock",
            "acquired",
            "contended",
            "total wait",
            "max wait",
            "max hold",
            "max wait steps",
            "max hold steps",
        ][..if seeded { 8 } else { 6 }],
        st.locks
            .values()
            .map(|(o, l)| {
                let mut row = vec![
                    o.describe(),
                    l.acquisitions.to_string(),
                    l.contended.to_string(),
                    s(l.total_wait),
                    s(l.max_wait),
                    s(l.max_hold),
                ];
                if seeded {
                    row.push(l.max_wait_steps.to_string());
                    row.push(l.max_hold_steps.to_string());
                }
                row
            })
            .collect(),
    );
    out += &table(
        "queues",
        &[
            "queue",
            "puts",
            "gets",
            "max depth",
            "blocked puts",
            "blocked gets",
        ],
        st.queues
            .values()
            .map(|(o, q)| {
                vec![
                    o.describe(),
                    q.puts.to_string(),
                    q.gets.to_string(),
                    q.max_depth.to_string(),
                    q.blocked_puts.to_string(),
                    q.blocked_gets.to_string(),
                ]
            })
            .collect(),
    );
    out += &table(
        "waits",
        &["object", "waits", "blocked", "woken", "timed out"],
        st.waits
            .values()
            .map(|(o, w)| {
                vec![
                    o.describe(),
                    w.calls.to_string(),
                    w.blocked.to_string(),
                    w.woken.to_string(),
                    w.timed_out.to_string(),
                ]
            })
            .collect(),
    );
    out += &table(
        "threads",
        &["thread", "steps", "running", "blocked", "sleeping"],
        st.threads
            .iter()
            .map(|(tid, t)| {
                vec![
                    name_of(names, *tid).to_string(),
                    t.steps.to_string(),
                    s(t.running),
                    s(t.blocked),
                    s(t.sleeping),
                ]
            })
            .collect(),
    );
    // No blank line after the last table.
    out.truncate(out.trim_end().len() + 1);
    out
}
