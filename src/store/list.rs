//! The case list of the terminal UI: keyset paging on `case_ref`, so that a
//! screen of 100,000 cases only ever reads the rows around the selection, and
//! a cheap count for the scroll position.
//!
//! The list runs newest first: references are numbered per year in the
//! order cases are registered (`2026-0412` after `2026-0411`), so the
//! descending reference order is the order of registration, newest on top,
//! and it is read backwards from the same unique index as before.

use chrono::NaiveDate;
use rusqlite::params;
use rusqlite::types::ToSql;

use super::codec::{self, CASE_COLUMNS};
use super::{Result, Store};
use crate::domain::{Case, Stage};

/// Open or closed cases, for the list's filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseState {
    Open,
    Closed,
}

impl CaseState {
    pub const ALL: [CaseState; 2] = [CaseState::Open, CaseState::Closed];

    /// The code for choices and labels (`case_state.open`).
    pub fn code(self) -> &'static str {
        match self {
            CaseState::Open => "open",
            CaseState::Closed => "closed",
        }
    }

    pub fn from_code(code: &str) -> Option<CaseState> {
        CaseState::ALL.into_iter().find(|s| s.code() == code)
    }

    fn holds(self, stage: Stage) -> bool {
        stage.is_open() == (self == CaseState::Open)
    }
}

/// Which cases the list shows. Empty fields filter nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseFilter {
    /// Open or closed cases only (the Cases view opens on open ones).
    pub state: Option<CaseState>,
    pub stage: Option<Stage>,
    pub worker: Option<String>,
    pub provider: Option<String>,
    /// Part of the case reference, name, worker or provider.
    pub search: Option<String>,
}

/// A case-review decision as the case screen shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionRow {
    pub id: i64,
    pub text: String,
    pub owner: Option<String>,
    pub follow_up_on: Option<NaiveDate>,
}

impl CaseFilter {
    pub fn is_empty(&self) -> bool {
        *self == CaseFilter::default()
    }

    /// The same test as the SQL, for lists held in memory (past snapshots).
    /// Like SQLite's LIKE, the search ignores case.
    pub fn matches(&self, case: &Case) -> bool {
        let same = |want: &Option<String>, have: &Option<String>| {
            want.as_ref().is_none_or(|w| have.as_ref() == Some(w))
        };
        let search = self.search.as_ref().is_none_or(|s| {
            let s = s.to_lowercase();
            let has = |v: Option<&str>| v.is_some_and(|v| v.to_lowercase().contains(&s));
            has(Some(&case.case_ref))
                || has(case.name.as_deref())
                || has(case.worker.as_deref())
                || has(case.provider.as_deref())
        });
        self.state.is_none_or(|s| s.holds(case.stage))
            && self.stage.is_none_or(|s| s == case.stage)
            && same(&self.worker, &case.worker)
            && same(&self.provider, &case.provider)
            && search
    }

    /// The search text when it is long enough for the trigram index.
    fn indexed_search(&self) -> Option<&str> {
        self.search
            .as_deref()
            .filter(|s| s.chars().count() >= TRIGRAM)
    }

    /// `WHERE` conditions on `cases` (joined with AND, always at least `1`)
    /// and their parameters. `scan` tests the search on each row (`LIKE`)
    /// instead of looking it up in the trigram index; without `names` the
    /// search does not look at names.
    fn sql(&self, scan: bool, names: bool) -> (String, Vec<Box<dyn ToSql>>) {
        let mut conds = vec!["1".to_string()];
        let mut params: Vec<Box<dyn ToSql>> = Vec::new();
        if let Some(s) = self.state {
            conds.push(match s {
                CaseState::Open => "cases.stage <> ?".into(),
                CaseState::Closed => "cases.stage = ?".into(),
            });
            params.push(Box::new(Stage::Closed.code()));
        }
        if let Some(s) = self.stage {
            conds.push("cases.stage = ?".into());
            params.push(Box::new(s.code()));
        }
        if let Some(w) = &self.worker {
            conds.push("cases.worker = ?".into());
            params.push(Box::new(w.clone()));
        }
        if let Some(p) = &self.provider {
            conds.push("cases.provider = ?".into());
            params.push(Box::new(p.clone()));
        }
        match (&self.search, self.indexed_search()) {
            (_, Some(s)) if !scan => {
                conds.push(
                    "cases.id IN (SELECT rowid FROM cases_search WHERE cases_search MATCH ?)"
                        .into(),
                );
                params.push(Box::new(fts_phrase(s, names)));
            }
            (Some(s), _) => {
                let name = if names {
                    " OR cases.name LIKE ? ESCAPE '\\'"
                } else {
                    ""
                };
                conds.push(format!(
                    "(cases.case_ref LIKE ? ESCAPE '\\'{name} \
                     OR cases.worker LIKE ? ESCAPE '\\' OR cases.provider LIKE ? ESCAPE '\\')"
                ));
                let pattern = format!("%{}%", escape_like(s));
                for _ in 0..if names { 4 } else { 3 } {
                    params.push(Box::new(pattern.clone()));
                }
            }
            (None, _) => {}
        }
        (conds.join(" AND "), params)
    }
}

/// Searches shorter than this cannot use the trigram index: they test each
/// row, which is quick when they match many (the page fills early) and a
/// scan of the table when they match few.
const TRIGRAM: usize = 3;

/// With more index matches than this, a page is found sooner by walking the
/// cases in reference order and testing each row than by fetching and
/// sorting every match.
const DENSE: usize = 10_000;

/// The case list counts a search's matches up to this many; beyond it, it
/// shows "1000+" until the end of the list is asked for.
pub const SEARCH_COUNT_CAP: usize = 1_000;

/// The user's text as one FTS5 phrase: inside double quotes every character
/// stands for itself except the quote, which is doubled. Lower-cased like
/// the indexed values (ASCII only, as SQLite's `lower()` and `LIKE`).
fn fts_phrase(s: &str, names: bool) -> String {
    let phrase = format!("\"{}\"", s.to_ascii_lowercase().replace('"', "\"\""));
    if names {
        phrase
    } else {
        // An FTS5 column filter: every column of `cases_search` but `name`.
        format!("{{case_ref worker provider}} : {phrase}")
    }
}

/// Makes `%`, `_` and `\` in a search term match themselves.
fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn params_of(params: &[Box<dyn ToSql>]) -> impl rusqlite::Params + '_ {
    rusqlite::params_from_iter(params.iter().map(|p| p.as_ref()))
}

impl Store {
    /// How many cases the filter lets through (all of them: with a common
    /// search at a million cases this reads many rows; see
    /// [`Store::count_capped`]).
    pub fn count_filtered(&self, filter: &CaseFilter) -> Result<usize> {
        self.count_upto(filter, None)
    }

    /// How many cases the filter lets through, counting no further than
    /// `cap`: `(count, true)` when there are more than `cap`.
    pub fn count_capped(&self, filter: &CaseFilter, cap: usize) -> Result<(usize, bool)> {
        let n = self.count_upto(filter, Some(cap + 1))?;
        Ok((n.min(cap), n > cap))
    }

    /// Counts up to `limit` (all when None). The full count is a plain
    /// `count(*)`: wrapped in a LIMITed subquery SQLite would step through
    /// every row instead of counting the index's entries.
    fn count_upto(&self, filter: &CaseFilter, limit: Option<usize>) -> Result<usize> {
        if limit.is_none() && filter.indexed_search().is_none() {
            let (conds, params) = filter.sql(true, !self.hides_names);
            let n: i64 = self
                .conn
                .prepare_cached(&format!("SELECT count(*) FROM cases WHERE {conds}"))?
                .query_row(params_of(&params), |r| r.get(0))?;
            return Ok(n as usize);
        }
        let limit = limit.map_or(-1, |l| i64::try_from(l).unwrap_or(i64::MAX));
        let n: i64 = match filter.indexed_search() {
            // From the index to the cases, so that a capped count stops
            // after `limit` matches instead of collecting them all first.
            Some(s) => {
                let (conds, mut params) = CaseFilter {
                    search: None,
                    ..filter.clone()
                }
                .sql(true, !self.hides_names);
                params.insert(0, Box::new(fts_phrase(s, !self.hides_names)));
                params.push(Box::new(limit));
                self.conn
                    .prepare_cached(&format!(
                        "SELECT count(*) FROM (SELECT 1 FROM cases_search \
                     JOIN cases ON cases.id = cases_search.rowid \
                     WHERE cases_search MATCH ? AND {conds} LIMIT ?)"
                    ))?
                    .query_row(params_of(&params), |r| r.get(0))?
            }
            None => {
                let (conds, mut params) = filter.sql(true, !self.hides_names);
                params.push(Box::new(limit));
                self.conn
                    .prepare_cached(&format!(
                        "SELECT count(*) FROM (SELECT 1 FROM cases WHERE {conds} LIMIT ?)"
                    ))?
                    .query_row(params_of(&params), |r| r.get(0))?
            }
        };
        Ok(n as usize)
    }

    /// Whether a page of `filter` is best found by testing rows in
    /// reference order: a short search (no index), or one matching so many
    /// cases that fetching and sorting them all costs more.
    fn scan_for_page(&self, filter: &CaseFilter) -> Result<bool> {
        let Some(s) = filter.indexed_search() else {
            return Ok(true);
        };
        let matches: i64 = self
            .conn
            .prepare_cached(
                "SELECT count(*) FROM (SELECT 1 FROM cases_search \
                 WHERE cases_search MATCH ? LIMIT ?)",
            )?
            .query_row(
                params![fts_phrase(s, !self.hides_names), DENSE as i64 + 1],
                |r| r.get(0),
            )?;
        Ok(matches as usize > DENSE)
    }

    /// Up to `limit` cases after `after` in list order (from the top when
    /// None): newest first, by descending `case_ref`.
    pub fn cases_after(
        &self,
        filter: &CaseFilter,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Case>> {
        let (conds, mut params) = filter.sql(self.scan_for_page(filter)?, !self.hides_names);
        let key = match after {
            Some(a) => {
                params.push(Box::new(a.to_string()));
                " AND case_ref < ?"
            }
            None => "",
        };
        self.page(&conds, key, "DESC", params, limit)
    }

    /// Up to `limit` cases just before `before` in list order (the last
    /// ones when None), returned in list order.
    pub fn cases_before(
        &self,
        filter: &CaseFilter,
        before: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Case>> {
        let (conds, mut params) = filter.sql(self.scan_for_page(filter)?, !self.hides_names);
        let key = match before {
            Some(b) => {
                params.push(Box::new(b.to_string()));
                " AND case_ref > ?"
            }
            None => "",
        };
        let mut rows = self.page(&conds, key, "ASC", params, limit)?;
        rows.reverse();
        Ok(rows)
    }

    fn page(
        &self,
        conds: &str,
        key: &str,
        order: &str,
        mut params: Vec<Box<dyn ToSql>>,
        limit: usize,
    ) -> Result<Vec<Case>> {
        let sql = format!(
            "SELECT {CASE_COLUMNS} FROM cases WHERE {conds}{key} ORDER BY case_ref {order} LIMIT ?"
        );
        params.push(Box::new(i64::try_from(limit).unwrap_or(i64::MAX)));
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt
            .query_map(
                rusqlite::params_from_iter(params.iter().map(|p| p.as_ref())),
                codec::case_from_row,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        self.shown_all(&mut rows);
        Ok(rows)
    }

    /// The position of `case_ref` in the filtered list (how many come
    /// before it), to keep a selection in place after a reload.
    pub fn position_in(&self, filter: &CaseFilter, case_ref: &str) -> Result<usize> {
        let (conds, mut params) = filter.sql(self.scan_for_page(filter)?, !self.hides_names);
        params.push(Box::new(case_ref.to_string()));
        let sql = format!("SELECT count(*) FROM cases WHERE {conds} AND case_ref > ?");
        let n: i64 = self.conn.query_row(
            &sql,
            rusqlite::params_from_iter(params.iter().map(|p| p.as_ref())),
            |r| r.get(0),
        )?;
        Ok(n as usize)
    }

    /// The workers named on any case, for the filter choices.
    pub fn distinct_workers(&self) -> Result<Vec<String>> {
        self.distinct("worker")
    }

    /// The providers named on any case, for the filter choices.
    pub fn distinct_providers(&self) -> Result<Vec<String>> {
        self.distinct("provider")
    }

    /// The distinct values of an indexed column, by jumping from one value
    /// to the next through the index (a loose index scan): a few dozen seeks
    /// instead of reading a million index entries.
    fn distinct(&self, column: &str) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "WITH RECURSIVE v(x) AS (SELECT min({column}) FROM cases \
             UNION ALL SELECT (SELECT min({column}) FROM cases WHERE {column} > v.x) FROM v \
             WHERE v.x IS NOT NULL) SELECT x FROM v WHERE x IS NOT NULL"
        ))?;
        let values = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(values)
    }

    /// The case-review decisions recorded for one case.
    pub fn decisions(&self, case_id: i64) -> Result<Vec<DecisionRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, text, owner, follow_up_on FROM decisions WHERE case_id = ?1 \
             ORDER BY meeting_on, id",
        )?;
        let rows = stmt
            .query_map([case_id], |r| {
                Ok(DecisionRow {
                    id: r.get(0)?,
                    text: r.get(1)?,
                    owner: r.get(2)?,
                    follow_up_on: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::parse_date;
    use crate::domain::{Referrer, Urgency};
    use crate::store::NewReferral;

    fn store_with(n: usize) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("t.db")).unwrap();
        let today = parse_date("2026-11-22").unwrap();
        for i in 0..n {
            let new = NewReferral {
                case_ref: None,
                name: Some(format!("Kind {i}")),
                birth_date: None,
                referred_on: parse_date("2026-10-01").unwrap(),
                referrer: Referrer::Gp,
                urgency: Urgency::Regular,
                worker: Some(if i % 2 == 0 { "Anna" } else { "Bram" }.into()),
            };
            store.add_referral(&new, today, "test").unwrap();
        }
        (dir, store)
    }

    fn refs(cases: &[Case]) -> Vec<&str> {
        cases.iter().map(|c| c.case_ref.as_str()).collect()
    }

    #[test]
    fn pages_forward_and_backward_newest_first() {
        let (_dir, store) = store_with(7);
        let all = CaseFilter::default();
        assert_eq!(store.count_filtered(&all).unwrap(), 7);
        let first = store.cases_after(&all, None, 3).unwrap();
        assert_eq!(refs(&first), ["2026-0007", "2026-0006", "2026-0005"]);
        let next = store.cases_after(&all, Some("2026-0005"), 3).unwrap();
        assert_eq!(refs(&next), ["2026-0004", "2026-0003", "2026-0002"]);
        let before = store.cases_before(&all, Some("2026-0004"), 2).unwrap();
        assert_eq!(refs(&before), ["2026-0006", "2026-0005"]);
        let last = store.cases_before(&all, None, 2).unwrap();
        assert_eq!(refs(&last), ["2026-0002", "2026-0001"]);
        assert_eq!(store.position_in(&all, "2026-0005").unwrap(), 2);
    }

    #[test]
    fn open_and_closed_cases_filter_apart() {
        let (_dir, store) = store_with(5);
        store
            .conn
            .execute(
                "UPDATE cases SET stage = 'closed', closed_on = '2026-11-22', \
                 outflow_reason = 'withdrawn', destination = 'none' WHERE case_ref IN ('2026-0002', '2026-0005')",
                [],
            )
            .unwrap();
        for (state, want) in [
            (CaseState::Open, vec!["2026-0004", "2026-0003", "2026-0001"]),
            (CaseState::Closed, vec!["2026-0005", "2026-0002"]),
        ] {
            let f = CaseFilter {
                state: Some(state),
                ..CaseFilter::default()
            };
            let rows = store.cases_after(&f, None, 100).unwrap();
            assert_eq!(refs(&rows), want, "{state:?}");
            assert_eq!(store.count_filtered(&f).unwrap(), want.len());
            assert!(rows.iter().all(|c| f.matches(c)));
            let all = store
                .cases_after(&CaseFilter::default(), None, 100)
                .unwrap();
            let held = all.iter().filter(|c| f.matches(c)).count();
            assert_eq!(held, want.len(), "memory matching agrees with SQL");
        }
    }

    #[test]
    fn the_newest_first_page_is_read_from_the_reference_index() {
        let (_dir, store) = store_with(3);
        let plan: Vec<String> = store
            .conn
            .prepare(
                "EXPLAIN QUERY PLAN SELECT case_ref FROM cases WHERE stage <> 'closed'                  AND case_ref < '2026-0003' ORDER BY case_ref DESC LIMIT 10",
            )
            .unwrap()
            .query_map([], |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let plan = plan.join(" | ");
        assert!(!plan.contains("TEMP B-TREE"), "no sort step: {plan}");
    }

    #[test]
    fn filters_and_search_agree_with_memory_matching() {
        let (_dir, store) = store_with(6);
        let bram = CaseFilter {
            worker: Some("Bram".into()),
            ..CaseFilter::default()
        };
        let rows = store.cases_after(&bram, None, 100).unwrap();
        assert_eq!(refs(&rows), ["2026-0006", "2026-0004", "2026-0002"]);
        assert!(rows.iter().all(|c| bram.matches(c)));
        let search = CaseFilter {
            search: Some("kind 3".into()),
            ..CaseFilter::default()
        };
        assert_eq!(store.count_filtered(&search).unwrap(), 1);
        let pct = CaseFilter {
            search: Some("%".into()),
            ..CaseFilter::default()
        };
        assert_eq!(store.count_filtered(&pct).unwrap(), 0);
        assert_eq!(store.distinct_workers().unwrap(), ["Anna", "Bram"]);
    }

    /// What the search found before the trigram index: `LIKE '%text%'` on
    /// each of the four fields, in reference order.
    fn like_refs(store: &Store, text: &str) -> Vec<String> {
        like_refs_on(store, text, true)
    }

    /// `like_refs`, on every field but the name when `names` is false.
    fn like_refs_on(store: &Store, text: &str, names: bool) -> Vec<String> {
        let pattern = format!("%{}%", escape_like(text));
        let name = if names {
            "OR name LIKE ?1 ESCAPE '\\'"
        } else {
            ""
        };
        let mut stmt = store
            .conn
            .prepare(&format!(
                "SELECT case_ref FROM cases WHERE case_ref LIKE ?1 ESCAPE '\\' \
                 {name} OR worker LIKE ?1 ESCAPE '\\' \
                 OR provider LIKE ?1 ESCAPE '\\' ORDER BY case_ref"
            ))
            .unwrap();
        stmt.query_map([pattern], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    fn search_refs(store: &Store, text: &str) -> (usize, Vec<String>) {
        let filter = CaseFilter {
            search: Some(text.into()),
            ..CaseFilter::default()
        };
        let rows = store.cases_after(&filter, None, usize::MAX).unwrap();
        // The list runs newest first; LIKE's reference lists oldest first.
        let found = rows.iter().rev().map(|c| c.case_ref.clone()).collect();
        (store.count_filtered(&filter).unwrap(), found)
    }

    fn name_case(store: &mut Store, name: &str, worker: &str) {
        let today = parse_date("2026-11-22").unwrap();
        let new = NewReferral {
            case_ref: None,
            name: Some(name.into()),
            birth_date: None,
            referred_on: parse_date("2026-10-01").unwrap(),
            referrer: Referrer::Gp,
            urgency: Urgency::Regular,
            worker: Some(worker.into()),
        };
        store.add_referral(&new, today, "test").unwrap();
    }

    const ODD_NAMES: [(&str, &str); 6] = [
        ("Anouk de Vries", "Anna"),
        ("Daan \"Dj\" O'Brien", "Bram"),
        ("Sem AND Noor OR NOT x*", "anna"),
        ("Émile (NEAR) ^col:1", "Bram"),
        ("50% _korting_ \\pad", "Anna"),
        ("ANOUK", "Bram"),
    ];

    #[test]
    fn search_finds_what_like_found_on_every_field() {
        let (_dir, mut store) = store_with(12);
        for (name, worker) in ODD_NAMES {
            name_case(&mut store, name, worker);
        }
        for text in [
            "a",
            "An",
            "nn",
            "%",
            "_",
            "\\",
            "\"",
            "'",
            "kind 1",
            "ANOUK",
            "anouk",
            "2026-001",
            "\"Dj\"",
            "o'b",
            "AND Noor",
            "OR NOT",
            "x*",
            "(NEAR)",
            "^col:",
            "50%",
            "_korting_",
            "\\pad",
            "\"\"",
            "Émile",
            "zzz",
            "rAm",
        ] {
            let (count, found) = search_refs(&store, text);
            let want = like_refs(&store, text);
            assert_eq!(found, want, "search {text:?}");
            assert_eq!(count, want.len(), "count of {text:?}");
        }
        assert_eq!(search_refs(&store, "anouk").1, ["2026-0013", "2026-0018"]);
    }

    /// A viewer cannot find a child by name: neither a short search (rows
    /// tested with LIKE) nor a long one (the trigram index) looks at the
    /// name, and no row, page or count gives it away. Everything else is
    /// found as for a coordinator.
    #[test]
    fn a_viewer_finds_no_case_by_name_and_reads_none() {
        let (dir, mut store) = store_with(12);
        for (name, worker) in ODD_NAMES {
            name_case(&mut store, name, worker);
        }
        store.set_hides_names(true);
        for text in [
            "a", "An", "nn", "%", "\"", "kind 1", "Kind", "ANOUK", "anouk", "2026-001", "o'b",
            "Émile", "rAm", "Anna", "de Vries",
        ] {
            let (count, found) = search_refs(&store, text);
            let want = like_refs_on(&store, text, false);
            assert_eq!(found, want, "search {text:?}");
            assert_eq!(count, want.len(), "count of {text:?}");
        }
        // Found by name for a coordinator, not at all for a viewer.
        for name in ["anouk", "de Vries", "Kind 1", "Émile"] {
            assert_eq!(search_refs(&store, name), (0, vec![]), "{name}");
            let filter = CaseFilter {
                search: Some(name.into()),
                ..CaseFilter::default()
            };
            assert_eq!(store.count_capped(&filter, 2).unwrap(), (0, false));
        }
        store.set_hides_names(false);
        assert_eq!(search_refs(&store, "de Vries").0, 1);
        store.set_hides_names(true);
        // The rows of a page, one case, and the worker's twin: no names.
        let page = store
            .cases_after(&CaseFilter::default(), None, 100)
            .unwrap();
        assert_eq!(page.len(), 18);
        assert!(page.iter().all(|c| c.name.is_none()));
        assert_eq!(store.case("2026-0013").unwrap().name, None);
        let twin = store.read_only_twin().unwrap();
        assert!(twin.hides_names());
        assert_eq!(search_refs(&twin, "anouk"), (0, vec![]));
        assert_eq!(search_refs(&twin, "Anna").0, 9);
        // And every snapshot the views and exports read.
        let today = parse_date("2026-11-22").unwrap();
        let earlier = parse_date("2026-10-15").unwrap();
        for snap in [
            store.snapshot(today, today).unwrap(),
            store.snapshot(earlier, today).unwrap(),
            store.open_snapshot(today, today).unwrap(),
            store.waitlist_snapshot(earlier, today).unwrap(),
        ] {
            assert!(!snap.cases.is_empty());
            assert!(
                snap.cases.iter().all(|c| c.name.is_none()),
                "{}",
                snap.as_of
            );
        }
        drop(dir);
    }

    #[test]
    fn the_index_follows_changes_and_is_built_for_existing_cases() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        // A file written by a stroom before the index existed (version 3).
        {
            let conn = rusqlite::Connection::open(&path).unwrap();
            for sql in &crate::store::schema::migrations()[..3] {
                conn.execute_batch(sql).unwrap();
            }
            conn.pragma_update(None, "user_version", 3).unwrap();
            conn.pragma_update(None, "application_id", crate::store::schema::APPLICATION_ID)
                .unwrap();
            conn.execute(
                "INSERT INTO cases (case_ref, name, worker, referred_on, referrer, urgency, stage, \
                 stage_since, version) VALUES ('2026-0001', 'Anouk', 'Anna', '2026-10-01', 'gp', \
                 'regular', 'referred', '2026-10-01', 1)",
                [],
            )
            .unwrap();
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(search_refs(&store, "nouk").1, ["2026-0001"]);
        store
            .conn
            .execute("UPDATE cases SET name = 'Sanne', worker = 'Bram'", [])
            .unwrap();
        assert!(search_refs(&store, "nouk").1.is_empty());
        assert!(search_refs(&store, "Anna").1.is_empty());
        assert_eq!(search_refs(&store, "sanne").1, ["2026-0001"]);
        assert_eq!(search_refs(&store, "bram").1, ["2026-0001"]);
    }

    #[test]
    fn a_search_count_stops_at_the_cap() {
        let (_dir, store) = store_with(12);
        let kind = CaseFilter {
            search: Some("kind".into()),
            ..CaseFilter::default()
        };
        assert_eq!(store.count_capped(&kind, 5).unwrap(), (5, true));
        assert_eq!(store.count_capped(&kind, 12).unwrap(), (12, false));
        let short = CaseFilter {
            search: Some("k".into()),
            stage: Some(Stage::Referred),
            ..CaseFilter::default()
        };
        assert_eq!(store.count_capped(&short, 5).unwrap(), (5, true));
    }
}
