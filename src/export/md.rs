//! Markdown for the case-review meeting or the council. A list: the title,
//! the date, a short summary, then the table. Chapters: the title, the
//! sentences, the headline figures, then each table under its own heading
//! with figures aligned right. Prose (the minutes): the title, then each
//! block: headings, paragraphs, bullet lists with a bold lead, tables with a
//! bold total row. Text is made harmless: no control characters, no
//! table-breaking pipes in cells. Rows are written as they are drawn.

use std::io::Write;

use super::document::{Block, Bullet, Cell, Document, Layout, Table, Writer, io_error};
use super::strip_controls;
use crate::domain::Msg;

pub struct Markdown;

impl Writer for Markdown {
    fn write(&self, doc: &Document, out: &mut dyn Write) -> Result<(), Msg> {
        let mut w = Md { out };
        match doc.layout {
            Layout::List => w.list(doc),
            Layout::Chapters => w.chapters(doc),
            Layout::Prose => w.prose(doc),
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

    fn prose(&mut self, doc: &Document) -> Result<(), Msg> {
        self.put(&format!("# {}\n\n", strip_controls(&doc.title)))?;
        doc.blocks.iter().try_for_each(|block| self.block(block))
    }

    fn block(&mut self, block: &Block) -> Result<(), Msg> {
        match block {
            Block::Heading { level, text } => {
                let marks = "#".repeat(usize::from(*level).clamp(1, 6));
                self.put(&format!("{marks} {}\n\n", strip_controls(text)))
            }
            Block::Paragraph(text) => self.put(&format!("{}\n\n", strip_controls(text))),
            Block::Bullets(items) if items.is_empty() => Ok(()),
            Block::Bullets(items) => {
                items.iter().try_for_each(|b| self.bullet(b))?;
                self.put("\n")
            }
            Block::Table { table, total } => self.grid(table, total.as_deref()),
        }
    }

    fn bullet(&mut self, b: &Bullet) -> Result<(), Msg> {
        let text = strip_controls(&b.text);
        match &b.lead {
            Some(lead) => self.put(&format!("- **{}**: {text}\n", strip_controls(lead))),
            None => self.put(&format!("- {text}\n")),
        }
    }

    /// A table without its title (the heading before it says it), figures
    /// aligned right, the total row in bold.
    fn grid(&mut self, table: &Table, total: Option<&[Cell]>) -> Result<(), Msg> {
        self.header(&table.headers)?;
        let mut figures = table.rows.figure_columns(table.headers.len());
        for (f, cell) in figures.iter_mut().zip(total.unwrap_or_default()) {
            *f |= cell.is_figure();
        }
        let align: String = figures
            .into_iter()
            .map(|figure| if figure { "---:|" } else { "---|" })
            .collect();
        self.put(&format!("|{align}\n"))?;
        self.rows(table)?;
        if let Some(total) = total {
            let cells: Vec<String> = total
                .iter()
                .map(|c| format!("**{}**", clean(&c.shown())))
                .collect();
            self.put(&format!("| {} |\n", cells.join(" | ")))?;
        }
        self.put("\n")
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::{Format, Rows};

    fn table(headers: &[&str], rows: Vec<Vec<Cell>>) -> Table<'static> {
        Table {
            title: "t".into(),
            sheet: "t".into(),
            note: None,
            keys: Vec::new(),
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: Rows::Ready(rows),
        }
    }

    #[test]
    fn prose_blocks_are_marked_up_in_reading_order() {
        let date = chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap_or_default();
        let blocks = vec![
            Block::heading(2, "Samenvatting"),
            Block::Paragraph("Twee casussen.".into()),
            Block::Table {
                table: table(
                    &["Onderdeel", "Aantal"],
                    vec![vec![Cell::text("a|b"), Cell::Int(2)]],
                ),
                total: Some(vec![Cell::text("Totaal"), Cell::Int(2)]),
            },
            Block::heading(3, "Verplaatst (1)"),
            Block::Bullets(vec![
                Bullet::led("2026-0001", "naar Zorg"),
                Bullet::text("nog\u{1b}[2J iets"),
            ]),
            Block::Bullets(Vec::new()),
            Block::Table {
                table: table(&["Casus"], Vec::new()),
                total: None,
            },
        ];
        let doc = Document::prose("Notulen".into(), date, blocks, serde_json::json!({}));
        let md = String::from_utf8(doc.render(Format::Md).unwrap_or_default()).unwrap();
        assert_eq!(
            md,
            "# Notulen\n\n## Samenvatting\n\nTwee casussen.\n\n\
             | Onderdeel | Aantal |\n|---|---:|\n| a\\|b | 2 |\n| **Totaal** | **2** |\n\n\
             ### Verplaatst (1)\n\n- **2026-0001**: naar Zorg\n- nog [2J iets\n\n\
             | Casus |\n|---|\n\n"
        );
    }
}
