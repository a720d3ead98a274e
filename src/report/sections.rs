//! Reports fit to hand to a municipality or a council, in Markdown or XLSX:
//! what the figures mean first, then the figures, then the detail. CSV and
//! JSON keep the machine rows of the `Document`s in the parent module.

use chrono::NaiveDate;

use super::{Board, ExportOptions};
use crate::context::config::Precondition;
use crate::domain::flow::FlowReport;
use crate::domain::six_weekly::red_change;
use crate::domain::stoplight::{BoardTally, ColorTally, StoplightAggregate, StoplightRow};
use crate::domain::waitlist::Signal;
use crate::domain::{Case, Snapshot};
use crate::export::{Cell, Document, Rows, Table};
use crate::present;
use crate::present::i18n::Catalog;

/// The stoplight for the municipality as of `now.as_of`: counts by colour
/// and the share red, the board per provider and per care type with the
/// change in share red since `previous` (the board at [`previous_date`](crate::domain::six_weekly::previous_date)),
/// then every case with its reasons in plain words.
pub fn stoplight_report<'a>(
    now: &Snapshot,
    previous: &Snapshot,
    preconditions: &'a [Precondition],
    care_norm: crate::domain::waitlist::Norm,
    o: &ExportOptions<'a>,
) -> Document<'a> {
    let codes: Vec<String> = preconditions.iter().map(|p| p.code.clone()).collect();
    let mut board = people_board(now.as_of, preconditions, care_norm, o);
    // Evaluating snapshots in memory cannot fail.
    let _ = board.add(now);
    let mut before = BoardTally::default();
    super::board_tally(previous, &codes, care_norm, &mut before);
    let before = Before {
        as_of: previous.as_of,
        aggregate: before.finish(),
    };
    board_report(board, now.as_of, &before, preconditions, o)
}

/// The board six weeks before, as counts.
pub struct Before {
    pub as_of: NaiveDate,
    pub aggregate: StoplightAggregate,
}

/// A board whose rows are the cases as the stoplight report shows them:
/// reasons in plain words, a dash for what is missing.
pub fn people_board<'a>(
    as_of: NaiveDate,
    preconditions: &'a [Precondition],
    care_norm: crate::domain::waitlist::Norm,
    o: &ExportOptions<'a>,
) -> Board<'a> {
    let codes: Vec<String> = preconditions.iter().map(|p| p.code.clone()).collect();
    let (cat, with_names) = (o.catalog, o.with_names);
    Board::new(
        codes,
        care_norm,
        Box::new(move |r, case| detail_cells(cat, r, case, as_of, preconditions, with_names)),
    )
}

/// The stoplight report of a [`people_board`] as of `as_of`, compared with
/// the board `before`.
pub fn board_report<'a>(
    board: Board<'a>,
    as_of: NaiveDate,
    before: &Before,
    preconditions: &[Precondition],
    o: &ExportOptions,
) -> Document<'a> {
    let cat = o.catalog;
    let (agg, rows) = board.finish();
    let previous = before;
    let before = &before.aggregate;
    let date = [("date", previous.as_of.to_string())];
    let change = cat.fill("present.change_since", &date);
    let all = &agg.all;
    let mut summary = vec![(cat.t("report.in_care").to_string(), Cell::int(all.total))];
    summary.extend(
        [
            (Signal::Green, all.green),
            (Signal::Orange, all.orange),
            (Signal::Red, all.red),
        ]
        .map(|(s, n)| (present::signal_text(cat, s), Cell::int(n))),
    );
    summary.push((
        cat.t("present.share_red").to_string(),
        Cell::Number {
            value: all.share_red_pct,
            shown: present::percent(cat, all.share_red_pct),
        },
    ));
    summary.push((
        cat.fill("present.share_red_change", &date),
        match red_change(all, Some(&before.all)) {
            Some(x) => Cell::Number {
                value: x,
                shown: present::points(cat, x),
            },
            None => Cell::text(cat.t("present.not_applicable")),
        },
    ));
    let by_provider = Aggregate {
        title: cat.t("present.by_provider"),
        group: cat.t("column.provider"),
        change: &change,
    }
    .table(cat, &agg.by_provider, &before.by_provider, |k| {
        k.clone()
            .unwrap_or_else(|| cat.t("present.no_provider").to_string())
    });
    let by_care_type = Aggregate {
        title: cat.t("present.by_care_type"),
        group: cat.t("column.care_type"),
        change: &change,
    }
    .table(cat, &agg.by_care_type, &before.by_care_type, |k| {
        k.map_or(cat.t("present.no_care_type"), |t| {
            cat.label("care_type", t.code())
        })
        .to_string()
    });
    let detail = Table {
        title: cat.t("present.cases").to_string(),
        sheet: cat.t("present.cases").to_string(),
        note: Some(present::marks_order(cat, preconditions)),
        keys: Vec::new(),
        headers: detail_headers(cat, o.with_names),
        rows,
    };
    let title = cat.fill("report.stoplight_title", &[("date", as_of.to_string())]);
    let mut doc = Document::chapters(title, as_of, cat.t("present.summary").to_string());
    doc.subtitle = Some(as_of_line(cat, as_of));
    doc.summary = summary;
    doc.tables = vec![by_provider, by_care_type, detail];
    doc
}

/// One aggregate table of SPEC 3.3.
struct Aggregate<'a> {
    title: &'a str,
    group: &'a str,
    change: &'a str,
}

impl Aggregate<'_> {
    fn table<K: PartialEq>(
        &self,
        cat: &Catalog,
        now: &[ColorTally<K>],
        then: &[ColorTally<K>],
        name: impl Fn(&Option<K>) -> String,
    ) -> Table<'static> {
        let mut headers = vec![
            self.group.to_string(),
            cat.t("present.group_total").to_string(),
        ];
        headers.extend(
            [Signal::Green, Signal::Orange, Signal::Red].map(|s| present::signal_text(cat, s)),
        );
        headers.push(cat.t("present.share_red_pct").to_string());
        headers.push(self.change.to_string());
        let rows = now
            .iter()
            .map(|t| {
                let before = then.iter().find(|b| b.key == t.key);
                vec![
                    Cell::text(name(&t.key)),
                    Cell::int(t.total),
                    Cell::int(t.green),
                    Cell::int(t.orange),
                    Cell::int(t.red),
                    Cell::Number {
                        value: t.share_red_pct,
                        shown: present::decimal(cat, t.share_red_pct),
                    },
                    match red_change(t, before) {
                        Some(x) => Cell::Number {
                            value: x,
                            shown: present::signed(cat, x),
                        },
                        None => Cell::text(cat.t("present.not_applicable")),
                    },
                ]
            })
            .collect();
        Table {
            title: self.title.to_string(),
            sheet: self.title.to_string(),
            note: None,
            keys: Vec::new(),
            headers,
            rows: Rows::Ready(rows),
        }
    }
}

fn as_of_line(cat: &Catalog, as_of: NaiveDate) -> String {
    format!("{}: {as_of}", cat.t("report.as_of"))
}

fn detail_headers(cat: &Catalog, with_names: bool) -> Vec<String> {
    super::headers(cat, &super::columns(super::STOPLIGHT_COLUMNS, with_names))
}

fn date_or_none(d: Option<NaiveDate>) -> Cell {
    d.map_or_else(|| Cell::text(present::NONE), Cell::Date)
}

fn text_or_none(s: Option<&str>) -> Cell {
    Cell::text(s.unwrap_or(present::NONE))
}

fn detail_cells(
    cat: &Catalog,
    r: &StoplightRow,
    case: Option<&Case>,
    as_of: NaiveDate,
    preconditions: &[Precondition],
    with_names: bool,
) -> Vec<Cell> {
    let mut cells = vec![Cell::text(&r.case_ref)];
    if with_names {
        cells.push(text_or_none(case.and_then(|c| c.name.as_deref())));
        cells.push(date_or_none(case.and_then(|c| c.birth_date)));
    }
    cells.extend([
        Cell::text(present::signal_text(cat, r.color)),
        Cell::text(present::reasons_text(cat, &r.reasons, as_of, preconditions)),
        Cell::text(present::mark_row(&r.criteria)),
        date_or_none(r.last_review_on),
        date_or_none(r.next_review_on),
        date_or_none(r.planned_end_on),
        date_or_none(r.care_started_on),
        text_or_none(r.provider.as_deref()),
        text_or_none(r.care_type.map(|t| cat.label("care_type", t.code()))),
        text_or_none(r.worker.as_deref()),
        r.age.map_or_else(|| Cell::text(present::NONE), Cell::int),
    ]);
    cells
}

/// Flow figures for a council: the balance of outflow and inflow, the
/// counts, waiting and duration in words; then the figures (a missing one
/// as "–"), per care type and per month.
pub fn flow_report(f: &FlowReport, cat: &Catalog) -> Document<'static> {
    let lines = flow_lines(f, cat);
    let none = || Cell::text(present::NONE);
    let figure = |v: Option<f64>, shown: fn(&Catalog, f64) -> String| {
        v.map_or_else(none, |value| Cell::Number {
            value,
            shown: shown(cat, value),
        })
    };
    let days = |v: Option<i64>| v.map_or_else(none, Cell::Int);
    let col = |k: &str| cat.t(&format!("column.{k}")).to_string();
    let bands = &f.duration_bands;
    let summary = vec![
        (col("from"), Cell::Date(f.from)),
        (col("to"), Cell::Date(f.to)),
        (col("referrals"), Cell::int(f.referrals)),
        (col("inflow"), Cell::int(f.inflow)),
        (col("outflow"), Cell::int(f.outflow)),
        (col("balance_pct"), figure(f.balance_pct, present::signed)),
        (col("open_at_end"), Cell::int(f.open_at_end)),
        (
            col("mean_duration_days"),
            figure(f.mean_duration_days, present::decimal),
        ),
        (
            cat.t("present.band_under_1y").to_string(),
            Cell::int(bands.under_1y),
        ),
        (
            cat.t("present.band_1y_2y").to_string(),
            Cell::int(bands.from_1y_to_2y),
        ),
        (
            cat.t("present.band_over_2y").to_string(),
            Cell::int(bands.over_2y),
        ),
        (
            col("median_wait_to_care_days"),
            days(f.median_wait_to_care_days),
        ),
        (col("p90_wait_to_care_days"), days(f.p90_wait_to_care_days)),
    ];
    let by_month = Table {
        title: cat.t("report.by_month").to_string(),
        sheet: cat.t("report.by_month").to_string(),
        note: None,
        keys: Vec::new(),
        headers: ["month", "referrals", "inflow", "outflow"]
            .map(col)
            .to_vec(),
        rows: f
            .monthly
            .iter()
            .map(|m| {
                vec![
                    Cell::text(&m.month),
                    Cell::int(m.referrals),
                    Cell::int(m.inflow),
                    Cell::int(m.outflow),
                ]
            })
            .collect::<Vec<_>>()
            .into(),
    };
    let title = cat.fill(
        "report.flow_title",
        &[("from", f.from.to_string()), ("to", f.to.to_string())],
    );
    let mut doc = Document::chapters(title, f.to, cat.t("present.summary").to_string());
    doc.lines = lines;
    doc.summary = summary;
    // Then the tables of the newer figures, the care types with their
    // trajectories among them (the same tables as the council report).
    doc.tables = std::iter::once(by_month)
        .chain(super::council::flow_tables(f, cat))
        .collect();
    doc
}

/// The flow in sentences: the balance, the counts, the wait and the
/// duration of care.
pub fn flow_lines(f: &FlowReport, cat: &Catalog) -> Vec<String> {
    let mut lines = vec![balance_sentence(f, cat)];
    lines.push(cat.fill(
        "present.flow_counts",
        &[
            ("referrals", f.referrals.to_string()),
            ("inflow", f.inflow.to_string()),
            ("outflow", f.outflow.to_string()),
            ("open", f.open_at_end.to_string()),
            ("to", present::date(f.to)),
        ],
    ));
    if let (Some(median), Some(p90)) = (f.median_wait_to_care_days, f.p90_wait_to_care_days) {
        lines.push(cat.fill(
            "present.flow_wait",
            &[
                ("median", present::span(cat, median)),
                ("p90", present::span(cat, p90)),
            ],
        ));
    }
    if let Some(mean) = f.mean_duration_days {
        lines.push(cat.fill(
            "present.flow_duration",
            &[("span", present::span(cat, mean.round() as i64))],
        ));
    }
    lines
}

/// "Uitstroom blijft 8,3 % achter bij instroom."
fn balance_sentence(f: &FlowReport, cat: &Catalog) -> String {
    match f.balance_pct {
        None => cat.t("present.flow_no_inflow").to_string(),
        Some(b) if b < 0.0 => cat.fill("present.flow_lags", &[("pct", present::percent(cat, -b))]),
        Some(b) if b > 0.0 => cat.fill("present.flow_ahead", &[("pct", present::percent(cat, b))]),
        Some(_) => cat.t("present.flow_even").to_string(),
    }
}
