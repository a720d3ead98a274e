//! Popups over the view: forms and help.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::super::app::{App, Confirm};
use super::super::forms::{Field, Form, Input, Label};
use super::super::keymap::{HELP_KEYS_WIDTH, HELP_WIDTH, help_sections};
use super::sym;

/// Room a choice needs after its label: focus mark, space and
/// "◂ Being arranged ▸".
const LONGEST_VALUE: usize = 22;

/// `s` cut to `w` characters, an ellipsis marking the cut.
fn cut(s: &str, w: usize) -> String {
    if s.chars().count() <= w {
        return s.to_string();
    }
    let mut out: String = s.chars().take(w.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A rectangle of at most `width`×`height`, centred in `area`.
fn centred(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

pub fn draw_form(app: &App, form: &Form, frame: &mut Frame, area: Rect) {
    let cat = app.cat;
    let t = &app.theme;
    let label_of = |l: &Label| match l {
        Label::Key(k) => cat.t(k).to_string(),
        Label::Text(s) => s.clone(),
    };
    let width = 72.min(area.width.saturating_sub(2));
    let inner_w = width.saturating_sub(2).max(1) as usize;
    // Long labels (configured preconditions) may take what the widest
    // choice leaves; beyond that they are cut.
    let label_w = form
        .fields
        .iter()
        .map(|f| Span::raw(label_of(&f.label)).width())
        .max()
        .unwrap_or(0)
        .min(26.max(inner_w.saturating_sub(LONGEST_VALUE)));
    let mut lines: Vec<Line> = Vec::new();
    for (i, f) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        let value = match &f.input {
            Input::Choice {
                kind,
                options,
                index,
                none_key,
            } => {
                let shown = match options.get(*index).and_then(|o| o.as_deref()) {
                    Some(code) if kind.is_empty() => code.to_string(),
                    Some(code) => cat.label(kind, code).to_string(),
                    None => cat.t(none_key).to_string(),
                };
                format!("{}{shown}{}", sym::CHOICE_LEFT, sym::CHOICE_RIGHT)
            }
            _ => String::new(),
        };
        let value_style = if focused { t.field_focus() } else { t.text() };
        let label = cut(&label_of(&f.label), label_w);
        let mut spans = vec![
            Span::styled(
                if focused { sym::FOCUS } else { sym::NO_FOCUS },
                t.hint_key(),
            ),
            Span::styled(format!("{label:<label_w$} "), t.muted()),
        ];
        if f.is_choice() {
            spans.push(Span::styled(value, value_style));
        } else {
            spans.extend(input_spans(app, &f.value, focused, Some(f)));
        }
        lines.push(Line::from(spans));
        if let Some(e) = &f.error {
            lines.push(Line::styled(
                format!("    {}{}", sym::WARNING, cat.render(e)),
                t.error(),
            ));
        }
    }
    lines.extend(super::stoplight::preview_lines(app, inner_w));
    let mut extra = 0;
    lines.push(Line::default());
    lines.push(Line::styled(
        cat.fill(
            "tui.form.where",
            &[
                ("field", (form.focus + 1).to_string()),
                ("fields", form.fields.len().to_string()),
            ],
        ),
        t.muted(),
    ));
    if let Some(p) = &form.problem {
        let text = format!("{}{}", sym::WARNING, cat.render(p));
        extra = Span::raw(text.as_str()).width() / inner_w + 1;
        lines.push(Line::default());
        lines.push(Line::styled(text, t.error()));
    }
    let height = (lines.len() + extra + 2) as u16;
    let rect = centred(area, width, height);
    let block = Block::bordered()
        .title(Span::styled(cat.render(&form.title), t.title(true)))
        .border_style(t.border(true));
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        rect,
    );
}

/// A text line with its cursor (when focused) and, after the cursor, the
/// offered suggestion greyed.
pub fn input_spans(
    app: &App,
    input: &tui_input::Input,
    focused: bool,
    field: Option<&Field>,
) -> Vec<Span<'static>> {
    let t = &app.theme;
    let value = input.value();
    if !focused {
        return vec![Span::styled(
            crate::export::safe_text(value).into_owned(),
            t.text(),
        )];
    }
    let at = input.cursor();
    let before: String = value.chars().take(at).collect();
    let after: String = value.chars().skip(at).collect();
    let mut spans = vec![
        Span::styled(
            crate::export::safe_text(&before).into_owned(),
            t.field_focus(),
        ),
        Span::styled(sym::CURSOR, t.hint_key()),
        Span::styled(
            crate::export::safe_text(&after).into_owned(),
            t.field_focus(),
        ),
    ];
    if let Some(s) = field.and_then(Field::suggestion) {
        let rest: String = s.chars().skip(value.trim().chars().count()).collect();
        spans.push(Span::styled(
            crate::export::safe_text(&rest).into_owned(),
            t.muted(),
        ));
        spans.push(Span::styled(
            format!("  {}", app.cat.t("tui.form.suggestion")),
            t.muted(),
        ));
    }
    spans
}

/// A yes/no question over its form.
pub fn draw_confirm(app: &App, c: &Confirm, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let text = app.cat.render(&c.question);
    let width = 60.min(area.width.saturating_sub(4));
    let inner = width.saturating_sub(2).max(1) as usize;
    let height = (Span::raw(text.as_str()).width() / inner + 1 + 4) as u16;
    let rect = centred(area, width, height);
    let lines = vec![
        Line::styled(text, t.text()),
        Line::default(),
        Line::styled(app.cat.t("tui.confirm.keys"), t.hint_key()),
    ];
    let block = Block::bordered()
        .title(Span::styled(app.cat.t("tui.confirm.title"), t.title(true)))
        .border_style(t.border(true));
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        rect,
    );
}

pub fn draw_help(app: &App, scroll: u16, frame: &mut Frame, area: Rect) {
    let cat = app.cat;
    let t = &app.theme;
    let mut lines: Vec<Line> = Vec::new();
    for (scope, entries) in help_sections(app.store.may_write()) {
        if !lines.is_empty() {
            lines.push(Line::default());
        }
        lines.push(Line::styled(cat.t(scope.title_key()), t.title(false)));
        for h in entries {
            lines.push(Line::from(vec![
                Span::styled(
                    format!("  {:<w$}", h.keys, w = HELP_KEYS_WIDTH),
                    t.hint_key(),
                ),
                Span::styled(cat.t(h.help), t.text()),
            ]));
        }
    }
    let rect = centred(area, HELP_WIDTH, area.height.saturating_sub(2));
    let block = Block::bordered()
        .title(Span::styled(cat.t("tui.help.title"), t.title(true)))
        .border_style(t.border(true));
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block).scroll((scroll, 0)), rect);
}
