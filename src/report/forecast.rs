//! The forecast document (SPEC 4.1, 7.2): per queue its cleared dates and
//! per waiting case when it is expected to be seen, for machines (JSON,
//! CSV) and for people (Markdown).

use chrono::NaiveDate;
use serde_json::{Value, json};

use crate::domain::Snapshot;
use crate::domain::forecast::{self, ForecastRow, QueueForecast, Runs};
use crate::domain::waitlist::{self, Norms, Queue};
use crate::export::{Cell, Document, Rows, Table, generated_at};
use crate::present;
use crate::present::i18n::Catalog;

/// The columns of a forecast row (SPEC 7.2), in order.
pub const FORECAST_COLUMNS: &[&str] = &[
    "case_ref",
    "queue",
    "urgency",
    "waiting_since",
    "wait_days",
    "norm_days",
    "position",
    "p50_on",
    "p85_on",
    "within_norm",
];

/// Every queue's forecast (or one queue's) as of the snapshot date.
#[derive(Debug, Clone)]
pub struct Forecast {
    pub as_of: NaiveDate,
    pub runs: Runs,
    pub queues: Vec<QueueForecast>,
    pub rows: Vec<ForecastRow>,
}

impl Forecast {
    /// A waiting case's expected turn in one queue ("verwacht aan de beurt
    /// p50 – p85"), from the same run as every other case's: what a waiting
    /// row of view 1 shows. None when the case does not wait in that queue.
    pub fn expected(&self, case_id: i64, queue: Queue) -> Option<&ForecastRow> {
        self.rows
            .iter()
            .find(|r| r.case_id == case_id && r.queue == queue)
    }

    /// A queue's cleared dates (the whole current list served).
    pub fn queue(&self, queue: Queue) -> Option<&QueueForecast> {
        self.queues.iter().find(|q| q.queue == queue)
    }
}

/// Runs the simulation for each asked queue: `history` from
/// `Store::queue_history`, the waiting cases from the snapshot.
pub fn forecast(
    snapshot: &Snapshot,
    history: &[(Queue, Vec<u32>)],
    norms: &Norms,
    queue: Option<Queue>,
    runs: Runs,
) -> Forecast {
    let mut out = Forecast {
        as_of: snapshot.as_of,
        runs,
        queues: Vec::new(),
        rows: Vec::new(),
    };
    for (q, daily) in history
        .iter()
        .filter(|(q, _)| queue.is_none_or(|x| x == *q))
    {
        let waiting = waitlist::waiting_list(snapshot, norms, Some(*q));
        let (summary, rows) = forecast::forecast(*q, daily, &waiting, snapshot.as_of, runs);
        out.queues.push(summary);
        out.rows.extend(rows);
    }
    out
}

/// The note of a queue without throughput (one sentence), None otherwise.
pub fn note(cat: &Catalog, q: &QueueForecast) -> Option<String> {
    q.without_throughput().then(|| {
        cat.fill(
            "forecast.no_throughput",
            &[
                ("queue", cat.label("queue", q.queue.code()).to_string()),
                ("days", q.history_days.to_string()),
            ],
        )
    })
}

/// A column's header for people.
fn header(cat: &Catalog, column: &str) -> String {
    match column {
        "position" | "p50_on" | "p85_on" | "within_norm" => {
            cat.t(&format!("forecast.col_{column}")).to_string()
        }
        _ => cat.t(&format!("column.{column}")).to_string(),
    }
}

/// The JSON document of SPEC 7.2.
pub fn to_json(f: &Forecast, cat: &Catalog) -> Value {
    let queues: Vec<Value> = f
        .queues
        .iter()
        .map(|q| {
            let mut v = serde_json::to_value(q).expect("queue forecast serialises");
            if let Value::Object(map) = &mut v {
                map.insert(
                    "note".into(),
                    note(cat, q).map_or(Value::Null, Value::String),
                );
            }
            v
        })
        .collect();
    json!({
        "as_of": f.as_of.to_string(),
        "generated_at": generated_at(),
        "runs": f.runs.runs,
        "seed": f.runs.seed,
        "queues": queues,
        "rows": f.rows,
    })
}

/// The forecast for every format: for people the queues in sentences and
/// every case ([`to_report`]); CSV the rows under the spec's keys; JSON the
/// queues and the rows ([`to_json`]).
pub fn document(f: &Forecast, cat: &Catalog) -> Document<'static> {
    let keys: Vec<String> = FORECAST_COLUMNS.iter().map(|c| c.to_string()).collect();
    let rows: Vec<Vec<Cell>> = f
        .rows
        .iter()
        .map(|r| match serde_json::to_value(r) {
            Ok(Value::Object(map)) => keys
                .iter()
                .map(|k| map.get(k).map_or(Cell::Empty, Cell::from_json))
                .collect(),
            _ => Vec::new(),
        })
        .collect();
    let mut doc = to_report(f, cat);
    doc.machine = Some(Table {
        title: String::new(),
        sheet: "data".into(),
        note: None,
        headers: keys.iter().map(|c| header(cat, c)).collect(),
        keys,
        rows: rows.into(),
    });
    doc.figures = Some(to_json(f, cat));
    doc
}

/// One sentence per queue: how many wait and when the list is served.
pub fn queue_sentence(cat: &Catalog, q: &QueueForecast) -> String {
    if let Some(note) = note(cat, q) {
        return note;
    }
    let label = cat.label("queue", q.queue.code()).to_string();
    match (q.cleared_p50_on, q.cleared_p85_on) {
        _ if q.waiting == 0 => cat.fill("forecast.queue_empty", &[("queue", label)]),
        (Some(p50), Some(p85)) => cat.fill(
            "forecast.queue_cleared",
            &[
                ("queue", label),
                ("waiting", q.waiting.to_string()),
                ("p50", present::date(p50)),
                ("p85", present::date(p85)),
            ],
        ),
        (Some(p50), None) => cat.fill(
            "forecast.queue_cleared_p50",
            &[
                ("queue", label),
                ("waiting", q.waiting.to_string()),
                ("p50", present::date(p50)),
            ],
        ),
        _ => cat.fill(
            "forecast.queue_beyond",
            &[("queue", label), ("waiting", q.waiting.to_string())],
        ),
    }
}

/// "12-01-2027 – 30-01-2027", or "–" for an open date.
pub fn expected_span(p50: Option<NaiveDate>, p85: Option<NaiveDate>) -> String {
    let d = |x: Option<NaiveDate>| x.map_or_else(|| present::NONE.to_string(), present::date);
    format!("{} – {}", d(p50), d(p85))
}

/// The forecast for people: the queues in sentences, then every case.
pub fn to_report(f: &Forecast, cat: &Catalog) -> Document<'static> {
    let mut lines: Vec<String> = f.queues.iter().map(|q| queue_sentence(cat, q)).collect();
    lines.push(cat.fill(
        "forecast.method",
        &[
            ("runs", f.runs.runs.to_string()),
            ("seed", f.runs.seed.to_string()),
            ("days", forecast::HISTORY_DAYS.to_string()),
        ],
    ));
    let rows: Vec<Vec<Cell>> = f
        .rows
        .iter()
        .map(|r| {
            vec![
                Cell::text(&r.case_ref),
                Cell::text(cat.label("queue", r.queue.code())),
                Cell::text(cat.label("urgency", r.urgency.code())),
                Cell::text(present::date(r.waiting_since)),
                Cell::int(r.wait_days),
                Cell::int(r.norm_days),
                Cell::int(r.position as i64),
                Cell::text(expected_span(r.p50_on, r.p85_on)),
                r.within_norm.map_or_else(
                    || Cell::text(present::NONE),
                    |w| Cell::Number {
                        value: w,
                        shown: present::percent(cat, w * 100.0),
                    },
                ),
            ]
        })
        .collect();
    let mut headers: Vec<String> = FORECAST_COLUMNS[..7]
        .iter()
        .map(|c| header(cat, c))
        .collect();
    headers.push(cat.t("forecast.expected").to_string());
    headers.push(header(cat, "within_norm"));
    let title = cat.fill("forecast.title", &[("date", present::date(f.as_of))]);
    let mut doc = Document::chapters(title, f.as_of, cat.t("present.summary").to_string());
    doc.lines = lines;
    doc.tables = vec![Table {
        title: cat.t("forecast.cases").to_string(),
        sheet: cat.t("forecast.cases").to_string(),
        note: None,
        keys: Vec::new(),
        headers,
        rows: Rows::Ready(rows),
    }];
    doc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case::Referral;
    use crate::domain::dates::parse_date;
    use crate::domain::{Case, Referrer, Urgency};

    /// One run answers both a row's "p50 – p85" and its queue's cleared
    /// dates: with two exits a day, the cases at positions 1–2 are served
    /// on day 1 and 3 on day 2, which is when the list is cleared.
    #[test]
    fn each_waiting_case_and_its_queue_from_one_run() {
        let as_of = parse_date("2026-11-22").unwrap();
        let referral = Referral {
            referrer: Referrer::Gp,
            urgency: Urgency::Regular,
            worker: None,
        };
        let cases: Vec<Case> = (1..=3)
            .map(|i| {
                let on = as_of - chrono::Days::new(10 * i as u64);
                Case::referred(i, &format!("C{i}"), on, &referral)
            })
            .collect();
        let snapshot = Snapshot {
            as_of,
            cases,
            reviews: Default::default(),
        };
        let history: Vec<(Queue, Vec<u32>)> = Queue::ALL
            .iter()
            .map(|&q| (q, vec![2; crate::domain::forecast::HISTORY_DAYS]))
            .collect();
        let norms = crate::context::config::Config::default().norms;
        let runs = Runs { runs: 50, seed: 1 };
        let f = forecast(&snapshot, &history, &norms, Some(Queue::Intake), runs);
        let day = |n: u64| Some(as_of + chrono::Days::new(n));
        // The longest waiting (C3) is first.
        let first = f.expected(3, Queue::Intake).unwrap();
        assert_eq!(
            (first.position, first.p50_on, first.p85_on),
            (1, day(1), day(1))
        );
        let last = f.expected(1, Queue::Intake).unwrap();
        assert_eq!(
            (last.position, last.p50_on, last.p85_on),
            (3, day(2), day(2))
        );
        assert!(f.expected(1, Queue::Care).is_none());
        assert!(f.expected(9, Queue::Intake).is_none());
        let q = f.queue(Queue::Intake).unwrap();
        assert_eq!((q.cleared_p50_on, q.cleared_p85_on), (day(2), day(2)));
        assert!(f.queue(Queue::Care).is_none());
    }
}
