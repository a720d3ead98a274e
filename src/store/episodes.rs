//! Referral episodes for the flow figures (SPEC 4): every case's referrals
//! and reopenings, as they stood at the end of a date (SPEC 5).

use chrono::NaiveDate;
use rusqlite::OptionalExtension;

use super::codec::{self, EVENT_COLUMNS};
use super::{Result, Store};
use crate::domain::Event;
use crate::domain::flow::{Episode, Period, episodes, streams};
use crate::domain::forecast::{self, HISTORY_DAYS};
use crate::domain::waitlist::Queue;

impl Store {
    /// Every referral episode that touches [from, up_to] (not closed before
    /// `from`), as of the end of `up_to`, in case order. Only cases not
    /// closed before `from` are read; their events are streamed case by case
    /// (referrals, moves and field changes), and the birth date and the
    /// perspective plan at 18 come with them.
    pub fn episodes(&self, from: NaiveDate, up_to: NaiveDate) -> Result<Vec<Episode>> {
        let columns: Vec<String> = EVENT_COLUMNS
            .split(", ")
            .map(|c| format!("e.{c}"))
            .collect();
        // Cases by row id, each with its events through `events_case`: the
        // rows come in (case, date, id) order without a sort.
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {}, c.birth_date FROM cases c CROSS JOIN events e ON e.case_id = c.id \
             WHERE (c.closed_on IS NULL OR c.closed_on >= ?1) AND e.on_date <= ?2 \
             AND e.kind IN ('referred', 'moved', 'set') \
             ORDER BY c.id, e.on_date, e.id",
            columns.join(", ")
        ))?;
        let mut plan = self.conn.prepare(
            "SELECT json_extract(statuses, '$.perspective_plan') FROM reviews \
             WHERE case_id = ?1 AND on_date BETWEEN ?2 AND ?3 \
             AND json_extract(statuses, '$.perspective_plan') IS NOT NULL \
             ORDER BY on_date DESC, id DESC LIMIT 1",
        )?;
        let birth_column = EVENT_COLUMNS.split(", ").count();
        let period = Period { from, to: up_to };
        let mut out = Vec::new();
        let mut batch: Vec<Event> = Vec::new();
        let mut current: Option<(i64, Option<NaiveDate>)> = None;
        let mut flush = |case: (i64, Option<NaiveDate>), events: &[Event]| -> Result<()> {
            for mut e in episodes(case.0, events) {
                if !e.touches(from) {
                    continue;
                }
                e.birth_date = case.1;
                if let Some(day) = streams::eighteenth_in_care(&e, period) {
                    let status: Option<String> = plan
                        .query_row((e.case_id, e.referred_on, day), |r| r.get(0))
                        .optional()?;
                    e.plan_ok_at_18 = Some(status.as_deref() == Some("ok"));
                }
                out.push(e);
            }
            Ok(())
        };
        let mut rows = stmt.query((from, up_to))?;
        while let Some(row) = rows.next()? {
            let case_id: i64 = row.get(1)?;
            if let Some(case) = current.filter(|c| c.0 != case_id) {
                flush(case, &batch)?;
                batch.clear();
            }
            if current.is_none_or(|c| c.0 != case_id) {
                current = Some((case_id, row.get(birth_column)?));
            }
            batch.push(codec::event_from_row(row)?);
        }
        if let Some(case) = current {
            flush(case, &batch)?;
        }
        Ok(out)
    }

    /// Each queue's daily exits over the forecast history ending at `as_of`
    /// (SPEC 4.1): only cases with a move in the window are replayed.
    pub fn queue_history(&self, as_of: NaiveDate) -> Result<Vec<(Queue, Vec<u32>)>> {
        let first = as_of - chrono::Days::new(HISTORY_DAYS as u64 - 1);
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE case_id IN \
             (SELECT case_id FROM events WHERE kind = 'moved' AND on_date BETWEEN ?1 AND ?2) \
             AND on_date <= ?2 AND kind IN ('referred', 'moved') \
             ORDER BY case_id, on_date, id"
        ))?;
        let mut exits: Vec<(Queue, Vec<NaiveDate>)> =
            Queue::ALL.iter().map(|&q| (q, Vec::new())).collect();
        codec::each_history(&mut stmt, (first, as_of), |_, events| {
            for (q, on) in forecast::queue_exits(events) {
                if on >= first {
                    if let Some((_, v)) = exits.iter_mut().find(|(x, _)| *x == q) {
                        v.push(on);
                    }
                }
            }
        })?;
        Ok(exits
            .into_iter()
            .map(|(q, v)| (q, forecast::daily_history(&v, as_of)))
            .collect())
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

        let now = store.episodes(d("2026-01-01"), d("2026-06-30")).unwrap();
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
        let march = store.episodes(d("2026-01-01"), d("2026-03-31")).unwrap();
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
        assert!(
            store
                .episodes(d("2025-01-01"), d("2025-12-31"))
                .unwrap()
                .is_empty()
        );
    }
}
