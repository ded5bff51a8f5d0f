//! Finding tests and reading their headers.

use std::path::{Path, PathBuf};

/// One scenario with expectations.
#[derive(Debug, Clone)]
pub struct Test {
    /// The scenario, as found (relative to where `thr test` runs when given so).
    pub path: PathBuf,
    /// Flags for `thr run` from `#! args:` (split on whitespace).
    pub args: Vec<String>,
    /// The expected exit status (`#! exit:`, default 0).
    pub exit: i32,
    /// Why the test is skipped (`#! skip:`).
    pub skip: Option<String>,
    /// A problem with the test file itself (unreadable, unknown header): the test fails
    /// with this message without running.
    pub error: Option<String>,
}

impl Test {
    /// The expectation file with extension `ext` (`stdout`, `stderr`).
    pub fn expected(&self, ext: &str) -> PathBuf {
        self.path.with_extension(ext)
    }
}

/// Reads the `#!` header lines of a scenario's leading comment block.
pub fn read_headers(path: &Path) -> Test {
    let mut test = Test {
        path: path.to_path_buf(),
        args: Vec::new(),
        exit: 0,
        skip: None,
        error: None,
    };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            test.error = Some(format!("cannot read {}: {e}", path.display()));
            return test;
        }
    };
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end();
        if !line.starts_with('#') {
            if line.trim().is_empty() {
                continue;
            }
            break;
        }
        let Some(header) = line.strip_prefix("#!") else {
            continue;
        };
        let (key, value) = header.split_once(':').unwrap_or((header, ""));
        let (key, value) = (key.trim(), value.trim());
        let at = format!("{}:{}", path.display(), n + 1);
        match key {
            "args" => test.args.extend(value.split_whitespace().map(String::from)),
            "exit" => match value.parse() {
                Ok(code) => test.exit = code,
                Err(_) => {
                    test.error = Some(format!("{at}: `#! exit:` needs a number, found `{value}`"));
                }
            },
            "skip" => test.skip = Some(value.to_string()),
            other => {
                test.error = Some(format!(
                    "{at}: unknown header `#! {other}:` (known: args, exit, skip)"
                ));
            }
        }
    }
    test
}

/// Finds the tests under `paths` (files or directories, searched recursively), in path
/// order: every `X.thr` with `X.stdout` or `X.stderr` beside it, and every `.thr` file
/// named directly (with `bless`, it gets expectations; without, it must have them).
/// `Err` for a path that does not exist.
pub fn discover(paths: &[PathBuf], bless: bool) -> Result<Vec<Test>, String> {
    let mut found = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| format!("{}: {e}", p.display()))?;
        if meta.is_dir() {
            walk(p, &mut found).map_err(|e| format!("{}: {e}", p.display()))?;
        } else {
            found.push(p.clone());
        }
    }
    // `./x.thr` reads better as `x.thr`.
    for p in &mut found {
        if let Ok(rest) = p.strip_prefix(".")
            && !rest.as_os_str().is_empty()
        {
            *p = rest.to_path_buf();
        }
    }
    found.sort();
    found.dedup();
    Ok(found
        .into_iter()
        .map(|p| {
            let mut t = read_headers(&p);
            if t.error.is_none() && !has_expectations(&p) && !bless {
                t.error = Some(format!(
                    "{}: no {} beside it (run with --bless to create it)",
                    p.display(),
                    p.with_extension("stdout").display()
                ));
            }
            t
        })
        .collect())
}

fn has_expectations(p: &Path) -> bool {
    p.with_extension("stdout").is_file() || p.with_extension("stderr").is_file()
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "thr") && has_expectations(&path) {
            out.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_read_from_the_leading_comments() {
        let dir = std::env::temp_dir().join(format!("thr-headers-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("a.thr");
        std::fs::write(
            &file,
            "# about\n#! args: --seed 7 --sched pct:3\n#! exit: 3\n\nprint(1)\n#! exit: 9\n",
        )
        .unwrap();
        let t = read_headers(&file);
        assert_eq!(t.args, ["--seed", "7", "--sched", "pct:3"]);
        assert_eq!(t.exit, 3);
        assert!(t.error.is_none());
        std::fs::write(&file, "#! timeout: 3\n").unwrap();
        let t = read_headers(&file);
        assert!(t.error.unwrap().contains("unknown header `#! timeout:`"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
