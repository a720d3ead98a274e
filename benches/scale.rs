//! stroom at city and country scale: how long the things a coordinator waits
//! for take on databases of 10,000 to 1,000,000 demo cases. See BENCHMARKS.md.
//!
//! ```text
//! cargo bench --bench scale -- --sizes 10000,100000,1000000 [--runs 5] [--dir target/bench-db]
//! ```
//!
//! The databases are built once with the demo generator (seed 1, today
//! 2026-11-22) and kept in `--dir` for the next run. Every measured step runs
//! in a fresh child process (this program started again with `--child`), so
//! that each peak resident memory (VmHWM) is the step's own.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use stroom::context::Context;
use stroom::context::config::{Config, Paths};
use stroom::domain::dates::parse_date;
use stroom::export::Format;
use stroom::present::i18n::Lang;
use stroom::report::{self, ExportOptions};
use stroom::store::{CaseFilter, STREAM_CASES, Store};
use stroom::tui::worker::loads::{self, Loaded};
use stroom::tui::worker::{Job, Update, Worker, job};
use stroom::tui::{Action, App, View, views};

const TODAY: &str = "2026-11-22";
const SEED: u64 = 1;
const WIDTH: u16 = 120;
const HEIGHT: u16 = 40;
/// The steps measured per database, each in its own process.
const STEPS: [&str; 11] = [
    "first_frame",
    "keys",
    "results",
    "views",
    "waitlist",
    "stoplight",
    "stoplight_doc",
    "flow",
    "meeting",
    "forecast",
    "council",
];
/// Import is measured on a CSV of this many rows at most (the file is held
/// in memory by design: all rows are checked before any is written).
const IMPORT_MAX_ROWS: usize = 100_000;

/// `STROOM_BENCH_KEY=passphrase`: build and measure encrypted databases
/// (SQLCipher) instead of plain ones, to compare the two.
fn bench_key() -> Option<stroom::store::crypt::Key> {
    let text = std::env::var("STROOM_BENCH_KEY").ok()?;
    Some(stroom::store::crypt::Key::passphrase(&text).expect("a passphrase of 8+ characters"))
}

fn open_store(db: &Path) -> Result<Store, stroom::domain::Msg> {
    let spec = stroom::store::OpenSpec {
        key: bench_key(),
        ..Default::default()
    };
    Store::open_with(db, &spec)
}

fn today() -> NaiveDate {
    parse_date(TODAY).expect("fixed date")
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--child") {
        child(&args[1..]);
        return;
    }
    let opt = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let sizes: Vec<usize> = opt("--sizes")
        .unwrap_or_else(|| "10000,100000".into())
        .split(',')
        .map(|s| {
            s.trim()
                .parse()
                .expect("--sizes: numbers separated by commas")
        })
        .collect();
    let runs: usize = opt("--runs").map_or(5, |r| r.parse().expect("--runs: a number"));
    let dir = PathBuf::from(opt("--dir").unwrap_or_else(|| "target/bench-db".into()));
    let only: Option<Vec<String>> = opt("--only").map(|s| s.split(',').map(String::from).collect());
    std::fs::create_dir_all(&dir).expect("bench folder");
    for size in sizes {
        bench_size(&dir, size, runs, only.as_deref());
    }
}

/// One database size: build (or reuse), then every step `runs` times.
fn bench_size(dir: &Path, size: usize, runs: usize, only: Option<&[String]>) {
    let encrypted = if bench_key().is_some() { "-enc" } else { "" };
    let db = dir.join(format!("demo-{size}{encrypted}.db"));
    let build = ensure_database(&db, size);
    println!("\n## {size} cases ({})\n", db.display());
    println!(
        "build: {:.1} s, {} cases, file {:.1} MB (peak RSS {:.1} MB)",
        build["build_s"], size, build["file_mb"], build["hwm_mb"]
    );
    println!("\n| measure | median | min–max | n | peak RSS MB |");
    println!("|---|---|---|---|---|");
    let wanted = |s: &str| only.is_none_or(|o| o.iter().any(|w| w == s));
    for step in STEPS.iter().filter(|s| wanted(s)) {
        let mut samples: BTreeMap<String, Vec<f64>> = BTreeMap::new();
        let mut hwm = Vec::new();
        for _ in 0..runs {
            let out = run_child(&[step, db.to_str().expect("utf-8 path")]);
            for (k, v) in out {
                if k == "hwm_mb" {
                    hwm.push(v);
                } else {
                    samples.entry(k).or_default().push(v);
                }
            }
        }
        let peak = hwm.iter().cloned().fold(0.0, f64::max);
        for (k, v) in samples {
            println!("| {step}.{k} | {} |", summary(&v, peak));
        }
    }
    if wanted("floor") {
        floor(&db, runs);
    }
    if wanted("import") {
        let rows = size.min(IMPORT_MAX_ROWS);
        let mut samples: BTreeMap<String, Vec<f64>> = BTreeMap::new();
        let mut hwm: f64 = 0.0;
        for _ in 0..runs.min(3) {
            let out = run_child(&["import", &rows.to_string(), dir.to_str().expect("utf-8")]);
            hwm = hwm.max(out["hwm_mb"]);
            let ratio = out["total_ms"] / out["floor_ms"];
            samples
                .entry("ratio_to_floor".into())
                .or_default()
                .push(ratio);
            samples
                .entry("ratio_to_floor_aside".into())
                .or_default()
                .push(out["total_ms"] / out["floor_aside_ms"]);
            for (k, v) in out.into_iter().filter(|(k, _)| k != "hwm_mb") {
                samples.entry(k).or_default().push(v);
            }
        }
        for (k, v) in samples {
            println!("| import.{rows}_rows.{k} | {} |", summary(&v, hwm));
        }
    }
}

/// "median | min–max | n | peak".
fn summary(v: &[f64], peak_mb: f64) -> String {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let median = s[s.len() / 2];
    format!(
        "{} | {}–{} | {} | {:.0}",
        fmt(median),
        fmt(s[0]),
        fmt(s[s.len() - 1]),
        s.len(),
        peak_mb
    )
}

fn fmt(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 1.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.3}")
    }
}

/// Runs one step in a fresh process; returns its `name value` lines.
fn run_child(args: &[&str]) -> BTreeMap<String, f64> {
    let exe = std::env::current_exe().expect("own path");
    let out = Command::new(exe)
        .arg("--child")
        .args(args)
        .output()
        .expect("child runs");
    assert!(
        out.status.success(),
        "child {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
            .chars()
            .take(2000)
            .collect::<String>()
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let (k, v) = l.split_once(' ')?;
            Some((k.to_string(), v.trim().parse().ok()?))
        })
        .collect()
}

/// Builds the database once; its build figures are kept next to it.
fn ensure_database(db: &Path, size: usize) -> BTreeMap<String, f64> {
    let meta = db.with_extension("build");
    if db.exists() {
        if let Ok(text) = std::fs::read_to_string(&meta) {
            return text
                .lines()
                .filter_map(|l| {
                    let (k, v) = l.split_once(' ')?;
                    Some((k.to_string(), v.parse().ok()?))
                })
                .collect();
        }
    }
    eprintln!("building {} ({size} cases)…", db.display());
    let out = run_child(&["build", db.to_str().expect("utf-8"), &size.to_string()]);
    let text: String = out.iter().map(|(k, v)| format!("{k} {v}\n")).collect();
    std::fs::write(&meta, text).expect("build figures");
    out
}

// ---------------------------------------------------------------- children

fn child(args: &[String]) {
    let arg = |i: usize| args.get(i).map(String::as_str).expect("child argument");
    match arg(0) {
        "build" => build(Path::new(arg(1)), arg(2).parse().expect("size")),
        "import" => import(arg(1).parse().expect("rows"), Path::new(arg(2))),
        step => {
            let db = Path::new(arg(1));
            match step {
                "first_frame" => first_frame(db),
                "keys" => keys(db),
                "results" => view_results(db),
                "waitlist" => waitlist(db),
                "views" => view_loads(db),
                "stoplight" => stoplight(db),
                "stoplight_doc" => stoplight_doc(db),
                "flow" => flow_report(db),
                "meeting" => meeting(db),
                "forecast" => forecast(db),
                "council" => council(db),
                other => panic!("unknown step {other}"),
            }
        }
    }
    println!("hwm_mb {:.1}", peak_rss_kb() as f64 / 1024.0);
}

/// `stroom forecast` as of today: the throughput history, the waiting
/// lists, and 10,000 runs per queue.
fn forecast(db: &Path) {
    let ctx = context(db);
    let t = Instant::now();
    let store = open_store(db).expect("open");
    let history = store.queue_history(today()).expect("history");
    let snapshot = store.waitlist_snapshot(today(), today()).expect("snapshot");
    let loaded = t.elapsed();
    let runs = stroom::domain::forecast::Runs {
        runs: stroom::domain::forecast::DEFAULT_RUNS,
        seed: 1,
    };
    let s = Instant::now();
    let f = report::forecast::forecast(&snapshot, &history, &ctx.config.norms, None, runs);
    let simulated = s.elapsed();
    std::hint::black_box(&f);
    report_ms("load_ms", loaded);
    report_ms("simulate_ms", simulated);
    report_ms("total_ms", t.elapsed());
    println!("waiting {}", f.rows.len());
}

/// `stroom report council --format html` over the last twelve months.
fn council(db: &Path) {
    let ctx = context(db);
    let t = Instant::now();
    let store = open_store(db).expect("open");
    let from = today() - chrono::Months::new(12) + chrono::Days::new(1);
    let runs = stroom::domain::forecast::Runs {
        runs: stroom::domain::forecast::DEFAULT_RUNS,
        seed: 1,
    };
    let facts = stroom::cli::picture::load_council(&store, &ctx, from, today(), runs)
        .expect("council facts");
    let loaded = t.elapsed();
    let html =
        report::council::council(&facts, runs, stroom::present::i18n::Catalog::get(Lang::Nl))
            .html();
    std::hint::black_box(html);
    report_ms("load_ms", loaded);
    report_ms("total_ms", t.elapsed());
}

/// Peak resident set size of this process so far (VmHWM), in kB.
fn peak_rss_kb() -> u64 {
    status_kb("VmHWM:")
}

/// A line of /proc/self/status in kB (`VmHWM:`, `VmRSS:`).
fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// The bytes the program holds in the allocator (glibc's `mallinfo2`
/// over every arena, mapped blocks included), in MB: what is live, where
/// the resident size also counts what was freed and not handed back.
fn heap_mb() -> f64 {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: mallinfo2 takes no pointer and returns a plain struct.
        let info = unsafe { libc::mallinfo2() };
        (info.uordblks + info.hblkhd) as f64 / (1024.0 * 1024.0)
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    0.0
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn report_ms(name: &str, d: Duration) {
    println!("{name} {:.4}", ms(d));
}

/// The demo of `size` cases, streamed into a new file, then moved in place.
fn build(db: &Path, size: usize) {
    let tmp = db.with_extension("db-building");
    let _ = std::fs::remove_file(&tmp);
    let t = Instant::now();
    let mut store = open_store(&tmp).expect("open");
    let cases = stroom::demo::cases_of(SEED, today(), size).map(|(b, _)| b);
    store
        .insert_bundle_stream(cases, today(), "bench", &mut |_| {})
        .expect("insert");
    store
        .conn()
        .pragma_update(None, "journal_mode", "DELETE")
        .expect("one file");
    drop(store);
    let secs = t.elapsed().as_secs_f64();
    std::fs::rename(&tmp, db).expect("rename");
    let bytes = std::fs::metadata(db).expect("file").len();
    println!("build_s {secs:.2}");
    println!("file_mb {:.1}", bytes as f64 / 1e6);
}

fn context(db: &Path) -> Context {
    let dir = db.parent().expect("folder");
    Context::new(
        Config::default(),
        Lang::Nl,
        today(),
        db.to_path_buf(),
        Paths {
            data_dir: dir.to_path_buf(),
            config_file: dir.join("no-config.toml"),
        },
        "bench",
    )
}

struct Ui {
    app: App,
    term: Terminal<TestBackend>,
}

impl Ui {
    /// The App as the terminal runs it: its loads on the worker.
    fn open(db: &Path) -> Ui {
        let ctx = context(db);
        let store = open_store(db).expect("open");
        let app = App::with_worker(&ctx, store, WIDTH, HEIGHT).expect("app");
        let mut term = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("terminal");
        term.draw(|f| views::draw(&app, f)).expect("draw");
        Ui { app, term }
    }

    /// One key as the event loop handles it: step, take in what the
    /// worker finished, draw; timed to the frame.
    fn key(&mut self, action: Action) -> Duration {
        let t = Instant::now();
        self.app.step(action);
        self.app.poll_loads();
        self.draw();
        t.elapsed()
    }

    fn draw(&mut self) {
        self.term.draw(|f| views::draw(&self.app, f)).expect("draw");
    }

    /// Until the shown view's load arrived (a frame every 16 ms meanwhile,
    /// as the event loop does); returns the frames drawn and the time.
    fn until_loaded(&mut self) -> (usize, Duration) {
        let t = Instant::now();
        let mut frames = 0;
        while self.app.busy().is_some() {
            std::thread::sleep(Duration::from_millis(16));
            if self.app.poll_loads() {
                self.draw();
                frames += 1;
            }
        }
        self.draw();
        (frames, t.elapsed())
    }

    /// Every load asked for has arrived (between key groups, so that one
    /// group's loads do not run under the next group's keys).
    fn settle(&mut self) {
        while self.app.loader.is_busy() {
            std::thread::sleep(Duration::from_millis(5));
            self.app.poll_loads();
        }
        self.draw();
    }
}

/// Open the database and draw the first screen (the waiting lists, or
/// "bezig…" while the worker reads them); then the time until the lists
/// are there.
fn first_frame(db: &Path) {
    let t = Instant::now();
    let mut ui = Ui::open(db);
    report_ms("ms", t.elapsed());
    let (_, loaded) = ui.until_loaded();
    report_ms("waitlist_result_ms", t.elapsed());
    let _ = loaded;
    // The expected turns join view 1 when the forecast (its own worker)
    // is done.
    while ui.app.forecast.is_none() {
        std::thread::sleep(Duration::from_millis(16));
        if ui.app.poll_loads() {
            ui.draw();
        }
    }
    report_ms("forecast_result_ms", t.elapsed());
    drop(ui);
}

/// Time to result per view, as a person meets it: the key, the frame
/// ("bezig…" or the last result), and the frame with the view's data.
/// Every view is visited from the waiting lists, each for the first time;
/// at the end the UI's peak memory after all of them.
fn view_results(db: &Path) {
    let mut ui = Ui::open(db);
    ui.settle();
    // View 1 with its lists and the forecast, before any other view.
    stroom::tui::worker::memory::hand_back_if_due();
    println!("start_rss_mb {:.1}", status_kb("VmRSS:") as f64 / 1024.0);
    println!("start_heap_mb {:.1}", heap_mb());
    for view in [
        View::Cases,
        View::Stoplight,
        View::Flow,
        View::Meeting,
        View::Waitlist,
    ] {
        let key = ui.key(Action::Show(view));
        let (_, loaded) = ui.until_loaded();
        let name = format!("{view:?}").to_lowercase();
        report_ms(&format!("{name}_key_ms"), key);
        report_ms(&format!("{name}_result_ms"), key + loaded);
        // The person looks at the view: the event loop's pause hands back
        // what the load freed (stroom::tui::worker::memory).
        stroom::tui::worker::memory::hand_back_if_due();
        println!("{name}_rss_mb {:.1}", status_kb("VmRSS:") as f64 / 1024.0);
        println!("{name}_heap_mb {:.1}", heap_mb());
        println!("{name}_hwm_mb {:.1}", peak_rss_kb() as f64 / 1024.0);
    }
    // `4` then `1` at once: view 1 is drawn in the next frame.
    ui.key(Action::Show(View::Flow));
    let t = Instant::now();
    ui.key(Action::Show(View::Waitlist));
    report_ms("flow_then_waitlist_ms", t.elapsed());
    println!("ui_hwm_mb {:.1}", peak_rss_kb() as f64 / 1024.0);
    // What stays resident once every view was visited and its loads are
    // done (the peak above includes the loads' transient reads).
    ui.settle();
    stroom::tui::worker::memory::hand_back_if_due();
    println!("ui_rss_mb {:.1}", status_kb("VmRSS:") as f64 / 1024.0);
    println!("ui_heap_mb {:.1}", heap_mb());
}

/// Key-to-frame times per kind of key, as p50 / p99 / max.
fn keys(db: &Path) {
    let mut ui = Ui::open(db);
    ui.settle();
    let mut groups: Vec<(&str, Vec<Duration>)> = Vec::new();
    ui.key(Action::Show(View::Cases));
    let mut select = Vec::new();
    for i in 0..400 {
        let action = match i % 40 {
            0 => Action::Bottom,
            1 => Action::Top,
            2..=11 => Action::PageDown,
            12..=15 => Action::PageUp,
            16..=27 => Action::Down,
            _ => Action::Up,
        };
        select.push(ui.key(action));
    }
    groups.push(("select_cases", select));
    ui.key(Action::Show(View::Waitlist));
    ui.settle();
    let mut select = Vec::new();
    for i in 0..200 {
        let action = match i % 20 {
            0 => Action::Bottom,
            1 => Action::Top,
            2..=7 => Action::PageDown,
            _ => Action::Down,
        };
        select.push(ui.key(action));
    }
    groups.push(("select_waitlist", select));
    let mut views_ = Vec::new();
    let mut per_view = [Duration::ZERO; 5];
    for i in 0..50 {
        let d = ui.key(Action::Show(View::ALL[i % 5]));
        per_view[i % 5] = per_view[i % 5].max(d);
        views_.push(d);
    }
    for (i, d) in per_view.iter().enumerate() {
        println!("view{}_max_ms {:.4}", i + 1, ms(*d));
    }
    groups.push(("views", views_));
    ui.key(Action::Show(View::Cases));
    ui.settle();
    let mut search = Vec::new();
    for term in ["2025-03", "anouk", "zzz"] {
        search.push(ui.key(Action::Search));
        for c in term.chars() {
            search.push(ui.key(Action::Input(c)));
        }
        for _ in 0..3 {
            search.push(ui.key(Action::Backspace));
        }
        search.push(ui.key(Action::Submit));
        for _ in 0..5 {
            search.push(ui.key(Action::PageDown));
        }
        search.push(ui.key(Action::Back));
    }
    groups.push(("search", search));
    let mut filter = Vec::new();
    for n in 1..=6 {
        filter.push(ui.key(Action::Filter));
        for _ in 0..n {
            filter.push(ui.key(Action::ChoiceNext));
        }
        filter.push(ui.key(Action::Submit));
        for _ in 0..5 {
            filter.push(ui.key(Action::PageDown));
        }
        filter.push(ui.key(Action::Bottom));
        filter.push(ui.key(Action::Back));
    }
    groups.push(("filter", filter));
    for (name, mut d) in groups {
        d.sort();
        let at = |p: f64| ms(d[((d.len() as f64 * p).ceil() as usize).clamp(1, d.len()) - 1]);
        println!("{name}_p50_ms {:.4}", at(0.50));
        println!("{name}_p99_ms {:.4}", at(0.99));
        println!("{name}_max_ms {:.4}", ms(*d.last().expect("keys")));
    }
}

/// A view's load as the UI runs it, counted in rows.
fn rows_of(load: Job<Loaded>) -> Job<usize> {
    job(move |store, progress| {
        Ok(match load(store, progress)? {
            Loaded::Waitlist { rows, .. } => rows.len(),
            Loaded::Board { rows, .. } => rows.len(),
            Loaded::Agenda { agenda, .. } => agenda.map_or(0, |a| a.items.len()),
            Loaded::Flow { report, .. } => report.referrals,
            Loaded::Forecast(f) => f.len(),
            Loaded::Past { snapshot, .. } => snapshot.cases.len(),
            Loaded::PastCases(list) => list.cases.len(),
            Loaded::Choices(c) => c.workers.len() + c.providers.len(),
            Loaded::Cases(list) => list.total,
            Loaded::Retention { count } => count,
            Loaded::Previous { aggregate, .. } => aggregate.all.total,
            Loaded::Exported { count, .. } => count,
        })
    })
}

/// Time to result of each view's load as the UI's worker runs it: submitted
/// on the UI side, run on the worker's read-only connection, received by
/// polling. Each load is what the view reads and computes today.
fn view_loads(db: &Path) {
    let mut worker: Worker<&'static str, usize> = Worker::open(db, bench_key()).expect("worker");
    let config = Config::default();
    let meeting = stroom::domain::agenda::Meeting {
        kind: stroom::domain::agenda::Kind::Team,
        on: today(),
        provider: None,
    };
    let loads: Vec<(&'static str, Job<usize>)> = vec![
        ("waitlist", rows_of(loads::waitlist_job(&config, today()))),
        ("forecast", rows_of(loads::forecast_job(&config, today()))),
        (
            "cases",
            job(|store, _| {
                let all = CaseFilter::default();
                let n = store.count_filtered(&all)?;
                Ok(n.min(store.cases_after(&all, None, 2 * HEIGHT as usize)?.len()))
            }),
        ),
        (
            "search",
            job(|store, _| {
                let f = CaseFilter {
                    search: Some("anouk".into()),
                    ..CaseFilter::default()
                };
                let (n, _) = store.count_capped(&f, stroom::store::SEARCH_COUNT_CAP)?;
                Ok(n.min(store.cases_after(&f, None, 2 * HEIGHT as usize)?.len()))
            }),
        ),
        ("board", rows_of(loads::board_job(&config, today()))),
        (
            "agenda",
            rows_of(loads::agenda_job(&config, meeting, today(), false)),
        ),
        (
            "flow",
            rows_of(loads::flow_job(
                today() - chrono::Months::new(12) + chrono::Days::new(1),
                today(),
                today(),
                None,
            )),
        ),
    ];
    for (key, load) in loads {
        let t = Instant::now();
        worker.submit(key, load);
        let rows = loop {
            match worker.poll() {
                Some(Update::Done { result, .. }) => break result.expect("view load"),
                Some(Update::Progress { .. }) => {}
                None => std::thread::sleep(Duration::from_micros(200)),
            }
        };
        report_ms(&format!("{key}_ms"), t.elapsed());
        println!("{key}_rows {rows}");
    }
    assert!(worker.shutdown(Duration::from_secs(5)), "worker stops");
}

fn options() -> ExportOptions<'static> {
    ExportOptions {
        catalog: stroom::present::i18n::Catalog::get(Lang::Nl),
        with_names: false,
    }
}

/// `stroom export waitlist --format csv`: load, compute, render.
fn waitlist(db: &Path) {
    time_export(
        db,
        |store| store.waitlist_snapshot(today(), today()),
        |snap| report::waitlist(snap, &Config::default().norms, None, &options()),
    );
}

/// `stroom export stoplight --format csv` as the command runs it: the board
/// streamed part by part from the store into CSV records.
fn stoplight(db: &Path) {
    let codes = Config::default().precondition_codes();
    let t = Instant::now();
    let store = open_store(db).expect("open");
    let options = options();
    let mut board = report::Board::machine(&codes, Config::default().norms.care, &options);
    store
        .stoplight_stream_beside(today(), today(), STREAM_CASES, &mut |part| board.add(&part))
        .expect("stream");
    let bytes = board
        .into_list(today(), &options)
        .render(Format::Csv)
        .expect("csv");
    report_ms("total_ms", t.elapsed());
    println!("rows {}", bytes.iter().filter(|&&b| b == b'\n').count() - 1);
    std::hint::black_box(bytes);
}

/// The stoplight CSV through the whole-board document (the path of JSON,
/// and of CSV before the stream), for comparison in the same run.
fn stoplight_doc(db: &Path) {
    let codes = Config::default().precondition_codes();
    time_export(
        db,
        |store| store.stoplight_snapshot(today(), today()),
        |snap| report::stoplight(snap, &codes, Config::default().norms.care, &options()),
    );
}

/// Times one export's three phases: loading the snapshot, computing the
/// document, rendering it as CSV.
fn time_export(
    db: &Path,
    load: impl Fn(&Store) -> Result<stroom::domain::Snapshot, stroom::domain::Msg>,
    build: impl for<'s> Fn(&'s stroom::domain::Snapshot) -> stroom::export::Document<'s>,
) {
    let t = Instant::now();
    let store = open_store(db).expect("open");
    let snap = load(&store).expect("snapshot");
    let loaded = t.elapsed();
    let doc = build(&snap);
    let computed = t.elapsed();
    let csv = doc.render(Format::Csv).expect("csv");
    let total = t.elapsed();
    std::hint::black_box(csv);
    report_ms("load_ms", loaded);
    report_ms("compute_ms", computed - loaded);
    report_ms("total_ms", total);
    println!("rows {}", doc.len());
}

/// `stroom report flow` over the last twelve months.
fn flow_report(db: &Path) {
    let t = Instant::now();
    let store = open_store(db).expect("open");
    let from = today() - chrono::Months::new(12) + chrono::Days::new(1);
    let figures = store.flow(from, today(), today()).expect("flow");
    let loaded = t.elapsed();
    let bytes = report::flow_document(&figures, stroom::present::i18n::Catalog::get(Lang::Nl))
        .render(Format::Csv)
        .expect("csv");
    std::hint::black_box(bytes);
    report_ms("load_ms", loaded);
    report_ms("total_ms", t.elapsed());
}

/// `stroom export meeting` for a meeting today.
fn meeting(db: &Path) {
    let t = Instant::now();
    let store = open_store(db).expect("open");
    let config = Config::default();
    let codes = config.precondition_codes();
    let meeting = stroom::domain::agenda::Meeting {
        kind: stroom::domain::agenda::Kind::Team,
        on: today(),
        provider: None,
    };
    let (agenda, records) = store
        .meeting(meeting, today(), &config.norms, &codes, &config.evaluation)
        .expect("agenda");
    let minutes =
        stroom::report::minutes::Minutes::new(&agenda, &records, &config.preconditions, "");
    let md = minutes.to_markdown(stroom::present::i18n::Catalog::get(Lang::Nl), false);
    std::hint::black_box(md);
    report_ms("total_ms", t.elapsed());
    println!("items {}", agenda.items.len());
}

/// A CSV of `rows` referrals in every stage, as a team's spreadsheet would
/// hold them (SPEC 7.1), imported into a fresh database.
fn import(rows: usize, dir: &Path) {
    let text = import_csv(rows);
    let db = dir.join(format!("import-{}.db", std::process::id()));
    let t = Instant::now();
    let plan = stroom::import::plan(&text, "bench.csv", today(), None).expect("clean file");
    let planned = t.elapsed();
    let mut store = open_store(&db).expect("open");
    store
        .insert_bundles(&plan.bundles, today(), "bench", &mut |_| {})
        .expect("insert");
    let total = t.elapsed();
    // The import's own peak, before the floor's copies of the rows.
    println!("import_hwm_mb {:.1}", peak_rss_kb() as f64 / 1024.0);
    let tables = stored_rows(&store);
    drop(store);
    remove_db(&db);
    report_ms("plan_ms", planned);
    report_ms("total_ms", total);
    println!("rows_per_s {:.0}", rows as f64 / total.as_secs_f64());
    for aside in [false, true] {
        let name = if aside { "floor_aside" } else { "floor" };
        let floor_db = dir.join(format!("import-floor-{}.db", std::process::id()));
        let took = import_floor(&floor_db, &tables, aside);
        remove_db(&floor_db);
        report_ms(&format!("{name}_ms"), took);
        println!("{name}_rows_per_s {:.0}", rows as f64 / took.as_secs_f64());
    }
}

fn remove_db(db: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
}

/// The tables an import fills.
const IMPORTED: [&str; 3] = ["cases", "events", "reviews"];

/// Every row an import stored, per table, as SQLite values.
fn stored_rows(store: &Store) -> Vec<(String, Vec<Vec<rusqlite::types::Value>>)> {
    IMPORTED
        .iter()
        .map(|table| {
            let mut stmt = store
                .conn()
                .prepare(&format!("SELECT * FROM {table} ORDER BY id"))
                .expect("select");
            let width = stmt.column_count();
            let rows = stmt
                .query_map([], |r| (0..width).map(|i| r.get(i)).collect())
                .expect("rows")
                .collect::<rusqlite::Result<Vec<Vec<_>>>>()
                .expect("values");
            (table.to_string(), rows)
        })
        .collect()
}

/// The floor of an import: the same rows written into the same tables of a
/// new database (same schema, triggers, pragmas) by one prepared statement
/// per table in one transaction, nothing checked or computed. With `aside`,
/// the secondary indexes and the search trigger are dropped first, and the
/// indexes created again and the search index filled before the commit, as
/// stroom's bulk load does.
fn import_floor(
    db: &Path,
    tables: &[(String, Vec<Vec<rusqlite::types::Value>>)],
    aside: bool,
) -> Duration {
    let store = open_store(db).expect("open");
    let conn = store.conn();
    // The page cache of stroom's bulk load (48 MB): with SQLite's default
    // 2 MB the floor spends most of its time spilling index pages.
    conn.pragma_update(None, "cache_size", -48 * 1024)
        .expect("cache");
    let t = Instant::now();
    conn.execute_batch("BEGIN IMMEDIATE").expect("begin");
    let mut creates = Vec::new();
    if aside {
        let mut stmt = conn
            .prepare(
                "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL \
                 AND tbl_name IN ('cases', 'events', 'reviews')",
            )
            .expect("indexes");
        let found: Vec<(String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("indexes")
            .collect::<rusqlite::Result<_>>()
            .expect("indexes");
        for (name, sql) in found {
            conn.execute_batch(&format!("DROP INDEX {name}"))
                .expect("drop");
            creates.push(sql);
        }
        // The search index filled once after the rows, as stroom's bulk
        // load does, instead of by its trigger per case row.
        let trigger: String = conn
            .query_row(
                "SELECT sql FROM sqlite_schema WHERE name = 'cases_search_insert'",
                [],
                |r| r.get(0),
            )
            .expect("search trigger");
        conn.execute_batch("DROP TRIGGER cases_search_insert")
            .expect("drop");
        creates.push(
            "INSERT INTO cases_search (rowid, case_ref, name, worker, provider) \
             SELECT id, lower(case_ref), lower(name), lower(worker), lower(provider) FROM cases"
                .into(),
        );
        creates.push(trigger);
    }
    for (table, rows) in tables {
        let Some(first) = rows.first() else { continue };
        let marks = vec!["?"; first.len()].join(", ");
        let mut insert = conn
            .prepare(&format!("INSERT INTO {table} VALUES ({marks})"))
            .expect("insert");
        for row in rows {
            insert
                .execute(rusqlite::params_from_iter(row.iter()))
                .expect("row");
        }
    }
    for sql in creates {
        conn.execute_batch(&sql).expect("create");
    }
    conn.execute_batch("COMMIT").expect("commit");
    t.elapsed()
}

fn import_csv(rows: usize) -> String {
    let mut out = String::from(
        "case_ref;name;birth_date;referred_on;referrer;urgency;worker;route;care_type;provider;\
         intake_on;triaged_on;care_started_on;planned_end_on;closed_on;outflow_reason\n",
    );
    let start = parse_date("2024-01-01").expect("date");
    let referrers = ["gp", "school", "jgz", "self", "gi"];
    for i in 0..rows {
        let on = start + chrono::Days::new((i % 600) as u64);
        let day = |n: u64| (on + chrono::Days::new(n)).format("%d-%m-%Y").to_string();
        let birth = (start - chrono::Days::new(2000 + (i % 4000) as u64)).to_string();
        let none = String::new;
        let text = |s: &str| s.to_string();
        // route, care type, provider, intake, triage, care start, planned end, closed, reason
        let tail: [String; 9] = match i % 5 {
            0 => std::array::from_fn(|_| none()),
            1 => [
                none(),
                none(),
                none(),
                day(7),
                none(),
                none(),
                none(),
                none(),
                none(),
            ],
            2 => [
                text("ambulant"),
                text("ambulant_home"),
                text("Karakter"),
                day(7),
                day(20),
                none(),
                none(),
                none(),
                none(),
            ],
            3 => [
                text("team"),
                text("team"),
                none(),
                day(7),
                day(20),
                day(20),
                day(200),
                none(),
                none(),
            ],
            _ => [
                text("ambulant"),
                text("ambulant_provider"),
                text("Levvel"),
                day(7),
                day(20),
                day(60),
                day(300),
                day(310),
                text("goals_met"),
            ],
        };
        let tail = tail.join(";");
        out.push_str(&format!(
            "I-{i:07};Kind {i};{birth};{};{};regular;regisseur {};{tail}\n",
            on.format("%Y-%m-%d"),
            referrers[i % referrers.len()],
            i % 12,
        ));
    }
    out
}

// ------------------------------------------------------------------- floor

/// `sqlite3 -csv` producing the rows of each export straight from the file:
/// the floor any program reading the same database has to pay.
fn floor(db: &Path, runs: usize) {
    for (name, sql) in [
        ("waitlist", floor_waitlist_sql()),
        ("stoplight", FLOOR_STOPLIGHT.to_string()),
    ] {
        let mut v = Vec::new();
        let mut rows = 0;
        for _ in 0..runs {
            let t = Instant::now();
            let out = Command::new("/usr/bin/sqlite3")
                .args(["-csv", "-readonly", db.to_str().expect("utf-8"), &sql])
                .output()
                .expect("sqlite3 runs");
            v.push(ms(t.elapsed()));
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            rows = out.stdout.iter().filter(|&&b| b == b'\n').count();
        }
        println!(
            "| floor.sqlite3_{name}_ms ({rows} rows) | {} |",
            summary(&v, 0.0)
        );
    }
}

/// The waiting-list rows (SPEC 2) in SQL: every queue, with its clock,
/// wait, norm and signal, in the export's order.
fn floor_waitlist_sql() -> String {
    let n = Config::default().norms;
    format!(
        "WITH q(queue, stage, regular, urgent) AS (VALUES \
         ('intake','referred',{ir},{iu}), ('decision','referred',{dr},{du}), \
         ('decision','intake',{dr},{du}), ('decision','triage',{dr},{du}), \
         ('care','waiting',{cr},{cu})), \
         w AS (SELECT c.case_ref, q.queue, c.stage, c.urgency, c.referrer, c.route, c.care_type, \
           c.provider, c.worker, c.bridging_care, \
           CASE q.queue WHEN 'care' THEN c.waiting_since ELSE c.referred_on END AS since, \
           CASE c.urgency WHEN 'urgent' THEN q.urgent ELSE q.regular END AS norm, \
           c.birth_date FROM cases c JOIN q ON q.stage = c.stage) \
         SELECT case_ref, queue, stage, urgency, referrer, route, care_type, provider, worker, \
           bridging_care, since, \
           CAST(julianday('{TODAY}') - julianday(since) AS INTEGER) AS wait, norm, \
           CASE WHEN julianday('{TODAY}') - julianday(since) > norm THEN 'red' \
                WHEN julianday('{TODAY}') - julianday(since) >= 0.75 * norm THEN 'orange' \
                ELSE 'green' END, \
           CAST((julianday('{TODAY}') - julianday(birth_date)) / 365.25 AS INTEGER) \
         FROM w ORDER BY queue, urgency = 'regular', since, case_ref",
        ir = n.intake.regular,
        iu = n.intake.urgent,
        dr = n.decision.regular,
        du = n.decision.urgent,
        cr = n.care.regular,
        cu = n.care.urgent,
    )
}

/// The stoplight rows' facts in SQL: every case in care with its latest
/// review (date, next date, statuses). The rules themselves (SPEC 3.2) are
/// not in it, so the floor is lower than any real board.
const FLOOR_STOPLIGHT: &str = "SELECT c.case_ref, c.provider, c.care_type, c.worker, \
    c.care_started_on, c.planned_end_on, r.on_date, r.next_on, r.statuses, \
    CAST((julianday('2026-11-22') - julianday(c.birth_date)) / 365.25 AS INTEGER) \
    FROM cases c LEFT JOIN reviews r ON r.id = (SELECT id FROM reviews \
      WHERE case_id = c.id AND on_date <= '2026-11-22' ORDER BY on_date DESC, id DESC LIMIT 1) \
    WHERE c.stage IN ('in_care', 'evaluation') ORDER BY c.case_ref";
