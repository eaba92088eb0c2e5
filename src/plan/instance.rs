//! The day to plan: every order with its steps' drawn durations, at the integer
//! resolution the solver counts in.

use crate::model::{Customers, EquipIx, ItemIx, Scenario, StepIx, StepKind};
use crate::orders::{Order, OrderSource};
use crate::time::Ticks;

use super::Error;

/// The most steps a plan takes on. The constraint model's size is bounded by
/// [`MAX_PAIRS`]; this bounds the rest of the work, which grows faster than the
/// day: the first plan, placed by hand, tries each step against those placed
/// before it (2,000 steps on one oven: some 12 s on a 2-core machine).
pub const MAX_STEPS: usize = 2_000;

/// The most pairs ([`Instance::pairs`]) the constraint model takes on. Each has
/// literals and constraints of its own, about 4 KB of the solver's memory, and the
/// search adds as much again and more as it learns: on days of this size the
/// planner peaked under 2 GB after a minute's search (docs/plan.md, "How big a
/// day").
pub const MAX_PAIRS: u64 = 150_000;

/// The largest horizon, in units of the resolution, the solver counts to (its
/// integers are 32 bits; the objective sums every order's time).
const MAX_HORIZON: u64 = 1_000_000;

/// One step of one order, as the solver sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Task {
    /// Index of its order in [`Instance::orders`].
    pub order: usize,
    /// Its step in the order's recipe.
    pub step: StepIx,
    /// Whether it occupies a cook for its whole duration.
    pub hands_on: bool,
    /// Its drawn duration, in units of [`Instance::resolution`].
    pub duration: i64,
    /// The equipment it holds while it runs.
    pub uses: Option<EquipIx>,
    /// The tasks (indices into [`Instance::tasks`]) it comes after.
    pub after: Vec<usize>,
}

/// One order of the day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderInfo {
    /// The order's id, 1-based in arrival order (as the engine numbers it).
    pub id: u64,
    /// What the customer ordered.
    pub item: ItemIx,
    /// The customer's name, if the scenario gives one.
    pub customer: Option<String>,
    /// When the customer comes in, in units (rounded up when not exact).
    pub arrival: i64,
    /// When the customer comes in, in ticks, exactly.
    pub arrival_ticks: Ticks,
    /// Its tasks are `first_task..first_task + tasks` of [`Instance::tasks`].
    pub first_task: usize,
    /// How many steps it has.
    pub tasks: usize,
}

/// A day to plan: the kitchen's cooks and equipment, and every order with its steps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instance {
    /// Ticks of scenario time per unit of the solver's integers: the greatest common
    /// divisor of every duration and arrival when that keeps the horizon within a
    /// million units (then the plan is exact), else a power of ten of ticks that
    /// does, every duration and arrival rounded up to it.
    pub resolution: Ticks,
    /// Whether every duration and arrival is a whole number of units: then the
    /// plan's times are the scenario's exactly.
    pub exact: bool,
    /// How many cooks work.
    pub cooks: u32,
    /// Each kind of equipment's capacity.
    pub capacity: Vec<u32>,
    /// The orders, in arrival order.
    pub orders: Vec<OrderInfo>,
    /// Every step of every order, order by order, in recipe order.
    pub tasks: Vec<Task>,
}

impl Instance {
    /// The day `sc` describes, its durations (and, for generated customers, its
    /// arrivals) drawn from `seed`. Refuses generated customers without a seed.
    pub fn new(sc: &Scenario, seed: Option<u64>) -> Result<Instance, Error> {
        let seed = match (&sc.customers, seed) {
            (_, Some(seed)) => seed,
            (Customers::List(_), None) => sc.seed,
            (Customers::Generate(_), None) => return Err(Error::NeedsSeed),
        };
        let mut source = OrderSource::new(sc, seed);
        let mut orders = Vec::new();
        let mut steps = 0;
        let mut order = Order::default();
        while source.next_into(&mut order) {
            steps += order.durations.len();
            if steps > MAX_STEPS {
                return Err(Error::TooBig { steps, max: MAX_STEPS });
            }
            orders.push(order.clone());
        }
        let inst = Instance::from_orders(sc, &orders);
        inst.check_size()?;
        Ok(inst)
    }

    /// Refuses a day too big to plan: more than [`MAX_STEPS`] steps, or a
    /// constraint model of more than [`MAX_PAIRS`] pairs. Cheap: it counts, and
    /// builds nothing of the model.
    pub fn check_size(&self) -> Result<(), Error> {
        if self.tasks.len() > MAX_STEPS {
            return Err(Error::TooBig { steps: self.tasks.len(), max: MAX_STEPS });
        }
        let pairs = self.pairs();
        if pairs > MAX_PAIRS {
            return Err(Error::ModelTooBig {
                pairs,
                max: MAX_PAIRS,
                orders: self.orders.len(),
                steps: self.tasks.len(),
            });
        }
        Ok(())
    }

    /// How many pairs of steps the constraint model relates one by one, each with
    /// literals and constraints of its own: what makes its size grow with the square
    /// of the day's. They are:
    ///
    /// * for the event loop's rule, each moment the loop must run (the start of an
    ///   unattended step or of a hands-on step of no duration, an order served)
    ///   with each hands-on step that could be in progress then: every hands-on
    ///   step that lasts, except those its own order's `after` puts before or after
    ///   it (for an order served, its own steps); none when the kitchen has more
    ///   cooks than such steps;
    /// * each step of no duration that uses equipment with each step that holds a
    ///   unit of it for some time (none when there are fewer of those than units).
    ///
    /// About (moments) × (hands-on steps): a day of `n` orders, each with `m`
    /// moments and `h` hands-on steps, has about `m·h·n²` pairs.
    pub fn pairs(&self) -> u64 {
        let busy = |t: &Task| t.hands_on && t.duration > 0;
        let hands_on = self.tasks.iter().filter(|t| busy(t)).count() as u64;
        let mut pairs = 0u64;
        if hands_on >= u64::from(self.cooks) {
            let moments = self.tasks.len() as u64 - hands_on + self.orders.len() as u64;
            // Less the related pairs: the moments' own order's hands-on steps that
            // come before or after them, and each order's own for its serving.
            let before = Precedence::of(self);
            let mut related = 0u64;
            for o in &self.orders {
                let range = o.first_task..o.first_task + o.tasks;
                related += self.tasks[range.clone()].iter().filter(|t| busy(t)).count() as u64;
                for b in range {
                    for a in before.before(b) {
                        // Never both: a moment is not a hands-on step that lasts.
                        related += u64::from(busy(&self.tasks[a]) != busy(&self.tasks[b]));
                    }
                }
            }
            pairs += moments * hands_on - related;
        }
        for (e, &cap) in self.capacity.iter().enumerate() {
            let uses = |t: &&Task| t.uses == Some(e as EquipIx);
            let lasting = self.tasks.iter().filter(uses).filter(|t| t.duration > 0).count() as u64;
            let instant = self.tasks.iter().filter(uses).filter(|t| t.duration == 0).count() as u64;
            if lasting >= u64::from(cap) {
                pairs += instant * lasting;
            }
        }
        pairs
    }

    /// The day made of `orders` (as [`OrderSource`] draws them) in `sc`'s kitchen.
    pub fn from_orders(sc: &Scenario, orders: &[Order]) -> Instance {
        let all = || orders.iter().flat_map(|o| o.durations.iter().copied().chain([o.arrival]));
        let gcd = all().fold(0, gcd);
        let horizon = orders.iter().map(|o| o.arrival).max().unwrap_or(0)
            + orders.iter().flat_map(|o| &o.durations).sum::<Ticks>();
        let limit = MAX_HORIZON.min(1_000_000_000 / (orders.len() as u64 + 1)).max(1);
        let resolution = if gcd > 0 && horizon / gcd <= limit {
            gcd
        } else {
            let mut r: Ticks = 1;
            while horizon / r > limit {
                r *= 10;
            }
            r
        };
        let exact = all().all(|t| t % resolution == 0);
        let units = |t: Ticks| t.div_ceil(resolution) as i64;
        let mut tasks = Vec::new();
        let mut infos = Vec::new();
        for (ix, o) in orders.iter().enumerate() {
            let recipe = sc.recipe_of(o.item);
            let first = tasks.len();
            for (s, step) in recipe.steps.iter().enumerate() {
                tasks.push(Task {
                    order: ix,
                    step: s as StepIx,
                    hands_on: step.kind == StepKind::HandsOn,
                    duration: units(o.durations[s]),
                    uses: step.uses,
                    after: step.after.iter().map(|&a| first + a as usize).collect(),
                });
            }
            let customer = match (&sc.customers, o.listed) {
                (Customers::List(list), Some(i)) => list[i as usize].name.clone(),
                _ => None,
            };
            infos.push(OrderInfo {
                id: o.id,
                item: o.item,
                customer,
                arrival: units(o.arrival),
                arrival_ticks: o.arrival,
                first_task: first,
                tasks: recipe.steps.len(),
            });
        }
        Instance {
            resolution,
            exact,
            cooks: u32::from(sc.kitchen.cooks),
            capacity: sc.kitchen.equipment.iter().map(|e| e.capacity).collect(),
            orders: infos,
            tasks,
        }
    }

    /// A start per task, in units, from each step's start in ticks (`(order id,
    /// step, start)`, such as the engine's run of the same day records them); `None`
    /// when a step is missing or a start is not a whole number of units.
    pub fn starts_of(&self, steps: impl IntoIterator<Item = (u64, StepIx, Ticks)>) -> Option<Vec<i64>> {
        let mut starts: Vec<Option<i64>> = vec![None; self.tasks.len()];
        for (id, step, t) in steps {
            let o = self.orders.get((id as usize).checked_sub(1)?)?;
            if o.id != id || step as usize >= o.tasks || t % self.resolution != 0 {
                return None;
            }
            starts[o.first_task + step as usize] = Some((t / self.resolution) as i64);
        }
        starts.into_iter().collect()
    }

    /// Whether a plan starting each task at `starts` (in units) keeps every rule of
    /// the model: arrivals, `after`, cooks, equipment and the event loop's.
    pub fn admits(&self, starts: &[i64]) -> bool {
        super::compact::feasible(self, starts, &|| false)
    }

    /// The latest instant any plan needs: every step one after the other, after the
    /// last arrival. (Such a plan is always possible, so an optimum lies within.)
    pub fn horizon(&self) -> i64 {
        self.orders.iter().map(|o| o.arrival).max().unwrap_or(0)
            + self.tasks.iter().map(|t| t.duration).sum::<i64>()
    }

    /// For each task, the tasks that come before it, directly or not (a bitset per
    /// task over its order's tasks, as a sorted list: orders are small).
    pub fn ancestors(&self) -> Vec<Vec<usize>> {
        let mut anc: Vec<Vec<usize>> = vec![Vec::new(); self.tasks.len()];
        for (i, t) in self.tasks.iter().enumerate() {
            let mut set: Vec<usize> = Vec::new();
            for &a in &t.after {
                set.push(a);
                set.extend_from_slice(&anc[a]);
            }
            set.sort_unstable();
            set.dedup();
            anc[i] = set;
        }
        anc
    }

    /// Each task's head (its earliest start: its customer's arrival plus the longest
    /// chain of work before it) and tail (the longest chain of work after its end,
    /// to its order's end).
    pub fn heads_and_tails(&self) -> (Vec<i64>, Vec<i64>) {
        let n = self.tasks.len();
        let mut head = vec![0i64; n];
        for (i, t) in self.tasks.iter().enumerate() {
            let arrival = self.orders[t.order].arrival;
            head[i] = t.after.iter().map(|&a| head[a] + self.tasks[a].duration).fold(arrival, i64::max);
        }
        let mut tail = vec![0i64; n];
        for i in (0..n).rev() {
            for &a in &self.tasks[i].after {
                tail[a] = tail[a].max(self.tasks[i].duration + tail[i]);
            }
        }
        (head, tail)
    }

    /// The longest chain of work of each order from its arrival: the earliest it can
    /// be served with the whole kitchen to itself.
    pub fn chains(&self) -> Vec<i64> {
        let mut end = vec![0i64; self.tasks.len()];
        self.orders
            .iter()
            .map(|o| {
                let mut last = o.arrival;
                for i in o.first_task..o.first_task + o.tasks {
                    let t = &self.tasks[i];
                    let start = t.after.iter().map(|&a| end[a]).max().unwrap_or(o.arrival).max(o.arrival);
                    end[i] = start + t.duration;
                    last = last.max(end[i]);
                }
                last - o.arrival
            })
            .collect()
    }
}

fn gcd(a: Ticks, b: Ticks) -> Ticks {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// Which steps come before which, directly or not, order by order (`after` only
/// names earlier steps of the recipe): a row of bits per task over its order's
/// tasks. A fraction of the memory of [`Instance::ancestors`] on a long recipe.
pub(super) struct Precedence {
    /// Each task's row: its first word in `bits`.
    row: Vec<usize>,
    /// Each task's order's first task.
    first: Vec<usize>,
    bits: Vec<u64>,
}

impl Precedence {
    pub(super) fn of(inst: &Instance) -> Precedence {
        let n = inst.tasks.len();
        let (mut row, mut first, mut bits) = (Vec::with_capacity(n), Vec::with_capacity(n), Vec::new());
        for o in &inst.orders {
            let words = o.tasks.div_ceil(64);
            for i in o.first_task..o.first_task + o.tasks {
                let at = bits.len();
                bits.resize(at + words, 0);
                for &a in &inst.tasks[i].after {
                    let k = a - o.first_task;
                    bits[at + k / 64] |= 1u64 << (k % 64);
                    let from = row[a];
                    for w in 0..words {
                        let above = bits[from + w];
                        bits[at + w] |= above;
                    }
                }
                row.push(at);
                first.push(o.first_task);
            }
        }
        Precedence { row, first, bits }
    }

    /// Whether task `a` comes before task `b` (both of the same order or not).
    pub(super) fn is_before(&self, a: usize, b: usize) -> bool {
        let (first, last) = (self.first[b], self.row.get(b + 1).copied().unwrap_or(self.bits.len()));
        let Some(k) = a.checked_sub(first) else { return false };
        let w = self.row[b] + k / 64;
        w < last && self.bits[w] & (1u64 << (k % 64)) != 0
    }

    /// The tasks that come before task `b`, in order.
    pub(super) fn before(&self, b: usize) -> impl Iterator<Item = usize> + '_ {
        let (first, last) = (self.first[b], self.row.get(b + 1).copied().unwrap_or(self.bits.len()));
        self.bits[self.row[b]..last].iter().enumerate().flat_map(move |(w, &word)| {
            (0..64).filter(move |k| word & (1u64 << k) != 0).map(move |k| first + w * 64 + k)
        })
    }
}
