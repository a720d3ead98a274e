//! The municipality's picture over a period (SPEC 10) from one replay of
//! each case's history. The council report shows the waiting lists at every
//! month end, the stoplight at every six-weekly date, the evaluation moments
//! due in the period and the forecast's throughput; asking the store for a
//! snapshot per date replays the history once per date. Here each case's
//! events are replayed once and its state is taken at every date on the
//! way, then counted by the same rules the snapshots feed (`wait_row`,
//! `stoplight::evaluate`, `evaluation::moments`, `forecast::queue_exits`).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::case::{Case, Change, Event};
use super::codes::Stage;
use super::dates::days_between;
use super::evaluation::{self, EvaluationRules, ORANGE_DAYS};
use super::figures::percent;
use super::forecast::{self, HISTORY_DAYS};
use super::review::Review;
use super::stoplight::{self, BoardTally, StoplightAggregate};
use super::waitlist::{self, Norms, Queue, QueueSummary, Summaries};

/// What the picture is taken of: the dates and the rules.
#[derive(Debug, Clone)]
pub struct PictureSpec {
    /// The period [from, until]; `until` is the report's end, never past
    /// today.
    pub from: NaiveDate,
    pub until: NaiveDate,
    /// The waiting lists' dates (the month ends), ascending.
    pub month_ends: Vec<NaiveDate>,
    /// The stoplight's six-weekly dates, ascending.
    pub board_dates: Vec<NaiveDate>,
    pub norms: Norms,
    pub preconditions: Vec<String>,
    pub evaluation: EvaluationRules,
}

impl PictureSpec {
    /// The first day of the forecast's throughput history (SPEC 4.1), which
    /// ends at `until`.
    pub fn history_first(&self) -> NaiveDate {
        self.until - chrono::Days::new(HISTORY_DAYS as u64 - 1)
    }

    /// The earliest close that can still matter: a case closed before this
    /// (and not reopened) is closed at every date of the picture and left
    /// no queue in the forecast's history.
    pub fn earliest_close(&self) -> NaiveDate {
        self.from.min(self.history_first())
    }
}

/// The evaluation moments due in one month (or the whole period), as they
/// stood at the end of the period. A moment counts when its case was still
/// in care on its due date; one whose case closed on or before that date
/// lapsed and is left out (SPEC 1.7).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MomentCounts {
    pub due: usize,
    /// Held by due + 14 days.
    pub on_time: usize,
    /// Held, but later than due + 14 days.
    pub late: usize,
    /// Not held, and due + 14 days has passed (or care ended first).
    pub missed: usize,
    /// Not held yet, and due + 14 days has not passed at the period's end.
    pub open: usize,
}

impl MomentCounts {
    /// On time as a share of the moments whose 14 days have passed or
    /// that were held, one decimal; None when there are none.
    pub fn share_on_time_pct(&self) -> Option<f64> {
        percent(self.on_time as i64, (self.due - self.open) as i64)
    }

    fn add(&mut self, outcome: Outcome) {
        self.due += 1;
        match outcome {
            Outcome::OnTime => self.on_time += 1,
            Outcome::Late => self.late += 1,
            Outcome::Missed => self.missed += 1,
            Outcome::Open => self.open += 1,
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Outcome {
    OnTime,
    Late,
    Missed,
    Open,
}

/// The evaluation moments due in the period, per month of the due date
/// (`YYYY-MM`, every month of the period) and in total.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EvaluationMoments {
    pub months: BTreeMap<String, MomentCounts>,
    pub total: MomentCounts,
}

/// What one pass over the cases gives.
#[derive(Debug, Clone, PartialEq)]
pub struct PictureFigures {
    pub waitlists: Vec<(NaiveDate, Vec<QueueSummary>)>,
    pub boards: Vec<(NaiveDate, StoplightAggregate)>,
    pub evaluations: EvaluationMoments,
    /// Each queue's daily exits over the history ending at `until`.
    pub queue_history: Vec<(Queue, Vec<u32>)>,
    /// The cases on a waiting list at the end of `until`, in the order
    /// given: what the forecast serves.
    pub waiting: Vec<Case>,
}

/// The picture being taken, case by case.
pub struct Picture {
    spec: PictureSpec,
    /// Every date at which a case's state is read, ascending, each with
    /// its place in `waitlists` and `boards`.
    points: Vec<Point>,
    waitlists: Vec<Summaries>,
    boards: Vec<BoardTally>,
    evaluations: EvaluationMoments,
    exits: Vec<(Queue, Vec<NaiveDate>)>,
    waiting: Vec<Case>,
}

#[derive(Debug, Clone, Copy)]
struct Point {
    on: NaiveDate,
    month_end: Option<usize>,
    board: Option<usize>,
    /// The period's end: the forecast's waiting cases.
    last: bool,
}

impl Picture {
    pub fn new(spec: PictureSpec) -> Picture {
        let mut points: BTreeMap<NaiveDate, Point> = BTreeMap::new();
        let blank = |on| Point {
            on,
            month_end: None,
            board: None,
            last: false,
        };
        points.entry(spec.until).or_insert(blank(spec.until)).last = true;
        for (i, &d) in spec.month_ends.iter().enumerate() {
            points.entry(d).or_insert(blank(d)).month_end = Some(i);
        }
        for (i, &d) in spec.board_dates.iter().enumerate() {
            points.entry(d).or_insert(blank(d)).board = Some(i);
        }
        let all: Vec<Point> = points.into_values().collect();
        let months = month_keys(spec.from, spec.until)
            .into_iter()
            .map(|m| (m, MomentCounts::default()))
            .collect();
        Picture {
            waitlists: vec![Summaries::default(); spec.month_ends.len()],
            boards: vec![BoardTally::default(); spec.board_dates.len()],
            evaluations: EvaluationMoments {
                months,
                total: MomentCounts::default(),
            },
            exits: Queue::ALL.iter().map(|&q| (q, Vec::new())).collect(),
            waiting: Vec::new(),
            points: all,
            spec,
        }
    }

    /// Adds one case: its events up to `until` in replay order (referral,
    /// moves and field changes; reviews and decisions change no state), its
    /// reviews up to `until` in date order, and its birth date and
    /// reference as stored (personal data is not history).
    pub fn add(
        &mut self,
        case_id: i64,
        case_ref: &str,
        birth_date: Option<NaiveDate>,
        events: &[Event],
        reviews: &[Review],
    ) {
        let first = self.spec.history_first();
        for (q, on) in forecast::queue_exits(events) {
            if on >= first && on <= self.spec.until {
                if let Some((_, v)) = self.exits.iter_mut().find(|(x, _)| *x == q) {
                    v.push(on);
                }
            }
        }
        let until = self.spec.until;
        let mut iter = events.iter().filter(|e| e.on <= until);
        let Some(Event {
            on,
            change: Change::Referred(referral),
            ..
        }) = iter.next()
        else {
            return;
        };
        let mut case = Case::referred(case_id, case_ref, *on, referral);
        case.birth_date = birth_date;
        // Before its referral the case does not exist.
        let mut next = self.points.partition_point(|p| p.on < *on);
        let mut evaluations: Vec<NaiveDate> = Vec::new();
        for event in iter {
            while next < self.points.len() && self.points[next].on < event.on {
                self.take(next, &case, reviews);
                next += 1;
            }
            if let Change::Moved(m) = &event.change {
                if case.stage == Stage::Closed && m.to == Some(Stage::Referred) {
                    self.count_moments(&case, &evaluations);
                    evaluations.clear();
                }
                if m.to == Some(Stage::Evaluation) {
                    evaluations.push(event.on);
                }
            }
            case.apply(event);
        }
        while next < self.points.len() {
            self.take(next, &case, reviews);
            next += 1;
        }
        self.count_moments(&case, &evaluations);
    }

    /// Counts the case as it stood at the end of point `i`.
    fn take(&mut self, i: usize, case: &Case, reviews: &[Review]) {
        let p = self.points[i];
        if let Some(m) = p.month_end {
            for &q in Queue::ALL.iter().filter(|q| q.holds(case.stage)) {
                self.waitlists[m].add(&waitlist::wait_row(case, q, &self.spec.norms, p.on));
            }
        }
        if let Some(b) = p.board.filter(|_| case.on_board()) {
            let standing = standing_review(reviews, case.referred_on, p.on);
            let row = stoplight::evaluate(
                case,
                standing.as_slice(),
                p.on,
                &self.spec.preconditions,
                self.spec.norms.care,
            );
            self.boards[b].add(&row);
        }
        if p.last && Queue::ALL.iter().any(|q| q.holds(case.stage)) {
            self.waiting.push(case.clone());
        }
    }

    /// Counts the moments of one episode due in the period, as they stood
    /// at the period's end (or at the episode's close).
    fn count_moments(&mut self, case: &Case, evaluations: &[NaiveDate]) {
        let (from, until) = (self.spec.from, self.spec.until);
        for m in evaluation::moments(case, evaluations, until, &self.spec.evaluation) {
            if m.due_on < from || m.due_on > until {
                continue;
            }
            if case.closed_on.is_some_and(|c| c <= m.due_on) {
                continue;
            }
            let outcome = match m.held_on_time() {
                Some(true) => Outcome::OnTime,
                Some(false) => Outcome::Late,
                None if case.closed_on.is_some() => Outcome::Missed,
                None if days_between(m.due_on, until) > ORANGE_DAYS => Outcome::Missed,
                None => Outcome::Open,
            };
            self.evaluations.total.add(outcome);
            let key = format!("{:04}-{:02}", m.due_on.year(), m.due_on.month());
            self.evaluations.months.entry(key).or_default().add(outcome);
        }
    }

    pub fn finish(self) -> PictureFigures {
        let until = self.spec.until;
        PictureFigures {
            waitlists: self
                .spec
                .month_ends
                .iter()
                .copied()
                .zip(self.waitlists.into_iter().map(Summaries::finish))
                .collect(),
            boards: self
                .spec
                .board_dates
                .iter()
                .copied()
                .zip(self.boards.into_iter().map(BoardTally::finish))
                .collect(),
            evaluations: self.evaluations,
            queue_history: self
                .exits
                .into_iter()
                .map(|(q, v)| (q, forecast::daily_history(&v, until)))
                .collect(),
            waiting: self.waiting,
        }
    }
}

/// The case's reviews of its current episode up to `on`, folded into the
/// one it stands on (as the board's snapshot holds them).
fn standing_review(reviews: &[Review], referred_on: NaiveDate, on: NaiveDate) -> Vec<Review> {
    let mut standing: Option<Review> = None;
    for r in reviews.iter().filter(|r| r.on >= referred_on && r.on <= on) {
        match standing.as_mut() {
            Some(s) => s.fold(r.clone()),
            None => standing = Some(r.clone()),
        }
    }
    standing.into_iter().collect()
}

/// `YYYY-MM` of every month of [from, to].
fn month_keys(from: NaiveDate, to: NaiveDate) -> Vec<String> {
    let mut out = Vec::new();
    let (mut y, mut m) = (from.year(), from.month());
    while (y, m) <= (to.year(), to.month()) {
        out.push(format!("{y:04}-{m:02}"));
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case::{Move, Referral};
    use crate::domain::codes::{Referrer, Urgency};
    use crate::domain::dates::parse_date;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    /// A case's events from `(date, stage)` steps after a referral on the
    /// first date; a planned end goes with the first move into care.
    fn history(referred: &str, steps: &[(&str, Stage)], planned_end: Option<&str>) -> Vec<Event> {
        let mut out = vec![Event {
            on: d(referred),
            seq: 0,
            change: Change::Referred(Referral {
                referrer: Referrer::Gp,
                urgency: Urgency::Regular,
                worker: None,
            }),
        }];
        for (i, (on, stage)) in steps.iter().enumerate() {
            let mut m = Move::to(*stage);
            if *stage == Stage::InCare && i == 0 {
                m.planned_end_on = planned_end.map(d);
            }
            out.push(Event {
                on: d(on),
                seq: i as i64 + 1,
                change: Change::Moved(m),
            });
        }
        out
    }

    fn spec(from: &str, until: &str) -> PictureSpec {
        PictureSpec {
            from: d(from),
            until: d(until),
            month_ends: Vec::new(),
            board_dates: Vec::new(),
            norms: crate::context::config::Config::default().norms,
            preconditions: Vec::new(),
            evaluation: EvaluationRules::default(),
        }
    }

    /// Moments due in the period as they stood at its end: held by due +
    /// 14 days (on time), later (late), not held past due + 14 or before
    /// care ended (missed), not held within the 14 days at the end (open);
    /// a moment whose care ended before it fell due lapses; a reopened
    /// case's episodes each have their own moments.
    #[test]
    fn evaluation_moments_due_in_the_period() {
        use Stage::*;
        let mut p = Picture::new(spec("2026-01-01", "2026-10-31"));
        let cases = [
            // Start due 10-04 held 20-04 (on time); end due 30-09 missed.
            history(
                "2025-12-01",
                &[
                    ("2026-01-10", InCare),
                    ("2026-04-20", Evaluation),
                    ("2026-04-21", InCare),
                ],
                Some("2026-12-31"),
            ),
            // Start due 05-08, held 25-08: late.
            history(
                "2026-04-01",
                &[("2026-05-05", InCare), ("2026-08-25", Evaluation)],
                None,
            ),
            // Start due 20-10, 11 days before the end: open.
            history("2026-07-01", &[("2026-07-20", InCare)], None),
            // Closed before its moment fell due: lapsed, not counted.
            history(
                "2026-01-05",
                &[("2026-02-01", InCare), ("2026-04-15", Closed)],
                None,
            ),
            // Closed five days after the due date, not held: missed.
            history(
                "2026-01-05",
                &[("2026-01-15", InCare), ("2026-04-20", Closed)],
                None,
            ),
            // Reopened: due 01-02 held 05-01 (in the window), then due
            // 01-07 held 10-06; both on time.
            history(
                "2025-10-01",
                &[
                    ("2025-11-01", InCare),
                    ("2026-01-05", Evaluation),
                    ("2026-01-06", InCare),
                    ("2026-03-01", Closed),
                    ("2026-03-10", Referred),
                    ("2026-04-01", InCare),
                    ("2026-06-10", Evaluation),
                ],
                None,
            ),
        ];
        for (i, events) in cases.iter().enumerate() {
            p.add(i as i64 + 1, "x", None, events, &[]);
        }
        let e = p.finish().evaluations;
        let counts = |due, on_time, late, missed, open| MomentCounts {
            due,
            on_time,
            late,
            missed,
            open,
        };
        assert_eq!(e.total, counts(7, 3, 1, 2, 1));
        assert_eq!(e.total.share_on_time_pct(), Some(50.0));
        assert_eq!(e.months.len(), 10);
        assert_eq!(e.months["2026-01"], MomentCounts::default());
        assert_eq!(e.months["2026-02"], counts(1, 1, 0, 0, 0));
        assert_eq!(e.months["2026-04"], counts(2, 1, 0, 1, 0));
        assert_eq!(e.months["2026-07"], counts(1, 1, 0, 0, 0));
        assert_eq!(e.months["2026-08"], counts(1, 0, 1, 0, 0));
        assert_eq!(e.months["2026-09"], counts(1, 0, 0, 1, 0));
        assert_eq!(e.months["2026-10"], counts(1, 0, 0, 0, 1));
        // A day before the end the open one is still open; 15 days after
        // its due date it is missed.
        let mut later = Picture::new(spec("2026-01-01", "2026-11-03"));
        later.add(3, "x", None, &cases[2], &[]);
        assert_eq!(later.finish().evaluations.total, counts(1, 0, 0, 0, 1));
        let mut later = Picture::new(spec("2026-01-01", "2026-11-04"));
        later.add(3, "x", None, &cases[2], &[]);
        assert_eq!(later.finish().evaluations.total, counts(1, 0, 0, 1, 0));
        // No moment in an empty period: no share.
        let none = Picture::new(spec("2026-01-01", "2026-01-31")).finish();
        assert_eq!(none.evaluations.total.share_on_time_pct(), None);
    }
}
