//! Functions made by `def` and `lambda`, and the cells that let lambdas share variables
//! with the function they were made in.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use parking_lot::Mutex;

use super::value::Value;
use crate::compile::code::Code;

/// A variable shared between a function and the lambdas made in it (`None`: unbound).
pub type Cell = Arc<Mutex<Option<Value>>>;

/// A new, unbound cell.
pub fn new_cell() -> Cell {
    Arc::new(Mutex::new(None))
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A function value.
pub struct Function {
    /// Identity, for hashing.
    pub id: u64,
    /// Its code.
    pub code: Arc<Code>,
    /// Default values of the trailing positional parameters; unset until the `def` runs
    /// when they are evaluated there (see [`Function::later`]).
    pub defaults: OnceLock<Vec<Value>>,
    /// Captured cells (a lambda's free variables), in the code's `free_names` order.
    pub cells: Vec<Cell>,
}

impl Function {
    /// A new function value.
    pub fn new(code: Arc<Code>, defaults: Vec<Value>, cells: Vec<Cell>) -> Arc<Function> {
        let f = Function::later(code, cells);
        let _ = f.defaults.set(defaults);
        f
    }

    /// A hoisted function whose defaults are evaluated later, where its `def` is written
    /// (they may read `shared` variables set up above it, as in Python).
    pub fn later(code: Arc<Code>, cells: Vec<Cell>) -> Arc<Function> {
        Arc::new(Function {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            code,
            defaults: OnceLock::new(),
            cells,
        })
    }

    /// The function's name (`<lambda>` for lambdas).
    pub fn name(&self) -> &str {
        &self.code.name
    }
}
