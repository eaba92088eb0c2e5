//! The page: a single-page application of three files and the editor it uses
//! (CodeMirror 5, `assets/vendor/codemirror/`), all embedded in the binary
//! (`assets/`), served with no network and no build step.

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use crate::server::State;

const INDEX: &str = include_str!("../assets/index.html");
const SCRIPT: &str = include_str!("../assets/app.js");
const STYLE: &str = include_str!("../assets/style.css");
/// CodeMirror 5 (MIT, `assets/vendor/codemirror/LICENSE`), the editor, as npm's
/// `codemirror` package ships it: its core, its style and its TOML mode.
const CODEMIRROR: &str = include_str!("../assets/vendor/codemirror/codemirror.js");
const CODEMIRROR_STYLE: &str = include_str!("../assets/vendor/codemirror/codemirror.css");
const CODEMIRROR_TOML: &str = include_str!("../assets/vendor/codemirror/toml.js");

/// `/`, `/app.js`, `/style.css` and the editor's files under `/vendor/`.
pub fn routes() -> Router<State> {
    Router::new()
        .route("/", get(|| async { asset("text/html; charset=utf-8", INDEX) }))
        .route("/app.js", get(|| async { asset("text/javascript; charset=utf-8", SCRIPT) }))
        .route("/style.css", get(|| async { asset("text/css; charset=utf-8", STYLE) }))
        .route("/vendor/codemirror.js", get(|| async { asset("text/javascript; charset=utf-8", CODEMIRROR) }))
        .route("/vendor/codemirror.css", get(|| async { asset("text/css; charset=utf-8", CODEMIRROR_STYLE) }))
        .route("/vendor/toml.js", get(|| async { asset("text/javascript; charset=utf-8", CODEMIRROR_TOML) }))
}

fn asset(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "no-cache")], body)
}
