//! Schedulers of seeded mode: at each visible step, which runnable thread moves.
//!
//! Each strategy is small and behind one trait, and each is a pure function of its seed
//! and of the runnable sets it is shown, so a run is reproduced by naming the strategy and
//! the seed (see [`super::schedule`]).

use super::schedule::Strategy;
use crate::sync::wait::Tid;

/// Chooses the thread that takes the next visible step.
pub trait Scheduler {
    /// One of `runnable` (never empty, in increasing tid order) to run at step `step`
    /// (counting from 0). `Err` explains why a recorded schedule cannot go on.
    fn pick(&mut self, runnable: &[Tid], step: u64) -> Result<Tid, String>;
}

/// The scheduler a strategy and seed describe.
pub fn make(strategy: &Strategy, seed: u64) -> Box<dyn Scheduler> {
    match strategy {
        Strategy::Random => Box::new(Random(fastrand::Rng::with_seed(seed))),
        Strategy::RoundRobin => Box::new(RoundRobin { last: None }),
        Strategy::Pct { depth, steps } => Box::new(Pct::new(*depth, *steps, seed)),
        Strategy::Replay(runs) => Box::new(Replay {
            runs: runs.clone(),
            at: 0,
            used: 0,
            then: RoundRobin { last: None },
        }),
    }
}

/// Uniformly random among the runnable threads.
struct Random(fastrand::Rng);

impl Scheduler for Random {
    fn pick(&mut self, runnable: &[Tid], _step: u64) -> Result<Tid, String> {
        Ok(runnable[self.0.usize(..runnable.len())])
    }
}

/// The next runnable thread after the one that moved last, in tid order.
struct RoundRobin {
    last: Option<Tid>,
}

impl Scheduler for RoundRobin {
    fn pick(&mut self, runnable: &[Tid], _step: u64) -> Result<Tid, String> {
        let next = match self.last {
            Some(last) => runnable
                .iter()
                .copied()
                .find(|&t| t > last)
                .unwrap_or(runnable[0]),
            None => runnable[0],
        };
        self.last = Some(next);
        Ok(next)
    }
}

/// Probabilistic concurrency testing (Burckhardt et al., ASPLOS 2010): every thread gets a
/// random priority and the highest-priority runnable thread always moves; at `depth - 1`
/// change points, drawn uniformly from the first `steps` steps, the thread about to move
/// drops below every thread that has not dropped yet. A bug that needs `depth` ordering
/// constraints is found with probability at least 1/(threads x steps^(depth-1)).
struct Pct {
    rng: fastrand::Rng,
    /// Priority per tid (higher moves first); 0 = not yet seen.
    priorities: Vec<u64>,
    /// Change points, ascending, each with the low priority it gives.
    changes: Vec<(u64, u64)>,
}

impl Pct {
    fn new(depth: u32, steps: u64, seed: u64) -> Pct {
        let mut rng = fastrand::Rng::with_seed(seed);
        // The i-th change point drawn (from 1) gives priority i, below every first
        // priority; the points are then put in step order, keeping their priorities.
        let mut changes: Vec<(u64, u64)> = (0..depth.saturating_sub(1))
            .map(|i| (rng.u64(0..steps.max(1)), u64::from(i) + 1))
            .collect();
        changes.sort_unstable();
        Pct {
            rng,
            priorities: Vec::new(),
            changes,
        }
    }

    fn priority(&mut self, tid: Tid) -> u64 {
        let i = tid as usize;
        if self.priorities.len() <= i {
            self.priorities.resize(i + 1, 0);
        }
        if self.priorities[i] == 0 {
            // Above every change-point priority, random among the threads.
            self.priorities[i] = self.rng.u64(1 << 32..u64::MAX);
        }
        self.priorities[i]
    }
}

impl Scheduler for Pct {
    fn pick(&mut self, runnable: &[Tid], step: u64) -> Result<Tid, String> {
        let mut best = runnable[0];
        let mut best_priority = self.priority(best);
        for &t in &runnable[1..] {
            let p = self.priority(t);
            if p > best_priority {
                best = t;
                best_priority = p;
            }
        }
        if let Some(&(point, low)) = self.changes.first()
            && point <= step
        {
            // A change point: the thread about to move drops, and the choice is made again.
            self.changes.remove(0);
            self.priorities[best as usize] = low;
            return self.pick(runnable, step);
        }
        Ok(best)
    }
}

/// Follows recorded decisions (`tid`, how many steps in a row), then goes on round-robin.
struct Replay {
    runs: Vec<(Tid, u32)>,
    at: usize,
    used: u32,
    then: RoundRobin,
}

impl Scheduler for Replay {
    fn pick(&mut self, runnable: &[Tid], step: u64) -> Result<Tid, String> {
        while let Some(&(tid, count)) = self.runs.get(self.at) {
            if self.used < count {
                self.used += 1;
                if !runnable.contains(&tid) {
                    return Err(format!(
                        "the schedule does not fit this scenario: at step {step} it runs thread {tid}, which cannot move (threads that can: {runnable:?})"
                    ));
                }
                self.then.last = Some(tid);
                return Ok(tid);
            }
            self.at += 1;
            self.used = 0;
        }
        self.then.pick(runnable, step)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn picks(s: &mut dyn Scheduler, runnable: &[Tid], n: u64) -> Vec<Tid> {
        (0..n).map(|i| s.pick(runnable, i).unwrap()).collect()
    }

    #[test]
    fn same_seed_same_choices() {
        let a = picks(&mut *make(&Strategy::Random, 7), &[0, 1, 2], 50);
        let b = picks(&mut *make(&Strategy::Random, 7), &[0, 1, 2], 50);
        assert_eq!(a, b);
        assert!(a.contains(&0) && a.contains(&1) && a.contains(&2));
    }

    #[test]
    fn round_robin_rotates() {
        assert_eq!(
            picks(&mut *make(&Strategy::RoundRobin, 0), &[1, 3, 4], 5),
            [1, 3, 4, 1, 3]
        );
    }

    #[test]
    fn pct_runs_one_thread_until_a_change_point() {
        let strategy = Strategy::Pct {
            depth: 2,
            steps: 10,
        };
        let p = picks(&mut *make(&strategy, 3), &[0, 1], 20);
        let switches = p.windows(2).filter(|w| w[0] != w[1]).count();
        assert!(switches <= 1, "{p:?}");
    }

    #[test]
    fn replay_follows_then_refuses_a_blocked_thread() {
        let mut r = make(&Strategy::Replay(vec![(1, 2), (0, 1)]), 0);
        assert_eq!(picks(&mut *r, &[0, 1], 3), [1, 1, 0]);
        let mut r = make(&Strategy::Replay(vec![(2, 1)]), 0);
        assert!(r.pick(&[0, 1], 0).is_err());
    }
}
