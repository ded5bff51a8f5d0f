//! Where a session's output goes when a person is at the terminal: above the prompt.

use std::io::IsTerminal;

use parking_lot::Mutex;
use rustyline::ExternalPrinter;

use crate::vm::world::{Output, StdOutput};

/// An [`Output`] that prints through rustyline's external printer: while a prompt is shown,
/// text from background threads appears above it and the line being typed is redrawn
/// intact; otherwise (while an input runs) the printer writes to the terminal directly.
/// If the printer fails, text goes to stdout and stderr as usual, so nothing is lost.
pub struct TermOutput {
    printer: Mutex<Box<dyn ExternalPrinter + Send>>,
    /// stderr is the same terminal, so error text may go through the printer too.
    err_to_printer: bool,
}

impl TermOutput {
    /// Wraps a printer made by [`rustyline::Editor::create_external_printer`].
    pub fn new(printer: Box<dyn ExternalPrinter + Send>) -> TermOutput {
        TermOutput {
            printer: Mutex::new(printer),
            err_to_printer: std::io::stderr().is_terminal(),
        }
    }

    /// Prints `text` through the printer; false when it could not.
    fn print(&self, text: &str) -> bool {
        if text.is_empty() {
            return true;
        }
        self.printer.lock().print(text.to_string()).is_ok()
    }
}

impl Output for TermOutput {
    fn out(&self, text: &str) {
        if !self.print(text) {
            StdOutput.out(text);
        }
    }

    fn err(&self, text: &str) {
        if !(self.err_to_printer && self.print(text)) {
            StdOutput.err(text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// A printer that keeps what it is given.
    struct Keep(Arc<Mutex<Vec<String>>>);

    impl ExternalPrinter for Keep {
        fn print(&mut self, msg: String) -> rustyline::Result<()> {
            self.0.lock().push(msg);
            Ok(())
        }
    }

    #[test]
    fn output_goes_through_the_printer_whole() {
        let kept = Arc::new(Mutex::new(Vec::new()));
        let out = TermOutput::new(Box::new(Keep(kept.clone())));
        out.out("tick 0\n");
        out.out("");
        out.out("a\nb\n");
        assert_eq!(*kept.lock(), vec!["tick 0\n", "a\nb\n"]);
    }
}
