//! The optional `start`/`end` bounds of `str.find`, `str.count`, `str.startswith`,
//! `str.endswith` and `list.index`/`tuple.index`, adjusted as CPython adjusts them.

use super::exc::{Exc, type_error};
use super::value::Value;

/// A `start`/`end` argument of a string method: an int, `None` or absent.
fn bound(v: Option<&Value>) -> Result<Option<i64>, Exc> {
    match v {
        None | Some(Value::None) => Ok(None),
        Some(Value::Int(i)) => Ok(Some(*i)),
        Some(Value::Bool(b)) => Ok(Some(*b as i64)),
        Some(_) => Err(type_error(
            "slice indices must be integers or None or have an __index__ method",
        )),
    }
}

/// CPython's `ADJUST_INDICES`: negative bounds count from the end (floored at 0), `end` is
/// capped at `len`; `start` may stay beyond `len`.
fn adjust(start: Option<i64>, end: Option<i64>, len: usize) -> (i64, i64) {
    let len = len as i64;
    let from_end = |i: i64| if i < 0 { (i + len).max(0) } else { i };
    (
        from_end(start.unwrap_or(0)),
        from_end(end.unwrap_or(len)).min(len),
    )
}

/// The part of `s` between the `start` and `end` arguments (char indices), with its offset
/// in chars, or `None` when that window is shorter than `need` chars (or starts past the end).
pub fn window(s: &str, bounds: &[Value], need: usize) -> Result<Option<(usize, String)>, Exc> {
    let (start, end) = (bound(bounds.first())?, bound(bounds.get(1))?);
    let n = s.chars().count();
    let (start, end) = adjust(start, end, n);
    if start > n as i64 || end - start < need as i64 {
        return Ok(None);
    }
    let (start, end) = (start as usize, end as usize);
    Ok(Some((
        start,
        s.chars().skip(start).take(end - start).collect(),
    )))
}

/// `str.startswith` / `str.endswith`: `prefix` is a str or a tuple of strs.
pub fn affix(s: &str, name: &str, prefix: &Value, bounds: &[Value]) -> Result<bool, Exc> {
    let test = |p: &str| -> Result<bool, Exc> {
        Ok(match window(s, bounds, p.chars().count())? {
            None => false,
            Some((_, w)) if name == "startswith" => w.starts_with(p),
            Some((_, w)) => w.ends_with(p),
        })
    };
    match prefix {
        Value::Str(p) => test(p),
        Value::Tuple(items) => {
            for item in items.iter() {
                match item {
                    Value::Str(p) => {
                        if test(p)? {
                            return Ok(true);
                        }
                    }
                    other => {
                        return Err(type_error(format!(
                            "tuple for {name} must only contain str, not {}",
                            other.type_name()
                        )));
                    }
                }
            }
            Ok(false)
        }
        other => Err(type_error(format!(
            "{name} first arg must be str or a tuple of str, not {}",
            other.type_name()
        ))),
    }
}

/// The first position of `item` in `items[start:stop]` for `list.index`/`tuple.index`,
/// whose bounds must be ints.
pub fn index_of(items: &[Value], item: &Value, bounds: &[Value]) -> Result<Option<usize>, Exc> {
    let mut b = [0i64, i64::MAX];
    for (slot, v) in b.iter_mut().zip(bounds) {
        *slot = match v {
            Value::Int(i) => *i,
            Value::Bool(x) => *x as i64,
            _ => {
                return Err(type_error(
                    "slice indices must be integers or have an __index__ method",
                ));
            }
        };
    }
    let (start, stop) = adjust(Some(b[0]), Some(b[1]), items.len());
    Ok((start..stop)
        .map(|i| i as usize)
        .find(|&i| items[i].py_eq(item)))
}
