//! The REPL's engine: one growing scenario and its run (see [`Session`]).
//!
//! Every accepted input is appended to the session's text, named `<repl>`: the file given
//! to `thr repl FILE` is its first part. An input is parsed and checked together with
//! everything before it, so names declared earlier are defined, a second declaration of a
//! name is the usual duplicate-declaration error, and diagnostics and runtime errors point
//! at the session's line numbers (which `:load` and `FILE` share with the text before
//! them). Only then is the input compiled against the slots of the earlier inputs and run
//! in `MainThread`.

mod commands;
mod run;

use std::sync::Arc;

use crate::compile::repl::{Tables, compile_input};
use crate::diag::{Problem, Renderer};
use crate::driver::free::FreeSession;
use crate::driver::seeded::Machine;
use crate::lang::kinds::Kind;
use crate::repl::{Engine, Flow, Known};
use crate::source::SourceFile;
use crate::syntax::ast::StmtKind;
use crate::vm::func::{Cell, new_cell};
use crate::vm::world::{Output, Settings, World};

/// The most shared variables, and separately the most declarations, one session can hold
/// (the slot arrays of a run are fixed so that threads read them without locking).
pub const MAX_SLOTS: usize = 4096;

/// Most trace events one thread keeps between two inputs (later ones are counted, and
/// the count is shown, instead of holding memory without end).
pub const TRACE_BOUND: usize = 10_000;

/// The name diagnostics give the session's text.
pub const SOURCE_NAME: &str = "<repl>";

/// The commands, as `:help` lists them (also the end of `thr repl --help`).
pub const fn commands_help() -> &'static str {
    commands::HELP
}

/// How a session runs its threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Each thread on its own OS thread, in the background.
    Free,
    /// One thread moves at a time; the user (`:step`) or the seeded scheduler picks it.
    Seeded(u64),
}

/// How to make a session.
#[derive(Clone)]
pub struct Options {
    /// Where outputs, echoes and diagnostics go.
    pub out: Arc<dyn Output>,
    /// Whether diagnostics use colour.
    pub color: bool,
    /// Free or seeded.
    pub mode: Mode,
    /// `--max-threads`, `--speed` (free mode).
    pub settings: Settings,
    /// Native stack size of scenario threads in free mode.
    pub stack_size: usize,
    /// Most visible steps one input or `:run` may take in seeded mode.
    pub max_steps: u64,
}

/// The running side of a session.
enum Runner {
    Free(FreeSession),
    Seeded(Box<run::Seeded>),
}

/// A REPL session: one growing scenario, its run, and the commands around them.
pub struct Session {
    options: Options,
    /// The file loaded first (`thr repl FILE`, or the last `:load`), reloaded by `:reset`
    /// and `:mode`.
    file: Option<String>,
    /// The accepted inputs so far.
    text: String,
    tables: Tables,
    /// The main thread's variables, by cell (as `tables.main_names`).
    cells: Vec<Cell>,
    known: Vec<Known>,
    world: Arc<World>,
    runner: Runner,
    /// `:trace on`: show every step as it is taken.
    trace: bool,
    /// Set when an input was rejected or raised, or a deadlock was reported.
    failed: bool,
    /// Set by the interrupter (checked between steps).
    interrupt: Arc<std::sync::atomic::AtomicBool>,
    /// The world's output (closed when the session is replaced).
    gate: Arc<Gate>,
    /// The free run's own interrupter (which also stops a wait), kept current across
    /// `:reset` and `:mode` so that the front end's handle stays valid.
    free_hook: Arc<parking_lot::Mutex<Option<Hook>>>,
}

/// A free run's interrupter.
type Hook = Arc<dyn Fn() + Send + Sync>;

/// The output of a session's world, closed when a fresh session (`:reset`, `:mode`)
/// replaces it: the old session's threads, abandoned but still running in free mode,
/// then print nothing into the new one.
struct Gate {
    inner: Arc<dyn Output>,
    open: std::sync::atomic::AtomicBool,
}

impl Gate {
    fn is_open(&self) -> bool {
        self.open.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl Output for Gate {
    fn out(&self, text: &str) {
        if self.is_open() {
            self.inner.out(text);
        }
    }
    fn err(&self, text: &str) {
        if self.is_open() {
            self.inner.err(text);
        }
    }
}

impl Session {
    /// A fresh session (no file loaded).
    pub fn new(options: Options) -> Session {
        let program = Arc::new(crate::compile::compile(&Default::default()));
        let source = SourceFile {
            name: SOURCE_NAME.to_string(),
            text: Arc::from(""),
        };
        let gate = Arc::new(Gate {
            inner: options.out.clone(),
            open: true.into(),
        });
        let world = World::with_capacity(
            program,
            source,
            gate.clone(),
            options.settings.clone(),
            MAX_SLOTS,
        );
        // Seeded mode shows the steps of `:step`, so it is always traced (drained after
        // every step and command). Free mode is traced only from `:trace on`: a traced
        // thread runs the slower traced loop.
        if cfg!(feature = "trace") && matches!(options.mode, Mode::Seeded(_)) {
            world.set_tracer(Arc::new(crate::trace::Tracer::bounded(true, TRACE_BOUND)));
        }
        let runner = match options.mode {
            Mode::Free => Runner::Free(FreeSession::start(world.clone(), options.stack_size)),
            Mode::Seeded(seed) => Runner::Seeded(Box::new(run::Seeded::new(
                Machine::new_repl(world.clone(), seed),
                seed,
            ))),
        };
        Session {
            options,
            file: None,
            text: String::new(),
            tables: Tables::default(),
            cells: Vec::new(),
            known: Vec::new(),
            world,
            runner,
            trace: false,
            failed: false,
            interrupt: Arc::default(),
            gate,
            free_hook: Arc::default(),
        }
        .hooked()
    }

    /// Points the interrupter at this session's free run, if any.
    fn hooked(self) -> Session {
        *self.free_hook.lock() = match &self.runner {
            Runner::Free(f) => Some(f.interrupter()),
            Runner::Seeded(_) => None,
        };
        self
    }

    /// A session with `path` loaded first; `Err` holds the rendered problems when the file
    /// cannot be read or does not check (nothing of it is run then).
    pub fn with_file(options: Options, path: &str) -> Result<Session, String> {
        let mut s = Session::new(options);
        s.load(path)?;
        Ok(s)
    }

    /// True when any input was rejected, raised an uncaught error, or was caught in a
    /// deadlock, or a thread died with an error.
    pub fn failed(&self) -> bool {
        self.failed || self.world.failed.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// `:trace on|off`. A free-mode world gets its tracer at the first `:trace on`: the
    /// input's steps and those of threads started afterwards are traced (threads already
    /// running are not); `:trace off` pauses recording.
    fn set_trace(&mut self, on: bool) {
        self.trace = on;
        if !cfg!(feature = "trace") || !matches!(self.runner, Runner::Free(_)) {
            return;
        }
        if on && self.world.tracer().is_none() {
            self.world
                .set_tracer(Arc::new(crate::trace::Tracer::bounded(false, TRACE_BOUND)));
        }
        if let Some(t) = self.world.tracer() {
            t.set_paused(!on);
        }
    }

    /// The session's mode.
    pub fn mode(&self) -> Mode {
        self.options.mode
    }

    /// Loads `path` as an input; `Err` holds the rendered problems.
    fn load(&mut self, path: &str) -> Result<(), String> {
        let file = SourceFile::load(path)
            .map_err(|e| Renderer::new(self.options.color).render(&Problem::from(e), None))?;
        self.file = Some(path.to_string());
        if self.code(&file.text, false) {
            Ok(())
        } else {
            Err(String::new())
        }
    }

    fn out(&self, text: &str) {
        self.options.out.out(text);
    }

    fn err(&self, text: &str) {
        self.options.out.err(text);
    }

    /// Checks, compiles and runs one input of code; false when it was rejected.
    fn code(&mut self, input: &str, echo: bool) -> bool {
        if input.trim().is_empty() {
            return true;
        }
        let base = self.text.len();
        let mut full = String::with_capacity(base + input.len() + 1);
        full.push_str(&self.text);
        full.push_str(input);
        if !input.ends_with('\n') {
            full.push('\n');
        }
        if full.len() > crate::source::MAX_SOURCE_BYTES {
            self.err("thr: the session's text is too large; :reset starts afresh\n");
            return false;
        }
        let file = SourceFile {
            name: SOURCE_NAME.to_string(),
            text: Arc::from(full.as_str()),
        };
        let analysis = crate::diag::analyze(&file);
        let renderer = Renderer::new(self.options.color);
        let in_input = |p: &Problem| {
            use miette::Diagnostic;
            p.labels()
                .and_then(|mut l| l.next())
                .is_none_or(|l| l.offset() >= base)
        };
        let mine: Vec<&Problem> = analysis.problems.iter().filter(|p| in_input(p)).collect();
        let shown: Vec<&Problem> = if analysis.has_errors() && !mine.iter().any(|p| p.is_error()) {
            analysis.problems.iter().collect()
        } else {
            mine
        };
        for p in &shown {
            self.err(&renderer.render(*p, Some(&file)));
        }
        if analysis.has_errors() {
            self.failed = true;
            return false;
        }
        let items: Vec<_> = analysis
            .module
            .body
            .into_iter()
            .filter(|s| s.span.start as usize >= base)
            .collect();
        let before = self.tables.clone();
        let compiled = compile_input(&items, &mut self.tables, echo);
        if self.tables.shared_names.len() > MAX_SLOTS || self.tables.global_names.len() > MAX_SLOTS
        {
            self.tables = before;
            self.err(&format!(
                "thr: a session holds at most {MAX_SLOTS} shared variables and {MAX_SLOTS} declarations; :reset starts afresh\n"
            ));
            self.failed = true;
            return false;
        }
        for item in &items {
            let (name, kind) = match &item.node {
                StmtKind::Object { kind, name, .. } => (name, Some(Kind::of_object(*kind))),
                StmtKind::Thread { name, .. } => (name, Some(Kind::Thread)),
                StmtKind::Def(def) => (&def.name, None),
                StmtKind::Shared { name, .. } => (name, None),
                _ => continue,
            };
            self.known.push(Known {
                name: name.node.clone(),
                kind,
            });
        }
        while self.cells.len() < self.tables.main_names.len() {
            let name = self.tables.main_names[self.cells.len()].clone();
            self.known.push(Known { name, kind: None });
            self.cells.push(new_cell());
        }
        self.text = full;
        let echo_cell = compiled.echo as usize;
        let main = compiled.program.main.clone();
        self.world.replace_program(Arc::new(compiled.program), file);
        let mut frame = crate::vm::task::Frame::new(main, 0);
        frame.cells[..self.cells.len()].clone_from_slice(&self.cells);
        let echo = frame.cells[echo_cell].clone();
        self.run_input(frame);
        if let Some(v) = echo.lock().take()
            && !matches!(v, crate::vm::value::Value::None)
        {
            self.out(&format!("{}\n", crate::vm::format::repr_of(&v)));
        }
        true
    }
}

impl Engine for Session {
    fn feed(&mut self, input: &str) -> Flow {
        let trimmed = input.trim();
        if let Some(command) = trimmed.strip_prefix(':') {
            return self.command(command);
        }
        self.code(input, true);
        self.after_input();
        Flow::Continue
    }

    fn needs_more(&self, text: &str) -> bool {
        !text.trim_start().starts_with(':') && crate::syntax::parse(text).incomplete
    }

    fn known(&self) -> Vec<Known> {
        self.known.clone()
    }

    fn interrupter(&self) -> Arc<dyn Fn() + Send + Sync> {
        let flag = self.interrupt.clone();
        let hook = self.free_hook.clone();
        Arc::new(move || {
            flag.store(true, std::sync::atomic::Ordering::SeqCst);
            let free = hook.lock().clone();
            if let Some(f) = free {
                f();
            }
        })
    }

    fn exit(&mut self, abandon: bool) {
        if !abandon {
            self.join_all();
        }
    }
}

#[cfg(test)]
mod tests;
