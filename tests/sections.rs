//! The scenario loader, section by section of docs/scenario-format.md: what it makes of
//! every built-in scenario, and what it says about a catalogue of mistakes in each
//! section (with the CSV replay), pinned in `tests/golden/sections.txt`.
//!
//! `tests/errors.rs` explains each message; this file only holds them still, so that
//! reorganising the loader cannot change one. After a deliberate change, regenerate
//! with `UPDATE_GOLDEN=1 cargo test --test sections`.

mod common;

use std::fmt::Write;

use async_cafe::scenario;

/// Three steps, one using the machine; an item per recipe; one option.
const KITCHEN: &str = r#"
[kitchen]
cooks = 2
equipment = { machine = 1 }

[options]
size = ["small", "large"]

[recipes.coffee]
steps = [
  { name = "grind", kind = "hands-on", duration = 1 },
  { name = "brew", kind = "unattended", duration = 2, uses = "machine" },
  { name = "pour", kind = "hands-on", duration = 1 },
]

[menu]
Latte = "coffee"
"#;

/// What customers come when a case does not say.
const CUSTOMERS: &str = r#"
[customers]
list = [{ item = "Latte", arrival = 0, options = { size = "small" } }]
"#;

/// The replayed day of cases whose customers are `replay = "day.csv"`.
const DAY: &str = "arrival,item,size\n0,Latte,small\n";

/// (name, scenario text, CSV file given as `day.csv`, if any).
fn cases() -> Vec<(&'static str, String, Option<&'static str>)> {
    let whole = |rest: &str| format!("{KITCHEN}{rest}");
    let with_customers = |rest: &str| format!("{KITCHEN}{CUSTOMERS}{rest}");
    let dist = |d: &str| {
        format!(
            "{}{CUSTOMERS}",
            KITCHEN.replace(
                "kind = \"hands-on\", duration = 1 }",
                &format!("kind = \"hands-on\", duration = {d} }}")
            )
        )
    };
    let generate = |g: &str| whole(&format!("[customers.generate]\n{g}\n"));
    let replay = |name, csv| (name, whole("[customers]\nreplay = \"day.csv\"\n"), Some(csv));
    let mut cases: Vec<(&str, String, Option<&str>)> = vec![
        // The top level.
        ("top: fine", format!("name = \"x\"\nsummary = \"y\"\nunit = \"min\"\nspeed = 2\nseed = 7\n{KITCHEN}{CUSTOMERS}"), None),
        (
            "top: fields",
            format!("name = 1\nsummary = 2\nunit = \"minutes\"\nspeed = 1e-9\nseed = -1\ncooks = 2\n{KITCHEN}{CUSTOMERS}"),
            None,
        ),
        // Every seed `--seed` takes, past TOML's integers; one more is too many.
        ("top: the largest seed", format!("seed = 18446744073709551615\n{KITCHEN}{CUSTOMERS}"), None),
        ("top: a seed too large", format!("seed = 0x1_0000_0000_0000_0000\n{KITCHEN}{CUSTOMERS}"), None),
        ("top: unit", format!("unit = \"fortnight\"\nspeed = -1\n{KITCHEN}{CUSTOMERS}"), None),
        ("top: nothing", String::new(), None),
        // [kitchen]
        (
            "kitchen",
            with_customers("").replace(
                "cooks = 2\nequipment = { machine = 1 }",
                "cooks = 0\npolicy = \"lifo\"\ncook_cost = -1\nequipment = { machine = { cost = 1 }, oven = -1 }\nstove = 1",
            ),
            None,
        ),
        ("kitchen: capacity 0", with_customers("").replace("machine = 1", "machine = 0"), None),
        ("kitchen: not a table", with_customers("").replace("[kitchen]\ncooks = 2\nequipment = { machine = 1 }", "kitchen = 3"), None),
        // [options]
        ("options", with_customers("").replace("size = [\"small\", \"large\"]", "item = [\"a\"]\nsize = []\nmilk = [1]"), None),
        // [recipes]
        ("recipes: none", format!("[menu]\nLatte = \"coffee\"\n{CUSTOMERS}"), None),
        (
            "recipes: steps",
            with_customers(
                r#"
[recipes.tea]
name = "x"
[recipes.cake]
steps = []
[recipes.soup]
steps = [
  { name = "a", kind = "cooking", duration = 1, uses = "mchine", on_arrival = "x" },
  { name = "a", kind = "hands-on" },
  { kind = "hands-on", duration = 1 },
]
"#,
            ),
            None,
        ),
        (
            "recipes: after",
            with_customers(
                r#"
[recipes.tea]
steps = [
  { name = "a", kind = "hands-on", duration = 1, after = ["b", "zz", "b"] },
  { name = "b", kind = "hands-on", duration = 1 },
]
[recipes.cake]
steps = [
  { name = "a", kind = "hands-on", duration = 1, after = ["a"] },
]
[recipes.pie]
steps = [
  { name = "a", kind = "hands-on", duration = 1, after = ["c"] },
  { name = "b", kind = "hands-on", duration = 1 },
  { name = "c", kind = "hands-on", duration = 1 },
]
[recipes.bun]
steps = [
  { name = "a", kind = "hands-on", duration = 1 },
  { name = "b", kind = "hands-on", duration = 1, after = ["c"] },
  { name = "c", kind = "hands-on", duration = 1, after = [] },
]
"#,
            ),
            None,
        ),
        (
            "recipes: uses, the kitchen broken",
            with_customers("").replace("machine = 1", "machine = -1").replace("uses = \"machine\"", "uses = 3"),
            None,
        ),
        ("recipes: uses, no equipment", with_customers("").replace("equipment = { machine = 1 }", ""), None),
        // Durations and distributions.
        ("dist: no dist", dist("{ min = 1 }"), None),
        ("dist: unknown", dist("{ dist = \"unifrom\" }"), None),
        ("dist: not a number", dist("\"3\""), None),
        ("dist: too long", dist("1e30"), None),
        ("dist: uniform", dist("{ dist = \"uniform\", min = 3, max = 1, mode = 2 }"), None),
        ("dist: uniform_int", dist("{ dist = \"uniform_int\", min = 0.5, max = 1 }"), None),
        ("dist: missing", dist("{ dist = \"uniform_int\" }"), None),
        ("dist: exponential", dist("{ dist = \"exponential\", mean = 0 }"), None),
        ("dist: normal", dist("{ dist = \"normal\", mean = -1 }"), None),
        ("dist: lognormal 0", dist("{ dist = \"lognormal\", mean = 0, sd = 1 }"), None),
        ("dist: lognormal sd", dist("{ dist = \"lognormal\", mean = 1e-160, sd = 1e-5 }"), None),
        ("dist: triangular", dist("{ dist = \"triangular\", min = 1, mode = 5, max = 4 }"), None),
        ("dist: gamma shape", dist("{ dist = \"gamma\", shape = -1, scale = 0 }"), None),
        ("dist: gamma scale", dist("{ dist = \"gamma\", shape = 1, scale = 0 }"), None),
        ("dist: gamma mean", dist("{ dist = \"gamma\", shape = 1e6, scale = 1e4 }"), None),
        ("dist: empirical values", dist("{ dist = \"empirical\" }"), None),
        ("dist: empirical empty", dist("{ dist = \"empirical\", values = [] }"), None),
        ("dist: empirical value", dist("{ dist = \"empirical\", values = [1, -2] }"), None),
        ("dist: weights count", dist("{ dist = \"empirical\", values = [1, 2], weights = [1] }"), None),
        ("dist: weight", dist("{ dist = \"empirical\", values = [1, 2], weights = [1, 0] }"), None),
        ("dist: weights sum", dist("{ dist = \"empirical\", values = [1, 2], weights = [1e308, 1e308] }"), None),
        ("dist: weights not an array", dist("{ dist = \"empirical\", values = [1, 2], weights = 3 }"), None),
        (
            "dist: fine",
            KITCHEN.replace("duration = 2,", "duration = { dist = \"empirical\", values = [1, 2, 5], weights = [5, 3, 1] },")
                + CUSTOMERS,
            None,
        ),
        // [menu]
        ("menu: none", with_customers("").replace("[menu]\nLatte = \"coffee\"", ""), None),
        ("menu: empty", with_customers("").replace("Latte = \"coffee\"", ""), None),
        ("menu: unknown recipe", with_customers("").replace("Latte = \"coffee\"", "Latte = \"cofee\"\nMocha = 1"), None),
        // [customers]
        ("customers: none", whole(""), None),
        ("customers: both", whole("[customers]\nlist = []\nreplay = \"day.csv\"\n"), None),
        ("customers: nothing", whole("[customers]\npatience = 3\nbalk = -1\n"), None),
        (
            "customers: list",
            whole(
                r#"[customers]
patience = { dist = "exponential", mean = 0 }
list = [
  { item = "Late", arrival = -1, options = { size = "medium", milk = "oat" } },
  { arrival = 1, name = 3, patience = "x" },
  { item = "Latte", options = { size = "small" }, durations = { brw = 3, brew = -1 } },
  { item = "Latte" },
  3,
]
"#,
            ),
            None,
        ),
        // generate
        ("generate: no stop", generate("rate = 1"), None),
        ("generate: no arrivals", generate("count = 3"), None),
        ("generate: both", generate("count = 3\nrate = 1\ninterarrival = 2\nmix = { Latte = 1 }"), None),
        ("generate: rate", generate("count = 3\nrate = -2"), None),
        ("generate: schedule", generate("count = 3\nfirst_arrival = 1\nschedule = [{ until = 5, rate = -1 }, { rate = 1 }, { until = 3, rate = 0 }, 4]"), None),
        ("generate: schedule zero", generate("count = 3\nschedule = [{ until = 5, rate = 0 }, { rate = 0 }]"), None),
        ("generate: schedule empty", generate("until = 3\nschedule = []"), None),
        ("generate: group", generate("count = 3\nrate = 1\ngroup = 1.5"), None),
        ("generate: group large", generate("count = 3\nrate = 1\ngroup = { dist = \"uniform_int\", min = 1, max = 5000 }"), None),
        ("generate: mix", generate("count = 3\nrate = 1\nmix = { Late = 1, Latte = -1 }"), None),
        ("generate: mix empty", generate("count = 3\nrate = 1\nmix = {}"), None),
        ("generate: mix sum", generate("count = 3\nrate = 1\nmix = { Latte = 1e308, Mocha = 1e308 }").replace("Latte = \"coffee\"", "Latte = \"coffee\"\nMocha = \"coffee\""), None),
        ("generate: uncounted", generate("until = 1e8\nrate = 1e3"), None),
        ("generate: uncounted zero", generate("until = 10\ninterarrival = 0"), None),
        ("generate: at once", generate("count = 10000000\ninterarrival = 0"), None),
        ("generate: at once some", generate("count = 10000000\ninterarrival = { dist = \"empirical\", values = [0, 1], weights = [1e9, 1] }"), None),
        ("generate: at once schedule", generate("count = 10000000\nschedule = [{ until = 5, rate = 1e12 }, { rate = 1 }]"), None),
        ("generate: fine", generate("count = 5\nuntil = 60\nfirst_arrival = 2\nrate = 0.5\ngroup = { dist = \"uniform_int\", min = 1, max = 3 }\nmix = { Latte = 2 }"), None),
        ("generate: fine schedule", generate("until = 60\nschedule = [{ until = 10, rate = 0 }, { rate = 0.5 }]"), None),
        // replay
        ("replay: fine", whole("[customers]\nreplay = \"day.csv\"\n"), Some(DAY)),
        replay("replay: columns and cells", "arrival,item,size,customer,patience,brew,grind\n1.5,Latte,large,Ada,,3,\n2,Latte,small,,4,,1\n"),
        replay("replay: duplicate columns", "arrival,item,size,item,arrival,brw\n"),
        replay("replay: unknown columns", "arival,itm\n"),
        replay("replay: bad records", "arrival,item,size\n0,Latte\n1,Latte,small,x\n"),
        replay("replay: times and values", "arrival,item,size,brew\n1e30,Latte,small,-1\nx,Mocha,medium,inf\n  2 , Latte , small , 3 \n"),
        replay("replay: quoted", "arrival,item,size,\"brew\"\n\"1\",Latte,small,x\r\n"),
        replay("replay: no rows", "arrival,item,size\n"),
        replay("replay: empty file", ""),
        ("replay: not UTF-8", whole("[customers]\nreplay = \"bytes.csv\"\n"), None),
        ("replay: missing", whole("[customers]\nreplay = \"nowhere.csv\"\n"), None),
        ("replay: not a string", whole("[customers]\nreplay = 3\n"), None),
        // [narrative]
        (
            "narrative",
            with_customers("[narrative]\narrival = \"{nope}\"\nserved = [\"{customer}\", 3]\nsteps = 1\n"),
            None,
        ),
        (
            "narrative: recipe lines",
            with_customers("").replace("[recipes.coffee]", "[recipes.coffee]\non_arrival = \"{step}\"\non_served = 4")
                .replace("uses = \"machine\" }", "uses = \"machine\", on_start = \"{size}\", on_finish = \"{x\" }"),
            None,
        ),
        ("narrative: fine", with_customers("[narrative]\narrival = [\"{customer} wants {item} ({size})\"]\n"), None),
    ];
    // Steps whose durations a replayed row gives, for an item without them.
    cases.push((
        "replay: step of another recipe",
        whole("[customers]\nreplay = \"day.csv\"\n")
            + "\n[recipes.tea]\nsteps = [{ name = \"steep\", kind = \"unattended\", duration = 3 }]\n"
            + "",
        Some("arrival,item,size,steep\n0,Latte,small,2\n"),
    ));
    cases
}

/// What loading `text` gives: the scenario, or the report.
fn load(text: &str, csv: Option<&str>) -> String {
    let mut source = scenario::Source::new("case", text);
    if let Some(csv) = csv {
        source = source.file("day.csv", csv);
    }
    match source.load() {
        Ok(s) => format!("{s:?}\n"),
        Err(e) => e.render(),
    }
}

#[test]
fn every_section_says_the_same() {
    let mut got = String::new();
    for (i, (name, text, csv)) in cases().into_iter().enumerate() {
        writeln!(got, "=== {} {name}", i + 1).unwrap();
        got += &load(&text, csv);
    }
    // Invalid UTF-8 only reaches the loader through a file.
    let dir = std::env::temp_dir().join(format!("cafe-sections-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("s.toml"), whole_replay("bytes.csv")).unwrap();
    std::fs::write(dir.join("bytes.csv"), b"arrival,item,size\n0,Latte,sm\xffall\n").unwrap();
    got += "=== a file: not UTF-8\n";
    got += &match scenario::load_file(&dir.join("s.toml")) {
        Ok(s) => format!("{s:?}\n"),
        Err(e) => e.render().replace(&dir.display().to_string(), "DIR"),
    };
    std::fs::remove_dir_all(&dir).unwrap();
    let mut paths: Vec<_> = std::fs::read_dir("scenarios").unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    for path in paths {
        if path.extension().is_some_and(|e| e == "toml") {
            writeln!(got, "=== {}", path.display()).unwrap();
            got += &match scenario::load_file(&path) {
                Ok(s) => format!("{s:?}\n"),
                Err(e) => e.render(),
            };
        }
    }
    common::golden(&common::root().join("tests/golden/sections.txt"), &got).unwrap_or_else(|e| panic!("{e}"));
}

fn whole_replay(file: &str) -> String {
    format!("{KITCHEN}[customers]\nreplay = \"{file}\"\n")
}
