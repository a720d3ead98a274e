//! The stoplight board's state (view 3) and what its keys do: the board
//! grouped by colour, provider, care type or worker; the six-weekly
//! aggregate panel; the municipality report on `e`; and the review form's
//! live preview of the new colour. The rules are `domain::stoplight`'s; this
//! module only orders and groups their rows.

use std::cmp::Reverse;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::domain::dates::plus_one_month;
use crate::domain::review::standing_at;
use crate::domain::six_weekly;
use crate::domain::stoplight::{self, StoplightAggregate, StoplightRow};
use crate::domain::waitlist::SignalCounts;
use crate::domain::{Case, Msg, Review, Status};
use crate::present::i18n::Catalog;

use super::action::Action;
use super::app::{App, form_in};
use super::board_row::BoardRow;
use super::case_list::Scroll;
use super::compact::Packed;
use super::forms::{Field, FieldId, Form, Label, Purpose};

/// How the board groups its cases; a key cycles through them in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Grouping {
    #[default]
    Colour,
    Provider,
    CareType,
    Worker,
}

impl Grouping {
    pub const ALL: [Grouping; 4] = [
        Grouping::Colour,
        Grouping::Provider,
        Grouping::CareType,
        Grouping::Worker,
    ];

    pub fn next(self) -> Grouping {
        let i = Self::ALL.iter().position(|g| *g == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }

    /// Translation key of "by colour", "by provider", ...
    pub fn label_key(self) -> &'static str {
        match self {
            Grouping::Colour => "board_view.group.colour",
            Grouping::Provider => "board_view.group.provider",
            Grouping::CareType => "board_view.group.care_type",
            Grouping::Worker => "board_view.group.worker",
        }
    }
}

/// One line of the board: a group's heading (index into `groups`) or a
/// case (index into `rows`). One word a line: a country's board has
/// 190,000 of them, the headings are few.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    Group(u32),
    Case(u32),
}

/// A group's heading: its name and its cases' colours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub label: String,
    pub counts: SignalCounts,
}

/// The aggregate of SPEC 3.3 now and at the previous six-weekly date.
#[derive(Debug, Clone)]
pub struct Comparison {
    pub now: StoplightAggregate,
    pub previous_on: NaiveDate,
    pub previous: StoplightAggregate,
}

#[derive(Debug, Default)]
pub struct BoardState {
    /// The board's rows in display order (grouped), compact: each is
    /// unpacked when drawn.
    pub rows: Vec<BoardRow>,
    pub entries: Vec<Entry>,
    /// The group headings `entries` point into.
    pub groups: Vec<Group>,
    /// Selection and scroll over `entries`; the selection is always a case.
    pub scroll: Scroll,
    pub grouping: Grouping,
    /// The aggregate panel is shown instead of the cases.
    pub panel: bool,
    pub panel_scroll: u16,
    /// Loaded when the panel opens (it needs a second snapshot).
    pub comparison: Option<Comparison>,
    /// The search typed with `/`: only matching cases are shown.
    pub search: Option<String>,
    /// The filter set with `f`: one coordinator and/or provider.
    pub filter: super::row_filter::RowFilter,
    /// The whole board's counts for the summary line, computed on load.
    pub all: Option<stoplight::ColorTally<String>>,
}

impl BoardState {
    pub fn selected_row(&self) -> Option<&BoardRow> {
        match self.entries.get(self.scroll.selected) {
            Some(Entry::Case(i)) => self.rows.get(*i as usize),
            _ => None,
        }
    }

    /// Rebuilds the board from the rules' rows (already in board order),
    /// keeping the selected case selected; on a first load, `anchor`.
    pub fn load(&mut self, rows: Vec<BoardRow>, cat: &Catalog, anchor: Option<&str>, h: usize) {
        let keep = self
            .selected_row()
            .map(|r| r.case_ref.to_string())
            .or_else(|| anchor.map(str::to_string));
        let search = self.search.as_deref();
        let filter = &self.filter;
        self.rows = rows
            .into_iter()
            .filter(|r| r.kept_by(search, filter))
            .collect();
        self.all = Some(aggregate(&self.rows).all);
        self.regroup(cat);
        let index = keep
            .and_then(|k| {
                self.entries.iter().position(
                    |e| matches!(e, Entry::Case(i) if self.rows[*i as usize].case_ref == k),
                )
            })
            .unwrap_or(self.scroll.selected);
        self.select(index, 1, h);
    }

    /// Sorts the rows into their groups and writes the group headings.
    /// Within a group the rules' order stays: red first, most reasons first.
    fn regroup(&mut self, cat: &Catalog) {
        let grouping = self.grouping;
        fn key(grouping: Grouping) -> impl Fn(&BoardRow) -> Option<(usize, &str)> {
            move |r| group_key(grouping, r)
        }
        let key = key(grouping);
        // A stable sort: the board order of `stoplight` stays within groups.
        match grouping {
            Grouping::Colour => self.rows.sort_by_key(|r| Reverse(r.color)),
            _ => self.rows.sort_by(|a, b| {
                let (ka, kb) = (key(a), key(b));
                (ka.is_none(), ka).cmp(&(kb.is_none(), kb))
            }),
        }
        self.entries.clear();
        self.groups.clear();
        let mut start = 0;
        while start < self.rows.len() {
            let k = key(&self.rows[start]);
            let end = start
                + self.rows[start..]
                    .iter()
                    .take_while(|r| key(r) == k)
                    .count();
            let mut counts = SignalCounts::default();
            self.rows[start..end]
                .iter()
                .for_each(|r| counts.add(r.color));
            self.entries.push(Entry::Group(self.groups.len() as u32));
            self.groups.push(Group {
                label: group_label(cat, grouping, &self.rows[start]),
                counts,
            });
            self.entries
                .extend((start as u32..end as u32).map(Entry::Case));
            start = end;
        }
    }

    /// Selects the case nearest to `index` in direction `dir` (±1), or the
    /// other way at the end; shows the group heading above a first case.
    fn select(&mut self, index: usize, dir: isize, height: usize) {
        let len = self.entries.len();
        if len == 0 {
            self.scroll = Scroll::default();
            return;
        }
        let index = index.min(len - 1);
        let is_case = |i: usize| matches!(self.entries[i], Entry::Case(_));
        let ahead = |i: usize| {
            if dir >= 0 {
                (i..len).find(|j| is_case(*j))
            } else {
                (0..=i).rev().find(|j| is_case(*j))
            }
        };
        let behind = |i: usize| {
            if dir >= 0 {
                (0..=i).rev().find(|j| is_case(*j))
            } else {
                (i..len).find(|j| is_case(*j))
            }
        };
        let target = ahead(index).or_else(|| behind(index)).unwrap_or(0);
        self.scroll.select(target, len, height);
        if target > 0 && self.scroll.offset == target && !is_case(target - 1) {
            self.scroll.offset -= 1;
        }
    }

    fn step(&mut self, delta: isize, height: usize) {
        let target = self.scroll.selected.saturating_add_signed(delta);
        self.select(target, delta.signum(), height);
    }
}

/// What a row is grouped by (None: not set; such rows come last): a code's
/// position or a name, borrowed (the sort compares 190,000 rows' keys at
/// country scale: no key is allocated).
fn group_key(grouping: Grouping, r: &BoardRow) -> Option<(usize, &str)> {
    match grouping {
        Grouping::Colour => Some((r.color as usize, "")),
        Grouping::Provider => r.provider.as_deref().map(|p| (0, p)),
        // The position keeps the order of the care type codes.
        Grouping::CareType => r.care_type.map(|t| (t as usize, "")),
        Grouping::Worker => r.worker.as_deref().map(|w| (0, w)),
    }
}

/// SPEC 3.3's aggregate of the desk's rows.
pub fn aggregate(rows: &[BoardRow]) -> StoplightAggregate {
    let mut tally = stoplight::BoardTally::default();
    for r in rows {
        tally.add_parts(r.color, r.provider.as_deref(), r.care_type);
    }
    tally.finish()
}

fn group_label(cat: &Catalog, grouping: Grouping, r: &BoardRow) -> String {
    let or =
        |v: &Option<Arc<str>>, none: &str| v.as_deref().unwrap_or_else(|| cat.t(none)).to_string();
    match grouping {
        Grouping::Colour => crate::present::signal_text(cat, r.color),
        Grouping::Provider => or(&r.provider, "present.no_provider"),
        Grouping::CareType => r
            .care_type
            .map_or(cat.t("present.no_care_type"), |t| {
                cat.label("care_type", t.code())
            })
            .to_string(),
        Grouping::Worker => or(&r.worker, "board_view.no_worker"),
    }
}

/// The case the review form is for, with its reviews as read when the form
/// opened: what the live preview evaluates.
#[derive(Debug, Clone)]
pub struct ReviewDraft {
    pub case_id: i64,
    pub reviews: Vec<Review>,
    /// The next-review date the form filled in itself; it follows the review
    /// date until someone types another.
    pub next_default: Option<NaiveDate>,
    /// The light before and after the review, recomputed when the form
    /// changes (never while drawing).
    pub preview: Option<Preview>,
}

/// The colour before and after the review in the form, as of `today`.
#[derive(Debug, Clone)]
pub struct Preview {
    pub before: StoplightRow,
    /// None while a date in the form is not a date.
    pub after: Option<StoplightRow>,
}

/// The board and the preview evaluate with the configured preconditions.
fn codes(app: &App) -> Vec<String> {
    app.config.precondition_codes()
}

/// The review the form describes, placed among the case's reviews where the
/// store would put it (after the reviews of the same date).
fn with_prospective(
    app: &App,
    form: &Form,
    case: &Case,
    reviews: &[Review],
) -> Option<Vec<Review>> {
    let on = form.date(FieldId::On).ok()??;
    let next_on = form
        .date(FieldId::Next)
        .ok()?
        .unwrap_or_else(|| plus_one_month(on));
    let statuses = app
        .config
        .preconditions
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            form.parsed::<Status>(FieldId::Precondition(i))
                .map(|s| (p.code.clone(), s))
        })
        .collect();
    let review = Review {
        id: 0,
        case_id: case.id,
        on,
        next_on,
        note: form.text(FieldId::Note),
        statuses,
    };
    let mut all = reviews.to_vec();
    let at = all.partition_point(|r| r.on <= on);
    all.insert(at, review);
    Some(all)
}

/// The review form's preview; None for other forms.
fn review_preview(app: &App, form: &Form) -> Option<Preview> {
    let Purpose::Review { case } = &form.purpose else {
        return None;
    };
    let draft = app.review_draft.as_ref().filter(|d| d.case_id == case.id)?;
    let codes = codes(app);
    let care = app.config.norms.care;
    let before = stoplight::evaluate(case, &draft.reviews, app.today, &codes, care);
    let after = with_prospective(app, form, case, &draft.reviews)
        .map(|all| stoplight::evaluate(case, &all, app.today, &codes, care));
    Some(Preview { before, after })
}

impl App {
    /// The board of view 3: live, read and judged on the worker; a past
    /// date, from its snapshot.
    pub(super) fn load_board(&mut self, anchor: Option<&str>) -> Result<(), Msg> {
        use super::worker::loads::{LoadKey, board_job, past_board_job};
        // The board's cases are judged on the worker: live read there,
        // looking back from the date's snapshot (also for a search: it is
        // applied to the rows that come).
        let load = match (&self.snapshot, self.as_of) {
            (Some(snap), Some(_)) => past_board_job(&self.config, std::sync::Arc::clone(snap)),
            (_, None) => board_job(&self.config, self.today),
            (None, Some(_)) => return Ok(()),
        };
        self.board_anchor = anchor.map(str::to_string);
        self.request(LoadKey::Board, load)
    }

    /// The board's rows in view 3, keeping the selection.
    pub(super) fn show_board(
        &mut self,
        rows: Vec<BoardRow>,
        anchor: Option<&str>,
    ) -> Result<(), Msg> {
        let h = self.board_height();
        self.board.load(rows, self.cat, anchor, h);
        self.board.comparison = None;
        if self.board.panel {
            self.load_comparison()?;
        }
        Ok(())
    }

    /// The aggregate now and at the previous six-weekly date: the board of
    /// then is read and judged on the worker (at a million cases reading
    /// every case of that date froze the screen for seconds).
    fn load_comparison(&mut self) -> Result<(), Msg> {
        let previous_on = six_weekly::previous_date(self.shown_date());
        let load = super::worker::loads::previous_board_job(&self.config, previous_on, self.today);
        self.request(super::worker::loads::LoadKey::Comparison, load)
    }

    /// The board's aggregate of the previous six-weekly date arrived:
    /// shown beside today's when it is still the date before the one on
    /// screen.
    pub(super) fn take_previous(
        &mut self,
        previous_on: NaiveDate,
        previous: stoplight::StoplightAggregate,
    ) {
        if previous_on != six_weekly::previous_date(self.shown_date()) {
            return;
        }
        self.board.comparison = Some(Comparison {
            now: aggregate(&self.board.rows),
            previous_on,
            previous,
        });
    }

    pub fn board_height(&self) -> usize {
        self.screen().board_rows().height as usize
    }

    /// The board's own keys; None for keys the other views share.
    pub(super) fn step_board(&mut self, action: Action) -> Option<Result<(), Msg>> {
        let h = self.board_height();
        let b = &mut self.board;
        if b.panel {
            let page = h.max(1) as u16;
            match action {
                Action::Down | Action::ScrollDown => b.panel_scroll += 1,
                Action::Up | Action::ScrollUp => b.panel_scroll = b.panel_scroll.saturating_sub(1),
                Action::PageDown => b.panel_scroll += page,
                Action::PageUp => b.panel_scroll = b.panel_scroll.saturating_sub(page),
                Action::Top => b.panel_scroll = 0,
                Action::TogglePanel | Action::Back => b.panel = false,
                _ => return None,
            }
            return Some(Ok(()));
        }
        match action {
            Action::Up | Action::ScrollUp => b.step(-1, h),
            Action::Down | Action::ScrollDown => b.step(1, h),
            Action::PageUp => b.step(-(h as isize), h),
            Action::PageDown => b.step(h as isize, h),
            Action::Top => b.select(0, 1, h),
            Action::Bottom => b.select(usize::MAX, -1, h),
            Action::CycleGrouping => {
                b.grouping = b.grouping.next();
                let keep = b.selected_row().map(|r| r.case_ref.to_string());
                let rows = std::mem::take(&mut b.rows);
                b.load(rows, self.cat, keep.as_deref(), h);
            }
            Action::TogglePanel => {
                b.panel = true;
                b.panel_scroll = 0;
                if b.comparison.is_none() {
                    return Some(self.load_comparison());
                }
            }
            Action::Click { column: _, row } => {
                let area = self.screen().board_rows();
                if row < area.y || row >= area.y + area.height {
                    return None;
                }
                let i = self.board.scroll.offset + (row - area.y) as usize;
                if matches!(self.board.entries.get(i), Some(Entry::Case(_))) {
                    self.board.select(i, 1, h);
                }
            }
            _ => return None,
        }
        Some(Ok(()))
    }

    /// Keeps the selection on screen after a resize.
    pub(super) fn fit_board(&mut self) {
        let h = self.board_height();
        let sel = self.board.scroll.selected;
        self.board.select(sel, 1, h);
    }

    /// The review form's fields: the date, every configured precondition
    /// starting from where it stands now (never reviewed: missing, as the
    /// rules count it), the next review date and a note.
    pub(super) fn review_fields(&mut self, case: &Case, reviews: Vec<Review>) -> Vec<Field> {
        let on = self.today;
        let next = plus_one_month(on);
        let (_, standing) = standing_at(&reviews, on);
        let mut fields = vec![Field::date(FieldId::On, "tui.form.on", Some(on), true)];
        for (i, p) in self.config.preconditions.iter().enumerate() {
            let now = standing.get(&p.code).copied().unwrap_or(Status::Missing);
            fields.push(
                Field::choice(
                    FieldId::Precondition(i),
                    "",
                    "status",
                    Status::codes().into_iter().map(String::from),
                    None,
                    Some(now.code()),
                )
                .with_label(Label::Text(crate::present::precondition_label(
                    &p.code,
                    &self.config.preconditions,
                    self.lang,
                ))),
            );
        }
        fields.push(Field::date(
            FieldId::Next,
            "tui.form.next_review",
            Some(next),
            false,
        ));
        fields.push(Field::text(FieldId::Note, "tui.form.note", None));
        self.review_draft = Some(ReviewDraft {
            case_id: case.id,
            reviews,
            next_default: Some(next),
            preview: None,
        });
        fields
    }

    /// The review date changed: a next-review date the form filled in
    /// itself moves along to one month after it.
    pub(super) fn follow_review_date(&mut self) {
        let (Some(form), Some(draft)) = (form_in(&mut self.overlays), self.review_draft.as_mut())
        else {
            return;
        };
        let Ok(Some(on)) = form.date(FieldId::On) else {
            return;
        };
        let untouched = form.date(FieldId::Next).ok().flatten() == draft.next_default;
        if let (true, Some(f)) = (
            untouched,
            form.fields.iter_mut().find(|f| f.id == FieldId::Next),
        ) {
            let next = plus_one_month(on);
            f.set_value(&crate::present::date(next));
            draft.next_default = Some(next);
        }
    }

    /// Recomputes the review form's preview after the form changed.
    pub(super) fn refresh_preview(&mut self) {
        let preview = self.form().and_then(|f| review_preview(self, f));
        if let Some(d) = self.review_draft.as_mut() {
            d.preview = preview;
        }
    }

    /// Whether the form's next review date comes after its review date, as
    /// the store requires (checked as you type).
    pub(super) fn check_review_dates(form: &Form) -> Result<(), Msg> {
        if let (Ok(Some(on)), Ok(Some(next))) = (form.date(FieldId::On), form.date(FieldId::Next)) {
            if next <= on {
                return Err(Msg::new("error.next_review_not_after")
                    .arg("next", next)
                    .arg("date", on));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::stoplight::Criteria;
    use crate::domain::waitlist::Signal;
    use crate::domain::{CareType, Stage};
    use crate::present::i18n::Lang;

    fn row(case_ref: &str, color: Signal, provider: Option<&str>) -> StoplightRow {
        StoplightRow {
            case_id: 0,
            stage: Stage::InCare,
            case_ref: case_ref.into(),
            color,
            reasons: vec![],
            criteria: Criteria::default(),
            last_review_on: None,
            next_review_on: None,
            planned_end_on: None,
            care_started_on: None,
            provider: provider.map(String::from),
            care_type: Some(CareType::AmbulantProvider),
            worker: None,
            age: None,
        }
    }

    fn rows() -> Vec<BoardRow> {
        let mut interner = super::super::board_row::Interner::default();
        [
            row("A", Signal::Red, Some("Horizon")),
            row("B", Signal::Orange, None),
            row("C", Signal::Green, Some("Altra")),
            row("D", Signal::Green, Some("Horizon")),
        ]
        .into_iter()
        .map(|r| interner.pack(r))
        .collect()
    }

    fn shape(b: &BoardState) -> Vec<String> {
        b.entries
            .iter()
            .map(|e| match e {
                Entry::Group(g) => {
                    let Group { label, counts } = &b.groups[*g as usize];
                    format!("[{label} {}]", counts.total)
                }
                Entry::Case(i) => b.rows[*i as usize].case_ref.to_string(),
            })
            .collect()
    }

    #[test]
    fn groups_by_provider_with_cases_without_one_last() {
        let cat = Catalog::get(Lang::En);
        let mut b = BoardState::default();
        b.load(rows(), cat, None, 10);
        assert_eq!(
            shape(&b),
            [
                "[■ Red 1]",
                "A",
                "[▲ Orange 1]",
                "B",
                "[● Green 2]",
                "C",
                "D"
            ]
        );
        assert_eq!(b.selected_row().unwrap().case_ref, "A");
        b.grouping = Grouping::Provider;
        let all = std::mem::take(&mut b.rows);
        b.load(all, cat, Some("D"), 10);
        assert_eq!(
            shape(&b),
            [
                "[Altra 1]",
                "C",
                "[Horizon 2]",
                "A",
                "D",
                "[(no provider) 1]",
                "B"
            ]
        );
        assert_eq!(b.selected_row().unwrap().case_ref, "D");
    }

    #[test]
    fn selection_skips_group_headings_both_ways() {
        let cat = Catalog::get(Lang::En);
        let mut b = BoardState::default();
        b.load(rows(), cat, None, 3);
        b.step(1, 3);
        assert_eq!(b.selected_row().unwrap().case_ref, "B");
        assert_eq!(b.scroll.selected, 3);
        b.step(-1, 3);
        assert_eq!(b.selected_row().unwrap().case_ref, "A");
        // The heading above the first case stays in sight.
        assert_eq!(b.scroll.offset, 0);
        b.select(usize::MAX, -1, 3);
        assert_eq!(b.selected_row().unwrap().case_ref, "D");
        assert_eq!(Grouping::Worker.next(), Grouping::Colour);
    }
}
