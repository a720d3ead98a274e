//! Destination (vervolg) at closing, SPEC 1.6: where the young person went
//! next. The figures (`by_destination`, `turning_18`) ask for a close's
//! destination only through [`destination_of`], so the explicit
//! `--destination` of the close move is wired in at that one place.

use super::case::Move;
use super::codes::{OutflowReason, code_enum};

code_enum!(
    /// Where a young person went after the close (SPEC 1.6).
    Destination, "destination" {
        None => "none",
        Community => "community",
        Team => "team",
        Wmo => "wmo",
        Wlz => "wlz",
        AdultMentalHealth => "adult_mental_health",
        YouthCareElsewhere => "youth_care_elsewhere",
        Unknown => "unknown",
    }
);

impl Destination {
    /// "With follow-up": a destination other than `none` and `unknown`.
    pub fn is_follow_up(self) -> bool {
        !matches!(self, Destination::None | Destination::Unknown)
    }

    /// The default destination of an outflow reason (SPEC 1.6).
    pub fn from_reason(reason: Option<OutflowReason>) -> Destination {
        match reason {
            Some(OutflowReason::ToCommunity) => Destination::Community,
            Some(OutflowReason::ToWmo) => Destination::Wmo,
            Some(OutflowReason::ToWlz) => Destination::Wlz,
            Some(OutflowReason::ToAdultMentalHealth) => Destination::AdultMentalHealth,
            Some(OutflowReason::Withdrawn) => Destination::None,
            _ => Destination::Unknown,
        }
    }
}

/// The destination of a close move. The close carries only its outflow
/// reason so far, so the destination is the reason's default; once the
/// close move names `--destination` (SPEC 1.6), it takes precedence here.
pub fn destination_of(close: &Move) -> Destination {
    Destination::from_reason(close.reason)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Stage;

    fn close(reason: OutflowReason) -> Move {
        Move {
            reason: Some(reason),
            ..Move::to(Stage::Closed)
        }
    }

    #[test]
    fn defaults_follow_the_reason() {
        use OutflowReason::*;
        let cases = [
            (ToCommunity, Destination::Community),
            (ToWmo, Destination::Wmo),
            (ToWlz, Destination::Wlz),
            (ToAdultMentalHealth, Destination::AdultMentalHealth),
            (Withdrawn, Destination::None),
            (GoalsMet, Destination::Unknown),
            (Moved, Destination::Unknown),
        ];
        for (reason, want) in cases {
            assert_eq!(destination_of(&close(reason)), want, "{reason}");
        }
        assert_eq!(
            destination_of(&Move::to(Stage::Closed)),
            Destination::Unknown
        );
        assert!(Destination::Wmo.is_follow_up());
        assert!(!Destination::None.is_follow_up() && !Destination::Unknown.is_follow_up());
    }
}
