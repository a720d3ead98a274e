//! Rows that arrive in one order and are written in another (the stoplight
//! board comes from the store part by part, by case, and is read red first):
//! each row is packed into one shared byte buffer as it arrives, with its
//! sort key, and unpacked again one by one in key order when a writer draws
//! them. So the whole board costs its packed bytes, not a vector of cells,
//! strings or JSON values per row.
//!
//! Most cells of a board repeat: the colour with its word, the reasons and
//! the criteria with their labels, dates, providers, workers, ages. Each
//! column therefore keeps a dictionary of the cells it has seen, and a row
//! holds only a small number per such cell; a cell is packed whole into the
//! row only when it is new and its column has already seen many different
//! ones (a case reference, a reason in words with its own dates). At a
//! million cases this takes the board from about 0.9 KB to a few dozen
//! bytes per row (issue 17).

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};

use super::document::{Cell, Rows};

/// How many different cells a column keeps in its dictionary: enough for
/// every colour, reason set, criteria set, date of a decade, provider or
/// worker of a country; a column of unique cells (references) stops
/// growing its dictionary there and packs its cells into the rows.
const DICTIONARY: usize = 4096;

/// Packed rows with their sort keys.
pub struct SortedRows<K> {
    bytes: Vec<u8>,
    /// Each row's place: its key, its tie-break text and where its bytes
    /// start (a row knows its end).
    places: Vec<Place<K>>,
    /// The tie-break texts (references), each with its length in front:
    /// one buffer instead of a `String` per row.
    ties: Vec<u8>,
    columns: Vec<Column>,
    /// One cell packed, to look it up in its column's dictionary.
    scratch: Vec<u8>,
}

struct Place<K> {
    key: K,
    tie: usize,
    row: usize,
}

/// The cells a column has seen, by their packed bytes, and their numbers.
#[derive(Default)]
struct Column {
    seen: HashMap<Box<[u8]>, u32>,
}

impl<K: Ord> Default for SortedRows<K> {
    fn default() -> Self {
        SortedRows {
            bytes: Vec::new(),
            places: Vec::new(),
            ties: Vec::new(),
            columns: Vec::new(),
            scratch: Vec::new(),
        }
    }
}

impl<K: Ord + 'static> SortedRows<K> {
    /// Keeps one row, to come out by `key` and then by `tie` (text order).
    pub fn push(&mut self, key: K, tie: &str, cells: &[Cell]) {
        let start = self.bytes.len();
        put_len(&mut self.bytes, cells.len());
        if self.columns.len() < cells.len() {
            self.columns.resize_with(cells.len(), Column::default);
        }
        for (cell, column) in cells.iter().zip(&mut self.columns) {
            self.scratch.clear();
            pack_cell(&mut self.scratch, cell);
            column.put(&mut self.bytes, &self.scratch);
        }
        let at = self.ties.len();
        put_str(&mut self.ties, tie);
        self.places.push(Place {
            key,
            tie: at,
            row: start,
        });
    }

    pub fn len(&self) -> usize {
        self.places.len()
    }

    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }

    /// The rows in key order (stable for equal keys), drawn lazily.
    pub fn into_rows<'a>(self) -> Rows<'a> {
        let SortedRows {
            bytes,
            mut places,
            ties,
            columns,
            ..
        } = self;
        let tie = |at: usize| Reader { bytes: &ties[at..] }.text();
        places.sort_by(|a, b| a.key.cmp(&b.key).then_with(|| tie(a.tie).cmp(tie(b.tie))));
        drop(ties);
        let dictionaries: Vec<Vec<Box<[u8]>>> =
            columns.into_iter().map(Column::into_dictionary).collect();
        Rows::Lazy {
            count: places.len(),
            each: Box::new(move |sink| {
                // One row of cells reused for every row: its strings keep
                // their room, so a row costs no allocation once warm.
                let mut row = Vec::new();
                places.iter().try_for_each(|p| {
                    unpack_row_into(&bytes[p.row..], &dictionaries, &mut row);
                    sink(&row)
                })
            }),
        }
    }
}

impl Column {
    /// Writes one packed cell into the row: its number in the dictionary
    /// plus one, or a zero and the cell itself.
    fn put(&mut self, row: &mut Vec<u8>, cell: &[u8]) {
        let known = match self.seen.get(cell) {
            Some(n) => Some(*n),
            None if self.seen.len() < DICTIONARY => {
                let n = self.seen.len() as u32;
                self.seen.insert(cell.into(), n);
                Some(n)
            }
            None => None,
        };
        match known {
            Some(n) => put_len(row, n as usize + 1),
            None => {
                put_len(row, 0);
                row.extend_from_slice(cell);
            }
        }
    }

    /// The cells by number.
    fn into_dictionary(self) -> Vec<Box<[u8]>> {
        let mut cells: Vec<(u32, Box<[u8]>)> =
            self.seen.into_iter().map(|(cell, n)| (n, cell)).collect();
        cells.sort_unstable_by_key(|(n, _)| *n);
        cells.into_iter().map(|(_, cell)| cell).collect()
    }
}

// The packing: per row a cell count, per cell a tag and its parts; lengths
// and numbers as LEB128 varints, text as a length and UTF-8 bytes, a date
// as its day number. Only this file reads what it wrote.

fn put_len(out: &mut Vec<u8>, n: usize) {
    let mut n = n as u64;
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_len(out, s.len());
    out.extend_from_slice(s.as_bytes());
}

fn pack_cell(out: &mut Vec<u8>, cell: &Cell) {
    match cell {
        Cell::Empty => out.push(0),
        Cell::Text(s) => {
            out.push(1);
            put_str(out, s);
        }
        Cell::Int(n) => {
            out.push(2);
            out.extend_from_slice(&n.to_le_bytes());
        }
        Cell::Number { value, shown } => {
            out.push(3);
            out.extend_from_slice(&value.to_le_bytes());
            put_str(out, shown);
        }
        Cell::Date(d) => {
            out.push(4);
            out.extend_from_slice(&d.num_days_from_ce().to_le_bytes());
        }
        Cell::Code { code, label } => {
            out.push(5);
            put_str(out, code);
            put_str(out, label);
        }
        Cell::Flag { value, label } => {
            out.push(6);
            out.push(u8::from(*value));
            put_str(out, label);
        }
        Cell::List { items, shown } => {
            out.push(7);
            put_len(out, items.len());
            items.iter().for_each(|i| put_str(out, i));
            put_str(out, shown);
        }
        Cell::Pairs { pairs, shown } => {
            out.push(8);
            put_len(out, pairs.len());
            for (k, v) in pairs {
                put_str(out, k);
                put_str(out, v);
            }
            put_str(out, shown);
        }
    }
}

/// Reads back what `SortedRows::push` and `pack_cell` wrote.
struct Reader<'b> {
    bytes: &'b [u8],
}

impl<'b> Reader<'b> {
    fn take(&mut self, n: usize) -> &'b [u8] {
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        head
    }

    fn len(&mut self) -> usize {
        let mut n = 0u64;
        let mut shift = 0;
        loop {
            let byte = self.take(1)[0];
            n |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return n as usize;
            }
            shift += 7;
        }
    }

    fn eight(&mut self) -> [u8; 8] {
        let mut out = [0; 8];
        out.copy_from_slice(self.take(8));
        out
    }

    /// A text's bytes as written, without copying.
    fn text(&mut self) -> &'b [u8] {
        let n = self.len();
        self.take(n)
    }

    fn string(&mut self) -> String {
        let mut out = String::new();
        self.string_into(&mut out);
        out
    }

    /// A text into `out`, in the room it has.
    fn string_into(&mut self, out: &mut String) {
        let n = self.len();
        out.clear();
        // Packed from a `&str` by `put_str`, so always UTF-8 (and borrowed).
        out.push_str(&String::from_utf8_lossy(self.take(n)));
    }

    /// `n` texts into `out`, reusing the strings it holds.
    fn strings_into(&mut self, n: usize, out: &mut Vec<String>) {
        out.truncate(n);
        for i in 0..n {
            match out.get_mut(i) {
                Some(s) => self.string_into(s),
                None => out.push(self.string()),
            }
        }
    }

    fn date(&mut self) -> Cell {
        let mut day = [0; 4];
        day.copy_from_slice(self.take(4));
        NaiveDate::from_num_days_from_ce_opt(i32::from_le_bytes(day))
            .map_or(Cell::Empty, Cell::Date)
    }

    /// One cell into `out`: a cell of the same kind keeps its strings'
    /// room, another kind is replaced.
    fn cell_into(&mut self, out: &mut Cell) {
        match self.take(1)[0] {
            1 => match out {
                Cell::Text(s) => self.string_into(s),
                _ => *out = Cell::Text(self.string()),
            },
            2 => *out = Cell::Int(i64::from_le_bytes(self.eight())),
            3 => {
                let value = f64::from_le_bytes(self.eight());
                match out {
                    Cell::Number { value: v, shown } => {
                        *v = value;
                        self.string_into(shown);
                    }
                    _ => {
                        let shown = self.string();
                        *out = Cell::Number { value, shown };
                    }
                }
            }
            4 => *out = self.date(),
            5 => {
                if !matches!(out, Cell::Code { .. }) {
                    *out = Cell::Code {
                        code: String::new(),
                        label: String::new(),
                    };
                }
                if let Cell::Code { code, label } = out {
                    self.string_into(code);
                    self.string_into(label);
                }
            }
            6 => {
                let value = self.take(1)[0] == 1;
                match out {
                    Cell::Flag { value: v, label } => {
                        *v = value;
                        self.string_into(label);
                    }
                    _ => {
                        let label = self.string();
                        *out = Cell::Flag { value, label };
                    }
                }
            }
            7 => {
                if !matches!(out, Cell::List { .. }) {
                    *out = Cell::List {
                        items: Vec::new(),
                        shown: String::new(),
                    };
                }
                if let Cell::List { items, shown } = out {
                    let n = self.len();
                    self.strings_into(n, items);
                    self.string_into(shown);
                }
            }
            8 => {
                if !matches!(out, Cell::Pairs { .. }) {
                    *out = Cell::Pairs {
                        pairs: Vec::new(),
                        shown: String::new(),
                    };
                }
                if let Cell::Pairs { pairs, shown } = out {
                    let n = self.len();
                    pairs.truncate(n);
                    for i in 0..n {
                        match pairs.get_mut(i) {
                            Some((k, v)) => {
                                self.string_into(k);
                                self.string_into(v);
                            }
                            None => {
                                let k = self.string();
                                pairs.push((k, self.string()));
                            }
                        }
                    }
                    self.string_into(shown);
                }
            }
            _ => *out = Cell::Empty,
        }
    }

    /// One cell of a row into `out`: from its column's dictionary, or
    /// packed here.
    fn row_cell_into(&mut self, dictionary: Option<&Vec<Box<[u8]>>>, out: &mut Cell) {
        match self.len() {
            0 => self.cell_into(out),
            n => match dictionary.and_then(|d| d.get(n - 1)) {
                Some(bytes) => Reader { bytes }.cell_into(out),
                None => *out = Cell::Empty,
            },
        }
    }
}

/// A packed row into `row`, whose cells keep their room from the last row.
fn unpack_row_into(bytes: &[u8], dictionaries: &[Vec<Box<[u8]>>], row: &mut Vec<Cell>) {
    let mut r = Reader { bytes };
    let n = r.len();
    row.truncate(n);
    row.resize_with(n, || Cell::Empty);
    for (i, cell) in row.iter_mut().enumerate() {
        r.row_cell_into(dictionaries.get(i), cell);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rows as a writer draws them.
    fn drawn<K: Ord + 'static>(rows: SortedRows<K>) -> Vec<Vec<Cell>> {
        let mut seen = Vec::new();
        rows.into_rows()
            .each(&mut |r| {
                seen.push(r.to_vec());
                Ok(())
            })
            .unwrap();
        seen
    }

    #[test]
    fn rows_come_back_whole_in_key_order() {
        let a = vec![
            Cell::text("b"),
            Cell::Empty,
            Cell::Int(-3),
            Cell::Number {
                value: 8.25,
                shown: "8,3 %".into(),
            },
            Cell::Date(NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()),
            Cell::code("red", "Rood"),
            Cell::Flag {
                value: true,
                label: "ja".into(),
            },
            Cell::List {
                items: vec!["x".into(), "ü".into()],
                shown: "X; Ü".into(),
            },
            Cell::Pairs {
                pairs: vec![("p".into(), "ok".into())],
                shown: "p: ok".into(),
            },
        ];
        let b = vec![Cell::text("a")];
        let mut rows = SortedRows::default();
        rows.push(2, "z", &a);
        rows.push(1, "z", &b);
        let seen = drawn(rows);
        assert_eq!(seen, vec![b, a]);
    }

    #[test]
    fn equal_keys_come_in_text_order_and_repeated_cells_stay_whole() {
        let mut rows = SortedRows::default();
        // More different cells than a dictionary keeps, so some are packed
        // into their rows and some are numbers: both must come back.
        let n = DICTIONARY + 10;
        for i in (0..n).rev() {
            let cells = [Cell::text(format!("ref-{i:05}")), Cell::code("red", "Rood")];
            rows.push(0u8, &format!("ref-{i:05}"), &cells);
        }
        let seen = drawn(rows);
        let want: Vec<Vec<Cell>> = (0..n)
            .map(|i| vec![Cell::text(format!("ref-{i:05}")), Cell::code("red", "Rood")])
            .collect();
        assert_eq!(seen, want);
    }
}
