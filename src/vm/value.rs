//! Runtime values: what a scenario's variables hold.
//!
//! Values are cheap to clone: scalars inline, everything else behind an `Arc`. Lists and
//! dicts are shared mutable containers (one method call locks them once, so a call is
//! atomic as under CPython's GIL). Objects compare and hash by identity using their
//! sequential id, never their address, so nothing machine-dependent leaks into output.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use indexmap::IndexMap;
use parking_lot::Mutex;

use super::exc::{ExcKind, Exception};
use super::func::Function;
use crate::sync::Object;

/// A runtime value.
pub enum Value {
    /// `None`.
    None,
    /// `True` / `False`.
    Bool(bool),
    /// A 64-bit integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// An immutable string.
    Str(Arc<str>),
    /// An immutable tuple.
    Tuple(Arc<[Value]>),
    /// A mutable list.
    List(Arc<List>),
    /// A mutable dict (insertion-ordered).
    Dict(Arc<Dict>),
    /// `range(start, stop, step)`.
    Range(Arc<(i64, i64, i64)>),
    /// A `def` or `lambda`.
    Func(Arc<Function>),
    /// A builtin function.
    Builtin(super::builtins::Builtin),
    /// A method bound to its receiver (`guard.acquire` used as a value).
    Method(Arc<(Value, Arc<str>)>),
    /// A synchronisation object, thread, pool, future or local.
    Object(Arc<Object>),
    /// An error type such as `ValueError`.
    ExcType(ExcKind),
    /// A raised or created error.
    Exception(Arc<Exception>),
    /// An iteration in progress (only ever on a thread's operand stack).
    Iter(Box<IterState>),
}

impl Clone for Value {
    /// Scalars are copied inline (the interpreter's hot path); the rest share their
    /// storage.
    #[inline(always)]
    fn clone(&self) -> Value {
        match self {
            Value::None => Value::None,
            Value::Bool(b) => Value::Bool(*b),
            Value::Int(i) => Value::Int(*i),
            Value::Float(f) => Value::Float(*f),
            _ => self.clone_shared(),
        }
    }
}

impl Value {
    #[inline(never)]
    fn clone_shared(&self) -> Value {
        match self {
            Value::None => Value::None,
            Value::Bool(b) => Value::Bool(*b),
            Value::Int(i) => Value::Int(*i),
            Value::Float(f) => Value::Float(*f),
            Value::Str(s) => Value::Str(s.clone()),
            Value::Tuple(t) => Value::Tuple(t.clone()),
            Value::List(l) => Value::List(l.clone()),
            Value::Dict(d) => Value::Dict(d.clone()),
            Value::Range(r) => Value::Range(r.clone()),
            Value::Func(f) => Value::Func(f.clone()),
            Value::Builtin(b) => Value::Builtin(*b),
            Value::Method(m) => Value::Method(m.clone()),
            Value::Object(o) => Value::Object(o.clone()),
            Value::ExcType(k) => Value::ExcType(*k),
            Value::Exception(e) => Value::Exception(e.clone()),
            Value::Iter(it) => Value::Iter(it.clone()),
        }
    }
}

/// Where an iteration is.
#[derive(Clone)]
pub enum IterState {
    /// Over a list, tuple or string by position (a list is re-read each step, as Python does).
    Seq(Value, usize),
    /// Over a range: next value, stop, step.
    Range(i64, i64, i64),
    /// Over a snapshot (a string's characters).
    Items(Arc<[Value]>, usize),
    /// Over a snapshot of a dict's keys: the dict, the keys, the position. The dict's
    /// size is checked at each step, as Python does.
    Dict(Value, Arc<[Value]>, usize),
    /// Over an `as_completed` generator (see [`crate::sync::completions`]).
    Completions(Arc<crate::sync::Object>),
}

impl IterState {
    /// One step of a range: `Some(Some(n))` for its next number, `Some(None)` at its end,
    /// `None` for any other iterator. The loops of most scenarios run on this.
    #[inline(always)]
    pub fn next_in_range(&mut self) -> Option<Option<i64>> {
        let IterState::Range(cur, stop, step) = self else {
            return None;
        };
        Some(
            ((*step > 0 && *cur < *stop) || (*step < 0 && *cur > *stop)).then(|| {
                let v = *cur;
                *cur += *step;
                v
            }),
        )
    }
}

/// Sets a local to `Value::Int(v)`, writing only the number when it holds an integer
/// already (no whole value built and copied: see [`push_int`]).
#[inline(always)]
pub fn set_int(local: &mut Option<Value>, v: i64) {
    match local {
        Some(Value::Int(x)) => *x = v,
        other => *other = Some(Value::Int(v)),
    }
}

impl std::fmt::Debug for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&super::format::repr_of(self))
    }
}

/// A list's storage.
#[derive(Default)]
pub struct List {
    /// The items; locked for each operation.
    pub items: Mutex<Vec<Value>>,
}

/// A dict's storage.
#[derive(Default)]
pub struct Dict {
    /// The entries in insertion order; locked for each operation.
    pub items: Mutex<IndexMap<Key, Value>>,
}

impl Value {
    /// A string value.
    pub fn str(s: impl Into<Arc<str>>) -> Value {
        Value::Str(s.into())
    }

    /// A new list.
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Arc::new(List {
            items: Mutex::new(items),
        }))
    }

    /// A new tuple.
    pub fn tuple(items: Vec<Value>) -> Value {
        Value::Tuple(items.into())
    }

    /// A new dict.
    pub fn dict(items: IndexMap<Key, Value>) -> Value {
        Value::Dict(Arc::new(Dict {
            items: Mutex::new(items),
        }))
    }

    /// Python's type name, as in error messages (`'int' object is not callable`).
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::None => "NoneType",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Str(_) => "str",
            Value::Tuple(_) => "tuple",
            Value::List(_) => "list",
            Value::Dict(_) => "dict",
            Value::Range(_) => "range",
            Value::Func(_) => "function",
            Value::Builtin(_) => "builtin_function_or_method",
            Value::Method(_) => "method",
            Value::Object(o) => o.py_type(),
            Value::ExcType(_) => "type",
            Value::Exception(e) => e.kind.name(),
            Value::Iter(_) => "iterator",
        }
    }

    /// Python truthiness.
    pub fn truthy(&self) -> bool {
        match self {
            Value::None => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::Str(s) => !s.is_empty(),
            Value::Tuple(t) => !t.is_empty(),
            Value::List(l) => !l.items.lock().is_empty(),
            Value::Dict(d) => !d.items.lock().is_empty(),
            Value::Range(r) => range_len(r.0, r.1, r.2) > 0,
            _ => true,
        }
    }

    /// `is`: identity for objects and containers, value for immutable scalars.
    pub fn is(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::None, Value::None) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => a.to_bits() == b.to_bits(),
            (Value::Str(a), Value::Str(b)) => Arc::ptr_eq(a, b) || a == b,
            (Value::Tuple(a), Value::Tuple(b)) => Arc::ptr_eq(a, b),
            (Value::List(a), Value::List(b)) => Arc::ptr_eq(a, b),
            (Value::Dict(a), Value::Dict(b)) => Arc::ptr_eq(a, b),
            (Value::Func(a), Value::Func(b)) => Arc::ptr_eq(a, b),
            (Value::Object(a), Value::Object(b)) => Arc::ptr_eq(a, b),
            (Value::Exception(a), Value::Exception(b)) => Arc::ptr_eq(a, b),
            (Value::ExcType(a), Value::ExcType(b)) => a == b,
            (Value::Builtin(a), Value::Builtin(b)) => a == b,
            _ => false,
        }
    }

    /// Python `==`.
    pub fn py_eq(&self, other: &Value) -> bool {
        match (self, other) {
            (
                Value::Int(_) | Value::Float(_) | Value::Bool(_),
                Value::Int(_) | Value::Float(_) | Value::Bool(_),
            ) => match (self.as_num(), other.as_num()) {
                (Some(a), Some(b)) => a.compare(b) == Some(std::cmp::Ordering::Equal),
                _ => false,
            },
            (Value::Str(a), Value::Str(b)) => a == b,
            (Value::Tuple(a), Value::Tuple(b)) => seq_eq(a, b),
            (Value::List(a), Value::List(b)) => {
                Arc::ptr_eq(a, b) || {
                    let (x, y) = (a.items.lock().clone(), b.items.lock().clone());
                    seq_eq(&x, &y)
                }
            }
            (Value::Dict(a), Value::Dict(b)) => {
                Arc::ptr_eq(a, b) || {
                    let (x, y) = (a.items.lock().clone(), b.items.lock().clone());
                    x.len() == y.len()
                        && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| v.py_eq(w)))
                }
            }
            (Value::Range(a), Value::Range(b)) => a == b,
            (Value::Method(a), Value::Method(b)) => a.0.is(&b.0) && a.1 == b.1,
            _ => self.is(other),
        }
    }

    /// The value as a number, for arithmetic (`bool` counts as an int, as in Python).
    pub fn as_num(&self) -> Option<Num> {
        match self {
            Value::Int(i) => Some(Num::Int(*i)),
            Value::Bool(b) => Some(Num::Int(*b as i64)),
            Value::Float(f) => Some(Num::Float(*f)),
            _ => None,
        }
    }

    /// A key for dict lookup, or Python's `TypeError` for unhashable values.
    pub fn to_key(&self) -> Result<Key, String> {
        match self {
            Value::List(_) | Value::Dict(_) => {
                Err(format!("unhashable type: '{}'", self.type_name()))
            }
            Value::Tuple(items) => {
                for i in items.iter() {
                    i.to_key()?;
                }
                Ok(Key(self.clone()))
            }
            _ => Ok(Key(self.clone())),
        }
    }
}

/// A number in arithmetic.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Num {
    /// An int (or bool).
    Int(i64),
    /// A float.
    Float(f64),
}

impl Num {
    /// As a float.
    pub fn to_f64(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Float(f) => f,
        }
    }

    /// Python's exact ordering of two numbers (an int and a float are compared by value,
    /// not by converting the int to a float), or `None` when either is NaN.
    pub fn compare(self, other: Num) -> Option<std::cmp::Ordering> {
        match (self, other) {
            (Num::Int(a), Num::Int(b)) => Some(a.cmp(&b)),
            (Num::Float(f), Num::Float(g)) => f.partial_cmp(&g),
            (Num::Int(i), Num::Float(f)) => int_float_cmp(i, f),
            (Num::Float(f), Num::Int(i)) => int_float_cmp(i, f).map(|o| o.reverse()),
        }
    }
}

/// `i` compared with `f`, exactly.
fn int_float_cmp(i: i64, f: f64) -> Option<std::cmp::Ordering> {
    use std::cmp::Ordering;
    if f.is_nan() {
        return None;
    }
    // 2**63 as a float: every i64 is below it and at or above its negation.
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    if f >= TWO_63 {
        return Some(Ordering::Less);
    }
    if f < -TWO_63 {
        return Some(Ordering::Greater);
    }
    let floor = f.floor();
    // In range, so the floor converts exactly.
    match i.cmp(&(floor as i64)) {
        Ordering::Equal if f > floor => Some(Ordering::Less),
        o => Some(o),
    }
}

fn seq_eq(a: &[Value], b: &[Value]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.py_eq(y))
}

/// Number of items of `range(start, stop, step)`.
pub fn range_len(start: i64, stop: i64, step: i64) -> i64 {
    if step > 0 && start < stop {
        ((stop as i128 - start as i128 - 1) / step as i128 + 1) as i64
    } else if step < 0 && start > stop {
        ((start as i128 - stop as i128 - 1) / (-(step as i128)) + 1) as i64
    } else {
        0
    }
}

/// A hashable value used as a dict key. Equal numbers hash equally (`1`, `1.0`, `True`).
#[derive(Clone)]
pub struct Key(pub Value);

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        self.0.py_eq(&other.0)
    }
}

impl Eq for Key {}

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        hash_value(&self.0, state);
    }
}

fn hash_value<H: Hasher>(v: &Value, state: &mut H) {
    match v {
        Value::None => 0u8.hash(state),
        Value::Bool(b) => (*b as i64).hash(state),
        Value::Int(i) => i.hash(state),
        Value::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 9.2e18 {
                (*f as i64).hash(state)
            } else {
                f.to_bits().hash(state)
            }
        }
        Value::Str(s) => s.hash(state),
        Value::Tuple(items) => {
            items.len().hash(state);
            items.iter().for_each(|i| hash_value(i, state));
        }
        Value::Range(r) => r.hash(state),
        Value::Object(o) => o.id.hash(state),
        Value::ExcType(k) => k.hash(state),
        Value::Builtin(b) => b.0.hash(state),
        Value::Func(f) => f.id.hash(state),
        Value::Exception(e) => e.id.hash(state),
        Value::Method(m) => hash_value(&m.0, state),
        Value::List(_) | Value::Dict(_) | Value::Iter(_) => {}
    }
}

/// Defines `fn NAME(stack, ARGS)` pushing `VALUE` built straight in the stack's spare
/// room. Each is its own function, never inlined, with the value made after the room is
/// reserved: a value passed in, or several pushes merged by the compiler, would be built
/// in a temporary and copied whole, which stalls (see [`push_int`]).
macro_rules! push_scalar {
    ($(#[$doc:meta])* $name:ident($($arg:ident: $ty:ty),*) => $value:expr) => {
        $(#[$doc])*
        #[inline(never)]
        pub fn $name(stack: &mut Vec<Value>, $($arg: $ty),*) {
            stack.reserve(1);
            let len = stack.len();
            stack.spare_capacity_mut()[0].write($value);
            // SAFETY: the element at `len`, within the capacity just reserved, was
            // initialised.
            unsafe { stack.set_len(len + 1) };
        }
    };
}

push_scalar! {
    /// Pushes `Value::Int(n)` onto an operand stack, built straight in its slot.
    ///
    /// `Vec::push` builds its argument in a temporary first (it must survive a possible growth
    /// of the vector), writing the tag and the number apart and then reading them back as one
    /// 16-byte block, which the store buffer cannot forward: a stall of a dozen cycles, a
    /// fifth of a racing loop's time. Here the vector grows first and the value is then
    /// written where it belongs.
    ///
    /// Not inlined: where several pushes meet in one function, the compiler merges them into one
    /// copy from a shared temporary, which brings the stall back.
    push_int(n: i64) => Value::Int(n)
}

push_scalar! {
    /// Pushes `Value::None` built straight in its slot (see [`push_int`]).
    push_none() => Value::None
}

push_scalar! {
    /// Pushes `Value::Bool(b)` built straight in its slot (see [`push_int`]).
    push_bool(b: bool) => Value::Bool(b)
}

/// Pushes a copy of `v`, building integers, bools and None straight in their slot (see
/// [`push_int`]): the fast loop's loads of locals and constants.
#[inline(always)]
pub fn push_copy(stack: &mut Vec<Value>, v: &Value) {
    match *v {
        Value::Int(n) => push_int(stack, n),
        Value::Bool(b) => push_bool(stack, b),
        Value::None => push_none(stack),
        _ => stack.push(v.clone()),
    }
}

/// Defines `fn NAME(stack) -> Option<T>` popping the top when it is `Value::VARIANT`,
/// reading only its field and without the general drop code, which a scalar does not need.
macro_rules! pop_scalar {
    ($(#[$doc:meta])* $name:ident -> $ty:ty, $variant:ident) => {
        $(#[$doc])*
        #[inline(always)]
        pub fn $name(stack: &mut Vec<Value>) -> Option<$ty> {
            let Some(&Value::$variant(x)) = stack.last() else {
                return None;
            };
            // SAFETY: the length shrinks by one; the element left behind is a scalar, which
            // owns nothing, so not dropping it loses nothing.
            unsafe { stack.set_len(stack.len() - 1) };
            Some(x)
        }
    };
}

pop_scalar! {
    /// Pops the top of an operand stack when it is an integer, without reading the value
    /// back whole (see [`push_int`]: the number was often just updated in place) and
    /// without a call to the general drop code.
    pop_int -> i64, Int
}

pop_scalar! {
    /// Pops the top of an operand stack when it is a bool (see [`pop_int`]).
    pop_bool -> bool, Bool
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_push_and_pop_in_place_and_other_values_are_left_alone() {
        let mut stack = Vec::new();
        push_int(&mut stack, 7);
        stack.push(Value::str("x"));
        assert_eq!(pop_int(&mut stack), None);
        assert_eq!(stack.len(), 2, "a string is not popped");
        stack.pop();
        for n in 0..100 {
            push_int(&mut stack, n);
        }
        assert_eq!(stack.len(), 101);
        for n in (0..100).rev() {
            assert_eq!(pop_int(&mut stack), Some(n));
        }
        assert_eq!(pop_int(&mut stack), Some(7));
        assert_eq!(pop_int(&mut stack), None);
    }

    #[test]
    fn scalars_are_copied_in_place_and_bools_pop_without_a_drop() {
        let mut stack = Vec::new();
        let list = Value::list(vec![Value::Int(1)]);
        for v in [Value::Int(3), Value::Bool(true), Value::None, list.clone()] {
            push_copy(&mut stack, &v);
        }
        assert_eq!(stack.len(), 4);
        assert!(
            stack[3].is(&list),
            "other values are cloned (the same list)"
        );
        assert!(matches!(stack[2], Value::None));
        stack.truncate(2);
        assert_eq!(pop_int(&mut stack), None, "a bool is not an integer");
        assert_eq!(pop_bool(&mut stack), Some(true));
        assert_eq!(pop_bool(&mut stack), None, "an integer is not a bool");
        push_bool(&mut stack, false);
        assert_eq!(pop_bool(&mut stack), Some(false));
        assert_eq!(pop_int(&mut stack), Some(3));
        assert!(stack.is_empty());
    }
}
