//! `cafe sweep`: the table and the answer, CSV and HTML files, bad arguments (exit
//! code 2), the same output whatever the threads, and Ctrl-C (exit code 130, what
//! finished kept).

mod common;

use std::path::PathBuf;
use std::process::{Command, Stdio};

use common::{cafe, stderr, stdout};

/// A fresh directory holding an M/M/c café (λ = 3, μ = 1) of `count` customers,
/// cooks costing 10 and machines 3.
fn cafe_file(tag: &str, count: u64) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::Builder::new().prefix(&format!("cafe-sweep-{tag}-")).tempdir().unwrap();
    let path = dir.path().join("mmc.toml");
    std::fs::write(
        &path,
        format!(
            r#"
[kitchen]
cooks = 4
cook_cost = 10
currency = "EUR"
equipment = {{ coffee_machine = {{ capacity = 2, cost = 3 }} }}
[recipes.job]
steps = [{{ name = "serve", kind = "hands-on", duration = {{ dist = "exponential", mean = 1 }} }}]
[menu]
job = "job"
[customers.generate]
count = {count}
rate = 3
"#
        ),
    )
    .unwrap();
    (dir, path)
}

#[test]
fn a_sweep_prints_the_table_and_the_cheapest_kitchen_and_writes_its_files() {
    let (scratch, path) = cafe_file("ok", 1000);
    let dir = scratch.path();
    let (csv, html) = (dir.join("sweep.csv"), dir.join("sweep.html"));
    let p = path.to_str().unwrap();
    let grid = [
        "sweep",
        p,
        "--vary",
        "cooks=3..5",
        "--vary",
        "equipment.coffee_machine=1..2",
        "--replications",
        "6",
        "--seed",
        "3",
        "--target",
        "mean_wait <= 1.5",
    ];
    let files = ["--csv", csv.to_str().unwrap(), "--report", html.to_str().unwrap()];
    let o = cafe(&[&grid[..], &files].concat());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "", "no progress bar when stderr is not a terminal");
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "Sweep of mmc: 6 configurations × 6 replications (asynchronous kitchen, base seed 3, no warm-up)"
    );
    assert!(lines[3].trim_start().starts_with("cooks  coffee_machine  p95 in system (s)"), "{out}");
    assert!(lines[3].ends_with("cost (EUR)  target"), "{out}");
    assert_eq!(lines[4..10].iter().filter(|l| l.ends_with('✓')).count(), 4, "{out}");
    assert!(lines[4].trim_start().starts_with("3               1 "), "{out}");
    assert!(
        out.contains(
            "\ncheapest configuration meeting the target: cooks=4 coffee_machine=1 (cost 43 EUR): mean_wait "
        ),
        "{out}"
    );
    let csv_text = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(csv_text.lines().count(), 7);
    assert!(csv_text.starts_with(
        "cooks,equipment.coffee_machine,cost_EUR,status,meets_target,replications,mean_time_in_system_s_mean,"
    ));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("<svg") && page.contains("coffee_machine=2"));
    // The same sweep on one thread: the same output, byte for byte.
    let again = cafe(&[&grid[..], &["--threads", "1"]].concat());
    assert_eq!(stdout(&again), out);
}

#[test]
fn bad_arguments_exit_with_code_2_and_say_why() {
    let (_scratch, path) = cafe_file("bad", 100);
    let p = path.to_str().unwrap();
    let cases: [(&[&str], &str); 6] = [
        (
            &["--vary", "equipment.cofee_machine=1..3"],
            "error: --vary `equipment.cofee_machine=1..3`: the kitchen has no equipment `cofee_machine`; did you mean `coffee_machine`? It has: coffee_machine\n",
        ),
        (
            &["--vary", "cooks=5..2"],
            "error: --vary `cooks=5..2`: the range 5..2 is empty; write the smaller number first, like `cooks=2..5`\n",
        ),
        (
            &["--vary", "cooks=0..2"],
            "error: --vary `cooks=0..2`: a kitchen needs at least one cook; start at 1\n",
        ),
        (
            &["--vary", "cooks=1..3", "--target", "mean_wiat < 3"],
            "error: --target `mean_wiat < 3`: unknown metric `mean_wiat`; did you mean `mean_wait`? The metrics: mean_time_in_system, p50_time_in_system, p95_time_in_system, max_time_in_system, mean_wait, p50_wait, p95_wait, max_wait, mean_above_chain, p50_above_chain, p95_above_chain, max_above_chain, throughput_per_hour, served, waited_share, mean_in_system, mean_waiting, hands_on_share, cook_1_hands_on_share, cook_2_hands_on_share, cook_3_hands_on_share, utilisation.coffee_machine, mean_queue.coffee_machine\n",
        ),
        (
            &["--vary", "cooks=1..3", "--target", "mean_wait < 3", "--replications", "1"],
            "error: --target needs at least 2 replications: one run gives no confidence interval\n",
        ),
        (&["--replications", "0"], "error: --replications must be at least 1\n"),
    ];
    for (args, message) in cases {
        let mut all = vec!["sweep", p];
        all.extend_from_slice(args);
        let o = cafe(&all);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert_eq!(stderr(&o), message, "{args:?}");
        assert_eq!(stdout(&o), "");
    }
}

#[test]
fn ctrl_c_keeps_the_configurations_that_finished() {
    // 40 configurations of 100,000 customers × 4 replications: many seconds in a
    // debug build, so the interrupt comes in the middle (a release build, some 20
    // times faster, gets 20 times the customers). On a loaded machine the first
    // signal may come before any configuration is done: then again, later.
    let customers = if cfg!(debug_assertions) { 100_000 } else { 2_000_000 };
    let (scratch, path) = cafe_file("int", customers);
    let csv = scratch.path().join("partial.csv");
    for wait_ms in [1500, 3000, 6000, 12000] {
        let child = Command::new(env!("CARGO_BIN_EXE_cafe"))
            .args(["sweep", path.to_str().unwrap(), "--vary", "cooks=4..43", "--replications", "4", "--csv"])
            .arg(&csv)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(wait_ms));
        let killed = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
        assert!(killed.success());
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
        assert_eq!(
            stderr(&o),
            "interrupted: finishing the runs in progress (Ctrl-C again to quit at once)\n"
        );
        let out = stdout(&o);
        assert!(out.contains("\nInterrupted: "), "{out}");
        assert!(out.contains(" of 40 configurations finished. Not run: "), "{out}");
        let rows = std::fs::read_to_string(&csv).unwrap();
        let done = rows.lines().filter(|l| l.contains(",done,")).count();
        let not_run = rows.lines().filter(|l| l.contains(",not run,")).count();
        assert_eq!(done + not_run, 40, "{rows}");
        if done == 0 {
            continue;
        }
        assert!(not_run >= 1, "{rows}");
        return;
    }
    panic!("no configuration finished within 12 s of the sweep's start");
}

#[test]
fn json_gives_every_configuration_and_the_answer_by_its_values() {
    let (_scratch, path) = cafe_file("json", 2000);
    let p = path.to_str().unwrap();
    let o = cafe(&[
        "sweep",
        p,
        "--vary",
        "cooks=3..6",
        "--replications",
        "8",
        "--target",
        "mean_wait <= 1.5",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["target"], "mean_wait <= 1.5");
    let rows = v["sweep"]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 4);
    // Three cooks at λ = 3, μ = 1 are saturated; four are not.
    assert_eq!(rows[0]["load"], 1.0);
    assert_eq!(rows[1]["load"], 0.75);
    // Erlang C: four cooks wait 0.51 s on average, three much longer: four is the answer.
    assert_eq!(v["answers"][0]["best"], serde_json::json!([4.0]));
}

#[test]
fn json_answers_per_rate_and_keeps_its_keys_in_alphabetical_order() {
    let (_scratch, path) = cafe_file("json-rate", 300);
    let p = path.to_str().unwrap();
    let args =
        ["--vary", "cooks=3..4", "--vary", "arrivals.rate=1,3", "--replications", "3", "--format", "json"];
    let with_target = [["sweep", p, "--target", "mean_wait <= 1.5"].as_slice(), &args].concat();
    let o = cafe(&with_target);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let rates: Vec<_> = v["answers"].as_array().unwrap().iter().map(|a| a["rate"].clone()).collect();
    assert_eq!(rates, [serde_json::json!(1.0), serde_json::json!(3.0)]);
    // The keys of every object are sorted, as they have always been.
    let at = |key: &str| text.find(&format!("\"{key}\":")).unwrap_or_else(|| panic!("{key}"));
    assert!(at("answers") < at("sweep") && at("sweep") < at("target"), "{text}");
    assert!(at("best") < at("closest") && at("closest") < at("rate"), "{text}");
    assert!(at("interrupted") < at("metrics") && at("metrics") < at("mode"), "{text}");
    // Parameters and metrics by the names `--vary` and `--target` take.
    let params: Vec<_> =
        v["sweep"]["varies"].as_array().unwrap().iter().map(|x| x["param"].clone()).collect();
    assert_eq!(params, [serde_json::json!("cooks"), serde_json::json!("arrivals.rate")]);
    let metrics = v["sweep"]["metrics"].as_array().unwrap();
    assert_eq!(metrics[0], "mean_time_in_system");
    assert!(
        metrics.contains(&serde_json::json!("mean_wait"))
            && metrics.contains(&serde_json::json!("waited_share"))
    );
    // Without a target: no answers.
    let o = cafe(&[["sweep", p].as_slice(), &args].concat());
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!((&v["target"], &v["answers"]), (&serde_json::Value::Null, &serde_json::json!([])));
}

#[test]
fn several_targets_are_all_required_and_the_table_keeps_to_the_width() {
    let (_scratch, path) = cafe_file("targets", 1000);
    let p = path.to_str().unwrap();
    let grid = ["sweep", p, "--vary", "cooks=3..6", "--replications", "6", "--seed", "3"];
    let targets = ["--target", "mean_wait <= 1.5", "--target", "hands_on_share >= 0.65"];
    let o = cafe(&[&grid[..], &targets].concat());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("\nTargets, all required, each met with 95% confidence"), "{out}");
    assert!(
        out.contains("\n  mean_wait <= 1.5 s (upper end)\n  hands_on_share >= 0.65 (lower end)\n"),
        "{out}"
    );
    assert!(
        out.contains("\ncheapest configuration meeting every target: cooks=4 (cost 46 EUR): mean_wait "),
        "{out}"
    );
    let wide = out.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(wide > 80, "{out}");
    // At 80 columns (--width, or $COLUMNS when piped): the least wanted statistics go.
    let narrow = cafe(&[&grid[..], &targets, &["--width", "80"]].concat());
    let text = stdout(&narrow);
    assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
    assert!(text.contains("\n  Left out to fit 80 columns: p95 wait (s)"), "{text}");
    let columns = Command::new(env!("CARGO_BIN_EXE_cafe"))
        .args([&grid[..], &targets].concat())
        .env("COLUMNS", "80")
        .output()
        .unwrap();
    assert_eq!(stdout(&columns), text);
    // A target given twice, and --width with JSON, are refused.
    let twice = cafe(&[&grid[..], &targets, &["--target", "mean_wait<=1.5"]].concat());
    assert_eq!(twice.status.code(), Some(2));
    assert_eq!(stderr(&twice), "error: --target `mean_wait <= 1.5` is given twice\n");
    let json = cafe(&[&grid[..], &["--width", "80", "--format", "json"]].concat());
    assert_eq!(json.status.code(), Some(2));
    assert!(
        stderr(&json).starts_with("error: --width sets the width of the text table"),
        "{}",
        stderr(&json)
    );
}

#[test]
fn a_currency_that_is_not_a_short_name_is_a_located_error() {
    let (scratch, path) = cafe_file("currency", 100);
    let text =
        std::fs::read_to_string(&path).unwrap().replace("currency = \"EUR\"", "currency = \"euros per day\"");
    let bad = scratch.path().join("bad.toml");
    std::fs::write(&bad, text).unwrap();
    let o = cafe(&["check", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("the currency `euros per day` is not a short name"), "{err}");
    assert!(err.contains("bad.toml:5:"), "{err}");
    assert!(err.contains("give 1 to 12 characters with no spaces"), "{err}");
}

/// /tmp/qa/cli.md #12: every bad option is said at once, each in the words it has
/// alone, in the order the library checks them; the size only when all else is good.
#[test]
fn every_bad_option_is_said_at_once() {
    let o = cafe(&[
        "sweep",
        "rush-hour",
        "--vary",
        "cooks=0..3",
        "--vary",
        "cookz=1..2",
        "--vary",
        "policy=fifo",
        "--vary",
        "policy=longest-chain",
        "--target",
        "bogus <= 1",
        "--target",
        "mean_wait <= 1",
        "--target",
        "mean_wait<=1",
        "--replications",
        "1",
        "--warmup",
        "1e300",
        "--format",
        "json",
        "--width",
        "80",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    assert_eq!(stderr(&o).lines().count(), 8, "{}", stderr(&o));
    let err = stderr(&o);
    for (i, line) in [
        "error: --width sets the width of the text table: drop it, --format json draws none",
        "error: --vary `cooks=0..3`: a kitchen needs at least one cook; start at 1",
        "error: --vary `cookz=1..2`: unknown parameter `cookz`; did you mean `cooks`? ",
        "error: --vary `policy` is given twice: give all its values in one --vary",
        "error: --target `bogus <= 1`: unknown metric `bogus`; ",
        "error: --target `mean_wait <= 1` is given twice",
        "error: --target needs at least 2 replications: one run gives no confidence interval",
        "error: --warmup must be a time from 0 to 15,000,000 min",
    ]
    .iter()
    .enumerate()
    {
        assert!(err.lines().nth(i).unwrap().starts_with(line), "{line}\n{err}");
    }
    // The size is said alone: the grid is checked once every --vary is good.
    let o = cafe(&[
        "sweep",
        "rush-hour",
        "--vary",
        "cooks=1..200",
        "--vary",
        "equipment.espresso_machine=1..100",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).starts_with("error: the grid has 20000 configurations"), "{}", stderr(&o));
    assert_eq!(stderr(&o).lines().count(), 1);
}

/// The README's sweep of `busy-cafe.toml` is the sweep of the scenario it shows:
/// its file, its command (the files it writes too) and its table, as printed.
#[test]
fn the_readme_s_busy_cafe_sweep_is_what_the_command_prints() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let (_, from) = readme.split_once("machines 5, `busy-cafe.toml`:\n\n").expect("the scenario");
    let block = |text: &str| -> Vec<String> {
        text.lines()
            .take_while(|l| l.is_empty() || l.starts_with("    "))
            .map(|l| l.get(4..).unwrap_or("").to_string())
            .collect()
    };
    let lines = block(from);
    let command_at = lines.iter().position(|l| l.starts_with("cafe sweep")).expect("the command");
    let output_at = lines.iter().position(|l| l.starts_with("Sweep of")).expect("the output");
    let toml = lines[..command_at].join("\n");
    let command = lines[command_at..output_at].join("\n").replace("\\\n", " ");
    let shown = lines[output_at..].join("\n");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("busy-cafe.toml"), toml.trim()).unwrap();
    // As a shell runs it (its target is quoted), with this build's `cafe`.
    let o = Command::new("sh")
        .arg("-c")
        .arg(command.replacen("cafe", env!("CARGO_BIN_EXE_cafe"), 1))
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).trim_end(), shown.trim_end());
    for file in ["sweep.csv", "sweep.html"] {
        assert!(dir.path().join(file).is_file(), "{file}");
    }
}
