//! View 1: the waiting lists (SPEC 2), one table of every queue's cases with
//! their waiting signal. The rows are `domain::waitlist`'s: this view only
//! draws them.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, Wrap};

use crate::config::Config;
use crate::domain::Snapshot;
use crate::domain::waitlist::{self, WaitRow};

use super::super::app::App;
use super::cases::urgency_cell;
use super::{sym, table_rows_area};

/// The rows of every queue, in the order of SPEC 2.
pub fn waitlist_rows(snapshot: &Snapshot, config: &Config) -> Vec<WaitRow> {
    waitlist::waiting_list(snapshot, &config.norms, None)
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

/// Per queue: gross count, and the net count without bridging care where
/// they differ.
fn summary(app: &App) -> String {
    waitlist::summarize(&app.waitlist.rows)
        .iter()
        .map(|s| {
            let label = app
                .cat
                .t(&format!("tui.queue.{}", s.queue.code()))
                .to_string();
            let key = if s.gross.total == s.net.total {
                "tui.waitlist.count"
            } else {
                "tui.waitlist.count_net"
            };
            app.cat.fill(
                key,
                &[
                    ("queue", label),
                    ("gross", s.gross.total.to_string()),
                    ("net", s.net.total.to_string()),
                ],
            )
        })
        .collect::<Vec<_>>()
        .join(sym::SEPARATOR)
}

/// Rows of the evaluation list under the queues: as many as it has, up to a
/// third of the body; none outside view 1.
pub fn evaluation_height(app: &App, body_height: u16) -> u16 {
    let rows = app.waitlist.evaluations.len() as u16;
    if app.view != super::super::action::View::Waitlist || rows == 0 {
        return 0;
    }
    (rows + 3).min(body_height / 3)
}

/// The evaluation list (SPEC 1.7): each open moment with its signal, like
/// the queues' rows.
fn draw_evaluations(app: &App, frame: &mut Frame, area: Rect) {
    let (cat, t) = (app.cat, &app.theme);
    let title = cat.fill(
        "tui.waitlist.evaluations",
        &[("count", app.waitlist.evaluations.len().to_string())],
    );
    let block = Block::bordered()
        .title(Span::styled(title, t.title(false)))
        .border_style(t.border(false));
    let header = Row::new(
        [
            "tui.col.signal",
            "field.case_ref",
            "tui.col.moment",
            "tui.col.due",
            "field.worker",
        ]
        .map(|k| cat.t(k)),
    )
    .style(t.column_header());
    let rows = app.waitlist.evaluations.iter().map(|r| {
        let signal = format!("{} {}", r.signal.symbol(), cat.t(&r.signal.label_key()));
        let due = cat.fill(
            "tui.waitlist.due",
            &[
                ("date", r.due_on.to_string()),
                ("days", r.days_overdue.to_string()),
            ],
        );
        Row::new(vec![
            Cell::from(Span::styled(signal, t.lamp(r.signal))),
            Cell::from(r.case_ref.clone()),
            Cell::from(cat.label("moment", r.moment.code()).to_string()),
            Cell::from(due),
            Cell::from(
                crate::export::safe_text(r.worker.as_deref().unwrap_or_default()).into_owned(),
            ),
        ])
    });
    let widths = [
        Constraint::Length(9),
        Constraint::Length(11),
        Constraint::Length(22),
        Constraint::Length(22),
        Constraint::Fill(1),
    ];
    let table = Table::new(rows, widths)
        .header(header)
        .block(block)
        .column_spacing(1);
    frame.render_widget(table, area);
}

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let below = evaluation_height(app, area.height);
    let area = if below > 0 {
        let [top, bottom] =
            ratatui::layout::Layout::vertical([Constraint::Fill(1), Constraint::Length(below)])
                .areas(area);
        draw_evaluations(app, frame, bottom);
        top
    } else {
        area
    };
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
            .wrap(Wrap { trim: true })
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
            let signal = format!("{} {}", r.signal.symbol(), cat.t(&r.signal.label_key()));
            let wait = cat.fill(
                "tui.waitlist.days",
                &[
                    ("days", r.wait_days.to_string()),
                    ("norm", r.norm_days.to_string()),
                ],
            );
            Row::new(vec![
                Cell::from(Span::styled(signal, t.lamp(r.signal))),
                Cell::from(cat.t(&format!("tui.queue.{}", r.queue.code())).to_string()),
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
    use crate::domain::waitlist::Signal as Lamp;
    use crate::domain::{Case, Referrer, Urgency};
    use chrono::NaiveDate;

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
            .map(|r| (r.queue.code(), r.case_ref.as_str()))
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
