//! The life of one random case: referral, intake, clarifying the question,
//! the weekly triage meeting, waiting for a provider (with bridging care or
//! an escalation when it takes long), care with evaluations and monthly
//! stoplight reviews, outflow, and now and then a reopening. The life is
//! simulated to its end; the history keeps what happened up to today.

use chrono::{Datelike, NaiveDate, Weekday};
use fastrand::Rng;

use super::history::History;
use super::reviews::ReviewPlan;
use super::team::{self, Offer, Team, days, pick, pick_offer, plus_days, plus_months};
use crate::domain::dates::age_on;
use crate::domain::{
    CareType, Destination, FieldChange, Goals, Move, OutflowReason, Referral, Route, Stage, Urgency,
};
use crate::store::CaseBundle;

/// The case closed on a date, for a reason.
struct Closed {
    on: NaiveDate,
    reason: OutflowReason,
}

struct Life<'a> {
    rng: Rng,
    team: &'a Team,
    today: NaiveDate,
    h: History,
    urgent: bool,
    birth: Option<NaiveDate>,
    /// The stoplight reviews of the care running now.
    reviews: Option<ReviewPlan>,
    /// Field changes planned during care, in date order.
    pending: Vec<(NaiveDate, FieldChange)>,
    /// Takes over when the case's coordinator leaves the team.
    successor: &'static str,
}

/// A bound on the evaluations of one period of care (the moments end with
/// it; this only guards the loop).
const MAX_EVALUATIONS: usize = 40;

/// One random case referred on `referred_on`, its history up to `today`.
pub fn random_case(
    seed: u64,
    team: &Team,
    case_ref: String,
    referred_on: NaiveDate,
    today: NaiveDate,
) -> CaseBundle {
    let mut rng = Rng::with_seed(seed);
    let referrer = pick(&mut rng, team::REFERRERS);
    let urgency = if rng.f64() < team::urgent_share(referrer) {
        Urgency::Urgent
    } else {
        Urgency::Regular
    };
    let birth = birth_date(&mut rng, referrer, referred_on, today);
    let name = team::young_person_name(&mut rng);
    let successor = team.other_than(&mut rng, team.leaver, team.change_on);
    let referral = Referral {
        referrer,
        urgency,
        worker: None,
    };
    let mut life = Life {
        rng,
        team,
        today,
        h: History::referred(case_ref, name, birth, referred_on, referral, today),
        urgent: urgency.is_urgent(),
        birth,
        reviews: None,
        pending: Vec::new(),
        successor,
    };
    life.live(referred_on);
    life.finish()
}

/// A birth date for the age at referral, known for most referrals, so that
/// nobody in the demo is older than 22 today.
fn birth_date(
    rng: &mut Rng,
    referrer: crate::domain::Referrer,
    referred_on: NaiveDate,
    today: NaiveDate,
) -> Option<NaiveDate> {
    if rng.f64() < 0.04 {
        return None;
    }
    let age = team::age_at_referral(rng, referrer);
    let mut birth = plus_days(
        referred_on.with_year(referred_on.year() - age)?,
        -rng.i64(0..365),
    );
    while age_on(birth, today) > 22 {
        birth = birth.with_year(birth.year() + 1)?;
    }
    Some(birth)
}

/// The weekly triage meeting (on Tuesdays) after `on`.
fn triage_meeting(on: NaiveDate) -> NaiveDate {
    let ahead = (7 + Weekday::Tue.num_days_from_monday() as i64
        - on.weekday().num_days_from_monday() as i64)
        % 7;
    plus_days(on, if ahead == 0 { 7 } else { ahead })
}

impl Life<'_> {
    fn live(&mut self, referred_on: NaiveDate) {
        let mut on = referred_on;
        // At most two reopenings: a case that keeps coming back is rare.
        for _ in 0..3 {
            let Some(closed) = self.episode(on) else {
                return;
            };
            let chance = match closed.reason {
                OutflowReason::EndedByClient => 0.15,
                _ => 0.05,
            };
            if self.rng.f64() >= chance {
                return;
            }
            on = plus_days(closed.on, self.rng.i64(60..=540));
            if self.go(on, Move::to(Stage::Referred)).is_none() {
                return;
            }
        }
    }

    fn finish(mut self) -> CaseBundle {
        // Reviews and handovers up to and including today.
        let _ = self.before(plus_days(self.today, 1));
        self.h.finish()
    }

    /// Everything planned before `on`, in date order: reviews, field
    /// changes, and the handover when the coordinator leaves the team.
    /// None once the history has reached past today.
    fn before(&mut self, on: NaiveDate) -> Option<()> {
        loop {
            let review = self
                .reviews
                .as_ref()
                .and_then(ReviewPlan::next_date)
                .filter(|d| *d < on);
            let set = self.pending.first().map(|(d, _)| *d).filter(|d| *d < on);
            let handover = self.handover_due(on);
            let Some(next) = [handover, set, review].into_iter().flatten().min() else {
                return Some(());
            };
            let recorded = if handover == Some(next) {
                let to = Some(self.successor.to_string());
                self.h.set(next, FieldChange::Worker(to))
            } else if set == Some(next) {
                let (d, change) = self.pending.remove(0);
                self.h.set(d, change)
            } else {
                let plan = self.reviews.as_mut().expect("a review is due");
                let (d, input) = plan.take(&mut self.rng).expect("a review is due");
                self.h.review(d, input)
            };
            if !recorded {
                return None;
            }
        }
    }

    /// The leaver's last day, when this case is still hers then.
    fn handover_due(&self, on: NaiveDate) -> Option<NaiveDate> {
        let case = self.h.case();
        let change_on = self.team.change_on;
        (change_on < on
            && change_on >= self.h.last_date()
            && case.stage.is_open()
            && case.worker.as_deref() == Some(self.team.leaver))
        .then_some(change_on)
    }

    fn go(&mut self, on: NaiveDate, m: Move) -> Option<()> {
        self.before(on)?;
        self.h.move_to(on, m).then_some(())
    }

    fn set(&mut self, on: NaiveDate, change: FieldChange) -> Option<()> {
        self.before(on)?;
        self.h.set(on, change).then_some(())
    }

    fn close(&mut self, on: NaiveDate, reason: OutflowReason) -> Option<Closed> {
        self.end_care(on)?;
        let adult = self.adult_on(on);
        let destination = pick(&mut self.rng, team::destinations(reason, adult));
        let m = Move {
            to: Some(Stage::Closed),
            reason: Some(reason),
            destination: Some(destination),
            ..Move::default()
        };
        self.go(on, m)?;
        Some(Closed { on, reason })
    }

    fn adult_on(&self, on: NaiveDate) -> bool {
        self.birth.is_some_and(|b| age_on(b, on) >= 18)
    }

    /// The report an extension carries (SPEC 1.8): how far the goals came,
    /// where the young person should go next, and now and then what is
    /// still needed.
    fn extension_report(&mut self, on: NaiveDate, m: &mut Move) {
        m.goals = Some(pick(
            &mut self.rng,
            &[(Goals::Partly, 60), (Goals::NotMet, 25), (Goals::Met, 15)],
        ));
        let adult_soon = self.adult_on(plus_days(on, 365));
        let intended: &[(Destination, u32)] = if adult_soon {
            &[
                (Destination::Wmo, 40),
                (Destination::Community, 25),
                (Destination::AdultMentalHealth, 20),
                (Destination::None, 15),
            ]
        } else {
            &[
                (Destination::Community, 45),
                (Destination::None, 30),
                (Destination::Team, 20),
                (Destination::YouthCareElsewhere, 5),
            ]
        };
        m.intended_outflow = Some(pick(&mut self.rng, intended));
        if self.rng.f64() < 0.5 {
            let needs = [
                "Nog nodig: rust in het gezin en een vaste dagbesteding.",
                "Nog nodig: schoolgang stabiel krijgen.",
                "Nog nodig: netwerk rond het gezin versterken.",
                "Nog nodig: overdracht naar vervolghulp voorbereiden.",
            ];
            m.note = Some(needs[self.rng.usize(0..needs.len())].to_string());
        }
    }

    /// The care running now ends on `on`: its reviews stop, what was planned
    /// for later is dropped, and an escalation is settled.
    fn end_care(&mut self, on: NaiveDate) -> Option<()> {
        self.before(on)?;
        self.reviews = None;
        self.pending.clear();
        if self.h.case().escalated {
            self.set(on, FieldChange::Escalated(false))?;
        }
        Some(())
    }

    /// One referral, from arrival to outflow. None when today comes first.
    fn episode(&mut self, referred_on: NaiveDate) -> Option<Closed> {
        if self.rng.f64() < 0.03 {
            let on = plus_days(referred_on, self.rng.i64(3..=30));
            return self.close(on, OutflowReason::Withdrawn);
        }
        let intake_wait = if self.urgent {
            self.rng.i64(0..=2)
        } else {
            days(&mut self.rng, [1.0, 4.0, 16.0])
        };
        let intake_on = plus_days(referred_on, intake_wait);
        self.go(intake_on, Move::to(Stage::Intake))?;
        self.assign_coordinator(intake_on)?;
        if self.rng.f64() < 0.06 {
            // Advice at intake was enough, or the family withdrew.
            let reason = pick(
                &mut self.rng,
                &[
                    (OutflowReason::ToCommunity, 6),
                    (OutflowReason::Withdrawn, 3),
                    (OutflowReason::Moved, 1),
                ],
            );
            let on = plus_days(intake_on, self.rng.i64(5..=25));
            return self.close(on, reason);
        }
        let clarify = if self.urgent {
            self.rng.i64(0..=4)
        } else {
            days(&mut self.rng, [3.0, 14.0, 35.0])
        };
        let triage_on = plus_days(intake_on, clarify);
        self.go(triage_on, Move::to(Stage::Triage))?;
        let decided_on = if self.urgent {
            plus_days(triage_on, self.rng.i64(0..=3))
        } else if self.rng.f64() < 0.15 {
            // Postponed one meeting: more information needed.
            plus_days(triage_meeting(triage_on), 7)
        } else {
            triage_meeting(triage_on)
        };
        self.decide(decided_on)
    }

    fn assign_coordinator(&mut self, on: NaiveDate) -> Option<()> {
        let current = self.h.case().worker.clone();
        let stale = current.as_deref() == Some(self.team.leaver) && on >= self.team.change_on;
        if current.is_none() || stale {
            let worker = self.team.coordinator_on(&mut self.rng, on);
            self.set(on, FieldChange::Worker(Some(worker.to_string())))?;
        }
        Some(())
    }

    /// The triage decision and all that follows from it.
    fn decide(&mut self, on: NaiveDate) -> Option<Closed> {
        let route = pick(&mut self.rng, team::routes(self.urgent));
        match route {
            Route::Community => {
                self.go(
                    on,
                    Move {
                        to: Some(Stage::Closed),
                        route: Some(route),
                        ..Move::default()
                    },
                )?;
                Some(Closed {
                    on,
                    reason: OutflowReason::ToCommunity,
                })
            }
            Route::Team => {
                let m = Move {
                    route: Some(route),
                    planned_end_on: self.planned_end(on, CareType::Team),
                    ..Move::default()
                };
                self.go(on, m)?;
                self.care(on, CareType::Team, 0)
            }
            Route::Ambulant | Route::Residential => {
                let care_type = pick(&mut self.rng, team::care_types(route));
                let offer = pick_offer(&mut self.rng, care_type);
                // Care type and provider are named at the decision, or only
                // when care starts.
                let named = self.rng.f64() < 0.7;
                let m = Move {
                    to: Some(Stage::Waiting),
                    route: Some(route),
                    care_type: named.then_some(care_type),
                    provider: named.then(|| offer.provider.to_string()),
                    ..Move::default()
                };
                self.go(on, m)?;
                self.wait_for_care(on, offer, named, 0)
            }
        }
    }

    /// The planned end of a decision for care starting on `on`; now and
    /// then a decision without one.
    fn planned_end(&mut self, on: NaiveDate, care_type: CareType) -> Option<NaiveDate> {
        (self.rng.f64() >= 0.05).then(|| plus_months(on, team::decision_term(care_type)))
    }

    /// From the decision that put the case on the waiting list to the start
    /// of care at the provider.
    fn wait_for_care(
        &mut self,
        decided_on: NaiveDate,
        offer: &'static Offer,
        named: bool,
        depth: u32,
    ) -> Option<Closed> {
        let wait = if self.urgent {
            days(&mut self.rng, [0.0, 3.0, 12.0])
        } else {
            days(&mut self.rng, offer.wait)
        };
        let start = plus_days(decided_on, wait);
        if self.rng.f64() < 0.04 {
            let on = plus_days(decided_on, self.rng.i64(1..=wait.max(1)));
            let reason = pick(
                &mut self.rng,
                &[
                    (OutflowReason::Withdrawn, 5),
                    (OutflowReason::Moved, 2),
                    (OutflowReason::Other, 3),
                ],
            );
            return self.close(on, reason);
        }
        let bridging = if self.urgent {
            wait > 5 && self.rng.bool()
        } else {
            wait > 56 && self.rng.f64() < 0.45
        };
        if bridging {
            let after = if self.urgent {
                self.rng.i64(1..=3)
            } else {
                self.rng.i64(14..=35)
            };
            self.set(
                plus_days(decided_on, after),
                FieldChange::BridgingCare(true),
            )?;
        }
        // No place for a young person who must leave home: to the
        // doorbraaktafel.
        let escalated = offer.care_type.with_accommodation() && wait > 70 && self.rng.bool();
        if escalated {
            let after = self.rng.i64(56..=70);
            self.set(plus_days(decided_on, after), FieldChange::Escalated(true))?;
        }
        let m = Move {
            to: Some(Stage::InCare),
            care_type: (!named).then_some(offer.care_type),
            provider: (!named).then(|| offer.provider.to_string()),
            planned_end_on: self.planned_end(start, offer.care_type),
            ..Move::default()
        };
        self.go(start, m)?;
        if escalated {
            self.set(start, FieldChange::Escalated(false))?;
        }
        self.care(start, offer.care_type, depth)
    }

    /// Care from its start on `start` to outflow, with the evaluation
    /// moments of SPEC 1.7 held as the team plans them (mostly in the month
    /// before they fall due), extensions of the decision at the evaluation
    /// before its end, and the closing evaluation.
    fn care(&mut self, start: NaiveDate, care_type: CareType, depth: u32) -> Option<Closed> {
        let full = days(&mut self.rng, team::care_duration(care_type));
        let adult = self
            .birth
            .is_some_and(|b| age_on(b, plus_days(start, full)) >= 18);
        let reason = pick(&mut self.rng, team::outflow_reasons(adult));
        let early = matches!(
            reason,
            OutflowReason::EndedByClient | OutflowReason::Moved | OutflowReason::Other
        );
        let duration = if early {
            (full as f64 * (0.2 + 0.5 * self.rng.f64())) as i64
        } else {
            full
        }
        .max(21);
        let end = plus_days(start, duration);
        self.reviews = Some(ReviewPlan::new(
            &mut self.rng,
            start,
            end,
            care_type,
            self.birth,
        ));
        self.plan_changes(start, duration, care_type);
        // A few coordinators extend decisions late.
        let late_extender = self.rng.f64() < 0.03;
        let term = team::decision_term(care_type);
        let mut first = true;
        // Each round holds the first moment not yet held; an extension moves
        // the end moment on, so the rounds end with the care.
        for _ in 0..MAX_EVALUATIONS {
            let Some(due) = self.h.next_moment().filter(|due| *due < end) else {
                break;
            };
            let held_on = plus_days(due, self.evaluation_offset()).max(self.h.last_date());
            // Care ends first: the closing evaluation takes its place.
            if held_on >= plus_days(end, -30) {
                break;
            }
            self.go(held_on, Move::to(Stage::Evaluation))?;
            let back_on = plus_days(held_on, self.rng.i64(7..=21));
            if first && depth == 0 && self.rng.f64() < 0.07 {
                if let Some(next) = self.step_for(care_type) {
                    return self.step(back_on, next, depth + 1);
                }
            }
            // The decision is extended when care will run past its end;
            // a late extender forgets now and then.
            let planned = self.h.case().planned_end_on;
            let forgot = match planned {
                Some(p) if p < end && p < plus_days(back_on, 150) => {
                    late_extender && self.rng.bool()
                }
                _ => false,
            };
            let extend = match planned {
                None => Some(plus_months(back_on, term)),
                Some(p) if p < end && p < plus_days(back_on, 150) && !forgot => {
                    Some(plus_months(p.max(back_on), term))
                }
                Some(_) => None,
            };
            let mut m = Move {
                to: Some(Stage::InCare),
                planned_end_on: extend,
                ..Move::default()
            };
            if extend.is_some() && self.h.case().planned_end_on.is_some() {
                self.extension_report(back_on, &mut m);
            }
            self.go(back_on, m)?;
            if let Some(p) = planned.filter(|_| forgot) {
                self.extend_late(p, end, term)?;
            }
            first = false;
        }
        if !early {
            let closing = plus_days(end, -self.rng.i64(7..=28)).max(self.h.last_date());
            if self.h.stage() == Stage::InCare {
                self.go(closing, Move::to(Stage::Evaluation))?;
            }
        }
        self.close(end, reason)
    }

    /// A forgotten extension: the passed end brings the case to the weekly
    /// meeting, and an evaluation with the provider extends it a few weeks
    /// late (while care lasts long enough for it).
    fn extend_late(&mut self, planned_end: NaiveDate, end: NaiveDate, term: u32) -> Option<()> {
        let late = plus_days(planned_end, self.rng.i64(7..=45)).max(self.h.last_date());
        if late >= plus_days(end, -30) {
            return Some(());
        }
        self.go(late, Move::to(Stage::Evaluation))?;
        let again = plus_days(late, self.rng.i64(3..=10));
        let mut m = Move {
            to: Some(Stage::InCare),
            planned_end_on: Some(plus_months(planned_end.max(again), term)),
            ..Move::default()
        };
        self.extension_report(again, &mut m);
        self.go(again, m)
    }

    /// When an evaluation is held, in days from its due date: mostly in the
    /// weeks before, some in the fortnight after (orange on the list), a
    /// few later (red) until the weekly meeting brings them up.
    fn evaluation_offset(&mut self) -> i64 {
        let rng = &mut self.rng;
        match rng.u32(0..100) {
            0..78 => -rng.i64(1..=28),
            78..91 => rng.i64(0..=7),
            91..96 => rng.i64(8..=14),
            96..98 => rng.i64(15..=30),
            _ => rng.i64(31..=60),
        }
    }

    /// Escalations during care and changes of coordinator, at their dates.
    fn plan_changes(&mut self, start: NaiveDate, duration: i64, care_type: CareType) {
        let at = |rng: &mut Rng, lo: f64, hi: f64| {
            plus_days(
                start,
                (duration as f64 * (lo + (hi - lo) * rng.f64())) as i64,
            )
        };
        if care_type.with_accommodation() && self.rng.f64() < 0.12 {
            let from = at(&mut self.rng, 0.2, 0.6);
            let until = plus_days(from, self.rng.i64(30..=120)).min(plus_days(start, duration - 1));
            if until > from {
                self.pending.push((from, FieldChange::Escalated(true)));
                self.pending.push((until, FieldChange::Escalated(false)));
            }
        }
        if self.rng.f64() < 0.04 {
            let on = at(&mut self.rng, 0.1, 0.9);
            let current = self.h.case().worker.clone().unwrap_or_default();
            let other = self.team.other_than(&mut self.rng, &current, on);
            self.pending
                .push((on, FieldChange::Worker(Some(other.to_string()))));
        }
        self.pending.sort_by_key(|(d, _)| *d);
    }

    /// A step up or down at the first evaluation, when one fits.
    fn step_for(&mut self, care_type: CareType) -> Option<CareType> {
        let rng = &mut self.rng;
        match care_type {
            CareType::Team => Some(pick(
                rng,
                &[(CareType::AmbulantHome, 6), (CareType::AmbulantProvider, 4)],
            )),
            CareType::AmbulantHome | CareType::AmbulantProvider | CareType::DayCare => {
                (rng.f64() < 0.3).then(|| {
                    pick(
                        rng,
                        &[(CareType::FamilyHome, 1), (CareType::Residential, 2)],
                    )
                })
            }
            _ => Some(CareType::AmbulantHome),
        }
    }

    /// Steps to another care type: straight on at the same provider, or onto
    /// the waiting list of a new one (the care clock starts again).
    fn step(&mut self, on: NaiveDate, care_type: CareType, depth: u32) -> Option<Closed> {
        let offer = pick_offer(&mut self.rng, care_type);
        let same_provider = self.h.case().provider.as_deref() == Some(offer.provider);
        self.end_care(on)?;
        // A step carries the same report as an extension (SPEC 1.8).
        if same_provider {
            let mut m = Move {
                to: Some(Stage::InCare),
                care_type: Some(care_type),
                planned_end_on: Some(plus_months(on, team::decision_term(care_type))),
                ..Move::default()
            };
            self.extension_report(on, &mut m);
            self.go(on, m)?;
            self.care(on, care_type, depth)
        } else {
            let mut m = Move {
                to: Some(Stage::Waiting),
                care_type: Some(care_type),
                provider: Some(offer.provider.to_string()),
                ..Move::default()
            };
            self.extension_report(on, &mut m);
            self.go(on, m)?;
            self.wait_for_care(on, offer, true, depth)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case::replay;
    use crate::domain::{Change, Event};

    fn d(s: &str) -> NaiveDate {
        crate::domain::dates::parse_date(s).unwrap()
    }

    #[test]
    fn triage_meets_on_the_next_tuesday() {
        assert_eq!(triage_meeting(d("2026-11-23")), d("2026-11-24"));
        assert_eq!(triage_meeting(d("2026-11-24")), d("2026-12-01"));
        assert_eq!(triage_meeting(d("2026-11-29")), d("2026-12-01"));
    }

    #[test]
    fn lives_replay_into_consistent_states() {
        let today = d("2026-11-22");
        let team = Team::new(today);
        for seed in 0..400 {
            let referred = plus_days(today, -(seed as i64 * 3 % 1000));
            let bundle = random_case(seed, &team, format!("2026-{seed:04}"), referred, today);
            let events: Vec<Event> = bundle.history();
            assert!(events.windows(2).all(|w| w[0].on <= w[1].on), "{seed}");
            assert!(events.iter().all(|e| e.on <= today));
            let case = replay(0, &bundle.case_ref, &events, None).unwrap();
            if case.intake_on.is_some() {
                assert!(case.worker.is_some(), "{seed}: {case:?}");
            }
            if case.stage == Stage::Closed {
                assert!(!case.escalated && !case.bridging_care);
            }
            let reviews = events
                .iter()
                .filter(|e| matches!(e.change, Change::Reviewed { .. }))
                .count();
            assert_eq!(reviews, bundle.reviews.len());
            if let Some(b) = bundle.birth_date {
                assert!(age_on(b, today) <= 22 && b <= bundle.events[0].0);
            }
        }
    }
}
