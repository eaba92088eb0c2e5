//! Placing steps by hand, with the model's constraints checked one step at a time:
//! a first plan for the solver to start from ([`greedy`]), and the solver's plan
//! with every step as early as it can go ([`compact`]).
//!
//! Every step as early as it can go: the solver's plan may leave a step later than
//! needed where that changes nothing to the objective (a cook idle for no reason,
//! the salad chopped at the very end). A head cook starts work as soon as it is
//! possible, so each step is moved to its earliest start that keeps every
//! constraint, without moving any other step, over and over until none moves. No
//! move may serve any order later, so the objective never gets worse.

use super::Instance;

/// The model's constraints for moving task `i` to `t`, every other start fixed.
struct Check<'a> {
    inst: &'a Instance,
    starts: &'a [i64],
    /// The tasks placed so far (the others are ignored).
    placed: &'a [bool],
    /// The moments orders are served (fixed while compacting).
    served: &'a [i64],
}

impl Check<'_> {
    fn end(&self, j: usize) -> i64 {
        self.starts[j] + self.inst.tasks[j].duration
    }

    /// Whether the loop must run when task `j` starts: unattended, or no duration.
    fn is_moment(&self, j: usize) -> bool {
        let t = &self.inst.tasks[j];
        !t.hands_on || t.duration == 0
    }

    fn busy(&self, j: usize) -> bool {
        let t = &self.inst.tasks[j];
        t.hands_on && t.duration > 0
    }

    /// Hands-on tasks other than `i` strictly around `x`, plus `i` at `t` if it is.
    fn covering(&self, x: i64, i: usize, t: i64) -> usize {
        let others = (0..self.inst.tasks.len())
            .filter(|&j| j != i && self.placed[j] && self.busy(j) && self.starts[j] < x && x < self.end(j))
            .count();
        others + usize::from(self.busy(i) && t < x && x < t + self.inst.tasks[i].duration)
    }

    /// How many of `users` other than `i` run at `x`, plus `i` at `t`.
    fn load(&self, users: &dyn Fn(usize) -> bool, x: i64, i: usize, t: i64) -> usize {
        let d = self.inst.tasks[i].duration;
        let others = (0..self.inst.tasks.len())
            .filter(|&j| j != i && self.placed[j] && users(j) && self.starts[j] <= x && x < self.end(j))
            .count();
        others + usize::from(users(i) && t <= x && x < t + d)
    }

    fn fits(&self, i: usize, t: i64) -> bool {
        let inst = self.inst;
        let task = &inst.tasks[i];
        let d = task.duration;
        let cooks = inst.cooks as usize;
        // Resources: the load can only peak where a step starts.
        let peaks = |users: &dyn Fn(usize) -> bool, cap: usize| {
            d == 0
                || std::iter::once(t)
                    .chain(
                        (0..inst.tasks.len())
                            .filter(|&j| self.placed[j])
                            .map(|j| self.starts[j])
                            .filter(|&s| t < s && s < t + d),
                    )
                    .all(|x| self.load(users, x, i, t) <= cap)
        };
        if self.busy(i) && !peaks(&|j| self.busy(j), cooks) {
            return false;
        }
        if let Some(e) = task.uses {
            // Steps of no duration on this equipment need a unit free at their
            // start: this one at `t`, or the others when this one would hold it.
            let cap = inst.capacity[e as usize] as usize;
            let lasting = |j: usize| inst.tasks[j].uses == Some(e) && inst.tasks[j].duration > 0;
            // Held at the start `x` of step `z`: started before, or at the same
            // instant if it takes no cook time and comes before `z` in order.
            let holds = |j: usize, sj: i64, x: i64, z: usize| {
                let first = sj < x || (sj == x && !inst.tasks[j].hands_on && j < z);
                lasting(j) && first && x < sj + inst.tasks[j].duration
            };
            let held_at = |x: i64, z: usize| {
                let others = (0..inst.tasks.len())
                    .filter(|&j| j != i && self.placed[j] && holds(j, self.starts[j], x, z))
                    .count();
                others + usize::from(holds(i, t, x, z))
            };
            if d == 0 && held_at(t, i) >= cap {
                return false;
            }
            let instant = (0..inst.tasks.len()).filter(|&z| {
                z != i && self.placed[z] && inst.tasks[z].uses == Some(e) && inst.tasks[z].duration == 0
            });
            if d > 0 && instant.map(|z| (z, self.starts[z])).any(|(z, x)| held_at(x, z) >= cap) {
                return false;
            }
            if !peaks(
                &|j| inst.tasks[j].uses == Some(e) && inst.tasks[j].duration > 0,
                inst.capacity[e as usize] as usize,
            ) {
                return false;
            }
        }
        // The event loop's rule, for its own start and for the moments it covers.
        if self.is_moment(i) && self.covering(t, i, t) >= cooks {
            return false;
        }
        if self.busy(i) {
            let moments = (0..inst.tasks.len())
                .filter(|&j| j != i && self.placed[j] && self.is_moment(j))
                .map(|j| self.starts[j])
                .chain(self.served.iter().copied());
            for m in moments {
                if t < m && m < t + d && self.covering(m, i, t) >= cooks {
                    return false;
                }
            }
        }
        true
    }
}

/// The earliest task `i` can start: its order's arrival, and the ends of the steps
/// it comes after (as placed in `starts`).
fn earliest(inst: &Instance, starts: &[i64], i: usize) -> i64 {
    let task = &inst.tasks[i];
    task.after
        .iter()
        .map(|&a| starts[a] + inst.tasks[a].duration)
        .fold(inst.orders[task.order].arrival, i64::max)
}

/// The starts worth trying for task `i`, in order: from its earliest (its arrival,
/// the ends of the steps it comes after), each start and end of a placed task, and
/// just past all of them.
fn candidates(inst: &Instance, starts: &[i64], placed: &[bool], i: usize) -> Vec<i64> {
    let earliest = earliest(inst, starts, i);
    let placed_times = (0..inst.tasks.len())
        .filter(|&j| placed[j] && j != i)
        .flat_map(|j| [starts[j], starts[j] + inst.tasks[j].duration]);
    // Just past everything placed, nothing is in the way (at its last instant, a
    // step of no duration may still be).
    let past = placed_times.clone().max().map_or(earliest, |m| m + 1);
    let mut candidates: Vec<i64> = placed_times.chain([earliest, past]).filter(|&x| earliest <= x).collect();
    candidates.sort_unstable();
    candidates.dedup();
    candidates
}

/// Moves each task of `starts` as early as it goes (see the module doc), until
/// `stop` says so.
pub(super) fn compact(inst: &Instance, starts: &mut [i64], stop: &dyn Fn() -> bool) {
    // Quadratic per move: keep it to days a few seconds can afford.
    if inst.tasks.len() > 600 {
        return;
    }
    let placed = vec![true; inst.tasks.len()];
    let mut served = super::schedule::served(inst, starts);
    for _ in 0..50 {
        let mut moved = false;
        let mut order: Vec<usize> = (0..inst.tasks.len()).collect();
        order.sort_by_key(|&i| (starts[i], i));
        for i in order {
            if stop() {
                return;
            }
            let candidates: Vec<i64> =
                candidates(inst, starts, &placed, i).into_iter().filter(|&x| x < starts[i]).collect();
            let fitting: Vec<i64> = {
                let check = Check { inst, starts, placed: &placed, served: &served };
                candidates.into_iter().filter(|&t| check.fits(i, t)).collect()
            };
            let was = starts[i];
            for t in fitting {
                // No order may be served later for it.
                starts[i] = t;
                let now = super::schedule::served(inst, starts);
                if now.iter().zip(&served).all(|(n, s)| n <= s) {
                    served = now;
                    moved = true;
                    break;
                }
                starts[i] = was;
            }
        }
        if !moved {
            break;
        }
    }
}

/// A first plan: each task in turn (by arrival, then recipe order), at the earliest
/// start that keeps every constraint with the tasks placed before it. Just past
/// everything placed always fits, so every task finds a start. Once `stop` says so
/// (asked before each task: placing one takes time that grows with the day's
/// square), the tasks left go there, one after the other, unchecked.
pub(super) fn greedy(inst: &Instance, stop: &dyn Fn() -> bool) -> Vec<i64> {
    let n = inst.tasks.len();
    let mut starts = vec![0i64; n];
    let mut placed = vec![false; n];
    // The latest start or end placed.
    let mut last: Option<i64> = None;
    for i in 0..n {
        let t = if stop() {
            let earliest = earliest(inst, &starts, i);
            last.map_or(earliest, |m| m + 1).max(earliest)
        } else {
            let check = Check { inst, starts: &starts, placed: &placed, served: &[] };
            candidates(inst, &starts, &placed, i)
                .into_iter()
                .find(|&t| check.fits(i, t))
                .expect("just past everything placed fits")
        };
        starts[i] = t;
        placed[i] = true;
        let end = t + inst.tasks[i].duration;
        last = Some(last.map_or(end, |m| m.max(end)));
    }
    starts
}

/// Whether `starts` keeps every constraint of the model on `inst`; `false` once
/// `stop` says so (asked before each task).
pub(super) fn feasible(inst: &Instance, starts: &[i64], stop: &dyn Fn() -> bool) -> bool {
    if starts.len() != inst.tasks.len() {
        return false;
    }
    let placed = vec![true; inst.tasks.len()];
    let served = super::schedule::served(inst, starts);
    let check = Check { inst, starts, placed: &placed, served: &served };
    inst.tasks.iter().enumerate().all(|(i, t)| {
        let ready = t.after.iter().all(|&a| starts[a] + inst.tasks[a].duration <= starts[i]);
        !stop() && ready && starts[i] >= inst.orders[t.order].arrival && check.fits(i, starts[i])
    })
}
