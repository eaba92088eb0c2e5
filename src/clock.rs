//! The real clock: paces the engine against wall time on tokio; and [`Cancel`], how
//! a caller stops a run, a set of replications or a sweep from another thread.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::runtime::Runtime;
use tokio::sync::Notify;
use tokio::time::Instant;

use crate::engine::Clock;
use crate::time::{TICKS_PER_SECOND, Ticks};

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
    wake: Notify,
}

impl Cancel {
    /// A token not cancelled yet.
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// Stops whatever runs with this token (or a clone of it), as soon as it can.
    pub fn cancel(&self) {
        self.0.cancelled.store(true, Ordering::SeqCst);
        self.0.wake.notify_waiters();
    }

    /// Whether [`Cancel::cancel`] was called: one relaxed atomic load.
    #[inline]
    pub fn is_cancelled(&self) -> bool {
        self.0.cancelled.load(Ordering::Relaxed)
    }

    /// Completes once cancelled.
    async fn cancelled(&self) {
        loop {
            // Registered before the check, so a `cancel` between the two still wakes it.
            let woken = self.0.wake.notified();
            if self.0.cancelled.load(Ordering::SeqCst) {
                return;
            }
            woken.await;
        }
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
    /// Tell the caller once (see [`RealClock::on_first_lag`]), keep the worst lag
    /// (see [`RealClock::worst_lag`]), and go on.
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

/// Checks a real-clock speed given as option `name` (`--speed`): a finite number of
/// at least [`MIN_SPEED`]; else the error to print.
pub fn check_speed(name: &str, speed: f64) -> Result<(), String> {
    if !(speed.is_finite() && speed > 0.0) {
        Err(format!("{name} must be a positive number, not {}", crate::time::short(speed)))
    } else if speed < MIN_SPEED {
        Err(format!(
            "{name} must be at least {MIN_SPEED} (a second of scenario time in 11.6 days), not {}",
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

/// Plays scenario time at `speed` seconds of scenario per second of wall time.
///
/// Before the engine emits anything at scenario time `t`, the clock sleeps on a tokio
/// current-thread runtime until `start + t / speed`, or until its [`Cancel`] token is
/// cancelled. If wall time is already past that deadline by more than [`TOLERANCE`],
/// the run has fallen behind: the clock tells its caller, or stops the run, as
/// `behind` asks. The engine is the same as on the virtual clock: only the waiting
/// differs. The clock prints nothing and handles no signal.
pub struct RealClock {
    runtime: Runtime,
    start: Instant,
    speed: f64,
    behind: Behind,
    cancel: Cancel,
    /// The worst lag seen, and the scenario time it was seen at.
    worst_lag: Option<(Duration, Ticks)>,
    on_first_lag: Option<fn(Lag)>,
    warned: bool,
    stopped: Option<Stopped>,
}

impl RealClock {
    /// `speed` must be positive and finite. The clock is never cancelled unless it is
    /// given a token ([`RealClock::cancel_on`]).
    pub fn new(speed: f64, behind: Behind) -> std::io::Result<RealClock> {
        assert!(speed.is_finite() && speed > 0.0, "speed must be positive");
        let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build()?;
        Ok(RealClock {
            runtime,
            start: Instant::now(),
            speed,
            behind,
            cancel: Cancel::new(),
            worst_lag: None,
            on_first_lag: None,
            warned: false,
            stopped: None,
        })
    }

    /// Stops the run (waking the clock from its sleep) once `cancel` is cancelled.
    pub fn cancel_on(mut self, cancel: Cancel) -> RealClock {
        self.cancel = cancel;
        self
    }

    /// With [`Behind::Warn`], calls `f` the first time the run falls behind (the
    /// command prints a warning).
    pub fn on_first_lag(mut self, f: Option<fn(Lag)>) -> RealClock {
        self.on_first_lag = f;
        self
    }

    fn wall(&self, t: Ticks) -> Duration {
        // Capped at some 35,000 years (past what an `Instant` may add, at a speed
        // below `MIN_SPEED`): a time that is never reached either way.
        const NEVER: Duration = Duration::from_secs(1 << 40);
        Duration::try_from_secs_f64(t as f64 / TICKS_PER_SECOND as f64 / self.speed)
            .map_or(NEVER, |d| d.min(NEVER))
    }

    /// Why the run stopped early, if it did.
    pub fn stopped(&self) -> Option<Stopped> {
        self.stopped
    }

    /// The worst lag behind wall time beyond the tolerance, and the scenario time it
    /// happened at.
    pub fn worst_lag(&self) -> Option<(Duration, Ticks)> {
        self.worst_lag
    }

    /// Waits until `deadline` or cancellation; false when cancelled.
    fn sleep_until(&mut self, deadline: Instant) -> bool {
        let cancel = &self.cancel;
        self.runtime.block_on(async move {
            tokio::select! {
                _ = tokio::time::sleep_until(deadline) => true,
                _ = cancel.cancelled() => false,
            }
        })
    }
}

impl Clock for RealClock {
    fn advance(&mut self, t: Ticks) -> bool {
        if self.stopped.is_some() {
            return false;
        }
        let deadline = self.start + self.wall(t);
        let now = Instant::now();
        if now > deadline {
            let lag = now - deadline;
            if lag > TOLERANCE {
                if self.worst_lag.is_none_or(|(worst, _)| lag > worst) {
                    self.worst_lag = Some((lag, t));
                }
                if self.behind == Behind::Stop {
                    self.stopped = Some(Stopped::FellBehind { at: t, lag });
                    return false;
                }
                if !self.warned {
                    self.warned = true;
                    if let Some(f) = self.on_first_lag {
                        f(Lag { lag, at: t, speed: self.speed });
                    }
                }
            }
            if self.cancel.is_cancelled() {
                self.stopped = Some(Stopped::Interrupted);
                return false;
            }
            return true;
        }
        if !self.sleep_until(deadline) {
            self.stopped = Some(Stopped::Interrupted);
            return false;
        }
        true
    }

    fn elapsed(&self, _t: Ticks) -> Ticks {
        let wall = self.start.elapsed();
        (wall.as_secs_f64() * self.speed * TICKS_PER_SECOND as f64).round() as Ticks
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{self, Mode, VirtualClock};

    #[test]
    fn cancelling_wakes_the_real_clock_from_its_sleep() {
        let cancel = Cancel::new();
        let mut clock = RealClock::new(1.0, Behind::Warn).unwrap().cancel_on(cancel.clone());
        let canceller = {
            let cancel = cancel.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(50));
                cancel.cancel();
            })
        };
        // An hour of scenario time at speed 1: only cancelling ends this wait.
        assert!(!clock.advance(3600 * TICKS_PER_SECOND));
        assert_eq!(clock.stopped(), Some(Stopped::Interrupted));
        assert!(!clock.advance(3601 * TICKS_PER_SECOND), "stays stopped");
        canceller.join().unwrap();
    }

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
