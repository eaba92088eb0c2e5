//! A plan replayed by the engine: the scenario's kitchen set to follow it
//! ([`Policy::Planned`]), once the plan is checked to fit the scenario's day.

use std::sync::Arc;

use crate::model::{Customers, Policy, Scenario, Schedule, StepKind};
use crate::time::MAX_TICKS;

use super::{Error, Instance, Plan};

/// `sc` with its asynchronous kitchen following `plan` (see [`Policy::Planned`]),
/// and the plan's assumptions (customers wait: no patience, no balking). Refused,
/// with what does not fit, when the plan is not one of `sc`'s day drawn from the
/// plan's seed: another recipe, another order, another duration or arrival. Run it
/// with the plan's seed.
pub fn follow(sc: &Scenario, plan: &Plan) -> Result<Scenario, Error> {
    let misfit = |why: String| Error::DoesNotFit { scenario: sc.name.clone(), why };
    let inst = Instance::new(sc, Some(plan.seed))?;
    if plan.orders.len() != inst.orders.len() {
        return Err(misfit(format!(
            "the plan has {} orders, the day drawn from seed {} has {}",
            plan.orders.len(),
            plan.seed,
            inst.orders.len()
        )));
    }
    let round = |t: u64| t.div_ceil(plan.resolution.max(1)) * plan.resolution.max(1);
    let mut steps: Vec<Vec<(u64, u64)>> = Vec::with_capacity(inst.orders.len());
    for (o, po) in inst.orders.iter().zip(&plan.orders) {
        let item = &sc.menu.items[o.item as usize].name;
        let time = |t: u64| format!("{:.2} {}", sc.unit.from_ticks(t), sc.unit.name());
        if po.id != o.id || po.item != *item {
            return Err(misfit(format!(
                "order #{} is a {item} in the scenario, but #{} a {} in the plan",
                o.id, po.id, po.item
            )));
        }
        if po.arrival != o.arrival_ticks {
            return Err(misfit(format!(
                "order #{} ({item}) arrives at {} in the scenario, at {} in the plan",
                o.id,
                time(o.arrival_ticks),
                time(po.arrival)
            )));
        }
        let recipe = sc.recipe_of(o.item);
        let mut these = Vec::with_capacity(recipe.steps.len());
        for (k, step) in recipe.steps.iter().enumerate() {
            let mut found =
                plan.steps.iter().enumerate().filter(|(_, s)| s.order == o.id && s.step == step.name);
            let Some((rank, s)) = found.next() else {
                return Err(misfit(format!(
                    "order #{} ({item}) has no step `{}` in the plan",
                    o.id, step.name
                )));
            };
            let d = round(inst.tasks[o.first_task + k].duration as u64 * inst.resolution);
            let which = format!("step `{}` of order #{} ({item})", step.name, o.id);
            if s.kind != step.kind.name() {
                return Err(misfit(format!(
                    "{which} is {} in the scenario, {} in the plan",
                    step.kind.name(),
                    s.kind
                )));
            }
            if s.end > MAX_TICKS {
                return Err(misfit(format!(
                    "the plan ends {which} past the longest time a run can count ({})",
                    sc.unit.max_text()
                )));
            }
            let length = s.end.checked_sub(s.start);
            let fits = match step.kind {
                StepKind::HandsOn => length == Some(d),
                StepKind::Unattended => length.is_some_and(|l| l >= d),
            };
            if !fits {
                let given = match length {
                    Some(l) => format!("gives it {}", time(l)),
                    None => "ends it before it starts".to_string(),
                };
                let takes = match step.kind {
                    StepKind::HandsOn => "exactly that long",
                    StepKind::Unattended => "at least that long",
                };
                return Err(misfit(format!(
                    "the plan {given}, but {which} is {} and takes {} in the scenario ({takes})",
                    step.kind.name(),
                    time(d)
                )));
            }
            these.push((s.start, rank as u64));
        }
        steps.push(these);
    }
    if plan.steps.len() != inst.tasks.len() {
        return Err(misfit(format!(
            "the plan has {} steps, the day {}: some are not the scenario's",
            plan.steps.len(),
            inst.tasks.len()
        )));
    }
    let mut sc = patient(sc);
    sc.kitchen.policy = Policy::Planned;
    let items = inst.orders.iter().map(|o| o.item).collect();
    sc.kitchen.plan = Some(Arc::new(Schedule { steps, items }));
    Ok(sc)
}

/// `sc` with customers who wait to be served, as a plan assumes: no patience (the
/// scenario's or a listed customer's), no balking.
pub fn patient(sc: &Scenario) -> Scenario {
    let mut sc = sc.clone();
    sc.patience = None;
    sc.balk = None;
    if let Customers::List(list) = &mut sc.customers {
        list.iter_mut().for_each(|c| c.patience = None);
    }
    sc
}
