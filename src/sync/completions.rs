//! The generator `as_completed(fs, timeout)` returns.
//!
//! As in Python, nothing happens when it is made: the first `next` fixes the deadline, and
//! each `next` yields the next future to finish, waiting only as long as none of the
//! remaining ones has. A `for` loop's step waits in [`crate::vm`]; other consumers
//! (`list(...)`, `sorted(...)`, unpacking) take the items with [`Completions::take_if_all_done`],
//! which asks its caller to wait for every remaining future first.

use std::sync::Arc;

use parking_lot::Mutex;

use super::wait::{Tid, Waker};
use super::{Body, Object};
use crate::vm::exc::{Exc, exc, kind};

/// An `as_completed` generator.
pub struct Completions {
    /// `timeout=` in seconds, if any.
    timeout: Option<f64>,
    /// How many futures it was given (after duplicates were dropped).
    total: usize,
    state: Mutex<State>,
}

struct State {
    /// The futures not yielded yet.
    remaining: Vec<Arc<Object>>,
    /// `None` until the first `next`; then the deadline it fixed.
    deadline: Option<Option<f64>>,
}

/// What one step of the generator found.
pub enum Next {
    /// The next future to have finished.
    Future(Arc<Object>),
    /// Every future was yielded.
    End,
    /// Some remain, none of them finished.
    Wait,
}

fn done_order(f: &Object) -> Option<u64> {
    match &f.body {
        Body::Future(x) if x.done() => Some(x.done_order()),
        _ => None,
    }
}

impl Completions {
    /// A generator over `futures` (distinct) with an optional timeout in seconds.
    pub fn new(futures: Vec<Arc<Object>>, timeout: Option<f64>) -> Completions {
        Completions {
            timeout,
            total: futures.len(),
            state: Mutex::new(State {
                remaining: futures,
                deadline: None,
            }),
        }
    }

    /// The deadline, fixed by the first call (Python's generator reads the clock when it
    /// first runs, not when it is made).
    pub fn deadline(&self, now: impl FnOnce() -> f64) -> Option<f64> {
        let mut s = self.state.lock();
        *s.deadline
            .get_or_insert_with(|| self.timeout.map(|t| now() + t.max(0.0)))
    }

    /// Takes the remaining future that finished first, if one has.
    pub fn next(&self) -> Next {
        let mut s = self.state.lock();
        if s.remaining.is_empty() {
            return Next::End;
        }
        let first = s
            .remaining
            .iter()
            .enumerate()
            .filter_map(|(i, f)| done_order(f).map(|o| (o, i)))
            .min();
        match first {
            Some((_, i)) => Next::Future(s.remaining.remove(i)),
            None => Next::Wait,
        }
    }

    /// True when every remaining future has finished.
    pub fn all_done(&self) -> bool {
        self.state
            .lock()
            .remaining
            .iter()
            .all(|f| done_order(f).is_some())
    }

    /// The next item for a consumer that can't wait: taken only when every remaining
    /// future has finished (so that a consumer which must wait first takes nothing);
    /// otherwise an error asking the VM to wait (see [`crate::vm::exc::Exception::waits_for`]).
    pub fn take_if_all_done(&self, me: &Arc<Object>) -> Result<Option<Arc<Object>>, Exc> {
        if !self.all_done() {
            return Err(crate::vm::exc::waits_for(me.clone()));
        }
        Ok(match self.next() {
            Next::Future(f) => Some(f),
            Next::End | Next::Wait => None,
        })
    }

    /// Python's `TimeoutError`, counting the futures not finished. As a Python generator
    /// that raised, this one is finished then: it yields nothing more.
    pub fn timeout_error(&self) -> Exc {
        let mut s = self.state.lock();
        let left = s
            .remaining
            .iter()
            .filter(|f| done_order(f).is_none())
            .count();
        s.remaining.clear();
        exc(
            kind::TimeoutError,
            format!("{left} (of {}) futures unfinished", self.total),
        )
    }

    /// How many futures remain.
    pub fn remaining(&self) -> usize {
        self.state.lock().remaining.len()
    }

    /// Registers `tid` to be woken when any remaining future finishes.
    pub fn register(&self, tid: Tid, waker: &Waker) {
        for f in &self.state.lock().remaining {
            if let Body::Future(x) = &f.body {
                x.register(tid, waker);
            }
        }
    }

    /// Takes `tid` off every future's wait list (`forget`: an abandoned wait).
    pub fn unregister(&self, tid: Tid, forget: bool) {
        for f in &self.state.lock().remaining {
            if let Body::Future(x) = &f.body {
                if forget {
                    x.forget(tid);
                } else {
                    x.unregister(tid);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vm::value::Value;

    fn future(name: &str) -> Arc<Object> {
        Object::new(name, Body::Future(Default::default()))
    }

    fn settle(f: &Object) {
        if let Body::Future(x) = &f.body {
            x.settle(Value::None, None);
        }
    }

    fn name(n: Next) -> String {
        match n {
            Next::Future(f) => f.name.to_string(),
            Next::End => "end".into(),
            Next::Wait => "wait".into(),
        }
    }

    #[test]
    fn futures_come_out_in_the_order_they_finished_and_only_once_finished() {
        let (a, b, c) = (future("a"), future("b"), future("c"));
        let g = Completions::new(vec![a.clone(), b.clone(), c.clone()], None);
        assert_eq!(name(g.next()), "wait");
        settle(&c);
        settle(&a);
        assert_eq!(name(g.next()), "c");
        assert_eq!(name(g.next()), "a");
        assert_eq!(name(g.next()), "wait");
        settle(&b);
        assert_eq!(name(g.next()), "b");
        assert_eq!(name(g.next()), "end");
    }

    #[test]
    fn a_consumer_that_cannot_wait_takes_nothing_until_all_have_finished() {
        let (a, b) = (future("a"), future("b"));
        let g = Object::new(
            "as_completed",
            Body::Completions(Completions::new(vec![a.clone(), b.clone()], None)),
        );
        let Body::Completions(c) = &g.body else {
            unreachable!()
        };
        settle(&a);
        let e = c.take_if_all_done(&g).expect_err("b is running");
        assert!(e.waits_for.as_ref().is_some_and(|w| Arc::ptr_eq(w, &g)));
        assert_eq!(c.remaining(), 2, "nothing was taken");
        settle(&b);
        let taken = c.take_if_all_done(&g).expect("all finished");
        assert_eq!(taken.map(|f| f.name.to_string()).as_deref(), Some("a"));
    }

    #[test]
    fn the_deadline_is_fixed_by_the_first_call_and_a_timeout_ends_the_generator() {
        let (a, b) = (future("a"), future("b"));
        let g = Completions::new(vec![a.clone(), b.clone()], Some(2.0));
        assert_eq!(g.deadline(|| 10.0), Some(12.0));
        assert_eq!(g.deadline(|| 99.0), Some(12.0));
        settle(&a);
        let e = g.timeout_error();
        assert_eq!(e.message(), "1 (of 2) futures unfinished");
        assert_eq!(name(g.next()), "end");
    }
}
