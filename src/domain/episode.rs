//! Referral episodes: the facts of one referral of a case, from its arrival
//! (or reopening) to its close, recovered by replaying the case's events.
//! The flow figures (SPEC 4) count episodes, not cases: a reopened case is a
//! new referral, and its state after the reopening has lost the old
//! episode's dates.

use chrono::NaiveDate;
use serde::Serialize;

use super::case::{Case, Change, Event, Move};
use super::codes::{CareType, OutflowReason, Referrer, Route, Stage, Urgency};
use super::destination::{Destination, destination_of};

/// One care type in one episode (SPEC 4, `trajectories_by_care_type`): from
/// the start of care (or the step into that type) to the step out of it, a
/// step to `waiting`, or the close.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Trajectory {
    pub care_type: CareType,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
}

/// One referral episode of a case, as it stood at the last event given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Episode {
    pub case_id: i64,
    /// 1 for the first referral, +1 at each reopening.
    pub number: u32,
    pub referred_on: NaiveDate,
    pub referrer: Referrer,
    /// At the last event given (for a report: at `to`).
    pub urgency: Urgency,
    /// The intake held.
    pub intake_on: Option<NaiveDate>,
    /// The triage decision, and the route it chose.
    pub triaged_on: Option<NaiveDate>,
    pub decided_route: Option<Route>,
    pub care_started_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub outflow_reason: Option<OutflowReason>,
    /// Where the young person went (SPEC 1.6); set with the close.
    pub destination: Option<Destination>,
    /// The care type with which care started.
    pub started_care_type: Option<CareType>,
    /// The care type at the close, or at the last event given.
    pub care_type: Option<CareType>,
    /// The provider right after care started.
    pub started_provider: Option<String>,
    /// The provider at the close, or at the last event given.
    pub provider: Option<String>,
    pub trajectories: Vec<Trajectory>,
    /// The close of the case's previous episode (for re-referrals).
    pub previous_closed_on: Option<NaiveDate>,
    /// Personal data kept on the case, not in the events: the store fills it.
    pub birth_date: Option<NaiveDate>,
    /// Whether the perspective plan was `ok` on the 18th birthday, for an
    /// episode in care the day before it; the store fills it from the
    /// reviews (None when it does not apply).
    pub plan_ok_at_18: Option<bool>,
}

impl Default for Episode {
    /// An episode referred on 1 January 1970 by `other`: a base for tests
    /// and builders, which set the dates they mean.
    fn default() -> Episode {
        Episode {
            case_id: 0,
            number: 1,
            referred_on: NaiveDate::default(),
            referrer: Referrer::Other,
            urgency: Urgency::Regular,
            intake_on: None,
            triaged_on: None,
            decided_route: None,
            care_started_on: None,
            closed_on: None,
            outflow_reason: None,
            destination: None,
            started_care_type: None,
            care_type: None,
            started_provider: None,
            provider: None,
            trajectories: Vec::new(),
            previous_closed_on: None,
            birth_date: None,
            plan_ok_at_18: None,
        }
    }
}

impl Episode {
    /// Whether care had started and was still running at the end of `on`:
    /// the stage was `in_care`, `evaluation`, or `waiting` after a step.
    pub fn open_in_care_at(&self, on: NaiveDate) -> bool {
        self.care_started_on.is_some_and(|s| s <= on) && self.closed_on.is_none_or(|c| c > on)
    }

    /// Whether the episode has anything on or after `from`: not closed
    /// before it.
    pub fn touches(&self, from: NaiveDate) -> bool {
        self.closed_on.is_none_or(|c| c >= from)
    }
}

/// Builds an episode while its events are replayed.
struct Builder {
    episode: Episode,
    started_care_type: Option<CareType>,
    started_provider: Option<String>,
    open: Option<Trajectory>,
}

impl Builder {
    fn new(case: &Case, previous_closed_on: Option<NaiveDate>) -> Builder {
        Builder {
            episode: Episode {
                case_id: case.id,
                number: case.episode,
                referred_on: case.referred_on,
                referrer: case.referrer,
                previous_closed_on,
                ..Episode::default()
            },
            started_care_type: None,
            started_provider: None,
            open: None,
        }
    }

    /// Records what a move did, given the stage before it and the case after.
    fn moved(&mut self, before: Stage, on: NaiveDate, m: &Move, case: &Case) {
        if before == Stage::Triage && m.route.is_some() {
            self.episode.decided_route = m.route;
        }
        if self.started_care_type.is_none() && case.care_started_on.is_some() {
            self.started_care_type = case.care_type;
            self.started_provider = case.provider.clone();
        }
        let running = self.open.map(|t| t.care_type);
        match case.stage {
            Stage::InCare if running != case.care_type => {
                self.end_trajectory(on);
                self.open = case.care_type.map(|care_type| Trajectory {
                    care_type,
                    started_on: on,
                    ended_on: None,
                });
            }
            Stage::Waiting | Stage::Closed => self.end_trajectory(on),
            _ => {}
        }
        if case.stage == Stage::Closed {
            self.episode.destination = Some(destination_of(m));
        }
    }

    fn end_trajectory(&mut self, on: NaiveDate) {
        if let Some(mut t) = self.open.take() {
            t.ended_on = Some(on);
            self.episode.trajectories.push(t);
        }
    }

    fn finish(mut self, case: &Case) -> Episode {
        if let Some(t) = self.open.take() {
            self.episode.trajectories.push(t);
        }
        let e = &mut self.episode;
        e.urgency = case.urgency;
        e.intake_on = case.intake_on;
        e.triaged_on = case.triaged_on;
        e.care_started_on = case.care_started_on;
        e.closed_on = case.closed_on;
        e.outflow_reason = case.outflow_reason;
        e.care_type = case.care_type;
        e.provider = case.provider.clone();
        e.started_care_type = self.started_care_type;
        e.started_provider = self.started_provider;
        self.episode
    }
}

/// Every referral episode in a case's events (in replay order). The events
/// are replayed through `Case`, so an episode's dates are exactly those the
/// case had before it was reopened.
pub fn episodes(case_id: i64, events: &[Event]) -> Vec<Episode> {
    let mut iter = events.iter();
    let Some(Event {
        on,
        change: Change::Referred(referral),
        ..
    }) = iter.next()
    else {
        return Vec::new();
    };
    let mut case = Case::referred(case_id, "", *on, referral);
    let mut builder = Builder::new(&case, None);
    let mut out = Vec::new();
    for event in iter {
        let before = case.stage;
        let reopens = matches!(&event.change, Change::Moved(m)
            if before == Stage::Closed && m.to == Some(Stage::Referred));
        if reopens {
            let closed = case.closed_on;
            out.push(builder.finish(&case));
            case.apply(event);
            builder = Builder::new(&case, closed);
            continue;
        }
        case.apply(event);
        if let Change::Moved(m) = &event.change {
            builder.moved(before, event.on, m, &case);
        }
    }
    out.push(builder.finish(&case));
    out
}
