//! Trusted with children's data (issue 13), through the binary on real
//! files: the tamper-evident history, identity from the OS, a team of two
//! real Unix accounts on one database, erasure and subject access,
//! retention, names in free text, and encryption at rest.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

mod common;

use common::{Sandbox, TODAY, text};

common::sandbox_type!(
    /// A sandbox whose database is `stroom.db` and whose config file
    /// `config.toml` a test may write (retention).
    Desk
);

impl Desk {
    fn new() -> Desk {
        Desk(Sandbox::with_db("stroom.db").with_config("config.toml"))
    }

    fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{args:?}: {}",
            text(&out.stdout)
        );
        text(&out.stderr)
    }

    /// A case with a name, a review note and a decision.
    fn case_with_text(&self, name: &str) -> String {
        let r = self.ok(&[
            "add",
            "--referred-on",
            "2026-01-05",
            "--referrer",
            "gp",
            "--name",
            name,
            "--birth-date",
            "2012-04-01",
        ]);
        let r = r.trim().to_string();
        self.ok(&["move", &r, "intake", "--on", "2026-01-10"]);
        self.ok(&["move", &r, "triage", "--on", "2026-01-20"]);
        self.ok(&[
            "move",
            &r,
            "in_care",
            "--on",
            "2026-02-01",
            "--route",
            "team",
        ]);
        self.ok(&[
            "review",
            &r,
            "--on",
            "2026-03-01",
            "housing=ok",
            "--note",
            "Moeder belde over de school",
        ]);
        self.ok(&[
            "decide",
            &r,
            "--on",
            "2026-03-02",
            "--text",
            "Gezinscoach inzetten vóór de zomer",
        ]);
        r
    }

    fn raw(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(&self.db).unwrap()
    }
}

#[test]
fn a_row_changed_deleted_or_slipped_in_with_sqlite3_is_named_by_check_and_audit_verify() {
    let desk = Desk::new();
    desk.case_with_text("Sem de Vries");
    desk.ok(&["show", "2026-0001", "--with-names"]);
    assert!(desk.ok(&["check"]).contains("events"));
    let verify = desk.ok(&["audit", "--verify"]);
    assert!(
        verify.contains("events: 6 rows, the chain is whole"),
        "{verify}"
    );
    assert!(verify.contains("access_log: 1 rows"), "{verify}");

    // Changed: the trigger is dropped, a provider rewritten.
    let conn = desk.raw();
    conn.execute_batch(
        "DROP TRIGGER events_append_only_update;
         UPDATE events SET provider = 'Elders' WHERE id = 4;",
    )
    .unwrap();
    drop(conn);
    let out = desk.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    let report = text(&out.stdout);
    assert!(
        report.contains("in events, row 4 does not follow"),
        "{report}"
    );
    assert!(
        report.contains("events_append_only_update is missing"),
        "{report}"
    );
    let out = desk.run(&["audit", "--verify"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("row 4"));

    // Deleted: the row after the gap breaks.
    let desk = Desk::new();
    desk.case_with_text("Sem de Vries");
    desk.raw()
        .execute_batch(
            "DROP TRIGGER access_log_append_only_delete; DROP TRIGGER events_append_only_delete;
             DELETE FROM events WHERE id = 3;",
        )
        .unwrap();
    let report = text(&desk.run(&["check"]).stdout);
    assert!(
        report.contains("in events, row 4 does not follow"),
        "{report}"
    );

    // Slipped in: a row without a valid hash.
    let desk = Desk::new();
    desk.case_with_text("Sem de Vries");
    desk.ok(&["backup", desk.path("bk.db").to_str().unwrap()]);
    desk.raw()
        .execute(
            "INSERT INTO access_log (at, actor, action, case_ref, detail) \
             VALUES ('2026-11-22T10:00:00Z', 'mallory', 'backup', NULL, 'x')",
            [],
        )
        .unwrap();
    let report = text(&desk.run(&["check"]).stdout);
    assert!(
        report.contains("in access_log, row 2 does not follow"),
        "{report}"
    );
}

#[test]
fn a_file_of_the_previous_schema_gets_its_rows_chained_and_loses_nothing() {
    let desk = Desk::new();
    {
        let conn = desk.raw();
        let migrations = stroom::store::schema::migrations();
        // The file as it stood before the chain migration (found by its
        // text, so later migrations may follow it).
        let previous = migrations
            .iter()
            .position(|sql| sql.contains("stroom_chain"))
            .expect("the chain migration");
        for sql in &migrations[..previous] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", previous as i64)
            .unwrap();
        conn.pragma_update(
            None,
            "application_id",
            stroom::store::schema::APPLICATION_ID,
        )
        .unwrap();
        conn.execute_batch(
            "INSERT INTO cases (case_ref, referred_on, referrer, urgency, stage, stage_since, version) \
             VALUES ('2025-0007', '2025-03-01', 'gp', 'regular', 'referred', '2025-03-01', 1);
             INSERT INTO events (case_id, on_date, recorded_at, actor, kind, referrer, urgency) \
             VALUES (1, '2025-03-01', '2025-03-01T09:00:00Z', 'anna', 'referred', 'gp', 'regular');
             INSERT INTO access_log (at, actor, action) VALUES ('2025-03-02T09:00:00Z', 'anna', 'backup');
             INSERT INTO access_log (at, actor, action) VALUES ('2025-03-03T09:00:00Z', 'bram', 'purge');",
        )
        .unwrap();
    }
    let verify = desk.ok(&["audit", "--verify"]);
    assert!(
        verify.contains("events: 1 rows, the chain is whole"),
        "{verify}"
    );
    assert!(
        verify.contains("access_log: 2 rows, the chain is whole"),
        "{verify}"
    );
    desk.ok(&["move", "2025-0007", "intake", "--on", "2025-03-05"]);
    assert!(desk.ok(&["check"]).contains("2 events"));
    let hashes: i64 = desk
        .raw()
        .query_row(
            "SELECT count(*) FROM events WHERE hash IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(hashes, 2);
}

#[test]
fn the_demo_and_a_large_import_chain_every_event() {
    let desk = Desk::new();
    desk.ok(&["demo", "--cases", "300"]);
    let report = desk.ok(&["check"]);
    assert!(report.contains("300 cases"), "{report}");
}

fn actors(desk: &Desk) -> Vec<String> {
    let conn = desk.raw();
    let mut stmt = conn.prepare("SELECT DISTINCT actor FROM events").unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

#[test]
fn on_a_personal_database_the_actor_is_cleaned_and_never_unknown() {
    let desk = Desk::new();
    let mut add = desk.sanne(&["add", "--referred-on", "2026-01-05", "--referrer", "gp"]);
    add.env_remove("USER").env_remove("LOGNAME");
    assert!(add.output().unwrap().status.success());
    let login = nix::unistd::User::from_uid(nix::unistd::getuid())
        .unwrap()
        .unwrap()
        .name;
    assert_eq!(actors(&desk), [login]);
    let desk = Desk::new();
    let mut add = desk.sanne(&["add", "--referred-on", "2026-01-05", "--referrer", "gp"]);
    add.env("USER", "anouk\u{1b}[2J\nroot");
    assert!(add.output().unwrap().status.success());
    assert_eq!(actors(&desk), ["anouk[2Jroot"]);
}

#[test]
fn erasure_removes_the_childs_data_for_good_keeps_the_facts_and_the_chain() {
    let desk = Desk::new();
    let r = desk.case_with_text("Zoë Bakkerstraat");
    let facts = || {
        let json = desk.ok(&["export", "stoplight", "--format", "json"]);
        assert!(json.contains(&r), "{json}");
        json.lines()
            // The age goes with the birth date, as after a purge.
            .filter(|l| !l.contains("generated_at") && !l.contains("\"age\""))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let before = facts();
    // Without --yes and without a terminal: one sentence, nothing erased.
    let err = desk.fails(&["erase", &r, "--reason", "verzoek ouder"]);
    assert!(err.contains("add --yes"), "{err}");
    assert!(
        desk.ok(&["show", &r, "--with-names"])
            .contains("Zoë Bakkerstraat")
    );
    let err = desk.fails(&["erase", &r, "--reason", " ", "--yes"]);
    assert!(err.contains("--reason"), "{err}");

    let done = desk.ok(&["erase", &r, "--reason", "verzoek ouder", "--yes"]);
    assert!(done.contains("1 note(s) and 1 decision(s)"), "{done}");
    let shown: Value = serde_json::from_str(&desk.ok(&["show", &r, "--with-names"])).unwrap();
    assert_eq!(shown["name"], Value::Null);
    assert_eq!(shown["birth_date"], Value::Null);
    assert_eq!(shown["stage"], "in_care");
    assert_eq!(facts(), before);
    let subject: Value =
        serde_json::from_str(&desk.ok(&["export", "subject", &r, "--format", "json"])).unwrap();
    assert_eq!(subject["reviews"][0]["note"], Value::Null);
    assert_eq!(subject["decisions"][0]["text"], "[gewist]");
    assert_eq!(subject["history"].as_array().unwrap().len(), 6);
    let log = desk.ok(&["audit", "--case", &r, "--format", "json"]);
    assert!(
        log.contains("\"erase\"") && log.contains("verzoek ouder"),
        "{log}"
    );
    // The chains stay whole and the file holds none of the erased text.
    assert!(desk.ok(&["check"]).contains("events"));
    for file in ["stroom.db", "stroom.db-wal"] {
        let bytes = std::fs::read(desk.path(file)).unwrap_or_default();
        for gone in ["Bakkerstraat", "Moeder belde", "Gezinscoach"] {
            assert!(
                !bytes.windows(gone.len()).any(|w| w == gone.as_bytes()),
                "{gone} in {file}"
            );
        }
    }
    // The triggers allow erasure only: no other change of free text.
    let conn = desk.raw();
    assert!(
        conn.execute("UPDATE decisions SET text = 'anders'", [])
            .is_err()
    );
    assert!(
        conn.execute("UPDATE reviews SET note = 'anders'", [])
            .is_err()
    );
    assert!(conn.execute("DELETE FROM decisions", []).is_err());
    assert!(
        desk.fails(&["erase", "2099-0001", "--reason", "x", "--yes"])
            .contains("2099-0001")
    );
}

#[test]
fn a_subject_access_export_holds_everything_on_the_child_and_is_logged() {
    let desk = Desk::new();
    let r = desk.case_with_text("Sem de Vries");
    desk.case_with_text("Other Child");
    desk.ok(&["show", &r, "--with-names"]);
    let md = desk.ok(&["export", "subject", &r]);
    for part in [
        "Sem de Vries",
        "2012-04-01",
        "Moeder belde over de school",
        "Gezinscoach inzetten",
        "viewed case",
        "## History",
        // Read by people: fields and codes by their names, not stored codes.
        "- Referrer: GP / youth practice nurse",
        "- Stage: ",
        "| next step |",
    ] {
        assert!(md.contains(part), "{part} missing:\n{md}");
    }
    for code in ["referred_on", "view_case", "| moved |", ": gp\n"] {
        assert!(!md.contains(code), "{code} in:\n{md}");
    }
    assert!(!md.contains("Other Child"));
    let out = desk.path("subject.json");
    desk.ok(&[
        "export",
        "subject",
        &r,
        "--format",
        "json",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(std::fs::metadata(&out).unwrap().mode() & 0o777, 0o600);
    let json: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(json["case"]["name"], "Sem de Vries");
    assert_eq!(json["history"][0]["actor"], "sanne");
    let exports = desk.ok(&["audit", "--exports"]);
    assert_eq!(exports.matches("export subject").count(), 2, "{exports}");
    assert!(exports.contains("subject.json"), "{exports}");
}

#[test]
fn audit_exports_lists_who_exported_names_when_why_and_where() {
    let desk = Desk::new();
    desk.case_with_text("Sem de Vries");
    let file = desk.path("wl.csv");
    desk.ok(&[
        "export",
        "waitlist",
        "--with-names",
        "--reason",
        "overdracht wijkteam",
        "-o",
        file.to_str().unwrap(),
    ]);
    desk.ok(&["show", "2026-0001", "--with-names"]);
    let out = desk.ok(&["audit", "--exports"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines[1].contains("sanne") && lines[1].contains("overdracht wijkteam"));
    assert!(lines[1].contains("wl.csv"));
}

#[test]
fn a_note_or_decision_naming_its_own_child_is_warned_about_but_kept() {
    let desk = Desk::new();
    let r = desk.case_with_text("Sem de Vries");
    let out = desk.run(&[
        "decide",
        &r,
        "--text",
        "Sem gaat naar de logeeropvang",
        "--on",
        "2026-03-09",
    ]);
    assert!(out.status.success());
    assert!(
        text(&out.stderr).contains("names the child of case"),
        "{}",
        text(&out.stderr)
    );
    let out = desk.run(&[
        "decide",
        &r,
        "--text",
        "Logeeropvang geregeld",
        "--on",
        "2026-03-09",
    ]);
    assert!(out.status.success());
    assert!(text(&out.stderr).is_empty());
}

#[test]
fn purge_by_policy_removes_names_past_the_configured_years_only() {
    let desk = Desk::new();
    std::fs::write(desk.path("config.toml"), "[retention]\nclosed_years = 2\n").unwrap();
    for (name, closed) in [("Oud Kind", "2024-05-01"), ("Recent Kind", "2025-05-01")] {
        let r = desk.ok(&[
            "add",
            "--referred-on",
            "2024-01-05",
            "--referrer",
            "gp",
            "--name",
            name,
        ]);
        desk.ok(&[
            "move",
            r.trim(),
            "closed",
            "--on",
            closed,
            "--reason",
            "goals_met",
        ]);
    }
    let dry = desk.ok(&["purge", "--policy", "--dry-run"]);
    assert!(
        dry.contains("1 case(s)") && dry.contains("2024-11-22"),
        "{dry}"
    );
    desk.ok(&["purge", "--policy", "--yes"]);
    let names: Vec<Option<String>> = {
        let conn = desk.raw();
        let mut stmt = conn.prepare("SELECT name FROM cases ORDER BY id").unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(names, [None, Some("Recent Kind".to_string())]);
    std::fs::write(desk.path("config.toml"), "[retention]\nclosed_years = 0\n").unwrap();
    assert!(
        desk.ok(&["purge", "--policy"])
            .contains("No retention period")
    );
}

// ---- encryption ---------------------------------------------------------

fn key_file(desk: &Desk, name: &str, pass: &str, mode: u32) -> PathBuf {
    let p = desk.path(name);
    std::fs::write(&p, format!("{pass}\n")).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
    p
}

fn is_plain_sqlite(path: &Path) -> bool {
    std::fs::read(path)
        .unwrap()
        .starts_with(b"SQLite format 3\0")
}

#[test]
fn an_encrypted_database_is_unreadable_without_its_key_and_a_wrong_key_changes_nothing() {
    let desk = Desk::new();
    let key = key_file(&desk, "key", "correct horse battery", 0o600);
    let with_key = |args: &[&str], key: &Path| {
        let mut c = desk.sanne(args);
        c.env("STROOM_KEY_FILE", key);
        c.output().unwrap()
    };
    let out = with_key(&["init", "--encrypt"], &key);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = with_key(
        &[
            "add",
            "--referred-on",
            "2026-01-05",
            "--referrer",
            "gp",
            "--name",
            "Geheim Kind",
        ],
        &key,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!is_plain_sqlite(&desk.db));
    let bytes = std::fs::read(&desk.db).unwrap();
    assert!(!bytes.windows(6).any(|w| w == b"Geheim"));
    // No key: one sentence; a wrong key: one sentence, the bytes unchanged.
    let err = desk.fails(&["check"]);
    assert!(
        err.contains("is not an SQLite file: if it is an encrypted"),
        "{err}"
    );
    let wrong = key_file(&desk, "wrong", "not the right one", 0o600);
    let out = with_key(&["check"], &wrong);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("does not fit"),
        "{}",
        text(&out.stderr)
    );
    // One sentence only: SQLCipher's own log lines stay out of it.
    assert_eq!(text(&out.stderr).trim_end().lines().count(), 1);
    assert_eq!(std::fs::read(&desk.db).unwrap(), bytes);
    // A key file others can read is refused.
    let open = key_file(&desk, "open", "correct horse battery", 0o644);
    let out = with_key(&["check"], &open);
    assert!(text(&out.stderr).contains("readable by others"));
    // The right key reads; a backup is encrypted with the same key.
    let out = with_key(&["show", "2026-0001", "--with-names"], &key);
    assert!(text(&out.stdout).contains("Geheim Kind"));
    let bk = desk.path("bk.db");
    assert!(
        with_key(&["backup", bk.to_str().unwrap()], &key)
            .status
            .success()
    );
    assert!(!is_plain_sqlite(&bk));
    let mut c = desk.sanne(&["show", "2026-0001", "--with-names"]);
    c.env("STROOM_DB", &bk).env("STROOM_KEY_FILE", &key);
    assert!(text(&c.output().unwrap().stdout).contains("Geheim Kind"));
    // rekey: the old key no longer opens it, the new one does.
    let new = key_file(&desk, "new", "a brand new passphrase", 0o600);
    let mut c = desk.sanne(&["rekey"]);
    c.env("STROOM_KEY_FILE", &key)
        .env("STROOM_NEW_KEY_FILE", &new);
    let out = c.output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(with_key(&["check"], &key).status.code(), Some(1));
    let out = with_key(&["show", "2026-0001", "--with-names"], &new);
    assert!(
        text(&out.stdout).contains("Geheim Kind"),
        "{}",
        text(&out.stderr)
    );
    assert!(with_key(&["check"], &new).status.success());
}

// ---- a team of two Unix accounts -----------------------------------------

/// Two Unix accounts and their group, made for the test and removed after.
struct Accounts {
    group: String,
    users: [String; 2],
}

impl Accounts {
    fn create() -> Option<Accounts> {
        if !nix::unistd::getuid().is_root() {
            println!("SKIPPED: creating Unix accounts needs root (CI runs as root)");
            return None;
        }
        let tag = std::process::id() % 100_000;
        let group = format!("strm{tag}");
        let users = [format!("anouk{tag}"), format!("bram{tag}")];
        let run = |cmd: &str, args: &[&str]| {
            let ok = Command::new(cmd).args(args).status().unwrap().success();
            assert!(ok, "{cmd} {args:?}");
        };
        run("groupadd", &[&group]);
        for u in &users {
            run("useradd", &["-M", "-N", "-G", &group, u]);
        }
        Some(Accounts { group, users })
    }
}

impl Drop for Accounts {
    fn drop(&mut self) {
        for u in &self.users {
            let _ = Command::new("userdel").arg(u).status();
        }
        let _ = Command::new("groupdel").arg(&self.group).status();
    }
}

fn as_user(user: &str, db: &Path, args: &[&str]) -> Output {
    Command::new("runuser")
        .args(["-u", user, "--", env!("CARGO_BIN_EXE_stroom")])
        .args(args)
        .env("STROOM_DB", db)
        .env("STROOM_TODAY", TODAY)
        .env("STROOM_LANG", "en")
        .env("STROOM_CONFIG", "/nonexistent/config.toml")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn two_coordinators_on_one_host_each_are_themselves_and_do_only_what_their_role_allows() {
    let Some(acc) = Accounts::create() else {
        return;
    };
    let [anouk, bram] = &acc.users;
    let base = tempfile::tempdir().unwrap();
    std::fs::set_permissions(base.path(), std::fs::Permissions::from_mode(0o711)).unwrap();
    // The administrator's part: a folder for the group.
    let folder = base.path().join("team");
    std::fs::create_dir(&folder).unwrap();
    let gid = nix::unistd::Group::from_name(&acc.group)
        .unwrap()
        .unwrap()
        .gid;
    nix::unistd::chown(&folder, None, Some(gid)).unwrap();
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o2770)).unwrap();
    let db = folder.join("stroom.db");

    let ok = |user: &str, args: &[&str]| {
        let out = as_user(user, &db, args);
        assert!(
            out.status.success(),
            "{user} {args:?}: {}",
            text(&out.stderr)
        );
        text(&out.stdout)
    };
    let refused = |user: &str, args: &[&str]| {
        let out = as_user(user, &db, args);
        assert_eq!(out.status.code(), Some(1), "{user} {args:?}");
        text(&out.stderr)
    };
    let init = ok(
        anouk,
        &["team", "init", db.to_str().unwrap(), "--group", &acc.group],
    );
    assert!(init.contains(anouk.as_str()), "{init}");
    // Bram is in the group but not yet on the roster.
    let err = refused(
        bram,
        &["add", "--referred-on", "2026-01-05", "--referrer", "gp"],
    );
    assert!(err.contains("is not on the roster"), "{err}");
    ok(
        anouk,
        &[
            "team",
            "add",
            bram,
            "--name",
            "Bram Ouwehand",
            "--role",
            "coordinator",
        ],
    );
    // Bram says he is Anouk: the history records Bram.
    let mut cmd = Command::new("runuser");
    cmd.args(["-u", bram, "--", env!("CARGO_BIN_EXE_stroom")])
        .args([
            "add",
            "--referred-on",
            "2026-01-05",
            "--referrer",
            "gp",
            "--name",
            "Sem",
        ])
        .env("STROOM_DB", &db)
        .env("STROOM_TODAY", TODAY)
        .env("STROOM_CONFIG", "/nonexistent/config.toml")
        .env("USER", anouk)
        .env("LOGNAME", anouk)
        .stdin(Stdio::null());
    assert!(cmd.output().unwrap().status.success());
    ok(
        anouk,
        &["move", "2026-0001", "intake", "--on", "2026-01-10"],
    );
    // A coordinator may not manage the roster, export names or erase.
    let err = refused(bram, &["team", "add", bram, "--role", "lead"]);
    assert!(err.contains("needs the role 'lead'"), "{err}");
    refused(bram, &["export", "waitlist", "--with-names"]);
    refused(bram, &["erase", "2026-0001", "--reason", "x", "--yes"]);
    // Root is not on the roster either.
    let out = as_user("root", &db, &["check"]);
    assert_eq!(out.status.code(), Some(1));
    // A viewer reads, without names, and cannot write.
    ok(anouk, &["team", "add", bram, "--role", "viewer"]);
    let listed = ok(bram, &["export", "waitlist", "--format", "json"]);
    assert!(
        listed.contains("2026-0001") && !listed.contains("Sem"),
        "{listed}"
    );
    let shown = ok(bram, &["show", "2026-0001"]);
    assert!(
        shown.contains("2026-0001") && !shown.contains("Sem"),
        "{shown}"
    );
    refused(bram, &["show", "2026-0001", "--with-names"]);
    refused(bram, &["move", "2026-0001", "triage", "--on", "2026-01-12"]);
    let roster = ok(bram, &["team", "list"]);
    assert!(
        roster.contains("Bram Ouwehand") && roster.contains("viewer"),
        "{roster}"
    );
    // The last lead cannot be removed.
    assert!(refused(anouk, &["team", "remove", anouk]).contains("last team lead"));

    // What the history and the log record, read as the administrator.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let actors: Vec<(String, String)> = {
        let mut stmt = conn
            .prepare("SELECT kind, actor FROM events ORDER BY id")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(
        actors,
        [
            ("referred".to_string(), bram.clone()),
            ("moved".to_string(), anouk.clone())
        ]
    );
    let denied: Vec<String> = {
        let mut stmt = conn
            .prepare("SELECT actor FROM access_log WHERE action = 'access_denied' ORDER BY id")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let b = bram.as_str();
    assert_eq!(denied, [b, b, b, b, "root", b, b]);
    // The files are the group's, 0660, the folder setgid; no other bits
    // (the WAL and its index exist while a connection is open).
    for name in ["stroom.db", "stroom.db-wal", "stroom.db-shm"] {
        let meta = std::fs::metadata(folder.join(name)).unwrap();
        assert_eq!(meta.mode() & 0o777, 0o660, "{name}");
        assert_eq!(meta.gid(), gid.as_raw(), "{name}");
    }
    drop(conn);
    assert!(ok(anouk, &["audit", "--verify"]).contains("the chain is whole"));
    assert_eq!(std::fs::metadata(&folder).unwrap().mode() & 0o7777, 0o2770);
    // A file someone widened is refused, not used.
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o664)).unwrap();
    assert!(refused(anouk, &["check"]).contains("readable by others"));
}
