//! The Case review view (5): the agenda of the weekly meeting on the left,
//! with a mark beside every case decided on; on the right why the selected
//! case is on the agenda and the facts the team needs to decide.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::domain::agenda::AgendaItem;
use crate::domain::{Signal, Status};

use super::super::app::App;
use super::super::meeting::Facts;
use super::super::theme::{Lamp, Theme};
use super::flow::fit;
use super::sym;

use super::super::layout::AGENDA_WIDTH as LIST_WIDTH;
/// Label column of the facts.
const LABEL_WIDTH: usize = 17;
/// Beside a case decided on in this meeting.
const DECIDED: &str = "✓ ";
const OPEN: &str = "  ";

fn lamp(s: Signal) -> Lamp {
    match s {
        Signal::Green => Lamp::Green,
        Signal::Orange => Lamp::Orange,
        Signal::Red => Lamp::Red,
    }
}

/// A signal with its shape and word, in its colour.
fn signal_span(app: &App, s: Signal, extra: &str) -> Span<'static> {
    let l = lamp(s);
    Span::styled(
        format!("{} {}{extra}", l.symbol(), app.cat.t(&l.label_key())),
        app.theme.lamp(l),
    )
}

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let cat = app.cat;
    let t = &app.theme;
    let state = &app.meeting;
    let (done, total) = state.progress();
    let title = cat.fill(
        "meeting_view.title",
        &[
            ("date", app.meeting_on().to_string()),
            ("done", done.to_string()),
            ("total", total.to_string()),
        ],
    );
    let block = Block::bordered()
        .title(Span::styled(title, t.title(true)))
        .border_style(t.border(true));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if state.items().is_empty() {
        let text = cat.fill(
            "meeting_view.empty",
            &[("date", app.meeting_on().to_string())],
        );
        frame.render_widget(
            Paragraph::new(text)
                .style(t.muted())
                .wrap(Wrap { trim: true }),
            inner,
        );
        return;
    }
    let [left, right] =
        Layout::horizontal([Constraint::Length(LIST_WIDTH), Constraint::Min(0)]).areas(inner);
    draw_list(app, frame, left);
    let right = Rect {
        x: right.x.saturating_add(1).min(right.right()),
        width: right.width.saturating_sub(1),
        ..right
    };
    if let (Some(item), Some(facts)) = (state.selected(), &state.facts) {
        let lines = fact_lines(app, item, facts);
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), right);
    }
}

fn draw_list(app: &App, frame: &mut Frame, area: Rect) {
    let cat = app.cat;
    let t = &app.theme;
    let state = &app.meeting;
    let width = area.width as usize;
    let mut lines = vec![Line::styled(
        format!(
            "{OPEN}{:<11}{}",
            cat.t("meeting_view.col_case"),
            cat.t("meeting_view.col_section")
        ),
        t.column_header(),
    )];
    let height = app.screen().agenda_rows().height as usize;
    for (i, item) in state
        .items()
        .iter()
        .enumerate()
        .skip(state.scroll.offset)
        .take(height)
    {
        let mark = if state.decided(item.case_id) > 0 {
            DECIDED
        } else {
            OPEN
        };
        let text = format!(
            "{mark}{:<11}{}",
            item.case_ref,
            cat.label("section", item.section.code())
        );
        let text = fit(&text, width);
        let style = if i == state.scroll.selected {
            t.selected()
        } else if mark == DECIDED {
            t.success()
        } else {
            t.text()
        };
        lines.push(Line::styled(format!("{text:<width$}"), style));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn row(t: &Theme, label: &str, value: Vec<Span<'static>>) -> Line<'static> {
    let label: String = label.chars().take(LABEL_WIDTH - 1).collect();
    let mut spans = vec![Span::styled(format!("{label:<LABEL_WIDTH$}"), t.muted())];
    spans.extend(value);
    Line::from(spans)
}

fn text(t: &Theme, s: impl Into<String>) -> Vec<Span<'static>> {
    vec![Span::styled(s.into(), t.text())]
}

/// Why the case is on the agenda, then the facts to decide on.
fn fact_lines(app: &App, item: &AgendaItem, f: &Facts) -> Vec<Line<'static>> {
    let cat = app.cat;
    let t = &app.theme;
    let c = &f.case;
    let none = || cat.t("tui.none").to_string();
    let mut lines = vec![Line::styled(
        format!(
            "{}{}{}",
            item.case_ref,
            sym::SEPARATOR,
            cat.label("section", item.section.code())
        ),
        t.title(false),
    )];
    // A case in triage is there for its section alone: a route is due.
    let why = app
        .meeting
        .minutes
        .as_ref()
        .map(|m| m.reasons_text(cat, item))
        .filter(|w| !w.is_empty())
        .unwrap_or_else(|| cat.label("section", item.section.code()).to_string());
    lines.push(Line::from(vec![
        Span::styled(format!("{} ", cat.t("meeting_view.why")), t.hint_key()),
        Span::styled(why, t.text()),
    ]));
    lines.push(row(
        t,
        cat.t("field.stage"),
        text(
            t,
            cat.fill(
                "meeting_view.stage_since",
                &[
                    ("stage", c.stage.code().to_string()),
                    ("date", c.stage_since.to_string()),
                ],
            ),
        ),
    ));
    for w in &f.waits {
        let days = cat.fill(
            "tui.waitlist.days",
            &[
                ("days", w.wait_days.to_string()),
                ("norm", w.norm_days.to_string()),
            ],
        );
        lines.push(row(
            t,
            cat.label("queue", w.queue.code()),
            vec![signal_span(app, w.signal, &format!("  {days}"))],
        ));
    }
    if let Some(light) = &f.light {
        lines.push(row(
            t,
            cat.t("meeting_view.stoplight"),
            vec![signal_span(app, light.color, "")],
        ));
        for status in [Status::Missing, Status::Partial] {
            let names: Vec<String> = light
                .criteria
                .with(status)
                .iter()
                .map(|code| precondition_label(app, code))
                .collect();
            if !names.is_empty() {
                lines.push(row(
                    t,
                    cat.label("status", status.code()),
                    text(t, names.join(", ")),
                ));
            }
        }
        let next = light
            .next_review_on
            .map(|d| d.to_string())
            .unwrap_or_else(none);
        lines.push(row(t, cat.t("meeting_view.next_review"), text(t, next)));
    }
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(none);
    let end = c.planned_end_on.map(|d| d.to_string()).unwrap_or_else(none);
    let care_type = c
        .care_type
        .map(|x| cat.label("care_type", x.code()).to_string())
        .unwrap_or_else(none);
    lines.push(row(t, cat.t("meeting_view.planned_end"), text(t, end)));
    lines.push(row(t, cat.t("field.care_type"), text(t, care_type)));
    lines.push(row(t, cat.t("field.provider"), text(t, opt(&c.provider))));
    lines.push(row(t, cat.t("field.worker"), text(t, opt(&c.worker))));
    lines.push(Line::styled(
        cat.t("meeting_view.decisions").to_string(),
        t.title(false),
    ));
    if f.decisions.is_empty() {
        lines.push(Line::styled(format!("  {}", none()), t.muted()));
    }
    for (on, d) in &f.decisions {
        let mut s = format!("  {on}  {}", d.text);
        if let Some(o) = &d.owner {
            s.push_str(&cat.fill("meeting_view.owner", &[("owner", o.clone())]));
        }
        let style = if *on == app.meeting_on() {
            t.success()
        } else {
            Style::default()
        };
        lines.push(Line::styled(s, style));
    }
    lines
}

fn precondition_label(app: &App, code: &str) -> String {
    app.config
        .preconditions
        .iter()
        .find(|p| p.code == code)
        .map(|p| p.label(app.lang).to_string())
        .unwrap_or_else(|| code.to_string())
}
