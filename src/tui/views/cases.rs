//! View 2: every case, a page at a time, with its filters in the title.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, Wrap};

use crate::domain::{Case, Urgency};

use super::super::app::App;
use super::sym;

const COLUMNS: [&str; 7] = [
    "column.case_ref",
    "field.stage",
    "field.urgency",
    "field.worker",
    "tui.col.provider",
    "tui.col.referred",
    "tui.col.age",
];

/// Fixed columns (reference with its mark, stage, urgency, referred on,
/// age); coordinator and provider share the rest, so neither crowds the
/// other out, and each is cut with an ellipsis.
const FIXED: [u16; 5] = [10, 14, 9, 10, 8];

/// The widths of the seven columns at inner width `width`.
fn widths(width: u16) -> [u16; 7] {
    let [case, stage, urgency, referred, age] = FIXED;
    let used = FIXED.iter().sum::<u16>() + 6;
    let rest = width.saturating_sub(used);
    let worker = rest - rest / 2;
    [case, stage, urgency, worker, rest / 2, referred, age]
}

/// The filters in words, for the title.
fn filter_line(app: &App) -> Vec<String> {
    let cat = app.cat;
    let f = &app.cases.filter;
    let mut parts = Vec::new();
    if let Some(s) = f.state {
        parts.push(cat.label("case_state", s.code()).to_string());
    }
    if let Some(s) = f.stage {
        parts.push(cat.fill("tui.filter.stage", &[("stage", s.code().to_string())]));
    }
    if let Some(w) = &f.worker {
        parts.push(cat.fill("tui.filter.worker", &[("worker", shown(w))]));
    }
    if let Some(p) = &f.provider {
        parts.push(cat.fill("tui.filter.provider", &[("provider", shown(p))]));
    }
    if let Some(s) = &f.search {
        parts.push(cat.fill("tui.filter.search", &[("text", shown(s))]));
    }
    parts
}

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let cat = app.cat;
    let t = &app.theme;
    let list = &app.cases;
    // While the list for a new filter is on its way, the rows shown are
    // the old filter's: no count or position is claimed for them.
    let pending = app.cases_pending();
    let count = match pending {
        true => cat.t("tui.worker.busy").to_string(),
        false => list.total_label(),
    };
    let mut title = vec![Span::styled(
        cat.fill("tui.cases.title", &[("count", count)]),
        t.title(true),
    )];
    for part in filter_line(app) {
        title.push(Span::styled(sym::SEPARATOR, t.muted()));
        title.push(Span::styled(part, t.hint_key()));
    }
    let position = if list.total > 0 && !pending {
        cat.fill(
            "tui.position",
            &[
                ("n", (list.scroll.selected + 1).to_string()),
                ("total", list.total_label()),
            ],
        )
    } else {
        String::new()
    };
    let block = Block::bordered()
        .title(Line::from(title))
        .title_top(Line::from(Span::styled(position, t.muted())).right_aligned())
        .border_style(t.border(true));
    if list.total == 0 {
        // Not "none" before the list arrives: it is being counted.
        let key = if pending {
            "tui.worker.busy"
        } else if list.filter.is_empty() {
            "tui.cases.empty"
        } else if list.filter == super::super::case_list::opening_filter() {
            "tui.cases.none_open"
        } else {
            "tui.cases.none_match"
        };
        frame.render_widget(
            Paragraph::new(cat.t(key))
                .style(t.muted())
                .wrap(Wrap { trim: true })
                .block(block),
            area,
        );
        return;
    }
    let w = widths(area.width.saturating_sub(2));
    let header = Row::new(COLUMNS.iter().zip(w).map(|(k, w)| {
        super::stoplight::fit(cat.t(k), w as usize)
            .trim_end()
            .to_string()
    }))
    .style(t.column_header());
    let height = app.table_height();
    let rows = list.visible(height).into_iter().map(|(i, c)| {
        let style = if i == list.scroll.selected {
            t.selected()
        } else {
            Style::default()
        };
        row(app, c, w).style(style)
    });
    let table = Table::new(rows, w.map(Constraint::Length))
        .header(header)
        .block(block)
        .column_spacing(1);
    frame.render_widget(table, area);
}

fn row<'a>(app: &'a App, c: &'a Case, w: [u16; 7]) -> Row<'a> {
    let cut = |s: String, i: usize| {
        super::stoplight::fit(&s, w[i] as usize)
            .trim_end()
            .to_string()
    };
    let cat = app.cat;
    let none = || cat.t("tui.none").to_string();
    let mut case_ref = c.case_ref.clone();
    if c.escalated {
        case_ref.push_str(sym::ESCALATED);
    }
    Row::new(vec![
        Cell::from(case_ref),
        Cell::from(cat.label("stage", c.stage.code())),
        urgency_cell(app, c.urgency),
        // User text through `safe_text`: no escape sequence reaches the terminal.
        Cell::from(cut(c.worker.as_deref().map(shown).unwrap_or_else(none), 3)),
        Cell::from(cut(
            c.provider.as_deref().map(shown).unwrap_or_else(none),
            4,
        )),
        Cell::from(crate::present::person_date(cat, c.referred_on)),
        Cell::from(
            c.age_on(app.shown_date())
                .map(|a| a.to_string())
                .unwrap_or_default(),
        ),
    ])
}

/// Urgent cases stand out by colour and by a mark.
pub fn urgency_cell(app: &App, u: Urgency) -> Cell<'static> {
    let label = app.cat.label("urgency", u.code()).to_string();
    if u.is_urgent() {
        Cell::from(Span::styled(
            format!("{}{label}", sym::URGENT),
            app.theme.urgent(),
        ))
    } else {
        Cell::from(label)
    }
}

/// Stored user text as it may be drawn.
fn shown(s: &str) -> String {
    crate::export::safe_text(s).into_owned()
}
