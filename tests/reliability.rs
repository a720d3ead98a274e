//! Hostile input, privacy and files: fuzzed CSV imports, escape sequences in
//! names, formulas in spreadsheets, files stroom must not touch, a full
//! disk, the access log, retention, private files and no network.
//!
//! More fuzz cases: `PROPTEST_CASES=5000 cargo test --test reliability fuzz`.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use proptest::prelude::*;
use serde_json::Value;

use stroom::domain::dates::parse_date;
use stroom::domain::{Msg, Referrer, Urgency};
use stroom::import::{ImportError, plan, read_text};
use stroom::store::{NewReferral, Store};

mod common;

use common::{Sandbox, TODAY, contains, text};

fn today() -> chrono::NaiveDate {
    parse_date(TODAY).unwrap()
}

common::sandbox_type!(Team);

impl Team {
    fn new() -> Team {
        Team(Sandbox::new())
    }

    fn run_on(&self, db: &Path, args: &[&str]) -> Output {
        self.sanne_on(db, args).output().unwrap()
    }

    fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(args)).unwrap()
    }

    /// A small team: one case waiting, one in care, two closed long ago,
    /// one closed recently; names and birth dates on all of them.
    fn fill(&self) {
        let csv = "case_ref;name;birth_date;referred_on;referrer;route;care_type;provider;intake_on;triaged_on;care_started_on;closed_on;outflow_reason\n\
            W1;Daan de Vries;2011-04-02;2026-08-01;gp;ambulant;ambulant_home;Kompas;2026-08-10;2026-09-01;;;\n\
            C1;Sanne Bakker;2009-01-15;2025-06-01;school;ambulant;ambulant_home;Kompas;2025-06-10;2025-07-01;2025-08-01;;\n\
            O1;Fleur Jansen;2008-05-05;2023-01-10;jgz;ambulant;day_care;De Linde;2023-01-20;2023-02-01;2023-03-01;2024-02-01;goals_met\n\
            O2;Milan Smit;2007-07-07;2023-03-10;gp;community;;;2023-03-20;2023-04-01;;;\n\
            O3;Noor Visser;2012-12-12;2025-01-10;self;ambulant;ambulant_home;Kompas;2025-01-20;2025-02-01;2025-03-01;2026-10-01;goals_met\n";
        let f = self.write("team.csv", csv);
        self.ok(&["import", &f]);
    }

    fn store(&self) -> Store {
        Store::open(&self.db).unwrap()
    }

    fn audit(&self, args: &[&str]) -> Vec<Value> {
        let mut all = vec!["audit", "--format", "json"];
        all.extend_from_slice(args);
        self.json(&all)["rows"].as_array().unwrap().clone()
    }
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

// ---- fuzzed CSV import ----

/// Headers a team's file may carry: the spec's columns and a few that are
/// not (empty, differently written, Dutch, quoted).
fn columns() -> Vec<&'static str> {
    let mut all = common::spec::IMPORT.to_vec();
    all.extend(["", "Referred_On ", "geboortedatum", "\"referred_on"]);
    all
}

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "", "2026-03-01", "01-03-2026", "0000-01-01", "9999-12-31", "2026-02-30",
            "2026-13-01", "31-12-1899", "+2026-01-01", "gp", "school", "urgent", "regular",
            "in_care", "closed", "waiting", "triage", "ambulant", "team", "community",
            "residential", "ambulant_home", "foster_care", "goals_met", "true", "ja", "2026-0001",
            "=1+1", "@SUM(A1)", "-", "\"", "\"\"", "a\"b",
        ])
        .prop_map(String::from),
        2 => "[0-9]{1,4}-[0-9]{1,2}-[0-9]{1,4}",
        2 => "\\PC{0,16}",
        2 => "[\"',;\t\r\n\\x00-\\x1f\\x7f\u{1b}\u{202e}a-z]{0,12}",
        1 => (1usize..40_000).prop_map(|n| "Ž".repeat(n)),
    ]
}

fn csv_file() -> impl Strategy<Value = Vec<u8>> {
    (
        prop_oneof![
            prop::collection::vec(prop::sample::select(columns()), 0..8),
            Just(vec!["case_ref", "referred_on", "referrer", "name"]),
        ],
        prop::collection::vec(
            prop_oneof![
                prop::collection::vec(cell(), 0..9),
                // A good row now and then, so that whole files get imported.
                "[A-Z][0-9]{1,3}".prop_map(|r| vec![
                    r,
                    "2026-03-01".into(),
                    "gp".into(),
                    "Anna".into()
                ]),
            ],
            0..6,
        ),
        prop::sample::select(vec![",", ";", "\t"]),
        prop::sample::select(vec!["\n", "\r\n", "\r"]),
        any::<bool>(),
        prop::option::of((any::<prop::sample::Index>(), any::<u8>())),
    )
        .prop_map(|(header, rows, sep, end, bom, corrupt)| {
            let mut text = String::new();
            if bom {
                text.push('\u{feff}');
            }
            text.push_str(&header.join(sep));
            for row in rows {
                text.push_str(end);
                text.push_str(&row.join(sep));
            }
            let mut bytes = text.into_bytes();
            // A byte of another encoding (Windows-1252, Latin-1) or noise.
            if let (Some((at, byte)), false) = (corrupt, bytes.is_empty()) {
                let i = at.index(bytes.len());
                bytes[i] = byte;
            }
            bytes
        })
}

fn lines_in(bytes: &[u8]) -> u64 {
    1 + bytes
        .iter()
        .filter(|b| **b == b'\n' || **b == b'\r')
        .count() as u64
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn fuzzed_imports_never_panic_never_half_import_and_name_line_and_column(bytes in csv_file()) {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("in.csv");
        std::fs::write(&file, &bytes).unwrap();
        let mut store = Store::open(&dir.path().join("t.db")).unwrap();
        let text = match read_text(&file) {
            Ok(t) => t,
            Err(msg) => {
                prop_assert_eq!(msg.key, "import.not_utf8");
                let line: u64 = msg.get("line").unwrap().parse().unwrap();
                prop_assert!(line >= 1 && line <= lines_in(&bytes));
                return Ok(());
            }
        };
        match plan(&text, "in.csv", today(), Some(&store)) {
            Err(ImportError::Fatal(msg)) => {
                // Only a file without any row has no line to name.
                prop_assert_eq!(msg.key, "import.empty", "{}", msg);
            }
            Err(ImportError::Rows(errors)) => {
                prop_assert!(!errors.is_empty());
                for e in &errors {
                    prop_assert!(e.line >= 1 && e.line <= lines_in(&bytes), "{:?}", e);
                    prop_assert!(!e.column.trim().is_empty(), "{:?}", e);
                }
            }
            Ok(plan) => {
                let result = store.insert_bundles(&plan.bundles, today(), "fuzz", &mut |_| {});
                let count = store.count_cases().unwrap();
                match result {
                    Ok(n) => prop_assert_eq!(count, n as i64),
                    Err(_) => prop_assert_eq!(count, 0),
                }
                let report = store.check(today()).unwrap();
                prop_assert!(report.problems.is_empty(), "{:?}", report.problems);
            }
        }
    }
}

// ---- files stroom must not touch ----

fn assert_one_sentence_nothing_changed(team: &Team, db: &Path, expect: &str) {
    let before = std::fs::read(db).ok();
    let listing = |p: &Path| {
        let mut names: Vec<_> = std::fs::read_dir(p.parent().unwrap())
            .map(|d| d.map(|e| e.unwrap().file_name()).collect())
            .unwrap_or_default();
        names.sort();
        names
    };
    let files_before = listing(db);
    let out = team.run_on(
        db,
        &["add", "--referred-on", "2026-11-01", "--referrer", "gp"],
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{}: {err}", db.display());
    assert!(out.stdout.is_empty());
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("stroom: ") && err.contains(expect),
        "{}: {err}",
        db.display()
    );
    assert_eq!(std::fs::read(db).ok(), before, "{} changed", db.display());
    assert_eq!(
        listing(db),
        files_before,
        "files appeared beside {}",
        db.display()
    );
}

#[test]
fn foreign_newer_read_only_corrupt_and_missing_files_get_one_sentence_and_stay_untouched() {
    let team = Team::new();
    team.fill();

    let text_file = team.path("notes.txt");
    std::fs::write(&text_file, "boodschappen: melk, brood\n").unwrap();
    assert_one_sentence_nothing_changed(&team, &text_file, "is not an SQLite file");

    let foreign = team.path("other.sqlite");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    assert_one_sentence_nothing_changed(&team, &foreign, "another program");

    let newer = team.path("newer.db");
    std::fs::copy(&team.db, &newer).unwrap();
    rusqlite::Connection::open(&newer)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    assert_one_sentence_nothing_changed(&team, &newer, "newer version of stroom");

    let read_only = team.path("read-only.db");
    std::fs::copy(&team.db, &read_only).unwrap();
    std::fs::set_permissions(&read_only, std::fs::Permissions::from_mode(0o400)).unwrap();
    assert_one_sentence_nothing_changed(&team, &read_only, "is read-only");

    // Damage in the middle of the file: the header is still SQLite's.
    let corrupt = team.path("corrupt.db");
    let mut bytes = std::fs::read(&team.db).unwrap();
    let page = 4096;
    for b in &mut bytes[page..3 * page] {
        *b = 0xA5;
    }
    std::fs::write(&corrupt, &bytes).unwrap();
    std::fs::set_permissions(&corrupt, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert_one_sentence_nothing_changed(&team, &corrupt, "damaged");

    let missing = team.path("no-such-folder").join("team.db");
    assert_one_sentence_nothing_changed(&team, &missing, "does not exist");
    assert!(!team.path("no-such-folder").exists());
}

#[test]
fn a_full_disk_refuses_the_change_whole_and_says_so() {
    let team = Team::new();
    team.fill();
    let mut store = team.store();
    let before = store.count_cases().unwrap();
    // The database may not grow by a single page: as good as a full disk.
    let pages: i64 = store
        .conn()
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .unwrap();
    store
        .conn()
        .query_row(&format!("PRAGMA max_page_count = {pages}"), [], |_| Ok(()))
        .unwrap();
    // Fields as long as they may be (200 characters), added until the file
    // would have to grow: that referral is refused whole, the earlier stay.
    let big = "x".repeat(200);
    let mut added = 0;
    let err = loop {
        let new = NewReferral {
            case_ref: Some(format!("F{added}")),
            name: Some(big.clone()),
            birth_date: None,
            referred_on: today(),
            referrer: Referrer::Gp,
            urgency: Urgency::Regular,
            worker: Some(big.clone()),
        };
        match store.add_referral(&new, today(), "sanne") {
            Ok(_) => added += 1,
            Err(e) => break e,
        }
        assert!(
            added < 1_000,
            "the database kept growing past its page limit"
        );
    };
    let before = before + added;
    assert_eq!(store.count_cases().unwrap(), before);
    assert_eq!(err, Msg::new("error.disk_full"));
    let text = plan_text(400);
    let planned = plan(&text, "big.csv", today(), Some(&store)).unwrap();
    let err = store
        .insert_bundles(&planned.bundles, today(), "sanne", &mut |_| {})
        .unwrap_err();
    assert_eq!(err, Msg::new("error.disk_full"));
    assert_eq!(store.count_cases().unwrap(), before);
    assert!(store.check(today()).unwrap().problems.is_empty());
    let en = stroom::present::i18n::Catalog::get(stroom::present::i18n::Lang::En);
    assert_eq!(
        en.render(&err),
        "The disk is full: the change was not saved."
    );
}

fn plan_text(n: usize) -> String {
    let mut t = String::from("case_ref,referred_on,name,worker\n");
    for i in 0..n {
        t.push_str(&format!(
            "B{i},2026-10-01,Kind nummer {i},Coördinator {i}\n"
        ));
    }
    t
}

// ---- escape sequences and formulas ----

const HOSTILE: &str = "Daan\u{1b}[2J\u{1b}]52;c;cm0gLXJmIH4=\u{7}\u{202e}fdp.exe";

/// Puts `HOSTILE` into every free text of the file's cases and decisions,
/// past the input gate (which refuses it, see tests/faults.rs): as an older
/// stroom or another program could have stored it.
fn plant_hostile_text(db: &std::path::Path) {
    let c = rusqlite::Connection::open(db).unwrap();
    c.execute("UPDATE cases SET name = ?1, worker = ?1", [HOSTILE])
        .unwrap();
    // Decisions are append-only: a second one beside the first.
    c.execute(
        "INSERT INTO decisions (case_id, meeting_on, text, owner) \
         SELECT case_id, meeting_on, ?1, ?1 FROM decisions",
        [HOSTILE],
    )
    .unwrap();
}

#[test]
fn escape_sequences_stored_before_the_gate_are_shown_harmlessly() {
    let team = Team::new();
    let r = team
        .ok(&[
            "add",
            "--referred-on",
            "2026-10-01",
            "--referrer",
            "gp",
            "--name",
            "Daan",
        ])
        .trim()
        .to_string();
    team.ok(&["decide", &r, "--text", "besluit"]);
    plant_hostile_text(&team.db);
    let case = team.store().case(&r).unwrap();
    assert_eq!(case.name.as_deref(), Some(HOSTILE), "read as stored");
    let reason = format!("reason {HOSTILE}");
    for (args, visible) in [
        (
            &[
                "export",
                "waitlist",
                "--format",
                "md",
                "--with-names",
                "--reason",
                "t",
            ][..],
            "Daan",
        ),
        (
            &["export", "meeting", "--with-names", "--reason", &reason][..],
            "Daan",
        ),
        // The reason someone typed, in the access log.
        (&["audit"][..], "fdp.exe"),
    ] {
        let out = team.ok(args);
        assert!(out.contains(visible), "{args:?}: {out}");
        assert!(
            !out.contains('\u{1b}') && !out.contains('\u{7}') && !out.contains('\u{202e}'),
            "{args:?}: {out:?}"
        );
    }
}

#[test]
fn the_case_screen_draws_hostile_text_inert_and_logs_the_view() {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use stroom::tui::{Action, App, View, views};

    let team = Team::new();
    let ctx = team.context(
        stroom::context::config::Config::default(),
        stroom::present::i18n::Lang::En,
        TODAY,
        "coordinator",
    );
    let mut store = Store::open(&team.db).unwrap();
    let new = NewReferral {
        case_ref: Some("H1".into()),
        name: Some("Daan".into()),
        birth_date: None,
        referred_on: today(),
        referrer: Referrer::Gp,
        urgency: Urgency::Regular,
        worker: Some("Sanne".into()),
    };
    store.add_referral(&new, today(), "sanne").unwrap();
    store
        .record_decision("H1", today(), "besluit", None, today(), "sanne", None)
        .unwrap();
    plant_hostile_text(&team.db);
    let mut app = App::new(&ctx, store, 120, 40).unwrap();
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    for action in [Action::Show(View::Cases), Action::Open] {
        app.step(action);
    }
    term.draw(|f| views::draw(&app, f)).unwrap();
    let buf = term.backend().buffer().clone();
    let screen: String = buf.content().iter().map(|c| c.symbol()).collect();
    assert!(screen.contains("Daan"), "{screen}");
    assert!(screen.contains("fdp.exe"), "{screen}");
    assert!(
        !screen.chars().any(|c| c.is_control() || c == '\u{202e}'),
        "{screen:?}"
    );
    let log = team.audit(&["--case", "H1"]);
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0]["action"], "view_case");
    assert_eq!(log[0]["actor"], "coordinator");
}

#[test]
fn spreadsheets_hold_formulas_as_text_only() {
    use stroom::export::{Cell, Document, Format, Rows, Table};
    let table = Table {
        title: String::new(),
        sheet: "data".into(),
        note: None,
        keys: vec![
            "case_ref".into(),
            "worker".into(),
            "provider".into(),
            "as_of".into(),
        ],
        headers: Vec::new(),
        rows: Rows::Ready(vec![vec![
            Cell::text("2026-0001"),
            Cell::text("=HYPERLINK(\"http://x\",\"klik\")"),
            Cell::text("+cmd|' /C calc'!A0"),
            Cell::Date(today()),
        ]]),
    };
    let mut doc = Document::list("Wachtlijst".into(), today(), "Peildatum".into(), table);
    doc.summary = vec![("@SUM(1+1)".into(), Cell::text("-2+3"))];
    let bytes = doc.render(Format::Xlsx).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        if name.starts_with("xl/") && name.ends_with(".xml") {
            std::io::Read::read_to_string(&mut f, &mut xml).unwrap();
        }
    }
    assert!(xml.contains("HYPERLINK"), "the text is there");
    assert!(
        !xml.contains("<f>") && !xml.contains("<f "),
        "no formula cells"
    );
    let csv = text(&doc.render(Format::Csv).unwrap());
    assert!(
        csv.contains("'=HYPERLINK") && csv.contains("'+cmd"),
        "{csv}"
    );
}

// ---- access log and retention ----

#[test]
fn exports_with_names_backups_and_views_are_in_the_access_log() {
    let team = Team::new();
    team.fill();
    team.ok(&["export", "waitlist", "--format", "json"]);
    team.ok(&["show", "W1"]);
    assert!(team.audit(&[]).is_empty(), "no names, no log");
    let out = team.path("wl.csv");
    let out = out.to_str().unwrap();
    team.ok(&[
        "export",
        "waitlist",
        "--with-names",
        "--reason",
        "wachtlijstoverzicht gemeente",
        "-o",
        out,
    ]);
    team.ok(&[
        "export",
        "stoplight",
        "--with-names",
        "--reason",
        "r",
        "--format",
        "json",
    ]);
    team.ok(&["export", "meeting", "--with-names", "--reason", "r"]);
    let shown = team.json(&["show", "W1", "--with-names"]);
    assert_eq!(shown["name"], "Daan de Vries");
    let backup = team.path("backup.db");
    team.ok(&["backup", backup.to_str().unwrap()]);
    let log = team.audit(&[]);
    let actions: Vec<&str> = log.iter().map(|r| r["action"].as_str().unwrap()).collect();
    assert_eq!(
        actions,
        [
            "export_with_names",
            "export_with_names",
            "export_with_names",
            "view_case",
            "backup"
        ]
    );
    assert_eq!(
        log[0]["detail"],
        format!("export waitlist (csv) to {out}; reason: wachtlijstoverzicht gemeente")
    );
    assert!(log.iter().all(|r| r["actor"] == "sanne"));
    assert_eq!(team.audit(&["--case", "W1"]).len(), 1);
    assert!(team.audit(&["--since", "2200-01-01"]).is_empty());
    let plain = team.ok(&["audit"]);
    assert_eq!(plain.lines().count(), 6, "{plain}");
    assert!(plain.contains("export with names"), "{plain}");
    // --reason belongs to an export with names.
    let out = team.run(&["export", "waitlist", "--reason", "x"]);
    assert_eq!(out.status.code(), Some(2));
}

fn flow(team: &Team) -> Value {
    let mut v = team.json(&["report", "flow", "--from", "2023-01-01", "--to", TODAY]);
    v.as_object_mut().unwrap().remove("generated_at");
    v
}

#[test]
fn purge_removes_names_of_long_closed_cases_for_good_and_keeps_the_figures() {
    let team = Team::new();
    team.fill();
    let flow_before = flow(&team);
    assert!(contains(&std::fs::read(&team.db).unwrap(), "Fleur Jansen"));
    let waitlist_before = team.ok(&["export", "waitlist", "--format", "json"]);

    // Scripts must say --yes; a dry run only counts.
    let out = team.run(&["purge", "--closed-before", "2026-01-01"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("add --yes"),
        "{}",
        text(&out.stderr)
    );
    let dry = team.ok(&["purge", "--closed-before", "2026-01-01", "--dry-run"]);
    assert!(
        dry.contains("of 2 case(s) closed before 2026-01-01"),
        "{dry}"
    );
    assert!(team.audit(&[]).is_empty());
    assert_eq!(
        team.store().case("O1").unwrap().name.as_deref(),
        Some("Fleur Jansen")
    );
    let future = team.run(&["purge", "--closed-before", "2027-01-01", "--yes"]);
    assert_eq!(future.status.code(), Some(1));

    let done = team.ok(&["purge", "--closed-before", "2026-01-01", "--yes"]);
    assert!(done.contains("2 case(s)"), "{done}");
    let store = team.store();
    for (r, name) in [("O1", None), ("O2", None), ("O3", Some("Noor Visser"))] {
        let case = store.case(r).unwrap();
        assert_eq!(case.name.as_deref(), name, "{r}");
        assert_eq!(case.birth_date.is_some(), name.is_some(), "{r}");
    }
    assert_eq!(
        store.case("C1").unwrap().name.as_deref(),
        Some("Sanne Bakker")
    );
    drop(store);
    // Gone from the files, not just from the rows.
    for suffix in ["", "-wal"] {
        let f = PathBuf::from(format!("{}{suffix}", team.db.display()));
        if let Ok(bytes) = std::fs::read(&f) {
            for gone in ["Fleur Jansen", "Milan Smit", "2008-05-05", "2007-07-07"] {
                assert!(!contains(&bytes, gone), "{gone} still in {}", f.display());
            }
            assert!(contains(&bytes, "Noor Visser") || suffix == "-wal");
        }
    }
    assert_eq!(flow(&team), flow_before, "flow figures unchanged");
    assert_eq!(
        team.ok(&["export", "waitlist", "--format", "json"])
            .lines()
            .filter(|l| !l.contains("generated_at"))
            .collect::<Vec<_>>(),
        waitlist_before
            .lines()
            .filter(|l| !l.contains("generated_at"))
            .collect::<Vec<_>>()
    );
    // Without a birth date the age is unknown (null), not zero.
    let shown = team.json(&["show", "O1", "--with-names"]);
    assert_eq!(shown["age"], Value::Null);
    assert_eq!(shown["name"], Value::Null);
    assert_eq!(shown["outflow_reason"], "goals_met");
    let log = team.audit(&[]);
    let purged: Vec<&str> = log
        .iter()
        .filter(|r| r["action"] == "purge")
        .map(|r| r["case_ref"].as_str().unwrap())
        .collect();
    assert_eq!(purged, ["O1", "O2"]);
    team.ok(&["check"]);
    // A second purge finds nothing left to remove.
    let again = team.ok(&["purge", "--closed-before", "2026-01-01", "--yes"]);
    assert!(again.contains("nothing to purge"), "{again}");
}

// ---- files and network ----

#[test]
fn every_file_stroom_writes_is_readable_by_its_owner_only() {
    let team = Team::new();
    team.fill();
    // WAL and shared memory exist while a connection is open.
    let mut store = team.store();
    let worker = stroom::domain::Assignment::parse("worker=Bram").unwrap();
    store
        .set_fields("W1", &[worker], today(), today(), "sanne", None)
        .unwrap();
    for suffix in ["", "-wal", "-shm"] {
        let f = PathBuf::from(format!("{}{suffix}", team.db.display()));
        assert_eq!(mode(&f), 0o600, "{}", f.display());
    }
    drop(store);
    let o = |name: &str| team.path(name).display().to_string();
    let exports: Vec<Vec<String>> = vec![
        vec!["export", "waitlist", "--format", "csv", "-o", &o("w.csv")],
        vec!["export", "waitlist", "--format", "json", "-o", &o("w.json")],
        vec!["export", "waitlist", "--format", "md", "-o", &o("w.md")],
        vec!["export", "waitlist", "--format", "xlsx", "-o", &o("w.xlsx")],
        vec![
            "export",
            "stoplight",
            "--format",
            "xlsx",
            "-o",
            &o("s.xlsx"),
        ],
        vec!["export", "stoplight", "--format", "md", "-o", &o("s.md")],
        vec!["export", "meeting", "--format", "json", "-o", &o("m.json")],
        vec!["export", "meeting", "-o", &o("m.md")],
        vec![
            "report",
            "flow",
            "--from",
            "2026-01-01",
            "--to",
            TODAY,
            "--format",
            "csv",
            "-o",
            &o("f.csv"),
        ],
        vec![
            "report",
            "flow",
            "--from",
            "2026-01-01",
            "--to",
            TODAY,
            "--format",
            "md",
            "-o",
            &o("f.md"),
        ],
        vec!["backup", &o("b.db")],
    ]
    .into_iter()
    .map(|v| v.into_iter().map(String::from).collect())
    .collect();
    // Files that were there before with a wider mode end up private too.
    std::fs::write(team.path("w.csv"), "old").unwrap();
    std::fs::set_permissions(team.path("w.csv"), std::fs::Permissions::from_mode(0o644)).unwrap();
    for args in &exports {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        team.ok(&args);
        let file = PathBuf::from(args.last().unwrap());
        assert_eq!(mode(&file), 0o600, "{args:?}");
    }
}

#[test]
fn nothing_in_stroom_talks_to_the_network() {
    let lock = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.lock")).unwrap();
    for crate_name in [
        "reqwest",
        "hyper",
        "ureq",
        "curl",
        "tokio",
        "native-tls",
        "rustls",
    ] {
        assert!(
            !lock.contains(&format!("name = \"{crate_name}\"")),
            "{crate_name} in Cargo.lock"
        );
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut stack = vec![src];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let code = std::fs::read_to_string(&path).unwrap();
                for word in ["std::net", "TcpStream", "UdpSocket", "TcpListener"] {
                    assert!(!code.contains(word), "{word} in {}", path.display());
                }
            }
        }
    }
    // Where the system allows it, run stroom without any network at all.
    let team = Team::new();
    let unshare = Command::new("unshare").args(["-n", "true"]).status();
    if !unshare.is_ok_and(|s| s.success()) {
        eprintln!("unshare -n not available here: the source check stands alone");
        return;
    }
    let csv = team.write("t.csv", "referred_on,referrer\n2026-10-01,gp\n");
    for args in [
        vec!["import", csv.as_str()],
        vec!["export", "waitlist", "--format", "json"],
        vec!["check"],
    ] {
        let out = Command::new("unshare")
            .arg("-n")
            .arg(env!("CARGO_BIN_EXE_stroom"))
            .args(&args)
            .env("STROOM_DB", &team.db)
            .env("STROOM_TODAY", TODAY)
            .env("STROOM_CONFIG", team.path("no-config.toml"))
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    }
}

/// On a terminal, a purge asks and goes ahead only on "ja" or "yes". Runs
/// under `script` (a pseudo-terminal) where it is installed.
#[test]
fn on_a_terminal_a_purge_asks_first() {
    let team = Team::new();
    team.fill();
    if !common::terminal::available() {
        eprintln!("script(1) not available: the confirmation is covered by the unit test only");
        return;
    }
    let purge = |answer: &str| team.on_terminal("purge --closed-before 2026-01-01", answer);
    let (code, shown) = purge("j\n");
    assert_eq!(code, Some(1), "{shown}");
    assert!(
        shown.contains("2 case(s) closed before 2026-01-01?"),
        "{shown}"
    );
    assert!(shown.contains("Nothing was removed."), "{shown}");
    assert!(team.store().case("O1").unwrap().name.is_some());
    let (code, shown) = purge("ja\n");
    assert_eq!(code, Some(0), "{shown}");
    assert!(team.store().case("O1").unwrap().name.is_none());
}
