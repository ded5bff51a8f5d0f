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
    pub fn render(&self, diag: &dyn Diagnostic, source: Option<&SourceFile>) -> String {
        let mut out = String::new();
        let named = source.map(SourceFile::named);
        let result = match &named {
            Some(src) => self.handler.render_report(
                &mut out,
                &WithSource {
                    inner: diag,
                    source: src,
                },
            ),
            None => self.handler.render_report(&mut out, diag),
        };
        if result.is_err() {
            out = format!("{diag}\n");
        }
        out
    }
}

/// A diagnostic with a source attached, so that its labels can be shown in context.
struct WithSource<'a> {
    inner: &'a dyn Diagnostic,
    source: &'a NamedSource<std::sync::Arc<str>>,
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
        self.inner.help()
    }
    fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.inner.url()
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        self.inner.labels()
    }
    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn Diagnostic> + 'b>> {
        self.inner.related()
    }
    fn diagnostic_source(&self) -> Option<&dyn Diagnostic> {
        self.inner.diagnostic_source()
    }
}
