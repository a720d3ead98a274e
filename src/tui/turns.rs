//! What view 1 keeps of the forecast: each queue's cleared dates and, per
//! waiting case, its expected turn. The forecast document holds a row of
//! a dozen columns with an owned case reference per waiting case (about
//! 130 bytes with its heap block; 56,000 rows at a country's scale); the
//! view shows only the two dates of the selected case, so it keeps those,
//! sorted for a binary search (24 bytes a case).

use chrono::NaiveDate;

use crate::domain::forecast::QueueForecast;
use crate::domain::waitlist::Queue;
use crate::report::forecast::Forecast;

/// A waiting case's expected turn in one queue: p50 – p85 (none when the
/// run's horizon passed before the p85 turn).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Turn {
    pub p50_on: NaiveDate,
    pub p85_on: Option<NaiveDate>,
}

/// The forecast as the desk keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpectedTurns {
    queues: Vec<QueueForecast>,
    /// By case id, then queue; only the cases with a p50 date.
    turns: Vec<(i64, Queue, Turn)>,
}

impl ExpectedTurns {
    /// The rows a view can show, without their other columns.
    pub fn of(forecast: &Forecast) -> ExpectedTurns {
        let mut turns: Vec<(i64, Queue, Turn)> = forecast
            .rows
            .iter()
            .filter_map(|r| {
                let p50_on = r.p50_on?;
                let turn = Turn {
                    p50_on,
                    p85_on: r.p85_on,
                };
                Some((r.case_id, r.queue, turn))
            })
            .collect();
        turns.sort_unstable_by_key(|(id, q, _)| (*id, *q));
        ExpectedTurns {
            queues: forecast.queues.clone(),
            turns,
        }
    }

    /// The expected turn of a case waiting in `queue`; None when it does
    /// not wait there or the forecast has no date for it.
    pub fn expected(&self, case_id: i64, queue: Queue) -> Option<Turn> {
        self.turns
            .binary_search_by_key(&(case_id, queue), |(id, q, _)| (*id, *q))
            .ok()
            .map(|at| self.turns[at].2)
    }

    /// How many expected turns it holds (a case per queue it waits in).
    pub fn len(&self) -> usize {
        self.turns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.turns.is_empty()
    }

    /// A queue's cleared dates (the whole current list served).
    pub fn queue(&self, queue: Queue) -> Option<&QueueForecast> {
        self.queues.iter().find(|q| q.queue == queue)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::forecast::{ForecastRow, Runs};
    use crate::domain::{Urgency, dates::parse_date};

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn row(case_id: i64, queue: Queue, p50: Option<&str>, p85: Option<&str>) -> ForecastRow {
        ForecastRow {
            case_id,
            case_ref: format!("2026-{case_id:04}"),
            queue,
            urgency: Urgency::Regular,
            waiting_since: d("2026-10-01"),
            wait_days: 52,
            norm_days: 14,
            position: 1,
            p50_on: p50.map(d),
            p85_on: p85.map(d),
            within_norm: None,
        }
    }

    /// Every row of the document gives the same dates through the desk's
    /// form, in whatever order the rows come; a case waiting in two queues
    /// keeps both; a row without a p50 date and a case not waiting have none.
    #[test]
    fn each_case_keeps_its_own_dates_per_queue() {
        let rows = vec![
            row(9, Queue::Decision, Some("2027-01-12"), Some("2027-01-30")),
            row(3, Queue::Care, Some("2027-02-01"), None),
            row(9, Queue::Intake, Some("2026-12-10"), Some("2026-12-20")),
            row(5, Queue::Intake, None, None),
        ];
        let forecast = Forecast {
            as_of: d("2026-11-22"),
            runs: Runs { runs: 10, seed: 1 },
            queues: Vec::new(),
            rows,
        };
        let turns = ExpectedTurns::of(&forecast);
        for r in &forecast.rows {
            let want = r.p50_on.map(|p50_on| Turn {
                p50_on,
                p85_on: r.p85_on,
            });
            assert_eq!(turns.expected(r.case_id, r.queue), want, "{r:?}");
        }
        assert_eq!(turns.expected(9, Queue::Care), None);
        assert_eq!(turns.expected(4, Queue::Intake), None);
    }
}
