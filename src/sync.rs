//! The synchronisation objects' semantic model: one set of rules per primitive (owner,
//! counts, waiters, deadlines), used by both drivers. `wait` holds the waiting protocol;
//! `methods` maps a scenario's method calls onto the rules.

pub mod barrier;
pub mod completions;
pub mod condition;
pub mod local;
pub mod lock;
pub mod methods;
pub mod methods_queue;
pub mod pool;
pub mod queue;
pub mod semaphore;
pub mod thread;
pub mod wait;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::lang::kinds::Kind;
use wait::{Ctx, Poll, Tid};

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A synchronisation object, thread, pool, future or local.
pub struct Object {
    /// Identity (for hashing; never printed).
    pub id: u64,
    /// The declared name (or a generated one such as `Future-3`).
    pub name: Arc<str>,
    /// What it is.
    pub body: Body,
}

/// The kinds of object.
pub enum Body {
    /// `lock`.
    Lock(lock::Lock),
    /// `rlock`.
    RLock(lock::RLock),
    /// `condition`.
    Condition(condition::Condition),
    /// `semaphore` / `bounded semaphore`.
    Semaphore(semaphore::Semaphore, bool),
    /// `event`.
    Event(semaphore::Event),
    /// `barrier`.
    Barrier(barrier::Barrier),
    /// The three queues (boxed: their counters are padded to cache lines of their own).
    Queue(Box<queue::Queue>),
    /// `local`.
    Local(local::Local),
    /// `pool`.
    Pool(pool::Pool),
    /// A thread or timer.
    Thread(thread::ThreadObj),
    /// A pool's future.
    Future(pool::Future),
    /// The generator `as_completed` returns.
    Completions(completions::Completions),
}

impl Object {
    /// Runs method `name` with `args` positional arguments on top of `stack` when it
    /// completes without parking, replacing the arguments with its result; false, with
    /// `stack` untouched, when the general call must run it (see
    /// [`methods_queue::call_now`]). Free mode only: it records no trace and no step, and
    /// it spins while it waits.
    #[inline]
    pub fn call_now(
        &self,
        name: &str,
        args: u16,
        stack: &mut Vec<crate::vm::value::Value>,
    ) -> bool {
        match &self.body {
            Body::Queue(q) => methods_queue::call_now(q, name, args, stack),
            _ => false,
        }
    }

    /// A new object.
    pub fn new(name: impl Into<Arc<str>>, body: Body) -> Arc<Object> {
        Arc::new(Object {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            name: name.into(),
            body,
        })
    }

    /// The catalog kind (which methods it has).
    pub fn kind(&self) -> Kind {
        match &self.body {
            Body::Lock(_) => Kind::Lock,
            Body::RLock(_) => Kind::RLock,
            Body::Condition(_) => Kind::Condition,
            Body::Semaphore(_, false) => Kind::Semaphore,
            Body::Semaphore(_, true) => Kind::BoundedSemaphore,
            Body::Event(_) => Kind::Event,
            Body::Barrier(_) => Kind::Barrier,
            Body::Queue(q) => match q.order {
                queue::Order::Fifo => Kind::Queue,
                queue::Order::Lifo => Kind::LifoQueue,
                queue::Order::Priority => Kind::PriorityQueue,
            },
            Body::Local(_) => Kind::Local,
            Body::Pool(_) => Kind::Pool,
            Body::Thread(t) if t.timer.is_some() => Kind::Timer,
            Body::Thread(_) => Kind::Thread,
            Body::Future(_) => Kind::Future,
            Body::Completions(_) => Kind::Generator,
        }
    }

    /// Python's type name.
    pub fn py_type(&self) -> &'static str {
        self.kind().info().py_name
    }

    /// The name shown in reports: a thread's current name, else the declared one.
    pub fn display_name(&self) -> Arc<str> {
        match &self.body {
            Body::Thread(t) => t.name(),
            _ => self.name.clone(),
        }
    }

    /// How reports and traces name the object: "lock `guard`".
    pub fn describe(&self) -> String {
        format!("{} `{}`", self.kind_word(), self.display_name())
    }

    /// The kind in words, as declarations write it: `lock`, `bounded semaphore`, `thread`.
    pub fn kind_word(&self) -> &'static str {
        match self.kind() {
            Kind::BoundedSemaphore => "bounded semaphore",
            Kind::LifoQueue => "lifo queue",
            Kind::PriorityQueue => "priority queue",
            k => k.info().prose.split_once(' ').map_or("object", |(_, w)| w),
        }
    }

    /// Python's repr, without the address Python would print.
    pub fn repr(&self) -> String {
        let name = self.display_name();
        match &self.body {
            Body::Lock(l) => format!(
                "<{} _thread.lock object {name}>",
                if l.locked() { "locked" } else { "unlocked" }
            ),
            Body::RLock(r) => format!(
                "<{} _thread.RLock object {name} owner={} count={}>",
                if r.owner().is_some() {
                    "locked"
                } else {
                    "unlocked"
                },
                r.owner().map_or(0, |t| 0x7000_0000 + i64::from(t) * 0x1000),
                r.count()
            ),
            Body::Thread(t) => {
                let state = if !t.started() {
                    "initial".to_string()
                } else if t.finished() {
                    format!("stopped {}", t.ident().unwrap_or(0))
                } else {
                    format!("started {}", t.ident().unwrap_or(0))
                };
                let daemon = if t.is_daemon() { " daemon" } else { "" };
                let class = if t.timer.is_some() {
                    "Timer"
                } else if t.tid == 0 {
                    "_MainThread"
                } else {
                    "Thread"
                };
                format!("<{class}({name}, {state}{daemon})>")
            }
            Body::Future(f) => format!(
                "<Future {name} state={}>",
                format!("{:?}", f.status()).to_lowercase()
            ),
            _ => format!("<{} object {name}>", self.py_type()),
        }
    }

    /// Forgets thread `tid`'s abandoned wait on this object (a REPL input interrupted
    /// while it waits): `tid` leaves every wait list of the object, and the other waiters
    /// poll again, so that a wake-up meant for `tid` is not lost.
    pub fn forget_waiter(&self, tid: Tid) {
        match &self.body {
            Body::Lock(l) => l.forget(tid),
            Body::RLock(r) => r.forget(tid),
            Body::Condition(c) => c.forget(tid),
            Body::Semaphore(s, _) => s.forget(tid),
            Body::Event(e) => e.forget(tid),
            Body::Barrier(b) => b.forget(tid),
            Body::Queue(q) => q.forget(tid),
            Body::Thread(t) => t.forget(tid),
            Body::Future(f) => f.forget(tid),
            Body::Completions(c) => c.unregister(tid, true),
            Body::Pool(_) | Body::Local(_) => {}
        }
    }

    /// The thread part of a thread object.
    pub fn as_thread(&self) -> Option<&thread::ThreadObj> {
        match &self.body {
            Body::Thread(t) => Some(t),
            _ => None,
        }
    }
}

/// Acquires a `lock` or `rlock` object (blocking until `deadline`); `Ready(acquired)`.
pub fn acquire(ctx: &mut Ctx<'_>, obj: &Arc<Object>, deadline: Option<f64>) -> Poll<bool> {
    let info = methods::wait_info(
        ctx,
        obj,
        || format!("to acquire {}", obj.describe()),
        deadline,
    );
    match &obj.body {
        Body::Lock(l) => {
            if l.try_acquire(ctx.tid) {
                return Poll::Ready(true);
            }
            ctx.block_on(info, |cx, register| {
                l.poll_acquire(
                    cx.tid,
                    register.then(|| cx.host.waker()).as_ref(),
                    cx.now_if(deadline),
                    deadline,
                )
            })
        }
        Body::RLock(r) => ctx.block_on(info, |cx, register| {
            r.poll_acquire(
                cx.tid,
                register.then(|| cx.host.waker()).as_ref(),
                cx.now_if(deadline),
                deadline,
            )
        }),
        Body::Condition(c) => acquire(ctx, &c.lock.clone(), deadline),
        _ => Poll::Ready(false),
    }
}

/// Releases a `lock`, `rlock` or a condition's lock.
pub fn release(ctx: &Ctx<'_>, obj: &Object) -> Result<(), crate::vm::exc::Exc> {
    match &obj.body {
        Body::Lock(l) => l.release(),
        Body::RLock(r) => r.release(ctx.tid),
        Body::Condition(c) => release(ctx, &c.lock),
        _ => Ok(()),
    }
}

impl std::fmt::Debug for Object {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}
