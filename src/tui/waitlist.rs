//! View 1's state: the waiting lists as sections, one per queue, each with
//! its own counts, and after them the evaluation list (SPEC 1.7) as a fourth
//! section; a selection that moves over the cases only (a section's heading
//! is never selected). The rows are kept compact (`compact`): a row is
//! unpacked only when it is drawn.

use crate::domain::evaluation::Moment;
use crate::domain::waitlist::{self, Queue, QueueSummary, Signal, SignalCounts};

use super::case_list::Scroll;
use super::compact::{Packed, PackedMoment, PackedWait};

/// One line of view 1: a section's heading, the evaluation list's own
/// column heads, a waiting case (index into `rows`) or an evaluation
/// moment (index into `moments`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    Heading(usize),
    Heads(usize),
    Row(usize),
    Moment(usize),
}

impl Line {
    fn is_case(self) -> bool {
        matches!(self, Line::Row(_) | Line::Moment(_))
    }
}

/// The counts of the evaluation list's heading: the moments on the list by
/// signal, and how far the oldest overdue one is past its due date.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EvaluationCounts {
    pub signals: SignalCounts,
    /// Days past due of the oldest overdue moment; None when none is due.
    pub oldest_overdue_days: Option<i64>,
}

impl EvaluationCounts {
    /// Counts rows of `Store::evaluation_list` (never computes a signal).
    pub fn of<'a>(rows: impl Iterator<Item = &'a PackedMoment> + Clone) -> EvaluationCounts {
        let mut c = EvaluationCounts::default();
        for r in rows.clone() {
            c.signals.add(r.signal);
        }
        c.oldest_overdue_days = rows
            .filter(|r| r.signal != Signal::Green)
            .map(|r| r.days_overdue)
            .max();
        c
    }
}

/// What a section lists.
#[derive(Debug, Clone)]
pub enum Kind {
    Queue(QueueSummary),
    Evaluations(EvaluationCounts),
}

/// One section: its kind and its counts, computed when the rows load.
#[derive(Debug, Clone)]
pub struct Section {
    pub kind: Kind,
    /// The rows of the section: `rows[start..end]` for a queue,
    /// `moments[start..end]` for the evaluation list.
    pub start: usize,
    pub end: usize,
}

impl Section {
    /// The line of the section's entry `i` (an index into its rows).
    fn line(&self, i: usize) -> Line {
        match self.kind {
            Kind::Queue(_) => Line::Row(i),
            Kind::Evaluations(_) => Line::Moment(i),
        }
    }

    fn holds(&self, line: Line) -> Option<usize> {
        let i = match (line, &self.kind) {
            (Line::Row(i), Kind::Queue(_)) | (Line::Moment(i), Kind::Evaluations(_)) => i,
            _ => return None,
        };
        (self.start..self.end).contains(&i).then_some(i)
    }

    /// The key of the section's name in the catalogs.
    pub fn name_key(&self) -> String {
        match &self.kind {
            Kind::Queue(q) => format!("tui.queue.{}", q.queue.code()),
            Kind::Evaluations(_) => "tui.evaluations.name".to_string(),
        }
    }
}

/// Which field of a row matches a search, as a column heading key; None
/// when the row does not match. Every view's rows search alike
/// (`Packed::matched`).
pub fn matched(
    case_ref: &str,
    worker: Option<&str>,
    provider: Option<&str>,
    term: &str,
) -> Option<&'static str> {
    let term = term.to_lowercase();
    let has = |v: Option<&str>| v.is_some_and(|v| v.to_lowercase().contains(&term));
    if has(Some(case_ref)) {
        Some("column.case_ref")
    } else if has(worker) {
        Some("column.worker")
    } else if has(provider) {
        Some("column.provider")
    } else {
        None
    }
}

/// What keeps a selection over a reload: the case and its queue or moment.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Key {
    Wait(String, Queue),
    Moment(String, Moment),
}

/// The positions in `items` of those `keep` keeps.
fn kept<T>(items: &[T], keep: impl Fn(&T) -> bool) -> Vec<usize> {
    items
        .iter()
        .enumerate()
        .filter(|(_, x)| keep(x))
        .map(|(i, _)| i)
        .collect()
}

#[derive(Debug, Default)]
pub struct WaitlistState {
    /// Every row of the lists, as loaded (compact).
    pub all: Vec<PackedWait>,
    /// Every moment of the evaluation list, as loaded (compact).
    pub all_moments: Vec<PackedMoment>,
    /// The search typed with `/`: only matching rows are shown.
    pub search: Option<String>,
    /// The filter set with `f`: one coordinator and/or provider.
    pub filter: super::row_filter::RowFilter,
    /// The rows shown (all, or those matching the search and filter), as
    /// indices into `all`: a filtered list holds no second copy of its rows.
    pub shown: Vec<usize>,
    /// The evaluation moments shown, as indices into `all_moments`.
    pub shown_moments: Vec<usize>,
    pub sections: Vec<Section>,
    pub lines: Vec<Line>,
    /// The widest case reference shown (in characters), in the queues and
    /// the evaluation list alike: kept with the lists, because a frame
    /// must not walk a country's 250,000 rows to size one column.
    pub ref_width: usize,
    /// Selection and scroll over `lines`; the selection is always a case.
    pub scroll: Scroll,
}

impl WaitlistState {
    /// New rows (in the order of SPEC 2) and evaluation moments (in the
    /// order of SPEC 1.7), keeping the selected case when it is still
    /// there, else the position.
    pub fn load(&mut self, rows: Vec<PackedWait>, moments: Vec<PackedMoment>, height: usize) {
        let keep = self.selected_key();
        self.load_keeping(rows, moments, keep, height);
    }

    /// The loaded lists again under a new search or filter, keeping the
    /// selected case (looked up before the lists move: the shown lines
    /// are indices into them).
    pub fn refilter(&mut self, height: usize) {
        let keep = self.selected_key();
        let rows = std::mem::take(&mut self.all);
        let moments = std::mem::take(&mut self.all_moments);
        self.load_keeping(rows, moments, keep, height);
    }

    fn load_keeping(
        &mut self,
        rows: Vec<PackedWait>,
        moments: Vec<PackedMoment>,
        keep: Option<Key>,
        height: usize,
    ) {
        let at = self.scroll.selected;
        let search = self.search.as_deref();
        let filter = &self.filter;
        self.shown = kept(&rows, |r| r.kept_by(search, filter));
        self.shown_moments = kept(&moments, |m| m.kept_by(search, filter));
        self.all = rows;
        self.all_moments = moments;
        self.ref_width = self
            .shown_rows()
            .map(|r| r.case_ref.chars().count())
            .chain(self.shown_moments().map(|m| m.case_ref.chars().count()))
            .max()
            .unwrap_or(0);
        self.build_sections();
        let index = keep
            .and_then(|k| {
                (0..self.lines.len()).find(|i| self.key_of(self.lines[*i]).as_ref() == Some(&k))
            })
            .unwrap_or(at);
        self.select(index, 1, height);
    }

    /// The `i`th row shown.
    pub fn row(&self, i: usize) -> Option<&PackedWait> {
        self.shown.get(i).and_then(|&a| self.all.get(a))
    }

    /// The `i`th evaluation moment shown.
    pub fn moment(&self, i: usize) -> Option<&PackedMoment> {
        self.shown_moments
            .get(i)
            .and_then(|&a| self.all_moments.get(a))
    }

    /// The rows shown, in order.
    pub fn shown_rows(&self) -> impl Iterator<Item = &PackedWait> + Clone {
        self.shown.iter().filter_map(|&a| self.all.get(a))
    }

    /// The evaluation moments shown, in order.
    pub fn shown_moments(&self) -> impl Iterator<Item = &PackedMoment> + Clone {
        self.shown_moments
            .iter()
            .filter_map(|&a| self.all_moments.get(a))
    }

    fn build_sections(&mut self) {
        let mut summaries = waitlist::Summaries::default();
        for r in self.shown_rows() {
            r.count_in(&mut summaries);
        }
        self.sections.clear();
        self.lines.clear();
        for summary in summaries.finish() {
            let queue = |i: &usize| self.all[*i].queue;
            let start = self.shown.partition_point(|i| queue(i) < summary.queue);
            let end = self.shown.partition_point(|i| queue(i) <= summary.queue);
            self.lines.push(Line::Heading(self.sections.len()));
            self.lines.extend((start..end).map(Line::Row));
            self.sections.push(Section {
                kind: Kind::Queue(summary),
                start,
                end,
            });
        }
        let s = self.sections.len();
        self.lines.push(Line::Heading(s));
        if !self.shown_moments.is_empty() {
            self.lines.push(Line::Heads(s));
        }
        self.lines
            .extend((0..self.shown_moments.len()).map(Line::Moment));
        self.sections.push(Section {
            kind: Kind::Evaluations(EvaluationCounts::of(self.shown_moments())),
            start: 0,
            end: self.shown_moments.len(),
        });
    }

    fn key_of(&self, line: Line) -> Option<Key> {
        match line {
            Line::Row(i) => self
                .row(i)
                .map(|r| Key::Wait(r.case_ref.to_string(), r.queue)),
            Line::Moment(i) => self
                .moment(i)
                .map(|m| Key::Moment(m.case_ref.to_string(), m.moment)),
            _ => None,
        }
    }

    fn selected_key(&self) -> Option<Key> {
        self.lines
            .get(self.scroll.selected)
            .and_then(|l| self.key_of(*l))
    }

    pub fn selected_row(&self) -> Option<&PackedWait> {
        match self.lines.get(self.scroll.selected) {
            Some(Line::Row(i)) => self.row(*i),
            _ => None,
        }
    }

    pub fn selected_moment(&self) -> Option<&PackedMoment> {
        match self.lines.get(self.scroll.selected) {
            Some(Line::Moment(i)) => self.moment(*i),
            _ => None,
        }
    }

    /// The case of the selected line, a waiting case or a moment.
    pub fn selected_case_ref(&self) -> Option<&str> {
        self.selected_row()
            .map(|r| r.case_ref.as_str())
            .or_else(|| self.selected_moment().map(|m| m.case_ref.as_str()))
    }

    /// The section of the selected case, and the case's place in it.
    pub fn position(&self) -> Option<(usize, usize)> {
        let line = *self.lines.get(self.scroll.selected)?;
        self.sections
            .iter()
            .enumerate()
            .find_map(|(s, section)| section.holds(line).map(|i| (s, i - section.start + 1)))
    }

    /// The section whose line is at the top of the list (for the column
    /// heads above it).
    pub fn top_section(&self) -> Option<&Section> {
        let line = *self.lines.get(self.scroll.offset)?;
        let s = match line {
            Line::Heading(s) | Line::Heads(s) => s,
            _ => self
                .sections
                .iter()
                .position(|section| section.holds(line).is_some())?,
        };
        self.sections.get(s)
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
        let is_case = |i: usize| self.lines[i].is_case();
        let forward = |i: usize| (i..len).find(|j| is_case(*j));
        let backward = |i: usize| (0..=i).rev().find(|j| is_case(*j));
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
        // Above a section's first case, its heading (and column heads).
        if self.scroll.offset == target {
            let above = (0..target).rev().take_while(|i| !is_case(*i)).take(2);
            self.scroll.offset -= above.count().min(height.saturating_sub(1));
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
        let Some(next) = (1..=n)
            .map(|k| (now + k) % n.max(1))
            .find(|s| self.sections[*s].end > self.sections[*s].start)
        else {
            return;
        };
        let section = &self.sections[next];
        let first = section.line(section.start);
        let heading = self.lines.iter().position(|l| *l == Line::Heading(next));
        if let Some(line) = self.lines.iter().position(|l| *l == first) {
            self.select(line, 1, height);
            // The section's heading goes to the top, its cases under it.
            let last_top = self.lines.len().saturating_sub(height.max(1));
            self.scroll.offset = heading.unwrap_or(line).min(last_top);
        }
    }

    /// Selects the line at screen row `index` (a click), when it is a case.
    pub fn click(&mut self, index: usize, height: usize) {
        let i = self.scroll.offset + index;
        if self.lines.get(i).is_some_and(|l| l.is_case()) {
            self.scroll.select(i, self.lines.len(), height);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::config::Config;
    use crate::domain::case::Referral;
    use crate::domain::dates::parse_date;
    use crate::domain::{Case, Referrer, Snapshot, Urgency};

    fn rows() -> Vec<PackedWait> {
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
        let rows = waitlist::waiting_list(&snap, &Config::default().norms, None);
        super::super::compact::PackedLists::pack(rows, Vec::new()).rows
    }

    #[test]
    fn sections_have_headings_that_are_never_selected() {
        let mut w = WaitlistState::default();
        w.load(rows(), Vec::new(), 10);
        // Intake heading, 2 rows, decision heading, 2 rows, care heading,
        // the evaluation list's heading.
        assert_eq!(w.lines.len(), 8);
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
        // The jump skips the empty care queue and evaluation list and wraps
        // to the first.
        w.next_section(10);
        assert_eq!(w.position(), Some((1, 1)));
        w.next_section(10);
        assert_eq!(w.position(), Some((0, 1)));
        w.step(isize::MAX / 2, 10);
        assert_eq!(w.scroll.selected, 5, "the end stops at the last case");
    }

    #[test]
    fn a_new_search_keeps_the_selected_case() {
        let mut w = WaitlistState::default();
        w.load(rows(), Vec::new(), 10);
        let target = w.all[3].case_ref.to_string();
        let line = (0..w.lines.len())
            .find(|i| w.lines[*i] == Line::Row(3))
            .unwrap();
        w.select(line, 1, 10);
        assert_eq!(w.selected_case_ref(), Some(target.as_str()));
        for search in [Some("0002"), None] {
            w.search = search.map(String::from);
            w.refilter(10);
            assert_eq!(w.selected_case_ref(), Some(target.as_str()), "{search:?}");
        }
        assert_eq!(w.shown, [0, 1, 2, 3]);
    }

    #[test]
    fn a_search_keeps_matching_rows_and_names_the_field() {
        let mut w = WaitlistState {
            search: Some("0002".into()),
            ..Default::default()
        };
        w.load(rows(), Vec::new(), 10);
        assert_eq!(w.shown.len(), 2);
        assert_eq!(w.all.len(), 4);
        // The shown rows are the matching ones of `all`, in order.
        assert_eq!(w.shown, [1, 3]);
        let first = w.row(0).unwrap();
        assert_eq!(first.matched("kramer"), Some("column.worker"));
        assert_eq!(first.matched("0002"), Some("column.case_ref"));
        assert_eq!(first.matched("horizon"), None);
        // The reference column is sized with the lists, not per frame.
        assert_eq!(w.ref_width, first.case_ref.chars().count());
        assert!(w.row(2).is_none());
    }
}
