//! Every error the API returns: a status (always 4xx for a request the studio
//! refuses, 5xx only for a fault of its own) and a JSON body
//! `{ "error": "...", "problems": [...] }`, where `problems` locates each problem of a
//! scenario (empty for other errors).

use async_cafe::scenario::ScenarioError;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// One problem of a scenario, where it is and what is wrong, in the words of
/// `cafe check`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProblemRecord {
    /// The file it is in: the scenario's name, or a file it refers to.
    pub file: String,
    /// The line, from 1; `null` for a problem about a file as a whole.
    pub line: Option<usize>,
    /// The column, from 1, in characters; `null` with `line`.
    pub column: Option<usize>,
    /// What is wrong, in one line.
    pub message: String,
    /// The short text under the offending text.
    pub label: String,
    /// How to fix it.
    pub help: Option<String>,
}

/// Every problem of `err`, located.
pub fn problems(err: &ScenarioError) -> Vec<ProblemRecord> {
    err.problems
        .iter()
        .map(|p| {
            let at = err.location(p);
            ProblemRecord {
                file: err.files[p.file].0.clone(),
                line: at.map(|a| a.line),
                column: at.map(|a| a.column),
                message: p.message.clone(),
                label: p.label.clone(),
                help: p.help.clone(),
            }
        })
        .collect()
}

/// An error of the API, as it is sent.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ApiError {
    /// The HTTP status.
    #[serde(skip)]
    pub status: StatusCode,
    /// What went wrong, in one sentence.
    pub error: String,
    /// The scenario's problems, when it has some.
    pub problems: Vec<ProblemRecord>,
}

impl ApiError {
    /// An error with `status` and no problems.
    pub fn new(status: StatusCode, error: impl Into<String>) -> ApiError {
        ApiError { status, error: error.into(), problems: Vec::new() }
    }

    /// 400: the request itself is malformed.
    pub fn bad_request(error: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, error)
    }

    /// 404.
    pub fn not_found(error: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, error)
    }

    /// 422: well-formed, but the studio will not do what it asks.
    pub fn unprocessable(error: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, error)
    }

    /// 500: a fault of the studio's own (the history cannot be written, a worker
    /// thread failed).
    pub fn internal(error: impl std::fmt::Display) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("internal error: {error}"))
    }

    /// 422 with the scenario's problems.
    pub fn scenario(err: &ScenarioError) -> ApiError {
        let n = err.problems.len();
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            error: format!("{} has {n} problem{}", err.files[0].0, if n == 1 { "" } else { "s" }),
            problems: problems(err),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(&self)).into_response()
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> ApiError {
        ApiError::internal(format!("the history: {e}"))
    }
}
