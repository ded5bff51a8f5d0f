//! Running one test and comparing what it did with what it should do.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::discover::Test;

/// How long one test may run before it is killed.
pub const TIME_LIMIT: Duration = Duration::from_secs(300);

/// The result of one test.
#[derive(Debug)]
pub enum Outcome {
    /// Output and exit status as expected.
    Passed,
    /// Not run (`#! skip:`), with the reason.
    Skipped(String),
    /// The expectations were rewritten from this run (`--bless`).
    Blessed,
    /// What differs, one entry per difference (diffs included).
    Failed(Vec<String>),
}

/// What one run of a scenario produced.
struct Ran {
    stdout: String,
    stderr: String,
    status: Option<i32>,
    /// The trace written, for a test with an `X.trace` expectation.
    trace: Option<String>,
}

/// Runs `test` with the `thr` binary `exe` and compares (or, with `bless`, records).
pub fn run_test(exe: &Path, test: &Test, bless: bool, color: bool) -> Outcome {
    if let Some(reason) = &test.skip {
        return Outcome::Skipped(reason.clone());
    }
    if let Some(e) = &test.error {
        return Outcome::Failed(vec![e.clone()]);
    }
    let ran = match run(exe, test) {
        Ok(r) => r,
        Err(e) => return Outcome::Failed(vec![e]),
    };
    let mut problems = Vec::new();
    if ran.status != Some(test.exit) {
        let got = ran
            .status
            .map_or_else(|| "no exit status (killed)".into(), |s| s.to_string());
        let hint = if bless {
            format!(" (--bless does not change it: edit the `#! exit:` header to {got})")
        } else {
            String::new()
        };
        problems.push(format!("exit status {got}, expected {}{hint}", test.exit));
    }
    if bless {
        if let Err(e) = write_expectations(test, &ran) {
            problems.push(e);
        }
        return if problems.is_empty() {
            Outcome::Blessed
        } else {
            Outcome::Failed(problems)
        };
    }
    let mut compared = vec![("stdout", &ran.stdout), ("stderr", &ran.stderr)];
    if let Some(trace) = &ran.trace {
        compared.push(("trace", trace));
    }
    for (ext, actual) in compared {
        let path = test.expected(ext);
        let expected = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => {
                problems.push(format!("cannot read {}: {e}", path.display()));
                continue;
            }
        };
        if expected != *actual {
            problems.push(format!(
                "{ext} differs from {}:\n{}",
                path.display(),
                diff(&expected, actual, color)
            ));
        }
    }
    if problems.is_empty() {
        Outcome::Passed
    } else {
        Outcome::Failed(problems)
    }
}

/// A unified diff from `expected` to `actual`.
pub fn diff(expected: &str, actual: &str, color: bool) -> String {
    let text = similar::TextDiff::from_lines(expected, actual)
        .unified_diff()
        .context_radius(3)
        .header("expected", "actual")
        .missing_newline_hint(true)
        .to_string();
    if !color {
        return text;
    }
    text.lines()
        .map(|l| {
            let style = match l.as_bytes().first() {
                Some(b'-') => anstyle::AnsiColor::Red.on_default(),
                Some(b'+') => anstyle::AnsiColor::Green.on_default(),
                Some(b'@') => anstyle::AnsiColor::Cyan.on_default(),
                _ => anstyle::Style::new(),
            };
            format!("{style}{l}{style:#}\n")
        })
        .collect()
}

fn write_expectations(test: &Test, ran: &Ran) -> Result<(), String> {
    let write = |p: PathBuf, text: &str| {
        std::fs::write(&p, text).map_err(|e| format!("cannot write {}: {e}", p.display()))
    };
    write(test.expected("stdout"), &ran.stdout)?;
    if let Some(trace) = &ran.trace {
        write(test.expected("trace"), trace)?;
    }
    let stderr = test.expected("stderr");
    if ran.stderr.is_empty() {
        if stderr.exists() {
            std::fs::remove_file(&stderr)
                .map_err(|e| format!("cannot remove {}: {e}", stderr.display()))?;
        }
        Ok(())
    } else {
        write(stderr, &ran.stderr)
    }
}

/// Runs the scenario in its own directory; seeded with seed 0 unless the header's flags
/// choose a mode.
fn run(exe: &Path, test: &Test) -> Result<Ran, String> {
    let dir = test
        .path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file = test.path.file_name().ok_or("not a file name")?;
    let mut cmd = Command::new(exe);
    cmd.args(["--color", "never", "run"]);
    let chooses_mode = test.args.iter().any(|a| {
        ["--seed", "--sched", "--replay", "--free"].contains(&a.split('=').next().unwrap_or(""))
    });
    if !chooses_mode {
        cmd.args(["--seed", "0"]);
    }
    // A test with an `X.trace` expectation writes its trace to a scratch file.
    let trace_file = test.expected("trace").is_file().then(|| {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        std::env::temp_dir().join(format!("thr-test-{}-{n}.trace", std::process::id()))
    });
    if let Some(t) = &trace_file {
        cmd.arg(format!("--trace={}", t.display()));
    }
    cmd.args(test.args.iter().filter(|a| *a != "--free"))
        .arg(file)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", exe.display()))?;
    let mut out = child.stdout.take().expect("piped");
    let mut err = child.stderr.take().expect("piped");
    let reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let mut stderr = Vec::new();
    let err_reader = std::thread::spawn(move || {
        let _ = err.read_to_end(&mut stderr);
        stderr
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s.code(),
            Ok(None) if start.elapsed() > TIME_LIMIT => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(2)),
            Err(e) => return Err(format!("waiting for the run: {e}")),
        }
    };
    let text = |b: Vec<u8>| String::from_utf8_lossy(&b).into_owned();
    let trace = trace_file.map(|t| {
        let written = std::fs::read(&t).unwrap_or_default();
        let _ = std::fs::remove_file(&t);
        text(written)
    });
    Ok(Ran {
        stdout: text(reader.join().unwrap_or_default()),
        stderr: text(err_reader.join().unwrap_or_default()),
        status,
        trace,
    })
}
