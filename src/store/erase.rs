//! The AVG's rights on one child: erasure (art. 17) and access (art. 15).
//!
//! Erasure removes the name and birth date from the case row, blanks the
//! free text of its review notes and move notes and replaces its decisions' text by
//! `ERASED_TEXT`. The pseudonymised facts stay (reference, dates, codes,
//! the whole event history), so every figure stays right. Reviews and
//! decisions are append-only by triggers that allow exactly this change and
//! no other (schema version 6). The hash chain covers the events and the
//! access log, which hold no free text about the child, so it stays whole:
//! the erasure is one more access-log row in it.

use rusqlite::types::ValueRef;
use rusqlite::{TransactionBehavior, params};
use serde_json::{Map, Value};

use super::audit::{AccessAction, insert_access, now_utc};
use super::write::load_case;
use super::{Result, Store};

/// What an erased decision says instead of its text. Stored in Dutch, the
/// team's language; the schema's trigger allows this value only.
pub const ERASED_TEXT: &str = "[gewist]";

/// What an erasure removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Erased {
    pub notes: usize,
    pub decisions: usize,
}

/// Everything stroom holds on one child, table by table, as stored.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SubjectData {
    pub case: Map<String, Value>,
    pub history: Vec<Map<String, Value>>,
    pub reviews: Vec<Map<String, Value>>,
    pub decisions: Vec<Map<String, Value>>,
    pub access_log: Vec<Map<String, Value>>,
}

impl Store {
    /// Erases one case's personal data for good and logs it with `reason`.
    /// Freed bytes are overwritten (secure_delete) and the WAL truncated,
    /// as a purge does.
    pub fn erase_case(&mut self, case_ref: &str, reason: &str, actor: &str) -> Result<Erased> {
        self.require_write()?;
        self.conn.pragma_update(None, "secure_delete", true)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let case = load_case(&tx, case_ref)?;
        tx.execute(
            "UPDATE cases SET name = NULL, birth_date = NULL WHERE id = ?1",
            [case.id],
        )?;
        let notes = tx.execute(
            "UPDATE reviews SET note = NULL WHERE case_id = ?1 AND note IS NOT NULL",
            [case.id],
        )? + tx.execute(
            "UPDATE events SET note = NULL WHERE case_id = ?1 AND note IS NOT NULL",
            [case.id],
        )?;
        // The standing review holds the latest review's note: blanked too,
        // not counted twice.
        tx.execute(
            "UPDATE standing_reviews SET note = NULL WHERE case_id = ?1",
            [case.id],
        )?;
        let decisions = tx.execute(
            "UPDATE decisions SET text = ?2 WHERE case_id = ?1 AND text IS NOT ?2",
            params![case.id, ERASED_TEXT],
        )?;
        // As in a purge: drop the name's trigrams from the search index.
        tx.execute(
            "INSERT INTO cases_search (cases_search) VALUES ('optimize')",
            [],
        )?;
        let detail = format!("notes {notes}, decisions {decisions}; reason: {reason}");
        insert_access(
            &tx,
            &now_utc(),
            actor,
            AccessAction::Erase,
            Some(case_ref),
            Some(&detail),
        )?;
        tx.commit()?;
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(Erased { notes, decisions })
    }

    /// Everything held on one case, with names: for `stroom export subject`.
    /// The caller logs the export.
    pub fn subject_data(&self, case_ref: &str) -> Result<SubjectData> {
        let case = load_case(&self.conn, case_ref)?;
        let one = |sql: &str| rows_as_json(&self.conn, sql, case.id.into());
        Ok(SubjectData {
            case: one("SELECT * FROM cases WHERE id = ?1")?
                .into_iter()
                .next()
                .unwrap_or_default(),
            history: one("SELECT * FROM events WHERE case_id = ?1 ORDER BY on_date, id")?,
            reviews: one("SELECT * FROM reviews WHERE case_id = ?1 ORDER BY on_date, id")?,
            decisions: one("SELECT * FROM decisions WHERE case_id = ?1 ORDER BY meeting_on, id")?,
            access_log: rows_as_json(
                &self.conn,
                "SELECT * FROM access_log WHERE case_ref = ?1 ORDER BY id",
                case_ref.to_string().into(),
            )?,
        })
    }
}

/// Rows as JSON objects keyed by column name; blobs (chain hashes) as hex.
fn rows_as_json(
    conn: &rusqlite::Connection,
    sql: &str,
    param: rusqlite::types::Value,
) -> Result<Vec<Map<String, Value>>> {
    let mut stmt = conn.prepare(sql)?;
    let names: Vec<String> = stmt.column_names().map(String::from).collect();
    let mut rows = stmt.query([param])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let mut map = Map::new();
        for (i, name) in names.iter().enumerate() {
            let value = match row.get_ref(i)? {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(n) => n.into(),
                ValueRef::Real(f) => f.into(),
                ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned().into(),
                ValueRef::Blob(b) => b
                    .iter()
                    .map(|x| format!("{x:02x}"))
                    .collect::<String>()
                    .into(),
            };
            map.insert(name.clone(), value);
        }
        out.push(map);
    }
    Ok(out)
}
