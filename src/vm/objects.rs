//! Calls, attributes, `with`, and creating objects and threads.

use std::sync::Arc;

use super::call::{Args, bind};
use super::exc::{Exc, Exception, exc, kind, type_error, value_error};
use super::exec::Called;
use super::format::str_of;
use super::task::{Flow, Task};
use super::value::Value;
use crate::sync::methods::{self, attribute_error, new_thread, set_thread_attr};
use crate::sync::thread::Entry;
use crate::sync::wait::{Host, Outcome, Poll};
use crate::sync::{Body, Object, acquire};
use crate::syntax::ast::ObjectKind;

/// `max_workers` when not given. CPython uses `min(32, cpus + 4)`; thr fixes it so that
/// runs (and thread names) are the same on every machine.
pub const DEFAULT_MAX_WORKERS: i64 = 8;

impl Task {
    fn outcome(&mut self, host: &dyn Host, o: Outcome) -> Result<Called, Exc> {
        match o {
            Outcome::Done(v) => Ok(Called::Value(v)),
            Outcome::Raise(e) => Err(e),
            Outcome::Pending => Ok(Called::Pending),
            Outcome::Invoke(f, pos) => self.call_value(
                host,
                f,
                Args {
                    pos,
                    kw: Vec::new(),
                },
            ),
        }
    }

    /// Calls `callee` with `args`.
    pub(super) fn call_value(
        &mut self,
        host: &dyn Host,
        callee: Value,
        args: Args,
    ) -> Result<Called, Exc> {
        match callee {
            Value::Func(f) => Ok(Called::Enter(f, args)),
            Value::Builtin(b) => {
                let bound = bind(b.signature(), args, None)?;
                let mut st = std::mem::take(&mut self.op);
                let o = super::builtins::call(b, &mut self.ctx(host), &bound, &mut st);
                self.op = st;
                self.outcome(host, o)
            }
            Value::Method(m) => {
                let (receiver, name) = (m.0.clone(), m.1.clone());
                self.call_method(host, &receiver, &name, args, false)
            }
            Value::ExcType(k) => {
                if !args.kw.is_empty() {
                    return Err(type_error(format!(
                        "{}() takes no keyword arguments",
                        k.name()
                    )));
                }
                Ok(Called::Value(Value::Exception(Exception::new(k, args.pos))))
            }
            other => Err(type_error(format!(
                "'{}' object is not callable",
                other.type_name()
            ))),
        }
    }

    /// Calls method `name` of `receiver`. Internal methods (`_name`) are open to the
    /// prelude only.
    pub(super) fn call_method(
        &mut self,
        host: &dyn Host,
        receiver: &Value,
        name: &str,
        args: Args,
        internal: bool,
    ) -> Result<Called, Exc> {
        match receiver {
            Value::Object(obj) => {
                let bound = if internal && name.starts_with('_') {
                    args.pos.into_iter().map(Some).collect()
                } else {
                    match obj.kind().method(name) {
                        Some(sig) => bind(sig, args, None)?,
                        None => {
                            // A `local`'s attribute may hold something callable.
                            let f = self.get_attr(receiver, name)?;
                            return self.call_value(host, f, args);
                        }
                    }
                };
                let mut st = std::mem::take(&mut self.op);
                let o = methods::call(obj, &mut self.ctx(host), name, &bound, &mut st);
                self.op = st;
                self.outcome(host, o)
            }
            Value::List(_)
                if name == "sort"
                    && args
                        .kw
                        .iter()
                        .any(|(k, v)| &**k == "key" && !matches!(v, Value::None)) =>
            {
                self.sort_with_key(host, receiver, args)
            }
            other => match super::methods::call_method(other, name, &args.pos, &args.kw) {
                Some(r) => r.map(Called::Value),
                None => Err(exc(
                    kind::AttributeError,
                    format!("'{}' object has no attribute '{name}'", other.type_name()),
                )),
            },
        }
    }

    /// `list.sort(key=f, reverse=r)`: the key calls are scenario code, so the prelude
    /// does the decorate-sort-undecorate in place.
    fn sort_with_key(&mut self, host: &dyn Host, list: &Value, args: Args) -> Result<Called, Exc> {
        if !args.pos.is_empty() {
            return Err(super::exc::type_error(
                "sort() takes no positional arguments",
            ));
        }
        let mut key = Value::None;
        let mut reverse = Value::Bool(false);
        for (k, v) in args.kw {
            match &*k {
                "key" => key = v,
                "reverse" => reverse = v,
                _ => {
                    return Err(super::exc::type_error(format!(
                        "'{k}' is an invalid keyword argument for sort()"
                    )));
                }
            }
        }
        let f = self.world.prelude("__thr_list_sort");
        self.call_value(
            host,
            f,
            Args {
                pos: vec![list.clone(), key, Value::Bool(reverse.truthy())],
                kw: Vec::new(),
            },
        )
    }

    /// `v.name`.
    pub(super) fn get_attr(&self, v: &Value, name: &str) -> Result<Value, Exc> {
        let method = |kind: crate::lang::kinds::Kind| {
            kind.method(name)
                .map(|_| Value::Method(Arc::new((v.clone(), Arc::from(name)))))
        };
        match v {
            Value::Object(obj) => {
                let value = match (&obj.body, name) {
                    (Body::Thread(t), "name") => Some(Value::Str(t.name())),
                    (Body::Thread(t), "daemon") => Some(Value::Bool(t.is_daemon())),
                    (Body::Thread(t), "ident" | "native_id") => {
                        Some(t.ident().map_or(Value::None, Value::Int))
                    }
                    (Body::Barrier(b), "parties") => Some(Value::Int(b.parties as i64)),
                    (Body::Barrier(b), "n_waiting") => Some(Value::Int(b.n_waiting() as i64)),
                    (Body::Barrier(b), "broken") => Some(Value::Bool(b.broken())),
                    (Body::Queue(q), "maxsize") => Some(Value::Int(q.maxsize)),
                    (Body::Local(l), _) => l.get(self.tid, name),
                    _ => None,
                };
                return value
                    .or_else(|| method(obj.kind()))
                    .ok_or_else(|| attribute_error(obj, name));
            }
            Value::Exception(e) if name == "args" => Some(Value::tuple(e.args.clone())),
            Value::List(_) => method(crate::lang::kinds::Kind::List),
            Value::Dict(_) => method(crate::lang::kinds::Kind::Dict),
            Value::Str(_) => method(crate::lang::kinds::Kind::Str),
            Value::Tuple(_) => method(crate::lang::kinds::Kind::Tuple),
            _ => None,
        }
        .ok_or_else(|| {
            exc(
                kind::AttributeError,
                format!("'{}' object has no attribute '{name}'", v.type_name()),
            )
        })
    }

    /// `obj.name = v`.
    pub(super) fn set_attr(&self, obj: &Value, name: Arc<str>, v: Value) -> Result<(), Exc> {
        match obj {
            Value::Object(o) => match &o.body {
                Body::Local(l) => {
                    l.set(self.tid, name, v);
                    Ok(())
                }
                Body::Thread(t) => set_thread_attr(t, &name, v),
                _ => Err(attribute_error(o, &name)),
            },
            other => Err(exc(
                kind::AttributeError,
                format!("'{}' object has no attribute '{name}'", other.type_name()),
            )),
        }
    }

    /// `del obj.name` (only a `local`'s attributes can be deleted).
    pub(super) fn del_attr(&self, obj: &Value, name: &str) -> Result<(), Exc> {
        match obj {
            Value::Object(o) => match &o.body {
                Body::Local(l) if l.delete(self.tid, name) => Ok(()),
                _ => Err(attribute_error(o, name)),
            },
            other => Err(exc(
                kind::AttributeError,
                format!("'{}' object has no attribute '{name}'", other.type_name()),
            )),
        }
    }

    /// `spawn target(args)`: a new thread, started.
    pub(super) fn spawn(
        &mut self,
        host: &dyn Host,
        target: Value,
        args: Args,
    ) -> Result<Value, Exc> {
        let ctx = self.ctx(host);
        let n = ctx.world.next_thread_number();
        let name = match super::builtins_rt::callable_name(&target) {
            Some(t) => format!("Thread-{n} ({t})"),
            None => format!("Thread-{n}"),
        };
        let daemon = self.thread.as_thread().is_some_and(|t| t.is_daemon());
        let entry = Entry {
            func: target,
            args: args.pos,
            kwargs: args.kw,
        };
        let t = new_thread(&ctx, name, daemon, Some(entry), None)?;
        if let Some(th) = t.as_thread() {
            th.begin()?;
        }
        host.spawn(&self.world, t.clone())?;
        Ok(Value::Object(t))
    }

    /// `with obj`: acquire (locks, conditions, semaphores) or enter (pools); the object is
    /// on top of the stack and what `as` binds is pushed.
    pub(super) fn enter_with(&mut self, host: &dyn Host) -> Result<Flow, Exc> {
        let v = self.stack.last().cloned().unwrap_or(Value::None);
        match self.enter_value(host, &v)? {
            None => Ok(Flow::Pending),
            Some(r) => {
                self.stack.push(r);
                Ok(Flow::Next)
            }
        }
    }

    /// `with NAME` on declared object `slot` (nothing on the stack).
    pub(super) fn enter_global(&mut self, host: &dyn Host, slot: u32) -> Result<Flow, Exc> {
        if let Some(Value::Object(o)) = self.world.globals[slot as usize].get()
            && let Body::Lock(l) = &o.body
            && l.try_acquire(self.tid)
        {
            return Ok(Flow::Next);
        }
        let v = self.world.global(slot);
        Ok(match self.enter_value(host, &v)? {
            None => Flow::Pending,
            Some(_) => Flow::Next,
        })
    }

    /// Acquires or enters `v`; `None` while blocked (seeded mode).
    fn enter_value(&mut self, host: &dyn Host, v: &Value) -> Result<Option<Value>, Exc> {
        let Value::Object(obj) = v else {
            return Err(type_error(format!(
                "'{}' object does not support the context manager protocol",
                v.type_name()
            )));
        };
        Ok(Some(match &obj.body {
            Body::Lock(_) | Body::RLock(_) | Body::Condition(_) => {
                let mut ctx = self.ctx(host);
                match acquire(&mut ctx, obj, None) {
                    Poll::Pending => return Ok(None),
                    Poll::Ready(b) => Value::Bool(b),
                }
            }
            Body::Semaphore(..) => {
                match self.call_method(host, v, "acquire", Args::default(), false)? {
                    Called::Pending => return Ok(None),
                    Called::Value(b) => b,
                    Called::Enter(..) => Value::None,
                }
            }
            Body::Pool(_) => v.clone(),
            _ => {
                return Err(type_error(format!(
                    "'{}' object does not support the context manager protocol",
                    obj.py_type()
                )));
            }
        }))
    }

    /// End of `with obj` (the object on top of the stack): release, or shut the pool
    /// down (waiting for its work).
    pub(super) fn exit_with(&mut self, host: &dyn Host) -> Result<Flow, Exc> {
        let v = self.stack.last().cloned().unwrap_or(Value::None);
        if !self.exit_value(host, &v)? {
            return Ok(Flow::Pending);
        }
        self.stack.pop();
        Ok(Flow::Next)
    }

    /// End of `with NAME` on declared object `slot`.
    pub(super) fn exit_global(&mut self, host: &dyn Host, slot: u32) -> Result<Flow, Exc> {
        if let Some(Value::Object(o)) = self.world.globals[slot as usize].get()
            && let Body::Lock(l) = &o.body
        {
            l.release()?;
            return Ok(Flow::Next);
        }
        let v = self.world.global(slot);
        Ok(if self.exit_value(host, &v)? {
            Flow::Next
        } else {
            Flow::Pending
        })
    }

    /// Releases `v` (or shuts a pool down); false while blocked (seeded mode).
    fn exit_value(&mut self, host: &dyn Host, v: &Value) -> Result<bool, Exc> {
        let Value::Object(obj) = v else {
            return Ok(true);
        };
        if let Body::Lock(l) = &obj.body {
            l.release()?;
            return Ok(true);
        }
        let method = match &obj.body {
            Body::Pool(_) => "shutdown",
            _ => "release",
        };
        Ok(!matches!(
            self.call_method(host, v, method, Args::default(), false)?,
            Called::Pending
        ))
    }

    /// A declared object.
    pub(super) fn new_object(
        &mut self,
        host: &dyn Host,
        kind: ObjectKind,
        name: Arc<str>,
        args: Args,
    ) -> Result<Value, Exc> {
        let bound = bind(crate::lang::kinds::constructor(kind), args, None)?;
        let arg = |i: usize| bound.get(i).cloned().flatten();
        let int = |i: usize, default: i64| -> Result<i64, Exc> {
            match arg(i) {
                None | Some(Value::None) => Ok(default),
                Some(v) => super::builtins::int_arg(&v),
            }
        };
        let body = match kind {
            ObjectKind::Lock => Body::Lock(Default::default()),
            ObjectKind::RLock => Body::RLock(Default::default()),
            ObjectKind::Condition => {
                let lock = match arg(0) {
                    None | Some(Value::None) => {
                        Object::new(format!("{name}.lock"), Body::RLock(Default::default()))
                    }
                    Some(Value::Object(o)) if matches!(o.body, Body::Lock(_) | Body::RLock(_)) => o,
                    Some(other) => {
                        return Err(type_error(format!(
                            "a condition needs a lock or rlock, not '{}'",
                            other.type_name()
                        )));
                    }
                };
                Body::Condition(crate::sync::condition::Condition::new(lock))
            }
            ObjectKind::Semaphore | ObjectKind::BoundedSemaphore => {
                let bounded = kind == ObjectKind::BoundedSemaphore;
                Body::Semaphore(
                    crate::sync::semaphore::Semaphore::new(int(0, 1)?, bounded)?,
                    bounded,
                )
            }
            ObjectKind::Event => Body::Event(Default::default()),
            ObjectKind::Barrier => {
                let parties = int(0, 0)?;
                if parties < 1 {
                    return Err(value_error("parties must be >= 1"));
                }
                let action = arg(1).filter(|a| !matches!(a, Value::None));
                let timeout = methods::timeout_arg(arg(2).as_ref())?;
                Body::Barrier(crate::sync::barrier::Barrier::new(
                    parties as usize,
                    action,
                    timeout,
                ))
            }
            ObjectKind::Queue | ObjectKind::LifoQueue | ObjectKind::PriorityQueue => {
                let order = match kind {
                    ObjectKind::Queue => crate::sync::queue::Order::Fifo,
                    ObjectKind::LifoQueue => crate::sync::queue::Order::Lifo,
                    _ => crate::sync::queue::Order::Priority,
                };
                Body::Queue(Box::new(crate::sync::queue::Queue::new(
                    order,
                    int(0, 0)?,
                    super::ops::less_than,
                )))
            }
            ObjectKind::Local => Body::Local(Default::default()),
            ObjectKind::Pool => {
                let workers = int(0, DEFAULT_MAX_WORKERS)?;
                if workers <= 0 {
                    return Err(value_error("max_workers must be greater than 0"));
                }
                // CPython numbers only the pools that have no prefix.
                let prefix = match arg(1).map(|p| str_of(&p)) {
                    Some(p) if !p.is_empty() => p,
                    _ => format!("ThreadPoolExecutor-{}", self.world.next_pool_number()),
                };
                Body::Pool(crate::sync::pool::Pool::new(
                    workers as usize,
                    Arc::from(prefix),
                ))
            }
        };
        let _ = host;
        let obj = Object::new(name, body);
        if matches!(obj.body, Body::Pool(_)) {
            self.world.pools.lock().push(obj.clone());
        }
        Ok(Value::Object(obj))
    }

    /// The thread object of a `thread NAME { }` block.
    pub(super) fn new_thread_block(
        &mut self,
        host: &dyn Host,
        name: Arc<str>,
        daemon: bool,
        func: Value,
    ) -> Result<Value, Exc> {
        let ctx = self.ctx(host);
        let entry = Entry {
            func,
            args: Vec::new(),
            kwargs: Vec::new(),
        };
        Ok(Value::Object(new_thread(
            &ctx,
            name.to_string(),
            daemon,
            Some(entry),
            None,
        )?))
    }

    /// Starts the `thread` blocks in declaration order.
    pub(super) fn start_thread_blocks(&mut self, host: &dyn Host) -> Result<(), Exc> {
        for &slot in &self.world.program().thread_blocks.clone() {
            if let Value::Object(t) = self.world.global(slot) {
                if let Some(th) = t.as_thread() {
                    th.begin()?;
                }
                host.spawn(&self.world, t)?;
            }
        }
        Ok(())
    }
}

/// What a thread object runs, as a callable and its arguments (timers go through the
/// prelude's `__thr_timer`).
pub fn thread_entry(
    world: &crate::vm::world::World,
    t: &Arc<Object>,
) -> (Value, Vec<Value>, Value) {
    let th = t.as_thread().expect("a thread");
    let entry = th.entry.clone().unwrap_or(Entry {
        func: Value::None,
        args: Vec::new(),
        kwargs: Vec::new(),
    });
    let kwargs = super::seq::dict_from(
        entry
            .kwargs
            .iter()
            .map(|(k, v)| (Value::Str(k.clone()), v.clone()))
            .collect(),
    )
    .unwrap_or(Value::None);
    if th.timer.is_some() {
        let args = vec![
            Value::Object(t.clone()),
            entry.func,
            Value::tuple(entry.args),
            kwargs,
        ];
        return (
            world.prelude("__thr_timer"),
            args,
            super::seq::dict_from(Vec::new()).unwrap_or(Value::None),
        );
    }
    (entry.func, entry.args, kwargs)
}

/// Error for threads that can't be created.
pub fn cannot_start(e: impl std::fmt::Display) -> Exc {
    exc(kind::RuntimeError, format!("can't start new thread: {e}"))
}
