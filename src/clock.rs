//! The real clock: paces the engine against wall time on tokio.

use std::time::Duration;

use tokio::runtime::Runtime;
use tokio::time::Instant;

use crate::engine::Clock;
use crate::time::{TICKS_PER_SECOND, Ticks};

/// Plays scenario time at `speed` seconds of scenario per second of wall time.
///
/// Before the engine emits anything at scenario time `t`, the clock sleeps on a tokio
/// current-thread runtime until `start + t / speed`. The engine is the same as on the
/// virtual clock: only the waiting differs.
pub struct RealClock {
    runtime: Runtime,
    start: Instant,
    speed: f64,
}

impl RealClock {
    /// `speed` must be positive and finite.
    pub fn new(speed: f64) -> std::io::Result<RealClock> {
        assert!(speed.is_finite() && speed > 0.0, "speed must be positive");
        let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build()?;
        let start = Instant::now();
        Ok(RealClock { runtime, start, speed })
    }

    fn wall(&self, t: Ticks) -> Duration {
        Duration::from_secs_f64(t as f64 / TICKS_PER_SECOND as f64 / self.speed)
    }
}

impl Clock for RealClock {
    fn advance(&mut self, t: Ticks) -> bool {
        let deadline = self.start + self.wall(t);
        self.runtime.block_on(async move { tokio::time::sleep_until(deadline).await });
        true
    }

    fn elapsed(&self, _t: Ticks) -> Ticks {
        let wall = self.start.elapsed();
        (wall.as_secs_f64() * self.speed * TICKS_PER_SECOND as f64).round() as Ticks
    }
}
