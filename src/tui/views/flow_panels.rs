//! The Flow view's panels of the newer figures (SPEC 4): lead times,
//! referral streams and young people turning 18, from the same
//! `FlowReport` as `stroom report flow` and the council report.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::domain::flow::{FlowReport, Percentiles};
use crate::present;
use crate::present::i18n::Catalog;

use super::super::app::App;
use super::super::flow::Display;

/// Width of a panel's first column.
const LABEL: usize = 24;
/// Width of a figure column.
const FIGURE: usize = 9;

pub fn draw(app: &App, report: &FlowReport, frame: &mut Frame, area: Rect) {
    let cat = app.cat;
    let bold = app.theme.title(true);
    let (title, header, rows) = match app.flow.display {
        Display::LeadTimes => lead_times(cat, report),
        Display::Referrers => referrers(cat, report),
        _ => turning_18(cat, report),
    };
    let mut lines = vec![
        Line::from(Span::styled(title, bold)),
        Line::from(Span::styled(row(&header), bold)),
    ];
    lines.extend(rows.iter().map(|r| Line::from(row(r))));
    frame.render_widget(Paragraph::new(lines), area);
}

type Panel = (String, Vec<String>, Vec<Vec<String>>);

/// A label, then right-aligned figures.
fn row(cells: &[String]) -> String {
    let mut out = String::new();
    for (i, c) in cells.iter().enumerate() {
        if i == 0 {
            let cut: String = c.chars().take(LABEL - 1).collect();
            out.push_str(&format!("{cut:<LABEL$}"));
        } else {
            let cut: String = c.chars().take(FIGURE - 1).collect();
            out.push_str(&format!("{cut:>FIGURE$}"));
        }
    }
    out
}

fn days(v: Option<i64>) -> String {
    v.map_or_else(|| present::NONE.to_string(), |d| d.to_string())
}

fn lead_times(cat: &Catalog, r: &FlowReport) -> Panel {
    let t = |k: &str| cat.t(k).to_string();
    let header = vec![
        t("council.step"),
        t("flow_panel.count"),
        t("flow_panel.median"),
        t("flow_panel.p90"),
        t("flow_panel.urgent_median"),
        t("flow_panel.urgent_p90"),
    ];
    let rows = r
        .lead_times
        .iter()
        .map(|(step, lt)| {
            let p = |x: &Percentiles| [days(x.median), days(x.p90)];
            let [m, p90] = p(&lt.all);
            let [um, up90] = p(&lt.urgent);
            vec![
                cat.t(&format!("council.step_{}", step.code())).to_string(),
                lt.all.count.to_string(),
                m,
                p90,
                um,
                up90,
            ]
        })
        .collect();
    (t("flow_panel.lead_title"), header, rows)
}

fn referrers(cat: &Catalog, r: &FlowReport) -> Panel {
    let mut header = vec![
        cat.t("column.referrer").to_string(),
        cat.t("flow_panel.col_referrals").to_string(),
    ];
    header.extend(
        ["community", "team", "ambulant", "residential"]
            .map(|k| cat.t(&format!("flow_panel.route_{k}")).to_string()),
    );
    header.push(cat.t("flow_panel.col_closed").to_string());
    let rows = r
        .by_referrer
        .iter()
        .map(|(who, x)| {
            vec![
                cat.label("referrer", who.code()).to_string(),
                x.referrals.to_string(),
                x.community.to_string(),
                x.team.to_string(),
                x.ambulant.to_string(),
                x.residential.to_string(),
                x.closed_before_decision.to_string(),
            ]
        })
        .collect();
    let title = cat.fill(
        "flow_panel.referrer_title",
        &[("count", r.re_referrals.to_string())],
    );
    (title, header, rows)
}

fn turning_18(cat: &Catalog, r: &FlowReport) -> Panel {
    let t18 = &r.turning_18;
    let header = vec![
        cat.t("council.t18_what").to_string(),
        cat.t("flow_panel.col_young").to_string(),
    ];
    let rows = [
        ("count", t18.count),
        ("plan_ok", t18.plan_ok),
        ("extended", t18.extended),
        ("ended", t18.ended),
        ("ended_with_follow_up", t18.ended_with_follow_up),
    ]
    .iter()
    .map(|(k, n)| {
        vec![
            cat.t(&format!("council.t18_{k}")).to_string(),
            n.to_string(),
        ]
    })
    .collect();
    (cat.t("council.t18_title").to_string(), header, rows)
}
