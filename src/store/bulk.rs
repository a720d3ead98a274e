//! Large loads (an import, the demo team) without paying for every index on
//! every row. SQLite keeps each secondary index up to date per inserted row:
//! a random B-tree descent and page write for each of the seven indexes of
//! `cases` and the two of `events`. Building an index once, after the rows,
//! is a sort. So a load that at least doubles the table drops the secondary
//! indexes of the tables it fills and creates them again before its commit,
//! in the same transaction: a failure or a killed process rolls the drop
//! back with the rows, and readers never see the database without them.
//!
//! The search index (`cases_search`, FTS5) is set aside the same way: its
//! insert trigger runs inside each case row's statement, and FTS5 writes
//! its pending terms as a new segment at the end of every statement and
//! then merges those tiny segments (a quarter of an import's time, issue
//! 17). Without the trigger the new rows are indexed by one
//! `INSERT … SELECT` before the commit: one segment, same terms.

use rusqlite::{Connection, OptionalExtension};

use super::Result;

/// The tables a bulk load fills.
const LOADED_TABLES: [&str; 3] = ["cases", "events", "reviews"];

/// Below this many rows, keeping the indexes up to date costs less than
/// building them again.
pub const MIN_ROWS: usize = 5_000;

/// When to set the indexes aside: once a load counts at least `MIN_ROWS`
/// rows and at least as many as the table held before it. Rebuilding costs
/// about the whole table, so a small load into a large table keeps them.
pub struct Threshold {
    /// The row count at which to decide again.
    check_at: usize,
    /// Cases stored before the load, counted when first needed.
    before: Option<usize>,
}

impl Threshold {
    pub fn new() -> Threshold {
        Threshold {
            check_at: MIN_ROWS,
            before: None,
        }
    }

    /// Whether a load that has written `done` rows and expects `expected`
    /// in all (a lower bound; 0 if unknown) should set the indexes aside now.
    pub fn reached(&mut self, conn: &Connection, done: usize, expected: usize) -> Result<bool> {
        let rows = done.max(expected);
        if rows < self.check_at {
            return Ok(false);
        }
        let before = match self.before {
            Some(n) => n,
            None => {
                let stored: i64 = conn.query_row("SELECT count(*) FROM cases", [], |r| r.get(0))?;
                let n = (stored as usize).saturating_sub(done);
                self.before = Some(n);
                n
            }
        };
        self.check_at = MIN_ROWS.max(before);
        Ok(rows >= self.check_at)
    }
}

/// The trigger that indexes each new case row for the search.
const SEARCH_INSERT_TRIGGER: &str = "cases_search_insert";

/// Indexes the case rows after `?1` (a row id) for the search, with the
/// values the insert trigger gives (migration 4: lower-cased, so the
/// case-sensitive trigram index finds what `LIKE` finds).
const SEARCH_FILL: &str = "INSERT INTO cases_search (rowid, case_ref, name, worker, provider) \
    SELECT id, lower(case_ref), lower(name), lower(worker), lower(provider) FROM cases \
    WHERE id > ?1 ORDER BY id";

/// The secondary indexes of the loaded tables and the search trigger,
/// dropped for the rest of the transaction; `restore` creates them again.
#[must_use = "the indexes must be restored before the commit"]
pub struct SetAside {
    /// Their `CREATE INDEX` statements, as the schema holds them.
    creates: Vec<String>,
    /// The search trigger's `CREATE TRIGGER` and the last case row it
    /// indexed (rows after it are indexed by `restore`); None when the
    /// schema has no such trigger.
    search: Option<(String, i64)>,
}

impl SetAside {
    /// Drops the secondary indexes of the loaded tables. Their definitions
    /// are read from `sqlite_schema`, so whatever a migration adds or
    /// changes comes back as it was. Indexes of UNIQUE and PRIMARY KEY
    /// constraints (no SQL of their own) stay: they enforce the data.
    pub fn drop_indexes(conn: &Connection) -> Result<SetAside> {
        let mut stmt = conn.prepare(
            "SELECT name, sql FROM sqlite_schema \
             WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (?1, ?2, ?3) \
             ORDER BY name",
        )?;
        let indexes = stmt
            .query_map(LOADED_TABLES, |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut creates = Vec::with_capacity(indexes.len());
        for (name, sql) in indexes {
            conn.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
            creates.push(sql);
        }
        let search = set_search_aside(conn)?;
        Ok(SetAside { creates, search })
    }

    /// Creates the indexes again from the loaded rows and indexes the new
    /// case rows for the search.
    pub fn restore(self, conn: &Connection) -> Result<()> {
        for sql in &self.creates {
            conn.execute_batch(sql)?;
        }
        if let Some((trigger, indexed_up_to)) = self.search {
            conn.execute(SEARCH_FILL, [indexed_up_to])?;
            conn.execute_batch(&trigger)?;
        }
        Ok(())
    }
}

/// Drops the search index's insert trigger; returns its SQL and the last
/// case row indexed so far.
fn set_search_aside(conn: &Connection) -> Result<Option<(String, i64)>> {
    let trigger: Option<String> = conn
        .query_row(
            "SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?1",
            [SEARCH_INSERT_TRIGGER],
            |r| r.get(0),
        )
        .optional()?;
    let Some(trigger) = trigger else {
        return Ok(None);
    };
    let last: i64 = conn.query_row("SELECT coalesce(max(id), 0) FROM cases", [], |r| r.get(0))?;
    conn.execute_batch(&format!("DROP TRIGGER {SEARCH_INSERT_TRIGGER}"))?;
    Ok(Some((trigger, last)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    /// The indexes and triggers, as the schema holds them.
    fn index_sql(conn: &Connection) -> Vec<(String, String)> {
        let mut stmt = conn
            .prepare(
                "SELECT name, sql FROM sqlite_schema \
                 WHERE type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY name",
            )
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    #[test]
    fn indexes_come_back_exactly_as_the_schema_had_them() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s.db")).unwrap();
        let conn = store.conn();
        let before = index_sql(conn);
        assert!(before.iter().any(|(n, _)| n == "cases_stage_ref"));
        conn.execute_batch("BEGIN").unwrap();
        let aside = SetAside::drop_indexes(conn).unwrap();
        let during: Vec<String> = index_sql(conn).into_iter().map(|(n, _)| n).collect();
        assert!(
            !during.iter().any(|n| n.starts_with("cases_")
                && n != "cases_search_update"
                && n != "cases_search_delete"),
            "{during:?}"
        );
        // Other tables keep theirs.
        assert!(during.iter().any(|n| n == "access_log_at"), "{during:?}");
        aside.restore(conn).unwrap();
        conn.execute_batch("COMMIT").unwrap();
        assert_eq!(index_sql(conn), before);
    }

    #[test]
    fn a_rolled_back_load_keeps_its_indexes() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s.db")).unwrap();
        let conn = store.conn();
        let before = index_sql(conn);
        conn.execute_batch("BEGIN").unwrap();
        let _aside = SetAside::drop_indexes(conn).unwrap();
        conn.execute_batch("ROLLBACK").unwrap();
        assert_eq!(index_sql(conn), before);
    }

    fn add_cases(conn: &Connection, prefix: &str, n: usize) {
        conn.execute_batch(&format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n}) \
             INSERT INTO cases (case_ref, referred_on, referrer, urgency, stage, stage_since, version) \
             SELECT '{prefix}' || i, '2026-01-05', 'gp', 'regular', 'referred', '2026-01-05', 1 FROM n"
        ))
        .unwrap();
    }

    #[test]
    fn small_loads_and_loads_into_large_tables_keep_the_indexes() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s.db")).unwrap();
        let conn = store.conn();
        let mut empty = Threshold::new();
        assert!(!empty.reached(conn, 0, MIN_ROWS - 1).unwrap());
        assert!(!empty.reached(conn, MIN_ROWS - 1, 0).unwrap());
        assert!(empty.reached(conn, 0, MIN_ROWS).unwrap());
        // 8,000 cases stored: a load of known size counts from 8,000 rows.
        add_cases(conn, "X-", 8_000);
        let mut known = Threshold::new();
        assert!(!known.reached(conn, 0, 7_999).unwrap());
        assert!(known.reached(conn, 0, 8_000).unwrap());
        // A stream of unknown size has written 5,000 rows: too few yet.
        add_cases(conn, "S-", MIN_ROWS);
        let mut stream = Threshold::new();
        assert!(!stream.reached(conn, MIN_ROWS, 0).unwrap());
        add_cases(conn, "T-", 3_000);
        assert!(stream.reached(conn, 8_000, 0).unwrap());
    }

    fn referral(case_ref: String) -> crate::store::CaseBundle {
        named(case_ref, None)
    }

    fn named(case_ref: String, name: Option<String>) -> crate::store::CaseBundle {
        use crate::domain::{Change, Referral, Referrer, Urgency};
        crate::store::CaseBundle {
            case_ref,
            name,
            birth_date: None,
            events: vec![(
                crate::domain::dates::parse_date("2026-01-05").unwrap(),
                Change::Referred(Referral {
                    referrer: Referrer::Gp,
                    urgency: Urgency::Regular,
                    worker: Some("Sanne".into()),
                }),
            )],
            reviews: Vec::new(),
        }
    }

    #[test]
    fn a_large_load_is_whole_and_indexed_or_not_there_at_all() {
        let today = crate::domain::dates::parse_date("2026-06-30").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("s.db")).unwrap();
        let before = index_sql(store.conn());
        let mut bundles: Vec<_> = (0..MIN_ROWS + 500)
            .map(|i| referral(format!("L-{i}")))
            .collect();
        // A reference taken twice, after the indexes were set aside.
        bundles.push(referral("L-42".into()));
        let err = store
            .insert_bundles(&bundles, today, "test", &mut |_| {})
            .unwrap_err();
        assert_eq!(err.key, "error.case_ref_exists");
        assert_eq!(err.get("case"), Some("L-42"));
        assert_eq!(store.count_cases().unwrap(), 0);
        assert_eq!(index_sql(store.conn()), before);
        bundles.pop();
        let n = store
            .insert_bundles(&bundles, today, "test", &mut |_| {})
            .unwrap();
        assert_eq!(n, MIN_ROWS + 500);
        assert_eq!(index_sql(store.conn()), before);
        let report = store.check(today).unwrap();
        assert_eq!(report.cases, MIN_ROWS + 500);
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        assert_eq!(
            store.case("L-4999").unwrap().worker.as_deref(),
            Some("Sanne")
        );
    }

    /// Which case rows the search index finds for `term`, and which `LIKE`
    /// finds: the index must answer exactly as the scan does.
    fn found(conn: &Connection, term: &str) -> (Vec<i64>, Vec<i64>) {
        let ids = |sql: &str, arg: String| -> Vec<i64> {
            let mut stmt = conn.prepare(sql).unwrap();
            stmt.query_map([arg], |r| r.get(0))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
        };
        (
            ids(
                "SELECT rowid FROM cases_search WHERE cases_search MATCH ?1 ORDER BY rowid",
                format!("\"{term}\""),
            ),
            ids(
                "SELECT id FROM cases WHERE case_ref LIKE ?1 OR name LIKE ?1 OR worker LIKE ?1 \
                 OR provider LIKE ?1 ORDER BY id",
                format!("%{term}%"),
            ),
        )
    }

    /// A large load indexes its rows for the search once, before the
    /// commit, instead of per row: the rows stored before it, the rows of
    /// the load (before and after the trigger was set aside) and the rows
    /// written after it are all found, exactly as `LIKE` finds them.
    #[test]
    fn a_large_load_is_found_by_the_search_as_a_small_one() {
        let today = crate::domain::dates::parse_date("2026-06-30").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("s.db")).unwrap();
        let before = index_sql(store.conn());
        let small: Vec<_> = (0..20)
            .map(|i| named(format!("A-{i}"), Some(format!("Anouk {i}"))))
            .collect();
        store
            .insert_bundles(&small, today, "test", &mut |_| {})
            .unwrap();
        let large: Vec<_> = (0..MIN_ROWS + 300)
            .map(|i| named(format!("B-{i}"), Some(format!("Bram {i}"))))
            .collect();
        store
            .insert_bundles(&large, today, "test", &mut |_| {})
            .unwrap();
        assert_eq!(index_sql(store.conn()), before, "trigger and indexes back");
        let after = [named("C-1".into(), Some("Anouk Bram".into()))];
        store
            .insert_bundles(&after, today, "test", &mut |_| {})
            .unwrap();
        for (term, expected) in [
            ("anouk", 21),
            ("bram", MIN_ROWS + 301),
            ("bram 5299", 1),
            ("b-4999", 1),
            ("sanne", MIN_ROWS + 321),
            ("c-1", 1),
            ("zzz", 0),
        ] {
            let (index, scan) = found(store.conn(), term);
            assert_eq!(index, scan, "{term}");
            assert_eq!(index.len(), expected, "{term}");
        }
    }
}
