//! `lock` and `rlock`.
//!
//! A lock is one atomic owner word (0 = free, else the owner's tid + 1), taken with a
//! compare-and-swap, plus a wait list consulted only under contention. Any thread may
//! release a plain lock, as in Python; an rlock belongs to its owner and counts.

use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering::Relaxed, Ordering::SeqCst};

use parking_lot::Mutex;

use super::wait::{Poll, Tid, WaitList, Waker};
use crate::vm::exc::{Exc, runtime_error};

/// The error of releasing a lock nobody holds (Python's message).
#[cold]
#[inline(never)]
fn not_held() -> Exc {
    runtime_error("release unlocked lock")
}

/// `threading.Lock`.
#[derive(Default)]
pub struct Lock {
    owner: AtomicU32,
    waiters: Mutex<WaitList>,
    nwaiters: AtomicUsize,
}

impl Lock {
    /// Takes the lock if it is free.
    ///
    /// A held lock is only read, not written: a waiter polling with a failing
    /// compare-and-swap would take the lock's cache line from its holder at every poll, and
    /// the holder would wait for it back to release.
    #[inline]
    pub fn try_acquire(&self, tid: Tid) -> bool {
        self.owner.load(Relaxed) == 0
            && self
                .owner
                .compare_exchange(0, tid + 1, SeqCst, SeqCst)
                .is_ok()
    }

    /// One poll of a blocking acquire; `Ready(false)` when `deadline` has passed.
    pub fn poll_acquire(
        &self,
        tid: Tid,
        waker: Option<&Waker>,
        now: f64,
        deadline: Option<f64>,
    ) -> Poll<bool> {
        if self.try_acquire(tid) {
            self.unregister(tid);
            return Poll::Ready(true);
        }
        if deadline.is_some_and(|d| now >= d) {
            self.unregister(tid);
            return Poll::Ready(false);
        }
        if let Some(w) = waker {
            {
                let mut list = self.waiters.lock();
                list.register(tid, w);
                self.nwaiters.store(list.len(), SeqCst);
            }
            // The owner may have released between the failed attempt and registering.
            if self.try_acquire(tid) {
                self.unregister(tid);
                return Poll::Ready(true);
            }
        }
        Poll::Pending
    }

    fn unregister(&self, tid: Tid) {
        if self.nwaiters.load(SeqCst) > 0 {
            let mut list = self.waiters.lock();
            list.remove(tid);
            self.nwaiters.store(list.len(), SeqCst);
        }
    }

    /// Forgets `tid`'s abandoned wait (see [`crate::sync::wait::WaitList::forget`]).
    pub fn forget(&self, tid: Tid) {
        let mut list = self.waiters.lock();
        list.forget(tid);
        self.nwaiters.store(list.len(), SeqCst);
    }

    /// Releases the lock (any thread may), waking one waiter.
    ///
    /// Inlined into the interpreter's `with LOCK` fast path; the rare cases (an error, a
    /// waiter to wake) are kept out of line.
    #[inline]
    pub fn release(&self) -> Result<(), Exc> {
        if self.owner.swap(0, SeqCst) == 0 {
            return Err(not_held());
        }
        if self.nwaiters.load(SeqCst) > 0 {
            self.wake_one();
        }
        Ok(())
    }

    #[cold]
    #[inline(never)]
    fn wake_one(&self) {
        let mut list = self.waiters.lock();
        list.wake_one();
        self.nwaiters.store(list.len(), SeqCst);
    }

    /// True while held.
    pub fn locked(&self) -> bool {
        self.owner.load(SeqCst) != 0
    }

    /// The thread that acquired it last, while held.
    pub fn owner(&self) -> Option<Tid> {
        self.owner.load(SeqCst).checked_sub(1)
    }

    /// The threads waiting for it.
    pub fn waiting(&self) -> Vec<Tid> {
        self.waiters.lock().tids().collect()
    }
}

#[derive(Default)]
struct RState {
    owner: Option<Tid>,
    count: u32,
    waiters: WaitList,
}

/// `threading.RLock`.
#[derive(Default)]
pub struct RLock {
    state: Mutex<RState>,
}

impl RLock {
    /// One poll of a blocking acquire (reentrant for the owner).
    pub fn poll_acquire(
        &self,
        tid: Tid,
        waker: Option<&Waker>,
        now: f64,
        deadline: Option<f64>,
    ) -> Poll<bool> {
        let mut s = self.state.lock();
        match s.owner {
            None => {
                s.owner = Some(tid);
                s.count = 1;
                s.waiters.remove(tid);
                Poll::Ready(true)
            }
            Some(o) if o == tid => {
                s.count += 1;
                Poll::Ready(true)
            }
            Some(_) if deadline.is_some_and(|d| now >= d) => {
                s.waiters.remove(tid);
                Poll::Ready(false)
            }
            Some(_) => {
                if let Some(w) = waker {
                    s.waiters.register(tid, w);
                }
                Poll::Pending
            }
        }
    }

    /// Forgets `tid`'s abandoned wait (see [`crate::sync::wait::WaitList::forget`]).
    pub fn forget(&self, tid: Tid) {
        self.state.lock().waiters.forget(tid);
    }

    /// Releases one level; errors when `tid` does not own it.
    pub fn release(&self, tid: Tid) -> Result<(), Exc> {
        let mut s = self.state.lock();
        if s.owner != Some(tid) {
            return Err(runtime_error("cannot release un-acquired lock"));
        }
        s.count -= 1;
        if s.count == 0 {
            s.owner = None;
            s.waiters.wake_one();
        }
        Ok(())
    }

    /// Releases every level (for `Condition.wait`); returns the depth to restore.
    pub fn release_all(&self, tid: Tid) -> Result<u32, Exc> {
        let mut s = self.state.lock();
        if s.owner != Some(tid) {
            return Err(runtime_error("cannot release un-acquired lock"));
        }
        let count = s.count;
        s.count = 0;
        s.owner = None;
        s.waiters.wake_one();
        Ok(count)
    }

    /// Sets the recursion depth after a re-acquire (for `Condition.wait`).
    pub fn restore(&self, count: u32) {
        self.state.lock().count = count;
    }

    /// The owner, if held.
    pub fn owner(&self) -> Option<Tid> {
        self.state.lock().owner
    }

    /// The recursion depth.
    pub fn count(&self) -> u32 {
        self.state.lock().count
    }

    /// The threads waiting for it.
    pub fn waiting(&self) -> Vec<Tid> {
        self.state.lock().waiters.tids().collect()
    }
}
