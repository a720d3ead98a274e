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

mod common;

use common::{Sandbox, TODAY, contains, text};

/// A store on `t.db` in a sandbox of its own, kept as long as the sandbox.
fn new_store() -> (Sandbox, Store) {
    let dir = Sandbox::with_db("t.db");
    let store = Store::open(&dir.db).unwrap();
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
    let dir = Sandbox::with_db("t.db");
    let path = dir.db.clone();
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
    let codes: Vec<String> = stroom::context::config::Config::default().precondition_codes();
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
    let dir = Sandbox::with_db("t.db");
    let path = dir.db.clone();
    let mut store = Store::open(&path).unwrap();
    store
        .add_referral(&referral("2026-01-10"), d(TODAY), "t")
        .unwrap();
    for f in ["t.db", "t.db-wal"] {
        let mode = std::fs::metadata(dir.path(f)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{f}");
    }

    let text = dir.path("notes.txt");
    std::fs::write(&text, "not a database at all").unwrap();
    assert_eq!(Store::open(&text).err().unwrap().key, "error.not_sqlite");
    assert_eq!(std::fs::read(&text).unwrap(), b"not a database at all");

    let other = dir.path("other.db");
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

    let missing = dir.path("nope").join("t.db");
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
    let store = Store::open(&dir.db).unwrap();
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
    let target = dir.path("copy.db");
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

/// The migration of the care process (SPEC 1.5–1.8) rebuilds `cases` and
/// `events`: found by its text, so that its place in the list may shift.
fn care_process_migration() -> usize {
    stroom::store::schema::migrations()
        .iter()
        .position(|sql| sql.contains("CREATE TABLE cases_rebuilt"))
        .expect("the care-process migration")
}

/// A stroom file at schema version `upto` (its first `upto` migrations),
/// as an older stroom left it; the connection stays open for its rows.
fn file_at_version(path: &std::path::Path, upto: usize) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.pragma_update(None, "foreign_keys", true).unwrap();
    stroom::store::chain::register(&conn).unwrap();
    for sql in &stroom::store::schema::migrations()[..upto] {
        conn.execute_batch(sql).unwrap();
    }
    conn.pragma_update(None, "user_version", upto as i64)
        .unwrap();
    conn.pragma_update(
        None,
        "application_id",
        stroom::store::schema::APPLICATION_ID,
    )
    .unwrap();
    conn
}

/// Names of the indexes and triggers on `cases` and `events`.
fn schema_objects(conn: &rusqlite::Connection) -> Vec<String> {
    let mut stmt = conn
        .prepare(
            "SELECT type || ' ' || name FROM sqlite_schema WHERE tbl_name IN ('cases', 'events') \
             AND type IN ('index', 'trigger') AND name NOT LIKE 'sqlite_autoindex%' ORDER BY 1",
        )
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

#[test]
fn the_care_process_migration_keeps_every_row_index_and_trigger() {
    let dir = Sandbox::with_db("old.db");
    let path = dir.db.clone();
    let before = {
        let conn = file_at_version(&path, care_process_migration());
        conn.execute_batch(
            "INSERT INTO cases (id, case_ref, name, referred_on, referrer, urgency, stage, \
                 stage_since, closed_on, outflow_reason, version) VALUES \
                 (7, '2026-0007', NULL, '2026-01-05', 'gp', 'regular', 'closed', '2026-01-10', \
                  '2026-01-10', 'withdrawn', 2), \
                 (9, '2026-0009', 'Sanne de Vries', '2026-02-01', 'school', 'urgent', 'referred', \
                  '2026-02-01', NULL, NULL, 2);
             INSERT INTO events (id, case_id, on_date, recorded_at, actor, kind, referrer, urgency) VALUES \
                 (11, 7, '2026-01-05', '2026-01-05T09:00:00Z', 'anna', 'referred', 'gp', 'regular'), \
                 (15, 9, '2026-02-01', '2026-02-01T09:00:00Z', 'anna', 'referred', 'school', 'urgent');
             INSERT INTO events (id, case_id, on_date, recorded_at, actor, kind, stage, outflow_reason) VALUES \
                 (12, 7, '2026-01-10', '2026-01-10T09:00:00Z', 'anna', 'moved', 'closed', 'withdrawn');
             INSERT INTO decisions (id, case_id, meeting_on, text, owner) VALUES \
                 (3, 9, '2026-02-03', 'Intake plannen', 'Bram');
             INSERT INTO events (id, case_id, on_date, recorded_at, actor, kind, ref_id) VALUES \
                 (16, 9, '2026-02-03', '2026-02-03T09:00:00Z', 'anna', 'decided', 3);",
        )
        .unwrap();
        schema_objects(&conn)
    };
    let mut store = Store::open(&path).unwrap();
    let conn = store.conn();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, stroom::store::schema::latest_version());
    let after = schema_objects(conn);
    for object in &before {
        assert!(after.contains(object), "{object} lost; now {after:?}");
    }
    let ids: Vec<(i64, String)> = conn
        .prepare("SELECT id, kind FROM events ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(
        ids,
        [
            (11, "referred".to_string()),
            (12, "moved".into()),
            (15, "referred".into()),
            (16, "decided".into())
        ]
    );
    let closed = store.case("2026-0007").unwrap();
    assert_eq!(closed.id, 7);
    assert_eq!(
        closed.destination,
        Some(stroom::domain::Destination::None),
        "a withdrawn case had no follow-up to go to"
    );
    let report = store.check(d(TODAY)).unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!((report.cases, report.events), (2, 4));
    // The search index still finds the name, and its triggers still work.
    let found: i64 = store
        .conn()
        .query_row(
            "SELECT rowid FROM cases_search WHERE cases_search MATCH 'vries'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(found, 9);
    let moved = mv(
        &mut store,
        "2026-0009",
        Move::to(Stage::Intake),
        "2026-02-05",
    );
    assert_eq!(moved.stage, Stage::Intake);
    assert!(store.conn().execute("DELETE FROM events", []).is_err());
    assert!(
        store
            .conn()
            .execute("UPDATE events SET actor = 'x'", [])
            .is_err()
    );
    let fk: i64 = store
        .conn()
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(fk, 1);
}

#[test]
fn the_extension_report_and_destination_live_in_the_moves_events() {
    use stroom::domain::{Change, Destination, Goals};
    let (_dir, mut store) = new_store();
    let c = store
        .add_referral(&referral("2026-01-10"), d(TODAY), "tester")
        .unwrap();
    let r = c.case_ref.as_str();
    mv(&mut store, r, Move::to(Stage::Intake), "2026-01-15");
    mv(&mut store, r, Move::to(Stage::Triage), "2026-01-20");
    let team = Move {
        route: Some(Route::Team),
        planned_end_on: Some(d("2026-07-20")),
        ..Move::default()
    };
    mv(&mut store, r, team, "2026-01-27");
    mv(&mut store, r, Move::to(Stage::Evaluation), "2026-04-20");
    let extension = Move {
        to: Some(Stage::InCare),
        planned_end_on: Some(d("2027-01-20")),
        goals: Some(Goals::Partly),
        intended_outflow: Some(Destination::Community),
        note: Some("Nog nodig: schoolgang".into()),
        ..Move::default()
    };
    mv(&mut store, r, extension.clone(), "2026-04-27");
    let closing = Move {
        to: Some(Stage::Closed),
        reason: Some(OutflowReason::EndedByProvider),
        destination: Some(Destination::YouthCareElsewhere),
        ..Move::default()
    };
    let closed = mv(&mut store, r, closing, "2026-10-01");
    assert_eq!(closed.destination, Some(Destination::YouthCareElsewhere));
    let moves: Vec<Move> = store
        .history(closed.id)
        .unwrap()
        .into_iter()
        .filter_map(|h| match h.event.change {
            Change::Moved(m) => Some(m),
            _ => None,
        })
        .collect();
    let stored = &moves[4];
    assert_eq!(
        (
            stored.goals,
            stored.intended_outflow,
            stored.note.as_deref()
        ),
        (
            Some(Goals::Partly),
            Some(Destination::Community),
            Some("Nog nodig: schoolgang")
        )
    );
    assert_eq!(moves[5].destination, Some(Destination::YouthCareElsewhere));
    // As of a date before the closing, no destination; after, the named one.
    let before = store.snapshot(d("2026-09-30"), d(TODAY)).unwrap();
    assert_eq!(before.cases[0].destination, None);
    assert_eq!(before.cases[0].planned_end_on, Some(d("2027-01-20")));
    let after = store.snapshot(d("2026-10-01"), d(TODAY)).unwrap();
    assert_eq!(
        after.cases[0].destination,
        Some(Destination::YouthCareElsewhere)
    );
    assert!(store.check(d(TODAY)).unwrap().problems.is_empty());
}

/// Opening a file of the previous schema says, once, on standard error,
/// that the database is being brought up to date (at country scale that
/// takes a minute, and a silent terminal looks hung); a new file and a
/// file already up to date say nothing.
#[test]
fn bringing_an_older_file_up_to_date_is_said_once() {
    let dir = Sandbox::with_db("old.db");
    file_at_version(
        &dir.db,
        stroom::store::schema::latest_version() as usize - 1,
    );
    let notice = "is bringing the database up to the new version";
    let first = dir.run(&["export", "waitlist", "--format", "csv"]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert_eq!(
        text(&first.stderr).matches(notice).count(),
        1,
        "{}",
        text(&first.stderr)
    );
    let again = dir.run(&["export", "waitlist", "--format", "csv"]);
    assert!(again.status.success() && !contains(&again.stderr, notice));
    let fresh = Sandbox::new();
    let new = fresh.run(&["export", "waitlist", "--format", "csv"]);
    assert!(
        new.status.success() && !contains(&new.stderr, notice),
        "{}",
        text(&new.stderr)
    );
}

/// A file of the schema before `standing_reviews` holding a demo team
/// (cases reviewed in an earlier episode among them): opening it fills the
/// table with each case's reviews of its current episode folded, as the
/// board read them before, loses nothing, and `stroom check` is content.
#[test]
fn the_standing_review_migration_fills_the_table_from_the_reviews() {
    let dir = Sandbox::with_db("old.db");
    let source = dir.db.with_file_name("now.db");
    {
        let mut store = Store::open(&source).unwrap();
        let demo = stroom::demo::generate(7, d(TODAY), 600);
        store
            .insert_bundles(&demo, d(TODAY), "test", &mut |_| {})
            .unwrap();
    }
    let count = |conn: &rusqlite::Connection, table: &str| -> i64 {
        conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    };
    let tables = ["cases", "events", "reviews", "decisions", "episodes"];
    let counts: Vec<i64> = {
        let conn = rusqlite::Connection::open(&source).unwrap();
        tables.iter().map(|t| count(&conn, t)).collect()
    };
    {
        let conn = file_at_version(&dir.db, stroom::store::schema::standing_migration());
        conn.execute("ATTACH ?1 AS now", [source.to_str().unwrap()])
            .unwrap();
        for table in tables {
            let cols: Vec<String> = conn
                .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            let cols = cols.join(", ");
            conn.execute_batch(&format!(
                "INSERT INTO main.{table} ({cols}) SELECT {cols} FROM now.{table}"
            ))
            .unwrap();
        }
        conn.execute_batch("DETACH now").unwrap();
        let has_table: bool = conn
            .prepare("SELECT 1 FROM sqlite_schema WHERE name = 'standing_reviews'")
            .unwrap()
            .exists([])
            .unwrap();
        assert!(!has_table);
    }
    let store = Store::open(&dir.db).unwrap();
    let after: Vec<i64> = tables.iter().map(|t| count(store.conn(), t)).collect();
    assert_eq!(after, counts);
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
    let filled = store.standing_reviews().unwrap();
    assert!(filled.len() > 100, "{}", filled.len());
    assert_eq!(filled, store.standing_reviews_replayed().unwrap());
    let made_by_writes = Store::open(&source).unwrap().standing_reviews().unwrap();
    assert_eq!(filled, made_by_writes);
    let problems = store.check(d(TODAY)).unwrap().problems;
    assert!(problems.is_empty(), "{problems:?}");
}

/// The episodes kept for the flow figures are checked against the history:
/// a changed row, a lost row and a row too many are each one problem of
/// their case, and a clean file has none (also with the demo team).
#[test]
fn check_reports_episodes_that_do_not_match_the_history() {
    let (_dir, mut store) = new_store();
    let first = store
        .add_referral(&referral("2026-01-10"), d(TODAY), "t")
        .unwrap();
    let second = store
        .add_referral(&referral("2026-02-10"), d(TODAY), "t")
        .unwrap();
    let third = store
        .add_referral(&referral("2026-03-10"), d(TODAY), "t")
        .unwrap();
    assert!(store.check(d(TODAY)).unwrap().problems.is_empty());
    let problems = |store: &Store| -> Vec<(Option<String>, String)> {
        store
            .check(d(TODAY))
            .unwrap()
            .problems
            .into_iter()
            .map(|p| (p.case_ref, p.msg.key.to_string()))
            .collect()
    };
    let differ = |c: &stroom::domain::Case| {
        (
            Some(c.case_ref.clone()),
            "check.episodes_differ".to_string(),
        )
    };
    store
        .conn()
        .execute(
            "UPDATE episodes SET referrer = 'school' WHERE case_id = ?1",
            [first.id],
        )
        .unwrap();
    assert_eq!(problems(&store), vec![differ(&first)]);
    store
        .conn()
        .execute("DELETE FROM episodes WHERE case_id = ?1", [second.id])
        .unwrap();
    assert_eq!(problems(&store), vec![differ(&first), differ(&second)]);
    store
        .conn()
        .execute(
            "INSERT INTO episodes (case_id, number, history_until, trajectories) \
             SELECT case_id, number + 1, history_until, trajectories FROM episodes \
             WHERE case_id = ?1",
            [third.id],
        )
        .unwrap();
    assert_eq!(
        problems(&store),
        vec![differ(&first), differ(&second), differ(&third)]
    );
}
