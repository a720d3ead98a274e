//! Reported figures rounded exactly: a municipality compares them with its
//! own sums, so ratios are rounded from integers, not from floating point.

/// `num / den` rounded to one decimal, halves away from zero; None when
/// `den` is zero. `tenths(-2, 3)` is −0.7, `tenths(1, 16)` is 0.1.
pub fn tenths(num: i64, den: i64) -> Option<f64> {
    if den == 0 {
        return None;
    }
    let (num, den) = if den < 0 { (-num, -den) } else { (num, den) };
    let scaled = i128::from(num) * 10;
    let den = i128::from(den);
    let rounded = (2 * scaled.abs() + den) / (2 * den);
    let signed = if scaled < 0 { -rounded } else { rounded };
    Some(signed as f64 / 10.0)
}

/// `part` as a percentage of `whole`, one decimal.
pub fn percent(part: i64, whole: i64) -> Option<f64> {
    tenths(part * 100, whole)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(tenths(1, 16), Some(0.1)); // 0.0625
        assert_eq!(tenths(5, 100), Some(0.1)); // 0.05
        assert_eq!(tenths(-5, 100), Some(-0.1));
        assert_eq!(tenths(4, 100), Some(0.0));
        assert_eq!(tenths(-2, 3), Some(-0.7));
        assert_eq!(tenths(7, 0), None);
        assert_eq!(percent(-1, 16), Some(-6.3)); // −6.25
        assert_eq!(percent(-1, 8), Some(-12.5));
        assert_eq!(percent(2, 3), Some(66.7));
        assert_eq!(percent(0, 5), Some(0.0));
    }

    proptest! {
        #[test]
        fn within_half_a_tenth_of_the_exact_ratio(num in -1_000_000i64..1_000_000, den in 1i64..10_000) {
            let got = tenths(num, den).unwrap();
            let exact = num as f64 / den as f64;
            prop_assert!((got - exact).abs() <= 0.05 + 1e-9, "{got} vs {exact}");
        }
    }
}
