//! Method calls and attributes of objects: argument checks with Python's messages, then
//! the primitive's rules. Arguments arrive bound to the catalog's signature
//! ([`crate::lang::kinds`]), one `Option` per parameter (`None`: not given).

use std::sync::Arc;

use super::pool::{Submitted, WorkItem};
use super::thread::ThreadObj;
use super::wait::{Ctx, OpState, Outcome, Poll, WaitInfo};
use super::{Body, Object, acquire, release};
use crate::vm::exc::{Exc, bare, kind, runtime_error, type_error, value_error};
use crate::vm::value::Value;

/// The argument `i`, or `None` when not given.
pub(super) fn arg(args: &[Option<Value>], i: usize) -> Option<&Value> {
    args.get(i).and_then(|a| a.as_ref())
}

/// A timeout argument: `None`/not given means "no timeout".
pub fn timeout_arg(v: Option<&Value>) -> Result<Option<f64>, Exc> {
    match v {
        None | Some(Value::None) => Ok(None),
        Some(v) => match v.as_num() {
            Some(n) => Ok(Some(n.to_f64())),
            None => Err(type_error(format!(
                "'{}' object cannot be interpreted as a number",
                v.type_name()
            ))),
        },
    }
}

fn bool_arg(v: Option<&Value>, default: bool) -> bool {
    v.map_or(default, Value::truthy)
}

fn int_arg(v: Option<&Value>, default: i64) -> Result<i64, Exc> {
    match v {
        None => Ok(default),
        Some(Value::Int(i)) => Ok(*i),
        Some(Value::Bool(b)) => Ok(*b as i64),
        Some(other) => Err(crate::vm::exc::not_an_integer(other)),
    }
}

/// A lock's `acquire(blocking, timeout)` arguments, checked as `_thread` checks them.
fn lock_timeout(args: &[Option<Value>]) -> Result<(bool, Option<f64>), Exc> {
    let blocking = bool_arg(arg(args, 0), true);
    // `_thread` takes no `None` here: the timeout is a number, -1 (the default) for none.
    let timeout = match arg(args, 1) {
        None => -1.0,
        Some(v) => v
            .as_num()
            .map(|n| n.to_f64())
            .ok_or_else(|| crate::vm::exc::not_an_integer(v))?,
    };
    if !blocking && timeout != -1.0 {
        return Err(value_error(
            "can't specify a timeout for a non-blocking call",
        ));
    }
    if timeout < 0.0 && timeout != -1.0 {
        return Err(value_error("timeout value must be positive"));
    }
    Ok((blocking, (timeout >= 0.0).then_some(timeout)))
}

/// What a blocked call waits for, built only if the call really blocks: formatting the
/// description for every uncontended call would cost more than the call itself.
pub(super) fn wait_info<'a>(
    ctx: &Ctx<'_>,
    obj: &'a Arc<Object>,
    what: impl Fn() -> String + 'a,
    deadline: Option<f64>,
) -> impl Fn() -> WaitInfo + 'a {
    let span = ctx.span;
    move || WaitInfo {
        object: Some(obj.clone()),
        what: what(),
        deadline,
        span,
    }
}

/// Calls method `name` of `obj`.
pub fn call(
    obj: &Arc<Object>,
    ctx: &mut Ctx<'_>,
    name: &str,
    args: &[Option<Value>],
    st: &mut OpState,
) -> Outcome {
    match call_inner(obj, ctx, name, args, st) {
        Ok(o) => o,
        Err(e) => Outcome::Raise(e),
    }
}

fn done(v: Value) -> Result<Outcome, Exc> {
    Ok(Outcome::Done(v))
}

fn ready<T>(p: Poll<T>, f: impl FnOnce(T) -> Result<Value, Exc>) -> Result<Outcome, Exc> {
    match p {
        Poll::Pending => Ok(Outcome::Pending),
        Poll::Ready(v) => f(v).map(Outcome::Done),
    }
}

/// `Event.wait` (also a timer's wait for its interval): blocks until the event is set,
/// or was set since the wait began, or the deadline passes.
fn event_wait(
    ctx: &mut Ctx<'_>,
    obj: &Arc<Object>,
    e: &super::semaphore::Event,
    st: &mut OpState,
    deadline: Option<f64>,
    what: impl Fn() -> String,
) -> Result<Outcome, Exc> {
    if st.phase == 0 {
        st.phase = 1;
        st.saved = e.generation();
    }
    let generation = st.saved;
    let info = wait_info(ctx, obj, what, deadline);
    let p = ctx.block_on(info, |cx, reg| {
        e.poll_wait(
            cx.tid,
            reg.then(|| cx.host.waker()).as_ref(),
            cx.now_if(deadline),
            deadline,
            generation,
        )
    });
    ready(p, |b| Ok(Value::Bool(b)))
}

fn call_inner(
    obj: &Arc<Object>,
    ctx: &mut Ctx<'_>,
    name: &str,
    args: &[Option<Value>],
    st: &mut OpState,
) -> Result<Outcome, Exc> {
    match (&obj.body, name) {
        (Body::Lock(_) | Body::RLock(_) | Body::Condition(_), "acquire") => {
            let (blocking, timeout) = lock_timeout(args)?;
            if !blocking && let Body::Lock(l) = &obj.body {
                return done(Value::Bool(l.try_acquire(ctx.tid)));
            }
            let deadline = if blocking {
                st.deadline(|| ctx.host.now(), timeout)
            } else {
                Some(f64::NEG_INFINITY)
            };
            ready(acquire(ctx, obj, deadline), |b| Ok(Value::Bool(b)))
        }
        (Body::Lock(_) | Body::RLock(_) | Body::Condition(_), "release") => {
            release(ctx, obj)?;
            done(Value::None)
        }
        (Body::Lock(l), "locked") => done(Value::Bool(l.locked())),
        (Body::Condition(c), "wait") => {
            let timeout = timeout_arg(arg(args, 0))?;
            ready(c.wait(ctx, obj, timeout, st), |r| r.map(Value::Bool))
        }
        (Body::Condition(_), "wait_for") => {
            let pred = arg(args, 0).cloned().unwrap_or(Value::None);
            let timeout = arg(args, 1).cloned().unwrap_or(Value::None);
            Ok(Outcome::Invoke(
                ctx.world.prelude("__thr_wait_for"),
                vec![Value::Object(obj.clone()), pred, timeout],
            ))
        }
        (Body::Condition(c), "notify") => {
            let n = int_arg(arg(args, 0), 1)?;
            c.notify(ctx.tid, n.max(0) as usize)?;
            done(Value::None)
        }
        (Body::Condition(c), "notify_all") => {
            c.notify(ctx.tid, usize::MAX)?;
            done(Value::None)
        }
        (Body::Semaphore(s, _), "acquire") => {
            let blocking = bool_arg(arg(args, 0), true);
            let timeout = timeout_arg(arg(args, 1))?;
            if !blocking && timeout.is_some() {
                return Err(value_error(
                    "can't specify timeout for non-blocking acquire",
                ));
            }
            let deadline = if blocking {
                st.deadline(|| ctx.host.now(), timeout)
            } else {
                Some(f64::NEG_INFINITY)
            };
            let info = wait_info(
                ctx,
                obj,
                || format!("to acquire {}", obj.describe()),
                deadline,
            );
            let p = ctx.block_on(info, |cx, reg| {
                s.poll_acquire(
                    cx.tid,
                    reg.then(|| cx.host.waker()).as_ref(),
                    cx.now_if(deadline),
                    deadline,
                )
            });
            ready(p, |b| Ok(Value::Bool(b)))
        }
        (Body::Semaphore(s, _), "release") => {
            s.release(int_arg(arg(args, 0), 1)?)?;
            done(Value::None)
        }
        (Body::Event(e), "set") => {
            e.set();
            done(Value::None)
        }
        (Body::Event(e), "clear") => {
            e.clear();
            done(Value::None)
        }
        (Body::Event(e), "is_set") => done(Value::Bool(e.is_set())),
        (Body::Event(e), "wait") => {
            let deadline = st.deadline(|| ctx.host.now(), timeout_arg(arg(args, 0))?);
            let what = || format!("for {} to be set", obj.describe());
            event_wait(ctx, obj, e, st, deadline, what)
        }
        (Body::Barrier(b), "wait") => {
            let timeout = match arg(args, 0) {
                None | Some(Value::None) => b.timeout.map_or(Value::None, Value::Float),
                Some(v) => v.clone(),
            };
            let action = b.action.clone().unwrap_or(Value::None);
            Ok(Outcome::Invoke(
                ctx.world.prelude("__thr_barrier_wait"),
                vec![Value::Object(obj.clone()), timeout, action],
            ))
        }
        (Body::Barrier(b), "reset") => {
            b.reset();
            done(Value::None)
        }
        (Body::Barrier(b), "abort" | "_break") => {
            b.abort();
            done(Value::None)
        }
        (Body::Barrier(b), "_enter") => {
            let info = wait_info(
                ctx,
                obj,
                || format!("for {} to finish draining", obj.describe()),
                None,
            );
            let p = ctx.block_on(info, |cx, reg| {
                b.poll_enter(cx.tid, reg.then(|| cx.host.waker()).as_ref())
            });
            ready(p, |r| r.map(|i| Value::Int(i as i64)))
        }
        (Body::Barrier(b), "_release") => {
            b.release();
            done(Value::None)
        }
        (Body::Barrier(b), "_wait") => {
            let deadline = st.deadline(|| ctx.host.now(), timeout_arg(arg(args, 0))?);
            let info = wait_info(
                ctx,
                obj,
                || format!("for all {} parties at {}", b.parties, obj.describe()),
                deadline,
            );
            let p = ctx.block_on(info, |cx, reg| {
                b.poll_wait(
                    cx.tid,
                    reg.then(|| cx.host.waker()).as_ref(),
                    cx.now_if(deadline),
                    deadline,
                )
            });
            ready(p, |r| r.map(|()| Value::None))
        }
        (Body::Barrier(b), "_exit") => {
            b.exit();
            done(Value::None)
        }
        (Body::Queue(_), _) => super::methods_queue::call(obj, ctx, name, args, st),
        (Body::Pool(_) | Body::Future(_), _) => pool_call(obj, ctx, name, args, st),
        (Body::Thread(t), _) => thread_call(obj, t, ctx, name, args, st),
        _ => Err(attribute_error(obj, name)),
    }
}

/// `AttributeError` for a member the object does not have.
pub fn attribute_error(obj: &Object, name: &str) -> Exc {
    crate::vm::exc::exc(
        kind::AttributeError,
        format!("'{}' object has no attribute '{name}'", obj.py_type()),
    )
}

fn thread_call(
    obj: &Arc<Object>,
    t: &ThreadObj,
    ctx: &mut Ctx<'_>,
    name: &str,
    args: &[Option<Value>],
    st: &mut OpState,
) -> Result<Outcome, Exc> {
    match name {
        "start" => {
            t.begin()?;
            ctx.host.spawn(ctx.world, obj.clone())?;
            done(Value::None)
        }
        "join" => {
            if !t.started() {
                return Err(runtime_error("cannot join thread before it is started"));
            }
            if t.tid == ctx.tid {
                return Err(runtime_error("cannot join current thread"));
            }
            let deadline = st.deadline(|| ctx.host.now(), timeout_arg(arg(args, 0))?);
            let info = wait_info(
                ctx,
                obj,
                || format!("for {} to finish", obj.describe()),
                deadline,
            );
            let p = ctx.block_on(info, |cx, reg| {
                t.poll_join(
                    cx.tid,
                    reg.then(|| cx.host.waker()).as_ref(),
                    cx.now_if(deadline),
                    deadline,
                )
            });
            ready(p, |()| Ok(Value::None))
        }
        "is_alive" => done(Value::Bool(t.is_alive())),
        "getName" => done(Value::Str(t.name())),
        "setName" => {
            set_thread_attr(t, "name", arg(args, 0).cloned().unwrap_or(Value::None))?;
            done(Value::None)
        }
        "isDaemon" => done(Value::Bool(t.is_daemon())),
        "setDaemon" => {
            set_thread_attr(t, "daemon", arg(args, 0).cloned().unwrap_or(Value::None))?;
            done(Value::None)
        }
        "cancel" if t.timer.is_some() => {
            if let Some(timer) = &t.timer {
                timer.finished.set();
            }
            done(Value::None)
        }
        "_wait_interval" => {
            let Some(timer) = &t.timer else {
                return Err(attribute_error(obj, name));
            };
            let deadline = st.deadline(|| ctx.host.now(), Some(timer.interval));
            let what = || format!("for {} to fire", obj.describe());
            event_wait(ctx, obj, &timer.finished, st, deadline, what)
        }
        _ => Err(attribute_error(obj, name)),
    }
}

/// Sets `name` or `daemon` of a thread.
pub fn set_thread_attr(t: &ThreadObj, attr: &str, v: Value) -> Result<(), Exc> {
    match attr {
        "name" => {
            *t.name.lock() = Arc::from(crate::vm::format::str_of(&v));
            Ok(())
        }
        "daemon" => {
            if t.started() {
                return Err(runtime_error("cannot set daemon status of active thread"));
            }
            t.daemon
                .store(v.truthy(), std::sync::atomic::Ordering::SeqCst);
            Ok(())
        }
        _ => Err(crate::vm::exc::exc(
            kind::AttributeError,
            format!("'Thread' object attribute '{attr}' is read-only"),
        )),
    }
}

fn pool_call(
    obj: &Arc<Object>,
    ctx: &mut Ctx<'_>,
    name: &str,
    args: &[Option<Value>],
    st: &mut OpState,
) -> Result<Outcome, Exc> {
    match (&obj.body, name) {
        (Body::Pool(p), "submit") => {
            let func = arg(args, 0).cloned().unwrap_or(Value::None);
            let call_args = match arg(args, 1) {
                Some(Value::Tuple(t)) => t.to_vec(),
                _ => Vec::new(),
            };
            let kwargs = arg(args, 2)
                .cloned()
                .unwrap_or_else(|| Value::dict(Default::default()));
            let future = Object::new(
                ctx.world.next_future_name(),
                Body::Future(Default::default()),
            );
            let item = WorkItem {
                future: future.clone(),
                func,
                args: call_args,
                kwargs,
            };
            if let Submitted::NewWorker(i) = p.submit(item)? {
                let worker = new_thread(
                    ctx,
                    format!("{}_{i}", p.prefix),
                    false,
                    Some(super::thread::Entry {
                        func: ctx.world.prelude("__thr_pool_worker"),
                        args: vec![Value::Object(obj.clone())],
                        kwargs: Vec::new(),
                    }),
                    None,
                )?;
                p.add_worker(worker.clone());
                if let Some(t) = worker.as_thread() {
                    t.begin()?;
                }
                ctx.trace_spawn(&worker);
                ctx.host.spawn(ctx.world, worker)?;
            }
            done(Value::Object(future))
        }
        (Body::Pool(_), "map") => {
            let func = arg(args, 0).cloned().unwrap_or(Value::None);
            let iterables = arg(args, 1).cloned().unwrap_or(Value::tuple(Vec::new()));
            let timeout = arg(args, 2).cloned().unwrap_or(Value::None);
            Ok(Outcome::Invoke(
                ctx.world.prelude("__thr_pool_map"),
                vec![Value::Object(obj.clone()), func, iterables, timeout],
            ))
        }
        (Body::Pool(p), "shutdown") => {
            if st.phase == 0 {
                p.shutdown(bool_arg(arg(args, 1), false));
                st.phase = 1;
            }
            if !bool_arg(arg(args, 0), true) {
                return done(Value::None);
            }
            // Join the workers one after the other; `saved` is the next one.
            let workers = p.workers();
            while let Some(w) = workers.get(st.saved as usize) {
                let t = w.as_thread().expect("workers are threads");
                if t.tid != ctx.tid {
                    let info = wait_info(
                        ctx,
                        w,
                        || format!("for pool worker {} to finish", w.describe()),
                        None,
                    );
                    if let Poll::Pending = ctx.block_on(info, |cx, reg| {
                        t.poll_join(cx.tid, reg.then(|| cx.host.waker()).as_ref(), 0.0, None)
                    }) {
                        return Ok(Outcome::Pending);
                    }
                }
                st.saved += 1;
            }
            done(Value::None)
        }
        (Body::Pool(p), "_next_work") => {
            let info = wait_info(
                ctx,
                obj,
                || format!("for work from {}", obj.describe()),
                None,
            );
            let next = ctx.block_on(info, |cx, reg| {
                p.poll_next(cx.tid, reg.then(|| cx.host.waker()).as_ref())
            });
            ready(next, |item| {
                Ok(match item {
                    None => Value::None,
                    Some(w) => Value::tuple(vec![
                        Value::Object(w.future),
                        w.func,
                        Value::tuple(w.args),
                        w.kwargs,
                    ]),
                })
            })
        }
        (Body::Pool(p), "_work_done") => {
            p.work_done();
            done(Value::None)
        }
        (Body::Future(f), "result" | "exception") => {
            let deadline = st.deadline(|| ctx.host.now(), timeout_arg(arg(args, 0))?);
            let info = wait_info(
                ctx,
                obj,
                || format!("for the result of {}", obj.describe()),
                deadline,
            );
            let want_error = name == "exception";
            let p = ctx.block_on(info, |cx, reg| {
                f.poll_result(
                    cx.tid,
                    reg.then(|| cx.host.waker()).as_ref(),
                    cx.now_if(deadline),
                    deadline,
                    want_error,
                )
            });
            ready(p, |r| r)
        }
        (Body::Future(f), "done") => done(Value::Bool(f.done())),
        (Body::Future(f), "running") => {
            done(Value::Bool(f.status() == super::pool::Status::Running))
        }
        (Body::Future(f), "cancelled") => {
            done(Value::Bool(f.status() == super::pool::Status::Cancelled))
        }
        (Body::Future(f), "cancel") => done(Value::Bool(f.cancel())),
        (Body::Future(f), "add_done_callback") => {
            let cb = arg(args, 0).cloned().unwrap_or(Value::None);
            if f.add_callback(cb.clone()) {
                done(Value::None)
            } else {
                // Called now, with its errors dropped as the worker drops them (CPython
                // logs them and goes on; the caller never sees them).
                Ok(Outcome::Invoke(
                    ctx.world.prelude("__thr_done_callback"),
                    vec![cb, Value::Object(obj.clone())],
                ))
            }
        }
        (Body::Future(f), "_start") => done(Value::Bool(f.start())),
        (Body::Future(f), "_settle") => {
            let result = arg(args, 0).cloned().unwrap_or(Value::None);
            let error = match arg(args, 1) {
                Some(Value::Exception(e)) => Some(e.clone()),
                _ => None,
            };
            done(Value::list(f.settle(result, error)))
        }
        _ => Err(attribute_error(obj, name)),
    }
}

/// Creates a thread object (not started), enforcing `--max-threads`.
pub fn new_thread(
    ctx: &Ctx<'_>,
    name: String,
    daemon: bool,
    entry: Option<super::thread::Entry>,
    timer: Option<super::thread::TimerState>,
) -> Result<Arc<Object>, Exc> {
    let Some(tid) = ctx.world.new_tid() else {
        let limit = ctx.world.settings.max_threads;
        return Err(ctx.host.limit(format!(
            "the scenario created more than {limit} threads (--max-threads {limit})"
        )));
    };
    let name: Arc<str> = Arc::from(name);
    let t = Object::new(
        name.clone(),
        Body::Thread(ThreadObj::new(tid, name, daemon, entry, timer)),
    );
    ctx.world.threads.lock().push(t.clone());
    Ok(t)
}

/// `Empty` or `Full`.
pub fn queue_error(full: bool) -> Exc {
    bare(if full { kind::Full } else { kind::Empty })
}
