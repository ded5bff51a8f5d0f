//! Trace events: what each visible step did, as data.

use std::sync::Arc;

use crate::sync::wait::Tid;
use crate::sync::{Body, Object};
use crate::syntax::Span;

/// One visible step, or a thread's change of state.
#[derive(Clone, Debug)]
pub struct Event {
    /// The run's order of events, from 1.
    pub step: u64,
    /// Seconds since the run started: virtual in seeded mode, elapsed in free mode.
    pub time: f64,
    /// The thread.
    pub tid: Tid,
    /// Where in the scenario (empty when nowhere in particular, such as a thread's end).
    pub span: Span,
    /// What happened.
    pub kind: Kind,
}

/// What an event records.
#[derive(Clone, Debug)]
pub enum Kind {
    /// The thread began running.
    Start,
    /// The thread's code ended; with the headline of the error no handler caught.
    End {
        /// `ValueError: bad value` when the thread died of an error.
        error: Option<String>,
    },
    /// Read a shared variable.
    Read {
        /// Its name.
        var: Arc<str>,
        /// The value read, as `repr` shows it.
        value: String,
    },
    /// Wrote a shared variable.
    Write {
        /// Its name.
        var: Arc<str>,
        /// The value written, as `repr` shows it.
        value: String,
    },
    /// A call (a method of an object, `with` entering or leaving, `print`, `sleep`)
    /// completed.
    Call {
        /// The object, if the call was on one.
        object: Option<Arc<Object>>,
        /// The operation: the method's name (`acquire`, `put`, `print`, ...).
        op: &'static str,
        /// How it ended.
        outcome: Outcome,
        /// The result in words: `acquired`, `timed out`, the value got, the text printed.
        result: String,
    },
    /// The thread started waiting.
    Block {
        /// What it waits on (`None` for `sleep`).
        object: Option<Arc<Object>>,
        /// What it waits for, in words (`to acquire lock `guard``).
        why: String,
        /// When it gives up, if ever.
        deadline: Option<f64>,
    },
    /// The thread started another thread.
    Spawn {
        /// The new thread.
        child: Tid,
    },
}

/// How a call ended, for renderers that colour or count outcomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Done (a lock acquired, an item got, a wait satisfied, ...).
    Ok,
    /// Returned without doing what was asked: a timeout, or a non-blocking call that could
    /// not proceed (`acquire(False)` on a held lock gives `False`).
    Failed,
    /// Raised an error (the result holds its headline).
    Raised,
}

impl Outcome {
    /// The outcome as JSON traces write it: `ok`, `failed` or `raised`.
    pub fn word(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Failed => "failed",
            Outcome::Raised => "raised",
        }
    }
}

impl Kind {
    /// The operation's short name, as the text log shows it.
    pub fn op(&self) -> &str {
        match self {
            Kind::Start => "start",
            Kind::End { .. } => "end",
            Kind::Read { .. } => "read",
            Kind::Write { .. } => "write",
            Kind::Call { op, .. } => op,
            Kind::Block { object: None, .. } => "sleep",
            Kind::Block { .. } => "block",
            Kind::Spawn { .. } => "spawn",
        }
    }

    /// The object involved, if any.
    pub fn object(&self) -> Option<&Arc<Object>> {
        match self {
            Kind::Call { object, .. } | Kind::Block { object, .. } => object.as_ref(),
            _ => None,
        }
    }
}

/// The lock a condition is built on (its holds are the lock's holds).
pub fn condition_lock(obj: &Object) -> Option<&Arc<Object>> {
    match &obj.body {
        Body::Condition(c) => Some(&c.lock),
        _ => None,
    }
}
