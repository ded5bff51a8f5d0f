//! Rendering problems as miette reports, with or without colour, and the front end's
//! single entry point [`analyze`].

use std::fmt;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, NamedSource, SourceCode};
use thiserror::Error;

use crate::check::{self, CheckError};
use crate::source::{LoadError, SourceFile};
use crate::syntax::{self, Span, SyntaxError, ast::Module};

/// Any problem the front end reports.
#[derive(Debug, Error, Diagnostic)]
pub enum Problem {
    /// The file could not be read.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Load(#[from] LoadError),
    /// The text does not parse.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Syntax(#[from] SyntaxError),
    /// A static check failed.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Check(#[from] CheckError),
}

impl Problem {
    /// True unless the problem is only a warning or advice.
    pub fn is_error(&self) -> bool {
        matches!(self.severity(), None | Some(miette::Severity::Error))
    }

    /// True for warnings (not errors, not advice).
    pub fn is_warning(&self) -> bool {
        self.severity() == Some(miette::Severity::Warning)
    }
}

/// The result of parsing and checking one scenario.
#[derive(Debug)]
pub struct Analysis {
    /// The parsed scenario (partial when there were syntax errors).
    pub module: Module,
    /// Comment spans, for the formatter.
    pub comments: Vec<Span>,
    /// Syntax errors, or (when there are none) check errors and warnings, in order.
    pub problems: Vec<Problem>,
}

impl Analysis {
    /// True when any problem is an error: the scenario must not run.
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(Problem::is_error)
    }
}

/// Parses and checks `file`. Checks run only when the file parses: on a broken file they
/// would mostly report the consequences of the syntax errors.
pub fn analyze(file: &SourceFile) -> Analysis {
    let parsed = syntax::parse(&file.text);
    let problems: Vec<Problem> = if parsed.errors.is_empty() {
        check::check(&file.text, &parsed.module)
            .into_iter()
            .map(Problem::from)
            .collect()
    } else {
        parsed.errors.into_iter().map(Problem::from).collect()
    };
    Analysis {
        module: parsed.module,
        comments: parsed.comments,
        problems,
    }
}

/// Renders diagnostics the same way everywhere: graphical, with a fixed width so that
/// output does not depend on the terminal, coloured only when asked.
pub struct Renderer {
    handler: GraphicalReportHandler,
}

/// Columns diagnostics are wrapped at.
pub const WIDTH: usize = 100;

impl Renderer {
    /// A renderer with or without ANSI colour.
    pub fn new(color: bool) -> Renderer {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        Renderer {
            handler: GraphicalReportHandler::new_themed(theme)
                .with_width(WIDTH)
                .with_links(false),
        }
    }

    /// Renders `diag`, taking source snippets from `source` when given.
    ///
    /// Snippets are kept to one screen: control characters are shown as `?` (never sent to
    /// the terminal), a label covering many lines is cut to its first line, and when a
    /// labelled line is very long the snippet is left out in favour of a line:column note.
    pub fn render(&self, diag: &dyn Diagnostic, source: Option<&SourceFile>) -> String {
        let mut out = String::new();
        let result = match source {
            Some(file) => {
                // Same byte length, so labels keep their offsets.
                let mut text = String::with_capacity(file.text.len());
                for c in file.text.chars() {
                    if c.is_control() && !matches!(c, '\n' | '\r' | '\t') {
                        text.extend(std::iter::repeat_n('?', c.len_utf8()));
                    } else {
                        text.push(c);
                    }
                }
                let text: std::sync::Arc<str> = text.into();
                let labels: Vec<miette::LabeledSpan> = diag
                    .labels()
                    .map(|l| l.map(|l| shorten(&text, l)).collect())
                    .unwrap_or_default();
                let too_long = labels
                    .iter()
                    .any(|l| line_of(&text, l.offset()).1.len() > MAX_LINE);
                let note = too_long.then(|| {
                    let first = labels.first().map_or(0, |l| l.offset());
                    let (number, line) = line_of(&text, first);
                    let column = line[..(first
                        - (line.as_ptr() as usize - text.as_ptr() as usize))
                        .min(line.len())]
                        .chars()
                        .count()
                        + 1;
                    format!(
                        "at {}:{number}:{column} (the line is too long to show)",
                        file.name
                    )
                });
                let named = NamedSource::new(&file.name, text.clone());
                let wrapped = WithSource {
                    inner: diag,
                    source: &named,
                    labels: if too_long { Vec::new() } else { labels },
                    note,
                };
                self.handler.render_report(&mut out, &wrapped)
            }
            None => self.handler.render_report(&mut out, diag),
        };
        if result.is_err() {
            out = format!("{diag}\n");
        }
        out
    }
}

/// Labelled lines longer than this are not shown.
const MAX_LINE: usize = 300;

/// The 1-based number and text of the line holding byte `offset`.
fn line_of(text: &str, offset: usize) -> (usize, &str) {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    (text[..start].matches('\n').count() + 1, &text[start..end])
}

/// Cuts a label that spans many lines down to its first line.
fn shorten(text: &str, l: miette::LabeledSpan) -> miette::LabeledSpan {
    let (start, len) = (l.offset().min(text.len()), l.len());
    let end = (start + len).min(text.len());
    if text[start..end].matches('\n').count() <= 8 {
        return l;
    }
    let first_end = text[start..].find('\n').map_or(end, |i| start + i);
    miette::LabeledSpan::new(l.label().map(str::to_string), start, first_end - start)
}

/// A diagnostic with a (sanitised) source and adjusted labels attached.
struct WithSource<'a> {
    inner: &'a dyn Diagnostic,
    source: &'a NamedSource<std::sync::Arc<str>>,
    labels: Vec<miette::LabeledSpan>,
    note: Option<String>,
}

impl fmt::Debug for WithSource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.inner, f)
    }
}

impl fmt::Display for WithSource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.inner, f)
    }
}

impl std::error::Error for WithSource<'_> {}

impl Diagnostic for WithSource<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.inner.code()
    }
    fn severity(&self) -> Option<miette::Severity> {
        self.inner.severity()
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        match (&self.note, self.inner.help()) {
            (Some(n), Some(h)) => Some(Box::new(format!("{h}\n{n}"))),
            (Some(n), None) => Some(Box::new(n.clone())),
            (None, h) => h,
        }
    }
    fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.inner.url()
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn Diagnostic> + 'b>> {
        self.inner.related()
    }
    fn diagnostic_source(&self) -> Option<&dyn Diagnostic> {
        self.inner.diagnostic_source()
    }
}
