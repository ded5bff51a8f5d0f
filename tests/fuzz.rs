//! Property ("fuzz") tests of the front end: whatever the input, parsing, checking and
//! rendering diagnostics finish without panicking, hanging or overflowing the stack, every
//! label points inside the text, and a file that parses formats to text that parses to the
//! same tree, formats to itself and checks the same.
//!
//! Inputs come from several strategies, each its own test (so they run in parallel):
//! arbitrary strings and bytes, "token soup" built from the language's own tokens,
//! generated programs that follow the grammar, pathological shapes at the parser's limits,
//! and random edits of the real scenarios in `tests/scenarios/` and `examples/`.
//!
//! The run is bounded and deterministic: `THR_FUZZ_CASES` cases in all (default 3000,
//! split between the strategies), from a fixed seed (`THR_FUZZ_SEED` picks another).
//! Nothing is written to the repository (no failure persistence). To hunt for bugs:
//!
//! ```text
//! THR_FUZZ_CASES=100000 THR_FUZZ_SEED=7 cargo test --release --test fuzz -- --nocapture
//! ```
//!
//! `THR_FUZZ_SHOW_SLOWEST=1` prints each strategy's slowest input (use `--nocapture`).
//!
//! Every case runs on a thread of its own with the main thread's stack size, under a time
//! limit, so a hang fails the test rather than blocking it. A stack overflow still aborts
//! the process: set `THR_FUZZ_LAST=PATH` to have each input written, before it runs, to
//! `PATH.TEST_NAME`.
//!
//! Bugs found are kept below as plain `#[test]`s with their literal inputs. While they are
//! open, `THR_FUZZ_SKIP_KNOWN=1` skips the inputs that would trip them, to look for others.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::path::{Path, PathBuf};
use std::sync::{Once, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use miette::Diagnostic;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};

use thr::diag::{Problem, Renderer, analyze};
use thr::source::SourceFile;
use thr::syntax::{Span, parse, printer};

// ───────────────────────────── The property ─────────────────────────────

/// Checks everything the front end promises for one text, panicking on a violation.
fn front_end_holds(text: &str) {
    let skip = known_bugs(text);
    let file = SourceFile::new("fuzz.thr", text);
    let analysis = analyze(&file);
    if !skip.render {
        render_all(&analysis.problems, &file);
    } else {
        for p in &analysis.problems {
            labels_in_text(p, text);
        }
    }
    if skip.format {
        return;
    }

    let syntax_ok = !analysis
        .problems
        .iter()
        .any(|p| matches!(p, Problem::Syntax(_)));
    if !syntax_ok {
        return;
    }
    // The text parses: formatting must keep its meaning and be idempotent.
    let printed = printer::format(text, &analysis.module, &analysis.comments);
    let second = parse(&printed);
    assert!(
        second.errors.is_empty(),
        "formatted text does not parse: {:?}\n--- input ---\n{text}\n--- formatted ---\n{printed}",
        second.errors
    );
    assert!(
        analysis.module == second.module,
        "formatting changed the tree\n--- input ---\n{text}\n--- formatted ---\n{printed}\n\
         --- tree before ---\n{:#?}\n--- tree after ---\n{:#?}",
        analysis.module,
        second.module
    );
    let again = printer::format(&printed, &second.module, &second.comments);
    assert!(
        printed == again,
        "formatting is not idempotent\n--- input ---\n{text}\n--- formatted once ---\n{printed}\n\
         --- formatted twice ---\n{again}"
    );
    let comment_texts = |t: &str, spans: &[Span]| -> Vec<String> {
        spans
            .iter()
            .map(|s| s.text(t).trim_end().to_string())
            .collect()
    };
    assert!(
        comment_texts(text, &analysis.comments) == comment_texts(&printed, &second.comments),
        "formatting lost or reordered comments\n--- input ---\n{text}\n--- formatted ---\n{printed}"
    );
    // And it must not change what the checks find.
    let formatted_file = SourceFile::new("fuzz.thr", printed.clone());
    let after = analyze(&formatted_file);
    let (codes_before, codes_after) = (codes(&analysis.problems), codes(&after.problems));
    assert!(
        codes_before == codes_after,
        "formatting changed the check results: {codes_before:?} became {codes_after:?}\n\
         --- input ---\n{text}\n--- formatted ---\n{printed}"
    );
}

/// What to leave out for an input that would trip a known, still open bug (see the
/// regression tests at the end).
#[derive(Debug, Clone, Copy, Default)]
struct Skip {
    /// Rendering the diagnostics.
    render: bool,
    /// The formatting checks.
    format: bool,
}

/// With `THR_FUZZ_SKIP_KNOWN` set, what to skip for inputs that would trip a known bug, so
/// that a long run can find new ones. The tests are crude; they only need to cover the
/// inputs the known bugs need. Without it, nothing is skipped.
fn known_bugs(text: &str) -> Skip {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    if !*ON.get_or_init(|| std::env::var_os("THR_FUZZ_SKIP_KNOWN").is_some()) {
        return Skip::default();
    }
    Skip {
        // regression_c1_control_character_before_a_label_renders
        render: text.chars().any(|c| ('\u{80}'..='\u{9f}').contains(&c)),
        // regression_fstring_field_starting_with_a_dict_formats,
        // regression_string_in_fstrings_of_both_quotes_formats and
        // regression_trailing_comment_ending_in_a_backslash_stays_on_its_line
        format: text.contains("{ {")
            || text.lines().any(|l| l.contains('#') && l.ends_with('\\'))
            || (text.contains("f\"")
                && text.contains("f'")
                && ["\\'", "\\\"", "\"'\"", "'\"'"]
                    .iter()
                    .any(|q| text.contains(q))),
    }
}

/// The sorted diagnostic codes of `problems`.
fn codes(problems: &[Problem]) -> Vec<String> {
    let mut codes: Vec<String> = problems
        .iter()
        .map(|p| p.code().map_or_else(String::new, |c| c.to_string()))
        .collect();
    codes.sort();
    codes
}

/// Renders every problem with its source, checking labels; the first few also coloured
/// and without source (rendering is the slow part, and those paths vary little).
fn render_all(problems: &[Problem], file: &SourceFile) {
    let plain = Renderer::new(false);
    let colour = Renderer::new(true);
    for (i, p) in problems.iter().enumerate() {
        let labelled = labels_in_text(p, &file.text);
        let out = plain.render(p, Some(file));
        // `Renderer::render` falls back to the bare message when miette fails; a report
        // with labels must have been drawn with its snippet instead (or, for a very long
        // line, with a note giving the line and column).
        let at = |open: &str| out.contains(&format!("{open}{}:", file.name));
        assert!(
            !labelled || at("[") || at("at "),
            "diagnostic rendered without its snippet: {p:?}\n{out}\n--- text ---\n{}",
            file.text
        );
        if i < 3 {
            colour.render(p, Some(file));
            plain.render(p, None);
        }
    }
}

/// Asserts that every label of `d` (and of its related diagnostics) lies inside `text` on
/// character boundaries; returns whether there were labels.
fn labels_in_text(d: &dyn Diagnostic, text: &str) -> bool {
    let mut any = false;
    for label in d.labels().into_iter().flatten() {
        any = true;
        let (start, end) = (label.offset(), label.offset() + label.len());
        assert!(
            end <= text.len() && text.is_char_boundary(start) && text.is_char_boundary(end),
            "label {start}..{end} ({:?}) is outside the text or splits a character \
             (text is {} bytes): {d:?}\n--- text ---\n{text}",
            label.label(),
            text.len()
        );
    }
    for related in d.related().into_iter().flatten() {
        any |= labels_in_text(related, text);
    }
    any
}

/// The property for raw bytes: loading never panics; what loads must hold as text.
fn bytes_hold(bytes: &[u8]) {
    match SourceFile::from_bytes("fuzz.thr", bytes.to_vec()) {
        Ok(file) => front_end_holds(&file.text),
        Err(e) => {
            let problem = Problem::from(e);
            Renderer::new(false).render(&problem, None);
            Renderer::new(true).render(&problem, None);
        }
    }
}

// ───────────────────────────── Running cases safely ─────────────────────────────

/// One input, as a strategy produces it.
#[derive(Clone)]
enum Input {
    Text(String),
    Bytes(Vec<u8>),
}

/// Stack size of the thread that runs a case: the main thread's on Linux, where `thr`
/// itself runs.
const CASE_STACK: usize = 8 << 20;

/// How long one case may take before it counts as a hang.
fn case_timeout() -> Duration {
    let secs = std::env::var("THR_FUZZ_TIMEOUT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if cfg!(debug_assertions) { 60 } else { 10 });
    Duration::from_secs(secs)
}

/// Name of the threads that run cases; their panics are reported as test failures, so the
/// panic hook stays quiet about them.
const CASE_THREAD: &str = "thr-fuzz-case";

fn quiet_case_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if thread::current().name() != Some(CASE_THREAD) {
                default(info);
            }
        }));
    });
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "(non-string panic payload)".into())
}

/// Runs the property on `input` on a fresh thread; `Err` describes a panic or a hang.
fn run_guarded(input: &Input, timeout: Duration) -> Result<Duration, String> {
    if let Ok(path) = std::env::var("THR_FUZZ_LAST") {
        let bytes = match input {
            Input::Text(t) => t.as_bytes(),
            Input::Bytes(b) => b,
        };
        // One file per test, as tests run in parallel.
        let test = thread::current()
            .name()
            .unwrap_or("main")
            .replace("::", "-");
        std::fs::write(format!("{path}.{test}"), bytes).expect("THR_FUZZ_LAST is writable");
    }
    let (tx, rx) = mpsc::channel();
    let owned = input.clone();
    let started = Instant::now();
    let handle = thread::Builder::new()
        .name(CASE_THREAD.into())
        .stack_size(CASE_STACK)
        .spawn(move || {
            match &owned {
                Input::Text(t) => front_end_holds(t),
                Input::Bytes(b) => bytes_hold(b),
            }
            let _ = tx.send(());
        })
        .expect("spawn a case thread");
    match rx.recv_timeout(timeout) {
        Ok(()) => {
            let took = started.elapsed();
            let _ = handle.join();
            Ok(took)
        }
        // The thread is left running; the process ends it when the tests are done.
        Err(mpsc::RecvTimeoutError::Timeout) => Err(format!("no result after {timeout:?}")),
        Err(mpsc::RecvTimeoutError::Disconnected) => match handle.join() {
            Err(payload) => Err(format!("panicked: {}", panic_message(&*payload))),
            Ok(()) => Err("case thread ended without a result".into()),
        },
    }
}

/// Total cases for the whole file: `THR_FUZZ_CASES`, default 3000.
fn total_cases() -> u32 {
    std::env::var("THR_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000)
}

/// A 32-byte ChaCha seed from `THR_FUZZ_SEED` (fixed by default) and the strategy's name.
fn seed_for(label: &str) -> [u8; 32] {
    let base: u64 = std::env::var("THR_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x7468_725f_6675_7a7a);
    // FNV-1a of the label, then splitmix64 to fill the seed.
    let mut state = label.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    }) ^ base;
    let mut seed = [0u8; 32];
    for chunk in seed.chunks_mut(8) {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        chunk.copy_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    seed
}

/// Runs `per_mille`/1000 of the total cases of `strategy`, deterministically, and fails
/// with the (shrunk) input on the first violation.
fn fuzz<S>(label: &str, per_mille: u32, strategy: S)
where
    S: Strategy,
    S::Value: Into<Input> + Clone,
{
    quiet_case_panics();
    let cases = (total_cases() as u64 * per_mille as u64 / 1000).max(1) as u32;
    let config = Config {
        cases,
        failure_persistence: None,
        rng_algorithm: RngAlgorithm::ChaCha,
        max_shrink_iters: 4096,
        max_shrink_time: 120_000,
        ..Config::default()
    };
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &seed_for(label));
    let mut runner = TestRunner::new_with_rng(config, rng);
    let timeout = case_timeout();
    // After a hang, later cases (the shrinker's) are skipped: each would leave another
    // thread spinning. The input that hung is reported as it is.
    let hung = Cell::new(false);
    let slowest: RefCell<(Duration, Option<Input>)> = RefCell::new((Duration::ZERO, None));
    let started = Instant::now();
    let result = runner.run(&strategy, |value| {
        if hung.get() {
            return Ok(());
        }
        let input: Input = value.into();
        match run_guarded(&input, timeout) {
            Ok(took) => {
                let mut s = slowest.borrow_mut();
                if took > s.0 {
                    *s = (took, Some(input));
                }
                Ok(())
            }
            Err(why) => {
                if why.starts_with("no result") {
                    hung.set(true);
                }
                Err(TestCaseError::fail(why))
            }
        }
    });
    let (slow, slow_input) = slowest.take();
    eprintln!(
        "fuzz {label}: {cases} cases in {:.2?} (slowest {slow:.2?}, {} bytes)",
        started.elapsed(),
        slow_input.as_ref().map_or(0, Input::len)
    );
    if let Some(input) = slow_input.filter(|_| std::env::var_os("THR_FUZZ_SHOW_SLOWEST").is_some())
    {
        eprintln!("fuzz {label}: slowest input: {}", input.show());
    }
    match result {
        Ok(()) => {}
        Err(TestError::Fail(why, value)) => {
            let shown = value.into().show();
            panic!("fuzz {label}: {why}\nminimal input: {shown}");
        }
        Err(TestError::Abort(why)) => panic!("fuzz {label}: aborted: {why}"),
    }
}

impl Input {
    fn len(&self) -> usize {
        match self {
            Input::Text(t) => t.len(),
            Input::Bytes(b) => b.len(),
        }
    }

    /// The input as a Rust literal, to paste into a regression test.
    fn show(&self) -> String {
        match self {
            Input::Text(t) => format!("{t:?}"),
            Input::Bytes(b) => format!("b\"{}\"", b.escape_ascii()),
        }
    }
}

impl From<String> for Input {
    fn from(s: String) -> Input {
        Input::Text(s)
    }
}

impl From<Vec<u8>> for Input {
    fn from(b: Vec<u8>) -> Input {
        Input::Bytes(b)
    }
}

// ───────────────────────────── Tokens ─────────────────────────────

const KEYWORDS: &[&str] = &[
    "and",
    "assert",
    "as",
    "break",
    "continue",
    "def",
    "del",
    "elif",
    "else",
    "except",
    "False",
    "finally",
    "for",
    "if",
    "in",
    "is",
    "lambda",
    "None",
    "not",
    "or",
    "pass",
    "raise",
    "return",
    "spawn",
    "True",
    "try",
    "while",
    "with", // contextual words
    "shared",
    "daemon",
    "thread",
    "bounded",
    "lifo",
    "priority",
    "semaphore",
    "queue",
    "lock",
    "rlock",
    "condition",
    "event",
    "barrier",
    "local",
    "pool",
    "is not",
    "not in",
];

const OPERATORS: &[&str] = &[
    "+", "-", "*", "/", "//", "%", "**", "<<", ">>", "&", "|", "^", "~", "<", ">", "<=", ">=",
    "==", "!=", "=", "+=", "-=", "*=", "/=", "//=", "%=", "**=", "&=", "|=", "^=", "<<=", ">>=",
    ":", ",", ".", "!", "@", "$", "?", "->", ":=", "...", "`", "\\", "=!", "*,", "**,",
];

const BRACKETS: &[&str] = &["(", ")", "[", "]", "{", "}"];

const NAMES: &[&str] = &[
    "x",
    "y",
    "n",
    "i",
    "item",
    "count",
    "guard",
    "jobs",
    "done",
    "data",
    "results",
    "worker",
    "f",
    "g",
    "t",
    "print",
    "range",
    "len",
    "sleep",
    "Thread",
    "Timer",
    "ValueError",
    "Empty",
    "acquire",
    "release",
    "put",
    "get",
    "wait",
    "notify",
    "join",
    "start",
    "submit",
    "result",
    "value",
    "maxsize",
    "self",
    "threading",
    "_",
    "__x",
    "é",
    "变量",
    "ǅ",
    "x1",
    "ALL_COMPLETED",
];

const NUMBERS: &[&str] = &[
    "0",
    "1",
    "42",
    "007",
    "1_000",
    "1__0",
    "1_",
    "0x",
    "0xff",
    "0XFF",
    "0x_f",
    "0o17",
    "0o8",
    "0b101",
    "0b2",
    "1.5",
    ".5",
    "5.",
    "1e3",
    "1E-3",
    "1e",
    "1e+",
    "1.5e3",
    "1_0.5e-3",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "99999999999999999999999999",
    "1e999",
    "1e-400",
    "0.1",
    "1j",
    "0xffffffffffffffffff",
];

const DURATIONS: &[&str] = &[
    "250ms", "1.5s", "10us", "1m", "2h", "3ns", "1e3s", ".5s", "0s", "1_000ms", "1ms2", "1sec",
    "5mss", "1e999h", "0x10ms", "1.s",
];

const STRINGS: &[&str] = &[
    "\"a\"",
    "'b'",
    "\"\"",
    "''",
    "r\"\\n\"",
    "R'\\d'",
    "\"tab\\there\"",
    "\"\\x41\"",
    "\"\\u00e9\"",
    "\"\\U0001F600\"",
    "\"\\N{BULLET}\"",
    "\"\\x4\"",
    "\"\\u12\"",
    "\"\\ud800\"",
    "\"\\U00110000\"",
    "\"\\q\"",
    "\"\\\"\"",
    "\"\\\\\"",
    "\"a\\\nb\"",
    "\"unterminated",
    "'also",
    "\"é ✓ 🎉\"",
    "b\"bytes\"",
    "\"\"\"triple\"\"\"",
    "\"\\0\"",
    "\"\\777\"",
];

const FSTRINGS: &[&str] = &[
    "f\"{x}\"",
    "f'{x}'",
    "f\"\"",
    "f\"{x!r}\"",
    "f\"{x!s:>10}\"",
    "f\"{x:.{n}f}\"",
    "f\"{x=}\"",
    "f\"{x = }\"",
    "f\"{x=!r:^5}\"",
    "f\"{{}}\"",
    "f\"{{x}}\"",
    "f\"{\"",
    "f\"}\"",
    "f\"{}\"",
    "f\"{x!z}\"",
    "f\"{x!}\"",
    "f\"{x:{y:{z}}}\"",
    "f\"{'s'}\"",
    "f'{\"s\"}'",
    "f\"{f'{x}'}\"",
    "f\"{[1, 2]}\"",
    "f\"{ {'a': 1}['a'] }\"",
    "f\"{lambda: 1}\"",
    "f\"{x if y else z}\"",
    "F\"{x}\"",
    "rf\"{x}\"",
    "f\"\\{x}\"",
    "f\"{x:\"",
    "f\"{x:}\"",
    "f\"{x\n}\"",
];

const SEPARATORS: &[&str] = &[
    "\n",
    ";",
    "\n\n",
    "\r\n",
    "\r",
    "\\\n",
    "# comment\n",
    "\t",
    "\x0c",
    " ",
    "",
];

/// One token of the language (or something close to one).
fn token() -> BoxedStrategy<String> {
    let pick = |list: &'static [&'static str]| select(list).prop_map(str::to_string);
    prop_oneof![
        4 => pick(KEYWORDS),
        4 => pick(OPERATORS),
        2 => pick(BRACKETS),
        5 => pick(NAMES),
        2 => "[a-zA-Z_][a-zA-Z0-9_]{0,8}",
        3 => pick(NUMBERS),
        1 => "[0-9][0-9_.eE+-]{0,6}",
        2 => pick(DURATIONS),
        2 => pick(STRINGS),
        2 => pick(FSTRINGS),
        3 => pick(SEPARATORS),
        1 => "[\\x00-\\x1f\\x7f\\u{feff}\\u{200b}\\u{2028}\\u{00a0}]",
        1 => any::<char>().prop_map(String::from),
    ]
    .boxed()
}

/// Sequences of tokens with mostly balanced brackets, so that many reach the parser.
fn token_soup() -> impl Strategy<Value = String> {
    let glue = select(&[" ", " ", " ", "", "\n", "; "][..]);
    let run = vec((token(), glue), 0..10)
        .prop_map(|toks| toks.into_iter().map(|(t, g)| t + g).collect::<String>());
    run.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            3 => vec(inner.clone(), 1..5).prop_map(|parts| parts.concat()),
            2 => (select(&[("(", ")"), ("[", "]"), ("{", "}"), ("f(", ")"), ("x[", "]"),
                           ("if x {", "}"), ("def f() {\n", "\n}"), ("thread t {\n", "\n}"),
                           ("f\"{", "}\""), ("{\n", "\n}")][..]),
                  inner)
                .prop_map(|((open, close), body)| format!("{open}{body}{close}")),
        ]
    })
}

// ───────────────────────────── Generated programs ─────────────────────────────

fn name() -> BoxedStrategy<String> {
    prop_oneof![
        8 => select(&["x", "y", "n", "i", "a", "b", "item", "count", "guard", "jobs", "done",
                      "data", "results", "worker", "f", "t", "total"][..]).prop_map(str::to_string),
        2 => select(&["print", "range", "len", "sleep", "Thread", "ValueError", "sorted",
                      "current_thread", "min", "str"][..]).prop_map(str::to_string),
        1 => select(&["lock", "queue", "thread", "shared", "pool", "daemon", "é", "_"][..])
            .prop_map(str::to_string),
    ]
    .boxed()
}

fn literal() -> BoxedStrategy<String> {
    prop_oneof![
        3 => (0i64..1000).prop_map(|n| n.to_string()),
        1 => select(&["0xff", "0o17", "0b101", "1_000", "9223372036854775807"][..])
            .prop_map(str::to_string),
        2 => select(&["1.5", ".5", "1e3", "2.5e-3", "0.1"][..]).prop_map(str::to_string),
        2 => select(&["250ms", "1.5s", "10us", "1m", "2h", "5ns"][..]).prop_map(str::to_string),
        2 => "[a-z ]{0,8}".prop_map(|s| format!("\"{s}\"")),
        1 => "[a-z]{0,5}".prop_map(|s| format!("'{s}'")),
        1 => select(&["\"a\\tb\"", "r\"\\d+\"", "\"\\x41\\u00e9\"", "\"q\\\"q\"", "'it\\'s'",
                      "\"é✓\"", "\"{braces}\""][..]).prop_map(str::to_string),
        1 => select(&["True", "False", "None"][..]).prop_map(str::to_string),
    ]
    .boxed()
}

fn comma<T: AsRef<str>>(items: &[T]) -> String {
    items
        .iter()
        .map(AsRef::as_ref)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Call arguments in a legal order: positional, `*`, keyword, `**`.
fn call_args(e: BoxedStrategy<String>) -> BoxedStrategy<String> {
    (
        vec(e.clone(), 0..3),
        proptest::option::weighted(0.15, e.clone()),
        vec((name(), e.clone()), 0..3),
        proptest::option::weighted(0.1, e),
        any::<bool>(),
    )
        .prop_map(|(pos, star, kws, dstar, trailing)| {
            let mut parts: Vec<String> = pos;
            parts.extend(star.map(|s| format!("*{s}")));
            let mut seen = Vec::new();
            for (k, v) in kws {
                if !seen.contains(&k) {
                    parts.push(format!("{k}={v}"));
                    seen.push(k);
                }
            }
            parts.extend(dstar.map(|d| format!("**{d}")));
            let trail = if trailing && !parts.is_empty() {
                ","
            } else {
                ""
            };
            format!("({}{trail})", comma(&parts))
        })
        .boxed()
}

fn params(e: BoxedStrategy<String>) -> BoxedStrategy<String> {
    (
        vec(name(), 0..3),
        vec((name(), e), 0..2),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(plain, defaults, star, dstar)| {
            let mut parts: Vec<String> = plain;
            parts.extend(defaults.into_iter().map(|(n, d)| format!("{n}={d}")));
            if star {
                parts.push("*rest".into());
            }
            if dstar {
                parts.push("**extra".into());
            }
            comma(&parts)
        })
        .boxed()
}

/// A loop or assignment target.
fn target() -> BoxedStrategy<String> {
    prop_oneof![
        6 => name(),
        1 => (name(), name()).prop_map(|(a, b)| format!("{a}, {b}")),
        1 => (name(), name()).prop_map(|(a, b)| format!("({a}, {b})")),
        1 => (name(), name(), name()).prop_map(|(a, b, c)| format!("[{a}, ({b}, {c})]")),
    ]
    .boxed()
}

/// Expressions that follow the grammar (though not necessarily the checks).
fn expr() -> BoxedStrategy<String> {
    let leaf = prop_oneof![3 => name(), 3 => literal()];
    leaf.prop_recursive(5, 40, 4, |e| {
        let binop = select(
            &[
                "+", "-", "*", "/", "//", "%", "**", "<<", ">>", "&", "|", "^", "<", ">", "<=",
                ">=", "==", "!=", "in", "not in", "is", "is not", "and", "or",
            ][..],
        );
        let unop = select(&["not ", "-", "+", "~", "- ", "not not "][..]);
        prop_oneof![
            4 => (e.clone(), binop, e.clone()).prop_map(|(a, op, b)| format!("{a} {op} {b}")),
            2 => (unop, e.clone()).prop_map(|(op, a)| format!("{op}{a}")),
            1 => (e.clone(), e.clone(), e.clone())
                .prop_map(|(a, b, c)| format!("{a} if {b} else {c}")),
            2 => e.clone().prop_map(|a| format!("({a})")),
            2 => vec(e.clone(), 0..4).prop_map(|v| format!("[{}]", comma(&v))),
            1 => vec(e.clone(), 0..4).prop_map(|v| match v.len() {
                1 => format!("({},)", v[0]),
                _ => format!("({})", comma(&v)),
            }),
            1 => vec((e.clone(), e.clone()), 0..3).prop_map(|v| {
                let items: Vec<String> = v.iter().map(|(k, x)| format!("{k}: {x}")).collect();
                format!("{{{}}}", comma(&items))
            }),
            1 => (e.clone(), target(), e.clone(), proptest::option::of(e.clone()))
                .prop_map(|(elt, t, it, cond)| match cond {
                    Some(c) => format!("[{elt} for {t} in {it} if {c}]"),
                    None => format!("[{elt} for {t} in {it}]"),
                }),
            1 => (e.clone(), e.clone(), target(), e.clone(), name(), e.clone())
                .prop_map(|(k, v, t, it, t2, it2)| {
                    format!("{{{k}: {v} for {t} in {it} for {t2} in {it2}}}")
                }),
            3 => (e.clone(), call_args(e.clone())).prop_map(|(f, a)| format!("{f}{a}")),
            2 => (e.clone(), name()).prop_map(|(v, a)| format!("{v}.{a}")),
            2 => (e.clone(), e.clone()).prop_map(|(v, i)| format!("{v}[{i}]")),
            1 => (
                e.clone(),
                proptest::option::of(e.clone()),
                proptest::option::of(e.clone()),
                proptest::option::of(e.clone()),
            )
                .prop_map(|(v, a, b, c)| {
                    let (a, b) = (a.unwrap_or_default(), b.unwrap_or_default());
                    match c {
                        Some(c) => format!("{v}[{a}:{b}:{c}]"),
                        None => format!("{v}[{a}:{b}]"),
                    }
                }),
            1 => (params(e.clone()), e.clone())
                .prop_map(|(p, b)| if p.is_empty() {
                    format!("(lambda: {b})")
                } else {
                    format!("(lambda {p}: {b})")
                }),
            1 => (name(), call_args(e.clone())).prop_map(|(f, a)| format!("spawn {f}{a}")),
            2 => (
                "[a-z ]{0,4}",
                e.clone(),
                select(&["", "!r", "!s", "!a"][..]),
                select(&["", ":>5", ":.2f", ":^{n}", ":{w}.{p}"][..]),
                any::<bool>(),
            )
                .prop_map(|(text, x, conv, spec, debug)| {
                    let x = x.replace('"', "'");
                    let eq = if debug { "=" } else { "" };
                    format!("f\"{text}{{{x}{eq}{conv}{spec}}}{{{{}}}}\"")
                }),
        ]
    })
    .boxed()
}

fn sep() -> BoxedStrategy<String> {
    prop_oneof![
        8 => Just("\n".to_string()),
        1 => Just("; ".to_string()),
        1 => Just("\n\n".to_string()),
        1 => "[a-z ]{0,10}".prop_map(|c| format!("  # {c}\n")),
        1 => Just("\n# a comment line\n".to_string()),
    ]
    .boxed()
}

fn block_of(stmts: Vec<(String, String)>) -> String {
    if stmts.is_empty() {
        return "{}".into();
    }
    let mut out = String::from("{\n");
    for (s, sep) in stmts {
        out.push_str(&s);
        out.push_str(&sep);
    }
    out.push('}');
    out
}

/// Statements, nested through their blocks.
fn stmt() -> BoxedStrategy<String> {
    let e = expr();
    let aug = select(
        &[
            "+=", "-=", "*=", "/=", "//=", "%=", "**=", "&=", "|=", "^=", "<<=", ">>=",
        ][..],
    );
    let exception = select(&["ValueError", "Empty", "KeyError", "Exception", "Nope"][..]);
    let simple = prop_oneof![
        4 => e.clone(),
        4 => (target(), e.clone()).prop_map(|(t, v)| format!("{t} = {v}")),
        1 => (target(), target(), e.clone()).prop_map(|(t, u, v)| format!("{t} = {u} = {v}")),
        1 => (name(), e.clone(), e.clone()).prop_map(|(n, i, v)| format!("{n}[{i}] = {v}")),
        1 => (name(), name(), e.clone()).prop_map(|(n, a, v)| format!("{n}.{a} = {v}")),
        2 => (name(), aug, e.clone()).prop_map(|(t, op, v)| format!("{t} {op} {v}")),
        1 => select(&["pass", "break", "continue", "return", "raise"][..])
            .prop_map(str::to_string),
        1 => e.clone().prop_map(|v| format!("return {v}")),
        1 => (e.clone(), proptest::option::of(e.clone())).prop_map(|(t, m)| match m {
            Some(m) => format!("assert {t}, {m}"),
            None => format!("assert {t}"),
        }),
        1 => (exception, e.clone()).prop_map(|(x, v)| format!("raise {x}({v})")),
        1 => vec(name(), 1..3).prop_map(|v| format!("del {}", comma(&v))),
    ];
    simple
        .prop_recursive(4, 24, 4, move |inner| {
            let body = vec((inner.clone(), sep()), 0..4).prop_map(block_of);
            let e = expr();
            let exception = select(&["ValueError", "Empty", "KeyError", "Exception"][..]);
            prop_oneof![
                2 => (e.clone(), body.clone(), vec((e.clone(), body.clone()), 0..2),
                      proptest::option::of(body.clone()), any::<bool>())
                    .prop_map(|(c, b, elifs, orelse, newline)| {
                        let gap = if newline { "\n" } else { " " };
                        let mut s = format!("if {c} {b}");
                        for (c, b) in elifs {
                            s.push_str(&format!("{gap}elif {c} {b}"));
                        }
                        if let Some(b) = orelse {
                            s.push_str(&format!("{gap}else {b}"));
                        }
                        s
                    }),
                1 => (e.clone(), body.clone()).prop_map(|(c, b)| format!("while {c} {b}")),
                2 => (target(), e.clone(), body.clone())
                    .prop_map(|(t, it, b)| format!("for {t} in {it} {b}")),
                1 => (vec((e.clone(), proptest::option::of(name())), 1..3), body.clone())
                    .prop_map(|(items, b)| {
                        let items: Vec<String> = items
                            .into_iter()
                            .map(|(x, alias)| match alias {
                                Some(a) => format!("{x} as {a}"),
                                None => x,
                            })
                            .collect();
                        format!("with {} {b}", comma(&items))
                    }),
                1 => (body.clone(), vec((vec(exception, 0..3), proptest::option::of(name()),
                                         body.clone()), 0..3),
                      proptest::option::of(body.clone()), proptest::option::of(body))
                    .prop_map(|(b, handlers, orelse, fin)| {
                        let mut s = format!("try {b}");
                        for (types, alias, hb) in handlers {
                            s.push_str(" except");
                            match types.len() {
                                0 => {}
                                1 => s.push_str(&format!(" {}", types[0])),
                                _ => s.push_str(&format!(" ({})", comma(&types))),
                            }
                            if let Some(a) = alias {
                                s.push_str(&format!(" as {a}"));
                            }
                            s.push_str(&format!(" {hb}"));
                        }
                        if let Some(o) = orelse {
                            s.push_str(&format!(" else {o}"));
                        }
                        if let Some(f) = fin {
                            s.push_str(&format!(" finally {f}"));
                        }
                        s
                    }),
            ]
        })
        .boxed()
}

/// A top-level item: a declaration or a statement of the main thread.
fn item() -> BoxedStrategy<String> {
    let e = expr();
    let body = vec((stmt(), sep()), 0..5).prop_map(block_of);
    prop_oneof![
        2 => (name(), e.clone()).prop_map(|(n, v)| format!("shared {n} = {v}")),
        2 => (select(&["lock", "rlock", "condition", "semaphore", "bounded semaphore", "event",
                       "barrier", "queue", "lifo queue", "priority queue", "local", "pool"][..]),
              name(), proptest::option::of(call_args(e.clone())))
            .prop_map(|(k, n, a)| format!("{k} {n}{}", a.unwrap_or_default())),
        2 => (name(), params(e), body.clone())
            .prop_map(|(n, p, b)| format!("def {n}({p}) {b}")),
        1 => (any::<bool>(), name(), body).prop_map(|(d, n, b)| {
            format!("{}thread {n} {b}", if d { "daemon " } else { "" })
        }),
        6 => stmt(),
    ]
    .boxed()
}

fn program() -> impl Strategy<Value = String> {
    vec((item(), sep()), 1..10)
        .prop_map(|items| items.into_iter().map(|(i, s)| i + &s).collect::<String>())
}

// ───────────────────────────── Pathological shapes ─────────────────────────────

/// Inputs at and around the parser's limits: deep nesting, long operator chains, long
/// lines, many items, many errors.
fn pathological() -> impl Strategy<Value = String> {
    let nest_kinds = select(
        &[
            ("(", ")"),
            ("[", "]"),
            ("{a: ", "}"),
            ("f(", ")"),
            ("[x for x in ", "]"),
            ("if x {\n", "\n}"),
            ("while x {\n", "\n}"),
            ("def f() {\n", "\n}"),
            ("(lambda: ", ")"),
            ("-(", ")"),
            ("x.y(", ")"),
            ("(1, ", ")"),
            ("f\"{", "}\""),
            ("a[", "]"),
        ][..],
    );
    let depth = prop_oneof![1usize..20, 90usize..=102];
    let nested = (
        vec(nest_kinds, 1..3),
        depth,
        select(&["1", "x", "", "x +", ")"][..]),
    )
        .prop_map(|(kinds, depth, core)| {
            let (mut open, mut close) = (String::new(), String::new());
            for i in 0..depth {
                let (o, c) = kinds[i % kinds.len()];
                open.push_str(o);
                close.insert_str(0, c);
            }
            format!("y = {open}{core}{close}\n")
        });
    let chain_parts = select(
        &[
            ("x", " + x"),
            ("x", " ** x"),
            ("x", " < x"),
            ("x", " and x"),
            ("", "not "),
            ("", "-"),
            ("", "~"),
            ("x", ".y"),
            ("f", "()"),
            ("x", "[0]"),
            ("x", " if x else x"),
            ("lambda: ", "x if x else "),
            ("", "(x) + "),
            ("x", " + (x)"),
        ][..],
    );
    let len = prop_oneof![1usize..50, 480usize..520, 990usize..1010, 1990usize..2010];
    let chain = (chain_parts, len).prop_map(|((head, part), n)| {
        let body = part.repeat(n);
        if head.is_empty() || head.ends_with(' ') {
            format!("y = {head}{body}x\n")
        } else {
            format!("y = {head}{body}\n")
        }
    });
    let many = (
        select(&["x = 1\n", "x +\n", "lock l\n", "def f() {}\n", "@\n", "}\n"][..]),
        1usize..1000,
    )
        .prop_map(|(line, n)| line.repeat(n));
    let long_line = (
        select(&["a", "\"", "é", "# ", "(", "[1, 2]"][..]),
        1usize..4000,
    )
        .prop_map(|(s, n)| format!("x = {}\n", s.repeat(n)));
    prop_oneof![3 => nested, 3 => chain, 1 => many, 1 => long_line]
}

// ───────────────────────────── Mutated scenarios ─────────────────────────────

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

/// The scenarios to mutate: `tests/scenarios/*.thr` and `examples/**/*.thr`, read now.
fn corpus() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    thr_files(&root.join("tests/scenarios"), &mut files);
    thr_files(&root.join("examples"), &mut files);
    let texts: Vec<String> = files
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    assert!(!texts.is_empty(), "no scenarios to mutate");
    texts
}

/// One random edit. Positions are [`Index`]es, resolved against the text as it is then.
#[derive(Debug, Clone)]
enum Edit {
    DeleteBytes(Index, u8),
    DuplicateBytes(Index, u8, Index),
    SwapBytes(Index, Index, u8),
    DeleteLine(Index),
    DuplicateLine(Index),
    SwapLines(Index, Index),
    MoveLine(Index, Index),
    Insert(Index, String),
    Truncate(Index),
    Replace(Index, char),
}

fn edit() -> impl Strategy<Value = Edit> {
    let at = any::<Index>;
    let punct = select(
        &[
            '(', ')', '[', ']', '{', '}', '"', '\'', '#', '\\', '\n', ';', ':', ',', '.', '=', ' ',
            'f', '\r', '\t',
        ][..],
    );
    prop_oneof![
        3 => (at(), 1u8..40).prop_map(|(i, n)| Edit::DeleteBytes(i, n)),
        2 => (at(), 1u8..80, at()).prop_map(|(i, n, j)| Edit::DuplicateBytes(i, n, j)),
        2 => (at(), at(), 1u8..40).prop_map(|(i, j, n)| Edit::SwapBytes(i, j, n)),
        3 => at().prop_map(Edit::DeleteLine),
        2 => at().prop_map(Edit::DuplicateLine),
        2 => (at(), at()).prop_map(|(i, j)| Edit::SwapLines(i, j)),
        2 => (at(), at()).prop_map(|(i, j)| Edit::MoveLine(i, j)),
        4 => (at(), (token(), select(&[" ", "", "\n"][..])))
            .prop_map(|(i, (t, g))| Edit::Insert(i, t + g)),
        1 => at().prop_map(Edit::Truncate),
        4 => (at(), punct).prop_map(|(i, c)| Edit::Replace(i, c)),
    ]
}

/// A char boundary of `s` at or before `i`.
fn floor(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The byte range of `n` bytes (rounded to characters) starting near `at`.
fn range(s: &str, at: &Index, n: u8) -> (usize, usize) {
    let start = floor(s, at.index(s.len() + 1));
    (start, floor(s, start + n as usize))
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut s = text.to_string();
    for e in edits {
        let lines =
            |s: &str| -> Vec<String> { s.split_inclusive('\n').map(String::from).collect() };
        match e {
            Edit::DeleteBytes(at, n) => {
                let (a, b) = range(&s, at, *n);
                s.replace_range(a..b, "");
            }
            Edit::DuplicateBytes(at, n, to) => {
                let (a, b) = range(&s, at, *n);
                let piece = s[a..b].to_string();
                let to = floor(&s, to.index(s.len() + 1));
                s.insert_str(to, &piece);
            }
            Edit::SwapBytes(i, j, n) => {
                let (a1, b1) = range(&s, i, *n);
                let (a2, b2) = range(&s, j, *n);
                if b1 <= a2 || b2 <= a1 {
                    let ((a1, b1), (a2, b2)) = if a1 < a2 {
                        ((a1, b1), (a2, b2))
                    } else {
                        ((a2, b2), (a1, b1))
                    };
                    s = format!(
                        "{}{}{}{}{}",
                        &s[..a1],
                        &s[a2..b2],
                        &s[b1..a2],
                        &s[a1..b1],
                        &s[b2..]
                    );
                }
            }
            Edit::DeleteLine(i) | Edit::DuplicateLine(i) => {
                let mut ls = lines(&s);
                if !ls.is_empty() {
                    let k = i.index(ls.len());
                    if matches!(e, Edit::DeleteLine(_)) {
                        ls.remove(k);
                    } else {
                        let line = ls[k].clone();
                        ls.insert(k, line);
                    }
                    s = ls.concat();
                }
            }
            Edit::SwapLines(i, j) | Edit::MoveLine(i, j) => {
                let mut ls = lines(&s);
                if !ls.is_empty() {
                    let (a, b) = (i.index(ls.len()), j.index(ls.len()));
                    if matches!(e, Edit::SwapLines(..)) {
                        ls.swap(a, b);
                    } else {
                        let line = ls.remove(a);
                        ls.insert(b.min(ls.len()), line);
                    }
                    s = ls.concat();
                }
            }
            Edit::Insert(at, tok) => {
                let at = floor(&s, at.index(s.len() + 1));
                s.insert_str(at, tok);
            }
            Edit::Truncate(at) => {
                let at = floor(&s, at.index(s.len() + 1));
                s.truncate(at);
            }
            Edit::Replace(at, c) => {
                if !s.is_empty() {
                    let a = floor(&s, at.index(s.len()));
                    let b = a + s[a..].chars().next().map_or(0, char::len_utf8);
                    s.replace_range(a..b, &c.to_string());
                }
            }
        }
    }
    s
}

fn mutated(corpus: Vec<String>) -> impl Strategy<Value = String> {
    (select(corpus), vec(edit(), 1..6)).prop_map(|(text, edits)| apply(&text, &edits))
}

// ───────────────────────────── The fuzz tests ─────────────────────────────
// Shares of the total, in thousandths.

#[test]
fn fuzz_arbitrary_strings() {
    fuzz(
        "strings",
        100,
        prop_oneof![
            any::<String>(),
            "[ -~\\t\\n\\r]{0,300}",
            "[(){}\\[\\]\"'#\\\\:;,.=a-z0-9 \\n]{0,200}",
        ],
    );
}

#[test]
fn fuzz_arbitrary_bytes() {
    fuzz(
        "bytes",
        50,
        prop_oneof![
            vec(any::<u8>(), 0..400),
            // Mostly text with the odd invalid byte, NUL or BOM.
            (
                "[ -~\\n]{0,200}",
                vec(
                    (
                        any::<Index>(),
                        select(&[0x00u8, 0xff, 0xc3, 0xe2, 0xef, 0x80][..])
                    ),
                    0..3
                )
            )
                .prop_map(|(text, bad)| {
                    let mut b = text.into_bytes();
                    for (at, byte) in bad {
                        let i = at.index(b.len() + 1);
                        b.insert(i, byte);
                    }
                    b
                }),
            "[ -~\\n]{0,200}".prop_map(|t| format!("\u{feff}{t}").into_bytes()),
        ],
    );
}

#[test]
fn fuzz_token_soup() {
    fuzz("soup", 250, token_soup());
}

#[test]
fn fuzz_generated_programs() {
    fuzz("programs", 200, program());
}

#[test]
fn fuzz_pathological_shapes() {
    fuzz("pathological", 100, pathological());
}

#[test]
fn fuzz_mutated_scenarios() {
    fuzz("mutations", 300, mutated(corpus()));
}

/// The unmutated scenarios themselves must hold too.
#[test]
fn corpus_holds() {
    for text in corpus() {
        front_end_holds(&text);
    }
}

// ───────────────────────────── Bugs found ─────────────────────────────
// Inputs the fuzzer found, minimised by hand. Each test failed when it was written and
// passes once its bug is fixed; fixed ones stay as regression tests.

/// `thr fmt` panics (`begin > end` slicing the source in `Printer::trailing_comment`): the
/// statement's span ends inside the trailing comment when the comment ends in blanks.
#[test]
fn regression_trailing_comment_ending_in_blanks_formats() {
    front_end_holds("if x {} # c \n");
}

/// Same cause, no panic: the comment moves to a line of its own above the statement.
#[test]
fn regression_trailing_comment_ending_in_blanks_stays_on_its_line() {
    let text = "x = 1  # c \n";
    let parsed = parse(text);
    assert!(parsed.errors.is_empty());
    assert_eq!(
        printer::format(text, &parsed.module, &parsed.comments),
        "x = 1  # c\n"
    );
}

/// `thr fmt` splits a long line at its first bracketed list even when that list is inside
/// an f-string's field, so the string spans lines and no longer parses.
#[test]
fn regression_long_line_does_not_split_inside_an_fstring() {
    front_end_holds(&format!("x = f\"{{[1, 2]}}\" + \"{}\"\n", "a".repeat(100)));
}

/// A trailing comment that ends in a backslash moves above its statement when formatted
/// (the statement's span runs into the comment: inside it, `\` and the line break read as a
/// line continuation). Without a line break after it, the first formatting keeps it in
/// place and the second moves it: formatting is not idempotent.
#[test]
fn regression_trailing_comment_ending_in_a_backslash_stays_on_its_line() {
    front_end_holds("x  # c:\\");
    let text = "x = 1  # see C:\\\n";
    let parsed = parse(text);
    assert!(parsed.errors.is_empty());
    assert_eq!(
        printer::format(text, &parsed.module, &parsed.comments),
        text
    );
}

/// `thr fmt` drops the space between a field's `{` and an expression that starts with a
/// dict, unless the whole expression is the dict: `{{` then reads as an escaped brace.
#[test]
fn regression_fstring_field_starting_with_a_dict_formats() {
    front_end_holds("x = f\"{ {1: 2}[1] }\"\n");
}

/// `thr fmt` prints a string that sits in an f-string inside an f-string with the one quote
/// left, `"`, which the outer f-string uses: `f"{f'{"'"}'}"` no longer parses (the scan sees
/// the string end early).
#[test]
fn regression_string_in_fstrings_of_both_quotes_formats() {
    front_end_holds("x = f\"{f'{'\\''}'}\"\n");
}

/// `thr check` panics (`Renderer::render` → `shorten`: "byte index is not a char boundary")
/// when the text has a C1 control character before a label: the renderer replaces control
/// characters with `?`, which is shorter than the 2-byte U+0080..U+009F, and then uses the
/// labels' offsets (into the original text) on the shortened text. Without a panic, labels
/// after such a character point one byte too far (`x = "\u{85}" + y`).
#[test]
fn regression_c1_control_character_before_a_label_renders() {
    front_end_holds("\u{80}é\n");
}

/// Parsing time doubles with each level of `a[a[...]]`: the grammar tries `slice` first, and
/// when no `:` follows it parses the index again as `expr_list`. At 16 levels it takes about
/// a second; nesting is allowed to 100 levels.
#[test]
fn regression_nested_subscripts_parse_in_linear_time() {
    let text = format!("y = {}1{}\n", "a[".repeat(16), "]".repeat(16));
    let limit = Duration::from_millis(100);
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let parsed = parse(&text);
        let _ = tx.send(parsed.errors.is_empty());
    });
    match rx.recv_timeout(limit) {
        Ok(parsed_clean) => assert!(parsed_clean),
        Err(_) => panic!("parsing 16 nested subscripts took over {limit:?}"),
    }
}
