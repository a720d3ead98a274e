//! XLSX: a summary sheet, then the data with a bold frozen header row, typed
//! numbers, dates and flags, and columns wide enough to read.

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet};
use serde_json::Value;

use super::{Document, is_date_column, plain};
use crate::domain::Msg;

fn xlsx_err(e: rust_xlsxwriter::XlsxError) -> Msg {
    Msg::new("error.io").arg("path", "xlsx").arg("reason", e)
}

pub fn render(doc: &Document) -> Result<Vec<u8>, Msg> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("dd-mm-yyyy");
    summary_sheet(book.add_worksheet(), doc, &bold, &date).map_err(xlsx_err)?;
    data_sheet(book.add_worksheet(), doc, &bold, &date).map_err(xlsx_err)?;
    book.save_to_buffer().map_err(xlsx_err)
}

fn summary_sheet(
    sheet: &mut Worksheet,
    doc: &Document,
    bold: &Format,
    date: &Format,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    sheet.set_name(truncate(&doc.title, 31))?;
    sheet.write_string_with_format(0, 0, &doc.title, bold)?;
    write_text(sheet, 1, 0, &doc.as_of_label)?;
    write_date(sheet, 1, 1, &doc.as_of.to_string(), date)?;
    for (i, (label, value)) in doc.summary.iter().enumerate() {
        let row = 3 + i as u32;
        write_text(sheet, row, 0, label)?;
        match value.parse::<f64>() {
            Ok(n) => {
                sheet.write_number(row, 1, n)?;
            }
            Err(_) => write_text(sheet, row, 1, value)?,
        }
    }
    sheet.set_column_width(0, 48)?;
    sheet.set_column_width(1, 14)?;
    Ok(())
}

fn data_sheet(
    sheet: &mut Worksheet,
    doc: &Document,
    bold: &Format,
    date: &Format,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    sheet.set_name("data")?;
    let mut widths: Vec<usize> = doc.columns.iter().map(|c| c.chars().count()).collect();
    for (col, name) in doc.columns.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, name, bold)?;
    }
    for (r, row) in doc.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (col, name) in doc.columns.iter().enumerate() {
            let v = row.get(name).unwrap_or(&Value::Null);
            let c = col as u16;
            match v {
                Value::Null => {}
                Value::Bool(b) => {
                    sheet.write_boolean(r, c, *b)?;
                }
                Value::Number(n) => {
                    sheet.write_number(r, c, n.as_f64().unwrap_or_default())?;
                }
                Value::String(s) if is_date_column(name) => write_date(sheet, r, c, s, date)?,
                other => {
                    let text = plain(other);
                    widths[col] = widths[col].max(text.chars().count());
                    write_text(sheet, r, c, &text)?;
                }
            }
        }
    }
    for (col, w) in widths.iter().enumerate() {
        let w = if is_date_column(&doc.columns[col]) {
            (*w).max(11)
        } else {
            *w
        };
        sheet.set_column_width(col as u16, (w + 2).min(60) as f64)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// An ISO date as a real Excel date; anything else as text.
fn write_date(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    s: &str,
    date: &Format,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    match chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        Ok(d) => {
            use chrono::Datelike;
            let x = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
            sheet.write_date_with_format(row, col, &x, date)?;
        }
        Err(_) => {
            write_text(sheet, row, col, s)?;
        }
    }
    Ok(())
}

/// The most characters Excel holds in one cell.
const CELL_LIMIT: usize = 32_767;
/// Ends a cell that was cut to fit: visible, so no one takes it as whole.
const CUT_MARK: &str = " …[✂]";

/// A text cell; one longer than Excel allows is cut with a visible mark
/// instead of failing the whole workbook.
fn write_text(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    s: &str,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    if s.chars().count() <= CELL_LIMIT {
        sheet.write_string(row, col, s)?;
        return Ok(());
    }
    let keep = CELL_LIMIT - CUT_MARK.chars().count();
    let cut: String = s.chars().take(keep).chain(CUT_MARK.chars()).collect();
    sheet.write_string(row, col, cut)?;
    Ok(())
}

/// Sheet names are at most 31 characters and may not hold `[]:*?/\`.
fn truncate(s: &str, n: usize) -> String {
    s.chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(n)
        .collect()
}

/// A report in sections: a summary sheet (title, sentences, headline
/// figures), then one sheet per table with a bold frozen header row, typed
/// cells and columns as wide as their text.
pub fn render_report(r: &super::Report) -> Result<Vec<u8>, Msg> {
    let mut book = Workbook::new();
    let styles = Styles {
        bold: Format::new().set_bold(),
        date: Format::new().set_num_format("dd-mm-yyyy"),
        decimal: Format::new().set_num_format("0.0"),
    };
    report_summary(book.add_worksheet(), r, &styles).map_err(xlsx_err)?;
    let mut used = vec![truncate(&r.summary_sheet, 31)];
    for table in &r.tables {
        let mut name = truncate(&table.sheet, 31);
        // Sheet names must differ; a second "Per zorgvorm" gets a number.
        let base = name.clone();
        let mut n = 2;
        while used.contains(&name) {
            name = format!("{} {n}", truncate(&base, 28));
            n += 1;
        }
        used.push(name.clone());
        table_sheet(book.add_worksheet(), &name, table, &styles).map_err(xlsx_err)?;
    }
    book.save_to_buffer().map_err(xlsx_err)
}

struct Styles {
    bold: Format,
    date: Format,
    decimal: Format,
}

fn report_summary(
    sheet: &mut Worksheet,
    r: &super::Report,
    s: &Styles,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    sheet.set_name(truncate(&r.summary_sheet, 31))?;
    sheet.write_string_with_format(0, 0, &r.title, &s.bold)?;
    let mut row = 1;
    for line in r.subtitle.iter().chain(&r.lines) {
        write_text(sheet, row, 0, line)?;
        row += 1;
    }
    row += 1;
    for (label, value) in &r.summary {
        write_text(sheet, row, 0, label)?;
        write_cell(sheet, row, 1, value, s)?;
        row += 1;
    }
    sheet.set_column_width(0, 48)?;
    sheet.set_column_width(1, 16)?;
    Ok(())
}

fn table_sheet(
    sheet: &mut Worksheet,
    name: &str,
    table: &super::Table,
    s: &Styles,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    sheet.set_name(name)?;
    let mut widths: Vec<usize> = table.headers.iter().map(|h| h.chars().count()).collect();
    for (col, header) in table.headers.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, header, &s.bold)?;
    }
    for (r, cells) in table.rows.iter().enumerate() {
        for (col, cell) in cells.iter().enumerate() {
            write_cell(sheet, r as u32 + 1, col as u16, cell, s)?;
            if let Some(w) = widths.get_mut(col) {
                let shown = match cell {
                    super::Cell::Date(_) => 10,
                    other => other.shown().chars().count(),
                };
                *w = (*w).max(shown);
            }
        }
    }
    if let Some(note) = &table.note {
        write_text(sheet, table.rows.len() as u32 + 2, 0, note)?;
    }
    for (col, w) in widths.iter().enumerate() {
        sheet.set_column_width(col as u16, (w + 2).min(60) as f64)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

fn write_cell(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &super::Cell,
    s: &Styles,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    match cell {
        super::Cell::Text(t) => write_text(sheet, row, col, t).map(|_| ()),
        super::Cell::Int(n) => sheet.write_number(row, col, *n as f64).map(|_| ()),
        super::Cell::Number { value, .. } => sheet
            .write_number_with_format(row, col, *value, &s.decimal)
            .map(|_| ()),
        super::Cell::Date(d) => write_date(sheet, row, col, &d.to_string(), &s.date),
    }
}
