//! Containers: indexing, slicing, iteration, length, and the methods of lists, dicts,
//! strings and tuples. One call on a list or dict locks it once (an atomic step).

use std::sync::Arc;

use indexmap::IndexMap;

use super::exc::{Exc, exc, kind, type_error, value_error};
use super::format::{repr_of, str_of};
use super::value::{IterState, Key, Value, range_len};

fn index_error(what: &str) -> Exc {
    exc(kind::IndexError, format!("{what} index out of range"))
}

fn key_error(k: &Value) -> Exc {
    super::exc::Exception::new(kind::KeyError, vec![k.clone()])
}

/// Normalises a Python index for a sequence of `len` items.
fn position(i: &Value, len: usize, what: &str) -> Result<usize, Exc> {
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
        other => Err(type_error(format!(
            "'{}' object is not subscriptable",
            other.type_name()
        ))),
    }
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
        Value::Dict(d) => IterState::Items(d.items.lock().keys().map(|k| k.0.clone()).collect(), 0),
        other => {
            return Err(type_error(format!(
                "'{}' object is not iterable",
                other.type_name()
            )));
        }
    })
}

/// The next item of an iteration.
pub fn next(it: &mut IterState) -> Option<Value> {
    match it {
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
    }
}

/// All items of an iterable.
pub fn to_vec(v: &Value) -> Result<Vec<Value>, Exc> {
    match v {
        Value::List(l) => Ok(l.items.lock().clone()),
        Value::Tuple(t) => Ok(t.to_vec()),
        _ => {
            let mut it = iter(v)?;
            let mut out = Vec::new();
            while let Some(x) = next(&mut it) {
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

fn expect_args(name: &str, args: &[Value], min: usize, max: usize) -> Result<(), Exc> {
    if args.len() < min || args.len() > max {
        let takes = if min == max {
            format!("exactly {min} argument{}", if min == 1 { "" } else { "s" })
        } else if args.len() < min {
            format!("at least {min} argument{}", if min == 1 { "" } else { "s" })
        } else {
            format!("at most {max} argument{}", if max == 1 { "" } else { "s" })
        };
        return Err(type_error(format!(
            "{name}() takes {takes} ({} given)",
            args.len()
        )));
    }
    Ok(())
}

/// Calls method `name` on a list, dict, string or tuple; `None` when there is no such
/// method. Keyword arguments are not accepted here except by the caller for `sort`.
pub fn call_method(
    v: &Value,
    name: &str,
    args: &[Value],
    kwargs: &[(Arc<str>, Value)],
) -> Option<Result<Value, Exc>> {
    use crate::lang::kinds::Kind;
    let kind = match v {
        Value::List(_) => Kind::List,
        Value::Dict(_) => Kind::Dict,
        Value::Str(_) => Kind::Str,
        Value::Tuple(_) => Kind::Tuple,
        _ => return None,
    };
    kind.method(name)?;
    let r = match v {
        Value::List(l) => list_method(l, name, args, kwargs),
        Value::Dict(d) => dict_method(d, name, args),
        Value::Str(s) => str_method(s, name, args),
        Value::Tuple(t) => match name {
            "count" => expect_args(name, args, 1, 1)
                .map(|()| Value::Int(t.iter().filter(|x| x.py_eq(&args[0])).count() as i64)),
            "index" => expect_args(name, args, 1, 1).and_then(|()| {
                t.iter()
                    .position(|x| x.py_eq(&args[0]))
                    .map(|i| Value::Int(i as i64))
                    .ok_or_else(|| value_error("tuple.index(x): x not in tuple"))
            }),
            _ => return None,
        },
        _ => return None,
    };
    Some(r)
}

fn list_method(
    l: &super::value::List,
    name: &str,
    args: &[Value],
    kwargs: &[(Arc<str>, Value)],
) -> Result<Value, Exc> {
    let check = |min, max| expect_args(name, args, min, max);
    (|| -> Result<Value, Exc> {
        match name {
            "append" => {
                check(1, 1)?;
                l.items.lock().push(args[0].clone());
            }
            "extend" => {
                check(1, 1)?;
                let more = to_vec(&args[0])?;
                l.items.lock().extend(more);
            }
            "insert" => {
                check(2, 2)?;
                let mut items = l.items.lock();
                let n = items.len() as i64;
                let i = match &args[0] {
                    Value::Int(i) => *i,
                    other => {
                        return Err(type_error(format!(
                            "'{}' object cannot be interpreted as an integer",
                            other.type_name()
                        )));
                    }
                };
                let at = if i < 0 { (i + n).max(0) } else { i.min(n) } as usize;
                items.insert(at, args[1].clone());
            }
            "pop" => {
                check(0, 1)?;
                let mut items = l.items.lock();
                if items.is_empty() {
                    return Err(exc(kind::IndexError, "pop from empty list"));
                }
                let at = match args.first() {
                    Some(i) => position(i, items.len(), "pop")?,
                    None => items.len() - 1,
                };
                return Ok(items.remove(at));
            }
            "remove" => {
                check(1, 1)?;
                let mut items = l.items.lock();
                let at = items
                    .iter()
                    .position(|x| x.py_eq(&args[0]))
                    .ok_or_else(|| value_error("list.remove(x): x not in list"))?;
                items.remove(at);
            }
            "index" => {
                check(1, 1)?;
                let items = l.items.lock();
                return items
                    .iter()
                    .position(|x| x.py_eq(&args[0]))
                    .map(|i| Value::Int(i as i64))
                    .ok_or_else(|| value_error(format!("{} is not in list", repr_of(&args[0]))));
            }
            "count" => {
                check(1, 1)?;
                return Ok(Value::Int(
                    l.items.lock().iter().filter(|x| x.py_eq(&args[0])).count() as i64,
                ));
            }
            "reverse" => {
                check(0, 0)?;
                l.items.lock().reverse();
            }
            "clear" => {
                check(0, 0)?;
                l.items.lock().clear();
            }
            "copy" => {
                check(0, 0)?;
                return Ok(Value::list(l.items.lock().clone()));
            }
            "sort" => {
                check(0, 0)?;
                let reverse = kwargs.iter().any(|(k, v)| &**k == "reverse" && v.truthy());
                let mut items = l.items.lock().clone();
                sort_values(&mut items)?;
                if reverse {
                    items.reverse();
                }
                *l.items.lock() = items;
            }
            _ => unreachable!("checked against the catalog"),
        }
        Ok(Value::None)
    })()
}

/// Sorts with Python's `<`, failing on values that can't be compared.
pub fn sort_values(items: &mut [Value]) -> Result<(), Exc> {
    let mut error = None;
    items.sort_by(|a, b| match super::ops::order(a, b) {
        Some(o) => o,
        None => {
            if error.is_none() {
                error = Some(type_error(format!(
                    "'<' not supported between instances of '{}' and '{}'",
                    b.type_name(),
                    a.type_name()
                )));
            }
            std::cmp::Ordering::Equal
        }
    });
    error.map_or(Ok(()), Err)
}

fn dict_method(d: &super::value::Dict, name: &str, args: &[Value]) -> Result<Value, Exc> {
    let check = |min, max| expect_args(name, args, min, max);
    let key = |v: &Value| v.to_key().map_err(type_error);
    (|| -> Result<Value, Exc> {
        Ok(match name {
            "get" => {
                check(1, 2)?;
                let k = key(&args[0])?;
                d.items
                    .lock()
                    .get(&k)
                    .cloned()
                    .unwrap_or_else(|| args.get(1).cloned().unwrap_or(Value::None))
            }
            "keys" => Value::list(d.items.lock().keys().map(|k| k.0.clone()).collect()),
            "values" => Value::list(d.items.lock().values().cloned().collect()),
            "items" => Value::list(
                d.items
                    .lock()
                    .iter()
                    .map(|(k, v)| Value::tuple(vec![k.0.clone(), v.clone()]))
                    .collect(),
            ),
            "pop" => {
                check(1, 2)?;
                let k = key(&args[0])?;
                match d.items.lock().shift_remove(&k) {
                    Some(v) => v,
                    None => args.get(1).cloned().ok_or_else(|| key_error(&args[0]))?,
                }
            }
            "setdefault" => {
                check(1, 2)?;
                let k = key(&args[0])?;
                d.items
                    .lock()
                    .entry(k)
                    .or_insert_with(|| args.get(1).cloned().unwrap_or(Value::None))
                    .clone()
            }
            "update" => {
                check(1, 1)?;
                let pairs: Vec<(Key, Value)> = match &args[0] {
                    Value::Dict(o) => o
                        .items
                        .lock()
                        .iter()
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                    other => to_vec(other)?
                        .into_iter()
                        .map(|p| {
                            let kv = to_vec(&p)?;
                            if kv.len() != 2 {
                                return Err(value_error(
                                    "dictionary update sequence element has wrong length",
                                ));
                            }
                            Ok((key(&kv[0])?, kv[1].clone()))
                        })
                        .collect::<Result<_, _>>()?,
                };
                d.items.lock().extend(pairs);
                Value::None
            }
            "clear" => {
                d.items.lock().clear();
                Value::None
            }
            "copy" => Value::dict(d.items.lock().clone()),
            _ => unreachable!("checked against the catalog"),
        })
    })()
}

fn str_arg<'a>(name: &str, v: &'a Value) -> Result<&'a str, Exc> {
    match v {
        Value::Str(s) => Ok(s),
        other => Err(type_error(format!(
            "{name}() argument must be str, not {}",
            other.type_name()
        ))),
    }
}

fn str_method(s: &str, name: &str, args: &[Value]) -> Result<Value, Exc> {
    let check = |min, max| expect_args(name, args, min, max);
    (|| -> Result<Value, Exc> {
        Ok(match name {
            "startswith" => Value::Bool(
                check(1, 1)
                    .and_then(|()| str_arg(name, &args[0]))
                    .map(|p| s.starts_with(p))?,
            ),
            "endswith" => Value::Bool(
                check(1, 1)
                    .and_then(|()| str_arg(name, &args[0]))
                    .map(|p| s.ends_with(p))?,
            ),
            "upper" => Value::str(s.to_uppercase()),
            "lower" => Value::str(s.to_lowercase()),
            "isdigit" => Value::Bool(!s.is_empty() && s.chars().all(|c| c.is_ascii_digit())),
            "strip" | "lstrip" | "rstrip" => {
                check(0, 1)?;
                let set: Option<Vec<char>> = match args.first() {
                    None | Some(Value::None) => None,
                    Some(v) => Some(str_arg(name, v)?.chars().collect()),
                };
                let pat = |c: char| {
                    set.as_ref()
                        .map_or(c.is_whitespace(), |set| set.contains(&c))
                };
                Value::str(match name {
                    "strip" => s.trim_matches(pat),
                    "lstrip" => s.trim_start_matches(pat),
                    _ => s.trim_end_matches(pat),
                })
            }
            "split" => {
                check(0, 2)?;
                let max = match args.get(1) {
                    Some(Value::Int(n)) if *n >= 0 => Some(*n as usize),
                    _ => None,
                };
                let parts: Vec<Value> = match args.first() {
                    None | Some(Value::None) => match max {
                        None => s.split_whitespace().map(Value::str).collect(),
                        Some(m) => {
                            let mut v: Vec<Value> =
                                s.split_whitespace().take(m).map(Value::str).collect();
                            let rest: Vec<&str> = s.split_whitespace().skip(m).collect();
                            if !rest.is_empty() {
                                v.push(Value::str(rest.join(" ")));
                            }
                            v
                        }
                    },
                    Some(sep) => {
                        let sep = str_arg(name, sep)?;
                        if sep.is_empty() {
                            return Err(value_error("empty separator"));
                        }
                        match max {
                            None => s.split(sep).map(Value::str).collect(),
                            Some(m) => s.splitn(m + 1, sep).map(Value::str).collect(),
                        }
                    }
                };
                Value::list(parts)
            }
            "join" => {
                check(1, 1)?;
                let items = to_vec(&args[0])?;
                let mut parts = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    match item {
                        Value::Str(p) => parts.push(p.to_string()),
                        other => {
                            return Err(type_error(format!(
                                "sequence item {i}: expected str instance, {} found",
                                other.type_name()
                            )));
                        }
                    }
                }
                Value::str(parts.join(s))
            }
            "replace" => {
                check(2, 3)?;
                let (old, new) = (str_arg(name, &args[0])?, str_arg(name, &args[1])?);
                match args.get(2) {
                    Some(Value::Int(n)) if *n >= 0 => Value::str(s.replacen(old, new, *n as usize)),
                    _ => Value::str(s.replace(old, new)),
                }
            }
            "find" => {
                check(1, 1)?;
                let sub = str_arg(name, &args[0])?;
                Value::Int(s.find(sub).map_or(-1, |b| s[..b].chars().count() as i64))
            }
            "count" => {
                check(1, 1)?;
                Value::Int(s.matches(str_arg(name, &args[0])?).count() as i64)
            }
            "ljust" | "rjust" => {
                check(1, 2)?;
                let width = match &args[0] {
                    Value::Int(w) => *w as usize,
                    other => {
                        return Err(type_error(format!(
                            "'{}' object cannot be interpreted as an integer",
                            other.type_name()
                        )));
                    }
                };
                let fill = match args.get(1) {
                    Some(v) => str_arg(name, v)?.chars().next().unwrap_or(' '),
                    None => ' ',
                };
                let n = s.chars().count();
                let pad: String = std::iter::repeat_n(fill, width.saturating_sub(n)).collect();
                Value::str(if name == "ljust" {
                    format!("{s}{pad}")
                } else {
                    format!("{pad}{s}")
                })
            }
            "format" => Value::str(format_method(s, args)?),
            _ => unreachable!("checked against the catalog"),
        })
    })()
}

/// `"{} and {0}".format(...)`, with positional fields and format specs.
fn format_method(s: &str, args: &[Value]) -> Result<String, Exc> {
    let mut out = String::new();
    let mut auto = 0;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '{' => {
                let mut field = String::new();
                for d in chars.by_ref() {
                    if d == '}' {
                        break;
                    }
                    field.push(d);
                }
                let (name, spec) = field.split_once(':').unwrap_or((&field, ""));
                let index = if name.is_empty() {
                    auto += 1;
                    auto - 1
                } else {
                    name.parse::<usize>()
                        .map_err(|_| exc(kind::KeyError, format!("'{name}'")))?
                };
                let v = args.get(index).ok_or_else(|| {
                    exc(
                        kind::IndexError,
                        format!("Replacement index {index} out of range for positional args tuple"),
                    )
                })?;
                out.push_str(&super::format::format_value(v, spec)?);
            }
            c => out.push(c),
        }
    }
    Ok(out)
}

/// `str(v)` of each item joined (used by `print`).
pub fn join_str(items: &[Value], sep: &str) -> String {
    items.iter().map(str_of).collect::<Vec<_>>().join(sep)
}
