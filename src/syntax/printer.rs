//! The canonical form of a scenario, as printed by `thr fmt`.
//!
//! One statement per line, four-space indents, blocks always opened (`{` ends the header
//! line, `}` has a line of its own), single spaces around binary operators, double-quoted
//! strings, one blank line at most between statements and around top-level `def` and
//! `thread` blocks. Parentheses are printed where the user wrote them (the tree keeps
//! them), so printing never changes how an expression groups. Comments are kept: each stays
//! on its line or, when it sat inside a multi-line statement, moves just above it.

use super::ast::*;
use super::span::Span;

/// Formats `module`, parsed from `src` with comment spans `comments`.
pub fn format(src: &str, module: &Module, comments: &[Span]) -> String {
    let mut p = Printer {
        src,
        comments,
        next_comment: 0,
        out: String::new(),
        indent: 0,
        explode: false,
    };
    p.top_level(&module.body);
    p.out
}

struct Printer<'a> {
    src: &'a str,
    comments: &'a [Span],
    next_comment: usize,
    out: String,
    indent: usize,
    /// Set to print the next bracketed list one item per line (for a too-long line).
    explode: bool,
}

const INDENT: &str = "    ";

/// Simple statements longer than this are split at their first bracket.
pub const MAX_WIDTH: usize = 100;

impl Printer<'_> {
    fn line_start(&mut self) {
        for _ in 0..self.indent {
            self.out.push_str(INDENT);
        }
    }

    /// True when the source has an empty line between `from` and `to`.
    fn blank_between(&self, from: u32, to: u32) -> bool {
        if from >= to {
            return false;
        }
        let gap = &self.src[from as usize..to as usize];
        let mut lines = gap.split('\n').skip(1);
        // Any line strictly between the two positions that holds only blanks.
        let n = gap.matches('\n').count();
        n >= 2 && lines.by_ref().take(n - 1).any(|l| l.trim().is_empty())
    }

    fn blank_line(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with("\n\n") && !self.out.ends_with("{\n") {
            self.out.push('\n');
        }
    }

    /// Prints, each on its own line, the comments that start before `before`.
    /// `last_end` is where the previous printed thing ended, for blank-line keeping.
    fn comments_before(&mut self, before: u32, mut last_end: u32) -> u32 {
        while let Some(&c) = self.comments.get(self.next_comment) {
            if c.start >= before {
                break;
            }
            if self.blank_between(last_end, c.start) {
                self.blank_line();
            }
            self.line_start();
            self.out.push_str(c.text(self.src).trim_end());
            self.out.push('\n');
            self.next_comment += 1;
            last_end = c.end;
        }
        last_end
    }

    /// Appends a comment that starts on the line where `end` is, if there is one.
    fn trailing_comment(&mut self, end: u32) {
        if let Some(&c) = self.comments.get(self.next_comment) {
            let gap = self.src.get(end as usize..c.start as usize).unwrap_or("\n");
            if !gap.contains('\n') && !gap.contains('\r') {
                self.out.push_str("  ");
                self.out.push_str(c.text(self.src).trim_end());
                self.next_comment += 1;
            }
        }
    }

    fn top_level(&mut self, body: &[Stmt]) {
        let mut last_end = 0;
        let mut prev_block = false;
        for s in body {
            let is_block = matches!(s.node, StmtKind::Def(_) | StmtKind::Thread { .. });
            let first_comment = self
                .comments
                .get(self.next_comment)
                .filter(|c| c.start < s.span.start);
            let lead = first_comment.map_or(s.span.start, |c| c.start);
            if !self.out.is_empty()
                && (is_block || prev_block || self.blank_between(last_end, lead))
            {
                self.blank_line();
            }
            self.stmt(s, last_end);
            last_end = s.span.end;
            prev_block = is_block;
        }
        self.comments_before(u32::MAX, last_end);
    }

    fn block(&mut self, b: &Block) {
        let close = b.span.end.saturating_sub(1);
        let has_comments = self
            .comments
            .get(self.next_comment)
            .is_some_and(|c| c.start < close);
        if b.node.is_empty() && !has_comments {
            self.out.push_str("{}");
            return;
        }
        self.out.push_str("{\n");
        self.indent += 1;
        let mut last_end = b.span.start + 1;
        for s in &b.node {
            if self.blank_between(last_end, s.span.start) && !self.out.ends_with("{\n") {
                let lead = self
                    .comments
                    .get(self.next_comment)
                    .filter(|c| c.start < s.span.start);
                if lead.is_none_or(|c| self.blank_between(last_end, c.start)) {
                    self.blank_line();
                }
            }
            self.stmt(s, last_end);
            last_end = s.span.end;
        }
        self.comments_before(close, last_end);
        self.indent -= 1;
        self.line_start();
        self.out.push('}');
    }

    fn stmt(&mut self, s: &Stmt, last_end: u32) {
        self.comments_before(s.span.start, last_end);
        let simple = !matches!(
            s.node,
            StmtKind::Def(_)
                | StmtKind::Thread { .. }
                | StmtKind::If { .. }
                | StmtKind::While { .. }
                | StmtKind::For { .. }
                | StmtKind::With { .. }
                | StmtKind::Try { .. }
        );
        if simple {
            // Comments inside a multi-line statement move above it.
            self.comments_before(s.span.end, s.span.start);
        }
        self.line_start();
        let start = self.out.len();
        self.stmt_body(&s.node);
        if simple && self.out[start..].chars().count() + self.indent * INDENT.len() > MAX_WIDTH {
            self.out.truncate(start);
            self.explode = true;
            self.stmt_body(&s.node);
            self.explode = false;
        }
        self.trailing_comment(s.span.end);
        self.out.push('\n');
    }

    fn stmt_body(&mut self, s: &StmtKind) {
        match s {
            StmtKind::Shared { name, value } => {
                self.out.push_str("shared ");
                self.out.push_str(&name.node);
                self.out.push_str(" = ");
                self.bare(value);
            }
            StmtKind::Object { kind, name, args } => {
                self.out.push_str(kind.keyword());
                self.out.push(' ');
                self.out.push_str(&name.node);
                if let Some(args) = args {
                    self.args(args);
                }
            }
            StmtKind::Def(def) => {
                self.out.push_str("def ");
                self.out.push_str(&def.name.node);
                self.out.push('(');
                self.params(&def.params);
                self.out.push_str(") ");
                self.block(&def.body);
            }
            StmtKind::Thread { name, daemon, body } => {
                if *daemon {
                    self.out.push_str("daemon ");
                }
                self.out.push_str("thread ");
                self.out.push_str(&name.node);
                self.out.push(' ');
                self.block(body);
            }
            StmtKind::Expr(e) => self.bare(e),
            StmtKind::Assign { targets, value } => {
                for t in targets {
                    self.bare(t);
                    self.out.push_str(" = ");
                }
                self.bare(value);
            }
            StmtKind::AugAssign { target, op, value } => {
                self.expr(target);
                self.out.push(' ');
                self.out.push_str(op.symbol());
                self.out.push_str("= ");
                self.bare(value);
            }
            StmtKind::If { branches, orelse } => {
                for (i, (test, body)) in branches.iter().enumerate() {
                    self.out.push_str(if i == 0 { "if " } else { " elif " });
                    self.expr(test);
                    self.out.push(' ');
                    self.block(body);
                }
                if let Some(b) = orelse {
                    self.out.push_str(" else ");
                    self.block(b);
                }
            }
            StmtKind::While { test, body } => {
                self.out.push_str("while ");
                self.expr(test);
                self.out.push(' ');
                self.block(body);
            }
            StmtKind::For { target, iter, body } => {
                self.out.push_str("for ");
                self.bare(target);
                self.out.push_str(" in ");
                self.bare(iter);
                self.out.push(' ');
                self.block(body);
            }
            StmtKind::With { items, body } => {
                self.out.push_str("with ");
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    self.expr(&item.expr);
                    if let Some(alias) = &item.alias {
                        self.out.push_str(" as ");
                        self.out.push_str(&alias.node);
                    }
                }
                self.out.push(' ');
                self.block(body);
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                self.out.push_str("try ");
                self.block(body);
                for h in handlers {
                    self.out.push_str(" except");
                    match h.types.as_slice() {
                        [] => {}
                        [one] => {
                            self.out.push(' ');
                            self.out.push_str(&one.node);
                        }
                        many => {
                            let names: Vec<&str> = many.iter().map(|t| t.node.as_str()).collect();
                            self.out.push_str(&format!(" ({})", names.join(", ")));
                        }
                    }
                    if let Some(name) = &h.name {
                        self.out.push_str(" as ");
                        self.out.push_str(&name.node);
                    }
                    self.out.push(' ');
                    self.block(&h.body);
                }
                if let Some(b) = orelse {
                    self.out.push_str(" else ");
                    self.block(b);
                }
                if let Some(b) = finalbody {
                    self.out.push_str(" finally ");
                    self.block(b);
                }
            }
            StmtKind::Break => self.out.push_str("break"),
            StmtKind::Continue => self.out.push_str("continue"),
            StmtKind::Pass => self.out.push_str("pass"),
            StmtKind::Return(value) => {
                self.out.push_str("return");
                if let Some(v) = value {
                    self.out.push(' ');
                    self.bare(v);
                }
            }
            StmtKind::Assert { test, msg } => {
                self.out.push_str("assert ");
                self.expr(test);
                if let Some(m) = msg {
                    self.out.push_str(", ");
                    self.expr(m);
                }
            }
            StmtKind::Raise(value) => {
                self.out.push_str("raise");
                if let Some(v) = value {
                    self.out.push(' ');
                    self.expr(v);
                }
            }
            StmtKind::Del(targets) => {
                self.out.push_str("del ");
                self.comma_list(targets);
            }
        }
    }

    fn params(&mut self, params: &[Param]) {
        for (i, p) in params.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            self.out.push_str(match p.kind {
                ParamKind::Normal => "",
                ParamKind::VarArgs => "*",
                ParamKind::VarKw => "**",
            });
            self.out.push_str(&p.name.node);
            if let Some(d) = &p.default {
                self.out.push('=');
                self.expr(d);
            }
        }
    }

    /// Prints `items` between `open` and `close`, separated by commas, one per line when
    /// the statement is being split; `item` prints one.
    pub(super) fn list<T>(
        &mut self,
        open: char,
        items: &[T],
        close: &str,
        mut item: impl FnMut(&mut Self, &T),
    ) {
        self.out.push(open);
        if std::mem::take(&mut self.explode) && !items.is_empty() {
            self.out.push('\n');
            self.indent += 1;
            for i in items {
                self.line_start();
                item(self, i);
                self.out.push_str(",\n");
            }
            self.indent -= 1;
            self.line_start();
        } else {
            for (n, i) in items.iter().enumerate() {
                if n > 0 {
                    self.out.push_str(", ");
                }
                item(self, i);
            }
        }
        self.out.push_str(close);
    }

    fn args(&mut self, args: &[Arg]) {
        self.list('(', args, ")", |p, a| p.arg(a));
    }

    fn arg(&mut self, a: &Arg) {
        {
            match a {
                Arg::Pos(e) => self.expr(e),
                Arg::Kw(name, e) => {
                    self.out.push_str(&name.node);
                    self.out.push('=');
                    self.expr(e);
                }
                Arg::Star(e) => {
                    self.out.push('*');
                    self.expr(e);
                }
                Arg::DoubleStar(e) => {
                    self.out.push_str("**");
                    self.expr(e);
                }
            }
        }
    }

    fn comma_list(&mut self, items: &[Expr]) {
        for (i, e) in items.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            self.expr(e);
        }
    }

    /// An expression where a tuple of two or more items may go without parentheses.
    fn bare(&mut self, e: &Expr) {
        match &e.node {
            ExprKind::Tuple(items) if items.len() >= 2 => self.comma_list(items),
            _ => self.expr(e),
        }
    }
}

mod expr;
