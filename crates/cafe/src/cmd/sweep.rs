//! `cafe sweep`: parses everything first (exit code 2 on bad arguments, every one of
//! them said at once), creates its files (a path that cannot be written is said
//! before anything runs), then runs the grid with a progress bar on a terminal's
//! stderr; Ctrl-C keeps what finished (exit code 130).

use std::fmt;
use std::io::{self, Write};
use std::time::Duration;

use async_cafe::ops::{self, Batch, Progress};
use async_cafe::sweep;
use async_cafe::view::export::AtomicFile;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

use crate::cli::{FormatArg, SweepArgs};
use crate::error::Error;
use crate::output::{self, Output, say};
use crate::signals::Interrupts;

/// Runs the sweep `a` describes, writing its table (and the files asked for) as it
/// finishes; an interrupted sweep keeps what finished and is [`Error::Interrupted`].
pub fn execute(a: SweepArgs, out: &mut Output) -> Result<(), Error> {
    let mut problems = Vec::new();
    let refused = crate::flags::sweep(&a);
    if !refused.is_empty() {
        problems.push(Error::Refused(refused));
    }
    if a.width.is_some() && a.format == FormatArg::Json {
        problems.push(Error::Usage(
            "--width sets the width of the text table: drop it, --format json draws none".into(),
        ));
    }
    let sc = match super::load_and_inputs(&a.scenario) {
        Ok((sc, inputs)) => {
            let files = [("--csv", a.csv.as_deref()), ("--report", a.report.as_deref())];
            if let Err(e) = super::refuse_over_inputs(&inputs, &files, None) {
                problems.push(e);
            }
            sc
        }
        Err(e) => {
            problems.push(e);
            return Err(Error::all(problems));
        }
    };
    let request = sweep::Request { vary: &a.vary, targets: &a.target, replications: a.replications };
    let checked = match request.check(&sc) {
        Ok(checked) => Some(checked),
        Err(sweep::Refused(refused)) => {
            problems.extend(refused.iter().map(|e| Error::Usage(e.to_string())));
            None
        }
    };
    let warmup = super::warmup(&sc, a.warmup).map_err(|e| problems.push(e)).ok();
    let (Some(sweep::Checked { varies, targets }), Some(warmup), true) =
        (checked, warmup, problems.is_empty())
    else {
        return Err(Error::all(problems));
    };
    let targets: Vec<sweep::Target> = targets.into_iter().map(|(_, t)| t).collect();
    // The signals before the files: a Ctrl-C from here on leaves no temporary file.
    let bar = progress_bar(ProgressDrawTarget::stderr_with_hz(10));
    let interrupts = Interrupts::install({
        let bar = bar.clone();
        move |signal| {
            let message = match signal {
                crate::error::SIGINT => {
                    "interrupted: finishing the runs in progress (Ctrl-C again to quit at once)\n"
                }
                _ => "stopping: finishing the runs in progress\n",
            };
            bar.suspend(|| say(message))
        }
    })?;
    // The files before the runs, both said if neither can be written.
    let _readers = interrupts.wait_for_readers(a.csv.as_deref().into_iter().chain(a.report.as_deref()))?;
    let csv = a.csv.as_deref().map(AtomicFile::create).transpose();
    let report = a.report.as_deref().map(AtomicFile::create).transpose();
    let (csv, report) = match (csv, report) {
        (Ok(csv), Ok(report)) => (csv, report),
        (csv, report) => {
            let failed = [csv.err(), report.err()].into_iter().flatten().map(Error::from).collect();
            return Err(Error::all(failed));
        }
    };
    let progress = |p| show(&bar, p);
    let batch = Batch {
        mode: a.mode.into(),
        seed: a.seed,
        replications: a.replications,
        warmup,
        threads: a.threads,
        cancel: interrupts.cancel().clone(),
        progress: Some(&progress),
        max_customers: None,
    };
    let result = ops::sweep(&sc, &varies, &batch);
    bar.finish_and_clear();
    let result = result.map_err(|e| Error::Overran(e.to_string()))?;
    let text = match a.format {
        FormatArg::Text => {
            let width = a.width.map(usize::from).or_else(output::table_width);
            let mut text = sweep::render_table_within(&result, &targets, width);
            let answer = sweep::render_answer_within(&result, &targets, width);
            if !answer.is_empty() {
                text.push('\n');
                text.push_str(&answer);
            }
            text
        }
        FormatArg::Json => {
            let doc = result.document(a.target.iter().map(String::as_str).zip(&targets));
            // Through a `Value`, whose maps are sorted: the document's keys have
            // always been in alphabetical order, at every level.
            let doc = serde_json::to_value(&doc).map_err(io::Error::other)?;
            serde_json::to_string_pretty(&doc).map_err(io::Error::other)? + "\n"
        }
    };
    out.write_all(text.as_bytes())?;
    if let Some(file) = csv {
        file.write(sweep::csv(&result, &targets)?.as_bytes())?;
    }
    if let Some(file) = report {
        file.write(sweep::html(&result, &targets).as_bytes())?;
    }
    if result.interrupted {
        return Err(interrupts.interrupted());
    }
    Ok(())
}

/// The progress bar: `[###...] 12/40 runs, 3 s elapsed, about 7 s left`, drawn by
/// indicatif on `target`, which it leaves blank unless it is a terminal. Indicatif
/// redraws in place at most as often as `target` allows, from the sweep's worker
/// threads, over as many lines as the terminal wraps the bar to, and `suspend`
/// clears it to print a message above it. The time left is the sweep's estimate
/// ([`Progress::left`]) from the bar's own state, so that one update draws
/// a consistent line.
fn progress_bar(target: ProgressDrawTarget) -> ProgressBar {
    let progress = |s: &ProgressState| Progress {
        done: s.pos() as usize,
        total: s.len().unwrap_or(0) as usize,
        elapsed: s.elapsed(),
    };
    let style = ProgressStyle::with_template("[{bar:30}] {pos}/{len} runs, {took} elapsed{left}")
        .expect("a valid template")
        .progress_chars("#.")
        .with_key("took", |s: &ProgressState, w: &mut dyn fmt::Write| {
            let _ = w.write_str(&duration(s.elapsed()));
        })
        .with_key("left", move |s: &ProgressState, w: &mut dyn fmt::Write| {
            if let Some(left) = progress(s).left() {
                let _ = write!(w, ", about {} left", duration(left));
            }
        });
    ProgressBar::with_draw_target(None, target).with_style(style)
}

/// Shows `p` on the bar, in one update.
fn show(bar: &ProgressBar, p: Progress) {
    bar.update(|s| {
        s.set_len(p.total as u64);
        s.set_pos(p.done as u64);
    });
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

    use std::sync::{Arc, Mutex};

    /// A terminal in memory, this many columns wide: what indicatif writes, with its
    /// cursor moves.
    #[derive(Clone, Debug)]
    struct Screen(Arc<Mutex<String>>, u16);

    impl Default for Screen {
        fn default() -> Screen {
            Screen(Arc::default(), 120)
        }
    }

    impl indicatif::TermLike for Screen {
        fn width(&self) -> u16 {
            self.1
        }
        fn move_cursor_up(&self, n: usize) -> io::Result<()> {
            self.write_str(&format!("<up {n}>"))
        }
        fn move_cursor_down(&self, n: usize) -> io::Result<()> {
            self.write_str(&format!("<down {n}>"))
        }
        fn move_cursor_right(&self, n: usize) -> io::Result<()> {
            self.write_str(&format!("<right {n}>"))
        }
        fn move_cursor_left(&self, n: usize) -> io::Result<()> {
            self.write_str(&format!("<left {n}>"))
        }
        fn write_line(&self, s: &str) -> io::Result<()> {
            self.write_str(&format!("{s}\n"))
        }
        fn write_str(&self, s: &str) -> io::Result<()> {
            self.0.lock().unwrap().push_str(s);
            Ok(())
        }
        fn clear_line(&self) -> io::Result<()> {
            self.write_str("<clear>")
        }
        fn flush(&self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn the_progress_bar_shows_runs_elapsed_and_left_then_clears() {
        let screen = Screen::default();
        let target = ProgressDrawTarget::term_like(Box::new(screen.clone()));
        let bar = progress_bar(target).with_elapsed(Duration::from_secs(42));
        let progress = |done| Progress { done, total: 30, elapsed: Duration::ZERO };
        show(&bar, progress(0));
        show(&bar, progress(10));
        let drawn = screen.0.lock().unwrap().clone();
        // Each drawing clears the line the last one left, then pads the line.
        let drawings: Vec<String> =
            drawn.split("<clear>").map(|d| d.replace("<up 0>", "").trim_end().to_owned()).collect();
        assert_eq!(
            drawings,
            [
                "[..............................] 0/30 runs, 42 s elapsed",
                "[##########....................] 10/30 runs, 42 s elapsed, about 1 min 24 s left"
            ]
        );
        // A message (the interrupt's) goes above the bar, which is drawn again below it.
        bar.suspend(|| indicatif::TermLike::write_str(&screen, "interrupted\n").unwrap());
        let after = |from: usize| screen.0.lock().unwrap()[from..].replace("<up 0>", "");
        let suspended = after(drawn.len());
        assert_eq!(suspended.trim_end(), format!("<clear>interrupted\n{}", drawings[1]));
        // At the end, the bar is cleared and nothing else is written.
        let end = screen.0.lock().unwrap().len();
        bar.finish_and_clear();
        assert_eq!(after(end), "<clear>");
    }

    #[test]
    fn on_a_narrow_terminal_the_bar_is_redrawn_over_every_row_it_wraps_to() {
        // 80 columns on a terminal of 30: three rows, all cleared before the next drawing.
        let screen = Screen(Arc::default(), 30);
        let target = ProgressDrawTarget::term_like(Box::new(screen.clone()));
        let bar = progress_bar(target).with_elapsed(Duration::from_secs(42));
        let progress = |done| Progress { done, total: 30, elapsed: Duration::ZERO };
        show(&bar, progress(10));
        let first = screen.0.lock().unwrap().len();
        show(&bar, progress(11));
        let second = screen.0.lock().unwrap()[first..].to_string();
        assert!(second.starts_with("<up 2><clear><down 1><clear><down 1><clear><up 2>"), "{second:?}");
    }

    #[test]
    fn durations_of_the_progress_bar() {
        assert_eq!(duration(Duration::from_secs(42)), "42 s");
        assert_eq!(duration(Duration::from_secs(185)), "3 min 05 s");
        assert_eq!(duration(Duration::from_secs(3720)), "1 h 02 min");
    }
}
