//! The team's meetings (SPEC 9) in the UI: the weekly case review or the
//! monthly stoplight round of a date, walked item by item. The agenda is as
//! the meeting saw it at the start of the day; beside it, the selected
//! case as it stands now and what the meeting recorded for it. Decisions,
//! moves and reviews are recorded from the item; after each, the selection
//! goes on to the next item not yet discussed.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::domain::agenda::{Kind, Meeting};
use crate::domain::stoplight::{self, StoplightRow};
use crate::domain::waitlist::{self, WaitRow};
use crate::domain::{Case, Change, Msg, Snapshot};
use crate::report::minutes::Minutes;
use crate::store::{DecisionRow, NewDecision};

use super::agenda_item::{DeskRecords, PackedAgenda, PackedItem};
use super::app::App;
use super::case_list::Scroll;
use super::compact::Packed;
use super::forms::{Field, FieldId, Form, Purpose};
use super::row_filter::RowFilter;

/// How many earlier decisions the facts show.
pub const LAST_DECISIONS: usize = 3;

/// The narrowest case column of the agenda: a team's references (ten
/// characters) and a space.
pub const MIN_REFS: usize = 11;

#[derive(Default)]
pub struct MeetingState {
    /// The meeting date chosen with the date key; None: the shown date.
    pub chosen: Option<NaiveDate>,
    /// The weekly case review (default) or the stoplight round.
    pub kind: Option<Kind>,
    /// The stoplight round with one provider.
    pub provider: Option<String>,
    /// The agenda as of the start of the meeting day: built once per
    /// meeting, so nothing recorded during it reshuffles the list.
    pub agenda: Option<Arc<PackedAgenda>>,
    /// The search typed with `/` and the filter set with `f`: only the
    /// matching items are listed (the progress counts the whole agenda).
    pub search: Option<String>,
    pub filter: RowFilter,
    /// Where the items listed stand in the agenda, while a search or filter
    /// narrows it (a word each: a country's agenda holds tens of thousands
    /// of items, and each key of a search narrows it again).
    shown: Option<Vec<u32>>,
    /// What was recorded on the meeting date.
    pub records: DeskRecords,
    pub scroll: Scroll,
    /// The selected case's facts now.
    pub facts: Option<Facts>,
    /// Set when this screen recorded something for the selected item: once
    /// it counts as discussed, the selection goes on to the next one.
    pub advance: bool,
}

/// The selected case as it stands now (at the end of the meeting date, so
/// a move made in the meeting shows at once): its waits, its stoplight, and
/// what was decided before.
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
    pub fn kind(&self) -> Kind {
        self.kind.unwrap_or(Kind::Team)
    }

    /// How many items are listed: the agenda, narrowed by the search and
    /// filter.
    pub fn listed_len(&self) -> usize {
        match &self.shown {
            Some(shown) => shown.len(),
            None => self.all_items().len(),
        }
    }

    /// The `i`th item listed.
    pub fn listed(&self, i: usize) -> Option<&PackedItem> {
        match &self.shown {
            Some(shown) => shown
                .get(i)
                .and_then(|&at| self.all_items().get(at as usize)),
            None => self.all_items().get(i),
        }
    }

    /// The items listed, in order.
    pub fn listed_items(&self) -> impl Iterator<Item = &PackedItem> {
        (0..self.listed_len()).filter_map(|i| self.listed(i))
    }

    fn all_items(&self) -> &[PackedItem] {
        self.agenda.as_ref().map_or(&[], |a| a.items.as_slice())
    }

    /// Recomputes the listed items after the agenda, search or filter
    /// changed.
    pub fn narrow(&mut self) {
        if self.search.is_none() && self.filter.is_empty() {
            self.shown = None;
            return;
        }
        let search = self.search.as_deref();
        let shown = (0u32..)
            .zip(self.all_items())
            .filter(|(_, i)| i.kept_by(search, &self.filter))
            .map(|(at, _)| at)
            .collect();
        self.shown = Some(shown);
    }

    /// The width of the agenda's case column: its longest reference and a
    /// space (a country's references are eleven characters), at least
    /// `MIN_REFS`.
    pub fn ref_width(&self) -> usize {
        self.agenda
            .as_ref()
            .map_or(0, |a| a.ref_width)
            .max(MIN_REFS)
    }

    pub fn selected(&self) -> Option<&PackedItem> {
        self.listed(self.scroll.selected)
    }

    /// Whether the meeting recorded a decision, move or review for the case.
    pub fn discussed(&self, case_id: i64) -> bool {
        self.records.discussed(case_id)
    }

    /// (items discussed, items on the agenda).
    pub fn progress(&self) -> (usize, usize) {
        let items = self.all_items();
        let done = items.iter().filter(|i| self.discussed(i.case_id)).count();
        (done, items.len())
    }

    /// The next item after `from` not yet discussed, wrapping round.
    fn next_open(&self, from: usize) -> Option<usize> {
        let n = self.listed_len();
        (1..=n).map(|k| (from + k) % n).find(|&i| {
            self.listed(i)
                .is_some_and(|item| !self.discussed(item.case_id))
        })
    }
}

impl App {
    /// The date of the meeting shown: chosen with the date key, else the
    /// shown date.
    pub fn meeting_on(&self) -> NaiveDate {
        self.meeting.chosen.unwrap_or(self.shown_date())
    }

    fn meeting(&self) -> Meeting {
        let kind = self.meeting.kind();
        Meeting {
            kind,
            on: self.meeting_on(),
            provider: self
                .meeting
                .provider
                .clone()
                .filter(|_| kind == Kind::Stoplight),
        }
    }

    /// The agenda (built once per meeting) and what was recorded on the
    /// day. When the selected item has just become discussed, the
    /// selection goes on to the next item not yet discussed.
    pub(super) fn load_meeting(&mut self) -> Result<(), Msg> {
        let meeting = self.meeting();
        let keep_agenda = self.meeting.agenda.as_ref().map(|a| &a.meeting) == Some(&meeting);
        let load = super::worker::loads::agenda_job(&self.config, meeting, self.today, keep_agenda);
        self.request(super::worker::loads::LoadKey::Agenda, load)
    }

    /// Swaps in the agenda (None: the one shown stands) and the day's
    /// records, keeping the selected case; once the selected case counts
    /// as discussed after a record of this screen, on to the next one.
    pub(super) fn apply_agenda(
        &mut self,
        agenda: Option<PackedAgenda>,
        records: DeskRecords,
    ) -> Result<(), Msg> {
        let keep = self
            .meeting
            .selected()
            .map(|i| (i.case_ref.to_string(), self.meeting.discussed(i.case_id)));
        if let Some(agenda) = agenda {
            self.meeting.agenda = Some(Arc::new(agenda));
        }
        self.meeting.narrow();
        self.meeting.records = records;
        let state = &self.meeting;
        let mut index = state.scroll.selected;
        if let Some((case_ref, was_discussed)) = keep {
            let found = state
                .listed_items()
                .enumerate()
                .find(|(_, i)| i.case_ref == case_ref);
            if let Some((i, item)) = found {
                index = i;
                let now = state.discussed(item.case_id);
                if state.advance && !was_discussed && now {
                    index = state.next_open(i).unwrap_or(i);
                }
            }
        }
        let len = state.listed_len();
        let h = self.meeting_list_height();
        self.meeting.advance = false;
        self.meeting.scroll.select(index, len, h);
        self.load_facts()
    }

    /// A new meeting (date, kind or provider): its agenda from the top.
    fn switch_meeting(&mut self) -> Result<(), Msg> {
        self.meeting.scroll = Scroll::default();
        self.meeting.agenda = None;
        self.meeting.narrow();
        self.load_meeting()
    }

    /// The other kind of meeting: the weekly review or the stoplight round.
    pub(super) fn switch_meeting_kind(&mut self) -> Result<Msg, Msg> {
        let kind = match self.meeting.kind() {
            Kind::Team => Kind::Stoplight,
            Kind::Stoplight => Kind::Team,
        };
        self.meeting.kind = Some(kind);
        self.switch_meeting()?;
        Ok(Msg::new("meeting_view.done_kind").arg("kind", kind.code()))
    }

    pub fn meeting_list_height(&self) -> usize {
        self.screen().agenda_rows().height as usize
    }

    /// Moves the selection through the agenda and loads the new case's facts.
    pub(super) fn meeting_step(&mut self, delta: isize) -> Result<(), Msg> {
        let len = self.meeting.listed_len();
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
        if !inside || index >= self.meeting.listed_len() {
            return Ok(());
        }
        let h = self.meeting_list_height();
        let len = self.meeting.listed_len();
        self.meeting.scroll.select(index, len, h);
        self.load_facts()
    }

    fn load_facts(&mut self) -> Result<(), Msg> {
        let Some(case_ref) = self.meeting.selected().map(|i| i.case_ref.to_string()) else {
            self.meeting.facts = None;
            return Ok(());
        };
        let on = self.meeting_on();
        let screen = self.load_case_at(&case_ref, (on < self.today).then_some(on))?;
        let case = screen.case;
        let mut reviews = screen.reviews;
        reviews.retain(|r| r.on <= on);
        let light = case.on_board().then(|| {
            stoplight::evaluate(
                &case,
                &reviews,
                on,
                &self.config.precondition_codes(),
                self.config.norms.care,
            )
        });
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

    /// The decision form for the selected case: what was decided, who
    /// carries it out (the case's coordinator unless said otherwise) and
    /// when the team looks at it again.
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
            Field::date(FieldId::Next, "meeting_view.form_follow_up", None, false),
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

    /// The provider of the stoplight round: one of the providers on file,
    /// or all.
    pub(super) fn meeting_provider_form(&self) -> Result<Form, Msg> {
        let known = self.choices.clone().unwrap_or_default().providers;
        let fields = vec![self.known_choice(
            FieldId::Provider,
            "field.provider",
            known,
            self.meeting.provider.as_deref(),
        )];
        Ok(Form::new(
            Purpose::MeetingProvider,
            Msg::new("meeting_view.form_provider_title"),
            fields,
        ))
    }

    pub(super) fn set_meeting_provider(&mut self, f: &Form) -> Result<Msg, Msg> {
        let provider = f.code(FieldId::Provider).map(String::from);
        self.meeting.kind = Some(Kind::Stoplight);
        self.meeting.provider = provider.clone();
        self.switch_meeting()?;
        Ok(match provider {
            Some(p) => Msg::new("meeting_view.done_provider").arg("provider", p),
            None => Msg::new("meeting_view.done_all_providers"),
        })
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
        let follow_up_on = f.date(FieldId::Next)?;
        let decision = NewDecision {
            text: &text,
            owner: owner.as_deref(),
            follow_up_on,
        };
        self.store.decide(
            case_ref,
            meeting_on,
            &decision,
            self.today,
            &self.actor,
            Some(version),
        )?;
        let done = Msg::new("meeting_view.done_decided")
            .arg("case", case_ref)
            .arg("date", meeting_on);
        Ok(self.name_warning(case_ref, &text).unwrap_or(done))
    }

    /// Sets the meeting date from the date form; a later date prepares
    /// that meeting's agenda from today's state.
    pub(super) fn set_meeting_date(&mut self, f: &Form) -> Result<Msg, Msg> {
        let on = f
            .date(FieldId::On)?
            .ok_or_else(|| Msg::new("tui.form.required"))?;
        self.meeting.chosen = Some(on);
        self.switch_meeting()?;
        Ok(Msg::new("meeting_view.done_date").arg("date", on))
    }

    /// The date a move or review recorded from the item carries: the
    /// meeting's, when it is not after today.
    pub(super) fn meeting_record_date(&self) -> Option<NaiveDate> {
        let on = self.meeting_on();
        (on <= self.today).then_some(on)
    }

    /// The default file of the minutes: `stroom-meeting-<kind>-<date>.md`.
    pub fn minutes_file(&self) -> std::path::PathBuf {
        self.export_dir.join(format!(
            "stroom-meeting-{}-{}.md",
            self.meeting.kind().code(),
            self.meeting_on()
        ))
    }

    /// The minutes of the meeting shown (no names), Markdown unless the
    /// file asks for JSON, readable by its owner only: built from the
    /// agenda loaded (shared, not copied) and written on the worker, for
    /// a country's agenda holds tens of thousands of items. None without
    /// an agenda.
    pub(super) fn minutes_job(
        &self,
        file: std::path::PathBuf,
    ) -> Option<super::worker::Job<super::worker::loads::Loaded>> {
        let packed = Arc::clone(self.meeting.agenda.as_ref()?);
        let preconditions = self.config.preconditions.clone();
        let team = self.config.team.clone();
        let (codes, care, today) = (
            self.config.precondition_codes(),
            self.config.norms.care,
            self.today,
        );
        let cat = self.cat;
        Some(super::worker::job(move |store, progress| {
            // The records whole (the desk keeps what it shows of them).
            let records = store.records_on(packed.meeting.on, today, &codes, care)?;
            let agenda = packed.unpack();
            let minutes = Minutes::new(&agenda, &records, &preconditions, &team);
            let bytes = minutes.render(super::export::format_for(&file), cat, false);
            progress.report(1, Some(2))?;
            crate::export::write_private_file(&bytes, &file)?;
            Ok(super::worker::loads::Loaded::Exported {
                count: agenda.items.len(),
                path: file,
            })
        }))
    }
}
