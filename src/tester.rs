//! `thr test`: golden-output tests of scenarios.
//!
//! A test is a scenario `X.thr` with expectation files beside it: `X.stdout` (the exact
//! standard output) and optionally `X.stderr` (the exact standard error; without it,
//! standard error must be empty). Header lines at the top of the scenario adjust the run:
//!
//! - `#! args: --seed 7 --sched pct:3`: flags for `thr run` (default: seeded, seed 0);
//! - `#! exit: 3`: the expected exit status (default 0);
//! - `#! skip: REASON`: the test is counted as skipped.
//!
//! A scenario with an `X.trace` file beside it also has its trace compared: the run gets
//! `--trace=FILE` (in the format the header's `--trace-format` names, text by default).
//! To start one, create an empty `X.trace` and run `thr test --bless X.thr`.
//!
//! Each test runs as its own `thr run` process, in the scenario's directory, so paths in
//! diagnostics read the same wherever the tests are run from.

pub mod discover;
pub mod outcome;

pub use discover::{Test, discover};
pub use outcome::{Outcome, run_test};
