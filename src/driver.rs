//! Drivers run a compiled scenario: [`free`] on OS threads with real time; (later) a
//! seeded scheduler on one OS thread with a virtual clock. Both run the same VM and the
//! same synchronisation rules; they differ in how a blocked thread waits.

pub mod free;
pub mod report;

use std::sync::atomic::Ordering;

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
