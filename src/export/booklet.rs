//! A report in chapters for the council (SPEC 10): sections of sentences,
//! charts and the tables that hold each chart's figures. HTML draws the
//! charts as inline SVG beside their tables; Markdown gives the tables.

use super::document::{Cell, Table};

/// How a chart draws its series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    /// Bars side by side per category.
    Bars,
    /// One line per series over the categories (a trend).
    Lines,
}

/// One named series of a chart; None where there is no figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

/// A chart of figures that also stand in its table.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub kind: ChartKind,
    /// A sentence saying what the chart shows (also its accessible name).
    pub caption: String,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
}

/// A chart with its table; a table alone when there is nothing to draw.
#[derive(Debug, PartialEq)]
pub struct Figure {
    pub chart: Option<Chart>,
    pub table: Table<'static>,
}

#[derive(Debug, PartialEq)]
pub struct Section {
    pub title: String,
    pub lines: Vec<String>,
    pub figures: Vec<Figure>,
}

/// The whole report, in reading order.
#[derive(Debug, PartialEq)]
pub struct Booklet {
    /// `nl` or `en`, for the document's language attribute.
    pub lang: &'static str,
    pub title: String,
    pub subtitle: String,
    /// What the figures mean, first.
    pub lines: Vec<String>,
    pub summary: Vec<(String, Cell)>,
    pub sections: Vec<Section>,
    /// The last line: how the report was made.
    pub colophon: String,
}

impl Booklet {
    /// The same figures as Markdown tables (the charts' figures are in them).
    pub fn markdown(&self) -> String {
        let mut out = format!("# {}\n\n{}\n\n", clean(&self.title), clean(&self.subtitle));
        for line in &self.lines {
            out.push_str(&format!("{}\n\n", clean(line)));
        }
        for (label, value) in &self.summary {
            out.push_str(&format!("- {}: {}\n", clean(label), clean(&value.shown())));
        }
        for s in &self.sections {
            out.push_str(&format!("\n## {}\n\n", clean(&s.title)));
            for line in &s.lines {
                out.push_str(&format!("{}\n\n", clean(line)));
            }
            for f in &s.figures {
                table(&mut out, &f.table);
            }
        }
        out.push_str(&format!("\n{}\n", clean(&self.colophon)));
        out
    }
}

fn table(out: &mut String, t: &Table) {
    out.push_str(&format!("### {}\n\n", clean(&t.title)));
    if let Some(note) = &t.note {
        out.push_str(&format!("{}\n\n", clean(note)));
    }
    let headers: Vec<String> = t.headers.iter().map(|h| clean(h)).collect();
    out.push_str(&format!("| {} |\n|", headers.join(" | ")));
    for figure in t.rows.figure_columns(t.headers.len()) {
        out.push_str(if figure { "---:|" } else { "---|" });
    }
    out.push('\n');
    // Council tables are built whole; drawing them cannot fail.
    let _ = t.rows.each(&mut |row| {
        let cells: Vec<String> = row.iter().map(|c| clean(&c.shown())).collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
        Ok(())
    });
    out.push('\n');
}

fn clean(s: &str) -> String {
    super::strip_controls(s).replace('|', "\\|")
}
