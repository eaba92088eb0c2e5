//! The real clock: paces the engine against wall time on tokio.

use std::time::Duration;

use tokio::runtime::Runtime;
use tokio::time::Instant;

use crate::engine::Clock;
use crate::time::{TICKS_PER_SECOND, Ticks};

/// What to do when the engine cannot keep up with the requested speed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Behind {
    /// Say so once on stderr (and how far behind it got, at the end), and go on.
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
        Err(format!("error: {name} must be a positive number, not {}\n", crate::time::short(speed)))
    } else if speed < MIN_SPEED {
        Err(format!(
            "error: {name} must be at least {MIN_SPEED} (a second of scenario time in 11.6 days), not {}\n",
            crate::time::short(speed)
        ))
    } else {
        Ok(())
    }
}

/// Why a real run stopped early.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Stopped {
    /// Ctrl-C (SIGINT).
    Interrupted,
    /// Fell behind by `lag` at scenario time `at`, with [`Behind::Stop`].
    FellBehind { at: Ticks, lag: Duration },
}

/// Plays scenario time at `speed` seconds of scenario per second of wall time.
///
/// Before the engine emits anything at scenario time `t`, the clock sleeps on a tokio
/// current-thread runtime until `start + t / speed`, or until Ctrl-C. If wall time is
/// already past that deadline by more than [`TOLERANCE`], the run has fallen behind:
/// the clock says so, or stops the run, as `behind` asks. The engine is the same as on
/// the virtual clock: only the waiting differs.
pub struct RealClock {
    runtime: Runtime,
    start: Instant,
    speed: f64,
    behind: Behind,
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    /// The worst lag seen, and the scenario time it was seen at.
    worst_lag: Option<(Duration, Ticks)>,
    warned: bool,
    stopped: Option<Stopped>,
}

impl RealClock {
    /// `speed` must be positive and finite. From now on Ctrl-C stops the run rather
    /// than the process.
    pub fn new(speed: f64, behind: Behind) -> std::io::Result<RealClock> {
        assert!(speed.is_finite() && speed > 0.0, "speed must be positive");
        let runtime = tokio::runtime::Builder::new_current_thread().enable_time().enable_io().build()?;
        #[cfg(unix)]
        let interrupt = {
            let _guard = runtime.enter();
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?
        };
        Ok(RealClock {
            runtime,
            start: Instant::now(),
            speed,
            behind,
            #[cfg(unix)]
            interrupt,
            worst_lag: None,
            warned: false,
            stopped: None,
        })
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

    /// Waits until `deadline` or Ctrl-C; false on Ctrl-C.
    fn sleep_until(&mut self, deadline: Instant) -> bool {
        #[cfg(unix)]
        {
            let interrupt = &mut self.interrupt;
            self.runtime.block_on(async move {
                tokio::select! {
                    _ = tokio::time::sleep_until(deadline) => true,
                    _ = interrupt.recv() => false,
                }
            })
        }
        #[cfg(not(unix))]
        {
            self.runtime.block_on(async move {
                tokio::select! {
                    _ = tokio::time::sleep_until(deadline) => true,
                    _ = tokio::signal::ctrl_c() => false,
                }
            })
        }
    }

    /// Whether a Ctrl-C arrived while the engine was busy (without waiting).
    fn interrupted_meanwhile(&mut self) -> bool {
        #[cfg(unix)]
        {
            use std::task::{Context, Poll, Waker};
            let _guard = self.runtime.enter();
            let mut cx = Context::from_waker(Waker::noop());
            matches!(self.interrupt.poll_recv(&mut cx), Poll::Ready(_))
        }
        #[cfg(not(unix))]
        {
            false
        }
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
                    eprintln!(
                        "warning: the kitchen is falling behind real time ({:.3} s late at {:.3} s of scenario time, speed {}): the engine cannot keep up; lower --speed, or pass --behind stop to stop instead",
                        lag.as_secs_f64(),
                        t as f64 / TICKS_PER_SECOND as f64,
                        self.speed
                    );
                }
            }
            if self.interrupted_meanwhile() {
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
