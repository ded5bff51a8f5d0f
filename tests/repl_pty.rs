//! `thr repl` at a terminal, driven through a pseudo-terminal as a person would use it:
//! prompts, multi-line input, completion, output of background threads, Ctrl-C, Ctrl-D and
//! history across runs. Each test makes its own pseudo-terminal, so CI needs no terminal.
//!
//! Timeouts are generous (slow CI machines); the screen is read with ANSI escapes removed,
//! and `NO_COLOR` is set so that matched text is plain.

#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use rexpect::process::WaitStatus;
use rexpect::session::{Options, PtySession, spawn_with_options};

/// Each `exp_*` waits at most this long.
const TIMEOUT_MS: u64 = 10_000;
/// The Up arrow, as a terminal in normal mode sends it.
const UP: &str = "\x1b[A";

/// A fresh directory for one test's history and home.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("thr-repl-pty-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// `thr repl` in a pseudo-terminal, with its history in `history` (`None`: disabled).
fn repl(home: &Path, history: Option<&Path>) -> PtySession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_thr"));
    cmd.arg("repl")
        .env("TERM", "xterm")
        .env("NO_COLOR", "1")
        .env("HOME", home)
        .env_remove("XDG_STATE_HOME")
        .env(
            "THR_HISTORY",
            history.map_or(String::new(), |h| h.display().to_string()),
        );
    let options = Options::new()
        .timeout_ms(Some(TIMEOUT_MS))
        .strip_ansi_escape_codes(true);
    let mut p = spawn_with_options(cmd, options).expect("spawn thr repl");
    p.exp_string(">>> ").expect("first prompt");
    p
}

/// Waits for a new `>>> ` prompt: one on a line of its own, not a redraw of the line being
/// edited (which also starts with `>>> `). Keys sent before it shows may reach the terminal
/// while an input runs, in cooked mode, where a Ctrl-D is not a key.
fn prompt(p: &mut PtySession) {
    p.exp_regex(r"\n\r*>>> ").expect("a new prompt");
}

/// Waits for a new `... ` prompt (see [`prompt`]).
fn continuation(p: &mut PtySession) {
    p.exp_regex(r"\n\r*\.\.\. ").expect("a continuation prompt");
}

/// Types `line` and Enter.
fn line(p: &mut PtySession, text: &str) {
    p.send_line(text).expect("send");
    p.flush().expect("flush");
}

/// Types `text` without Enter.
fn keys(p: &mut PtySession, text: &str) {
    p.send(text).expect("send");
    p.flush().expect("flush");
}

/// Ctrl-D at the prompt, then the process ends with status 0.
fn ctrl_d_exits_0(mut p: PtySession) {
    p.send_control('d').expect("ctrl-d");
    p.exp_eof().expect("the session ends");
    exited_0(&p);
}

/// The process has ended with status 0.
fn exited_0(p: &PtySession) {
    let status = p.process().wait().expect("wait");
    assert!(matches!(status, WaitStatus::Exited(_, 0)), "{status:?}");
}

#[test]
fn prompt_and_ctrl_d_exit() {
    let dir = scratch("exit");
    let mut p = repl(&dir, None);
    line(&mut p, "lock guard");
    prompt(&mut p);
    ctrl_d_exits_0(p);
}

#[test]
fn unfinished_blocks_continue_on_a_dots_prompt() {
    let dir = scratch("multi");
    let mut p = repl(&dir, None);
    line(&mut p, "def f(n) {");
    continuation(&mut p);
    line(&mut p, "    xs = [n,");
    continuation(&mut p);
    line(&mut p, "        2]");
    continuation(&mut p);
    line(&mut p, "}");
    prompt(&mut p);
    // A complete one-liner doesn't continue.
    line(&mut p, "thread t { pass }");
    prompt(&mut p);
    ctrl_d_exits_0(p);
}

#[test]
fn ctrl_c_at_the_prompt_clears_the_line_and_the_block() {
    let dir = scratch("ctrlc-prompt");
    let mut p = repl(&dir, None);
    // On an empty prompt Ctrl-C does nothing: no new line, no new prompt.
    p.send_control('c').expect("ctrl-c");
    line(&mut p, "lock a");
    let (before, _) = p.exp_regex(r"\n\r*>>> ").expect("a new prompt");
    assert!(before.contains("lock a"), "{before:?}");
    // With text typed, it drops the line.
    keys(&mut p, "half typed");
    p.exp_string("half typed").expect("echo");
    p.send_control('c').expect("ctrl-c");
    prompt(&mut p);
    // In an unfinished block, it drops the block.
    line(&mut p, "def g() {");
    continuation(&mut p);
    p.send_control('c').expect("ctrl-c");
    prompt(&mut p);
    ctrl_d_exits_0(p);
}

#[test]
fn tab_completes_declared_names_and_methods_of_their_kind() {
    let dir = scratch("complete");
    let mut p = repl(&dir, None);
    line(&mut p, "lock guard");
    prompt(&mut p);
    keys(&mut p, "gu\t");
    p.exp_string("guard").expect("gu<TAB> completes to guard");
    keys(&mut p, ".\t\t");
    p.exp_string("acquire").expect("lock methods listed");
    p.exp_string("locked").expect("lock methods listed");
    p.exp_string("release").expect("lock methods listed");
    // The list is printed under the line, which is drawn again below it.
    p.exp_string(">>> guard.")
        .expect("line redrawn under the list");
    // Finish the call so the line is valid, then leave.
    keys(&mut p, "locked()\r");
    prompt(&mut p);
    ctrl_d_exits_0(p);
}

#[test]
fn background_output_appears_above_the_prompt() {
    let dir = scratch("background");
    let mut p = repl(&dir, None);
    line(
        &mut p,
        "thread bg { sleep(300ms); print(\"from the background\") }",
    );
    prompt(&mut p);
    keys(&mut p, "gua");
    p.exp_string("from the background").expect("thread output");
    // The half-typed line is drawn again under it, intact.
    p.exp_string(">>> gua").expect("line redrawn");
    keys(&mut p, "\x15"); // Ctrl-U: clear the line
    ctrl_d_exits_0(p);
}

#[test]
fn ctrl_c_interrupts_a_blocked_join() {
    let dir = scratch("ctrlc-join");
    let mut p = repl(&dir, None);
    line(&mut p, "thread t { while True { sleep(0.05) } }");
    prompt(&mut p);
    line(&mut p, "t.join()");
    p.exp_string("t.join()").expect("echo");
    // Let the join start blocking, then interrupt it.
    std::thread::sleep(Duration::from_millis(500));
    p.send_control('c').expect("ctrl-c");
    prompt(&mut p);
    // The session still works; `t` still runs, so Ctrl-D waits and a second one abandons it.
    line(&mut p, "lock after");
    prompt(&mut p);
    p.send_control('d').expect("ctrl-d");
    p.exp_string("waiting for threads")
        .expect("says what it waits for");
    p.send_control('d').expect("second ctrl-d");
    p.exp_eof().expect("the session ends");
    exited_0(&p);
}

#[test]
fn ctrl_c_while_exiting_abandons_threads() {
    let dir = scratch("ctrlc-exit");
    let mut p = repl(&dir, None);
    line(&mut p, "thread t { while True { sleep(0.05) } }");
    prompt(&mut p);
    p.send_control('d').expect("ctrl-d");
    p.exp_string("waiting for threads").expect("waits");
    p.send_control('c').expect("ctrl-c");
    p.exp_eof().expect("the session ends");
    exited_0(&p);
}

#[test]
fn history_is_kept_across_runs() {
    let dir = scratch("history");
    let file = dir.join("state/history");
    let mut p = repl(&dir, Some(&file));
    line(&mut p, "lock first");
    prompt(&mut p);
    line(&mut p, "event second");
    prompt(&mut p);
    // Up recalls the previous input in the same run.
    keys(&mut p, UP);
    p.exp_string("event second")
        .expect("Up recalls the last input");
    keys(&mut p, "\x15");
    ctrl_d_exits_0(p);
    let saved = std::fs::read_to_string(&file).expect("history file written");
    assert!(
        saved.contains("lock first") && saved.contains("event second"),
        "{saved}"
    );

    let mut p = repl(&dir, Some(&file));
    keys(&mut p, UP);
    p.exp_string("event second")
        .expect("history from the last run");
    keys(&mut p, UP);
    p.exp_string("lock first").expect("and the one before");
    keys(&mut p, "\x15");
    ctrl_d_exits_0(p);
    let _ = std::fs::remove_dir_all(&dir);
}
