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

/// The seven cells of an event's row.
fn row(world: &World, names: &[String], e: &Event, seeded: bool) -> [String; 7] {
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
}

/// One event as one line of the log, its cells unaligned and the empty ones left out: the
/// REPL shows the steps it takes one at a time.
pub fn line(world: &World, names: &[String], e: &Event, seeded: bool) -> String {
    let cells = row(world, names, e, seeded);
    let cells: Vec<&str> = cells
        .iter()
        .map(String::as_str)
        .filter(|c| !c.is_empty())
        .collect();
    cells.join("  ")
}

/// Renders the log, with a header line. Rows are made twice (once to measure the
/// columns, once to write them) rather than kept: a log can have millions.
pub fn render(world: &World, names: &[String], events: &[Event], seeded: bool) -> String {
    let header = ["step", "time", "thread", "op", "object", "result", "where"].map(String::from);
    let mut width = header.clone().map(|h| h.chars().count());
    for e in events {
        for (w, cell) in width.iter_mut().zip(row(world, names, e, seeded)) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::with_capacity(events.len() * 100);
    let rows = std::iter::once(header).chain(events.iter().map(|e| row(world, names, e, seeded)));
    for row in rows {
        let start = out.len();
        for (i, cell) in row.iter().enumerate() {
            let pad = width[i] - cell.chars().count();
            if i < 2 {
                // Numbers are right-aligned.
                out.extend(std::iter::repeat_n(' ', pad));
                out.push_str(cell);
            } else {
                out.push_str(cell);
                if i < 6 {
                    out.extend(std::iter::repeat_n(' ', pad));
                }
            }
            if i < 6 {
                out.push_str("  ");
            }
        }
        let end = out[start..].trim_end().len() + start;
        out.truncate(end);
        out.push('\n');
    }
    out
}
