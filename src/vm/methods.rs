//! The methods of lists, dicts, strings and tuples, with CPython's messages for wrong
//! arguments. One call on a list or dict locks it once (an atomic step).

use std::sync::Arc;

use super::seq::{key_error, position, to_vec};

use super::exc::{Exc, exc, kind, type_error, value_error};
use super::format::{repr_of, str_of};
use super::value::{Key, Value};

/// Checks the number of arguments of a builtin method, with CPython's wording
/// (`list.append() takes exactly one argument (0 given)`).
fn expect_args(name: &str, args: &[Value], min: usize, max: usize) -> Result<(), Exc> {
    let n = args.len();
    if (min..=max).contains(&n) {
        return Ok(());
    }
    let plural = |k: usize| if k == 1 { "" } else { "s" };
    let short = name.rsplit('.').next().unwrap_or(name);
    Err(type_error(match (min, max) {
        (1, 1) => format!("{name}() takes exactly one argument ({n} given)"),
        (0, 0) => format!("{name}() takes no arguments ({n} given)"),
        _ if n < min => format!(
            "{short} expected at least {min} argument{}, got {n}",
            plural(min)
        ),
        _ => format!(
            "{short} expected at most {max} argument{}, got {n}",
            plural(max)
        ),
    }))
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
    let qualified = format!("{}.{name}", v.type_name());
    // Only `str.split` and `list.sort` take keywords, as in Python.
    let mut args = args.to_vec();
    let mut reverse = false;
    let mut format_kwargs = Vec::new();
    for (k, value) in kwargs {
        match (kind, name, &**k) {
            (Kind::Str, "format", _) => format_kwargs.push((k.clone(), value.clone())),
            (Kind::Str, "split", "sep") => {
                args.resize(args.len().max(1), Value::None);
                args[0] = value.clone();
            }
            (Kind::Str, "split", "maxsplit") => {
                args.resize(args.len().max(2), Value::None);
                args[1] = value.clone();
            }
            (Kind::List, "sort", "reverse") => reverse = value.truthy(),
            (Kind::List, "sort", "key") if matches!(value, Value::None) => {}
            (Kind::Str, "split", _) | (Kind::List, "sort", _) => {
                return Some(Err(type_error(format!(
                    "'{k}' is an invalid keyword argument for {name}()"
                ))));
            }
            _ => {
                return Some(Err(type_error(format!(
                    "{qualified}() takes no keyword arguments"
                ))));
            }
        }
    }
    let args = &args[..];
    let r = match v {
        Value::List(l) => list_method(l, &qualified, args, reverse),
        Value::Dict(d) => dict_method(d, &qualified, args),
        Value::Str(s) => str_method(s, &qualified, args, &format_kwargs),
        Value::Tuple(t) => match name {
            "count" => expect_args(&qualified, args, 1, 1)
                .map(|()| Value::Int(t.iter().filter(|x| x.py_eq(&args[0])).count() as i64)),
            "index" => expect_args(&qualified, args, 1, 3).and_then(|()| {
                super::search::index_of(t, &args[0], &args[1..])?
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
    qualified: &str,
    args: &[Value],
    reverse: bool,
) -> Result<Value, Exc> {
    let name = qualified.rsplit('.').next().unwrap_or(qualified);
    let check = |min, max| expect_args(qualified, args, min, max);
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
                        return Err(super::exc::not_an_integer(other));
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
                    Some(i @ (Value::Int(_) | Value::Bool(_))) => position(i, items.len(), "pop")?,
                    Some(other) => {
                        return Err(super::exc::not_an_integer(other));
                    }
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
                check(1, 3)?;
                let items = l.items.lock();
                return super::search::index_of(&items, &args[0], &args[1..])?
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
                let mut items = l.items.lock().clone();
                super::ops::sort(&mut items, reverse)?;
                *l.items.lock() = items;
            }
            _ => unreachable!("checked against the catalog"),
        }
        Ok(Value::None)
    })()
}

fn dict_method(d: &super::value::Dict, qualified: &str, args: &[Value]) -> Result<Value, Exc> {
    let name = qualified.rsplit('.').next().unwrap_or(qualified);
    let check = |min, max| expect_args(qualified, args, min, max);
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

/// The `sub` argument of `find` and `count` (CPython words its error without the name).
fn sub_arg(v: &Value) -> Result<&str, Exc> {
    match v {
        Value::Str(s) => Ok(s),
        other => Err(type_error(format!(
            "must be str, not {}",
            other.type_name()
        ))),
    }
}

fn str_method(
    s: &str,
    qualified: &str,
    args: &[Value],
    kwargs: &[(Arc<str>, Value)],
) -> Result<Value, Exc> {
    let name = qualified.rsplit('.').next().unwrap_or(qualified);
    let check = |min, max| expect_args(qualified, args, min, max);
    (|| -> Result<Value, Exc> {
        Ok(match name {
            "startswith" | "endswith" => {
                check(1, 3)?;
                Value::Bool(super::search::affix(s, name, &args[0], &args[1..])?)
            }
            "upper" => Value::str(s.to_uppercase()),
            "lower" => Value::str(s.to_lowercase()),
            "isdigit" => Value::Bool(!s.is_empty() && s.chars().all(super::unicode::is_digit)),
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
                    None => -1,
                    Some(v) => super::builtins::int_arg(v)?,
                };
                let parts: Vec<Value> = match args.first() {
                    None | Some(Value::None) => split_whitespace(s, max)
                        .into_iter()
                        .map(Value::str)
                        .collect(),
                    Some(sep) => {
                        let sep = str_arg(name, sep)?;
                        if sep.is_empty() {
                            return Err(value_error("empty separator"));
                        }
                        if max < 0 {
                            s.split(sep).map(Value::str).collect()
                        } else {
                            s.splitn(max as usize + 1, sep).map(Value::str).collect()
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
                check(1, 3)?;
                let sub = sub_arg(&args[0])?;
                let found = super::search::window(s, &args[1..], sub.chars().count())?
                    .and_then(|(at, w)| w.find(sub).map(|b| (at + w[..b].chars().count()) as i64));
                Value::Int(found.unwrap_or(-1))
            }
            "count" => {
                check(1, 3)?;
                let sub = sub_arg(&args[0])?;
                let found = super::search::window(s, &args[1..], 0)?;
                Value::Int(found.map_or(0, |(_, w)| w.matches(sub).count() as i64))
            }
            "ljust" | "rjust" => {
                check(1, 2)?;
                let width = match &args[0] {
                    Value::Int(w) => (*w).max(0) as usize,
                    Value::Bool(w) => *w as usize,
                    other => {
                        return Err(super::exc::not_an_integer(other));
                    }
                };
                let fill = match args.get(1) {
                    Some(v) => {
                        let mut chars = str_arg(name, v)?.chars();
                        match (chars.next(), chars.next()) {
                            (Some(c), None) => c,
                            _ => {
                                return Err(type_error(
                                    "The fill character must be exactly one character long",
                                ));
                            }
                        }
                    }
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
            "format" => Value::str(super::spec::str_format(s, args, kwargs)?),
            _ => unreachable!("checked against the catalog"),
        })
    })()
}

/// `str(v)` of each item joined (used by `print`).
pub fn join_str(items: &[Value], sep: &str) -> String {
    items.iter().map(str_of).collect::<Vec<_>>().join(sep)
}

/// `str.split()` without a separator: runs of whitespace separate, and after `max`
/// splits (unless negative) the rest is kept as it is, leading whitespace dropped.
fn split_whitespace(s: &str, max: i64) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = s.trim_start();
    while !rest.is_empty() {
        if max >= 0 && out.len() as i64 == max {
            out.push(rest);
            break;
        }
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        out.push(&rest[..end]);
        rest = rest[end..].trim_start();
    }
    out
}
