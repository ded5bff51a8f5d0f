//! The x axis: where each event goes, and the ticks, labels and grid lines drawn for it.

use std::fmt::Write as _;

use super::super::event::Event;
use super::Geo;
use super::marks::esc;

/// A unit for writing seconds.
#[derive(Clone, Copy)]
pub(super) struct Unit {
    per_second: f64,
    name: &'static str,
}

impl Unit {
    /// The unit that suits a run lasting `seconds`: µs, ms or s.
    pub(super) fn for_span(seconds: f64) -> Unit {
        let (per_second, name) = if seconds <= 0.0 {
            (1.0, "s")
        } else if seconds < 1e-3 {
            (1e6, "µs")
        } else if seconds < 1.0 {
            (1e3, "ms")
        } else {
            (1.0, "s")
        };
        Unit { per_second, name }
    }

    /// `seconds` in this unit with at most `decimals` decimals (trailing zeros dropped).
    pub(super) fn fmt(self, seconds: f64, decimals: usize) -> String {
        let mut s = format!("{:.decimals$}", seconds * self.per_second);
        if s.contains('.') {
            s.truncate(s.trim_end_matches('0').trim_end_matches('.').len());
        }
        if s == "-0" {
            s = "0".into();
        }
        format!("{s} {}", self.name)
    }
}

/// The x position of every event.
pub(super) struct Scale {
    xs: Vec<f64>,
    x0: f64,
    /// Where the run ended (the last event's time in free mode).
    pub(super) end: f64,
    /// The last event's time.
    t1: f64,
}

impl Scale {
    /// Positions from `x0` to `end`: by order (one slot per step) when `seeded`, else by
    /// elapsed time.
    pub(super) fn new(events: &[Event], seeded: bool, x0: f64, end: f64) -> Scale {
        let w = end - x0;
        let n = events.len().max(1) as f64;
        let t1 = events.iter().map(|e| e.time).fold(0.0, f64::max);
        let xs = events
            .iter()
            .enumerate()
            .map(|(i, e)| {
                if seeded {
                    x0 + (i as f64 + 0.5) / n * w
                } else if t1 > 0.0 {
                    x0 + (e.time / t1).clamp(0.0, 1.0) * w
                } else {
                    x0
                }
            })
            .collect();
        Scale { xs, x0, end, t1 }
    }

    /// The x of event `i` (the run's end for an index past the last event).
    pub(super) fn at(&self, i: usize) -> f64 {
        self.xs.get(i).copied().unwrap_or(self.end)
    }

    /// The x of `t` seconds (free mode).
    fn time(&self, t: f64) -> f64 {
        self.x0 + t / self.t1 * (self.end - self.x0)
    }
}

/// A round step (1, 2 or 5 times a power of ten) cutting `span` into about `count` parts.
fn nice_step(span: f64, count: f64) -> f64 {
    let raw = span / count.max(1.0);
    if !raw.is_finite() || raw <= 0.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(raw.log10().floor());
    let f = raw / magnitude;
    let m = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .find(|&m| f <= m)
        .unwrap_or(10.0);
    m * magnitude
}

/// Draws labels left to right, skipping one that would overlap the last one drawn.
struct Labels {
    right: f64,
    y: f64,
    /// The leftmost a label may reach.
    left: f64,
    last: String,
}

impl Labels {
    fn put(&mut self, out: &mut String, x: f64, text: &str, max_x: f64) {
        let w = text.chars().count() as f64 * 6.2;
        let x = x.min(max_x - w / 2.0).max(self.left + w / 2.0);
        if x - w / 2.0 < self.right + 8.0 || text == self.last {
            return;
        }
        self.right = x + w / 2.0;
        self.last = text.to_string();
        let _ = write!(
            out,
            "<text class=\"axt\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            self.y,
            esc(text)
        );
    }
}

/// Draws the axis under the lanes, the grid lines over them and, for a seeded run, the
/// virtual-time row above them.
pub(super) fn axis(out: &mut String, geo: &Geo, sc: &Scale, events: &[Event], seeded: bool) {
    let (top, bottom) = (geo.top, geo.bottom());
    let ay = bottom + 4.0;
    let caption = |out: &mut String, y: f64, text: &str| {
        let _ = write!(
            out,
            "<text class=\"cap\" x=\"{:.1}\" y=\"{y:.1}\" text-anchor=\"end\">{text}</text>",
            geo.x0 - 10.0
        );
    };
    out.push_str("<g class=\"axis\">");
    let _ = write!(
        out,
        "<line class=\"ax\" x1=\"{:.1}\" y1=\"{ay:.1}\" x2=\"{:.1}\" y2=\"{ay:.1}\"/>",
        geo.x0, geo.x1
    );
    let mut labels = Labels {
        right: f64::NEG_INFINITY,
        y: ay + 17.0,
        left: geo.x0 - 6.0,
        last: String::new(),
    };
    let mut tick = |out: &mut String, x: f64, label: &str| {
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{x:.1}\" y1=\"{top:.1}\" x2=\"{x:.1}\" y2=\"{bottom:.1}\"/>\
             <line class=\"ax\" x1=\"{x:.1}\" y1=\"{ay:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\"/>",
            ay + 5.0
        );
        labels.put(out, x, label, geo.x1 + 20.0);
    };
    let plot = geo.x1 - geo.x0;
    let end = events.last().map_or(0.0, |e| e.time);
    let unit = Unit::for_span(end);
    if seeded {
        caption(out, ay + 17.0, "step");
        let n = events.len();
        let step = (nice_step(n as f64, plot / 90.0) as usize).max(1);
        for s in (step..=n).step_by(step) {
            tick(out, sc.at(s - 1), &s.to_string());
        }
        // The virtual time, where the clock jumps.
        caption(out, top - 9.0, "virtual time");
        let mut row = Labels {
            right: f64::NEG_INFINITY,
            y: top - 9.0,
            left: geo.x0 - 2.0,
            last: String::new(),
        };
        row.put(out, geo.x0, &unit.fmt(0.0, 3), geo.x1 + 20.0);
        let mut last_line = f64::NEG_INFINITY;
        for (i, pair) in events.windows(2).enumerate() {
            // (Virtual times that differ by rounding only are the same instant.)
            if pair[1].time <= pair[0].time + 1e-9 {
                continue;
            }
            let x = (sc.at(i) + sc.at(i + 1)) / 2.0;
            if x - last_line >= 3.0 {
                last_line = x;
                let _ = write!(
                    out,
                    "<line class=\"jump\" x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{bottom:.1}\"/>",
                    top - 4.0
                );
            }
            row.put(out, x, &unit.fmt(pair[1].time, 3), geo.x1 + 20.0);
        }
    } else {
        caption(out, ay + 17.0, "elapsed");
        if sc.t1 > 0.0 {
            let step = nice_step(end, plot / 110.0);
            let decimals = (-(step * unit.per_second).log10().floor()).max(0.0) as usize;
            let mut k = 0u64;
            while k as f64 * step <= end * (1.0 + 1e-9) && k < 1000 {
                let t = k as f64 * step;
                tick(out, sc.time(t), &unit.fmt(t, decimals));
                k += 1;
            }
        } else {
            tick(out, geo.x0, &unit.fmt(0.0, 0));
        }
    }
    if sc.end < geo.x1 - 1.0 {
        // Past this line, bars are of threads that never finished.
        let x = sc.end;
        let _ = write!(
            out,
            "<line class=\"jump\" x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{bottom:.1}\"/>\
             <text class=\"cap\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">end</text>",
            top - 4.0,
            (x + geo.x1) / 2.0,
            top - 9.0
        );
    }
    out.push_str("</g>\n");
}
