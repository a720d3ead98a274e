//! The board's rows as the desk keeps them (see `compact`). A full
//! `StoplightRow` owns every precondition code, provider and coordinator
//! name as its own `String` (≈1.4 KB a row; 188,782 rows at 1M cases held
//! 261 MB). Here the strings are shared per load (one `Arc<str>` per
//! distinct name or code, one code list for every row), the case reference
//! is inline, the statuses are two bits each, and a row turns back into a
//! `StoplightRow` only when it is drawn (a screen's worth at a time). Only a
//! row with reasons holds a block of its own (its reasons, without strings).

use std::sync::Arc;

use chrono::NaiveDate;
use compact_str::CompactString;

use crate::domain::codes::{CareType, Stage, Status};
use crate::domain::stoplight::{Criteria, OnBoard, Reason, StoplightRow};
use crate::domain::waitlist::Signal;

use super::compact;

/// A load's precondition codes, shared by its rows (a thin pointer: one
/// word a row).
type CodeList = Arc<Box<[Arc<str>]>>;

/// Packs the rows of one load: its names shared, its code list shared.
#[derive(Debug, Default)]
pub struct Interner {
    names: compact::Interner,
    /// The code list of the last row: every row of a load has the same.
    codes: Option<CodeList>,
}

impl Interner {
    pub fn intern(&mut self, s: &str) -> Arc<str> {
        self.names.intern(s)
    }

    fn codes(&mut self, criteria: &Criteria) -> CodeList {
        let same = self.codes.as_ref().is_some_and(|c| {
            c.len() == criteria.0.len() && c.iter().zip(&criteria.0).all(|(a, (b, _))| **a == **b)
        });
        if !same {
            let list: Vec<Arc<str>> = criteria.0.iter().map(|(c, _)| self.intern(c)).collect();
            self.codes = Some(Arc::new(list.into_boxed_slice()));
        }
        self.codes.clone().unwrap_or_default()
    }

    /// A reason's codes as bits over the row's code list (`list`), the
    /// codes as they are when one is not on it (or out of its order).
    fn list(&mut self, codes: &[String], list: &[Arc<str>]) -> Codes {
        let mut mask = 0u64;
        let mut from = 0;
        for code in codes {
            match list[from..].iter().position(|c| **c == **code) {
                Some(at) if from + at < 64 => {
                    mask |= 1 << (from + at);
                    from += at + 1;
                }
                _ => return Codes::List(codes.iter().map(|c| self.intern(c)).collect()),
            }
        }
        Codes::Mask(mask)
    }

    /// The compact form of `row`; `unpack` gives it back unchanged.
    pub fn pack(&mut self, row: StoplightRow) -> BoardRow {
        let codes = self.codes(&row.criteria);
        let reasons = row
            .reasons
            .into_iter()
            .map(|r| self.reason(r, &codes))
            .collect();
        BoardRow {
            case_id: row.case_id,
            stage: row.stage,
            case_ref: CompactString::from(row.case_ref),
            color: row.color,
            reasons,
            codes,
            statuses: Statuses::pack(row.criteria.0.iter().map(|(_, s)| *s)),
            last_review_on: row.last_review_on,
            next_review_on: row.next_review_on,
            planned_end_on: row.planned_end_on,
            care_started_on: row.care_started_on,
            provider: row.provider.as_deref().map(|p| self.intern(p)),
            care_type: row.care_type,
            worker: row.worker.as_deref().map(|w| self.intern(w)),
            age: row.age,
        }
    }

    fn reason(&mut self, reason: Reason, list: &[Arc<str>]) -> BoardReason {
        match reason {
            Reason::Missing { codes } => BoardReason::Missing(self.list(&codes, list)),
            Reason::Partial { codes } => BoardReason::Partial(self.list(&codes, list)),
            Reason::MissingNearEnd {
                codes,
                planned_end_on,
                days_to_end,
            } => BoardReason::MissingNearEnd {
                codes: self.list(&codes, list),
                planned_end_on,
                days_to_end,
            },
            other => BoardReason::Other(other),
        }
    }
}

/// The codes of a reason: nearly always some of the row's own code list.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Codes {
    /// Bit `i`: the `i`th code of the row's list.
    Mask(u64),
    List(Box<[Arc<str>]>),
}

impl Codes {
    fn unpack(&self, list: &[Arc<str>]) -> Vec<String> {
        match self {
            Codes::Mask(mask) => list
                .iter()
                .enumerate()
                .filter(|(i, _)| *i < 64 && mask & (1 << i) != 0)
                .map(|(_, c)| c.to_string())
                .collect(),
            Codes::List(codes) => codes.iter().map(|c| c.to_string()).collect(),
        }
    }
}

/// A reason with its codes as bits; the others as they are (no strings).
#[derive(Debug, Clone, PartialEq, Eq)]
enum BoardReason {
    Missing(Codes),
    Partial(Codes),
    MissingNearEnd {
        codes: Codes,
        planned_end_on: NaiveDate,
        days_to_end: i64,
    },
    Other(Reason),
}

impl BoardReason {
    fn unpack(&self, list: &[Arc<str>]) -> Reason {
        let owned = |codes: &Codes| codes.unpack(list);
        match self {
            BoardReason::Missing(codes) => Reason::Missing {
                codes: owned(codes),
            },
            BoardReason::Partial(codes) => Reason::Partial {
                codes: owned(codes),
            },
            BoardReason::MissingNearEnd {
                codes,
                planned_end_on,
                days_to_end,
            } => Reason::MissingNearEnd {
                codes: owned(codes),
                planned_end_on: *planned_end_on,
                days_to_end: *days_to_end,
            },
            BoardReason::Other(r) => r.clone(),
        }
    }
}

/// The status of each precondition code of a row, in the order of its
/// code list: two bits each in one word (a configuration of up to 32
/// codes), else a list of their own. Two words a row.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Statuses {
    Bits(u64),
    // A thin pointer keeps the enum at two words; the list is rare.
    #[allow(clippy::box_collection)]
    List(Box<Vec<Status>>),
}

impl Statuses {
    const BITS: usize = 2;

    fn pack(statuses: impl ExactSizeIterator<Item = Status>) -> Statuses {
        if statuses.len() * Self::BITS > 64 {
            return Statuses::List(Box::new(statuses.collect()));
        }
        let bits = statuses
            .enumerate()
            .fold(0u64, |acc, (i, s)| acc | (s as u64) << (i * Self::BITS));
        Statuses::Bits(bits)
    }

    /// The `len` statuses (the length of the row's code list).
    fn unpack(&self, len: usize) -> Vec<Status> {
        match self {
            Statuses::Bits(bits) => (0..len)
                .map(|i| Status::ALL[((bits >> (i * Self::BITS)) & 0b11) as usize])
                .collect(),
            Statuses::List(list) => list.to_vec(),
        }
    }
}

/// One case on the desk's board (see the module comment).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardRow {
    pub case_id: i64,
    pub stage: Stage,
    pub case_ref: CompactString,
    pub color: Signal,
    reasons: Box<[BoardReason]>,
    /// The configured precondition codes, shared by every row of a load.
    codes: CodeList,
    /// The status of each of `codes`.
    statuses: Statuses,
    last_review_on: Option<NaiveDate>,
    next_review_on: Option<NaiveDate>,
    planned_end_on: Option<NaiveDate>,
    care_started_on: Option<NaiveDate>,
    pub provider: Option<Arc<str>>,
    pub care_type: Option<CareType>,
    pub worker: Option<Arc<str>>,
    age: Option<i32>,
}

impl BoardRow {
    /// The full row, for drawing it.
    pub fn unpack(&self) -> StoplightRow {
        StoplightRow {
            case_id: self.case_id,
            stage: self.stage,
            case_ref: self.case_ref.to_string(),
            color: self.color,
            reasons: self.reasons.iter().map(|r| r.unpack(&self.codes)).collect(),
            criteria: Criteria(
                self.codes
                    .iter()
                    .zip(self.statuses.unpack(self.codes.len()))
                    .map(|(c, s)| (c.to_string(), s))
                    .collect(),
            ),
            last_review_on: self.last_review_on,
            next_review_on: self.next_review_on,
            planned_end_on: self.planned_end_on,
            care_started_on: self.care_started_on,
            provider: self.provider.as_deref().map(str::to_owned),
            care_type: self.care_type,
            worker: self.worker.as_deref().map(str::to_owned),
            age: self.age,
        }
    }
}

impl OnBoard for BoardRow {
    fn board_key(&self) -> (Signal, usize, &str) {
        (self.color, self.reasons.len(), &self.case_ref)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::stoplight::{FollowUpWait, Lateness};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn row(case_ref: &str, codes: &[&str], provider: Option<&str>) -> StoplightRow {
        let owned = |c: &[&str]| c.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        StoplightRow {
            case_id: 7,
            stage: Stage::InCare,
            case_ref: case_ref.into(),
            color: Signal::Red,
            reasons: vec![
                Reason::EndPassed {
                    planned_end_on: d("2026-01-31"),
                    days_past: 3,
                },
                Reason::MissingNearEnd {
                    codes: owned(&codes[..1]),
                    planned_end_on: d("2026-01-31"),
                    days_to_end: -3,
                },
                Reason::ReviewMissed(Lateness::NeverReviewed {
                    care_started_on: d("2025-06-01"),
                    days_in_care: 250,
                }),
                Reason::Missing {
                    codes: owned(&codes[..1]),
                },
                // A code the configuration does not list stays as it was.
                Reason::Partial {
                    codes: owned(&["own_code"]),
                },
                Reason::FollowUpWaiting(FollowUpWait {
                    waiting_since: d("2026-01-02"),
                    wait_days: 30,
                    norm_days: 42,
                }),
            ],
            criteria: Criteria(
                codes
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let s = [Status::Missing, Status::Ok, Status::Partial][i % 3];
                        (c.to_string(), s)
                    })
                    .collect(),
            ),
            last_review_on: None,
            next_review_on: Some(d("2026-02-03")),
            planned_end_on: Some(d("2026-01-31")),
            care_started_on: Some(d("2025-06-01")),
            provider: provider.map(str::to_string),
            care_type: Some(CareType::ALL[0]),
            worker: Some("Anna de Vries".into()),
            age: Some(17),
        }
    }

    #[test]
    fn a_packed_row_unpacks_to_the_same_row() {
        let mut interner = Interner::default();
        for r in [
            row("2026-1", &["housing", "network", "income"], Some("Zorg BV")),
            row("2026-2", &["housing"], None),
            row("2026-3", &["housing", "network", "income"], Some("Zorg BV")),
        ] {
            let packed = interner.pack(r.clone());
            assert_eq!(packed.unpack(), r);
            assert_eq!(packed.board_key(), r.board_key());
        }
    }

    /// Statuses are two bits each up to 32 codes; a longer configuration
    /// keeps its own list. Either way the row unpacks as it was, and its
    /// case reference (short) holds no heap block.
    #[test]
    fn statuses_pack_into_bits_up_to_32_codes() {
        let mut interner = Interner::default();
        for n in [1usize, 5, 32, 33, 40] {
            let names: Vec<String> = (0..n).map(|i| format!("code{i}")).collect();
            let codes: Vec<&str> = names.iter().map(String::as_str).collect();
            let r = row("2026-000123", &codes, None);
            let packed = interner.pack(r.clone());
            assert_eq!(packed.unpack(), r, "{n} codes");
            assert_eq!(
                matches!(packed.statuses, Statuses::Bits { .. }),
                n <= 32,
                "{n}"
            );
            assert!(!packed.case_ref.is_heap_allocated());
        }
    }

    #[test]
    fn codes_out_of_the_lists_order_unpack_as_they_were() {
        let mut interner = Interner::default();
        let mut r = row("2026-4", &["housing", "network", "income"], None);
        r.reasons = vec![
            Reason::Missing {
                codes: vec!["income".into(), "housing".into()],
            },
            Reason::Partial {
                codes: vec!["housing".into(), "income".into()],
            },
        ];
        let packed = interner.pack(r.clone());
        assert_eq!(packed.reasons[1], BoardReason::Partial(Codes::Mask(0b101)));
        assert_eq!(packed.unpack(), r);
    }

    #[test]
    fn names_and_code_lists_are_shared_across_rows() {
        let mut interner = Interner::default();
        let codes = ["housing", "network", "income"];
        let a = interner.pack(row("2026-1", &codes, Some("Zorg BV")));
        let b = interner.pack(row("2026-2", &codes, Some("Zorg BV")));
        assert!(Arc::ptr_eq(&a.codes, &b.codes));
        let (pa, pb) = (a.provider.expect("provider"), b.provider.expect("provider"));
        assert!(Arc::ptr_eq(&pa, &pb));
        assert!(Arc::ptr_eq(
            a.worker.as_ref().expect("worker"),
            b.worker.as_ref().expect("worker")
        ));
        // A reason's codes are bits over the list; one not on it is kept.
        assert_eq!(a.reasons[3], BoardReason::Missing(Codes::Mask(0b001)));
        let BoardReason::Partial(Codes::List(own)) = &a.reasons[4] else {
            panic!("own code expected: {:?}", a.reasons[4]);
        };
        assert_eq!(&*own[0], "own_code");
    }

    /// A row stays within its budget: 190,000 of them at a country's scale.
    #[test]
    fn a_row_is_small() {
        let size = std::mem::size_of::<BoardRow>();
        assert!(size <= 136, "{size} bytes");
    }
}
