//! Destination (vervolg) at closing, SPEC 1.6: where the young person went
//! next. The figures (`by_destination`, `turning_18`) ask for a close's
//! destination only through [`destination_of`].

use super::case::Move;
pub use super::codes::Destination;

/// The destination of a close move: the one it names (`--destination`), or
/// the one its outflow reason implies.
pub fn destination_of(close: &Move) -> Destination {
    close
        .destination
        .or(close.reason.map(Destination::default_for))
        .unwrap_or(Destination::Unknown)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{OutflowReason, Stage};

    fn close(reason: OutflowReason) -> Move {
        Move {
            reason: Some(reason),
            ..Move::to(Stage::Closed)
        }
    }

    #[test]
    fn named_or_from_the_reason() {
        assert_eq!(
            destination_of(&close(OutflowReason::ToWmo)),
            Destination::Wmo
        );
        assert_eq!(
            destination_of(&close(OutflowReason::GoalsMet)),
            Destination::Unknown
        );
        let named = Move {
            destination: Some(Destination::YouthCareElsewhere),
            ..close(OutflowReason::Moved)
        };
        assert_eq!(destination_of(&named), Destination::YouthCareElsewhere);
        assert_eq!(
            destination_of(&Move::to(Stage::Closed)),
            Destination::Unknown
        );
    }
}
