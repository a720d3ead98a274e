//! The file formats, in one table: a new format is a variant of `Format`,
//! a row in `FORMATS` and a file with its `Writer`.

use std::str::FromStr;

use super::document::{Document, Writer};
use crate::domain::Msg;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
    Md,
    Xlsx,
}

/// What the rest of stroom needs to know of a format.
pub struct FormatSpec {
    pub format: Format,
    /// The name on the command line, also the file extension.
    pub name: &'static str,
    pub writer: &'static dyn Writer,
    /// Written for people (the report in chapters, with comparisons),
    /// not for a machine (the spec's rows).
    pub for_people: bool,
    /// Binary: never written to a terminal.
    pub binary: bool,
}

/// Every format, in the order the help and the errors list them.
pub static FORMATS: &[FormatSpec] = &[
    FormatSpec {
        format: Format::Csv,
        name: "csv",
        writer: &super::csv_out::Csv,
        for_people: false,
        binary: false,
    },
    FormatSpec {
        format: Format::Json,
        name: "json",
        writer: &super::json::Json,
        for_people: false,
        binary: false,
    },
    FormatSpec {
        format: Format::Md,
        name: "md",
        writer: &super::md::Markdown,
        for_people: true,
        binary: false,
    },
    FormatSpec {
        format: Format::Xlsx,
        name: "xlsx",
        writer: &super::xlsx::Xlsx,
        for_people: true,
        binary: true,
    },
];

impl Format {
    fn spec(self) -> &'static FormatSpec {
        FORMATS
            .iter()
            .find(|s| s.format == self)
            .expect("every format has a row in FORMATS")
    }

    pub fn extension(self) -> &'static str {
        self.spec().name
    }

    pub fn writer(self) -> &'static dyn Writer {
        self.spec().writer
    }

    /// Whether people read it: reports in chapters instead of rows.
    pub fn for_people(self) -> bool {
        self.spec().for_people
    }

    /// Whether it is binary (refused on a terminal).
    pub fn binary(self) -> bool {
        self.spec().binary
    }

    /// Refuses a format a command does not offer, naming those it does.
    pub fn offered(self, offered: &[Format]) -> Result<Format, Msg> {
        match offered.contains(&self) {
            true => Ok(self),
            false => Err(unknown(
                self.extension(),
                offered.iter().map(|f| f.extension()),
            )),
        }
    }
}

fn unknown<'a>(value: &str, allowed: impl Iterator<Item = &'a str>) -> Msg {
    Msg::new("error.unknown_code")
        .arg("kind", "format")
        .arg("value", value)
        .arg("allowed", allowed.collect::<Vec<_>>().join(", "))
}

impl FromStr for Format {
    type Err = Msg;
    fn from_str(s: &str) -> Result<Format, Msg> {
        FORMATS
            .iter()
            .find(|f| f.name == s)
            .map(|f| f.format)
            .ok_or_else(|| unknown(s, FORMATS.iter().map(|f| f.name)))
    }
}

impl Document<'_> {
    /// The document in `format`, whole, in memory (`export::write_document`
    /// writes a file row by row).
    pub fn render(&self, format: Format) -> Result<Vec<u8>, Msg> {
        let mut out = Vec::new();
        format.writer().write(self, &mut out)?;
        Ok(out)
    }
}
