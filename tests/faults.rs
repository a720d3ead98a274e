//! The faults of issue 10, each reproduced as it was met: output paths that
//! are devices, pipes or links; a demo replacing a live database; a killed
//! backup; a closed or full stdout; escape sequences in messages; a tampered
//! access log; oversized fields; one bad row; an interrupted purge; and the
//! smaller refusals. Every test here failed before its fix.

use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

mod common;

use common::{Sandbox, TODAY, contains, text};

common::sandbox_type!(Team);

impl Team {
    fn new() -> Team {
        Team(Sandbox::new())
    }

    /// Fails with exit 1 and one sentence on stderr; returns the sentence.
    fn refused(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{args:?}: {}",
            text(&out.stderr)
        );
        let err = text(&out.stderr);
        assert_eq!(err.trim().lines().count(), 1, "{args:?}: {err}");
        err
    }

    fn add(&self, name: &str) -> String {
        self.ok(&add_args(name)).trim().to_string()
    }

    fn audit(&self) -> Vec<Value> {
        let out = self.ok(&["audit", "--format", "json"]);
        let doc: Value = serde_json::from_str(&out).unwrap();
        doc["rows"].as_array().unwrap().clone()
    }
}

/// `stroom add` of a referral by a GP on 01-10-2026 with this name.
fn add_args(name: &str) -> [&str; 7] {
    [
        "add",
        "--referred-on",
        "2026-10-01",
        "--referrer",
        "gp",
        "--name",
        name,
    ]
}

fn sh(script: &str) {
    let st = Command::new("sh").arg("-c").arg(script).status().unwrap();
    assert!(st.success(), "{script}");
}

// ---- 1. `-o` never replaces what stroom did not make ----

/// Met by trying `-o` on a link to a system file as root: the export went
/// through the link into the file and made it 0600. A link to a file in
/// another folder is refused; the file keeps its bytes and its mode.
#[test]
fn a_link_to_a_file_in_another_folder_is_refused_and_the_file_kept() {
    let team = Team::new();
    team.add("Daan de Vries");
    let elsewhere = tempfile::tempdir().unwrap();
    let system = elsewhere.path().join("passwd");
    std::fs::write(&system, "root:x:0:0\n").unwrap();
    std::fs::set_permissions(&system, std::fs::Permissions::from_mode(0o644)).unwrap();
    let link = team.path("out.csv");
    std::os::unix::fs::symlink(&system, &link).unwrap();
    let out = team.run(&["export", "waitlist", "-o", &link.display().to_string()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr).lines().count(),
        1,
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(&system).unwrap(), "root:x:0:0\n");
    assert_eq!(
        std::fs::metadata(&system).unwrap().permissions().mode() & 0o777,
        0o644
    );
}

#[test]
fn output_to_devices_pipes_and_links_is_written_through_never_replaced() {
    let team = Team::new();
    team.add("Daan de Vries");
    let export = |path: &Path, format: &str| {
        team.run(&[
            "export",
            "waitlist",
            "--format",
            format,
            "-o",
            &path.display().to_string(),
        ])
    };
    // /dev/null stays the null device.
    for format in ["csv", "xlsx"] {
        let out = export(Path::new("/dev/null"), format);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let meta = std::fs::metadata("/dev/null").unwrap();
        assert!(meta.file_type().is_char_device(), "/dev/null was replaced");
    }
    // A device node of our own (the null device, made with mknod).
    let node = team.path("null-node");
    sh(&format!("mknod {} c 1 3", node.display()));
    let rdev = std::fs::metadata(&node).unwrap().rdev();
    assert!(export(&node, "csv").status.success());
    let meta = std::fs::symlink_metadata(&node).unwrap();
    assert!(meta.file_type().is_char_device() && meta.rdev() == rdev);
    // /dev/full: written through, so the full disk is one sentence, exit 1.
    let out = export(Path::new("/dev/full"), "csv");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        std::fs::metadata("/dev/full")
            .unwrap()
            .file_type()
            .is_char_device()
    );
    // A FIFO: the reader gets the export, the FIFO stays a FIFO.
    let fifo = team.path("pipe");
    sh(&format!("mkfifo {}", fifo.display()));
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).unwrap())
    };
    assert!(export(&fifo, "csv").status.success());
    let got = reader.join().unwrap();
    assert!(contains(&got, "case_ref"), "{}", text(&got));
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
    // A symbolic link stays a link; the file it points to gets the export.
    let real = team.path("real.csv");
    std::fs::write(&real, "old").unwrap();
    let link = team.path("link.csv");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    assert!(export(&link, "csv").status.success());
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(contains(&std::fs::read(&real).unwrap(), "case_ref"));
    assert_eq!(
        std::fs::metadata(&real).unwrap().permissions().mode() & 0o777,
        0o600
    );
    // Another user's file is refused, not taken over.
    let theirs = team.path("theirs.csv");
    std::fs::write(&theirs, "theirs").unwrap();
    std::os::unix::fs::chown(&theirs, Some(65534), Some(65534)).unwrap();
    let out = export(&theirs, "csv");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("another user"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(&theirs).unwrap(), "theirs");
    assert_eq!(std::fs::metadata(&theirs).unwrap().uid(), 65534);
    // A regular file of ours is still replaced whole and made private.
    let own = team.path("own.csv");
    std::fs::write(&own, "old").unwrap();
    std::fs::set_permissions(&own, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert!(export(&own, "csv").status.success());
    assert_eq!(
        std::fs::metadata(&own).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let leftovers: Vec<_> = std::fs::read_dir(team.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

// ---- 5. values quoted in messages are drawn inert ----

#[test]
fn messages_quote_hostile_values_inert() {
    let team = Team::new();
    let osc52 = "\u{1b}]52;c;SGVsbG8=\u{7}";
    let csv = team.write(
        "hostile.csv",
        &format!("case_ref,referred_on,referrer\nA1,{osc52},gp\n"),
    );
    let hostile_ref = format!("\u{1b}[2JX{osc52}\u{202e}\u{9b}31m");
    for args in [
        vec!["import", csv.as_str()],
        vec!["show", hostile_ref.as_str()],
        vec!["move", hostile_ref.as_str(), "intake"],
    ] {
        let out = team.run(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = text(&out.stderr);
        assert!(
            err.contains("52;c;SGVsbG8="),
            "the value is still shown: {err:?}"
        );
        for bad in ['\u{1b}', '\u{7}', '\u{202e}', '\u{9b}'] {
            assert!(!err.contains(bad), "{args:?}: {err:?}");
        }
    }
}

// ---- 4. a closed or full stdout ----

/// Runs stroom with its stdout on `/dev/full` (a full disk).
fn on_full_stdout(team: &Team, args: &[&str]) -> Output {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    team.sanne(args).stdout(full).output().unwrap()
}

/// Runs stroom with its stdout a pipe whose reader has gone (`| head -0`).
fn on_closed_pipe(team: &Team, args: &[&str]) -> Output {
    let mut child = team
        .sanne(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    child.wait_with_output().unwrap()
}

#[test]
fn a_full_stdout_after_a_change_says_the_change_was_saved() {
    let team = Team::new();
    let add = [
        "add",
        "--referred-on",
        "2026-10-01",
        "--referrer",
        "gp",
        "--ref",
        "F-1",
    ];
    let out = on_full_stdout(&team, &add);
    assert_eq!(
        out.status.code(),
        Some(1),
        "no panic: {}",
        text(&out.stderr)
    );
    let err = text(&out.stderr);
    assert!(err.contains("The change was saved"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    // Saved once; a retry is refused as a duplicate, not made twice.
    assert!(team.ok(&["show", "F-1"]).contains("F-1"));
    // A reading command on a full disk: one sentence, exit 1, no panic.
    for args in [&["show", "F-1"][..], &["audit"], &["export", "waitlist"]] {
        let out = on_full_stdout(&team, args);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(!text(&out.stderr).contains("panicked"), "{args:?}");
        assert!(!text(&out.stderr).contains("saved"), "{args:?}");
    }
}

#[test]
fn a_reader_that_stops_reading_ends_the_command_quietly() {
    let team = Team::new();
    team.add("Daan de Vries");
    for args in [
        &["show", "2026-0001"][..],
        &["audit"],
        &["export", "waitlist"],
        &["check"],
        &["demo", "--seed", "2", "--cases", "60", "--force", "--yes"],
    ] {
        let out = on_closed_pipe(&team, args);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
        assert!(err.is_empty(), "{args:?}: {err}");
    }
}

// ---- 3. a backup is whole under its name, or not there ----

#[test]
fn check_on_a_file_without_stroom_data_says_so_and_touches_nothing() {
    let team = Team::new();
    team.add("Daan de Vries");
    // An empty file, and a missing one: not "all well".
    let empty = team.path("empty.db");
    std::fs::write(&empty, "").unwrap();
    let missing = team.path("missing.db");
    for db in [&empty, &missing] {
        let out = team
            .sanne(&["check"])
            .env("STROOM_DB", db)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
        let err = text(&out.stderr);
        assert!(err.contains("holds no stroom data"), "{err}");
        assert!(!text(&out.stdout).contains("All well"));
    }
    assert_eq!(std::fs::metadata(&empty).unwrap().len(), 0);
    assert!(!missing.exists(), "check created a database");
    // A file left with a rollback journal (a killed backup): named unfinished,
    // and neither file is rolled back or changed.
    let bk = team.path("bk.db");
    let copy = team.path("copy.db");
    team.ok(&["backup", &copy.display().to_string()]);
    std::fs::copy(&copy, &bk).unwrap();
    let journal = team.path("bk.db-journal");
    std::fs::write(&journal, vec![7u8; 4096]).unwrap();
    let before = std::fs::read(&bk).unwrap();
    let out = team
        .sanne(&["check"])
        .env("STROOM_DB", &bk)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("unfinished"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read(&bk).unwrap(), before);
    assert!(journal.exists());
    // A leftover under the partial name (killed while it was being checked,
    // so whole inside) is never taken for a backup.
    let partial = team.path("bk2.db.partial-4242");
    std::fs::copy(&copy, &partial).unwrap();
    let out = team
        .sanne(&["check"])
        .env("STROOM_DB", &partial)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("did not finish"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_backup_is_checked_before_it_gets_its_name() {
    let team = Team::new();
    for n in 0..20 {
        team.add(&format!("Kind {n}"));
    }
    let bk = team.path("bk.db");
    team.ok(&["backup", &bk.display().to_string()]);
    let names: Vec<String> = std::fs::read_dir(team.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.contains("partial")), "{names:?}");
    let out = team
        .sanne(&["check"])
        .env("STROOM_DB", &bk)
        .output()
        .unwrap();
    assert!(
        text(&out.stdout).contains("All well: 20 cases"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(
        std::fs::metadata(&bk).unwrap().permissions().mode() & 0o777,
        0o600
    );
    // An existing name, or a link, is never overwritten.
    let link = team.path("link.db");
    std::os::unix::fs::symlink(team.path("nowhere"), &link).unwrap();
    for taken in [&bk, &link] {
        let before = std::fs::symlink_metadata(taken).unwrap().ino();
        team.refused(&["backup", &taken.display().to_string()]);
        assert_eq!(std::fs::symlink_metadata(taken).unwrap().ino(), before);
    }
    assert!(!team.path("nowhere").exists());
}

// ---- 2. `demo --force` beside writers and an open UI ----

fn refs_in(db: &Path) -> std::collections::HashSet<String> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut stmt = c.prepare("SELECT case_ref FROM cases").unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn demo_backups(team: &Team) -> Vec<PathBuf> {
    std::fs::read_dir(team.dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains(".before-demo-"))
        .collect()
}

#[test]
fn a_demo_over_a_live_database_loses_no_acknowledged_write_nor_the_access_log() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};
    let team = Arc::new(Team::new());
    team.add("Daan de Vries");
    team.ok(&["show", "2026-0001", "--with-names"]);
    let log_before = team.audit().len();
    // A UI left open: a connection made before the demo, writing after it.
    let mut ui = stroom::store::Store::open(&team.db).unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let done = Arc::new(AtomicBool::new(false));
    let acked = Arc::new(Mutex::new(Vec::new()));
    let writers: Vec<_> = (0..3)
        .map(|w| {
            let (team, done, acked) = (team.clone(), done.clone(), acked.clone());
            std::thread::spawn(move || {
                let mut i = 0;
                // Writes before, during and after the demo.
                while !done.load(Ordering::SeqCst) || i < 25 {
                    i += 1;
                    let r = format!("W{w}-{i}");
                    let args = [
                        "add",
                        "--referred-on",
                        "2026-10-01",
                        "--referrer",
                        "gp",
                        "--ref",
                        &r,
                    ];
                    if team.run(&args).status.success() {
                        acked.lock().unwrap().push(r);
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let demo = team.run(&["demo", "--seed", "5", "--cases", "400", "--force", "--yes"]);
    done.store(true, Ordering::SeqCst);
    assert!(demo.status.success(), "{}", text(&demo.stderr));
    for w in writers {
        w.join().unwrap();
    }
    let new = stroom::store::NewReferral {
        case_ref: Some("UI-1".into()),
        name: None,
        birth_date: None,
        referred_on: today,
        referrer: stroom::domain::Referrer::Gp,
        urgency: stroom::domain::Urgency::Regular,
        worker: None,
    };
    ui.add_referral(&new, today, "ui").unwrap();
    drop(ui);
    let backups = demo_backups(&team);
    assert_eq!(backups.len(), 1, "{backups:?}");
    let (live, old) = (refs_in(&team.db), refs_in(&backups[0]));
    let acked = acked.lock().unwrap();
    let lost: Vec<_> = acked
        .iter()
        .filter(|r| !live.contains(*r) && !old.contains(*r))
        .collect();
    assert!(acked.len() > 50, "{}", acked.len());
    assert!(
        lost.is_empty(),
        "lost {} of {}: {lost:?}",
        lost.len(),
        acked.len()
    );
    assert!(
        live.contains("UI-1"),
        "the open UI wrote to a replaced file"
    );
    // The access log is carried over, with the replacement in it.
    let log = team.audit();
    assert!(log.len() > log_before, "{log:?}");
    let last = log.iter().rev().find(|r| r["action"] == "replace_database");
    let last = last.expect("the replacement is logged");
    assert_ne!(last["actor"], "demo", "the person, not the generator");
    assert!(last["detail"].as_str().unwrap().contains(".before-demo-"));
    team.ok(&["check"]);
}

// ---- 6. a tampered access log, names without a reason, failed exports ----

#[test]
fn check_finds_a_dropped_safeguard_of_the_access_log() {
    let team = Team::new();
    let r = team.add("Daan de Vries");
    team.ok(&["show", &r, "--with-names"]);
    let c = rusqlite::Connection::open(&team.db).unwrap();
    c.execute_batch("DROP TRIGGER access_log_append_only_delete; DELETE FROM access_log;")
        .unwrap();
    drop(c);
    let out = team.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    let shown = text(&out.stdout);
    assert!(shown.contains("access_log_append_only_delete"), "{shown}");
    assert!(!shown.contains("All well"), "{shown}");
}

#[test]
fn names_never_leave_without_a_reason_and_a_failed_export_is_logged_as_failed() {
    let team = Team::new();
    team.add("Daan de Vries");
    for args in [
        &["export", "waitlist", "--with-names"][..],
        &["export", "stoplight", "--with-names", "--format", "md"],
        &["export", "meeting", "--with-names"],
        &["export", "waitlist", "--with-names", "--reason", "  "],
    ] {
        let out = team.run(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(text(&out.stderr).contains("needs a reason"), "{args:?}");
        assert!(!contains(&out.stdout, "Daan"), "{args:?}");
    }
    assert!(team.audit().is_empty(), "nothing was exported");
    // A full disk: the export is logged as attempted and as failed.
    let out = team.run(&[
        "export",
        "waitlist",
        "--with-names",
        "--reason",
        "wethouder",
        "-o",
        "/dev/full",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let log = team.audit();
    let actions: Vec<&str> = log.iter().map(|r| r["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["export_with_names", "export_failed"], "{log:?}");
    assert!(log[1]["detail"].as_str().unwrap().contains("/dev/full"));
}

// ---- 10. the smaller refusals say what is wrong ----

#[test]
fn dates_references_and_reviews_are_refused_with_their_reason() {
    let team = Team::new();
    let add = |extra: &[&str]| {
        let mut args = vec!["add", "--referred-on", "2026-10-01", "--referrer", "gp"];
        args.extend_from_slice(extra);
        team.run(&args)
    };
    let err = team.refused(&["add", "--referred-on", "9999-12-31", "--referrer", "gp"]);
    assert!(err.contains("outside the years"), "{err}");
    assert!(!err.contains("not a date"), "{err}");
    // 40 characters of two bytes each: within the limit of 64 characters.
    let e40 = "é".repeat(40);
    assert!(add(&["--ref", &e40]).status.success());
    let e65 = "é".repeat(65);
    let out = add(&["--ref", &e65]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("65 characters, at most 64"));
    for bad in ["a/b", "..", "x..y", "../etc", ".hidden"] {
        let out = add(&["--ref", bad]);
        assert_eq!(out.status.code(), Some(1), "{bad}");
        assert!(text(&out.stderr).contains("no '/'"), "{bad}");
    }
    let r = team.add("Daan");
    team.ok(&["move", &r, "intake", "--on", "2026-10-02"]);
    let out = team.run(&["review", &r, "housing=ok", "housing=missing"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("given twice"),
        "{}",
        text(&out.stderr)
    );
    let csv = team.write(
        "far.csv",
        "case_ref,referred_on,referrer\nF1,9999-12-31,gp\n",
    );
    let out = team.run(&["import", &csv]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("line 2, column referred_on: '9999-12-31' is outside the years"),
        "{err}"
    );
}

// ---- 7. oversized text: bounded at input, cut in a spreadsheet ----

fn xlsx_text(path: &Path) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut out = String::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        if f.name().unwrap().ends_with(".xml") {
            std::io::Read::read_to_string(&mut f, &mut out).unwrap();
        }
    }
    out
}

#[test]
fn oversized_text_is_refused_at_input_and_cut_visibly_in_xlsx() {
    let team = Team::new();
    let r = team.add("Daan");
    let long_name = "x".repeat(201);
    let err = team.refused(&add_args(&long_name));
    assert!(
        err.contains("Name is too long: 201 characters, at most 200"),
        "{err}"
    );
    let worker = format!("worker={}", "w".repeat(40_000));
    let err = team.refused(&["set", &r, &worker]);
    assert!(err.contains("too long"), "{err}");
    let csv = team.write(
        "big.csv",
        &format!(
            "case_ref,name,referred_on,referrer\nB1,{},2026-10-01,gp\n",
            "n".repeat(50_000)
        ),
    );
    let out = team.run(&["import", &csv]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("too long"),
        "{}",
        text(&out.stderr)
    );
    // A value stored before the bound (by an older stroom): every export
    // still works; the spreadsheet cell is cut with a visible mark.
    let c = rusqlite::Connection::open(&team.db).unwrap();
    c.execute("UPDATE cases SET worker = ?1", [&"w".repeat(40_000)])
        .unwrap();
    drop(c);
    let xlsx = team.path("wl.xlsx");
    team.ok(&[
        "export",
        "waitlist",
        "--format",
        "xlsx",
        "-o",
        &xlsx.display().to_string(),
    ]);
    let sheet = xlsx_text(&xlsx);
    assert!(sheet.contains("…[✂]"), "no cut mark");
    assert!(!sheet.contains(&"w".repeat(32_767)));
}

/// A name, coordinator or provider holding an escape sequence or a bidi
/// override is refused at every door (add, set, import), with one sentence
/// that says which character, and nothing is written.
#[test]
fn control_characters_are_refused_at_input() {
    let team = Team::new();
    let r = team.add("Daan");
    let before = team.ok(&["export", "waitlist", "--format", "csv"]);
    let osc52 = "A\u{1b}]52;c;aGk=\u{7}B";
    let err = team.refused(&add_args(osc52));
    assert!(
        err.contains("Name holds an invisible control character (character 2)"),
        "{err}"
    );
    let err = team.refused(&["set", &r, "worker=Sanne\u{202e}ennaS"]);
    assert!(
        err.contains("invisible control character (character 6)"),
        "{err}"
    );
    let err = team.refused(&["set", &r, "provider=Kompas\nJeugd"]);
    assert!(err.contains("invisible control character"), "{err}");
    let csv = team.write(
        "hostile.csv",
        "case_ref,name,referred_on,referrer\nB1,C\u{1b}[31mD,2026-10-01,gp\n",
    );
    let out = team.run(&["import", &csv]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("invisible control character"));
    assert_eq!(team.ok(&["export", "waitlist", "--format", "csv"]), before);
}

// ---- 8. one bad row does not break whole commands ----

#[test]
fn one_bad_row_is_named_by_check_and_refused_by_exports_by_case() {
    let team = Team::new();
    let mut csv = String::from(
        "case_ref;name;referred_on;referrer;route;care_type;provider;intake_on;triaged_on;care_started_on\n",
    );
    for n in 1..=3 {
        csv.push_str(&format!(
            "2026-000{n};Kind {n};2026-08-01;gp;ambulant;ambulant_home;Kompas;2026-08-10;2026-09-01;2026-09-15\n"
        ));
    }
    let f = team.write("team.csv", &csv);
    team.ok(&["import", &f]);
    for n in 1..=3 {
        team.ok(&[
            "review",
            &format!("2026-000{n}"),
            "housing=ok",
            "--on",
            "2026-11-01",
        ]);
    }
    let c = rusqlite::Connection::open(&team.db).unwrap();
    // Written with sqlite3 past the append-only trigger, which is put back.
    let trigger: String = c
        .query_row(
            "SELECT sql FROM sqlite_schema WHERE name = 'reviews_erase_only_update'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    c.execute_batch(&format!(
        "DROP TRIGGER reviews_erase_only_update;
         UPDATE reviews SET statuses = '{{\"housing\":\"bogus\"}}' \
             WHERE case_id = (SELECT id FROM cases WHERE case_ref = '2026-0002');
         {trigger};
         INSERT INTO events (case_id, on_date, recorded_at, actor, kind, field, value) \
             SELECT id, '2026-11-02', '2026-11-02T10:00:00Z', 'x', 'set', 'stage', 'closed' \
             FROM cases WHERE case_ref = '2026-0003';"
    ))
    .unwrap();
    drop(c);
    let out = team.run(&["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    assert!(
        shown.contains("2026-0002") && shown.contains("bogus"),
        "{shown}"
    );
    assert!(
        shown.contains("2026-0003") && shown.contains("stage"),
        "{shown}"
    );
    assert!(
        !shown.contains("2026-0001"),
        "the good case is fine: {shown}"
    );
    // The slipped-in event also breaks the hash chain.
    assert!(shown.contains("in events, row"), "{shown}");
    assert!(shown.contains("3 problems found"), "{shown}");
    // The board of a past date is replayed from the reviews and meets the
    // bad row. Today's board and agendas read each case's standing review
    // as every write kept it (`standing_reviews`): a review changed with
    // sqlite3 afterwards is not read there, and `check` names it (above).
    for args in [
        &["export", "stoplight", "--as-of", "2026-11-15"][..],
        &[
            "export",
            "stoplight",
            "--format",
            "md",
            "--as-of",
            "2026-11-15",
        ],
    ] {
        let out = team.run(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = text(&out.stderr);
        assert!(
            err.contains("Case 2026-0002") || err.contains("Case 2026-0003"),
            "{args:?}: {err}"
        );
        assert!(err.contains("stroom check"), "{err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
    }
}

// ---- 9. a purge killed between its commit and its checkpoint ----

fn db_files_contain(db: &Path, needle: &str) -> bool {
    ["", "-wal"].iter().any(|suffix| {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        std::fs::read(PathBuf::from(p)).is_ok_and(|b| contains(&b, needle))
    })
}

#[test]
fn a_purge_killed_after_its_commit_is_finished_by_the_next_open() {
    let team = Team::new();
    let csv = "case_ref;name;referred_on;referrer;route;care_type;provider;intake_on;triaged_on;care_started_on;closed_on;outflow_reason\n\
        O1;Fleur Zeldzaamnaam;2023-01-10;jgz;ambulant;day_care;De Linde;2023-01-20;2023-02-01;2023-03-01;2024-02-01;goals_met\n\
        W1;Daan de Vries;2026-08-01;gp;;;;;;;;\n";
    let f = team.write("team.csv", csv);
    team.ok(&["import", &f]);
    // Killed right after the commit, before the checkpoint.
    let out = team
        .sanne(&["purge", "--closed-before", "2025-01-01", "--yes"])
        .env("STROOM_CRASH_AT", "purge_committed")
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "the purge was to be killed at its commit"
    );
    assert!(
        db_files_contain(&team.db, "Zeldzaamnaam"),
        "the window to close"
    );
    // The next open (kept open: no checkpoint at close to help) finishes it.
    let store = stroom::store::Store::open(&team.db).unwrap();
    assert!(
        !db_files_contain(&team.db, "Zeldzaamnaam"),
        "name still in the file"
    );
    assert!(
        db_files_contain(&team.db, "Daan de Vries"),
        "the open case keeps it"
    );
    drop(store);
    let log = team.audit();
    assert_eq!(log.iter().filter(|r| r["action"] == "purge").count(), 1);
}

#[test]
fn a_ui_whose_database_file_is_replaced_opens_it_again() {
    use stroom::store::{NewReferral, Store};
    let dir = Sandbox::with_db("stroom.db");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let ctx = dir.context(
        stroom::context::config::Config::default(),
        stroom::present::i18n::Lang::En,
        TODAY,
        "coordinator",
    );
    let new = |r: &str| NewReferral {
        case_ref: Some(r.into()),
        name: None,
        birth_date: None,
        referred_on: today,
        referrer: stroom::domain::Referrer::Gp,
        urgency: stroom::domain::Urgency::Regular,
        worker: None,
    };
    let mut store = Store::open(&ctx.db_path).unwrap();
    store.add_referral(&new("OLD-1"), today, "x").unwrap();
    store
        .conn()
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    let mut app = stroom::tui::App::new(&ctx, store, 80, 24).unwrap();
    // Another program puts a new database at the path (a restore).
    let other = dir.path("restored.db");
    let mut restored = Store::open(&other).unwrap();
    restored.add_referral(&new("NEW-1"), today, "x").unwrap();
    drop(restored);
    std::fs::rename(&other, &ctx.db_path).unwrap();
    assert!(app.store.file_replaced());
    assert!(app.poll_external(), "the UI notices");
    assert!(!app.store.file_replaced(), "and opens the new file");
    app.store.add_referral(&new("UI-1"), today, "x").unwrap();
    let reread = Store::open(&ctx.db_path).unwrap();
    assert!(
        reread.case("UI-1").is_ok(),
        "the UI's write is in the file at the path"
    );
    assert!(reread.case("NEW-1").is_ok());
}

/// A database file removed under the UI is not replaced by a new, empty
/// one (the screens would show no cases and the next change would start a
/// second database); the UI says so once and opens the file when it is back.
#[test]
fn a_ui_whose_database_file_is_removed_makes_no_new_one() {
    use stroom::store::{NewReferral, Store};
    let dir = Sandbox::with_db("stroom.db");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let ctx = dir.context(
        stroom::context::config::Config::default(),
        stroom::present::i18n::Lang::En,
        TODAY,
        "coordinator",
    );
    let mut store = Store::open(&ctx.db_path).unwrap();
    let referral = NewReferral {
        case_ref: Some("OLD-1".into()),
        name: None,
        birth_date: None,
        referred_on: today,
        referrer: stroom::domain::Referrer::Gp,
        urgency: stroom::domain::Urgency::Regular,
        worker: None,
    };
    store.add_referral(&referral, today, "x").unwrap();
    store
        .conn()
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    let mut app = stroom::tui::App::new(&ctx, store, 80, 24).unwrap();
    let kept = dir.path("kept.db");
    std::fs::rename(&ctx.db_path, &kept).unwrap();
    assert!(app.poll_external(), "the UI notices and says so");
    assert!(!ctx.db_path.exists(), "no new database at the path");
    assert!(!app.poll_external(), "said once, not at every poll");
    let lost = NewReferral {
        case_ref: Some("LOST-1".into()),
        ..referral.clone()
    };
    assert!(
        app.store.add_referral(&lost, today, "x").is_err(),
        "a change into the removed file is refused"
    );
    assert!(!ctx.db_path.exists());
    // Put back, it is the very file the UI has open: nothing to reopen.
    std::fs::rename(&kept, &ctx.db_path).unwrap();
    assert!(!app.store.file_replaced());
    app.poll_external();
    assert!(app.store.case("OLD-1").is_ok());
    // A restored copy (another file) at the path is opened again.
    let copy = dir.path("copy.db");
    std::fs::copy(&ctx.db_path, &copy).unwrap();
    std::fs::rename(&copy, &ctx.db_path).unwrap();
    assert!(app.store.file_replaced());
    assert!(app.poll_external(), "the restored copy is opened");
    assert!(!app.store.file_replaced());
    assert!(app.store.case("OLD-1").is_ok());
}

#[test]
fn on_a_terminal_a_demo_over_peoples_work_asks_for_a_typed_yes() {
    let team = Team::new();
    team.add("Daan de Vries");
    if !common::terminal::available() {
        eprintln!("script(1) not available: the confirmation is covered off a terminal only");
        return;
    }
    let demo = |answer: &str| team.on_terminal("demo --cases 60 --force", answer);
    let (code, shown) = demo("y\n");
    assert_eq!(code, Some(1), "{shown}");
    assert!(
        shown.contains("holds 1 cases with people's work"),
        "{shown}"
    );
    assert!(shown.contains("Nothing replaced."), "{shown}");
    assert!(demo_backups(&team).is_empty());
    let (code, shown) = demo("yes\n");
    assert_eq!(code, Some(0), "{shown}");
    assert_eq!(demo_backups(&team).len(), 1);
}
