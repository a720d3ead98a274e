//! The export hook of the `e` key: what the current view shows, without
//! names, through the same exporters as `stroom export` (a waitlist or
//! stoplight snapshot; the case list elsewhere). The file's extension picks
//! the format (csv, json, md, xlsx); the file is readable by its owner only.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::compact::PackedMoment;
use crate::context::config::Config;
use crate::domain::{Case, Msg, Snapshot, six_weekly, stoplight};
use crate::export::{Cell, Document, Format, Table, write_private_file};
use crate::present::i18n::Catalog;
use crate::report::{self, ExportOptions};
use crate::store::{CaseFilter, Store};

use super::action::View;
use super::worker::Progress;

/// The default file name: the view and the date it shows.
pub fn default_file(dir: &Path, view: View, as_of: NaiveDate) -> PathBuf {
    dir.join(format!("stroom-{}-{as_of}.csv", view.code()))
}

/// The format a file name asks for; CSV unless it ends in another known
/// extension.
pub fn format_for(path: &Path) -> Format {
    path.extension()
        .and_then(|e| e.to_str())
        .and_then(|e| e.to_ascii_lowercase().parse().ok())
        .unwrap_or(Format::Csv)
}

/// The case list as shown (no names): reference, stage, urgency, worker,
/// provider, referral date and age; codes as they are (no labels).
pub fn case_list_document(cases: &[Case], as_of: NaiveDate, cat: &Catalog) -> Document<'static> {
    const COLUMNS: [&str; 7] = [
        "case_ref",
        "stage",
        "urgency",
        "worker",
        "provider",
        "referred_on",
        "age",
    ];
    let text = |s: &Option<String>| Cell::or_empty(s.clone(), Cell::Text);
    let rows = cases
        .iter()
        .map(|c| {
            vec![
                Cell::text(&c.case_ref),
                Cell::text(c.stage.code()),
                Cell::text(c.urgency.code()),
                text(&c.worker),
                text(&c.provider),
                Cell::Date(c.referred_on),
                Cell::or_empty(c.age_on(as_of), Cell::int),
            ]
        })
        .collect::<Vec<_>>();
    let table = Table {
        title: String::new(),
        sheet: "data".into(),
        note: None,
        keys: COLUMNS.iter().map(|c| c.to_string()).collect(),
        headers: COLUMNS
            .iter()
            .map(|c| match *c {
                "age" => cat.t("column.age").to_string(),
                other => cat.t(&format!("field.{other}")).to_string(),
            })
            .collect(),
        rows: rows.into(),
    };
    let title = cat.t("tui.view.cases").to_string();
    Document::list(title, as_of, cat.t("report.as_of").to_string(), table)
}

/// Writes the document; returns the number of rows written.
pub fn export_view(doc: &Document, path: &Path) -> Result<usize, Msg> {
    write_private_file(&doc.render(format_for(path))?, path)?;
    Ok(doc.len())
}

/// What an export from a view writes, with the data it needs owned: the
/// job runs on the UI's worker (issue 17), so it reads the store itself.
#[derive(Debug, Clone)]
pub enum ExportSource {
    /// The evaluation section of view 1: the moments already loaded
    /// (compact; unpacked on the worker).
    Evaluations(Vec<PackedMoment>),
    Waitlist,
    /// The board as rows (csv, json).
    Stoplight,
    /// The board as the stoplight report (md, xlsx): now and six weeks
    /// before, as `stroom report stoplight` writes it.
    BoardReport,
    /// The case list as filtered: a past date's cases in memory, or the
    /// filter to page the database with.
    Cases {
        memory: Option<Vec<Case>>,
        filter: CaseFilter,
    },
}

/// An export asked for in the UI: the file, and the date it shows.
#[derive(Clone)]
pub struct ExportJob {
    pub source: ExportSource,
    pub path: PathBuf,
    pub cat: &'static Catalog,
    pub config: Config,
    /// The date the view shows.
    pub shown: NaiveDate,
    pub today: NaiveDate,
    /// Looking back: every case as of `shown` is read (the past snapshot).
    pub past: bool,
}

/// The rows loads a live view's export reads.
type Load = fn(&Store, NaiveDate, NaiveDate) -> Result<Snapshot, Msg>;

impl ExportJob {
    /// Reads, renders and writes the file (owner-only, through the same
    /// exporters as `stroom export`); returns the number of rows.
    pub fn run(&self, store: &Store, progress: &Progress<'_>) -> Result<usize, Msg> {
        progress.report(0, Some(3))?;
        let format = format_for(&self.path);
        let (bytes, count) = match &self.source {
            ExportSource::BoardReport => self.board_report(store, format, progress)?,
            _ => self.render(store, format, progress)?,
        };
        progress.report(2, Some(3))?;
        write_private_file(&bytes, &self.path)?;
        Ok(count)
    }

    fn options(&self) -> ExportOptions<'static> {
        ExportOptions {
            catalog: self.cat,
            with_names: false,
        }
    }

    /// The cases the view shows: looking back every case of that date;
    /// live, only what the export needs (`live`).
    fn snapshot(&self, store: &Store, live: Load) -> Result<Snapshot, Msg> {
        match self.past {
            true => store.snapshot(self.shown, self.today),
            false => live(store, self.shown, self.today),
        }
    }

    /// What the view shows, without names, rendered; the waiting lists and
    /// the stoplight through the same builders as `stroom export`.
    fn render(
        &self,
        store: &Store,
        format: Format,
        progress: &Progress<'_>,
    ) -> Result<(Vec<u8>, usize), Msg> {
        let options = self.options();
        let written = |doc: Document| -> Result<(Vec<u8>, usize), Msg> {
            progress.report(1, Some(3))?;
            Ok((doc.render(format)?, doc.len()))
        };
        match &self.source {
            ExportSource::Evaluations(moments) => {
                let rows: Vec<_> = moments.iter().map(PackedMoment::unpack).collect();
                written(report::evaluations(&rows, self.shown, &options))
            }
            ExportSource::Waitlist => {
                let snapshot = self.snapshot(store, Store::waitlist_snapshot)?;
                written(report::waitlist(
                    &snapshot,
                    &self.config.norms,
                    None,
                    &options,
                ))
            }
            ExportSource::Stoplight | ExportSource::BoardReport => {
                let snapshot = self.snapshot(store, Store::stoplight_snapshot)?;
                let codes = self.config.precondition_codes();
                written(report::stoplight(
                    &snapshot,
                    &codes,
                    self.config.norms.care,
                    &options,
                ))
            }
            ExportSource::Cases { memory, filter } => {
                let cases = match memory {
                    Some(all) => Cow::Borrowed(all),
                    None => Cow::Owned(store.cases_after(filter, None, usize::MAX)?),
                };
                written(case_list_document(&cases, self.shown, self.cat))
            }
        }
    }

    /// The stoplight report of the shown date against six weeks before;
    /// the count is the board's rows.
    fn board_report(
        &self,
        store: &Store,
        format: Format,
        progress: &Progress<'_>,
    ) -> Result<(Vec<u8>, usize), Msg> {
        let now = store.snapshot(self.shown, self.today)?;
        let previous = store.snapshot(six_weekly::previous_date(now.as_of), self.today)?;
        progress.report(1, Some(3))?;
        let doc = report::stoplight_report(
            &now,
            &previous,
            &self.config.preconditions,
            self.config.norms.care,
            &self.options(),
        );
        let codes = self.config.precondition_codes();
        let count = stoplight::stoplight(&now, &codes, self.config.norms.care).len();
        Ok((doc.render(format)?, count))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn writes_the_format_of_the_extension_privately() {
        let dir = tempfile::tempdir().unwrap();
        let day = crate::domain::dates::parse_date("2026-11-22").unwrap();
        let path = default_file(dir.path(), View::Cases, day);
        assert!(path.ends_with("stroom-cases-2026-11-22.csv"));
        assert_eq!(format_for(Path::new("x.XLSX")), Format::Xlsx);
        assert_eq!(format_for(Path::new("x")), Format::Csv);
        let table = Table {
            title: String::new(),
            sheet: String::new(),
            note: None,
            keys: vec!["case_ref".into(), "worker".into()],
            headers: vec![],
            rows: vec![vec![Cell::text("2026-0001"), Cell::text("=cmd()")]].into(),
        };
        let doc = Document::list(String::new(), day, String::new(), table);
        assert_eq!(export_view(&doc, &path).unwrap(), 1);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text, "\u{feff}case_ref;worker\n2026-0001;'=cmd()\n");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
