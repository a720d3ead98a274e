use super::*;
use crate::domain::case::Referral;
use crate::domain::codes::{CareType, Referrer, Route, Status, Urgency};
use crate::domain::review::Review;
use crate::domain::{Case, dates::parse_date};

fn d(s: &str) -> NaiveDate {
    parse_date(s).unwrap()
}

/// The meeting of these tests: Monday 23 November 2026, built from the end
/// of Sunday the 22nd.
const ON: &str = "2026-11-23";

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

fn review(id: i64, case_id: i64, on: &str, status: Status) -> Review {
    let codes = crate::context::config::Config::default().precondition_codes();
    Review {
        id,
        case_id,
        on: d(on),
        next_on: crate::domain::dates::plus_one_month(d(on)),
        note: None,
        statuses: codes.into_iter().map(|c| (c, status)).collect(),
    }
}

fn all_ok(id: i64, case_id: i64, on: &str) -> Review {
    review(id, case_id, on, Status::Ok)
}

fn due(case_id: i64, on: &str, signal: Signal) -> DueMoment {
    DueMoment {
        case_id,
        moment: "start".into(),
        due_on: d(on),
        signal,
    }
}

fn build_for(
    kind: Kind,
    provider: Option<&str>,
    cases: &[Case],
    reviews: &[Review],
    evaluations: &[DueMoment],
) -> Agenda {
    let mut snap = Snapshot {
        as_of: d("2026-11-22"),
        cases: cases.to_vec(),
        reviews: Default::default(),
    };
    for r in reviews {
        snap.reviews.entry(r.case_id).or_default().push(r.clone());
    }
    let config = crate::context::config::Config::default();
    let meeting = Meeting {
        kind,
        on: d(ON),
        provider: provider.map(String::from),
    };
    agenda(
        &snap,
        meeting,
        &config.norms,
        &config.precondition_codes(),
        evaluations,
    )
}

fn build(cases: &[Case], reviews: &[Review], evaluations: &[DueMoment]) -> Agenda {
    build_for(Kind::Team, None, cases, reviews, evaluations)
}

fn listed(agenda: &Agenda) -> Vec<(&'static str, String)> {
    agenda
        .items
        .iter()
        .map(|i| (i.section.code(), i.case_ref.clone()))
        .collect()
}

fn pairs(want: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    want.iter().map(|(s, r)| (*s, r.to_string())).collect()
}

/// A weekly agenda with every section, each in its own order.
fn team_cases() -> (Vec<Case>, Vec<Review>, Vec<DueMoment>) {
    let mut triage_old = case(1, Stage::Triage, "2026-09-01");
    triage_old.escalated = true;
    let triage_new = case(2, Stage::Triage, "2026-11-01");
    // Red: end passed, and a precondition missing near the end.
    let red_many = in_care(3, "2025-06-01", Some("2026-10-01"));
    let mut red_few = in_care(4, "2026-01-01", Some("2026-11-01"));
    red_few.escalated = true;
    // 114 days since referral: over the decision norm (56); the intake
    // norm (14) too.
    let waiting_long = case(5, Stage::Referred, "2026-08-01");
    let mut waiting_longer = case(6, Stage::Intake, "2026-07-01");
    waiting_longer.intake_on = Some(d("2026-07-05"));
    // Orange on the stoplight (review due): not the weekly meeting's.
    let review_due = in_care(7, "2026-01-01", Some("2027-12-31"));
    let eval_old = in_care(8, "2026-05-01", Some("2027-12-31"));
    let eval_new = in_care(9, "2026-06-01", Some("2027-12-31"));
    let mut escalated = in_care(10, "2026-01-01", Some("2027-12-31"));
    escalated.escalated = true;
    let green = in_care(11, "2026-01-01", Some("2027-12-31"));
    let cases = vec![
        triage_new,
        triage_old,
        red_few,
        red_many,
        waiting_long,
        waiting_longer,
        review_due,
        eval_new,
        eval_old,
        escalated,
        green,
    ];
    let reviews = vec![
        review(1, 3, "2026-11-01", Status::Missing),
        all_ok(2, 4, "2026-11-10"),
        all_ok(3, 7, "2026-10-10"),
        all_ok(4, 8, "2026-11-15"),
        all_ok(5, 9, "2026-11-15"),
        all_ok(6, 10, "2026-11-15"),
        all_ok(7, 11, "2026-11-15"),
    ];
    let evaluations = vec![
        due(9, "2026-11-20", Signal::Orange),
        due(8, "2026-11-01", Signal::Red),
        // Green moments are not due yet.
        due(11, "2026-12-10", Signal::Green),
    ];
    (cases, reviews, evaluations)
}

#[test]
fn the_weekly_review_lists_each_case_once_in_the_first_section_that_applies() {
    let (cases, reviews, evaluations) = team_cases();
    let agenda = build(&cases, &reviews, &evaluations);
    assert_eq!(
        listed(&agenda),
        pairs(&[
            ("triage", "2026-0001"),
            ("triage", "2026-0002"),
            ("stoplight_red", "2026-0003"),
            ("stoplight_red", "2026-0004"),
            ("waiting_over_norm", "2026-0006"),
            ("waiting_over_norm", "2026-0005"),
            ("evaluation_due", "2026-0008"),
            ("evaluation_due", "2026-0009"),
            ("escalated", "2026-0010"),
        ])
    );
    let items = &agenda.items;
    assert_eq!(items[0].reasons, ["decision", "escalated"]);
    assert_eq!(
        items[2].reasons,
        ["end_passed", "missing_near_end", "missing"]
    );
    assert_eq!(items[3].reasons, ["end_passed", "escalated"]);
    assert_eq!(items[5].reasons, ["intake", "decision"]);
    assert_eq!(items[6].reasons, ["evaluation_due"]);
    assert_eq!(items[6].due.as_ref().unwrap().due_on, d("2026-11-01"));
    // The facts: the triage wait counted to the meeting date.
    assert_eq!(items[0].waits[0].wait_days, 83);
    assert_eq!(items[0].waits[0].norm_days, 56);
    assert_eq!(
        agenda.counts(),
        [
            (Section::Triage, 2),
            (Section::StoplightRed, 2),
            (Section::WaitingOverNorm, 2),
            (Section::EvaluationDue, 2),
            (Section::Escalated, 1),
        ]
    );
}

#[test]
fn an_empty_evaluation_list_leaves_its_section_empty() {
    let (cases, reviews, _) = team_cases();
    let agenda = build(&cases, &reviews, &[]);
    let sections: Vec<Section> = agenda.items.iter().map(|i| i.section).collect();
    assert!(!sections.contains(&Section::EvaluationDue));
    assert_eq!(agenda.items.len(), 7);
}

#[test]
fn a_due_moment_of_a_case_already_listed_adds_a_reason_not_an_item() {
    let (cases, reviews, mut evaluations) = team_cases();
    // The red case 3 and the triage case 2 get a moment too; case 9 a
    // second, later one: each case still once, the earliest moment shown.
    evaluations.push(due(3, "2026-11-02", Signal::Red));
    evaluations.push(due(2, "2026-11-02", Signal::Orange));
    evaluations.push(due(9, "2026-11-22", Signal::Orange));
    let agenda = build(&cases, &reviews, &evaluations);
    assert_eq!(agenda.items.len(), 9);
    let item = |r: &str| agenda.items.iter().find(|i| i.case_ref == r).unwrap();
    assert_eq!(item("2026-0003").section, Section::StoplightRed);
    assert!(
        item("2026-0003")
            .reasons
            .contains(&"evaluation_due".to_string())
    );
    assert_eq!(item("2026-0002").section, Section::Triage);
    assert_eq!(
        item("2026-0009").due.as_ref().unwrap().due_on,
        d("2026-11-20")
    );
}

#[test]
fn items_move_between_sections_when_a_case_changes() {
    let (mut cases, mut reviews, evaluations) = team_cases();
    let section_of = |agenda: &Agenda, r: &str| {
        agenda
            .items
            .iter()
            .find(|i| i.case_ref == r)
            .map(|i| i.section)
    };
    // Case 6 (waiting over the norm) is sent to triage: it moves up.
    cases[5].stage = Stage::Triage;
    // Case 4 (red: end passed, escalated) gets a later planned end: no
    // longer red, it stays for its escalation.
    cases[2].planned_end_on = Some(d("2027-06-30"));
    // Case 8 (evaluation due) turns red: an end date passed.
    cases[8].planned_end_on = Some(d("2026-11-20"));
    // Case 3 closes: off the agenda.
    cases[3].stage = Stage::Closed;
    cases[3].closed_on = Some(d("2026-11-20"));
    reviews.retain(|r| r.case_id != 3);
    let agenda = build(&cases, &reviews, &evaluations);
    assert_eq!(section_of(&agenda, "2026-0006"), Some(Section::Triage));
    assert_eq!(section_of(&agenda, "2026-0004"), Some(Section::Escalated));
    assert_eq!(
        section_of(&agenda, "2026-0008"),
        Some(Section::StoplightRed)
    );
    assert_eq!(section_of(&agenda, "2026-0003"), None);
}

#[test]
fn closed_cases_are_never_on_the_agenda() {
    assert!(build(&[], &[], &[]).items.is_empty());
    let mut closed = case(1, Stage::Closed, "2026-01-01");
    closed.escalated = true;
    closed.closed_on = Some(d("2026-02-01"));
    assert!(build(&[closed], &[], &[]).items.is_empty());
}

#[test]
fn the_agenda_counts_waits_to_the_meeting_date_whatever_the_snapshot_date() {
    // A case referred 56 days before the meeting is at the norm (orange),
    // 57 days before over it.
    let at_norm = case(1, Stage::Referred, "2026-09-28");
    let over = case(2, Stage::Intake, "2026-09-27");
    let agenda = build(&[at_norm, over], &[], &[]);
    assert_eq!(
        listed(&agenda),
        pairs(&[
            ("waiting_over_norm", "2026-0002"),
            ("waiting_over_norm", "2026-0001")
        ]),
        "longest waiting first: 57 days, then 56"
    );
    assert_eq!(agenda.items[0].reasons, ["decision"]);
    assert_eq!(
        agenda.items[1].reasons,
        ["intake"],
        "intake over, decision at norm"
    );
}

fn round_cases() -> (Vec<Case>, Vec<Review>) {
    let mut a = in_care(1, "2026-01-01", Some("2026-10-01"));
    a.provider = Some("Lindenhout".into());
    let mut b = in_care(2, "2026-01-01", Some("2026-10-01"));
    b.provider = Some("Pactum".into());
    let mut c = in_care(3, "2026-01-01", Some("2027-12-31"));
    c.provider = Some("Lindenhout".into());
    let mut g = in_care(4, "2026-01-01", Some("2027-12-31"));
    g.provider = Some("lindenhout ".into());
    let mut o2 = in_care(5, "2026-01-01", None);
    o2.provider = Some("Lindenhout".into());
    let waiting = case(6, Stage::Referred, "2026-01-01");
    let reviews = vec![
        review(1, 1, "2026-11-01", Status::Missing),
        all_ok(2, 2, "2026-11-01"),
        review(3, 3, "2026-11-01", Status::Partial),
        all_ok(4, 4, "2026-11-15"),
        review(5, 5, "2026-11-15", Status::Partial),
    ];
    (vec![a, b, c, g, o2, waiting], reviews)
}

#[test]
fn the_stoplight_round_lists_the_board_red_first_most_reasons_first() {
    let (cases, reviews) = round_cases();
    let agenda = build_for(Kind::Stoplight, None, &cases, &reviews, &[]);
    assert_eq!(
        listed(&agenda),
        pairs(&[
            ("red", "2026-0001"),
            ("red", "2026-0002"),
            ("orange", "2026-0005"),
            ("orange", "2026-0003"),
            ("green", "2026-0004"),
        ])
    );
    let first = &agenda.items[0];
    assert_eq!(first.reasons, ["end_passed", "missing_near_end", "missing"]);
    let light = first.light.as_ref().unwrap();
    assert_eq!(light.criteria.get("housing"), Some(Status::Missing));
    assert_eq!(agenda.items[2].reasons, ["partial", "no_end_date"]);
    assert_eq!(
        agenda.counts(),
        [(Section::Red, 2), (Section::Orange, 2), (Section::Green, 1)]
    );
}

#[test]
fn the_round_with_one_provider_holds_only_its_young_people() {
    let (cases, reviews) = round_cases();
    let agenda = build_for(Kind::Stoplight, Some("LINDENHOUT"), &cases, &reviews, &[]);
    assert_eq!(
        listed(&agenda),
        pairs(&[
            ("red", "2026-0001"),
            ("orange", "2026-0005"),
            ("orange", "2026-0003"),
            ("green", "2026-0004"),
        ])
    );
    let none = build_for(Kind::Stoplight, Some("Elders"), &cases, &reviews, &[]);
    assert!(none.items.is_empty());
}

#[test]
fn review_due_is_the_rounds_business_not_the_weekly_meetings() {
    let (cases, reviews, _) = team_cases();
    let team = build(&cases, &reviews, &[]);
    assert!(!team.holds(7), "orange for a review due: not weekly");
    let round = build_for(Kind::Stoplight, None, &cases, &reviews, &[]);
    let item = round.items.iter().find(|i| i.case_id == 7).unwrap();
    assert_eq!(item.section, Section::Orange);
    assert_eq!(item.reasons, ["review_due"]);
}

#[test]
fn discussed_means_a_decision_a_move_or_a_review() {
    let mut records = Records::default();
    assert!(records.discussed().is_empty());
    records.decisions.push(Decision {
        id: 1,
        case_id: 1,
        case_ref: "2026-0001".into(),
        text: "Route ambulant".into(),
        owner: None,
        follow_up_on: None,
    });
    records.moves.push(MoveDone {
        case_id: 2,
        case_ref: "2026-0002".into(),
        change: Move::to(Stage::Triage),
    });
    records.reviews.push(ReviewDone {
        case_id: 3,
        case_ref: "2026-0003".into(),
        review: all_ok(9, 3, ON),
        before: Signal::Red,
        after: Signal::Green,
    });
    assert_eq!(records.discussed(), HashSet::from([1, 2, 3]));
}

#[test]
fn the_light_around_a_review_is_before_and_after_it() {
    let c = in_care(1, "2026-01-01", Some("2027-12-31"));
    let reviews = vec![
        review(1, 1, "2026-10-20", Status::Missing),
        all_ok(2, 1, ON),
    ];
    let codes = crate::context::config::Config::default().precondition_codes();
    assert_eq!(
        lights_around(
            &c,
            &reviews,
            d(ON),
            &codes,
            crate::context::config::Config::default().norms.care
        ),
        (Signal::Orange, Signal::Green)
    );
}
