//! Markers (the small shapes on a lane's bar for puts, gets, prints, spawns, failures and
//! errors) and the XML helpers.

use std::fmt::Write as _;

use super::super::event::{Event, Kind, Outcome};

/// What a marker shows, least important first (a pixel column keeps the most important).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Mark {
    Step,
    Print,
    Get,
    Put,
    Spawn,
    Failed,
    Error,
}

/// The marker for an event, if it gets one.
pub(super) fn mark_of(e: &Event) -> Option<Mark> {
    match &e.kind {
        Kind::Start | Kind::Block { .. } | Kind::End { error: None } => None,
        Kind::End { error: Some(_) } => Some(Mark::Error),
        Kind::Spawn { .. } => Some(Mark::Spawn),
        Kind::Read { .. } | Kind::Write { .. } => Some(Mark::Step),
        Kind::Call { outcome, op, .. } => Some(match (outcome, &**op) {
            (Outcome::Raised, _) => Mark::Error,
            (Outcome::Failed, _) => Mark::Failed,
            (_, "put" | "put_nowait") if is_queue(e) => Mark::Put,
            (_, "get" | "get_nowait") if is_queue(e) => Mark::Get,
            (_, "print") => Mark::Print,
            _ => Mark::Step,
        }),
    }
}

fn is_queue(e: &Event) -> bool {
    use crate::lang::kinds::Kind as K;
    e.kind
        .object()
        .is_some_and(|o| matches!(o.kind(), K::Queue | K::LifoQueue | K::PriorityQueue))
}

/// Draws a marker centred at `x` on a bar from `y` of height `h`.
pub(super) fn marker(out: &mut String, m: Mark, x: f64, y: f64, h: f64, title: Option<&str>) {
    let r = (h * 0.42).clamp(1.5, 5.5);
    // Failures and errors stay visible on thin lanes.
    let r = if m >= Mark::Failed { r.max(3.5) } else { r };
    let c = y + h / 2.0;
    let (tag, attrs) = match m {
        Mark::Step => (
            "line",
            format!(
                "class=\"tk\" x1=\"{x:.1}\" y1=\"{y:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\"",
                y + h
            ),
        ),
        Mark::Put | Mark::Get => {
            let (tip, base) = if m == Mark::Put {
                (c - r, c + r * 0.8)
            } else {
                (c + r, c - r * 0.8)
            };
            let class = if m == Mark::Put { "put" } else { "get" };
            let d = format!(
                "M{x:.1},{tip:.1}L{:.1},{base:.1}L{:.1},{base:.1}Z",
                x + r,
                x - r
            );
            ("path", format!("class=\"{class}\" d=\"{d}\""))
        }
        Mark::Print => (
            "circle",
            format!(
                "class=\"prt\" cx=\"{x:.1}\" cy=\"{c:.1}\" r=\"{:.1}\"",
                r * 0.75
            ),
        ),
        Mark::Spawn => {
            let d = format!(
                "M{x:.1},{:.1}L{:.1},{c:.1}L{x:.1},{:.1}L{:.1},{c:.1}Z",
                c - r,
                x + r,
                c + r,
                x - r
            );
            ("path", format!("class=\"spm\" d=\"{d}\""))
        }
        Mark::Failed => (
            "circle",
            format!(
                "class=\"fail\" cx=\"{x:.1}\" cy=\"{c:.1}\" r=\"{:.1}\"",
                r * 0.8
            ),
        ),
        Mark::Error => {
            let (a, b) = (r * 0.85, r * 0.85);
            let d = format!(
                "M{:.1},{:.1}L{:.1},{:.1}M{:.1},{:.1}L{:.1},{:.1}",
                x - a,
                c - b,
                x + a,
                c + b,
                x + a,
                c - b,
                x - a,
                c + b
            );
            ("path", format!("class=\"err\" d=\"{d}\""))
        }
    };
    elem(out, tag, &attrs, title);
}

/// Writes `<tag attrs/>`, or with a `<title>` inside.
pub(super) fn elem(out: &mut String, tag: &str, attrs: &str, title: Option<&str>) {
    match title {
        Some(t) => {
            let _ = write!(out, "<{tag} {attrs}><title>{}</title></{tag}>", esc(t));
        }
        None => {
            let _ = write!(out, "<{tag} {attrs}/>");
        }
    }
}

/// `s` escaped for XML text and attributes; characters XML forbids become `\u{FFFD}`.
pub(super) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// `s` cut to `max` characters (with `…`).
pub(super) fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}
