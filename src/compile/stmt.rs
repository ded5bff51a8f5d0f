//! Compiling statements: assignments, control flow, `try`, `with`, and the cleanups that
//! `break`, `continue` and `return` run on their way out.

use super::code::Op;
use super::{Cleanup, Compiler, Loop};
use crate::syntax::Span;
use crate::syntax::ast::*;
use crate::vm::value::Value;

impl<'m> Compiler<'m> {
    pub(super) fn stmt(&mut self, s: &'m Stmt) {
        let span = s.span;
        match &s.node {
            StmtKind::Expr(e) => {
                self.expr(e);
                self.emit(Op::Pop, span);
            }
            StmtKind::Assign { targets, value } => {
                self.expr(value);
                for (i, t) in targets.iter().enumerate() {
                    if i + 1 < targets.len() {
                        self.emit(Op::Dup, span);
                    }
                    self.store_target(t);
                }
            }
            StmtKind::AugAssign { target, op, value } => self.aug_assign(target, *op, value, span),
            StmtKind::If { branches, orelse } => {
                let mut ends = Vec::new();
                for (test, body) in branches {
                    self.expr(test);
                    let skip = self.emit(Op::JumpIfFalse(0), test.span);
                    self.block(body);
                    ends.push(self.emit(Op::Jump(0), span));
                    self.patch_here(skip);
                }
                if let Some(b) = orelse {
                    self.block(b);
                }
                for e in ends {
                    self.patch_here(e);
                }
            }
            StmtKind::While { test, body } => {
                let top = self.here();
                // `while True` tests nothing: only `break` leaves it.
                let forever = matches!(test.node, ExprKind::Bool(true));
                let exit = (!forever).then(|| {
                    self.expr(test);
                    self.emit(Op::JumpIfFalse(0), test.span)
                });
                self.loop_body(top, body, false);
                self.emit(Op::Jump(top), span);
                if let Some(exit) = exit {
                    self.patch_here(exit);
                }
                self.end_loop();
            }
            StmtKind::For { target, iter, body } => {
                self.expr(iter);
                self.emit(Op::GetIter, iter.span);
                let top = self.here();
                let exit = self.emit(Op::ForIter(0), iter.span);
                self.store_target(target);
                self.loop_body(top, body, true);
                self.emit(Op::Jump(top), span);
                self.patch_here(exit);
                self.end_loop();
            }
            StmtKind::With { items, body } => self.with(items, body, span, true),
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => match finalbody {
                Some(fin) => {
                    let setup = self.emit(Op::SetupExcept(0), span);
                    self.f().cleanups.push(Cleanup::Finally(fin));
                    self.try_except(body, handlers, orelse.as_ref(), span);
                    self.f().cleanups.pop();
                    self.emit(Op::PopBlock, span);
                    self.block(fin);
                    let end = self.emit(Op::Jump(0), span);
                    // The error path: run the finally block, then raise again.
                    self.patch_here(setup);
                    self.f().cleanups.push(Cleanup::PendingError);
                    self.block(fin);
                    self.f().cleanups.pop();
                    self.emit(Op::RaiseTop, fin.span);
                    self.patch_here(end);
                }
                None => self.try_except(body, handlers, orelse.as_ref(), span),
            },
            StmtKind::Break => {
                let (depth, is_for) = self
                    .f()
                    .loops
                    .last()
                    .map_or((0, false), |l| (l.cleanup_depth, l.is_for));
                self.run_cleanups(depth, span);
                if is_for {
                    self.emit(Op::Pop, span);
                }
                let j = self.emit(Op::Jump(0), span);
                if let Some(l) = self.f().loops.last_mut() {
                    l.breaks.push(j);
                }
            }
            StmtKind::Continue => {
                let (depth, target) = self
                    .f()
                    .loops
                    .last()
                    .map_or((0, 0), |l| (l.cleanup_depth, l.continue_to));
                self.run_cleanups(depth, span);
                self.emit(Op::Jump(target), span);
            }
            StmtKind::Return(value) => {
                match value {
                    Some(v) => self.expr(v),
                    None => {
                        let none = self.constant(Value::None);
                        self.emit(Op::Const(none), span);
                    }
                }
                if self.f().cleanups.is_empty() {
                    self.emit(Op::Return, span);
                } else {
                    let slot = match self.f().return_slot {
                        Some(s) => s,
                        None => {
                            let super::scope::Slot::Local(s) = self.hidden_local("<return>") else {
                                unreachable!("return slots are never captured")
                            };
                            self.f().return_slot = Some(s);
                            s
                        }
                    };
                    self.emit(Op::StoreLocal(slot), span);
                    self.run_cleanups(0, span);
                    self.emit(Op::LoadLocal(slot), span);
                    self.emit(Op::Return, span);
                }
            }
            StmtKind::Pass => {}
            StmtKind::Assert { test, msg } => {
                self.expr(test);
                if let Some(m) = msg {
                    // The message is evaluated only when the test fails.
                    let ok = self.emit(Op::JumpIfTrue(0), span);
                    self.expr(m);
                    let f = self.constant(Value::Bool(false));
                    self.emit(Op::Const(f), test.span);
                    self.emit(Op::Rot2, span);
                    self.emit(Op::Assert(true), span);
                    self.patch_here(ok);
                } else {
                    self.emit(Op::Assert(false), span);
                }
            }
            StmtKind::Raise(value) => match value {
                Some(v) => {
                    self.expr(v);
                    self.emit(Op::Raise, span);
                }
                None => {
                    self.emit(Op::Reraise, span);
                }
            },
            StmtKind::Del(targets) => {
                for t in targets {
                    self.del_target(t);
                }
            }
            // Declarations inside blocks are rejected by the checker; at top level they
            // were compiled with the set-up.
            StmtKind::Shared { .. }
            | StmtKind::Object { .. }
            | StmtKind::Def(_)
            | StmtKind::Thread { .. } => {}
        }
    }

    pub(super) fn block(&mut self, b: &'m Block) {
        for s in &b.node {
            self.stmt(s);
        }
    }

    fn loop_body(&mut self, top: u32, body: &'m Block, is_for: bool) {
        if is_for {
            self.f().cleanups.push(Cleanup::ForIter);
        }
        let cleanup_depth = self.f().cleanups.len();
        self.f().loops.push(Loop {
            is_for,
            continue_to: top,
            breaks: Vec::new(),
            cleanup_depth,
        });
        self.block(body);
    }

    /// Ends the innermost loop: `break`s jump here (after the iterator was popped).
    fn end_loop(&mut self) {
        let l = self.f().loops.pop().expect("in a loop");
        if l.is_for {
            self.f().cleanups.pop();
        }
        for b in l.breaks {
            self.patch_here(b);
        }
    }

    /// Emits the cleanups from the innermost down to `depth` (exclusive).
    fn run_cleanups(&mut self, depth: usize, span: Span) {
        let pending: Vec<Cleanup<'m>> = self.f().cleanups[depth..].iter().rev().copied().collect();
        let saved = self.f().cleanups.clone();
        for (i, c) in pending.iter().enumerate() {
            // While a cleanup runs, only the ones outside it are active.
            let outer = saved.len() - i - 1;
            self.f().cleanups.truncate(outer);
            match c {
                Cleanup::ForIter | Cleanup::PendingError => {
                    self.emit(Op::Pop, span);
                }
                Cleanup::Except => {
                    self.emit(Op::PopBlock, span);
                }
                Cleanup::Finally(fin) => {
                    self.emit(Op::PopBlock, span);
                    self.block(fin);
                }
                Cleanup::With => {
                    self.emit(Op::PopBlock, span);
                    self.emit(Op::ExitWith, span);
                }
                Cleanup::WithGlobal(g) => {
                    self.emit(Op::PopBlock, span);
                    self.emit(Op::ExitWithGlobal(*g), span);
                }
                Cleanup::Handler => {
                    self.emit(Op::ExitHandler, span);
                }
            }
        }
        self.f().cleanups = saved;
    }

    fn try_except(
        &mut self,
        body: &'m Block,
        handlers: &'m [Handler],
        orelse: Option<&'m Block>,
        span: Span,
    ) {
        if handlers.is_empty() {
            self.block(body);
            return;
        }
        let setup = self.emit(Op::SetupExcept(0), span);
        self.f().cleanups.push(Cleanup::Except);
        self.block(body);
        self.f().cleanups.pop();
        self.emit(Op::PopBlock, span);
        if let Some(b) = orelse {
            self.block(b);
        }
        let mut ends = vec![self.emit(Op::Jump(0), span)];
        self.patch_here(setup);
        // The error is on the stack.
        for h in handlers {
            let next = if h.types.is_empty() {
                None
            } else {
                self.emit(Op::Dup, h.span);
                let types: Vec<Value> = h
                    .types
                    .iter()
                    .map(|t| match crate::vm::exc::ExcKind::from_name(&t.node) {
                        Some(k) => Value::ExcType(k),
                        None => Value::None,
                    })
                    .collect();
                let c = self.constant(Value::tuple(types));
                self.emit(Op::MatchExc(c), h.span);
                Some(self.emit(Op::JumpIfFalse(0), h.span))
            };
            if let Some(name) = &h.name {
                self.emit(Op::Dup, name.span);
                self.store_name(&name.node, name.span);
            }
            self.emit(Op::EnterHandler, h.span);
            self.f().cleanups.push(Cleanup::Handler);
            self.block(&h.body);
            self.f().cleanups.pop();
            if let Some(name) = &h.name {
                // Python unbinds `as NAME` when the handler ends.
                if let super::Access::Slot(super::scope::Slot::Local(i)) = self.access(&name.node) {
                    self.emit(Op::DelLocal(i), name.span);
                }
            }
            self.emit(Op::ExitHandler, h.span);
            ends.push(self.emit(Op::Jump(0), h.span));
            if let Some(n) = next {
                self.patch_here(n);
            }
        }
        self.emit(Op::RaiseTop, span);
        for e in ends {
            self.patch_here(e);
        }
    }

    fn with(&mut self, items: &'m [WithItem], body: &'m Block, span: Span, first: bool) {
        let Some((item, rest)) = items.split_first() else {
            self.block(body);
            return;
        };
        // Reports show the blocked call as `with guard`.
        let enter = if first {
            Span::new(span.start as usize, item.expr.span.end as usize)
        } else {
            item.expr.span
        };
        // `with NAME` on a declared object needs no stack slot (the common, hot case).
        let global = match item.alias {
            None => self.global_name(&item.expr),
            Some(_) => None,
        };
        if let Some(g) = global {
            self.emit(Op::EnterWithGlobal(g), enter);
        } else {
            self.expr(&item.expr);
            self.emit(Op::EnterWith, enter);
            match &item.alias {
                Some(a) => self.store_name(&a.node, a.span),
                None => {
                    self.emit(Op::Pop, item.expr.span);
                }
            }
        }
        let setup = self.emit(Op::SetupExcept(0), span);
        self.f().cleanups.push(match global {
            Some(g) => Cleanup::WithGlobal(g),
            None => Cleanup::With,
        });
        self.with(rest, body, span, false);
        self.f().cleanups.pop();
        self.emit(Op::PopBlock, span);
        let exit = match global {
            Some(g) => Op::ExitWithGlobal(g),
            None => Op::ExitWith,
        };
        self.emit(exit, item.expr.span);
        let end = self.emit(Op::Jump(0), span);
        // The error path: release the object, raise the error again.
        self.patch_here(setup);
        if global.is_none() {
            // [object, error] → [error, object]
            self.emit(Op::Rot2, span);
        }
        self.emit(exit, item.expr.span);
        self.emit(Op::RaiseTop, span);
        self.patch_here(end);
    }

    /// Stores the top of the stack into an assignment target.
    pub(super) fn store_target(&mut self, t: &'m Expr) {
        match &t.node {
            ExprKind::Name(n) => self.store_name(n, t.span),
            ExprKind::Paren(inner) => self.store_target(inner),
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                self.emit(Op::Unpack(items.len() as u32), t.span);
                for i in items {
                    self.store_target(i);
                }
            }
            ExprKind::Attribute { value, attr } => {
                self.expr(value);
                let n = self.name(&attr.node);
                self.emit(Op::SetAttr(n), t.span);
            }
            ExprKind::Index { value, index } => {
                self.expr(value);
                if let ExprKind::Slice { lower, upper, step } = &index.node {
                    self.slice_parts(lower, upper, step, index.span);
                    self.emit(Op::SetSlice, t.span);
                } else {
                    self.expr(index);
                    self.emit(Op::SetItem, t.span);
                }
            }
            _ => {
                // Invalid targets are syntax errors; keep the stack balanced regardless.
                self.emit(Op::Pop, t.span);
            }
        }
    }

    fn aug_assign(&mut self, target: &'m Expr, op: BinOp, value: &'m Expr, span: Span) {
        match &target.node {
            ExprKind::Attribute { value: obj, attr } => {
                self.expr(obj);
                self.emit(Op::Dup, span);
                let n = self.name(&attr.node);
                self.emit(Op::GetAttr(n), target.span);
                self.expr(value);
                self.emit(Op::InplaceBinary(op), span);
                self.emit(Op::Rot2, span);
                self.emit(Op::SetAttr(n), target.span);
            }
            ExprKind::Index { value: obj, index } => {
                self.expr(obj);
                self.expr(index);
                self.emit(Op::DupTwo, span);
                self.emit(Op::GetItem, target.span);
                self.expr(value);
                self.emit(Op::InplaceBinary(op), span);
                self.emit(Op::Rot3, span);
                self.emit(Op::SetItem, target.span);
            }
            _ => {
                self.expr(target);
                self.expr(value);
                self.emit(Op::InplaceBinary(op), span);
                self.store_target(target);
            }
        }
    }

    fn del_target(&mut self, t: &'m Expr) {
        match &t.node {
            ExprKind::Name(n) => {
                if let super::Access::Slot(super::scope::Slot::Local(i)) = self.access(n) {
                    self.emit(Op::DelLocal(i), t.span);
                }
            }
            ExprKind::Paren(inner) => self.del_target(inner),
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                items.iter().for_each(|i| self.del_target(i))
            }
            ExprKind::Index { value, index } => {
                self.expr(value);
                if let ExprKind::Slice { lower, upper, step } = &index.node {
                    self.slice_parts(lower, upper, step, index.span);
                    self.emit(Op::DelSlice, t.span);
                } else {
                    self.expr(index);
                    self.emit(Op::DelItem, t.span);
                }
            }
            ExprKind::Attribute { value, attr } => {
                self.expr(value);
                let n = self.name(&attr.node);
                self.emit(Op::DelAttr(n), t.span);
            }
            _ => {}
        }
    }
}
