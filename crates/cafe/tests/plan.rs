//! `cafe plan`: its refusals (exit 2, with what to do) and its JSON.

mod common;

use common::{cafe, stderr, stdout};

#[track_caller]
fn refused(args: &[&str], says: &str) {
    let o = cafe(args);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    assert!(stderr(&o).contains(says), "{args:?}: {}", stderr(&o));
    assert!(o.stdout.is_empty(), "{args:?}");
}

#[test]
fn bad_input_is_refused_with_exit_2() {
    refused(&["plan", "coffee-shop"], "customers are generated: pass --seed N");
    refused(&["plan", "lunch", "--time-limit", "0"], "--time-limit 0: give the solver more than 0");
    refused(&["plan", "lunch", "--time-limit=-1"], "--time-limit -1: give the solver more than 0");
    refused(&["plan", "lunch", "--objective", "fastest"], "invalid value 'fastest'");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.toml");
    std::fs::write(
        &path,
        "[kitchen]\nequipment = { oven = 0 }\n[recipes.bread]\nsteps = [{ name = \"bake\", kind = \"unattended\", duration = 5, uses = \"oven\" }]\n[menu]\nbread = \"bread\"\n[customers]\nlist = [{ item = \"bread\" }]\n",
    )
    .unwrap();
    refused(&["plan", path.to_str().unwrap()], "broken.toml:");
}

/// A day of `n` orders of bread, one every hour, for one cook: each a knead
/// (hands-on) then a proof (unattended), so `2·n·(n − 1)` pairs in the model.
fn bread_day(dir: &std::path::Path, n: u64) -> String {
    let path = dir.join(format!("bread{n}.toml"));
    std::fs::write(
        &path,
        format!(
            "[kitchen]\ncooks = 1\n[recipes.bread]\nsteps = [{{ name = \"knead\", kind = \"hands-on\", duration = 10 }}, \
             {{ name = \"proof\", kind = \"unattended\", duration = 20 }}]\n[menu]\nbread = \"bread\"\n\
             [customers]\ngenerate = {{ count = {n}, interarrival = 60 }}\n"
        ),
    )
    .unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn a_day_too_big_to_plan_is_refused_with_exit_2() {
    use async_cafe::plan::{MAX_PAIRS, MAX_STEPS};
    use async_cafe::time::thousands;
    let dir = tempfile::tempdir().unwrap();
    let n = (1..).take_while(|&n: &u64| 2 * n * (n - 1) <= MAX_PAIRS).last().unwrap() + 1;
    let path = bread_day(dir.path(), n);
    let says = format!(
        "error: the day is too big to plan: for its {n} orders ({} steps), the model has {} pairs",
        2 * n,
        thousands(2 * n * (n - 1))
    );
    refused(&["plan", &path, "--seed", "1"], &says);
    refused(
        &["plan", &path, "--seed", "1"],
        &format!("more than the {} the planner takes on", thousands(MAX_PAIRS)),
    );
    // The JSON and the report are refused alike, the report's file left unwritten.
    let report = dir.path().join("plan.html");
    refused(&["plan", &path, "--seed", "1", "--format", "json", "--report", report.to_str().unwrap()], &says);
    assert!(!report.exists());
    // More steps than the planner takes on.
    let path = bread_day(dir.path(), MAX_STEPS as u64 / 2 + 1);
    refused(
        &["plan", &path, "--seed", "1"],
        &format!("the day has more than {} steps", thousands(MAX_STEPS as u64)),
    );
}

/// docs/plan.md's rounded day: the command it shows is one the planner takes on (not a
/// day too big to plan), and its table has the rows the page shows, in its order.
#[test]
fn the_rounded_day_that_plan_md_shows_is_planned() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/plan.md")).unwrap();
    let at = doc.find("For example\n`cafe plan ").expect("docs/plan.md shows a rounded day");
    let command = doc[at..].split('`').nth(1).unwrap();
    let shown = doc[at..].split("```text\n").nth(1).unwrap().split("```").next().unwrap();
    let args: Vec<&str> = command.split_whitespace().skip(1).chain(["--no-timeline"]).collect();
    let o = cafe(&args);
    assert_eq!(o.status.code(), Some(0), "{command}: {}", stderr(&o));
    let out = stdout(&o);
    let label = |line: &str| line.split("  ").next().unwrap().to_string();
    let rows: Vec<String> = shown.lines().map(label).collect();
    let got: Vec<String> = out.lines().skip(out.lines().count() - rows.len()).map(label).collect();
    assert_eq!(got, rows, "{command}:\n{out}");
    assert!(rows.contains(&"the plan, rounded day".to_string()), "{shown}");
}

/// `--width` sets the timelines' width, and `--no-timeline` leaves them out: each is
/// refused where it would do nothing, as `cafe run` refuses them.
#[test]
fn drawing_flags_without_timelines_are_refused() {
    refused(
        &["plan", "lunch", "--no-timeline", "--width", "90"],
        "error: --width cannot be used with --no-timeline: it sets the width of the timelines, which --no-timeline leaves out",
    );
    refused(
        &["plan", "lunch", "--format", "json", "--width", "90", "--no-timeline"],
        "error: --width and --no-timeline cannot be used with --format json: they are about the timelines, and --format json prints the plan as one JSON object, which has none",
    );
    // With the timelines, it sets their width.
    let cook = |width: &str| {
        let o = cafe(&["plan", "lunch", "--width", width]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        stdout(&o).lines().find(|l| l.starts_with("cook 1")).expect("a cook's lane").chars().count()
    };
    assert!(cook("40") <= 40 && cook("120") > 80, "{} {}", cook("40"), cook("120"));
}

#[test]
fn the_json_is_the_plan() {
    let o = cafe(&["plan", "bakery", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["status"], "optimal");
    assert_eq!(v["objective"], "makespan");
    assert_eq!(v["value"], 18 * 60 * 1_000_000_000u64);
    assert_eq!(v["steps"].as_array().unwrap().len(), 6);
    assert_eq!(v["steps"][1]["step"], "knead");
    // A plan proven optimal is the same on every run, byte for byte.
    assert_eq!(cafe(&["plan", "bakery", "--format", "json"]).stdout, o.stdout);
}

#[test]
fn a_generated_day_is_planned_with_its_seed() {
    let o = cafe(&["plan", "coffee-shop", "--seed", "4", "--no-timeline", "--time-limit", "2"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("Plan of the day (seed 4)"), "{text}");
    assert!(text.contains("asyncio, policy fifo"), "{text}");
}

#[test]
fn run_follows_a_plan_and_refuses_one_that_does_not_fit() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("bakery.json");
    let o = cafe(&["plan", "bakery", "--format", "json"]);
    std::fs::write(&plan, &o.stdout).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let plan = plan.to_str().unwrap();
    let o = cafe(&["run", "bakery", "--plan", plan, "--clock", "virtual"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    // Every step starts when the plan says (the narrative prints whole minutes).
    for step in json["steps"].as_array().unwrap() {
        let minutes = step["start"].as_u64().unwrap() / 60_000_000_000;
        let line = format!("{minutes} min    {} (", step["step"].as_str().unwrap());
        assert!(text.contains(&line), "{line:?} in\n{text}");
    }
    assert!(text.ends_with("Everyone served after 18 min.\n"), "{text}");

    refused(&["run", "lunch", "--plan", plan], "the plan does not fit `lunch`: the plan has 3 orders");
    let renamed = dir.path().join("renamed.json");
    std::fs::write(&renamed, std::fs::read_to_string(plan).unwrap().replace("\"knead\"", "\"fold\""))
        .unwrap();
    refused(
        &["run", "bakery", "--plan", renamed.to_str().unwrap()],
        "order #3 (bread) has no step `knead` in the plan",
    );
    let cut = dir.path().join("cut.json");
    std::fs::write(&cut, &std::fs::read(plan).unwrap()[..100]).unwrap();
    refused(&["run", "bakery", "--plan", cut.to_str().unwrap()], "cut.json:6:");
    refused(&["run", "bakery", "--plan", plan, "--seed", "2"], "--seed cannot be used with --plan");
}

#[test]
fn the_report_has_every_policy_and_the_plan() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.html");
    let o = cafe(&["plan", "bakery", "--no-timeline", "--report", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let html = std::fs::read_to_string(&path).unwrap();
    for title in ["policy fifo", "policy longest-chain", "policy planned"] {
        assert!(html.contains(title), "{title}");
    }
}

#[test]
fn a_plan_whose_times_make_no_sense_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let o = cafe(&["plan", "bakery", "--format", "json"]);
    let mut json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    // A step that ends before it starts.
    json["steps"][1]["end"] = serde_json::json!(0);
    json["steps"][1]["start"] = serde_json::json!(5);
    let path = dir.path().join("backwards.json");
    std::fs::write(&path, serde_json::to_string(&json).unwrap()).unwrap();
    let step = json["steps"][1]["step"].as_str().unwrap().to_string();
    let order = json["steps"][1]["order"].as_u64().unwrap();
    let o = cafe(&["run", "bakery", "--plan", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o)
            .contains(&format!("the plan ends it before it starts, but step `{step}` of order #{order}")),
        "{}",
        stderr(&o)
    );
    // A step that ends past the longest time a run can count, in the scenario's unit.
    json["steps"][1]["start"] = serde_json::json!(0u64);
    json["steps"][1]["end"] = serde_json::json!(u64::MAX);
    std::fs::write(&path, serde_json::to_string(&json).unwrap()).unwrap();
    let o = cafe(&["run", "bakery", "--plan", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("past the longest time a run can count (") && !stderr(&o).contains("ticks"),
        "{}",
        stderr(&o)
    );
}

/// Ctrl-C stops the search: the best plan so far is printed, and said to be that
/// (its status alone reads as a search that ran to its time limit), exit code 130.
#[test]
fn an_interrupted_search_says_so() {
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let day = String::from_utf8(cafe(&["show", "rush-hour"]).stdout).unwrap();
    // A morning without patience or balking, its rush an hour and a half: more than
    // the search proves in the time it gets before the signal.
    let day = day.replace("patience = { dist = \"triangular\", min = 3, mode = 8, max = 15 }\n", "");
    let day = day.replace(
        "    { until = 120, rate = 1.2 },\n    { until = 180, rate = 0.8 },",
        "    { until = 90, rate = 1.2 },",
    );
    let day = day.replace("balk = 6\n", "").replace("until = 180", "until = 90");
    let path = dir.path().join("morning.toml");
    std::fs::write(&path, day).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_cafe"))
        .args(["plan", path.to_str().unwrap(), "--seed", "7", "--time-limit", "60", "--no-timeline"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap().success());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.contains("best found, at most"), "{out}");
    assert!(out.ends_with("\n(interrupted: the best plan found before the search was stopped)\n"), "{out}");
}
