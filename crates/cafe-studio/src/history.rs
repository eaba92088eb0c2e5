//! The history: every run, comparison and sweep, kept in an SQLite file (WAL) with
//! its scenario text, options, seed and results.
//!
//! An entry is written as `running` before its work starts, and completed (`done`,
//! `failed` or `cancelled`) in one transaction after: a studio killed in between
//! leaves it `running`, and the next start ([`History::open`]) marks every such
//! entry `interrupted`. WAL keeps the file consistent through a kill at any moment.

use std::path::Path;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

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
    result TEXT
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
    /// The results (JSON), once done (or cancelled, for a sweep).
    pub result: Option<serde_json::Value>,
}

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
}

/// The history's database.
pub struct History {
    conn: Mutex<Connection>,
}

fn now() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64())
}

impl History {
    /// Opens (or creates) the history at `path`, its directory too, and marks every
    /// entry left `running` by a studio that stopped as `interrupted`; returns the
    /// history and how many it marked.
    pub fn open(path: &Path) -> rusqlite::Result<(History, usize)> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CANTOPEN),
                    Some(format!("cannot create {}: {e}", dir.display())),
                )
            })?;
        }
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.execute_batch(SCHEMA)?;
        let marked = conn.execute(
            "UPDATE entries SET status = 'interrupted', finished = ?1,
                 error = 'the studio stopped before it finished'
             WHERE status = 'running'",
            params![now()],
        )?;
        Ok((History { conn: Mutex::new(conn) }, marked))
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

    /// Records how the work of entry `id` ended, its files with it, in one
    /// transaction.
    pub fn finish(&self, id: i64, end: &Ending<'_>) -> rusqlite::Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "UPDATE entries SET status = ?2, finished = ?3, headline = ?4, error = ?5, result = ?6
             WHERE id = ?1",
            params![id, end.status.name(), now(), end.headline, end.error, end.result],
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
                    scenario, options, result
             FROM entries WHERE id = ?1",
            params![id],
            |row| {
                let json = |text: Option<String>| text.and_then(|t| serde_json::from_str(&t).ok());
                Ok(Entry {
                    summary: summary(row)?,
                    scenario: row.get(9)?,
                    options: json(row.get(10)?).unwrap_or_default(),
                    result: json(row.get(11)?),
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
