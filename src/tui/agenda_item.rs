//! The meeting's agenda as the desk keeps it (see `compact`). A domain
//! `AgendaItem` owns its reference, reason codes, provider and coordinator
//! as `String`s and, for a case on the board, a whole `StoplightRow` (about
//! 1.2 KB an item; the weekly agenda of a country holds some 35,000 items,
//! the stoplight round every case in care). Kept here, the names and codes
//! are shared per load, the light is a compact board row, and an item turns
//! back into an `AgendaItem` only when it is shown in full (the selected
//! one) or the minutes are written (on the worker).

use std::sync::Arc;

use chrono::NaiveDate;
use compact_str::CompactString;

use crate::domain::agenda::{Agenda, AgendaItem, DueMoment, Meeting, Section, WaitFact};
use crate::domain::codes::{CareType, Stage};
use crate::domain::waitlist::Signal;

use super::board_row::{BoardRow, Interner};

/// An agenda with its items kept compact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackedAgenda {
    pub meeting: Meeting,
    pub items: Vec<PackedItem>,
    /// The longest case reference plus a space: the list's case column.
    pub ref_width: usize,
}

/// One item of the agenda, kept compact; `unpack` gives it back whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackedItem {
    pub case_id: i64,
    pub case_ref: CompactString,
    pub section: Section,
    reasons: Box<[Arc<str>]>,
    stage: Stage,
    stage_since: NaiveDate,
    care_type: Option<CareType>,
    pub provider: Option<Arc<str>>,
    pub worker: Option<Arc<str>>,
    planned_end_on: Option<NaiveDate>,
    name: Option<Box<str>>,
    birth_date: Option<NaiveDate>,
    waits: Box<[WaitFact]>,
    /// Boxed: most items of the weekly review have no light.
    light: Option<Box<BoardRow>>,
    /// The due moment, of this item's case.
    due: Option<PackedDue>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct PackedDue {
    moment: Arc<str>,
    due_on: NaiveDate,
    signal: Signal,
}

impl PackedAgenda {
    /// Packs an agenda item by item, each item's own strings freed as it
    /// is packed.
    pub fn pack(agenda: Agenda) -> PackedAgenda {
        let mut names = Interner::default();
        let items: Vec<PackedItem> = agenda
            .items
            .into_iter()
            .map(|i| PackedItem::pack(i, &mut names))
            .collect();
        let longest = items.iter().map(|i| i.case_ref.chars().count()).max();
        PackedAgenda {
            meeting: agenda.meeting,
            items,
            ref_width: longest.unwrap_or(0) + 1,
        }
    }

    /// The whole agenda again (for the minutes).
    pub fn unpack(&self) -> Agenda {
        Agenda {
            meeting: self.meeting.clone(),
            items: self.items.iter().map(PackedItem::unpack).collect(),
        }
    }
}

impl PackedItem {
    fn pack(item: AgendaItem, names: &mut Interner) -> PackedItem {
        PackedItem {
            case_id: item.case_id,
            case_ref: CompactString::from(item.case_ref),
            section: item.section,
            reasons: item.reasons.iter().map(|r| names.intern(r)).collect(),
            stage: item.stage,
            stage_since: item.stage_since,
            care_type: item.care_type,
            provider: item.provider.as_deref().map(|p| names.intern(p)),
            worker: item.worker.as_deref().map(|w| names.intern(w)),
            planned_end_on: item.planned_end_on,
            name: item.name.map(String::into_boxed_str),
            birth_date: item.birth_date,
            waits: item.waits.into_boxed_slice(),
            light: item.light.map(|l| Box::new(names.pack(l))),
            due: item.due.map(|d| PackedDue {
                moment: names.intern(&d.moment),
                due_on: d.due_on,
                signal: d.signal,
            }),
        }
    }

    /// The item as the agenda built it.
    pub fn unpack(&self) -> AgendaItem {
        AgendaItem {
            case_id: self.case_id,
            case_ref: self.case_ref.to_string(),
            section: self.section,
            reasons: self.reasons.iter().map(|r| r.to_string()).collect(),
            stage: self.stage,
            stage_since: self.stage_since,
            care_type: self.care_type,
            provider: self.provider.as_deref().map(str::to_owned),
            worker: self.worker.as_deref().map(str::to_owned),
            planned_end_on: self.planned_end_on,
            name: self.name.as_deref().map(str::to_owned),
            birth_date: self.birth_date,
            waits: self.waits.to_vec(),
            light: self.light.as_deref().map(BoardRow::unpack),
            due: self.due.as_ref().map(|d| DueMoment {
                case_id: self.case_id,
                moment: d.moment.to_string(),
                due_on: d.due_on,
                signal: d.signal,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::agenda::Kind;

    /// Every item of both meetings of a demo team comes back as built.
    #[test]
    fn agendas_come_back_whole() {
        let (_dir, store) = crate::store::tests::demo_store(7, 600);
        let today = crate::domain::dates::parse_date("2026-11-22").unwrap();
        let config = crate::context::config::Config::default();
        let codes = config.precondition_codes();
        let rules = &config.evaluation;
        let mut due_seen = false;
        for kind in [Kind::Team, Kind::Stoplight] {
            let meeting = Meeting {
                kind,
                on: today,
                provider: None,
            };
            let agenda = store
                .meeting_agenda(meeting, today, &config.norms, &codes, rules)
                .unwrap();
            assert!(agenda.items.iter().any(|i| i.light.is_some()), "{kind:?}");
            due_seen |= agenda.items.iter().any(|i| i.due.is_some());
            let packed = PackedAgenda::pack(agenda.clone());
            assert_eq!(packed.unpack(), agenda, "{kind:?}");
        }
        assert!(due_seen);
    }
}
