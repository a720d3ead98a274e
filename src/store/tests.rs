//! Helpers of the store's own tests.

use super::Store;

/// A demo team of `cases` cases (seed `seed`, today 22-11-2026) in a new
/// database file: the store's own tests start from one.
pub(crate) fn demo_store(seed: u64, cases: usize) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(&dir.path().join("t.db")).expect("open");
    let today = crate::domain::dates::parse_date("2026-11-22").expect("date");
    let demo = crate::demo::generate(seed, today, cases);
    store
        .insert_bundles(&demo, today, "test", &mut |_| {})
        .expect("demo team");
    (dir, store)
}
