//! The kinds of value a scenario handles, and the methods and attributes of each.
//!
//! This table is the single source of truth for what `obj.method(...)` may call: the
//! checker rejects anything else before running, and the VM dispatches from it.

use std::sync::LazyLock;

use super::signature::Signature;
use crate::syntax::ast::ObjectKind;

/// A kind of value whose methods `thr` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// `Thread(...)`, `spawn`, `thread NAME { }`.
    Thread,
    /// `Timer(...)`.
    Timer,
    /// `lock`.
    Lock,
    /// `rlock`.
    RLock,
    /// `condition`.
    Condition,
    /// `semaphore`.
    Semaphore,
    /// `bounded semaphore`.
    BoundedSemaphore,
    /// `event`.
    Event,
    /// `barrier`.
    Barrier,
    /// `queue`.
    Queue,
    /// `lifo queue`.
    LifoQueue,
    /// `priority queue`.
    PriorityQueue,
    /// `local`.
    Local,
    /// `pool`.
    Pool,
    /// A pool's `Future`.
    Future,
    /// The generator `as_completed` returns.
    Generator,
    /// `[...]`.
    List,
    /// `{...}`.
    Dict,
    /// Strings.
    Str,
    /// `(...)`.
    Tuple,
    /// Integers.
    Int,
    /// Floats (and durations).
    Float,
    /// `True`, `False`.
    Bool,
    /// `None`.
    NoneType,
    /// `range(...)`.
    Range,
    /// A `def`, a lambda or a builtin function.
    Function,
    /// An error type such as `ValueError`.
    ExceptionType,
}

/// What `thr` knows about a kind.
#[derive(Debug)]
pub struct KindInfo {
    /// How the kind is called in prose, with its article: "a lock".
    pub prose: &'static str,
    /// Python's type name, as in `'_thread.lock' object has no attribute 'x'`.
    pub py_name: &'static str,
    /// Methods.
    pub methods: Vec<Signature>,
    /// Data attributes and their kinds (`None` when not known).
    pub attributes: &'static [(&'static str, Option<Kind>)],
    /// `with OBJ { }` works.
    pub context_manager: bool,
    /// Every attribute is listed, so an unlisted one is an error. False for `local`,
    /// whose attributes are the user's.
    pub closed: bool,
}

const THREAD_METHODS: &[&str] = &[
    "start()",
    "join(timeout=None)",
    "is_alive() -> bool",
    "getName() -> str",
    "setName(name, /)",
    "isDaemon() -> bool",
    "setDaemon(daemonic, /)",
];
const THREAD_ATTRS: &[(&str, Option<Kind>)] = &[
    ("name", Some(Kind::Str)),
    ("daemon", Some(Kind::Bool)),
    ("ident", None),
    ("native_id", None),
];
const LOCK_ACQUIRE: &str = "acquire(blocking=True, timeout=-1) -> bool";
const SEM_METHODS: &[&str] = &[
    "acquire(blocking=True, timeout=None) -> bool",
    "release(n=1)",
];
const QUEUE_METHODS: &[&str] = &[
    "put(item, block=True, timeout=None)",
    "get(block=True, timeout=None)",
    "put_nowait(item, /)",
    "get_nowait()",
    "qsize() -> int",
    "empty() -> bool",
    "full() -> bool",
    "task_done()",
    "join()",
];
const QUEUE_ATTRS: &[(&str, Option<Kind>)] = &[("maxsize", Some(Kind::Int))];

fn info(
    prose: &'static str,
    py_name: &'static str,
    methods: &[&str],
    attributes: &'static [(&'static str, Option<Kind>)],
    context_manager: bool,
) -> KindInfo {
    KindInfo {
        prose,
        py_name,
        methods: methods.iter().map(|m| Signature::parse(m)).collect(),
        attributes,
        context_manager,
        closed: true,
    }
}

static TABLE: LazyLock<Vec<(Kind, KindInfo)>> = LazyLock::new(|| {
    let timer_methods: Vec<&str> = THREAD_METHODS.iter().copied().chain(["cancel()"]).collect();
    vec![
        (
            Kind::Thread,
            info("a thread", "Thread", THREAD_METHODS, THREAD_ATTRS, false),
        ),
        (
            Kind::Timer,
            info("a timer", "Timer", &timer_methods, THREAD_ATTRS, false),
        ),
        (
            Kind::Lock,
            info(
                "a lock",
                "_thread.lock",
                &[LOCK_ACQUIRE, "release()", "locked() -> bool"],
                &[],
                true,
            ),
        ),
        (
            Kind::RLock,
            info(
                "an rlock",
                "_thread.RLock",
                &[LOCK_ACQUIRE, "release()"],
                &[],
                true,
            ),
        ),
        (
            Kind::Condition,
            info(
                "a condition",
                "Condition",
                &[
                    LOCK_ACQUIRE,
                    "release()",
                    "wait(timeout=None) -> bool",
                    "wait_for(predicate, timeout=None)",
                    "notify(n=1)",
                    "notify_all()",
                ],
                &[],
                true,
            ),
        ),
        (
            Kind::Semaphore,
            info("a semaphore", "Semaphore", SEM_METHODS, &[], true),
        ),
        (
            Kind::BoundedSemaphore,
            info(
                "a bounded semaphore",
                "BoundedSemaphore",
                SEM_METHODS,
                &[],
                true,
            ),
        ),
        (
            Kind::Event,
            info(
                "an event",
                "Event",
                &[
                    "set()",
                    "clear()",
                    "is_set() -> bool",
                    "wait(timeout=None) -> bool",
                ],
                &[],
                false,
            ),
        ),
        (
            Kind::Barrier,
            info(
                "a barrier",
                "Barrier",
                &["wait(timeout=None) -> int", "reset()", "abort()"],
                &[
                    ("parties", Some(Kind::Int)),
                    ("n_waiting", Some(Kind::Int)),
                    ("broken", Some(Kind::Bool)),
                ],
                false,
            ),
        ),
        (
            Kind::Queue,
            info("a queue", "Queue", QUEUE_METHODS, QUEUE_ATTRS, false),
        ),
        (
            Kind::LifoQueue,
            info(
                "a lifo queue",
                "LifoQueue",
                QUEUE_METHODS,
                QUEUE_ATTRS,
                false,
            ),
        ),
        (
            Kind::PriorityQueue,
            info(
                "a priority queue",
                "PriorityQueue",
                QUEUE_METHODS,
                QUEUE_ATTRS,
                false,
            ),
        ),
        (
            Kind::Local,
            KindInfo {
                closed: false,
                ..info("a local", "_thread._local", &[], &[], false)
            },
        ),
        (
            Kind::Pool,
            info(
                "a pool",
                "ThreadPoolExecutor",
                &[
                    "submit(fn, /, *args, **kwargs) -> Future",
                    "map(fn, *iterables, timeout=None) -> list",
                    "shutdown(wait=True, *, cancel_futures=False)",
                ],
                &[],
                true,
            ),
        ),
        (
            Kind::Future,
            info(
                "a future",
                "Future",
                &[
                    "result(timeout=None)",
                    "exception(timeout=None)",
                    "done() -> bool",
                    "running() -> bool",
                    "cancelled() -> bool",
                    "cancel() -> bool",
                    "add_done_callback(fn, /)",
                ],
                &[],
                false,
            ),
        ),
        (
            Kind::Generator,
            info("a generator", "generator", &[], &[], false),
        ),
        (
            Kind::List,
            info(
                "a list",
                "list",
                &[
                    "append(object, /)",
                    "pop(index=-1, /)",
                    "insert(index, object, /)",
                    "remove(value, /)",
                    "index(value, start=0, stop=..., /) -> int",
                    "count(value, /) -> int",
                    "extend(iterable, /)",
                    "sort(*, key=None, reverse=False)",
                    "reverse()",
                    "clear()",
                    "copy() -> list",
                ],
                &[],
                false,
            ),
        ),
        (
            Kind::Dict,
            info(
                "a dict",
                "dict",
                &[
                    "get(key, default=None, /)",
                    "keys() -> list",
                    "values() -> list",
                    "items() -> list",
                    "pop(key, default=..., /)",
                    "setdefault(key, default=None, /)",
                    "update(other, /)",
                    "clear()",
                    "copy() -> dict",
                ],
                &[],
                false,
            ),
        ),
        (
            Kind::Str,
            info(
                "a string",
                "str",
                &[
                    "startswith(prefix, start=None, end=None, /) -> bool",
                    "endswith(suffix, start=None, end=None, /) -> bool",
                    "upper() -> str",
                    "lower() -> str",
                    "strip(chars=None, /) -> str",
                    "lstrip(chars=None, /) -> str",
                    "rstrip(chars=None, /) -> str",
                    "split(sep=None, maxsplit=-1) -> list",
                    "join(iterable, /) -> str",
                    "replace(old, new, count=-1, /) -> str",
                    "find(sub, start=None, end=None, /) -> int",
                    "count(sub, start=None, end=None, /) -> int",
                    "format(*args, **kwargs) -> str",
                    "isdigit() -> bool",
                    "ljust(width, fillchar=' ', /) -> str",
                    "rjust(width, fillchar=' ', /) -> str",
                ],
                &[],
                false,
            ),
        ),
        (
            Kind::Tuple,
            info(
                "a tuple",
                "tuple",
                &[
                    "count(value, /) -> int",
                    "index(value, start=0, stop=..., /) -> int",
                ],
                &[],
                false,
            ),
        ),
        (Kind::Int, info("an int", "int", &[], &[], false)),
        (Kind::Float, info("a float", "float", &[], &[], false)),
        (Kind::Bool, info("a bool", "bool", &[], &[], false)),
        (Kind::NoneType, info("None", "NoneType", &[], &[], false)),
        (Kind::Range, info("a range", "range", &[], &[], false)),
        (
            Kind::Function,
            KindInfo {
                closed: false,
                ..info("a function", "function", &[], &[], false)
            },
        ),
        (
            Kind::ExceptionType,
            KindInfo {
                closed: false,
                ..info("an error type", "type", &[], &[], false)
            },
        ),
    ]
});

impl Kind {
    /// What `thr` knows about this kind.
    pub fn info(self) -> &'static KindInfo {
        // The table lists the kinds in declaration order (checked by a test).
        &TABLE[self as usize].1
    }

    /// The method `name`, if this kind has it.
    pub fn method(self, name: &str) -> Option<&'static Signature> {
        self.info().methods.iter().find(|m| m.name == name)
    }

    /// The kind of data attribute `name`: `Some(None)` when it exists with an unknown kind.
    pub fn attribute(self, name: &str) -> Option<Option<Kind>> {
        self.info()
            .attributes
            .iter()
            .find(|(a, _)| *a == name)
            .map(|(_, k)| *k)
    }

    /// The kind named by a signature's return annotation (`-> Future`).
    pub fn from_return(name: &str) -> Option<Kind> {
        Some(match name {
            "Thread" => Kind::Thread,
            "Timer" => Kind::Timer,
            "Future" => Kind::Future,
            "list" => Kind::List,
            "generator" => Kind::Generator,
            "dict" => Kind::Dict,
            "str" => Kind::Str,
            "tuple" => Kind::Tuple,
            "int" => Kind::Int,
            "float" => Kind::Float,
            "bool" => Kind::Bool,
            "range" => Kind::Range,
            _ => return None,
        })
    }

    /// The kind of object a declaration creates.
    pub fn of_object(kind: ObjectKind) -> Kind {
        match kind {
            ObjectKind::Lock => Kind::Lock,
            ObjectKind::RLock => Kind::RLock,
            ObjectKind::Condition => Kind::Condition,
            ObjectKind::Semaphore => Kind::Semaphore,
            ObjectKind::BoundedSemaphore => Kind::BoundedSemaphore,
            ObjectKind::Event => Kind::Event,
            ObjectKind::Barrier => Kind::Barrier,
            ObjectKind::Queue => Kind::Queue,
            ObjectKind::LifoQueue => Kind::LifoQueue,
            ObjectKind::PriorityQueue => Kind::PriorityQueue,
            ObjectKind::Local => Kind::Local,
            ObjectKind::Pool => Kind::Pool,
        }
    }
}

/// The constructor signature of each declaration kind (what may follow `NAME` in parentheses).
pub fn constructor(kind: ObjectKind) -> &'static Signature {
    static CTORS: LazyLock<Vec<(ObjectKind, Signature)>> = LazyLock::new(|| {
        [
            (ObjectKind::Lock, "lock()"),
            (ObjectKind::RLock, "rlock()"),
            (ObjectKind::Condition, "condition(lock=None)"),
            (ObjectKind::Semaphore, "semaphore(value=1)"),
            (ObjectKind::BoundedSemaphore, "semaphore(value=1)"),
            (ObjectKind::Event, "event()"),
            (
                ObjectKind::Barrier,
                "barrier(parties, action=None, timeout=None)",
            ),
            (ObjectKind::Queue, "queue(maxsize=0)"),
            (ObjectKind::LifoQueue, "queue(maxsize=0)"),
            (ObjectKind::PriorityQueue, "queue(maxsize=0)"),
            (ObjectKind::Local, "local()"),
            (
                ObjectKind::Pool,
                "pool(max_workers=None, thread_name_prefix='')",
            ),
        ]
        .into_iter()
        .map(|(k, s)| (k, Signature::parse(s)))
        .collect()
    });
    &CTORS
        .iter()
        .find(|(k, _)| *k == kind)
        .expect("every kind has a constructor")
        .1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_an_entry_and_lookups_work() {
        assert!(Kind::Lock.method("acquire").is_some());
        assert!(Kind::Lock.method("put").is_none());
        assert!(Kind::RLock.method("locked").is_none());
        assert_eq!(Kind::Barrier.attribute("parties"), Some(Some(Kind::Int)));
        assert!(Kind::Timer.method("cancel").is_some() && Kind::Timer.method("join").is_some());
        assert!(Kind::Pool.info().context_manager && !Kind::Event.info().context_manager);
        for (i, (k, _)) in TABLE.iter().enumerate() {
            assert_eq!(*k as usize, i, "{k:?} is out of order in the table");
        }
        for kind in ObjectKind::ALL {
            let _ = constructor(kind);
            let _ = Kind::of_object(kind).info();
        }
    }
}
