//! Deliberate cases, dated relative to today, so that the demo shows every
//! colour and every rule of the stoplight (SPEC 3.2) and every kind of
//! waiting-list signal (SPEC 2) whatever the seed: each one is a young
//! person the team would recognise, with the history that led there.

use chrono::NaiveDate;

use super::history::History;
use super::reviews::PRECONDITIONS;
use super::team::{
    DE_HOEVE, DE_LINDE, HORIZON, KOMPAS, PLEEGZORG, THUISBASIS, plus_days, plus_months,
};
use crate::domain::{
    CareType, FieldChange, Move, Referral, Referrer, ReviewInput, Route, Stage, Status, Urgency,
};
use crate::store::CaseBundle;

/// What a scenario case must show on the demo's today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// Its stoplight colour and every rule code that fires, in SPEC order.
    Stoplight {
        color: &'static str,
        reasons: &'static [&'static str],
    },
    /// Its waiting signal in one queue.
    Waiting {
        queue: &'static str,
        signal: &'static str,
    },
}

/// A scenario case of the demo, by reference once the demo is numbered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scenario {
    pub case_ref: String,
    /// What the case is about, in a few words (for test messages).
    pub about: &'static str,
    pub expect: Expect,
}

const GREEN: &str = "green";
const ORANGE: &str = "orange";
const RED: &str = "red";

/// The scenario cases with what each must show, not yet numbered.
pub fn build(today: NaiveDate) -> Vec<(CaseBundle, &'static str, Expect)> {
    let s = Script { today };
    let stoplight = |color, reasons| Expect::Stoplight { color, reasons };
    let waiting = |queue, signal| Expect::Waiting { queue, signal };
    vec![
        (s.green(), "all in place", stoplight(GREEN, &[])),
        (
            s.adult_in_foster_care(),
            "19, foster care to 21",
            stoplight(GREEN, &[]),
        ),
        (
            s.end_passed(),
            "decision ended",
            stoplight(RED, &["end_passed"]),
        ),
        (
            s.missing_near_end(),
            "no home, end near",
            stoplight(RED, &["missing_near_end", "missing"]),
        ),
        (
            s.turning_18_no_plan(),
            "18 soon, no plan",
            stoplight(RED, &["turning_18_no_plan", "partial"]),
        ),
        (
            s.never_reviewed(),
            "never reviewed",
            stoplight(RED, &["review_missed", "missing", "review_due"]),
        ),
        (
            s.review_long_overdue(),
            "review long overdue",
            stoplight(RED, &["review_missed", "review_due"]),
        ),
        (
            s.follow_up_missing(),
            "no follow-up care yet",
            stoplight(ORANGE, &["missing"]),
        ),
        (
            s.network_partial(),
            "in evaluation, network weak",
            stoplight(ORANGE, &["partial"]),
        ),
        (
            s.review_due(),
            "review due",
            stoplight(ORANGE, &["review_due"]),
        ),
        (
            s.no_end_date(),
            "team support, no end date",
            stoplight(ORANGE, &["no_end_date"]),
        ),
        (
            s.plan_missing_16(),
            "16, no perspective plan",
            stoplight(ORANGE, &["missing", "plan_missing_16"]),
        ),
        (
            s.escalated_in_care(),
            "at the doorbraaktafel",
            stoplight(ORANGE, &["missing"]),
        ),
        (
            s.stepped_within_norm(),
            "stepped up, waiting for a family home",
            stoplight(ORANGE, &["follow_up_waiting"]),
        ),
        (
            s.stepped_over_norm(),
            "stepped up, 16 weeks without a place",
            stoplight(RED, &["follow_up_over_norm"]),
        ),
        (
            s.urgent_referral(),
            "crisis referral yesterday",
            waiting("intake", GREEN),
        ),
        (
            s.urgent_no_place(),
            "crisis, no foster family",
            waiting("care", RED),
        ),
        (
            s.mental_health_wait(),
            "long wait for youth GGZ",
            waiting("care", RED),
        ),
        (
            s.waiting_near_norm(),
            "waiting close to the norm",
            waiting("care", ORANGE),
        ),
        (s.intake_overdue(), "intake overdue", waiting("intake", RED)),
        (
            s.decision_overdue(),
            "decision overdue",
            waiting("decision", RED),
        ),
    ]
}

/// Who the young person is.
struct Person {
    name: &'static str,
    /// Age today in whole years, and how many days past that birthday.
    age: (i32, i64),
    referrer: Referrer,
    worker: &'static str,
}

/// A statuses list: every precondition, `ok` unless named, `na` where given.
fn statuses(na: &[&str], others: &[(&str, Status)]) -> Vec<(&'static str, Status)> {
    PRECONDITIONS
        .iter()
        .map(|code| {
            let status = others
                .iter()
                .find(|(c, _)| c == code)
                .map(|(_, s)| *s)
                .unwrap_or(if na.contains(code) {
                    Status::Na
                } else {
                    Status::Ok
                });
            (*code, status)
        })
        .collect()
}

/// Too young for income, 18+ arrangements and a perspective plan.
const CHILD: &[&str] = &["income", "insurance_18", "perspective_plan"];

struct Script {
    today: NaiveDate,
}

impl Script {
    fn day(&self, offset: i64) -> NaiveDate {
        plus_days(self.today, offset)
    }

    fn birth(&self, (years, days): (i32, i64)) -> NaiveDate {
        let birthday = self
            .today
            .checked_sub_months(chrono::Months::new(12 * years as u32))
            .expect("a date in range");
        plus_days(birthday, -days)
    }

    fn referred(&self, p: &Person, on: NaiveDate, urgency: Urgency) -> History {
        let referral = Referral {
            referrer: p.referrer,
            urgency,
            worker: None,
        };
        History::referred(
            String::new(),
            Some(p.name.to_string()),
            Some(self.birth(p.age)),
            on,
            referral,
            self.today,
        )
    }

    /// Referral, intake, clarification and triage up to a decision on
    /// `decided_on`, the regular way.
    fn up_to_decision(&self, p: &Person, decided_on: NaiveDate) -> History {
        let triage_on = plus_days(decided_on, -6);
        let intake_on = plus_days(triage_on, -18);
        let mut h = self.referred(p, plus_days(intake_on, -9), Urgency::Regular);
        h.move_to(intake_on, Move::to(Stage::Intake));
        h.set(intake_on, FieldChange::Worker(Some(p.worker.to_string())));
        h.move_to(triage_on, Move::to(Stage::Triage));
        h
    }

    /// A case that waited five weeks for `provider` and is in care since
    /// `start`, with decision end `planned_end`.
    fn in_care(
        &self,
        p: &Person,
        care_type: CareType,
        provider: &str,
        start: NaiveDate,
        planned_end: Option<NaiveDate>,
    ) -> History {
        let decided_on = plus_days(start, -35);
        let mut h = self.up_to_decision(p, decided_on);
        h.move_to(
            decided_on,
            Move {
                to: Some(Stage::Waiting),
                route: Some(care_type.route()),
                care_type: Some(care_type),
                provider: Some(provider.to_string()),
                ..Move::default()
            },
        );
        h.move_to(
            start,
            Move {
                to: Some(Stage::InCare),
                planned_end_on: planned_end,
                ..Move::default()
            },
        );
        h
    }

    /// Monthly reviews from three weeks after `start` up to `last`, all with
    /// the same statuses; the last names its next review date.
    fn reviews(
        &self,
        h: &mut History,
        start: NaiveDate,
        last: NaiveDate,
        next: NaiveDate,
        statuses: &[(&str, Status)],
    ) {
        let mut dates = Vec::new();
        let mut on = last;
        while on >= plus_days(start, 21) {
            dates.push(on);
            on = plus_days(on, -30);
        }
        dates.reverse();
        let count = dates.len();
        for (i, on) in dates.into_iter().enumerate() {
            self.evaluate_if_due(h, on);
            let input = ReviewInput {
                statuses: statuses.iter().map(|(c, s)| (c.to_string(), *s)).collect(),
                next_on: (i + 1 == count).then_some(next),
                note: None,
            };
            h.review(on, input);
        }
    }

    /// The team holds an evaluation moment (SPEC 1.7) at the monthly review
    /// in the four weeks before it falls due, as a team that works its
    /// meetings does: the scenarios show their rule, not a missed moment.
    fn evaluate_if_due(&self, h: &mut History, on: NaiveDate) {
        let due = h.next_moment().filter(|due| plus_days(*due, -28) <= on);
        if due.is_some() && h.stage() == Stage::InCare {
            h.move_to(on, Move::to(Stage::Evaluation));
            h.move_to(on, Move::to(Stage::InCare));
        }
    }

    /// A case in care with current reviews: last ten days ago, next in 20.
    fn reviewed(
        &self,
        p: &Person,
        care: (CareType, &str),
        start: i64,
        planned_end: Option<i64>,
        statuses: &[(&str, Status)],
    ) -> History {
        let start = self.day(start);
        let mut h = self.in_care(p, care.0, care.1, start, planned_end.map(|d| self.day(d)));
        self.reviews(&mut h, start, self.day(-10), self.day(20), statuses);
        h
    }

    fn green(&self) -> CaseBundle {
        let p = Person {
            name: "Daan de V.",
            age: (12, 100),
            referrer: Referrer::School,
            worker: "Anouk Verbeek",
        };
        let start = self.day(-150);
        let end = plus_months(start, 12);
        let mut h = self.in_care(&p, CareType::AmbulantHome, KOMPAS, start, Some(end));
        self.reviews(
            &mut h,
            start,
            self.day(-10),
            self.day(20),
            &statuses(CHILD, &[]),
        );
        h.finish()
    }

    fn adult_in_foster_care(&self) -> CaseBundle {
        let p = Person {
            name: "Amira B.",
            age: (19, 40),
            referrer: Referrer::Gi,
            worker: "Fatima Ouali",
        };
        self.reviewed(
            &p,
            (CareType::FosterCare, PLEEGZORG),
            -700,
            Some(300),
            &statuses(&[], &[]),
        )
        .finish()
    }

    fn end_passed(&self) -> CaseBundle {
        let p = Person {
            name: "Levi K.",
            age: (14, 200),
            referrer: Referrer::Gp,
            worker: "Bram Hoekstra",
        };
        let h = self.in_care(
            &p,
            CareType::Residential,
            DE_LINDE,
            self.day(-400),
            Some(self.day(-12)),
        );
        self.finish_reviewed(h, -400, -8, 22, &statuses(CHILD, &[]))
    }

    fn finish_reviewed(
        &self,
        mut h: History,
        start: i64,
        last: i64,
        next: i64,
        s: &[(&str, Status)],
    ) -> CaseBundle {
        self.reviews(&mut h, self.day(start), self.day(last), self.day(next), s);
        h.finish()
    }

    fn missing_near_end(&self) -> CaseBundle {
        let p = Person {
            name: "S.d.J.",
            age: (14, 30),
            referrer: Referrer::Gp,
            worker: "Jeroen Willems",
        };
        self.reviewed(
            &p,
            (CareType::AmbulantHome, DE_LINDE),
            -200,
            Some(40),
            &statuses(CHILD, &[("housing", Status::Missing)]),
        )
        .finish()
    }

    fn turning_18_no_plan(&self) -> CaseBundle {
        let p = Person {
            name: "Jayden P.",
            // 18 in 100 days.
            age: (17, 365 - 100),
            referrer: Referrer::Provider,
            worker: "Lotte Kramer",
        };
        self.reviewed(
            &p,
            (CareType::AmbulantHome, THUISBASIS),
            -180,
            Some(185),
            &statuses(&[], &[("perspective_plan", Status::Partial)]),
        )
        .finish()
    }

    fn never_reviewed(&self) -> CaseBundle {
        let p = Person {
            name: "Finn M.",
            age: (10, 60),
            referrer: Referrer::Gp,
            worker: "Mehmet Demir",
        };
        let h = self.in_care(
            &p,
            CareType::AmbulantProvider,
            HORIZON,
            self.day(-90),
            Some(self.day(120)),
        );
        h.finish()
    }

    fn review_long_overdue(&self) -> CaseBundle {
        let p = Person {
            name: "Tess H.",
            age: (13, 150),
            referrer: Referrer::VeiligThuis,
            worker: "Noor van Dam",
        };
        let h = self.in_care(
            &p,
            CareType::FamilyHome,
            DE_HOEVE,
            self.day(-300),
            Some(self.day(200)),
        );
        self.finish_reviewed(h, -300, -80, -50, &statuses(CHILD, &[]))
    }

    fn follow_up_missing(&self) -> CaseBundle {
        let p = Person {
            name: "Milan Ö.",
            age: (11, 10),
            referrer: Referrer::Jgz,
            worker: "Pieter Scholten",
        };
        self.reviewed(
            &p,
            (CareType::AmbulantHome, KOMPAS),
            -120,
            Some(245),
            &statuses(CHILD, &[("follow_up_care", Status::Missing)]),
        )
        .finish()
    }

    fn network_partial(&self) -> CaseBundle {
        let p = Person {
            name: "Lieke S.",
            age: (9, 90),
            referrer: Referrer::School,
            worker: "Sabine Post",
        };
        let mut h = self.reviewed(
            &p,
            (CareType::DayCare, KOMPAS),
            -100,
            Some(265),
            &statuses(CHILD, &[("network", Status::Partial)]),
        );
        h.move_to(self.day(-5), Move::to(Stage::Evaluation));
        h.finish()
    }

    fn review_due(&self) -> CaseBundle {
        let p = Person {
            name: "Noah v.d.M.",
            age: (15, 120),
            referrer: Referrer::SelfReferral,
            worker: "Tim de Haan",
        };
        let h = self.in_care(
            &p,
            CareType::AmbulantProvider,
            "Praktijk Samen Sterk",
            self.day(-140),
            Some(self.day(200)),
        );
        let s = statuses(&["income", "insurance_18"], &[]);
        self.finish_reviewed(h, -140, -40, -10, &s)
    }

    fn no_end_date(&self) -> CaseBundle {
        let p = Person {
            name: "E.Y.",
            age: (8, 250),
            referrer: Referrer::Jgz,
            worker: "Yara Veenstra",
        };
        let start = self.day(-130);
        let mut h = self.up_to_decision(&p, start);
        h.move_to(
            start,
            Move {
                route: Some(Route::Team),
                ..Move::default()
            },
        );
        self.reviews(
            &mut h,
            start,
            self.day(-6),
            self.day(24),
            &statuses(CHILD, &[]),
        );
        h.finish()
    }

    fn plan_missing_16(&self) -> CaseBundle {
        let p = Person {
            name: "Sem B.",
            age: (16, 60),
            referrer: Referrer::Police,
            worker: "Bram Hoekstra",
        };
        self.reviewed(
            &p,
            (CareType::AmbulantHome, THUISBASIS),
            -160,
            Some(205),
            &statuses(
                &["income", "insurance_18"],
                &[("perspective_plan", Status::Missing)],
            ),
        )
        .finish()
    }

    fn escalated_in_care(&self) -> CaseBundle {
        let p = Person {
            name: "Ilias E.",
            age: (15, 300),
            referrer: Referrer::Gi,
            worker: "Anouk Verbeek",
        };
        let mut h = self.reviewed(
            &p,
            (CareType::Residential, DE_LINDE),
            -200,
            Some(160),
            &statuses(
                &["income", "insurance_18"],
                &[("follow_up_care", Status::Missing)],
            ),
        );
        h.set(self.day(-9), FieldChange::Escalated(true));
        h.finish()
    }

    fn urgent_referral(&self) -> CaseBundle {
        let p = Person {
            name: "Zoë K.",
            age: (6, 20),
            referrer: Referrer::VeiligThuis,
            worker: "",
        };
        self.referred(&p, self.day(-1), Urgency::Urgent).finish()
    }

    /// In ambulant care since `start`, stepped up at an evaluation
    /// `waiting_days` ago to a family home with a new provider, which has no
    /// place yet; the monthly stoplight round goes on meanwhile.
    fn stepped(&self, p: &Person, waiting_days: i64) -> CaseBundle {
        let start = self.day(-300);
        let mut h = self.in_care(
            p,
            CareType::AmbulantHome,
            KOMPAS,
            start,
            Some(self.day(200)),
        );
        let step_on = self.day(-waiting_days);
        let eval_on = plus_days(step_on, -10);
        let child = statuses(CHILD, &[]);
        self.reviews(&mut h, start, plus_days(eval_on, -1), eval_on, &child);
        h.move_to(eval_on, Move::to(Stage::Evaluation));
        h.move_to(
            step_on,
            Move {
                to: Some(Stage::Waiting),
                care_type: Some(CareType::FamilyHome),
                provider: Some(DE_HOEVE.to_string()),
                goals: Some(crate::domain::Goals::NotMet),
                intended_outflow: Some(crate::domain::Destination::YouthCareElsewhere),
                note: Some("Thuis lukt het niet meer; gezinshuis nodig.".to_string()),
                ..Move::default()
            },
        );
        let last = self.day(-10);
        self.reviews(&mut h, plus_days(last, -21), last, self.day(20), &child);
        h.finish()
    }

    fn stepped_within_norm(&self) -> CaseBundle {
        let p = Person {
            name: "Sem K.",
            age: (13, 200),
            referrer: Referrer::Jgz,
            worker: "Anouk Verbeek",
        };
        self.stepped(&p, 30)
    }

    fn stepped_over_norm(&self) -> CaseBundle {
        let p = Person {
            name: "Lina O.",
            age: (14, 20),
            referrer: Referrer::School,
            worker: "Lotte Kramer",
        };
        self.stepped(&p, 114)
    }

    fn urgent_no_place(&self) -> CaseBundle {
        let p = Person {
            name: "Mila J.",
            age: (13, 45),
            referrer: Referrer::Police,
            worker: "Lotte Kramer",
        };
        let mut h = self.referred(&p, self.day(-20), Urgency::Urgent);
        h.move_to(self.day(-19), Move::to(Stage::Intake));
        h.set(
            self.day(-19),
            FieldChange::Worker(Some(p.worker.to_string())),
        );
        h.move_to(self.day(-18), Move::to(Stage::Triage));
        h.move_to(
            self.day(-16),
            Move {
                route: Some(Route::Residential),
                care_type: Some(CareType::FosterCare),
                provider: Some(PLEEGZORG.to_string()),
                ..Move::default()
            },
        );
        h.set(self.day(-14), FieldChange::BridgingCare(true));
        h.set(self.day(-7), FieldChange::Escalated(true));
        h.finish()
    }

    /// A case waiting for `provider` since `waiting_days` ago.
    fn waiting(
        &self,
        p: &Person,
        care_type: CareType,
        provider: &str,
        waiting_days: i64,
        bridging_after: Option<i64>,
    ) -> CaseBundle {
        let decided_on = self.day(-waiting_days);
        let mut h = self.up_to_decision(p, decided_on);
        h.move_to(
            decided_on,
            Move {
                route: Some(care_type.route()),
                care_type: Some(care_type),
                provider: Some(provider.to_string()),
                ..Move::default()
            },
        );
        if let Some(after) = bridging_after {
            h.set(
                plus_days(decided_on, after),
                FieldChange::BridgingCare(true),
            );
        }
        h.finish()
    }

    fn mental_health_wait(&self) -> CaseBundle {
        let p = Person {
            name: "Saar W.",
            age: (14, 200),
            referrer: Referrer::Gp,
            worker: "Jeroen Willems",
        };
        self.waiting(&p, CareType::AmbulantProvider, HORIZON, 150, Some(50))
    }

    fn waiting_near_norm(&self) -> CaseBundle {
        let p = Person {
            name: "Gijs D.",
            age: (7, 15),
            referrer: Referrer::School,
            worker: "Noor van Dam",
        };
        self.waiting(&p, CareType::AmbulantHome, KOMPAS, 60, None)
    }

    fn intake_overdue(&self) -> CaseBundle {
        let p = Person {
            name: "Roos A.",
            age: (15, 5),
            referrer: Referrer::SelfReferral,
            worker: "",
        };
        self.referred(&p, self.day(-20), Urgency::Regular).finish()
    }

    fn decision_overdue(&self) -> CaseBundle {
        let p = Person {
            name: "Yusuf T.",
            age: (10, 180),
            referrer: Referrer::Jgz,
            worker: "Mehmet Demir",
        };
        let mut h = self.referred(&p, self.day(-62), Urgency::Regular);
        h.move_to(self.day(-50), Move::to(Stage::Intake));
        h.set(
            self.day(-50),
            FieldChange::Worker(Some(p.worker.to_string())),
        );
        h.move_to(self.day(-20), Move::to(Stage::Triage));
        h.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::config::Config;
    use crate::domain::dates::{age_on, birthday};
    use crate::domain::review::standing_at;
    use crate::domain::{Case, Review};

    fn d(s: &str) -> NaiveDate {
        crate::domain::dates::parse_date(s).unwrap()
    }

    /// Providers named by the scenarios must be the demo's own.
    fn providers() -> Vec<&'static str> {
        crate::demo::team::OFFERS
            .iter()
            .map(|o| o.provider)
            .collect()
    }

    fn state(bundle: &CaseBundle) -> (Case, Vec<Review>) {
        crate::demo::replayed(bundle)
    }

    /// The rules of SPEC 3.2, read literally, as the scenarios were designed
    /// against them: the codes that fire for a case on `today`.
    fn fired(case: &Case, reviews: &[Review], today: NaiveDate) -> Vec<&'static str> {
        let (latest, recorded) = standing_at(reviews, today);
        let status = |code: &str| recorded.get(code).copied().unwrap_or(Status::Missing);
        let any = |s: Status| PRECONDITIONS.iter().any(|c| status(c) == s);
        let age = case.age_on(today).expect("scenarios know the birth date");
        let turns_18 = birthday(case.birth_date.expect("known"), 18);
        // From 16 a perspective plan always applies: na counts as missing.
        let plan = match status("perspective_plan") {
            Status::Na if age >= 16 => Status::Missing,
            s => s,
        };
        let end = case.planned_end_on;
        let mut out = Vec::new();
        if end.is_some_and(|e| e < today) {
            out.push("end_passed");
        }
        if any(Status::Missing) && end.is_some_and(|e| e <= plus_days(today, 90)) {
            out.push("missing_near_end");
        }
        if turns_18 <= plus_days(today, 183) && plan != Status::Ok {
            out.push("turning_18_no_plan");
        }
        let started = case.care_started_on.expect("in care");
        let missed = match latest {
            None => started < plus_days(today, -60),
            Some(r) => r.next_on < plus_days(today, -31),
        };
        if missed {
            out.push("review_missed");
        }
        let stepped_wait = (case.stage == Stage::Waiting)
            .then(|| (today - case.waiting_since.expect("waiting")).num_days());
        let norm = i64::from(Config::default().norms.care.days(case.urgency));
        if stepped_wait.is_some_and(|w| w > norm) {
            out.push("follow_up_over_norm");
        }
        if any(Status::Missing) {
            out.push("missing");
        }
        if any(Status::Partial) {
            out.push("partial");
        }
        if latest.is_none_or(|r| r.next_on < today) {
            out.push("review_due");
        }
        if end.is_none() {
            out.push("no_end_date");
        }
        if age >= 16 && plan == Status::Missing {
            out.push("plan_missing_16");
        }
        if stepped_wait.is_some_and(|w| w <= norm) {
            out.push("follow_up_waiting");
        }
        out
    }

    fn color(reasons: &[&str]) -> &'static str {
        const RED_RULES: [&str; 5] = [
            "end_passed",
            "missing_near_end",
            "turning_18_no_plan",
            "review_missed",
            "follow_up_over_norm",
        ];
        if reasons.iter().any(|r| RED_RULES.contains(r)) {
            RED
        } else if reasons.is_empty() {
            GREEN
        } else {
            ORANGE
        }
    }

    /// Waiting days and signal (SPEC 2) of a case in one queue.
    fn signal(case: &Case, queue: &str, today: NaiveDate) -> Option<&'static str> {
        let norms = Config::default().norms;
        let (since, norm) = match (queue, case.stage) {
            ("intake", Stage::Referred) => (case.referred_on, norms.intake),
            ("decision", Stage::Referred | Stage::Intake | Stage::Triage) => {
                (case.referred_on, norms.decision)
            }
            ("care", Stage::Waiting) => (case.waiting_since?, norms.care),
            _ => return None,
        };
        let wait = (today - since).num_days() as f64;
        let norm = norm.days(case.urgency) as f64;
        Some(if wait < 0.75 * norm {
            GREEN
        } else if wait <= norm {
            ORANGE
        } else {
            RED
        })
    }

    const TODAYS: [&str; 4] = ["2026-11-22", "2028-02-29", "2027-01-01", "2026-06-30"];

    #[test]
    fn every_stoplight_scenario_fires_exactly_its_rules() {
        for today in TODAYS.map(d) {
            for (bundle, about, expect) in build(today) {
                let Expect::Stoplight { color: c, reasons } = expect else {
                    continue;
                };
                let (case, reviews) = state(&bundle);
                assert!(case.on_board(), "{today} {about}: {:?}", case.stage);
                let got = fired(&case, &reviews, today);
                assert_eq!(got, reasons, "{today} {about}");
                assert_eq!(color(&got), c, "{today} {about}");
            }
        }
    }

    #[test]
    fn every_colour_and_rule_occurs() {
        let all: Vec<(&str, Vec<&str>)> = build(d("2026-11-22"))
            .into_iter()
            .filter_map(|(_, _, e)| match e {
                Expect::Stoplight { color, reasons } => Some((color, reasons.to_vec())),
                Expect::Waiting { .. } => None,
            })
            .collect();
        for c in [GREEN, ORANGE, RED] {
            assert!(all.iter().any(|(color, _)| *color == c), "{c}");
        }
        for rule in [
            "end_passed",
            "missing_near_end",
            "turning_18_no_plan",
            "review_missed",
            "missing",
            "partial",
            "review_due",
            "no_end_date",
            "plan_missing_16",
            "follow_up_over_norm",
            "follow_up_waiting",
        ] {
            assert!(all.iter().any(|(_, r)| r.contains(&rule)), "{rule}");
        }
    }

    #[test]
    fn waiting_scenarios_show_their_signal() {
        for today in TODAYS.map(d) {
            for (bundle, about, expect) in build(today) {
                let Expect::Waiting { queue, signal: s } = expect else {
                    continue;
                };
                let (case, _) = state(&bundle);
                assert_eq!(signal(&case, queue, today), Some(s), "{today} {about}");
            }
        }
    }

    #[test]
    fn scenarios_include_bridging_escalation_urgency_and_an_adult() {
        let today = d("2026-11-22");
        let states: Vec<Case> = build(today).iter().map(|(b, _, _)| state(b).0).collect();
        assert!(
            states
                .iter()
                .any(|c| c.bridging_care && c.urgency.is_urgent())
        );
        assert!(
            states
                .iter()
                .any(|c| c.escalated && c.stage == Stage::Waiting)
        );
        assert!(states.iter().any(|c| c.escalated && c.stage.in_care()));
        assert!(
            states
                .iter()
                .any(|c| c.stage.in_care() && c.age_on(today).unwrap() >= 18)
        );
        for c in &states {
            assert!(
                c.provider
                    .as_deref()
                    .is_none_or(|p| providers().contains(&p))
            );
            assert!(age_on(c.birth_date.unwrap(), today) <= 22);
        }
    }
}
