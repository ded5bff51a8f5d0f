//! Turning pest's parse errors into [`SyntaxError`]s that say in words what was expected.
//!
//! pest reports the grammar rules it tried at the failing position; this module renames
//! them into a few words a user knows ("an expression", "an operator", "`{`"), adds the
//! punctuation pest tried there, and recognises common slips (Python's `:` before a block,
//! `=` for `==`, a missing comma) to offer help.

use pest::error::{Error, ErrorVariant, InputLocation};

use super::Rule;
use crate::syntax::error::SyntaxError;
use crate::syntax::span::Span;

/// One thing the parser would have accepted, as a user would call it.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Word {
    Statement,
    Expression,
    Name,
    Parameter,
    Operator,
    Block,
    Token(&'static str),
    EndOfStatement,
}

impl Word {
    fn text(self) -> String {
        match self {
            Word::Statement => "a statement".into(),
            Word::Expression => "an expression".into(),
            Word::Name => "a name".into(),
            Word::Parameter => "a parameter".into(),
            Word::Operator => "an operator".into(),
            Word::Block => "`{`".into(),
            Word::Token(t) => format!("`{t}`"),
            Word::EndOfStatement => "end of statement".into(),
        }
    }
}

/// The word for a rule pest tried, or `None` when the rule says nothing useful.
fn rename(rule: Rule) -> Option<Word> {
    use Rule::*;
    Some(match rule {
        kw_assert | kw_break | kw_continue | kw_def | kw_del | kw_pass | kw_raise | kw_return
        | kw_try | kw_while | kw_with | kw_shared | object_kind | kind_word | thread_decl
        | stmt_word => Word::Statement,
        expr | or_expr | cond_expr | lambda_expr | kw_lambda | kw_spawn | duration
        | duration_num | float | integer | string | fstring | true_lit | false_lit | none_lit
        | op_not | op_neg | op_pos | op_invert | paren_expr | list_expr | dict_expr
        | slice_tail | slice_part | arg | kwarg | star_arg | dstar_arg | dict_item | spawn_expr => {
            Word::Expression
        }
        ident | except_types | target | target_list => Word::Name,
        param | param_list | param_star => Word::Parameter,
        op_or | op_and | op_is_not | op_is | op_not_in | op_in | op_eq | op_ne | op_le | op_ge
        | op_shl | op_shr | op_lt | op_gt | op_bitor | op_bitxor | op_bitand | op_add | op_sub
        | op_pow | op_mul | op_floordiv | op_div | op_mod | op_start | kw_is | kw_not | kw_if
        | call_args | subscript | attribute => Word::Operator,
        block => Word::Block,
        EOI => Word::EndOfStatement,
        trail_comma => Word::Token(","),
        assign_tail => Word::Token("="),
        kw_in => Word::Token("in"),
        kw_as => Word::Token("as"),
        kw_elif => Word::Token("elif"),
        kw_else => Word::Token("else"),
        kw_except => Word::Token("except"),
        kw_finally => Word::Token("finally"),
        _ => return None,
    })
}

/// Punctuation and keywords worth naming when pest tried them as plain strings.
const NAMED_TOKENS: &[&str] = &[",", ")", "]", "}", ":", "=", "in", "else"];

/// Converts a pest error from parsing `src[base..]` into a syntax error and its file offset.
pub(super) fn convert(e: Error<Rule>, src: &str, base: usize) -> (SyntaxError, usize) {
    let mut pos = match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    // pest tracks rules and plain strings separately; the strings may have got further.
    let (token_pos, tokens) = match e.parse_attempts() {
        Some(a) => {
            let named = a
                .expected_tokens()
                .iter()
                .filter_map(|t| {
                    let token = t.to_string();
                    NAMED_TOKENS
                        .iter()
                        .find(|&&n| n == token)
                        .map(|&n| Word::Token(n))
                })
                .collect::<Vec<_>>();
            (a.max_position, named)
        }
        None => (pos, Vec::new()),
    };
    let mut words: Vec<Word> = Vec::new();
    if token_pos > pos && !tokens.is_empty() {
        pos = token_pos;
    } else if let ErrorVariant::ParsingError { positives, .. } = &e.variant {
        words.extend(positives.iter().filter_map(|&r| rename(r)));
    }
    if token_pos == pos {
        words.extend(tokens);
    }
    words.sort();
    words.dedup();
    if words.contains(&Word::Operator) {
        words.retain(|w| *w != Word::Token("in"));
    }
    // A statement position also accepts expressions and `if`; naming the statement is enough.
    if words.contains(&Word::Statement) {
        words.retain(|w| matches!(w, Word::Statement));
    }
    if words.contains(&Word::Expression) {
        words.retain(|w| *w != Word::Name);
    }
    let mut at = base + pos;
    // An error inside a word (`raise` read as the string prefix `r`, or `1e`): report the
    // whole word.
    let word_char = |c: char| c.is_alphanumeric() || c == '_';
    if src[..at].chars().next_back().is_some_and(word_char)
        && src[at..].chars().next().is_some_and(word_char)
    {
        at = src[..at]
            .char_indices()
            .rev()
            .take_while(|(_, c)| word_char(*c))
            .last()
            .map_or(at, |(i, _)| i);
        if src[at..].starts_with(|c: char| c.is_ascii_digit()) {
            let end = at
                + src[at..]
                    .find(|c: char| !(word_char(c) || c == '.'))
                    .unwrap_or(src.len() - at);
            let span = Span::new(at, end);
            let error = SyntaxError::invalid_expression(
                format!("invalid number literal `{}`", span.text(src)),
                "a number is digits with an optional fraction and exponent (`1.5e3`), or `0x`, `0o`, `0b` and digits; a duration has its unit right after the number (`250ms`)",
                span,
            );
            return (error, at);
        }
        if words.is_empty() || words.iter().all(|w| *w == Word::Expression) {
            words = vec![Word::Expression];
        }
    }
    // `&&` and `||`: the first `&` was read as an operator.
    if (src[..at].ends_with('&') && src[at..].starts_with('&'))
        || (src[..at].ends_with('|') && src[at..].starts_with('|'))
    {
        at -= 1;
    }
    let (found, span) = found_at(src, at);
    let line_start = src[..span.start as usize].rfind('\n').map_or(0, |i| i + 1);
    let line = src[line_start..].trim_start();
    let help = if found.starts_with("`\u{201c}")
        || found.starts_with("`\u{201d}")
        || found.starts_with("`\u{2018}")
        || found.starts_with("`\u{2019}")
    {
        Some("use straight quotes for strings: \" or '".to_string())
    } else if line.starts_with("class ") {
        Some(
            "thr has no classes: use `def` functions, `shared` variables and declared objects"
                .to_string(),
        )
    } else if line.starts_with("def ")
        && src[line_start..at].contains('(')
        && !src[line_start..at].contains(')')
        && found.starts_with('`')
        && found[1..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
    {
        Some("separate parameters with commas".to_string())
    } else if line.starts_with("print ") && !line.starts_with("print (") {
        Some("`print` is a function: write `print(\"hello\")`".to_string())
    } else if line.starts_with("import ") || line.starts_with("from ") {
        Some("thr has no imports: threading, queue and concurrent.futures are built in (declare `lock NAME`, `queue NAME`, `pool NAME`; call `sleep`, `current_thread`, ... directly)".to_string())
    } else if found == "`.`" && src[line_start..span.start as usize].contains("except ") {
        Some("error types are written without a module: `except Empty`, `except Full`, `except BrokenBarrierError`".to_string())
    } else {
        advice(&words, &found, src, span.start as usize)
    };
    let expected = if words.is_empty() {
        "something else".to_string()
    } else {
        join_or(words.iter().map(|w| w.text()).collect())
    };
    let label = match words.as_slice() {
        [w] => format!("expected {} here", w.text()),
        _ => format!("unexpected {found}"),
    };
    (
        SyntaxError::Unexpected {
            expected,
            found,
            label,
            span: span.into(),
            help,
        },
        at,
    )
}

/// `a`, `a or b`, `a, b or c`.
fn join_or(mut items: Vec<String>) -> String {
    let last = items.pop().unwrap_or_default();
    if items.is_empty() {
        last
    } else {
        format!("{} or {last}", items.join(", "))
    }
}

/// Describes the token at `at` in words, with its span.
fn found_at(src: &str, mut at: usize) -> (String, Span) {
    at += src[at..].len() - src[at..].trim_start_matches([' ', '\t', '\x0c']).len();
    let rest = &src[at..];
    let Some(c) = rest.chars().next() else {
        return ("end of file".into(), Span::new(at, at));
    };
    if c == '\n' || c == '\r' {
        return ("end of line".into(), Span::new(at, at + 1));
    }
    let word = |c: char| c.is_alphanumeric() || c == '_';
    if c == '"' || c == '\'' {
        let end = rest[1..]
            .find([c, '\n', '\r'])
            .map_or(rest.len(), |i| i + 2)
            .min(rest.len());
        return (
            format!("string `{}`", &rest[..end]),
            Span::new(at, at + end),
        );
    }
    let len = if word(c) {
        rest.find(|c: char| !word(c)).unwrap_or(rest.len())
    } else {
        let two = rest.get(..2).unwrap_or("");
        if [
            "==", "!=", "<=", ">=", "&&", "||", "**", "//", "->", "+=", "-=",
        ]
        .contains(&two)
        {
            2
        } else {
            c.len_utf8()
        }
    };
    (format!("`{}`", &rest[..len]), Span::new(at, at + len))
}

/// Help for slips we can recognise from what was expected and what was found.
fn advice(words: &[Word], found: &str, src: &str, at: usize) -> Option<String> {
    let wants = |w: Word| words.contains(&w);
    let help = match found {
        "`:`" if wants(Word::Block) => {
            "blocks use braces, not a colon: write `if x { ... }`, `def f() { ... }`"
        }
        "end of line" if wants(Word::Block) => {
            "the `{` that opens a block goes on the same line, as in `while running {`"
        }
        "`=`" if wants(Word::Operator) || wants(Word::Expression) => {
            "`=` assigns; to compare, use `==`"
        }
        "`&&`" | "`&`" if wants(Word::Expression) => "write `and` for logical and",
        "`||`" | "`|`" if wants(Word::Expression) => "write `or` for logical or",
        "`!`" => "write `not` for logical negation",
        "`elif`" | "`else`" if wants(Word::Statement) => {
            "`elif` and `else` follow the closing `}` of an `if` (or `try`) block"
        }
        "`except`" | "`finally`" if wants(Word::Statement) => {
            "`except` and `finally` follow the closing `}` of a `try` block"
        }
        "`->`" => "thr functions have no return annotations; remove `-> ...`",
        "`,`" | "`)`" if wants(Word::Name) && src[..at].trim_end().ends_with('*') => {
            "a bare `*` (keyword-only marker) is not part of thr; name it, as in `*args`"
        }
        _ => {
            let operand = src[at..]
                .chars()
                .next()
                .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '"' || c == '\'');
            if operand && wants(Word::Parameter) {
                "separate parameters with commas"
            } else if operand && (wants(Word::Operator) || wants(Word::Token(","))) {
                "two expressions in a row: is a comma or an operator missing between them?"
            } else {
                return None;
            }
        }
    };
    Some(help.to_string())
}
