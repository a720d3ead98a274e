//! `stroom backup`: a consistent copy through SQLite's online backup API, so
//! it is safe while other coordinators write. The copy is made under a name
//! that says it is partial (`FILE.partial-PID`), checked (integrity, and the
//! same number of cases, events and access-log rows as the source at the
//! moment of the copy), and only then given its name. A killed backup leaves
//! a file called partial, never a broken file under the name asked for.

use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;
use rusqlite::backup::{Backup, StepResult};

use super::crypt::Key;
use super::{Result, Store};
use crate::domain::Msg;
use crate::outfile;

/// The tables whose row counts a backup must match.
const COUNTED: [&str; 3] = ["cases", "events", "access_log"];

impl Store {
    /// Copies the live database to `target` (which must not exist yet), a
    /// batch of pages at a time; `progress` hears (remaining, total) pages.
    pub fn backup_to(&self, target: &Path, progress: &mut dyn FnMut(i32, i32)) -> Result<()> {
        backup_from(&self.conn, self.key.as_ref(), target, progress)
    }
}

/// `Store::backup_to` from any connection to the database (the demo reads
/// through a second one while its own holds the write lock).
pub(super) fn backup_from(
    src: &Connection,
    key: Option<&Key>,
    target: &Path,
    progress: &mut dyn FnMut(i32, i32),
) -> Result<()> {
    let shown = target.display().to_string();
    if std::fs::symlink_metadata(target).is_ok() {
        return Err(Msg::new("error.backup_exists").arg("path", &shown));
    }
    outfile::target(target)?;
    let partial = outfile::temp_beside(target, "partial");
    outfile::create_private(&partial)
        .map_err(|e| Msg::new("error.io").arg("path", &shown).arg("reason", e))?;
    let result = copy_checked(src, key, &partial, progress)
        .and_then(|()| outfile::place_new(&partial, target));
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
        let mut journal = partial.clone().into_os_string();
        journal.push("-journal");
        let _ = std::fs::remove_file(journal);
    }
    result
}

/// The copy into `partial`, verified against the source's counts at the
/// snapshot it was taken from.
fn copy_checked(
    src: &Connection,
    key: Option<&Key>,
    partial: &Path,
    progress: &mut dyn FnMut(i32, i32),
) -> Result<()> {
    let mut dst = Connection::open(partial)?;
    // A backup of an encrypted database is encrypted with its key.
    if let Some(key) = key {
        key.apply(&dst)?;
    }
    // One read transaction on the source for the counts and every step:
    // the copy and the counts are of the same moment, while other
    // coordinators go on writing (WAL).
    src.execute_batch("BEGIN")?;
    let copied = (|| -> Result<[i64; 3]> {
        let counts = counts(src)?;
        copy(src, &mut dst, progress)?;
        Ok(counts)
    })();
    let _ = src.execute_batch("COMMIT");
    let expected = copied?;
    // A backup is one self-contained file, not a WAL pair.
    dst.pragma_update(None, "journal_mode", "DELETE")?;
    let integrity: String = dst.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    let found = counts(&dst)?;
    if integrity != "ok" || found != expected {
        return Err(Msg::new("error.backup_unverified")
            .arg("path", partial.display())
            .arg("expected", format!("{expected:?}"))
            .arg("found", format!("{found:?} {integrity}")));
    }
    dst.close().map_err(|(_, e)| e)?;
    std::fs::File::open(partial)
        .and_then(|f| f.sync_all())
        .map_err(|e| {
            Msg::new("error.io")
                .arg("path", partial.display())
                .arg("reason", e)
        })
}

fn counts(conn: &Connection) -> Result<[i64; 3]> {
    let mut out = [0; 3];
    for (n, table) in out.iter_mut().zip(COUNTED) {
        *n = conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
    }
    Ok(out)
}

fn copy(src: &Connection, dst: &mut Connection, progress: &mut dyn FnMut(i32, i32)) -> Result<()> {
    let backup = Backup::new(src, dst)?;
    loop {
        let step = backup.step(256)?;
        let p = backup.progress();
        progress(p.remaining, p.pagecount);
        match step {
            StepResult::Done => return Ok(()),
            StepResult::More => {}
            // Another connection holds a lock: wait a little, go on.
            _ => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}
