//! Helpers shared by the integration tests: finding test files, running the `thr` binary,
//! and comparing output with golden files (`THR_BLESS=1` rewrites them instead).
//!
//! A golden test looks like this:
//!
//! ```ignore
//! let mut goldens = Goldens::new();
//! for case in files_under("tests/check", "thr") {
//!     let actual = ...;
//!     goldens.compare(&sibling(&case, "stderr"), &actual);
//! }
//! goldens.finish(); // panics listing every mismatch, not only the first
//! ```

#![allow(dead_code)] // each test crate uses its own part of this module

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The crate's root directory; tests run `thr` from here so paths in its output are relative.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A `thr` command run from the crate root.
pub fn thr() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_thr"));
    cmd.current_dir(root());
    cmd
}

/// Every file ending in `.EXT` under `dir` (relative to the crate root), recursively, as
/// sorted relative paths with `/` separators. A missing directory gives an empty list.
pub fn files_under(dir: &str, ext: &str) -> Vec<String> {
    fn walk(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for path in entries.flatten().map(|e| e.path()) {
            if path.is_dir() {
                walk(&path, ext, out);
            } else if path.extension().is_some_and(|e| e == ext) {
                out.push(path);
            }
        }
    }
    let mut found = Vec::new();
    walk(&root().join(dir), ext, &mut found);
    let mut names: Vec<String> = found
        .iter()
        .map(|p| {
            let rel = p.strip_prefix(root()).expect("found under the root");
            rel.components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect();
    names.sort();
    names
}

/// `path` (relative to the crate root) with its extension replaced.
pub fn sibling(path: &str, ext: &str) -> String {
    let stem = path.rsplit_once('.').map_or(path, |(stem, _)| stem);
    format!("{stem}.{ext}")
}

/// Text output of a process, failing the test on output that is not UTF-8.
pub fn text(bytes: &[u8], what: &str) -> String {
    String::from_utf8(bytes.to_vec()).unwrap_or_else(|e| panic!("{what} is not UTF-8: {e}"))
}

/// A unified diff from `expected` to `actual`, or `None` when they are equal.
pub fn diff(expected: &str, actual: &str, name: &str) -> Option<String> {
    (expected != actual).then(|| {
        similar::TextDiff::from_lines(expected, actual)
            .unified_diff()
            .context_radius(3)
            .header(&format!("{name} (expected)"), &format!("{name} (actual)"))
            .to_string()
    })
}

/// True when the run should rewrite golden files instead of comparing (`THR_BLESS=1`).
pub fn blessing() -> bool {
    std::env::var_os("THR_BLESS").is_some_and(|v| v == "1")
}

/// Collects golden comparisons and other failures, and reports them all at the end.
#[derive(Default)]
pub struct Goldens {
    failures: Vec<String>,
    compared: usize,
    blessed: usize,
}

impl Goldens {
    /// An empty collection.
    pub fn new() -> Goldens {
        Goldens::default()
    }

    /// Compares `actual` with the golden file `expected_path` (relative to the crate root),
    /// or writes it there when blessing. Returns the expected text (the new one when
    /// blessing; `None` when the file is missing).
    pub fn compare(&mut self, expected_path: &str, actual: &str) -> Option<String> {
        self.compared += 1;
        let full = root().join(expected_path);
        let expected = std::fs::read_to_string(&full).ok();
        if blessing() {
            if expected.as_deref() != Some(actual) {
                std::fs::write(&full, actual)
                    .unwrap_or_else(|e| panic!("cannot write {expected_path}: {e}"));
                self.blessed += 1;
            }
            return Some(actual.to_string());
        }
        match &expected {
            None => self.fail(
                expected_path,
                "the golden file is missing; run with THR_BLESS=1 to create it",
            ),
            Some(e) => {
                if let Some(d) = diff(e, actual, expected_path) {
                    self.fail(expected_path, &d);
                }
            }
        }
        expected
    }

    /// Records a failure about `what`.
    pub fn fail(&mut self, what: &str, message: &str) {
        self.failures.push(format!("── {what}\n{message}"));
    }

    /// Panics with every failure recorded, if any.
    pub fn finish(self) {
        if self.blessed > 0 {
            eprintln!("THR_BLESS=1: rewrote {} golden file(s)", self.blessed);
        }
        if self.failures.is_empty() {
            return;
        }
        let mut report = String::new();
        for f in &self.failures {
            let _ = writeln!(report, "{f}");
        }
        let _ = write!(
            report,
            "{} failure(s) in {} golden case(s); THR_BLESS=1 accepts the actual output",
            self.failures.len(),
            self.compared
        );
        panic!("\n{report}");
    }
}

/// Runs `cmd` and returns its output, failing the test when it cannot be started.
pub fn run(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

/// Runs `cmd` with `stdin` as its input, failing the test when it runs longer than `limit`
/// (the child is killed). Output is read while the child runs, so a chatty child cannot
/// block on a full pipe.
pub fn run_limited(cmd: &mut Command, stdin: &[u8], limit: Duration) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    let mut input = child.stdin.take().expect("stdin is piped");
    let data = stdin.to_vec();
    // Write errors are ignored: the child may exit without reading all of its input.
    let writer = std::thread::spawn(move || drop(input.write_all(&data)));
    let reader = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = reader(Box::new(child.stdout.take().expect("stdout is piped")));
    let stderr = reader(Box::new(child.stderr.take().expect("stderr is piped")));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("can wait for the child") {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let _ = writer.join();
    Output {
        status,
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
    }
}

/// A file under the system's temporary directory with a name no other test (or test run)
/// uses, removed when dropped.
pub struct TempFile {
    /// Its absolute path.
    pub path: PathBuf,
}

impl TempFile {
    /// Creates the file `thr-test-PID-N-NAME` holding `contents`.
    pub fn new(name: &str, contents: &[u8]) -> TempFile {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("thr-test-{}-{n}-{name}", std::process::id()));
        std::fs::write(&path, contents)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        TempFile { path }
    }

    /// The path as a string, for command lines.
    pub fn arg(&self) -> &str {
        self.path.to_str().expect("temporary paths are UTF-8")
    }

    /// The file's current contents.
    pub fn read(&self) -> String {
        std::fs::read_to_string(&self.path).expect("the temporary file is readable")
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// A directory under the system's temporary directory that no other test uses, removed
/// (with its contents) when dropped.
pub struct TempDir {
    /// Its absolute path.
    pub path: PathBuf,
}

impl TempDir {
    /// Creates the directory `thr-test-PID-N-NAME`.
    pub fn new(name: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("thr-testdir-{}-{n}-{name}", std::process::id()));
        std::fs::create_dir_all(&path)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
        TempDir { path }
    }

    /// Writes `contents` to `name` inside the directory; returns its path.
    pub fn write(&self, name: &str, contents: &str) -> PathBuf {
        let p = self.path.join(name);
        std::fs::write(&p, contents)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", p.display()));
        p
    }

    /// The contents of `name` inside the directory, if it exists.
    pub fn read(&self, name: &str) -> Option<String> {
        std::fs::read_to_string(self.path.join(name)).ok()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}
