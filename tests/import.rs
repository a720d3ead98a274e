//! `stroom import` as a user runs it: a file in, cases (or refusals) out.

use std::path::{Path, PathBuf};
use std::time::Instant;

use stroom::domain::{CareType, OutflowReason, Referrer, Route, Stage, Urgency};
use stroom::store::Store;

const TODAY: &str = "2026-06-30";
const EXAMPLE: &str = "tests/data/cases-small.csv";

mod common;

use common::Sandbox;

/// A sandbox whose database is `stroom.db`, in English, on the import's
/// own today (mid-year, so the example file's dates fall before it).
struct Team(Sandbox);

impl Team {
    fn new() -> Team {
        Team(Sandbox::with_db("stroom.db"))
    }

    fn db(&self) -> PathBuf {
        self.0.db.clone()
    }

    fn stroom(&self, args: &[&str]) -> assert_cmd::assert::Assert {
        assert_cmd::Command::from_std(self.0.stroom_on(&self.0.db, "none.toml"))
            .env("STROOM_TODAY", TODAY)
            .env("STROOM_LANG", "en")
            .args(args)
            .assert()
    }

    fn file(&self, name: &str, bytes: impl AsRef<[u8]>) -> String {
        let path = self.0.path(name);
        std::fs::write(&path, bytes).unwrap();
        path.display().to_string()
    }

    fn import(&self, path: &str) -> Output {
        Output::of(self.stroom(&["import", path]))
    }

    fn store(&self) -> Store {
        Store::open(&self.db()).unwrap()
    }

    fn count(&self) -> i64 {
        self.store().count_cases().unwrap()
    }
}

struct Output {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Output {
    fn of(a: assert_cmd::assert::Assert) -> Output {
        let o = a.get_output();
        Output {
            code: o.status.code().unwrap(),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }

    /// The `line N, column C: reason` lines of stderr.
    fn errors(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| l.starts_with("line "))
            .collect()
    }

    fn has_error(&self, prefix: &str) -> bool {
        self.errors().iter().any(|l| l.starts_with(prefix))
    }
}

fn d(s: &str) -> chrono::NaiveDate {
    stroom::domain::dates::parse_date(s).unwrap()
}

#[test]
fn the_team_spreadsheet_imports_and_checks_clean() {
    let team = Team::new();
    let out = team.import(EXAMPLE);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.starts_with("40 cases imported from"),
        "{}",
        out.stdout
    );
    for line in [
        "  Referred: 1",
        "  Intake: 1",
        "  Triage: 3",
        "  Waiting for care: 2",
        "  In care: 21",
        "  Closed: 12",
    ] {
        assert!(
            out.stdout.lines().any(|l| l == line),
            "{line}: {}",
            out.stdout
        );
    }
    team.stroom(&["check"]).success();
    assert_eq!(team.count(), 40);

    let store = team.store();
    // Quoted with a semicolon and doubled quotes; a formula kept as text.
    assert_eq!(
        store.case("2025-0012").unwrap().name.as_deref(),
        Some("Noah; Visser")
    );
    assert_eq!(
        store.case("2025-0007").unwrap().name.as_deref(),
        Some("Sem \"Sammy\" Bakker")
    );
    assert_eq!(
        store.case("2025-0008").unwrap().name.as_deref(),
        Some("=HYPERLINK(\"x\")")
    );
    // Dates in both formats; residential route waiting, then care started.
    let c = store.case("2025-0001").unwrap();
    assert_eq!(c.referred_on, d("2025-12-08"));
    assert_eq!(c.intake_on, Some(d("2025-12-25")));
    assert_eq!(c.triaged_on, Some(d("2025-12-30")));
    assert_eq!(c.care_started_on, Some(d("2026-02-21")));
    assert_eq!(c.planned_end_on, Some(d("2028-02-13")));
    assert_eq!(
        (c.stage, c.route, c.care_type),
        (
            Stage::InCare,
            Some(Route::Residential),
            Some(CareType::Secure)
        )
    );
    assert_eq!(c.provider.as_deref(), Some("Horizon Jeugd-GGZ"));
    assert_eq!(
        (c.referrer, c.urgency, c.worker.as_deref()),
        (Referrer::Gi, Urgency::Regular, Some("Sanne"))
    );
    // Waiting with bridging care: in the care queue since the decision.
    let c = store.case("2025-0005").unwrap();
    assert_eq!(c.stage, Stage::Waiting);
    assert!(c.bridging_care);
    assert_eq!(c.waiting_since, Some(d("2026-05-12")));
    // Community route: closed at the decision.
    let c = store.case("2025-0007").unwrap();
    assert_eq!(
        (c.stage, c.closed_on, c.outflow_reason),
        (
            Stage::Closed,
            Some(d("2024-09-28")),
            Some(OutflowReason::ToCommunity)
        )
    );
    // Triage entered on the intake date.
    let c = store.case("2025-0006").unwrap();
    assert_eq!((c.stage, c.stage_since), (Stage::Triage, d("2026-06-20")));
    // The history is the rebuilt lifecycle: referral, intake, triage,
    // decision, care start.
    let history = store.history(store.case("2025-0001").unwrap().id).unwrap();
    assert_eq!(history.len(), 5);
}

/// The same three cases, written as Excel and other tools write them.
fn three_cases(sep: &str, dutch_dates: bool) -> String {
    let date = |iso: &str| {
        if dutch_dates {
            let p: Vec<&str> = iso.split('-').collect();
            format!("{}-{}-{}", p[2], p[1], p[0])
        } else {
            iso.to_string()
        }
    };
    let rows = [
        [
            "case_ref",
            "referred_on",
            "referrer",
            "name",
            "intake_on",
            "route",
            "triaged_on",
            "care_type",
        ],
        [
            "2026-0101",
            &date("2026-01-05"),
            "gp",
            "\"Jansen, D.\"",
            "",
            "",
            "",
            "",
        ],
        [
            "2026-0102",
            &date("2026-02-01"),
            "school",
            "Bakker",
            &date("2026-02-10"),
            "",
            "",
            "",
        ],
        [
            "2026-0103",
            &date("2026-03-01"),
            "jgz",
            "\"De Vries; L.\"",
            &date("2026-03-05"),
            "ambulant",
            &date("2026-03-20"),
            "day_care",
        ],
    ];
    rows.iter().map(|r| r.join(sep) + "\r\n").collect()
}

#[test]
fn separators_bom_and_date_formats_give_the_same_cases() {
    let mut seen = Vec::new();
    for (sep, bom, dutch) in [
        (",", false, false),
        (";", true, true),
        (";", false, false),
        (",", true, true),
    ] {
        let team = Team::new();
        let mut bytes = if bom {
            b"\xEF\xBB\xBF".to_vec()
        } else {
            Vec::new()
        };
        bytes.extend(three_cases(sep, dutch).into_bytes());
        let out = team.import(&team.file("in.csv", bytes));
        assert_eq!(out.code, 0, "sep {sep} bom {bom}: {}", out.stderr);
        let store = team.store();
        let cases: Vec<_> = ["2026-0101", "2026-0102", "2026-0103"]
            .iter()
            .map(|r| {
                let c = store.case(r).unwrap();
                (
                    c.name,
                    c.referred_on,
                    c.referrer,
                    c.stage,
                    c.care_type,
                    c.waiting_since,
                )
            })
            .collect();
        seen.push(cases);
    }
    assert!(seen.windows(2).all(|w| w[0] == w[1]), "{seen:?}");
    let first = &seen[0];
    assert_eq!(first[0].0.as_deref(), Some("Jansen, D."));
    assert_eq!(first[2].0.as_deref(), Some("De Vries; L."));
    assert_eq!(first[1].3, Stage::Intake);
    assert_eq!(first[2].3, Stage::Waiting);
    assert_eq!(first[2].5, Some(d("2026-03-20")));
}

#[test]
fn every_kind_of_error_names_its_line_and_column_and_nothing_is_imported() {
    let team = Team::new();
    team.stroom(&[
        "add",
        "--referred-on",
        "2026-01-02",
        "--referrer",
        "gp",
        "--ref",
        "2026-0001",
    ])
    .success();
    let text = "\
case_ref;referred_on;referrer;stage;route;care_type;intake_on;triaged_on;care_started_on;closed_on;outflow_reason
2026-0001;2026-01-05;gp;;;;;;;;
A-2;2026-01-05;huisarts;;;;;;;;
A-3;2026-31-01;gp;;;;;;;;
A-4;2026-01-05;gp;;;;2026-01-04;;;;
A-5;2026-01-05;gp;;;;2026-07-01;;;;
A-6;2026-01-05;gp;in_care;ambulant;day_care;2026-01-10;2026-01-20;;;
A-7;2026-01-05;gp;;residential;day_care;2026-01-10;2026-01-20;;;
A-8;2026-01-05;gp;closed;;;;;;2026-02-01;
A-9;2026-01-05;gp;;;;;;;;
A-9;2026-01-06;gp;;;;;;;;
A-11;;gp;;;;;;;;
A-12;2026-01-05;gp;;team;;2026-01-10;2026-01-20;2026-02-01;;
";
    let out = team.import(&team.file("bad.csv", text));
    assert_eq!(out.code, 1);
    let expect = [
        "line 2, column case_ref: Case reference '2026-0001' already exists.",
        "line 3, column referrer: Unknown referrer 'huisarts'",
        "line 4, column referred_on: '2026-31-01' is not a date",
        "line 5, column intake_on: 2026-01-04 is before referred_on (2026-01-05).",
        "line 6, column intake_on: The date 2026-07-01 is in the future",
        "line 7, column stage: stage 'In care' does not agree with the dates, which put the case in 'Waiting for care'.",
        "line 8, column care_type: Care type 'Day care' does not fit route 'Care with accommodation'.",
        "line 9, column outflow_reason: empty, but closed_on on this row needs it.",
        "line 11, column case_ref: case_ref 'A-9' is also on line 10.",
        "line 12, column referred_on: empty, but every row needs it.",
        "line 13, column care_started_on: with route 'team' care starts at the triage decision (2026-01-20)",
    ];
    for e in expect {
        assert!(out.has_error(e), "missing {e:?} in:\n{}", out.stderr);
    }
    assert_eq!(out.errors().len(), expect.len(), "{}", out.stderr);
    assert!(
        out.stderr.contains("stroom: 11 errors in ") && out.stderr.contains("nothing was imported"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty());
    assert_eq!(team.count(), 1, "nothing of the file was imported");
}

#[test]
fn the_prefix_stays_literal_in_dutch() {
    let team = Team::new();
    let path = team.file("bad.csv", "referred_on,referrer\n2026-01-05,huisarts\n");
    let out = Output::of(team.stroom(&["--lang", "nl", "import", &path]));
    assert_eq!(out.code, 1);
    assert!(
        out.has_error("line 2, column referrer: Onbekende"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("1 fout in"), "{}", out.stderr);
}

/// In Dutch both dates of a refused order read as people write them.
#[test]
fn a_date_before_another_names_both_dates_as_people_write_them() {
    let team = Team::new();
    let text = "referred_on;referrer;intake_on\n2026-01-05;gp;2026-01-04\n";
    let path = team.file("order.csv", text);
    let out = Output::of(team.stroom(&["--lang", "nl", "import", &path]));
    assert_eq!(out.code, 1);
    assert!(
        out.has_error("line 2, column intake_on: 04-01-2026 ligt vóór referred_on (05-01-2026)."),
        "{}",
        out.stderr
    );
}

#[test]
fn the_header_must_name_known_columns_and_referred_on() {
    let team = Team::new();
    let out = team.import(&team.file("h.csv", "name;verwijzer\nDaan;gp\n"));
    assert_eq!(out.code, 1);
    assert!(
        out.has_error("line 1, column verwijzer: unknown column"),
        "{}",
        out.stderr
    );
    assert!(
        out.has_error("line 1, column referred_on: the header lacks this column"),
        "{}",
        out.stderr
    );
}

#[test]
fn more_than_twenty_errors_shows_twenty_and_the_total() {
    let team = Team::new();
    let mut text = String::from("referred_on,urgency\n");
    for _ in 0..25 {
        text.push_str("2026-01-05,spoed\n");
    }
    let out = team.import(&team.file("many.csv", text));
    assert_eq!(out.code, 1);
    let errors = out.errors();
    assert_eq!(errors.len(), 20);
    assert!(errors[0].starts_with("line 2, column urgency: "));
    assert!(errors[19].starts_with("line 21, column urgency: "));
    assert!(
        out.stderr.contains("25 errors") && out.stderr.contains("first 20"),
        "{}",
        out.stderr
    );
    assert!(!team.db().exists() || team.count() == 0);
}

#[test]
fn a_file_that_is_not_utf8_is_refused_with_its_line() {
    let team = Team::new();
    let path = team.file(
        "latin1.csv",
        b"referred_on;name\n2026-01-05;Daan\n2026-01-06;Zo\xEB\n",
    );
    let out = team.import(&path);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("not UTF-8") && out.stderr.contains("line 3"),
        "{}",
        out.stderr
    );
}

#[test]
fn dry_run_reports_and_writes_nothing() {
    let team = Team::new();
    let out = Output::of(team.stroom(&["import", EXAMPLE, "--dry-run"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .starts_with("Dry run: 40 cases would be imported"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("  In care: 21"), "{}", out.stdout);
    assert!(!team.db().exists(), "a dry run creates no database");

    // On an existing database: duplicates are found, nothing changes.
    assert_eq!(team.import(EXAMPLE).code, 0);
    let out = Output::of(team.stroom(&["import", EXAMPLE, "--dry-run"]));
    assert_eq!(out.code, 1);
    assert!(out.has_error("line 2, column case_ref: Case reference '2025-0001' already exists."));
    let path = team.file("new.csv", "referred_on\n2025-03-01\n2025-03-02\n");
    let out = Output::of(team.stroom(&["import", &path, "--dry-run"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(team.count(), 40);
}

#[test]
fn generated_refs_follow_the_database() {
    let team = Team::new();
    assert_eq!(team.import(EXAMPLE).code, 0);
    let path = team.file(
        "new.csv",
        "referred_on;worker\n2025-03-01;Bram\n2025-03-02;\n2026-01-02;\n",
    );
    let out = team.import(&path);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("3 of them got a new case_ref"),
        "{}",
        out.stdout
    );
    let store = team.store();
    assert_eq!(
        store.case("2025-0041").unwrap().worker.as_deref(),
        Some("Bram")
    );
    assert_eq!(
        store.case("2025-0042").unwrap().referred_on,
        d("2025-03-02")
    );
    assert_eq!(store.case("2026-0001").unwrap().referrer, Referrer::Other);
    team.stroom(&["check"]).success();
}

/// A generated team history of `n` rows through every stage; no case_refs.
fn big_file(n: usize) -> String {
    let mut text = String::from(
        "referred_on;referrer;urgency;worker;stage;route;care_type;provider;bridging_care;\
         intake_on;triaged_on;care_started_on;planned_end_on;closed_on;outflow_reason\n",
    );
    let base = d("2024-01-01");
    let workers = ["Sanne", "Bram", "Jeroen", "Anouk", "Fatima"];
    for i in 0..n {
        let day = |offset: i64| {
            (base + chrono::Duration::days((i % 400) as i64 + offset))
                .format("%d-%m-%Y")
                .to_string()
        };
        let (r, w) = (["gp", "school", "jgz"][i % 3], workers[i % 5]);
        let u = if i % 7 == 0 { "urgent" } else { "regular" };
        let row = match i % 8 {
            0 => ";;;;;;;;;;".to_string(),
            1 => format!(";;;;;{};;;;;", day(10)),
            2 => format!("triage;;;;;{};;;;;", day(10)),
            3 => format!(
                ";ambulant;ambulant_home;Kompas;true;{};{};;;;",
                day(10),
                day(30)
            ),
            4 => format!(";team;;;;{};{};;{};;", day(10), day(30), day(400)),
            5 => format!(
                "evaluation;residential;foster_care;Pleegzorg Midden;;{};{};{};{};;",
                day(10),
                day(30),
                day(60),
                day(500)
            ),
            6 => format!(";community;;;;{};{};;;;", day(10), day(30)),
            _ => format!(
                "closed;ambulant;day_care;De Linde;;{};{};{};;{};goals_met",
                day(10),
                day(30),
                day(60),
                day(300)
            ),
        };
        text.push_str(&format!("{};{r};{u};{w};{row}\n", day(0)));
    }
    text
}

#[test]
fn ten_thousand_rows_import_in_one_go() {
    let team = Team::new();
    let path = team.file("big.csv", big_file(10_000));
    let started = Instant::now();
    let out = team.import(&path);
    let took = started.elapsed();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.starts_with("10000 cases imported"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("  Evaluation: 1250"), "{}", out.stdout);
    assert!(out.stdout.contains("  Closed: 2500"), "{}", out.stdout);
    eprintln!(
        "imported 10000 rows in {:.2}s: {:.0} rows/s",
        took.as_secs_f64(),
        10_000.0 / took.as_secs_f64()
    );
    assert_eq!(team.count(), 10_000);
    team.stroom(&["check"]).success();
}

#[test]
fn a_missing_file_is_one_clear_message() {
    let team = Team::new();
    let out = team.import(Path::new("/nonexistent/cases.csv").to_str().unwrap());
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .starts_with("stroom: Cannot read /nonexistent/cases.csv"),
        "{}",
        out.stderr
    );
}
