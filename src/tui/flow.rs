//! The Flow view's state: which period it shows, what it draws, and the
//! figures for that period, computed exactly as `stroom report flow` does.

use chrono::{Datelike, NaiveDate};

use crate::domain::Msg;
use crate::domain::flow::FlowReport;
use crate::store::StageCounts;

use super::action::Action;
use super::app::App;

/// What the left part of the Flow view draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Display {
    /// Referrals, inflow and outflow per month as a chart.
    #[default]
    Chart,
    /// The same series as numbers.
    Months,
    /// Cases per stage at each month end (cumulative flow).
    Stages,
    /// Lead times per step (SPEC 4 `lead_times`).
    LeadTimes,
    /// Referral streams and their routes (`by_referrer`, `re_referrals`).
    Referrers,
    /// Young people turning 18 and their follow-up (`turning_18`).
    Turning18,
}

impl Display {
    fn next(self) -> Display {
        match self {
            Display::Chart => Display::Months,
            Display::Months => Display::Stages,
            Display::Stages => Display::LeadTimes,
            Display::LeadTimes => Display::Referrers,
            Display::Referrers => Display::Turning18,
            Display::Turning18 => Display::Chart,
        }
    }
}

/// The longest period the keys widen to, in months.
pub const MAX_MONTHS: u32 = 60;
/// The default period: the last twelve full months.
pub const DEFAULT_MONTHS: u32 = 12;
/// How far back the period can be moved, in months.
const MAX_BACK: i32 = 600;

#[derive(Debug)]
pub struct FlowState {
    /// Months the end of the period lies after the default end (negative:
    /// earlier). Kept relative so that a new shown date moves the period
    /// along with it.
    pub shift: i32,
    pub months: u32,
    pub display: Display,
    pub report: Option<FlowReport>,
    /// Per month end of the period; loaded only for the stages display.
    pub stages: Vec<StageCounts>,
}

impl Default for FlowState {
    fn default() -> FlowState {
        FlowState {
            shift: 0,
            months: DEFAULT_MONTHS,
            display: Display::default(),
            report: None,
            stages: Vec::new(),
        }
    }
}

/// A month as a count of months since year 0, for arithmetic.
fn month_index(d: NaiveDate) -> i32 {
    d.year() * 12 + d.month0() as i32
}

fn first_of(index: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(index.div_euclid(12), index.rem_euclid(12) as u32 + 1, 1)
        .expect("the first of a month exists")
}

fn last_of(index: i32) -> NaiveDate {
    first_of(index + 1)
        .pred_opt()
        .expect("a day before the first")
}

fn is_month_end(d: NaiveDate) -> bool {
    last_of(month_index(d)) == d
}

/// The month the default period ends in: the last full month up to `as_of`
/// (its own month when `as_of` is that month's last day).
fn default_end(as_of: NaiveDate) -> i32 {
    month_index(as_of) - i32::from(!is_month_end(as_of))
}

/// How far the period may move later: up to the month of `as_of` itself,
/// which then ends at `as_of` (never in the future).
fn max_shift(as_of: NaiveDate) -> i32 {
    month_index(as_of) - default_end(as_of)
}

/// The inclusive dates of the period of `months` months whose end lies
/// `shift` months after the default end.
pub fn period(as_of: NaiveDate, shift: i32, months: u32) -> (NaiveDate, NaiveDate) {
    let end = default_end(as_of) + shift.min(max_shift(as_of));
    let to = last_of(end).min(as_of);
    let from = first_of(end - (months.max(1) as i32 - 1));
    (from, to)
}

/// The end of each month of [from, to], the last one cut off at `to`.
pub fn month_ends(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    (month_index(from)..=month_index(to))
        .map(|m| last_of(m).min(to))
        .collect()
}

impl App {
    /// The period the Flow view shows.
    pub fn flow_period(&self) -> (NaiveDate, NaiveDate) {
        period(self.shown_date(), self.flow.shift, self.flow.months)
    }

    /// Computes the figures of the shown period the way `stroom report flow
    /// --from --to` does, and the stage counts when they are drawn.
    pub(super) fn load_flow(&mut self) -> Result<(), Msg> {
        let (from, to) = self.flow_period();
        // The period is checked here, so that a wrong one is said at once.
        crate::domain::flow::check_period(from, to)?;
        let ends = (self.flow.display == Display::Stages).then(|| month_ends(from, to));
        self.log
            .line(format_args!("asked for flow figures {from} to {to}"));
        let load = super::worker::loads::flow_job(from, to, to.min(self.today), ends);
        self.request(super::worker::loads::LoadKey::Flow, load)
    }

    /// The period and display keys of the Flow view.
    pub(super) fn step_flow(&mut self, action: Action) -> Result<(), Msg> {
        let latest = max_shift(self.shown_date());
        let f = &mut self.flow;
        match action {
            Action::PeriodEarlier => f.shift = (f.shift - 1).max(-MAX_BACK),
            Action::PeriodLater => f.shift = (f.shift + 1).min(latest),
            Action::PeriodLonger => f.months = (f.months + 1).min(MAX_MONTHS),
            Action::PeriodShorter => f.months = f.months.saturating_sub(1).max(1),
            Action::NextDisplay => f.display = f.display.next(),
            _ => return Ok(()),
        }
        self.load_flow()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::parse_date;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn the_default_period_is_the_last_twelve_full_months() {
        assert_eq!(
            period(d("2026-11-22"), 0, 12),
            (d("2025-11-01"), d("2026-10-31"))
        );
        // On a month's last day that month is full.
        assert_eq!(
            period(d("2026-10-31"), 0, 12),
            (d("2025-11-01"), d("2026-10-31"))
        );
        assert_eq!(
            period(d("2026-03-10"), -2, 3),
            (d("2025-10-01"), d("2025-12-31"))
        );
    }

    #[test]
    fn the_period_never_runs_past_the_shown_date() {
        assert_eq!(
            period(d("2026-11-22"), 1, 2),
            (d("2026-10-01"), d("2026-11-22"))
        );
        assert_eq!(period(d("2026-11-22"), 5, 1), period(d("2026-11-22"), 1, 1));
        assert_eq!(period(d("2026-10-31"), 1, 1).1, d("2026-10-31"));
    }

    #[test]
    fn month_ends_cut_the_last_month_at_the_end_of_the_period() {
        assert_eq!(
            month_ends(d("2026-01-01"), d("2026-03-15")),
            [d("2026-01-31"), d("2026-02-28"), d("2026-03-15")]
        );
    }
}
