//! `stroom forecast` and `stroom report council`: the municipality's
//! picture (SPEC 4.1, 10), loaded from the store as of the dates asked and
//! built by the same computations as the other reports.

use std::path::PathBuf;

use chrono::{Datelike, NaiveDate};

use crate::context::Context;
use crate::domain::Msg;
use crate::domain::dates::parse_date;
use crate::domain::flow;
use crate::domain::forecast::Runs;
use crate::domain::picture::PictureSpec;
use crate::domain::waitlist::Queue;
use crate::export::{Format, write_document, write_output};
use crate::report::council::{self, CouncilFacts};
use crate::report::forecast::{self as fc, Forecast};
use crate::store::Store;

/// The options of `stroom forecast`.
pub struct ForecastArgs {
    pub as_of: Option<String>,
    pub queue: Option<String>,
    pub runs: u32,
    pub seed: u64,
    pub format: String,
    pub output: Option<PathBuf>,
}

pub fn forecast(ctx: &Context, args: ForecastArgs) -> Result<(), Msg> {
    let queue: Option<Queue> = args.queue.as_deref().map(str::parse).transpose()?;
    let format =
        args.format
            .parse::<Format>()?
            .offered(&[Format::Csv, Format::Json, Format::Md])?;
    let given = args.as_of.as_deref().map(parse_date).transpose()?;
    let as_of = crate::report::as_of(given, ctx.today)?;
    let runs = Runs {
        runs: args.runs,
        seed: args.seed,
    };
    let store = ctx.open_store()?;
    let f = load_forecast(&store, ctx, as_of, queue, runs)?;
    let cat = ctx.catalog();
    write_document(&fc::document(&f, cat), format, args.output.as_deref())?;
    announce(ctx, args.output.as_ref());
    Ok(())
}

fn load_forecast(
    store: &Store,
    ctx: &Context,
    as_of: NaiveDate,
    queue: Option<Queue>,
    runs: Runs,
) -> Result<Forecast, Msg> {
    let history = store.queue_history(as_of)?;
    let snapshot = store.waitlist_snapshot(as_of, ctx.today)?;
    Ok(fc::forecast(
        &snapshot,
        &history,
        &ctx.config.norms,
        queue,
        runs,
    ))
}

/// `report council --from --to [--format html|md] [-o FILE]`.
pub fn council(
    ctx: &Context,
    from: &str,
    to: &str,
    format: &str,
    output: Option<PathBuf>,
) -> Result<(), Msg> {
    let (from, to) = (parse_date(from)?, parse_date(to)?);
    flow::check_period(from, to)?;
    if !matches!(format, "html" | "md") {
        return Err(Msg::new("error.unknown_code")
            .arg("kind", "format")
            .arg("value", format)
            .arg("allowed", "html, md"));
    }
    let runs = Runs {
        runs: crate::domain::forecast::DEFAULT_RUNS,
        seed: crate::domain::forecast::DEFAULT_SEED,
    };
    let facts = load_council(&ctx.open_store()?, ctx, from, to, runs)?;
    let booklet = council::council(&facts, runs, ctx.catalog());
    let text = if format == "html" {
        booklet.html()
    } else {
        booklet.markdown()
    };
    write_output(text.as_bytes(), output.as_deref())?;
    announce(ctx, output.as_ref());
    Ok(())
}

/// What the council report shows for [from, to], read as of the dates in
/// it (never past today, so it is the same whenever it is built again).
/// One pass over the history gives the figures at every date
/// (`Store::council_history`); they equal the snapshots of those dates.
pub fn load_council(
    store: &Store,
    ctx: &Context,
    from: NaiveDate,
    to: NaiveDate,
    runs: Runs,
) -> Result<CouncilFacts, Msg> {
    let until = to.min(ctx.today);
    let spec = PictureSpec {
        from,
        until,
        month_ends: month_ends(from, until),
        board_dates: council::six_weekly_dates(from, until),
        norms: ctx.config.norms,
        preconditions: ctx.config.precondition_codes(),
        evaluation: ctx.config.evaluation,
    };
    let forecast_on = until.max(from).min(ctx.today);
    let (episodes, picture) = store.council_history(spec)?;
    let flow = flow::flow(&episodes, from, to)?;
    drop(episodes);
    // The forecast is as of the period's end; a period that starts after
    // today has its forecast as of today, read on its own.
    let forecast = if forecast_on == until {
        let waiting = crate::domain::Snapshot {
            as_of: until,
            cases: picture.waiting,
            reviews: Default::default(),
        };
        fc::forecast(
            &waiting,
            &picture.queue_history,
            &ctx.config.norms,
            None,
            runs,
        )
    } else {
        load_forecast(store, ctx, forecast_on, None, runs)?
    };
    Ok(CouncilFacts {
        flow,
        waitlists: picture.waitlists,
        boards: picture.boards,
        evaluations: picture.evaluations,
        forecast,
    })
}

/// The end of each month of [from, to], the last one cut off at `to`.
fn month_ends(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut first = from.with_day(1).unwrap_or(from);
    while first <= to {
        let next = first
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(to);
        let end = next.pred_opt().unwrap_or(to).min(to);
        out.push(end);
        if next <= first {
            break;
        }
        first = next;
    }
    out
}

fn announce(ctx: &Context, output: Option<&PathBuf>) {
    if let Some(p) = output {
        eprintln!(
            "{}",
            ctx.catalog()
                .fill("report.written", &[("path", p.display().to_string())])
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::stoplight;
    use crate::domain::waitlist;
    use crate::domain::{CareType, Move, OutflowReason, Referrer, ReviewInput, Route, Stage};
    use crate::domain::{Status, Urgency};
    use crate::store::NewReferral;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn month_ends_of_a_period() {
        assert_eq!(
            month_ends(d("2026-01-15"), d("2026-03-10")),
            [d("2026-01-31"), d("2026-02-28"), d("2026-03-10")]
        );
        assert!(month_ends(d("2026-02-01"), d("2026-01-31")).is_empty());
    }

    /// The council's facts the way they were first read: a snapshot of the
    /// store at every month end and six-weekly date, the evaluation moments
    /// left aside (they have no per-date snapshot).
    fn by_date(store: &Store, ctx: &Context, from: NaiveDate, to: NaiveDate) -> CouncilFacts {
        let runs = Runs { runs: 200, seed: 3 };
        let until = to.min(ctx.today);
        let flow = store.flow(from, to, ctx.today).unwrap();
        let mut waitlists = Vec::new();
        for d in month_ends(from, until) {
            let snapshot = store.waitlist_snapshot(d, ctx.today).unwrap();
            let rows = waitlist::waiting_list(&snapshot, &ctx.config.norms, None);
            waitlists.push((d, waitlist::summarize(&rows)));
        }
        let codes = ctx.config.precondition_codes();
        let mut boards = Vec::new();
        for d in council::six_weekly_dates(from, until) {
            let snapshot = store.stoplight_snapshot(d, ctx.today).unwrap();
            let rows = stoplight::stoplight(&snapshot, &codes, ctx.config.norms.care);
            boards.push((d, stoplight::aggregate(&rows)));
        }
        let on = until.max(from).min(ctx.today);
        let forecast = load_forecast(store, ctx, on, None, runs).unwrap();
        CouncilFacts {
            flow,
            waitlists,
            boards,
            evaluations: Default::default(),
            forecast,
        }
    }

    fn referral(case_ref: &str, on: &str) -> NewReferral {
        NewReferral {
            case_ref: Some(case_ref.into()),
            name: None,
            birth_date: Some(d("2009-03-01")),
            referred_on: d(on),
            referrer: Referrer::Gp,
            urgency: Urgency::Regular,
            worker: None,
        }
    }

    /// Cases whose steps fall on the report's dates themselves (month ends
    /// and six-weekly dates of 2026-01-01 … 2026-06-30), closed and
    /// reopened ones, one closed before the period for good, with reviews
    /// and evaluations on those dates.
    fn edges(store: &mut Store, today: NaiveDate) {
        let mv = |store: &mut Store, r: &str, m: Move, on: &str| {
            store.move_case(r, &m, d(on), today, "test", None).unwrap();
        };
        let route = |route: Route, care: Option<CareType>| Move {
            route: Some(route),
            care_type: care,
            provider: care.map(|_| "De Linde".to_string()),
            ..Move::default()
        };
        let close = Move {
            reason: Some(OutflowReason::GoalsMet),
            ..Move::to(Stage::Closed)
        };
        let in_care = |end: &str| Move {
            planned_end_on: Some(d(end)),
            ..Move::to(Stage::InCare)
        };
        for (r, on) in [
            ("E1", "2026-01-31"),
            ("E2", "2025-06-02"),
            ("E3", "2025-03-03"),
            ("E4", "2025-01-06"),
            ("E5", "2025-10-01"),
        ] {
            store.add_referral(&referral(r, on), today, "test").unwrap();
        }
        // E1: referred on a month end, intake on the next, triage on a
        // six-weekly date, waiting from a month end, care from a board date.
        mv(store, "E1", Move::to(Stage::Intake), "2026-02-24");
        mv(store, "E1", Move::to(Stage::Triage), "2026-02-28");
        mv(
            store,
            "E1",
            route(Route::Ambulant, Some(CareType::AmbulantHome)),
            "2026-03-31",
        );
        mv(store, "E1", in_care("2026-12-31"), "2026-04-07");
        // E2: in care, closed on a board date, reopened on the next.
        mv(store, "E2", Move::to(Stage::Intake), "2025-06-09");
        mv(store, "E2", Move::to(Stage::Triage), "2025-06-16");
        mv(
            store,
            "E2",
            route(Route::Ambulant, Some(CareType::AmbulantProvider)),
            "2025-07-01",
        );
        mv(store, "E2", in_care("2026-08-31"), "2025-08-01");
        mv(store, "E2", Move::to(Stage::Evaluation), "2025-11-01");
        mv(store, "E2", Move::to(Stage::InCare), "2025-11-10");
        mv(store, "E2", close.clone(), "2026-04-07");
        mv(store, "E2", Move::to(Stage::Referred), "2026-05-19");
        mv(store, "E2", Move::to(Stage::Intake), "2026-05-31");
        // E3: closed before the period and reopened in it, then in care
        // with an evaluation on a board date.
        mv(store, "E3", Move::to(Stage::Intake), "2025-03-10");
        mv(store, "E3", close.clone(), "2025-12-01");
        mv(store, "E3", Move::to(Stage::Referred), "2026-01-13");
        mv(store, "E3", Move::to(Stage::Intake), "2026-01-20");
        mv(store, "E3", Move::to(Stage::Triage), "2026-01-27");
        mv(store, "E3", route(Route::Team, None), "2026-01-31");
        mv(store, "E3", Move::to(Stage::Evaluation), "2026-04-30");
        // E4: closed before the period for good.
        mv(store, "E4", Move::to(Stage::Intake), "2025-01-13");
        mv(store, "E4", close.clone(), "2025-05-30");
        // E5: in care through the period, a step to waiting on a board
        // date and care again on a month end; reviews on board dates.
        mv(store, "E5", Move::to(Stage::Intake), "2025-10-06");
        mv(store, "E5", Move::to(Stage::Triage), "2025-10-13");
        mv(
            store,
            "E5",
            route(Route::Residential, Some(CareType::Residential)),
            "2025-10-20",
        );
        mv(store, "E5", in_care("2026-03-31"), "2025-11-03");
        let codes = Config::default().precondition_codes();
        for (on, status) in [("2026-01-13", Status::Missing), ("2026-02-24", Status::Ok)] {
            let input = ReviewInput {
                statuses: [("perspective_plan".to_string(), status)].into(),
                next_on: None,
                note: None,
            };
            store
                .record_review("E5", d(on), &input, today, "test", &codes, None)
                .unwrap();
        }
        mv(store, "E5", Move::to(Stage::Evaluation), "2026-02-24");
        let step = Move {
            care_type: Some(CareType::FosterCare),
            provider: Some("Het Anker".into()),
            ..Move::to(Stage::Waiting)
        };
        mv(store, "E5", step, "2026-04-07");
        mv(store, "E5", Move::to(Stage::InCare), "2026-04-30");
    }

    use crate::context::config::Config;

    /// The one pass over the history gives exactly the figures of a
    /// snapshot per date: on a demo team with edges on the dates
    /// themselves, for a past period, the last twelve months, a period
    /// running past today, and a short one.
    #[test]
    fn one_pass_figures_equal_the_snapshots_of_every_date() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("t.db");
        let today = d("2026-11-22");
        let mut store = Store::open(&db).unwrap();
        let demo = crate::demo::generate(5, today, 500);
        store
            .insert_bundles(&demo, today, "test", &mut |_| {})
            .unwrap();
        edges(&mut store, today);
        let ctx = Context::new(
            Config::default(),
            crate::present::i18n::Lang::Nl,
            today,
            db.clone(),
            crate::context::config::Paths {
                data_dir: dir.path().to_path_buf(),
                config_file: dir.path().join("none.toml"),
            },
            "test",
        );
        let runs = Runs { runs: 200, seed: 3 };
        for (from, to) in [
            ("2026-01-01", "2026-06-30"),
            ("2025-11-23", "2026-11-22"),
            ("2026-10-15", "2027-01-31"),
            ("2026-02-10", "2026-02-20"),
            ("2024-01-01", "2024-12-31"),
        ] {
            let (from, to) = (d(from), d(to));
            let want = by_date(&store, &ctx, from, to);
            let got = load_council(&store, &ctx, from, to, runs).unwrap();
            assert_eq!(got.flow, want.flow, "{from} {to}");
            assert_eq!(got.waitlists, want.waitlists, "{from} {to}");
            assert_eq!(got.boards, want.boards, "{from} {to}");
            assert_eq!(got.forecast.as_of, want.forecast.as_of);
            assert_eq!(got.forecast.queues, want.forecast.queues, "{from} {to}");
            assert_eq!(got.forecast.rows, want.forecast.rows, "{from} {to}");
            assert!(!got.waitlists.is_empty() && !got.boards.is_empty());
            assert!(
                got.waitlists
                    .iter()
                    .any(|(_, s)| s.iter().any(|q| q.gross.total > 0))
            );
        }
    }
}
