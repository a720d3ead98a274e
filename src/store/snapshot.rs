//! Loading every case as it stood at the end of a date (SPEC 5), with the
//! reviews recorded up to then. Views and exports render these snapshots.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::codec::{self, CASE_COLUMNS, EVENT_COLUMNS};
use super::write::review_from_row;
use super::{Result, Store};
use crate::domain::case::replay;
use crate::domain::snapshot::Snapshot;
use crate::domain::{Case, Event, Review};

/// Every stage but `closed`, for the stage index.
const OPEN_STAGES: &str = "'referred', 'intake', 'triage', 'waiting', 'in_care', 'evaluation'";

impl Store {
    /// All cases as of the end of `as_of`. On or after `today` nothing can
    /// be dated later, so the stored state is the answer; for a past date
    /// the events up to then are replayed.
    pub fn snapshot(&self, as_of: NaiveDate, today: NaiveDate) -> Result<Snapshot> {
        let cases = if as_of >= today {
            self.current_cases()?
        } else {
            self.cases_as_of(as_of)?
        };
        Ok(Snapshot {
            as_of,
            cases,
            reviews: self.reviews_until(as_of)?,
        })
    }

    /// The open cases only (not closed) as of `as_of`: all the waiting lists,
    /// the stoplight and the agenda need. Today this reads the open cases
    /// through the stage index instead of the whole history; for a past date
    /// it is the full snapshot without its closed cases.
    pub fn open_snapshot(&self, as_of: NaiveDate, today: NaiveDate) -> Result<Snapshot> {
        if as_of < today {
            let mut snap = self.snapshot(as_of, today)?;
            snap.cases.retain(|c| c.stage.is_open());
            return Ok(snap);
        }
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {CASE_COLUMNS} FROM cases WHERE stage IN ({OPEN_STAGES}) ORDER BY id"
        ))?;
        let cases = stmt
            .query_map([], codec::case_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut stmt = self.conn.prepare(&format!(
            "SELECT id, case_id, on_date, next_on, note, statuses FROM reviews \
             WHERE case_id IN (SELECT id FROM cases WHERE stage IN ({OPEN_STAGES})) \
             ORDER BY case_id, on_date, id"
        ))?;
        let mut reviews: HashMap<i64, Vec<Review>> = HashMap::new();
        for r in stmt.query_map([], review_from_row)? {
            let r = r?;
            reviews.entry(r.case_id).or_default().push(r);
        }
        Ok(Snapshot {
            as_of,
            cases,
            reviews,
        })
    }

    fn current_cases(&self) -> Result<Vec<Case>> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {CASE_COLUMNS} FROM cases ORDER BY id"))?;
        let cases = stmt
            .query_map([], codec::case_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(cases)
    }

    /// Replays each case's events up to `as_of`, streaming them in case order.
    fn cases_as_of(&self, as_of: NaiveDate) -> Result<Vec<Case>> {
        let current: HashMap<i64, Case> = self
            .current_cases()?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE on_date <= ?1 ORDER BY case_id, on_date, id"
        ))?;
        let mut rows = stmt.query([as_of])?;
        let mut cases = Vec::new();
        let mut batch: Vec<Event> = Vec::new();
        let mut batch_case = None;
        let flush = |case_id: i64, batch: &mut Vec<Event>, cases: &mut Vec<Case>| {
            if let Some(now) = current.get(&case_id) {
                if let Some(mut c) = replay(case_id, &now.case_ref, batch, None) {
                    c.name = now.name.clone();
                    c.birth_date = now.birth_date;
                    cases.push(c);
                }
            }
            batch.clear();
        };
        while let Some(row) = rows.next()? {
            let case_id: i64 = row.get("case_id")?;
            if batch_case.is_some_and(|id| id != case_id) {
                flush(batch_case.expect("some"), &mut batch, &mut cases);
            }
            batch_case = Some(case_id);
            batch.push(codec::event_from_row(row)?);
        }
        if let Some(id) = batch_case {
            flush(id, &mut batch, &mut cases);
        }
        Ok(cases)
    }

    fn reviews_until(&self, as_of: NaiveDate) -> Result<HashMap<i64, Vec<Review>>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, case_id, on_date, next_on, note, statuses FROM reviews \
             WHERE on_date <= ?1 ORDER BY case_id, on_date, id",
        )?;
        let mut map: HashMap<i64, Vec<Review>> = HashMap::new();
        for r in stmt.query_map([as_of], review_from_row)? {
            let r = r?;
            map.entry(r.case_id).or_default().push(r);
        }
        Ok(map)
    }
}
