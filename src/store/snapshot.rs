//! Loading every case as it stood at the end of a date (SPEC 5), with the
//! reviews recorded up to then. Views and exports render these snapshots.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::codec::{self, CASE_COLUMNS, EVENT_COLUMNS};
use super::standing;
use super::write::{review_at, review_from_row};
use super::{Result, Store};
use crate::domain::agenda::Kind;
use crate::domain::case::replay;
use crate::domain::evaluation::{self, EvaluationRow, EvaluationRules};
use crate::domain::snapshot::Snapshot;
use crate::domain::waitlist::Queue;
use crate::domain::{Case, Review, Stage};

/// How many cases `Store::stoplight_stream` hands on at a time.
pub const STREAM_CASES: usize = 2048;

/// Which cases a snapshot holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scope {
    Open,
    /// On a waiting list (SPEC 2).
    Waiting,
    /// On the stoplight board (SPEC 3).
    InCare,
}

impl Scope {
    fn holds(self, case: &Case) -> bool {
        match self {
            Scope::Open => case.stage.is_open(),
            Scope::Waiting => Queue::ALL.iter().any(|q| q.holds(case.stage)),
            Scope::InCare => case.on_board(),
        }
    }

    /// The stage codes of the board's cases in code order (the order of
    /// `ORDER BY stage`): the stages in care, and `waiting` for a stepped
    /// case waiting for its next provider (see `sql`).
    fn board_stages() -> Vec<&'static str> {
        let mut codes: Vec<&'static str> = Stage::ALL
            .iter()
            .filter(|s| s.in_care())
            .map(|s| s.code())
            .chain([Stage::Waiting.code()])
            .collect();
        codes.sort_unstable();
        codes
    }

    /// The same test in SQL, on the stage index.
    pub(super) fn sql(self) -> String {
        let stages = |keep: fn(Stage) -> bool| {
            let codes: Vec<String> = Stage::ALL
                .iter()
                .filter(|s| keep(**s))
                .map(|s| format!("'{}'", s.code()))
                .collect();
            format!("stage IN ({})", codes.join(", "))
        };
        match self {
            Scope::Open => stages(Stage::is_open),
            Scope::Waiting => stages(|s| Queue::ALL.iter().any(|q| q.holds(s))),
            // Stepped cases waiting for a next provider stay on the board.
            Scope::InCare => format!(
                "({} OR (stage = 'waiting' AND care_started_on IS NOT NULL))",
                stages(Stage::in_care)
            ),
        }
    }
}

/// The moves into evaluation up to `?1`, per case in date order: read
/// through their own partial index (`events_evaluation`, schema version 10).
const EVALUATION_MOVES: &str = "SELECT case_id, on_date FROM events \
     WHERE kind = 'moved' AND stage = 'evaluation' AND on_date <= ?1 \
     ORDER BY case_id, on_date, id";

/// The board's cases of one stage (`?1`) in case-reference order, each
/// with the review it stands on today (`standing_reviews`): a walk of the
/// (stage, case_ref) index that SQLite need not sort, and one row lookup
/// per case instead of its review history.
fn board_stage_sql() -> String {
    format!(
        "SELECT c.*, {standing} \
         FROM (SELECT {CASE_COLUMNS} FROM cases WHERE stage = ?1 \
           AND (?1 <> 'waiting' OR care_started_on IS NOT NULL)) AS c \
         LEFT JOIN standing_reviews s ON s.case_id = c.id \
         ORDER BY c.case_ref",
        standing = prefixed("s", standing::COLUMNS),
    )
}

/// `columns` each prefixed with `table.`.
fn prefixed(table: &str, columns: &str) -> String {
    columns
        .split(", ")
        .map(|c| format!("{table}.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The standing reviews of the cases that meet a condition (`{scope}`),
/// in case order.
fn standing_of_scope(scope_sql: &str) -> String {
    format!(
        "SELECT {} FROM standing_reviews WHERE case_id IN (SELECT id FROM cases WHERE {scope_sql}) \
         ORDER BY case_id",
        standing::COLUMNS
    )
}

/// The cases with an event dated after `?1`.
const TOUCHED: &str = "SELECT case_id FROM events WHERE on_date > ?1";

/// Reviews ordered by case, read alongside cases in id order (the board,
/// the agenda, the council's one pass). The statuses JSON of a review is
/// parsed only when its case is asked for (or is the next one asked).
pub(super) struct ReviewCursor<'s> {
    rows: rusqlite::Rows<'s>,
    /// The first review of a later case, read while finishing a case.
    pending: Option<Review>,
}

impl<'s> ReviewCursor<'s> {
    pub(super) fn new(rows: rusqlite::Rows<'s>) -> ReviewCursor<'s> {
        ReviewCursor {
            rows,
            pending: None,
        }
    }

    /// The reviews of `case_id`, in the query's order; those of cases
    /// before it (not asked for) are passed over.
    pub(super) fn of(&mut self, case_id: i64) -> Result<Vec<Review>> {
        let mut out = Vec::new();
        loop {
            let review = match self.pending.take() {
                Some(r) => r,
                None => {
                    let Some(row) = self.rows.next()? else { break };
                    if row.get::<_, i64>(1)? < case_id {
                        continue;
                    }
                    review_from_row(row)?
                }
            };
            if review.case_id > case_id {
                self.pending = Some(review);
                break;
            }
            if review.case_id == case_id {
                out.push(review);
            }
        }
        Ok(out)
    }

    /// The one review `case_id` stands on in its current episode (referred
    /// on `referred_on`): its reviews since then, folded.
    fn standing_of(&mut self, case_id: i64, referred_on: NaiveDate) -> Result<Vec<Review>> {
        // Reviews of an earlier episode say nothing about this one.
        let mut current = self
            .of(case_id)?
            .into_iter()
            .filter(|r| r.on >= referred_on);
        let standing = current.next().map(|first| {
            current.fold(first, |mut s, r| {
                s.fold(r);
                s
            })
        });
        Ok(standing.into_iter().collect())
    }
}

impl Store {
    /// All cases as of the end of `as_of`. On or after `today` nothing can
    /// be dated later, so the stored state is the answer; for a past date
    /// the cases touched since are replayed (see `cases_as_of`).
    pub fn snapshot(&self, as_of: NaiveDate, today: NaiveDate) -> Result<Snapshot> {
        let mut cases = if as_of >= today {
            self.current_cases()?
        } else {
            self.cases_as_of(as_of, None)?
        };
        self.shown_all(&mut cases);
        Ok(Snapshot {
            as_of,
            cases,
            reviews: self.reviews_until(as_of)?,
        })
    }

    /// The open cases only (not closed) as of `as_of`, each with its
    /// standing review as in [`Store::stoplight_snapshot`]: all the waiting
    /// lists, the stoplight and the agenda need.
    pub fn open_snapshot(&self, as_of: NaiveDate, today: NaiveDate) -> Result<Snapshot> {
        self.scoped_snapshot(Scope::Open, as_of, today, true)
    }

    /// The cases on a waiting list as of `as_of` (SPEC 2), without reviews:
    /// a waiting list needs nothing else, and at scale these are a small
    /// part of even the open cases.
    pub fn waitlist_snapshot(&self, as_of: NaiveDate, today: NaiveDate) -> Result<Snapshot> {
        self.scoped_snapshot(Scope::Waiting, as_of, today, false)
    }

    /// The cases on the stoplight board as of `as_of` (SPEC 3) without their
    /// reviews: all the evaluation list needs (its moments are held by the
    /// start of care and the moves into evaluation, not by the stoplight).
    /// At country scale the board's reviews are a million JSON objects.
    pub fn care_snapshot(&self, as_of: NaiveDate, today: NaiveDate) -> Result<Snapshot> {
        self.scoped_snapshot(Scope::InCare, as_of, today, false)
    }

    /// The cases on the stoplight board as of `as_of` (SPEC 3), each with at
    /// most one review: its standing in the current episode (see
    /// [`Review::fold`]). The full review list is `Store::reviews`.
    pub fn stoplight_snapshot(&self, as_of: NaiveDate, today: NaiveDate) -> Result<Snapshot> {
        self.scoped_snapshot(Scope::InCare, as_of, today, true)
    }

    /// `stoplight_stream`, read on a thread of its own (the store goes
    /// with it) while `each` takes the parts in on this one: stepping and
    /// decoding the rows and what `each` does with them (judging them,
    /// packing them) run side by side, one part ahead at most. An error of
    /// `each` stops the reading and is the one returned.
    pub fn stoplight_stream_beside(
        self,
        as_of: NaiveDate,
        today: NaiveDate,
        part_cases: usize,
        each: &mut dyn FnMut(Snapshot) -> Result<()>,
    ) -> Result<()> {
        std::thread::scope(|scope| {
            let (parts, taken) = std::sync::mpsc::sync_channel::<Snapshot>(1);
            let reader = scope.spawn(move || {
                self.stoplight_stream(as_of, today, part_cases, &mut |part| {
                    // The receiver is gone only when `each` failed; its error
                    // is the one told, not this.
                    parts.send(part).map_err(|_| {
                        crate::domain::Msg::new("error.database").arg("reason", "stopped")
                    })
                })
            });
            let mut outcome = Ok(());
            for part in taken.iter() {
                outcome = each(part);
                if outcome.is_err() {
                    break;
                }
            }
            drop(taken);
            let read = reader
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            outcome.and(read)
        })
    }

    /// The stoplight snapshot of `as_of` handed to `each` in parts of at
    /// most `part_cases` cases (`STREAM_CASES`), every part a snapshot of
    /// its own (its cases with their standing review): an export holds one
    /// part at a time, not the board. The cases and their standing reviews
    /// (`standing_reviews`) come in one query in the order of the stage
    /// index, so SQLite sorts nothing. For a past date the board is
    /// replayed whole (see `cases_as_of`) and given as one part.
    pub fn stoplight_stream(
        &self,
        as_of: NaiveDate,
        today: NaiveDate,
        part_cases: usize,
        each: &mut dyn FnMut(Snapshot) -> Result<()>,
    ) -> Result<()> {
        if as_of < today {
            return each(self.stoplight_snapshot(as_of, today)?);
        }
        let part = || Snapshot {
            as_of,
            cases: Vec::with_capacity(part_cases),
            reviews: HashMap::new(),
        };
        // One walk of the (stage, case_ref) index per stage of the board, in
        // code order: as one `stage IN (…) OR …` query SQLite sorted the
        // whole board with its reviews' JSON in a temporary B-tree (about
        // 450 MB at 1M cases) before the first row came. Today each case
        // comes with its standing review, kept by every write.
        let mut stmt = self.conn.prepare(&board_stage_sql())?;
        let case_width = CASE_COLUMNS.split(',').count();
        let mut current = part();
        for stage in Scope::board_stages() {
            let mut rows = stmt.query([stage])?;
            while let Some(row) = rows.next()? {
                if current.cases.len() >= part_cases.max(1) {
                    each(std::mem::replace(&mut current, part()))?;
                }
                let case = self.shown(codec::case_from_row(row)?);
                if row.get_ref(case_width)? != rusqlite::types::ValueRef::Null {
                    current
                        .reviews
                        .insert(case.id, vec![review_at(row, case_width)?]);
                }
                current.cases.push(case);
            }
        }
        if !current.cases.is_empty() {
            each(current)?;
        }
        Ok(())
    }

    /// The cases of `scope` as of `as_of`. Today they are read through the
    /// stage index instead of the whole history; for a past date only the
    /// cases touched since are replayed. Reviews are read (and their JSON
    /// parsed) only for the scope's cases and their current episode, and
    /// folded into one per case; not at all without `with_reviews`.
    fn scoped_snapshot(
        &self,
        scope: Scope,
        as_of: NaiveDate,
        today: NaiveDate,
        with_reviews: bool,
    ) -> Result<Snapshot> {
        let scope_sql = scope.sql();
        let mut cases = if as_of >= today {
            let mut stmt = self.conn.prepare(&format!(
                "SELECT {CASE_COLUMNS} FROM cases WHERE {scope_sql} ORDER BY id"
            ))?;
            stmt.query_map([], codec::case_from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?
        } else {
            self.cases_as_of(as_of, Some(scope))?
        };
        self.shown_all(&mut cases);
        let mut reviews: HashMap<i64, Vec<Review>> = HashMap::new();
        if !with_reviews {
            return Ok(Snapshot {
                as_of,
                cases,
                reviews,
            });
        }
        if as_of >= today {
            // Today every case's standing review is kept in its own table.
            let mut stmt = self.conn.prepare(&standing_of_scope(&scope_sql))?;
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                let r = review_from_row(row)?;
                reviews.insert(r.case_id, vec![r]);
            }
            return Ok(Snapshot {
                as_of,
                cases,
                reviews,
            });
        }
        // For a past date all reviews up to then are read, and only these
        // cases' are parsed. The rules read only the reviews of the current
        // episode, folded into where the case stands: one review per case
        // is kept, folded as the rows stream in, instead of the whole
        // review history.
        let sql = "SELECT id, case_id, on_date, next_on, note, statuses FROM reviews \
             WHERE on_date <= ?1 ORDER BY case_id, on_date, id";
        let referred: HashMap<i64, NaiveDate> =
            cases.iter().map(|c| (c.id, c.referred_on)).collect();
        let mut stmt = self.conn.prepare(sql)?;
        let mut rows = stmt.query([as_of])?;
        while let Some(row) = rows.next()? {
            let case_id: i64 = row.get(1)?;
            let on = codec::day(row, 2)?;
            if referred.get(&case_id).is_none_or(|&r| on < r) {
                continue;
            }
            let r = review_from_row(row)?;
            match reviews.get_mut(&case_id) {
                Some(standing) => standing[0].fold(r),
                None => {
                    reviews.insert(case_id, vec![r]);
                }
            }
        }
        Ok(Snapshot {
            as_of,
            cases,
            reviews,
        })
    }

    /// The dates of the moves into `evaluation` on or before `as_of`, per
    /// case, of each case's current episode (on or after its start of care):
    /// what holds its evaluation moments (SPEC 1.7).
    pub fn evaluation_dates(
        &self,
        as_of: NaiveDate,
        cases: &[Case],
    ) -> Result<HashMap<i64, Vec<NaiveDate>>> {
        let started: HashMap<i64, NaiveDate> = cases
            .iter()
            .filter_map(|c| c.care_started_on.map(|d| (c.id, d)))
            .collect();
        let mut stmt = self.conn.prepare_cached(EVALUATION_MOVES)?;
        let mut out: HashMap<i64, Vec<NaiveDate>> = HashMap::new();
        let mut rows = stmt.query([as_of])?;
        while let Some(row) = rows.next()? {
            let case_id: i64 = row.get(0)?;
            let on = codec::case_day(row, 1, case_id)?;
            if started.get(&case_id).is_some_and(|s| on >= *s) {
                out.entry(case_id).or_default().push(on);
            }
        }
        Ok(out)
    }

    /// `evaluation_dates` for a few cases (those touched since a meeting's
    /// day began), each read through the evaluation index on its own
    /// instead of the moves of every case.
    pub(super) fn evaluation_dates_of_few(
        &self,
        as_of: NaiveDate,
        cases: &[Case],
    ) -> Result<HashMap<i64, Vec<NaiveDate>>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT on_date FROM events WHERE kind = 'moved' AND stage = 'evaluation' \
             AND case_id = ?1 AND on_date <= ?2 ORDER BY on_date, id",
        )?;
        let mut out: HashMap<i64, Vec<NaiveDate>> = HashMap::new();
        for case in cases {
            let Some(started) = case.care_started_on else {
                continue;
            };
            let mut rows = stmt.query(rusqlite::params![case.id, codec::Day(as_of)])?;
            while let Some(row) = rows.next()? {
                let on = codec::case_day(row, 0, case.id)?;
                if on >= started {
                    out.entry(case.id).or_default().push(on);
                }
            }
        }
        Ok(out)
    }

    /// The evaluation list (SPEC 1.7) of a snapshot: the store loads the
    /// evaluation dates, the domain computes. The one place both
    /// `export evaluations` and view 1 get their rows from, so the screen
    /// and the export never disagree.
    pub fn evaluation_list(
        &self,
        snapshot: &Snapshot,
        rules: &EvaluationRules,
    ) -> Result<Vec<EvaluationRow>> {
        let dates = self.evaluation_dates(snapshot.as_of, &snapshot.cases)?;
        Ok(evaluation::evaluation_list(
            &snapshot.cases,
            |id| dates.get(&id).map(Vec::as_slice).unwrap_or(&[]),
            snapshot.as_of,
            rules,
        ))
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

    /// The cases as they stood at the end of `as_of` (only those of `scope`
    /// when given). A case with no event dated after `as_of` stands as
    /// stored, since its state is the replay of its events; only the cases
    /// touched since are replayed, from their events up to `as_of`, streamed
    /// in case order. Names and birth dates are not history: the current
    /// ones are kept.
    fn cases_as_of(&self, as_of: NaiveDate, scope: Option<Scope>) -> Result<Vec<Case>> {
        let open = match scope {
            Some(scope) => format!(" AND {}", scope.sql()),
            None => String::new(),
        };
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {CASE_COLUMNS} FROM cases WHERE id NOT IN ({TOUCHED}){open}"
        ))?;
        let mut cases = stmt
            .query_map([as_of], codec::case_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        cases.extend(self.touched_as_of(as_of, scope)?);
        cases.sort_by_key(|c| c.id);
        Ok(cases)
    }

    /// The cases with an event dated after `as_of`, replayed from their
    /// events up to then (only those of `scope` when given), in id order.
    pub(super) fn touched_as_of(
        &self,
        as_of: NaiveDate,
        scope: Option<Scope>,
    ) -> Result<Vec<Case>> {
        let mut cases = Vec::new();
        let mut stmt = self.conn.prepare(&format!(
            "SELECT id, case_ref, name, birth_date FROM cases WHERE id IN ({TOUCHED})"
        ))?;
        let mut current: HashMap<i64, (String, Option<String>, Option<NaiveDate>)> = HashMap::new();
        let mut rows = stmt.query([as_of])?;
        while let Some(r) = rows.next()? {
            current.insert(r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?));
        }
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE on_date <= ?1 AND case_id IN ({TOUCHED}) \
             ORDER BY case_id, on_date, id"
        ))?;
        codec::each_history(&mut stmt, [as_of], |case_id, events| {
            let Some((case_ref, name, birth_date)) = current.remove(&case_id) else {
                return;
            };
            if let Some(mut c) = replay(case_id, &case_ref, events, None) {
                c.name = name;
                c.birth_date = birth_date;
                if scope.is_none_or(|s| s.holds(&c)) {
                    cases.push(c);
                }
            }
        })?;
        Ok(cases)
    }

    /// Streams the cases of a meeting's agenda as they stood at the end of
    /// `as_of` into `f`, in id order, each with its standing review folded
    /// as in [`Store::stoplight_snapshot`]. Nothing is held but the cases
    /// touched since `as_of` (replayed) and one case's reviews: the agenda
    /// keeps only its items, so a meeting costs what its agenda holds.
    /// `only`: an SQL condition on the stored cases that every case the
    /// caller can use meets (a superset, read through the indexes); the
    /// cases touched since `as_of` are all handed on, replayed.
    /// `replayed`: those cases when the caller has them already
    /// (`touched_as_of` of `as_of`, any scope holding the agenda's), so a
    /// meeting replays them once for its evaluation list and its agenda.
    pub fn each_agenda_case(
        &self,
        kind: Kind,
        as_of: NaiveDate,
        today: NaiveDate,
        only: Option<&str>,
        replayed: Option<Vec<Case>>,
        mut f: impl FnMut(&Case, &[Review]),
    ) -> Result<()> {
        let scope = match kind {
            Kind::Team => Scope::Open,
            Kind::Stoplight => Scope::InCare,
        };
        let scope_sql = match only {
            Some(only) => format!("{} AND ({only})", scope.sql()),
            None => scope.sql(),
        };
        let past = as_of < today;
        let touched = match replayed {
            _ if !past => Vec::new(),
            Some(cases) => cases.into_iter().filter(|c| scope.holds(c)).collect(),
            None => self.touched_as_of(as_of, Some(scope))?,
        };
        let mut touched = touched.into_iter().peekable();
        let not_touched = if past {
            format!("id NOT IN ({TOUCHED}) AND ")
        } else {
            String::new()
        };
        // The cases not touched since `as_of` have no review dated later
        // (a review is an event of its date) and the episode they had then:
        // the review they stood on then is the one they stand on now, kept
        // in `standing_reviews` and read in the same row (as `s`, which the
        // scope may name). Only the touched ones (replayed) have their
        // reviews up to `as_of` folded, one case at a time.
        let mut cases = self.conn.prepare(&format!(
            "SELECT {CASE_COLUMNS}, {standing} FROM cases \
             LEFT JOIN standing_reviews s ON s.case_id = cases.id \
             WHERE {not_touched}{scope_sql} ORDER BY id",
            standing = prefixed("s", standing::COLUMNS),
        ))?;
        let review_at_col = CASE_COLUMNS.split(',').count();
        let stored_of = |row: &rusqlite::Row| -> Result<(Case, Vec<Review>)> {
            let case = codec::case_from_row(row)?;
            let standing = match row.get_ref(review_at_col)? {
                rusqlite::types::ValueRef::Null => Vec::new(),
                _ => vec![review_at(row, review_at_col)?],
            };
            Ok((case, standing))
        };
        let mut stored = if past {
            cases.query([as_of])?
        } else {
            cases.query([])?
        };
        let mut next_stored = match stored.next()? {
            Some(row) => Some(stored_of(row)?),
            None => None,
        };
        loop {
            let take_touched = match (&next_stored, touched.peek()) {
                (Some((s, _)), Some(t)) => t.id < s.id,
                (None, Some(_)) => true,
                (_, None) => false,
            };
            let (case, standing) = if take_touched {
                let Some(case) = touched.next() else { break };
                let standing = self.standing_review(case.id, case.referred_on, as_of)?;
                (case, standing)
            } else {
                let Some(current) = next_stored.take() else {
                    break;
                };
                next_stored = match stored.next()? {
                    Some(row) => Some(stored_of(row)?),
                    None => None,
                };
                current
            };
            f(&self.shown(case), standing.as_slice());
        }
        Ok(())
    }

    /// One case's reviews of its current episode up to `as_of`, folded into
    /// where it stands (none: never reviewed).
    fn standing_review(
        &self,
        case_id: i64,
        referred_on: NaiveDate,
        as_of: NaiveDate,
    ) -> Result<Vec<Review>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, case_id, on_date, next_on, note, statuses FROM reviews \
             WHERE case_id = ?1 AND on_date >= ?2 AND on_date <= ?3 ORDER BY on_date, id",
        )?;
        let mut standing: Option<Review> = None;
        let mut rows = stmt.query(rusqlite::params![case_id, referred_on, as_of])?;
        while let Some(row) = rows.next()? {
            let review = review_from_row(row)?;
            match standing.as_mut() {
                Some(s) => s.fold(review),
                None => standing = Some(review),
            }
        }
        Ok(standing.into_iter().collect())
    }

    /// Every reviewed case's standing review as kept in `standing_reviews`
    /// (`store::standing`), by case id.
    pub fn standing_reviews(&self) -> Result<HashMap<i64, Review>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {} FROM standing_reviews",
            standing::COLUMNS
        ))?;
        let rows = stmt.query_map([], review_from_row)?;
        let mut out = HashMap::new();
        for r in rows {
            let r = r?;
            out.insert(r.case_id, r);
        }
        Ok(out)
    }

    /// Every case's standing review folded from its reviews of the current
    /// episode, as the board read it before the table: the oracle of the
    /// table's tests.
    pub fn standing_reviews_replayed(&self) -> Result<HashMap<i64, Review>> {
        let mut cases = self
            .conn
            .prepare("SELECT id, referred_on FROM cases ORDER BY id")?;
        let mut reviews = self.conn.prepare(
            "SELECT id, case_id, on_date, next_on, note, statuses FROM reviews \
             ORDER BY case_id, on_date, id",
        )?;
        let mut cursor = ReviewCursor::new(reviews.query([])?);
        let mut rows = cases.query([])?;
        let mut out = HashMap::new();
        while let Some(row) = rows.next()? {
            let (id, referred_on) = (row.get(0)?, codec::day(row, 1)?);
            if let Some(r) = cursor.standing_of(id, referred_on)?.pop() {
                out.insert(id, r);
            }
        }
        Ok(out)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::parse_date;
    use crate::domain::{agenda, stoplight};

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    /// Every case replayed from its own events up to `as_of`: what a past
    /// snapshot must equal, however it is computed.
    fn replayed_one_by_one(store: &Store, as_of: NaiveDate) -> Vec<Case> {
        let mut out = Vec::new();
        for now in store
            .snapshot(d("2026-11-22"), d("2026-11-22"))
            .unwrap()
            .cases
        {
            let mut events = store.events(now.id).unwrap();
            events.retain(|e| e.on <= as_of);
            if let Some(mut c) = replay(now.id, &now.case_ref, &events, None) {
                c.name = now.name.clone();
                c.birth_date = now.birth_date;
                out.push(c);
            }
        }
        out
    }

    /// The evaluation list reads the moves into evaluation from their own
    /// index, not by walking every event of every case (7 s at 1M cases);
    /// and the board without reviews holds the same cases as with them.
    #[test]
    fn evaluation_moves_are_read_from_their_index_and_care_cases_match_the_board() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("t.db")).unwrap();
        let plan: Vec<String> = store
            .conn
            .prepare(&format!("EXPLAIN QUERY PLAN {EVALUATION_MOVES}"))
            .unwrap()
            .query_map(["2026-11-22"], |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert!(
            !plan.is_empty()
                && plan
                    .iter()
                    .all(|p| p.contains("COVERING INDEX events_evaluation")),
            "{plan:?}"
        );
        assert!(plan.iter().all(|p| !p.contains("TEMP B-TREE")), "{plan:?}");
        // The streamed board is not sorted in a temporary B-tree either
        // (450 MB at 1M cases when it was).
        let plan: Vec<String> = store
            .conn
            .prepare(&format!("EXPLAIN QUERY PLAN {}", board_stage_sql()))
            .unwrap()
            .query_map(["in_care"], |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert!(
            plan.iter().any(|p| p.contains("cases_stage_ref")),
            "{plan:?}"
        );
        assert!(plan.iter().all(|p| !p.contains("TEMP B-TREE")), "{plan:?}");
        let today = d("2026-11-22");
        let demo = crate::demo::generate(5, today, 300);
        store
            .insert_bundles(&demo, today, "test", &mut |_| {})
            .unwrap();
        for as_of in [d("2026-06-30"), today] {
            let board = store.stoplight_snapshot(as_of, today).unwrap();
            let care = store.care_snapshot(as_of, today).unwrap();
            assert!(!care.cases.is_empty() && care.reviews.is_empty());
            assert_eq!(care.cases, board.cases, "{as_of}");
        }
    }

    #[test]
    fn past_and_scoped_snapshots_equal_a_replay_of_every_case() {
        let (_dir, store) = crate::store::tests::demo_store(3, 400);
        let today = d("2026-11-22");
        for as_of in [
            "2024-06-01",
            "2025-06-30",
            "2026-11-01",
            "2026-11-21",
            "2026-11-22",
        ] {
            let as_of = d(as_of);
            let want = replayed_one_by_one(&store, as_of);
            let snap = store.snapshot(as_of, today).unwrap();
            assert_eq!(snap.cases, want, "{as_of}");
            let open = store.open_snapshot(as_of, today).unwrap();
            let want_open: Vec<Case> = want.into_iter().filter(|c| c.stage.is_open()).collect();
            assert!(!want_open.is_empty() && want_open.len() < snap.cases.len());
            assert_eq!(open.cases, want_open, "{as_of}");
            assert!(
                open.reviews
                    .keys()
                    .all(|id| open.cases.iter().any(|c| c.id == *id))
            );
            let waiting = store.waitlist_snapshot(as_of, today).unwrap();
            let want_waiting: Vec<&Case> =
                open.cases.iter().filter(|c| !c.stage.in_care()).collect();
            assert!(!want_waiting.is_empty());
            assert_eq!(waiting.cases.iter().collect::<Vec<_>>(), want_waiting);
            assert!(waiting.reviews.is_empty());
            let board = store.stoplight_snapshot(as_of, today).unwrap();
            let want_board: Vec<&Case> = open.cases.iter().filter(|c| c.on_board()).collect();
            assert_eq!(board.cases.iter().collect::<Vec<_>>(), want_board);
            assert!(board.reviews.values().all(|r| r.len() == 1));
        }
    }

    /// Read beside, the stoplight parts are the parts read in place, in
    /// their order; an error of the taker stops the reading and is the one
    /// returned.
    #[test]
    fn parts_read_beside_are_the_parts_read_in_place() {
        let (dir, store) = crate::store::tests::demo_store(3, 400);
        let today = d("2026-11-22");
        let mut here = Vec::new();
        store
            .stoplight_stream(today, today, 25, &mut |part| {
                here.push(part.cases);
                Ok(())
            })
            .unwrap();
        assert!(here.len() > 3, "{} parts", here.len());
        let twin = || Store::open(&dir.path().join("t.db")).unwrap();
        let mut beside = Vec::new();
        twin()
            .stoplight_stream_beside(today, today, 25, &mut |part| {
                beside.push(part.cases);
                Ok(())
            })
            .unwrap();
        assert_eq!(beside, here);
        let mut taken = 0;
        let refused = twin().stoplight_stream_beside(today, today, 25, &mut |_| {
            taken += 1;
            match taken {
                2 => Err(crate::domain::Msg::new("error.disk_full")),
                _ => Ok(()),
            }
        });
        assert_eq!(refused.unwrap_err().key, "error.disk_full");
        assert_eq!(taken, 2, "nothing is taken after the error");
    }

    /// The board and the agenda read one folded review per case; the rules
    /// must find on it exactly what they find on the full review history,
    /// earlier episodes and later reviews included.
    #[test]
    fn folded_reviews_give_the_board_and_agenda_of_the_full_history() {
        let (_dir, store) = crate::store::tests::demo_store(7, 600);
        let today = d("2026-11-22");
        let config = crate::context::config::Config::default();
        let codes = config.precondition_codes();
        let (mut earlier_episode, mut several, mut due_seen) = (false, false, false);
        for as_of in ["2025-01-15", "2025-09-30", "2026-06-01", "2026-11-22"] {
            let as_of = d(as_of);
            let full = store.snapshot(as_of, today).unwrap();
            let board = store.stoplight_snapshot(as_of, today).unwrap();
            for c in full.cases.iter().filter(|c| c.on_board()) {
                let all = full.reviews_of(c.id);
                earlier_episode |= all.iter().any(|r| r.on < c.referred_on);
                several |= all.iter().filter(|r| r.on >= c.referred_on).count() > 1;
            }
            let rows = stoplight::stoplight(&full, &codes, config.norms.care);
            assert!(rows.len() > 20, "{as_of}: {}", rows.len());
            assert!(rows.iter().any(|r| r.last_review_on.is_some()));
            assert_eq!(
                stoplight::stoplight(&board, &codes, config.norms.care),
                rows,
                "{as_of}"
            );
            // The streamed agenda of a meeting the day after (a future
            // one for today) equals the agenda of the full snapshot.
            let on = as_of.succ_opt().unwrap();
            // The evaluation list of the meeting, as the store streams it and
            // as the domain computes it from the whole snapshot.
            let due = store.due_moments(on, today, &config.evaluation).unwrap();
            let dates = store.evaluation_dates(as_of, &full.cases).unwrap();
            let mut want_due: Vec<agenda::DueMoment> = evaluation::evaluation_list(
                full.cases.iter().filter(|c| c.stage.is_open()),
                |id| dates.get(&id).map_or(&[], Vec::as_slice),
                on,
                &config.evaluation,
            )
            .into_iter()
            .map(|r| agenda::DueMoment {
                case_id: r.case_id,
                moment: r.moment.code().to_string(),
                due_on: r.due_on,
                signal: r.signal,
            })
            .collect();
            want_due.sort_by_key(|m| (m.due_on, m.case_id));
            assert_eq!(due, want_due, "{as_of}");
            due_seen |= due.iter().any(|m| m.signal != crate::domain::Signal::Green);
            for kind in agenda::Kind::ALL {
                let meeting = agenda::Meeting {
                    kind: *kind,
                    on,
                    provider: None,
                };
                let want = agenda::agenda(&full, meeting.clone(), &config.norms, &codes, &due);
                let got = store
                    .agenda(meeting.clone(), today, &config.norms, &codes, &due)
                    .unwrap();
                assert!(!want.items.is_empty());
                assert_eq!(got, want, "{as_of} {kind}");
                // The meeting's own load, replaying the touched cases once
                // for both its evaluation list and its agenda.
                let (norms, rules) = (&config.norms, &config.evaluation);
                let got = store
                    .meeting_agenda(meeting.clone(), today, norms, &codes, rules)
                    .unwrap();
                assert_eq!(got, want, "{as_of} {kind}: meeting_agenda");
                // The same with the day's records, half read on a second
                // connection.
                let (got, records) = store
                    .meeting(meeting.clone(), today, norms, &codes, rules)
                    .unwrap();
                assert_eq!(got, want, "{as_of} {kind}: meeting");
                let on_this = store.records_on(on, today, &codes, norms.care).unwrap();
                assert_eq!(records, on_this, "{as_of} {kind}: records");
            }
        }
        assert!(
            earlier_episode,
            "a case in care has reviews of an earlier episode"
        );
        assert!(several, "a case in care has several reviews in its episode");
        assert!(due_seen, "an evaluation moment is due at a meeting");
    }
}
