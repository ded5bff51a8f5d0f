//! `condition`: a lock plus a list of waiters that `notify` wakes in arrival order.

use std::sync::Arc;

use parking_lot::Mutex;

use super::wait::{Ctx, OpState, Poll, Tid, Waker};
use super::{Body, Object};
use crate::vm::exc::{Exc, runtime_error};

struct Waiter {
    tid: Tid,
    notified: bool,
    waker: Option<Waker>,
}

/// `threading.Condition`.
pub struct Condition {
    /// The underlying lock (a `lock` or `rlock` object).
    pub lock: Arc<Object>,
    waiters: Mutex<Vec<Waiter>>,
}

impl Condition {
    /// A condition over `lock`.
    pub fn new(lock: Arc<Object>) -> Condition {
        Condition {
            lock,
            waiters: Mutex::new(Vec::new()),
        }
    }

    /// Python's `_is_owned`: an rlock must be held by the caller; a plain lock only held.
    fn owned(&self, tid: Tid) -> bool {
        match &self.lock.body {
            Body::RLock(r) => r.owner() == Some(tid),
            Body::Lock(l) => l.locked(),
            _ => false,
        }
    }

    /// `wait(timeout)`: release the lock, wait to be notified (or time out), re-acquire.
    /// Phases are kept in `st` so a seeded run can resume the call after each wake-up.
    pub fn wait(
        &self,
        ctx: &mut Ctx<'_>,
        me: &Arc<Object>,
        timeout: Option<f64>,
        st: &mut OpState,
    ) -> Poll<Result<bool, Exc>> {
        if st.phase == 0 {
            if !self.owned(ctx.tid) {
                return Poll::Ready(Err(runtime_error("cannot wait on un-acquired lock")));
            }
            st.deadline(|| ctx.host.now(), timeout);
            st.saved = match &self.lock.body {
                Body::RLock(r) => match r.release_all(ctx.tid) {
                    Ok(n) => n,
                    Err(e) => return Poll::Ready(Err(e)),
                },
                Body::Lock(l) => match l.release() {
                    Ok(()) => 1,
                    Err(e) => return Poll::Ready(Err(e)),
                },
                _ => 0,
            };
            self.waiters.lock().push(Waiter {
                tid: ctx.tid,
                notified: false,
                waker: None,
            });
            st.phase = 1;
        }
        if st.phase == 1 {
            let deadline = st.deadline;
            let name = me.name.clone();
            let span = ctx.span;
            let notified = ctx.block_on(
                || super::wait::WaitInfo {
                    object: Some(me.clone()),
                    what: format!("to be notified on condition `{name}`"),
                    deadline,
                    span,
                },
                |cx, register| {
                    self.poll_notified(
                        cx.tid,
                        register.then(|| cx.host.waker()),
                        cx.now_if(deadline),
                        deadline,
                    )
                },
            );
            match notified {
                Poll::Pending if !ctx.host.seeded() => {
                    // Free mode: the wait was abandoned (an interrupted REPL input). As in
                    // Python, the lock is taken back before the error leaves `wait`, so
                    // that a `with` around it releases a lock it holds (unless the lock
                    // stays busy: then that wait is abandoned too).
                    if let Poll::Ready(true) = super::acquire(ctx, &self.lock, None)
                        && let Body::RLock(r) = &self.lock.body
                    {
                        r.restore(st.saved);
                    }
                    return Poll::Pending;
                }
                Poll::Pending => return Poll::Pending,
                Poll::Ready(n) => {
                    st.flag = n;
                    st.phase = 2;
                }
            }
        }
        match super::acquire(ctx, &self.lock, None) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(_) => {
                if let Body::RLock(r) = &self.lock.body {
                    r.restore(st.saved);
                }
                Poll::Ready(Ok(st.flag))
            }
        }
    }

    fn poll_notified(
        &self,
        tid: Tid,
        waker: Option<Waker>,
        now: f64,
        deadline: Option<f64>,
    ) -> Poll<bool> {
        let mut ws = self.waiters.lock();
        let Some(i) = ws.iter().position(|w| w.tid == tid) else {
            return Poll::Ready(true);
        };
        if ws[i].notified {
            ws.remove(i);
            return Poll::Ready(true);
        }
        if deadline.is_some_and(|d| now >= d) {
            ws.remove(i);
            return Poll::Ready(false);
        }
        if waker.is_some() {
            ws[i].waker = waker;
        }
        Poll::Pending
    }

    /// `notify(n)`: wakes the first `n` waiters not yet notified.
    pub fn notify(&self, tid: Tid, n: usize) -> Result<(), Exc> {
        if !self.owned(tid) {
            return Err(runtime_error("cannot notify on un-acquired lock"));
        }
        let mut left = n;
        for w in self.waiters.lock().iter_mut().filter(|w| !w.notified) {
            if left == 0 {
                break;
            }
            left -= 1;
            w.notified = true;
            if let Some(k) = w.waker.take() {
                k.wake();
            }
        }
        Ok(())
    }

    /// Forgets `tid`'s abandoned wait: its place among the waiters (a notification it
    /// took is not passed on, as in Python) and its wait for the lock.
    pub fn forget(&self, tid: Tid) {
        self.waiters.lock().retain(|w| w.tid != tid);
        self.lock.forget_waiter(tid);
    }

    /// Seeded mode: forgets `tid`'s abandoned wait to be notified (see
    /// [`Condition::forget`]) and, as in Python, takes the lock back if it is free (its
    /// depth `saved` for an rlock), so that a `with` around the wait releases a lock it
    /// holds. A busy lock is not waited for.
    pub fn abandon_wait(&self, tid: Tid, saved: u32) {
        self.forget(tid);
        match &self.lock.body {
            Body::Lock(l) => {
                l.try_acquire(tid);
            }
            Body::RLock(r) => {
                if let Poll::Ready(true) = r.poll_acquire(tid, None, 0.0, None) {
                    r.restore(saved);
                }
            }
            _ => {}
        }
    }

    /// Threads waiting to be notified.
    pub fn waiting(&self) -> Vec<Tid> {
        self.waiters
            .lock()
            .iter()
            .filter(|w| !w.notified)
            .map(|w| w.tid)
            .collect()
    }
}
