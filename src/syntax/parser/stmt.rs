//! Building statements and declarations from pest pairs.

use super::{Pair, Rule};
use crate::syntax::ast::*;
use crate::syntax::error::SyntaxError;
use crate::syntax::span::{Span, Spanned};

pub(super) type Result<T> = std::result::Result<T, SyntaxError>;

/// Turns pairs into AST nodes. `offset` is where the parsed slice starts in the file.
pub(super) struct Builder<'s> {
    pub(super) src: &'s str,
    pub(super) offset: usize,
    /// The file's comments, sorted, to keep trailing comments out of node spans.
    comments: &'s [Span],
    /// Expression levels used by the expressions being built (see `Builder::expr`).
    pub(super) depth: std::cell::Cell<usize>,
}

/// True for keyword tokens, which carry no information once the rule is known.
fn is_keyword(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::kw_and
            | Rule::kw_as
            | Rule::kw_assert
            | Rule::kw_break
            | Rule::kw_continue
            | Rule::kw_def
            | Rule::kw_del
            | Rule::kw_elif
            | Rule::kw_else
            | Rule::kw_except
            | Rule::kw_finally
            | Rule::kw_for
            | Rule::kw_if
            | Rule::kw_in
            | Rule::kw_is
            | Rule::kw_lambda
            | Rule::kw_not
            | Rule::kw_or
            | Rule::kw_pass
            | Rule::kw_raise
            | Rule::kw_return
            | Rule::kw_spawn
            | Rule::kw_try
            | Rule::kw_while
            | Rule::kw_with
            | Rule::kw_shared
            | Rule::kw_daemon
            | Rule::kw_thread
            | Rule::kw_bounded
            | Rule::kw_lifo
            | Rule::kw_priority
            | Rule::kw_semaphore
            | Rule::kw_queue
    )
}

/// The children of `pair` that carry meaning (keyword tokens dropped).
pub(super) fn kids(pair: Pair<'_>) -> impl Iterator<Item = Pair<'_>> {
    pair.into_inner().filter(|p| !is_keyword(p.as_rule()))
}

impl<'s> Builder<'s> {
    /// A builder for a slice of `src` starting at `offset`.
    pub(super) fn new(src: &'s str, offset: usize, comments: &'s [Span]) -> Self {
        Builder {
            src,
            offset,
            comments,
            depth: std::cell::Cell::new(0),
        }
    }

    /// The file span of a pair, without the blanks and comments pest lets a rule end with.
    pub(super) fn span(&self, p: &Pair<'_>) -> Span {
        self.span_of(p.as_span())
    }

    /// [`Builder::span`] of a pest span.
    pub(super) fn span_of(&self, s: pest::Span<'_>) -> Span {
        let start = self.offset + s.start();
        let mut end = self.offset + s.end();
        let b = self.src.as_bytes();
        loop {
            while end > start {
                match b[end - 1] {
                    b' ' | b'\t' | b'\n' | b'\r' | 0x0C => end -= 1,
                    _ => break,
                }
            }
            match self.comments.binary_search_by_key(&(end as u32), |c| c.end) {
                Ok(i) if self.comments[i].start as usize >= start => {
                    end = self.comments[i].start as usize
                }
                _ => break,
            }
        }
        Span::new(start, end)
    }

    /// An identifier node.
    pub(super) fn ident(&self, p: Pair<'_>) -> Ident {
        Spanned::new(p.as_str().to_string(), self.span(&p))
    }

    /// A statement or declaration.
    pub(super) fn stmt(&self, p: Pair<'_>) -> Result<Stmt> {
        let span = self.span(&p);
        let kind = match p.as_rule() {
            Rule::if_stmt => self.if_stmt(p)?,
            Rule::while_stmt => {
                let mut k = kids(p);
                let test = self.expr(k.next().unwrap())?;
                let body = self.block(k.next().unwrap())?;
                StmtKind::While { test, body }
            }
            Rule::for_stmt => {
                let mut k = kids(p);
                let target = self.target_list(k.next().unwrap())?;
                let iter = self.expr_list(k.next().unwrap())?;
                let body = self.block(k.next().unwrap())?;
                StmtKind::For { target, iter, body }
            }
            Rule::with_stmt => self.with_stmt(p)?,
            Rule::try_stmt => self.try_stmt(p, span)?,
            Rule::def_stmt => {
                let mut k = kids(p).peekable();
                let name = self.ident(k.next().unwrap());
                let params = match k.peek().map(|p| p.as_rule()) {
                    Some(Rule::param_list) => self.params(k.next().unwrap())?,
                    _ => Vec::new(),
                };
                let body = self.block(k.next().unwrap())?;
                StmtKind::Def(Box::new(FuncDef { name, params, body }))
            }
            Rule::thread_decl => {
                let daemon = p
                    .clone()
                    .into_inner()
                    .next()
                    .is_some_and(|f| f.as_rule() == Rule::kw_daemon);
                let mut k = kids(p);
                let name = self.ident(k.next().unwrap());
                let body = self.block(k.next().unwrap())?;
                StmtKind::Thread { name, daemon, body }
            }
            Rule::shared_decl => {
                let mut k = kids(p);
                let name = self.ident(k.next().unwrap());
                let value = self.expr_list(k.next().unwrap())?;
                StmtKind::Shared { name, value }
            }
            Rule::object_decl => self.object_decl(p)?,
            Rule::pass_stmt => StmtKind::Pass,
            Rule::break_stmt => StmtKind::Break,
            Rule::continue_stmt => StmtKind::Continue,
            Rule::return_stmt => {
                StmtKind::Return(kids(p).next().map(|e| self.expr_list(e)).transpose()?)
            }
            Rule::assert_stmt => {
                let mut k = kids(p);
                let test = self.expr(k.next().unwrap())?;
                let msg = k.next().map(|m| self.expr(m)).transpose()?;
                StmtKind::Assert { test, msg }
            }
            Rule::raise_stmt => StmtKind::Raise(kids(p).next().map(|e| self.expr(e)).transpose()?),
            Rule::del_stmt => {
                let (targets, _) = self.expr_items(kids(p).next().unwrap())?;
                for t in &targets {
                    check_target(t, TargetUse::Delete)?;
                }
                StmtKind::Del(targets)
            }
            Rule::simple_stmt => self.simple_stmt(p)?,
            r => unreachable!("not a statement: {r:?}"),
        };
        Ok(Spanned::new(kind, span))
    }

    fn if_stmt(&self, p: Pair<'_>) -> Result<StmtKind> {
        let mut k = kids(p);
        let test = self.expr(k.next().unwrap())?;
        let body = self.block(k.next().unwrap())?;
        let mut branches = vec![(test, body)];
        let mut orelse = None;
        for clause in k {
            match clause.as_rule() {
                Rule::elif_clause => {
                    let mut c = kids(clause);
                    let test = self.expr(c.next().unwrap())?;
                    branches.push((test, self.block(c.next().unwrap())?));
                }
                _ => orelse = Some(self.block(kids(clause).next().unwrap())?),
            }
        }
        Ok(StmtKind::If { branches, orelse })
    }

    fn with_stmt(&self, p: Pair<'_>) -> Result<StmtKind> {
        let mut items = Vec::new();
        let mut body = None;
        for k in kids(p) {
            if k.as_rule() == Rule::block {
                body = Some(self.block(k)?);
            } else {
                let mut w = kids(k);
                let expr = self.expr(w.next().unwrap())?;
                let alias = w.next().map(|a| self.ident(a));
                items.push(WithItem { expr, alias });
            }
        }
        Ok(StmtKind::With {
            items,
            body: body.unwrap(),
        })
    }

    fn try_stmt(&self, p: Pair<'_>, span: Span) -> Result<StmtKind> {
        let mut k = kids(p);
        let body = self.block(k.next().unwrap())?;
        let (mut handlers, mut orelse, mut finalbody) = (Vec::new(), None, None);
        for clause in k {
            let rule = clause.as_rule();
            let cspan = self.span(&clause);
            let mut c = kids(clause).peekable();
            match rule {
                Rule::except_clause => {
                    let types = match c.peek().map(|p| p.as_rule()) {
                        Some(Rule::except_types) => {
                            kids(c.next().unwrap()).map(|t| self.ident(t)).collect()
                        }
                        _ => Vec::new(),
                    };
                    let name = match c.peek().map(|p| p.as_rule()) {
                        Some(Rule::ident) => Some(self.ident(c.next().unwrap())),
                        _ => None,
                    };
                    let body = self.block(c.next().unwrap())?;
                    handlers.push(Spanned::new(HandlerNode { types, name, body }, cspan));
                }
                Rule::else_clause => orelse = Some(self.block(c.next().unwrap())?),
                _ => finalbody = Some(self.block(c.next().unwrap())?),
            }
        }
        if handlers.is_empty() && finalbody.is_none() {
            return Err(SyntaxError::TryWithoutHandler { span: span.into() });
        }
        if let Some(b) = orelse.as_ref().filter(|_| handlers.is_empty()) {
            return Err(SyntaxError::invalid_expression(
                "`else` after `try` needs an `except` clause",
                "the `else` block runs when no `except` clause caught anything; add one or move the block",
                b.span,
            ));
        }
        let n = handlers.len();
        if let Some(bare) = handlers[..n.saturating_sub(1)]
            .iter()
            .find(|h| h.types.is_empty())
        {
            let at = Span::new(
                bare.span.start as usize,
                bare.span.start as usize + "except".len(),
            );
            return Err(SyntaxError::BareExceptNotLast { span: at.into() });
        }
        Ok(StmtKind::Try {
            body,
            handlers,
            orelse,
            finalbody,
        })
    }

    fn object_decl(&self, p: Pair<'_>) -> Result<StmtKind> {
        let mut k = kids(p);
        let words = k
            .next()
            .unwrap()
            .as_str()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let kind = ObjectKind::ALL
            .into_iter()
            .find(|o| o.keyword() == words)
            .expect("grammar only accepts known kinds");
        let name = self.ident(k.next().unwrap());
        let args = k.next().map(|a| self.call_args(a)).transpose()?;
        Ok(StmtKind::Object { kind, name, args })
    }

    fn simple_stmt(&self, p: Pair<'_>) -> Result<StmtKind> {
        let mut k = kids(p);
        let first = self.expr_list(k.next().unwrap())?;
        let Some(next) = k.next() else {
            return Ok(StmtKind::Expr(first));
        };
        if next.as_rule() == Rule::aug_assign {
            let mut a = next.into_inner();
            let op = match a.next().unwrap().as_str() {
                "+=" => BinOp::Add,
                "-=" => BinOp::Sub,
                "*=" => BinOp::Mul,
                "/=" => BinOp::Div,
                "//=" => BinOp::FloorDiv,
                "%=" => BinOp::Mod,
                "**=" => BinOp::Pow,
                "&=" => BinOp::BitAnd,
                "|=" => BinOp::BitOr,
                "^=" => BinOp::BitXor,
                "<<=" => BinOp::Shl,
                _ => BinOp::Shr,
            };
            check_target(&first, TargetUse::Augmented)?;
            let value = self.expr_list(a.next().unwrap())?;
            return Ok(StmtKind::AugAssign {
                target: first,
                op,
                value,
            });
        }
        let mut targets = vec![first];
        let mut value = self.expr_list(kids(next).next().unwrap())?;
        for tail in k {
            targets.push(value);
            value = self.expr_list(kids(tail).next().unwrap())?;
        }
        for t in &targets {
            check_target(t, TargetUse::Assign)?;
        }
        Ok(StmtKind::Assign { targets, value })
    }

    /// A braced block.
    pub(super) fn block(&self, p: Pair<'_>) -> Result<Block> {
        let span = self.span(&p);
        let stmts = kids(p).map(|s| self.stmt(s)).collect::<Result<Vec<_>>>()?;
        Ok(Spanned::new(stmts, span))
    }

    /// A parameter list of a `def` or `lambda`, checked as Python checks it.
    pub(super) fn params(&self, p: Pair<'_>) -> Result<Vec<Param>> {
        let mut params: Vec<Param> = Vec::new();
        let mut seen_default = false;
        let mut seen_star = false;
        for param in kids(p) {
            let span = self.span(&param);
            let mut k = kids(param).peekable();
            let kind = match k.peek().map(|p| p.as_rule()) {
                Some(Rule::param_star) => match k.next().unwrap().as_str() {
                    "*" => ParamKind::VarArgs,
                    _ => ParamKind::VarKw,
                },
                _ => ParamKind::Normal,
            };
            let name = self.ident(k.next().unwrap());
            let default = k.next().map(|d| self.expr(d)).transpose()?;
            let bad = |message: String, help: &str| {
                Err(SyntaxError::BadParameters {
                    message,
                    help: help.to_string(),
                    span: span.into(),
                })
            };
            if params.iter().any(|q| q.name.node == name.node) {
                return bad(
                    format!("duplicate argument '{}' in function definition", name.node),
                    "give each parameter its own name",
                );
            }
            if params.last().is_some_and(|q| q.kind == ParamKind::VarKw) {
                return bad(
                    "arguments cannot follow var-keyword argument".into(),
                    "`**kwargs` must be the last parameter",
                );
            }
            match kind {
                ParamKind::Normal if default.is_some() => seen_default = true,
                ParamKind::Normal if seen_default && !seen_star => {
                    return bad(
                        "parameter without a default follows parameter with a default".into(),
                        "put the parameters that have defaults last, or give this one a default",
                    );
                }
                ParamKind::VarArgs | ParamKind::VarKw if default.is_some() => {
                    return bad(
                        format!(
                            "var-{} argument cannot have default value",
                            if kind == ParamKind::VarArgs {
                                "positional"
                            } else {
                                "keyword"
                            }
                        ),
                        "remove the default",
                    );
                }
                ParamKind::VarArgs if seen_star => {
                    return bad(
                        "* argument may appear only once".into(),
                        "keep one `*args` parameter",
                    );
                }
                ParamKind::VarArgs => seen_star = true,
                _ => {}
            }
            params.push(Param {
                name,
                default,
                kind,
            });
        }
        Ok(params)
    }
}

/// How a target is used, for the wording of errors.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum TargetUse {
    Assign,
    Augmented,
    Delete,
}

/// Checks that `e` can be assigned to (or deleted, or augmented).
pub(super) fn check_target(e: &Expr, usage: TargetUse) -> Result<()> {
    let what = match &e.node {
        ExprKind::Name(_) | ExprKind::Attribute { .. } | ExprKind::Index { .. } => return Ok(()),
        ExprKind::Paren(inner) => return check_target(inner, usage),
        ExprKind::Tuple(items) | ExprKind::List(items) if usage != TargetUse::Augmented => {
            return items.iter().try_for_each(|i| check_target(i, usage));
        }
        ExprKind::Tuple(_) => "a tuple",
        ExprKind::List(_) => "a list",
        ExprKind::Call { .. } => "a function call",
        ExprKind::Spawn { .. } => "a `spawn` expression",
        ExprKind::Int(_)
        | ExprKind::Float(_)
        | ExprKind::Duration { .. }
        | ExprKind::Str(_)
        | ExprKind::FString(_)
        | ExprKind::Bool(_)
        | ExprKind::None => "a literal",
        ExprKind::Compare { .. } => "a comparison",
        ExprKind::Lambda { .. } => "a lambda",
        ExprKind::IfElse { .. } => "a conditional expression",
        ExprKind::Dict(_) | ExprKind::DictComp { .. } => "a dict",
        ExprKind::ListComp { .. } => "a comprehension",
        _ => "an expression",
    };
    let (action, help, label) = match usage {
        TargetUse::Assign => (
            "assign to",
            "only names, `x[i]`, `obj.attr` and tuples or lists of them can be assigned to",
            "not assignable",
        ),
        TargetUse::Augmented => (
            "use an augmented assignment on",
            "`+=` and the like work on one name, `x[i]` or `obj.attr` (not on tuples or lists)",
            "not assignable with an augmented assignment",
        ),
        TargetUse::Delete => (
            "delete",
            "only names, `x[i]`, `obj.attr` and tuples of them can be deleted",
            "cannot be deleted",
        ),
    };
    Err(SyntaxError::InvalidTarget {
        action,
        what,
        help,
        span: e.span.into(),
        label,
    })
}
