//! What the REPL needs of a seeded [`Machine`]: the main thread runs one input at a time
//! and waits at the prompt between inputs, and the user (not a scheduler) picks who moves.
//! An input the user interrupts (Ctrl-C), or one stopped in a deadlock, gets
//! `KeyboardInterrupt` raised where it stands ([`Machine::interrupt_main`]): its wait is
//! abandoned, and its `with` exits and `finally` blocks run as the machine steps it on.

use super::{Entry, Machine, State};
use crate::sync::Body;
use crate::sync::wait::Tid;
use crate::vm::exc::Exc;
use crate::vm::task::{Frame, Task};
use crate::vm::world::World;
use std::sync::Arc;

/// Where one thread of a REPL session stands, for `:threads`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Can take the next step.
    Runnable,
    /// Waits in a blocking call.
    Blocked,
    /// The main thread at the prompt.
    Idle,
    /// Done.
    Finished,
}

impl Machine {
    /// A machine for a REPL session: the main thread starts at the prompt.
    pub fn new_repl(world: Arc<World>, seed: u64) -> Machine {
        let mut m = Machine::new(world, seed);
        m.repl = true;
        m.runnable.clear();
        if let Some(e) = &mut m.entries[0] {
            e.state = State::Idle;
            e.task.frames.clear();
        }
        m
    }

    /// Starts running `frame` (an input's code) in the main thread, which must be idle.
    pub fn load_main(&mut self, frame: Frame) {
        if let Some(e) = &mut self.entries[0] {
            e.task.frames = vec![frame];
            e.task.stack.clear();
            e.task.op.clear();
            e.state = State::Runnable;
            e.blocked = None;
            if let Err(at) = self.runnable.binary_search(&0) {
                self.runnable.insert(at, 0);
            }
        }
        self.interrupted = None;
    }

    /// Raises `e` (a `KeyboardInterrupt`) in the main thread's input where it stands:
    /// a wait it blocks in is abandoned (it leaves the object's wait lists, the other
    /// waiters being woken so that no wake-up is lost; a `Condition.wait` takes its lock
    /// back first when it is free, as in Python), then the error unwinds through its
    /// frames. Returns the error when no handler catches it (the main thread is then at
    /// the prompt); else the main thread is runnable, to run its handlers, `finally`
    /// blocks and `with` exits as it is stepped. Should the error still leave the input
    /// later, the step that ends the input keeps it for [`Machine::take_interrupted`]
    /// instead of reporting it.
    pub fn interrupt_main(&mut self, e: Exc) -> Option<Exc> {
        let Some(entry) = &mut self.entries[0] else {
            return None;
        };
        if entry.state == State::Idle || entry.task.frames.is_empty() {
            return None;
        }
        let blocked = entry.state == State::Blocked;
        if blocked && let Some(object) = entry.blocked.take().and_then(|b| b.object) {
            match &object.body {
                Body::Condition(c) if entry.task.op.phase == 1 => {
                    c.abandon_wait(0, entry.task.op.saved);
                }
                _ => object.forget_waiter(0),
            }
        }
        entry.blocked = None;
        match entry.task.raise_in(e, blocked) {
            Some(uncaught) => {
                entry.state = State::Idle;
                entry.task.stack.clear();
                self.runnable.retain(|&t| t != 0);
                Some(uncaught)
            }
            None => {
                entry.state = State::Runnable;
                if let Err(at) = self.runnable.binary_search(&0) {
                    self.runnable.insert(at, 0);
                }
                self.interrupted = Some(None);
                None
            }
        }
    }

    /// The `KeyboardInterrupt` that ended the main thread's last input after
    /// [`Machine::interrupt_main`] (not reported by the machine), if it did.
    pub fn take_interrupted(&mut self) -> Option<Exc> {
        self.interrupted.take().flatten()
    }

    /// True when the main thread is at the prompt (its input finished or was stopped).
    pub fn main_idle(&self) -> bool {
        self.main_state() == State::Idle
    }

    /// Stops the main thread's input where it is (after a deadlock or a limit); what it
    /// holds stays held, as after an uncaught error.
    pub fn abort_main(&mut self) {
        if let Some(e) = &mut self.entries[0] {
            e.task.frames.clear();
            e.task.stack.clear();
            e.task.op.clear();
            e.state = State::Idle;
            e.blocked = None;
        }
        self.runnable.retain(|&t| t != 0);
    }

    /// The main thread's task.
    pub fn main_task(&mut self) -> Option<&mut Task> {
        self.entries[0].as_mut().map(|e| &mut e.task)
    }

    /// Where thread `tid` stands; `None` for a thread never started.
    pub fn standing(&self, tid: Tid) -> Option<Standing> {
        let e: &Entry = self.entries.get(tid as usize)?.as_ref()?;
        Some(match e.state {
            State::Runnable => Standing::Runnable,
            State::Blocked | State::Exiting => Standing::Blocked,
            State::Idle => Standing::Idle,
            State::Finished => Standing::Finished,
        })
    }

    /// Takes in threads started and woken by the last step, without moving the clock
    /// (so that `:threads` shows them as they are).
    pub fn take_in(&mut self) {
        if self.host.pending.load(std::sync::atomic::Ordering::Relaxed) > 0
            || self.host.wakes.is_pending()
        {
            self.absorb();
        }
    }

    /// The current virtual time, in seconds since the start.
    pub fn now(&self) -> f64 {
        use crate::sync::wait::Host;
        self.host.now()
    }
}
