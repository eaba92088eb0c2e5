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

/// Records `asked` as running, runs `work` on a blocking thread (within the run
/// time limit), records how it ended, and returns the result with its `id`.
pub async fn recorded<F>(state: &State, asked: Asked<'_>, work: F) -> Result<Value, ApiError>
where
    F: FnOnce(Cancel) -> Result<Finished, ApiError> + Send + 'static,
{
    let inner = &state.0;
    let id = inner.history.begin(
        asked.kind,
        asked.text.name(),
        &asked.text.toml,
        &asked.options,
        Some(asked.seed),
    )?;
    let limit = inner.limits.run_time;
    let done = inner.work.run(Cancel::new(), Some(limit), work).await;
    let outcome = match done {
        Ok(d) if d.timed_out && d.value.is_err() => Err(ApiError::unprocessable(format!(
            "stopped after {} s, the longest a run may take in the studio: run it with `cafe run` instead",
            limit.as_secs()
        ))),
        Ok(d) => d.value,
        Err(e) => Err(e),
    };
    match outcome {
        Ok(finished) => {
            let text = finished.result.to_string();
            let end = Ending {
                status: Status::Done,
                headline: Some(&finished.headline),
                error: None,
                result: Some(&text),
                files: &finished.files,
            };
            inner.history.finish(id, &end)?;
            let mut result = finished.result;
            if let Value::Object(fields) = &mut result {
                fields.insert("id".into(), id.into());
            }
            Ok(result)
        }
        Err(e) => {
            let end = Ending {
                status: Status::Failed,
                headline: None,
                error: Some(&e.error),
                result: None,
                files: &[],
            };
            inner.history.finish(id, &end)?;
            Err(e)
        }
    }
}
