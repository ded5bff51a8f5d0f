//! OS threads for scenario threads, reused one after another.
//!
//! Starting an OS thread costs tens of microseconds of kernel work: a stack is mapped, and
//! unmapped at exit, which makes every core flush that mapping from its TLB. A scenario that
//! starts thousands of short threads spends most of its time there. So an OS thread whose
//! scenario thread has finished waits a moment ([`IDLE_WAIT`]) for another scenario thread
//! to start, and runs that one instead of exiting. Every live scenario thread still has an
//! OS thread of its own: the reuse is only one after another, so races, blocking and
//! parallelism are what they would be with a fresh thread each time.

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::time::Duration;

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};

/// How long a finished OS thread waits for another scenario thread before it exits.
const IDLE_WAIT: Duration = Duration::from_millis(200);

/// What a worker runs: one scenario thread, from start to end.
type Job = Box<dyn FnOnce() + Send>;

/// The OS threads of one free run.
pub(super) struct Workers {
    jobs: Sender<(String, Job)>,
    /// Kept to hand to new workers (they take jobs from it once their first is done).
    queue: Receiver<(String, Job)>,
    /// Workers waiting for a job and not yet promised one. A starter takes one off
    /// before it sends a job; a waiting worker takes itself off before it gives up, so a
    /// worker that finds the count at zero knows a job is on its way to some worker.
    idle: Arc<AtomicUsize>,
    stack_size: usize,
    /// How long a finished OS thread waits for another scenario thread.
    idle_wait: Duration,
}

impl Workers {
    /// No workers yet; each will have a stack of `stack_size` bytes.
    pub(super) fn new(stack_size: usize) -> Workers {
        Workers::waiting(stack_size, IDLE_WAIT)
    }

    /// [`Workers::new`], with finished OS threads waiting `idle_wait` for another job.
    fn waiting(stack_size: usize, idle_wait: Duration) -> Workers {
        let (jobs, queue) = crossbeam_channel::unbounded();
        Workers {
            jobs,
            queue,
            idle: Arc::new(AtomicUsize::new(0)),
            stack_size,
            idle_wait,
        }
    }

    /// Runs `job` on an OS thread named `name`: a waiting one if there is one, else a new one.
    pub(super) fn start(
        &self,
        name: String,
        job: impl FnOnce() + Send + 'static,
    ) -> io::Result<()> {
        if take_one(&self.idle) {
            // A worker counted as waiting takes it (see `idle`); the receiver is alive
            // while `self` is.
            let _ = self.jobs.send((name, Box::new(job)));
            return Ok(());
        }
        let (queue, idle, wait) = (self.queue.clone(), self.idle.clone(), self.idle_wait);
        std::thread::Builder::new()
            .name(name)
            .stack_size(self.stack_size)
            .spawn(move || {
                job();
                serve(&queue, &idle, wait);
            })
            .map(|_| ())
    }
}

/// Takes one off `count` unless it is zero; true if it did.
fn take_one(count: &AtomicUsize) -> bool {
    count
        .fetch_update(SeqCst, SeqCst, |n| n.checked_sub(1))
        .is_ok()
}

/// A worker's life after its first job: wait for the next one, run it, and so on, until
/// none comes for `wait` or the run is over (the sender is gone).
fn serve(queue: &Receiver<(String, Job)>, idle: &AtomicUsize, wait: Duration) {
    loop {
        idle.fetch_add(1, SeqCst);
        let next = match queue.recv_timeout(wait) {
            Ok(next) => next,
            Err(RecvTimeoutError::Disconnected) => return,
            Err(RecvTimeoutError::Timeout) => {
                if take_one(idle) {
                    return;
                }
                // A starter counted on a waiting worker just now: its job is coming.
                match queue.recv() {
                    Ok(next) => next,
                    Err(_) => return,
                }
            }
        };
        let (name, job) = next;
        set_name(&name);
        job();
    }
}

/// Gives the current OS thread the name `name` (as debuggers and `top -H` show it;
/// Linux keeps the first 15 bytes).
fn set_name(name: &str) {
    #[cfg(target_os = "linux")]
    {
        let mut bytes: Vec<u8> = name.bytes().filter(|&b| b != 0).take(15).collect();
        bytes.push(0);
        // SAFETY: `bytes` is a NUL-terminated string that outlives the call;
        // PR_SET_NAME only reads it.
        unsafe {
            libc::prctl(libc::PR_SET_NAME, bytes.as_ptr());
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = name;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    /// Jobs started one after another run on one OS thread; jobs that overlap each get
    /// their own.
    #[test]
    fn finished_threads_are_reused_and_live_ones_are_not() {
        // Waiting workers never give up during the test, however slow the machine.
        let workers = Workers::waiting(1 << 20, Duration::from_secs(3600));
        let (done, ids) = mpsc::channel();
        let mut one_after_another = Vec::new();
        for i in 0..5 {
            let done = done.clone();
            workers
                .start(format!("job-{i}"), move || {
                    done.send(std::thread::current().id()).unwrap()
                })
                .unwrap();
            one_after_another.push(ids.recv().unwrap());
            // Wait until the worker counts as waiting again.
            while workers.idle.load(SeqCst) == 0 {
                std::thread::yield_now();
            }
        }
        assert!(
            one_after_another
                .iter()
                .all(|id| *id == one_after_another[0]),
            "one OS thread ran them all: {one_after_another:?}"
        );
        let (release, gate) = crossbeam_channel::unbounded::<()>();
        let mut seen = std::collections::HashSet::new();
        for i in 0..3 {
            let (done, gate) = (done.clone(), gate.clone());
            workers
                .start(format!("overlap-{i}"), move || {
                    done.send(std::thread::current().id()).unwrap();
                    let _ = gate.recv();
                })
                .unwrap();
            seen.insert(ids.recv().unwrap());
        }
        assert_eq!(seen.len(), 3, "three live jobs share no OS thread");
        drop(release);
    }
}
