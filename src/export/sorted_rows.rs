//! Rows that arrive in one order and are written in another (the stoplight
//! board comes from the store part by part, by case, and is read red first):
//! each row is packed into one shared byte buffer as it arrives, with its
//! sort key, and unpacked again one by one in key order when a writer draws
//! them. So the whole board costs its packed bytes, not a vector of cells,
//! strings or JSON values per row.

use chrono::NaiveDate;

use super::document::{Cell, Rows};

/// Packed rows with their sort keys.
pub struct SortedRows<K> {
    bytes: Vec<u8>,
    places: Vec<(K, std::ops::Range<usize>)>,
}

impl<K: Ord> Default for SortedRows<K> {
    fn default() -> Self {
        SortedRows {
            bytes: Vec::new(),
            places: Vec::new(),
        }
    }
}

impl<K: Ord + 'static> SortedRows<K> {
    pub fn push(&mut self, key: K, cells: &[Cell]) {
        let start = self.bytes.len();
        pack_row(&mut self.bytes, cells);
        self.places.push((key, start..self.bytes.len()));
    }

    pub fn len(&self) -> usize {
        self.places.len()
    }

    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }

    /// The rows in key order (stable for equal keys), drawn lazily.
    pub fn into_rows<'a>(mut self) -> Rows<'a> {
        self.places.sort_by(|a, b| a.0.cmp(&b.0));
        Rows::Lazy {
            count: self.places.len(),
            each: Box::new(move |sink| {
                self.places
                    .iter()
                    .try_for_each(|(_, at)| sink(&unpack_row(&self.bytes[at.clone()])))
            }),
        }
    }
}

// The packing: per row a cell count, per cell a tag and its parts; text as
// a length and UTF-8 bytes. Only this file reads what it wrote.

fn put_len(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(&(n as u32).to_le_bytes());
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_len(out, s.len());
    out.extend_from_slice(s.as_bytes());
}

fn pack_row(out: &mut Vec<u8>, cells: &[Cell]) {
    put_len(out, cells.len());
    for cell in cells {
        pack_cell(out, cell);
    }
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
            put_str(out, &d.to_string());
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

/// Reads back what `pack_row` wrote.
struct Reader<'b> {
    bytes: &'b [u8],
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> &[u8] {
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        head
    }

    fn len(&mut self) -> usize {
        let b = self.take(4);
        u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize
    }

    fn eight(&mut self) -> [u8; 8] {
        let mut out = [0; 8];
        out.copy_from_slice(self.take(8));
        out
    }

    fn string(&mut self) -> String {
        let n = self.len();
        // Packed from a `&str` by `put_str`, so always UTF-8.
        String::from_utf8_lossy(self.take(n)).into_owned()
    }

    fn cell(&mut self) -> Cell {
        match self.take(1)[0] {
            1 => Cell::Text(self.string()),
            2 => Cell::Int(i64::from_le_bytes(self.eight())),
            3 => Cell::Number {
                value: f64::from_le_bytes(self.eight()),
                shown: self.string(),
            },
            4 => self
                .string()
                .parse::<NaiveDate>()
                .map_or(Cell::Empty, Cell::Date),
            5 => Cell::Code {
                code: self.string(),
                label: self.string(),
            },
            6 => Cell::Flag {
                value: self.take(1)[0] == 1,
                label: self.string(),
            },
            7 => {
                let n = self.len();
                Cell::List {
                    items: (0..n).map(|_| self.string()).collect(),
                    shown: self.string(),
                }
            }
            8 => {
                let n = self.len();
                Cell::Pairs {
                    pairs: (0..n).map(|_| (self.string(), self.string())).collect(),
                    shown: self.string(),
                }
            }
            _ => Cell::Empty,
        }
    }
}

fn unpack_row(bytes: &[u8]) -> Vec<Cell> {
    let mut r = Reader { bytes };
    let n = r.len();
    (0..n).map(|_| r.cell()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
        rows.push(2, &a);
        rows.push(1, &b);
        let mut seen = Vec::new();
        rows.into_rows()
            .each(&mut |r| {
                seen.push(r.to_vec());
                Ok(())
            })
            .unwrap();
        assert_eq!(seen, vec![b, a]);
    }
}
