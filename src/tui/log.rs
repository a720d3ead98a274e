//! The UI's log: a file, never the screen (the screen belongs to the UI).

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::Path;

use crate::domain::Msg;

#[derive(Debug, Default)]
pub struct Log {
    file: Option<File>,
}

impl Log {
    /// Appends to `path`, private to its owner, making its folder (private
    /// too) when it is missing. The UI works without a log, but not in
    /// silence: when the file cannot be opened, the second value says why,
    /// for the person to read before the screen is taken.
    pub fn open(path: &Path) -> (Log, Option<Msg>) {
        let opened = (|| {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::DirBuilder::new()
                    .recursive(true)
                    .mode(0o700)
                    .create(dir)?;
            }
            OpenOptions::new()
                .create(true)
                .append(true)
                .mode(0o600)
                .open(path)
        })();
        let (file, warning) = match opened {
            Ok(f) => (Some(f), None),
            Err(e) => {
                let msg = Msg::new("tui.no_log")
                    .arg("path", path.display())
                    .arg("reason", e);
                (None, Some(msg))
            }
        };
        // `mode` only applies to a new file: an older log is made private too.
        if let Some(f) = &file {
            use std::os::unix::fs::PermissionsExt;
            let _ = f.set_permissions(std::fs::Permissions::from_mode(0o600));
        }
        (Log { file }, warning)
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
        let (mut log, warning) = Log::open(&path);
        assert_eq!(warning, None);
        log.line("start");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("old\n") && text.ends_with(" start\n"),
            "{text}"
        );
    }

    #[test]
    fn a_missing_folder_is_made_and_an_unusable_path_is_said() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new/folder/stroom.log");
        let (mut log, warning) = Log::open(&path);
        assert_eq!(warning, None);
        log.line("start");
        assert!(
            std::fs::read_to_string(&path)
                .unwrap()
                .ends_with(" start\n")
        );
        // A file where the folder should be: no log, and a sentence why.
        let blocked = dir.path().join("file");
        std::fs::write(&blocked, "").unwrap();
        let (_, warning) = Log::open(&blocked.join("stroom.log"));
        assert_eq!(warning.map(|m| m.key), Some("tui.no_log"));
    }
}
