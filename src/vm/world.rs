//! One run of a scenario: its program, shared variables, declared objects, live threads
//! and output. Every thread of the run holds an `Arc<World>`.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering::SeqCst};
use std::sync::{Arc, OnceLock};

use parking_lot::{Mutex, RwLock};

use super::value::Value;
use crate::compile::code::Program;
use crate::source::SourceFile;
use crate::sync::Object;
use crate::sync::wait::Tid;

/// Where a run's output goes. `print` writes each call's text whole.
pub trait Output: Send + Sync {
    /// Standard output.
    fn out(&self, text: &str);
    /// Standard error (uncaught errors, reports).
    fn err(&self, text: &str);
}

/// The process's stdout and stderr.
pub struct StdOutput;

impl Output for StdOutput {
    fn out(&self, text: &str) {
        use std::io::Write;
        let mut o = std::io::stdout().lock();
        let _ = o.write_all(text.as_bytes());
        let _ = o.flush();
    }
    fn err(&self, text: &str) {
        use std::io::Write;
        let mut e = std::io::stderr().lock();
        let _ = e.write_all(text.as_bytes());
        let _ = e.flush();
    }
}

/// Limits and knobs of a run.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Most threads that may be created (`--max-threads`).
    pub max_threads: u32,
    /// Sleeps and timeouts are divided by this (`--speed`).
    pub speed: f64,
    /// Whether diagnostics may use colour.
    pub color: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            max_threads: 10_000,
            speed: 1.0,
            color: false,
        }
    }
}

#[derive(Default)]
struct Counters {
    /// Python's global counter behind `Thread-N`.
    thread_names: u32,
    /// Python's counter behind `ThreadPoolExecutor-K`.
    pools: u32,
    futures: u32,
}

/// A running scenario.
pub struct World {
    /// The compiled program (replaced by the REPL at each input: see [`World::program`]).
    program: RwLock<Arc<Program>>,
    /// The scenario's text, for diagnostics (grows with each REPL input).
    source: RwLock<SourceFile>,
    /// Shared variables by slot.
    pub shared: Box<[super::shared::SharedCell]>,
    /// Declared objects, functions and threads by slot (set once, during set-up).
    pub globals: Box<[OnceLock<Value>]>,
    /// Started threads that have not finished, in start order.
    pub live: Mutex<Vec<Arc<Object>>>,
    /// Every thread created, in creation order.
    pub threads: Mutex<Vec<Arc<Object>>>,
    /// Every pool declared (shut down when the main thread ends).
    pub pools: Mutex<Vec<Arc<Object>>>,
    /// The output.
    pub out: Arc<dyn Output>,
    /// Limits and knobs.
    pub settings: Settings,
    /// Set when any thread ended with an uncaught error (exit status 1).
    pub failed: AtomicBool,
    /// Set when a limit stopped the run (exit status 4).
    pub limit_hit: Mutex<Option<String>>,
    counters: Mutex<Counters>,
    next_tid: AtomicU32,
    /// The run's tracer, when anything is traced (set before the run starts).
    tracer: OnceLock<Arc<crate::trace::Tracer>>,
}

impl World {
    /// A new run of `program`.
    pub fn new(
        program: Arc<Program>,
        source: SourceFile,
        out: Arc<dyn Output>,
        settings: Settings,
    ) -> Arc<World> {
        World::with_capacity(program, source, out, settings, 0)
    }

    /// A new run of `program` with room for at least `slots` shared variables and `slots`
    /// declarations: the REPL's scenario grows input by input, and the slot arrays are
    /// fixed so that the running threads read them without locking.
    pub fn with_capacity(
        program: Arc<Program>,
        source: SourceFile,
        out: Arc<dyn Output>,
        settings: Settings,
        slots: usize,
    ) -> Arc<World> {
        let shared = (0..program.shared_names.len().max(slots))
            .map(|_| super::shared::SharedCell::new(Value::None))
            .collect();
        let globals = (0..program.global_names.len().max(slots))
            .map(|_| OnceLock::new())
            .collect();
        Arc::new(World {
            program: RwLock::new(program),
            source: RwLock::new(source),
            shared,
            globals,
            live: Mutex::new(Vec::new()),
            threads: Mutex::new(Vec::new()),
            pools: Mutex::new(Vec::new()),
            out,
            settings,
            failed: AtomicBool::new(false),
            limit_hit: Mutex::new(None),
            counters: Mutex::new(Counters::default()),
            next_tid: AtomicU32::new(0),
            tracer: OnceLock::new(),
        })
    }

    /// The compiled program (for the REPL, the latest input's).
    pub fn program(&self) -> Arc<Program> {
        self.program.read().clone()
    }

    /// The scenario's text and name, for diagnostics.
    pub fn source(&self) -> SourceFile {
        self.source.read().clone()
    }

    /// Replaces the program and the text (the REPL, before running each input; the slot
    /// tables of `program` must extend the previous ones).
    pub fn replace_program(&self, program: Arc<Program>, source: SourceFile) {
        *self.program.write() = program;
        *self.source.write() = source;
    }

    /// A number for a new thread, or `None` past `--max-threads` (which counts the
    /// threads a scenario creates, not `MainThread`, number 0).
    pub fn new_tid(&self) -> Option<Tid> {
        let tid = self.next_tid.fetch_add(1, SeqCst);
        (tid <= self.settings.max_threads).then_some(tid)
    }

    /// The next `Thread-N` number.
    pub fn next_thread_number(&self) -> u32 {
        let mut c = self.counters.lock();
        c.thread_names += 1;
        c.thread_names
    }

    /// The next pool number (for `ThreadPoolExecutor-K`).
    pub fn next_pool_number(&self) -> u32 {
        let mut c = self.counters.lock();
        let n = c.pools;
        c.pools += 1;
        n
    }

    /// A name for a new future.
    pub fn next_future_name(&self) -> String {
        let mut c = self.counters.lock();
        c.futures += 1;
        format!("Future-{}", c.futures)
    }

    /// The value of global `slot` (a prelude function, declared object, ...).
    pub fn global(&self, slot: u32) -> Value {
        self.globals[slot as usize]
            .get()
            .cloned()
            .unwrap_or(Value::None)
    }

    /// The prelude function `name`.
    pub fn prelude(&self, name: &str) -> Value {
        match crate::compile::prelude_function(name) {
            Some(code) => Value::Func(super::func::Function::new(code, Vec::new(), Vec::new())),
            None => Value::None,
        }
    }

    /// Registers a thread that has just started.
    pub fn thread_started(&self, t: &Arc<Object>) {
        self.live.lock().push(t.clone());
    }

    /// Removes a finished thread from the live list.
    pub fn thread_finished(&self, t: &Arc<Object>) {
        self.live.lock().retain(|x| !Arc::ptr_eq(x, t));
    }

    /// Traces the run with `tracer` (before it starts).
    pub fn set_tracer(&self, tracer: Arc<crate::trace::Tracer>) {
        let _ = self.tracer.set(tracer);
    }

    /// The tracer, when the run is traced.
    #[inline]
    pub fn tracer(&self) -> Option<&Arc<crate::trace::Tracer>> {
        self.tracer.get()
    }

    /// The thread object with number `tid`.
    pub fn thread_by_tid(&self, tid: Tid) -> Option<Arc<Object>> {
        self.threads
            .lock()
            .iter()
            .find(|t| t.as_thread().is_some_and(|x| x.tid == tid))
            .cloned()
    }
}
