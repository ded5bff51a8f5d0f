//! `thr`: a scriptable concurrency scenario interpreter.
//!
//! The pipeline: [`source`] loads text, [`syntax`] parses it into an AST, [`check`] finds
//! problems before running, and [`diag`] renders every problem as a miette report.

// pest is built without its `std` feature (which runs a stack probe on every rule call, a
// quarter of the parse time); the parser its derive generates then names `alloc`.
extern crate alloc;

pub mod check;
pub mod cli;
pub mod compile;
pub mod diag;
pub mod driver;
pub mod lang;
pub mod repl;
pub mod source;
pub mod sync;
pub mod syntax;
pub mod tester;
pub mod trace;
pub mod vm;
