//! The weekly case review (overleg, SPEC 9) in the UI: the agenda of a
//! meeting date, walked case by case, with the facts of the selected case
//! loaded as the selection moves, and its decisions recorded in place.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::domain::agenda::AgendaItem;
use crate::domain::stoplight::{self, StoplightRow};
use crate::domain::waitlist::{self, WaitRow};
use crate::domain::{Case, Change, Msg, Snapshot};
use crate::minutes::{self, Minutes};
use crate::store::DecisionRow;

use super::app::App;
use super::case_list::Scroll;
use super::forms::{Field, FieldId, Form, Purpose};

/// How many earlier decisions the facts show.
pub const LAST_DECISIONS: usize = 3;

#[derive(Default)]
pub struct MeetingState {
    /// The meeting date chosen with the date key; None: the shown date.
    pub chosen: Option<NaiveDate>,
    pub minutes: Option<Minutes>,
    pub scroll: Scroll,
    /// The selected case's facts.
    pub facts: Option<Facts>,
}

/// What the team needs to decide on one case: the case as it stands at the
/// end of the meeting date (so a move made in the meeting shows at once),
/// its waits, its stoplight, and what was decided before.
pub struct Facts {
    pub case: Case,
    /// One row per queue the case waits in.
    pub waits: Vec<WaitRow>,
    /// For a case in care.
    pub light: Option<StoplightRow>,
    /// The latest decisions with their meeting dates, newest first.
    pub decisions: Vec<(NaiveDate, DecisionRow)>,
}

impl MeetingState {
    pub fn items(&self) -> &[AgendaItem] {
        self.minutes.as_ref().map_or(&[], |m| m.items.as_slice())
    }

    pub fn selected(&self) -> Option<&AgendaItem> {
        self.items().get(self.scroll.selected)
    }

    /// How many decisions this meeting took on the case.
    pub fn decided(&self, case_id: i64) -> usize {
        self.minutes
            .as_ref()
            .and_then(|m| m.decisions.get(&case_id))
            .map_or(0, Vec::len)
    }

    /// (cases on the agenda with a decision, cases on the agenda).
    pub fn progress(&self) -> (usize, usize) {
        let items = self.items();
        let done = items.iter().filter(|i| self.decided(i.case_id) > 0).count();
        (done, items.len())
    }
}

impl App {
    /// The date of the meeting shown: chosen with the date key, else the
    /// shown date.
    pub fn meeting_on(&self) -> NaiveDate {
        self.meeting.chosen.unwrap_or(self.shown_date())
    }

    /// The agenda and decisions of the meeting, keeping the selected case
    /// selected.
    pub(super) fn load_meeting(&mut self) -> Result<(), Msg> {
        let keep = self.meeting.selected().map(|i| i.case_ref.clone());
        let minutes = minutes::load(&self.store, &self.config, self.meeting_on(), self.today)?;
        let index = keep
            .and_then(|r| minutes.items.iter().position(|i| i.case_ref == r))
            .unwrap_or(self.meeting.scroll.selected);
        let len = minutes.items.len();
        self.meeting.minutes = Some(minutes);
        self.meeting
            .scroll
            .select(index, len, self.meeting_list_height());
        self.load_facts()
    }

    pub fn meeting_list_height(&self) -> usize {
        self.screen().agenda_rows().height as usize
    }

    /// Moves the selection through the agenda and loads the new case's facts.
    pub(super) fn meeting_step(&mut self, delta: isize) -> Result<(), Msg> {
        let len = self.meeting.items().len();
        let h = self.meeting_list_height();
        self.meeting.scroll.step(delta, len, h);
        self.load_facts()
    }

    /// Selects the agenda row under the mouse.
    pub(super) fn click_agenda(&mut self, column: u16, row: u16) -> Result<(), Msg> {
        let area = self.screen().agenda_rows();
        let inside = (area.y..area.y + area.height).contains(&row)
            && (area.x..area.x + area.width).contains(&column);
        let index = self.meeting.scroll.offset + row.saturating_sub(area.y) as usize;
        if !inside || index >= self.meeting.items().len() {
            return Ok(());
        }
        let h = self.meeting_list_height();
        let len = self.meeting.items().len();
        self.meeting.scroll.select(index, len, h);
        self.load_facts()
    }

    fn load_facts(&mut self) -> Result<(), Msg> {
        let Some(case_ref) = self.meeting.selected().map(|i| i.case_ref.clone()) else {
            self.meeting.facts = None;
            return Ok(());
        };
        let on = self.meeting_on();
        let screen = self.load_case_at(&case_ref, (on < self.today).then_some(on))?;
        let case = screen.case;
        let mut reviews = screen.reviews;
        reviews.retain(|r| r.on <= on);
        let light = case
            .stage
            .in_care()
            .then(|| stoplight::evaluate(&case, &reviews, on, &self.config.precondition_codes()));
        let snapshot = Snapshot {
            as_of: on,
            cases: vec![case.clone()],
            reviews: HashMap::from([(case.id, reviews)]),
        };
        let waits = waitlist::waiting_list(&snapshot, &self.config.norms, None);
        // A decision's date is that of its event: the meeting it was taken in.
        let dated: HashMap<i64, NaiveDate> = screen
            .history
            .iter()
            .filter_map(|h| match h.event.change {
                Change::Decided { decision_id } => Some((decision_id, h.event.on)),
                _ => None,
            })
            .collect();
        let mut decisions: Vec<(NaiveDate, DecisionRow)> = screen
            .decisions
            .into_iter()
            .filter_map(|d| dated.get(&d.id).map(|on| (*on, d)))
            .collect();
        decisions.sort_by_key(|(on, d)| std::cmp::Reverse((*on, d.id)));
        decisions.truncate(LAST_DECISIONS);
        self.meeting.facts = Some(Facts {
            case,
            waits,
            light,
            decisions,
        });
        Ok(())
    }

    /// The decision form for the selected case: what was decided and who
    /// carries it out (the case's coordinator unless said otherwise).
    pub(super) fn decision_form(&self, case: Case) -> Form {
        let meeting_on = self.meeting_on();
        // The decision text is a note and its owner a coordinator: the
        // fields of those kinds, with the meeting's own labels.
        let fields = vec![
            Field::text(FieldId::Note, "meeting_view.form_text", None),
            Field::text(
                FieldId::Worker,
                "meeting_view.form_owner",
                case.worker.as_deref(),
            ),
        ];
        let title = Msg::new("meeting_view.form_title")
            .arg("case", &case.case_ref)
            .arg("date", meeting_on);
        Form::new(Purpose::Decision { case, meeting_on }, title, fields)
    }

    pub(super) fn meeting_date_form(&self) -> Form {
        let fields = vec![Field::date(
            FieldId::On,
            "meeting_view.form_date",
            Some(self.meeting_on()),
            true,
        )];
        Form::new(
            Purpose::MeetingDate,
            Msg::new("meeting_view.form_date_title").arg("today", self.today),
            fields,
        )
    }

    pub(super) fn save_decision(
        &mut self,
        f: &Form,
        case_ref: &str,
        version: i64,
        meeting_on: NaiveDate,
    ) -> Result<Msg, Msg> {
        let text = f.text(FieldId::Note).unwrap_or_default();
        let owner = f.text(FieldId::Worker);
        self.store.record_decision(
            case_ref,
            meeting_on,
            &text,
            owner.as_deref(),
            self.today,
            &self.actor,
            Some(version),
        )?;
        Ok(Msg::new("meeting_view.done_decided")
            .arg("case", case_ref)
            .arg("date", meeting_on))
    }

    /// Sets the meeting date from the date form.
    pub(super) fn set_meeting_date(&mut self, f: &Form) -> Result<Msg, Msg> {
        let on = f
            .date(FieldId::On)?
            .ok_or_else(|| Msg::new("tui.form.required"))?;
        crate::domain::lifecycle::check_not_future(on, self.today)?;
        self.meeting.chosen = Some(on);
        self.meeting.scroll = Scroll::default();
        self.meeting.minutes = None;
        self.load_meeting()?;
        Ok(Msg::new("meeting_view.done_date").arg("date", on))
    }
}
