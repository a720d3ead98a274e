//! Presentation shared by the terminal UI, the commands and the reports: the
//! translations ([`i18n`]) and these helpers: the stoplight's reasons in plain words, spans of time as people say them,
//! figures with the language's decimal mark, and a compact row of marks for
//! the preconditions. All text comes from the `[present]` translations.
//!
//! - [`reason_text`]: one fired rule as a short phrase ("woonplek ontbreekt,
//!   einde over 6 weken"); [`reasons_text`] joins a case's reasons.
//! - [`span`]: a number of days as "12 dagen", "3 weken", "4 maanden".
//! - [`mark_row`], [`marks_legend`], [`marks_order`]: one symbol per
//!   precondition (✓ ok, ~ partial, ✗ missing, – n/a) and its explanation.
//! - [`signal_symbol`], [`signal_text`]: a colour never stands alone.
//! - [`decimal`], [`signed`], [`percent`], [`points`]: figures for people.

pub mod i18n;
mod precondition;

pub use precondition::{Precondition, ShortLabel};

use chrono::NaiveDate;

use crate::domain::Status;
use crate::domain::dates::days_between;
use crate::domain::stoplight::{Criteria, Lateness, Reason};
use crate::domain::waitlist::Signal;
use crate::present::i18n::{Catalog, Lang};

/// Shown where a figure does not exist (no inflow, no outflow).
pub const NONE: &str = "–";

/// A span is said in days below this many days ("20 dagen", then "3 weken").
const WEEKS_FROM_DAYS: i64 = 21;
/// ... and in weeks below this many days (13 weeks, then "3 maanden").
const MONTHS_FROM_DAYS: i64 = 91;

/// A number of days as people say it, rounded to the nearest whole unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    Days(i64),
    Weeks(i64),
    Months(i64),
}

impl Span {
    /// Days under three weeks, weeks under three months, months beyond; the
    /// sign is dropped (the sentence says whether it lies ahead or behind).
    pub fn of(days: i64) -> Span {
        let days = days.abs();
        if days < WEEKS_FROM_DAYS {
            Span::Days(days)
        } else if days < MONTHS_FROM_DAYS {
            Span::Weeks((days + 3) / 7)
        } else {
            // An average month is 365.25 / 12 = 1461 / 48 days.
            Span::Months((days * 96 + 1461) / 2922)
        }
    }
}

/// "12 dagen", "1 day", "3 weken", "4 months".
pub fn span(cat: &Catalog, days: i64) -> String {
    let (key, n) = match Span::of(days) {
        Span::Days(1) => ("present.day", 1),
        Span::Days(n) => ("present.days", n),
        Span::Weeks(n) => ("present.weeks", n),
        Span::Months(n) => ("present.months", n),
    };
    cat.fill(key, &[("n", n.to_string())])
}

/// One fired stoplight rule in plain words, as of `as_of`, naming the
/// preconditions by their configured labels in the catalog's language.
pub fn reason_text(
    cat: &Catalog,
    reason: &Reason,
    as_of: NaiveDate,
    preconditions: &[Precondition],
) -> String {
    let what = |codes: &[String]| what(cat, codes, preconditions);
    let one_or_many = |codes: &[String], key: &str| {
        let form = if codes.len() == 1 { "one" } else { "many" };
        format!("present.{key}_{form}")
    };
    match reason {
        Reason::EndPassed { days_past, .. } => {
            cat.fill("present.end_passed", &[("span", span(cat, *days_past))])
        }
        Reason::MissingNearEnd {
            codes, days_to_end, ..
        } => cat.fill(
            &one_or_many(codes, "missing_near_end"),
            &[("what", what(codes)), ("end", end(cat, *days_to_end))],
        ),
        Reason::Turning18NoPlan { turns_18_on, plan } => {
            let days = days_between(as_of, *turns_18_on);
            let turn = match days {
                d if d > 0 => cat.fill("present.turns_18_in", &[("span", span(cat, d))]),
                0 => cat.t("present.turns_18_today").to_string(),
                _ => cat.t("present.adult").to_string(),
            };
            let key = if *plan == Status::Partial {
                "present.plan_partial"
            } else {
                "present.no_plan"
            };
            cat.fill(key, &[("turn", turn)])
        }
        Reason::ReviewMissed(late) | Reason::ReviewDue(late) => lateness(cat, late),
        Reason::Missing { codes } => {
            cat.fill(&one_or_many(codes, "missing"), &[("what", what(codes))])
        }
        Reason::Partial { codes } => cat.fill("present.partial", &[("what", what(codes))]),
        Reason::NoEndDate => cat.t("present.no_end_date").to_string(),
        Reason::PlanMissing16 { age } => {
            cat.fill("present.plan_missing_16", &[("age", age.to_string())])
        }
        Reason::FollowUpOverNorm(w) | Reason::FollowUpWaiting(w) => cat.fill(
            "present.follow_up",
            &[
                ("span", wait_span(cat, w.wait_days)),
                ("norm", wait_span(cat, i64::from(w.norm_days))),
            ],
        ),
    }
}

/// A wait for care as teams count it: days under three weeks, weeks beyond
/// (the care norm is 10 weeks), never months.
fn wait_span(cat: &Catalog, days: i64) -> String {
    match Span::of(days) {
        Span::Days(_) => span(cat, days),
        _ => cat.fill(
            "present.weeks",
            &[("n", ((days.abs() + 3) / 7).to_string())],
        ),
    }
}

/// All reasons of a case in plain words, in rule order, joined by "; ".
/// A reason that a red one already says is left out: `missing` beside
/// `missing_near_end`, `review_due` beside `review_missed`, and
/// `plan_missing_16` beside `turning_18_no_plan`.
pub fn reasons_text(
    cat: &Catalog,
    reasons: &[Reason],
    as_of: NaiveDate,
    preconditions: &[Precondition],
) -> String {
    let fired = |code: &str| reasons.iter().any(|r| r.code() == code);
    let said_already = |r: &Reason| match r {
        Reason::Missing { .. } => fired("missing_near_end"),
        Reason::ReviewDue(_) => fired("review_missed"),
        Reason::PlanMissing16 { .. } => fired("turning_18_no_plan"),
        _ => false,
    };
    reasons
        .iter()
        .filter(|r| !said_already(r))
        .map(|r| reason_text(cat, r, as_of, preconditions))
        .collect::<Vec<_>>()
        .join("; ")
}

fn end(cat: &Catalog, days_to_end: i64) -> String {
    match days_to_end {
        d if d > 0 => cat.fill("present.end_in", &[("span", span(cat, d))]),
        0 => cat.t("present.end_today").to_string(),
        _ => cat.t("present.end_gone").to_string(),
    }
}

fn lateness(cat: &Catalog, late: &Lateness) -> String {
    match late {
        Lateness::NeverReviewed { days_in_care, .. } => cat.fill(
            "present.never_reviewed",
            &[("span", span(cat, *days_in_care))],
        ),
        Lateness::Overdue { days_overdue, .. } => {
            cat.fill("present.review_late", &[("span", span(cat, *days_overdue))])
        }
    }
}

/// The preconditions a rule names: one or two by name, more as a count (the
/// mark row shows which).
fn what(cat: &Catalog, codes: &[String], preconditions: &[Precondition]) -> String {
    let name = |code: &String| in_sentence(&precondition_short(code, preconditions, cat.lang));
    match codes {
        [one] => name(one),
        [a, b] => cat.fill("present.pair", &[("a", name(a)), ("b", name(b))]),
        _ => cat.fill("present.n_preconditions", &[("n", codes.len().to_string())]),
    }
}

/// The configured label of a precondition without its parenthesised
/// examples ("Inkomen en schulden (studiefinanciering, …)" → "Inkomen en
/// schulden"); the code itself when it is not configured.
pub fn precondition_label(code: &str, preconditions: &[Precondition], lang: Lang) -> String {
    let full = preconditions
        .iter()
        .find(|p| p.code == code)
        .map_or(code, |p| p.label(lang));
    full.split(" (").next().unwrap_or(full).trim().to_string()
}

/// The short label of a precondition for inside a sentence (config
/// `short`); else its label without examples.
pub fn precondition_short(code: &str, preconditions: &[Precondition], lang: Lang) -> String {
    preconditions
        .iter()
        .find(|p| p.code == code)
        .and_then(|p| p.short_label(lang))
        .map_or_else(
            || precondition_label(code, preconditions, lang),
            String::from,
        )
}

/// A label inside a sentence: "Woonplek" → "woonplek", but "WMO-indicatie"
/// keeps its capitals.
fn in_sentence(label: &str) -> String {
    let mut chars = label.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && !second.is_uppercase() => {
            first.to_lowercase().chain(label.chars().skip(1)).collect()
        }
        _ => label.to_string(),
    }
}

/// The mark of a precondition's status.
pub fn status_mark(status: Status) -> &'static str {
    match status {
        Status::Ok => "✓",
        Status::Partial => "~",
        Status::Missing => "✗",
        Status::Na => "–",
    }
}

/// One mark per precondition in configured order, separated by spaces
/// ("✓ ✗ ~ – ✓ ✓ ✗"): 13 columns for the seven defaults.
pub fn mark_row(criteria: &Criteria) -> String {
    criteria
        .0
        .iter()
        .map(|(_, s)| status_mark(*s))
        .collect::<Vec<_>>()
        .join(" ")
}

/// "✓ Aanwezig  ~ In gang  ✗ Ontbreekt  – N.v.t.": fits an 80-column line.
pub fn marks_legend(cat: &Catalog) -> String {
    Status::ALL
        .iter()
        .map(|s| format!("{} {}", status_mark(*s), cat.label("status", s.code())))
        .collect::<Vec<_>>()
        .join("  ")
}

/// The legend and the order of the marks, as one sentence for a report.
pub fn marks_order(cat: &Catalog, preconditions: &[Precondition]) -> String {
    let list: Vec<String> = preconditions
        .iter()
        .enumerate()
        .map(|(i, p)| {
            format!(
                "{}. {}",
                i + 1,
                precondition_label(&p.code, preconditions, cat.lang)
            )
        })
        .collect();
    cat.fill(
        "present.marks_order",
        &[("legend", marks_legend(cat)), ("list", list.join("; "))],
    )
}

/// A symbol that stands beside every colour, so colour is never the only
/// signal (screens, Markdown, spreadsheets alike).
/// The same shapes as on screen (● ▲ ■), distinct from the precondition
/// marks (✓ ~ ✗ –).
pub fn signal_symbol(s: Signal) -> &'static str {
    s.symbol()
}

/// "■ Rood": symbol and word.
pub fn signal_text(cat: &Catalog, s: Signal) -> String {
    format!("{} {}", signal_symbol(s), cat.label("signal", s.code()))
}

/// A date for people: `DD-MM-YYYY` (SPEC 7.2), in both languages.
pub fn date(d: NaiveDate) -> String {
    d.format("%d-%m-%Y").to_string()
}

/// A month ("2025-12") as people read it: "dec 25" / "Dec 25", from the
/// catalog's month names; anything else is shown as it came.
pub fn month_label(cat: &Catalog, month: &str) -> String {
    let parsed = month.split_once('-').and_then(|(y, m)| {
        let index = m.parse::<usize>().ok()?.checked_sub(1)?;
        let name = cat.t("format.months").split_whitespace().nth(index)?;
        (y.len() == 4).then(|| format!("{name} {}", &y[2..]))
    });
    parsed.unwrap_or_else(|| month.to_string())
}

/// One decimal with the language's decimal mark: "8,3" / "8.3".
pub fn decimal(cat: &Catalog, x: f64) -> String {
    let text = format!("{x:.1}");
    match cat.lang {
        Lang::Nl => text.replace('.', ","),
        Lang::En => text,
    }
}

/// "8,3 %" / "8.3%".
pub fn percent(cat: &Catalog, x: f64) -> String {
    cat.fill("present.percent", &[("value", decimal(cat, x))])
}

/// A change in percentage points, always signed: "+4,2 procentpunt",
/// "-3.0 pp", "0,0 procentpunt".
pub fn points(cat: &Catalog, x: f64) -> String {
    cat.fill("present.points", &[("value", signed(cat, x))])
}

/// One decimal with a sign when positive: "+4,2", "-3,0", "0,0".
pub fn signed(cat: &Catalog, x: f64) -> String {
    let sign = if x > 0.0 { "+" } else { "" };
    format!("{sign}{}", decimal(cat, x))
}

/// A date as people read it: `DD-MM-YYYY` in Dutch (SPEC 7.2), ISO in
/// English; machine formats keep ISO.
pub fn person_date(cat: &Catalog, d: NaiveDate) -> String {
    d.format(cat.t("format.date")).to_string()
}

/// A person's confirmation on a terminal (a purge, a replaced demo, an
/// erasure): "ja" or "yes", nothing less.
pub fn is_yes(answer: &str) -> bool {
    matches!(answer.trim().to_lowercase().as_str(), "ja" | "yes")
}

/// SPEC 2: the Jeugdwet covers young people under 18; a referral of someone
/// 18 or older on the referral date is accepted with a warning naming the
/// Wmo. The sentence, or None for a young person; the caller shows it.
pub fn adult_warning(
    cat: &Catalog,
    case_ref: &str,
    birth: NaiveDate,
    referred_on: NaiveDate,
) -> Option<String> {
    let age = crate::domain::dates::age_on(birth, referred_on);
    (age >= 18).then(|| {
        cat.fill(
            "cli.adult_at_referral",
            &[("case", case_ref.to_string()), ("age", age.to_string())],
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::config::Config;
    use crate::domain::dates::parse_date;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn nl() -> &'static Catalog {
        Catalog::get(Lang::Nl)
    }

    #[test]
    fn a_month_reads_as_a_short_month_name_and_year() {
        assert_eq!(month_label(nl(), "2025-12"), "dec 25");
        assert_eq!(month_label(nl(), "2026-01"), "jan 26");
        assert_eq!(month_label(Catalog::get(Lang::En), "2026-05"), "May 26");
        // Anything else is shown as it came, never cut or invented.
        for odd in ["2026-13", "2026-00", "26-01", "december"] {
            assert_eq!(month_label(nl(), odd), odd);
        }
    }

    fn en() -> &'static Catalog {
        Catalog::get(Lang::En)
    }

    /// The reason in both languages, with the default preconditions.
    fn both(reason: &Reason, as_of: &str) -> (String, String) {
        let pre = Config::default().preconditions;
        (
            reason_text(nl(), reason, d(as_of), &pre),
            reason_text(en(), reason, d(as_of), &pre),
        )
    }

    fn spans(days: i64) -> (String, String) {
        (span(nl(), days), span(en(), days))
    }

    fn codes(c: &[&str]) -> Vec<String> {
        c.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn days_under_three_weeks_with_singular_and_plural() {
        assert_eq!(spans(0), ("0 dagen".into(), "0 days".into()));
        assert_eq!(spans(1), ("1 dag".into(), "1 day".into()));
        assert_eq!(spans(-1), ("1 dag".into(), "1 day".into()));
        assert_eq!(spans(2), ("2 dagen".into(), "2 days".into()));
        assert_eq!(spans(20), ("20 dagen".into(), "20 days".into()));
    }

    #[test]
    fn weeks_from_three_weeks_to_three_months() {
        assert_eq!(spans(21), ("3 weken".into(), "3 weeks".into()));
        // Rounded to the nearest week: 3.43 and 3.57 weeks.
        assert_eq!(Span::of(24), Span::Weeks(3));
        assert_eq!(Span::of(25), Span::Weeks(4));
        assert_eq!(spans(42), ("6 weken".into(), "6 weeks".into()));
        assert_eq!(spans(90), ("13 weken".into(), "13 weeks".into()));
    }

    #[test]
    fn months_from_three_months() {
        assert_eq!(spans(91), ("3 maanden".into(), "3 months".into()));
        assert_eq!(spans(-122), ("4 maanden".into(), "4 months".into()));
        // 4.5 months (137 days) rounds up, 136 days down.
        assert_eq!(Span::of(136), Span::Months(4));
        assert_eq!(Span::of(138), Span::Months(5));
        assert_eq!(Span::of(365), Span::Months(12));
        assert_eq!(Span::of(730), Span::Months(24));
    }

    #[test]
    fn end_passed() {
        let r = Reason::EndPassed {
            planned_end_on: d("2026-06-03"),
            days_past: 12,
        };
        assert_eq!(
            both(&r, "2026-06-15"),
            (
                "einddatum 12 dagen verstreken".into(),
                "planned end passed 12 days ago".into()
            )
        );
        let r = Reason::EndPassed {
            planned_end_on: d("2026-06-14"),
            days_past: 1,
        };
        assert_eq!(
            both(&r, "2026-06-15"),
            (
                "einddatum 1 dag verstreken".into(),
                "planned end passed 1 day ago".into()
            )
        );
    }

    #[test]
    fn missing_near_end_names_one_or_two_and_counts_more() {
        let near = |c: &[&str], days_to_end| Reason::MissingNearEnd {
            codes: codes(c),
            planned_end_on: d("2026-07-27"),
            days_to_end,
        };
        assert_eq!(
            both(&near(&["housing"], 42), "2026-06-15"),
            (
                "woonplek ontbreekt, einde over 6 weken".into(),
                "housing missing, end in 6 weeks".into()
            )
        );
        // The parenthesised examples of a label are left out.
        assert_eq!(
            both(&near(&["housing", "income"], 0), "2026-06-15"),
            (
                "woonplek en inkomen ontbreken, einde vandaag".into(),
                "housing and income missing, end today".into()
            )
        );
        assert_eq!(
            both(&near(&["housing", "income", "network"], -3), "2026-06-15"),
            (
                "3 randvoorwaarden ontbreken, einde verstreken".into(),
                "3 preconditions missing, end passed".into()
            )
        );
    }

    #[test]
    fn turning_18_ahead_today_and_already() {
        let turning = |on: &str, plan| Reason::Turning18NoPlan {
            turns_18_on: d(on),
            plan,
        };
        assert_eq!(
            both(&turning("2026-10-15", Status::Missing), "2026-06-15"),
            (
                "wordt over 4 maanden 18 zonder perspectiefplan".into(),
                "turns 18 in 4 months without a perspective plan".into()
            )
        );
        assert_eq!(
            both(&turning("2026-06-15", Status::Partial), "2026-06-15"),
            (
                "wordt vandaag 18, perspectiefplan nog in gang".into(),
                "turns 18 today, perspective plan still being arranged".into()
            )
        );
        assert_eq!(
            both(&turning("2025-01-01", Status::Missing), "2026-06-15"),
            (
                "is al 18 zonder perspectiefplan".into(),
                "is already 18 without a perspective plan".into()
            )
        );
    }

    #[test]
    fn review_late_or_never_held() {
        let overdue = Lateness::Overdue {
            last_review_on: d("2026-04-01"),
            next_review_on: d("2026-05-01"),
            days_overdue: 45,
        };
        assert_eq!(
            both(&Reason::ReviewMissed(overdue), "2026-06-15"),
            (
                "bespreking 6 weken te laat".into(),
                "review 6 weeks overdue".into()
            )
        );
        let due = Lateness::Overdue {
            last_review_on: d("2026-04-20"),
            next_review_on: d("2026-05-20"),
            days_overdue: 21,
        };
        assert_eq!(
            both(&Reason::ReviewDue(due), "2026-06-15"),
            (
                "bespreking 3 weken te laat".into(),
                "review 3 weeks overdue".into()
            )
        );
        let never = Lateness::NeverReviewed {
            care_started_on: d("2026-06-01"),
            days_in_care: 14,
        };
        assert_eq!(
            both(&Reason::ReviewDue(never), "2026-06-15"),
            (
                "nog geen bespreking, 14 dagen in zorg".into(),
                "no review yet, 14 days in care".into()
            )
        );
    }

    #[test]
    fn orange_reasons() {
        let missing = Reason::Missing {
            codes: codes(&["follow_up_care"]),
        };
        assert_eq!(
            both(&missing, "2026-06-15"),
            (
                "vervolgplek ontbreekt".into(),
                "next placement missing".into()
            )
        );
        let missing = Reason::Missing {
            codes: codes(&["housing", "network"]),
        };
        assert_eq!(
            both(&missing, "2026-06-15").0,
            "woonplek en netwerk ontbreken"
        );
        let missing = Reason::Missing {
            codes: codes(&["follow_up_care", "perspective_plan"]),
        };
        assert_eq!(
            both(&missing, "2026-06-15"),
            (
                "vervolgplek en perspectiefplan ontbreken".into(),
                "next placement and future plan missing".into()
            )
        );
        let partial = Reason::Partial {
            codes: codes(&["perspective_plan"]),
        };
        assert_eq!(
            both(&partial, "2026-06-15"),
            (
                "perspectiefplan in gang".into(),
                "future plan being arranged".into()
            )
        );
        assert_eq!(
            both(&Reason::NoEndDate, "2026-06-15"),
            ("geen einddatum".into(), "no planned end date".into())
        );
        assert_eq!(
            both(&Reason::PlanMissing16 { age: 16 }, "2026-06-15"),
            (
                "16 jaar, geen perspectiefplan".into(),
                "aged 16, no perspective plan".into()
            )
        );
    }

    #[test]
    fn unknown_codes_and_capitals_stay_as_they_are() {
        let pre = vec![Precondition {
            code: "wmo".into(),
            nl: "WMO-indicatie".into(),
            en: "WMO assessment".into(),
            short: None,
        }];
        let r = Reason::Missing {
            codes: codes(&["wmo", "own_code"]),
        };
        assert_eq!(
            reason_text(nl(), &r, d("2026-06-15"), &pre),
            "WMO-indicatie en own_code ontbreken"
        );
    }

    #[test]
    fn reasons_are_joined_in_order() {
        let pre = Config::default().preconditions;
        let reasons = [Reason::NoEndDate, Reason::PlanMissing16 { age: 17 }];
        assert_eq!(
            reasons_text(en(), &reasons, d("2026-06-15"), &pre),
            "no planned end date; aged 17, no perspective plan"
        );
    }

    #[test]
    fn what_a_red_reason_says_is_not_repeated() {
        let pre = Config::default().preconditions;
        let late = Lateness::Overdue {
            last_review_on: d("2026-03-01"),
            next_review_on: d("2026-04-01"),
            days_overdue: 75,
        };
        let reasons = [
            Reason::MissingNearEnd {
                codes: codes(&["housing"]),
                planned_end_on: d("2026-07-15"),
                days_to_end: 30,
            },
            Reason::Turning18NoPlan {
                turns_18_on: d("2026-08-15"),
                plan: Status::Missing,
            },
            Reason::ReviewMissed(late.clone()),
            Reason::Missing {
                codes: codes(&["housing"]),
            },
            Reason::ReviewDue(late),
            Reason::PlanMissing16 { age: 17 },
        ];
        assert_eq!(
            reasons_text(nl(), &reasons, d("2026-06-15"), &pre),
            "woonplek ontbreekt, einde over 4 weken; \
             wordt over 9 weken 18 zonder perspectiefplan; \
             bespreking 11 weken te laat"
        );
    }

    #[test]
    fn a_mark_per_precondition_with_a_legend() {
        let criteria = Criteria(vec![
            ("housing".into(), Status::Ok),
            ("income".into(), Status::Partial),
            ("network".into(), Status::Missing),
            ("insurance_18".into(), Status::Na),
        ]);
        assert_eq!(mark_row(&criteria), "✓ ~ ✗ –");
        let legend = marks_legend(nl());
        assert_eq!(legend, "✓ Aanwezig  ~ In gang  ✗ Ontbreekt  – N.v.t.");
        assert!(legend.chars().count() <= 80);
        assert_eq!(
            marks_legend(en()),
            "✓ Present  ~ Being arranged  ✗ Missing  – N/a"
        );
        let order = marks_order(en(), &Config::default().preconditions);
        assert!(
            order.contains(
                "in this order: 1. Follow-up care / next placement available; 2. Housing;"
            ),
            "{order}"
        );
        assert!(order.contains("4. Income and debts; 5."), "{order}");
    }

    #[test]
    fn figures_with_the_decimal_mark_of_the_language() {
        assert_eq!(percent(nl(), 8.3), "8,3 %");
        assert_eq!(percent(en(), 8.3), "8.3%");
        assert_eq!(points(nl(), 4.2), "+4,2 procentpunt");
        assert_eq!(points(en(), -3.0), "-3.0 pp");
        assert_eq!(points(en(), 0.0), "0.0 pp");
        assert_eq!(signal_text(nl(), Signal::Red), "■ Rood");
    }
}
