//! `thr fmt` round trip: for every scenario in `examples/` and `tests/` that parses,
//! parse → print → parse gives the same tree, and printing is idempotent.

use std::path::{Path, PathBuf};

use thr::syntax::{parse, printer};

/// Every `.thr` file under `dir`, recursively, sorted.
fn thr_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            thr_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "thr") {
            out.push(path);
        }
    }
}

#[test]
fn parse_print_parse_gives_the_same_tree() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    thr_files(&root.join("examples"), &mut files);
    thr_files(&root.join("tests"), &mut files);
    let mut checked = 0;
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let first = parse(&text);
        if !first.errors.is_empty() {
            continue; // a syntax-error test case
        }
        let printed = printer::format(&text, &first.module, &first.comments);
        let second = parse(&printed);
        assert!(
            second.errors.is_empty(),
            "{}: formatted text does not parse: {:?}\n{printed}",
            path.display(),
            second.errors
        );
        assert_eq!(
            first.module,
            second.module,
            "{}: tree changed by formatting",
            path.display()
        );
        let again = printer::format(&printed, &second.module, &second.comments);
        assert_eq!(
            printed,
            again,
            "{}: formatting is not idempotent",
            path.display()
        );
        let comments = |t: &str, spans: &[thr::syntax::Span]| -> Vec<String> {
            spans
                .iter()
                .map(|s| s.text(t).trim_end().to_string())
                .collect()
        };
        assert_eq!(
            comments(&text, &first.comments),
            comments(&printed, &second.comments),
            "{}: comments lost or reordered",
            path.display()
        );
        checked += 1;
    }
    assert!(checked >= 1, "no scenarios found");
}
