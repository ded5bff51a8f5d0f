//! Walking statements and expressions, one scope at a time.

use super::scope::{Binding, GlobalKind, bindings, target_names};
use super::{CheckError, Checker, LocalKind, NameMap, Scope, ScopeKind};
use crate::lang::kinds::{self, Kind};
use crate::syntax::Span;
use crate::syntax::ast::*;
use crate::syntax::visit;

impl<'m> Checker<'m> {
    /// Checks a whole module: declarations in order, then the main thread's statements.
    pub(super) fn module(&mut self, module: &'m Module) {
        for (first, again) in self.globals.duplicates.clone() {
            let name = again.span.text(self.src).to_string();
            self.errors.push(CheckError::DuplicateDeclaration {
                help: format!(
                    "every top-level name declares one thing; rename one of the two `{name}`s"
                ),
                name,
                first: first.span.into(),
                span: again.span.into(),
            });
        }
        self.main_locals = self.collect_locals(&[], &module.body);
        for (order, item) in module.body.iter().enumerate() {
            self.current_item = order;
            match &item.node {
                StmtKind::Shared { value, .. } => {
                    self.in_scope(ScopeKind::Init, NameMap::default(), |cx| cx.expr(value))
                }
                StmtKind::Object { kind, args, .. } => {
                    self.in_scope(ScopeKind::Init, NameMap::default(), |cx| {
                        let args = args.as_deref().unwrap_or_default();
                        cx.check_signature(kinds::constructor(*kind), args, item.span, None);
                        args.iter().for_each(|a| cx.expr(a.value()));
                        if *kind == ObjectKind::Condition {
                            cx.condition_lock(args);
                        }
                    })
                }
                StmtKind::Def(def) => {
                    self.in_scope(ScopeKind::Init, NameMap::default(), |cx| {
                        visit::params_exprs(&def.params, &mut |d| cx.expr(d))
                    });
                    self.function(ScopeKind::Def, &def.params, &def.body.node);
                }
                StmtKind::Thread { body, .. } => self.function(ScopeKind::Thread, &[], &body.node),
                _ => {}
            }
        }
        self.current_item = module.body.len();
        let locals = self
            .main_locals
            .keys()
            .map(|&n| (n, LocalKind::Unset))
            .collect();
        self.in_scope(ScopeKind::Main, locals, |cx| {
            cx.infer_kinds(&module.body);
            cx.block(&module.body);
        });
    }

    /// A condition's lock must be a `lock` or an `rlock`.
    fn condition_lock(&mut self, args: &'m [Arg]) {
        let lock = args.iter().find_map(|a| match a {
            Arg::Pos(e) => Some(e),
            Arg::Kw(n, e) if n.node == "lock" => Some(e),
            _ => None,
        });
        let Some(lock) = lock else { return };
        if let Some(kind) = self
            .kind_of(lock)
            .filter(|k| !matches!(k, Kind::Lock | Kind::RLock | Kind::NoneType))
        {
            self.errors.push(CheckError::WrongArgumentKind {
                message: "a condition is built on a lock or an rlock".into(),
                span: lock.span.into(),
                prose: kind.info().prose,
                help: "declare `lock NAME` (or `rlock NAME`) and pass it: `condition ready(NAME)`; without an argument the condition makes its own rlock".into(),
            });
        }
    }

    /// Runs `f` with a new scope pushed.
    pub(super) fn in_scope(
        &mut self,
        kind: ScopeKind,
        locals: NameMap<'m, LocalKind>,
        f: impl FnOnce(&mut Self),
    ) {
        self.scopes.push(Scope {
            kind,
            locals,
            loops: 0,
        });
        f(self);
        self.scopes.pop();
    }

    /// The locals of a function-like body: its parameters and every name it binds, minus
    /// shared names (reporting bindings that clash with declarations).
    fn collect_locals(&mut self, params: &'m [Param], body: &'m [Stmt]) -> NameMap<'m, Span> {
        let mut locals: NameMap<'m, Span> = NameMap::default();
        let mut bind = |cx: &mut Self, name: &'m str, span: Span, binding: Binding<'m>| match cx
            .globals
            .get(name)
        {
            Some(g) if matches!(g.kind, GlobalKind::Shared) => {
                if binding == Binding::Fresh {
                    cx.errors.push(CheckError::ShadowedShared {
                        name: name.to_string(),
                        span: span.into(),
                        declared: g.span.into(),
                    });
                }
            }
            // Locals may shadow functions and threads, as in Python; replacing a
            // declared object is refused (it is almost always a mistake).
            Some(g) if binding != Binding::Fresh && matches!(g.kind, GlobalKind::Object(_)) => {
                cx.errors.push(CheckError::AssignToDeclaration {
                    name: name.to_string(),
                    what: g.describe(),
                    span: span.into(),
                    declared: g.span.into(),
                });
            }
            _ if binding == Binding::Augment => {}
            _ => {
                locals.entry(name).or_insert(span);
            }
        };
        for p in params {
            bind(self, &p.name.node, p.name.span, Binding::Fresh);
        }
        let mut found = Vec::new();
        bindings(body, &mut |name, span, binding| {
            found.push((name, span, binding))
        });
        for &(name, span, binding) in &found {
            bind(self, name, span, binding);
        }
        // `x += 1` alone does not make `x` local; on a function or thread it would replace
        // the declaration.
        for &(name, span, binding) in &found {
            if binding != Binding::Augment || locals.contains_key(name) {
                continue;
            }
            if let Some(g) = self
                .globals
                .get(name)
                .filter(|g| matches!(g.kind, GlobalKind::Def(_) | GlobalKind::Thread))
            {
                let (what, declared) = (g.describe(), g.span);
                self.errors.push(CheckError::AssignToDeclaration {
                    name: name.to_string(),
                    what,
                    span: span.into(),
                    declared: declared.into(),
                });
            }
        }
        locals
    }

    /// Checks a `def` or `thread` body in a scope of its own.
    fn function(&mut self, kind: ScopeKind, params: &'m [Param], body: &'m [Stmt]) {
        let depth = std::mem::replace(&mut self.block_depth, 1);
        let locals = self.collect_locals(params, body);
        let locals = locals.into_keys().map(|n| (n, LocalKind::Unset)).collect();
        self.in_scope(kind, locals, |cx| {
            for p in params {
                cx.set_local_kind(&p.name.node, None);
            }
            cx.infer_kinds(body);
            cx.block(body);
        });
        self.block_depth = depth;
    }

    /// Records what simple assignments `x = EXPR` tell of each local's kind.
    fn infer_kinds(&mut self, body: &'m [Stmt]) {
        let mut assigned: Vec<(&'m str, Binding<'m>)> = Vec::new();
        bindings(body, &mut |name, _, binding| assigned.push((name, binding)));
        for (name, binding) in assigned {
            let kind = match binding {
                Binding::Assign { value: Some(v) } => self.kind_of(v),
                _ => None,
            };
            self.set_local_kind(name, kind);
        }
    }

    fn set_local_kind(&mut self, name: &str, kind: Option<Kind>) {
        let scope = self.scopes.last_mut().expect("a scope is pushed");
        if let Some(state) = scope.locals.get_mut(name) {
            *state = match (*state, kind) {
                (LocalKind::Unset, Some(k)) => LocalKind::Known(k),
                (LocalKind::Known(a), Some(b)) if a == b => LocalKind::Known(a),
                _ => LocalKind::Unknown,
            };
        }
    }

    /// The function-level scope enclosing the current position.
    fn function_scope(&mut self) -> &mut Scope<'m> {
        self.scopes
            .iter_mut()
            .rev()
            .find(|s| !s.kind.is_nested())
            .expect("a function scope is pushed")
    }

    /// Checks statements in order, warning once about statements after one that leaves.
    /// At the top level, declarations are skipped (they are checked on their own).
    pub(super) fn block(&mut self, stmts: &'m [Stmt]) {
        let mut warned = false;
        for (i, s) in stmts.iter().enumerate() {
            self.stmt(s);
            let Some(cause) = exit_word(&s.node).filter(|_| !warned) else {
                continue;
            };
            // The unreachable run: from the next statement to the last before a declaration.
            let rest = &stmts[i + 1..];
            let Some(first) = rest.iter().position(|s| !s.node.is_declaration()) else {
                continue;
            };
            let len = rest[first..]
                .iter()
                .take_while(|s| !s.node.is_declaration())
                .count();
            warned = true;
            self.errors.push(CheckError::Unreachable {
                cause: cause.to_string(),
                span: rest[first].span.to(rest[first + len - 1].span).into(),
                exit: s.span.into(),
            });
        }
    }

    fn sub_block(&mut self, b: &'m Block) {
        self.block_depth += 1;
        self.block(&b.node);
        self.block_depth -= 1;
    }

    fn loop_body(&mut self, b: &'m Block) {
        self.function_scope().loops += 1;
        self.sub_block(b);
        self.function_scope().loops -= 1;
    }

    fn stmt(&mut self, s: &'m Stmt) {
        let at_top = self.block_depth == 0
            && self.scopes.len() == 1
            && self.scopes[0].kind == ScopeKind::Main;
        if s.node.is_declaration() {
            if !at_top {
                self.errors.push(CheckError::NestedDeclaration {
                    keyword: declaration_keyword(&s.node),
                    span: s.span.into(),
                });
            }
            return;
        }
        match &s.node {
            StmtKind::Expr(e) => self.expr(e),
            StmtKind::Assign { targets, value } => {
                self.expr(value);
                targets.iter().for_each(|t| self.target(t));
            }
            StmtKind::AugAssign { target, value, .. } => {
                self.expr(target);
                self.expr(value);
            }
            StmtKind::If { branches, orelse } => {
                for (test, body) in branches {
                    self.expr(test);
                    self.sub_block(body);
                }
                if let Some(b) = orelse {
                    self.sub_block(b);
                }
            }
            StmtKind::While { test, body } => {
                self.expr(test);
                self.loop_body(body);
            }
            StmtKind::For { target, iter, body } => {
                self.expr(iter);
                self.target(target);
                self.loop_body(body);
            }
            StmtKind::With { items, body } => {
                for item in items {
                    self.expr(&item.expr);
                    self.with_item(&item.expr);
                }
                self.sub_block(body);
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                self.sub_block(body);
                for h in handlers {
                    h.types
                        .iter()
                        .for_each(|t| self.exception_name(&t.node, t.span));
                    self.sub_block(&h.body);
                }
                orelse
                    .iter()
                    .chain(finalbody)
                    .for_each(|b| self.sub_block(b));
            }
            StmtKind::Break if self.function_scope().loops == 0 => {
                self.errors.push(CheckError::BreakOutsideLoop {
                    span: s.span.into(),
                })
            }
            StmtKind::Continue if self.function_scope().loops == 0 => {
                self.errors.push(CheckError::ContinueOutsideLoop {
                    span: s.span.into(),
                })
            }
            StmtKind::Return(value) => {
                if matches!(
                    self.function_scope().kind,
                    ScopeKind::Main | ScopeKind::Init
                ) {
                    let kw = Span::new(
                        s.span.start as usize,
                        s.span.start as usize + "return".len(),
                    );
                    self.errors
                        .push(CheckError::ReturnOutsideDef { span: kw.into() });
                }
                value.iter().for_each(|v| self.expr(v));
            }
            StmtKind::Assert { test, msg } => {
                self.expr(test);
                msg.iter().for_each(|m| self.expr(m));
            }
            StmtKind::Raise(value) => value.iter().for_each(|v| self.raise(v)),
            StmtKind::Del(targets) => targets.iter().for_each(|t| self.target(t)),
            _ => {}
        }
    }

    /// Checks an assignment target: names are already bound; the rest is evaluated.
    fn target(&mut self, t: &'m Expr) {
        match &t.node {
            ExprKind::Name(_) => {}
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                items.iter().for_each(|i| self.target(i))
            }
            ExprKind::Paren(inner) => self.target(inner),
            ExprKind::Attribute { value, attr } => {
                self.expr(value);
                self.attribute(value, attr, false);
            }
            _ => self.expr(t),
        }
    }

    /// Checks an expression.
    pub(super) fn expr(&mut self, e: &'m Expr) {
        match &e.node {
            ExprKind::Name(n) => {
                self.read_name(n, e.span);
            }
            ExprKind::Call { func, args } | ExprKind::Spawn { func, args } => {
                self.call(func, args, e.span)
            }
            ExprKind::Attribute { value, attr } => {
                self.expr(value);
                self.attribute(value, attr, true);
            }
            ExprKind::Lambda { params, body } => {
                visit::params_exprs(params, &mut |d| self.expr(d));
                let mut locals = NameMap::default();
                for p in params {
                    self.fresh_binding(&p.name.node, p.name.span);
                    locals.insert(p.name.node.as_str(), LocalKind::Unknown);
                }
                self.in_scope(ScopeKind::Lambda, locals, |cx| cx.expr(body));
            }
            ExprKind::ListComp { elt, clauses } => self.comprehension(clauses, &[elt]),
            ExprKind::DictComp {
                key,
                value,
                clauses,
            } => self.comprehension(clauses, &[key, value]),
            _ => visit::expr_children(&e.node, &mut |c| self.expr(c)),
        }
    }

    /// Comprehension variables live in a scope of their own, as in Python 3.
    fn comprehension(&mut self, clauses: &'m [CompClause], results: &[&'m Expr]) {
        let Some(first) = clauses.first() else { return };
        self.expr(&first.iter);
        self.in_scope(ScopeKind::Comp, NameMap::default(), |cx| {
            for (i, c) in clauses.iter().enumerate() {
                if i > 0 {
                    cx.expr(&c.iter);
                }
                let mut names = Vec::new();
                target_names(&c.target, &mut |n, span, _| names.push((n, span)));
                for (n, span) in names {
                    cx.fresh_binding(n, span);
                    cx.scopes
                        .last_mut()
                        .unwrap()
                        .locals
                        .insert(n, LocalKind::Unknown);
                }
                cx.target(&c.target);
                c.ifs.iter().for_each(|f| cx.expr(f));
            }
            results.iter().for_each(|r| cx.expr(r));
        });
    }

    /// A lambda parameter or comprehension variable may not reuse a shared name.
    fn fresh_binding(&mut self, name: &str, span: Span) {
        if let Some(g) = self
            .globals
            .get(name)
            .filter(|g| matches!(g.kind, GlobalKind::Shared))
        {
            self.errors.push(CheckError::ShadowedShared {
                name: name.to_string(),
                span: span.into(),
                declared: g.span.into(),
            });
        }
    }

    fn with_item(&mut self, e: &'m Expr) {
        if let Some(kind) = self.kind_of(e) {
            let info = kind.info();
            if !info.context_manager {
                self.errors.push(CheckError::NotContextManager {
                    prose: info.prose,
                    span: e.span.into(),
                    object: e.span.text(self.src).to_string(),
                });
            }
        }
    }
}

/// The word naming the statement that leaves its block, if `s` always does.
fn exit_word(s: &StmtKind) -> Option<&'static str> {
    match s {
        StmtKind::Return(_) => Some("return"),
        StmtKind::Break => Some("break"),
        StmtKind::Continue => Some("continue"),
        StmtKind::Raise(_) => Some("raise"),
        _ => None,
    }
}

fn declaration_keyword(s: &StmtKind) -> String {
    match s {
        StmtKind::Shared { .. } => "shared".into(),
        StmtKind::Object { kind, .. } => kind.keyword().into(),
        StmtKind::Def(_) => "def".into(),
        StmtKind::Thread { daemon: true, .. } => "daemon thread".into(),
        _ => "thread".into(),
    }
}
