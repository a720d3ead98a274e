//! Views whose rules are being written elsewhere: one sentence on what
//! will come.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::super::action::View;
use super::super::app::App;

pub fn draw(app: &App, view: View, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let title = app.cat.t(&format!("tui.view.{}", view.code())).to_string();
    let block = Block::bordered()
        .title(title)
        .title_style(t.title(true))
        .border_style(t.border(true));
    let text = app
        .cat
        .t(&format!("tui.placeholder.{}", view.code()))
        .to_string();
    let p = Paragraph::new(text)
        .style(t.muted())
        .wrap(Wrap { trim: true })
        .block(block);
    frame.render_widget(p, area);
}
