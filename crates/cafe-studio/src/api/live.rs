//! Live runs on the real clock: `POST /api/live` starts one (202), its narrative
//! streams as it happens from `GET /api/live/{id}/events` (server-sent events: a
//! `line` event per line, each stamped with its scenario time as `cafe run
//! --timestamps` stamps it, then `end`), and `DELETE /api/live/{id}` stops it. It is
//! kept in the history as a run, with its JSON report (of the run so far, when
//! stopped).
//!
//! A live run mostly waits for wall time, so it runs on a thread of its own rather
//! than taking one of the permits of [`crate::work`]; at most
//! [`crate::Limits::live_runs`] at once.

use std::convert::Infallible;
use std::io::{self, Write};
use std::sync::Arc;

use async_cafe::clock::{self, Behind};
use async_cafe::ops::{self, ClockKind, RunSpec, Want};
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
use crate::scenario::{RunOptions, ScenarioText, within_limits};
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

/// The narrative, line by line, into a live run.
struct Lines {
    live: Arc<Live>,
    partial: Vec<u8>,
}

impl Write for Lines {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.partial.extend_from_slice(buf);
        while let Some(end) = self.partial.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.partial.drain(..=end).collect();
            self.live.push(String::from_utf8_lossy(&line[..end]).into_owned());
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
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
    let shared = state.clone();
    let spawned = std::thread::Builder::new().name(format!("live-{id}")).spawn(move || {
        let want = Want {
            narrative: true,
            timestamps: true,
            report: true,
            stats: true,
            cancel: live.cancel.clone(),
            ..Want::default()
        };
        let mut lines = Lines { live: live.clone(), partial: Vec::new() };
        let outcome =
            ops::run(&sc, spec, want, &mut lines).map_err(|e| ApiError::unprocessable(e.to_string()));
        let (outcome, status) = match outcome {
            Ok(ran) => {
                let status = if ran.stopped.is_some() { Status::Cancelled } else { Status::Done };
                let lag = ran.worst_lag.map(|(lag, _)| lag.as_secs_f64());
                let headline = format!(
                    "{} kitchen, real clock ×{speed}{}",
                    spec.mode.title(),
                    if status == Status::Cancelled { ": stopped" } else { "" }
                );
                let result = json!({
                    "scenario": sc.name, "summary": sc.summary, "speed": speed,
                    "worst_lag_s": lag, "report": ran.report,
                });
                (Ok(Finished { result, headline, files: Vec::new() }), status)
            }
            Err(e) => (Err(e), Status::Failed),
        };
        let status = match end(&shared, id, &outcome, status) {
            Ok(()) => status,
            Err(_) => Status::Failed,
        };
        shared.0.live.remove(id);
        live.end(status);
    });
    if let Err(e) = spawned {
        state.0.live.remove(id);
        let failed = ApiError::internal(format!("no thread for the run: {e}"));
        end(&state, id, &Err(failed.clone()), Status::Failed)?;
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
    let live =
        state.0.live.get(id).ok_or_else(|| ApiError::not_found(format!("no live run {id} under way")))?;
    let rx = live.written.subscribe();
    // Every line from the first, as they come, then `end` with the status.
    let stream =
        futures_util::stream::unfold((live, rx, 0usize, Vec::<String>::new(), false), move |s| async move {
            let (live, mut rx, mut sent, mut queue, over) = s;
            if over {
                return None;
            }
            loop {
                if let Some(line) = (!queue.is_empty()).then(|| queue.remove(0)) {
                    let event = Event::default().event("line").data(line);
                    return Some((Ok(event), (live, rx, sent, queue, false)));
                }
                let (written, status) = *rx.borrow_and_update();
                if written > sent {
                    // Lines pushed since `written` was read come too: count what came.
                    queue = live.lines_from(sent);
                    sent += queue.len();
                    continue;
                }
                if let Some(status) = status {
                    let event =
                        Event::default().event("end").data(json!({ "id": id, "status": status }).to_string());
                    return Some((Ok(event), (live, rx, sent, queue, true)));
                }
                if rx.changed().await.is_err() {
                    let event = Event::default()
                        .event("end")
                        .data(json!({ "id": id, "status": "failed" }).to_string());
                    return Some((Ok(event), (live, rx, sent, queue, true)));
                }
            }
        });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}
