//! `cafe studio` as a process on loopback: it prints its URL and answers; a
//! `--host` other than loopback warns; Ctrl-C stops it with exit code 0, its live
//! runs recorded as cancelled; 200 runs at
//! once all succeed (the latencies are printed); and a `kill -9` in the middle of a
//! sweep leaves the history consistent, the sweep marked interrupted on restart and
//! what finished before kept; a second studio on the same history is refused while
//! the first runs, and a port in use leaves no history file behind.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// A `cafe studio` process and the address it listens on.
struct Studio {
    child: Child,
    addr: SocketAddr,
}

impl Studio {
    fn start(db: &Path, extra: &[&str]) -> Studio {
        Studio::start_with(db, extra, &[])
    }

    fn start_with(db: &Path, extra: &[&str], env: &[(&str, &str)]) -> Studio {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cafe"))
            .args(["studio", "--port", "0", "--db"])
            .arg(db)
            .args(extra)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("cafe studio starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let url = line.split_whitespace().find(|w| w.starts_with("http://")).unwrap_or_else(|| {
            let _ = child.kill();
            panic!("no URL in {line:?}")
        });
        let addr = url.trim_start_matches("http://").trim_end_matches('/').parse().unwrap();
        Studio { child, addr }
    }

    fn get(&self, path: &str) -> (u16, Value) {
        request(self.addr, "GET", path, None)
    }

    fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        request(self.addr, "POST", path, Some(body))
    }

    /// Sends `signal` (by its `kill` name) and waits for the process to end.
    fn signal(mut self, signal: &str) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        assert!(Command::new("kill").args([&format!("-{signal}"), &pid]).status().unwrap().success());
        self.child.wait().unwrap()
    }
}

impl Drop for Studio {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 request, `Connection: close`; the status and the JSON body.
fn request(addr: SocketAddr, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    let body = body.map(Value::to_string).unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    let (head, body) = reply.split_once("\r\n\r\n").unwrap();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let body = serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"));
    (status, body)
}

/// A built-in's TOML, as `cafe show` prints it.
fn toml(name: &str) -> &'static str {
    let out = Command::new(env!("CARGO_BIN_EXE_cafe")).args(["show", name]).output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap().leak()
}

#[test]
fn the_studio_stops_cleanly_on_ctrl_c_and_warns_off_loopback() {
    let dir = tempfile::tempdir().unwrap();
    let studio = Studio::start(&dir.path().join("h.sqlite3"), &[]);
    assert!(studio.addr.ip().is_loopback());
    assert_eq!(studio.get("/api/history"), (200, json!({ "entries": [], "next": null })));
    let status = studio.signal("INT");
    assert_eq!(status.code(), Some(0), "{status:?}");

    // No opener on an empty PATH: --open says so and gives the URL.
    let mut open =
        Studio::start_with(&dir.path().join("h.sqlite3"), &["--host", "0.0.0.0", "--open"], &[("PATH", "")]);
    let status = Command::new("kill").args(["-TERM", &open.child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let mut err = String::new();
    open.child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    assert!(err.starts_with("warning: listening on 0.0.0.0: anyone who can reach this machine"), "{err}");
    let url = format!("http://0.0.0.0:{}/", open.addr.port());
    assert!(
        err.contains(&format!("no browser opener found (xdg-open, open): open {url} yourself\n")),
        "{err}"
    );
}

/// Ctrl-C cancels the live runs under way, and the studio ends only once each has
/// written its end to the history: `cancelled`, with the run so far. (A live run
/// ends on a thread of its own; a studio that did not wait for it could end first,
/// and leave it `running` for the next start to mark interrupted.) Eight rounds of
/// four live runs, each on a fresh history.
#[test]
fn ctrl_c_records_each_live_run_under_way_as_cancelled_with_the_run_so_far() {
    let live = json!({ "toml": toml("rush-hour"), "name": "rush-hour", "speed": 60 });
    for round in 0..8 {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("h.sqlite3");
        let studio = Studio::start(&db, &[]);
        for _ in 0..4 {
            let (status, started) = studio.post("/api/live", &live);
            assert_eq!(status, 202, "{started}");
        }
        assert_eq!(studio.signal("INT").code(), Some(0));
        let conn = rusqlite::Connection::open(&db).unwrap();
        let mut rows =
            conn.prepare("SELECT status, json_extract(result, '$.report.finished') FROM entries").unwrap();
        let ended: Vec<(String, Option<bool>)> =
            rows.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect();
        assert_eq!(ended, vec![("cancelled".to_string(), Some(false)); 4], "round {round}");
    }
}

#[test]
fn two_hundred_runs_at_once_all_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let studio = Studio::start(&dir.path().join("h.sqlite3"), &[]);
    let body = json!({ "toml": toml("coffee-shop"), "name": "coffee-shop" });
    let start = Instant::now();
    let threads: Vec<_> = (0..200)
        .map(|_| {
            let (addr, body) = (studio.addr, body.clone());
            std::thread::spawn(move || {
                let t = Instant::now();
                let (status, reply) = request(addr, "POST", "/api/run", Some(&body));
                (status, reply["report"]["stats"]["served"].clone(), t.elapsed())
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for t in threads {
        let (status, served, took) = t.join().unwrap();
        assert_eq!((status, served), (200, json!(10)));
        latencies.push(took);
    }
    let wall = start.elapsed();
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q).ceil() as usize).min(latencies.len()) - 1];
    let _ = writeln!(
        std::io::stderr(),
        "studio load: 200 concurrent runs of coffee-shop in {:.2} s: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        wall.as_secs_f64(),
        at(0.5).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        latencies[latencies.len() - 1].as_secs_f64() * 1e3,
    );
    let (_, history) = studio.get("/api/history?limit=500");
    let history = &history["entries"];
    assert_eq!(history.as_array().unwrap().len(), 200);
    assert!(history.as_array().unwrap().iter().all(|h| h["status"] == "done"));
}

#[test]
fn a_kill_9_mid_sweep_leaves_the_history_consistent_and_the_sweep_interrupted() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.sqlite3");
    let mut studio = Studio::start(&db, &[]);
    let (status, run) = studio.post("/api/run", &json!({ "toml": toml("lunch"), "name": "lunch" }));
    assert_eq!(status, 200);
    let sweep = json!({
        "toml": toml("rush-hour"), "name": "rush-hour", "vary": ["cooks=1..20"], "replications": 500,
    });
    let (status, started) = studio.post("/api/sweeps", &sweep);
    assert_eq!(status, 202, "{started}");
    let id = started["id"].as_i64().unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let (_, p) = studio.get(&format!("/api/sweeps/{id}"));
        assert_eq!(p["status"], "running", "the sweep must still run when the studio is killed: {p}");
        if p["done"].as_u64().unwrap() > 0 {
            break;
        }
        assert!(Instant::now() < deadline, "no progress: {p}");
        std::thread::sleep(Duration::from_millis(20));
    }
    studio.child.kill().unwrap(); // SIGKILL
    studio.child.wait().unwrap();
    let killed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs_f64();
    std::thread::sleep(Duration::from_millis(200));

    // The file as the kill left it: consistent, the sweep still `running`.
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
        assert_eq!(check, "ok");
        let status: String =
            conn.query_row("SELECT status FROM entries WHERE id = ?1", [id], |r| r.get(0)).unwrap();
        assert_eq!(status, "running");
    }

    let mut studio = Studio::start(&db, &[]);
    let (_, history) = studio.get("/api/history");
    let history = &history["entries"];
    let statuses: Vec<(i64, &str)> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["id"].as_i64().unwrap(), h["status"].as_str().unwrap()))
        .collect();
    assert_eq!(statuses, [(id, "interrupted"), (run["id"].as_i64().unwrap(), "done")]);
    let (_, entry) = studio.get(&format!("/api/history/{id}"));
    assert_eq!(entry["error"], "the studio stopped before it finished");
    // It ended, as far as anyone knows, when it last recorded its progress: before
    // the kill, not at the restart.
    let finished = entry["finished"].as_f64().unwrap();
    assert!(
        entry["created"].as_f64().unwrap() <= finished && finished <= killed,
        "{entry} (killed at {killed})"
    );
    // Its progress as last recorded.
    let (status, p) = studio.get(&format!("/api/sweeps/{id}"));
    assert_eq!((status, &p["status"], &p["total"]), (200, &json!("interrupted"), &json!(10_000)), "{p}");
    assert!(p["done"].as_u64().is_some_and(|d| d < 10_000) && p["elapsed_s"].as_f64().is_some(), "{p}");
    let (_, kept) = studio.get(&format!("/api/history/{}", run["id"]));
    assert_eq!(kept["result"]["report"], run["report"]);
    let (status, cancel) = request(studio.addr, "DELETE", &format!("/api/sweeps/{id}"), None);
    assert_eq!(status, 409, "{cancel}");
    let _ = studio.child.kill();
    let mut err = String::new();
    studio.child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    assert_eq!(err, "the history had 1 unfinished entry from a studio that stopped: marked interrupted\n");
}

/// Runs `cafe studio` with `args`, which must refuse to start: its exit code and
/// stderr. A studio that serves instead is killed after 20 s, failing the test.
fn refused(args: &[&str]) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cafe"))
        .arg("studio")
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cafe studio starts");
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("cafe studio {args:?} served instead of refusing");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    (status.code(), err)
}

#[test]
fn a_second_studio_on_the_same_history_is_refused_and_the_first_keeps_its_work() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.sqlite3");
    let first = Studio::start(&db, &[]);
    let live = json!({ "toml": toml("rush-hour"), "name": "rush-hour", "speed": 60 });
    let (status, started) = first.post("/api/live", &live);
    assert_eq!(status, 202, "{started}");
    let id = started["id"].as_i64().unwrap();

    let (code, err) = refused(&["--port", "0", "--db", db.to_str().unwrap()]);
    assert_eq!(
        (code, err),
        (
            Some(1),
            format!(
                "error: the history {} is in use by another studio (or another program has it open): \
                 stop that studio first, or start this one with another --db\n",
                db.display()
            )
        )
    );
    let (_, entry) = first.get(&format!("/api/history/{id}"));
    assert_eq!(entry["status"], "running", "{entry}");

    // Stopped, the first studio records its live run as a single studio does: cancelled,
    // with the run so far. The history is then free for the next studio.
    assert_eq!(first.signal("INT").code(), Some(0));
    let mut next = Studio::start(&db, &[]);
    let (_, entry) = next.get(&format!("/api/history/{id}"));
    assert_eq!(entry["status"], "cancelled", "{entry}");
    assert_eq!(entry["result"]["report"]["finished"], false, "{entry}");
    let stderr = next.child.stderr.take().unwrap();
    assert_eq!(next.signal("INT").code(), Some(0));
    let mut err = String::new();
    BufReader::new(stderr).read_to_string(&mut err).unwrap();
    assert_eq!(err, "stopping Café Studio\n");
}

#[test]
fn a_studio_that_cannot_have_its_port_leaves_no_history_behind() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("new").join("h.sqlite3");
    let (code, err) = refused(&["--port", &port, "--db", db.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.starts_with(&format!("error: cannot listen on 127.0.0.1:{port}: ")), "{err}");
    assert!(!dir.path().join("new").exists(), "the history's directory was created");
}
