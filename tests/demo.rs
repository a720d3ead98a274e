//! `stroom demo` from the command line: the same seed and today give the same
//! database, `check` finds nothing wrong with it, and a database that already
//! holds cases is only replaced with --force, after a backup.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use rusqlite::Connection;

mod common;

use common::Sandbox;

/// `stroom` on `db` in English, with no config (one beside each database,
/// as a test may hold several).
fn stroom(db: &Path) -> Command {
    let mut cmd = Command::from_std(common::stroom(db, &db.with_extension("no-config.toml")));
    cmd.env("STROOM_LANG", "en");
    cmd
}

/// Every row of every table, without the recording timestamps (which say
/// when the demo was written, not what it holds) and the chain hashes that
/// cover them.
fn dump(db: &Path) -> Vec<String> {
    let conn = Connection::open(db).unwrap();
    let mut out = Vec::new();
    for table in ["cases", "events", "reviews", "decisions"] {
        let columns: Vec<String> = conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let kept: Vec<&str> = columns
            .iter()
            .map(String::as_str)
            .filter(|c| *c != "recorded_at" && *c != "hash")
            .collect();
        let sql = format!("SELECT {} FROM {table} ORDER BY id", kept.join(", "));
        let mut stmt = conn.prepare(&sql).unwrap();
        let rows = stmt
            .query_map([], |row| {
                let values: Vec<rusqlite::types::Value> = (0..kept.len())
                    .map(|i| row.get(i))
                    .collect::<Result<_, _>>()?;
                Ok(format!("{table} {values:?}"))
            })
            .unwrap();
        out.extend(rows.map(Result::unwrap));
    }
    out
}

fn count(db: &Path, sql: &str) -> i64 {
    Connection::open(db)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

#[test]
fn same_seed_and_today_give_the_same_database_and_check_is_clean() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
    for db in [&a, &b] {
        stroom(db)
            .args(["demo", "--seed", "4"])
            .assert()
            .success()
            .stdout(predicate::str::is_match(
                r"^Demo team written to .*: 1800 cases, \d+ events and \d+ stoplight reviews, in \d+\.\d s\.\n$",
            ).unwrap());
    }
    let dump_a = dump(&a);
    assert!(dump_a.len() > 20_000, "{} rows", dump_a.len());
    assert!(dump_a == dump(&b), "two demos with the same seed differ");
    stroom(&a)
        .arg("check")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("All well: 1800 cases"));
    assert_eq!(
        count(
            &a,
            "SELECT count(DISTINCT actor) FROM events WHERE actor <> 'demo'"
        ),
        0
    );

    let c = dir.path().join("c.db");
    stroom(&c)
        .args(["demo", "--seed", "5", "--cases", "300"])
        .assert()
        .success();
    assert_eq!(count(&c, "SELECT count(*) FROM cases"), 300);
    assert_ne!(dump(&c)[..300], dump_a[..300]);
}

#[test]
fn cases_are_only_replaced_with_force_and_the_old_ones_are_kept() {
    let sandbox = Sandbox::new();
    let (dir, db) = (&sandbox.dir, sandbox.db.clone());
    stroom(&db)
        .args(["add", "--referred-on", "2026-11-02", "--referrer", "gp"])
        .assert()
        .success();
    stroom(&db)
        .args(["demo", "--cases", "200"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(
            "stroom: The database already holds 1 cases; use --force to replace them with the demo team.\n",
        );
    assert_eq!(count(&db, "SELECT count(*) FROM cases"), 1);

    // People's work: --force alone is not enough without a terminal.
    stroom(&db)
        .args(["demo", "--cases", "200", "--force"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("--force --yes"));
    assert_eq!(count(&db, "SELECT count(*) FROM cases"), 1);

    let out = stroom(&db)
        .args(["demo", "--cases", "200", "--force", "--yes"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    let backups: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("team.db.before-demo-"))
        .collect();
    assert_eq!(backups.len(), 1, "{backups:?}");
    let backup = &backups[0];
    assert!(
        out.starts_with(&format!(
            "The 1 cases that were in the database are kept in {}.\n",
            backup.display()
        )),
        "{out}"
    );
    assert_eq!(count(backup, "SELECT count(*) FROM cases"), 1);
    assert_eq!(count(&db, "SELECT count(*) FROM cases"), 200);
    assert!(!dir.path().join("team.db.demo-new").exists());
    stroom(&db).arg("check").assert().success();
    // The replaced database is stroom's and goes on working.
    stroom(&db)
        .args(["add", "--referred-on", "2026-11-21", "--referrer", "school"])
        .assert()
        .success();
}

#[test]
fn cases_must_leave_room_for_the_scenarios() {
    let dir = tempfile::tempdir().unwrap();
    stroom(&dir.path().join("x.db"))
        .args(["demo", "--cases", "10"])
        .assert()
        .code(2);
}

/// The demo's scenario cases show, on the real rule modules, exactly what
/// they were built to show; every colour and every rule code occurs.
#[test]
fn scenarios_hold_on_the_real_stoplight_and_waiting_lists() {
    use stroom::demo::scenarios::Expect;
    use stroom::domain::{stoplight, waitlist};
    let today = stroom::domain::dates::parse_date("2026-11-22").unwrap();
    let sandbox = Sandbox::with_db("demo.db");
    let mut store = stroom::store::Store::open(&sandbox.db).unwrap();
    let demo = stroom::demo::build(1, today, stroom::demo::DEFAULT_CASES as usize);
    store
        .insert_bundles(&demo.bundles, today, "demo", &mut |_| {})
        .unwrap();
    let config = stroom::context::config::Config::default();
    let snapshot = store.snapshot(today, today).unwrap();
    let board = stoplight::stoplight(&snapshot, &config.precondition_codes(), config.norms.care);
    let waits = waitlist::waiting_list(&snapshot, &config.norms, None);
    for s in &demo.scenarios {
        match &s.expect {
            Expect::Stoplight { color, reasons } => {
                let row = board
                    .iter()
                    .find(|r| r.case_ref == s.case_ref)
                    .expect(s.about);
                assert_eq!(row.color.code(), *color, "{}: {}", s.case_ref, s.about);
                assert_eq!(&row.codes(), reasons, "{}: {}", s.case_ref, s.about);
            }
            Expect::Waiting { queue, signal } => {
                let row = waits
                    .iter()
                    .find(|r| r.case_ref == s.case_ref && r.queue.code() == *queue)
                    .expect(s.about);
                assert_eq!(row.signal.code(), *signal, "{}: {}", s.case_ref, s.about);
            }
        }
    }
    for color in ["green", "orange", "red"] {
        assert!(board.iter().any(|r| r.color.code() == color), "{color}");
    }
    for code in stoplight::Reason::CODES {
        assert!(board.iter().any(|r| r.codes().contains(&code)), "{code}");
    }
}

/// The demo shows the care process in depth (SPEC 1.6–1.8, 3): moments held
/// on time, late and missed; an evaluation list with every signal;
/// extensions with their reports; stepped young people on the board, red
/// once over the care norm; a destination for every closed case; young
/// people turning 18 closing with and without follow-up.
#[test]
fn the_demo_holds_every_rule_of_the_care_process() {
    use stroom::domain::evaluation::{self, EvaluationRules};
    use stroom::domain::{Destination, Signal, Stage, stoplight};
    let today = stroom::domain::dates::parse_date("2026-11-30").unwrap();
    let sandbox = Sandbox::with_db("demo.db");
    let path = sandbox.db.clone();
    let mut store = stroom::store::Store::open(&path).unwrap();
    let demo = stroom::demo::build(4, today, stroom::demo::DEFAULT_CASES as usize);
    store
        .insert_bundles(&demo.bundles, today, "demo", &mut |_| {})
        .unwrap();
    let rules = EvaluationRules::default();
    let snapshot = store.snapshot(today, today).unwrap();
    let dates = store.evaluation_dates(today, &snapshot.cases).unwrap();
    let none: &[chrono::NaiveDate] = &[];
    let list = evaluation::evaluation_list(
        &snapshot.cases,
        |id| dates.get(&id).map(Vec::as_slice).unwrap_or(none),
        today,
        &rules,
    );
    for s in [Signal::Green, Signal::Orange, Signal::Red] {
        assert!(list.iter().any(|r| r.signal == s), "{s} on the list");
    }
    let (mut on_time, mut late) = (0, 0);
    for c in snapshot.cases.iter().filter(|c| c.stage.is_open()) {
        let held = dates.get(&c.id).map(Vec::as_slice).unwrap_or(none);
        for m in evaluation::moments(c, held, today, &rules) {
            match m.held_on_time() {
                Some(true) => on_time += 1,
                Some(false) => late += 1,
                None => {}
            }
        }
    }
    // A team that works its meetings: nearly all on time, a few late.
    assert!(
        on_time > 20 * late && late > 2,
        "{on_time} on time, {late} late"
    );

    let config = stroom::context::config::Config::default();
    let board = stoplight::stoplight(&snapshot, &config.precondition_codes(), config.norms.care);
    let stepped: Vec<_> = board.iter().filter(|r| r.stage == Stage::Waiting).collect();
    assert!(
        stepped
            .iter()
            .any(|r| r.color == Signal::Red && r.codes().contains(&"follow_up_over_norm"))
    );
    assert!(
        stepped
            .iter()
            .any(|r| r.codes().contains(&"follow_up_waiting"))
    );

    let conn = Connection::open(&path).unwrap();
    let one = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(
        one("SELECT count(*) FROM cases WHERE stage = 'closed' AND destination IS NULL"),
        0
    );
    assert!(
        one("SELECT count(*) FROM events WHERE goals IS NOT NULL AND intended_outflow IS NOT NULL")
            > 50
    );
    assert!(one("SELECT count(*) FROM cases WHERE outflow_reason = 'ended_by_provider'") > 0);
    // Young adults closing: some with follow-up, some without.
    let adults = |dests: &str| {
        one(&format!(
            "SELECT count(*) FROM cases WHERE stage = 'closed' AND birth_date IS NOT NULL \
             AND date(birth_date, '+18 years') <= closed_on AND destination IN ({dests})"
        ))
    };
    assert!(adults("'wmo', 'adult_mental_health', 'community'") > 5);
    assert!(adults("'none', 'unknown'") > 5);
    let _ = Destination::ALL;
}
