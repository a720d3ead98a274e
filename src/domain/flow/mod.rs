//! Flow figures (SPEC 4): referrals, inflow into care, outflow, the balance
//! between them, durations and waits, for a period of inclusive dates.
//!
//! Flow counts referral episodes (`super::episode`), not cases: a reopened
//! case is a new referral.
//!
//! Choices where SPEC 4 is silent:
//! - `by_care_type` counts inflow under the care type with which care
//!   started, outflow and `open_at_end` under the care type at the close or at
//!   `to` (after a step up or down these differ), so each column adds up to
//!   its total.
//! - `mean_duration_days` is rounded to one decimal like `balance_pct`.
//! - The monthly series covers each calendar month the period touches,
//!   counting only dates inside the period, so the months add up to the
//!   period's figures.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::codes::CareType;
use super::dates::days_between;
use super::figures::{percent, tenths};
use super::msg::Msg;

pub use super::episode::{Episode, Trajectory, episodes};

pub mod streams;

use super::codes::Referrer;
use super::destination::Destination;
pub use streams::{
    LeadStep, LeadTime, Percentiles, Period, ProviderFlow, ReferrerFlow, TrajectoryFlow, Turning18,
};

/// `<1y`, `1-2y`, `2y+`: the outflow by duration of care.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DurationBands {
    /// Less than 365 days.
    #[serde(rename = "<1y")]
    pub under_1y: usize,
    /// 365 to 729 days.
    #[serde(rename = "1-2y")]
    pub from_1y_to_2y: usize,
    /// 730 days or more.
    #[serde(rename = "2y+")]
    pub over_2y: usize,
}

impl DurationBands {
    const ONE_YEAR: i64 = 365;
    const TWO_YEARS: i64 = 730;

    pub fn add(&mut self, days: i64) {
        if days < Self::ONE_YEAR {
            self.under_1y += 1;
        } else if days < Self::TWO_YEARS {
            self.from_1y_to_2y += 1;
        } else {
            self.over_2y += 1;
        }
    }
}

/// Inflow, outflow and open cases of one care type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CareTypeFlow {
    pub inflow: usize,
    pub outflow: usize,
    pub open_at_end: usize,
}

/// One calendar month of the flow chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthFlow {
    /// `YYYY-MM`.
    pub month: String,
    pub referrals: usize,
    pub inflow: usize,
    pub outflow: usize,
}

/// The figures of SPEC 4 for [from, to]; JSON keys are the spec's names.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlowReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub referrals: usize,
    pub inflow: usize,
    pub outflow: usize,
    /// (outflow − inflow) / inflow × 100, one decimal; None without inflow.
    pub balance_pct: Option<f64>,
    pub open_at_end: usize,
    /// None without outflow.
    pub mean_duration_days: Option<f64>,
    pub duration_bands: DurationBands,
    /// Nearest-rank percentiles of the days from referral to care start over
    /// the inflow; None without inflow.
    pub median_wait_to_care_days: Option<i64>,
    pub p90_wait_to_care_days: Option<i64>,
    /// Every care type, in code order.
    pub by_care_type: BTreeMap<CareType, CareTypeFlow>,
    /// The outflow per destination (SPEC 1.6), every code listed.
    pub by_destination: BTreeMap<Destination, usize>,
    pub lead_times: BTreeMap<LeadStep, LeadTime>,
    pub by_referrer: BTreeMap<Referrer, ReferrerFlow>,
    pub re_referrals: usize,
    pub by_provider: BTreeMap<String, ProviderFlow>,
    pub turning_18: Turning18,
    pub trajectories_by_care_type: BTreeMap<CareType, TrajectoryFlow>,
    pub monthly: Vec<MonthFlow>,
}

/// Refuses a period that ends before it starts.
pub fn check_period(from: NaiveDate, to: NaiveDate) -> Result<(), Msg> {
    if to < from {
        return Err(Msg::new("flow.period_reversed")
            .arg("from", from)
            .arg("to", to));
    }
    Ok(())
}

/// The flow figures for [from, to] from every episode as it stood at `to`
/// (see `Store::episodes`): a [`Tally`] of them.
pub fn flow(episodes: &[Episode], from: NaiveDate, to: NaiveDate) -> Result<FlowReport, Msg> {
    let mut tally = Tally::new(from, to)?;
    for e in episodes {
        tally.add(e);
    }
    Ok(tally.finish())
}

/// The flow figures of a period taken one episode at a time, in any order:
/// `add` every episode that touches the period as it stood at `to`, then
/// `finish`. The store streams its rows into one (`Store::flow`), so a
/// report at country scale holds no list of episodes; only the waits and
/// lead times are kept, for their percentiles.
pub struct Tally {
    period: Period,
    months: Months,
    by_care_type: BTreeMap<CareType, CareTypeFlow>,
    referrals: usize,
    waits: Vec<i64>,
    outflow: usize,
    duration_sum: i64,
    duration_bands: DurationBands,
    open_at_end: usize,
    more: More,
}

impl Tally {
    /// An empty tally for [from, to]; a reversed period is refused.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Tally, Msg> {
        check_period(from, to)?;
        Ok(Tally {
            period: Period { from, to },
            months: Months::new(from, to),
            by_care_type: CareType::ALL
                .iter()
                .map(|&t| (t, CareTypeFlow::default()))
                .collect(),
            referrals: 0,
            waits: Vec::new(),
            outflow: 0,
            duration_sum: 0,
            duration_bands: DurationBands::default(),
            open_at_end: 0,
            more: More::default(),
        })
    }

    /// Counts one episode.
    pub fn add(&mut self, e: &Episode) {
        let period = self.period;
        let within = |d: NaiveDate| period.holds(d);
        self.more.add(e, period);
        if within(e.referred_on) {
            self.referrals += 1;
            self.months.at(e.referred_on).referrals += 1;
        }
        let Some(started) = e.care_started_on else {
            return;
        };
        let (starts, open) = (within(started), e.open_in_care_at(period.to));
        let closes = e.closed_on.filter(|&c| within(c));
        self.more.providers.add(e, starts, closes.is_some(), open);
        if starts {
            self.waits.push(days_between(e.referred_on, started));
            self.months.at(started).inflow += 1;
            if let Some(t) = e.started_care_type {
                self.by_care_type.entry(t).or_default().inflow += 1;
            }
        }
        if let Some(closed) = closes {
            self.outflow += 1;
            let days = days_between(started, closed);
            self.duration_sum += days;
            self.duration_bands.add(days);
            self.months.at(closed).outflow += 1;
            if let Some(t) = e.care_type {
                self.by_care_type.entry(t).or_default().outflow += 1;
            }
            let destination = e.destination.unwrap_or(Destination::Unknown);
            *self.more.by_destination.entry(destination).or_default() += 1;
        }
        if open {
            self.open_at_end += 1;
            if let Some(t) = e.care_type {
                self.by_care_type.entry(t).or_default().open_at_end += 1;
            }
        }
    }

    /// The figures of every episode added.
    pub fn finish(self) -> FlowReport {
        let mut waits = self.waits;
        let (median_wait, p90_wait) = median_and_p90(&mut waits);
        let inflow = waits.len();
        let (outflow, more) = (self.outflow, self.more);
        FlowReport {
            from: self.period.from,
            to: self.period.to,
            referrals: self.referrals,
            inflow,
            outflow,
            balance_pct: percent(outflow as i64 - inflow as i64, inflow as i64),
            open_at_end: self.open_at_end,
            mean_duration_days: tenths(self.duration_sum, outflow as i64),
            duration_bands: self.duration_bands,
            median_wait_to_care_days: median_wait,
            p90_wait_to_care_days: p90_wait,
            by_care_type: self.by_care_type,
            by_destination: more.by_destination,
            lead_times: more.lead_times.finish(),
            by_referrer: more.by_referrer,
            re_referrals: more.re_referrals,
            by_provider: more.providers.finish(),
            turning_18: more.turning_18,
            trajectories_by_care_type: more.trajectories.finish(),
            monthly: self.months.into_rows(),
        }
    }
}

/// The tallies of the newer figures (`streams`), filled in the same pass.
struct More {
    by_destination: BTreeMap<Destination, usize>,
    lead_times: streams::LeadTimes,
    by_referrer: BTreeMap<Referrer, ReferrerFlow>,
    re_referrals: usize,
    providers: streams::Providers,
    turning_18: Turning18,
    trajectories: streams::Trajectories,
}

impl Default for More {
    fn default() -> More {
        More {
            by_destination: streams::destinations(),
            lead_times: Default::default(),
            by_referrer: streams::referrers(),
            re_referrals: 0,
            providers: Default::default(),
            turning_18: Default::default(),
            trajectories: Default::default(),
        }
    }
}

impl More {
    fn add(&mut self, e: &Episode, period: Period) {
        self.lead_times.add(e, period);
        streams::add_referrer(&mut self.by_referrer, e, period);
        if streams::is_re_referral(e, period) {
            self.re_referrals += 1;
        }
        self.turning_18.add(e, period);
        self.trajectories.add(e, period);
    }
}

/// The nearest-rank `p`th percentile of sorted values: the value at rank
/// ⌈p/100 × n⌉ (1-based). None for no values.
pub fn nearest_rank(sorted: &[i64], p: usize) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    Some(sorted[rank - 1])
}

/// The nearest-rank median and 90th percentile of some values (None for
/// none): what `nearest_rank` gives on them sorted, found by selection in
/// linear time instead (the values are left reordered). A report at
/// country scale takes these of hundreds of thousands of waits.
pub fn median_and_p90(values: &mut [i64]) -> (Option<i64>, Option<i64>) {
    let n = values.len();
    if n == 0 {
        return (None, None);
    }
    let index = |p: usize| (p * n).div_ceil(100).max(1) - 1;
    let (median_at, p90_at) = (index(50), index(90));
    let (below, &mut p90, _) = values.select_nth_unstable(p90_at);
    // Everything before the p90's place is at most it, so the median (at
    // or before that place) is the same rank among those.
    let median = if median_at == p90_at {
        p90
    } else {
        *below.select_nth_unstable(median_at).1
    };
    (Some(median), Some(p90))
}

/// The calendar months of a period, indexed by their distance from the first.
struct Months {
    first: (i32, u32),
    rows: Vec<MonthFlow>,
}

impl Months {
    fn new(from: NaiveDate, to: NaiveDate) -> Months {
        let first = (from.year(), from.month());
        let count = Self::offset(first, to) + 1;
        let rows = (0..count)
            .map(|i| {
                let n = first.0 * 12 + first.1 as i32 - 1 + i as i32;
                MonthFlow {
                    month: format!("{:04}-{:02}", n.div_euclid(12), n.rem_euclid(12) + 1),
                    referrals: 0,
                    inflow: 0,
                    outflow: 0,
                }
            })
            .collect();
        Months { first, rows }
    }

    fn offset(first: (i32, u32), d: NaiveDate) -> usize {
        ((d.year() - first.0) * 12 + d.month() as i32 - first.1 as i32) as usize
    }

    /// The month of `d`, which lies inside the period.
    fn at(&mut self, d: NaiveDate) -> &mut MonthFlow {
        &mut self.rows[Self::offset(self.first, d)]
    }

    fn into_rows(self) -> Vec<MonthFlow> {
        self.rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case::{Change, Event, Move, Referral};
    use crate::domain::codes::{OutflowReason, Route, Stage, Urgency};
    use crate::domain::dates::parse_date;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn ep(referred: &str, started: Option<&str>, closed: Option<&str>, t: CareType) -> Episode {
        Episode {
            case_id: 1,
            number: 1,
            referred_on: d(referred),
            care_started_on: started.map(d),
            closed_on: closed.map(d),
            started_care_type: started.map(|_| t),
            care_type: started.map(|_| t),
            ..Episode::default()
        }
    }

    fn year_2026(episodes: &[Episode]) -> FlowReport {
        flow(episodes, d("2026-01-01"), d("2026-12-31")).unwrap()
    }

    fn moved(on: &str, seq: i64, m: Move) -> Event {
        Event {
            on: d(on),
            seq,
            change: Change::Moved(m),
        }
    }

    fn to(stage: Stage) -> Move {
        Move::to(stage)
    }

    fn closing(reason: OutflowReason) -> Move {
        Move {
            reason: Some(reason),
            ..Move::to(Stage::Closed)
        }
    }

    /// Referred 2025, team care in 2025, closed, reopened in 2026, then
    /// residential care after a wait, stepped down to a family home.
    fn reopened_history() -> Vec<Event> {
        vec![
            Event {
                on: d("2025-02-03"),
                seq: 1,
                change: Change::Referred(Referral {
                    referrer: Referrer::School,
                    urgency: Urgency::Regular,
                    worker: None,
                }),
            },
            moved("2025-02-10", 2, to(Stage::Intake)),
            moved("2025-02-20", 3, to(Stage::Triage)),
            moved(
                "2025-03-01",
                4,
                Move {
                    route: Some(Route::Team),
                    care_type: Some(CareType::Team),
                    ..to(Stage::InCare)
                },
            ),
            moved("2025-11-30", 5, closing(OutflowReason::GoalsMet)),
            moved("2026-03-02", 6, to(Stage::Referred)),
            moved("2026-03-05", 7, to(Stage::Intake)),
            moved("2026-03-09", 8, to(Stage::Triage)),
            moved(
                "2026-03-16",
                9,
                Move {
                    route: Some(Route::Residential),
                    care_type: Some(CareType::Residential),
                    ..to(Stage::Waiting)
                },
            ),
            moved("2026-05-01", 10, to(Stage::InCare)),
            moved("2026-08-01", 11, to(Stage::Evaluation)),
            moved(
                "2026-08-03",
                12,
                Move {
                    care_type: Some(CareType::FamilyHome),
                    route: Some(Route::Residential),
                    ..to(Stage::InCare)
                },
            ),
        ]
    }

    #[test]
    fn a_reopened_case_has_two_episodes_with_their_own_dates() {
        let eps = episodes(9, &reopened_history());
        let facts: Vec<_> = eps
            .iter()
            .map(|e| {
                (
                    e.case_id,
                    e.number,
                    e.referred_on,
                    e.care_started_on,
                    e.closed_on,
                    e.started_care_type,
                    e.care_type,
                    e.previous_closed_on,
                )
            })
            .collect();
        assert_eq!(
            facts,
            [
                (
                    9,
                    1,
                    d("2025-02-03"),
                    Some(d("2025-03-01")),
                    Some(d("2025-11-30")),
                    Some(CareType::Team),
                    Some(CareType::Team),
                    None,
                ),
                (
                    9,
                    2,
                    d("2026-03-02"),
                    Some(d("2026-05-01")),
                    None,
                    Some(CareType::Residential),
                    Some(CareType::FamilyHome),
                    Some(d("2025-11-30")),
                ),
            ]
        );
        assert_eq!(eps[0].triaged_on, Some(d("2025-03-01")));
        assert_eq!(eps[0].decided_route, Some(Route::Team));
        assert_eq!(eps[0].destination, Some(Destination::Unknown));
        assert_eq!(eps[1].decided_route, Some(Route::Residential));
        assert_eq!(eps[1].intake_on, Some(d("2026-03-05")));
        assert_eq!(eps[1].destination, None);
        // Team care in episode 1; residential, then a family home after the
        // step straight back into care, in episode 2.
        let trajectory = |t, from: &str, to: Option<&str>| Trajectory {
            care_type: t,
            started_on: d(from),
            ended_on: to.map(d),
        };
        assert_eq!(
            eps[0].trajectories,
            [trajectory(CareType::Team, "2025-03-01", Some("2025-11-30"))]
        );
        assert_eq!(
            eps[1].trajectories,
            [
                trajectory(CareType::Residential, "2026-05-01", Some("2026-08-03")),
                trajectory(CareType::FamilyHome, "2026-08-03", None),
            ]
        );
        assert!(episodes(9, &[]).is_empty());
    }

    #[test]
    fn a_reopened_case_counts_as_a_new_referral_in_flow() {
        let eps = episodes(9, &reopened_history());
        let r = flow(&eps, d("2025-01-01"), d("2026-12-31")).unwrap();
        assert_eq!(
            (r.referrals, r.inflow, r.outflow, r.open_at_end),
            (2, 2, 1, 1)
        );
        // Waits: 26 days (team) and 60 days (residential), each from its own referral.
        assert_eq!(r.median_wait_to_care_days, Some(26));
        assert_eq!(r.p90_wait_to_care_days, Some(60));
        let y = year_2026(&eps);
        assert_eq!(
            (y.referrals, y.inflow, y.outflow, y.open_at_end),
            (1, 1, 0, 1)
        );
        assert_eq!(y.by_care_type[&CareType::Residential].inflow, 1);
        assert_eq!(y.by_care_type[&CareType::FamilyHome].open_at_end, 1);
        assert_eq!(y.by_care_type[&CareType::Residential].open_at_end, 0);
        let y2025 = flow(&eps, d("2025-01-01"), d("2025-12-31")).unwrap();
        assert_eq!((y2025.outflow, y2025.open_at_end), (1, 0));
        assert_eq!(y2025.mean_duration_days, Some(274.0));
        assert_eq!(y2025.by_care_type[&CareType::Team].outflow, 1);
    }

    #[test]
    fn counts_by_the_dates_inside_the_period() {
        let eps = [
            // Referred before the period, care in it, closed in it.
            ep(
                "2025-11-01",
                Some("2026-01-01"),
                Some("2026-12-31"),
                CareType::DayCare,
            ),
            // Care started before the period; still open at the end.
            ep("2025-01-01", Some("2025-02-01"), None, CareType::FosterCare),
            // Closed after the period (as seen later): open at the end.
            ep(
                "2026-06-01",
                Some("2026-07-01"),
                Some("2027-01-01"),
                CareType::AmbulantHome,
            ),
            // Withdrawn without care: a referral, not outflow.
            Episode {
                closed_on: Some(d("2026-03-01")),
                ..ep("2026-02-01", None, None, CareType::Team)
            },
            // Still waiting.
            ep("2026-12-31", None, None, CareType::Team),
            // Referred after the period.
            ep("2027-01-01", None, None, CareType::Team),
        ];
        let r = year_2026(&eps);
        assert_eq!(r.referrals, 3);
        assert_eq!(r.inflow, 2);
        assert_eq!(r.outflow, 1);
        assert_eq!(r.open_at_end, 2);
        assert_eq!(r.balance_pct, Some(-50.0));
        assert_eq!(r.mean_duration_days, Some(364.0));
        assert_eq!(r.by_care_type.len(), CareType::ALL.len());
        assert_eq!(
            r.by_care_type[&CareType::FosterCare],
            CareTypeFlow {
                inflow: 0,
                outflow: 0,
                open_at_end: 1
            }
        );
        assert_eq!(
            r.by_care_type[&CareType::DayCare],
            CareTypeFlow {
                inflow: 1,
                outflow: 1,
                open_at_end: 0
            }
        );
    }

    #[test]
    fn duration_bands_at_364_365_729_730_days() {
        let closed = |days: u64| {
            let start = d("2024-01-01");
            let end = start + chrono::Days::new(days);
            Episode {
                care_started_on: Some(start),
                closed_on: Some(end),
                ..ep("2023-12-01", Some("2024-01-01"), None, CareType::Team)
            }
        };
        let eps: Vec<_> = [364, 365, 729, 730, 2000].map(closed).to_vec();
        let r = flow(&eps, d("2024-01-01"), d("2030-12-31")).unwrap();
        assert_eq!(
            r.duration_bands,
            DurationBands {
                under_1y: 1,
                from_1y_to_2y: 2,
                over_2y: 2
            }
        );
        // (364 + 365 + 729 + 730 + 2000) / 5 = 837.6
        assert_eq!(r.mean_duration_days, Some(837.6));
        let json = serde_json::to_value(r.duration_bands).unwrap();
        assert_eq!(json, serde_json::json!({"<1y": 1, "1-2y": 2, "2y+": 2}));
    }

    #[test]
    fn nearest_rank_percentiles() {
        assert_eq!(nearest_rank(&[], 50), None);
        assert_eq!(nearest_rank(&[7], 50), Some(7));
        assert_eq!(nearest_rank(&[7], 90), Some(7));
        // n = 4: median rank ⌈2⌉ = 2; p90 rank ⌈3.6⌉ = 4.
        assert_eq!(nearest_rank(&[1, 2, 3, 4], 50), Some(2));
        assert_eq!(nearest_rank(&[1, 2, 3, 4], 90), Some(4));
        // n = 10: p90 rank 9 exactly; n = 11: ⌈9.9⌉ = 10.
        let ten: Vec<i64> = (1..=10).collect();
        assert_eq!(nearest_rank(&ten, 90), Some(9));
        assert_eq!(nearest_rank(&ten, 50), Some(5));
        let eleven: Vec<i64> = (1..=11).collect();
        assert_eq!(nearest_rank(&eleven, 90), Some(10));
        assert_eq!(nearest_rank(&eleven, 50), Some(6));
    }

    #[test]
    fn waits_to_care_over_the_inflow() {
        let start = |referred: &str, started: &str| {
            ep(referred, Some(started), None, CareType::AmbulantProvider)
        };
        let eps = [
            start("2026-01-01", "2026-01-11"), // 10
            start("2026-01-01", "2026-03-02"), // 60
            start("2026-02-01", "2026-02-21"), // 20
            start("2025-12-02", "2026-01-01"), // 30
            start("2025-01-01", "2025-06-01"), // before the period
        ];
        let r = year_2026(&eps);
        assert_eq!(r.inflow, 4);
        assert_eq!(r.median_wait_to_care_days, Some(20));
        assert_eq!(r.p90_wait_to_care_days, Some(60));
        assert_eq!(r.balance_pct, Some(-100.0));
        assert_eq!(r.mean_duration_days, None);
    }

    #[test]
    fn balance_is_rounded_to_one_decimal_and_null_without_inflow() {
        let started = ep("2026-01-01", Some("2026-02-01"), None, CareType::Team);
        let closed = ep(
            "2025-01-01",
            Some("2025-02-01"),
            Some("2026-03-01"),
            CareType::Team,
        );
        // outflow 2, inflow 3 → −33.333… → −33.3
        let eps = [
            started.clone(),
            started.clone(),
            started.clone(),
            closed.clone(),
            closed.clone(),
        ];
        assert_eq!(year_2026(&eps).balance_pct, Some(-33.3));
        // outflow 1, inflow 16 → −93.75 → −93.8
        let mut many = vec![started.clone(); 16];
        many.push(closed.clone());
        assert_eq!(year_2026(&many).balance_pct, Some(-93.8));
        // outflow 3, inflow 2 → +50.0
        let eps = [
            started.clone(),
            started,
            closed.clone(),
            closed.clone(),
            closed,
        ];
        assert_eq!(year_2026(&eps).balance_pct, Some(50.0));
        let only_out = [ep(
            "2025-01-01",
            Some("2025-02-01"),
            Some("2026-03-01"),
            CareType::Team,
        )];
        let r = year_2026(&only_out);
        assert_eq!(r.balance_pct, None);
        assert_eq!(r.median_wait_to_care_days, None);
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["balance_pct"], serde_json::Value::Null);
    }

    #[test]
    fn monthly_series_covers_the_months_of_the_period() {
        let eps = [
            ep(
                "2026-01-31",
                Some("2026-02-01"),
                Some("2026-03-31"),
                CareType::Team,
            ),
            ep("2025-12-31", Some("2026-01-15"), None, CareType::Team),
            ep("2026-03-15", None, None, CareType::Team),
        ];
        let r = flow(&eps, d("2026-01-15"), d("2026-03-15")).unwrap();
        let months: Vec<_> = r
            .monthly
            .iter()
            .map(|m| (m.month.as_str(), m.referrals, m.inflow, m.outflow))
            .collect();
        assert_eq!(
            months,
            [
                ("2026-01", 1, 1, 0),
                ("2026-02", 0, 1, 0),
                ("2026-03", 1, 0, 0),
            ]
        );
        let across_years = flow(&[], d("2025-11-30"), d("2026-02-01")).unwrap();
        let names: Vec<_> = across_years
            .monthly
            .iter()
            .map(|m| m.month.as_str())
            .collect();
        assert_eq!(names, ["2025-11", "2025-12", "2026-01", "2026-02"]);
    }

    #[test]
    fn a_reversed_period_is_refused() {
        let err = flow(&[], d("2026-02-01"), d("2026-01-31")).unwrap_err();
        assert_eq!(err.key, "flow.period_reversed");
        assert_eq!(
            flow(&[], d("2026-02-01"), d("2026-02-01"))
                .unwrap()
                .monthly
                .len(),
            1
        );
    }

    #[test]
    fn report_keys_are_the_spec_names() {
        let r = year_2026(&[]);
        let json = serde_json::to_value(&r).unwrap();
        for key in [
            "referrals",
            "inflow",
            "outflow",
            "balance_pct",
            "open_at_end",
            "mean_duration_days",
            "duration_bands",
            "median_wait_to_care_days",
            "p90_wait_to_care_days",
            "by_care_type",
        ] {
            assert!(json.get(key).is_some(), "{key} missing");
        }
        assert_eq!(
            json["by_care_type"]["foster_care"],
            serde_json::json!({"inflow": 0, "outflow": 0, "open_at_end": 0})
        );
        assert_eq!(json["monthly"].as_array().unwrap().len(), 12);
    }

    proptest! {
        #[test]
        fn percentiles_are_values_with_enough_below(mut v in prop::collection::vec(0i64..500, 1..60)) {
            v.sort_unstable();
            for p in [50, 90] {
                let x = nearest_rank(&v, p).unwrap();
                let at_or_below = v.iter().filter(|&&y| y <= x).count();
                let below = v.iter().filter(|&&y| y < x).count();
                // At least p % of the values lie at or below it, fewer below.
                prop_assert!(at_or_below * 100 >= p * v.len());
                prop_assert!(below * 100 < p * v.len());
            }
        }

        #[test]
        fn selection_gives_the_nearest_ranks_of_the_sorted_values(
            mut v in prop::collection::vec(-5i64..500, 0..80),
        ) {
            let mut sorted = v.clone();
            sorted.sort_unstable();
            let want = (nearest_rank(&sorted, 50), nearest_rank(&sorted, 90));
            prop_assert_eq!(median_and_p90(&mut v), want);
        }

        #[test]
        fn months_add_up_to_the_period(
            days in prop::collection::vec((0u64..500, prop::option::of(0u64..200), prop::option::of(0u64..400)), 0..30),
            from_off in 0u64..200,
            len in 0u64..300,
        ) {
            let base = d("2025-06-01");
            let eps: Vec<Episode> = days
                .iter()
                .map(|&(r, s, c)| {
                    let referred = base + chrono::Days::new(r);
                    let started = s.map(|s| referred + chrono::Days::new(s));
                    let closed = started.and_then(|st| c.map(|c| st + chrono::Days::new(c)));
                    Episode {
                        case_id: 1,
                        number: 1,
                        referred_on: referred,
                        care_started_on: started,
                        closed_on: closed,
                        started_care_type: started.map(|_| CareType::Team),
                        care_type: started.map(|_| CareType::Team),
                        ..Episode::default()
                    }
                })
                .collect();
            let from = base + chrono::Days::new(from_off);
            let to = from + chrono::Days::new(len);
            let r = flow(&eps, from, to).unwrap();
            let sum = |f: fn(&MonthFlow) -> usize| r.monthly.iter().map(f).sum::<usize>();
            prop_assert_eq!(sum(|m| m.referrals), r.referrals);
            prop_assert_eq!(sum(|m| m.inflow), r.inflow);
            prop_assert_eq!(sum(|m| m.outflow), r.outflow);
            let bands = r.duration_bands;
            prop_assert_eq!(bands.under_1y + bands.from_1y_to_2y + bands.over_2y, r.outflow);
            let by_type = |f: fn(&CareTypeFlow) -> usize| r.by_care_type.values().map(f).sum::<usize>();
            prop_assert_eq!(by_type(|t| t.inflow), r.inflow);
            prop_assert_eq!(by_type(|t| t.outflow), r.outflow);
            prop_assert_eq!(by_type(|t| t.open_at_end), r.open_at_end);
        }
    }
}
