//! View 1's state: the waiting lists as sections, one per queue, each with
//! its own counts, and a selection that moves over the cases only (a
//! section's heading is never selected). A further list (such as the
//! evaluations due) is one more `Section` in `sections`.

use crate::domain::waitlist::{self, Queue, QueueSummary, WaitRow};

use super::case_list::Scroll;

/// One line of view 1: a section's heading or a case (index into `rows`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    Heading(usize),
    Row(usize),
}

/// One section: its queue and its counts, computed when the rows load.
#[derive(Debug, Clone)]
pub struct Section {
    pub queue: Queue,
    pub summary: QueueSummary,
    /// The rows of the section: `rows[start..end]`.
    pub start: usize,
    pub end: usize,
}

impl Section {
    /// Cases waiting longer than the norm (red).
    pub fn over_norm(&self) -> usize {
        self.summary.gross.red
    }
}

/// Which field of a row matches a search, as a column heading key; None
/// when the row does not match.
pub fn matched_field(r: &WaitRow, term: &str) -> Option<&'static str> {
    let term = term.to_lowercase();
    let has = |v: Option<&str>| v.is_some_and(|v| v.to_lowercase().contains(&term));
    if has(Some(&r.case_ref)) {
        Some("column.case_ref")
    } else if has(r.worker.as_deref()) {
        Some("column.worker")
    } else if has(r.provider.as_deref()) {
        Some("column.provider")
    } else {
        None
    }
}

#[derive(Debug, Default)]
pub struct WaitlistState {
    /// Every row of the lists, as loaded.
    pub all: Vec<WaitRow>,
    /// The search typed with `/`: only matching rows are shown.
    pub search: Option<String>,
    /// The rows shown: all, or those matching the search.
    pub rows: Vec<WaitRow>,
    pub sections: Vec<Section>,
    pub lines: Vec<Line>,
    /// Selection and scroll over `lines`; the selection is always a row.
    pub scroll: Scroll,
}

impl WaitlistState {
    /// New rows (in the order of SPEC 2), keeping the selected case when it
    /// is still there, else the position.
    pub fn load(&mut self, rows: Vec<WaitRow>, height: usize) {
        let keep = self.selected_row().map(|r| (r.case_ref.clone(), r.queue));
        let at = self.scroll.selected;
        self.rows = match &self.search {
            Some(term) => rows
                .iter()
                .filter(|r| matched_field(r, term).is_some())
                .cloned()
                .collect(),
            None => rows.clone(),
        };
        self.all = rows;
        let summaries = waitlist::summarize(&self.rows);
        self.sections.clear();
        self.lines.clear();
        for summary in summaries {
            let start = self.rows.partition_point(|r| r.queue < summary.queue);
            let end = self.rows.partition_point(|r| r.queue <= summary.queue);
            self.lines.push(Line::Heading(self.sections.len()));
            self.lines.extend((start..end).map(Line::Row));
            self.sections.push(Section {
                queue: summary.queue,
                summary,
                start,
                end,
            });
        }
        let index = keep
            .and_then(|(r, q)| {
                self.lines.iter().position(|l| {
                    matches!(l, Line::Row(i) if self.rows[*i].case_ref == r && self.rows[*i].queue == q)
                })
            })
            .unwrap_or(at);
        self.select(index, 1, height);
    }

    pub fn selected_row(&self) -> Option<&WaitRow> {
        match self.lines.get(self.scroll.selected) {
            Some(Line::Row(i)) => self.rows.get(*i),
            _ => None,
        }
    }

    /// The section of the selected case, and the case's place in it.
    pub fn position(&self) -> Option<(usize, usize)> {
        let Some(Line::Row(i)) = self.lines.get(self.scroll.selected) else {
            return None;
        };
        let s = self
            .sections
            .iter()
            .position(|s| (s.start..s.end).contains(i))?;
        Some((s, i - self.sections[s].start + 1))
    }

    /// Selects the case nearest to `index` in direction `dir` (±1), or the
    /// other way at the end; shows the heading above a section's first case.
    pub fn select(&mut self, index: usize, dir: isize, height: usize) {
        let len = self.lines.len();
        if len == 0 {
            self.scroll = Scroll::default();
            return;
        }
        let index = index.min(len - 1);
        let is_row = |i: usize| matches!(self.lines[i], Line::Row(_));
        let forward = |i: usize| (i..len).find(|j| is_row(*j));
        let backward = |i: usize| (0..=i).rev().find(|j| is_row(*j));
        let target = if dir >= 0 {
            forward(index).or_else(|| backward(index))
        } else {
            backward(index).or_else(|| forward(index))
        };
        // No case at all: show the headings from the top.
        let Some(target) = target else {
            self.scroll = Scroll::default();
            return;
        };
        self.scroll.select(target, len, height);
        if target > 0 && self.scroll.offset == target && !is_row(target - 1) {
            self.scroll.offset -= 1;
        }
    }

    pub fn step(&mut self, delta: isize, height: usize) {
        let target = self.scroll.selected.saturating_add_signed(delta);
        self.select(target, delta.signum(), height);
    }

    /// Jumps to the first case of the next section that has cases (after
    /// the last, the first).
    pub fn next_section(&mut self, height: usize) {
        let now = self.position().map_or(0, |(s, _)| s);
        let n = self.sections.len();
        let next = (1..=n)
            .map(|k| &self.sections[(now + k) % n.max(1)])
            .find(|s| s.end > s.start);
        if let Some(s) = next {
            let first = s.start;
            if let Some(line) = self.lines.iter().position(|l| *l == Line::Row(first)) {
                self.select(line, 1, height);
                // The section's heading goes to the top, its cases under it.
                let last_top = self.lines.len().saturating_sub(height.max(1));
                self.scroll.offset = (line - 1).min(last_top);
            }
        }
    }

    /// Selects the line at screen row `index` (a click), when it is a case.
    pub fn click(&mut self, index: usize, height: usize) {
        let i = self.scroll.offset + index;
        if matches!(self.lines.get(i), Some(Line::Row(_))) {
            self.scroll.select(i, self.lines.len(), height);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::domain::case::Referral;
    use crate::domain::dates::parse_date;
    use crate::domain::{Case, Referrer, Snapshot, Urgency};

    fn rows() -> Vec<WaitRow> {
        let d = |s| parse_date(s).unwrap();
        let r = Referral {
            referrer: Referrer::Gp,
            urgency: Urgency::Regular,
            worker: Some("Lotte Kramer".into()),
        };
        let cases = vec![
            Case::referred(1, "2026-0001", d("2026-10-01"), &r),
            Case::referred(2, "2026-0002", d("2026-11-12"), &r),
        ];
        let snap = Snapshot {
            as_of: d("2026-11-22"),
            cases,
            reviews: Default::default(),
        };
        waitlist::waiting_list(&snap, &Config::default().norms, None)
    }

    #[test]
    fn sections_have_headings_that_are_never_selected() {
        let mut w = WaitlistState::default();
        w.load(rows(), 10);
        // Intake heading, 2 rows, decision heading, 2 rows, care heading.
        assert_eq!(w.lines.len(), 7);
        assert_eq!(w.lines[0], Line::Heading(0));
        assert_eq!(w.scroll.selected, 1);
        assert_eq!(w.position(), Some((0, 1)));
        w.step(1, 10);
        w.step(1, 10);
        // Past the heading of the second section onto its first case.
        assert_eq!(w.scroll.selected, 4);
        assert_eq!(w.position(), Some((1, 1)));
        w.step(-1, 10);
        assert_eq!(w.scroll.selected, 2);
        // The jump skips the empty care queue and wraps to the first.
        w.next_section(10);
        assert_eq!(w.position(), Some((1, 1)));
        w.next_section(10);
        assert_eq!(w.position(), Some((0, 1)));
        w.step(isize::MAX / 2, 10);
        assert_eq!(w.scroll.selected, 5, "the end stops at the last case");
    }

    #[test]
    fn a_search_keeps_matching_rows_and_names_the_field() {
        let mut w = WaitlistState {
            search: Some("0002".into()),
            ..Default::default()
        };
        w.load(rows(), 10);
        assert_eq!(w.rows.len(), 2);
        assert_eq!(w.all.len(), 4);
        assert_eq!(matched_field(&w.rows[0], "kramer"), Some("column.worker"));
        assert_eq!(matched_field(&w.rows[0], "0002"), Some("column.case_ref"));
        assert_eq!(matched_field(&w.rows[0], "horizon"), None);
    }
}
