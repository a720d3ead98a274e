//! Evaluation moments (SPEC 1.7): when the team takes part in evaluating a
//! care episode, which move into `evaluation` held which moment, and the
//! evaluation list with its signals. Pure: the as-of date is a parameter.
//!
//! Where SPEC 1.7 leaves a case open, these rules decide:
//! - The episode's evaluations are the moves into `evaluation` dated on or
//!   after its `care_started_on`; the caller passes them, and any dated
//!   after the as-of date are ignored here, so a later event never changes
//!   an as-of result.
//! - A held moment keeps the due date it has as of the as-of date: when an
//!   extension moves the planned end, the `end` moment moves with it and is
//!   open again unless an evaluation lies in its new window.
//! - A held moment counts as held on time when held by due + 14 days, the
//!   same line at which an open moment turns red.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::case::Case;
use super::codes::{CareType, Stage, code_enum};
use super::dates::days_between;
use super::waitlist::Signal;

/// Days after the due date that an open moment stays orange.
pub const ORANGE_DAYS: i64 = 14;
/// How far ahead the evaluation list looks (SPEC 1.7).
pub const LOOKAHEAD_DAYS: i64 = 28;

code_enum!(
    /// An evaluation moment of a care episode (SPEC 1.7).
    Moment, "moment" {
        Start => "start",
        End => "end",
    }
);

/// The `[evaluation]` settings; a month count of 0 switches a moment off.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct EvaluationRules {
    pub after_start_months: u32,
    pub before_end_months: u32,
    pub window_days: u32,
}

impl Default for EvaluationRules {
    fn default() -> EvaluationRules {
        EvaluationRules {
            after_start_months: 3,
            before_end_months: 3,
            window_days: 30,
        }
    }
}

/// One moment of an episode as of a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MomentState {
    pub moment: Moment,
    pub due_on: NaiveDate,
    /// The move into `evaluation` that held it.
    pub held_on: Option<NaiveDate>,
}

impl MomentState {
    /// SPEC 1.7's signal of a moment not held; None once held.
    pub fn signal(&self, as_of: NaiveDate) -> Option<Signal> {
        self.held_on
            .is_none()
            .then(|| signal_for(self.due_on, as_of))
    }

    /// Held by due + 14 days.
    pub fn held_on_time(&self) -> Option<bool> {
        self.held_on
            .map(|h| days_between(self.due_on, h) <= ORANGE_DAYS)
    }
}

/// Green before the due date, orange up to 14 days after, red beyond.
pub fn signal_for(due_on: NaiveDate, as_of: NaiveDate) -> Signal {
    let overdue = days_between(due_on, as_of);
    if overdue < 0 {
        Signal::Green
    } else if overdue <= ORANGE_DAYS {
        Signal::Orange
    } else {
        Signal::Red
    }
}

fn plus_months(d: NaiveDate, months: u32) -> NaiveDate {
    d.checked_add_months(Months::new(months)).unwrap_or(d)
}

fn minus_months(d: NaiveDate, months: u32) -> NaiveDate {
    d.checked_sub_months(Months::new(months)).unwrap_or(d)
}

/// The moments of the case's current episode and their due dates, in due
/// order. None before care has started.
pub fn due_dates(case: &Case, rules: &EvaluationRules) -> Vec<(Moment, NaiveDate)> {
    episode_due_dates(case.care_started_on, case.planned_end_on, rules)
}

/// `due_dates` of an episode given by its start of care and planned end:
/// all a moment's date depends on.
pub fn episode_due_dates(
    started: Option<NaiveDate>,
    planned_end: Option<NaiveDate>,
    rules: &EvaluationRules,
) -> Vec<(Moment, NaiveDate)> {
    let Some(started) = started else {
        return Vec::new();
    };
    let start =
        (rules.after_start_months > 0).then(|| plus_months(started, rules.after_start_months));
    let end = planned_end
        .filter(|_| rules.before_end_months > 0)
        .map(|end| minus_months(end, rules.before_end_months).max(started));
    match (start, end) {
        // A short trajectory gets one evaluation, not two.
        (Some(s), Some(e)) if e <= s => vec![(Moment::End, e)],
        (s, e) => s
            .map(|s| (Moment::Start, s))
            .into_iter()
            .chain(e.map(|e| (Moment::End, e)))
            .collect(),
    }
}

/// The moments of the case's current episode as of `as_of`, each with the
/// evaluation that held it. `evaluations` are the dates of the episode's
/// moves into `evaluation`, in any order; those after `as_of` are ignored.
pub fn moments(
    case: &Case,
    evaluations: &[NaiveDate],
    as_of: NaiveDate,
    rules: &EvaluationRules,
) -> Vec<MomentState> {
    episode_moments(
        case.care_started_on,
        case.planned_end_on,
        evaluations,
        as_of,
        rules,
    )
}

/// `moments` of an episode given by its start of care and planned end.
pub fn episode_moments(
    started: Option<NaiveDate>,
    planned_end: Option<NaiveDate>,
    evaluations: &[NaiveDate],
    as_of: NaiveDate,
    rules: &EvaluationRules,
) -> Vec<MomentState> {
    let mut held: Vec<NaiveDate> = evaluations
        .iter()
        .copied()
        .filter(|e| *e <= as_of && started.is_some_and(|s| *e >= s))
        .collect();
    held.sort();
    let mut used = vec![false; held.len()];
    let window = i64::from(rules.window_days);
    episode_due_dates(started, planned_end, rules)
        .into_iter()
        .map(|(moment, due_on)| {
            let opens = due_on - chrono::Duration::days(window);
            let held_on = held
                .iter()
                .zip(used.iter_mut())
                .find(|(e, used)| !**used && **e >= opens)
                .map(|(e, used)| {
                    *used = true;
                    *e
                });
            MomentState {
                moment,
                due_on,
                held_on,
            }
        })
        .collect()
}

/// Whether a moment not held stands on the evaluation list as of `as_of`
/// (due on or before `as_of` + 28 days).
pub fn on_list(m: &MomentState, as_of: NaiveDate) -> bool {
    m.held_on.is_none() && m.due_on <= as_of + chrono::Duration::days(LOOKAHEAD_DAYS)
}

/// One row of the evaluation list: exactly the columns of an evaluation
/// export row (SPEC 7.2) without personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvaluationRow {
    #[serde(skip)]
    pub case_id: i64,
    pub case_ref: String,
    pub moment: Moment,
    pub due_on: NaiveDate,
    /// As-of date − due date; negative before the due date.
    pub days_overdue: i64,
    pub signal: Signal,
    pub care_started_on: Option<NaiveDate>,
    pub planned_end_on: Option<NaiveDate>,
    pub care_type: Option<CareType>,
    pub provider: Option<String>,
    pub worker: Option<String>,
    pub age: Option<i32>,
}

/// The evaluation list as of `as_of`: every moment not held of a case in
/// `in_care` due on or before `as_of` + 28 days, by due date, then case
/// reference. `evaluations` gives each case's evaluation dates by case id.
pub fn evaluation_list<'a>(
    cases: impl IntoIterator<Item = &'a Case>,
    evaluations: impl Fn(i64) -> &'a [NaiveDate],
    as_of: NaiveDate,
    rules: &EvaluationRules,
) -> Vec<EvaluationRow> {
    let mut rows: Vec<EvaluationRow> = cases
        .into_iter()
        .filter(|c| c.stage == Stage::InCare)
        .flat_map(|c| {
            moments(c, evaluations(c.id), as_of, rules)
                .into_iter()
                .filter(|m| on_list(m, as_of))
                .map(move |m| row(c, &m, as_of))
        })
        .collect();
    rows.sort_by(|a, b| (a.due_on, &a.case_ref, a.moment).cmp(&(b.due_on, &b.case_ref, b.moment)));
    rows
}

fn row(c: &Case, m: &MomentState, as_of: NaiveDate) -> EvaluationRow {
    EvaluationRow {
        case_id: c.id,
        case_ref: c.case_ref.clone(),
        moment: m.moment,
        due_on: m.due_on,
        days_overdue: days_between(m.due_on, as_of),
        signal: signal_for(m.due_on, as_of),
        care_started_on: c.care_started_on,
        planned_end_on: c.planned_end_on,
        care_type: c.care_type,
        provider: c.provider.clone(),
        worker: c.worker.clone(),
        age: c.age_on(as_of),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case::Referral;
    use crate::domain::codes::{Referrer, Urgency};
    use crate::domain::dates::parse_date;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn rules() -> EvaluationRules {
        EvaluationRules::default()
    }

    fn case(started: &str, end: Option<&str>) -> Case {
        let r = Referral {
            referrer: Referrer::Gp,
            urgency: Urgency::Regular,
            worker: None,
        };
        let mut c = Case::referred(1, "2026-0001", d("2025-10-01"), &r);
        c.stage = Stage::InCare;
        c.stage_since = d(started);
        c.care_started_on = Some(d(started));
        c.planned_end_on = end.map(d);
        c
    }

    fn dues(c: &Case) -> Vec<(Moment, NaiveDate)> {
        due_dates(c, &rules())
    }

    #[test]
    fn start_and_end_moments_three_months_in_and_before() {
        let c = case("2026-01-15", Some("2026-12-15"));
        assert_eq!(
            dues(&c),
            vec![
                (Moment::Start, d("2026-04-15")),
                (Moment::End, d("2026-09-15"))
            ]
        );
        // Without a planned end only the start moment.
        assert_eq!(
            dues(&case("2026-01-15", None)),
            vec![(Moment::Start, d("2026-04-15"))]
        );
        // Before care starts nothing is due.
        let mut waiting = case("2026-01-15", None);
        waiting.care_started_on = None;
        assert!(dues(&waiting).is_empty());
    }

    #[test]
    fn month_ends_clamp_including_leap_day() {
        assert_eq!(dues(&case("2025-11-30", None))[0].1, d("2026-02-28"));
        assert_eq!(dues(&case("2027-11-30", None))[0].1, d("2028-02-29"));
        assert_eq!(dues(&case("2026-01-31", None))[0].1, d("2026-04-30"));
        // Planned end 31 May: 3 months before is 28 Feb (29 in a leap year).
        let c = case("2025-06-01", Some("2026-05-31"));
        assert_eq!(dues(&c)[1], (Moment::End, d("2026-02-28")));
        let c = case("2027-06-01", Some("2028-05-31"));
        assert_eq!(dues(&c)[1], (Moment::End, d("2028-02-29")));
    }

    #[test]
    fn end_on_or_before_start_leaves_the_end_moment_only() {
        // Start due 15 Apr; end due 15 Apr (end 15 Jul): one moment.
        let c = case("2026-01-15", Some("2026-07-15"));
        assert_eq!(dues(&c), vec![(Moment::End, d("2026-04-15"))]);
        // One day later the trajectory has two moments.
        let c = case("2026-01-15", Some("2026-07-16"));
        assert_eq!(
            dues(&c),
            vec![
                (Moment::Start, d("2026-04-15")),
                (Moment::End, d("2026-04-16"))
            ]
        );
        // Shorter than 3 months: the end moment never before the start of care.
        let c = case("2026-01-15", Some("2026-03-01"));
        assert_eq!(dues(&c), vec![(Moment::End, d("2026-01-15"))]);
    }

    #[test]
    fn a_moment_switched_off_by_zero() {
        let c = case("2026-01-15", Some("2026-12-15"));
        let no_start = EvaluationRules {
            after_start_months: 0,
            ..rules()
        };
        assert_eq!(
            due_dates(&c, &no_start),
            vec![(Moment::End, d("2026-09-15"))]
        );
        let no_end = EvaluationRules {
            before_end_months: 0,
            ..rules()
        };
        assert_eq!(
            due_dates(&c, &no_end),
            vec![(Moment::Start, d("2026-04-15"))]
        );
    }

    #[test]
    fn window_opens_thirty_days_before_due() {
        let c = case("2026-01-15", None); // start due 15 Apr, window from 16 Mar
        let held = |e: &str| moments(&c, &[d(e)], d("2026-06-01"), &rules())[0].held_on;
        assert_eq!(held("2026-03-15"), None);
        assert_eq!(held("2026-03-16"), Some(d("2026-03-16")));
        assert_eq!(held("2026-05-30"), Some(d("2026-05-30")));
    }

    #[test]
    fn one_evaluation_holds_one_moment_in_due_order() {
        let c = case("2026-01-15", Some("2026-07-16")); // dues 15 Apr, 16 Apr
        let m = moments(&c, &[d("2026-04-10")], d("2026-06-01"), &rules());
        assert_eq!(m[0].held_on, Some(d("2026-04-10")));
        assert_eq!(m[1].held_on, None);
        let m = moments(
            &c,
            &[d("2026-04-20"), d("2026-04-10")],
            d("2026-06-01"),
            &rules(),
        );
        assert_eq!(m[0].held_on, Some(d("2026-04-10")));
        assert_eq!(m[1].held_on, Some(d("2026-04-20")));
    }

    #[test]
    fn signal_turns_orange_on_due_and_red_after_fourteen_days() {
        let due = d("2026-04-15");
        assert_eq!(signal_for(due, d("2026-04-14")), Signal::Green);
        assert_eq!(signal_for(due, d("2026-04-15")), Signal::Orange);
        assert_eq!(signal_for(due, d("2026-04-29")), Signal::Orange);
        assert_eq!(signal_for(due, d("2026-04-30")), Signal::Red);
        let held = MomentState {
            moment: Moment::Start,
            due_on: due,
            held_on: Some(d("2026-04-29")),
        };
        assert_eq!(held.signal(d("2026-06-01")), None);
        assert_eq!(held.held_on_time(), Some(true));
        let late = MomentState {
            held_on: Some(d("2026-04-30")),
            ..held
        };
        assert_eq!(late.held_on_time(), Some(false));
    }

    #[test]
    fn list_looks_28_days_ahead_and_holds_only_in_care() {
        let c = case("2026-01-15", None); // due 15 Apr
        let none: &[NaiveDate] = &[];
        let list = |as_of: &str, c: &Case| {
            evaluation_list([c], |_| none, d(as_of), &rules())
                .into_iter()
                .map(|r| (r.days_overdue, r.signal))
                .collect::<Vec<_>>()
        };
        assert!(list("2026-03-17", &c).is_empty());
        assert_eq!(list("2026-03-18", &c), vec![(-28, Signal::Green)]);
        assert_eq!(list("2026-05-01", &c), vec![(16, Signal::Red)]);
        for stage in [Stage::Evaluation, Stage::Waiting, Stage::Closed] {
            let mut other = c.clone();
            other.stage = stage;
            assert!(list("2026-05-01", &other).is_empty(), "{stage}");
        }
    }

    #[test]
    fn list_is_ordered_by_due_then_case_ref() {
        let mut a = case("2026-01-20", None);
        a.case_ref = "2026-0009".into();
        let mut b = case("2026-01-15", Some("2026-12-31"));
        b.id = 2;
        b.case_ref = "2026-0010".into();
        let mut c = case("2026-01-20", None);
        c.id = 3;
        c.case_ref = "2026-0002".into();
        let none: &[NaiveDate] = &[];
        let rows = evaluation_list([&a, &b, &c], |_| none, d("2026-12-01"), &rules());
        let keys: Vec<(&str, Moment)> = rows
            .iter()
            .map(|r| (r.case_ref.as_str(), r.moment))
            .collect();
        assert_eq!(
            keys,
            vec![
                ("2026-0010", Moment::Start),
                ("2026-0002", Moment::Start),
                ("2026-0009", Moment::Start),
                ("2026-0010", Moment::End),
            ]
        );
    }

    #[test]
    fn an_extension_moves_the_end_moment_and_opens_it_again() {
        let mut c = case("2026-01-15", Some("2026-07-31")); // end due 30 Apr
        let evals = [d("2026-04-20")];
        assert_eq!(
            moments(&c, &evals, d("2026-05-01"), &rules())[0].held_on,
            Some(d("2026-04-20"))
        );
        c.planned_end_on = Some(d("2027-01-31")); // end due 31 Oct
        let m = moments(&c, &evals, d("2026-05-01"), &rules());
        assert_eq!(
            m.iter().map(|m| m.held_on).collect::<Vec<_>>(),
            vec![Some(d("2026-04-20")), None]
        );
        assert_eq!(m[1].due_on, d("2026-10-31"));
    }

    fn arb_date() -> impl Strategy<Value = NaiveDate> {
        (0i64..900).prop_map(|n| d("2025-01-01") + chrono::Duration::days(n))
    }

    proptest! {
        #[test]
        fn later_dated_evaluations_never_change_an_as_of_result(
            start in arb_date(),
            len in 0i64..800,
            evals in proptest::collection::vec(arb_date(), 0..6),
            later in proptest::collection::vec(1i64..400, 0..4),
            as_of in arb_date(),
        ) {
            let mut c = case("2025-01-01", None);
            c.care_started_on = Some(start);
            c.planned_end_on = Some(start + chrono::Duration::days(len));
            let before = moments(&c, &evals, as_of, &rules());
            let mut more = evals.clone();
            more.extend(later.iter().map(|n| as_of + chrono::Duration::days(*n)));
            prop_assert_eq!(moments(&c, &more, as_of, &rules()), before);
        }

        #[test]
        fn each_evaluation_holds_at_most_one_moment(
            start in arb_date(),
            len in 0i64..800,
            evals in proptest::collection::vec(arb_date(), 0..6),
            as_of in arb_date(),
        ) {
            let mut c = case("2025-01-01", None);
            c.care_started_on = Some(start);
            c.planned_end_on = Some(start + chrono::Duration::days(len));
            let ms = moments(&c, &evals, as_of, &rules());
            prop_assert!(ms.len() <= 2);
            // Each moment appears once, each is held by at most one
            // evaluation, and no evaluation (counted with repeats) holds more
            // moments than it occurs in the input.
            let kinds: std::collections::HashSet<_> = ms.iter().map(|m| m.moment).collect();
            prop_assert_eq!(kinds.len(), ms.len());
            for m in &ms {
                if let Some(h) = m.held_on {
                    let holding = ms.iter().filter(|o| o.held_on == Some(h)).count();
                    let given = evals.iter().filter(|e| **e == h).count();
                    prop_assert!(holding <= given);
                    prop_assert!(h <= as_of);
                    prop_assert!(h >= m.due_on - chrono::Duration::days(30));
                }
            }
            for w in ms.windows(2) {
                prop_assert!(w[0].due_on < w[1].due_on);
            }
        }
    }
}
