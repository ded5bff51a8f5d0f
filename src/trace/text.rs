//! The step log: one aligned line per event.
//!
//! ```text
//! step      time  thread          op       object      result        where
//!    1  0.000000  MainThread      write    count       0             race.thr:1
//!    2  0.000000  MainThread      spawn    Thread-1    Thread-1      race.thr:7
//! ```

use super::event::{Event, Kind, Outcome};
use super::{location, name_of};
use crate::vm::world::World;

/// Results longer than this are cut (with `…`) so the columns stay readable.
const MAX_RESULT: usize = 48;

/// The columns of one event: op, object, result.
pub fn columns(names: &[String], e: &Event) -> (String, String, String) {
    let op = e.kind.op().to_string();
    let (object, result) = match &e.kind {
        Kind::Start => (String::new(), "started".into()),
        Kind::End { error: None } => (String::new(), "finished".into()),
        Kind::End { error: Some(err) } => (String::new(), format!("died: {err}")),
        Kind::Read { var, value } | Kind::Write { var, value } => (var.to_string(), value.clone()),
        Kind::Call {
            object,
            result,
            outcome,
            ..
        } => {
            let result = match outcome {
                Outcome::Raised => format!("raised {result}"),
                _ => result.clone(),
            };
            (
                object.as_ref().map_or(String::new(), |o| o.describe()),
                result,
            )
        }
        Kind::Block { object, why, .. } => (
            object.as_ref().map_or(String::new(), |o| o.describe()),
            format!("waits {why}"),
        ),
        Kind::Spawn { child } => (name_of(names, *child).to_string(), "started".into()),
    };
    (op, object, cut(&result))
}

/// `text` on one line, cut to [`MAX_RESULT`] characters.
fn cut(text: &str) -> String {
    let one_line = text.trim_end_matches('\n').replace('\n', "\\n");
    if one_line.chars().count() > MAX_RESULT {
        let mut s: String = one_line.chars().take(MAX_RESULT - 1).collect();
        s.push('…');
        s
    } else {
        one_line
    }
}

/// Seconds with microseconds in free mode; virtual seconds with milliseconds when seeded.
pub fn time(seconds: f64, seeded: bool) -> String {
    if seeded {
        format!("{seconds:.3}")
    } else {
        format!("{seconds:.6}")
    }
}

/// Renders the log, with a header line.
pub fn render(world: &World, names: &[String], events: &[Event], seeded: bool) -> String {
    let rows: Vec<[String; 7]> = events
        .iter()
        .map(|e| {
            let (op, object, result) = columns(names, e);
            [
                e.step.to_string(),
                time(e.time, seeded),
                name_of(names, e.tid).to_string(),
                op,
                object,
                result,
                location(world, e.span),
            ]
        })
        .collect();
    let header = ["step", "time", "thread", "op", "object", "result", "where"].map(String::from);
    let mut width = [0usize; 7];
    for row in rows.iter().chain(std::iter::once(&header)) {
        for (w, cell) in width.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::with_capacity(rows.len() * 80);
    for row in std::iter::once(&header).chain(&rows) {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            let pad = width[i] - cell.chars().count();
            if i < 2 {
                // Numbers are right-aligned.
                line.extend(std::iter::repeat_n(' ', pad));
                line.push_str(cell);
            } else {
                line.push_str(cell);
                if i < 6 {
                    line.extend(std::iter::repeat_n(' ', pad));
                }
            }
            if i < 6 {
                line.push_str("  ");
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
