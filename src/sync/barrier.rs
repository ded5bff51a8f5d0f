//! `barrier`: Python's algorithm (filling, draining, resetting, broken), in native steps
//! that the prelude's `_barrier_wait` strings together around the user's action.

use parking_lot::Mutex;

use super::wait::{Poll, Tid, WaitList, Waker};
use crate::vm::exc::{Exc, bare, kind};
use crate::vm::value::Value;

const FILLING: i8 = 0;
const DRAINING: i8 = 1;
const RESETTING: i8 = -1;
const BROKEN: i8 = -2;

struct BarrierState {
    state: i8,
    count: usize,
    waiters: WaitList,
}

/// `threading.Barrier`.
pub struct Barrier {
    /// How many threads must arrive.
    pub parties: usize,
    /// Called by the last thread to arrive, before the others are released.
    pub action: Option<Value>,
    /// Default timeout of `wait`.
    pub timeout: Option<f64>,
    state: Mutex<BarrierState>,
}

fn broken() -> Exc {
    bare(kind::BrokenBarrierError)
}

impl Barrier {
    /// A barrier for `parties` threads.
    pub fn new(parties: usize, action: Option<Value>, timeout: Option<f64>) -> Barrier {
        Barrier {
            parties,
            action,
            timeout,
            state: Mutex::new(BarrierState {
                state: FILLING,
                count: 0,
                waiters: WaitList::default(),
            }),
        }
    }

    /// Waits out a drain or reset in progress, then arrives; returns the arrival index.
    pub fn poll_enter(&self, tid: Tid, waker: Option<&Waker>) -> Poll<Result<usize, Exc>> {
        let mut s = self.state.lock();
        if s.state == DRAINING || s.state == RESETTING {
            if let Some(w) = waker {
                s.waiters.register(tid, w);
            }
            return Poll::Pending;
        }
        s.waiters.remove(tid);
        if s.state == BROKEN {
            return Poll::Ready(Err(broken()));
        }
        s.count += 1;
        Poll::Ready(Ok(s.count - 1))
    }

    /// The last thread has arrived (and run the action): release the others.
    pub fn release(&self) {
        let mut s = self.state.lock();
        s.state = DRAINING;
        s.waiters.wake_all();
    }

    /// Waits until the barrier is released; breaks it and errors on timeout.
    pub fn poll_wait(
        &self,
        tid: Tid,
        waker: Option<&Waker>,
        now: f64,
        deadline: Option<f64>,
    ) -> Poll<Result<(), Exc>> {
        let mut s = self.state.lock();
        if s.state != FILLING {
            s.waiters.remove(tid);
            return Poll::Ready(if s.state < 0 { Err(broken()) } else { Ok(()) });
        }
        if deadline.is_some_and(|d| now >= d) {
            s.waiters.remove(tid);
            s.state = BROKEN;
            s.waiters.wake_all();
            return Poll::Ready(Err(broken()));
        }
        if let Some(w) = waker {
            s.waiters.register(tid, w);
        }
        Poll::Pending
    }

    /// A thread leaves `wait`; the last one out of a drain or reset refills the barrier.
    pub fn exit(&self) {
        let mut s = self.state.lock();
        s.count -= 1;
        if s.count == 0 && (s.state == DRAINING || s.state == RESETTING) {
            s.state = FILLING;
            s.waiters.wake_all();
        }
    }

    /// Forgets `tid`'s abandoned wait (see [`crate::sync::wait::WaitList::forget`]).
    pub fn forget(&self, tid: Tid) {
        self.state.lock().waiters.forget(tid);
    }

    /// `abort()`: break the barrier.
    pub fn abort(&self) {
        let mut s = self.state.lock();
        s.state = BROKEN;
        s.waiters.wake_all();
    }

    /// `reset()`: waiting threads get `BrokenBarrierError`, then it refills.
    pub fn reset(&self) {
        let mut s = self.state.lock();
        if s.count > 0 {
            if s.state == FILLING || s.state == BROKEN {
                s.state = RESETTING;
            }
        } else {
            s.state = FILLING;
        }
        s.waiters.wake_all();
    }

    /// `n_waiting`.
    pub fn n_waiting(&self) -> usize {
        let s = self.state.lock();
        if s.state == FILLING { s.count } else { 0 }
    }

    /// `broken`.
    pub fn broken(&self) -> bool {
        self.state.lock().state == BROKEN
    }
}
