//! View 1: the waiting lists (SPEC 2), one table of every queue's cases with
//! their waiting signal, and after them the evaluation list (SPEC 1.7) with
//! each moment's signal. The rows are the domain's: this view only draws
//! them.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::domain::evaluation::EvaluationRow;
use crate::domain::waitlist::{Queue, WaitRow};
use crate::present::{NONE, person_date};

use super::super::app::App;
use super::super::compact::Packed;
use super::super::waitlist::{EvaluationCounts, Kind, Line as Entry, Section};
use super::super::worker::loads::LoadKey;
use super::stoplight::fit;
use super::sym;

/// From this inner width on, provider, care type, referrer and waiting-since
/// get columns of their own.
const WIDE: u16 = 110;

/// A column: heading key and width (0: takes the rest).
struct Column {
    head: &'static str,
    width: usize,
}

fn columns(app: &App, width: u16) -> Vec<Column> {
    // A reference is never cut: its column is as wide as the widest.
    let case_w = case_width(app);
    let mut cols = vec![
        Column {
            head: "tui.col.signal",
            width: 8,
        },
        Column {
            head: "column.case_ref",
            width: case_w,
        },
        Column {
            head: "tui.col.bridging",
            width: 2,
        },
        Column {
            head: "field.urgency",
            width: 9,
        },
        Column {
            head: "tui.col.wait",
            width: 10,
        },
        Column {
            head: "field.stage",
            width: 14,
        },
    ];
    if width >= WIDE {
        cols.extend([
            Column {
                head: "tui.col.since",
                width: 10,
            },
            Column {
                head: "field.referrer",
                width: 12,
            },
            Column {
                head: "field.care_type",
                width: 16,
            },
            Column {
                head: "field.provider",
                width: 18,
            },
        ]);
    }
    cols.push(Column {
        head: "field.worker",
        width: 0,
    });
    let used: usize = cols.iter().map(|c| c.width + 1).sum();
    if let Some(last) = cols.last_mut() {
        last.width = (width as usize).saturating_sub(used).max(4);
    }
    cols
}

/// A reference is never cut: its column is as wide as the widest, in the
/// queues and the evaluation list alike (so the two line up).
fn case_width(app: &App) -> usize {
    app.waitlist
        .ref_width
        .max(app.cat.t("column.case_ref").chars().count())
}

/// The evaluation list's columns: signal, case, moment, due date, days
/// over or until due, and (wide) care type, provider and planned end.
fn moment_columns(app: &App, width: u16) -> Vec<Column> {
    let col = |head, width| Column { head, width };
    let mut cols = vec![
        col("tui.col.signal", 8),
        col("column.case_ref", case_width(app)),
        col("tui.col.moment", 6),
        col("tui.evaluations.due", 10),
        col("tui.evaluations.term", 14),
    ];
    if width >= WIDE {
        cols.extend([
            col("field.care_type", 16),
            col("field.provider", 18),
            col("tui.evaluations.planned_end", 10),
        ]);
    }
    cols.push(col("field.worker", 0));
    let used: usize = cols.iter().map(|c| c.width + 1).sum();
    if let Some(last) = cols.last_mut() {
        last.width = (width as usize).saturating_sub(used).max(4);
    }
    cols
}

/// "12 d te laat", "vandaag", "nog 5 d".
fn term(app: &App, days_overdue: i64) -> String {
    let cat = app.cat;
    match days_overdue {
        0 => cat.t("tui.evaluations.today").to_string(),
        d if d > 0 => cat.fill("tui.evaluations.late", &[("days", d.to_string())]),
        d => cat.fill("tui.evaluations.until", &[("days", (-d).to_string())]),
    }
}

fn moment_cells(app: &App, m: &EvaluationRow, wide: bool) -> Vec<String> {
    let cat = app.cat;
    let none = || cat.t("tui.none").to_string();
    let shown = |v: &Option<String>| {
        v.as_deref()
            .map(|s| crate::export::safe_text(s).into_owned())
            .unwrap_or_else(none)
    };
    let mut cells = vec![
        format!("{} {}", m.signal.symbol(), cat.t(&m.signal.label_key())),
        m.case_ref.clone(),
        cat.t(&format!("tui.evaluations.moment.{}", m.moment.code()))
            .to_string(),
        crate::present::person_date(cat, m.due_on),
        term(app, m.days_overdue),
    ];
    if wide {
        cells.extend([
            m.care_type
                .map_or_else(none, |t| cat.label("care_type", t.code()).to_string()),
            shown(&m.provider),
            m.planned_end_on
                .map_or_else(none, |d| crate::present::person_date(cat, d)),
        ]);
    }
    cells.push(shown(&m.worker));
    cells
}

fn cells_line(cols: &[Column], cells: &[String]) -> String {
    cols.iter()
        .zip(cells)
        .map(|(c, v)| fit(v, c.width))
        .collect::<Vec<_>>()
        .join(" ")
}

fn row_cells(app: &App, r: &WaitRow, wide: bool) -> Vec<String> {
    let cat = app.cat;
    let none = || cat.t("tui.none").to_string();
    let shown = |v: &Option<String>| {
        v.as_deref()
            .map(|s| crate::export::safe_text(s).into_owned())
            .unwrap_or_else(none)
    };
    let urgency = cat.label("urgency", r.urgency.code());
    let urgency = if r.urgency.is_urgent() {
        format!("{}{urgency}", sym::URGENT)
    } else {
        urgency.to_string()
    };
    let mut cells = vec![
        format!("{} {}", r.signal.symbol(), cat.t(&r.signal.label_key())),
        r.case_ref.clone(),
        if r.bridging_care { sym::BRIDGING } else { "" }.to_string(),
        urgency,
        cat.fill(
            "tui.waitlist.days",
            &[
                ("days", r.wait_days.to_string()),
                ("norm", r.norm_days.to_string()),
            ],
        ),
        cat.label("stage", r.stage.code()).to_string(),
    ];
    if wide {
        cells.extend([
            crate::present::person_date(cat, r.waiting_since),
            cat.label("referrer", r.referrer.code()).to_string(),
            r.care_type
                .map_or_else(none, |t| cat.label("care_type", t.code()).to_string()),
            shown(&r.provider),
        ]);
    }
    cells.push(shown(&r.worker));
    cells
}

/// "12-01-2027 – 30-01-2027" (p50 – p85), dates as the rest of the screen
/// writes them (ISO in English); "–" for a p85 beyond the horizon.
fn span(app: &App, p50: chrono::NaiveDate, p85: Option<chrono::NaiveDate>) -> String {
    let p85 = p85.map_or_else(|| NONE.to_string(), |d| person_date(app.cat, d));
    format!("{} – {p85}", person_date(app.cat, p50))
}

/// The selected waiting case's expected turn, "verwacht aan de beurt:
/// 12-01-2027 – 30-01-2027" (the forecast of today; none looking back),
/// or "verwachting wordt berekend…" while the worker computes it. None
/// when the forecast has no date for it (a queue nobody left lately).
pub fn expected_line(app: &App) -> Option<String> {
    if app.as_of.is_some() {
        return None;
    }
    let row = app.waitlist.selected_row()?;
    let cat = app.cat;
    let Some(forecast) = &app.forecast else {
        return app
            .loader
            .busy(LoadKey::Forecast)
            .map(|_| cat.t("forecast.view_busy").to_string());
    };
    let expected = forecast.expected(row.case_id, row.queue)?;
    Some(cat.fill(
        "forecast.view_line",
        &[("span", span(app, expected.p50_on, expected.p85_on))],
    ))
}

/// "lijst weggewerkt: 12-01-2027 – 30-01-2027": when the queue's whole
/// current list is expected to be served (today only, when there is a
/// date). Not beside a searched or filtered heading: its counts are of the
/// rows shown, the date is of the whole list.
pub fn cleared_line(app: &App, queue: Queue) -> Option<String> {
    let state = &app.waitlist;
    if app.as_of.is_some() || state.search.is_some() || !state.filter.is_empty() {
        return None;
    }
    let q = app.forecast.as_ref()?.queue(queue)?;
    if q.waiting == 0 || q.without_throughput() {
        return None;
    }
    let p50 = q.cleared_p50_on?;
    Some(app.cat.fill(
        "forecast.view_cleared",
        &[("span", span(app, p50, q.cleared_p85_on))],
    ))
}

/// `base`, with `extra` after a separator when the two fit in `width`
/// (a date range is never cut).
fn with_if_fits(base: String, extra: Option<String>, width: usize) -> String {
    match extra {
        Some(extra) => {
            let whole = format!("{base}{}{extra}", sym::SEPARATOR);
            if whole.chars().count() <= width {
                whole
            } else {
                base
            }
        }
        None => base,
    }
}

/// "Intake · 23 wachtend · netto 23 · 5 boven de norm · langst 61 d", or
/// "Evaluaties · 14 op de lijst · 5 oranje · 3 rood · oudste 40 d te laat";
/// a queue's cleared dates after it where `width` allows.
fn heading(app: &App, s: &Section, width: usize) -> String {
    let cat = app.cat;
    match &s.kind {
        Kind::Queue(summary) => {
            let oldest = summary
                .longest_wait_days
                .map_or_else(|| cat.t("tui.none").to_string(), |d| format!("{d} d"));
            let base = cat.fill(
                "tui.waitlist.section",
                &[
                    ("queue", cat.t(&s.name_key()).to_string()),
                    ("gross", summary.gross.total.to_string()),
                    ("net", summary.net.total.to_string()),
                    ("over", summary.gross.red.to_string()),
                    ("oldest", oldest),
                ],
            );
            with_if_fits(base, cleared_line(app, summary.queue), width)
        }
        Kind::Evaluations(counts) => evaluation_heading(app, counts),
    }
}

fn evaluation_heading(app: &App, c: &EvaluationCounts) -> String {
    let cat = app.cat;
    let oldest = c
        .oldest_overdue_days
        .map_or_else(|| cat.t("tui.none").to_string(), |d| term(app, d));
    cat.fill(
        "tui.evaluations.section",
        &[
            ("count", c.signals.total.to_string()),
            ("orange", c.signals.orange.to_string()),
            ("red", c.signals.red.to_string()),
            ("oldest", oldest),
        ],
    )
}

/// Where the person is: "Hulp 3/12 · verwacht aan de beurt: ... · Tab:
/// volgende wachtrij · ⊕ = ..."; the legend goes first when it is too long.
fn position_line(app: &App, width: usize) -> String {
    let cat = app.cat;
    let state = &app.waitlist;
    let mut parts = Vec::new();
    if let Some((s, n)) = state.position() {
        let section = &state.sections[s];
        parts.push(cat.fill(
            "tui.waitlist.position",
            &[
                ("queue", cat.t(&section.name_key()).to_string()),
                ("n", n.to_string()),
                ("total", (section.end - section.start).to_string()),
            ],
        ));
    }
    parts.extend(expected_line(app));
    // A search says what it looks for and which field matched the case.
    if let Some(term) = &state.search {
        let field = state
            .selected_row()
            .and_then(|r| r.matched(term))
            .or_else(|| state.selected_moment().and_then(|m| m.matched(term)))
            .map(|k| cat.t(k).to_lowercase())
            .unwrap_or_default();
        parts.push(cat.fill(
            "tui.waitlist.search",
            &[
                ("text", crate::export::safe_text(term).into_owned()),
                (
                    "count",
                    (state.shown.len() + state.shown_moments.len()).to_string(),
                ),
                ("field", field),
            ],
        ));
    }
    if let Some(filter) = state.filter.describe(cat, sym::SEPARATOR) {
        parts.push(filter);
    }
    let line = parts.join(sym::SEPARATOR);
    if state.search.is_none() && state.filter.is_empty() {
        let legend = cat.t("tui.waitlist.legend").to_string();
        if line.is_empty() {
            return fit(&legend, width);
        }
        return fit(&with_if_fits(line, Some(legend), width), width);
    }
    fit(&line, width)
}

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let cat = app.cat;
    let t = &app.theme;
    let block = Block::bordered()
        .title(Span::styled(cat.t("tui.view.waitlist"), t.title(true)))
        .border_style(t.border(true));
    let state = &app.waitlist;
    if state.all.is_empty() && state.all_moments.is_empty() {
        let p = Paragraph::new(cat.t("tui.waitlist.empty"))
            .style(t.muted())
            .wrap(Wrap { trim: true })
            .block(block);
        frame.render_widget(p, area);
        return;
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let wide = inner.width >= WIDE;
    let cols = columns(app, inner.width);
    let moment_cols = moment_columns(app, inner.width);
    let heads_line = |cols: &[Column]| {
        let heads: Vec<String> = cols.iter().map(|c| cat.t(c.head).to_string()).collect();
        Line::styled(cells_line(cols, &heads), t.column_header())
    };
    // The heads above the list are those of the section at its top; none
    // when the evaluation list's own heading and heads start the list.
    let top = state.lines.get(state.scroll.offset).copied();
    let top_heads = match (top, state.top_section().map(|s| &s.kind)) {
        (Some(Entry::Heading(_) | Entry::Heads(_)), Some(Kind::Evaluations(_))) => Line::raw(""),
        (_, Some(Kind::Evaluations(_))) => heads_line(&moment_cols),
        _ => heads_line(&cols),
    };
    let mut lines = vec![
        Line::styled(position_line(app, inner.width as usize), t.muted()),
        top_heads,
    ];
    let height = app.waitlist_height();
    for (i, entry) in state
        .lines
        .iter()
        .enumerate()
        .skip(state.scroll.offset)
        .take(height)
    {
        lines.push(match entry {
            Entry::Heading(s) => Line::styled(
                fit(
                    &heading(app, &state.sections[*s], inner.width as usize),
                    inner.width as usize,
                ),
                t.title(false),
            ),
            Entry::Heads(_) => heads_line(&moment_cols),
            Entry::Moment(m) => {
                let Some(moment) = state.moment(*m) else {
                    continue;
                };
                let style = if i == state.scroll.selected {
                    t.selected()
                } else {
                    Style::default()
                };
                let cells = moment_cells(app, &moment.unpack(), wide);
                Line::from(vec![
                    Span::styled(fit(&cells[0], moment_cols[0].width), t.lamp(moment.signal)),
                    Span::raw(" "),
                    Span::raw(cells_line(&moment_cols[1..], &cells[1..])),
                ])
                .style(style)
            }
            Entry::Row(r) => {
                let Some(row) = state.row(*r) else {
                    continue;
                };
                let style = if i == state.scroll.selected {
                    t.selected()
                } else {
                    Style::default()
                };
                let cells = row_cells(app, &row.unpack(), wide);
                let signal = fit(&cells[0], cols[0].width);
                let rest = cells_line(&cols[1..], &cells[1..]);
                Line::from(vec![
                    Span::styled(signal, t.lamp(row.signal)),
                    Span::raw(" "),
                    Span::raw(rest),
                ])
                .style(style)
            }
        });
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

#[cfg(test)]
mod tests {
    use crate::context::config::Config;
    use crate::domain::Snapshot;
    use crate::domain::case::Referral;
    use crate::domain::dates::parse_date;
    use crate::domain::waitlist;
    use crate::domain::waitlist::Signal as Lamp;
    use crate::domain::{Case, Referrer, Urgency};
    use chrono::NaiveDate;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn queues_signals_and_order_follow_spec_2() {
        let r = |u| Referral {
            referrer: Referrer::Gp,
            urgency: u,
            worker: None,
        };
        let old = Case::referred(1, "2026-0001", d("2026-10-01"), &r(Urgency::Regular));
        let new = Case::referred(2, "2026-0002", d("2026-11-12"), &r(Urgency::Regular));
        let urgent = Case::referred(3, "2026-0003", d("2026-11-21"), &r(Urgency::Urgent));
        let snap = Snapshot {
            as_of: d("2026-11-22"),
            cases: vec![old, new, urgent],
            reviews: Default::default(),
        };
        let rows = waitlist::waiting_list(&snap, &Config::default().norms, None);
        let order: Vec<_> = rows
            .iter()
            .map(|r| (r.queue.code(), r.case_ref.as_str()))
            .collect();
        assert_eq!(
            order,
            [
                ("intake", "2026-0003"),
                ("intake", "2026-0001"),
                ("intake", "2026-0002"),
                ("decision", "2026-0003"),
                ("decision", "2026-0001"),
                ("decision", "2026-0002"),
            ]
        );
        // 52 days against a norm of 14: red; 10 of 14: 10*4 = 40 < 42, green.
        assert_eq!(rows[1].signal, Lamp::Red);
        assert_eq!(rows[2].wait_days, 10);
        assert_eq!(rows[2].signal, Lamp::Green);
        // 52 days against 56: orange (42 ≤ 52 ≤ 56).
        assert_eq!(rows[4].signal, Lamp::Orange);
    }
}
