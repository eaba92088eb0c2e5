//! Comparing kitchens: the same scenario and seed run side by side on the virtual
//! clock, in both modes or under several dispatch policies. The result,
//! [`Comparison`], and its text table are a view's ([`crate::view::compare`]).

use std::io;

use crate::clock::Cancel;
use crate::model::{Mode, Policy, Scenario};
use crate::view::compare::{Compared, Comparison, Side};
use crate::view::trace::{Activity, LaneKind, Span};

use super::Error;
use super::run::{ClockKind, RunSpec, Want, run};

/// How to run a comparison.
///
/// ```
/// use async_cafe::ops::CompareOptions;
///
/// let opts = CompareOptions { order_lanes: true, ..CompareOptions::default() };
/// assert_eq!(opts.seed, None); // the scenario's own
/// ```
#[derive(Clone, Debug, Default)]
pub struct CompareOptions {
    /// The seed every side runs with (so the same customers and durations);
    /// `None` (the default): the scenario's own.
    pub seed: Option<u64>,
    /// Whether each side's trace has a lane per order besides those of the cooks
    /// and the equipment (for a timeline or the HTML report).
    pub order_lanes: bool,
    /// Once cancelled, the comparison stops and returns [`Error::Cancelled`].
    pub cancel: Cancel,
    /// The most customers each side may let in, as [`Want::max_customers`] bounds
    /// a run ([`Error::TooManyCustomers`] past it): a comparison keeps every step
    /// of both sides ([`MAX_TRACED_CUSTOMERS`](super::MAX_TRACED_CUSTOMERS)). `None`
    /// (the default): no bound.
    pub max_customers: Option<u64>,
}

/// One kitchen of a comparison, on the virtual clock; `None` when `cancel` stopped it.
pub(super) fn side(
    sc: &Scenario,
    mode: Mode,
    seed: u64,
    order_lanes: bool,
    cancel: &Cancel,
    max_customers: Option<u64>,
) -> io::Result<Option<Side>> {
    let spec = RunSpec { mode, clock: ClockKind::Virtual, seed };
    // Order lanes always: the steps run (for the reasons of `view::why`) are theirs;
    // the trace keeps them only when asked.
    let want = Want {
        stats: true,
        trace: true,
        order_lanes: true,
        cancel: cancel.clone(),
        max_customers,
        ..Want::default()
    };
    let ran = run(sc, spec, want, &mut io::sink())?;
    if ran.stopped.is_some() {
        return Ok(None);
    }
    let mut trace = ran.trace.expect("asked for");
    let mut steps: Vec<Span> = trace
        .lanes
        .iter()
        .filter(|l| matches!(l.kind, LaneKind::Order(_)))
        .flat_map(|l| &l.spans)
        .filter(|s| matches!(s.activity, Activity::HandsOn | Activity::Unattended))
        .cloned()
        .collect();
    steps.sort_by_key(|s| s.start);
    if !order_lanes {
        trace.lanes.retain(|l| !matches!(l.kind, LaneKind::Order(_)));
    }
    Ok(Some(Side {
        mode,
        policy: sc.kitchen.policy,
        outcome: ran.outcome,
        stats: ran.stats.expect("asked for"),
        trace,
        steps,
    }))
}

/// Runs both modes on the virtual clock, the synchronous kitchen first, with
/// statistics and traces.
///
/// ```
/// use async_cafe::{builtin, model::Mode, ops};
///
/// let cafe = builtin::find("cafe").unwrap().load().unwrap();
/// let both = ops::compare(&cafe, &ops::CompareOptions::default()).unwrap();
/// let (sync, async_) = (&both.sides[0], &both.sides[1]);
/// assert_eq!((sync.mode, async_.mode), (Mode::Sync, Mode::Async));
/// // One customer at a time takes twice as long: the cook stands by the machine.
/// assert_eq!(both.speedup(), 2.0);
/// assert_eq!(sync.stats.cooks[0].standing_by_share, 1.0);
/// assert!(both.render(&cafe).contains("speedup: the asynchronous kitchen is 2.00x as fast"));
/// ```
///
/// # Errors
///
/// [`Error::Invalid`] for a scenario that fails [`Scenario::check`];
/// [`Error::Cancelled`] when `opts.cancel` stopped a run; [`Error::Overran`] for a
/// run whose clock would pass the longest time a run can count.
pub fn compare(sc: &Scenario, opts: &CompareOptions) -> Result<Comparison, Error> {
    sides(Compared::Modes, [(Mode::Sync, sc.clone()), (Mode::Async, sc.clone())], sc.seed, opts)
}

/// Runs the asynchronous kitchen under each of `policies` on the virtual clock, in
/// that order, with the same seed (so the same customers and durations), statistics
/// and traces.
///
/// # Errors
///
/// [`Error::NoPolicies`] for an empty list of policies; as [`compare`]'s otherwise.
pub fn compare_policies(
    sc: &Scenario,
    policies: &[Policy],
    opts: &CompareOptions,
) -> Result<Comparison, Error> {
    if policies.is_empty() {
        return Err(Error::NoPolicies);
    }
    let kitchens = policies.iter().map(|&policy| {
        let mut sc = sc.clone();
        sc.kitchen.policy = policy;
        (Mode::Async, sc)
    });
    sides(Compared::Policies, kitchens, sc.seed, opts)
}

/// Runs each of `kitchens` in turn (with `opts.seed`, or `seed`), or stops at the
/// first one cancelled.
fn sides(
    compared: Compared,
    kitchens: impl IntoIterator<Item = (Mode, Scenario)>,
    seed: u64,
    opts: &CompareOptions,
) -> Result<Comparison, Error> {
    let seed = opts.seed.unwrap_or(seed);
    let mut sides = Vec::new();
    for (mode, sc) in kitchens {
        match side(&sc, mode, seed, opts.order_lanes, &opts.cancel, opts.max_customers)? {
            Some(side) => sides.push(side),
            None => return Err(Error::Cancelled),
        }
    }
    Ok(Comparison { compared, sides })
}
