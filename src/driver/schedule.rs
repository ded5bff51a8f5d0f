//! Schedules: the printable names of seeded runs.
//!
//! A seeded run is a pure function of the scenario, the flags and its schedule, so the
//! schedule string is all it takes to reproduce a run (`thr run --replay SCHEDULE FILE`).
//! It is `STRATEGY@SEED`:
//!
//! - `random@7`, `round-robin@0`, `pct:3@7` (`pct:3:5000@7` when the number of steps the
//!   change points are drawn from is not the default): a scheduler and its seed;
//! - `steps:0*37,1*5,0@7`: the decisions themselves, as runs of thread numbers (`TID*N`:
//!   thread TID takes N steps in a row; `*1` is left out), then round-robin; the seed
//!   still drives `random()`, `randint()` and `choice()`.

use std::fmt;
use std::str::FromStr;

use crate::sync::wait::Tid;

/// The number of steps PCT draws its change points from, unless `pct:D:STEPS` says.
pub const PCT_STEPS: u64 = 1000;

/// How the scheduler chooses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Strategy {
    /// Uniformly random at each step.
    Random,
    /// Each runnable thread in turn.
    RoundRobin,
    /// Probabilistic concurrency testing of the given depth.
    Pct {
        /// Bug depth (ordering constraints) the run aims at; at least 1.
        depth: u32,
        /// Change points are drawn from the first `steps` steps.
        steps: u64,
    },
    /// Recorded decisions: (thread, steps in a row).
    Replay(Vec<(Tid, u32)>),
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Strategy::Random => f.write_str("random"),
            Strategy::RoundRobin => f.write_str("round-robin"),
            Strategy::Pct { depth, steps } if *steps == PCT_STEPS => write!(f, "pct:{depth}"),
            Strategy::Pct { depth, steps } => write!(f, "pct:{depth}:{steps}"),
            Strategy::Replay(runs) => {
                f.write_str("steps:")?;
                for (i, (tid, n)) in runs.iter().enumerate() {
                    let sep = if i == 0 { "" } else { "," };
                    if *n == 1 {
                        write!(f, "{sep}{tid}")?;
                    } else {
                        write!(f, "{sep}{tid}*{n}")?;
                    }
                }
                Ok(())
            }
        }
    }
}

impl FromStr for Strategy {
    type Err = String;

    /// Parses `--sched` values (`random`, `round-robin`, `pct:DEPTH[:STEPS]`) and the
    /// `steps:` form of schedules.
    fn from_str(s: &str) -> Result<Strategy, String> {
        let number = |what: &str, t: &str| {
            t.parse::<u64>()
                .map_err(|_| format!("`{t}` is not a valid {what} (a whole number)"))
        };
        match s {
            "random" => Ok(Strategy::Random),
            "round-robin" | "rr" => Ok(Strategy::RoundRobin),
            _ if s.starts_with("pct:") => {
                let mut parts = s["pct:".len()..].split(':');
                let depth = number("PCT depth", parts.next().unwrap_or(""))?;
                let steps = match parts.next() {
                    Some(t) => number("PCT step count", t)?,
                    None => PCT_STEPS,
                };
                if parts.next().is_some() || depth == 0 || depth > 1000 || steps == 0 {
                    return Err(format!(
                        "`{s}`: write pct:DEPTH or pct:DEPTH:STEPS, with DEPTH from 1 to 1000 and STEPS at least 1"
                    ));
                }
                Ok(Strategy::Pct {
                    depth: depth as u32,
                    steps,
                })
            }
            _ if s.starts_with("steps:") => {
                let mut runs = Vec::new();
                for part in s["steps:".len()..].split(',').filter(|p| !p.is_empty()) {
                    let (tid, n) = part.split_once('*').unwrap_or((part, "1"));
                    let tid = number("thread number", tid)?;
                    let n = number("step count", n)?;
                    if tid > u64::from(Tid::MAX) || n == 0 || n > u64::from(u32::MAX) {
                        return Err(format!("`{part}` is out of range"));
                    }
                    runs.push((tid as Tid, n as u32));
                }
                Ok(Strategy::Replay(runs))
            }
            _ => Err(format!(
                "unknown scheduler `{s}`: use random, round-robin or pct:DEPTH"
            )),
        }
    }
}

/// A strategy and its seed: everything that decides a seeded run's interleaving.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// How threads are chosen.
    pub strategy: Strategy,
    /// Seeds the scheduler and the scenario's random numbers.
    pub seed: u64,
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.strategy, self.seed)
    }
}

impl FromStr for Schedule {
    type Err = String;

    fn from_str(s: &str) -> Result<Schedule, String> {
        let (strategy, seed) = s.rsplit_once('@').ok_or_else(|| {
            format!("`{s}` is not a schedule: schedules look like random@7 or pct:3@42")
        })?;
        let seed = seed
            .parse()
            .map_err(|_| format!("`{seed}` is not a valid seed (a whole number)"))?;
        Ok(Schedule {
            strategy: strategy.parse()?,
            seed,
        })
    }
}

/// Records decisions as runs of the same thread, for the `steps:` form.
#[derive(Debug, Default, Clone)]
pub struct Recorder {
    /// The runs so far.
    pub runs: Vec<(Tid, u32)>,
}

impl Recorder {
    /// Notes that `tid` took a step.
    pub fn push(&mut self, tid: Tid) {
        match self.runs.last_mut() {
            Some((t, n)) if *t == tid && *n < u32::MAX => *n += 1,
            _ => self.runs.push((tid, 1)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_round_trip() {
        for s in [
            "random@7",
            "round-robin@0",
            "pct:3@42",
            "pct:2:50@1",
            "steps:0*37,1*5,0@9",
            "steps:@0",
        ] {
            let parsed: Schedule = s.parse().unwrap();
            assert_eq!(parsed.to_string(), s);
        }
        assert_eq!(
            "rr@3".parse::<Schedule>().unwrap().to_string(),
            "round-robin@3"
        );
    }

    #[test]
    fn bad_schedules_say_why() {
        for (s, want) in [
            ("random", "not a schedule"),
            ("fifo@1", "unknown scheduler"),
            ("pct:0@1", "DEPTH from 1"),
            ("random@x", "not a valid seed"),
            ("steps:a*2@1", "not a valid thread number"),
        ] {
            let e = s.parse::<Schedule>().unwrap_err();
            assert!(e.contains(want), "{s}: {e}");
        }
    }

    #[test]
    fn recorder_groups_runs() {
        let mut r = Recorder::default();
        for t in [0, 0, 1, 0, 0, 0] {
            r.push(t);
        }
        assert_eq!(r.runs, [(0, 2), (1, 1), (0, 3)]);
    }
}
