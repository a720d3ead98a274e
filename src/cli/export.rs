//! `stroom export` and `stroom report`: snapshot the store as of a date, let
//! the rules compute, and write the document in the asked format.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::Subcommand;

use crate::cli::audit::named_export_detail;
use crate::context::Context;
use crate::domain::dates::parse_date;
use crate::store::AccessAction;
use chrono::NaiveDate;

use crate::domain::Snapshot;
use crate::domain::agenda::{Kind, Meeting};
use crate::domain::flow;
use crate::domain::stoplight::BoardTally;
use crate::domain::{Msg, waitlist::Queue};
use crate::export::{Document, Format, write_document};
use crate::report::minutes::Minutes;
use crate::report::{self, ExportOptions};
use crate::store::{STREAM_CASES, Store};

#[derive(Subcommand, Debug)]
pub enum ExportCommand {
    /// The waiting lists (SPEC 2), as of a date.
    Waitlist {
        #[arg(long)]
        as_of: Option<String>,
        /// intake, decision or care (default: every queue).
        #[arg(long)]
        queue: Option<String>,
        #[command(flatten)]
        out: ExportOut,
    },
    /// The evaluation list (SPEC 1.7), as of a date.
    Evaluations {
        #[arg(long)]
        as_of: Option<String>,
        /// csv, json, md or xlsx.
        #[arg(long, default_value = "csv")]
        format: String,
        /// Write to this file (readable by you only) instead of stdout.
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
    },
    /// The stoplight board (SPEC 3), as of a date.
    Stoplight {
        #[arg(long)]
        as_of: Option<String>,
        #[command(flatten)]
        out: ExportOut,
    },
    /// AVG art. 15: everything stroom holds on one child, with its history
    /// and the access-log rows about it (logged).
    Subject {
        /// The case reference, e.g. 2026-0042.
        case_ref: String,
        /// md or json.
        #[arg(long, default_value = "md")]
        format: String,
        /// Write to this file (readable by you only) instead of stdout.
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
    },
    /// Agenda and decisions of a case review (SPEC 9).
    Meeting {
        /// The meeting date (default: today); a later date prepares that
        /// meeting's agenda from today's state.
        #[arg(long)]
        on: Option<String>,
        /// team (the weekly case review) or stoplight (the monthly round).
        #[arg(long, default_value = "team")]
        kind: String,
        /// The stoplight round with one provider.
        #[arg(long)]
        provider: Option<String>,
        /// md or json.
        #[arg(long, default_value = "md")]
        format: String,
        #[arg(long)]
        with_names: bool,
        /// Why names are exported (recorded in the access log); asked for
        /// when missing and stdin is a terminal.
        #[arg(long, requires = "with_names")]
        reason: Option<String>,
        /// Write to this file (readable by you only) instead of stdout.
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
    },
}

/// Format, names and destination of an export.
#[derive(clap::Args, Debug)]
pub struct ExportOut {
    /// csv, json, md or xlsx.
    #[arg(long, default_value = "csv")]
    pub format: String,
    /// Include names and birth dates (personal data); the access log
    /// records the export.
    #[arg(long)]
    pub with_names: bool,
    /// Why names are exported (recorded in the access log); asked for when
    /// missing and stdin is a terminal.
    #[arg(long, requires = "with_names")]
    pub reason: Option<String>,
    /// Write to this file (readable by you only) instead of stdout.
    #[arg(short = 'o', long = "output")]
    pub output: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum ReportCommand {
    /// Referrals, inflow, outflow and their balance (SPEC 4).
    Flow {
        /// First day of the period (YYYY-MM-DD).
        #[arg(long)]
        from: String,
        /// Last day of the period, included (YYYY-MM-DD).
        #[arg(long)]
        to: String,
        /// json, md, csv or xlsx.
        #[arg(long, default_value = "json")]
        format: String,
        /// Write to this file (readable by you only) instead of stdout.
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
    },
    /// The council's picture of a period (SPEC 10): html or md.
    Council {
        /// First day of the period (YYYY-MM-DD).
        #[arg(long)]
        from: String,
        /// Last day of the period, included (YYYY-MM-DD).
        #[arg(long)]
        to: String,
        /// html (one self-contained file) or md.
        #[arg(long, default_value = "html")]
        format: String,
        /// Write to this file (readable by you only) instead of stdout.
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
    },
}

pub fn export(ctx: &Context, what: ExportCommand) -> Result<(), Msg> {
    match what {
        ExportCommand::Waitlist { as_of, queue, out } => {
            let queue: Option<Queue> = queue.as_deref().map(str::parse).transpose()?;
            let (format, options) = prepare(ctx, &out)?;
            let names = Names::of(ctx, "waitlist", &out)?;
            let snapshot = snapshot(ctx, &as_of, Store::waitlist_snapshot)?;
            let doc = report::waitlist(&snapshot, &ctx.config.norms, queue, &options);
            deliver_document(ctx, names, &doc, format, out.output.as_deref())
        }
        ExportCommand::Evaluations {
            as_of,
            format,
            output,
        } => {
            let out = ExportOut {
                format,
                with_names: false,
                reason: None,
                output,
            };
            let (format, options) = prepare(ctx, &out)?;
            let snapshot = snapshot(ctx, &as_of, Store::care_snapshot)?;
            let rows = ctx
                .open_store()?
                .evaluation_list(&snapshot, &ctx.config.evaluation)?;
            let doc = report::evaluations(&rows, snapshot.as_of, &options);
            deliver_document(ctx, None, &doc, format, out.output.as_deref())
        }
        ExportCommand::Stoplight { as_of, out } => {
            let (format, options) = prepare(ctx, &out)?;
            let names = Names::of(ctx, "stoplight", &out)?;
            let doc = stoplight(ctx, &as_of, format, &options)?;
            deliver_document(ctx, names, &doc, format, out.output.as_deref())
        }
        ExportCommand::Subject {
            case_ref,
            format,
            output,
        } => crate::cli::rights::export_subject(ctx, &case_ref, &format, output.as_deref()),
        ExportCommand::Meeting {
            on,
            kind,
            provider,
            format,
            with_names,
            reason,
            output,
        } => {
            let on = on
                .as_deref()
                .map(parse_date)
                .transpose()?
                .unwrap_or(ctx.today);
            let meeting = meeting(on, &kind, provider.as_deref())?;
            let format = format.parse::<Format>()?.offered(Minutes::FORMATS)?;
            let names = match with_names {
                true => Some(Names::new(
                    ctx,
                    "meeting",
                    format.extension(),
                    output.as_deref(),
                    reason,
                )?),
                false => None,
            };
            let store = ctx.open_store()?;
            let codes = ctx.config.precondition_codes();
            let (norms, rules) = (&ctx.config.norms, &ctx.config.evaluation);
            let (agenda, records) = store.meeting(meeting, ctx.today, norms, &codes, rules)?;
            let minutes = Minutes::new(
                &agenda,
                &records,
                &ctx.config.preconditions,
                &ctx.config.team,
            );
            let doc = minutes.document(format, ctx.catalog(), with_names);
            deliver_document(ctx, names, &doc, format, output.as_deref())
        }
    }
}

/// `stroom export stoplight`: the board streamed from the store part by
/// part into packed rows (`report::Board`), so memory holds the packed
/// rows, not every case with its reviews; for people (Markdown, XLSX) the
/// report compared with the board at the previous six-weekly date, whose
/// counts are streamed the same way.
fn stoplight<'c>(
    ctx: &'c Context,
    as_of: &Option<String>,
    format: Format,
    options: &ExportOptions<'c>,
) -> Result<Document<'c>, Msg> {
    let given = as_of.as_deref().map(parse_date).transpose()?;
    let as_of = report::as_of(given, ctx.today)?;
    let store = ctx.open_store()?;
    let codes = ctx.config.precondition_codes();
    let care = ctx.config.norms.care;
    if !format.for_people() {
        let mut board = report::Board::machine(&codes, care, options);
        store.stoplight_stream_beside(as_of, ctx.today, STREAM_CASES, &mut |part| {
            board.add(&part)
        })?;
        return Ok(board.into_list(as_of, options));
    }
    let preconditions = &ctx.config.preconditions;
    let mut board = report::people_board(as_of, preconditions, care, options);
    store.stoplight_stream(as_of, ctx.today, STREAM_CASES, &mut |part| board.add(&part))?;
    let earlier = crate::domain::six_weekly::previous_date(as_of);
    let mut tally = BoardTally::default();
    store.stoplight_stream(earlier, ctx.today, STREAM_CASES, &mut |part| {
        report::board_tally(&part, &codes, care, &mut tally);
        Ok(())
    })?;
    drop(store);
    let before = report::Before {
        as_of: earlier,
        aggregate: tally.finish(),
    };
    Ok(report::board_report(
        board,
        as_of,
        &before,
        preconditions,
        options,
    ))
}

/// Which meeting the options name: `--provider` narrows the stoplight
/// round only.
pub fn meeting(on: NaiveDate, kind: &str, provider: Option<&str>) -> Result<Meeting, Msg> {
    let kind: Kind = kind.parse()?;
    let provider = provider.map(str::trim).filter(|p| !p.is_empty());
    if provider.is_some() && kind != Kind::Stoplight {
        return Err(Msg::new("error.provider_needs_round"));
    }
    Ok(Meeting {
        kind,
        on,
        provider: provider.map(String::from),
    })
}

/// An export with names: what the access log says of it.
struct Names {
    detail: String,
}

impl Names {
    /// Refuses an export with names without a reason (asked for on a
    /// terminal), before anything is read.
    fn new(
        ctx: &Context,
        what: &str,
        format: &str,
        output: Option<&Path>,
        reason: Option<String>,
    ) -> Result<Names, Msg> {
        Ok(Names {
            detail: named_export_detail(ctx, what, format, output, reason)?,
        })
    }

    fn of(ctx: &Context, what: &str, out: &ExportOut) -> Result<Option<Names>, Msg> {
        if !out.with_names {
            return Ok(None);
        }
        let output = out.output.as_deref();
        Names::new(ctx, what, &out.format, output, out.reason.clone()).map(Some)
    }
}

/// Writes an export by `write` (to stdout, or to the output file). One
/// with names is logged before it is written (an export that cannot be
/// logged is not made); when writing fails, the log says so with an
/// `export_failed` row.
fn deliver(
    ctx: &Context,
    names: Option<Names>,
    output: Option<&Path>,
    write: impl FnOnce(Option<&Path>) -> Result<(), Msg>,
) -> Result<(), Msg> {
    let failed = |e: Msg| -> Msg {
        if let Some(n) = &names {
            let detail = format!("{}; failed: {e}", n.detail);
            // The failure is what matters to the person; a log that
            // cannot take this row has already refused the export.
            let _ = ctx.open_store().and_then(|mut s| {
                s.log_access(AccessAction::ExportFailed, None, Some(&detail), &ctx.actor)
            });
        }
        e
    };
    if let Some(n) = &names {
        ctx.open_store()?.log_access(
            AccessAction::ExportWithNames,
            None,
            Some(&n.detail),
            &ctx.actor,
        )?;
    }
    write(output).map_err(failed)?;
    announce(ctx, output);
    Ok(())
}

/// [`deliver`] of a document in `format`, its rows drawn as it is written.
fn deliver_document(
    ctx: &Context,
    names: Option<Names>,
    doc: &Document,
    format: Format,
    output: Option<&Path>,
) -> Result<(), Msg> {
    deliver(ctx, names, output, |o| write_document(doc, format, o))
}

pub fn report(ctx: &Context, what: ReportCommand) -> Result<(), Msg> {
    let (from, to, format, output) = match what {
        ReportCommand::Flow {
            from,
            to,
            format,
            output,
        } => (from, to, format, output),
        ReportCommand::Council {
            from,
            to,
            format,
            output,
        } => return crate::cli::picture::council(ctx, &from, &to, &format, output),
    };
    let (from, to) = (parse_date(&from)?, parse_date(&to)?);
    flow::check_period(from, to)?;
    let format: Format = format.parse()?;
    let store = ctx.open_store()?;
    let figures = store.flow(from, to, ctx.today)?;
    if format.binary() && output.is_none() && std::io::stdout().is_terminal() {
        return Err(Msg::new("report.xlsx_needs_file"));
    }
    let doc = report::flow_document(&figures, ctx.catalog());
    deliver_document(ctx, None, &doc, format, output.as_deref())
}

fn prepare<'a>(ctx: &'a Context, out: &ExportOut) -> Result<(Format, ExportOptions<'a>), Msg> {
    let format: Format = out.format.parse()?;
    if format.binary() && out.output.is_none() && std::io::stdout().is_terminal() {
        return Err(Msg::new("report.xlsx_needs_file"));
    }
    Ok((
        format,
        ExportOptions {
            catalog: ctx.catalog(),
            with_names: out.with_names,
        },
    ))
}

/// The cases an export shows as of the date, read by `load`: only the
/// waiting or the in-care cases, since at scale most of the history is
/// closed and most open cases are on the other list.
fn snapshot(
    ctx: &Context,
    as_of: &Option<String>,
    load: fn(&Store, NaiveDate, NaiveDate) -> Result<Snapshot, Msg>,
) -> Result<Snapshot, Msg> {
    let given = as_of.as_deref().map(parse_date).transpose()?;
    let as_of = report::as_of(given, ctx.today)?;
    load(&ctx.open_store()?, as_of, ctx.today)
}

/// Says on stderr where a file went (stdout stays the document's alone).
fn announce(ctx: &Context, output: Option<&Path>) {
    if let Some(p) = output {
        eprintln!(
            "{}",
            ctx.catalog()
                .fill("report.written", &[("path", p.display().to_string())])
        );
    }
}
