//! The API in process (`tower::ServiceExt::oneshot` on the router): every endpoint,
//! and every kind of error, each a JSON body with a 4xx status.

use std::time::Duration;

use async_cafe::builtin;
use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use cafe_studio::history::{History, Kind};
use cafe_studio::{Limits, State, router};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

struct Studio {
    app: Router,
    dir: tempfile::TempDir,
}

fn studio_with(limits: Limits) -> Studio {
    let dir = tempfile::tempdir().unwrap();
    let (history, marked) = History::open(&dir.path().join("history.sqlite3")).unwrap();
    assert_eq!(marked, 0);
    Studio { app: router(State::new(history, limits)), dir }
}

fn studio() -> Studio {
    studio_with(Limits::default())
}

struct Reply {
    status: StatusCode,
    content_type: String,
    headers: axum::http::HeaderMap,
    text: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    /// An error reply: `status`, a JSON body with `error` and `problems`.
    fn error(&self, status: StatusCode) -> Value {
        assert_eq!(self.status, status, "{}", self.text);
        assert!(self.content_type.starts_with("application/json"), "{}", self.content_type);
        let body = self.json();
        assert!(body["error"].as_str().is_some_and(|e| !e.is_empty()), "{body}");
        assert!(body["problems"].is_array(), "{body}");
        body
    }
}

impl Studio {
    async fn send(&self, method: Method, uri: &str, body: Option<String>) -> Reply {
        let req = Request::builder().method(method).uri(uri).header(header::CONTENT_TYPE, "application/json");
        let req = req.body(body.map_or_else(Body::empty, Body::from)).unwrap();
        let res = self.app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let content_type = res
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        Reply { status, content_type, headers, text: String::from_utf8(bytes.to_vec()).unwrap() }
    }

    /// Reads the body at `uri` to its end on a task of its own (an event stream).
    fn read_in_background(&self, uri: String) -> tokio::task::JoinHandle<String> {
        let app = self.app.clone();
        tokio::spawn(async move {
            let req = Request::get(uri).body(Body::empty()).unwrap();
            let body = app.oneshot(req).await.unwrap().into_body().collect().await.unwrap().to_bytes();
            String::from_utf8(body.to_vec()).unwrap()
        })
    }

    async fn get(&self, uri: &str) -> Reply {
        self.send(Method::GET, uri, None).await
    }

    async fn post(&self, uri: &str, body: Value) -> Reply {
        self.send(Method::POST, uri, Some(body.to_string())).await
    }
}

fn builtin_toml(name: &str) -> &'static str {
    builtin::find(name).unwrap().toml
}

#[tokio::test]
async fn the_page_and_its_files_are_served_from_the_binary() {
    let s = studio();
    let files = [
        ("/", "text/html"),
        ("/app.js", "text/javascript"),
        ("/style.css", "text/css"),
        ("/vendor/codemirror.js", "text/javascript"),
        ("/vendor/codemirror.css", "text/css"),
        ("/vendor/toml.js", "text/javascript"),
    ];
    for (path, kind) in files {
        let r = s.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(r.content_type.starts_with(kind), "{path}: {}", r.content_type);
        assert!(!r.text.is_empty());
    }
    let page = s.get("/").await.text;
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "the page loads nothing from the network"
    );
}

#[tokio::test]
async fn builtins_are_listed_with_their_summaries_and_toml() {
    let r = studio().get("/api/builtins").await;
    assert_eq!(r.status, StatusCode::OK);
    let list = r.json();
    let names: Vec<&str> = list.as_array().unwrap().iter().map(|b| b["name"].as_str().unwrap()).collect();
    let expected: Vec<&str> = builtin::BUILTINS.iter().map(|b| b.name).collect();
    assert_eq!(names, expected);
    let lunch = list.as_array().unwrap().iter().find(|b| b["name"] == "lunch").unwrap();
    assert_eq!(lunch["toml"], builtin_toml("lunch"));
    assert!(!lunch["summary"].as_str().unwrap().is_empty());
}

#[tokio::test]
async fn check_locates_every_problem_in_the_words_of_cafe_check() {
    let s = studio();
    let text = builtin_toml("lunch").replacen("uses = \"stove\"", "uses = \"oven\"", 1);
    assert_ne!(text, builtin_toml("lunch"), "the test changes the lunch scenario");
    let r = s.post("/api/check", json!({ "toml": text, "name": "lunch" })).await;
    assert_eq!(r.status, StatusCode::OK);
    let body = r.json();
    assert_eq!(body["ok"], false);
    let err = async_cafe::scenario::Source::new("lunch", &text).load().unwrap_err();
    let problems = body["problems"].as_array().unwrap();
    assert_eq!(problems.len(), err.problems.len());
    for (got, want) in problems.iter().zip(&err.problems) {
        let at = err.location(want).unwrap();
        assert_eq!(got["message"], want.message.as_str());
        assert_eq!(
            (got["line"].as_u64(), got["column"].as_u64()),
            (Some(at.line as u64), Some(at.column as u64))
        );
    }
    assert_eq!(body["rendered"], err.render());

    let ok = s.post("/api/check", json!({ "toml": builtin_toml("cafe"), "name": "cafe" })).await.json();
    assert_eq!(ok["ok"], true);
    assert_eq!(ok["summary"], "cafe.toml: ok (1 cook, 4 items on the menu, 2 customers)");
}

/// A scenario with more problems than a page can list: the first 1,000 in file
/// order, located, how many there are, and the report `cafe check` prints (the
/// first 100 and a count of the rest).
#[tokio::test]
async fn check_lists_the_first_thousand_problems_and_counts_them_all() {
    let s = studio();
    let items: Vec<String> = (0..1_500).map(|i| format!("{{item=\"y{i}\"}}")).collect();
    let text = format!(
        "[recipes.r]\nsteps=[{{name=\"a\",kind=\"hands-on\",duration=1}}]\n[menu]\nx=\"r\"\n[customers]\nlist=[{}]\n",
        items.join(",")
    );
    let body = s.post("/api/check", json!({ "toml": text, "name": "many" })).await.json();
    assert_eq!(body["ok"], false);
    assert_eq!(body["count"], 1_500);
    let problems = body["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1_000);
    assert_eq!(
        (problems[0]["message"].as_str(), problems[0]["column"].as_u64()),
        (Some("`y0` is not on the menu"), Some(13))
    );
    let rendered = body["rendered"].as_str().unwrap();
    assert!(
        rendered.ends_with(
            "\n… and 1,400 more problems (not on the menu: 1,400)\n\nerror: many.toml has 1,500 problems\n"
        ),
        "{rendered}"
    );
    // A run of it is refused with the same count.
    let r = s.post("/api/run", json!({ "toml": text, "name": "many" })).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let refused = r.json();
    assert_eq!(refused["error"], "many.toml has 1,500 problems");
    assert_eq!(refused["problems"].as_array().unwrap().len(), 1_000);
}

#[tokio::test]
async fn check_names_what_the_sliders_change() {
    let s = studio();
    let ok =
        s.post("/api/check", json!({ "toml": builtin_toml("rush-hour"), "name": "rush-hour" })).await.json();
    assert_eq!(
        ok["kitchen"],
        json!({ "cooks": 2, "equipment": [{ "name": "espresso_machine", "capacity": 1 }], "rate": null, "unit": "min" })
    );
    let poisson = "name = \"p\"\n[recipes.tea]\nsteps = [{ name = \"brew\", kind = \"hands-on\", duration = 1 }]\n[menu]\ntea = \"tea\"\n[customers.generate]\ncount = 5\ninterarrival = { dist = \"exponential\", mean = 4 }\n";
    let p = s.post("/api/check", json!({ "toml": poisson })).await.json();
    assert_eq!(p["ok"], true, "{p}");
    assert_eq!(p["kitchen"]["rate"], 0.25);
    let bad = s.post("/api/check", json!({ "toml": "name = 3" })).await.json();
    assert_eq!(bad["kitchen"], Value::Null);
}

#[tokio::test]
async fn edit_writes_the_sliders_values_into_the_toml_keeping_its_comments() {
    let s = studio();
    let text = builtin_toml("rush-hour");
    let r = s
        .post(
            "/api/edit",
            json!({ "toml": text, "name": "rush-hour", "set": { "cooks": 4, "equipment.espresso_machine": 3 } }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let body = r.json();
    let edited = body["toml"].as_str().unwrap();
    assert_eq!(body["changes"], json!(["cooks=4", "equipment.espresso_machine=3"]));
    assert_eq!(
        edited,
        async_cafe::scenario::edit::apply_edits(text, &["cooks=4", "equipment.espresso_machine=3"]).unwrap()
    );
    // Every comment is still there, and the text loads as the changed kitchen.
    for comment in text.lines().filter(|l| l.starts_with('#')) {
        assert!(edited.contains(comment), "{comment} was lost");
    }
    let sc = async_cafe::scenario::load_str("rush-hour", edited).unwrap();
    assert_eq!(sc.kitchen.cooks, 4);
    assert_eq!(sc.kitchen.equipment[0].capacity, 3);
    // A policy by name; nothing to set is the text as it was.
    let p = s.post("/api/edit", json!({ "toml": text, "set": { "policy": "longest-chain" } })).await.json();
    assert!(p["toml"].as_str().unwrap().contains("policy = \"longest-chain\""), "{p}");
    let same = s.post("/api/edit", json!({ "toml": text, "set": {} })).await.json();
    assert_eq!(same["toml"], text);
}

#[tokio::test]
async fn edit_refuses_what_cafe_sweep_vary_refuses_in_its_words() {
    let s = studio();
    let text = builtin_toml("rush-hour");
    let sc = builtin::find("rush-hour").unwrap().load().unwrap();
    for (name, value, spec) in [
        ("cooks", json!(0), "cooks=0"),
        ("cooks", json!(2.5), "cooks=2.5"),
        ("equipment.espresso_machine", json!(0), "equipment.espresso_machine=0"),
        ("equipment.espreso_machine", json!(2), "equipment.espreso_machine=2"),
        ("equipment.oven", json!(2), "equipment.oven=2"),
        ("arrivals.rate", json!(1), "arrivals.rate=1"),
        ("baristas", json!(3), "baristas=3"),
        ("policy", json!("fastest"), "policy=fastest"),
    ] {
        let body = s.post("/api/edit", json!({ "toml": text, "set": { name: value } })).await;
        let body = body.error(StatusCode::UNPROCESSABLE_ENTITY);
        let want = async_cafe::sweep::parse_vary(spec, &sc).unwrap_err().to_string();
        assert_eq!(body["error"], want.as_str(), "{spec}");
    }
    let range = s.post("/api/edit", json!({ "toml": text, "set": { "cooks": "1..3" } })).await;
    assert_eq!(range.error(StatusCode::UNPROCESSABLE_ENTITY)["error"], "`cooks=1..3`: give one value");
    let not_number = s.post("/api/edit", json!({ "toml": text, "set": { "cooks": true } })).await;
    assert!(not_number.error(StatusCode::BAD_REQUEST)["error"].as_str().unwrap().contains("give a number"));
    let no_set = s.post("/api/edit", json!({ "toml": text })).await;
    no_set.error(StatusCode::BAD_REQUEST);
    // A scenario with problems: its problems, located, as every endpoint sends them.
    let broken = s.post("/api/edit", json!({ "toml": "name = 3", "set": { "cooks": 2 } })).await;
    let broken = broken.error(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!broken["problems"].as_array().unwrap().is_empty(), "{broken}");
}

#[tokio::test]
async fn a_run_returns_the_json_report_of_cafe_run_and_is_kept_in_the_history() {
    let s = studio();
    let r =
        s.post("/api/run", json!({ "toml": builtin_toml("lunch"), "name": "lunch", "mode": "sync" })).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let body = r.json();
    let sc = builtin::find("lunch").unwrap().load().unwrap();
    let spec = async_cafe::ops::RunSpec {
        mode: async_cafe::Mode::Sync,
        clock: async_cafe::ClockKind::Virtual,
        seed: sc.seed,
    };
    let want = serde_json::to_value(async_cafe::ops::json_report(&sc, spec).unwrap()).unwrap();
    assert_eq!(body["report"], want);
    assert_eq!(body["report"]["makespan_s"], 900.0);
    let lanes: Vec<&str> =
        body["lanes"].as_array().unwrap().iter().map(|l| l["label"].as_str().unwrap()).collect();
    assert_eq!(lanes, ["cook 1", "stove 1", "stove 2", "stove 3", "stove 4", "microwave", "#1 lunch"]);
    let id = body["id"].as_i64().unwrap();

    let entry = s.get(&format!("/api/history/{id}")).await.json();
    assert_eq!((entry["kind"].as_str(), entry["status"].as_str()), (Some("run"), Some("done")));
    assert_eq!(entry["scenario"], builtin_toml("lunch"));
    assert_eq!(entry["options"]["mode"], "sync");
    assert_eq!(entry["result"]["report"], want);
    let list = s.get("/api/history").await.json()["entries"].clone();
    assert_eq!(list[0]["id"], id);
    assert_eq!(list[0]["headline"], "Synchronous kitchen: 15.00 min");

    let json = s.get(&format!("/api/history/{id}/report.json")).await;
    assert_eq!(serde_json::from_str::<Value>(&json.text).unwrap(), entry["result"]);
    let html = s.get(&format!("/api/history/{id}/report.html")).await;
    assert!(
        html.content_type.starts_with("text/html") && html.text.contains("<svg"),
        "{}",
        html.content_type
    );
    let csv = s.get(&format!("/api/history/{id}/report.csv")).await;
    assert!(csv.content_type.starts_with("text/csv"));
    assert_eq!(csv.text.lines().count(), 1 + sc.customer_count().unwrap() as usize, "{}", csv.text);
}

#[tokio::test]
async fn a_comparison_has_both_kitchens_the_speedup_and_why() {
    let s = studio();
    let r = s.post("/api/compare", json!({ "toml": builtin_toml("lunch"), "name": "lunch" })).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let body = r.json();
    assert_eq!(body["speedup"], 1.5);
    let totals: Vec<f64> =
        body["sides"].as_array().unwrap().iter().map(|s| s["makespan_s"].as_f64().unwrap()).collect();
    assert_eq!(totals, [900.0, 600.0]);
    assert_eq!(body["sides"][0]["report"]["mode"], "sync");
    assert_eq!(body["sides"][1]["report"]["mode"], "async");
    assert!(body["why"][0].as_str().unwrap().starts_with("The synchronous cook stood by"), "{}", body["why"]);
    assert!(body["text"].as_str().unwrap().contains("speedup"));
    assert_eq!(body["warnings"], json!([]), "lunch has room for its one customer");
    let busy = s.post("/api/compare", json!({ "toml": builtin_toml("rush-hour") })).await.json();
    assert!(!busy["warnings"].as_array().unwrap().is_empty(), "{}", busy["warnings"]);
    let lanes = body["sides"][1]["lanes"].as_array().unwrap();
    assert_eq!(lanes[0]["kind"], "cook");
    assert!(lanes.iter().any(|l| l["kind"] == "order"));
    let id = body["id"].as_i64().unwrap();
    let csv = s.get(&format!("/api/history/{id}/report.csv")).await;
    csv.error(StatusCode::NOT_FOUND);
    assert!(s.get(&format!("/api/history/{id}/report.html")).await.text.contains("Synchronous"));
    let r = s.post("/api/compare", json!({ "toml": builtin_toml("lunch"), "mode": "sync" })).await;
    r.error(StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_sweep_runs_in_the_background_reports_progress_and_names_the_cheapest_kitchen() {
    let s = studio();
    let req = json!({
        "toml": builtin_toml("coffee-shop"), "name": "coffee-shop",
        "vary": ["cooks=1..3"], "replications": 3, "target": ["mean_wait <= 10"],
    });
    let r = s.post("/api/sweeps", req).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    let started = r.json();
    assert_eq!((started["status"].as_str(), started["total"].as_u64()), (Some("running"), Some(9)));
    let id = started["id"].as_i64().unwrap();
    let mut last = Value::Null;
    for _ in 0..600 {
        last = s.get(&format!("/api/sweeps/{id}")).await.json();
        if last["status"] != "running" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(last["status"], "done", "{last}");
    let result = &last["result"];
    assert_eq!(result["document"]["sweep"]["rows"].as_array().unwrap().len(), 3);
    assert!(result["table"].as_str().unwrap().contains("cooks"));
    assert!(!result["answer"].as_str().unwrap().is_empty(), "{result}");
    let events = s.get(&format!("/api/sweeps/{id}/events")).await;
    assert!(events.content_type.starts_with("text/event-stream"));
    assert!(events.text.starts_with("event: end\ndata: "), "{}", events.text);
    let end: Value =
        serde_json::from_str(events.text.lines().nth(1).unwrap().trim_start_matches("data: ")).unwrap();
    assert_eq!(
        (end["status"].as_str(), end["done"].as_u64(), end["total"].as_u64()),
        (Some("done"), Some(9), Some(9))
    );
    assert!(s.get(&format!("/api/history/{id}/report.html")).await.text.contains("<table"));
    assert!(s.get(&format!("/api/history/{id}/report.csv")).await.text.starts_with("cooks"));
    s.send(Method::DELETE, &format!("/api/sweeps/{id}"), None).await.error(StatusCode::CONFLICT);
}

#[tokio::test]
async fn a_sweep_can_be_cancelled_and_streams_its_progress() {
    let s = studio();
    let req = json!({
        "toml": builtin_toml("rush-hour"), "name": "rush-hour",
        "vary": ["cooks=1..20"], "replications": 40,
    });
    let started = s.post("/api/sweeps", req).await.json();
    let id = started["id"].as_i64().unwrap();
    let events = s.read_in_background(format!("/api/sweeps/{id}/events"));
    // Some progress, then cancel.
    for _ in 0..600 {
        let p = s.get(&format!("/api/sweeps/{id}")).await.json();
        if p["done"].as_u64().unwrap_or(0) > 0 || p["status"] != "running" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let r = s.send(Method::DELETE, &format!("/api/sweeps/{id}"), None).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    let text = tokio::time::timeout(Duration::from_secs(60), events).await.unwrap().unwrap();
    assert!(text.contains("event: progress\n"), "{text}");
    assert!(text.contains("event: end\n"), "{text}");
    let end = s.get(&format!("/api/sweeps/{id}")).await.json();
    assert_eq!(end["status"], "cancelled", "{end}");
    let list = s.get("/api/history").await.json()["entries"].clone();
    assert_eq!(list[0]["status"], "cancelled");
}

/// The body of a server-sent event stream, read to its end, as (event, data) pairs.
async fn events(s: &Studio, path: &str) -> Vec<(String, String)> {
    let text = tokio::time::timeout(Duration::from_secs(60), s.get(path)).await.unwrap().text;
    text.split("\n\n")
        .filter_map(|block| {
            let field = |name: &str| block.lines().find_map(|l| l.strip_prefix(name)).map(str::to_string);
            Some((field("event: ")?, field("data: ").unwrap_or_default()))
        })
        .collect()
}

/// Lanes rebuilt from a live run's `start` and `span` messages, as the page does.
fn lanes_from(got: &[(String, String)]) -> Vec<Value> {
    let mut lanes: Vec<Value> = Vec::new();
    for (kind, data) in got {
        let data: Value = serde_json::from_str(data).unwrap();
        match kind.as_str() {
            "start" => lanes = data["lanes"].as_array().unwrap().clone(),
            "span" => {
                let lane = match lanes.iter().position(|l| l["label"] == data["lane"]) {
                    Some(i) => &mut lanes[i],
                    None => {
                        lanes.push(json!({ "label": data["lane"], "kind": data["kind"], "spans": [] }));
                        lanes.last_mut().unwrap()
                    }
                };
                let spans = lane["spans"].as_array_mut().unwrap();
                let index = data["index"].as_u64().unwrap() as usize;
                assert!(index <= spans.len(), "{data}");
                if index == spans.len() {
                    spans.push(data["span"].clone());
                } else {
                    spans[index] = data["span"].clone();
                }
            }
            _ => {}
        }
    }
    lanes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_run_streams_its_events_lines_and_lanes_as_they_happen_and_is_kept() {
    let s = studio();
    let r =
        s.post("/api/live", json!({ "toml": builtin_toml("lunch"), "name": "lunch", "speed": 3000 })).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    let id = r.json()["id"].as_i64().unwrap();
    let got = events(&s, &format!("/api/live/{id}/events")).await;
    let (end, messages) = got.split_last().unwrap();
    assert_eq!(end.0, "end");
    assert_eq!(serde_json::from_str::<Value>(&end.1).unwrap()["status"], "done");
    let start: Value = serde_json::from_str(&messages[0].1).unwrap();
    assert_eq!(messages[0].0, "start");
    assert_eq!((start["id"].as_i64(), start["mode"].as_str()), (Some(id), Some("async")));
    assert_eq!(start["time_unit"], json!({ "name": "min", "seconds": 60.0 }));
    // Each of the engine's events and lines in the formats of the JSON report, in
    // its order: the virtual clock's.
    let sc = builtin::find("lunch").unwrap().load().unwrap();
    let spec = async_cafe::ops::RunSpec {
        mode: async_cafe::Mode::Async,
        clock: async_cafe::ClockKind::Virtual,
        seed: sc.seed,
    };
    let report = serde_json::to_value(async_cafe::ops::json_report(&sc, spec).unwrap()).unwrap();
    let of = |kind: &str| -> Vec<Value> {
        messages.iter().filter(|m| m.0 == kind).map(|m| serde_json::from_str(&m.1).unwrap()).collect()
    };
    // The wall time a service took is the real clock's (its `elapsed_s`).
    let mut events = of("event");
    let mut expected = report["events"].as_array().unwrap().clone();
    for e in events.iter_mut().chain(expected.iter_mut()) {
        e.as_object_mut().unwrap().remove("elapsed_s");
    }
    assert_eq!(events, expected);
    assert_eq!(Value::Array(of("line")), report["narrative"]);
    assert!(of("line")[0]["line"] == "Preparing lunch.", "{:?}", of("line"));
    // The first span comes before the last event: the lanes grow as it runs.
    let first_span = messages.iter().position(|m| m.0 == "span").unwrap();
    let last_event = messages.iter().rposition(|m| m.0 == "event").unwrap();
    assert!(first_span < last_event);

    let entry = s.get(&format!("/api/history/{id}")).await.json();
    assert_eq!((entry["kind"].as_str(), entry["status"].as_str()), (Some("run"), Some("done")));
    assert_eq!(
        (entry["options"]["clock"].as_str(), entry["options"]["speed"].as_f64()),
        (Some("real"), Some(3000.0))
    );
    assert_eq!(entry["result"]["report"]["clock"], "real");
    assert_eq!(entry["result"]["report"]["finished"], true);
    assert_eq!(entry["result"]["report"]["events"].as_array().unwrap().len(), expected.len());
    // The lanes streamed are the finished run's, span for span.
    let kept: Vec<Value> = entry["result"]["lanes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["kind"] != "order")
        .map(|l| json!({ "label": l["label"], "kind": l["kind"], "spans": l["spans"] }))
        .collect();
    let streamed: Vec<Value> = lanes_from(messages)
        .iter()
        .map(|l| json!({ "label": l["label"], "kind": l["kind"], "spans": l["spans"] }))
        .collect();
    assert_eq!(streamed, kept);
    assert!(kept.iter().any(|l| l["kind"] == "cook" && !l["spans"].as_array().unwrap().is_empty()));
    // Asked again once it ended (a page that asks late: a run that fails at once),
    // the run sends the same messages and its end: the studio keeps the last few.
    assert_eq!(self::events(&s, &format!("/api/live/{id}/events")).await, got);
    s.get("/api/live/99/events").await.error(StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_run_can_be_stopped_and_live_runs_are_limited() {
    let s = studio_with(Limits { live_runs: 1, ..Limits::default() });
    let slow = json!({ "toml": builtin_toml("lunch"), "name": "lunch", "speed": 1 });
    let id = s.post("/api/live", slow.clone()).await.json()["id"].as_i64().unwrap();
    let body = s.post("/api/live", slow).await.error(StatusCode::TOO_MANY_REQUESTS);
    assert!(body["error"].as_str().unwrap().starts_with("1 live runs are under way"), "{body}");
    let stream = s.read_in_background(format!("/api/live/{id}/events"));
    tokio::time::sleep(Duration::from_millis(200)).await;
    let r = s.send(Method::DELETE, &format!("/api/live/{id}"), None).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    let text = tokio::time::timeout(Duration::from_secs(30), stream).await.unwrap().unwrap();
    assert!(text.starts_with("event: start\n"), "{text}");
    assert!(text.contains("event: line\ndata: {\"t_s\":0.0,\"line\":\"Preparing lunch.\"}\n"), "{text}");
    assert!(text.contains("event: event\ndata: {\"t_s\":0.0,\"kind\":\"service_started\"}\n"), "{text}");
    assert!(
        text.ends_with(&format!("event: end\ndata: {{\"id\":{id},\"status\":\"cancelled\"}}\n\n")),
        "{text}"
    );
    let entry = s.get(&format!("/api/history/{id}")).await.json();
    assert_eq!(entry["status"], "cancelled");
    assert_eq!(entry["result"]["report"]["finished"], false);
    assert!(entry["result"]["lanes"].is_array(), "{entry}");
    s.send(Method::DELETE, &format!("/api/live/{id}"), None).await.error(StatusCode::NOT_FOUND);
    let lunch = builtin_toml("lunch");
    s.post("/api/live", json!({ "toml": lunch, "speed": 0 })).await.error(StatusCode::BAD_REQUEST);
    s.post("/api/live", json!({ "toml": lunch, "speed": "fast" })).await.error(StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn scenarios_of_ones_own_are_saved_listed_replaced_and_deleted() {
    let s = studio();
    assert_eq!(s.get("/api/scenarios").await.json(), json!([]));
    let studio = &s;
    let put = move |name: &str, toml: &str| {
        let (path, body) = (format!("/api/scenarios/{name}"), json!({ "toml": toml }).to_string());
        async move { studio.send(Method::PUT, &path, Some(body)).await }
    };
    let saved = put("my-lunch", "work in progress").await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    assert_eq!(saved.json()["name"], "my-lunch");
    put("my-lunch", builtin_toml("lunch")).await;
    put("a-cafe", builtin_toml("cafe")).await;
    let list = s.get("/api/scenarios").await.json();
    let names: Vec<&str> = list.as_array().unwrap().iter().map(|x| x["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["a-cafe", "my-lunch"]);
    assert_eq!(list[1]["toml"], builtin_toml("lunch"));
    put("lunch", "x").await.error(StatusCode::CONFLICT);
    put("no%20spaces", "x").await.error(StatusCode::BAD_REQUEST);
    put(&"n".repeat(65), "x").await.error(StatusCode::BAD_REQUEST);
    s.send(Method::PUT, "/api/scenarios/x", Some("{}".into())).await.error(StatusCode::BAD_REQUEST);
    let deleted = s.send(Method::DELETE, "/api/scenarios/a-cafe", None).await;
    assert_eq!(deleted.json(), json!({ "deleted": "a-cafe" }));
    s.send(Method::DELETE, "/api/scenarios/a-cafe", None).await.error(StatusCode::NOT_FOUND);
    assert_eq!(s.get("/api/scenarios").await.json().as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn malformed_requests_get_a_json_error_never_a_500() {
    let s = studio();
    s.get("/api/nope").await.error(StatusCode::NOT_FOUND);
    let plain =
        Request::post("/api/run").header(header::CONTENT_TYPE, "text/plain").body(Body::from("{}")).unwrap();
    let res = s.app.clone().oneshot(plain).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    for (host, status) in [("evil.example:8080", StatusCode::FORBIDDEN), ("localhost:8080", StatusCode::OK)] {
        let req = Request::get("/api/history").header(header::HOST, host).body(Body::empty()).unwrap();
        assert_eq!(s.app.clone().oneshot(req).await.unwrap().status(), status, "{host}");
    }
    s.send(Method::PUT, "/api/run", None).await.error(StatusCode::METHOD_NOT_ALLOWED);
    s.send(Method::POST, "/api/run", Some("{not json".into())).await.error(StatusCode::BAD_REQUEST);
    s.post("/api/run", json!({ "name": "no toml" })).await.error(StatusCode::BAD_REQUEST);
    s.post("/api/run", json!({ "toml": 42 })).await.error(StatusCode::BAD_REQUEST);
    let cafe = builtin_toml("cafe");
    s.post("/api/run", json!({ "toml": cafe, "mode": "fast" })).await.error(StatusCode::BAD_REQUEST);
    s.post("/api/run", json!({ "toml": cafe, "policy": "random" })).await.error(StatusCode::BAD_REQUEST);
    s.post("/api/run", json!({ "toml": cafe, "seed": -1 })).await.error(StatusCode::BAD_REQUEST);
    let broken = s.post("/api/run", json!({ "toml": "[kitchen]\ncooks = 0\n", "name": "mine" })).await;
    let body = broken.error(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"], "mine.toml has 4 problems");
    assert!(
        body["problems"].as_array().unwrap().iter().any(|p| p["line"] == 2 && p["column"] == 9),
        "{body}"
    );
    for path in ["/api/history/0", "/api/history/x", "/api/sweeps/-3", "/api/sweeps/x/events"] {
        s.get(path).await.error(StatusCode::BAD_REQUEST);
    }
    s.get("/api/history/99").await.error(StatusCode::NOT_FOUND);
    s.get("/api/sweeps/99").await.error(StatusCode::NOT_FOUND);
    s.get("/api/sweeps/99/events").await.error(StatusCode::NOT_FOUND);
    s.send(Method::DELETE, "/api/sweeps/99", None).await.error(StatusCode::NOT_FOUND);
    s.get("/api/history/1/report.pdf").await.error(StatusCode::NOT_FOUND);
    let sweep = |body: Value| s.post("/api/sweeps", body);
    let shop = builtin_toml("coffee-shop");
    sweep(json!({ "toml": shop, "vary": ["chefs=1..2"] })).await.error(StatusCode::UNPROCESSABLE_ENTITY);
    sweep(json!({ "toml": shop, "replications": 0 })).await.error(StatusCode::UNPROCESSABLE_ENTITY);
    sweep(json!({ "toml": shop, "replications": 1, "target": ["mean_wait <= 1"] }))
        .await
        .error(StatusCode::UNPROCESSABLE_ENTITY);
    sweep(json!({ "toml": shop, "target": ["mean_wait <= 1", "mean_wait <= 1"] }))
        .await
        .error(StatusCode::UNPROCESSABLE_ENTITY);
    // Every problem of a sweep at once, a line each, in the command's words.
    let all = sweep(json!({ "toml": shop, "vary": ["chefs=1..2", "cooks=0"], "replications": 0 }))
        .await
        .error(StatusCode::UNPROCESSABLE_ENTITY);
    let lines: Vec<&str> = all["error"].as_str().unwrap().lines().collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[0], "--replications must be at least 1");
    assert!(lines[1].starts_with("--vary `chefs=1..2`: unknown parameter"), "{lines:?}");
    assert_eq!(lines[2], "--vary `cooks=0`: a kitchen needs at least one cook; start at 1");
}

#[tokio::test]
async fn hostile_bodies_on_every_endpoint_get_a_4xx_never_a_5xx() {
    let s = studio();
    // A few hundred bodies: not JSON, not UTF-8, the wrong shapes, and scenarios of
    // random bytes and of a built-in cut at random places.
    let mut bodies: Vec<Vec<u8>> =
        ["", "null", "[]", "{}", "\"x\"", "{\"toml\": null}", "{\"toml\": \"\", \"seed\": 1e99}"]
            .iter()
            .map(|b| b.as_bytes().to_vec())
            .collect();
    bodies.push(vec![0xff, 0xfe, b'{']);
    bodies.push(format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000)).into_bytes());
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let lunch = builtin_toml("lunch");
    for _ in 0..40 {
        let garbage: String = (0..next() % 200).map(|_| char::from(32 + (next() % 95) as u8)).collect();
        let at = lunch.char_indices().map(|(i, _)| i).nth((next() as usize) % lunch.len()).unwrap_or(0);
        let cut = &lunch[..at];
        for toml in [garbage.as_str(), cut] {
            bodies.push(
                json!({ "toml": toml, "name": "fuzz", "vary": ["cooks=1..2"], "replications": 2 })
                    .to_string()
                    .into_bytes(),
            );
        }
    }
    let posts = ["/api/check", "/api/edit", "/api/run", "/api/compare", "/api/sweeps", "/api/live"];
    for body in &bodies {
        for path in posts {
            let req = Request::post(path).body(Body::from(body.clone())).unwrap();
            let res = s.app.clone().oneshot(req).await.unwrap();
            let status = res.status();
            let bytes = res.into_body().collect().await.unwrap().to_bytes();
            assert!(!status.is_server_error(), "{path} {status}: {}", String::from_utf8_lossy(&bytes));
            if !status.is_success() {
                let error: Value = serde_json::from_slice(&bytes).unwrap();
                assert!(error["error"].is_string(), "{error}");
            }
        }
        let req = Request::put("/api/scenarios/fuzz").body(Body::from(body.clone())).unwrap();
        assert!(!s.app.clone().oneshot(req).await.unwrap().status().is_server_error());
    }
    // Live runs and sweeps that started are stopped.
    for entry in s.get("/api/history?limit=500").await.json()["entries"].as_array().unwrap() {
        let id = &entry["id"];
        s.send(Method::DELETE, &format!("/api/live/{id}"), None).await;
        s.send(Method::DELETE, &format!("/api/sweeps/{id}"), None).await;
    }
}

#[tokio::test]
async fn limits_refuse_what_is_too_large_with_the_reason() {
    let limits = Limits { body_bytes: 4096, ..Limits::default() };
    let s = studio_with(limits);
    let big = "#".repeat(5000);
    let body = s.post("/api/check", json!({ "toml": big })).await.error(StatusCode::PAYLOAD_TOO_LARGE);
    assert!(body["error"].as_str().unwrap().contains("larger than"), "{body}");

    let s = studio();
    let many = builtin_toml("coffee-shop").replace("count = 10", "count = 1000000000");
    let body = s.post("/api/run", json!({ "toml": many })).await.error(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"].as_str().unwrap().contains("1000000000 customers"), "{body}");
    s.post("/api/compare", json!({ "toml": many })).await.error(StatusCode::UNPROCESSABLE_ENTITY);
    let wide = json!({ "toml": builtin_toml("coffee-shop"), "vary": ["cooks=1..1000"], "replications": 2 });
    let body = s.post("/api/sweeps", wide).await.error(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"].as_str().unwrap().contains("1000 configurations"), "{body}");
    let long = json!({ "toml": builtin_toml("coffee-shop"), "vary": ["cooks=1..100"], "replications": 1000 });
    let body = s.post("/api/sweeps", long).await.error(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"].as_str().unwrap().contains("100000 runs"), "{body}");
    // Nothing refused was recorded.
    assert_eq!(s.get("/api/history").await.json(), json!({ "entries": [], "next": null }));
}

#[tokio::test]
async fn a_run_past_the_time_limit_is_stopped_and_recorded_as_failed() {
    let limits = Limits { run_time: Duration::from_millis(1), ..Limits::default() };
    let s = studio_with(limits);
    // Some 19,000 customers: well within the customers' limit, far past 1 ms.
    let long = builtin_toml("coffee-shop").replace("count = 10", "count = 19000");
    let body = s.post("/api/run", json!({ "toml": long })).await.error(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"].as_str().unwrap().starts_with("stopped after 0 s"), "{body}");
    let list = s.get("/api/history").await.json()["entries"].clone();
    assert_eq!(
        (list[0]["status"].as_str(), list[0]["error"].as_str()),
        (Some("failed"), body["error"].as_str())
    );
    for export in ["report.json", "report.html", "report.csv"] {
        let body =
            s.get(&format!("/api/history/{}/{export}", list[0]["id"])).await.error(StatusCode::NOT_FOUND);
        assert!(body["error"].as_str().unwrap().ends_with("only finished work has exports"), "{body}");
    }
}

/// Coffee shop, a Poisson door open 100 s at one customer per 2 s: about 50
/// customers expected; with seed 5, 67 come in (seed 2: 44).
fn poisson_coffee() -> String {
    let toml = builtin_toml("coffee-shop").replace("count = 10", "until = 100");
    let toml = toml.replace("interarrival = { dist = \"uniform_int\", min = 1, max = 3 }", "rate = 0.5");
    assert!(toml.contains("rate = 0.5"), "{toml}");
    toml
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_that_lets_in_more_customers_than_expected_is_stopped_at_the_limit_with_the_reason() {
    // The estimate (50) is within the limit (55): only counting as it runs finds
    // that seed 5 lets in more.
    let s = studio_with(Limits { customers: 55.0, ..Limits::default() });
    let toml = poisson_coffee();
    let fits = s.post("/api/run", json!({ "toml": toml, "seed": 2 })).await;
    assert_eq!(fits.status, StatusCode::OK, "{}", fits.text);
    assert_eq!(fits.json()["report"]["orders"].as_array().unwrap().len(), 44);
    for path in ["/api/run", "/api/compare"] {
        let body =
            s.post(path, json!({ "toml": toml, "seed": 5 })).await.error(StatusCode::UNPROCESSABLE_ENTITY);
        let error = body["error"].as_str().unwrap();
        assert!(error.starts_with("coffee-shop was stopped at "), "{error}");
        assert!(
            error.contains("it let in more than 55 customers, the most the studio runs in one run"),
            "{error}"
        );
        let list = s.get("/api/history").await.json()["entries"].clone();
        assert_eq!((list[0]["status"].as_str(), list[0]["error"].as_str()), (Some("failed"), Some(error)));
    }
    // A live run too, as it goes.
    let r = s.post("/api/live", json!({ "toml": toml, "seed": 5, "speed": 100_000 })).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    let id = r.json()["id"].as_i64().unwrap();
    let got = events(&s, &format!("/api/live/{id}/events")).await;
    assert_eq!(got.last().unwrap().1, json!({ "id": id, "status": "failed" }).to_string());
    let arrived = got.iter().filter(|(k, d)| k == "event" && d.contains("\"kind\":\"arrived\"")).count();
    assert_eq!(arrived, 56);
    let entry = s.get(&format!("/api/history/{id}")).await.json();
    assert!(entry["error"].as_str().unwrap().contains("more than 55 customers"), "{entry}");
}

#[tokio::test]
async fn the_history_comes_a_page_at_a_time_newest_first() {
    let s = studio();
    let mut ids = Vec::new();
    for _ in 0..5 {
        let r = s.post("/api/run", json!({ "toml": builtin_toml("cafe"), "name": "cafe" })).await;
        ids.push(r.json()["id"].as_i64().unwrap());
    }
    ids.reverse(); // newest first
    let page = |v: &Value| -> Vec<i64> {
        v["entries"].as_array().unwrap().iter().map(|e| e["id"].as_i64().unwrap()).collect()
    };
    let all = s.get("/api/history").await.json();
    assert_eq!((page(&all), &all["next"]), (ids.clone(), &Value::Null));
    let first = s.get("/api/history?limit=2").await.json();
    assert_eq!((page(&first), first["next"].as_i64()), (ids[..2].to_vec(), Some(ids[1])));
    let second = s.get(&format!("/api/history?limit=2&before={}", ids[1])).await.json();
    assert_eq!((page(&second), second["next"].as_i64()), (ids[2..4].to_vec(), Some(ids[3])));
    let last = s.get(&format!("/api/history?before={}&limit=2", ids[3])).await.json();
    assert_eq!((page(&last), &last["next"]), (ids[4..].to_vec(), &Value::Null));
    let exact = s.get("/api/history?limit=5").await.json();
    assert_eq!((page(&exact), &exact["next"]), (ids.clone(), &Value::Null));
    let none = s.get(&format!("/api/history?before={}", ids[4])).await.json();
    assert_eq!(none, json!({ "entries": [], "next": null }));
    for (query, words) in [
        ("limit=0", "`limit=0` is not a number of entries from 1 to 500"),
        ("limit=501", "`limit=501` is not a number of entries from 1 to 500"),
        ("limit=ten", "`limit=ten` is not a number"),
        ("limit=", "`limit=` is not a number"),
        ("before=0", "`before=0` is not an id"),
        ("before=-4", "`before=-4` is not an id"),
        ("before=x&limit=2", "`before=x` is not an id"),
        ("page=2", "unknown parameter `page`: the history takes `limit` and `before`"),
    ] {
        let body = s.get(&format!("/api/history?{query}")).await.error(StatusCode::BAD_REQUEST);
        assert!(body["error"].as_str().unwrap().starts_with(words), "{query}: {body}");
    }
}

/// JSON text without the whitespace between its tokens: a pretty-printed document
/// as serde_json writes it compactly.
fn compact(text: &str) -> String {
    let (mut out, mut in_string, mut escaped) = (String::new(), false, false);
    for c in text.chars() {
        if in_string {
            out.push(c);
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_whitespace() {
            out.push(c);
        }
    }
    out
}

/// A response's text as the history keeps it: without the `id` the response adds.
fn without_id(text: &str, id: i64) -> String {
    let sorted = format!("\"id\":{id},");
    let appended = format!(",\"id\":{id}");
    if text.contains(&sorted) { text.replacen(&sorted, "", 1) } else { text.replacen(&appended, "", 1) }
}

/// Waits for sweep `id` to end; its progress as it ended, and its text.
async fn ended_sweep(s: &Studio, id: i64) -> (Value, String) {
    for _ in 0..2400 {
        let r = s.get(&format!("/api/sweeps/{id}")).await;
        let p = r.json();
        if p["status"] != "running" {
            return (p, r.text);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("sweep {id} did not end");
}

/// Numbers are compared as text: each must be the one the run wrote, to the last
/// digit (a number read back without serde_json's `float_roundtrip` can be 1 ulp off:
/// `3.0082804516298802` came back as `3.00828045162988`).
#[tokio::test]
async fn the_history_gives_back_the_very_numbers_a_run_wrote_as_the_cli_writes_them() {
    let s = studio();
    // Runs: the report of `cafe run --format json`, number for number.
    for name in ["rush-hour", "takeaway"] {
        let sc = builtin::find(name).unwrap().load().unwrap();
        let spec = async_cafe::ops::RunSpec {
            mode: async_cafe::Mode::Async,
            clock: async_cafe::ClockKind::Virtual,
            seed: sc.seed,
        };
        let report = serde_json::to_value(async_cafe::ops::json_report(&sc, spec).unwrap()).unwrap();
        let report = format!("\"report\":{report}");
        let r = s.post("/api/run", json!({ "toml": builtin_toml(name), "name": name })).await;
        assert!(r.text.contains(&report), "{name}: the response has the CLI's report");
        let id = r.json()["id"].as_i64().unwrap();
        let entry = s.get(&format!("/api/history/{id}")).await;
        assert!(entry.text.contains(&report), "{name}: /api/history/{id} changed the report's numbers");
        assert!(entry.text.contains(&format!("\"result\":{}", without_id(&r.text, id))), "{name}");
        let exported = s.get(&format!("/api/history/{id}/report.json")).await;
        assert_eq!(compact(&exported.text), without_id(&r.text, id), "{name}: report.json");
    }
    // A comparison: its lanes' spans, its reports' events.
    let r = s.post("/api/compare", json!({ "toml": builtin_toml("rush-hour"), "seed": 11 })).await;
    let id = r.json()["id"].as_i64().unwrap();
    let entry = s.get(&format!("/api/history/{id}")).await;
    assert!(entry.text.contains(&format!("\"result\":{}", without_id(&r.text, id))));
    let exported = s.get(&format!("/api/history/{id}/report.json")).await;
    assert_eq!(compact(&exported.text), without_id(&r.text, id));
    // A sweep: the document of `cafe sweep --format json`.
    let (toml, vary, target) =
        (builtin_toml("rush-hour"), ["cooks=1..2", "equipment.espresso_machine=1..2"], ["mean_wait <= 2"]);
    let req = json!({ "toml": toml, "name": "rush-hour", "vary": vary, "target": target, "replications": 5, "seed": 5 });
    let id = s.post("/api/sweeps", req).await.json()["id"].as_i64().unwrap();
    let (ended, text) = ended_sweep(&s, id).await;
    assert_eq!(ended["status"], "done", "{ended}");
    let sc = builtin::find("rush-hour").unwrap().load().unwrap();
    let (vary, target) = (vary.map(String::from), target.map(String::from));
    let request = async_cafe::sweep::Request { vary: &vary, targets: &target, replications: 5 };
    let checked = request.check(&sc).unwrap();
    let batch = async_cafe::ops::Batch { seed: Some(5), replications: 5, ..Default::default() };
    let swept = async_cafe::ops::sweep(&sc, &checked.varies, &batch).unwrap();
    let document = swept.document(checked.targets.iter().map(|(s, t)| (s.as_str(), t)));
    let document = format!("\"document\":{}", serde_json::to_value(&document).unwrap());
    assert!(text.contains(&document), "GET /api/sweeps/{id} changed the document's numbers");
    assert!(s.get(&format!("/api/history/{id}")).await.text.contains(&document), "/api/history/{id}");
    let exported = s.get(&format!("/api/history/{id}/report.json")).await;
    assert!(compact(&exported.text).contains(&document), "report.json");
}

#[tokio::test]
async fn a_history_entry_whose_result_is_not_json_is_an_error_not_a_null_result() {
    let s = studio();
    let r = s.post("/api/run", json!({ "toml": builtin_toml("cafe"), "name": "cafe" })).await;
    let id = r.json()["id"].as_i64().unwrap();
    // The studio holds its history alone: stop it, damage the file, start it again.
    let Studio { app, dir } = s;
    drop(app);
    let path = dir.path().join("history.sqlite3");
    let db = rusqlite::Connection::open(&path).unwrap();
    db.execute("UPDATE entries SET result = '{\"report\": [1.5' WHERE id = ?1", [id]).unwrap();
    drop(db);
    let (history, _) = History::open(&path).unwrap();
    let s = Studio { app: router(State::new(history, Limits::default())), dir };
    for path in [format!("/api/history/{id}"), format!("/api/history/{id}/report.json")] {
        let body = s.get(&path).await.error(StatusCode::INTERNAL_SERVER_ERROR);
        assert!(
            body["error"].as_str().unwrap().contains(&format!("entry {id}'s result is not JSON")),
            "{body}"
        );
    }
}

/// One recipe of `steps` chained unattended steps of 0.001 s each, for `count`
/// customers 0.5 s apart.
fn many_steps(steps: usize, count: u64) -> String {
    let list: Vec<String> = (1..=steps)
        .map(|i| {
            let after = if i == 1 { String::new() } else { format!(", after = [\"s{}\"]", i - 1) };
            format!("{{ name = \"s{i}\", kind = \"unattended\", duration = 0.001{after} }}")
        })
        .collect();
    format!(
        "name = \"many\"\n[recipes.long]\nsteps = [{}]\n[menu]\nlong = \"long\"\n[customers.generate]\ncount = {count}\ninterarrival = 0.5\n",
        list.join(", ")
    )
}

#[tokio::test]
async fn a_run_of_more_steps_than_a_report_may_hold_is_refused_before_it_runs() {
    let s = studio();
    // 20,000 customers (the most) of 100 steps each: 2,000,000 steps.
    let many = many_steps(100, 20_000);
    for path in ["/api/run", "/api/compare", "/api/live"] {
        let body = s.post(path, json!({ "toml": many })).await.error(StatusCode::UNPROCESSABLE_ENTITY);
        let error = body["error"].as_str().unwrap();
        assert!(error.starts_with("many makes about 2000000 steps"), "{path}: {error}");
        assert!(error.contains("the studio runs at most 100000 in one run"), "{path}: {error}");
    }
    // The longest recipe of the built-ins, 5 steps, for 20,000 customers fits.
    let fits = s.post("/api/check", json!({ "toml": many_steps(5, 20_000) })).await.json();
    assert_eq!(fits["ok"], true, "{fits}");
    let r = s.post("/api/run", json!({ "toml": many_steps(5, 2_000) })).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        s.get("/api/history").await.json()["entries"].as_array().unwrap().len(),
        1,
        "refusals are not kept"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_that_makes_more_steps_than_expected_is_stopped_at_the_limit_with_the_reason() {
    // About 50 customers of one step each are expected, within the limit (55): only
    // counting as it runs finds that seed 5 makes 67.
    let s = studio_with(Limits { steps: 55.0, ..Limits::default() });
    let toml = poisson_coffee();
    let fits = s.post("/api/run", json!({ "toml": toml, "seed": 2 })).await;
    assert_eq!(fits.status, StatusCode::OK, "{}", fits.text);
    for path in ["/api/run", "/api/compare"] {
        let body =
            s.post(path, json!({ "toml": toml, "seed": 5 })).await.error(StatusCode::UNPROCESSABLE_ENTITY);
        let error = body["error"].as_str().unwrap();
        assert!(error.starts_with("coffee-shop was stopped at "), "{error}");
        assert!(error.contains("it made more than 55 steps, the most the studio runs in one run"), "{error}");
        let list = s.get("/api/history").await.json()["entries"].clone();
        assert_eq!((list[0]["status"].as_str(), list[0]["error"].as_str()), (Some("failed"), Some(error)));
    }
    let r = s.post("/api/live", json!({ "toml": toml, "seed": 5, "speed": 100_000 })).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    let id = r.json()["id"].as_i64().unwrap();
    let got = events(&s, &format!("/api/live/{id}/events")).await;
    assert_eq!(got.last().unwrap().1, json!({ "id": id, "status": "failed" }).to_string());
    let started = got.iter().filter(|(k, d)| k == "event" && d.contains("\"kind\":\"step_started\"")).count();
    assert_eq!(started, 56);
    let entry = s.get(&format!("/api/history/{id}")).await.json();
    assert!(entry["error"].as_str().unwrap().contains("it made more than 55 steps"), "{entry}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sweep_whose_run_lets_in_more_customers_than_a_run_may_is_stopped_with_the_reason() {
    // About 50 customers a run are expected, within the limit (55); some runs of
    // seed 5's replications let in more.
    let toml = poisson_coffee();
    let sc = async_cafe::scenario::load_str("coffee-shop", &toml).unwrap();
    let varies = [async_cafe::sweep::parse_vary("cooks=1..2", &sc).unwrap()];
    let batch = async_cafe::ops::Batch { seed: Some(5), replications: 10, ..Default::default() };
    let swept = async_cafe::ops::sweep(&sc, &varies, &batch).unwrap();
    let most =
        swept.rows.iter().flat_map(|r| r.replicated.as_ref().unwrap().runs.iter().map(|s| s.served)).max();
    assert!(most.unwrap() > 55, "{most:?}");
    let req = json!({ "toml": toml, "vary": ["cooks=1..2"], "replications": 10, "seed": 5 });

    let s = studio_with(Limits { sweep_run_customers: 55.0, ..Limits::default() });
    let id = s.post("/api/sweeps", req.clone()).await.json()["id"].as_i64().unwrap();
    let (ended, _) = ended_sweep(&s, id).await;
    assert_eq!(ended["status"], "failed", "{ended}");
    let error = ended["error"].as_str().unwrap();
    assert!(
        error.starts_with("the sweep was stopped: one of its runs let in more than 55 customers"),
        "{error}"
    );
    assert!(ended["done"].as_u64().unwrap() < 20, "{ended}");
    assert_eq!(ended["total"], 20, "{ended}");
    let list = s.get("/api/history").await.json()["entries"].clone();
    assert_eq!((list[0]["status"].as_str(), list[0]["error"].as_str()), (Some("failed"), Some(error)));
    // Every run within the bound: the sweep is done.
    let s = studio_with(Limits { sweep_run_customers: most.unwrap() as f64, ..Limits::default() });
    let id = s.post("/api/sweeps", req).await.json()["id"].as_i64().unwrap();
    assert_eq!(ended_sweep(&s, id).await.0["status"], "done");
}

#[tokio::test]
async fn a_sweep_the_studio_stopped_reads_back_its_last_progress_and_when_it_was_last_seen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite3");
    let (history, _) = History::open(&path).unwrap();
    let id = history.begin(Kind::Sweep, "lunch", "name = 1", &json!({}), Some(1)).unwrap();
    history.progress(id, r#"{"done":3,"total":10,"elapsed_s":1.5}"#).unwrap();
    let seen = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs_f64();
    drop(history); // as a studio killed: the entry is still running
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (history, marked) = History::open(&path).unwrap();
    assert_eq!(marked, 1);
    let s = Studio { app: router(State::new(history, Limits::default())), dir };
    let p = s.get(&format!("/api/sweeps/{id}")).await.json();
    assert_eq!(
        (&p["status"], &p["done"], &p["total"], &p["elapsed_s"], &p["result"]),
        (&json!("interrupted"), &json!(3), &json!(10), &json!(1.5), &Value::Null),
        "{p}"
    );
    let events = s.get(&format!("/api/sweeps/{id}/events")).await.text;
    assert!(events.contains("\"done\":3") && events.contains("\"total\":10"), "{events}");
    // It ended, as far as the studio knows, when it last recorded its progress: not
    // when the studio was started again.
    let entry = s.get(&format!("/api/history/{id}")).await.json();
    let finished = entry["finished"].as_f64().unwrap();
    assert!(finished <= seen && finished >= entry["created"].as_f64().unwrap(), "{entry} (seen at {seen})");
}

#[tokio::test]
async fn every_unknown_path_gets_the_json_error_even_api_itself() {
    let s = studio();
    for method in [Method::GET, Method::PUT, Method::POST, Method::DELETE] {
        for path in ["/api/", "/api", "/api/nope", "/api//history", "/nope"] {
            let body = s.send(method.clone(), path, None).await.error(StatusCode::NOT_FOUND);
            assert!(body["error"].as_str().unwrap().starts_with("no such "), "{method} {path}: {body}");
        }
    }
}

#[tokio::test]
async fn rough_edges_names_headers_queries_and_help() {
    let s = studio();
    // Names of saved scenarios: ASCII letters, digits, `-` and `_`, as the OpenAPI
    // pattern says.
    let studio = &s;
    let put = move |name: &str| {
        let path = format!("/api/scenarios/{name}");
        async move { studio.send(Method::PUT, &path, Some("{\"toml\":\"x\"}".into())).await }
    };
    assert_eq!(put("Caf3_du-coin").await.status, StatusCode::OK);
    for name in ["caf%C3%A9", "%D9%A3", "a.b"] {
        put(name).await.error(StatusCode::BAD_REQUEST);
    }
    // A built-in's name cannot be deleted: 409, in the words of deleting.
    let body = s.send(Method::DELETE, "/api/scenarios/lunch", None).await.error(StatusCode::CONFLICT);
    assert!(body["error"].as_str().unwrap().contains("cannot be deleted"), "{body}");
    // Content-Type: the media type application/json, parameters allowed.
    for (kind, status) in [
        ("application/jsonx", StatusCode::UNSUPPORTED_MEDIA_TYPE),
        ("application/json-seq", StatusCode::UNSUPPORTED_MEDIA_TYPE),
        ("application/json; charset=utf-8", StatusCode::OK),
    ] {
        let req = Request::post("/api/check").header(header::CONTENT_TYPE, kind);
        let req = req.body(Body::from(json!({ "toml": builtin_toml("cafe") }).to_string())).unwrap();
        assert_eq!(s.app.clone().oneshot(req).await.unwrap().status(), status, "{kind}");
    }
    // Export file names: a name, not a path, no control character; not ASCII as RFC 6266 says.
    for (name, expected) in [
        ("../../../tmp/x", "inline; filename=\".._.._.._tmp_x-ID.json\""),
        ("tab\there", "inline; filename=\"tab_here-ID.json\""),
        ("é☕", "inline; filename=\"__-ID.json\"; filename*=UTF-8''%C3%A9%E2%98%95-ID.json"),
    ] {
        let r = s.post("/api/run", json!({ "toml": builtin_toml("cafe"), "name": name })).await;
        let id = r.json()["id"].as_i64().unwrap();
        let export = s.get(&format!("/api/history/{id}/report.json")).await;
        let got = export.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
        assert_eq!(got, expected.replace("ID", &id.to_string()), "{name:?}");
    }
    // The history's query is percent-decoded; a parameter given twice is refused.
    let two = s.get("/api/history?limit=%32").await;
    assert_eq!(two.status, StatusCode::OK, "{}", two.text);
    assert_eq!(two.json()["entries"].as_array().unwrap().len(), 2);
    for query in ["limit=2&limit=3", "before=9&limit=2&before=8"] {
        let body = s.get(&format!("/api/history?{query}")).await.error(StatusCode::BAD_REQUEST);
        assert!(body["error"].as_str().unwrap().ends_with("is given twice: give it once"), "{body}");
    }
    // A replayed day under another name: the studio reads no file, and says so.
    let replay = builtin_toml("coffee-shop-replay");
    let checked = s.post("/api/check", json!({ "toml": replay, "name": "my-replay" })).await.json();
    let help = checked["problems"][0]["help"].as_str().unwrap();
    assert!(help.starts_with("the studio reads no file: it can use only the built-ins' own"), "{help}");
    assert!(help.contains("coffee_shop_408.csv for `coffee-shop-replay`"), "{help}");
    assert!(checked["rendered"].as_str().unwrap().contains("the studio reads no file"), "{checked}");
    let ok = s.post("/api/check", json!({ "toml": replay, "name": "coffee-shop-replay" })).await.json();
    assert_eq!(ok["ok"], true, "{ok}");
}

#[tokio::test]
async fn a_sweeps_headline_in_the_history_is_its_answer() {
    let s = studio();
    let req = json!({
        "toml": builtin_toml("coffee-shop"), "name": "coffee-shop",
        "vary": ["cooks=1..3"], "replications": 3, "target": ["mean_wait <= 10"],
    });
    let id = s.post("/api/sweeps", req.clone()).await.json()["id"].as_i64().unwrap();
    let (ended, _) = ended_sweep(&s, id).await;
    let answer = ended["result"]["answer"].as_str().unwrap();
    let cheapest = answer.lines().find(|l| l.starts_with("cheapest configuration")).unwrap();
    let headline = s.get("/api/history").await.json()["entries"][0]["headline"].clone();
    assert_eq!(headline.as_str().unwrap(), format!("C{}", &cheapest[1..]), "{answer}");
    // Without a target: the configurations.
    let req = json!({ "toml": builtin_toml("coffee-shop"), "vary": ["cooks=1..3"], "replications": 2 });
    let id = s.post("/api/sweeps", req).await.json()["id"].as_i64().unwrap();
    ended_sweep(&s, id).await;
    assert_eq!(s.get("/api/history").await.json()["entries"][0]["headline"], "3 configurations");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sweeps_progress_events_are_coalesced_rising_and_end_with_every_run_done() {
    let s = studio();
    let req = json!({
        "toml": builtin_toml("rush-hour"), "name": "rush-hour", "vary": ["cooks=1..4"], "replications": 25,
    });
    let id = s.post("/api/sweeps", req).await.json()["id"].as_i64().unwrap();
    let got = events(&s, &format!("/api/sweeps/{id}/events")).await;
    let (end, progress) = got.split_last().unwrap();
    assert_eq!(end.0, "end");
    let end: Value = serde_json::from_str(&end.1).unwrap();
    assert_eq!(
        (end["status"].as_str(), end["done"].as_u64(), end["total"].as_u64()),
        (Some("done"), Some(100), Some(100))
    );
    let done: Vec<u64> = progress
        .iter()
        .map(|(kind, data)| {
            assert_eq!(kind, "progress");
            serde_json::from_str::<Value>(data).unwrap()["done"].as_u64().unwrap()
        })
        .collect();
    assert!(done.windows(2).all(|w| w[0] < w[1]), "done must rise: {done:?}");
    assert!(done.len() <= 100, "{done:?}");
}

/// What the docs say of the studio is what it does (each claim here was once wrong).
#[test]
fn the_docs_say_what_the_studio_does() {
    let openapi = include_str!("../../../docs/studio-openapi.yaml");
    let prose = include_str!("../../../docs/studio.md");
    let flat = prose.split_whitespace().collect::<Vec<_>>().join(" ");
    // Sweep progress events are coalesced, not one per run.
    assert!(!flat.contains("a `progress` event after each run"), "studio.md promises an event per run");
    assert!(
        flat.contains("coalesced") && flat.contains("`done` == `total`"),
        "studio.md: coalesced progress"
    );
    // `vary` and `target` may be left out, as `cafe sweep`'s flags may.
    assert!(!flat.contains("`vary`, `target` (all required)"), "studio.md: vary and target are optional");
    // An interrupted sweep has its last progress.
    assert!(flat.contains("as last recorded"), "studio.md: the progress of an interrupted sweep");
    // Saved scenarios' names: ASCII, as the server checks; DELETE of a built-in's name is a 409.
    assert!(openapi.contains(r#"pattern: "^[A-Za-z0-9_-]{1,64}$""#), "the OpenAPI pattern of names");
    assert!(flat.contains("1 to 64 ASCII letters, digits, `-` or `_`"), "studio.md: names");
    let delete = &openapi[openapi.find("  /api/scenarios/{name}:").unwrap()..];
    let delete = &delete[delete.find("    delete:").unwrap()..delete.find("  /api/check:").unwrap()];
    assert!(delete.contains("\"409\""), "the OpenAPI DELETE of a scenario lists its 409: {delete}");
    // The limits on steps and on each run of a sweep.
    assert!(flat.contains("| steps in one run or comparison | 100,000"), "studio.md: the steps' limit");
    assert!(flat.contains("counted as each run goes"), "studio.md: the sweep's runs are counted");
    // A live run's worst lag can be null.
    assert!(
        flat.contains("`worst_lag_s`") && flat.contains("`null` when it never fell"),
        "studio.md: worst_lag_s"
    );
    assert!(openapi.contains("worst_lag_s"), "the OpenAPI: worst_lag_s");
}

#[test]
fn every_route_is_documented_in_prose_and_in_the_openapi_file() {
    let routes = include_str!("../src/api/mod.rs");
    let openapi = include_str!("../../../docs/studio-openapi.yaml");
    let prose = include_str!("../../../docs/studio.md");
    let paths: Vec<String> = routes
        .lines()
        .filter_map(|l| l.trim().strip_prefix(".route(\""))
        .map(|l| format!("/api{}", &l[..l.find('"').unwrap()]))
        .collect();
    assert!(paths.len() >= 15, "{paths:?}");
    for path in &paths {
        assert!(openapi.contains(&format!("\n  {path}:\n")), "{path} is not in docs/studio-openapi.yaml");
        let written = path.replace("{file}", "report.json");
        assert!(
            prose.contains(&format!("`{written}`")) || prose.contains(&format!("{written}`")),
            "{path} is not in docs/studio.md"
        );
    }
}
