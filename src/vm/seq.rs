//! Containers: indexing, slicing, iteration and length (their methods are in
//! [`super::methods`]). One operation on a list or dict locks it once (an atomic step).

use std::sync::Arc;

use indexmap::IndexMap;

use super::exc::{Exc, exc, kind, type_error, value_error};
use super::value::{IterState, Value, range_len};
use crate::sync::Body;

fn index_error(what: &str) -> Exc {
    exc(kind::IndexError, format!("{what} index out of range"))
}

pub(super) fn key_error(k: &Value) -> Exc {
    super::exc::Exception::new(kind::KeyError, vec![k.clone()])
}

/// Normalises a Python index for a sequence of `len` items.
pub(super) fn position(i: &Value, len: usize, what: &str) -> Result<usize, Exc> {
    let i = match i {
        Value::Int(i) => *i,
        Value::Bool(b) => *b as i64,
        other => {
            return Err(type_error(format!(
                "{what} indices must be integers or slices, not {}",
                other.type_name()
            )));
        }
    };
    let j = if i < 0 { i + len as i64 } else { i };
    if j < 0 || j >= len as i64 {
        return Err(index_error(what));
    }
    Ok(j as usize)
}

/// `v[i]`.
pub fn get_item(v: &Value, i: &Value) -> Result<Value, Exc> {
    match v {
        Value::List(l) => {
            let items = l.items.lock();
            Ok(items[position(i, items.len(), "list")?].clone())
        }
        Value::Tuple(t) => Ok(t[position(i, t.len(), "tuple")?].clone()),
        Value::Str(s) => {
            if !matches!(i, Value::Int(_) | Value::Bool(_)) {
                return Err(type_error(format!(
                    "string indices must be integers, not '{}'",
                    i.type_name()
                )));
            }
            let chars: Vec<char> = s.chars().collect();
            Ok(Value::str(
                chars[position(i, chars.len(), "string")?].to_string(),
            ))
        }
        Value::Dict(d) => {
            let key = i.to_key().map_err(type_error)?;
            d.items
                .lock()
                .get(&key)
                .cloned()
                .ok_or_else(|| key_error(i))
        }
        Value::Range(r) => {
            let (start, stop, step) = **r;
            let n = range_len(start, stop, step) as usize;
            Ok(Value::Int(
                start + step * position(i, n, "range object")? as i64,
            ))
        }
        other => Err(type_error(format!(
            "'{}' object is not subscriptable",
            other.type_name()
        ))),
    }
}

/// `v[i] = x`.
pub fn set_item(v: &Value, i: &Value, x: Value) -> Result<(), Exc> {
    match v {
        Value::List(l) => {
            let mut items = l.items.lock();
            let at = position(i, items.len(), "list assignment")?;
            items[at] = x;
            Ok(())
        }
        Value::Dict(d) => {
            let key = i.to_key().map_err(type_error)?;
            d.items.lock().insert(key, x);
            Ok(())
        }
        other => Err(type_error(format!(
            "'{}' object does not support item assignment",
            other.type_name()
        ))),
    }
}

/// `del v[i]`.
pub fn del_item(v: &Value, i: &Value) -> Result<(), Exc> {
    match v {
        Value::List(l) => {
            let mut items = l.items.lock();
            let at = position(i, items.len(), "list assignment")?;
            items.remove(at);
            Ok(())
        }
        Value::Dict(d) => {
            let key = i.to_key().map_err(type_error)?;
            d.items
                .lock()
                .shift_remove(&key)
                .map(|_| ())
                .ok_or_else(|| key_error(i))
        }
        other => Err(type_error(format!(
            "'{}' object doesn't support item deletion",
            other.type_name()
        ))),
    }
}

/// Python's slice indices for a sequence of `len` items.
fn slice_indices(
    len: usize,
    lower: &Value,
    upper: &Value,
    step: &Value,
) -> Result<Vec<usize>, Exc> {
    let int = |v: &Value| -> Result<Option<i64>, Exc> {
        match v {
            Value::None => Ok(None),
            Value::Int(i) => Ok(Some(*i)),
            Value::Bool(b) => Ok(Some(*b as i64)),
            _ => Err(type_error(
                "slice indices must be integers or None or have an __index__ method",
            )),
        }
    };
    let n = len as i64;
    let step = int(step)?.unwrap_or(1);
    if step == 0 {
        return Err(value_error("slice step cannot be zero"));
    }
    let clamp = |v: Option<i64>, default: i64, lo: i64, hi: i64| match v {
        None => default,
        Some(i) if i < 0 => (i + n).max(lo),
        Some(i) => i.min(hi),
    };
    let (start, stop) = if step > 0 {
        (clamp(int(lower)?, 0, 0, n), clamp(int(upper)?, n, 0, n))
    } else {
        (
            clamp(int(lower)?, n - 1, -1, n - 1),
            clamp(int(upper)?, -1, -1, n - 1),
        )
    };
    let mut out = Vec::new();
    let mut i = start;
    while (step > 0 && i < stop) || (step < 0 && i > stop) {
        out.push(i as usize);
        i += step;
    }
    Ok(out)
}

/// `v[lower:upper:step]`.
pub fn get_slice(v: &Value, lower: &Value, upper: &Value, step: &Value) -> Result<Value, Exc> {
    match v {
        Value::List(l) => {
            let items = l.items.lock();
            let picked = slice_indices(items.len(), lower, upper, step)?;
            Ok(Value::list(
                picked.into_iter().map(|i| items[i].clone()).collect(),
            ))
        }
        Value::Tuple(t) => {
            let picked = slice_indices(t.len(), lower, upper, step)?;
            Ok(Value::tuple(
                picked.into_iter().map(|i| t[i].clone()).collect(),
            ))
        }
        Value::Str(s) => {
            let chars: Vec<char> = s.chars().collect();
            let picked = slice_indices(chars.len(), lower, upper, step)?;
            Ok(Value::str(
                picked.into_iter().map(|i| chars[i]).collect::<String>(),
            ))
        }
        Value::Range(r) => {
            let (start, _, rstep) = **r;
            let n = range_len(r.0, r.1, r.2) as usize;
            let picked = slice_indices(n, lower, upper, step)?;
            let k = match step {
                Value::None => 1,
                s => super::builtins::int_arg(s)?,
            };
            let first = picked.first().map_or(start, |&i| start + rstep * i as i64);
            let stop = first + rstep * k * picked.len() as i64;
            Ok(Value::Range(Arc::new((first, stop, rstep * k))))
        }
        other => Err(type_error(format!(
            "'{}' object is not subscriptable",
            other.type_name()
        ))),
    }
}

/// The start of a slice with step 1, clamped as Python clamps it (for insertions).
fn slice_start(len: usize, lower: &Value) -> Result<usize, Exc> {
    let n = len as i64;
    Ok(match lower {
        Value::None => 0,
        v => {
            let i = super::builtins::int_arg(v)?;
            (if i < 0 { (i + n).max(0) } else { i.min(n) }) as usize
        }
    })
}

/// `v[lower:upper:step] = x`.
pub fn set_slice(
    v: &Value,
    lower: &Value,
    upper: &Value,
    step: &Value,
    x: &Value,
) -> Result<(), Exc> {
    let Value::List(l) = v else {
        return Err(type_error(format!(
            "'{}' object does not support item assignment",
            v.type_name()
        )));
    };
    let new = to_vec(x).map_err(|_| type_error("can only assign an iterable"))?;
    let mut items = l.items.lock();
    let indices = slice_indices(items.len(), lower, upper, step)?;
    if matches!(step, Value::None | Value::Int(1)) {
        let start = match indices.first() {
            Some(&i) => i,
            None => slice_start(items.len(), lower)?,
        };
        items.splice(start..start + indices.len(), new);
        return Ok(());
    }
    if indices.len() != new.len() {
        return Err(value_error(format!(
            "attempt to assign sequence of size {} to extended slice of size {}",
            new.len(),
            indices.len()
        )));
    }
    for (i, x) in indices.into_iter().zip(new) {
        items[i] = x;
    }
    Ok(())
}

/// `del v[lower:upper:step]`.
pub fn del_slice(v: &Value, lower: &Value, upper: &Value, step: &Value) -> Result<(), Exc> {
    let Value::List(l) = v else {
        return Err(type_error(format!(
            "'{}' object doesn't support item deletion",
            v.type_name()
        )));
    };
    let mut items = l.items.lock();
    let mut indices = slice_indices(items.len(), lower, upper, step)?;
    indices.sort_unstable();
    for i in indices.into_iter().rev() {
        items.remove(i);
    }
    Ok(())
}

/// `len(v)`.
pub fn len(v: &Value) -> Result<usize, Exc> {
    Ok(match v {
        Value::Str(s) => s.chars().count(),
        Value::List(l) => l.items.lock().len(),
        Value::Tuple(t) => t.len(),
        Value::Dict(d) => d.items.lock().len(),
        Value::Range(r) => range_len(r.0, r.1, r.2) as usize,
        other => {
            return Err(type_error(format!(
                "object of type '{}' has no len()",
                other.type_name()
            )));
        }
    })
}

/// An iteration over `v`.
pub fn iter(v: &Value) -> Result<IterState, Exc> {
    Ok(match v {
        Value::List(_) | Value::Tuple(_) => IterState::Seq(v.clone(), 0),
        Value::Str(s) => {
            IterState::Items(s.chars().map(|c| Value::str(c.to_string())).collect(), 0)
        }
        Value::Range(r) => IterState::Range(r.0, r.1, r.2),
        Value::Dict(d) => IterState::Dict(
            v.clone(),
            d.items.lock().keys().map(|k| k.0.clone()).collect(),
            0,
        ),
        Value::Object(o) if matches!(o.body, Body::Completions(_)) => {
            IterState::Completions(o.clone())
        }
        other => {
            return Err(type_error(format!(
                "'{}' object is not iterable",
                other.type_name()
            )));
        }
    })
}

/// The next item of an iteration; a dict that changed size since the iteration began
/// raises `RuntimeError`, as in Python.
pub fn next(it: &mut IterState) -> Result<Option<Value>, Exc> {
    Ok(match it {
        IterState::Seq(v, i) => {
            let item = match v {
                Value::List(l) => l.items.lock().get(*i).cloned(),
                Value::Tuple(t) => t.get(*i).cloned(),
                _ => None,
            };
            *i += 1;
            item
        }
        IterState::Range(cur, stop, step) => {
            if (*step > 0 && *cur < *stop) || (*step < 0 && *cur > *stop) {
                let v = *cur;
                *cur += *step;
                Some(Value::Int(v))
            } else {
                None
            }
        }
        IterState::Items(items, i) => {
            let item = items.get(*i).cloned();
            *i += 1;
            item
        }
        IterState::Dict(Value::Dict(d), keys, i) => {
            if d.items.lock().len() != keys.len() {
                return Err(super::exc::exc(
                    super::exc::kind::RuntimeError,
                    "dictionary changed size during iteration",
                ));
            }
            let item = keys.get(*i).cloned();
            *i += 1;
            item
        }
        IterState::Dict(..) => None,
        // Taken only when no future is left to wait for; else the VM waits and asks again.
        IterState::Completions(g) => match &g.body {
            Body::Completions(c) => c.take_if_all_done(g)?.map(Value::Object),
            _ => None,
        },
    })
}

/// All items of an iterable.
pub fn to_vec(v: &Value) -> Result<Vec<Value>, Exc> {
    match v {
        Value::List(l) => Ok(l.items.lock().clone()),
        Value::Tuple(t) => Ok(t.to_vec()),
        _ => {
            let mut it = iter(v)?;
            let mut out = Vec::new();
            while let Some(x) = next(&mut it)? {
                out.push(x);
            }
            Ok(out)
        }
    }
}

/// A dict from key/value pairs.
pub fn dict_from(pairs: Vec<(Value, Value)>) -> Result<Value, Exc> {
    let mut map = IndexMap::new();
    for (k, v) in pairs {
        map.insert(k.to_key().map_err(type_error)?, v);
    }
    Ok(Value::dict(map))
}
