//! A case (casus) and the dated events that make up its history. The state of
//! a case is never edited directly: it is the replay of its events, so the
//! state at any past date (SPEC 5) is the replay of the events up to that date.

use chrono::NaiveDate;
use serde::Serialize;

use super::Msg;
use super::codes::{CareType, Destination, Goals, OutflowReason, Referrer, Route, Stage, Urgency};

/// One referral of one young person, as it stands after some events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Case {
    /// Row id in the store; 0 before it is stored.
    pub id: i64,
    pub case_ref: String,
    /// Personal data. Kept on the case only, never in events, so that it can
    /// be purged without touching the (append-only) history.
    pub name: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub referred_on: NaiveDate,
    pub referrer: Referrer,
    pub urgency: Urgency,
    pub worker: Option<String>,
    pub stage: Stage,
    /// Date of the move into the current stage.
    pub stage_since: NaiveDate,
    pub route: Option<Route>,
    pub care_type: Option<CareType>,
    pub provider: Option<String>,
    pub bridging_care: bool,
    pub intake_on: Option<NaiveDate>,
    pub triaged_on: Option<NaiveDate>,
    pub care_started_on: Option<NaiveDate>,
    /// Start of the care clock: the decision that put the case in `waiting`.
    pub waiting_since: Option<NaiveDate>,
    pub planned_end_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub outflow_reason: Option<OutflowReason>,
    /// Where the young person went next (SPEC 1.6): set when closed, the
    /// named destination or the one the reason implies.
    pub destination: Option<Destination>,
    pub escalated: bool,
    /// 1 for the first referral, +1 at each reopening.
    pub episode: u32,
    /// Number of events applied: a form that read version N may only write
    /// while the case is still at version N.
    pub version: i64,
}

/// One dated fact in a case's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Business date: when it happened.
    pub on: NaiveDate,
    /// Order of recording (the store's row id); breaks ties between events
    /// on the same date.
    pub seq: i64,
    pub change: Change,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The case arrives (its first event).
    Referred(Referral),
    Moved(Move),
    Set(FieldChange),
    Reviewed {
        review_id: i64,
    },
    Decided {
        decision_id: i64,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referral {
    pub referrer: Referrer,
    pub urgency: Urgency,
    pub worker: Option<String>,
}

/// A move between stages, normalised by `lifecycle::plan_move`: every value a
/// replay needs is in it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Move {
    pub to: Option<Stage>,
    pub route: Option<Route>,
    pub care_type: Option<CareType>,
    pub provider: Option<String>,
    pub planned_end_on: Option<NaiveDate>,
    pub reason: Option<OutflowReason>,
    /// `--destination`, only when closing (SPEC 1.6); None: from the reason.
    pub destination: Option<Destination>,
    /// The extension report (SPEC 1.8), only on a move out of evaluation.
    pub goals: Option<Goals>,
    pub intended_outflow: Option<Destination>,
    /// What is still needed.
    pub note: Option<String>,
}

impl Move {
    pub fn to(stage: Stage) -> Move {
        Move {
            to: Some(stage),
            ..Move::default()
        }
    }

    pub fn target(&self) -> Stage {
        self.to.expect("a planned move names its stage")
    }

    /// Whether the move carries (part of) an extension report.
    pub fn has_report(&self) -> bool {
        self.goals.is_some() || self.intended_outflow.is_some() || self.note.is_some()
    }
}

/// A change of one field (`stroom set`). Name and birth date changes are
/// recorded without their values (personal data stays out of the history).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldChange {
    Name,
    BirthDate,
    Urgency(Urgency),
    Worker(Option<String>),
    Provider(Option<String>),
    PlannedEnd(Option<NaiveDate>),
    BridgingCare(bool),
    Escalated(bool),
}

impl FieldChange {
    /// The field codes that `stroom set` accepts (SPEC 6).
    pub const FIELDS: &'static [&'static str] = &[
        "name",
        "birth_date",
        "urgency",
        "worker",
        "provider",
        "planned_end_on",
        "bridging_care",
        "escalated",
    ];

    pub fn field(&self) -> &'static str {
        match self {
            FieldChange::Name => "name",
            FieldChange::BirthDate => "birth_date",
            FieldChange::Urgency(_) => "urgency",
            FieldChange::Worker(_) => "worker",
            FieldChange::Provider(_) => "provider",
            FieldChange::PlannedEnd(_) => "planned_end_on",
            FieldChange::BridgingCare(_) => "bridging_care",
            FieldChange::Escalated(_) => "escalated",
        }
    }

    /// The new value as stored in the event (None for personal data).
    pub fn value(&self) -> Option<String> {
        match self {
            FieldChange::Name | FieldChange::BirthDate => None,
            FieldChange::Urgency(u) => Some(u.code().to_string()),
            FieldChange::Worker(w) | FieldChange::Provider(w) => w.clone(),
            FieldChange::PlannedEnd(d) => d.map(|d| d.to_string()),
            FieldChange::BridgingCare(b) | FieldChange::Escalated(b) => Some(b.to_string()),
        }
    }
}

/// The longest name, coordinator, provider or decision owner, in characters.
pub const MAX_SHORT_TEXT: usize = 200;
/// The longest review note or decision text, in characters.
pub const MAX_LONG_TEXT: usize = 4000;

/// Refuses free text longer than `max` characters: an accepted value must
/// fit every export (a spreadsheet cell holds 32,767) and every screen.
/// Refuses too an invisible control character (an escape sequence, a bidi
/// override): such a name could steer a terminal or reorder what a reader
/// sees. A long text (a note, a decision) may hold line breaks and tabs.
pub fn check_length(field: &'static str, value: Option<&str>, max: usize) -> Result<(), Msg> {
    let count = value.map_or(0, |v| v.chars().count());
    if count > max {
        return Err(Msg::new("error.text_too_long")
            .arg("field", field)
            .arg("count", count)
            .arg("max", max));
    }
    let layout_allowed = max > MAX_SHORT_TEXT;
    let hidden = value.and_then(|v| {
        v.chars().position(|c| {
            let layout = c == '\n' || c == '\t' || c == '\r';
            (c.is_control() && !(layout && layout_allowed)) || super::access::is_bidi_control(c)
        })
    });
    if let Some(at) = hidden {
        return Err(Msg::new("error.text_control")
            .arg("field", field)
            .arg("position", at + 1));
    }
    Ok(())
}

impl Case {
    /// The free-text fields of the case within their bounds.
    pub fn check_texts(&self) -> Result<(), Msg> {
        check_length("name", self.name.as_deref(), MAX_SHORT_TEXT)?;
        check_length("worker", self.worker.as_deref(), MAX_SHORT_TEXT)?;
        check_length("provider", self.provider.as_deref(), MAX_SHORT_TEXT)
    }

    /// A case as it is right after its referral event.
    pub fn referred(id: i64, case_ref: &str, on: NaiveDate, referral: &Referral) -> Case {
        Case {
            id,
            case_ref: case_ref.to_string(),
            name: None,
            birth_date: None,
            referred_on: on,
            referrer: referral.referrer,
            urgency: referral.urgency,
            worker: referral.worker.clone(),
            stage: Stage::Referred,
            stage_since: on,
            route: None,
            care_type: None,
            provider: None,
            bridging_care: false,
            intake_on: None,
            triaged_on: None,
            care_started_on: None,
            waiting_since: None,
            planned_end_on: None,
            closed_on: None,
            outflow_reason: None,
            destination: None,
            escalated: false,
            episode: 1,
            version: 1,
        }
    }

    /// Applies one event (after the referral) to the state.
    pub fn apply(&mut self, event: &Event) {
        self.version += 1;
        match &event.change {
            Change::Referred(r) => {
                // A second referral event cannot occur; replay keeps the first.
                debug_assert!(false, "second referral event for {}: {r:?}", self.case_ref);
            }
            Change::Moved(m) => self.apply_move(event.on, m),
            Change::Set(f) => self.apply_set(f),
            Change::Reviewed { .. } | Change::Decided { .. } => {}
        }
    }

    fn apply_move(&mut self, on: NaiveDate, m: &Move) {
        let from = self.stage;
        let to = m.target();
        if from == Stage::Closed && to == Stage::Referred {
            self.reopen(on);
            return;
        }
        if let Some(p) = &m.provider {
            self.provider = Some(p.clone());
        }
        if let Some(d) = m.planned_end_on {
            self.planned_end_on = Some(d);
        }
        if let Some(t) = m.care_type {
            self.care_type = Some(t);
        }
        if let Some(r) = m.route {
            self.route = Some(r);
        }
        if from == Stage::Triage && m.route.is_some() {
            self.triaged_on = Some(on);
        }
        match to {
            Stage::Referred => {}
            Stage::Intake => self.intake_on = Some(on),
            Stage::Triage => {}
            Stage::Waiting => self.waiting_since = Some(on),
            Stage::InCare => {
                if self.care_started_on.is_none() {
                    self.care_started_on = Some(on);
                }
                self.waiting_since = None;
                self.bridging_care = false;
            }
            Stage::Evaluation => {}
            Stage::Closed => {
                self.closed_on = Some(on);
                self.outflow_reason = m.reason;
                self.destination = m.destination.or(m.reason.map(Destination::default_for));
                self.waiting_since = None;
                self.bridging_care = false;
            }
        }
        self.stage = to;
        self.stage_since = on;
    }

    /// A closed case comes back as a new referral; the old history stays in
    /// the events, the lifecycle fields start afresh.
    fn reopen(&mut self, on: NaiveDate) {
        self.episode += 1;
        self.stage = Stage::Referred;
        self.stage_since = on;
        self.referred_on = on;
        self.route = None;
        self.care_type = None;
        self.provider = None;
        self.bridging_care = false;
        self.intake_on = None;
        self.triaged_on = None;
        self.care_started_on = None;
        self.waiting_since = None;
        self.planned_end_on = None;
        self.closed_on = None;
        self.outflow_reason = None;
        self.destination = None;
        self.escalated = false;
    }

    fn apply_set(&mut self, f: &FieldChange) {
        match f {
            FieldChange::Name | FieldChange::BirthDate => {}
            FieldChange::Urgency(u) => self.urgency = *u,
            FieldChange::Worker(w) => self.worker = w.clone(),
            FieldChange::Provider(p) => self.provider = p.clone(),
            FieldChange::PlannedEnd(d) => self.planned_end_on = *d,
            FieldChange::BridgingCare(b) => self.bridging_care = *b,
            FieldChange::Escalated(b) => self.escalated = *b,
        }
    }

    /// Whether the case is on the stoplight board (SPEC 3): in care or
    /// evaluation, or waiting for a next provider after a step in an episode
    /// whose care has already started (doorplaatsing).
    pub fn on_board(&self) -> bool {
        self.stage.in_care() || (self.stage == Stage::Waiting && self.care_started_on.is_some())
    }

    /// Age in whole years on `on`, when the birth date is known.
    pub fn age_on(&self, on: NaiveDate) -> Option<i32> {
        self.birth_date.map(|b| super::dates::age_on(b, on))
    }
}

/// Sorts events into replay order: by business date, then recording order.
pub fn sort_for_replay(events: &mut [Event]) {
    events.sort_by_key(|e| (e.on, e.seq));
}

/// Rebuilds a case from its events (in replay order) as it stood at the end
/// of `as_of`; None when it had not yet been referred. Personal data is not
/// in the events: the caller copies it from the stored case.
pub fn replay(id: i64, case_ref: &str, events: &[Event], as_of: Option<NaiveDate>) -> Option<Case> {
    let mut iter = events
        .iter()
        .take_while(|e| as_of.is_none_or(|d| e.on <= d));
    let first = iter.next()?;
    let Change::Referred(referral) = &first.change else {
        return None;
    };
    let mut case = Case::referred(id, case_ref, first.on, referral);
    for event in iter {
        case.apply(event);
    }
    Some(case)
}

/// One `FIELD=VALUE` of `stroom set` (and the UI's edits), parsed. Personal
/// fields carry their value here; the event records only that they changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assignment {
    Name(Option<String>),
    BirthDate(Option<NaiveDate>),
    Field(FieldChange),
}

impl Assignment {
    pub fn change(&self) -> FieldChange {
        match self {
            Assignment::Name(_) => FieldChange::Name,
            Assignment::BirthDate(_) => FieldChange::BirthDate,
            Assignment::Field(f) => f.clone(),
        }
    }

    /// Parses `field=value`; an empty value clears an optional field.
    pub fn parse(text: &str) -> Result<Assignment, super::Msg> {
        use super::Msg;
        let (field, value) = text
            .split_once('=')
            .ok_or_else(|| Msg::new("error.bad_assignment").arg("value", text))?;
        let value = value.trim();
        let opt = || (!value.is_empty()).then(|| value.to_string());
        let date = || -> Result<Option<NaiveDate>, Msg> {
            opt().map(|v| super::dates::parse_date(&v)).transpose()
        };
        let flag = || match value.to_ascii_lowercase().as_str() {
            "true" | "yes" | "ja" | "1" => Ok(true),
            "false" | "no" | "nee" | "0" => Ok(false),
            _ => Err(Msg::new("error.bad_bool").arg("value", value)),
        };
        Ok(match field.trim() {
            "name" => Assignment::Name(opt()),
            "birth_date" => Assignment::BirthDate(date()?),
            "urgency" => Assignment::Field(FieldChange::Urgency(value.parse()?)),
            "worker" => Assignment::Field(FieldChange::Worker(opt())),
            "provider" => Assignment::Field(FieldChange::Provider(opt())),
            "planned_end_on" => Assignment::Field(FieldChange::PlannedEnd(date()?)),
            "bridging_care" => Assignment::Field(FieldChange::BridgingCare(flag()?)),
            "escalated" => Assignment::Field(FieldChange::Escalated(flag()?)),
            other => {
                return Err(Msg::new("error.unknown_field")
                    .arg("field", other)
                    .arg("allowed", FieldChange::FIELDS.join(", ")));
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_text_is_bounded_and_free_of_hidden_characters() {
        let key = |field, text: &str, max| {
            check_length(field, Some(text), max)
                .map_err(|m| (m.key, m.get("position").map(str::to_string)))
        };
        assert_eq!(key("name", &"x".repeat(200), MAX_SHORT_TEXT), Ok(()));
        assert_eq!(
            key("name", &"x".repeat(201), MAX_SHORT_TEXT).unwrap_err().0,
            "error.text_too_long"
        );
        assert_eq!(
            key("name", "Daan \u{1b}[2J", MAX_SHORT_TEXT),
            Err(("error.text_control", Some("6".into())))
        );
        assert_eq!(
            key("name", "\u{202e}naaD", MAX_SHORT_TEXT),
            Err(("error.text_control", Some("1".into())))
        );
        assert_eq!(
            key("name", "Daan\nJansen", MAX_SHORT_TEXT),
            Err(("error.text_control", Some("5".into())))
        );
        // A note may run over lines; an escape stays refused there too.
        assert_eq!(key("note", "eerste regel\n\ttweede", MAX_LONG_TEXT), Ok(()));
        assert_eq!(
            key("note", "regel\u{7}", MAX_LONG_TEXT),
            Err(("error.text_control", Some("6".into())))
        );
        assert_eq!(key("name", "Zoë Ångström-Öztürk", MAX_SHORT_TEXT), Ok(()));
        assert_eq!(check_length("worker", None, MAX_SHORT_TEXT), Ok(()));
    }
}
