//! `App::step`: the one place where an action changes the state. Every
//! write goes through the same `Store` methods as the command line, with the
//! version of the case read when its form opened.

use chrono::NaiveDate;

use super::case_list::opening_filter;
use crate::domain::lifecycle::{check_not_future, next_stage, plan_move};
use crate::domain::{Assignment, FieldChange, Move, Msg, ReviewInput, Stage, Status};
use crate::store::{AccessAction, CaseState, NewReferral};

use super::action::{Action, Edit, View};
use super::app::{App, Confirm, Mode, OnYes, Overlay, Tone};
use super::export::{ExportJob, ExportSource, default_file, format_for};
use super::forms::{
    Field, FieldId, Form, Purpose, apply_edit, move_fields, move_fields_for, move_request,
};
use super::keymap::{help_len, writes};
use super::layout::tab_at;
use super::row_filter::RowFilter;
use super::worker::loads::{self, LoadKey, Loaded};

type Step = Result<(), Msg>;

impl App {
    /// Applies one action; returns whether the screen must be redrawn.
    pub fn step(&mut self, action: Action) -> bool {
        match action {
            Action::Resize { width, height } => {
                self.width = width;
                self.height = height;
                self.after(|app| app.fit_to_screen());
                self.fit_board();
                return true;
            }
            Action::Quit => {
                self.quit = true;
                return true;
            }
            _ => {}
        }
        // Slow work first shows that it started, then runs (event loop);
        // a still screen would look like a hang.
        if self.defer_slow && self.pending.is_none() && self.is_slow(action) {
            self.pending = Some(action);
            self.notify(Tone::Info, Msg::new("tui.busy"));
            return true;
        }
        self.notice = None;
        let result = match self.mode() {
            Mode::Help => self.step_help(action),
            Mode::Confirm => self.step_confirm(action),
            Mode::Form => self.step_form(action),
            Mode::Search => self.step_search(action),
            Mode::CaseScreen => self
                .refuse_for_role(action)
                .and_then(|()| self.step_case_screen(action)),
            Mode::View(_) => self
                .refuse_for_role(action)
                .and_then(|()| self.step_view(action)),
        };
        if let Err(msg) = result {
            self.notify(Tone::Error, msg);
        }
        true
    }

    /// Whether `action` starts work that takes seconds: loading the demo
    /// team, or saving an export when it runs here (on the worker the
    /// export's own "bezig…" says it started).
    fn is_slow(&self, action: Action) -> bool {
        match (self.mode(), action) {
            (Mode::View(_) | Mode::CaseScreen, Action::LoadDemo) => true,
            (Mode::Form, Action::Save | Action::Submit) if self.loader.is_here() => {
                self.form().is_some_and(|f| {
                    matches!(f.purpose, Purpose::Export { .. })
                        && (action == Action::Save || f.on_last_field())
                })
            }
            _ => false,
        }
    }

    /// Runs the slow work the screen announced; returns whether it redraws.
    pub fn run_pending(&mut self) -> bool {
        match self.pending.take() {
            Some(action) => {
                self.defer_slow = false;
                let dirty = self.step(action);
                self.defer_slow = true;
                dirty
            }
            None => false,
        }
    }

    fn after(&mut self, f: impl FnOnce(&mut App) -> Step) {
        if let Err(msg) = f(self) {
            self.notify(Tone::Error, msg);
        }
    }

    /// After a resize: keep the selections on screen.
    fn fit_to_screen(&mut self) -> Step {
        let h = self.table_height();
        let sel = self.waitlist.scroll.selected;
        let wh = self.waitlist_height();
        self.waitlist.select(sel, 1, wh);
        let len = self.meeting.listed_len();
        let sel = self.meeting.scroll.selected;
        let mh = self.meeting_list_height();
        self.meeting.scroll.select(sel, len, mh);
        let sel = self.cases.scroll.selected;
        self.cases.select(&self.store, sel, h)
    }

    fn step_help(&mut self, action: Action) -> Step {
        let page = self.screen().help_page();
        // The last line of help stops at the bottom of the popup.
        let last = help_len(self.store.may_write()).saturating_sub(page);
        let Some(Overlay::Help { scroll }) = self.overlays.last_mut() else {
            return Ok(());
        };
        let s = *scroll;
        *scroll = match action {
            Action::Back | Action::Help => {
                self.overlays.pop();
                return Ok(());
            }
            Action::Down | Action::ScrollDown => s.saturating_add(1),
            Action::Up | Action::ScrollUp => s.saturating_sub(1),
            Action::PageDown => s.saturating_add(page),
            Action::PageUp => s.saturating_sub(page),
            Action::Top => 0,
            Action::Bottom => last,
            _ => s,
        }
        .min(last);
        Ok(())
    }

    /// A yes/no question: yes does what it asked, no goes back to the form.
    fn step_confirm(&mut self, action: Action) -> Step {
        let Some(Overlay::Confirm(c)) = self.overlays.last() else {
            return Ok(());
        };
        let on_yes = c.on_yes;
        match action {
            Action::Submit | Action::Save => {
                self.overlays.pop();
                match on_yes {
                    OnYes::DiscardForm => {
                        self.close_form();
                        Ok(())
                    }
                    OnYes::SaveAnyway => {
                        if let Some(f) = self.form_mut() {
                            f.confirmed = true;
                        }
                        self.submit_form()
                    }
                }
            }
            Action::Back => {
                self.overlays.pop();
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn ask(&mut self, question: Msg, on_yes: OnYes) {
        self.overlays
            .push(Overlay::Confirm(Confirm { question, on_yes }));
    }

    fn step_view(&mut self, action: Action) -> Step {
        if self.view == View::Stoplight {
            if let Some(result) = self.step_board(action) {
                return result;
            }
        }
        match action {
            Action::Show(v) => self.show(v),
            Action::Up | Action::ScrollUp => self.move_selection(-1),
            Action::Down | Action::ScrollDown => self.move_selection(1),
            Action::PageUp => self.move_selection(-(self.table_height() as isize)),
            Action::PageDown => self.move_selection(self.table_height() as isize),
            Action::Top => self.move_selection(isize::MIN / 2),
            Action::Bottom => self.move_selection(isize::MAX / 2),
            Action::Open => self.open_case(),
            Action::NextSection if self.view == View::Waitlist => {
                self.next_queue();
                Ok(())
            }
            Action::Back => self.clear_filters(),
            Action::Search
                if matches!(
                    self.view,
                    View::Cases | View::Waitlist | View::Stoplight | View::Meeting
                ) =>
            {
                // Each `/` starts a fresh search.
                self.overlays
                    .push(Overlay::Search(tui_input::Input::default()));
                Ok(())
            }
            Action::Filter if self.view == View::Cases => self.open_filter(),
            Action::Filter
                if matches!(self.view, View::Waitlist | View::Stoplight | View::Meeting) =>
            {
                self.open_row_filter()
            }
            Action::Click { column, row } => self.click(column, row),
            Action::PeriodEarlier
            | Action::PeriodLater
            | Action::PeriodLonger
            | Action::PeriodShorter
            | Action::NextDisplay
                if self.view == View::Flow =>
            {
                self.step_flow(action)
            }
            Action::Decide if self.view == View::Meeting => {
                self.refuse_in_past()?;
                self.refuse_future_meeting()?;
                let case = self.store.case(&self.target()?)?;
                let form = self.decision_form(case);
                self.open_form(form);
                Ok(())
            }
            Action::MeetingDate if self.view == View::Meeting => {
                let form = self.meeting_date_form();
                self.open_form(form);
                Ok(())
            }
            Action::MeetingKind if self.view == View::Meeting => {
                let msg = self.switch_meeting_kind()?;
                self.notify(Tone::Info, msg);
                Ok(())
            }
            Action::MeetingProvider if self.view == View::Meeting => {
                let form = self.meeting_provider_form()?;
                self.open_form(form);
                Ok(())
            }
            other => self.step_common(other),
        }
    }

    /// Keys that work on lists and on the case screen alike.
    fn step_common(&mut self, action: Action) -> Step {
        match action {
            Action::LoadDemo => self.load_demo(),
            Action::Help => {
                self.overlays.push(Overlay::Help { scroll: 0 });
                Ok(())
            }
            Action::TimeTravel => self.open_time_travel(),
            Action::Today if self.as_of.is_some() => self.go_to(None),
            Action::Export => self.open_export(),
            Action::NewReferral => self.open_new_referral(),
            Action::MoveCase => self.open_move(),
            Action::Review => self.open_review(),
            Action::AssignWorker => self.open_worker(),
            Action::ToggleEscalated => self.toggle(true),
            Action::ToggleBridging => self.toggle(false),
            _ => Ok(()),
        }
    }

    fn step_case_screen(&mut self, action: Action) -> Step {
        let page = self.screen().body().height.saturating_sub(2).max(1);
        let cat = self.cat;
        let Some(screen) = self.case_screen_mut() else {
            return Ok(());
        };
        // The draw records how far the text can scroll; keys stop there.
        let last = screen.last_scroll.get();
        let s = screen.scroll;
        match action {
            Action::Back => self.close_case_screen(),
            Action::Down | Action::ScrollDown => screen.scroll = s.saturating_add(1).min(last),
            Action::Up | Action::ScrollUp => screen.scroll = s.saturating_sub(1),
            Action::PageDown => screen.scroll = s.saturating_add(page).min(last),
            Action::PageUp => screen.scroll = s.saturating_sub(page),
            Action::Top => screen.scroll = 0,
            Action::Bottom => screen.scroll = last,
            Action::Show(v) => {
                let at = self.target_case_ref();
                self.close_case_screen();
                return self.show_at(v, at);
            }
            Action::Click { column, row: 0 } => {
                if let Some(v) = tab_at(cat, column) {
                    let at = self.target_case_ref();
                    self.close_case_screen();
                    return self.show_at(v, at);
                }
            }
            other => return self.step_common(other),
        }
        Ok(())
    }

    fn show(&mut self, view: View) -> Step {
        let at = self.target_case_ref();
        self.show_at(view, at)
    }

    /// Shows `view`, coming from the case `looked_at` (the selection of
    /// the view left, or the open case screen's case).
    fn show_at(&mut self, view: View, looked_at: Option<String>) -> Step {
        if view == View::Stoplight && self.view != View::Stoplight {
            // The board opens at the case the person came from; from a
            // view without one (or a case not on the board) at its top.
            // It used to open at view 2's selection wherever the person
            // came from: the newest case, mid-board at a million cases.
            self.board_opening = looked_at;
        }
        self.view = view;
        // A view whose data is current needs nothing read: the flow figures,
        // the agenda and the board are computed once per change, not per
        // visit.
        if self.fresh_views.contains(&view) {
            return Ok(());
        }
        let anchor = self.cases.selected_case().map(|c| c.case_ref.clone());
        // Live, the case list pages by itself and the waiting lists stay
        // loaded until something changes.
        if self.needs_snapshot() || view == View::Waitlist && !self.waitlist_fresh {
            self.load_view_data(anchor)?;
        } else {
            self.load_view_extras()?;
        }
        self.fresh_views.push(view);
        Ok(())
    }

    fn move_selection(&mut self, delta: isize) -> Step {
        let h = self.table_height();
        match self.view {
            // The list on screen is about to be replaced by the one of the
            // new filter: paging it with that filter would mix the two.
            View::Cases if self.cases_pending() => Ok(()),
            View::Cases => self.cases.step(&self.store, delta, h),
            View::Waitlist => {
                self.waitlist.step(delta, h);
                Ok(())
            }
            View::Meeting => self.meeting_step(delta),
            _ => Ok(()),
        }
    }

    /// Jumps to the first case of the next queue (after the last, the first).
    fn next_queue(&mut self) {
        let h = self.waitlist_height();
        self.waitlist.next_section(h);
    }

    fn click(&mut self, column: u16, row: u16) -> Step {
        if let Some(v) = tab_at(self.cat, column).filter(|_| row == 0) {
            return self.show(v);
        }
        if self.view == View::Meeting {
            return self.click_agenda(column, row);
        }
        let area = match self.view {
            View::Waitlist => self.screen().waitlist_rows(),
            _ => self.screen().table_rows(),
        };
        let inside = row >= area.y && row < area.y + area.height;
        if !inside || !self.view.has_table() {
            return Ok(());
        }
        let h = area.height as usize;
        let index = (row - area.y) as usize;
        match self.view {
            View::Cases => {
                let i = self.cases.scroll.offset + index;
                if i < self.cases.total && !self.cases_pending() {
                    self.cases.select(&self.store, i, h)?;
                }
            }
            _ => self.waitlist.click(index, h),
        }
        Ok(())
    }

    fn open_case(&mut self) -> Step {
        if let Some(r) = self.target_case_ref() {
            let screen = self.load_case_screen(&r)?;
            // NEN 7513: who opened whose file is logged before it is shown;
            // a view that cannot be logged is not shown.
            self.store
                .log_access(AccessAction::ViewCase, Some(&r), None, &self.actor)?;
            self.overlays.push(Overlay::CaseScreen(screen));
        }
        Ok(())
    }

    fn clear_filters(&mut self) -> Step {
        if matches!(self.view, View::Waitlist | View::Stoplight | View::Meeting) {
            // Esc lets go of both: the search and the filter.
            match self.view {
                View::Waitlist => self.waitlist.filter = RowFilter::default(),
                View::Meeting => self.meeting.filter = RowFilter::default(),
                _ => self.board.filter = RowFilter::default(),
            }
            return self.set_search(None);
        }
        if self.view == View::Cases && self.cases.filter != opening_filter() {
            self.cases.filter = opening_filter();
            let anchor = self.cases.selected_case().map(|c| c.case_ref.clone());
            self.load_view_data(anchor)?;
        }
        Ok(())
    }

    fn step_search(&mut self, action: Action) -> Step {
        let Some(Overlay::Search(input)) = self.overlays.last_mut() else {
            return Ok(());
        };
        let changed = match action {
            Action::Input(c) => input
                .handle(tui_input::InputRequest::InsertChar(c))
                .is_some(),
            Action::Edit(e) => apply_edit(input, e) && is_deletion(e),
            Action::Backspace => apply_edit(input, Edit::Backspace),
            Action::Submit | Action::Save => {
                self.overlays.pop();
                return Ok(());
            }
            Action::Back => {
                self.overlays.pop();
                return self.set_search(None);
            }
            _ => false,
        };
        if !changed {
            return Ok(());
        }
        let term = input.value().trim().to_string();
        self.set_search((!term.is_empty()).then_some(term))
    }

    fn set_row_filter(&mut self, filter: RowFilter) -> Step {
        match self.view {
            View::Waitlist => {
                self.waitlist.filter = filter;
                let search = self.waitlist.search.clone();
                self.set_search(search)
            }
            View::Meeting => {
                self.meeting.filter = filter;
                let search = self.meeting.search.clone();
                self.set_search(search)
            }
            _ => {
                self.board.filter = filter;
                let search = self.board.search.clone();
                self.set_search(search)
            }
        }
    }

    /// Narrows the list of the current view to the rows that match `term`
    /// (reference, coordinator, provider); None shows every row again.
    fn set_search(&mut self, term: Option<String>) -> Step {
        match self.view {
            View::Waitlist => {
                let h = self.waitlist_height();
                self.waitlist.search = term;
                self.waitlist.refilter(h);
                Ok(())
            }
            View::Stoplight => {
                self.board.search = term;
                self.load_board(None)
            }
            View::Meeting => {
                self.meeting.search = term;
                self.meeting.narrow();
                self.load_meeting()
            }
            _ => {
                self.cases.filter.search = term;
                self.load_view_data(None)
            }
        }
    }

    // ---- forms ----

    /// A key that changes a case is refused at once for a person who may
    /// only read (the hint bar and help do not offer it; the key still
    /// says why it does nothing).
    fn refuse_for_role(&self, action: Action) -> Step {
        if writes(action) && !self.store.may_write() {
            return Err(Msg::new("team.viewer_cannot_write"));
        }
        Ok(())
    }

    /// Editing keys are refused while the screens show a past date.
    fn refuse_in_past(&self) -> Step {
        match self.as_of {
            Some(d) => Err(Msg::new("tui.past_readonly").arg("date", d)),
            None => Ok(()),
        }
    }

    fn target(&self) -> Result<String, Msg> {
        self.target_case_ref()
            .ok_or_else(|| Msg::new("tui.no_case_selected"))
    }

    fn open_form(&mut self, mut form: Form) {
        // Known workers and providers are offered while typing, so that
        // one organisation is not spelled three ways (read on the worker:
        // when not yet there, they join the open form when they arrive).
        let known = self.choices.clone().unwrap_or_default();
        for f in &mut form.fields {
            match f.id {
                FieldId::Worker if !f.is_choice() => f.suggestions = known.workers.clone(),
                FieldId::Provider if !f.is_choice() => f.suggestions = known.providers.clone(),
                _ => {}
            }
        }
        // Only free text comes back after a conflict, never a choice.
        if let Some((case, kind, note)) = self.refused_note.take() {
            let same = form.purpose.case().is_some_and(|c| c.case_ref == case)
                && std::mem::discriminant(&form.purpose) == kind;
            if let (true, Some(f)) = (same, form.fields.iter_mut().find(|f| f.id == FieldId::Note))
            {
                f.set_value(&note);
                form.touched = true;
            }
        }
        self.overlays.push(Overlay::Form(form));
        self.check_form();
        if let Err(e) = self.want_choices() {
            self.log.line(format_args!("choices: {e}"));
        }
    }

    fn open_new_referral(&mut self) -> Step {
        self.refuse_in_past()?;
        let fields = vec![
            Field::date(
                FieldId::ReferredOn,
                "field.referred_on",
                Some(self.today),
                true,
            ),
            Field::choice(
                FieldId::Referrer,
                "field.referrer",
                "referrer",
                crate::domain::Referrer::codes()
                    .into_iter()
                    .map(String::from),
                Some("tui.form.choose"),
                None,
            ),
            Field::choice(
                FieldId::Urgency,
                "field.urgency",
                "urgency",
                crate::domain::Urgency::codes()
                    .into_iter()
                    .map(String::from),
                Some("tui.form.choose"),
                None,
            ),
            Field::text(FieldId::Name, "field.name", None),
            Field::date(FieldId::BirthDate, "field.birth_date", None, false),
            Field::text(FieldId::Worker, "field.worker", None),
        ];
        self.open_form(Form::new(
            Purpose::NewReferral,
            Msg::new("tui.form.new_title"),
            fields,
        ));
        Ok(())
    }

    fn open_move(&mut self) -> Step {
        self.refuse_in_past()?;
        self.refuse_future_meeting()?;
        let case = self.store.case(&self.target()?)?;
        let fields = move_fields(&case, next_stage(case.stage), None, self.today);
        let title = move_title(&case);
        self.open_form(Form::new(Purpose::Move { case }, title, fields));
        self.date_from_meeting();
        Ok(())
    }

    fn open_review(&mut self) -> Step {
        self.refuse_in_past()?;
        self.refuse_future_meeting()?;
        let case = self.store.case(&self.target()?)?;
        // Said at once, not after a form full of care days that do not
        // exist: only a case in care stands on the stoplight.
        if !case.on_board() {
            return Err(Msg::new("tui.not_on_board")
                .arg("case", &case.case_ref)
                .arg("stage", case.stage.code()));
        }
        let reviews = self.store.reviews(case.id)?;
        let fields = self.review_fields(&case, reviews);
        let title = Msg::new("tui.form.review_title").arg("case", &case.case_ref);
        self.open_form(Form::new(Purpose::Review { case }, title, fields));
        self.date_from_meeting();
        Ok(())
    }

    /// In view 5 the meeting records on its own date: a meeting that has
    /// not yet been held records nothing.
    fn refuse_future_meeting(&self) -> Step {
        let on = self.meeting_on();
        if self.view == View::Meeting && on > self.today {
            return Err(Msg::new("meeting_view.not_yet").arg("date", on));
        }
        Ok(())
    }

    /// A move or review opened from an agenda item is dated on the meeting.
    fn date_from_meeting(&mut self) {
        let Some(on) = self
            .meeting_record_date()
            .filter(|_| self.view == View::Meeting)
        else {
            return;
        };
        if let Some(f) = self
            .form_mut()
            .and_then(|f| f.fields.iter_mut().find(|f| f.id == FieldId::On))
        {
            f.set_value(&crate::present::date(on));
        }
        self.follow_review_date();
        self.check_form();
    }

    fn open_worker(&mut self) -> Step {
        self.refuse_in_past()?;
        let case = self.store.case(&self.target()?)?;
        let fields = vec![Field::text(
            FieldId::Worker,
            "field.worker",
            case.worker.as_deref(),
        )];
        let title = Msg::new("tui.form.worker_title").arg("case", &case.case_ref);
        self.open_form(Form::new(Purpose::Worker { case }, title, fields));
        Ok(())
    }

    fn open_time_travel(&mut self) -> Step {
        let fields = vec![Field::date(
            FieldId::AsOf,
            "tui.form.as_of",
            self.as_of,
            false,
        )];
        self.open_form(Form::new(
            Purpose::TimeTravel,
            Msg::new("tui.form.time_title").arg("today", self.today),
            fields,
        ));
        Ok(())
    }

    fn open_export(&mut self) -> Step {
        if !matches!(
            self.view,
            View::Waitlist | View::Cases | View::Stoplight | View::Meeting
        ) {
            return Err(Msg::new("tui.export.not_here"));
        }
        let path = match self.view {
            View::Meeting => self.minutes_file(),
            View::Waitlist if self.evaluations_focused() => self
                .export_dir
                .join(format!("stroom-evaluations-{}.csv", self.shown_date())),
            view => default_file(&self.export_dir, view, self.shown_date()),
        };
        let fields = vec![Field::text(
            FieldId::File,
            "tui.form.file",
            Some(&path.display().to_string()),
        )];
        self.open_form(Form::new(
            Purpose::Export { view: self.view },
            Msg::new("tui.form.export_title"),
            fields,
        ));
        Ok(())
    }

    /// `f` in the waiting lists and on the board: keep one coordinator's
    /// and/or one provider's cases.
    fn open_row_filter(&mut self) -> Step {
        let f = match self.view {
            View::Waitlist => self.waitlist.filter.clone(),
            View::Meeting => self.meeting.filter.clone(),
            _ => self.board.filter.clone(),
        };
        let fields = self.worker_provider_choices(f.worker.as_deref(), f.provider.as_deref());
        self.open_filter_form(fields)
    }

    /// The coordinator and provider choices of a filter form, from the
    /// values in the database (read on the worker with the views), "all"
    /// first, `worker`/`provider` chosen. Before they arrive the form
    /// opens with "all" and what is chosen; the rest joins it.
    pub(super) fn worker_provider_choices(
        &self,
        worker: Option<&str>,
        provider: Option<&str>,
    ) -> Vec<Field> {
        let known = self.choices.clone().unwrap_or_default();
        vec![
            self.known_choice(FieldId::Worker, "field.worker", known.workers, worker),
            self.known_choice(
                FieldId::Provider,
                "field.provider",
                known.providers,
                provider,
            ),
        ]
    }

    /// A choice of `known` values ("all" first) with `chosen` chosen.
    pub(super) fn known_choice(
        &self,
        id: FieldId,
        label: &'static str,
        known: Vec<String>,
        chosen: Option<&str>,
    ) -> Field {
        let mut field = Field::choice(id, label, "", known.clone(), Some("tui.form.all"), chosen);
        if let Some(c) = chosen.filter(|c| !known.iter().any(|k| k == c)) {
            field.offer(&[known, vec![c.to_string()]].concat());
        }
        field
    }

    fn open_filter_form(&mut self, fields: Vec<Field>) -> Step {
        self.open_form(Form::new(
            Purpose::Filter,
            Msg::new("tui.form.filter_title"),
            fields,
        ));
        Ok(())
    }

    fn open_filter(&mut self) -> Step {
        let f = self.cases.filter.clone();
        let mut fields = vec![
            Field::choice(
                FieldId::CaseState,
                "field.case_state",
                "case_state",
                CaseState::ALL.iter().map(|s| s.code().to_string()),
                Some("tui.form.all"),
                f.state.map(CaseState::code),
            ),
            Field::choice(
                FieldId::Stage,
                "field.stage",
                "stage",
                Stage::codes().into_iter().map(String::from),
                Some("tui.form.all"),
                f.stage.map(Stage::code),
            ),
        ];
        fields.extend(self.worker_provider_choices(f.worker.as_deref(), f.provider.as_deref()));
        self.open_filter_form(fields)
    }

    fn step_form(&mut self, action: Action) -> Step {
        let Some(form) = self.form_mut() else {
            return Ok(());
        };
        let changed = match action {
            Action::Back if form.touched => {
                self.ask(Msg::new("tui.form.discard"), OnYes::DiscardForm);
                return Ok(());
            }
            Action::Back => {
                self.close_form();
                return Ok(());
            }
            // Enter walks the form; only on the last field does it save.
            Action::Submit if !form.on_last_field() => {
                form.next_field();
                None
            }
            Action::NextField => {
                form.next_field();
                None
            }
            Action::PrevField => {
                form.prev_field();
                None
            }
            Action::ChoiceNext => form.edit(Edit::Right),
            Action::ChoicePrev => form.edit(Edit::Left),
            Action::Edit(e) => form.edit(e),
            Action::Input(c) => form.input(c),
            Action::Backspace => form.backspace(),
            Action::Submit | Action::Save => return self.submit_form(),
            _ => None,
        };
        if let Some(id) = changed {
            self.field_changed(id);
        }
        Ok(())
    }

    /// The move form asks again what the move needs when its target or
    /// route changes; every form re-checks itself.
    fn field_changed(&mut self, id: FieldId) {
        let today = self.today;
        let Some(form) = self.form_mut() else {
            return;
        };
        if let (Purpose::Move { case }, FieldId::To | FieldId::Route | FieldId::PlannedEnd) =
            (&form.purpose, id)
        {
            let chosen: Option<Stage> = form.parsed(FieldId::To);
            let to = chosen.unwrap_or(next_stage(case.stage));
            let route = form.parsed(FieldId::Route);
            // The report is asked exactly when the planned end entered makes
            // the move an extension (SPEC 1.8).
            let planned = Move {
                to: Some(to),
                planned_end_on: form.date(FieldId::PlannedEnd).ok().flatten(),
                ..Move::default()
            };
            let extension = crate::domain::lifecycle::is_extension(case, &planned);
            let fields = move_fields_for(case, to, chosen.is_some(), route, extension, today);
            form.replace_fields(fields);
        }
        if let (Purpose::Review { .. }, FieldId::On) = (&form.purpose, id) {
            self.follow_review_date();
        }
        self.check_form();
    }

    /// Checks the whole form as you type: the same rules the store applies.
    /// The review form's preview is recomputed here, not while drawing.
    fn check_form(&mut self) {
        let today = self.today;
        let Some(form) = self.form_mut() else {
            return;
        };
        if form.field_error().is_some() {
            form.problem = None;
            return;
        }
        let not_future = |id| -> Result<(), Msg> {
            match form.date(id)? {
                Some(d) => check_not_future(d, today),
                None => Ok(()),
            }
        };
        let problem = match &form.purpose {
            Purpose::NewReferral => not_future(FieldId::ReferredOn)
                .and_then(|_| not_future(FieldId::BirthDate))
                .and_then(|_| referral_after_birth(form)),
            Purpose::Move { case } => {
                move_request(form).and_then(|(m, on)| plan_move(case, &m, on, today).map(|_| ()))
            }
            Purpose::Review { .. } => {
                not_future(FieldId::On).and_then(|_| App::check_review_dates(form))
            }
            Purpose::TimeTravel => not_future(FieldId::AsOf),
            _ => Ok(()),
        };
        form.problem = problem.err();
        self.refresh_preview();
    }

    fn submit_form(&mut self) -> Step {
        // A copy: saving reads the form while the App changes around it.
        let Some(form) = self.form().cloned() else {
            return Ok(());
        };
        if let Some(e) = form.field_error().or(form.problem.as_ref()).cloned() {
            if let Some(f) = self.form_mut() {
                f.problem = Some(e);
            }
            return Ok(());
        }
        if !form.confirmed {
            if let Some(question) = unlikely_date(&form, self.today) {
                self.ask(question, OnYes::SaveAnyway);
                return Ok(());
            }
        }
        let result = match form.purpose.clone() {
            Purpose::NewReferral => self.save_referral(&form),
            Purpose::Move { case } => self.save_move(&form, &case.case_ref, case.version),
            Purpose::Review { case } => self.save_review(&form, &case.case_ref, case.version),
            Purpose::Worker { case } => self.save_worker(&form, &case.case_ref, case.version),
            Purpose::TimeTravel => self.travel(&form),
            Purpose::Export { view } => self.save_export(&form, view),
            Purpose::Filter => self.apply_filter(&form),
            Purpose::Decision { case, meeting_on } => self
                .save_decision(&form, &case.case_ref, case.version, meeting_on)
                .and_then(|msg| self.saved(&case.case_ref, msg)),
            Purpose::MeetingDate => self.set_meeting_date(&form).map(|msg| {
                self.close_form();
                self.notify(Tone::Info, msg);
            }),
            Purpose::MeetingProvider => self.set_meeting_provider(&form).map(|msg| {
                self.close_form();
                self.notify(Tone::Info, msg);
            }),
        };
        match result {
            Ok(()) => Ok(()),
            Err(e) if e.key == "error.conflict" => self.on_conflict(e),
            Err(e) => match self.form_mut() {
                Some(form) => {
                    form.problem = Some(e.clone());
                    self.log.line(format_args!("refused: {e}"));
                    Ok(())
                }
                None => Err(e),
            },
        }
    }

    fn save_referral(&mut self, f: &Form) -> Step {
        let new = NewReferral {
            case_ref: None,
            name: f.text(FieldId::Name),
            birth_date: f.date(FieldId::BirthDate)?,
            referred_on: f
                .date(FieldId::ReferredOn)?
                .ok_or_else(|| Msg::new("tui.form.required"))?,
            referrer: f
                .parsed(FieldId::Referrer)
                .ok_or_else(|| Msg::new("tui.form.choose_referrer"))?,
            urgency: f
                .parsed(FieldId::Urgency)
                .ok_or_else(|| Msg::new("tui.form.choose_urgency"))?,
            worker: f.text(FieldId::Worker),
        };
        let case = self.store.add_referral(&new, self.today, &self.actor)?;
        self.saved(
            &case.case_ref,
            Msg::new("tui.done.referred").arg("case", &case.case_ref),
        )
    }

    fn save_move(&mut self, f: &Form, case_ref: &str, version: i64) -> Step {
        let (m, on) = move_request(f)?;
        let case =
            self.store
                .move_case(case_ref, &m, on, self.today, &self.actor, Some(version))?;
        let msg = Msg::new("cli.moved")
            .arg("case", case_ref)
            .arg("stage", case.stage.code())
            .arg("date", on);
        self.saved(case_ref, msg)
    }

    fn save_review(&mut self, f: &Form, case_ref: &str, version: i64) -> Step {
        let mut statuses = std::collections::BTreeMap::new();
        for (i, p) in self.config.preconditions.iter().enumerate() {
            if let Some(s) = f.parsed::<Status>(FieldId::Precondition(i)) {
                statuses.insert(p.code.clone(), s);
            }
        }
        if statuses.is_empty() {
            return Err(Msg::new("error.nothing_to_review"));
        }
        let input = ReviewInput {
            statuses,
            next_on: f.date(FieldId::Next)?,
            note: f.text(FieldId::Note),
        };
        let on = f
            .date(FieldId::On)?
            .ok_or_else(|| Msg::new("tui.form.required"))?;
        let codes = self.config.precondition_codes();
        let review = self.store.record_review(
            case_ref,
            on,
            &input,
            self.today,
            &self.actor,
            &codes,
            Some(version),
        )?;
        let msg = Msg::new("cli.reviewed")
            .arg("case", case_ref)
            .arg("date", on)
            .arg("next", review.next_on);
        let note = input.note.as_deref().unwrap_or("");
        let msg = self.name_warning(case_ref, note).unwrap_or(msg);
        self.saved(case_ref, msg)
    }

    fn save_worker(&mut self, f: &Form, case_ref: &str, version: i64) -> Step {
        let worker = f.text(FieldId::Worker);
        self.set_field(case_ref, version, FieldChange::Worker(worker))
    }

    /// Flags or unflags escalation (or bridging care) at once.
    fn toggle(&mut self, escalation: bool) -> Step {
        self.refuse_in_past()?;
        let case_ref = self.target()?;
        let case = self.store.case(&case_ref)?;
        let version = self.shown_version(&case_ref).unwrap_or(case.version);
        let change = if escalation {
            FieldChange::Escalated(!case.escalated)
        } else {
            FieldChange::BridgingCare(!case.bridging_care)
        };
        match self.set_field(&case_ref, version, change) {
            Err(e) if e.key == "error.conflict" => {
                self.reload()?;
                Err(e)
            }
            other => other,
        }
    }

    fn set_field(&mut self, case_ref: &str, version: i64, change: FieldChange) -> Step {
        let msg = set_message(case_ref, &change);
        self.store.set_fields(
            case_ref,
            &[Assignment::Field(change)],
            self.today,
            self.today,
            &self.actor,
            Some(version),
        )?;
        self.saved(case_ref, msg)
    }

    /// After a write: close the form, show the case selected in its new
    /// state, and say what happened.
    fn saved(&mut self, case_ref: &str, msg: Msg) -> Step {
        self.close_form();
        self.log.line(format_args!("saved: {msg}"));
        // In the meeting, what was just recorded moves the selection on.
        self.meeting.advance = self.view == View::Meeting;
        self.forget_data();
        self.load_view_data(Some(case_ref.to_string()))?;
        self.notify(Tone::Success, msg);
        Ok(())
    }

    /// Someone else changed the case since the form opened. Nothing was
    /// saved; the form closes (a form against the new state could turn into
    /// an edit nobody chose, such as a reopen), the screen shows the new
    /// state, and the person starts again from it if still wanted.
    fn on_conflict(&mut self, e: Msg) -> Step {
        self.log.line(format_args!("conflict: {e}"));
        self.refused_note = self.form().and_then(|f| {
            let case = f.purpose.case()?.case_ref.clone();
            let note = f.text(FieldId::Note)?;
            Some((case, std::mem::discriminant(&f.purpose), note))
        });
        self.close_form();
        self.reload()?;
        let case = e.get("case").unwrap_or_default().to_string();
        self.notify(
            Tone::Error,
            Msg::new("tui.conflict_closed").arg("case", case),
        );
        Ok(())
    }

    fn travel(&mut self, f: &Form) -> Step {
        let date = f.date(FieldId::AsOf)?;
        if let Some(d) = date {
            check_not_future(d, self.today)?;
        }
        self.close_form();
        self.go_to(date)
    }

    /// Shows the screens as of `date` (None or today: live). On the
    /// worker a past date's cases load there: the screens keep what they
    /// show (the status line says "bezig…") and move when they arrive.
    fn go_to(&mut self, date: Option<NaiveDate>) -> Step {
        let date = date.filter(|d| *d < self.today);
        let anchor = self.cases.selected_case().map(|c| c.case_ref.clone());
        if let Some(d) = date {
            if !self.loader.is_here() {
                self.traveling = None; // a new request, even for the same date
                self.notice = None;
                self.load_past(d, anchor)?;
                return Ok(());
            }
        }
        self.traveling = None;
        self.loader.cancel(LoadKey::Past);
        self.show_date(date, anchor, None, true)
    }

    /// The cases of the past date asked for arrived: the screens move to it
    /// (announced when the date changes; after a reload of the same date,
    /// only the data is new).
    pub(super) fn arrive_at(&mut self, loaded: Loaded, anchor: Option<String>) -> Step {
        let Loaded::Past { as_of, .. } = &loaded else {
            return Ok(());
        };
        let date = Some(*as_of);
        let announce = self.as_of != date;
        self.show_date(date, anchor, Some(loaded), announce)
    }

    fn show_date(
        &mut self,
        date: Option<NaiveDate>,
        anchor: Option<String>,
        past: Option<Loaded>,
        announce: bool,
    ) -> Step {
        self.as_of = date;
        self.forget_data();
        if let Some(loaded) = past {
            self.take_past(loaded);
        }
        if let Some(r) = self.case_screen().map(|s| s.case.case_ref.clone()) {
            match self.load_case_screen(&r) {
                Ok(fresh) => {
                    if let Some(s) = self.case_screen_mut() {
                        *s = fresh;
                    }
                }
                Err(_) => self.close_case_screen(),
            }
        }
        self.load_view_data(anchor)?;
        if announce {
            let msg = match self.as_of {
                Some(d) => Msg::new("tui.done.as_of").arg("date", d),
                None => Msg::new("tui.done.today").arg("date", self.today),
            };
            self.notify(Tone::Info, msg);
        }
        Ok(())
    }

    fn apply_filter(&mut self, f: &Form) -> Step {
        if matches!(self.view, View::Waitlist | View::Stoplight | View::Meeting) {
            let filter = RowFilter {
                worker: f.code(FieldId::Worker).map(String::from),
                provider: f.code(FieldId::Provider).map(String::from),
            };
            self.close_form();
            return self.set_row_filter(filter);
        }
        let state = f.code(FieldId::CaseState).and_then(CaseState::from_code);
        let stage = f.parsed(FieldId::Stage);
        let worker = f.code(FieldId::Worker).map(String::from);
        let provider = f.code(FieldId::Provider).map(String::from);
        self.close_form();
        self.cases.filter.state = state;
        self.cases.filter.stage = stage;
        self.cases.filter.worker = worker;
        self.cases.filter.provider = provider;
        let anchor = self.cases.selected_case().map(|c| c.case_ref.clone());
        self.load_view_data(anchor)
    }

    /// Writes the export the form asks for. On the worker (the terminal)
    /// the form closes at once and the status line says "bezig…" until the
    /// file is written; here (the tests) it is written before this returns,
    /// and a refusal keeps the form open as before.
    fn save_export(&mut self, f: &Form, view: View) -> Step {
        let path = f
            .text(FieldId::File)
            .ok_or_else(|| Msg::new("tui.form.required"))?;
        let file = std::path::PathBuf::from(&path);
        let job = if view == View::Meeting {
            // The minutes render the agenda already loaded: nothing to read.
            let Some(job) = self.minutes_job(file.clone()) else {
                self.close_form();
                return self.apply_export(0, file);
            };
            job
        } else {
            loads::export_job(self.export_job(view, file))
        };
        match self.loader.request(&self.store, LoadKey::Export, job) {
            Some(result) => {
                let loaded = result?;
                self.close_form();
                self.apply(loaded)
            }
            None => {
                self.close_form();
                self.notice = None;
                Ok(())
            }
        }
    }

    fn apply_export(&mut self, count: usize, path: std::path::PathBuf) -> Step {
        self.apply(Loaded::Exported { count, path })
    }

    /// Fills an empty database with the demo team (the same as `stroom
    /// demo`), so a new user is one key away from something to try.
    fn load_demo(&mut self) -> Step {
        self.refuse_in_past()?;
        let existing = self.store.count_cases()?;
        if existing > 0 {
            return Err(Msg::new("tui_demo.not_empty").arg("count", existing));
        }
        let bundles = crate::demo::generate(1, self.today, crate::demo::DEFAULT_CASES as usize);
        let count = self
            .store
            .insert_bundles(&bundles, self.today, "demo", &mut |_| {})?;
        self.reload()?;
        self.notify(
            Tone::Success,
            Msg::new("tui_demo.loaded").arg("count", count),
        );
        Ok(())
    }

    /// In view 1 the selection is on a moment of the evaluation section.
    fn evaluations_focused(&self) -> bool {
        self.view == View::Waitlist && self.waitlist.selected_moment().is_some()
    }

    /// The export of `view` as a job with everything it needs owned: what
    /// the view shows, without names. The waiting lists and the stoplight
    /// go through the same builders as `stroom export`; other views export
    /// the case list.
    pub fn export_job(&self, view: View, path: std::path::PathBuf) -> ExportJob {
        let format = format_for(&path);
        let source = match view {
            View::Waitlist if self.evaluations_focused() => {
                ExportSource::Evaluations(self.waitlist.all_moments.clone())
            }
            View::Waitlist => ExportSource::Waitlist,
            View::Stoplight if format.for_people() => ExportSource::BoardReport,
            View::Stoplight => ExportSource::Stoplight,
            _ => ExportSource::Cases {
                memory: self.cases.memory().cloned(),
                filter: self.cases.filter.clone(),
            },
        };
        ExportJob {
            source,
            path,
            cat: self.cat,
            config: self.config.clone(),
            shown: self.shown_date(),
            today: self.today,
            past: self.as_of.is_some(),
        }
    }
}

fn move_title(case: &crate::domain::Case) -> Msg {
    Msg::new("tui.form.move_title")
        .arg("case", &case.case_ref)
        .arg("stage", case.stage.code())
}

/// A cursor movement in a text changes nothing to check.
fn is_deletion(e: Edit) -> bool {
    matches!(e, Edit::Backspace | Edit::Delete | Edit::DeleteWord)
}

/// "Overbruggingszorg staat nu aan": the change in words, never a code.
fn set_message(case_ref: &str, change: &FieldChange) -> Msg {
    match change {
        FieldChange::BridgingCare(on) => Msg::new(if *on {
            "tui.done.bridging_on"
        } else {
            "tui.done.bridging_off"
        }),
        FieldChange::Escalated(on) => Msg::new(if *on {
            "tui.done.escalated_on"
        } else {
            "tui.done.escalated_off"
        }),
        FieldChange::Worker(Some(w)) => Msg::new("tui.done.worker").arg("worker", w),
        FieldChange::Worker(None) => Msg::new("tui.done.worker_none"),
        other => Msg::new("tui.done.set")
            .arg("field", other.field())
            .arg("value", other.value().unwrap_or_default()),
    }
    .arg("case", case_ref)
}

/// A referral cannot come before the young person was born.
fn referral_after_birth(form: &Form) -> Result<(), Msg> {
    if let (Ok(Some(on)), Ok(Some(born))) = (
        form.date(FieldId::ReferredOn),
        form.date(FieldId::BirthDate),
    ) {
        if on < born {
            return Err(Msg::new("tui.form.before_birth")
                .arg("date", on)
                .arg("birth", born));
        }
    }
    Ok(())
}

/// How far back a date may lie before the form asks whether it is meant.
const UNLIKELY_DAYS: i64 = 2 * 365;

/// A date in the form more than two years back: a typo is likelier than
/// a referral that old, and such a date tops every queue. Asked once.
fn unlikely_date(form: &Form, today: NaiveDate) -> Option<Msg> {
    if matches!(
        form.purpose,
        Purpose::TimeTravel | Purpose::Filter | Purpose::Export { .. }
    ) {
        return None;
    }
    [FieldId::ReferredOn, FieldId::On]
        .into_iter()
        .filter_map(|id| form.date(id).ok().flatten())
        .find(|d| (today - *d).num_days() > UNLIKELY_DAYS)
        .map(|d| Msg::new("tui.form.unlikely_date").arg("date", d))
}
