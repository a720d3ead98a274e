//! Where everything goes on screen, computed in one pure place from the
//! screen size alone. The state asks this module (never a view) how many
//! rows fit; the views draw into the same rectangles. So views import the
//! state and the layout, the state imports only the layout.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Span;

use crate::present::i18n::Catalog;

use super::action::View;

/// Smallest screen that holds the layout; below it one line says so.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 10;

/// The stoplight board: lines under the list for the selected case's
/// reasons and its preconditions by name, wrapped; a narrow screen needs
/// more lines for the same words.
pub fn board_detail_lines(width: u16) -> u16 {
    if width < 110 { 4 } else { 3 }
}
/// The stoplight board: above the rows inside the border, the summary line
/// and the column heads.
pub const BOARD_ABOVE_ROWS: u16 = 2;
/// Width of the agenda list of the case review view: narrow screens get
/// the short section names, wide ones the full names uncut.
pub fn agenda_width(width: u16) -> u16 {
    if width >= 110 { 42 } else { 33 }
}
/// The waiting lists: lines above the rows inside the border (the queue
/// bar with counts, the column heads).
pub const WAITLIST_ABOVE_ROWS: u16 = 2;

/// The size of the screen and whether the past-date banner takes a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Screen {
    pub width: u16,
    pub height: u16,
    pub past: bool,
}

pub struct Areas {
    pub tabs: Rect,
    pub banner: Rect,
    pub body: Rect,
    pub status: Rect,
    pub hints: Rect,
}

impl Screen {
    pub fn too_small(self) -> bool {
        self.width < MIN_WIDTH || self.height < MIN_HEIGHT
    }

    pub fn areas(self) -> Areas {
        let full = Rect::new(0, 0, self.width, self.height);
        let banner = u16::from(self.past);
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

    pub fn body(self) -> Rect {
        self.areas().body
    }

    /// Where the rows of a bordered table go: inside the border, under the
    /// header row (the case list).
    pub fn table_rows(self) -> Rect {
        let b = self.body();
        Rect {
            x: b.x + 1,
            y: b.y + 2,
            width: b.width.saturating_sub(2),
            height: b.height.saturating_sub(3),
        }
    }

    /// The waiting lists' rows: under the queue bar and the column heads.
    pub fn waitlist_rows(self) -> Rect {
        let b = self.body();
        Rect {
            x: b.x + 1,
            y: b.y + 1 + WAITLIST_ABOVE_ROWS,
            width: b.width.saturating_sub(2),
            height: b.height.saturating_sub(2 + WAITLIST_ABOVE_ROWS),
        }
    }

    /// The board's rows (inside the border, under the summary and the
    /// column heads, above the detail lines).
    pub fn board_rows(self) -> Rect {
        let b = self.body();
        Rect {
            x: b.x + 1,
            y: b.y + 1 + BOARD_ABOVE_ROWS,
            width: b.width.saturating_sub(2),
            height: b
                .height
                .saturating_sub(2 + BOARD_ABOVE_ROWS + board_detail_lines(self.width)),
        }
    }

    /// The agenda's rows: inside the border, left, under the header.
    pub fn agenda_rows(self) -> Rect {
        let b = self.body();
        Rect {
            x: b.x + 1,
            y: b.y + 2,
            width: agenda_width(self.width).min(b.width.saturating_sub(2)),
            height: b.height.saturating_sub(3),
        }
    }

    /// Lines the help popup shows at once (inside its border).
    pub fn help_page(self) -> u16 {
        self.height.saturating_sub(4).max(1)
    }
}

/// The tab labels with their screen columns.
pub fn tabs(cat: &Catalog) -> Vec<(View, String, u16, u16)> {
    let mut x = 0u16;
    View::ALL
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let label = format!(" {} {} ", i + 1, cat.t(&format!("tui.view.{}", v.code())));
            let w = Span::raw(label.as_str()).width() as u16;
            let tab = (*v, label, x, x + w);
            x += w;
            tab
        })
        .collect()
}

/// The view whose tab is at `column` of the top row.
pub fn tab_at(cat: &Catalog, column: u16) -> Option<View> {
    tabs(cat)
        .into_iter()
        .find(|(_, _, from, to)| (*from..*to).contains(&column))
        .map(|(v, ..)| v)
}
