//! The planner: built-ins proven optimal.

mod common;

use std::time::Duration;

use async_cafe::plan::{self, PlanOptions, Status};

fn opts() -> PlanOptions {
    PlanOptions { time_limit: Duration::from_secs(5), ..PlanOptions::default() }
}

#[test]
fn the_seeds_and_the_bakery_are_proven_optimal() {
    for (name, minutes_or_seconds) in [
        ("lunch", 10.0),
        ("bakery", 18.0),
        ("make-coffee-toast-concurrent", 4.0),
        ("make-coffee-toast-blocked", 4.9),
    ] {
        let sc = common::load_builtin(name);
        let p = plan::solve(&sc, &opts()).unwrap();
        assert_eq!(p.status, Status::Optimal, "{name}");
        assert_eq!(p.value, sc.unit.to_ticks(minutes_or_seconds), "{name}");
        assert_eq!(p.bound, p.value, "{name}");
    }
}
