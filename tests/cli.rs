//! The command line as a process: names, output and exit codes of SPEC 6.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

mod common;

use common::Sandbox;

common::sandbox_type!(Team);

impl Team {
    fn new() -> Team {
        Team(Sandbox::new())
    }

    fn dir(&self) -> &Path {
        self.0.dir.path()
    }

    fn stroom(&self) -> Command {
        let mut cmd = Command::from_std(self.stroom_on(&self.db, "no-config.toml"));
        cmd.env("USER", "sanne");
        cmd
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.stroom().args(args).assert().success();
        String::from_utf8(out.get_output().stdout.clone()).unwrap()
    }

    fn add(&self) -> String {
        self.ok(&[
            "add",
            "--referred-on",
            "2026-09-01",
            "--referrer",
            "gp",
            "--name",
            "Daan",
            "--birth-date",
            "2010-05-05",
        ])
        .trim()
        .to_string()
    }
}

#[test]
fn add_prints_only_the_reference() {
    let team = Team::new();
    assert_eq!(
        team.ok(&["add", "--referred-on", "01-09-2026", "--referrer", "school"]),
        "2026-0001\n"
    );
    assert_eq!(
        team.ok(&[
            "add",
            "--referred-on",
            "2026-09-02",
            "--referrer",
            "jgz",
            "--urgency",
            "urgent"
        ]),
        "2026-0002\n"
    );
    assert_eq!(
        team.ok(&[
            "add",
            "--referred-on",
            "2026-09-02",
            "--referrer",
            "jgz",
            "--ref",
            "T-7"
        ]),
        "T-7\n"
    );
    team.stroom()
        .args([
            "add",
            "--referred-on",
            "2026-09-02",
            "--referrer",
            "jgz",
            "--ref",
            "T-7",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("T-7").and(predicate::str::contains("bestaat al")));
}

#[test]
fn a_case_through_every_stage_from_the_command_line() {
    let team = Team::new();
    let r = team.add();
    team.ok(&["move", &r, "intake", "--on", "2026-09-05"]);
    team.ok(&["move", &r, "triage", "--on", "2026-09-10"]);
    let out = team.ok(&[
        "move",
        &r,
        "waiting",
        "--on",
        "2026-09-20",
        "--route",
        "ambulant",
        "--provider",
        "Kompas Jeugdhulp",
    ]);
    assert!(out.contains("Wacht op hulp"), "{out}");
    team.ok(&[
        "move",
        &r,
        "in_care",
        "--on",
        "2026-10-01",
        "--care-type",
        "ambulant_home",
        "--planned-end",
        "2027-06-30",
    ]);
    team.ok(&[
        "review",
        &r,
        "--on",
        "2026-10-15",
        "housing=missing",
        "perspective_plan=partial",
        "--note",
        "woonplek zoeken",
    ]);
    team.ok(&["set", &r, "worker=Bram", "escalated=true"]);
    team.ok(&[
        "decide",
        &r,
        "--text",
        "Woonplek regelen",
        "--owner",
        "Bram",
    ]);
    team.ok(&["move", &r, "evaluation", "--on", "2026-11-01"]);
    team.ok(&["move", &r, "in_care", "--on", "2026-11-02"]);
    let out = team.ok(&[
        "--lang",
        "en",
        "move",
        &r,
        "closed",
        "--reason",
        "goals_met",
    ]);
    assert!(out.contains("Closed"), "{out}");
    team.ok(&["move", &r, "referred"]);
    team.stroom()
        .arg("check")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "In orde: 1 casussen en 13 gebeurtenissen",
        ));
}

#[test]
fn a_refused_move_is_explained_with_exit_1() {
    let team = Team::new();
    let r = team.add();
    team.stroom()
        .args(["move", &r, "in_care"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(
            predicate::str::contains(format!("Casus {r} staat in fase 'Aangemeld'"))
                .and(predicate::str::contains("Intake, Afgesloten")),
        );
    team.stroom()
        .args(["--lang", "en", "move", &r, "in_care"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("it can move to: Intake, Closed"));
    team.ok(&["move", &r, "intake", "--on", "2026-09-05"]);
    team.ok(&["move", &r, "triage", "--on", "2026-09-06"]);
    team.stroom()
        .args(["move", &r, "waiting"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--route"));
    team.stroom()
        .args([
            "move",
            &r,
            "waiting",
            "--route",
            "residential",
            "--care-type",
            "day_care",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("past niet bij route"));
}

#[test]
fn bad_input_exits_1_and_usage_errors_exit_2() {
    let team = Team::new();
    let r = team.add();
    for args in [
        vec!["move", &r, "intake", "--on", "2026-11-23"],
        vec!["move", &r, "intake", "--on", "2026-08-31"],
        vec!["move", &r, "intake", "--on", "31-31-2026"],
        vec!["move", "2099-9999", "intake"],
        vec!["move", &r, "nowhere"],
        vec![
            "add",
            "--referred-on",
            "2026-01-01",
            "--referrer",
            "neighbour",
        ],
        vec!["set", &r, "colour=blue"],
        vec!["review", &r, "housing=ok"],
    ] {
        team.stroom()
            .args(&args)
            .assert()
            .code(1)
            .stderr(predicate::str::starts_with("stroom: ").and(predicate::str::ends_with(".\n")));
    }
    team.stroom().args(["move"]).assert().code(2);
    team.stroom().args(["frobnicate"]).assert().code(2);
    team.stroom()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("stroom "));
    // Nothing of the refused commands was written.
    team.stroom()
        .arg("check")
        .assert()
        .success()
        .stdout(predicate::str::contains("1 gebeurtenissen"));
}

#[test]
fn today_and_database_come_from_options_or_environment() {
    let team = Team::new();
    let other = team.dir().join("other.db");
    team.stroom()
        .args(["--db", other.to_str().unwrap(), "--today", "2026-01-31"])
        .args(["add", "--referred-on", "2026-02-01", "--referrer", "gp"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("toekomst"));
    team.stroom()
        .args([
            "--db",
            other.to_str().unwrap(),
            "add",
            "--referred-on",
            "2026-02-01",
            "--referrer",
            "gp",
        ])
        .assert()
        .success();
    assert!(other.exists());
    assert!(!team.db.exists(), "--db wins over STROOM_DB");
}

#[test]
fn backup_and_database_are_readable_by_the_owner_only() {
    let team = Team::new();
    team.add();
    let copy = team.dir().join("backup.db");
    team.ok(&["backup", copy.to_str().unwrap()]);
    for f in [&team.db, &copy] {
        assert_eq!(
            std::fs::metadata(f).unwrap().permissions().mode() & 0o777,
            0o600,
            "{}",
            f.display()
        );
    }
    team.stroom()
        .args(["--db", copy.to_str().unwrap(), "check"])
        .assert()
        .success();
    team.stroom()
        .args(["backup", copy.to_str().unwrap()])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("bestaat al"));
}

#[test]
fn check_names_the_broken_case() {
    let team = Team::new();
    let r = team.add();
    rusqlite::Connection::open(&team.db)
        .unwrap()
        .execute("UPDATE cases SET stage = 'waiting'", [])
        .unwrap();
    team.stroom().arg("check").assert().code(1).stdout(
        predicate::str::contains(format!("Casus {r}: stand klopt niet"))
            .and(predicate::str::contains("\n1 probleem gevonden.")),
    );
}

#[test]
fn a_file_that_is_not_a_stroom_database_is_refused_untouched() {
    let team = Team::new();
    let text = team.dir().join("cases.csv");
    std::fs::write(&text, "referred_on\n2026-01-01\n").unwrap();
    team.stroom()
        .args(["--db", text.to_str().unwrap(), "check"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("geen SQLite-bestand"));
    assert_eq!(
        std::fs::read_to_string(&text).unwrap(),
        "referred_on\n2026-01-01\n"
    );
}

#[test]
fn meeting_minutes_list_the_agenda_and_the_decisions_without_names() {
    let team = Team::new();
    let waiting = team.add();
    let r = team
        .ok(&[
            "add",
            "--referred-on",
            "2026-10-01",
            "--referrer",
            "school",
            "--name",
            "Noor",
        ])
        .trim()
        .to_string();
    team.ok(&["move", &r, "intake", "--on", "2026-10-05"]);
    team.ok(&["move", &r, "triage", "--on", "2026-10-10"]);
    team.ok(&[
        "decide",
        &r,
        "--text",
        "Route ambulant",
        "--owner",
        "Bram",
        "--on",
        "2026-11-20",
    ]);
    // A move made during the meeting does not reshuffle its agenda.
    team.ok(&[
        "move",
        &r,
        "waiting",
        "--route",
        "ambulant",
        "--on",
        "2026-11-20",
    ]);
    let json: serde_json::Value = serde_json::from_str(&team.ok(&[
        "export",
        "meeting",
        "--on",
        "2026-11-20",
        "--format",
        "json",
    ]))
    .unwrap();
    let rows = json["rows"].as_array().unwrap();
    let got: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["section"].as_str().unwrap(),
                r["case_ref"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("triage", r.as_str()),
            ("waiting_over_norm", waiting.as_str())
        ]
    );
    assert_eq!(rows[0]["decisions"][0]["text"], "Route ambulant");
    assert_eq!(
        rows[1]["reasons"],
        serde_json::json!(["intake", "decision"])
    );
    assert_eq!(rows[0]["discussed"], true);
    assert_eq!(rows[1]["discussed"], false);
    assert_eq!(json["kind"], "team");
    assert_eq!(json["on"], "2026-11-20");
    let md = team.ok(&["export", "meeting", "--on", "2026-11-20"]);
    assert!(md.starts_with("# Casusoverleg, 20-11-2026"), "{md}");
    assert!(
        md.contains("2 casussen op de agenda: 1 besproken, 1 niet besproken."),
        "{md}"
    );
    assert!(
        md.contains(&format!("| {r} | Route ambulant | Bram | – |")),
        "{md}"
    );
    assert!(
        md.contains(&format!(
            "- **{r}**: naar Wacht op hulp, route Specialistisch zonder verblijf"
        )),
        "{md}"
    );
    assert!(!md.contains("Noor") && !md.contains("Daan"), "{md}");
    assert!(
        team.ok(&[
            "export",
            "meeting",
            "--on",
            "2026-11-20",
            "--with-names",
            "--reason",
            "test"
        ])
        .contains("Noor")
    );
}

/// A case in evaluation with a planned end, through the binary.
fn in_evaluation(team: &Team) -> String {
    let r = team.add();
    team.ok(&["move", &r, "intake", "--on", "2026-09-02"]);
    team.ok(&["move", &r, "triage", "--on", "2026-09-03"]);
    team.ok(&[
        "move",
        &r,
        "in_care",
        "--route",
        "team",
        "--on",
        "2026-09-04",
        "--planned-end",
        "2027-03-04",
    ]);
    team.ok(&["move", &r, "evaluation", "--on", "2026-11-20"]);
    r
}

#[test]
fn an_extension_without_its_report_is_refused_naming_both_flags() {
    let team = Team::new();
    let r = in_evaluation(&team);
    for extra in [
        &[][..],
        &["--goals", "partly"][..],
        &["--intended-outflow", "wmo"][..],
    ] {
        let mut args = vec!["move", &r, "in_care", "--planned-end", "2027-09-04"];
        args.extend_from_slice(extra);
        team.stroom()
            .args(&args)
            .assert()
            .code(1)
            .stdout("")
            .stderr(
                predicate::str::contains("--goals")
                    .and(predicate::str::contains("--intended-outflow"))
                    // Both dates as people write them.
                    .and(predicate::str::contains(
                        "verlengen tot 04-09-2027 (nu 04-03-2027)",
                    ))
                    .and(predicate::str::ends_with(".\n"))
                    .and(predicate::function(|s: &str| s.lines().count() == 1)),
            );
    }
    // Nothing was written: still in evaluation.
    assert!(team.ok(&["show", &r]).contains("\"stage\": \"evaluation\""));
    team.ok(&[
        "move",
        &r,
        "in_care",
        "--planned-end",
        "2027-09-04",
        "--goals",
        "partly",
        "--intended-outflow",
        "community",
        "--on",
        "2026-11-21",
        "--note",
        "Nog nodig: schoolgang",
    ]);
    // The same planned end is no extension.
    team.ok(&["move", &r, "evaluation", "--on", "2026-11-22"]);
    team.ok(&["move", &r, "in_care", "--on", "2026-11-22"]);
    team.ok(&["check"]);
}

#[test]
fn closing_names_a_destination_or_takes_the_reasons() {
    let team = Team::new();
    let a = in_evaluation(&team);
    team.ok(&[
        "move",
        &a,
        "closed",
        "--reason",
        "goals_met",
        "--destination",
        "team",
    ]);
    assert!(team.ok(&["show", &a]).contains("\"destination\": \"team\""));
    let b = team.add();
    team.ok(&[
        "move",
        &b,
        "closed",
        "--reason",
        "withdrawn",
        "--on",
        "2026-09-05",
    ]);
    assert!(team.ok(&["show", &b]).contains("\"destination\": \"none\""));
    let c = team.add();
    team.stroom()
        .args(["move", &c, "intake", "--destination", "wmo"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--destination"));
    team.stroom()
        .args([
            "move",
            &c,
            "closed",
            "--reason",
            "gone",
            "--destination",
            "wmo",
        ])
        .assert()
        .code(1);
}

#[test]
fn export_evaluations_lists_the_moments_due_with_their_signal() {
    let team = Team::new();
    let r = team.add();
    team.ok(&["move", &r, "intake", "--on", "2026-09-02"]);
    team.ok(&["move", &r, "triage", "--on", "2026-09-03"]);
    // Care from 4 September: the start moment is due 4 December, 12 days
    // ahead of today (22 November): green, and on the list.
    team.ok(&[
        "move",
        &r,
        "in_care",
        "--route",
        "team",
        "--on",
        "2026-09-04",
    ]);
    let json = team.ok(&["export", "evaluations", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{json}");
    let row = &rows[0];
    assert_eq!(row["case_ref"], r.as_str());
    assert_eq!(row["moment"], "start");
    assert_eq!(row["due_on"], "2026-12-04");
    assert_eq!(row["days_overdue"], -12);
    assert_eq!(row["signal"], "green");
    let keys: Vec<&str> = row
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, common::spec::EVALUATIONS);
    // As of 5 November the moment lies more than 28 days ahead.
    let json = team.ok(&[
        "export",
        "evaluations",
        "--format",
        "json",
        "--as-of",
        "2026-11-05",
    ]);
    assert!(json.contains("\"rows\": []"), "{json}");
    let csv = team.ok(&["export", "evaluations"]);
    assert!(csv.starts_with('\u{feff}') && csv.contains(&r), "{csv}");
    team.ok(&["export", "evaluations", "--format", "md"]);
}

#[test]
fn a_referral_of_an_adult_is_accepted_with_a_warning_naming_the_wmo() {
    let team = Team::new();
    let add = |birth: &str| {
        team.stroom()
            .args([
                "add",
                "--referred-on",
                "2026-09-01",
                "--referrer",
                "gp",
                "--birth-date",
                birth,
            ])
            .assert()
            .success()
    };
    add("2008-09-01").stderr(predicate::str::contains("Wmo").and(predicate::str::contains("18")));
    add("2008-09-02").stderr("");
    let csv = team.dir().join("in.csv");
    std::fs::write(
        &csv,
        "referred_on,birth_date,referrer,closed_on,outflow_reason,destination\n\
         2026-10-01,2007-01-01,gp,2026-10-05,withdrawn,wmo\n",
    )
    .unwrap();
    team.stroom()
        .args(["import", csv.to_str().unwrap()])
        .assert()
        .success()
        .stderr(predicate::str::contains("Wmo"));
    team.ok(&["check"]);
}

#[test]
fn a_meeting_is_prepared_ahead_and_a_round_is_narrowed_to_a_provider() {
    let team = Team::new();
    let waiting = team.add();
    // Next week's agenda, from today's state: the wait counted to then.
    let json: serde_json::Value = serde_json::from_str(&team.ok(&[
        "export",
        "meeting",
        "--on",
        "2026-11-30",
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(json["on"], "2026-11-30");
    assert_eq!(json["rows"][0]["case_ref"], waiting.as_str());
    // Nothing is decided for a meeting not yet held.
    team.stroom()
        .args(["decide", &waiting, "--text", "x", "--on", "2026-11-30"])
        .assert()
        .code(1);
    // A follow-up lies after the meeting.
    team.stroom()
        .args([
            "decide",
            &waiting,
            "--text",
            "x",
            "--follow-up",
            "2026-11-22",
        ])
        .assert()
        .code(1)
        // Both dates as people write them.
        .stderr(predicate::str::contains(
            "vervolgdatum 22-11-2026 ligt niet na de datum van het overleg (22-11-2026)",
        ));
    team.ok(&[
        "decide",
        &waiting,
        "--text",
        "Intake plannen",
        "--follow-up",
        "2026-11-29",
    ]);
    let json: serde_json::Value =
        serde_json::from_str(&team.ok(&["export", "meeting", "--format", "json"])).unwrap();
    assert_eq!(
        json["rows"][0]["decisions"][0]["follow_up_on"],
        "2026-11-29"
    );
    // The round: only with --kind stoplight may a provider be named.
    team.stroom()
        .args(["export", "meeting", "--provider", "Pactum"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--kind stoplight"));
    let round: serde_json::Value = serde_json::from_str(&team.ok(&[
        "export",
        "meeting",
        "--kind",
        "stoplight",
        "--provider",
        "Pactum",
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(round["kind"], "stoplight");
    assert_eq!(round["provider"], "Pactum");
    assert_eq!(round["rows"], serde_json::json!([]));
    team.stroom()
        .args(["export", "meeting", "--kind", "monthly"])
        .assert()
        .code(1);
}

#[test]
fn completions_and_the_man_page_come_from_the_clap_definitions() {
    let team = Team::new();
    let bash = team.ok(&["completions", "bash"]);
    assert!(bash.contains("_stroom()"), "{bash}");
    assert!(
        bash.contains("waitlist"),
        "subcommands are completed: {bash}"
    );
    for shell in ["zsh", "fish", "powershell"] {
        assert!(
            team.ok(&["completions", shell]).contains("stroom"),
            "{shell}"
        );
    }
    let man = team.ok(&["man"]);
    assert!(man.starts_with(".ie"), "{man}");
    assert!(man.contains(".TH stroom"), "{man}");
    assert!(man.contains("completions"), "{man}");
    // Neither needs a database: none is made.
    assert!(!team.db.exists());
    team.stroom().args(["completions", "tcsh"]).assert().code(2);
}
