//! Operators with Python's meaning and Python's error messages.

use std::cmp::Ordering;

use super::exc::{Exc, exc, kind, overflow, type_error, value_error};
use super::value::{Num, Value};
use crate::syntax::ast::{BinOp, CmpOp, UnaryOp};

/// Python's error for operand types an operator does not take; `suffix` is `=` for an
/// augmented assignment (`+=`).
fn unsupported(op: BinOp, suffix: &str, a: &Value, b: &Value) -> Exc {
    // Python names the builtin too for a plain `**`, not for `**=`.
    let pow = if op == BinOp::Pow && suffix.is_empty() {
        " or pow()"
    } else {
        ""
    };
    type_error(format!(
        "unsupported operand type(s) for {}{suffix}{pow}: '{}' and '{}'",
        op.symbol(),
        a.type_name(),
        b.type_name()
    ))
}

fn repeat<T: Clone>(items: &[T], n: i64) -> Vec<T> {
    let n = n.max(0) as usize;
    let mut out = Vec::with_capacity(items.len() * n);
    for _ in 0..n {
        out.extend_from_slice(items);
    }
    out
}

/// `a op b`.
pub fn binary(op: BinOp, a: &Value, b: &Value) -> Result<Value, Exc> {
    apply(op, a, b, "")
}

/// `a op= b`: as `a op b`, except that a list is extended (by any iterable) or repeated in
/// place, so that every other reference to it sees the change, and that the error for
/// unsupported operand types names the operator `op=`.
pub fn inplace(op: BinOp, a: &Value, b: &Value) -> Result<Value, Exc> {
    match (op, a) {
        (BinOp::Add, Value::List(l)) => {
            // Taken before the list is locked: `items += items` reads what it extends.
            let more = super::seq::to_vec(b)?;
            l.items.lock().extend(more);
            Ok(a.clone())
        }
        (BinOp::Mul, Value::List(l)) if int_of(b).is_some() => {
            let mut items = l.items.lock();
            *items = repeat(&items, int_of(b).unwrap_or(0));
            Ok(a.clone())
        }
        _ => apply(op, a, b, "="),
    }
}

/// [`inplace`] when `inplace` is true, else [`binary`].
pub fn binary_or_inplace(op: BinOp, inplace: bool, a: &Value, b: &Value) -> Result<Value, Exc> {
    if inplace {
        self::inplace(op, a, b)
    } else {
        binary(op, a, b)
    }
}

/// `a op b`, or `a op= b` when `suffix` is `=` (see [`unsupported`]).
fn apply(op: BinOp, a: &Value, b: &Value, suffix: &str) -> Result<Value, Exc> {
    if let (Some(x), Some(y)) = (a.as_num(), b.as_num()) {
        if matches!(op, BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor)
            && let (Value::Bool(p), Value::Bool(q)) = (a, b)
        {
            return Ok(Value::Bool(match op {
                BinOp::BitAnd => p & q,
                BinOp::BitOr => p | q,
                _ => p ^ q,
            }));
        }
        return arith(op, x, y, a, b, suffix);
    }
    match (op, a, b) {
        (BinOp::Add, Value::Str(x), Value::Str(y)) => Ok(Value::str(format!("{x}{y}"))),
        (BinOp::Add, Value::Str(_), other) => Err(type_error(format!(
            "can only concatenate str (not \"{}\") to str",
            other.type_name()
        ))),
        (BinOp::Add, Value::List(x), Value::List(y)) => {
            let mut v = x.items.lock().clone();
            v.extend(y.items.lock().iter().cloned());
            Ok(Value::list(v))
        }
        (BinOp::Add, Value::List(_), other) => Err(type_error(format!(
            "can only concatenate list (not \"{}\") to list",
            other.type_name()
        ))),
        (BinOp::Add, Value::Tuple(x), Value::Tuple(y)) => {
            Ok(Value::tuple(x.iter().chain(y.iter()).cloned().collect()))
        }
        (BinOp::Add, Value::Tuple(_), other) => Err(type_error(format!(
            "can only concatenate tuple (not \"{}\") to tuple",
            other.type_name()
        ))),
        // A sequence on the left repeats first, as in Python (`[0] * "x"` blames the str).
        (BinOp::Mul, _, _) if let Some(r) = repeat_seq(a, b).or_else(|| repeat_seq(b, a)) => r,
        (BinOp::Mod, Value::Str(s), args) => {
            super::percent::percent_format(s, args).map(Value::str)
        }
        _ => Err(unsupported(op, suffix, a, b)),
    }
}

/// `seq * n` when `seq` is a str, list or tuple (an error if `n` is not an integer);
/// `None` for other left operands.
fn repeat_seq(seq: &Value, n: &Value) -> Option<Result<Value, Exc>> {
    let Some(k) = int_of(n) else {
        return matches!(seq, Value::Str(_) | Value::List(_) | Value::Tuple(_)).then(|| {
            Err(type_error(format!(
                "can't multiply sequence by non-int of type '{}'",
                n.type_name()
            )))
        });
    };
    Some(Ok(match seq {
        Value::Str(s) => Value::str(s.repeat(k.max(0) as usize)),
        Value::List(l) => Value::list(repeat(&l.items.lock(), k)),
        Value::Tuple(t) => Value::tuple(repeat(t, k)),
        _ => return None,
    }))
}

fn int_of(v: &Value) -> Option<i64> {
    match v {
        Value::Int(i) => Some(*i),
        Value::Bool(b) => Some(*b as i64),
        _ => None,
    }
}

/// A float with an integral value as that int (`3.0 in range(5)` is true, by equality).
fn integral_float(v: &Value) -> Option<i64> {
    match v {
        Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => Some(*f as i64),
        _ => None,
    }
}

fn arith(op: BinOp, x: Num, y: Num, a: &Value, b: &Value, suffix: &str) -> Result<Value, Exc> {
    if let (Num::Int(i), Num::Int(j)) = (x, y) {
        return int_arith(op, i, j);
    }
    if matches!(
        op,
        BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor | BinOp::Shl | BinOp::Shr
    ) {
        return Err(unsupported(op, suffix, a, b));
    }
    let (f, g) = (x.to_f64(), y.to_f64());
    Ok(Value::Float(match op {
        BinOp::Add => f + g,
        BinOp::Sub => f - g,
        BinOp::Mul => f * g,
        BinOp::Div => {
            if g == 0.0 {
                return Err(exc(kind::ZeroDivisionError, "float division by zero"));
            }
            f / g
        }
        BinOp::FloorDiv => {
            if g == 0.0 {
                return Err(exc(kind::ZeroDivisionError, "float floor division by zero"));
            }
            float_divmod(f, g).0
        }
        BinOp::Mod => {
            if g == 0.0 {
                return Err(exc(kind::ZeroDivisionError, "float modulo"));
            }
            float_divmod(f, g).1
        }
        BinOp::Pow => {
            if f == 0.0 && g < 0.0 {
                return Err(exc(
                    kind::ZeroDivisionError,
                    "0.0 cannot be raised to a negative power",
                ));
            }
            let r = f.powf(g);
            if r.is_infinite() && f.is_finite() && g.is_finite() {
                return Err(exc(
                    kind::OverflowError,
                    "(34, 'Numerical result out of range')",
                ));
            }
            r
        }
        _ => unreachable!("bitwise handled above"),
    }))
}

fn int_arith(op: BinOp, i: i64, j: i64) -> Result<Value, Exc> {
    let checked = |r: Option<i64>| r.map(Value::Int).ok_or_else(overflow);
    match op {
        BinOp::Add => checked(i.checked_add(j)),
        BinOp::Sub => checked(i.checked_sub(j)),
        BinOp::Mul => checked(i.checked_mul(j)),
        BinOp::Div => {
            if j == 0 {
                return Err(exc(kind::ZeroDivisionError, "division by zero"));
            }
            Ok(Value::Float(i as f64 / j as f64))
        }
        BinOp::FloorDiv => {
            if j == 0 {
                return Err(exc(
                    kind::ZeroDivisionError,
                    "integer division or modulo by zero",
                ));
            }
            if i == i64::MIN && j == -1 {
                return Err(overflow());
            }
            let q = i / j;
            Ok(Value::Int(if i % j != 0 && ((i < 0) != (j < 0)) {
                q - 1
            } else {
                q
            }))
        }
        BinOp::Mod => {
            if j == 0 {
                return Err(exc(kind::ZeroDivisionError, "integer modulo by zero"));
            }
            let r = i.wrapping_rem(j);
            Ok(Value::Int(if r != 0 && ((r < 0) != (j < 0)) {
                r + j
            } else {
                r
            }))
        }
        BinOp::Pow => {
            if j < 0 {
                if i == 0 {
                    return Err(exc(
                        kind::ZeroDivisionError,
                        "0.0 cannot be raised to a negative power",
                    ));
                }
                return Ok(Value::Float((i as f64).powf(j as f64)));
            }
            checked(u32::try_from(j).ok().and_then(|e| i.checked_pow(e)))
        }
        BinOp::BitAnd => Ok(Value::Int(i & j)),
        BinOp::BitOr => Ok(Value::Int(i | j)),
        BinOp::BitXor => Ok(Value::Int(i ^ j)),
        BinOp::Shl => {
            if j < 0 {
                return Err(value_error("negative shift count"));
            }
            if j >= 64 || (i != 0 && (i << j) >> j != i) {
                return if i == 0 {
                    Ok(Value::Int(0))
                } else {
                    Err(overflow())
                };
            }
            Ok(Value::Int(i << j))
        }
        BinOp::Shr => {
            if j < 0 {
                return Err(value_error("negative shift count"));
            }
            Ok(Value::Int(if j >= 64 {
                if i < 0 { -1 } else { 0 }
            } else {
                i >> j
            }))
        }
    }
}

/// `op v`.
pub fn unary(op: UnaryOp, v: &Value) -> Result<Value, Exc> {
    match (op, v) {
        (UnaryOp::Not, v) => Ok(Value::Bool(!v.truthy())),
        (UnaryOp::Neg, Value::Int(i)) => i.checked_neg().map(Value::Int).ok_or_else(overflow),
        (UnaryOp::Neg, Value::Bool(b)) => Ok(Value::Int(-(*b as i64))),
        (UnaryOp::Neg, Value::Float(f)) => Ok(Value::Float(-f)),
        (UnaryOp::Pos, Value::Int(_) | Value::Float(_)) => Ok(v.clone()),
        (UnaryOp::Pos, Value::Bool(b)) => Ok(Value::Int(*b as i64)),
        (UnaryOp::Invert, Value::Int(i)) => Ok(Value::Int(!i)),
        (UnaryOp::Invert, Value::Bool(b)) => Ok(Value::Int(!(*b as i64))),
        (op, v) => Err(type_error(format!(
            "bad operand type for unary {}: '{}'",
            op.symbol(),
            v.type_name()
        ))),
    }
}

/// Python's ordering of two values, or `None` when they can't be ordered.
pub fn order(a: &Value, b: &Value) -> Option<Ordering> {
    if rich_compare(CmpOp::Lt, a, b).ok()? {
        Some(Ordering::Less)
    } else if rich_compare(CmpOp::Lt, b, a).ok()? {
        Some(Ordering::Greater)
    } else {
        Some(Ordering::Equal)
    }
}

/// `a < b` with Python's error for values that can't be compared.
pub fn less_than(a: &Value, b: &Value) -> Result<bool, Exc> {
    rich_compare(CmpOp::Lt, a, b)
}

/// `a op b` for `<`, `<=`, `>`, `>=`, as Python does it: numbers by value, strings by code
/// points, lists and tuples by their first differing items (whose comparison may fail,
/// naming the items' types), anything else a `TypeError`.
pub fn rich_compare(op: CmpOp, a: &Value, b: &Value) -> Result<bool, Exc> {
    let by = |ord: Option<Ordering>| match ord {
        // NaN: every ordering comparison is false.
        None => false,
        Some(o) => match op {
            CmpOp::Lt => o == Ordering::Less,
            CmpOp::Le => o != Ordering::Greater,
            CmpOp::Gt => o == Ordering::Greater,
            _ => o != Ordering::Less,
        },
    };
    match (a, b) {
        _ if a.as_num().is_some() && b.as_num().is_some() => {
            let (x, y) = (a.as_num().expect("a number"), b.as_num().expect("a number"));
            Ok(by(x.compare(y)))
        }
        (Value::Str(x), Value::Str(y)) => Ok(by(Some(x.cmp(y)))),
        (Value::Tuple(x), Value::Tuple(y)) => seq_compare(op, x, y),
        (Value::List(x), Value::List(y)) => {
            let (x, y) = (x.items.lock().clone(), y.items.lock().clone());
            seq_compare(op, &x, &y)
        }
        _ => Err(type_error(format!(
            "'{}' not supported between instances of '{}' and '{}'",
            op.symbol(),
            a.type_name(),
            b.type_name()
        ))),
    }
}

fn seq_compare(op: CmpOp, x: &[Value], y: &[Value]) -> Result<bool, Exc> {
    for (a, b) in x.iter().zip(y) {
        if !a.py_eq(b) {
            return rich_compare(op, a, b);
        }
    }
    rich_compare(op, &Value::Int(x.len() as i64), &Value::Int(y.len() as i64))
}

/// `a op b` for comparison operators.
pub fn compare(op: CmpOp, a: &Value, b: &Value) -> Result<Value, Exc> {
    let result = match op {
        CmpOp::Eq => a.py_eq(b),
        CmpOp::Ne => !a.py_eq(b),
        CmpOp::Is => a.is(b),
        CmpOp::IsNot => !a.is(b),
        CmpOp::In => contains(b, a)?,
        CmpOp::NotIn => !contains(b, a)?,
        CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge => rich_compare(op, a, b)?,
    };
    Ok(Value::Bool(result))
}

/// Sorts stably with Python's `<` (`reverse` keeps equal items in their order, as Python
/// does), comparing the same pairs as CPython's sort does on short lists, so that a
/// failure names the same types.
pub fn sort(items: &mut Vec<Value>, reverse: bool) -> Result<(), Exc> {
    if reverse {
        items.reverse();
    }
    let sorted = merge_sort(std::mem::take(items))?;
    *items = sorted;
    if reverse {
        items.reverse();
    }
    Ok(())
}

fn merge_sort(mut items: Vec<Value>) -> Result<Vec<Value>, Exc> {
    if items.len() <= 64 {
        // CPython's binary insertion sort: the new item is compared as `new < old`.
        for i in 1..items.len() {
            let (mut lo, mut hi) = (0, i);
            while lo < hi {
                let mid = (lo + hi) / 2;
                if less_than(&items[i], &items[mid])? {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            let pivot = items.remove(i);
            items.insert(lo, pivot);
        }
        return Ok(items);
    }
    let right = merge_sort(items.split_off(items.len() / 2))?;
    let left = merge_sort(items)?;
    let mut out = Vec::with_capacity(left.len() + right.len());
    let (mut l, mut r) = (left.into_iter().peekable(), right.into_iter().peekable());
    while let (Some(a), Some(b)) = (l.peek(), r.peek()) {
        if less_than(b, a)? {
            out.push(r.next().expect("peeked"));
        } else {
            out.push(l.next().expect("peeked"));
        }
    }
    out.extend(l);
    out.extend(r);
    Ok(out)
}

/// `item in container`.
pub fn contains(container: &Value, item: &Value) -> Result<bool, Exc> {
    match container {
        Value::Str(s) => match item {
            Value::Str(sub) => Ok(s.contains(&**sub)),
            other => Err(type_error(format!(
                "'in <string>' requires string as left operand, not {}",
                other.type_name()
            ))),
        },
        Value::List(l) => Ok(l.items.lock().iter().any(|x| x.py_eq(item))),
        Value::Tuple(t) => Ok(t.iter().any(|x| x.py_eq(item))),
        Value::Dict(d) => {
            let key = item.to_key().map_err(type_error)?;
            Ok(d.items.lock().contains_key(&key))
        }
        Value::Range(r) => Ok(match int_of(item).or_else(|| integral_float(item)) {
            Some(i) => {
                let (start, stop, step) = **r;
                if step > 0 {
                    i >= start && i < stop && (i - start) % step == 0
                } else {
                    i <= start && i > stop && (start - i) % (-step) == 0
                }
            }
            None => false,
        }),
        other => {
            // A generator is consumed up to the item, as in Python.
            if let (Value::Object(_), Ok(mut it)) = (other, super::seq::iter(other)) {
                while let Some(x) = super::seq::next(&mut it)? {
                    if x.py_eq(item) {
                        return Ok(true);
                    }
                }
                return Ok(false);
            }
            Err(type_error(format!(
                "argument of type '{}' is not iterable",
                other.type_name()
            )))
        }
    }
}

/// Float `(f // g, f % g)` for non-zero `g`, by CPython's algorithm, so that the two agree
/// (`7.0 // 0.1` is `69.0`, not `(7.0 / 0.1).floor()`, which is `70.0`).
fn float_divmod(f: f64, g: f64) -> (f64, f64) {
    let mut m = f % g;
    let mut div = (f - m) / g;
    if m != 0.0 {
        if (g < 0.0) != (m < 0.0) {
            m += g;
            div -= 1.0;
        }
    } else {
        m = 0.0f64.copysign(g);
    }
    let floordiv = if div != 0.0 {
        let fl = div.floor();
        if div - fl > 0.5 { fl + 1.0 } else { fl }
    } else {
        0.0f64.copysign(f / g)
    };
    (floordiv, m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(i: i64) -> Value {
        Value::Int(i)
    }

    #[test]
    fn integer_division_floors_like_python() {
        for (a, b, q, r) in [
            (7, 2, 3, 1),
            (-7, 2, -4, 1),
            (7, -2, -4, -1),
            (-7, -2, 3, -1),
            (6, 3, 2, 0),
        ] {
            assert!(
                binary(BinOp::FloorDiv, &int(a), &int(b))
                    .unwrap()
                    .py_eq(&int(q)),
                "{a} // {b}"
            );
            assert!(
                binary(BinOp::Mod, &int(a), &int(b)).unwrap().py_eq(&int(r)),
                "{a} % {b}"
            );
        }
    }

    #[test]
    fn errors_carry_python_messages() {
        let e = binary(BinOp::Div, &int(1), &int(0)).unwrap_err();
        assert_eq!(e.headline(), "ZeroDivisionError: division by zero");
        let e = binary(BinOp::Add, &Value::str("a"), &int(1)).unwrap_err();
        assert_eq!(e.message(), "can only concatenate str (not \"int\") to str");
        let e = compare(CmpOp::Lt, &Value::str("a"), &int(1)).unwrap_err();
        assert_eq!(
            e.message(),
            "'<' not supported between instances of 'str' and 'int'"
        );
        assert!(binary(BinOp::Mul, &int(i64::MAX), &int(2)).is_err());
    }

    #[test]
    fn mixed_numbers_and_sequences() {
        assert!(
            binary(BinOp::Add, &int(1), &Value::Float(0.5))
                .unwrap()
                .py_eq(&Value::Float(1.5))
        );
        assert!(
            binary(BinOp::Pow, &int(2), &int(-1))
                .unwrap()
                .py_eq(&Value::Float(0.5))
        );
        assert!(
            compare(
                CmpOp::Lt,
                &Value::tuple(vec![int(1), int(2)]),
                &Value::tuple(vec![int(1), int(3)])
            )
            .unwrap()
            .truthy()
        );
        assert!(contains(&Value::list(vec![int(1), int(2)]), &Value::Float(2.0)).unwrap());
    }
}
