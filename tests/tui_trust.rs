//! The desk as a viewer on a team database sees it (pseudonymised: no name
//! or birth date on any screen, no case found by a child's name) and the
//! retention line, as whole-screen snapshots at 80×24 and 120×40.

use chrono::NaiveDate;

use stroom::context::config::Config;
use stroom::domain::dates::parse_date;
use stroom::domain::{Move, OutflowReason, Referrer, Stage, Urgency};
use stroom::present::i18n::Lang;
use stroom::store::{NewReferral, Store};
use stroom::tui::{Action, App, View};

mod common;

use common::desk::Ui;
use common::{Sandbox, TODAY};
const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];
/// The children of the test team, with their birth dates.
const CHILDREN: [(&str, &str, &str); 3] = [
    ("Sanne de Vries", "2012-03-04", "Anna"),
    ("Daan Bakker", "2014-07-21", "Bram"),
    ("Noor Jansen", "2011-12-30", "Anna"),
];

fn d(s: &str) -> NaiveDate {
    parse_date(s).unwrap()
}

impl Ui {
    /// The desk on a database filled by `fill`, as a viewer (reads
    /// pseudonymised, may not write) or as a coordinator.
    fn new(
        config: Config,
        viewer: bool,
        (width, height): (u16, u16),
        fill: impl FnOnce(&mut Store),
    ) -> Ui {
        let dir = Sandbox::with_db("stroom.db");
        let ctx = dir.context(config, Lang::Nl, TODAY, "anouk");
        let mut store = Store::open(&ctx.db_path).unwrap();
        fill(&mut store);
        // What `Context::open_store` does for a viewer on the roster.
        store.set_may_write(!viewer);
        store.set_hides_names(viewer);
        let mut app = App::new(&ctx, store, width, height).unwrap();
        app.export_dir = dir.dir.path().to_path_buf();
        Ui::on(dir, app, width, height)
    }
}

/// A whole-screen snapshot; when a change was recorded depends on the
/// clock, so that is not in it.
fn snap(name: String, screen: String) {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"\d{2}-\d{2}-\d{4} \d{2}:\d{2}", "[tijdstip]");
    settings.bind(|| insta::assert_snapshot!(name, screen));
}

/// Three named children referred in October; the first in intake.
fn named_team(store: &mut Store) {
    for (i, (name, born, worker)) in CHILDREN.into_iter().enumerate() {
        let new = NewReferral {
            case_ref: None,
            name: Some(name.into()),
            birth_date: Some(d(born)),
            referred_on: d(&format!("2026-10-0{}", i + 1)),
            referrer: Referrer::Gp,
            urgency: Urgency::Regular,
            worker: Some(worker.into()),
        };
        store.add_referral(&new, d(TODAY), "seed").unwrap();
    }
    store
        .move_case(
            "2026-0001",
            &Move::to(Stage::Intake),
            d("2026-10-08"),
            d(TODAY),
            "seed",
            None,
        )
        .unwrap();
}

/// No part of any child's name or birth date on the screen.
fn assert_no_names(screen: &str, what: &str) {
    for (name, born, _) in CHILDREN {
        for part in name.split(' ').filter(|p| p.len() > 3) {
            assert!(!screen.contains(part), "{what}: {part}\n{screen}");
        }
        let people = d(born).format("%d-%m-%Y").to_string();
        assert!(!screen.contains(&people), "{what}: {people}\n{screen}");
    }
}

#[test]
fn a_viewer_finds_no_child_by_name_and_sees_no_name_on_any_screen() {
    for size in SIZES {
        let (w, h) = size;
        // The control: a coordinator finds Sanne by her name.
        let mut coordinator = Ui::new(Config::default(), false, size, named_team);
        coordinator
            .act(&[Action::Show(View::Cases), Action::Search])
            .typ("Sanne");
        let s = coordinator.screen();
        assert!(s.contains("Casussen: 1"), "{s}");

        let mut ui = Ui::new(Config::default(), true, size, named_team);
        ui.act(&[Action::Show(View::Cases)]);
        let s = ui.screen();
        assert_no_names(&s, "cases");
        snap(format!("trust_viewer_cases_{w}x{h}"), s);

        // By name: nothing, for the long search (the trigram index) and
        // the short one (rows tested one by one).
        for term in ["Sanne", "de Vries", "Da"] {
            ui.act(&[Action::Search]).typ(term);
            let s = ui.screen();
            assert!(s.contains("Casussen: 0"), "{term}: {s}");
            if term == "Sanne" {
                snap(format!("trust_viewer_search_name_{w}x{h}"), s);
            }
            ui.act(&[Action::Back]);
        }
        // By reference and by coordinator it still finds.
        ui.act(&[Action::Search]).typ("0001");
        let s = ui.screen();
        assert!(s.contains("Casussen: 1"), "{s}");
        // Enter keeps the search, Enter again opens the case.
        ui.act(&[Action::Submit, Action::Open]);
        let s = ui.screen();
        assert!(s.contains("2026-0001") && s.contains("Intake"), "{s}");
        assert_no_names(&s, "case screen");
        snap(format!("trust_viewer_case_screen_{w}x{h}"), s);
        ui.act(&[Action::Back, Action::Back]);

        // Every other view, live and as of a past date.
        for view in [View::Waitlist, View::Stoplight, View::Flow, View::Meeting] {
            ui.act(&[Action::Show(view)]);
            assert_no_names(&ui.screen(), &format!("{view:?}"));
        }
    }
}

/// A viewer is not offered the keys that change a case (hint bar and
/// help), and such a key, pressed anyway, says why it does nothing.
#[test]
fn a_viewer_is_offered_only_the_keys_of_reading() {
    for size in SIZES {
        let (w, h) = size;
        let mut ui = Ui::new(Config::default(), true, size, named_team);
        ui.act(&[Action::Show(View::Cases)]);
        let s = ui.screen();
        let hints = s.lines().last().unwrap_or_default();
        for key in ["m stap", "n nieuw"] {
            assert!(!hints.contains(key), "{key}: {s}");
        }
        // Help lists a key as "  n           nieuw".
        let new_line = format!(
            "  {:<w$}nieuw",
            "n",
            w = stroom::tui::keymap::HELP_KEYS_WIDTH
        );
        ui.act(&[Action::Help]);
        let s = ui.screen();
        assert!(!s.contains(&new_line), "{s}");
        snap(format!("trust_viewer_help_{w}x{h}"), s);
        ui.act(&[Action::Back, Action::MoveCase]);
        let s = ui.screen();
        assert!(s.contains("alleen lezen"), "{s}");
        snap(format!("trust_viewer_move_refused_{w}x{h}"), s);
        // The control: a coordinator is offered them.
        let mut coordinator = Ui::new(Config::default(), false, size, named_team);
        coordinator.act(&[Action::Show(View::Cases), Action::Help]);
        let s = coordinator.screen();
        assert!(s.contains(&new_line), "{s}");
    }
}

/// A case referred on `referred`, closed on `closed`, with a name.
fn closed_case(store: &mut Store, name: &str, referred: &str, closed: &str) {
    let new = NewReferral {
        case_ref: None,
        name: Some(name.into()),
        birth_date: Some(d("2008-05-06")),
        referred_on: d(referred),
        referrer: Referrer::School,
        urgency: Urgency::Regular,
        worker: Some("Anna".into()),
    };
    let case = store.add_referral(&new, d(TODAY), "seed").unwrap();
    let m = Move {
        reason: Some(OutflowReason::GoalsMet),
        ..Move::to(Stage::Closed)
    };
    store
        .move_case(&case.case_ref, &m, d(closed), d(TODAY), "seed", None)
        .unwrap();
}

#[test]
fn the_status_line_says_when_closed_cases_are_past_retention() {
    let mut config = Config::default();
    config.retention.closed_years = 2;
    let fill = |store: &mut Store| {
        // Closed before 22-11-2024 (two years before today): past
        // retention; on that day or after: not yet.
        closed_case(store, "Lotte Smit", "2023-01-05", "2023-06-01");
        closed_case(store, "Finn de Boer", "2023-02-05", "2024-11-21");
        closed_case(store, "Evi Visser", "2024-01-05", "2024-11-22");
        closed_case(store, "Mila Bos", "2024-01-06", "2024-11-23");
    };
    for size in SIZES {
        let (w, h) = size;
        let mut ui = Ui::new(config.clone(), false, size, fill);
        ui.app.retention_notice().unwrap();
        let s = ui.screen();
        assert!(
            s.contains("2 afgesloten casussen nog met naam na bewaartermijn"),
            "{s}"
        );
        snap(format!("trust_retention_line_{w}x{h}"), s);
    }
    // Off (0 years): no line.
    config.retention.closed_years = 0;
    let mut ui = Ui::new(config, false, SIZES[0], fill);
    ui.app.retention_notice().unwrap();
    assert!(!ui.screen().contains("bewaartermijn"));
    // One case: the singular.
    let one = |store: &mut Store| closed_case(store, "Lotte Smit", "2023-01-05", "2023-06-01");
    let mut config = Config::default();
    config.retention.closed_years = 2;
    let mut ui = Ui::new(config, false, SIZES[0], one);
    ui.app.retention_notice().unwrap();
    assert!(
        ui.screen()
            .contains("1 afgesloten casus nog met naam na bewaartermijn")
    );
}
