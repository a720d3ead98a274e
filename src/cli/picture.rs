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
use crate::domain::stoplight;
use crate::domain::waitlist::{self, Queue};
use crate::export::{Format, write_output};
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
    let format: Format = args.format.parse()?;
    let given = args.as_of.as_deref().map(parse_date).transpose()?;
    let as_of = crate::report::as_of(given, ctx.today)?;
    let runs = Runs {
        runs: args.runs,
        seed: args.seed,
    };
    let store = ctx.open_store()?;
    let f = load_forecast(&store, ctx, as_of, queue, runs)?;
    let cat = ctx.catalog();
    let bytes = match format {
        Format::Json => {
            let mut b = serde_json::to_vec_pretty(&fc::to_json(&f, cat)).expect("json");
            b.push(b'\n');
            b
        }
        Format::Csv => fc::to_document(&f, cat).render(Format::Csv)?,
        Format::Md => fc::to_report(&f, cat).render(Format::Md)?,
        Format::Xlsx => {
            return Err(Msg::new("error.unknown_code")
                .arg("kind", "format")
                .arg("value", "xlsx")
                .arg("allowed", "csv, json, md"));
        }
    };
    write_output(&bytes, args.output.as_deref())?;
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
pub fn load_council(
    store: &Store,
    ctx: &Context,
    from: NaiveDate,
    to: NaiveDate,
    runs: Runs,
) -> Result<CouncilFacts, Msg> {
    let until = to.min(ctx.today);
    let episodes = store.episodes(from, until)?;
    let flow = flow::flow(&episodes, from, to)?;
    let mut waitlists = Vec::new();
    for d in month_ends(from, until) {
        let snapshot = store.waitlist_snapshot(d, ctx.today)?;
        let rows = waitlist::waiting_list(&snapshot, &ctx.config.norms, None);
        waitlists.push((d, waitlist::summarize(&rows)));
    }
    let codes = ctx.config.precondition_codes();
    let mut boards = Vec::new();
    for d in council::six_weekly_dates(from, until) {
        let snapshot = store.stoplight_snapshot(d, ctx.today)?;
        boards.push((
            d,
            stoplight::aggregate(&stoplight::stoplight(
                &snapshot,
                &codes,
                ctx.config.norms.care,
            )),
        ));
    }
    let forecast = load_forecast(store, ctx, until.max(from).min(ctx.today), None, runs)?;
    Ok(CouncilFacts {
        flow,
        waitlists,
        boards,
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
}
