//! The lanes: each thread's state bar, lock holds and markers.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::super::event::Kind;
use super::super::spans::{Hold, Interval, State};
use super::super::{location, text};
use super::marks::{Mark, clip, elem, esc, mark_of, marker};
use super::{Ctx, TICK_GAP};
use crate::sync::wait::Tid;

impl Ctx<'_> {
    /// Draws every lane, in the order of `tids`.
    pub(super) fn lanes(&self, out: &mut String, tids: &[Tid]) {
        let n = tids.len();
        let mut ivs: Vec<Vec<&Interval>> = vec![Vec::new(); n];
        for iv in &self.spans.intervals {
            if let Some(&l) = self.lane_of.get(&iv.tid) {
                ivs[l].push(iv);
            }
        }
        let mut holds: Vec<Vec<&Hold>> = vec![Vec::new(); n];
        for h in &self.spans.holds {
            if let Some(&l) = self.lane_of.get(&h.tid) {
                holds[l].push(h);
            }
        }
        // The most important marker of each pixel column of each lane, with the number of
        // events there.
        let mut marks: BTreeMap<(usize, i64), (Mark, usize, u32)> = BTreeMap::new();
        for (i, e) in self.events.iter().enumerate() {
            let (Some(m), Some(&l)) = (mark_of(e), self.lane_of.get(&e.tid)) else {
                continue;
            };
            let slot = marks.entry((l, self.sc.at(i) as i64)).or_insert((m, i, 0));
            slot.2 += 1;
            if m > slot.0 {
                (slot.0, slot.1) = (m, i);
            }
        }
        // Labels: every lane when they fit, else every k-th.
        let every = (9.0 / self.geo.lane_h).ceil().max(1.0) as usize;
        let chars = ((self.geo.x0 - 30.0) / (self.geo.font * 0.58)).max(4.0) as usize;
        let mut marks = marks.into_iter().peekable();
        for (lane, &tid) in tids.iter().enumerate() {
            let name = self.name(tid);
            let _ = write!(
                out,
                "<g class=\"lane\" data-thread=\"{}\" data-tid=\"{tid}\">",
                esc(name)
            );
            if lane % every == 0 {
                let _ = write!(
                    out,
                    "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" dy=\".35em\" font-size=\"{:.1}\">{}<title>{}</title></text>",
                    self.geo.x0 - 10.0,
                    self.geo.mid(lane),
                    self.geo.font,
                    esc(&clip(name, chars)),
                    esc(name)
                );
            }
            self.states(out, lane, tid, &ivs[lane]);
            self.holds(out, lane, &holds[lane]);
            let (by, bh) = self.geo.bar(lane);
            let mut last_tick = f64::NEG_INFINITY;
            while let Some((_, (m, i, count))) = marks.next_if(|((l, _), _)| *l == lane) {
                let x = self.sc.at(i);
                if m == Mark::Step {
                    if x - last_tick < TICK_GAP {
                        continue;
                    }
                    last_tick = x;
                }
                let mut t = self.event_title(i);
                if count > 1 {
                    let _ = write!(t, "\n(and {} more events at this pixel)", count - 1);
                }
                marker(out, m, x, by, bh, Some(&t));
            }
            out.push_str("</g>\n");
        }
    }

    fn event_title(&self, i: usize) -> String {
        let e = &self.events[i];
        let (op, object, result) = text::columns(self.names, e);
        let mut t = format!("{} · {}\n{op}", self.name(e.tid), self.when(i));
        if !object.is_empty() {
            let _ = write!(t, " {object}");
        }
        if !result.is_empty() {
            let _ = write!(t, " → {result}");
        }
        let loc = location(self.world, e.span);
        if !loc.is_empty() {
            let _ = write!(t, "\n{loc}");
        }
        t
    }

    /// The state bar of one lane, and the finished line after the thread's end.
    fn states(&self, out: &mut String, lane: usize, tid: Tid, ivs: &[&Interval]) {
        let (by, bh) = self.geo.bar(lane);
        let x0 = self.geo.x0;
        let cols = (self.geo.x1 - x0).ceil().max(0.0) as usize + 2;
        // Coverage of each pixel column by short spans, per state.
        let mut cov: Vec<[f64; 3]> = Vec::new();
        let mut counts: Vec<u32> = Vec::new();
        let ended = self.spans.ends.get(&tid).copied();
        let last = self.events.len().saturating_sub(1);
        for iv in ivs {
            let xa = self.sc.at(iv.start);
            let open = ended.is_none() && iv.end >= last;
            let xb = if open {
                self.geo.x1
            } else {
                self.sc.at(iv.end)
            }
            .max(xa);
            let s = iv.state as usize;
            if xb - xa >= 2.0 {
                let t = self.interval_title(iv, open);
                let attrs = format!(
                    "class=\"{}\" x=\"{xa:.1}\" y=\"{by:.1}\" width=\"{:.1}\" height=\"{bh:.1}\"",
                    state_class(iv.state),
                    xb - xa
                );
                elem(out, "rect", &attrs, Some(&t));
                continue;
            }
            if cov.is_empty() {
                cov = vec![[0.0; 3]; cols];
                counts = vec![0; cols];
            }
            let (a, b) = (xa - x0, xb - x0);
            let first = (a.max(0.0) as usize).min(cols - 1);
            counts[first] += 1;
            for (c, slot) in cov.iter_mut().enumerate().skip(first).take(3) {
                let overlap = (b.min(c as f64 + 1.0) - a.max(c as f64)).max(0.0);
                slot[s] += overlap + if c == first { 1e-3 } else { 0.0 };
            }
        }
        // Runs of columns with the same main state.
        let main = |c: &[f64; 3]| -> Option<usize> {
            let best = (0..3).max_by(|&i, &j| c[i].total_cmp(&c[j]).then(j.cmp(&i)))?;
            (c[best] > 0.0).then_some(best)
        };
        let mut c = 0;
        while c < cov.len() {
            let Some(s) = main(&cov[c]) else {
                c += 1;
                continue;
            };
            let start = c;
            let mut n = 0;
            while c < cov.len() && main(&cov[c]) == Some(s) {
                n += counts[c];
                c += 1;
            }
            let state = [State::Running, State::Blocked, State::Sleeping][s];
            let t = format!(
                "{}: {n} short spans, mostly {}",
                self.name(tid),
                state_word(state)
            );
            let attrs = format!(
                "class=\"{}\" x=\"{:.1}\" y=\"{by:.1}\" width=\"{}\" height=\"{bh:.1}\"",
                state_class(state),
                x0 + start as f64,
                c - start
            );
            elem(out, "rect", &attrs, Some(&t));
        }
        if let Some(end) = ended {
            let x = self.sc.at(end);
            let y = self.geo.mid(lane);
            let died = match self.events.get(end).map(|e| &e.kind) {
                Some(Kind::End { error: Some(err) }) => format!("died: {err}"),
                _ => "finished".into(),
            };
            let t = format!("{}: {died} ({})", self.name(tid), self.when(end));
            let attrs = format!(
                "class=\"fin\" x1=\"{x:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\"",
                self.geo.x1.max(x)
            );
            elem(out, "line", &attrs, Some(&t));
        }
    }

    fn interval_title(&self, iv: &Interval, open: bool) -> String {
        let mut t = format!("{}: {}", self.name(iv.tid), state_word(iv.state));
        if !iv.why.is_empty() {
            let _ = write!(t, ", waits {}", iv.why);
        }
        let end = (!open).then_some(iv.end);
        let _ = write!(t, "\n{}", self.during(iv.start, end));
        if let Some(e) = self.events.get(iv.start)
            && iv.state != State::Running
        {
            let loc = location(self.world, e.span);
            if !loc.is_empty() {
                let _ = write!(t, "\n{loc}");
            }
        }
        if open && iv.state != State::Running {
            t.push_str("\nstill waiting when the run ended");
        }
        t
    }

    /// The hold bars of one lane: nested holds on separate rows; touching holds of a lock
    /// on one row are merged.
    fn holds(&self, out: &mut String, lane: usize, holds: &[&Hold]) {
        struct Pending<'h> {
            xa: f64,
            xb: f64,
            first: &'h Hold,
            end: Option<usize>,
            count: u32,
        }
        let mut active: Vec<(usize, usize)> = Vec::new();
        let mut pending: BTreeMap<(usize, u64), Pending> = BTreeMap::new();
        let mut done = Vec::new();
        for h in holds {
            active.retain(|&(end, _)| end > h.start);
            let level = (0..3)
                .find(|l| !active.iter().any(|a| a.1 == *l))
                .unwrap_or(2);
            active.push((h.end.unwrap_or(usize::MAX), level));
            let xa = self.sc.at(h.start);
            let xb = h.end.map_or(self.geo.x1, |e| self.sc.at(e)).max(xa);
            match pending.get_mut(&(level, h.lock.id)) {
                Some(p) if xa - p.xb < 1.0 => {
                    p.xb = p.xb.max(xb);
                    p.end = h.end;
                    p.count += 1;
                }
                _ => {
                    let new = Pending {
                        xa,
                        xb,
                        first: h,
                        end: h.end,
                        count: 1,
                    };
                    if let Some(old) = pending.insert((level, h.lock.id), new) {
                        done.push((level, old));
                    }
                }
            }
        }
        done.extend(pending.into_iter().map(|((level, _), p)| (level, p)));
        for (level, p) in done {
            let (y, hh) = self.geo.hold(lane, level);
            let lock = p.first.lock.describe();
            let mut t = if p.count > 1 {
                format!(
                    "{lock} held {} times by {}",
                    p.count,
                    self.name(p.first.tid)
                )
            } else {
                format!("{lock} held by {}", self.name(p.first.tid))
            };
            let _ = write!(t, "\n{}", self.during(p.first.start, p.end));
            if let Some(e) = self.events.get(p.first.start) {
                let loc = location(self.world, e.span);
                if !loc.is_empty() {
                    let _ = write!(t, "\nacquired at {loc}");
                }
            }
            let colour = self.locks.get(&p.first.lock.id).copied().unwrap_or("#888");
            let attrs = format!(
                "fill=\"{colour}\" x=\"{:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{hh:.1}\"",
                p.xa,
                (p.xb - p.xa).max(2.0)
            );
            elem(out, "rect", &attrs, Some(&t));
        }
    }
}

fn state_class(s: State) -> &'static str {
    match s {
        State::Running => "run",
        State::Blocked => "blk",
        State::Sleeping => "slp",
    }
}

fn state_word(s: State) -> &'static str {
    match s {
        State::Running => "running",
        State::Blocked => "blocked",
        State::Sleeping => "sleeping",
    }
}
