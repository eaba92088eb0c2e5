//! The real clock: paces the engine against wall time on tokio (the `real-clock`
//! feature).

use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio::runtime::Runtime;
use tokio::time::Instant;

use super::{Behind, Cancel, Lag, Stopped, TOLERANCE};
use crate::engine::Clock;
use crate::time::{TICKS_PER_SECOND, Ticks};

impl Cancel {
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
    /// The clock is never cancelled unless it is given a token
    /// ([`RealClock::cancel_on`]).
    ///
    /// # Errors
    ///
    /// `InvalidInput` for a `speed` that is not finite or below
    /// [`MIN_SPEED`](crate::clock::MIN_SPEED) ([`check_speed`](crate::clock::check_speed)'s
    /// words); what tokio's runtime returns if it cannot start.
    pub fn new(speed: f64, behind: Behind) -> std::io::Result<RealClock> {
        crate::clock::check_speed("speed", speed)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
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
}
