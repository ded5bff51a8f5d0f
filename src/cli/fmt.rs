//! `thr fmt FILE...`: print, check or rewrite scenarios in canonical form.

use clap::Args;

use super::{exit, ui::Ui};
use crate::diag::analyze;
use crate::source::SourceFile;
use crate::syntax::{parse, printer};

/// Arguments of `thr fmt`.
#[derive(Debug, Args)]
pub struct FmtArgs {
    /// Scenario files; `-` reads one from stdin.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<String>,
    /// Print nothing; exit 1 when a file is not in canonical form (showing the diff).
    #[arg(long, conflicts_with = "write")]
    pub check: bool,
    /// Rewrite the files in place.
    #[arg(long, short)]
    pub write: bool,
}

/// Formats each file; see [`FmtArgs`].
pub fn run(ui: &Ui, args: FmtArgs) -> i32 {
    let mut status = exit::OK;
    for path in &args.files {
        let file = match SourceFile::load(path) {
            Ok(f) => f,
            Err(e) => {
                ui.report(&e, None);
                status = exit::INVALID;
                continue;
            }
        };
        let parsed = parse(&file.text);
        if !parsed.errors.is_empty() {
            ui.report_all(&file, &analyze(&file).problems);
            status = exit::INVALID;
            continue;
        }
        let formatted = printer::format(&file.text, &parsed.module, &parsed.comments);
        if args.check {
            if formatted != *file.text {
                let diff = similar::TextDiff::from_lines(&*file.text, &formatted)
                    .unified_diff()
                    .header(&file.name, &format!("{} (formatted)", file.name))
                    .to_string();
                ui.eprint(&format!("{} is not formatted:\n{diff}", file.name));
                if status == exit::OK {
                    status = exit::FAILED;
                }
            }
        } else if args.write && path != "-" {
            if formatted != *file.text
                && let Err(e) = std::fs::write(path, &formatted)
            {
                ui.eprint(&format!("cannot write {path}: {e}\n"));
                status = exit::INVALID;
            }
        } else {
            print!("{formatted}");
        }
    }
    status
}
