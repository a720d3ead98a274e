//! The agendas of the team's two meetings (SPEC 9): the weekly case review
//! (each case once, in the first section that applies — triage, stoplight
//! red, waiting over the norm, evaluation due, escalated) and the monthly
//! stoplight round (every young person on the board, red first). And what
//! the meeting recorded: decisions, moves and reviews on the meeting date.
//!
//! An agenda for date D is built from the cases as they stood at the start
//! of D (the end of D − 1), with waits and rules counted to D, so what the
//! meeting records cannot reshuffle it. The cases are pushed one at a time
//! ([`AgendaBuilder::push`]): the store can stream them, and only the items
//! are kept.

use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::Serialize;

use super::codes::{CareType, Stage, code_enum};
use super::snapshot::Snapshot;
use super::stoplight::{self, StoplightRow};
use super::waitlist::{self, Norms, Queue, Signal};
use super::{Case, Move, Review};

code_enum!(
    /// Which meeting: the weekly case review or the monthly stoplight round.
    Kind, "meeting_kind" {
        Team => "team",
        Stoplight => "stoplight",
    }
);

code_enum!(
    /// A section of an agenda, in agenda order: the first five are the
    /// weekly case review's (SPEC 9.1), the colours the stoplight round's
    /// (SPEC 9.2).
    Section, "section" {
        Triage => "triage",
        StoplightRed => "stoplight_red",
        WaitingOverNorm => "waiting_over_norm",
        EvaluationDue => "evaluation_due",
        Escalated => "escalated",
        Red => "red",
        Orange => "orange",
        Green => "green",
    }
);

impl Section {
    /// The sections of one kind of meeting, in agenda order.
    pub fn of(kind: Kind) -> &'static [Section] {
        match kind {
            Kind::Team => &Section::ALL[..5],
            Kind::Stoplight => &Section::ALL[5..],
        }
    }

    fn of_color(color: Signal) -> Section {
        match color {
            Signal::Red => Section::Red,
            Signal::Orange => Section::Orange,
            Signal::Green => Section::Green,
        }
    }
}

/// Which meeting an agenda is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meeting {
    pub kind: Kind,
    pub on: NaiveDate,
    /// The stoplight round with one provider; None: every provider.
    pub provider: Option<String>,
}

/// An evaluation moment (SPEC 1.7) as the agenda needs it. The evaluation
/// list hands these in ([`AgendaBuilder::new`]); until it exists the list is
/// empty and the section stays empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DueMoment {
    #[serde(skip)]
    pub case_id: i64,
    /// `start` or `end`.
    pub moment: String,
    pub due_on: NaiveDate,
    pub signal: Signal,
}

/// One queue a case waits in, at the start of the meeting day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WaitFact {
    pub queue: Queue,
    pub since: NaiveDate,
    pub wait_days: i64,
    pub norm_days: u32,
    pub signal: Signal,
}

/// One case on the agenda: why it is there (as of the start of the day)
/// and the facts that explain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgendaItem {
    pub case_id: i64,
    pub case_ref: String,
    pub section: Section,
    /// Rule codes: the stoplight rules (of a red light in the case review,
    /// of any light in the stoplight round), the queues waited in over the
    /// norm (`intake`, `decision`, `care`), `evaluation_due`, `escalated`.
    pub reasons: Vec<String>,
    pub stage: Stage,
    pub stage_since: NaiveDate,
    pub care_type: Option<CareType>,
    pub provider: Option<String>,
    pub worker: Option<String>,
    pub planned_end_on: Option<NaiveDate>,
    /// Personal data: only rendered with names.
    pub name: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub waits: Vec<WaitFact>,
    /// The light of a case on the board.
    pub light: Option<StoplightRow>,
    /// The evaluation moment that is due.
    pub due: Option<DueMoment>,
}

/// An agenda: the meeting and its items in agenda order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agenda {
    pub meeting: Meeting,
    pub items: Vec<AgendaItem>,
}

impl Agenda {
    /// How many items each section of the meeting's kind has, in order.
    pub fn counts(&self) -> Vec<(Section, usize)> {
        Section::of(self.meeting.kind)
            .iter()
            .map(|s| (*s, self.items.iter().filter(|i| i.section == *s).count()))
            .collect()
    }

    pub fn holds(&self, case_id: i64) -> bool {
        self.items.iter().any(|i| i.case_id == case_id)
    }
}

/// Order within a section: a key compared ascending.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum SortKey {
    /// Longest waiting first.
    LongestWait(Reverse<i64>),
    /// Most reasons first.
    MostReasons(Reverse<usize>),
    /// Oldest due date first.
    OldestDue(NaiveDate),
    /// By case reference only.
    Reference,
}

/// Builds an agenda from cases pushed one at a time.
pub struct AgendaBuilder<'a> {
    meeting: Meeting,
    norms: &'a Norms,
    preconditions: &'a [String],
    /// Per case, the earliest orange or red moment of the evaluation list.
    due: HashMap<i64, &'a DueMoment>,
    items: Vec<(Section, SortKey, AgendaItem)>,
}

impl<'a> AgendaBuilder<'a> {
    /// `evaluations`: the evaluation list (SPEC 1.7) as of the meeting date.
    pub fn new(
        meeting: Meeting,
        norms: &'a Norms,
        preconditions: &'a [String],
        evaluations: &'a [DueMoment],
    ) -> Self {
        let mut due: HashMap<i64, &DueMoment> = HashMap::new();
        for m in evaluations.iter().filter(|m| m.signal != Signal::Green) {
            let slot = due.entry(m.case_id).or_insert(m);
            if m.due_on < slot.due_on {
                *slot = m;
            }
        }
        AgendaBuilder {
            meeting,
            norms,
            preconditions,
            due,
            items: Vec::new(),
        }
    }

    /// Adds one case as it stood at the start of the meeting day, with its
    /// reviews up to then (in date order, or folded into one).
    pub fn push(&mut self, case: &Case, reviews: &[Review]) {
        let placed = match self.meeting.kind {
            Kind::Team => self.place_team(case, reviews),
            Kind::Stoplight => self.place_round(case, reviews),
        };
        if let Some((section, key, item)) = placed {
            self.items.push((section, key, item));
        }
    }

    pub fn finish(mut self) -> Agenda {
        self.items
            .sort_by(|a, b| (a.0, &a.1, &a.2.case_ref).cmp(&(b.0, &b.1, &b.2.case_ref)));
        Agenda {
            meeting: self.meeting,
            items: self.items.into_iter().map(|(_, _, item)| item).collect(),
        }
    }

    fn light(&self, case: &Case, reviews: &[Review]) -> Option<StoplightRow> {
        case.on_board().then(|| {
            stoplight::evaluate(
                case,
                reviews,
                self.meeting.on,
                self.preconditions,
                self.norms.care,
            )
        })
    }

    fn waits(&self, case: &Case) -> Vec<WaitFact> {
        Queue::ALL
            .iter()
            .filter(|q| q.holds(case.stage))
            .map(|&q| {
                let w = waitlist::wait_row(case, q, self.norms, self.meeting.on);
                WaitFact {
                    queue: q,
                    since: w.waiting_since,
                    wait_days: w.wait_days,
                    norm_days: w.norm_days,
                    signal: w.signal,
                }
            })
            .collect()
    }

    /// The weekly case review: the first section that applies.
    fn place_team(
        &self,
        case: &Case,
        reviews: &[Review],
    ) -> Option<(Section, SortKey, AgendaItem)> {
        if !case.stage.is_open() {
            return None;
        }
        let light = self.light(case, reviews);
        let red_light = light.as_ref().filter(|l| l.color == Signal::Red);
        let waits = self.waits(case);
        let over_norm: Vec<&WaitFact> = waits.iter().filter(|w| w.signal == Signal::Red).collect();
        let due = self.due.get(&case.id).copied();
        // The orange rules are the stoplight round's business: only a red
        // light brings its reasons to the weekly meeting.
        let mut reasons: Vec<String> = red_light
            .map(|l| l.codes().iter().map(|c| c.to_string()).collect())
            .unwrap_or_default();
        reasons.extend(over_norm.iter().map(|w| w.queue.code().to_string()));
        if due.is_some() {
            reasons.push("evaluation_due".to_string());
        }
        if case.escalated {
            reasons.push("escalated".to_string());
        }
        let (section, key) = if case.stage == Stage::Triage {
            let wait = waits.iter().map(|w| w.wait_days).max().unwrap_or(0);
            (Section::Triage, SortKey::LongestWait(Reverse(wait)))
        } else if let Some(l) = red_light {
            (
                Section::StoplightRed,
                SortKey::MostReasons(Reverse(l.reasons.len())),
            )
        } else if let Some(worst) = over_norm.iter().map(|w| w.wait_days).max() {
            (
                Section::WaitingOverNorm,
                SortKey::LongestWait(Reverse(worst)),
            )
        } else if let Some(m) = due {
            (Section::EvaluationDue, SortKey::OldestDue(m.due_on))
        } else if case.escalated {
            (Section::Escalated, SortKey::Reference)
        } else {
            return None;
        };
        Some((
            section,
            key,
            item(case, section, reasons, waits, light, due),
        ))
    }

    /// The stoplight round: every case on the board (of the provider).
    fn place_round(
        &self,
        case: &Case,
        reviews: &[Review],
    ) -> Option<(Section, SortKey, AgendaItem)> {
        if let Some(p) = &self.meeting.provider {
            if !same_provider(case.provider.as_deref(), p) {
                return None;
            }
        }
        let light = self.light(case, reviews)?;
        let section = Section::of_color(light.color);
        let key = SortKey::MostReasons(Reverse(light.reasons.len()));
        let reasons = light.codes().iter().map(|c| c.to_string()).collect();
        let waits = self.waits(case);
        let due = self.due.get(&case.id).copied();
        Some((
            section,
            key,
            item(case, section, reasons, waits, Some(light), due),
        ))
    }
}

/// Providers are typed by people: the same name in other capitals is the
/// same provider.
pub fn same_provider(case_provider: Option<&str>, wanted: &str) -> bool {
    case_provider.is_some_and(|p| p.trim().to_lowercase() == wanted.trim().to_lowercase())
}

fn item(
    case: &Case,
    section: Section,
    reasons: Vec<String>,
    waits: Vec<WaitFact>,
    light: Option<StoplightRow>,
    due: Option<&DueMoment>,
) -> AgendaItem {
    AgendaItem {
        case_id: case.id,
        case_ref: case.case_ref.clone(),
        section,
        reasons,
        stage: case.stage,
        stage_since: case.stage_since,
        care_type: case.care_type,
        provider: case.provider.clone(),
        worker: case.worker.clone(),
        planned_end_on: case.planned_end_on,
        name: case.name.clone(),
        birth_date: case.birth_date,
        waits,
        light,
        due: due.cloned(),
    }
}

/// The agenda of `meeting` from a snapshot of the cases at the end of the
/// day before the meeting (see [`Snapshot`]); its `as_of` is not used.
pub fn agenda(
    before: &Snapshot,
    meeting: Meeting,
    norms: &Norms,
    preconditions: &[String],
    evaluations: &[DueMoment],
) -> Agenda {
    let mut builder = AgendaBuilder::new(meeting, norms, preconditions, evaluations);
    for case in &before.cases {
        builder.push(case, before.reviews_of(case.id));
    }
    builder.finish()
}

/// The date whose end the agenda of a meeting on `on` is built from.
pub fn start_of(on: NaiveDate) -> NaiveDate {
    on.pred_opt().unwrap_or(on)
}

/// A decision recorded in a case review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    #[serde(skip)]
    pub id: i64,
    #[serde(skip)]
    pub case_id: i64,
    #[serde(skip)]
    pub case_ref: String,
    pub text: String,
    pub owner: Option<String>,
    pub follow_up_on: Option<NaiveDate>,
}

/// A move recorded on the meeting date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoveDone {
    pub case_id: i64,
    pub case_ref: String,
    pub change: Move,
}

/// A stoplight review recorded on the meeting date, with the light just
/// before it and just after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewDone {
    pub case_id: i64,
    pub case_ref: String,
    pub review: Review,
    pub before: Signal,
    pub after: Signal,
}

/// What was recorded on a meeting date, in the order recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Records {
    pub decisions: Vec<Decision>,
    pub moves: Vec<MoveDone>,
    pub reviews: Vec<ReviewDone>,
}

impl Records {
    /// The cases discussed: a decision, move or review recorded (SPEC 9.3).
    pub fn discussed(&self) -> HashSet<i64> {
        let d = self.decisions.iter().map(|d| d.case_id);
        let m = self.moves.iter().map(|m| m.case_id);
        let r = self.reviews.iter().map(|r| r.case_id);
        d.chain(m).chain(r).collect()
    }

    pub fn decisions_of(&self, case_id: i64) -> impl Iterator<Item = &Decision> {
        self.decisions.iter().filter(move |d| d.case_id == case_id)
    }

    pub fn moves_of(&self, case_id: i64) -> impl Iterator<Item = &MoveDone> {
        self.moves.iter().filter(move |m| m.case_id == case_id)
    }

    pub fn reviews_of(&self, case_id: i64) -> impl Iterator<Item = &ReviewDone> {
        self.reviews.iter().filter(move |r| r.case_id == case_id)
    }
}

/// The light of a case just before and just after the reviews of `on`:
/// `case` as it stood at the end of `on`, `reviews` its reviews in date
/// order up to then.
pub fn lights_around(
    case: &Case,
    reviews: &[Review],
    on: NaiveDate,
    preconditions: &[String],
    care_norm: waitlist::Norm,
) -> (Signal, Signal) {
    let before = reviews.partition_point(|r| r.on < on);
    let color = |rs: &[Review]| stoplight::evaluate(case, rs, on, preconditions, care_norm).color;
    (color(&reviews[..before]), color(reviews))
}

#[cfg(test)]
mod tests;
