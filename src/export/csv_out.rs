//! CSV for Dutch Excel: semicolons, a UTF-8 BOM, decimal commas, ISO dates
//! (which Excel reads as dates), and no cell that can start a formula. The
//! machine rows only, under the spec's keys, written as they are drawn.

use std::borrow::Cow;
use std::io::Write;

use super::document::{Cell, Document, Writer, io_error};
use super::{neutralise, safe_text, starts_formula};
use crate::domain::Msg;

pub struct Csv;

impl Writer for Csv {
    fn write(&self, doc: &Document, out: &mut dyn Write) -> Result<(), Msg> {
        out.write_all("\u{feff}".as_bytes())
            .map_err(|e| io_error("csv", e))?;
        let mut w = writer(out);
        let Some(table) = &doc.machine else {
            return Ok(());
        };
        w.write_record(&table.keys)
            .map_err(|e| io_error("csv", e))?;
        // Field by field: a text cell is written from the row as it is,
        // without a copy (a country's board is millions of cells).
        table.rows.each(&mut |row| {
            row.iter()
                .try_for_each(|c| w.write_field(cell(c).as_bytes()))
                .and_then(|()| w.write_record(std::iter::empty::<&[u8]>()))
                .map_err(|e| io_error("csv", e))
        })?;
        w.flush().map_err(|e| io_error("csv", e))
    }
}

/// The CSV writer of every export: semicolons, as Dutch Excel reads.
pub fn writer<W: Write>(out: W) -> csv::Writer<W> {
    csv::WriterBuilder::new().delimiter(b';').from_writer(out)
}

/// A cell as CSV text: figures with a decimal comma, dates ISO, text made
/// formula-safe and inert on a terminal (a CSV export often goes to stdout:
/// a name holding an escape sequence must not steer the terminal it is
/// printed on; Markdown and the screen clean text the same way).
pub fn cell(c: &Cell) -> Cow<'_, str> {
    match c {
        Cell::Empty => Cow::Borrowed(""),
        Cell::Text(s) | Cell::Code { code: s, .. } => formula_safe(safe_text(s)),
        Cell::Number { .. } => Cow::Owned(c.plain().replace('.', ",")),
        Cell::Int(_) | Cell::Date(_) | Cell::Flag { .. } => Cow::Owned(c.plain()),
        Cell::List { .. } | Cell::Pairs { .. } => Cow::Owned(neutralise(&safe_text(&c.plain()))),
    }
}

/// `neutralise` without a copy of the text that needs none.
fn formula_safe(s: Cow<'_, str>) -> Cow<'_, str> {
    match starts_formula(&s) {
        true => Cow::Owned(neutralise(&s)),
        false => s,
    }
}

#[cfg(test)]
mod tests {
    use super::super::document::{Rows, Table};
    use super::*;

    #[test]
    fn text_cells_hold_no_terminal_controls() {
        let hostile = Cell::text("Evil\u{1b}]52;c;SGVsbG8=\u{7}\u{1b}[31mRed\u{202e}");
        let shown = cell(&hostile);
        assert!(!shown.chars().any(|c| c.is_control()), "{shown:?}");
        assert!(!shown.contains('\u{202e}'));
        assert!(shown.starts_with("Evil ]52;c;SGVsbG8="), "{shown:?}");
    }

    #[test]
    fn dutch_excel_csv() {
        let table = Table {
            title: String::new(),
            sheet: String::new(),
            note: None,
            keys: vec![
                "case_ref".into(),
                "name".into(),
                "share".into(),
                "reasons".into(),
            ],
            headers: vec![],
            rows: Rows::Ready(vec![vec![
                Cell::text("2026-0001"),
                Cell::text("=HYPERLINK(\"x\")"),
                Cell::Number {
                    value: 0.25,
                    shown: String::new(),
                },
                Cell::List {
                    items: vec!["a".into(), "b".into()],
                    shown: String::new(),
                },
            ]]),
        };
        let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let doc = Document::list(String::new(), date, String::new(), table);
        let text = String::from_utf8(doc.render(super::super::Format::Csv).unwrap()).unwrap();
        assert_eq!(
            text,
            "\u{feff}case_ref;name;share;reasons\n2026-0001;\"'=HYPERLINK(\"\"x\"\")\";0,25;a,b\n"
        );
    }
}
