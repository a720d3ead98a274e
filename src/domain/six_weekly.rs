//! The six-weekly rhythm of SPEC 3.3: the team discusses the stoplight
//! board with the municipality every six weeks, and each board is compared
//! with the one before. The stoplight report, the council report and the
//! board's screen all take these rules from here.

use chrono::{Days, NaiveDate};

use super::stoplight::ColorTally;

/// The team discusses the board with the municipality every six weeks
/// (SPEC 3.3): the stoplight report compares with the board this many days
/// before its date.
pub const PREVIOUS_DAYS: u64 = 42;

/// The previous six-weekly date before `as_of`.
pub fn previous_date(as_of: NaiveDate) -> NaiveDate {
    as_of - Days::new(PREVIOUS_DAYS)
}

/// The change in share red, in percentage points, from the shown (rounded)
/// figures so a reader can check it; None when the group had no cases then.
pub fn red_change<K>(now: &ColorTally<K>, then: Option<&ColorTally<K>>) -> Option<f64> {
    let then = then.filter(|t| t.total > 0)?;
    let tenths = |x: f64| (x * 10.0).round();
    Some((tenths(now.share_red_pct) - tenths(then.share_red_pct)) / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(total: usize, share_red_pct: f64) -> ColorTally<String> {
        ColorTally {
            key: None,
            total,
            green: 0,
            orange: 0,
            red: 0,
            share_red_pct,
        }
    }

    #[test]
    fn the_previous_board_is_six_weeks_earlier() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        assert_eq!(previous_date(d("2026-03-13")), d("2026-01-30"));
    }

    #[test]
    fn the_change_in_red_is_taken_from_the_shown_tenths() {
        assert_eq!(
            red_change(&tally(10, 33.36), Some(&tally(8, 25.04))),
            Some(8.4)
        );
        assert_eq!(red_change(&tally(10, 33.3), Some(&tally(0, 0.0))), None);
        assert_eq!(red_change(&tally(10, 33.3), None), None);
    }
}
