//! The SVG timeline (`thr run FILE --timeline OUT.svg`): a picture of the run drawn from
//! [`spans::build`]'s intervals, lock holds and queue hand-offs.
//!
//! Top to bottom: a header (the file, the mode, the run's length), the virtual-time row
//! (seeded runs), one lane per thread in thread-number order, the x axis and a legend.
//! Each lane has the thread's name on the left and a bar coloured by state (running,
//! blocked, sleeping), then a thin grey line once the thread has finished. Under the bar,
//! each lock hold is a thin bar in the lock's colour (nested holds on rows of their own).
//! On the bar, markers show the thread's steps: puts, gets, prints, spawns (with a line
//! to the child's lane), failed calls and errors. A faint line joins each `put` to the
//! `get` that took its item. Everything carries a `<title>` (a tooltip on hover).
//!
//! The x axis is elapsed time in free mode. In seeded mode running takes no virtual time,
//! so events are placed by their order (one slot per step), and the virtual time is marked
//! above the lanes wherever the clock jumps.
//!
//! Long runs stay small: spans narrower than two pixels are merged per pixel column (the
//! column shows the state covering most of it), touching holds of one lock are merged, and
//! a lane shows at most one marker per pixel column (the most important one). The output
//! depends only on the events, so a seeded run draws the same file every time.

mod lanes;
mod legend;
mod marks;
mod scale;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::event::{Event, Kind};
use super::spans::{self, Spans};
use super::{name_of, text};
use crate::sync::wait::Tid;
use crate::vm::world::World;
use marks::{elem, esc};
use scale::Scale;

/// The picture's width in pixels; long runs are scaled to fit it.
const WIDTH: f64 = 1400.0;
/// Height of the header (title and summary).
const HEADER: f64 = 56.0;
/// Colours of lock holds, by the order in which locks are first held.
const LOCK_COLOURS: [&str; 10] = [
    "#7b4ea3", "#d4a017", "#1f5fa8", "#8c564b", "#d6478f", "#138d90", "#7a8b1f", "#4a5568",
    "#a0307a", "#3fa7d6",
];
/// Width of the tail after the run's end, where unfinished threads' bars continue.
const TAIL: f64 = 40.0;
/// Spawn lines from one lane are at least this many pixels apart.
const SPAWN_GAP: f64 = 2.0;
/// Step ticks in one lane are at least this many pixels apart.
const TICK_GAP: f64 = 3.0;
/// At most this many put → get lines are drawn.
const MAX_HANDOFFS: usize = 20_000;
/// Shared styles (classes keep the file small).
const STYLE: &str = "text{fill:#222}.h1{font-size:16px;font-weight:600}\
.h2{font-size:12px;fill:#555}.ax{stroke:#777;stroke-width:1}.axt{font-size:11px;fill:#555}\
.cap{font-size:11px;fill:#777;font-style:italic}.grid{stroke:#e4e6ea;stroke-width:1}\
.jump{stroke:#c9ced6;stroke-width:1;stroke-dasharray:3 3}.stripe{fill:#f5f6f8}\
.run{fill:#5cb85c}.blk{fill:#e8743b}.slp{fill:#9ab8e0}.fin{stroke:#b5b5b5;stroke-width:1.5}\
.tk{stroke:#174d17;stroke-opacity:.45;stroke-width:1}.put{fill:#14509a}.get{fill:#14509a}\
.prt{fill:#fff;stroke:#333;stroke-width:1}.spm{fill:#333}\
.spn{fill:none;stroke:#555;stroke-width:1;stroke-opacity:.7}\
.hand{fill:none;stroke:#14509a;stroke-width:1;stroke-opacity:.4}\
.fail{fill:none;stroke:#e09000;stroke-width:1.6}.err{fill:none;stroke:#d00000;stroke-width:2.2}";

/// Renders the events as a self-contained SVG timeline.
pub fn render(world: &World, names: &[String], events: &[Event], seeded: bool) -> String {
    let spans = spans::build(events);
    // A lane for every thread with an event or a spawn, by thread number.
    let mut set = BTreeSet::new();
    for e in events {
        set.insert(e.tid);
        if let Kind::Spawn { child } = e.kind {
            set.insert(child);
        }
    }
    let tids: Vec<Tid> = set.into_iter().collect();
    let lanes = tids.len();
    let lane_h = (640.0 / lanes.max(1) as f64).clamp(6.0, 38.0);
    let font = (lane_h * 0.6).clamp(7.0, 12.0);
    let longest = tids.iter().map(|t| name_of(names, *t).chars().count());
    let label_w = (longest.max().unwrap_or(0) as f64 * font * 0.58 + 24.0).clamp(90.0, 240.0);
    let top = HEADER + if seeded { 26.0 } else { 10.0 };
    let geo = Geo {
        x0: label_w + 12.0,
        x1: WIDTH - 28.0,
        top,
        lane_h,
        lanes,
        font,
    };
    // Lock colours in the order the locks were made.
    let held: BTreeMap<u64, String> = (spans.holds.iter())
        .map(|h| (h.lock.id, h.lock.describe()))
        .collect();
    let colour = |k: usize| LOCK_COLOURS[k % LOCK_COLOURS.len()];
    let locks = held
        .keys()
        .enumerate()
        .map(|(k, id)| (*id, colour(k)))
        .collect();
    let lock_names: Vec<_> = held
        .into_values()
        .enumerate()
        .map(|(k, n)| (n, colour(k)))
        .collect();
    // Threads that never finished continue past the run's end, into a short tail.
    let unfinished = (tids.iter())
        .filter(|t| !spans.ends.contains_key(t))
        .count();
    let end = geo.x1 - if unfinished > 0 { TAIL } else { 0.0 };
    let cx = Ctx {
        world,
        names,
        events,
        sc: Scale::new(events, seeded, geo.x0, end),
        lane_of: tids.iter().enumerate().map(|(i, t)| (*t, i)).collect(),
        spans: &spans,
        geo,
        seeded,
        locks,
    };
    let mut body = String::with_capacity(64 * 1024);
    cx.header(&mut body, tids.len());
    body.push_str("<g class=\"stripes\">");
    for lane in (1..lanes).step_by(2) {
        let y = cx.geo.y(lane);
        let _ = write!(
            body,
            "<rect class=\"stripe\" x=\"8\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{lane_h:.1}\"/>",
            cx.geo.x1 - 8.0
        );
    }
    body.push_str("</g>\n");
    scale::axis(&mut body, &cx.geo, &cx.sc, events, seeded);
    cx.links(&mut body);
    cx.lanes(&mut body, &tids);
    let y = cx.geo.bottom() + 44.0;
    let legend_h = legend::draw(&mut body, y, &lock_names);
    let height = (y + legend_h + 12.0).ceil();
    let mut out = String::with_capacity(body.len() + 1024);
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" \
         viewBox=\"0 0 {WIDTH} {height}\" font-family=\"system-ui, -apple-system, \
         'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif\" font-size=\"12\">\n\
         <style>{STYLE}</style>\n<rect width=\"{WIDTH}\" height=\"{height}\" fill=\"#fff\"/>\n"
    );
    out.push_str(&body);
    out.push_str("</svg>\n");
    out
}

/// Where lanes are.
struct Geo {
    /// The plot's left and right ends.
    x0: f64,
    x1: f64,
    /// The top of the first lane.
    top: f64,
    lane_h: f64,
    lanes: usize,
    /// The lane labels' font size.
    font: f64,
}

impl Geo {
    fn y(&self, lane: usize) -> f64 {
        self.top + lane as f64 * self.lane_h
    }
    fn bottom(&self) -> f64 {
        self.y(self.lanes)
    }
    /// The state bar: top and height.
    fn bar(&self, lane: usize) -> (f64, f64) {
        (self.y(lane) + 0.16 * self.lane_h, 0.44 * self.lane_h)
    }
    fn mid(&self, lane: usize) -> f64 {
        self.y(lane) + 0.38 * self.lane_h
    }
    /// A hold bar on row `level`: top and height.
    fn hold(&self, lane: usize, level: usize) -> (f64, f64) {
        let h = (0.09 * self.lane_h).max(1.2);
        let y = self.y(lane) + 0.65 * self.lane_h + level as f64 * (h + 0.02 * self.lane_h);
        (y, h)
    }
}

/// Everything the drawing needs.
struct Ctx<'a> {
    world: &'a World,
    names: &'a [String],
    events: &'a [Event],
    spans: &'a Spans,
    sc: Scale,
    geo: Geo,
    seeded: bool,
    lane_of: BTreeMap<Tid, usize>,
    /// Lock id → colour.
    locks: BTreeMap<u64, &'static str>,
}

impl Ctx<'_> {
    fn name(&self, tid: Tid) -> &str {
        name_of(self.names, tid)
    }

    /// When event `i` happened, in words.
    fn when(&self, i: usize) -> String {
        match self.events.get(i) {
            Some(e) if self.seeded => format!("step {}, {} s", e.step, text::time(e.time, true)),
            Some(e) => format!("{} s", text::time(e.time, false)),
            None => "the end".into(),
        }
    }

    /// From event `a` to event `b` (`None`: the end of the run), in words.
    fn during(&self, a: usize, b: Option<usize>) -> String {
        let to = b.map_or_else(|| "the end of the run".into(), |b| self.when(b));
        format!("from {} to {to}", self.when(a))
    }

    fn header(&self, out: &mut String, threads: usize) {
        let ev = self.events;
        let end = ev.last().map_or(0.0, |e| e.time);
        let unit = scale::Unit::for_span(end);
        let unfinished = self
            .lane_of
            .keys()
            .filter(|t| !self.spans.ends.contains_key(t))
            .count();
        let mut summary = if ev.is_empty() {
            "no events were recorded".to_string()
        } else if self.seeded {
            format!(
                "seeded run · {} steps · {threads} threads · {} virtual time · x axis: one slot per step, virtual time marked above",
                ev.len(),
                unit.fmt(end, 3)
            )
        } else {
            format!(
                "free run · {} events · {threads} threads · {} elapsed · x axis: elapsed time",
                ev.len(),
                unit.fmt(end, 3)
            )
        };
        if unfinished > 0 {
            let _ = write!(summary, " · {unfinished} not finished at the end");
        }
        let _ = write!(
            out,
            "<text class=\"h1\" x=\"16\" y=\"24\">Timeline of {}</text>\n\
             <text class=\"h2\" x=\"16\" y=\"43\">{}</text>\n",
            esc(&self.world.source().name),
            esc(&summary)
        );
    }

    /// Spawn lines and put → get lines, under the lanes' bars.
    fn links(&self, out: &mut String) {
        let mut first: BTreeMap<Tid, usize> = BTreeMap::new();
        for (i, e) in self.events.iter().enumerate() {
            first.entry(e.tid).or_insert(i);
        }
        out.push_str("<g class=\"spawns\">");
        let mut last_spawn: BTreeMap<usize, f64> = BTreeMap::new();
        let spawns = (self.events.iter())
            .filter(|e| matches!(e.kind, Kind::Spawn { .. }))
            .count();
        let gap = if spawns > 64 { 12.0 } else { 1.0 } * SPAWN_GAP;
        for (i, e) in self.events.iter().enumerate() {
            let Kind::Spawn { child } = e.kind else {
                continue;
            };
            let (Some(&p), Some(&c)) = (self.lane_of.get(&e.tid), self.lane_of.get(&child)) else {
                continue;
            };
            let (x1, y1) = (self.sc.at(i), self.geo.mid(p));
            // Many spawns close together would cover the picture with lines: one line per
            // few pixels of each parent lane.
            if x1 - last_spawn.get(&p).copied().unwrap_or(f64::NEG_INFINITY) < gap {
                continue;
            }
            last_spawn.insert(p, x1);
            let x2 = first.get(&child).map_or(x1, |&j| self.sc.at(j)).max(x1);
            let y2 = self.geo.mid(c);
            let d = format!("M{x1:.1},{y1:.1}C{x1:.1},{y2:.1} {x1:.1},{y2:.1} {x2:.1},{y2:.1}");
            let t = format!(
                "{} started {} ({})",
                self.name(e.tid),
                self.name(child),
                self.when(i)
            );
            elem(out, "path", &format!("class=\"spn\" d=\"{d}\""), Some(&t));
        }
        out.push_str("</g>\n");
        // Many hand-offs are drawn fainter.
        let n = self.spans.handoffs.len();
        let opacity = (40.0 / n.max(1) as f64).clamp(0.25, 1.0);
        let _ = write!(out, "<g class=\"handoffs\" opacity=\"{opacity:.2}\">");
        let mut seen = BTreeSet::new();
        for h in &self.spans.handoffs {
            let (Some(p), Some(g)) = (self.events.get(h.put), self.events.get(h.get)) else {
                continue;
            };
            let (Some(&pl), Some(&gl)) = (self.lane_of.get(&p.tid), self.lane_of.get(&g.tid))
            else {
                continue;
            };
            let (xp, xg) = (self.sc.at(h.put), self.sc.at(h.get));
            if pl == gl || !seen.insert((pl, xp as i64, gl, xg as i64)) {
                continue;
            }
            if seen.len() > MAX_HANDOFFS {
                break;
            }
            let (yp, yg, xm) = (self.geo.mid(pl), self.geo.mid(gl), (xp + xg) / 2.0);
            let _ = write!(
                out,
                "<path class=\"hand\" d=\"M{xp:.1},{yp:.1}C{xm:.1},{yp:.1} {xm:.1},{yg:.1} {xg:.1},{yg:.1}\"/>"
            );
        }
        out.push_str("</g>\n");
    }
}
