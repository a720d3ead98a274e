//! The meeting view (5): the agenda of the weekly case review or of the
//! stoplight round on the left, with a mark beside every case discussed; on
//! the right, clearly apart, why the selected case is on the agenda (as of
//! the start of the day), how it stands now, and what the meeting recorded.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::domain::agenda::{AgendaItem, Kind, Section};
use crate::domain::{Signal, Status};
use crate::report::minutes::{self, people_date};

use super::super::app::App;
use super::super::meeting::{Facts, MIN_REFS};
use super::super::theme::{Lamp, Theme};
use super::flow::fit;
use super::sym;

use super::super::layout::agenda_width;
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
    let mut kind = cat.label(Kind::KIND, state.kind().code()).to_string();
    if let Some(p) = state
        .agenda
        .as_ref()
        .and_then(|a| a.meeting.provider.as_ref())
    {
        kind.push_str(&cat.fill("meeting.with_provider", &[("provider", p.clone())]));
    }
    let narrowed: Vec<String> = [
        state.search.as_ref().map(|term| {
            let field = state.selected().and_then(|i| {
                super::super::waitlist::matched(
                    &i.case_ref,
                    i.worker.as_deref(),
                    i.provider.as_deref(),
                    term,
                )
            });
            super::super::row_filter::search_label(cat, term, field)
        }),
        state.filter.describe(cat, super::sym::SEPARATOR),
    ]
    .into_iter()
    .flatten()
    .collect();
    let head = |key: &str| {
        cat.fill(
            key,
            &[
                ("kind", kind.clone()),
                ("date", people_date(app.meeting_on())),
                ("done", done.to_string()),
                ("total", total.to_string()),
            ],
        )
    };
    // The title fits inside the border: the short progress first, then
    // an ellipsis where the rest must be cut.
    let room = usize::from(area.width.saturating_sub(2));
    let full = head("meeting_view.title");
    let title = if title_width(&full, &narrowed) <= room {
        full
    } else {
        head("meeting_view.title_short")
    };
    let block = Block::bordered()
        .title(title_line(t, title, narrowed, room))
        .border_style(t.border(true));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if state.listed_len() == 0 {
        let text = cat.fill(
            "meeting_view.empty",
            &[("date", people_date(app.meeting_on()))],
        );
        frame.render_widget(
            Paragraph::new(text)
                .style(t.muted())
                .wrap(Wrap { trim: true }),
            inner,
        );
        return;
    }
    let [left, right] = Layout::horizontal([
        Constraint::Length(agenda_width(area.width)),
        Constraint::Min(0),
    ])
    .areas(inner);
    draw_list(app, frame, left);
    let right = Rect {
        x: right.x.saturating_add(1).min(right.right()),
        width: right.width.saturating_sub(1),
        ..right
    };
    if let (Some(item), Some(facts)) = (state.selected(), &state.facts) {
        let lines = fact_lines(app, &item.unpack(), facts);
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), right);
    }
}

fn draw_list(app: &App, frame: &mut Frame, area: Rect) {
    let cat = app.cat;
    let t = &app.theme;
    let state = &app.meeting;
    let width = area.width as usize;
    // The longest reference sets the column, but never more than half
    // the list (a reference may be 64 characters): a longer one is cut.
    let refs = state.ref_width().min(width / 2).max(MIN_REFS);
    let mut lines = vec![Line::styled(
        format!(
            "{OPEN}{:<refs$}{}",
            fit(cat.t("meeting_view.col_case"), refs - 1),
            cat.t("meeting_view.col_section")
        ),
        t.column_header(),
    )];
    let height = app.screen().agenda_rows().height as usize;
    for (i, item) in state
        .listed_items()
        .enumerate()
        .skip(state.scroll.offset)
        .take(height)
    {
        let mark = if state.discussed(item.case_id) {
            DECIDED
        } else {
            OPEN
        };
        let text = format!(
            "{mark}{:<refs$}{}",
            fit(&item.case_ref, refs - 1),
            section_label(app, item.section, width < LONG_LIST)
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

/// The section in the list: the colour of the stoplight round with its
/// shape, so colour is never the only signal.
/// From this list width on, the agenda shows the full section names.
const LONG_LIST: usize = 40;

fn section_label(app: &App, section: Section, short: bool) -> String {
    let label = if short {
        app.cat
            .t(&format!("section_short.{}", section.code()))
            .to_string()
    } else {
        app.cat.label(Section::KIND, section.code()).to_string()
    };
    match section {
        Section::Red => format!("{} {label}", Signal::Red.symbol()),
        Section::Orange => format!("{} {label}", Signal::Orange.symbol()),
        Section::Green => format!("{} {label}", Signal::Green.symbol()),
        _ => label.to_string(),
    }
}

fn heading(t: &Theme, text: String) -> Line<'static> {
    Line::styled(text, t.title(false))
}

fn title_width(head: &str, parts: &[String]) -> usize {
    let sep = sym::SEPARATOR.chars().count();
    head.chars().count() + parts.iter().map(|p| sep + p.chars().count()).sum::<usize>()
}

/// The view's title with what narrows the agenda, cut with an ellipsis
/// to `room` characters.
fn title_line(t: &Theme, head: String, parts: Vec<String>, room: usize) -> Line<'static> {
    let mut spans = Vec::new();
    let mut left = room;
    let mut push = |text: &str, style: Style, spans: &mut Vec<Span<'static>>| {
        if left == 0 {
            return;
        }
        let cut = fit(text, left);
        left = left.saturating_sub(cut.chars().count());
        if !cut.is_empty() {
            spans.push(Span::styled(cut, style));
        }
    };
    push(&head, t.title(true), &mut spans);
    for part in parts {
        push(sym::SEPARATOR, t.muted(), &mut spans);
        push(&part, t.hint_key(), &mut spans);
    }
    Line::from(spans)
}

/// Three parts, labelled apart: why the case is on the agenda as of the
/// start of the day, how it stands now, and what the meeting recorded.
fn fact_lines(app: &App, item: &AgendaItem, f: &Facts) -> Vec<Line<'static>> {
    let cat = app.cat;
    let t = &app.theme;
    let on = app.meeting_on();
    let mut lines = vec![heading(
        t,
        format!(
            "{}{}{}",
            item.case_ref,
            sym::SEPARATOR,
            section_label(app, item.section, false)
        ),
    )];
    // A future meeting's agenda is prepared from today's state, not from
    // the start of its day: the label says which state it shows.
    let why = if on > app.today {
        cat.fill(
            "meeting_view.why_prepared",
            &[("date", people_date(app.today))],
        )
    } else {
        let start = crate::domain::agenda::start_of(on);
        cat.fill("meeting_view.why", &[("date", people_date(start))])
    };
    lines.push(Line::styled(why, t.hint_key()));
    let why = minutes::reasons_text(cat, item, on, &app.config.preconditions);
    if !why.is_empty() {
        lines.push(Line::styled(format!("  {why}"), t.text()));
    }
    lines.push(Line::styled(
        format!("  {}", minutes::facts_text(cat, item)),
        t.muted(),
    ));
    lines.push(heading(t, cat.t("meeting_view.now").to_string()));
    now_lines(app, f, &mut lines);
    lines.push(heading(t, cat.t("meeting_view.recorded").to_string()));
    recorded_lines(app, item.case_id, &mut lines);
    lines.push(heading(t, cat.t("meeting_view.decisions").to_string()));
    let none = || cat.t("tui.none").to_string();
    let earlier: Vec<_> = f.decisions.iter().filter(|(d, _)| *d != on).collect();
    if earlier.is_empty() {
        lines.push(Line::styled(format!("  {}", none()), t.muted()));
    }
    for (d_on, d) in earlier {
        let mut s = format!("  {}  {}", people_date(*d_on), d.text);
        if let Some(o) = &d.owner {
            s.push_str(&cat.fill("meeting_view.owner", &[("owner", o.clone())]));
        }
        if let Some(fu) = d.follow_up_on {
            s.push_str(&cat.fill("meeting_view.follow_up", &[("date", people_date(fu))]));
        }
        lines.push(Line::styled(s, Style::default()));
    }
    lines
}

/// The case as it stands now: stage, waits, light, preconditions, care.
fn now_lines(app: &App, f: &Facts, lines: &mut Vec<Line<'static>>) {
    let cat = app.cat;
    let t = &app.theme;
    let c = &f.case;
    let none = || cat.t("tui.none").to_string();
    lines.push(row(
        t,
        cat.t("field.stage"),
        text(
            t,
            cat.fill(
                "meeting_view.stage_since",
                &[
                    ("stage", c.stage.code().to_string()),
                    ("date", people_date(c.stage_since)),
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
        let next = light.next_review_on.map(people_date).unwrap_or_else(none);
        lines.push(row(t, cat.t("meeting_view.next_review"), text(t, next)));
    }
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(none);
    let end = c.planned_end_on.map(people_date).unwrap_or_else(none);
    let care_type = c
        .care_type
        .map(|x| cat.label("care_type", x.code()).to_string())
        .unwrap_or_else(none);
    lines.push(row(t, cat.t("meeting_view.planned_end"), text(t, end)));
    lines.push(row(t, cat.t("field.care_type"), text(t, care_type)));
    lines.push(row(t, cat.t("field.provider"), text(t, opt(&c.provider))));
    lines.push(row(t, cat.t("field.worker"), text(t, opt(&c.worker))));
}

/// What the meeting recorded for the case on its date.
fn recorded_lines(app: &App, case_id: i64, lines: &mut Vec<Line<'static>>) {
    let cat = app.cat;
    let t = &app.theme;
    let records = &app.meeting.records;
    let before = lines.len();
    for d in records.decisions_of(case_id) {
        let mut s = format!(
            "  {}",
            cat.fill("meeting.decision", &[("text", d.text.clone())])
        );
        if let Some(o) = &d.owner {
            s.push_str(&cat.fill("meeting_view.owner", &[("owner", o.clone())]));
        }
        if let Some(fu) = d.follow_up_on {
            s.push_str(&cat.fill("meeting_view.follow_up", &[("date", people_date(fu))]));
        }
        lines.push(Line::styled(s, t.success()));
    }
    for to in records.moves_of(case_id).flatten() {
        let what = cat.fill("meeting.moved_to", &[("stage", to.code().to_string())]);
        lines.push(Line::styled(
            format!("  {}", cat.fill("meeting.moved_line", &[("what", what)])),
            t.success(),
        ));
    }
    for (before, after) in records.reviews_of(case_id) {
        let word = |s: Signal| format!("{} {}", s.symbol(), cat.label("signal", s.code()));
        lines.push(Line::styled(
            format!(
                "  {}",
                cat.fill(
                    "meeting.reviewed_line",
                    &[("before", word(before)), ("after", word(after))]
                )
            ),
            t.success(),
        ));
    }
    if lines.len() == before {
        lines.push(Line::styled(
            format!("  {}", cat.t("meeting_view.recorded_none")),
            t.muted(),
        ));
    }
}

fn precondition_label(app: &App, code: &str) -> String {
    app.config
        .preconditions
        .iter()
        .find(|p| p.code == code)
        .map(|p| p.label(app.lang).to_string())
        .unwrap_or_else(|| code.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(line: &Line) -> String {
        line.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn the_title_is_cut_with_an_ellipsis_to_its_room() {
        let t = Theme::named("default");
        let parts = vec!["zoek 'kramer'".to_string()];
        let head = "Stoplichtronde met Horizon 07-12-2026".to_string();
        let whole = text(&title_line(&t, head.clone(), parts.clone(), 80));
        assert_eq!(whole, format!("{head} · zoek 'kramer'"));
        let cut = text(&title_line(&t, head.clone(), parts.clone(), 45));
        assert_eq!(cut.chars().count(), 45);
        assert!(cut.ends_with('…'), "{cut}");
        // Nothing past the room, even when the room ends at a part.
        let at_part = head.chars().count() + 3;
        let exact = text(&title_line(&t, head.clone(), parts, at_part));
        assert_eq!(exact.chars().count(), at_part, "{exact}");
        assert_eq!(title_width(&head, &[]), head.chars().count());
    }
}
