//! A sweep as a front door receives it, as text (what to vary, the targets, the
//! replications), checked once here for every door: the command, the Python
//! package and the studio refuse the same sweeps with the same words.

use std::fmt;

use super::error::{SizeError, TargetError, VaryError};
use super::vary::varied_twice;
use super::{Target, Vary, check_size, metrics, parse_target, parse_vary};
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

/// Every problem of a refused request, at least one; displays as the command
/// prints them, one a line.
#[derive(Clone, Debug, PartialEq)]
pub struct Refused(pub Vec<RequestError>);

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            problem.fmt(f)?;
        }
        Ok(())
    }
}

impl std::error::Error for Refused {}

impl<S: AsRef<str>> Request<'_, S> {
    /// Checks the request against `sc` and reports every problem at once, in the
    /// order the command prints them: replications, each `--vary`, each parameter
    /// varied twice, each `--target` (and each given twice), targets without
    /// replications; the sweep's size only when all else is good (it depends on
    /// the rest).
    pub fn check(&self, sc: &Scenario) -> Result<Checked, Refused> {
        let mut problems = Vec::new();
        if self.replications == 0 {
            problems.push(RequestError::NoReplications);
        }
        let mut varies = Vec::with_capacity(self.vary.len());
        for spec in self.vary {
            match parse_vary(spec.as_ref(), sc) {
                Ok(v) => varies.push(v),
                Err(e) => problems.push(RequestError::Vary(e)),
            }
        }
        problems.extend(varied_twice(&varies).into_iter().map(RequestError::Vary));
        // The metrics of the parameters that could be read: a target of one that
        // could not is said as unknown, beside the `--vary` that says why.
        let metrics = metrics(sc, &varies);
        let mut targets: Vec<(String, Target)> = Vec::with_capacity(self.targets.len());
        for text in self.targets {
            match parse_target(text.as_ref(), &metrics) {
                Ok(t) if targets.iter().any(|(_, u)| *u == t) => {
                    problems.push(RequestError::TargetTwice(t.text()))
                }
                Ok(t) => targets.push((text.as_ref().to_string(), t)),
                Err(e) => problems.push(RequestError::Target(e)),
            }
        }
        if !self.targets.is_empty() && self.replications == 1 {
            problems.push(RequestError::TargetWithoutInterval);
        }
        if problems.is_empty() {
            if let Err(e) = check_size(sc, &varies, self.replications) {
                problems.push(RequestError::Size(e));
            }
        }
        if problems.is_empty() { Ok(Checked { varies, targets }) } else { Err(Refused(problems)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(vary: &[&str], targets: &[&str], replications: u32) -> Result<Checked, Vec<RequestError>> {
        let sc = crate::builtin::find("rush-hour").expect("a built-in").load().expect("it loads");
        Request { vary, targets, replications }.check(&sc).map_err(|Refused(problems)| problems)
    }

    #[test]
    fn a_good_request_keeps_its_order_and_its_words() {
        let ok = check(&["cooks=1..3", "equipment.espresso_machine=1,2"], &["mean_wait <= 2"], 5).unwrap();
        assert_eq!(ok.varies.iter().map(|v| v.values.len()).collect::<Vec<_>>(), [3, 2]);
        assert_eq!(ok.targets[0].0, "mean_wait <= 2");
    }

    #[test]
    fn each_refusal_is_told_apart_and_worded_as_the_command() {
        assert_eq!(check(&[], &[], 0).unwrap_err(), [RequestError::NoReplications]);
        assert!(matches!(check(&["cooks"], &[], 2).unwrap_err()[..], [RequestError::Vary(_)]));
        assert!(matches!(check(&[], &["speed >= 1"], 2).unwrap_err()[..], [RequestError::Target(_)]));
        let twice = check(&[], &["mean_wait <= 2", "mean_wait<=2"], 2).unwrap_err();
        assert_eq!(Refused(twice).to_string(), "--target `mean_wait <= 2` is given twice");
        assert_eq!(check(&[], &["mean_wait <= 2"], 1).unwrap_err(), [RequestError::TargetWithoutInterval]);
        assert!(matches!(
            check(&["cooks=1..200", "equipment.espresso_machine=1..100"], &[], 2).unwrap_err()[..],
            [RequestError::Size(_)]
        ));
    }

    /// Every problem at once, in the command's order; a parameter varied three
    /// times is said once; the size, which depends on the rest, is left out.
    #[test]
    fn every_problem_is_reported_at_once() {
        let problems = check(
            &["cooks=1..200", "cooks=2", "staff=1", "cooks=3", "equipment.espresso_machine=1..100"],
            &["speed >= 1", "mean_wait <= 2", "mean_wait <= 2"],
            0,
        )
        .unwrap_err();
        let text = Refused(problems).to_string();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 5, "{text}");
        assert_eq!(lines[0], "--replications must be at least 1");
        assert!(lines[1].starts_with("--vary `staff=1`: unknown parameter `staff`"), "{text}");
        assert!(lines[2].contains("`cooks`") && lines[2].contains("twice"), "{text}");
        assert!(lines[3].starts_with("--target `speed >= 1`"), "{text}");
        assert_eq!(lines[4], "--target `mean_wait <= 2` is given twice");
    }
}
