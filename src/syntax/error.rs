//! Syntax errors: everything the front end can find wrong before names are checked.

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

/// One syntax error, with the span it points at.
#[derive(Debug, Clone, Error, Diagnostic, PartialEq)]
#[non_exhaustive]
pub enum SyntaxError {
    /// The parser met something it did not expect.
    #[error("expected {expected}, found {found}")]
    #[diagnostic(code("thr::syntax::unexpected"))]
    Unexpected {
        /// What would have been accepted, in words.
        expected: String,
        /// What was there instead, in words.
        found: String,
        /// Where.
        #[label("{label}")]
        span: SourceSpan,
        /// The label's text.
        label: String,
        /// Advice for the common mistakes we can recognise.
        #[help]
        help: Option<String>,
    },
    /// An opening bracket with no closing one.
    #[error("this `{open}` is never closed")]
    #[diagnostic(
        code("thr::syntax::unclosed-bracket"),
        help("add the matching `{close}`")
    )]
    UnclosedBracket {
        /// The opening bracket.
        open: char,
        /// The bracket that would close it.
        close: char,
        /// Where it opens.
        #[label("opened here")]
        span: SourceSpan,
    },
    /// A closing bracket that does not match the innermost open one.
    #[error("mismatched closing `{close}`")]
    #[diagnostic(
        code("thr::syntax::mismatched-bracket"),
        help("`{open}` is closed by `{expected}`")
    )]
    MismatchedBracket {
        /// The open bracket.
        open: char,
        /// The bracket found.
        close: char,
        /// The bracket that would match.
        expected: char,
        /// Where the open bracket is.
        #[label("this `{open}` ...")]
        open_span: SourceSpan,
        /// Where the wrong close is.
        #[label("... is closed by this `{close}`")]
        span: SourceSpan,
    },
    /// A closing bracket with nothing open.
    #[error("unexpected closing `{close}`")]
    #[diagnostic(
        code("thr::syntax::unopened-bracket"),
        help("remove it, or add the opening bracket it belongs to")
    )]
    UnopenedBracket {
        /// The bracket found.
        close: char,
        /// Where.
        #[label("nothing is open here")]
        span: SourceSpan,
    },
    /// A string literal that runs to the end of its line.
    #[error("unterminated string literal")]
    #[diagnostic(
        code("thr::syntax::unterminated-string"),
        help("close the string with {quote} on the same line; use \\n for a line break")
    )]
    UnterminatedString {
        /// The opening quote, quoted for the help text.
        quote: String,
        /// From the opening quote to the end of the line.
        #[label("this string is never closed")]
        span: SourceSpan,
    },
    /// A character that cannot appear in a scenario outside strings and comments.
    #[error("invalid character {what}")]
    #[diagnostic(
        code("thr::syntax::invalid-character"),
        help("scenarios are plain text; remove the character")
    )]
    InvalidCharacter {
        /// The character, described (`U+0007`).
        what: String,
        /// Where.
        #[label("here")]
        span: SourceSpan,
    },
    /// Brackets and blocks nested beyond the limit.
    #[error("brackets and blocks are nested more than {limit} deep")]
    #[diagnostic(
        code("thr::syntax::too-deep"),
        help("split the expression or the block into smaller pieces (a `def` helps)")
    )]
    TooDeep {
        /// The limit.
        limit: usize,
        /// The bracket that crosses it.
        #[label("this one is one too many")]
        span: SourceSpan,
    },
    /// An expression more deeply nested than the limit.
    #[error("expression is too complex (nested more than {limit} levels)")]
    #[diagnostic(
        code("thr::syntax::expression-too-complex"),
        help("split it with intermediate variables")
    )]
    ExpressionTooComplex {
        /// The limit.
        limit: usize,
        /// The expression.
        #[label("here")]
        span: SourceSpan,
    },
    /// An integer literal outside the 64-bit range.
    #[error("integer literal is too large")]
    #[diagnostic(
        code("thr::syntax::integer-too-large"),
        help("thr integers are 64-bit: a literal can be at most 9223372036854775807")
    )]
    IntegerTooLarge {
        /// The literal.
        #[label("does not fit in 64 bits")]
        span: SourceSpan,
    },
    /// Something that cannot be assigned to on the left of `=`, `+=`, `for ... in` or `del`.
    #[error("cannot {action} {what}")]
    #[diagnostic(code("thr::syntax::invalid-target"), help("{help}"))]
    InvalidTarget {
        /// `assign to` or `delete`.
        action: &'static str,
        /// What it is (`a function call`, `a literal`, ...).
        what: &'static str,
        /// What can be used instead.
        help: &'static str,
        /// Where.
        #[label("{label}")]
        span: SourceSpan,
        /// The label's text.
        label: &'static str,
    },
    /// `try` with neither `except` nor `finally`.
    #[error("`try` needs an `except` or a `finally` clause")]
    #[diagnostic(
        code("thr::syntax::try-without-handler"),
        help("add `except {{ ... }}` or `finally {{ ... }}` after the block")
    )]
    TryWithoutHandler {
        /// The `try` statement.
        #[label("this `try` handles nothing")]
        span: SourceSpan,
    },
    /// A bare `except` before other `except` clauses.
    #[error("a bare `except` must be the last `except` clause")]
    #[diagnostic(
        code("thr::syntax::bare-except-not-last"),
        help("move it after the other `except` clauses; it catches everything")
    )]
    BareExceptNotLast {
        /// The bare `except`.
        #[label("catches everything, so the clauses after it never run")]
        span: SourceSpan,
    },
    /// A problem with call arguments that Python reports as a syntax error.
    #[error("{message}")]
    #[diagnostic(code("thr::syntax::bad-arguments"), help("{help}"))]
    BadArguments {
        /// Python's wording.
        message: String,
        /// What to do.
        help: String,
        /// Where.
        #[label("here")]
        span: SourceSpan,
    },
    /// A problem with a parameter list that Python reports as a syntax error.
    #[error("{message}")]
    #[diagnostic(code("thr::syntax::bad-parameters"), help("{help}"))]
    BadParameters {
        /// Python's wording.
        message: String,
        /// What to do.
        help: String,
        /// Where.
        #[label("here")]
        span: SourceSpan,
    },
    /// A misplaced or invalid slice or starred expression.
    #[error("{message}")]
    #[diagnostic(code("thr::syntax::invalid-expression"), help("{help}"))]
    InvalidExpression {
        /// What is wrong.
        message: String,
        /// What to do.
        help: String,
        /// Where.
        #[label("here")]
        span: SourceSpan,
    },
    /// A text whose brackets and `lambda`s could nest deeper than the parser can make room
    /// for (its native stack is sized for the worst case before parsing).
    #[error("too many brackets and `lambda`s to parse ({levels})")]
    #[diagnostic(
        code("thr::syntax::too-large"),
        help("split the scenario into smaller files")
    )]
    TooLarge {
        /// How many there are.
        levels: usize,
    },
    /// Recovery gave up after too many errors.
    #[error("stopped after {count} syntax errors")]
    #[diagnostic(
        code("thr::syntax::too-many-errors"),
        severity(Advice),
        help("fix these first; there may be more")
    )]
    TooManyErrors {
        /// How many were reported.
        count: usize,
    },
}

impl SyntaxError {
    /// Helper for the common case of an error with a message, a help line and one span.
    pub(crate) fn invalid_expression(
        message: impl Into<String>,
        help: impl Into<String>,
        span: crate::syntax::Span,
    ) -> SyntaxError {
        SyntaxError::InvalidExpression {
            message: message.into(),
            help: help.into(),
            span: span.into(),
        }
    }
}
