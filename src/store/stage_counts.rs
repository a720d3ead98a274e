//! How many cases stood in each stage at the end of each of a row of dates:
//! the cumulative-flow picture. `snapshot(date)` per date gives the same
//! answer, but replays every case once per date; this reads the events once.

use chrono::NaiveDate;

use super::codec;
use super::{Result, Store};
use crate::domain::Stage;

/// The number of cases in each stage at the end of one date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageCounts {
    pub on: NaiveDate,
    /// Indexed like `Stage::ALL`.
    pub counts: [usize; Stage::ALL.len()],
}

impl StageCounts {
    fn new(on: NaiveDate) -> StageCounts {
        StageCounts {
            on,
            counts: [0; Stage::ALL.len()],
        }
    }

    pub fn get(&self, stage: Stage) -> usize {
        self.counts[index(stage)]
    }

    /// Cases not closed at the end of the date.
    pub fn open(&self) -> usize {
        self.counts.iter().sum::<usize>() - self.get(Stage::Closed)
    }
}

fn index(stage: Stage) -> usize {
    Stage::ALL
        .iter()
        .position(|s| *s == stage)
        .expect("every stage is in ALL")
}

impl Store {
    /// The stage counts at the end of each of `dates` (ascending), from the
    /// dated events. Only referrals and moves change a stage, and a moved
    /// event records its target stage, so one ordered pass over those rows
    /// suffices: for each case, the stage of its last event on or before a
    /// date is its stage then (SPEC 5), and a case not yet referred counts
    /// nowhere.
    pub fn stage_counts(&self, dates: &[NaiveDate]) -> Result<Vec<StageCounts>> {
        debug_assert!(dates.windows(2).all(|w| w[0] <= w[1]), "dates ascend");
        let mut out: Vec<StageCounts> = dates.iter().map(|d| StageCounts::new(*d)).collect();
        let Some(last) = dates.last() else {
            return Ok(out);
        };
        let mut stmt = self.conn.prepare(
            "SELECT case_id, on_date, kind, stage FROM events \
             WHERE on_date <= ?1 AND kind IN ('referred', 'moved') \
             ORDER BY case_id, on_date, id",
        )?;
        let mut rows = stmt.query([last])?;
        let mut walk = CaseWalk::default();
        while let Some(row) = rows.next()? {
            let case_id: i64 = row.get(0)?;
            let on = codec::day(row, 1)?;
            let kind: String = row.get(2)?;
            if walk.case_id != Some(case_id) {
                walk.finish(&mut out);
                walk = CaseWalk {
                    case_id: Some(case_id),
                    ..CaseWalk::default()
                };
            }
            let stage = if kind == "referred" {
                Stage::Referred
            } else {
                let code: Option<String> = row.get(3)?;
                match code.as_deref().map(str::parse::<Stage>) {
                    Some(Ok(s)) => s,
                    // A move without a readable target does not change the
                    // stage; `stroom check` reports such rows.
                    _ => continue,
                }
            };
            walk.advance(on, &mut out);
            walk.stage = Some(stage);
        }
        walk.finish(&mut out);
        Ok(out)
    }
}

/// One case's stage as its events are read, and the first date not yet
/// counted for it.
#[derive(Default)]
struct CaseWalk {
    case_id: Option<i64>,
    stage: Option<Stage>,
    next: usize,
}

impl CaseWalk {
    /// Counts the current stage at every date before `on` (an event dated
    /// `on` belongs to the end of `on`).
    fn advance(&mut self, on: NaiveDate, out: &mut [StageCounts]) {
        while self.next < out.len() && out[self.next].on < on {
            self.count(self.next, out);
            self.next += 1;
        }
    }

    fn finish(&mut self, out: &mut [StageCounts]) {
        while self.next < out.len() {
            self.count(self.next, out);
            self.next += 1;
        }
    }

    fn count(&self, at: usize, out: &mut [StageCounts]) {
        if let Some(stage) = self.stage {
            out[at].counts[index(stage)] += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::parse_date;
    use crate::domain::{Move, OutflowReason, Referrer, Route, Urgency};
    use crate::store::NewReferral;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    const TODAY: &str = "2026-06-30";

    fn add(store: &mut Store, on: &str) -> String {
        let new = NewReferral {
            case_ref: None,
            name: None,
            birth_date: None,
            referred_on: d(on),
            referrer: Referrer::Gp,
            urgency: Urgency::Regular,
            worker: None,
        };
        store.add_referral(&new, d(TODAY), "test").unwrap().case_ref
    }

    fn mv(store: &mut Store, case_ref: &str, m: Move, on: &str) {
        store
            .move_case(case_ref, &m, d(on), d(TODAY), "test", None)
            .unwrap();
    }

    fn counts_by_snapshot(store: &Store, on: NaiveDate) -> [usize; 7] {
        let mut counts = [0; 7];
        for c in store.snapshot(on, d(TODAY)).unwrap().cases {
            counts[index(c.stage)] += 1;
        }
        counts
    }

    #[test]
    fn one_pass_agrees_with_a_snapshot_at_every_date() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("stroom.db")).unwrap();
        // A: through triage to team care, closed, reopened.
        let a = add(&mut store, "2026-01-05");
        mv(&mut store, &a, Move::to(Stage::Intake), "2026-01-12");
        mv(&mut store, &a, Move::to(Stage::Triage), "2026-01-31");
        let team = Move {
            route: Some(Route::Team),
            ..Move::default()
        };
        mv(&mut store, &a, team, "2026-02-10");
        let close = Move {
            reason: Some(OutflowReason::GoalsMet),
            ..Move::to(Stage::Closed)
        };
        mv(&mut store, &a, close, "2026-04-30");
        mv(&mut store, &a, Move::to(Stage::Referred), "2026-05-20");
        // B: waiting for ambulant care; C: referred in March only.
        let b = add(&mut store, "2026-02-02");
        mv(&mut store, &b, Move::to(Stage::Intake), "2026-02-09");
        mv(&mut store, &b, Move::to(Stage::Triage), "2026-02-16");
        let ambulant = Move {
            route: Some(Route::Ambulant),
            ..Move::default()
        };
        mv(&mut store, &b, ambulant, "2026-02-28");
        add(&mut store, "2026-03-15");

        let dates: Vec<NaiveDate> = [
            "2025-12-31",
            "2026-01-31",
            "2026-02-28",
            "2026-03-31",
            "2026-04-30",
            "2026-05-31",
            "2026-06-30",
        ]
        .into_iter()
        .map(d)
        .collect();
        let got = store.stage_counts(&dates).unwrap();
        for c in &got {
            assert_eq!(c.counts, counts_by_snapshot(&store, c.on), "{}", c.on);
        }
        // Read as a person would: end of January A waits in triage (moved
        // that very day); end of February A is in care and B waits; end of
        // April A has left; in May A is back as a new referral.
        assert_eq!(got[0].counts, [0; 7]);
        assert_eq!(got[1].get(Stage::Triage), 1);
        assert_eq!(got[2].get(Stage::InCare), 1);
        assert_eq!(got[2].get(Stage::Waiting), 1);
        assert_eq!(got[3].get(Stage::Referred), 1);
        assert_eq!(got[3].open(), 3);
        assert_eq!(got[4].get(Stage::Closed), 1);
        assert_eq!(got[4].open(), 2);
        assert_eq!(got[5].get(Stage::Referred), 2);
        assert_eq!(got[5].get(Stage::Closed), 0);
        assert!(store.stage_counts(&[]).unwrap().is_empty());
    }
}
