//! Waiting lists (SPEC 2): three queues, each with a clock and a norm, and a
//! waiting signal per case. Pure: the as-of date comes with the snapshot.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::case::Case;
// `code_enum!` expands to code that names `fmt`, `FromStr` and `UnknownCode`.
use super::codes::{CareType, Referrer, Route, Stage, Urgency, code_enum};
use super::dates::days_between;
use super::snapshot::Snapshot;

code_enum!(
    /// A waiting list (SPEC 2), in the order the lists are shown.
    Queue, "queue" {
        Intake => "intake",
        Decision => "decision",
        Care => "care",
    }
);

code_enum!(
    /// A traffic light: the waiting signal of SPEC 2 and the stoplight colour
    /// of SPEC 3. Ordered from good to bad, so `max` is the worst.
    Signal, "signal" {
        Green => "green",
        Orange => "orange",
        Red => "red",
    }
);

code_enum!(
    /// Age group at the as-of date (SPEC 2): the Jeugdwet covers under 18.
    AgeGroup, "age_group" {
        Under18 => "under_18",
        Plus18 => "18_plus",
        Unknown => "unknown",
    }
);

impl AgeGroup {
    pub fn of(age: Option<i32>) -> AgeGroup {
        match age {
            None => AgeGroup::Unknown,
            Some(a) if a >= 18 => AgeGroup::Plus18,
            Some(_) => AgeGroup::Under18,
        }
    }
}

/// The waiting norms of the three queues, in calendar days.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct Norms {
    pub intake: Norm,
    pub decision: Norm,
    pub care: Norm,
}

/// A waiting norm in calendar days.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct Norm {
    pub regular: u32,
    pub urgent: u32,
}

impl Norm {
    pub fn days(&self, urgency: Urgency) -> u32 {
        match urgency {
            Urgency::Regular => self.regular,
            Urgency::Urgent => self.urgent,
        }
    }
}

impl Norms {
    pub fn of(&self, queue: Queue) -> Norm {
        match queue {
            Queue::Intake => self.intake,
            Queue::Decision => self.decision,
            Queue::Care => self.care,
        }
    }
}

impl Signal {
    /// A distinct shape per signal, so it reads without colour too.
    pub fn symbol(self) -> &'static str {
        match self {
            Signal::Green => "●",
            Signal::Orange => "▲",
            Signal::Red => "■",
        }
    }
}

impl Queue {
    /// Whether a case in `stage` stands in this queue. A `referred` case
    /// stands in both the intake and the decision queue.
    pub fn holds(self, stage: Stage) -> bool {
        match self {
            Queue::Intake => stage == Stage::Referred,
            Queue::Decision => matches!(stage, Stage::Referred | Stage::Intake | Stage::Triage),
            Queue::Care => stage == Stage::Waiting,
        }
    }

    /// When this queue's clock started for a case standing in it. Intake and
    /// decision run from the referral; care from the decision that put the
    /// case in `waiting` (also a step up or down from evaluation).
    pub fn clock_start(self, case: &Case) -> NaiveDate {
        match self {
            Queue::Intake | Queue::Decision => case.referred_on,
            // A waiting case always has `waiting_since`; the move into the
            // stage is the same date should an old row lack it.
            Queue::Care => case.waiting_since.unwrap_or(case.stage_since),
        }
    }
}

impl Signal {
    /// The waiting signal for `wait_days` against `norm_days`, in exact
    /// integer arithmetic: green below 0.75 × norm (4·wait < 3·norm), red
    /// beyond the norm, orange in between (both bounds included).
    pub fn for_wait(wait_days: i64, norm_days: u32) -> Signal {
        let norm = i64::from(norm_days);
        if wait_days > norm {
            Signal::Red
        } else if 4 * wait_days < 3 * norm {
            Signal::Green
        } else {
            Signal::Orange
        }
    }
}

/// One case in one queue, as of the snapshot date. Serialises to exactly the
/// columns of a waitlist export row (SPEC 7.2) without personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WaitRow {
    /// The store's id, to look up the case; not part of an export.
    #[serde(skip)]
    pub case_id: i64,
    pub case_ref: String,
    pub queue: Queue,
    pub stage: Stage,
    pub urgency: Urgency,
    pub referrer: Referrer,
    pub route: Option<Route>,
    pub care_type: Option<CareType>,
    pub provider: Option<String>,
    pub worker: Option<String>,
    pub bridging_care: bool,
    /// Start of the queue's clock.
    pub waiting_since: NaiveDate,
    pub wait_days: i64,
    pub norm_days: u32,
    pub signal: Signal,
    /// Whole years at the as-of date; None without a birth date.
    pub age: Option<i32>,
}

impl WaitRow {
    /// Whether the row counts in the net list: a care-queue case that gets
    /// bridging care counts in the gross list only.
    pub fn in_net(&self) -> bool {
        !(self.queue == Queue::Care && self.bridging_care)
    }
}

/// The rows of one queue (or of every queue, queue by queue) as of the
/// snapshot date. Within a queue: urgent first, then the longest waiting,
/// then by case reference.
pub fn waiting_list(snapshot: &Snapshot, norms: &Norms, queue: Option<Queue>) -> Vec<WaitRow> {
    let queues: &[Queue] = match &queue {
        Some(q) => std::slice::from_ref(q),
        None => Queue::ALL,
    };
    let mut rows: Vec<WaitRow> = snapshot
        .cases
        .iter()
        .flat_map(|case| {
            queues
                .iter()
                .filter(|q| q.holds(case.stage))
                .map(move |&q| wait_row(case, q, norms, snapshot.as_of))
        })
        .collect();
    rows.sort_by(|a, b| {
        (a.queue, !a.urgency.is_urgent(), -a.wait_days, &a.case_ref).cmp(&(
            b.queue,
            !b.urgency.is_urgent(),
            -b.wait_days,
            &b.case_ref,
        ))
    });
    rows
}

/// The row of one case in one queue as of `as_of`.
pub fn wait_row(case: &Case, queue: Queue, norms: &Norms, as_of: NaiveDate) -> WaitRow {
    let waiting_since = queue.clock_start(case);
    let wait_days = days_between(waiting_since, as_of);
    let norm_days = norms.of(queue).days(case.urgency);
    WaitRow {
        case_id: case.id,
        case_ref: case.case_ref.clone(),
        queue,
        stage: case.stage,
        urgency: case.urgency,
        referrer: case.referrer,
        route: case.route,
        care_type: case.care_type,
        provider: case.provider.clone(),
        worker: case.worker.clone(),
        bridging_care: case.bridging_care,
        waiting_since,
        wait_days,
        norm_days,
        signal: Signal::for_wait(wait_days, norm_days),
        age: case.age_on(as_of),
    }
}

/// Counts of one list by signal.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SignalCounts {
    pub total: usize,
    pub green: usize,
    pub orange: usize,
    pub red: usize,
}

impl SignalCounts {
    pub fn add(&mut self, signal: Signal) {
        self.total += 1;
        match signal {
            Signal::Green => self.green += 1,
            Signal::Orange => self.orange += 1,
            Signal::Red => self.red += 1,
        }
    }
}

/// The summary of one queue: its gross list (everyone waiting) and its net
/// list (without care-queue cases that get bridging care).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct QueueSummary {
    pub queue: Queue,
    pub gross: SignalCounts,
    pub net: SignalCounts,
    /// Care-queue cases with bridging care (the gross − net difference).
    pub bridging_care: usize,
    /// Of the gross list's red cases, those with bridging care.
    pub red_bridging_care: usize,
    /// The gross list by age group, in the order of `AgeGroup::ALL`.
    pub age_groups: [usize; 3],
    pub urgent: usize,
    pub longest_wait_days: Option<i64>,
}

/// One summary per queue, in queue order, from rows of `waiting_list`;
/// a queue without rows gets zero counts.
pub fn summarize(rows: &[WaitRow]) -> Vec<QueueSummary> {
    let mut out = Summaries::default();
    for row in rows {
        out.add(row);
    }
    out.finish()
}

/// The queue summaries of one date built row by row, so a report over many
/// dates keeps counts instead of rows (the council report's trend).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summaries(Vec<QueueSummary>);

impl Default for Summaries {
    fn default() -> Summaries {
        Summaries(
            Queue::ALL
                .iter()
                .map(|&queue| QueueSummary {
                    queue,
                    gross: SignalCounts::default(),
                    net: SignalCounts::default(),
                    bridging_care: 0,
                    red_bridging_care: 0,
                    age_groups: [0; 3],
                    urgent: 0,
                    longest_wait_days: None,
                })
                .collect(),
        )
    }
}

impl Summaries {
    pub fn add(&mut self, row: &WaitRow) {
        self.add_parts(
            row.queue,
            row.signal,
            row.bridging_care,
            row.age,
            row.urgency,
            row.wait_days,
        );
    }

    /// `add` from the fields it counts (the desk's compact rows count
    /// without a `WaitRow`).
    pub fn add_parts(
        &mut self,
        queue: Queue,
        signal: Signal,
        bridging_care: bool,
        age: Option<i32>,
        urgency: Urgency,
        wait_days: i64,
    ) {
        let s = &mut self.0[queue as usize];
        s.gross.add(signal);
        // As `WaitRow::in_net`: bridging care counts in the gross list only.
        if !(queue == Queue::Care && bridging_care) {
            s.net.add(signal);
        } else {
            s.bridging_care += 1;
            s.red_bridging_care += usize::from(signal == Signal::Red);
        }
        s.age_groups[AgeGroup::of(age) as usize] += 1;
        s.urgent += usize::from(urgency.is_urgent());
        s.longest_wait_days = s.longest_wait_days.max(Some(wait_days));
    }

    /// One summary per queue, in queue order.
    pub fn finish(self) -> Vec<QueueSummary> {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case::Referral;
    use crate::domain::dates::parse_date;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn norms() -> Norms {
        Norms {
            intake: Norm {
                regular: 14,
                urgent: 2,
            },
            decision: Norm {
                regular: 56,
                urgent: 7,
            },
            care: Norm {
                regular: 70,
                urgent: 7,
            },
        }
    }

    fn case(id: i64, case_ref: &str, stage: Stage, referred_on: &str) -> Case {
        let referral = Referral {
            referrer: Referrer::Gp,
            urgency: Urgency::Regular,
            worker: Some("Fatima".into()),
        };
        let mut c = Case::referred(id, case_ref, d(referred_on), &referral);
        c.stage = stage;
        c
    }

    fn waiting(id: i64, case_ref: &str, referred_on: &str, decided_on: &str) -> Case {
        let mut c = case(id, case_ref, Stage::Waiting, referred_on);
        c.route = Some(Route::Ambulant);
        c.care_type = Some(CareType::AmbulantHome);
        c.provider = Some("Levvel".into());
        c.waiting_since = Some(d(decided_on));
        c.stage_since = d(decided_on);
        c
    }

    fn snap(as_of: &str, cases: Vec<Case>) -> Snapshot {
        Snapshot {
            as_of: d(as_of),
            cases,
            ..Snapshot::default()
        }
    }

    #[test]
    fn signal_boundaries_at_three_quarters_and_at_the_norm() {
        // Norm 14: 0.75 × 14 = 10.5, so 10 is green and 11 orange.
        assert_eq!(Signal::for_wait(10, 14), Signal::Green);
        assert_eq!(Signal::for_wait(11, 14), Signal::Orange);
        assert_eq!(Signal::for_wait(14, 14), Signal::Orange);
        assert_eq!(Signal::for_wait(15, 14), Signal::Red);
        // Norm 56: 0.75 × 56 = 42 exactly; 42 itself is orange.
        assert_eq!(Signal::for_wait(41, 56), Signal::Green);
        assert_eq!(Signal::for_wait(42, 56), Signal::Orange);
        assert_eq!(Signal::for_wait(56, 56), Signal::Orange);
        assert_eq!(Signal::for_wait(57, 56), Signal::Red);
        // Urgent intake norm 2: 1.5 → 1 green, 2 orange, 3 red.
        assert_eq!(Signal::for_wait(1, 2), Signal::Green);
        assert_eq!(Signal::for_wait(2, 2), Signal::Orange);
        assert_eq!(Signal::for_wait(3, 2), Signal::Red);
        assert_eq!(Signal::for_wait(0, 0), Signal::Orange);
    }

    #[test]
    fn referred_case_stands_in_intake_and_decision() {
        let s = snap(
            "2026-03-15",
            vec![
                case(1, "2026-0001", Stage::Referred, "2026-03-01"),
                case(2, "2026-0002", Stage::Triage, "2026-02-01"),
                waiting(3, "2026-0003", "2026-01-01", "2026-02-10"),
                case(4, "2026-0004", Stage::InCare, "2026-01-01"),
                case(5, "2026-0005", Stage::Closed, "2026-01-01"),
            ],
        );
        let rows = waiting_list(&s, &norms(), None);
        let got: Vec<_> = rows
            .iter()
            .map(|r| (r.queue, r.case_ref.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (Queue::Intake, "2026-0001"),
                (Queue::Decision, "2026-0002"),
                (Queue::Decision, "2026-0001"),
                (Queue::Care, "2026-0003"),
            ]
        );
        let only_decision = waiting_list(&s, &norms(), Some(Queue::Decision));
        assert_eq!(only_decision.len(), 2);
        assert!(only_decision.iter().all(|r| r.queue == Queue::Decision));
    }

    #[test]
    fn clocks_and_norms_per_queue() {
        let s = snap(
            "2026-03-15",
            vec![
                case(1, "2026-0001", Stage::Referred, "2026-03-01"),
                waiting(3, "2026-0003", "2026-01-01", "2026-02-10"),
            ],
        );
        let rows = waiting_list(&s, &norms(), None);
        let intake = &rows[0];
        assert_eq!(
            (intake.waiting_since, intake.wait_days, intake.norm_days),
            (d("2026-03-01"), 14, 14)
        );
        assert_eq!(intake.signal, Signal::Orange);
        let decision = &rows[1];
        assert_eq!((decision.wait_days, decision.norm_days), (14, 56));
        assert_eq!(decision.signal, Signal::Green);
        // Care runs from the decision, not from the referral.
        let care = &rows[2];
        assert_eq!(
            (care.waiting_since, care.wait_days, care.norm_days),
            (d("2026-02-10"), 33, 70)
        );
        assert_eq!(care.provider.as_deref(), Some("Levvel"));
    }

    #[test]
    fn care_signal_the_day_before_on_and_after_each_threshold() {
        // Regular care norm 70: orange from 52.5, i.e. from day 53.
        let signal_on = |as_of: &str| {
            let s = snap(
                as_of,
                vec![waiting(1, "2026-0001", "2025-12-01", "2026-01-01")],
            );
            let r = &waiting_list(&s, &norms(), Some(Queue::Care))[0];
            (r.wait_days, r.signal)
        };
        assert_eq!(signal_on("2026-02-22"), (52, Signal::Green));
        assert_eq!(signal_on("2026-02-23"), (53, Signal::Orange));
        assert_eq!(signal_on("2026-03-12"), (70, Signal::Orange));
        assert_eq!(signal_on("2026-03-13"), (71, Signal::Red));
    }

    #[test]
    fn urgent_uses_its_own_norm_and_comes_first() {
        let mut urgent = case(2, "2026-0009", Stage::Referred, "2026-03-12");
        urgent.urgency = Urgency::Urgent;
        let s = snap(
            "2026-03-15",
            vec![
                case(1, "2026-0001", Stage::Referred, "2026-02-01"),
                urgent,
                case(3, "2026-0003", Stage::Referred, "2026-03-01"),
                case(4, "2026-0002", Stage::Referred, "2026-03-01"),
            ],
        );
        let rows = waiting_list(&s, &norms(), Some(Queue::Intake));
        let order: Vec<_> = rows.iter().map(|r| r.case_ref.as_str()).collect();
        // Urgent first although it waits shortest; then longest waiting; then
        // case_ref among equal waits.
        assert_eq!(order, ["2026-0009", "2026-0001", "2026-0002", "2026-0003"]);
        assert_eq!((rows[0].norm_days, rows[0].wait_days), (2, 3));
        assert_eq!(rows[0].signal, Signal::Red);
    }

    #[test]
    fn bridging_care_counts_gross_not_net() {
        let mut bridged = waiting(2, "2026-0002", "2026-01-01", "2026-01-05");
        bridged.bridging_care = true;
        let mut urgent_bridged_referral = case(3, "2026-0003", Stage::Referred, "2026-03-14");
        // Bridging care only takes a case off the net list of the care queue.
        urgent_bridged_referral.bridging_care = true;
        urgent_bridged_referral.urgency = Urgency::Urgent;
        let s = snap(
            "2026-03-20",
            vec![
                waiting(1, "2026-0001", "2026-01-01", "2026-03-01"),
                bridged,
                urgent_bridged_referral,
            ],
        );
        let rows = waiting_list(&s, &norms(), None);
        let sums = summarize(&rows);
        let care = sums[Queue::Care as usize];
        assert_eq!(care.queue, Queue::Care);
        assert_eq!(
            care.gross,
            SignalCounts {
                total: 2,
                green: 1,
                orange: 0,
                red: 1
            }
        );
        assert_eq!(
            care.net,
            SignalCounts {
                total: 1,
                green: 1,
                orange: 0,
                red: 0
            }
        );
        assert_eq!(care.bridging_care, 1);
        assert_eq!(care.red_bridging_care, 1);
        assert_eq!(care.longest_wait_days, Some(74));
        let intake = sums[Queue::Intake as usize];
        assert_eq!((intake.gross.total, intake.net.total), (1, 1));
        assert_eq!((intake.urgent, intake.gross.red), (1, 1));
        // Urgent decision norm 7: six days is past 0.75 × 7 = 5.25.
        let decision = sums[Queue::Decision as usize];
        assert_eq!(decision.net.orange, 1);
    }

    #[test]
    fn summaries_split_by_age_group_at_the_as_of_date() {
        assert_eq!(AgeGroup::of(None), AgeGroup::Unknown);
        assert_eq!(AgeGroup::of(Some(17)), AgeGroup::Under18);
        assert_eq!(AgeGroup::of(Some(18)), AgeGroup::Plus18);
        let mut young = case(1, "2026-0001", Stage::Referred, "2026-03-01");
        young.birth_date = Some(d("2008-03-21"));
        let mut adult = case(2, "2026-0002", Stage::Referred, "2026-03-01");
        adult.birth_date = Some(d("2008-03-20"));
        let unknown = case(3, "2026-0003", Stage::Referred, "2026-03-01");
        let s = snap("2026-03-20", vec![young, adult, unknown]);
        let sums = summarize(&waiting_list(&s, &norms(), None));
        assert_eq!(sums[Queue::Intake as usize].age_groups, [1, 1, 1]);
        assert_eq!(sums[Queue::Care as usize].age_groups, [0, 0, 0]);
    }

    #[test]
    fn empty_queues_still_get_a_summary() {
        let sums = summarize(&[]);
        assert_eq!(sums.iter().map(|s| s.queue).collect::<Vec<_>>(), Queue::ALL);
        assert!(
            sums.iter()
                .all(|s| s.gross.total == 0 && s.longest_wait_days.is_none())
        );
    }

    #[test]
    fn age_at_the_as_of_date_or_none() {
        let mut young = case(1, "2026-0001", Stage::Referred, "2026-03-01");
        young.birth_date = Some(d("2010-03-15"));
        let s = snap(
            "2026-03-14",
            vec![young, case(2, "2026-0002", Stage::Referred, "2026-03-01")],
        );
        let rows = waiting_list(&s, &norms(), Some(Queue::Intake));
        let ages: Vec<_> = rows.iter().map(|r| (r.case_ref.as_str(), r.age)).collect();
        assert_eq!(ages, [("2026-0001", Some(15)), ("2026-0002", None)]);
    }

    #[test]
    fn export_row_has_exactly_the_spec_keys() {
        let s = snap(
            "2026-03-15",
            vec![waiting(1, "2026-0001", "2026-01-01", "2026-02-10")],
        );
        let row = &waiting_list(&s, &norms(), None)[0];
        let json = serde_json::to_value(row).unwrap();
        let keys: Vec<_> = json.as_object().unwrap().keys().cloned().collect();
        let expected = [
            "case_ref",
            "queue",
            "stage",
            "urgency",
            "referrer",
            "route",
            "care_type",
            "provider",
            "worker",
            "bridging_care",
            "waiting_since",
            "wait_days",
            "norm_days",
            "signal",
            "age",
        ];
        assert_eq!(keys, expected, "the spec's keys in the spec's order");
        assert_eq!(json["queue"], "care");
        assert_eq!(json["signal"], "green");
        assert_eq!(json["waiting_since"], "2026-02-10");
        assert_eq!(json["age"], serde_json::Value::Null);
    }

    #[test]
    fn queues_and_signals_have_labels() {
        use crate::present::i18n::{Catalog, Lang};
        let keys = Queue::ALL
            .iter()
            .map(|q| q.label_key())
            .chain(Signal::ALL.iter().map(|s| s.label_key()));
        for key in keys {
            for lang in [Lang::Nl, Lang::En] {
                assert_ne!(
                    Catalog::get(lang).t(&key),
                    key,
                    "{lang}: no label for {key}"
                );
            }
        }
        assert_eq!(
            Catalog::get(Lang::Nl).label("queue", "care"),
            "Wacht op hulp"
        );
    }

    proptest! {
        #[test]
        fn signal_is_monotone_in_wait(norm in 0u32..400, wait in -5i64..800) {
            prop_assert!(Signal::for_wait(wait, norm) <= Signal::for_wait(wait + 1, norm));
        }

        #[test]
        fn signal_matches_the_real_number_rule(norm in 0u32..400, wait in 0i64..800) {
            let (w, n) = (wait as f64, f64::from(norm));
            let expected = if w > n {
                Signal::Red
            } else if w < 0.75 * n {
                Signal::Green
            } else {
                Signal::Orange
            };
            prop_assert_eq!(Signal::for_wait(wait, norm), expected);
        }

        #[test]
        fn rows_are_ordered_and_gross_is_net_plus_bridging(
            specs in prop::collection::vec((0usize..4, any::<bool>(), any::<bool>(), 0i64..120), 0..40)
        ) {
            let as_of = d("2026-06-30");
            let stages = [Stage::Referred, Stage::Intake, Stage::Triage, Stage::Waiting];
            let cases: Vec<Case> = specs
                .iter()
                .enumerate()
                .map(|(i, &(stage, urgent, bridging, ago))| {
                    let since = as_of - chrono::Days::new(ago as u64);
                    let mut c = case(i as i64, &format!("2026-{i:04}"), stages[stage], "2026-01-01");
                    c.referred_on = since;
                    c.waiting_since = Some(since);
                    c.urgency = if urgent { Urgency::Urgent } else { Urgency::Regular };
                    c.bridging_care = bridging;
                    c
                })
                .collect();
            let s = Snapshot { as_of, cases, ..Snapshot::default() };
            let rows = waiting_list(&s, &norms(), None);
            for pair in rows.windows(2) {
                let (a, b) = (&pair[0], &pair[1]);
                let key = |r: &WaitRow| (r.queue, !r.urgency.is_urgent(), -r.wait_days, r.case_ref.clone());
                prop_assert!(key(a) < key(b));
            }
            for s in summarize(&rows) {
                prop_assert_eq!(s.gross.total, s.net.total + s.bridging_care);
                prop_assert_eq!(s.gross.total, s.gross.green + s.gross.orange + s.gross.red);
                if s.queue != Queue::Care {
                    prop_assert_eq!(s.bridging_care, 0);
                }
            }
        }
    }
}
