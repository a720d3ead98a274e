//! Exports render a `Document` (title, headline figures, tables of typed
//! cells, see `document`) as CSV, JSON, Markdown or XLSX. The rules decide
//! the figures and `report` builds the documents; this module only writes
//! them down, the same way for every document.
//!
//! A new file format: a variant of `Format` and a row in `FORMATS`
//! (`format.rs`), and a file here with its `Writer`.

mod booklet;
mod csv_out;
pub mod document;
mod format;
mod html;
mod json;
mod md;
mod sorted_rows;
mod xlsx;

pub use booklet::{Booklet, Chart, ChartKind, Figure, Section, Series};
pub use csv_out::writer as csv_writer;
pub use document::{Block, Bullet, Cell, Document, Layout, Rows, Table, Writer, generated_at};
pub use format::{FORMATS, Format, FormatSpec};
pub use sorted_rows::SortedRows;

use std::path::Path;

use serde_json::Value;

use crate::domain::Msg;

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

/// Writes a document in `format` to stdout, or to `path` by the rule of
/// `crate::outfile` with its rows drawn as the file is written (so a long
/// export is never held whole in memory on its way to a file).
pub fn write_document(doc: &Document, format: Format, path: Option<&Path>) -> Result<(), Msg> {
    match path {
        None => crate::outfile::stdout(&doc.render(format)?),
        Some(path) => crate::outfile::write_with(path, &mut |out| format.writer().write(doc, out)),
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
    match starts_formula(s) {
        true => format!("'{s}"),
        false => s.to_string(),
    }
}

/// Whether a spreadsheet would read `s` as a formula (see `neutralise`).
pub fn starts_formula(s: &str) -> bool {
    matches!(s.chars().next(), Some('=' | '+' | '-' | '@' | '\t' | '\r'))
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
