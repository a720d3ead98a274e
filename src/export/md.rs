//! Markdown for the case-review meeting or the council. A list: the title,
//! the date, a short summary, then the table. Chapters: the title, the
//! sentences, the headline figures, then each table under its own heading
//! with figures aligned right. Cell text is made harmless: no control
//! characters, no table-breaking pipes. Rows are written as they are drawn.

use std::io::Write;

use super::document::{Cell, Document, Layout, Table, Writer, io_error};
use super::strip_controls;
use crate::domain::Msg;

pub struct Markdown;

impl Writer for Markdown {
    fn write(&self, doc: &Document, out: &mut dyn Write) -> Result<(), Msg> {
        let mut w = Md { out };
        match doc.layout {
            Layout::List => w.list(doc),
            Layout::Chapters => w.chapters(doc),
            Layout::Prose => w.put(doc.prose.as_deref().unwrap_or_default()),
        }
    }
}

struct Md<'o> {
    out: &'o mut dyn Write,
}

impl Md<'_> {
    fn put(&mut self, s: &str) -> Result<(), Msg> {
        self.out
            .write_all(s.as_bytes())
            .map_err(|e| io_error("md", e))
    }

    fn list(&mut self, doc: &Document) -> Result<(), Msg> {
        self.put(&format!("# {}\n\n", clean(&doc.title)))?;
        self.put(&format!("{}: {}\n\n", doc.as_of_label, doc.as_of))?;
        self.summary(doc)?;
        let Some(table) = doc.listing() else {
            return Ok(());
        };
        // The readable headers where the builder gave them all.
        let headers = if table.headers.len() == table.keys.len() {
            &table.headers
        } else {
            &table.keys
        };
        self.header(headers)?;
        self.put(&format!("|{}\n", "---|".repeat(headers.len())))?;
        self.rows(table)
    }

    fn chapters(&mut self, doc: &Document) -> Result<(), Msg> {
        self.put(&format!("# {}\n\n", clean(&doc.title)))?;
        for line in doc.subtitle.iter().chain(&doc.lines) {
            self.put(&format!("{}\n\n", clean(line)))?;
        }
        self.summary(doc)?;
        for table in &doc.tables {
            self.put(&format!("## {}\n\n", clean(&table.title)))?;
            if let Some(note) = &table.note {
                self.put(&format!("{}\n\n", clean(note)))?;
            }
            self.header(&table.headers)?;
            let align: String = table
                .rows
                .figure_columns(table.headers.len())
                .into_iter()
                .map(|figure| if figure { "---:|" } else { "---|" })
                .collect();
            self.put(&format!("|{align}\n"))?;
            self.rows(table)?;
            self.put("\n")?;
        }
        Ok(())
    }

    fn summary(&mut self, doc: &Document) -> Result<(), Msg> {
        for (label, value) in &doc.summary {
            self.put(&format!("- {}: {}\n", clean(label), clean(&value.shown())))?;
        }
        if !doc.summary.is_empty() {
            self.put("\n")?;
        }
        Ok(())
    }

    fn header(&mut self, headers: &[String]) -> Result<(), Msg> {
        let cells: Vec<String> = headers.iter().map(|h| clean(h)).collect();
        self.put(&format!("| {} |\n", cells.join(" | ")))
    }

    fn rows(&mut self, table: &Table) -> Result<(), Msg> {
        table.rows.each(&mut |row| {
            let cells: Vec<String> = row.iter().map(|c: &Cell| clean(&c.shown())).collect();
            self.put(&format!("| {} |\n", cells.join(" | ")))
        })
    }
}

/// Text safe in a Markdown table cell.
pub fn clean(s: &str) -> String {
    strip_controls(s).replace('|', "\\|")
}
