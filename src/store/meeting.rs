//! What a meeting loads: its agenda, streamed case by case into the
//! domain's builder, and what was recorded on the meeting date (decisions,
//! moves, reviews) with the light around each review.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use chrono::NaiveDate;

use super::codec::{self, EVENT_COLUMNS};
use super::snapshot::Scope;
use super::write::review_from_row;
use super::{Result, Store};
use crate::domain::Stage;
use crate::domain::agenda::{
    self, Agenda, AgendaBuilder, Decision, DueMoment, Kind, Meeting, MoveDone, Records, ReviewDone,
};
use crate::domain::case::replay;
use crate::domain::evaluation::{self, EvaluationRules};
use crate::domain::waitlist::{Norm, Norms, Signal};
use crate::domain::{Case, Change, Review};

impl Store {
    /// The agenda of `meeting` with the evaluation list it reads (SPEC 1.7,
    /// `rules`), as `due_moments` and `agenda` give them: the cases touched
    /// since the start of the meeting day are replayed once for both.
    pub fn meeting_agenda(
        &self,
        meeting: Meeting,
        today: NaiveDate,
        norms: &Norms,
        preconditions: &[String],
        rules: &EvaluationRules,
    ) -> Result<Agenda> {
        let on = meeting.on;
        let untouched = || self.untouched_due(on, today, rules, true);
        self.agenda_with(meeting, today, norms, preconditions, rules, untouched)
    }

    /// `meeting_agenda` and `records_on` of the meeting's day, together. On
    /// a plain file the evaluation list of the cases not touched since the
    /// start of the day, and then the records, are read on a second
    /// connection while this one replays the touched cases and reads the
    /// agenda's: the two halves take about the same time, so a country's
    /// agenda arrives in about two thirds of the time on a machine with two
    /// cores. An encrypted file is read on this connection alone: a second
    /// one would derive the key again.
    pub fn meeting(
        &self,
        meeting: Meeting,
        today: NaiveDate,
        norms: &Norms,
        preconditions: &[String],
        rules: &EvaluationRules,
    ) -> Result<(Agenda, Records)> {
        let on = meeting.on;
        if self.is_encrypted() {
            let agenda = self.meeting_agenda(meeting, today, norms, preconditions, rules)?;
            let records = self.records_on(on, today, preconditions, norms.care)?;
            return Ok((agenda, records));
        }
        let helper = self.read_only_twin()?;
        std::thread::scope(|scope| {
            let (due_tx, due_rx) = std::sync::mpsc::channel();
            let side = scope.spawn(move || {
                let due = helper.untouched_due(on, today, rules, true);
                let failed = due.is_err();
                // The receiver is gone only when this side failed first.
                let _ = due_tx.send(due);
                match failed {
                    true => Ok(Records::default()),
                    false => helper.records_on(on, today, preconditions, norms.care),
                }
            });
            let agenda = self.agenda_with(meeting, today, norms, preconditions, rules, || {
                // The side closes the channel unsent only by a panic, which
                // the join below passes on.
                due_rx.recv().unwrap_or_else(|_| Ok(Vec::new()))
            });
            let records = side
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            Ok((agenda?, records?))
        })
    }

    /// The agenda of `meeting` from the cases touched since the start of its
    /// day (replayed here, with their moments of the evaluation list) and
    /// the due moments of the others, which `untouched` gives once those
    /// are replayed. The agenda reads only the moments that are due (orange
    /// or red): the green ones of every case in care are not kept for it.
    fn agenda_with(
        &self,
        meeting: Meeting,
        today: NaiveDate,
        norms: &Norms,
        preconditions: &[String],
        rules: &EvaluationRules,
        untouched: impl FnOnce() -> Result<Vec<DueMoment>>,
    ) -> Result<Agenda> {
        let touched = self.touched_before(meeting.on, today)?;
        let mut evaluations = self.touched_due(meeting.on, rules, &touched, true)?;
        evaluations.extend(untouched()?);
        evaluations.sort_by_key(|m| (m.due_on, m.case_id));
        let touched = Some(touched);
        self.each_agenda_case_of(meeting, today, norms, preconditions, &evaluations, touched)
    }

    /// The agenda of `meeting`, from the cases as they stood at the start of
    /// the meeting day (SPEC 9). A meeting after today is prepared from
    /// today's state. `evaluations`: the evaluation list as of the meeting
    /// date (SPEC 1.7).
    pub fn agenda(
        &self,
        meeting: Meeting,
        today: NaiveDate,
        norms: &Norms,
        preconditions: &[String],
        evaluations: &[DueMoment],
    ) -> Result<Agenda> {
        self.each_agenda_case_of(meeting, today, norms, preconditions, evaluations, None)
    }

    fn each_agenda_case_of(
        &self,
        meeting: Meeting,
        today: NaiveDate,
        norms: &Norms,
        preconditions: &[String],
        evaluations: &[DueMoment],
        touched: Option<Vec<Case>>,
    ) -> Result<Agenda> {
        let kind = meeting.kind;
        let start = agenda::start_of(meeting.on);
        let only = match kind {
            Kind::Team => Some(team_candidates(meeting.on, norms, evaluations)),
            Kind::Stoplight => None,
        };
        let mut builder = AgendaBuilder::new(meeting, norms, preconditions, evaluations);
        self.each_agenda_case(
            kind,
            start,
            today,
            only.as_deref(),
            touched,
            |case, reviews| builder.push(case, reviews),
        )?;
        Ok(builder.finish())
    }

    /// The evaluation list (SPEC 1.7) of a meeting on `on`: the moments of
    /// the cases in care at the start of the day, counted to `on`.
    pub fn due_moments(
        &self,
        on: NaiveDate,
        today: NaiveDate,
        rules: &EvaluationRules,
    ) -> Result<Vec<DueMoment>> {
        let touched = self.touched_before(on, today)?;
        self.due_moments_with(on, today, rules, &touched, false)
    }

    /// The open cases with an event dated after the start of the day of a
    /// meeting on `on`, replayed to then (none when it starts today or
    /// later): the cases whose stored row is not the one the meeting reads.
    fn touched_before(&self, on: NaiveDate, today: NaiveDate) -> Result<Vec<Case>> {
        let start = agenda::start_of(on);
        match start < today {
            true => self.touched_as_of(start, Some(Scope::Open)),
            false => Ok(Vec::new()),
        }
    }

    /// `due_moments` with the cases touched since the start of the day
    /// (`touched_before`) given: those stand as replayed, the others as
    /// stored (`untouched_due`); only the list's rows are kept, with
    /// `only_due` only those that are due (not green).
    fn due_moments_with(
        &self,
        on: NaiveDate,
        today: NaiveDate,
        rules: &EvaluationRules,
        touched: &[Case],
        only_due: bool,
    ) -> Result<Vec<DueMoment>> {
        let mut out = self.touched_due(on, rules, touched, only_due)?;
        out.extend(self.untouched_due(on, today, rules, only_due)?);
        out.sort_by_key(|m| (m.due_on, m.case_id));
        Ok(out)
    }

    /// The evaluation list's rows of the cases touched since the start of
    /// the day of a meeting on `on`, as replayed (`touched_before`).
    fn touched_due(
        &self,
        on: NaiveDate,
        rules: &EvaluationRules,
        touched: &[Case],
        only_due: bool,
    ) -> Result<Vec<DueMoment>> {
        let start = agenda::start_of(on);
        let mut out = Vec::new();
        for case in touched.iter().filter(|c| c.stage == Stage::InCare) {
            let dates = self.evaluation_dates_of_few(start, std::slice::from_ref(case))?;
            let dates = dates.get(&case.id).map_or(&[][..], Vec::as_slice);
            let moments = evaluation::moments(case, dates, on, rules);
            listed_moments(case.id, moments, on, only_due, &mut out);
        }
        Ok(out)
    }

    /// The evaluation list's rows of the stored cases in care not touched
    /// since the start of the day of a meeting on `on`, read as episodes
    /// (`each_in_care_episode`), in no particular order.
    fn untouched_due(
        &self,
        on: NaiveDate,
        today: NaiveDate,
        rules: &EvaluationRules,
        only_due: bool,
    ) -> Result<Vec<DueMoment>> {
        let start = agenda::start_of(on);
        let mut out = Vec::new();
        self.each_in_care_episode(start, start < today, &mut |episode| {
            let moments = evaluation::episode_moments(
                episode.care_started_on,
                episode.planned_end_on,
                episode.evaluations,
                on,
                rules,
            );
            listed_moments(episode.case_id, moments, on, only_due, &mut out);
            Ok(())
        })?;
        Ok(out)
    }

    /// The decisions recorded for the meeting on `meeting_on`, in the order
    /// they were taken.
    pub fn decisions_on(&self, meeting_on: NaiveDate) -> Result<Vec<Decision>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT d.id, d.case_id, c.case_ref, d.text, d.owner, d.follow_up_on FROM decisions d \
             JOIN cases c ON c.id = d.case_id WHERE d.meeting_on = ?1 ORDER BY d.id",
        )?;
        let rows = stmt
            .query_map([meeting_on], |r| {
                Ok(Decision {
                    id: r.get(0)?,
                    case_id: r.get(1)?,
                    case_ref: r.get(2)?,
                    text: r.get(3)?,
                    owner: r.get(4)?,
                    follow_up_on: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Everything recorded on `on`: decisions of that meeting, moves and
    /// stoplight reviews dated that day, each review with the light just
    /// before and after it.
    pub fn records_on(
        &self,
        on: NaiveDate,
        today: NaiveDate,
        preconditions: &[String],
        care_norm: Norm,
    ) -> Result<Records> {
        let mut moves = Vec::new();
        // The case reference follows the event's own columns.
        let case_ref_at = EVENT_COLUMNS.split(',').count();
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {EVENT_COLUMNS}, (SELECT case_ref FROM cases c WHERE c.id = events.case_id) \
             FROM events WHERE on_date = ?1 AND kind = 'moved' ORDER BY id"
        ))?;
        let mut rows = stmt.query([on])?;
        while let Some(row) = rows.next()? {
            let event = codec::event_from_row(row)?;
            if let Change::Moved(change) = event.change {
                moves.push(MoveDone {
                    case_id: row.get(1)?,
                    case_ref: row.get(case_ref_at)?,
                    change,
                });
            }
        }
        let mut stmt = self.conn().prepare_cached(
            "SELECT r.id, r.case_id, r.on_date, r.next_on, r.note, r.statuses, c.case_ref \
             FROM events e JOIN reviews r ON r.id = e.ref_id JOIN cases c ON c.id = r.case_id \
             WHERE e.on_date = ?1 AND e.kind = 'reviewed' ORDER BY r.id",
        )?;
        let mut reviewed: Vec<(Review, String)> = Vec::new();
        let mut rows = stmt.query([on])?;
        while let Some(row) = rows.next()? {
            reviewed.push((review_from_row(row)?, row.get(6)?));
        }
        let mut cases: HashMap<i64, (Case, Vec<Review>)> = HashMap::new();
        let mut reviews = Vec::new();
        for (review, case_ref) in reviewed {
            if let Entry::Vacant(slot) = cases.entry(review.case_id) {
                slot.insert(self.case_end_of(&case_ref, on, today)?);
            }
            let (case, history) = &cases[&review.case_id];
            let (before, after) =
                agenda::lights_around(case, history, on, preconditions, care_norm);
            reviews.push(ReviewDone {
                case_id: review.case_id,
                case_ref,
                review,
                before,
                after,
            });
        }
        Ok(Records {
            decisions: self.decisions_on(on)?,
            moves,
            reviews,
        })
    }

    /// One case as it stood at the end of `on`, with its reviews up to then.
    fn case_end_of(
        &self,
        case_ref: &str,
        on: NaiveDate,
        today: NaiveDate,
    ) -> Result<(Case, Vec<Review>)> {
        let now = self.case(case_ref)?;
        let mut reviews = self.reviews(now.id)?;
        reviews.retain(|r| r.on <= on);
        if on >= today {
            return Ok((now, reviews));
        }
        let mut events = self.events(now.id)?;
        events.retain(|e| e.on <= on);
        let mut then = replay(now.id, &now.case_ref, &events, None).unwrap_or(now.clone());
        then.name = now.name;
        then.birth_date = now.birth_date;
        Ok((then, reviews))
    }
}

/// The moments of one case that stand on the evaluation list of a meeting
/// on `on` (with `only_due`: only those due, not green), into `out`.
fn listed_moments(
    case_id: i64,
    moments: Vec<evaluation::MomentState>,
    on: NaiveDate,
    only_due: bool,
    out: &mut Vec<DueMoment>,
) {
    let listed = moments.into_iter().filter(|m| evaluation::on_list(m, on));
    out.extend(listed.filter_map(|m| {
        let signal = evaluation::signal_for(m.due_on, on);
        (!only_due || signal != Signal::Green).then(|| DueMoment {
            case_id,
            moment: m.moment.code().to_string(),
            due_on: m.due_on,
            signal,
        })
    }));
}

/// An ISO date as an SQL literal (dates are compared as text).
fn day(d: NaiveDate) -> String {
    format!("'{}'", d.format("%Y-%m-%d"))
}

fn days_from(d: NaiveDate, n: i64) -> NaiveDate {
    d + chrono::Duration::days(n)
}

/// The stored cases that may be on the weekly agenda of a meeting on `on`
/// (SPEC 9.1), from the state at the end of `start`: a superset read
/// through the indexes, so only these are loaded with their reviews; the
/// domain's rules then decide. Every rule that can put a case on the agenda
/// has its term, with a margin:
/// - `triage`: the stage;
/// - a red waiting signal: a case in a queue whose clock started `norm`
///   days or more before the meeting (by its urgency), which also holds a
///   stepped case waiting for a next provider (`follow_up_over_norm`);
/// - `escalated`, and the moments of the evaluation list that are due;
/// - a red light (SPEC 3.2), for the cases on the board: `end_passed` and
///   `missing_near_end` need a planned end within 90 days,
///   `turning_18_no_plan` an 18th birthday within 183 days (or passed),
///   `review_missed` a latest review whose next date lies 31 days back (or
///   none in the episode). The condition is put to the cases not touched
///   since the start of the day (`each_agenda_case`), so their latest
///   review then is the one their standing row holds (`standing_reviews`,
///   joined in as `s`).
fn team_candidates(on: NaiveDate, norms: &Norms, evaluations: &[DueMoment]) -> String {
    use crate::domain::Urgency;
    use crate::domain::waitlist::{Queue, Signal};
    let mut due: Vec<String> = evaluations
        .iter()
        .filter(|m| m.signal != Signal::Green)
        .map(|m| m.case_id.to_string())
        .collect();
    due.sort();
    due.dedup();
    let over_norm: Vec<String> = Queue::ALL
        .iter()
        .map(|q| {
            let stages: Vec<String> = Stage::ALL
                .iter()
                .filter(|s| q.holds(**s))
                .map(|s| format!("'{}'", s.code()))
                .collect();
            let norm = norms.of(*q);
            let started_by = |urgency| day(days_from(on, -i64::from(norm.days(urgency))));
            format!(
                "(stage IN ({stages}) AND {clock} <= CASE urgency WHEN '{code}' THEN {urgent} ELSE {regular} END)",
                stages = stages.join(", "),
                clock = clock_column(*q),
                code = Urgency::Urgent.code(),
                urgent = started_by(Urgency::Urgent),
                regular = started_by(Urgency::Regular),
            )
        })
        .collect();
    let turns_18_by = days_from(on, 190)
        .checked_sub_months(chrono::Months::new(18 * 12))
        .unwrap_or(on);
    format!(
        "stage = 'triage' OR {over_norm} OR escalated = 1 OR id IN ({due}) \
         OR ({board} AND (planned_end_on <= {near_end} OR birth_date <= {turns_18_by} \
             OR IFNULL(s.next_on, '') < {missed}))",
        over_norm = over_norm.join(" OR "),
        due = due.join(", "),
        board = Scope::InCare.sql(),
        near_end = day(days_from(on, 91)),
        turns_18_by = day(turns_18_by),
        missed = day(days_from(on, -30)),
    )
}

/// The column a queue's clock starts from (`Queue::clock_start`).
fn clock_column(queue: crate::domain::waitlist::Queue) -> &'static str {
    use crate::domain::waitlist::Queue;
    match queue {
        Queue::Intake | Queue::Decision => "referred_on",
        Queue::Care => "IFNULL(waiting_since, stage_since)",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::parse_date;
    use crate::store::NewDecision;
    use crate::store::schema;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    /// A file of the schema before follow-up dates keeps its decisions.
    #[test]
    fn the_follow_up_migration_keeps_every_decision() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let today = d("2026-11-22");
        // A real file of the schema before the follow-up migration (found by
        // its text: later migrations come after it).
        let before = schema::migrations()
            .iter()
            .position(|m| m.contains("ADD COLUMN follow_up_on"))
            .unwrap();
        {
            let conn = rusqlite::Connection::open(&path).unwrap();
            for sql in &schema::migrations()[..before] {
                conn.execute_batch(sql).unwrap();
            }
            conn.pragma_update(None, "user_version", before as i64)
                .unwrap();
            conn.pragma_update(None, "application_id", schema::APPLICATION_ID)
                .unwrap();
            conn.execute_batch(
                "INSERT INTO cases (case_ref, referred_on, referrer, urgency, stage, stage_since, version) \
                 VALUES ('2026-0001', '2026-11-01', 'gp', 'regular', 'referred', '2026-11-01', 2);
                 INSERT INTO decisions (case_id, meeting_on, text, owner) \
                 VALUES (1, '2026-11-22', 'Intake plannen', 'Bram');
                 INSERT INTO events (case_id, on_date, recorded_at, actor, kind, referrer, urgency) \
                 VALUES (1, '2026-11-01', '2026-11-01T09:00:00Z', 't', 'referred', 'gp', 'regular');
                 INSERT INTO events (case_id, on_date, recorded_at, actor, kind, ref_id) \
                 VALUES (1, '2026-11-22', '2026-11-22T09:00:00Z', 't', 'decided', 1);",
            )
            .unwrap();
        }
        let mut store = Store::open(&path).unwrap();
        let kept = store.decisions_on(today).unwrap();
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].text, "Intake plannen");
        assert_eq!(kept[0].owner.as_deref(), Some("Bram"));
        assert_eq!(kept[0].follow_up_on, None);
        let with_follow_up = NewDecision {
            text: "Terugkoppeling",
            owner: None,
            follow_up_on: Some(d("2026-12-06")),
        };
        store
            .decide("2026-0001", today, &with_follow_up, today, "t", None)
            .unwrap();
        let same_day = NewDecision {
            follow_up_on: Some(today),
            ..with_follow_up
        };
        let refused = store.decide("2026-0001", today, &same_day, today, "t", None);
        assert_eq!(refused.unwrap_err().key, "error.follow_up_not_after");
        assert_eq!(
            store.decisions_on(today).unwrap()[1].follow_up_on,
            Some(d("2026-12-06"))
        );
    }

    /// The agenda of a meeting on today is that of the start of the day:
    /// whatever is recorded today leaves it as it was, and each kind of
    /// record makes its case discussed.
    #[test]
    fn the_agenda_stays_through_the_day_and_records_make_items_discussed() {
        use crate::domain::agenda::{Kind, Meeting};
        use crate::domain::{Assignment, FieldChange, Move, ReviewInput, Stage, Status};
        let (_dir, mut store) = crate::store::tests::demo_store(4, 600);
        let today = d("2026-11-22");
        let config = crate::context::config::Config::default();
        let codes = config.precondition_codes();
        let agenda_of = |store: &Store, kind| {
            let meeting = Meeting {
                kind,
                on: today,
                provider: None,
            };
            store
                .agenda(meeting, today, &config.norms, &codes, &[])
                .unwrap()
        };
        let team = agenda_of(&store, Kind::Team);
        let round = agenda_of(&store, Kind::Stoplight);
        let discussed_before = store
            .records_on(today, today, &codes, config.norms.care)
            .unwrap()
            .discussed();
        let open = |section: &str| {
            team.items
                .iter()
                .find(|i| i.section.code() == section && !discussed_before.contains(&i.case_id))
                .unwrap_or_else(|| panic!("an undiscussed {section} item"))
                .clone()
        };
        let (triage, red) = (open("triage"), open("stoplight_red"));
        let waiting = open("waiting_over_norm");
        store
            .decide(
                &triage.case_ref,
                today,
                &NewDecision {
                    text: "Route ambulant",
                    owner: Some("Bram"),
                    follow_up_on: None,
                },
                today,
                "t",
                None,
            )
            .unwrap();
        let all_ok = ReviewInput {
            statuses: codes.iter().map(|c| (c.clone(), Status::Ok)).collect(),
            next_on: None,
            note: None,
        };
        store
            .record_review(&red.case_ref, today, &all_ok, today, "t", &codes, None)
            .unwrap();
        let close = Move {
            reason: Some(crate::domain::OutflowReason::Withdrawn),
            ..Move::to(Stage::Closed)
        };
        store
            .move_case(&waiting.case_ref, &close, today, today, "t", None)
            .unwrap();
        store
            .set_fields(
                &red.case_ref,
                &[Assignment::Field(FieldChange::Escalated(true))],
                today,
                today,
                "t",
                None,
            )
            .unwrap();
        assert_eq!(agenda_of(&store, Kind::Team), team);
        assert_eq!(agenda_of(&store, Kind::Stoplight), round);
        let records = store
            .records_on(today, today, &codes, config.norms.care)
            .unwrap();
        let discussed = records.discussed();
        for item in [&triage, &red, &waiting] {
            assert!(discussed.contains(&item.case_id), "{}", item.case_ref);
        }
        let review = records.reviews_of(red.case_id).next().unwrap();
        assert_eq!(review.before, crate::domain::Signal::Red);
        // Tomorrow's meeting is prepared from today's state: the closed
        // case is gone.
        let tomorrow = Meeting {
            kind: Kind::Team,
            on: d("2026-11-23"),
            provider: None,
        };
        let next = store
            .agenda(tomorrow, today, &config.norms, &codes, &[])
            .unwrap();
        assert!(!next.holds(waiting.case_id));
        assert!(next.holds(triage.case_id));
    }
}
