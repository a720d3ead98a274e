//! The SQLite store. It loads facts and writes changes; every change is one
//! immediate transaction that appends its event row and updates the case's
//! state, which is always the replay of its events. A new query or change
//! goes here; the rules it needs come from `domain`.

pub mod audit;
mod backup;
mod bulk;
pub mod chain;
mod check;
mod codec;
pub mod crypt;
mod episode_rows;
mod episodes;
mod erase;
mod fs_kind;
mod list;
mod meeting;
mod open;
mod purge;
mod replace;
pub mod schema;
mod snapshot;
mod stage_counts;
mod standing;
mod stream;
pub mod team;
mod write;

use std::path::{Path, PathBuf};

use rusqlite::Connection;

use crate::domain::{Case, Msg};

pub use audit::{AccessAction, AccessEntry, AccessFilter};
pub use check::{CheckReport, Problem};
pub use erase::{ERASED_TEXT, Erased, SubjectData};
pub use list::{CaseFilter, CaseState, DecisionRow, SEARCH_COUNT_CAP};
pub use open::OpenSpec;
pub use open::check_holds_data;
pub use purge::Purged;
pub use replace::Replacement;
pub use snapshot::STREAM_CASES;
pub use stage_counts::StageCounts;

pub use write::{
    CaseBundle, HistoryEntry, NewDecision, NewReferral, check_case_ref, format_case_ref,
};

pub type Result<T> = std::result::Result<T, Msg>;

pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// False for a viewer on a team database: every write path refuses.
    may_write: bool,
    /// True for a viewer on a team database: every case read through this
    /// store comes without name, and a search never matches a name (a
    /// viewer cannot find a child by name either).
    hides_names: bool,
    /// The key of an encrypted database: its backups get the same.
    key: Option<crypt::Key>,
    /// The file opened (device, inode): if another program puts a new file
    /// at `path`, this connection still writes to the old one.
    file: Option<(u64, u64)>,
}

fn file_identity(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

impl Store {
    /// Opens (creating when missing) the stroom database at `path`.
    pub fn open(path: &Path) -> Result<Store> {
        Store::open_with(path, &OpenSpec::default())
    }

    /// Opens with a key (an encrypted database) or creates with a mode (a
    /// team's database).
    pub fn open_with(path: &Path, spec: &OpenSpec) -> Result<Store> {
        let conn = open::open(path, spec)?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            may_write: true,
            hides_names: false,
            key: spec.key.clone(),
            file: file_identity(path),
        })
    }

    /// The same database opened again from its path, with the same key and
    /// the same right to write (the UI, after the file was replaced).
    /// A path with no file any more is refused: opening would create a new,
    /// empty database there and the screens would show no cases at all.
    pub fn reopen(&self) -> Result<Store> {
        if !self.path.exists() {
            return Err(self.file_gone());
        }
        let spec = OpenSpec {
            key: self.key.clone(),
            ..OpenSpec::default()
        };
        let mut store = Store::open_with(&self.path, &spec)?;
        store.may_write = self.may_write;
        store.hides_names = self.hides_names;
        Ok(store)
    }

    /// Whether the database is encrypted (opened with a key).
    pub fn is_encrypted(&self) -> bool {
        self.key.is_some()
    }

    /// Whether this person may change cases (not a viewer).
    pub fn may_write(&self) -> bool {
        self.may_write
    }

    pub fn set_may_write(&mut self, may: bool) {
        self.may_write = may;
    }

    /// Whether cases are read pseudonymised (a viewer on a team database).
    pub fn hides_names(&self) -> bool {
        self.hides_names
    }

    pub fn set_hides_names(&mut self, hide: bool) {
        self.hides_names = hide;
    }

    /// A case as this reader may see it: without name when names are
    /// hidden. The birth date stays for the age that lists and exports
    /// without names show (as a coordinator's do); the case screen, the
    /// one place that shows the date itself, leaves it out for a viewer.
    pub(crate) fn shown(&self, mut case: Case) -> Case {
        if self.hides_names {
            case.name = None;
        }
        case
    }

    /// `shown` for each case of a list.
    pub(crate) fn shown_all(&self, cases: &mut [Case]) {
        if self.hides_names {
            for case in cases {
                case.name = None;
            }
        }
    }

    /// Refuses a change when this person may only read, or when the file
    /// this connection has open was removed (the change would go into a
    /// file no one will read again).
    fn require_write(&self) -> Result<()> {
        if !self.may_write {
            return Err(Msg::new("team.viewer_cannot_write"));
        }
        if self.file.is_some() && !self.path.exists() {
            return Err(self.file_gone());
        }
        Ok(())
    }

    fn file_gone(&self) -> Msg {
        Msg::new("error.db_file_gone").arg("path", self.path.display())
    }

    /// Opens an existing database read-only (see `open::open_read_only`):
    /// every write through this store fails, nothing is migrated. An
    /// encrypted database needs its key here as it does for `open_with`.
    pub fn open_read_only(path: &Path, key: Option<crypt::Key>) -> Result<Store> {
        let conn = open::open_read_only(path, key.as_ref())?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            may_write: false,
            hides_names: false,
            key,
            file: file_identity(path),
        })
    }

    /// A second, read-only connection to this store's file with this
    /// store's key: what the UI's worker reads on.
    pub fn read_only_twin(&self) -> Result<Store> {
        let mut twin = Store::open_read_only(&self.path, self.key.clone())?;
        twin.hides_names = self.hides_names;
        Ok(twin)
    }

    /// Whether the file at the store's path is no longer the one this
    /// connection has open (replaced or removed by another program): a
    /// long-lived connection (the UI) must then open the path again rather
    /// than write to a file no one will read.
    pub fn file_replaced(&self) -> bool {
        file_identity(&self.path) != self.file
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Frees this connection's page cache (SQLite's `shrink_memory`): after
    /// a load that read hundreds of megabytes through it, the cache holds
    /// pages the next load will not want, 2 MB per connection of the desk's
    /// four. Reading them again comes from the system's file cache.
    pub fn release_cache(&self) -> Result<()> {
        self.conn.execute_batch("PRAGMA shrink_memory")?;
        Ok(())
    }

    /// Changes whenever another connection commits: the UI watches this to
    /// refresh without polling the data itself.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }

    /// A refusal about an unreadable row names its case by reference (the
    /// error itself only knows the row's case id).
    pub fn name_case(&self, msg: Msg) -> Msg {
        if msg.key != "error.unreadable_row" {
            return msg;
        }
        let id: i64 = msg.get("case_id").and_then(|v| v.parse().ok()).unwrap_or(0);
        let case_ref: String = self
            .conn
            .query_row("SELECT case_ref FROM cases WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .unwrap_or_else(|_| format!("#{id}"));
        let detail = msg.get("detail").unwrap_or_default().to_string();
        Msg::new("error.unreadable_row")
            .arg("case", case_ref)
            .arg("detail", detail)
    }

    pub fn count_cases(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM cases", [], |r| r.get(0))?)
    }
}

/// Turns SQLite errors into one sentence for the user.
impl From<rusqlite::Error> for Msg {
    fn from(e: rusqlite::Error) -> Msg {
        use rusqlite::ErrorCode;
        if let rusqlite::Error::FromSqlConversionFailure(_, _, inner) = &e {
            if let Some(row) = inner.downcast_ref::<codec::UnreadableRow>() {
                // Named by reference where the store is at hand: `name_case`.
                return Msg::new("error.unreadable_row")
                    .arg("case_id", row.case_id)
                    .arg("detail", &row.detail);
            }
        }
        match e.sqlite_error_code() {
            Some(ErrorCode::DiskFull) => Msg::new("error.disk_full"),
            Some(ErrorCode::ReadOnly) => Msg::new("error.read_only").arg("path", "database"),
            // Only after the busy timeout: another writer held the lock.
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
                Msg::new("reliability.busy")
            }
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => {
                Msg::new("reliability.corrupt").arg("reason", e)
            }
            _ => Msg::new("error.database").arg("reason", e),
        }
    }
}

/// Helpers of the store's own tests and of the desk's that need a demo
/// team on file (last: `tests/layering` reads this file up to here).
#[cfg(test)]
pub(crate) mod tests;
