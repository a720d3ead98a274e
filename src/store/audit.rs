//! The access log (NEN 7513 style): every time personal data is looked at
//! (a case screen), taken out (an export or backup with names) or removed
//! (a purge), one row says who, when (UTC), what, for which case and why.
//! The table is append-only: triggers refuse updates and deletes.

use chrono::NaiveDate;
use rusqlite::{TransactionBehavior, params};
use serde::Serialize;

use super::{Result, Store};

/// What was done with personal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessAction {
    /// A case's detail screen was opened.
    ViewCase,
    /// An export held names and birth dates.
    ExportWithNames,
    /// Names and birth dates of closed cases were removed.
    Purge,
    /// A copy of the whole database was made.
    Backup,
    /// The whole database was replaced (the demo over a live file).
    ReplaceDatabase,
    /// One case's personal data was erased (AVG art. 17).
    Erase,
    /// Everything held on one child was exported (AVG art. 15).
    ExportSubject,
    /// The team roster changed (a member added, removed or given a role).
    RosterChange,
    /// The key of an encrypted database was changed.
    Rekey,
    /// An export with names was started but not completed.
    ExportFailed,
    /// A login not on the roster, or without the role, was refused.
    AccessDenied,
}

impl AccessAction {
    pub const ALL: [AccessAction; 11] = [
        AccessAction::ViewCase,
        AccessAction::ExportWithNames,
        AccessAction::Purge,
        AccessAction::Backup,
        AccessAction::ReplaceDatabase,
        AccessAction::Erase,
        AccessAction::ExportSubject,
        AccessAction::RosterChange,
        AccessAction::Rekey,
        AccessAction::ExportFailed,
        AccessAction::AccessDenied,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AccessAction::ViewCase => "view_case",
            AccessAction::ExportWithNames => "export_with_names",
            AccessAction::Purge => "purge",
            AccessAction::Backup => "backup",
            AccessAction::ReplaceDatabase => "replace_database",
            AccessAction::Erase => "erase",
            AccessAction::ExportSubject => "export_subject",
            AccessAction::RosterChange => "roster_change",
            AccessAction::Rekey => "rekey",
            AccessAction::ExportFailed => "export_failed",
            AccessAction::AccessDenied => "access_denied",
        }
    }
}

/// One row of the access log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessEntry {
    pub id: i64,
    /// UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    pub at: String,
    pub actor: String,
    pub action: String,
    pub case_ref: Option<String>,
    pub detail: Option<String>,
}

/// Which rows `access_log` returns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccessFilter {
    pub case_ref: Option<String>,
    /// Rows recorded on this (UTC) date or later.
    pub since: Option<NaiveDate>,
}

pub(super) fn now_utc() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

pub(super) fn insert_access(
    conn: &rusqlite::Connection,
    at: &str,
    actor: &str,
    action: AccessAction,
    case_ref: Option<&str>,
    detail: Option<&str>,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO access_log (at, actor, action, case_ref, detail, hash) \
         VALUES (?1, ?2, ?3, ?4, ?5, stroom_chain((SELECT hash FROM access_log ORDER BY id DESC LIMIT 1), \
         ?1, ?2, ?3, ?4, ?5))",
    )?
    .execute(params![at, actor, action.code(), case_ref, detail])?;
    Ok(())
}

impl Store {
    /// Appends one row to the access log, in its own immediate transaction.
    pub fn log_access(
        &mut self,
        action: AccessAction,
        case_ref: Option<&str>,
        detail: Option<&str>,
        actor: &str,
    ) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        insert_access(&tx, &now_utc(), actor, action, case_ref, detail)?;
        tx.commit()?;
        Ok(())
    }

    /// The access log, oldest first.
    pub fn access_log(&self, filter: &AccessFilter) -> Result<Vec<AccessEntry>> {
        let since = filter.since.map(|d| d.to_string());
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, at, actor, action, case_ref, detail FROM access_log \
             WHERE (?1 IS NULL OR case_ref = ?1) AND (?2 IS NULL OR at >= ?2) ORDER BY id",
        )?;
        let rows = stmt
            .query_map(params![filter.case_ref, since], |r| {
                Ok(AccessEntry {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    actor: r.get(2)?,
                    action: r.get(3)?,
                    case_ref: r.get(4)?,
                    detail: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("t.db")).unwrap();
        (dir, store)
    }

    #[test]
    fn a_version_2_database_gains_the_access_log_and_keeps_its_cases() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v2.db");
        {
            let conn = rusqlite::Connection::open(&path).unwrap();
            for sql in &crate::store::schema::migrations()[..2] {
                conn.execute_batch(sql).unwrap();
            }
            conn.pragma_update(None, "user_version", 2).unwrap();
            conn.pragma_update(None, "application_id", crate::store::schema::APPLICATION_ID)
                .unwrap();
            conn.execute(
                "INSERT INTO cases (case_ref, referred_on, referrer, urgency, stage, stage_since, version) \
                 VALUES ('2025-0007', '2025-03-01', 'gp', 'regular', 'referred', '2025-03-01', 1)",
                [],
            )
            .unwrap();
        }
        let mut store = Store::open(&path).unwrap();
        let version: i64 = store
            .conn()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, crate::store::schema::latest_version());
        assert_eq!(store.count_cases().unwrap(), 1);
        store
            .log_access(AccessAction::ViewCase, Some("2025-0007"), None, "anna")
            .unwrap();
        assert_eq!(store.access_log(&AccessFilter::default()).unwrap().len(), 1);
    }

    #[test]
    fn a_version_4_log_keeps_its_rows_and_stays_append_only_after_version_5() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v4.db");
        {
            let conn = rusqlite::Connection::open(&path).unwrap();
            for sql in &crate::store::schema::migrations()[..4] {
                conn.execute_batch(sql).unwrap();
            }
            conn.pragma_update(None, "user_version", 4).unwrap();
            conn.pragma_update(None, "application_id", crate::store::schema::APPLICATION_ID)
                .unwrap();
            conn.execute(
                "INSERT INTO access_log (at, actor, action, case_ref, detail) \
                 VALUES ('2026-01-02T03:04:05Z', 'anna', 'backup', NULL, 'bk.db')",
                [],
            )
            .unwrap();
        }
        let mut store = Store::open(&path).unwrap();
        store
            .log_access(AccessAction::Erase, Some("2025-0007"), None, "bram")
            .unwrap();
        let rows = store.access_log(&AccessFilter::default()).unwrap();
        let seen: Vec<(&str, &str)> = rows
            .iter()
            .map(|r| (r.actor.as_str(), r.action.as_str()))
            .collect();
        assert_eq!(seen, [("anna", "backup"), ("bram", "erase")]);
        assert!(store.conn().execute("DELETE FROM access_log", []).is_err());
        assert!(
            store
                .conn()
                .execute("UPDATE access_log SET actor = 'x'", [])
                .is_err()
        );
    }

    #[test]
    fn every_action_is_accepted_by_the_schema() {
        let (_dir, mut store) = store();
        for a in AccessAction::ALL {
            store
                .log_access(a, Some("2026-0001"), None, "anna")
                .unwrap();
        }
        let rows = store.access_log(&AccessFilter::default()).unwrap();
        let actions: Vec<&str> = rows.iter().map(|r| r.action.as_str()).collect();
        let codes: Vec<&str> = AccessAction::ALL.iter().map(|a| a.code()).collect();
        assert_eq!(actions, codes);
        assert!(actions.starts_with(&["view_case", "export_with_names", "purge", "backup"]));
        assert!(
            rows.iter()
                .all(|r| r.actor == "anna" && r.at.ends_with('Z'))
        );
    }

    #[test]
    fn the_log_is_append_only_and_filters_by_case_and_date() {
        let (_dir, mut store) = store();
        store
            .log_access(AccessAction::ViewCase, Some("2026-0001"), None, "anna")
            .unwrap();
        store
            .log_access(
                AccessAction::ExportWithNames,
                None,
                Some("waitlist; reason: municipality"),
                "bert",
            )
            .unwrap();
        let one = AccessFilter {
            case_ref: Some("2026-0001".into()),
            since: None,
        };
        assert_eq!(store.access_log(&one).unwrap().len(), 1);
        let future = AccessFilter {
            case_ref: None,
            since: Some(NaiveDate::from_ymd_opt(9999, 1, 1).unwrap()),
        };
        assert!(store.access_log(&future).unwrap().is_empty());
        for sql in [
            "UPDATE access_log SET actor = 'x'",
            "DELETE FROM access_log",
        ] {
            let err = store.conn().execute(sql, []).unwrap_err();
            assert!(err.to_string().contains("append-only"), "{err}");
        }
        assert_eq!(store.access_log(&AccessFilter::default()).unwrap().len(), 2);
    }
}
