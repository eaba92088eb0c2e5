//! The `cafe` command, run as a user runs it.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

use common::{cafe, stderr, stdout};

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn reference(program: &str) -> Vec<(f64, String)> {
    let path = workspace().join("tests/reference").join(format!("{program}.json"));
    let records: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    records.iter().map(|r| (r["t"].as_f64().unwrap(), r["line"].as_str().unwrap().to_string())).collect()
}

const REFERENCES: &[(&str, &str, &str)] = &[
    ("cafe", "async", "async_cafe"),
    ("cafe", "sync", "sync_cafe"),
    ("hello-async", "async", "hello_async"),
    ("gather-tasks", "async", "gather_tasks"),
    ("create-tasks", "async", "create_tasks"),
    ("make-coffee-wrong", "async", "make_coffee_wrong"),
    ("make-coffee-toast-blocked", "async", "make_coffee_toast_blocked"),
    ("make-coffee-toast-concurrent", "async", "make_coffee_toast_concurrent"),
    ("hi", "async", "hi_parallel"),
    ("hi", "sync", "hi_sequence"),
    ("hi-blocking", "async", "hi_blocking"),
    ("lunch", "async", "lunch_async"),
    ("lunch", "sync", "lunch_sync"),
    ("coffee-shop-replay", "async", "coffee_shop"),
];

#[test]
fn json_gives_the_reference_lines_and_times() {
    for &(name, mode, program) in REFERENCES {
        let o = cafe(&["run", name, "--mode", mode, "--clock", "virtual", "--format", "json"]);
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(v["scenario"], name);
        assert_eq!(v["mode"], mode);
        assert_eq!(v["clock"], "virtual");
        assert!(v["seed"].is_u64());
        let unit = v["time_unit"]["seconds"].as_f64().unwrap();
        let got: Vec<(f64, String)> = v["narrative"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                let t = l["t_s"].as_f64().unwrap() / unit;
                ((t * 1e6).round() / 1e6, l["line"].as_str().unwrap().to_string())
            })
            .collect();
        let want = reference(program);
        assert_eq!(got, want, "{name} --mode {mode}");
        assert_eq!(v["makespan_s"].as_f64().unwrap() / unit, want.last().unwrap().0, "{name} makespan");
        for order in v["orders"].as_array().unwrap() {
            for field in ["id", "customer", "item", "arrived_s", "served_s"] {
                assert!(!order[field].is_null(), "{name}: order lacks {field}: {order}");
            }
        }
        assert!(v["events"].as_array().unwrap().iter().any(|e| e["kind"] == "service_ended"));
    }
}

#[test]
fn text_prints_the_narrative_exactly_and_nothing_else() {
    for &(name, mode, program) in REFERENCES {
        let o = cafe(&["run", name, "--mode", mode, "--clock", "virtual"]);
        assert!(o.status.success());
        let want: String = reference(program).into_iter().map(|(_, l)| l + "\n").collect();
        assert_eq!(stdout(&o), want, "{name} --mode {mode}");
        assert_eq!(stderr(&o), "");
    }
}

#[test]
fn timestamps_are_shown_on_request() {
    let o = cafe(&["run", "hi-blocking", "--clock", "virtual", "--timestamps"]);
    assert_eq!(
        stdout(&o),
        "[    0.000 s] Hello\n[    1.000 s] World\n[    1.000 s] Hello\n[    2.000 s] World\n[    2.000 s] Hello\n[    3.000 s] World\n"
    );
}

#[test]
fn why_says_which_orders_waited_longest_and_what_for() {
    // Lunch in the synchronous kitchen: the cook watches the pasta, so the other
    // steps wait for the cook; the asynchronous cook keeps every step on time.
    let sync = cafe(&["run", "lunch", "--clock", "virtual", "--mode", "sync", "--why"]);
    assert!(sync.status.success(), "{}", stderr(&sync));
    assert!(stdout(&sync).ends_with(
        "Eating after 15 min of prep time.\n\nWhy the orders took longer than their recipes:\n  \
         Order 1 took 15 min, 5 min more than its longest chain of steps (10 min); along the steps that \
         decided when it was served, it waited 13 min for a cook.\n"
    ));
    let asy = cafe(&["run", "lunch", "--clock", "virtual", "--why"]);
    assert!(stdout(&asy).ends_with("  No served order took longer than its recipe: each was served in the time of its longest chain of steps.\n"));
    let json = cafe(&["run", "lunch", "--why", "--format", "json"]);
    assert_eq!(json.status.code(), Some(2));
    assert!(stderr(&json).starts_with("error: --why cannot be used with --format json"));
}

#[test]
fn the_real_clock_keeps_the_virtual_order_and_takes_real_time() {
    // The café takes 5 s of scenario time: at 25x it takes 0.2 s of wall time.
    let virtual_run = stdout(&cafe(&["run", "cafe", "--clock", "virtual"]));
    let start = Instant::now();
    let o = cafe(&["run", "cafe", "--clock", "real", "--speed", "25"]);
    let wall = start.elapsed().as_secs_f64();
    assert!(o.status.success());
    let real_run = stdout(&o);
    let (v_lines, r_lines): (Vec<&str>, Vec<&str>) =
        (virtual_run.lines().collect(), real_run.lines().collect());
    assert_eq!(v_lines.len(), r_lines.len());
    // Every line but the total is identical and in the same order.
    assert_eq!(v_lines[..v_lines.len() - 1], r_lines[..r_lines.len() - 1]);
    // The total is measured: 5 s of scenario time, give or take the machine's jitter.
    let total: f64 = r_lines.last().unwrap().split_whitespace().nth(4).unwrap().parse().unwrap();
    assert!((5.0..6.0).contains(&total), "{total}");
    assert!(wall >= 0.2, "ran in {wall} s, faster than real time");
}

#[test]
fn compare_shows_both_timelines_and_the_totals_side_by_side() {
    let o = cafe(&["compare", "cafe", "--width", "80"]);
    assert!(o.status.success());
    let text = stdout(&o);
    // Piped, so no colour.
    assert!(!text.contains('\x1b'));
    let sync = text.find("Synchronous kitchen — 10.00 s\ncook 1           ░░░░░").expect(&text);
    let async_ = text.find("Asynchronous kitchen — 5.00 s\ncook 1           ─────").expect(&text);
    assert!(sync < async_);
    assert!(text.contains("  total time (s)                      10.00          5.00\n"), "{text}");
    assert!(text.contains("  cook 1: standing by                100.0%          0.0%\n"), "{text}");
    assert!(text.contains("speedup: the asynchronous kitchen is 2.00x as fast"), "{text}");
    let lunch = stdout(&cafe(&["compare", "lunch", "--no-timeline"]));
    assert!(lunch.contains("  total time (min)               15.00         10.00\n"), "{lunch}");
    assert!(lunch.contains("1.50x as fast"), "{lunch}");
    assert!(!lunch.contains("kitchen —"), "{lunch}");
}

#[test]
fn run_draws_the_timeline_after_the_narrative() {
    let o = cafe(&["run", "lunch", "--clock", "virtual", "--timeline", "--order-lanes", "--width", "72"]);
    let text = stdout(&o);
    let (narrative, timeline) = text.split_once("\n\n").unwrap();
    assert!(narrative.ends_with("Eating after 10 min of prep time."));
    assert!(timeline.starts_with("cook 1    ████"), "{timeline}");
    assert!(timeline.contains("\n#1 lunch  ████"), "{timeline}");
    assert!(timeline.lines().all(|l| l.chars().count() <= 72), "{timeline}");
}

#[test]
fn list_show_and_check() {
    let list = stdout(&cafe(&["list"]));
    for name in [
        "cafe",
        "hello-async",
        "gather-tasks",
        "create-tasks",
        "make-coffee-wrong",
        "make-coffee-toast-blocked",
        "make-coffee-toast-concurrent",
        "hi",
        "hi-blocking",
        "lunch",
        "lunch-helper",
        "coffee-shop",
        "coffee-shop-replay",
    ] {
        assert!(
            list.lines().any(|l| l.split_whitespace().next() == Some(name)),
            "{name} missing from:\n{list}"
        );
    }
    let shown = stdout(&cafe(&["show", "lunch"]));
    assert_eq!(shown, std::fs::read_to_string(workspace().join("scenarios/lunch.toml")).unwrap());

    // A shown scenario, saved and edited, runs: make the avocado unattended.
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path();
    let path = dir.join("my-lunch.toml");
    std::fs::write(
        &path,
        shown.replace(r#"name = "avocado", kind = "hands-on""#, r#"name = "avocado", kind = "unattended""#),
    )
    .unwrap();
    let p = path.to_str().unwrap();
    let check = cafe(&["check", p]);
    assert!(check.status.success(), "{}", stderr(&check));
    assert_eq!(stdout(&check), format!("{p}: ok (1 cook, 1 item on the menu, 1 customer)\n"));
    let run = stdout(&cafe(&["run", p, "--clock", "virtual", "--timestamps"]));
    // Nothing blocks now: every step starts at 0 and the avocado still ends at 2.
    assert!(
        run.contains(
            "[    0.000 min] Grabbed avocado. Now peeling and slicing.\n[    2.000 min] Avocado sliced."
        ),
        "{run}"
    );
}

#[test]
fn bad_input_exits_2_with_nothing_on_stdout() {
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path();
    let path = dir.join("bad.toml");
    std::fs::write(&path, "[kitchen]\ncooks = 0\ncook = 1\n").unwrap();
    let p = path.to_str().unwrap();
    for args in [vec!["check", p], vec!["run", p, "--clock", "virtual"], vec!["compare", p]] {
        let o = cafe(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert_eq!(stdout(&o), "");
        let err = stderr(&o);
        assert!(err.contains("a kitchen needs at least one cook"), "{err}");
        assert!(err.contains(&format!("{p}:2:9")), "{err}");
        assert!(err.contains("did you mean `cooks`?"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    let missing = cafe(&["run", "no/such/file.toml"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("cannot read no/such/file.toml"));
    let usage = cafe(&["run", "cafe", "--mode", "sideways"]);
    assert_eq!(usage.status.code(), Some(2));
    assert_eq!(stdout(&usage), "");
    let speed = cafe(&["run", "cafe", "--speed", "0"]);
    assert_eq!(speed.status.code(), Some(2));
}

/// "Every problem at once" stays readable and bounded: `cafe check` of one line
/// holding 10,000 unknown items (the line 158 KB long) shows the first 100, each
/// with a window of the line, and counts the rest.
#[test]
fn check_shows_the_first_hundred_problems_and_counts_the_rest() {
    let scratch = tempfile::tempdir().unwrap();
    let path = scratch.path().join("many.toml");
    let items: Vec<String> = (0..10_000).map(|i| format!("{{item=\"y{i}\"}}")).collect();
    let text = format!(
        "[recipes.r]\nsteps=[{{name=\"a\",kind=\"hands-on\",duration=1}}]\n[menu]\nx=\"r\"\n[customers]\nlist=[{}]\n",
        items.join(",")
    );
    std::fs::write(&path, text).unwrap();
    let p = path.to_str().unwrap();
    let o = cafe(&["check", p]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stdout(&o), "");
    let err = stderr(&o);
    assert!(err.len() < 64 * 1024, "{} bytes", err.len());
    assert_eq!(err.matches("is not on the menu\n").count(), 100);
    assert!(err.contains(&format!("{p}:6:13\n")) && err.contains("error: `y99` is not on the menu"), "{err}");
    assert!(
        err.ends_with(&format!(
            "\n… and 9,900 more problems (not on the menu: 9,900)\n\nerror: {p} has 10,000 problems\n"
        )),
        "{err}"
    );
    assert!(err.lines().all(|l| l.chars().count() < 200), "{err}");
}

/// A name with control characters is refused before anything runs: nothing a
/// terminal would obey reaches it.
#[test]
fn control_characters_in_names_never_reach_the_terminal() {
    let scratch = tempfile::tempdir().unwrap();
    let path = scratch.path().join("names.toml");
    std::fs::write(
        &path,
        "[recipes.\"r\\u001b]0;title\\u0007\"]\nsteps=[{name=\"a\\nb\",kind=\"hands-on\",duration=1}]\n[menu]\nx=\"r\\u001b]0;title\\u0007\"\n[customers]\nlist=[{item=\"x\", name=\"\\u202eAda\"}]\n",
    )
    .unwrap();
    let p = path.to_str().unwrap();
    let o = cafe(&["run", p, "--clock", "virtual", "--stats", "--timeline", "--why"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stdout(&o), "");
    let err = stderr(&o);
    assert!(!err.chars().any(|c| c.is_control() && c != '\n') && !err.contains('\u{202e}'), "{err:?}");
    assert!(err.contains("error: a recipe's name contains an escape character (U+001B)"), "{err}");
    assert!(err.contains(&format!("{p}:1:12\n")), "{err}");
    assert!(err.contains("error: a step's name contains a line break (U+000A)"), "{err}");
    assert!(
        err.contains("error: a customer's name contains a bidirectional control character (U+202E)"),
        "{err}"
    );
    assert!(err.ends_with(&format!("error: {p} has 3 problems\n")), "{err}");
}

/// `-` is no file and no built-in: the command says how to read standard input.
#[test]
fn a_dash_says_how_to_read_a_scenario_from_standard_input() {
    let o = cafe(&["check", "-"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: `-` is not a scenario: cafe reads a scenario from a file, or a built-in one by its name\n  help: to read a scenario from standard input, give `/dev/stdin` (`cafe check /dev/stdin < mine.toml`); run `cafe list` for the built-in scenarios\n"
    );
    // Which works.
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_cafe"))
        .args(["check", "/dev/stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let lunch = std::fs::read_to_string(workspace().join("scenarios/lunch.toml")).unwrap();
    child.stdin.take().unwrap().write_all(lunch.as_bytes()).unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("/dev/stdin: ok ("), "{}", stdout(&o));
}

#[test]
fn an_unknown_builtin_suggests_the_closest() {
    let o = cafe(&["run", "lunch-helpr"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        "error: no built-in scenario is called `lunch-helpr`\n  help: did you mean `lunch-helper`, `lunch`? Run `cafe list` to see them all\n"
    );
}

#[test]
fn ctrl_c_stops_a_real_run_cleanly_with_the_statistics_so_far() {
    use std::process::Stdio;
    // The coffee shop takes about 20 s of scenario time; at speed 2, 10 s of wall time.
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path();
    let events = dir.join("events.jsonl");
    let child = Command::new(env!("CARGO_BIN_EXE_cafe"))
        .args(["run", "coffee-shop", "--clock", "real", "--speed", "2", "--csv"])
        .arg(dir)
        .arg("--events")
        .arg(&events)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let killed = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    let out = stdout(&o);
    // The narrative up to the interruption, then the statistics so far.
    assert!(out.starts_with("Order 1: Customer arrived!\n"), "{out}");
    assert!(!out.contains("Coffee shop closed"), "{out}");
    assert!(out.contains("(interrupted: statistics so far)\nStatistics (times in s)\n"), "{out}");
    assert!(!stderr(&o).contains("panicked"));
    // The exports hold everything up to the interruption, and nothing after it.
    let lines: Vec<serde_json::Value> =
        std::fs::read_to_string(&events).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines[0]["kind"], "service_started");
    assert!(lines.len() > 3 && lines.iter().all(|e| e["kind"] != "service_ended"));
    let arrived = lines.iter().filter(|e| e["kind"] == "arrived").count();
    let orders = std::fs::read_to_string(dir.join("orders.csv")).unwrap();
    assert_eq!(orders.lines().count(), 1 + arrived, "{orders}");
    let leftovers: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers.len(), 4, "no temporary files are left: {leftovers:?}");
}

/// A scenario too big to play at the requested speed: 1,000,000 customers over about
/// 1,000 s of scenario time, asked to play in 1 ms at a speed of 1,000,000 (no build
/// runs a million customers within the clock's 50 ms of tolerance).
fn too_fast() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rush.toml");
    std::fs::write(
        &path,
        r#"
[recipes.coffee]
steps = [{ name = "brew", kind = "unattended", duration = 1 }]
[menu]
coffee = "coffee"
[customers.generate]
count = 1000000
interarrival = { dist = "uniform", min = 0, max = 0.002 }
"#,
    )
    .unwrap();
    (dir, path)
}

#[test]
fn falling_behind_real_time_is_reported_or_stops_the_run() {
    let (_scratch, path) = too_fast();
    let p = path.to_str().unwrap();
    let warn = cafe(&["run", p, "--clock", "real", "--speed", "1000000"]);
    assert!(warn.status.success(), "{}", stderr(&warn));
    let err = stderr(&warn);
    assert!(err.starts_with("warning: the kitchen is falling behind real time ("), "{err}");
    assert!(err.contains("note: the run fell up to "), "{err}");

    let stop = cafe(&["run", p, "--clock", "real", "--speed", "1000000", "--behind", "stop"]);
    assert_eq!(stop.status.code(), Some(1));
    let err = stderr(&stop);
    assert!(err.contains("error: stopped: the kitchen fell "), "{err}");
    assert!(err.contains("lower --speed, or use --behind warn"), "{err}");
    // At a speed it can keep up with, nothing is said.
    let ok = cafe(&["run", "hi", "--clock", "real", "--speed", "20"]);
    assert_eq!(stderr(&ok), "");
}

#[test]
fn the_live_panel_is_drawn_in_place_on_request_and_never_into_a_pipe() {
    let o = cafe(&["run", "cafe", "--clock", "real", "--speed", "25", "--panel", "always", "--width", "80"]);
    assert!(o.status.success());
    let out = stdout(&o);
    assert!(out.contains("── Asynchronous kitchen at 0.00 s ── 2 in the kitchen, 0 served ──"), "{out}");
    assert!(out.contains("  coffee_machine  2/2 in use: #1 brew, #2 brew\n"), "{out}");
    // Erased before the next narrative line: up 5 lines, clear to the end.
    assert!(out.contains("\x1b[5F\x1b[J\nYour Vanilla flavoured Latte is ready, enjoy!"), "{out:?}");
    let piped = stdout(&cafe(&["run", "cafe", "--clock", "real", "--speed", "25"]));
    assert!(!piped.contains('\x1b') && !piped.contains("──"), "{piped:?}");
}

#[test]
fn reports_are_written_by_run_and_compare() {
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path();
    let one = dir.join("lunch.html");
    let o = cafe(&["run", "lunch", "--clock", "virtual", "--report", one.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    // The narrative still goes to stdout, untouched.
    assert!(stdout(&o).ends_with("Eating after 10 min of prep time.\n"));
    let html = std::fs::read_to_string(&one).unwrap();
    assert!(html.starts_with("<!doctype html>"), "{}", &html[..80]);
    // Lunch: three steps on the cook/equipment lanes and three on the order lane.
    assert_eq!(html.matches("class=\"bar\"").count(), 6);
    let both = dir.join("cafe.html");
    let o = cafe(&["compare", "cafe", "--no-timeline", "--report", both.to_str().unwrap()]);
    assert!(o.status.success());
    let html = std::fs::read_to_string(&both).unwrap();
    assert!(html.find("<h2>Synchronous kitchen").unwrap() < html.find("<h2>Asynchronous kitchen").unwrap());
    // A report that cannot be written is an error, and leaves nothing behind.
    let bad = dir.join("missing/x.html");
    let o = cafe(&["run", "cafe", "--clock", "virtual", "--report", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("missing/x.html"));
}

#[test]
fn replications_give_confidence_intervals_and_bad_values_are_usage_errors() {
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path();
    let path = dir.join("mm1.toml");
    std::fs::write(
        &path,
        r#"
[recipes.coffee]
steps = [{ name = "serve", kind = "hands-on", duration = { dist = "exponential", mean = 1 } }]
[menu]
coffee = "coffee"
[customers.generate]
count = 20000
rate = 0.5
"#,
    )
    .unwrap();
    let p = path.to_str().unwrap();
    let args =
        ["run", p, "--clock", "virtual", "--replications", "10", "--warmup", "100", "--format", "json"];
    let o = cafe(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["replications"], 10);
    // M/M/1 at ρ = 0.5: the mean wait in queue is ρ/(μ − λ) = 1 s.
    let wait = &v["wait"]["mean_s"];
    let (mean, half) = (wait["mean"].as_f64().unwrap(), wait["half_width_95"].as_f64().unwrap());
    assert!((mean - half..=mean + half).contains(&1.0), "{wait}");
    // The same seed, the same numbers.
    assert_eq!(stdout(&o), stdout(&cafe(&args)));
    let text = stdout(&cafe(&["run", p, "--clock", "virtual", "--replications", "3"]));
    assert!(text.starts_with("Statistics over 3 replications"), "{text}");
    // Replications run on the virtual clock, which they need not be told.
    assert_eq!(text, stdout(&cafe(&["run", p, "--replications", "3"])));
    for bad in [
        vec!["run", p, "--clock", "virtual", "--replications", "0"],
        vec!["run", p, "--clock", "real", "--replications", "5"],
        vec!["run", p, "--clock", "virtual", "--warmup", "-1"],
    ] {
        let o = cafe(&bad);
        assert_eq!(o.status.code(), Some(2), "{bad:?}");
        assert_eq!(stdout(&o), "");
    }
}

#[test]
fn a_kitchen_that_cannot_keep_up_is_warned_about_on_stderr() {
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path();
    let path = dir.join("over.toml");
    std::fs::write(
        &path,
        r#"
[kitchen]
cooks = 2
[recipes.coffee]
steps = [{ name = "serve", kind = "hands-on", duration = 1 }]
[menu]
coffee = "coffee"
[customers.generate]
count = 100
rate = 3
"#,
    )
    .unwrap();
    let p = path.to_str().unwrap();
    let o = cafe(&["run", p, "--clock", "virtual"]);
    assert!(o.status.success());
    assert_eq!(
        stderr(&o),
        "warning: the asynchronous kitchen cannot keep up: its customers need 3.00 cooks busy all the time, and the kitchen has 2 (a load of 150%), so the queue grows without bound; give it at least 4, or bring fewer customers\n"
    );
    // `cafe compare` says it too, of each kitchen that cannot keep up, and compares.
    let o = cafe(&["compare", p, "--no-timeline"]);
    assert!(o.status.success());
    assert_eq!(
        stderr(&o),
        "warning: the synchronous kitchen cannot keep up: its customers need 3.00 cooks busy all the time, and the kitchen has 2 (a load of 150%), so the queue grows without bound; give it at least 4, or bring fewer customers\n\
         warning: the asynchronous kitchen cannot keep up: its customers need 3.00 cooks busy all the time, and the kitchen has 2 (a load of 150%), so the queue grows without bound; give it at least 4, or bring fewer customers\n"
    );
    assert!(stdout(&o).contains("orders served"), "{}", stdout(&o));
    // At half the rate, nothing is said.
    std::fs::write(&path, std::fs::read_to_string(&path).unwrap().replace("rate = 3", "rate = 1.5")).unwrap();
    assert_eq!(stderr(&cafe(&["run", p, "--clock", "virtual"])), "");
    assert_eq!(stderr(&cafe(&["compare", p, "--no-timeline"])), "");
}

#[test]
fn compare_warns_of_the_synchronous_kitchen_alone_when_only_it_falls_behind() {
    // The takeaway counter: a customer a minute, each half a minute of the cook's
    // hands and a minute's unattended brew. The synchronous cook, standing by through
    // the brew, needs 1.5 cooks; the asynchronous one half a cook.
    let p = "takeaway";
    let o = cafe(&["compare", p, "--no-timeline"]);
    assert!(o.status.success());
    assert_eq!(
        stderr(&o),
        "warning: the synchronous kitchen cannot keep up: its customers need 1.50 cooks busy all the time, and the kitchen has 1 (a load of 150%), so the queue grows without bound; give it at least 2, or bring fewer customers\n"
    );
    // Comparing policies runs the asynchronous kitchen only, which keeps up.
    let o = cafe(&["compare", p, "--no-timeline", "--policy", "fifo,unattended-first"]);
    assert!(o.status.success());
    assert_eq!(stderr(&o), "");
}

#[test]
fn compare_puts_dispatch_policies_side_by_side() {
    let o = cafe(&["compare", "bakery", "--policy", "fifo,unattended-first,longest-chain", "--width", "70"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let titles: Vec<usize> =
        ["fifo — 21.00 min", "unattended-first — 21.00 min", "longest-chain — 18.00 min"]
            .iter()
            .map(|t| text.find(&format!("Asynchronous kitchen, policy {t}")).expect(&text))
            .collect();
    assert!(titles.windows(2).all(|w| w[0] < w[1]), "{text}");
    assert!(text.contains("  time in system: mean  ") && text.contains("11.00") && text.contains("8.67"));
    assert!(text.contains("  longest-chain: 1.17x as fast as fifo\n"), "{text}");
    // One policy: both kitchens under it.
    let one = stdout(&cafe(&["compare", "bakery", "--policy", "longest-chain", "--no-timeline"]));
    assert!(one.contains("synchronous  asynchronous"), "{one}");
    assert!(one.contains("speedup: the asynchronous kitchen is 1.22x as fast"), "{one}");
    // `run --policy` overrides the scenario's.
    let run = stdout(&cafe(&["run", "bakery", "--clock", "virtual", "--policy", "longest-chain"]));
    assert!(run.ends_with("Everyone served after 18 min.\n"), "{run}");
    let bad = cafe(&["compare", "bakery", "--policy", "fastest"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("possible values: fifo, unattended-first, longest-chain"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn impatient_customers_are_counted_in_the_statistics() {
    let o = cafe(&["run", "rush-hour", "--clock", "virtual", "--stats"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("gave up waiting for a"), "{text}");
    let left = text.lines().find(|l| l.starts_with("  customers left")).expect(&text);
    let n: u64 = left.split_whitespace().nth(2).unwrap().parse().unwrap();
    let lines = text.lines().filter(|l| l.contains("gave up waiting")).count() as u64;
    assert_eq!(n, lines, "every customer who left says so once");
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&cafe(&["run", "rush-hour", "--clock", "virtual", "--format", "json"])))
            .unwrap();
    assert_eq!(json["stats"]["left"].as_u64(), Some(n));
    let left_orders = json["orders"].as_array().unwrap().iter().filter(|o| o["left_s"].is_f64()).count();
    assert_eq!(left_orders as u64, n);
    let balked = json["orders"].as_array().unwrap().iter().filter(|o| o["balked"] == true).count();
    assert_eq!(json["stats"]["balked"].as_u64(), Some(balked as u64));
}

// Files, signals and faults (issue 15): exports never clobber what is at their path,
// SIGINT and SIGTERM stop a run cleanly, a closed or full output stops it.

/// A scenario of `count` customers, each a narrative line, in `dir`.
fn many_customers(dir: &std::path::Path, count: u64) -> PathBuf {
    let path = dir.join("many.toml");
    let toml = format!(
        r#"
[recipes.coffee]
steps = [{{ name = "brew", kind = "unattended", duration = 1 }}]
[menu]
coffee = "coffee"
[customers.generate]
count = {count}
interarrival = {{ dist = "uniform", min = 0, max = 2 }}
[narrative]
arrival = "{{customer}} orders."
"#
    );
    std::fs::write(&path, toml).unwrap();
    path
}

/// Names in `dir` and its subdirectories, relative to it, sorted.
fn names(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        if e.file_type().unwrap().is_dir() {
            out.extend(names(&e.path()).into_iter().map(|n| format!("{name}/{n}")));
        } else {
            out.push(name);
        }
    }
    out.sort();
    out
}

/// `cafe ARGS` started in `dir`, its output piped.
fn spawn_in(
    dir: &std::path::Path,
    args: impl IntoIterator<Item = impl AsRef<std::ffi::OsStr>>,
) -> std::process::Child {
    use std::process::Stdio;
    Command::new(env!("CARGO_BIN_EXE_cafe"))
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Kills `child` with `signal` once its temporary export file exists (the run is
/// writing), and returns its output.
fn signal_when_writing(child: std::process::Child, dir: &std::path::Path, signal: &str) -> Output {
    let started = Instant::now();
    while !names(dir).iter().any(|n| n.contains(".cafe-tmp-")) {
        assert!(started.elapsed().as_secs() < 60, "the run never started writing: {:?}", names(dir));
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let killed = Command::new("kill").args([signal, &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    child.wait_with_output().unwrap()
}

#[test]
fn sigterm_sigint_and_sighup_stop_a_virtual_run_with_the_statistics_so_far_and_no_temporary_files() {
    // SIGHUP: the terminal closed (it used to kill the run, leaving only temporary files).
    for (signal, code) in [("-TERM", 143), ("-INT", 130), ("-HUP", 129)] {
        let dir = tempfile::tempdir().unwrap();
        // Millions of customers: far more than a run gets through before the signal.
        let scenario = many_customers(dir.path(), 5_000_000);
        let s = scenario.to_str().unwrap();
        let child = spawn_in(
            dir.path(),
            ["run", s, "--clock", "virtual", "--events", "events.jsonl", "--csv", "tables"],
        );
        let o = signal_when_writing(child, dir.path(), signal);
        assert_eq!(o.status.code(), Some(code), "{signal}: {}", stderr(&o));
        assert_eq!(stderr(&o), "");
        let out = stdout(&o);
        assert!(out.starts_with("Customer 1 orders.\n"), "{}", &out[..80]);
        assert!(out.contains("(interrupted: statistics so far)\nStatistics (times in s)\n"), "{signal}");
        // Everything up to the signal, in place; no temporary file left.
        assert_eq!(
            names(dir.path()),
            ["events.jsonl", "many.toml", "tables/events.csv", "tables/orders.csv", "tables/steps.csv"]
        );
        let events = std::fs::read_to_string(dir.path().join("events.jsonl")).unwrap();
        assert!(events.starts_with("{\"t_s\":0.0,\"kind\":\"service_started\"}"), "{}", &events[..80]);
        assert!(!events.contains("service_ended"));
    }
}

#[test]
fn sigterm_and_sigint_stop_a_comparison_at_once_with_nothing_written() {
    for (signal, code) in [("-TERM", 143), ("-INT", 130)] {
        let dir = tempfile::tempdir().unwrap();
        // Millions of customers in each kitchen (the most a comparison keeps): far
        // more than it gets through before the signal.
        let scenario = many_customers(dir.path(), 2_000_000);
        let child = spawn_in(dir.path(), ["compare", scenario.to_str().unwrap(), "--report", "report.html"]);
        std::thread::sleep(std::time::Duration::from_millis(300));
        let signalled = Instant::now();
        let killed = Command::new("kill").args([signal, &child.id().to_string()]).status().unwrap();
        assert!(killed.success());
        let o = child.wait_with_output().unwrap();
        assert!(signalled.elapsed().as_secs() < 5, "{signal}: the comparison went on after the signal");
        assert_eq!(o.status.code(), Some(code), "{signal}: {}", stderr(&o));
        // Not even the synchronous kitchen's warning (its cook, standing by through
        // every brew, is busy all the time): what a comparison says comes after its runs.
        assert_eq!((stdout(&o), stderr(&o)), (String::new(), String::new()), "{signal}");
        assert_eq!(names(dir.path()), ["many.toml"], "{signal}: no report, no temporary file");
    }
}

#[test]
fn a_second_signal_quits_at_once() {
    use std::process::Stdio;
    let dir = tempfile::tempdir().unwrap();
    let scenario = many_customers(dir.path(), 20_000_000);
    // The first signal lets the runs in progress finish (each of tens of millions of
    // customers: seconds, even in a release build).
    let child = Command::new(env!("CARGO_BIN_EXE_cafe"))
        .args(["sweep", scenario.to_str().unwrap(), "--vary", "cooks=1..2", "--replications", "2"])
        .args(["--threads", "1", "--csv", "sweep.csv"])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-INT", &pid]).status().unwrap().success());
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(Command::new("kill").args(["-INT", &pid]).status().unwrap().success());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    assert_eq!(stdout(&o), "", "quit before any configuration finished");
    assert_eq!(names(dir.path()), ["many.toml"]);
}

/// SIGQUIT (Ctrl-\\) quits at once: no temporary file, and the files already at
/// the outputs' paths untouched.
#[test]
fn sigquit_quits_at_once_leaving_what_was_there() {
    use std::process::Stdio;
    let dir = tempfile::tempdir().unwrap();
    let scenario = many_customers(dir.path(), 5_000_000);
    std::fs::write(dir.path().join("events.jsonl"), "old\n").unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_cafe"))
        .args(["run", scenario.to_str().unwrap(), "--clock", "virtual", "--events", "events.jsonl"])
        .args(["--csv", "tables"])
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let o = signal_when_writing(child, dir.path(), "-QUIT");
    assert_eq!(o.status.code(), Some(131), "{}", stderr(&o));
    assert_eq!(names(dir.path()), ["events.jsonl", "many.toml"]);
    assert!(!dir.path().join("tables").exists(), "the directory `--csv` made is removed, being empty");
    assert_eq!(std::fs::read_to_string(dir.path().join("events.jsonl")).unwrap(), "old\n");
}

#[test]
fn an_export_through_a_symbolic_link_writes_where_it_points() {
    let dir = tempfile::tempdir().unwrap();
    let (d, real) = (dir.path(), dir.path().join("real"));
    std::fs::create_dir(&real).unwrap();
    std::fs::write(real.join("events.jsonl"), "old\n").unwrap();
    std::os::unix::fs::symlink("real/events.jsonl", d.join("link.jsonl")).unwrap();
    // A link to a file not there yet creates it; a report through a link too.
    std::os::unix::fs::symlink("real/report.html", d.join("report.html")).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_cafe"))
        .args(["run", "lunch", "--clock", "virtual", "--events", "link.jsonl", "--report", "report.html"])
        .current_dir(d)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    for link in ["link.jsonl", "report.html"] {
        assert!(std::fs::symlink_metadata(d.join(link)).unwrap().file_type().is_symlink(), "{link}");
    }
    let events = std::fs::read_to_string(real.join("events.jsonl")).unwrap();
    assert!(events.starts_with("{\"t_s\":0.0,\"kind\":\"service_started\"}"), "{events}");
    assert!(std::fs::read_to_string(real.join("report.html")).unwrap().starts_with("<!doctype html>"));
    assert_eq!(names(d), ["link.jsonl", "real/events.jsonl", "real/report.html", "report.html"]);
}

#[test]
fn an_export_to_a_fifo_or_a_device_is_written_in_place_never_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let o = cafe(&["run", "lunch", "--clock", "virtual", "--events", fifo.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Checked first: a FIFO replaced by a file would leave the reader waiting.
    assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    let events = reader.join().unwrap();
    assert_eq!(events.lines().count(), 10, "{events}");
    // A device: a null device of our own when we may make one (as root), else the
    // system's (where an export that replaced it would fail, not clobber it).
    let own = dir.path().join("null");
    let null = match Command::new("mknod").arg(&own).args(["c", "1", "3"]).status() {
        Ok(s) if s.success() => own,
        _ => PathBuf::from("/dev/null"),
    };
    let n = null.to_str().unwrap();
    let o = cafe(&["run", "lunch", "--clock", "virtual", "--events", n, "--report", n]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = cafe(&["sweep", "lunch", "--replications", "2", "--csv", n, "--report", n]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::symlink_metadata(&null).unwrap().file_type().is_char_device());
    assert_eq!(names(dir.path()).len(), if null.starts_with(dir.path()) { 2 } else { 1 });
}

/// An output to a FIFO waits for its reader, and one Ctrl-C stops that wait (exit
/// 130, nothing printed): for each command's outputs, the run's `--events`,
/// `--report` and `--csv` files, a comparison's and a sweep's.
#[test]
fn ctrl_c_stops_a_command_waiting_for_a_fifo_s_reader() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let f = fifo.to_str().unwrap();
    std::fs::create_dir(dir.path().join("tables")).unwrap();
    assert!(Command::new("mkfifo").arg(dir.path().join("tables/steps.csv")).status().unwrap().success());
    let cases: [&[&str]; 5] = [
        &["run", "lunch", "--clock", "virtual", "--events", f],
        &["run", "lunch", "--clock", "virtual", "--report", f],
        &["run", "lunch", "--clock", "virtual", "--csv", "tables"],
        &["compare", "lunch", "--report", f],
        &["sweep", "lunch", "--replications", "2", "--csv", f],
    ];
    for args in cases {
        let child = spawn_in(dir.path(), args);
        std::thread::sleep(std::time::Duration::from_millis(300));
        let signalled = Instant::now();
        assert!(Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap().success());
        let mut child = child;
        while child.try_wait().unwrap().is_none() {
            if signalled.elapsed().as_secs() >= 3 {
                let _ = child.kill();
                panic!("{args:?}: still waiting for a reader 3 s after the signal");
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(130), "{args:?}: {}", stderr(&o));
        assert_eq!(stdout(&o), "", "{args:?}");
    }
    assert_eq!(names(dir.path()), ["fifo", "tables/steps.csv"], "nothing written");
}

#[test]
fn an_export_to_dev_stdout_goes_to_standard_output() {
    // `/dev/stdout` is a link to `/proc/self/fd/1`: a link of our own to it is the
    // same case, and one that an export gone wrong (as root) could not clobber for
    // the whole machine.
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink("/proc/self/fd/1", dir.path().join("stdout")).unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_cafe")).args(args).current_dir(dir.path()).output().unwrap()
    };
    let o = run(&["run", "lunch", "--clock", "virtual", "--events", "stdout"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("Eating after 10 min of prep time.\n"), "{out}");
    assert_eq!(out.matches("\"kind\":").count(), 10, "{out}");
    let o = run(&["compare", "lunch", "--no-timeline", "--report", "stdout"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("<!doctype html>"));
    assert!(std::fs::symlink_metadata(dir.path().join("stdout")).unwrap().file_type().is_symlink());
    assert_eq!(names(dir.path()), ["stdout"]);
}

/// `cafe ARGS | head -1` in `dir`: the first line, and how the command ended.
fn first_line_then_closed(dir: &std::path::Path, args: &[&str]) -> (String, Output) {
    use std::io::BufRead;
    let mut child = spawn_in(dir, args);
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    (first, child.wait_with_output().unwrap())
}

#[test]
fn a_closed_output_stops_the_run_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = many_customers(dir.path(), 5_000_000);
    let args = ["run", scenario.to_str().unwrap(), "--clock", "virtual", "--events", "events.jsonl"];
    let (first, o) = first_line_then_closed(dir.path(), &args);
    assert_eq!(first, "Customer 1 orders.\n");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
    // The run stopped at the failed write: its events export holds a small part of
    // the 5,000,000 customers' (at least four events each).
    let events = std::fs::read_to_string(dir.path().join("events.jsonl")).unwrap();
    let arrived = events.matches("\"kind\":\"arrived\"").count();
    assert!(arrived > 0 && arrived < 500_000, "{arrived} customers arrived");
    assert!(!events.contains("service_ended"));
}

/// The report asked for is written when standard output closes early, holding the
/// run up to then, like the exports (it used to be skipped, exit code 0, leaving an
/// old report at its path).
#[test]
fn a_closed_output_still_writes_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = many_customers(dir.path(), 1_000_000);
    std::fs::write(dir.path().join("report.html"), "old").unwrap();
    let args = ["run", scenario.to_str().unwrap(), "--clock", "virtual", "--report", "report.html"];
    let (_, o) = first_line_then_closed(dir.path(), &args);
    assert_eq!((o.status.code(), stderr(&o)), (Some(0), String::new()));
    let report = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(report.starts_with("<!doctype html>"), "{}", &report[..report.len().min(80)]);
    assert_eq!(names(dir.path()), ["many.toml", "report.html"]);

    // As JSON, the document goes to standard output after the run: a pipe closed
    // before it is written.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    std::fs::write(dir.path().join("report.html"), "old").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_cafe"))
        .args(["run", "coffee-shop", "--clock", "virtual", "--format", "json", "--report", "report.html"])
        .current_dir(dir.path())
        .stdout(writer)
        .output()
        .unwrap();
    assert_eq!((o.status.code(), stderr(&o)), (Some(0), String::new()));
    assert!(std::fs::read_to_string(dir.path().join("report.html")).unwrap().starts_with("<!doctype html>"));
}

/// Every output path that cannot be written is said before the run, all at once.
#[test]
fn every_bad_output_path_is_said_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_cafe"))
        .args(["run", "coffee-shop", "--clock", "virtual", "--events", "nodir/ev.jsonl"])
        .args(["--report", "nodir2/r.html", "--csv", "/dev/full"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: nodir2/r.html: No such file or directory (os error 2)\n\
         error: nodir/ev.jsonl: No such file or directory (os error 2)\n\
         error: /dev/full: is not a directory\n"
    );
    assert_eq!(stdout(&o), "");
    assert!(names(dir.path()).is_empty());
}

#[test]
fn a_full_stdout_or_stderr_is_said_or_survived() {
    let full = || std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_cafe"))
        .args(["run", "lunch", "--clock", "virtual"])
        .stdout(full())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stderr(&o), "error: cannot write to standard output: No space left on device (os error 28)\n");
    let o = Command::new(env!("CARGO_BIN_EXE_cafe")).args(["list"]).stdout(full()).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).starts_with("error: cannot write to standard output: "));
    let o = Command::new(env!("CARGO_BIN_EXE_cafe")).args(["--help"]).stdout(full()).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).starts_with("error: cannot write to standard output: "));
    // Nobody to tell: the exit code still says it.
    let o = Command::new(env!("CARGO_BIN_EXE_cafe"))
        .args(["check", "missing.toml"])
        .stderr(full())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let o = Command::new(env!("CARGO_BIN_EXE_cafe"))
        .args(["run", "lunch", "--clock", "virtual", "--warmup", "1000", "--stats"])
        .stderr(full())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_scenario_or_replay_file_has_a_size_limit() {
    let o = cafe(&["check", "/dev/zero"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with("error: cannot read /dev/zero: larger than 64 MiB, the limit for a scenario and a day it replays\n"),
        "{}",
        stderr(&o)
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("replay.toml");
    std::fs::write(
        &path,
        "[recipes.coffee]\nsteps = [{ name = \"brew\", kind = \"unattended\", duration = 1 }]\n[menu]\ncoffee = \"coffee\"\n[customers]\nreplay = \"/dev/zero\"\n",
    )
    .unwrap();
    let o = cafe(&["check", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot read /dev/zero: larger than 64 MiB"), "{}", stderr(&o));
}

#[test]
fn a_warmup_that_leaves_nothing_to_measure_is_an_error_and_never_meets_a_target() {
    let o = cafe(&["run", "lunch", "--clock", "virtual", "--warmup", "100", "--stats"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: the warm-up of 100 min leaves nothing to measure: the run ended at 10.00 min\n  help: give a shorter --warmup, or make the run longer\n"
    );
    let o = cafe(&["run", "coffee-shop", "--clock", "virtual", "--format", "json", "--warmup", "1000"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stdout(&o), "");
    let o = cafe(&["run", "coffee-shop", "--clock", "virtual", "--replications", "3", "--warmup", "1000"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stdout(&o), "");
    assert!(stderr(&o).contains("leaves nothing to measure: in 3 of 3 replications, the shortest ended at "));
    // A warm-up within the run still measures.
    assert!(cafe(&["run", "coffee-shop", "--clock", "virtual", "--warmup", "5", "--stats"]).status.success());

    let o = cafe(&[
        "sweep",
        "coffee-shop",
        "--vary",
        "cooks=1..2",
        "--replications",
        "3",
        "--warmup",
        "1000",
        "--target",
        "p95_time_in_system <= 100",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(!out.contains('✓') && !out.contains("cheapest configuration meeting the target"), "{out}");
    assert_eq!(out.matches("nothing measured").count(), 2, "{out}");
    assert!(out.contains("? the warm-up of 1000 s leaves nothing to measure"), "{out}");
    assert!(
        out.contains("no configuration meets the target: none measured anything after the warm-up"),
        "{out}"
    );
}

#[test]
fn absurd_widths_are_usage_errors() {
    for width in ["0", "19", "1001", "wide"] {
        let o = cafe(&["run", "lunch", "--clock", "virtual", "--timeline", "--width", width]);
        assert_eq!(o.status.code(), Some(2), "{width}");
        assert!(stderr(&o).contains("--width <COLUMNS>"), "{}", stderr(&o));
        assert_eq!(stdout(&o), "");
    }
    assert!(cafe(&["compare", "lunch", "--width", "20"]).status.success());
}

// ---- Numbers and bounds (issue 15) ------------------------------------------------

/// Writes `files` into a fresh directory for one test, removed when it is dropped.
fn limits_dir(test: &str, files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::Builder::new().prefix(&format!("cafe-cli-limits-{test}-")).tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

#[test]
fn a_speed_too_slow_or_a_warmup_too_long_is_a_usage_error() {
    let o = cafe(&["run", "lunch", "--speed", "1e-300"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: --speed must be at least 0.000001 (a second of scenario time in 11.6 days), not 1e-300\n"
    );
    // Faster, and the wall time a run took would stand for more scenario time than
    // a run can count: `{elapsed}` printed u64::MAX nanoseconds at 1e20.
    let o = cafe(&["run", "coffee-shop", "--speed", "1e20"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: --speed must be at most 1,000,000 (11.6 days of scenario time a second), not 1e20: for a run at once, use the virtual clock\n"
    );
    assert!(o.stdout.is_empty());
    let o = cafe(&["run", "lunch", "--clock", "virtual", "--stats", "--warmup", "1e300"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: --warmup must be a time from 0 to 15,000,000 min (the longest time a run can count), not 1e300\n"
    );
}

#[test]
fn a_run_past_the_longest_time_stops_with_an_error_and_writes_no_report() {
    let scratch = limits_dir(
        "overrun",
        &[(
            "long.toml",
            r#"
[kitchen]
equipment = { oven = 2 }
[recipes.bread]
steps = [{ name = "bake", kind = "hands-on", duration = 500000000, uses = "oven" }]
[menu]
Loaf = "bread"
[customers.generate]
count = 3
interarrival = 1
"#,
        )],
    );
    let dir = scratch.path();
    let file = dir.join("long.toml");
    let report = dir.join("day.html");
    let o = cafe(&[
        "run",
        file.to_str().unwrap(),
        "--clock",
        "virtual",
        "--timeline",
        "--report",
        report.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).ends_with("error: the run stopped at 500000000.00 s: order #2 (Loaf): step `bake` would end after 900,000,000 s, the longest time a run can count\n"),
        "{}",
        stderr(&o)
    );
    assert!(!report.exists());
    let o = cafe(&["compare", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("error: the run stopped at"), "{}", stderr(&o));
    // Replications too: no statistics of part of a run.
    let o = cafe(&["run", file.to_str().unwrap(), "--clock", "virtual", "--replications", "3"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("error: the run stopped at"), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    // And sweeps, naming the configuration.
    let o = cafe(&["sweep", file.to_str().unwrap(), "--vary", "cooks=1..2", "--replications", "2"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).ends_with("error: with cooks = 1, the run stopped at 500000000.00 s: order #2 (Loaf): step `bake` would end after 900,000,000 s, the longest time a run can count\n"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn equipment_of_billions_of_units_runs_in_small_memory() {
    let scratch = limits_dir(
        "capacity",
        &[(
            "big.toml",
            r#"
[kitchen]
equipment = { oven = 4294967295 }
[recipes.bread]
steps = [{ name = "bake", kind = "unattended", duration = 10, uses = "oven" }]
[menu]
Loaf = "bread"
[customers.generate]
count = 3
interarrival = 1
"#,
        )],
    );
    let dir = scratch.path();
    let file = dir.join("big.toml");
    let report = dir.join("day.html");
    let o = cafe(&[
        "run",
        file.to_str().unwrap(),
        "--clock",
        "virtual",
        "--timeline",
        "--report",
        report.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("oven 3 "), "{}", stdout(&o));
    assert!(!stdout(&o).contains("oven 4 "), "{}", stdout(&o));
    assert!(report.exists());
    let o = cafe(&["compare", file.to_str().unwrap(), "--no-timeline"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn a_door_that_never_closes_is_found_by_check() {
    let scratch = limits_dir(
        "door",
        &[(
            "door.toml",
            "[recipes.r]\nsteps = [{ name = \"s\", kind = \"hands-on\", duration = 1 }]\n[menu]\nA = \"r\"\n[customers.generate]\nuntil = 10\nrate = 1e300\n",
        )],
    );
    let dir = scratch.path();
    let o = cafe(&["check", dir.join("door.toml").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("would let in about 1.00e301 customers before `until`"), "{}", stderr(&o));
}

/// Statistics of no order are a dash, not 0.00 (issue 17), in `cafe compare` as in
/// `--stats`.
#[test]
fn compare_of_a_day_where_nobody_is_served_prints_dashes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nobody.toml");
    std::fs::write(
        &path,
        "[recipes.coffee]\nsteps = [{ name = \"brew\", kind = \"unattended\", duration = 5 }]\n[menu]\ncoffee = \"coffee\"\n[customers]\npatience = 1\nlist = [{ item = \"coffee\" }, { item = \"coffee\" }]\n",
    )
    .unwrap();
    let o = cafe(&["compare", path.to_str().unwrap(), "--no-timeline"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("  customers who left                     2             2\n"), "{text}");
    for row in
        ["wait: mean", "wait: p95", "time in system: mean", "time in system: max", "above the chain: mean"]
    {
        assert!(text.contains(&format!("  {row:<26}  {:>12}  {:>12}\n", "–", "–")), "{row}: {text}");
    }
}

#[test]
fn show_python_prints_the_program_of_a_builtin_or_a_file_and_refuses_several_cooks() {
    let out = cafe(&["show", "lunch", "--python"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let program = stdout(&out);
    assert!(program.contains("asyncio.run(main())") && program.contains("'avocado'"), "{program}");
    let sync = stdout(&cafe(&["show", "lunch", "--python", "--mode", "sync"]));
    assert!(!sync.contains("asyncio.run") && sync.contains("one cook serves the orders one at a time"));
    // A file is taken too: the same program as the built-in's.
    let file = workspace().join("scenarios/lunch.toml");
    assert_eq!(stdout(&cafe(&["show", file.to_str().unwrap(), "--python"])), program);
    // Several cooks share one ready queue: no single asyncio loop does that.
    let out = cafe(&["show", "rush-hour", "--python"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).is_empty());
    let err = stderr(&out);
    assert!(err.contains("rush-hour has 2 cooks") && err.contains("one event loop"), "{err}");
    // --python writes to stdout only; --mode and --seed only with --python.
    assert_eq!(cafe(&["show", "lunch", "--python", "--to", "x"]).status.code(), Some(2));
    assert_eq!(cafe(&["show", "lunch", "--mode", "sync"]).status.code(), Some(2));
}

#[test]
fn compare_ends_with_why_the_totals_differ() {
    let out = cafe(&["compare", "lunch", "--no-timeline"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let why = text.split("\n  Why:\n").nth(1).unwrap_or_else(|| panic!("no reasons in:\n{text}"));
    assert_eq!(why.lines().count(), 3, "{why}");
    assert!(
        why.contains(
            "  - Asynchronously, the avocado (hands-on, 2 min) overlapped the pasta and the meatloaf"
        )
    );
    // Policies are compared by their speedups only.
    let text = stdout(&cafe(&["compare", "rush-hour", "--no-timeline", "--policy", "fifo,longest-chain"]));
    assert!(!text.contains("Why:"), "{text}");
}

/// `cafe run --loop` prints the library's loop view (pinned for every seed built-in
/// in `tests/golden/loop/`), and `--format json` its passes as one JSON object.
#[test]
fn run_loop_prints_the_event_loop_as_text_or_json() {
    let o = cafe(&["run", "lunch", "--loop", "--clock", "virtual"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/golden/loop/lunch.txt");
    assert_eq!(stdout(&o), std::fs::read_to_string(golden).unwrap());
    let o = cafe(&["run", "lunch", "--loop", "--clock", "virtual", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let passes = json["passes"].as_array().unwrap();
    let text_passes = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/golden/loop/lunch.txt"),
    )
    .unwrap()
    .lines()
    .filter(|l| l.starts_with("pass "))
    .count();
    assert_eq!(passes.len(), text_passes);
    assert_eq!(passes[0]["entries"][0]["kind"], "run");
    assert_eq!(passes[0]["entries"][0]["handle"], "main() · the door · starts");
    assert_eq!(json["time_unit"]["name"], "min");
}

/// Runs `cafe ARGS` with `$COLUMNS` set to `columns`.
fn cafe_columns(columns: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cafe")).args(args).env("COLUMNS", columns).output().expect("cafe runs")
}

/// The lines of `text` wider than `width` characters.
fn wider(text: &str, width: usize) -> Vec<&str> {
    text.lines().filter(|l| l.chars().count() > width).collect()
}

/// /tmp/qa/cli.md #11: prose keeps to the width the rest of the output uses
/// (`--width`, `$COLUMNS`, the terminal), as the sweep's notes do: `cafe compare`'s
/// summary and reasons, `run --why`, `cafe list` and the warnings on stderr.
#[test]
fn prose_is_wrapped_to_the_width() {
    let o = cafe(&["compare", "lunch", "--width", "80"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(wider(&stdout(&o), 80), Vec::<&str>::new());
    let text = stdout(&o);
    assert!(text.starts_with("lunch: Pasta (10 min), meatloaf (3 min, microwave), avocado (2 min, hands-on):\n  15 min synchronously"), "{text}");
    // A reason continues under its first word.
    assert!(text.contains("\n  - The synchronous cook stood by 13 min of 15 min, mostly watching the pasta:\n    time it could have spent on other work.\n"), "{text}");
    assert_eq!(
        wider(&stdout(&cafe(&["compare", "lunch", "--no-timeline", "--width", "60"])), 60),
        Vec::<&str>::new()
    );
    // Piped without $COLUMNS or --width, lines are kept whole: the summary and three
    // reasons.
    assert_eq!(wider(&stdout(&cafe(&["compare", "lunch", "--no-timeline"])), 80).len(), 4);

    let o = cafe(&["run", "rush-hour", "--clock", "virtual", "--why", "--width", "80"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let why =
        stdout(&o).split("Why the orders took longer than their recipes:\n").nth(1).unwrap().to_string();
    assert_eq!(wider(&why, 80), Vec::<&str>::new());
    assert!(
        why.starts_with(
            "  Order 113 took 13.49 min, 12.33 min more than its longest chain of steps (1.16\n    min): it waited"
        ),
        "{why}"
    );
    assert_eq!(
        wider(&stdout(&cafe_columns("80", &["run", "rush-hour", "--clock", "virtual", "--why"])), 80),
        Vec::<&str>::new()
    );

    let o = cafe_columns("80", &["list"]);
    assert_eq!(wider(&stdout(&o), 80), Vec::<&str>::new());
    assert!(stdout(&o).starts_with("cafe                          Two customers, a 5 s coffee each: 10 s\n                              synchronously"), "{}", stdout(&o));
    // Every built-in still has its line.
    assert_eq!(
        stdout(&o).lines().filter(|l| !l.starts_with(' ')).count(),
        stdout(&cafe(&["list"])).lines().count()
    );

    let take = tempfile::tempdir().unwrap();
    let path = take.path().join("take.toml");
    std::fs::write(&path, stdout(&cafe(&["show", "takeaway"]))).unwrap();
    let o = cafe_columns("80", &["check", path.to_str().unwrap()]);
    assert!(o.status.success());
    assert!(
        stderr(&o).starts_with(
            "warning: the synchronous kitchen cannot keep up: its customers need 1.50 cooks\n  busy"
        ),
        "{}",
        stderr(&o)
    );
    assert_eq!(wider(&stderr(&o), 80), Vec::<&str>::new());
    assert_eq!(stderr(&cafe(&["check", path.to_str().unwrap()])).lines().count(), 1);
}

/// #14: `--threads 0` is one thread per core, as in the library and the Python
/// package, and says so.
#[test]
fn threads_0_is_one_per_core_and_the_help_says_so() {
    let help = stdout(&cafe(&["sweep", "--help"]));
    assert!(help.contains("Worker threads, 0 for one per core"), "{help}");
    assert!(help.contains("[default: 0]"), "{help}");
    let sweep = |threads: &str| {
        cafe(&["sweep", "coffee-shop", "--vary", "cooks=1..2", "--replications", "3", "--threads", threads])
    };
    let (zero, one) = (sweep("0"), sweep("1"));
    assert!(zero.status.success(), "{}", stderr(&zero));
    assert_eq!(stdout(&zero), stdout(&one));
}

/// #15: replication seeds are exact 64-bit integers, above 2^53 too; the JSON
/// documentation says so and how to read them exactly.
#[test]
fn replication_seeds_are_exact_and_the_documentation_warns_of_rounding_readers() {
    let o = cafe(&["run", "rush-hour", "--replications", "5", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let seeds: Vec<u64> = json["seeds"].as_array().unwrap().iter().map(|s| s.as_u64().unwrap()).collect();
    let big = *seeds.iter().find(|&&s| s > 1 << 53).expect("a seed above 2^53");
    // Printed digit for digit, and rerun exactly.
    assert!(stdout(&o).contains(&big.to_string()));
    let i = seeds.iter().position(|&s| s == big).unwrap();
    let alone =
        cafe(&["run", "rush-hour", "--clock", "virtual", "--seed", &big.to_string(), "--format", "json"]);
    let alone: serde_json::Value = serde_json::from_str(&stdout(&alone)).unwrap();
    assert_eq!(alone["stats"]["served"], json["runs"][i]["served"]);
    let doc = std::fs::read_to_string(workspace().join("docs/json-output.md")).unwrap();
    assert!(
        doc.contains("exact 64-bit") && doc.contains("jq 1.6"),
        "docs/json-output.md says nothing of rounding"
    );
}

/// #16: a plan file that is empty is located at column 1, not 0, and the position
/// is said once.
#[test]
fn an_empty_plan_file_is_located_from_column_1() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p5.json");
    std::fs::write(&path, "").unwrap();
    let o = cafe(&["run", "lunch", "--plan", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!(
            "error: {}:1:1: not a plan written by `cafe plan --format json`: EOF while parsing a value\n",
            path.display()
        )
    );
}

/// #20: the share of those who came is a dash when nobody came, as statistics of
/// nothing are elsewhere.
#[test]
fn the_share_of_nobody_is_a_dash() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nobody.toml");
    std::fs::write(
        &path,
        "[recipes.coffee]\nsteps = [{ name = \"brew\", kind = \"unattended\", duration = 5 }]\n[menu]\ncoffee = \"coffee\"\n[customers.generate]\ncount = 0\nrate = 1\n",
    )
    .unwrap();
    let o = cafe(&["run", path.to_str().unwrap(), "--clock", "virtual", "--stats"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o)
            .contains("\n  customers waited         0    – of those who came, before their first step\n"),
        "{}",
        stdout(&o)
    );
}

/// A negative number is a value out of range, said with the range, never "an
/// unexpected argument" with a tip to write `-- -1`.
#[test]
fn negative_numbers_are_values_out_of_range() {
    let cases: [(&[&str], &str); 6] = [
        (
            &["plan", "bakery", "--time-limit", "-1"],
            "error: --time-limit -1: give the solver more than 0 and at most 86400 seconds\n",
        ),
        (
            &["run", "lunch", "--clock", "real", "--speed", "-2"],
            "error: --speed must be a positive number, not -2\n",
        ),
        (
            &["run", "lunch", "--stats", "--warmup", "-1"],
            "error: --warmup must be a time from 0 to 15,000,000 min (the longest time a run can count), not -1\n",
        ),
        (&["run", "lunch", "--seed", "-1"], "-1 is not in 0..=18446744073709551615"),
        (&["sweep", "takeaway", "--threads", "-1"], "-1 is not in 0..=18446744073709551615"),
        (&["run", "lunch", "--replications", "-3"], "-3 is not in 0..=4294967295"),
    ];
    for (args, said) in cases {
        let o = cafe(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(said), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).contains("unexpected argument"), "{args:?}");
    }
}
