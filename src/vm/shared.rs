//! The storage of a `shared` variable.
//!
//! Reads and writes of shared variables are the scenario's visible steps, so they are the
//! hottest operations of a racing loop. Small integers, booleans and `None` live inline in
//! one atomic word, read and written with a plain load or store (no lock, no reference
//! counting); any other value lives behind a mutex. Each read or write is atomic on its own
//! and `count += 1` is still a read and a separate write, so races stay real.

use std::sync::atomic::{AtomicU64, Ordering};

use parking_lot::Mutex;

use super::value::Value;

/// The word's value when the variable's value is in the mutex.
const SLOW: u64 = 0;
const NONE: u64 = 2;
const FALSE: u64 = 4;
const TRUE: u64 = 6;

/// An integer is stored shifted left with the low bit set, when it fits in 63 bits.
#[inline(always)]
fn encode_int(n: i64) -> Option<u64> {
    ((n << 1) >> 1 == n).then_some(((n << 1) | 1) as u64)
}

#[inline(always)]
fn encode(v: &Value) -> Option<u64> {
    match *v {
        Value::Int(n) => encode_int(n),
        Value::None => Some(NONE),
        Value::Bool(false) => Some(FALSE),
        Value::Bool(true) => Some(TRUE),
        _ => None,
    }
}

#[inline(always)]
fn decode(w: u64) -> Option<Value> {
    match w {
        SLOW => None,
        NONE => Some(Value::None),
        FALSE => Some(Value::Bool(false)),
        TRUE => Some(Value::Bool(true)),
        _ => Some(Value::Int((w as i64) >> 1)),
    }
}

/// One shared variable.
pub struct SharedCell {
    /// The value when it is a small scalar, else `SLOW`.
    word: AtomicU64,
    /// The value when `word` is `SLOW`. A value left here after a scalar write is stale
    /// and never read; the next non-scalar write replaces it.
    slow: Mutex<Value>,
}

impl SharedCell {
    /// A variable holding `v`.
    pub fn new(v: Value) -> SharedCell {
        let cell = SharedCell {
            word: AtomicU64::new(SLOW),
            slow: Mutex::new(Value::None),
        };
        cell.set(v);
        cell
    }

    /// Reads the value.
    #[inline(always)]
    pub fn get(&self) -> Value {
        if let Some(v) = decode(self.word.load(Ordering::Acquire)) {
            return v;
        }
        self.get_slow()
    }

    /// Reads the value when it is an integer stored inline (most are), else `None`.
    #[inline(always)]
    pub fn get_int(&self) -> Option<i64> {
        let w = self.word.load(Ordering::Acquire);
        (w & 1 == 1).then_some((w as i64) >> 1)
    }

    /// Reads the value onto the top of `stack`. An integer is written into place field by
    /// field: a whole `Value` decoded into a temporary and then copied is written in parts
    /// and read back at once, which stalls the store buffer (a fifth of a racing loop's
    /// time).
    #[inline(always)]
    pub fn push_onto(&self, stack: &mut Vec<Value>) {
        let w = self.word.load(Ordering::Acquire);
        if w & 1 == 1 {
            super::value::push_int(stack, (w as i64) >> 1);
        } else {
            self.push_other(stack);
        }
    }

    /// [`Self::push_onto`] for anything but an integer (kept out of line so that the
    /// integer's push is not merged with this one).
    #[inline(never)]
    fn push_other(&self, stack: &mut Vec<Value>) {
        stack.push(self.get());
    }

    #[inline(never)]
    fn get_slow(&self) -> Value {
        let slow = self.slow.lock();
        // A scalar may have been written since the word was read: it is newer.
        decode(self.word.load(Ordering::Acquire)).unwrap_or_else(|| slow.clone())
    }

    /// Writes the value.
    #[inline(always)]
    pub fn set(&self, v: Value) {
        match encode(&v) {
            Some(w) => self.word.store(w, Ordering::Release),
            None => self.set_slow(v),
        }
    }

    /// Writes an integer (without the drop of a whole `Value` that [`Self::set`] leaves
    /// behind in a hot loop).
    #[inline(always)]
    pub fn set_int(&self, n: i64) {
        match encode_int(n) {
            Some(w) => self.word.store(w, Ordering::Release),
            None => self.set_slow(Value::Int(n)),
        }
    }

    #[inline(never)]
    fn set_slow(&self, v: Value) {
        let mut slow = self.slow.lock();
        let old = std::mem::replace(&mut *slow, v);
        self.word.store(SLOW, Ordering::Release);
        drop(slow);
        drop(old);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_scalars_and_others() {
        let cell = SharedCell::new(Value::Int(0));
        for v in [
            Value::Int(5),
            Value::Int(-7),
            Value::Int(i64::MAX),
            Value::Int(i64::MIN),
            Value::Int((1 << 62) - 1),
            Value::Int(-(1 << 62)),
            Value::None,
            Value::Bool(true),
            Value::Bool(false),
            Value::Float(2.5),
            Value::str("x"),
            Value::Int(3),
        ] {
            cell.set(v.clone());
            assert!(cell.get().py_eq(&v), "{v:?}");
            assert_eq!(cell.get().type_name(), v.type_name());
        }
    }
}
