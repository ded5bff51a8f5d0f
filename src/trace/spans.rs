//! What the pictures are drawn from: each thread's life cut into running, blocked and
//! sleeping intervals, each lock hold, and each item's way from a `put` to its `get`.
//!
//! Everything is in event indices (positions in the run's sorted events), so a renderer can
//! place it by time (free mode) or by step (seeded mode, where running takes no virtual
//! time).

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use super::event::{Event, Kind, Outcome, condition_lock};
use crate::lang::kinds::Kind as ObjKind;
use crate::sync::Object;
use crate::sync::wait::Tid;

/// What a thread is doing during an interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Running its code (or ready to).
    Running,
    /// Waiting on an object.
    Blocked,
    /// In `sleep`.
    Sleeping,
}

/// One stretch of a thread's life in one state.
#[derive(Debug, Clone)]
pub struct Interval {
    /// The thread.
    pub tid: Tid,
    /// What it was doing.
    pub state: State,
    /// The event that began it.
    pub start: usize,
    /// The event that ended it (the last event of the run when the thread never ended).
    pub end: usize,
    /// For a wait: what it waited for, in words (`for an item from queue `q``).
    pub why: String,
    /// For a wait: the object.
    pub object: Option<Arc<Object>>,
}

/// A lock held by a thread, from the acquire that took it to the release that let it go
/// (an rlock's nested acquires are one hold; a condition's `wait` ends the hold of its
/// lock and a new one begins when the wait returns).
#[derive(Debug, Clone)]
pub struct Hold {
    /// The lock (for a condition, the lock under it).
    pub lock: Arc<Object>,
    /// The holder.
    pub tid: Tid,
    /// The acquiring event.
    pub start: usize,
    /// The releasing event; `None` when still held at the end of the run.
    pub end: Option<usize>,
}

/// An item's way through a queue: the `put` event and the `get` event that received it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Handoff {
    /// The put.
    pub put: usize,
    /// The get.
    pub get: usize,
}

/// The run, as intervals, holds and hand-offs.
#[derive(Debug, Default)]
pub struct Spans {
    /// Threads in the order they first appear.
    pub threads: Vec<Tid>,
    /// Every thread's intervals, in order of their start.
    pub intervals: Vec<Interval>,
    /// Lock holds, in order of their start.
    pub holds: Vec<Hold>,
    /// Queue hand-offs, in order of the get.
    pub handoffs: Vec<Handoff>,
    /// For each thread, the event that ended it (absent for threads still alive).
    pub ends: BTreeMap<Tid, usize>,
}

/// A thread's current interval while building.
struct Open {
    state: State,
    start: usize,
    why: String,
    object: Option<Arc<Object>>,
}

/// The items in one queue: puts not yet got, and gets whose put is not yet seen (in free
/// mode a get can be recorded just before the put that fed it).
#[derive(Default)]
struct Items {
    puts: VecDeque<(usize, String)>,
    early_gets: VecDeque<(usize, String)>,
}

#[derive(Default)]
struct Builder {
    spans: Spans,
    open: BTreeMap<Tid, Open>,
    /// Open holds by lock id: index into `spans.holds`, with the nesting depth.
    held: BTreeMap<u64, (usize, u32)>,
    /// Holds a condition's `wait` gave up, to take back when it returns: (lock, depth).
    suspended: BTreeMap<Tid, (Arc<Object>, u32)>,
    queues: BTreeMap<u64, Items>,
}

/// Cuts the events into intervals, holds and hand-offs.
pub fn build(events: &[Event]) -> Spans {
    let mut b = Builder::default();
    for (i, e) in events.iter().enumerate() {
        b.event(i, e);
    }
    let last = events.len().saturating_sub(1);
    for (tid, open) in std::mem::take(&mut b.open) {
        b.close(tid, open, last);
    }
    b.spans.intervals.sort_by_key(|iv| (iv.start, iv.tid));
    b.spans.handoffs.sort_by_key(|h| h.get);
    b.spans
}

impl Builder {
    fn close(&mut self, tid: Tid, open: Open, end: usize) {
        self.spans.intervals.push(Interval {
            tid,
            state: open.state,
            start: open.start,
            end,
            why: open.why,
            object: open.object,
        });
    }

    /// Ends `tid`'s current interval at `i` and begins one in `state`.
    fn enter(
        &mut self,
        tid: Tid,
        i: usize,
        state: State,
        why: String,
        object: Option<Arc<Object>>,
    ) {
        if let Some(open) = self.open.remove(&tid) {
            if open.state == state && state == State::Running {
                self.open.insert(tid, open);
                return;
            }
            self.close(tid, open, i);
        }
        self.open.insert(
            tid,
            Open {
                state,
                start: i,
                why,
                object,
            },
        );
    }

    fn event(&mut self, i: usize, e: &Event) {
        if !self.spans.threads.contains(&e.tid) {
            self.spans.threads.push(e.tid);
        }
        match &e.kind {
            Kind::End { .. } => {
                if let Some(open) = self.open.remove(&e.tid) {
                    self.close(e.tid, open, i);
                }
                self.spans.ends.insert(e.tid, i);
            }
            Kind::Block { object, why, .. } => {
                if let Some(o) = object
                    && let Some(lock) = condition_lock(o)
                {
                    let lock = lock.clone();
                    let depth = self.release(&lock, e.tid, i, true);
                    if depth > 0 {
                        self.suspended.insert(e.tid, (lock, depth));
                    }
                }
                let state = match object {
                    Some(_) => State::Blocked,
                    None => State::Sleeping,
                };
                self.enter(e.tid, i, state, why.clone(), object.clone());
            }
            Kind::Call {
                object,
                op,
                outcome,
                result,
            } => {
                self.enter(e.tid, i, State::Running, String::new(), None);
                if let Some((lock, depth)) = self.suspended.remove(&e.tid) {
                    self.acquire(&lock, e.tid, i, depth);
                }
                if let Some(o) = object {
                    self.call(i, e.tid, o, op, *outcome == Outcome::Ok, result);
                }
            }
            _ => self.enter(e.tid, i, State::Running, String::new(), None),
        }
    }

    fn call(&mut self, i: usize, tid: Tid, o: &Arc<Object>, op: &str, ok: bool, result: &str) {
        let lock_like = matches!(o.kind(), ObjKind::Lock | ObjKind::RLock);
        if lock_like || condition_lock(o).is_some() {
            let lock = condition_lock(o).cloned().unwrap_or_else(|| o.clone());
            match op {
                "acquire" if ok => self.acquire(&lock, tid, i, 1),
                "release" if ok => {
                    self.release(&lock, tid, i, false);
                }
                _ => {}
            }
            return;
        }
        if !ok
            || !matches!(
                o.kind(),
                ObjKind::Queue | ObjKind::LifoQueue | ObjKind::PriorityQueue
            )
        {
            return;
        }
        let items = self.queues.entry(o.id).or_default();
        let lifo = o.kind() == ObjKind::LifoQueue;
        match op {
            "put" | "put_nowait" => {
                // A get recorded before its put: the earliest such get of this item.
                let early = items.early_gets.iter().position(|(_, r)| r == result);
                match early {
                    Some(k) => {
                        let (get, _) = items.early_gets.remove(k).expect("found");
                        self.spans.handoffs.push(Handoff { put: i, get });
                    }
                    None => items.puts.push_back((i, result.to_string())),
                }
            }
            "get" | "get_nowait" => {
                // By the item's repr: a FIFO queue's next item is its oldest, a LIFO
                // queue's its newest, a priority queue's the oldest equal one.
                let found = if lifo {
                    items.puts.iter().rposition(|(_, r)| r == result)
                } else {
                    items.puts.iter().position(|(_, r)| r == result)
                };
                match found.and_then(|k| items.puts.remove(k)) {
                    Some((put, _)) => self.spans.handoffs.push(Handoff { put, get: i }),
                    None => items.early_gets.push_back((i, result.to_string())),
                }
            }
            _ => {}
        }
    }

    fn acquire(&mut self, lock: &Arc<Object>, tid: Tid, i: usize, depth: u32) {
        match self.held.get_mut(&lock.id) {
            Some((h, d)) if self.spans.holds[*h].tid == tid => *d += depth,
            _ => {
                // A plain lock can be released by another thread; a new acquire after
                // that ends any hold still open.
                if let Some((h, _)) = self.held.remove(&lock.id) {
                    self.spans.holds[h].end = Some(i);
                }
                self.held.insert(lock.id, (self.spans.holds.len(), depth));
                self.spans.holds.push(Hold {
                    lock: lock.clone(),
                    tid,
                    start: i,
                    end: None,
                });
            }
        }
    }

    /// Ends one level of `tid`'s hold of `lock` (every level with `all`) at `i`; returns
    /// the levels released.
    fn release(&mut self, lock: &Arc<Object>, tid: Tid, i: usize, all: bool) -> u32 {
        let Some(&(h, depth)) = self.held.get(&lock.id) else {
            return 0;
        };
        // Only a plain lock may be released by a thread that does not hold it.
        if self.spans.holds[h].tid != tid && lock.kind() != ObjKind::Lock {
            return 0;
        }
        let released = if all { depth } else { 1 };
        if depth <= released {
            self.held.remove(&lock.id);
            self.spans.holds[h].end = Some(i);
        } else {
            self.held.insert(lock.id, (h, depth - released));
        }
        released
    }
}
