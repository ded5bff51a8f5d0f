//! The legend under the axis: the states, the markers and a colour for each lock.

use std::fmt::Write as _;

use super::WIDTH;
use super::marks::{Mark, clip, esc, marker};

/// What a legend entry shows before its words.
enum Swatch {
    /// A state bar of this class.
    State(&'static str),
    /// The line after a thread's end.
    Finished,
    /// A marker.
    Mark(Mark),
    /// Step ticks on a running bar.
    Step,
    /// A put → get line.
    Handoff,
    /// A hold bar of this colour.
    Lock(&'static str),
}

/// Places entries left to right, wrapping at the picture's right edge.
struct Flow {
    x: f64,
    y: f64,
}

const ROW: f64 = 22.0;
const LEFT: f64 = 16.0;
/// At most this many locks get an entry.
const MAX_LOCKS: usize = 40;

impl Flow {
    fn entry(&mut self, out: &mut String, label: &str, swatch: Swatch) {
        let w = 24.0 + label.chars().count() as f64 * 6.6;
        if self.x + w > WIDTH - LEFT && self.x > LEFT {
            self.x = LEFT;
            self.y += ROW;
        }
        let (x, c) = (self.x, self.y);
        match swatch {
            Swatch::State(class) => {
                let _ = write!(
                    out,
                    "<rect class=\"{class}\" x=\"{x:.1}\" y=\"{:.1}\" width=\"16\" height=\"10\"/>",
                    c - 5.0
                );
            }
            Swatch::Finished => {
                let _ = write!(
                    out,
                    "<line class=\"fin\" x1=\"{x:.1}\" y1=\"{c:.1}\" x2=\"{:.1}\" y2=\"{c:.1}\"/>",
                    x + 16.0
                );
            }
            Swatch::Mark(m) => marker(out, m, x + 8.0, c - 6.0, 12.0, None),
            Swatch::Step => {
                let _ = write!(
                    out,
                    "<rect class=\"run\" x=\"{x:.1}\" y=\"{:.1}\" width=\"16\" height=\"10\"/>",
                    c - 5.0
                );
                marker(out, Mark::Step, x + 5.0, c - 5.0, 10.0, None);
                marker(out, Mark::Step, x + 11.0, c - 5.0, 10.0, None);
            }
            Swatch::Handoff => {
                let _ = write!(
                    out,
                    "<path class=\"hand\" stroke-opacity=\".6\" d=\"M{x:.1},{:.1}C{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}\"/>",
                    c - 5.0,
                    x + 8.0,
                    c - 5.0,
                    x + 8.0,
                    c + 5.0,
                    x + 16.0,
                    c + 5.0
                );
            }
            Swatch::Lock(colour) => {
                let _ = write!(
                    out,
                    "<rect fill=\"{colour}\" x=\"{x:.1}\" y=\"{:.1}\" width=\"16\" height=\"4\"/>",
                    c - 2.0
                );
            }
        }
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{c:.1}\" dy=\".35em\">{}</text>",
            x + 21.0,
            esc(label)
        );
        self.x += w + 10.0;
    }
}

/// Draws the legend with its top row centred at `y`; returns its height.
pub(super) fn draw(out: &mut String, y: f64, locks: &[(String, &'static str)]) -> f64 {
    out.push_str("<g class=\"legend\">");
    let mut f = Flow { x: LEFT, y };
    let entries = [
        ("running", Swatch::State("run")),
        ("blocked", Swatch::State("blk")),
        ("sleeping", Swatch::State("slp")),
        ("finished", Swatch::Finished),
        ("step", Swatch::Step),
        ("put", Swatch::Mark(Mark::Put)),
        ("get", Swatch::Mark(Mark::Get)),
        ("put → get", Swatch::Handoff),
        ("print", Swatch::Mark(Mark::Print)),
        ("spawn (line to the new thread)", Swatch::Mark(Mark::Spawn)),
        ("failed or timed out", Swatch::Mark(Mark::Failed)),
        ("error raised", Swatch::Mark(Mark::Error)),
    ];
    for (label, swatch) in entries {
        f.entry(out, label, swatch);
    }
    if !locks.is_empty() {
        f.x = LEFT;
        f.y += ROW;
        let _ = write!(
            out,
            "<text class=\"cap\" x=\"{LEFT}\" y=\"{:.1}\" dy=\".35em\">held:</text>",
            f.y
        );
        f.x += 44.0;
        for (name, colour) in locks.iter().take(MAX_LOCKS) {
            f.entry(out, &clip(name, 40), Swatch::Lock(colour));
        }
        if locks.len() > MAX_LOCKS {
            let more = format!("and {} more locks", locks.len() - MAX_LOCKS);
            let _ = write!(
                out,
                "<text class=\"cap\" x=\"{:.1}\" y=\"{:.1}\" dy=\".35em\">{more}</text>",
                f.x, f.y
            );
        }
    }
    out.push_str("</g>\n");
    f.y - y + ROW
}
