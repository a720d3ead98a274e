//! The stoplight outflow board (SPEC 3): for every case in care, a colour and
//! every rule that fired, as of a date, from the reviews of the preconditions
//! for outflow (randvoorwaarden).
//!
//! Where SPEC 3.2 leaves a case open, these rules decide:
//! - Without a birth date the age rules (`turning_18_no_plan`,
//!   `plan_missing_16`) cannot fire: the age is unknown.
//! - Before 16, `perspective_plan` marked `na` is ignored like any `na`;
//!   from 16 it counts as `missing` for the two age rules (SPEC 3.2). When
//!   the team's configuration drops `perspective_plan`, the age rules do not
//!   fire (a review could never make them pass).
//! - A case waiting for a next provider after a step is on the board; its
//!   follow-up wait is the care queue's clock against the care norm of its
//!   urgency.
//! - Only reviews of the case's current referral episode count: after a
//!   reopening the board starts afresh, as for a new referral.
//! - Without a planned end date, `end_passed` and `missing_near_end` cannot
//!   fire; `no_end_date` says so.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use super::case::Case;
use super::codes::{CareType, Stage, Status};
use super::dates::{birthday, days_between};
use super::figures::percent;
use super::review::{Review, standing_at};
use super::snapshot::Snapshot;
use super::waitlist::{Norm, Signal, SignalCounts};

/// The precondition the age rules look at.
pub const PERSPECTIVE_PLAN: &str = "perspective_plan";
/// `missing_near_end`: a precondition missing this close to the planned end.
const NEAR_END_DAYS: i64 = 90;
/// `turning_18_no_plan`: turning 18 within this many days.
const EIGHTEEN_WITHIN_DAYS: i64 = 183;
/// The age at which a perspective plan is expected.
const PLAN_AGE: i32 = 16;
const ADULT_AGE: i32 = 18;
/// `review_missed`: no review this long after care started.
const FIRST_REVIEW_DAYS: i64 = 60;
/// `review_missed`: the next review date passed this long ago.
const REVIEW_GRACE_DAYS: i64 = 31;

/// Where a case stands with its reviews; in a fired rule, how late.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lateness {
    /// No review yet in this episode; care started `days_in_care` days ago.
    NeverReviewed {
        care_started_on: NaiveDate,
        days_in_care: i64,
    },
    /// The latest review set this next review date; `days_overdue` days
    /// have passed since (negative while it lies ahead).
    Overdue {
        last_review_on: NaiveDate,
        next_review_on: NaiveDate,
        days_overdue: i64,
    },
}

/// One rule of SPEC 3.2 that fired, with what a person needs to act on it.
/// Serialises as its rule code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// Red: the planned end lies `days_past` days behind.
    EndPassed {
        planned_end_on: NaiveDate,
        days_past: i64,
    },
    /// Red: these preconditions are missing and the planned end is
    /// `days_to_end` days away (negative once passed).
    MissingNearEnd {
        codes: Vec<String>,
        planned_end_on: NaiveDate,
        days_to_end: i64,
    },
    /// Red: turns (or turned) 18 on `turns_18_on` and the perspective plan
    /// stands at `plan` (missing or partial).
    Turning18NoPlan {
        turns_18_on: NaiveDate,
        plan: Status,
    },
    /// Red: a review is seriously late.
    ReviewMissed(Lateness),
    /// Orange: these preconditions are missing.
    Missing { codes: Vec<String> },
    /// Orange: these preconditions are being arranged.
    Partial { codes: Vec<String> },
    /// Orange: a review is due.
    ReviewDue(Lateness),
    /// Orange: no planned end date.
    NoEndDate,
    /// Red: waiting for a next provider after a step, over the care norm.
    FollowUpOverNorm(FollowUpWait),
    /// Orange: `age` ≥ 16 and the perspective plan is missing.
    PlanMissing16 { age: i32 },
    /// Orange: waiting for a next provider after a step, within the norm.
    FollowUpWaiting(FollowUpWait),
}

/// How long a stepped case has waited for its next provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowUpWait {
    pub waiting_since: NaiveDate,
    pub wait_days: i64,
    pub norm_days: u32,
}

impl Reason {
    /// The rule codes in the order of SPEC 3.2 (red ones first).
    pub const CODES: [&'static str; 11] = [
        "end_passed",
        "missing_near_end",
        "turning_18_no_plan",
        "review_missed",
        "follow_up_over_norm",
        "missing",
        "partial",
        "review_due",
        "no_end_date",
        "plan_missing_16",
        "follow_up_waiting",
    ];
    /// How many of `CODES` are red.
    const RED: usize = 5;
    /// Kind of the rule codes, for their labels (`stoplight_rule.<code>`).
    pub const KIND: &'static str = "stoplight_rule";

    /// Position of the rule in SPEC 3.2.
    pub fn rank(&self) -> usize {
        match self {
            Reason::EndPassed { .. } => 0,
            Reason::MissingNearEnd { .. } => 1,
            Reason::Turning18NoPlan { .. } => 2,
            Reason::ReviewMissed(_) => 3,
            Reason::FollowUpOverNorm(_) => 4,
            Reason::Missing { .. } => 5,
            Reason::Partial { .. } => 6,
            Reason::ReviewDue(_) => 7,
            Reason::NoEndDate => 8,
            Reason::PlanMissing16 { .. } => 9,
            Reason::FollowUpWaiting(_) => 10,
        }
    }

    pub fn code(&self) -> &'static str {
        Self::CODES[self.rank()]
    }

    pub fn label_key(&self) -> String {
        format!("{}.{}", Self::KIND, self.code())
    }

    /// The colour this rule gives a case.
    pub fn signal(&self) -> Signal {
        if self.rank() < Self::RED {
            Signal::Red
        } else {
            Signal::Orange
        }
    }
}

impl Serialize for Reason {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// Each configured precondition with its effective status, in the order of
/// the configuration. Serialises as an object `code → status`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Criteria(pub Vec<(String, Status)>);

impl Criteria {
    pub fn get(&self, code: &str) -> Option<Status> {
        self.0.iter().find(|(c, _)| c == code).map(|(_, s)| *s)
    }

    /// The codes standing at `status`, in configured order.
    pub fn with(&self, status: Status) -> Vec<String> {
        self.0
            .iter()
            .filter(|(_, s)| *s == status)
            .map(|(c, _)| c.clone())
            .collect()
    }
}

impl Serialize for Criteria {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (code, status) in &self.0 {
            map.serialize_entry(code, status)?;
        }
        map.end()
    }
}

/// One case on the board. Serialises to exactly the columns of a stoplight
/// export row (SPEC 7.2) without personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoplightRow {
    #[serde(skip)]
    pub case_id: i64,
    /// `in_care`, `evaluation`, or `waiting` after a step.
    #[serde(skip)]
    pub stage: Stage,
    pub case_ref: String,
    pub color: Signal,
    /// Every rule that fired, in the order of SPEC 3.2.
    pub reasons: Vec<Reason>,
    pub criteria: Criteria,
    pub last_review_on: Option<NaiveDate>,
    pub next_review_on: Option<NaiveDate>,
    pub planned_end_on: Option<NaiveDate>,
    pub care_started_on: Option<NaiveDate>,
    pub provider: Option<String>,
    pub care_type: Option<CareType>,
    pub worker: Option<String>,
    pub age: Option<i32>,
}

impl StoplightRow {
    pub fn codes(&self) -> Vec<&'static str> {
        self.reasons.iter().map(Reason::code).collect()
    }
}

/// The board as of the snapshot date: every case on the board (in care, in
/// evaluation, or waiting for a next provider after a step), red first, then
/// orange, then green; within a colour the most reasons first, then by case
/// reference. `care_norm` is the care queue's norm (SPEC 2).
pub fn stoplight(
    snapshot: &Snapshot,
    preconditions: &[String],
    care_norm: Norm,
) -> Vec<StoplightRow> {
    stoplight_into(snapshot, preconditions, care_norm, |row| row)
}

/// What the board's order looks at: colour, number of reasons, case
/// reference.
pub trait OnBoard {
    fn board_key(&self) -> (Signal, usize, &str);
}

impl OnBoard for StoplightRow {
    fn board_key(&self) -> (Signal, usize, &str) {
        (self.color, self.reasons.len(), &self.case_ref)
    }
}

/// The board of `stoplight`, each row turned into `T` as soon as it is
/// judged, so a caller keeping a smaller form (the desk) never holds every
/// full row at once.
pub fn stoplight_into<T: OnBoard>(
    snapshot: &Snapshot,
    preconditions: &[String],
    care_norm: Norm,
    mut keep: impl FnMut(StoplightRow) -> T,
) -> Vec<T> {
    let mut rows: Vec<T> = snapshot
        .cases
        .iter()
        .filter(|c| c.on_board())
        .map(|c| {
            keep(evaluate(
                c,
                snapshot.reviews_of(c.id),
                snapshot.as_of,
                preconditions,
                care_norm,
            ))
        })
        .collect();
    board_order(&mut rows);
    rows
}

/// Puts rows in board order: red first, most reasons first, then by case
/// reference (unique, so rows judged in parts sort to the same board).
pub fn board_order<T: OnBoard>(rows: &mut [T]) {
    rows.sort_by(|a, b| {
        let (ac, an, ar) = a.board_key();
        let (bc, bn, br) = b.board_key();
        (bc, bn, ar).cmp(&(ac, an, br))
    });
}

/// Evaluates one case as of `as_of`. `reviews` are the case's reviews in
/// date order (later ones are ignored); `preconditions` the configured codes.
pub fn evaluate(
    case: &Case,
    reviews: &[Review],
    as_of: NaiveDate,
    preconditions: &[String],
    care_norm: Norm,
) -> StoplightRow {
    // Reviews of an earlier episode say nothing about this referral.
    let episode = &reviews[reviews.partition_point(|r| r.on < case.referred_on)..];
    let (latest, standing) = standing_at(episode, as_of);
    let criteria = Criteria(
        preconditions
            .iter()
            .map(|code| {
                let status = standing.get(code).copied().unwrap_or(Status::Missing);
                (code.clone(), status)
            })
            .collect(),
    );
    let facts = Facts {
        as_of,
        planned_end_on: case.planned_end_on,
        care_started_on: case.care_started_on.unwrap_or(case.stage_since),
        latest,
        plan: criteria.get(PERSPECTIVE_PLAN),
        turns_18_on: case.birth_date.map(|b| birthday(b, ADULT_AGE)),
        age: case.age_on(as_of),
        follow_up: follow_up_wait(case, as_of, care_norm),
    };
    let reasons = facts.reasons(&criteria);
    StoplightRow {
        case_id: case.id,
        stage: case.stage,
        case_ref: case.case_ref.clone(),
        color: color_of(&reasons),
        reasons,
        criteria,
        last_review_on: latest.map(|r| r.on),
        next_review_on: latest.map(|r| r.next_on),
        planned_end_on: case.planned_end_on,
        care_started_on: case.care_started_on,
        provider: case.provider.clone(),
        care_type: case.care_type,
        worker: case.worker.clone(),
        age: facts.age,
    }
}

/// The wait of a case stepped to `waiting` within an episode whose care had
/// started; None for any other case.
pub fn follow_up_wait(case: &Case, as_of: NaiveDate, care_norm: Norm) -> Option<FollowUpWait> {
    (case.stage == Stage::Waiting && case.care_started_on.is_some()).then(|| {
        let waiting_since = case.waiting_since.unwrap_or(case.stage_since);
        FollowUpWait {
            waiting_since,
            wait_days: days_between(waiting_since, as_of),
            norm_days: care_norm.days(case.urgency),
        }
    })
}

/// Red when a red rule fired, else orange when any rule fired, else green.
pub fn color_of(reasons: &[Reason]) -> Signal {
    reasons
        .iter()
        .map(Reason::signal)
        .max()
        .unwrap_or(Signal::Green)
}

/// What the rules of one case look at.
struct Facts<'a> {
    as_of: NaiveDate,
    planned_end_on: Option<NaiveDate>,
    care_started_on: NaiveDate,
    latest: Option<&'a Review>,
    /// None when `perspective_plan` is not a configured precondition.
    plan: Option<Status>,
    turns_18_on: Option<NaiveDate>,
    age: Option<i32>,
    follow_up: Option<FollowUpWait>,
}

impl Facts<'_> {
    /// Every rule that fires, in the order of SPEC 3.2.
    fn reasons(&self, criteria: &Criteria) -> Vec<Reason> {
        let d = self.as_of;
        let missing = criteria.with(Status::Missing);
        let partial = criteria.with(Status::Partial);
        let mut out = Vec::new();
        if let Some(end) = self.planned_end_on {
            if end < d {
                out.push(Reason::EndPassed {
                    planned_end_on: end,
                    days_past: days_between(end, d),
                });
            }
            if !missing.is_empty() && days_between(d, end) <= NEAR_END_DAYS {
                out.push(Reason::MissingNearEnd {
                    codes: missing.clone(),
                    planned_end_on: end,
                    days_to_end: days_between(d, end),
                });
            }
        }
        let age_plan = self.age_plan();
        if let (Some(turns_18_on), Some(plan @ (Status::Missing | Status::Partial))) =
            (self.turns_18_on, age_plan)
            && days_between(d, turns_18_on) <= EIGHTEEN_WITHIN_DAYS
        {
            out.push(Reason::Turning18NoPlan { turns_18_on, plan });
        }
        let late = self.lateness();
        if late.is_missed() {
            out.push(Reason::ReviewMissed(late.clone()));
        }
        let follow_up = self.follow_up;
        if let Some(w) = follow_up.filter(|w| w.wait_days > i64::from(w.norm_days)) {
            out.push(Reason::FollowUpOverNorm(w));
        }
        if !missing.is_empty() {
            out.push(Reason::Missing { codes: missing });
        }
        if !partial.is_empty() {
            out.push(Reason::Partial { codes: partial });
        }
        if late.is_due() {
            out.push(Reason::ReviewDue(late));
        }
        if self.planned_end_on.is_none() {
            out.push(Reason::NoEndDate);
        }
        if let (Some(age), Some(Status::Missing)) = (self.age, age_plan)
            && age >= PLAN_AGE
        {
            out.push(Reason::PlanMissing16 { age });
        }
        if let Some(w) = follow_up.filter(|w| w.wait_days <= i64::from(w.norm_days)) {
            out.push(Reason::FollowUpWaiting(w));
        }
        out
    }

    /// The perspective plan as the age rules see it: from 16 a plan always
    /// applies, so `na` counts as `missing`.
    fn age_plan(&self) -> Option<Status> {
        match (self.plan, self.age) {
            (Some(Status::Na), Some(age)) if age >= PLAN_AGE => Some(Status::Missing),
            (plan, _) => plan,
        }
    }

    /// Where the case stands with its reviews: never reviewed, or how many
    /// days past the latest review's next date (negative before it).
    fn lateness(&self) -> Lateness {
        match self.latest {
            None => Lateness::NeverReviewed {
                care_started_on: self.care_started_on,
                days_in_care: days_between(self.care_started_on, self.as_of),
            },
            Some(r) => Lateness::Overdue {
                last_review_on: r.on,
                next_review_on: r.next_on,
                days_overdue: days_between(r.next_on, self.as_of),
            },
        }
    }
}

impl Lateness {
    /// `review_missed`: no review and care started more than 60 days ago,
    /// or the next review date passed more than 31 days ago.
    pub fn is_missed(&self) -> bool {
        match self {
            Lateness::NeverReviewed { days_in_care, .. } => *days_in_care > FIRST_REVIEW_DAYS,
            Lateness::Overdue { days_overdue, .. } => *days_overdue > REVIEW_GRACE_DAYS,
        }
    }

    /// `review_due`: no review yet, or the next review date has passed.
    pub fn is_due(&self) -> bool {
        match self {
            Lateness::NeverReviewed { .. } => true,
            Lateness::Overdue { days_overdue, .. } => *days_overdue > 0,
        }
    }
}

/// Counts of one group on the board.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColorTally<K> {
    /// The provider or care type; None for cases without one.
    pub key: Option<K>,
    pub total: usize,
    pub green: usize,
    pub orange: usize,
    pub red: usize,
    /// Red as a percentage of the group, one decimal.
    pub share_red_pct: f64,
}

/// SPEC 3.3: the board per provider and per care type, what the team
/// discusses with the municipality.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoplightAggregate {
    pub all: ColorTally<String>,
    /// Ordered by provider name; cases without a provider last.
    pub by_provider: Vec<ColorTally<String>>,
    /// In the order of the care type codes.
    pub by_care_type: Vec<ColorTally<CareType>>,
}

/// Aggregates board rows (SPEC 3.3).
pub fn aggregate(rows: &[StoplightRow]) -> StoplightAggregate {
    let mut tally = BoardTally::default();
    for row in rows {
        tally.add(row);
    }
    tally.finish()
}

/// The aggregate of one board built row by row, so a report over many
/// dates keeps counts instead of rows (the council report's share red).
#[derive(Debug, Clone, Default)]
pub struct BoardTally {
    all: SignalCounts,
    providers: HashMap<Option<String>, SignalCounts>,
    care_types: HashMap<Option<CareType>, SignalCounts>,
}

impl BoardTally {
    pub fn add(&mut self, row: &StoplightRow) {
        self.all.add(row.color);
        match self.providers.get_mut(&row.provider) {
            Some(c) => c.add(row.color),
            None => self
                .providers
                .entry(row.provider.clone())
                .or_default()
                .add(row.color),
        }
        self.care_types
            .entry(row.care_type)
            .or_default()
            .add(row.color);
    }

    /// `add` for a row kept in another form (the desk's compact rows).
    pub fn add_parts(
        &mut self,
        color: Signal,
        provider: Option<&str>,
        care_type: Option<CareType>,
    ) {
        self.all.add(color);
        self.providers
            .entry(provider.map(str::to_owned))
            .or_default()
            .add(color);
        self.care_types.entry(care_type).or_default().add(color);
    }

    pub fn finish(self) -> StoplightAggregate {
        let mut by_provider: Vec<_> = self
            .providers
            .into_iter()
            .map(|(k, c)| tally(k, c))
            .collect();
        by_provider.sort_by(|a, b| (a.key.is_none(), &a.key).cmp(&(b.key.is_none(), &b.key)));
        let mut by_care_type: Vec<_> = self
            .care_types
            .into_iter()
            .map(|(k, c)| tally(k, c))
            .collect();
        by_care_type.sort_by_key(|t| (t.key.is_none(), t.key));
        StoplightAggregate {
            all: tally(None, self.all),
            by_provider,
            by_care_type,
        }
    }
}

fn tally<K>(key: Option<K>, c: SignalCounts) -> ColorTally<K> {
    ColorTally {
        key,
        total: c.total,
        green: c.green,
        orange: c.orange,
        red: c.red,
        share_red_pct: percent(c.red as i64, c.total as i64).unwrap_or(0.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case::Referral;
    use crate::domain::codes::{Referrer, Urgency};
    use crate::domain::dates::{parse_date, plus_one_month};
    use proptest::prelude::*;

    const AS_OF: &str = "2026-06-15";
    const CARE: Norm = Norm {
        regular: 70,
        urgent: 7,
    };

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn codes() -> Vec<String> {
        [
            "follow_up_care",
            "housing",
            "education_work",
            "income",
            "insurance_18",
            "network",
            "perspective_plan",
        ]
        .map(String::from)
        .to_vec()
    }

    /// A 13-year-old in foster care since January, ending in December.
    fn in_care() -> Case {
        let referral = Referral {
            referrer: Referrer::Gi,
            urgency: Urgency::Regular,
            worker: Some("Bram".into()),
        };
        let mut c = Case::referred(7, "2026-0007", d("2025-11-03"), &referral);
        c.stage = Stage::InCare;
        c.stage_since = d("2026-01-05");
        c.route = Some(crate::domain::Route::Residential);
        c.care_type = Some(CareType::FosterCare);
        c.provider = Some("Pleegzorg Oost".into());
        c.care_started_on = Some(d("2026-01-05"));
        c.planned_end_on = Some(d("2026-12-31"));
        c.birth_date = Some(d("2012-09-01"));
        c
    }

    fn review(id: i64, on: &str, pairs: &[(&str, Status)]) -> Review {
        Review {
            id,
            case_id: 7,
            on: d(on),
            next_on: plus_one_month(d(on)),
            note: None,
            statuses: pairs.iter().map(|(c, s)| (c.to_string(), *s)).collect(),
        }
    }

    fn all(status: Status) -> Vec<(&'static str, Status)> {
        [
            "follow_up_care",
            "housing",
            "education_work",
            "income",
            "insurance_18",
            "network",
            "perspective_plan",
        ]
        .map(|c| (c, status))
        .to_vec()
    }

    fn all_ok_on(on: &str) -> Review {
        review(1, on, &all(Status::Ok))
    }

    fn eval_on(case: &Case, reviews: &[Review], as_of: &str) -> StoplightRow {
        evaluate(case, reviews, d(as_of), &codes(), CARE)
    }

    fn eval(case: &Case, reviews: &[Review]) -> StoplightRow {
        eval_on(case, reviews, AS_OF)
    }

    #[test]
    fn all_in_place_is_green() {
        let row = eval(&in_care(), &[all_ok_on("2026-06-01")]);
        assert_eq!(row.color, Signal::Green);
        assert!(row.reasons.is_empty());
        assert_eq!(row.last_review_on, Some(d("2026-06-01")));
        assert_eq!(row.next_review_on, Some(d("2026-07-01")));
        assert_eq!(row.age, Some(13));
    }

    #[test]
    fn end_passed_the_day_after_the_planned_end() {
        let mut c = in_care();
        let reviews = [all_ok_on("2026-06-01")];
        c.planned_end_on = Some(d("2026-06-16"));
        assert_eq!(eval(&c, &reviews).color, Signal::Green);
        c.planned_end_on = Some(d("2026-06-15"));
        assert_eq!(eval(&c, &reviews).color, Signal::Green);
        c.planned_end_on = Some(d("2026-06-14"));
        let row = eval(&c, &reviews);
        assert_eq!(row.color, Signal::Red);
        assert_eq!(
            row.reasons,
            [Reason::EndPassed {
                planned_end_on: d("2026-06-14"),
                days_past: 1
            }]
        );
    }

    #[test]
    fn missing_is_red_within_90_days_of_the_end() {
        let mut c = in_care();
        let mut pairs = all(Status::Ok);
        pairs[1].1 = Status::Missing;
        pairs[3].1 = Status::Missing;
        let reviews = [review(1, "2026-06-01", &pairs)];
        // D + 90 = 2026-09-13.
        c.planned_end_on = Some(d("2026-09-14"));
        let row = eval(&c, &reviews);
        assert_eq!(row.color, Signal::Orange);
        assert_eq!(row.codes(), ["missing"]);
        c.planned_end_on = Some(d("2026-09-13"));
        let row = eval(&c, &reviews);
        assert_eq!(row.color, Signal::Red);
        assert_eq!(row.codes(), ["missing_near_end", "missing"]);
        assert_eq!(
            row.reasons[0],
            Reason::MissingNearEnd {
                codes: vec!["housing".into(), "income".into()],
                planned_end_on: d("2026-09-13"),
                days_to_end: 90
            }
        );
        c.planned_end_on = Some(d("2026-09-12"));
        assert_eq!(eval(&c, &reviews).codes(), ["missing_near_end", "missing"]);
        // Past the end both red rules fire.
        c.planned_end_on = Some(d("2026-06-01"));
        assert_eq!(
            eval(&c, &reviews).codes(),
            ["end_passed", "missing_near_end", "missing"]
        );
    }

    #[test]
    fn turning_18_within_183_days_without_a_plan() {
        let mut c = in_care();
        let mut pairs = all(Status::Ok);
        pairs[6].1 = Status::Partial;
        let reviews = [review(1, "2026-06-01", &pairs)];
        // D + 183 = 2026-12-15.
        c.birth_date = Some(d("2008-12-16"));
        assert_eq!(eval(&c, &reviews).codes(), ["partial"]);
        c.birth_date = Some(d("2008-12-15"));
        let row = eval(&c, &reviews);
        assert_eq!(row.color, Signal::Red);
        assert_eq!(
            row.reasons[0],
            Reason::Turning18NoPlan {
                turns_18_on: d("2026-12-15"),
                plan: Status::Partial
            }
        );
        c.birth_date = Some(d("2008-12-14"));
        assert_eq!(
            eval(&c, &reviews).codes(),
            ["turning_18_no_plan", "partial"]
        );
        // Already an adult: still red until the plan is in place.
        c.birth_date = Some(d("2007-03-01"));
        assert_eq!(eval(&c, &reviews).color, Signal::Red);
        assert_eq!(
            eval(&c, &[review(1, "2026-06-01", &all(Status::Ok))]).color,
            Signal::Green
        );
    }

    #[test]
    fn turning_18_on_a_leap_day_birthday_counts_from_1_march() {
        let mut c = in_care();
        c.birth_date = Some(d("2008-02-29"));
        c.care_started_on = Some(d("2025-06-02"));
        c.referred_on = d("2025-05-01");
        let mut pairs = all(Status::Ok);
        pairs[6].1 = Status::Partial;
        // 2026-03-01 − 183 days = 2025-08-30.
        let reviews = [review(1, "2025-08-20", &pairs)];
        assert_eq!(
            eval_on(&c, &reviews, "2025-08-29").codes(),
            ["partial"],
            "the day before"
        );
        let row = eval_on(&c, &reviews, "2025-08-30");
        assert_eq!(
            row.reasons[0],
            Reason::Turning18NoPlan {
                turns_18_on: d("2026-03-01"),
                plan: Status::Partial
            }
        );
        assert_eq!(row.age, Some(17));
    }

    #[test]
    fn never_reviewed_counts_as_missing_and_age_rules_need_the_plan() {
        let mut c = in_care();
        c.birth_date = Some(d("2008-12-15"));
        // Only some preconditions reviewed: the others, the plan among them,
        // count as missing.
        let reviews = [review(
            1,
            "2026-06-01",
            &[("housing", Status::Ok), ("income", Status::Ok)],
        )];
        let row = eval(&c, &reviews);
        assert_eq!(
            row.codes(),
            ["turning_18_no_plan", "missing", "plan_missing_16"]
        );
        assert_eq!(row.criteria.get("perspective_plan"), Some(Status::Missing));
        assert_eq!(row.criteria.get("housing"), Some(Status::Ok));
        assert_eq!(
            row.reasons[1],
            Reason::Missing {
                codes: [
                    "follow_up_care",
                    "education_work",
                    "insurance_18",
                    "network",
                    "perspective_plan"
                ]
                .map(String::from)
                .to_vec()
            }
        );
        assert_eq!(row.reasons[2], Reason::PlanMissing16 { age: 17 });
    }

    #[test]
    fn na_perspective_plan_counts_as_missing_from_sixteen() {
        let mut c = in_care();
        let na = [review(1, "2026-06-01", &all(Status::Na))];
        // 16 on 16 June: the day before, na is ignored like any na.
        c.birth_date = Some(d("2010-06-16"));
        let row = eval(&c, &na);
        assert_eq!(row.color, Signal::Green);
        assert_eq!(row.criteria.get("housing"), Some(Status::Na));
        // 16 on the as-of date: plan_missing_16 fires, the criteria keep na.
        c.birth_date = Some(d("2010-06-15"));
        let row = eval(&c, &na);
        assert_eq!(row.codes(), ["plan_missing_16"]);
        assert_eq!(row.criteria.get(PERSPECTIVE_PLAN), Some(Status::Na));
        // Turning 18 within 183 days with na: red.
        c.birth_date = Some(d("2008-12-15"));
        let row = eval(&c, &na);
        assert_eq!(row.codes(), ["turning_18_no_plan", "plan_missing_16"]);
        assert_eq!(row.color, Signal::Red);
    }

    fn stepped(wait_from: &str, urgency: Urgency) -> Case {
        let mut c = in_care();
        c.stage = Stage::Waiting;
        c.stage_since = d(wait_from);
        c.waiting_since = Some(d(wait_from));
        c.urgency = urgency;
        c
    }

    #[test]
    fn a_stepped_case_is_orange_until_the_care_norm_then_red() {
        let ok = [all_ok_on("2026-06-01")];
        // Regular norm 70: 70 days waiting is within, 71 over.
        let row = eval(&stepped("2026-04-06", Urgency::Regular), &ok);
        assert_eq!(row.codes(), ["follow_up_waiting"]);
        assert_eq!(row.color, Signal::Orange);
        let row = eval(&stepped("2026-04-05", Urgency::Regular), &ok);
        assert_eq!(row.codes(), ["follow_up_over_norm"]);
        assert_eq!(row.color, Signal::Red);
        let Reason::FollowUpOverNorm(w) = &row.reasons[0] else {
            panic!("{row:?}");
        };
        assert_eq!((w.wait_days, w.norm_days), (71, 70));
        // Urgent norm 7.
        assert_eq!(
            eval(&stepped("2026-06-08", Urgency::Urgent), &ok).codes(),
            ["follow_up_waiting"]
        );
        assert_eq!(
            eval(&stepped("2026-06-07", Urgency::Urgent), &ok).codes(),
            ["follow_up_over_norm"]
        );
    }

    #[test]
    fn only_stepped_waiting_cases_are_on_the_board() {
        let stepped = stepped("2026-06-01", Urgency::Regular);
        let mut first_wait = stepped.clone();
        first_wait.id = 8;
        first_wait.case_ref = "2026-0008".into();
        first_wait.care_started_on = None;
        assert!(stepped.on_board() && !first_wait.on_board());
        let snapshot = Snapshot {
            as_of: d(AS_OF),
            cases: vec![stepped, first_wait],
            reviews: HashMap::new(),
        };
        let rows = stoplight(&snapshot, &codes(), CARE);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].case_ref, "2026-0007");
        assert_eq!(rows[0].stage, Stage::Waiting);
    }

    #[test]
    fn without_birth_date_or_plan_precondition_the_age_rules_are_silent() {
        let mut c = in_care();
        c.birth_date = None;
        let row = eval(&c, &[]);
        assert!(!row.codes().contains(&"turning_18_no_plan"));
        assert!(!row.codes().contains(&"plan_missing_16"));
        assert_eq!(row.age, None);
        c.birth_date = Some(d("2008-01-01"));
        let without_plan: Vec<String> = codes()[..6].to_vec();
        let row = evaluate(&c, &[], d(AS_OF), &without_plan, CARE);
        assert_eq!(row.criteria.get(PERSPECTIVE_PLAN), None);
        assert!(!row.codes().contains(&"turning_18_no_plan"));
    }

    #[test]
    fn plan_missing_from_the_sixteenth_birthday() {
        let mut c = in_care();
        let mut pairs = all(Status::Ok);
        pairs[6].1 = Status::Missing;
        let reviews = [review(1, "2026-06-01", &pairs)];
        c.planned_end_on = Some(d("2027-12-31"));
        c.birth_date = Some(d("2010-06-16"));
        assert_eq!(eval(&c, &reviews).codes(), ["missing"]);
        c.birth_date = Some(d("2010-06-15"));
        let row = eval(&c, &reviews);
        assert_eq!(row.codes(), ["missing", "plan_missing_16"]);
        assert_eq!(row.color, Signal::Orange);
        // Being arranged is not missing.
        pairs[6].1 = Status::Partial;
        let row = eval(&c, &[review(1, "2026-06-01", &pairs)]);
        assert_eq!(row.codes(), ["partial"]);
    }

    #[test]
    fn first_review_is_missed_after_60_days_in_care() {
        let mut c = in_care();
        // D − 60 = 2026-04-16.
        c.care_started_on = Some(d("2026-04-16"));
        let row = eval(&c, &[]);
        assert_eq!(row.codes(), ["missing", "review_due"]);
        assert_eq!(row.color, Signal::Orange);
        assert_eq!(
            row.reasons[1],
            Reason::ReviewDue(Lateness::NeverReviewed {
                care_started_on: d("2026-04-16"),
                days_in_care: 60
            })
        );
        c.care_started_on = Some(d("2026-04-15"));
        let row = eval(&c, &[]);
        assert_eq!(row.codes(), ["review_missed", "missing", "review_due"]);
        assert_eq!(row.color, Signal::Red);
        assert_eq!(row.last_review_on, None);
    }

    #[test]
    fn review_due_after_the_next_date_and_missed_31_days_later() {
        let c = in_care();
        let with_next = |next: &str| {
            let mut r = all_ok_on("2026-04-01");
            r.next_on = d(next);
            eval(&c, &[r])
        };
        assert!(with_next("2026-06-15").reasons.is_empty());
        let row = with_next("2026-06-14");
        assert_eq!(
            row.reasons,
            [Reason::ReviewDue(Lateness::Overdue {
                last_review_on: d("2026-04-01"),
                next_review_on: d("2026-06-14"),
                days_overdue: 1
            })]
        );
        // D − 31 = 2026-05-15.
        assert_eq!(with_next("2026-05-15").codes(), ["review_due"]);
        let row = with_next("2026-05-14");
        assert_eq!(row.codes(), ["review_missed", "review_due"]);
        assert_eq!(row.color, Signal::Red);
    }

    #[test]
    fn month_end_review_is_due_after_the_clamped_date() {
        let c = in_care();
        // 31 January + 1 month = 28 February.
        let reviews = [all_ok_on("2026-01-31")];
        assert_eq!(reviews[0].next_on, d("2026-02-28"));
        assert!(eval_on(&c, &reviews, "2026-02-28").reasons.is_empty());
        assert_eq!(eval_on(&c, &reviews, "2026-03-01").codes(), ["review_due"]);
        assert_eq!(eval_on(&c, &reviews, "2026-03-31").codes(), ["review_due"]);
        assert_eq!(
            eval_on(&c, &reviews, "2026-04-01").codes(),
            ["review_missed", "review_due"]
        );
    }

    #[test]
    fn unmentioned_statuses_carry_over_and_later_reviews_wait() {
        let c = in_care();
        let mut first = all(Status::Ok);
        first[1].1 = Status::Missing;
        let reviews = [
            review(1, "2026-05-01", &first),
            review(2, "2026-06-01", &[("income", Status::Partial)]),
            review(3, "2026-06-20", &all(Status::Ok)),
        ];
        let row = eval(&c, &reviews);
        assert_eq!(row.criteria.get("housing"), Some(Status::Missing));
        assert_eq!(row.criteria.get("income"), Some(Status::Partial));
        assert_eq!(row.codes(), ["missing", "partial"]);
        assert_eq!(row.last_review_on, Some(d("2026-06-01")));
        assert!(eval_on(&c, &reviews, "2026-06-20").reasons.is_empty());
    }

    #[test]
    fn a_reopened_case_starts_the_board_afresh() {
        let mut c = in_care();
        // Second episode: referred again in 2026, in care since April.
        c.referred_on = d("2026-03-02");
        c.care_started_on = Some(d("2026-04-01"));
        let old = all_ok_on("2025-06-01");
        let row = eval(&c, &[old]);
        assert_eq!(row.last_review_on, None);
        assert_eq!(row.codes(), ["review_missed", "missing", "review_due"]);
    }

    #[test]
    fn every_fired_rule_is_listed_in_spec_order() {
        let mut c = in_care();
        c.birth_date = Some(d("2008-08-01"));
        c.planned_end_on = Some(d("2026-06-01"));
        let mut pairs = all(Status::Ok);
        pairs[0].1 = Status::Partial;
        pairs[1].1 = Status::Missing;
        pairs[6].1 = Status::Missing;
        let row = eval(&c, &[review(1, "2026-03-01", &pairs)]);
        assert_eq!(
            row.codes(),
            [
                "end_passed",
                "missing_near_end",
                "turning_18_no_plan",
                "review_missed",
                "missing",
                "partial",
                "review_due",
                "plan_missing_16"
            ]
        );
        c.planned_end_on = None;
        let row = eval(&c, &[review(1, "2026-06-01", &all(Status::Ok))]);
        assert_eq!(row.codes(), ["no_end_date"]);
        assert_eq!(row.color, Signal::Orange);
    }

    #[test]
    fn board_orders_red_first_then_most_reasons() {
        let mut green = in_care();
        green.id = 1;
        green.case_ref = "2026-0001".into();
        let mut orange = in_care();
        orange.id = 2;
        orange.case_ref = "2026-0002".into();
        orange.planned_end_on = None;
        let mut red_one = in_care();
        red_one.id = 3;
        red_one.case_ref = "2026-0004".into();
        red_one.planned_end_on = Some(d("2026-06-01"));
        let mut red_many = in_care();
        red_many.id = 4;
        red_many.case_ref = "2026-0003".into();
        let mut waiting = in_care();
        waiting.id = 5;
        waiting.stage = Stage::Waiting;
        waiting.care_started_on = None;
        let mut evaluation = in_care();
        evaluation.id = 6;
        evaluation.case_ref = "2026-0006".into();
        evaluation.stage = Stage::Evaluation;
        let ok = |id| {
            let mut r = all_ok_on("2026-06-01");
            r.case_id = id;
            r
        };
        let snapshot = Snapshot {
            as_of: d(AS_OF),
            cases: vec![green, orange, red_one, red_many, waiting, evaluation],
            reviews: [1, 2, 3, 6].map(|id| (id, vec![ok(id)])).into(),
        };
        let rows = stoplight(&snapshot, &codes(), CARE);
        let order: Vec<_> = rows
            .iter()
            .map(|r| (r.case_ref.as_str(), r.color))
            .collect();
        assert_eq!(
            order,
            [
                ("2026-0003", Signal::Red),
                ("2026-0004", Signal::Red),
                ("2026-0002", Signal::Orange),
                ("2026-0001", Signal::Green),
                ("2026-0006", Signal::Green),
            ]
        );
    }

    #[test]
    fn aggregate_per_provider_and_care_type() {
        let row = |provider: Option<&str>, care_type, color| StoplightRow {
            case_id: 0,
            stage: Stage::InCare,
            case_ref: String::new(),
            color,
            reasons: Vec::new(),
            criteria: Criteria::default(),
            last_review_on: None,
            next_review_on: None,
            planned_end_on: None,
            care_started_on: None,
            provider: provider.map(String::from),
            care_type: Some(care_type),
            worker: None,
            age: None,
        };
        let rows = [
            row(Some("Lindenhout"), CareType::Residential, Signal::Red),
            row(Some("Lindenhout"), CareType::FamilyHome, Signal::Green),
            row(Some("Lindenhout"), CareType::Residential, Signal::Orange),
            row(None, CareType::Team, Signal::Green),
            row(Some("Accare"), CareType::AmbulantProvider, Signal::Red),
        ];
        let agg = aggregate(&rows);
        assert_eq!((agg.all.total, agg.all.red), (5, 2));
        assert_eq!(agg.all.share_red_pct, 40.0);
        let providers: Vec<_> = agg
            .by_provider
            .iter()
            .map(|t| (t.key.as_deref(), t.total, t.red, t.share_red_pct))
            .collect();
        assert_eq!(
            providers,
            [
                (Some("Accare"), 1, 1, 100.0),
                (Some("Lindenhout"), 3, 1, 33.3),
                (None, 1, 0, 0.0),
            ]
        );
        let types: Vec<_> = agg
            .by_care_type
            .iter()
            .map(|t| (t.key, t.green, t.orange, t.red))
            .collect();
        assert_eq!(
            types,
            [
                (Some(CareType::Team), 1, 0, 0),
                (Some(CareType::AmbulantProvider), 0, 0, 1),
                (Some(CareType::FamilyHome), 1, 0, 0),
                (Some(CareType::Residential), 0, 1, 1),
            ]
        );
    }

    #[test]
    fn export_row_has_exactly_the_spec_keys() {
        let mut pairs = all(Status::Ok);
        pairs[1].1 = Status::Missing;
        let row = eval(&in_care(), &[review(1, "2026-06-01", &pairs)]);
        let json = serde_json::to_value(&row).unwrap();
        let mut keys: Vec<_> = json.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        let mut expected = [
            "case_ref",
            "color",
            "reasons",
            "criteria",
            "last_review_on",
            "next_review_on",
            "planned_end_on",
            "care_started_on",
            "provider",
            "care_type",
            "worker",
            "age",
        ];
        expected.sort();
        assert_eq!(keys, expected);
        assert_eq!(json["color"], "orange");
        assert_eq!(json["reasons"], serde_json::json!(["missing"]));
        assert_eq!(json["criteria"]["housing"], "missing");
        assert_eq!(json["care_type"], "foster_care");
        // Criteria keep the configured order.
        let text = serde_json::to_string(&row.criteria).unwrap();
        assert!(text.starts_with("{\"follow_up_care\":\"ok\",\"housing\":\"missing\""));
    }

    #[test]
    fn every_rule_code_has_a_label() {
        use crate::present::i18n::{Catalog, Lang};
        for code in Reason::CODES {
            let key = format!("{}.{code}", Reason::KIND);
            for lang in [Lang::Nl, Lang::En] {
                assert_ne!(
                    Catalog::get(lang).t(&key),
                    key,
                    "{lang}: no label for {key}"
                );
            }
        }
        assert_eq!(Reason::NoEndDate.label_key(), "stoplight_rule.no_end_date");
    }

    /// Run with `cargo test --release --lib -- --ignored hundred_thousand`.
    #[test]
    #[ignore = "timing; meaningful in a release build"]
    fn hundred_thousand_cases_evaluate_quickly() {
        use crate::domain::flow::{Episode, flow};
        use crate::domain::waitlist::{Norm, Norms, waiting_list};
        let stages = [
            Stage::Referred,
            Stage::Triage,
            Stage::Waiting,
            Stage::InCare,
        ];
        let mut snapshot = Snapshot {
            as_of: d(AS_OF),
            ..Snapshot::default()
        };
        for i in 0..100_000 {
            let mut c = in_care();
            c.id = i;
            c.case_ref = format!("2026-{i:06}");
            c.stage = stages[i as usize % 4];
            c.waiting_since = Some(d("2026-04-01"));
            c.referred_on = d("2025-11-03") + chrono::Days::new(i as u64 % 200);
            snapshot.cases.push(c);
            let mut r = all_ok_on("2026-05-01");
            r.case_id = i;
            snapshot.reviews.insert(i, vec![r]);
        }
        let episodes: Vec<Episode> = (0..100_000)
            .map(|i| Episode {
                case_id: i,
                number: 1,
                referred_on: d("2024-01-01") + chrono::Days::new(i as u64 % 700),
                care_started_on: Some(d("2024-03-01") + chrono::Days::new(i as u64 % 700)),
                closed_on: (i % 3 == 0).then(|| d("2026-01-01")),
                started_care_type: Some(CareType::Team),
                care_type: Some(CareType::Team),
                ..Episode::default()
            })
            .collect();
        let norm = Norm {
            regular: 14,
            urgent: 2,
        };
        let norms = Norms {
            intake: norm,
            decision: norm,
            care: norm,
        };
        let start = std::time::Instant::now();
        let waits = waiting_list(&snapshot, &norms, None);
        let board = stoplight(&snapshot, &codes(), CARE);
        let agg = aggregate(&board);
        let report = flow(&episodes, d("2025-01-01"), d("2025-12-31")).unwrap();
        let took = start.elapsed();
        assert_eq!(waits.len(), 100_000);
        assert_eq!(agg.all.total, 25_000);
        assert!(report.inflow > 0);
        let limit = if cfg!(debug_assertions) { 10.0 } else { 1.0 };
        assert!(took.as_secs_f64() < limit, "took {took:?}");
        eprintln!("100,000 cases: {took:?}");
    }

    fn status() -> impl Strategy<Value = Status> {
        prop::sample::select(Status::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn colour_follows_the_fired_rules(
            statuses in prop::collection::vec(prop::option::of(status()), 7),
            reviewed_ago in prop::option::of(0i64..200),
            next_after in 1i64..120,
            end_in in prop::option::of(-100i64..400),
            age_days in prop::option::of(4000i64..8000),
            care_days in 0i64..400,
        ) {
            let as_of = d(AS_OF);
            let mut c = in_care();
            c.care_started_on = Some(as_of - chrono::Days::new(care_days as u64));
            c.referred_on = d("2024-01-01");
            c.planned_end_on = end_in.map(|n| as_of + chrono::TimeDelta::days(n));
            c.birth_date = age_days.map(|n| as_of - chrono::Days::new(n as u64));
            let reviews: Vec<Review> = reviewed_ago
                .map(|ago| {
                    let on = as_of - chrono::Days::new(ago as u64);
                    Review {
                        id: 1,
                        case_id: 7,
                        on,
                        next_on: on + chrono::Days::new(next_after as u64),
                        note: None,
                        statuses: codes()
                            .into_iter()
                            .zip(&statuses)
                            .filter_map(|(c, s)| s.map(|s| (c, s)))
                            .collect(),
                    }
                })
                .into_iter()
                .collect();
            let row = evaluate(&c, &reviews, as_of, &codes(), CARE);
            let ranks: Vec<usize> = row.reasons.iter().map(Reason::rank).collect();
            prop_assert!(ranks.windows(2).all(|w| w[0] < w[1]), "order {:?}", row.codes());
            let any_red = row.reasons.iter().any(|r| r.signal() == Signal::Red);
            prop_assert_eq!(row.color == Signal::Red, any_red);
            prop_assert_eq!(row.color == Signal::Orange, !any_red && !row.reasons.is_empty());
            prop_assert_eq!(row.color == Signal::Green, row.reasons.is_empty());
            // Every precondition the review left out, or never reviewed,
            // stands at missing; and a missing one always shows.
            let any_missing = row.criteria.0.iter().any(|(_, s)| *s == Status::Missing);
            prop_assert_eq!(any_missing, row.codes().contains(&"missing"));
            prop_assert_eq!(row.criteria.0.len(), 7);
        }
    }
}
