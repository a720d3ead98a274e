//! The tamper-evident history. Every event row and every access-log row
//! carries `hash` = SHA-256 over the previous row's hash and the row's own
//! content, in id order. A row changed, deleted or slipped in with sqlite3
//! (past the append-only triggers, which sqlite3 can drop) breaks the chain
//! at that row, and `stroom check` / `stroom audit --verify` name it.
//!
//! The hash is computed inside SQLite by the function `stroom_chain`, which
//! every stroom connection registers: the INSERT reads the previous hash in
//! the same statement and hashes exactly the values SQLite stores (STRICT
//! tables keep their types), so the writer and the verifier cannot disagree
//! about the encoding. Bulk loads pay one b-tree lookup of the last row and
//! one SHA-256 of about 100 bytes per event.
//!
//! What it does not stop: someone who rewrites every hash from the changed
//! row on. `stroom audit --verify` prints the head of each chain, so a team
//! can note it elsewhere (the minutes of a meeting) and compare later.

use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, Row};
use sha2::{Digest, Sha256};

use super::{Result, Store};

/// The content columns of an event, in the order they are hashed: all but
/// the free-text `note`, which erasure may blank (`v9_team_chain_erasure`).
pub const EVENT_CHAIN_COLUMNS: &str = "case_id, on_date, recorded_at, actor, kind, referrer, \
    urgency, worker, stage, route, care_type, provider, planned_end_on, outflow_reason, field, \
    value, ref_id, destination, goals, intended_outflow";

/// The content columns of an access-log row, in the order they are hashed.
pub const ACCESS_CHAIN_COLUMNS: &str = "at, actor, action, case_ref, detail";

/// Feeds one value to the hash with a type tag and a length, so that no
/// two different rows ("ab","c" and "a","bc"; NULL and "") hash alike.
fn feed(hasher: &mut Sha256, value: ValueRef<'_>) {
    match value {
        ValueRef::Null => hasher.update([0u8]),
        ValueRef::Integer(i) => {
            hasher.update([1u8]);
            hasher.update(i.to_be_bytes());
        }
        ValueRef::Real(f) => {
            hasher.update([2u8]);
            hasher.update(f.to_be_bytes());
        }
        ValueRef::Text(t) => {
            hasher.update([3u8]);
            hasher.update((t.len() as u64).to_be_bytes());
            hasher.update(t);
        }
        ValueRef::Blob(b) => {
            hasher.update([4u8]);
            hasher.update((b.len() as u64).to_be_bytes());
            hasher.update(b);
        }
    }
}

/// The chain hash of a row: over the previous hash (NULL for the first
/// row) and the row's values.
pub fn chain_hash<'a>(
    previous: ValueRef<'_>,
    values: impl IntoIterator<Item = ValueRef<'a>>,
) -> Vec<u8> {
    let mut hasher = Sha256::new();
    hasher.update(b"stroom-chain-1");
    feed(&mut hasher, previous);
    for v in values {
        feed(&mut hasher, v);
    }
    hasher.finalize().to_vec()
}

fn sql_chain(ctx: &Context<'_>) -> rusqlite::Result<Vec<u8>> {
    if ctx.is_empty() {
        return Err(rusqlite::Error::UserFunctionError(
            "stroom_chain needs the previous hash".into(),
        ));
    }
    let values = (1..ctx.len()).map(|i| ctx.get_raw(i));
    Ok(chain_hash(ctx.get_raw(0), values))
}

/// Registers `stroom_chain(previous, values...)` on a connection.
pub fn register(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function(
        "stroom_chain",
        -1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        sql_chain,
    )
}

/// The hash expression for an INSERT into `table`: the previous row's hash
/// and the new row's values, given as `prefix`ed parameters or expressions.
pub fn insert_hash_sql(table: &str, values: &[&str]) -> String {
    format!(
        "stroom_chain((SELECT hash FROM {table} ORDER BY id DESC LIMIT 1), {})",
        values.join(", ")
    )
}

/// Where a chain breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    pub table: &'static str,
    /// The id of the first row whose hash does not follow.
    pub row: i64,
}

/// One chain walked: its length, its head and where it first broke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    pub table: &'static str,
    pub rows: usize,
    /// The hash of the last row, hex.
    pub head: String,
    pub first_break: Option<i64>,
}

fn walk(conn: &Connection, table: &'static str, columns: &str) -> Result<ChainReport> {
    let count = columns.split(',').count();
    let mut stmt = conn.prepare(&format!(
        "SELECT id, hash, {columns} FROM {table} ORDER BY id"
    ))?;
    let mut rows = stmt.query([])?;
    let mut previous: Option<Vec<u8>> = None;
    let mut report = ChainReport {
        table,
        rows: 0,
        head: String::new(),
        first_break: None,
    };
    while let Some(row) = rows.next()? {
        report.rows += 1;
        let id: i64 = row.get(0)?;
        let stored: Option<Vec<u8>> = row.get(1)?;
        let expected = expected_hash(row, previous.as_deref(), count)?;
        if report.first_break.is_none() && stored.as_deref() != Some(expected.as_slice()) {
            report.first_break = Some(id);
        }
        // Go on from the stored hash: one changed row is one break, and a
        // later break of its own is still found after a repair.
        previous = Some(stored.unwrap_or(expected));
    }
    report.head = previous.map(hex).unwrap_or_default();
    Ok(report)
}

fn expected_hash(row: &Row, previous: Option<&[u8]>, count: usize) -> Result<Vec<u8>> {
    let values = (0..count)
        .map(|i| row.get_ref(i + 2))
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let previous = previous.map_or(ValueRef::Null, ValueRef::Blob);
    Ok(chain_hash(previous, values))
}

fn hex(bytes: Vec<u8>) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Store {
    /// Walks the chains of the events and the access log.
    pub fn verify_chains(&self) -> Result<Vec<ChainReport>> {
        Ok(vec![
            walk(&self.conn, "events", EVENT_CHAIN_COLUMNS)?,
            walk(&self.conn, "access_log", ACCESS_CHAIN_COLUMNS)?,
        ])
    }

    /// The protecting triggers that are missing (dropped with sqlite3).
    /// (`stroom audit --verify`; `check` reports them with its own checks.)
    pub fn missing_protecting_triggers(&self) -> Result<Vec<&'static str>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT 1 FROM sqlite_schema WHERE type = 'trigger' AND name = ?1")?;
        let mut missing = Vec::new();
        for &name in super::schema::PROTECTING_TRIGGERS {
            if !stmt.exists([name])? {
                missing.push(name);
            }
        }
        Ok(missing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_framed_so_that_no_two_rows_hash_alike() {
        let t = |s: &'static str| ValueRef::Text(s.as_bytes());
        let ab_c = chain_hash(ValueRef::Null, [t("ab"), t("c")]);
        let a_bc = chain_hash(ValueRef::Null, [t("a"), t("bc")]);
        assert_ne!(ab_c, a_bc);
        assert_ne!(
            chain_hash(ValueRef::Null, [ValueRef::Null]),
            chain_hash(ValueRef::Null, [t("")])
        );
        assert_ne!(
            chain_hash(ValueRef::Null, [ValueRef::Integer(1)]),
            chain_hash(ValueRef::Null, [t("1")])
        );
        let prev = chain_hash(ValueRef::Null, [t("x")]);
        assert_ne!(
            chain_hash(ValueRef::Blob(&prev), [t("y")]),
            chain_hash(ValueRef::Null, [t("y")])
        );
    }
}
