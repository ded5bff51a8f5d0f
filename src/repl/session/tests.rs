//! Unit tests of the session (transcripts are in `tests/repl/`).

use std::sync::Arc;

use parking_lot::Mutex;

use super::{Mode, Options, Session};
use crate::repl::{Engine, Flow};
use crate::vm::world::{Output, Settings};

/// Collects everything written, stdout and stderr together.
#[derive(Default)]
struct Capture(Mutex<String>);

impl Output for Capture {
    fn out(&self, text: &str) {
        self.0.lock().push_str(text);
    }
    fn err(&self, text: &str) {
        self.0.lock().push_str(text);
    }
}

fn session(mode: Mode) -> (Session, Arc<Capture>) {
    let cap = Arc::new(Capture::default());
    let s = Session::new(Options {
        out: cap.clone(),
        color: false,
        mode,
        settings: Settings::default(),
        stack_size: crate::driver::DEFAULT_STACK_SIZE,
        max_steps: 100_000,
    });
    (s, cap)
}

fn take(cap: &Capture) -> String {
    std::mem::take(&mut *cap.0.lock())
}

#[test]
fn variables_persist_and_expressions_echo() {
    for mode in [Mode::Seeded(0), Mode::Free] {
        let (mut s, cap) = session(mode);
        s.feed("x = 5\n");
        s.feed("y = [x * 2 for i in range(2)]\n");
        s.feed("x + 1\n");
        s.feed("y\n");
        s.feed("None\n");
        assert_eq!(take(&cap), "6\n[10, 10]\n", "{mode:?}");
    }
}

#[test]
fn rejected_inputs_change_nothing() {
    let (mut s, cap) = session(Mode::Seeded(1));
    s.feed("lock guard\n");
    s.feed("lock guard\n");
    assert!(take(&cap).contains("guard"));
    s.feed("print(undefined_name)\n");
    assert!(take(&cap).contains("undefined_name"));
    s.feed("guard.locked()\n");
    assert_eq!(take(&cap), "False\n");
    assert!(s.failed());
}

#[test]
fn lambdas_see_later_assignments() {
    let (mut s, cap) = session(Mode::Seeded(0));
    s.feed("n = 1\n");
    s.feed("f = lambda: n + 1\n");
    s.feed("n = 10\n");
    s.feed("f()\n");
    assert_eq!(take(&cap), "11\n");
}

#[test]
fn needs_more_follows_the_parser() {
    let (s, _) = session(Mode::Seeded(0));
    assert!(s.needs_more("def f() {\n"));
    assert!(s.needs_more("x = (1,\n"));
    assert!(!s.needs_more("x = 1\n"));
    assert!(!s.needs_more(":help\n"));
}

#[test]
fn known_names_have_kinds() {
    let (mut s, _) = session(Mode::Seeded(0));
    s.feed("lock guard\nqueue q\ndef f() { pass }\nx = 1\n");
    let known = s.known();
    let kind = |n: &str| known.iter().find(|k| k.name == n).map(|k| k.kind);
    assert_eq!(kind("guard"), Some(Some(crate::lang::kinds::Kind::Lock)));
    assert_eq!(kind("q"), Some(Some(crate::lang::kinds::Kind::Queue)));
    assert_eq!(kind("f"), Some(None));
    assert_eq!(kind("x"), Some(None));
}

#[test]
fn quit_and_unknown_commands() {
    let (mut s, cap) = session(Mode::Seeded(0));
    assert_eq!(s.feed(":frob\n"), Flow::Continue);
    assert!(take(&cap).contains("unknown command `:frob`"));
    assert_eq!(s.feed(":quit\n"), Flow::Quit);
}

#[test]
fn interrupt_stops_a_blocked_input_in_free_mode() {
    let (mut s, cap) = session(Mode::Free);
    s.feed("event e\n");
    let stop = s.interrupter();
    let t = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(300));
        stop();
    });
    let start = std::time::Instant::now();
    s.feed("sleep(30)\n");
    t.join().unwrap();
    assert!(start.elapsed().as_secs() < 10);
    assert!(take(&cap).contains("KeyboardInterrupt"));
    s.feed("e.set()\n");
    s.feed("e.is_set()\n");
    assert_eq!(take(&cap), "True\n");
}

#[test]
fn a_free_mode_deadlock_is_reported_and_the_session_goes_on() {
    let (mut s, cap) = session(Mode::Free);
    s.feed("lock a\nlock b\n");
    s.feed("def grab(x, y) { with x { sleep(50ms); with y { pass } } }\n");
    s.feed("t1 = spawn grab(a, b); t2 = spawn grab(b, a)\n");
    s.feed("t1.join()\n");
    let text = take(&cap);
    assert!(
        text.contains("deadlock: threads wait for each other in a cycle"),
        "{text}"
    );
    assert!(text.contains("the input was stopped"), "{text}");
    s.feed("1 + 1\n");
    assert_eq!(take(&cap), "2\n");
}

#[test]
fn interrupt_stops_a_busy_loop() {
    for mode in [Mode::Free, Mode::Seeded(0)] {
        let (mut s, cap) = session(mode);
        let stop = s.interrupter();
        let t = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(300));
            stop();
        });
        s.feed("while True { pass }\n");
        t.join().unwrap();
        assert!(take(&cap).contains("KeyboardInterrupt"), "{mode:?}");
    }
}

/// Held by the tests that time Ctrl-C against real threads: a seeded session keeps a
/// core busy until it is interrupted, which on a small machine would slow a free-mode
/// session enough to upset its timing.
static TIMED: Mutex<()> = Mutex::new(());

/// Feeds `input`, interrupting it (Ctrl-C) after `ms` milliseconds.
fn feed_interrupted(s: &mut Session, input: &str, ms: u64) {
    let stop = s.interrupter();
    let t = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(ms));
        stop();
    });
    s.feed(input);
    t.join().unwrap();
}

/// Interrupts inputs that wait and checks what Python's `KeyboardInterrupt` does: `with`
/// releases its lock, `finally` runs, `except KeyboardInterrupt` catches it and `except
/// Exception` does not. `wait` is a call that blocks (the second `try` waits with it).
fn interrupt_cleanups(s: &mut Session, cap: &Capture, wait: &str) {
    s.feed("lock guard\nevent never\nt = spawn never.wait()\n");
    feed_interrupted(s, "with guard { t.join() }\n", 300);
    let text = take(cap);
    assert!(text.contains("KeyboardInterrupt"), "{text}");
    s.feed("guard.locked()\n");
    assert_eq!(take(cap), "False\n");
    let input = "try { never.wait() } finally { print(\"cleaned\") }\n";
    feed_interrupted(s, input, 300);
    assert_eq!(take(cap), "cleaned\nKeyboardInterrupt\n");
    let input = format!("try {{ {wait} }} except KeyboardInterrupt {{ print(\"caught\") }}\n");
    feed_interrupted(s, &input, 300);
    assert_eq!(take(cap), "caught\n");
    // `except Exception` does not catch it, as in Python.
    let input = format!("try {{ {wait} }} except Exception {{ print(\"wrong\") }}\n");
    feed_interrupted(s, &input, 300);
    assert_eq!(take(cap), "KeyboardInterrupt\n");
}

#[test]
fn interrupt_runs_with_exits_and_finally_blocks() {
    let _timed = TIMED.lock();
    let (mut s, cap) = session(Mode::Free);
    // A sleeper keeps the monitor from calling the waits below deadlocks.
    s.feed("sleeper = spawn sleep(600)\n");
    interrupt_cleanups(&mut s, &cap, "sleep(60)");
}

#[test]
fn an_interrupted_get_leaves_no_waiter_behind() {
    let _timed = TIMED.lock();
    let (mut s, cap) = session(Mode::Free);
    s.feed("sleeper = spawn sleep(600)\nqueue q\n");
    feed_interrupted(&mut s, "q.get()\n", 300);
    let text = take(&cap);
    assert!(text.contains("KeyboardInterrupt"), "{text}");
    s.feed("def take() { print(\"got\", q.get()) }\n");
    s.feed("t = spawn take()\nsleep(300ms)\n");
    s.feed("q.put(1)\nt.join(20)\n");
    s.feed("t.is_alive()\n");
    assert_eq!(take(&cap), "got 1\nFalse\n");
}

#[test]
fn an_interrupted_acquire_leaves_no_waiter_behind() {
    let _timed = TIMED.lock();
    let (mut s, cap) = session(Mode::Free);
    s.feed("sleeper = spawn sleep(600)\n");
    interrupted_acquire(s, &cap);
}

/// Ctrl-C during `guard.acquire()` while another thread holds `guard`: afterwards the
/// input is no longer among the lock's waiters, so another thread gets the lock when it is
/// released (in a session where a thread keeps the run from looking deadlocked).
fn interrupted_acquire(mut s: Session, cap: &Capture) {
    s.feed("lock guard\nevent go\n");
    s.feed("def hold() { with guard { go.wait() } }\n");
    s.feed("def grab() { with guard { print(\"grabbed\") } }\n");
    s.feed("h = spawn hold()\nsleep(200ms)\n");
    feed_interrupted(&mut s, "guard.acquire()\n", 300);
    let text = take(cap);
    assert!(text.contains("KeyboardInterrupt"), "{text}");
    s.feed("g = spawn grab()\nsleep(300ms)\n");
    s.feed(":objects\n");
    let objects = take(cap);
    assert!(!objects.contains("MainThread"), "{objects}");
    s.feed("go.set()\ng.join(20)\n");
    s.feed("g.is_alive()\n");
    assert_eq!(take(cap), "grabbed\nFalse\n");
}

#[test]
fn a_deadlocked_input_runs_its_cleanups() {
    let _timed = TIMED.lock();
    deadlocked_input(Mode::Free);
}

/// An input that waits on a thread caught in a lock-order deadlock is stopped with its
/// `finally` run and its `with` lock released, and leaves no waiter behind.
fn deadlocked_input(mode: Mode) {
    let (mut s, cap) = session(mode);
    s.feed("lock a\nlock b\nlock c\n");
    s.feed("def grab(x, y) { with x { sleep(50ms); with y { pass } } }\n");
    s.feed("t1 = spawn grab(a, b); t2 = spawn grab(b, a)\n");
    s.feed("with c { try { t1.join() } finally { print(\"cleaned\") } }\n");
    let text = take(&cap);
    assert!(text.contains("cleaned\n"), "{text}");
    assert!(text.contains("the input was stopped"), "{text}");
    s.feed("c.locked()\n");
    assert_eq!(take(&cap), "False\n");
    s.feed(":objects\n");
    let objects = take(&cap);
    assert!(!objects.contains("MainThread"), "{objects}");
}

#[test]
fn free_sessions_are_untraced_until_trace_on() {
    let (mut s, cap) = session(Mode::Free);
    assert!(s.world.tracer().is_none());
    s.feed("shared n = 0\nt = spawn print(\"hi\")\nt.join()\n");
    assert_eq!(take(&cap), "hi\n");
    assert!(s.world.tracer().is_none());
    s.feed(":trace on\n");
    if cfg!(feature = "trace") {
        assert!(s.world.tracer().is_some());
    }
    s.feed("n = 1\n");
    let text = take(&cap);
    if cfg!(feature = "trace") {
        assert!(text.contains("n"), "{text}");
        assert!(text.lines().count() >= 1, "{text}");
    }
    s.feed(":trace off\n");
    s.feed("n = 2\nprint(n)\n");
    assert_eq!(take(&cap), "2\n");
}

#[test]
fn a_repl_tracer_keeps_a_bounded_number_of_events() {
    let tracer = crate::trace::Tracer::bounded(false, 3);
    let span = crate::syntax::Span::default();
    for _ in 0..5 {
        tracer.record(1, || 0.0, span, crate::trace::Kind::Start);
    }
    assert_eq!(tracer.take().len(), 3);
    assert_eq!(tracer.take_dropped(), 2);
    tracer.set_paused(true);
    tracer.record(1, || 0.0, span, crate::trace::Kind::Start);
    assert!(tracer.take().is_empty());
}

#[test]
fn threads_of_a_replaced_session_print_nothing() {
    for command in [":reset\n", ":mode seeded 1\n"] {
        let (mut s, cap) = session(Mode::Free);
        s.feed("def late() { sleep(300ms); print(\"old\") }\nspawn late()\n");
        s.feed(command);
        std::thread::sleep(std::time::Duration::from_millis(1500));
        s.feed("print(\"new\")\n");
        let text = take(&cap);
        assert!(!text.contains("old"), "{command}: {text}");
        assert!(text.contains("new"), "{command}: {text}");
    }
}

/// A seeded session whose livelock guard does not stop an input before Ctrl-C does.
fn seeded_session() -> (Session, Arc<Capture>) {
    let cap = Arc::new(Capture::default());
    let s = Session::new(Options {
        out: cap.clone(),
        color: false,
        mode: Mode::Seeded(3),
        settings: Settings::default(),
        stack_size: crate::driver::DEFAULT_STACK_SIZE,
        max_steps: u64::MAX,
    });
    (s, cap)
}

/// A thread that never stops moving: the machine keeps stepping while the input waits.
const SPINNER: &str = "def spin() { while True { sleep(10ms) } }\nspinner = spawn spin()\n";

#[test]
fn a_seeded_interrupt_runs_with_exits_and_finally_blocks() {
    let _timed = TIMED.lock();
    let (mut s, cap) = seeded_session();
    s.feed(SPINNER);
    interrupt_cleanups(&mut s, &cap, "never.wait()");
}

#[test]
fn a_seeded_interrupted_acquire_leaves_no_waiter_behind() {
    let _timed = TIMED.lock();
    let (mut s, cap) = seeded_session();
    s.feed(SPINNER);
    interrupted_acquire(s, &cap);
}

#[test]
fn a_seeded_deadlocked_input_runs_its_cleanups() {
    deadlocked_input(Mode::Seeded(0));
}
