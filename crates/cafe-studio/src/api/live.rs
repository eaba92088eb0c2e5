//! Live runs on the real clock: `POST /api/live` starts one (202), its events
//! stream as they happen from `GET /api/live/{id}/events` (server-sent events, in
//! the formats of a finished run's result, so that the page animates a live run as
//! it animates a finished one: `start` with the kitchen's lanes, then for each of
//! the engine's events an `event` (an entry of the JSON report's `events`), the
//! `line`s of the narrative it prints (entries of its `narrative`) and the `span`s
//! of the lanes it opens or closes, and `end`), and `DELETE /api/live/{id}` stops
//! it. It is kept in the history as a run, with its JSON report and lanes (of the
//! run so far, when stopped).
//!
//! A live run mostly waits for wall time, so it runs on a thread of its own rather
//! than taking one of the permits of [`crate::work`]; at most
//! [`crate::Limits::live_runs`] at once.

use std::collections::HashMap;
use std::convert::Infallible;
use std::io;
use std::sync::Arc;

use async_cafe::clock::{self, Behind};
use async_cafe::event::{Event as EngineEvent, EventKind, Sink};
use async_cafe::model::{Mode, Scenario};
use async_cafe::ops::{self, ClockKind, RunSpec, Want};
use async_cafe::time::Ticks;
use async_cafe::view::json::{EventRecord, LineRecord};
use async_cafe::view::narrative::Narrator;
use async_cafe::view::trace::TraceView;
use axum::Json;
use axum::extract::{Path, State as Shared};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use serde::Deserialize;
use serde_json::{Value, json};

use super::record::{Asked, Finished, begin, end};
use crate::body::Body;
use crate::error::ApiError;
use crate::history::{Kind, Status};
use crate::jobs::Live;
use crate::scenario::{
    RunOptions, ScenarioText, StepCount, most_customers, most_steps, run_error, within_limits,
};
use crate::server::State;

/// A live run's request: a run's, and the speed.
#[derive(Deserialize)]
pub struct LiveRequest {
    #[serde(flatten)]
    text: ScenarioText,
    #[serde(flatten)]
    options: RunOptions,
    /// Seconds of scenario time per second of wall time; the scenario's `speed`
    /// when not given.
    #[serde(default)]
    speed: Option<f64>,
}

/// Watches a live run (through [`ops::run_watched`]) and streams what the page
/// animates, as it happens: each event, the narrative's lines, and the spans of the
/// cooks' and equipment's lanes, each new one and each one that ends.
struct Streamer<'s> {
    sc: &'s Scenario,
    live: Arc<Live>,
    narrator: Narrator<'s>,
    trace: TraceView<'s>,
    /// Per lane (by label): the spans sent, and the end the last one had then.
    sent: HashMap<String, (usize, Ticks)>,
    /// The steps made so far, against the most a run may make.
    steps: StepCount,
}

impl Streamer<'_> {
    fn send(&self, kind: &'static str, data: &impl serde::Serialize) {
        if let Ok(text) = serde_json::to_string(data) {
            self.live.push(kind, text);
        }
    }
}

impl Sink for Streamer<'_> {
    fn event(&mut self, event: &EngineEvent<'_>) {
        self.steps.count(event);
        self.send("event", &EventRecord::named(self.sc, event, |s| s));
        let mut lines = Vec::new();
        self.narrator.event(event, |t, line| {
            lines.push(LineRecord { t_s: async_cafe::time::seconds(t), line: line.to_string() })
        });
        for line in &lines {
            self.send("line", line);
        }
        self.trace.event(event);
        // Only a step's events open or end the spans of a cook or a unit.
        let step = matches!(
            event.kind,
            EventKind::StepWaiting { .. }
                | EventKind::StepStarted { .. }
                | EventKind::StepFinished { .. }
                | EventKind::StepCancelled { .. }
        );
        if !step {
            return;
        }
        let mut spans = Vec::new();
        for lane in self.trace.kitchen_lanes() {
            let (count, last_end) = self.sent.get(&lane.label).copied().unwrap_or((0, Ticks::MAX));
            let from = count.saturating_sub(1);
            for (index, span) in lane.spans.iter().enumerate().skip(from) {
                if index + 1 == count && span.end == last_end {
                    continue; // sent, and unchanged
                }
                let lane_span = super::lanes::span(self.sc, span);
                spans.push(json!({ "lane": lane.label, "kind": super::lanes::kind(lane), "index": index, "span": lane_span }));
            }
            if lane.spans.len() != count || lane.spans.last().is_some_and(|s| s.end != last_end) {
                let end = lane.spans.last().map_or(Ticks::MAX, |s| s.end);
                self.sent.insert(lane.label.clone(), (lane.spans.len(), end));
            }
        }
        for span in &spans {
            self.send("span", span);
        }
    }
}

pub async fn start(
    Shared(state): Shared<State>,
    Body(req): Body<LiveRequest>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let mut sc = req.text.scenario()?;
    req.options.apply_policy(&mut sc)?;
    within_limits(&sc, &state.0.limits)?;
    let speed = req.speed.unwrap_or(sc.speed);
    clock::check_speed("speed", speed).map_err(ApiError::bad_request)?;
    let most = state.0.limits.live_runs;
    if state.0.live.len() >= most {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            format!("{most} live runs are under way, the most the studio keeps at once: stop one first"),
        ));
    }
    let spec = RunSpec {
        mode: req.options.mode()?,
        clock: ClockKind::Real { speed, behind: Behind::Warn },
        seed: req.options.seed(&sc),
    };
    let options = json!({
        "mode": spec.mode.name(), "seed": spec.seed, "policy": sc.kitchen.policy.name(),
        "clock": "real", "speed": speed,
    });
    let id = begin(&state, Asked { kind: Kind::Run, text: &req.text, options, seed: spec.seed }).await?;
    let live = state.0.live.add(id, Live::new());
    // The kitchen before anything happens: the page lays it out from this.
    let empty = TraceView::new(&sc, spec.mode, false).finish();
    let start = json!({
        "id": id, "speed": speed, "scenario": sc.name, "summary": sc.summary,
        "mode": spec.mode, "label": label(spec.mode),
        "time_unit": { "name": sc.unit, "seconds": sc.unit.seconds() },
        "lanes": super::lanes::lanes(&sc, &empty),
    });
    live.push("start", start.to_string());
    let most = most_customers(&state.0.limits);
    let steps = StepCount::new(most_steps(&state.0.limits), live.cancel.clone());
    let shared = state.clone();
    let spawned = std::thread::Builder::new().name(format!("live-{id}")).spawn(move || {
        let want = Want {
            report: true,
            stats: true,
            cancel: live.cancel.clone(),
            max_customers: Some(most),
            ..Want::default()
        };
        let mut streamer = Streamer {
            sc: &sc,
            live: live.clone(),
            narrator: Narrator::new(&sc, spec.mode),
            // The one trace of the run: streamed as it goes, kept when it ends.
            trace: TraceView::new(&sc, spec.mode, true),
            sent: HashMap::new(),
            steps,
        };
        let outcome = ops::run_watched(&sc, spec, want, &mut io::sink(), &mut streamer);
        let outcome = match streamer.steps.error(&sc) {
            Some(e) => Err(e),
            None => outcome.map_err(|e| run_error(&sc, e)),
        };
        let (outcome, status) = match outcome {
            Ok(ran) => {
                let status = if ran.stopped.is_some() { Status::Cancelled } else { Status::Done };
                let lag = ran.worst_lag.map(|(lag, _)| lag.as_secs_f64());
                let headline = format!(
                    "{} kitchen, real clock ×{speed}{}",
                    spec.mode.title(),
                    if status == Status::Cancelled { ": stopped" } else { "" }
                );
                let lanes = super::lanes::lanes(&sc, &streamer.trace.finish());
                let result = json!({
                    "scenario": sc.name, "summary": sc.summary, "speed": speed,
                    "worst_lag_s": lag, "lanes": lanes, "report": ran.report,
                });
                (Ok(Finished { result, headline, files: Vec::new() }), status)
            }
            Err(e) => (Err(e), Status::Failed),
        };
        let status = match end(&shared, id, &outcome, status, None) {
            Ok(()) => status,
            Err(_) => Status::Failed,
        };
        shared.0.live.remove(id);
        live.end(status);
    });
    if let Err(e) = spawned {
        state.0.live.remove(id);
        let failed = ApiError::internal(format!("no thread for the run: {e}"));
        end(&state, id, &Err(failed.clone()), Status::Failed, None)?;
        return Err(failed);
    }
    Ok((StatusCode::ACCEPTED, Json(json!({ "id": id, "status": "running", "speed": speed }))))
}

pub async fn stop(
    Shared(state): Shared<State>,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let id = super::id(&id)?;
    match state.0.live.get(id) {
        Some(live) => {
            live.cancel.cancel();
            Ok((StatusCode::ACCEPTED, Json(json!({ "id": id, "status": "stopping" }))))
        }
        None => Err(ApiError::not_found(format!("no live run {id} under way"))),
    }
}

pub async fn events(
    Shared(state): Shared<State>,
    Path(id): Path<String>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let id = super::id(&id)?;
    // A run that ended a moment ago (one that failed at once) still sends its
    // messages and its end.
    let live =
        state.0.live.recent(id).ok_or_else(|| ApiError::not_found(format!("no live run {id} under way")))?;
    let rx = live.written.subscribe();
    // Every message from the first, as they come, then `end` with the status.
    type Queue = std::collections::VecDeque<(&'static str, String)>;
    let stream = futures_util::stream::unfold((live, rx, 0usize, Queue::new(), false), move |s| async move {
        let (live, mut rx, mut sent, mut queue, over) = s;
        if over {
            return None;
        }
        loop {
            if let Some((kind, data)) = queue.pop_front() {
                let event = Event::default().event(kind).data(data);
                return Some((Ok(event), (live, rx, sent, queue, false)));
            }
            let (written, status) = *rx.borrow_and_update();
            if written > sent {
                // Messages pushed since `written` was read come too: count what came.
                queue.extend(live.messages_from(sent));
                sent += queue.len();
                continue;
            }
            if let Some(status) = status {
                let event =
                    Event::default().event("end").data(json!({ "id": id, "status": status }).to_string());
                return Some((Ok(event), (live, rx, sent, queue, true)));
            }
            if rx.changed().await.is_err() {
                let event =
                    Event::default().event("end").data(json!({ "id": id, "status": "failed" }).to_string());
                return Some((Ok(event), (live, rx, sent, queue, true)));
            }
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

/// The kitchen's name as the page labels a side.
fn label(mode: Mode) -> &'static str {
    match mode {
        Mode::Async => "asynchronous",
        Mode::Sync => "synchronous",
    }
}
