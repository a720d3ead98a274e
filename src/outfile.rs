//! Where stroom's output files go (`-o` of every export and report, the UI's
//! exports, backups). One rule for all of them, so that stroom never
//! replaces something it did not make:
//!
//! - nothing at the path, or a regular file of ours: written beside it under
//!   a temporary name, synced, renamed into place and the folder synced, so
//!   a reader never sees half a file and the file survives a power cut;
//! - a device, a FIFO, a symbolic link (`/dev/stdout`, `/dev/null`, a named
//!   pipe, a link to a file of ours): written through, never renamed over;
//! - a folder, or a file of another user: refused with one sentence.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::domain::Msg;

/// What is at an output path, and so how it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Nothing yet, or a regular file of ours: temp, sync, rename.
    Replace,
    /// A device, FIFO or symbolic link: written through, never replaced.
    Through,
}

/// Decides how `path` may be written, or refuses it with one sentence.
pub fn target(path: &Path) -> Result<Target, Msg> {
    let shown = path.display().to_string();
    let meta = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            check_folder(path)?;
            return Ok(Target::Replace);
        }
        Err(e) => return Err(io_error(&shown, e)),
    };
    let kind = meta.file_type();
    if kind.is_dir() {
        return Err(Msg::new("output.is_folder").arg("path", &shown));
    }
    if kind.is_symlink() {
        // Followed: a link to another user's file is that user's file.
        if let Ok(to) = std::fs::metadata(path) {
            if to.is_file() && !is_ours(&to) {
                return Err(Msg::new("output.not_yours").arg("path", &shown));
            }
            if to.is_dir() {
                return Err(Msg::new("output.is_folder").arg("path", &shown));
            }
            // As root every file is "ours": a link to /etc/passwd must not
            // carry an export there. A link is followed to a regular file
            // only beside it, or when it is a stream such as /dev/stdout.
            if to.is_file() && !is_stream_link(path) && !points_beside(path) {
                return Err(Msg::new("output.link_elsewhere").arg("path", &shown));
            }
        }
        return Ok(Target::Through);
    }
    if kind.is_char_device() || kind.is_block_device() || kind.is_fifo() || kind.is_socket() {
        return Ok(Target::Through);
    }
    if !is_ours(&meta) {
        return Err(Msg::new("output.not_yours").arg("path", &shown));
    }
    Ok(Target::Replace)
}

/// `/dev/stdout`, `/dev/fd/1`, `/proc/self/fd/1`: the shell's redirection.
fn is_stream_link(path: &Path) -> bool {
    path.starts_with("/dev") || path.starts_with("/proc")
}

/// Whether a link resolves to a file in the link's own folder.
fn points_beside(path: &Path) -> bool {
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    match (std::fs::canonicalize(path), std::fs::canonicalize(folder)) {
        (Ok(to), Ok(folder)) => to.parent() == Some(folder.as_path()),
        _ => false,
    }
}

fn is_ours(meta: &std::fs::Metadata) -> bool {
    meta.uid() == rustix::process::geteuid().as_raw()
}

fn check_folder(path: &Path) -> Result<(), Msg> {
    match path.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(parent) if !parent.is_dir() => {
            Err(Msg::new("error.folder_missing").arg("path", parent.display()))
        }
        _ => Ok(()),
    }
}

/// Writes `bytes` to `path`, readable by its owner only when stroom makes
/// the file, by the rule of this module.
pub fn write(bytes: &[u8], path: &Path) -> Result<(), Msg> {
    write_with(path, &mut |out| {
        out.write_all(bytes)
            .map_err(|e| io_error(&path.display().to_string(), e))
    })
}

/// What fills a file: writes to `out`, one sentence when it cannot.
pub type Fill<'f> = dyn FnMut(&mut dyn Write) -> Result<(), Msg> + 'f;

/// Writes to `path` by the rule of this module what `fill` writes as it
/// goes (a long export row by row), buffered. A write that fails is told
/// with the path, as for `write`.
pub fn write_with(path: &Path, fill: &mut Fill) -> Result<(), Msg> {
    match target(path)? {
        Target::Replace => replace(path, fill),
        Target::Through => through(path, fill),
    }
}

/// Fills `file` through a buffer; the first I/O failure is kept, so it is
/// told with the file's path whatever sentence `fill` made of it.
fn fill_file(file: &mut File, fill: &mut Fill, shown: &str) -> Result<(), Msg> {
    let mut out = Recorded {
        inner: std::io::BufWriter::new(file),
        failure: None,
    };
    let filled = fill(&mut out).and_then(|_| out.flush().map_err(|e| io_error(shown, e)));
    match (filled, out.failure.take()) {
        (Err(_), Some(e)) => Err(io_error(shown, e)),
        (result, _) => result,
    }
}

/// A writer that remembers its first failure.
struct Recorded<W: Write> {
    inner: W,
    failure: Option<std::io::Error>,
}

impl<W: Write> Recorded<W> {
    fn keep<T>(&mut self, r: std::io::Result<T>) -> std::io::Result<T> {
        r.map_err(|e| {
            let again = std::io::Error::new(e.kind(), e.to_string());
            self.failure.get_or_insert(e);
            again
        })
    }
}

impl<W: Write> Write for Recorded<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let r = self.inner.write(buf);
        self.keep(r)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let r = self.inner.flush();
        self.keep(r)
    }
}

/// The temporary name beside `path` that a file is written under first.
pub fn temp_beside(path: &Path, what: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{what}-{}", std::process::id()));
    path.with_file_name(name)
}

fn replace(path: &Path, fill: &mut Fill) -> Result<(), Msg> {
    let shown = path.display().to_string();
    let tmp = temp_beside(path, "tmp");
    let result = (|| {
        let mut f = create_private(&tmp).map_err(|e| io_error(&shown, e))?;
        fill_file(&mut f, fill, &shown)?;
        let placed = f
            .sync_all()
            .and_then(|_| std::fs::rename(&tmp, path))
            .and_then(|_| sync_folder(path));
        placed.map_err(|e| io_error(&shown, e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn through(path: &Path, fill: &mut Fill) -> Result<(), Msg> {
    let shown = path.display().to_string();
    let regular = std::fs::metadata(path).is_ok_and(|m| m.is_file());
    let open = || -> std::io::Result<File> {
        let f = OpenOptions::new()
            .write(true)
            .truncate(regular)
            .open(path)?;
        if regular {
            // A file of ours behind a link is made private like any other.
            f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
        Ok(f)
    };
    let mut f = open().map_err(|e| io_error(&shown, e))?;
    fill_file(&mut f, fill, &shown)?;
    if regular {
        f.sync_all().map_err(|e| io_error(&shown, e))?;
    }
    Ok(())
}

/// A new file readable by its owner only; fails if anything is there.
pub fn create_private(path: &Path) -> std::io::Result<File> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

/// Puts a complete temporary file at `path`, which must still be free: a
/// hard link cannot replace anything, so what appeared there meanwhile is
/// never overwritten. Then the temporary name goes and the folder is synced.
pub fn place_new(tmp: &Path, path: &Path) -> Result<(), Msg> {
    let shown = path.display().to_string();
    std::fs::hard_link(tmp, path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            Msg::new("error.backup_exists").arg("path", &shown)
        } else {
            io_error(&shown, e)
        }
    })?;
    std::fs::remove_file(tmp).map_err(|e| io_error(&tmp.display().to_string(), e))?;
    sync_folder(path).map_err(|e| io_error(&shown, e))
}

/// Syncs the folder that holds `path`, so a rename in it survives a power cut.
pub fn sync_folder(path: &Path) -> std::io::Result<()> {
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    File::open(parent)?.sync_all()
}

/// Writes to stdout. A reader that stopped reading (`| head`) is no
/// failure: `output.closed`, which ends the command quietly with exit 0. Any
/// other failure (a full disk) is `output.stdout_failed`.
pub fn stdout(bytes: &[u8]) -> Result<(), Msg> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|_| out.flush())
        .map_err(stdout_error)
}

/// One line on stdout, as `stdout`.
pub fn line(text: impl std::fmt::Display) -> Result<(), Msg> {
    stdout(format!("{text}\n").as_bytes())
}

fn stdout_error(e: std::io::Error) -> Msg {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Msg::new("output.closed")
    } else {
        Msg::new("output.stdout_failed").arg("reason", e)
    }
}

fn io_error(shown: &str, e: std::io::Error) -> Msg {
    Msg::new("error.io").arg("path", shown).arg("reason", e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_or_own_file_is_replaced_anything_else_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let new = dir.path().join("new.csv");
        assert_eq!(target(&new), Ok(Target::Replace));
        std::fs::write(&new, "x").unwrap();
        assert_eq!(target(&new), Ok(Target::Replace));
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink(&new, &link).unwrap();
        assert_eq!(target(&link), Ok(Target::Through));
        // A link to a file elsewhere (as root, /etc/passwd is "ours" too)
        // is refused, never written through.
        let other = tempfile::tempdir().unwrap();
        let far = other.path().join("far.txt");
        std::fs::write(&far, "keep").unwrap();
        let far_link = dir.path().join("far.csv");
        std::os::unix::fs::symlink(&far, &far_link).unwrap();
        assert_eq!(target(&far_link).unwrap_err().key, "output.link_elsewhere");
        assert_eq!(
            write(b"x", &far_link).unwrap_err().key,
            "output.link_elsewhere"
        );
        assert_eq!(std::fs::read_to_string(&far).unwrap(), "keep");
        assert_eq!(target(Path::new("/dev/null")), Ok(Target::Through));
        assert_eq!(target(dir.path()).unwrap_err().key, "output.is_folder");
        let missing = dir.path().join("no/such.csv");
        assert_eq!(target(&missing).unwrap_err().key, "error.folder_missing");
    }
}
