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

#[derive(Debug, Default)]
pub struct WaitlistState {
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
        self.rows = rows;
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
