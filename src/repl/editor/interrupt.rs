//! Ctrl-C while an input runs: the process's SIGINT handler calls the engine's interrupter,
//! but only while one is armed. At the prompt the terminal is in raw mode and rustyline
//! reads Ctrl-C as a key, so the handler is not involved there.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use parking_lot::Mutex;

type Interrupter = Arc<dyn Fn() + Send + Sync>;

/// The interrupter of the input being run, if any.
static ARMED: Mutex<Option<Interrupter>> = Mutex::new(None);
/// Ctrl-C presses since the last [`arm`].
static PRESSES: AtomicUsize = AtomicUsize::new(0);

/// Installs the SIGINT handler once per process; false when another handler was installed
/// first (then Ctrl-C does what that one does).
pub fn install() -> bool {
    static INSTALLED: OnceLock<bool> = OnceLock::new();
    *INSTALLED.get_or_init(|| ctrlc::set_handler(fire).is_ok())
}

/// What a Ctrl-C does: counts the press and calls the armed interrupter, if any.
pub fn fire() {
    let armed = ARMED.lock().clone();
    if let Some(interrupt) = armed {
        PRESSES.fetch_add(1, Ordering::SeqCst);
        interrupt();
    }
}

/// While the returned guard lives, Ctrl-C calls `interrupter`.
pub fn arm(interrupter: Interrupter) -> Armed {
    PRESSES.store(0, Ordering::SeqCst);
    *ARMED.lock() = Some(interrupter);
    Armed(())
}

/// Disarms the handler when dropped (see [`arm`]).
pub struct Armed(());

impl Armed {
    /// How many times Ctrl-C was pressed since [`arm`].
    pub fn presses(&self) -> usize {
        PRESSES.load(Ordering::SeqCst)
    }
}

impl Drop for Armed {
    fn drop(&mut self) {
        *ARMED.lock() = None;
    }
}

/// Tests that arm the handler take turns (it is one per process).
#[cfg(test)]
pub static TEST_TURN: Mutex<()> = Mutex::new(());

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicBool;

    #[test]
    fn only_an_armed_interrupter_is_called() {
        let _turn = TEST_TURN.lock();
        let hit = Arc::new(AtomicBool::new(false));
        fire(); // nothing armed: nothing happens
        {
            let h = hit.clone();
            let armed = arm(Arc::new(move || h.store(true, Ordering::SeqCst)));
            assert_eq!(armed.presses(), 0);
            fire();
            assert!(hit.load(Ordering::SeqCst));
            assert_eq!(armed.presses(), 1);
        }
        hit.store(false, Ordering::SeqCst);
        fire();
        assert!(!hit.load(Ordering::SeqCst));
    }
}
