//! The minutes of a meeting (SPEC 9.3) as a document: the agenda as the
//! meeting saw it at the start of the day, and what was recorded on the day
//! (decisions, moves, reviews). The caller loads both; this module only
//! arranges and renders them: a summary first, then each discussed case with
//! why it was on the agenda and what was done, then the cases not discussed,
//! once and compactly (`stroom export meeting`, `e` in view 5).

use std::collections::HashSet;

use chrono::NaiveDate;
use serde_json::{Map, Value, json};

use crate::context::config::Precondition;
use crate::domain::agenda::{Agenda, AgendaItem, Kind, MoveDone, Records, Section};
use crate::domain::stoplight::Reason;
use crate::domain::{Signal, Status};
use crate::export::{
    Block, Bullet, Cell, Document, Format, Rows, Table, generated_at, strip_controls,
};
use crate::present::i18n::Catalog;

/// The minutes of one meeting.
pub struct Minutes<'a> {
    pub agenda: &'a Agenda,
    pub records: &'a Records,
    pub preconditions: &'a [Precondition],
    /// The team's name for the title (config `team`); empty: none.
    pub team: &'a str,
    discussed: HashSet<i64>,
    /// Cases decided on that were not on the agenda, in the order decided.
    other: Vec<(i64, String)>,
    /// The agenda's cases and `other`'s: what `counts` looks up once per
    /// move and review of the day (a scan of the agenda each time grew
    /// with the square of the team's size).
    counted: HashSet<i64>,
}

/// The figures at the top of the minutes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Per section of the meeting's kind: items, of which discussed.
    pub sections: Vec<(Section, usize, usize)>,
    pub items: usize,
    pub discussed: usize,
    pub decisions: usize,
    pub moves: usize,
    /// Cases reviewed (several reviews of one case on the day count once).
    pub reviews: usize,
}

impl<'a> Minutes<'a> {
    pub fn new(
        agenda: &'a Agenda,
        records: &'a Records,
        preconditions: &'a [Precondition],
        team: &'a str,
    ) -> Minutes<'a> {
        // Decisions off the agenda belong to the weekly meeting; a round
        // (perhaps with one provider) holds only its own cases.
        let mut other: Vec<(i64, String)> = Vec::new();
        let mut counted: HashSet<i64> = agenda.items.iter().map(|i| i.case_id).collect();
        let weekly = agenda.meeting.kind == Kind::Team;
        for d in records.decisions.iter().filter(|_| weekly) {
            if counted.insert(d.case_id) {
                other.push((d.case_id, d.case_ref.clone()));
            }
        }
        Minutes {
            agenda,
            records,
            preconditions,
            team,
            discussed: records.discussed(),
            other,
            counted,
        }
    }

    pub fn is_discussed(&self, case_id: i64) -> bool {
        self.discussed.contains(&case_id)
    }

    /// Moves and reviews of cases off the agenda are the day's ordinary
    /// work, not the meeting's: only the agenda's and the decided cases'
    /// count.
    fn counts(&self, case_id: i64) -> bool {
        self.counted.contains(&case_id)
    }

    pub fn summary(&self) -> Summary {
        let sections: Vec<(Section, usize, usize)> = self
            .agenda
            .counts()
            .into_iter()
            .map(|(s, n)| {
                let done = self
                    .agenda
                    .items
                    .iter()
                    .filter(|i| i.section == s && self.is_discussed(i.case_id))
                    .count();
                (s, n, done)
            })
            .collect();
        Summary {
            items: self.agenda.items.len(),
            discussed: sections.iter().map(|s| s.2).sum(),
            sections,
            decisions: self.decisions().count(),
            moves: self.moves().count(),
            reviews: self
                .reviews()
                .map(|r| r.case_id)
                .collect::<HashSet<_>>()
                .len(),
        }
    }

    fn decisions(&self) -> impl Iterator<Item = &crate::domain::agenda::Decision> {
        self.records
            .decisions
            .iter()
            .filter(|d| self.counts(d.case_id))
    }

    fn moves(&self) -> impl Iterator<Item = &MoveDone> {
        self.records.moves.iter().filter(|m| self.counts(m.case_id))
    }

    fn reviews(&self) -> impl Iterator<Item = &crate::domain::agenda::ReviewDone> {
        self.records
            .reviews
            .iter()
            .filter(|r| self.counts(r.case_id))
    }

    /// `{"on", "kind", "provider", "generated_at", "rows"}` (SPEC 9.3).
    /// Cases decided on off the agenda come last with section `other`.
    pub fn to_json(&self, with_names: bool) -> Value {
        let mut rows: Vec<Value> = self
            .agenda
            .items
            .iter()
            .map(|item| {
                let mut row = self.json_row(item.case_id, &item.case_ref, item.section.code());
                row.insert("reasons".into(), json!(item.reasons));
                if let Some(light) = item.light.as_ref().filter(|_| self.is_round()) {
                    row.insert("color".into(), json!(light.color));
                    let criteria: Map<String, Value> = light
                        .criteria
                        .0
                        .iter()
                        .map(|(code, s)| (code.clone(), json!(s.code())))
                        .collect();
                    row.insert("criteria".into(), Value::Object(criteria));
                }
                if with_names {
                    row.insert("name".into(), json!(item.name));
                    row.insert("birth_date".into(), json!(item.birth_date));
                }
                Value::Object(row)
            })
            .collect();
        for (case_id, case_ref) in &self.other {
            let mut row = self.json_row(*case_id, case_ref, "other");
            row.insert("reasons".into(), json!([]));
            rows.push(Value::Object(row));
        }
        let m = &self.agenda.meeting;
        json!({
            "on": m.on.to_string(),
            "kind": m.kind.code(),
            "provider": m.provider,
            "generated_at": generated_at(),
            "rows": rows,
        })
    }

    fn is_round(&self) -> bool {
        self.agenda.meeting.kind == Kind::Stoplight
    }

    fn json_row(&self, case_id: i64, case_ref: &str, section: &str) -> Map<String, Value> {
        let mut row = Map::new();
        row.insert("case_ref".into(), json!(case_ref));
        row.insert("section".into(), json!(section));
        row.insert("discussed".into(), json!(self.is_discussed(case_id)));
        let decisions: Vec<Value> = self
            .records
            .decisions_of(case_id)
            .map(|d| json!({"text": d.text, "owner": d.owner, "follow_up_on": d.follow_up_on}))
            .collect();
        let moves: Vec<Value> = self
            .records
            .moves_of(case_id)
            .map(|m| {
                let c = &m.change;
                json!({
                    "to": c.to.map(|s| s.code()),
                    "route": c.route.map(|r| r.code()),
                    "care_type": c.care_type.map(|t| t.code()),
                    "provider": c.provider,
                    "planned_end_on": c.planned_end_on,
                    "reason": c.reason.map(|r| r.code()),
                    // The extension report of SPEC 1.8.
                    "goals": c.goals.map(|g| g.code()),
                    "intended_outflow": c.intended_outflow.map(|d| d.code()),
                    "note": c.note,
                })
            })
            .collect();
        let reviews: Vec<Value> = self
            .records
            .reviews_of(case_id)
            .map(|r| {
                json!({
                    "on": r.review.on,
                    "statuses": r.review.statuses.iter().map(|(k, s)| (k.clone(), json!(s.code()))).collect::<Map<_, _>>(),
                    "next_on": r.review.next_on,
                    "note": r.review.note,
                    "color_before": r.before,
                    "color_after": r.after,
                })
            })
            .collect();
        row.insert("decisions".into(), json!(decisions));
        row.insert("moves".into(), json!(moves));
        row.insert("reviews".into(), json!(reviews));
        row
    }

    /// The formats minutes are written in; any other asks for Markdown
    /// (a file named `notulen.txt` from the UI still gets the minutes).
    pub const FORMATS: &'static [Format] = &[Format::Md, Format::Json];

    /// The minutes as a prose document in `format`: blocks for people
    /// (Markdown), or the JSON of SPEC 9.3 for machines.
    pub fn document(&self, format: Format, cat: &Catalog, with_names: bool) -> Document<'static> {
        // Only what the format writes: the Markdown minutes built their
        // JSON too, 1.9 G of their 2.3 G instructions at a million cases.
        let (blocks, figures) = match format.offered(Self::FORMATS).unwrap_or(Format::Md) {
            Format::Json => (Vec::new(), self.to_json(with_names)),
            _ => (self.blocks(cat, with_names), Value::Null),
        };
        Document::prose(self.title(cat), self.agenda.meeting.on, blocks, figures)
    }

    /// The minutes as Markdown or JSON bytes (other formats: Markdown).
    pub fn render(&self, format: Format, cat: &Catalog, with_names: bool) -> Vec<u8> {
        let format = format.offered(Self::FORMATS).unwrap_or(Format::Md);
        // Text into memory: writing cannot fail.
        self.document(format, cat, with_names)
            .render(format)
            .unwrap_or_default()
    }

    /// The title: kind, team, provider and date.
    pub fn title(&self, cat: &Catalog) -> String {
        let m = &self.agenda.meeting;
        let mut what = cat.label(Kind::KIND, m.kind.code()).to_string();
        if !self.team.trim().is_empty() {
            what.push(' ');
            what.push_str(&clean(self.team));
        }
        if let Some(p) = &m.provider {
            what.push_str(&cat.fill("meeting.with_provider", &[("provider", clean(p))]));
        }
        cat.fill(
            "meeting.title",
            &[("what", what), ("date", people_date(m.on))],
        )
    }

    /// Minutes for people, to mail round, as Markdown.
    pub fn to_markdown(&self, cat: &Catalog, with_names: bool) -> String {
        String::from_utf8(self.render(Format::Md, cat, with_names)).unwrap_or_default()
    }

    /// The minutes for people: the summary, the discussed cases with what
    /// was done, then the others in one table (before the meeting: the
    /// agenda section by section).
    pub fn blocks(&self, cat: &Catalog, with_names: bool) -> Vec<Block<'static>> {
        let mut out = Vec::new();
        self.summary_blocks(cat, &mut out);
        let discussed: Vec<&AgendaItem> = self
            .agenda
            .items
            .iter()
            .filter(|i| self.is_discussed(i.case_id))
            .collect();
        if !discussed.is_empty() || !self.other.is_empty() {
            out.push(Block::heading(2, cat.t("meeting.discussed_items")));
            for item in discussed {
                self.item_blocks(cat, item, with_names, &mut out);
            }
            for (case_id, case_ref) in &self.other {
                out.push(Block::heading(
                    3,
                    format!("{case_ref} · {}", cat.t("meeting.other")),
                ));
                out.push(Block::Bullets(self.done_bullets(cat, *case_id)));
            }
        }
        if self.is_prepared() {
            self.agenda_blocks(cat, with_names, &mut out);
        } else {
            self.undiscussed_blocks(cat, with_names, &mut out);
        }
        out
    }

    fn summary_blocks(&self, cat: &Catalog, out: &mut Vec<Block<'static>>) {
        let s = self.summary();
        out.push(Block::heading(2, cat.t("meeting.summary")));
        out.push(Block::Paragraph(cat.fill(
            "meeting.summary_line",
            &[
                ("total", s.items.to_string()),
                ("discussed", s.discussed.to_string()),
                ("open", (s.items - s.discussed).to_string()),
            ],
        )));
        let rows: Vec<Vec<Cell>> = s
            .sections
            .iter()
            .map(|(section, n, done)| {
                vec![
                    Cell::text(cat.label(Section::KIND, section.code())),
                    Cell::int(*n),
                    Cell::int(*done),
                ]
            })
            .collect();
        let total = vec![
            Cell::text(cat.t("meeting.total")),
            Cell::int(s.items),
            Cell::int(s.discussed),
        ];
        out.push(Block::Table {
            table: table(
                cat.t("meeting.summary"),
                &[
                    "meeting.col_section",
                    "meeting.col_items",
                    "meeting.col_discussed",
                ],
                cat,
                rows,
            ),
            total: Some(total),
        });
        if !self.is_prepared() {
            self.decisions_blocks(cat, out);
        }
        let moves: Vec<Bullet> = self
            .moves()
            .map(|m| Bullet::led(m.case_ref.clone(), move_text(cat, m)))
            .collect();
        counted_list(cat.t("meeting.moves"), moves, out);
        // One line per case: the light before the day's reviews and after.
        let mut seen = HashSet::new();
        let reviews: Vec<Bullet> = self
            .reviews()
            .filter(|r| seen.insert(r.case_id))
            .map(|r| {
                let change = format!(
                    "{} → {}",
                    light_word(cat, r.before),
                    light_word(cat, r.after)
                );
                Bullet::led(r.case_ref.clone(), change)
            })
            .collect();
        counted_list(cat.t("meeting.reviews"), reviews, out);
        // Extensions and steps (SPEC 1.8) with their report.
        let extensions: Vec<Bullet> = self
            .moves()
            .filter_map(|m| extension_text(cat, m).map(|t| Bullet::led(m.case_ref.clone(), t)))
            .collect();
        if !extensions.is_empty() {
            out.push(Block::heading(3, cat.t("meeting.extensions")));
            out.push(Block::Bullets(extensions));
        }
    }

    fn decisions_blocks(&self, cat: &Catalog, out: &mut Vec<Block<'static>>) {
        let decisions: Vec<_> = self.decisions().collect();
        let heading = format!("{} ({})", cat.t("meeting.decisions"), decisions.len());
        out.push(Block::heading(3, heading));
        if decisions.is_empty() {
            out.push(Block::Paragraph(cat.t("meeting.none").to_string()));
            return;
        }
        let rows: Vec<Vec<Cell>> = decisions
            .into_iter()
            .map(|d| {
                vec![
                    Cell::text(d.case_ref.clone()),
                    Cell::text(clean(&d.text)),
                    Cell::text(d.owner.as_deref().map_or_else(|| "–".into(), clean)),
                    Cell::text(d.follow_up_on.map_or_else(|| "–".into(), people_date)),
                ]
            })
            .collect();
        let keys = [
            "meeting.col_case",
            "meeting.col_decision",
            "meeting.col_owner",
            "meeting.col_follow_up",
        ];
        out.push(Block::Table {
            table: table(cat.t("meeting.decisions"), &keys, cat, rows),
            total: None,
        });
    }

    fn item_blocks(
        &self,
        cat: &Catalog,
        item: &AgendaItem,
        with_names: bool,
        out: &mut Vec<Block<'static>>,
    ) {
        out.push(Block::heading(
            3,
            format!(
                "{}{} · {}",
                item.case_ref,
                names(item, with_names),
                cat.label(Section::KIND, item.section.code())
            ),
        ));
        let mut bullets = Vec::new();
        let why = self.reasons_text(cat, item);
        if !why.is_empty() {
            bullets.push(Bullet::text(format!(
                "{}: {}",
                cat.t("meeting.why_start"),
                clean(&why)
            )));
        }
        bullets.push(Bullet::text(format!(
            "{}: {}",
            cat.t("meeting.facts"),
            clean(&self.facts_text(cat, item))
        )));
        bullets.extend(self.done_bullets(cat, item.case_id));
        out.push(Block::Bullets(bullets));
    }

    /// What was recorded for a case on the day.
    fn done_bullets(&self, cat: &Catalog, case_id: i64) -> Vec<Bullet> {
        let mut out = Vec::new();
        for d in self.records.decisions_of(case_id) {
            let mut s = cat.fill("meeting.decision", &[("text", clean(&d.text))]);
            let mut tail = Vec::new();
            if let Some(o) = &d.owner {
                tail.push(cat.fill("meeting.owner", &[("owner", clean(o))]));
            }
            if let Some(f) = d.follow_up_on {
                tail.push(cat.fill("meeting.follow_up", &[("date", people_date(f))]));
            }
            if !tail.is_empty() {
                s.push_str(&format!(" ({})", tail.join("; ")));
            }
            out.push(Bullet::text(s));
        }
        for m in self.records.moves_of(case_id) {
            let mut s = cat.fill("meeting.moved_line", &[("what", move_text(cat, m))]);
            if let Some(ext) = extension_text(cat, m) {
                s.push_str(&format!("; {ext}"));
            }
            out.push(Bullet::text(s));
        }
        for (i, r) in self.records.reviews_of(case_id).enumerate() {
            out.push(Bullet::text(self.review_text(cat, i == 0, r)));
        }
        out
    }

    /// A review of the day in words; the light before and after the day's
    /// reviews is said once, with the first.
    fn review_text(
        &self,
        cat: &Catalog,
        first: bool,
        r: &crate::domain::agenda::ReviewDone,
    ) -> String {
        let mut s = if first {
            cat.fill(
                "meeting.reviewed_line",
                &[
                    ("before", light_word(cat, r.before)),
                    ("after", light_word(cat, r.after)),
                ],
            )
        } else {
            cat.t("meeting.reviewed_again").to_string()
        };
        for status in [Status::Missing, Status::Partial] {
            let names: Vec<String> = r
                .review
                .statuses
                .iter()
                .filter(|(_, st)| **st == status)
                .map(|(code, _)| self.precondition(cat, code))
                .collect();
            if !names.is_empty() {
                s.push_str(&format!(
                    "; {}: {}",
                    cat.label("status", status.code()).to_lowercase(),
                    names.join(", ")
                ));
            }
        }
        s.push_str(&format!(
            "; {}",
            cat.fill(
                "meeting.next_review",
                &[("date", people_date(r.review.next_on))]
            )
        ));
        if let Some(note) = &r.review.note {
            s.push_str(&format!(" — {}", clean(note)));
        }
        s
    }

    /// Nothing recorded yet: the agenda as it is sent round before the
    /// meeting, section by section, each case with why and its facts.
    fn is_prepared(&self) -> bool {
        self.discussed.is_empty()
    }

    fn agenda_blocks(&self, cat: &Catalog, with_names: bool, out: &mut Vec<Block<'static>>) {
        out.push(Block::heading(2, cat.t("meeting.agenda")));
        for (section, n) in self.agenda.counts() {
            if n == 0 {
                continue;
            }
            let label = cat.label(Section::KIND, section.code());
            out.push(Block::heading(3, format!("{label} ({n})")));
            let rows: Vec<Vec<Cell>> = self
                .agenda
                .items
                .iter()
                .filter(|i| i.section == section)
                .map(|item| {
                    let why = self.reasons_text(cat, item);
                    vec![
                        Cell::text(format!("{}{}", item.case_ref, names(item, with_names))),
                        Cell::text(if why.is_empty() {
                            "–".to_string()
                        } else {
                            clean(&why)
                        }),
                        Cell::text(clean(&self.facts_text(cat, item))),
                    ]
                })
                .collect();
            let keys = ["meeting.col_case", "meeting.col_why", "meeting.facts"];
            out.push(Block::Table {
                table: table(label, &keys, cat, rows),
                total: None,
            });
        }
    }

    fn undiscussed_blocks(&self, cat: &Catalog, with_names: bool, out: &mut Vec<Block<'static>>) {
        let open: Vec<&AgendaItem> = self
            .agenda
            .items
            .iter()
            .filter(|i| !self.is_discussed(i.case_id))
            .collect();
        if open.is_empty() {
            return;
        }
        let heading = cat.fill("meeting.undiscussed", &[("count", open.len().to_string())]);
        out.push(Block::heading(2, heading.clone()));
        let rows: Vec<Vec<Cell>> = open
            .into_iter()
            .map(|item| {
                vec![
                    Cell::text(format!("{}{}", item.case_ref, names(item, with_names))),
                    Cell::text(cat.label(Section::KIND, item.section.code())),
                    Cell::text(clean(&self.open_why(cat, item))),
                ]
            })
            .collect();
        let keys = ["meeting.col_case", "meeting.col_section", "meeting.col_why"];
        out.push(Block::Table {
            table: table(&heading, &keys, cat, rows),
            total: None,
        });
    }

    /// Why a case not discussed was on the agenda; a triage item within
    /// the norm: its wait says how urgent.
    fn open_why(&self, cat: &Catalog, item: &AgendaItem) -> String {
        let mut why = self.reasons_text(cat, item);
        if item.reasons.is_empty() {
            if let Some(w) = item.waits.first() {
                why.push_str(&format!(
                    "; {}",
                    cat.fill(
                        "meeting.fact_wait",
                        &[
                            ("queue", w.queue.code().to_string()),
                            ("days", w.wait_days.to_string()),
                            ("norm", w.norm_days.to_string()),
                        ],
                    )
                ));
            }
        }
        why
    }

    /// Why a case is on the agenda, in plain words, as of the start of the
    /// day: its stoplight rules as sentences, the queues it waits in over
    /// the norm, an evaluation due, the escalation.
    pub fn reasons_text(&self, cat: &Catalog, item: &AgendaItem) -> String {
        reasons_text(cat, item, self.agenda.meeting.on, self.preconditions)
    }

    /// The facts that explain the item, as they stood at the start.
    pub fn facts_text(&self, cat: &Catalog, item: &AgendaItem) -> String {
        facts_text(cat, item)
    }

    fn precondition(&self, cat: &Catalog, code: &str) -> String {
        self.preconditions
            .iter()
            .find(|p| p.code == code)
            .map(|p| p.label(cat.lang).to_string())
            .unwrap_or_else(|| code.to_string())
    }
}

/// Why a case is on the agenda, in plain words (see [`Minutes::reasons_text`]).
pub fn reasons_text(
    cat: &Catalog,
    item: &AgendaItem,
    on: NaiveDate,
    preconditions: &[Precondition],
) -> String {
    let mut parts = Vec::new();
    let stoplight: Vec<Reason> = item
        .light
        .as_ref()
        .map(|l| {
            l.reasons
                .iter()
                .filter(|r| item.reasons.iter().any(|c| c == r.code()))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    if !stoplight.is_empty() {
        parts.push(crate::present::reasons_text(
            cat,
            &stoplight,
            on,
            preconditions,
        ));
    }
    parts.extend(
        item.reasons
            .iter()
            .filter(|code| !Reason::CODES.contains(&code.as_str()))
            .map(|code| reason_label(cat, item, code)),
    );
    // A case in triage is there for its section: a route is due.
    if item.section == Section::Triage && !item.reasons.iter().any(|r| r == "decision") {
        parts.insert(0, cat.t("meeting.route_due").to_string());
    }
    parts.join("; ")
}

/// The facts of an item: stage, waits, light, due moment, care, coordinator.
pub fn facts_text(cat: &Catalog, item: &AgendaItem) -> String {
    let mut parts = vec![cat.fill(
        "meeting.fact_stage",
        &[
            ("stage", item.stage.code().to_string()),
            ("date", people_date(item.stage_since)),
        ],
    )];
    for w in &item.waits {
        parts.push(cat.fill(
            "meeting.fact_wait",
            &[
                ("queue", w.queue.code().to_string()),
                ("days", w.wait_days.to_string()),
                ("norm", w.norm_days.to_string()),
            ],
        ));
    }
    if let Some(light) = &item.light {
        parts.push(cat.fill(
            "meeting.fact_light",
            &[("color", light_word(cat, light.color))],
        ));
    }
    if let Some(due) = &item.due {
        parts.push(cat.fill(
            "meeting.fact_due",
            &[
                (
                    "moment",
                    cat.t(&format!("meeting.moment_{}", due.moment)).to_string(),
                ),
                ("date", people_date(due.due_on)),
            ],
        ));
    }
    if let Some(t) = item.care_type {
        parts.push(cat.label("care_type", t.code()).to_string());
    }
    if let Some(p) = &item.provider {
        parts.push(p.clone());
    }
    if let Some(end) = item.planned_end_on {
        parts.push(cat.fill("meeting.fact_end", &[("date", people_date(end))]));
    }
    if let Some(w) = &item.worker {
        parts.push(cat.fill("meeting.fact_worker", &[("worker", w.clone())]));
    }
    parts.join(", ")
}

/// The words for an agenda reason code that is not a stoplight rule: a
/// queue waited in over the norm, an evaluation due, the escalation flag.
fn reason_label(cat: &Catalog, item: &AgendaItem, code: &str) -> String {
    match code {
        "escalated" => cat.label(Section::KIND, code).to_string(),
        "evaluation_due" => cat.t("meeting.evaluation_due").to_string(),
        queue => {
            let wait = item.waits.iter().find(|w| w.queue.code() == queue);
            cat.fill(
                "meeting.over_norm",
                &[
                    ("queue", queue.to_string()),
                    ("days", wait.map_or(0, |w| w.wait_days).to_string()),
                    ("norm", wait.map_or(0, |w| w.norm_days).to_string()),
                ],
            )
        }
    }
}

/// A move in words: where to, with route, care type, provider, end, reason.
fn move_text(cat: &Catalog, m: &MoveDone) -> String {
    let c = &m.change;
    let mut parts = Vec::new();
    if let Some(to) = c.to {
        parts.push(cat.fill("meeting.moved_to", &[("stage", to.code().to_string())]));
    }
    if let Some(r) = c.route {
        parts.push(cat.fill("meeting.moved_route", &[("route", r.code().to_string())]));
    }
    if let Some(t) = c.care_type {
        parts.push(cat.label("care_type", t.code()).to_string());
    }
    if let Some(p) = &c.provider {
        parts.push(clean(p));
    }
    if let Some(end) = c.planned_end_on {
        parts.push(cat.fill("meeting.fact_end", &[("date", people_date(end))]));
    }
    if let Some(r) = c.reason {
        parts.push(cat.label("outflow_reason", r.code()).to_string());
    }
    parts.join(", ")
}

/// The extension report of a move (SPEC 1.8) in words: goals reached,
/// intended outflow and what is still needed.
fn extension_text(cat: &Catalog, m: &MoveDone) -> Option<String> {
    let c = &m.change;
    let goals = c.goals?;
    let mut parts = vec![cat.label("goals", goals.code()).to_string()];
    if let Some(dest) = c.intended_outflow {
        parts.push(cat.fill(
            "meeting.intended_outflow",
            &[(
                "destination",
                cat.label("destination", dest.code()).to_string(),
            )],
        ));
    }
    if let Some(note) = &c.note {
        parts.push(cat.fill("meeting.still_needed", &[("note", clean(note))]));
    }
    Some(parts.join(", "))
}

fn light_word(cat: &Catalog, s: Signal) -> String {
    format!(
        "{} {}",
        s.symbol(),
        cat.label("signal", s.code()).to_lowercase()
    )
}

fn names(item: &AgendaItem, with_names: bool) -> String {
    if !with_names {
        return String::new();
    }
    let mut parts = Vec::new();
    if let Some(n) = &item.name {
        parts.push(clean(n));
    }
    if let Some(b) = item.birth_date {
        parts.push(people_date(b));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    }
}

/// A date for people: DD-MM-YYYY.
pub fn people_date(d: NaiveDate) -> String {
    d.format("%d-%m-%Y").to_string()
}

fn clean(s: &str) -> String {
    strip_controls(s).replace(['\n', '\r'], " ")
}

/// A table people read in the minutes, under headers from the catalog.
fn table(title: &str, header_keys: &[&str], cat: &Catalog, rows: Vec<Vec<Cell>>) -> Table<'static> {
    Table {
        title: title.to_string(),
        sheet: title.chars().take(31).collect(),
        note: None,
        keys: Vec::new(),
        headers: header_keys.iter().map(|k| cat.t(k).to_string()).collect(),
        rows: Rows::Ready(rows),
    }
}

/// A list under a heading that counts it; nothing when it is empty.
fn counted_list(what: &str, items: Vec<Bullet>, out: &mut Vec<Block<'static>>) {
    if !items.is_empty() {
        out.push(Block::heading(3, format!("{what} ({})", items.len())));
        out.push(Block::Bullets(items));
    }
}

#[cfg(test)]
mod tests;
