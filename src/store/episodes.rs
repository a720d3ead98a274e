//! Referral episodes for the flow figures (SPEC 4): every case's referrals
//! and reopenings, as they stood at the end of a date (SPEC 5).

use chrono::NaiveDate;

use super::codec::{self, EVENT_COLUMNS};
use super::{Result, Store};
use crate::domain::flow::{Episode, episodes};

impl Store {
    /// Every referral episode as of the end of `up_to`, in case order. The
    /// events are streamed case by case; only referrals and moves shape an
    /// episode, so field changes, reviews and decisions are not read.
    pub fn episodes(&self, up_to: NaiveDate) -> Result<Vec<Episode>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {EVENT_COLUMNS} FROM events \
             WHERE on_date <= ?1 AND kind IN ('referred', 'moved') \
             ORDER BY case_id, on_date, id"
        ))?;
        let mut out = Vec::new();
        codec::each_history(&mut stmt, [up_to], |id, events| {
            out.extend(episodes(id, events));
        })?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::parse_date;
    use crate::domain::flow::flow;
    use crate::domain::{CareType, Move, OutflowReason, Referrer, Route, Stage, Urgency};
    use crate::store::NewReferral;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn referral(case_ref: &str, on: &str) -> NewReferral {
        NewReferral {
            case_ref: Some(case_ref.into()),
            name: None,
            birth_date: None,
            referred_on: d(on),
            referrer: Referrer::Gp,
            urgency: Urgency::Regular,
            worker: None,
        }
    }

    fn mv(store: &mut Store, case_ref: &str, m: Move, on: &str, today: &str) {
        store
            .move_case(case_ref, &m, d(on), d(today), "test", None)
            .unwrap();
    }

    /// Two cases: A gets team care and is closed and reopened; B waits for
    /// ambulant care. Everything is recorded on 2026-06-30.
    fn fill(store: &mut Store) {
        let today = "2026-06-30";
        store
            .add_referral(&referral("A", "2026-01-05"), d(today), "test")
            .unwrap();
        store
            .add_referral(&referral("B", "2026-02-02"), d(today), "test")
            .unwrap();
        mv(store, "A", Move::to(Stage::Intake), "2026-01-12", today);
        mv(store, "A", Move::to(Stage::Triage), "2026-01-19", today);
        let team = Move {
            route: Some(Route::Team),
            ..Move::default()
        };
        mv(store, "A", team, "2026-01-26", today);
        let close = Move {
            reason: Some(OutflowReason::GoalsMet),
            ..Move::to(Stage::Closed)
        };
        mv(store, "A", close, "2026-04-30", today);
        mv(store, "A", Move::to(Stage::Referred), "2026-05-20", today);
        mv(store, "B", Move::to(Stage::Intake), "2026-02-09", today);
        mv(store, "B", Move::to(Stage::Triage), "2026-02-16", today);
        let ambulant = Move {
            route: Some(Route::Ambulant),
            care_type: Some(CareType::AmbulantHome),
            ..Move::default()
        };
        mv(store, "B", ambulant, "2026-03-02", today);
        mv(store, "B", Move::to(Stage::InCare), "2026-06-15", today);
    }

    #[test]
    fn episodes_and_snapshots_ignore_what_is_dated_later() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("stroom.db")).unwrap();
        fill(&mut store);

        let now = store.episodes(d("2026-06-30")).unwrap();
        let summary: Vec<_> = now
            .iter()
            .map(|e| (e.number, e.referred_on, e.care_started_on, e.closed_on))
            .collect();
        assert_eq!(
            summary,
            [
                (
                    1,
                    d("2026-01-05"),
                    Some(d("2026-01-26")),
                    Some(d("2026-04-30"))
                ),
                (2, d("2026-05-20"), None, None),
                (1, d("2026-02-02"), Some(d("2026-06-15")), None),
            ]
        );

        // As of 31 March: A is still in care, B still waiting; the close,
        // the reopening and B's care start lie in the future then.
        let march = store.episodes(d("2026-03-31")).unwrap();
        assert_eq!(march.len(), 2);
        assert_eq!(march[0].closed_on, None);
        assert_eq!(march[1].care_started_on, None);
        let q1 = flow(&march, d("2026-01-01"), d("2026-03-31")).unwrap();
        assert_eq!(
            (q1.referrals, q1.inflow, q1.outflow, q1.open_at_end),
            (2, 1, 0, 1)
        );
        let q1_later = flow(&now, d("2026-01-01"), d("2026-03-31")).unwrap();
        assert_eq!(q1, q1_later, "figures for Q1 do not change later");

        let snap = store.snapshot(d("2026-03-31"), d("2026-06-30")).unwrap();
        let stages: Vec<_> = snap
            .cases
            .iter()
            .map(|c| (c.case_ref.as_str(), c.stage))
            .collect();
        assert_eq!(stages, [("A", Stage::InCare), ("B", Stage::Waiting)]);
        assert_eq!(snap.cases[1].waiting_since, Some(d("2026-03-02")));
        let snap = store.snapshot(d("2026-06-30"), d("2026-06-30")).unwrap();
        let stages: Vec<_> = snap
            .cases
            .iter()
            .map(|c| (c.case_ref.as_str(), c.stage))
            .collect();
        assert_eq!(stages, [("A", Stage::Referred), ("B", Stage::InCare)]);

        // Before anything happened there is nothing.
        assert!(store.episodes(d("2025-12-31")).unwrap().is_empty());
    }
}
