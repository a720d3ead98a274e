//! View 1: the waiting lists (SPEC 2), one table of every queue's cases with
//! their waiting signal.
//!
//! `waitlist_rows` is the one place that computes the rows. Until the shared
//! `crate::domain::waitlist` lands it follows SPEC 2 here; after the merge it
//! should become a thin mapping of that module's queue rows.

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table};

use crate::config::{Config, Norm};
use crate::domain::dates::days_between;
use crate::domain::{CareType, Case, Referrer, Route, Snapshot, Stage, Urgency};

use super::super::app::App;
use super::super::theme::Lamp;
use super::cases::urgency_cell;
use super::{sym, table_rows_area};

/// One case in one queue, as of the snapshot's date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitRow {
    pub case_ref: String,
    /// `intake`, `decision` or `care`.
    pub queue: &'static str,
    pub stage: Stage,
    pub urgency: Urgency,
    pub referrer: Referrer,
    pub route: Option<Route>,
    pub care_type: Option<CareType>,
    pub provider: Option<String>,
    pub worker: Option<String>,
    pub bridging_care: bool,
    pub waiting_since: NaiveDate,
    pub wait_days: i64,
    pub norm_days: u32,
    pub signal: Lamp,
    pub age: Option<i32>,
}

pub const QUEUES: [&str; 3] = ["intake", "decision", "care"];

/// The rows of every queue: intake, decision, care; within a queue urgent
/// first, then longest waiting, then case reference (SPEC 2).
pub fn waitlist_rows(snapshot: &Snapshot, config: &Config) -> Vec<WaitRow> {
    let mut rows: Vec<WaitRow> = Vec::new();
    for case in &snapshot.cases {
        let mut push = |queue, since, norm: &Norm| {
            rows.push(row(
                case,
                queue,
                since,
                norm.days(case.urgency),
                snapshot.as_of,
            ));
        };
        match case.stage {
            Stage::Referred => {
                push("intake", case.referred_on, &config.norms.intake);
                push("decision", case.referred_on, &config.norms.decision);
            }
            Stage::Intake | Stage::Triage => {
                push("decision", case.referred_on, &config.norms.decision)
            }
            Stage::Waiting => {
                let since = case.waiting_since.unwrap_or(case.stage_since);
                push("care", since, &config.norms.care);
            }
            _ => {}
        }
    }
    let queue_rank = |q: &str| QUEUES.iter().position(|x| *x == q);
    rows.sort_by(|a, b| {
        queue_rank(a.queue)
            .cmp(&queue_rank(b.queue))
            .then(b.urgency.is_urgent().cmp(&a.urgency.is_urgent()))
            .then(b.wait_days.cmp(&a.wait_days))
            .then(a.case_ref.cmp(&b.case_ref))
    });
    rows
}

fn row(case: &Case, queue: &'static str, since: NaiveDate, norm: u32, as_of: NaiveDate) -> WaitRow {
    let wait_days = days_between(since, as_of);
    let norm_i = i64::from(norm);
    let signal = if 4 * wait_days < 3 * norm_i {
        Lamp::Green
    } else if wait_days <= norm_i {
        Lamp::Orange
    } else {
        Lamp::Red
    };
    WaitRow {
        case_ref: case.case_ref.clone(),
        queue,
        stage: case.stage,
        urgency: case.urgency,
        referrer: case.referrer,
        route: case.route,
        care_type: case.care_type,
        provider: case.provider.clone(),
        worker: case.worker.clone(),
        bridging_care: case.bridging_care,
        waiting_since: since,
        wait_days,
        norm_days: norm,
        signal,
        age: case.age_on(as_of),
    }
}

/// The columns of SPEC 7.2 (no names) and the rows, for the export hook.
pub fn export_rows(rows: &[WaitRow]) -> (Vec<&'static str>, Vec<Vec<String>>) {
    let columns = vec![
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
    let opt = |s: Option<&str>| s.unwrap_or_default().to_string();
    let data = rows
        .iter()
        .map(|r| {
            vec![
                r.case_ref.clone(),
                r.queue.to_string(),
                r.stage.code().to_string(),
                r.urgency.code().to_string(),
                r.referrer.code().to_string(),
                opt(r.route.map(Route::code)),
                opt(r.care_type.map(CareType::code)),
                opt(r.provider.as_deref()),
                opt(r.worker.as_deref()),
                r.bridging_care.to_string(),
                r.waiting_since.to_string(),
                r.wait_days.to_string(),
                r.norm_days.to_string(),
                r.signal.code().to_string(),
                r.age.map(|a| a.to_string()).unwrap_or_default(),
            ]
        })
        .collect();
    (columns, data)
}

const COLUMNS: [&str; 7] = [
    "tui.col.signal",
    "tui.col.queue",
    "field.case_ref",
    "field.urgency",
    "tui.col.wait",
    "field.stage",
    "field.worker",
];

const WIDTHS: [Constraint; 7] = [
    Constraint::Length(9),
    Constraint::Length(9),
    Constraint::Length(11),
    Constraint::Length(9),
    Constraint::Length(9),
    Constraint::Length(15),
    Constraint::Fill(1),
];

/// Per queue: gross count, and for the care queue the net count without
/// bridging care.
fn summary(app: &App) -> String {
    let rows = &app.waitlist.rows;
    QUEUES
        .iter()
        .map(|q| {
            let gross = rows.iter().filter(|r| r.queue == *q).count();
            let net = rows
                .iter()
                .filter(|r| r.queue == *q && !r.bridging_care)
                .count();
            let label = app.cat.t(&format!("tui.queue.{q}")).to_string();
            let key = if gross == net {
                "tui.waitlist.count"
            } else {
                "tui.waitlist.count_net"
            };
            app.cat.fill(
                key,
                &[
                    ("queue", label),
                    ("gross", gross.to_string()),
                    ("net", net.to_string()),
                ],
            )
        })
        .collect::<Vec<_>>()
        .join(sym::SEPARATOR)
}

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let cat = app.cat;
    let t = &app.theme;
    let title = Line::from(vec![
        Span::styled(cat.t("tui.view.waitlist"), t.title(true)),
        Span::styled(sym::SEPARATOR, t.muted()),
        Span::styled(summary(app), t.text()),
    ]);
    let block = Block::bordered().title(title).border_style(t.border(true));
    let state = &app.waitlist;
    if state.rows.is_empty() {
        let p = Paragraph::new(cat.t("tui.waitlist.empty"))
            .style(t.muted())
            .block(block);
        frame.render_widget(p, area);
        return;
    }
    let height = table_rows_area(app).height as usize;
    let header = Row::new(COLUMNS.map(|k| cat.t(k))).style(t.column_header());
    let rows = state
        .rows
        .iter()
        .enumerate()
        .skip(state.scroll.offset)
        .take(height)
        .map(|(i, r)| {
            let style = if i == state.scroll.selected {
                t.selected()
            } else {
                Style::default()
            };
            let signal = format!("{} {}", r.signal.symbol(), cat.t(r.signal.label_key()));
            let wait = cat.fill(
                "tui.waitlist.days",
                &[
                    ("days", r.wait_days.to_string()),
                    ("norm", r.norm_days.to_string()),
                ],
            );
            Row::new(vec![
                Cell::from(Span::styled(signal, t.lamp(r.signal))),
                Cell::from(cat.t(&format!("tui.queue.{}", r.queue)).to_string()),
                Cell::from(r.case_ref.clone()),
                urgency_cell(app, r.urgency),
                Cell::from(wait),
                Cell::from(cat.label("stage", r.stage.code()).to_string()),
                // User text through `safe_text`: no escape sequence reaches the terminal.
                Cell::from(
                    crate::export::safe_text(r.worker.as_deref().unwrap_or_default()).into_owned(),
                ),
            ])
            .style(style)
        });
    let table = Table::new(rows, WIDTHS)
        .header(header)
        .block(block)
        .column_spacing(1);
    frame.render_widget(table, area);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case::Referral;
    use crate::domain::dates::parse_date;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn queues_signals_and_order_follow_spec_2() {
        let r = |u| Referral {
            referrer: Referrer::Gp,
            urgency: u,
            worker: None,
        };
        let old = Case::referred(1, "2026-0001", d("2026-10-01"), &r(Urgency::Regular));
        let new = Case::referred(2, "2026-0002", d("2026-11-12"), &r(Urgency::Regular));
        let urgent = Case::referred(3, "2026-0003", d("2026-11-21"), &r(Urgency::Urgent));
        let snap = Snapshot {
            as_of: d("2026-11-22"),
            cases: vec![old, new, urgent],
            reviews: Default::default(),
        };
        let rows = waitlist_rows(&snap, &Config::default());
        let order: Vec<_> = rows
            .iter()
            .map(|r| (r.queue, r.case_ref.as_str()))
            .collect();
        assert_eq!(
            order,
            [
                ("intake", "2026-0003"),
                ("intake", "2026-0001"),
                ("intake", "2026-0002"),
                ("decision", "2026-0003"),
                ("decision", "2026-0001"),
                ("decision", "2026-0002"),
            ]
        );
        // 52 days against a norm of 14: red; 10 of 14: 10*4 = 40 < 42, green.
        assert_eq!(rows[1].signal, Lamp::Red);
        assert_eq!(rows[2].wait_days, 10);
        assert_eq!(rows[2].signal, Lamp::Green);
        // 52 days against 56: orange (42 ≤ 52 ≤ 56).
        assert_eq!(rows[4].signal, Lamp::Orange);
    }
}
