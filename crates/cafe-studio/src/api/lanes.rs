//! A trace's lanes as the page draws them: the kitchen's cooks and units of
//! equipment (and the orders), each with its spans, times in seconds.

use async_cafe::model::Scenario;
use async_cafe::time::{self, Ticks};
use async_cafe::view::html_report::MAX_ORDER_LANES;
use async_cafe::view::trace::{Lane, LaneKind, OrderEnd, Span, Trace};
use serde_json::{Value, json};

/// The trace's lanes as JSON, times in seconds, each span as [`span`] writes it:
/// every cook and unit of equipment,
/// and the orders' lanes when there are at most as many as the HTML report draws.
pub fn lanes(sc: &Scenario, trace: &Trace) -> Vec<Value> {
    let orders = trace.lanes.iter().filter(|l| matches!(l.kind, LaneKind::Order(_))).count();
    trace
        .lanes
        .iter()
        .filter(|l| orders <= MAX_ORDER_LANES || !matches!(l.kind, LaneKind::Order(_)))
        .map(|l| {
            let spans: Vec<Value> = l.spans.iter().map(|s| span(sc, s)).collect();
            let ended = l.ended.map(|e| match e {
                OrderEnd::Served => "served",
                OrderEnd::Left => "left",
                OrderEnd::Balked => "balked",
            });
            json!({
                "label": l.label,
                "kind": kind(l),
                "spans": spans,
                "life": l.life.map(|(a, b)| [time::seconds(a), time::seconds(b)]),
                "ended": ended,
            })
        })
        .collect()
}

/// A lane's kind as the page knows it: `cook`, `equipment` or `order`.
pub fn kind(lane: &Lane) -> &'static str {
    match lane.kind {
        LaneKind::Cook(_) => "cook",
        LaneKind::Equipment(..) => "equipment",
        LaneKind::Order(_) => "order",
    }
}

/// A span as `[start, end, activity, order, step]`, times in seconds; the end is
/// `null` while the span is still open (a live run's).
pub fn span(sc: &Scenario, s: &Span) -> Value {
    let step = sc
        .menu
        .items
        .get(s.item as usize)
        .and_then(|_| sc.recipe_of(s.item).steps.get(s.step as usize))
        .map(|step| step.name.as_str());
    let end = (s.end != Ticks::MAX).then(|| time::seconds(s.end));
    json!([time::seconds(s.start), end, s.activity.name(), s.order, step])
}
