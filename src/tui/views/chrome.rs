//! The frame around every view: tabs, the past-date banner, the status line
//! and the hint bar (generated from the key map).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::super::app::Overlay;
use super::super::app::{App, Tone};
use super::super::keymap::{Scope, help_where, writes};
use super::super::layout::tabs;
use super::sym;
use crate::present;

pub fn draw_tabs(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let mut spans: Vec<Span> = tabs(app.cat)
        .into_iter()
        .map(|(v, label, ..)| Span::styled(label, t.tab(v == app.view)))
        .collect();
    let used: usize = spans.iter().map(Span::width).sum();
    let room = (area.width as usize).saturating_sub(used);
    // The date with its word when it fits, else the bare date.
    let full = app
        .cat
        .fill("tui.header.today", &[("date", app.today.to_string())]);
    let date = [full, present::person_date(app.cat, app.today)]
        .into_iter()
        .find(|d| Span::raw(d.as_str()).width() < room);
    if let Some(date) = date {
        let w = Span::raw(date.as_str()).width();
        spans.push(Span::raw(" ".repeat(room - w)));
        spans.push(Span::styled(date, t.muted()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

pub fn draw_banner(app: &App, frame: &mut Frame, area: Rect) {
    let Some(d) = app.as_of else {
        return;
    };
    let text = format!(
        "{}{}",
        sym::PAST,
        app.cat.fill("tui.banner.past", &[("date", d.to_string())])
    );
    frame.render_widget(Paragraph::new(text).style(app.theme.past()), area);
}

pub fn draw_status(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let line = if let Some(Overlay::Search(input)) = app.overlays.last() {
        let mut spans = vec![
            Span::styled(app.cat.t("tui.search.prompt"), t.hint_key()),
            Span::raw(" "),
        ];
        spans.extend(super::popup::input_spans(app, input, true, None));
        Line::from(spans)
    } else if let Some(n) = &app.notice {
        let (style, prefix) = match n.tone {
            Tone::Error => (t.error(), sym::WARNING),
            Tone::Success => (t.success(), ""),
            Tone::Info => (t.text(), ""),
        };
        Line::from(Span::styled(
            // A notice may quote user text (a provider, a pasted reference).
            format!(
                "{prefix}{}",
                crate::export::safe_text(&app.cat.render(&n.msg))
            ),
            style,
        ))
    } else if let Some(busy) = app.busy() {
        Line::from(Span::styled(busy_text(app, busy), t.muted()))
    } else {
        Line::default()
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// "bezig…", with how far when the load says so.
fn busy_text(app: &App, busy: crate::tui::worker::loads::Busy) -> String {
    match busy.total {
        Some(total) if total > 0 => app.cat.fill(
            "tui.worker.progress",
            &[
                ("done", busy.done.to_string()),
                ("total", total.to_string()),
            ],
        ),
        _ => app.cat.t("tui.worker.busy").to_string(),
    }
}

/// The body of a view whose first load has not arrived: "bezig…" where
/// the rows will be, instead of an empty list that would say "none".
pub fn draw_busy(app: &App, frame: &mut Frame, area: Rect) {
    let Some(busy) = app.waiting_for_data() else {
        return;
    };
    let inner = Rect {
        x: area.x + 2,
        y: area.y + 1,
        width: area.width.saturating_sub(4),
        height: area.height.saturating_sub(1),
    };
    let line = Line::from(Span::styled(busy_text(app, busy), app.theme.muted()));
    frame.render_widget(Paragraph::new(line), inner);
}

pub fn draw_hints(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    // The keys of the place the user is in come first; help and quit (the
    // global scope, last) always stay: when the line is too narrow, the
    // hints before them give way, from the end.
    let mut hints: Vec<(String, &str, bool)> = Vec::new();
    let scopes = app.scopes();
    // Looking back, or with a role that may only read, only what can be
    // done is offered.
    let read_only = app.as_of.is_some() || !app.store.may_write();
    // A form, a search or a question has one scope of its own: its keys
    // give way from the end too, rather than run off the screen's edge.
    for scope in &scopes {
        let global = *scope == Scope::Global;
        for h in help_where(*scope, true, |a| !(read_only && writes(a))) {
            hints.push((h.keys, app.cat.t(h.help), global));
        }
    }
    let width = |hs: &[(String, &str, bool)]| -> usize {
        hs.iter()
            .map(|(k, text, _)| k.chars().count() + 1 + text.chars().count() + 2)
            .sum::<usize>()
    };
    while width(&hints) > usize::from(area.width) + 2 {
        match hints.iter().rposition(|h| !h.2) {
            Some(i) => {
                hints.remove(i);
            }
            None => break,
        }
    }
    let mut spans = Vec::new();
    for (keys, text, _) in hints {
        if !spans.is_empty() {
            spans.push(Span::raw("  "));
        }
        spans.push(Span::styled(keys, t.hint_key()));
        spans.push(Span::raw(" "));
        spans.push(Span::styled(text, t.hint_text()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
