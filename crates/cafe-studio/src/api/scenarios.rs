//! The user's own scenarios, kept in the history's database:
//! `GET /api/scenarios`, `PUT /api/scenarios/{name}` (`{ "toml": "..." }`, saved
//! even with problems: work in progress) and `DELETE /api/scenarios/{name}`.

use async_cafe::builtin;
use axum::Json;
use axum::extract::{Path, State as Shared};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::body::Body;
use crate::error::ApiError;
use crate::history::Saved;
use crate::server::State;

/// The longest name a saved scenario may have.
const MAX_NAME: usize = 64;

#[derive(Deserialize)]
pub struct SaveRequest {
    toml: String,
}

/// A name for a saved scenario: 1 to [`MAX_NAME`] ASCII letters, digits, `-` and `_`
/// (`^[A-Za-z0-9_-]{1,64}$`: a name that is the same in a URL, a file name and any
/// JSON Schema validator).
fn name(text: &str) -> Result<&str, ApiError> {
    let fits = (1..=MAX_NAME).contains(&text.len())
        && text.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_');
    if !fits {
        return Err(ApiError::bad_request(format!(
            "`{text}` cannot name a scenario: 1 to {MAX_NAME} ASCII letters, digits, `-` or `_`"
        )));
    }
    Ok(text)
}

/// 409 for a built-in's name, which no saved scenario has: `doing` says what was
/// asked.
fn not_a_builtin(name: &str, doing: &str) -> Result<(), ApiError> {
    match builtin::find(name) {
        Some(_) => {
            Err(ApiError::new(StatusCode::CONFLICT, format!("`{name}` is a built-in's name: {doing}")))
        }
        None => Ok(()),
    }
}

pub async fn list(Shared(state): Shared<State>) -> Result<Json<Vec<Saved>>, ApiError> {
    Ok(Json(state.db(|h| h.scenarios()).await?))
}

pub async fn save(
    Shared(state): Shared<State>,
    Path(text): Path<String>,
    Body(req): Body<SaveRequest>,
) -> Result<Json<Saved>, ApiError> {
    let name = name(&text)?.to_string();
    not_a_builtin(&name, "save your copy under another")?;
    Ok(Json(state.db(move |h| h.save_scenario(&name, &req.toml)).await?))
}

pub async fn delete(Shared(state): Shared<State>, Path(text): Path<String>) -> Result<Json<Value>, ApiError> {
    let name = name(&text)?.to_string();
    not_a_builtin(&name, "a built-in cannot be deleted, and no saved scenario has its name")?;
    let deleted = {
        let name = name.clone();
        state.db(move |h| h.delete_scenario(&name)).await?
    };
    match deleted {
        true => Ok(Json(json!({ "deleted": name }))),
        false => Err(ApiError::not_found(format!("no saved scenario `{name}`"))),
    }
}
