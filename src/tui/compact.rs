//! The rows the desk keeps, compact. At a million cases view 1 keeps about
//! 60,000 waiting cases and 250,000 evaluation moments, view 3 about
//! 190,000 cases on the board; as domain rows each owned its case
//! reference, provider and coordinator as `String`s (three heap blocks a
//! row, about 230 bytes a row all told). Kept here, a row owns no heap
//! memory at all: the case reference sits inline (`CompactString`, up to
//! 24 bytes), names are shared per load (`Interner`), dates and codes stay
//! the small values they are. A row turns back into its domain row only
//! when it is drawn or exported (`unpack`).
//!
//! One piece serves every view: the interner, the search and the filter
//! (`Packed`) are the same for waiting cases, moments and the board.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::NaiveDate;
use compact_str::CompactString;

use crate::domain::codes::{CareType, Referrer, Route, Stage, Urgency};
use crate::domain::evaluation::{EvaluationRow, Moment};
use crate::domain::waitlist::{Queue, Signal, Summaries, WaitRow};

use super::row_filter::RowFilter;

/// Shares equal names (providers, coordinators, precondition codes)
/// across the rows of one load: one `Arc<str>` per distinct name.
#[derive(Debug, Default)]
pub struct Interner {
    strings: HashSet<Arc<str>>,
}

impl Interner {
    pub fn intern(&mut self, s: &str) -> Arc<str> {
        if let Some(shared) = self.strings.get(s) {
            return Arc::clone(shared);
        }
        let shared: Arc<str> = Arc::from(s);
        self.strings.insert(Arc::clone(&shared));
        shared
    }

    /// A name that may be missing.
    pub fn name(&mut self, s: Option<&str>) -> Option<Arc<str>> {
        s.map(|s| self.intern(s))
    }
}

/// What the search and the `f` filter look at on a kept row: the same
/// three fields on every view's rows.
pub trait Packed {
    fn case_ref(&self) -> &str;
    fn worker(&self) -> Option<&str>;
    fn provider(&self) -> Option<&str>;

    /// Which field matches `term` (a column heading key); None: no match.
    fn matched(&self, term: &str) -> Option<&'static str> {
        super::waitlist::matched(self.case_ref(), self.worker(), self.provider(), term)
    }

    /// Whether the row stays under `search` (None: no search) and `filter`.
    fn kept_by(&self, search: Option<&str>, filter: &RowFilter) -> bool {
        search.is_none_or(|t| self.matched(t).is_some())
            && filter.keeps(self.worker(), self.provider())
    }
}

/// `Packed` of the rows that keep the three fields under their own names.
macro_rules! packed_by_fields {
    ($($row:ty),+) => {$(
        impl Packed for $row {
            fn case_ref(&self) -> &str {
                &self.case_ref
            }
            fn worker(&self) -> Option<&str> {
                self.worker.as_deref()
            }
            fn provider(&self) -> Option<&str> {
                self.provider.as_deref()
            }
        }
    )+};
}

packed_by_fields!(
    PackedWait,
    PackedMoment,
    super::board_row::BoardRow,
    super::agenda_item::PackedItem
);

/// A case on a waiting list (`WaitRow`), kept compact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackedWait {
    pub case_id: i64,
    pub case_ref: CompactString,
    pub provider: Option<Arc<str>>,
    pub worker: Option<Arc<str>>,
    pub wait_days: i64,
    pub age: Option<i32>,
    pub waiting_since: NaiveDate,
    pub norm_days: u32,
    pub queue: Queue,
    pub stage: Stage,
    pub urgency: Urgency,
    pub referrer: Referrer,
    pub route: Option<Route>,
    pub care_type: Option<CareType>,
    pub signal: Signal,
    pub bridging_care: bool,
}

impl PackedWait {
    pub fn pack(row: WaitRow, names: &mut Interner) -> PackedWait {
        PackedWait {
            case_id: row.case_id,
            case_ref: CompactString::from(row.case_ref),
            provider: names.name(row.provider.as_deref()),
            worker: names.name(row.worker.as_deref()),
            wait_days: row.wait_days,
            age: row.age,
            waiting_since: row.waiting_since,
            norm_days: row.norm_days,
            queue: row.queue,
            stage: row.stage,
            urgency: row.urgency,
            referrer: row.referrer,
            route: row.route,
            care_type: row.care_type,
            signal: row.signal,
            bridging_care: row.bridging_care,
        }
    }

    /// The domain row, for drawing or exporting it.
    pub fn unpack(&self) -> WaitRow {
        WaitRow {
            case_id: self.case_id,
            case_ref: self.case_ref.to_string(),
            queue: self.queue,
            stage: self.stage,
            urgency: self.urgency,
            referrer: self.referrer,
            route: self.route,
            care_type: self.care_type,
            provider: self.provider.as_deref().map(str::to_owned),
            worker: self.worker.as_deref().map(str::to_owned),
            bridging_care: self.bridging_care,
            waiting_since: self.waiting_since,
            wait_days: self.wait_days,
            norm_days: self.norm_days,
            signal: self.signal,
            age: self.age,
        }
    }

    /// Counts the row in its queue's summary, as `Summaries::add` counts
    /// the domain row (without unpacking it).
    pub fn count_in(&self, summaries: &mut Summaries) {
        summaries.add_parts(
            self.queue,
            self.signal,
            self.bridging_care,
            self.age,
            self.urgency,
            self.wait_days,
        );
    }
}

/// An evaluation moment (`EvaluationRow`), kept compact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackedMoment {
    pub case_id: i64,
    pub case_ref: CompactString,
    pub provider: Option<Arc<str>>,
    pub worker: Option<Arc<str>>,
    pub days_overdue: i64,
    pub age: Option<i32>,
    pub due_on: NaiveDate,
    pub care_started_on: Option<NaiveDate>,
    pub planned_end_on: Option<NaiveDate>,
    pub moment: Moment,
    pub signal: Signal,
    pub care_type: Option<CareType>,
}

impl PackedMoment {
    pub fn pack(row: EvaluationRow, names: &mut Interner) -> PackedMoment {
        PackedMoment {
            case_id: row.case_id,
            case_ref: CompactString::from(row.case_ref),
            provider: names.name(row.provider.as_deref()),
            worker: names.name(row.worker.as_deref()),
            days_overdue: row.days_overdue,
            age: row.age,
            due_on: row.due_on,
            care_started_on: row.care_started_on,
            planned_end_on: row.planned_end_on,
            moment: row.moment,
            signal: row.signal,
            care_type: row.care_type,
        }
    }

    /// The domain row, for drawing or exporting it.
    pub fn unpack(&self) -> EvaluationRow {
        EvaluationRow {
            case_id: self.case_id,
            case_ref: self.case_ref.to_string(),
            moment: self.moment,
            due_on: self.due_on,
            days_overdue: self.days_overdue,
            signal: self.signal,
            care_started_on: self.care_started_on,
            planned_end_on: self.planned_end_on,
            care_type: self.care_type,
            provider: self.provider.as_deref().map(str::to_owned),
            worker: self.worker.as_deref().map(str::to_owned),
            age: self.age,
        }
    }
}

/// View 1's lists as a load keeps them: the waiting cases in the order of
/// SPEC 2, the evaluation moments in the order of SPEC 1.7.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PackedLists {
    pub rows: Vec<PackedWait>,
    pub moments: Vec<PackedMoment>,
}

impl PackedLists {
    /// The domain rows packed, in their order.
    pub fn pack(rows: Vec<WaitRow>, moments: Vec<EvaluationRow>) -> PackedLists {
        let mut names = Interner::default();
        let mut lists = PackedLists::default();
        lists.extend_rows(rows, &mut names);
        lists.extend_moments(moments, &mut names);
        lists
    }

    pub fn extend_rows(&mut self, rows: Vec<WaitRow>, names: &mut Interner) {
        self.rows
            .extend(rows.into_iter().map(|r| PackedWait::pack(r, names)));
    }

    pub fn extend_moments(&mut self, moments: Vec<EvaluationRow>, names: &mut Interner) {
        self.moments
            .extend(moments.into_iter().map(|m| PackedMoment::pack(m, names)));
    }

    /// Puts rows packed part by part in the lists' orders: the waiting
    /// cases as `waitlist::waiting_list` sorts them, the moments as
    /// `evaluation::evaluation_list` does (both keys are unique per row,
    /// so the parts' order does not matter).
    pub fn sort(&mut self) {
        self.rows.sort_by(|a, b| {
            (a.queue, !a.urgency.is_urgent(), -a.wait_days, &a.case_ref).cmp(&(
                b.queue,
                !b.urgency.is_urgent(),
                -b.wait_days,
                &b.case_ref,
            ))
        });
        self.moments.sort_by(|a, b| {
            (a.due_on, &a.case_ref, a.moment).cmp(&(b.due_on, &b.case_ref, b.moment))
        });
        self.rows.shrink_to_fit();
        self.moments.shrink_to_fit();
    }
}

#[cfg(test)]
mod tests {
    use super::super::waitlist::matched;
    use super::*;
    use proptest::prelude::*;

    fn date() -> impl Strategy<Value = NaiveDate> {
        (0i64..4000).prop_map(|d| {
            NaiveDate::from_ymd_opt(2020, 1, 1).expect("date") + chrono::Duration::days(d)
        })
    }

    fn name() -> impl Strategy<Value = Option<String>> {
        prop::option::of(prop_oneof![
            Just("Lotte Kramer".to_string()),
            Just("Zorg & Co".to_string()),
            "[a-zé ]{0,40}",
        ])
    }

    /// Case references of every length: inline up to 24 bytes, longer on
    /// the heap, and unicode.
    fn case_ref() -> impl Strategy<Value = String> {
        prop_oneof!["2026-[0-9]{6}", "[a-zA-Z0-9ë-]{0,60}"]
    }

    fn pick<T: Copy + std::fmt::Debug>(all: &'static [T]) -> impl Strategy<Value = T> {
        prop::sample::select(all)
    }

    prop_compose! {
        fn wait_row()(
            case_id in any::<i64>(),
            case_ref in case_ref(),
            queue in pick(Queue::ALL),
            stage in pick(Stage::ALL),
            urgency in pick(Urgency::ALL),
            referrer in pick(Referrer::ALL),
            route in prop::option::of(pick(Route::ALL)),
            care_type in prop::option::of(pick(CareType::ALL)),
            (provider, worker) in (name(), name()),
            bridging_care in any::<bool>(),
            waiting_since in date(),
            wait_days in any::<i64>(),
            norm_days in any::<u32>(),
            signal in pick(Signal::ALL),
            age in prop::option::of(any::<i32>()),
        ) -> WaitRow {
            WaitRow {
                case_id, case_ref, queue, stage, urgency, referrer, route, care_type,
                provider, worker, bridging_care, waiting_since, wait_days, norm_days,
                signal, age,
            }
        }
    }

    prop_compose! {
        fn moment_row()(
            case_id in any::<i64>(),
            case_ref in case_ref(),
            moment in pick(Moment::ALL),
            due_on in date(),
            days_overdue in any::<i64>(),
            signal in pick(Signal::ALL),
            care_started_on in prop::option::of(date()),
            planned_end_on in prop::option::of(date()),
            care_type in prop::option::of(pick(CareType::ALL)),
            (provider, worker) in (name(), name()),
            age in prop::option::of(any::<i32>()),
        ) -> EvaluationRow {
            EvaluationRow {
                case_id, case_ref, moment, due_on, days_overdue, signal, care_started_on,
                planned_end_on, care_type, provider, worker, age,
            }
        }
    }

    proptest! {
        /// A packed row unpacks to exactly the row it was.
        #[test]
        fn a_packed_row_unpacks_to_the_same_row(
            rows in prop::collection::vec(wait_row(), 0..20),
            moments in prop::collection::vec(moment_row(), 0..20),
        ) {
            let lists = PackedLists::pack(rows.clone(), moments.clone());
            let back: Vec<WaitRow> = lists.rows.iter().map(PackedWait::unpack).collect();
            prop_assert_eq!(back, rows);
            let back: Vec<EvaluationRow> =
                lists.moments.iter().map(PackedMoment::unpack).collect();
            prop_assert_eq!(back, moments);
        }

        /// Search, filter, order and the queues' counts on packed rows are
        /// those on the domain rows.
        #[test]
        fn packed_rows_search_filter_sort_and_count_as_the_domain_rows(
            rows in prop::collection::vec(wait_row(), 0..30),
            moments in prop::collection::vec(moment_row(), 0..30),
            term in prop_oneof![
                Just("kramer".to_string()),
                Just("2026-1".to_string()),
                Just("zorg".to_string()),
                "[a-z]{1,2}",
            ],
            worker in name(),
            provider in name(),
        ) {
            let filter = RowFilter { worker, provider };
            let term = term.as_str();
            let mut lists = PackedLists::pack(rows.clone(), moments.clone());
            for (p, r) in lists.rows.iter().zip(&rows) {
                let domain = matched(&r.case_ref, r.worker.as_deref(), r.provider.as_deref(), term);
                prop_assert_eq!(p.matched(term), domain);
                prop_assert_eq!(
                    p.kept_by(Some(term), &filter),
                    domain.is_some() && filter.keeps(r.worker.as_deref(), r.provider.as_deref())
                );
            }
            for (p, m) in lists.moments.iter().zip(&moments) {
                let domain = matched(&m.case_ref, m.worker.as_deref(), m.provider.as_deref(), term);
                prop_assert_eq!(p.matched(term), domain);
            }
            let mut counted = Summaries::default();
            let mut domain = Summaries::default();
            for (p, r) in lists.rows.iter().zip(&rows) {
                p.count_in(&mut counted);
                domain.add(r);
            }
            prop_assert_eq!(counted, domain);
            // Unique keys as in the lists (one case per reference).
            let mut rows = rows;
            rows.sort_by(|a, b| a.case_ref.cmp(&b.case_ref));
            rows.dedup_by(|a, b| a.case_ref == b.case_ref);
            let mut moments = moments;
            moments.sort_by(|a, b| a.case_ref.cmp(&b.case_ref));
            moments.dedup_by(|a, b| a.case_ref == b.case_ref);
            lists = PackedLists::pack(rows.clone(), moments.clone());
            lists.sort();
            rows.sort_by(|a, b| {
                (a.queue, !a.urgency.is_urgent(), -a.wait_days, &a.case_ref).cmp(&(
                    b.queue,
                    !b.urgency.is_urgent(),
                    -b.wait_days,
                    &b.case_ref,
                ))
            });
            moments.sort_by(|a, b| {
                (a.due_on, &a.case_ref, a.moment).cmp(&(b.due_on, &b.case_ref, b.moment))
            });
            let back: Vec<WaitRow> = lists.rows.iter().map(PackedWait::unpack).collect();
            prop_assert_eq!(back, rows);
            let back: Vec<EvaluationRow> =
                lists.moments.iter().map(PackedMoment::unpack).collect();
            prop_assert_eq!(back, moments);
        }
    }

    /// A row of the lists owns no heap memory of its own: the case
    /// reference is inline, the names shared.
    #[test]
    fn a_packed_row_holds_no_heap_of_its_own() {
        let row = WaitRow {
            case_id: 1,
            case_ref: "2026-253519".into(),
            queue: Queue::Care,
            stage: Stage::Waiting,
            urgency: Urgency::Regular,
            referrer: Referrer::ALL[0],
            route: None,
            care_type: None,
            provider: Some("Horizon".into()),
            worker: Some("Lotte Kramer".into()),
            bridging_care: false,
            waiting_since: NaiveDate::from_ymd_opt(2026, 1, 1).expect("date"),
            wait_days: 3,
            norm_days: 42,
            signal: Signal::Green,
            age: None,
        };
        let mut names = Interner::default();
        let a = PackedWait::pack(row.clone(), &mut names);
        let b = PackedWait::pack(row, &mut names);
        assert!(!a.case_ref.is_heap_allocated());
        assert!(Arc::ptr_eq(
            a.worker.as_ref().expect("worker"),
            b.worker.as_ref().expect("worker")
        ));
        assert!(std::mem::size_of::<PackedWait>() <= 104);
        assert!(std::mem::size_of::<PackedMoment>() <= 104);
    }
}
