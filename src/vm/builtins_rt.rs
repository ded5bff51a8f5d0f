//! Builtins that need the run: output, time, randomness, threads and futures.

use std::sync::Arc;

use super::builtins::{arg, int_arg};
use super::exc::{Exc, exc, kind, type_error, value_error};
use super::format::str_of;
use super::seq::to_vec;
use super::value::Value;
use crate::sync::completions::Completions;
use crate::sync::methods::new_thread;
use crate::sync::thread::{Entry, TimerState};
use crate::sync::wait::{Ctx, OpState, Outcome, Poll, WaitInfo};
use crate::sync::{Body, Object};

/// Calls the builtin `name` (one of those not handled in `builtins`).
pub fn call(name: &str, ctx: &mut Ctx<'_>, args: &[Option<Value>], st: &mut OpState) -> Outcome {
    match call_inner(name, ctx, args, st) {
        Ok(o) => o,
        Err(e) => Outcome::Raise(e),
    }
}

fn text_arg(v: Option<&Value>, what: &str, default: &str) -> Result<String, Exc> {
    match v {
        None | Some(Value::None) => Ok(default.to_string()),
        Some(Value::Str(s)) => Ok(s.to_string()),
        Some(other) => Err(type_error(format!(
            "{what} must be None or a string, not {}",
            other.type_name()
        ))),
    }
}

fn call_inner(
    name: &str,
    ctx: &mut Ctx<'_>,
    args: &[Option<Value>],
    st: &mut OpState,
) -> Result<Outcome, Exc> {
    let done = |v: Value| Ok(Outcome::Done(v));
    match name {
        "print" => {
            let items = match arg(args, 0) {
                Some(Value::Tuple(t)) => t.to_vec(),
                _ => Vec::new(),
            };
            let sep = text_arg(arg(args, 1), "sep", " ")?;
            let end = text_arg(arg(args, 2), "end", "\n")?;
            let mut text = super::methods::join_str(&items, &sep);
            text.push_str(&end);
            ctx.world.out.out(&text);
            done(Value::None)
        }
        "sleep" => {
            let secs = match arg(args, 0).and_then(Value::as_num) {
                Some(n) => n.to_f64(),
                None => {
                    let v = arg(args, 0).unwrap_or(&Value::None);
                    return Err(super::exc::not_an_integer(v));
                }
            };
            if secs < 0.0 {
                return Err(value_error("sleep length must be non-negative"));
            }
            let deadline = st.deadline(|| ctx.host.now(), Some(secs));
            let span = ctx.span;
            let info = move || WaitInfo {
                object: None,
                what: format!(
                    "for its {}s sleep to end",
                    super::format::float_repr(secs).trim_end_matches(".0")
                ),
                deadline,
                span,
            };
            match ctx.block_on(info, |cx, _| {
                if deadline.is_some_and(|d| cx.host.now() >= d) {
                    Poll::Ready(())
                } else {
                    Poll::Pending
                }
            }) {
                Poll::Pending => Ok(Outcome::Pending),
                Poll::Ready(()) => done(Value::None),
            }
        }
        "time" => done(Value::Float(ctx.host.wall_time())),
        "monotonic" => done(Value::Float(ctx.host.now())),
        "ctime" => {
            let secs = match arg(args, 0) {
                None | Some(Value::None) => ctx.host.wall_time(),
                Some(v) => v
                    .as_num()
                    .map(|n| n.to_f64())
                    .ok_or_else(|| type_error("an integer is required"))?,
            };
            done(Value::str(ctime(secs)))
        }
        "random" => done(Value::Float(ctx.host.random())),
        "randint" => {
            let a = int_arg(arg(args, 0).unwrap_or(&Value::None))?;
            let b = int_arg(arg(args, 1).unwrap_or(&Value::None))?;
            if b < a {
                return Err(value_error(format!(
                    "empty range in randrange({a}, {})",
                    b + 1
                )));
            }
            let span = (b - a + 1) as f64;
            done(Value::Int(
                a + ((ctx.host.random() * span) as i64).min(b - a),
            ))
        }
        "choice" => {
            let items = to_vec(arg(args, 0).unwrap_or(&Value::None))?;
            if items.is_empty() {
                return Err(exc(
                    kind::IndexError,
                    "Cannot choose from an empty sequence",
                ));
            }
            let i = ((ctx.host.random() * items.len() as f64) as usize).min(items.len() - 1);
            done(items[i].clone())
        }
        "Thread" => {
            let target = arg(args, 1).cloned().filter(|t| !matches!(t, Value::None));
            let call_args = match arg(args, 3) {
                Some(v) => to_vec(v)?,
                None => Vec::new(),
            };
            let kwargs = kwargs_of(arg(args, 4))?;
            // As in `Thread.__init__`: any false name (None, "", 0) gets the default.
            let name = match arg(args, 2) {
                Some(n) if n.truthy() => str_of(n),
                _ => default_name(ctx, target.as_ref()),
            };
            let daemon = match arg(args, 5) {
                Some(Value::None) | None => ctx.thread.as_thread().is_some_and(|t| t.is_daemon()),
                Some(d) => d.truthy(),
            };
            let entry = Entry {
                func: target.unwrap_or(Value::None),
                args: call_args,
                kwargs,
            };
            done(Value::Object(new_thread(
                ctx,
                name,
                daemon,
                Some(entry),
                None,
            )?))
        }
        "Timer" => {
            let interval = arg(args, 0)
                .and_then(Value::as_num)
                .map(|n| n.to_f64())
                .unwrap_or(0.0);
            let function = arg(args, 1).cloned().unwrap_or(Value::None);
            let call_args = match arg(args, 2) {
                Some(Value::None) | None => Vec::new(),
                Some(v) => to_vec(v)?,
            };
            let kwargs = kwargs_of(arg(args, 3))?;
            let name = format!("Thread-{}", ctx.world.next_thread_number());
            let daemon = ctx.thread.as_thread().is_some_and(|t| t.is_daemon());
            let entry = Entry {
                func: function,
                args: call_args,
                kwargs,
            };
            let timer = TimerState {
                interval,
                finished: Default::default(),
            };
            done(Value::Object(new_thread(
                ctx,
                name,
                daemon,
                Some(entry),
                Some(timer),
            )?))
        }
        "current_thread" => done(Value::Object(ctx.thread.clone())),
        "main_thread" => done(
            ctx.world
                .threads
                .lock()
                .first()
                .cloned()
                .map_or(Value::None, Value::Object),
        ),
        "active_count" => done(Value::Int(ctx.world.live.lock().len() as i64)),
        "enumerate" => match arg(args, 0).filter(|v| !matches!(v, Value::None)) {
            None => done(Value::list(
                ctx.world
                    .live
                    .lock()
                    .iter()
                    .cloned()
                    .map(Value::Object)
                    .collect(),
            )),
            Some(seq) => {
                let start = match arg(args, 1) {
                    Some(s) => int_arg(s)?,
                    None => 0,
                };
                let items = to_vec(seq)?;
                done(Value::list(
                    items
                        .into_iter()
                        .enumerate()
                        .map(|(i, x)| Value::tuple(vec![Value::Int(start + i as i64), x]))
                        .collect(),
                ))
            }
        },
        "get_ident" | "get_native_id" => done(
            ctx.thread
                .as_thread()
                .and_then(|t| t.ident())
                .map_or(Value::None, Value::Int),
        ),
        "wait" | "as_completed" => futures_wait(name, ctx, args, st),
        other => Err(type_error(format!("builtin {other}() is not available"))),
    }
}

/// Python's default thread name: `Thread-N (target)`.
fn default_name(ctx: &Ctx<'_>, target: Option<&Value>) -> String {
    let n = ctx.world.next_thread_number();
    match target.and_then(callable_name) {
        Some(t) => format!("Thread-{n} ({t})"),
        None => format!("Thread-{n}"),
    }
}

/// A callable's `__name__`.
pub fn callable_name(v: &Value) -> Option<String> {
    match v {
        Value::Func(f) => Some(f.name().to_string()),
        Value::Builtin(b) => Some(b.name().to_string()),
        Value::Method(m) => Some(m.1.to_string()),
        Value::ExcType(k) => Some(k.name().to_string()),
        _ => None,
    }
}

fn kwargs_of(v: Option<&Value>) -> Result<Vec<(Arc<str>, Value)>, Exc> {
    match v {
        None | Some(Value::None) => Ok(Vec::new()),
        Some(Value::Dict(d)) => d
            .items
            .lock()
            .iter()
            .map(|(k, v)| match &k.0 {
                Value::Str(s) => Ok((s.clone(), v.clone())),
                _ => Err(type_error("keywords must be strings")),
            })
            .collect(),
        Some(other) => Err(type_error(format!(
            "argument after ** must be a mapping, not {}",
            other.type_name()
        ))),
    }
}

/// `wait(fs, timeout, return_when)`, and `as_completed(fs, timeout)`, which returns a
/// generator (see [`crate::sync::completions`]).
fn futures_wait(
    name: &str,
    ctx: &mut Ctx<'_>,
    args: &[Option<Value>],
    st: &mut OpState,
) -> Result<Outcome, Exc> {
    let items = to_vec(arg(args, 0).unwrap_or(&Value::None))?;
    let mut futures: Vec<Arc<Object>> = Vec::new();
    for f in &items {
        match f {
            Value::Object(o) if matches!(o.body, Body::Future(_)) => futures.push(o.clone()),
            other => {
                return Err(type_error(format!(
                    "expected a Future, got '{}'",
                    other.type_name()
                )));
            }
        }
    }
    // Python takes `set(fs)`: a future listed twice counts once.
    let mut seen = std::collections::HashSet::new();
    futures.retain(|f| seen.insert(Arc::as_ptr(f)));
    let timeout = crate::sync::methods::timeout_arg(arg(args, 1))?;
    if name == "as_completed" {
        let generator = Completions::new(futures, timeout);
        return Ok(Outcome::Done(Value::Object(Object::new(
            "as_completed",
            Body::Completions(generator),
        ))));
    }
    let mode = match arg(args, 2) {
        Some(Value::Str(s)) => s.to_string(),
        _ => "ALL_COMPLETED".into(),
    };
    let deadline = st.deadline(|| ctx.host.now(), timeout);
    let is_done = |f: &Arc<Object>| matches!(&f.body, Body::Future(x) if x.done());
    let failed = |f: &Arc<Object>| matches!(&f.body, Body::Future(x) if x.done() && !matches!(x.poll_result(0, None, 0.0, Some(0.0), true), Poll::Ready(Ok(Value::None))));
    let span = ctx.span;
    let info = || WaitInfo {
        object: None,
        what: format!("for {} future(s)", futures.len()),
        deadline,
        span,
    };
    let finished = ctx.block_on(info, |cx, register| {
        let done_now = futures.iter().filter(|f| is_done(f)).count();
        let satisfied = match mode.as_str() {
            "FIRST_COMPLETED" => done_now > 0,
            "FIRST_EXCEPTION" => done_now == futures.len() || futures.iter().any(failed),
            _ => done_now == futures.len(),
        };
        if satisfied || deadline.is_some_and(|d| cx.host.now() >= d) || futures.is_empty() {
            for f in &futures {
                if let Body::Future(x) = &f.body {
                    x.unregister(cx.tid);
                }
            }
            return Poll::Ready(());
        }
        if register {
            let w = cx.host.waker();
            for f in &futures {
                if let Body::Future(x) = &f.body {
                    x.register(cx.tid, &w);
                }
            }
        }
        Poll::Pending
    });
    if let Poll::Pending = finished {
        return Ok(Outcome::Pending);
    }
    let (done, not_done): (Vec<_>, Vec<_>) = futures.iter().cloned().partition(is_done);
    let as_values = |v: Vec<Arc<Object>>| Value::list(v.into_iter().map(Value::Object).collect());
    Ok(Outcome::Done(Value::tuple(vec![
        as_values(done),
        as_values(not_done),
    ])))
}

/// `time.ctime(secs)` in UTC: `Sat Jan  1 00:00:01 2000`.
pub fn ctime(secs: f64) -> String {
    let t = secs.floor() as i64;
    let days = t.div_euclid(86_400);
    let rem = t.rem_euclid(86_400);
    let (h, m, s) = (rem / 3600, rem % 3600 / 60, rem % 60);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let weekday = (days + 4).rem_euclid(7); // 1970-01-01 was a Thursday
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{} {} {day:>2} {h:02}:{m:02}:{s:02} {year}",
        DAYS[weekday as usize],
        MONTHS[(month - 1) as usize]
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn ctime_matches_python() {
        assert_eq!(super::ctime(946_684_801.0), "Sat Jan  1 00:00:01 2000");
        assert_eq!(super::ctime(0.0), "Thu Jan  1 00:00:00 1970");
        assert_eq!(super::ctime(1_700_000_000.0), "Tue Nov 14 22:13:20 2023");
    }
}
