//! The cases of a waiting list or of the board handed on one at a time,
//! instead of as a whole snapshot: the desk keeps compact rows of them,
//! and a country's 190,000 cases in care (about 60 MB as `Case`s) never
//! stand in memory at once.

use chrono::NaiveDate;

use super::codec::{self, CASE_COLUMNS};
use super::snapshot::Scope;
use super::{Result, Store};
use crate::domain::Case;

/// The moves into evaluation up to `?1` in case order, read beside the
/// cases (both by id): the same rows `evaluation_dates` reads.
const EVALUATION_MOVES: &str = "SELECT case_id, on_date FROM events \
     WHERE kind = 'moved' AND stage = 'evaluation' AND on_date <= ?1 \
     ORDER BY case_id, on_date, id";

impl Store {
    /// The cases of `waitlist_snapshot(as_of, today)`, in its order (by
    /// id), handed to `each` one at a time.
    pub fn each_waiting_case(
        &self,
        as_of: NaiveDate,
        today: NaiveDate,
        each: &mut dyn FnMut(Case) -> Result<()>,
    ) -> Result<()> {
        if as_of < today {
            // Looking back the cases are replayed together (see
            // `cases_as_of`): handed on from the snapshot.
            let snapshot = self.waitlist_snapshot(as_of, today)?;
            return snapshot.cases.into_iter().try_for_each(each);
        }
        let scope = Scope::Waiting.sql();
        self.each_stored_case(&scope, None, &mut |case, _| each(case), false, as_of)
    }

    /// The cases of `care_snapshot(as_of, today)`, in its order (by id),
    /// each with its dates of moving into evaluation since its start of
    /// care, as `evaluation_dates` gives them: what the evaluation list
    /// reads of a case.
    pub fn each_care_case(
        &self,
        as_of: NaiveDate,
        today: NaiveDate,
        each: &mut dyn FnMut(Case, &[NaiveDate]) -> Result<()>,
    ) -> Result<()> {
        if as_of < today {
            let snapshot = self.care_snapshot(as_of, today)?;
            let dates = self.evaluation_dates(as_of, &snapshot.cases)?;
            for case in snapshot.cases {
                let of = dates.get(&case.id).cloned().unwrap_or_default();
                each(case, &of)?;
            }
            return Ok(());
        }
        self.each_stored_case(&Scope::InCare.sql(), None, each, true, as_of)
    }

    /// The stored cases of stage `in_care` not touched after `as_of` (with
    /// `untouched`; all of them without), by id, each with its moves into
    /// evaluation as `each_care_case` gives them: what a meeting's
    /// evaluation list reads beside the cases touched since, which it
    /// replays (`touched_as_of`). One walk of the cases and one of the
    /// evaluation index instead of a lookup per case.
    pub(super) fn each_untouched_in_care_case(
        &self,
        as_of: NaiveDate,
        untouched: bool,
        each: &mut dyn FnMut(Case, &[NaiveDate]) -> Result<()>,
    ) -> Result<()> {
        let since = untouched.then_some(as_of);
        self.each_stored_case("stage = 'in_care'", since, each, true, as_of)
    }

    /// The stored cases meeting `scope` (SQL) by id, without those with an
    /// event dated after `untouched_since` when given; with `moves`, each
    /// with its moves into evaluation up to `as_of` since its start of care
    /// (read beside the cases, both in case order).
    fn each_stored_case(
        &self,
        scope: &str,
        untouched_since: Option<NaiveDate>,
        each: &mut dyn FnMut(Case, &[NaiveDate]) -> Result<()>,
        moves: bool,
        as_of: NaiveDate,
    ) -> Result<()> {
        let untouched = match untouched_since {
            Some(_) => " AND id NOT IN (SELECT case_id FROM events WHERE on_date > ?1)",
            None => "",
        };
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {CASE_COLUMNS} FROM cases WHERE ({scope}){untouched} ORDER BY id"
        ))?;
        let mut moves_stmt = self.conn.prepare(EVALUATION_MOVES)?;
        let mut cursor = if moves {
            Some(MovesCursor {
                rows: moves_stmt.query([as_of])?,
                pending: None,
            })
        } else {
            None
        };
        let mut dates = Vec::new();
        let mut rows = match untouched_since {
            Some(since) => stmt.query([since])?,
            None => stmt.query([])?,
        };
        while let Some(row) = rows.next()? {
            let case = self.shown(codec::case_from_row(row)?);
            dates.clear();
            if let Some(cursor) = cursor.as_mut() {
                cursor.dates_of(case.id, &mut dates)?;
                // As `evaluation_dates`: only the moves of the current
                // care episode, none without a start of care.
                match case.care_started_on {
                    Some(started) => dates.retain(|d| *d >= started),
                    None => dates.clear(),
                }
            }
            each(case, &dates)?;
        }
        Ok(())
    }
}

/// The moves into evaluation in case order, taken case by case.
struct MovesCursor<'s> {
    rows: rusqlite::Rows<'s>,
    /// The first move of a later case, read while finishing a case.
    pending: Option<(i64, NaiveDate)>,
}

impl MovesCursor<'_> {
    /// The moves of `case_id` into `out`, in date order; those of cases
    /// before it are passed over.
    fn dates_of(&mut self, case_id: i64, out: &mut Vec<NaiveDate>) -> Result<()> {
        loop {
            let next = match self.pending.take() {
                Some(p) => p,
                None => match self.rows.next()? {
                    Some(row) => (row.get(0)?, codec::day(row, 1)?),
                    None => return Ok(()),
                },
            };
            if next.0 < case_id {
                continue;
            }
            if next.0 > case_id {
                self.pending = Some(next);
                return Ok(());
            }
            out.push(next.1);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::dates::parse_date;
    use crate::store::tests::demo_store;

    /// The streamed cases are the snapshots' cases, in their order, and
    /// each carries the evaluation dates `evaluation_dates` gives it; today
    /// and looking back.
    #[test]
    fn the_streamed_cases_are_the_snapshots_cases() {
        let (_dir, store) = demo_store(1, 300);
        let today = parse_date("2026-11-22").unwrap();
        for as_of in [today, parse_date("2026-06-30").unwrap()] {
            let mut waiting = Vec::new();
            store
                .each_waiting_case(as_of, today, &mut |c| {
                    waiting.push(c);
                    Ok(())
                })
                .unwrap();
            assert_eq!(
                waiting,
                store.waitlist_snapshot(as_of, today).unwrap().cases
            );
            let mut care = Vec::new();
            store
                .each_care_case(as_of, today, &mut |c, dates| {
                    care.push((c, dates.to_vec()));
                    Ok(())
                })
                .unwrap();
            let snapshot = store.care_snapshot(as_of, today).unwrap();
            let dates = store.evaluation_dates(as_of, &snapshot.cases).unwrap();
            assert!(care.iter().any(|(_, d)| !d.is_empty()), "{as_of}");
            let expected: Vec<_> = snapshot
                .cases
                .into_iter()
                .map(|c| {
                    let d = dates.get(&c.id).cloned().unwrap_or_default();
                    (c, d)
                })
                .collect();
            assert_eq!(care, expected);
        }
    }
}
