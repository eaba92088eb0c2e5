//! `POST /api/edit`: the scenario's TOML with some of its kitchen changed (the
//! page's sliders): cooks, units of equipment, the arrival rate, the policy, named
//! as `cafe sweep --vary` names them and checked as it checks them. The text is
//! rewritten in place ([`async_cafe::scenario::edit`]): its comments and layout kept.

use async_cafe::scenario::edit::apply_edits;
use async_cafe::sweep;
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::body::Body;
use crate::error::ApiError;
use crate::scenario::ScenarioText;

/// An edit's request: the scenario and what to set, `{"cooks": 3}`.
#[derive(Deserialize)]
pub struct EditRequest {
    #[serde(flatten)]
    text: ScenarioText,
    /// Each parameter's new value, by its `--vary` name.
    set: Map<String, Value>,
}

/// The edited scenario.
#[derive(Serialize)]
pub struct Edited {
    /// The TOML text with the changes written in.
    toml: String,
    /// Each change as `NAME=VALUE`, as the command would write it.
    changes: Vec<String>,
}

pub async fn edit(Body(req): Body<EditRequest>) -> Result<Json<Edited>, ApiError> {
    let edited = tokio::task::spawn_blocking(move || -> Result<Edited, ApiError> {
        let mut sc = req.text.scenario()?;
        let mut changes = Vec::new();
        for (name, value) in &req.set {
            let value = match value {
                Value::Number(n) => n.to_string(),
                Value::String(s) => s.clone(),
                other => {
                    return Err(ApiError::bad_request(format!(
                        "`{name}`: give a number or a name, not {other}"
                    )));
                }
            };
            let (changed, written) = sweep::set_one(&sc, &format!("{name}={value}"))
                .map_err(|e| ApiError::unprocessable(e.to_string()))?;
            changes.push(written);
            sc = changed;
        }
        let toml =
            apply_edits(&req.text.toml, &changes).map_err(|e| ApiError::unprocessable(e.to_string()))?;
        Ok(Edited { toml, changes })
    })
    .await
    .map_err(ApiError::internal)??;
    Ok(Json(edited))
}
