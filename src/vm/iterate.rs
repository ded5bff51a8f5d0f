//! Iterating: a `for` loop's step, unpacking, and `as_completed`'s generator, whose step
//! in a `for` loop waits for the next future to finish, and which an instruction that
//! takes all its items at once (`list(g)`, unpacking) makes wait for every future before
//! it runs again.

use std::sync::Arc;

use super::exc::{Exc, type_error, value_error};
use super::seq;
use super::task::{Flow, Task};
use super::value::{IterState, Value, set_int};
use crate::compile::code::Op;
use crate::sync::completions::{Completions, Next};
use crate::sync::wait::{Host, Poll, WaitInfo};
use crate::sync::{Body, Object};

impl Task {
    /// The next item of the iterator on top into local `slot` (true), or, at the end, the
    /// iterator popped (false).
    #[inline]
    pub(super) fn next_into_local(
        &mut self,
        host: &dyn Host,
        slot: u32,
    ) -> Result<Poll<bool>, Exc> {
        let next = match self.stack.last_mut() {
            Some(Value::Iter(it)) => match it.next_in_range() {
                Some(Some(n)) => {
                    let frame = self.frames.last_mut().expect("a frame");
                    set_int(&mut frame.locals[slot as usize], n);
                    return Ok(Poll::Ready(true));
                }
                Some(None) => None,
                None => match self.next_from_iter(host)? {
                    Poll::Ready(v) => v,
                    Poll::Pending => return Ok(Poll::Pending),
                },
            },
            _ => None,
        };
        match next {
            Some(v) => {
                self.frames.last_mut().expect("a frame").locals[slot as usize] = Some(v);
                Ok(Poll::Ready(true))
            }
            None => {
                self.stack.pop();
                Ok(Poll::Ready(false))
            }
        }
    }

    /// `ForIter`: the next item pushed, or at the end the iterator popped and a jump to
    /// `exit`.
    pub(super) fn for_iter(&mut self, host: &dyn Host, exit: u32) -> Result<Flow, Exc> {
        let next = match self.stack.last_mut() {
            Some(Value::Iter(it)) => match it.next_in_range() {
                Some(n) => n.map(Value::Int),
                None => match self.next_from_iter(host)? {
                    Poll::Ready(v) => v,
                    Poll::Pending => return Ok(Flow::Pending),
                },
            },
            _ => None,
        };
        match next {
            Some(v) => self.stack.push(v),
            None => {
                self.stack.pop();
                self.frames.last_mut().expect("a frame").pc = exit as usize;
            }
        }
        Ok(Flow::Next)
    }

    /// `Unpack`: the `n` items of the value on top, pushed last first. The value stays on
    /// the stack until its items are taken, so that the instruction can run again after
    /// waiting (an `as_completed` generator).
    pub(super) fn unpack(&mut self, n: usize) -> Result<(), Exc> {
        let v = self.stack.last().expect("operand stack underflow");
        let items = seq::to_vec(v).map_err(|e| match e.waits_for {
            Some(_) => e,
            None => type_error(format!(
                "cannot unpack non-iterable {} object",
                v.type_name()
            )),
        })?;
        self.stack.pop();
        if items.len() < n {
            return Err(value_error(format!(
                "not enough values to unpack (expected {n}, got {})",
                items.len()
            )));
        }
        if items.len() > n {
            return Err(value_error(format!(
                "too many values to unpack (expected {n})"
            )));
        }
        self.stack.extend(items.into_iter().rev());
        Ok(())
    }

    /// The next item of the iterator on top of the stack, which is not a range; an
    /// `as_completed` generator waits for its next future (`Pending` in seeded mode).
    pub(super) fn next_from_iter(&mut self, host: &dyn Host) -> Result<Poll<Option<Value>>, Exc> {
        let generator = match self.stack.last_mut() {
            Some(Value::Iter(it)) => match &mut **it {
                IterState::Completions(g) => g.clone(),
                other => return seq::next(other).map(Poll::Ready),
            },
            _ => return Ok(Poll::Ready(None)),
        };
        let Body::Completions(c) = &generator.body else {
            return Ok(Poll::Ready(None));
        };
        let got = self.block_on_generator(host, &generator, c, "for the first of", |c| {
            match c.next() {
                Next::Future(f) => Some(Ok(Some(Value::Object(f)))),
                Next::End => Some(Ok(None)),
                Next::Wait => None,
            }
        });
        match got {
            Poll::Pending => Ok(Poll::Pending),
            Poll::Ready(r) => r.map(Poll::Ready),
        }
    }

    /// Waits until every remaining future of `generator` has finished: `Ready(Ok)` when
    /// they have, a `TimeoutError` when its deadline passes first.
    fn await_generator(
        &mut self,
        host: &dyn Host,
        generator: &Arc<Object>,
    ) -> Poll<Result<(), Exc>> {
        let Body::Completions(c) = &generator.body else {
            return Poll::Ready(Ok(()));
        };
        self.block_on_generator(host, generator, c, "for all", |c| {
            c.all_done().then_some(Ok(()))
        })
    }

    /// Waits on `generator` (whose body is `c`) until `ready` gives a result (`None`: not
    /// yet), or until its deadline passes (`TimeoutError`). `what` says, for reports and
    /// traces, how many of its futures it waits for.
    fn block_on_generator<T>(
        &mut self,
        host: &dyn Host,
        generator: &Arc<Object>,
        c: &Completions,
        what: &str,
        mut ready: impl FnMut(&Completions) -> Option<Result<T, Exc>>,
    ) -> Poll<Result<T, Exc>> {
        let mut ctx = self.ctx(host);
        let deadline = c.deadline(|| host.now());
        let span = ctx.span;
        let info = || WaitInfo {
            object: Some(generator.clone()),
            what: format!("{what} {} future(s) to finish", c.remaining()),
            deadline,
            span,
        };
        ctx.block_on(info, |cx, register| {
            // A future taken by `ready` has no registration left: finishing woke and
            // removed its waiters.
            if let Some(r) = ready(c) {
                c.unregister(cx.tid, false);
                return Poll::Ready(r);
            }
            if deadline.is_some_and(|d| cx.host.now() >= d) {
                // Before the error, which ends the generator (no futures remain after it).
                c.unregister(cx.tid, false);
                return Poll::Ready(Err(c.timeout_error()));
            }
            if register {
                c.register(cx.tid, &cx.host.waker());
            }
            Poll::Pending
        })
    }

    /// After instruction `op` failed with `e`: when `e` asks to wait for an `as_completed`
    /// generator and `op` left the stack as it was, waits; `Ready(Ok)` means run `op` again.
    /// Otherwise `e` is the error to raise.
    pub(super) fn wait_then_rerun(
        &mut self,
        host: &dyn Host,
        op: Op,
        e: Exc,
    ) -> Poll<Result<(), Exc>> {
        let rerunnable = matches!(
            op,
            Op::Call(_)
                | Op::CallMethod(..)
                | Op::CallMethodGlobal { .. }
                | Op::Spawn(_)
                | Op::SpawnMethod(..)
                | Op::NewObject { .. }
                | Op::Unpack(_)
                | Op::ExtendStar
                | Op::Compare(_)
                | Op::InplaceBinary(_)
        );
        match e.waits_for.clone() {
            Some(g) if rerunnable => self.await_generator(host, &g),
            _ => Poll::Ready(Err(e)),
        }
    }
}
