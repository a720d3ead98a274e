//! The `standing_reviews` table (`schema::standing_migration`): per case,
//! its reviews of the current episode (dated on or after its referral)
//! folded into the one review it stands on (`Review::fold`). Every write
//! that adds a review or moves a case keeps its row in the same
//! transaction, so the board, its exports and the agenda of today read one
//! row per case instead of every case's review history.
//!
//! The row has the columns of a `reviews` row, in the same order
//! (`COLUMNS`), so `write::review_from_row` reads both.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rusqlite::{Connection, params};

use super::Result;
use super::codec::Day;
use crate::domain::Review;
use crate::domain::codes::Status;

/// The columns of a row, in the order of a `reviews` row.
pub const COLUMNS: &str = "review_id, case_id, on_date, next_on, note, statuses";

/// A case's reviews of its current episode, in date order, as stored.
const EPISODE_REVIEWS: &str = "SELECT id, on_date, next_on, note, statuses FROM reviews \
    WHERE case_id = ?1 AND on_date >= ?2 ORDER BY on_date, id";

/// Every case's reviews of its current episode, in case and date order:
/// the cases by row id, each with its reviews through `reviews_case`, so
/// SQLite sorts nothing (ordered by the reviews' case_id it sorted every
/// review with its JSON in a temporary B-tree).
const ALL_EPISODE_REVIEWS: &str = "SELECT c.id, r.id, r.on_date, r.next_on, r.note, r.statuses \
    FROM cases c CROSS JOIN reviews r ON r.case_id = c.id AND r.on_date >= c.referred_on \
    ORDER BY c.id, r.on_date, r.id";

const INSERT: &str = "INSERT INTO standing_reviews (review_id, case_id, on_date, next_on, note, \
    statuses) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

/// One stored review as text, the statuses parsed where they can be.
struct Raw {
    id: i64,
    on: String,
    next_on: String,
    note: Option<String>,
    statuses: String,
}

impl Raw {
    fn from_row(row: &rusqlite::Row, at: usize) -> rusqlite::Result<Raw> {
        Ok(Raw {
            id: row.get(at)?,
            on: row.get(at + 1)?,
            next_on: row.get(at + 2)?,
            note: row.get(at + 3)?,
            statuses: row.get(at + 4)?,
        })
    }
}

/// The fold of one case's reviews as they stream in, in date order. A
/// review whose statuses cannot be read is kept as it is and ends the fold:
/// whoever reads the row meets the error, as with the reviews themselves.
#[derive(Default)]
struct Fold {
    last: Option<Raw>,
    statuses: BTreeMap<String, Status>,
    unreadable: bool,
}

impl Fold {
    fn add(&mut self, review: Raw) {
        if self.unreadable {
            return;
        }
        match serde_json::from_str::<BTreeMap<String, Status>>(&review.statuses) {
            Ok(statuses) => self.statuses.extend(statuses),
            Err(_) => self.unreadable = true,
        }
        self.last = Some(review);
    }

    /// The row it comes to (none without a review): the latest review's
    /// id, dates and note, and every status with the later ones winning.
    fn finish(self) -> Option<Raw> {
        let mut last = self.last?;
        if !self.unreadable {
            last.statuses = serde_json::to_string(&self.statuses).expect("statuses serialise");
        }
        Some(last)
    }
}

/// Writes the row of `case_id`.
fn insert(conn: &Connection, case_id: i64, row: &Raw) -> Result<()> {
    conn.prepare_cached(INSERT)?.execute(params![
        row.id,
        case_id,
        row.on,
        row.next_on,
        row.note,
        row.statuses
    ])?;
    Ok(())
}

/// Rewrites the row of one case from its stored reviews since
/// `referred_on`, the start of its current episode.
pub fn write_case(conn: &Connection, case_id: i64, referred_on: NaiveDate) -> Result<()> {
    conn.prepare_cached("DELETE FROM standing_reviews WHERE case_id = ?1")?
        .execute([case_id])?;
    let mut stmt = conn.prepare_cached(EPISODE_REVIEWS)?;
    let mut rows = stmt.query(params![case_id, Day(referred_on)])?;
    let mut fold = Fold::default();
    while let Some(row) = rows.next()? {
        fold.add(Raw::from_row(row, 0)?);
    }
    match fold.finish() {
        Some(row) => insert(conn, case_id, &row),
        None => Ok(()),
    }
}

/// Writes the row of a case just inserted with `reviews` (a bulk load):
/// folded here, since the load may have set the reviews' index aside.
pub fn insert_new_case(
    conn: &Connection,
    case_id: i64,
    referred_on: NaiveDate,
    reviews: &mut [Review],
) -> Result<()> {
    reviews.sort_by_key(|r| (r.on, r.id));
    let mut current = reviews.iter().filter(|r| r.on >= referred_on);
    let Some(first) = current.next() else {
        return Ok(());
    };
    let mut standing = first.clone();
    current.for_each(|r| standing.fold(r.clone()));
    conn.prepare_cached(INSERT)?.execute(params![
        standing.id,
        case_id,
        Day(standing.on),
        Day(standing.next_on),
        standing.note,
        serde_json::to_string(&standing.statuses).expect("statuses serialise"),
    ])?;
    Ok(())
}

/// Fills the table from every case's reviews (the migration that creates
/// it; `stroom check` compares the table against the same fold).
pub fn rebuild_all(conn: &Connection) -> Result<()> {
    conn.execute("DELETE FROM standing_reviews", [])?;
    each_fold(conn, &mut |case_id, row| insert(conn, case_id, &row))
}

/// Hands every reviewed case's row, as its reviews fold, to `each`, in
/// case order.
fn each_fold(conn: &Connection, each: &mut dyn FnMut(i64, Raw) -> Result<()>) -> Result<()> {
    let mut stmt = conn.prepare(ALL_EPISODE_REVIEWS)?;
    let mut rows = stmt.query([])?;
    let mut current: Option<(i64, Fold)> = None;
    while let Some(row) = rows.next()? {
        let case_id: i64 = row.get(0)?;
        if current.as_ref().is_none_or(|(id, _)| *id != case_id) {
            if let Some((id, row)) = current.take().and_then(|(id, f)| Some((id, f.finish()?))) {
                each(id, row)?;
            }
            current = Some((case_id, Fold::default()));
        }
        if let Some((_, fold)) = current.as_mut() {
            fold.add(Raw::from_row(row, 1)?);
        }
    }
    if let Some((id, row)) = current.and_then(|(id, f)| Some((id, f.finish()?))) {
        each(id, row)?;
    }
    Ok(())
}

/// The cases whose row differs from the fold of their reviews (a row
/// missing, extra or different), in case order: what `stroom check`
/// reports.
pub fn mismatches(conn: &Connection) -> Result<Vec<i64>> {
    let mut stored: BTreeMap<i64, Raw> = BTreeMap::new();
    {
        let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM standing_reviews"))?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let raw = Raw {
                id: row.get(0)?,
                on: row.get(2)?,
                next_on: row.get(3)?,
                note: row.get(4)?,
                statuses: row.get(5)?,
            };
            stored.insert(row.get(1)?, raw);
        }
    }
    let mut out = Vec::new();
    each_fold(conn, &mut |case_id, want| {
        if stored.remove(&case_id).is_none_or(|got| !got.same(&want)) {
            out.push(case_id);
        }
        Ok(())
    })?;
    out.extend(stored.into_keys());
    out.sort_unstable();
    Ok(out)
}

impl Raw {
    /// Rows are the same if all but the statuses are, and the statuses
    /// hold the same map (however the JSON is spelled).
    fn same(&self, other: &Raw) -> bool {
        let parse = |s: &str| serde_json::from_str::<serde_json::Value>(s).ok();
        self.id == other.id
            && self.on == other.on
            && self.next_on == other.next_on
            && self.note == other.note
            && (self.statuses == other.statuses
                || parse(&self.statuses).is_some_and(|x| Some(x) == parse(&other.statuses)))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::domain::dates::parse_date;
    use crate::domain::{Move, OutflowReason, ReviewInput, Route, Stage};
    use crate::store::{NewReferral, Store};

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    /// The kept rows equal the fold of the reviews (the board's read before
    /// the table), a rebuild gives the same rows, and `check` is content.
    fn kept_equals_fold(store: &Store) -> std::result::Result<(), TestCaseError> {
        let kept = store.standing_reviews().unwrap();
        prop_assert_eq!(&kept, &store.standing_reviews_replayed().unwrap());
        prop_assert_eq!(mismatches(store.conn()).unwrap(), Vec::<i64>::new());
        rebuild_all(store.conn()).unwrap();
        prop_assert_eq!(store.standing_reviews().unwrap(), kept);
        Ok(())
    }

    /// One step of a random history of one case.
    #[derive(Debug, Clone)]
    enum Step {
        /// Onto the board: intake, triage and team care.
        IntoCare,
        Move(Stage, OutflowReason),
        Review {
            statuses: Vec<(usize, Status)>,
            note: Option<&'static str>,
        },
        /// Closed and referred again: a new episode.
        Reopen,
        Erase,
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            2 => Just(Step::IntoCare),
            3 => (
                prop::sample::select(Stage::ALL.to_vec()),
                prop::sample::select(OutflowReason::ALL.to_vec()),
            )
                .prop_map(|(s, r)| Step::Move(s, r)),
            5 => (
                prop::collection::vec((0usize..8, prop::sample::select(Status::ALL.to_vec())), 0..4),
                prop::option::of(prop::sample::select(vec!["eerst", "later"])),
            )
                .prop_map(|(statuses, note)| Step::Review { statuses, note }),
            2 => Just(Step::Reopen),
            1 => Just(Step::Erase),
        ]
    }

    /// Applies a step on a day; refusals (the lifecycle's rules, a review
    /// of a case not on the board) are part of the history: nothing is
    /// written then.
    fn apply(store: &mut Store, case_ref: &str, s: &Step, on: NaiveDate, today: NaiveDate) {
        let codes = crate::context::config::Config::default().precondition_codes();
        match s {
            Step::IntoCare => {
                let team = Move {
                    route: Some(Route::Team),
                    ..Move::default()
                };
                for m in [Move::to(Stage::Intake), Move::to(Stage::Triage), team] {
                    let _ = store.move_case(case_ref, &m, on, today, "t", None);
                }
            }
            Step::Move(to, reason) => {
                let m = Move {
                    reason: (*to == Stage::Closed).then_some(*reason),
                    ..Move::to(*to)
                };
                let _ = store.move_case(case_ref, &m, on, today, "t", None);
            }
            Step::Review { statuses, note } => {
                let input = ReviewInput {
                    statuses: statuses
                        .iter()
                        .map(|(i, st)| (codes[i % codes.len()].clone(), *st))
                        .collect(),
                    next_on: None,
                    note: note.map(str::to_string),
                };
                let _ = store.record_review(case_ref, on, &input, today, "t", &codes, None);
            }
            Step::Reopen => {
                let close = Move {
                    reason: Some(OutflowReason::GoalsMet),
                    ..Move::to(Stage::Closed)
                };
                let _ = store.move_case(case_ref, &close, on, today, "t", None);
                let _ = store.move_case(case_ref, &Move::to(Stage::Referred), on, today, "t", None);
            }
            Step::Erase => {
                store.erase_case(case_ref, "test", "t").unwrap();
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(40))]

        /// Random histories of a few cases (into care, reviews backdated
        /// or not, closes and reopenings that start a new episode, moves
        /// back, erasures): after every history the kept standing rows
        /// are the fold of each case's reviews of its current episode.
        #[test]
        fn the_kept_rows_are_the_fold_of_the_reviews(
            steps in prop::collection::vec(
                (0usize..3, step(), 0u64..25, prop_oneof![3 => Just(0u64), 1 => 0u64..60]),
                1..60,
            ),
        ) {
            let dir = tempfile::tempdir().unwrap();
            let mut store = Store::open(&dir.path().join("t.db")).unwrap();
            let base = d("2025-06-01");
            let today = d("2026-05-01");
            for i in 0..3u64 {
                let new = NewReferral {
                    case_ref: Some(format!("C{i}")),
                    name: Some("Kind".into()),
                    birth_date: None,
                    referred_on: base + chrono::Days::new(i * 10),
                    referrer: crate::domain::Referrer::Gp,
                    urgency: crate::domain::Urgency::Regular,
                    worker: None,
                };
                store.add_referral(&new, today, "t").unwrap();
            }
            // Mostly forward in time, now and then backdated.
            let mut day = base;
            for (case, s, advance, back) in &steps {
                day = (day + chrono::Days::new(*advance)).min(today);
                let on = day - chrono::Days::new(*back);
                apply(&mut store, &format!("C{case}"), s, on, today);
            }
            kept_equals_fold(&store)?;
        }
    }

    /// A reopened case starts a new episode: its earlier reviews no longer
    /// stand, on the day it is referred again a review counts again.
    #[test]
    fn a_new_episode_leaves_the_earlier_reviews_behind() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("t.db")).unwrap();
        let today = d("2026-05-01");
        let new = NewReferral {
            case_ref: Some("A".into()),
            name: None,
            birth_date: None,
            referred_on: d("2026-01-05"),
            referrer: crate::domain::Referrer::Gp,
            urgency: crate::domain::Urgency::Regular,
            worker: None,
        };
        store.add_referral(&new, today, "t").unwrap();
        let review = Step::Review {
            statuses: vec![(0, Status::Missing)],
            note: Some("eerst"),
        };
        apply(&mut store, "A", &Step::IntoCare, d("2026-01-12"), today);
        apply(&mut store, "A", &review, d("2026-02-01"), today);
        let first = store.standing_reviews().unwrap();
        assert_eq!(first.len(), 1);
        apply(&mut store, "A", &Step::Reopen, d("2026-03-02"), today);
        assert!(store.standing_reviews().unwrap().is_empty());
        apply(&mut store, "A", &Step::IntoCare, d("2026-03-02"), today);
        let again = Step::Review {
            statuses: vec![(1, Status::Ok)],
            note: None,
        };
        apply(&mut store, "A", &again, d("2026-03-02"), today);
        let kept = store.standing_reviews().unwrap();
        let standing = kept.values().next().unwrap();
        assert_eq!(
            (standing.on, standing.note.as_deref()),
            (d("2026-03-02"), None)
        );
        assert_eq!(standing.statuses.len(), 1, "{standing:?}");
        assert_eq!(kept, store.standing_reviews_replayed().unwrap());
    }

    /// The demo team, written whole case by case (the bundle writer) and
    /// then replaced by another (`demo --force`): the rows are those of the
    /// fold, including cases reviewed in an earlier episode, and the
    /// board of today reads them.
    #[test]
    fn bulk_loads_and_replacements_keep_the_rows() {
        let (dir, mut store) = crate::store::tests::demo_store(7, 600);
        let today = d("2026-11-22");
        kept_equals_fold(&store).unwrap();
        let kept = store.standing_reviews().unwrap();
        assert!(kept.len() > 100, "{}", kept.len());
        let reopened: i64 = store
            .conn()
            .query_row(
                "SELECT count(*) FROM cases c WHERE EXISTS (SELECT 1 FROM reviews r \
                 WHERE r.case_id = c.id AND r.on_date < c.referred_on)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(reopened > 0, "a case has reviews of an earlier episode");
        let board = store.stoplight_snapshot(today, today).unwrap();
        for c in &board.cases {
            assert_eq!(board.reviews_of(c.id).first(), kept.get(&c.id));
        }
        let other = crate::demo::generate(8, today, 300);
        let backup = dir.path().join("before.db");
        let replacement = crate::store::Replacement {
            backup: &backup,
            person: "t",
            detail: "test",
        };
        store
            .replace_cases(&other, today, "t", &replacement, &mut |_| {})
            .unwrap();
        kept_equals_fold(&store).unwrap();
        assert_ne!(store.standing_reviews().unwrap(), kept);
    }

    /// The fill and the check read every review in one pass that SQLite
    /// need not sort (at 1M cases a sort of every review's JSON).
    #[test]
    fn every_review_is_read_without_a_sort() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("t.db")).unwrap();
        let plan: Vec<String> = store
            .conn()
            .prepare(&format!("EXPLAIN QUERY PLAN {ALL_EPISODE_REVIEWS}"))
            .unwrap()
            .query_map([], |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert!(plan.iter().any(|p| p.contains("reviews_case")), "{plan:?}");
        assert!(plan.iter().all(|p| !p.contains("TEMP B-TREE")), "{plan:?}");
    }

    /// A row that disagrees with the reviews is reported by `stroom check`
    /// under its case.
    #[test]
    fn check_names_a_row_that_disagrees_with_the_reviews() {
        let (_dir, store) = crate::store::tests::demo_store(3, 200);
        let today = d("2026-11-22");
        assert!(store.check(today).unwrap().problems.is_empty());
        let (case_id, case_ref): (i64, String) = store
            .conn()
            .query_row(
                "SELECT c.id, c.case_ref FROM standing_reviews s JOIN cases c ON c.id = s.case_id \
                 LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        store
            .conn()
            .execute(
                "UPDATE standing_reviews SET statuses = '{}' WHERE case_id = ?1",
                [case_id],
            )
            .unwrap();
        let problems = store.check(today).unwrap().problems;
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].case_ref.as_deref(), Some(case_ref.as_str()));
        assert_eq!(problems[0].msg.key, "check.standing_mismatch");
    }
}
