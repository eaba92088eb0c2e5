//! A trace's lanes as the page draws them: the kitchen's cooks and units of
//! equipment (and the orders), each with its spans, times in seconds.

use async_cafe::model::Scenario;
use async_cafe::time;
use async_cafe::view::html_report::MAX_ORDER_LANES;
use async_cafe::view::trace::{LaneKind, OrderEnd, Trace};
use serde_json::{Value, json};

/// The trace's lanes as JSON, times in seconds, each span as `[start, end,
/// activity, order, step]`: every cook and unit of equipment,
/// and the orders' lanes when there are at most as many as the HTML report draws.
pub fn lanes(sc: &Scenario, trace: &Trace) -> Vec<Value> {
    let orders = trace.lanes.iter().filter(|l| matches!(l.kind, LaneKind::Order(_))).count();
    trace
        .lanes
        .iter()
        .filter(|l| orders <= MAX_ORDER_LANES || !matches!(l.kind, LaneKind::Order(_)))
        .map(|l| {
            let kind = match l.kind {
                LaneKind::Cook(_) => "cook",
                LaneKind::Equipment(..) => "equipment",
                LaneKind::Order(_) => "order",
            };
            let spans: Vec<Value> = l
                .spans
                .iter()
                .map(|s| {
                    let step = sc
                        .menu
                        .items
                        .get(s.item as usize)
                        .and_then(|_| sc.recipe_of(s.item).steps.get(s.step as usize))
                        .map(|step| step.name.as_str());
                    json!([time::seconds(s.start), time::seconds(s.end), s.activity.name(), s.order, step])
                })
                .collect();
            let ended = l.ended.map(|e| match e {
                OrderEnd::Served => "served",
                OrderEnd::Left => "left",
                OrderEnd::Balked => "balked",
            });
            json!({
                "label": l.label,
                "kind": kind,
                "spans": spans,
                "life": l.life.map(|(a, b)| [time::seconds(a), time::seconds(b)]),
                "ended": ended,
            })
        })
        .collect()
}
