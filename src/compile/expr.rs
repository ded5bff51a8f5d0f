//! Compiling expressions.

use super::Compiler;
use super::code::{CallShape, Op};
use super::scope::Slot;
use crate::syntax::Span;
use crate::syntax::ast::*;
use crate::vm::value::Value;

impl<'m> Compiler<'m> {
    pub(super) fn expr(&mut self, e: &'m Expr) {
        let span = e.span;
        match &e.node {
            ExprKind::Int(i) => self.push_const(Value::Int(*i), span),
            ExprKind::Float(f) => self.push_const(Value::Float(*f), span),
            ExprKind::Duration { amount, unit } => {
                self.push_const(Value::Float(amount * unit.seconds()), span)
            }
            ExprKind::Str(s) => self.push_const(Value::str(s.as_str()), span),
            ExprKind::Bool(b) => self.push_const(Value::Bool(*b), span),
            ExprKind::None => self.push_const(Value::None, span),
            ExprKind::FString(parts) => {
                let n = self.fstring(parts, span);
                self.emit(Op::BuildString(n), span);
            }
            ExprKind::Name(n) => self.load_name(n, span),
            ExprKind::List(items) => {
                items.iter().for_each(|i| self.expr(i));
                self.emit(Op::BuildList(items.len() as u32), span);
            }
            ExprKind::Tuple(items) => {
                items.iter().for_each(|i| self.expr(i));
                self.emit(Op::BuildTuple(items.len() as u32), span);
            }
            ExprKind::Dict(items) => {
                for (k, v) in items {
                    self.expr(k);
                    self.expr(v);
                }
                self.emit(Op::BuildDict(items.len() as u32), span);
            }
            ExprKind::ListComp { elt, clauses } => {
                self.emit(Op::BuildList(0), span);
                self.comprehension(clauses, 0, &mut |c| {
                    c.expr(elt);
                    let depth = clauses.len() as u32;
                    c.emit(Op::ListAppend(depth), elt.span);
                });
            }
            ExprKind::DictComp {
                key,
                value,
                clauses,
            } => {
                self.emit(Op::BuildDict(0), span);
                self.comprehension(clauses, 0, &mut |c| {
                    c.expr(key);
                    c.expr(value);
                    let depth = clauses.len() as u32;
                    c.emit(Op::DictSet(depth), key.span);
                });
            }
            ExprKind::Paren(inner) => self.expr(inner),
            ExprKind::Unary { op, operand } => {
                self.expr(operand);
                self.emit(Op::Unary(*op), span);
            }
            ExprKind::Binary { op, left, right } => {
                self.expr(left);
                self.expr(right);
                self.emit(Op::Binary(*op), span);
            }
            ExprKind::Logic { op, left, right } => {
                self.expr(left);
                let jump = match op {
                    LogicOp::And => Op::JumpIfFalseOrPop(0),
                    LogicOp::Or => Op::JumpIfTrueOrPop(0),
                };
                let j = self.emit(jump, span);
                self.expr(right);
                self.patch_here(j);
            }
            ExprKind::Compare { left, ops } => self.compare(left, ops, span),
            ExprKind::IfElse { test, body, orelse } => {
                self.expr(test);
                let skip = self.emit(Op::JumpIfFalse(0), test.span);
                self.expr(body);
                let end = self.emit(Op::Jump(0), span);
                self.patch_here(skip);
                self.expr(orelse);
                self.patch_here(end);
            }
            ExprKind::Lambda { params, body } => self.lambda(params, body, span),
            ExprKind::Call { func, args } => match &func.node {
                ExprKind::Attribute { value, attr } => {
                    if let Some(global) = self.global_name(value)
                        && args.iter().all(|a| matches!(a, Arg::Pos(_)))
                        && let Ok(count) = u16::try_from(args.len())
                    {
                        self.args(args);
                        let name = self.name(&attr.node);
                        self.emit(
                            Op::CallMethodGlobal {
                                global,
                                name,
                                args: count,
                            },
                            span,
                        );
                    } else {
                        self.expr(value);
                        let shape = self.args(args);
                        let n = self.name(&attr.node);
                        self.emit(Op::CallMethod(n, shape), span);
                    }
                }
                _ => {
                    self.expr(func);
                    let shape = self.args(args);
                    self.emit(Op::Call(shape), span);
                }
            },
            ExprKind::Spawn { func, args } => match &func.node {
                ExprKind::Attribute { value, attr } => {
                    self.expr(value);
                    let shape = self.args(args);
                    let n = self.name(&attr.node);
                    self.emit(Op::SpawnMethod(n, shape), span);
                }
                _ => {
                    self.expr(func);
                    let shape = self.args(args);
                    self.emit(Op::Spawn(shape), span);
                }
            },
            ExprKind::Attribute { value, attr } => {
                self.expr(value);
                let n = self.name(&attr.node);
                self.emit(Op::GetAttr(n), span);
            }
            ExprKind::Index { value, index } => {
                self.expr(value);
                if let ExprKind::Slice { lower, upper, step } = &index.node {
                    self.slice_parts(lower, upper, step, index.span);
                    self.emit(Op::GetSlice, span);
                } else {
                    self.expr(index);
                    self.emit(Op::GetItem, span);
                }
            }
            // Slices only occur as indexes (handled above).
            ExprKind::Slice { .. } => self.push_const(Value::None, span),
        }
    }

    fn push_const(&mut self, v: Value, span: Span) {
        let c = self.constant(v);
        self.emit(Op::Const(c), span);
    }

    /// Pushes call arguments and returns their shape.
    pub(super) fn args(&mut self, args: &'m [Arg]) -> CallShape {
        let mut shape = CallShape::positional(0);
        // Positional arguments from the first `*xs` on are gathered into one list.
        let mut starred: Vec<&'m Arg> = Vec::new();
        let mut kw: Vec<(&'m str, &'m Expr)> = Vec::new();
        let mut dstar: Vec<&'m Expr> = Vec::new();
        for a in args {
            match a {
                Arg::Pos(e) if starred.is_empty() => {
                    self.expr(e);
                    shape.positional += 1;
                }
                Arg::Pos(_) | Arg::Star(_) => starred.push(a),
                Arg::Kw(n, e) => kw.push((&n.node, e)),
                Arg::DoubleStar(e) => dstar.push(e),
            }
        }
        if let ([Arg::Star(e)], 0) = (starred.as_slice(), shape.positional) {
            // A lone `*xs` is spread by the call itself, which names the callee in its error.
            self.expr(e);
            shape.star = true;
        } else if let Some(first) = starred.first() {
            let at = first.span();
            self.emit(Op::BuildList(0), at);
            for a in starred {
                if matches!(a, Arg::Star(_)) {
                    self.expr(a.value());
                    self.emit(Op::ExtendStar, a.span());
                    continue;
                }
                self.emit(Op::Dup, a.span());
                self.expr(a.value());
                let m = self.name("append");
                self.emit(Op::CallMethod(m, CallShape::positional(1)), a.span());
                self.emit(Op::Pop, a.span());
            }
            shape.star = true;
        }
        if !kw.is_empty() {
            for (_, e) in &kw {
                self.expr(e);
            }
            let names: Vec<std::sync::Arc<str>> =
                kw.iter().map(|(n, _)| std::sync::Arc::from(*n)).collect();
            let table = &mut self.f().code.kw_names;
            table.push(names.into());
            shape.kw = table.len() as u32 - 1;
        }
        if let Some((first, rest)) = dstar.split_first() {
            self.expr(first);
            if !rest.is_empty() {
                let below = u32::from(shape.positional) + u32::from(shape.star) + kw.len() as u32;
                // Several `**` merge into one dict, refusing a keyword given twice.
                self.emit(Op::BuildDict(0), first.span);
                self.emit(Op::Rot2, first.span);
                self.emit(Op::MergeKw(below), first.span);
                for d in rest {
                    self.expr(d);
                    self.emit(Op::MergeKw(below), d.span);
                }
            }
            shape.double_star = true;
        }
        shape
    }

    /// `a < b < c` evaluates `b` once and stops at the first false comparison.
    fn compare(&mut self, left: &'m Expr, ops: &'m [(CmpOp, Expr)], span: Span) {
        self.expr(left);
        if let [(op, right)] = ops {
            self.expr(right);
            self.emit(Op::Compare(*op), span);
            return;
        }
        let mut cleanups = Vec::new();
        for (i, (op, right)) in ops.iter().enumerate() {
            self.expr(right);
            if i + 1 < ops.len() {
                self.emit(Op::Dup, right.span);
                self.emit(Op::Rot3, right.span);
                self.emit(Op::Compare(*op), span);
                cleanups.push(self.emit(Op::JumpIfFalseOrPop(0), span));
            } else {
                self.emit(Op::Compare(*op), span);
            }
        }
        let end = self.emit(Op::Jump(0), span);
        for c in cleanups {
            self.patch_here(c);
        }
        // A comparison failed: [b, False] → [False].
        self.emit(Op::Rot2, span);
        self.emit(Op::Pop, span);
        self.patch_here(end);
    }

    fn lambda(&mut self, params: &'m [Param], body: &'m Expr, span: Span) {
        for p in params {
            if let Some(d) = &p.default {
                self.expr(d);
            }
        }
        // Python's `__qualname__`, which its argument errors name: `f.<locals>.<lambda>`.
        let qualname = match self.fns.len() {
            1 => "<lambda>".to_string(),
            _ => format!("{}.<locals>.<lambda>", self.f().code.params.name),
        };
        self.begin("<lambda>", params, &[], true, Some(body));
        self.f().code.params.name = qualname;
        self.expr(body);
        self.emit(Op::Return, body.span);
        let (mut code, built) = self.finish();
        code.captures = built
            .free_sources
            .iter()
            .map(|s| match *s {
                Slot::Cell(i) => super::code::Capture::Cell(i),
                Slot::Free(i) => super::code::Capture::Free(i),
                Slot::Local(i) => super::code::Capture::Local(i),
            })
            .collect();
        let id = self.add_child(code);
        let defaults = params.iter().filter(|p| p.default.is_some()).count() as u16;
        self.emit(Op::MakeFunction { code: id, defaults }, span);
    }

    /// Compiles the loops of a comprehension; `inner` emits the innermost result step.
    fn comprehension(
        &mut self,
        clauses: &'m [CompClause],
        i: usize,
        inner: &mut dyn FnMut(&mut Self),
    ) {
        let Some(c) = clauses.get(i) else {
            inner(self);
            return;
        };
        self.expr(&c.iter);
        if i == 0 {
            // Comprehension variables get fresh slots: they do not leak out.
            self.f().comps.push(Default::default());
        }
        let mut names = Vec::new();
        crate::check::scope::target_names(&c.target, &mut |n, _, _| names.push(n.to_string()));
        for n in names {
            let slot = self.hidden_local(&n);
            self.f()
                .comps
                .last_mut()
                .expect("pushed above")
                .insert(n, slot);
        }
        self.emit(Op::GetIter, c.iter.span);
        let top = self.here();
        let exit = self.emit(Op::ForIter(0), c.iter.span);
        self.store_target(&c.target);
        for f in &c.ifs {
            self.expr(f);
            self.emit(Op::JumpIfFalse(top), f.span);
        }
        self.comprehension(clauses, i + 1, inner);
        self.emit(Op::Jump(top), c.iter.span);
        self.patch_here(exit);
        if i == 0 {
            self.f().comps.pop();
        }
    }

    /// Pushes the pieces of an f-string; returns how many strings were pushed.
    fn fstring(&mut self, parts: &'m [FPart], span: Span) -> u32 {
        let mut n = 0;
        for part in parts {
            match part {
                FPart::Text(t) => self.push_const(Value::str(t.as_str()), span),
                FPart::Field(f) => {
                    if let Some(text) = &f.debug_text {
                        self.push_const(Value::str(text.as_str()), span);
                        n += 1;
                    }
                    self.expr(&f.expr);
                    // `{x=}` shows the repr unless a conversion or spec says otherwise.
                    let conv = match (f.conversion, &f.debug_text, &f.spec) {
                        (Some(c), _, _) => c as u8,
                        (None, Some(_), None) => b'r',
                        _ => 0,
                    };
                    if let Some(spec) = &f.spec {
                        let k = self.fstring(spec, span);
                        self.emit(Op::BuildString(k), span);
                    }
                    self.emit(Op::Format(conv, f.spec.is_some()), f.expr.span);
                }
            }
            n += 1;
        }
        n
    }
}

impl<'m> Compiler<'m> {
    /// Pushes a slice's lower, upper and step (`None` for each one left out).
    pub(super) fn slice_parts(
        &mut self,
        lower: &'m Option<Box<Expr>>,
        upper: &'m Option<Box<Expr>>,
        step: &'m Option<Box<Expr>>,
        span: Span,
    ) {
        for part in [lower, upper, step] {
            match part {
                Some(p) => self.expr(p),
                None => self.push_const(Value::None, span),
            }
        }
    }
}
