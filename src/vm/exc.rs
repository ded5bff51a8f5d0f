//! Errors raised inside a scenario: their types (Python's hierarchy) and values.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use parking_lot::Mutex;

use super::value::Value;
use crate::lang::builtins::EXCEPTIONS;
use crate::syntax::Span;

/// An error type: an index into [`EXCEPTIONS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExcKind(pub u8);

impl ExcKind {
    /// The type named `name`.
    pub fn from_name(name: &str) -> Option<ExcKind> {
        EXCEPTIONS
            .iter()
            .position(|(n, _)| *n == name)
            .map(|i| ExcKind(i as u8))
    }

    /// The type's name.
    pub fn name(self) -> &'static str {
        EXCEPTIONS[self.0 as usize].0
    }

    /// True when this type is `other` or derives from it (what `except other` catches).
    pub fn is_a(self, other: ExcKind) -> bool {
        crate::lang::builtins::exception_is(self.name(), other.name())
    }
}

macro_rules! kinds {
    ($($name:ident),*) => {
        /// The error types the runtime raises itself.
        #[allow(non_upper_case_globals, missing_docs)]
        pub mod kind {
            use super::ExcKind;
            $(pub const $name: ExcKind = ExcKind(super::index(stringify!($name)));)*
        }
    };
}

const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

const fn index(name: &str) -> u8 {
    let mut i = 0;
    while i < EXCEPTIONS.len() {
        if str_eq(EXCEPTIONS[i].0, name) {
            return i as u8;
        }
        i += 1;
    }
    panic!("unknown exception name")
}

kinds!(
    Exception,
    RuntimeError,
    ValueError,
    TypeError,
    NameError,
    UnboundLocalError,
    AttributeError,
    IndexError,
    KeyError,
    ZeroDivisionError,
    OverflowError,
    AssertionError,
    TimeoutError,
    Empty,
    Full,
    BrokenBarrierError,
    CancelledError,
    KeyboardInterrupt
);

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A frame of an error's traceback: the function's name and the failing span there.
#[derive(Debug, Clone)]
pub struct TraceEntry {
    /// The function (`count_up`, `<module>`, a thread block's name).
    pub function: Arc<str>,
    /// The instruction's span.
    pub span: Span,
}

/// An error value.
#[derive(Debug)]
pub struct Exception {
    /// Identity, for hashing.
    pub id: u64,
    /// Its type.
    pub kind: ExcKind,
    /// Its arguments (usually one message).
    pub args: Vec<Value>,
    /// Where it was raised and the calls it passed through, innermost first.
    pub traceback: Mutex<Vec<TraceEntry>>,
    /// Not an error of the scenario: a consumer that can't wait met an `as_completed`
    /// generator whose futures are still running. The VM waits for them and runs the
    /// instruction again (see [`waits_for`]).
    pub waits_for: Option<Arc<crate::sync::Object>>,
}

/// A raised error, as Rust code passes it around.
pub type Exc = Arc<Exception>;

impl Exception {
    /// A new error of `kind` with `args`.
    pub fn new(kind: ExcKind, args: Vec<Value>) -> Exc {
        Arc::new(Exception {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            kind,
            args,
            traceback: Mutex::new(Vec::new()),
            waits_for: None,
        })
    }

    /// Python's `str(e)`; a `KeyError` with one argument shows its repr, as CPython does.
    pub fn message(&self) -> String {
        match self.args.as_slice() {
            [] => String::new(),
            [one] if self.kind == kind::KeyError => super::format::repr_of(one),
            [one] => super::format::str_of(one),
            many => super::format::repr_of(&Value::tuple(many.to_vec())),
        }
    }

    /// What Python prints on the last line of a traceback: `ValueError: bad value`.
    pub fn headline(&self) -> String {
        let m = self.message();
        if m.is_empty() {
            self.kind.name().to_string()
        } else {
            format!("{}: {m}", self.kind.name())
        }
    }
}

/// An error of `kind` with a message.
pub fn exc(kind: ExcKind, message: impl Into<String>) -> Exc {
    let m: String = message.into();
    Exception::new(kind, vec![Value::str(m)])
}

/// `TypeError(message)`.
pub fn type_error(message: impl Into<String>) -> Exc {
    exc(kind::TypeError, message)
}

/// `ValueError(message)`.
pub fn value_error(message: impl Into<String>) -> Exc {
    exc(kind::ValueError, message)
}

/// `RuntimeError(message)`.
pub fn runtime_error(message: impl Into<String>) -> Exc {
    exc(kind::RuntimeError, message)
}

/// `OverflowError` for an integer result beyond 64 bits (LANGUAGE.md: thr integers are
/// 64-bit where Python's would grow).
pub fn overflow() -> Exc {
    exc(
        kind::OverflowError,
        "integer overflow: thr integers are 64-bit",
    )
}

/// Python's `TypeError` for `v` where an integer is needed (an index, a count, a width).
pub fn not_an_integer(v: &Value) -> Exc {
    type_error(format!(
        "'{}' object cannot be interpreted as an integer",
        v.type_name()
    ))
}

/// The request to wait for the futures of `as_completed` generator `generator` before
/// the instruction that iterates it runs again. Where it can't be run again it surfaces
/// as this `RuntimeError`.
pub fn waits_for(generator: Arc<crate::sync::Object>) -> Exc {
    let mut e = runtime_error(
        "as_completed(): here its futures can't be waited for; iterate it with a for loop",
    );
    Arc::get_mut(&mut e).expect("just made").waits_for = Some(generator);
    e
}

/// An error of `kind` without a message (`Empty`, `Full`, `TimeoutError`).
pub fn bare(kind: ExcKind) -> Exc {
    Exception::new(kind, Vec::new())
}
