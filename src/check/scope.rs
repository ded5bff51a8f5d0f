//! Names: top-level declarations, and the locals of each function-like body.
//!
//! The rules are Python's, with one thr rule on top: a name declared `shared` is never
//! local, so assigning it anywhere writes the shared variable. Any other name assigned in a
//! body (by `=`, `+=`, `for`, `with ... as`, `except ... as` or `del`) is local to that body
//! for the whole body. The compiler uses the same functions, so checks and runs agree.

use super::NameMap;
use crate::syntax::Span;
use crate::syntax::ast::*;

/// What a top-level name declares.
#[derive(Debug, Clone, Copy)]
pub enum GlobalKind<'m> {
    /// `shared NAME = ...`.
    Shared,
    /// `lock NAME`, `queue NAME(...)`, ...
    Object(ObjectKind),
    /// `def NAME(...)`.
    Def(&'m FuncDef),
    /// `thread NAME { }`.
    Thread,
}

/// One top-level declaration.
#[derive(Debug, Clone, Copy)]
pub struct Global<'m> {
    /// What it is.
    pub kind: GlobalKind<'m>,
    /// The declared name's span.
    pub span: Span,
    /// Its position among the file's top-level items (declarations are set up in order).
    pub order: usize,
}

impl Global<'_> {
    /// How the declaration is described in messages: "the lock", "the function".
    pub fn describe(&self) -> String {
        match self.kind {
            GlobalKind::Shared => "the shared variable".into(),
            GlobalKind::Object(k) => format!("the {}", k.keyword()),
            GlobalKind::Def(_) => "the function".into(),
            GlobalKind::Thread => "the thread".into(),
        }
    }
}

/// All top-level declarations by name, plus the duplicates found while collecting them.
#[derive(Debug, Default)]
pub struct Globals<'m> {
    /// The first declaration of each name.
    pub map: NameMap<'m, Global<'m>>,
    /// `(first, again)` for each name declared more than once.
    pub duplicates: Vec<(Global<'m>, Global<'m>)>,
}

impl<'m> Globals<'m> {
    /// Collects the declarations of `module`.
    pub fn collect(module: &'m Module) -> Globals<'m> {
        let mut g = Globals::default();
        for (order, item) in module.body.iter().enumerate() {
            let (name, kind) = match &item.node {
                StmtKind::Shared { name, .. } => (name, GlobalKind::Shared),
                StmtKind::Object { kind, name, .. } => (name, GlobalKind::Object(*kind)),
                StmtKind::Def(def) => (&def.name, GlobalKind::Def(def)),
                StmtKind::Thread { name, .. } => (name, GlobalKind::Thread),
                _ => continue,
            };
            let global = Global {
                kind,
                span: name.span,
                order,
            };
            match g.map.get(name.node.as_str()) {
                Some(first) => g.duplicates.push((*first, global)),
                None => {
                    g.map.insert(&name.node, global);
                }
            }
        }
        g
    }

    /// The declaration of `name`, if any.
    pub fn get(&self, name: &str) -> Option<&Global<'m>> {
        self.map.get(name)
    }

    /// True when `name` is declared `shared`.
    pub fn is_shared(&self, name: &str) -> bool {
        matches!(
            self.get(name),
            Some(Global {
                kind: GlobalKind::Shared,
                ..
            })
        )
    }
}

/// How a name gets bound, which decides whether binding a shared name is allowed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Binding<'m> {
    /// `=`, `+=`, `for`, `del`: writes a shared name when the name is shared. `value` is
    /// the assigned expression for a plain `name = EXPR`.
    Assign {
        /// The value of a plain `name = EXPR`.
        value: Option<&'m Expr>,
    },
    /// `+=` and friends: reads the name first, so on its own it does not make a local.
    Augment,
    /// A parameter, `with ... as`, `except ... as`, a comprehension variable: always a new
    /// local, so it may not reuse a shared name.
    Fresh,
}

/// Calls `f` with every name bound directly in `body` (not inside lambdas, comprehensions
/// or nested declarations), with the span of the binding and how it binds, in source order.
pub fn bindings<'m>(body: &'m [Stmt], f: &mut dyn FnMut(&'m str, Span, Binding<'m>)) {
    for s in body {
        match &s.node {
            StmtKind::Assign { targets, value } => {
                for t in targets {
                    match &t.node {
                        ExprKind::Name(n) if targets.len() == 1 => {
                            f(n, t.span, Binding::Assign { value: Some(value) })
                        }
                        _ => target_names(t, f),
                    }
                }
            }
            StmtKind::AugAssign { target, .. } => {
                if let ExprKind::Name(n) = &target.node {
                    f(n, target.span, Binding::Augment);
                }
            }
            StmtKind::For { target, .. } => target_names(target, f),
            StmtKind::Del(targets) => targets.iter().for_each(|t| target_names(t, f)),
            StmtKind::With { items, .. } => {
                for alias in items.iter().filter_map(|i| i.alias.as_ref()) {
                    f(&alias.node, alias.span, Binding::Fresh);
                }
            }
            StmtKind::Try { handlers, .. } => {
                for name in handlers.iter().filter_map(|h| h.name.as_ref()) {
                    f(&name.node, name.span, Binding::Fresh);
                }
            }
            _ => {}
        }
        if !s.node.is_declaration() {
            crate::syntax::visit::stmt_parts(&s.node, &mut |_| {}, &mut |b| bindings(&b.node, f));
        }
    }
}

/// Calls `f` for each plain name in an assignment target (`a`, `(a, b)`, `[a, b]`).
pub fn target_names<'m>(target: &'m Expr, f: &mut dyn FnMut(&'m str, Span, Binding<'m>)) {
    match &target.node {
        ExprKind::Name(n) => f(n, target.span, Binding::Assign { value: None }),
        ExprKind::Tuple(items) | ExprKind::List(items) => {
            items.iter().for_each(|i| target_names(i, f))
        }
        ExprKind::Paren(inner) => target_names(inner, f),
        _ => {}
    }
}
