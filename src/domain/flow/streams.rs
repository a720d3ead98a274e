//! The newer flow figures of SPEC 4: where the outflow went, lead times per
//! step, referral streams and their routes, re-referrals, providers, young
//! people turning 18, and trajectories per care type. Each is a tally that
//! takes the episodes one by one (`add`), so the whole report is one pass.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use serde::Serialize;

use super::nearest_rank;
use crate::domain::codes::{CareType, Referrer, Route, Urgency, code_enum};
use crate::domain::dates::{birthday, days_between};
use crate::domain::destination::Destination;
use crate::domain::episode::Episode;
use crate::domain::figures::tenths;

/// The inclusive period of a report.
#[derive(Debug, Clone, Copy)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    pub fn holds(self, d: NaiveDate) -> bool {
        self.from <= d && d <= self.to
    }

    fn holds_opt(self, d: Option<NaiveDate>) -> Option<NaiveDate> {
        d.filter(|&d| self.holds(d))
    }
}

/// Count, median and p90 (nearest rank) of some days; None without values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Percentiles {
    pub count: usize,
    pub median: Option<i64>,
    pub p90: Option<i64>,
}

impl Percentiles {
    pub fn of(mut days: Vec<i64>) -> Percentiles {
        days.sort_unstable();
        Percentiles {
            count: days.len(),
            median: nearest_rank(&days, 50),
            p90: nearest_rank(&days, 90),
        }
    }
}

code_enum!(
    /// A step of the lead times (SPEC 4 `lead_times`).
    LeadStep, "lead_step" {
        ReferralToIntake => "referral_to_intake",
        IntakeToDecision => "intake_to_decision",
        DecisionToCare => "decision_to_care",
        ReferralToCare => "referral_to_care",
    }
);

/// One step's lead time, overall and per urgency (the case's at `to`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LeadTime {
    #[serde(flatten)]
    pub all: Percentiles,
    pub regular: Percentiles,
    pub urgent: Percentiles,
}

/// The days of each step that fell in the period, per urgency.
#[derive(Debug, Default)]
pub struct LeadTimes {
    days: BTreeMap<(LeadStep, Urgency), Vec<i64>>,
}

impl LeadTimes {
    pub fn add(&mut self, e: &Episode, period: Period) {
        let steps = [
            (LeadStep::ReferralToIntake, Some(e.referred_on), e.intake_on),
            (LeadStep::IntakeToDecision, e.intake_on, e.triaged_on),
            (LeadStep::DecisionToCare, e.triaged_on, e.care_started_on),
            (
                LeadStep::ReferralToCare,
                Some(e.referred_on),
                e.care_started_on,
            ),
        ];
        for (step, start, end) in steps {
            if let (Some(start), Some(end)) = (start, period.holds_opt(end)) {
                let days = days_between(start, end);
                self.days.entry((step, e.urgency)).or_default().push(days);
            }
        }
    }

    pub fn finish(mut self) -> BTreeMap<LeadStep, LeadTime> {
        LeadStep::ALL
            .iter()
            .map(|&step| {
                let mut take = |u| self.days.remove(&(step, u)).unwrap_or_default();
                let (regular, urgent) = (take(Urgency::Regular), take(Urgency::Urgent));
                let all = regular.iter().chain(&urgent).copied().collect();
                let time = LeadTime {
                    all: Percentiles::of(all),
                    regular: Percentiles::of(regular),
                    urgent: Percentiles::of(urgent),
                };
                (step, time)
            })
            .collect()
    }
}

/// One referrer's stream: referrals in the period and where the triage
/// decisions in the period sent them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ReferrerFlow {
    pub referrals: usize,
    pub community: usize,
    pub team: usize,
    pub ambulant: usize,
    pub residential: usize,
    /// Closed in the period without a triage decision.
    pub closed_before_decision: usize,
}

impl ReferrerFlow {
    /// The triage decisions counted.
    pub fn decisions(&self) -> usize {
        self.community + self.team + self.ambulant + self.residential
    }
}

/// Every referrer, zeros included.
pub fn referrers() -> BTreeMap<Referrer, ReferrerFlow> {
    Referrer::ALL
        .iter()
        .map(|&r| (r, ReferrerFlow::default()))
        .collect()
}

pub fn add_referrer(map: &mut BTreeMap<Referrer, ReferrerFlow>, e: &Episode, period: Period) {
    let row = map.entry(e.referrer).or_default();
    if period.holds(e.referred_on) {
        row.referrals += 1;
    }
    if period.holds_opt(e.triaged_on).is_some() {
        match e.decided_route {
            Some(Route::Community) => row.community += 1,
            Some(Route::Team) => row.team += 1,
            Some(Route::Ambulant) => row.ambulant += 1,
            Some(Route::Residential) => row.residential += 1,
            None => {}
        }
    }
    if e.triaged_on.is_none() && period.holds_opt(e.closed_on).is_some() {
        row.closed_before_decision += 1;
    }
}

/// A referral in the period of a case whose previous episode closed within
/// 365 days before it (herhaald beroep).
pub fn is_re_referral(e: &Episode, period: Period) -> bool {
    period.holds(e.referred_on)
        && e.previous_closed_on
            .is_some_and(|c| days_between(c, e.referred_on) <= 365)
}

/// Every destination, zeros included.
pub fn destinations() -> BTreeMap<Destination, usize> {
    Destination::ALL.iter().map(|&d| (d, 0)).collect()
}

/// One provider's flow.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ProviderFlow {
    pub inflow: usize,
    pub outflow: usize,
    pub open_at_end: usize,
    pub median_wait_to_care_days: Option<i64>,
}

/// Per provider, attributed to the provider at the event (care start,
/// close, `to`); cases without a provider are not in it.
#[derive(Debug, Default)]
pub struct Providers {
    rows: BTreeMap<String, (ProviderFlow, Vec<i64>)>,
}

impl Providers {
    /// `started`, `closed`, `open`: whether the episode is in the inflow, the
    /// outflow and open at the end.
    pub fn add(&mut self, e: &Episode, started: bool, closed: bool, open: bool) {
        if started {
            if let (Some(p), Some(s)) = (&e.started_provider, e.care_started_on) {
                let row = self.row(p);
                row.0.inflow += 1;
                row.1.push(days_between(e.referred_on, s));
            }
        }
        if let Some(p) = e.provider.as_ref().filter(|_| closed) {
            self.row(p).0.outflow += 1;
        }
        if let Some(p) = e.provider.as_ref().filter(|_| open) {
            self.row(p).0.open_at_end += 1;
        }
    }

    fn row(&mut self, provider: &str) -> &mut (ProviderFlow, Vec<i64>) {
        self.rows.entry(provider.to_string()).or_default()
    }

    pub fn finish(self) -> BTreeMap<String, ProviderFlow> {
        self.rows
            .into_iter()
            .map(|(p, (mut flow, waits))| {
                flow.median_wait_to_care_days = Percentiles::of(waits).median;
                (p, flow)
            })
            .collect()
    }
}

/// Young people in care on the day before their 18th birthday, with the
/// birthday in the period, and what followed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Turning18 {
    pub count: usize,
    /// Perspective plan `ok` on the birthday.
    pub plan_ok: usize,
    /// Not closed within 30 days after the birthday.
    pub extended: usize,
    /// Closed within 30 days after it.
    pub ended: usize,
    /// Of those, with follow-up (SPEC 1.6).
    pub ended_with_follow_up: usize,
}

/// Days after the 18th birthday within which a close counts as ending care.
pub const ENDED_WITHIN_DAYS: u64 = 30;

/// The 18th birthday of an episode's young person when it lies in the
/// period and they were in care the day before; None otherwise (also
/// without a birth date).
pub fn eighteenth_in_care(e: &Episode, period: Period) -> Option<NaiveDate> {
    let day = birthday(e.birth_date?, 18);
    let eve = day.pred_opt()?;
    (period.holds(day) && e.open_in_care_at(eve)).then_some(day)
}

impl Turning18 {
    pub fn add(&mut self, e: &Episode, period: Period) {
        let Some(day) = eighteenth_in_care(e, period) else {
            return;
        };
        self.count += 1;
        if e.plan_ok_at_18 == Some(true) {
            self.plan_ok += 1;
        }
        let horizon = day + Days::new(ENDED_WITHIN_DAYS);
        if horizon > period.to {
            return; // fewer than 30 days to see what followed
        }
        if e.closed_on.is_some_and(|c| c <= horizon) {
            self.ended += 1;
            if e.destination.is_some_and(Destination::is_follow_up) {
                self.ended_with_follow_up += 1;
            }
        } else {
            self.extended += 1;
        }
    }
}

/// Trajectories of one care type (CBS style).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct TrajectoryFlow {
    pub started: usize,
    pub ended: usize,
    pub open_at_end: usize,
    /// Mean days over those ended in the period, one decimal.
    pub mean_length_days: Option<f64>,
}

/// Trajectories per care type, every care type listed.
#[derive(Debug)]
pub struct Trajectories {
    rows: BTreeMap<CareType, (TrajectoryFlow, i64)>,
}

impl Default for Trajectories {
    fn default() -> Trajectories {
        Trajectories {
            rows: CareType::ALL.iter().map(|&t| (t, Default::default())).collect(),
        }
    }
}

impl Trajectories {
    pub fn add(&mut self, e: &Episode, period: Period) {
        for t in &e.trajectories {
            let (row, length_sum) = self.rows.entry(t.care_type).or_default();
            if period.holds(t.started_on) {
                row.started += 1;
            }
            if let Some(end) = period.holds_opt(t.ended_on) {
                row.ended += 1;
                *length_sum += days_between(t.started_on, end);
            }
            if t.started_on <= period.to && t.ended_on.is_none_or(|end| end > period.to) {
                row.open_at_end += 1;
            }
        }
    }

    pub fn finish(self) -> BTreeMap<CareType, TrajectoryFlow> {
        self.rows
            .into_iter()
            .map(|(t, (mut row, sum))| {
                row.mean_length_days = tenths(sum, row.ended as i64);
                (t, row)
            })
            .collect()
    }
}
