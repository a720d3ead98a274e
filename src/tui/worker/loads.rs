//! What each view reads and computes, as jobs for the UI's worker (issue
//! 17): the waiting lists, the board, the agenda and the flow figures. A
//! job owns copies of what it needs (dates, norms, codes) and returns the
//! view's data whole; the App swaps it in when it arrives, so the screen
//! never waits on the store.
//!
//! The same jobs run in place (`Loader::Here`) where nothing waits on a
//! screen: the tests, and a caller that wants the data now.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use crate::context::config::Config;
use crate::domain::agenda::Meeting;
use crate::domain::evaluation;
use crate::domain::flow::FlowReport;
use crate::domain::forecast::{DEFAULT_RUNS, DEFAULT_SEED, Runs};
use crate::domain::stoplight;
use crate::domain::waitlist::{self, Queue};
use crate::domain::{Case, Snapshot};
use crate::report::forecast;
use crate::store::{CaseFilter, Result, STREAM_CASES, StageCounts, Store};
use crate::tui::turns::ExpectedTurns;

use crate::tui::agenda_item::{DeskRecords, PackedAgenda};
use crate::tui::board_row::{BoardRow, Interner};
use crate::tui::case_list::{self, CaseList};
use crate::tui::compact::{self, PackedLists, PackedMoment, PackedWait};
use crate::tui::export::ExportJob;

use super::{Generation, Job, Progress, Update, Worker, job, memory, run_here};

/// A view's load that reads far more than it returns (a country's cases,
/// episodes, reviews): once its reads are dropped, the freed memory is due
/// to go back to the system (`memory::freed`; the event loop hands it back
/// when the person pauses), and so is its connection's page cache. Not
/// marked by the quick loads of every search key: they free little.
fn heavy(
    load: impl FnOnce(&Store, &Progress<'_>) -> Result<Loaded> + Send + 'static,
) -> Job<Loaded> {
    job(move |store: &Store, progress| {
        let loaded = load(store, progress);
        // Best effort: a cache that stays is only memory, never a wrong
        // result, so a failure here does not fail the load.
        let _ = store.release_cache();
        memory::freed();
        loaded
    })
}

/// Which load a request is: one per view, so that a newer request for the
/// same view supersedes the older one and the others go on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LoadKey {
    Waitlist,
    Board,
    Agenda,
    Flow,
    Forecast,
    /// The cases as of a past date (`t`): every view looks back with them.
    Past,
    /// A past date's case list (view 2) for another filter or search:
    /// filtered and sorted on the worker.
    PastCases,
    /// The coordinators and providers on file (the filter forms' choices).
    Choices,
    /// View 2's list live, for a new search or filter: counted and its
    /// first window read on the worker.
    Cases,
    /// How many closed cases still hold names past the retention period.
    Retention,
    /// The board's aggregate at the previous six-weekly date (view 3's
    /// panel).
    Comparison,
    /// An export from a view (`e`): one at a time, kept when the data
    /// changes (the file shows what the view showed when it was asked).
    Export,
}

/// A view's data as a job returns it. Moved once per load, from the
/// worker to the view that keeps it: the variants' sizes do not matter.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub enum Loaded {
    /// View 1's lists, compact (see `compact`).
    Waitlist {
        rows: Vec<PackedWait>,
        moments: Vec<PackedMoment>,
    },
    /// The board's rows of `as_of` (None: live); its snapshot stays on
    /// the worker (the UI holds what it shows).
    Board {
        as_of: Option<NaiveDate>,
        rows: Vec<BoardRow>,
    },
    Agenda {
        /// None: the agenda of the meeting was already loaded and is kept.
        agenda: Option<PackedAgenda>,
        records: DeskRecords,
    },
    Flow {
        report: FlowReport,
        stages: Vec<StageCounts>,
    },
    /// When each waiting case is expected to be next, and each queue
    /// cleared (`stroom forecast`'s simulation, its default runs and seed),
    /// as view 1 keeps it.
    Forecast(ExpectedTurns),
    /// Every case as of a past date, with that date's case list (view 2,
    /// for the filter asked with it), waiting lists and evaluation list
    /// (what view 1 shows looking back).
    Past {
        as_of: NaiveDate,
        snapshot: Arc<Snapshot>,
        cases: PastCases,
        rows: Vec<PackedWait>,
        moments: Vec<PackedMoment>,
    },
    /// A past date's case list for another filter.
    PastCases(PastCases),
    Choices(Choices),
    /// View 2's list, counted, with its window around the selection.
    Cases(CaseList),
    /// Closed cases past the retention period that still hold names.
    Retention {
        count: usize,
    },
    /// The board's aggregate as of `previous_on`.
    Previous {
        previous_on: NaiveDate,
        aggregate: stoplight::StoplightAggregate,
    },
    /// An export's file was written: how many rows, where.
    Exported {
        count: usize,
        path: std::path::PathBuf,
    },
}

/// A past date's case list as view 2 shows it: the cases `filter` lets
/// through, newest first, ready to page through on the UI thread.
#[derive(Debug, Clone, PartialEq)]
pub struct PastCases {
    pub as_of: NaiveDate,
    pub filter: CaseFilter,
    pub cases: Vec<Case>,
}

impl PastCases {
    /// Whether this is the list of `as_of` under `filter`.
    pub fn is_for(&self, as_of: NaiveDate, filter: &CaseFilter) -> bool {
        self.as_of == as_of && &self.filter == filter
    }
}

/// The coordinators and providers named on any case: the filter forms'
/// choices and what is offered while typing a name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Choices {
    pub workers: Vec<String>,
    pub providers: Vec<String>,
}

/// View 2's list as `list` asks for it (its filter, its selection's place
/// on screen): counted (a search up to the cap) and the window around
/// `anchor` read, as the UI thread would have.
pub fn cases_job(list: CaseList, anchor: Option<String>, height: usize) -> Job<Loaded> {
    job(move |store: &Store, _| {
        let mut list = list;
        list.load_live(store, anchor.as_deref(), height)?;
        Ok(Loaded::Cases(list))
    })
}

/// The board's aggregate (SPEC 3.3) as of `previous_on`: its cases on the
/// board then, judged on that date.
pub fn previous_board_job(
    config: &Config,
    previous_on: NaiveDate,
    today: NaiveDate,
) -> Job<Loaded> {
    let codes = config.precondition_codes();
    let care = config.norms.care;
    heavy(move |store: &Store, progress| {
        let snapshot = store.stoplight_snapshot(previous_on, today)?;
        progress.report(1, Some(2))?;
        let aggregate = stoplight::aggregate(&stoplight::stoplight(&snapshot, &codes, care));
        Ok(Loaded::Previous {
            previous_on,
            aggregate,
        })
    })
}

/// Counts the closed cases a purge of `closed_before` would reach.
pub fn retention_job(closed_before: NaiveDate) -> Job<Loaded> {
    job(move |store: &Store, _| {
        Ok(Loaded::Retention {
            count: store.count_purge_candidates(closed_before)?,
        })
    })
}

/// Reads the filter forms' choices.
pub fn choices_job() -> Job<Loaded> {
    job(|store: &Store, _| {
        Ok(Loaded::Choices(Choices {
            workers: store.distinct_workers()?,
            providers: store.distinct_providers()?,
        }))
    })
}

/// The live waiting lists and evaluation list of `today`: only the waiting
/// cases and the cases in care are read, one case at a time, each turned
/// into its compact rows at once (no snapshot of a country's cases in care
/// is held); then the rows are put in the lists' orders.
pub fn waitlist_job(config: &Config, today: NaiveDate) -> Job<Loaded> {
    let norms = config.norms;
    let rules = config.evaluation;
    heavy(move |store: &Store, progress| {
        let mut names = compact::Interner::default();
        let mut lists = PackedLists::default();
        let mut seen = 0usize;
        // Now and then: a superseded load stops within a part.
        let mut tick = || {
            seen += 1;
            if seen % STREAM_CASES == 0 {
                progress.check()?;
            }
            Ok(())
        };
        store.each_waiting_case(today, today, &mut |case| {
            for queue in Queue::ALL.iter().filter(|q| q.holds(case.stage)) {
                let row = waitlist::wait_row(&case, *queue, &norms, today);
                lists.rows.push(PackedWait::pack(row, &mut names));
            }
            tick()
        })?;
        progress.report(1, Some(3))?;
        // The cases in care without their reviews: the moments need none.
        store.each_care_case(today, today, &mut |case, dates| {
            let moments = evaluation::evaluation_list([&case], |_| dates, today, &rules);
            lists.extend_moments(moments, &mut names);
            tick()
        })?;
        progress.report(2, Some(3))?;
        lists.sort();
        Ok(Loaded::Waitlist {
            rows: lists.rows,
            moments: lists.moments,
        })
    })
}

/// The live stoplight board of `today`, read and judged in parts of
/// `STREAM_CASES` cases (`Store::stoplight_stream`): only one part's cases
/// and reviews are held, each row packed as soon as it is judged, and the
/// compact rows put in board order at the end. (With rows that still held
/// heap blocks of their own, parts were worse than the whole snapshot: 466
/// MB resident against 428 MB at 1M, the parts' freed memory scattered
/// between the rows kept.)
pub fn board_job(config: &Config, today: NaiveDate) -> Job<Loaded> {
    let codes = config.precondition_codes();
    let care = config.norms.care;
    heavy(move |store: &Store, progress| {
        let check = || progress.check();
        let rows = streamed_board(store, today, &codes, care, STREAM_CASES, &check)?;
        progress.report(1, Some(2))?;
        Ok(Loaded::Board { as_of: None, rows })
    })
}

/// The board of `today` judged `part_cases` cases at a time; `check`
/// between parts (a superseded load stops there).
fn streamed_board(
    store: &Store,
    today: NaiveDate,
    codes: &[String],
    care: waitlist::Norm,
    part_cases: usize,
    check: &dyn Fn() -> Result<()>,
) -> Result<Vec<BoardRow>> {
    let mut interner = Interner::default();
    let mut rows: Vec<BoardRow> = Vec::new();
    store.stoplight_stream(today, today, part_cases, &mut |part| {
        check()?;
        let judged = stoplight::stoplight_into(&part, codes, care, |row| interner.pack(row));
        rows.extend(judged);
        Ok(())
    })?;
    stoplight::board_order(&mut rows);
    rows.shrink_to_fit();
    Ok(rows)
}

/// The board's rows in the desk's compact form, each packed as soon as it
/// is judged (packing the whole board afterwards left the freed full rows
/// scattered between the kept ones: resident memory stayed as high).
fn board_rows(snapshot: &Snapshot, codes: &[String], care: waitlist::Norm) -> Vec<BoardRow> {
    let mut interner = Interner::default();
    stoplight::stoplight_into(snapshot, codes, care, |row| interner.pack(row))
}

/// The stoplight board of a past date, judged from its snapshot (already
/// loaded: shared, not copied).
pub fn past_board_job(config: &Config, snapshot: Arc<Snapshot>) -> Job<Loaded> {
    let codes = config.precondition_codes();
    let care = config.norms.care;
    job(move |_: &Store, _| {
        let rows = board_rows(&snapshot, &codes, care);
        Ok(Loaded::Board {
            as_of: Some(snapshot.as_of),
            rows,
        })
    })
}

/// A past date's case list under `filter`, from its snapshot.
pub fn past_cases_job(snapshot: Arc<Snapshot>, filter: CaseFilter) -> Job<Loaded> {
    job(move |_: &Store, progress| {
        progress.check()?;
        Ok(Loaded::PastCases(past_cases(&snapshot, filter)))
    })
}

fn past_cases(snapshot: &Snapshot, filter: CaseFilter) -> PastCases {
    PastCases {
        as_of: snapshot.as_of,
        cases: case_list::filtered(&snapshot.cases, &filter),
        filter,
    }
}

/// The flow figures of `from`..`to` (events read up to `up_to`), with the
/// month-end stage counts when the stages display asks for them.
pub fn flow_job(
    from: NaiveDate,
    to: NaiveDate,
    up_to: NaiveDate,
    month_ends: Option<Vec<NaiveDate>>,
) -> Job<Loaded> {
    heavy(move |store: &Store, progress| {
        let report = store.flow(from, to, up_to)?;
        progress.report(1, Some(2))?;
        let stages = match month_ends {
            Some(ends) => store.stage_counts(&ends)?,
            None => Vec::new(),
        };
        Ok(Loaded::Flow { report, stages })
    })
}

/// The agenda of `meeting` (unless `keep_agenda`: the one loaded stands)
/// and what was recorded on its day.
pub fn agenda_job(
    config: &Config,
    meeting: Meeting,
    today: NaiveDate,
    keep_agenda: bool,
) -> Job<Loaded> {
    let codes = config.precondition_codes();
    let norms = config.norms;
    let rules = config.evaluation;
    heavy(move |store: &Store, progress| {
        let on = meeting.on;
        let (agenda, records) = if keep_agenda {
            progress.report(1, Some(2))?;
            (None, store.records_on(on, today, &codes, norms.care)?)
        } else {
            // On this connection alone: `Store::meeting` reads half on a
            // second one, 0.4 s sooner at a country's scale but 24 MB more at
            // its peak and 2.6 MB after (that thread's allocator arena); the
            // screen answers while the worker reads, so the desk keeps to one.
            let agenda = store.meeting_agenda(meeting, today, &norms, &codes, &rules)?;
            progress.report(1, Some(2))?;
            let records = store.records_on(on, today, &codes, norms.care)?;
            (Some(PackedAgenda::pack(agenda)), records)
        };
        let records = DeskRecords::pack(records);
        Ok(Loaded::Agenda { agenda, records })
    })
}

/// The forecast of every queue of `today`: the throughput history of the
/// last half year and the waiting lists, simulated as `stroom forecast`
/// does (same runs, same seed, so the same dates).
pub fn forecast_job(config: &Config, today: NaiveDate) -> Job<Loaded> {
    let norms = config.norms;
    heavy(move |store: &Store, progress| {
        let history = store.queue_history(today)?;
        progress.report(1, Some(3))?;
        let snapshot = store.waitlist_snapshot(today, today)?;
        progress.report(2, Some(3))?;
        let runs = Runs {
            runs: DEFAULT_RUNS,
            seed: DEFAULT_SEED,
        };
        let forecast = forecast::forecast(&snapshot, &history, &norms, None, runs);
        Ok(Loaded::Forecast(ExpectedTurns::of(&forecast)))
    })
}

/// Every case as of `as_of` (a past date), its case list under `filter`,
/// and the waiting lists and evaluation list of that date.
pub fn past_job(
    config: &Config,
    as_of: NaiveDate,
    today: NaiveDate,
    filter: CaseFilter,
) -> Job<Loaded> {
    let norms = config.norms;
    let rules = config.evaluation;
    heavy(move |store: &Store, progress| {
        progress.report(0, Some(4))?;
        let snapshot = store.snapshot(as_of, today)?;
        progress.report(1, Some(4))?;
        let cases = past_cases(&snapshot, filter);
        progress.report(2, Some(4))?;
        let rows = waitlist::waiting_list(&snapshot, &norms, None);
        progress.report(3, Some(4))?;
        let moments = store.evaluation_list(&snapshot, &rules)?;
        let lists = PackedLists::pack(rows, moments);
        Ok(Loaded::Past {
            as_of,
            snapshot: Arc::new(snapshot),
            cases,
            rows: lists.rows,
            moments: lists.moments,
        })
    })
}

/// An export from the UI: read, render and write the file on the worker.
pub fn export_job(export: ExportJob) -> Job<Loaded> {
    heavy(move |store: &Store, progress| {
        let count = export.run(store, progress)?;
        Ok(Loaded::Exported {
            count,
            path: export.path,
        })
    })
}

/// A load that was asked for and has not arrived: what the view says
/// meanwhile ("bezig…", with how far it is).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Busy {
    pub since: Instant,
    pub done: u64,
    pub total: Option<u64>,
}

impl Busy {
    /// The share done, 0–100, when the job says how far it is.
    pub fn percent(&self) -> Option<u64> {
        self.total
            .filter(|&t| t > 0)
            .map(|t| (self.done * 100 / t).min(100))
    }
}

/// Where the loads run: on the worker (the terminal), or here and now.
pub enum Loader {
    Here,
    Worker {
        worker: Worker<LoadKey, Loaded>,
        /// A second worker with its own connection for the quick loads
        /// (`LoadKey::is_quick`): view 2's list for a search typed at the
        /// start is not queued behind the waiting lists' seconds of work.
        /// None: they share `worker`.
        quick: Option<Box<Worker<LoadKey, Loaded>>>,
        /// A third worker for the forecast (`LoadKey::is_slow`): ten seconds
        /// of simulation at a country's scale, which must not hold up the
        /// view a person turns to meanwhile. None: it shares `worker`.
        slow: Option<Box<Worker<LoadKey, Loaded>>>,
        /// The loads asked for and not yet arrived, with their progress.
        busy: Vec<(LoadKey, Generation, Busy)>,
    },
}

impl LoadKey {
    /// The loads of what the person types or opens (a list page, a
    /// form's choices, a count): short, never behind a view's computation.
    pub fn is_quick(self) -> bool {
        matches!(
            self,
            LoadKey::Cases | LoadKey::PastCases | LoadKey::Choices | LoadKey::Retention
        )
    }

    /// The loads that compute for seconds beside whatever the person
    /// looks at (the expected turns of every waiting case).
    pub fn is_slow(self) -> bool {
        self == LoadKey::Forecast
    }
}

/// The worker that runs `key`'s loads.
fn lane<'a>(
    worker: &'a mut Worker<LoadKey, Loaded>,
    quick: &'a mut Option<Box<Worker<LoadKey, Loaded>>>,
    slow: &'a mut Option<Box<Worker<LoadKey, Loaded>>>,
    key: LoadKey,
) -> &'a mut Worker<LoadKey, Loaded> {
    match (quick, slow) {
        (Some(q), _) if key.is_quick() => q.as_mut(),
        (_, Some(s)) if key.is_slow() => s.as_mut(),
        _ => worker,
    }
}

impl Loader {
    /// Loads on `worker`, the quick ones on a second worker over `quick`,
    /// the slow ones on a third over `slow` (read-only twins of the store).
    pub fn on_workers(
        worker: Worker<LoadKey, Loaded>,
        quick: Store,
        slow: Store,
    ) -> Result<Loader> {
        Ok(Loader::Worker {
            worker,
            quick: Some(Box::new(Worker::start(quick)?)),
            slow: Some(Box::new(Worker::start(Self::small_cache(slow)?)?)),
            busy: Vec::new(),
        })
    }

    /// The slow worker reads its history once per forecast: a small page
    /// cache (256 KiB instead of 2 MiB) keeps what it holds between runs
    /// small, for the desk's memory at a country's scale.
    fn small_cache(store: Store) -> Result<Store> {
        store.conn().pragma_update(None, "cache_size", -256)?;
        Ok(store)
    }

    /// Asks for `load`. Here, it runs at once and its result is returned;
    /// on the worker it supersedes an older request of the same key and
    /// the result comes later through `poll`.
    pub fn request(
        &mut self,
        store: &Store,
        key: LoadKey,
        load: Job<Loaded>,
    ) -> Option<Result<Loaded>> {
        match self {
            Loader::Here => Some(run_here(store, load)),
            Loader::Worker {
                worker,
                quick,
                slow,
                busy,
            } => {
                let generation = lane(worker, quick, slow, key).submit(key, load);
                busy.retain(|(k, ..)| *k != key);
                busy.push((
                    key,
                    generation,
                    Busy {
                        since: Instant::now(),
                        done: 0,
                        total: None,
                    },
                ));
                None
            }
        }
    }

    /// Whether loads run here and now (no worker).
    pub fn is_here(&self) -> bool {
        matches!(self, Loader::Here)
    }

    /// Whether `key` was asked for and has not arrived.
    pub fn busy(&self, key: LoadKey) -> Option<Busy> {
        match self {
            Loader::Here => None,
            Loader::Worker { busy, .. } => busy.iter().find(|(k, ..)| *k == key).map(|b| b.2),
        }
    }

    /// Whether any load asked for has not arrived.
    pub fn is_busy(&self) -> bool {
        matches!(self, Loader::Worker { busy, .. } if !busy.is_empty())
    }

    /// Forgets every view's request: nothing asked for so far is
    /// delivered. A running export goes on: its file is what the person
    /// asked for, and it says when it is written.
    pub fn cancel_all(&mut self) {
        if let Loader::Worker {
            worker,
            quick,
            slow,
            busy,
        } = self
        {
            busy.retain(|(key, ..)| {
                let keep = *key == LoadKey::Export;
                if !keep {
                    lane(worker, quick, slow, *key).cancel(key);
                }
                keep
            });
        }
    }

    /// Forgets a request: its result will not be delivered.
    pub fn cancel(&mut self, key: LoadKey) {
        if let Loader::Worker {
            worker,
            quick,
            slow,
            busy,
        } = self
        {
            lane(worker, quick, slow, key).cancel(&key);
            busy.retain(|(k, ..)| *k != key);
        }
    }

    /// The results that arrived since the last call (never waits), and
    /// whether any progress changed.
    pub fn poll(&mut self) -> (Vec<(LoadKey, Result<Loaded>)>, bool) {
        let mut done = Vec::new();
        let mut moved = false;
        let Loader::Worker {
            worker,
            quick,
            slow,
            busy,
        } = self
        else {
            return (done, moved);
        };
        // Generations are per worker; no two workers share a key.
        while let Some(update) = quick
            .as_mut()
            .and_then(|q| q.poll())
            .or_else(|| worker.poll())
            .or_else(|| slow.as_mut().and_then(|s| s.poll()))
        {
            match update {
                Update::Progress {
                    key,
                    generation,
                    done: d,
                    total,
                } => {
                    if let Some(b) = busy
                        .iter_mut()
                        .find(|(k, g, _)| *k == key && *g == generation)
                    {
                        b.2.done = d;
                        b.2.total = total;
                        moved = true;
                    }
                }
                Update::Done {
                    key,
                    generation,
                    result,
                } => {
                    busy.retain(|(k, g, _)| !(*k == key && *g == generation));
                    done.push((key, result));
                }
            }
        }
        (done, moved)
    }

    /// Waits up to `within` until nothing is busy, applying nothing: the
    /// results are returned in the order they came (tests, the bench).
    pub fn settle(&mut self, within: Duration) -> Vec<(LoadKey, Result<Loaded>)> {
        let until = Instant::now() + within;
        let mut out = Vec::new();
        loop {
            out.extend(self.poll().0);
            let idle = match self {
                Loader::Here => true,
                Loader::Worker { busy, .. } => busy.is_empty(),
            };
            if idle || Instant::now() >= until {
                return out;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::parse_date;

    fn demo() -> (tempfile::TempDir, std::path::PathBuf, NaiveDate) {
        let today = parse_date("2026-11-22").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("l.db");
        let mut store = Store::open(&path).unwrap();
        let cases = crate::demo::cases_of(1, today, 200).map(|(bundle, _)| bundle);
        store
            .insert_bundle_stream(cases, today, "test", &mut |_| {})
            .unwrap();
        (dir, path, today)
    }

    fn worker(path: &std::path::Path) -> Loader {
        Loader::Worker {
            worker: Worker::open(path, None).unwrap(),
            quick: None,
            slow: None,
            busy: Vec::new(),
        }
    }

    /// The worker returns exactly what the same job returns here.
    #[test]
    fn a_load_on_the_worker_is_the_load_here() {
        let (_dir, path, today) = demo();
        let store = Store::open(&path).unwrap();
        let config = Config::default();
        let mut here = Loader::Here;
        let mut there = worker(&path);
        for key in [LoadKey::Waitlist, LoadKey::Board, LoadKey::Flow] {
            let load = || match key {
                LoadKey::Waitlist => waitlist_job(&config, today),
                LoadKey::Board => board_job(&config, today),
                _ => flow_job(parse_date("2025-12-01").unwrap(), today, today, None),
            };
            let now = here.request(&store, key, load()).unwrap().unwrap();
            assert!(there.request(&store, key, load()).is_none());
            assert!(there.busy(key).is_some());
            let later = there.settle(Duration::from_secs(20));
            assert!(there.busy(key).is_none());
            assert_eq!(later.len(), 1);
            assert_eq!(later[0].0, key);
            let later = later.into_iter().next().unwrap().1.unwrap();
            assert_eq!(shown(&now), shown(&later));
        }
    }

    /// A quick load (view 2's list, the choices) is not queued behind a
    /// view's long computation: it arrives while that one still runs.
    #[test]
    fn a_quick_load_does_not_wait_behind_a_long_one() {
        arrives_while_running(LoadKey::Waitlist, LoadKey::Choices, |_| choices_job());
    }

    /// The forecast (seconds of simulation at a country's scale) runs
    /// beside the views: a view asked for meanwhile does not wait for it.
    #[test]
    fn a_view_does_not_wait_behind_the_forecast() {
        let today = parse_date("2026-11-22").unwrap();
        let board = move |config: &Config| board_job(config, today);
        arrives_while_running(LoadKey::Forecast, LoadKey::Board, board);
    }

    /// Starts a `long` load that holds until told, asks for `short`, and
    /// asserts that `short` arrives while `long` still runs.
    fn arrives_while_running(long: LoadKey, short: LoadKey, load: impl Fn(&Config) -> Job<Loaded>) {
        let (_dir, path, _) = demo();
        let store = Store::open(&path).unwrap();
        let mut loader = Loader::on_workers(
            Worker::open(&path, None).unwrap(),
            Store::open_read_only(&path, None).unwrap(),
            Store::open_read_only(&path, None).unwrap(),
        )
        .unwrap();
        let (gate_tx, gate) = std::sync::mpsc::channel::<()>();
        let (started_tx, started) = std::sync::mpsc::channel::<()>();
        let held = job(move |_, _| {
            started_tx.send(()).unwrap();
            gate.recv().unwrap();
            Ok(Loaded::Retention { count: 0 })
        });
        loader.request(&store, long, held);
        started.recv_timeout(Duration::from_secs(20)).unwrap();
        loader.request(&store, short, load(&Config::default()));
        let t = Instant::now();
        let got = loop {
            let (done, _) = loader.poll();
            if let Some(d) = done.into_iter().next() {
                break d;
            }
            assert!(t.elapsed() < Duration::from_secs(20), "never arrived");
            std::thread::sleep(Duration::from_millis(2));
        };
        assert_eq!(got.0, short);
        assert!(got.1.is_ok());
        assert!(loader.busy(long).is_some(), "the long one runs on");
        gate_tx.send(()).unwrap();
        let rest = loader.settle(Duration::from_secs(20));
        assert_eq!(rest.len(), 1);
        assert_eq!(rest[0].0, long);
    }

    /// The lists read case by case and the board read in parts are the
    /// lists and the board of the whole snapshots, packed: the same rows in
    /// the same order, today and (the lists) looking back.
    #[test]
    fn streamed_loads_equal_the_whole_snapshots() {
        let (_dir, path, today) = demo();
        let store = Store::open(&path).unwrap();
        let config = Config::default();
        let Loaded::Waitlist { rows, moments } =
            run_here(&store, waitlist_job(&config, today)).unwrap()
        else {
            panic!("lists expected");
        };
        let snap = store.waitlist_snapshot(today, today).unwrap();
        let whole_rows = waitlist::waiting_list(&snap, &config.norms, None);
        let in_care = store.care_snapshot(today, today).unwrap();
        let whole_moments = store.evaluation_list(&in_care, &config.evaluation).unwrap();
        assert!(!whole_rows.is_empty() && !whole_moments.is_empty());
        let unpacked: Vec<_> = rows.iter().map(PackedWait::unpack).collect();
        assert_eq!(unpacked, whole_rows);
        let unpacked: Vec<_> = moments.iter().map(PackedMoment::unpack).collect();
        assert_eq!(unpacked, whole_moments);

        // In parts of 7 cases, as at scale in parts of 2048.
        let codes = config.precondition_codes();
        let care = config.norms.care;
        let rows = streamed_board(&store, today, &codes, care, 7, &|| Ok(())).unwrap();
        let snapshot = store.stoplight_snapshot(today, today).unwrap();
        let whole =
            stoplight::stoplight(&snapshot, &config.precondition_codes(), config.norms.care);
        assert!(whole.len() > 20);
        let unpacked: Vec<_> = rows.iter().map(BoardRow::unpack).collect();
        assert_eq!(unpacked, whole);
    }

    /// A load as text, to compare.
    fn shown(loaded: &Loaded) -> String {
        format!("{loaded:?}")
    }

    /// The worker's forecast is the command's: same dates for every case.
    #[test]
    fn the_forecast_on_the_worker_is_the_commands() {
        let (_dir, path, today) = demo();
        let store = Store::open(&path).unwrap();
        let config = Config::default();
        let mut there = worker(&path);
        there.request(&store, LoadKey::Forecast, forecast_job(&config, today));
        let got = there.settle(Duration::from_secs(60));
        let Some((LoadKey::Forecast, Ok(Loaded::Forecast(f)))) = got.into_iter().next() else {
            panic!("no forecast");
        };
        let runs = Runs {
            runs: DEFAULT_RUNS,
            seed: DEFAULT_SEED,
        };
        let snapshot = store.waitlist_snapshot(today, today).unwrap();
        let history = store.queue_history(today).unwrap();
        let expected = forecast::forecast(&snapshot, &history, &config.norms, None, runs);
        assert_eq!(f, ExpectedTurns::of(&expected));
        assert!(expected.rows.iter().any(|r| r.p50_on.is_some()));
    }

    /// A newer request of the same key supersedes the older one: only the
    /// newest result arrives. Another key's result still arrives.
    #[test]
    fn only_the_newest_request_of_a_key_arrives() {
        let (_dir, path, today) = demo();
        let store = Store::open(&path).unwrap();
        let config = Config::default();
        let mut there = worker(&path);
        let early = parse_date("2026-01-01").unwrap();
        there.request(&store, LoadKey::Flow, flow_job(early, today, today, None));
        there.request(&store, LoadKey::Board, board_job(&config, today));
        let from = parse_date("2026-06-01").unwrap();
        there.request(&store, LoadKey::Flow, flow_job(from, today, today, None));
        let got = there.settle(Duration::from_secs(20));
        let flows: Vec<_> = got.iter().filter(|(k, _)| *k == LoadKey::Flow).collect();
        assert_eq!(flows.len(), 1);
        match &flows[0].1 {
            Ok(Loaded::Flow { report, .. }) => assert_eq!(report.from, from),
            other => panic!("{other:?}"),
        }
        assert_eq!(got.iter().filter(|(k, _)| *k == LoadKey::Board).count(), 1);
    }

    #[test]
    fn a_cancelled_request_never_arrives() {
        let (_dir, path, today) = demo();
        let store = Store::open(&path).unwrap();
        let mut there = worker(&path);
        there.request(&store, LoadKey::Board, board_job(&Config::default(), today));
        there.cancel(LoadKey::Board);
        assert!(there.busy(LoadKey::Board).is_none());
        std::thread::sleep(Duration::from_millis(300));
        assert!(there.settle(Duration::from_millis(500)).is_empty());
    }

    #[test]
    fn busy_says_how_far_when_it_knows() {
        let mut b = Busy {
            since: Instant::now(),
            done: 1,
            total: Some(3),
        };
        assert_eq!(b.percent(), Some(33));
        b.total = None;
        assert_eq!(b.percent(), None);
        b.total = Some(0);
        assert_eq!(b.percent(), None);
    }
}
