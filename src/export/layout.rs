//! A report for people in sections: a title, sentences in plain words,
//! headline figures, then titled tables of typed cells. Markdown shows the
//! cells as text; XLSX keeps numbers and dates typed, one sheet per table.

use chrono::NaiveDate;

use super::{Format, md, xlsx};
use crate::domain::Msg;

/// One cell: text as shown, a number with how it is shown, or a date.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    /// A figure and its text for people ("8,3 %", "+4,2 procentpunt").
    Number {
        value: f64,
        shown: String,
    },
    Date(NaiveDate),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    pub fn int(n: impl TryInto<i64>) -> Cell {
        Cell::Int(n.try_into().unwrap_or(i64::MAX))
    }

    /// The text a reader sees.
    pub fn shown(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Number { shown, .. } => shown.clone(),
            Cell::Date(d) => d.to_string(),
        }
    }

    /// Whether the cell is a figure (right-aligned in Markdown).
    pub fn is_figure(&self) -> bool {
        matches!(self, Cell::Int(_) | Cell::Number { .. })
    }
}

/// A titled table; in XLSX a sheet named `sheet`.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub title: String,
    pub sheet: String,
    /// A line that explains the table (a legend), shown with it.
    pub note: Option<String>,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// A report in sections, in reading order.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub title: String,
    /// A line under the title, e.g. "Peildatum: 2026-11-22".
    pub subtitle: Option<String>,
    /// What the figures mean, in sentences, first.
    pub lines: Vec<String>,
    /// Headline figures: label and value.
    pub summary: Vec<(String, Cell)>,
    /// Name of the XLSX sheet holding title, lines and summary.
    pub summary_sheet: String,
    pub tables: Vec<Table>,
}

impl Report {
    /// Markdown or XLSX; other formats carry the machine-readable rows and
    /// are written from a `Document`.
    pub fn render(&self, format: Format) -> Result<Vec<u8>, Msg> {
        match format {
            Format::Md => Ok(md::render_report(self).into_bytes()),
            Format::Xlsx => xlsx::render_report(self),
            Format::Csv | Format::Json => Err(Msg::new("error.unknown_code")
                .arg("kind", "format")
                .arg("value", format.extension())
                .arg("allowed", "md, xlsx")),
        }
    }
}
