//! Opening a database: refuse what is not ours without touching it, create
//! new files readable by their owner only, set the pragmas, migrate.

use std::fs::{self, OpenOptions};
use std::io::Read;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use super::Result;
use super::crypt::{Key, SQLITE_MAGIC};
use super::schema::{self, APPLICATION_ID};
use crate::domain::Msg;

/// How to open a database: its key when encrypted, and the mode of a file
/// created new (0600 for one person, 0660 for a team's group).
#[derive(Debug, Clone)]
pub struct OpenSpec {
    pub key: Option<Key>,
    pub new_mode: u32,
    /// Said on standard error before the schema of an existing file is
    /// brought up to date: at country scale that takes a minute, and a
    /// silent terminal looks hung. None: nothing is said (a reopen under
    /// the UI, tests).
    pub upgrade_notice: Option<String>,
}

impl Default for OpenSpec {
    fn default() -> OpenSpec {
        OpenSpec {
            key: None,
            new_mode: 0o600,
            upgrade_notice: None,
        }
    }
}

/// How long a writer waits for another writer before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

pub fn open(path: &Path, spec: &OpenSpec) -> Result<Connection> {
    let shown = path.display().to_string();
    let folder = match path.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(parent) if !parent.is_dir() => {
            return Err(Msg::new("error.folder_missing").arg("path", parent.display()));
        }
        Some(parent) => parent,
        None => Path::new("."),
    };
    super::fs_kind::refuse_network(folder)?;
    let is_new = prepare_file(path, spec)?;
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = Connection::open_with_flags(path, flags).map_err(|e| {
        Msg::new("error.cannot_open")
            .arg("path", &shown)
            .arg("reason", e)
    })?;
    if let Some(key) = &spec.key {
        unlock(&conn, key, &shown)?;
    }
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // Every insert into the history computes its chain hash in SQLite.
    super::chain::register(&conn)?;
    if !is_new {
        check_identity(&conn, &shown)?;
    }
    if conn.is_readonly(rusqlite::MAIN_DB)? {
        return Err(Msg::new("error.read_only").arg("path", &shown));
    }
    // WAL lets readers (the UI, exports) go on while one process writes.
    // synchronous=FULL: an acknowledged change survives a power cut too.
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
    )?;
    migrate(&mut conn, spec.upgrade_notice.as_deref())?;
    refuse_wide_team_file(&conn, path)?;
    // A purge killed between its commit and its checkpoint is finished
    // before anything else happens.
    super::purge::finish_purge(&conn)?;
    Ok(conn)
}

/// Gives the key to an encrypted database. SQLCipher checks it on the first
/// read: a wrong one reads as "not a database", and nothing is written.
fn unlock(conn: &Connection, key: &Key, shown: &str) -> Result<()> {
    key.apply(conn)?;
    match conn.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(())) {
        Ok(()) => Ok(()),
        Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::NotADatabase) => {
            Err(Msg::new("crypt.wrong_key").arg("path", shown))
        }
        Err(e) => Err(Msg::from(e)),
    }
}

/// A team database is its group's (0660): stroom keeps that mode and never
/// widens it, and refuses one that others than the group can read.
fn refuse_wide_team_file(conn: &Connection, path: &Path) -> Result<()> {
    let team: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM settings WHERE key = 'team_group')",
        [],
        |r| r.get(0),
    )?;
    if !team {
        return Ok(());
    }
    let mode = fs::metadata(path)
        .map(|m| m.permissions().mode() & 0o777)
        .unwrap_or(0);
    if mode & 0o007 != 0 {
        return Err(Msg::new("team.mode_too_wide")
            .arg("path", path.display())
            .arg("mode", format!("{mode:o}")));
    }
    Ok(())
}

/// Opens an existing, already migrated database for reading only: the UI's
/// worker reads on its own connection while the UI's connection writes. The
/// file is never created or migrated here; a schema other than the latest is
/// refused (the writer migrates when it opens, so this means another
/// version of stroom is at work on the file). An encrypted file needs the
/// same key as the writer's; without it, or with another, it is refused in
/// one sentence.
pub fn open_read_only(path: &Path, key: Option<&Key>) -> Result<Connection> {
    let shown = path.display().to_string();
    if !fs::metadata(path).is_ok_and(|m| m.len() > 0) {
        return Err(Msg::new("error.cannot_open")
            .arg("path", &shown)
            .arg("reason", "no database"));
    }
    if key.is_none() && super::crypt::needs_key(path) {
        return Err(Msg::new("crypt.key_needed").arg("path", &shown));
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(|e| {
        Msg::new("error.cannot_open")
            .arg("path", &shown)
            .arg("reason", e)
    })?;
    if let Some(key) = key {
        unlock(&conn, key, &shown)?;
    }
    conn.busy_timeout(BUSY_TIMEOUT)?;
    check_identity(&conn, &shown)?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    // A newer schema was refused by check_identity; an older one has not
    // been migrated yet, and its tables are not what the queries expect.
    if version < schema::latest_version() {
        return Err(Msg::new("error.cannot_open")
            .arg("path", &shown)
            .arg("reason", format!("schema {version}, not yet migrated")));
    }
    Ok(conn)
}

/// Before `stroom check`: whether `path` holds a stroom database at all,
/// looked at without creating, migrating or recovering anything. A missing
/// or empty file, another program's file, or one left with a rollback
/// journal beside it (a killed backup, say) is said to be so, instead of
/// being made into an empty database that checks out fine.
pub fn check_holds_data(path: &Path, spec: &OpenSpec) -> Result<()> {
    let shown = path.display().to_string();
    // The name a backup has until it is complete and checked: whatever is
    // in it, it is the leftover of a backup that did not finish.
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    if name.contains(".partial-") {
        return Err(Msg::new("check.partial_backup").arg("path", &shown));
    }
    let mut journal = path.as_os_str().to_owned();
    journal.push("-journal");
    if fs::metadata(&journal).is_ok_and(|m| m.len() > 0) {
        return Err(Msg::new("check.unfinished")
            .arg("path", &shown)
            .arg("journal", Path::new(&journal).display()));
    }
    let no_data = || Msg::new("check.no_data").arg("path", &shown);
    if !fs::metadata(path).is_ok_and(|m| m.len() > 0) {
        return Err(no_data());
    }
    prepare_file(path, spec)?;
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(|_| no_data())?;
    if let Some(key) = &spec.key {
        unlock(&conn, key, &shown)?;
    }
    let app_id: i64 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if app_id != APPLICATION_ID || version == 0 {
        return Err(no_data());
    }
    Ok(())
}

/// Makes sure a file that exists is an SQLite file, and creates a missing
/// one readable by its owner only (SQLite gives its WAL the same mode).
/// Returns whether the database is new (no file, or an empty one).
fn prepare_file(path: &Path, spec: &OpenSpec) -> Result<bool> {
    let shown = path.display().to_string();
    match fs::metadata(path) {
        Ok(meta) if meta.len() > 0 => {
            let mut head = [0u8; 16];
            let read = fs::File::open(path)
                .and_then(|mut f| f.read_exact(&mut head))
                .map_err(|e| {
                    Msg::new("error.cannot_open")
                        .arg("path", &shown)
                        .arg("reason", e)
                });
            // Without its header the file is encrypted or no database;
            // with a key, SQLCipher tells which.
            if read.is_err() || (&head != SQLITE_MAGIC && spec.key.is_none()) {
                return Err(Msg::new("error.not_sqlite").arg("path", &shown));
            }
            // A file its owner made read-only stays untouched, also for a
            // user (root, a backup service) whom the system would let write.
            if meta.permissions().mode() & 0o200 == 0 {
                return Err(Msg::new("error.read_only").arg("path", &shown));
            }
            Ok(false)
        }
        Ok(meta) => {
            if meta.permissions().readonly() {
                return Err(Msg::new("error.read_only").arg("path", &shown));
            }
            fs::set_permissions(path, fs::Permissions::from_mode(spec.new_mode)).map_err(|e| {
                Msg::new("error.cannot_open")
                    .arg("path", &shown)
                    .arg("reason", e)
            })?;
            Ok(true)
        }
        Err(_) => {
            let file = OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(spec.new_mode)
                .open(path)
                .map_err(|e| {
                    Msg::new("error.cannot_open")
                        .arg("path", &shown)
                        .arg("reason", e)
                })?;
            // The umask may have taken the group's bits off a team file.
            file.set_permissions(fs::Permissions::from_mode(spec.new_mode))
                .map_err(|e| {
                    Msg::new("error.cannot_open")
                        .arg("path", &shown)
                        .arg("reason", e)
                })?;
            Ok(true)
        }
    }
}

/// Refuses another program's database, or one from a newer stroom, before
/// anything is written to it.
fn check_identity(conn: &Connection, shown: &str) -> Result<()> {
    let app_id: i64 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
    if app_id != APPLICATION_ID && !(app_id == 0 && tables == 0) {
        return Err(Msg::new("error.not_stroom").arg("path", shown));
    }
    if version > schema::latest_version() {
        return Err(Msg::new("error.newer_schema")
            .arg("path", shown)
            .arg("found", version)
            .arg("known", schema::latest_version()));
    }
    Ok(())
}

/// Brings the schema up to date in one transaction. A migration that
/// rebuilds a table others refer to needs foreign keys off while it runs
/// (SQLite's procedure for changing a table); they are checked before commit
/// and switched on again.
fn migrate(conn: &mut Connection, notice: Option<&str>) -> Result<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current >= schema::latest_version() {
        return Ok(());
    }
    // A new file (version 0) is made in a moment; an existing one may hold
    // a country's history.
    if let Some(notice) = notice.filter(|_| current > 0) {
        eprintln!("{notice}");
    }
    conn.pragma_update(None, "foreign_keys", false)?;
    let result = migrate_in_transaction(conn);
    conn.pragma_update(None, "foreign_keys", true)?;
    result
}

fn migrate_in_transaction(conn: &mut Connection) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let current: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let migrations = schema::migrations();
    for (i, sql) in migrations.iter().enumerate().skip(current as usize) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        if i == schema::episodes_migration() {
            super::episode_rows::rebuild_all(&tx)?;
        }
        if i == schema::standing_migration() {
            super::standing::rebuild_all(&tx)?;
        }
    }
    if current == 0 {
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    }
    let dangling: i64 = tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
        r.get(0)
    })?;
    if dangling > 0 {
        return Err(Msg::new("error.database").arg("reason", "foreign keys broken by a migration"));
    }
    tx.commit()?;
    Ok(())
}
