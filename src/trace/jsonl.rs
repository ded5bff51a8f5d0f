//! JSON Lines: one object per event.
//!
//! Every line has `step` (the run's order, from 1), `time` (seconds since the start:
//! virtual in seeded mode, elapsed in free mode), `tid` and `thread` (number and name),
//! `event` (`start`, `end`, `read`, `write`, `call`, `block`, `spawn`), `op` (the operation:
//! a method name, `print`, `sleep`, `read`, ...) and, when there is a source location,
//! `file` and `line`. Then, by event:
//!
//! - `read`, `write`: `var` and `value` (the value as `repr` shows it);
//! - `call`: `object` and `kind` (when on an object: its name and its kind, such as `lock`),
//!   `outcome` (`ok`, `failed` for a timeout or a non-blocking call that could not proceed,
//!   `raised`) and `result` (in words: `acquired`, the value got, the text printed, the
//!   error);
//! - `block`: `object` and `kind` (absent for `sleep`), `why` (what it waits for) and
//!   `deadline` (seconds, or `null`);
//! - `spawn`: `child` and `child_name`;
//! - `end`: `error` (the uncaught error's headline, or `null`).

use std::fmt::Write;

use super::event::{Event, Kind};
use super::name_of;
use crate::sync::Object;
use crate::vm::world::World;

/// Renders the events, one JSON object per line. The lines are written directly (a trace
/// can have millions); `serde_json` reads them back in the tests.
pub fn render(world: &World, names: &[String], events: &[Event]) -> String {
    let mut out = String::with_capacity(events.len() * 160);
    let file = {
        let mut f = String::new();
        string(&mut f, &world.source().name);
        f
    };
    for e in events {
        line(&mut out, world, &file, names, e);
        out.push('\n');
    }
    out
}

/// Appends `s` as a JSON string.
fn string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Appends `,"key":` and then the string `value`.
fn field(out: &mut String, key: &str, value: &str) {
    let _ = write!(out, ",\"{key}\":");
    string(out, value);
}

/// Appends a number, or `null` for one JSON cannot hold.
fn number(out: &mut String, key: &str, x: f64) {
    if x.is_finite() {
        let _ = write!(out, ",\"{key}\":{x}");
    } else {
        let _ = write!(out, ",\"{key}\":null");
    }
}

fn object_fields(out: &mut String, o: &Object) {
    field(out, "object", &o.display_name());
    field(out, "kind", o.kind_word());
}

/// Appends one event as a JSON object.
fn line(out: &mut String, world: &World, file: &str, names: &[String], e: &Event) {
    let _ = write!(out, "{{\"step\":{}", e.step);
    number(out, "time", e.time);
    let _ = write!(out, ",\"tid\":{}", e.tid);
    field(out, "thread", name_of(names, e.tid));
    let event = match &e.kind {
        Kind::Start => "start",
        Kind::End { .. } => "end",
        Kind::Read { .. } => "read",
        Kind::Write { .. } => "write",
        Kind::Call { .. } => "call",
        Kind::Block { .. } => "block",
        Kind::Spawn { .. } => "spawn",
    };
    field(out, "event", event);
    field(out, "op", e.kind.op());
    match &e.kind {
        Kind::Start => {}
        Kind::End { error } => match error {
            Some(err) => field(out, "error", err),
            None => out.push_str(",\"error\":null"),
        },
        Kind::Read { var, value } | Kind::Write { var, value } => {
            field(out, "var", var);
            field(out, "value", value);
        }
        Kind::Call {
            object,
            outcome,
            result,
            ..
        } => {
            if let Some(o) = object {
                object_fields(out, o);
            }
            let outcome = outcome.word();
            field(out, "outcome", outcome);
            field(out, "result", result);
        }
        Kind::Block {
            object,
            why,
            deadline,
        } => {
            if let Some(o) = object {
                object_fields(out, o);
            }
            field(out, "why", why);
            number(out, "deadline", deadline.unwrap_or(f64::NAN));
        }
        Kind::Spawn { child } => {
            let _ = write!(out, ",\"child\":{child}");
            field(out, "child_name", name_of(names, *child));
        }
    }
    if let Some(line) = super::line(world, e.span) {
        let _ = write!(out, ",\"file\":{file},\"line\":{line}");
    }
    out.push('}');
}
