//! The HTTP API under `/api/` (docs/studio.md documents every endpoint): each
//! handler converts its request into the library's typed inputs, runs the
//! operation on the blocking threads ([`crate::work`]) and returns the library's
//! results as JSON.

mod builtins;
mod check;
mod compare;
mod edit;
mod exports;
mod history;
mod lanes;
mod live;
mod record;
mod run;
mod scenarios;
mod sweeps;

use axum::Router;
use axum::extract::OriginalUri;
use axum::http::Method;
use axum::routing::{delete, get, post, put};

use crate::error::ApiError;
use crate::server::State;

/// Every route of the API, with JSON errors for an unknown path or method.
pub fn routes() -> Router<State> {
    Router::new()
        .route("/builtins", get(builtins::list))
        .route("/scenarios", get(scenarios::list))
        .route("/scenarios/{name}", put(scenarios::save).delete(scenarios::delete))
        .route("/check", post(check::check))
        .route("/edit", post(edit::edit))
        .route("/run", post(run::run))
        .route("/compare", post(compare::compare))
        .route("/live", post(live::start))
        .route("/live/{id}", delete(live::stop))
        .route("/live/{id}/events", get(live::events))
        .route("/sweeps", post(sweeps::start))
        .route("/sweeps/{id}", get(sweeps::progress).delete(sweeps::cancel))
        .route("/sweeps/{id}/events", get(sweeps::events))
        .route("/history", get(history::list))
        .route("/history/{id}", get(history::get))
        .route("/history/{id}/{file}", get(exports::export))
        .fallback(not_found)
        .method_not_allowed_fallback(not_allowed)
}

/// 404 for a path nothing answers, with the JSON body of every error.
pub async fn not_found(OriginalUri(uri): OriginalUri) -> ApiError {
    match uri.path() {
        path if path == "/api" || path.starts_with("/api/") => {
            ApiError::not_found(format!("no such endpoint: {path}"))
        }
        path => {
            ApiError::not_found(format!("no such page: {path} (the studio's page is /, its API under /api/)"))
        }
    }
}

async fn not_allowed(method: Method, OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        format!("{} does not take {method} (see docs/studio.md)", uri.path()),
    )
}

/// An id in a path: a positive integer.
pub fn id(text: &str) -> Result<i64, ApiError> {
    text.parse::<i64>()
        .ok()
        .filter(|&id| id > 0)
        .ok_or_else(|| ApiError::bad_request(format!("`{text}` is not an id: a positive integer")))
}
