//! Offered load: whether a kitchen can keep up with its customers at all.
//!
//! For generated customers, the offered load of a resource is the work that arrives
//! per unit of time divided by the resource's capacity: ρ = λ · E[work per order] / c.
//! λ is the arrival rate (1 / the mean inter-arrival time, times the mean group size;
//! for a schedule, its busiest piece). The work is, for the cooks, the mean time of the
//! steps that occupy a cook (hands-on steps; every step in the synchronous kitchen);
//! for a piece of equipment, the mean time of the steps that hold it; both averaged
//! over the order mix. With ρ ≥ 1 the queue grows without bound: the run still ends
//! (a generator always has a stop rule), but its statistics describe a queue that
//! never settles, and mean little beyond "add capacity".

use crate::engine::Mode;
use crate::model::{Arrivals, Customers, Dist, Scenario, StepKind};
use crate::time::thousands;

/// `2.50`; a number of a million or more in scientific notation (`3.60e12`), never
/// hundreds of digits.
fn amount(x: f64) -> String {
    amount_of(x, 2)
}

fn amount_of(x: f64, decimals: usize) -> String {
    if x < 1e6 { format!("{x:.decimals$}") } else { format!("{x:.2e}") }
}

/// One resource's offered load.
#[derive(Clone, Debug, PartialEq)]
pub struct Load {
    /// `cooks`, or the equipment's name.
    pub resource: String,
    /// How many of the resource there are (cooks, or units of the equipment).
    pub capacity: u32,
    /// Work arriving per unit of time, in units of the resource (ρ · capacity).
    pub offered: f64,
    /// ρ: the share of the capacity the arrivals need.
    pub rho: f64,
}

/// The offered load on the cooks and on each piece of equipment, for generated
/// customers (`None` for a fixed list, which has no rate).
pub fn offered_load(sc: &Scenario, mode: Mode) -> Option<Vec<Load>> {
    let Customers::Generate(g) = &sc.customers else { return None };
    let group = g.group.as_ref().map_or(1.0, Dist::mean);
    let rate = match &g.arrivals {
        Arrivals::Interarrival(d) => {
            let gap = d.mean();
            if gap > 0.0 { 1.0 / gap } else { f64::INFINITY }
        }
        Arrivals::Schedule(pieces) => pieces.iter().map(|p| p.rate).fold(0.0, f64::max),
    } * group;
    let total: f64 = g.mix.iter().map(|(_, w)| w).sum();
    let per_order = |occupies: &dyn Fn(&crate::model::Step) -> bool| -> f64 {
        g.mix
            .iter()
            .map(|(item, w)| {
                let work: f64 =
                    sc.recipe_of(*item).steps.iter().filter(|s| occupies(s)).map(|s| s.duration.mean()).sum();
                work * w / total
            })
            .sum()
    };
    let mut loads = Vec::new();
    let cook_work = per_order(&|s| mode == Mode::Sync || s.kind == StepKind::HandsOn);
    let cooks = sc.kitchen.cooks as u32;
    loads.push(Load {
        resource: "cooks".into(),
        capacity: cooks,
        offered: rate * cook_work,
        rho: rate * cook_work / cooks as f64,
    });
    for (e, eq) in sc.kitchen.equipment.iter().enumerate() {
        let work = per_order(&|s| s.uses == Some(e as u16));
        if work > 0.0 {
            loads.push(Load {
                resource: eq.name.clone(),
                capacity: eq.capacity,
                offered: rate * work,
                rho: rate * work / eq.capacity as f64,
            });
        }
    }
    Some(loads)
}

/// Erlang C: the stationary M/M/c queue (Poisson arrivals at rate `lam`, exponential
/// service at rate `mu`, `c` servers, first come first served), the queueing theory
/// the M/M/c café is checked against. A port of `shared/reference/perf/erlang_c.py`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ErlangC {
    /// The probability that an arrival has to queue.
    pub p_wait: f64,
    /// The mean wait in queue.
    pub wq: f64,
}

/// [`ErlangC`] for these rates; `None` unless the queue settles (0 < ρ < 1, with
/// ρ = λ / (c μ)).
pub fn erlang_c(lam: f64, mu: f64, c: u32) -> Option<ErlangC> {
    let a = lam / mu; // offered load (Erlangs)
    let rho = a / c as f64; // utilisation per server
    if !(0.0 < rho && rho < 1.0) {
        return None;
    }
    // Erlang B by the stable recurrence B(k) = a B(k-1) / (k + a B(k-1)).
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (k as f64 + a * b);
    }
    let p_wait = b / (1.0 - rho * (1.0 - b));
    Some(ErlangC { p_wait, wq: p_wait / (c as f64 * mu - lam) })
}

/// A warning for each resource the arrivals overload (ρ ≥ 1), saying what to change.
pub fn warnings(sc: &Scenario, mode: Mode) -> Vec<String> {
    let Some(loads) = offered_load(sc, mode) else { return Vec::new() };
    loads
        .iter()
        .filter(|l| l.rho >= 1.0)
        .map(|l| {
            // Customers who give up or walk away keep the queue bounded.
            let so = if sc.has_patience() || sc.balk.is_some() {
                "so many customers will give up or walk away rather than wait"
            } else {
                "so the queue grows without bound"
            };
            let mode = mode.title().to_lowercase();
            if !l.offered.is_finite() {
                return format!(
                    "warning: the {mode} kitchen cannot keep up: its customers all come at one instant (every interarrival time is 0), {so}; space them out, or bring fewer customers"
                );
            }
            let cooks = l.resource == "cooks";
            let (what, has) = if cooks {
                (format!("{} cooks", amount(l.offered)), format!("the kitchen has {}", l.capacity))
            } else {
                (format!("{} units of {}", amount(l.offered), l.resource), format!("it has {}", l.capacity))
            };
            // The most a kitchen can have of the resource.
            let most = if cooks { u64::from(u16::MAX) } else { u64::from(u32::MAX) };
            let need = l.offered.floor() + 1.0;
            let fix = if need <= most as f64 {
                format!("give it at least {need}, or bring fewer customers")
            } else {
                format!("no kitchen can have that many (at most {}): bring fewer customers", thousands(most))
            };
            format!(
                "warning: the {mode} kitchen cannot keep up: its customers need {what} busy all the time, and {has} (a load of {}%), {so}; {fix}",
                amount_of(l.rho * 100.0, 0),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(toml: &str) -> Scenario {
        crate::scenario::load_str("t", toml).unwrap_or_else(|e| panic!("{e}"))
    }

    const SHOP: &str = r#"
[kitchen]
cooks = 2
equipment = { espresso = 1 }
[recipes.coffee]
steps = [
    { name = "grind", kind = "hands-on", duration = 0.5 },
    { name = "pull", kind = "unattended", duration = { dist = "uniform", min = 0.5, max = 1.5 }, uses = "espresso" },
]
[menu]
coffee = "coffee"
[customers.generate]
count = 100
rate = 0.8
"#;

    #[test]
    fn offered_load_is_rate_times_work_over_capacity() {
        let sc = load(SHOP);
        let loads = offered_load(&sc, Mode::Async).unwrap();
        assert_eq!(loads.len(), 2);
        // Cooks: 0.8/s × 0.5 s of hands-on work, over 2 cooks.
        assert_eq!((loads[0].resource.as_str(), loads[0].capacity), ("cooks", 2));
        assert!((loads[0].rho - 0.2).abs() < 1e-12);
        // The machine: 0.8/s × 1 s, one unit: 80%.
        assert!((loads[1].rho - 0.8).abs() < 1e-12);
        // Synchronously the cooks stand by through the pull too: 0.8 × 1.5 / 2.
        let sync = offered_load(&sc, Mode::Sync).unwrap();
        assert!((sync[0].rho - 0.6).abs() < 1e-12);
        assert!(warnings(&sc, Mode::Async).is_empty());
    }

    #[test]
    fn an_overloaded_kitchen_is_named_with_what_to_change() {
        let sc =
            load(&SHOP.replace("rate = 0.8", "rate = 1.25").replace("count = 100", "count = 100\ngroup = 2"));
        // 2.5 customers/s × 1 s on one machine: 250%.
        let w = warnings(&sc, Mode::Async);
        assert_eq!(
            w,
            [
                "warning: the asynchronous kitchen cannot keep up: its customers need 2.50 units of espresso busy all the time, and it has 1 (a load of 250%), so the queue grows without bound; give it at least 3, or bring fewer customers"
            ]
        );
        let busy = load(&SHOP.replace("rate = 0.8", "rate = 3"));
        assert_eq!(
            warnings(&busy, Mode::Sync)[0],
            "warning: the synchronous kitchen cannot keep up: its customers need 4.50 cooks busy all the time, and the kitchen has 2 (a load of 225%), so the queue grows without bound; give it at least 5, or bring fewer customers"
        );
        // Impatient customers keep the queue bounded: they leave instead.
        let impatient = load(
            &SHOP
                .replace("rate = 0.8", "rate = 3")
                .replace("[customers.generate]", "[customers]\npatience = 5\n[customers.generate]"),
        );
        assert!(warnings(&impatient, Mode::Sync)[0].contains(
            "(a load of 225%), so many customers will give up or walk away rather than wait; give it at least 5"
        ));
        // Beyond any kitchen: no "give it at least" a count that cannot be, and no
        // number of hundreds of digits.
        let flood = load(&SHOP.replace("rate = 0.8", "rate = 1e300"));
        assert_eq!(
            warnings(&flood, Mode::Async)[0],
            "warning: the asynchronous kitchen cannot keep up: its customers need 5.00e299 cooks busy all the time, and the kitchen has 2 (a load of 2.50e301%), so the queue grows without bound; no kitchen can have that many (at most 65,535): bring fewer customers"
        );
        let at_once = load(&SHOP.replace("rate = 0.8", "interarrival = 0"));
        assert_eq!(
            warnings(&at_once, Mode::Async)[0],
            "warning: the asynchronous kitchen cannot keep up: its customers all come at one instant (every interarrival time is 0), so the queue grows without bound; space them out, or bring fewer customers"
        );
        // A fixed list has no rate to judge.
        assert!(warnings(&crate::builtin::find("cafe").unwrap().load().unwrap(), Mode::Async).is_empty());
    }
}
