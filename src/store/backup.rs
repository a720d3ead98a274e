//! `stroom backup`: a consistent copy through SQLite's online backup API, so
//! it is safe while other coordinators write.

use std::fs::OpenOptions;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;
use rusqlite::backup::Backup;

use super::{Result, Store};
use crate::domain::Msg;

impl Store {
    /// Copies the live database to `target` (which must not exist yet), a
    /// batch of pages at a time; `progress` hears (remaining, total) pages.
    pub fn backup_to(&self, target: &Path, progress: &mut dyn FnMut(i32, i32)) -> Result<()> {
        let shown = target.display().to_string();
        if target.exists() {
            return Err(Msg::new("error.backup_exists").arg("path", &shown));
        }
        if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
            if !parent.is_dir() {
                return Err(Msg::new("error.folder_missing").arg("path", parent.display()));
            }
        }
        // Create the file first so that it is the owner's alone from the start.
        OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(target)
            .map_err(|e| Msg::new("error.io").arg("path", &shown).arg("reason", e))?;
        let result = (|| -> Result<()> {
            let mut dst = Connection::open(target)?;
            // A backup of an encrypted database is encrypted with its key.
            if let Some(key) = &self.key {
                key.apply(&dst)?;
            }
            let backup = Backup::new(&self.conn, &mut dst)?;
            loop {
                let step = backup.step(256)?;
                let p = backup.progress();
                progress(p.remaining, p.pagecount);
                match step {
                    rusqlite::backup::StepResult::Done => break,
                    rusqlite::backup::StepResult::More => {}
                    // Another connection holds a lock: wait a little, go on.
                    _ => std::thread::sleep(Duration::from_millis(20)),
                }
            }
            drop(backup);
            // A backup is one self-contained file, not a WAL pair.
            dst.pragma_update(None, "journal_mode", "DELETE")?;
            Ok(())
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(target);
        }
        result
    }
}
