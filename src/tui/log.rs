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
        // `mode` only applies to a new file: an older log is made private too.
        if let Some(f) = &file {
            use std::os::unix::fs::PermissionsExt;
            let _ = f.set_permissions(std::fs::Permissions::from_mode(0o600));
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn the_log_is_private_also_when_it_existed_before() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("stroom.log");
        std::fs::write(&path, "old\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let mut log = Log::open(&path);
        log.line("start");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("old\n") && text.ends_with(" start\n"),
            "{text}"
        );
    }
}
