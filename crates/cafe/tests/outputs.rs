//! The files the command writes (/tmp/qa/cli.md #3, #6, #16, #17, #18): every path
//! is checked before anything runs, an error names the path as given (never the
//! temporary file), two outputs never share a path, and a run that fails commits no
//! file and leaves no directory it made.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{cafe, stderr, stdout};

/// Runs `cafe ARGS` in `dir`.
fn cafe_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cafe"))
        .current_dir(dir)
        .args(args)
        .env_remove("COLUMNS")
        .output()
        .expect("cafe runs")
}

/// Every name in `dir` (hidden ones too: a temporary file would be one), sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    names
}

/// #3: a warm-up that leaves nothing to measure is an error (exit code 2) that
/// commits none of the run's files: no CSV, no events, no report, no directory.
#[test]
fn a_warmup_that_leaves_nothing_to_measure_writes_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let files = ["--csv", "wu", "--events", "wu.jsonl", "--report", "wu.html"];
    let run = ["run", "rush-hour", "--clock", "virtual", "--warmup", "500"];
    for format in [&["--stats"][..], &["--format", "json"]] {
        let o = cafe_in(dir.path(), &[&run[..], format, &files].concat());
        assert_eq!(o.status.code(), Some(2), "{format:?}: {}", stderr(&o));
        assert_eq!(
            stderr(&o),
            "error: the warm-up of 500 min leaves nothing to measure: the run ended at 176.28 min\n  help: give a shorter --warmup, or make the run longer\n"
        );
        assert_eq!(listing(dir.path()), Vec::<String>::new(), "{format:?}");
        // The narrative printed as the run went stays; no statistics after it.
        assert!(!stdout(&o).contains("Statistics"), "{}", stdout(&o));
    }
    // A warm-up within the run writes them all.
    let o = cafe_in(
        dir.path(),
        &[
            "run",
            "rush-hour",
            "--clock",
            "virtual",
            "--warmup",
            "30",
            "--stats",
            "--csv",
            "wu",
            "--events",
            "wu.jsonl",
            "--report",
            "wu.html",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(listing(dir.path()), ["wu", "wu.html", "wu.jsonl"]);
}

/// #6: a report or sweep file that cannot be written is said before anything runs,
/// naming the path as given, not the temporary file beside it.
#[test]
fn an_output_path_that_cannot_be_written_is_said_before_anything_runs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let missing = d.join("nonexist/r.html");
    let m = missing.to_str().unwrap();
    let said = format!("error: {m}: No such file or directory (os error 2)\n");
    for args in [
        &["run", "lunch", "--clock", "virtual", "--report", m][..],
        &["compare", "lunch", "--report", m],
        &["plan", "bakery", "--report", m],
        &["sweep", "takeaway", "--vary", "cooks=1..2", "--replications", "2", "--report", m],
        &["sweep", "takeaway", "--vary", "cooks=1..2", "--replications", "2", "--csv", m],
    ] {
        let o = cafe(args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        assert_eq!(stdout(&o), "", "{args:?}: nothing ran");
        assert_eq!(stderr(&o), said, "{args:?}");
        assert!(!stderr(&o).contains(".cafe-tmp-"), "{}", stderr(&o));
    }
    // Both of a sweep's files are said at once; a directory is not a file.
    let o = cafe(&["sweep", "takeaway", "--vary", "cooks=1..2", "--csv", d.to_str().unwrap(), "--report", m]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    assert_eq!(stderr(&o), format!("error: {}: is a directory\n{said}", d.display()));
    assert_eq!(listing(d), Vec::<String>::new());
}

/// #16: `--csv FILE` and `show --to FILE`, where FILE is not a directory, say so.
#[test]
fn a_directory_that_is_a_file_is_said_to_be_one() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("afile"), "").unwrap();
    let o = cafe_in(dir.path(), &["run", "lunch", "--clock", "virtual", "--csv", "afile"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stderr(&o), "error: afile: is not a directory\n");
    assert_eq!(stdout(&o), "");
    let o = cafe_in(dir.path(), &["show", "lunch", "--to", "afile"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stderr(&o), "error: afile: is not a directory\n");
    assert_eq!(listing(dir.path()), ["afile"]);
}

/// #17: a run that fails leaves no `--csv` directory it made (missing parents
/// included), and keeps one that was there.
#[test]
fn a_failed_run_removes_the_csv_directory_it_made() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("huge.toml"),
        r#"
name = "huge"
unit = "h"
[recipes.r]
steps = [ { name = "a", kind = "hands-on", duration = 200000 }, { name = "b", kind = "unattended", duration = 60000 } ]
[menu]
x = "r"
[customers]
list = [{item = "x"}, {item = "x", arrival = 1}]
"#,
    )
    .unwrap();
    let o = cafe_in(dir.path(), &["run", "huge.toml", "--clock", "virtual", "--csv", "hcsv/day/one"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("the longest time a run can count"), "{}", stderr(&o));
    assert_eq!(listing(dir.path()), ["huge.toml"]);
    std::fs::create_dir(dir.path().join("kept")).unwrap();
    let o = cafe_in(dir.path(), &["run", "huge.toml", "--clock", "virtual", "--csv", "kept/new"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(listing(dir.path()), ["huge.toml", "kept"]);
    assert_eq!(listing(&dir.path().join("kept")), Vec::<String>::new());
}

/// #18: two outputs that would write the same place are refused before anything
/// runs, however the path is spelt; two devices are not one file.
#[test]
fn two_outputs_to_the_same_path_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let run = ["run", "lunch", "--clock", "virtual"];
    let o = cafe_in(d, &[&run[..], &["--events", "same.out", "--report", "./same.out"]].concat());
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        "error: --events and --report both write `same.out`: the one written last would replace the other\n  help: give each a path of its own\n"
    );
    let o = cafe_in(d, &[&run[..], &["--csv", "sc", "--events", "sc/orders.csv"]].concat());
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: --events and --csv both write `sc/orders.csv`: --csv writes orders.csv, steps.csv and events.csv into the directory sc, and the one written last would replace the other\n  help: give --events a path outside sc\n"
    );
    let absolute = d.join("s.csv");
    let sweep = ["sweep", "takeaway", "--vary", "cooks=1..2", "--csv", "s.csv", "--report"];
    let o = cafe_in(d, &[&sweep[..], &[absolute.to_str().unwrap()]].concat());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).starts_with("error: --csv and --report both write `"), "{}", stderr(&o));
    assert_eq!(listing(d), Vec::<String>::new());
    // Devices are written in place: /dev/null twice is fine.
    let o = cafe_in(d, &[&run[..], &["--events", "/dev/null", "--report", "/dev/null"]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
}

/// An output that is one of the command's inputs (the scenario file, the day it
/// replays, the plan it follows) is refused before anything is written, however
/// its path is spelt: the input is left as it was.
#[test]
fn an_output_over_an_input_is_refused_and_the_input_kept() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let shown = cafe_in(d, &["show", "coffee-shop-replay", "--to", "day"]);
    assert!(shown.status.success(), "{}", stderr(&shown));
    let scenario = std::fs::read(d.join("day/coffee-shop-replay.toml")).unwrap();
    let replayed = std::fs::read(d.join("day/coffee_shop_408.csv")).unwrap();
    let toml = "day/coffee-shop-replay.toml";
    let cases: [&[&str]; 5] = [
        &["run", toml, "--clock", "virtual", "--events", "./day/coffee-shop-replay.toml"],
        &["run", toml, "--clock", "virtual", "--report", "day/../day/coffee_shop_408.csv"],
        &["compare", toml, "--report", toml],
        &["sweep", toml, "--vary", "cooks=1..2", "--replications", "2", "--csv", "day/coffee_shop_408.csv"],
        &["plan", toml, "--report", toml],
    ];
    for args in cases {
        let o = cafe_in(d, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert_eq!(stdout(&o), "", "{args:?}");
        let said = stderr(&o);
        assert!(said.contains(" would write over `"), "{args:?}: {said}");
        assert!(
            said.contains("`, the scenario: the command reads it, and the output would replace it\n")
                || said.contains("`, a day the scenario replays: the command reads it"),
            "{args:?}: {said}"
        );
    }
    assert_eq!(std::fs::read(d.join(toml)).unwrap(), scenario);
    assert_eq!(std::fs::read(d.join("day/coffee_shop_408.csv")).unwrap(), replayed);
    assert_eq!(listing(&d.join("day")), ["coffee-shop-replay.toml", "coffee_shop_408.csv"]);
    // `--csv DIR` writes orders.csv into DIR: a day replayed from DIR/orders.csv is kept.
    std::fs::rename(d.join("day/coffee_shop_408.csv"), d.join("day/orders.csv")).unwrap();
    let text = String::from_utf8(scenario.clone()).unwrap().replace("coffee_shop_408.csv", "orders.csv");
    std::fs::write(d.join("day/coffee-shop-replay.toml"), &text).unwrap();
    let o = cafe_in(d, &["run", toml, "--clock", "virtual", "--csv", "day"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).starts_with("error: --csv would write over `day/orders.csv`, a day the scenario replays"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read(d.join("day/orders.csv")).unwrap(), replayed);
    // A plan the run follows.
    let plan = cafe_in(d, &["plan", "bakery", "--format", "json"]);
    std::fs::write(d.join("p.json"), &plan.stdout).unwrap();
    let o = cafe_in(d, &["run", "bakery", "--clock", "virtual", "--plan", "p.json", "--events", "./p.json"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).starts_with("error: --events would write over `p.json`, the plan it follows"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read(d.join("p.json")).unwrap(), plan.stdout);
}

/// A plan file is read as far as a scenario may be, and must be text: `/dev/zero`
/// is refused, not read until memory runs out.
#[test]
fn a_plan_that_is_not_one_is_refused_without_reading_it_all() {
    let o = cafe(&["run", "bakery", "--clock", "virtual", "--plan", "/dev/zero"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o), "error: /dev/zero: larger than 64 MiB, more than any plan\n");
}

/// What keeps a run in memory (a trace for `--report`, `--timeline` and a
/// comparison; the loop's passes for `--loop --format json`) is refused before the
/// run for a day expected to let in more than it can keep, saying what to do;
/// nothing is written.
#[test]
fn a_run_too_large_to_keep_is_refused_before_it_runs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let day = |count: u64| {
        format!(
            "[kitchen]\ncooks = 4\n[recipes.coffee]\nsteps = [{{ name = \"serve\", kind = \"hands-on\", duration = 1 }}]\n[menu]\ncoffee = \"coffee\"\n[customers.generate]\ncount = {count}\nrate = 3.6\n"
        )
    };
    std::fs::write(d.join("big.toml"), day(3_000_000)).unwrap();
    std::fs::write(d.join("mid.toml"), day(200_000)).unwrap();
    let cases: [(&[&str], &str); 4] = [
        (
            &["run", "big.toml", "--clock", "virtual", "--report", "r.html"],
            "error: --report keeps the run in memory, for at most 2,000,000 customers, and big lets in about 3,000,000: leave out --report, or make the day shorter (`count` or `until` in `[customers.generate]`)\n",
        ),
        (
            &["run", "big.toml", "--clock", "virtual", "--timeline"],
            "error: --timeline keeps the run in memory, for at most 2,000,000 customers, and big lets in about 3,000,000: leave out --timeline, or make the day shorter (`count` or `until` in `[customers.generate]`)\n",
        ),
        (
            &["compare", "big.toml", "--no-timeline"],
            "error: a comparison keeps the run in memory, for at most 2,000,000 customers, and big lets in about 3,000,000: compare a shorter day (`count` or `until` in `[customers.generate]`)\n",
        ),
        (
            &["run", "mid.toml", "--clock", "virtual", "--loop", "--format", "json"],
            "error: --loop --format json keeps the run in memory, for at most 100,000 customers, and mid lets in about 200,000: leave out --loop --format json, or make the day shorter (`count` or `until` in `[customers.generate]`)\n",
        ),
    ];
    for (args, said) in cases {
        let o = cafe_in(d, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert_eq!(stderr(&o), said, "{args:?}");
        assert_eq!(stdout(&o), "", "{args:?}");
    }
    assert_eq!(listing(d), ["big.toml", "mid.toml"]);
}

/// The bound on a traced run sees its steps: recipes of 100 steps keep 25 times
/// what recipes of up to 4 do, so a day of them is bounded at 80,000 customers, not
/// 2,000,000 (2,000,000 of them would keep some 35 GB in a comparison).
#[test]
fn the_bound_on_a_kept_run_counts_the_steps_of_long_recipes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let steps: Vec<String> =
        (0..100).map(|i| format!("{{ name = \"s{i}\", kind = \"unattended\", duration = 1 }}")).collect();
    let day = format!(
        "[kitchen]\ncooks = 4\n[recipes.long]\nsteps = [{}]\n[menu]\nlong = \"long\"\n[customers.generate]\ncount = 100000\nrate = 3.6\n",
        steps.join(", ")
    );
    std::fs::write(d.join("long.toml"), day).unwrap();
    let o = cafe_in(d, &["run", "long.toml", "--clock", "virtual", "--timeline"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "error: --timeline keeps the run in memory, for at most 80,000 customers of recipes of up to 100 steps, and long lets in about 100,000: leave out --timeline, or make the day shorter (`count` or `until` in `[customers.generate]`)\n"
    );
    let o = cafe_in(d, &["compare", "long.toml", "--no-timeline"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("for at most 80,000 customers of recipes of up to 100 steps"),
        "{}",
        stderr(&o)
    );
}

/// Writing an HTML report (which keeps a lane per order) changes nothing the
/// terminal shows: the timeline of `run --timeline` and `compare` has no lane per
/// order unless `--order-lanes` asks for them (a day of a million customers drew
/// two million lines), and the lines are those of the same command without the
/// report.
#[test]
fn a_report_adds_no_lane_per_order_to_the_timeline_printed() {
    let dir = tempfile::tempdir().unwrap();
    let run = ["run", "lunch", "--clock", "virtual", "--timeline", "--width", "100"];
    let compare = ["compare", "lunch", "--width", "100"];
    for command in [&run[..], &compare[..]] {
        let plain = cafe_in(dir.path(), command);
        let reported = cafe_in(dir.path(), &[command, &["--report", "r.html"]].concat());
        assert!(plain.status.success() && reported.status.success(), "{}", stderr(&reported));
        assert_eq!(stdout(&reported), stdout(&plain), "{command:?}");
        assert!(!stdout(&plain).contains("#1 "), "{}", stdout(&plain));
        let report = std::fs::read_to_string(dir.path().join("r.html")).unwrap();
        assert!(report.contains("#1 "), "the report has the orders' lanes");
        // Asked for, the lanes are drawn, report or not.
        let lanes = cafe_in(dir.path(), &[command, &["--order-lanes", "--report", "r.html"]].concat());
        assert!(stdout(&lanes).contains("\n#1 "), "{}", stdout(&lanes));
    }
}
