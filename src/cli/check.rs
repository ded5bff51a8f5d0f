//! `thr check FILE...`: parse and check without running.

use clap::Args;

use super::{exit, ui::Ui};
use crate::diag::analyze;
use crate::source::SourceFile;

/// Arguments of `thr check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Scenario files to check; `-` reads one from stdin.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<String>,
}

/// Checks each file, reporting all problems; exit 2 if any file has an error.
pub fn run(ui: &Ui, args: CheckArgs) -> i32 {
    let mut failed = false;
    for path in &args.files {
        match SourceFile::load(path) {
            Ok(file) => {
                let analysis = analyze(&file);
                failed |= ui.report_all(&file, &analysis.problems) > 0;
                // The process ends soon after; freeing a large tree node by node would cost
                // about a millisecond for a 10,000-line file.
                std::mem::forget(analysis);
            }
            Err(e) => {
                ui.report(&e, None);
                ui.summary(path, 1, 0);
                failed = true;
            }
        }
    }
    if failed { exit::INVALID } else { exit::OK }
}
