//! The case list of the terminal UI: keyset paging on `case_ref`, so that a
//! screen of 100,000 cases only ever reads the rows around the selection, and
//! a cheap count for the scroll position.

use rusqlite::types::ToSql;

use super::codec::{self, CASE_COLUMNS};
use super::{Result, Store};
use crate::domain::{Case, Stage};

/// Which cases the list shows. Empty fields filter nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseFilter {
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
        self.stage.is_none_or(|s| s == case.stage)
            && same(&self.worker, &case.worker)
            && same(&self.provider, &case.provider)
            && search
    }

    /// `WHERE` conditions (joined with AND, always at least `1`) and their
    /// parameters.
    fn sql(&self) -> (String, Vec<Box<dyn ToSql>>) {
        let mut conds = vec!["1".to_string()];
        let mut params: Vec<Box<dyn ToSql>> = Vec::new();
        if let Some(s) = self.stage {
            conds.push("stage = ?".into());
            params.push(Box::new(s.code()));
        }
        if let Some(w) = &self.worker {
            conds.push("worker = ?".into());
            params.push(Box::new(w.clone()));
        }
        if let Some(p) = &self.provider {
            conds.push("provider = ?".into());
            params.push(Box::new(p.clone()));
        }
        if let Some(s) = &self.search {
            conds.push(
                "(case_ref LIKE ? ESCAPE '\\' OR name LIKE ? ESCAPE '\\' \
                 OR worker LIKE ? ESCAPE '\\' OR provider LIKE ? ESCAPE '\\')"
                    .into(),
            );
            let pattern = format!("%{}%", escape_like(s));
            for _ in 0..4 {
                params.push(Box::new(pattern.clone()));
            }
        }
        (conds.join(" AND "), params)
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

impl Store {
    /// How many cases the filter lets through.
    pub fn count_filtered(&self, filter: &CaseFilter) -> Result<usize> {
        let (conds, params) = filter.sql();
        let sql = format!("SELECT count(*) FROM cases WHERE {conds}");
        let n: i64 = self.conn.query_row(
            &sql,
            rusqlite::params_from_iter(params.iter().map(|p| p.as_ref())),
            |r| r.get(0),
        )?;
        Ok(n as usize)
    }

    /// Up to `limit` cases after `after` (from the start when None), in
    /// `case_ref` order.
    pub fn cases_after(
        &self,
        filter: &CaseFilter,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Case>> {
        let (conds, mut params) = filter.sql();
        let key = match after {
            Some(a) => {
                params.push(Box::new(a.to_string()));
                " AND case_ref > ?"
            }
            None => "",
        };
        self.page(&conds, key, "ASC", params, limit)
    }

    /// Up to `limit` cases just before `before` (the last ones when None),
    /// returned in `case_ref` order.
    pub fn cases_before(
        &self,
        filter: &CaseFilter,
        before: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Case>> {
        let (conds, mut params) = filter.sql();
        let key = match before {
            Some(b) => {
                params.push(Box::new(b.to_string()));
                " AND case_ref < ?"
            }
            None => "",
        };
        let mut rows = self.page(&conds, key, "DESC", params, limit)?;
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
        let rows = stmt
            .query_map(
                rusqlite::params_from_iter(params.iter().map(|p| p.as_ref())),
                codec::case_from_row,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// The position of `case_ref` in the filtered list (how many come
    /// before it), to keep a selection in place after a reload.
    pub fn position_in(&self, filter: &CaseFilter, case_ref: &str) -> Result<usize> {
        let (conds, mut params) = filter.sql();
        params.push(Box::new(case_ref.to_string()));
        let sql = format!("SELECT count(*) FROM cases WHERE {conds} AND case_ref < ?");
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
            "SELECT id, text, owner FROM decisions WHERE case_id = ?1 ORDER BY meeting_on, id",
        )?;
        let rows = stmt
            .query_map([case_id], |r| {
                Ok(DecisionRow {
                    id: r.get(0)?,
                    text: r.get(1)?,
                    owner: r.get(2)?,
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
    fn pages_forward_and_backward_by_reference() {
        let (_dir, store) = store_with(7);
        let all = CaseFilter::default();
        assert_eq!(store.count_filtered(&all).unwrap(), 7);
        let first = store.cases_after(&all, None, 3).unwrap();
        assert_eq!(refs(&first), ["2026-0001", "2026-0002", "2026-0003"]);
        let next = store.cases_after(&all, Some("2026-0003"), 3).unwrap();
        assert_eq!(refs(&next), ["2026-0004", "2026-0005", "2026-0006"]);
        let before = store.cases_before(&all, Some("2026-0004"), 2).unwrap();
        assert_eq!(refs(&before), ["2026-0002", "2026-0003"]);
        let last = store.cases_before(&all, None, 2).unwrap();
        assert_eq!(refs(&last), ["2026-0006", "2026-0007"]);
        assert_eq!(store.position_in(&all, "2026-0005").unwrap(), 4);
    }

    #[test]
    fn filters_and_search_agree_with_memory_matching() {
        let (_dir, store) = store_with(6);
        let bram = CaseFilter {
            worker: Some("Bram".into()),
            ..CaseFilter::default()
        };
        let rows = store.cases_after(&bram, None, 100).unwrap();
        assert_eq!(refs(&rows), ["2026-0002", "2026-0004", "2026-0006"]);
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
}
