//! A plan as a [`Trace`], so that the timeline draws it like a run.

use crate::engine::Mode;
use crate::model::{ItemIx, Scenario, StepIx};
use crate::view::trace::{Activity, Lane, LaneKind, OrderEnd, Span, Trace, cook_lane, unit_lane};

use super::Plan;

/// The menu item and recipe step named `item` and `step` in `sc`.
pub(super) fn locate(sc: &Scenario, item: &str, step: &str) -> Option<(ItemIx, StepIx)> {
    let i = sc.menu.items.iter().position(|it| it.name == item)?;
    let s = sc.recipe_of(i as ItemIx).steps.iter().position(|st| st.name == step)?;
    Some((i as ItemIx, s as StepIx))
}

/// `plan` (of `sc`) as lanes: one per cook, one per unit of equipment and, with
/// `order_lanes`, one per order, as the engine's trace has them.
pub fn trace(plan: &Plan, sc: &Scenario, order_lanes: bool) -> Trace {
    let mut cooks: Vec<Lane> = (0..sc.kitchen.cooks).map(cook_lane).collect();
    let mut units: Vec<Lane> = Vec::new();
    for (e, eq) in sc.kitchen.equipment.iter().enumerate() {
        let used = plan.steps.iter().filter_map(|s| s.equipment.as_ref()).filter(|(n, _)| *n == eq.name);
        let count = used.map(|(_, u)| u + 1).max().unwrap_or(0).max(eq.capacity.min(64));
        units.extend((0..count).map(|u| unit_lane(sc, e, u)));
    }
    let mut orders: Vec<Lane> = plan
        .orders
        .iter()
        .map(|o| Lane {
            kind: LaneKind::Order(o.id),
            label: format!("#{} {}", o.id, o.item),
            spans: Vec::new(),
            life: Some((o.arrival, o.served)),
            ended: Some(OrderEnd::Served),
        })
        .collect();
    for s in &plan.steps {
        let Some((item, step)) = locate(sc, &s.item, &s.step) else { continue };
        let hands_on = s.kind == "hands-on";
        let activity = if hands_on { Activity::HandsOn } else { Activity::Unattended };
        let span = Span { start: s.start, end: s.end, activity, order: s.order, item, step };
        if let (true, Some(c)) = (hands_on, s.cook) {
            cooks[c as usize].spans.push(span.clone());
        }
        if let Some((name, u)) = &s.equipment {
            let e = sc.kitchen.equipment.iter().position(|eq| eq.name == *name);
            if let Some(lane) =
                units.iter_mut().find(|l| e.is_some_and(|e| l.kind == LaneKind::Equipment(e as u16, *u)))
            {
                lane.spans.push(span.clone());
            }
        }
        if let Some(lane) = orders.iter_mut().find(|l| l.kind == LaneKind::Order(s.order)) {
            lane.spans.push(span);
        }
    }
    let mut lanes = cooks;
    lanes.extend(units);
    if order_lanes {
        lanes.extend(orders);
    }
    let end = plan.orders.iter().map(|o| o.served).max().unwrap_or(0);
    Trace { mode: Mode::Async, lanes, end }
}
