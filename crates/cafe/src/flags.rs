//! Combinations of flags that would leave one of them without effect, refused before
//! anything runs or is written (exit code 2), every one of them at once, each with
//! what to do instead.
//!
//! clap checks what it can say well by itself (value ranges, `cafe show --force`
//! without `--to`). These rules depend on values (`--format json`, `--clock virtual`,
//! `--panel always`, `--mode sync`) or on one flag among several (`--order-lanes`
//! with `--timeline` or `--report`), and a refusal here names both flags and says what
//! to do instead, which clap's "cannot be used with" does not: so they are all here,
//! in one place.
//!
//! Two outputs given the same path (`--events same.out --report same.out`, or
//! `--events d/orders.csv` beside `--csv d`), one of which would replace the other,
//! are refused here too: the paths are compared as the places they name (relative
//! or absolute, through symbolic links), before anything is written.
//!
//! What is *not* refused: a flag that is redundant but does what it says
//! (`--order-lanes` with `--report`, whose page always has a lane per order;
//! `--panel never`; `--stats` with `--replications`, which always print
//! statistics), and a flag whose effect depends on the terminal (`--width` for the
//! live panel, which is drawn only on a terminal). `--stats` with `--format json`
//! is refused: the JSON report has the statistics whether or not it is given, so it
//! changes nothing.

use std::fmt;
use std::path::{Path, PathBuf};

use async_cafe::view::export::CSV_FILES;

use crate::cli::{ClockArg, CompareArgs, FormatArg, ModeArg, PanelArg, PlanArgs, RunArgs, SweepArgs};

/// Flags refused together, with why and what to do instead.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    /// The flags refused (`--timeline`, `--events`, ...), each as typed.
    pub flags: Vec<&'static str>,
    /// How they clash, as a whole phrase: `cannot be used with --replications`, or
    /// (for one flag) `needs --stats`.
    pub relation: String,
    /// Why, after the colon.
    pub why: String,
    /// What to do instead.
    pub help: String,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {} {}: {}\n  help: {}", list(&self.flags), self.relation, self.why, self.help)
    }
}

/// `--a`, `--a and --b`, `--a, --b and --c`.
fn list(flags: &[&str]) -> String {
    match flags {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// "it" or "they", and the verb after it, for `flags`.
fn pronoun(flags: &[&str], one: &str, several: &str) -> String {
    if flags.len() == 1 { one.to_string() } else { several.to_string() }
}

/// The flags of `candidates` that were given.
fn given(candidates: &[(&'static str, bool)]) -> Vec<&'static str> {
    candidates.iter().filter(|(_, on)| *on).map(|(flag, _)| *flag).collect()
}

/// Every combination of `cafe run`'s flags that would leave one without effect.
pub fn run(a: &RunArgs) -> Vec<Refusal> {
    let mut refused = Vec::new();
    let replications = a.replications.is_some();
    let json = a.format == FormatArg::Json;
    let panel_always = a.panel == PanelArg::Always;
    if replications {
        let real = given(&[
            ("--clock real", a.clock == Some(ClockArg::Real)),
            ("--speed", a.speed.is_some()),
            ("--behind", a.behind.is_some()),
        ]);
        if !real.is_empty() {
            refused.push(Refusal {
                relation: "cannot be used with --replications".into(),
                why: format!(
                    "replications run on the virtual clock (the default with --replications), and {} about the real clock",
                    pronoun(&real, "it is", "they are")
                ),
                help: format!("drop {}; to watch one run in real time, drop --replications instead", list(&real)),
                flags: real,
            });
        }
        let one_run = given(&[
            ("--timestamps", a.timestamps),
            ("--loop", a.event_loop),
            ("--why", a.why),
            ("--timeline", a.timeline),
            ("--order-lanes", a.order_lanes),
            ("--width", a.width.is_some()),
            ("--panel always", panel_always),
            ("--events", a.events.is_some()),
            ("--csv", a.csv.is_some()),
            ("--report", a.report.is_some()),
        ]);
        if !one_run.is_empty() {
            refused.push(Refusal {
                relation: "cannot be used with --replications".into(),
                why: format!(
                    "{} one run, and --replications prints statistics over many runs",
                    pronoun(&one_run, "it shows or writes", "they show or write")
                ),
                help: format!(
                    "drop --replications to get {} for one run (replication i is the run whose --seed is the i-th of the `seeds` that --format json lists), or drop {}",
                    pronoun(&one_run, "it", "them"),
                    list(&one_run)
                ),
                flags: one_run,
            });
        }
    }
    if json && !replications {
        if a.timeline {
            refused.push(Refusal {
                flags: vec!["--timeline"],
                relation: "cannot be used with --format json".into(),
                why: "the timeline is a drawing for the terminal, and --format json prints one JSON object of data".into(),
                help: "drop --format json to draw it after the narrative, or add --report FILE.html for the timeline in a web page (the JSON's `events` give every step's start and end)".into(),
            });
        }
        if a.why {
            refused.push(Refusal {
                flags: vec!["--why"],
                relation: "cannot be used with --format json".into(),
                why: "it writes sentences after the narrative text, and the JSON's orders give each order's waits already (`door_s`, `cook_s`, `equipment_s`, `loop_s`)".into(),
                help: "drop --why, or --format json".into(),
            });
        }
        if a.timestamps {
            refused.push(Refusal {
                flags: vec!["--timestamps"],
                relation: "cannot be used with --format json".into(),
                why: "it stamps the narrative text, and the JSON narrative gives every line's time already (`t_s`)".into(),
                help: "drop --timestamps".into(),
            });
        }
        if panel_always {
            refused.push(Refusal {
                flags: vec!["--panel always"],
                relation: "cannot be used with --format json".into(),
                why: "the live panel is drawn under the narrative text, and --format json prints one JSON object".into(),
                help: "drop --panel always, or --format json".into(),
            });
        }
        if a.event_loop {
            // The loop's passes replace the JSON report, and have no statistics; a
            // warm-up still applies to the statistics of --report's page.
            let stats =
                given(&[("--stats", a.stats), ("--warmup", a.warmup.is_some() && a.report.is_none())]);
            if !stats.is_empty() {
                refused.push(Refusal {
                    relation: "cannot be used with --loop --format json".into(),
                    why: format!(
                        "{} about statistics, and the loop's JSON object has the event loop's passes and no statistics",
                        pronoun(&stats, "it is", "they are")
                    ),
                    help: format!(
                        "drop {}; for statistics in JSON, drop --loop: the JSON report always has them",
                        list(&stats)
                    ),
                    flags: stats,
                });
            }
        } else if a.stats {
            refused.push(Refusal {
                flags: vec!["--stats"],
                relation: "cannot be used with --format json".into(),
                why: "it prints the statistics after the narrative text, and the JSON report always has them (`stats`)".into(),
                help: "drop --stats".into(),
            });
        }
    }
    if a.clock == Some(ClockArg::Virtual) && !replications {
        let real = given(&[
            ("--speed", a.speed.is_some()),
            ("--behind", a.behind.is_some()),
            ("--panel always", panel_always && !json),
        ]);
        if !real.is_empty() {
            refused.push(Refusal {
                relation: "cannot be used with --clock virtual".into(),
                why: format!(
                    "{} about the real clock, and the virtual clock runs the day at once",
                    pronoun(&real, "it is", "they are")
                ),
                help: format!("drop {}, or use --clock real", list(&real)),
                flags: real,
            });
        }
    }
    if !replications {
        if a.order_lanes && !a.timeline && a.report.is_none() {
            refused.push(Refusal {
                flags: vec!["--order-lanes"],
                relation: "needs --timeline or --report".into(),
                why: "it adds a lane per order to the timeline, and this run draws none".into(),
                help: match json {
                    // --timeline is refused with --format json.
                    true => "add --report FILE.html, whose timeline has a lane per order, or drop --order-lanes".into(),
                    false => "add --timeline (the HTML report of --report always has a lane per order), or drop --order-lanes".into(),
                },
            });
        }
        // The live panel can use the width only on the real clock, in text; --why's
        // sentences are wrapped to it, in text, unless the loop view says them.
        let panel = !json && a.clock() == ClockArg::Real && a.panel != PanelArg::Never;
        let why = a.why && !json && !a.event_loop;
        if a.width.is_some() && !a.timeline && !panel && !why {
            refused.push(Refusal {
                flags: vec!["--width"],
                relation: match json {
                    true => "needs --timeline".into(),
                    false => "needs --timeline or --why".into(),
                },
                why: match json {
                    true => "it sets the width of the timeline and of the live panel, and this run draws neither".into(),
                    false => "it sets the width of the timeline, of the live panel and of --why's sentences, and this run has none of them".into(),
                },
                help: match json {
                    true => "drop --width: --format json draws nothing".into(),
                    false => "add --timeline (or --why), or drop --width".into(),
                },
            });
        }
        if a.warmup.is_some() && !a.stats && !json && a.report.is_none() {
            refused.push(Refusal {
                flags: vec!["--warmup"],
                relation: "needs --stats".into(),
                why: "it leaves the start of the run out of the statistics, and this run prints none".into(),
                help: "add --stats (or --format json, or --report FILE.html), or drop --warmup".into(),
            });
        }
    }
    if a.event_loop && a.mode == ModeArg::Sync {
        refused.push(Refusal {
            flags: vec!["--loop"],
            relation: "cannot be used with --mode sync".into(),
            why: "it shows the asynchronous kitchen's event loop, and the synchronous kitchen has none: each cook blocks through every step of one order at a time".into(),
            help: "drop --mode sync to watch the loop, or drop --loop".into(),
        });
    }
    if a.event_loop && a.timestamps && !json && !replications {
        refused.push(Refusal {
            flags: vec!["--timestamps"],
            relation: "cannot be used with --loop".into(),
            why: "it stamps the narrative's lines, and the loop view gives each pass's time, and the time of every line printed later than its pass".into(),
            help: "drop --timestamps".into(),
        });
    }
    if a.policy.is_some() && a.mode == ModeArg::Sync {
        refused.push(Refusal {
            flags: vec!["--policy"],
            relation: "cannot be used with --mode sync".into(),
            why: "a policy chooses the asynchronous kitchen's next ready step, and the synchronous kitchen makes each order in turn, the same under every policy".into(),
            help: "drop --policy, or --mode sync".into(),
        });
    }
    if a.plan.is_some() {
        let others = given(&[
            ("--mode sync", a.mode == ModeArg::Sync),
            ("--policy", a.policy.is_some()),
            ("--seed", a.seed.is_some()),
            ("--replications", replications),
        ]);
        if !others.is_empty() {
            refused.push(Refusal {
                relation: "cannot be used with --plan".into(),
                why:
                    "a plan is of one day (its seed) in the asynchronous kitchen, and sets the order of work"
                        .into(),
                help: format!("drop {}; to plan another day, run `cafe plan --seed N` first", list(&others)),
                flags: others,
            });
        }
    }
    refused.extend(same_outputs(&[
        Output::file("--events", a.events.as_deref()),
        Output::dir("--csv", a.csv.as_deref(), &CSV_FILES),
        Output::file("--report", a.report.as_deref()),
    ]));
    refused
}

/// `cafe sweep`'s outputs given the same path.
pub fn sweep(a: &SweepArgs) -> Vec<Refusal> {
    same_outputs(&[Output::file("--csv", a.csv.as_deref()), Output::file("--report", a.report.as_deref())])
}

/// A file the command writes, or a directory it writes files into: its flag, the
/// path as given, and the places it writes (for a directory, the directory itself
/// and its files).
struct Output<'a> {
    flag: &'static str,
    path: &'a Path,
    /// The names of the files written into `path`, a directory; empty for a file.
    files: &'a [&'a str],
}

impl<'a> Output<'a> {
    fn file(flag: &'static str, path: Option<&'a Path>) -> Option<Output<'a>> {
        path.map(|path| Output { flag, path, files: &[] })
    }

    fn dir(flag: &'static str, path: Option<&'a Path>, files: &'a [&'a str]) -> Option<Output<'a>> {
        path.map(|path| Output { flag, path, files })
    }

    /// The places it writes, as [`place`]s: none for a device or a FIFO (written
    /// in place, as `tee` would: two outputs may share `/dev/null`).
    fn places(&self) -> Vec<PathBuf> {
        let device = std::fs::metadata(self.path).is_ok_and(|m| !m.is_file() && !m.is_dir());
        if device {
            return Vec::new();
        }
        let mut places = vec![place(self.path)];
        places.extend(self.files.iter().map(|f| place(&self.path.join(f))));
        places
    }
}

/// Where `path` leads, so that two spellings of one place compare equal: absolute,
/// through symbolic links, as far as the place exists.
fn place(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    if let Ok(real) = std::fs::canonicalize(&absolute) {
        return real;
    }
    match (absolute.parent(), absolute.file_name()) {
        (Some(dir), Some(name)) => place(dir).join(name),
        _ => absolute,
    }
}

/// An input of the command: what it is (`the scenario`, `the day it replays`,
/// `the plan it follows`) and its path.
pub type Input<'a> = (&'static str, &'a Path);

/// The outputs (`files`, each a flag and its path if given, and `--csv DIR` if
/// given) that would write over one of `inputs`: refused before anything is
/// written, so that a command never destroys what it reads (`cafe run s.toml
/// --events s.toml`).
pub fn over_inputs(
    inputs: &[Input<'_>],
    files: &[(&'static str, Option<&Path>)],
    csv: Option<&Path>,
) -> Vec<Refusal> {
    let mut outputs: Vec<Output<'_>> =
        files.iter().filter_map(|&(flag, path)| Output::file(flag, path)).collect();
    outputs.extend(Output::dir("--csv", csv, &CSV_FILES));
    let mut refused = Vec::new();
    for (what, input) in inputs {
        let input_place = place(input);
        for o in &outputs {
            if o.places().contains(&input_place) {
                refused.push(Refusal {
                    flags: vec![o.flag],
                    relation: format!("would write over `{}`, {what}", input.display()),
                    why: "the command reads it, and the output would replace it".into(),
                    help: format!("give {} a path of its own", o.flag),
                });
            }
        }
    }
    refused
}

/// Every two of `outputs` (those given) that would write the same place.
fn same_outputs(outputs: &[Option<Output<'_>>]) -> Vec<Refusal> {
    let outputs: Vec<(&Output<'_>, Vec<PathBuf>)> =
        outputs.iter().flatten().map(|o| (o, o.places())).collect();
    let mut refused = Vec::new();
    for (i, (a, a_places)) in outputs.iter().enumerate() {
        for (b, b_places) in &outputs[i + 1..] {
            if !a_places.iter().any(|p| b_places.contains(p)) {
                continue;
            }
            // Named as the file's flag gave it; a directory's files by the other flag.
            let (dir, file) = match (a.files.is_empty(), b.files.is_empty()) {
                (false, _) => (Some(a), b),
                (_, false) => (Some(b), a),
                _ => (None, a),
            };
            let (why, help) = match dir {
                Some(dir) => (
                    format!(
                        "{} writes {} into the directory {}, and the one written last would replace the other",
                        dir.flag,
                        list(dir.files),
                        dir.path.display()
                    ),
                    format!("give {} a path outside {}", file.flag, dir.path.display()),
                ),
                None => (
                    "the one written last would replace the other".to_string(),
                    "give each a path of its own".to_string(),
                ),
            };
            refused.push(Refusal {
                flags: vec![a.flag, b.flag],
                relation: format!("both write `{}`", file.path.display()),
                why,
                help,
            });
        }
    }
    refused
}

/// Every combination of `cafe compare`'s flags that would leave one without effect,
/// and a policy named twice.
pub fn compare(a: &CompareArgs) -> Vec<Refusal> {
    let mut refused = Vec::new();
    // --width also sets the width the summary and the reasons are wrapped to, with
    // or without timelines.
    if a.no_timeline && a.order_lanes && a.report.is_none() {
        refused.push(Refusal {
            flags: vec!["--order-lanes"],
            relation: "cannot be used with --no-timeline".into(),
            why: "it is about the timelines, which --no-timeline leaves out".into(),
            help: "drop --no-timeline, or drop --order-lanes (the HTML report of --report always has a lane per order)".into(),
        });
    }
    let mut twice = Vec::new();
    for (i, p) in a.policy.iter().enumerate() {
        if a.policy[..i].contains(p) && !twice.contains(p) {
            twice.push(*p);
        }
    }
    if !twice.is_empty() {
        let names: Vec<&'static str> =
            twice.iter().map(|&p| async_cafe::model::Policy::from(p).name()).collect();
        let mut once: Vec<&'static str> = Vec::new();
        for &p in &a.policy {
            let name = async_cafe::model::Policy::from(p).name();
            if !once.contains(&name) {
                once.push(name);
            }
        }
        refused.push(Refusal {
            flags: vec!["--policy"],
            relation: format!("names {} more than once", list(&names)),
            why: "a policy compared with itself tells nothing".into(),
            help: match once.len() {
                1 => format!(
                    "give --policy {} alone to compare the two kitchens under it, or name other policies beside it",
                    once[0]
                ),
                _ => format!("give each policy once: --policy {}", once.join(",")),
            },
        });
    }
    refused
}

/// Every combination of `cafe plan`'s flags that would leave one without effect:
/// `--width` and `--no-timeline` are about the timelines, which only the text has.
pub fn plan(a: &PlanArgs) -> Vec<Refusal> {
    let mut refused = Vec::new();
    if a.format == FormatArg::Json {
        let drawing = given(&[("--width", a.width.is_some()), ("--no-timeline", a.no_timeline)]);
        if !drawing.is_empty() {
            refused.push(Refusal {
                relation: "cannot be used with --format json".into(),
                why: format!(
                    "{} about the timelines, and --format json prints the plan as one JSON object, which has none",
                    pronoun(&drawing, "it is", "they are")
                ),
                help: format!(
                    "drop {}, or --format json (--report FILE.html draws the plan's timelines beside asyncio's)",
                    list(&drawing)
                ),
                flags: drawing,
            });
        }
    } else if a.width.is_some() && a.no_timeline {
        refused.push(Refusal {
            flags: vec!["--width"],
            relation: "cannot be used with --no-timeline".into(),
            why: "it sets the width of the timelines, which --no-timeline leaves out".into(),
            help: "drop --no-timeline, or drop --width".into(),
        });
    }
    refused
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    /// The refusals of `cafe run SCENARIO ARGS`, rendered.
    fn run_refusals(args: &[&str]) -> Vec<String> {
        let all = ["cafe", "run", "lunch"].iter().chain(args).copied();
        match Cli::try_parse_from(all).expect("parses").command {
            Command::Run(a) => run(&a).iter().map(ToString::to_string).collect(),
            _ => unreachable!(),
        }
    }

    fn compare_refusals(args: &[&str]) -> Vec<String> {
        let all = ["cafe", "compare", "lunch"].iter().chain(args).copied();
        match Cli::try_parse_from(all).expect("parses").command {
            Command::Compare(a) => compare(&a).iter().map(ToString::to_string).collect(),
            _ => unreachable!(),
        }
    }

    #[test]
    fn what_replications_cannot_do_is_refused_in_one_message() {
        let got = run_refusals(&[
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
        ]);
        assert_eq!(
            got,
            [
                "error: --timeline, --events, --csv and --report cannot be used with --replications: they show or write one run, and --replications prints statistics over many runs\n  help: drop --replications to get them for one run (replication i is the run whose --seed is the i-th of the `seeds` that --format json lists), or drop --timeline, --events, --csv and --report"
            ]
        );
        let got = run_refusals(&["--replications", "3", "--clock", "real", "--speed", "2"]);
        assert_eq!(
            got,
            [
                "error: --clock real and --speed cannot be used with --replications: replications run on the virtual clock (the default with --replications), and they are about the real clock\n  help: drop --clock real and --speed; to watch one run in real time, drop --replications instead"
            ]
        );
        for (args, flag) in [
            (&["--timestamps"][..], "--timestamps"),
            (&["--order-lanes"], "--order-lanes"),
            (&["--width", "80"], "--width"),
            (&["--panel", "always"], "--panel always"),
            (&["--behind", "stop"], "--behind"),
        ] {
            let args: Vec<&str> = ["--replications", "2"].iter().chain(args).copied().collect();
            let got = run_refusals(&args);
            assert_eq!(got.len(), 1, "{args:?}");
            assert!(
                got[0].starts_with(&format!("error: {flag} cannot be used with --replications: ")),
                "{got:?}"
            );
        }
        // What replications do use is accepted.
        for ok in [
            &["--replications", "2"][..],
            &["--replications", "2", "--clock", "virtual", "--stats", "--warmup", "1", "--seed", "3"],
            &["--replications", "2", "--format", "json", "--policy", "longest-chain", "--panel", "never"],
            &["--replications", "2", "--mode", "sync"],
        ] {
            assert_eq!(run_refusals(ok), Vec::<String>::new(), "{ok:?}");
        }
    }

    #[test]
    fn what_json_cannot_carry_is_refused() {
        let got = run_refusals(&["--format", "json", "--timeline", "--timestamps"]);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].starts_with("error: --timeline cannot be used with --format json: "), "{got:?}");
        assert!(got[0].contains("add --report FILE.html"), "{got:?}");
        assert!(got[1].starts_with("error: --timestamps cannot be used with --format json: "), "{got:?}");
        let got = run_refusals(&["--format", "json", "--panel", "always", "--clock", "virtual"]);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].starts_with("error: --panel always cannot be used with --format json"), "{got:?}");
        // --stats changes nothing: the JSON report always has the statistics.
        assert_eq!(
            run_refusals(&["--format", "json", "--stats"]),
            [
                "error: --stats cannot be used with --format json: it prints the statistics after the narrative text, and the JSON report always has them (`stats`)\n  help: drop --stats"
            ]
        );
        // The loop's JSON has no statistics: --stats and --warmup would do nothing
        // (the warm-up still applies to --report's page).
        assert_eq!(
            run_refusals(&["--format", "json", "--loop", "--stats", "--warmup", "2"]),
            [
                "error: --stats and --warmup cannot be used with --loop --format json: they are about statistics, and the loop's JSON object has the event loop's passes and no statistics\n  help: drop --stats and --warmup; for statistics in JSON, drop --loop: the JSON report always has them"
            ]
        );
        assert_eq!(
            run_refusals(&["--format", "json", "--loop", "--warmup", "2", "--report", "r.html"]).len(),
            0
        );
        for ok in [
            &["--format", "json", "--warmup", "2", "--events", "e.jsonl", "--csv", "d", "--report", "r.html"]
                [..],
            &["--format", "json", "--report", "r.html", "--order-lanes"],
            &["--format", "json", "--loop"],
            &["--replications", "2", "--format", "json", "--stats"],
        ] {
            assert_eq!(run_refusals(ok), Vec::<String>::new(), "{ok:?}");
        }
    }

    #[test]
    fn what_only_the_real_clock_uses_is_refused_on_the_virtual_clock() {
        let got =
            run_refusals(&["--clock", "virtual", "--speed", "3", "--behind", "stop", "--panel", "always"]);
        assert_eq!(
            got,
            [
                "error: --speed, --behind and --panel always cannot be used with --clock virtual: they are about the real clock, and the virtual clock runs the day at once\n  help: drop --speed, --behind and --panel always, or use --clock real"
            ]
        );
        for ok in [
            &["--speed", "3", "--behind", "stop", "--panel", "always", "--width", "90"][..],
            &["--clock", "real", "--speed", "3"],
            &["--clock", "virtual", "--panel", "never"],
        ] {
            assert_eq!(run_refusals(ok), Vec::<String>::new(), "{ok:?}");
        }
    }

    #[test]
    fn flags_that_need_another_say_which() {
        assert_eq!(
            run_refusals(&["--clock", "virtual", "--order-lanes"]),
            [
                "error: --order-lanes needs --timeline or --report: it adds a lane per order to the timeline, and this run draws none\n  help: add --timeline (the HTML report of --report always has a lane per order), or drop --order-lanes"
            ]
        );
        assert_eq!(
            run_refusals(&["--clock", "virtual", "--width", "90"]),
            [
                "error: --width needs --timeline or --why: it sets the width of the timeline, of the live panel and of --why's sentences, and this run has none of them\n  help: add --timeline (or --why), or drop --width"
            ]
        );
        // --why's sentences are wrapped to it, unless the loop view says them.
        assert_eq!(run_refusals(&["--clock", "virtual", "--why", "--width", "90"]), Vec::<String>::new());
        assert_eq!(run_refusals(&["--clock", "virtual", "--why", "--loop", "--width", "90"]).len(), 1);
        assert_eq!(run_refusals(&["--panel", "never", "--width", "90"]).len(), 1);
        assert_eq!(
            run_refusals(&["--format", "json", "--width", "90", "--order-lanes"]),
            [
                "error: --order-lanes needs --timeline or --report: it adds a lane per order to the timeline, and this run draws none\n  help: add --report FILE.html, whose timeline has a lane per order, or drop --order-lanes",
                "error: --width needs --timeline: it sets the width of the timeline and of the live panel, and this run draws neither\n  help: drop --width: --format json draws nothing"
            ]
        );
        assert_eq!(
            run_refusals(&["--clock", "virtual", "--warmup", "2"]),
            [
                "error: --warmup needs --stats: it leaves the start of the run out of the statistics, and this run prints none\n  help: add --stats (or --format json, or --report FILE.html), or drop --warmup"
            ]
        );
        assert_eq!(
            run_refusals(&["--mode", "sync", "--policy", "fifo", "--clock", "virtual"]),
            [
                "error: --policy cannot be used with --mode sync: a policy chooses the asynchronous kitchen's next ready step, and the synchronous kitchen makes each order in turn, the same under every policy\n  help: drop --policy, or --mode sync"
            ]
        );
        for ok in [
            &["--clock", "virtual", "--timeline", "--order-lanes", "--width", "90"][..],
            &["--clock", "virtual", "--report", "r.html", "--order-lanes", "--warmup", "1"],
            &["--clock", "virtual", "--stats", "--warmup", "1"],
            &["--width", "90"],
        ] {
            assert_eq!(run_refusals(ok), Vec::<String>::new(), "{ok:?}");
        }
    }

    fn plan_refusals(args: &[&str]) -> Vec<String> {
        let all = ["cafe", "plan", "lunch"].iter().chain(args).copied();
        match Cli::try_parse_from(all).expect("parses").command {
            Command::Plan(a) => plan(&a).iter().map(ToString::to_string).collect(),
            _ => unreachable!(),
        }
    }

    #[test]
    fn plan_refuses_drawing_flags_without_timelines() {
        assert_eq!(
            plan_refusals(&["--no-timeline", "--width", "90"]),
            [
                "error: --width cannot be used with --no-timeline: it sets the width of the timelines, which --no-timeline leaves out\n  help: drop --no-timeline, or drop --width"
            ]
        );
        assert_eq!(
            plan_refusals(&["--format", "json", "--no-timeline"]),
            [
                "error: --no-timeline cannot be used with --format json: it is about the timelines, and --format json prints the plan as one JSON object, which has none\n  help: drop --no-timeline, or --format json (--report FILE.html draws the plan's timelines beside asyncio's)"
            ]
        );
        assert_eq!(plan_refusals(&["--format", "json", "--width", "90", "--no-timeline"]).len(), 1);
        for ok in [
            &["--width", "90"][..],
            &["--no-timeline"],
            &["--no-timeline", "--report", "r.html"],
            &["--format", "json", "--report", "r.html"],
        ] {
            assert_eq!(plan_refusals(ok), Vec::<String>::new(), "{ok:?}");
        }
    }

    #[test]
    fn compare_refuses_drawing_flags_without_timelines_and_a_policy_twice() {
        assert_eq!(
            compare_refusals(&["--no-timeline", "--width", "90", "--order-lanes"]),
            [
                "error: --order-lanes cannot be used with --no-timeline: it is about the timelines, which --no-timeline leaves out\n  help: drop --no-timeline, or drop --order-lanes (the HTML report of --report always has a lane per order)"
            ]
        );
        // The width also wraps the summary and the reasons.
        assert_eq!(compare_refusals(&["--no-timeline", "--width", "90"]), Vec::<String>::new());
        assert_eq!(
            compare_refusals(&["--no-timeline", "--order-lanes", "--report", "r.html"]),
            Vec::<String>::new()
        );
        assert_eq!(
            compare_refusals(&["--policy", "fifo,fifo"]),
            [
                "error: --policy names fifo more than once: a policy compared with itself tells nothing\n  help: give --policy fifo alone to compare the two kitchens under it, or name other policies beside it"
            ]
        );
        assert_eq!(
            compare_refusals(&["--policy", "fifo,longest-chain,fifo,longest-chain,unattended-first"]),
            [
                "error: --policy names fifo and longest-chain more than once: a policy compared with itself tells nothing\n  help: give each policy once: --policy fifo,longest-chain,unattended-first"
            ]
        );
        assert_eq!(
            compare_refusals(&["--policy", "fifo,longest-chain", "--width", "90"]),
            Vec::<String>::new()
        );
    }
}
