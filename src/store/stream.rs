//! The cases of a waiting list or of the board handed on one at a time,
//! instead of as a whole snapshot: the desk keeps compact rows of them,
//! and a country's 190,000 cases in care (about 60 MB as `Case`s) never
//! stand in memory at once.

use chrono::NaiveDate;

use super::codec::{self, CASE_COLUMNS};
use super::snapshot::Scope;
use super::{Result, Store};
use crate::domain::Case;

/// A case's moves into evaluation up to `?1` since its start of care, as
/// one `group_concat` (NULL for none): the rows `evaluation_dates` reads of
/// it, through the evaluation index.
const EVALUATIONS_OF_CASE: &str = "(SELECT group_concat(e.on_date) FROM events e \
     WHERE e.case_id = cases.id AND e.kind = 'moved' AND e.stage = 'evaluation' \
     AND e.on_date <= ?1 AND e.on_date >= cases.care_started_on)";

/// One episode in care as the evaluation list reads it (SPEC 1.7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CareEpisode<'a> {
    pub case_id: i64,
    pub care_started_on: Option<NaiveDate>,
    pub planned_end_on: Option<NaiveDate>,
    /// Its moves into evaluation since the start of care, in any order.
    pub evaluations: &'a [NaiveDate],
}

impl Store {
    /// The stored cases of stage `in_care` not touched after `as_of` (with
    /// `untouched`; all of them without), in no particular order, each as
    /// the episode the evaluation list reads: what a meeting's evaluation
    /// list reads beside the cases touched since, which it replays
    /// (`touched_as_of`). Only the columns a moment's date depends on, and
    /// one seek into the evaluation index per case.
    pub(super) fn each_in_care_episode(
        &self,
        as_of: NaiveDate,
        untouched: bool,
        each: &mut dyn FnMut(CareEpisode<'_>) -> Result<()>,
    ) -> Result<()> {
        let untouched = match untouched {
            true => " AND id NOT IN (SELECT case_id FROM events WHERE on_date > ?1)",
            false => "",
        };
        let sql = format!(
            "SELECT id, care_started_on, planned_end_on, {EVALUATIONS_OF_CASE} \
             FROM cases WHERE stage = 'in_care'{untouched}"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query([codec::Day(as_of)])?;
        let mut dates = Vec::new();
        while let Some(row) = rows.next()? {
            let case_id = row.get(0)?;
            codec::days_list(row, 3, case_id, &mut dates)?;
            each(CareEpisode {
                case_id,
                care_started_on: codec::opt_day(row, 1)?,
                planned_end_on: codec::opt_day(row, 2)?,
                evaluations: &dates,
            })?;
        }
        Ok(())
    }

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
        self.each_stored_case(&scope, &mut |case, _| each(case), false, as_of)
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
        self.each_stored_case(&Scope::InCare.sql(), each, true, as_of)
    }

    /// The stored cases meeting `scope` (SQL) by id; with `moves`, each
    /// with its moves into evaluation up to `as_of` since its start of care
    /// (one seek into the evaluation index per case).
    fn each_stored_case(
        &self,
        scope: &str,
        each: &mut dyn FnMut(Case, &[NaiveDate]) -> Result<()>,
        moves: bool,
        as_of: NaiveDate,
    ) -> Result<()> {
        let dates_column = match moves {
            true => EVALUATIONS_OF_CASE,
            false => "NULL",
        };
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {CASE_COLUMNS}, {dates_column} FROM cases WHERE ({scope}) ORDER BY id"
        ))?;
        let dates_at = CASE_COLUMNS.split(',').count();
        let mut dates = Vec::new();
        let mut rows = match moves {
            true => stmt.query([codec::Day(as_of)])?,
            false => stmt.query([])?,
        };
        while let Some(row) = rows.next()? {
            let case = self.shown(codec::case_from_row(row)?);
            // As `evaluation_dates`: only the moves of the current care
            // episode (the subquery's own condition), none without a start
            // of care.
            codec::days_list(row, dates_at, case.id, &mut dates)?;
            each(case, &dates)?;
        }
        Ok(())
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

    /// A move into evaluation whose date cannot be read stops the
    /// evaluation list with the sentence that names its case, on every way
    /// of reading it (the view's cases, the meeting's episodes, the dates
    /// of a snapshot's cases and of a few touched ones).
    #[test]
    fn an_unreadable_evaluation_date_names_its_case() {
        let (_dir, store) = demo_store(1, 300);
        let today = parse_date("2026-11-22").unwrap();
        let case_id: i64 = store
            .conn()
            .query_row(
                "SELECT e.case_id FROM events e JOIN cases c ON c.id = e.case_id \
                 WHERE c.stage = 'in_care' AND e.kind = 'moved' AND e.stage = 'evaluation' \
                 AND e.on_date >= c.care_started_on AND e.on_date < '2026-11-01' LIMIT 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        // A date of the right shape that is no date (the table's check
        // lets it through; the append-only trigger is set aside for it).
        store
            .conn()
            .execute_batch(&format!(
                "DROP TRIGGER events_append_only_update; \
                 UPDATE events SET on_date = substr(on_date, 1, 5) || '09-39' \
                 WHERE case_id = {case_id} AND kind = 'moved' AND stage = 'evaluation';"
            ))
            .unwrap();
        let named = |e: crate::domain::Msg| {
            assert_eq!(e.key, "error.unreadable_row", "{e:?}");
            assert_eq!(e.get("case_id"), Some(case_id.to_string().as_str()));
        };
        named(
            store
                .each_care_case(today, today, &mut |_, _| Ok(()))
                .unwrap_err(),
        );
        named(
            store
                .each_in_care_episode(today, false, &mut |_| Ok(()))
                .unwrap_err(),
        );
        let snapshot = store.care_snapshot(today, today).unwrap();
        named(store.evaluation_dates(today, &snapshot.cases).unwrap_err());
        let case = snapshot.cases.iter().find(|c| c.id == case_id).unwrap();
        let few = store.evaluation_dates_of_few(today, std::slice::from_ref(case));
        named(few.unwrap_err());
    }
}
