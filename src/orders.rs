//! The stream of orders a run serves: the scenario's customers, with every random
//! draw made.
//!
//! Orders come out in arrival order and are drawn one at a time, so a run of ten
//! million customers never holds more than the orders in the kitchen. Draws come from
//! two PCG64 streams (`rand_pcg::Pcg64`, the same numbers on every platform) seeded
//! from the run's seed: one for arrivals and what is ordered, one for durations. For
//! each customer in turn: the inter-arrival time (generated customers), the item (when
//! the mix has several), each option's value (generated customers), then each step's
//! duration in recipe order (random durations only).

use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;

use crate::model::{Customers, Dist, ItemIx, Scenario};
use crate::time::{Ticks, TimeUnit};

/// One customer's order, as the engine serves it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Order {
    /// 1-based, in arrival order.
    pub id: u64,
    /// Index into the scenario's customer list, for a listed customer.
    pub listed: Option<u32>,
    pub item: ItemIx,
    /// One value index per menu option.
    pub options: Vec<u16>,
    /// When the customer comes in.
    pub arrival: Ticks,
    /// Each step's duration, in recipe order.
    pub durations: Vec<Ticks>,
}

/// Draws the orders of one run.
pub struct OrderSource<'s> {
    scenario: &'s Scenario,
    next_id: u64,
    /// Arrival of the previous generated customer.
    clock: Ticks,
    arrivals: Pcg64,
    durations: Pcg64,
}

/// Stream number of the duration draws, so they do not depend on the arrival draws.
const DURATION_STREAM: u64 = 0x5EED_D0A7_10B5_0001;

impl<'s> OrderSource<'s> {
    pub fn new(scenario: &'s Scenario, seed: u64) -> Self {
        OrderSource {
            scenario,
            next_id: 1,
            clock: 0,
            arrivals: Pcg64::seed_from_u64(seed),
            durations: Pcg64::seed_from_u64(seed ^ DURATION_STREAM),
        }
    }

    /// Fills `order` with the next order (reusing its buffers); false when none is left.
    pub fn next_into(&mut self, order: &mut Order) -> bool {
        let sc = self.scenario;
        let unit = sc.unit;
        let index = self.next_id - 1;
        order.id = self.next_id;
        order.options.clear();
        order.durations.clear();
        match &sc.customers {
            Customers::List(list) => {
                let Some(c) = list.get(index as usize) else { return false };
                order.listed = Some(index as u32);
                order.item = c.item;
                order.arrival = c.arrival;
                order.options.extend_from_slice(&c.options);
                let recipe = sc.recipe_of(c.item);
                for (ix, step) in recipe.steps.iter().enumerate() {
                    let fixed = c.durations.iter().find(|(s, _)| *s as usize == ix).map(|(_, d)| *d);
                    let d = match fixed {
                        Some(d) => d,
                        None => draw(&step.duration, unit, &mut self.durations),
                    };
                    order.durations.push(d);
                }
            }
            Customers::Generate(g) => {
                if index >= g.count {
                    return false;
                }
                order.listed = None;
                self.clock = if index == 0 {
                    g.first_arrival
                } else {
                    self.clock.saturating_add(draw(&g.interarrival, unit, &mut self.arrivals))
                };
                order.arrival = self.clock;
                order.item = pick_weighted(&g.mix, &mut self.arrivals);
                for opt in &sc.menu.options {
                    let v = self.arrivals.random_range(0..opt.values.len());
                    order.options.push(v as u16);
                }
                let recipe = sc.recipe_of(order.item);
                for step in &recipe.steps {
                    order.durations.push(draw(&step.duration, unit, &mut self.durations));
                }
            }
        }
        self.next_id += 1;
        true
    }
}

impl Iterator for OrderSource<'_> {
    type Item = Order;

    fn next(&mut self) -> Option<Order> {
        let mut order = Order::default();
        self.next_into(&mut order).then_some(order)
    }
}

/// Draws one value of `dist`, in ticks. Fixed values draw nothing.
pub fn draw(dist: &Dist, unit: TimeUnit, rng: &mut Pcg64) -> Ticks {
    match *dist {
        Dist::Fixed(v) => unit.to_ticks(v),
        Dist::UniformInt { min, max } => unit.to_ticks(rng.random_range(min..=max) as f64),
        Dist::Uniform { min, max } => {
            if max > min {
                unit.to_ticks(rng.random_range(min..max))
            } else {
                unit.to_ticks(min)
            }
        }
    }
}

fn pick_weighted(mix: &[(ItemIx, f64)], rng: &mut Pcg64) -> ItemIx {
    if let [(only, _)] = mix {
        return *only;
    }
    let total: f64 = mix.iter().map(|(_, w)| w).sum();
    let mut x = rng.random_range(0.0..total);
    for (item, w) in mix {
        if x < *w {
            return *item;
        }
        x -= w;
    }
    mix.last().expect("the mix is never empty").0
}
