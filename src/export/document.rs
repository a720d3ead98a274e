//! The one document model every writer renders: a title, headline figures
//! and tables of typed cells, or running text in blocks (headings,
//! paragraphs, bullet lists, tables) for the minutes. The reports in `report` build documents; the
//! writers (`csv_out`, `json`, `md`, `xlsx`) only render them, each the same
//! way for every document, so a new document needs no writer and a new
//! format no builder.
//!
//! A table's rows are drawn lazily (`Rows::Lazy`): a writer asks for them
//! one by one and writes each at once, so a board of a million cases is
//! never held as a whole vector of JSON values or strings.

use chrono::NaiveDate;
use serde_json::{Map, Value};

use crate::domain::Msg;

/// One typed cell. Machine formats (CSV, JSON, the XLSX data sheet) write
/// the value or the code; people (Markdown, the XLSX report sheets) read
/// the label or the text as shown.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// No value: JSON `null`, an empty cell elsewhere.
    Empty,
    Text(String),
    Int(i64),
    /// A figure and its text for people ("8,3 %", "+4,2 procentpunt").
    Number {
        value: f64,
        shown: String,
    },
    Date(NaiveDate),
    /// A code of the spec with its label in the reader's language.
    Code {
        code: String,
        label: String,
    },
    /// Yes or no, with its word for people.
    Flag {
        value: bool,
        label: String,
    },
    /// Codes (a JSON array; joined with commas in CSV) and how people read
    /// them.
    List {
        items: Vec<String>,
        shown: String,
    },
    /// Code → status pairs (a JSON object; `k=v` pairs in CSV) and how
    /// people read them.
    Pairs {
        pairs: Vec<(String, String)>,
        shown: String,
    },
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    pub fn int(n: impl TryInto<i64>) -> Cell {
        Cell::Int(n.try_into().unwrap_or(i64::MAX))
    }

    pub fn code(code: &str, label: impl Into<String>) -> Cell {
        Cell::Code {
            code: code.to_string(),
            label: label.into(),
        }
    }

    /// A value that may be missing.
    pub fn or_empty<T>(v: Option<T>, cell: impl FnOnce(T) -> Cell) -> Cell {
        v.map_or(Cell::Empty, cell)
    }

    /// The text a reader sees.
    pub fn shown(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Date(d) => crate::domain::dates::iso(*d),
            Cell::Code { label, .. } | Cell::Flag { label, .. } => label.clone(),
            Cell::Number { shown, .. } | Cell::List { shown, .. } | Cell::Pairs { shown, .. } => {
                shown.clone()
            }
        }
    }

    /// Whether the cell is a figure (right-aligned in Markdown).
    pub fn is_figure(&self) -> bool {
        matches!(self, Cell::Int(_) | Cell::Number { .. })
    }

    /// The value as JSON: codes, ISO dates, numbers, `null`.
    pub fn json(&self) -> Value {
        match self {
            Cell::Empty => Value::Null,
            Cell::Text(s) => Value::String(s.clone()),
            Cell::Int(n) => Value::from(*n),
            Cell::Number { value, .. } => Value::from(*value),
            Cell::Date(d) => Value::String(d.to_string()),
            Cell::Code { code, .. } => Value::String(code.clone()),
            Cell::Flag { value, .. } => Value::Bool(*value),
            Cell::List { items, .. } => items.iter().map(|i| Value::from(i.as_str())).collect(),
            Cell::Pairs { pairs, .. } => Value::Object(
                pairs
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
                    .collect(),
            ),
        }
    }

    /// The value as one line of machine text (codes, ISO dates, lists
    /// joined with commas, pairs as `k=v`), before any CSV quoting.
    pub fn plain(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) | Cell::Code { code: s, .. } => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Number { value, .. } => json_number(*value),
            Cell::Date(d) => crate::domain::dates::iso(*d),
            Cell::Flag { value, .. } => value.to_string(),
            Cell::List { items, .. } => items.join(","),
            // `k=v,k=v` in one buffer (a board row holds one pair per
            // precondition, a country's board millions).
            Cell::Pairs { pairs, .. } => {
                let mut out = String::new();
                for (i, (k, v)) in pairs.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(k);
                    out.push('=');
                    out.push_str(v);
                }
                out
            }
        }
    }

    /// A JSON value as a cell, for figures that come as JSON (the flow's
    /// one-row table, the forecast rows): shown as its plain text.
    pub fn from_json(v: &Value) -> Cell {
        match v {
            Value::Null => Cell::Empty,
            Value::Bool(b) => Cell::Flag {
                value: *b,
                label: b.to_string(),
            },
            Value::Number(n) => match n.as_i64() {
                Some(i) => Cell::Int(i),
                None => Cell::Number {
                    value: n.as_f64().unwrap_or_default(),
                    shown: n.to_string(),
                },
            },
            Value::String(s) => Cell::Text(s.clone()),
            other => Cell::Text(super::plain(other)),
        }
    }
}

/// A decimal as JSON writes it (`0.25`, `5.0`): the machine text of a
/// figure, so CSV and JSON agree.
pub fn json_number(v: f64) -> String {
    serde_json::Number::from_f64(v).map_or_else(String::new, |n| n.to_string())
}

/// Where a writer's rows go: called once per row, in order.
pub type RowSink<'s> = dyn FnMut(&[Cell]) -> Result<(), Msg> + 's;

/// Draws every row of a lazy table into a sink, in order.
pub type DrawRows<'a> = Box<dyn Fn(&mut RowSink) -> Result<(), Msg> + 'a>;

/// A table's rows: built whole (small tables of figures), or drawn lazily
/// from the rules' results each time a writer walks them (the listings).
pub enum Rows<'a> {
    Ready(Vec<Vec<Cell>>),
    Lazy {
        /// How many rows `each` gives (known before they are drawn).
        count: usize,
        each: DrawRows<'a>,
    },
}

impl<'a> Rows<'a> {
    /// Rows drawn from `items` one by one through `cells`.
    pub fn lazy<T>(items: &'a [T], cells: impl Fn(&T) -> Vec<Cell> + 'a) -> Rows<'a> {
        Rows::Lazy {
            count: items.len(),
            each: Box::new(move |sink| items.iter().try_for_each(|item| sink(&cells(item)))),
        }
    }

    /// Rows drawn from `items`, which the rows own, through `cells`.
    pub fn owned<T: 'a>(items: Vec<T>, cells: impl Fn(&T) -> Vec<Cell> + 'a) -> Rows<'a> {
        Rows::Lazy {
            count: items.len(),
            each: Box::new(move |sink| items.iter().try_for_each(|item| sink(&cells(item)))),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Rows::Ready(rows) => rows.len(),
            Rows::Lazy { count, .. } => *count,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Gives every row to `sink`, in order.
    pub fn each(&self, sink: &mut RowSink) -> Result<(), Msg> {
        match self {
            Rows::Ready(rows) => rows.iter().try_for_each(|r| sink(r)),
            Rows::Lazy { each, .. } => each(sink),
        }
    }

    /// Per column of `width`, whether any row has a figure in it
    /// (Markdown aligns it right): one more walk over lazy rows.
    pub fn figure_columns(&self, width: usize) -> Vec<bool> {
        let mut found = vec![false; width];
        let _ = self.each(&mut |row| {
            for (f, cell) in found.iter_mut().zip(row) {
                *f |= cell.is_figure();
            }
            Ok(())
        });
        found
    }
}

impl From<Vec<Vec<Cell>>> for Rows<'_> {
    fn from(rows: Vec<Vec<Cell>>) -> Self {
        Rows::Ready(rows)
    }
}

impl std::fmt::Debug for Rows<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rows::Ready(rows) => rows.fmt(f),
            Rows::Lazy { count, .. } => write!(f, "<{count} rows drawn lazily>"),
        }
    }
}

impl PartialEq for Rows<'_> {
    /// Ready rows compare by their cells; lazy rows are never equal.
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Rows::Ready(a), Rows::Ready(b)) => a == b,
            _ => false,
        }
    }
}

/// A titled table; in XLSX a sheet named `sheet`.
#[derive(Debug, PartialEq)]
pub struct Table<'a> {
    pub title: String,
    pub sheet: String,
    /// A line that explains the table (a legend), shown with it.
    pub note: Option<String>,
    /// The machine names of the columns (the spec's keys), for CSV, JSON
    /// and the XLSX data sheet; empty for a table people only read.
    pub keys: Vec<String>,
    /// The column headers people read.
    pub headers: Vec<String>,
    pub rows: Rows<'a>,
}

/// How a document is laid out for people (Markdown, XLSX).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// One list (the snapshot exports of SPEC 7.2): a date line, summary
    /// lines, then the list under its column headers; in XLSX a summary
    /// sheet and a `data` sheet under the spec's keys.
    List,
    /// Chapters: sentences, headline figures, then each table under its
    /// own heading; in XLSX one sheet per table.
    Chapters,
    /// Running text in blocks (`Document::prose`): the minutes, whose
    /// headings per case, lists of decisions and notes have no place in
    /// chapters of tables. Markdown renders the blocks, JSON the `figures`.
    Prose,
}

/// One line of a bullet list: a lead people spot first (a case's
/// reference, shown bold) and the text after it.
#[derive(Debug, Clone, PartialEq)]
pub struct Bullet {
    pub lead: Option<String>,
    pub text: String,
}

impl Bullet {
    pub fn text(text: impl Into<String>) -> Bullet {
        Bullet {
            lead: None,
            text: text.into(),
        }
    }

    pub fn led(lead: impl Into<String>, text: impl Into<String>) -> Bullet {
        Bullet {
            lead: Some(lead.into()),
            text: text.into(),
        }
    }
}

/// One block of running text (`Layout::Prose`), in reading order. Texts
/// are plain (no markup); the writer marks them up and makes them safe.
#[derive(Debug, PartialEq)]
pub enum Block<'a> {
    /// A heading under the title: level 2 is a chapter, 3 a part of it.
    Heading {
        level: u8,
        text: String,
    },
    Paragraph(String),
    Bullets(Vec<Bullet>),
    /// A table under the previous heading (its own `title` is for formats
    /// without headings), with a total row shown in bold when given.
    Table {
        table: Table<'a>,
        total: Option<Vec<Cell>>,
    },
}

impl<'a> Block<'a> {
    pub fn heading(level: u8, text: impl Into<String>) -> Block<'a> {
        Block::Heading {
            level,
            text: text.into(),
        }
    }
}

/// A document ready to be written, in reading order.
#[derive(Debug)]
pub struct Document<'a> {
    pub layout: Layout,
    pub title: String,
    /// The date the figures hold on, and its label ("Peildatum").
    pub as_of: NaiveDate,
    pub as_of_label: String,
    /// When the file was made (JSON).
    pub generated_at: String,
    /// A line under the title in chapters, e.g. "Peildatum: 2026-11-22".
    pub subtitle: Option<String>,
    /// What the figures mean, in sentences, first.
    pub lines: Vec<String>,
    /// Headline figures: label and value.
    pub summary: Vec<(String, Cell)>,
    /// Name of the XLSX sheet holding title, lines and summary (chapters;
    /// a list names it after its title).
    pub summary_sheet: String,
    /// The tables people read, in order.
    pub tables: Vec<Table<'a>>,
    /// The rows of CSV and JSON, under the spec's keys: the list itself
    /// for a list; for chapters the machine rows, when they have any.
    pub machine: Option<Table<'a>>,
    /// The JSON of documents whose figures the spec gives a shape of their
    /// own (flow, forecast, minutes); JSON is `{as_of, generated_at, rows}`
    /// otherwise.
    pub figures: Option<Value>,
    /// The running text of a prose document (`Layout::Prose`).
    pub blocks: Vec<Block<'a>>,
}

impl<'a> Document<'a> {
    /// A list document (SPEC 7.2): one table that is also the machine rows.
    pub fn list(title: String, as_of: NaiveDate, as_of_label: String, table: Table<'a>) -> Self {
        Document {
            layout: Layout::List,
            summary_sheet: title.clone(),
            title,
            as_of,
            as_of_label,
            generated_at: generated_at(),
            subtitle: None,
            lines: Vec::new(),
            summary: Vec::new(),
            tables: Vec::new(),
            machine: Some(table),
            figures: None,
            blocks: Vec::new(),
        }
    }

    /// A document in chapters, as of `as_of`; the caller adds the rest.
    pub fn chapters(title: String, as_of: NaiveDate, summary_sheet: String) -> Self {
        Document {
            layout: Layout::Chapters,
            title,
            as_of,
            as_of_label: String::new(),
            generated_at: generated_at(),
            subtitle: None,
            lines: Vec::new(),
            summary: Vec::new(),
            summary_sheet,
            tables: Vec::new(),
            machine: None,
            figures: None,
            blocks: Vec::new(),
        }
    }

    /// A prose document: its blocks for people and its JSON figures.
    pub fn prose(title: String, as_of: NaiveDate, blocks: Vec<Block<'a>>, figures: Value) -> Self {
        let mut doc = Document::chapters(title, as_of, String::new());
        doc.layout = Layout::Prose;
        doc.blocks = blocks;
        doc.figures = Some(figures);
        doc
    }

    /// The table a list shows (its machine rows).
    pub fn listing(&self) -> Option<&Table<'a>> {
        self.machine.as_ref()
    }

    /// How many machine rows the document holds (the rows a user is told
    /// were exported).
    pub fn len(&self) -> usize {
        self.machine.as_ref().map_or(0, |t| t.rows.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A machine row as a JSON object under the table's keys.
    pub fn row_object(keys: &[String], cells: &[Cell]) -> Map<String, Value> {
        keys.iter()
            .zip(cells)
            .map(|(k, c)| (k.clone(), c.json()))
            .collect()
    }
}

/// Renders any document in one file format (one per format, listed in
/// `format::FORMATS`).
pub trait Writer: Sync {
    fn write(&self, doc: &Document, out: &mut dyn std::io::Write) -> Result<(), Msg>;
}

/// The moment of an export, as recorded in it.
pub fn generated_at() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A writer's I/O failure as the one sentence of `error.io`.
pub fn io_error(what: &str, e: impl std::fmt::Display) -> Msg {
    Msg::new("error.io").arg("path", what).arg("reason", e)
}
