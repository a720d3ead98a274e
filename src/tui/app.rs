//! The state of the UI: what is shown, what is selected, which popup is
//! open, and the data loaded for it. Drawing reads this; only `step` (in
//! update.rs) and the loaders here change it.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::context::Context;
use crate::context::config::Config;
use crate::domain::case::replay;
use crate::domain::{Case, Msg, Review, Snapshot};
use crate::present::i18n::{Catalog, Lang};
use crate::store::{DecisionRow, HistoryEntry, Store};

use super::action::View;
use super::board::{BoardState, ReviewDraft};
use super::case_list::CaseList;
use super::compact::{PackedMoment, PackedWait};
use super::flow::FlowState;
use super::forms::{FieldId, Form};
use super::keymap::Scope;
use super::layout::Screen;
use super::log::Log;
use super::meeting::MeetingState;
use super::theme::Theme;
use super::waitlist::WaitlistState;
use super::worker::loads::{self, Busy, Choices, LoadKey, Loaded, Loader, PastCases};
use super::worker::{Job, Worker};
use crate::domain::stoplight::{self, StoplightRow};

/// What has the keyboard, from the top layer down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Help,
    Confirm,
    Form,
    Search,
    CaseScreen,
    View(View),
}

/// One layer over the view. The open layers form a stack: the top one has
/// the keyboard (a form over a case screen, help over a form, a question
/// over a form). No code asks "is a form open?" and then assumes it.
#[derive(Debug, Clone)]
pub enum Overlay {
    CaseScreen(CaseScreen),
    Form(Form),
    /// The search line being typed, with its cursor.
    Search(tui_input::Input),
    Help {
        scroll: u16,
    },
    Confirm(Confirm),
}

/// A yes/no question over a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    pub question: Msg,
    pub on_yes: OnYes,
}

/// What a yes does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnYes {
    /// Close the form under the question, throwing away what was typed.
    DiscardForm,
    /// Save the form under the question although a date looks unlikely.
    SaveAnyway,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Info,
    Success,
    Error,
}

/// A sentence in the status line until the next key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub tone: Tone,
    pub msg: Msg,
}

/// One case with its whole dated history (the case screen).
#[derive(Debug, Clone)]
pub struct CaseScreen {
    pub case: Case,
    pub history: Vec<HistoryEntry>,
    pub reviews: Vec<Review>,
    pub decisions: Vec<DecisionRow>,
    /// The case's light when it is in care, computed when loaded.
    pub light: Option<StoplightRow>,
    pub scroll: u16,
    /// How far the text can scroll, recorded by the draw (it knows the
    /// wrapped length); the scroll keys stop there.
    pub last_scroll: std::cell::Cell<u16>,
}

pub struct App {
    pub store: Store,
    pub cat: &'static Catalog,
    pub theme: Theme,
    pub config: Config,
    pub lang: Lang,
    pub today: NaiveDate,
    pub actor: String,
    /// The past date the screens show; None: today.
    pub as_of: Option<NaiveDate>,
    pub view: View,
    pub width: u16,
    pub height: u16,
    pub cases: CaseList,
    pub waitlist: WaitlistState,
    pub flow: FlowState,
    pub meeting: MeetingState,
    /// View 3: the stoplight board.
    pub board: BoardState,
    /// The open review form's case reviews, for its live preview.
    pub review_draft: Option<ReviewDraft>,
    /// Every case as of a past shown date, shared with the worker's jobs
    /// that filter it; live None (the case list pages through the
    /// database, the other views' loads read their own cases).
    pub snapshot: Option<Arc<Snapshot>>,
    /// A past date's case list for a filter, as the worker built it, until
    /// view 2's list takes it.
    pub(super) past_cases: Option<PastCases>,
    /// The case to keep selected when the past case list asked for
    /// arrives.
    pub(super) cases_anchor: Option<String>,
    /// The coordinators and providers on file, read on the worker with
    /// the views (the filter forms open at once with them).
    pub choices: Option<Choices>,
    /// Whether `waitlist.all` holds the live waiting lists as stored now.
    pub(super) waitlist_fresh: bool,
    /// Views whose data is loaded and current: switching back to one reads
    /// nothing until something changes (`forget_data`).
    pub(super) fresh_views: Vec<View>,
    /// The layers over the view, bottom first.
    pub overlays: Vec<Overlay>,
    /// The free text of a form refused by a conflict (the case, the form's
    /// kind, the note typed): brought back when the same form is asked for
    /// again on the same case, so a decision's wording is never lost.
    pub refused_note: Option<(
        String,
        std::mem::Discriminant<super::forms::Purpose>,
        String,
    )>,
    pub notice: Option<Notice>,
    /// Slow work (the demo team, an export) waiting for the screen to say
    /// "busy" first; only the event loop defers, tests run it at once.
    pub pending: Option<super::action::Action>,
    pub defer_slow: bool,
    pub quit: bool,
    /// Where exports go by default.
    pub export_dir: PathBuf,
    data_version: i64,
    /// The database file was removed under the UI and could not be opened
    /// again: said once, not at every poll.
    file_gone: bool,
    pub(super) log: Log,
    /// Where the views' loads run: on the worker in the terminal (the
    /// screen never waits), here and now in tests.
    pub loader: Loader,
    /// When each waiting case is expected to be next (view 1), once the
    /// worker computed it.
    pub forecast: Option<super::turns::ExpectedTurns>,
    /// The case to keep selected when the board asked for arrives.
    pub(super) board_anchor: Option<String>,
    /// The case the person came to view 3 from: the board opens there.
    pub(super) board_opening: Option<String>,
    /// A past date whose cases are loading on the worker, with the case to
    /// keep selected: the screens move to it when they arrive.
    pub(super) traveling: Option<(NaiveDate, Option<String>)>,
    /// A past date's waiting lists and evaluation list, loaded with its
    /// snapshot.
    past_lists: Option<(Vec<PackedWait>, Vec<PackedMoment>)>,
}

/// The open form among `overlays` (a free function, so that other fields
/// of the App can be borrowed beside it).
pub fn form_in(overlays: &mut [Overlay]) -> Option<&mut Form> {
    overlays.iter_mut().rev().find_map(|o| match o {
        Overlay::Form(f) => Some(f),
        _ => None,
    })
}

impl App {
    pub fn new(ctx: &Context, store: Store, width: u16, height: u16) -> Result<App, Msg> {
        let mut app = App::new_unloaded(ctx, store, width, height)?;
        app.reload()?;
        Ok(app)
    }

    fn new_unloaded(ctx: &Context, store: Store, width: u16, height: u16) -> Result<App, Msg> {
        let data_version = store.data_version()?;
        Ok(App {
            store,
            cat: ctx.catalog(),
            theme: Theme::named(&ctx.config.theme),
            config: ctx.config.clone(),
            lang: ctx.lang,
            today: ctx.today,
            actor: ctx.actor.clone(),
            as_of: None,
            view: View::Waitlist,
            width,
            height,
            cases: CaseList::opening(),
            waitlist: WaitlistState::default(),
            flow: FlowState::default(),
            meeting: MeetingState::default(),
            board: BoardState::default(),
            review_draft: None,
            snapshot: None,
            past_cases: None,
            cases_anchor: None,
            choices: None,
            waitlist_fresh: false,
            fresh_views: Vec::new(),
            overlays: Vec::new(),
            refused_note: None,
            notice: None,
            pending: None,
            defer_slow: false,
            quit: false,
            export_dir: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
            data_version,
            file_gone: false,
            log: Log::default(),
            loader: Loader::Here,
            forecast: None,
            board_anchor: None,
            board_opening: None,
            traveling: None,
            past_lists: None,
        })
    }

    /// The App of the terminal: every view's load runs on a worker with
    /// its own read-only connection (with the store's key), so the first
    /// frame and every key draw at once with what is there.
    pub fn with_worker(ctx: &Context, store: Store, width: u16, height: u16) -> Result<App, Msg> {
        super::worker::memory::map_big_blocks();
        let worker = Worker::start(store.read_only_twin()?)?;
        let loader = Loader::on_workers(worker, store.read_only_twin()?, store.read_only_twin()?)?;
        let mut app = App::new_unloaded(ctx, store, width, height)?;
        app.loader = loader;
        app.reload()?;
        Ok(app)
    }

    /// On quitting: the data held (a past date's cases, the lists, the
    /// board, the agenda) is freed on a thread of its own, which the
    /// process's exit ends; at 100k cases looking back, freeing them here
    /// kept `q` from quitting for 0.4 s (dev build).
    pub fn let_go(&mut self) {
        let held = (
            self.snapshot.take(),
            std::mem::take(&mut self.cases),
            std::mem::take(&mut self.waitlist),
            std::mem::take(&mut self.board),
            std::mem::take(&mut self.meeting),
            self.past_lists.take(),
            self.past_cases.take(),
            self.forecast.take(),
        );
        super::worker::drop_elsewhere(held);
    }

    /// Sends log lines to `log` (the UI's log file).
    pub fn with_log(mut self, log: Log) -> App {
        self.log = log;
        self
    }

    /// The date the screens show.
    pub fn shown_date(&self) -> NaiveDate {
        self.as_of.unwrap_or(self.today)
    }

    pub fn mode(&self) -> Mode {
        match self.overlays.last() {
            Some(Overlay::Help { .. }) => Mode::Help,
            Some(Overlay::Confirm(_)) => Mode::Confirm,
            Some(Overlay::Form(_)) => Mode::Form,
            Some(Overlay::Search(_)) => Mode::Search,
            Some(Overlay::CaseScreen(_)) => Mode::CaseScreen,
            None => Mode::View(self.view),
        }
    }

    /// The screen's size as the layout needs it.
    pub fn screen(&self) -> Screen {
        Screen {
            width: self.width,
            height: self.height,
            past: self.as_of.is_some(),
        }
    }

    /// The open case screen (under any form or help).
    pub fn case_screen(&self) -> Option<&CaseScreen> {
        self.overlays.iter().rev().find_map(|o| match o {
            Overlay::CaseScreen(s) => Some(s),
            _ => None,
        })
    }

    pub fn case_screen_mut(&mut self) -> Option<&mut CaseScreen> {
        self.overlays.iter_mut().rev().find_map(|o| match o {
            Overlay::CaseScreen(s) => Some(s),
            _ => None,
        })
    }

    /// The open form (under a question or help).
    pub fn form(&self) -> Option<&Form> {
        self.overlays.iter().rev().find_map(|o| match o {
            Overlay::Form(f) => Some(f),
            _ => None,
        })
    }

    pub fn form_mut(&mut self) -> Option<&mut Form> {
        form_in(&mut self.overlays)
    }

    /// Closes the open form (and any layer over it).
    pub fn close_form(&mut self) {
        if let Some(i) = self
            .overlays
            .iter()
            .rposition(|o| matches!(o, Overlay::Form(_)))
        {
            self.overlays.truncate(i);
        }
        self.review_draft = None;
    }

    /// Closes the case screen and everything over it.
    pub fn close_case_screen(&mut self) {
        if let Some(i) = self
            .overlays
            .iter()
            .rposition(|o| matches!(o, Overlay::CaseScreen(_)))
        {
            self.overlays.truncate(i);
        }
    }

    /// The key-map scopes that apply now, most specific first.
    pub fn scopes(&self) -> Vec<Scope> {
        let mut scopes = self.mode_scopes();
        // Looking back: the key back to today comes first.
        if self.as_of.is_some() && matches!(self.mode(), Mode::View(_) | Mode::CaseScreen) {
            scopes.insert(0, Scope::Past);
        }
        scopes
    }

    fn mode_scopes(&self) -> Vec<Scope> {
        match self.mode() {
            Mode::Help => vec![Scope::Help],
            Mode::Confirm => vec![Scope::Confirm],
            Mode::Form => vec![Scope::Form],
            Mode::Search => vec![Scope::Search],
            Mode::CaseScreen => vec![Scope::CaseScreen, Scope::Edit, Scope::Global],
            Mode::View(View::Cases) => {
                vec![Scope::Table, Scope::Cases, Scope::Edit, Scope::Global]
            }
            Mode::View(View::Flow) => vec![Scope::Flow, Scope::Global],
            Mode::View(View::Meeting) => {
                vec![Scope::Table, Scope::Meeting, Scope::Edit, Scope::Global]
            }
            Mode::View(View::Stoplight) => {
                vec![Scope::Table, Scope::Stoplight, Scope::Edit, Scope::Global]
            }
            Mode::View(View::Waitlist) => {
                vec![Scope::Waitlist, Scope::Table, Scope::Edit, Scope::Global]
            }
        }
    }

    /// Rows of the table in the current view that fit on screen.
    pub fn table_height(&self) -> usize {
        match self.view {
            View::Waitlist => self.waitlist_height(),
            _ => self.screen().table_rows().height as usize,
        }
    }

    pub fn notify(&mut self, tone: Tone, msg: Msg) {
        // An unreadable row is known by its case id where it was read (on
        // a worker, too): shown, it names the case by its reference.
        let msg = self.store.name_case(msg);
        if tone == Tone::Error {
            self.log.line(format_args!("refused: {msg}"));
        }
        self.notice = Some(Notice { tone, msg });
    }

    /// Whether the shown data needs a snapshot: every view looking back,
    /// and the stoplight board live.
    pub(super) fn needs_snapshot(&self) -> bool {
        self.as_of.is_some() || self.view == View::Stoplight
    }

    /// Forgets the loaded data after a change; the next load reads it anew.
    pub fn forget_data(&mut self) {
        // Loads asked for before the change would bring old data.
        self.loader.cancel_all();
        if let Some(old) = self.snapshot.take() {
            super::worker::drop_elsewhere(old);
        }
        self.past_lists = None;
        self.past_cases = None;
        self.cases.forget_memory();
        // A change may name a new coordinator or provider.
        self.choices = None;
        // A past date on its way is read anew: the change may lie before it.
        if let Some((d, _)) = self.traveling {
            let job = loads::past_job(&self.config, d, self.today, self.cases.filter.clone());
            self.loader.request(&self.store, LoadKey::Past, job);
        }
        self.waitlist_fresh = false;
        self.fresh_views.clear();
        // A move or a new case changes every later case's turn.
        self.forecast = None;
    }

    /// Loads what the current view shows, keeping the selection.
    pub fn reload(&mut self) -> Result<(), Msg> {
        self.forget_data();
        self.load_view_data(self.cases.selected_case().map(|c| c.case_ref.clone()))
    }

    /// Loads the data of the current view that is missing; `anchor` is the
    /// case to keep (or put) under the selection.
    pub fn load_view_data(&mut self, anchor: Option<String>) -> Result<(), Msg> {
        if let (Some(d), None) = (self.as_of, &self.snapshot) {
            // Looking back, every view shows the cases of that date (on the
            // worker: once they arrive); live, the board reads its cases in
            // care on the worker (load_board).
            if !self.load_past(d, anchor.clone())? {
                return Ok(());
            }
        }
        match self.as_of {
            Some(d) => self.load_past_cases(d, anchor.clone())?,
            None => self.load_live_cases(anchor.clone())?,
        }
        let past_rows = match self.as_of {
            // Taken once: the waiting lists hold them from then on.
            Some(_) => self.past_lists.take(),
            None => None,
        };
        if let Some((rows, moments)) = past_rows {
            self.set_waitlist_rows(rows, moments);
        } else if self.view == View::Waitlist && !self.waitlist_fresh && self.as_of.is_none() {
            // Live, the waiting lists need only the waiting cases (a small
            // part of a big history), and the evaluation list only the
            // cases in care, read once until something changes.
            // The expected turns are asked for when the lists arrive.
            self.request(
                LoadKey::Waitlist,
                loads::waitlist_job(&self.config, self.today),
            )?;
        }
        if self.view == View::Stoplight {
            let opening = self.board_opening.clone();
            self.load_board(opening.as_deref())?;
        }
        self.want_choices()?;
        if let Some(screen) = self.case_screen() {
            let case_ref = screen.case.case_ref.clone();
            let scroll = screen.scroll;
            let mut fresh = self.load_case_screen(&case_ref)?;
            fresh.scroll = scroll;
            if let Some(s) = self.case_screen_mut() {
                *s = fresh;
            }
        }
        self.load_view_extras()
    }

    /// View 2's list as of `d` under the current filter: the one held, the
    /// one that came with the date's cases, or one asked of the worker
    /// (filtering a million cases is not the UI thread's work).
    fn load_past_cases(&mut self, d: NaiveDate, anchor: Option<String>) -> Result<(), Msg> {
        let height = self.cases_height();
        if self.cases.holds(d) {
            self.cases.reanchor(anchor.as_deref(), height);
            return Ok(());
        }
        let filter = self.cases.filter.clone();
        if let Some(list) = self.past_cases.take().filter(|l| l.is_for(d, &filter)) {
            self.cases
                .load_memory(list.cases, (d, filter), anchor.as_deref(), height);
            return Ok(());
        }
        let Some(snapshot) = self.snapshot.clone() else {
            return Ok(());
        };
        self.cases_anchor = anchor;
        self.request(LoadKey::PastCases, loads::past_cases_job(snapshot, filter))
    }

    /// View 2's list of today: counted and its window read on the worker
    /// (a search counts up to a thousand rows of a million), here in place.
    fn load_live_cases(&mut self, anchor: Option<String>) -> Result<(), Msg> {
        let height = self.cases_height();
        if self.loader.is_here() {
            return self.cases.load_live(&self.store, anchor.as_deref(), height);
        }
        let load = loads::cases_job(self.cases.to_load(), anchor, height);
        self.request(LoadKey::Cases, load)
    }

    /// View 2's list of today arrived: swapped in when it is still the one
    /// of the filter on screen, else dropped.
    fn take_cases(&mut self, list: super::case_list::CaseList) {
        if self.as_of.is_none() && list.filter == self.cases.filter {
            self.cases = list;
        }
    }

    /// A past date's case list arrived: shown when it is still the one of
    /// the date and filter on screen, else dropped.
    fn take_past_cases(&mut self, list: PastCases) {
        let current = self
            .as_of
            .is_some_and(|d| list.is_for(d, &self.cases.filter));
        if current {
            let height = self.cases_height();
            let anchor = self.cases_anchor.take();
            let of = (list.as_of, list.filter);
            self.cases
                .load_memory(list.cases, of, anchor.as_deref(), height);
        }
    }

    /// Asks for the cases as of `d`; returns whether they are here (run in
    /// place), else they come through `poll_loads` and the screens move to
    /// `d` then.
    pub(super) fn load_past(&mut self, d: NaiveDate, anchor: Option<String>) -> Result<bool, Msg> {
        if self.traveling.as_ref().is_some_and(|(t, _)| *t == d) {
            return Ok(false); // asked for already
        }
        let job = loads::past_job(&self.config, d, self.today, self.cases.filter.clone());
        match self.loader.request(&self.store, LoadKey::Past, job) {
            Some(result) => {
                self.take_past(result?);
                Ok(true)
            }
            None => {
                self.traveling = Some((d, anchor));
                Ok(false)
            }
        }
    }

    /// Keeps a past date's cases and lists.
    pub(super) fn take_past(&mut self, loaded: Loaded) {
        if let Loaded::Past {
            as_of,
            snapshot,
            cases,
            rows,
            moments,
        } = loaded
        {
            self.snapshot = Some(snapshot);
            self.past_cases = Some(cases);
            self.past_lists = Some((rows, moments));
            self.log.line(format_args!("loaded snapshot as of {as_of}"));
        }
    }

    /// Asks for the filter forms' choices unless they are here or asked.
    pub(super) fn want_choices(&mut self) -> Result<(), Msg> {
        if self.choices.is_some() || self.loader.busy(LoadKey::Choices).is_some() {
            return Ok(());
        }
        self.request(LoadKey::Choices, loads::choices_job())
    }

    /// The choices arrived: kept, and offered in the forms already open.
    fn take_choices(&mut self, choices: Choices) {
        for overlay in &mut self.overlays {
            let Overlay::Form(form) = overlay else {
                continue;
            };
            for field in &mut form.fields {
                match field.id {
                    FieldId::Worker => field.offer(&choices.workers),
                    FieldId::Provider => field.offer(&choices.providers),
                    _ => {}
                }
            }
        }
        self.choices = Some(choices);
    }

    /// Loads what only the Flow or the Case review view shows, when shown.
    pub fn load_view_extras(&mut self) -> Result<(), Msg> {
        match self.view {
            View::Flow => self.load_flow(),
            View::Meeting => self.load_meeting(),
            _ => Ok(()),
        }
    }

    /// Asks for a view's data: here it is applied at once, on the worker
    /// when it arrives (`poll_loads`).
    pub(super) fn request(&mut self, key: LoadKey, load: Job<Loaded>) -> Result<(), Msg> {
        match self.loader.request(&self.store, key, load) {
            Some(result) => self.apply(result?),
            None => Ok(()),
        }
    }

    /// Takes in the loads that arrived (never waits); returns whether the
    /// screen changed. A result for a view the person left is kept for
    /// when they come back, not drawn.
    pub fn poll_loads(&mut self) -> bool {
        let (done, moved) = self.loader.poll();
        let changed = moved || !done.is_empty();
        for (key, result) in done {
            self.log.line(format_args!("loaded {key:?}"));
            if let Err(e) = result.and_then(|loaded| self.apply(loaded)) {
                self.notify(Tone::Error, e);
            }
        }
        changed
    }

    /// Swaps a view's data in.
    pub(super) fn apply(&mut self, loaded: Loaded) -> Result<(), Msg> {
        match loaded {
            Loaded::Waitlist { rows, moments } => {
                // Looking back, the lists come from the past snapshot.
                if self.as_of.is_none() {
                    self.set_waitlist_rows(rows, moments);
                    self.waitlist_fresh = true;
                    // The expected turns (a simulation of every queue, ten
                    // seconds at a million cases) only now: asked for beside
                    // the lists, the worker, which takes the newest request
                    // first, could start on them and keep the lists waiting.
                    let forecast = loads::forecast_job(&self.config, self.today);
                    self.request(LoadKey::Forecast, forecast)?;
                }
                Ok(())
            }
            Loaded::Board { as_of, rows } => {
                // Only the board of the date on screen.
                if self.as_of != as_of {
                    return Ok(());
                }
                let anchor = self.board_anchor.take();
                self.show_board(rows, anchor.as_deref())
            }
            Loaded::Forecast(forecast) => {
                // Looking back, no forecast is shown (it is of today).
                if self.as_of.is_none() {
                    self.forecast = Some(forecast);
                }
                Ok(())
            }
            Loaded::Agenda { agenda, records } => self.apply_agenda(agenda, records),
            Loaded::Flow { report, stages } => {
                self.flow.report = Some(report);
                self.flow.stages = stages;
                Ok(())
            }
            Loaded::Past { as_of, .. } => {
                match self.traveling.take() {
                    Some((d, anchor)) if d == as_of => self.arrive_at(loaded, anchor),
                    other => {
                        // Not the date asked for last: dropped.
                        self.traveling = other;
                        Ok(())
                    }
                }
            }
            Loaded::PastCases(list) => {
                self.take_past_cases(list);
                Ok(())
            }
            Loaded::Choices(choices) => {
                self.take_choices(choices);
                Ok(())
            }
            Loaded::Cases(list) => {
                self.take_cases(list);
                Ok(())
            }
            Loaded::Retention { count } => {
                self.take_retention(count);
                Ok(())
            }
            Loaded::Previous {
                previous_on,
                aggregate,
            } => {
                self.take_previous(previous_on, aggregate);
                Ok(())
            }
            Loaded::Exported { count, path } => {
                let msg = Msg::new("tui.export.done")
                    .arg("count", count)
                    .arg("path", path.display());
                self.log.line(format_args!("exported: {msg}"));
                self.notify(Tone::Success, msg);
                Ok(())
            }
        }
    }

    /// What the status line says is running: the current view's load, a
    /// past date's cases, or an export (wherever the person went meanwhile).
    pub fn busy(&self) -> Option<Busy> {
        self.view_busy()
            .or_else(|| self.loader.busy(LoadKey::Past))
            .or_else(|| self.loader.busy(LoadKey::Export))
    }

    /// The load of the current view that has not arrived yet, if any.
    fn view_busy(&self) -> Option<Busy> {
        let key = match self.view {
            View::Waitlist => LoadKey::Waitlist,
            View::Stoplight => {
                return self
                    .loader
                    .busy(LoadKey::Board)
                    .or_else(|| self.loader.busy(LoadKey::Comparison));
            }
            View::Meeting => LoadKey::Agenda,
            View::Flow => LoadKey::Flow,
            View::Cases => return self.cases_busy(),
        };
        self.loader.busy(key)
    }

    /// Whether view 2's list for the filter on screen is still being made
    /// (a past date's cases, filtered on the worker).
    pub fn cases_pending(&self) -> bool {
        self.cases_busy().is_some()
    }

    /// The load of view 2's list that has not arrived, if any.
    fn cases_busy(&self) -> Option<Busy> {
        self.loader
            .busy(LoadKey::Cases)
            .or_else(|| self.loader.busy(LoadKey::PastCases))
    }

    /// Whether the current view has nothing to show until its load
    /// arrives (the first visit): it says "bezig…" instead of "empty".
    pub fn waiting_for_data(&self) -> Option<Busy> {
        let busy = self.view_busy()?;
        let empty = match self.view {
            View::Waitlist => !self.waitlist_fresh && self.as_of.is_none(),
            View::Stoplight => {
                self.board.all.is_none() || self.board.panel && self.board.comparison.is_none()
            }
            View::Meeting => self.meeting.agenda.is_none(),
            View::Flow => self.flow.report.is_none(),
            View::Cases => false,
        };
        empty.then_some(busy)
    }

    /// New waiting-list rows, keeping the selected position.
    fn set_waitlist_rows(&mut self, rows: Vec<PackedWait>, moments: Vec<PackedMoment>) {
        let height = self.waitlist_height();
        self.waitlist.load(rows, moments, height);
    }

    fn cases_height(&self) -> usize {
        self.screen().table_rows().height as usize
    }

    pub fn waitlist_height(&self) -> usize {
        self.screen().waitlist_rows().height as usize
    }

    /// One case as of the shown date, with its history up to then.
    /// The warning shown after saving a note or decision that names the
    /// child of its own case (free text should not hold names).
    pub fn name_warning(&self, case_ref: &str, text: &str) -> Option<Msg> {
        let case = self.store.case(case_ref).ok()?;
        let name = case.name.as_deref()?;
        crate::domain::access::names_child(text, name)
            .then(|| Msg::new("names.warning").arg("case", case_ref))
    }

    /// A line on the status bar when closed cases still hold names past
    /// the retention period of the config (`stroom purge --policy`):
    /// counted on the worker (at a million cases it took seconds before
    /// the first frame), said when the count arrives.
    pub fn retention_notice(&mut self) -> Result<(), Msg> {
        let years = self.config.retention.closed_years;
        let Some(cutoff) = crate::domain::access::retention_cutoff(self.today, years) else {
            return Ok(());
        };
        if years == 0 {
            return Ok(());
        }
        self.request(LoadKey::Retention, loads::retention_job(cutoff))
    }

    /// The count of closed cases past retention arrived: said on the
    /// status line unless something else is said there.
    fn take_retention(&mut self, count: usize) {
        if count > 0 && self.notice.is_none() {
            let key = if count == 1 {
                "retention.past_one"
            } else {
                "retention.past"
            };
            self.notify(Tone::Info, Msg::new(key).arg("count", count));
        }
    }

    pub fn load_case_screen(&self, case_ref: &str) -> Result<CaseScreen, Msg> {
        self.load_case_at(case_ref, self.as_of)
    }

    /// One case as of the end of `as_of` (None: now), with its history up
    /// to then.
    pub fn load_case_at(
        &self,
        case_ref: &str,
        as_of: Option<NaiveDate>,
    ) -> Result<CaseScreen, Msg> {
        let now = self.store.case(case_ref)?;
        let mut history = self.store.history(now.id)?;
        let mut reviews = self.store.reviews(now.id)?;
        let decisions = self.store.decisions(now.id)?;
        let case = match as_of {
            None => now,
            Some(d) => {
                history.retain(|h| h.event.on <= d);
                reviews.retain(|r| r.on <= d);
                let events: Vec<_> = history.iter().map(|h| h.event.clone()).collect();
                let mut then = replay(now.id, &now.case_ref, &events, None).ok_or_else(|| {
                    Msg::new("tui.case.not_yet")
                        .arg("case", case_ref)
                        .arg("date", d)
                })?;
                then.name = now.name;
                then.birth_date = now.birth_date;
                then
            }
        };
        let on = as_of.unwrap_or(self.today);
        let light = case.on_board().then(|| {
            stoplight::evaluate(
                &case,
                &reviews,
                on,
                &self.config.precondition_codes(),
                self.config.norms.care,
            )
        });
        // A viewer on a team database reads pseudonymised: the store gave
        // the case without name; the one of `then` came from `now`.
        let mut case = case;
        if self.store.hides_names() {
            case.name = None;
            case.birth_date = None;
        }
        Ok(CaseScreen {
            case,
            history,
            reviews,
            decisions,
            light,
            scroll: 0,
            last_scroll: std::cell::Cell::new(u16::MAX),
        })
    }

    /// Checks whether another coordinator changed the database (a cheap
    /// PRAGMA); only then reloads what is shown. Returns whether it did.
    pub fn poll_external(&mut self) -> bool {
        if self.store.file_replaced() {
            // Once refused, wait for the file to be put back.
            if self.file_gone && !self.store.path().exists() {
                return false;
            }
            return self.reopen();
        }
        match self.store.data_version() {
            Ok(v) if v != self.data_version => {
                self.data_version = v;
                self.log.line("database changed elsewhere: reloading");
                if let Err(e) = self.reload() {
                    self.notify(Tone::Error, e);
                }
                true
            }
            Ok(_) => false,
            Err(e) => {
                self.log.line(format_args!("data_version failed: {e}"));
                false
            }
        }
    }

    /// The database file was replaced under the UI: open the new one (and
    /// stop writing to the old), or say why not.
    fn reopen(&mut self) -> bool {
        self.log
            .line("database file replaced elsewhere: opening it again");
        match self.store.reopen() {
            Ok(store) => {
                self.file_gone = false;
                self.store = store;
                self.data_version = self.store.data_version().unwrap_or_default();
                match self.reload() {
                    Ok(()) => self.notify(Tone::Info, Msg::new("tui.reopened")),
                    Err(e) => self.notify(Tone::Error, e),
                }
            }
            Err(e) => {
                self.file_gone = !self.store.path().exists();
                self.notify(Tone::Error, e);
            }
        }
        true
    }

    /// The case the editing keys apply to: the case screen's, else the
    /// selected row's.
    pub fn target_case_ref(&self) -> Option<String> {
        if let Some(s) = self.case_screen() {
            return Some(s.case.case_ref.clone());
        }
        match self.view {
            View::Cases => self.cases.selected_case().map(|c| c.case_ref.clone()),
            View::Waitlist => self.waitlist.selected_case_ref().map(str::to_string),
            View::Meeting => self.meeting.selected().map(|i| i.case_ref.to_string()),
            // The overview hides the list: nothing there is a target.
            View::Stoplight if self.board.panel => None,
            View::Stoplight => self.board.selected_row().map(|r| r.case_ref.to_string()),
            _ => None,
        }
    }

    /// The version of the target case as the person sees it on screen.
    pub fn shown_version(&self, case_ref: &str) -> Option<i64> {
        if let Some(s) = self.case_screen().filter(|s| s.case.case_ref == case_ref) {
            return Some(s.case.version);
        }
        self.cases
            .selected_case()
            .filter(|c| c.case_ref == case_ref)
            .map(|c| c.version)
    }
}
