//! Resolving names, and the help given when one can't be resolved.

use super::scope::{Global, GlobalKind};
use super::suggest::{backticked, closest};
use super::{CheckError, Checker, LocalKind, ScopeKind};
use crate::lang::builtins;
use crate::lang::signature::Signature;
use crate::syntax::Span;
use crate::syntax::ast::*;

/// What a name refers to at one place in the scenario.
#[derive(Debug, Clone, Copy)]
pub(super) enum Resolved<'m> {
    /// A local of the current function, lambda or comprehension.
    Local(LocalKind),
    /// A top-level declaration.
    Global(Global<'m>),
    /// A builtin function.
    Function(&'static Signature),
    /// A builtin error type.
    Exception,
    /// A builtin constant.
    Constant,
    /// Nothing.
    Undefined,
}

/// Python module names people write out of habit, and what to write instead.
const MODULE_HINTS: &[(&str, &str)] = &[
    (
        "threading",
        "thr has no modules: declare objects (`lock guard`) and call builtins (`current_thread()`) directly",
    ),
    (
        "time",
        "thr has no modules: call `sleep(...)`, `time()` and `monotonic()` directly",
    ),
    (
        "queue",
        "to declare a queue, write `queue NAME` (or `queue NAME(maxsize=N)`) at the top level",
    ),
    (
        "random",
        "thr has no modules: call `randint(a, b)`, `random()` and `choice(seq)` directly",
    ),
    (
        "concurrent",
        "thr has no modules: declare a pool with `pool NAME(max_workers=N)`",
    ),
    (
        "self",
        "thr has no classes; pass what a function needs as parameters, or declare it `shared`",
    ),
];

impl<'m> Checker<'m> {
    /// Resolves `name` from the innermost scope outwards, then declarations, then builtins.
    pub(super) fn resolve(&self, name: &str) -> Resolved<'m> {
        for scope in self.scopes.iter().rev() {
            if let Some(&kind) = scope.locals.get(name) {
                return Resolved::Local(kind);
            }
            if !scope.kind.is_nested() {
                break;
            }
        }
        if let Some(g) = self.globals.get(name) {
            return Resolved::Global(*g);
        }
        if let Some(sig) = builtins::function(name) {
            return Resolved::Function(sig);
        }
        if builtins::is_exception(name) {
            return Resolved::Exception;
        }
        if builtins::CONSTANTS.contains(&name) {
            return Resolved::Constant;
        }
        Resolved::Undefined
    }

    /// Checks a read of `name`, reporting it when undefined or read before its declaration.
    pub(super) fn read_name(&mut self, name: &str, span: Span) -> Resolved<'m> {
        let resolved = self.resolve(name);
        match resolved {
            Resolved::Undefined => {
                let help = self.undefined_help(name);
                self.errors.push(CheckError::UndefinedName {
                    name: name.to_string(),
                    span: span.into(),
                    help,
                });
            }
            Resolved::Global(g) => {
                let in_init = self.scopes.iter().any(|s| s.kind == ScopeKind::Init);
                let set_up_later = matches!(g.kind, GlobalKind::Shared | GlobalKind::Object(_))
                    && g.order >= self.current_item;
                if in_init && set_up_later {
                    self.errors.push(CheckError::UsedBeforeDeclaration {
                        name: name.to_string(),
                        span: span.into(),
                        declared: g.span.into(),
                    });
                }
            }
            _ => {}
        }
        resolved
    }

    /// Every name visible here, for suggestions.
    fn visible_names(&self) -> Vec<&'m str> {
        let mut names: Vec<&'m str> = Vec::new();
        for scope in self.scopes.iter().rev() {
            names.extend(scope.locals.keys().copied());
            if !scope.kind.is_nested() {
                break;
            }
        }
        names.extend(self.globals.map.keys().copied());
        names.extend(builtins::all_names().map(|n| -> &'m str { n }));
        names
    }

    fn undefined_help(&self, name: &str) -> Option<String> {
        let in_main = self.scopes.iter().any(|s| s.kind == ScopeKind::Main);
        if !in_main && self.main_locals.contains_key(name) {
            return Some(format!(
                "`{name}` is a variable of the main thread's statements, which functions and threads \
                 can't see; to share it, declare it at the top level: `shared {name} = ...`"
            ));
        }
        if let Some(kind) = ObjectKind::ALL.iter().find(|k| k.keyword() == name) {
            return Some(format!(
                "to declare {}, write `{} NAME` at the top level, then use NAME",
                crate::lang::kinds::Kind::of_object(*kind).info().prose,
                kind.keyword()
            ));
        }
        if let Some((_, hint)) = MODULE_HINTS.iter().find(|(m, _)| *m == name) {
            return Some(hint.to_string());
        }
        let names = self.visible_names();
        closest(name, names).map(|n| format!("did you mean `{n}`?"))
    }

    /// Checks a name used as an error type in `except`.
    pub(super) fn exception_name(&mut self, name: &str, span: Span) {
        if builtins::is_exception(name) {
            return;
        }
        let known = builtins::EXCEPTIONS.iter().map(|(n, _)| *n);
        let help = match closest(name, known.clone()) {
            Some(n) => format!("did you mean `{n}`?"),
            None => format!("the error types are {}", backticked(known)),
        };
        self.errors.push(CheckError::UnknownException {
            name: name.to_string(),
            span: span.into(),
            help,
        });
    }

    /// Checks the operand of `raise`: an error type, a call of one, or a caught error.
    pub(super) fn raise(&mut self, e: &'m Expr) {
        let (name, span) = match &e.node {
            ExprKind::Name(n) => (n, e.span),
            ExprKind::Call { func, .. } => match &func.node {
                ExprKind::Name(n) => (n, func.span),
                _ => return self.expr(e),
            },
            _ => return self.expr(e),
        };
        match self.resolve(name) {
            Resolved::Local(_) | Resolved::Exception => self.expr(e),
            Resolved::Global(g) if matches!(g.kind, GlobalKind::Shared) => self.expr(e),
            _ => {
                self.exception_name(name, span);
                if let ExprKind::Call { args, .. } = &e.node {
                    args.iter().for_each(|a| self.expr(a.value()));
                }
            }
        }
    }
}
