//! Builtin functions. Arguments arrive bound to the signatures of
//! [`crate::lang::builtins`]: one `Option` per parameter (`*args` as a tuple, `**kwargs` as a
//! dict). The ones that need the run (print, sleep, threads, futures) are in `builtins_rt`.

use super::exc::{Exc, exc, kind, type_error, value_error};
use super::format::{repr_of, str_of};
use super::seq::to_vec;
use super::value::Value;
use crate::sync::wait::{Ctx, OpState, Outcome};

/// A builtin function: an index into [`crate::lang::builtins::functions`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Builtin(pub u16);

impl Builtin {
    /// The builtin named `name`.
    pub fn from_name(name: &str) -> Option<Builtin> {
        crate::lang::builtins::functions()
            .iter()
            .position(|s| s.name == name)
            .map(|i| Builtin(i as u16))
    }

    /// Its name.
    pub fn name(self) -> &'static str {
        &crate::lang::builtins::functions()[self.0 as usize].name
    }

    /// Its signature.
    pub fn signature(self) -> &'static crate::lang::signature::Signature {
        &crate::lang::builtins::functions()[self.0 as usize]
    }
}

impl From<Builtin> for u16 {
    fn from(b: Builtin) -> u16 {
        b.0
    }
}

/// Argument `i`, if given.
pub(super) fn arg(args: &[Option<Value>], i: usize) -> Option<&Value> {
    args.get(i).and_then(|a| a.as_ref())
}

/// The items of a `*args` parameter.
fn rest(args: &[Option<Value>], i: usize) -> Vec<Value> {
    match arg(args, i) {
        Some(Value::Tuple(t)) => t.to_vec(),
        _ => Vec::new(),
    }
}

/// An integer argument, with Python's error for other types.
pub(super) fn int_arg(v: &Value) -> Result<i64, Exc> {
    match v {
        Value::Int(i) => Ok(*i),
        Value::Bool(b) => Ok(*b as i64),
        other => Err(super::exc::not_an_integer(other)),
    }
}

/// Calls builtin `b`.
pub fn call(b: Builtin, ctx: &mut Ctx<'_>, args: &[Option<Value>], st: &mut OpState) -> Outcome {
    let name = b.name();
    let pure = match name {
        "len" => {
            super::seq::len(arg(args, 0).unwrap_or(&Value::None)).map(|n| Value::Int(n as i64))
        }
        "range" => range(args),
        "str" => Ok(Value::str(arg(args, 0).map_or(String::new(), str_of))),
        "repr" => Ok(Value::str(repr_of(arg(args, 0).unwrap_or(&Value::None)))),
        "int" => to_int(args),
        "float" => to_float(arg(args, 0)),
        "bool" => Ok(Value::Bool(arg(args, 0).is_some_and(Value::truthy))),
        "abs" => abs(arg(args, 0).unwrap_or(&Value::None)),
        "list" => arg(args, 0).map_or(Ok(Vec::new()), to_vec).map(Value::list),
        "tuple" => arg(args, 0)
            .map_or(Ok(Vec::new()), to_vec)
            .map(Value::tuple),
        "dict" => dict(args),
        "sum" => sum(args),
        "round" => round(args),
        "any" => to_vec(arg(args, 0).unwrap_or(&Value::None))
            .map(|v| Value::Bool(v.iter().any(Value::truthy))),
        "all" => to_vec(arg(args, 0).unwrap_or(&Value::None))
            .map(|v| Value::Bool(v.iter().all(Value::truthy))),
        "zip" => zip(args),
        "reversed" => to_vec(arg(args, 0).unwrap_or(&Value::None)).map(|mut v| {
            v.reverse();
            Value::list(v)
        }),
        "sorted" => {
            let items = match to_vec(arg(args, 0).unwrap_or(&Value::None)) {
                Ok(v) => v,
                Err(e) => return Outcome::Raise(e),
            };
            let reverse = arg(args, 2).is_some_and(Value::truthy);
            if let Some(key) = arg(args, 1).filter(|k| !matches!(k, Value::None)) {
                let f = ctx.world.prelude("__thr_sorted_key");
                return Outcome::Invoke(
                    f,
                    vec![Value::list(items), key.clone(), Value::Bool(reverse)],
                );
            }
            let mut items = items;
            super::ops::sort(&mut items, reverse).map(|()| Value::list(items))
        }
        "min" | "max" => return min_max(name, ctx, args),
        _ => return super::builtins_rt::call(name, ctx, args, st),
    };
    pure.into()
}

fn range(args: &[Option<Value>]) -> Result<Value, Exc> {
    let a = int_arg(arg(args, 0).unwrap_or(&Value::None))?;
    let (start, stop) = match arg(args, 1) {
        Some(b) => (a, int_arg(b)?),
        None => (0, a),
    };
    let step = match arg(args, 2) {
        Some(s) => int_arg(s)?,
        None => 1,
    };
    if step == 0 {
        return Err(value_error("range() arg 3 must not be zero"));
    }
    Ok(Value::Range(std::sync::Arc::new((start, stop, step))))
}

fn to_int(args: &[Option<Value>]) -> Result<Value, Exc> {
    let Some(v) = arg(args, 0) else {
        return Ok(Value::Int(0));
    };
    let base = match arg(args, 1) {
        Some(b) => Some(int_arg(b)?),
        None => None,
    };
    match (v, base) {
        (Value::Int(_), None) => Ok(v.clone()),
        (Value::Bool(b), None) => Ok(Value::Int(*b as i64)),
        (Value::Float(f), None) => {
            if !f.is_finite() {
                let what = if f.is_nan() {
                    "cannot convert float NaN to integer"
                } else {
                    "cannot convert float infinity to integer"
                };
                return Err(exc(
                    if f.is_nan() {
                        kind::ValueError
                    } else {
                        kind::OverflowError
                    },
                    what,
                ));
            }
            if f.trunc().abs() >= 9.223372036854776e18 {
                return Err(super::exc::overflow());
            }
            Ok(Value::Int(f.trunc() as i64))
        }
        (Value::Str(s), base) => {
            let asked = base.unwrap_or(10);
            let mut b = asked;
            if b != 0 && !(2..=36).contains(&b) {
                return Err(value_error("int() base must be >= 2 and <= 36, or 0"));
            }
            let text = s.trim();
            let (neg, digits) = match text.strip_prefix('-') {
                Some(d) => (true, d.to_string()),
                None => (false, text.strip_prefix('+').unwrap_or(text).to_string()),
            };
            let lower = digits.to_ascii_lowercase();
            if b == 0 {
                b = match lower.get(..2) {
                    Some("0x") => 16,
                    Some("0o") => 8,
                    Some("0b") => 2,
                    _ => 10,
                };
            }
            let (prefixed, digits) = match (b, lower.get(..2)) {
                (16, Some("0x")) | (8, Some("0o")) | (2, Some("0b")) => {
                    (true, digits[2..].to_string())
                }
                _ => (false, digits),
            };
            // One sign only; an underscore only between digits (or right after a base prefix).
            let bad = digits.starts_with(['+', '-'])
                || digits.ends_with('_')
                || digits.contains("__")
                || (!prefixed && digits.starts_with('_'))
                // Base 0 reads a literal: no leading zeros on a nonzero decimal.
                || (asked == 0
                    && !prefixed
                    && digits.starts_with('0')
                    && !digits.trim_start_matches(['0', '_']).is_empty());
            let digits = if bad {
                String::new()
            } else {
                digits.replace('_', "")
            };
            match i128::from_str_radix(&digits, b as u32) {
                // A valid literal too big for 64 bits is an overflow (Python would grow).
                Ok(i) if !digits.is_empty() => i64::try_from(if neg { -i } else { i })
                    .map(Value::Int)
                    .map_err(|_| super::exc::overflow()),
                Err(e) if *e.kind() == std::num::IntErrorKind::PosOverflow => {
                    Err(super::exc::overflow())
                }
                _ => Err(value_error(format!(
                    "invalid literal for int() with base {asked}: {}",
                    repr_of(v)
                ))),
            }
        }
        (other, None) => Err(type_error(format!(
            "int() argument must be a string, a bytes-like object or a real number, not '{}'",
            other.type_name()
        ))),
        (_, Some(_)) => Err(type_error(
            "int() can't convert non-string with explicit base",
        )),
    }
}

fn to_float(v: Option<&Value>) -> Result<Value, Exc> {
    match v {
        None => Ok(Value::Float(0.0)),
        Some(Value::Float(_)) => Ok(v.unwrap().clone()),
        Some(Value::Int(i)) => Ok(Value::Float(*i as f64)),
        Some(Value::Bool(b)) => Ok(Value::Float(*b as i64 as f64)),
        Some(Value::Str(s)) => {
            let t = s.trim().to_lowercase().replace('_', "");
            let parsed = match t.as_str() {
                "inf" | "+inf" | "infinity" => Some(f64::INFINITY),
                "-inf" | "-infinity" => Some(f64::NEG_INFINITY),
                "nan" | "+nan" | "-nan" => Some(f64::NAN),
                _ => t.parse::<f64>().ok(),
            };
            parsed.map(Value::Float).ok_or_else(|| {
                value_error(format!(
                    "could not convert string to float: {}",
                    repr_of(v.unwrap())
                ))
            })
        }
        Some(other) => Err(type_error(format!(
            "float() argument must be a string or a real number, not '{}'",
            other.type_name()
        ))),
    }
}

fn abs(v: &Value) -> Result<Value, Exc> {
    match v {
        Value::Int(i) => i
            .checked_abs()
            .map(Value::Int)
            .ok_or_else(super::exc::overflow),
        Value::Bool(b) => Ok(Value::Int(*b as i64)),
        Value::Float(f) => Ok(Value::Float(f.abs())),
        other => Err(type_error(format!(
            "bad operand type for abs(): '{}'",
            other.type_name()
        ))),
    }
}

fn dict(args: &[Option<Value>]) -> Result<Value, Exc> {
    let mut pairs = Vec::new();
    for a in rest(args, 0) {
        match &a {
            Value::Dict(d) => {
                pairs.extend(d.items.lock().iter().map(|(k, v)| (k.0.clone(), v.clone())))
            }
            other => {
                for p in to_vec(other)? {
                    let kv = to_vec(&p)?;
                    if kv.len() != 2 {
                        return Err(value_error(format!(
                            "dictionary update sequence element #0 has length {}; 2 is required",
                            kv.len()
                        )));
                    }
                    pairs.push((kv[0].clone(), kv[1].clone()));
                }
            }
        }
    }
    if let Some(Value::Dict(kw)) = arg(args, 1) {
        pairs.extend(
            kw.items
                .lock()
                .iter()
                .map(|(k, v)| (k.0.clone(), v.clone())),
        );
    }
    super::seq::dict_from(pairs)
}

fn sum(args: &[Option<Value>]) -> Result<Value, Exc> {
    let mut total = arg(args, 1).cloned().unwrap_or(Value::Int(0));
    if let Value::Str(_) = total {
        return Err(type_error(
            "sum() can't sum strings [use ''.join(seq) instead]",
        ));
    }
    for x in to_vec(arg(args, 0).unwrap_or(&Value::None))? {
        total = super::ops::binary(crate::syntax::ast::BinOp::Add, &total, &x)?;
    }
    Ok(total)
}

fn round(args: &[Option<Value>]) -> Result<Value, Exc> {
    let v = arg(args, 0).unwrap_or(&Value::None);
    let digits = match arg(args, 1) {
        None | Some(Value::None) => None,
        Some(d) => Some(int_arg(d)?),
    };
    match (v, digits) {
        (Value::Int(_) | Value::Bool(_), None) => Ok(Value::Int(int_arg(v)?)),
        (Value::Int(_) | Value::Bool(_), Some(d)) if d >= 0 => Ok(Value::Int(int_arg(v)?)),
        (Value::Int(_) | Value::Bool(_), Some(d)) => {
            // Round half to even at 10**-d.
            let i = int_arg(v)?;
            if -d > 18 {
                return Ok(Value::Int(0));
            }
            let m = 10i64.pow((-d) as u32);
            let (q, r) = (i.div_euclid(m), i.rem_euclid(m));
            let up = r * 2 > m || (r * 2 == m && q % 2 != 0);
            Ok(Value::Int((q + up as i64) * m))
        }
        (Value::Float(f), None) => {
            if f.is_nan() {
                return Err(value_error("cannot convert float NaN to integer"));
            }
            if f.is_infinite() {
                return Err(exc(
                    kind::OverflowError,
                    "cannot convert float infinity to integer",
                ));
            }
            let r = f.round_ties_even();
            if r.abs() >= 9.223372036854776e18 {
                return Err(super::exc::overflow());
            }
            Ok(Value::Int(r as i64))
        }
        (Value::Float(f), Some(d)) => {
            if !f.is_finite() || d > 300 {
                return Ok(Value::Float(*f));
            }
            if d >= 0 {
                // The exact binary value's decimal text, rounded half to even, as CPython.
                let text = format!("{:.*}", d as usize, f);
                return Ok(Value::Float(text.parse().unwrap_or(*f)));
            }
            let m = 10f64.powi((-d) as i32);
            Ok(Value::Float((f / m).round_ties_even() * m))
        }
        (other, _) => Err(type_error(format!(
            "type {} doesn't define __round__ method",
            other.type_name()
        ))),
    }
}

fn zip(args: &[Option<Value>]) -> Result<Value, Exc> {
    let lists = rest(args, 0)
        .iter()
        .map(to_vec)
        .collect::<Result<Vec<_>, _>>()?;
    let n = lists.iter().map(Vec::len).min().unwrap_or(0);
    Ok(Value::list(
        (0..n)
            .map(|i| Value::tuple(lists.iter().map(|l| l[i].clone()).collect()))
            .collect(),
    ))
}

fn min_max(name: &str, ctx: &mut Ctx<'_>, args: &[Option<Value>]) -> Outcome {
    let positional = rest(args, 0);
    if positional.len() > 1 && arg(args, 2).is_some() {
        return Outcome::Raise(type_error(format!(
            "Cannot specify a default for {name}() with multiple positional arguments"
        )));
    }
    let items = match positional.as_slice() {
        [one] => match to_vec(one) {
            Ok(v) => v,
            Err(e) => return Outcome::Raise(e),
        },
        [] => {
            return Outcome::Raise(type_error(format!(
                "{name} expected at least 1 argument, got 0"
            )));
        }
        many => many.to_vec(),
    };
    if items.is_empty() {
        return match arg(args, 2) {
            Some(d) => Outcome::Done(d.clone()),
            None => Outcome::Raise(value_error(format!("{name}() arg is an empty sequence"))),
        };
    }
    if let Some(key) = arg(args, 1).filter(|k| !matches!(k, Value::None)) {
        let f = ctx.world.prelude("__thr_min_max_key");
        return Outcome::Invoke(
            f,
            vec![Value::list(items), key.clone(), Value::Bool(name == "max")],
        );
    }
    // CPython compares `item > best` for max and `item < best` for min.
    let op = if name == "max" {
        crate::syntax::ast::CmpOp::Gt
    } else {
        crate::syntax::ast::CmpOp::Lt
    };
    let mut best = items[0].clone();
    for x in &items[1..] {
        match super::ops::rich_compare(op, x, &best) {
            Ok(true) => best = x.clone(),
            Ok(false) => {}
            Err(e) => return Outcome::Raise(e),
        }
    }
    Outcome::Done(best)
}
