//! The case screen: every field, the standing of the preconditions, and the
//! whole dated history in words.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::domain::evaluation;
use crate::domain::review::standing_at;
use crate::domain::{Case, Change, FieldChange, Move, Stage};
use crate::present::i18n::Catalog;
use crate::present::signal_text;
use crate::store::HistoryEntry;

use super::super::app::{App, CaseScreen};
use super::stoplight::fit;

pub fn draw(app: &App, screen: &CaseScreen, frame: &mut Frame, area: Rect) {
    let cat = app.cat;
    let t = &app.theme;
    let c = &screen.case;
    let title = cat.fill(
        "tui.case.title",
        &[
            ("case", c.case_ref.clone()),
            ("stage", c.stage.code().to_string()),
        ],
    );
    // For a case in care, its light comes first.
    let mut lines: Vec<Line> = super::stoplight::case_lines(app, screen);
    let fields = fields(cat, c);
    // As wide as the longest label, so no value runs into its label.
    let label_w = fields
        .iter()
        .map(|(key, _)| cat.t(key).chars().count() + 1)
        .max()
        .unwrap_or(0)
        .min(32);
    for (key, value) in fields {
        lines.push(Line::from(vec![
            Span::styled(format!("{:<label_w$}", cat.t(key)), t.muted()),
            Span::styled(value, t.text()),
        ]));
    }
    let (latest, statuses) = standing_at(&screen.reviews, app.shown_date());
    if let Some(r) = latest {
        lines.push(Line::default());
        lines.push(Line::styled(
            cat.fill(
                "tui.case.preconditions",
                &[("date", r.on.to_string()), ("next", r.next_on.to_string())],
            ),
            t.title(false),
        ));
        for p in &app.config.preconditions {
            let status = statuses
                .get(&p.code)
                .map(|s| cat.label("status", s.code()))
                .unwrap_or_else(|| cat.label("status", "missing"));
            lines.push(Line::from(vec![
                Span::styled(format!("  {} ", fit(p.label(app.lang), 34)), t.muted()),
                Span::styled(status.to_string(), t.text()),
            ]));
        }
    }
    lines.extend(moment_lines(app, screen));
    lines.push(Line::default());
    lines.push(Line::styled(cat.t("tui.case.history"), t.title(false)));
    for h in &screen.history {
        lines.push(Line::from(vec![
            Span::styled(
                format!("{}  ", crate::present::person_date(cat, h.event.on)),
                t.hint_key(),
            ),
            Span::styled(describe(cat, screen, h), t.text()),
        ]));
        // Who recorded it and when, on its own line: the audit trail.
        lines.push(Line::styled(
            format!(
                "{:12}{}",
                "",
                cat.fill(
                    "tui.case.recorded",
                    &[
                        ("actor", shown(&h.actor)),
                        ("at", local_time(cat, &h.recorded_at))
                    ]
                )
            ),
            t.muted(),
        ));
    }
    let block = Block::bordered()
        .title(Span::styled(title, t.title(true)))
        .border_style(t.border(true));
    let p = Paragraph::new(lines).wrap(Wrap { trim: false });
    // Recorded for the scroll keys: they stop where the last line shows.
    let inner = block.inner(area);
    let total = p.line_count(inner.width) as u16;
    let last = total.saturating_sub(inner.height);
    screen.last_scroll.set(last);
    let scroll = screen.scroll.min(last);
    // At 80x24 the history starts below the fold: say that there is more,
    // and which keys bring it, where the eye ends (the bottom border).
    let block = match last {
        0 => block,
        _ => block.title_bottom(
            Line::from(Span::styled(
                cat.fill(
                    "tui.case.lines",
                    &[
                        ("from", (scroll + 1).to_string()),
                        ("to", (scroll + inner.height).min(total).to_string()),
                        ("total", total.to_string()),
                    ],
                ),
                t.muted(),
            ))
            .right_aligned(),
        ),
    };
    let p = p.block(block).scroll((scroll, 0));
    frame.render_widget(p, area);
}

/// The evaluation moments of the current episode (SPEC 1.7) as of the shown
/// date: due, held on (and whether on time), or the signal of an open one.
fn moment_lines(app: &App, screen: &CaseScreen) -> Vec<Line<'static>> {
    let (cat, t, c) = (app.cat, &app.theme, &screen.case);
    let as_of = app.shown_date();
    let held: Vec<chrono::NaiveDate> = screen
        .history
        .iter()
        .filter(|h| matches!(&h.event.change, Change::Moved(m) if m.to == Some(Stage::Evaluation)))
        .map(|h| h.event.on)
        .collect();
    let moments = evaluation::moments(c, &held, as_of, &app.config.evaluation);
    if moments.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![
        Line::default(),
        Line::styled(cat.t("tui.case.moments").to_string(), t.title(false)),
    ];
    for m in moments {
        let moment = cat.label("moment", m.moment.code()).to_string();
        let due = crate::present::person_date(cat, m.due_on);
        let text = match (m.held_on, m.signal(as_of)) {
            (Some(on), _) => {
                let key = if m.held_on_time() == Some(true) {
                    "tui.case.moment_held"
                } else {
                    "tui.case.moment_held_late"
                };
                cat.fill(
                    key,
                    &[
                        ("moment", moment),
                        ("due", due),
                        ("held", crate::present::person_date(cat, on)),
                    ],
                )
            }
            (None, _) if c.stage == Stage::Closed => cat.fill(
                "tui.case.moment_lapsed",
                &[("moment", moment), ("due", due)],
            ),
            (None, signal) => cat.fill(
                "tui.case.moment_open",
                &[
                    ("moment", moment),
                    ("due", due),
                    (
                        "signal",
                        signal.map(|s| signal_text(cat, s)).unwrap_or_default(),
                    ),
                ],
            ),
        };
        lines.push(Line::styled(format!("  {text}"), t.text()));
    }
    lines
}

/// Every field of SPEC 1.1 with its value in words.
fn fields(cat: &Catalog, c: &Case) -> Vec<(&'static str, String)> {
    let none = || cat.t("tui.none").to_string();
    // User text is drawn through `safe_text`: an escape sequence in a name
    // shows as inert characters instead of steering the terminal.
    let text = |v: &Option<String>| v.as_deref().map(shown).unwrap_or_else(none);
    let date = |d: Option<chrono::NaiveDate>| {
        d.map(|d| crate::present::person_date(cat, d))
            .unwrap_or_else(none)
    };
    let label = |kind: &str, code: Option<&str>| {
        code.map(|c| cat.label(kind, c).to_string())
            .unwrap_or_else(none)
    };
    let yes_no = |b: bool| cat.t(if b { "tui.yes" } else { "tui.no" }).to_string();
    let mut fields = vec![
        ("field.case_ref", c.case_ref.clone()),
        ("field.name", text(&c.name)),
        ("field.birth_date", date(c.birth_date)),
        ("field.referred_on", date(Some(c.referred_on))),
        ("field.referrer", label("referrer", Some(c.referrer.code()))),
        ("field.urgency", label("urgency", Some(c.urgency.code()))),
        ("field.worker", text(&c.worker)),
        ("field.stage", label("stage", Some(c.stage.code()))),
        ("field.route", label("route", c.route.map(|r| r.code()))),
        (
            "field.care_type",
            label("care_type", c.care_type.map(|t| t.code())),
        ),
        ("field.provider", text(&c.provider)),
        ("field.bridging_care", yes_no(c.bridging_care)),
        ("field.intake_on", date(c.intake_on)),
        ("field.triaged_on", date(c.triaged_on)),
        ("field.care_started_on", date(c.care_started_on)),
        ("field.planned_end_on", date(c.planned_end_on)),
        ("field.closed_on", date(c.closed_on)),
        (
            "field.outflow_reason",
            label("outflow_reason", c.outflow_reason.map(|r| r.code())),
        ),
        ("field.escalated", yes_no(c.escalated)),
    ];
    // Where the young person went next: a fact of closed cases only.
    if let Some(d) = c.destination {
        let at = fields.len() - 1;
        fields.insert(
            at,
            ("field.destination", label("destination", Some(d.code()))),
        );
    }
    fields
}

/// What one event did, in a sentence.
pub fn describe(cat: &Catalog, screen: &CaseScreen, h: &HistoryEntry) -> String {
    match &h.event.change {
        Change::Referred(r) => cat.fill(
            "tui.history.referred",
            &[
                ("referrer", r.referrer.code().to_string()),
                ("urgency", r.urgency.code().to_string()),
            ],
        ),
        Change::Moved(m) => describe_move(cat, m),
        Change::Set(f) => describe_set(cat, f),
        Change::Reviewed { review_id } => {
            match screen.reviews.iter().find(|r| r.id == *review_id) {
                Some(r) => cat.fill(
                    "tui.history.reviewed",
                    &[
                        ("count", r.statuses.len().to_string()),
                        ("next", r.next_on.to_string()),
                    ],
                ),
                None => cat.t("tui.history.reviewed_later").to_string(),
            }
        }
        Change::Decided { decision_id } => {
            match screen.decisions.iter().find(|d| d.id == *decision_id) {
                Some(d) => {
                    let mut s = cat.fill("tui.history.decided", &[("text", shown(&d.text))]);
                    if let Some(o) = &d.owner {
                        s.push_str(&cat.fill("tui.history.owner", &[("owner", shown(o))]));
                    }
                    s
                }
                None => cat.t("tui.history.decided_unknown").to_string(),
            }
        }
    }
}

fn describe_move(cat: &Catalog, m: &Move) -> String {
    let mut s = cat.fill(
        "tui.history.moved",
        &[(
            "stage",
            m.to.map(|s| s.code()).unwrap_or_default().to_string(),
        )],
    );
    let mut part = |key: &str, name: &'static str, value: Option<String>| {
        if let Some(v) = value {
            s.push_str(&cat.fill(key, &[(name, v)]));
        }
    };
    part(
        "tui.history.route",
        "route",
        m.route.map(|r| r.code().to_string()),
    );
    part(
        "tui.history.care_type",
        "care_type",
        m.care_type.map(|t| t.code().to_string()),
    );
    part(
        "tui.history.provider",
        "provider",
        m.provider.as_deref().map(shown),
    );
    part(
        "tui.history.planned_end",
        "date",
        m.planned_end_on.map(|d| d.to_string()),
    );
    part(
        "tui.history.reason",
        "reason",
        m.reason.map(|r| r.code().to_string()),
    );
    part(
        "tui.history.destination",
        "destination",
        m.destination.map(|d| d.code().to_string()),
    );
    // The extension report (SPEC 1.8), in full.
    part(
        "tui.history.goals",
        "goals",
        m.goals.map(|g| g.code().to_string()),
    );
    part(
        "tui.history.intended_outflow",
        "destination",
        m.intended_outflow.map(|d| d.code().to_string()),
    );
    part("tui.history.note", "note", m.note.as_deref().map(shown));
    s
}

fn describe_set(cat: &Catalog, f: &FieldChange) -> String {
    let field = cat.t(&format!("field.{}", f.field())).to_string();
    let value = match f {
        FieldChange::Name | FieldChange::BirthDate => {
            return cat.fill("tui.history.set_personal", &[("field", field)]);
        }
        FieldChange::Urgency(u) => cat.label("urgency", u.code()).to_string(),
        FieldChange::BridgingCare(b) | FieldChange::Escalated(b) => {
            cat.t(if *b { "tui.yes" } else { "tui.no" }).to_string()
        }
        other => match other.value() {
            Some(v) => shown(&v),
            None => return cat.fill("tui.history.cleared", &[("field", field)]),
        },
    };
    cat.fill("tui.history.set", &[("field", field), ("value", value)])
}

/// Stored user text as it may be drawn.
fn shown(s: &str) -> String {
    crate::export::safe_text(s).into_owned()
}

/// A stored UTC timestamp in the local time people read, with the date in
/// the language's format ("30-11-2026 14:05"); as stored when unreadable.
fn local_time(cat: &Catalog, stored: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(stored) {
        Ok(t) => {
            let local = t.with_timezone(&chrono::Local);
            format!(
                "{} {}",
                local.format(cat.t("format.date")),
                local.format("%H:%M")
            )
        }
        Err(_) => stored.to_string(),
    }
}
