//! A scenario thread's execution state as data: frames and an operand stack.
//!
//! [`Task::step`] runs the thread until it has taken one visible step and stopped before
//! the next (or blocked, or finished). The free driver calls it in a loop on the thread's
//! own OS thread; the seeded driver interleaves the tasks of all threads on one OS thread.

use std::sync::Arc;

use super::call::Args;
use super::exc::{Exc, TraceEntry, exc, kind};
use super::func::{Cell, Function, new_cell};
use super::value::Value;
use super::world::World;
use crate::compile::code::{Code, Op};
use crate::sync::Object;
use crate::sync::wait::{Host, OpState, Poll, Tid};

/// Frames deeper than this raise `RecursionError` (a `RuntimeError`).
pub const MAX_FRAMES: usize = 1000;

/// An exception handler set up by `SetupExcept`.
#[derive(Debug, Clone, Copy)]
pub struct Handler {
    /// Where to continue.
    pub target: u32,
    /// Operand-stack height to restore.
    pub depth: usize,
    /// Number of errors being handled to restore.
    pub handling: usize,
}

/// One function activation.
pub struct Frame {
    /// The code being run.
    pub code: Arc<Code>,
    /// The next instruction.
    pub pc: usize,
    /// Local slots (`None`: unbound).
    pub locals: Vec<Option<Value>>,
    /// Own cells, then captured cells.
    pub cells: Vec<Cell>,
    /// Active exception handlers, innermost last.
    pub handlers: Vec<Handler>,
    /// Errors being handled by `except` clauses (for bare `raise`), innermost last.
    pub handling: Vec<Exc>,
    /// Operand-stack height when the frame was entered.
    pub base: usize,
}

/// What one call of [`Task::step`] ended with.
pub enum Step {
    /// Took a visible step; stopped before the next one.
    Ran,
    /// Blocked in a visible step; call again when woken.
    Blocked,
    /// The thread's code finished; `Some` holds an uncaught error.
    Finished(Option<Exc>),
}

/// A scenario thread being run.
pub struct Task {
    /// The thread's number.
    pub tid: Tid,
    /// Its Thread object.
    pub thread: Arc<Object>,
    /// The run.
    pub world: Arc<World>,
    /// Call stack, innermost last.
    pub frames: Vec<Frame>,
    /// Operand stack shared by the frames.
    pub stack: Vec<Value>,
    /// State of a blocking call in progress.
    pub op: OpState,
    /// True when the run is traced (fixed when the task is made).
    tracing: bool,
    /// True once a traced task has recorded its start.
    trace_started: bool,
}

/// How an instruction ended.
pub(super) enum Flow {
    /// Go on with the next instruction.
    Next,
    /// Blocked: run this instruction again later.
    Pending,
    /// The outermost frame returned.
    Finished,
}

impl Task {
    /// A task that runs the main thread's code.
    pub fn main(world: Arc<World>, thread: Arc<Object>) -> Task {
        let code = world.program().main.clone();
        let mut t = Task::empty(world, thread);
        t.frames.push(Frame::new(code, 0));
        t
    }

    /// A task that runs `entry.func(*entry.args, **entry.kwargs)` (through the prelude's
    /// `__thr_run`, so that errors and returns behave as in any call).
    pub fn thread(
        world: Arc<World>,
        thread: Arc<Object>,
        func: Value,
        args: Vec<Value>,
        kwargs: Value,
    ) -> Result<Task, Exc> {
        let runner = world.prelude("__thr_run");
        let mut t = Task::empty(world, thread);
        let Value::Func(f) = runner else {
            return Err(exc(kind::RuntimeError, "the prelude is missing __thr_run"));
        };
        t.push_frame(
            &f,
            Args {
                pos: vec![func, Value::tuple(args), kwargs],
                kw: Vec::new(),
            },
        )?;
        Ok(t)
    }

    fn empty(world: Arc<World>, thread: Arc<Object>) -> Task {
        let tid = thread.as_thread().map_or(0, |t| t.tid);
        Task {
            tracing: cfg!(feature = "trace") && world.tracer().is_some(),
            trace_started: false,
            tid,
            thread,
            world,
            frames: Vec::new(),
            stack: Vec::with_capacity(32),
            op: OpState::default(),
        }
    }

    /// Enters function `f` with `args`.
    pub(super) fn push_frame(&mut self, f: &Arc<Function>, args: Args) -> Result<(), Exc> {
        if self.frames.len() >= MAX_FRAMES {
            return Err(exc(kind::RuntimeError, "maximum recursion depth exceeded"));
        }
        let code = f.code.clone();
        let Some(defaults) = f.defaults.get() else {
            return Err(exc(
                kind::NameError,
                format!(
                    "{}() was called before its def ran: its default values are evaluated there",
                    f.name()
                ),
            ));
        };
        let bound = super::call::bind(&code.params, args, Some(defaults))?;
        let mut frame = Frame::new(code, self.stack.len());
        for (slot, v) in bound.into_iter().enumerate() {
            frame.locals[slot] = v;
        }
        for &(slot, cell) in &frame.code.param_cells {
            *frame.cells[cell as usize].lock() = frame.locals[slot as usize].take();
        }
        frame.cells.extend(f.cells.iter().cloned());
        self.frames.push(frame);
        Ok(())
    }

    /// Runs until one visible step is done and the next is reached, or the thread blocks
    /// or ends.
    pub fn step(&mut self, host: &dyn Host) -> Step {
        if self.tracing {
            return self.run_traced(host, true);
        }
        self.run::<false>(host, true)
    }

    /// Runs until the thread blocks (seeded mode only) or ends, without stopping at
    /// visible steps: the free driver's loop.
    pub fn run_free(&mut self, host: &dyn Host) -> Step {
        if self.tracing {
            return self.run_traced(host, false);
        }
        self.run::<false>(host, false)
    }

    /// [`Task::run`] with trace events, including the thread's start and end.
    #[inline(never)]
    fn run_traced(&mut self, host: &dyn Host, stop_at_visible: bool) -> Step {
        use crate::trace::Kind;
        if !self.trace_started {
            self.trace_started = true;
            self.trace_at(host, crate::syntax::Span::default(), Kind::Start);
        }
        let step = self.run::<true>(host, stop_at_visible);
        if let Step::Finished(e) = &step {
            let error = e.as_ref().map(|e| e.headline());
            self.trace_at(host, crate::syntax::Span::default(), Kind::End { error });
        }
        step
    }

    /// Runs instructions; `TRACE` records an event for each visible step.
    #[inline(always)]
    fn run<const TRACE: bool>(&mut self, host: &dyn Host, stop_at_visible: bool) -> Step {
        let mut took_step = false;
        let mut budget = super::fast::LOOP_BUDGET;
        loop {
            match self.run_fast::<TRACE>(stop_at_visible, &mut took_step, &mut budget) {
                super::fast::Exit::Slow => {}
                super::fast::Exit::Stop(step) => return step,
                super::fast::Exit::Raise(e) => {
                    self.op.clear();
                    if let Some(uncaught) = self.unwind(e) {
                        return Step::Finished(Some(uncaught));
                    }
                    continue;
                }
            }
            let Some(frame) = self.frames.last_mut() else {
                return Step::Finished(None);
            };
            let pc = frame.pc;
            let op = frame.code.ops[pc];
            frame.pc = pc + 1;
            let visible = (stop_at_visible || TRACE) && self.is_visible(op);
            if stop_at_visible {
                if visible && took_step {
                    self.frames.last_mut().expect("a frame").pc = pc;
                    return Step::Ran;
                }
                took_step |= visible;
            }
            let pre = if TRACE && visible {
                self.trace_before(op)
            } else {
                super::traced::Pre::Nothing
            };
            let result = self.exec(op, host);
            if TRACE && visible {
                self.trace_after(host, op, pre, &result);
            }
            match result {
                Ok(Flow::Next) => {}
                Ok(Flow::Pending) => {
                    if let Some(f) = self.frames.last_mut() {
                        f.pc = pc;
                    }
                    return Step::Blocked;
                }
                Ok(Flow::Finished) => return Step::Finished(None),
                Err(e) => {
                    let e = match self.wait_then_rerun(host, op, e) {
                        Poll::Ready(Ok(())) => {
                            self.frames.last_mut().expect("a frame").pc = pc;
                            continue;
                        }
                        Poll::Pending => {
                            self.frames.last_mut().expect("a frame").pc = pc;
                            return Step::Blocked;
                        }
                        Poll::Ready(Err(e)) => e,
                    };
                    self.op.clear();
                    if let Some(uncaught) = self.unwind(e) {
                        return Step::Finished(Some(uncaught));
                    }
                }
            }
        }
    }

    /// True when `op` (about to run) is a step other threads can observe.
    fn is_visible(&self, op: Op) -> bool {
        match op {
            Op::LoadShared(_)
            | Op::StoreShared(_)
            | Op::Spawn(_)
            | Op::SpawnMethod(..)
            | Op::StartThreadBlocks
            | Op::EnterWithGlobal(_)
            | Op::ExitWithGlobal(_) => true,
            Op::EnterWith | Op::ExitWith => matches!(self.stack.last(), Some(Value::Object(_))),
            // A step of an `as_completed` generator waits for other threads.
            Op::ForIter(_) | Op::ForIterStore { .. } => matches!(
                self.stack.last(),
                Some(Value::Iter(it)) if matches!(**it, super::value::IterState::Completions(_))
            ),
            Op::CallMethodGlobal { global, .. } => matches!(
                self.world.globals[global as usize].get(),
                Some(Value::Object(_))
            ),
            Op::CallMethod(_, shape) => {
                let n = self.operand_count(shape);
                matches!(
                    self.stack.get(self.stack.len().wrapping_sub(n + 1)),
                    Some(Value::Object(_))
                )
            }
            Op::Call(shape) => {
                let n = self.operand_count(shape);
                match self.stack.get(self.stack.len().wrapping_sub(n + 1)) {
                    Some(Value::Builtin(b)) => VISIBLE_BUILTINS.contains(&b.name()),
                    Some(Value::Method(m)) => matches!(m.0, Value::Object(_)),
                    _ => false,
                }
            }
            _ => false,
        }
    }

    /// Operands a call with `shape` has above its callee.
    pub(super) fn operand_count(&self, shape: crate::compile::code::CallShape) -> usize {
        let kw = if shape.kw == u32::MAX {
            0
        } else {
            self.frames
                .last()
                .map_or(0, |f| f.code.kw_names[shape.kw as usize].len())
        };
        shape.positional as usize + shape.star as usize + kw + shape.double_star as usize
    }

    /// Unwinds to the nearest handler; returns the error if no frame handles it.
    fn unwind(&mut self, e: Exc) -> Option<Exc> {
        loop {
            let frame = self.frames.last_mut()?;
            if !frame.code.internal {
                let span = frame.code.spans[frame.pc.saturating_sub(1)];
                e.traceback.lock().push(TraceEntry {
                    function: frame.code.name.clone(),
                    span,
                });
            }
            if let Some(h) = frame.handlers.pop() {
                frame.handling.truncate(h.handling);
                frame.pc = h.target as usize;
                self.stack.truncate(h.depth);
                self.stack.push(Value::Exception(e));
                return None;
            }
            let f = self.frames.pop().expect("a frame");
            self.stack.truncate(f.base);
            if self.frames.is_empty() {
                return Some(e);
            }
        }
    }

    /// Raises `e` in the thread where it stands, as if its current instruction had
    /// raised it (`blocked`: the instruction is a blocking call that reported `Pending`,
    /// to be abandoned): handlers, `finally` blocks and `with` exits run as the thread
    /// steps on. Returns the error if no frame handles it (the task is then finished).
    /// The REPL raises `KeyboardInterrupt` this way.
    pub fn raise_in(&mut self, e: Exc, blocked: bool) -> Option<Exc> {
        if blocked && let Some(f) = self.frames.last_mut() {
            f.pc += 1;
        }
        self.op.clear();
        let uncaught = self.unwind(e);
        if uncaught.is_some() {
            self.frames.clear();
            self.stack.clear();
        }
        uncaught
    }

    /// The span of the instruction being run (for reports).
    pub fn current_span(&self) -> crate::syntax::Span {
        self.frames
            .iter()
            .rev()
            .find(|f| !f.code.internal)
            .map(|f| f.code.spans[f.pc.min(f.code.spans.len() - 1)])
            .unwrap_or_default()
    }
}

/// Builtins whose calls are visible steps.
pub const VISIBLE_BUILTINS: &[&str] = &[
    "print",
    "sleep",
    "active_count",
    "enumerate",
    "wait",
    "as_completed",
];

impl Frame {
    /// A fresh activation of `code` with the operand stack at `base`.
    pub fn new(code: Arc<Code>, base: usize) -> Frame {
        Frame {
            locals: vec![None; code.locals as usize],
            cells: (0..code.own_cells).map(|_| new_cell()).collect(),
            handlers: Vec::new(),
            handling: Vec::new(),
            pc: 0,
            base,
            code,
        }
    }
}
