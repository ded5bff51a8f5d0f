//! Method calls of the three queue kinds.

use std::sync::Arc;

use super::methods::{arg, wait_info};
use super::queue::{Queue, Side, check_timeout};
use super::wait::{Backoff, Ctx, OpState, Outcome};
use super::{Body, Object};
use crate::vm::exc::Exc;
use crate::vm::value::{Value, pop_int, push_none};

/// Runs `q.name(...)` with `args` positional arguments on top of `stack` when it completes
/// within one [`Backoff`] (a `put` that finds room, a `get` that finds an item, now or while
/// it waits), replacing the arguments with its result; false, with `stack` untouched, when
/// [`call`] must run it (and park if need be). Free mode's fast path: no argument binding,
/// no dispatch by name through every kind, no wait bookkeeping.
pub fn call_now(q: &Queue, name: &str, args: u16, stack: &mut Vec<Value>) -> bool {
    // While this side waits, the other can move about as many items as the queue holds:
    // waiting for several at a time keeps the two sides from taking the queue's cache lines
    // from each other at every item.
    let skip = match q.maxsize {
        n if n > 0 => (n.min(16) as u32).ilog2(),
        _ => 4,
    };
    match (name, args) {
        ("put", 1) => {
            // An integer is read field by field (see `pop_int`).
            let mut item = match pop_int(stack) {
                Some(n) => Value::Int(n),
                None => match stack.pop() {
                    Some(v) => v,
                    None => return false,
                },
            };
            // The item moves between tries, never through an `Option`: each extra copy
            // of a value written in parts stalls (see `push_int`).
            let mut backoff = None;
            loop {
                match q.put_now(item) {
                    Ok(()) => {
                        push_none(stack);
                        return true;
                    }
                    Err(back) => item = back,
                }
                if !backoff
                    .get_or_insert_with(|| waiting(q, Side::Put, skip))
                    .snooze()
                {
                    stack.push(item);
                    return false;
                }
            }
        }
        ("get", 0) => {
            let mut backoff = None;
            loop {
                if q.get_onto(stack) {
                    return true;
                }
                if !backoff
                    .get_or_insert_with(|| waiting(q, Side::Get, skip))
                    .snooze()
                {
                    return false;
                }
            }
        }
        _ => false,
    }
}

/// How side `side` of `q` waits once it cannot go on at once: by
/// yielding the CPU from the start when the other side last waited on this same CPU (see
/// [`Queue::other_side_here`]), else by a [`Backoff`] whose pauses start at `skip`.
fn waiting(q: &Queue, side: Side, skip: u32) -> Backoff {
    if q.other_side_here(side) {
        Backoff::yielding()
    } else {
        Backoff::skipping(skip)
    }
}

/// Calls queue method `name` of `obj`.
pub fn call(
    obj: &Arc<Object>,
    ctx: &mut Ctx<'_>,
    name: &str,
    args: &[Option<Value>],
    st: &mut OpState,
) -> Result<Outcome, Exc> {
    let Body::Queue(q) = &obj.body else {
        unreachable!("a queue")
    };
    Ok(match name {
        "put" | "put_nowait" => {
            let nowait = name == "put_nowait";
            let block = !nowait && arg(args, 1).is_none_or(Value::truthy);
            let timeout = if nowait {
                None
            } else {
                super::methods::timeout_arg(arg(args, 2))?
            };
            check_timeout(block, timeout)?;
            let deadline = st.deadline(|| ctx.host.now(), timeout);
            let mut slot = arg(args, 0).cloned();
            let what = wait_info(
                ctx,
                obj,
                || format!("for room in {}", obj.describe()),
                deadline,
            );
            ctx.block_on(what, |cx, reg| {
                q.poll_put(
                    cx.tid,
                    reg.then(|| cx.host.waker()).as_ref(),
                    &mut slot,
                    block,
                    cx.now_if(deadline),
                    deadline,
                )
            })
            .map(|r| r.map(|()| Value::None))
            .into()
        }
        "get" | "get_nowait" => {
            let nowait = name == "get_nowait";
            let block = !nowait && arg(args, 0).is_none_or(Value::truthy);
            let timeout = if nowait {
                None
            } else {
                super::methods::timeout_arg(arg(args, 1))?
            };
            check_timeout(block, timeout)?;
            let deadline = st.deadline(|| ctx.host.now(), timeout);
            let what = wait_info(
                ctx,
                obj,
                || format!("for an item from {}", obj.describe()),
                deadline,
            );
            ctx.block_on(what, |cx, reg| {
                q.poll_get(
                    cx.tid,
                    reg.then(|| cx.host.waker()).as_ref(),
                    block,
                    cx.now_if(deadline),
                    deadline,
                )
            })
            .into()
        }
        "qsize" => Outcome::Done(Value::Int(q.qsize() as i64)),
        "empty" => Outcome::Done(Value::Bool(q.qsize() == 0)),
        "full" => Outcome::Done(Value::Bool(q.full())),
        "task_done" => {
            q.task_done()?;
            Outcome::Done(Value::None)
        }
        "join" => {
            let what = wait_info(
                ctx,
                obj,
                || format!("for every item of {} to be marked done", obj.describe()),
                None,
            );
            match ctx.block_on(what, |cx, reg| {
                q.poll_join(cx.tid, reg.then(|| cx.host.waker()).as_ref())
            }) {
                super::wait::Poll::Pending => Outcome::Pending,
                super::wait::Poll::Ready(()) => Outcome::Done(Value::None),
            }
        }
        _ => return Err(super::methods::attribute_error(obj, name)),
    })
}
