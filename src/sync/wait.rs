//! Waiting, written once for both drivers.
//!
//! Every blocking operation is a *poll*: it looks at its object's state and either
//! completes or, when asked to, registers the caller's [`Waker`] in the object's
//! [`WaitList`] and reports [`Poll::Pending`]. Whoever changes the state so that a waiter
//! could proceed wakes it; the waiter then polls again. The free driver parks the OS
//! thread between polls (after a short spin); the seeded driver marks the task blocked and
//! lets other tasks run. Timeouts are deadlines on the run's clock, checked by the polls.

use std::sync::Arc;

use parking_lot::Mutex;

use super::Object;
use crate::syntax::Span;
use crate::vm::exc::Exc;
use crate::vm::value::Value;
use crate::vm::world::World;

/// A thread's number within one run (0 is `MainThread`).
pub type Tid = u32;

/// Result of polling a blocking operation.
#[derive(Debug)]
pub enum Poll<T> {
    /// Done.
    Ready(T),
    /// Not yet; the caller's waker is registered when it asked to be.
    Pending,
}

impl<T> Poll<T> {
    /// Applies `f` to a ready value.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Poll<U> {
        match self {
            Poll::Ready(v) => Poll::Ready(f(v)),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// How to wake a waiting thread.
#[derive(Clone, Debug)]
pub enum Waker {
    /// Free mode: unpark this OS thread.
    Thread(std::thread::Thread),
    /// Seeded mode: tell the scheduler that task `Tid` may proceed.
    Task(Tid, Arc<WakeQueue>),
}

impl Waker {
    /// Wakes the thread (it will poll again).
    pub fn wake(&self) {
        match self {
            Waker::Thread(t) => t.unpark(),
            Waker::Task(tid, queue) => queue.push(*tid),
        }
    }
}

/// Seeded mode's wake-ups: the tasks that may proceed, collected during a step.
#[derive(Default, Debug)]
pub struct WakeQueue {
    tids: Mutex<Vec<Tid>>,
    /// Set when `tids` may be non-empty, so the scheduler checks without locking.
    pending: std::sync::atomic::AtomicBool,
}

impl WakeQueue {
    /// Notes that `tid` may proceed.
    pub fn push(&self, tid: Tid) {
        self.tids.lock().push(tid);
        self.pending
            .store(true, std::sync::atomic::Ordering::Release);
    }

    /// The tasks woken since the last call, in wake-up order.
    pub fn take(&self) -> Vec<Tid> {
        if !self
            .pending
            .swap(false, std::sync::atomic::Ordering::Acquire)
        {
            return Vec::new();
        }
        std::mem::take(&mut *self.tids.lock())
    }

    /// True when wake-ups are waiting to be taken.
    pub fn is_pending(&self) -> bool {
        self.pending.load(std::sync::atomic::Ordering::Acquire)
    }
}

/// The threads waiting for an object, in arrival order.
#[derive(Default, Debug)]
pub struct WaitList {
    entries: Vec<(Tid, Waker)>,
}

impl WaitList {
    /// Adds `tid` (once).
    pub fn register(&mut self, tid: Tid, waker: &Waker) {
        if !self.entries.iter().any(|(t, _)| *t == tid) {
            self.entries.push((tid, waker.clone()));
        }
    }

    /// Removes `tid` if present.
    pub fn remove(&mut self, tid: Tid) {
        self.entries.retain(|(t, _)| *t != tid);
    }

    /// True when nobody waits.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// How many wait.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Removes `tid`, whose wait was abandoned (an interrupted REPL input), and wakes
    /// every other waiter: a wake-up meant for `tid` that it can no longer use is not
    /// lost (spurious wake-ups are harmless: a woken waiter polls again).
    pub fn forget(&mut self, tid: Tid) {
        self.remove(tid);
        self.wake_all();
    }

    /// Wakes and removes the first waiter.
    pub fn wake_one(&mut self) {
        if !self.entries.is_empty() {
            let (_, w) = self.entries.remove(0);
            w.wake();
        }
    }

    /// Wakes and removes every waiter.
    pub fn wake_all(&mut self) {
        for (_, w) in self.entries.drain(..) {
            w.wake();
        }
    }

    /// The waiting threads, in order.
    pub fn tids(&self) -> impl Iterator<Item = Tid> + '_ {
        self.entries.iter().map(|(t, _)| *t)
    }
}

/// What a thread is blocked on, for deadlock reports and traces.
#[derive(Clone)]
pub struct WaitInfo {
    /// The object waited for (`None` for `sleep`).
    pub object: Option<Arc<Object>>,
    /// What the call waits for, in words ("to acquire lock `guard`").
    pub what: String,
    /// When it gives up, if ever (seconds on the run's clock).
    pub deadline: Option<f64>,
    /// The blocked call.
    pub span: Span,
}

/// The services a driver gives the code it runs.
pub trait Host: Send + Sync {
    /// True under the seeded scheduler: polls must not park.
    fn seeded(&self) -> bool;
    /// Seconds since the run started (scaled by `--speed` in free mode; virtual when seeded).
    fn now(&self) -> f64;
    /// Wall-clock seconds since the epoch (virtual when seeded).
    fn wall_time(&self) -> f64;
    /// How to wake the current thread.
    fn waker(&self) -> Waker;
    /// Free mode: blocks the OS thread until woken, or until `deadline`.
    fn park(&self, deadline: Option<f64>);
    /// Starts running `thread` (a started Thread object).
    fn spawn(&self, world: &Arc<World>, thread: Arc<Object>) -> Result<(), Exc>;
    /// Records that the current thread is blocked (`Some`) or running again (`None`).
    fn set_blocked(&self, tid: Tid, info: Option<WaitInfo>);
    /// A random float in [0, 1) (seeded in seeded mode).
    fn random(&self) -> f64;
    /// A resource limit was hit: stop the run (exit status 4). Returns the error to raise
    /// in the meantime.
    fn limit(&self, message: String) -> Exc;
    /// Free mode, after a park: true when the current thread must abandon its wait (the
    /// REPL's input was interrupted by Ctrl-C or stopped in a deadlock). The blocking call
    /// then leaves its wait lists and reports `Pending`; the driver raises the error.
    fn abandon_wait(&self) -> bool {
        false
    }
}

/// What object code knows about its caller.
pub struct Ctx<'a> {
    /// The run.
    pub world: &'a Arc<World>,
    /// The driver.
    pub host: &'a dyn Host,
    /// The calling thread.
    pub tid: Tid,
    /// The calling thread's object.
    pub thread: &'a Arc<Object>,
    /// The call being made.
    pub span: Span,
}

impl Ctx<'_> {
    /// The clock, read only when a deadline makes it matter.
    pub fn now_if(&self, deadline: Option<f64>) -> f64 {
        match deadline {
            Some(d) if d.is_finite() => self.host.now(),
            _ => 0.0,
        }
    }
}

/// How many polls the free driver spins through before parking.
const SPINS: u32 = 24;

/// The first polls are separated by 2, 4, ... 2^BACKOFF_STEPS pause instructions (about
/// 1.6 µs in all on the 2-core test machine); the rest by a yield of the CPU. Longer pure
/// spinning loses when the thread waited for shares this CPU: a queue's producer and
/// consumer placed on one core by the scheduler then hand over only through yields (with
/// 7 steps, `queue_pipe`'s median was a quarter slower and a four-thread relay twice as
/// slow).
const BACKOFF_STEPS: u32 = 5;

/// Free mode's waiting between polls before a thread parks: exponentially longer pauses,
/// so that a waiter does not keep pulling the object's cache lines away from the thread
/// that is about to let it go on, then yields of the CPU, so that on a crowded machine the
/// threads that can make progress run.
#[derive(Default)]
pub struct Backoff {
    polls: u32,
    /// Pauses begin at 2^(1 + skip) instead of 2, and yields come after fewer pauses.
    skip: u32,
}

impl Backoff {
    /// A back-off whose first pause is `2^(1 + skip)` instructions rather than 2.
    pub fn skipping(skip: u32) -> Backoff {
        Backoff {
            polls: 0,
            skip: skip.min(BACKOFF_STEPS - 1),
        }
    }

    /// A back-off that yields the CPU from the first wait, without spinning: for a thread
    /// that waits for one running on the same CPU.
    pub fn yielding() -> Backoff {
        Backoff {
            polls: 0,
            skip: BACKOFF_STEPS,
        }
    }

    /// Waits before the next poll; false once the polls are used up and the thread should
    /// park instead.
    #[inline]
    pub fn snooze(&mut self) -> bool {
        if self.polls >= SPINS {
            return false;
        }
        self.polls += 1;
        let step = self.polls + self.skip;
        if step <= BACKOFF_STEPS {
            for _ in 0..1u32 << step {
                std::hint::spin_loop();
            }
        } else {
            std::thread::yield_now();
        }
        true
    }

    /// True once the polls are used up.
    pub fn done(&self) -> bool {
        self.polls >= SPINS
    }

    /// True before the first wait.
    pub fn first(&self) -> bool {
        self.polls == 0
    }
}

/// The CPU the current thread runs on (`u32::MAX` if unknown). Cheap: glibc reads it from
/// the kernel's restartable-sequences area.
pub fn current_cpu() -> u32 {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: `sched_getcpu` takes nothing and only reads the thread's own state.
        let cpu = unsafe { libc::sched_getcpu() };
        u32::try_from(cpu).unwrap_or(u32::MAX)
    }
    #[cfg(not(target_os = "linux"))]
    u32::MAX
}

/// Retries `attempt` with [`Backoff`] until it gives a value, or gives up (`None`) where a
/// thread would park: free mode's fast path for a call that another thread is about to make
/// possible (a queue's other side, a lock's holder), without entering the full blocking
/// call, whose binding and bookkeeping cost far more than the wait itself. `skip` is as in
/// [`Backoff::skipping`].
#[inline]
pub fn spin_briefly<T>(skip: u32, mut attempt: impl FnMut() -> Option<T>) -> Option<T> {
    let mut backoff = Backoff::skipping(skip);
    loop {
        if let Some(v) = attempt() {
            return Some(v);
        }
        if !backoff.snooze() {
            return None;
        }
    }
}

impl Ctx<'_> {
    /// Runs a blocking operation to completion (free mode) or polls it once, registered
    /// for wake-ups (seeded mode). `poll(cx, register)` must register the waker in its
    /// object's wait list when `register` is set and it returns `Pending`.
    pub fn block_on<T>(
        &mut self,
        info: impl Fn() -> WaitInfo,
        mut poll: impl FnMut(&mut Self, bool) -> Poll<T>,
    ) -> Poll<T> {
        if self.host.seeded() {
            return match poll(self, true) {
                Poll::Pending => {
                    let info = info();
                    if cfg!(feature = "trace") {
                        self.trace_block(&info);
                    }
                    self.host.set_blocked(self.tid, Some(info));
                    Poll::Pending
                }
                ready => {
                    self.host.set_blocked(self.tid, None);
                    ready
                }
            };
        }
        let mut backoff = Backoff::default();
        let mut blocked = false;
        loop {
            if let Poll::Ready(v) = poll(self, backoff.done()) {
                if blocked {
                    self.host.set_blocked(self.tid, None);
                }
                return Poll::Ready(v);
            }
            if cfg!(feature = "trace") && backoff.first() && self.world.tracer().is_some() {
                // Traced: the call blocked, even if it only spins until it can go on.
                self.trace_block(&info());
            }
            if backoff.snooze() {
                continue;
            }
            let now_info = info();
            let deadline = now_info.deadline;
            if !blocked {
                self.host.set_blocked(self.tid, Some(now_info));
                blocked = true;
            }
            self.host.park(deadline);
            if self.host.abandon_wait() {
                self.abandon(info().object);
                return Poll::Pending;
            }
        }
    }
}

impl Ctx<'_> {
    /// Leaves an abandoned wait: off the wait lists of the object waited for, and no
    /// longer blocked.
    #[cold]
    fn abandon(&self, object: Option<Arc<Object>>) {
        if let Some(object) = object {
            object.forget_waiter(self.tid);
        }
        self.host.set_blocked(self.tid, None);
    }

    /// Records, when the run is traced, that the calling thread started `child` (a thread
    /// started inside a call, such as a pool's worker).
    pub fn trace_spawn(&self, child: &Object) {
        if let (Some(t), Some(th)) = (self.world.tracer(), child.as_thread()) {
            let kind = crate::trace::Kind::Spawn { child: th.tid };
            t.record(self.tid, || self.host.now(), self.span, kind);
        }
    }

    /// Records, when the run is traced, that the calling thread started waiting.
    fn trace_block(&self, info: &WaitInfo) {
        if let Some(t) = self.world.tracer() {
            t.block(
                self.tid,
                || self.host.now(),
                info.span,
                crate::trace::Kind::Block {
                    object: info.object.clone(),
                    why: info.what.clone(),
                    deadline: info.deadline,
                },
            );
        }
    }
}

/// What a method call on an object produced.
pub enum Outcome {
    /// A value.
    Done(Value),
    /// An error to raise in the caller.
    Raise(Exc),
    /// Blocked (seeded mode only): call again when woken.
    Pending,
    /// The call continues in scenario code: call `func(*args)` and use its result.
    Invoke(Value, Vec<Value>),
}

impl From<Result<Value, Exc>> for Outcome {
    fn from(r: Result<Value, Exc>) -> Outcome {
        match r {
            Ok(v) => Outcome::Done(v),
            Err(e) => Outcome::Raise(e),
        }
    }
}

impl From<Poll<Result<Value, Exc>>> for Outcome {
    fn from(p: Poll<Result<Value, Exc>>) -> Outcome {
        match p {
            Poll::Ready(r) => r.into(),
            Poll::Pending => Outcome::Pending,
        }
    }
}

/// The progress of a blocking call across polls (seeded mode resumes it after a wake-up).
#[derive(Debug, Clone, Default)]
pub struct OpState {
    /// Which phase of a multi-phase operation is next.
    pub phase: u8,
    /// The deadline, fixed when the call started.
    pub deadline: Option<f64>,
    /// A saved count (an rlock's recursion depth across `Condition.wait`).
    pub saved: u32,
    /// A result carried between phases.
    pub flag: bool,
    /// True once the call has started (its deadline is fixed).
    pub started: bool,
}

impl OpState {
    /// Forgets a finished call (cheap when no call used the state).
    #[inline]
    pub fn clear(&mut self) {
        if self.started || self.phase != 0 || self.saved != 0 || self.flag {
            *self = OpState::default();
        }
    }
    /// Fixes the deadline on the first poll of a call (reading the clock only when there
    /// is a timeout); returns it.
    pub fn deadline(&mut self, now: impl FnOnce() -> f64, timeout: Option<f64>) -> Option<f64> {
        if !self.started {
            self.started = true;
            self.deadline = timeout.map(|t| now() + t.max(0.0));
        }
        self.deadline
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_back_off_waits_a_bounded_number_of_times_then_says_park() {
        for (skip, mut b) in [0, 3, 100]
            .map(|skip| (skip, Backoff::skipping(skip)))
            .into_iter()
            .chain([(u32::MAX, Backoff::yielding())])
        {
            assert!(b.first() && !b.done());
            let waits = std::iter::from_fn(|| b.snooze().then_some(())).count();
            assert_eq!(waits, SPINS as usize, "skip {skip}");
            assert!(b.done() && !b.snooze());
        }
    }

    #[test]
    fn spin_briefly_retries_until_the_attempt_succeeds_or_gives_up() {
        let mut tries = 0;
        assert_eq!(
            spin_briefly(0, || {
                tries += 1;
                (tries == 5).then_some(tries)
            }),
            Some(5)
        );
        let mut tries = 0;
        assert_eq!(
            spin_briefly(2, || {
                tries += 1;
                None::<()>
            }),
            None
        );
        assert_eq!(tries, SPINS + 1, "one try, then one after each wait");
    }
}
