//! JSON (SPEC 7.2): `{"as_of", "generated_at", "rows"}` with the spec's keys,
//! each row written as it is drawn; or the figures of a document whose JSON
//! has a shape of its own (flow, forecast). Pretty-printed, as `serde_json`
//! prints a whole value, so a streamed file reads the same.

use std::io::Write;

use serde_json::Value;

use super::document::{Document, Writer, io_error};
use crate::domain::Msg;

pub struct Json;

impl Writer for Json {
    fn write(&self, doc: &Document, out: &mut dyn Write) -> Result<(), Msg> {
        let io = |e: std::io::Error| io_error("json", e);
        if let Some(figures) = &doc.figures {
            serde_json::to_writer_pretty(&mut *out, figures).map_err(|e| io_error("json", e))?;
            return out.write_all(b"\n").map_err(io);
        }
        let head = format!(
            "{{\n  \"as_of\": {},\n  \"generated_at\": {},\n  \"rows\": ",
            Value::String(doc.as_of.to_string()),
            Value::String(doc.generated_at.clone()),
        );
        out.write_all(head.as_bytes()).map_err(io)?;
        let Some(table) = doc.machine.as_ref().filter(|t| !t.rows.is_empty()) else {
            return out.write_all(b"[]\n}\n").map_err(io);
        };
        out.write_all(b"[").map_err(io)?;
        let mut first = true;
        table.rows.each(&mut |cells| {
            let row = Value::Object(Document::row_object(&table.keys, cells));
            let text = serde_json::to_string_pretty(&row).map_err(|e| io_error("json", e))?;
            let sep: &[u8] = if first { b"\n" } else { b",\n" };
            first = false;
            out.write_all(sep).map_err(io)?;
            write_indented(out, &text).map_err(io)
        })?;
        out.write_all(b"\n  ]\n}\n").map_err(io)
    }
}

/// A row two levels deep, as in the whole document: JSON text holds no raw
/// line break inside a string, so indenting every line is safe.
fn write_indented(out: &mut dyn Write, text: &str) -> std::io::Result<()> {
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.write_all(b"\n")?;
        }
        out.write_all(b"    ")?;
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}
