//! `stroom check`: SQLite's own integrity checks plus stroom's: every case's
//! state is the replay of its events, its history starts with the referral,
//! moves are in date order, the lifecycle dates follow each other and the
//! episodes kept for the flow figures are those the history gives.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::codec::{self, CASE_COLUMNS, EVENT_COLUMNS};
use super::episode_rows;
use super::{Result, Store};
use crate::domain::case::replay;
use crate::domain::{Case, Change, Event, Msg};

/// One problem found, by case where it belongs to one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub case_ref: Option<String>,
    pub msg: Msg,
}

/// What `check` looked at, and what it found.
#[derive(Debug, Clone, Default)]
pub struct CheckReport {
    pub cases: usize,
    pub events: usize,
    pub problems: Vec<Problem>,
}

impl Store {
    pub fn check(&self, today: NaiveDate) -> Result<CheckReport> {
        let mut report = CheckReport::default();
        self.sqlite_checks(&mut report)?;
        let cases: HashMap<i64, Case> = {
            let mut stmt = self
                .conn
                .prepare(&format!("SELECT {CASE_COLUMNS} FROM cases"))?;
            stmt.query_map([], codec::case_from_row)?
                .map(|c| c.map(|c| (c.id, c)))
                .collect::<rusqlite::Result<_>>()?
        };
        report.cases = cases.len();
        let mut with_events = std::collections::HashSet::new();
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {EVENT_COLUMNS} FROM events ORDER BY case_id, on_date, id"
        ))?;
        let mut problems = Vec::new();
        let mut unreadable = Vec::new();
        // The episodes table is kept beside the history; it must say what
        // the history says, or the flow figures are wrong without a trace.
        let mut stored_stmt = self
            .conn
            .prepare(&episode_rows::stored_in_case_order_sql())?;
        let mut stored = episode_rows::StoredEpisodes::new(stored_stmt.query([])?);
        let mut read_error = None;
        report.events = codec::each_history_lenient(
            &mut stmt,
            [],
            |id, events| {
                check_case(cases.get(&id), events, today, &mut problems);
                match stored.of(id) {
                    Ok(rows) if rows == episode_rows::expected_rows(id, events) => {}
                    Ok(_) => problems.push(Problem {
                        case_ref: cases.get(&id).map(|c| c.case_ref.clone()),
                        msg: Msg::new("check.episodes_differ"),
                    }),
                    Err(e) => read_error = Some(e),
                }
                with_events.insert(id);
            },
            |id, e| unreadable.push((id, e)),
        )?;
        if let Some(e) = read_error {
            report.problems.push(Problem {
                case_ref: None,
                msg: Msg::new("check.unreadable").arg("detail", e),
            });
        }
        report.problems.append(&mut problems);
        // Each row stroom cannot read is named; the other cases are checked.
        for (id, e) in unreadable {
            with_events.insert(id);
            report.problems.push(Problem {
                case_ref: cases.get(&id).map(|c| c.case_ref.clone()),
                msg: Msg::new("check.unreadable").arg("detail", e),
            });
        }
        self.check_reviews(&cases, &mut report)?;
        for case in cases.values().filter(|c| !with_events.contains(&c.id)) {
            report
                .problems
                .push(problem(case, Msg::new("check.no_events")));
        }
        self.check_references(&mut report)?;
        self.check_standing_reviews(&cases, &mut report)?;
        self.check_tamper_evidence(&mut report)?;
        Ok(report)
    }

    /// The hash chains of the history and the access log (`store::chain`);
    /// the triggers that protect them are checked with SQLite's checks.
    fn check_tamper_evidence(&self, report: &mut CheckReport) -> Result<()> {
        for chain in self.verify_chains()? {
            if let Some(row) = chain.first_break {
                report.problems.push(Problem {
                    case_ref: None,
                    msg: Msg::new("chain.broken")
                        .arg("table", chain.table)
                        .arg("row", row),
                });
            }
        }
        Ok(())
    }

    fn sqlite_checks(&self, report: &mut CheckReport) -> Result<()> {
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        for line in stmt.query_map([], |r| r.get::<_, String>(0))? {
            let line = line?;
            if line != "ok" {
                report.problems.push(Problem {
                    case_ref: None,
                    msg: Msg::new("check.integrity").arg("detail", line),
                });
            }
        }
        let mut stmt = self
            .conn
            .prepare("SELECT 1 FROM sqlite_schema WHERE type = 'trigger' AND name = ?1")?;
        for name in super::schema::PROTECTING_TRIGGERS {
            if !stmt.exists([name])? {
                report.problems.push(Problem {
                    case_ref: None,
                    msg: Msg::new("check.trigger_missing").arg("name", name),
                });
            }
        }
        let mut stmt = self.conn.prepare("PRAGMA foreign_key_check")?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
            let (table, rowid) = row?;
            report.problems.push(Problem {
                case_ref: None,
                msg: Msg::new("check.foreign_key")
                    .arg("table", table)
                    .arg("row", rowid),
            });
        }
        Ok(())
    }

    /// Every review must be readable (its statuses known codes).
    fn check_reviews(&self, cases: &HashMap<i64, Case>, report: &mut CheckReport) -> Result<()> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, case_id, on_date, next_on, note, statuses FROM reviews")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            if let Err(e) = super::write::review_from_row(row) {
                let case_id: i64 = row.get(1)?;
                report.problems.push(Problem {
                    case_ref: cases.get(&case_id).map(|c| c.case_ref.clone()),
                    msg: Msg::new("check.unreadable").arg("detail", e),
                });
            }
        }
        Ok(())
    }

    /// Each case's standing review (`store::standing`) must be the fold of
    /// its reviews of the current episode: the board and the agenda of
    /// today read it instead of the reviews.
    fn check_standing_reviews(
        &self,
        cases: &HashMap<i64, Case>,
        report: &mut CheckReport,
    ) -> Result<()> {
        for case_id in super::standing::mismatches(&self.conn)? {
            let case_ref = cases.get(&case_id).map(|c| c.case_ref.clone());
            // A case named for a review that cannot be read is not named a
            // second time for what follows from it.
            let named = report.problems.iter().any(|p| {
                case_ref.is_some() && p.case_ref == case_ref && p.msg.key == "check.unreadable"
            });
            if !named {
                report.problems.push(Problem {
                    case_ref,
                    msg: Msg::new("check.standing_mismatch"),
                });
            }
        }
        Ok(())
    }

    /// Review and decision events must point at their rows.
    fn check_references(&self, report: &mut CheckReport) -> Result<()> {
        let mut stmt = self.conn.prepare(
            "SELECT c.case_ref, e.kind, e.ref_id FROM events e JOIN cases c ON c.id = e.case_id \
             WHERE (e.kind = 'reviewed' AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.id = e.ref_id AND r.case_id = e.case_id)) \
                OR (e.kind = 'decided' AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.id = e.ref_id AND d.case_id = e.case_id))",
        )?;
        for row in stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<i64>>(2)?,
            ))
        })? {
            let (case_ref, kind, id) = row?;
            report.problems.push(Problem {
                case_ref: Some(case_ref),
                msg: Msg::new("check.dangling")
                    .arg("kind", kind)
                    .arg("id", id.unwrap_or_default()),
            });
        }
        Ok(())
    }
}

fn problem(case: &Case, msg: Msg) -> Problem {
    Problem {
        case_ref: Some(case.case_ref.clone()),
        msg,
    }
}

fn check_case(case: Option<&Case>, events: &[Event], today: NaiveDate, out: &mut Vec<Problem>) {
    let Some(case) = case else {
        out.push(Problem {
            case_ref: None,
            msg: Msg::new("check.orphan_events"),
        });
        return;
    };
    if !matches!(events.first().map(|e| &e.change), Some(Change::Referred(_))) {
        out.push(problem(case, Msg::new("check.no_referral")));
        return;
    }
    if events
        .iter()
        .skip(1)
        .any(|e| matches!(e.change, Change::Referred(_)))
    {
        out.push(problem(case, Msg::new("check.two_referrals")));
    }
    if let Some(e) = events.iter().find(|e| e.on > today) {
        out.push(problem(
            case,
            Msg::new("check.future_event").arg("date", e.on),
        ));
    }
    let moves: Vec<&Event> = events
        .iter()
        .filter(|e| matches!(e.change, Change::Moved(_)))
        .collect();
    if moves.windows(2).any(|w| w[1].seq < w[0].seq) {
        out.push(problem(case, Msg::new("check.moves_out_of_order")));
    }
    check_care_process(case, events, out);
    let mut replayed = replay(case.id, &case.case_ref, events, None).expect("starts with referral");
    replayed.name = case.name.clone();
    replayed.birth_date = case.birth_date;
    if &replayed != case {
        out.push(problem(
            case,
            Msg::new("check.state_mismatch").arg("fields", differing_fields(case, &replayed)),
        ));
    }
    let lifecycle = [
        Some(case.referred_on),
        case.intake_on,
        case.triaged_on,
        case.care_started_on,
        case.closed_on,
    ];
    let present: Vec<NaiveDate> = lifecycle.iter().flatten().copied().collect();
    if present.windows(2).any(|w| w[1] < w[0]) || present.iter().any(|d| *d > today) {
        out.push(problem(case, Msg::new("check.dates_out_of_order")));
    }
}

/// The facts of SPEC 1.6–1.8 in the history: every extension carries its
/// report, a report only leaves evaluation, a destination only closes.
fn check_care_process(case: &Case, events: &[Event], out: &mut Vec<Problem>) {
    let Some(mut state) = replay(case.id, &case.case_ref, &events[..1], None) else {
        return;
    };
    for e in &events[1..] {
        if let Change::Moved(m) = &e.change {
            let out_of_evaluation = state.stage == crate::domain::Stage::Evaluation
                && matches!(
                    m.to,
                    Some(crate::domain::Stage::InCare | crate::domain::Stage::Waiting)
                );
            let extension = crate::domain::lifecycle::is_extension(&state, m);
            if (extension && (m.goals.is_none() || m.intended_outflow.is_none()))
                || (m.has_report() && !out_of_evaluation)
            {
                out.push(problem(case, Msg::new("check.report").arg("date", e.on)));
            }
            if m.destination.is_some() && m.to != Some(crate::domain::Stage::Closed) {
                out.push(problem(
                    case,
                    Msg::new("check.destination").arg("date", e.on),
                ));
            }
        }
        state.apply(e);
    }
}

/// The names of the fields in which two states differ.
fn differing_fields(a: &Case, b: &Case) -> String {
    let (a, b) = (
        serde_json::to_value(a).expect("serialises"),
        serde_json::to_value(b).expect("serialises"),
    );
    let (Some(a), Some(b)) = (a.as_object(), b.as_object()) else {
        return String::new();
    };
    a.iter()
        .filter(|(k, v)| b.get(*k) != Some(v))
        .map(|(k, _)| k.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
