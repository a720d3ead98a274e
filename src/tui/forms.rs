//! Forms: fields that check what is typed as it is typed, with the same
//! parse functions as the command line, and the move form that asks only
//! what the chosen move needs. Texts are translation keys; the view renders.

use chrono::NaiveDate;
use tui_input::{Input as TextInput, InputRequest};

use crate::domain::dates::parse_date;
use crate::domain::lifecycle::{allowed_moves, route_target};
use crate::domain::{CareType, Case, Destination, Goals, Move, Msg, OutflowReason, Route, Stage};

use super::action::{Edit, View};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldId {
    ReferredOn,
    Referrer,
    Urgency,
    Name,
    BirthDate,
    Worker,
    To,
    Route,
    CareType,
    Provider,
    PlannedEnd,
    Reason,
    Destination,
    Goals,
    IntendedOutflow,
    On,
    Next,
    Note,
    Precondition(usize),
    Stage,
    CaseState,
    File,
    AsOf,
}

/// A field's label: a translation key, or text from the config
/// (precondition names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Label {
    Key(&'static str),
    Text(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Text,
    Date {
        required: bool,
    },
    /// One of `options`; `None` is shown with `none_key`; codes are shown
    /// with their label of `kind` (empty kind: the value itself).
    Choice {
        kind: &'static str,
        options: Vec<Option<String>>,
        index: usize,
        none_key: &'static str,
    },
}

/// The text-line request of an edit key.
fn request(edit: Edit) -> InputRequest {
    match edit {
        Edit::Left => InputRequest::GoToPrevChar,
        Edit::Right => InputRequest::GoToNextChar,
        Edit::WordLeft => InputRequest::GoToPrevWord,
        Edit::WordRight => InputRequest::GoToNextWord,
        Edit::Home => InputRequest::GoToStart,
        Edit::End => InputRequest::GoToEnd,
        Edit::Backspace => InputRequest::DeletePrevChar,
        Edit::Delete => InputRequest::DeleteNextChar,
        Edit::DeleteWord => InputRequest::DeletePrevWord,
    }
}

/// Applies an edit to a text line; returns whether anything changed.
pub fn apply_edit(input: &mut TextInput, edit: Edit) -> bool {
    input.handle(request(edit)).is_some()
}

#[derive(Debug, Clone)]
pub struct Field {
    pub id: FieldId,
    pub label: Label,
    pub input: Input,
    /// What was typed (text and date fields), with its cursor.
    pub value: TextInput,
    /// Values known in the database, offered while typing (worker,
    /// provider): one spelling per person or organisation.
    pub suggestions: Vec<String>,
    /// Why the value is not usable, shown under the field as it is typed.
    pub error: Option<Msg>,
}

impl Field {
    pub fn text(id: FieldId, label: &'static str, value: Option<&str>) -> Field {
        Field {
            id,
            label: Label::Key(label),
            input: Input::Text,
            value: TextInput::new(value.unwrap_or_default().to_string()),
            suggestions: Vec::new(),
            error: None,
        }
    }

    pub fn date(
        id: FieldId,
        label: &'static str,
        value: Option<NaiveDate>,
        required: bool,
    ) -> Field {
        Field {
            id,
            label: Label::Key(label),
            input: Input::Date { required },
            value: TextInput::new(value.map(crate::present::date).unwrap_or_default()),
            suggestions: Vec::new(),
            error: None,
        }
    }

    /// A choice of codes; `none_key` adds a first "none" option.
    pub fn choice(
        id: FieldId,
        label: &'static str,
        kind: &'static str,
        codes: impl IntoIterator<Item = String>,
        none_key: Option<&'static str>,
        selected: Option<&str>,
    ) -> Field {
        let mut options: Vec<Option<String>> = Vec::new();
        if none_key.is_some() {
            options.push(None);
        }
        options.extend(codes.into_iter().map(Some));
        let index = options
            .iter()
            .position(|o| o.as_deref() == selected)
            .unwrap_or(0);
        Field {
            id,
            label: Label::Key(label),
            input: Input::Choice {
                kind,
                options,
                index,
                none_key: none_key.unwrap_or(""),
            },
            value: TextInput::default(),
            suggestions: Vec::new(),
            error: None,
        }
    }

    pub fn with_label(mut self, label: Label) -> Field {
        self.label = label;
        self
    }

    pub fn with_suggestions(mut self, values: Vec<String>) -> Field {
        self.suggestions = values;
        self
    }

    /// The typed text as it stands.
    pub fn raw(&self) -> &str {
        self.value.value()
    }

    /// Replaces the typed text (cursor at its end) and checks it.
    pub fn set_value(&mut self, text: &str) {
        self.value = TextInput::new(text.to_string());
        self.validate();
    }

    /// The known value that starts with what was typed (case ignored),
    /// when it is longer: offered greyed after the cursor.
    pub fn suggestion(&self) -> Option<&str> {
        let typed = self.raw().trim();
        if typed.is_empty() || self.value.cursor() < self.raw().chars().count() {
            return None;
        }
        let lower = typed.to_lowercase();
        self.suggestions
            .iter()
            .find(|s| s.to_lowercase().starts_with(&lower) && s.len() > typed.len())
            .map(String::as_str)
    }

    /// Takes the offered value; returns whether there was one.
    pub fn accept_suggestion(&mut self) -> bool {
        match self.suggestion().map(str::to_string) {
            Some(s) => {
                self.set_value(&s);
                true
            }
            None => false,
        }
    }

    /// The values known in the database, arrived from the worker: a
    /// choice field offers them (the chosen one stays chosen, also when it
    /// is no longer on file), a text field suggests them.
    pub fn offer(&mut self, values: &[String]) {
        let Input::Choice { options, index, .. } = &mut self.input else {
            self.suggestions = values.to_vec();
            return;
        };
        let chosen = options.get(*index).cloned().flatten();
        let all = options.first().is_some_and(Option::is_none);
        let mut fresh: Vec<Option<String>> = Vec::new();
        if all {
            fresh.push(None);
        }
        fresh.extend(values.iter().cloned().map(Some));
        if let Some(c) = chosen.as_ref().filter(|c| !values.contains(c)) {
            fresh.push(Some(c.clone()));
        }
        *index = fresh.iter().position(|o| *o == chosen).unwrap_or(0);
        *options = fresh;
    }

    /// The chosen code of a choice field.
    pub fn code(&self) -> Option<&str> {
        match &self.input {
            Input::Choice { options, index, .. } => options.get(*index).and_then(|o| o.as_deref()),
            _ => None,
        }
    }

    /// Trimmed text; None when blank.
    pub fn text_value(&self) -> Option<String> {
        let t = self.raw().trim();
        (!t.is_empty()).then(|| t.to_string())
    }

    /// The typed date; None when blank, an error when not a date.
    pub fn date_value(&self) -> Result<Option<NaiveDate>, Msg> {
        self.text_value().map(|v| parse_date(&v)).transpose()
    }

    /// Checks the value as the command line would.
    pub fn validate(&mut self) {
        self.error = match self.input {
            Input::Date { required } => match self.date_value() {
                Ok(None) if required => Some(Msg::new("tui.form.required")),
                Ok(_) => None,
                Err(e) => Some(e),
            },
            _ => None,
        };
    }

    fn cycle(&mut self, forward: bool) {
        if let Input::Choice { options, index, .. } = &mut self.input {
            let n = options.len().max(1);
            *index = if forward {
                (*index + 1) % n
            } else {
                (*index + n - 1) % n
            };
        }
    }

    pub fn is_choice(&self) -> bool {
        matches!(self.input, Input::Choice { .. })
    }
}

/// What a form is for, with the case as it was read when the form opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Purpose {
    NewReferral,
    Move {
        case: Case,
    },
    Review {
        case: Case,
    },
    Worker {
        case: Case,
    },
    TimeTravel,
    Export {
        view: View,
    },
    Filter,
    /// A case-review decision, for the meeting on `meeting_on`.
    Decision {
        case: Case,
        meeting_on: NaiveDate,
    },
    MeetingDate,
    /// The provider of the stoplight round.
    MeetingProvider,
}

impl Purpose {
    /// The case the form changes, for forms on one case.
    pub fn case(&self) -> Option<&Case> {
        match self {
            Purpose::Move { case }
            | Purpose::Review { case }
            | Purpose::Worker { case }
            | Purpose::Decision { case, .. } => Some(case),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Form {
    pub purpose: Purpose,
    pub title: Msg,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// Why the whole form cannot be saved (checked as you type, or the
    /// store's refusal after Enter).
    pub problem: Option<Msg>,
    /// Something was typed or chosen: Esc asks before throwing it away.
    pub touched: bool,
    /// The person said yes to saving a date that looks unlikely.
    pub confirmed: bool,
}

impl Form {
    pub fn new(purpose: Purpose, title: Msg, fields: Vec<Field>) -> Form {
        let mut form = Form {
            purpose,
            title,
            fields,
            focus: 0,
            problem: None,
            touched: false,
            confirmed: false,
        };
        form.fields.iter_mut().for_each(Field::validate);
        form
    }

    pub fn field(&self, id: FieldId) -> Option<&Field> {
        self.fields.iter().find(|f| f.id == id)
    }

    pub fn focused(&self) -> Option<&Field> {
        self.fields.get(self.focus)
    }

    pub fn code(&self, id: FieldId) -> Option<&str> {
        self.field(id).and_then(Field::code)
    }

    pub fn text(&self, id: FieldId) -> Option<String> {
        self.field(id).and_then(Field::text_value)
    }

    pub fn date(&self, id: FieldId) -> Result<Option<NaiveDate>, Msg> {
        self.field(id).map_or(Ok(None), Field::date_value)
    }

    /// A parsed code of a choice field.
    pub fn parsed<T: std::str::FromStr>(&self, id: FieldId) -> Option<T> {
        self.code(id).and_then(|c| c.parse().ok())
    }

    /// The first field error, if any.
    pub fn field_error(&self) -> Option<&Msg> {
        self.fields.iter().find_map(|f| f.error.as_ref())
    }

    pub fn next_field(&mut self) {
        self.focus = (self.focus + 1) % self.fields.len().max(1);
    }

    /// Whether the focus is on the last field (Enter saves from there).
    pub fn on_last_field(&self) -> bool {
        self.focus + 1 >= self.fields.len()
    }

    pub fn prev_field(&mut self) {
        let n = self.fields.len().max(1);
        self.focus = (self.focus + n - 1) % n;
    }

    /// Returns the id of the changed field.
    pub fn cycle(&mut self, forward: bool) -> Option<FieldId> {
        let f = self.fields.get_mut(self.focus)?;
        f.cycle(forward);
        self.touched = true;
        Some(f.id)
    }

    pub fn input(&mut self, c: char) -> Option<FieldId> {
        let f = self.fields.get_mut(self.focus)?;
        if f.is_choice() {
            // Space (or any letter) steps through a choice.
            f.cycle(true);
        } else {
            f.value.handle(InputRequest::InsertChar(c));
            f.validate();
        }
        self.touched = true;
        Some(f.id)
    }

    /// A cursor movement or deletion in the focused text field; on a
    /// choice, Left and Right step through the options. Right at the end
    /// of a text takes the offered suggestion.
    pub fn edit(&mut self, edit: Edit) -> Option<FieldId> {
        let f = self.fields.get_mut(self.focus)?;
        if f.is_choice() {
            return match edit {
                Edit::Left | Edit::Right => self.cycle(edit == Edit::Right),
                _ => None,
            };
        }
        let accept = matches!(edit, Edit::Right | Edit::End) && f.suggestion().is_some();
        let changed = if accept {
            f.accept_suggestion()
        } else {
            apply_edit(&mut f.value, edit)
        };
        let edits_text =
            accept || matches!(edit, Edit::Backspace | Edit::Delete | Edit::DeleteWord);
        // A cursor movement changes nothing to check.
        if !changed || !edits_text {
            return None;
        }
        f.validate();
        self.touched = true;
        Some(f.id)
    }

    pub fn backspace(&mut self) -> Option<FieldId> {
        self.edit(Edit::Backspace)
    }

    /// Replaces the fields, keeping what was typed or chosen in fields that
    /// stay, and the focus on the same field.
    pub fn replace_fields(&mut self, mut fields: Vec<Field>) {
        let focused = self.focused().map(|f| f.id);
        for new in &mut fields {
            if let Some(old) = self.fields.iter().find(|f| f.id == new.id) {
                match (&mut new.input, &old.input) {
                    (Input::Choice { options, index, .. }, Input::Choice { .. }) => {
                        if let Some(i) = options.iter().position(|o| o.as_deref() == old.code()) {
                            *index = i;
                        }
                    }
                    (Input::Choice { .. }, _) => {}
                    _ => new.value = old.value.clone(),
                }
            }
            new.validate();
        }
        self.fields = fields;
        self.focus = focused
            .and_then(|id| self.fields.iter().position(|f| f.id == id))
            .unwrap_or(0);
    }
}

fn codes<T: Copy>(items: &[T], code: impl Fn(T) -> &'static str) -> Vec<String> {
    items.iter().map(|t| code(*t).to_string()).collect()
}

/// The fields of the move form for `case` moving to `to` (by `route`, at
/// triage): only what that move needs, and the date.
pub fn move_fields(case: &Case, to: Stage, route: Option<Route>, today: NaiveDate) -> Vec<Field> {
    move_fields_chosen(case, to, false, route, today)
}

/// The move form's fields; `chosen_to`: the target was chosen by the person
/// (a closed case's form shows it, else "choose").
pub fn move_fields_chosen(
    case: &Case,
    to: Stage,
    chosen_to: bool,
    route: Option<Route>,
    today: NaiveDate,
) -> Vec<Field> {
    move_fields_for(case, to, chosen_to, route, false, today)
}

/// As [`move_fields_chosen`]; `extension` says the planned end entered so
/// far makes the move an extension (SPEC 1.8), which asks for the report.
pub fn move_fields_for(
    case: &Case,
    to: Stage,
    chosen_to: bool,
    route: Option<Route>,
    extension: bool,
    today: NaiveDate,
) -> Vec<Field> {
    let from = case.stage;
    let targets = codes(allowed_moves(from), Stage::code);
    // From closed, the only step is a reopen: never pre-selected.
    let closed = from == Stage::Closed;
    let mut fields = vec![Field::choice(
        FieldId::To,
        "field.stage",
        "stage",
        targets,
        closed.then_some("tui.form.choose"),
        (!closed || chosen_to).then_some(to.code()),
    )];
    let provider = || {
        Field::text(
            FieldId::Provider,
            "field.provider",
            case.provider.as_deref(),
        )
    };
    let planned = || {
        Field::date(
            FieldId::PlannedEnd,
            "field.planned_end_on",
            case.planned_end_on,
            false,
        )
    };
    let reasons = || {
        Field::choice(
            FieldId::Reason,
            "field.outflow_reason",
            "outflow_reason",
            codes(&reasons_for(from), OutflowReason::code),
            Some("tui.form.choose"),
            None,
        )
    };
    // SPEC 1.6: unnamed, the destination follows from the reason.
    let destination = |id, label| {
        Field::choice(
            id,
            label,
            "destination",
            codes(Destination::ALL, Destination::code),
            Some("tui.form.from_reason"),
            None,
        )
    };
    // SPEC 1.8: the report an extension must carry (and a step may).
    let report = |fields: &mut Vec<Field>| {
        fields.push(Field::choice(
            FieldId::Goals,
            "tui.form.goals",
            "goals",
            codes(Goals::ALL, Goals::code),
            Some("tui.form.no_report"),
            None,
        ));
        fields.push(Field::choice(
            FieldId::IntendedOutflow,
            "tui.form.intended_outflow",
            "destination",
            codes(Destination::ALL, Destination::code),
            Some("tui.form.no_report"),
            None,
        ));
        fields.push(Field::text(FieldId::Note, "tui.form.still_needed", None));
    };
    let care_types = |fits: &dyn Fn(CareType) -> bool, none_key, selected: Option<CareType>| {
        let list: Vec<CareType> = CareType::ALL.iter().copied().filter(|t| fits(*t)).collect();
        Field::choice(
            FieldId::CareType,
            "field.care_type",
            "care_type",
            codes(&list, CareType::code),
            none_key,
            selected.map(CareType::code),
        )
    };
    match (from, to) {
        (Stage::Triage, Stage::Closed) => {
            fields.push(Field::choice(
                FieldId::Route,
                "field.route",
                "route",
                vec![Route::Community.code().to_string()],
                Some("tui.form.no_route"),
                route.map(Route::code),
            ));
            if route != Some(Route::Community) {
                fields.push(reasons());
            }
        }
        (Stage::Triage, _) => {
            let routes: Vec<Route> = Route::ALL
                .iter()
                .copied()
                .filter(|r| route_target(*r) == to)
                .collect();
            let chosen = route.filter(|r| routes.contains(r)).unwrap_or(routes[0]);
            fields.push(Field::choice(
                FieldId::Route,
                "field.route",
                "route",
                codes(&routes, Route::code),
                None,
                Some(chosen.code()),
            ));
            fields.push(care_types(
                &|t| chosen.fits(t),
                Some("tui.form.later"),
                None,
            ));
            fields.push(provider());
            fields.push(planned());
        }
        (Stage::Waiting, Stage::InCare) => {
            if case.care_type.is_none() {
                // No type is chosen for the person (SPEC 1.3): the form
                // opens on "choose" and cannot be saved so.
                let route = case.route;
                fields.push(care_types(
                    &|t| route.is_none_or(|r| r.fits(t)),
                    Some("tui.form.choose"),
                    None,
                ));
            }
            fields.push(provider());
            fields.push(planned());
        }
        (Stage::Evaluation, Stage::Waiting) => {
            fields.push(care_types(&|_| true, Some("tui.form.choose"), None));
            fields.push(Field::text(FieldId::Provider, "field.provider", None));
            fields.push(planned());
            report(&mut fields);
        }
        (Stage::Evaluation, Stage::InCare) => {
            fields.push(care_types(&|_| true, Some("tui.form.continue"), None));
            // A later planned end is an extension: the report comes with it.
            fields.push(planned());
            if extension {
                report(&mut fields);
            }
        }
        (_, Stage::Closed) => {
            fields.push(reasons());
            fields.push(destination(FieldId::Destination, "field.destination"));
        }
        _ => {}
    }
    fields.push(Field::date(FieldId::On, "tui.form.on", Some(today), true));
    fields
}

/// The outflow reasons in the order that fits the stage a case leaves:
/// before care starts, a withdrawn referral or a move is likelier than
/// goals met; in care, the reasons of ended care come first.
pub fn reasons_for(from: Stage) -> Vec<OutflowReason> {
    use OutflowReason::*;
    let first: &[OutflowReason] = match from {
        Stage::Referred | Stage::Intake | Stage::Triage => {
            &[Withdrawn, Moved, ToCommunity, EndedByClient, Other]
        }
        Stage::Waiting => &[Withdrawn, Moved, EndedByClient, ToCommunity, EndedJointly],
        _ => &[],
    };
    let mut all: Vec<OutflowReason> = first.to_vec();
    all.extend(OutflowReason::ALL.iter().filter(|r| !first.contains(r)));
    all
}

/// The move the form asks for, and its date.
pub fn move_request(form: &Form) -> Result<(Move, NaiveDate), Msg> {
    if let Some(e) = form.field_error() {
        return Err(e.clone());
    }
    let on = form
        .date(FieldId::On)?
        .ok_or_else(|| Msg::new("tui.form.required"))?;
    // A closed case's form opens on "choose": a reopen is only ever chosen.
    if form.code(FieldId::To).is_none() {
        return Err(Msg::new("tui.form.choose_stage"));
    }
    let m = Move {
        to: form.parsed(FieldId::To),
        route: form.parsed(FieldId::Route),
        care_type: form.parsed(FieldId::CareType),
        provider: form.text(FieldId::Provider),
        planned_end_on: form.date(FieldId::PlannedEnd)?,
        reason: form.parsed(FieldId::Reason),
        destination: form.parsed(FieldId::Destination),
        goals: form.parsed(FieldId::Goals),
        intended_outflow: form.parsed(FieldId::IntendedOutflow),
        note: form.text(FieldId::Note),
    };
    Ok((m, on))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case::Referral;
    use crate::domain::{Referrer, Urgency};

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn case_in(stage: Stage) -> Case {
        let r = Referral {
            referrer: Referrer::Gp,
            urgency: Urgency::Regular,
            worker: None,
        };
        let mut c = Case::referred(1, "2026-0001", d("2026-09-01"), &r);
        c.stage = stage;
        c
    }

    fn ids(fields: &[Field]) -> Vec<FieldId> {
        fields.iter().map(|f| f.id).collect()
    }

    #[test]
    fn the_report_is_asked_exactly_when_the_move_is_an_extension() {
        use FieldId::{CareType as Care, Goals, IntendedOutflow, Note, On, PlannedEnd, To};
        let today = d("2026-11-22");
        let mut e = case_in(Stage::Evaluation);
        e.planned_end_on = Some(d("2027-01-31"));
        assert_eq!(
            ids(&move_fields(&e, Stage::InCare, None, today)),
            [To, Care, PlannedEnd, On]
        );
        assert_eq!(
            ids(&move_fields_for(
                &e,
                Stage::InCare,
                false,
                None,
                true,
                today
            )),
            [To, Care, PlannedEnd, Goals, IntendedOutflow, Note, On]
        );
        // A step to a new provider may carry it always.
        assert!(ids(&move_fields(&e, Stage::Waiting, None, today)).contains(&Goals));
    }

    #[test]
    fn move_form_asks_only_what_the_move_needs() {
        use FieldId::{CareType as Care, On, PlannedEnd, Provider, Reason, Route as Via, To};
        let today = d("2026-11-22");
        let c = case_in(Stage::Referred);
        assert_eq!(ids(&move_fields(&c, Stage::Intake, None, today)), [To, On]);
        assert_eq!(
            ids(&move_fields(&c, Stage::Closed, None, today)),
            [To, Reason, FieldId::Destination, On]
        );
        let t = case_in(Stage::Triage);
        assert_eq!(
            ids(&move_fields(&t, Stage::Waiting, None, today)),
            [To, Via, Care, Provider, PlannedEnd, On]
        );
        let closing = move_fields(&t, Stage::Closed, Some(Route::Community), today);
        assert_eq!(ids(&closing), [To, Via, On]);
        let mut w = case_in(Stage::Waiting);
        w.route = Some(Route::Residential);
        let fields = move_fields(&w, Stage::InCare, None, today);
        assert_eq!(ids(&fields), [To, Care, Provider, PlannedEnd, On]);
        let Input::Choice { options, .. } = &fields[1].input else {
            panic!("care type is a choice")
        };
        // Nothing chosen beforehand ("choose…"), then only fitting types.
        assert_eq!(options[0], None);
        assert!(options[1..].iter().all(|o| {
            o.as_deref()
                .and_then(|c| c.parse::<CareType>().ok())
                .is_some_and(CareType::with_accommodation)
        }));
        w.care_type = Some(CareType::FosterCare);
        assert_eq!(
            ids(&move_fields(&w, Stage::InCare, None, today)),
            [To, Provider, PlannedEnd, On]
        );
    }

    #[test]
    fn close_reasons_fit_the_stage_and_none_is_chosen_beforehand() {
        let today = d("2026-11-22");
        let c = case_in(Stage::Intake);
        let fields = move_fields(&c, Stage::Closed, None, today);
        let Input::Choice { options, index, .. } = &fields[1].input else {
            panic!("reason is a choice")
        };
        assert_eq!((options[0].as_deref(), *index), (None, 0));
        assert_eq!(options[1].as_deref(), Some("withdrawn"));
        let fields = move_fields(&case_in(Stage::InCare), Stage::Closed, None, today);
        let Input::Choice { options, .. } = &fields[1].input else {
            panic!("reason is a choice")
        };
        assert_eq!(options[1].as_deref(), Some("goals_met"));
    }

    #[test]
    fn text_fields_move_the_cursor_and_offer_known_values() {
        let c = case_in(Stage::Triage);
        let mut form = Form::new(
            Purpose::Move { case: c.clone() },
            Msg::new("tui.form.move_title"),
            move_fields(&c, Stage::Waiting, None, d("2026-11-22")),
        );
        form.focus = 3;
        form.fields[3].suggestions = vec!["Horizon Jeugdzorg".into()];
        for ch in "hor".chars() {
            form.input(ch);
        }
        assert_eq!(form.fields[3].suggestion(), Some("Horizon Jeugdzorg"));
        form.edit(Edit::Right);
        assert_eq!(
            form.text(FieldId::Provider).as_deref(),
            Some("Horizon Jeugdzorg")
        );
        form.edit(Edit::WordLeft);
        form.edit(Edit::Delete);
        assert_eq!(
            form.text(FieldId::Provider).as_deref(),
            Some("Horizon eugdzorg")
        );
        form.edit(Edit::Home);
        form.input('X');
        assert_eq!(
            form.text(FieldId::Provider).as_deref(),
            Some("XHorizon eugdzorg")
        );
        assert!(form.touched);
    }

    #[test]
    fn typing_a_bad_date_shows_the_cli_sentence_until_fixed() {
        let c = case_in(Stage::Referred);
        let mut form = Form::new(
            Purpose::Move { case: c.clone() },
            Msg::new("tui.form.move_title"),
            move_fields(&c, Stage::Intake, None, d("2026-11-22")),
        );
        form.focus = 1;
        for _ in 0..10 {
            form.backspace();
        }
        assert_eq!(
            form.fields[1].error.as_ref().unwrap().key,
            "tui.form.required"
        );
        for ch in "2026-13".chars() {
            form.input(ch);
        }
        assert_eq!(form.fields[1].error.as_ref().unwrap().key, "error.bad_date");
        form.backspace();
        form.backspace();
        for ch in "11-01".chars() {
            form.input(ch);
        }
        assert!(form.fields[1].error.is_none());
        let (m, on) = move_request(&form).unwrap();
        assert_eq!(m.to, Some(Stage::Intake));
        assert_eq!(on, d("2026-11-01"));
    }

    #[test]
    fn replacing_fields_keeps_typed_values() {
        let t = case_in(Stage::Triage);
        let today = d("2026-11-22");
        let mut form = Form::new(
            Purpose::Move { case: t.clone() },
            Msg::new("tui.form.move_title"),
            move_fields(&t, Stage::Waiting, None, today),
        );
        form.focus = 3;
        for ch in "Horizon".chars() {
            form.input(ch);
        }
        form.focus = 1;
        assert_eq!(form.cycle(true), Some(FieldId::Route));
        let route = form.parsed(FieldId::Route);
        form.replace_fields(move_fields(&t, Stage::Waiting, route, today));
        assert_eq!(form.text(FieldId::Provider).as_deref(), Some("Horizon"));
        assert_eq!(form.focused().unwrap().id, FieldId::Route);
        assert_eq!(form.code(FieldId::Route), Some("residential"));
    }
}
