//! What a run tells the user when it stops early or a thread fails: the uncaught-error
//! report, and the per-thread picture used for deadlocks, Ctrl-C and limits.

use std::collections::BTreeMap;
use std::sync::Arc;

use miette::{LabeledSpan, MietteDiagnostic, Severity};

use crate::diag::Renderer;
use crate::sync::wait::{Tid, WaitInfo};
use crate::sync::{Body, Object};
use crate::syntax::Span;
use crate::vm::exc::Exc;
use crate::vm::world::World;

/// What one thread was doing when the run stopped.
#[derive(Clone)]
pub struct ThreadState {
    /// Its number.
    pub tid: Tid,
    /// Its name.
    pub name: String,
    /// Blocked (or sleeping) in a call, if so.
    pub blocked: Option<WaitInfo>,
    /// Where it is (the call it is in, or its next step).
    pub span: Span,
}

/// What the REPL's main thread waits for between inputs (shown as "at the prompt").
pub const AT_PROMPT: &str = "for input at the prompt";

/// Renders the report of an error no handler caught in thread `thread`.
pub fn uncaught(world: &World, thread: &str, e: &Exc) -> String {
    let trace = e.traceback.lock().clone();
    let mut labels = Vec::new();
    for (i, t) in trace.iter().enumerate() {
        let text = if i == 0 {
            "raised here".to_string()
        } else {
            format!("in `{}`, called from here", trace[i - 1].function)
        };
        if t.span.end > 0 || t.span.start > 0 {
            labels.push(LabeledSpan::new_with_span(Some(text), t.span));
        }
    }
    let diag = MietteDiagnostic::new(e.headline())
        .with_code(format!("thr::run::{}", e.kind.name()))
        .with_labels(labels);
    let renderer = Renderer::new(world.settings.color);
    format!(
        "Exception in thread {thread}:\n{}",
        renderer.render(&diag, Some(&world.source()))
    )
}

/// The object a thread waits for, and who holds it (for locks) or is awaited (for joins).
fn holder(world: &World, obj: &Arc<Object>) -> Option<Tid> {
    match &obj.body {
        Body::Lock(l) => l.owner(),
        Body::RLock(r) => r.owner(),
        Body::Condition(_) => None,
        Body::Thread(t) => Some(t.tid).filter(|_| !t.finished()),
        _ => None,
    }
    .filter(|_| world.thread_by_tid(0).is_some())
}

/// Follows "waits for a lock held by" and "joins" edges from each blocked thread; returns
/// the first cycle found, as thread numbers in order.
pub fn find_cycle(world: &World, states: &[ThreadState]) -> Option<Vec<Tid>> {
    let next = |tid: Tid| -> Option<Tid> {
        let s = states.iter().find(|s| s.tid == tid)?;
        let info = s.blocked.as_ref()?;
        if info.deadline.is_some() {
            return None;
        }
        holder(world, info.object.as_ref()?)
    };
    for start in states.iter().map(|s| s.tid) {
        let mut path = vec![start];
        let mut cur = start;
        while let Some(n) = next(cur) {
            if let Some(at) = path.iter().position(|&p| p == n) {
                return Some(path[at..].to_vec());
            }
            path.push(n);
            cur = n;
        }
    }
    None
}

/// The display name of thread `tid`, also when it has finished (a finished thread may
/// still hold a lock).
fn name_of(world: &World, states: &[ThreadState], tid: Tid) -> String {
    if let Some(s) = states.iter().find(|s| s.tid == tid) {
        return s.name.clone();
    }
    world.thread_by_tid(tid).map_or_else(
        || format!("thread {tid}"),
        |t| format!("{} (finished)", t.display_name()),
    )
}

/// The per-thread picture: one line per thread, then the blocked calls underlined.
pub fn picture(
    world: &World,
    headline: &str,
    code: &str,
    states: &[ThreadState],
    cycle: Option<&[Tid]>,
) -> String {
    let width = states.iter().map(|s| s.name.len()).max().unwrap_or(0);
    let mut out = format!("thr: {headline}\n");
    let source = world.source();
    let line_of = |span: Span| source.text[..span.start as usize].matches('\n').count() + 1;
    for s in states {
        let call = s.span.text(&source.text).lines().next().unwrap_or("");
        let what = match &s.blocked {
            Some(info) => {
                let held = info
                    .object
                    .as_ref()
                    .and_then(|o| match &o.body {
                        Body::Lock(_) | Body::RLock(_) => holder(world, o)
                            .map(|h| format!(", held by {}", name_of(world, states, h))),
                        _ => None,
                    })
                    .unwrap_or_default();
                if info.what == AT_PROMPT {
                    "at the prompt (the REPL's main thread)".to_string()
                } else if call.is_empty() && s.tid == 0 {
                    format!("finished its statements: waits {}{held}", info.what)
                } else if call.is_empty() {
                    // A pool worker between jobs, or running a builtin as its job.
                    format!("outside the scenario's lines: waits {}{held}", info.what)
                } else {
                    format!(
                        "blocked in `{call}` (line {}): waits {}{held}",
                        line_of(s.span),
                        info.what
                    )
                }
            }
            None if s.span.is_empty() => "about to start".to_string(),
            None => format!("running at line {}: `{call}`", line_of(s.span)),
        };
        out.push_str(&format!("  {:<width$}  {what}\n", s.name));
    }
    // Underline the blocked calls, one label per place.
    let mut places: BTreeMap<(u32, u32), Vec<String>> = BTreeMap::new();
    for s in states
        .iter()
        .filter(|s| !s.span.is_empty() && s.blocked.as_ref().is_some_and(|b| b.what != AT_PROMPT))
    {
        places
            .entry((s.span.start, s.span.end))
            .or_default()
            .push(s.name.clone());
    }
    let labels = places.into_iter().map(|((a, b), names)| {
        let who = if names.len() > 3 {
            format!("{}, {} and {} more", names[0], names[1], names.len() - 2)
        } else {
            names.join(", ")
        };
        let verb = if names.len() == 1 { "waits" } else { "wait" };
        LabeledSpan::new_with_span(
            Some(format!("{who} {verb} here")),
            Span { start: a, end: b },
        )
    });
    let mut diag = MietteDiagnostic::new(headline.to_string())
        .with_code(code.to_string())
        .with_severity(Severity::Error)
        .with_labels(labels);
    if let Some(c) = cycle {
        let mut steps: Vec<String> = Vec::new();
        for (i, &t) in c.iter().enumerate() {
            let waits = states
                .iter()
                .find(|s| s.tid == t)
                .and_then(|s| s.blocked.as_ref())
                .and_then(|b| b.object.as_ref())
                .map(|o| o.describe())
                .unwrap_or_default();
            let next = name_of(world, states, c[(i + 1) % c.len()]);
            steps.push(format!(
                "{} waits for {waits}, held by {next}",
                name_of(world, states, t)
            ));
        }
        diag = diag.with_help(format!("the cycle: {}", steps.join("; ")));
    }
    let renderer = Renderer::new(world.settings.color);
    out.push_str(&renderer.render(&diag, Some(&source)));
    out
}

/// The whole deadlock report: [`picture`] under the headline the deadlock's shape gives.
pub fn deadlock_picture(world: &World, states: &[ThreadState], cycle: Option<&[Tid]>) -> String {
    picture(
        world,
        deadlock_headline(cycle),
        "thr::run::deadlock",
        states,
        cycle,
    )
}

/// The first line of a deadlock report, by the shape of the deadlock.
pub fn deadlock_headline(cycle: Option<&[Tid]>) -> &'static str {
    match cycle {
        Some([_]) => "deadlock: a thread waits for a lock it holds itself",
        Some(_) => "deadlock: threads wait for each other in a cycle",
        None => "deadlock: every thread is blocked and nothing can wake them",
    }
}
