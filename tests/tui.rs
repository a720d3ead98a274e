//! UI flows driven through Actions on a TestBackend, asserting what a
//! coordinator sees on the whole screen.

use std::path::Path;

use chrono::NaiveDate;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use stroom::config::{Config, Paths};
use stroom::context::Context;
use stroom::domain::dates::parse_date;
use stroom::domain::{Move, Referrer, Stage, Urgency};
use stroom::i18n::Lang;
use stroom::store::{NewReferral, Store};
use stroom::tui::{Action, App, View, views};

const TODAY: &str = "2026-11-22";

fn d(s: &str) -> NaiveDate {
    parse_date(s).unwrap()
}

fn context(dir: &Path, lang: Lang) -> Context {
    Context {
        config: Config::default(),
        lang,
        today: d(TODAY),
        db_path: dir.join("stroom.db"),
        paths: Paths {
            data_dir: dir.to_path_buf(),
            config_file: dir.join("config.toml"),
        },
        actor: "coordinator".into(),
    }
}

fn referral(on: &str, worker: &str) -> NewReferral {
    NewReferral {
        case_ref: None,
        name: Some("Sem".into()),
        birth_date: Some(d("2012-03-04")),
        referred_on: d(on),
        referrer: Referrer::Gp,
        urgency: Urgency::Regular,
        worker: Some(worker.into()),
    }
}

struct Ui {
    app: App,
    term: Terminal<TestBackend>,
    _dir: tempfile::TempDir,
    db: std::path::PathBuf,
}

impl Ui {
    fn new(lang: Lang, width: u16, height: u16, fill: impl FnOnce(&mut Store)) -> Ui {
        let dir = tempfile::tempdir().unwrap();
        let ctx = context(dir.path(), lang);
        let mut store = Store::open(&ctx.db_path).unwrap();
        fill(&mut store);
        let mut app = App::new(&ctx, store, width, height).unwrap();
        app.export_dir = dir.path().to_path_buf();
        let term = Terminal::new(TestBackend::new(width, height)).unwrap();
        let db = ctx.db_path.clone();
        Ui {
            app,
            term,
            _dir: dir,
            db,
        }
    }

    fn act(&mut self, actions: &[Action]) -> &mut Ui {
        for a in actions {
            self.app.step(*a);
        }
        self
    }

    fn typ(&mut self, text: &str) -> &mut Ui {
        for c in text.chars() {
            self.app.step(Action::Input(c));
        }
        self
    }

    fn erase(&mut self, n: usize) -> &mut Ui {
        for _ in 0..n {
            self.app.step(Action::Backspace);
        }
        self
    }

    fn screen(&mut self) -> String {
        self.term.draw(|f| views::draw(&self.app, f)).unwrap();
        let buf = self.term.backend().buffer().clone();
        let mut out = String::new();
        for y in 0..buf.area.height {
            let mut line = String::new();
            for x in 0..buf.area.width {
                line.push_str(buf[(x, y)].symbol());
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

#[test]
fn register_triage_start_care_and_close() {
    let mut ui = Ui::new(Lang::En, 80, 24, |_| {});
    ui.act(&[Action::Show(View::Cases), Action::NewReferral]);
    let s = ui.screen();
    println!("{s}");
    assert!(s.contains("New referral"), "{s}");
    ui.act(&[Action::NextField, Action::NextField, Action::NextField])
        .typ("Sem")
        .act(&[Action::NextField])
        .typ("2012-03-04")
        .act(&[Action::NextField])
        .typ("Anna")
        .act(&[Action::Submit]);
    let s = ui.screen();
    println!("{s}");
    assert!(s.contains("Referral registered as case 2026-0001."), "{s}");
    assert!(s.contains("2026-0001  Referred"), "{s}");
}
