//! Binding call arguments to parameters, with Python's `TypeError` messages.

use std::sync::Arc;

use indexmap::IndexMap;

use super::exc::{Exc, type_error};
use super::value::{Key, Value};
use crate::lang::signature::{BindError, ParamMode, Signature};

/// A call's arguments: positional values and keyword values.
#[derive(Default, Clone)]
pub struct Args {
    /// Positional arguments (after `*xs` expansion).
    pub pos: Vec<Value>,
    /// Keyword arguments (after `**kw` expansion), in order.
    pub kw: Vec<(Arc<str>, Value)>,
}

/// Binds `args` to `sig`: one entry per parameter, `None` where a default applies.
/// `*args` collects a tuple and `**kwargs` a dict. `defaults` are the values of the
/// parameters that have defaults, in parameter order, when the caller wants them filled in.
pub fn bind(
    sig: &Signature,
    args: Args,
    defaults: Option<&[Value]>,
) -> Result<Vec<Option<Value>>, Exc> {
    // The common case, without the bookkeeping below: positional arguments only, for a
    // signature of plain parameters, each missing one having a default.
    if args.kw.is_empty() {
        let n = args.pos.len();
        let plain = n <= sig.params.len()
            && sig.params.iter().enumerate().all(|(i, p)| {
                matches!(p.mode, ParamMode::Normal | ParamMode::PositionalOnly)
                    && (i < n || p.default.is_some())
            });
        if plain {
            let mut out: Vec<Option<Value>> = args.pos.into_iter().map(Some).collect();
            out.resize(sig.params.len(), None);
            fill_defaults(sig, &mut out, defaults);
            return Ok(out);
        }
    }
    let err = |e: BindError| type_error(e.to_string());
    let name = || sig.name.clone();
    let mut out: Vec<Option<Value>> = vec![None; sig.params.len()];
    let positional: Vec<usize> = sig
        .params
        .iter()
        .enumerate()
        .filter(|(_, p)| matches!(p.mode, ParamMode::PositionalOnly | ParamMode::Normal))
        .map(|(i, _)| i)
        .collect();
    let var_args = sig.params.iter().position(|p| p.mode == ParamMode::VarArgs);
    let var_kw = sig.params.iter().position(|p| p.mode == ParamMode::VarKw);
    let given = args.pos.len();
    let mut extra = Vec::new();
    for (i, v) in args.pos.into_iter().enumerate() {
        match positional.get(i) {
            Some(&p) => out[p] = Some(v),
            None if var_args.is_some() => extra.push(v),
            None => {
                return Err(err(BindError::TooManyPositional {
                    name: name(),
                    min: positional
                        .iter()
                        .filter(|&&p| sig.params[p].default.is_none())
                        .count(),
                    max: positional.len(),
                    given,
                }));
            }
        }
    }
    if let Some(v) = var_args {
        out[v] = Some(Value::tuple(extra));
    }
    let mut kw_rest: IndexMap<Key, Value> = IndexMap::new();
    for (k, v) in args.kw {
        let found = sig.params.iter().position(|p| {
            *p.name == *k
                && matches!(
                    p.mode,
                    ParamMode::Normal | ParamMode::KeywordOnly | ParamMode::PositionalOnly
                )
        });
        match found {
            Some(p) if sig.params[p].mode == ParamMode::PositionalOnly && var_kw.is_none() => {
                return Err(err(BindError::PositionalOnlyByKeyword {
                    name: name(),
                    param: k.to_string(),
                }));
            }
            Some(p) if sig.params[p].mode != ParamMode::PositionalOnly => {
                if out[p].is_some() {
                    return Err(err(BindError::MultipleValues {
                        name: name(),
                        param: k.to_string(),
                    }));
                }
                out[p] = Some(v);
            }
            _ if var_kw.is_some() => {
                kw_rest.insert(Key(Value::Str(k)), v);
            }
            _ => {
                return Err(err(BindError::UnexpectedKeyword {
                    name: name(),
                    keyword: k.to_string(),
                }));
            }
        }
    }
    if let Some(v) = var_kw {
        out[v] = Some(Value::dict(kw_rest));
    }
    let missing = |mode_ok: &dyn Fn(ParamMode) -> bool| -> Vec<String> {
        sig.params
            .iter()
            .zip(&out)
            .filter(|(p, v)| mode_ok(p.mode) && p.default.is_none() && v.is_none())
            .map(|(p, _)| p.name.clone())
            .collect()
    };
    let m = missing(&|m| matches!(m, ParamMode::PositionalOnly | ParamMode::Normal));
    if !m.is_empty() {
        return Err(err(BindError::Missing {
            name: name(),
            params: m,
            keyword_only: false,
        }));
    }
    let m = missing(&|m| m == ParamMode::KeywordOnly);
    if !m.is_empty() {
        return Err(err(BindError::Missing {
            name: name(),
            params: m,
            keyword_only: true,
        }));
    }
    fill_defaults(sig, &mut out, defaults);
    Ok(out)
}

/// Puts the default values (when given) into the parameters no argument reached.
fn fill_defaults(sig: &Signature, out: &mut [Option<Value>], defaults: Option<&[Value]>) {
    let Some(defaults) = defaults else { return };
    let mut next = 0;
    for (p, v) in sig.params.iter().zip(out.iter_mut()) {
        if p.default.is_some() {
            if v.is_none() {
                *v = defaults.get(next).cloned();
            }
            next += 1;
        }
    }
}

/// A later `*more` in a call: its items are added to `into`, the list of positional
/// arguments gathered so far (`ExtendStar`).
pub fn extend_star(into: Option<&Value>, more: &Value) -> Result<(), Exc> {
    if super::seq::iter(more).is_err() {
        return Err(type_error(format!(
            "Value after * must be an iterable, not {}",
            more.type_name()
        )));
    }
    let items = super::seq::to_vec(more)?;
    if let Some(Value::List(into)) = into {
        into.items.lock().extend(items);
    }
    Ok(())
}

/// A further `**more` in a call to `callee`: its items are added to `into`, the keyword
/// arguments gathered so far, refusing a keyword given twice (`MergeKw`).
pub fn merge_kw(into: Option<&Value>, more: &Value, callee: &Value) -> Result<(), Exc> {
    let name = |e| name_callee(e, callee);
    let items = double_star_values(more).map_err(name)?;
    if let Some(Value::Dict(into)) = into {
        let mut into = into.items.lock();
        for (k, v) in items {
            let key = Value::Str(k.clone()).to_key().map_err(type_error)?;
            if into.contains_key(&key) {
                return Err(name(type_error(format!(
                    "got multiple values for keyword argument '{k}'"
                ))));
            }
            into.insert(key, v);
        }
    }
    Ok(())
}

/// Expands `*xs` into positional values.
pub fn star_values(v: &Value) -> Result<Vec<Value>, Exc> {
    if super::seq::iter(v).is_err() {
        return Err(type_error(format!(
            "{STAR_ERROR}* must be an iterable, not {}",
            v.type_name()
        )));
    }
    super::seq::to_vec(v)
}

/// How the errors of spreading arguments with `*` and `**` begin; [`name_callee`] puts the
/// called function's name in front, as Python does.
const STAR_ERROR: &str = "argument after ";

/// Puts Python's name for `callee` (`__main__.f()`, `print()`) in front of an error message
/// about its `*`/`**` arguments (`argument after * ...`, `got multiple values for keyword
/// argument ...`); other errors pass unchanged.
pub fn name_callee(e: Exc, callee: &Value) -> Exc {
    let name = match callee {
        Value::Func(f) => format!("__main__.{}", f.code.params.name),
        Value::Builtin(b) => b.name().to_string(),
        _ => return e,
    };
    let msg = e.message();
    if e.kind.name() != "TypeError" {
        return e;
    }
    if msg.starts_with(STAR_ERROR) || msg.starts_with("got multiple values for keyword") {
        return type_error(format!("{name}() {msg}"));
    }
    e
}

/// Expands `**kw` into keyword values.
pub fn double_star_values(v: &Value) -> Result<Vec<(Arc<str>, Value)>, Exc> {
    match v {
        Value::Dict(d) => d
            .items
            .lock()
            .iter()
            .map(|(k, v)| match &k.0 {
                Value::Str(s) => Ok((s.clone(), v.clone())),
                _ => Err(type_error("keywords must be strings")),
            })
            .collect(),
        other => Err(type_error(format!(
            "{STAR_ERROR}** must be a mapping, not {}",
            other.type_name()
        ))),
    }
}
