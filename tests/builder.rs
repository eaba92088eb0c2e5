//! Scenarios built in code (`Scenario::builder`) are the scenarios their TOML files
//! describe: for several built-ins, the builder's scenario is the loaded one field
//! for field, and both run to the same narrative and statistics in both kitchens.
//! And a builder's mistakes are reported as a file's are.

use async_cafe::builtin;
use async_cafe::model::{Dist, Empirical, Mode, Policy, Scenario};
use async_cafe::ops::{self, ClockKind, RunSpec, Want};
use async_cafe::scenario::{
    self, CustomerBuilder, GeneratorBuilder, RecipeBuilder, ScenarioBuilder, StepBuilder,
};
use async_cafe::template::Hook;
use async_cafe::time::TimeUnit;
use proptest::prelude::*;

/// `cafe.toml`, the Café of seed 000, in code.
fn cafe() -> ScenarioBuilder {
    Scenario::builder("cafe")
        .summary("Two customers, a 5 s coffee each: 10 s synchronously, 5 s asynchronously (seed 000)")
        .unit(TimeUnit::Seconds)
        .speed(1.0)
        .cooks(1)
        .equipment("coffee_machine", 2)
        .option("flavour", ["Vanilla", "Chocolate", "Pistachio", "Caramel"])
        .recipe(
            RecipeBuilder::new("coffee")
                .on_arrival([
                    "What would you like? - A {flavour} {item}.",
                    "One {flavour} {item} coming right up!",
                    "",
                    "Making your {flavour} {item}...",
                ])
                .on_served(["", "Your {flavour} flavoured {item} is ready, enjoy!", ""])
                .step(StepBuilder::unattended("brew", 5.0).uses("coffee_machine")),
        )
        .item("Latte", "coffee")
        .item("Cappuccino", "coffee")
        .item("Flat White", "coffee")
        .item("Mocha", "coffee")
        .customer(CustomerBuilder::ordering("Latte").option("flavour", "Vanilla"))
        .customer(CustomerBuilder::ordering("Mocha").option("flavour", "Caramel"))
        .narrative(
            Hook::ServiceStart,
            [
                "Welcome to the {mode} Café!",
                "",
                "On our coffee menu we have {menu}.",
                "",
                "On our flavours menu we have {menu.flavour}.",
                "",
            ],
        )
        .narrative(Hook::Between, ["Next customer please!", ""])
        .narrative(Hook::ServiceEnd, ["Serving {customers} customers took {elapsed:.2f} seconds"])
}

/// `lunch.toml`, seed 004, in code: minutes, steps that start at once, their own lines.
fn lunch() -> ScenarioBuilder {
    let step = |name: &str, kind: fn(&str, f64) -> StepBuilder, minutes: f64, start: &str, finish: &str| {
        kind(name, minutes).after(Vec::<String>::new()).on_start([start]).on_finish([finish])
    };
    Scenario::builder("lunch")
        .summary("Pasta (10 min), meatloaf (3 min, microwave), avocado (2 min, hands-on): 15 min synchronously, 10 asynchronously (seed 004)")
        .unit(TimeUnit::Minutes)
        .speed(60.0)
        .equipment("stove", 4)
        .equipment("microwave", 1)
        .recipe(
            RecipeBuilder::new("lunch")
                .step(
                    step("pasta", |n, d| StepBuilder::unattended(n, d), 10.0, "Filled pot with water. Pasta will now cook.", "Pasta ready.")
                        .uses("stove"),
                )
                .step(
                    step(
                        "meatloaf",
                        |n, d| StepBuilder::unattended(n, d),
                        3.0,
                        "Took meatloaf out of the fridge. Into the microwave it goes.",
                        "Meatloaf heated.",
                    )
                    .uses("microwave"),
                )
                .step(step(
                    "avocado",
                    |n, d| StepBuilder::hands_on(n, d),
                    2.0,
                    "Grabbed avocado. Now peeling and slicing.",
                    "Avocado sliced.",
                )),
        )
        .item("lunch", "lunch")
        .customer(CustomerBuilder::ordering("lunch"))
        .narrative(Hook::ServiceStart, ["Preparing lunch."])
        .narrative(Hook::ServiceEnd, ["Eating after {elapsed:.0f} min of prep time."])
}

/// `rush-hour.toml` in code: costs, distributions, a rate schedule, a mix,
/// patience and balking.
fn rush_hour() -> ScenarioBuilder {
    let grind =
        || StepBuilder::hands_on("grind and tamp", Dist::Triangular { min: 0.3, mode: 0.5, max: 1.0 });
    let pull =
        || StepBuilder::unattended("pull a shot", 0.5).uses("espresso_machine").after(["grind and tamp"]);
    Scenario::builder("rush-hour")
        .summary("A morning rush with impatient customers: who leaves, who walks away")
        .unit(TimeUnit::Minutes)
        .speed(60.0)
        .seed(7)
        .cooks(2)
        .cook_cost(20.0)
        .equipment_costing("espresso_machine", 1, 12.0)
        .recipe(RecipeBuilder::new("espresso").step(grind()).step(pull()))
        .recipe(
            RecipeBuilder::new("latte")
                .step(grind())
                .step(pull())
                .step(
                    StepBuilder::hands_on("steam milk", Dist::LogNormal { mean: 1.0, sd: 0.3 })
                        .after(Vec::<String>::new()),
                )
                .step(StepBuilder::hands_on("pour", 0.25).after(["pull a shot", "steam milk"])),
        )
        .item("espresso", "espresso")
        .item("latte", "latte")
        .patience(Dist::Triangular { min: 3.0, mode: 8.0, max: 15.0 })
        .balk(6)
        .generate(
            GeneratorBuilder::new()
                .until(180.0)
                .schedule_piece(Some(30.0), 0.5)
                .schedule_piece(Some(120.0), 1.2)
                .schedule_piece(Some(180.0), 0.8)
                .mix("espresso", 1.0)
                .mix("latte", 3.0),
        )
        .narrative(Hook::Left, ["{time:.1f} min  {customer} gave up waiting for {item:a} and left"])
        .narrative(Hook::Balked, ["{time:.1f} min  {customer} saw the line and walked away"])
        .narrative(Hook::ServiceEnd, ["Closed after {elapsed:.0f} min: {customers} coffees served."])
}

/// `coffee-shop-replay.toml` in code, with its recorded day.
fn coffee_shop_replay() -> ScenarioBuilder {
    let day = ("coffee_shop_408.csv", include_str!("../scenarios/coffee_shop_408.csv"));
    Scenario::builder("coffee-shop-replay")
        .summary("The coffee shop replaying the recorded run of Python's random.seed(408): closes at 25 s (seed 003)")
        .speed(2.0)
        .recipe(RecipeBuilder::new("coffee").step(StepBuilder::unattended("brew", Dist::UniformInt { min: 1, max: 5 })))
        .item("coffee", "coffee")
        .replay(day.0, day.1)
        .narrative(Hook::Arrival, ["Order {order}: Customer arrived!"])
        .narrative(Hook::StepStart, ["Order {order}: Brewing coffee... (takes {duration} seconds)"])
        .narrative(Hook::StepFinish, ["Order {order}: Coffee is ready!"])
        .narrative(Hook::ServiceEnd, ["Coffee shop closed: {customers} orders served in {elapsed:.2f} seconds"])
}

fn build(builder: &ScenarioBuilder) -> Scenario {
    builder.build().unwrap_or_else(|e| panic!("{}\n{}", e.render(), builder.to_toml()))
}

/// The narrative and the statistics of a run of `sc` in `mode` on the virtual clock.
fn story(sc: &Scenario, mode: Mode) -> (Vec<(u64, String)>, async_cafe::view::stats::Stats) {
    let spec = RunSpec { mode, clock: ClockKind::Virtual, seed: sc.seed };
    let ran = ops::run(sc, spec, Want { stats: true, ..Want::default() }, &mut std::io::sink()).unwrap();
    (ops::narrative_lines(sc, mode, sc.seed), ran.stats.unwrap())
}

#[test]
fn built_scenarios_are_the_builtins_their_files_describe() {
    let cases = [
        ("cafe", cafe()),
        ("lunch", lunch()),
        ("rush-hour", rush_hour()),
        ("coffee-shop-replay", coffee_shop_replay()),
    ];
    for (name, builder) in cases {
        let loaded = builtin::find(name).unwrap().load().unwrap();
        let built = build(&builder);
        // Field for field (the model's Debug shows every field, templates parsed).
        assert_eq!(format!("{built:#?}"), format!("{loaded:#?}"), "{name}:\n{}", builder.to_toml());
        for mode in [Mode::Async, Mode::Sync] {
            let (lines, stats) = story(&built, mode);
            assert!(!lines.is_empty() && stats.served > 0, "{name} {mode:?}");
            assert_eq!((lines, stats), story(&loaded, mode), "{name} {mode:?}");
        }
    }
}

#[test]
fn the_builder_writes_the_format() {
    let toml = lunch().to_toml();
    assert!(toml.starts_with("name = \"lunch\"\n"), "{toml}");
    assert!(toml.contains("unit = \"min\""), "{toml}");
    // What it writes loads as any file does, to the same scenario.
    let again = scenario::load_str("lunch", &toml).unwrap();
    assert_eq!(format!("{again:?}"), format!("{:?}", build(&lunch())));
}

#[test]
fn a_builders_mistakes_are_reported_at_once_and_located_in_what_it_wrote() {
    let err = cafe()
        .cooks(0)
        .policy(Policy::LongestChain)
        .customer(CustomerBuilder::ordering("Tea").option("flavour", "Vanilla"))
        .narrative(Hook::Served, ["{nonsense}"])
        .speed(f64::NAN)
        .build()
        .unwrap_err();
    let messages: Vec<&str> = err.problems.iter().map(|p| p.message.as_str()).collect();
    assert!(messages.contains(&"a kitchen needs at least one cook"), "{messages:#?}");
    assert!(messages.iter().any(|m| m.contains("`Tea`")), "{messages:#?}");
    assert!(messages.iter().any(|m| m.contains("nonsense")), "{messages:#?}");
    assert!(messages.iter().any(|m| m.contains("`speed`")), "{messages:#?}");
    assert_eq!(err.files[0].0, "<builder cafe>");
    for p in &err.problems {
        let at = err.location(p).expect("located");
        assert_eq!(at.file, "<builder cafe>");
        assert!(at.line > 1 && at.column >= 1, "{at:?}");
    }
    // The same two customer sources a file cannot have.
    let both = lunch().generate(GeneratorBuilder::new().count(3).rate(1.0)).build().unwrap_err().render();
    assert!(both.contains("give exactly one of `list`, `replay` or `generate`"), "{both}");
}

#[test]
fn every_distribution_round_trips() {
    let dists = [
        Dist::Fixed(2.5),
        Dist::Fixed(3.0),
        Dist::UniformInt { min: 1, max: 4 },
        Dist::Uniform { min: 0.5, max: 1.5 },
        Dist::Exponential { mean: 0.1 },
        Dist::Normal { mean: 3.0, sd: 0.5 },
        Dist::LogNormal { mean: 3.0, sd: 1.0 },
        Dist::Triangular { min: 1.0, mode: 2.0, max: 4.0 },
        Dist::Gamma { shape: 2.0, scale: 1.5 },
        Dist::Empirical(Empirical::new(&[1.0, 2.0, 5.0], Some(&[5.0, 3.0, 1.0]))),
    ];
    for d in dists {
        let sc = build(
            &Scenario::builder("d")
                .recipe(RecipeBuilder::new("r").step(StepBuilder::hands_on("s", d.clone())))
                .item("i", "r")
                .generate(GeneratorBuilder::new().count(3).interarrival(d.clone())),
        );
        assert_eq!(sc.menu.recipes[0].steps[0].duration, d);
        match &sc.customers {
            async_cafe::model::Customers::Generate(g) => {
                assert_eq!(g.arrivals, async_cafe::model::Arrivals::Interarrival(d.clone()))
            }
            other => panic!("{other:?}"),
        }
    }
}

proptest! {
    /// An empirical distribution's weights come back exactly, whatever they are.
    #[test]
    fn empirical_weights_round_trip(weights in prop::collection::vec(1e-3f64..1e3, 1..6)) {
        let values: Vec<f64> = (1..=weights.len()).map(|v| v as f64).collect();
        let d = Dist::Empirical(Empirical::new(&values, Some(&weights)));
        let sc = build(
            &Scenario::builder("d")
                .recipe(RecipeBuilder::new("r").step(StepBuilder::hands_on("s", d.clone())))
                .item("i", "r")
                .customers([]),
        );
        prop_assert_eq!(&sc.menu.recipes[0].steps[0].duration, &d);
    }
}

/// Every seed `--seed` takes can be given in a scenario, past TOML's own integers
/// (`i64::MAX`): a replication's seed (any 64-bit number) written into the file, or
/// into a builder, reruns that replication.
#[test]
fn a_seed_past_toml_integers_is_written_and_read_back() {
    let built = rush_hour().seed(u64::MAX);
    let toml = built.to_toml();
    let line = toml.find("seed = 18446744073709551615\n").expect("written as a whole number");
    assert!(line < toml.find("[kitchen]").unwrap(), "at the top level: {toml}");
    let sc = built.build().expect("builds");
    assert_eq!(sc.seed, u64::MAX);
    // The same run as the scenario with its seed given to the run.
    let with_default = rush_hour().build().unwrap();
    assert_eq!(
        ops::narrative_lines(&sc, Mode::Async, sc.seed),
        ops::narrative_lines(&with_default, Mode::Async, u64::MAX)
    );
    assert_ne!(
        ops::narrative_lines(&sc, Mode::Async, sc.seed),
        ops::narrative_lines(&with_default, Mode::Async, with_default.seed),
        "a different seed draws another day"
    );
    // Written any way TOML writes a whole number.
    let toml = rush_hour().to_toml();
    for (seed, is) in
        [("-0", 0), ("+7", 7), ("0xFFFF_FFFF_FFFF_FFFF", u64::MAX), ("0o17", 15), ("1_000", 1000)]
    {
        let text = toml.replacen("seed = 7\n", &format!("seed = {seed}\n"), 1);
        assert_eq!(
            scenario::load_str("s", &text).map(|sc| sc.seed).map_err(|e| e.render()),
            Ok(is),
            "{seed}"
        );
    }
}
