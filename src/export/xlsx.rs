//! XLSX: a summary sheet, then the data with a bold frozen header row, typed
//! numbers, dates and flags, and columns wide enough to read.

use std::io::Write;

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use super::document::{Cell, Document, Layout, Table, Writer, io_error};
use super::is_date_column;
use crate::domain::Msg;

fn xlsx_err(e: XlsxError) -> Msg {
    io_error("xlsx", e)
}

pub struct Xlsx;

impl Writer for Xlsx {
    fn write(&self, doc: &Document, out: &mut dyn Write) -> Result<(), Msg> {
        let bytes = match doc.layout {
            Layout::List => list(doc),
            // Prose (the minutes) is not offered in XLSX (`Minutes::FORMATS`):
            // its running text has no sheet shape; the title sheet only.
            Layout::Chapters | Layout::Prose => chapters(doc),
        }
        .map_err(xlsx_err)?;
        out.write_all(&bytes).map_err(|e| io_error("xlsx", e))
    }
}

/// Above this many rows a sheet is written in low-memory mode: each row
/// goes to a temporary file as it is written, so a board of a million
/// cases is not held as cells. Smaller sheets stay as they always were
/// (low memory orders the shared strings differently; Excel reads the same).
const LOW_MEMORY_ROWS: usize = 10_000;

fn sheet_for<'b>(book: &'b mut Workbook, table: &Table) -> Result<&'b mut Worksheet, XlsxError> {
    if table.rows.len() > LOW_MEMORY_ROWS {
        return book.add_worksheet_with_low_memory();
    }
    Ok(book.add_worksheet())
}

/// A list: a summary sheet named after the title, then the rows on a
/// `data` sheet under the spec's keys.
fn list(doc: &Document) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("dd-mm-yyyy");
    summary_sheet(book.add_worksheet(), doc, &bold, &date)?;
    if let Some(table) = doc.listing() {
        data_sheet(sheet_for(&mut book, table)?, table, &bold, &date)?;
    }
    book.save_to_buffer()
}

fn summary_sheet(
    sheet: &mut Worksheet,
    doc: &Document,
    bold: &Format,
    date: &Format,
) -> Result<(), XlsxError> {
    sheet.set_name(truncate(&doc.title, 31))?;
    sheet.write_string_with_format(0, 0, &doc.title, bold)?;
    write_text(sheet, 1, 0, &doc.as_of_label)?;
    write_date(sheet, 1, 1, &doc.as_of.to_string(), date)?;
    for (i, (label, value)) in doc.summary.iter().enumerate() {
        let row = 3 + i as u32;
        write_text(sheet, row, 0, label)?;
        match value {
            Cell::Int(n) => {
                sheet.write_number(row, 1, *n as f64)?;
            }
            Cell::Number { value, .. } => {
                sheet.write_number(row, 1, *value)?;
            }
            other => write_text(sheet, row, 1, &other.shown())?,
        }
    }
    sheet.set_column_width(0, 48)?;
    sheet.set_column_width(1, 14)?;
    Ok(())
}

fn data_sheet(
    sheet: &mut Worksheet,
    table: &Table,
    bold: &Format,
    date: &Format,
) -> Result<(), XlsxError> {
    sheet.set_name("data")?;
    let mut widths: Vec<usize> = table.keys.iter().map(|c| c.chars().count()).collect();
    for (col, name) in table.keys.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, name, bold)?;
    }
    each_row(table, |r, cells| {
        for (col, cell) in cells.iter().enumerate() {
            if let Some(w) = data_cell(sheet, r, col as u16, cell, date)? {
                widths[col] = widths[col].max(w);
            }
        }
        Ok(())
    })?;
    for (col, w) in widths.iter().enumerate() {
        let w = if is_date_column(&table.keys[col]) {
            (*w).max(11)
        } else {
            *w
        };
        sheet.set_column_width(col as u16, (w + 2).min(60) as f64)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// Walks a table's rows with their sheet row (from 1, under the header);
/// returns how many there were. Drawing packed or ready rows cannot fail,
/// so the walk stops only on the workbook's own error, which it returns.
fn each_row(
    table: &Table,
    mut write: impl FnMut(u32, &[Cell]) -> Result<(), XlsxError>,
) -> Result<u32, XlsxError> {
    let mut r = 0;
    let mut failure = None;
    let _ = table.rows.each(&mut |cells| {
        r += 1;
        write(r, cells).map_err(|e| {
            failure = Some(e);
            // Only ends the walk; the workbook's error is what is told.
            Msg::new("error.io")
        })
    });
    failure.map_or(Ok(r), Err)
}

/// One machine cell, typed; the width of its text when it is text.
fn data_cell(
    sheet: &mut Worksheet,
    r: u32,
    c: u16,
    cell: &Cell,
    date: &Format,
) -> Result<Option<usize>, XlsxError> {
    match cell {
        Cell::Empty => {}
        Cell::Flag { value, .. } => {
            sheet.write_boolean(r, c, *value)?;
        }
        Cell::Int(n) => {
            sheet.write_number(r, c, *n as f64)?;
        }
        Cell::Number { value, .. } => {
            sheet.write_number(r, c, *value)?;
        }
        Cell::Date(d) => write_date(sheet, r, c, &d.to_string(), date)?,
        other => {
            let text = other.plain();
            write_text(sheet, r, c, &text)?;
            return Ok(Some(text.chars().count()));
        }
    }
    Ok(None)
}

/// An ISO date as a real Excel date; anything else as text.
fn write_date(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    s: &str,
    date: &Format,
) -> Result<(), XlsxError> {
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
fn write_text(sheet: &mut Worksheet, row: u32, col: u16, s: &str) -> Result<(), XlsxError> {
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

/// Chapters: a summary sheet (title, sentences, headline figures), then
/// one sheet per table with a bold frozen header row, typed cells and
/// columns as wide as their text.
fn chapters(r: &Document) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let styles = Styles {
        bold: Format::new().set_bold(),
        date: Format::new().set_num_format("dd-mm-yyyy"),
        decimal: Format::new().set_num_format("0.0"),
    };
    report_summary(book.add_worksheet(), r, &styles)?;
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
        table_sheet(sheet_for(&mut book, table)?, &name, table, &styles)?;
    }
    book.save_to_buffer()
}

struct Styles {
    bold: Format,
    date: Format,
    decimal: Format,
}

fn report_summary(sheet: &mut Worksheet, r: &Document, s: &Styles) -> Result<(), XlsxError> {
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
    table: &Table,
    s: &Styles,
) -> Result<(), XlsxError> {
    sheet.set_name(name)?;
    let mut widths: Vec<usize> = table.headers.iter().map(|h| h.chars().count()).collect();
    for (col, header) in table.headers.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, header, &s.bold)?;
    }
    let rows = each_row(table, |r, cells| {
        for (col, cell) in cells.iter().enumerate() {
            write_cell(sheet, r, col as u16, cell, s)?;
            if let Some(w) = widths.get_mut(col) {
                let shown = match cell {
                    Cell::Date(_) => 10,
                    other => other.shown().chars().count(),
                };
                *w = (*w).max(shown);
            }
        }
        Ok(())
    })?;
    if let Some(note) = &table.note {
        write_text(sheet, rows + 2, 0, note)?;
    }
    for (col, w) in widths.iter().enumerate() {
        sheet.set_column_width(col as u16, (w + 2).min(60) as f64)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// A cell for people: figures and dates typed, everything else as shown.
fn write_cell(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    s: &Styles,
) -> Result<(), XlsxError> {
    match cell {
        Cell::Empty => Ok(()),
        Cell::Int(n) => sheet.write_number(row, col, *n as f64).map(|_| ()),
        Cell::Number { value, .. } => sheet
            .write_number_with_format(row, col, *value, &s.decimal)
            .map(|_| ()),
        Cell::Date(d) => write_date(sheet, row, col, &d.to_string(), &s.date),
        other => write_text(sheet, row, col, &other.shown()),
    }
}
