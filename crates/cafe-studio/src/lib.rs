//! Café Studio: the Async Café in the browser. A local web application, started by
//! `cafe studio`, that serves a single-page application (embedded in the binary: no
//! network, no CDN) and the HTTP API under `/api/` behind it (docs/studio.md): the
//! built-ins and one's own scenarios, checking a scenario as it is typed, running and
//! comparing the kitchens, live runs on the real clock, sweeps in the background
//! with live progress, and a history of every run in SQLite.
//!
//! Like the `cafe` command and the Python package, the studio is a thin room over the
//! library's operations layer (`async_cafe::ops`): it converts requests into the
//! operations' typed inputs and their typed results into JSON, and has no semantics
//! of its own. What it adds is what a server needs: the engine on tokio's blocking
//! threads behind a semaphore (one permit per core), limits on what one request may
//! ask ([`Limits`]), errors as JSON ([`ApiError`]), the history ([`history`]), and
//! answering only this machine's pages when it listens on loopback.
//!
//! ```no_run
//! let config = cafe_studio::Config::default();
//! let cancel = async_cafe::Cancel::new(); // cancelled on Ctrl-C by the caller
//! cafe_studio::run(config, &cancel, |started| println!("Café Studio: {}", started.url)).unwrap();
//! ```

mod api;
mod body;
mod config;
mod error;
mod guard;
pub mod history;
mod jobs;
mod page;
mod scenario;
mod server;
mod work;

pub use config::{Config, Limits, default_db_path};
pub use error::{ApiError, ProblemRecord};
pub use server::{Started, State, router, run, serve};
