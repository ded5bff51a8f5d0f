//! What the REPL needs of a seeded [`Machine`]: the main thread runs one input at a time
//! and waits at the prompt between inputs, and the user (not a scheduler) picks who moves.

use super::{Entry, Machine, State};
use crate::sync::wait::Tid;
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
