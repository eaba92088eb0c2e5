//! Work kept in the history: recorded as running before it starts, then as it
//! ended, its result with it.

use async_cafe::clock::Cancel;
use serde_json::Value;

use crate::error::ApiError;
use crate::history::{Ending, Kind, Status};
use crate::scenario::ScenarioText;
use crate::server::State;

/// What a piece of work produced.
pub struct Finished {
    /// Its result: a JSON object, sent with the entry's id added and kept as is.
    pub result: Value,
    /// Its result in a few words.
    pub headline: String,
    /// The files kept for export.
    pub files: Vec<(&'static str, String)>,
}

/// What is recorded before the work starts.
pub struct Asked<'a> {
    /// Run, comparison or sweep.
    pub kind: Kind,
    /// The scenario, as sent.
    pub text: &'a ScenarioText,
    /// The options, as JSON.
    pub options: Value,
    /// The seed it runs with.
    pub seed: u64,
}

/// Records `asked` as running; returns its id.
pub async fn begin(state: &State, asked: Asked<'_>) -> Result<i64, ApiError> {
    let (kind, name, toml, options, seed) =
        (asked.kind, asked.text.name().to_string(), asked.text.toml.clone(), asked.options, asked.seed);
    state.db(move |h| h.begin(kind, &name, &toml, &options, Some(seed))).await
}

/// Records how the work of entry `id` ended: done with `finished`, or failed with
/// the error; a sweep's `progress` as it ended with it.
pub fn end(
    state: &State,
    id: i64,
    outcome: &Result<Finished, ApiError>,
    done: Status,
    progress: Option<&str>,
) -> Result<(), ApiError> {
    let end = match outcome {
        Ok(f) => {
            let result = f.result.to_string();
            let end = Ending {
                status: done,
                headline: Some(&f.headline),
                error: None,
                result: Some(&result),
                files: &f.files,
                progress,
            };
            return Ok(state.0.history.finish(id, &end)?);
        }
        Err(e) => Ending {
            status: Status::Failed,
            headline: None,
            error: Some(&e.error),
            result: None,
            files: &[],
            progress,
        },
    };
    Ok(state.0.history.finish(id, &end)?)
}

/// Records `asked` as running, runs `work` on a blocking thread (within the run
/// time limit), records how it ended (on that thread), and returns the result with
/// its `id`. `work` gets the token the time limit cancels (and which it may cancel
/// itself, to stop a run past its bound on steps, saying why).
pub async fn recorded<F>(state: &State, asked: Asked<'_>, work: F) -> Result<Value, ApiError>
where
    F: FnOnce(Cancel) -> Result<Finished, ApiError> + Send + 'static,
{
    let id = begin(state, asked).await?;
    let limit = state.0.limits.run_time;
    let shared = state.clone();
    let done = state.0.work.run(Cancel::new(), Some(limit), move |stop| {
        let outcome = match work(stop.cancel.clone()) {
            Err(_) if stop.timed_out() => Err(ApiError::unprocessable(format!(
                "stopped after {} s, the longest a run may take in the studio: run it with `cafe run` instead",
                limit.as_secs()
            ))),
            outcome => outcome,
        };
        end(&shared, id, &outcome, Status::Done, None)?;
        outcome
    });
    let mut result = done.await??.result;
    if let Value::Object(fields) = &mut result {
        fields.insert("id".into(), id.into());
    }
    Ok(result)
}
