//! Running inputs: in free mode on the session's own OS thread (threads run in the
//! background); in seeded mode step by step on a [`Machine`], the seeded scheduler moving
//! other threads only while the main thread waits for them.

use std::sync::Arc;
use std::sync::atomic::Ordering::SeqCst;

use super::{Runner, Session};
use crate::driver::free::{FreeSession, Interrupted};
use crate::driver::report;
use crate::driver::sched::{self, Scheduler};
use crate::driver::schedule::{Recorder, Schedule, Strategy};
use crate::driver::seeded::{Machine, Settled};
use crate::sync::wait::Tid;
use crate::trace::Kind;
use crate::vm::exc::{bare, exc, kind};
use crate::vm::task::{Frame, Step, Task};
use crate::vm::world::World;

/// A seeded session's run: the machine, and the scheduler that moves threads while the
/// main thread waits for them (and for `:step`, `:run`).
pub(super) struct Seeded {
    /// The steppable run.
    pub machine: Machine,
    /// The seed of the scheduler and of the scenario's random numbers.
    pub seed: u64,
    scheduler: Box<dyn Scheduler>,
    /// Set once a deadlock was reported (the end of the session then only mentions it).
    deadlocked: bool,
    /// The step count when a deadlock was last reported (not reported again until a
    /// step is taken).
    reported_at: Option<u64>,
}

impl Seeded {
    pub(super) fn new(mut machine: Machine, seed: u64) -> Seeded {
        machine.recorder = Some(Recorder::default());
        Seeded {
            machine,
            seed,
            scheduler: sched::make(&Strategy::Random, seed),
            deadlocked: false,
            reported_at: None,
        }
    }

    /// The decisions so far, as a replayable schedule.
    pub(super) fn schedule(&self) -> Schedule {
        let runs = self
            .machine
            .recorder
            .as_ref()
            .map(|r| r.runs.clone())
            .unwrap_or_default();
        Schedule {
            strategy: Strategy::Replay(runs),
            seed: self.seed,
        }
    }

    /// The scheduler's choice among the runnable threads.
    fn pick(&mut self) -> Tid {
        let runnable = self.machine.runnable();
        self.scheduler
            .pick(runnable, self.machine.steps)
            .unwrap_or(runnable[0])
    }
}

/// Why stepping stopped.
pub(super) enum Stop {
    /// A deadlock was reported.
    Deadlock,
    /// No thread can move, and no cycle holds them: the main thread can act.
    Stuck,
    /// Every thread but the idle main thread has finished.
    AllDone,
}

/// Prints the events traced since the last call, one line each, when `show`.
pub(super) fn show_events(world: &World, show: bool) {
    let Some(tracer) = world.tracer() else { return };
    let events = tracer.take();
    let dropped = tracer.take_dropped();
    if !show {
        return;
    }
    if dropped > 0 {
        world.out.err(&format!(
            "thr: {dropped} steps not shown (at most {} per thread between two inputs)\n",
            super::TRACE_BOUND
        ));
    }
    if events.is_empty() {
        return;
    }
    let names = crate::trace::thread_names(world);
    let mut text = String::new();
    for e in &events {
        // The main thread starts and ends with every input: not worth a line.
        if e.tid == 0 && matches!(e.kind, Kind::Start | Kind::End { error: None }) {
            continue;
        }
        text.push_str(&crate::trace::text::line(world, &names, e, tracer.seeded));
        text.push('\n');
    }
    world.out.out(&text);
}

impl Session {
    /// Runs an input's main code to its end (or until it is stopped).
    pub(super) fn run_input(&mut self, frame: Frame) {
        self.interrupt.store(false, SeqCst);
        match &mut self.runner {
            Runner::Free(f) => {
                let failed = run_free(f, &self.world, frame, &self.interrupt, self.trace);
                self.failed |= failed;
            }
            Runner::Seeded(s) => {
                s.machine.load_main(frame);
                let mut steps = 0u64;
                // Why KeyboardInterrupt was last raised, for the line printed if uncaught.
                let mut raised: Option<Interrupted> = None;
                while !s.machine.main_idle() {
                    if self.interrupt.swap(false, SeqCst) {
                        self.failed |=
                            interrupt_seeded(s, &self.world, Interrupted::User, &mut raised);
                        continue;
                    }
                    match s.machine.settle() {
                        Settled::Ready => {}
                        Settled::Done(_) => break,
                        Settled::Deadlock => {
                            report_stop(s, &self.world);
                            self.failed = true;
                            if !s.machine.runnable().contains(&0) {
                                interrupt_seeded(
                                    s,
                                    &self.world,
                                    Interrupted::Deadlock,
                                    &mut raised,
                                );
                            }
                            continue;
                        }
                    }
                    if steps >= self.options.max_steps {
                        self.options.out.err(&format!(
                            "thr: stopped the input after {steps} steps (a livelock guard)\n"
                        ));
                        s.machine.abort_main();
                        break;
                    }
                    let tid = if s.machine.runnable().contains(&0) {
                        0
                    } else {
                        s.pick()
                    };
                    seeded_step(s, &self.world, tid, self.trace);
                    steps += 1;
                }
                if let Some(why) = raised
                    && s.machine.take_interrupted().is_some()
                {
                    self.world.out.err(interrupted_line(why));
                }
                self.failed |= raised.is_some();
            }
        }
    }

    /// Runs `n` steps chosen by the scheduler (`None`: until no thread can move), each
    /// shown when `show`; returns why it stopped early.
    pub(super) fn step_seeded(&mut self, n: Option<u64>, show: bool) -> Option<Stop> {
        self.interrupt.store(false, SeqCst);
        let Runner::Seeded(s) = &mut self.runner else {
            return None;
        };
        let limit = n.unwrap_or(self.options.max_steps);
        for _ in 0..limit {
            if self.interrupt.swap(false, SeqCst) {
                self.options.out.err("KeyboardInterrupt\n");
                return None;
            }
            match s.machine.settle() {
                Settled::Ready => {}
                Settled::Done(_) => return Some(Stop::AllDone),
                Settled::Deadlock => {
                    let stop = report_stop(s, &self.world);
                    self.failed |= matches!(stop, Stop::Deadlock);
                    return Some(stop);
                }
            }
            let tid = s.pick();
            seeded_step(s, &self.world, tid, show);
        }
        if n.is_none() {
            self.options.out.err(&format!(
                "thr: stopped after {limit} steps (a livelock guard); :run goes on\n"
            ));
        }
        None
    }

    /// Thread `tid` takes the next step, shown; `Err` says why it cannot (`Some`: a
    /// report was printed).
    pub(super) fn step_thread(&mut self, tid: Tid) -> Result<(), Option<Stop>> {
        let Runner::Seeded(s) = &mut self.runner else {
            return Err(None);
        };
        if let Settled::Deadlock = s.machine.settle()
            && !s.machine.runnable().contains(&tid)
        {
            return Err(Some(report_stop(s, &self.world)));
        }
        if !s.machine.runnable().contains(&tid) {
            return Err(None);
        }
        seeded_step(s, &self.world, tid, true);
        // A step that closes a cycle is reported at once.
        if let Settled::Deadlock = s.machine.settle() {
            let states = s.machine.states();
            if report::find_cycle(&self.world, &states).is_some() {
                self.failed = true;
                return Err(Some(report_stop(s, &self.world)));
            }
        }
        Ok(())
    }

    /// Ends the session as a scenario ends: waits for the non-daemon threads (in seeded
    /// mode the scheduler moves them).
    pub(super) fn join_all(&mut self) {
        self.interrupt.store(false, SeqCst);
        match &mut self.runner {
            Runner::Free(f) => {
                if !f.join_non_daemons() {
                    self.options.out.err("KeyboardInterrupt\n");
                }
                show_events(&self.world, self.trace);
            }
            Runner::Seeded(s) => {
                crate::driver::shut_pools_down(&self.world);
                let mut steps = 0u64;
                while non_daemons_left(&self.world) {
                    if self.interrupt.swap(false, SeqCst) {
                        self.options.out.err("KeyboardInterrupt\n");
                        return;
                    }
                    match s.machine.settle() {
                        Settled::Ready => {}
                        Settled::Done(_) => return,
                        Settled::Deadlock if s.deadlocked => {
                            self.options.out.err(
                                "thr: ending the session without the deadlocked threads above\n",
                            );
                            return;
                        }
                        Settled::Deadlock => {
                            report_stop(s, &self.world);
                            self.failed = true;
                            return;
                        }
                    }
                    if steps >= self.options.max_steps {
                        self.options
                            .out
                            .err(&format!("thr: stopped after {steps} steps (--max-steps)\n"));
                        return;
                    }
                    let tid = s.pick();
                    seeded_step(s, &self.world, tid, self.trace);
                    steps += 1;
                }
            }
        }
    }
}

/// True while a started non-daemon thread other than the main thread has not finished.
fn non_daemons_left(world: &World) -> bool {
    world.live.lock().iter().any(|t| {
        t.as_thread()
            .is_some_and(|x| x.tid != 0 && !x.is_daemon() && !x.finished())
    })
}

/// One step of `tid`, shown when `show`; a limit it hits is reported.
fn seeded_step(s: &mut Seeded, world: &World, tid: Tid, show: bool) {
    s.machine.step(tid);
    show_events(world, show);
    if let Some(message) = s.machine.limit_hit() {
        world.out.err(&format!("thr: stopped: {message}\n"));
    }
}

/// Reports why no thread can move: a deadlock (a cycle, or every thread blocked while
/// the main thread runs an input) as `thr run` reports it, else a one-line note.
fn report_stop(s: &mut Seeded, world: &World) -> Stop {
    if s.reported_at == Some(s.machine.steps) {
        world
            .out
            .err("thr: no thread can move: the deadlock above holds them\n");
        return Stop::Deadlock;
    }
    let states = s.machine.states();
    let cycle = report::find_cycle(world, &states);
    let main_idle = s.machine.main_idle();
    let others: Vec<_> = states.iter().filter(|t| t.tid != 0).collect();
    if cycle.is_none() && main_idle {
        if others.is_empty() {
            world.out.err("thr: every thread has finished\n");
            return Stop::AllDone;
        }
        let waits: Vec<String> = others
            .iter()
            .map(|t| {
                let what = t.blocked.as_ref().map_or("", |b| b.what.as_str());
                format!("{} waits {what}", t.name)
            })
            .collect();
        world.out.err(&format!(
            "thr: no thread can move: {} (see :threads)\n",
            waits.join("; ")
        ));
        return Stop::Stuck;
    }
    let text = report::deadlock_picture(world, &states, cycle.as_deref());
    world.out.err(&text);
    world.out.err(&format!("thr: schedule {}\n", s.schedule()));
    s.deadlocked = true;
    s.reported_at = Some(s.machine.steps);
    Stop::Deadlock
}

/// Runs an input's code on this OS thread in free mode; true if it was stopped or raised.
///
/// Ctrl-C (or the monitor, when the input waits in a deadlock) raises `KeyboardInterrupt`
/// in the input where it stands, as Python does: a blocking call first abandons its wait
/// (off the object's wait lists), then `with` blocks release their locks, `finally`
/// blocks run, and `except KeyboardInterrupt` may even catch it.
fn run_free(
    f: &FreeSession,
    world: &Arc<World>,
    frame: Frame,
    interrupt: &std::sync::atomic::AtomicBool,
    trace: bool,
) -> bool {
    f.set_idle(false);
    let mut task = Task::main(world.clone(), f.main().clone());
    task.frames = vec![frame];
    // Why the last KeyboardInterrupt was raised, for the line printed if it is uncaught.
    let mut raised: Option<Interrupted> = None;
    let failed = loop {
        let step = if interrupt.swap(false, SeqCst) {
            let _ = f.take_interrupt();
            raise(&mut task, Interrupted::User, false, &mut raised)
        } else {
            task.step(f.host())
        };
        let step = match step {
            // Free mode blocks only when the wait was abandoned: the input must stop.
            Step::Blocked => match f.take_interrupt() {
                Some(why) => {
                    interrupt.store(false, SeqCst);
                    raise(&mut task, why, true, &mut raised)
                }
                None => Step::Ran,
            },
            step => step,
        };
        if let Step::Finished(error) = step {
            match (&error, raised) {
                (Some(e), Some(why)) if e.kind == kind::KeyboardInterrupt => {
                    world.out.err(interrupted_line(why));
                }
                (Some(e), _) => crate::driver::report_uncaught(world, f.main(), e),
                (None, _) => {}
            }
            break error.is_some();
        }
    };
    f.set_idle(true);
    show_events(world, trace);
    failed
}

/// Raises `KeyboardInterrupt` in the main thread's `task` (see [`Task::raise_in`]):
/// `Finished` with the error when nothing catches it, else `Ran`.
fn raise(
    task: &mut Task,
    why: Interrupted,
    blocked: bool,
    raised: &mut Option<Interrupted>,
) -> Step {
    *raised = Some(why);
    match task.raise_in(keyboard_interrupt(why), blocked) {
        Some(uncaught) => Step::Finished(Some(uncaught)),
        None => Step::Ran,
    }
}

/// The line printed when the `KeyboardInterrupt` raised for `why` ends an input.
fn interrupted_line(why: Interrupted) -> &'static str {
    match why {
        Interrupted::User => "KeyboardInterrupt\n",
        Interrupted::Deadlock => "thr: the input was stopped (deadlock)\n",
    }
}

/// The `KeyboardInterrupt` raised for `why`.
fn keyboard_interrupt(why: Interrupted) -> crate::vm::exc::Exc {
    match why {
        Interrupted::User => bare(kind::KeyboardInterrupt),
        Interrupted::Deadlock => exc(kind::KeyboardInterrupt, "stopped in a deadlock"),
    }
}

/// Raises `KeyboardInterrupt` in the seeded main thread's input where it stands (see
/// [`Machine::interrupt_main`]); prints the line at once when nothing catches it, else
/// the machine steps the main thread through its handlers. True when it was not caught.
fn interrupt_seeded(
    s: &mut Seeded,
    world: &World,
    why: Interrupted,
    raised: &mut Option<Interrupted>,
) -> bool {
    *raised = Some(why);
    let uncaught = s.machine.interrupt_main(keyboard_interrupt(why)).is_some();
    if uncaught {
        world.out.err(interrupted_line(why));
    }
    uncaught
}
