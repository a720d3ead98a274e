//! Builds the documents (`export::Document`) from the rules' results: rows of
//! typed cells under the spec's keys (SPEC 7.2), which every format writes
//! (a code as its code for machines and as its label for people), and for
//! people a title, headline figures and tables. Names and birth dates go in
//! only when asked.
//!
//! Everything that builds a document from snapshots lives here: the waiting
//! list, the evaluations and the stoplight board (this file), the reports in
//! chapters (`sections`: stoplight, flow), the council report (`council`),
//! the forecast (`forecast`) and the minutes of a meeting (`minutes`).
//!
//! A new document is one builder here returning a `Document` (a list with
//! `Document::list`, a report with `Document::chapters`); every writer
//! renders it, and it never queries the store. Long lists draw their rows
//! lazily (`Rows::lazy`, `Rows::owned`, or `Board` for the streamed board).

use std::collections::HashMap;

use chrono::NaiveDate;
use serde_json::{Map, Value};

use crate::domain::codes::Status;
use crate::domain::evaluation::EvaluationRow;
use crate::domain::stoplight::{self, BoardTally, StoplightAggregate, StoplightRow};
use crate::domain::waitlist::{self, Queue, Signal, WaitRow};
use crate::domain::{Case, Msg, Snapshot};
use crate::export::{Cell, Document, Rows, SortedRows, Table, generated_at};
use crate::present::i18n::Catalog;

pub mod council;
pub mod forecast;
pub mod minutes;
mod sections;

pub use sections::{Before, board_report, flow_lines, flow_report, people_board, stoplight_report};

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
}

fn columns(base: &[&str], with_names: bool) -> Vec<String> {
    let mut cols: Vec<String> = base.iter().map(|c| c.to_string()).collect();
    if with_names {
        cols.splice(1..1, PERSONAL.iter().map(|c| c.to_string()));
    }
    cols
}

fn headers(cat: &Catalog, cols: &[String]) -> Vec<String> {
    cols.iter()
        .map(|c| cat.t(&format!("column.{c}")).to_string())
        .collect()
}

fn by_id(snapshot: &Snapshot) -> HashMap<i64, &Case> {
    snapshot.cases.iter().map(|c| (c.id, c)).collect()
}

/// A code with its label in the reader's language.
fn code(cat: &Catalog, kind: &str, code: &str) -> Cell {
    Cell::code(code, cat.label(kind, code))
}

/// A signal: its code for machines, symbol and word for people.
fn signal(cat: &Catalog, s: Signal) -> Cell {
    Cell::code(s.code(), signal_text(cat, s))
}

fn text_or_empty(s: &Option<String>) -> Cell {
    Cell::or_empty(s.clone(), Cell::Text)
}

fn date_or_empty(d: Option<NaiveDate>) -> Cell {
    Cell::or_empty(d, Cell::Date)
}

fn age(a: Option<i32>) -> Cell {
    Cell::or_empty(a, Cell::int)
}

/// The first cells of a row: the reference, then with names the name and
/// birth date (SPEC 7.2 puts them after `case_ref`).
fn row_start(case_ref: &str, case: Option<&Case>, with_names: bool, len: usize) -> Vec<Cell> {
    let mut cells = Vec::with_capacity(len + 2);
    cells.push(Cell::text(case_ref));
    if with_names {
        cells.push(Cell::or_empty(
            case.and_then(|c| c.name.clone()),
            Cell::Text,
        ));
        cells.push(date_or_empty(case.and_then(|c| c.birth_date)));
    }
    cells
}

/// A list document of SPEC 7.2: its title for the date, the headline
/// figures, and the rows under the spec's keys.
fn list_document<'a>(
    cat: &Catalog,
    title_key: &str,
    as_of: NaiveDate,
    cols: Vec<String>,
    rows: Rows<'a>,
    summary: Vec<(String, Cell)>,
) -> Document<'a> {
    let title = cat.fill(title_key, &[("date", as_of.to_string())]);
    let table = Table {
        title: title.clone(),
        sheet: "data".into(),
        note: None,
        headers: headers(cat, &cols),
        keys: cols,
        rows,
    };
    let mut doc = Document::list(title, as_of, cat.t("report.as_of").to_string(), table);
    doc.summary = summary;
    doc
}

fn count(label: String, n: usize) -> (String, Cell) {
    (label, Cell::int(n))
}

/// The evaluation list as of `as_of` (SPEC 1.7): every moment not held of a
/// case in care, due within 28 days or overdue. Never with names.
pub fn evaluations<'a>(
    rows: &'a [EvaluationRow],
    as_of: NaiveDate,
    o: &ExportOptions<'a>,
) -> Document<'a> {
    let cat = o.catalog;
    let mut counts = waitlist::SignalCounts::default();
    for r in rows {
        counts.add(r.signal);
    }
    let summary = vec![
        count(cat.t("report.evaluations_due").to_string(), counts.total),
        count(signal_text(cat, Signal::Green), counts.green),
        count(signal_text(cat, Signal::Orange), counts.orange),
        count(signal_text(cat, Signal::Red), counts.red),
    ];
    let cols = columns(EVALUATION_COLUMNS, false);
    let rows = Rows::lazy(rows, move |r| evaluation_cells(cat, r));
    list_document(cat, "report.evaluations_title", as_of, cols, rows, summary)
}

fn evaluation_cells(cat: &Catalog, r: &EvaluationRow) -> Vec<Cell> {
    vec![
        Cell::text(&r.case_ref),
        code(cat, "moment", r.moment.code()),
        Cell::Date(r.due_on),
        Cell::int(r.days_overdue),
        signal(cat, r.signal),
        date_or_empty(r.care_started_on),
        date_or_empty(r.planned_end_on),
        Cell::or_empty(r.care_type, |t| code(cat, "care_type", t.code())),
        text_or_empty(&r.provider),
        text_or_empty(&r.worker),
        age(r.age),
    ]
}

/// The waiting lists as of the snapshot date, one queue or all.
pub fn waitlist<'a>(
    snapshot: &'a Snapshot,
    norms: &waitlist::Norms,
    queue: Option<Queue>,
    o: &ExportOptions<'a>,
) -> Document<'a> {
    let cat = o.catalog;
    let rows = waitlist::waiting_list(snapshot, norms, queue);
    let mut summary = Vec::new();
    for s in waitlist::summarize(&rows)
        .iter()
        .filter(|s| queue.is_none_or(|q| q == s.queue))
    {
        summary.extend(queue_summary(cat, s));
    }
    let cols = columns(WAITLIST_COLUMNS, o.with_names);
    let cases = by_id(snapshot);
    let with_names = o.with_names;
    let rows = Rows::owned(rows, move |r| {
        waitlist_cells(cat, r, cases.get(&r.case_id).copied(), with_names)
    });
    list_document(
        cat,
        "report.waitlist_title",
        snapshot.as_of,
        cols,
        rows,
        summary,
    )
}

/// One queue's summary lines, each count a plain number in its own line (a
/// number cell in xlsx): gross and net by signal, red with bridging care,
/// and the gross list by age group.
fn queue_summary(cat: &Catalog, s: &waitlist::QueueSummary) -> Vec<(String, Cell)> {
    let queue = cat.label("queue", s.queue.code());
    let mut out = Vec::new();
    for (list, c) in [("report.gross", &s.gross), ("report.net", &s.net)] {
        let list = format!("{queue} — {}", cat.t(list));
        out.push(count(list.clone(), c.total));
        for (signal, n) in [
            (Signal::Green, c.green),
            (Signal::Orange, c.orange),
            (Signal::Red, c.red),
        ] {
            let word = cat.label("signal", signal.code()).to_lowercase();
            out.push(count(format!("{list}: {word}"), n));
        }
    }
    out.push(count(
        format!("{queue} — {}", cat.t("report.red_bridging_care")),
        s.red_bridging_care,
    ));
    for (group, n) in waitlist::AgeGroup::ALL.iter().zip(s.age_groups) {
        let group = cat.label("age_group", group.code()).to_string();
        let label = cat.fill("report.age_group", &[("group", group)]);
        out.push(count(format!("{queue} — {label}"), n));
    }
    out
}

fn waitlist_cells(cat: &Catalog, r: &WaitRow, case: Option<&Case>, with_names: bool) -> Vec<Cell> {
    let mut cells = row_start(&r.case_ref, case, with_names, WAITLIST_COLUMNS.len());
    let yes_no = if r.bridging_care {
        "report.yes"
    } else {
        "report.no"
    };
    cells.extend([
        code(cat, "queue", r.queue.code()),
        code(cat, "stage", r.stage.code()),
        code(cat, "urgency", r.urgency.code()),
        code(cat, "referrer", r.referrer.code()),
        Cell::or_empty(r.route, |x| code(cat, "route", x.code())),
        Cell::or_empty(r.care_type, |x| code(cat, "care_type", x.code())),
        text_or_empty(&r.provider),
        text_or_empty(&r.worker),
        Cell::Flag {
            value: r.bridging_care,
            label: cat.t(yes_no).to_string(),
        },
        Cell::Date(r.waiting_since),
        Cell::int(r.wait_days),
        Cell::int(r.norm_days),
        signal(cat, r.signal),
        age(r.age),
    ]);
    cells
}

/// A board row's cells: what it shows of the row and, with names, its case.
pub type BoardCells<'a> = Box<dyn Fn(&StoplightRow, Option<&Case>) -> Vec<Cell> + 'a>;

/// The stoplight board built as the store streams it part by part
/// (`Store::stoplight_stream`), or from one whole snapshot: each part's rows
/// are evaluated by the rules, counted, and packed as cells at once; only
/// the packed rows with their place on the board are kept, not the cases,
/// their reviews or the rows.
pub struct Board<'a> {
    preconditions: Vec<String>,
    care_norm: waitlist::Norm,
    cells: BoardCells<'a>,
    /// Colour first, most reasons first, then by reference (as
    /// `stoplight::stoplight` sorts); the reference is the rows' tie-break.
    rows: SortedRows<std::cmp::Reverse<(Signal, u32)>>,
    tally: BoardTally,
}

impl<'a> Board<'a> {
    pub fn new(
        preconditions: Vec<String>,
        care_norm: waitlist::Norm,
        cells: BoardCells<'a>,
    ) -> Self {
        Board {
            preconditions,
            care_norm,
            cells,
            rows: SortedRows::default(),
            tally: BoardTally::default(),
        }
    }

    /// The machine rows of SPEC 7.2 (CSV, JSON).
    pub fn machine(
        preconditions: &[String],
        care_norm: waitlist::Norm,
        o: &ExportOptions<'a>,
    ) -> Self {
        let (cat, with_names) = (o.catalog, o.with_names);
        let labels = StatusLabels::of(cat);
        Board::new(
            preconditions.to_vec(),
            care_norm,
            Box::new(move |r, case| stoplight_cells(cat, &labels, r, case, with_names)),
        )
    }

    /// Evaluates one part of the board and keeps its packed rows.
    pub fn add(&mut self, part: &Snapshot) -> Result<(), Msg> {
        let cases = by_id(part);
        for r in stoplight::stoplight(part, &self.preconditions, self.care_norm) {
            self.tally.add(&r);
            let cells = (self.cells)(&r, cases.get(&r.case_id).copied());
            let reasons = u32::try_from(r.reasons.len()).unwrap_or(u32::MAX);
            let place = std::cmp::Reverse((r.color, reasons));
            self.rows.push(place, &r.case_ref, &cells);
        }
        Ok(())
    }

    /// How many cases the board holds.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The counts by colour, provider and care type, and the rows in the
    /// board's order.
    pub fn finish(self) -> (StoplightAggregate, Rows<'a>) {
        (self.tally.finish(), self.rows.into_rows())
    }

    /// The board as the list document of SPEC 7.2, as of `as_of`.
    pub fn into_list(self, as_of: NaiveDate, o: &ExportOptions) -> Document<'a> {
        let cat = o.catalog;
        let (agg, rows) = self.finish();
        let cols = columns(STOPLIGHT_COLUMNS, o.with_names);
        let summary = stoplight_summary(cat, &agg);
        list_document(cat, "report.stoplight_title", as_of, cols, rows, summary)
    }
}

/// The counts of a board, without its rows (the board six weeks before).
pub fn board_tally(
    part: &Snapshot,
    preconditions: &[String],
    care_norm: waitlist::Norm,
    tally: &mut BoardTally,
) {
    for r in stoplight::stoplight(part, preconditions, care_norm) {
        tally.add(&r);
    }
}

/// The stoplight board as of the snapshot date, as machine rows for CSV and
/// JSON. The report for people (Markdown, XLSX) is [`stoplight_report`].
pub fn stoplight<'a>(
    snapshot: &Snapshot,
    preconditions: &[String],
    care_norm: waitlist::Norm,
    o: &ExportOptions<'a>,
) -> Document<'a> {
    let mut board = Board::machine(preconditions, care_norm, o);
    // Evaluating a snapshot in memory cannot fail.
    let _ = board.add(snapshot);
    board.into_list(snapshot.as_of, o)
}

fn stoplight_summary(cat: &Catalog, agg: &StoplightAggregate) -> Vec<(String, Cell)> {
    let all = &agg.all;
    let share = format!("{:.1}", all.share_red_pct);
    vec![
        count(cat.t("report.in_care").to_string(), all.total),
        count(signal_text(cat, Signal::Green), all.green),
        count(signal_text(cat, Signal::Orange), all.orange),
        count(signal_text(cat, Signal::Red), all.red),
        (
            cat.t("report.share_red").to_string(),
            Cell::Number {
                value: share.parse().unwrap_or_default(),
                shown: share,
            },
        ),
    ]
}

/// The words of the precondition statuses, looked up once per board
/// instead of once per precondition of every row (a formatted key and a
/// map lookup each: a fifth of the CSV export's instructions at 100k).
struct StatusLabels<'a>(Vec<(Status, &'a str)>);

impl<'a> StatusLabels<'a> {
    fn of(cat: &'a Catalog) -> StatusLabels<'a> {
        StatusLabels(
            Status::ALL
                .iter()
                .map(|s| (*s, cat.label("status", s.code())))
                .collect(),
        )
    }

    fn get(&self, status: Status) -> &'a str {
        self.0
            .iter()
            .find(|(s, _)| *s == status)
            .map_or(status.code(), |(_, label)| label)
    }
}

fn stoplight_cells(
    cat: &Catalog,
    labels: &StatusLabels,
    r: &StoplightRow,
    case: Option<&Case>,
    with_names: bool,
) -> Vec<Cell> {
    let mut cells = row_start(&r.case_ref, case, with_names, STOPLIGHT_COLUMNS.len());
    let reasons: Vec<String> = r
        .reasons
        .iter()
        .map(|x| cat.t(&x.label_key()).to_string())
        .collect();
    // `code: status, …`, written into one string.
    let mut criteria = String::new();
    for (i, (code, status)) in r.criteria.0.iter().enumerate() {
        if i > 0 {
            criteria.push_str(", ");
        }
        criteria.push_str(code);
        criteria.push_str(": ");
        criteria.push_str(labels.get(*status));
    }
    cells.extend([
        signal(cat, r.color),
        Cell::List {
            items: r.reasons.iter().map(|x| x.code().to_string()).collect(),
            shown: reasons.join("; "),
        },
        Cell::Pairs {
            pairs: r
                .criteria
                .0
                .iter()
                .map(|(code, status)| (code.clone(), status.code().to_string()))
                .collect(),
            shown: criteria,
        },
        date_or_empty(r.last_review_on),
        date_or_empty(r.next_review_on),
        date_or_empty(r.planned_end_on),
        date_or_empty(r.care_started_on),
        text_or_empty(&r.provider),
        Cell::or_empty(r.care_type, |x| code(cat, "care_type", x.code())),
        text_or_empty(&r.worker),
        age(r.age),
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

/// The flow over a period (SPEC 4) for every format: for people the
/// report in chapters ([`flow_report`]), for CSV one row of the scalar
/// figures (nested ones flattened), for JSON the figures as keys.
pub fn flow_document(report: &crate::domain::flow::FlowReport, cat: &Catalog) -> Document<'static> {
    let mut doc = flow_report(report, cat);
    doc.machine = Some(flow_row(report, cat));
    doc.figures = Some(flow_json(report));
    doc
}

/// The scalar flow figures as one row (CSV has one level).
fn flow_row(report: &crate::domain::flow::FlowReport, cat: &Catalog) -> Table<'static> {
    let json = serde_json::to_value(report).expect("flow serialises");
    let mut row = Map::new();
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
                }
            }
            _ => {
                row.insert(k.clone(), v.clone());
            }
        }
    }
    let keys: Vec<String> = row.keys().cloned().collect();
    Table {
        title: String::new(),
        sheet: "data".into(),
        note: None,
        headers: headers(cat, &keys),
        keys,
        rows: Rows::Ready(vec![row.values().map(Cell::from_json).collect()]),
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
    use crate::export::Format;
    use crate::store::Store;

    /// Every format of a list holds the same rows: CSV one line each,
    /// JSON one object each, Markdown one table line each.
    #[test]
    fn every_format_holds_the_same_rows() {
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
            let o = ExportOptions {
                catalog: Catalog::get(crate::present::i18n::Lang::Nl),
                with_names,
            };
            for doc in [
                waitlist(&waiting, &config.norms, None, &o),
                stoplight(&board, &codes, config.norms.care, &o),
            ] {
                assert!(doc.len() > 20, "{}", doc.len());
                let csv = String::from_utf8(doc.render(Format::Csv).unwrap()).unwrap();
                assert_eq!(csv.lines().count(), doc.len() + 1);
                let json: Value =
                    serde_json::from_slice(&doc.render(Format::Json).unwrap()).unwrap();
                assert_eq!(json["rows"].as_array().unwrap().len(), doc.len());
                let md = String::from_utf8(doc.render(Format::Md).unwrap()).unwrap();
                let lines = md.lines().filter(|l| l.starts_with("| ")).count();
                assert_eq!(lines, doc.len() + 1, "with names: {with_names}");
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
                };
                let norm = Config::default().norms.care;
                let expected = stoplight(&board, &codes, norm, &o)
                    .render(Format::Csv)
                    .unwrap();
                let mut streamed_board = Board::machine(&codes, norm, &o);
                let mut parts = 0;
                store
                    .stoplight_stream(as_of, today, part, &mut |p| {
                        parts += 1;
                        streamed_board.add(&p)
                    })
                    .unwrap();
                let streamed_doc = streamed_board.into_list(as_of, &o);
                let streamed = as_of == today && part < board.cases.len();
                assert_eq!(parts > 1, streamed, "{as_of}: {parts} parts of {part}");
                assert_eq!(
                    String::from_utf8(streamed_doc.render(Format::Csv).unwrap()).unwrap(),
                    String::from_utf8(expected).unwrap(),
                    "as of {as_of}, with names: {with_names}, parts of {part}"
                );
            }
        }
    }
}
