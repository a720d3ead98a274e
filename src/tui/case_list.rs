//! The Cases view's list: a window of rows around the selection, fetched from
//! SQLite by keyset paging (today), or a past snapshot's list filtered on
//! the worker. Live, only the window is ever held; drawing only reads it.

use chrono::NaiveDate;

use crate::domain::{Case, Msg};
use crate::store::{CaseFilter, CaseState, SEARCH_COUNT_CAP, Store};

/// At most this many rows are held; more are dropped far from the screen.
const MAX_WINDOW: usize = 1_000;
/// Rows fetched at once, at least.
const MIN_CHUNK: usize = 64;

/// Selection and scroll position of a list of `len` rows shown `height`
/// rows at a time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Scroll {
    pub selected: usize,
    pub offset: usize,
}

impl Scroll {
    /// Selects `index` (clamped) and scrolls just enough to show it.
    pub fn select(&mut self, index: usize, len: usize, height: usize) {
        self.selected = index.min(len.saturating_sub(1));
        let height = height.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
        self.offset = self.offset.min(len.saturating_sub(height));
    }

    /// Moves the selection by `delta` rows.
    pub fn step(&mut self, delta: isize, len: usize, height: usize) {
        let target = self.selected.saturating_add_signed(delta);
        self.select(target, len, height);
    }
}

#[derive(Debug, Default)]
pub struct CaseList {
    pub filter: CaseFilter,
    pub total: usize,
    /// A search counted only up to `total`: there are more. Counted in full
    /// when the selection reaches the last counted row.
    pub more: bool,
    pub scroll: Scroll,
    /// Absolute position of `rows[0]`.
    start: usize,
    rows: Vec<Case>,
    /// A past snapshot's cases, filtered, newest first; None when
    /// the list pages through the database.
    memory: Option<Vec<Case>>,
    /// The date and filter of `memory`; None once the data changed (the
    /// rows stay on screen until the new list arrives).
    memory_of: Option<(NaiveDate, CaseFilter)>,
}

/// Every case of `cases` that `filter` lets through, newest first (as the
/// database pages them): a past date's list, built on the worker.
pub fn filtered(cases: &[Case], filter: &CaseFilter) -> Vec<Case> {
    let mut all: Vec<Case> = cases
        .iter()
        .filter(|c| filter.matches(c))
        .cloned()
        .collect();
    all.sort_unstable_by(|a, b| b.case_ref.cmp(&a.case_ref));
    all
}

/// The filter the Cases view opens on, and returns to on Esc: the open
/// cases (the closed ones are one choice away in the filter).
pub fn opening_filter() -> CaseFilter {
    CaseFilter {
        state: Some(CaseState::Open),
        ..CaseFilter::default()
    }
}

impl CaseList {
    /// An empty list that will show the open cases.
    pub fn opening() -> CaseList {
        CaseList {
            filter: opening_filter(),
            ..CaseList::default()
        }
    }

    /// An empty list with this one's filter and selection, to load anew
    /// (on the worker) and swap in.
    pub fn to_load(&self) -> CaseList {
        CaseList {
            filter: self.filter.clone(),
            scroll: self.scroll,
            ..CaseList::default()
        }
    }

    pub fn in_memory(&self) -> bool {
        self.memory.is_some()
    }

    fn row(&self, index: usize) -> Option<&Case> {
        match &self.memory {
            Some(all) => all.get(index),
            None => index.checked_sub(self.start).and_then(|i| self.rows.get(i)),
        }
    }

    pub fn selected_case(&self) -> Option<&Case> {
        self.row(self.scroll.selected)
    }

    /// The rows on screen, with their absolute positions.
    pub fn visible(&self, height: usize) -> Vec<(usize, &Case)> {
        (self.scroll.offset..self.total.min(self.scroll.offset + height))
            .filter_map(|i| self.row(i).map(|c| (i, c)))
            .collect()
    }

    /// A past date's list as the worker filtered it (`filtered`, for
    /// `filter` as of `as_of`), with `anchor` selected.
    pub fn load_memory(
        &mut self,
        all: Vec<Case>,
        of: (NaiveDate, CaseFilter),
        anchor: Option<&str>,
        height: usize,
    ) {
        self.total = all.len();
        self.more = false;
        if let Some(old) = self.memory.replace(all) {
            crate::tui::worker::drop_elsewhere(old);
        }
        self.memory_of = Some(of);
        self.rows.clear();
        self.start = 0;
        self.reanchor(anchor, height);
    }

    /// Whether the list in memory is that of `as_of` under the current
    /// filter.
    pub fn holds(&self, as_of: NaiveDate) -> bool {
        self.memory.is_some()
            && self
                .memory_of
                .as_ref()
                .is_some_and(|(d, f)| *d == as_of && *f == self.filter)
    }

    /// The list in memory is no longer current (the data changed): the
    /// next load asks for it anew. Its rows stay on screen meanwhile.
    pub fn forget_memory(&mut self) {
        self.memory_of = None;
    }

    /// Selects `anchor` in the list in memory (a binary search: the list
    /// is sorted newest first); else the top.
    pub fn reanchor(&mut self, anchor: Option<&str>, height: usize) {
        let pos = match (&self.memory, anchor) {
            (Some(all), Some(r)) => all.partition_point(|c| c.case_ref.as_str() > r),
            _ => 0,
        };
        self.place(pos, height);
    }

    /// Counts again and fetches the window around `anchor` (the case to keep
    /// selected; else the top).
    pub fn load_live(
        &mut self,
        store: &Store,
        anchor: Option<&str>,
        height: usize,
    ) -> Result<(), Msg> {
        if let Some(old) = self.memory.take() {
            crate::tui::worker::drop_elsewhere(old);
        }
        self.memory_of = None;
        // A search is typed a key at a time: each key counts at most the
        // cap, so that a common term does not count a million rows.
        (self.total, self.more) = if self.filter.search.is_some() {
            store.count_capped(&self.filter, SEARCH_COUNT_CAP)?
        } else {
            (store.count_filtered(&self.filter)?, false)
        };
        if self.total == 0 {
            // Nothing to fetch: a search that matches nothing would
            // otherwise scan the whole table again for an empty page.
            self.rows.clear();
            self.start = 0;
            self.scroll = Scroll::default();
            return Ok(());
        }
        let pos = match anchor {
            Some(r) => store.position_in(&self.filter, r)?,
            None => 0,
        };
        if pos >= self.total.saturating_sub(1) {
            self.count_all(store)?;
        }
        let above = self.place(pos, height);
        let chunk = chunk(height);
        let before = match anchor {
            Some(r) if pos > 0 => store.cases_before(&self.filter, Some(r), above + chunk / 2)?,
            _ => Vec::new(),
        };
        let from = store.cases_after(
            &self.filter,
            before.last().map(|c| c.case_ref.as_str()),
            chunk + height,
        )?;
        self.start = pos - before.len().min(pos);
        self.rows = before;
        self.rows.extend(from);
        self.ensure(store, height)
    }

    /// Selects `pos` keeping the selection's row on screen where it was;
    /// returns how many rows are above it on screen.
    fn place(&mut self, pos: usize, height: usize) -> usize {
        let above = self.scroll.selected.saturating_sub(self.scroll.offset);
        self.scroll.selected = pos.min(self.total.saturating_sub(1));
        self.scroll.offset = self.scroll.selected.saturating_sub(above);
        self.scroll.select(self.scroll.selected, self.total, height);
        self.scroll.selected - self.scroll.offset
    }

    /// Moves the selection and fetches what comes on screen.
    pub fn step(&mut self, store: &Store, delta: isize, height: usize) -> Result<(), Msg> {
        let target = self.scroll.selected.saturating_add_signed(delta);
        self.select(store, target, height)
    }

    pub fn select(&mut self, store: &Store, index: usize, height: usize) -> Result<(), Msg> {
        if index >= self.total.saturating_sub(1) {
            self.count_all(store)?;
        }
        self.scroll.select(index, self.total, height);
        self.ensure(store, height)
    }

    /// Counts a capped search in full, once the end of the list is wanted.
    fn count_all(&mut self, store: &Store) -> Result<(), Msg> {
        if self.more && self.memory.is_none() {
            self.total = store.count_filtered(&self.filter)?;
            self.more = false;
        }
        Ok(())
    }

    /// The count as shown: "1000+" while a search is counted only so far.
    pub fn total_label(&self) -> String {
        if self.more {
            format!("{}+", self.total)
        } else {
            self.total.to_string()
        }
    }

    /// Makes sure the rows on screen are in the window, paging by key.
    pub fn ensure(&mut self, store: &Store, height: usize) -> Result<(), Msg> {
        if self.memory.is_some() || self.total == 0 {
            return Ok(());
        }
        let lo = self.scroll.offset;
        let hi = self.total.min(lo + height);
        let chunk = chunk(height);
        if self.rows.is_empty() || lo == 0 && self.start > 0 {
            self.start = 0;
            self.rows = store.cases_after(&self.filter, None, chunk.max(hi))?;
        } else if hi == self.total && self.start + self.rows.len() < hi {
            self.rows = store.cases_before(&self.filter, None, chunk.max(hi - lo))?;
            self.start = self.total - self.rows.len().min(self.total);
        }
        while hi > self.start + self.rows.len() {
            let last = self.rows.last().map(|c| c.case_ref.clone());
            let more = store.cases_after(&self.filter, last.as_deref(), chunk)?;
            if more.is_empty() {
                break;
            }
            self.rows.extend(more);
        }
        while lo < self.start {
            let first = self.rows.first().map(|c| c.case_ref.clone());
            let more = store.cases_before(&self.filter, first.as_deref(), chunk)?;
            if more.is_empty() {
                break;
            }
            self.start -= more.len().min(self.start);
            let mut rows = more;
            rows.append(&mut self.rows);
            self.rows = rows;
        }
        self.trim(lo, hi);
        Ok(())
    }

    /// Drops rows far from the screen so the window stays small.
    fn trim(&mut self, lo: usize, hi: usize) {
        if self.rows.len() <= MAX_WINDOW {
            return;
        }
        let end = self.start + self.rows.len();
        let keep_lo = lo.saturating_sub(MAX_WINDOW / 4).max(self.start);
        let keep_hi = (hi + MAX_WINDOW / 4).min(end);
        self.rows.truncate(keep_hi - self.start);
        self.rows.drain(..keep_lo - self.start);
        self.start = keep_lo;
    }

    /// Every case the filter lets through (for an export), in order.
    /// A past snapshot's cases as filtered; None when the list pages
    /// through the database (with `filter`).
    pub fn memory(&self) -> Option<&Vec<Case>> {
        self.memory.as_ref()
    }

    pub fn all(&self, store: &Store) -> Result<Vec<Case>, Msg> {
        match &self.memory {
            Some(all) => Ok(all.clone()),
            None => store.cases_after(&self.filter, None, usize::MAX),
        }
    }
}

fn chunk(height: usize) -> usize {
    (height * 2).max(MIN_CHUNK)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::parse_date;
    use crate::domain::{Referrer, Urgency};
    use crate::store::NewReferral;

    fn store_with(n: usize) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("t.db")).unwrap();
        let today = parse_date("2026-11-22").unwrap();
        for _ in 0..n {
            let new = NewReferral {
                case_ref: None,
                name: None,
                birth_date: None,
                referred_on: today,
                referrer: Referrer::Gp,
                urgency: Urgency::Regular,
                worker: None,
            };
            store.add_referral(&new, today, "test").unwrap();
        }
        (dir, store)
    }

    fn refs(list: &CaseList, height: usize) -> Vec<String> {
        list.visible(height)
            .iter()
            .map(|(_, c)| c.case_ref.clone())
            .collect()
    }

    #[test]
    fn window_follows_the_selection_both_ways() {
        let (_dir, store) = store_with(300);
        let mut list = CaseList::default();
        list.load_live(&store, None, 10).unwrap();
        assert_eq!(list.total, 300);
        assert_eq!(refs(&list, 10)[0], "2026-0300", "newest first");
        list.step(&store, 250, 10).unwrap();
        assert_eq!(list.selected_case().unwrap().case_ref, "2026-0050");
        assert_eq!(refs(&list, 10).last().unwrap(), "2026-0050");
        list.scroll.select(299, list.total, 10);
        list.ensure(&store, 10).unwrap();
        assert_eq!(list.selected_case().unwrap().case_ref, "2026-0001");
        list.step(&store, -295, 10).unwrap();
        assert_eq!(list.selected_case().unwrap().case_ref, "2026-0296");
        assert_eq!(refs(&list, 10).len(), 10);
        list.load_live(&store, Some("2026-0150"), 10).unwrap();
        assert_eq!(list.selected_case().unwrap().case_ref, "2026-0150");
        assert!(list.rows.len() < 300, "only a window is held");
    }

    #[test]
    fn a_search_that_matches_nothing_shows_nothing_and_clears_again() {
        let (_dir, store) = store_with(30);
        let mut list = CaseList::default();
        list.load_live(&store, None, 10).unwrap();
        list.step(&store, 12, 10).unwrap();
        list.filter.search = Some("zzz".into());
        list.load_live(&store, None, 10).unwrap();
        assert_eq!((list.total, list.selected_case()), (0, None));
        assert!(refs(&list, 10).is_empty());
        list.step(&store, 1, 10).unwrap();
        assert_eq!(list.selected_case(), None);
        list.filter.search = Some("2026-002".into());
        list.load_live(&store, None, 10).unwrap();
        assert_eq!(list.total, 10);
        assert_eq!(refs(&list, 10)[0], "2026-0029");
    }

    #[test]
    fn a_common_search_counts_to_the_cap_until_the_end_is_asked_for() {
        let (_dir, store) = store_with(SEARCH_COUNT_CAP + 5);
        let mut list = CaseList::default();
        list.filter.search = Some("2026".into());
        list.load_live(&store, None, 10).unwrap();
        assert_eq!(
            (list.total, list.total_label()),
            (SEARCH_COUNT_CAP, "1000+".into())
        );
        list.step(&store, 20, 10).unwrap();
        assert!(
            list.more,
            "paging within the counted rows counts nothing more"
        );
        list.select(&store, usize::MAX, 10).unwrap();
        assert_eq!(list.total_label(), "1005");
        assert_eq!(list.selected_case().unwrap().case_ref, "2026-0001");
    }
}
