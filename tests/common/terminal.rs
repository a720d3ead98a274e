//! `stroom` on a pseudo-terminal, through script(1), for the questions it
//! asks only when a person is at the keyboard.

use std::io::Write;
use std::process::{Command, Stdio};

use super::{Sandbox, TODAY, text};

/// Whether script(1) is installed and works here.
pub fn available() -> bool {
    Command::new("script")
        .args(["-qec", "true", "/dev/null"])
        .stdin(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

impl Sandbox {
    /// `stroom args` (one string, as a shell reads it) on a terminal, in
    /// English, typing `answer`: its exit code and what the terminal showed.
    pub fn on_terminal(&self, args: &str, answer: &str) -> (Option<i32>, String) {
        let command = format!("{} {args}", env!("CARGO_BIN_EXE_stroom"));
        let mut child = Command::new("script")
            .args(["-qec", &command, "/dev/null"])
            .env("STROOM_DB", &self.db)
            .env("STROOM_TODAY", TODAY)
            .env("STROOM_LANG", "en")
            .env("STROOM_CONFIG", self.path(self.config))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("script runs");
        let stdin = child.stdin.as_mut().expect("a pipe to the terminal");
        stdin
            .write_all(answer.as_bytes())
            .expect("the answer typed");
        let out = child.wait_with_output().expect("script ends");
        (out.status.code(), text(&out.stdout))
    }
}
