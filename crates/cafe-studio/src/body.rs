//! A JSON request body, whose every rejection (too large, not JSON, a field of the
//! wrong type) is an [`ApiError`] with a JSON body, not axum's plain text.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A request body read as JSON into `T`.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = Bytes::from_request(req, state).await.map_err(|r| {
            let status = r.status();
            match status {
                StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
                    status,
                    "the request body is larger than the studio accepts (see docs/studio.md, \"Limits\")",
                ),
                _ => ApiError::new(status, format!("the request body could not be read: {}", r.body_text())),
            }
        })?;
        serde_json::from_slice(&bytes)
            .map(Body)
            .map_err(|e| ApiError::bad_request(format!("the request body is not the JSON expected: {e}")))
    }
}
