//! Builds the export documents of SPEC 7.2 from the rules' results: JSON rows
//! with exactly the spec's keys, and for people a title, a summary and
//! readable cells. Names and birth dates go in only when asked.
//!
//! Everything that builds a document from snapshots lives here: the waiting
//! list, the stoplight and the flow (this file and `sections`), the council
//! report (`council`), the forecast (`forecast`) and the minutes of a meeting
//! (`minutes`). A new document goes here; it never queries the store.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::domain::evaluation::EvaluationRow;
use crate::domain::stoplight::{self, StoplightAggregate, StoplightRow};
use crate::domain::waitlist::{self, Queue, Signal, WaitRow};
use crate::domain::{Case, Msg, Snapshot};
use crate::export::{Document, Format, generated_at, neutralise};
use crate::present::i18n::Catalog;

pub mod council;
pub mod forecast;
pub mod minutes;
mod sections;

pub use sections::{flow_lines, flow_report, stoplight_report};

/// The columns of a waitlist row (SPEC 7.2), in order.
pub const WAITLIST_COLUMNS: &[&str] = &[
    "case_ref",
    "queue",
    "stage",
    "urgency",
    "referrer",
    "route",
    "care_type",
    "provider",
    "worker",
    "bridging_care",
    "waiting_since",
    "wait_days",
    "norm_days",
    "signal",
    "age",
];

/// The columns of an evaluation row (SPEC 7.2), in order.
pub const EVALUATION_COLUMNS: &[&str] = &[
    "case_ref",
    "moment",
    "due_on",
    "days_overdue",
    "signal",
    "care_started_on",
    "planned_end_on",
    "care_type",
    "provider",
    "worker",
    "age",
];

/// The columns of a stoplight row (SPEC 7.2), in order.
pub const STOPLIGHT_COLUMNS: &[&str] = &[
    "case_ref",
    "color",
    "reasons",
    "criteria",
    "last_review_on",
    "next_review_on",
    "planned_end_on",
    "care_started_on",
    "provider",
    "care_type",
    "worker",
    "age",
];

const PERSONAL: [&str; 2] = ["name", "birth_date"];

// The colour words live with the other presentation helpers.
pub use crate::present::{signal_symbol, signal_text};

/// Options shared by the snapshot exports.
pub struct ExportOptions<'a> {
    pub catalog: &'a Catalog,
    pub with_names: bool,
    /// The format the document will be rendered in: only its form of the
    /// rows is built (JSON objects, CSV cells or readable Markdown cells).
    pub format: Format,
}

/// The rows of a document in the one form `format` renders from.
struct Forms {
    rows: Vec<Map<String, Value>>,
    csv_rows: Vec<Vec<String>>,
    md_rows: Vec<Vec<String>>,
}

impl Forms {
    fn build<R>(
        rows: &[R],
        format: Format,
        json: impl Fn(&R) -> Map<String, Value>,
        csv: impl Fn(&R) -> Vec<String>,
        md: impl Fn(&R) -> Vec<String>,
    ) -> Forms {
        let mut forms = Forms {
            rows: Vec::new(),
            csv_rows: Vec::new(),
            md_rows: Vec::new(),
        };
        match format {
            Format::Json | Format::Xlsx => forms.rows = rows.iter().map(json).collect(),
            Format::Csv => forms.csv_rows = rows.iter().map(csv).collect(),
            Format::Md => forms.md_rows = rows.iter().map(md).collect(),
        }
        forms
    }
}

fn columns(base: &[&str], with_names: bool) -> Vec<String> {
    let mut cols: Vec<String> = base.iter().map(|c| c.to_string()).collect();
    if with_names {
        cols.splice(1..1, PERSONAL.iter().map(|c| c.to_string()));
    }
    cols
}

/// A row as a JSON object; with names, `name` and `birth_date` follow
/// `case_ref`.
fn row_object(row: &impl Serialize, case: Option<&Case>, with_names: bool) -> Map<String, Value> {
    let Value::Object(map) = serde_json::to_value(row).expect("rows serialise") else {
        unreachable!("rows are structs");
    };
    if !with_names {
        return map;
    }
    let mut out = Map::with_capacity(map.len() + 2);
    for (k, v) in map {
        let is_ref = k == "case_ref";
        out.insert(k, v);
        if is_ref {
            let name = case.and_then(|c| c.name.clone());
            let birth = case.and_then(|c| c.birth_date).map(|d| d.to_string());
            out.insert("name".into(), name.map_or(Value::Null, Value::String));
            out.insert(
                "birth_date".into(),
                birth.map_or(Value::Null, Value::String),
            );
        }
    }
    out
}

fn headers(cat: &Catalog, cols: &[String]) -> Vec<String> {
    cols.iter()
        .map(|c| cat.t(&format!("column.{c}")).to_string())
        .collect()
}

fn opt(v: &Option<impl ToString>) -> String {
    v.as_ref().map(|x| x.to_string()).unwrap_or_default()
}

fn by_id(snapshot: &Snapshot) -> HashMap<i64, &Case> {
    snapshot.cases.iter().map(|c| (c.id, c)).collect()
}

/// The evaluation list as of `as_of` (SPEC 1.7): every moment not held of a
/// case in care, due within 28 days or overdue. Never with names.
pub fn evaluations(rows: &[EvaluationRow], as_of: NaiveDate, o: &ExportOptions) -> Document {
    let cat = o.catalog;
    let mut counts = waitlist::SignalCounts::default();
    for r in rows {
        counts.add(r.signal);
    }
    let summary = vec![
        (
            cat.t("report.evaluations_due").to_string(),
            counts.total.to_string(),
        ),
        (signal_text(cat, Signal::Green), counts.green.to_string()),
        (signal_text(cat, Signal::Orange), counts.orange.to_string()),
        (signal_text(cat, Signal::Red), counts.red.to_string()),
    ];
    let cols = columns(EVALUATION_COLUMNS, false);
    let forms = Forms::build(
        rows,
        o.format,
        |r| row_object(r, None, false),
        evaluation_csv,
        |r| evaluation_cells(cat, r),
    );
    snapshot_document(cat, "report.evaluations_title", as_of, cols, forms, summary)
}

fn evaluation_csv(r: &EvaluationRow) -> Vec<String> {
    vec![
        csv_text(&r.case_ref),
        csv_text(r.moment.code()),
        r.due_on.to_string(),
        r.days_overdue.to_string(),
        csv_text(r.signal.code()),
        csv_opt(&r.care_started_on),
        csv_opt(&r.planned_end_on),
        csv_opt(&r.care_type.map(|x| x.code())),
        csv_opt(&r.provider),
        csv_opt(&r.worker),
        opt(&r.age),
    ]
}

fn evaluation_cells(cat: &Catalog, r: &EvaluationRow) -> Vec<String> {
    vec![
        r.case_ref.clone(),
        cat.label("moment", r.moment.code()).to_string(),
        r.due_on.to_string(),
        r.days_overdue.to_string(),
        signal_text(cat, r.signal),
        opt(&r.care_started_on),
        opt(&r.planned_end_on),
        r.care_type
            .map(|x| cat.label("care_type", x.code()).to_string())
            .unwrap_or_default(),
        opt(&r.provider),
        opt(&r.worker),
        opt(&r.age),
    ]
}

/// The waiting lists as of the snapshot date, one queue or all.
pub fn waitlist(
    snapshot: &Snapshot,
    norms: &waitlist::Norms,
    queue: Option<Queue>,
    o: &ExportOptions,
) -> Document {
    let cat = o.catalog;
    let rows = waitlist::waiting_list(snapshot, norms, queue);
    let cases = by_id(snapshot);
    let mut summary = Vec::new();
    for s in waitlist::summarize(&rows)
        .iter()
        .filter(|s| queue.is_none_or(|q| q == s.queue))
    {
        summary.extend(queue_summary(cat, s));
    }
    let cols = columns(WAITLIST_COLUMNS, o.with_names);
    let case = |r: &WaitRow| cases.get(&r.case_id).copied();
    let forms = Forms::build(
        &rows,
        o.format,
        |r| row_object(r, case(r), o.with_names),
        |r| waitlist_csv(r, case(r), o.with_names),
        |r| waitlist_cells(cat, r, case(r), o.with_names),
    );
    snapshot_document(
        cat,
        "report.waitlist_title",
        snapshot.as_of,
        cols,
        forms,
        summary,
    )
}

/// One queue's summary lines, each count a plain number in its own line (a
/// number cell in xlsx): gross and net by signal, red with bridging care,
/// and the gross list by age group.
fn queue_summary(cat: &Catalog, s: &waitlist::QueueSummary) -> Vec<(String, String)> {
    let queue = cat.label("queue", s.queue.code());
    let mut out = Vec::new();
    for (list, c) in [("report.gross", &s.gross), ("report.net", &s.net)] {
        let list = format!("{queue} — {}", cat.t(list));
        out.push((list.clone(), c.total.to_string()));
        for (signal, n) in [
            (Signal::Green, c.green),
            (Signal::Orange, c.orange),
            (Signal::Red, c.red),
        ] {
            out.push((
                format!(
                    "{list}: {}",
                    cat.label("signal", signal.code()).to_lowercase()
                ),
                n.to_string(),
            ));
        }
    }
    out.push((
        format!("{queue} — {}", cat.t("report.red_bridging_care")),
        s.red_bridging_care.to_string(),
    ));
    for (group, n) in waitlist::AgeGroup::ALL.iter().zip(s.age_groups) {
        let group = cat.label("age_group", group.code()).to_string();
        out.push((
            format!(
                "{queue} — {}",
                cat.fill("report.age_group", &[("group", group)])
            ),
            n.to_string(),
        ));
    }
    out
}

fn personal_cells(case: Option<&Case>) -> [String; 2] {
    [
        case.and_then(|c| c.name.clone()).unwrap_or_default(),
        case.and_then(|c| c.birth_date)
            .map(|d| d.to_string())
            .unwrap_or_default(),
    ]
}

fn waitlist_cells(
    cat: &Catalog,
    r: &WaitRow,
    case: Option<&Case>,
    with_names: bool,
) -> Vec<String> {
    let mut cells = vec![r.case_ref.clone()];
    if with_names {
        cells.extend(personal_cells(case));
    }
    cells.extend([
        cat.label("queue", r.queue.code()).to_string(),
        cat.label("stage", r.stage.code()).to_string(),
        cat.label("urgency", r.urgency.code()).to_string(),
        cat.label("referrer", r.referrer.code()).to_string(),
        r.route
            .map(|x| cat.label("route", x.code()).to_string())
            .unwrap_or_default(),
        r.care_type
            .map(|x| cat.label("care_type", x.code()).to_string())
            .unwrap_or_default(),
        opt(&r.provider),
        opt(&r.worker),
        cat.t(if r.bridging_care {
            "report.yes"
        } else {
            "report.no"
        })
        .to_string(),
        r.waiting_since.to_string(),
        r.wait_days.to_string(),
        r.norm_days.to_string(),
        signal_text(cat, r.signal),
        opt(&r.age),
    ]);
    cells
}

// CSV cells straight from the rows: the text each JSON value of
// `row_object` renders as in CSV (codes, ISO dates, lists joined with commas,
// objects as `key=value`), made formula-safe. A unit test holds them to the
// JSON route.

fn csv_text(s: &str) -> String {
    neutralise(s)
}

fn csv_opt(v: &Option<impl ToString>) -> String {
    v.as_ref()
        .map(|x| csv_text(&x.to_string()))
        .unwrap_or_default()
}

fn csv_start(case_ref: &str, case: Option<&Case>, with_names: bool, len: usize) -> Vec<String> {
    let mut cells = Vec::with_capacity(len + 2);
    cells.push(csv_text(case_ref));
    if with_names {
        cells.push(csv_opt(&case.and_then(|c| c.name.as_ref())));
        cells.push(csv_opt(&case.and_then(|c| c.birth_date)));
    }
    cells
}

fn waitlist_csv(r: &WaitRow, case: Option<&Case>, with_names: bool) -> Vec<String> {
    let mut cells = csv_start(&r.case_ref, case, with_names, WAITLIST_COLUMNS.len());
    cells.extend([
        csv_text(r.queue.code()),
        csv_text(r.stage.code()),
        csv_text(r.urgency.code()),
        csv_text(r.referrer.code()),
        csv_opt(&r.route.map(|x| x.code())),
        csv_opt(&r.care_type.map(|x| x.code())),
        csv_opt(&r.provider),
        csv_opt(&r.worker),
        r.bridging_care.to_string(),
        r.waiting_since.to_string(),
        r.wait_days.to_string(),
        r.norm_days.to_string(),
        csv_text(r.signal.code()),
        opt(&r.age),
    ]);
    cells
}

fn stoplight_csv(r: &StoplightRow, case: Option<&Case>, with_names: bool) -> Vec<String> {
    let mut cells = csv_start(&r.case_ref, case, with_names, STOPLIGHT_COLUMNS.len());
    let reasons: Vec<&str> = r.reasons.iter().map(|x| x.code()).collect();
    let criteria: Vec<String> = r
        .criteria
        .0
        .iter()
        .map(|(code, status)| format!("{code}={}", status.code()))
        .collect();
    cells.extend([
        csv_text(r.color.code()),
        csv_text(&reasons.join(",")),
        csv_text(&criteria.join(",")),
        csv_opt(&r.last_review_on),
        csv_opt(&r.next_review_on),
        csv_opt(&r.planned_end_on),
        csv_opt(&r.care_started_on),
        csv_opt(&r.provider),
        csv_opt(&r.care_type.map(|x| x.code())),
        csv_opt(&r.worker),
        opt(&r.age),
    ]);
    cells
}

/// The stoplight board as of the snapshot date, as machine rows for CSV and
/// JSON. The report for people (Markdown, XLSX) is [`stoplight_report`].
pub fn stoplight(
    snapshot: &Snapshot,
    preconditions: &[String],
    care_norm: waitlist::Norm,
    o: &ExportOptions,
) -> Document {
    let cat = o.catalog;
    let rows = stoplight::stoplight(snapshot, preconditions, care_norm);
    let cases = by_id(snapshot);
    let agg = stoplight::aggregate(&rows);
    let cols = columns(STOPLIGHT_COLUMNS, o.with_names);
    let case = |r: &StoplightRow| cases.get(&r.case_id).copied();
    let forms = Forms::build(
        &rows,
        o.format,
        |r| row_object(r, case(r), o.with_names),
        |r| stoplight_csv(r, case(r), o.with_names),
        |r| stoplight_cells(cat, r, case(r), o.with_names),
    );
    let summary = stoplight_summary(cat, &agg);
    snapshot_document(
        cat,
        "report.stoplight_title",
        snapshot.as_of,
        cols,
        forms,
        summary,
    )
}

/// The stoplight export as CSV, built from the board's cases part by part
/// as the store streams them (`Store::stoplight_stream`): each part's rows
/// are evaluated by the rules and written as CSV records at once, and only
/// the records with their place on the board are kept, not the cases, their
/// reviews or the rows. The bytes are those of `stoplight(..).render(Csv)`.
pub struct StoplightCsv<'a> {
    preconditions: &'a [String],
    care_norm: waitlist::Norm,
    with_names: bool,
    /// The records, back to back.
    records: csv::Writer<Vec<u8>>,
    /// Per record: its place on the board (colour, number of reasons,
    /// reference) and where it lies in `records`.
    places: Vec<(Signal, usize, String, std::ops::Range<usize>)>,
}

impl<'a> StoplightCsv<'a> {
    pub fn new(
        preconditions: &'a [String],
        care_norm: waitlist::Norm,
        with_names: bool,
    ) -> StoplightCsv<'a> {
        StoplightCsv {
            preconditions,
            care_norm,
            with_names,
            records: csv_writer(Vec::new()),
            places: Vec::new(),
        }
    }

    /// Evaluates one part of the board and keeps its records.
    pub fn add(&mut self, part: &Snapshot) -> Result<(), Msg> {
        let cases = by_id(part);
        for r in stoplight::stoplight(part, self.preconditions, self.care_norm) {
            let cells = stoplight_csv(&r, cases.get(&r.case_id).copied(), self.with_names);
            let start = self.records.get_ref().len();
            self.records.write_record(&cells).map_err(csv_error)?;
            self.records.flush().map_err(|e| csv_error(e.into()))?;
            let end = self.records.get_ref().len();
            self.places
                .push((r.color, r.reasons.len(), r.case_ref, start..end));
        }
        Ok(())
    }

    /// The whole file: the header, then the records in the board's order
    /// (as `stoplight::stoplight` sorts: red first, most reasons first,
    /// then by reference).
    pub fn finish(mut self) -> Result<Vec<u8>, Msg> {
        self.places
            .sort_by(|a, b| (b.0, b.1, &a.2).cmp(&(a.0, a.1, &b.2)));
        let records = self
            .records
            .into_inner()
            .map_err(|e| csv_error(e.into_error().into()))?;
        let mut head = csv_writer("\u{feff}".as_bytes().to_vec());
        head.write_record(columns(STOPLIGHT_COLUMNS, self.with_names))
            .map_err(csv_error)?;
        let mut out = head
            .into_inner()
            .map_err(|e| csv_error(e.into_error().into()))?;
        out.reserve(records.len());
        for (_, _, _, at) in &self.places {
            out.extend_from_slice(&records[at.clone()]);
        }
        Ok(out)
    }
}

/// The CSV writer of every export (see `export::csv_out`).
fn csv_writer(out: Vec<u8>) -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new().delimiter(b';').from_writer(out)
}

fn csv_error(e: csv::Error) -> Msg {
    Msg::new("error.io").arg("path", "csv").arg("reason", e)
}

/// A snapshot export's document: its title for the date, the columns and
/// the rows in the forms the chosen format needs.
fn snapshot_document(
    cat: &Catalog,
    title_key: &str,
    as_of: NaiveDate,
    cols: Vec<String>,
    forms: Forms,
    summary: Vec<(String, String)>,
) -> Document {
    Document {
        title: cat.fill(title_key, &[("date", as_of.to_string())]),
        as_of,
        generated_at: generated_at(),
        headers: headers(cat, &cols),
        columns: cols,
        rows: forms.rows,
        summary,
        as_of_label: cat.t("report.as_of").to_string(),
        md_rows: forms.md_rows,
        csv_rows: forms.csv_rows,
    }
}

fn stoplight_summary(cat: &Catalog, agg: &StoplightAggregate) -> Vec<(String, String)> {
    let all = &agg.all;
    vec![
        (cat.t("report.in_care").to_string(), all.total.to_string()),
        (signal_text(cat, Signal::Green), all.green.to_string()),
        (signal_text(cat, Signal::Orange), all.orange.to_string()),
        (signal_text(cat, Signal::Red), all.red.to_string()),
        (
            cat.t("report.share_red").to_string(),
            format!("{:.1}", all.share_red_pct),
        ),
    ]
}

fn stoplight_cells(
    cat: &Catalog,
    r: &StoplightRow,
    case: Option<&Case>,
    with_names: bool,
) -> Vec<String> {
    let mut cells = vec![r.case_ref.clone()];
    if with_names {
        cells.extend(personal_cells(case));
    }
    let reasons: Vec<String> = r
        .reasons
        .iter()
        .map(|x| cat.t(&x.label_key()).to_string())
        .collect();
    let criteria: Vec<String> = r
        .criteria
        .0
        .iter()
        .map(|(code, status)| format!("{code}: {}", cat.label("status", status.code())))
        .collect();
    cells.extend([
        signal_text(cat, r.color),
        reasons.join("; "),
        criteria.join(", "),
        opt(&r.last_review_on),
        opt(&r.next_review_on),
        opt(&r.planned_end_on),
        opt(&r.care_started_on),
        opt(&r.provider),
        r.care_type
            .map(|x| cat.label("care_type", x.code()).to_string())
            .unwrap_or_default(),
        opt(&r.worker),
        opt(&r.age),
    ]);
    cells
}

/// Flow figures as JSON: the figures of SPEC 4 as keys.
pub fn flow_json(report: &crate::domain::flow::FlowReport) -> Value {
    let mut v = serde_json::to_value(report).expect("flow serialises");
    if let Value::Object(map) = &mut v {
        map.insert("generated_at".into(), Value::String(generated_at()));
    }
    v
}

/// The scalar flow figures as one CSV row (nested figures flattened).
pub fn flow_document(report: &crate::domain::flow::FlowReport, cat: &Catalog) -> Document {
    let json = serde_json::to_value(report).expect("flow serialises");
    let mut row = Map::new();
    let mut summary = Vec::new();
    for (k, v) in json.as_object().expect("object") {
        match (k.as_str(), v) {
            ("by_care_type" | "monthly", _) => {}
            (
                "by_destination"
                | "lead_times"
                | "by_referrer"
                | "by_provider"
                | "turning_18"
                | "trajectories_by_care_type",
                Value::Object(_),
            ) => flatten(k, v, &mut row),
            ("duration_bands", Value::Object(bands)) => {
                for (band, n) in bands {
                    row.insert(format!("duration_{band}"), n.clone());
                    summary.push((
                        format!("{} {band}", cat.t("column.duration")),
                        crate::export::plain(n),
                    ));
                }
            }
            _ => {
                row.insert(k.clone(), v.clone());
                summary.push((
                    cat.t(&format!("column.{k}")).to_string(),
                    crate::export::plain(v),
                ));
            }
        }
    }
    let columns: Vec<String> = row.keys().cloned().collect();
    Document {
        title: cat.fill(
            "report.flow_title",
            &[
                ("from", report.from.to_string()),
                ("to", report.to.to_string()),
            ],
        ),
        as_of: report.to,
        generated_at: generated_at(),
        headers: headers(cat, &columns),
        columns,
        rows: vec![row],
        summary,
        as_of_label: cat.t("report.as_of").to_string(),
        md_rows: Vec::new(),
        csv_rows: Vec::new(),
    }
}

/// A nested figure as columns `key.sub.sub` (CSV has one level).
fn flatten(prefix: &str, v: &Value, row: &mut Map<String, Value>) {
    match v {
        Value::Object(map) => {
            for (k, inner) in map {
                flatten(&format!("{prefix}.{k}"), inner, row);
            }
        }
        other => {
            row.insert(prefix.to_string(), other.clone());
        }
    }
}

/// The as-of date of an export: today unless given; never in the future.
pub fn as_of(given: Option<NaiveDate>, today: NaiveDate) -> Result<NaiveDate, crate::domain::Msg> {
    let d = given.unwrap_or(today);
    crate::domain::lifecycle::check_not_future(d, today)?;
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::config::Config;
    use crate::domain::dates::parse_date;
    use crate::store::Store;

    /// The CSV written straight from the rows is byte for byte the CSV of
    /// the JSON rows, and every format holds the same number of rows.
    #[test]
    fn csv_from_the_rows_equals_csv_from_the_json_rows() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("t.db")).unwrap();
        let today = parse_date("2026-11-22").unwrap();
        let demo = crate::demo::generate(5, today, 500);
        store
            .insert_bundles(&demo, today, "test", &mut |_| {})
            .unwrap();
        let config = Config::default();
        let codes = config.precondition_codes();
        let waiting = store.waitlist_snapshot(today, today).unwrap();
        let board = store.stoplight_snapshot(today, today).unwrap();
        for with_names in [false, true] {
            let build = |format: Format| -> [Document; 2] {
                let o = ExportOptions {
                    catalog: Catalog::get(crate::present::i18n::Lang::Nl),
                    with_names,
                    format,
                };
                [
                    waitlist(&waiting, &config.norms, None, &o),
                    stoplight(&board, &codes, config.norms.care, &o),
                ]
            };
            let [direct, md] = [build(Format::Csv), build(Format::Md)];
            for (i, json) in build(Format::Json).into_iter().enumerate() {
                assert!(json.len() > 20 && json.csv_rows.is_empty());
                assert!(direct[i].rows.is_empty() && direct[i].md_rows.is_empty());
                assert_eq!(direct[i].len(), json.len());
                assert_eq!(md[i].len(), json.len());
                assert_eq!(
                    String::from_utf8(direct[i].render(Format::Csv).unwrap()).unwrap(),
                    String::from_utf8(json.render(Format::Csv).unwrap()).unwrap(),
                    "with names: {with_names}"
                );
            }
        }
    }

    /// The streamed stoplight CSV is byte for byte the CSV of the board's
    /// document, with and without names, today and on a past date, and
    /// whatever the size of the parts (one case, a few, all at once).
    #[test]
    fn the_streamed_stoplight_csv_is_the_documents_csv() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("t.db")).unwrap();
        let today = parse_date("2026-11-22").unwrap();
        let demo = crate::demo::generate(7, today, 600);
        store
            .insert_bundles(&demo, today, "test", &mut |_| {})
            .unwrap();
        let codes = Config::default().precondition_codes();
        for as_of in [today, parse_date("2026-06-30").unwrap()] {
            let board = store.stoplight_snapshot(as_of, today).unwrap();
            assert!(board.cases.len() > 50, "{}", board.cases.len());
            for (with_names, part) in [(false, 1), (true, 7), (false, crate::store::STREAM_CASES)] {
                let o = ExportOptions {
                    catalog: Catalog::get(crate::present::i18n::Lang::Nl),
                    with_names,
                    format: Format::Csv,
                };
                let norm = Config::default().norms.care;
                let expected = stoplight(&board, &codes, norm, &o)
                    .render(Format::Csv)
                    .unwrap();
                let mut csv = StoplightCsv::new(&codes, norm, with_names);
                let mut parts = 0;
                store
                    .stoplight_stream(as_of, today, part, &mut |p| {
                        parts += 1;
                        csv.add(&p)
                    })
                    .unwrap();
                let streamed = as_of == today && part < board.cases.len();
                assert_eq!(parts > 1, streamed, "{as_of}: {parts} parts of {part}");
                assert_eq!(
                    String::from_utf8(csv.finish().unwrap()).unwrap(),
                    String::from_utf8(expected).unwrap(),
                    "as of {as_of}, with names: {with_names}, parts of {part}"
                );
            }
        }
    }
}
