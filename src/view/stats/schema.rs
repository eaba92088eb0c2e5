//! What the statistics are, defined once: the shape of [`Stats`] and the registry
//! of its statistics ([`Stat`], with [`Stat::all`]), which the text tables, the
//! replications and the sweep iterate over.
//!
//! [`Stats<T>`] is generic over what a statistic is ([`Value`]): for one run
//! (`Stats<f64>`, the default, simply [`Stats`]) a count is a `u64` and everything
//! else an `f64`; over replications (`Stats<Estimate>`) every statistic is an
//! [`Estimate`](super::Estimate), built by one map over the runs
//! ([`Stats::map_runs`]).
//!
//! # Adding a statistic
//!
//! Everything is in this file but the computation: the field in [`Stats`] (or
//! [`Summary`], [`CookStats`], [`EquipmentStats`]); its registry entry, a variant of
//! [`RunStat`], [`Quantity`], [`CookStat`] or [`EquipmentStat`] with its name, label
//! and kind and its place in that type's `ALL`; and its line in [`Stats::get`] and
//! in [`Stats::map_runs`] (the compiler asks for both). Its value is computed where
//! [`StatsView::finish`](super::StatsView::finish) builds the rest. A new summary of
//! per-order times (p99, say) is a [`Quantity`], listed in `TIMES` too.
//!
//! From there, the `--stats` and `--replications` tables, the replications' JSON
//! and, for what a sweep offers ([`Metric::of`](crate::sweep::Metric::of)), the
//! sweep's targets and CSV columns follow: a test in `sweep::target` checks each
//! against the registry, and that the registry lists every statistic of the JSON.

use std::fmt::Debug;

use serde::Serialize;

/// What a statistic is: its count type and its real type.
pub trait Value {
    /// Orders, customers, queue lengths.
    type Count: Clone + Debug + PartialEq + Serialize;
    /// Times, shares, rates.
    type Real: Clone + Debug + PartialEq + Serialize;
    /// Whether the shares of customers who left and did not join are serialised:
    /// not for one run, where they follow from the counts (the JSON report has
    /// never carried them), but over replications, where they are estimated.
    const SHARES_IN_JSON: bool;
}

/// One run's statistics: counts are `u64`, the rest `f64`.
impl Value for f64 {
    type Count = u64;
    type Real = f64;
    const SHARES_IN_JSON: bool = false;
}

fn shares_hidden<T: Value, V>(_: &V) -> bool {
    !T::SHARES_IN_JSON
}

/// Mean, median, 95th percentile and maximum, in seconds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary<T: Value = f64> {
    /// How many orders the times are of (all the rest is 0 when none).
    pub count: T::Count,
    /// The mean.
    pub mean_s: T::Real,
    /// The median, by nearest rank.
    pub p50_s: T::Real,
    /// The 95th percentile, by nearest rank: the ⌈0.95 n⌉-th smallest.
    pub p95_s: T::Real,
    /// The largest.
    pub max_s: T::Real,
}

/// How one cook spent the measured time, in seconds and as shares of it (the three
/// add up to it).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CookStats<T: Value = f64> {
    /// 1-based.
    pub cook: u32,
    /// Doing hands-on steps.
    pub hands_on_s: T::Real,
    /// Standing by: a synchronous cook watching an unattended step or in line for
    /// equipment.
    pub standing_by_s: T::Real,
    /// Doing nothing.
    pub idle_s: T::Real,
    /// `hands_on_s` as a share of the measured time, in `[0, 1]`.
    pub hands_on_share: T::Real,
    /// `standing_by_s` as a share of the measured time.
    pub standing_by_share: T::Real,
    /// `idle_s` as a share of the measured time.
    pub idle_share: T::Real,
}

/// How busy one piece of equipment was, and how long its line got.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EquipmentStats<T: Value = f64> {
    /// Its name in the kitchen.
    pub name: String,
    /// How many units of it the kitchen has.
    pub capacity: u32,
    /// Unit-seconds in use.
    pub busy_s: T::Real,
    /// Busy time over capacity × measured time.
    pub utilisation: T::Real,
    /// Steps queued for it, averaged over the measured time.
    pub mean_queue: T::Real,
    /// The most steps ever queued for it at once.
    pub longest_queue: T::Count,
}

/// Everything `--stats` shows and the JSON report carries (`Stats<f64>`), or its
/// estimates over replications (`Stats<Estimate>`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Stats<T: Value = f64> {
    /// The whole run: from service start to the last event.
    pub total_s: T::Real,
    /// The measured window, after the warm-up (`total_s` without one).
    pub measured_s: T::Real,
    /// Orders served (that arrived after the warm-up).
    pub served: T::Count,
    /// Customers who left before being served: their patience ran out (reneged).
    pub left: T::Count,
    /// Of the customers who came (served, left or balked), the share who left.
    #[serde(skip_serializing_if = "shares_hidden::<T, _>")]
    pub left_share: T::Real,
    /// Customers who did not join: too many were waiting (balked).
    pub balked: T::Count,
    /// Of the customers who came, the share who did not join.
    #[serde(skip_serializing_if = "shares_hidden::<T, _>")]
    pub balked_share: T::Real,
    /// Customers who waited: served after a wait before their first step started,
    /// or left (unless a step of theirs started the moment they came).
    pub waited: T::Count,
    /// Of the customers who came, the share who waited: P(wait), Erlang C's
    /// probability that an arriving customer waits.
    #[serde(skip_serializing_if = "shares_hidden::<T, _>")]
    pub waited_share: T::Real,
    /// Orders served per hour of the measured window.
    pub throughput_per_hour: T::Real,
    /// Customers in the café (arrived and not yet served or gone), averaged over the
    /// measured window: L of Little's law, L = λ W.
    pub mean_in_system: T::Real,
    /// Customers waiting (arrived, no step of theirs started yet, not gone),
    /// averaged over the measured window: L_q.
    pub mean_waiting: T::Real,
    /// Per served order: from arrival to its first step starting.
    pub wait: Summary<T>,
    /// Per served order: from arrival to served.
    pub time_in_system: Summary<T>,
    /// Each order's longest dependency chain: the least time its recipe could take.
    pub longest_chain: Summary<T>,
    /// Time in system minus longest chain, per order.
    pub above_chain: Summary<T>,
    /// One per cook, in order.
    pub cooks: Vec<CookStats<T>>,
    /// One per piece of equipment, in the kitchen's order.
    pub equipment: Vec<EquipmentStats<T>>,
}

impl Stats {
    /// Statistics of another kind built field by field from `runs`: `each` is
    /// given, for every statistic, how to read it from one run as a number, and
    /// returns its value over the runs. The cooks and equipment are those of the
    /// first run; `runs` must not be empty.
    pub fn map_runs<T>(runs: &[Stats], each: impl Fn(&dyn Fn(&Stats) -> f64) -> T) -> Stats<T>
    where
        T: Value<Count = T, Real = T>,
    {
        let first = &runs[0];
        let summary = |of: &dyn Fn(&Stats) -> &Summary| Summary {
            count: each(&|s| of(s).count as f64),
            mean_s: each(&|s| of(s).mean_s),
            p50_s: each(&|s| of(s).p50_s),
            p95_s: each(&|s| of(s).p95_s),
            max_s: each(&|s| of(s).max_s),
        };
        Stats {
            total_s: each(&|s| s.total_s),
            measured_s: each(&|s| s.measured_s),
            served: each(&|s| s.served as f64),
            left: each(&|s| s.left as f64),
            left_share: each(&|s| s.left_share),
            balked: each(&|s| s.balked as f64),
            balked_share: each(&|s| s.balked_share),
            waited: each(&|s| s.waited as f64),
            waited_share: each(&|s| s.waited_share),
            throughput_per_hour: each(&|s| s.throughput_per_hour),
            mean_in_system: each(&|s| s.mean_in_system),
            mean_waiting: each(&|s| s.mean_waiting),
            wait: summary(&|s| &s.wait),
            time_in_system: summary(&|s| &s.time_in_system),
            longest_chain: summary(&|s| &s.longest_chain),
            above_chain: summary(&|s| &s.above_chain),
            cooks: (0..first.cooks.len())
                .map(|c| CookStats {
                    cook: first.cooks[c].cook,
                    hands_on_s: each(&|s| s.cooks[c].hands_on_s),
                    standing_by_s: each(&|s| s.cooks[c].standing_by_s),
                    idle_s: each(&|s| s.cooks[c].idle_s),
                    hands_on_share: each(&|s| s.cooks[c].hands_on_share),
                    standing_by_share: each(&|s| s.cooks[c].standing_by_share),
                    idle_share: each(&|s| s.cooks[c].idle_share),
                })
                .collect(),
            equipment: (0..first.equipment.len())
                .map(|e| EquipmentStats {
                    name: first.equipment[e].name.clone(),
                    capacity: first.equipment[e].capacity,
                    busy_s: each(&|s| s.equipment[e].busy_s),
                    utilisation: each(&|s| s.equipment[e].utilisation),
                    mean_queue: each(&|s| s.equipment[e].mean_queue),
                    longest_queue: each(&|s| s.equipment[e].longest_queue as f64),
                })
                .collect(),
        }
    }

    /// Whether the warm-up left nothing to measure: the run ended before it did, or
    /// no customer arrived after it. Every statistic is then 0 and means nothing.
    pub fn measured_nothing(&self) -> bool {
        self.measured_s <= 0.0 || self.served + self.left + self.balked == 0
    }

    /// Of the customers who came (served, left or balked), the share who left.
    pub fn left_share(&self) -> f64 {
        self.left_share
    }

    /// Of the customers who came, the share who did not join.
    pub fn balked_share(&self) -> f64 {
        self.balked_share
    }

    /// A statistic's value in this run, counts as numbers; `None` for a cook or a
    /// piece of equipment the kitchen does not have.
    pub fn value(&self, stat: Stat) -> Option<f64> {
        Some(match self.get(stat)? {
            Field::Count(&n) => n as f64,
            Field::Real(&x) => x,
        })
    }
}

/// A statistic as it is stored in a [`Stats<T>`]: a count or a real.
#[derive(Debug, PartialEq)]
pub enum Field<'a, T: Value> {
    /// A count (orders, customers, queue lengths).
    Count(&'a T::Count),
    /// A real (times, shares, rates).
    Real(&'a T::Real),
}

impl<'a, T: Value<Count = T, Real = T>> Field<'a, T> {
    /// The value, when counts and reals are of the same type (an estimate).
    pub fn value(self) -> &'a T {
        match self {
            Field::Count(v) | Field::Real(v) => v,
        }
    }
}

impl<T: Value> Stats<T> {
    /// Where `stat` is in these statistics; `None` for a cook or a piece of
    /// equipment the kitchen does not have.
    pub fn get(&self, stat: Stat) -> Option<Field<'_, T>> {
        use Field::{Count, Real};
        Some(match stat {
            Stat::Run(r) => match r {
                RunStat::Total => Real(&self.total_s),
                RunStat::Measured => Real(&self.measured_s),
                RunStat::Served => Count(&self.served),
                RunStat::Left => Count(&self.left),
                RunStat::LeftShare => Real(&self.left_share),
                RunStat::Balked => Count(&self.balked),
                RunStat::BalkedShare => Real(&self.balked_share),
                RunStat::Waited => Count(&self.waited),
                RunStat::WaitedShare => Real(&self.waited_share),
                RunStat::Throughput => Real(&self.throughput_per_hour),
                RunStat::InSystem => Real(&self.mean_in_system),
                RunStat::Waiting => Real(&self.mean_waiting),
            },
            Stat::Order(of, q) => {
                let s = match of {
                    OrderTime::Wait => &self.wait,
                    OrderTime::TimeInSystem => &self.time_in_system,
                    OrderTime::LongestChain => &self.longest_chain,
                    OrderTime::AboveChain => &self.above_chain,
                };
                match q {
                    Quantity::Count => Count(&s.count),
                    Quantity::Mean => Real(&s.mean_s),
                    Quantity::P50 => Real(&s.p50_s),
                    Quantity::P95 => Real(&s.p95_s),
                    Quantity::Max => Real(&s.max_s),
                }
            }
            Stat::Cook(i, c) => {
                let s = self.cooks.get(i)?;
                Real(match c {
                    CookStat::HandsOnTime => &s.hands_on_s,
                    CookStat::StandingByTime => &s.standing_by_s,
                    CookStat::IdleTime => &s.idle_s,
                    CookStat::HandsOn => &s.hands_on_share,
                    CookStat::StandingBy => &s.standing_by_share,
                    CookStat::Idle => &s.idle_share,
                })
            }
            Stat::Equipment(i, e) => {
                let s = self.equipment.get(i)?;
                match e {
                    EquipmentStat::Busy => Real(&s.busy_s),
                    EquipmentStat::Utilisation => Real(&s.utilisation),
                    EquipmentStat::MeanQueue => Real(&s.mean_queue),
                    EquipmentStat::LongestQueue => Count(&s.longest_queue),
                }
            }
        })
    }
}

impl<T: Value> Stats<T> {
    /// How the text tables call a statistic: `orders served`, `wait: mean`,
    /// `cook 2: idle`, `machine (1): utilisation`.
    pub fn label(&self, stat: Stat) -> String {
        match stat {
            Stat::Run(r) => r.label().into(),
            Stat::Order(o, q) => format!("{}: {}", o.label(), q.name()),
            Stat::Cook(i, c) => format!("cook {}: {}", self.cooks[i].cook, c.label()),
            Stat::Equipment(i, e) => {
                let eq = &self.equipment[i];
                format!("{} ({}): {}", eq.name, eq.capacity, e.label())
            }
        }
    }
}

/// How a statistic reads: what its number is, and so how it is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// In seconds (shown in the scenario's unit).
    Time,
    /// 0 to 1 (shown as a percentage).
    Share,
    /// A whole number.
    Count,
    /// Per hour.
    Rate,
    /// A time-averaged number (of steps in a queue, of customers in the café).
    Queue,
}

/// A statistic of the whole run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunStat {
    /// `total_s`: from service start to the last event.
    Total,
    /// `measured_s`: the window after the warm-up.
    Measured,
    /// `served`: orders served.
    Served,
    /// `left`: customers who left unserved.
    Left,
    /// `left_share`: of those who came, the share who left.
    LeftShare,
    /// `balked`: customers who did not join.
    Balked,
    /// `balked_share`: of those who came, the share who did not join.
    BalkedShare,
    /// `waited`: customers who waited.
    Waited,
    /// `waited_share`: of those who came, the share who waited.
    WaitedShare,
    /// `throughput_per_hour`: orders served per hour.
    Throughput,
    /// `mean_in_system`: customers in the café, time-averaged (L).
    InSystem,
    /// `mean_waiting`: customers waiting, time-averaged (L_q).
    Waiting,
}

/// A per-order time, summarised by [`Quantity`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrderTime {
    /// `wait`: from arrival to the first step starting.
    Wait,
    /// `time_in_system`: from arrival to served.
    TimeInSystem,
    /// `longest_chain`: the order's longest chain of steps through `after`.
    LongestChain,
    /// `above_chain`: time in system minus the longest chain.
    AboveChain,
}

/// Which summary of a per-order time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Quantity {
    /// How many orders (not a time).
    Count,
    /// `mean_s`: the mean.
    Mean,
    /// `p50_s`: the median, by nearest rank.
    P50,
    /// `p95_s`: the 95th percentile, by nearest rank.
    P95,
    /// `max_s`: the largest.
    Max,
}

/// A statistic of one cook.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CookStat {
    /// `hands_on_s`
    HandsOnTime,
    /// `standing_by_s`
    StandingByTime,
    /// `idle_s`
    IdleTime,
    /// `hands_on_share`
    HandsOn,
    /// `standing_by_share`
    StandingBy,
    /// `idle_share`
    Idle,
}

/// A statistic of one piece of equipment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EquipmentStat {
    /// `busy_s`: unit-seconds in use.
    Busy,
    /// `utilisation`: busy time over capacity × measured time.
    Utilisation,
    /// `mean_queue`: steps queued for it, time-averaged.
    MeanQueue,
    /// `longest_queue`: the most steps queued at once.
    LongestQueue,
}

/// One statistic of [`Stats`]: its place, hence its name, label and kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stat {
    /// Of the whole run.
    Run(RunStat),
    /// A summary of a per-order time.
    Order(OrderTime, Quantity),
    /// Of the cook at this index (from 0).
    Cook(usize, CookStat),
    /// Of the piece of equipment at this index in the kitchen.
    Equipment(usize, EquipmentStat),
}

/// The registry's accessors of an enum whose `spec()` gives (name, label, kind):
/// written once for `RunStat`, `CookStat` and `EquipmentStat`.
macro_rules! spec_accessors {
    () => {
        /// Its field in JSON (and in the statistics' structs).
        pub fn name(self) -> &'static str {
            self.spec().0
        }

        /// Its label in the text tables.
        pub fn label(self) -> &'static str {
            self.spec().1
        }

        /// What kind of number it is, which says how it is printed.
        pub fn kind(self) -> Kind {
            self.spec().2
        }
    };
}

/// The registry: every statistic's name (its field in [`Stats`] and in JSON),
/// label (in the text tables) and kind, in the order they are listed.
impl RunStat {
    /// Every one, in the order of its fields.
    pub const ALL: [RunStat; 12] = [
        RunStat::Total,
        RunStat::Measured,
        RunStat::Served,
        RunStat::Left,
        RunStat::LeftShare,
        RunStat::Balked,
        RunStat::BalkedShare,
        RunStat::Waited,
        RunStat::WaitedShare,
        RunStat::Throughput,
        RunStat::InSystem,
        RunStat::Waiting,
    ];

    spec_accessors!();

    fn spec(self) -> (&'static str, &'static str, Kind) {
        match self {
            RunStat::Total => ("total_s", "total time", Kind::Time),
            RunStat::Measured => ("measured_s", "measured time", Kind::Time),
            RunStat::Served => ("served", "orders served", Kind::Count),
            RunStat::Left => ("left", "customers who left", Kind::Count),
            RunStat::LeftShare => ("left_share", "share of those who came", Kind::Share),
            RunStat::Balked => ("balked", "customers who did not join", Kind::Count),
            RunStat::BalkedShare => ("balked_share", "share of those who came", Kind::Share),
            RunStat::Waited => ("waited", "customers who waited", Kind::Count),
            RunStat::WaitedShare => ("waited_share", "share of those who came", Kind::Share),
            RunStat::Throughput => ("throughput_per_hour", "throughput per hour", Kind::Rate),
            RunStat::InSystem => ("mean_in_system", "customers in the café", Kind::Queue),
            RunStat::Waiting => ("mean_waiting", "customers waiting", Kind::Queue),
        }
    }

    /// Whether the text tables show it (all do).
    pub fn in_tables(self) -> bool {
        true
    }

    /// Whether it is about customers who gave up (left or did not join): listed
    /// only when some did.
    pub fn about_giving_up(self) -> bool {
        matches!(self, RunStat::Left | RunStat::LeftShare | RunStat::Balked | RunStat::BalkedShare)
    }
}

impl OrderTime {
    /// Every one, in the order of [`Stats`]' fields.
    pub const ALL: [OrderTime; 4] =
        [OrderTime::Wait, OrderTime::TimeInSystem, OrderTime::LongestChain, OrderTime::AboveChain];

    /// Its field in [`Stats`]: `wait`, `time_in_system`, ...
    pub fn name(self) -> &'static str {
        match self {
            OrderTime::Wait => "wait",
            OrderTime::TimeInSystem => "time_in_system",
            OrderTime::LongestChain => "longest_chain",
            OrderTime::AboveChain => "above_chain",
        }
    }

    /// Its label in the text tables.
    pub fn label(self) -> &'static str {
        match self {
            OrderTime::Wait => "wait",
            OrderTime::TimeInSystem => "time in system",
            OrderTime::LongestChain => "longest chain",
            OrderTime::AboveChain => "above the chain",
        }
    }
}

impl Quantity {
    /// Every field of a [`Summary`].
    pub const ALL: [Quantity; 5] =
        [Quantity::Count, Quantity::Mean, Quantity::P50, Quantity::P95, Quantity::Max];
    /// The summaries of the times themselves, as the tables show them.
    pub const TIMES: [Quantity; 4] = [Quantity::Mean, Quantity::P50, Quantity::P95, Quantity::Max];

    /// `mean`, `p50`, ...: its label, and its name in a sweep's targets.
    pub fn name(self) -> &'static str {
        match self {
            Quantity::Count => "count",
            Quantity::Mean => "mean",
            Quantity::P50 => "p50",
            Quantity::P95 => "p95",
            Quantity::Max => "max",
        }
    }

    /// Its field in a [`Summary`]: `count`, `mean_s`, ...
    pub fn field(self) -> &'static str {
        match self {
            Quantity::Count => "count",
            Quantity::Mean => "mean_s",
            Quantity::P50 => "p50_s",
            Quantity::P95 => "p95_s",
            Quantity::Max => "max_s",
        }
    }

    /// A count for [`Quantity::Count`], a time otherwise.
    pub fn kind(self) -> Kind {
        if self == Quantity::Count { Kind::Count } else { Kind::Time }
    }

    /// Whether the text tables show it: the times, not how many orders.
    pub fn in_tables(self) -> bool {
        self.kind() == Kind::Time
    }
}

impl CookStat {
    /// Every one, in the order of its fields.
    pub const ALL: [CookStat; 6] = [
        CookStat::HandsOnTime,
        CookStat::StandingByTime,
        CookStat::IdleTime,
        CookStat::HandsOn,
        CookStat::StandingBy,
        CookStat::Idle,
    ];

    spec_accessors!();

    fn spec(self) -> (&'static str, &'static str, Kind) {
        match self {
            CookStat::HandsOnTime => ("hands_on_s", "hands-on time", Kind::Time),
            CookStat::StandingByTime => ("standing_by_s", "standing-by time", Kind::Time),
            CookStat::IdleTime => ("idle_s", "idle time", Kind::Time),
            CookStat::HandsOn => ("hands_on_share", "hands-on", Kind::Share),
            CookStat::StandingBy => ("standing_by_share", "standing by", Kind::Share),
            CookStat::Idle => ("idle_share", "idle", Kind::Share),
        }
    }

    /// Whether the text tables show it: the shares, not the times.
    pub fn in_tables(self) -> bool {
        self.kind() == Kind::Share
    }
}

impl EquipmentStat {
    /// Every one, in the order of its fields.
    pub const ALL: [EquipmentStat; 4] = [
        EquipmentStat::Busy,
        EquipmentStat::Utilisation,
        EquipmentStat::MeanQueue,
        EquipmentStat::LongestQueue,
    ];

    spec_accessors!();

    fn spec(self) -> (&'static str, &'static str, Kind) {
        match self {
            EquipmentStat::Busy => ("busy_s", "busy time", Kind::Time),
            EquipmentStat::Utilisation => ("utilisation", "utilisation", Kind::Share),
            EquipmentStat::MeanQueue => ("mean_queue", "mean queue", Kind::Queue),
            EquipmentStat::LongestQueue => ("longest_queue", "longest queue", Kind::Count),
        }
    }

    /// Whether the text tables show it: all but the busy time.
    pub fn in_tables(self) -> bool {
        self != EquipmentStat::Busy
    }
}

impl Stat {
    /// Every statistic of a kitchen with `cooks` cooks and `equipment` pieces of
    /// equipment, in the order of [`Stats`]' fields.
    pub fn all(cooks: usize, equipment: usize) -> impl Iterator<Item = Stat> {
        let run = RunStat::ALL.into_iter().map(Stat::Run);
        let orders = OrderTime::ALL.into_iter().flat_map(|o| Quantity::ALL.map(|q| Stat::Order(o, q)));
        let cooks = (0..cooks).flat_map(|c| CookStat::ALL.map(|s| Stat::Cook(c, s)));
        let equipment = (0..equipment).flat_map(|e| EquipmentStat::ALL.map(|s| Stat::Equipment(e, s)));
        run.chain(orders).chain(cooks).chain(equipment)
    }

    /// Whether the text tables show it.
    pub fn in_tables(self) -> bool {
        match self {
            Stat::Run(r) => r.in_tables(),
            Stat::Order(_, q) => q.in_tables(),
            Stat::Cook(_, c) => c.in_tables(),
            Stat::Equipment(_, e) => e.in_tables(),
        }
    }

    /// What kind of number it is, which says how it is printed.
    pub fn kind(self) -> Kind {
        match self {
            Stat::Run(r) => r.kind(),
            Stat::Order(_, q) => q.kind(),
            Stat::Cook(_, c) => c.kind(),
            Stat::Equipment(_, e) => e.kind(),
        }
    }

    /// Where it is in JSON: `served`, `wait.mean_s`, `cooks[1].idle_share`,
    /// `equipment[0].utilisation` (indices from 0).
    pub fn json_path(self) -> String {
        match self {
            Stat::Run(r) => r.name().into(),
            Stat::Order(o, q) => format!("{}.{}", o.name(), q.field()),
            Stat::Cook(i, c) => format!("cooks[{i}].{}", c.name()),
            Stat::Equipment(i, e) => format!("equipment[{i}].{}", e.name()),
        }
    }
}
