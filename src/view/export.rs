//! Exports: a run's events as JSON Lines (`--events`) and as CSV tables (`--csv`).
//! The schemas are documented in `docs/exports.md`.
//!
//! Both exports are [`Sink`]s that write as the run goes, through buffers, and hold
//! only what is still in the kitchen, so memory stays flat however long the run.
//! Every regular file is written to a temporary file beside it
//! (`.NAME.cafe-tmp-XXXXXX`) and renamed into place by `finish`, so a file is there
//! complete or not at all (a symbolic link is followed: the file it points to is
//! written so; a device, a FIFO or `/dev/stdout` is written in place, as `tee`
//! would, and never replaced):
//!
//! * call `finish` when the run ends, normally or stopped early (Ctrl-C): it writes
//!   everything received so far and renames the files into place;
//! * an export dropped without `finish` (a write error, a panic, a run that is
//!   refused at its end) removes its temporary files and leaves any existing file
//!   untouched. (The `--csv` directory it created stays; [`missing_dirs`] tells a
//!   caller which it will create, to remove them again.)
//!
//! [`AtomicFile`] does the same for a file written in one go (a report): created
//! before the work, so that a path that cannot be written is found at once, and
//! written when the work is done. Messages name the path as given, never the
//! temporary file.
//!
//! A write error during the run is remembered (see `error`); writing stops and
//! `finish` returns it. Every error names the file or directory it is about.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::event::{Event, Sink};
use crate::model::Scenario;
use crate::time::{TICKS_PER_SECOND, Ticks};

use super::json::EventRecord;
use super::rows::{EVENT_HEADER, EventRow, OrderRow, Rows, STEP_HEADER, StepRow, Tabulator, order_header};

/// Buffer size of each output file.
const BUFFER: usize = 64 * 1024;

/// `path: error`, keeping the error's kind.
fn with_path(path: &Path, e: impl std::fmt::Display + Into<io::Error>) -> io::Error {
    let message = format!("{}: {e}", path.display());
    io::Error::new(e.into().kind(), message)
}

/// `e` without what the `tempfile` crate adds to its errors (` at path
/// "DIR/.NAME.cafe-tmp-XXXXXX"`): a message names the user's path, not the temporary
/// file's.
fn without_temporary_name(e: io::Error) -> io::Error {
    let text = e.to_string();
    match text.find(" at path \"") {
        Some(at) if e.get_ref().is_some() => io::Error::new(e.kind(), text[..at].to_string()),
        _ => e,
    }
}

/// Where an export's bytes go.
#[derive(Debug)]
enum Dest {
    /// A regular file (or none yet): written to a temporary file beside it,
    /// `.NAME.cafe-tmp-XXXXXX`, then renamed onto it.
    Atomic(PathBuf),
    /// Anything else (a device such as `/dev/null`, a FIFO, `/dev/stdout`): written
    /// in place, as `tee` would; never replaced.
    Direct(PathBuf),
}

/// Follows `path`'s symbolic links (so a link is written through, not replaced) to
/// decide how to write it.
fn destination(path: &Path) -> io::Result<Dest> {
    let mut p = path.to_path_buf();
    // As many links as Linux follows.
    for _ in 0..40 {
        let meta = match fs::symlink_metadata(&p) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Dest::Atomic(p)),
            Err(e) => return Err(with_path(path, e)),
        };
        let kind = meta.file_type();
        if kind.is_symlink() {
            let target = fs::read_link(&p).map_err(|e| with_path(path, e))?;
            // `/dev/stdout` → `/proc/self/fd/1`: a file descriptor, not a place.
            if target.starts_with("/proc/") || target.starts_with("/dev/fd/") {
                return Ok(Dest::Direct(path.to_path_buf()));
            }
            p = match p.parent() {
                Some(dir) => dir.join(target),
                None => target,
            };
        } else if kind.is_dir() {
            return Err(with_path(path, io::Error::new(io::ErrorKind::IsADirectory, "is a directory")));
        } else if kind.is_file() {
            return Ok(Dest::Atomic(p));
        } else {
            return Ok(Dest::Direct(p));
        }
    }
    Err(with_path(path, io::Error::other("too many levels of symbolic links")))
}

/// The temporary files not yet renamed into place or removed, for
/// [`remove_temporary_files`].
static TEMPORARIES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn temporaries() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    TEMPORARIES.lock().unwrap_or_else(|e| e.into_inner())
}

/// Files finished but not yet put in place, once [`hold_commits`] was called: each
/// temporary file (still in [`TEMPORARIES`]), its target and the path as given.
/// Always locked before `TEMPORARIES` when both are.
static HELD: Mutex<Option<Vec<Held>>> = Mutex::new(None);

type Held = (tempfile::TempPath, PathBuf, PathBuf);

fn held() -> std::sync::MutexGuard<'static, Option<Vec<Held>>> {
    HELD.lock().unwrap_or_else(|e| e.into_inner())
}

/// From now on, in this process, a finished file is not renamed into place at once:
/// it waits, complete and synced, until [`commit_held`] puts every waiting file in
/// place in one step, which [`remove_temporary_files`] waits for. So a process that
/// ends at once (the command, on a second Ctrl-C) leaves either all of its files or
/// none of them, never a new `orders.csv` beside an old `events.csv`.
pub fn hold_commits() {
    held().get_or_insert_with(Vec::new);
}

/// Puts every file held since [`hold_commits`] in place, in the order they were
/// finished, and syncs their directories; the first error, naming its file, is
/// returned (the others are still put in place). Nothing to do without
/// `hold_commits`.
pub fn commit_held() -> io::Result<()> {
    let mut held = held();
    let Some(files) = held.as_mut() else { return Ok(()) };
    let mut first = Ok(());
    let mut dirs: Vec<PathBuf> = Vec::new();
    for (temp, target, path) in files.drain(..) {
        let temp_path = temp.to_path_buf();
        let renamed = temp.persist(&target).map_err(|e| with_path(&path, without_temporary_name(e.error)));
        temporaries().retain(|p| *p != temp_path);
        match renamed {
            Ok(_) => {
                dirs.extend(target.parent().filter(|d| !dirs.iter().any(|x| x == d)).map(Path::to_path_buf))
            }
            Err(e) => first = first.and(Err(e)),
        }
    }
    dirs.iter().for_each(|dir| sync_dir(dir));
    first
}

/// Removes every temporary export file this process has open, held ones included
/// (after a [`commit_held`] under way, which puts them all in place first), and the
/// directories made for the exports that are left empty ([`remove_if_left_empty`]), for a
/// caller about to end the process without unwinding (the command, on a second
/// Ctrl-C). Exports whose files are removed can no longer be finished.
pub fn remove_temporary_files() {
    let mut held = held();
    if let Some(files) = held.as_mut() {
        // Their paths are in the list below too: forget them rather than delete twice.
        files.drain(..).for_each(|(temp, ..)| drop(temp.keep()));
    }
    for path in temporaries().drain(..) {
        let _ = fs::remove_file(path);
    }
    // Deepest first: one that is not empty stays, and so do its parents.
    for dir in MADE_DIRS.lock().unwrap_or_else(|e| e.into_inner()).drain(..) {
        let _ = fs::remove_dir(dir);
    }
}

/// Directories this process made for its exports, deepest first, that
/// [`remove_temporary_files`] removes again if nothing was put in them.
static MADE_DIRS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// `dirs` (as [`missing_dirs`] lists them, deepest first) are about to be made for
/// this process's exports: a process that ends at once ([`remove_temporary_files`])
/// removes each of them again that is empty, so that a command that quits leaves no
/// empty `--csv` directory behind.
pub fn remove_if_left_empty(dirs: &[PathBuf]) {
    MADE_DIRS.lock().unwrap_or_else(|e| e.into_inner()).extend_from_slice(dirs);
}

/// Syncs directory `dir` so that a rename in it is durable (best effort: some file
/// systems cannot sync a directory).
fn sync_dir(dir: &Path) {
    if dir.as_os_str().is_empty() {
        return;
    }
    if let Ok(dir) = File::open(dir) {
        let _ = dir.sync_all();
    }
}

/// The file an export writes, put in place by [`Staged::commit`]: for a regular
/// file, a temporary file beside it, renamed onto it by `commit` and removed if
/// dropped before that; for anything else, the target itself.
struct Staged {
    /// The path as given, for messages.
    path: PathBuf,
    /// The temporary file and the file it replaces, for an atomic write.
    temp: Option<(tempfile::TempPath, PathBuf)>,
}

impl Staged {
    /// Creates the file to write for `path`; its directory must exist.
    fn create(path: &Path) -> io::Result<(Staged, File)> {
        if path.file_name().is_none() {
            return Err(with_path(path, io::Error::new(io::ErrorKind::InvalidInput, "not a file name")));
        }
        let target = match destination(path)? {
            Dest::Direct(target) => {
                let file = OpenOptions::new().write(true).open(&target).map_err(|e| with_path(path, e))?;
                return Ok((Staged { path: path.to_path_buf(), temp: None }, file));
            }
            Dest::Atomic(target) => target,
        };
        let (dir, name) = match (target.parent(), target.file_name()) {
            (Some(d), Some(n)) if !d.as_os_str().is_empty() => (d, n),
            (_, Some(n)) => (Path::new("."), n),
            _ => return Err(with_path(path, io::Error::new(io::ErrorKind::InvalidInput, "not a file name"))),
        };
        let mut prefix = std::ffi::OsString::from(".");
        prefix.push(name);
        prefix.push(TEMP_MARK);
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).rand_bytes(6);
        // Like any new file: read-write for all, less the umask (not tempfile's 0600).
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let mut list = temporaries();
        let created = builder.tempfile_in(dir).map_err(|e| with_path(path, without_temporary_name(e)))?;
        let (file, temp) = created.into_parts();
        list.push(temp.to_path_buf());
        Ok((Staged { path: path.to_path_buf(), temp: Some((temp, target)) }, file))
    }

    /// Makes `file`'s contents durable before the rename (a device or a FIFO, written
    /// in place, has nothing to sync).
    fn sync(&self, file: &File) -> io::Result<()> {
        if self.temp.is_some() { file.sync_all() } else { Ok(()) }
    }

    /// Puts the file in place: renames the temporary file onto the target, replacing
    /// any file there, and syncs the directory so that the rename is durable; or,
    /// after [`hold_commits`], leaves that to [`commit_held`].
    fn commit(mut self) -> io::Result<()> {
        let Some((temp, target)) = self.temp.take() else { return Ok(()) };
        if let Some(files) = held().as_mut() {
            files.push((temp, target, self.path.clone()));
            return Ok(());
        }
        let temp_path = temp.to_path_buf();
        let result =
            temp.persist(&target).map_err(|e| with_path(&self.path, without_temporary_name(e.error)));
        temporaries().retain(|p| *p != temp_path);
        result?;
        if let Some(dir) = target.parent() {
            sync_dir(dir);
        }
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if let Some((temp, _)) = self.temp.take() {
            let temp_path = temp.to_path_buf();
            drop(temp);
            temporaries().retain(|p| *p != temp_path);
        }
    }
}

/// What the name of every temporary export file has after the target's name:
/// `.orders.csv.cafe-tmp-XXXXXX`. One left behind by a killed run can be removed.
pub const TEMP_MARK: &str = ".cafe-tmp-";

/// Writes `contents` to `path` completely or not at all: to a temporary file beside
/// it, synced, then renamed into place (see `Staged`; a device or a FIFO is written
/// in place).
pub fn write_atomically(path: &Path, contents: &[u8]) -> io::Result<()> {
    AtomicFile::create(path)?.write(contents)
}

/// A file to be written completely or not at all, created before what goes in it is
/// known: [`AtomicFile::create`] makes its temporary file beside `path` at once (so a
/// path that cannot be written is an error before any work is done), and
/// [`AtomicFile::write`] writes it and renames it into place. Dropped unwritten, it
/// removes its temporary file and leaves any file at `path` as it was. A device or a
/// FIFO is opened at once and written in place.
///
/// ```
/// use async_cafe::view::export::AtomicFile;
///
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("report.html");
/// let file = AtomicFile::create(&path).unwrap();
/// assert!(!path.exists());
/// file.write(b"<html></html>").unwrap();
/// assert_eq!(std::fs::read(&path).unwrap(), b"<html></html>");
/// assert!(AtomicFile::create(&dir.path().join("missing/report.html")).is_err());
/// ```
pub struct AtomicFile {
    staged: Staged,
    file: File,
}

impl AtomicFile {
    /// Creates the temporary file for `path` (its directory must exist). The error
    /// names `path` and says what is wrong with it.
    pub fn create(path: impl AsRef<Path>) -> io::Result<AtomicFile> {
        let (staged, file) = Staged::create(path.as_ref())?;
        Ok(AtomicFile { staged, file })
    }

    /// The path as given.
    pub fn path(&self) -> &Path {
        &self.staged.path
    }

    /// Writes `contents`, syncs them and puts the file in place.
    pub fn write(self, contents: &[u8]) -> io::Result<()> {
        let AtomicFile { staged, file } = self;
        let mut w = BufWriter::new(file);
        w.write_all(contents).map_err(|e| with_path(&staged.path, e))?;
        flush_and_sync(&mut w, &staged)?;
        drop(w);
        staged.commit()
    }
}

/// Checks that a file can be written at `path` as an export or a report would write
/// it, without writing it: for a regular file (or none yet), a temporary file is made
/// beside it and removed again; a device or a FIFO is not opened (opening a FIFO
/// waits for its reader, and closing it would end what the reader reads). The error
/// names `path` and says what is wrong, as creating the file would. For a caller that
/// says every problem with its output paths at once, before any work.
pub fn check_writable(path: &Path) -> io::Result<()> {
    match destination(path)? {
        Dest::Atomic(_) => Staged::create(path).map(drop),
        Dest::Direct(_) => Ok(()),
    }
}

/// The directories from `dir` up that do not exist yet, deepest first: those
/// creating `dir` (as [`CsvExport::create`] does) would make, for a caller to remove
/// again if nothing was put in them (`cafe run --csv` after a run that fails). An
/// error, naming the path, if `dir` is there but is not a directory (a file, a
/// device).
///
/// ```
/// use async_cafe::view::export::missing_dirs;
///
/// let dir = tempfile::tempdir().unwrap();
/// let day = dir.path().join("runs/day");
/// assert_eq!(missing_dirs(&day).unwrap(), [day.clone(), dir.path().join("runs")]);
/// assert!(missing_dirs(dir.path()).unwrap().is_empty());
/// ```
pub fn missing_dirs(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut missing = Vec::new();
    let mut p = dir;
    loop {
        match fs::metadata(p) {
            Ok(meta) if meta.is_dir() => return Ok(missing),
            Ok(_) => {
                let e = io::Error::new(io::ErrorKind::NotADirectory, "is not a directory");
                return Err(with_path(p, e));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                missing.push(p.to_path_buf());
                match p.parent() {
                    Some(parent) if !parent.as_os_str().is_empty() => p = parent,
                    _ => return Ok(missing),
                }
            }
            Err(e) => return Err(with_path(dir, e)),
        }
    }
}

/// Creates the directory `dir` and its missing parents, like
/// [`std::fs::create_dir_all`], with errors that name `dir` and say when it is there
/// but is not a directory (`cafe show --to FILE`).
pub fn create_dir_all(dir: &Path) -> io::Result<()> {
    missing_dirs(dir)?;
    fs::create_dir_all(dir).map_err(|e| with_path(dir, e))
}

/// Flushes `w`, then makes the file's contents durable before it is renamed.
fn flush_and_sync(w: &mut BufWriter<File>, staged: &Staged) -> io::Result<()> {
    w.flush().and_then(|()| staged.sync(w.get_ref())).map_err(|e| with_path(&staged.path, e))
}

/// `--events FILE`: one engine event per line, each the JSON object the JSON report
/// has in its `events`.
pub struct EventsExport<'s> {
    sc: &'s Scenario,
    out: BufWriter<File>,
    staged: Staged,
    failed: Option<io::Error>,
}

impl<'s> EventsExport<'s> {
    /// Starts the export of a run of `sc` to `path` (written in place by
    /// [`EventsExport::finish`]). Its directory must exist.
    pub fn create(sc: &'s Scenario, path: impl AsRef<Path>) -> io::Result<Self> {
        let (staged, file) = Staged::create(path.as_ref())?;
        Ok(EventsExport { sc, out: BufWriter::with_capacity(BUFFER, file), staged, failed: None })
    }

    /// The first write error, if any: writing has stopped and `finish` will return it.
    pub fn error(&self) -> Option<&io::Error> {
        self.failed.as_ref()
    }

    /// Writes out every event received so far and puts the file in place. Call it when
    /// the run ends, whether it finished or was stopped. On error nothing is put in
    /// place (an existing file is left as it was).
    pub fn finish(mut self) -> io::Result<()> {
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        flush_and_sync(&mut self.out, &self.staged)?;
        let EventsExport { out, staged, .. } = self;
        drop(out);
        staged.commit()
    }
}

impl Sink for EventsExport<'_> {
    fn event(&mut self, event: &Event<'_>) {
        if self.failed.is_some() {
            return;
        }
        let rec = EventRecord::of(self.sc, event);
        let result = serde_json::to_writer(&mut self.out, &rec)
            .map_err(io::Error::from)
            .and_then(|()| self.out.write_all(b"\n"));
        if let Err(e) = result {
            self.failed = Some(with_path(&self.staged.path, e));
        }
    }
}

/// Seconds as an exact decimal: `4.0`, `0.25`, `12.000000001`.
fn secs(t: Ticks) -> String {
    let (whole, frac) = (t / TICKS_PER_SECOND, t % TICKS_PER_SECOND);
    let mut s = format!("{whole}.{frac:09}");
    while s.ends_with('0') && !s.ends_with(".0") {
        s.pop();
    }
    s
}

fn opt_secs(t: Option<Ticks>) -> String {
    t.map(secs).unwrap_or_default()
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// One CSV file being written.
struct Table {
    out: csv::Writer<File>,
    staged: Staged,
}

impl Table {
    fn create(path: PathBuf, header: &[String]) -> io::Result<Table> {
        let (staged, file) = Staged::create(&path)?;
        let mut out = csv::WriterBuilder::new().buffer_capacity(BUFFER).from_writer(file);
        out.write_record(header).map_err(|e| with_path(&path, e))?;
        Ok(Table { out, staged })
    }

    fn row<I, F>(&mut self, record: I) -> io::Result<()>
    where
        I: IntoIterator<Item = F>,
        F: AsRef<[u8]>,
    {
        self.out.write_record(record).map_err(|e| with_path(&self.staged.path, e))
    }

    fn flush_and_sync(&mut self) -> io::Result<()> {
        let staged = &self.staged;
        self.out
            .flush()
            .and_then(|()| staged.sync(self.out.get_ref()))
            .map_err(|e| with_path(&staged.path, e))
    }
}

/// `--csv DIR`: `orders.csv`, `steps.csv` and `events.csv`, their rows worked out by
/// the tabulator of `view::rows` (shared with the columnar view, `view::columns`).
pub struct CsvExport<'s> {
    rows: Tabulator<'s>,
    tables: CsvTables<'s>,
    failed: Option<io::Error>,
}

/// The three files being written.
struct CsvTables<'s> {
    sc: &'s Scenario,
    orders: Table,
    steps: Table,
    events: Table,
}

/// The file names `CsvExport` writes in its directory.
pub const CSV_FILES: [&str; 3] = ["orders.csv", "steps.csv", "events.csv"];

impl<'s> CsvExport<'s> {
    /// Starts the export of a run of `sc` to `dir` (created if missing; a path there
    /// that is not a directory is an error that says so). The files are put in place
    /// by [`CsvExport::finish`].
    pub fn create(sc: &'s Scenario, dir: impl AsRef<Path>) -> io::Result<Self> {
        let dir = dir.as_ref();
        create_dir_all(dir)?;
        let strings = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let orders = Table::create(dir.join(CSV_FILES[0]), &order_header(sc))?;
        let steps = Table::create(dir.join(CSV_FILES[1]), &strings(&STEP_HEADER))?;
        let events = Table::create(dir.join(CSV_FILES[2]), &strings(&EVENT_HEADER))?;
        Ok(CsvExport {
            rows: Tabulator::new(sc),
            tables: CsvTables { sc, orders, steps, events },
            failed: None,
        })
    }

    /// The first write error, if any: writing has stopped and `finish` will return it.
    pub fn error(&self) -> Option<&io::Error> {
        self.failed.as_ref()
    }

    /// Writes out everything received so far and puts the three files in place. Call
    /// it when the run ends, whether it finished or was stopped: orders not served yet
    /// get a row with empty served times, steps not finished a row with empty finish
    /// times. On error none of the files is put in place.
    pub fn finish(mut self) -> io::Result<()> {
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        self.rows.finish(&mut self.tables)?;
        let CsvTables { mut orders, mut steps, mut events, .. } = self.tables;
        orders.flush_and_sync()?;
        steps.flush_and_sync()?;
        events.flush_and_sync()?;
        let mut staged = Vec::new();
        for table in [orders, steps, events] {
            drop(table.out);
            staged.push(table.staged);
        }
        for s in staged {
            s.commit()?;
        }
        Ok(())
    }
}

impl<'s> Rows<'s> for CsvTables<'s> {
    fn order(&mut self, row: &OrderRow<'_, 's>) -> io::Result<()> {
        let sc = self.sc;
        let customer = match row.customer {
            Some(name) => name.to_string(),
            None => format!("Customer {}", row.id),
        };
        let mut fields = vec![row.id.to_string(), customer, sc.menu.items[row.item as usize].name.clone()];
        let options = sc.menu.options.iter().zip(row.options);
        fields.extend(options.map(|(o, &v)| o.values[v as usize].clone()));
        fields.extend([
            secs(row.arrived),
            secs(row.taken),
            opt_secs(row.first_step),
            opt_secs(row.served),
            opt_secs(row.wait),
            opt_secs(row.time_in_system),
            secs(row.longest_chain),
            opt_secs(row.above_chain),
            row.outcome.unwrap_or_default().to_string(),
            opt_secs(row.gone),
            opt_secs(row.waits.map(|w| w.door)),
            opt_secs(row.waits.map(|w| w.cook)),
            opt_secs(row.waits.map(|w| w.equipment)),
            opt_secs(row.waits.map(|w| w.event_loop)),
            opt_secs(row.waits.map(|w| w.loop_start)),
        ]);
        self.orders.row(&fields)
    }

    fn step(&mut self, row: &StepRow) -> io::Result<()> {
        let sc = self.sc;
        let s = &sc.recipe_of(row.item).steps[row.step as usize];
        self.steps.row([
            row.order.to_string(),
            sc.menu.items[row.item as usize].name.clone(),
            s.name.clone(),
            s.kind.name().to_string(),
            s.uses.map(|e| sc.kitchen.equipment[e as usize].name.clone()).unwrap_or_default(),
            opt(row.cook),
            opt_secs(row.queued),
            opt_secs(row.started),
            opt_secs(row.finished),
            opt_secs(row.duration),
            secs(row.drawn),
        ])
    }

    fn event(&mut self, row: &EventRow<'s>) -> io::Result<()> {
        let rec = &row.rec;
        self.events.row([
            secs(row.t),
            rec.kind.to_string(),
            opt(rec.order),
            rec.step.unwrap_or_default().to_string(),
            opt(rec.cook),
            rec.equipment.unwrap_or_default().to_string(),
            opt_secs(row.elapsed),
            opt(rec.served),
        ])
    }
}

impl Sink for CsvExport<'_> {
    fn event(&mut self, event: &Event<'_>) {
        if self.failed.is_some() {
            return;
        }
        if let Err(e) = self.rows.event(event, &mut self.tables) {
            self.failed = Some(e);
        }
    }
}

/// Both exports, each optional: what `--events` and `--csv` ask for, as one sink.
#[derive(Default)]
pub struct Exports<'s> {
    /// The events as JSON lines (`--events`); `None` when not asked for.
    pub events: Option<EventsExport<'s>>,
    /// The CSV tables (`--csv`); `None` when not asked for.
    pub csv: Option<CsvExport<'s>>,
}

impl<'s> Exports<'s> {
    /// Starts the exports asked for: `--events FILE` and `--csv DIR`.
    pub fn create(sc: &'s Scenario, events: Option<&Path>, csv: Option<&Path>) -> io::Result<Self> {
        Ok(Exports {
            events: events.map(|p| EventsExport::create(sc, p)).transpose()?,
            csv: csv.map(|d| CsvExport::create(sc, d)).transpose()?,
        })
    }

    /// Whether there is anything to export.
    pub fn is_empty(&self) -> bool {
        self.events.is_none() && self.csv.is_none()
    }

    /// The first write error of either export.
    pub fn error(&self) -> Option<&io::Error> {
        self.events.as_ref().and_then(|e| e.error()).or_else(|| self.csv.as_ref().and_then(|c| c.error()))
    }

    /// Finishes both (see [`EventsExport::finish`] and [`CsvExport::finish`]); the
    /// first error is returned, and each export is finished or discarded regardless.
    pub fn finish(self) -> io::Result<()> {
        let a = self.events.map(EventsExport::finish).transpose();
        let b = self.csv.map(CsvExport::finish).transpose();
        a.and(b).map(|_| ())
    }
}

impl Sink for Exports<'_> {
    fn event(&mut self, event: &Event<'_>) {
        if let Some(e) = &mut self.events {
            e.event(event);
        }
        if let Some(c) = &mut self.csv {
            c.event(event);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where each kind of path is written: a file (there or not) atomically, a
    /// link through to its target, anything else in place.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_path_is_written_where_it_leads_and_never_replaced_by_another_kind() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let atomic = |p: &Path| match destination(p).unwrap() {
            Dest::Atomic(t) => t,
            Dest::Direct(t) => panic!("{} written in place at {}", p.display(), t.display()),
        };
        fs::create_dir(d.join("sub")).unwrap();
        fs::write(d.join("sub/file"), "").unwrap();
        assert_eq!(atomic(&d.join("new")), d.join("new"));
        assert_eq!(atomic(&d.join("sub/file")), d.join("sub/file"));
        // Relative links, a chain of two, and a link to nothing yet.
        symlink("sub/file", d.join("one")).unwrap();
        symlink("one", d.join("two")).unwrap();
        symlink("sub/later", d.join("dangling")).unwrap();
        assert_eq!(atomic(&d.join("two")), d.join("sub/file"));
        assert_eq!(atomic(&d.join("dangling")), d.join("sub/later"));
        // A loop is an error, and so is a directory.
        symlink("loop", d.join("loop")).unwrap();
        assert!(destination(&d.join("loop")).unwrap_err().to_string().contains("too many levels"));
        assert!(destination(&d.join("sub")).unwrap_err().to_string().ends_with("is a directory"));
        for place in ["/dev/null", "/dev/stdout", "/dev/stderr"] {
            assert!(matches!(destination(Path::new(place)), Ok(Dest::Direct(_))), "{place}");
        }
        // A temporary file is named for its target, and gone once committed.
        let (staged, _file) = Staged::create(&d.join("two")).unwrap();
        let temp = staged.temp.as_ref().unwrap().0.to_path_buf();
        assert!(temp.file_name().unwrap().to_str().unwrap().starts_with(".file.cafe-tmp-"), "{temp:?}");
        assert_eq!(temp.parent(), Some(d.join("sub").as_path()));
        assert!(temporaries().contains(&temp));
        staged.commit().unwrap();
        assert!(!temp.exists() && !temporaries().contains(&temp));
        assert!(fs::symlink_metadata(d.join("two")).unwrap().file_type().is_symlink());
    }

    /// Creating a directory says which it makes, and when a path there is not one;
    /// errors name the path as given, never the temporary file.
    #[test]
    fn a_file_is_not_a_directory_and_errors_name_the_path() {
        let sc = crate::builtin::find("cafe").unwrap().load().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        assert_eq!(missing_dirs(&d.join("a/b")).unwrap(), [d.join("a/b"), d.join("a")]);
        CsvExport::create(&sc, d.join("a/b")).unwrap().finish().unwrap();
        assert!(d.join("a/b/orders.csv").is_file());
        assert!(missing_dirs(&d.join("a/b")).unwrap().is_empty());
        fs::write(d.join("file"), "").unwrap();
        let e = CsvExport::create(&sc, d.join("file")).err().unwrap();
        assert_eq!(e.to_string(), format!("{}: is not a directory", d.join("file").display()));
        assert_eq!(create_dir_all(&d.join("file")).unwrap_err().kind(), io::ErrorKind::NotADirectory);
        let missing = d.join("missing/r.html");
        let e = AtomicFile::create(&missing).err().unwrap();
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
        assert!(e.to_string().starts_with(&format!("{}: ", missing.display())), "{e}");
        assert!(!e.to_string().contains(TEMP_MARK), "{e}");
        // Created at once, written later; dropped unwritten, it leaves nothing.
        let report = AtomicFile::create(d.join("r.html")).unwrap();
        assert_eq!(report.path(), d.join("r.html"));
        drop(report);
        assert!(!d.join("r.html").exists());
        assert_eq!(fs::read_dir(d).unwrap().count(), 2);
    }

    #[test]
    fn seconds_are_exact_decimals() {
        assert_eq!(secs(0), "0.0");
        assert_eq!(secs(4 * TICKS_PER_SECOND), "4.0");
        assert_eq!(secs(250_000_000), "0.25");
        assert_eq!(secs(12_000_000_001), "12.000000001");
        assert_eq!(secs(600 * TICKS_PER_SECOND + 100_000_000), "600.1");
    }

    /// A write error during the run stops writing; `finish` returns it, naming the
    /// file, and nothing is put in place.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_write_error_is_kept_and_nothing_is_put_in_place() {
        use crate::engine::{self, Mode, VirtualClock};
        let Ok(full) = OpenOptions::new().write(true).open("/dev/full") else { return };
        let sc = crate::builtin::find("coffee-shop").unwrap().load().unwrap();
        let dir = std::env::temp_dir().join(format!("cafe-export-unit-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("events.jsonl");
        let mut events = EventsExport::create(&sc, &path).unwrap();
        events.out = BufWriter::with_capacity(16, full);
        engine::run(&sc, Mode::Async, sc.seed, &mut VirtualClock, &mut events);
        let err = events.error().expect("the device is full");
        assert!(err.to_string().starts_with(&format!("{}: ", path.display())), "{err}");
        let err = events.finish().unwrap_err();
        assert!(err.to_string().contains(&path.display().to_string()));
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 0);
        fs::remove_dir_all(&dir).unwrap();
    }
}
