//! `stroom demo`: a realistic demo team. A municipality of about 50,000
//! inhabitants, three years of history up to today, about 600 referrals a
//! year (slowly growing, so that outflow lags inflow as it does nationally),
//! a current waiting list, and a stoplight board on which every colour and
//! rule occurs. The generator is deterministic: the same seed and today give
//! the same database.

mod history;
mod life;
mod reviews;
pub mod scenarios;
mod team;

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{Datelike, Months, NaiveDate, Weekday};
use fastrand::Rng;

use crate::context::Context;
use crate::domain::Msg;
use crate::present::i18n::{Catalog, Lang};
use crate::store::{CaseBundle, Replacement};

pub use scenarios::{Expect, Scenario};

/// Cases in the default demo: about 600 referrals a year for three years.
pub const DEFAULT_CASES: u32 = 1800;
/// Bounds of `--cases`: room for the scenario cases, and a country's worth
/// (the cases stream into the database; only a date and a seed per case are
/// held in memory).
pub const MIN_CASES: u32 = 50;
pub const MAX_CASES: u32 = 2_000_000;

/// Years of history up to today.
const YEARS: u32 = 3;
/// Yearly growth of the referrals, relative to the first year. With the
/// long tail of care durations this makes outflow lag inflow by about 10 %
/// in the last year (the mean over seeds; one seed varies by ±6 points).
const GROWTH: f64 = 0.03;
/// The actor of every demo event: the history says it was generated.
const ACTOR: &str = "demo";
/// Below this many cases, writing is quick and needs no progress line.
const PROGRESS_FROM: usize = 5000;

/// The demo's cases and the scenario cases among them.
pub struct Demo {
    pub bundles: Vec<CaseBundle>,
    pub scenarios: Vec<Scenario>,
}

/// The demo team's cases, in order of referral: `cases` in total.
pub fn generate(seed: u64, today: NaiveDate, cases: usize) -> Vec<CaseBundle> {
    cases_of(seed, today, cases).map(|(b, _)| b).collect()
}

/// The demo team's cases, with what each scenario case must show today.
pub fn build(seed: u64, today: NaiveDate, cases: usize) -> Demo {
    let mut demo = Demo {
        bundles: Vec::with_capacity(cases),
        scenarios: Vec::new(),
    };
    for (bundle, scenario) in cases_of(seed, today, cases) {
        demo.scenarios.extend(scenario);
        demo.bundles.push(bundle);
    }
    demo
}

/// One case to be: a random life from its own seed, or a scripted scenario.
enum Draft {
    Random(u64),
    Scripted(usize),
}

/// The demo's cases one at a time, in order of referral. Only the plan (a
/// date and a seed per case) is held; each history is simulated when it is
/// asked for, so a million cases stream through in bounded memory.
pub struct Cases {
    today: NaiveDate,
    team: team::Team,
    drafts: std::vec::IntoIter<(NaiveDate, Draft)>,
    scripted: Vec<Option<(CaseBundle, &'static str, Expect)>>,
    numbers: std::collections::HashMap<i32, u32>,
}

/// The demo of `cases` cases as a stream of bundles; the same seed and today
/// give the same cases as `generate`.
pub fn cases_of(seed: u64, today: NaiveDate, cases: usize) -> Cases {
    let mut rng = Rng::with_seed(seed);
    let scripted: Vec<_> = scenarios::build(today)
        .into_iter()
        .take(cases)
        .map(Some)
        .collect();
    let random = cases.saturating_sub(scripted.len());
    let dates = referral_dates(&mut rng, history_start(today), today, random);
    let mut drafts: Vec<(NaiveDate, Draft)> = dates
        .into_iter()
        .map(|on| (on, Draft::Random(rng.u64(..))))
        .collect();
    drafts.extend(
        scripted
            .iter()
            .enumerate()
            .map(|(i, s)| (s.as_ref().expect("fresh").0.events[0].0, Draft::Scripted(i))),
    );
    // Stable: the same order for the same seed.
    drafts.sort_by_key(|(on, _)| *on);
    Cases {
        today,
        team: team::Team::new(today),
        drafts: drafts.into_iter(),
        scripted,
        numbers: std::collections::HashMap::new(),
    }
}

impl Iterator for Cases {
    type Item = (CaseBundle, Option<Scenario>);

    fn next(&mut self) -> Option<Self::Item> {
        let (on, draft) = self.drafts.next()?;
        let (mut bundle, scenario) = match draft {
            Draft::Random(seed) => (
                life::random_case(seed, &self.team, String::new(), on, self.today),
                None,
            ),
            Draft::Scripted(i) => {
                let (bundle, about, expect) = self.scripted[i].take().expect("taken once");
                (bundle, Some((about, expect)))
            }
        };
        let year = on.year();
        let n = self.numbers.entry(year).or_insert(0);
        *n += 1;
        bundle.case_ref = format!("{year}-{n:04}");
        let scenario = scenario.map(|(about, expect)| Scenario {
            case_ref: bundle.case_ref.clone(),
            about,
            expect,
        });
        Some((bundle, scenario))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.drafts.size_hint()
    }
}

/// The first day of the demo's history.
fn history_start(today: NaiveDate) -> NaiveDate {
    team::plus_days(
        today
            .checked_sub_months(Months::new(12 * YEARS))
            .unwrap_or(today),
        1,
    )
}

/// `n` referral dates between `first` and `today`, sorted: more each year,
/// fewer in the summer and Christmas holidays and at weekends.
fn referral_dates(rng: &mut Rng, first: NaiveDate, today: NaiveDate, n: usize) -> Vec<NaiveDate> {
    let span = (today - first).num_days() + 1;
    let most = 1.0 + GROWTH * YEARS as f64;
    let mut dates = Vec::with_capacity(n);
    while dates.len() < n {
        let offset = rng.i64(0..span);
        let on = team::plus_days(first, offset);
        let growth = 1.0 + GROWTH * offset as f64 / 365.25;
        let season = match on.month() {
            7 => 0.7,
            8 => 0.6,
            12 => 0.85,
            _ => 1.0,
        };
        let weekday = match on.weekday() {
            Weekday::Sat | Weekday::Sun => 0.2,
            _ => 1.0,
        };
        if rng.f64() * most < growth * season * weekday {
            dates.push(on);
        }
    }
    dates.sort();
    dates
}

/// `stroom demo`: fills the database with the demo team. A database that
/// holds cases is only replaced with `force`, after a backup next to it, in
/// one step under the write lock (`Store::replace_cases`); when people's
/// work is in it, also only after a typed confirmation (or `--yes`).
pub fn run_command(ctx: &Context, options: &DemoOptions) -> Result<(), Msg> {
    let started = Instant::now();
    let cat = ctx.catalog();
    let mut store = ctx.open_store()?;
    let existing = store.count_cases()?;
    if existing > 0 && !options.force {
        return Err(Msg::new("error.demo_not_empty").arg("count", existing));
    }
    let real = store.count_cases_not_by(ACTOR)?;
    if real > 0 && !options.yes && !confirm(cat, real, &ctx.db_path)? {
        return Err(Msg::new("demo.cancelled"));
    }
    let cases = options.cases.unwrap_or(DEFAULT_CASES) as usize;
    let mut progress = Progress::new(cat, cases);
    let mut counts = Counts::default();
    let stream = cases_of(options.seed, ctx.today, cases).map(|(bundle, _)| {
        counts.add(&bundle);
        bundle
    });
    if existing == 0 {
        store.insert_bundle_stream(stream, ctx.today, ACTOR, &mut |done| progress.show(done))?;
    } else {
        let backup = backup_path(&ctx.db_path);
        let detail = format!(
            "demo --seed {} replaced {existing} cases; backup {}",
            options.seed,
            backup.display()
        );
        let replacement = Replacement {
            backup: &backup,
            person: &ctx.actor,
            detail: &detail,
        };
        store.replace_cases(stream, ctx.today, ACTOR, &replacement, &mut |done| {
            progress.show(done)
        })?;
        crate::say!(
            "{}",
            cat.fill(
                "demo.backed_up",
                &[
                    ("count", existing.to_string()),
                    ("path", backup.display().to_string()),
                ]
            )
        )?;
    }
    progress.finish();
    crate::say!(
        "{}",
        cat.fill(
            "demo.done",
            &[
                ("path", ctx.db_path.display().to_string()),
                ("cases", counts.cases.to_string()),
                ("events", counts.events.to_string()),
                ("reviews", counts.reviews.to_string()),
                ("seconds", seconds(started, ctx.lang)),
            ]
        )
    )?;
    Ok(())
}

/// What `stroom demo` was asked.
#[derive(Debug, Clone, Copy, Default)]
pub struct DemoOptions {
    pub seed: u64,
    pub force: bool,
    pub yes: bool,
    pub cases: Option<u32>,
}

/// On a terminal: the person types yes to replace `real` cases of people's
/// work. Off a terminal there is no one to ask: `--yes` is needed.
fn confirm(cat: &Catalog, real: i64, db: &Path) -> Result<bool, Msg> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(Msg::new("demo.needs_yes").arg("count", real));
    }
    let args = [
        ("count", real.to_string()),
        ("path", db.display().to_string()),
    ];
    eprint!("{}", cat.fill("demo.confirm", &args));
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    stdin
        .lock()
        .read_line(&mut answer)
        .map_err(|e| Msg::new("error.io").arg("path", "stdin").arg("reason", e))?;
    Ok(crate::present::is_yes(&answer))
}

/// What was written, counted as the stream goes by.
#[derive(Default)]
struct Counts {
    cases: usize,
    events: usize,
    reviews: usize,
}

impl Counts {
    fn add(&mut self, bundle: &CaseBundle) {
        self.cases += 1;
        self.events += bundle.events.len();
        self.reviews += bundle.reviews.len();
    }
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// `<db>.before-demo-YYYYMMDD-HHMMSS`, unused so far.
fn backup_path(db: &Path) -> PathBuf {
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
    let base = with_suffix(db, &format!(".before-demo-{stamp}"));
    let mut path = base.clone();
    let mut n = 1;
    while path.exists() {
        n += 1;
        path = with_suffix(&base, &format!("-{n}"));
    }
    path
}

/// Seconds since `started`, one decimal, with the language's decimal mark.
fn seconds(started: Instant, lang: Lang) -> String {
    let text = format!("{:.1}", started.elapsed().as_secs_f64());
    match lang {
        Lang::Nl => text.replace('.', ","),
        Lang::En => text,
    }
}

/// A progress line on stderr while a large demo is written, only when
/// someone is watching the terminal.
struct Progress {
    cat: &'static Catalog,
    total: usize,
    visible: bool,
    shown: bool,
}

impl Progress {
    fn new(cat: &'static Catalog, total: usize) -> Progress {
        Progress {
            cat,
            total,
            visible: total >= PROGRESS_FROM && std::io::stderr().is_terminal(),
            shown: false,
        }
    }

    fn show(&mut self, done: usize) {
        if !self.visible {
            return;
        }
        let line = self.cat.fill(
            "demo.progress",
            &[
                ("done", done.to_string()),
                ("total", self.total.to_string()),
            ],
        );
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r{line}");
        let _ = err.flush();
        self.shown = true;
    }

    fn finish(&self) {
        if self.shown {
            eprintln!();
        }
    }
}

/// A bundle's history replayed: the case as it stands at the end, and its
/// reviews as stored (for the tests of the generator).
#[cfg(test)]
pub(crate) fn replayed(bundle: &CaseBundle) -> (crate::domain::Case, Vec<crate::domain::Review>) {
    use crate::domain::case::replay;
    use crate::domain::dates::plus_one_month;
    use crate::domain::{Event, Review};
    let events: Vec<Event> = bundle.history();
    let mut case = replay(0, &bundle.case_ref, &events, None).expect("starts with its referral");
    case.name = bundle.name.clone();
    case.birth_date = bundle.birth_date;
    let reviews = bundle
        .reviews
        .iter()
        .enumerate()
        .map(|(i, (on, input))| Review {
            id: i as i64,
            case_id: 0,
            on: *on,
            next_on: input.next_on.unwrap_or_else(|| plus_one_month(*on)),
            note: input.note.clone(),
            statuses: input.statuses.clone(),
        })
        .collect();
    (case, reviews)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Case, OutflowReason, Referrer, Stage, Urgency};

    fn d(s: &str) -> NaiveDate {
        crate::domain::dates::parse_date(s).unwrap()
    }

    const TODAY: &str = "2026-11-22";

    /// The figures a team or the municipality would look at first.
    #[derive(Debug)]
    struct Figures {
        referrals_per_year: [usize; 3],
        by_referrer: Vec<(Referrer, usize)>,
        urgent_share: f64,
        /// Waiting for care: in all, urgent, with bridging care, escalated.
        waiting: [usize; 4],
        in_care: usize,
        balance_pct: f64,
        planned_outflow_share: f64,
        by_client_share: f64,
        accommodation_share: f64,
    }

    fn figures(bundles: &[CaseBundle], today: NaiveDate) -> Figures {
        let cases: Vec<Case> = bundles.iter().map(|b| replayed(b).0).collect();
        let year_ago = today.checked_sub_months(Months::new(12)).unwrap();
        let mut referrals_per_year = [0; 3];
        for b in bundles {
            let years_back = (today - b.events[0].0).num_days() / 365;
            referrals_per_year[2 - years_back.min(2) as usize] += 1;
        }
        let mut by_referrer: Vec<(Referrer, usize)> = Referrer::ALL
            .iter()
            .map(|r| (*r, cases.iter().filter(|c| c.referrer == *r).count()))
            .collect();
        by_referrer.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
        let share = |part: usize, whole: usize| part as f64 / whole.max(1) as f64;
        let started: Vec<&Case> = cases
            .iter()
            .filter(|c| c.care_started_on.is_some())
            .collect();
        let inflow = started
            .iter()
            .filter(|c| c.care_started_on > Some(year_ago))
            .count();
        let outflow: Vec<&&Case> = started
            .iter()
            .filter(|c| c.closed_on > Some(year_ago))
            .collect();
        let reason = |r: &[OutflowReason]| {
            outflow
                .iter()
                .filter(|c| c.outflow_reason.is_some_and(|o| r.contains(&o)))
                .count()
        };
        Figures {
            referrals_per_year,
            by_referrer,
            urgent_share: share(
                cases
                    .iter()
                    .filter(|c| c.urgency == Urgency::Urgent)
                    .count(),
                cases.len(),
            ),
            waiting: {
                let w: Vec<&Case> = cases.iter().filter(|c| c.stage == Stage::Waiting).collect();
                [
                    w.len(),
                    w.iter().filter(|c| c.urgency == Urgency::Urgent).count(),
                    w.iter().filter(|c| c.bridging_care).count(),
                    w.iter().filter(|c| c.escalated).count(),
                ]
            },
            in_care: cases.iter().filter(|c| c.stage.in_care()).count(),
            balance_pct: (outflow.len() as f64 - inflow as f64) / inflow as f64 * 100.0,
            planned_outflow_share: share(
                reason(&[OutflowReason::GoalsMet, OutflowReason::EndedJointly]),
                outflow.len(),
            ),
            by_client_share: share(reason(&[OutflowReason::EndedByClient]), outflow.len()),
            accommodation_share: share(
                started
                    .iter()
                    .filter(|c| c.care_type.is_some_and(|t| t.with_accommodation()))
                    .count(),
                started.len(),
            ),
        }
    }

    #[test]
    fn same_seed_and_today_give_the_same_demo() {
        let a = generate(7, d(TODAY), 600);
        let b = generate(7, d(TODAY), 600);
        assert_eq!(a, b);
        let c = generate(8, d(TODAY), 600);
        assert_ne!(a, c);
        assert_eq!(a.len(), 600);
    }

    #[test]
    fn references_are_unique_and_follow_the_referral_year() {
        let bundles = generate(1, d(TODAY), DEFAULT_CASES as usize);
        let refs: std::collections::HashSet<&str> =
            bundles.iter().map(|b| b.case_ref.as_str()).collect();
        assert_eq!(refs.len(), bundles.len());
        for b in &bundles {
            assert!(b.case_ref.starts_with(&b.events[0].0.year().to_string()));
        }
        assert!(refs.contains("2026-0001") && refs.contains("2024-0100"));
    }

    #[test]
    fn the_default_demo_looks_like_a_real_team() {
        for seed in [1, 2, 3] {
            let f = figures(&generate(seed, d(TODAY), DEFAULT_CASES as usize), d(TODAY));
            for n in f.referrals_per_year {
                assert!((500..=720).contains(&n), "{seed}: {f:?}");
            }
            assert_eq!(f.by_referrer[0].0, Referrer::Gp, "{seed}");
            assert!((0.08..=0.12).contains(&f.urgent_share), "{seed}: {f:?}");
            let [waiting, urgent, bridging, escalated] = f.waiting;
            assert!((20..=60).contains(&waiting), "{seed}: {f:?}");
            assert!(urgent > 0 && bridging > 0 && escalated > 0, "{seed}: {f:?}");
            assert!((250..=450).contains(&f.in_care), "{seed}: {f:?}");
            assert!((-18.0..=-3.0).contains(&f.balance_pct), "{seed}: {f:?}");
            assert!(f.planned_outflow_share >= 0.86, "{seed}: {f:?}");
            assert!((0.02..=0.07).contains(&f.by_client_share), "{seed}: {f:?}");
            assert!(
                (0.07..=0.13).contains(&f.accommodation_share),
                "{seed}: {f:?}"
            );
        }
    }

    #[test]
    fn scenarios_are_numbered_like_the_rest() {
        let demo = build(1, d(TODAY), DEFAULT_CASES as usize);
        assert_eq!(demo.scenarios.len(), scenarios::build(d(TODAY)).len());
        for s in &demo.scenarios {
            assert!(demo.bundles.iter().any(|b| b.case_ref == s.case_ref));
        }
        let small = build(1, d(TODAY), MIN_CASES as usize);
        assert_eq!(small.bundles.len(), MIN_CASES as usize);
    }

    #[test]
    fn backup_names_do_not_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("stroom.db");
        let first = backup_path(&db);
        assert!(first.to_string_lossy().contains("stroom.db.before-demo-20"));
        std::fs::write(&first, b"x").unwrap();
        assert_ne!(backup_path(&db), first);
    }
}
