//! Building expressions: operator precedence (a small precedence-climbing parser over the
//! flat operator/operand sequence pest produces), postfix operations, brackets.

use super::stmt::{Builder, Result, TargetUse, check_target, kids};
use super::{MAX_EXPR_DEPTH, Pair, Rule};
use crate::syntax::ast::*;
use crate::syntax::error::SyntaxError;
use crate::syntax::span::{Span, Spanned};

/// A binary operator of any family.
#[derive(Clone, Copy)]
enum Infix {
    Logic(LogicOp),
    Cmp(CmpOp),
    Bin(BinOp),
}

impl Infix {
    /// Left and right binding powers, following Python's precedence table.
    fn binding(self) -> (u8, u8) {
        match self {
            Infix::Logic(LogicOp::Or) => (1, 2),
            Infix::Logic(LogicOp::And) => (3, 4),
            Infix::Cmp(_) => (7, 8),
            Infix::Bin(op) => match op {
                BinOp::BitOr => (9, 10),
                BinOp::BitXor => (11, 12),
                BinOp::BitAnd => (13, 14),
                BinOp::Shl | BinOp::Shr => (15, 16),
                BinOp::Add | BinOp::Sub => (17, 18),
                BinOp::Mul | BinOp::Div | BinOp::FloorDiv | BinOp::Mod => (19, 20),
                // Right-associative, and its right operand may carry a unary sign.
                BinOp::Pow => (23, PREFIX_SIGN),
            },
        }
    }
}

/// Binding power of the operand of `not`.
const PREFIX_NOT: u8 = 5;
/// Binding power of the operand of `-`, `+` and `~`.
const PREFIX_SIGN: u8 = 21;

enum Tok {
    Prefix(UnaryOp, Span),
    Operand(Expr),
    Infix(Infix),
}

fn infix_of(rule: Rule) -> Option<Infix> {
    Some(match rule {
        Rule::op_or => Infix::Logic(LogicOp::Or),
        Rule::op_and => Infix::Logic(LogicOp::And),
        Rule::op_is_not => Infix::Cmp(CmpOp::IsNot),
        Rule::op_is => Infix::Cmp(CmpOp::Is),
        Rule::op_not_in => Infix::Cmp(CmpOp::NotIn),
        Rule::op_in => Infix::Cmp(CmpOp::In),
        Rule::op_eq => Infix::Cmp(CmpOp::Eq),
        Rule::op_ne => Infix::Cmp(CmpOp::Ne),
        Rule::op_le => Infix::Cmp(CmpOp::Le),
        Rule::op_ge => Infix::Cmp(CmpOp::Ge),
        Rule::op_lt => Infix::Cmp(CmpOp::Lt),
        Rule::op_gt => Infix::Cmp(CmpOp::Gt),
        Rule::op_shl => Infix::Bin(BinOp::Shl),
        Rule::op_shr => Infix::Bin(BinOp::Shr),
        Rule::op_bitor => Infix::Bin(BinOp::BitOr),
        Rule::op_bitxor => Infix::Bin(BinOp::BitXor),
        Rule::op_bitand => Infix::Bin(BinOp::BitAnd),
        Rule::op_add => Infix::Bin(BinOp::Add),
        Rule::op_sub => Infix::Bin(BinOp::Sub),
        Rule::op_pow => Infix::Bin(BinOp::Pow),
        Rule::op_mul => Infix::Bin(BinOp::Mul),
        Rule::op_floordiv => Infix::Bin(BinOp::FloorDiv),
        Rule::op_div => Infix::Bin(BinOp::Div),
        Rule::op_mod => Infix::Bin(BinOp::Mod),
        _ => return None,
    })
}

struct Climber {
    toks: std::iter::Peekable<std::vec::IntoIter<Tok>>,
}

impl Climber {
    fn climb(&mut self, min: u8) -> Expr {
        let mut lhs = match self.toks.next() {
            Some(Tok::Prefix(op, at)) => {
                let bp = if op == UnaryOp::Not {
                    PREFIX_NOT
                } else {
                    PREFIX_SIGN
                };
                let operand = self.climb(bp);
                let span = at.to(operand.span);
                Spanned::new(
                    ExprKind::Unary {
                        op,
                        operand: Box::new(operand),
                    },
                    span,
                )
            }
            Some(Tok::Operand(e)) => e,
            _ => unreachable!("the grammar puts an operand first"),
        };
        // True while `lhs` is a comparison chain built in this loop (not parenthesised).
        let mut chain = false;
        while let Some(&Tok::Infix(op)) = self.toks.peek() {
            let (lbp, rbp) = op.binding();
            if lbp < min {
                break;
            }
            self.toks.next();
            let rhs = self.climb(rbp);
            let span = lhs.span.to(rhs.span);
            lhs = match op {
                Infix::Cmp(c) if chain => {
                    if let ExprKind::Compare { ops, .. } = &mut lhs.node {
                        ops.push((c, rhs));
                    }
                    lhs.span = span;
                    lhs
                }
                Infix::Cmp(c) => {
                    chain = true;
                    Spanned::new(
                        ExprKind::Compare {
                            left: Box::new(lhs),
                            ops: vec![(c, rhs)],
                        },
                        span,
                    )
                }
                Infix::Logic(op) => {
                    chain = false;
                    Spanned::new(
                        ExprKind::Logic {
                            op,
                            left: Box::new(lhs),
                            right: Box::new(rhs),
                        },
                        span,
                    )
                }
                Infix::Bin(op) => {
                    chain = false;
                    Spanned::new(
                        ExprKind::Binary {
                            op,
                            left: Box::new(lhs),
                            right: Box::new(rhs),
                        },
                        span,
                    )
                }
            };
        }
        lhs
    }
}

impl Builder<'_> {
    /// Any expression rule: `expr`, `lambda_expr`, `cond_expr` or `or_expr`.
    ///
    /// Every expression rule passes through here, which keeps the depth of the tree being
    /// built under [`MAX_EXPR_DEPTH`]: an operator sequence or conditional chain of `n`
    /// parts can add at most `n` levels, and nested expressions start from their parent's
    /// budget. Later passes recurse over the tree, so its depth is what must be bounded.
    pub(super) fn expr(&self, p: Pair<'_>) -> Result<Expr> {
        let rule = p.as_rule();
        let base = self.depth.get();
        if let Rule::or_expr | Rule::cond_expr = rule {
            let at = p.as_span();
            let parts = p.into_inner();
            let width = parts.len();
            if base + width > MAX_EXPR_DEPTH {
                return Err(too_complex(self.span_of(at)));
            }
            self.depth.set(base + width);
            let result = match rule {
                Rule::or_expr => self.or_expr(parts),
                _ => self.cond_expr(parts),
            };
            self.depth.set(base);
            return result;
        }
        if base + 1 > MAX_EXPR_DEPTH {
            return Err(too_complex(self.span(&p)));
        }
        self.depth.set(base + 1);
        let result = match rule {
            Rule::expr => self.expr(p.into_inner().next().unwrap()),
            Rule::lambda_expr => self.lambda(p),
            r => unreachable!("not an expression: {r:?}"),
        };
        self.depth.set(base);
        result
    }

    fn lambda(&self, p: Pair<'_>) -> Result<Expr> {
        let span = self.span(&p);
        let mut k = kids(p).peekable();
        let params = match k.peek().map(|p| p.as_rule()) {
            Some(Rule::param_list) => self.params(k.next().unwrap())?,
            _ => Vec::new(),
        };
        let body = Box::new(self.expr(k.next().unwrap())?);
        Ok(Spanned::new(ExprKind::Lambda { params, body }, span))
    }

    /// The parts of a `cond_expr`: `v0 [kw_if t1 kw_else v1 [kw_if t2 kw_else v2 ...]]`.
    fn cond_expr(&self, mut parts: pest::iterators::Pairs<'_, Rule>) -> Result<Expr> {
        if parts.len() == 1 {
            return self.expr(parts.next().unwrap());
        }
        let parts = parts
            .filter(|p| !matches!(p.as_rule(), Rule::kw_if | Rule::kw_else))
            .map(|e| self.expr(e))
            .collect::<Result<Vec<_>>>()?;
        // parts = [v0, t1, v1, t2, v2, ...]: v0 if t1 else (v1 if t2 else v2)
        let mut parts = parts.into_iter().rev();
        let mut acc = parts.next().unwrap();
        while let (Some(test), Some(body)) = (parts.next(), parts.next()) {
            let span = body.span.to(acc.span);
            acc = Spanned::new(
                ExprKind::IfElse {
                    test: Box::new(test),
                    body: Box::new(body),
                    orelse: Box::new(acc),
                },
                span,
            );
        }
        Ok(acc)
    }

    /// The parts of an `or_expr`: operands with their prefix and postfix operators, and the
    /// infix operators between them.
    fn or_expr(&self, mut parts: pest::iterators::Pairs<'_, Rule>) -> Result<Expr> {
        if parts.len() == 1 {
            return self.primary(parts.next().unwrap());
        }
        let mut toks = Vec::with_capacity(parts.len());
        for part in parts {
            let rule = part.as_rule();
            let tok = match rule {
                Rule::op_not | Rule::op_neg | Rule::op_pos | Rule::op_invert => {
                    let op = match rule {
                        Rule::op_not => UnaryOp::Not,
                        Rule::op_neg => UnaryOp::Neg,
                        Rule::op_pos => UnaryOp::Pos,
                        _ => UnaryOp::Invert,
                    };
                    Tok::Prefix(op, self.span(&part))
                }
                Rule::call_args | Rule::subscript | Rule::attribute => {
                    let Some(Tok::Operand(base)) = toks.pop() else {
                        unreachable!("postfix follows an operand")
                    };
                    Tok::Operand(self.postfix(base, part)?)
                }
                r => match infix_of(r) {
                    Some(op) => Tok::Infix(op),
                    None => Tok::Operand(self.primary(part)?),
                },
            };
            toks.push(tok);
        }
        if let [Tok::Operand(_)] = toks[..] {
            let Some(Tok::Operand(e)) = toks.pop() else {
                unreachable!()
            };
            return Ok(e);
        }
        let mut climber = Climber {
            toks: toks.into_iter().peekable(),
        };
        Ok(climber.climb(0))
    }

    fn postfix(&self, base: Expr, p: Pair<'_>) -> Result<Expr> {
        let span = base.span.to(self.span(&p));
        let base = Box::new(base);
        let kind = match p.as_rule() {
            Rule::call_args => ExprKind::Call {
                func: base,
                args: self.call_args(p)?,
            },
            Rule::attribute => ExprKind::Attribute {
                value: base,
                attr: self.ident(kids(p).next().unwrap()),
            },
            _ => {
                let sub_span = self.span(&p);
                let mut parts = kids(p);
                let first_part = parts.next().unwrap();
                let first_span = self.span(&first_part);
                let first = kids(first_part).next().map(|e| self.expr(e)).transpose()?;
                let index = match parts.next() {
                    Some(tail) if tail.as_rule() == Rule::slice_tail => {
                        let mut rest = kids(tail).map(|part| {
                            kids(part)
                                .next()
                                .map(|e| self.expr(e).map(Box::new))
                                .transpose()
                        });
                        let upper = rest.next().transpose()?.flatten();
                        let step = rest.next().transpose()?.flatten();
                        let inner = Span::new(first_span.start as usize, sub_span.end as usize - 1);
                        Spanned::new(
                            ExprKind::Slice {
                                lower: first.map(Box::new),
                                upper,
                                step,
                            },
                            inner,
                        )
                    }
                    tail => {
                        let Some(first) = first else {
                            return Err(SyntaxError::invalid_expression(
                                "expected an index between `[` and `]`",
                                "write `x[i]`, `x[i, j]` or a slice such as `x[1:3]`",
                                sub_span,
                            ));
                        };
                        match tail {
                            None => first,
                            Some(t) => {
                                let tspan = first.span.to(self.span(&t));
                                let mut items = vec![first];
                                for e in kids(t) {
                                    items.push(self.expr(e)?);
                                }
                                Spanned::new(ExprKind::Tuple(items), tspan)
                            }
                        }
                    }
                };
                ExprKind::Index {
                    value: base,
                    index: Box::new(index),
                }
            }
        };
        Ok(Spanned::new(kind, span))
    }

    /// Call arguments, checked for the orderings Python rejects at compile time.
    pub(super) fn call_args(&self, p: Pair<'_>) -> Result<Vec<Arg>> {
        let mut args = Vec::new();
        let (mut seen_kw, mut seen_dstar) = (false, false);
        for a in kids(p) {
            let span = self.span(&a);
            let inner = a.into_inner().next().unwrap();
            let bad = |message: &str, help: &str| {
                Err(SyntaxError::BadArguments {
                    message: message.to_string(),
                    help: help.to_string(),
                    span: span.into(),
                })
            };
            let arg = match inner.as_rule() {
                Rule::kwarg => {
                    let mut k = kids(inner);
                    let name = self.ident(k.next().unwrap());
                    if args
                        .iter()
                        .any(|a| matches!(a, Arg::Kw(n, _) if n.node == name.node))
                    {
                        return Err(SyntaxError::BadArguments {
                            message: format!("keyword argument repeated: {}", name.node),
                            help: "pass each keyword argument once".into(),
                            span: span.into(),
                        });
                    }
                    seen_kw = true;
                    Arg::Kw(name, self.expr(k.next().unwrap())?)
                }
                Rule::dstar_arg => {
                    seen_dstar = true;
                    Arg::DoubleStar(self.expr(kids(inner).next().unwrap())?)
                }
                Rule::star_arg if seen_dstar => {
                    return bad(
                        "iterable argument unpacking follows keyword argument unpacking",
                        "put `*args` before `**kwargs`",
                    );
                }
                Rule::star_arg => Arg::Star(self.expr(kids(inner).next().unwrap())?),
                _ if seen_dstar => {
                    return bad(
                        "positional argument follows keyword argument unpacking",
                        "put positional arguments before `**kwargs`",
                    );
                }
                _ if seen_kw => {
                    return bad(
                        "positional argument follows keyword argument",
                        "put positional arguments before keyword arguments",
                    );
                }
                _ => Arg::Pos(self.expr(inner)?),
            };
            args.push(arg);
        }
        Ok(args)
    }

    /// An `expr_list`: one expression, or a tuple when there are several or a trailing comma.
    pub(super) fn expr_list(&self, p: Pair<'_>) -> Result<Expr> {
        let span = self.span(&p);
        let (mut items, tuple) = self.expr_items(p)?;
        Ok(if tuple {
            Spanned::new(ExprKind::Tuple(items), span)
        } else {
            items.pop().unwrap()
        })
    }

    /// The items of an `expr_list`, and whether they form a tuple.
    pub(super) fn expr_items(&self, p: Pair<'_>) -> Result<(Vec<Expr>, bool)> {
        let mut items = Vec::new();
        let mut trailing = false;
        for k in kids(p) {
            match k.as_rule() {
                Rule::trail_comma => trailing = true,
                _ => items.push(self.expr(k)?),
            }
        }
        let tuple = trailing || items.len() > 1;
        Ok((items, tuple))
    }

    /// A `for` target list: a name, or a tuple of targets.
    pub(super) fn target_list(&self, p: Pair<'_>) -> Result<Expr> {
        let span = self.span(&p);
        let mut items = Vec::new();
        let mut trailing = false;
        for t in kids(p) {
            if t.as_rule() == Rule::trail_comma {
                trailing = true;
                continue;
            }
            let tspan = self.span(&t);
            let inner = kids(t).next().unwrap();
            items.push(match inner.as_rule() {
                Rule::ident => {
                    let id = self.ident(inner);
                    Spanned::new(ExprKind::Name(id.node), id.span)
                }
                _ => {
                    let nested = self.target_list(inner)?;
                    let bracket = self.src.as_bytes()[tspan.start as usize];
                    match nested.node {
                        ExprKind::Tuple(v) | ExprKind::List(v) if bracket == b'[' => {
                            Spanned::new(ExprKind::List(v), tspan)
                        }
                        ExprKind::Tuple(v) => Spanned::new(ExprKind::Tuple(v), tspan),
                        other if bracket == b'[' => Spanned::new(
                            ExprKind::List(vec![Spanned::new(other, nested.span)]),
                            tspan,
                        ),
                        other => Spanned::new(
                            ExprKind::Paren(Box::new(Spanned::new(other, nested.span))),
                            tspan,
                        ),
                    }
                }
            });
        }
        Ok(if trailing || items.len() > 1 {
            Spanned::new(ExprKind::Tuple(items), span)
        } else {
            items.pop().unwrap()
        })
    }

    fn primary(&self, p: Pair<'_>) -> Result<Expr> {
        let span = self.span(&p);
        let kind = match p.as_rule() {
            Rule::ident => ExprKind::Name(p.as_str().to_string()),
            Rule::true_lit => ExprKind::Bool(true),
            Rule::false_lit => ExprKind::Bool(false),
            Rule::none_lit => ExprKind::None,
            Rule::spawn_expr => {
                let mut k = kids(p);
                let id = self.ident(k.next().unwrap());
                let mut func = Spanned::new(ExprKind::Name(id.node), id.span);
                let mut args = Vec::new();
                for part in k {
                    if part.as_rule() == Rule::call_args {
                        args = self.call_args(part)?;
                    } else {
                        func = self.postfix(func, part)?;
                    }
                }
                ExprKind::Spawn {
                    func: Box::new(func),
                    args,
                }
            }
            Rule::paren_expr => {
                let mut k = kids(p);
                match k.next() {
                    None => ExprKind::Tuple(Vec::new()),
                    Some(first) => {
                        let first = self.expr(first)?;
                        match k.next() {
                            None => ExprKind::Paren(Box::new(first)),
                            Some(tail) => {
                                let mut items = vec![first];
                                for e in kids(tail) {
                                    items.push(self.expr(e)?);
                                }
                                ExprKind::Tuple(items)
                            }
                        }
                    }
                }
            }
            Rule::list_expr => {
                let mut items = Vec::new();
                let mut clauses = Vec::new();
                for k in kids(p) {
                    match k.as_rule() {
                        Rule::comp_for => clauses.push(self.comp_for(k)?),
                        _ => items.push(self.expr(k)?),
                    }
                }
                if clauses.is_empty() {
                    ExprKind::List(items)
                } else {
                    ExprKind::ListComp {
                        elt: Box::new(items.pop().unwrap()),
                        clauses,
                    }
                }
            }
            Rule::dict_expr => {
                let mut items = Vec::new();
                let mut clauses = Vec::new();
                for k in kids(p) {
                    match k.as_rule() {
                        Rule::comp_for => clauses.push(self.comp_for(k)?),
                        _ => {
                            let mut kv = kids(k);
                            let key = self.expr(kv.next().unwrap())?;
                            items.push((key, self.expr(kv.next().unwrap())?));
                        }
                    }
                }
                if clauses.is_empty() {
                    ExprKind::Dict(items)
                } else {
                    let (key, value) = items.pop().unwrap();
                    ExprKind::DictComp {
                        key: Box::new(key),
                        value: Box::new(value),
                        clauses,
                    }
                }
            }
            _ => return self.literal(p),
        };
        Ok(Spanned::new(kind, span))
    }

    fn comp_for(&self, p: Pair<'_>) -> Result<CompClause> {
        let mut k = kids(p);
        let target = self.target_list(k.next().unwrap())?;
        check_target(&target, TargetUse::Assign)?;
        let iter = self.expr(k.next().unwrap())?;
        let ifs = k
            .map(|c| self.expr(kids(c).next().unwrap()))
            .collect::<Result<Vec<_>>>()?;
        Ok(CompClause { target, iter, ifs })
    }
}

fn too_complex(span: Span) -> SyntaxError {
    SyntaxError::ExpressionTooComplex {
        limit: MAX_EXPR_DEPTH,
        span: span.into(),
    }
}
