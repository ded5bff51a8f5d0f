//! Declarations: the top level of a scenario (and of a REPL input) before its statements.
//! Every `def` is made first (LANGUAGE.md: hoisted), then the declarations run in the order
//! written; defaults that could read names or call are evaluated where their `def` is.

use super::code::Op;
use super::{Access, Compiler};
use crate::syntax::Span;
use crate::syntax::ast::*;

impl<'m> Compiler<'m> {
    /// A `def`: its code, then `MakeFunction` and a store into its global. A def whose
    /// defaults are not all literals is made without them (`MakeFunctionLater`); they are
    /// set where it is written (see [`Self::late_defaults`]).
    fn def(&mut self, def: &'m FuncDef, span: Span) {
        let now = static_defaults(def);
        if now {
            for p in &def.params {
                if let Some(d) = &p.default {
                    self.expr(d);
                }
            }
        }
        self.begin(&def.name.node, &def.params, &def.body.node, false, None);
        self.body(&def.body.node);
        let code = self.finish().0;
        let id = self.add_child(code);
        let defaults = default_count(def);
        if now {
            self.emit(Op::MakeFunction { code: id, defaults }, span);
        } else {
            self.emit(Op::MakeFunctionLater { code: id }, span);
        }
        self.store_name(&def.name.node, def.name.span);
    }

    /// Sets up the declarations of `items`. Every `def` is made before anything else
    /// (LANGUAGE.md: defs are hoisted, visible to every declaration and initialiser,
    /// wherever they are written). Defaults are evaluated when the `def` runs, as in Python:
    /// those that could read names or call functions are evaluated where the def is
    /// written, among the declarations, after the `shared` initialisers above it.
    pub(super) fn declarations(&mut self, items: &'m [Stmt]) {
        for item in items {
            if let StmtKind::Def(def) = &item.node {
                self.def(def, item.span);
            }
        }
        for item in items {
            match &item.node {
                StmtKind::Def(def) if !static_defaults(def) => self.late_defaults(def, item.span),
                _ => self.declaration(item),
            }
        }
    }

    /// Evaluates the defaults of a def made by `MakeFunctionLater` and gives them to it.
    fn late_defaults(&mut self, def: &'m FuncDef, span: Span) {
        for p in &def.params {
            if let Some(d) = &p.default {
                self.expr(d);
            }
        }
        if let Access::Global(global) = self.access(&def.name.node) {
            let count = default_count(def);
            self.emit(Op::SetDefaults { global, count }, span);
        }
    }

    /// Sets up one declaration (defs were made already).
    fn declaration(&mut self, item: &'m Stmt) {
        match &item.node {
            StmtKind::Shared { name, value } => {
                self.expr(value);
                self.store_name(&name.node, name.span);
            }
            StmtKind::Object { kind, name, args } => {
                let args = args.as_deref().unwrap_or_default();
                let shape = self.args(args);
                let name_index = self.name(&name.node);
                self.emit(
                    Op::NewObject {
                        kind: *kind,
                        name: name_index,
                        shape,
                    },
                    item.span,
                );
                self.store_name(&name.node, name.span);
            }
            StmtKind::Thread { name, daemon, body } => {
                self.begin(&name.node, &[], &body.node, false, None);
                self.body(&body.node);
                let code = self.finish().0;
                let id = self.add_child(code);
                let name_index = self.name(&name.node);
                self.emit(
                    Op::NewThreadBlock {
                        code: id,
                        name: name_index,
                        daemon: *daemon,
                    },
                    name.span,
                );
                if let Some(&g) = self.globals.get(&name.node) {
                    self.thread_blocks.push(g);
                }
                self.store_name(&name.node, name.span);
            }
            _ => {}
        }
    }
}

/// How many parameters of `def` have defaults.
fn default_count(def: &FuncDef) -> u16 {
    def.params.iter().filter(|p| p.default.is_some()).count() as u16
}

/// True when every default of `def` is a literal (evaluating it early changes nothing).
fn static_defaults(def: &FuncDef) -> bool {
    def.params
        .iter()
        .all(|p| p.default.as_ref().is_none_or(is_literal))
}

/// Whether evaluating `e` can observe nothing of the program's state: it reads no name,
/// calls nothing and starts nothing (literals, and operators and indexing over them).
fn is_literal(e: &Expr) -> bool {
    match &e.node {
        ExprKind::Name(_)
        | ExprKind::Call { .. }
        | ExprKind::Attribute { .. }
        | ExprKind::Spawn { .. }
        | ExprKind::Lambda { .. }
        | ExprKind::ListComp { .. }
        | ExprKind::DictComp { .. } => false,
        other => {
            let mut all = true;
            crate::syntax::visit::expr_children(other, &mut |c| all &= is_literal(c));
            all
        }
    }
}
