//! The REPL's terminal front end, on `rustyline`.
//!
//! [`run`] reads inputs and hands each complete one to the [`Engine`]:
//! - At a terminal: a line editor with history kept in a file (`history::path`),
//!   completion, hints and highlighting (`helper::ThrHelper`). An unfinished input (as the
//!   engine's parser decides) continues on a `... ` prompt. Output of background threads
//!   appears above the prompt (`output::TermOutput`).
//! - Otherwise (stdin is a file or a pipe): plain lines, no prompt, no colour, so a
//!   transcript depends only on its input.
//!
//! Keys: Ctrl-C at the prompt clears the line (or the unfinished block; on an empty `>>> `
//! it does nothing); while an input runs it calls the engine's interrupter. Ctrl-D on an
//! empty line ends the session like a scenario ends ([`Engine::exit`]): non-daemon threads
//! are waited for, and Ctrl-C or a second Ctrl-D abandons them. `:quit` leaves at once.

mod complete;
#[cfg(test)]
mod fake;
mod helper;
mod history;
pub mod interrupt;
mod lex;
mod output;
#[cfg(test)]
mod tests;

use std::io::{BufRead, IsTerminal, Read};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use parking_lot::RwLock;
use rustyline::config::{ColorMode, CompletionType, Config};
use rustyline::error::ReadlineError;
use rustyline::history::{FileHistory, History};
use rustyline::{Editor, EventHandler, KeyEvent};

use super::{Engine, Flow};
use crate::vm::world::{Output, StdOutput};
use helper::{CtrlC, KnownNames, ThrHelper};

/// The prompt for a new input.
pub const PROMPT: &str = ">>> ";
/// The prompt for the next line of an unfinished input.
pub const CONTINUATION: &str = "... ";
/// How many inputs the history keeps.
const HISTORY_SIZE: usize = 1000;
/// After this long waiting for threads at exit, say what is being waited for.
const EXIT_NOTICE_AFTER: Duration = Duration::from_millis(500);

/// Runs the REPL until `:quit`, Ctrl-D or the end of the input, and returns the process's
/// exit status: 0, 1 when the terminal could not be used, or the status `make_engine`
/// failed with.
///
/// The engine is made by `make_engine` once the output is known: at a terminal it is an
/// output that prints above the prompt, so the editor must exist before the engine. When
/// the engine can't be made (a file to load does not check, ...), `make_engine` reports why
/// and returns `Err(status)`. `color` says whether input may be highlighted (decided from
/// `--color` and `NO_COLOR`).
///
/// Meant for a terminal; when stdin is not one it falls back to [`run_plain`] (a caller
/// with its own plain loop and exit statuses calls `run` only at a terminal).
///
/// Installs the process's Ctrl-C handler (before `make_engine`, so that it is this one).
pub fn run(
    make_engine: impl FnOnce(Arc<dyn Output>) -> Result<Box<dyn Engine>, i32>,
    color: bool,
) -> i32 {
    interrupt::install();
    if !std::io::stdin().is_terminal() {
        return match make_engine(Arc::new(StdOutput)) {
            Ok(mut engine) => run_plain(engine.as_mut(), std::io::stdin().lock()),
            Err(status) => status,
        };
    }
    let config = Config::builder()
        .auto_add_history(false)
        .max_history_size(HISTORY_SIZE)
        .and_then(|c| c.history_ignore_dups(true))
        .map(|c| {
            c.completion_type(CompletionType::List)
                .color_mode(if color {
                    ColorMode::Enabled
                } else {
                    ColorMode::Disabled
                })
                .build()
        });
    let editor = config.and_then(Editor::<ThrHelper, FileHistory>::with_config);
    let mut editor = match editor {
        Ok(e) => e,
        Err(e) => {
            eprintln!("thr repl: cannot use the terminal: {e}");
            return 1;
        }
    };
    let known: KnownNames = Arc::new(RwLock::new(Vec::new()));
    editor.set_helper(Some(ThrHelper::new(known.clone(), color)));
    let pending = Arc::new(AtomicBool::new(false));
    editor.bind_sequence(
        KeyEvent::ctrl('C'),
        EventHandler::Conditional(Box::new(CtrlC {
            pending: pending.clone(),
        })),
    );
    let out: Arc<dyn Output> = match editor.create_external_printer() {
        Ok(printer) => Arc::new(output::TermOutput::new(Box::new(printer))),
        Err(_) => Arc::new(StdOutput),
    };
    let history = open_history(&mut editor);
    let mut engine = match make_engine(out) {
        Ok(engine) => engine,
        Err(status) => return status,
    };
    *known.write() = engine.known();
    let mut session = Interactive {
        editor,
        known,
        history,
        pending,
    };
    match session.read_eval(engine.as_mut()) {
        End::Quit => {
            engine.exit(true);
            0
        }
        End::Eof => {
            finish(engine.as_mut(), true);
            0
        }
        End::Broken => {
            finish(engine.as_mut(), false);
            1
        }
    }
}

/// How an interactive session ended.
enum End {
    /// `:quit`: the threads still running are left (as the engine's plain loop does).
    Quit,
    /// Ctrl-D: the session ends as a scenario ends.
    Eof,
    /// The terminal failed (said on stderr).
    Broken,
}

/// Finds the history file, creates its directory and loads it; `None` when history is off
/// or can't be kept (said once on stderr).
fn open_history(editor: &mut Editor<ThrHelper, FileHistory>) -> Option<PathBuf> {
    let path = history::path()?;
    if let Err(e) = history::prepare(&path) {
        eprintln!("thr repl: history not kept ({}): {e}", path.display());
        return None;
    }
    if path.exists()
        && let Err(e) = editor.load_history(&path)
    {
        eprintln!("thr repl: history not loaded ({}): {e}", path.display());
    }
    Some(path)
}

/// True for an input that is a `:command`, which is always one line.
fn is_command(text: &str) -> bool {
    text.trim_start().starts_with(':')
}

/// Runs one input with Ctrl-C armed to interrupt it.
fn feed(engine: &mut dyn Engine, input: &str) -> Flow {
    let _armed = interrupt::arm(engine.interrupter());
    engine.feed(input)
}

/// The editor's state across inputs.
struct Interactive {
    editor: Editor<ThrHelper, FileHistory>,
    known: KnownNames,
    history: Option<PathBuf>,
    /// Shared with the Ctrl-C key handler: an unfinished input waits for more.
    pending: Arc<AtomicBool>,
}

impl Interactive {
    /// Reads and runs inputs until the session ends.
    fn read_eval(&mut self, engine: &mut dyn Engine) -> End {
        let mut pending = String::new();
        loop {
            self.pending.store(!pending.is_empty(), Ordering::SeqCst);
            let prompt = if pending.is_empty() {
                PROMPT
            } else {
                CONTINUATION
            };
            match self.editor.readline(prompt) {
                Ok(line) => {
                    let Some(input) = gather(engine, &mut pending, &line) else {
                        continue;
                    };
                    self.remember(&input);
                    let flow = feed(engine, &input);
                    *self.known.write() = engine.known();
                    if flow == Flow::Quit {
                        return End::Quit;
                    }
                }
                // Ctrl-C at the prompt (on an empty line it does nothing, see `CtrlC`): drop
                // what was typed, including an unfinished block.
                Err(ReadlineError::Interrupted) => pending.clear(),
                // Ctrl-D in an unfinished block drops the block; at `>>> ` it ends.
                Err(ReadlineError::Eof) if !pending.is_empty() => pending.clear(),
                Err(ReadlineError::Eof) => return End::Eof,
                Err(e) => {
                    eprintln!("thr repl: terminal error: {e}");
                    return End::Broken;
                }
            }
        }
    }

    /// Adds `input` to the history and appends it to the history file.
    fn remember(&mut self, input: &str) {
        if !matches!(self.editor.add_history_entry(input), Ok(true)) {
            return;
        }
        if let Some(path) = &self.history
            && let Err(e) = self.editor.history_mut().append(path)
        {
            eprintln!("thr repl: history not saved ({}): {e}", path.display());
            self.history = None;
        }
    }
}

/// Reads inputs from `input` without an editor (stdin is not a terminal): lines are joined
/// until the parser finds the input finished; at the end, an unfinished input is run as it
/// is (the engine reports its syntax error), and the session ends as a scenario ends
/// (`:quit` leaves the threads still running instead). Returns 0.
pub fn run_plain(engine: &mut dyn Engine, input: impl BufRead) -> i32 {
    let mut pending = String::new();
    for line in input.lines() {
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                eprintln!("thr repl: cannot read the input: {e}");
                break;
            }
        };
        let Some(input) = gather(engine, &mut pending, &line) else {
            continue;
        };
        if feed(engine, &input) == Flow::Quit {
            engine.exit(true);
            return 0;
        }
    }
    if !pending.trim().is_empty() {
        feed(engine, &pending);
    }
    finish(engine, false);
    0
}

/// Adds `line` to the input being gathered in `pending`; returns the whole input once it
/// is complete (a command, or code the parser finds finished). Blank input is dropped.
fn gather(engine: &dyn Engine, pending: &mut String, line: &str) -> Option<String> {
    if !pending.is_empty() {
        pending.push('\n');
    }
    pending.push_str(line);
    if pending.trim().is_empty() {
        pending.clear();
        return None;
    }
    if !is_command(pending) && engine.needs_more(pending) {
        return None;
    }
    Some(std::mem::take(pending))
}

/// Ends the session as a scenario ends: waits for the non-daemon threads. Ctrl-C during the
/// wait interrupts it and abandons them; at a terminal, so does a second Ctrl-D, and after
/// a moment a line on stderr says what is being waited for.
fn finish(engine: &mut dyn Engine, terminal: bool) {
    let interrupter = engine.interrupter();
    let armed = interrupt::arm(interrupter.clone());
    let abandoned = Arc::new(AtomicBool::new(false));
    let (done, waiting) = std::sync::mpsc::channel::<()>();
    if terminal {
        // The terminal is back in cooked mode: Ctrl-D on an empty line makes a read return 0.
        let abandoned = abandoned.clone();
        let interrupt = interrupter.clone();
        let _ = std::thread::Builder::new()
            .name("thr-repl-eof".into())
            .spawn(move || {
                let mut buf = [0u8; 256];
                let mut stdin = std::io::stdin();
                loop {
                    match stdin.read(&mut buf) {
                        Ok(0) => {
                            abandoned.store(true, Ordering::SeqCst);
                            interrupt();
                            return;
                        }
                        Ok(_) => {}
                        Err(_) => return,
                    }
                }
            });
        let _ = std::thread::Builder::new()
            .name("thr-repl-notice".into())
            .spawn(move || {
                if waiting.recv_timeout(EXIT_NOTICE_AFTER)
                    == Err(std::sync::mpsc::RecvTimeoutError::Timeout)
                {
                    StdOutput
                        .err("waiting for threads to finish (Ctrl-C or Ctrl-D abandons them)\n");
                }
            });
    }
    engine.exit(false);
    drop(done);
    if armed.presses() > 0 || abandoned.load(Ordering::SeqCst) {
        engine.exit(true);
    }
}
