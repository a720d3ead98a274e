//! Which moves the lifecycle allows (SPEC 1.2–1.3), and what each needs.
//! Pure: "today" is a parameter, nothing here reads the clock.

use chrono::NaiveDate;

use super::case::{Case, Move};
use super::codes::{CareType, OutflowReason, Route, Stage};
use super::msg::Msg;

/// The stages a case in `from` may move to, in the order the UI offers them.
pub fn allowed_moves(from: Stage) -> &'static [Stage] {
    use Stage::*;
    match from {
        Referred => &[Intake, Closed],
        Intake => &[Triage, Closed],
        Triage => &[Waiting, InCare, Closed],
        Waiting => &[InCare, Closed],
        InCare => &[Evaluation, Closed],
        Evaluation => &[InCare, Waiting, Closed],
        Closed => &[Referred],
    }
}

/// The usual next stage, offered first by the UI's move form.
pub fn next_stage(from: Stage) -> Stage {
    allowed_moves(from)[0]
}

/// Where a triage decision leads.
pub fn route_target(route: Route) -> Stage {
    match route {
        Route::Community => Stage::Closed,
        Route::Team => Stage::InCare,
        Route::Ambulant | Route::Residential => Stage::Waiting,
    }
}

fn stage_list(stages: &[Stage]) -> String {
    stages
        .iter()
        .map(|s| s.code())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A business date must not lie in the future.
pub fn check_not_future(on: NaiveDate, today: NaiveDate) -> Result<(), Msg> {
    if on > today {
        return Err(Msg::new("error.date_in_future")
            .arg("date", on)
            .arg("today", today));
    }
    Ok(())
}

/// Checks a requested move against the case and returns it normalised:
/// the target stage, route, care type and reason that the replay applies.
pub fn plan_move(case: &Case, req: &Move, on: NaiveDate, today: NaiveDate) -> Result<Move, Msg> {
    check_not_future(on, today)?;
    if on < case.stage_since {
        return Err(Msg::new("error.date_before_previous_move")
            .arg("case", &case.case_ref)
            .arg("date", on)
            .arg("previous", case.stage_since));
    }
    let from = case.stage;
    let mut m = req.clone();
    // A triage decision may be given by its route alone.
    let to = match (m.to, m.route) {
        (Some(to), _) => to,
        (None, Some(route)) if from == Stage::Triage => route_target(route),
        (None, _) => next_stage(from),
    };
    m.to = Some(to);
    if !allowed_moves(from).contains(&to) {
        return Err(Msg::new("error.move_not_allowed")
            .arg("case", &case.case_ref)
            .arg("stage", from.code())
            .arg("to", to.code())
            .arg("allowed", stage_list(allowed_moves(from))));
    }
    match (from, to) {
        (Stage::Triage, _) if m.route.is_some() || to != Stage::Closed => {
            plan_triage_decision(case, &mut m)?
        }
        (Stage::Waiting, Stage::InCare) => plan_care_start(case, &mut m)?,
        (Stage::Evaluation, Stage::Waiting | Stage::InCare) => plan_step(case, &mut m)?,
        _ => refuse_route_and_care_type(case, &m)?,
    }
    check_report(case, &m, from)?;
    if to != Stage::Closed && m.destination.is_some() {
        return Err(Msg::new("error.destination_only_when_closing").arg("case", &case.case_ref));
    }
    if to == Stage::Closed && m.reason.is_none() {
        return Err(Msg::new("error.reason_required").arg("case", &case.case_ref));
    }
    if to != Stage::Closed && m.reason.is_some() {
        return Err(Msg::new("error.reason_only_when_closing").arg("case", &case.case_ref));
    }
    Ok(m)
}

fn plan_triage_decision(case: &Case, m: &mut Move) -> Result<(), Msg> {
    let Some(route) = m.route else {
        return Err(Msg::new("error.route_required").arg("case", &case.case_ref));
    };
    let target = route_target(route);
    if m.target() != target {
        return Err(Msg::new("error.route_leads_elsewhere")
            .arg("route", route.code())
            .arg("target", target.code())
            .arg("to", m.target().code()));
    }
    match route {
        Route::Community => {
            if m.reason.is_some_and(|r| r != OutflowReason::ToCommunity) {
                return Err(Msg::new("error.community_reason").arg("case", &case.case_ref));
            }
            if m.care_type.is_some() {
                return Err(Msg::new("error.care_type_not_applicable")
                    .arg("case", &case.case_ref)
                    .arg("to", target.code()));
            }
            m.reason = Some(OutflowReason::ToCommunity);
        }
        Route::Team => {
            let t = m.care_type.unwrap_or(CareType::Team);
            check_fits(t, route)?;
            m.care_type = Some(t);
        }
        Route::Ambulant | Route::Residential => {
            if let Some(t) = m.care_type {
                check_fits(t, route)?;
            }
        }
    }
    Ok(())
}

fn plan_care_start(case: &Case, m: &mut Move) -> Result<(), Msg> {
    if m.route.is_some() {
        return Err(Msg::new("error.route_only_at_triage").arg("case", &case.case_ref));
    }
    let Some(t) = m.care_type.or(case.care_type) else {
        return Err(Msg::new("error.care_type_required").arg("case", &case.case_ref));
    };
    if let Some(route) = case.route {
        check_fits(t, route)?;
    }
    m.care_type = Some(t);
    Ok(())
}

/// From evaluation: continue (in_care, no new care type), or step up/down to
/// a new care type, straight to care or to waiting for a new provider. The
/// route follows the new care type.
fn plan_step(case: &Case, m: &mut Move) -> Result<(), Msg> {
    let Some(t) = m.care_type else {
        if m.target() == Stage::Waiting {
            return Err(Msg::new("error.step_needs_care_type").arg("case", &case.case_ref));
        }
        if m.route.is_some() {
            return Err(Msg::new("error.route_only_at_triage").arg("case", &case.case_ref));
        }
        return Ok(());
    };
    let route = m.route.unwrap_or(t.route());
    check_fits(t, route)?;
    m.route = Some(route);
    Ok(())
}

/// An extension (SPEC 1.8): from evaluation back to care with a planned end
/// later than the one set. Setting a first planned end is not one.
pub fn is_extension(case: &Case, m: &Move) -> bool {
    case.stage == Stage::Evaluation
        && m.to == Some(Stage::InCare)
        && matches!((m.planned_end_on, case.planned_end_on), (Some(new), Some(old)) if new > old)
}

/// The extension report belongs to moves out of evaluation to care or to a
/// new provider, and an extension must carry its goals and intended outflow.
fn check_report(case: &Case, m: &Move, from: Stage) -> Result<(), Msg> {
    let out_of_evaluation =
        from == Stage::Evaluation && matches!(m.to, Some(Stage::InCare | Stage::Waiting));
    if m.has_report() && !out_of_evaluation {
        return Err(Msg::new("error.report_only_from_evaluation").arg("case", &case.case_ref));
    }
    if is_extension(case, m) && (m.goals.is_none() || m.intended_outflow.is_none()) {
        return Err(Msg::new("error.extension_report_required")
            .arg("case", &case.case_ref)
            .arg(
                "planned_end",
                m.planned_end_on.map(|d| d.to_string()).unwrap_or_default(),
            )
            .arg(
                "previous",
                case.planned_end_on
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
            ));
    }
    Ok(())
}

fn refuse_route_and_care_type(case: &Case, m: &Move) -> Result<(), Msg> {
    if m.route.is_some() {
        return Err(Msg::new("error.route_only_at_triage").arg("case", &case.case_ref));
    }
    if m.care_type.is_some() {
        return Err(Msg::new("error.care_type_not_applicable")
            .arg("case", &case.case_ref)
            .arg("to", m.target().code()));
    }
    Ok(())
}

fn check_fits(t: CareType, route: Route) -> Result<(), Msg> {
    if route.fits(t) {
        Ok(())
    } else {
        Err(Msg::new("error.care_type_does_not_fit")
            .arg("care_type", t.code())
            .arg("route", route.code()))
    }
}

/// A field change (`set`) or review may be back-dated, but not before the
/// case existed nor into the future.
pub fn check_fact_date(
    first_referred_on: NaiveDate,
    on: NaiveDate,
    today: NaiveDate,
) -> Result<(), Msg> {
    check_not_future(on, today)?;
    if on < first_referred_on {
        return Err(Msg::new("error.date_before_referral")
            .arg("date", on)
            .arg("referred", first_referred_on));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case::Referral;
    use crate::domain::codes::{Referrer, Urgency};

    fn d(s: &str) -> NaiveDate {
        crate::domain::dates::parse_date(s).unwrap()
    }

    fn case_in(stage: Stage) -> Case {
        let r = Referral {
            referrer: Referrer::Gp,
            urgency: Urgency::Regular,
            worker: None,
        };
        let mut c = Case::referred(1, "2026-0001", d("2026-01-05"), &r);
        c.stage = stage;
        c.stage_since = d("2026-02-01");
        c
    }

    const TODAY: &str = "2026-06-01";

    fn plan(c: &Case, m: Move, on: &str) -> Result<Move, Msg> {
        plan_move(c, &m, d(on), d(TODAY))
    }

    #[test]
    fn refused_move_names_case_stage_and_allowed() {
        let err = plan(
            &case_in(Stage::Referred),
            Move::to(Stage::InCare),
            "2026-03-01",
        )
        .unwrap_err();
        assert_eq!(err.key, "error.move_not_allowed");
        assert_eq!(err.get("case"), Some("2026-0001"));
        assert_eq!(err.get("stage"), Some("referred"));
        assert_eq!(err.get("allowed"), Some("intake, closed"));
    }

    #[test]
    fn dates_in_future_or_before_previous_move_are_refused() {
        let c = case_in(Stage::Referred);
        let err = plan(&c, Move::to(Stage::Intake), "2026-06-02").unwrap_err();
        assert_eq!(err.key, "error.date_in_future");
        let err = plan(&c, Move::to(Stage::Intake), "2026-01-31").unwrap_err();
        assert_eq!(err.key, "error.date_before_previous_move");
        assert!(plan(&c, Move::to(Stage::Intake), "2026-02-01").is_ok());
        assert!(plan(&c, Move::to(Stage::Intake), TODAY).is_ok());
    }

    #[test]
    fn triage_route_decides_target() {
        let c = case_in(Stage::Triage);
        let m = Move {
            route: Some(Route::Team),
            ..Move::default()
        };
        let planned = plan(&c, m, "2026-03-01").unwrap();
        assert_eq!(planned.target(), Stage::InCare);
        assert_eq!(planned.care_type, Some(CareType::Team));

        let m = Move {
            route: Some(Route::Community),
            ..Move::default()
        };
        let planned = plan(&c, m, "2026-03-01").unwrap();
        assert_eq!(planned.target(), Stage::Closed);
        assert_eq!(planned.reason, Some(OutflowReason::ToCommunity));

        let err = plan(&c, Move::to(Stage::Waiting), "2026-03-01").unwrap_err();
        assert_eq!(err.key, "error.route_required");

        let m = Move {
            to: Some(Stage::Waiting),
            route: Some(Route::Team),
            ..Move::default()
        };
        assert_eq!(
            plan(&c, m, "2026-03-01").unwrap_err().key,
            "error.route_leads_elsewhere"
        );

        let m = Move {
            route: Some(Route::Residential),
            care_type: Some(CareType::DayCare),
            ..Move::default()
        };
        assert_eq!(
            plan(&c, m, "2026-03-01").unwrap_err().key,
            "error.care_type_does_not_fit"
        );
    }

    #[test]
    fn triage_may_close_as_withdrawn() {
        let c = case_in(Stage::Triage);
        let m = Move {
            to: Some(Stage::Closed),
            reason: Some(OutflowReason::Withdrawn),
            ..Move::default()
        };
        assert_eq!(plan(&c, m, "2026-03-01").unwrap().target(), Stage::Closed);
    }

    #[test]
    fn care_cannot_start_without_fitting_care_type() {
        let mut c = case_in(Stage::Waiting);
        c.route = Some(Route::Ambulant);
        let err = plan(&c, Move::to(Stage::InCare), "2026-03-01").unwrap_err();
        assert_eq!(err.key, "error.care_type_required");
        let m = Move {
            to: Some(Stage::InCare),
            care_type: Some(CareType::Secure),
            ..Move::default()
        };
        assert_eq!(
            plan(&c, m, "2026-03-01").unwrap_err().key,
            "error.care_type_does_not_fit"
        );
        c.care_type = Some(CareType::AmbulantHome);
        let planned = plan(&c, Move::to(Stage::InCare), "2026-03-01").unwrap();
        assert_eq!(planned.care_type, Some(CareType::AmbulantHome));
    }

    #[test]
    fn step_up_from_evaluation_changes_route() {
        let mut c = case_in(Stage::Evaluation);
        c.route = Some(Route::Ambulant);
        c.care_type = Some(CareType::AmbulantHome);
        let err = plan(&c, Move::to(Stage::Waiting), "2026-03-01").unwrap_err();
        assert_eq!(err.key, "error.step_needs_care_type");
        let m = Move {
            to: Some(Stage::Waiting),
            care_type: Some(CareType::FosterCare),
            ..Move::default()
        };
        let planned = plan(&c, m, "2026-03-01").unwrap();
        assert_eq!(planned.route, Some(Route::Residential));
        assert!(plan(&c, Move::to(Stage::InCare), "2026-03-01").is_ok());
    }

    #[test]
    fn closing_needs_a_reason_and_reopen_is_allowed() {
        let c = case_in(Stage::InCare);
        assert_eq!(
            plan(&c, Move::to(Stage::Closed), "2026-03-01")
                .unwrap_err()
                .key,
            "error.reason_required"
        );
        let c = case_in(Stage::Closed);
        assert_eq!(
            plan(&c, Move::to(Stage::Referred), "2026-03-01")
                .unwrap()
                .target(),
            Stage::Referred
        );
        assert_eq!(
            plan(&c, Move::to(Stage::Intake), "2026-03-01")
                .unwrap_err()
                .key,
            "error.move_not_allowed"
        );
    }

    fn extension(goals: bool, outflow: bool, end: &str) -> Move {
        use crate::domain::codes::{Destination, Goals};
        Move {
            to: Some(Stage::InCare),
            planned_end_on: Some(d(end)),
            goals: goals.then_some(Goals::Partly),
            intended_outflow: outflow.then_some(Destination::Community),
            ..Move::default()
        }
    }

    #[test]
    fn an_extension_needs_goals_and_intended_outflow() {
        let mut c = case_in(Stage::Evaluation);
        c.planned_end_on = Some(d("2026-06-30"));
        for (goals, outflow) in [(false, false), (true, false), (false, true)] {
            let err = plan(&c, extension(goals, outflow, "2026-07-01"), "2026-03-01").unwrap_err();
            assert_eq!(err.key, "error.extension_report_required");
        }
        assert!(plan(&c, extension(true, true, "2026-07-01"), "2026-03-01").is_ok());
        // The same or an earlier end is no extension; neither is a first end.
        assert!(plan(&c, extension(false, false, "2026-06-30"), "2026-03-01").is_ok());
        assert!(plan(&c, extension(false, false, "2026-05-01"), "2026-03-01").is_ok());
        c.planned_end_on = None;
        assert!(plan(&c, extension(false, false, "2026-07-01"), "2026-03-01").is_ok());
    }

    #[test]
    fn report_only_out_of_evaluation_and_destination_only_when_closing() {
        use crate::domain::codes::{Destination, Goals};
        let c = case_in(Stage::InCare);
        let m = Move {
            to: Some(Stage::Evaluation),
            goals: Some(Goals::Met),
            ..Move::default()
        };
        assert_eq!(
            plan(&c, m, "2026-03-01").unwrap_err().key,
            "error.report_only_from_evaluation"
        );
        let m = Move {
            to: Some(Stage::Evaluation),
            destination: Some(Destination::Wmo),
            ..Move::default()
        };
        assert_eq!(
            plan(&c, m, "2026-03-01").unwrap_err().key,
            "error.destination_only_when_closing"
        );
        let m = Move {
            to: Some(Stage::Closed),
            reason: Some(OutflowReason::GoalsMet),
            destination: Some(Destination::Wmo),
            ..Move::default()
        };
        assert!(plan(&c, m, "2026-03-01").is_ok());
        // A step up may carry the report.
        let mut e = case_in(Stage::Evaluation);
        e.care_type = Some(CareType::AmbulantHome);
        let m = Move {
            to: Some(Stage::Waiting),
            care_type: Some(CareType::FamilyHome),
            goals: Some(Goals::NotMet),
            intended_outflow: Some(Destination::YouthCareElsewhere),
            ..Move::default()
        };
        assert!(plan(&e, m, "2026-03-01").is_ok());
    }

    #[test]
    fn every_stage_can_close_except_closed() {
        for s in Stage::ALL {
            assert_eq!(
                allowed_moves(*s).contains(&Stage::Closed),
                *s != Stage::Closed
            );
        }
    }
}
