//! `semaphore`, `bounded semaphore` and `event`.

use parking_lot::Mutex;

use super::wait::{Poll, Tid, WaitList, Waker};
use crate::vm::exc::{Exc, value_error};

struct SemState {
    value: i64,
    waiters: WaitList,
}

/// `threading.Semaphore` / `BoundedSemaphore`.
pub struct Semaphore {
    state: Mutex<SemState>,
    initial: i64,
    bounded: bool,
}

impl Semaphore {
    /// A semaphore with `value` slots; errors on a negative value, as Python does.
    pub fn new(value: i64, bounded: bool) -> Result<Semaphore, Exc> {
        if value < 0 {
            return Err(value_error("semaphore initial value must be >= 0"));
        }
        Ok(Semaphore {
            state: Mutex::new(SemState {
                value,
                waiters: WaitList::default(),
            }),
            initial: value,
            bounded,
        })
    }

    /// One poll of `acquire`; `Ready(false)` once `deadline` has passed.
    pub fn poll_acquire(
        &self,
        tid: Tid,
        waker: Option<&Waker>,
        now: f64,
        deadline: Option<f64>,
    ) -> Poll<bool> {
        let mut s = self.state.lock();
        if s.value > 0 {
            s.value -= 1;
            s.waiters.remove(tid);
            return Poll::Ready(true);
        }
        if deadline.is_some_and(|d| now >= d) {
            s.waiters.remove(tid);
            return Poll::Ready(false);
        }
        if let Some(w) = waker {
            s.waiters.register(tid, w);
        }
        Poll::Pending
    }

    /// `release(n)`.
    pub fn release(&self, n: i64) -> Result<(), Exc> {
        if n < 1 {
            return Err(value_error("n must be one or more"));
        }
        let mut s = self.state.lock();
        if self.bounded && s.value + n > self.initial {
            return Err(value_error("Semaphore released too many times"));
        }
        s.value += n;
        s.waiters.wake_all();
        Ok(())
    }

    /// The current value.
    pub fn value(&self) -> i64 {
        self.state.lock().value
    }
}

impl Semaphore {
    /// Forgets `tid`'s abandoned wait (see [`crate::sync::wait::WaitList::forget`]).
    pub fn forget(&self, tid: Tid) {
        self.state.lock().waiters.forget(tid);
    }
}

impl Event {
    /// Forgets `tid`'s abandoned wait (see [`crate::sync::wait::WaitList::forget`]).
    pub fn forget(&self, tid: Tid) {
        self.state.lock().waiters.forget(tid);
    }
}

struct EventState {
    flag: bool,
    /// Counts `set()` calls, so a waiter sees a `set()` even if `clear()` followed at once.
    generation: u32,
    waiters: WaitList,
}

/// `threading.Event`.
pub struct Event {
    state: Mutex<EventState>,
}

impl Default for Event {
    fn default() -> Self {
        Event {
            state: Mutex::new(EventState {
                flag: false,
                generation: 0,
                waiters: WaitList::default(),
            }),
        }
    }
}

impl Event {
    /// `set()`: wakes every waiter.
    pub fn set(&self) {
        let mut s = self.state.lock();
        s.flag = true;
        s.generation = s.generation.wrapping_add(1);
        s.waiters.wake_all();
    }

    /// `clear()`.
    pub fn clear(&self) {
        self.state.lock().flag = false;
    }

    /// `is_set()`.
    pub fn is_set(&self) -> bool {
        self.state.lock().flag
    }

    /// The number of `set()` calls so far; a waiter notes it when it starts waiting.
    pub fn generation(&self) -> u32 {
        self.state.lock().generation
    }

    /// One poll of `wait` by a waiter that started at `generation`; `Ready(true)` once the
    /// flag is set or was set since, `Ready(false)` at the deadline.
    pub fn poll_wait(
        &self,
        tid: Tid,
        waker: Option<&Waker>,
        now: f64,
        deadline: Option<f64>,
        generation: u32,
    ) -> Poll<bool> {
        let mut s = self.state.lock();
        let was_set = s.flag || s.generation != generation;
        if was_set || deadline.is_some_and(|d| now >= d) {
            s.waiters.remove(tid);
            return Poll::Ready(was_set);
        }
        if let Some(w) = waker {
            s.waiters.register(tid, w);
        }
        Poll::Pending
    }
}
