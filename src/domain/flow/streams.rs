//! The newer flow figures of SPEC 4: where the outflow went, lead times per
//! step, referral streams and their routes, re-referrals, providers, young
//! people turning 18, and trajectories per care type. Each is a tally that
//! takes the episodes one by one (`add`), so the whole report is one pass.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use serde::Serialize;

use super::median_and_p90;
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
        let (median, p90) = median_and_p90(&mut days);
        Percentiles {
            count: days.len(),
            median,
            p90,
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

/// The days of each step that fell in the period, per urgency: a list
/// per step (in `LeadStep::ALL` order) and urgency (regular, urgent).
#[derive(Debug, Default)]
pub struct LeadTimes {
    days: [[Vec<i64>; 2]; 4],
}

impl LeadTimes {
    pub fn add(&mut self, e: &Episode, period: Period) {
        let steps = [
            (Some(e.referred_on), e.intake_on),
            (e.intake_on, e.triaged_on),
            (e.triaged_on, e.care_started_on),
            (Some(e.referred_on), e.care_started_on),
        ];
        let urgency = match e.urgency {
            Urgency::Regular => 0,
            Urgency::Urgent => 1,
        };
        for (days, (start, end)) in self.days.iter_mut().zip(steps) {
            if let (Some(start), Some(end)) = (start, period.holds_opt(end)) {
                days[urgency].push(days_between(start, end));
            }
        }
    }

    pub fn finish(self) -> BTreeMap<LeadStep, LeadTime> {
        LeadStep::ALL
            .iter()
            .zip(self.days)
            .map(|(&step, [regular, urgent])| {
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
                self.with_row(p, |row| {
                    row.0.inflow += 1;
                    row.1.push(days_between(e.referred_on, s));
                });
            }
        }
        if let Some(p) = e.provider.as_ref().filter(|_| closed) {
            self.with_row(p, |row| row.0.outflow += 1);
        }
        if let Some(p) = e.provider.as_ref().filter(|_| open) {
            self.with_row(p, |row| row.0.open_at_end += 1);
        }
    }

    /// Changes the provider's row; its name is copied only the first time
    /// (a report at scale meets the same few providers over and over).
    fn with_row(&mut self, provider: &str, change: impl FnOnce(&mut (ProviderFlow, Vec<i64>))) {
        if let Some(row) = self.rows.get_mut(provider) {
            change(row);
            return;
        }
        let mut row = Default::default();
        change(&mut row);
        self.rows.insert(provider.to_string(), row);
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
            if e.destination.is_some_and(Destination::has_follow_up) {
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
            rows: CareType::ALL
                .iter()
                .map(|&t| (t, Default::default()))
                .collect(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::parse_date;
    use crate::domain::flow::flow;
    use crate::domain::{CareType, Route};

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn year() -> Period {
        Period {
            from: d("2026-01-01"),
            to: d("2026-12-31"),
        }
    }

    /// Referred, intake, decision and care on the given dates.
    fn path(referred: &str, intake: &str, decided: &str, care: Option<&str>) -> Episode {
        Episode {
            referred_on: d(referred),
            intake_on: Some(d(intake)),
            triaged_on: Some(d(decided)),
            decided_route: Some(Route::Ambulant),
            care_started_on: care.map(d),
            started_care_type: care.map(|_| CareType::AmbulantHome),
            care_type: care.map(|_| CareType::AmbulantHome),
            ..Episode::default()
        }
    }

    #[test]
    fn percentiles_on_one_two_and_ten_values() {
        assert_eq!(
            Percentiles::of(vec![]),
            Percentiles {
                count: 0,
                median: None,
                p90: None
            }
        );
        assert_eq!(Percentiles::of(vec![7]).median, Some(7));
        assert_eq!(Percentiles::of(vec![7]).p90, Some(7));
        // Two values: median rank ⌈1⌉ = 1, p90 rank ⌈1.8⌉ = 2.
        let two = Percentiles::of(vec![30, 10]);
        assert_eq!((two.median, two.p90), (Some(10), Some(30)));
        // Ten values: median rank 5, p90 rank 9.
        let ten = Percentiles::of((1..=10).rev().collect());
        assert_eq!((ten.count, ten.median, ten.p90), (10, Some(5), Some(9)));
    }

    #[test]
    fn lead_times_count_steps_on_the_first_and_last_day_and_split_by_urgency() {
        let eps = [
            // Intake on the period's first day: 10 days; the referral was before it.
            path("2025-12-22", "2026-01-01", "2026-01-20", None),
            // Care starts on the last day: decision 30 days before.
            Episode {
                urgency: Urgency::Urgent,
                ..path("2026-11-01", "2026-11-05", "2026-12-01", Some("2026-12-31"))
            },
            // Everything the day after the period: not counted.
            path("2027-01-01", "2027-01-01", "2027-01-01", Some("2027-01-01")),
            // Intake the day before the period: not counted for that step.
            path("2025-12-01", "2025-12-31", "2026-01-10", Some("2026-02-01")),
        ];
        let r = flow(&eps, year().from, year().to).unwrap();
        let t = &r.lead_times;
        let intake = t[&LeadStep::ReferralToIntake];
        assert_eq!((intake.all.count, intake.all.median), (2, Some(4)));
        // Values 10 and 4: sorted [4, 10], median 4, p90 10.
        assert_eq!(intake.all.p90, Some(10));
        assert_eq!(intake.urgent.count, 1);
        assert_eq!(intake.urgent.median, Some(4));
        assert_eq!(intake.regular.median, Some(10));
        let decision = t[&LeadStep::IntakeToDecision];
        assert_eq!(decision.all.count, 3);
        let care = t[&LeadStep::DecisionToCare];
        assert_eq!(
            (care.all.count, care.all.median, care.all.p90),
            (2, Some(22), Some(30))
        );
        assert_eq!(care.urgent.median, Some(30));
        let whole = t[&LeadStep::ReferralToCare];
        assert_eq!(whole.all.p90, Some(62));
        let json = serde_json::to_value(t).unwrap();
        assert_eq!(
            json["decision_to_care"],
            serde_json::json!({"count": 2, "median": 22, "p90": 30,
                "regular": {"count": 1, "median": 22, "p90": 22},
                "urgent": {"count": 1, "median": 30, "p90": 30}})
        );
    }

    #[test]
    fn an_empty_period_gives_zeros_and_nulls_not_errors() {
        let r = flow(&[], year().from, year().to).unwrap();
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(
            json["lead_times"]["referral_to_care"],
            serde_json::json!({"count": 0, "median": null, "p90": null,
                "regular": {"count": 0, "median": null, "p90": null},
                "urgent": {"count": 0, "median": null, "p90": null}})
        );
        assert_eq!(json["by_destination"].as_object().unwrap().len(), 8);
        assert_eq!(json["by_destination"]["wmo"], 0);
        assert_eq!(json["by_referrer"].as_object().unwrap().len(), 9);
        assert_eq!(
            json["by_referrer"]["gp"],
            serde_json::json!({"referrals": 0, "community": 0, "team": 0, "ambulant": 0,
                "residential": 0, "closed_before_decision": 0})
        );
        assert_eq!(json["re_referrals"], 0);
        assert_eq!(json["by_provider"], serde_json::json!({}));
        assert_eq!(
            json["turning_18"],
            serde_json::json!({"count": 0, "plan_ok": 0, "extended": 0, "ended": 0,
                "ended_with_follow_up": 0})
        );
        assert_eq!(
            json["trajectories_by_care_type"]["foster_care"],
            serde_json::json!({"started": 0, "ended": 0, "open_at_end": 0,
                "mean_length_days": null})
        );
    }

    #[test]
    fn referral_streams_routes_and_closes_before_a_decision() {
        let gp = |e: Episode| Episode {
            referrer: Referrer::Gp,
            ..e
        };
        let eps = [
            gp(path("2026-01-01", "2026-01-05", "2026-01-10", None)),
            gp(Episode {
                decided_route: Some(Route::Community),
                closed_on: Some(d("2026-01-10")),
                ..path("2025-12-01", "2025-12-05", "2026-01-10", None)
            }),
            // Withdrawn on the last day without a decision.
            gp(Episode {
                referred_on: d("2026-12-01"),
                closed_on: Some(d("2026-12-31")),
                ..Episode::default()
            }),
            // Decided the day after the period.
            Episode {
                referrer: Referrer::School,
                ..path("2026-12-01", "2026-12-02", "2027-01-01", None)
            },
        ];
        let r = flow(&eps, year().from, year().to).unwrap();
        let gp = r.by_referrer[&Referrer::Gp];
        assert_eq!(
            gp,
            ReferrerFlow {
                referrals: 2,
                community: 1,
                team: 0,
                ambulant: 1,
                residential: 0,
                closed_before_decision: 1
            }
        );
        assert_eq!(gp.decisions(), 2);
        let school = r.by_referrer[&Referrer::School];
        assert_eq!((school.referrals, school.decisions()), (1, 0));
    }

    #[test]
    fn re_referrals_within_365_days_of_the_previous_close() {
        let again = |closed: &str, referred: &str| Episode {
            number: 2,
            referred_on: d(referred),
            previous_closed_on: Some(d(closed)),
            ..Episode::default()
        };
        let eps = [
            again("2025-01-01", "2026-01-01"), // 365 days: counts
            again("2024-12-31", "2026-01-01"), // 366 days: not
            again("2026-06-01", "2026-12-31"), // last day: counts
            again("2026-06-01", "2027-01-01"), // after the period
            Episode {
                referred_on: d("2026-03-01"),
                ..Episode::default()
            },
        ];
        assert_eq!(flow(&eps, year().from, year().to).unwrap().re_referrals, 2);
    }

    #[test]
    fn destinations_and_providers_at_their_events() {
        let eps = [
            Episode {
                closed_on: Some(d("2026-05-01")),
                destination: Some(Destination::Wmo),
                started_provider: Some("Kompas".into()),
                provider: Some("Horizon".into()),
                ..path("2026-01-01", "2026-01-02", "2026-01-03", Some("2026-01-11"))
            },
            Episode {
                started_provider: Some("Kompas".into()),
                provider: Some("Kompas".into()),
                ..path("2026-01-01", "2026-01-02", "2026-01-03", Some("2026-01-31"))
            },
            // Closed without care: a referral, not outflow.
            Episode {
                referred_on: d("2026-02-01"),
                closed_on: Some(d("2026-02-02")),
                destination: Some(Destination::None),
                ..Episode::default()
            },
        ];
        let r = flow(&eps, year().from, year().to).unwrap();
        assert_eq!(r.by_destination[&Destination::Wmo], 1);
        assert_eq!(r.by_destination[&Destination::None], 0);
        assert_eq!(r.by_destination.values().sum::<usize>(), r.outflow);
        assert_eq!(
            r.by_provider["Kompas"],
            ProviderFlow {
                inflow: 2,
                outflow: 0,
                open_at_end: 1,
                median_wait_to_care_days: Some(10)
            }
        );
        assert_eq!(
            r.by_provider["Horizon"],
            ProviderFlow {
                inflow: 0,
                outflow: 1,
                open_at_end: 0,
                median_wait_to_care_days: None
            }
        );
        assert_eq!(r.by_provider.len(), 2);
    }

    fn in_care(birth: Option<&str>, closed: Option<&str>) -> Episode {
        Episode {
            birth_date: birth.map(d),
            closed_on: closed.map(d),
            ..path("2024-01-01", "2024-01-02", "2024-01-03", Some("2024-02-01"))
        }
    }

    #[test]
    fn turning_18_on_the_birthday_with_the_30_day_rule() {
        let eps = [
            // Birthday 1 Jan 2026 (first day); plan ok; closed 31 Jan (30 days) to Wmo.
            Episode {
                plan_ok_at_18: Some(true),
                destination: Some(Destination::Wmo),
                ..in_care(Some("2008-01-01"), Some("2026-01-31"))
            },
            // Closed 31 days after: extended.
            in_care(Some("2008-03-01"), Some("2026-04-01")),
            // Closed within 30 days, destination unknown: ended, no follow-up.
            Episode {
                destination: Some(Destination::Unknown),
                ..in_care(Some("2008-05-01"), Some("2026-05-02"))
            },
            // Born 29 Feb 2008: 18 on 1 March 2026; closed on the eve: not in care then.
            in_care(Some("2008-02-29"), Some("2026-02-28")),
            // Birthday on the last day: count only.
            Episode {
                plan_ok_at_18: Some(false),
                ..in_care(Some("2008-12-31"), None)
            },
            // Birthday 2 Dec: fewer than 30 days before the end: count only.
            in_care(Some("2008-12-02"), None),
            // Birthday 1 Dec: exactly 30 days before: measured (extended).
            in_care(Some("2008-12-01"), None),
            // No birth date; a birthday outside the period.
            in_care(None, None),
            in_care(Some("2007-12-31"), None),
        ];
        let r = flow(&eps, year().from, year().to).unwrap();
        assert_eq!(
            r.turning_18,
            Turning18 {
                count: 6,
                plan_ok: 1,
                extended: 2,
                ended: 2,
                ended_with_follow_up: 1
            }
        );
    }

    #[test]
    fn a_29_february_birthday_is_1_march_in_a_common_year() {
        let e = in_care(Some("2008-02-29"), None);
        let march = Period {
            from: d("2026-03-01"),
            to: d("2026-03-01"),
        };
        assert_eq!(eighteenth_in_care(&e, march), Some(d("2026-03-01")));
        let february = Period {
            from: d("2026-02-01"),
            to: d("2026-02-28"),
        };
        assert_eq!(eighteenth_in_care(&e, february), None);
        // In care only from the birthday itself: not in care the day before.
        let late = Episode {
            care_started_on: Some(d("2026-03-01")),
            ..e
        };
        assert_eq!(eighteenth_in_care(&late, march), None);
    }

    #[test]
    fn trajectories_per_care_type_across_steps_and_reopenings() {
        use crate::domain::flow::Trajectory;
        let t = |care_type, from: &str, to: Option<&str>| Trajectory {
            care_type,
            started_on: d(from),
            ended_on: to.map(d),
        };
        let eps = [
            Episode {
                trajectories: vec![
                    t(CareType::Residential, "2025-06-01", Some("2026-01-01")),
                    t(CareType::FamilyHome, "2026-01-01", Some("2026-12-31")),
                ],
                ..Episode::default()
            },
            // The case reopened: a second episode's trajectory.
            Episode {
                number: 2,
                trajectories: vec![t(CareType::FamilyHome, "2026-03-01", None)],
                ..Episode::default()
            },
        ];
        let r = flow(&eps, year().from, year().to).unwrap();
        let res = r.trajectories_by_care_type[&CareType::Residential];
        assert_eq!((res.started, res.ended, res.open_at_end), (0, 1, 0));
        assert_eq!(res.mean_length_days, Some(214.0));
        let home = r.trajectories_by_care_type[&CareType::FamilyHome];
        assert_eq!((home.started, home.ended, home.open_at_end), (2, 1, 1));
        assert_eq!(home.mean_length_days, Some(364.0));
    }
}
