//! The case review as a document: the agenda of SPEC 9 for a meeting date,
//! with the decisions taken, in agenda order (`stroom export meeting`).

use std::collections::HashMap;

use chrono::NaiveDate;
use serde_json::{Map, Value, json};

use crate::config::Config;
use crate::domain::agenda::{self, AgendaItem, Decision, Section};
use crate::domain::stoplight::Reason;
use crate::domain::{Case, Msg, Snapshot};
use crate::export::{generated_at, strip_controls};
use crate::i18n::Catalog;
use crate::store::Store;

/// The agenda of a meeting and the decisions taken in it.
pub struct Minutes {
    pub meeting_on: NaiveDate,
    pub items: Vec<AgendaItem>,
    /// Decisions per case id, in the order taken.
    pub decisions: HashMap<i64, Vec<Decision>>,
    /// Cases decided on that were not on the agenda, in the order decided.
    pub extra: Vec<(i64, String)>,
    pub cases: HashMap<i64, Case>,
    /// The configured preconditions, to name them in words.
    pub preconditions: Vec<crate::config::Precondition>,
}

/// Builds the minutes of the meeting on `meeting_on` from the store.
pub fn load(
    store: &Store,
    config: &Config,
    meeting_on: NaiveDate,
    today: NaiveDate,
) -> Result<Minutes, Msg> {
    crate::domain::lifecycle::check_not_future(meeting_on, today)?;
    let day_before = meeting_on.pred_opt().unwrap_or(meeting_on);
    let snapshot: Snapshot =
        agenda::meeting_snapshot(store.agenda_snapshot(day_before, today)?, meeting_on);
    let items = agenda::agenda(&snapshot, &config.norms, &config.precondition_codes());
    let mut decisions: HashMap<i64, Vec<Decision>> = HashMap::new();
    let mut extra = Vec::new();
    for d in store.decisions_on(meeting_on)? {
        if !items.iter().any(|i| i.case_id == d.case_id)
            && !extra.iter().any(|(id, _)| *id == d.case_id)
        {
            extra.push((d.case_id, d.case_ref.clone()));
        }
        decisions.entry(d.case_id).or_default().push(d);
    }
    let cases = snapshot.cases.into_iter().map(|c| (c.id, c)).collect();
    Ok(Minutes {
        meeting_on,
        items,
        decisions,
        extra,
        cases,
        preconditions: config.preconditions.clone(),
    })
}

impl Minutes {
    fn decided(&self, case_id: i64) -> &[Decision] {
        self.decisions
            .get(&case_id)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    fn personal(&self, case_id: i64, row: &mut Map<String, Value>) {
        let case = self.cases.get(&case_id);
        row.insert("name".into(), json!(case.and_then(|c| c.name.clone())));
        row.insert(
            "birth_date".into(),
            json!(case.and_then(|c| c.birth_date).map(|d| d.to_string())),
        );
    }

    /// `{"as_of", "generated_at", "rows"}`; each row: case_ref, section,
    /// reasons, decisions (text, owner). Cases decided on outside the agenda
    /// come last with section `other`.
    pub fn to_json(&self, with_names: bool) -> Value {
        let mut rows = Vec::new();
        let items = self
            .items
            .iter()
            .map(|i| {
                (
                    i.case_id,
                    i.case_ref.as_str(),
                    i.section.code(),
                    i.reasons.clone(),
                )
            })
            .chain(
                self.extra
                    .iter()
                    .map(|(id, r)| (*id, r.as_str(), "other", Vec::new())),
            );
        for (case_id, case_ref, section, reasons) in items {
            let mut row = Map::new();
            row.insert("case_ref".into(), json!(case_ref));
            if with_names {
                self.personal(case_id, &mut row);
            }
            row.insert("section".into(), json!(section));
            row.insert("reasons".into(), json!(reasons));
            row.insert("decisions".into(), json!(self.decided(case_id)));
            rows.push(Value::Object(row));
        }
        json!({
            "as_of": self.meeting_on.to_string(),
            "generated_at": generated_at(),
            "rows": rows,
        })
    }

    /// Minutes for people: per section the cases, why they are there and
    /// what was decided.
    pub fn to_markdown(&self, cat: &Catalog, with_names: bool) -> String {
        let date = self.meeting_on.to_string();
        let mut out = format!("# {}\n\n", cat.fill("meeting.title", &[("date", date)]));
        let decided = self
            .items
            .iter()
            .filter(|i| !self.decided(i.case_id).is_empty())
            .count();
        out.push_str(&format!(
            "{}\n\n",
            cat.fill(
                "meeting.progress",
                &[
                    ("decided", decided.to_string()),
                    ("total", self.items.len().to_string())
                ]
            )
        ));
        for section in Section::ALL {
            let items: Vec<&AgendaItem> = self
                .items
                .iter()
                .filter(|i| i.section == *section)
                .collect();
            if items.is_empty() {
                continue;
            }
            out.push_str(&format!(
                "## {} ({})\n\n",
                cat.label("section", section.code()),
                items.len()
            ));
            for item in items {
                let why = self.reasons_text(cat, item);
                self.item_markdown(
                    cat,
                    item.case_id,
                    &item.case_ref,
                    &why,
                    with_names,
                    &mut out,
                );
            }
            out.push('\n');
        }
        if !self.extra.is_empty() {
            out.push_str(&format!("## {}\n\n", cat.t("meeting.other")));
            for (id, case_ref) in &self.extra {
                self.item_markdown(cat, *id, case_ref, "", with_names, &mut out);
            }
            out.push('\n');
        }
        out
    }

    /// Why a case is on the agenda, in plain words: its stoplight reasons
    /// as sentences, then the queues it waits over the norm in, and the
    /// escalation flag.
    pub fn reasons_text(&self, cat: &Catalog, item: &AgendaItem) -> String {
        let mut parts = Vec::new();
        if let Some(light) = item.light.as_ref().filter(|l| !l.reasons.is_empty()) {
            parts.push(crate::present::reasons_text(
                cat,
                &light.reasons,
                self.meeting_on,
                &self.preconditions,
            ));
        }
        parts.extend(
            item.reasons
                .iter()
                .filter(|code| !Reason::CODES.contains(&code.as_str()))
                .map(|code| reason_label(cat, code)),
        );
        parts.join("; ")
    }

    fn item_markdown(
        &self,
        cat: &Catalog,
        case_id: i64,
        case_ref: &str,
        why: &str,
        with_names: bool,
        out: &mut String,
    ) {
        let mut head = format!("- **{case_ref}**");
        if with_names {
            if let Some(name) = self.cases.get(&case_id).and_then(|c| c.name.as_deref()) {
                head.push_str(&format!(" ({})", clean(name)));
            }
        }
        if !why.is_empty() {
            head.push_str(&format!(": {}", clean(why)));
        }
        out.push_str(&head);
        out.push('\n');
        let decided = self.decided(case_id);
        if decided.is_empty() {
            out.push_str(&format!("  - {}\n", cat.t("meeting.no_decision")));
        }
        for d in decided {
            let owner = d.owner.as_deref().map(clean).unwrap_or_else(|| "–".into());
            out.push_str(&format!(
                "  - {}\n",
                cat.fill(
                    "meeting.decision",
                    &[("text", clean(&d.text)), ("owner", owner)]
                )
            ));
        }
    }
}

fn clean(s: &str) -> String {
    strip_controls(s)
}

/// The words for an agenda reason code: a stoplight rule, a queue waited in
/// over the norm, or the escalation flag.
pub fn reason_label(cat: &Catalog, code: &str) -> String {
    if Reason::CODES.contains(&code) {
        cat.label(Reason::KIND, code).to_string()
    } else if code == "escalated" {
        cat.label("section", code).to_string()
    } else {
        cat.fill("meeting.over_norm", &[("queue", code.to_string())])
    }
}
