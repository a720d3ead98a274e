//! The store against real SQLite files: events are append-only, every change
//! leaves state = replay(events), conflicts are refused, as-of replay ignores
//! what is dated later, and foreign files are refused untouched.

use std::os::unix::fs::PermissionsExt;

use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use stroom::domain::case::replay;
use stroom::domain::lifecycle::allowed_moves;
use stroom::domain::{
    Assignment, CareType, FieldChange, Move, OutflowReason, Referrer, Route, Stage, Status, Urgency,
};
use stroom::store::{NewReferral, Store};

fn d(s: &str) -> NaiveDate {
    stroom::domain::dates::parse_date(s).unwrap()
}

const TODAY: &str = "2026-11-22";

fn new_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("t.db")).unwrap();
    (dir, store)
}

fn referral(on: &str) -> NewReferral {
    NewReferral {
        case_ref: None,
        name: Some("Daan Jansen".into()),
        birth_date: Some(d("2010-05-05")),
        referred_on: d(on),
        referrer: Referrer::Gp,
        urgency: Urgency::Regular,
        worker: Some("Sanne".into()),
    }
}

fn mv(store: &mut Store, r: &str, m: Move, on: &str) -> stroom::domain::Case {
    store
        .move_case(r, &m, d(on), d(TODAY), "tester", None)
        .unwrap()
}

#[test]
fn a_case_goes_through_every_stage_and_keeps_its_history() {
    let (_dir, mut store) = new_store();
    let c = store
        .add_referral(&referral("2026-01-10"), d(TODAY), "tester")
        .unwrap();
    assert_eq!(c.case_ref, "2026-0001");
    let r = c.case_ref.as_str();
    mv(&mut store, r, Move::to(Stage::Intake), "2026-01-15");
    mv(&mut store, r, Move::to(Stage::Triage), "2026-01-20");
    let c = mv(
        &mut store,
        r,
        Move {
            route: Some(Route::Ambulant),
            provider: Some("Kompas".into()),
            ..Move::default()
        },
        "2026-02-01",
    );
    assert_eq!(
        (c.stage, c.waiting_since),
        (Stage::Waiting, Some(d("2026-02-01")))
    );
    let c = mv(
        &mut store,
        r,
        Move {
            to: Some(Stage::InCare),
            care_type: Some(CareType::AmbulantHome),
            planned_end_on: Some(d("2026-12-31")),
            ..Move::default()
        },
        "2026-03-01",
    );
    assert_eq!(c.care_started_on, Some(d("2026-03-01")));
    mv(&mut store, r, Move::to(Stage::Evaluation), "2026-06-01");
    mv(
        &mut store,
        r,
        Move {
            to: Some(Stage::Waiting),
            care_type: Some(CareType::FosterCare),
            ..Move::default()
        },
        "2026-06-05",
    );
    let c = mv(&mut store, r, Move::to(Stage::InCare), "2026-07-01");
    assert_eq!(
        (c.route, c.care_type),
        (Some(Route::Residential), Some(CareType::FosterCare))
    );
    assert_eq!(
        c.care_started_on,
        Some(d("2026-03-01")),
        "a step keeps the first start of care"
    );
    let c = mv(
        &mut store,
        r,
        Move {
            to: Some(Stage::Closed),
            reason: Some(OutflowReason::GoalsMet),
            ..Move::default()
        },
        "2026-10-01",
    );
    assert_eq!(
        (c.closed_on, c.outflow_reason),
        (Some(d("2026-10-01")), Some(OutflowReason::GoalsMet))
    );
    let c = mv(&mut store, r, Move::to(Stage::Referred), "2026-11-01");
    assert_eq!(
        (c.stage, c.episode, c.referred_on),
        (Stage::Referred, 2, d("2026-11-01"))
    );
    assert_eq!((c.closed_on, c.care_started_on), (None, None));
    let history = store.history(c.id).unwrap();
    assert_eq!(history.len(), 10, "referral and nine moves are all kept");
    assert!(
        history
            .iter()
            .all(|h| h.actor == "tester" && h.recorded_at.ends_with('Z'))
    );
    assert_eq!(c.version, 10);
    assert!(store.check(d(TODAY)).unwrap().problems.is_empty());
}

#[test]
fn events_are_append_only_in_the_database() {
    let (_dir, mut store) = new_store();
    store
        .add_referral(&referral("2026-01-10"), d(TODAY), "t")
        .unwrap();
    let upd = store.conn().execute("UPDATE events SET actor = 'x'", []);
    assert!(upd.unwrap_err().to_string().contains("append-only"));
    let del = store.conn().execute("DELETE FROM events", []);
    assert!(del.unwrap_err().to_string().contains("append-only"));
}

#[test]
fn a_stale_form_is_refused_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let mut first = Store::open(&path).unwrap();
    let mut second = Store::open(&path).unwrap();
    let c = first
        .add_referral(&referral("2026-01-10"), d(TODAY), "anouk")
        .unwrap();
    let seen = c.version;
    second
        .set_fields(
            &c.case_ref,
            &[Assignment::Field(FieldChange::Worker(Some("Bram".into())))],
            d(TODAY),
            d(TODAY),
            "bram",
            Some(seen),
        )
        .unwrap();
    let err = first
        .set_fields(
            &c.case_ref,
            &[Assignment::Field(FieldChange::Worker(Some("Anouk".into())))],
            d(TODAY),
            d(TODAY),
            "anouk",
            Some(seen),
        )
        .unwrap_err();
    assert_eq!(err.key, "error.conflict");
    assert_eq!(
        first.case(&c.case_ref).unwrap().worker.as_deref(),
        Some("Bram")
    );
}

#[test]
fn refused_changes_write_nothing() {
    let (_dir, mut store) = new_store();
    let c = store
        .add_referral(&referral("2026-01-10"), d(TODAY), "t")
        .unwrap();
    let err = store
        .move_case(
            &c.case_ref,
            &Move::to(Stage::InCare),
            d("2026-02-01"),
            d(TODAY),
            "t",
            None,
        )
        .unwrap_err();
    assert_eq!(err.key, "error.move_not_allowed");
    let err = store
        .move_case(
            &c.case_ref,
            &Move::to(Stage::Intake),
            d("2026-11-23"),
            d(TODAY),
            "t",
            None,
        )
        .unwrap_err();
    assert_eq!(err.key, "error.date_in_future");
    let events: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
        .unwrap();
    assert_eq!(events, 1);
    assert_eq!(store.case(&c.case_ref).unwrap().version, 1);
    assert_eq!(
        store.case("2099-0001").unwrap_err().key,
        "error.unknown_case"
    );
}

#[test]
fn personal_data_stays_out_of_the_history() {
    let (_dir, mut store) = new_store();
    let c = store
        .add_referral(&referral("2026-01-10"), d(TODAY), "t")
        .unwrap();
    let c = store
        .set_fields(
            &c.case_ref,
            &[Assignment::Name(Some("Noor Bakker".into()))],
            d(TODAY),
            d(TODAY),
            "t",
            None,
        )
        .unwrap();
    assert_eq!(c.name.as_deref(), Some("Noor Bakker"));
    let leaked: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM events WHERE coalesce(value, '') LIKE '%Noor%' OR coalesce(worker, '') LIKE '%Noor%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(leaked, 0);
}

#[test]
fn reviews_need_a_date_in_care_and_known_preconditions() {
    let (_dir, mut store) = new_store();
    let c = store
        .add_referral(&referral("2026-01-10"), d(TODAY), "t")
        .unwrap();
    let r = c.case_ref.clone();
    mv(&mut store, &r, Move::to(Stage::Intake), "2026-01-15");
    mv(&mut store, &r, Move::to(Stage::Triage), "2026-01-20");
    mv(
        &mut store,
        &r,
        Move {
            route: Some(Route::Team),
            ..Move::default()
        },
        "2026-02-01",
    );
    let codes: Vec<String> = stroom::config::Config::default().precondition_codes();
    let input = stroom::domain::ReviewInput {
        statuses: [("housing".to_string(), Status::Missing)].into(),
        ..Default::default()
    };
    let err = store
        .record_review(&r, d("2026-01-31"), &input, d(TODAY), "t", &codes, None)
        .unwrap_err();
    assert_eq!(err.key, "error.review_not_in_care");
    let review = store
        .record_review(
            &r,
            d("2026-01-31").succ_opt().unwrap(),
            &input,
            d(TODAY),
            "t",
            &codes,
            None,
        )
        .unwrap();
    assert_eq!(review.next_on, d("2026-03-01"));
    let bad = stroom::domain::ReviewInput {
        statuses: [("pony".to_string(), Status::Ok)].into(),
        ..Default::default()
    };
    assert_eq!(
        store
            .record_review(&r, d("2026-03-01"), &bad, d(TODAY), "t", &codes, None)
            .unwrap_err()
            .key,
        "error.unknown_precondition"
    );
}

#[test]
fn files_are_private_and_foreign_files_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let mut store = Store::open(&path).unwrap();
    store
        .add_referral(&referral("2026-01-10"), d(TODAY), "t")
        .unwrap();
    for f in ["t.db", "t.db-wal"] {
        let mode = std::fs::metadata(dir.path().join(f))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600, "{f}");
    }

    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "not a database at all").unwrap();
    assert_eq!(Store::open(&text).err().unwrap().key, "error.not_sqlite");
    assert_eq!(std::fs::read(&text).unwrap(), b"not a database at all");

    let other = dir.path().join("other.db");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE x (a)")
        .unwrap();
    let before = std::fs::read(&other).unwrap();
    assert_eq!(Store::open(&other).err().unwrap().key, "error.not_stroom");
    assert_eq!(std::fs::read(&other).unwrap(), before);

    drop(store);
    rusqlite::Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path).err().unwrap();
    assert_eq!(
        (err.key, err.get("found")),
        ("error.newer_schema", Some("99"))
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);

    let missing = dir.path().join("nope").join("t.db");
    assert_eq!(
        Store::open(&missing).err().unwrap().key,
        "error.folder_missing"
    );
}

#[test]
fn migrations_build_the_latest_schema_once() {
    let (dir, store) = new_store();
    let version: i64 = store
        .conn()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, stroom::store::schema::latest_version());
    let strict: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND sql LIKE '%STRICT'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    // cases, events, reviews, decisions, (v3) access_log and whatever later
    // migrations add: every table of stroom's own is STRICT (the search
    // index's shadow tables are SQLite's).
    assert!(strict >= 5, "{strict} strict tables");
    let mut stmt = store
        .conn()
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             AND name NOT LIKE 'cases_search%' AND sql NOT LIKE '%STRICT'",
        )
        .unwrap();
    let loose: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    drop(stmt);
    assert!(loose.is_empty(), "tables without STRICT: {loose:?}");
    drop(store);
    // Opening again runs no migration and changes nothing.
    let store = Store::open(&dir.path().join("t.db")).unwrap();
    let journal: String = store
        .conn()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(journal, "wal");
    let fk: i64 = store
        .conn()
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(fk, 1);
    // CHECK constraints guard every code.
    let bad = store.conn().execute(
        "INSERT INTO cases (case_ref, referred_on, referrer, urgency, stage, stage_since, version) \
         VALUES ('x', '2026-01-01', 'gp', 'regular', 'limbo', '2026-01-01', 1)",
        [],
    );
    assert!(bad.is_err());
}

#[test]
fn backup_is_a_private_consistent_copy() {
    let (dir, mut store) = new_store();
    store
        .add_referral(&referral("2026-01-10"), d(TODAY), "t")
        .unwrap();
    let target = dir.path().join("copy.db");
    store.backup_to(&target, &mut |_, _| {}).unwrap();
    let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let copy = Store::open(&target).unwrap();
    assert_eq!(copy.count_cases().unwrap(), 1);
    assert!(copy.check(d(TODAY)).unwrap().problems.is_empty());
    assert_eq!(
        store.backup_to(&target, &mut |_, _| {}).unwrap_err().key,
        "error.backup_exists"
    );
}

#[test]
fn check_reports_a_state_that_does_not_match_its_events() {
    let (_dir, mut store) = new_store();
    let c = store
        .add_referral(&referral("2026-01-10"), d(TODAY), "t")
        .unwrap();
    store
        .conn()
        .execute("UPDATE cases SET stage = 'triage'", [])
        .unwrap();
    let report = store.check(d(TODAY)).unwrap();
    assert_eq!(report.problems.len(), 1);
    assert_eq!(
        report.problems[0].case_ref.as_deref(),
        Some(c.case_ref.as_str())
    );
    assert_eq!(report.problems[0].msg.key, "check.state_mismatch");
    assert!(
        report.problems[0]
            .msg
            .get("fields")
            .unwrap()
            .contains("stage")
    );
}

/// One step of a random history: a move to one of the allowed stages, or a
/// field change, some days after the previous step.
#[derive(Debug, Clone)]
enum Step {
    Move { pick: usize, gap: u64 },
    Set { worker: u8, gap: u64 },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (0usize..3, 0u64..40).prop_map(|(pick, gap)| Step::Move { pick, gap }),
        1 => (0u8..4, 0u64..40).prop_map(|(worker, gap)| Step::Set { worker, gap }),
    ]
}

/// A move request that the lifecycle accepts for a case in `from`.
fn request(case: &stroom::domain::Case, pick: usize) -> Move {
    let from = case.stage;
    let to = allowed_moves(from)[pick % allowed_moves(from).len()];
    let routes = [
        Route::Community,
        Route::Team,
        Route::Ambulant,
        Route::Residential,
    ];
    match (from, to) {
        (Stage::Triage, Stage::Closed) => Move {
            route: Some(Route::Community),
            ..Move::default()
        },
        (Stage::Triage, Stage::Waiting) => Move {
            route: Some(routes[2 + pick % 2]),
            ..Move::default()
        },
        (Stage::Triage, _) => Move {
            route: Some(Route::Team),
            ..Move::default()
        },
        (Stage::Waiting, Stage::InCare) => Move {
            to: Some(to),
            care_type: Some(match case.route {
                Some(Route::Residential) => CareType::FamilyHome,
                _ => CareType::DayCare,
            }),
            ..Move::default()
        },
        (Stage::Evaluation, Stage::Waiting) => Move {
            to: Some(to),
            care_type: Some(CareType::FamilyHome),
            ..Move::default()
        },
        (_, Stage::Closed) => Move {
            to: Some(to),
            reason: Some(OutflowReason::EndedJointly),
            ..Move::default()
        },
        _ => Move::to(to),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Replaying the stored events reproduces the stored state, and events
    /// dated after D never change the state at D.
    #[test]
    fn replay_reproduces_state_and_ignores_later_events(steps in proptest::collection::vec(step(), 1..14), cut in 0u64..400) {
        let (_dir, mut store) = new_store();
        let start = d("2025-01-01");
        let today = d(TODAY);
        let c = store.add_referral(&NewReferral { referred_on: start, ..referral("2025-01-01") }, today, "p").unwrap();
        let mut on = start;
        let mut case = c.clone();
        for s in &steps {
            let (gap, result) = match s {
                Step::Move { pick, gap } => {
                    let next = on.checked_add_days(Days::new(*gap)).unwrap();
                    (next, store.move_case(&c.case_ref, &request(&case, *pick), next, today, "p", None))
                }
                Step::Set { worker, gap } => {
                    let next = on.checked_add_days(Days::new(*gap)).unwrap();
                    let a = Assignment::Field(FieldChange::Worker(Some(format!("w{worker}"))));
                    (next, store.set_fields(&c.case_ref, &[a], next, today, "p", None))
                }
            };
            case = result.unwrap();
            on = gap;
        }
        let events = store.events(c.id).unwrap();
        let mut replayed = replay(c.id, &c.case_ref, &events, None).unwrap();
        replayed.name = case.name.clone();
        replayed.birth_date = case.birth_date;
        prop_assert_eq!(&replayed, &store.case(&c.case_ref).unwrap());

        // The state at D, before and after more events dated after D.
        let cut_day = start.checked_add_days(Days::new(cut)).unwrap().min(on);
        let before = store.snapshot(cut_day, today).unwrap();
        let later = on.checked_add_days(Days::new(1)).unwrap();
        let _ = store.move_case(&c.case_ref, &request(&case, 0), later, today, "p", None);
        let _ = store.set_fields(&c.case_ref, &[Assignment::Field(FieldChange::Escalated(true))], later, today, "p", None);
        let after = store.snapshot(cut_day, today).unwrap();
        prop_assert_eq!(before.cases, after.cases);
        prop_assert!(store.check(today).unwrap().problems.is_empty());
    }
}
