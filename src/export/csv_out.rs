//! CSV for Dutch Excel: semicolons, a UTF-8 BOM, decimal commas, ISO dates
//! (which Excel reads as dates), and no cell that can start a formula.

use serde_json::Value;

use super::{Document, neutralise, plain};
use crate::domain::Msg;

pub fn render(doc: &Document) -> Result<Vec<u8>, Msg> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .delimiter(b';')
            .from_writer(&mut out);
        let io = |e: csv::Error| Msg::new("error.io").arg("path", "csv").arg("reason", e);
        w.write_record(&doc.columns).map_err(io)?;
        for cells in &doc.csv_rows {
            w.write_record(cells).map_err(io)?;
        }
        for row in &doc.rows {
            let cells = doc
                .columns
                .iter()
                .map(|c| cell(row.get(c).unwrap_or(&Value::Null)));
            w.write_record(cells).map_err(io)?;
        }
        w.flush()
            .map_err(|e| Msg::new("error.io").arg("path", "csv").arg("reason", e))?;
    }
    Ok(out)
}

fn cell(v: &Value) -> String {
    match v {
        Value::Number(n) if n.is_f64() => n.to_string().replace('.', ","),
        Value::Number(n) => n.to_string(),
        other => neutralise(&plain(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dutch_excel_csv() {
        let doc = Document {
            title: String::new(),
            as_of: chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
            generated_at: String::new(),
            columns: vec!["case_ref".into(), "name".into(), "share".into(), "reasons".into()],
            headers: vec![],
            rows: vec![
                json!({"case_ref": "2026-0001", "name": "=HYPERLINK(\"x\")", "share": 0.25, "reasons": ["a", "b"]})
                    .as_object()
                    .unwrap()
                    .clone(),
            ],
            summary: vec![],
            as_of_label: String::new(),
            md_rows: vec![],
            csv_rows: vec![],
        };
        let text = String::from_utf8(render(&doc).unwrap()).unwrap();
        assert_eq!(
            text,
            "\u{feff}case_ref;name;share;reasons\n2026-0001;\"'=HYPERLINK(\"\"x\"\")\";0,25;a,b\n"
        );
    }
}
