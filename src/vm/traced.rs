//! The VM's trace hooks: what each visible step did, as a [`crate::trace::Event`].
//!
//! A traced run goes through [`Task::run`] with tracing compiled in (an untraced run does
//! not pay for it): before a visible instruction runs, [`Task::trace_before`] keeps what the
//! event will need (the object called, the value stored, the item put), and after it,
//! [`Task::trace_after`] records the event with its result in words. Waits are recorded
//! where they start, in [`crate::sync::wait::Ctx::block_on`].

use std::sync::Arc;

use super::exc::Exc;
use super::format::{repr_of, str_of};
use super::task::{Flow, Task};
use super::value::Value;
use crate::compile::code::Op;
use crate::sync::wait::Host;
use crate::sync::{Body, Object};
use crate::syntax::Span;
use crate::trace::{Kind, Outcome};

/// What a visible instruction about to run involves, kept for its event.
pub(super) enum Pre {
    /// Nothing to keep (or nothing to record).
    Nothing,
    /// A shared variable is about to be written with this value.
    Write(Value),
    /// A method call on an object: the name shown, the first argument, and the depth of
    /// the call stack (a call that continues in prelude code pushes a frame and is recorded
    /// by the calls it makes there).
    Method {
        object: Arc<Object>,
        op: &'static str,
        first: Option<Value>,
        frames: usize,
    },
    /// A visible builtin (`print`, `sleep`, ...) with its positional arguments.
    Builtin {
        name: &'static str,
        args: Vec<Value>,
        frames: usize,
    },
    /// `with obj` entering or leaving.
    With { object: Arc<Object>, enter: bool },
}

/// The name a method call on `o` is shown by (static, so recording it costs nothing), or
/// `None` for the prelude's bookkeeping.
fn shown_name(o: &Object, name: &str) -> Option<&'static str> {
    match name {
        "_wait" | "_wait_interval" => Some("wait"),
        "_next_work" => Some("get work"),
        "_enter" => Some("enter"),
        n if n.starts_with('_') => None,
        n => Some(o.kind().method(n).map_or("call", |sig| sig.name.as_str())),
    }
}

impl Task {
    /// The span of the instruction being run in the innermost frame of scenario code
    /// (prelude frames are skipped: their spans are not in the scenario's source).
    pub(super) fn user_span(&self) -> Span {
        self.frames
            .iter()
            .rev()
            .find(|f| !f.code.internal)
            .map(|f| f.code.spans[f.pc.saturating_sub(1).min(f.code.spans.len() - 1)])
            .unwrap_or_default()
    }

    /// Records `kind` for this thread at `span`, now.
    pub(super) fn trace_at(&self, host: &dyn Host, span: Span, kind: Kind) {
        if let Some(t) = self.world.tracer() {
            t.record(self.tid, || host.now(), span, kind);
        }
    }

    /// Keeps what the event of visible instruction `op` (about to run) needs.
    pub(super) fn trace_before(&self, op: Op) -> Pre {
        let top = |k: usize| self.stack.get(self.stack.len().wrapping_sub(k + 1));
        match op {
            Op::StoreShared(_) => top(0).map_or(Pre::Nothing, |v| Pre::Write(v.clone())),
            Op::CallMethod(i, shape) => {
                let n = self.operand_count(shape);
                let Some(Value::Object(o)) = top(n) else {
                    return Pre::Nothing;
                };
                let name = &self.frames.last().expect("a frame").code.names[i as usize];
                let first = (shape.positional > 0)
                    .then(|| top(n - 1).cloned())
                    .flatten();
                self.method_pre(o, name, first)
            }
            Op::CallMethodGlobal { global, name, args } => {
                let Value::Object(o) = self.world.global(global) else {
                    return Pre::Nothing;
                };
                let name = &self.frames.last().expect("a frame").code.names[name as usize];
                let first = (args > 0)
                    .then(|| top(args as usize - 1).cloned())
                    .flatten();
                self.method_pre(&o, name, first)
            }
            Op::Call(shape) => {
                let n = self.operand_count(shape);
                match top(n) {
                    Some(Value::Builtin(b)) => {
                        let start = self.stack.len() - n;
                        Pre::Builtin {
                            name: b.name(),
                            args: self.stack[start..start + shape.positional as usize].to_vec(),
                            frames: self.frames.len(),
                        }
                    }
                    Some(Value::Method(m)) => match &**m {
                        (Value::Object(o), name) => {
                            let first = (shape.positional > 0).then(|| top(n - 1).cloned());
                            self.method_pre(o, name, first.flatten())
                        }
                        _ => Pre::Nothing,
                    },
                    _ => Pre::Nothing,
                }
            }
            Op::ForIter(_) | Op::ForIterStore { .. } => match top(0) {
                Some(Value::Iter(it)) => match &**it {
                    super::value::IterState::Completions(g) => Pre::Method {
                        object: g.clone(),
                        op: "next",
                        first: None,
                        frames: self.frames.len(),
                    },
                    _ => Pre::Nothing,
                },
                _ => Pre::Nothing,
            },
            Op::EnterWith | Op::ExitWith => match top(0) {
                Some(Value::Object(o)) => Pre::With {
                    object: o.clone(),
                    enter: matches!(op, Op::EnterWith),
                },
                _ => Pre::Nothing,
            },
            Op::EnterWithGlobal(g) | Op::ExitWithGlobal(g) => match self.world.global(g) {
                Value::Object(o) => Pre::With {
                    object: o,
                    enter: matches!(op, Op::EnterWithGlobal(_)),
                },
                _ => Pre::Nothing,
            },
            _ => Pre::Nothing,
        }
    }

    fn method_pre(&self, o: &Arc<Object>, name: &str, first: Option<Value>) -> Pre {
        match shown_name(o, name) {
            Some(op) => Pre::Method {
                object: o.clone(),
                op,
                first,
                frames: self.frames.len(),
            },
            None => Pre::Nothing,
        }
    }

    /// Records the event of visible instruction `op`, which ended with `result`.
    pub(super) fn trace_after(
        &self,
        host: &dyn Host,
        op: Op,
        pre: Pre,
        result: &Result<Flow, Exc>,
    ) {
        let Some(tracer) = self.world.tracer() else {
            return;
        };
        // Not done yet: blocked, or to run again after waiting for an `as_completed`
        // generator's futures.
        if matches!(result, Ok(Flow::Pending)) || matches!(result, Err(e) if e.waits_for.is_some())
        {
            return;
        }
        let span = self.user_span();
        let record = |kind: Kind| tracer.record(self.tid, || host.now(), span, kind);
        let shared_name = |i: u32| self.world.program().shared_names[i as usize].clone();
        let top = self.stack.last();
        match (op, pre) {
            (Op::LoadShared(i), _) if result.is_ok() => record(Kind::Read {
                var: shared_name(i),
                value: top.map_or_else(String::new, repr_of),
            }),
            (Op::StoreShared(i), Pre::Write(v)) if result.is_ok() => record(Kind::Write {
                var: shared_name(i),
                value: repr_of(&v),
            }),
            (Op::Spawn(_) | Op::SpawnMethod(..), _) => {
                if let (Ok(_), Some(Value::Object(t))) = (result, top)
                    && let Some(th) = t.as_thread()
                {
                    record(Kind::Spawn { child: th.tid });
                }
            }
            (Op::StartThreadBlocks, _) => {
                for &slot in &self.world.program().thread_blocks {
                    if let Value::Object(t) = self.world.global(slot)
                        && let Some(th) = t.as_thread()
                    {
                        record(Kind::Spawn { child: th.tid });
                    }
                }
            }
            (Op::ForIter(exit) | Op::ForIterStore { exit, .. }, Pre::Method { object, .. }) => {
                tracer.unblock(self.tid);
                let frame = self.frames.last().expect("a frame");
                let item = match op {
                    Op::ForIterStore { slot, .. } => frame.locals[slot as usize].as_ref(),
                    _ => top,
                };
                let (outcome, text) = match result {
                    Err(e) => (Outcome::Raised, e.headline()),
                    Ok(_) if frame.pc == exit as usize => (Outcome::Ok, "exhausted".into()),
                    Ok(_) => (Outcome::Ok, item.map_or_else(String::new, repr_of)),
                };
                record(Kind::Call {
                    object: Some(object),
                    op: "next",
                    outcome,
                    result: text,
                });
            }
            (
                _,
                Pre::Method {
                    object,
                    op,
                    first,
                    frames,
                },
            ) => {
                if result.is_ok() && self.frames.len() > frames {
                    return; // continued in the prelude
                }
                let blocked = tracer.unblock(self.tid);
                let (outcome, text) = match result {
                    Err(e) => (Outcome::Raised, e.headline()),
                    Ok(_) => method_result(&object, op, first.as_ref(), top, blocked),
                };
                record(Kind::Call {
                    object: Some(object),
                    op,
                    outcome,
                    result: text,
                });
            }
            (_, Pre::Builtin { name, args, frames }) => {
                if result.is_ok() && self.frames.len() > frames {
                    return;
                }
                tracer.unblock(self.tid);
                let (outcome, text) = match result {
                    Err(e) => (Outcome::Raised, e.headline()),
                    Ok(_) => (Outcome::Ok, builtin_result(name, &args, top)),
                };
                record(Kind::Call {
                    object: None,
                    op: name,
                    outcome,
                    result: text,
                });
            }
            (_, Pre::With { object, enter }) => {
                tracer.unblock(self.tid);
                let pool = matches!(object.body, Body::Pool(_));
                let (op, done) = match (enter, pool) {
                    (true, false) => ("acquire", "acquired"),
                    (false, false) => ("release", "released"),
                    (true, true) => ("enter", "entered"),
                    (false, true) => ("shutdown", "shut down"),
                };
                let (outcome, text) = match result {
                    Err(e) => (Outcome::Raised, e.headline()),
                    Ok(_) => (Outcome::Ok, done.to_string()),
                };
                record(Kind::Call {
                    object: Some(object),
                    op,
                    outcome,
                    result: text,
                });
            }
            _ => {}
        }
    }
}

/// The result of a completed method call in words, and whether it did what was asked.
/// `first` is the call's first argument, `value` what it returned, `blocked` whether it
/// waited.
fn method_result(
    object: &Object,
    op: &str,
    first: Option<&Value>,
    value: Option<&Value>,
    blocked: bool,
) -> (Outcome, String) {
    let ok = |s: &str| (Outcome::Ok, s.to_string());
    let failed = |s: &str| (Outcome::Failed, s.to_string());
    match (op, value) {
        ("acquire" | "enter", Some(Value::Bool(true))) => ok("acquired"),
        ("acquire", Some(Value::Bool(false))) if blocked => failed("timed out"),
        ("acquire", Some(Value::Bool(false))) => failed("not acquired"),
        ("wait" | "wait_for", Some(Value::Bool(false))) if blocked => failed("timed out"),
        ("wait" | "wait_for", Some(Value::Bool(false))) => failed("not set"),
        ("wait", Some(Value::Bool(true))) => match object.body {
            Body::Condition(_) => ok("notified"),
            _ => ok("set"),
        },
        ("wait", Some(Value::None)) if matches!(object.body, Body::Barrier(_)) => ok("passed"),
        ("join", _) if matches!(object.body, Body::Thread(_)) => {
            match object.as_thread().is_some_and(|t| t.is_alive()) {
                true => failed("timed out"),
                false => ok("joined"),
            }
        }
        // A pool worker's next piece of work: the future it settles.
        ("get work", Some(Value::Tuple(t))) => match t.first() {
            Some(Value::Object(f)) => ok(&f.display_name()),
            _ => ok("work"),
        },
        ("get work", _) => ok("no more work"),
        ("put" | "put_nowait", _) => (Outcome::Ok, first.map_or_else(String::new, repr_of)),
        // Calls whose `None` means nothing: said in words.
        (
            "release" | "notify" | "notify_all" | "set" | "clear" | "start" | "shutdown" | "abort"
            | "reset" | "cancel" | "task_done" | "join" | "wait",
            Some(Value::None) | None,
        ) => ok(match op {
            "release" => "released",
            "notify" | "notify_all" => "notified",
            "set" => "set",
            "clear" => "cleared",
            "start" => "started",
            "shutdown" => "shut down",
            "abort" => "aborted",
            "reset" => "reset",
            "task_done" => "done",
            "join" => "all done",
            "cancel" => "cancelled",
            _ => "done",
        }),
        (_, Some(v)) => (Outcome::Ok, repr_of(v)),
        (_, None) => ok("done"),
    }
}

/// The result of a visible builtin in words: the text printed, `slept`, or the value.
fn builtin_result(name: &str, args: &[Value], value: Option<&Value>) -> String {
    match name {
        "print" => args.iter().map(str_of).collect::<Vec<_>>().join(" "),
        "sleep" => "slept".into(),
        _ => value.map_or_else(String::new, repr_of),
    }
}
