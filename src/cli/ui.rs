//! What every subcommand shares for talking to the user: colour, diagnostics, summaries.

use std::io::Write;

use anstyle::{AnsiColor, Style};

use super::ColorWhen;
use crate::diag::{Problem, Renderer};
use crate::source::SourceFile;

/// Output settings for one run of `thr`.
pub struct Ui {
    /// Whether stderr gets ANSI colour.
    pub color: bool,
    /// Whether stdout gets ANSI colour.
    pub out_color: bool,
    renderer: Renderer,
}

impl Ui {
    /// Decides on colour from `--color`, `NO_COLOR` and whether stderr is a terminal.
    pub fn new(when: ColorWhen) -> Ui {
        let choice = match when {
            ColorWhen::Always => anstream::ColorChoice::Always,
            ColorWhen::Never => anstream::ColorChoice::Never,
            ColorWhen::Auto => anstream::ColorChoice::Auto,
        };
        choice.write_global();
        let decide = |auto: anstream::ColorChoice| match when {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            ColorWhen::Auto => auto != anstream::ColorChoice::Never,
        };
        let color = decide(anstream::AutoStream::choice(&std::io::stderr()));
        let out_color = decide(anstream::AutoStream::choice(&std::io::stdout()));
        Ui {
            color,
            out_color,
            renderer: Renderer::new(color),
        }
    }

    /// Writes `text` to stderr whole.
    pub fn eprint(&self, text: &str) {
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(text.as_bytes());
        let _ = err.flush();
    }

    /// Renders one diagnostic to stderr.
    pub fn report(&self, problem: &dyn miette::Diagnostic, source: Option<&SourceFile>) {
        self.eprint(&self.renderer.render(problem, source));
    }

    /// Renders `problems` of `file` to stderr, then a one-line summary; returns the number
    /// of errors.
    pub fn report_all(&self, file: &SourceFile, problems: &[Problem]) -> usize {
        for p in problems {
            self.report(p, Some(file));
        }
        let errors = problems.iter().filter(|p| p.is_error()).count();
        let warnings = problems.iter().filter(|p| p.is_warning()).count();
        self.summary(&file.name, errors, warnings);
        errors
    }

    /// `NAME: 2 errors and 1 warning` (or `no problems`), coloured by severity.
    pub fn summary(&self, name: &str, errors: usize, warnings: usize) {
        let count = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
        let (text, style) = match (errors, warnings) {
            (0, 0) => ("no problems".to_string(), AnsiColor::Green),
            (0, w) => (count(w, "warning"), AnsiColor::Yellow),
            (e, 0) => (count(e, "error"), AnsiColor::Red),
            (e, w) => (
                format!("{} and {}", count(e, "error"), count(w, "warning")),
                AnsiColor::Red,
            ),
        };
        let text = self.paint(&text, Style::new().bold().fg_color(Some(style.into())));
        self.eprint(&format!("{name}: {text}\n"));
    }

    /// `text` in `style` when colour is on.
    pub fn paint(&self, text: &str, style: Style) -> String {
        if self.color {
            format!("{style}{text}{style:#}")
        } else {
            text.to_string()
        }
    }

    /// `text` in `style` when stdout is coloured.
    pub fn paint_out(&self, text: &str, style: Style) -> String {
        if self.out_color {
            format!("{style}{text}{style:#}")
        } else {
            text.to_string()
        }
    }

    /// Writes `text` to stdout whole.
    pub fn print(&self, text: &str) {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(text.as_bytes());
        let _ = out.flush();
    }
}
