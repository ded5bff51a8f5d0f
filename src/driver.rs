//! Drivers run a compiled scenario: [`free`] on OS threads with real time; [`seeded`] on
//! one OS thread, a scheduler choosing each visible step, with a virtual clock. Both run
//! the same VM and the same synchronisation rules; they differ in how a blocked thread
//! waits.

pub mod free;
pub mod report;
pub mod sched;
pub mod schedule;
pub mod seeded;

use std::sync::Arc;
use std::sync::atomic::Ordering;

use crate::sync::{Body, Object};
use crate::vm::exc::Exc;
use crate::vm::world::World;

/// Options of a run that the drivers read.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Stop with exit status 4 after this many seconds (`--timeout`).
    pub timeout: Option<f64>,
    /// Stack size of scenario OS threads in free mode (`--stack-size`).
    pub stack_size: usize,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            timeout: None,
            stack_size: DEFAULT_STACK_SIZE,
        }
    }
}

/// Scenario threads need little native stack: their frames live on the heap.
pub const DEFAULT_STACK_SIZE: usize = 256 << 10;

/// The exit status of a run that ended normally: 1 if any thread failed, else 0.
pub fn exit_status(world: &World) -> i32 {
    if world.failed.load(Ordering::SeqCst) {
        crate::cli::exit::FAILED
    } else {
        crate::cli::exit::OK
    }
}

/// Makes the `MainThread` object (thread 0), started and live.
pub fn main_thread(world: &World) -> Arc<Object> {
    let main = Object::new(
        "MainThread",
        Body::Thread(crate::sync::thread::ThreadObj::new(
            0,
            Arc::from("MainThread"),
            false,
            None,
            None,
        )),
    );
    let _ = world.new_tid();
    world.threads.lock().push(main.clone());
    if let Some(t) = main.as_thread() {
        let _ = t.begin();
    }
    world.thread_started(&main);
    main
}

/// Reports an error no handler caught in `thread`; the run will exit with status 1.
pub fn report_uncaught(world: &World, thread: &Object, e: &Exc) {
    world.failed.store(true, Ordering::SeqCst);
    world
        .out
        .err(&report::uncaught(world, &thread.display_name(), e));
}

/// At interpreter exit, pools stop taking work (their workers finish what was submitted).
pub fn shut_pools_down(world: &World) {
    for p in world.pools.lock().clone() {
        if let Body::Pool(pool) = &p.body {
            pool.shutdown(false);
        }
    }
}
