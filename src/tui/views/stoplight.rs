//! View 3: the stoplight board (SPEC 3). Every case in care with its light
//! (symbol and word beside the colour), its reasons in plain words, the
//! preconditions as marks and the next review; grouped, with a summary line
//! and the selected case's full reasons under the list. The aggregate panel
//! shows SPEC 3.3 with the change since the previous six-weekly date.
//! Also the light on the case screen and the review form's preview.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::domain::six_weekly;
use crate::domain::stoplight::{ColorTally, StoplightRow};
use crate::domain::waitlist::{Signal, SignalCounts};
use crate::present;
use crate::present::i18n::Catalog;
use crate::tui::board_row::BoardRow;
use crate::tui::compact::Packed;

use super::super::app::{App, CaseScreen};
use super::super::board::{BoardState, Comparison, Entry, Grouping};
use super::super::layout::board_detail_lines;
use super::sym;
/// From this inner width on, provider and worker get columns of their own.
const WIDE: u16 = 110;
const PROVIDER_W: usize = 18;
const WORKER_W: usize = 14;
const DATE_W: usize = 10;

/// `s` cut to `w` characters (an ellipsis marks the cut), padded to `w`.
pub fn fit(s: &str, w: usize) -> String {
    let n = s.chars().count();
    if n <= w {
        format!("{s}{}", " ".repeat(w - n))
    } else if w == 0 {
        String::new()
    } else {
        let mut cut: String = s.chars().take(w - 1).collect();
        cut.push('…');
        cut
    }
}

fn width_of(s: &str) -> usize {
    s.chars().count()
}

/// "● 3  ▲ 1  ■ 0": counts by colour with their shapes.
fn symbol_counts(c: &SignalCounts) -> String {
    [
        (Signal::Green, c.green),
        (Signal::Orange, c.orange),
        (Signal::Red, c.red),
    ]
    .map(|(s, n)| format!("{} {n}", s.symbol()))
    .join("  ")
}

/// "In care: 4 · ● Green 1 · ▲ Orange 2 · ■ Red 1 · share red 25.0%";
/// narrower than that (a country's counts at 80 columns), the colours by
/// their shapes only: "In care: 190547 · ● 63575  ▲ 121548  ■ 5424 · …".
fn summary(cat: &Catalog, board: &BoardState, width: usize) -> String {
    let Some(all) = &board.all else {
        return String::new();
    };
    let worded = [
        (Signal::Green, all.green),
        (Signal::Orange, all.orange),
        (Signal::Red, all.red),
    ]
    .map(|(s, n)| format!("{} {n}", present::signal_text(cat, s)))
    .join(sym::SEPARATOR);
    let line = |counts: String| {
        cat.fill(
            "board_view.summary",
            &[
                ("total", all.total.to_string()),
                ("counts", counts),
                ("share", present::percent(cat, all.share_red_pct)),
            ],
        )
    };
    let full = line(worded);
    if width_of(&full) <= width {
        return full;
    }
    let shapes = SignalCounts {
        total: all.total,
        green: all.green,
        orange: all.orange,
        red: all.red,
    };
    line(symbol_counts(&shapes))
}

/// The columns of the board: heading and width; reasons take the rest.
struct Columns {
    light: usize,
    case: usize,
    marks: usize,
    wide: bool,
    reasons: usize,
}

impl Columns {
    fn new(cat: &Catalog, board: &BoardState, width: u16) -> Columns {
        let light = [Signal::Green, Signal::Orange, Signal::Red]
            .iter()
            .map(|s| width_of(&present::signal_text(cat, *s)))
            .chain([width_of(cat.t("board_view.col.light"))])
            .max()
            .unwrap_or(8);
        let case = board
            .rows
            .iter()
            .map(|r| width_of(&r.case_ref))
            .chain([width_of(cat.t("column.case_ref"))])
            .max()
            .unwrap_or(9);
        let marks = board
            .rows
            .first()
            .map_or(0, |r| width_of(&present::mark_row(&r.unpack().criteria)))
            .max(width_of(cat.t("board_view.col.marks")));
        let wide = width >= WIDE;
        let mut used =
            light + case + marks + DATE_W.max(width_of(cat.t("board_view.col.next"))) + 4;
        if wide {
            used += PROVIDER_W + WORKER_W + 2;
        }
        Columns {
            light,
            case,
            marks,
            wide,
            reasons: (width as usize).saturating_sub(used),
        }
    }

    fn next(&self, cat: &Catalog) -> usize {
        DATE_W.max(width_of(cat.t("board_view.col.next")))
    }

    /// One line of cells, each fitted to its column.
    fn line(&self, cat: &Catalog, cells: [&str; 7]) -> String {
        let [light, case, marks, next, provider, worker, reasons] = cells;
        let mut parts = vec![
            fit(light, self.light),
            fit(case, self.case),
            fit(marks, self.marks),
            fit(next, self.next(cat)),
        ];
        if self.wide {
            parts.push(fit(provider, PROVIDER_W));
            parts.push(fit(worker, WORKER_W));
        }
        parts.push(fit(reasons, self.reasons));
        parts.join(" ")
    }
}

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let cat = app.cat;
    let t = &app.theme;
    let board = &app.board;
    let mode = if board.panel {
        cat.t("board_view.panel_title").to_string()
    } else {
        cat.t(board.grouping.label_key()).to_string()
    };
    let mut title = vec![
        Span::styled(cat.t("tui.view.stoplight"), t.title(true)),
        Span::styled(sym::SEPARATOR, t.muted()),
        Span::styled(mode, t.text()),
    ];
    if let Some(term) = &board.search {
        title.push(Span::styled(sym::SEPARATOR, t.muted()));
        title.push(Span::styled(search_text(app, term), t.hint_key()));
    }
    if let Some(filter) = board.filter.describe(cat, sym::SEPARATOR) {
        title.push(Span::styled(sym::SEPARATOR, t.muted()));
        title.push(Span::styled(filter, t.hint_key()));
    }
    let title = Line::from(title);
    let block = Block::bordered().title(title).border_style(t.border(true));
    if board.rows.is_empty() {
        let text = cat.fill(
            "board_view.empty",
            &[("date", present::person_date(cat, app.shown_date()))],
        );
        let p = Paragraph::new(text)
            .style(t.muted())
            .wrap(Wrap { trim: true })
            .block(block);
        frame.render_widget(p, area);
        return;
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if board.panel {
        draw_panel(app, frame, inner);
        return;
    }
    let cols = Columns::new(cat, board, inner.width);
    let mut lines = vec![
        Line::styled(summary(cat, board, inner.width as usize), t.text()),
        Line::styled(
            cols.line(
                cat,
                [
                    cat.t("board_view.col.light"),
                    cat.t("column.case_ref"),
                    cat.t("board_view.col.marks"),
                    cat.t("board_view.col.next"),
                    cat.t("column.provider"),
                    cat.t("column.worker"),
                    cat.t("board_view.col.reasons"),
                ],
            ),
            t.column_header(),
        ),
    ];
    let height = app.screen().board_rows().height as usize;
    for (i, entry) in board
        .entries
        .iter()
        .enumerate()
        .skip(board.scroll.offset)
        .take(height)
    {
        lines.push(match entry {
            Entry::Group(g) => {
                let group = &board.groups[*g as usize];
                group_line(app, board.grouping, &group.label, &group.counts)
            }
            Entry::Case(r) => {
                let selected = i == board.scroll.selected;
                case_line(app, &cols, &board.rows[*r as usize].unpack(), selected)
            }
        });
    }
    let detail_lines = board_detail_lines(area.width);
    let list = Rect {
        height: inner.height.saturating_sub(detail_lines),
        ..inner
    };
    frame.render_widget(Paragraph::new(lines), list);
    let detail = Rect {
        y: inner.y + list.height,
        height: inner.height.min(detail_lines),
        ..inner
    };
    if let Some(r) = board.selected_row().map(BoardRow::unpack) {
        let r = &r;
        let text = vec![
            Line::raw(detail_text(app, r)),
            Line::raw(marks_by_name(app, r)),
        ];
        let p = Paragraph::new(text)
            .style(t.muted())
            .wrap(Wrap { trim: true });
        frame.render_widget(p, detail);
    }
}

/// The search with the field the selected case matched.
fn search_text(app: &App, term: &str) -> String {
    let field = app.board.selected_row().and_then(|r| r.matched(term));
    super::super::row_filter::search_label(app.cat, term, field)
}

fn group_line(app: &App, grouping: Grouping, label: &str, counts: &SignalCounts) -> Line<'static> {
    let t = &app.theme;
    let mut text = app.cat.fill(
        "board_view.group_line",
        &[
            ("group", label.to_string()),
            ("count", counts.total.to_string()),
        ],
    );
    // Grouped by colour the heading is the count; otherwise add the colours.
    if grouping != Grouping::Colour {
        text.push_str(sym::SEPARATOR);
        text.push_str(&symbol_counts(counts));
    }
    Line::styled(text, t.title(false))
}

fn case_line(app: &App, cols: &Columns, r: &StoplightRow, selected: bool) -> Line<'static> {
    let cat = app.cat;
    let t = &app.theme;
    let light = present::signal_text(cat, r.color);
    let reasons = reasons(app, r);
    let next = r
        .next_review_on
        .map_or(present::NONE.to_string(), |d| present::person_date(cat, d));
    let text = cols.line(
        cat,
        [
            "",
            &r.case_ref,
            &present::mark_row(&r.criteria),
            &next,
            r.provider.as_deref().unwrap_or(present::NONE),
            r.worker.as_deref().unwrap_or(present::NONE),
            &reasons,
        ],
    );
    // The light keeps its colour also on the selected row.
    let rest: String = text.chars().skip(cols.light).collect();
    let row_style = if selected {
        t.selected()
    } else {
        Style::default()
    };
    let mut light_style = t.lamp(r.color);
    if selected {
        light_style = light_style.add_modifier(ratatui::style::Modifier::REVERSED);
    }
    Line::from(vec![
        Span::styled(fit(&light, cols.light), light_style),
        Span::styled(rest, row_style),
    ])
}

/// A case's reasons in plain words; for a green case, that all is well.
fn reasons(app: &App, r: &StoplightRow) -> String {
    if r.reasons.is_empty() {
        return app.cat.t("board_view.all_well").to_string();
    }
    present::reasons_text(
        app.cat,
        &r.reasons,
        app.shown_date(),
        &app.config.preconditions,
    )
}

/// The selected case in full: reference, provider, worker and every reason.
fn detail_text(app: &App, r: &StoplightRow) -> String {
    let who = [r.provider.as_deref(), r.worker.as_deref()]
        .into_iter()
        .flatten()
        .map(str::to_string)
        .collect::<Vec<_>>();
    let mut head = r.case_ref.clone();
    for w in who {
        head.push_str(sym::SEPARATOR);
        head.push_str(&w);
    }
    format!("{head}: {}", reasons(app, r))
}

/// The selected case's marks with the precondition each stands for, so the
/// marks column needs no legend to be read: "Voorwaarden: ✓ woonplek · ✗
/// school · …".
fn marks_by_name(app: &App, r: &StoplightRow) -> String {
    let marks = r
        .criteria
        .0
        .iter()
        .map(|(code, status)| {
            format!(
                "{} {}",
                present::status_mark(*status),
                present::precondition_short(code, &app.config.preconditions, app.cat.lang)
            )
        })
        .collect::<Vec<_>>()
        .join(sym::SEPARATOR);
    app.cat.fill("board_view.detail_marks", &[("marks", marks)])
}

// ---- the aggregate panel ----

const NAME_W: usize = 24;
const NUM_W: usize = 7;

fn draw_panel(app: &App, frame: &mut Frame, area: Rect) {
    let cat = app.cat;
    let t = &app.theme;
    let Some(c) = &app.board.comparison else {
        return;
    };
    let mut lines = vec![Line::styled(
        cat.fill(
            "board_view.panel_intro",
            &[
                ("date", present::person_date(cat, app.shown_date())),
                ("previous", present::person_date(cat, c.previous_on)),
            ],
        ),
        t.text(),
    )];
    let all = &c.now.all;
    let change = six_weekly::red_change(all, Some(&c.previous.all))
        .map_or(cat.t("present.not_applicable").to_string(), |x| {
            present::points(cat, x)
        });
    lines.push(Line::styled(
        cat.fill(
            "board_view.panel_total",
            &[
                ("total", all.total.to_string()),
                ("share", present::percent(cat, all.share_red_pct)),
                ("change", change),
                ("date", present::person_date(cat, c.previous_on)),
            ],
        ),
        t.text(),
    ));
    lines.push(Line::default());
    lines.extend(tally_lines(
        app,
        c,
        cat.t("present.by_provider"),
        &c.now.by_provider,
        &c.previous.by_provider,
        |k| {
            k.clone()
                .unwrap_or_else(|| cat.t("present.no_provider").to_string())
        },
    ));
    lines.push(Line::default());
    lines.extend(tally_lines(
        app,
        c,
        cat.t("present.by_care_type"),
        &c.now.by_care_type,
        &c.previous.by_care_type,
        |k| {
            k.map_or(cat.t("present.no_care_type"), |t| {
                cat.label("care_type", t.code())
            })
            .to_string()
        },
    ));
    let p = Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((app.board.panel_scroll, 0));
    frame.render_widget(p, area);
}

/// One aggregate table: heading, column heads, the whole team, each group.
fn tally_lines<K: PartialEq>(
    app: &App,
    c: &Comparison,
    title: &str,
    now: &[ColorTally<K>],
    then: &[ColorTally<K>],
    name: impl Fn(&Option<K>) -> String,
) -> Vec<Line<'static>> {
    let cat = app.cat;
    let t = &app.theme;
    let since = cat.fill(
        "board_view.col.since",
        &[("date", present::person_date(cat, c.previous_on))],
    );
    let head = [
        fit(title, NAME_W),
        format!("{:>NUM_W$}", cat.t("present.group_total")),
        format!("{:>5}", Signal::Green.symbol()),
        format!("{:>5}", Signal::Orange.symbol()),
        format!("{:>5}", Signal::Red.symbol()),
        format!("{:>9}", cat.t("board_view.col.share_red")),
        format!("  {since}"),
    ]
    .concat();
    let mut lines = vec![Line::styled(head, t.column_header())];
    let row = |label: String, now: &ColorTally<K>, before: Option<&ColorTally<K>>| {
        let change = six_weekly::red_change(now, before)
            .map_or(cat.t("present.not_applicable").to_string(), |x| {
                present::points(cat, x)
            });
        let style = if now.red > 0 {
            t.lamp(Signal::Red)
        } else {
            t.text()
        };
        Line::from(vec![
            Span::styled(fit(&label, NAME_W), t.text()),
            Span::styled(
                format!(
                    "{:>NUM_W$}{:>5}{:>5}{:>5}",
                    now.total, now.green, now.orange, now.red
                ),
                t.text(),
            ),
            Span::styled(
                format!("{:>9}", present::percent(cat, now.share_red_pct)),
                style,
            ),
            Span::styled(format!("  {change}"), t.text()),
        ])
    };
    for tally in now {
        let before = then.iter().find(|b| b.key == tally.key);
        lines.push(row(name(&tally.key), tally, before));
    }
    lines
}

// ---- the case screen and the review form ----

/// The light of a case in care for the top of its case screen: symbol and
/// word with the reasons, then the precondition marks with their legend.
pub fn case_lines(app: &App, screen: &CaseScreen) -> Vec<Line<'static>> {
    let Some(row) = &screen.light else {
        return Vec::new();
    };
    let t = &app.theme;
    vec![
        light_line(app, "board_view.case_light", row),
        Line::styled(
            app.cat.fill(
                "board_view.case_marks",
                &[
                    ("marks", present::mark_row(&row.criteria)),
                    ("legend", present::marks_legend(app.cat)),
                ],
            ),
            t.text(),
        ),
        Line::default(),
    ]
}

/// "Stoplight ■ Red: reasons" with the light in its colour.
fn light_line(app: &App, key: &str, row: &StoplightRow) -> Line<'static> {
    let t = &app.theme;
    let text = app.cat.fill(key, &[("light", String::new())]);
    let light = present::signal_text(app.cat, row.color);
    Line::from(vec![
        Span::styled(text, t.muted()),
        Span::styled(light, t.lamp(row.color)),
        Span::styled(format!(": {}", reasons(app, row)), t.text()),
    ])
}

/// The review form's preview: the light now and after saving, each with
/// its reasons, wrapped to `width`.
pub fn preview_lines(app: &App, width: usize) -> Vec<Line<'static>> {
    let Some(p) = app.review_draft.as_ref().and_then(|d| d.preview.as_ref()) else {
        return Vec::new();
    };
    let mut lines = vec![Line::default()];
    lines.extend(wrapped(app, "board_view.preview_now", &p.before, width));
    if let Some(after) = &p.after {
        lines.extend(wrapped(app, "board_view.preview_after", after, width));
    }
    lines
}

fn wrapped(app: &App, key: &str, row: &StoplightRow, width: usize) -> Vec<Line<'static>> {
    let line = light_line(app, key, row);
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    let lead = width_of(&app.cat.fill(key, &[("light", String::new())]));
    let light = present::signal_text(app.cat, row.color);
    let mut out = Vec::new();
    let rest_width = width.saturating_sub(lead).max(10);
    for (i, part) in word_wrap(&text, width.max(lead + 10), rest_width)
        .into_iter()
        .enumerate()
    {
        if i == 0 {
            // The first part starts with the label and the light.
            let rest: String = part.chars().skip(lead + width_of(&light)).collect();
            out.push(Line::from(vec![
                line.spans[0].clone(),
                Span::styled(light.clone(), app.theme.lamp(row.color)),
                Span::styled(rest, app.theme.text()),
            ]));
        } else {
            out.push(Line::styled(
                format!("{}{part}", " ".repeat(lead)),
                app.theme.text(),
            ));
        }
    }
    out
}

/// Splits `text` at spaces into a first line of at most `first`
/// characters and further lines of at most `rest` (they get an indent).
fn word_wrap(text: &str, first: usize, rest: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split(' ') {
        let room = if lines.len() == 1 { first } else { rest };
        let current = lines.last_mut().expect("one line");
        if !current.is_empty() && width_of(current) + 1 + width_of(word) > room {
            lines.push(word.to_string());
        } else {
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_cut_with_an_ellipsis_and_padded() {
        assert_eq!(fit("woonplek ontbreekt", 8), "woonple…");
        assert_eq!(fit("ok", 4), "ok  ");
        assert_eq!(fit("x", 0), "");
    }

    #[test]
    fn words_wrap_at_spaces() {
        assert_eq!(
            word_wrap("aa bb cc dd ee", 5, 3),
            ["aa bb", "cc", "dd", "ee"]
        );
    }
}
