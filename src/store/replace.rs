//! Replacing every case at once (`stroom demo --force` over a live file).
//! The file itself is never replaced: the old cases are deleted and the new
//! ones written in one immediate transaction on the live database. So no
//! acknowledged write of another process can fall between a backup and a
//! swap, a UI left open goes on with the same file (it sees the change
//! through `data_version`), and the access log stays, with the replacement
//! in it.

use std::borrow::Borrow;
use std::path::Path;

use chrono::NaiveDate;
use rusqlite::{Connection, OpenFlags, Transaction};

use super::audit::{AccessAction, insert_access, now_utc};
use super::backup::backup_from;
use super::open::BUSY_TIMEOUT;
use super::write::CaseBundle;
use super::{Result, Store};

/// The tables a replacement empties; the access log and any other table
/// stay as they are.
const CASE_TABLES: [&str; 6] = [
    "episodes",
    "standing_reviews",
    "decisions",
    "reviews",
    "events",
    "cases",
];

/// What a replacement does besides writing the new cases.
pub struct Replacement<'a> {
    /// Where the copy of the old database goes (must not exist).
    pub backup: &'a Path,
    /// Who replaces it, for the access log.
    pub person: &'a str,
    /// The access log's detail (what replaced it, where the backup is).
    pub detail: &'a str,
}

impl Store {
    /// Backs up the database and replaces all its cases with `bundles`, as
    /// one step under the write lock.
    pub fn replace_cases<B: Borrow<CaseBundle>>(
        &mut self,
        bundles: impl IntoIterator<Item = B>,
        today: NaiveDate,
        actor: &str,
        replacement: &Replacement<'_>,
        progress: &mut dyn FnMut(usize),
    ) -> Result<usize> {
        let path = self.path.clone();
        let key = self.key.clone();
        let mut first = |tx: &Transaction| -> Result<()> {
            // Read through a second connection: with the write lock held on
            // ours, it sees exactly the data that is about to be replaced.
            let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
            let reader = Connection::open_with_flags(&path, flags)?;
            if let Some(key) = &key {
                key.apply(&reader)?;
            }
            reader.busy_timeout(BUSY_TIMEOUT)?;
            backup_from(&reader, key.as_ref(), replacement.backup, &mut |_, _| {})?;
            clear_cases(tx)
        };
        let mut last = |tx: &Transaction| -> Result<()> {
            let action = AccessAction::ReplaceDatabase;
            let (person, detail) = (replacement.person, Some(replacement.detail));
            insert_access(tx, &now_utc(), person, action, None, detail)
        };
        self.insert_in_one_transaction(bundles, today, actor, progress, (&mut first, &mut last))
    }

    /// How many cases hold work of people (an event not made by `generator`).
    pub fn count_cases_not_by(&self, generator: &str) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT count(DISTINCT case_id) FROM events WHERE actor <> ?1",
            [generator],
            |r| r.get(0),
        )?)
    }
}

/// Deletes every case with its history. The triggers that protect the
/// history from deletion (any that raise an error) are set aside for the
/// length of the transaction and created again as they were.
fn clear_cases(tx: &Transaction) -> Result<()> {
    let guards: Vec<(String, String)> = {
        let mut stmt = tx.prepare(
            "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' \
             AND tbl_name IN ('cases', 'events', 'reviews', 'decisions') AND sql LIKE '%RAISE(%'",
        )?;
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?
    };
    for (name, _) in &guards {
        tx.execute_batch(&format!("DROP TRIGGER \"{name}\""))?;
    }
    for table in CASE_TABLES {
        tx.execute_batch(&format!("DELETE FROM {table}"))?;
    }
    for (_, sql) in &guards {
        tx.execute_batch(sql)?;
    }
    Ok(())
}
