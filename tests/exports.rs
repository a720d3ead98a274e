//! Exports as a user meets them: exact JSON keys, Dutch-Excel CSV, no names
//! unless asked, private files, and as-of exports that later moves leave alone.

use std::os::unix::fs::PermissionsExt;

use serde_json::Value;

mod common;

use common::Sandbox;

common::sandbox_type!(Team);

impl Team {
    fn new() -> Team {
        let team = Team(Sandbox::new());
        // One case waiting for intake, one in the decision queue, one in care.
        team.nl_ok(&[
            "add",
            "--referred-on",
            "2026-09-01",
            "--referrer",
            "gp",
            "--name",
            "=HYPERLINK(\"x\")",
            "--birth-date",
            "2010-05-05",
        ]);
        team.nl_ok(&[
            "add",
            "--referred-on",
            "2026-10-01",
            "--referrer",
            "school",
            "--urgency",
            "urgent",
            "--name",
            "Noor",
        ]);
        team.nl_ok(&["move", "2026-0002", "intake", "--on", "2026-10-02"]);
        team.nl_ok(&[
            "add",
            "--referred-on",
            "2026-06-01",
            "--referrer",
            "jgz",
            "--birth-date",
            "2009-01-10",
        ]);
        team.nl_ok(&["move", "2026-0003", "intake", "--on", "2026-06-05"]);
        team.nl_ok(&["move", "2026-0003", "triage", "--on", "2026-06-10"]);
        team.nl_ok(&[
            "move",
            "2026-0003",
            "in_care",
            "--route",
            "team",
            "--on",
            "2026-06-20",
            "--planned-end",
            "2027-01-31",
        ]);
        team.nl_ok(&[
            "review",
            "2026-0003",
            "--on",
            "2026-10-01",
            "housing=ok",
            "perspective_plan=partial",
        ]);
        team
    }
}

fn keys(row: &Value) -> Vec<&str> {
    row.as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect()
}

#[test]
fn waitlist_json_has_exactly_the_spec_keys() {
    let team = Team::new();
    let doc = team.nl_json(&["export", "waitlist", "--format", "json"]);
    assert_eq!(keys(&doc), ["as_of", "generated_at", "rows"]);
    assert_eq!(doc["as_of"], "2026-11-22");
    let rows = doc["rows"].as_array().unwrap();
    assert_eq!(keys(&rows[0]), common::spec::WAITLIST);
    // 2026-0001 stands in intake and decision; 2026-0002 in decision.
    let refs: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["queue"].as_str().unwrap(),
                r["case_ref"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        refs,
        [
            ("intake", "2026-0001"),
            ("decision", "2026-0002"),
            ("decision", "2026-0001")
        ]
    );
    let first = &rows[0];
    assert_eq!(
        (first["wait_days"].as_i64(), first["norm_days"].as_i64()),
        (Some(82), Some(14))
    );
    assert_eq!(first["signal"], "red");
    assert_eq!(first["age"], 16);
    assert!(
        !team
            .nl_ok(&["export", "waitlist", "--format", "json"])
            .contains("HYPERLINK")
    );

    let named = team.nl_json(&[
        "export",
        "waitlist",
        "--format",
        "json",
        "--queue",
        "intake",
        "--with-names",
        "--reason",
        "test",
    ]);
    let row = &named["rows"][0];
    assert_eq!(&keys(row)[..3], ["case_ref", "name", "birth_date"]);
    assert_eq!(row["birth_date"], "2010-05-05");
}

#[test]
fn stoplight_json_has_exactly_the_spec_keys() {
    let team = Team::new();
    let doc = team.nl_json(&["export", "stoplight", "--format", "json"]);
    let rows = doc["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(keys(&rows[0]), common::spec::STOPLIGHT);
    let row = &rows[0];
    assert_eq!(row["criteria"]["housing"], "ok");
    assert_eq!(
        row["criteria"]["network"], "missing",
        "never reviewed counts as missing"
    );
    assert_eq!(row["next_review_on"], "2026-11-01");
    // Turns 18 on 2027-01-10 without a plan; missing with the end within 90 days.
    assert_eq!(row["color"], "red");
    let reasons: Vec<&str> = row["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    // The plan is partial, not missing: no plan_missing_16.
    assert_eq!(
        reasons,
        [
            "missing_near_end",
            "turning_18_no_plan",
            "missing",
            "partial",
            "review_due"
        ]
    );
}

#[test]
fn csv_opens_in_dutch_excel_without_names_or_formulas() {
    let team = Team::new();
    let csv = team.nl_ok(&["export", "waitlist"]);
    assert!(csv.starts_with("\u{feff}case_ref;queue;stage;"), "{csv}");
    assert!(!csv.contains("HYPERLINK") && !csv.contains("Noor"));
    let named = team.nl_ok(&["export", "waitlist", "--with-names", "--reason", "test"]);
    assert!(named.contains(";\"'=HYPERLINK(\"\"x\"\")\";"), "{named}");
}

#[test]
fn files_are_private_and_xlsx_is_a_workbook() {
    let team = Team::new();
    for (format, magic) in [
        ("xlsx", &b"PK"[..]),
        ("csv", &b"\xef\xbb\xbf"[..]),
        ("md", &b"# "[..]),
    ] {
        let path = team.dir.path().join(format!("stoplight.{format}"));
        team.stroom_nl()
            .args([
                "export",
                "stoplight",
                "--format",
                format,
                "-o",
                path.to_str().unwrap(),
            ])
            .assert()
            .success()
            .stdout("");
        let bytes = std::fs::read(&path).unwrap();
        assert!(bytes.starts_with(magic), "{format}");
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
}

#[test]
fn moves_dated_after_the_as_of_date_do_not_change_the_export() {
    let team = Team::new();
    let strip = |mut v: Value| {
        v.as_object_mut().unwrap().remove("generated_at");
        v
    };
    let waitlist = || {
        strip(team.nl_json(&[
            "export",
            "waitlist",
            "--format",
            "json",
            "--as-of",
            "2026-10-15",
        ]))
    };
    let stoplight = || {
        strip(team.nl_json(&[
            "export",
            "stoplight",
            "--format",
            "json",
            "--as-of",
            "2026-10-15",
        ]))
    };
    let (w1, s1) = (waitlist(), stoplight());
    team.nl_ok(&["move", "2026-0001", "intake", "--on", "2026-10-20"]);
    team.nl_ok(&["move", "2026-0002", "triage", "--on", "2026-11-01"]);
    team.nl_ok(&[
        "review",
        "2026-0003",
        "--on",
        "2026-11-02",
        "perspective_plan=ok",
    ]);
    team.nl_ok(&[
        "set",
        "2026-0003",
        "planned_end_on=2027-12-31",
        "--on",
        "2026-11-03",
    ]);
    team.nl_ok(&["add", "--referred-on", "2026-10-16", "--referrer", "gp"]);
    assert_eq!(waitlist(), w1);
    assert_eq!(stoplight(), s1);
    assert_ne!(
        strip(team.nl_json(&["export", "waitlist", "--format", "json"])),
        w1
    );
}

#[test]
fn flow_report_carries_the_figures_as_keys() {
    let team = Team::new();
    let doc = team.nl_json(&[
        "report",
        "flow",
        "--from",
        "2026-01-01",
        "--to",
        "2026-11-22",
    ]);
    for key in [
        "referrals",
        "inflow",
        "outflow",
        "balance_pct",
        "open_at_end",
        "mean_duration_days",
        "duration_bands",
        "median_wait_to_care_days",
        "p90_wait_to_care_days",
        "by_care_type",
    ] {
        assert!(doc.get(key).is_some(), "{key}");
    }
    assert_eq!(
        (
            doc["referrals"].as_i64(),
            doc["inflow"].as_i64(),
            doc["open_at_end"].as_i64()
        ),
        (Some(3), Some(1), Some(1))
    );
    assert_eq!(doc["balance_pct"], -100.0);
    assert_eq!(doc["median_wait_to_care_days"], 19);
    let md = team.nl_ok(&[
        "report",
        "flow",
        "--from",
        "2026-01-01",
        "--to",
        "2026-11-22",
        "--format",
        "md",
    ]);
    // Words first, then the figures; a figure that does not exist is "–".
    assert!(
        md.starts_with(
            "# Instroom en uitstroom 01-01-2026 t/m 22-11-2026\n\n\
             Uitstroom blijft 100,0 % achter bij instroom.\n"
        ),
        "{md}"
    );
    assert!(md.contains("- Gemiddelde duur (dagen): –\n"), "{md}");
    team.stroom_nl()
        .args([
            "report",
            "flow",
            "--from",
            "2026-11-22",
            "--to",
            "2026-01-01",
        ])
        .assert()
        .code(1);
}

#[test]
fn a_future_as_of_date_is_refused() {
    let team = Team::new();
    team.stroom_nl()
        .args(["export", "waitlist", "--as-of", "2026-11-23"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("toekomst"));
}

/// Adds a case in care with Horizon since 1 August, red on 11 October (no
/// review after 71 days in care) and green now; and starts 2026-0002's care
/// with Kompas on 1 November, so it was not on the board six weeks ago.
fn board_that_changed(team: &Team) {
    team.nl_ok(&["add", "--referred-on", "2026-06-01", "--referrer", "gp"]);
    for (stage, on) in [("intake", "2026-06-10"), ("triage", "2026-06-15")] {
        team.nl_ok(&["move", "2026-0004", stage, "--on", on]);
    }
    team.nl_ok(&[
        "move",
        "2026-0004",
        "waiting",
        "--route",
        "ambulant",
        "--on",
        "2026-06-20",
    ]);
    team.nl_ok(&[
        "move",
        "2026-0004",
        "in_care",
        "--on",
        "2026-08-01",
        "--care-type",
        "ambulant_provider",
        "--provider",
        "Horizon",
        "--planned-end",
        "2027-12-31",
    ]);
    team.nl_ok(&[
        "review",
        "2026-0004",
        "--on",
        "2026-11-15",
        "follow_up_care=ok",
        "housing=ok",
        "education_work=ok",
        "income=ok",
        "insurance_18=ok",
        "network=ok",
        "perspective_plan=ok",
    ]);
    team.nl_ok(&["move", "2026-0002", "triage", "--on", "2026-10-05"]);
    team.nl_ok(&[
        "move",
        "2026-0002",
        "waiting",
        "--route",
        "ambulant",
        "--on",
        "2026-10-06",
    ]);
    team.nl_ok(&[
        "move",
        "2026-0002",
        "in_care",
        "--on",
        "2026-11-01",
        "--care-type",
        "ambulant_home",
        "--provider",
        "Kompas",
        "--planned-end",
        "2027-06-30",
    ]);
}

#[test]
fn stoplight_report_in_markdown_compares_with_six_weeks_earlier() {
    let team = Team::new();
    board_that_changed(&team);
    let md = team.nl_ok(&["export", "stoplight", "--format", "md"]);
    // Summary first: 1 of 3 red now, 2 of 2 on 2026-10-11 (42 days earlier).
    assert!(md.contains("- ■ Rood: 1\n"), "{md}");
    assert!(md.contains("- Aandeel rood: 33,3 %\n"), "{md}");
    assert!(
        md.contains("- Verandering aandeel rood sinds 11-10-2026: -66,7 procentpunt\n"),
        "{md}"
    );
    // Per provider and per care type; Kompas had no cases then.
    assert!(
        md.contains("| Horizon | 1 | 1 | 0 | 0 | 0,0 | -100,0 |"),
        "{md}"
    );
    assert!(
        md.contains("| Kompas | 1 | 0 | 1 | 0 | 0,0 | n.v.t. |"),
        "{md}"
    );
    assert!(
        md.contains("| (geen zorgaanbieder) | 1 | 0 | 0 | 1 | 100,0 | 0,0 |"),
        "{md}"
    );
    assert!(
        md.contains("| Ambulant thuis / netwerk | 1 | 0 | 1 | 0 | 0,0 | n.v.t. |"),
        "{md}"
    );
    let at = |s: &str| md.find(s).unwrap_or_else(|| panic!("{s} in {md}"));
    assert!(at("Aandeel rood:") < at("## Per zorgaanbieder"));
    assert!(at("## Per zorgaanbieder") < at("## Per zorgvorm"));
    assert!(at("## Per zorgvorm") < at("## Casussen"));
    // The detail says why in plain words, with a mark per precondition.
    assert!(
        md.contains(
            "| 2026-0003 | ■ Rood | 5 randvoorwaarden ontbreken, einde over 10 weken; \
             wordt over 7 weken 18, perspectiefplan nog in gang; \
             perspectiefplan in gang; \
             bespreking 3 weken te laat | ✗ ✓ ✗ ✗ ✗ ✗ ~ |"
        ),
        "{md}"
    );

    let en = team.nl_ok(&["--lang", "en", "export", "stoplight", "--format", "md"]);
    assert!(
        en.contains("- Change in share red since 2026-10-11: -66.7 pp\n"),
        "{en}"
    );
    assert!(
        en.contains("| Kompas | 1 | 0 | 1 | 0 | 0.0 | n/a |"),
        "{en}"
    );
    assert!(en.contains("review 3 weeks overdue"), "{en}");

    // On 2026-10-11 both cases then in care were red; on 2026-08-30 one of
    // two; on 2026-05-20 nobody was in care yet.
    let as_of = |d: &str| team.nl_ok(&["export", "stoplight", "--format", "md", "--as-of", d]);
    let early = as_of("2026-10-11");
    assert!(
        early.contains("- Verandering aandeel rood sinds 30-08-2026: +50,0 procentpunt\n"),
        "{early}"
    );
    let first = as_of("2026-07-01");
    assert!(
        first.contains("- Verandering aandeel rood sinds 20-05-2026: n.v.t.\n"),
        "{first}"
    );
}

/// The text of one file inside an XLSX workbook.
fn xlsx_part(path: &std::path::Path, part: &str) -> String {
    let mut book = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut book.by_name(part).unwrap(), &mut text).unwrap();
    text
}

#[test]
fn stoplight_report_in_xlsx_has_a_sheet_per_table_with_typed_changes() {
    let team = Team::new();
    board_that_changed(&team);
    let path = team.dir.path().join("stoplicht.xlsx");
    team.nl_ok(&[
        "export",
        "stoplight",
        "--format",
        "xlsx",
        "-o",
        path.to_str().unwrap(),
    ]);
    let workbook = xlsx_part(&path, "xl/workbook.xml");
    let sheets: Vec<&str> = workbook
        .split("<sheet name=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    assert_eq!(
        sheets,
        [
            "Samenvatting",
            "Per zorgaanbieder",
            "Per zorgvorm",
            "Casussen"
        ]
    );
    let strings = xlsx_part(&path, "xl/sharedStrings.xml");
    for s in [
        "Horizon",
        "Kompas",
        "n.v.t.",
        "Sinds 11-10-2026 (procentpunt)",
    ] {
        assert!(strings.contains(s), "{s} in {strings}");
    }
    // The change is a number, not text: −66.7 on the summary sheet, −100 for
    // Horizon; the header row of the tables stays in view.
    assert!(
        xlsx_part(&path, "xl/worksheets/sheet1.xml").contains("<v>-66.7</v>"),
        "summary"
    );
    let providers = xlsx_part(&path, "xl/worksheets/sheet2.xml");
    assert!(providers.contains("<v>-100</v>"), "{providers}");
    assert!(providers.contains("ySplit=\"1\""), "{providers}");
}

#[test]
fn flow_report_in_xlsx_is_a_private_workbook_of_the_same_figures() {
    let team = Team::new();
    let path = team.dir.path().join("flow.xlsx");
    team.stroom_nl()
        .args([
            "report",
            "flow",
            "--from",
            "2026-01-01",
            "--to",
            "2026-11-22",
            "--format",
            "xlsx",
            "-o",
        ])
        .arg(&path)
        .assert()
        .success()
        .stdout("");
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let workbook = xlsx_part(&path, "xl/workbook.xml");
    assert!(workbook.matches("<sheet ").count() >= 3, "{workbook}");
    // The referrals (3) and inflow (1) stand as numbers, as in the JSON.
    let json = team.nl_json(&[
        "report",
        "flow",
        "--from",
        "2026-01-01",
        "--to",
        "2026-11-22",
    ]);
    assert_eq!(
        (json["referrals"].as_i64(), json["inflow"].as_i64()),
        (Some(3), Some(1))
    );
    let summary = xlsx_part(&path, "xl/worksheets/sheet1.xml");
    assert!(
        summary.contains("<v>3</v>") && summary.contains("<v>1</v>"),
        "{summary}"
    );
}
