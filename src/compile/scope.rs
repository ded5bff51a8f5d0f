//! Where each name lives at run time: local slots, cells (locals captured by lambdas),
//! shared variables, globals and builtins.
//!
//! The locals of a body are found with the same function the checker uses
//! ([`crate::check::scope::bindings`]), so the compiler and the checker agree.

use std::collections::HashSet;

use crate::check::scope::{Binding, bindings, target_names};
use crate::syntax::ast::*;
use crate::syntax::visit;

/// Where a local name of a function lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// A plain local slot.
    Local(u32),
    /// One of the function's own cells (a local that lambdas capture).
    Cell(u32),
    /// One of a lambda's captured cells (a local of an enclosing function).
    Free(u32),
}

/// The names a lambda body reads that it does not bind itself.
pub fn lambda_free_names(params: &[Param], body: &Expr) -> HashSet<String> {
    let mut bound: Vec<String> = params.iter().map(|p| p.name.node.clone()).collect();
    let mut free = HashSet::new();
    expr_free_names(body, &mut bound, &mut free);
    // Defaults are evaluated where the lambda is made, not inside it.
    free
}

/// Adds to `free` the names `e` reads that are not in `bound` (a stack of bound names).
fn expr_free_names(e: &Expr, bound: &mut Vec<String>, free: &mut HashSet<String>) {
    match &e.node {
        ExprKind::Name(n) => {
            if !bound.iter().any(|b| b == n) {
                free.insert(n.clone());
            }
        }
        ExprKind::Lambda { params, body } => {
            visit::params_exprs(params, &mut |d| expr_free_names(d, bound, free));
            let depth = bound.len();
            bound.extend(params.iter().map(|p| p.name.node.clone()));
            expr_free_names(body, bound, free);
            bound.truncate(depth);
        }
        ExprKind::ListComp { elt, clauses } => comp_free_names(clauses, &[elt], bound, free),
        ExprKind::DictComp {
            key,
            value,
            clauses,
        } => comp_free_names(clauses, &[key, value], bound, free),
        other => visit::expr_children(other, &mut |c| expr_free_names(c, bound, free)),
    }
}

fn comp_free_names(
    clauses: &[CompClause],
    results: &[&Expr],
    bound: &mut Vec<String>,
    free: &mut HashSet<String>,
) {
    let depth = bound.len();
    for c in clauses {
        expr_free_names(&c.iter, bound, free);
        target_names(&c.target, &mut |n, _, _| bound.push(n.to_string()));
        c.ifs.iter().for_each(|f| expr_free_names(f, bound, free));
    }
    results.iter().for_each(|r| expr_free_names(r, bound, free));
    bound.truncate(depth);
}

/// Names of a body's locals (parameters first, in order, then other bindings in source
/// order), excluding shared names, and which of them lambdas inside capture.
pub struct FunctionNames {
    /// Local names in slot order.
    pub locals: Vec<String>,
    /// Names lambdas inside capture: the locals and comprehension variables among them
    /// must live in cells.
    pub captured: HashSet<String>,
}

/// Computes the locals of a function-like body with `params`, given the shared names.
pub fn function_names(
    params: &[Param],
    body: &[Stmt],
    is_shared: &dyn Fn(&str) -> bool,
) -> FunctionNames {
    let mut locals: Vec<String> = params.iter().map(|p| p.name.node.clone()).collect();
    let mut seen: HashSet<String> = locals.iter().cloned().collect();
    bindings(body, &mut |name, _, binding| {
        if binding != Binding::Augment && !is_shared(name) && seen.insert(name.to_string()) {
            locals.push(name.to_string());
        }
    });
    let mut free = HashSet::new();
    for s in body {
        stmt_lambda_free_names(s, &mut free);
    }
    // Every free name, not only the locals: comprehension variables a lambda captures
    // become cells too (their slots are made later, while compiling).
    FunctionNames {
        locals,
        captured: free,
    }
}

/// Free names of every lambda in `s` (not descending into nested declarations).
fn stmt_lambda_free_names(s: &Stmt, free: &mut HashSet<String>) {
    if s.node.is_declaration()
        && !matches!(s.node, StmtKind::Shared { .. } | StmtKind::Object { .. })
    {
        return;
    }
    let mut blocks = Vec::new();
    visit::stmt_parts(&s.node, &mut |e| expr_lambdas(e, free), &mut |b| {
        blocks.push(b)
    });
    for b in blocks {
        for s in &b.node {
            stmt_lambda_free_names(s, free);
        }
    }
}

/// Free names of lambdas inside `e` (including comprehension variables they use: a
/// comprehension variable captured by a lambda also becomes a cell).
fn expr_lambdas(e: &Expr, free: &mut HashSet<String>) {
    match &e.node {
        ExprKind::Lambda { params, body } => {
            free.extend(lambda_free_names(params, body));
            visit::params_exprs(params, &mut |d| expr_lambdas(d, free));
        }
        other => visit::expr_children(other, &mut |c| expr_lambdas(c, free)),
    }
}
