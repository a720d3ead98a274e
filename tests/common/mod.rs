//! What the integration tests share: a sandbox with its own database and no
//! user config, the `stroom` binary pointed at it on a fixed day, and the
//! spec's column lists (`spec`), defined once. Each test file includes it
//! with `mod common;` and uses what it needs.

// Not every test file uses every helper.
#![allow(dead_code)]

pub mod spec;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The fixed "today" of the tests.
pub const TODAY: &str = "2026-11-22";

/// A folder of its own with `team.db` in it, gone when dropped.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let db = dir.path().join("team.db");
        Sandbox { dir, db }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `stroom` on `db` on [`TODAY`], with a config file that does not
    /// exist (so a user's own config never leaks in) and the default
    /// language unless the caller sets one.
    pub fn stroom_on(&self, db: &Path, config: &str) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_stroom"));
        cmd.env("STROOM_DB", db)
            .env("STROOM_TODAY", TODAY)
            .env("STROOM_CONFIG", self.path(config))
            .env_remove("STROOM_LANG");
        cmd
    }
}

/// Output bytes as text.
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Whether `needle` occurs in `haystack`.
pub fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}
