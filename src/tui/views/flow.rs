//! The Flow view (4): referrals, inflow and outflow per month for a period,
//! beside the figures of SPEC 4 and a table per care type; or, toggled, how
//! many cases stood in each stage at every month end (cumulative flow).
//! Every series has its own symbol or letter, so colour is never the only
//! way to tell them apart.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::domain::CareType;
use crate::domain::Stage;
use crate::domain::flow::{CareTypeFlow, FlowReport};
use crate::present;
use crate::present::i18n::Catalog;
use crate::store::StageCounts;

use super::super::app::App;
use super::super::flow::Display;

/// Width of the figures beside the chart.
const FIGURES_WIDTH: u16 = 40;
/// Label and value columns of the figures.
const LABEL_WIDTH: usize = 27;
const VALUE_WIDTH: usize = 10;
/// Label column of the table per care type.
const CARE_TYPE_WIDTH: usize = 25;

/// The stages of the cumulative view: where open cases can pile up.
const OPEN_STAGES: [Stage; 6] = [
    Stage::Referred,
    Stage::Intake,
    Stage::Triage,
    Stage::Waiting,
    Stage::InCare,
    Stage::Evaluation,
];

/// The three monthly series: translation key, chart marker and the symbol
/// the legend shows for it.
const SERIES: [(&str, Marker, &str); 3] = [
    ("flow_view.referrals", Marker::Dot, "•"),
    ("flow_view.inflow", Marker::Braille, "⠒"),
    ("flow_view.outflow", Marker::Bar, "▄"),
];

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let cat = app.cat;
    let t = &app.theme;
    let (from, to) = app.flow_period();
    let months = app.flow.report.as_ref().map_or(0, |r| r.monthly.len());
    let title = cat.fill(
        "flow_view.title",
        &[
            ("from", from.to_string()),
            ("to", to.to_string()),
            ("months", months.to_string()),
        ],
    );
    let block = Block::bordered()
        .title(Span::styled(title, t.title(true)))
        .border_style(t.border(true));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(report) = &app.flow.report else {
        return;
    };
    match app.flow.display {
        Display::Stages => return draw_stages(app, &app.flow.stages, frame, inner),
        Display::LeadTimes | Display::Referrers | Display::Turning18 => {
            return super::flow_panels::draw(app, report, frame, inner);
        }
        Display::Chart | Display::Months => {}
    }
    let [left, right] =
        Layout::horizontal([Constraint::Min(10), Constraint::Length(FIGURES_WIDTH)]).areas(inner);
    match app.flow.display {
        Display::Months => draw_months(app, report, frame, left),
        _ => draw_chart(app, report, frame, left),
    }
    let lines = figure_lines(app, report, right.height as usize);
    frame.render_widget(Paragraph::new(lines), pad_left(right));
}

/// One column of space between the left part and the figures.
fn pad_left(r: Rect) -> Rect {
    Rect {
        x: r.x.saturating_add(1).min(r.right()),
        width: r.width.saturating_sub(1),
        ..r
    }
}

/// The three monthly series as aligned small multiples: one bar row per
/// series on the same scale and the same month columns, each with its
/// name, total and highest month, so no series hides another.
fn draw_chart(app: &App, report: &FlowReport, frame: &mut Frame, area: Rect) {
    let cat = app.cat;
    let t = &app.theme;
    let months = report.monthly.len().max(1);
    let values: Vec<Vec<u64>> = (0..SERIES.len())
        .map(|s| {
            report
                .monthly
                .iter()
                .map(|m| [m.referrals, m.inflow, m.outflow][s] as u64)
                .collect()
        })
        .collect();
    let top = values.iter().flatten().copied().max().unwrap_or(0).max(1);
    // Each month gets the same whole number of columns, one left as a gap.
    let per_month = (area.width as usize / months).max(1);
    let rows = Layout::vertical([
        Constraint::Ratio(1, 3),
        Constraint::Ratio(1, 3),
        Constraint::Ratio(1, 3),
    ])
    .split(Rect {
        height: area.height.saturating_sub(1),
        ..area
    });
    for (i, ((key, _, _), data)) in SERIES.iter().zip(&values).enumerate() {
        let row = rows[i];
        let total: u64 = data.iter().sum();
        let high = data.iter().copied().max().unwrap_or(0);
        let head = cat.fill(
            "flow_view.series_head",
            &[
                ("series", cat.t(key).to_string()),
                ("total", total.to_string()),
                ("high", high.to_string()),
            ],
        );
        frame.render_widget(
            Paragraph::new(Line::styled(head, t.series(i).add_modifier(Modifier::BOLD))),
            Rect { height: 1, ..row },
        );
        let widened: Vec<u64> = data
            .iter()
            .flat_map(|v| {
                let gap = usize::from(per_month > 2);
                std::iter::repeat_n(*v, per_month - gap).chain(std::iter::repeat_n(0, gap))
            })
            .collect();
        let spark = ratatui::widgets::Sparkline::default()
            .data(&widened)
            .max(top)
            .style(t.series(i));
        frame.render_widget(
            spark,
            Rect {
                y: row.y + 1,
                height: row.height.saturating_sub(1),
                ..row
            },
        );
    }
    // The months under the bars: the first, and the last at its column.
    let first = report
        .monthly
        .first()
        .map(|m| present::month_label(app.cat, &m.month))
        .unwrap_or_default();
    let last = report
        .monthly
        .last()
        .map(|m| present::month_label(app.cat, &m.month))
        .unwrap_or_default();
    let end_col = (months * per_month).min(area.width as usize);
    let mut axis = first;
    let pad = end_col.saturating_sub(axis.chars().count() + last.chars().count());
    if months > 1 && pad > 0 {
        axis.push_str(&" ".repeat(pad));
        axis.push_str(&last);
    }
    frame.render_widget(
        Paragraph::new(Line::styled(axis, t.muted())),
        Rect {
            y: area.bottom().saturating_sub(1),
            height: 1,
            ..area
        },
    );
}

/// The monthly series as numbers.
fn draw_months(app: &App, report: &FlowReport, frame: &mut Frame, area: Rect) {
    let cat = app.cat;
    let t = &app.theme;
    let mut lines = vec![Line::styled(
        format!(
            "{:<8}{:>9}{:>9}{:>9}",
            cat.t("flow_view.month"),
            cat.t("flow_view.col_referrals"),
            cat.t("flow_view.col_in"),
            cat.t("flow_view.col_out"),
        ),
        t.column_header(),
    )];
    // The latest months matter most: when they do not all fit, show the end.
    let room = (area.height as usize).saturating_sub(1);
    let skip = report.monthly.len().saturating_sub(room);
    for m in report.monthly.iter().skip(skip) {
        lines.push(Line::styled(
            format!(
                "{:<8}{:>9}{:>9}{:>9}",
                present::month_label(cat, &m.month),
                m.referrals,
                m.inflow,
                m.outflow
            ),
            t.text(),
        ));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn days(cat: &Catalog, v: Option<i64>) -> String {
    v.map(|d| cat.fill("flow_view.days", &[("days", d.to_string())]))
        .unwrap_or_else(|| cat.t("tui.none").to_string())
}

/// One decimal, as `stroom report flow` gives it, in the text of `key`
/// (which names it `{arg}`).
fn tenths(cat: &Catalog, v: Option<f64>, key: &str, arg: &str) -> String {
    v.map(|x| cat.fill(key, &[(arg, crate::present::decimal(cat, x))]))
        .unwrap_or_else(|| cat.t("tui.none").to_string())
}

/// `text` broken at spaces into lines of at most `width` characters.
fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match out.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => out.push(word.to_string()),
        }
    }
    out
}

/// Cuts `s` to `width` characters, marking the cut.
pub(super) fn fit(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(width.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// The figures of SPEC 4 in words and numbers, then the table per care
/// type. Care types without any figure go first when room is short.
fn figure_lines(app: &App, r: &FlowReport, height: usize) -> Vec<Line<'static>> {
    let cat = app.cat;
    let t = &app.theme;
    let row = |label: String, value: String| {
        Line::from(vec![
            Span::styled(
                format!("{:<LABEL_WIDTH$}", fit(&label, LABEL_WIDTH)),
                t.muted(),
            ),
            Span::styled(format!("{value:>VALUE_WIDTH$}"), t.text()),
        ])
    };
    let mut lines = vec![
        row(cat.t("flow_view.referrals").into(), r.referrals.to_string()),
        row(cat.t("flow_view.inflow").into(), r.inflow.to_string()),
        row(cat.t("flow_view.outflow").into(), r.outflow.to_string()),
        row(
            cat.t("flow_view.balance").into(),
            tenths(cat, r.balance_pct, "present.percent", "value"),
        ),
    ];
    let (verdict, style) = match r.balance_pct {
        None => ("flow_view.no_inflow", t.muted()),
        Some(b) if b < 0.0 => ("flow_view.lags", t.urgent()),
        Some(_) => ("flow_view.keeps_up", t.success()),
    };
    lines.push(Line::styled(format!("  {}", cat.t(verdict)), style));
    lines.push(row(
        cat.fill("flow_view.open_at_end", &[("date", r.to.to_string())]),
        r.open_at_end.to_string(),
    ));
    // Three "open" counts exist (this one, the board's, the stage table's):
    // say which cases this one counts, so they never seem to contradict.
    let note_at = lines.len();
    let note: Vec<Line<'static>> =
        wrap_words(cat.t("flow_view.open_note"), LABEL_WIDTH + VALUE_WIDTH - 2)
            .into_iter()
            .map(|part| Line::styled(format!("  {part}"), t.muted()))
            .collect();
    lines.push(row(
        cat.t("flow_view.mean_duration").into(),
        tenths(cat, r.mean_duration_days, "flow_view.days", "days"),
    ));
    let b = &r.duration_bands;
    let bands = format!("{} · {} · {}", b.under_1y, b.from_1y_to_2y, b.over_2y);
    let label = cat.t("flow_view.bands").to_string();
    if label.chars().count() + 1 + bands.chars().count() <= LABEL_WIDTH + VALUE_WIDTH {
        lines.push(Line::from(vec![
            Span::styled(label, t.muted()),
            Span::raw(" "),
        ]));
        let last = lines.len() - 1;
        let pad = LABEL_WIDTH + VALUE_WIDTH - lines[last].width();
        lines[last]
            .spans
            .push(Span::styled(format!("{bands:>pad$}"), t.text()));
    } else {
        // Too wide for one line: the label above, the counts under it,
        // right-aligned under the figures.
        lines.push(Line::styled(label, t.muted()));
        let width = LABEL_WIDTH + VALUE_WIDTH;
        lines.push(Line::styled(format!("{bands:>width$}"), t.text()));
    }
    lines.push(row(
        cat.t("flow_view.median_wait").into(),
        days(cat, r.median_wait_to_care_days),
    ));
    lines.push(row(
        cat.t("flow_view.p90_wait").into(),
        days(cat, r.p90_wait_to_care_days),
    ));
    let all: Vec<_> = r.by_care_type.iter().collect();
    let cols = CareColumns::of(cat, &all);
    lines.push(Line::styled(
        cols.line(
            cat.t("flow_view.care_type"),
            cat.t("flow_view.col_in"),
            cat.t("flow_view.col_out"),
            cat.t("flow_view.col_open"),
        ),
        t.column_header(),
    ));
    let busy = all
        .iter()
        .filter(|(_, f)| f.inflow + f.outflow + f.open_at_end > 0)
        .count();
    // The note gives way to the care types with figures when room is short.
    if lines.len() + note.len() + busy <= height {
        lines.splice(note_at..note_at, note);
    }
    let room = height.saturating_sub(lines.len());
    let show_zero = all.len() <= room || busy >= room;
    for (care_type, f) in all {
        if !show_zero && f.inflow + f.outflow + f.open_at_end == 0 {
            continue;
        }
        lines.push(Line::styled(
            cols.line(
                cat.label("care_type", care_type.code()),
                &f.inflow.to_string(),
                &f.outflow.to_string(),
                &f.open_at_end.to_string(),
            ),
            t.text(),
        ));
    }
    lines
}

/// The widths of the care-type table: each figure column as wide as its
/// widest figure or heading and a space (a country's counts have six
/// digits), the care type taking what is left of the table's width.
struct CareColumns {
    name: usize,
    figures: [usize; 3],
}

impl CareColumns {
    /// At least the widths of a team's table: 4, 4 and 5.
    const NARROWEST: [usize; 3] = [4, 4, 5];

    fn of(cat: &Catalog, rows: &[(&CareType, &CareTypeFlow)]) -> CareColumns {
        let heads = [
            "flow_view.col_in",
            "flow_view.col_out",
            "flow_view.col_open",
        ];
        let mut figures = Self::NARROWEST;
        for (i, width) in figures.iter_mut().enumerate() {
            let widest = rows
                .iter()
                .map(|(_, f)| [f.inflow, f.outflow, f.open_at_end][i].to_string().len())
                .chain([cat.t(heads[i]).chars().count()])
                .max()
                .unwrap_or(0);
            *width = (*width).max(widest + 1);
        }
        let table = CARE_TYPE_WIDTH + Self::NARROWEST.iter().sum::<usize>();
        let name = table.saturating_sub(figures.iter().sum()).max(8);
        CareColumns { name, figures }
    }

    fn line(&self, name: &str, a: &str, b: &str, c: &str) -> String {
        let [wa, wb, wc] = self.figures;
        let n = self.name;
        format!("{:<n$}{a:>wa$}{b:>wb$}{c:>wc$}", fit(name, n))
    }
}

/// The letter that marks a stage in the cumulative view.
fn mark(cat: &Catalog, stage: Stage) -> String {
    cat.t(&format!("flow_view.mark_{}", stage.code()))
        .to_string()
}

/// Per month end: the count in each open stage, the open total, the closed
/// cases, and a bar of the open cases stacked by stage, each stage drawn
/// with its own letter.
fn draw_stages(app: &App, rows: &[StageCounts], frame: &mut Frame, area: Rect) {
    let cat = app.cat;
    let t = &app.theme;
    let legend: Vec<String> = OPEN_STAGES
        .iter()
        .map(|s| format!("{} {}", mark(cat, *s), cat.label("stage", s.code())))
        .collect();
    let mut lines = vec![Line::styled(
        format!(
            "{}: {}",
            cat.t("flow_view.stages_title"),
            legend.join(" · ")
        ),
        t.muted(),
    )];
    let mut head = format!("{:<11}", cat.t("flow_view.month_end"));
    for s in OPEN_STAGES {
        head.push_str(&format!("{:>4}", mark(cat, s)));
    }
    head.push_str(&format!(
        "{:>6}{:>8}",
        fit(cat.t("flow_view.col_open"), 5),
        fit(cat.t("flow_view.col_closed"), 7)
    ));
    let numbers_width = head.chars().count();
    lines.push(Line::styled(head, t.column_header()));
    let bar_width = (area.width as usize).saturating_sub(numbers_width + 2);
    let top = rows.iter().map(StageCounts::open).max().unwrap_or(0).max(1);
    // The legend may wrap; the hint line takes one more.
    let width = (area.width as usize).max(1);
    let legend_rows = lines[0].width().div_ceil(width).max(1);
    let room = (area.height as usize).saturating_sub(legend_rows + 2);
    let skip = rows.len().saturating_sub(room);
    for r in rows.iter().skip(skip) {
        let mut text = present::person_date(cat, r.on);
        text.push(' ');
        for s in OPEN_STAGES {
            text.push_str(&format!("{:>4}", r.get(s)));
        }
        text.push_str(&format!("{:>6}{:>8}  ", r.open(), r.get(Stage::Closed)));
        let mut spans = vec![Span::styled(text, t.text())];
        // Cumulative rounding, so the segments add up to the open total's bar.
        let mut before = 0;
        let mut drawn = 0;
        for (i, s) in OPEN_STAGES.iter().enumerate() {
            before += r.get(*s);
            let end = before * bar_width / top;
            let cells = end - drawn;
            drawn = end;
            if cells > 0 {
                spans.push(Span::styled(
                    mark(cat, *s).repeat(cells),
                    t.series(i).add_modifier(Modifier::REVERSED),
                ));
            }
        }
        lines.push(Line::from(spans));
    }
    lines.push(Line::styled(cat.t("flow_view.stages_hint"), t.muted()));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}
