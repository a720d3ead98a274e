//! Monthly stoplight reviews of one young person's care (SPEC 3.1). The
//! preconditions for outflow fall into place as care goes on: each has its
//! moment, some are not needed at the young person's age, and now and then
//! one stays stuck (the shortage of follow-up places and homes). Most
//! coordinators review monthly, a few run late, very few never get to it;
//! a young person nearing 18 has a perspective plan well before the
//! birthday, now and then only just in time.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use fastrand::Rng;

use super::team::{pick, plus_days};
use crate::domain::dates::{age_on, plus_one_month};
use crate::domain::{CareType, ReviewInput, Status};

/// The default preconditions (SPEC 3.1), in the order of the config.
pub const PRECONDITIONS: [&str; 7] = [
    "follow_up_care",
    "housing",
    "education_work",
    "income",
    "insurance_18",
    "network",
    "perspective_plan",
];

const FOLLOW_UP: usize = 0;
const HOUSING: usize = 1;
const EDUCATION: usize = 2;
const INCOME: usize = 3;
const INSURANCE: usize = 4;
const NETWORK: usize = 5;
const PLAN: usize = 6;

fn between(rng: &mut Rng, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * rng.f64()
}

/// How long (as a share of the care period) a precondition is being
/// arranged before it is in place; follow-up care is sought from early on.
const PARTIAL_SPAN: f64 = 0.3;
const FOLLOW_UP_SPAN: f64 = 0.6;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Habit {
    OnTime,
    Late,
    Never,
}

/// The reviews still to come for one period of care.
pub struct ReviewPlan {
    /// Date of the next review; None when none will be held.
    next: Option<NaiveDate>,
    habit: Habit,
    start: NaiveDate,
    end: NaiveDate,
    birth: Option<NaiveDate>,
    /// Per precondition, the share of the care period after which it is in
    /// place; None when it is not needed at all.
    ready: [Option<f64>; 7],
    recorded: BTreeMap<String, Status>,
    /// The perspective plan is in place from this date at the latest: the
    /// team makes it before the young person turns 17½ (the red line of
    /// SPEC 3.2), now and then a little later.
    plan_by: Option<NaiveDate>,
}

/// The date the perspective plan is ready at the latest, from the birth
/// date: 17 years and 0–5 months, in one case out of eight 6–9 months.
fn plan_deadline(rng: &mut Rng, birth: Option<NaiveDate>) -> Option<NaiveDate> {
    let months = if rng.f64() < 0.125 {
        rng.u32(6..=9)
    } else {
        rng.u32(0..=5)
    };
    birth.and_then(|b| b.checked_add_months(chrono::Months::new(17 * 12 + months)))
}

impl ReviewPlan {
    pub fn new(
        rng: &mut Rng,
        start: NaiveDate,
        end: NaiveDate,
        care_type: CareType,
        birth: Option<NaiveDate>,
    ) -> ReviewPlan {
        let habit = pick(
            rng,
            &[(Habit::OnTime, 95), (Habit::Late, 4), (Habit::Never, 1)],
        );
        // Most young people living at home have a home, a school and a
        // network from the start. The rest is arranged together, when the
        // team starts working towards outflow.
        let towards_outflow = between(rng, 0.0, 0.6);
        let mut after = |lo: f64, hi: f64| Some(towards_outflow + between(rng, lo, hi));
        let mut ready = [
            after(0.0, 0.25),
            if care_type.with_accommodation() {
                after(0.0, 0.25)
            } else {
                None
            },
            None,
            after(-0.1, 0.2),
            after(-0.1, 0.2),
            None,
            after(-0.1, 0.2),
        ];
        for early in [HOUSING, EDUCATION, NETWORK] {
            if ready[early].is_none() {
                let lo = if early == NETWORK { -1.0 } else { -1.3 };
                ready[early] = Some(between(rng, lo, 0.4));
            }
        }
        let no_follow_up = if care_type == CareType::Team {
            0.6
        } else {
            0.35
        };
        if rng.f64() < no_follow_up {
            ready[FOLLOW_UP] = None;
        }
        if rng.f64() < 0.08 {
            // No follow-up place or home to be found: stuck until late.
            let stuck = if care_type.with_accommodation() {
                HOUSING
            } else {
                FOLLOW_UP
            };
            ready[stuck] = Some(1.2);
        }
        let first = plus_days(start, rng.i64(7..=30));
        let plan_by = plan_deadline(rng, birth);
        ReviewPlan {
            next: (habit != Habit::Never).then_some(first),
            habit,
            start,
            end,
            birth,
            ready,
            recorded: BTreeMap::new(),
            plan_by,
        }
    }

    /// The date of the next review, if one will be held.
    pub fn next_date(&self) -> Option<NaiveDate> {
        self.next
    }

    /// Holds the next review: what it records, and when the one after is.
    pub fn take(&mut self, rng: &mut Rng) -> Option<(NaiveDate, ReviewInput)> {
        let on = self.next?;
        let now: BTreeMap<String, Status> = PRECONDITIONS
            .iter()
            .enumerate()
            .map(|(i, code)| (code.to_string(), self.status(i, on)))
            .collect();
        let mut statuses: BTreeMap<String, Status> = now
            .iter()
            .filter(|(code, status)| self.recorded.get(*code) != Some(status))
            .map(|(c, s)| (c.clone(), *s))
            .collect();
        if statuses.is_empty() {
            // Nothing changed: the team confirms the follow-up care status.
            let code = PRECONDITIONS[FOLLOW_UP];
            statuses.insert(code.to_string(), now[code]);
        }
        let note = self.note(&statuses);
        self.recorded = now;
        let next_on = rng
            .bool()
            .then(|| plus_days(on, rng.i64(28..=35)))
            .filter(|n| *n > on);
        let planned_next = next_on.unwrap_or_else(|| plus_one_month(on));
        self.next = Some(plus_days(planned_next, self.delay(rng)));
        Some((
            on,
            ReviewInput {
                statuses,
                next_on,
                note,
            },
        ))
    }

    /// Days a review is held after its planned date.
    fn delay(&self, rng: &mut Rng) -> i64 {
        match self.habit {
            Habit::OnTime => match rng.u32(0..100) {
                0..65 => 0,
                65..93 => rng.i64(1..=7),
                _ => rng.i64(8..=20),
            },
            Habit::Late => rng.i64(0..=40),
            Habit::Never => 0,
        }
    }

    fn status(&self, i: usize, on: NaiveDate) -> Status {
        let age = self.birth.map(|b| age_on(b, on));
        let needed = match i {
            EDUCATION => age.is_none_or(|a| a >= 4),
            INCOME | INSURANCE => age.is_some_and(|a| a >= 17),
            PLAN => age.is_some_and(|a| a >= 15),
            _ => true,
        };
        let Some(ready) = self.ready[i].filter(|_| needed) else {
            return Status::Na;
        };
        if i == PLAN && self.plan_by.is_some_and(|p| on >= p) {
            return Status::Ok;
        }
        let span = (self.end - self.start).num_days().max(1) as f64;
        let progress = (on - self.start).num_days() as f64 / span;
        if progress >= ready {
            Status::Ok
        } else if progress
            >= ready
                - if i == FOLLOW_UP {
                    FOLLOW_UP_SPAN
                } else {
                    PARTIAL_SPAN
                }
        {
            Status::Partial
        } else {
            Status::Missing
        }
    }

    /// A short note when something important fell into place.
    fn note(&self, changed: &BTreeMap<String, Status>) -> Option<String> {
        let done = |i: usize| {
            changed.get(PRECONDITIONS[i]) == Some(&Status::Ok)
                && self.recorded.contains_key(PRECONDITIONS[i])
        };
        if done(FOLLOW_UP) {
            Some("Vervolghulp geregeld.".to_string())
        } else if done(HOUSING) {
            Some("Woonplek rond.".to_string())
        } else if done(PLAN) {
            Some("Perspectiefplan met de jongere besproken.".to_string())
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        crate::domain::dates::parse_date(s).unwrap()
    }

    fn reviews_of(seed: u64, birth: &str) -> Vec<(NaiveDate, ReviewInput)> {
        let mut rng = Rng::with_seed(seed);
        let mut plan = ReviewPlan::new(
            &mut rng,
            d("2025-01-06"),
            d("2026-01-06"),
            CareType::AmbulantHome,
            Some(d(birth)),
        );
        let mut out = Vec::new();
        while plan.next_date().is_some_and(|n| n < d("2026-01-06")) {
            out.push(plan.take(&mut rng).unwrap());
        }
        out
    }

    #[test]
    fn first_review_records_every_precondition_and_later_ones_what_changed() {
        let reviews = (1..40)
            .map(|seed| reviews_of(seed, "2008-05-01"))
            .find(|r| r.len() > 6)
            .expect("a reviewed year of care");
        assert_eq!(reviews[0].1.statuses.len(), PRECONDITIONS.len());
        assert!(reviews[1..].iter().all(|(_, r)| !r.statuses.is_empty()));
        assert!(reviews.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(
            reviews
                .iter()
                .all(|(on, r)| r.next_on.is_none_or(|n| n > *on))
        );
    }

    #[test]
    fn statuses_fall_into_place_and_young_children_need_no_income() {
        let mut rng = Rng::with_seed(5);
        let mut plan = ReviewPlan::new(
            &mut rng,
            d("2025-01-06"),
            d("2026-01-06"),
            CareType::AmbulantHome,
            Some(d("2017-03-01")),
        );
        plan.ready[HOUSING] = Some(0.5);
        assert_eq!(plan.status(INCOME, d("2025-02-01")), Status::Na);
        assert_eq!(plan.status(PLAN, d("2025-02-01")), Status::Na);
        assert_eq!(plan.status(HOUSING, d("2025-01-20")), Status::Missing);
        assert_eq!(plan.status(HOUSING, d("2025-05-01")), Status::Partial);
        assert_eq!(plan.status(HOUSING, d("2025-12-01")), Status::Ok);
    }
}
