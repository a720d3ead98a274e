//! Case-review decisions, per meeting date.

use chrono::NaiveDate;

use super::{Result, Store};
use crate::domain::agenda::Decision;

impl Store {
    /// The decisions recorded for the meeting on `meeting_on`, in the order
    /// they were taken.
    pub fn decisions_on(&self, meeting_on: NaiveDate) -> Result<Vec<Decision>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT d.id, d.case_id, c.case_ref, d.text, d.owner FROM decisions d \
             JOIN cases c ON c.id = d.case_id WHERE d.meeting_on = ?1 ORDER BY d.id",
        )?;
        let rows = stmt
            .query_map([meeting_on], |r| {
                Ok(Decision {
                    id: r.get(0)?,
                    case_id: r.get(1)?,
                    case_ref: r.get(2)?,
                    text: r.get(3)?,
                    owner: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}
