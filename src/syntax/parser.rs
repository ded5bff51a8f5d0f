//! Text to AST. This module and its children are the only code that sees pest.
//!
//! A file is parsed one top-level item at a time: when an item fails to parse, the error is
//! recorded and parsing resumes after the item (at the next newline outside brackets and
//! blocks), so one run reports the syntax errors of many items.

mod expected;
mod expr;
mod items;
mod literal;
mod stmt;

use miette::Diagnostic as _;
use pest::Parser as _;

use super::ast::Module;
use super::error::SyntaxError;
use super::scan;
use super::span::Span;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/thr.pest"]
struct ThrParser;

type Pair<'i> = pest::iterators::Pair<'i, Rule>;

/// At most this many syntax errors are reported for one file.
pub const MAX_SYNTAX_ERRORS: usize = 10;

/// At most this many errors of the pre-scan (brackets, strings, characters) are reported:
/// they come in floods on text that is not a scenario at all, and one screen is enough.
pub const MAX_SCAN_ERRORS: usize = 3;

/// Texts at least this long are parsed on several threads (see [`parse`]); below it, starting
/// threads costs more than it saves.
pub const PARALLEL_MIN_LEN: usize = 64 << 10;

/// Expressions may nest this deep (operators, calls, brackets together); deeper ones are a
/// syntax error rather than a risk to the stack of the passes that walk the tree.
pub const MAX_EXPR_DEPTH: usize = 1000;

/// The result of parsing a file: the items that parsed, and the errors of those that didn't.
#[derive(Debug, Default)]
pub struct Parsed {
    /// The items that parsed, in order. Incomplete when `errors` is not empty.
    pub module: Module,
    /// Syntax errors, in source order.
    pub errors: Vec<SyntaxError>,
    /// The spans of all comments (used by the formatter).
    pub comments: Vec<Span>,
    /// True when every error is at the very end of the text: more input could complete it
    /// (the REPL then asks for another line).
    pub incomplete: bool,
}

/// Parses a whole scenario. Never panics; problems come back in [`Parsed::errors`].
///
/// Texts of [`PARALLEL_MIN_LEN`] bytes or more are cut into pieces at item boundaries, which
/// are parsed on one thread per core; the result is the same as parsing the items one after
/// the other. Texts that could nest deeply are parsed on threads with room for it (see
/// `items::parse_items`).
pub fn parse(src: &str) -> Parsed {
    parse_text(src, true)
}

/// [`parse`], with or without cutting a long text into pieces.
fn parse_text(src: &str, may_split: bool) -> Parsed {
    let scan = scan::scan(src);
    let mut out = Parsed {
        comments: scan.comments.clone(),
        ..Parsed::default()
    };
    if !scan.errors.is_empty() {
        out.incomplete = scan
            .errors
            .iter()
            .all(|e| matches!(e, SyntaxError::UnclosedBracket { .. }));
        let mut errors = scan.errors;
        errors.sort_by_key(|e| {
            e.labels()
                .and_then(|mut l| l.next())
                .map_or(0, |l| l.offset())
        });
        if errors.len() > MAX_SCAN_ERRORS {
            errors.truncate(MAX_SCAN_ERRORS);
            errors.push(SyntaxError::TooManyErrors {
                count: MAX_SCAN_ERRORS,
            });
        }
        out.errors = errors;
        return out;
    }
    let runs = match items::parse_items(src, &scan, skip_trivia(src, 0), may_split) {
        Ok(runs) => runs,
        Err(e) => {
            out.errors.push(e);
            return out;
        }
    };
    let last_capped = runs.last().is_some_and(|r| r.capped);
    let mut at_end = true;
    let mut capped = false;
    'replay: for run in runs {
        for outcome in run.outcomes {
            if out.errors.len() >= MAX_SYNTAX_ERRORS {
                capped = true;
                break 'replay;
            }
            match outcome {
                items::Outcome::Item(s) => out.module.body.push(s),
                items::Outcome::Error(e, end) => {
                    at_end &= end;
                    out.errors.push(e);
                }
            }
        }
    }
    // A run stops early only when it has reached the cap on its own.
    if capped || last_capped {
        out.errors.push(SyntaxError::TooManyErrors {
            count: out.errors.len(),
        });
    }
    out.incomplete = !out.errors.is_empty() && at_end;
    out
}

/// Parses one item; on failure, parses it again with pest's detailed tracking of what it
/// tried (slower, so only for the error message).
///
/// pest's switch for the detail is global, so detailed parses take turns: the other parser
/// thread must not turn it off under this one (its own fast parses may run with the detail
/// meanwhile, which makes them slower but gives the same result).
fn parse_item(text: &str) -> Result<pest::iterators::Pairs<'_, Rule>, pest::error::Error<Rule>> {
    static DETAIL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    ThrParser::parse(Rule::item_entry, text).map_err(|_| {
        let _turn = DETAIL.lock().unwrap_or_else(|e| e.into_inner());
        pest::set_error_detail(true);
        let detailed = ThrParser::parse(Rule::item_entry, text);
        pest::set_error_detail(false);
        detailed.expect_err("a parse that failed fails again")
    })
}

/// Skips blanks, newlines, `;`, line continuations and comments from `pos`.
fn skip_trivia(src: &str, mut pos: usize) -> usize {
    let b = src.as_bytes();
    while pos < b.len() {
        match b[pos] {
            b' ' | b'\t' | b'\n' | b'\r' | b';' | 0x0C => pos += 1,
            b'\\' if matches!(b.get(pos + 1), Some(b'\n' | b'\r')) => pos += 2,
            b'#' => {
                while pos < b.len() && b[pos] != b'\n' && b[pos] != b'\r' {
                    pos += 1;
                }
            }
            _ => break,
        }
    }
    pos
}

#[cfg(test)]
mod tests;
