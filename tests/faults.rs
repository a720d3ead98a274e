//! The faults of issue 10, each reproduced as it was met: output paths that
//! are devices, pipes or links; a demo replacing a live database; a killed
//! backup; a closed or full stdout; escape sequences in messages; a tampered
//! access log; oversized fields; one bad row; an interrupted purge; and the
//! smaller refusals. Every test here failed before its fix.

use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const TODAY: &str = "2026-11-22";

struct Team {
    dir: tempfile::TempDir,
    db: PathBuf,
}

impl Team {
    fn new() -> Team {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("team.db");
        Team { dir, db }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_stroom"));
        cmd.args(args)
            .env("STROOM_DB", &self.db)
            .env("STROOM_TODAY", TODAY)
            .env("STROOM_LANG", "en")
            .env("STROOM_CONFIG", self.path("no-config.toml"))
            .env("USER", "sanne")
            .stdin(Stdio::null());
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        text(&out.stdout)
    }

    /// Fails with exit 1 and one sentence on stderr; returns the sentence.
    fn refused(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", text(&out.stderr));
        let err = text(&out.stderr);
        assert_eq!(err.trim().lines().count(), 1, "{args:?}: {err}");
        err
    }

    fn write(&self, name: &str, body: &str) -> String {
        let p = self.path(name);
        std::fs::write(&p, body).unwrap();
        p.display().to_string()
    }

    fn add(&self, name: &str) -> String {
        self.ok(&[
            "add",
            "--referred-on",
            "2026-10-01",
            "--referrer",
            "gp",
            "--name",
            name,
        ])
        .trim()
        .to_string()
    }

    fn audit(&self) -> Vec<Value> {
        let out = self.ok(&["audit", "--format", "json"]);
        let doc: Value = serde_json::from_str(&out).unwrap();
        doc["rows"].as_array().unwrap().clone()
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

fn sh(script: &str) {
    let st = Command::new("sh").arg("-c").arg(script).status().unwrap();
    assert!(st.success(), "{script}");
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
        assert!(err.contains("52;c;SGVsbG8="), "the value is still shown: {err:?}");
        for bad in ['\u{1b}', '\u{7}', '\u{202e}', '\u{9b}'] {
            assert!(!err.contains(bad), "{args:?}: {err:?}");
        }
    }
}
