//! The REPL's `:commands`.

use std::fmt::Write as _;

use super::run::{Stop, show_events};
use super::{Mode, Runner, Session};
use crate::driver::seeded::repl::Standing;
use crate::repl::Flow;
use crate::sync::Body;
use crate::sync::wait::{Tid, WaitInfo};
use crate::vm::value::Value;

/// The one-line list of commands (for unknown commands).
const COMMANDS: &str = ":help :threads :objects :trace on|off :load FILE :reset :quit \
:mode seeded [SEED] | :mode free :step [N|THREAD] :run :schedule";

/// What `:help` prints.
pub const HELP: &str = "\
Type statements and declarations as in a scenario file; each input runs in MainThread.
An input that is a single expression prints its value (unless it is None).

Commands:
  :help               this text
  :threads            each thread: name, state, what it waits for, source line
  :objects            shared variables and objects: lock owners, queue contents, event
                      flags, semaphore values, barrier counts
  :trace on|off       show every visible step as it is taken (free mode: after each input,
                      for the inputs and the threads started after :trace on; at most
                      10000 steps per thread between two inputs)
  :load FILE          run FILE as an input (and reload it on :reset and :mode)
  :reset              start a fresh session in the same mode, reloading the last FILE
  :mode seeded [SEED] start a fresh seeded session (seed 0 unless given), reloading FILE
  :mode free          start a fresh free-mode session, reloading FILE
  :quit               end the session without waiting for threads (Ctrl-D waits for the
                      non-daemon threads, as a scenario's end does)
Seeded mode only (threads move only when asked, or while MainThread waits for them):
  :step [N]           N steps (default 1) chosen by the seeded scheduler, each shown
  :step THREAD        THREAD (a name as :threads shows it) takes the next step
  :run                steps until every thread has finished or none can move
  :schedule           the decisions so far, replayable with `thr run --replay SCHEDULE`
                      on a file made of the session's inputs
A fresh session (:reset, :mode) abandons the old one's threads, as daemon threads are;
in free mode they may run on, but what they print is no longer shown.
";

impl Session {
    /// Runs one `:command` (without its colon).
    pub(super) fn command(&mut self, text: &str) -> Flow {
        let mut words = text.split_whitespace();
        let name = words.next().unwrap_or("");
        let args: Vec<&str> = words.collect();
        let rest = text.trim_start()[name.len()..].trim();
        match (name, args.as_slice()) {
            ("help" | "h" | "?", _) => self.out(HELP),
            ("quit" | "q" | "exit", _) => return Flow::Quit,
            ("threads", []) => {
                if let Runner::Seeded(s) = &mut self.runner {
                    s.machine.take_in();
                }
                let t = self.threads_text();
                self.out(&t);
            }
            ("objects", []) => {
                if let Runner::Seeded(s) = &mut self.runner {
                    s.machine.take_in();
                }
                let t = self.objects_text();
                self.out(&t);
            }
            ("trace", ["on"]) => self.set_trace(true),
            ("trace", ["off"]) => self.set_trace(false),
            ("load", _) if !rest.is_empty() => {
                if let Err(e) = self.load(rest) {
                    self.err(&e);
                    self.failed = true;
                }
            }
            ("reset", []) => self.restart(self.options.mode),
            ("mode", ["free"]) => self.restart(Mode::Free),
            ("mode", ["seeded"]) => self.restart(Mode::Seeded(0)),
            ("mode", ["seeded", seed]) => match seed.parse() {
                Ok(seed) => self.restart(Mode::Seeded(seed)),
                Err(_) => self.err(&format!(
                    "thr: `{seed}` is not a valid seed (a whole number)\n"
                )),
            },
            ("step" | "run" | "schedule", _) if !matches!(self.runner, Runner::Seeded(_)) => {
                self.err(&format!(
                    "thr: :{name} works in seeded mode (threads run by themselves in free mode); :mode seeded [SEED] switches\n"
                ));
            }
            ("step", []) => {
                self.step_seeded(Some(1), true);
            }
            ("step", [n]) if n.chars().all(|c| c.is_ascii_digit()) => match n.parse::<u64>() {
                Ok(n) => {
                    self.step_seeded(Some(n), true);
                }
                Err(_) => self.err(&format!("thr: `{n}` is too many steps\n")),
            },
            ("step", _) => self.step_named(rest),
            ("run", []) => {
                let stop = self.step_seeded(None, self.trace);
                if let Some(Stop::AllDone) = stop {
                    // Reported by report_stop, or the run simply ended.
                }
            }
            ("schedule", []) => {
                if let Runner::Seeded(s) = &self.runner {
                    let text = format!("{}\n", s.schedule());
                    self.out(&text);
                }
            }
            _ => self.err(&format!(
                "thr: unknown command `:{text}`; commands: {COMMANDS}\n"
            )),
        }
        self.after_input();
        Flow::Continue
    }

    /// After an input or command: in free mode, the steps traced meanwhile; in seeded
    /// mode, events not shown are dropped (the trace never grows from one input to the
    /// next).
    pub(super) fn after_input(&mut self) {
        let show = self.trace && matches!(self.runner, Runner::Free(_));
        show_events(&self.world, show);
    }

    /// A fresh session in `mode`, with the same options and file (reloaded).
    fn restart(&mut self, mode: Mode) {
        let mut options = self.options.clone();
        options.mode = mode;
        let trace = self.trace;
        let failed = self.failed();
        let file = self.file.clone();
        let hook = self.free_hook.clone();
        let interrupt = self.interrupt.clone();
        let mut fresh = super::Session::new(options);
        // The front end's interrupter must reach the new run.
        fresh.free_hook = hook;
        fresh.interrupt = interrupt;
        let mut fresh = fresh.hooked();
        fresh.set_trace(trace);
        fresh.failed = failed;
        // The old threads run on (free mode) but are heard no more.
        self.gate
            .open
            .store(false, std::sync::atomic::Ordering::SeqCst);
        *self = fresh;
        let what = match mode {
            Mode::Free => "free mode".to_string(),
            Mode::Seeded(seed) => format!("seeded mode, seed {seed}"),
        };
        self.err(&format!("thr: fresh session ({what})\n"));
        if let Some(path) = file
            && let Err(e) = self.load(&path)
        {
            self.err(&e);
            self.failed = true;
        }
    }

    /// `:step THREAD`.
    fn step_named(&mut self, name: &str) {
        let found = self.world.threads.lock().iter().find_map(|t| {
            let th = t.as_thread()?;
            let full = t.display_name();
            // `Thread-1` names `Thread-1 (worker)` too.
            let short = full.split(" (").next().unwrap_or("");
            (&*full == name || short == name).then_some(th.tid)
        });
        let Some(tid) = found else {
            self.err(&format!(
                "thr: no thread is named `{name}` (:threads lists them)\n"
            ));
            return;
        };
        match self.step_thread(tid) {
            Ok(()) | Err(Some(_)) => {}
            Err(None) => {
                let why = self.why_not(tid);
                self.err(&format!("thr: {name} cannot take a step: {why}\n"));
            }
        }
    }

    /// Why thread `tid` cannot move (seeded mode).
    fn why_not(&self, tid: Tid) -> String {
        let Runner::Seeded(s) = &self.runner else {
            return String::new();
        };
        match s.machine.standing(tid) {
            None => "it has not been started".into(),
            Some(Standing::Finished) => "it has finished".into(),
            Some(Standing::Idle) => "it is the REPL's main thread, at the prompt".into(),
            _ => s
                .machine
                .states()
                .into_iter()
                .find(|t| t.tid == tid)
                .and_then(|t| t.blocked)
                .map_or("it is blocked".into(), |b| format!("it waits {}", b.what)),
        }
    }

    /// What `:threads` prints: one line per thread, in creation order.
    fn threads_text(&self) -> String {
        let source = self.world.source();
        let line_of = |span: crate::syntax::Span| {
            source.text[..(span.start as usize).min(source.text.len())]
                .matches('\n')
                .count()
                + 1
        };
        let threads = self.world.threads.lock().clone();
        let mut rows: Vec<(String, String)> = Vec::new();
        for t in &threads {
            let Some(th) = t.as_thread() else { continue };
            let (state, blocked, span): (String, Option<WaitInfo>, Option<crate::syntax::Span>) =
                match &self.runner {
                    Runner::Seeded(s) => {
                        let st = s.machine.states().into_iter().find(|x| x.tid == th.tid);
                        let span = st.as_ref().map(|x| x.span).filter(|x| !x.is_empty());
                        let blocked = st.and_then(|x| x.blocked);
                        let state = match s.machine.standing(th.tid) {
                            None if th.started() => "starting",
                            None => "not started",
                            Some(Standing::Runnable) => "runnable",
                            Some(Standing::Blocked) => "blocked",
                            Some(Standing::Idle) => "at the prompt",
                            Some(Standing::Finished) => "finished",
                        };
                        (state.to_string(), blocked, span)
                    }
                    Runner::Free(f) => {
                        let info = f.threads().into_iter().find(|x| x.0 == th.tid);
                        match info {
                            _ if th.tid == 0 => ("at the prompt".into(), None, None),
                            None if th.started() => ("starting".into(), None, None),
                            None => ("not started".into(), None, None),
                            Some((_, true, _)) => ("finished".into(), None, None),
                            Some((_, false, Some(b))) => {
                                ("blocked".into(), Some(b.clone()), Some(b.span))
                            }
                            Some((_, false, None)) => ("running".into(), None, None),
                        }
                    }
                };
            let mut detail = state;
            if let Some(b) = blocked.filter(|b| b.what != crate::driver::report::AT_PROMPT) {
                let _ = write!(detail, ", waits {}", b.what);
            }
            if let Some(span) = span.filter(|s| !s.is_empty() && th.tid != 0) {
                let code = span.text(&source.text).lines().next().unwrap_or("");
                let _ = write!(detail, " (line {}: `{code}`)", line_of(span));
            }
            rows.push((t.display_name().to_string(), detail));
        }
        let width = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
        let mut out = String::new();
        for (name, detail) in rows {
            let _ = writeln!(out, "  {name:<width$}  {detail}");
        }
        out
    }

    /// What `:objects` prints: shared variables, then declared objects, in declaration
    /// order.
    fn objects_text(&self) -> String {
        let mut out = String::new();
        for (slot, name) in self.tables.shared_names.iter().enumerate() {
            let v = self.world.shared[slot].get();
            let _ = writeln!(out, "  shared {name} = {}", crate::vm::format::repr_of(&v));
        }
        for (slot, name) in self.tables.global_names.iter().enumerate() {
            let Value::Object(o) = self.world.global(slot as u32) else {
                continue;
            };
            let who = |tid: Tid| {
                self.world
                    .thread_by_tid(tid)
                    .map_or(format!("thread {tid}"), |t| t.display_name().to_string())
            };
            let waiting = |tids: Vec<Tid>| {
                if tids.is_empty() {
                    String::new()
                } else {
                    let names: Vec<String> = tids.into_iter().map(who).collect();
                    format!("; waiting: {}", names.join(", "))
                }
            };
            let state = match &o.body {
                Body::Lock(l) => match l.owner() {
                    Some(t) => format!("locked by {}{}", who(t), waiting(l.waiting())),
                    None => "unlocked".into(),
                },
                Body::RLock(r) => match r.owner() {
                    Some(t) => format!(
                        "held by {} (count {}){}",
                        who(t),
                        r.count(),
                        waiting(r.waiting())
                    ),
                    None => "unlocked".into(),
                },
                Body::Condition(c) => {
                    let n = c.waiting().len();
                    format!("{n} waiting to be notified{}", waiting(c.waiting()))
                }
                Body::Semaphore(s, _) => format!("value {}", s.value()),
                Body::Event(e) => if e.is_set() { "set" } else { "not set" }.into(),
                Body::Barrier(b) => format!(
                    "{} of {} waiting{}",
                    b.n_waiting(),
                    b.parties,
                    if b.broken() { ", broken" } else { "" }
                ),
                Body::Queue(q) => {
                    let (n, items) = (q.qsize(), q.snapshot());
                    let plural = if n == 1 { "" } else { "s" };
                    // Some queues cannot be looked into: then only their size is shown.
                    if items.len() == n && n > 0 {
                        let items = crate::vm::format::repr_of(&Value::list(items));
                        format!("{n} item{plural}: {items}")
                    } else {
                        format!("{n} item{plural}")
                    }
                }
                Body::Pool(p) => format!("{} workers started", p.workers().len()),
                Body::Thread(_) | Body::Future(_) | Body::Completions(_) | Body::Local(_) => {
                    continue;
                }
            };
            let _ = writeln!(out, "  {} {name}: {state}", o.kind_word());
        }
        if out.is_empty() {
            out.push_str("  (nothing declared yet)\n");
        }
        out
    }
}
