//! The export hook of the `e` key: what the current view shows, as a table
//! without names, written as CSV for Dutch Excel (`;`, UTF-8 with BOM),
//! readable by its owner only. The full exporters (csv, json, md, xlsx) can
//! take over behind `export_view`.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::domain::Msg;

use super::action::View;

/// Rows as shown on screen, with the column codes of SPEC 7.2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportTable {
    pub view: View,
    pub as_of: NaiveDate,
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

/// The default file name: the view and the date it shows.
pub fn default_file(dir: &Path, view: View, as_of: NaiveDate) -> PathBuf {
    dir.join(format!("stroom-{}-{as_of}.csv", view.code()))
}

/// Writes the table; returns the number of rows written.
pub fn export_view(table: &ExportTable, path: &Path) -> Result<usize, Msg> {
    let io = |e: &dyn std::fmt::Display| {
        Msg::new("error.io")
            .arg("path", path.display())
            .arg("reason", e)
    };
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| io(&e))?;
    // `mode` only applies to a new file: one written over is made private too.
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(|e| io(&e))?;
    }
    file.write_all("\u{feff}".as_bytes()).map_err(|e| io(&e))?;
    let mut w = csv::WriterBuilder::new().delimiter(b';').from_writer(file);
    w.write_record(&table.columns).map_err(|e| io(&e))?;
    for row in &table.rows {
        w.write_record(row.iter().map(|c| neutralise(c)))
            .map_err(|e| io(&e))?;
    }
    w.flush().map_err(|e| io(&e))?;
    Ok(table.rows.len())
}

/// A cell that a spreadsheet would read as a formula is made plain text.
fn neutralise(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn writes_semicolon_csv_with_bom_private_and_neutralised() {
        let dir = tempfile::tempdir().unwrap();
        let day = crate::domain::dates::parse_date("2026-11-22").unwrap();
        let path = default_file(dir.path(), View::Cases, day);
        assert!(path.ends_with("stroom-cases-2026-11-22.csv"));
        let table = ExportTable {
            view: View::Cases,
            as_of: day,
            columns: vec!["case_ref", "worker"],
            rows: vec![vec!["2026-0001".into(), "=cmd()".into()]],
        };
        assert_eq!(export_view(&table, &path).unwrap(), 1);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text, "\u{feff}case_ref;worker\n2026-0001;'=cmd()\n");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
