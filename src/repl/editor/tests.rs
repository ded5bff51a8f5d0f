//! The editor's input loop, driven by the fake engine (the terminal part is tested through
//! a pseudo-terminal in `tests/repl_pty.rs`).

use std::io::Cursor;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use parking_lot::Mutex;

use super::fake::{Fake, Log};
use super::{interrupt, run_plain};
use crate::lang::kinds::Kind;
use crate::repl::Engine;
use crate::vm::world::Output;

/// Output kept for inspection.
#[derive(Default)]
struct Capture {
    out: Mutex<String>,
    err: Mutex<String>,
}

impl Output for Capture {
    fn out(&self, text: &str) {
        self.out.lock().push_str(text);
    }
    fn err(&self, text: &str) {
        self.err.lock().push_str(text);
    }
}

fn session(input: &str) -> (Log, Arc<Capture>, Vec<crate::repl::Known>) {
    let _turn = interrupt::TEST_TURN.lock();
    let log = Arc::new(Mutex::new(Log::default()));
    let capture = Arc::new(Capture::default());
    let mut fake = Fake::new(capture.clone(), log.clone());
    assert_eq!(run_plain(&mut fake, Cursor::new(input.to_string())), 0);
    let known = fake.known();
    let log = std::mem::take(&mut *log.lock());
    (log, capture, known)
}

#[test]
fn unfinished_inputs_continue_until_the_parser_is_satisfied() {
    let (log, _, known) = session(
        "def f(n) {\n    return [n,\n        2]\n}\n\nlock guard\ns = \"a{\"\nx = (1 +\n 2)\n",
    );
    assert_eq!(
        log.fed,
        vec![
            "def f(n) {\n    return [n,\n        2]\n}",
            "lock guard",
            "s = \"a{\"",
            "x = (1 +\n 2)",
        ]
    );
    assert_eq!(log.exits, vec![false]);
    assert!(
        known
            .iter()
            .any(|k| k.name == "guard" && k.kind == Some(Kind::Lock))
    );
}

#[test]
fn commands_are_one_line_and_quit_ends() {
    let (log, capture, _) = session(":load (\n:help\n:quit\nlock never\n");
    assert_eq!(log.fed, vec![":load (", ":help", ":quit"]);
    // `:quit` leaves the threads still running.
    assert_eq!(log.exits, vec![true]);
    assert!(capture.out.lock().contains("command :help"));
}

#[test]
fn an_unfinished_input_at_the_end_is_run_as_it_is() {
    let (log, capture, _) = session("x = 1\nthread t {\n    pass\n");
    assert_eq!(log.fed, vec!["x = 1", "thread t {\n    pass"]);
    assert!(capture.err.lock().contains("SyntaxError"));
}

#[test]
fn ctrl_c_interrupts_a_blocked_input_and_abandons_threads_at_exit() {
    let _turn = interrupt::TEST_TURN.lock();
    let log = Arc::new(Mutex::new(Log::default()));
    let capture = Arc::new(Capture::default());
    let mut fake = Fake::new(capture.clone(), log.clone());
    let done = Arc::new(AtomicBool::new(false));
    let presser = {
        let done = done.clone();
        std::thread::spawn(move || {
            while !done.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(100));
                interrupt::fire();
            }
        })
    };
    let input = "thread t { while True { sleep(0.05) } }\nt.join()\nlock after\n";
    assert_eq!(run_plain(&mut fake, Cursor::new(input)), 0);
    done.store(true, Ordering::SeqCst);
    presser.join().unwrap();
    let log = log.lock();
    assert_eq!(log.fed.len(), 3, "{:?}", log.fed);
    assert!(capture.err.lock().contains("KeyboardInterrupt"));
    // The first exit waited for `t`; Ctrl-C ended the wait and abandoned it.
    assert_eq!(log.exits, vec![false, true]);
}
