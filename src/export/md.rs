//! Markdown for the case-review meeting or the council: a title, the date,
//! a short summary, then the table. Cell text is made harmless: no control
//! characters, no table-breaking pipes.

use super::{Document, plain, strip_controls};

pub fn render(doc: &Document) -> String {
    let mut out = format!("# {}\n\n", clean(&doc.title));
    out.push_str(&format!("{}: {}\n\n", doc.as_of_label, doc.as_of));
    for (label, value) in &doc.summary {
        out.push_str(&format!("- {}: {}\n", clean(label), clean(value)));
    }
    if !doc.summary.is_empty() {
        out.push('\n');
    }
    let headers = if doc.headers.len() == doc.columns.len() {
        &doc.headers
    } else {
        &doc.columns
    };
    out.push_str(&format!(
        "| {} |\n",
        headers
            .iter()
            .map(|h| clean(h))
            .collect::<Vec<_>>()
            .join(" | ")
    ));
    out.push_str(&format!("|{}\n", "---|".repeat(headers.len())));
    // Readable cells where the builder made them, raw values otherwise.
    for cells in &doc.md_rows {
        table_row(&mut out, cells);
    }
    for row in doc.rows.iter().skip(doc.md_rows.len()) {
        let cells: Vec<String> = doc
            .columns
            .iter()
            .map(|c| row.get(c).map(plain).unwrap_or_default())
            .collect();
        table_row(&mut out, &cells);
    }
    out
}

fn table_row(out: &mut String, cells: &[String]) {
    let cells: Vec<String> = cells.iter().map(|c| clean(c)).collect();
    out.push_str(&format!("| {} |\n", cells.join(" | ")));
}

fn clean(s: &str) -> String {
    strip_controls(s).replace('|', "\\|")
}

/// A report in sections: title, subtitle, sentences, headline figures, then
/// each table under its own heading with its note. Figures align right.
pub fn render_report(r: &super::Report) -> String {
    let mut out = format!("# {}\n\n", clean(&r.title));
    if let Some(sub) = &r.subtitle {
        out.push_str(&format!("{}\n\n", clean(sub)));
    }
    for line in &r.lines {
        out.push_str(&format!("{}\n\n", clean(line)));
    }
    for (label, value) in &r.summary {
        out.push_str(&format!("- {}: {}\n", clean(label), clean(&value.shown())));
    }
    if !r.summary.is_empty() {
        out.push('\n');
    }
    for table in &r.tables {
        out.push_str(&format!("## {}\n\n", clean(&table.title)));
        if let Some(note) = &table.note {
            out.push_str(&format!("{}\n\n", clean(note)));
        }
        out.push_str(&format!(
            "| {} |\n",
            table
                .headers
                .iter()
                .map(|h| clean(h))
                .collect::<Vec<_>>()
                .join(" | ")
        ));
        let align: String = (0..table.headers.len())
            .map(|i| {
                let figure = table
                    .rows
                    .iter()
                    .any(|row| row.get(i).is_some_and(|c| c.is_figure()));
                if figure { "---:|" } else { "---|" }
            })
            .collect();
        out.push_str(&format!("|{align}\n"));
        for row in &table.rows {
            let cells: Vec<String> = row.iter().map(|c| clean(&c.shown())).collect();
            out.push_str(&format!("| {} |\n", cells.join(" | ")));
        }
        out.push('\n');
    }
    out
}
