//! The file as a table: UTF-8 text (with or without BOM), `,` or `;`
//! separated, a header row naming the columns of SPEC 7.1.

use std::path::Path;

use super::column::Column;
use super::{ImportError, RowError};
use crate::domain::Msg;

/// Reads the file as UTF-8 text without its BOM. A file in another encoding
/// (Excel's "CSV" is Windows-1252) is refused with the line of its first
/// byte that is not UTF-8.
pub fn read_text(path: &Path) -> Result<String, Msg> {
    let bytes = std::fs::read(path).map_err(|e| {
        Msg::new("import.cannot_read")
            .arg("path", path.display())
            .arg("reason", e)
    })?;
    decode(bytes).map_err(|line| {
        Msg::new("import.not_utf8")
            .arg("path", path.display())
            .arg("line", line)
    })
}

/// The text of the bytes, or the line of the first byte that is not UTF-8.
fn decode(mut bytes: Vec<u8>) -> Result<String, u64> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        1 + valid.iter().filter(|b| **b == b'\n').count() as u64
    })
}

/// `;` when the header row has more semicolons than commas outside quotes
/// (Dutch Excel), `,` otherwise.
fn delimiter(text: &str) -> u8 {
    let mut quoted = false;
    let (mut semicolons, mut commas) = (0, 0);
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted => break,
            ';' if !quoted => semicolons += 1,
            ',' if !quoted => commas += 1,
            _ => {}
        }
    }
    if semicolons > commas { b';' } else { b',' }
}

/// Line numbers of record starts. The csv reader's own line count goes
/// wrong with Windows line ends, and its offsets may point at the line ends
/// (and blank lines) before a record: those are skipped here.
struct LineCounter<'a> {
    text: &'a [u8],
    offset: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> LineCounter<'a> {
        LineCounter {
            text: text.as_bytes(),
            offset: 0,
            line: 1,
        }
    }

    /// The line of the record found at byte `offset` (records come in order).
    fn line_at(&mut self, offset: u64) -> u64 {
        let mut start = (offset as usize).clamp(self.offset, self.text.len());
        while matches!(self.text.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        let newlines = self.text[self.offset..start]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        self.line += newlines as u64;
        self.offset = start;
        self.line
    }
}

/// One data row: its line in the file and its non-empty values by column.
#[derive(Debug)]
pub struct Record<'a> {
    pub line: u64,
    pub cells: Vec<(Column, &'a str)>,
}

/// The parsed file: the columns of the header and the data rows.
pub struct Table {
    header: Vec<Option<Column>>,
    records: Vec<(u64, csv::StringRecord)>,
}

impl Table {
    /// Parses the text; a header that names unknown or doubled columns, or
    /// lacks `referred_on`, is refused with every such problem.
    pub fn parse(text: &str, shown_path: &str) -> Result<Table, ImportError> {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter(text))
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut records = Vec::new();
        let mut lines = LineCounter::new(text);
        for record in reader.records() {
            let record = record.map_err(|e| {
                Msg::new("import.unreadable")
                    .arg("path", shown_path)
                    .arg("reason", e)
            })?;
            let line = lines.line_at(record.position().map_or(0, |p| p.byte()));
            records.push((line, record));
        }
        if records.is_empty() {
            return Err(Msg::new("import.empty").arg("path", shown_path).into());
        }
        let (line, head) = records.remove(0);
        let header = parse_header(line, &head)?;
        Ok(Table { header, records })
    }

    /// The number of data rows (blank ones included).
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// The data rows with their values by column; rows in which every value
    /// is blank (spreadsheet leftovers) are skipped. A row whose number of
    /// values differs from the header's is an error: its values would land
    /// in the wrong columns.
    pub fn rows(&self) -> impl Iterator<Item = Result<Record<'_>, RowError>> {
        self.records
            .iter()
            .filter(|(_, r)| r.iter().any(|v| !v.trim().is_empty()))
            .map(|(line, r)| self.record(*line, r))
    }

    fn record<'a>(&self, line: u64, r: &'a csv::StringRecord) -> Result<Record<'a>, RowError> {
        if r.len() != self.header.len() {
            let column = match self.header.get(r.len()) {
                Some(Some(c)) => c.name().to_string(),
                _ => (r.len().min(self.header.len()) + 1).to_string(),
            };
            return Err(RowError {
                line,
                column,
                msg: Msg::new("import.field_count")
                    .arg("found", r.len())
                    .arg("expected", self.header.len()),
            });
        }
        let mut cells = Vec::with_capacity(r.len());
        for (i, (column, value)) in self.header.iter().zip(r.iter()).enumerate() {
            let value = value.trim();
            match column {
                _ if value.is_empty() => {}
                Some(c) => cells.push((*c, value)),
                None => {
                    return Err(RowError {
                        line,
                        column: (i + 1).to_string(),
                        msg: Msg::new("import.unnamed_column"),
                    });
                }
            }
        }
        Ok(Record { line, cells })
    }
}

/// The columns of the header row. A blank header cell is a column without a
/// name: allowed (spreadsheets add them) as long as its values are blank.
fn parse_header(line: u64, head: &csv::StringRecord) -> Result<Vec<Option<Column>>, ImportError> {
    let mut errors = Vec::new();
    let mut header = Vec::with_capacity(head.len());
    for name in head.iter() {
        let name = name.trim().to_lowercase();
        if name.is_empty() {
            header.push(None);
            continue;
        }
        let Some(column) = Column::from_name(&name) else {
            errors.push(RowError {
                line,
                column: name,
                msg: Msg::new("import.unknown_column").arg("allowed", Column::names()),
            });
            continue;
        };
        if header.contains(&Some(column)) {
            errors.push(RowError {
                line,
                column: name,
                msg: Msg::new("import.duplicate_column"),
            });
        }
        header.push(Some(column));
    }
    if !header.contains(&Some(Column::ReferredOn)) {
        errors.push(RowError {
            line,
            column: Column::ReferredOn.name().to_string(),
            msg: Msg::new("import.missing_column"),
        });
    }
    if errors.is_empty() {
        Ok(header)
    } else {
        Err(ImportError::Rows(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An error as line, column and message key.
    type Found = (u64, String, &'static str);

    fn rows(text: &str) -> Vec<Result<Vec<(Column, String)>, Found>> {
        let table = Table::parse(text, "t.csv").unwrap_or_else(|e| panic!("{e:?}"));
        table
            .rows()
            .map(|r| match r {
                Ok(rec) => Ok(rec.cells.iter().map(|(c, v)| (*c, v.to_string())).collect()),
                Err(e) => Err((e.line, e.column, e.msg.key)),
            })
            .collect()
    }

    fn header_errors(text: &str) -> Vec<Found> {
        match Table::parse(text, "t.csv") {
            Err(ImportError::Rows(es)) => es
                .into_iter()
                .map(|e| (e.line, e.column, e.msg.key))
                .collect(),
            Err(ImportError::Fatal(m)) => panic!("fatal {m}"),
            Ok(_) => panic!("header accepted"),
        }
    }

    #[test]
    fn bom_is_dropped_and_bad_encoding_names_its_line() {
        assert_eq!(
            decode(b"\xEF\xBB\xBFreferred_on\n".to_vec()).unwrap(),
            "referred_on\n"
        );
        assert_eq!(decode(b"referred_on\n".to_vec()).unwrap(), "referred_on\n");
        // "Zoë" in Windows-1252 on the third line.
        let latin1 = b"referred_on;name\n2026-01-01;Daan\n2026-01-02;Zo\xEB\n".to_vec();
        assert_eq!(decode(latin1), Err(3));
    }

    #[test]
    fn delimiter_is_detected_from_the_header() {
        assert_eq!(delimiter("referred_on;name;worker\n1,2"), b';');
        assert_eq!(delimiter("referred_on,name\n1;2;3;4"), b',');
        assert_eq!(delimiter("\"a;b;c\",referred_on\n"), b',');
        assert_eq!(delimiter("referred_on\n"), b',');
    }

    #[test]
    fn quoted_values_keep_separators_and_quotes() {
        let got = rows(
            "name;referred_on\n\"Noah; Visser\";2026-01-05\n\"Sem \"\"Sammy\"\" B\";2026-01-06\n",
        );
        assert_eq!(
            got[0].as_ref().unwrap()[0],
            (Column::Name, "Noah; Visser".to_string())
        );
        assert_eq!(
            got[1].as_ref().unwrap()[0],
            (Column::Name, "Sem \"Sammy\" B".to_string())
        );
    }

    #[test]
    fn lines_are_counted_with_windows_line_ends_and_quoted_newlines() {
        let text = "referred_on;name\r\n2026-01-05;\"A\r\nB\"\r\n\r\n2026-01-06;C;x\r\n";
        assert_eq!(
            rows(text)[1],
            Err((5, "3".to_string(), "import.field_count"))
        );
    }

    #[test]
    fn blank_rows_are_skipped_and_lines_counted_from_the_header() {
        let got = rows("referred_on,name\n2026-01-05,A\n,\n\n2026-01-06,B,extra\n");
        assert_eq!(got.len(), 2);
        assert_eq!(got[1], Err((5, "3".to_string(), "import.field_count")));
        let got = rows("referred_on,name,worker\n2026-01-05,A\n");
        assert_eq!(got[0], Err((2, "worker".to_string(), "import.field_count")));
    }

    #[test]
    fn header_names_unknown_doubled_and_missing_columns() {
        assert_eq!(
            header_errors("Referred_On;nmae;name;name\n"),
            vec![
                (1, "nmae".to_string(), "import.unknown_column"),
                (1, "name".to_string(), "import.duplicate_column"),
            ]
        );
        assert_eq!(
            header_errors("name,worker\n"),
            vec![(1, "referred_on".to_string(), "import.missing_column")]
        );
    }

    #[test]
    fn unnamed_columns_must_stay_blank() {
        let got = rows("referred_on;;name\n2026-01-05;;A\n2026-01-05;x;A\n");
        assert!(got[0].is_ok());
        assert_eq!(got[1], Err((3, "2".to_string(), "import.unnamed_column")));
    }
}
