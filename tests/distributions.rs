//! Every distribution draws what it says: sample moments against theory, on a fixed
//! seed (so the test is deterministic), and impossible parameters are located errors.

mod common;

use async_cafe::model::{Dist, Empirical};
use async_cafe::orders::draw;
use async_cafe::time::TimeUnit;
use rand::SeedableRng;
use rand_pcg::Pcg64;

const N: usize = 200_000;

/// Sample mean and standard deviation of `n` draws, in seconds.
fn moments(dist: &Dist) -> (f64, f64) {
    let mut rng = Pcg64::seed_from_u64(7);
    let xs: Vec<f64> =
        (0..N).map(|_| TimeUnit::Seconds.from_ticks(draw(dist, TimeUnit::Seconds, &mut rng))).collect();
    let mean = xs.iter().sum::<f64>() / N as f64;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (N - 1) as f64;
    assert!(xs.iter().all(|&x| x >= 0.0), "{dist:?} drew a negative value");
    (mean, var.sqrt())
}

fn close(got: f64, want: f64, rel: f64, what: &str) {
    assert!(
        (got - want).abs() <= rel * want.abs().max(1e-9),
        "{what}: got {got}, want {want} ± {}%",
        rel * 100.0
    );
}

#[test]
fn sample_moments_match_theory() {
    let cases: Vec<(Dist, f64, f64)> = vec![
        (Dist::Exponential { mean: 2.0 }, 2.0, 2.0),
        (Dist::Normal { mean: 3.0, sd: 0.5 }, 3.0, 0.5),
        (Dist::LogNormal { mean: 3.0, sd: 1.0 }, 3.0, 1.0),
        // Triangular: mean (a+b+c)/3, variance (a²+b²+c²-ab-ac-bc)/18.
        (Dist::Triangular { min: 1.0, mode: 2.0, max: 4.0 }, 7.0 / 3.0, (7.0f64 / 18.0).sqrt()),
        // Gamma: mean kθ, variance kθ².
        (Dist::Gamma { shape: 2.0, scale: 1.5 }, 3.0, (2.0f64 * 1.5 * 1.5).sqrt()),
        (Dist::Uniform { min: 1.0, max: 3.0 }, 2.0, (4.0f64 / 12.0).sqrt()),
        (Dist::UniformInt { min: 1, max: 5 }, 3.0, 2.0f64.sqrt()),
        // Values 1, 2, 5 with weights 5, 3, 2: mean 2.1, E[x²] = 0.5 + 1.2 + 5 = 6.7.
        (
            Dist::Empirical(Empirical::new(&[1.0, 2.0, 5.0], Some(&[5.0, 3.0, 2.0]))),
            2.1,
            (6.7f64 - 2.1 * 2.1).sqrt(),
        ),
    ];
    for (dist, mean, sd) in cases {
        let (m, s) = moments(&dist);
        close(m, mean, 0.01, &format!("{dist:?} mean"));
        close(s, sd, 0.02, &format!("{dist:?} sd"));
        close(dist.mean(), mean, 1e-12, &format!("{dist:?}.mean()"));
    }
}

#[test]
fn the_normal_is_truncated_at_zero_by_drawing_again() {
    // Mean 0: exactly the positive half of N(0, 1), whose mean is √(2/π).
    let (m, _) = moments(&Dist::Normal { mean: 0.0, sd: 1.0 });
    close(m, (2.0 / std::f64::consts::PI).sqrt(), 0.01, "half-normal mean");
}

#[test]
fn the_same_seed_draws_the_same_values() {
    let d = Dist::Gamma { shape: 0.7, scale: 2.0 };
    let draws = |seed| {
        let mut rng = Pcg64::seed_from_u64(seed);
        (0..100).map(|_| draw(&d, TimeUnit::Seconds, &mut rng)).collect::<Vec<_>>()
    };
    assert_eq!(draws(3), draws(3));
    assert_ne!(draws(3), draws(4));
}

fn load_err(steps: &str) -> String {
    let toml = format!(
        "[recipes.r]\nsteps = [{steps}]\n[menu]\nx = \"r\"\n[customers]\nlist = [{{ item = \"x\" }}]\n"
    );
    common::load_err("d", &toml)
}

#[test]
fn impossible_parameters_are_located_errors() {
    let cases = [
        (
            r#"{ name = "a", kind = "hands-on", duration = { dist = "exponential", mean = 0 } }"#,
            "an exponential distribution needs a mean above 0",
        ),
        (
            r#"{ name = "a", kind = "hands-on", duration = { dist = "exponential", mean = -1 } }"#,
            "`mean` must be a finite number of seconds that is at least 0, found -1",
        ),
        (
            r#"{ name = "a", kind = "hands-on", duration = { dist = "normal", mean = 3 } }"#,
            "a `normal` distribution needs `sd`",
        ),
        (
            r#"{ name = "a", kind = "hands-on", duration = { dist = "lognormal", mean = 0, sd = 1 } }"#,
            "a lognormal distribution needs a mean above 0",
        ),
        (
            r#"{ name = "a", kind = "hands-on", duration = { dist = "triangular", min = 1, mode = 5, max = 4 } }"#,
            "a triangular distribution needs min ≤ mode ≤ max, found 1, 5, 4",
        ),
        (
            r#"{ name = "a", kind = "hands-on", duration = { dist = "gamma", shape = -2, scale = 1 } }"#,
            "`shape` must be a positive number",
        ),
        (
            r#"{ name = "a", kind = "hands-on", duration = { dist = "empirical", values = [1, 2], weights = [1] } }"#,
            "1 weights for 2 values",
        ),
        (
            r#"{ name = "a", kind = "hands-on", duration = { dist = "empirical", values = [] } }"#,
            "`values` is empty",
        ),
        (
            r#"{ name = "a", kind = "hands-on", duration = { dist = "gama", shape = 2, scale = 1 } }"#,
            "unknown distribution `gama`",
        ),
        (
            r#"{ name = "a", kind = "hands-on", duration = { dist = "normal", mean = 3, sd = 1, sigma = 2 } }"#,
            "unknown field `sigma` in a `normal` distribution",
        ),
    ];
    for (step, message) in cases {
        let err = load_err(step);
        assert!(err.contains(message), "want {message:?} in:\n{err}");
        assert!(err.contains("d.toml:2:"), "located on line 2:\n{err}");
    }
    assert!(
        load_err(r#"{ name = "a", kind = "hands-on", duration = { dist = "gama", shape = 2, scale = 1 } }"#)
            .contains("did you mean `gamma`?")
    );
}

// ---- arrivals ---------------------------------------------------------------------

use async_cafe::orders::{Order, OrderSource};

/// A one-item café whose customers are generated by `generate` (its TOML lines).
fn with_generator(generate: &str) -> Result<async_cafe::model::Scenario, String> {
    let toml = format!(
        "[recipes.r]\nsteps = [{{ name = \"a\", kind = \"unattended\", duration = 1 }}]\n[menu]\nx = \"r\"\n[customers.generate]\n{generate}\n"
    );
    common::try_load("a", &toml)
}

fn scenario(generate: &str) -> async_cafe::model::Scenario {
    with_generator(generate).unwrap_or_else(|e| panic!("{e}"))
}

fn arrivals(sc: &async_cafe::model::Scenario) -> Vec<f64> {
    OrderSource::new(sc, 11).map(|o: Order| TimeUnit::Seconds.from_ticks(o.arrival)).collect()
}

#[test]
fn a_poisson_rate_gives_exponential_gaps_from_the_first_arrival() {
    let a = arrivals(&scenario("count = 100000\nrate = 4"));
    assert_eq!(a.len(), 100_000);
    assert_eq!(a[0], 0.0);
    let mean_gap = a[a.len() - 1] / (a.len() - 1) as f64;
    close(mean_gap, 0.25, 0.01, "mean gap");
}

#[test]
fn a_schedule_changes_the_rate_through_the_day() {
    // Quiet (1/s) for 1000 s, a rush (5/s) for 1000 s, then closed.
    let a = arrivals(&scenario(
        "until = 5000\nschedule = [{ until = 1000, rate = 1 }, { until = 2000, rate = 5 }, { until = 3000, rate = 0 }]",
    ));
    let quiet = a.iter().filter(|&&t| t < 1000.0).count() as f64;
    let rush = a.iter().filter(|&&t| (1000.0..2000.0).contains(&t)).count() as f64;
    // Poisson counts: mean λT, sd √(λT); allow four standard deviations.
    assert!((quiet - 1000.0).abs() < 4.0 * 1000f64.sqrt(), "{quiet}");
    assert!((rush - 5000.0).abs() < 4.0 * 5000f64.sqrt(), "{rush}");
    assert!(a.iter().all(|&t| t < 2000.0), "no one comes once the rate is 0 for good");
    assert!(a.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn groups_arrive_together_and_count_as_customers() {
    let a = arrivals(&scenario(
        "count = 30000\ninterarrival = 1\ngroup = { dist = \"empirical\", values = [1, 2, 4], weights = [1, 1, 2] }",
    ));
    assert_eq!(a.len(), 30_000);
    let mut sizes = std::collections::BTreeMap::new();
    for chunk in a.chunk_by(|x, y| x == y) {
        *sizes.entry(chunk.len()).or_insert(0) += 1;
    }
    // The last group may be cut short by `count`.
    let groups: f64 = sizes.values().sum::<usize>() as f64;
    close(sizes[&4] as f64 / groups, 0.5, 0.05, "share of groups of 4");
    close(sizes[&1] as f64 / groups, 0.25, 0.05, "share of groups of 1");
}

#[test]
fn until_closes_the_door() {
    let sc = scenario("until = 10\ninterarrival = 3");
    assert_eq!(arrivals(&sc), vec![0.0, 3.0, 6.0, 9.0]);
    assert_eq!(sc.customer_count(), None);
    let both = scenario("until = 10\ncount = 2\ninterarrival = 3");
    assert_eq!(arrivals(&both), vec![0.0, 3.0]);
}

/// A schedule whose last piece has an `until` closes the door then, as `until` would:
/// no stop rule is needed besides it.
#[test]
fn a_schedule_that_ends_closes_the_door() {
    let pieces =
        "schedule = [{ until = 30, rate = 0.2 }, { until = 90, rate = 0.6 }, { until = 150, rate = 0.2 }]";
    let ends = scenario(pieces);
    let with_until = scenario(&format!("until = 150\n{pieces}"));
    assert_eq!(ends.customer_count(), None);
    let a = arrivals(&ends);
    assert!(a.len() > 40 && a.iter().all(|&t| t <= 150.0), "{a:?}");
    assert_eq!(a, arrivals(&with_until));
    // An open last piece has no end: then `count` or `until` is needed, and the help
    // says so in the scenario's unit.
    let err = generate_err("schedule = [{ until = 30, rate = 0.2 }, { rate = 0.6 }]");
    assert!(err.contains("[customers.generate] never stops letting customers in"), "{err}");
    assert!(
        err.contains(
            "add `count = 1000` (how many customers) or `until = 3600` (when the door closes, in seconds), or both, or give the schedule's last piece an `until`"
        ),
        "{err}"
    );
}

fn generate_err(generate: &str) -> String {
    with_generator(generate).expect_err("the generator is rejected")
}

#[test]
fn impossible_arrivals_are_located_errors() {
    let cases = [
        ("rate = 2", "[customers.generate] never stops letting customers in"),
        ("count = 5\nrate = -1", "`rate` must be a positive number of customers per s, found -1"),
        ("count = 5\nrate = 2\ninterarrival = 1", "[customers.generate] has both `interarrival` and `rate`"),
        ("count = 5", "[customers.generate] does not say when customers come"),
        (
            "count = 5\nschedule = [{ until = 60, rate = 1 }, { until = 30, rate = 2 }]",
            "the schedule goes back in time: 30 is not after 60",
        ),
        (
            "count = 5\nschedule = [{ rate = 1 }, { until = 30, rate = 2 }]",
            "only the last piece of the schedule can go on for ever",
        ),
        ("count = 5\nschedule = [{ until = 60, rate = 0 }, { rate = 0 }]", "every rate of the schedule is 0"),
        (
            "count = 5\nschedule = [{ until = 60, rate = -2 }]",
            "a rate must be a finite number that is at least 0",
        ),
        ("count = 5\ninterarrival = 1\ngroup = 1.5", "a group size must be a whole number of at least 1"),
        (
            "count = 5\ninterarrival = 1\ngroup = { dist = \"uniform_int\", min = 0, max = 3 }",
            "a group size must be a whole number of at least 1",
        ),
    ];
    for (generate, message) in cases {
        let err = generate_err(generate);
        assert!(err.contains(message), "want {message:?} in:\n{err}");
        assert!(err.contains("a.toml:"), "{err}");
    }
}

/// The engine draws exponentials inline rather than through `rand_distr::Exp`: the
/// values must stay those of `Exp`, bit for bit, so that a seed reproduces.
#[test]
fn an_exponential_draws_exactly_what_rand_distr_draws() {
    use rand_distr::{Distribution, Exp};
    for mean in [0.3, 1.0 / 3.0, 1.0, 2.0, 7.77, 1e-3, 12_345.678] {
        let unit = TimeUnit::Minutes;
        let (mut ours, mut theirs) = (Pcg64::seed_from_u64(11), Pcg64::seed_from_u64(11));
        let exp = Exp::new(1.0 / mean).unwrap();
        for _ in 0..10_000 {
            let want = unit.to_ticks(exp.sample(&mut theirs));
            assert_eq!(draw(&Dist::Exponential { mean }, unit, &mut ours), want, "mean {mean}");
        }
    }
}
