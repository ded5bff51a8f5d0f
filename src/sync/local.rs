//! `local`: attributes that each thread sees separately.

use std::collections::HashMap;
use std::sync::Arc;

use parking_lot::Mutex;

use super::wait::Tid;
use crate::vm::value::Value;

/// `threading.local`.
#[derive(Default)]
pub struct Local {
    values: Mutex<HashMap<(Tid, Arc<str>), Value>>,
}

impl Local {
    /// The calling thread's value of `name`.
    pub fn get(&self, tid: Tid, name: &str) -> Option<Value> {
        self.values.lock().get(&(tid, Arc::from(name))).cloned()
    }

    /// Sets the calling thread's `name`.
    pub fn set(&self, tid: Tid, name: Arc<str>, value: Value) {
        self.values.lock().insert((tid, name), value);
    }

    /// Deletes the calling thread's `name`; false when it had none.
    pub fn delete(&self, tid: Tid, name: &str) -> bool {
        self.values.lock().remove(&(tid, Arc::from(name))).is_some()
    }
}
