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
    for (i, row) in doc.rows.iter().enumerate() {
        let cells: Vec<String> = match doc.md_rows.get(i) {
            Some(cells) => cells.iter().map(|c| clean(c)).collect(),
            None => doc
                .columns
                .iter()
                .map(|c| clean(&row.get(c).map(plain).unwrap_or_default()))
                .collect(),
        };
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out
}

fn clean(s: &str) -> String {
    strip_controls(s).replace('|', "\\|")
}
