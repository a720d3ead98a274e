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
    ) -> Result<Vec<String>> {
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
        tx.commit()?;
        // Old page images stay in the WAL until a checkpoint; a reader still
        // holding them makes this a partial checkpoint, which is harmless: the
        // next one finishes the job.
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(refs)
    }
}
