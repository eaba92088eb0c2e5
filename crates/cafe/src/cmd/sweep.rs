//! `cafe sweep`: parses everything first (exit code 2 on a bad argument), then runs
//! the grid with a progress bar on a terminal's stderr; Ctrl-C keeps what finished
//! (exit code 130).

use std::io::{self, IsTerminal, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use async_cafe::sweep;
use async_cafe::view::export::write_atomically;

use crate::cli::{FormatArg, SweepArgs};
use crate::error::Error;
use crate::output::{Output, say};
use crate::signals::Interrupts;

/// Runs the sweep `a` describes, writing its table (and the files asked for) as it
/// finishes; an interrupted sweep keeps what finished and is [`Error::Interrupted`].
pub fn execute(a: SweepArgs, out: &mut Output) -> Result<(), Error> {
    let sc = super::load(&a.scenario)?;
    let bad = Error::Usage;
    if a.replications == 0 {
        return Err(bad("--replications must be at least 1".into()));
    }
    let varies = a
        .vary
        .iter()
        .map(|v| sweep::parse_vary(v, &sc))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad(e.to_string()))?;
    sweep::check_varies(&varies).map_err(|e| bad(e.to_string()))?;
    let metrics = sweep::metrics(&sc, &varies);
    let target = a
        .target
        .as_deref()
        .map(|t| sweep::parse_target(t, &metrics))
        .transpose()
        .map_err(|e| bad(e.to_string()))?;
    if target.is_some() && a.replications < 2 {
        return Err(bad(
            "--target needs at least 2 replications: one run gives no confidence interval".into()
        ));
    }
    let warmup = super::warmup(&sc, a.warmup)?;
    sweep::check_size(&sc, &varies, a.replications).map_err(|e| bad(e.to_string()))?;
    let opts = sweep::Options {
        mode: a.mode.into(),
        seed: a.seed.unwrap_or(sc.seed),
        replications: a.replications,
        warmup,
        threads: a.threads.unwrap_or(0),
    };
    let terminal = io::stderr().is_terminal();
    let interrupts = Interrupts::install(move || {
        let lead = if terminal { "\r\x1b[2K" } else { "" };
        say(&format!("{lead}interrupted: finishing the runs in progress (Ctrl-C again to quit at once)\n"));
    })?;
    let bar = ProgressBar { shown: terminal, last_draw: Mutex::new(None) };
    let result = sweep::run(&sc, &varies, &opts, interrupts.cancel(), &|p| bar.draw(p));
    bar.clear();
    if let Some(e) = result.overrun {
        return Err(Error::Overran(e));
    }
    let text = match a.format {
        FormatArg::Text => {
            let mut text = sweep::render_table(&result, target.as_ref());
            let answer = sweep::render_answer(&result, target.as_ref());
            if !answer.is_empty() {
                text.push('\n');
                text.push_str(&answer);
            }
            text
        }
        FormatArg::Json => {
            let doc = result.document(a.target.as_deref().zip(target.as_ref()));
            // Through a `Value`, whose maps are sorted: the document's keys have
            // always been in alphabetical order, at every level.
            let doc = serde_json::to_value(&doc).map_err(io::Error::other)?;
            serde_json::to_string_pretty(&doc).map_err(io::Error::other)? + "\n"
        }
    };
    out.write_all(text.as_bytes())?;
    if let Some(path) = &a.csv {
        write_atomically(path, sweep::csv(&result, target.as_ref()).as_bytes())?;
    }
    if let Some(path) = &a.report {
        write_atomically(path, sweep::html(&result, target.as_ref()).as_bytes())?;
    }
    if result.interrupted {
        return Err(interrupts.interrupted());
    }
    Ok(())
}

/// The progress bar, on a terminal's stderr: redrawn in place at most every 100 ms
/// (and at the end), from the sweep's worker threads.
struct ProgressBar {
    shown: bool,
    last_draw: Mutex<Option<Instant>>,
}

impl ProgressBar {
    const WIDTH: usize = 30;

    fn draw(&self, p: sweep::Progress) {
        if !self.shown {
            return;
        }
        let Ok(mut last) = self.last_draw.lock() else { return };
        if p.done < p.total && last.is_some_and(|t| t.elapsed().as_millis() < 100) {
            return;
        }
        *last = Some(Instant::now());
        let filled = Self::WIDTH * p.done / p.total.max(1);
        let left = match p.left() {
            Some(l) => format!(", about {} left", duration(l)),
            None => String::new(),
        };
        say(&format!(
            "\r\x1b[2K[{}{}] {}/{} runs, {} elapsed{left}",
            "#".repeat(filled),
            ".".repeat(Self::WIDTH - filled),
            p.done,
            p.total,
            duration(p.elapsed)
        ));
    }

    fn clear(&self) {
        if self.shown {
            say("\r\x1b[2K");
        }
    }
}

/// A duration for the progress bar: `42 s`, `3 min 05 s`, `1 h 02 min`.
fn duration(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min {:02} s", s / 60, s % 60),
        _ => format!("{} h {:02} min", s / 3600, s % 3600 / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_of_the_progress_bar() {
        assert_eq!(duration(Duration::from_secs(42)), "42 s");
        assert_eq!(duration(Duration::from_secs(185)), "3 min 05 s");
        assert_eq!(duration(Duration::from_secs(3720)), "1 h 02 min");
    }
}
