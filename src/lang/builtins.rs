//! Builtin functions, constants and error types: the names a scenario can use without
//! declaring them.

use std::sync::LazyLock;

use super::signature::Signature;

/// Builtin functions, as Python documents their signatures.
const FUNCTIONS: &[&str] = &[
    "print(*args, sep=' ', end='\\n', flush=False)",
    "sleep(secs, /)",
    "time() -> float",
    "monotonic() -> float",
    "ctime(seconds=None, /) -> str",
    "randint(a, b) -> int",
    "random() -> float",
    "choice(seq, /)",
    "len(obj, /) -> int",
    "range(start, stop=None, step=None, /) -> range",
    "str(object='') -> str",
    "int(x=0, base=10) -> int",
    "float(x=0.0, /) -> float",
    "bool(x=False, /) -> bool",
    "abs(x, /)",
    "min(*args, key=None, default=None)",
    "max(*args, key=None, default=None)",
    "sum(iterable, /, start=0)",
    "sorted(iterable, /, *, key=None, reverse=False) -> list",
    "list(iterable=(), /) -> list",
    "tuple(iterable=(), /) -> tuple",
    "dict(*args, **kwargs) -> dict",
    "repr(obj, /) -> str",
    "round(number, ndigits=None)",
    "any(iterable, /) -> bool",
    "all(iterable, /) -> bool",
    "zip(*iterables) -> list",
    "reversed(seq, /) -> list",
    "Thread(group=None, target=None, name=None, args=(), kwargs=None, *, daemon=None) -> Thread",
    "Timer(interval, function, args=None, kwargs=None) -> Timer",
    "current_thread() -> Thread",
    "main_thread() -> Thread",
    "active_count() -> int",
    "enumerate(iterable=None, start=0) -> list",
    "get_ident() -> int",
    "get_native_id() -> int",
    "wait(fs, timeout=None, return_when=ALL_COMPLETED) -> tuple",
    "as_completed(fs, timeout=None) -> generator",
];

/// Builtin constants (for `wait(..., return_when=...)`).
pub const CONSTANTS: &[&str] = &["ALL_COMPLETED", "FIRST_COMPLETED", "FIRST_EXCEPTION"];

/// Error types a scenario can raise and catch, each with its base type.
/// The hierarchy is Python's (`ZeroDivisionError` is an `ArithmeticError`, ...).
pub const EXCEPTIONS: &[(&str, Option<&str>)] = &[
    ("Exception", None),
    ("ArithmeticError", Some("Exception")),
    ("LookupError", Some("Exception")),
    ("RuntimeError", Some("Exception")),
    ("ValueError", Some("Exception")),
    ("TypeError", Some("Exception")),
    ("NameError", Some("Exception")),
    ("UnboundLocalError", Some("NameError")),
    ("AttributeError", Some("Exception")),
    ("IndexError", Some("LookupError")),
    ("KeyError", Some("LookupError")),
    ("ZeroDivisionError", Some("ArithmeticError")),
    ("OverflowError", Some("ArithmeticError")),
    ("AssertionError", Some("Exception")),
    ("NotImplementedError", Some("RuntimeError")),
    ("TimeoutError", Some("Exception")),
    ("Empty", Some("Exception")),
    ("Full", Some("Exception")),
    ("BrokenBarrierError", Some("RuntimeError")),
    ("CancelledError", Some("Exception")),
    // Not an `Exception`, as in Python: `except Exception` does not catch Ctrl-C.
    ("KeyboardInterrupt", None),
];

static SIGNATURES: LazyLock<Vec<Signature>> =
    LazyLock::new(|| FUNCTIONS.iter().map(|f| Signature::parse(f)).collect());

/// The builtin function `name`, if there is one.
pub fn function(name: &str) -> Option<&'static Signature> {
    SIGNATURES.iter().find(|s| s.name == name)
}

/// All builtin functions.
pub fn functions() -> &'static [Signature] {
    &SIGNATURES
}

/// True when `name` is an error type.
pub fn is_exception(name: &str) -> bool {
    EXCEPTIONS.iter().any(|(n, _)| *n == name)
}

/// True when error type `name` is `ancestor` or derives from it.
pub fn exception_is(name: &str, ancestor: &str) -> bool {
    let mut current = Some(name);
    while let Some(n) = current {
        if n == ancestor {
            return true;
        }
        current = EXCEPTIONS
            .iter()
            .find(|(e, _)| *e == n)
            .and_then(|(_, p)| *p);
    }
    false
}

/// Every name that is defined without a declaration.
pub fn all_names() -> impl Iterator<Item = &'static str> {
    SIGNATURES
        .iter()
        .map(|s| s.name.as_str())
        .chain(CONSTANTS.iter().copied())
        .chain(EXCEPTIONS.iter().map(|(n, _)| *n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups() {
        assert_eq!(
            function("Thread").unwrap().returns.as_deref(),
            Some("Thread")
        );
        assert!(function("nope").is_none());
        assert!(exception_is("ZeroDivisionError", "ArithmeticError"));
        assert!(exception_is("Empty", "Exception"));
        assert!(!exception_is("KeyError", "ValueError"));
        assert!(all_names().any(|n| n == "FIRST_COMPLETED"));
    }
}
