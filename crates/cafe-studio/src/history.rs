//! The history: every run, comparison and sweep, kept in an SQLite file (WAL) with
//! its scenario text, options, seed and results.
//!
//! A studio holds its history alone while it runs: [`History::open`] puts the
//! connection in SQLite's exclusive locking mode and takes the file's exclusive lock
//! at once, and the lock is the process's until the history is dropped (or the
//! process ends, however it ends: the system releases it). Another studio, or any
//! other program, that opens the same file meanwhile is refused at once
//! ([`OpenError::InUse`]), rather than taking the first one's work for work a
//! stopped studio left.
//!
//! An entry is written as `running` before its work starts, and completed (`done`,
//! `failed` or `cancelled`) in one transaction after: a studio killed in between
//! leaves it `running`, and the next start ([`History::open`], once it holds the
//! lock) marks every such entry `interrupted`, as of the last moment it was recorded
//! under way (a sweep records its progress as it goes: [`History::progress`]). WAL
//! keeps the file consistent through a kill at any moment.
//!
//! Results are kept as the JSON text they were sent as, and sent back as that very
//! text ([`Entry::result`]): a number read back is the number the run wrote.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, ErrorCode, OptionalExtension, TransactionBehavior, params};
use serde::Serialize;
use serde_json::value::RawValue;

/// The history's tables, created when missing.
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    name TEXT NOT NULL,
    scenario TEXT NOT NULL,
    options TEXT NOT NULL,
    seed INTEGER,
    created REAL NOT NULL,
    finished REAL,
    headline TEXT,
    error TEXT,
    result TEXT,
    progress TEXT,
    alive REAL
);
CREATE TABLE IF NOT EXISTS scenarios (
    name TEXT PRIMARY KEY,
    toml TEXT NOT NULL,
    saved REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS files (
    entry INTEGER NOT NULL REFERENCES entries(id),
    name TEXT NOT NULL,
    content TEXT NOT NULL,
    PRIMARY KEY (entry, name)
);
";

/// What kind of work an entry records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// One run of one kitchen.
    Run,
    /// Both kitchens side by side.
    Compare,
    /// A sweep.
    Sweep,
}

impl Kind {
    /// Its name in the database and the API.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Run => "run",
            Kind::Compare => "compare",
            Kind::Sweep => "sweep",
        }
    }

    fn parse(name: &str) -> Kind {
        match name {
            "run" => Kind::Run,
            "compare" => Kind::Compare,
            _ => Kind::Sweep,
        }
    }
}

impl Serialize for Kind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// How an entry's work ended, or that it has not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Under way.
    Running,
    /// Finished, with its results.
    Done,
    /// Refused or stopped by an error (its message is kept).
    Failed,
    /// Stopped on request; a sweep keeps the configurations that finished.
    Cancelled,
    /// The studio stopped before the work finished.
    Interrupted,
}

impl Status {
    /// Its name in the database and the API.
    pub fn name(self) -> &'static str {
        match self {
            Status::Running => "running",
            Status::Done => "done",
            Status::Failed => "failed",
            Status::Cancelled => "cancelled",
            Status::Interrupted => "interrupted",
        }
    }

    fn parse(name: &str) -> Status {
        match name {
            "running" => Status::Running,
            "done" => Status::Done,
            "failed" => Status::Failed,
            "cancelled" => Status::Cancelled,
            _ => Status::Interrupted,
        }
    }
}

/// One entry as the history lists it.
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    /// Its id.
    pub id: i64,
    /// What it ran.
    pub kind: Kind,
    /// How it ended.
    pub status: Status,
    /// The scenario's name.
    pub name: String,
    /// The seed, when it ran with one.
    pub seed: Option<u64>,
    /// When it was asked for, in seconds since 1970.
    pub created: f64,
    /// When it ended.
    pub finished: Option<f64>,
    /// Its result in a few words (the total, the speedup, the answer).
    pub headline: Option<String>,
    /// Why it failed.
    pub error: Option<String>,
}

/// One entry with everything needed to reopen it.
#[derive(Clone, Debug, Serialize)]
pub struct Entry {
    /// What the list shows.
    #[serde(flatten)]
    pub summary: Summary,
    /// The scenario's TOML, as it ran.
    pub scenario: String,
    /// The options it ran with (JSON).
    pub options: serde_json::Value,
    /// The results, once done (or cancelled, for a sweep): the JSON text as it was
    /// written, sent as it is.
    pub result: Option<Box<RawValue>>,
    /// A sweep's progress as last recorded (`done`, `total`, `elapsed_s`): when it
    /// ended, or, for one the studio stopped before it ended, the last recorded
    /// while it ran.
    #[serde(skip)]
    pub progress: Option<serde_json::Value>,
}

impl Entry {
    /// The result, read as JSON (each number the very double written).
    pub fn result_value(&self) -> serde_json::Result<Option<serde_json::Value>> {
        self.result.as_ref().map(|r| serde_json::from_str(r.get())).transpose()
    }
}

/// An entry's column that is not the JSON it should be: the history was written by
/// something else, or damaged.
#[derive(Debug)]
struct NotJson {
    id: i64,
    column: &'static str,
    error: serde_json::Error,
}

impl std::fmt::Display for NotJson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "entry {}'s {} is not JSON ({})", self.id, self.column, self.error)
    }
}

impl std::error::Error for NotJson {}

/// How an entry's work ended.
pub struct Ending<'a> {
    /// Done, failed or cancelled.
    pub status: Status,
    /// The result in a few words.
    pub headline: Option<&'a str>,
    /// Why it failed.
    pub error: Option<&'a str>,
    /// The results, as JSON text.
    pub result: Option<&'a str>,
    /// Files kept for export, by name (`report.html`, `report.csv`).
    pub files: &'a [(&'a str, String)],
    /// A sweep's progress as it ended (JSON: `done`, `total`, `elapsed_s`).
    pub progress: Option<&'a str>,
}

/// The history's database.
pub struct History {
    conn: Mutex<Connection>,
}

fn now() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64())
}

/// Why the history could not be opened.
#[derive(Debug)]
pub enum OpenError {
    /// Another studio, or another program, has the file open: the history is
    /// held by one studio at a time.
    InUse {
        /// The history's file.
        path: PathBuf,
    },
    /// The file, or its directory, could not be created, read or written.
    Sqlite {
        /// The history's file.
        path: PathBuf,
        /// SQLite's error.
        source: rusqlite::Error,
    },
}

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OpenError::InUse { path } => write!(
                f,
                "the history {} is in use by another studio (or another program has it open): \
                 stop that studio first, or start this one with another --db",
                path.display()
            ),
            OpenError::Sqlite { path, source } => {
                write!(f, "cannot open the history {}: {source}", path.display())
            }
        }
    }
}

impl std::error::Error for OpenError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            OpenError::InUse { .. } => None,
            OpenError::Sqlite { source, .. } => Some(source),
        }
    }
}

impl History {
    /// Opens (or creates) the history at `path`, its directory too, and holds it
    /// alone until it is dropped: while it is held, opening the same file again,
    /// here or in another process, is refused at once with [`OpenError::InUse`].
    /// Once it holds the file, marks every entry left `running` by a studio that
    /// stopped as `interrupted`; returns the history and how many it marked.
    pub fn open(path: &Path) -> Result<(History, usize), OpenError> {
        let failed = |source| match &source {
            rusqlite::Error::SqliteFailure(e, _) if e.code == ErrorCode::DatabaseBusy => {
                OpenError::InUse { path: path.to_path_buf() }
            }
            _ => OpenError::Sqlite { path: path.to_path_buf(), source },
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                failed(rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CANTOPEN),
                    Some(format!("cannot create {}: {e}", dir.display())),
                ))
            })?;
        }
        let mut conn = Connection::open(path).map_err(failed)?;
        let marked = Self::hold(&mut conn).map_err(failed)?;
        Ok((History { conn: Mutex::new(conn) }, marked))
    }

    /// Takes the file's exclusive lock, which `conn` then keeps until it closes;
    /// creates or updates the tables and marks what a stopped studio left running
    /// as interrupted, in one transaction. A file another connection has open is
    /// `SQLITE_BUSY` at once: no waiting for a lock another studio will not give up.
    fn hold(conn: &mut Connection) -> rusqlite::Result<usize> {
        conn.busy_timeout(std::time::Duration::ZERO)?;
        // Exclusive before WAL: the WAL index is then kept in this process's
        // memory, not in a `-shm` file shared with other processes, and the first
        // transaction's lock on the file is kept until the connection closes.
        conn.pragma_update(None, "locking_mode", "EXCLUSIVE")?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Exclusive)?;
        tx.execute_batch(SCHEMA)?;
        // A history written before the columns of the progress came.
        for (column, kind) in [("progress", "TEXT"), ("alive", "REAL")] {
            let has: bool = tx.query_row(
                "SELECT COUNT(*) > 0 FROM pragma_table_info('entries') WHERE name = ?1",
                params![column],
                |r| r.get(0),
            )?;
            if !has {
                tx.execute_batch(&format!("ALTER TABLE entries ADD COLUMN {column} {kind}"))?;
            }
        }
        // It ended, as far as anyone knows, when it was last recorded under way.
        let marked = tx.execute(
            "UPDATE entries SET status = 'interrupted', finished = COALESCE(alive, created),
                 error = 'the studio stopped before it finished'
             WHERE status = 'running'",
            [],
        )?;
        tx.commit()?;
        Ok(marked)
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while the lock was held leaves SQLite consistent (every write is
        // one statement or one transaction): the lock can be taken again.
        self.conn.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Records work about to start, as `running`; returns its id.
    pub fn begin(
        &self,
        kind: Kind,
        name: &str,
        scenario: &str,
        options: &serde_json::Value,
        seed: Option<u64>,
    ) -> rusqlite::Result<i64> {
        let conn = self.conn();
        conn.execute(
            "INSERT INTO entries (kind, status, name, scenario, options, seed, created)
             VALUES (?1, 'running', ?2, ?3, ?4, ?5, ?6)",
            params![kind.name(), name, scenario, options.to_string(), seed.map(|s| s as i64), now()],
        )?;
        Ok(conn.last_insert_rowid())
    }

    /// Records the progress of entry `id` while it runs (JSON: `done`, `total`,
    /// `elapsed_s`), and that it was under way now: should the studio stop before
    /// it ends, the entry is marked interrupted as of now, with this progress.
    pub fn progress(&self, id: i64, progress: &str) -> rusqlite::Result<()> {
        self.conn().execute(
            "UPDATE entries SET progress = ?2, alive = ?3 WHERE id = ?1 AND status = 'running'",
            params![id, progress, now()],
        )?;
        Ok(())
    }

    /// Records how the work of entry `id` ended, its files with it, in one
    /// transaction.
    pub fn finish(&self, id: i64, end: &Ending<'_>) -> rusqlite::Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "UPDATE entries SET status = ?2, finished = ?3, headline = ?4, error = ?5, result = ?6,
                 progress = COALESCE(?7, progress)
             WHERE id = ?1",
            params![id, end.status.name(), now(), end.headline, end.error, end.result, end.progress],
        )?;
        for (name, content) in end.files {
            tx.execute(
                "INSERT OR REPLACE INTO files (entry, name, content) VALUES (?1, ?2, ?3)",
                params![id, name, content],
            )?;
        }
        tx.commit()
    }

    /// At most `limit` entries older than entry `before` (or the newest, without
    /// it), newest first, and the id to pass as `before` for the next page when
    /// there are older ones.
    pub fn page(&self, before: Option<i64>, limit: u32) -> rusqlite::Result<(Vec<Summary>, Option<i64>)> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT id, kind, status, name, seed, created, finished, headline, error
             FROM entries WHERE id < ?1 ORDER BY id DESC LIMIT ?2",
        )?;
        // One more than asked says whether there is a next page.
        let rows = stmt.query_map(params![before.unwrap_or(i64::MAX), i64::from(limit) + 1], summary)?;
        let mut entries = rows.collect::<rusqlite::Result<Vec<Summary>>>()?;
        let next = if entries.len() > limit as usize {
            entries.truncate(limit as usize);
            entries.last().map(|e| e.id)
        } else {
            None
        };
        Ok((entries, next))
    }

    /// Entry `id`, if there is one.
    pub fn get(&self, id: i64) -> rusqlite::Result<Option<Entry>> {
        let conn = self.conn();
        conn.query_row(
            "SELECT id, kind, status, name, seed, created, finished, headline, error,
                    scenario, options, result, progress
             FROM entries WHERE id = ?1",
            params![id],
            |row| {
                // A column that is not JSON is an error, never a result of `null`.
                let bad = |index: usize, column: &'static str| {
                    move |error| {
                        rusqlite::Error::FromSqlConversionFailure(
                            index,
                            rusqlite::types::Type::Text,
                            Box::new(NotJson { id, column, error }),
                        )
                    }
                };
                let options: String = row.get(10)?;
                let result: Option<String> = row.get(11)?;
                let progress: Option<String> = row.get(12)?;
                Ok(Entry {
                    summary: summary(row)?,
                    scenario: row.get(9)?,
                    options: serde_json::from_str(&options).map_err(bad(10, "options"))?,
                    result: result.map(RawValue::from_string).transpose().map_err(bad(11, "result"))?,
                    progress: progress
                        .map(|p| serde_json::from_str(&p))
                        .transpose()
                        .map_err(bad(12, "progress"))?,
                })
            },
        )
        .optional()
    }

    /// The file `name` kept with entry `id`.
    pub fn file(&self, id: i64, name: &str) -> rusqlite::Result<Option<String>> {
        self.conn()
            .query_row("SELECT content FROM files WHERE entry = ?1 AND name = ?2", params![id, name], |r| {
                r.get(0)
            })
            .optional()
    }
}

/// A scenario saved by its user.
#[derive(Clone, Debug, Serialize)]
pub struct Saved {
    /// Its name, unique.
    pub name: String,
    /// Its TOML.
    pub toml: String,
    /// When it was last saved, in seconds since 1970.
    pub saved: f64,
}

impl History {
    /// Saves `toml` as the scenario `name`, replacing one of that name.
    pub fn save_scenario(&self, name: &str, toml: &str) -> rusqlite::Result<Saved> {
        let saved = now();
        self.conn().execute(
            "INSERT OR REPLACE INTO scenarios (name, toml, saved) VALUES (?1, ?2, ?3)",
            params![name, toml, saved],
        )?;
        Ok(Saved { name: name.to_string(), toml: toml.to_string(), saved })
    }

    /// Every saved scenario, by name.
    pub fn scenarios(&self) -> rusqlite::Result<Vec<Saved>> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT name, toml, saved FROM scenarios ORDER BY name")?;
        let rows =
            stmt.query_map([], |r| Ok(Saved { name: r.get(0)?, toml: r.get(1)?, saved: r.get(2)? }))?;
        rows.collect()
    }

    /// Deletes the saved scenario `name`; whether there was one.
    pub fn delete_scenario(&self, name: &str) -> rusqlite::Result<bool> {
        Ok(self.conn().execute("DELETE FROM scenarios WHERE name = ?1", params![name])? > 0)
    }
}

/// The first nine columns of a row as a [`Summary`].
fn summary(row: &rusqlite::Row<'_>) -> rusqlite::Result<Summary> {
    Ok(Summary {
        id: row.get(0)?,
        kind: Kind::parse(&row.get::<_, String>(1)?),
        status: Status::parse(&row.get::<_, String>(2)?),
        name: row.get(3)?,
        seed: row.get::<_, Option<i64>>(4)?.map(|s| s as u64),
        created: row.get(5)?,
        finished: row.get(6)?,
        headline: row.get(7)?,
        error: row.get(8)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A history written before the progress was kept gets its columns, and its
    /// unfinished entries are marked interrupted as of when they started.
    #[test]
    fn an_older_history_gets_the_progress_columns() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.sqlite3");
        {
            let old = Connection::open(&path).unwrap();
            old.execute_batch(
                "CREATE TABLE entries (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, status TEXT NOT NULL,
                    name TEXT NOT NULL, scenario TEXT NOT NULL, options TEXT NOT NULL, seed INTEGER,
                    created REAL NOT NULL, finished REAL, headline TEXT, error TEXT, result TEXT);
                 INSERT INTO entries (kind, status, name, scenario, options, created)
                    VALUES ('sweep', 'running', 'lunch', 'x', '{}', 1000.5);",
            )
            .unwrap();
        }
        let (history, marked) = History::open(&path).unwrap();
        assert_eq!(marked, 1);
        let entry = history.get(1).unwrap().unwrap();
        assert_eq!((entry.summary.status, entry.summary.finished), (Status::Interrupted, Some(1000.5)));
        assert!(entry.progress.is_none() && entry.result.is_none());
        let id = history.begin(Kind::Sweep, "lunch", "x", &serde_json::json!({}), None).unwrap();
        history.progress(id, r#"{"done":1,"total":2,"elapsed_s":0.25}"#).unwrap();
        assert_eq!(history.get(id).unwrap().unwrap().progress.unwrap()["elapsed_s"], 0.25);
    }

    /// While one studio holds the history, opening it again is refused at once,
    /// saying which file and what to do, and the holder's work under way is left
    /// alone (not taken for work a stopped studio left); once the holder lets go,
    /// the file opens, with what the holder recorded.
    #[test]
    fn a_history_held_by_one_studio_is_refused_to_another_until_it_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.sqlite3");
        let (first, _) = History::open(&path).unwrap();
        let id = first.begin(Kind::Run, "lunch", "x", &serde_json::json!({}), None).unwrap();
        let start = std::time::Instant::now();
        let Err(refused) = History::open(&path) else { panic!("a second history opened on a held file") };
        assert!(
            start.elapsed() < std::time::Duration::from_secs(1),
            "refused only after {:?}",
            start.elapsed()
        );
        assert!(matches!(refused, OpenError::InUse { .. }), "{refused:?}");
        assert_eq!(
            refused.to_string(),
            format!(
                "the history {} is in use by another studio (or another program has it open): \
                 stop that studio first, or start this one with another --db",
                path.display()
            )
        );
        assert_eq!(first.get(id).unwrap().unwrap().summary.status, Status::Running);
        let end = Ending {
            status: Status::Cancelled,
            headline: None,
            error: None,
            result: Some("{}"),
            files: &[],
            progress: None,
        };
        first.finish(id, &end).unwrap();
        drop(first);
        let (second, marked) = History::open(&path).unwrap();
        assert_eq!(marked, 0);
        assert_eq!(second.get(id).unwrap().unwrap().summary.status, Status::Cancelled);
    }
}
