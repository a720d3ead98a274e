//! Exports render a `Document` (rows keyed by the spec's names, plus a short
//! summary) as CSV, JSON, Markdown or XLSX. The rules decide the figures;
//! this module only writes them down, the same way for every report. A new
//! file format goes here; the documents themselves are built in `report`.

mod booklet;
mod csv_out;
mod html;
mod layout;
mod md;
mod xlsx;

pub use booklet::{Booklet, Chart, ChartKind, Figure, Section, Series};
pub use layout::{Cell, Report, Table};

use std::path::Path;
use std::str::FromStr;

use chrono::NaiveDate;
use serde_json::{Map, Value};

use crate::domain::Msg;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
    Md,
    Xlsx,
}

impl FromStr for Format {
    type Err = Msg;
    fn from_str(s: &str) -> Result<Format, Msg> {
        match s {
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            "md" => Ok(Format::Md),
            "xlsx" => Ok(Format::Xlsx),
            other => Err(Msg::new("error.unknown_code")
                .arg("kind", "format")
                .arg("value", other)
                .arg("allowed", "csv, json, md, xlsx")),
        }
    }
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Md => "md",
            Format::Xlsx => "xlsx",
        }
    }
}

/// A report ready to be written: the JSON rows with the spec's keys, the
/// columns in order (also when there are no rows), and for people a title,
/// summary lines and readable column headers.
#[derive(Debug, Clone)]
pub struct Document {
    pub title: String,
    pub as_of: NaiveDate,
    pub generated_at: String,
    pub columns: Vec<String>,
    pub headers: Vec<String>,
    /// The rows as JSON objects with the spec's keys: what JSON and XLSX
    /// are written from, and CSV or Markdown when their own cells are empty.
    /// A builder that knows the format fills only the form it needs.
    pub rows: Vec<Map<String, Value>>,
    /// (label, value) lines shown before the table in Markdown and XLSX.
    pub summary: Vec<(String, String)>,
    /// Label of the `as_of` line ("Peildatum").
    pub as_of_label: String,
    /// Human-readable cells for Markdown (same order as `columns`); when
    /// empty, the raw values are shown.
    pub md_rows: Vec<Vec<String>>,
    /// CSV cells, formula-safe, in the order of `columns`; when empty, CSV
    /// is written from `rows`.
    pub csv_rows: Vec<Vec<String>>,
}

impl Document {
    /// How many rows the document holds, in whichever form it was built.
    pub fn len(&self) -> usize {
        self.rows
            .len()
            .max(self.csv_rows.len())
            .max(self.md_rows.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The JSON form of SPEC 7.2: `{"as_of", "generated_at", "rows"}`.
    pub fn to_json(&self) -> Value {
        let mut top = Map::new();
        top.insert("as_of".into(), Value::String(self.as_of.to_string()));
        top.insert(
            "generated_at".into(),
            Value::String(self.generated_at.clone()),
        );
        top.insert(
            "rows".into(),
            Value::Array(self.rows.iter().cloned().map(Value::Object).collect()),
        );
        Value::Object(top)
    }

    pub fn render(&self, format: Format) -> Result<Vec<u8>, Msg> {
        match format {
            Format::Json => {
                let mut out = serde_json::to_vec_pretty(&self.to_json()).expect("json");
                out.push(b'\n');
                Ok(out)
            }
            Format::Csv => csv_out::render(self),
            Format::Md => Ok(md::render(self).into_bytes()),
            Format::Xlsx => xlsx::render(self),
        }
    }
}

/// The moment of an export, as recorded in it.
pub fn generated_at() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Whether a column holds dates (typed as dates in XLSX).
pub fn is_date_column(key: &str) -> bool {
    key.ends_with("_on") || key.ends_with("_since") || key == "birth_date" || key == "as_of"
}

/// Writes to stdout, or to `path` by the rule of `crate::outfile`.
pub fn write_output(bytes: &[u8], path: Option<&Path>) -> Result<(), Msg> {
    match path {
        None => crate::outfile::stdout(bytes),
        Some(path) => write_private_file(bytes, path),
    }
}

/// Writes a file by the one rule of `crate::outfile`: a new or own regular
/// file atomically and private, a device, FIFO or link through, never
/// replacing what stroom did not make.
pub fn write_private_file(bytes: &[u8], path: &Path) -> Result<(), Msg> {
    crate::outfile::write(bytes, path)
}

/// Text that cannot start a formula in a spreadsheet: a leading `=`, `+`,
/// `-`, `@` (or tab / carriage return) gets a `'` in front.
pub fn neutralise(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_string(),
    }
}

/// Removes control characters (terminal escape sequences among them) from
/// text meant for a screen or a document.
pub fn strip_controls(s: &str) -> String {
    safe_text(s).into_owned()
}

/// Whether a character could steer a terminal or reorder what is shown:
/// C0/C1 controls (ESC starts every escape sequence; OSC 52 would write the
/// clipboard) and the bidirectional overrides that make text read
/// differently from what it holds.
fn is_unsafe_char(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// User text (names, notes, decisions, workers, providers) made harmless for
/// a terminal or a document: every control or bidi-override character
/// becomes a space, so an escape sequence shows as inert text. The stored
/// value keeps what was typed; only what is drawn is cleaned. Borrows when
/// there is nothing to clean, which is nearly always.
pub fn safe_text(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(is_unsafe_char) {
        std::borrow::Cow::Owned(
            s.chars()
                .map(|c| if is_unsafe_char(c) { ' ' } else { c })
                .collect(),
        )
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// A value as one line of text: lists joined with commas, objects as
/// `key=value` pairs.
pub fn plain(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => items.iter().map(plain).collect::<Vec<_>>().join(","),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| format!("{k}={}", plain(v)))
            .collect::<Vec<_>>()
            .join(","),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("+31 6"), "'+31 6");
        assert_eq!(neutralise("-1"), "'-1");
        assert_eq!(neutralise("@SUM"), "'@SUM");
        assert_eq!(neutralise("Daan"), "Daan");
    }

    #[test]
    fn controls_are_stripped() {
        assert_eq!(strip_controls("a\u{1b}[31mb\n"), "a [31mb ");
    }

    #[test]
    fn escape_sequences_and_bidi_overrides_are_made_inert() {
        let hostile = "Daan\u{1b}[2J\u{1b}]52;c;ZXZpbA==\u{7}\u{9b}31m\u{202e}gnp.exe";
        let shown = safe_text(hostile);
        assert!(!shown.chars().any(is_unsafe_char), "{shown:?}");
        assert_eq!(shown, "Daan [2J ]52;c;ZXZpbA==  31m gnp.exe");
        assert!(matches!(
            safe_text("Sanne de Vries"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
