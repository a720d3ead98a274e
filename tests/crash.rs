//! Crash safety and concurrency with real processes: writers are killed
//! (SIGKILL) at random moments, eight writers share one database, two
//! coordinators change the same case, an export loop reads while a writer
//! writes. Nothing acknowledged may be lost, nothing half-applied may show.
//!
//! Soak: `STROOM_CRASH_CYCLES=1000 STROOM_CRASH_SEED=9 cargo test --test crash
//! -- --nocapture` (default 40 cycles, seed 7).

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rusqlite::Connection;

mod common;

use common::{Sandbox, TODAY, text};

common::sandbox_type!(
    /// A sandbox whose writers are Sanne, in English.
    Db
);

impl Db {
    fn new() -> Db {
        Db(Sandbox::new())
    }

    /// [`Sandbox::sanne`] with its output piped, to be spawned and killed.
    fn stroom(&self, args: &[&str]) -> Command {
        let mut cmd = self.sanne(args);
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        cmd
    }

    /// Cases `{prefix}1..=n`, in care since March.
    fn seed_in_care(&self, prefix: &str, n: usize) {
        let mut csv = String::from(
            "case_ref,referred_on,referrer,route,care_type,provider,intake_on,triaged_on,care_started_on\n",
        );
        for i in 1..=n {
            csv.push_str(&format!(
                "{prefix}{i},2026-01-05,gp,ambulant,ambulant_home,Kompas,2026-01-10,2026-02-01,2026-03-01\n"
            ));
        }
        let f = self.write(&format!("seed-{prefix}.csv"), &csv);
        self.ok(&["import", &f]);
    }

    fn conn(&self) -> Connection {
        Connection::open(&self.db).unwrap()
    }

    fn count(&self, sql: &str, arg: &str) -> i64 {
        self.conn().query_row(sql, [arg], |r| r.get(0)).unwrap()
    }

    fn stage(&self, case_ref: &str) -> String {
        self.conn()
            .query_row(
                "SELECT stage FROM cases WHERE case_ref = ?1",
                [case_ref],
                |r| r.get(0),
            )
            .unwrap()
    }

    /// `stroom check` (state = replay of events, SQLite's integrity check,
    /// references) and SQLite's integrity check on its own.
    fn assert_sound(&self) {
        let out = self.run(&["check"]);
        assert!(
            out.status.success(),
            "check: {}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        let integrity: String = self
            .conn()
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(integrity, "ok");
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One write and how to recognise it afterwards.
#[derive(Debug, Clone)]
enum Op {
    Add { case_ref: String },
    Set { case_ref: String, worker: String },
    Decide { case_ref: String, text: String },
    Review { case_ref: String, note: String },
    Move { case_ref: String, to: &'static str },
    Import { prefix: String, file: String },
}

const IMPORT_ROWS: i64 = 25;

impl Op {
    fn args(&self) -> Vec<String> {
        let v = |a: &[&str]| a.iter().map(|s| s.to_string()).collect();
        match self {
            Op::Add { case_ref } => v(&[
                "add",
                "--referred-on",
                "2026-10-01",
                "--referrer",
                "school",
                "--ref",
                case_ref,
                "--name",
                "Noor",
            ]),
            Op::Set { case_ref, worker } => v(&["set", case_ref, &format!("worker={worker}")]),
            Op::Decide { case_ref, text } => v(&["decide", case_ref, "--text", text]),
            Op::Review { case_ref, note } => {
                v(&["review", case_ref, "housing=partial", "--note", note])
            }
            Op::Move { case_ref, to } => v(&["move", case_ref, to]),
            Op::Import { file, .. } => v(&["import", file]),
        }
    }

    /// How many times the write is in the database (0 or 1; an import's
    /// rows count once when all are there).
    fn present(&self, db: &Db) -> i64 {
        match self {
            Op::Add { case_ref } => db.count("SELECT count(*) FROM cases WHERE case_ref = ?1", case_ref),
            Op::Set { worker, .. } => db.count(
                "SELECT count(*) FROM events WHERE kind = 'set' AND field = 'worker' AND value = ?1",
                worker,
            ),
            Op::Decide { text, .. } => {
                db.count("SELECT count(*) FROM decisions WHERE text = ?1", text)
            }
            Op::Review { note, .. } => db.count("SELECT count(*) FROM reviews WHERE note = ?1", note),
            Op::Move { case_ref, to } => i64::from(db.stage(case_ref) == *to),
            Op::Import { prefix, .. } => {
                let n = db.count(
                    "SELECT count(*) FROM cases WHERE case_ref LIKE ?1 || '-%'",
                    prefix,
                );
                assert!(n == 0 || n == IMPORT_ROWS, "import {prefix} half applied: {n} rows");
                n / IMPORT_ROWS
            }
        }
    }
}

fn import_file(db: &Db, prefix: &str) -> String {
    let mut csv = String::from("case_ref;referred_on;referrer;name;birth_date;intake_on\n");
    for i in 0..IMPORT_ROWS {
        csv.push_str(&format!(
            "{prefix}-{i};01-09-2026;jgz;Kind {i};2014-02-0{};2026-09-1{}\n",
            1 + i % 9,
            i % 10
        ));
    }
    db.write(&format!("{prefix}.csv"), &csv)
}

#[derive(Debug, Default)]
struct Tally {
    spawned: usize,
    killed_running: usize,
    acknowledged: usize,
    /// Killed between its commit and its exit: the write stays, whole.
    killed_after_commit: usize,
}

#[test]
fn writers_killed_at_random_lose_nothing_acknowledged() {
    let cycles = env_number("STROOM_CRASH_CYCLES", 40);
    let seed = env_number("STROOM_CRASH_SEED", 7);
    let mut rng = fastrand::Rng::with_seed(seed);
    let db = Db::new();
    db.seed_in_care("K", 6);
    let mut tally = Tally::default();
    let started = Instant::now();
    for c in 0..cycles {
        let target = format!("K{}", 1 + c % 5);
        let to = if db.stage("K6") == "in_care" {
            "evaluation"
        } else {
            "in_care"
        };
        let prefix = format!("I{c}");
        let ops = vec![
            Op::Add {
                case_ref: format!("A{c}"),
            },
            Op::Set {
                case_ref: target.clone(),
                worker: format!("W{c}"),
            },
            Op::Decide {
                case_ref: target.clone(),
                text: format!("D{c}"),
            },
            Op::Review {
                case_ref: target,
                note: format!("R{c}"),
            },
            Op::Move {
                case_ref: "K6".into(),
                to,
            },
            Op::Import {
                file: import_file(&db, &prefix),
                prefix,
            },
        ];
        let outcomes = run_and_kill(&db, &ops, &mut rng, &mut tally);
        for (op, acknowledged) in ops.iter().zip(outcomes) {
            let present = op.present(&db);
            assert!(present <= 1, "{op:?} applied {present} times");
            if acknowledged {
                assert_eq!(present, 1, "cycle {c}: acknowledged {op:?} is lost");
            } else if present == 1 {
                tally.killed_after_commit += 1;
            }
        }
        if c % 10 == 9 {
            db.assert_sound();
        }
    }
    db.assert_sound();
    for suffix in ["", "-wal", "-shm"] {
        let f = PathBuf::from(format!("{}{suffix}", db.db.display()));
        if f.exists() {
            let mode = std::fs::metadata(&f).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{}", f.display());
        }
    }
    println!(
        "crash: {cycles} cycles (seed {seed}) in {:.1} s: {} writers, {} killed while running \
         ({} of them after their commit), {} acknowledged writes all present; check and \
         integrity_check clean",
        started.elapsed().as_secs_f64(),
        tally.spawned,
        tally.killed_running,
        tally.killed_after_commit,
        tally.acknowledged
    );
    assert!(
        tally.killed_running > 0 && tally.acknowledged > 0,
        "{tally:?}"
    );
}

/// Starts every write at once and kills each at its own random moment
/// (0-40 ms, the span of a write). Returns which ones were acknowledged
/// (exit 0). A write that ran to its end must not have failed.
fn run_and_kill(db: &Db, ops: &[Op], rng: &mut fastrand::Rng, tally: &mut Tally) -> Vec<bool> {
    let start = Instant::now();
    let mut children: Vec<(Child, Option<Duration>)> = ops
        .iter()
        .map(|op| {
            let args = op.args();
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let child = db.stroom(&args).spawn().unwrap();
            // A third run to their end; the others die somewhere in the
            // span of a write under contention (start-up, open, commit).
            let at = if rng.u8(0..3) == 0 {
                None
            } else {
                Some(Duration::from_micros(rng.u64(0..120_000)))
            };
            (child, at)
        })
        .collect();
    tally.spawned += children.len();
    let mut order: Vec<usize> = (0..children.len())
        .filter(|i| children[*i].1.is_some())
        .collect();
    order.sort_by_key(|i| children[*i].1);
    for i in order {
        let (child, at) = &mut children[i];
        let at = at.expect("only timed kills");
        if let Some(wait) = at.checked_sub(start.elapsed()) {
            std::thread::sleep(wait);
        }
        if child.try_wait().unwrap().is_none() {
            // SIGKILL: no destructor, no rollback, no goodbye.
            child.kill().unwrap();
        }
    }
    ops.iter()
        .zip(children)
        .map(|(op, (child, _))| {
            let out = child.wait_with_output().unwrap();
            if out.status.signal() == Some(9) {
                tally.killed_running += 1;
                return false;
            }
            assert!(
                out.status.success(),
                "{op:?} failed without being killed: {}",
                text(&out.stderr)
            );
            tally.acknowledged += 1;
            true
        })
        .collect()
}

#[test]
fn eight_writers_at_once_lose_nothing_and_never_see_a_locked_database() {
    let db = Db::new();
    db.seed_in_care("S", 2);
    let writers = 8;
    let rounds = 9;
    let failures = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let threads: Vec<_> = (0..writers)
        .map(|t| {
            let path = db.db.clone();
            let dir = db.dir.path().to_path_buf();
            let failures = failures.clone();
            std::thread::spawn(move || {
                let db = DbRef { path, dir };
                for i in 0..rounds {
                    let own = format!("T{t}-{}", i / 3);
                    let args: Vec<String> = match i % 3 {
                        0 => [
                            "add",
                            "--referred-on",
                            "2026-11-01",
                            "--referrer",
                            "gp",
                            "--ref",
                            &own,
                        ]
                        .map(String::from)
                        .to_vec(),
                        1 => ["move", &own, "intake"].map(String::from).to_vec(),
                        _ => vec![
                            "set".into(),
                            format!("S{}", 1 + i % 2),
                            format!("worker=T{t}-{i}"),
                        ],
                    };
                    let out = db.run(&args);
                    if !out.status.success() {
                        failures.fetch_add(1, Ordering::SeqCst);
                        eprintln!("{args:?}: {}", text(&out.stderr));
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let elapsed = started.elapsed();
    assert_eq!(failures.load(Ordering::SeqCst), 0, "some writes failed");
    for t in 0..writers {
        for k in 0..rounds / 3 {
            assert_eq!(db.stage(&format!("T{t}-{k}")), "intake");
        }
        for i in (2..rounds).step_by(3) {
            let worker = format!("T{t}-{i}");
            assert_eq!(
                db.count(
                    "SELECT count(*) FROM events WHERE field = 'worker' AND value = ?1",
                    &worker
                ),
                1,
                "{worker}"
            );
        }
    }
    db.assert_sound();
    println!(
        "concurrency: {writers} writers x {rounds} writes in {:.1} s, none lost, none refused",
        elapsed.as_secs_f64()
    );
}

/// The parts of `Db` a writer thread needs.
struct DbRef {
    path: PathBuf,
    dir: PathBuf,
}

impl DbRef {
    fn run(&self, args: &[String]) -> Output {
        common::stroom(&self.path, &self.dir.join("no-config.toml"))
            .args(args)
            .env("STROOM_LANG", "en")
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }
}

fn version(db: &Db, case_ref: &str) -> i64 {
    let out = db.ok(&["show", case_ref]);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(
        json.get("name").is_none(),
        "show without --with-names: {out}"
    );
    json["version"].as_i64().unwrap()
}

#[test]
fn a_second_coordinator_with_a_stale_version_is_refused_not_overwriting() {
    let db = Db::new();
    db.seed_in_care("C", 1);
    let seen = version(&db, "C1");
    let v = seen.to_string();
    // Coordinator A changes the case first.
    db.ok(&["set", "C1", "worker=Anna", "--if-version", &v]);
    // Coordinator B read the same version; each of their writes is refused.
    let stale: [&[&str]; 4] = [
        &["set", "C1", "worker=Bram", "--if-version", &v],
        &["move", "C1", "evaluation", "--if-version", &v],
        &["review", "C1", "housing=ok", "--if-version", &v],
        &["decide", "C1", "--text", "Bram decides", "--if-version", &v],
    ];
    for args in stale {
        let out = db.run(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert_eq!(
            text(&out.stderr),
            "stroom: Case C1 was changed by someone else in the meantime; look at its new state \
             and make the change again.\n"
        );
    }
    assert_eq!(version(&db, "C1"), seen + 1);
    let worker: String = db
        .conn()
        .query_row("SELECT worker FROM cases WHERE case_ref = 'C1'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(worker, "Anna");
    assert_eq!(db.stage("C1"), "in_care");
    // With the version it now sees, B's change goes through.
    let now = (seen + 1).to_string();
    db.ok(&["move", "C1", "evaluation", "--if-version", &now]);
    for cmd in ["move", "set", "review", "decide"] {
        let help = db.ok(&[cmd, "--help"]);
        assert!(help.contains("--if-version <N>"), "{cmd}: {help}");
    }
}

#[test]
fn an_export_loop_does_not_hold_up_a_writer() {
    let db = Db::new();
    db.seed_in_care("L", 2000);
    let stop = Arc::new(AtomicBool::new(false));
    let exports = Arc::new(AtomicUsize::new(0));
    let reader = {
        let (stop, exports) = (stop.clone(), exports.clone());
        let r = DbRef {
            path: db.db.clone(),
            dir: db.dir.path().to_path_buf(),
        };
        std::thread::spawn(move || {
            let args: Vec<String> = ["export", "stoplight", "--format", "json"]
                .map(String::from)
                .to_vec();
            while !stop.load(Ordering::SeqCst) {
                let out = r.run(&args);
                assert!(out.status.success(), "{}", text(&out.stderr));
                assert!(out.stdout.len() > 100_000);
                exports.fetch_add(1, Ordering::SeqCst);
            }
        })
    };
    // Writes in this process, timed precisely (no process start-up).
    let mut store = stroom::store::Store::open(&db.db).unwrap();
    let today = chrono::NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap();
    let mut latencies = Vec::new();
    while exports.load(Ordering::SeqCst) < 3 || latencies.len() < 40 {
        let worker =
            stroom::domain::Assignment::parse(&format!("worker=w{}", latencies.len())).unwrap();
        let case_ref = format!("L{}", 1 + latencies.len() % 2000);
        let t = Instant::now();
        store
            .set_fields(&case_ref, &[worker], today, today, "sanne", None)
            .unwrap();
        latencies.push(t.elapsed());
        std::thread::sleep(Duration::from_millis(15));
    }
    stop.store(true, Ordering::SeqCst);
    reader.join().unwrap();
    latencies.sort();
    let max = *latencies.last().unwrap();
    let median = latencies[latencies.len() / 2];
    println!(
        "reader: {} writes during {} exports of 2000 cases: median {:?}, max {:?}",
        latencies.len(),
        exports.load(Ordering::SeqCst),
        median,
        max
    );
    // A reader never takes the write lock in WAL mode; what a write waits
    // for is its own fsync. Two seconds is far beyond that on a busy CI box.
    assert!(max < Duration::from_secs(2), "max write latency {max:?}");
    drop(store);
    db.assert_sound();
}

// ---- backup, demo --force and purge killed at random ----

/// Every file in the test's folder whose name holds `part`.
fn files_with(db: &Db, part: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(db.dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().contains(part))
        .filter(|p| !p.to_string_lossy().ends_with("-journal"))
        .collect();
    v.sort();
    v
}

fn refs_of(path: &std::path::Path) -> std::collections::HashSet<String> {
    let c = Connection::open(path).unwrap();
    let mut stmt = c.prepare("SELECT case_ref FROM cases").unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn bytes_contain(path: &std::path::Path, needle: &str) -> bool {
    ["", "-wal"].iter().any(|s| {
        std::fs::read(format!("{}{s}", path.display()))
            .is_ok_and(|b| b.windows(needle.len()).any(|w| w == needle.as_bytes()))
    })
}

/// Runs `args` and kills it after a random part of `span`; returns whether
/// it was acknowledged (exit 0) and whether it was killed.
fn kill_within(db: &Db, args: &[&str], span: Duration, rng: &mut fastrand::Rng) -> (bool, bool) {
    let mut child = db.stroom(args).spawn().unwrap();
    let at = Duration::from_micros(rng.u64(0..span.as_micros() as u64 * 6 / 5 + 1));
    let start = Instant::now();
    while start.elapsed() < at && child.try_wait().unwrap().is_none() {
        std::thread::sleep(Duration::from_micros(300));
    }
    if child.try_wait().unwrap().is_none() {
        child.kill().unwrap();
    }
    let out = child.wait_with_output().unwrap();
    let killed = out.status.signal() == Some(9);
    assert!(
        killed || out.status.success(),
        "{args:?}: {}",
        text(&out.stderr)
    );
    (out.status.success(), killed)
}

#[derive(Debug, Default)]
struct KillTally {
    runs: usize,
    killed: usize,
    losses: usize,
}

/// `backup`, `demo --force` (beside a writer) and `purge` killed at random
/// moments: a backup under its name is always whole, a demo is all or
/// nothing and loses no acknowledged write nor the access log, a purge is
/// all or nothing and leaves no purged name in the files after the next
/// open. Soak: `STROOM_KILL_CYCLES=200 cargo test --test crash
/// backup_demo_and_purge -- --nocapture` (default 3 cycles).
#[test]
fn backup_demo_and_purge_killed_at_random_lose_nothing() {
    let cycles = env_number("STROOM_KILL_CYCLES", 3);
    let seed = env_number("STROOM_CRASH_SEED", 7);
    let mut rng = fastrand::Rng::with_seed(seed);
    let db = Db::new();
    db.ok(&["demo", "--cases", "200", "--seed", "3"]);
    let mut tallies: [KillTally; 3] = Default::default();
    let mut acked: Vec<String> = Vec::new();
    let started = Instant::now();
    // How long each runs when not killed, to kill within it.
    let time = |args: &[&str]| {
        let t = Instant::now();
        db.ok(args);
        t.elapsed()
    };
    let span_backup = time(&[
        "backup",
        &db.dir.path().join("first.db").display().to_string(),
    ]);
    for c in 0..cycles {
        // Purge: closed cases with names, then a purge killed at random.
        let names: Vec<String> = (0..3).map(|k| format!("Zq{c}v{k}naam")).collect();
        let mut csv = String::from(
            "case_ref;name;referred_on;referrer;route;care_type;provider;intake_on;triaged_on;care_started_on;closed_on;outflow_reason\n",
        );
        for (k, n) in names.iter().enumerate() {
            csv.push_str(&format!("P{c}-{k};{n};2023-01-10;jgz;ambulant;day_care;Kompas;2023-01-20;2023-02-01;2023-03-01;2024-02-01;goals_met\n"));
        }
        db.ok(&["import", &db.write(&format!("p{c}.csv"), &csv)]);
        let (_, killed) = kill_within(
            &db,
            &["purge", "--closed-before", "2025-01-01", "--yes"],
            Duration::from_millis(60),
            &mut rng,
        );
        let t = &mut tallies[2];
        t.runs += 1;
        t.killed += usize::from(killed);
        db.assert_sound(); // opens (and so finishes an interrupted purge)
        let purged: Vec<bool> = (0..3)
            .map(|k| {
                db.count(
                    "SELECT count(*) FROM cases WHERE case_ref = ?1 AND name IS NULL",
                    &format!("P{c}-{k}"),
                ) == 1
            })
            .collect();
        if purged.iter().any(|p| *p != purged[0]) {
            t.losses += 1; // half a purge
        }
        for (n, p) in names.iter().zip(&purged) {
            if *p && bytes_contain(&db.db, n) {
                t.losses += 1; // a purged name left in the file
            }
        }

        // Backup killed at random: under its name it is whole.
        let bk = db.dir.path().join(format!("bk-{c}.db"));
        let (ok, killed) = kill_within(
            &db,
            &["backup", &bk.display().to_string()],
            span_backup,
            &mut rng,
        );
        let t = &mut tallies[0];
        t.runs += 1;
        t.killed += usize::from(killed);
        if bk.exists() {
            let check = db
                .stroom(&["check"])
                .env("STROOM_DB", &bk)
                .output()
                .unwrap();
            let whole = check.status.success() && refs_of(&bk) == refs_of(&db.db);
            t.losses += usize::from(!whole);
        } else {
            t.losses += usize::from(ok); // acknowledged but missing
        }

        // Demo --force --yes killed at random, beside a writer.
        let writer = {
            let db_path = db.db.clone();
            let dir = db.dir.path().to_path_buf();
            std::thread::spawn(move || {
                let mut ok = Vec::new();
                for i in 0..12 {
                    let r = format!("Q{c}-{i}");
                    let out = common::stroom(&db_path, &dir.join("no-config.toml"))
                        .args([
                            "add",
                            "--referred-on",
                            "2026-10-01",
                            "--referrer",
                            "gp",
                            "--ref",
                            &r,
                        ])
                        .stdin(Stdio::null())
                        .output()
                        .unwrap();
                    if out.status.success() {
                        ok.push(r);
                    }
                    std::thread::sleep(Duration::from_millis(15));
                }
                ok
            })
        };
        let log_before = db.count("SELECT count(*) FROM access_log WHERE actor <> ?1", "");
        let (_, killed) = kill_within(
            &db,
            &[
                "demo",
                "--cases",
                "200",
                "--seed",
                &c.to_string(),
                "--force",
                "--yes",
            ],
            Duration::from_millis(400),
            &mut rng,
        );
        acked.extend(writer.join().unwrap());
        let t = &mut tallies[1];
        t.runs += 1;
        t.killed += usize::from(killed);
        db.assert_sound();
        let log_after = db.count("SELECT count(*) FROM access_log WHERE actor <> ?1", "");
        t.losses += usize::from(log_after < log_before);
        let mut everywhere = refs_of(&db.db);
        for b in files_with(&db, ".before-demo-") {
            if !b.to_string_lossy().contains(".partial-") {
                everywhere.extend(refs_of(&b));
            }
        }
        t.losses += acked.iter().filter(|r| !everywhere.contains(*r)).count();
    }
    let names = ["backup", "demo --force", "purge"];
    for (name, t) in names.iter().zip(&tallies) {
        println!(
            "kill: {name}: {} runs, {} killed, {} losses (seed {seed})",
            t.runs, t.killed, t.losses
        );
    }
    println!(
        "kill: {cycles} cycles, {} acknowledged writes beside the demo, {:.1} s",
        acked.len(),
        started.elapsed().as_secs_f64()
    );
    for (name, t) in names.iter().zip(&tallies) {
        assert_eq!(t.losses, 0, "{name}: {t:?}");
    }
}
