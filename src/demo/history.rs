//! One case's history, built event by event the way it would have been
//! recorded: every move goes through the lifecycle rules as it is added (and
//! is stored normalised), and nothing dated after today is kept: the demo's
//! lives are simulated to their end, and "today" cuts them off.

use chrono::NaiveDate;

use crate::domain::evaluation::{EvaluationRules, moments};
use crate::domain::lifecycle::plan_move;
use crate::domain::{Case, Change, Event, FieldChange, Move, Referral, ReviewInput, Stage};
use crate::store::CaseBundle;

pub struct History {
    today: NaiveDate,
    bundle: CaseBundle,
    case: Case,
    last: NaiveDate,
    /// An event fell after today: this and everything after it is future.
    cut: bool,
    /// The dates of the moves into `evaluation`, in order: what holds the
    /// evaluation moments (SPEC 1.7).
    evaluated: Vec<NaiveDate>,
}

impl History {
    pub fn referred(
        case_ref: String,
        name: Option<String>,
        birth_date: Option<NaiveDate>,
        on: NaiveDate,
        referral: Referral,
        today: NaiveDate,
    ) -> History {
        debug_assert!(on <= today, "a demo referral after today");
        let case = Case::referred(0, &case_ref, on, &referral);
        History {
            today,
            bundle: CaseBundle {
                case_ref,
                name,
                birth_date,
                events: vec![(on, Change::Referred(referral))],
                reviews: Vec::new(),
            },
            case,
            last: on,
            cut: false,
            evaluated: Vec::new(),
        }
    }

    /// The case as its history so far makes it.
    pub fn case(&self) -> &Case {
        &self.case
    }

    pub fn stage(&self) -> Stage {
        self.case.stage
    }

    /// The due date of the first evaluation moment (SPEC 1.7, the default
    /// rules) of the current episode not yet held.
    pub fn next_moment(&self) -> Option<NaiveDate> {
        let rules = EvaluationRules::default();
        moments(&self.case, &self.evaluated, self.last, &rules)
            .into_iter()
            .find(|m| m.held_on.is_none())
            .map(|m| m.due_on)
    }

    /// The date of the latest event.
    pub fn last_date(&self) -> NaiveDate {
        self.last
    }

    /// Whether an event may still be added on `on`: not once the history
    /// reached past today.
    fn admit(&mut self, on: NaiveDate) -> bool {
        if self.cut || on > self.today {
            self.cut = true;
            return false;
        }
        debug_assert!(
            on >= self.last,
            "{}: {on} before {}",
            self.case.case_ref,
            self.last
        );
        true
    }

    fn push(&mut self, on: NaiveDate, change: Change) {
        let seq = self.bundle.events.len() as i64;
        self.case.apply(&Event {
            on,
            seq,
            change: change.clone(),
        });
        self.bundle.events.push((on, change));
        self.last = on;
    }

    /// Adds a move; false when it lies after today. The move is stored as the
    /// lifecycle normalises it, so the stored history replays without help.
    pub fn move_to(&mut self, on: NaiveDate, request: Move) -> bool {
        if !self.admit(on) {
            return false;
        }
        let planned = plan_move(&self.case, &request, on, self.today).unwrap_or_else(|e| {
            panic!("the demo generator planned an impossible move: {e}");
        });
        if planned.to == Some(Stage::Evaluation) {
            self.evaluated.push(on);
        }
        self.push(on, Change::Moved(planned));
        true
    }

    pub fn set(&mut self, on: NaiveDate, change: FieldChange) -> bool {
        if !self.admit(on) {
            return false;
        }
        self.push(on, Change::Set(change));
        true
    }

    /// Adds a stoplight review; false when it lies after today. A review on
    /// a day the case is not in care is left out (not an error: step-ups
    /// can put a case back on the waiting list between two reviews).
    pub fn review(&mut self, on: NaiveDate, input: ReviewInput) -> bool {
        if !self.admit(on) {
            return false;
        }
        if self.case.on_board() {
            let review_id = self.bundle.reviews.len() as i64;
            self.bundle.reviews.push((on, input));
            self.push(on, Change::Reviewed { review_id });
        }
        true
    }

    pub fn finish(self) -> CaseBundle {
        self.bundle
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Referrer, Route, Urgency};

    fn d(s: &str) -> NaiveDate {
        crate::domain::dates::parse_date(s).unwrap()
    }

    #[test]
    fn events_after_today_are_cut_off_with_all_that_follows() {
        let referral = Referral {
            referrer: Referrer::Gp,
            urgency: Urgency::Regular,
            worker: None,
        };
        let mut h = History::referred(
            "2026-0001".into(),
            None,
            None,
            d("2026-10-01"),
            referral,
            d("2026-11-01"),
        );
        assert!(h.move_to(d("2026-10-05"), Move::to(Stage::Intake)));
        assert!(h.move_to(d("2026-10-20"), Move::to(Stage::Triage)));
        let decision = Move {
            route: Some(Route::Team),
            ..Move::default()
        };
        assert!(!h.move_to(d("2026-11-03"), decision));
        assert!(!h.set(d("2026-11-01"), FieldChange::Escalated(true)));
        let bundle = h.finish();
        assert_eq!(bundle.events.len(), 3);
    }

    #[test]
    fn moves_are_stored_normalised() {
        let referral = Referral {
            referrer: Referrer::School,
            urgency: Urgency::Regular,
            worker: None,
        };
        let mut h = History::referred(
            "2026-0002".into(),
            None,
            None,
            d("2026-01-05"),
            referral,
            d("2026-11-01"),
        );
        h.move_to(d("2026-01-10"), Move::to(Stage::Intake));
        h.move_to(d("2026-01-20"), Move::to(Stage::Triage));
        h.move_to(
            d("2026-01-27"),
            Move {
                route: Some(Route::Team),
                ..Move::default()
            },
        );
        assert_eq!(h.stage(), Stage::InCare);
        let bundle = h.finish();
        let Change::Moved(m) = &bundle.events[3].1 else {
            panic!("a move");
        };
        assert_eq!(m.to, Some(Stage::InCare));
        assert_eq!(m.care_type, Some(crate::domain::CareType::Team));
    }
}
