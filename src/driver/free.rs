//! Free mode: every scenario thread on its own OS thread, real sleeps and timeouts, true
//! parallelism. A monitor thread watches for deadlocks, Ctrl-C and `--timeout`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed, Ordering::SeqCst};
use std::time::{Duration, Instant};

use parking_lot::Mutex;

use super::report::{self, ThreadState};
use super::{RunOptions, exit_status};
use crate::cli::exit;
use crate::sync::Object;
use crate::sync::wait::{Host, Tid, WaitInfo, Waker};
use crate::vm::exc::Exc;
use crate::vm::task::{Step, Task};
use crate::vm::world::World;

/// What the monitor knows about one thread.
struct Slot {
    thread: Arc<Object>,
    blocked: Mutex<Option<WaitInfo>>,
    finished: AtomicBool,
    /// How many times the thread has blocked: a change between two looks of the monitor
    /// means it made progress.
    blocks: AtomicU64,
    /// True from the moment the thread wakes up in `park` until it parks again or updates
    /// its blocked mark. Such a thread may have just got what it waited for and not yet
    /// said so, so it does not count towards a deadlock.
    woken: AtomicBool,
}

/// State shared by all OS threads of a free run.
struct Shared {
    world: Arc<World>,
    start: Instant,
    wall_start: f64,
    speed: f64,
    slots: Mutex<Vec<Arc<Slot>>>,
    /// The OS threads scenario threads run on.
    workers: workers::Workers,
    /// Set once the run is being stopped (so only one report is printed).
    stopping: AtomicBool,
    /// A REPL session's state (`None` for `thr run`).
    repl: Option<repl::Link>,
}

/// The host of one OS thread.
struct FreeHost {
    shared: Arc<Shared>,
    slot: Arc<Slot>,
}

impl Slot {
    /// The thread's number.
    fn tid(&self) -> Tid {
        self.thread.as_thread().map_or(0, |t| t.tid)
    }
}

impl Shared {
    /// The state of a new free run of `world` (`repl`: the REPL's link, for a session).
    fn new(world: &Arc<World>, stack_size: usize, repl: Option<repl::Link>) -> Arc<Shared> {
        Arc::new(Shared {
            world: world.clone(),
            start: Instant::now(),
            wall_start: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0.0, |d| d.as_secs_f64()),
            speed: world.settings.speed,
            slots: Mutex::new(Vec::new()),
            workers: workers::Workers::new(stack_size),
            stopping: AtomicBool::new(false),
            repl,
        })
    }

    fn add_slot(&self, thread: Arc<Object>) -> Arc<Slot> {
        let slot = Arc::new(Slot {
            thread,
            blocked: Mutex::new(None),
            finished: AtomicBool::new(false),
            blocks: AtomicU64::new(0),
            woken: AtomicBool::new(false),
        });
        self.slots.lock().push(slot.clone());
        slot
    }

    /// Prints `text` and ends the process with `code` (once).
    fn stop(&self, code: i32, text: &str) -> ! {
        if !self.stopping.swap(true, Relaxed) {
            self.world.out.err(text);
            if let Some(t) = self.world.tracer() {
                t.finish(&self.world);
            }
        }
        std::process::exit(code)
    }

    fn states(&self, tasks_span: &dyn Fn(&Slot) -> crate::syntax::Span) -> Vec<ThreadState> {
        self.states_where(tasks_span, false)
    }

    /// [`Self::states`]; with `settled_only`, a thread just woken from its wait is shown as
    /// not blocked (see [`Slot::woken`]).
    fn states_where(
        &self,
        tasks_span: &dyn Fn(&Slot) -> crate::syntax::Span,
        settled_only: bool,
    ) -> Vec<ThreadState> {
        self.slots
            .lock()
            .iter()
            .filter(|s| !s.finished.load(Relaxed))
            .map(|s| {
                let blocked = s.blocked.lock().clone();
                let blocked = blocked.filter(|_| !settled_only || !s.woken.load(SeqCst));
                ThreadState {
                    tid: s.tid(),
                    name: s.thread.display_name().to_string(),
                    span: blocked.as_ref().map_or_else(|| tasks_span(s), |b| b.span),
                    blocked,
                }
            })
            .collect()
    }
}

impl Host for FreeHost {
    fn seeded(&self) -> bool {
        false
    }

    fn now(&self) -> f64 {
        self.shared.start.elapsed().as_secs_f64() * self.shared.speed
    }

    fn wall_time(&self) -> f64 {
        self.shared.wall_start + self.now()
    }

    fn waker(&self) -> Waker {
        Waker::Thread(std::thread::current())
    }

    fn park(&self, deadline: Option<f64>) {
        if self.abandon_wait() {
            return;
        }
        self.slot.woken.store(false, SeqCst);
        match deadline {
            Some(d) => {
                let secs = ((d - self.now()) / self.shared.speed).max(0.0);
                std::thread::park_timeout(Duration::from_secs_f64(secs.min(1e9)));
            }
            None => std::thread::park(),
        }
        self.slot.woken.store(true, SeqCst);
    }

    fn abandon_wait(&self) -> bool {
        self.shared
            .repl
            .as_ref()
            .is_some_and(|link| link.must_stop(&self.slot))
    }

    fn spawn(&self, world: &Arc<World>, thread: Arc<Object>) -> Result<(), Exc> {
        spawn_thread(&self.shared, world, thread)
    }

    fn set_blocked(&self, _tid: Tid, info: Option<WaitInfo>) {
        if info.is_some() {
            self.slot.blocks.fetch_add(1, Relaxed);
        }
        *self.slot.blocked.lock() = info;
        self.slot.woken.store(false, SeqCst);
    }

    fn random(&self) -> f64 {
        fastrand::f64()
    }

    fn limit(&self, message: String) -> Exc {
        if self.shared.repl.is_some() {
            return crate::vm::exc::exc(crate::vm::exc::kind::RuntimeError, message);
        }
        let text = format!("thr: stopped: {message}\n");
        self.shared.stop(exit::LIMIT, &text)
    }
}

fn spawn_thread(shared: &Arc<Shared>, world: &Arc<World>, thread: Arc<Object>) -> Result<(), Exc> {
    world.thread_started(&thread);
    let slot = shared.add_slot(thread.clone());
    let name = thread.display_name().to_string();
    let (func, args, kwargs) = crate::vm::objects::thread_entry(world, &thread);
    let task = Task::thread(world.clone(), thread, func, args, kwargs)?;
    let host = FreeHost {
        shared: shared.clone(),
        slot,
    };
    shared
        .workers
        .start(name, move || run_task(task, &host))
        .map_err(crate::vm::objects::cannot_start)
}

/// Runs a task to its end on the current OS thread; reports an uncaught error.
fn run_task(mut task: Task, host: &FreeHost) {
    run_main(&mut task, host);
    // Off the live list before joiners wake, as in Python: once `join()` returns, the
    // thread no longer counts in `active_count()` or `enumerate()`.
    task.world.thread_finished(&task.thread);
    if let Some(t) = task.thread.as_thread() {
        t.finish();
    }
    host.slot.finished.store(true, Relaxed);
}

/// Runs a scenario in free mode; returns the exit status.
pub fn run(world: Arc<World>, options: &RunOptions) -> i32 {
    let shared = Shared::new(&world, options.stack_size, None);
    let main = super::main_thread(&world);
    let slot = shared.add_slot(main.clone());
    let host = FreeHost {
        shared: shared.clone(),
        slot,
    };
    let interrupted = Arc::new(AtomicBool::new(false));
    {
        let flag = interrupted.clone();
        let _ = ctrlc::set_handler(move || flag.store(true, Relaxed));
    }
    let monitor = shared.clone();
    let timeout = options.timeout;
    std::thread::Builder::new()
        .name("thr-monitor".into())
        .spawn(move || watch(&monitor, &interrupted, timeout))
        .expect("the monitor thread starts");

    let mut task = Task::main(world.clone(), main.clone());
    run_main(&mut task, &host);
    // Interpreter exit: shut pools down, then join every non-daemon thread.
    super::shut_pools_down(&world);
    loop {
        let waiting: Vec<Arc<Object>> = world
            .live
            .lock()
            .iter()
            .filter(|t| !Arc::ptr_eq(t, &main) && t.as_thread().is_some_and(|x| !x.is_daemon()))
            .cloned()
            .collect();
        let Some(t) = waiting.first() else { break };
        let th = t.as_thread().expect("a thread");
        host.set_blocked(
            0,
            Some(WaitInfo {
                object: Some(t.clone()),
                what: format!("for {} to finish", t.describe()),
                deadline: None,
                span: crate::syntax::Span::new(
                    world.source().text.len(),
                    world.source().text.len(),
                ),
            }),
        );
        while !th.finished() {
            let _ = th.poll_join(0, Some(&host.waker()), 0.0, None);
            if !th.finished() {
                std::thread::park_timeout(Duration::from_millis(50));
            }
        }
        host.set_blocked(0, None);
        world.thread_finished(t);
    }
    if let Some(t) = main.as_thread() {
        t.finish();
    }
    shared.stopping.store(true, Relaxed);
    exit_status(&world)
}

/// Runs a task until its code ends (free mode never blocks a task: waits park the thread).
fn run_main(task: &mut Task, host: &FreeHost) {
    loop {
        if let Step::Finished(error) = task.run_free(host) {
            if let Some(e) = error {
                super::report_uncaught(&task.world, &task.thread, &e);
            }
            return;
        }
    }
}

mod repl;
mod workers;
pub use repl::{FreeSession, Interrupted};

/// What the monitor sees in one look at the threads.
struct Look {
    /// Every live thread's state.
    states: Vec<ThreadState>,
    /// How many times each thread has blocked: the same twice in a row means no progress.
    progress: Vec<(Tid, u64)>,
    /// A cycle of waits, if there is one.
    cycle: Option<Vec<Tid>>,
    /// True when there is a cycle, or (when `all_count`) every thread is blocked for good.
    stuck: bool,
}

impl Shared {
    /// Looks at the threads once. `all_count`: whether every live thread blocked with no
    /// deadline counts as stuck (not while the REPL's main thread sits at the prompt).
    fn look(&self, all_count: bool) -> Look {
        let states = self.states_where(&|_: &Slot| crate::syntax::Span::default(), true);
        let progress = self
            .slots
            .lock()
            .iter()
            .map(|s| (s.tid(), s.blocks.load(Relaxed)))
            .collect();
        let all_stuck = all_count
            && !states.is_empty()
            && states
                .iter()
                .all(|s| s.blocked.as_ref().is_some_and(|b| b.deadline.is_none()));
        let cycle = report::find_cycle(&self.world, &states);
        let stuck = all_stuck || cycle.is_some();
        Look {
            states,
            progress,
            cycle,
            stuck,
        }
    }
}

/// How often the monitor looks.
const TICK: Duration = Duration::from_millis(100);

/// The monitor: deadlock detection, Ctrl-C and `--timeout`.
fn watch(shared: &Arc<Shared>, interrupted: &AtomicBool, timeout: Option<f64>) {
    let mut previous: Option<(Vec<(Tid, u64)>, bool)> = None;
    loop {
        std::thread::sleep(TICK);
        if shared.stopping.load(Relaxed) {
            return;
        }
        let world = &shared.world;
        let no_span = |_: &Slot| crate::syntax::Span::default();
        if interrupted.load(Relaxed) {
            let states = shared.states(&no_span);
            let text = report::picture(
                world,
                "interrupted (Ctrl-C)",
                "thr::run::interrupted",
                &states,
                None,
            );
            shared.stop(exit::INTERRUPTED, &text);
        }
        if let Some(t) = timeout
            && shared.start.elapsed().as_secs_f64() > t
        {
            let states = shared.states(&no_span);
            let text = report::picture(
                world,
                &format!("stopped after {t}s (--timeout)"),
                "thr::run::timeout",
                &states,
                None,
            );
            shared.stop(exit::LIMIT, &text);
        }
        // A deadlock: the same picture twice in a row, with no step taken in between,
        // and either every thread blocked for good or a cycle of lock waits.
        let Look {
            states,
            progress,
            cycle,
            stuck,
        } = shared.look(true);
        if stuck
            && previous
                .as_ref()
                .is_some_and(|(p, was)| *was && *p == progress)
        {
            let text = report::deadlock_picture(world, &states, cycle.as_deref());
            shared.stop(exit::DEADLOCK, &text);
        }
        previous = Some((progress, stuck));
    }
}
