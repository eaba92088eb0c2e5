//! A sweep's run, encoded for the trip from a worker process (or machine) back to
//! the caller: every number bit for bit (`f64::to_bits`, so NaN and the last digit
//! survive), so that a sweep gathered from workers equals the local one exactly.
//! Each carries its plan's fingerprint and its job's index, so that the caller
//! knows a result of another sweep, or one in the wrong place.
//!
//! The statistics are taken apart and put together field by field with exhaustive
//! patterns: a field added to the library's `Stats` is a compile error here, not a
//! statistic silently lost on the way.

use async_cafe::engine::{Overran, Overrun};
use async_cafe::ops::{RunOverran, SweepRun};
use async_cafe::view::stats::{CookStats, EquipmentStats, Stats, Summary};

/// Format version, first byte of every message.
const VERSION: u8 = 3;

struct W(Vec<u8>);

impl W {
    fn u64(&mut self, x: u64) {
        self.0.extend_from_slice(&x.to_le_bytes());
    }
    fn f64(&mut self, x: f64) {
        self.u64(x.to_bits());
    }
    fn str(&mut self, s: &str) {
        self.u64(s.len() as u64);
        self.0.extend_from_slice(s.as_bytes());
    }
    fn summary(&mut self, s: &Summary) {
        let Summary { count, mean_s, p50_s, p95_s, max_s } = s;
        self.u64(*count);
        for x in [mean_s, p50_s, p95_s, max_s] {
            self.f64(*x);
        }
    }
}

struct R<'a>(&'a [u8]);

impl R<'_> {
    fn u64(&mut self) -> Result<u64, String> {
        if self.0.len() < 8 {
            return Err("a sweep result was cut short".into());
        }
        let (head, rest) = self.0.split_at(8);
        self.0 = rest;
        Ok(u64::from_le_bytes(head.try_into().expect("8 bytes")))
    }
    fn f64(&mut self) -> Result<f64, String> {
        self.u64().map(f64::from_bits)
    }
    fn u32(&mut self) -> Result<u32, String> {
        u32::try_from(self.u64()?).map_err(|_| "a sweep result is corrupt".to_string())
    }
    fn str(&mut self) -> Result<String, String> {
        let n = self.u64()? as usize;
        if self.0.len() < n {
            return Err("a sweep result was cut short".into());
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        String::from_utf8(head.to_vec()).map_err(|_| "a sweep result is corrupt".to_string())
    }
    fn summary(&mut self) -> Result<Summary, String> {
        Ok(Summary {
            count: self.u64()?,
            mean_s: self.f64()?,
            p50_s: self.f64()?,
            p95_s: self.f64()?,
            max_s: self.f64()?,
        })
    }
}

/// `run`, job `job` of the plan whose fingerprint is `plan`, as bytes.
pub fn encode(plan: u64, job: u64, run: &SweepRun) -> Vec<u8> {
    let mut w = W(vec![VERSION]);
    w.u64(plan);
    w.u64(job);
    let Stats {
        total_s,
        measured_s,
        served,
        left,
        left_share,
        balked,
        balked_share,
        waited,
        waited_share,
        throughput_per_hour,
        mean_in_system,
        mean_waiting,
        wait,
        time_in_system,
        longest_chain,
        above_chain,
        cooks,
        equipment,
    } = &run.stats;
    w.f64(*total_s);
    w.f64(*measured_s);
    w.u64(*served);
    w.u64(*left);
    w.f64(*left_share);
    w.u64(*balked);
    w.f64(*balked_share);
    w.u64(*waited);
    w.f64(*waited_share);
    w.f64(*throughput_per_hour);
    w.f64(*mean_in_system);
    w.f64(*mean_waiting);
    for s in [wait, time_in_system, longest_chain, above_chain] {
        w.summary(s);
    }
    w.u64(cooks.len() as u64);
    for c in cooks {
        let CookStats {
            cook,
            hands_on_s,
            standing_by_s,
            idle_s,
            hands_on_share,
            standing_by_share,
            idle_share,
        } = c;
        w.u64(u64::from(*cook));
        for x in [hands_on_s, standing_by_s, idle_s, hands_on_share, standing_by_share, idle_share] {
            w.f64(*x);
        }
    }
    w.u64(equipment.len() as u64);
    for e in equipment {
        let EquipmentStats { name, capacity, busy_s, utilisation, mean_queue, longest_queue } = e;
        w.str(name);
        w.u64(u64::from(*capacity));
        w.f64(*busy_s);
        w.f64(*utilisation);
        w.f64(*mean_queue);
        w.u64(*longest_queue);
    }
    match &run.overrun {
        Some(RunOverran { overrun: Overrun { at, order, item, what }, message }) => {
            w.u64(1);
            w.u64(*at);
            w.u64(*order);
            w.u64(u64::from(*item));
            match what {
                Overran::Arrival => w.u64(0),
                Overran::Step(s) => {
                    w.u64(1);
                    w.u64(u64::from(*s));
                }
                Overran::Patience => w.u64(2),
                Overran::Crowded => w.u64(3),
                Overran::CrowdedSteps => w.u64(4),
            }
            w.str(message);
        }
        None => w.u64(0),
    }
    w.0
}

/// The plan's fingerprint, the job's index and the run that [`encode`] encoded.
pub fn decode(bytes: &[u8]) -> Result<(u64, u64, SweepRun), String> {
    match bytes.split_first() {
        Some((&VERSION, rest)) => {
            let mut r = R(rest);
            let (plan, job) = (r.u64()?, r.u64()?);
            let total_s = r.f64()?;
            let measured_s = r.f64()?;
            let served = r.u64()?;
            let left = r.u64()?;
            let left_share = r.f64()?;
            let balked = r.u64()?;
            let balked_share = r.f64()?;
            let waited = r.u64()?;
            let waited_share = r.f64()?;
            let throughput_per_hour = r.f64()?;
            let mean_in_system = r.f64()?;
            let mean_waiting = r.f64()?;
            let wait = r.summary()?;
            let time_in_system = r.summary()?;
            let longest_chain = r.summary()?;
            let above_chain = r.summary()?;
            let n = r.u64()?;
            let mut cooks = Vec::new();
            for _ in 0..n {
                cooks.push(CookStats {
                    cook: r.u32()?,
                    hands_on_s: r.f64()?,
                    standing_by_s: r.f64()?,
                    idle_s: r.f64()?,
                    hands_on_share: r.f64()?,
                    standing_by_share: r.f64()?,
                    idle_share: r.f64()?,
                });
            }
            let n = r.u64()?;
            let mut equipment = Vec::new();
            for _ in 0..n {
                equipment.push(EquipmentStats {
                    name: r.str()?,
                    capacity: r.u32()?,
                    busy_s: r.f64()?,
                    utilisation: r.f64()?,
                    mean_queue: r.f64()?,
                    longest_queue: r.u64()?,
                });
            }
            let overrun = if r.u64()? == 1 {
                let (at, order) = (r.u64()?, r.u64()?);
                let item = u16::try_from(r.u64()?).map_err(|_| "a sweep result's item is out of range")?;
                let what = match r.u64()? {
                    0 => Overran::Arrival,
                    1 => Overran::Step(
                        u16::try_from(r.u64()?).map_err(|_| "a sweep result's step is out of range")?,
                    ),
                    2 => Overran::Patience,
                    3 => Overran::Crowded,
                    4 => Overran::CrowdedSteps,
                    _ => return Err("a sweep result's overrun is corrupt".into()),
                };
                Some(RunOverran { overrun: Overrun { at, order, item, what }, message: r.str()? })
            } else {
                None
            };
            if !r.0.is_empty() {
                return Err("a sweep result has bytes to spare: it is corrupt".into());
            }
            let stats = Stats {
                total_s,
                measured_s,
                served,
                left,
                left_share,
                balked,
                balked_share,
                waited,
                waited_share,
                throughput_per_hour,
                mean_in_system,
                mean_waiting,
                wait,
                time_in_system,
                longest_chain,
                above_chain,
                cooks,
                equipment,
            };
            Ok((plan, job, SweepRun { stats, overrun }))
        }
        _ => Err("not a sweep result of this version of async_cafe".into()),
    }
}
