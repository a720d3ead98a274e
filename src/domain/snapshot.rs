//! A snapshot: every case as it stood at the end of one date, with the
//! reviews recorded up to then (SPEC 5). The store builds it; the rules,
//! views and exports only read it.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::{Case, Review};

/// Every case that existed at `as_of`, in its state then.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub as_of: NaiveDate,
    pub cases: Vec<Case>,
    /// Reviews dated on or before `as_of`, per case id, in date order. The
    /// scoped snapshots (board, agenda) hold only the current episode's
    /// reviews folded into one per case (`Review::fold`): enough for the
    /// rules, not a case's history.
    pub reviews: HashMap<i64, Vec<Review>>,
}

impl Snapshot {
    pub fn reviews_of(&self, case_id: i64) -> &[Review] {
        self.reviews.get(&case_id).map(Vec::as_slice).unwrap_or(&[])
    }
}
