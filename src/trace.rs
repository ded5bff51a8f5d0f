//! Traces: every visible step as an [`Event`], and the things people read and look at made
//! from them: a step log ([`text`]), JSON Lines ([`jsonl`]), a Chrome trace ([`chrome`]), an
//! SVG timeline ([`svg`]) and contention statistics ([`stats`]).
//!
//! Recording is cheap and the same in both modes: each OS thread appends to its own buffer
//! (registered with the [`Tracer`], so nothing is lost when a daemon thread is abandoned),
//! and a global counter gives each event its place in the run's order. Renderers run once,
//! at the end, on the events sorted by that order. In seeded mode the events carry virtual
//! time and nothing machine-dependent, so every rendering is the same run after run.

pub mod chrome;
pub mod event;
pub mod jsonl;
pub mod spans;
pub mod stats;
pub mod svg;
pub mod text;

use std::cell::RefCell;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use parking_lot::Mutex;

pub use event::{Event, Kind, Outcome};

use crate::sync::wait::Tid;
use crate::syntax::Span;
use crate::vm::world::World;

/// The formats of `--trace`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// One aligned line per step.
    #[default]
    Text,
    /// One JSON object per line (schema in `docs/language.md`).
    Jsonl,
    /// Chrome Trace Event JSON, for Perfetto and chrome://tracing.
    Chrome,
}

/// Where the renderings go.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--trace` (`Some(None)`: standard error; `Some(Some(path))`: a file).
    pub trace: Option<Option<PathBuf>>,
    /// `--trace-format`.
    pub format: Format,
    /// `--timeline FILE.svg`.
    pub timeline: Option<PathBuf>,
    /// `--stats` (printed to standard error).
    pub stats: bool,
}

impl Options {
    /// True when anything is asked for, so events must be recorded.
    pub fn wanted(&self) -> bool {
        self.trace.is_some() || self.timeline.is_some() || self.stats
    }
}

type Buffer = Arc<Mutex<Vec<Event>>>;

/// Collects the events of one run.
pub struct Tracer {
    /// What to make of the events at the end.
    pub options: Options,
    /// True in seeded mode (virtual time; the timeline's axis counts steps).
    pub seeded: bool,
    next: AtomicU64,
    buffers: Mutex<Vec<Buffer>>,
    /// Set once the renderings are written (they are written once, even when a run stops
    /// from a monitor thread).
    done: Mutex<bool>,
    /// Threads with a `Block` event not yet ended by a call's completion (a seeded run
    /// polls a blocked call again after each wake-up; it blocks once).
    waiting: Mutex<Vec<bool>>,
    /// Most events one thread's buffer holds between two [`Tracer::take`]s (0: no
    /// bound); the REPL's tracer is bounded so that a thread running in the background
    /// while the session waits at the prompt cannot grow memory without end.
    bound: usize,
    /// Events not kept because a buffer was full, since the last [`Tracer::take_dropped`].
    dropped: AtomicU64,
    /// While set, nothing is recorded (the REPL's `:trace off`).
    paused: AtomicBool,
}

thread_local! {
    /// This OS thread's buffer, with the address of the tracer it belongs to.
    static LOCAL: RefCell<Option<(usize, Buffer)>> = const { RefCell::new(None) };
}

impl Tracer {
    /// A tracer writing what `options` ask for.
    pub fn new(options: Options, seeded: bool) -> Tracer {
        Tracer {
            options,
            seeded,
            next: AtomicU64::new(1),
            buffers: Mutex::new(Vec::new()),
            done: Mutex::new(false),
            waiting: Mutex::new(Vec::new()),
            bound: 0,
            dropped: AtomicU64::new(0),
            paused: AtomicBool::new(false),
        }
    }

    /// A tracer for a REPL session: it renders nothing at the end, and each thread's
    /// buffer keeps at most `bound` events between two [`Tracer::take`]s (later ones are
    /// counted by [`Tracer::take_dropped`]).
    pub fn bounded(seeded: bool, bound: usize) -> Tracer {
        Tracer {
            bound,
            ..Tracer::new(Options::default(), seeded)
        }
    }

    /// Stops (`true`) or resumes (`false`) recording.
    pub fn set_paused(&self, paused: bool) {
        self.paused.store(paused, Ordering::Relaxed);
    }

    /// How many events were not kept because a buffer was full, since the last call.
    pub fn take_dropped(&self) -> u64 {
        self.dropped.swap(0, Ordering::Relaxed)
    }

    /// Records that thread `tid` started waiting (once per blocking call).
    pub fn block(&self, tid: Tid, now: impl FnOnce() -> f64, span: Span, mut kind: Kind) {
        if let Kind::Block {
            deadline: Some(d), ..
        } = &mut kind
        {
            *d = whole_ns(*d);
        }
        {
            let mut w = self.waiting.lock();
            let i = tid as usize;
            if w.len() <= i {
                w.resize(i + 1, false);
            }
            if w[i] {
                return;
            }
            w[i] = true;
        }
        self.record(tid, now, span, kind);
    }

    /// Ends thread `tid`'s wait, if it was waiting; true if it was.
    pub fn unblock(&self, tid: Tid) -> bool {
        let mut w = self.waiting.lock();
        w.get_mut(tid as usize).map(std::mem::take).unwrap_or(false)
    }

    /// Records an event of thread `tid` at `span`, reading the clock with `now` just after
    /// the event takes its place in the order (so that, across threads, later steps
    /// rarely carry earlier times).
    pub fn record(&self, tid: Tid, now: impl FnOnce() -> f64, span: Span, kind: Kind) {
        if self.paused.load(Ordering::Relaxed) {
            return;
        }
        let step = self.next.fetch_add(1, Ordering::Relaxed);
        let time = whole_ns(now());
        let event = Event {
            step,
            time,
            tid,
            span,
            kind,
        };
        let me = self as *const Tracer as usize;
        LOCAL.with(|local| {
            let mut local = local.borrow_mut();
            match &*local {
                Some((owner, buf)) if *owner == me => {
                    let mut buf = buf.lock();
                    if self.bound > 0 && buf.len() >= self.bound {
                        self.dropped.fetch_add(1, Ordering::Relaxed);
                    } else {
                        buf.push(event);
                    }
                }
                _ => {
                    let buf: Buffer = Arc::new(Mutex::new(vec![event]));
                    self.buffers.lock().push(buf.clone());
                    *local = Some((me, buf));
                }
            }
        });
    }

    /// Every event so far, in order (the buffers are emptied).
    pub fn take(&self) -> Vec<Event> {
        let mut all: Vec<Event> = Vec::new();
        for b in self.buffers.lock().iter() {
            all.append(&mut b.lock());
        }
        all.sort_by_key(|e| e.step);
        all
    }

    /// Writes every rendering asked for (once); problems writing files are reported on
    /// standard error.
    pub fn finish(&self, world: &World) {
        {
            let mut done = self.done.lock();
            if *done {
                return;
            }
            *done = true;
        }
        let events = self.take();
        let names = thread_names(world);
        let o = &self.options;
        if let Some(dest) = &o.trace {
            let rendered = match o.format {
                Format::Text => text::render(world, &names, &events, self.seeded),
                Format::Jsonl => jsonl::render(world, &names, &events),
                Format::Chrome => chrome::render(world, &names, &events, self.seeded),
            };
            write_out(world, dest.as_ref(), &rendered);
        }
        if let Some(path) = &o.timeline {
            let svg = svg::render(world, &names, &events, self.seeded);
            write_out(world, Some(path), &svg);
        }
        if o.stats {
            world
                .out
                .err(&stats::render(world, &names, &events, self.seeded));
        }
    }
}

/// `x` seconds rounded to whole nanoseconds: a virtual clock that adds up sleeps of 0.01s
/// would otherwise show 0.10999999999999999 for 0.11.
fn whole_ns(x: f64) -> f64 {
    if x.is_finite() {
        (x * 1e9).round() / 1e9
    } else {
        x
    }
}

/// Thread names by tid, as they are at the end of the run.
pub fn thread_names(world: &World) -> Vec<String> {
    let threads = world.threads.lock();
    let mut names = Vec::new();
    for t in threads.iter() {
        if let Some(th) = t.as_thread() {
            let i = th.tid as usize;
            if names.len() <= i {
                names.resize(i + 1, String::new());
            }
            names[i] = t.display_name().to_string();
        }
    }
    names
}

/// The name of thread `tid` (`?` when unknown).
pub fn name_of(names: &[String], tid: Tid) -> &str {
    names
        .get(tid as usize)
        .filter(|n| !n.is_empty())
        .map_or("?", |n| n.as_str())
}

fn write_out(world: &World, path: Option<&PathBuf>, text: &str) {
    match path {
        None => world.out.err(text),
        Some(p) => {
            if let Err(e) = std::fs::write(p, text) {
                world
                    .out
                    .err(&format!("thr: cannot write {}: {e}\n", p.display()));
            }
        }
    }
}

/// The line of a span; `None` for the empty span that means "nowhere in particular".
pub fn line(world: &World, span: Span) -> Option<usize> {
    if span.is_empty() && span.start == 0 {
        return None;
    }
    thread_local! {
        /// Where each line of the last source looked at starts (renderers ask for the line
        /// of every event), keyed by the text's address.
        static STARTS: RefCell<(usize, Vec<u32>)> = const { RefCell::new((0, Vec::new())) };
    }
    let text = &world.source().text;
    STARTS.with(|cache| {
        let mut cache = cache.borrow_mut();
        let key = text.as_ptr() as usize;
        if cache.0 != key || cache.1.is_empty() {
            let mut starts = vec![0u32];
            starts.extend(text.match_indices('\n').map(|(i, _)| i as u32 + 1));
            *cache = (key, starts);
        }
        // The number of line starts at or before the span's start.
        Some(cache.1.partition_point(|&s| s <= span.start))
    })
}

/// `file:line` of a span (empty when it is nowhere in particular).
pub fn location(world: &World, span: Span) -> String {
    line(world, span).map_or_else(String::new, |l| format!("{}:{l}", world.source().name))
}
