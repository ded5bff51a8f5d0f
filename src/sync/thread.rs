//! Thread objects: what runs, its name, and its life (created, started, finished).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};

use parking_lot::Mutex;

use super::semaphore::Event;
use super::wait::{Poll, Tid, WaitList, Waker};
use crate::vm::exc::{Exc, runtime_error};
use crate::vm::value::Value;

/// What a thread runs: `func(*args, **kwargs)`.
#[derive(Clone)]
pub struct Entry {
    /// The callable.
    pub func: Value,
    /// Positional arguments.
    pub args: Vec<Value>,
    /// Keyword arguments.
    pub kwargs: Vec<(Arc<str>, Value)>,
}

/// A `Timer`'s extra state.
pub struct TimerState {
    /// Seconds to wait before calling the function.
    pub interval: f64,
    /// Set by `cancel()`.
    pub finished: Event,
}

#[derive(Default)]
struct Life {
    started: bool,
    finished: bool,
    joiners: WaitList,
}

/// `threading.Thread` (and `Timer`).
pub struct ThreadObj {
    /// Number within the run; the ident is derived from it.
    pub tid: Tid,
    /// `name`.
    pub name: Mutex<Arc<str>>,
    /// `daemon`.
    pub daemon: AtomicBool,
    /// What it runs (`None` for the main thread).
    pub entry: Option<Entry>,
    /// Set for `Timer` objects.
    pub timer: Option<TimerState>,
    life: Mutex<Life>,
}

impl ThreadObj {
    /// A thread that has not started.
    pub fn new(
        tid: Tid,
        name: Arc<str>,
        daemon: bool,
        entry: Option<Entry>,
        timer: Option<TimerState>,
    ) -> ThreadObj {
        ThreadObj {
            tid,
            name: Mutex::new(name),
            daemon: AtomicBool::new(daemon),
            entry,
            timer,
            life: Mutex::new(Life::default()),
        }
    }

    /// Marks the thread started; errors the second time, as Python does.
    pub fn begin(&self) -> Result<(), Exc> {
        let mut l = self.life.lock();
        if l.started {
            return Err(runtime_error("threads can only be started once"));
        }
        l.started = true;
        Ok(())
    }

    /// Marks the thread finished and wakes its joiners.
    pub fn finish(&self) {
        let mut l = self.life.lock();
        l.finished = true;
        l.joiners.wake_all();
    }

    /// `is_alive()`.
    pub fn is_alive(&self) -> bool {
        let l = self.life.lock();
        l.started && !l.finished
    }

    /// True once started.
    pub fn started(&self) -> bool {
        self.life.lock().started
    }

    /// True once finished.
    pub fn finished(&self) -> bool {
        self.life.lock().finished
    }

    /// Forgets `tid`'s abandoned join (see [`crate::sync::wait::WaitList::forget`]).
    pub fn forget(&self, tid: Tid) {
        self.life.lock().joiners.forget(tid);
    }

    /// One poll of `join`: ready when finished or past `deadline`.
    pub fn poll_join(
        &self,
        tid: Tid,
        waker: Option<&Waker>,
        now: f64,
        deadline: Option<f64>,
    ) -> Poll<()> {
        let mut l = self.life.lock();
        if l.finished || deadline.is_some_and(|d| now >= d) {
            l.joiners.remove(tid);
            return Poll::Ready(());
        }
        if let Some(w) = waker {
            l.joiners.register(tid, w);
        }
        Poll::Pending
    }

    /// The thread's `ident` (deterministic: derived from its number), once started.
    pub fn ident(&self) -> Option<i64> {
        self.started()
            .then(|| 0x7000_0000 + i64::from(self.tid) * 0x1000)
    }

    /// The current name.
    pub fn name(&self) -> Arc<str> {
        self.name.lock().clone()
    }

    /// `daemon`.
    pub fn is_daemon(&self) -> bool {
        self.daemon.load(SeqCst)
    }
}
