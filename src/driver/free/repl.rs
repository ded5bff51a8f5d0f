//! What the REPL needs of free mode: threads run in the background while the session's
//! own OS thread runs each input as `MainThread`; a deadlock is reported without ending
//! the process. The input blocked in it, or one the user interrupts with Ctrl-C, is
//! stopped: its wait is abandoned ([`Host::abandon_wait`]: it leaves the object's wait
//! lists and the call reports `Pending`), and the session raises `KeyboardInterrupt` in
//! it, so that its `with` blocks release what they hold and its `finally` blocks run.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering::Relaxed, Ordering::SeqCst};
use std::time::Duration;

use parking_lot::Mutex;

use super::{FreeHost, Look, Shared, Slot, TICK};
use crate::driver::report::{self, AT_PROMPT};
use crate::sync::Object;
use crate::sync::wait::{Host, Tid, WaitInfo};
use crate::vm::world::World;

/// Why the main thread's input must stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interrupted {
    /// The user pressed Ctrl-C.
    User,
    /// The monitor found the input blocked in a deadlock (already reported).
    Deadlock,
}

const NONE: u8 = 0;
const USER: u8 = 1;
const DEADLOCK: u8 = 2;

/// The REPL's side of a free run, shared with the monitor and the interrupter.
pub(super) struct Link {
    /// Why the input must stop ([`NONE`], [`USER`] or [`DEADLOCK`]).
    interrupt: AtomicU8,
    /// The OS thread running the current input (unparked to interrupt it).
    runner: Mutex<Option<std::thread::Thread>>,
    /// True while the main thread is at the prompt.
    idle: AtomicBool,
}

impl Link {
    /// True when the thread of `slot` is the main thread and its input must stop (the
    /// request stays pending until the session takes it).
    pub(super) fn must_stop(&self, slot: &Slot) -> bool {
        self.interrupt.load(SeqCst) != NONE && slot.thread.as_thread().is_some_and(|t| t.tid == 0)
    }

    fn take(&self) -> Option<Interrupted> {
        match self.interrupt.swap(NONE, SeqCst) {
            USER => Some(Interrupted::User),
            DEADLOCK => Some(Interrupted::Deadlock),
            _ => None,
        }
    }

    fn raise(&self, why: u8) {
        self.interrupt.store(why, SeqCst);
        if let Some(t) = &*self.runner.lock() {
            t.unpark();
        }
    }
}

/// A free run driven by the REPL: threads run on their own OS threads; the caller's
/// thread runs the main thread's inputs with [`FreeSession::host`].
pub struct FreeSession {
    shared: Arc<Shared>,
    host: FreeHost,
    main: Arc<Object>,
}

impl FreeSession {
    /// Starts a session's run of `world` (its main thread at the prompt) and its monitor.
    pub fn start(world: Arc<World>, stack_size: usize) -> FreeSession {
        let link = Link {
            interrupt: AtomicU8::new(NONE),
            runner: Mutex::new(None),
            idle: AtomicBool::new(true),
        };
        let shared = Shared::new(&world, stack_size, Some(link));
        let main = crate::driver::main_thread(&world);
        let slot = shared.add_slot(main.clone());
        let host = FreeHost {
            shared: shared.clone(),
            slot,
        };
        let s = FreeSession { shared, host, main };
        s.set_idle(true);
        let monitor = s.shared.clone();
        let _ = std::thread::Builder::new()
            .name("thr-monitor".into())
            .spawn(move || watch(&monitor));
        s
    }

    /// The host the main thread's inputs run with.
    pub fn host(&self) -> &dyn Host {
        &self.host
    }

    /// The `MainThread` object.
    pub fn main(&self) -> &Arc<Object> {
        &self.main
    }

    fn link(&self) -> &Link {
        self.shared.repl.as_ref().expect("a REPL run")
    }

    /// Marks the main thread at the prompt (`true`) or running an input on the calling
    /// OS thread (`false`); starting an input forgets an interrupt from before it.
    pub fn set_idle(&self, idle: bool) {
        let link = self.link();
        if !idle {
            *link.runner.lock() = Some(std::thread::current());
            link.interrupt.store(NONE, SeqCst);
        }
        link.idle.store(idle, SeqCst);
        *self.host.slot.blocked.lock() = idle.then(|| WaitInfo {
            object: None,
            what: AT_PROMPT.to_string(),
            deadline: None,
            span: crate::syntax::Span::default(),
        });
    }

    /// Asks the running input to stop (Ctrl-C); callable from any thread.
    pub fn interrupter(&self) -> Arc<dyn Fn() + Send + Sync> {
        let shared = self.shared.clone();
        Arc::new(move || {
            if let Some(link) = &shared.repl {
                link.raise(USER);
            }
        })
    }

    /// Takes a pending interrupt (checked between the main thread's steps).
    pub fn take_interrupt(&self) -> Option<Interrupted> {
        self.link().take()
    }

    /// Every thread started so far: number, finished, what it waits for.
    pub fn threads(&self) -> Vec<(Tid, bool, Option<WaitInfo>)> {
        self.shared
            .slots
            .lock()
            .iter()
            .map(|s| (s.tid(), s.finished.load(Relaxed), s.blocked.lock().clone()))
            .collect()
    }

    /// Waits for every non-daemon thread to finish, as a scenario's end does; false if
    /// interrupted first.
    pub fn join_non_daemons(&self) -> bool {
        let world = &self.shared.world;
        crate::driver::shut_pools_down(world);
        self.set_idle(false);
        let done = loop {
            if self.take_interrupt().is_some() {
                break false;
            }
            let waiting = world.live.lock().iter().any(|t| {
                !Arc::ptr_eq(t, &self.main) && t.as_thread().is_some_and(|x| !x.is_daemon())
            });
            if !waiting {
                break true;
            }
            std::thread::park_timeout(Duration::from_millis(20));
        };
        self.set_idle(true);
        done
    }
}

impl Drop for FreeSession {
    /// Stops the monitor; threads still running are abandoned (as daemons are).
    fn drop(&mut self) {
        self.shared.stopping.store(true, SeqCst);
    }
}

/// The REPL's monitor: reports a deadlock once (a cycle of waits, or every thread blocked
/// for good while an input runs) and stops the input caught in it.
fn watch(shared: &Arc<Shared>) {
    let Some(link) = &shared.repl else { return };
    let mut previous: Option<Vec<(Tid, u64)>> = None;
    let mut reported: Option<Vec<(Tid, u64)>> = None;
    loop {
        std::thread::sleep(TICK);
        if shared.stopping.load(Relaxed) {
            return;
        }
        let world = &shared.world;
        let Look {
            states,
            progress,
            cycle,
            stuck,
        } = shared.look(!link.idle.load(SeqCst));
        if stuck && previous.as_ref() == Some(&progress) && reported.as_ref() != Some(&progress) {
            let text = report::deadlock_picture(world, &states, cycle.as_deref());
            world.out.err(&text);
            reported = Some(progress.clone());
            // Only an input that waits is stopped: one still running goes on.
            let main_waits = states.iter().any(|s| s.tid == 0 && s.blocked.is_some());
            if main_waits && !link.idle.load(SeqCst) {
                link.raise(DEADLOCK);
            }
        }
        previous = Some(progress);
    }
}
