//! Seeded mode: every scenario thread is a [`Task`] on one OS thread, and a scheduler picks
//! which one takes each visible step. Time is a virtual clock that jumps to the next
//! deadline when every thread waits for one. Nothing machine-dependent decides anything,
//! so a run is a pure function of the scenario, the flags and the [`Schedule`].
//!
//! [`Machine`] is the steppable core (the REPL steps it by hand); [`run`] drives it with a
//! scheduler to the end.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering::Relaxed};

use parking_lot::Mutex;

use super::report::{self, ThreadState};
use super::schedule::{Recorder, Schedule};
use super::{exit_status, sched};
use crate::cli::exit;
use crate::sync::wait::{Host, Tid, WaitInfo, WakeQueue, Waker};
use crate::sync::{Body, Object};
use crate::vm::exc::{Exc, kind};
use crate::vm::task::{Step, Task};
use crate::vm::world::World;

/// The virtual clock's `time()` at the start of a run: 2000-01-01 00:00:00 UTC.
pub const EPOCH: f64 = 946_684_800.0;

/// The default `--max-steps`.
pub const DEFAULT_MAX_STEPS: u64 = 10_000_000;

/// What the code of the running task asks of the driver, collected until the step ends.
struct SeededHost {
    /// Virtual seconds since the start (`f64` bits).
    clock: AtomicU64,
    /// The task taking the current step.
    current: AtomicU32,
    /// Threads woken during the step (shared with their wakers).
    wakes: Arc<WakeQueue>,
    /// Started threads, to be added after the step.
    spawned: Mutex<Vec<Task>>,
    /// How many threads `spawned` holds (read without locking).
    pending: AtomicUsize,
    /// What the current task blocked on, if it did.
    blocked: Mutex<Option<WaitInfo>>,
    /// The scenario's random numbers.
    rng: Mutex<fastrand::Rng>,
    /// A resource limit hit during the step.
    limit: Mutex<Option<String>>,
}

impl Host for SeededHost {
    fn seeded(&self) -> bool {
        true
    }

    fn now(&self) -> f64 {
        f64::from_bits(self.clock.load(Relaxed))
    }

    fn wall_time(&self) -> f64 {
        EPOCH + self.now()
    }

    fn waker(&self) -> Waker {
        Waker::Task(self.current.load(Relaxed), self.wakes.clone())
    }

    fn park(&self, _deadline: Option<f64>) {}

    fn spawn(&self, world: &Arc<World>, thread: Arc<Object>) -> Result<(), Exc> {
        world.thread_started(&thread);
        let (func, args, kwargs) = crate::vm::objects::thread_entry(world, &thread);
        let task = Task::thread(world.clone(), thread, func, args, kwargs)?;
        self.spawned.lock().push(task);
        self.pending.fetch_add(1, Relaxed);
        Ok(())
    }

    fn set_blocked(&self, _tid: Tid, info: Option<WaitInfo>) {
        *self.blocked.lock() = info;
    }

    fn random(&self) -> f64 {
        self.rng.lock().f64()
    }

    fn limit(&self, message: String) -> Exc {
        let e = crate::vm::exc::exc(crate::vm::exc::kind::RuntimeError, message.clone());
        *self.limit.lock() = Some(message);
        e
    }
}

/// Where a thread is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum State {
    Runnable,
    Blocked,
    /// The main thread after its statements: it waits for the other non-daemon threads.
    Exiting,
    /// The REPL's main thread between inputs: the user is at the prompt.
    Idle,
    Finished,
}

struct Entry {
    task: Task,
    state: State,
    blocked: Option<WaitInfo>,
}

/// Where a run stands between steps.
pub enum Settled {
    /// These threads can take the next step (in tid order, never empty).
    Ready,
    /// The run is over, with this exit status.
    Done(i32),
    /// No thread can ever move again.
    Deadlock,
}

/// A seeded run in progress.
pub struct Machine {
    world: Arc<World>,
    host: Arc<SeededHost>,
    /// Entries by tid (a `Thread` made but never started has none).
    entries: Vec<Option<Entry>>,
    /// Threads that can move, in tid order.
    runnable: Vec<Tid>,
    /// Visible steps taken so far.
    pub steps: u64,
    /// The decisions so far, when recording.
    pub recorder: Option<Recorder>,
    /// Set when a thread started waiting for a lock or a thread: look for a cycle.
    check_cycle: bool,
    /// A REPL session: the main thread goes idle after each input instead of exiting.
    repl: bool,
    /// `Some` once the REPL raised `KeyboardInterrupt` in the running input; then
    /// `Some(Some(e))` when `e` ended the input (see [`Machine::interrupt_main`]).
    interrupted: Option<Option<Exc>>,
}

impl Machine {
    /// A run of `world`'s program whose random numbers come from `seed`.
    pub fn new(world: Arc<World>, seed: u64) -> Machine {
        let host = Arc::new(SeededHost {
            clock: AtomicU64::new(0f64.to_bits()),
            current: AtomicU32::new(0),
            wakes: Arc::new(WakeQueue::default()),
            spawned: Mutex::new(Vec::new()),
            pending: AtomicUsize::new(0),
            blocked: Mutex::new(None),
            rng: Mutex::new(fastrand::Rng::with_seed(seed ^ 0x5eed_da7a)),
            limit: Mutex::new(None),
        });
        let main = super::main_thread(&world);
        let task = Task::main(world.clone(), main);
        Machine {
            world,
            host,
            entries: vec![Some(Entry {
                task,
                state: State::Runnable,
                blocked: None,
            })],
            runnable: vec![0],
            steps: 0,
            recorder: None,
            check_cycle: false,
            repl: false,
            interrupted: None,
        }
    }

    /// The threads that can take the next step, in tid order (after [`Machine::settle`]).
    pub fn runnable(&self) -> &[Tid] {
        &self.runnable
    }

    /// The run's world.
    pub fn world(&self) -> &Arc<World> {
        &self.world
    }

    /// Takes in started threads and wake-ups, ends the run when only daemons are left,
    /// and moves the clock to the next deadline when every thread waits for one.
    pub fn settle(&mut self) -> Settled {
        if std::mem::take(&mut self.check_cycle)
            && report::find_cycle(&self.world, &self.states()).is_some()
        {
            return Settled::Deadlock;
        }
        loop {
            if self.host.pending.load(Relaxed) > 0 || self.host.wakes.is_pending() {
                self.absorb();
            }
            if self.main_state() == State::Exiting && !self.non_daemons_left() {
                return Settled::Done(self.finish());
            }
            if !self.runnable.is_empty() {
                return Settled::Ready;
            }
            let next = self
                .entries
                .iter()
                .flatten()
                .filter(|e| e.state == State::Blocked)
                .filter_map(|e| e.blocked.as_ref().and_then(|b| b.deadline))
                .filter(|d| d.is_finite())
                .fold(None, |m: Option<f64>, d| Some(m.map_or(d, |m| m.min(d))));
            let Some(deadline) = next else {
                return if self
                    .entries
                    .iter()
                    .flatten()
                    .all(|e| e.state == State::Finished)
                {
                    Settled::Done(self.finish())
                } else {
                    Settled::Deadlock
                };
            };
            if deadline > self.host.now() {
                self.host.clock.store(deadline.to_bits(), Relaxed);
            }
            let now = self.host.now();
            for tid in 0..self.entries.len() {
                let due = self.entries[tid].as_ref().is_some_and(|e| {
                    e.state == State::Blocked
                        && e.blocked
                            .as_ref()
                            .and_then(|b| b.deadline)
                            .is_some_and(|d| d <= now)
                });
                if due {
                    self.make_runnable(tid as Tid);
                }
            }
        }
    }

    /// Runs one visible step of thread `tid` (which must be runnable).
    pub fn step(&mut self, tid: Tid) {
        self.steps += 1;
        if let Some(r) = &mut self.recorder {
            r.push(tid);
        }
        self.host.current.store(tid, Relaxed);
        let host = self.host.clone();
        let entry = self.entries[tid as usize]
            .as_mut()
            .expect("a runnable thread has an entry");
        match entry.task.step(&*host) {
            Step::Ran => {}
            Step::Blocked => {
                entry.blocked = host.blocked.lock().take();
                entry.state = State::Blocked;
                self.runnable.retain(|&t| t != tid);
                // Waiting for a lock or a thread may close a cycle, which no other thread
                // can break even while some still run.
                self.check_cycle |= entry.blocked.as_ref().is_some_and(|b| {
                    b.deadline.is_none()
                        && b.object.as_ref().is_some_and(|o| {
                            matches!(o.body, Body::Lock(_) | Body::RLock(_) | Body::Thread(_))
                        })
                });
            }
            Step::Finished(error) => {
                // The error a resource limit raised is not the scenario's: the run stops
                // with the limit's own message.
                // Nor is the REPL's `KeyboardInterrupt`: the session reports it.
                if let Some(e) = error
                    && self.host.limit.lock().is_none()
                {
                    if tid == 0 && self.interrupted.is_some() && e.kind == kind::KeyboardInterrupt {
                        self.interrupted = Some(Some(e));
                    } else {
                        super::report_uncaught(&self.world, &entry.task.thread, &e);
                    }
                }
                self.runnable.retain(|&t| t != tid);
                if tid == 0 && self.repl {
                    entry.state = State::Idle;
                    entry.task.stack.clear();
                } else if tid == 0 {
                    entry.state = State::Exiting;
                    super::shut_pools_down(&self.world);
                } else {
                    entry.state = State::Finished;
                    let thread = entry.task.thread.clone();
                    if let Some(t) = thread.as_thread() {
                        t.finish();
                    }
                    self.world.thread_finished(&thread);
                    // The frames are done with; keep only what reports need.
                    entry.task.frames = Vec::new();
                    entry.task.stack = Vec::new();
                }
            }
        }
    }

    /// A resource limit the last step hit, if any.
    pub fn limit_hit(&self) -> Option<String> {
        self.host.limit.lock().take()
    }

    /// What every live thread is doing, for reports.
    pub fn states(&self) -> Vec<ThreadState> {
        let end = self.world.source().text.len();
        self.entries
            .iter()
            .flatten()
            .filter(|e| e.state != State::Finished)
            .map(|e| {
                let blocked = match e.state {
                    State::Exiting => self.first_non_daemon().map(|t| WaitInfo {
                        what: format!("for {} to finish", t.describe()),
                        object: Some(t),
                        deadline: None,
                        span: crate::syntax::Span::new(end, end),
                    }),
                    State::Idle => Some(WaitInfo {
                        what: report::AT_PROMPT.to_string(),
                        object: None,
                        deadline: None,
                        span: crate::syntax::Span::new(end, end),
                    }),
                    _ => e.blocked.clone(),
                };
                ThreadState {
                    tid: e.task.tid,
                    name: e.task.thread.display_name().to_string(),
                    span: blocked
                        .as_ref()
                        .map_or_else(|| e.task.current_span(), |b| b.span),
                    blocked,
                }
            })
            .collect()
    }

    fn absorb(&mut self) {
        self.host.pending.store(0, Relaxed);
        let spawned = std::mem::take(&mut *self.host.spawned.lock());
        for task in spawned {
            let tid = task.tid;
            let i = tid as usize;
            if self.entries.len() <= i {
                self.entries.resize_with(i + 1, || None);
            }
            self.entries[i] = Some(Entry {
                task,
                state: State::Blocked,
                blocked: None,
            });
            self.make_runnable(tid);
        }
        for tid in self.host.wakes.take() {
            self.make_runnable(tid);
        }
    }

    fn make_runnable(&mut self, tid: Tid) {
        if let Some(Some(e)) = self.entries.get_mut(tid as usize)
            && e.state == State::Blocked
        {
            e.state = State::Runnable;
            e.blocked = None;
            if let Err(at) = self.runnable.binary_search(&tid) {
                self.runnable.insert(at, tid);
            }
        }
    }

    fn main_state(&self) -> State {
        self.entries[0]
            .as_ref()
            .map_or(State::Finished, |e| e.state)
    }

    fn first_non_daemon(&self) -> Option<Arc<Object>> {
        self.entries
            .iter()
            .skip(1)
            .flatten()
            .filter(|e| e.state != State::Finished)
            .map(|e| e.task.thread.clone())
            .find(|t| t.as_thread().is_some_and(|x| !x.is_daemon()))
    }

    fn non_daemons_left(&self) -> bool {
        self.first_non_daemon().is_some()
    }

    /// Ends the run: the main thread finishes; returns the exit status.
    fn finish(&mut self) -> i32 {
        if let Some(e) = &mut self.entries[0] {
            e.state = State::Finished;
            if let Some(t) = e.task.thread.as_thread() {
                t.finish();
            }
        }
        exit_status(&self.world)
    }
}

pub mod repl;

/// Options of a seeded run.
#[derive(Debug, Clone)]
pub struct SeededOptions {
    /// The strategy and seed.
    pub schedule: Schedule,
    /// Stop with exit status 4 after this many visible steps (`--max-steps`).
    pub max_steps: u64,
    /// Stop with exit status 4 after this many seconds of real time (`--timeout`).
    pub timeout: Option<f64>,
}

/// Runs a scenario in seeded mode; returns the exit status.
pub fn run(world: Arc<World>, options: &SeededOptions) -> i32 {
    let mut machine = Machine::new(world.clone(), options.schedule.seed);
    let mut scheduler = sched::make(&options.schedule.strategy, options.schedule.seed);
    let interrupted = Arc::new(AtomicBool::new(false));
    {
        let flag = interrupted.clone();
        let _ = ctrlc::set_handler(move || flag.store(true, Relaxed));
    }
    let start = std::time::Instant::now();
    loop {
        match machine.settle() {
            Settled::Done(status) => return status,
            Settled::Deadlock => {
                let states = machine.states();
                let cycle = report::find_cycle(&world, &states);
                let text = report::deadlock_picture(&world, &states, cycle.as_deref());
                world.out.err(&text);
                return exit::DEADLOCK;
            }
            Settled::Ready => {}
        }
        if machine.steps >= options.max_steps {
            return stop(
                &machine,
                &format!("stopped after {} steps (--max-steps)", machine.steps),
                "thr::run::max-steps",
                exit::LIMIT,
            );
        }
        if machine.steps.is_multiple_of(4096) {
            if interrupted.load(Relaxed) {
                return stop(
                    &machine,
                    "interrupted (Ctrl-C)",
                    "thr::run::interrupted",
                    exit::INTERRUPTED,
                );
            }
            if let Some(t) = options.timeout
                && start.elapsed().as_secs_f64() > t
            {
                let headline = format!("stopped after {t}s (--timeout)");
                return stop(&machine, &headline, "thr::run::timeout", exit::LIMIT);
            }
        }
        let tid = match scheduler.pick(machine.runnable(), machine.steps) {
            Ok(tid) => tid,
            Err(message) => {
                world.out.err(&format!("thr: {message}\n"));
                return exit::INVALID;
            }
        };
        machine.step(tid);
        if let Some(message) = machine.limit_hit() {
            world.out.err(&format!("thr: stopped: {message}\n"));
            return exit::LIMIT;
        }
    }
}

/// Prints the per-thread picture under `headline`; returns `code`.
fn stop(machine: &Machine, headline: &str, code: &str, status: i32) -> i32 {
    let world = machine.world();
    let text = report::picture(world, headline, code, &machine.states(), None);
    world.out.err(&text);
    status
}
