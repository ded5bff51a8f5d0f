//! Printing expressions and literals.

use super::Printer;
use crate::syntax::ast::*;

impl Printer<'_> {
    pub(super) fn expr(&mut self, e: &Expr) {
        self.expr_in(e, None);
    }

    /// Prints `e`; `quote` is the quote of an enclosing f-string, which string literals
    /// inside its fields must not use.
    fn expr_in(&mut self, e: &Expr, quote: Option<char>) {
        let sub = |p: &mut Self, e: &Expr| p.expr_in(e, quote);
        match &e.node {
            // Numbers are printed as written (`1_000`, `0xff`, `1.5e3`, `250ms`).
            ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Duration { .. } => {
                let src = self.src;
                self.out.push_str(e.span.text(src))
            }
            ExprKind::Str(s) if quote.is_none() => self.out.push_str(&self.string_text(e, s)),
            ExprKind::FString(parts) if quote.is_none() => {
                self.out.push_str("f\"");
                self.fstring_parts(parts, '"', false);
                self.out.push('"');
            }
            // Inside an f-string's field the quotes the literal may use depend on the
            // enclosing ones; the text as written is known to fit there.
            ExprKind::Str(_) | ExprKind::FString(_) => {
                let src = self.src;
                self.out.push_str(e.span.text(src));
            }
            ExprKind::Bool(b) => self.out.push_str(if *b { "True" } else { "False" }),
            ExprKind::None => self.out.push_str("None"),
            ExprKind::Name(n) => self.out.push_str(n),
            ExprKind::List(items) => self.list('[', items, "]", |p, e| p.expr_in(e, quote)),
            ExprKind::Tuple(items) => {
                let close = if items.len() == 1 && !self.explode {
                    ",)"
                } else {
                    ")"
                };
                self.list('(', items, close, |p, e| p.expr_in(e, quote));
            }
            ExprKind::Dict(items) => self.list('{', items, "}", |p, (k, v)| {
                p.expr_in(k, quote);
                p.out.push_str(": ");
                p.expr_in(v, quote);
            }),
            ExprKind::ListComp { elt, clauses } => {
                self.out.push('[');
                sub(self, elt);
                self.clauses(clauses, quote);
                self.out.push(']');
            }
            ExprKind::DictComp {
                key,
                value,
                clauses,
            } => {
                self.out.push('{');
                sub(self, key);
                self.out.push_str(": ");
                sub(self, value);
                self.clauses(clauses, quote);
                self.out.push('}');
            }
            ExprKind::Paren(inner) => {
                self.out.push('(');
                sub(self, inner);
                self.out.push(')');
            }
            ExprKind::Unary { op, operand } => {
                self.out.push_str(op.symbol());
                if *op == UnaryOp::Not {
                    self.out.push(' ');
                }
                sub(self, operand);
            }
            ExprKind::Binary { op, left, right } => self.infix(left, op.symbol(), right, quote),
            ExprKind::Logic { op, left, right } => self.infix(left, op.symbol(), right, quote),
            ExprKind::Compare { left, ops } => {
                sub(self, left);
                for (op, right) in ops {
                    self.out.push(' ');
                    self.out.push_str(op.symbol());
                    self.out.push(' ');
                    sub(self, right);
                }
            }
            ExprKind::IfElse { test, body, orelse } => {
                sub(self, body);
                self.out.push_str(" if ");
                sub(self, test);
                self.out.push_str(" else ");
                sub(self, orelse);
            }
            ExprKind::Lambda { params, body } => {
                self.out.push_str("lambda");
                if !params.is_empty() {
                    self.out.push(' ');
                    self.params(params);
                }
                self.out.push_str(": ");
                sub(self, body);
            }
            ExprKind::Call { func, args } => {
                sub(self, func);
                self.args(args);
            }
            ExprKind::Spawn { func, args } => {
                self.out.push_str("spawn ");
                sub(self, func);
                self.args(args);
            }
            ExprKind::Attribute { value, attr } => {
                sub(self, value);
                self.out.push('.');
                self.out.push_str(&attr.node);
            }
            ExprKind::Index { value, index } => {
                sub(self, value);
                self.out.push('[');
                match &index.node {
                    ExprKind::Tuple(items) if items.len() >= 2 => self.items(items, quote),
                    _ => sub(self, index),
                }
                self.out.push(']');
            }
            ExprKind::Slice { lower, upper, step } => {
                if let Some(l) = lower {
                    sub(self, l);
                }
                self.out.push(':');
                if let Some(u) = upper {
                    sub(self, u);
                }
                if let Some(s) = step {
                    self.out.push(':');
                    sub(self, s);
                }
            }
        }
    }

    fn infix(&mut self, left: &Expr, op: &str, right: &Expr, quote: Option<char>) {
        self.expr_in(left, quote);
        self.out.push(' ');
        self.out.push_str(op);
        self.out.push(' ');
        self.expr_in(right, quote);
    }

    fn items(&mut self, items: &[Expr], quote: Option<char>) {
        for (i, e) in items.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            self.expr_in(e, quote);
        }
    }

    fn clauses(&mut self, clauses: &[CompClause], quote: Option<char>) {
        for c in clauses {
            self.out.push_str(" for ");
            match &c.target.node {
                ExprKind::Tuple(items) if items.len() >= 2 => self.items(items, quote),
                _ => self.expr_in(&c.target, quote),
            }
            self.out.push_str(" in ");
            self.expr_in(&c.iter, quote);
            for f in &c.ifs {
                self.out.push_str(" if ");
                self.expr_in(f, quote);
            }
        }
    }

    /// The inside of an f-string (or of a field's format spec) quoted with `quote`.
    fn fstring_parts(&mut self, parts: &[FPart], quote: char, in_spec: bool) {
        // A line break inside an f-string would end it: never split inside one.
        let explode = std::mem::take(&mut self.explode);
        self.fstring_parts_inner(parts, quote, in_spec);
        self.explode = explode;
    }

    fn fstring_parts_inner(&mut self, parts: &[FPart], quote: char, in_spec: bool) {
        for part in parts {
            match part {
                FPart::Text(t) if in_spec => self.out.push_str(t),
                FPart::Text(t) => {
                    for c in t.chars() {
                        match c {
                            '{' => self.out.push_str("{{"),
                            '}' => self.out.push_str("}}"),
                            c => push_escaped(&mut self.out, c, quote),
                        }
                    }
                }
                FPart::Field(f) => {
                    self.out.push('{');
                    match &f.debug_text {
                        Some(text) => self.out.push_str(text),
                        None => {
                            // A leading `{` would read as an escaped brace: `{ {1: 2}[1]}`.
                            let start = self.out.len();
                            self.expr_in(&f.expr, Some(quote));
                            if self.out[start..].starts_with('{') {
                                self.out.insert(start, ' ');
                            }
                        }
                    }
                    if let Some(c) = f.conversion {
                        self.out.push('!');
                        self.out.push(c);
                    }
                    if let Some(spec) = &f.spec {
                        self.out.push(':');
                        self.fstring_parts(spec, quote, true);
                    }
                    self.out.push('}');
                }
            }
        }
    }
}

impl Printer<'_> {
    /// A string literal as written, switched to double quotes when that needs no new
    /// escapes (as black does); raw strings and strings with escaped quotes stay as they are.
    fn string_text(&self, e: &Expr, value: &str) -> String {
        let text = e.span.text(self.src);
        match text.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')) {
            Some(body) if !body.contains('"') && !body.contains("\\'") => format!("\"{body}\""),
            Some(_) => text.to_string(),
            None if text.starts_with(['"', 'r', 'R']) => text.to_string(),
            None => string_literal(value, None),
        }
    }
}

/// A string literal for `s`: double quotes unless single ones need fewer escapes, or the
/// enclosing f-string uses double quotes.
pub(super) fn string_literal(s: &str, enclosing: Option<char>) -> String {
    let quote = match enclosing {
        Some('"') => '\'',
        Some(_) => '"',
        None if s.contains('"') && !s.contains('\'') => '\'',
        None => '"',
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        push_escaped(&mut out, c, quote);
    }
    out.push(quote);
    out
}

fn push_escaped(out: &mut String, c: char, quote: char) {
    match c {
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        c if c == quote => {
            out.push('\\');
            out.push(c);
        }
        c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
        c => out.push(c),
    }
}
