//! Walking the tree: the direct children of a node, written once for every pass.

use super::ast::*;

/// Calls `f` on each direct sub-expression of `e`, in source order.
pub fn expr_children<'a>(e: &'a ExprKind, f: &mut dyn FnMut(&'a Expr)) {
    match e {
        ExprKind::Int(_)
        | ExprKind::Float(_)
        | ExprKind::Duration { .. }
        | ExprKind::Str(_)
        | ExprKind::Bool(_)
        | ExprKind::None
        | ExprKind::Name(_) => {}
        ExprKind::FString(parts) => fstring_exprs(parts, f),
        ExprKind::List(items) | ExprKind::Tuple(items) => items.iter().for_each(f),
        ExprKind::Dict(items) => items.iter().for_each(|(k, v)| {
            f(k);
            f(v)
        }),
        ExprKind::ListComp { elt, clauses } => {
            clauses.iter().for_each(|c| comp_exprs(c, f));
            f(elt);
        }
        ExprKind::DictComp {
            key,
            value,
            clauses,
        } => {
            clauses.iter().for_each(|c| comp_exprs(c, f));
            f(key);
            f(value);
        }
        ExprKind::Paren(inner) => f(inner),
        ExprKind::Unary { operand, .. } => f(operand),
        ExprKind::Binary { left, right, .. } | ExprKind::Logic { left, right, .. } => {
            f(left);
            f(right);
        }
        ExprKind::Compare { left, ops } => {
            f(left);
            ops.iter().for_each(|(_, e)| f(e));
        }
        ExprKind::IfElse { test, body, orelse } => {
            f(body);
            f(test);
            f(orelse);
        }
        ExprKind::Lambda { params, body } => {
            params_exprs(params, f);
            f(body);
        }
        ExprKind::Call { func, args } | ExprKind::Spawn { func, args } => {
            f(func);
            args.iter().for_each(|a| f(a.value()));
        }
        ExprKind::Attribute { value, .. } => f(value),
        ExprKind::Index { value, index } => {
            f(value);
            f(index);
        }
        ExprKind::Slice { lower, upper, step } => {
            [lower, upper, step]
                .into_iter()
                .flatten()
                .for_each(|e| f(e));
        }
    }
}

fn fstring_exprs<'a>(parts: &'a [FPart], f: &mut dyn FnMut(&'a Expr)) {
    for p in parts {
        if let FPart::Field(field) = p {
            f(&field.expr);
            if let Some(spec) = &field.spec {
                fstring_exprs(spec, f);
            }
        }
    }
}

fn comp_exprs<'a>(c: &'a CompClause, f: &mut dyn FnMut(&'a Expr)) {
    f(&c.iter);
    f(&c.target);
    c.ifs.iter().for_each(f);
}

/// Calls `f` on the default values of `params`.
pub fn params_exprs<'a>(params: &'a [Param], f: &mut dyn FnMut(&'a Expr)) {
    params.iter().filter_map(|p| p.default.as_ref()).for_each(f);
}

/// Calls `exprs` on each expression directly in statement `s` and `blocks` on each block
/// directly in it (not descending into those blocks).
pub fn stmt_parts<'a>(
    s: &'a StmtKind,
    exprs: &mut dyn FnMut(&'a Expr),
    blocks: &mut dyn FnMut(&'a Block),
) {
    match s {
        StmtKind::Shared { value, .. } => exprs(value),
        StmtKind::Object { args, .. } => args.iter().flatten().for_each(|a| exprs(a.value())),
        StmtKind::Def(def) => {
            params_exprs(&def.params, exprs);
            blocks(&def.body);
        }
        StmtKind::Thread { body, .. } => blocks(body),
        StmtKind::Expr(e) => exprs(e),
        StmtKind::Assign { targets, value } => {
            exprs(value);
            targets.iter().for_each(exprs);
        }
        StmtKind::AugAssign { target, value, .. } => {
            exprs(target);
            exprs(value);
        }
        StmtKind::If { branches, orelse } => {
            for (test, body) in branches {
                exprs(test);
                blocks(body);
            }
            orelse.iter().for_each(blocks);
        }
        StmtKind::While { test, body } => {
            exprs(test);
            blocks(body);
        }
        StmtKind::For { target, iter, body } => {
            exprs(iter);
            exprs(target);
            blocks(body);
        }
        StmtKind::With { items, body } => {
            items.iter().for_each(|i| exprs(&i.expr));
            blocks(body);
        }
        StmtKind::Try {
            body,
            handlers,
            orelse,
            finalbody,
        } => {
            blocks(body);
            handlers.iter().for_each(|h| blocks(&h.body));
            orelse.iter().for_each(&mut *blocks);
            finalbody.iter().for_each(blocks);
        }
        StmtKind::Break | StmtKind::Continue | StmtKind::Pass => {}
        StmtKind::Return(value) | StmtKind::Raise(value) => value.iter().for_each(exprs),
        StmtKind::Assert { test, msg } => {
            exprs(test);
            msg.iter().for_each(exprs);
        }
        StmtKind::Del(targets) => targets.iter().for_each(exprs),
    }
}

/// Calls `f` on every top-level expression of `s` and of all statements nested in it.
pub fn stmt_exprs_deep<'a>(s: &'a Stmt, f: &mut dyn FnMut(&'a Expr)) {
    let mut nested: Vec<&'a Block> = Vec::new();
    stmt_parts(&s.node, f, &mut |b| nested.push(b));
    for b in nested {
        for s in &b.node {
            stmt_exprs_deep(s, f);
        }
    }
}
