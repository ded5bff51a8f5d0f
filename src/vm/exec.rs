//! Executing one instruction.

use std::sync::Arc;

use super::call::{Args, double_star_values, star_values};
use super::exc::{Exc, Exception, exc, kind, runtime_error, type_error};
use super::format::{ascii_of, repr_of, str_of};
use super::func::{Function, new_cell};
use super::ops;
use super::seq;
use super::spec::format_value;
use super::task::{Flow, Handler, Task};
use super::value::Value;
use crate::compile::code::{CallShape, Capture, Op};
use crate::sync::wait::{Ctx, Host, Poll};

/// What a call produced.
pub(super) enum Called {
    /// A value, available now.
    Value(Value),
    /// Enter this function with these arguments (a frame will be pushed).
    Enter(Arc<Function>, Args),
    /// Blocked (seeded mode): run the call again later.
    Pending,
}

impl Task {
    fn pop(&mut self) -> Value {
        self.stack.pop().expect("operand stack underflow")
    }

    fn top(&self) -> &Value {
        self.stack.last().expect("operand stack underflow")
    }

    /// A context for calls into objects and builtins.
    pub(super) fn ctx<'a>(&'a self, host: &'a dyn Host) -> Ctx<'a> {
        let span = self.user_span();
        Ctx {
            world: &self.world,
            host,
            tid: self.tid,
            thread: &self.thread,
            span,
        }
    }

    /// The call arguments on top of the stack (the stack is left as it is).
    fn collect_args(&self, shape: CallShape) -> Result<Args, Exc> {
        let n = self.operand_count(shape);
        let mut vals = self.stack[self.stack.len() - n..].iter();
        let mut args = Args::default();
        for _ in 0..shape.positional {
            args.pos.push(vals.next().expect("counted").clone());
        }
        if shape.star {
            args.pos.extend(star_values(vals.next().expect("counted"))?);
        }
        if shape.kw != u32::MAX {
            let names =
                self.frames.last().expect("a frame").code.kw_names[shape.kw as usize].clone();
            for name in names.iter() {
                args.kw
                    .push((name.clone(), vals.next().expect("counted").clone()));
            }
        }
        if shape.double_star {
            for (k, v) in double_star_values(vals.next().expect("counted"))? {
                if args.kw.iter().any(|(n, _)| *n == k) {
                    return Err(type_error(format!(
                        "got multiple values for keyword argument '{k}'"
                    )));
                }
                args.kw.push((k, v));
            }
        }
        Ok(args)
    }

    /// Replaces the two operands on top with `f(lhs, rhs)`. They stay on the stack when
    /// `f` fails, so that the instruction can run again after waiting (an `as_completed`
    /// generator: see [`Task::unpack`]).
    fn on_top_two(
        &mut self,
        f: impl FnOnce(&Value, &Value) -> Result<Value, Exc>,
    ) -> Result<(), Exc> {
        let n = self.stack.len();
        let v = f(&self.stack[n - 2], &self.stack[n - 1])?;
        self.stack.truncate(n - 2);
        self.stack.push(v);
        Ok(())
    }

    /// Finishes a call that leaves `taken` items on the stack (its callee, if pushed, and
    /// its operands).
    fn finish_call(&mut self, taken: usize, called: Called) -> Result<Flow, Exc> {
        if !matches!(called, Called::Pending) {
            self.op.clear();
        }
        match called {
            Called::Pending => Ok(Flow::Pending),
            Called::Value(v) => {
                let len = self.stack.len() - taken;
                self.stack.truncate(len);
                self.stack.push(v);
                Ok(Flow::Next)
            }
            Called::Enter(f, args) => {
                let len = self.stack.len() - taken;
                self.stack.truncate(len);
                self.push_frame(&f, args)?;
                Ok(Flow::Next)
            }
        }
    }

    #[inline(always)]
    pub(super) fn exec(&mut self, op: Op, host: &dyn Host) -> Result<Flow, Exc> {
        let frame = self.frames.last_mut().expect("a frame");
        match op {
            Op::Const(i) => {
                let v = frame.code.consts[i as usize].clone();
                self.stack.push(v);
            }
            Op::LoadLocal(i) => match &frame.locals[i as usize] {
                Some(v) => {
                    let v = v.clone();
                    self.stack.push(v);
                }
                None => {
                    let name = frame.code.local_names[i as usize].clone();
                    return Err(exc(
                        kind::UnboundLocalError,
                        format!(
                            "cannot access local variable '{name}' where it is not associated with a value"
                        ),
                    ));
                }
            },
            Op::StoreLocal(i) => {
                let v = self.stack.pop().expect("a value");
                self.frames.last_mut().expect("a frame").locals[i as usize] = Some(v);
            }
            Op::StoreLocalKeep(i) => {
                // Fused with the `LoadLocal` after it, which is skipped.
                frame.pc += 1;
                let v = self.top().clone();
                self.frames.last_mut().expect("a frame").locals[i as usize] = Some(v);
            }
            Op::DelLocal(i) => frame.locals[i as usize] = None,
            Op::LoadCell(i) | Op::LoadFree(i) => {
                let at = if let Op::LoadFree(_) = op {
                    frame.code.own_cells + i
                } else {
                    i
                };
                let v = frame.cells[at as usize].lock().clone();
                match v {
                    Some(v) => self.stack.push(v),
                    None => {
                        let name = frame
                            .code
                            .cell_names
                            .get(i as usize)
                            .cloned()
                            .unwrap_or_else(|| Arc::from("?"));
                        return Err(exc(
                            kind::NameError,
                            format!(
                                "cannot access free variable '{name}' where it is not associated with a value in enclosing scope"
                            ),
                        ));
                    }
                }
            }
            Op::StoreCell(i) | Op::StoreFree(i) => {
                let at = if let Op::StoreFree(_) = op {
                    frame.code.own_cells + i
                } else {
                    i
                };
                let cell = frame.cells[at as usize].clone();
                let v = self.pop();
                *cell.lock() = Some(v);
            }
            Op::LoadShared(i) => {
                let v = self.world.shared[i as usize].get();
                self.stack.push(v);
            }
            Op::StoreShared(i) => {
                let v = self.pop();
                self.world.shared[i as usize].set(v);
            }
            Op::LoadGlobal(i) => {
                let v = self.world.global(i);
                self.stack.push(v);
            }
            Op::StoreGlobal(i) => {
                let v = self.pop();
                let _ = self.world.globals[i as usize].set(v);
            }
            Op::LoadBuiltin(b) => self.stack.push(Value::Builtin(b)),
            Op::LoadExcType(k) => self.stack.push(Value::ExcType(k)),
            Op::NameError(i) => {
                let name = frame.code.names[i as usize].clone();
                return Err(exc(
                    kind::NameError,
                    format!("name '{name}' is not defined"),
                ));
            }
            Op::Pop => {
                self.pop();
            }
            Op::Dup => {
                let v = self.top().clone();
                self.stack.push(v);
            }
            Op::DupTwo => {
                let n = self.stack.len();
                let (a, b) = (self.stack[n - 2].clone(), self.stack[n - 1].clone());
                self.stack.push(a);
                self.stack.push(b);
            }
            Op::ExtendStar => {
                // `more` is popped once its items are taken (see `Unpack`).
                let n = self.stack.len();
                super::call::extend_star(n.checked_sub(2).map(|i| &self.stack[i]), self.top())?;
                self.pop();
            }
            Op::MergeKw(below) => {
                let more = self.pop();
                let at = self.stack.len().checked_sub(below as usize + 2);
                let callee = at.map_or(Value::None, |i| self.stack[i].clone());
                super::call::merge_kw(self.stack.last(), &more, &callee)?;
            }
            Op::Rot2 => {
                let n = self.stack.len();
                self.stack.swap(n - 1, n - 2);
            }
            Op::Rot3 => {
                let v = self.pop();
                let n = self.stack.len();
                self.stack.insert(n - 2, v);
            }
            Op::Unary(u) => {
                let v = self.pop();
                self.stack.push(ops::unary(u, &v)?);
            }
            Op::BinaryConst(b, c) | Op::InplaceBinaryConst(b, c) => {
                // Fused with the `Binary` after it, which is skipped.
                frame.pc += 1;
                let rhs = frame.code.consts[c as usize].clone();
                let l = self.pop();
                let inplace = matches!(op, Op::InplaceBinaryConst(..));
                self.stack
                    .push(ops::binary_or_inplace(b, inplace, &l, &rhs)?);
            }
            Op::ForIterStore { exit, slot } => {
                let Poll::Ready(got) = self.next_into_local(host, slot)? else {
                    return Ok(Flow::Pending);
                };
                let frame = self.frames.last_mut().expect("a frame");
                // Fused with the `StoreLocal` after it, which is skipped.
                frame.pc = if got { frame.pc + 1 } else { exit as usize };
            }
            Op::Binary(b) | Op::InplaceBinary(b) => {
                let inplace = matches!(op, Op::InplaceBinary(_));
                self.on_top_two(|l, r| ops::binary_or_inplace(b, inplace, l, r))?;
            }
            Op::Compare(c) => self.on_top_two(|l, r| ops::compare(c, l, r))?,
            Op::CompareConst(c, k) => {
                // Fused with the `Compare` after it, which is skipped.
                frame.pc += 1;
                let r = frame.code.consts[k as usize].clone();
                let l = self.pop();
                self.stack.push(ops::compare(c, &l, &r)?);
            }
            Op::Jump(t) => frame.pc = t as usize,
            Op::JumpIfFalse(t) | Op::JumpIfTrue(t) => {
                let v = self.pop();
                if v.truthy() == matches!(op, Op::JumpIfTrue(_)) {
                    self.frames.last_mut().expect("a frame").pc = t as usize;
                }
            }
            Op::JumpIfFalseOrPop(t) | Op::JumpIfTrueOrPop(t) => {
                if self.top().truthy() == matches!(op, Op::JumpIfTrueOrPop(_)) {
                    self.frames.last_mut().expect("a frame").pc = t as usize;
                } else {
                    self.pop();
                }
            }
            Op::BuildList(n) => {
                let items = self.stack.split_off(self.stack.len() - n as usize);
                self.stack.push(Value::list(items));
            }
            Op::BuildTuple(n) => {
                let items = self.stack.split_off(self.stack.len() - n as usize);
                self.stack.push(Value::tuple(items));
            }
            Op::BuildDict(n) => {
                let items = self.stack.split_off(self.stack.len() - 2 * n as usize);
                let mut it = items.into_iter();
                let mut pairs = Vec::with_capacity(n as usize);
                while let (Some(k), Some(v)) = (it.next(), it.next()) {
                    pairs.push((k, v));
                }
                self.stack.push(seq::dict_from(pairs)?);
            }
            Op::BuildString(n) => {
                let parts = self.stack.split_off(self.stack.len() - n as usize);
                let mut s = String::new();
                for p in &parts {
                    s.push_str(&str_of(p));
                }
                self.stack.push(Value::str(s));
            }
            Op::ListAppend(n) => {
                let v = self.pop();
                let at = self.stack.len() - 1 - n as usize;
                if let Value::List(l) = &self.stack[at] {
                    l.items.lock().push(v);
                }
            }
            Op::DictSet(n) => {
                let v = self.pop();
                let k = self.pop();
                let at = self.stack.len() - 1 - n as usize;
                seq::set_item(&self.stack[at].clone(), &k, v)?;
            }
            Op::Format(conv, has_spec) => {
                let spec = if has_spec {
                    str_of(&self.pop())
                } else {
                    String::new()
                };
                let v = self.pop();
                let v = match conv {
                    b'r' => Value::str(repr_of(&v)),
                    b'a' => Value::str(ascii_of(&v)),
                    b's' => Value::str(str_of(&v)),
                    _ => v,
                };
                self.stack.push(Value::str(format_value(&v, &spec)?));
            }
            Op::GetAttr(i) => {
                let name = frame.code.names[i as usize].clone();
                let v = self.pop();
                let r = self.get_attr(&v, &name)?;
                self.stack.push(r);
            }
            Op::SetAttr(i) => {
                let name = frame.code.names[i as usize].clone();
                let obj = self.pop();
                let v = self.pop();
                self.set_attr(&obj, name, v)?;
            }
            Op::GetItem => {
                let i = self.pop();
                let v = self.pop();
                self.stack.push(seq::get_item(&v, &i)?);
            }
            Op::SetItem => {
                let i = self.pop();
                let c = self.pop();
                let v = self.pop();
                seq::set_item(&c, &i, v)?;
            }
            Op::DelItem => {
                let i = self.pop();
                let c = self.pop();
                seq::del_item(&c, &i)?;
            }
            Op::SetSlice | Op::DelSlice => {
                let step = self.pop();
                let upper = self.pop();
                let lower = self.pop();
                let c = self.pop();
                if op == Op::SetSlice {
                    let v = self.pop();
                    seq::set_slice(&c, &lower, &upper, &step, &v)?;
                } else {
                    seq::del_slice(&c, &lower, &upper, &step)?;
                }
            }
            Op::DelAttr(i) => {
                let name = frame.code.names[i as usize].clone();
                let obj = self.pop();
                self.del_attr(&obj, &name)?;
            }
            Op::GetSlice => {
                let step = self.pop();
                let upper = self.pop();
                let lower = self.pop();
                let v = self.pop();
                self.stack.push(seq::get_slice(&v, &lower, &upper, &step)?);
            }
            Op::GetIter => {
                let v = self.pop();
                self.stack.push(Value::Iter(Box::new(seq::iter(&v)?)));
            }
            Op::ForIter(t) => return self.for_iter(host, t),
            Op::Unpack(n) => self.unpack(n as usize)?,
            Op::Call(shape) => {
                let n = self.operand_count(shape);
                let callee = self.stack[self.stack.len() - n - 1].clone();
                let args = self
                    .collect_args(shape)
                    .map_err(|e| super::call::name_callee(e, &callee))?;
                let called = self.call_value(host, callee, args)?;
                return self.finish_call(n + 1, called);
            }
            Op::CallMethod(i, shape) => {
                let name = frame.code.names[i as usize].clone();
                let internal = frame.code.internal;
                let n = self.operand_count(shape);
                let receiver = self.stack[self.stack.len() - n - 1].clone();
                let args = self.collect_args(shape)?;
                let called = self.call_method(host, &receiver, &name, args, internal)?;
                return self.finish_call(n + 1, called);
            }
            Op::CallMethodGlobal { global, name, args } => {
                let name = frame.code.names[name as usize].clone();
                let internal = frame.code.internal;
                let receiver = self.world.global(global);
                let args = self.collect_args(CallShape::positional(args))?;
                let n = args.pos.len();
                let called = self.call_method(host, &receiver, &name, args, internal)?;
                return self.finish_call(n, called);
            }
            Op::Spawn(shape) | Op::SpawnMethod(_, shape) => {
                let method = match op {
                    Op::SpawnMethod(i, _) => Some(frame.code.names[i as usize].clone()),
                    _ => None,
                };
                let n = self.operand_count(shape);
                let target = self.stack[self.stack.len() - n - 1].clone();
                let target = match method {
                    Some(m) => Value::Method(Arc::new((target, m))),
                    None => target,
                };
                let args = self.collect_args(shape)?;
                let thread = self.spawn(host, target, args)?;
                return self.finish_call(n + 1, Called::Value(thread));
            }
            Op::MakeFunction { code, defaults } => {
                let code = frame.code.children[code as usize].clone();
                let defaults = self.stack.split_off(self.stack.len() - defaults as usize);
                let frame = self.frames.last_mut().expect("a frame");
                let cells = code
                    .captures
                    .iter()
                    .map(|c| match *c {
                        Capture::Cell(i) => frame.cells[i as usize].clone(),
                        Capture::Free(i) => {
                            frame.cells[(frame.code.own_cells + i) as usize].clone()
                        }
                        Capture::Local(i) => {
                            let cell = new_cell();
                            *cell.lock() = frame.locals[i as usize].clone();
                            cell
                        }
                    })
                    .collect();
                self.stack
                    .push(Value::Func(Function::new(code, defaults, cells)));
            }
            Op::MakeFunctionLater { code } => {
                let code = frame.code.children[code as usize].clone();
                self.stack
                    .push(Value::Func(Function::later(code, Vec::new())));
            }
            Op::SetDefaults { global, count } => {
                let defaults = self.stack.split_off(self.stack.len() - count as usize);
                if let Some(Value::Func(f)) = self.world.globals[global as usize].get() {
                    let _ = f.defaults.set(defaults);
                }
            }
            Op::Return => {
                let v = self.pop();
                let f = self.frames.pop().expect("a frame");
                self.stack.truncate(f.base);
                if self.frames.is_empty() {
                    return Ok(Flow::Finished);
                }
                self.stack.push(v);
            }
            Op::Raise => {
                let v = self.pop();
                return Err(match v {
                    Value::Exception(e) => e,
                    Value::ExcType(k) => Exception::new(k, Vec::new()),
                    _ => type_error("exceptions must derive from BaseException"),
                });
            }
            Op::Reraise => {
                let current = self
                    .frames
                    .iter()
                    .rev()
                    .find_map(|f| f.handling.last().cloned());
                return Err(
                    current.unwrap_or_else(|| runtime_error("No active exception to reraise"))
                );
            }
            Op::RaiseTop => {
                return Err(match self.pop() {
                    Value::Exception(e) => e,
                    _ => runtime_error("internal error: no error to raise again"),
                });
            }
            Op::SetupExcept(t) => {
                let depth = self.stack.len();
                let frame = self.frames.last_mut().expect("a frame");
                let handling = frame.handling.len();
                frame.handlers.push(Handler {
                    target: t,
                    depth,
                    handling,
                });
            }
            Op::PopBlock => {
                frame.handlers.pop();
            }
            Op::EnterHandler => {
                if let Value::Exception(e) = self.pop() {
                    self.frames.last_mut().expect("a frame").handling.push(e);
                }
            }
            Op::ExitHandler => {
                frame.handling.pop();
            }
            Op::MatchExc(c) => {
                let types = frame.code.consts[c as usize].clone();
                let v = self.pop();
                let matched = match (&v, &types) {
                    (Value::Exception(e), Value::Tuple(ts)) => ts
                        .iter()
                        .any(|t| matches!(t, Value::ExcType(k) if e.kind.is_a(*k))),
                    _ => false,
                };
                self.stack.push(Value::Bool(matched));
            }
            Op::EnterWith | Op::ExitWith | Op::EnterWithGlobal(_) | Op::ExitWithGlobal(_) => {
                let flow = match op {
                    Op::EnterWith => self.enter_with(host),
                    Op::ExitWith => self.exit_with(host),
                    Op::EnterWithGlobal(g) => self.enter_global(host, g),
                    Op::ExitWithGlobal(g) => self.exit_global(host, g),
                    _ => unreachable!(),
                };
                if !matches!(flow, Ok(Flow::Pending)) {
                    self.op.clear();
                }
                return flow;
            }
            Op::Assert(with_msg) => {
                let msg = with_msg.then(|| self.pop());
                let test = self.pop();
                if !test.truthy() {
                    let args = msg.map_or_else(Vec::new, |m| vec![m]);
                    return Err(Exception::new(kind::AssertionError, args));
                }
            }
            Op::NewObject { kind, name, shape } => {
                let name = frame.code.names[name as usize].clone();
                let n = self.operand_count(shape);
                let args = self.collect_args(shape)?;
                let obj = self.new_object(host, kind, name, args)?;
                let len = self.stack.len() - n;
                self.stack.truncate(len);
                self.stack.push(obj);
            }
            Op::NewThreadBlock { code, name, daemon } => {
                let code = frame.code.children[code as usize].clone();
                let name = frame.code.names[name as usize].clone();
                let func = Value::Func(Function::new(code, Vec::new(), Vec::new()));
                let t = self.new_thread_block(host, name, daemon, func)?;
                self.stack.push(t);
            }
            Op::StartThreadBlocks => self.start_thread_blocks(host)?,
        }
        Ok(Flow::Next)
    }
}
