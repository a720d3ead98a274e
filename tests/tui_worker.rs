//! The desk with its loads on the worker, as the terminal runs it (issue
//! 17): a view draws at once ("bezig…" on its first visit), its data is
//! swapped in when it arrives, a newer request supersedes an older one,
//! and a result for a view the person left is kept, not drawn. Whole
//! screens at 80×24 and 120×40 on the demo team of `tui_screens.rs`.

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use stroom::context::Context;
use stroom::context::config::{Config, Paths};
use stroom::domain::dates::parse_date;
use stroom::present::i18n::Lang;
use stroom::store::Store;
use stroom::tui::{Action, App, View, views};

const TODAY: &str = "2026-11-30";
const CASES: usize = 300;
/// How long a load of the small demo team may take on a busy machine.
const BOUND: Duration = Duration::from_secs(30);

fn d(s: &str) -> NaiveDate {
    parse_date(s).unwrap()
}

struct Ui {
    app: App,
    term: Terminal<TestBackend>,
    _dir: tempfile::TempDir,
}

fn context(dir: &std::path::Path) -> Context {
    Context::new(
        Config::default(),
        Lang::Nl,
        d(TODAY),
        dir.join("stroom.db"),
        Paths {
            data_dir: dir.to_path_buf(),
            config_file: dir.join("config.toml"),
        },
        "coordinator",
    )
}

impl Ui {
    /// The demo team; `worker`: the loads run on the worker as in the
    /// terminal, else here and now.
    fn demo(worker: bool, width: u16, height: u16) -> Ui {
        let dir = tempfile::tempdir().unwrap();
        let ctx = context(dir.path());
        let mut store = Store::open(&ctx.db_path).unwrap();
        let bundles = stroom::demo::generate(4, d(TODAY), CASES);
        store
            .insert_bundles(&bundles, d(TODAY), "demo", &mut |_| {})
            .unwrap();
        let app = if worker {
            App::with_worker(&ctx, store, width, height).unwrap()
        } else {
            App::new(&ctx, store, width, height).unwrap()
        };
        Ui {
            app,
            term: Terminal::new(TestBackend::new(width, height)).unwrap(),
            _dir: dir,
        }
    }

    fn act(&mut self, actions: &[Action]) -> &mut Ui {
        for a in actions {
            self.app.step(*a);
        }
        self
    }

    /// Takes in results until nothing is being loaded.
    fn settle(&mut self) -> &mut Ui {
        let until = Instant::now() + BOUND;
        while self.app.loader.is_busy() {
            assert!(Instant::now() < until, "the loads did not arrive");
            std::thread::sleep(Duration::from_millis(5));
            self.app.poll_loads();
        }
        self.app.poll_loads();
        self
    }

    fn screen(&mut self) -> String {
        self.term.draw(|f| views::draw(&self.app, f)).unwrap();
        let buf = self.term.backend().buffer().clone();
        let mut out = String::new();
        for y in 0..buf.area.height {
            let line: String = (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect();
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// The first frame says "bezig…" where the waiting lists will be; once
/// they arrive the screen is exactly what the loads run here give.
#[test]
fn the_first_frame_is_busy_then_the_lists_are_swapped_in() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut ui = Ui::demo(true, w, h);
        let busy = ui.screen();
        assert!(busy.contains("bezig…"), "{busy}");
        insta::assert_snapshot!(format!("worker_1_busy_{w}x{h}"), busy);
        let loaded = ui.settle().screen();
        assert!(!loaded.contains("bezig…"), "{loaded}");
        insta::assert_snapshot!(format!("worker_1_loaded_{w}x{h}"), loaded);
        assert_eq!(loaded, Ui::demo(false, w, h).screen());
    }
}

/// Every view on the worker ends up as the same screen as loaded here.
#[test]
fn every_view_on_the_worker_is_the_view_loaded_here() {
    let mut there = Ui::demo(true, 120, 40);
    let mut here = Ui::demo(false, 120, 40);
    there.settle();
    for view in View::ALL {
        there.act(&[Action::Show(view)]);
        here.act(&[Action::Show(view)]);
        assert_eq!(there.settle().screen(), here.screen(), "{view:?}");
    }
}

/// `4` then `1` before the flow figures arrive: view 1 is drawn at once,
/// the flow figures arrive later and are kept, not drawn; back on `4`
/// they are there without a new load.
#[test]
fn a_result_for_a_view_left_is_kept_and_not_drawn() {
    let mut ui = Ui::demo(true, 120, 40);
    ui.settle();
    let lists = ui.screen();
    ui.act(&[Action::Show(View::Flow)]);
    let flow_busy = ui.screen();
    assert!(flow_busy.contains("bezig…"), "{flow_busy}");
    ui.act(&[Action::Show(View::Waitlist)]);
    assert_eq!(ui.screen(), lists, "view 1 at once, nothing of view 4");
    ui.settle();
    assert!(ui.app.flow.report.is_some(), "kept");
    assert_eq!(ui.screen(), lists, "not drawn");
    ui.act(&[Action::Show(View::Flow)]);
    assert!(ui.app.busy().is_none(), "no new load");
    let mut here = Ui::demo(false, 120, 40);
    here.act(&[Action::Show(View::Flow)]);
    assert_eq!(ui.screen(), here.screen());
}

/// Two periods asked for quickly: only the newer one's figures are
/// drawn, whatever order the worker finishes in.
#[test]
fn a_newer_request_supersedes_the_older_one() {
    let mut ui = Ui::demo(true, 120, 40);
    ui.settle();
    ui.act(&[Action::Show(View::Flow)]);
    ui.act(&[Action::PeriodEarlier]);
    ui.act(&[Action::PeriodEarlier]);
    let shown = ui.settle().screen();
    let mut here = Ui::demo(false, 120, 40);
    here.act(&[
        Action::Show(View::Flow),
        Action::PeriodEarlier,
        Action::PeriodEarlier,
    ]);
    assert_eq!(shown, here.screen());
    insta::assert_snapshot!("worker_4_flow_two_months_back_120x40", shown);
}
