//! The README's "Using the library" example, run as it is written there
//! (`tests/docs.rs` checks that the README still shows this very code).

#[test]
fn the_readmes_library_example_runs() -> Result<(), Box<dyn std::error::Error>> {
    // README: begin
    use std::time::Duration;

    use async_cafe::model::{Mode, Scenario};
    use async_cafe::ops::{self, Batch, CompareOptions};
    use async_cafe::plan::PlanOptions;
    use async_cafe::scenario::{GeneratorBuilder, RecipeBuilder, StepBuilder};

    // A scenario in code, checked exactly as its TOML would be (`scenario::load_str`
    // and `load_file` read TOML).
    let shop = Scenario::builder("corner")
        .cooks(2)
        .equipment("espresso_machine", 1)
        .recipe(
            RecipeBuilder::new("flat_white")
                .step(StepBuilder::unattended("pull shot", 0.5).uses("espresso_machine"))
                .step(StepBuilder::hands_on("steam milk", 0.75).after(Vec::<String>::new()))
                .step(StepBuilder::hands_on("pour", 0.25).after(["pull shot", "steam milk"])),
        )
        .item("Flat White", "flat_white")
        .generate(GeneratorBuilder::new().count(100).rate(1.5))
        .build()?;

    // A scenario changed in code is checked before it runs: `ops` refuses one that
    // breaks the model's rules (`Scenario::check` says which field, and why).
    let mut none = shop.clone();
    none.kitchen.cooks = 0;
    assert!(matches!(ops::compare(&none, &CompareOptions::default()), Err(ops::Error::Invalid(_))));

    let both = ops::compare(&shop, &CompareOptions::default())?; // sync, then async
    println!("{}", both.render(&shop));

    let batch = Batch { replications: 20, warmup: Duration::from_secs(30), ..Batch::default() };
    let rep = ops::replicate(&shop, &batch)?;
    println!("mean wait {:.2} ± {:.2} s", rep.wait.mean_s.mean, rep.wait.mean_s.half_width_95);

    // The planner plans one drawn day (`seed`) of a bounded size (`plan::MAX_PAIRS`:
    // 200 of these orders would be refused as too big), within its time limit.
    let opts = PlanOptions { seed: Some(7), time_limit: Duration::from_secs(1), ..PlanOptions::default() };
    let plan = async_cafe::plan::solve(&shop, &opts)?;
    println!("the best order of work: {} s, {}", plan.value as f64 / 1e9, plan.status_text());

    let varies = [async_cafe::sweep::parse_vary("cooks=1..4", &shop)?];
    let sweep = ops::sweep(&shop, &varies, &Batch { mode: Mode::Async, ..batch })?;
    print!("{}", async_cafe::sweep::render_table(&sweep, None));
    // README: end
    assert_eq!((plan.orders.len(), plan.cooks), (100, 2));
    assert!(plan.bound <= plan.value && both.speedup() > 1.0);
    assert_eq!(sweep.rows.len(), 4);
    Ok(())
}
