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
use ratatui::widgets::{Paragraph, Wrap};

use super::action::View;
use super::app::{App, Overlay};

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
    /// Bridging care while waiting for care.
    pub const BRIDGING: &str = "⊕";
    pub const SEPARATOR: &str = " · ";
}

pub fn draw(app: &App, frame: &mut Frame) {
    let area = frame.area();
    let screen = app.screen();
    if screen.too_small() || area.width < screen.width.min(40) || area.height < 10 {
        let p = Paragraph::new(app.cat.t("tui.too_small"))
            .style(app.theme.error())
            .wrap(Wrap { trim: true });
        frame.render_widget(p, area);
        return;
    }
    let a = screen.areas();
    chrome::draw_tabs(app, frame, a.tabs);
    chrome::draw_banner(app, frame, a.banner);
    match app.case_screen() {
        Some(screen) => case_screen::draw(app, screen, frame, a.body),
        None if app.waiting_for_data().is_some() => chrome::draw_busy(app, frame, a.body),
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
    // The popups in stack order: a question over its form, help over all.
    for overlay in &app.overlays {
        match overlay {
            Overlay::Form(form) => popup::draw_form(app, form, frame, area),
            Overlay::Help { scroll } => popup::draw_help(app, *scroll, frame, area),
            Overlay::Confirm(c) => popup::draw_confirm(app, c, frame, area),
            Overlay::CaseScreen(_) | Overlay::Search(_) => {}
        }
    }
}
