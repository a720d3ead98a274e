//! Writing changes. Each change runs in one immediate transaction: load the
//! case and its events, let the domain check the change, append the event,
//! replay, and store the new state. A form that read an older version of the
//! case is refused instead of silently overwriting.

use std::borrow::Borrow;
use std::collections::HashSet;

use crate::domain::case::{MAX_LONG_TEXT, MAX_SHORT_TEXT, check_length};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use super::codec::{self, CASE_COLUMNS, EVENT_COLUMNS, Stamp};
use super::{Result, Store, bulk};
use super::{episode_rows, standing};
use crate::domain::case::{replay, sort_for_replay};
use crate::domain::lifecycle::{check_fact_date, check_not_future, plan_move};
use crate::domain::review::plan_review;
use crate::domain::{
    Assignment, Case, Change, Event, Move, Msg, Referral, Referrer, Review, ReviewInput, Urgency,
};

/// A referral to register (`stroom add`, the UI's `n`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReferral {
    pub case_ref: Option<String>,
    pub name: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub referred_on: NaiveDate,
    pub referrer: Referrer,
    pub urgency: Urgency,
    pub worker: Option<String>,
}

/// An event with who recorded it and when, for the case screen and audits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    pub event: Event,
    pub recorded_at: String,
    pub actor: String,
}

/// A whole case with its history, for bulk inserts (demo team, import).
/// Events are in lifecycle order; `Reviewed { review_id: i }` points at
/// `reviews[i]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseBundle {
    pub case_ref: String,
    pub name: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub events: Vec<(NaiveDate, Change)>,
    pub reviews: Vec<(NaiveDate, ReviewInput)>,
}

impl CaseBundle {
    /// The bundle's events as a history, numbered in the order given.
    pub fn history(&self) -> Vec<Event> {
        self.events
            .iter()
            .enumerate()
            .map(|(i, (on, change))| Event {
                on: *on,
                seq: i as i64,
                change: change.clone(),
            })
            .collect()
    }

    /// The case its history replays to (without personal data).
    pub fn replayed(&self) -> Option<Case> {
        replay(0, &self.case_ref, &self.history(), None)
    }
}

/// What a planned change writes: its events, and personal fields to update.
#[derive(Default)]
struct Pending {
    events: Vec<(NaiveDate, Change)>,
    name: Option<Option<String>>,
    birth_date: Option<Option<NaiveDate>>,
}

/// Page cache of a bulk insert, in KiB as `PRAGMA cache_size` takes it
/// (negative). Bounded, so a million cases still fit in 100 MB.
const BULK_CACHE_KIB: i64 = -48 * 1024;

fn now_stamp() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A case reference a person can type and a spreadsheet keeps intact.
pub fn check_case_ref(r: &str) -> Result<()> {
    // Characters, as the schema's length() counts them, not bytes.
    let count = r.chars().count();
    if count > MAX_CASE_REF {
        return Err(Msg::new("error.case_ref_too_long")
            .arg("value", r)
            .arg("count", count)
            .arg("max", MAX_CASE_REF));
    }
    // A reference ends up in file names (exports of one case): no folder
    // separators and no `..`.
    let ok = !r.is_empty()
        && !r.starts_with('.')
        && !r.contains("..")
        && r.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(Msg::new("error.bad_case_ref").arg("value", r))
    }
}

/// The longest case reference, in characters.
const MAX_CASE_REF: usize = 64;

pub(super) fn load_case(conn: &rusqlite::Connection, case_ref: &str) -> Result<Case> {
    // Cached: the agenda and the records of a meeting look up hundreds of
    // cases by reference (a statement prepared each time cost 4 % of it).
    conn.prepare_cached(&format!(
        "SELECT {CASE_COLUMNS} FROM cases WHERE case_ref = ?1"
    ))?
    .query_row([case_ref], codec::case_from_row)
    .optional()?
    .ok_or_else(|| Msg::new("error.unknown_case").arg("case", case_ref))
}

pub(super) fn load_events(conn: &rusqlite::Connection, case_id: i64) -> Result<Vec<Event>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {EVENT_COLUMNS} FROM events WHERE case_id = ?1 ORDER BY on_date, id"
    ))?;
    let events = stmt
        .query_map([case_id], codec::event_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(events)
}

pub(super) fn load_reviews(conn: &rusqlite::Connection, case_id: i64) -> Result<Vec<Review>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, case_id, on_date, next_on, note, statuses FROM reviews \
         WHERE case_id = ?1 ORDER BY on_date, id",
    )?;
    let reviews = stmt
        .query_map([case_id], review_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(reviews)
}

/// Reads a row of `id, case_id, on_date, next_on, note, statuses`, by
/// position; the statuses are parsed straight from SQLite's text.
pub(super) fn review_from_row(row: &rusqlite::Row) -> rusqlite::Result<Review> {
    review_at(row, 0)
}

/// `review_from_row` for a row whose review columns start at `at`.
pub(super) fn review_at(row: &rusqlite::Row, at: usize) -> rusqlite::Result<Review> {
    let statuses = serde_json::from_str(row.get_ref(at + 5)?.as_str()?).map_err(|e| {
        let case_id = row.get(at + 1).unwrap_or_default();
        let e = rusqlite::Error::FromSqlConversionFailure(
            at + 5,
            rusqlite::types::Type::Text,
            Box::new(e),
        );
        codec::unreadable(case_id, e)
    })?;
    Ok(Review {
        id: row.get(at)?,
        case_id: row.get(at + 1)?,
        on: codec::day(row, at + 2)?,
        next_on: codec::day(row, at + 3)?,
        note: row.get(at + 4)?,
        statuses,
    })
}

/// A case-review decision before it is stored.
#[derive(Debug, Clone, Copy, Default)]
pub struct NewDecision<'a> {
    pub text: &'a str,
    pub owner: Option<&'a str>,
    pub follow_up_on: Option<NaiveDate>,
}

fn insert_review(tx: &Transaction, case_id: i64, on: NaiveDate, r: &ReviewInput) -> Result<i64> {
    check_length("note", r.note.as_deref(), MAX_LONG_TEXT)?;
    let json = serde_json::to_string(&r.statuses).expect("statuses serialise");
    let mut stmt = tx.prepare_cached(
        "INSERT INTO reviews (case_id, on_date, next_on, note, statuses) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let next_on = codec::d(r.next_on);
    Ok(stmt.insert(params![case_id, codec::Day(on), next_on, r.note, json])?)
}

/// What runs at the start and at the end of a bulk insert's transaction.
pub(super) type Around<'a> = (
    &'a mut dyn FnMut(&Transaction) -> Result<()>,
    &'a mut dyn FnMut(&Transaction) -> Result<()>,
);

impl Store {
    /// The current state of one case.
    /// The current state of one case (pseudonymised for a viewer).
    pub fn case(&self, case_ref: &str) -> Result<Case> {
        Ok(self.shown(load_case(&self.conn, case_ref)?))
    }

    /// Whether a case with this reference exists.
    pub fn has_case(&self, case_ref: &str) -> Result<bool> {
        case_ref_taken(&self.conn, case_ref)
    }

    /// Which of `refs` are taken, in one query: an import checks all of its
    /// rows' references at once instead of one lookup per row.
    pub fn taken_refs<'r>(&self, refs: &[&'r str]) -> Result<HashSet<&'r str>> {
        if refs.is_empty() {
            return Ok(HashSet::new());
        }
        let json = serde_json::to_string(refs).expect("strings serialise");
        let mut stmt = self
            .conn
            .prepare("SELECT key FROM json_each(?1) WHERE value IN (SELECT case_ref FROM cases)")?;
        let taken = stmt
            .query_map([json], |r| r.get::<_, i64>(0))?
            .map(|i| i.map(|i| refs[i as usize]))
            .collect::<rusqlite::Result<HashSet<_>>>()?;
        Ok(taken)
    }

    /// The highest number of the generated-style references (`YYYY-NNNN`)
    /// of `year`, 0 if none: a batch numbers its new cases from here.
    pub fn last_case_number(&self, year: i32) -> Result<i64> {
        last_case_number(&self.conn, year)
    }

    pub fn events(&self, case_id: i64) -> Result<Vec<Event>> {
        load_events(&self.conn, case_id)
    }

    pub fn reviews(&self, case_id: i64) -> Result<Vec<Review>> {
        load_reviews(&self.conn, case_id)
    }

    /// Every event of a case in replay order, with actor and recording time.
    pub fn history(&self, case_id: i64) -> Result<Vec<HistoryEntry>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {EVENT_COLUMNS}, recorded_at, actor FROM events WHERE case_id = ?1 ORDER BY on_date, id"
        ))?;
        let rows = stmt
            .query_map([case_id], |row| {
                Ok(HistoryEntry {
                    event: codec::event_from_row(row)?,
                    recorded_at: row.get("recorded_at")?,
                    actor: row.get("actor")?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Registers a new referral; returns the stored case.
    pub fn add_referral(
        &mut self,
        new: &NewReferral,
        today: NaiveDate,
        actor: &str,
    ) -> Result<Case> {
        self.require_write()?;
        check_not_future(new.referred_on, today)?;
        if let Some(b) = new.birth_date {
            check_not_future(b, today)?;
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let case_ref = match &new.case_ref {
            Some(r) => {
                check_case_ref(r)?;
                if case_ref_taken(&tx, r)? {
                    return Err(Msg::new("error.case_ref_exists").arg("case", r));
                }
                r.clone()
            }
            None => next_case_ref(&tx, new.referred_on)?,
        };
        let bundle = CaseBundle {
            case_ref,
            name: new.name.clone(),
            birth_date: new.birth_date,
            events: vec![(
                new.referred_on,
                Change::Referred(Referral {
                    referrer: new.referrer,
                    urgency: new.urgency,
                    worker: new.worker.clone(),
                }),
            )],
            reviews: Vec::new(),
        };
        let stamp = now_stamp();
        let stamp = Stamp {
            recorded_at: &stamp,
            actor,
        };
        let case = BundleWriter::new(&tx, &stamp)?.write(&bundle)?;
        tx.commit()?;
        Ok(case)
    }

    /// Moves a case to another stage (SPEC 1.2).
    pub fn move_case(
        &mut self,
        case_ref: &str,
        req: &Move,
        on: NaiveDate,
        today: NaiveDate,
        actor: &str,
        expected_version: Option<i64>,
    ) -> Result<Case> {
        self.change_case(case_ref, expected_version, actor, |_, case, _| {
            let m = plan_move(case, req, on, today)?;
            Ok(Pending {
                events: vec![(on, Change::Moved(m))],
                ..Pending::default()
            })
        })
    }

    /// Changes fields (`stroom set`); each change is its own event.
    pub fn set_fields(
        &mut self,
        case_ref: &str,
        assignments: &[Assignment],
        on: NaiveDate,
        today: NaiveDate,
        actor: &str,
        expected_version: Option<i64>,
    ) -> Result<Case> {
        if assignments.is_empty() {
            return Err(Msg::new("error.nothing_to_set"));
        }
        self.change_case(case_ref, expected_version, actor, |_, _, events| {
            check_fact_date(events[0].on, on, today)?;
            let mut pending = Pending::default();
            for a in assignments {
                match a {
                    Assignment::Name(n) => pending.name = Some(n.clone()),
                    Assignment::BirthDate(b) => {
                        if let Some(b) = b {
                            check_not_future(*b, today)?;
                        }
                        pending.birth_date = Some(*b)
                    }
                    Assignment::Field(_) => {}
                }
                pending.events.push((on, Change::Set(a.change())));
            }
            Ok(pending)
        })
    }

    /// Records a stoplight review (SPEC 3.1); returns it as stored.
    #[allow(clippy::too_many_arguments)]
    pub fn record_review(
        &mut self,
        case_ref: &str,
        on: NaiveDate,
        input: &ReviewInput,
        today: NaiveDate,
        actor: &str,
        preconditions: &[String],
        expected_version: Option<i64>,
    ) -> Result<Review> {
        let mut stored = None;
        self.change_case(case_ref, expected_version, actor, |tx, case, events| {
            let state_on = replay(case.id, &case.case_ref, events, Some(on));
            let planned = plan_review(
                &case.case_ref,
                state_on.as_ref(),
                on,
                today,
                input,
                preconditions,
            )?;
            let review_id = insert_review(tx, case.id, on, &planned)?;
            stored = Some(Review {
                id: review_id,
                case_id: case.id,
                on,
                next_on: planned.next_on.expect("planned"),
                note: planned.note.clone(),
                statuses: planned.statuses.clone(),
            });
            Ok(Pending {
                events: vec![(on, Change::Reviewed { review_id })],
                ..Pending::default()
            })
        })?;
        Ok(stored.expect("review stored"))
    }

    /// Records a case-review decision for the meeting on `meeting_on`.
    #[allow(clippy::too_many_arguments)]
    pub fn record_decision(
        &mut self,
        case_ref: &str,
        meeting_on: NaiveDate,
        text: &str,
        owner: Option<&str>,
        today: NaiveDate,
        actor: &str,
        expected_version: Option<i64>,
    ) -> Result<i64> {
        let decision = NewDecision {
            text,
            owner,
            follow_up_on: None,
        };
        self.decide(
            case_ref,
            meeting_on,
            &decision,
            today,
            actor,
            expected_version,
        )
    }

    /// Records a case-review decision for the meeting on `meeting_on`, with
    /// its owner and follow-up date. A follow-up date lies after the meeting.
    pub fn decide(
        &mut self,
        case_ref: &str,
        meeting_on: NaiveDate,
        decision: &NewDecision,
        today: NaiveDate,
        actor: &str,
        expected_version: Option<i64>,
    ) -> Result<i64> {
        let text = decision.text.trim();
        if text.is_empty() {
            return Err(Msg::new("error.decision_empty"));
        }
        if let Some(follow_up) = decision.follow_up_on.filter(|d| *d <= meeting_on) {
            return Err(Msg::new("error.follow_up_not_after")
                .arg("date", follow_up)
                .arg("meeting", meeting_on));
        }
        let owner = decision.owner.map(str::trim).filter(|o| !o.is_empty());
        check_length("text", Some(text), MAX_LONG_TEXT)?;
        check_length("owner", owner, MAX_SHORT_TEXT)?;
        let mut id = 0;
        self.change_case(case_ref, expected_version, actor, |tx, _, events| {
            check_fact_date(events[0].on, meeting_on, today)?;
            let mut stmt = tx.prepare_cached(
                "INSERT INTO decisions (case_id, meeting_on, text, owner, follow_up_on) \
                 SELECT id, ?2, ?3, ?4, ?5 FROM cases WHERE case_ref = ?1",
            )?;
            id = stmt.insert(params![
                case_ref,
                meeting_on,
                text,
                owner,
                decision.follow_up_on
            ])?;
            Ok(Pending {
                events: vec![(meeting_on, Change::Decided { decision_id: id })],
                ..Pending::default()
            })
        })?;
        Ok(id)
    }

    /// The one path of every change to an existing case.
    fn change_case(
        &mut self,
        case_ref: &str,
        expected_version: Option<i64>,
        actor: &str,
        plan: impl FnOnce(&Transaction, &Case, &[Event]) -> Result<Pending>,
    ) -> Result<Case> {
        self.require_write()?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let case = load_case(&tx, case_ref)?;
        if expected_version.is_some_and(|v| v != case.version) {
            return Err(Msg::new("error.conflict").arg("case", case_ref));
        }
        let mut events = load_events(&tx, case.id)?;
        let pending = plan(&tx, &case, &events)?;
        let stamp = now_stamp();
        let stamp = Stamp {
            recorded_at: &stamp,
            actor,
        };
        let (mut shaped, mut reviewed) = (false, false);
        {
            let mut insert = tx.prepare_cached(codec::INSERT_EVENT)?;
            for (on, change) in pending.events {
                let seq = codec::insert_event(&mut insert, case.id, on, &change, &stamp)?;
                shaped |= episode_rows::shapes_episodes(&change);
                reviewed |= matches!(change, Change::Reviewed { .. });
                events.push(Event { on, seq, change });
            }
        }
        sort_for_replay(&mut events);
        if shaped {
            episode_rows::write_case(&tx, case.id, &events)?;
        }
        let mut new =
            replay(case.id, &case.case_ref, &events, None).expect("a stored case has its referral");
        // A new review, or a new episode (a reopening moves the referral
        // date), changes the review the case stands on.
        if reviewed || new.referred_on != case.referred_on {
            standing::write_case(&tx, case.id, new.referred_on)?;
        }
        new.name = pending.name.unwrap_or(case.name);
        new.birth_date = pending.birth_date.unwrap_or(case.birth_date);
        new.check_texts()?;
        codec::upsert_case(
            &mut *tx.prepare_cached(codec::UPSERT_CASE)?,
            Some(new.id),
            &new,
        )?;
        tx.commit()?;
        Ok(new)
    }

    /// Inserts whole cases with their histories in one transaction (demo team,
    /// import): all or nothing. Every move is checked by the same lifecycle
    /// rules as a single move. `progress` hears the count done so far.
    pub fn insert_bundles(
        &mut self,
        bundles: &[CaseBundle],
        today: NaiveDate,
        actor: &str,
        progress: &mut dyn FnMut(usize),
    ) -> Result<usize> {
        self.insert_bundle_stream(bundles.iter(), today, actor, progress)
    }

    /// `insert_bundles` for cases that come one at a time (a generator, a
    /// reader): still one transaction, but only one case is held at once.
    pub fn insert_bundle_stream<B: Borrow<CaseBundle>>(
        &mut self,
        bundles: impl IntoIterator<Item = B>,
        today: NaiveDate,
        actor: &str,
        progress: &mut dyn FnMut(usize),
    ) -> Result<usize> {
        // A bulk insert touches index pages all over the file: a larger page
        // cache keeps them in memory instead of spilling them to the WAL
        // again and again (SQLite's default is 2 MB).
        let cache: i64 = self.conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
        self.conn
            .pragma_update(None, "cache_size", BULK_CACHE_KIB)?;
        let mut nothing = |_: &Transaction| Ok(());
        let done = self.insert_in_one_transaction(
            bundles,
            today,
            actor,
            progress,
            (&mut nothing, &mut |_| Ok(())),
        );
        self.conn.pragma_update(None, "cache_size", cache)?;
        done
    }

    /// The bulk insert inside one immediate transaction; `around.0` runs
    /// first in it (with the write lock held), `around.1` just before the
    /// commit, so that a replacement of the whole database is one step.
    pub(super) fn insert_in_one_transaction<B: Borrow<CaseBundle>>(
        &mut self,
        bundles: impl IntoIterator<Item = B>,
        today: NaiveDate,
        actor: &str,
        progress: &mut dyn FnMut(usize),
        around: Around<'_>,
    ) -> Result<usize> {
        self.require_write()?;
        let bundles = bundles.into_iter();
        let expected = bundles.size_hint().0;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        (around.0)(&tx)?;
        let stamp = now_stamp();
        let stamp = Stamp {
            recorded_at: &stamp,
            actor,
        };
        let mut writer = BundleWriter::new(&tx, &stamp)?;
        let mut threshold = bulk::Threshold::new();
        let mut aside = None;
        let mut done = 0;
        for bundle in bundles {
            if aside.is_none() && threshold.reached(&tx, done, expected)? {
                aside = Some(bulk::SetAside::drop_indexes(&tx)?);
            }
            let bundle = bundle.borrow();
            check_bundle(bundle, today)?;
            writer.write(bundle)?;
            done += 1;
            if done % 1000 == 0 {
                progress(done);
            }
        }
        drop(writer);
        if let Some(aside) = aside {
            aside.restore(&tx)?;
        }
        (around.1)(&tx)?;
        tx.commit()?;
        progress(done);
        Ok(done)
    }
}

fn case_ref_taken(conn: &Connection, r: &str) -> Result<bool> {
    let mut stmt = conn.prepare_cached("SELECT 1 FROM cases WHERE case_ref = ?1")?;
    Ok(stmt.exists([r])?)
}

/// The highest `NNNN` of the `YYYY-NNNN` references of `year` (0 if none).
fn last_case_number(conn: &Connection, year: i32) -> Result<i64> {
    let max: Option<i64> = conn.query_row(
        "SELECT max(CAST(substr(case_ref, 6) AS INTEGER)) FROM cases \
         WHERE case_ref >= ?1 AND case_ref < ?2 AND substr(case_ref, 6) NOT GLOB '*[^0-9]*'",
        params![format!("{year}-"), format!("{year}.")],
        |r| r.get(0),
    )?;
    Ok(max.unwrap_or(0))
}

/// A generated case reference: `YYYY-NNNN`, the year of the referral.
pub fn format_case_ref(year: i32, number: i64) -> String {
    format!("{year}-{number:04}")
}

/// The next free `YYYY-NNNN` reference in the year of the referral.
fn next_case_ref(tx: &Transaction, referred_on: NaiveDate) -> Result<String> {
    use chrono::Datelike;
    let year = referred_on.year();
    Ok(format_case_ref(year, last_case_number(tx, year)? + 1))
}

/// Replays a bundle step by step through the lifecycle rules, so that no bulk
/// path can store a history a single move would refuse.
fn check_bundle(bundle: &CaseBundle, today: NaiveDate) -> Result<()> {
    check_case_ref(&bundle.case_ref)?;
    let mut iter = bundle.events.iter();
    let Some((first_on, Change::Referred(r))) = iter.next() else {
        return Err(Msg::new("error.database").arg("reason", "a case must start with its referral"));
    };
    check_not_future(*first_on, today)?;
    let mut case = Case::referred(0, &bundle.case_ref, *first_on, r);
    for (seq, (on, change)) in iter.enumerate() {
        let change = match change {
            Change::Moved(m) => Change::Moved(plan_move(&case, m, *on, today)?),
            Change::Reviewed { review_id } => {
                let (_, input) = bundle
                    .reviews
                    .get(*review_id as usize)
                    .ok_or_else(|| Msg::new("error.database").arg("reason", "review missing"))?;
                if !case.on_board() {
                    return Err(Msg::new("error.review_not_in_care")
                        .arg("case", &bundle.case_ref)
                        .arg("date", on));
                }
                check_not_future(*on, today)?;
                if input.next_on.is_some_and(|n| n <= *on) {
                    return Err(Msg::new("error.next_review_not_after")
                        .arg("next", input.next_on.expect("some"))
                        .arg("date", on));
                }
                change.clone()
            }
            other => {
                check_fact_date(*first_on, *on, today)?;
                other.clone()
            }
        };
        case.apply(&Event {
            on: *on,
            seq: seq as i64,
            change,
        });
    }
    Ok(())
}

/// Writes whole cases with their histories, its statements prepared once
/// for all the cases of a transaction.
struct BundleWriter<'t> {
    tx: &'t Transaction<'t>,
    stamp: &'t Stamp<'t>,
    case: rusqlite::CachedStatement<'t>,
    event: rusqlite::CachedStatement<'t>,
}

impl<'t> BundleWriter<'t> {
    fn new(tx: &'t Transaction<'t>, stamp: &'t Stamp<'t>) -> Result<BundleWriter<'t>> {
        Ok(BundleWriter {
            tx,
            stamp,
            case: tx.prepare_cached(codec::UPSERT_CASE)?,
            event: tx.prepare_cached(codec::INSERT_EVENT)?,
        })
    }

    /// Writes one case and its history; returns the stored state. The state
    /// is replayed first (the events numbered in the order they are stored),
    /// so the case row and its indexes are written once, not inserted and
    /// then updated. A reference already taken (before, or earlier in the
    /// same load) is refused by the UNIQUE index on case_ref: no lookup of
    /// our own.
    fn write(&mut self, bundle: &CaseBundle) -> Result<Case> {
        if !matches!(bundle.events.first(), Some((_, Change::Referred(_)))) {
            return Err(
                Msg::new("error.database").arg("reason", "a case must start with its referral")
            );
        }
        let mut events = bundle.history();
        sort_for_replay(&mut events);
        let mut state =
            replay(0, &bundle.case_ref, &events, None).expect("starts with its referral");
        state.name = bundle.name.clone();
        state.birth_date = bundle.birth_date;
        state.check_texts()?;
        codec::upsert_case(&mut self.case, None, &state).map_err(|e| {
            match e.sqlite_error().map(|f| f.extended_code) {
                Some(rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE) => {
                    Msg::new("error.case_ref_exists").arg("case", &bundle.case_ref)
                }
                _ => Msg::from(e),
            }
        })?;
        state.id = self.tx.last_insert_rowid();
        let mut reviews = Vec::new();
        for (on, change) in &bundle.events {
            let stored;
            let change = match change {
                Change::Reviewed { review_id } => {
                    let (_, input) = &bundle.reviews[*review_id as usize];
                    let mut input = input.clone();
                    input.next_on = input
                        .next_on
                        .or_else(|| Some(crate::domain::dates::plus_one_month(*on)));
                    let review_id = insert_review(self.tx, state.id, *on, &input)?;
                    stored = Change::Reviewed { review_id };
                    reviews.push(Review {
                        id: review_id,
                        case_id: state.id,
                        on: *on,
                        next_on: input.next_on.expect("filled in"),
                        note: input.note,
                        statuses: input.statuses,
                    });
                    &stored
                }
                other => other,
            };
            codec::insert_event(&mut self.event, state.id, *on, change, self.stamp)?;
        }
        episode_rows::write_case(self.tx, state.id, &events)?;
        standing::insert_new_case(self.tx, state.id, state.referred_on, &mut reviews)?;
        Ok(state)
    }
}
