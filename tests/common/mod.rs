//! What the integration tests share: a sandbox with its own database and no
//! user config, the `stroom` binary pointed at it on a fixed day, and the
//! spec's column lists (`spec`), defined once. Each test file includes it
//! with `mod common;` and uses what it needs.

// Not every test file uses every helper.
#![allow(dead_code)]

pub mod desk;
pub mod spec;
pub mod terminal;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// `sandbox_type!(/// doc\n Team)`: a test file's own fixture type, a
/// [`Sandbox`] it adds its own methods to (reached through `Deref`).
#[allow(unused_macros)]
macro_rules! sandbox_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        struct $name(common::Sandbox);

        impl std::ops::Deref for $name {
            type Target = common::Sandbox;
            fn deref(&self) -> &common::Sandbox {
                &self.0
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use sandbox_type;

/// The fixed "today" of the tests.
pub const TODAY: &str = "2026-11-22";

/// A folder of its own with `team.db` in it, gone when dropped.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
    /// The config file [`Sandbox::sanne`] points at, in the folder:
    /// `no-config.toml` (never written) unless a test writes its own.
    pub config: &'static str,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        Sandbox::with_db("team.db")
    }

    /// A sandbox whose database file has another name (some tests name
    /// files after it, as backups and sidecars do).
    pub fn with_db(name: &str) -> Sandbox {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let db = dir.path().join(name);
        Sandbox {
            dir,
            db,
            config: "no-config.toml",
        }
    }

    /// The same sandbox with `sanne` reading the config file `name`.
    pub fn with_config(self, name: &'static str) -> Sandbox {
        Sandbox {
            config: name,
            ..self
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `stroom` on `db` on [`TODAY`], with a config file that does not
    /// exist (so a user's own config, or key file, never leaks in) and the default
    /// language unless the caller sets one.
    pub fn stroom_on(&self, db: &Path, config: &str) -> Command {
        stroom(db, &self.path(config))
    }

    /// `stroom args` on `db` as Sanne, in English, reading no stdin: how
    /// the tests of failures, crashes and trust run it.
    pub fn sanne_on(&self, db: &Path, args: &[&str]) -> Command {
        let mut cmd = self.stroom_on(db, self.config);
        cmd.args(args)
            .env("STROOM_LANG", "en")
            .env("USER", "sanne")
            .stdin(Stdio::null());
        cmd
    }

    /// [`Sandbox::sanne_on`] this sandbox's database.
    pub fn sanne(&self, args: &[&str]) -> Command {
        self.sanne_on(&self.db, args)
    }

    /// What [`Sandbox::sanne`] returns, however it ends.
    pub fn run(&self, args: &[&str]) -> Output {
        self.sanne(args).output().expect("stroom runs")
    }

    /// The output of a run that must succeed.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        text(&out.stdout)
    }

    /// Writes `body` to `name` in the folder; returns its path as text.
    pub fn write(&self, name: &str, body: &str) -> String {
        let p = self.path(name);
        std::fs::write(&p, body).expect("a file in the sandbox");
        p.display().to_string()
    }
}

/// `stroom` on `db` on [`TODAY`] with the config file at `config` (which
/// need not exist) and the default language unless the caller sets one:
/// for callers that hold paths but no [`Sandbox`], such as writer threads.
pub fn stroom(db: &Path, config: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_stroom"));
    cmd.env("STROOM_DB", db)
        .env("STROOM_TODAY", TODAY)
        .env("STROOM_CONFIG", config)
        .env_remove("STROOM_LANG")
        .env_remove("STROOM_KEY_FILE");
    cmd
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

/// `stroom` as the exports and the council's picture see it: through
/// assert_cmd, in the default language (Dutch), as whoever runs the tests.
impl Sandbox {
    pub fn stroom_nl(&self) -> assert_cmd::Command {
        assert_cmd::Command::from_std(self.stroom_on(&self.db, "none.toml"))
    }

    /// The output of a run in Dutch that must succeed.
    pub fn nl_ok(&self, args: &[&str]) -> String {
        let out = self.stroom_nl().args(args).assert().success();
        text(&out.get_output().stdout)
    }

    /// [`Sandbox::nl_ok`] read as json.
    pub fn nl_json(&self, args: &[&str]) -> serde_json::Value {
        serde_json::from_str(&self.nl_ok(args)).expect("json output")
    }
}
