//! The UI's log: a file, never the screen (the screen belongs to the UI).

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

#[derive(Debug, Default)]
pub struct Log {
    file: Option<File>,
}

impl Log {
    /// Appends to `path`, private to its owner; logging is skipped when the
    /// file cannot be opened, since the UI must work without it.
    pub fn open(path: &Path) -> Log {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(path)
            .ok();
        Log { file }
    }

    pub fn line(&mut self, text: impl std::fmt::Display) {
        if let Some(f) = &mut self.file {
            let now = chrono::Local::now().format("%Y-%m-%dT%H:%M:%S");
            // A failing log write must not disturb the person at work.
            let _ = writeln!(f, "{now} {text}");
        }
    }
}
