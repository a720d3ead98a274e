//! Reports fit to hand to a municipality or a council, in Markdown or XLSX:
//! what the figures mean first, then the figures, then the detail. CSV and
//! JSON keep the machine rows of the `Document`s in the parent module.

use chrono::NaiveDate;

use super::{ExportOptions, by_id};
use crate::context::config::Precondition;
use crate::domain::flow::FlowReport;
use crate::domain::six_weekly::red_change;
use crate::domain::stoplight::{self, ColorTally, StoplightRow};
use crate::domain::waitlist::Signal;
use crate::domain::{Case, Snapshot};
use crate::export::{Cell, Report, Table};
use crate::present;
use crate::present::i18n::Catalog;

/// The stoplight for the municipality as of `now.as_of`: counts by colour
/// and the share red, the board per provider and per care type with the
/// change in share red since `previous` (the board at [`previous_date`](crate::domain::six_weekly::previous_date)),
/// then every case with its reasons in plain words.
pub fn stoplight_report(
    now: &Snapshot,
    previous: &Snapshot,
    preconditions: &[Precondition],
    care_norm: crate::domain::waitlist::Norm,
    o: &ExportOptions,
) -> Report {
    let cat = o.catalog;
    let codes: Vec<String> = preconditions.iter().map(|p| p.code.clone()).collect();
    let rows = stoplight::stoplight(now, &codes, care_norm);
    let agg = stoplight::aggregate(&rows);
    let before = stoplight::aggregate(&stoplight::stoplight(previous, &codes, care_norm));
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
    let cases = by_id(now);
    let detail = Table {
        title: cat.t("present.cases").to_string(),
        sheet: cat.t("present.cases").to_string(),
        note: Some(present::marks_order(cat, preconditions)),
        headers: detail_headers(cat, o.with_names),
        rows: rows
            .iter()
            .map(|r| {
                let case = cases.get(&r.case_id).copied();
                detail_cells(cat, r, case, now.as_of, preconditions, o.with_names)
            })
            .collect(),
    };
    Report {
        title: cat.fill("report.stoplight_title", &[("date", now.as_of.to_string())]),
        subtitle: Some(as_of_line(cat, now.as_of)),
        lines: Vec::new(),
        summary,
        summary_sheet: cat.t("present.summary").to_string(),
        tables: vec![by_provider, by_care_type, detail],
    }
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
    ) -> Table {
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
            headers,
            rows,
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
pub fn flow_report(f: &FlowReport, cat: &Catalog) -> Report {
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
            .collect(),
    };
    Report {
        title: cat.fill(
            "report.flow_title",
            &[("from", f.from.to_string()), ("to", f.to.to_string())],
        ),
        subtitle: None,
        lines,
        summary,
        summary_sheet: cat.t("present.summary").to_string(),
        // Then the tables of the newer figures, the care types with their
        // trajectories among them (the same tables as the council report).
        tables: std::iter::once(by_month)
            .chain(super::council::flow_tables(f, cat))
            .collect(),
    }
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
