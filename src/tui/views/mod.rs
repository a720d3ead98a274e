//! Drawing: every view renders from the App's state, never querying the
//! store. Texts come from the catalog; colours from the theme.

pub mod case_screen;
pub mod cases;
pub mod chrome;
pub mod flow;
mod flow_panels;
pub mod meeting;
pub mod popup;
pub mod stoplight;
pub mod waitlist;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Paragraph, Wrap};

use super::action::View;
use super::app::App;

/// Smallest screen that holds the layout; below it one line says so.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 10;

/// Symbols beside text (not words, so not translated).
pub mod sym {
    pub const FOCUS: &str = "› ";
    pub const NO_FOCUS: &str = "  ";
    pub const CURSOR: &str = "▏";
    pub const CHOICE_LEFT: &str = "◂ ";
    pub const CHOICE_RIGHT: &str = " ▸";
    pub const WARNING: &str = "⚠ ";
    pub const PAST: &str = "◷ ";
    pub const URGENT: &str = "! ";
    pub const ESCALATED: &str = "⚑";
    pub const SEPARATOR: &str = " · ";
}

pub struct Areas {
    pub tabs: Rect,
    pub banner: Rect,
    pub body: Rect,
    pub status: Rect,
    pub hints: Rect,
}

pub fn areas(app: &App) -> Areas {
    let full = Rect::new(0, 0, app.width, app.height);
    let banner = if app.as_of.is_some() { 1 } else { 0 };
    let [tabs, banner, body, status, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(banner),
        Constraint::Min(0),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(full);
    Areas {
        tabs,
        banner,
        body,
        status,
        hints,
    }
}

pub fn body_area(app: &App) -> Rect {
    areas(app).body
}

/// Where the rows of a table go: inside the border, under the header row.
pub fn table_rows_area(app: &App) -> Rect {
    let b = body_area(app);
    Rect {
        x: b.x + 1,
        y: b.y + 2,
        width: b.width.saturating_sub(2),
        height: b.height.saturating_sub(3),
    }
}

pub fn too_small(app: &App) -> bool {
    app.width < MIN_WIDTH || app.height < MIN_HEIGHT
}

/// The tab labels with their screen columns.
pub fn tabs(app: &App) -> Vec<(View, String, u16, u16)> {
    let mut x = 0u16;
    View::ALL
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let label = format!(
                " {} {} ",
                i + 1,
                app.cat.t(&format!("tui.view.{}", v.code()))
            );
            let w = Span::raw(label.as_str()).width() as u16;
            let tab = (*v, label, x, x + w);
            x += w;
            tab
        })
        .collect()
}

/// The view whose tab is at `column` of the top row.
pub fn tab_at(app: &App, column: u16) -> Option<View> {
    tabs(app)
        .into_iter()
        .find(|(_, _, from, to)| (*from..*to).contains(&column))
        .map(|(v, ..)| v)
}

pub fn draw(app: &App, frame: &mut Frame) {
    let area = frame.area();
    if too_small(app) || area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let p = Paragraph::new(app.cat.t("tui.too_small"))
            .style(app.theme.error())
            .wrap(Wrap { trim: true });
        frame.render_widget(p, area);
        return;
    }
    let a = areas(app);
    chrome::draw_tabs(app, frame, a.tabs);
    chrome::draw_banner(app, frame, a.banner);
    match &app.case_screen {
        Some(screen) => case_screen::draw(app, screen, frame, a.body),
        None => match app.view {
            View::Waitlist => waitlist::draw(app, frame, a.body),
            View::Cases => cases::draw(app, frame, a.body),
            View::Flow => flow::draw(app, frame, a.body),
            View::Meeting => meeting::draw(app, frame, a.body),
            View::Stoplight => stoplight::draw(app, frame, a.body),
        },
    }
    chrome::draw_status(app, frame, a.status);
    chrome::draw_hints(app, frame, a.hints);
    if let Some(form) = &app.form {
        popup::draw_form(app, form, frame, area);
    }
    if let Some(scroll) = app.help {
        popup::draw_help(app, scroll, frame, area);
    }
}
