//! A JSON request body, whose every rejection (too large, not JSON, a field of the
//! wrong type) is an [`ApiError`] with a JSON body, not axum's plain text.
//!
//! The body must say it is JSON (`Content-Type: application/json`): a page of
//! another site can post a form or plain text to 127.0.0.1 without asking, but not
//! JSON, which the browser first asks the studio about (a CORS preflight the studio
//! does not grant).

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A request body read as JSON into `T`.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("application/json"));
        if !json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "send the body as JSON, with `Content-Type: application/json`",
            ));
        }
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
