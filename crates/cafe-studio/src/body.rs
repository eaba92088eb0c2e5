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

/// Whether a `Content-Type` says JSON: the media type `application/json` (any
/// case), parameters allowed (`; charset=utf-8`); not `application/jsonx` or
/// `application/json-seq`.
fn is_json(content_type: &str) -> bool {
    let media_type = content_type.split(';').next().unwrap_or("");
    media_type.trim().eq_ignore_ascii_case("application/json")
}

/// A request body read as JSON into `T`.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let json = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(is_json);
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

#[cfg(test)]
mod tests {
    use super::is_json;

    #[test]
    fn only_the_json_media_type_is_json() {
        for yes in [
            "application/json",
            "Application/JSON",
            "application/json; charset=utf-8",
            " application/json ;x=y",
        ] {
            assert!(is_json(yes), "{yes}");
        }
        for no in ["application/jsonx", "application/json-seq", "text/plain; x=application/json", "", "json"]
        {
            assert!(!is_json(no), "{no}");
        }
    }
}
