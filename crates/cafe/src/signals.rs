//! SIGINT (Ctrl-C), SIGTERM and SIGHUP (the terminal closed), for the commands that
//! stop cleanly (`run`, `sweep`, `compare`, `plan` and the studio). The library knows
//! nothing of signals: it takes a [`Cancel`] token, which the first signal cancels;
//! the run stops, the command prints what it has (`compare`: nothing), its files go
//! in place, and it exits with 128 + the signal's number (130, 143 or 129). A second
//! signal, or SIGQUIT (Ctrl-\\) at any time, quits at once: the temporary files are
//! removed (after the files being put in place, if that has begun: see
//! [`hold_commits`](async_cafe::view::export::hold_commits)), and the process exits.
//!
//! `signal-hook` runs the handlers on a thread of their own, where anything may be
//! done (printing, exiting), rather than in a signal handler, where almost nothing
//! may.

use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};

use async_cafe::clock::Cancel;

use crate::error::{Error, SIGINT};

/// The handlers, installed: their token, and the first signal received.
pub struct Interrupts {
    cancel: Cancel,
    signal: Arc<AtomicI32>,
}

impl Interrupts {
    /// Installs the handlers; `on_first` runs (on the handlers' thread) after the
    /// first signal, with its number.
    pub fn install(on_first: impl Fn(i32) + Send + 'static) -> Result<Interrupts, Error> {
        let interrupts = Interrupts { cancel: Cancel::new(), signal: Arc::default() };
        #[cfg(unix)]
        {
            use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
            let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP, SIGQUIT])?;
            let (cancel, signal) = (interrupts.cancel.clone(), interrupts.signal.clone());
            std::thread::Builder::new().name("signals".into()).spawn(move || {
                for sig in signals.forever() {
                    if sig != SIGQUIT && signal.swap(sig, Ordering::SeqCst) == 0 {
                        cancel.cancel();
                        on_first(sig);
                    } else {
                        async_cafe::view::export::remove_temporary_files();
                        std::process::exit(128 + sig);
                    }
                }
            })?;
        }
        #[cfg(not(unix))]
        let _ = on_first;
        Ok(interrupts)
    }

    /// The token the first signal cancels, for the library.
    pub fn cancel(&self) -> &Cancel {
        &self.cancel
    }

    /// The signal received, if one was.
    pub fn received(&self) -> Option<i32> {
        match self.signal.load(Ordering::SeqCst) {
            0 => None,
            sig => Some(sig),
        }
    }

    /// Opens each of `outputs` that is a FIFO for writing, which waits until
    /// something reads it, as long as no signal comes: the first stops the command
    /// (with [`Interrupts::interrupted`]) rather than leave it waiting for a reader
    /// that never comes, as a blocking open would until the second. The caller keeps
    /// the files until it ends, so that the exports' own opens of them find their
    /// reader there. Other paths (files, devices, missing ones) are left alone.
    pub fn wait_for_readers<'p>(
        &self,
        outputs: impl IntoIterator<Item = &'p std::path::Path>,
    ) -> Result<Vec<std::fs::File>, Error> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            use std::sync::mpsc;
            use std::time::Duration;
            let mut open = Vec::new();
            for path in outputs {
                let fifo = std::fs::metadata(path).is_ok_and(|m| m.file_type().is_fifo());
                if !fifo {
                    continue;
                }
                let (tx, rx) = mpsc::channel();
                let target = path.to_path_buf();
                // A thread of its own: the open returns only once there is a reader.
                std::thread::spawn(move || {
                    let _ = tx.send(std::fs::OpenOptions::new().write(true).open(target));
                });
                loop {
                    if self.received().is_some() {
                        return Err(self.interrupted());
                    }
                    match rx.recv_timeout(Duration::from_millis(50)) {
                        Ok(file) => {
                            let named = |e: std::io::Error| {
                                std::io::Error::new(e.kind(), format!("{}: {e}", path.display()))
                            };
                            open.push(file.map_err(|e| Error::from(named(e)))?);
                            break;
                        }
                        Err(mpsc::RecvTimeoutError::Timeout) => {}
                        Err(mpsc::RecvTimeoutError::Disconnected) => break,
                    }
                }
            }
            Ok(open)
        }
        #[cfg(not(unix))]
        {
            let _ = outputs;
            Ok(Vec::new())
        }
    }

    /// The error of a command that stopped because it was cancelled: the signal
    /// received (SIGINT if none was, as when the token was cancelled otherwise).
    pub fn interrupted(&self) -> Error {
        Error::Interrupted { signal: self.received().unwrap_or(SIGINT) }
    }
}
