//! The REPL (`thr repl [FILE]`): declare objects, start threads and watch them, or, in
//! seeded mode, be the scheduler and pick which thread moves next.
//!
//! Two halves meet here:
//! - [`session`]: the engine. A [`session::Session`] holds one growing scenario and its run;
//!   it takes one complete input at a time (code or a `:command`), checks it, runs it in
//!   `MainThread`, and writes what happened through an [`Output`](crate::vm::world::Output).
//! - [`editor`]: the terminal front end on `rustyline` (history, multi-line input decided by
//!   the parser, completion, highlighting, hints, output of background threads printed above
//!   the prompt, Ctrl-C and Ctrl-D). When stdin is not a terminal, [`editor::run_plain`] reads lines
//!   without an editor, so transcripts are plain and deterministic.

pub mod editor;
pub mod session;

use std::sync::Arc;

use crate::lang::kinds::Kind;

/// What the front end should do after an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Read the next input.
    Continue,
    /// End the session (`:quit`).
    Quit,
}

/// A name the session knows (a declaration, a function, a thread, a main-thread variable),
/// for completion: `NAME.` completes the methods of `kind`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    /// The name.
    pub name: String,
    /// What it is, when known.
    pub kind: Option<Kind>,
}

/// What the front end needs from the engine; [`session::Session`] implements it. A trait so
/// that the editor can be tested without running scenarios.
pub trait Engine {
    /// Runs one complete input (code or a `:command`); its output and diagnostics go to
    /// the session's output.
    fn feed(&mut self, input: &str) -> Flow;
    /// True when `text` is not finished yet (an open block, bracket or string), as the
    /// real parser decides: the editor then asks for more on a `...` prompt.
    fn needs_more(&self, text: &str) -> bool;
    /// The names the session knows, for completion.
    fn known(&self) -> Vec<Known>;
    /// A handle that interrupts the input being run (Ctrl-C while a statement blocks).
    fn interrupter(&self) -> Arc<dyn Fn() + Send + Sync>;
    /// Ends the session as a scenario ends: waits for the non-daemon threads (interruptible
    /// by the interrupter), unless `abandon`, which leaves them.
    fn exit(&mut self, abandon: bool);
}
