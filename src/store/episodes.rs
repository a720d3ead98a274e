//! Referral episodes for the flow figures (SPEC 4): every case's referrals
//! and reopenings, as they stood at the end of a date (SPEC 5).

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::OptionalExtension;

use super::codec::{self, EVENT_COLUMNS};
use super::episode_rows;
use super::snapshot::ReviewCursor;
use super::{Result, Store};
use crate::domain::Event;
use crate::domain::dates::birthday;
use crate::domain::flow::{Episode, FlowReport, Period, Tally, episodes, streams};
use crate::domain::forecast::{self, HISTORY_DAYS};
use crate::domain::picture::{Picture, PictureFigures, PictureSpec};
use crate::domain::waitlist::Queue;

impl Store {
    /// The flow figures of [from, to] (SPEC 4) from the episodes as they
    /// stood at the end of `to`, or of `today` when the period ends later:
    /// the episodes are streamed into the figures (`flow::Tally`), none
    /// kept, so a year at country scale takes one pass and little memory.
    pub fn flow(&self, from: NaiveDate, to: NaiveDate, today: NaiveDate) -> Result<FlowReport> {
        let mut tally = Tally::new(from, to)?;
        self.each_episode(Period { from, to }, to.min(today), &mut |e| tally.add(e))?;
        Ok(tally.finish())
    }

    /// Every referral episode that touches the period (not closed before
    /// its first day) as of the end of `up_to`, in case order: what
    /// `each_episode` gives, kept.
    pub fn episodes(&self, period: Period, up_to: NaiveDate) -> Result<Vec<Episode>> {
        let mut out = Vec::new();
        let mut sorted = true;
        self.each_episode(period, up_to, &mut |e| {
            sorted &= out
                .last()
                .is_none_or(|l: &Episode| (l.case_id, l.number) < (e.case_id, e.number));
            out.push(e.clone());
        })?;
        if !sorted {
            out.sort_by_key(|e| (e.case_id, e.number));
        }
        Ok(out)
    }

    /// Hands every referral episode that touches the period (not closed
    /// before `period.from`) as of the end of `up_to` to `each`, in no
    /// promised order, with the birth dates of those turning 18 in the
    /// period and their perspective plan at 18.
    ///
    /// The episodes come from the `episodes` table (`episode_rows`) where a
    /// case's whole history lies on or before `up_to`, so its rows are its
    /// history as of then; each row is decoded into one reused value. Only
    /// the cases with a later referral, move or field change are replayed
    /// from their events, after the table's rows.
    pub fn each_episode(
        &self,
        period: Period,
        up_to: NaiveDate,
        each: &mut dyn FnMut(&Episode),
    ) -> Result<()> {
        let from = period.from;
        let mut sink = EpisodeSink::new(self, Period { from, to: up_to }, period.to)?;
        let births = self.births_turning_18(from, period.to)?;
        // Mostly no case has a referral, move or field change after
        // `up_to` (a period that ends today): one look in the index says
        // so, and then the scan need not test every row for it.
        let later: bool = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM episodes WHERE history_until > ?1)",
            [up_to],
            |r| r.get(0),
        )?;
        let until = if later {
            "+history_until <= ?2 AND"
        } else {
            ""
        };
        // In key order: a plain scan of the table (the index on the close
        // would cost a lookup per row) that needs no sort.
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {} FROM episodes WHERE {until} ifnull(closed_on, '9999-12-31') >= ?1 \
             ORDER BY case_id, number",
            episode_rows::COLUMNS
        ))?;
        let mut rows = if later {
            stmt.query((from, up_to))?
        } else {
            stmt.query([from])?
        };
        let mut e = Episode::default();
        while let Some(row) = rows.next()? {
            episode_rows::read_into(row, &mut e)?;
            let birth = births.get(&e.case_id).copied();
            sink.finish(&mut e, birth)?;
            each(&e);
        }
        if !later {
            return Ok(());
        }
        self.each_case_history(from, up_to, Cases::LaterHistory, &mut |case, events| {
            sink.add(case, events, &mut |e| each(&e))
        })
    }

    /// The birth dates of the cases whose 18th birthday may fall in
    /// [from, up_to] (a few days' margin; `EpisodeSink` keeps the ones that
    /// matter), through the birth-date index.
    fn births_turning_18(
        &self,
        from: NaiveDate,
        up_to: NaiveDate,
    ) -> Result<HashMap<i64, NaiveDate>> {
        let eighteen = chrono::Months::new(18 * 12);
        let margin = chrono::Days::new(3);
        let (Some(first), Some(last)) = (
            from.checked_sub_months(eighteen)
                .and_then(|d| d.checked_sub_days(margin)),
            up_to
                .checked_sub_months(eighteen)
                .and_then(|d| d.checked_add_days(margin)),
        ) else {
            return Ok(HashMap::new());
        };
        let mut stmt = self
            .conn
            .prepare("SELECT id, birth_date FROM cases WHERE birth_date BETWEEN ?1 AND ?2")?;
        let rows = stmt.query_map((first, last), |r| Ok((r.get(0)?, codec::day(r, 1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// `episodes` as it was before the table: every case's events
    /// replayed, every birth date kept. The oracle of the table's tests:
    /// the same episodes but for birth dates the figures do not use, and
    /// the same flow figures.
    pub fn episodes_replayed(&self, from: NaiveDate, up_to: NaiveDate) -> Result<Vec<Episode>> {
        let mut sink = EpisodeSink::new(self, Period { from, to: up_to }, NaiveDate::MAX)?;
        sink.every_birth_date = true;
        let mut out = Vec::new();
        self.each_case_history(from, up_to, Cases::All, &mut |case, events| {
            sink.add(case, events, &mut |e| out.push(e))
        })?;
        Ok(out)
    }

    /// The council report's history in one pass (SPEC 10): the episodes
    /// that touch [from, until] as `episodes` gives them, and the picture's
    /// figures at all its dates (`domain::picture`), every case's events
    /// and reviews read once.
    pub fn council_history(&self, spec: PictureSpec) -> Result<(Vec<Episode>, PictureFigures)> {
        let (from, until) = (spec.from, spec.until);
        let lower = spec.earliest_close();
        // The council's period may end after `until` (today): a birthday
        // in it of a young person in care is kept, however late.
        let mut sink = EpisodeSink::new(self, Period { from, to: until }, NaiveDate::MAX)?;
        let mut picture = Picture::new(spec);
        let mut out = Vec::new();
        // Reviews of the cases on the board at some date, in the same case
        // order as the events: each case's few are read beside its events.
        let mut stmt = self.conn.prepare(
            "SELECT r.id, r.case_id, r.on_date, r.next_on, r.note, r.statuses \
             FROM cases c CROSS JOIN reviews r ON r.case_id = c.id \
             WHERE (c.closed_on IS NULL OR c.closed_on >= ?1) AND r.on_date <= ?2 \
             ORDER BY c.id, r.on_date, r.id",
        )?;
        let mut reviews = ReviewCursor::new(stmt.query((from, until))?);
        self.each_case_history(lower, until, Cases::All, &mut |case, events| {
            let own = reviews.of(case.id)?;
            picture.add(case.id, &case.case_ref, case.birth_date, events, &own);
            sink.add(case, events, &mut |e| out.push(e))
        })?;
        Ok((out, picture.finish()))
    }

    /// Streams the referral, move and field-change events up to `up_to` of
    /// every case not closed before `lower`, case by case in id order.
    fn each_case_history(
        &self,
        lower: NaiveDate,
        up_to: NaiveDate,
        cases: Cases,
        each: &mut dyn FnMut(&CaseKey, &[Event]) -> Result<()>,
    ) -> Result<()> {
        let only = match cases {
            Cases::All => "",
            Cases::LaterHistory => {
                "AND c.id IN (SELECT case_id FROM episodes WHERE history_until > ?2) "
            }
        };
        let columns: Vec<String> = EVENT_COLUMNS
            .split(", ")
            .map(|c| format!("e.{c}"))
            .collect();
        // Cases by row id, each with its events through `events_case`: the
        // rows come in (case, date, id) order without a sort.
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {}, c.birth_date, c.case_ref FROM cases c \
             CROSS JOIN events e ON e.case_id = c.id \
             WHERE (c.closed_on IS NULL OR c.closed_on >= ?1) AND e.on_date <= ?2 \
             AND e.kind IN ('referred', 'moved', 'set') {only}\
             ORDER BY c.id, e.on_date, e.id",
            columns.join(", ")
        ))?;
        let birth_column = EVENT_COLUMNS.split(", ").count();
        let mut batch: Vec<Event> = Vec::new();
        let mut current: Option<CaseKey> = None;
        let mut rows = stmt.query((lower, up_to))?;
        while let Some(row) = rows.next()? {
            let case_id: i64 = row.get(1)?;
            if current.as_ref().is_none_or(|c| c.id != case_id) {
                if let Some(case) = current.take() {
                    each(&case, &batch)?;
                    batch.clear();
                }
                current = Some(CaseKey {
                    id: case_id,
                    birth_date: row.get(birth_column)?,
                    case_ref: row.get(birth_column + 1)?,
                });
            }
            batch.push(codec::event_from_row(row)?);
        }
        if let Some(case) = current {
            each(&case, &batch)?;
        }
        Ok(())
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

/// Which cases `each_case_history` streams.
#[derive(Clone, Copy)]
enum Cases {
    All,
    /// Only those with a referral, move or field change after `up_to`.
    LaterHistory,
}

/// A case as the history stream names it.
struct CaseKey {
    id: i64,
    birth_date: Option<NaiveDate>,
    case_ref: String,
}

/// Completes the episodes that touch the period: the birth date where the
/// figures use it, the perspective plan at 18 looked up where it applies.
struct EpisodeSink<'s> {
    /// The period as far as it is known (to `up_to`).
    period: Period,
    /// The report's last day: birth dates are kept up to it.
    births_to: NaiveDate,
    plan: rusqlite::Statement<'s>,
    /// Keep every birth date, not only those the figures use (the oracle).
    every_birth_date: bool,
}

impl<'s> EpisodeSink<'s> {
    fn new(store: &'s Store, period: Period, births_to: NaiveDate) -> Result<EpisodeSink<'s>> {
        let plan = store.conn.prepare(
            "SELECT json_extract(statuses, '$.perspective_plan') FROM reviews \
             WHERE case_id = ?1 AND on_date BETWEEN ?2 AND ?3 \
             AND json_extract(statuses, '$.perspective_plan') IS NOT NULL \
             ORDER BY on_date DESC, id DESC LIMIT 1",
        )?;
        Ok(EpisodeSink {
            period,
            births_to,
            plan,
            every_birth_date: false,
        })
    }

    /// Replays a case's events and hands its episodes that touch the
    /// period, completed, to `out`.
    fn add(
        &mut self,
        case: &CaseKey,
        events: &[Event],
        out: &mut dyn FnMut(Episode),
    ) -> Result<()> {
        for mut e in episodes(case.id, events) {
            if e.touches(self.period.from) {
                self.finish(&mut e, case.birth_date)?;
                out(e);
            }
        }
        Ok(())
    }

    /// Completes an episode that touches the period with the birth date
    /// kept on its case and the perspective plan at 18 where it applies.
    /// Only a birth date the flow figures can use (SPEC 4, turning 18) is
    /// kept: an 18th birthday in the period known so far, or up to
    /// `births_to` for an episode still in care (a report's period may end
    /// after today; the figures count a birthday in it for a case in care
    /// on its eve, and a case closed by then is not). So the store reads
    /// few birth dates.
    fn finish(&mut self, e: &mut Episode, birth_date: Option<NaiveDate>) -> Result<()> {
        let (period, births_to) = (self.period, self.births_to);
        let in_care = e.closed_on.is_none() && e.care_started_on.is_some();
        e.birth_date = birth_date.filter(|&b| {
            let day = birthday(b, 18);
            self.every_birth_date
                || (day >= period.from && (day <= period.to || (in_care && day <= births_to)))
        });
        e.plan_ok_at_18 = None;
        if let Some(day) = streams::eighteenth_in_care(e, period) {
            let status: Option<String> = self
                .plan
                .query_row((e.case_id, e.referred_on, day), |r| r.get(0))
                .optional()?;
            e.plan_ok_at_18 = Some(status.as_deref() == Some("ok"));
        }
        Ok(())
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

    fn period(from: &str, to: &str) -> Period {
        Period {
            from: d(from),
            to: d(to),
        }
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

        let now = store
            .episodes(period("2026-01-01", "2026-06-30"), d("2026-06-30"))
            .unwrap();
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
        let march = store
            .episodes(period("2026-01-01", "2026-03-31"), d("2026-03-31"))
            .unwrap();
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
                .episodes(period("2025-01-01", "2025-12-31"), d("2025-12-31"))
                .unwrap()
                .is_empty()
        );
    }
}
