//! Encryption at rest with SQLCipher. The key is a passphrase, from a key
//! file (readable by its owner only) or typed on the terminal; SQLCipher
//! derives the page key from it. A file that does not start with SQLite's
//! header is either encrypted or not a database at all: only the key tells.

use std::fs;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use rusqlite::Connection;

use super::Result;
use crate::domain::Msg;

pub(super) const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// A database passphrase. Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Key(String);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(…)")
    }
}

impl Key {
    /// A typed passphrase: at least 8 characters.
    pub fn passphrase(text: &str) -> Result<Key> {
        let text = text.trim_end_matches(['\n', '\r']);
        if text.chars().count() < 8 {
            return Err(Msg::new("crypt.key_too_short"));
        }
        Ok(Key(text.to_string()))
    }

    /// Reads a key file: its first line is the passphrase. The file must be
    /// its owner's alone (0600 or stricter): a key that the group can read
    /// protects nothing.
    pub fn from_file(path: &Path) -> Result<Key> {
        let shown = path.display().to_string();
        let meta = fs::metadata(path).map_err(|e| {
            Msg::new("crypt.key_file_unreadable")
                .arg("path", &shown)
                .arg("reason", e)
        })?;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(Msg::new("crypt.key_file_too_open")
                .arg("path", &shown)
                .arg("mode", format!("{mode:o}")));
        }
        let text = fs::read_to_string(path).map_err(|e| {
            Msg::new("crypt.key_file_unreadable")
                .arg("path", &shown)
                .arg("reason", e)
        })?;
        Key::passphrase(text.lines().next().unwrap_or(""))
    }

    /// Gives the key to a fresh connection, before anything is read.
    /// SQLCipher's own log (on stderr, a line per failed page check) is
    /// switched off: a wrong key is one sentence of ours, nothing more.
    pub(super) fn apply(&self, conn: &Connection) -> Result<()> {
        conn.pragma_update(None, "cipher_log_level", "NONE")?;
        conn.pragma_update(None, "key", &self.0)?;
        Ok(())
    }

    /// Changes the key of an open encrypted database.
    pub(super) fn rekey(&self, conn: &Connection) -> Result<()> {
        conn.pragma_update(None, "rekey", &self.0)?;
        Ok(())
    }
}

/// Whether the file exists with content that is not a plain SQLite file,
/// so that opening it needs a key (or it is not a database at all).
pub fn needs_key(path: &Path) -> bool {
    let mut head = [0u8; 16];
    match fs::File::open(path).and_then(|mut f| f.read_exact(&mut head)) {
        Ok(()) => &head != SQLITE_MAGIC,
        Err(_) => fs::metadata(path).is_ok_and(|m| m.len() > 0),
    }
}

impl super::Store {
    /// Changes the key of this encrypted database. SQLCipher rewrites every
    /// page; it does so in rollback-journal mode, so the WAL is folded in
    /// first and WAL mode set again after.
    pub fn rekey(&mut self, key: &Key) -> Result<()> {
        let conn = &self.conn;
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        let mode: String = conn.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
        if mode != "delete" {
            return Err(Msg::new("crypt.rekey_busy"));
        }
        let done = key.rekey(conn);
        conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))?;
        done?;
        self.key = Some(key.clone());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{NewReferral, OpenSpec, Store};

    /// An encrypted database with one case, and its key.
    fn encrypted() -> (tempfile::TempDir, std::path::PathBuf, Key) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("enc.db");
        let key = Key::passphrase("correct horse battery").unwrap();
        let spec = OpenSpec {
            key: Some(key.clone()),
            ..OpenSpec::default()
        };
        let mut store = Store::open_with(&path, &spec).unwrap();
        let today = crate::domain::dates::parse_date("2026-11-22").unwrap();
        store
            .add_referral(
                &NewReferral {
                    case_ref: Some("2026-0001".into()),
                    name: Some("Sanne de Vries".into()),
                    birth_date: None,
                    referred_on: today,
                    referrer: crate::domain::Referrer::Gp,
                    urgency: crate::domain::Urgency::Regular,
                    worker: None,
                },
                today,
                "test",
            )
            .unwrap();
        (dir, path, key)
    }

    #[test]
    fn a_read_only_open_of_an_encrypted_file_reads_with_its_key() {
        let (_dir, path, key) = encrypted();
        assert!(needs_key(&path));
        let reader = Store::open_read_only(&path, Some(key)).unwrap();
        assert_eq!(reader.count_cases().unwrap(), 1);
        assert!(reader.is_encrypted());
        assert!(!reader.may_write());
    }

    #[test]
    fn the_read_only_twin_of_an_encrypted_store_carries_its_key() {
        let (_dir, path, key) = encrypted();
        let spec = OpenSpec {
            key: Some(key),
            ..OpenSpec::default()
        };
        let writer = Store::open_with(&path, &spec).unwrap();
        let twin = writer.read_only_twin().unwrap();
        assert_eq!(twin.count_cases().unwrap(), 1);
    }

    #[test]
    fn a_read_only_open_without_the_key_is_one_plain_refusal() {
        let (_dir, path, _key) = encrypted();
        let err = Store::open_read_only(&path, None).err().unwrap();
        assert_eq!(err.key, "crypt.key_needed");
        assert_eq!(err.get("path"), Some(path.display().to_string().as_str()));
    }

    #[test]
    fn a_read_only_open_with_another_key_is_refused_as_a_wrong_key() {
        let (_dir, path, _key) = encrypted();
        let other = Key::passphrase("not the right one").unwrap();
        let err = Store::open_read_only(&path, Some(other)).err().unwrap();
        assert_eq!(err.key, "crypt.wrong_key");
    }

    #[test]
    fn a_plain_file_still_opens_read_only_without_a_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plain.db");
        drop(Store::open(&path).unwrap());
        let reader = Store::open_read_only(&path, None).unwrap();
        assert_eq!(reader.count_cases().unwrap(), 0);
        assert!(!reader.is_encrypted());
    }
}
