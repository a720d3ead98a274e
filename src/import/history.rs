//! A row's history, rebuilt from its dates in lifecycle order (SPEC 7.1):
//! referral, intake, triage (entered on the intake date), the triage decision
//! with its route, care start, evaluation (on the import date), closing.
//! Every move is planned by `lifecycle::plan_move`, as `stroom move` would,
//! so an import can never store a history that a single move would refuse.

use chrono::NaiveDate;

use super::column::Column;
use super::row::Row;
use crate::domain::lifecycle::{check_fact_date, plan_move, route_target};
use crate::domain::{
    Case, Change, Event, FieldChange, Move, Msg, Referral, Referrer, Route, Stage, Urgency,
};

/// A row's events and the stage they leave the case in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct History {
    pub events: Vec<(NaiveDate, Change)>,
    pub stage: Stage,
}

/// Why a row cannot become a case: the column to look at, and the reason.
pub type Refusal = (Column, Msg);

/// Who referred when the row does not say: SPEC 1.1's catch-all.
pub const DEFAULT_REFERRER: Referrer = Referrer::Other;

/// One step of the rebuilt history, with the column whose value dates it.
struct Step {
    on: NaiveDate,
    column: Column,
    change: Change,
}

impl Step {
    fn moved(on: NaiveDate, column: Column, m: Move) -> Step {
        Step {
            on,
            column,
            change: Change::Moved(m),
        }
    }

    fn set(on: NaiveDate, column: Column, f: FieldChange) -> Step {
        Step {
            on,
            column,
            change: Change::Set(f),
        }
    }
}

/// Rebuilds the history of one row as case `case_ref`.
pub fn build(row: &Row, case_ref: &str, today: NaiveDate) -> Result<History, Refusal> {
    check_date_order(row)?;
    let decision = decision(row)?;
    check_dependencies(row, decision)?;
    let dated = dated_stage(row);
    let stage = row.stage.unwrap_or(dated);
    if !stage_fits(stage, dated) {
        return Err((
            Column::Stage,
            Msg::new("import.stage_mismatch")
                .arg("stage", stage.code())
                .arg("dated", dated.code()),
        ));
    }
    if row.bridging_care && stage != Stage::Waiting {
        return Err((
            Column::BridgingCare,
            Msg::new("import.bridging_not_waiting").arg("stage", stage.code()),
        ));
    }
    let steps = steps(row, decision, stage, today);
    replay_steps(row, case_ref, steps, today)
}

/// The lifecycle dates follow each other: referral ≤ intake ≤ decision ≤
/// care start ≤ closing, and the planned end is not before the latest of
/// the first four. The later date of a wrong pair is blamed.
fn check_date_order(row: &Row) -> Result<(), Refusal> {
    let chain = [
        (Column::ReferredOn, Some(row.referred_on)),
        (Column::IntakeOn, row.intake_on),
        (Column::TriagedOn, row.triaged_on),
        (Column::CareStartedOn, row.care_started_on),
        (Column::ClosedOn, row.closed_on),
    ];
    let mut previous: Option<(Column, NaiveDate)> = None;
    for (column, date) in chain {
        let Some(date) = date else { continue };
        if let Some((before, earlier)) = previous {
            if date < earlier {
                return Err((
                    column,
                    Msg::new("import.date_before")
                        .arg("date", date)
                        .arg("other", before.name())
                        .arg("other_date", earlier),
                ));
            }
        }
        previous = Some((column, date));
    }
    // Care cannot be planned to end before it has begun; it may well end
    // (closed_on) before or after its plan.
    let mut begun = chain[..4].iter().filter_map(|(c, d)| d.map(|d| (*c, d)));
    if let (Some(end), Some((column, start))) = (row.planned_end_on, begun.next_back()) {
        if end < start {
            return Err((
                Column::PlannedEndOn,
                Msg::new("import.date_before")
                    .arg("date", end)
                    .arg("other", column.name())
                    .arg("other_date", start),
            ));
        }
    }
    Ok(())
}

/// The triage decision, when the row has one: its route and date. With
/// route `team` care starts at the decision, so either date dates it; the
/// community route closes the case at the decision.
fn decision(row: &Row) -> Result<Option<(Route, NaiveDate)>, Refusal> {
    let Some(route) = row.route else {
        return Ok(None);
    };
    let on = match route {
        Route::Team => row.triaged_on.or(row.care_started_on),
        _ => row.triaged_on,
    };
    let Some(on) = on else {
        return Err(needs(Column::TriagedOn, Column::Route));
    };
    let same_day = |column: Column, date: Option<NaiveDate>, key: &'static str| match date {
        Some(d) if d != on => Err((column, Msg::new(key).arg("date", on))),
        _ => Ok(()),
    };
    match route {
        Route::Team => same_day(
            Column::CareStartedOn,
            row.care_started_on,
            "import.team_care_start",
        )?,
        Route::Community => {
            same_day(Column::ClosedOn, row.closed_on, "import.community_close")?;
            if row.care_started_on.is_some() {
                return Err((Column::CareStartedOn, Msg::new("import.community_no_care")));
            }
        }
        Route::Ambulant | Route::Residential => {}
    }
    Ok(Some((route, on)))
}

/// "Column is empty, but `other` on this row needs it."
fn needs(column: Column, other: Column) -> Refusal {
    (column, Msg::new("import.needs").arg("other", other.name()))
}

/// Values that only make sense with another one.
fn check_dependencies(row: &Row, decision: Option<(Route, NaiveDate)>) -> Result<(), Refusal> {
    if row.route.is_none() {
        let needs_route = [
            (Column::TriagedOn, row.triaged_on.is_some()),
            (Column::CareStartedOn, row.care_started_on.is_some()),
            (Column::CareType, row.care_type.is_some()),
        ];
        if let Some((column, _)) = needs_route.iter().find(|(_, given)| *given) {
            return Err(needs(Column::Route, *column));
        }
    }
    if decision.is_some() && row.intake_on.is_none() {
        let by = if row.triaged_on.is_some() {
            Column::TriagedOn
        } else {
            Column::CareStartedOn
        };
        return Err(needs(Column::IntakeOn, by));
    }
    let community = matches!(decision, Some((Route::Community, _)));
    if row.outflow_reason.is_some() && row.closed_on.is_none() && !community {
        return Err(needs(Column::ClosedOn, Column::OutflowReason));
    }
    if row.closed_on.is_some() && row.outflow_reason.is_none() && !community {
        return Err(needs(Column::OutflowReason, Column::ClosedOn));
    }
    if row.destination.is_some() && row.closed_on.is_none() && !community {
        return Err(needs(Column::ClosedOn, Column::Destination));
    }
    let care_starts = matches!(decision, Some((Route::Ambulant | Route::Residential, _)))
        && row.care_started_on.is_some();
    if care_starts && row.care_type.is_none() {
        return Err(needs(Column::CareType, Column::CareStartedOn));
    }
    Ok(())
}

/// The stage the dates put the case in. They never say `triage` (its date is
/// the intake's) nor `evaluation` (it has no date column).
fn dated_stage(row: &Row) -> Stage {
    if row.closed_on.is_some() {
        return Stage::Closed;
    }
    match row.route {
        Some(Route::Ambulant | Route::Residential) if row.care_started_on.is_none() => {
            Stage::Waiting
        }
        Some(Route::Ambulant | Route::Residential) => Stage::InCare,
        Some(route) => route_target(route),
        None if row.intake_on.is_some() => Stage::Intake,
        None => Stage::Referred,
    }
}

/// A stated stage agrees with the dates when it is theirs, or the one step
/// on that has no date of its own.
fn stage_fits(stage: Stage, dated: Stage) -> bool {
    stage == dated
        || (stage == Stage::Triage && dated == Stage::Intake)
        || (stage == Stage::Evaluation && dated == Stage::InCare)
}

/// The steps after the referral, in lifecycle order.
fn steps(
    row: &Row,
    decision: Option<(Route, NaiveDate)>,
    stage: Stage,
    today: NaiveDate,
) -> Vec<Step> {
    let mut steps = Vec::new();
    let Some((route, decided_on)) = decision else {
        // Without a decision there is no move to carry these.
        if let Some(p) = &row.provider {
            steps.push(Step::set(
                row.referred_on,
                Column::Provider,
                FieldChange::Provider(Some(p.clone())),
            ));
        }
        if let Some(d) = row.planned_end_on {
            steps.push(Step::set(
                row.referred_on,
                Column::PlannedEndOn,
                FieldChange::PlannedEnd(Some(d)),
            ));
        }
        if let Some(on) = row.intake_on {
            steps.push(Step::moved(on, Column::IntakeOn, Move::to(Stage::Intake)));
            if stage == Stage::Triage {
                steps.push(Step::moved(on, Column::IntakeOn, Move::to(Stage::Triage)));
            }
        }
        push_closing(&mut steps, row);
        return steps;
    };
    let intake_on = row.intake_on.expect("checked: a decision needs its intake");
    steps.push(Step::moved(
        intake_on,
        Column::IntakeOn,
        Move::to(Stage::Intake),
    ));
    steps.push(Step::moved(
        intake_on,
        Column::IntakeOn,
        Move::to(Stage::Triage),
    ));
    let care_start = row
        .care_started_on
        .filter(|_| matches!(route, Route::Ambulant | Route::Residential));
    steps.push(Step::moved(
        decided_on,
        Column::TriagedOn,
        Move {
            to: None,
            route: Some(route),
            care_type: row.care_type,
            provider: row.provider.clone(),
            planned_end_on: row.planned_end_on.filter(|_| care_start.is_none()),
            reason: row.outflow_reason.filter(|_| route == Route::Community),
            destination: row.destination.filter(|_| route == Route::Community),
            ..Move::default()
        },
    ));
    if row.bridging_care {
        steps.push(Step::set(
            decided_on,
            Column::BridgingCare,
            FieldChange::BridgingCare(true),
        ));
    }
    if let Some(on) = care_start {
        steps.push(Step::moved(
            on,
            Column::CareStartedOn,
            Move {
                planned_end_on: row.planned_end_on,
                ..Move::to(Stage::InCare)
            },
        ));
    }
    if stage == Stage::Evaluation {
        steps.push(Step::moved(
            today,
            Column::Stage,
            Move::to(Stage::Evaluation),
        ));
    }
    if route != Route::Community {
        push_closing(&mut steps, row);
    }
    steps
}

fn push_closing(steps: &mut Vec<Step>, row: &Row) {
    if let Some(on) = row.closed_on {
        steps.push(Step::moved(
            on,
            Column::ClosedOn,
            Move {
                reason: row.outflow_reason,
                destination: row.destination,
                ..Move::to(Stage::Closed)
            },
        ));
    }
}

/// Plans every step against the case as it stands, as single moves would
/// be; the planned (normalised) moves are what gets stored.
fn replay_steps(
    row: &Row,
    case_ref: &str,
    steps: Vec<Step>,
    today: NaiveDate,
) -> Result<History, Refusal> {
    let referral = Referral {
        referrer: row.referrer.unwrap_or(DEFAULT_REFERRER),
        urgency: row.urgency.unwrap_or(Urgency::Regular),
        worker: row.worker.clone(),
    };
    let mut case = Case::referred(0, case_ref, row.referred_on, &referral);
    let mut events = Vec::with_capacity(steps.len() + 1);
    events.push((row.referred_on, Change::Referred(referral)));
    for (seq, step) in steps.into_iter().enumerate() {
        let change = match step.change {
            Change::Moved(m) => Change::Moved(
                plan_move(&case, &m, step.on, today).map_err(|e| blame(step.column, e))?,
            ),
            other => {
                check_fact_date(row.referred_on, step.on, today).map_err(|e| (step.column, e))?;
                other
            }
        };
        case.apply(&Event {
            on: step.on,
            seq: seq as i64,
            change: change.clone(),
        });
        events.push((step.on, change));
    }
    Ok(History {
        events,
        stage: case.stage,
    })
}

/// The column whose value made `plan_move` refuse: the code it names, or
/// else the date of the step.
fn blame(step_column: Column, msg: Msg) -> Refusal {
    let column = match msg.key {
        "error.route_required" | "error.route_leads_elsewhere" | "error.route_only_at_triage" => {
            Column::Route
        }
        "error.care_type_not_applicable"
        | "error.care_type_required"
        | "error.care_type_does_not_fit"
        | "error.step_needs_care_type" => Column::CareType,
        "error.reason_required" | "error.reason_only_when_closing" | "error.community_reason" => {
            Column::OutflowReason
        }
        _ => step_column,
    };
    (column, msg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::parse_date;
    use crate::domain::{CareType, OutflowReason};

    const TODAY: &str = "2026-06-30";

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn row() -> Row {
        Row::empty(2, d("2026-01-05"))
    }

    fn decided(route: Route) -> Row {
        Row {
            intake_on: Some(d("2026-01-20")),
            triaged_on: Some(d("2026-02-10")),
            route: Some(route),
            ..row()
        }
    }

    fn build_ok(r: &Row) -> History {
        build(r, "2026-0001", d(TODAY)).unwrap_or_else(|(c, m)| panic!("{}: {m}", c.name()))
    }

    fn refusal(r: &Row) -> (&'static str, &'static str) {
        let (c, m) = build(r, "2026-0001", d(TODAY)).unwrap_err();
        (c.name(), m.key)
    }

    /// The case the history replays to, as the store would keep it.
    fn replayed(h: &History) -> Case {
        let events: Vec<Event> = h
            .events
            .iter()
            .enumerate()
            .map(|(i, (on, change))| Event {
                on: *on,
                seq: i as i64,
                change: change.clone(),
            })
            .collect();
        crate::domain::case::replay(0, "2026-0001", &events, None).unwrap()
    }

    #[test]
    fn a_bare_referral_uses_the_defaults() {
        let h = build_ok(&row());
        assert_eq!(h.stage, Stage::Referred);
        let c = replayed(&h);
        assert_eq!(c.referrer, Referrer::Other);
        assert_eq!(c.urgency, Urgency::Regular);
    }

    #[test]
    fn the_stage_follows_from_the_dates() {
        let intake = Row {
            intake_on: Some(d("2026-01-20")),
            ..row()
        };
        assert_eq!(build_ok(&intake).stage, Stage::Intake);
        assert_eq!(build_ok(&decided(Route::Ambulant)).stage, Stage::Waiting);
        assert_eq!(build_ok(&decided(Route::Team)).stage, Stage::InCare);
        assert_eq!(build_ok(&decided(Route::Community)).stage, Stage::Closed);
        let started = Row {
            care_started_on: Some(d("2026-04-01")),
            care_type: Some(CareType::FosterCare),
            ..decided(Route::Residential)
        };
        assert_eq!(build_ok(&started).stage, Stage::InCare);
    }

    #[test]
    fn triage_is_entered_on_the_intake_date() {
        let r = Row {
            intake_on: Some(d("2026-01-20")),
            stage: Some(Stage::Triage),
            ..row()
        };
        let c = replayed(&build_ok(&r));
        assert_eq!((c.stage, c.stage_since), (Stage::Triage, d("2026-01-20")));
        assert_eq!(c.intake_on, Some(d("2026-01-20")));
    }

    #[test]
    fn a_full_history_replays_to_the_row() {
        let r = Row {
            care_type: Some(CareType::DayCare),
            provider: Some("Kompas".into()),
            care_started_on: Some(d("2026-03-15")),
            planned_end_on: Some(d("2027-03-15")),
            closed_on: Some(d("2026-06-01")),
            outflow_reason: Some(OutflowReason::GoalsMet),
            urgency: Some(Urgency::Urgent),
            referrer: Some(Referrer::School),
            worker: Some("Sanne".into()),
            ..decided(Route::Ambulant)
        };
        let h = build_ok(&r);
        let c = replayed(&h);
        assert_eq!(c.stage, Stage::Closed);
        assert_eq!(c.referred_on, d("2026-01-05"));
        assert_eq!(c.intake_on, Some(d("2026-01-20")));
        assert_eq!(c.triaged_on, Some(d("2026-02-10")));
        assert_eq!(c.care_started_on, Some(d("2026-03-15")));
        assert_eq!(c.closed_on, Some(d("2026-06-01")));
        assert_eq!(c.route, Some(Route::Ambulant));
        assert_eq!(c.care_type, Some(CareType::DayCare));
        assert_eq!(c.provider.as_deref(), Some("Kompas"));
        assert_eq!(c.planned_end_on, Some(d("2027-03-15")));
        assert_eq!(c.outflow_reason, Some(OutflowReason::GoalsMet));
        assert_eq!(
            (c.urgency, c.referrer, c.worker.as_deref()),
            (Urgency::Urgent, Referrer::School, Some("Sanne"))
        );
    }

    #[test]
    fn team_starts_care_at_the_decision() {
        let c = replayed(&build_ok(&decided(Route::Team)));
        assert_eq!(c.care_started_on, Some(d("2026-02-10")));
        assert_eq!(c.care_type, Some(CareType::Team));
        // Without triaged_on, the care start dates the decision.
        let r = Row {
            triaged_on: None,
            care_started_on: Some(d("2026-02-12")),
            ..decided(Route::Team)
        };
        let c = replayed(&build_ok(&r));
        assert_eq!(c.triaged_on, Some(d("2026-02-12")));
        let r = Row {
            care_started_on: Some(d("2026-02-12")),
            ..decided(Route::Team)
        };
        assert_eq!(refusal(&r), ("care_started_on", "import.team_care_start"));
    }

    #[test]
    fn community_closes_at_the_decision() {
        let c = replayed(&build_ok(&decided(Route::Community)));
        assert_eq!(c.closed_on, Some(d("2026-02-10")));
        assert_eq!(c.outflow_reason, Some(OutflowReason::ToCommunity));
        let r = Row {
            closed_on: Some(d("2026-02-11")),
            ..decided(Route::Community)
        };
        assert_eq!(refusal(&r), ("closed_on", "import.community_close"));
        let r = Row {
            outflow_reason: Some(OutflowReason::GoalsMet),
            ..decided(Route::Community)
        };
        assert_eq!(refusal(&r), ("outflow_reason", "error.community_reason"));
    }

    #[test]
    fn evaluation_is_entered_today() {
        let r = Row {
            stage: Some(Stage::Evaluation),
            ..decided(Route::Team)
        };
        let c = replayed(&build_ok(&r));
        assert_eq!((c.stage, c.stage_since), (Stage::Evaluation, d(TODAY)));
    }

    #[test]
    fn bridging_care_only_while_waiting() {
        let r = Row {
            bridging_care: true,
            ..decided(Route::Residential)
        };
        assert!(replayed(&build_ok(&r)).bridging_care);
        let r = Row {
            bridging_care: true,
            ..decided(Route::Team)
        };
        assert_eq!(
            refusal(&r),
            ("bridging_care", "import.bridging_not_waiting")
        );
    }

    #[test]
    fn contradictions_name_their_column() {
        let r = Row {
            intake_on: Some(d("2026-01-04")),
            ..row()
        };
        assert_eq!(refusal(&r), ("intake_on", "import.date_before"));
        let r = Row {
            triaged_on: Some(d("2026-01-10")),
            ..decided(Route::Ambulant)
        };
        assert_eq!(refusal(&r), ("triaged_on", "import.date_before"));
        let r = Row {
            planned_end_on: Some(d("2026-02-01")),
            ..decided(Route::Ambulant)
        };
        assert_eq!(refusal(&r), ("planned_end_on", "import.date_before"));
        let r = Row {
            stage: Some(Stage::InCare),
            ..decided(Route::Ambulant)
        };
        assert_eq!(refusal(&r), ("stage", "import.stage_mismatch"));
        let r = Row {
            stage: Some(Stage::Triage),
            ..row()
        };
        assert_eq!(refusal(&r), ("stage", "import.stage_mismatch"));
        let r = Row {
            care_type: Some(CareType::DayCare),
            ..decided(Route::Residential)
        };
        assert_eq!(refusal(&r), ("care_type", "error.care_type_does_not_fit"));
        let r = Row {
            care_started_on: Some(d("2026-03-01")),
            ..decided(Route::Ambulant)
        };
        assert_eq!(refusal(&r), ("care_type", "import.needs"));
        let r = Row {
            closed_on: Some(d("2026-03-01")),
            ..row()
        };
        assert_eq!(refusal(&r), ("outflow_reason", "import.needs"));
        let r = Row {
            outflow_reason: Some(OutflowReason::Moved),
            ..row()
        };
        assert_eq!(refusal(&r), ("closed_on", "import.needs"));
        let r = Row {
            intake_on: None,
            ..decided(Route::Ambulant)
        };
        assert_eq!(refusal(&r), ("intake_on", "import.needs"));
        let r = Row {
            route: None,
            ..decided(Route::Ambulant)
        };
        assert_eq!(refusal(&r), ("route", "import.needs"));
        let r = Row {
            triaged_on: None,
            ..decided(Route::Ambulant)
        };
        assert_eq!(refusal(&r), ("triaged_on", "import.needs"));
        let r = Row {
            care_type: Some(CareType::Team),
            ..decided(Route::Community)
        };
        assert_eq!(refusal(&r), ("care_type", "error.care_type_not_applicable"));
    }

    #[test]
    fn a_case_may_close_before_its_intake() {
        let r = Row {
            closed_on: Some(d("2026-01-25")),
            outflow_reason: Some(OutflowReason::Withdrawn),
            stage: Some(Stage::Closed),
            ..row()
        };
        let c = replayed(&build_ok(&r));
        assert_eq!((c.stage, c.intake_on), (Stage::Closed, None));
    }
}
