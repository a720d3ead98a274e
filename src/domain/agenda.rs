//! The agenda of the weekly case review (SPEC 9): each case once, in the
//! first section that applies — triage, stoplight red, waiting over the
//! norm, review due, escalated — each section in its own order.

use chrono::NaiveDate;
use serde::Serialize;

use super::codes::{Stage, code_enum};
use super::snapshot::Snapshot;
use super::stoplight::{self, Reason, StoplightRow};
use super::waitlist::{self, Norms, Signal, WaitRow};

code_enum!(
    /// A section of the agenda, in agenda order.
    Section, "section" {
        Triage => "triage",
        StoplightRed => "stoplight_red",
        WaitingOverNorm => "waiting_over_norm",
        ReviewDue => "review_due",
        Escalated => "escalated",
    }
);

/// One case on the agenda, with why it is there and the facts to decide on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgendaItem {
    #[serde(skip)]
    pub case_id: i64,
    pub case_ref: String,
    pub section: Section,
    /// Rule codes: the stoplight rules that fired for a case in care, the
    /// queues it waits over the norm in (`intake`, `decision`, `care`), and
    /// `escalated` when flagged.
    pub reasons: Vec<String>,
    #[serde(skip)]
    pub stage: Stage,
    /// The longest wait of the case in any queue (days), for the facts.
    #[serde(skip)]
    pub wait_days: Option<i64>,
    #[serde(skip)]
    pub light: Option<StoplightRow>,
}

/// Builds the agenda from a snapshot whose `as_of` is the meeting date.
pub fn agenda(snapshot: &Snapshot, norms: &Norms, preconditions: &[String]) -> Vec<AgendaItem> {
    let waits = waitlist::waiting_list(snapshot, norms, None);
    let mut by_case: std::collections::HashMap<i64, Vec<&WaitRow>> = Default::default();
    for w in &waits {
        by_case.entry(w.case_id).or_default().push(w);
    }
    let mut items: Vec<(AgendaItem, SortKey)> = snapshot
        .cases
        .iter()
        .filter_map(|case| {
            let rows = by_case.get(&case.id).map(Vec::as_slice).unwrap_or(&[]);
            let light = case.on_board().then(|| {
                stoplight::evaluate(
                    case,
                    snapshot.reviews_of(case.id),
                    snapshot.as_of,
                    preconditions,
                    norms.care,
                )
            });
            place(case, rows, light)
        })
        .collect();
    items.sort_by(|a, b| {
        (a.0.section, &a.1, &a.0.case_ref).cmp(&(b.0.section, &b.1, &b.0.case_ref))
    });
    items.into_iter().map(|(item, _)| item).collect()
}

/// Order within a section: a key compared ascending.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum SortKey {
    /// Longest waiting first.
    LongestWait(std::cmp::Reverse<i64>),
    /// Most reasons first.
    MostReasons(std::cmp::Reverse<usize>),
    /// Oldest review first; never reviewed before everything.
    OldestReview(Option<NaiveDate>),
    /// By case reference only.
    Reference,
}

fn place(
    case: &super::Case,
    waits: &[&WaitRow],
    light: Option<StoplightRow>,
) -> Option<(AgendaItem, SortKey)> {
    let over_norm: Vec<&&WaitRow> = waits.iter().filter(|w| w.signal == Signal::Red).collect();
    let longest = waits.iter().map(|w| w.wait_days).max();
    let mut reasons: Vec<String> = light
        .as_ref()
        .map(|l| l.reasons.iter().map(|r| r.code().to_string()).collect())
        .unwrap_or_default();
    reasons.extend(over_norm.iter().map(|w| w.queue.code().to_string()));
    if case.escalated {
        reasons.push("escalated".to_string());
    }
    let red_light = light.as_ref().is_some_and(|l| l.color == Signal::Red);
    let review_due = light
        .as_ref()
        .is_some_and(|l| l.reasons.iter().any(|r| matches!(r, Reason::ReviewDue(_))));
    let (section, key) = if case.stage == Stage::Triage {
        (
            Section::Triage,
            SortKey::LongestWait(std::cmp::Reverse(longest.unwrap_or(0))),
        )
    } else if red_light {
        let n = light.as_ref().map_or(0, |l| l.reasons.len());
        (
            Section::StoplightRed,
            SortKey::MostReasons(std::cmp::Reverse(n)),
        )
    } else if !over_norm.is_empty() {
        let worst = over_norm.iter().map(|w| w.wait_days).max().unwrap_or(0);
        (
            Section::WaitingOverNorm,
            SortKey::LongestWait(std::cmp::Reverse(worst)),
        )
    } else if review_due {
        let last = light.as_ref().and_then(|l| l.last_review_on);
        (Section::ReviewDue, SortKey::OldestReview(last))
    } else if case.escalated && case.stage.is_open() {
        (Section::Escalated, SortKey::Reference)
    } else {
        return None;
    };
    Some((
        AgendaItem {
            case_id: case.id,
            case_ref: case.case_ref.clone(),
            section,
            reasons,
            stage: case.stage,
            wait_days: longest,
            light,
        },
        key,
    ))
}

/// The snapshot an agenda for a meeting on `meeting_on` is built from: the
/// cases as they stood going into the meeting (end of the day before), with
/// waits and rules counted to the meeting date. So what the team records
/// during the meeting does not reshuffle the agenda it is walking.
pub fn meeting_snapshot(mut before: Snapshot, meeting_on: NaiveDate) -> Snapshot {
    before.as_of = meeting_on;
    before
}

/// A decision recorded in a case review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    #[serde(skip)]
    pub id: i64,
    #[serde(skip)]
    pub case_id: i64,
    #[serde(skip)]
    pub case_ref: String,
    pub text: String,
    pub owner: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case::Referral;
    use crate::domain::codes::{CareType, Referrer, Route, Status, Urgency};
    use crate::domain::review::Review;
    use crate::domain::{Case, dates::parse_date};

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn case(id: i64, stage: Stage, referred: &str) -> Case {
        let r = Referral {
            referrer: Referrer::Gp,
            urgency: Urgency::Regular,
            worker: None,
        };
        let mut c = Case::referred(id, &format!("2026-{id:04}"), d(referred), &r);
        c.stage = stage;
        c
    }

    fn in_care(id: i64, started: &str, end: Option<&str>) -> Case {
        let mut c = case(id, Stage::InCare, "2025-01-01");
        c.route = Some(Route::Team);
        c.care_type = Some(CareType::Team);
        c.care_started_on = Some(d(started));
        c.stage_since = d(started);
        c.planned_end_on = end.map(d);
        c
    }

    fn all_ok(id: i64, case_id: i64, on: &str) -> Review {
        let codes = crate::config::Config::default().precondition_codes();
        Review {
            id,
            case_id,
            on: d(on),
            next_on: crate::domain::dates::plus_one_month(d(on)),
            note: None,
            statuses: codes.into_iter().map(|c| (c, Status::Ok)).collect(),
        }
    }

    fn build(cases: Vec<Case>, reviews: Vec<Review>) -> Vec<AgendaItem> {
        let mut snap = Snapshot {
            as_of: d("2026-11-22"),
            cases,
            reviews: Default::default(),
        };
        for r in reviews {
            snap.reviews.entry(r.case_id).or_default().push(r);
        }
        let config = crate::config::Config::default();
        agenda(&snap, &config.norms, &config.precondition_codes())
    }

    #[test]
    fn each_case_once_in_the_first_section_that_applies() {
        let mut triage_old = case(1, Stage::Triage, "2026-09-01");
        triage_old.escalated = true;
        let triage_new = case(2, Stage::Triage, "2026-11-01");
        let red_many = in_care(3, "2025-06-01", Some("2026-10-01"));
        let mut red_few = in_care(4, "2026-01-01", Some("2026-11-01"));
        red_few.escalated = true;
        let waiting_long = case(5, Stage::Referred, "2026-08-01");
        let mut waiting_longer = case(6, Stage::Intake, "2026-07-01");
        waiting_longer.intake_on = Some(d("2026-07-05"));
        let due_old = in_care(7, "2026-01-01", Some("2027-12-31"));
        let due_never = in_care(8, "2026-11-01", Some("2027-12-31"));
        let mut escalated = in_care(9, "2026-01-01", Some("2027-12-31"));
        escalated.escalated = true;
        let green = in_care(10, "2026-01-01", Some("2027-12-31"));
        let items = build(
            vec![
                triage_new,
                triage_old,
                red_few,
                red_many,
                waiting_long,
                waiting_longer,
                due_old,
                due_never,
                escalated,
                green,
            ],
            vec![
                all_ok(1, 3, "2026-11-01"),
                all_ok(2, 4, "2026-11-10"),
                all_ok(3, 7, "2026-10-10"),
                all_ok(4, 9, "2026-11-15"),
                all_ok(5, 10, "2026-11-15"),
            ],
        );
        let got: Vec<(&str, &str)> = items
            .iter()
            .map(|i| (i.section.code(), i.case_ref.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("triage", "2026-0001"),
                ("triage", "2026-0002"),
                ("stoplight_red", "2026-0003"),
                ("stoplight_red", "2026-0004"),
                ("waiting_over_norm", "2026-0006"),
                ("waiting_over_norm", "2026-0005"),
                ("review_due", "2026-0008"),
                ("review_due", "2026-0007"),
                ("escalated", "2026-0009"),
            ]
        );
        assert_eq!(items[0].reasons, ["decision", "escalated"]);
        assert_eq!(items[2].reasons, ["end_passed"]);
        assert_eq!(items[5].reasons, ["intake", "decision"]);
    }

    #[test]
    fn an_empty_team_has_an_empty_agenda() {
        assert!(build(vec![], vec![]).is_empty());
        let mut closed = case(1, Stage::Closed, "2026-01-01");
        closed.escalated = true;
        assert!(build(vec![closed], vec![]).is_empty());
    }
}
