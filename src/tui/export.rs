//! The export hook of the `e` key: what the current view shows, without
//! names, through the same exporters as `stroom export` (a waitlist or
//! stoplight snapshot; the case list elsewhere). The file's extension picks
//! the format (csv, json, md, xlsx); the file is readable by its owner only.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use serde_json::json;

use crate::domain::{Case, Msg};
use crate::export::{Document, Format, generated_at, write_private_file};
use crate::present::i18n::Catalog;

use super::action::View;

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
/// provider, referral date and age.
pub fn case_list_document(cases: &[Case], as_of: NaiveDate, cat: &Catalog) -> Document {
    const COLUMNS: [&str; 7] = [
        "case_ref",
        "stage",
        "urgency",
        "worker",
        "provider",
        "referred_on",
        "age",
    ];
    let rows = cases
        .iter()
        .map(|c| {
            let row = json!({
                "case_ref": c.case_ref,
                "stage": c.stage,
                "urgency": c.urgency,
                "worker": c.worker,
                "provider": c.provider,
                "referred_on": c.referred_on,
                "age": c.age_on(as_of),
            });
            row.as_object().cloned().unwrap_or_default()
        })
        .collect();
    Document {
        title: cat.t("tui.view.cases").to_string(),
        as_of,
        generated_at: generated_at(),
        columns: COLUMNS.iter().map(|c| c.to_string()).collect(),
        headers: COLUMNS
            .iter()
            .map(|c| match *c {
                "age" => cat.t("column.age").to_string(),
                other => cat.t(&format!("field.{other}")).to_string(),
            })
            .collect(),
        rows,
        summary: Vec::new(),
        as_of_label: cat.t("report.as_of").to_string(),
        md_rows: Vec::new(),
        csv_rows: Vec::new(),
    }
}

/// Writes the document; returns the number of rows written.
pub fn export_view(doc: &Document, path: &Path) -> Result<usize, Msg> {
    write_private_file(&doc.render(format_for(path))?, path)?;
    Ok(doc.len())
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
        let doc = Document {
            title: String::new(),
            as_of: day,
            generated_at: String::new(),
            columns: vec!["case_ref".into(), "worker".into()],
            headers: vec![],
            rows: vec![
                serde_json::json!({"case_ref": "2026-0001", "worker": "=cmd()"})
                    .as_object()
                    .unwrap()
                    .clone(),
            ],
            summary: vec![],
            as_of_label: String::new(),
            md_rows: vec![],
            csv_rows: vec![],
        };
        assert_eq!(export_view(&doc, &path).unwrap(), 1);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text, "\u{feff}case_ref;worker\n2026-0001;'=cmd()\n");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
