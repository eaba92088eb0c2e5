//! [`Cancel`], how a caller stops a run, a set of replications or a sweep from
//! another thread; and, with the `real-clock` feature, the real clock
//! (`RealClock`), which paces the engine against wall time on tokio.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::engine::Clock;
use crate::time::Ticks;

#[cfg(feature = "real-clock")]
mod real;
#[cfg(feature = "real-clock")]
pub use real::RealClock;

/// A cancellation token: the caller keeps a clone and calls [`Cancel::cancel`] (from
/// any thread: a signal handler's thread, a timer, a test); the run it was given to
/// stops at its next step, the real clock's sleep included. The library installs no
/// signal handler: the `cafe` command cancels on SIGINT and SIGTERM.
#[derive(Clone, Default)]
pub struct Cancel(Arc<CancelInner>);

#[derive(Default)]
struct CancelInner {
    cancelled: AtomicBool,
    /// Wakes a real clock sleeping until its next deadline.
    #[cfg(feature = "real-clock")]
    wake: tokio::sync::Notify,
}

impl Cancel {
    /// A token not cancelled yet.
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// Stops whatever runs with this token (or a clone of it), as soon as it can.
    pub fn cancel(&self) {
        self.0.cancelled.store(true, Ordering::SeqCst);
        #[cfg(feature = "real-clock")]
        self.0.wake.notify_waiters();
    }

    /// Whether [`Cancel::cancel`] was called: one relaxed atomic load.
    #[inline]
    pub fn is_cancelled(&self) -> bool {
        self.0.cancelled.load(Ordering::Relaxed)
    }
}

impl fmt::Debug for Cancel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Cancel").field(&self.is_cancelled()).finish()
    }
}

/// Two tokens are equal when they are clones of one another.
impl PartialEq for Cancel {
    fn eq(&self, other: &Cancel) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// A clock that stops the run once `cancel` is cancelled, checked at every advance
/// (one relaxed atomic load), around `inner` (the virtual clock, for instance).
pub struct Cancellable<'c, C> {
    /// The clock that does the advancing.
    pub inner: C,
    /// The token whose cancellation stops the run at the next advance.
    pub cancel: &'c Cancel,
}

impl<C: Clock> Clock for Cancellable<'_, C> {
    #[inline]
    fn advance(&mut self, t: Ticks) -> bool {
        !self.cancel.is_cancelled() && self.inner.advance(t)
    }

    #[inline]
    fn elapsed(&self, t: Ticks) -> Ticks {
        self.inner.elapsed(t)
    }
}

/// Which clock paced a run, without its settings: what the JSON report's `clock`
/// field says, serialized as its [`Pacing::name`] (`"virtual"`, `"real"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Pacing {
    /// The virtual clock ([`crate::engine::VirtualClock`]): instant and deterministic.
    Virtual,
    /// The real clock ([`RealClock`]): wall time, sped up.
    Real,
}

impl Pacing {
    /// `virtual` or `real`: its name in the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Pacing::Virtual => "virtual",
            Pacing::Real => "real",
        }
    }
}

/// What to do when the engine cannot keep up with the requested speed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Behind {
    /// Tell the caller once (see `RealClock::on_first_lag`), keep the worst lag
    /// (see `RealClock::worst_lag`), and go on.
    #[default]
    Warn,
    /// Stop the run, like SimPy's strict real-time mode.
    Stop,
}

/// How far behind wall time the run may fall before it counts as falling behind:
/// the precision the real clock promises (each line within 0.05 s).
pub const TOLERANCE: Duration = Duration::from_millis(50);

/// The slowest real-clock speed: a second of scenario time in about 11.6 days. Slower,
/// and the wait for a long scenario would pass what a `Duration` can hold.
pub const MIN_SPEED: f64 = 1e-6;

/// The fastest real-clock speed: about 11.6 days of scenario time a second. Faster,
/// and the scenario time a run's wall time stands for (`{elapsed}`) would pass what
/// a run can count within hours; the virtual clock runs instantly anyway.
pub const MAX_SPEED: f64 = 1e6;

/// Checks a real-clock speed given as option `name` (`--speed`): a finite number
/// from [`MIN_SPEED`] to [`MAX_SPEED`]; else the error to print.
pub fn check_speed(name: &str, speed: f64) -> Result<(), String> {
    if !(speed.is_finite() && speed > 0.0) {
        Err(format!("{name} must be a positive number, not {}", crate::time::short(speed)))
    } else if speed < MIN_SPEED {
        Err(format!(
            "{name} must be at least {MIN_SPEED} (a second of scenario time in 11.6 days), not {}",
            crate::time::short(speed)
        ))
    } else if speed > MAX_SPEED {
        Err(format!(
            "{name} must be at most 1,000,000 (11.6 days of scenario time a second), not {}: for a run at once, use the virtual clock",
            crate::time::short(speed)
        ))
    } else {
        Ok(())
    }
}

/// Why a real run stopped early.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Stopped {
    /// Cancelled by the caller (see [`Cancel`]; the command: Ctrl-C or SIGTERM).
    Interrupted,
    /// Fell behind by `lag` at scenario time `at`, with [`Behind::Stop`].
    FellBehind {
        /// Scenario time, in ticks, when the lag passed [`TOLERANCE`].
        at: Ticks,
        /// How far behind wall time the run was then.
        lag: Duration,
    },
}

/// The run fell `lag` behind wall time at scenario time `at`, playing at `speed`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Lag {
    /// How far behind wall time the run was.
    pub lag: Duration,
    /// Scenario time, in ticks, when it was that far behind.
    pub at: Ticks,
    /// The clock's speed: seconds of scenario time per second of wall time.
    pub speed: f64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{self, Mode, VirtualClock};

    #[test]
    fn a_cancelled_token_stops_a_virtual_run_at_its_first_step() {
        let sc = crate::builtin::find("coffee-shop").unwrap().load().unwrap();
        let cancel = Cancel::new();
        let mut events = 0;
        let mut count = |_: &crate::event::Event<'_>| events += 1;
        let whole = engine::run(
            &sc,
            Mode::Async,
            1,
            &mut Cancellable { inner: VirtualClock, cancel: &cancel },
            &mut count,
        );
        assert!(whole.finished && whole.served > 0);
        cancel.cancel();
        assert!(cancel.clone().is_cancelled() && cancel == cancel.clone() && cancel != Cancel::new());
        let stopped = engine::run(
            &sc,
            Mode::Async,
            1,
            &mut Cancellable { inner: VirtualClock, cancel: &cancel },
            &mut |_: &crate::event::Event<'_>| {},
        );
        assert!(!stopped.finished);
        assert_eq!(stopped.served, 0);
    }
}
