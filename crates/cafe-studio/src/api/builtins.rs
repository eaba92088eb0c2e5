//! `GET /api/builtins`: every built-in scenario, its name, summary and TOML.

use async_cafe::builtin::BUILTINS;
use axum::Json;
use serde::Serialize;

use crate::error::ApiError;

/// One built-in.
#[derive(Serialize)]
pub struct BuiltinRecord {
    name: &'static str,
    summary: String,
    toml: &'static str,
}

pub async fn list() -> Result<Json<Vec<BuiltinRecord>>, ApiError> {
    BUILTINS
        .iter()
        .map(|b| {
            let sc =
                b.load().map_err(|e| ApiError::internal(format!("built-in {} is broken: {e}", b.name)))?;
            Ok(BuiltinRecord { name: b.name, summary: sc.summary, toml: b.toml })
        })
        .collect::<Result<_, _>>()
        .map(Json)
}
