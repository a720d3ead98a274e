//! `stroom import FILE.csv [--dry-run]` (SPEC 7.1): every row of a team's
//! spreadsheet becomes a case with its history rebuilt from its dates. All
//! rows are checked first; one problem anywhere and nothing is imported.

mod column;
mod history;
mod row;
mod table;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use chrono::{Datelike, NaiveDate};

use crate::context::Context;
use crate::domain::{Msg, Stage};
use crate::present::i18n::Catalog;
use crate::store::{CaseBundle, Store, format_case_ref};

pub use column::Column;
pub use history::DEFAULT_REFERRER;
pub use table::read_text;

/// How many row problems are shown; the total is always given.
pub const SHOWN_ERRORS: usize = 20;

/// A problem with one value of the file: `line N, column C: reason`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// Line in the file, the header being line 1.
    pub line: u64,
    /// The column's name, or its number when it has none.
    pub column: String,
    pub msg: Msg,
}

/// Why an import cannot go ahead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportError {
    /// The file as a whole (unreadable, empty) or the database.
    Fatal(Msg),
    /// Problems in the rows, in file order.
    Rows(Vec<RowError>),
}

impl From<Msg> for ImportError {
    fn from(m: Msg) -> ImportError {
        ImportError::Fatal(m)
    }
}

/// What an import would store: every case with its history, ready for
/// `Store::insert_bundles`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub bundles: Vec<CaseBundle>,
    /// Cases per stage they end up in.
    pub stages: BTreeMap<Stage, usize>,
    /// How many rows had no case_ref and got a new one.
    pub generated_refs: usize,
}

/// Checks the whole file and plans its cases. `store` is the database the
/// cases go into (for references already taken); None for an empty one.
pub fn plan(
    text: &str,
    shown_path: &str,
    today: NaiveDate,
    store: Option<&Store>,
) -> Result<Plan, ImportError> {
    let table = table::Table::parse(text, shown_path)?;
    let mut errors = Vec::new();
    let mut rows = Vec::with_capacity(table.len());
    for record in table.rows() {
        match record
            .map_err(|e| vec![e])
            .and_then(|r| row::Row::parse(&r, today))
        {
            Ok(row) => rows.push(row),
            Err(es) => errors.extend(es),
        }
    }
    check_refs(&rows, store, &mut errors)?;
    let mut refs = RefNumbers::new(&rows, store);
    let mut plan = Plan {
        bundles: Vec::with_capacity(rows.len()),
        stages: BTreeMap::new(),
        generated_refs: 0,
    };
    for row in rows {
        let case_ref = match &row.case_ref {
            Some(r) => r.clone(),
            None => {
                plan.generated_refs += 1;
                refs.next(row.referred_on)?
            }
        };
        match history::build(&row, &case_ref, today) {
            Ok(h) => {
                *plan.stages.entry(h.stage).or_default() += 1;
                plan.bundles.push(CaseBundle {
                    case_ref,
                    name: row.name,
                    birth_date: row.birth_date,
                    events: h.events,
                    reviews: Vec::new(),
                });
            }
            Err((column, msg)) => errors.push(RowError {
                line: row.line,
                column: column.name().to_string(),
                msg,
            }),
        }
    }
    if errors.is_empty() {
        Ok(plan)
    } else {
        errors.sort_by_key(|e| e.line);
        Err(ImportError::Rows(errors))
    }
}

/// A case_ref may appear once in the file, and not be in the database.
fn check_refs(
    rows: &[row::Row],
    store: Option<&Store>,
    errors: &mut Vec<RowError>,
) -> Result<(), Msg> {
    let given: Vec<&str> = rows.iter().filter_map(|r| r.case_ref.as_deref()).collect();
    let taken = match store {
        Some(s) => s.taken_refs(&given)?,
        None => HashSet::new(),
    };
    let mut first_line: HashMap<&str, u64> = HashMap::with_capacity(given.len());
    for row in rows {
        let Some(r) = row.case_ref.as_deref() else {
            continue;
        };
        let msg = if let Some(line) = first_line.get(r) {
            Msg::new("import.duplicate_ref")
                .arg("case", r)
                .arg("line", line)
        } else if taken.contains(r) {
            Msg::new("error.case_ref_exists").arg("case", r)
        } else {
            first_line.insert(r, row.line);
            continue;
        };
        errors.push(RowError {
            line: row.line,
            column: Column::CaseRef.name().to_string(),
            msg,
        });
    }
    Ok(())
}

/// Numbers new references `YYYY-NNNN` (the year of the referral, as `add`
/// does) after the highest number of that year in the database and in the
/// file, so that a batch never collides with itself or what is stored.
struct RefNumbers<'a> {
    store: Option<&'a Store>,
    in_file: HashMap<i32, i64>,
    last: HashMap<i32, i64>,
}

impl<'a> RefNumbers<'a> {
    fn new(rows: &[row::Row], store: Option<&'a Store>) -> RefNumbers<'a> {
        let mut in_file: HashMap<i32, i64> = HashMap::new();
        for r in rows.iter().filter_map(|r| r.case_ref.as_deref()) {
            if let Some((year, number)) = parse_generated(r) {
                let max = in_file.entry(year).or_default();
                *max = (*max).max(number);
            }
        }
        RefNumbers {
            store,
            in_file,
            last: HashMap::new(),
        }
    }

    fn next(&mut self, referred_on: NaiveDate) -> Result<String, Msg> {
        let year = referred_on.year();
        let last = match self.last.get(&year) {
            Some(n) => *n,
            None => {
                let stored = self.store.map(|s| s.last_case_number(year)).transpose()?;
                let in_file = self.in_file.get(&year).copied();
                stored.unwrap_or(0).max(in_file.unwrap_or(0))
            }
        };
        self.last.insert(year, last + 1);
        Ok(format_case_ref(year, last + 1))
    }
}

/// `YYYY-NNNN` (any number of digits) as year and number.
fn parse_generated(r: &str) -> Option<(i32, i64)> {
    let (year, number) = r.split_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if year.len() != 4 || !digits(year) || !digits(number) {
        return None;
    }
    Some((year.parse().ok()?, number.parse().ok()?))
}

/// `stroom import`: checks, then imports in one transaction (or, with
/// `dry_run`, only reports). Row problems go to stderr, the first
/// `SHOWN_ERRORS` of them and the total, and the exit status is 1.
pub fn run(ctx: &Context, file: &Path, dry_run: bool) -> Result<ExitCode, Msg> {
    let cat = ctx.catalog();
    let shown = file.display().to_string();
    let text = read_text(file)?;
    // A dry run leaves no trace: not even a new, empty database file.
    let store = if dry_run && !ctx.db_path.exists() {
        None
    } else {
        Some(ctx.open_store()?)
    };
    let plan = match plan(&text, &shown, ctx.today, store.as_ref()) {
        Ok(plan) => plan,
        Err(ImportError::Fatal(msg)) => return Err(msg),
        Err(ImportError::Rows(errors)) => {
            report_errors(cat, &shown, &errors);
            return Ok(ExitCode::from(1));
        }
    };
    let written = match store {
        Some(mut store) if !dry_run => {
            insert(&mut store, &plan, ctx, cat)?;
            true
        }
        _ => false,
    };
    for line in summary_lines(cat, written, &shown, &plan) {
        crate::say!("{line}")?;
    }
    for b in &plan.bundles {
        if let (Some(birth), Some((on, _))) = (b.birth_date, b.events.first()) {
            if let Some(warning) = crate::present::adult_warning(cat, &b.case_ref, birth, *on) {
                eprintln!("{warning}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn insert(store: &mut Store, plan: &Plan, ctx: &Context, cat: &Catalog) -> Result<(), Msg> {
    let total = plan.bundles.len();
    let mut stderr = std::io::stderr();
    let show = stderr.is_terminal() && total >= 1000;
    let mut shown = 0;
    let mut progress = |done: usize| {
        // The store reports the last count twice: at the row and at commit.
        if show && done != shown {
            shown = done;
            let line = cat.fill(
                "import.progress",
                &[("done", done.to_string()), ("total", total.to_string())],
            );
            let _ = write!(stderr, "\r{line}");
            if done == total {
                let _ = writeln!(stderr);
            }
        }
    };
    store.insert_bundles(&plan.bundles, ctx.today, &ctx.actor, &mut progress)?;
    Ok(())
}

/// The lines a failed import prints on stderr.
pub fn error_lines(cat: &Catalog, shown_path: &str, errors: &[RowError]) -> Vec<String> {
    let mut lines: Vec<String> = errors
        .iter()
        .take(SHOWN_ERRORS)
        .map(|e| {
            format!(
                "line {}, column {}: {}",
                e.line,
                e.column,
                cat.render(&e.msg)
            )
        })
        .collect();
    let key = match errors.len() {
        1 => "import.errors_one",
        n if n > SHOWN_ERRORS => "import.errors_more",
        _ => "import.errors",
    };
    let total = cat.fill(
        key,
        &[
            ("count", errors.len().to_string()),
            ("shown", SHOWN_ERRORS.to_string()),
            ("path", shown_path.to_string()),
        ],
    );
    lines.push(format!("stroom: {total}"));
    lines
}

fn report_errors(cat: &Catalog, shown_path: &str, errors: &[RowError]) {
    for line in error_lines(cat, shown_path, errors) {
        eprintln!("{line}");
    }
}

/// The lines a successful import (or, not `written`, a dry run) prints on
/// stdout: the count, then the cases per stage in lifecycle order.
pub fn summary_lines(cat: &Catalog, written: bool, shown_path: &str, plan: &Plan) -> Vec<String> {
    let count = plan.bundles.len();
    let key = match (written, count) {
        (true, 1) => "import.done_one",
        (true, _) => "import.done",
        (false, 1) => "import.dry_run_one",
        (false, _) => "import.dry_run",
    };
    let mut lines = vec![cat.fill(
        key,
        &[
            ("count", count.to_string()),
            ("path", shown_path.to_string()),
        ],
    )];
    for (stage, n) in &plan.stages {
        lines.push(format!("  {}: {n}", cat.label("stage", stage.code())));
    }
    let key = match plan.generated_refs {
        0 => return lines,
        1 => "import.generated_one",
        _ => "import.generated",
    };
    lines.push(cat.fill(key, &[("count", plan.generated_refs.to_string())]));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::parse_date;
    use crate::present::i18n::Lang;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    const TODAY: &str = "2026-06-30";

    fn errors(text: &str) -> Vec<(u64, String, &'static str)> {
        match plan(text, "t.csv", d(TODAY), None) {
            Err(ImportError::Rows(es)) => es
                .into_iter()
                .map(|e| (e.line, e.column, e.msg.key))
                .collect(),
            other => panic!("expected row errors, got {other:?}"),
        }
    }

    fn refs(p: &Plan) -> Vec<&str> {
        p.bundles.iter().map(|b| b.case_ref.as_str()).collect()
    }

    #[test]
    fn the_team_spreadsheet_plans_cleanly() {
        let text = include_str!("../../tests/data/cases-small.csv");
        let p = plan(text, "cases-small.csv", d(TODAY), None).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(p.bundles.len(), 40);
        assert_eq!(p.generated_refs, 0);
        let count = |s| p.stages.get(&s).copied().unwrap_or(0);
        assert_eq!(count(Stage::Referred), 1);
        assert_eq!(count(Stage::Intake), 1);
        assert_eq!(count(Stage::Triage), 3);
        assert_eq!(count(Stage::Waiting), 2);
        assert_eq!(count(Stage::Closed), 12);
        assert_eq!(count(Stage::InCare), 21);
        let noah = p
            .bundles
            .iter()
            .find(|b| b.case_ref == "2025-0012")
            .unwrap();
        assert_eq!(noah.name.as_deref(), Some("Noah; Visser"));
    }

    #[test]
    fn refs_are_generated_after_the_highest_in_the_file() {
        let text =
            "case_ref,referred_on\n,2026-01-05\n2026-0007,2026-01-06\n,2025-12-01\n,2026-02-01\n";
        let p = plan(text, "t.csv", d(TODAY), None).unwrap();
        assert_eq!(
            refs(&p),
            ["2026-0008", "2026-0007", "2025-0001", "2026-0009"]
        );
        assert_eq!(p.generated_refs, 3);
    }

    #[test]
    fn refs_are_generated_after_the_highest_in_the_database() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("s.db")).unwrap();
        let new = crate::store::NewReferral {
            case_ref: Some("2026-0041".into()),
            name: None,
            birth_date: None,
            referred_on: d("2026-01-02"),
            referrer: DEFAULT_REFERRER,
            urgency: crate::domain::Urgency::Regular,
            worker: None,
        };
        store.add_referral(&new, d(TODAY), "test").unwrap();
        let p = plan(
            "referred_on\n2026-03-01\n2026-03-02\n",
            "t.csv",
            d(TODAY),
            Some(&store),
        )
        .unwrap();
        assert_eq!(refs(&p), ["2026-0042", "2026-0043"]);
        let text = "case_ref;referred_on\n2026-0041;2026-03-01\n";
        match plan(text, "t.csv", d(TODAY), Some(&store)) {
            Err(ImportError::Rows(es)) => {
                assert_eq!(
                    (es[0].line, es[0].column.as_str(), es[0].msg.key),
                    (2, "case_ref", "error.case_ref_exists")
                )
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn all_rows_are_checked_and_errors_come_in_line_order() {
        let text = "case_ref,referred_on,referrer,intake_on,stage\n\
                    A-1,2026-01-05,gp,,\n\
                    A-1,2026-01-05,huisarts,,\n\
                    B-1,2026-01-05,gp,2026-01-01,\n\
                    C-1,2026-01-05,gp,,intake\n";
        assert_eq!(
            errors(text),
            vec![
                (3, "referrer".to_string(), "error.unknown_code"),
                (4, "intake_on".to_string(), "import.date_before"),
                (5, "stage".to_string(), "import.stage_mismatch"),
            ]
        );
        let text = "case_ref,referred_on\nA-1,2026-01-05\nA-1,2026-01-06\n";
        assert_eq!(
            errors(text),
            vec![(3, "case_ref".to_string(), "import.duplicate_ref")]
        );
    }

    #[test]
    fn error_output_shows_twenty_and_the_total_in_both_languages() {
        let errors: Vec<RowError> = (2..=26)
            .map(|line| RowError {
                line,
                column: "referrer".into(),
                msg: Msg::new("error.unknown_code")
                    .arg("kind", "referrer")
                    .arg("value", "x")
                    .arg("allowed", "gp"),
            })
            .collect();
        for lang in [Lang::Nl, Lang::En] {
            let lines = error_lines(Catalog::get(lang), "t.csv", &errors);
            assert_eq!(lines.len(), 21);
            assert!(
                lines[0].starts_with("line 2, column referrer: "),
                "{}",
                lines[0]
            );
            assert!(lines[19].starts_with("line 21, column referrer: "));
            assert!(lines[20].contains("25"), "{}", lines[20]);
            assert!(lines[20].contains("20"), "{}", lines[20]);
        }
        let one = error_lines(Catalog::get(Lang::En), "t.csv", &errors[..1]);
        assert_eq!(one.len(), 2);
        assert!(one[1].contains("1 error"), "{}", one[1]);
    }

    #[test]
    fn summary_counts_cases_per_stage() {
        let text = "referred_on;intake_on\n2026-01-05;\n2026-01-05;2026-01-09\n2026-01-06;\n";
        let p = plan(text, "t.csv", d(TODAY), None).unwrap();
        let lines = summary_lines(Catalog::get(Lang::En), true, "t.csv", &p);
        assert_eq!(lines[1], "  Referred: 2");
        assert_eq!(lines[2], "  Intake: 1");
        assert!(lines[0].contains('3'), "{}", lines[0]);
        assert!(lines[3].contains('3'), "{}", lines[3]);
    }
}
