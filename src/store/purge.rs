//! Retention: the names and birth dates of cases closed long enough ago are
//! removed for good. Everything else stays (pseudonymised facts: reference,
//! dates, codes, history), so the flow figures do not change. Names and
//! birth dates live only on the `cases` row, never in the append-only
//! history, which is what makes this possible.

use chrono::NaiveDate;
use rusqlite::{TransactionBehavior, params};

use super::audit::{AccessAction, insert_access, now_utc};
use super::{Result, Store};
use crate::domain::lifecycle::check_not_future;

const CANDIDATES: &str = "FROM cases WHERE stage = 'closed' AND closed_on < ?1 \
     AND (name IS NOT NULL OR birth_date IS NOT NULL)";

impl Store {
    /// The references of the closed cases whose personal data a purge of
    /// `closed_before` would remove, in reference order.
    pub fn purge_candidates(&self, closed_before: NaiveDate) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT case_ref {CANDIDATES} ORDER BY case_ref"))?;
        let refs = stmt
            .query_map([closed_before], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(refs)
    }

    /// How many closed cases a purge of `closed_before` would reach (the
    /// UI's status line: counted, not listed; 147,574 references at 1M).
    pub fn count_purge_candidates(&self, closed_before: NaiveDate) -> Result<usize> {
        let n: i64 = self
            .conn
            .prepare_cached(&format!("SELECT count(*) {CANDIDATES}"))?
            .query_row([closed_before], |r| r.get(0))?;
        Ok(usize::try_from(n).unwrap_or_default())
    }

    /// Removes the name and birth date of every case closed before
    /// `closed_before` and logs one `purge` row per case; returns the
    /// references purged. Freed bytes are overwritten (secure_delete) and
    /// the WAL is checkpointed and truncated, so the removed text does not
    /// linger in the database files. Copies made before (backups, exports)
    /// are not touched.
    pub fn purge_personal_data(
        &mut self,
        closed_before: NaiveDate,
        today: NaiveDate,
        actor: &str,
        detail: &str,
    ) -> Result<Purged> {
        check_not_future(closed_before, today)?;
        self.conn.pragma_update(None, "secure_delete", true)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let refs: Vec<String> = {
            let mut stmt =
                tx.prepare(&format!("SELECT case_ref {CANDIDATES} ORDER BY case_ref"))?;
            stmt.query_map([closed_before], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        tx.execute(
            &format!("UPDATE cases SET name = NULL, birth_date = NULL WHERE id IN (SELECT id {CANDIDATES})"),
            params![closed_before],
        )?;
        // The search index keeps a purged name's trigrams (marked deleted)
        // until its segments are merged; merging them all now drops them,
        // and secure_delete overwrites the pages they were on.
        tx.execute(
            "INSERT INTO cases_search (cases_search) VALUES ('optimize')",
            [],
        )?;
        let at = now_utc();
        for r in &refs {
            insert_access(&tx, &at, actor, AccessAction::Purge, Some(r), Some(detail))?;
        }
        // Not done until the checkpoint: if this process is killed before
        // it, the next open finishes the purge (`finish_purge`).
        tx.execute(
            "INSERT OR REPLACE INTO unfinished_work (task, since) VALUES ('purge', ?1)",
            [&at],
        )?;
        tx.commit()?;
        crate::crash_point("purge_committed");
        let finished = finish_purge(&self.conn)?;
        Ok(Purged { refs, finished })
    }
}

/// What a purge did: the cases, and whether the names are also gone from
/// the database file (false while a reader holds old pages; the next open
/// finishes it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purged {
    pub refs: Vec<String>,
    pub finished: bool,
}

/// Finishes a purge whose transaction committed: the new pages (names
/// overwritten, secure_delete on) are copied over the old ones in the
/// database file and the WAL is truncated, so the names are in neither.
/// Returns whether that completed; the marker stays until it has.
pub(super) fn finish_purge(conn: &rusqlite::Connection) -> Result<bool> {
    let pending: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM unfinished_work WHERE task = 'purge')",
        [],
        |r| r.get(0),
    )?;
    if !pending {
        return Ok(true);
    }
    conn.pragma_update(None, "secure_delete", true)?;
    let busy: i64 = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
    if busy != 0 {
        // A reader still holds old pages: the next open finishes the job.
        return Ok(false);
    }
    conn.execute("DELETE FROM unfinished_work WHERE task = 'purge'", [])?;
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    Ok(true)
}
