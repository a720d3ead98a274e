//! Colours by meaning, never by name in the views. A colour is always paired
//! with a symbol or word, so that nothing depends on seeing colour alone.

use ratatui::style::{Color, Modifier, Style};

/// A traffic-light signal (waiting signal or stoplight colour).
/// The traffic light of the waiting lists and the stoplight.
pub use crate::domain::waitlist::Signal as Lamp;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Palette {
    text: Color,
    muted: Color,
    accent: Color,
    accent_text: Color,
    selection_bg: Color,
    selection_text: Color,
    past_bg: Color,
    past_text: Color,
    error: Color,
    success: Color,
    green: Color,
    orange: Color,
    red: Color,
}

const DARK: Palette = Palette {
    text: Color::Gray,
    muted: Color::DarkGray,
    accent: Color::Cyan,
    accent_text: Color::Black,
    selection_bg: Color::Blue,
    selection_text: Color::White,
    past_bg: Color::Magenta,
    past_text: Color::White,
    error: Color::LightRed,
    success: Color::LightGreen,
    green: Color::LightGreen,
    orange: Color::Yellow,
    red: Color::LightRed,
};

const LIGHT: Palette = Palette {
    text: Color::Black,
    muted: Color::DarkGray,
    accent: Color::Blue,
    accent_text: Color::White,
    selection_bg: Color::LightBlue,
    selection_text: Color::Black,
    past_bg: Color::LightMagenta,
    past_text: Color::Black,
    error: Color::Red,
    success: Color::Green,
    green: Color::Green,
    orange: Color::Rgb(190, 110, 0),
    red: Color::Red,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    p: Palette,
}

impl Theme {
    /// The theme named in the config: "light", anything else dark.
    pub fn named(name: &str) -> Theme {
        let p = if name.trim().eq_ignore_ascii_case("light") {
            LIGHT
        } else {
            DARK
        };
        Theme { p }
    }

    pub fn text(&self) -> Style {
        Style::new().fg(self.p.text)
    }

    pub fn muted(&self) -> Style {
        Style::new().fg(self.p.muted)
    }

    /// The `i`th series of a chart. Views pair it with a symbol or letter
    /// per series, so the colour only helps.
    pub fn series(&self, i: usize) -> Style {
        const SERIES: [Color; 6] = [
            Color::Cyan,
            Color::Magenta,
            Color::Yellow,
            Color::Green,
            Color::Blue,
            Color::Red,
        ];
        Style::new().fg(SERIES[i % SERIES.len()])
    }

    pub fn tab(&self, active: bool) -> Style {
        if active {
            Style::new()
                .fg(self.p.accent_text)
                .bg(self.p.accent)
                .add_modifier(Modifier::BOLD)
        } else {
            self.text()
        }
    }

    pub fn title(&self, focused: bool) -> Style {
        let s = Style::new().add_modifier(Modifier::BOLD);
        if focused {
            s.fg(self.p.accent)
        } else {
            s.fg(self.p.text)
        }
    }

    pub fn border(&self, focused: bool) -> Style {
        Style::new().fg(if focused { self.p.accent } else { self.p.muted })
    }

    pub fn column_header(&self) -> Style {
        Style::new()
            .fg(self.p.text)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    pub fn selected(&self) -> Style {
        Style::new()
            .fg(self.p.selection_text)
            .bg(self.p.selection_bg)
            .add_modifier(Modifier::BOLD)
    }

    /// The banner that says the screen shows a past date.
    pub fn past(&self) -> Style {
        Style::new()
            .fg(self.p.past_text)
            .bg(self.p.past_bg)
            .add_modifier(Modifier::BOLD)
    }

    pub fn error(&self) -> Style {
        Style::new().fg(self.p.error).add_modifier(Modifier::BOLD)
    }

    pub fn success(&self) -> Style {
        Style::new().fg(self.p.success)
    }

    pub fn urgent(&self) -> Style {
        Style::new().fg(self.p.red).add_modifier(Modifier::BOLD)
    }

    pub fn hint_key(&self) -> Style {
        Style::new().fg(self.p.accent).add_modifier(Modifier::BOLD)
    }

    pub fn hint_text(&self) -> Style {
        self.muted()
    }

    pub fn field_focus(&self) -> Style {
        Style::new()
            .fg(self.p.accent)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    pub fn lamp(&self, lamp: Lamp) -> Style {
        let fg = match lamp {
            Lamp::Green => self.p.green,
            Lamp::Orange => self.p.orange,
            Lamp::Red => self.p.red,
        };
        Style::new().fg(fg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn light_and_dark_differ_and_unknown_names_are_dark() {
        assert_ne!(Theme::named("light"), Theme::named("dark"));
        assert_eq!(Theme::named("solarized"), Theme::named("dark"));
        let symbols: Vec<_> = [Lamp::Green, Lamp::Orange, Lamp::Red]
            .iter()
            .map(|l| l.symbol())
            .collect();
        assert_eq!(symbols, ["●", "▲", "■"]);
    }
}
