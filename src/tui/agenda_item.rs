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

use crate::domain::agenda::{
    Agenda, AgendaItem, Decision, DueMoment, Meeting, Records, Section, WaitFact,
};
use crate::domain::codes::{CareType, Stage};
use crate::domain::waitlist::Signal;

use super::board_row::{BoardRow, Interner};

/// What the meeting recorded on its date, as the desk shows it: the
/// decisions whole, of a move the stage it went to, of a review the light
/// before and after, and the cases discussed in order for a binary search.
/// The domain's records hold every move's fields and every review's
/// statuses (about 6 MB for the 11,000 records of a country's day); the
/// minutes read them again on the worker.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeskRecords {
    pub decisions: Vec<Decision>,
    moves: Vec<(i64, Option<Stage>)>,
    reviews: Vec<(i64, Signal, Signal)>,
    discussed: Vec<i64>,
}

impl DeskRecords {
    pub fn pack(records: Records) -> DeskRecords {
        let moves = records
            .moves
            .iter()
            .map(|m| (m.case_id, m.change.to))
            .collect();
        let reviews = records
            .reviews
            .iter()
            .map(|r| (r.case_id, r.before, r.after))
            .collect();
        let mut discussed: Vec<i64> = records.discussed().into_iter().collect();
        discussed.sort_unstable();
        DeskRecords {
            decisions: records.decisions,
            moves,
            reviews,
            discussed,
        }
    }

    /// Whether a decision, move or review was recorded for the case
    /// (SPEC 9.3).
    pub fn discussed(&self, case_id: i64) -> bool {
        self.discussed.binary_search(&case_id).is_ok()
    }

    pub fn decisions_of(&self, case_id: i64) -> impl Iterator<Item = &Decision> {
        self.decisions.iter().filter(move |d| d.case_id == case_id)
    }

    /// The stage each move of the case went to, in the order recorded.
    pub fn moves_of(&self, case_id: i64) -> impl Iterator<Item = Option<Stage>> + '_ {
        self.moves
            .iter()
            .filter(move |m| m.0 == case_id)
            .map(|m| m.1)
    }

    /// The light before and after each review of the case.
    pub fn reviews_of(&self, case_id: i64) -> impl Iterator<Item = (Signal, Signal)> + '_ {
        self.reviews
            .iter()
            .filter(move |r| r.0 == case_id)
            .map(|r| (r.1, r.2))
    }
}

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
    use crate::context::config::Config;
    use crate::domain::agenda::Kind;
    use crate::store::Store;

    /// A demo team of 600 on its last day, with the default settings.
    fn demo_day() -> (tempfile::TempDir, Store, NaiveDate, Config) {
        let (dir, store) = crate::store::tests::demo_store(7, 600);
        let today = crate::domain::dates::parse_date("2026-11-22").unwrap();
        (dir, store, today, Config::default())
    }

    /// Every item of both meetings of a demo team comes back as built.
    #[test]
    fn agendas_come_back_whole() {
        let (_dir, store, today, config) = demo_day();
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

    /// The desk's records of a demo team's day say, of every case, what
    /// the whole records say: discussed or not, the stage of each move and
    /// the lights around each review.
    #[test]
    fn desk_records_say_what_the_records_say() {
        let (_dir, store, today, config) = demo_day();
        let codes = config.precondition_codes();
        let records = store
            .records_on(today, today, &codes, config.norms.care)
            .unwrap();
        assert!(!records.moves.is_empty() && !records.reviews.is_empty());
        let desk = DeskRecords::pack(records.clone());
        let discussed = records.discussed();
        for case_id in 0..=610 {
            assert_eq!(desk.discussed(case_id), discussed.contains(&case_id));
            let moves: Vec<_> = records.moves_of(case_id).map(|m| m.change.to).collect();
            assert_eq!(desk.moves_of(case_id).collect::<Vec<_>>(), moves);
            let reviews: Vec<_> = records
                .reviews_of(case_id)
                .map(|r| (r.before, r.after))
                .collect();
            assert_eq!(desk.reviews_of(case_id).collect::<Vec<_>>(), reviews);
        }
        assert_eq!(desk.decisions, records.decisions);
    }
}
