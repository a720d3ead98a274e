//! Dates as teams write them: ISO `YYYY-MM-DD` or Dutch `DD-MM-YYYY`.

use chrono::{Datelike, Months, NaiveDate};

use super::msg::Msg;

/// The ISO text of a date of the years 0–9999 (what `%F` writes for them),
/// without the formatting machinery: exports and the store write millions.
pub fn iso_text(d: NaiveDate) -> Option<String> {
    let year = u32::try_from(d.year()).ok().filter(|y| *y <= 9999)?;
    let mut b = *b"0000-00-00";
    for (at, value, width) in [(0, year, 4), (5, d.month(), 2), (8, d.day(), 2)] {
        let mut v = value;
        for i in (at..at + width).rev() {
            b[i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    }
    String::from_utf8(b.to_vec()).ok()
}

/// The ISO text of any date: `iso_text`, else chrono's.
pub fn iso(d: NaiveDate) -> String {
    iso_text(d).unwrap_or_else(|| d.to_string())
}

/// Parses `YYYY-MM-DD` or `DD-MM-YYYY`.
pub fn parse_date(s: &str) -> Result<NaiveDate, Msg> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .filter(|_| s.len() == 10 && s.as_bytes()[4] == b'-')
        .or_else(|| {
            NaiveDate::parse_from_str(s, "%d-%m-%Y")
                .ok()
                .filter(|_| s.len() == 10 && s.as_bytes()[2] == b'-')
        })
        .ok_or_else(|| Msg::new("error.bad_date").arg("value", s))
        .and_then(|d| {
            if (FIRST_YEAR..=LAST_YEAR).contains(&d.year()) {
                Ok(d)
            } else {
                // A real date, but not one a case can have: say which is wrong.
                Err(Msg::new("error.date_out_of_range")
                    .arg("value", s)
                    .arg("first", FIRST_YEAR)
                    .arg("last", LAST_YEAR))
            }
        })
}

/// The years a date in stroom may fall in.
const FIRST_YEAR: i32 = 1900;
const LAST_YEAR: i32 = 2200;

/// The same day one calendar month later, clamped to the month's last day
/// (31 January → 28 or 29 February), as SPEC 3.1 sets the next review.
pub fn plus_one_month(d: NaiveDate) -> NaiveDate {
    d.checked_add_months(Months::new(1)).unwrap_or(d)
}

/// Whole years between `birth` and `on` (age on a date). Someone born on
/// 29 February turns a year older on 1 March in non-leap years.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> i32 {
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

/// The date someone turns `years` old; 29 February birthdays fall on 1 March
/// in non-leap years, matching `age_on`.
pub fn birthday(birth: NaiveDate, years: i32) -> NaiveDate {
    let year = birth.year() + years;
    NaiveDate::from_ymd_opt(year, birth.month(), birth.day())
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(year, 3, 1).expect("1 March exists"))
}

/// Calendar days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    (to - from).num_days()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The quick ISO text is chrono's, for every year it writes.
    #[test]
    fn iso_text_is_what_chrono_writes() {
        for (y, m, day) in [
            (0, 1, 1),
            (5, 3, 9),
            (999, 12, 31),
            (2026, 12, 2),
            (9999, 12, 31),
        ] {
            let date = NaiveDate::from_ymd_opt(y, m, day).unwrap();
            assert_eq!(iso_text(date).as_deref(), Some(date.to_string().as_str()));
        }
        for y in [-1, 10000] {
            assert_eq!(iso_text(NaiveDate::from_ymd_opt(y, 1, 1).unwrap()), None);
        }
    }

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn both_date_formats() {
        assert_eq!(
            d("2026-03-01"),
            NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
        );
        assert_eq!(
            d("01-03-2026"),
            NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
        );
        assert!(parse_date("2026-13-01").is_err());
        assert!(parse_date("1-3-2026").is_err());
        assert!(parse_date("2026/03/01").is_err());
        assert!(parse_date("").is_err());
        assert!(parse_date("0001-01-01").is_err());
    }

    #[test]
    fn one_month_later_clamps_to_month_end() {
        assert_eq!(plus_one_month(d("2026-01-31")), d("2026-02-28"));
        assert_eq!(plus_one_month(d("2028-01-31")), d("2028-02-29"));
        assert_eq!(plus_one_month(d("2026-03-31")), d("2026-04-30"));
        assert_eq!(plus_one_month(d("2026-12-15")), d("2027-01-15"));
    }

    #[test]
    fn age_and_leap_day_birthdays() {
        let b = d("2008-02-29");
        assert_eq!(age_on(b, d("2026-02-28")), 17);
        assert_eq!(age_on(b, d("2026-03-01")), 18);
        assert_eq!(birthday(b, 18), d("2026-03-01"));
        assert_eq!(birthday(b, 20), d("2028-02-29"));
        assert_eq!(age_on(d("2008-05-10"), d("2026-05-09")), 17);
        assert_eq!(age_on(d("2008-05-10"), d("2026-05-10")), 18);
    }
}
