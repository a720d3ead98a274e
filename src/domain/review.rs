//! Stoplight reviews (SPEC 3.1): dated records of the preconditions for
//! outflow. Reviews are history: each is kept, and a precondition a review
//! does not mention keeps its status from the review before.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::case::Case;
use super::codes::Status;
use super::dates::plus_one_month;
use super::lifecycle::check_not_future;
use super::msg::Msg;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Review {
    pub id: i64,
    pub case_id: i64,
    pub on: NaiveDate,
    pub next_on: NaiveDate,
    pub note: Option<String>,
    /// Only the preconditions this review mentions.
    pub statuses: BTreeMap<String, Status>,
}

impl Review {
    /// Folds a later review of the same case into this one, so that it
    /// stands for both: the later review's id, dates and note, and every
    /// status with the later ones winning. Folding a case's reviews in date
    /// order gives what [`standing_at`] would find from them, in one review.
    pub fn fold(&mut self, later: Review) {
        self.id = later.id;
        self.on = later.on;
        self.next_on = later.next_on;
        self.note = later.note;
        self.statuses.extend(later.statuses);
    }
}

/// What a review records, before it is stored.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReviewInput {
    pub statuses: BTreeMap<String, Status>,
    pub next_on: Option<NaiveDate>,
    pub note: Option<String>,
}

/// Checks a review for a case and fills in the default next review date.
/// `state_on` is the case as it stood at the end of the review date.
pub fn plan_review(
    case_ref: &str,
    state_on: Option<&Case>,
    on: NaiveDate,
    today: NaiveDate,
    input: &ReviewInput,
    preconditions: &[String],
) -> Result<ReviewInput, Msg> {
    check_not_future(on, today)?;
    if !state_on.is_some_and(Case::on_board) {
        return Err(Msg::new("error.review_not_in_care")
            .arg("case", case_ref)
            .arg("date", on));
    }
    if let Some(code) = input.statuses.keys().find(|c| !preconditions.contains(c)) {
        return Err(Msg::new("error.unknown_precondition")
            .arg("code", code)
            .arg("allowed", preconditions.join(", ")));
    }
    let next_on = input.next_on.unwrap_or_else(|| plus_one_month(on));
    if next_on <= on {
        return Err(Msg::new("error.next_review_not_after")
            .arg("next", next_on)
            .arg("date", on));
    }
    Ok(ReviewInput {
        next_on: Some(next_on),
        ..input.clone()
    })
}

/// The latest review on or before `as_of`, and every precondition's status
/// with unmentioned ones carried over from earlier reviews. `reviews` must be
/// in date order (then recording order).
pub fn standing_at(
    reviews: &[Review],
    as_of: NaiveDate,
) -> (Option<&Review>, BTreeMap<String, Status>) {
    let mut statuses = BTreeMap::new();
    let mut latest = None;
    for r in reviews.iter().take_while(|r| r.on <= as_of) {
        for (code, status) in &r.statuses {
            statuses.insert(code.clone(), *status);
        }
        latest = Some(r);
    }
    (latest, statuses)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        crate::domain::dates::parse_date(s).unwrap()
    }

    fn review(id: i64, on: &str, pairs: &[(&str, Status)]) -> Review {
        Review {
            id,
            case_id: 1,
            on: d(on),
            next_on: plus_one_month(d(on)),
            note: None,
            statuses: pairs.iter().map(|(c, s)| (c.to_string(), *s)).collect(),
        }
    }

    #[test]
    fn unmentioned_statuses_carry_over() {
        let reviews = vec![
            review(
                1,
                "2026-01-10",
                &[("housing", Status::Missing), ("income", Status::Ok)],
            ),
            review(2, "2026-02-10", &[("housing", Status::Partial)]),
            review(3, "2026-03-10", &[("income", Status::Missing)]),
        ];
        let (latest, s) = standing_at(&reviews, d("2026-02-28"));
        assert_eq!(latest.unwrap().id, 2);
        assert_eq!(s["housing"], Status::Partial);
        assert_eq!(s["income"], Status::Ok);
        let (latest, _) = standing_at(&reviews, d("2026-01-09"));
        assert!(latest.is_none());
        let (_, s) = standing_at(&reviews, d("2026-03-10"));
        assert_eq!(s["income"], Status::Missing);
        assert_eq!(s["housing"], Status::Partial);
    }

    #[test]
    fn folding_reviews_gives_where_they_stand() {
        let mut reviews = vec![
            review(
                1,
                "2026-01-10",
                &[("housing", Status::Missing), ("income", Status::Ok)],
            ),
            review(2, "2026-02-10", &[("housing", Status::Partial)]),
        ];
        reviews[1].note = Some("woning gevonden".into());
        let mut folded = reviews[0].clone();
        folded.fold(reviews[1].clone());
        let (latest, statuses) = standing_at(&reviews, d("2026-03-01"));
        assert_eq!(folded.id, 2);
        assert_eq!(
            (folded.on, folded.next_on),
            (d("2026-02-10"), d("2026-03-10"))
        );
        assert_eq!(folded.note.as_deref(), Some("woning gevonden"));
        assert_eq!(folded.statuses, statuses);
        assert_eq!(standing_at(&[folded.clone()], d("2026-03-01")).1, statuses);
        assert_eq!(latest.unwrap().id, folded.id);
    }
}
