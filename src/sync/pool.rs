//! `pool` (`ThreadPoolExecutor`) and its `Future`s.
//!
//! Workers are ordinary scenario threads running the prelude's `_pool_worker`, which takes
//! work items from the pool (blocking while there are none) and settles their futures.
//! Workers start lazily on `submit`, as in CPython: a new one only when no worker is idle
//! and fewer than `max_workers` exist.

use std::collections::VecDeque;
use std::sync::Arc;

use parking_lot::Mutex;

use super::Object;
use super::wait::{Poll, Tid, WaitList, Waker};
use crate::vm::exc::{Exc, bare, kind, runtime_error};
use crate::vm::value::Value;

/// Where a future is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Submitted, not started.
    Pending,
    /// A worker runs it.
    Running,
    /// Cancelled before it started.
    Cancelled,
    /// Done, with a result or an error.
    Finished,
}

/// Orders futures by when they finished (for `as_completed`).
static DONE_ORDER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

struct FutureState {
    status: Status,
    /// When it finished or was cancelled (0 while pending or running).
    done_order: u64,
    result: Value,
    error: Option<Exc>,
    waiters: WaitList,
    callbacks: Vec<Value>,
}

/// `concurrent.futures.Future`.
pub struct Future {
    state: Mutex<FutureState>,
}

impl Default for Future {
    fn default() -> Self {
        Future {
            state: Mutex::new(FutureState {
                status: Status::Pending,
                done_order: 0,
                result: Value::None,
                error: None,
                waiters: WaitList::default(),
                callbacks: Vec::new(),
            }),
        }
    }
}

impl Future {
    /// The current status.
    pub fn status(&self) -> Status {
        self.state.lock().status
    }

    /// A number that orders finished futures by when they finished (0: not done).
    pub fn done_order(&self) -> u64 {
        self.state.lock().done_order
    }

    /// `done()`.
    pub fn done(&self) -> bool {
        matches!(self.status(), Status::Cancelled | Status::Finished)
    }

    /// `cancel()`: only a pending future can be cancelled.
    pub fn cancel(&self) -> bool {
        let mut s = self.state.lock();
        match s.status {
            Status::Running | Status::Finished => false,
            Status::Cancelled => true,
            Status::Pending => {
                s.status = Status::Cancelled;
                s.done_order = DONE_ORDER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                s.waiters.wake_all();
                true
            }
        }
    }

    /// A worker starts it; false when it was cancelled.
    pub fn start(&self) -> bool {
        let mut s = self.state.lock();
        if s.status == Status::Cancelled {
            return false;
        }
        s.status = Status::Running;
        true
    }

    /// Settles it; returns the callbacks to call now.
    pub fn settle(&self, result: Value, error: Option<Exc>) -> Vec<Value> {
        let mut s = self.state.lock();
        s.status = Status::Finished;
        s.done_order = DONE_ORDER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        s.result = result;
        s.error = error;
        s.waiters.wake_all();
        std::mem::take(&mut s.callbacks)
    }

    /// Adds a done-callback; false when the future is already done (call it now).
    pub fn add_callback(&self, f: Value) -> bool {
        let mut s = self.state.lock();
        if matches!(s.status, Status::Cancelled | Status::Finished) {
            return false;
        }
        s.callbacks.push(f);
        true
    }

    /// One poll of `result()` (or `exception()` when `want_error`).
    pub fn poll_result(
        &self,
        tid: Tid,
        waker: Option<&Waker>,
        now: f64,
        deadline: Option<f64>,
        want_error: bool,
    ) -> Poll<Result<Value, Exc>> {
        let mut s = self.state.lock();
        match s.status {
            Status::Cancelled => {
                s.waiters.remove(tid);
                Poll::Ready(Err(bare(kind::CancelledError)))
            }
            Status::Finished => {
                s.waiters.remove(tid);
                Poll::Ready(match (&s.error, want_error) {
                    (Some(e), true) => Ok(Value::Exception(e.clone())),
                    (None, true) => Ok(Value::None),
                    (Some(e), false) => Err(e.clone()),
                    (None, false) => Ok(s.result.clone()),
                })
            }
            _ if deadline.is_some_and(|d| now >= d) => {
                s.waiters.remove(tid);
                Poll::Ready(Err(bare(kind::TimeoutError)))
            }
            _ => {
                if let Some(w) = waker {
                    s.waiters.register(tid, w);
                }
                Poll::Pending
            }
        }
    }

    /// Registers for its completion (used by `wait` and `as_completed` on many futures).
    pub fn register(&self, tid: Tid, waker: &Waker) {
        self.state.lock().waiters.register(tid, waker);
    }

    /// Removes a registration.
    pub fn unregister(&self, tid: Tid) {
        self.state.lock().waiters.remove(tid);
    }

    /// Forgets `tid`'s abandoned wait (see [`crate::sync::wait::WaitList::forget`]).
    pub fn forget(&self, tid: Tid) {
        self.state.lock().waiters.forget(tid);
    }
}

/// One submitted call.
pub struct WorkItem {
    /// Its future.
    pub future: Arc<Object>,
    /// The callable.
    pub func: Value,
    /// Positional arguments.
    pub args: Vec<Value>,
    /// Keyword arguments as a dict value.
    pub kwargs: Value,
}

struct PoolState {
    work: VecDeque<WorkItem>,
    shutdown: bool,
    workers: Vec<Arc<Object>>,
    idle: usize,
    waiters: WaitList,
}

/// `ThreadPoolExecutor`.
pub struct Pool {
    /// `max_workers`.
    pub max_workers: usize,
    /// Worker names are `{prefix}_{i}`.
    pub prefix: Arc<str>,
    state: Mutex<PoolState>,
}

/// What `submit` needs from the caller to start a worker.
pub enum Submitted {
    /// Queued; an idle or busy worker will take it.
    Queued,
    /// Queued; start a new worker with index `i`.
    NewWorker(usize),
}

impl Pool {
    /// A pool of at most `max_workers` threads named `{prefix}_{i}`.
    pub fn new(max_workers: usize, prefix: Arc<str>) -> Pool {
        Pool {
            max_workers,
            prefix,
            state: Mutex::new(PoolState {
                work: VecDeque::new(),
                shutdown: false,
                workers: Vec::new(),
                idle: 0,
                waiters: WaitList::default(),
            }),
        }
    }

    /// Queues a call; says whether a new worker must be started.
    pub fn submit(&self, item: WorkItem) -> Result<Submitted, Exc> {
        let mut s = self.state.lock();
        if s.shutdown {
            return Err(runtime_error("cannot schedule new futures after shutdown"));
        }
        s.work.push_back(item);
        s.waiters.wake_one();
        if s.idle > 0 {
            s.idle -= 1;
            return Ok(Submitted::Queued);
        }
        if s.workers.len() < self.max_workers {
            return Ok(Submitted::NewWorker(s.workers.len()));
        }
        Ok(Submitted::Queued)
    }

    /// Records a started worker.
    pub fn add_worker(&self, t: Arc<Object>) {
        self.state.lock().workers.push(t);
    }

    /// The workers started so far.
    pub fn workers(&self) -> Vec<Arc<Object>> {
        self.state.lock().workers.clone()
    }

    /// A worker finished an item and is idle again.
    pub fn work_done(&self) {
        self.state.lock().idle += 1;
    }

    /// One poll of a worker waiting for work: `Some(item)`, or `None` after shutdown.
    pub fn poll_next(&self, tid: Tid, waker: Option<&Waker>) -> Poll<Option<WorkItem>> {
        let mut s = self.state.lock();
        if let Some(item) = s.work.pop_front() {
            s.waiters.remove(tid);
            return Poll::Ready(Some(item));
        }
        if s.shutdown {
            s.waiters.remove(tid);
            return Poll::Ready(None);
        }
        if let Some(w) = waker {
            s.waiters.register(tid, w);
        }
        Poll::Pending
    }

    /// Stops accepting work; cancels queued work when asked; wakes idle workers.
    pub fn shutdown(&self, cancel_futures: bool) {
        let mut s = self.state.lock();
        s.shutdown = true;
        if cancel_futures {
            for item in s.work.drain(..) {
                if let super::Body::Future(f) = &item.future.body {
                    f.cancel();
                }
            }
        }
        s.waiters.wake_all();
    }

    /// Items queued and not yet taken.
    pub fn queued(&self) -> usize {
        self.state.lock().work.len()
    }
}
