//! A sweep as a front door receives it, as text (what to vary, the targets, the
//! replications), checked once here for every door: the command, the Python
//! package and the studio refuse the same sweeps with the same words.

use std::fmt;

use super::error::{SizeError, TargetError, VaryError};
use super::{Target, Vary, check_size, check_varies, metrics, parse_target, parse_vary};
use crate::model::Scenario;

/// A sweep as asked for: `--vary` and `--target` specs as written, and the
/// replications of each configuration.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a, S: AsRef<str>> {
    /// `--vary` specs: `cooks=1..4`, `oven.capacity=1,2`.
    pub vary: &'a [S],
    /// `--target` specs, all required: `p95_time_in_system <= 300`.
    pub targets: &'a [S],
    /// Replications of each configuration.
    pub replications: u32,
}

/// A request that passed every check: the parameters to vary, in order, and each
/// target with its text as written.
#[derive(Clone, Debug)]
pub struct Checked {
    /// What to vary, in the order given.
    pub varies: Vec<Vary>,
    /// The targets, each with its text as written.
    pub targets: Vec<(String, Target)>,
}

/// Why a sweep is refused; displays as the message the command prints.
#[derive(Clone, Debug, PartialEq)]
pub enum RequestError {
    /// No replications.
    NoReplications,
    /// A `--vary` that cannot be used, or a parameter varied twice.
    Vary(VaryError),
    /// A `--target` that cannot be used.
    Target(TargetError),
    /// The same target twice (as the first of them was written).
    TargetTwice(String),
    /// A target with fewer than two replications: no confidence interval.
    TargetWithoutInterval,
    /// A sweep too large to finish.
    Size(SizeError),
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestError::NoReplications => f.write_str("--replications must be at least 1"),
            RequestError::Vary(e) => e.fmt(f),
            RequestError::Target(e) => e.fmt(f),
            RequestError::TargetTwice(t) => write!(f, "--target `{t}` is given twice"),
            RequestError::TargetWithoutInterval => {
                f.write_str("--target needs at least 2 replications: one run gives no confidence interval")
            }
            RequestError::Size(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for RequestError {}

impl<S: AsRef<str>> Request<'_, S> {
    /// Checks the request against `sc`, in the order the command reports problems:
    /// replications, each `--vary`, each `--target`, a target given twice, targets
    /// without replications, then the sweep's size.
    pub fn check(&self, sc: &Scenario) -> Result<Checked, RequestError> {
        if self.replications == 0 {
            return Err(RequestError::NoReplications);
        }
        let varies = self
            .vary
            .iter()
            .map(|v| parse_vary(v.as_ref(), sc))
            .collect::<Result<Vec<_>, _>>()
            .map_err(RequestError::Vary)?;
        check_varies(&varies).map_err(RequestError::Vary)?;
        let metrics = metrics(sc, &varies);
        let mut targets: Vec<(String, Target)> = Vec::with_capacity(self.targets.len());
        for text in self.targets {
            let target = parse_target(text.as_ref(), &metrics).map_err(RequestError::Target)?;
            if targets.iter().any(|(_, t)| *t == target) {
                return Err(RequestError::TargetTwice(target.text()));
            }
            targets.push((text.as_ref().to_string(), target));
        }
        if !targets.is_empty() && self.replications < 2 {
            return Err(RequestError::TargetWithoutInterval);
        }
        check_size(sc, &varies, self.replications).map_err(RequestError::Size)?;
        Ok(Checked { varies, targets })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(vary: &[&str], targets: &[&str], replications: u32) -> Result<Checked, RequestError> {
        let sc = crate::builtin::find("rush-hour").expect("a built-in").load().expect("it loads");
        Request { vary, targets, replications }.check(&sc)
    }

    #[test]
    fn a_good_request_keeps_its_order_and_its_words() {
        let ok = check(&["cooks=1..3", "equipment.espresso_machine=1,2"], &["mean_wait <= 2"], 5).unwrap();
        assert_eq!(ok.varies.iter().map(|v| v.values.len()).collect::<Vec<_>>(), [3, 2]);
        assert_eq!(ok.targets[0].0, "mean_wait <= 2");
    }

    #[test]
    fn each_refusal_is_told_apart_and_worded_as_the_command() {
        assert_eq!(check(&[], &[], 0).unwrap_err(), RequestError::NoReplications);
        assert!(matches!(check(&["cooks"], &[], 2), Err(RequestError::Vary(_))));
        assert!(matches!(check(&[], &["speed >= 1"], 2), Err(RequestError::Target(_))));
        let twice = check(&[], &["mean_wait <= 2", "mean_wait<=2"], 2).unwrap_err();
        assert_eq!(twice.to_string(), "--target `mean_wait <= 2` is given twice");
        assert_eq!(check(&[], &["mean_wait <= 2"], 1).unwrap_err(), RequestError::TargetWithoutInterval);
        assert!(matches!(
            check(&["cooks=1..200", "equipment.espresso_machine=1..100"], &[], 2),
            Err(RequestError::Size(_))
        ));
    }
}
