//! Every error the API returns: a status (always 4xx for a request the studio
//! refuses, 5xx only for a fault of its own) and a JSON body
//! `{ "error": "...", "problems": [...] }`, where `problems` locates each problem of a
//! scenario (empty for other errors).

use async_cafe::scenario::{LocatedProblem, ScenarioError};
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// One problem of a scenario, where it is and what is wrong, in the words of
/// `cafe check`: the library's [`LocatedProblem`].
pub type ProblemRecord = LocatedProblem;

/// Every problem of `err` it keeps (the first [`MAX_KEPT`](async_cafe::scenario::diag::MAX_KEPT)
/// in file order), located.
pub fn problems(err: &ScenarioError) -> Vec<ProblemRecord> {
    err.located()
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

    /// 422 with the scenario's problems (the first 1,000: the error says how many
    /// there are).
    pub fn scenario(err: &ScenarioError) -> ApiError {
        ApiError { status: StatusCode::UNPROCESSABLE_ENTITY, error: err.headline(), problems: problems(err) }
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
