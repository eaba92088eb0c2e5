//! `GET /api/history/{id}/report.json`, `report.html` and `report.csv`: an entry's
//! exports. The JSON is its result as kept; a sweep's page and CSV were kept when
//! it ended; a run's or a comparison's HTML report and a run's orders' CSV are made
//! again from the scenario and options kept, by the same operations (a run on the
//! virtual clock is the same run every time), so a run costs only its JSON.

use std::io;

use async_cafe::clock::Cancel;
use async_cafe::model::Scenario;
use async_cafe::ops::{self, ClockKind, CompareOptions, RunSpec, Want};
use async_cafe::view::html_report;
use axum::extract::{Path, State as Shared};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::history::{Entry, Kind, Status};
use crate::scenario::{RunOptions, ScenarioText};
use crate::server::State;

/// What an export is.
#[derive(Clone, Copy, PartialEq)]
enum Format {
    Json,
    Html,
    Csv,
}

pub async fn export(
    Shared(state): Shared<State>,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let entry = super::history::entry(&state, &id).await?;
    let id = entry.summary.id;
    let (format, content_type, extension) = match file.as_str() {
        "report.json" => (Format::Json, "application/json", "json"),
        "report.html" => (Format::Html, "text/html; charset=utf-8", "html"),
        "report.csv" => (Format::Csv, "text/csv; charset=utf-8", "csv"),
        other => {
            return Err(ApiError::not_found(format!(
                "no export `{other}`: report.json, report.html or report.csv"
            )));
        }
    };
    let missing = |why: &str| {
        ApiError::not_found(format!(
            "entry {id} ({} {}) has no {file}: {why}",
            entry.summary.kind.name(),
            entry.summary.status.name()
        ))
    };
    let Some(result) = &entry.result else { return Err(missing("only finished work has exports")) };
    let body = match (format, entry.summary.kind) {
        (Format::Json, _) => {
            // Read with `float_roundtrip`: every number is the very double written.
            let value: serde_json::Value = serde_json::from_str(result.get()).map_err(ApiError::internal)?;
            serde_json::to_string_pretty(&value).map_err(ApiError::internal)? + "\n"
        }
        (_, Kind::Sweep) => {
            let name = file.clone();
            state.db(move |h| h.file(id, &name)).await?.ok_or_else(|| missing("it was not kept"))?
        }
        (Format::Csv, Kind::Compare) => {
            return Err(missing(
                "a comparison has its HTML report and JSON; run one kitchen for its orders' CSV",
            ));
        }
        (_, _) if entry.summary.status != Status::Done => {
            return Err(missing("only finished work has exports"));
        }
        (format, _) => {
            let limit = Some(state.0.limits.run_time);
            let entry = entry.clone();
            state.0.work.run(Cancel::new(), limit, move |stop| again(&entry, format, &stop.cancel)).await??
        }
    };
    let disposition = disposition(&format!("{}-{id}.{extension}", entry.summary.name));
    Ok(([(header::CONTENT_TYPE, content_type.to_string()), (header::CONTENT_DISPOSITION, disposition)], body)
        .into_response())
}

/// `Content-Disposition` for a file named `name` (RFC 6266): `inline; filename="..."`,
/// with `/`, `\`, `"` and control characters replaced by `_` (a file name, not a
/// path; nothing that ends or breaks the header); a name that is not ASCII also as
/// `filename*=UTF-8''...` (percent-encoded), after its ASCII fallback (each
/// character that is not ASCII as `_`).
fn disposition(name: &str) -> String {
    let safe: String =
        name.chars().map(|c| if matches!(c, '/' | '\\' | '"') || c.is_control() { '_' } else { c }).collect();
    let ascii: String = safe.chars().map(|c| if c.is_ascii() { c } else { '_' }).collect();
    if ascii == safe {
        return format!("inline; filename=\"{ascii}\"");
    }
    // RFC 8187's attr-char are sent as they are, every other byte percent-encoded.
    let mut encoded = String::new();
    for b in safe.bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => encoded.push(b as char),
            b'!' | b'#' | b'$' | b'&' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~' => {
                encoded.push(b as char);
            }
            _ => encoded.push_str(&format!("%{b:02X}")),
        }
    }
    format!("inline; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// A run's or comparison's HTML report, or a run's orders' CSV, made again.
fn again(entry: &Entry, format: Format, cancel: &Cancel) -> Result<String, ApiError> {
    let text = ScenarioText { toml: entry.scenario.clone(), name: Some(entry.summary.name.clone()) };
    let mut sc = text.scenario()?;
    let options: RunOptions = serde_json::from_value(entry.options.clone()).map_err(ApiError::internal)?;
    options.apply_policy(&mut sc)?;
    let seed = options.seed(&sc);
    let failed = |e: io::Error| ApiError::internal(format!("the export could not be made: {e}"));
    match (entry.summary.kind, format) {
        (Kind::Compare, _) => {
            let opts = CompareOptions {
                seed: Some(seed),
                order_lanes: true,
                cancel: cancel.clone(),
                ..CompareOptions::default()
            };
            let cmp = ops::compare(&sc, &opts).map_err(|e| ApiError::internal(e.to_string()))?;
            Ok(cmp.report_html(&sc))
        }
        (_, Format::Csv) => {
            orders_csv(&sc, RunSpec { mode: options.mode()?, clock: ClockKind::Virtual, seed }, cancel)
        }
        _ => {
            let mode = options.mode()?;
            let run = ops::report_run(&sc, mode, seed).map_err(failed)?;
            Ok(html_report::html(&sc, &[run]))
        }
    }
}

/// The orders' CSV of a run (docs/exports.md).
fn orders_csv(sc: &Scenario, spec: RunSpec, cancel: &Cancel) -> Result<String, ApiError> {
    let dir = tempfile::tempdir().map_err(ApiError::internal)?;
    let want = Want { csv: Some(dir.path().to_path_buf()), cancel: cancel.clone(), ..Want::default() };
    let ran = ops::run(sc, spec, want, &mut io::sink()).map_err(ApiError::internal)?;
    if ran.stopped.is_some() {
        return Err(ApiError::unprocessable("the export took longer than a run may in the studio"));
    }
    std::fs::read_to_string(dir.path().join("orders.csv")).map_err(ApiError::internal)
}

#[cfg(test)]
mod tests {
    use super::disposition;

    #[test]
    fn a_file_name_is_a_name_not_a_path_and_not_ascii_is_encoded() {
        assert_eq!(disposition("lunch-3.csv"), "inline; filename=\"lunch-3.csv\"");
        assert_eq!(disposition("../../../tmp/x-29.csv"), "inline; filename=\".._.._.._tmp_x-29.csv\"");
        assert_eq!(disposition("a\\b\"c\td\re\nf\u{7f}-1.json"), "inline; filename=\"a_b_c_d_e_f_-1.json\"");
        assert_eq!(
            disposition("café ☕-2.html"),
            "inline; filename=\"caf_ _-2.html\"; filename*=UTF-8''caf%C3%A9%20%E2%98%95-2.html"
        );
    }
}
