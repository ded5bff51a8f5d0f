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

use serde_json::{Map, Value as Json, json};

use super::event::{Event, Kind, Outcome};
use super::name_of;
use crate::sync::Object;
use crate::vm::world::World;

/// Renders the events, one JSON object per line.
pub fn render(world: &World, names: &[String], events: &[Event]) -> String {
    let mut out = String::with_capacity(events.len() * 120);
    for e in events {
        out.push_str(&line(world, names, e).to_string());
        out.push('\n');
    }
    out
}

fn object_fields(m: &mut Map<String, Json>, o: &Object) {
    m.insert("object".into(), json!(o.display_name().as_ref()));
    m.insert("kind".into(), json!(o.kind_word()));
}

/// One event as a JSON object.
pub fn line(world: &World, names: &[String], e: &Event) -> Json {
    let mut m = Map::new();
    m.insert("step".into(), json!(e.step));
    m.insert("time".into(), json!(e.time));
    m.insert("tid".into(), json!(e.tid));
    m.insert("thread".into(), json!(name_of(names, e.tid)));
    let event = match &e.kind {
        Kind::Start => "start",
        Kind::End { .. } => "end",
        Kind::Read { .. } => "read",
        Kind::Write { .. } => "write",
        Kind::Call { .. } => "call",
        Kind::Block { .. } => "block",
        Kind::Spawn { .. } => "spawn",
    };
    m.insert("event".into(), json!(event));
    m.insert("op".into(), json!(e.kind.op()));
    match &e.kind {
        Kind::Start => {}
        Kind::End { error } => {
            m.insert("error".into(), json!(error));
        }
        Kind::Read { var, value } | Kind::Write { var, value } => {
            m.insert("var".into(), json!(var.as_ref()));
            m.insert("value".into(), json!(value));
        }
        Kind::Call {
            object,
            outcome,
            result,
            ..
        } => {
            if let Some(o) = object {
                object_fields(&mut m, o);
            }
            let outcome = match outcome {
                Outcome::Ok => "ok",
                Outcome::Failed => "failed",
                Outcome::Raised => "raised",
            };
            m.insert("outcome".into(), json!(outcome));
            m.insert("result".into(), json!(result));
        }
        Kind::Block {
            object,
            why,
            deadline,
        } => {
            if let Some(o) = object {
                object_fields(&mut m, o);
            }
            m.insert("why".into(), json!(why));
            m.insert("deadline".into(), json!(deadline));
        }
        Kind::Spawn { child } => {
            m.insert("child".into(), json!(child));
            m.insert("child_name".into(), json!(name_of(names, *child)));
        }
    }
    if let Some(line) = super::line(world, e.span) {
        m.insert("file".into(), json!(world.source.name));
        m.insert("line".into(), json!(line));
    }
    Json::Object(m)
}
