//! Issue 17: flags that used to be ignored silently are refused (exit code 2, nothing
//! printed or written, every problem said with what to do instead), `--replications`
//! implies the virtual clock, `cafe compare` refuses a policy named twice and its
//! report says which policy wins, and `cafe show --to DIR` writes a built-in with its
//! files.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{cafe, stderr, stdout};

/// Runs `cafe ARGS` in `dir`.
fn cafe_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cafe")).current_dir(dir).args(args).output().expect("cafe runs")
}

/// The names in `dir`, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    names
}

#[track_caller]
fn refused(o: &Output) -> String {
    assert_eq!(o.status.code(), Some(2), "{}", stderr(o));
    assert_eq!(stdout(o), "");
    stderr(o)
}

#[test]
fn the_exports_of_one_run_are_refused_with_replications_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "run",
        "cafe",
        "--clock",
        "virtual",
        "--replications",
        "3",
        "--timeline",
        "--events",
        "y.jsonl",
        "--csv",
        "ydir",
        "--report",
        "y.html",
    ];
    let o = cafe_in(dir.path(), &args);
    assert_eq!(
        refused(&o),
        "error: --timeline, --events, --csv and --report cannot be used with --replications: they show or write one run, and --replications prints statistics over many runs\n  help: drop --replications to get them for one run (replication i is the run whose --seed is the i-th of the `seeds` that --format json lists), or drop --timeline, --events, --csv and --report\n"
    );
    assert_eq!(listing(dir.path()), Vec::<String>::new());
    // Without --replications, the same flags do what they say.
    let one: Vec<&str> = args.iter().copied().filter(|a| !["--replications", "3"].contains(a)).collect();
    let o = cafe_in(dir.path(), &one);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("\ncook 1 "), "the timeline: {}", stdout(&o));
    assert_eq!(listing(dir.path()), ["y.html", "y.jsonl", "ydir"]);
}

#[test]
fn the_help_of_a_refusal_reruns_one_replication() {
    // The help says how to get one replication's run alone: its seed, from the JSON.
    let json = |args: &[&str]| -> serde_json::Value {
        let o = cafe(args);
        assert!(o.status.success(), "{}", stderr(&o));
        serde_json::from_str(&stdout(&o)).unwrap()
    };
    let reps = json(&["run", "coffee-shop", "--replications", "2", "--format", "json"]);
    let totals: Vec<f64> = (0..2)
        .map(|i| {
            let seed = reps["seeds"][i].as_u64().unwrap().to_string();
            let alone =
                json(&["run", "coffee-shop", "--clock", "virtual", "--seed", &seed, "--format", "json"]);
            alone["stats"]["total_s"].as_f64().unwrap()
        })
        .collect();
    assert_ne!(totals[0], totals[1]);
    assert_eq!((totals[0] + totals[1]) / 2.0, reps["total_s"]["mean"].as_f64().unwrap());
}

#[test]
fn replications_imply_the_virtual_clock_and_refuse_the_real_one() {
    let implied = cafe(&["run", "coffee-shop", "--replications", "3"]);
    assert!(implied.status.success(), "{}", stderr(&implied));
    assert_eq!(
        stdout(&implied),
        stdout(&cafe(&["run", "coffee-shop", "--clock", "virtual", "--replications", "3"]))
    );
    for r in ["1", "3"] {
        let o = cafe(&["run", "coffee-shop", "--clock", "real", "--replications", r]);
        assert_eq!(
            refused(&o),
            "error: --clock real cannot be used with --replications: replications run on the virtual clock (the default with --replications), and it is about the real clock\n  help: drop --clock real; to watch one run in real time, drop --replications instead\n"
        );
    }
}

#[test]
fn json_refuses_the_timeline_and_timestamps() {
    let dir = tempfile::tempdir().unwrap();
    let o = cafe_in(
        dir.path(),
        &[
            "run",
            "lunch",
            "--clock",
            "virtual",
            "--format",
            "json",
            "--timeline",
            "--timestamps",
            "--report",
            "r.html",
        ],
    );
    let err = refused(&o);
    assert!(
        err.starts_with("error: --timeline cannot be used with --format json: the timeline is a drawing for the terminal, and --format json prints one JSON object of data\n  help: drop --format json to draw it after the narrative, or add --report FILE.html"),
        "{err}"
    );
    assert!(err.contains("\nerror: --timestamps cannot be used with --format json: "), "{err}");
    assert_eq!(err.matches("error: ").count(), 2, "{err}");
    assert_eq!(listing(dir.path()), Vec::<String>::new());
    // What JSON does carry is accepted: a report.
    let o = cafe_in(
        dir.path(),
        &["run", "lunch", "--clock", "virtual", "--format", "json", "--report", "r.html"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(listing(dir.path()), ["r.html"]);
}

/// /tmp/qa/cli.md #5 and /tmp/qa/docs.md #11: flags that changed nothing with
/// `--format json` are refused (the report always has the statistics; the loop's
/// object has none), and `--loop --why` says why once.
#[test]
fn json_refuses_the_statistics_flags_that_would_change_nothing_and_loop_why_says_it_once() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["run", "takeaway", "--loop", "--format", "json", "--clock", "virtual"];
    let with = |extra: &[&str]| cafe_in(dir.path(), &[&args[..], extra].concat());
    assert_eq!(
        refused(&with(&["--warmup", "10", "--stats", "--events", "e.jsonl"])),
        "error: --stats and --warmup cannot be used with --loop --format json: they are about statistics, and the loop's JSON object has the event loop's passes and no statistics\n  help: drop --stats and --warmup; for statistics in JSON, drop --loop: the JSON report always has them\n"
    );
    assert!(refused(&with(&["--warmup", "10"])).starts_with("error: --warmup cannot be used with --loop"));
    assert_eq!(listing(dir.path()), Vec::<String>::new());
    let o = cafe_in(dir.path(), &["run", "lunch", "--stats", "--format", "json", "--clock", "virtual"]);
    assert_eq!(
        refused(&o),
        "error: --stats cannot be used with --format json: it prints the statistics after the narrative text, and the JSON report always has them (`stats`)\n  help: drop --stats\n"
    );
    // The loop view ends with why the orders waited: --why does not say it again.
    let o = cafe(&["run", "lunch", "--clock", "virtual", "--loop", "--why"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), stdout(&cafe(&["run", "lunch", "--clock", "virtual", "--loop"])));
    assert_eq!(stdout(&o).matches("No served order took longer").count(), 1, "{}", stdout(&o));
}

#[test]
fn flags_of_the_real_clock_and_flags_that_need_another_are_refused() {
    let err = refused(&cafe(&["run", "lunch", "--clock", "virtual", "--speed", "10"]));
    assert_eq!(
        err,
        "error: --speed cannot be used with --clock virtual: it is about the real clock, and the virtual clock runs the day at once\n  help: drop --speed, or use --clock real\n"
    );
    let err = refused(&cafe(&["run", "lunch", "--clock", "virtual", "--order-lanes", "--warmup", "1"]));
    assert!(err.starts_with("error: --order-lanes needs --timeline or --report: "), "{err}");
    assert!(err.contains("\nerror: --warmup needs --stats: "), "{err}");
    let err = refused(&cafe(&["run", "bakery", "--mode", "sync", "--policy", "longest-chain"]));
    assert!(err.starts_with("error: --policy cannot be used with --mode sync: "), "{err}");
    // Nothing ran: no narrative, and no capacity warning either.
    assert!(!err.contains("warning"), "{err}");
}

#[test]
fn compare_refuses_a_policy_named_twice_and_flags_without_timelines() {
    let dir = tempfile::tempdir().unwrap();
    let o = cafe_in(dir.path(), &["compare", "bakery", "--policy", "fifo,fifo", "--report", "r.html"]);
    assert_eq!(
        refused(&o),
        "error: --policy names fifo more than once: a policy compared with itself tells nothing\n  help: give --policy fifo alone to compare the two kitchens under it, or name other policies beside it\n"
    );
    let o = cafe_in(dir.path(), &["compare", "bakery", "--no-timeline", "--order-lanes"]);
    assert!(refused(&o).starts_with("error: --order-lanes cannot be used with --no-timeline: "));
    assert_eq!(listing(dir.path()), Vec::<String>::new());
}

#[test]
fn compare_report_of_policies_says_which_wins() {
    let dir = tempfile::tempdir().unwrap();
    let o = cafe_in(
        dir.path(),
        &[
            "compare",
            "bakery",
            "--policy",
            "fifo,unattended-first,longest-chain",
            "--no-timeline",
            "--report",
            "r.html",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    // The text's verdict, and the page's.
    assert!(stdout(&o).ends_with("  longest-chain: 1.17x as fast as fifo\n"), "{}", stdout(&o));
    let html = std::fs::read_to_string(dir.path().join("r.html")).unwrap();
    assert!(
        html.contains(r#"<p class="verdict">Fastest: longest-chain (18.00 min), 1.17× as fast as fifo.</p>"#)
    );
}

#[test]
fn show_writes_a_builtin_with_its_files_and_says_when_it_cannot_print_them() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Printed, the replay's scenario names a file it does not print: stderr says so.
    let o = cafe_in(d, &["show", "coffee-shop-replay"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("replay = \"coffee_shop_408.csv\""));
    assert_eq!(
        stderr(&o),
        "note: coffee-shop-replay refers to coffee_shop_408.csv, which is not printed: `cafe show coffee-shop-replay --to DIR` writes the scenario with it into DIR\n"
    );
    // A scenario of no other file: no note.
    assert_eq!(stderr(&cafe(&["show", "lunch"])), "");

    let o = cafe_in(d, &["show", "coffee-shop-replay", "--to", "mine"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "wrote mine/coffee-shop-replay.toml and mine/coffee_shop_408.csv\n");
    assert_eq!(stderr(&o), "");
    assert_eq!(listing(&d.join("mine")), ["coffee-shop-replay.toml", "coffee_shop_408.csv"]);
    let o = cafe_in(d, &["check", "mine/coffee-shop-replay.toml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // The copy runs as the built-in does.
    let copy = cafe_in(d, &["run", "mine/coffee-shop-replay.toml", "--clock", "virtual"]);
    assert_eq!(stdout(&copy), stdout(&cafe(&["run", "coffee-shop-replay", "--clock", "virtual"])));

    // Files already there are not replaced, unless --force; nothing is written.
    std::fs::write(d.join("mine/coffee_shop_408.csv"), "edited").unwrap();
    let o = cafe_in(d, &["show", "coffee-shop-replay", "--to", "mine"]);
    assert_eq!(
        refused(&o),
        "error: mine/coffee-shop-replay.toml and mine/coffee_shop_408.csv already exist: nothing was written\n  help: pass --force to replace them, or choose another directory\n"
    );
    assert_eq!(std::fs::read_to_string(d.join("mine/coffee_shop_408.csv")).unwrap(), "edited");
    let o = cafe_in(d, &["show", "coffee-shop-replay", "--to", "mine", "--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_ne!(std::fs::read_to_string(d.join("mine/coffee_shop_408.csv")).unwrap(), "edited");
    // No temporary file is left beside them.
    assert_eq!(listing(&d.join("mine")), ["coffee-shop-replay.toml", "coffee_shop_408.csv"]);

    // --force alone means nothing: clap says what it needs.
    let err = refused(&cafe_in(d, &["show", "lunch", "--force"]));
    assert!(err.contains("the following required arguments were not provided:\n  --to <DIR>"), "{err}");
    // A directory that cannot be made is an error naming it.
    std::fs::write(d.join("file"), "").unwrap();
    let o = cafe_in(d, &["show", "lunch", "--to", "file/sub"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).starts_with("error: file/sub: "), "{}", stderr(&o));
}

#[test]
fn the_loop_view_is_refused_where_there_is_no_loop_or_it_would_stamp_nothing() {
    let err = refused(&cafe(&["run", "lunch", "--loop", "--mode", "sync", "--clock", "virtual"]));
    assert_eq!(
        err,
        "error: --loop cannot be used with --mode sync: it shows the asynchronous kitchen's event loop, and the synchronous kitchen has none: each cook blocks through every step of one order at a time\n  help: drop --mode sync to watch the loop, or drop --loop\n"
    );
    let err = refused(&cafe(&["run", "lunch", "--loop", "--timestamps", "--clock", "virtual"]));
    assert!(err.starts_with("error: --timestamps cannot be used with --loop: "), "{err}");
    let err = refused(&cafe(&["run", "lunch", "--loop", "--replications", "3"]));
    assert!(err.starts_with("error: --loop cannot be used with --replications: "), "{err}");
}

/// Every flag a subcommand's `--help` lists is named on the page that documents the
/// subcommand, so that a flag added to the command cannot go undocumented.
#[test]
fn every_flag_of_the_help_is_documented() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let page = |name: &str| std::fs::read_to_string(root.join(name)).unwrap();
    let readme = page("README.md");
    let pages = [
        ("run", readme.clone() + &page("docs/loop.md") + &page("docs/plan.md")),
        ("compare", readme.clone()),
        ("sweep", page("docs/sweep.md")),
        ("plan", page("docs/plan.md")),
        ("show", readme.clone() + &page("docs/python-program.md")),
        ("check", readme.clone()),
        ("list", readme.clone()),
        ("studio", page("docs/studio.md")),
    ];
    let mut missing = Vec::new();
    for (command, text) in pages {
        let help = stdout(&cafe(&[command, "--help"]));
        let flags = help
            .lines()
            .filter_map(|l| l.trim_start().trim_start_matches("-h, ").strip_prefix("--"))
            .map(|l| l.split(|c: char| !(c.is_ascii_lowercase() || c == '-')).next().unwrap())
            .filter(|f| *f != "help");
        for flag in flags {
            let named = text.match_indices(&format!("--{flag}")).any(|(at, m)| {
                !text[at + m.len()..].starts_with(|c: char| c.is_ascii_lowercase() || c == '-')
            });
            if !named {
                missing.push(format!("cafe {command} --{flag}"));
            }
        }
    }
    assert!(missing.is_empty(), "flags that no page documents:\n{}", missing.join("\n"));
}
