//! The forecast (SPEC 4.1): when will each waiting case be seen? A Monte
//! Carlo simulation over the queue's own recent throughput. Pure: the
//! history, the waiting list, the as-of date, the runs and the seed go in;
//! the same seed gives the same dates.
//!
//! All runs walk the days in lockstep: after day d each run has served its
//! `served[r]` first cases. A case at position p has left the queue by day
//! d in as many runs as have `served[r] ≥ p`, so its nearest-rank p50 day
//! is the first day on which the ⌈0.5 × runs⌉-th largest `served` reaches
//! p. One selection per day answers every case at once, in memory that does
//! not grow with the queue.

use chrono::{Days, Months, NaiveDate};
use serde::Serialize;

use super::case::{Change, Event};
use super::codes::{Stage, Urgency};
use super::dates::days_between;
use super::waitlist::{Queue, WaitRow};

/// Days of throughput history: D − 181 … D.
pub const HISTORY_DAYS: usize = 182;
/// Default number of runs.
pub const DEFAULT_RUNS: u32 = 10_000;
/// Default seed, so that a forecast (and the council report) is the same
/// whenever it is made for the same date.
pub const DEFAULT_SEED: u64 = 1;
/// Runs that have not served a case within this many months leave its
/// dates open.
const HORIZON_MONTHS: u32 = 36;

/// The dates on which cases left each queue, from one case's events in
/// replay order: a stopped clock or a close while in the queue. A reopening
/// enters the queues again and leaves none.
pub fn queue_exits(events: &[Event]) -> Vec<(Queue, NaiveDate)> {
    let mut stage = Stage::Referred;
    let mut out = Vec::new();
    for event in events {
        let Change::Moved(m) = &event.change else {
            continue;
        };
        let Some(to) = m.to else { continue };
        if stage != Stage::Closed {
            for &q in Queue::ALL {
                if q.holds(stage) && !q.holds(to) {
                    out.push((q, event.on));
                }
            }
        }
        stage = to;
    }
    out
}

/// Daily exits of one queue over the history window ending at `as_of`
/// (index 0 is `as_of` − 181).
pub fn daily_history(exits: &[NaiveDate], as_of: NaiveDate) -> Vec<u32> {
    let mut daily = vec![0u32; HISTORY_DAYS];
    for &on in exits {
        let back = days_between(on, as_of);
        if (0..HISTORY_DAYS as i64).contains(&back) {
            daily[HISTORY_DAYS - 1 - back as usize] += 1;
        }
    }
    daily
}

/// One waiting case's forecast (SPEC 7.2 forecast row).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForecastRow {
    #[serde(skip)]
    pub case_id: i64,
    pub case_ref: String,
    pub queue: Queue,
    pub urgency: Urgency,
    pub waiting_since: NaiveDate,
    pub wait_days: i64,
    pub norm_days: u32,
    /// 1 = next.
    pub position: usize,
    pub p50_on: Option<NaiveDate>,
    pub p85_on: Option<NaiveDate>,
    /// Share of runs in which the case leaves by its clock start + norm.
    pub within_norm: Option<f64>,
}

/// One queue's forecast.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueueForecast {
    pub queue: Queue,
    pub waiting: usize,
    pub history_days: usize,
    /// Cases that left the queue over the history.
    #[serde(skip)]
    pub history_exits: u64,
    pub cleared_p50_on: Option<NaiveDate>,
    pub cleared_p85_on: Option<NaiveDate>,
}

impl QueueForecast {
    /// Whether the history had no throughput (the forecast then has no dates).
    pub fn without_throughput(&self) -> bool {
        self.history_exits == 0
    }
}

/// How many runs and which seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Runs {
    pub runs: u32,
    pub seed: u64,
}

/// The forecast of one queue: `waiting` is the queue's list in its order
/// (SPEC 2), `daily` its throughput history (`daily_history`).
pub fn forecast(
    queue: Queue,
    daily: &[u32],
    waiting: &[WaitRow],
    as_of: NaiveDate,
    runs: Runs,
) -> (QueueForecast, Vec<ForecastRow>) {
    let n = waiting.len();
    let horizon = as_of
        .checked_add_months(Months::new(HORIZON_MONTHS))
        .map_or(1096, |end| days_between(as_of, end) as usize);
    // Day on which a case's norm runs out, counted from as_of (≤ 0: past).
    let deadline =
        |r: &WaitRow| days_between(as_of, r.waiting_since + Days::new(u64::from(r.norm_days)));
    let exits: u64 = daily.iter().map(|&x| u64::from(x)).sum();
    let days = if exits == 0 || n == 0 {
        Served::none(n)
    } else {
        let deadlines: Vec<i64> = waiting.iter().map(deadline).collect();
        simulate(daily, n, &deadlines, horizon, runs, queue)
    };
    let date = |d: Option<usize>| d.map(|d| as_of + Days::new(d as u64));
    let rows = waiting
        .iter()
        .enumerate()
        .map(|(i, r)| ForecastRow {
            case_id: r.case_id,
            case_ref: r.case_ref.clone(),
            queue,
            urgency: r.urgency,
            waiting_since: r.waiting_since,
            wait_days: r.wait_days,
            norm_days: r.norm_days,
            position: i + 1,
            p50_on: date(days.p50[i]),
            p85_on: date(days.p85[i]),
            within_norm: (exits > 0).then(|| days.within_norm[i]),
        })
        .collect();
    let cleared = |v: &[Option<usize>]| match v.last() {
        Some(d) => date(*d),
        None => (exits > 0 || n == 0).then_some(as_of),
    };
    let summary = QueueForecast {
        queue,
        waiting: n,
        history_days: daily.len(),
        history_exits: exits,
        cleared_p50_on: cleared(&days.p50),
        cleared_p85_on: cleared(&days.p85),
    };
    (summary, rows)
}

/// Per position: the p50 and p85 day (from as_of) and the share within norm.
struct Served {
    p50: Vec<Option<usize>>,
    p85: Vec<Option<usize>>,
    within_norm: Vec<f64>,
}

impl Served {
    fn none(n: usize) -> Served {
        Served {
            p50: vec![None; n],
            p85: vec![None; n],
            within_norm: vec![0.0; n],
        }
    }
}

/// The nearest rank ⌈p/100 × runs⌉ (at least 1).
fn rank(p: usize, runs: usize) -> usize {
    (p * runs).div_ceil(100).max(1)
}

/// Two decimals of count / runs.
fn share(count: usize, runs: usize) -> f64 {
    let hundredths = (200 * count + runs) / (2 * runs);
    hundredths as f64 / 100.0
}

fn simulate(
    daily: &[u32],
    n: usize,
    deadlines: &[i64],
    horizon: usize,
    runs: Runs,
    queue: Queue,
) -> Served {
    let runs_n = runs.runs.max(1) as usize;
    // One stream per queue, so a forecast of one queue equals that queue
    // in a forecast of all three.
    let queue_index = Queue::ALL.iter().position(|&q| q == queue).unwrap_or(0) as u64;
    let mut rng = fastrand::Rng::with_seed(runs.seed ^ (queue_index << 56));
    let mut out = Served::none(n);
    let (k50, k85) = (rank(50, runs_n), rank(85, runs_n));
    let mut served = vec![0u64; runs_n];
    let mut scratch = vec![0u64; runs_n];
    // Positions ordered by their deadline, for the within-norm shares.
    let mut by_deadline: Vec<usize> = (0..n).filter(|&i| deadlines[i] >= 1).collect();
    by_deadline.sort_by_key(|&i| deadlines[i]);
    let mut next_deadline = 0;
    let (mut done50, mut done85) = (0usize, 0usize);
    for day in 1..=horizon {
        for s in served.iter_mut() {
            *s += u64::from(daily[rng.usize(..daily.len())]);
        }
        scratch.copy_from_slice(&served);
        // Descending: the k-th largest sits at index k − 1. A full sort only
        // on a day when some case's norm runs out.
        let deadline_today = by_deadline
            .get(next_deadline)
            .is_some_and(|&i| deadlines[i] == day as i64);
        if deadline_today {
            scratch.sort_unstable_by(|a, b| b.cmp(a));
        } else {
            scratch.select_nth_unstable_by(k85 - 1, |a, b| b.cmp(a));
            scratch[..k85].select_nth_unstable_by(k50 - 1, |a, b| b.cmp(a));
        }
        let reach = |k: usize| scratch[k - 1].min(n as u64) as usize;
        for slot in &mut out.p50[done50..reach(k50).max(done50)] {
            *slot = Some(day);
        }
        done50 = done50.max(reach(k50));
        for slot in &mut out.p85[done85..reach(k85).max(done85)] {
            *slot = Some(day);
        }
        done85 = done85.max(reach(k85));
        while let Some(&i) = by_deadline.get(next_deadline) {
            if deadlines[i] != day as i64 {
                break;
            }
            // Runs that served position i + 1 by today: served ≥ i + 1.
            let count = scratch.partition_point(|&s| s > i as u64);
            out.within_norm[i] = share(count, runs_n);
            next_deadline += 1;
        }
        if done85 >= n && next_deadline >= by_deadline.len() {
            break;
        }
    }
    // Deadlines beyond the horizon: every run that served within it.
    for &i in &by_deadline[next_deadline..] {
        let count = served.iter().filter(|&&s| s > i as u64).count();
        out.within_norm[i] = share(count, runs_n);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case::Move;
    use crate::domain::codes::Referrer;
    use crate::domain::dates::parse_date;
    use crate::domain::waitlist::Signal;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    const AS_OF: &str = "2026-06-30";

    fn waiting(n: usize, since: &str, norm: u32) -> Vec<WaitRow> {
        (0..n)
            .map(|i| WaitRow {
                case_id: i as i64,
                case_ref: format!("2026-{i:04}"),
                queue: Queue::Care,
                stage: Stage::Waiting,
                urgency: Urgency::Regular,
                referrer: Referrer::Gp,
                route: None,
                care_type: None,
                provider: None,
                worker: None,
                bridging_care: false,
                waiting_since: d(since),
                wait_days: days_between(d(since), d(AS_OF)),
                norm_days: norm,
                signal: Signal::Green,
                age: None,
            })
            .collect()
    }

    fn runs(runs: u32, seed: u64) -> Runs {
        Runs { runs, seed }
    }

    #[test]
    fn a_constant_history_serves_position_p_on_day_p_over_k() {
        for k in [1u32, 3, 7] {
            let daily = vec![k; HISTORY_DAYS];
            let list = waiting(20, "2026-06-01", 70);
            let (q, rows) = forecast(Queue::Care, &daily, &list, d(AS_OF), runs(500, 9));
            for r in &rows {
                let day = (r.position as u64).div_ceil(u64::from(k));
                let want = d(AS_OF) + Days::new(day);
                assert_eq!(
                    (r.p50_on, r.p85_on),
                    (Some(want), Some(want)),
                    "k={k} {r:?}"
                );
                // Norm ends 10 August, well after every date: always within.
                assert_eq!(r.within_norm, Some(1.0));
            }
            let last = d(AS_OF) + Days::new(20u64.div_ceil(u64::from(k)));
            assert_eq!(
                (q.cleared_p50_on, q.cleared_p85_on),
                (Some(last), Some(last))
            );
            assert_eq!(q.waiting, 20);
            assert_eq!(q.history_days, HISTORY_DAYS);
        }
    }

    #[test]
    fn within_norm_on_both_sides_of_the_deadline() {
        // One per day. Norm 35 days from 1 June ends 6 July (day 6).
        let daily = vec![1; HISTORY_DAYS];
        let list = waiting(8, "2026-06-01", 35);
        let (_, rows) = forecast(Queue::Care, &daily, &list, d(AS_OF), runs(100, 1));
        let shares: Vec<_> = rows.iter().map(|r| r.within_norm).collect();
        assert_eq!(shares[5], Some(1.0)); // served on day 6 = the deadline
        assert_eq!(shares[6], Some(0.0)); // day 7
        // Already past the norm: never within it.
        let late = waiting(1, "2026-01-01", 35);
        let (_, rows) = forecast(Queue::Care, &daily, &late, d(AS_OF), runs(100, 1));
        assert_eq!(rows[0].within_norm, Some(0.0));
    }

    #[test]
    fn the_same_seed_gives_the_same_forecast_and_another_seed_may_not() {
        let mut daily = vec![0u32; HISTORY_DAYS];
        for (i, x) in daily.iter_mut().enumerate() {
            *x = [0, 1, 0, 4, 2, 0, 0][i % 7];
        }
        let list = waiting(60, "2026-05-01", 70);
        let once = forecast(Queue::Care, &daily, &list, d(AS_OF), runs(2000, 42));
        let again = forecast(Queue::Care, &daily, &list, d(AS_OF), runs(2000, 42));
        assert_eq!(once, again);
        let rows = &once.1;
        // Dates never go back along the queue, and p85 is never before p50.
        for w in rows.windows(2) {
            assert!(w[0].p50_on <= w[1].p50_on && w[0].p85_on <= w[1].p85_on);
        }
        for r in rows {
            assert!(r.p50_on <= r.p85_on);
        }
        // About one a day on average: the 60th case around day 60.
        let days = (rows[59].p50_on.unwrap() - d(AS_OF)).num_days();
        assert!((45..=80).contains(&days), "{days}");
    }

    #[test]
    fn no_throughput_gives_nulls() {
        let list = waiting(3, "2026-06-01", 70);
        let (q, rows) = forecast(
            Queue::Care,
            &[0; HISTORY_DAYS],
            &list,
            d(AS_OF),
            runs(10, 1),
        );
        assert!(q.without_throughput());
        assert_eq!((q.cleared_p50_on, q.cleared_p85_on), (None, None));
        assert!(
            rows.iter()
                .all(|r| r.p50_on.is_none() && r.within_norm.is_none())
        );
        // An empty list is served already.
        let (q, rows) = forecast(Queue::Care, &[0; HISTORY_DAYS], &[], d(AS_OF), runs(10, 1));
        assert!(rows.is_empty());
        assert_eq!(q.cleared_p50_on, Some(d(AS_OF)));
    }

    #[test]
    fn beyond_three_years_the_dates_stay_open() {
        // One case in the whole history: about one every 182 days.
        let mut daily = vec![0u32; HISTORY_DAYS];
        daily[0] = 1;
        let list = waiting(12, "2026-06-01", 70);
        let (q, rows) = forecast(Queue::Care, &daily, &list, d(AS_OF), runs(200, 3));
        assert!(rows[0].p50_on.is_some());
        assert_eq!(rows[11].p50_on, None);
        assert_eq!(q.cleared_p85_on, None);
        assert!(rows[0].p50_on.unwrap() <= d("2029-06-30"));
    }

    #[test]
    fn ten_thousand_runs_for_a_queue_of_500_are_quick() {
        let daily: Vec<u32> = (0..HISTORY_DAYS as u32).map(|i| i % 5).collect();
        let list = waiting(500, "2026-03-01", 70);
        let start = std::time::Instant::now();
        let (q, rows) = forecast(Queue::Care, &daily, &list, d(AS_OF), runs(10_000, 7));
        let took = start.elapsed();
        assert_eq!(rows.len(), 500);
        assert!(q.cleared_p85_on.is_some());
        // Well under a second in a release build; generous in a debug one.
        let limit = if cfg!(debug_assertions) { 5.0 } else { 0.5 };
        assert!(took.as_secs_f64() < limit, "took {took:?}");
        eprintln!("forecast, 10,000 runs, 500 waiting: {took:?}");
    }

    fn moved(on: &str, to: Stage) -> Event {
        Event {
            on: d(on),
            seq: 0,
            change: Change::Moved(Move::to(to)),
        }
    }

    #[test]
    fn exits_are_stopped_clocks_and_closes_in_the_queue() {
        let referral = Event {
            on: d("2026-01-01"),
            seq: 0,
            change: Change::Referred(crate::domain::case::Referral {
                referrer: Referrer::Gp,
                urgency: Urgency::Regular,
                worker: None,
            }),
        };
        let events = [
            referral,
            moved("2026-01-05", Stage::Intake),
            moved("2026-01-10", Stage::Triage),
            moved("2026-01-20", Stage::Waiting),
            moved("2026-03-01", Stage::InCare),
            moved("2026-05-01", Stage::Closed),
            moved("2026-06-01", Stage::Referred), // reopened: no exit
            moved("2026-06-02", Stage::Closed),   // withdrawn: leaves two queues
        ];
        assert_eq!(
            queue_exits(&events),
            [
                (Queue::Intake, d("2026-01-05")),
                (Queue::Decision, d("2026-01-20")),
                (Queue::Care, d("2026-03-01")),
                (Queue::Intake, d("2026-06-02")),
                (Queue::Decision, d("2026-06-02")),
            ]
        );
        let dates = [
            "2026-06-30",
            "2026-06-30",
            "2025-12-31",
            "2025-12-30",
            "2026-07-01",
        ];
        let daily = daily_history(&dates.map(d), d(AS_OF));
        assert_eq!(daily[HISTORY_DAYS - 1], 2);
        assert_eq!(daily[0], 1); // 31 December is D − 181; the 30th is outside
        assert_eq!(daily.iter().sum::<u32>(), 3);
    }
}
