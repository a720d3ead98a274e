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

fn with_cases(refs: &[(&str, &str)]) -> impl FnOnce(&mut Store) {
    let refs: Vec<(String, String)> = refs
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    move |store: &mut Store| {
        for (on, worker) in refs {
            store
                .add_referral(&referral(&on, &worker), d(TODAY), "seed")
                .unwrap();
        }
    }
}

fn move_to(store: &mut Store, case_ref: &str, stage: Stage, on: &str) {
    store
        .move_case(case_ref, &Move::to(stage), d(on), d(TODAY), "seed", None)
        .unwrap();
}

/// The text inside the frame as one line, so wrapped sentences read whole.
fn flat(screen: &str) -> String {
    screen
        .lines()
        .map(|l| l.trim_matches(|c| c == '│' || c == ' '))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The screen line that holds `needle`.
fn line_with<'a>(screen: &'a str, needle: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle:?} in\n{screen}"))
}

#[test]
fn register_triage_start_care_and_close() {
    let mut ui = Ui::new(Lang::En, 80, 24, |_| {});
    ui.act(&[Action::Show(View::Cases), Action::NewReferral]);
    let s = ui.screen();
    assert!(s.contains("│› Referred on   2026-11-22▏"), "{s}");
    assert!(s.contains("◂ GP / youth practice nurse ▸"), "{s}");
    ui.act(&[Action::NextField, Action::NextField, Action::NextField])
        .typ("Sem")
        .act(&[Action::NextField])
        .typ("2012-03-04")
        .act(&[Action::NextField])
        .typ("Anna")
        .act(&[Action::Submit]);
    let s = ui.screen();
    assert!(s.contains("Referral registered as case 2026-0001."), "{s}");
    assert!(
        line_with(&s, "2026-0001").contains("2026-0001   Referred        Regular  Anna"),
        "{s}"
    );

    // Intake, then triage: the form offers the usual next stage first.
    ui.act(&[Action::MoveCase, Action::Submit]);
    let s = ui.screen();
    assert!(
        s.contains("Case 2026-0001 is now in 'Intake' (as of 2026-11-22)."),
        "{s}"
    );
    ui.act(&[Action::MoveCase, Action::Submit]);
    assert!(ui.screen().contains("is now in 'Triage'"));

    // Triage: the form asks route, care type, provider and planned end.
    ui.act(&[Action::MoveCase]);
    let s = ui.screen();
    assert!(s.contains("Move case 2026-0001 (now: Triage)"), "{s}");
    assert!(s.contains("◂ Specialist, no accommodation ▸"), "{s}");
    assert!(s.contains("◂ choose later ▸"), "{s}");
    ui.act(&[Action::NextField, Action::NextField, Action::NextField])
        .typ("Horizon")
        .act(&[Action::Submit]);
    let s = ui.screen();
    assert!(s.contains("is now in 'Waiting for care'"), "{s}");
    assert!(line_with(&s, "2026-0001").contains("Horizon"), "{s}");

    // Care starts: a care type is needed, the provider is already known.
    ui.act(&[Action::MoveCase]);
    let s = ui.screen();
    assert!(s.contains("◂ Ambulant at provider ▸"), "{s}");
    assert!(s.contains("Horizon"), "{s}");
    ui.act(&[Action::Submit]);
    assert!(ui.screen().contains("is now in 'In care'"));

    // Close: choose the second target and keep the first reason.
    ui.act(&[Action::MoveCase, Action::ChoiceNext]);
    let s = ui.screen();
    assert!(s.contains("◂ As planned, goals met ▸"), "{s}");
    ui.act(&[Action::Submit]);
    let s = ui.screen();
    assert!(s.contains("is now in 'Closed'"), "{s}");
    assert!(line_with(&s, "2026-0001").contains("Closed"), "{s}");

    // The case screen tells the whole history in words.
    ui.act(&[Action::Open]);
    let s = ui.screen();
    assert!(s.contains("Case 2026-0001 — Closed"), "{s}");
    assert!(
        s.contains("Outflow reason          As planned, goals met"),
        "{s}"
    );
    ui.act(&[Action::PageDown]);
    let s = flat(&ui.screen());
    assert!(
        s.contains("2026-11-22  Referred by GP / youth practice nurse (Regular)"),
        "{s}"
    );
    assert!(
        s.contains(
            "2026-11-22  To Waiting for care, route Specialist, no accommodation, at Horizon"
        ),
        "{s}"
    );
    assert!(s.contains("— coordinator, 2026-"), "{s}");
    assert!(
        s.contains("To Closed, reason: As planned, goals met"),
        "{s}"
    );
    ui.act(&[Action::Back]);
    assert!(ui.screen().contains("Cases: 1"));
}

#[test]
fn a_refused_move_shows_the_same_sentence_as_the_command_line() {
    let mut ui = Ui::new(Lang::En, 80, 24, |store| {
        with_cases(&[("2026-10-01", "Anna")])(store);
        move_to(store, "2026-0001", Stage::Intake, "2026-11-01");
    });
    ui.act(&[
        Action::Show(View::Cases),
        Action::MoveCase,
        Action::NextField,
    ])
    .erase(10)
    .typ("2026-10-15");
    let s = ui.screen();
    let sentence = "Case 2026-0001: the date 2026-10-15 is before its previous move on 2026-11-01.";
    assert!(
        s.contains("⚠ Case 2026-0001: the date 2026-10-15 is before its"),
        "{s}"
    );
    ui.act(&[Action::Submit]);
    let s = ui.screen();
    assert!(
        s.contains("Move case 2026-0001 (now: Intake)"),
        "form stays open:\n{s}"
    );
    // What the CLI prints for the same refusal.
    let mut store = Store::open(&ui.db).unwrap();
    let err = store
        .move_case(
            "2026-0001",
            &Move::to(Stage::Triage),
            d("2026-10-15"),
            d(TODAY),
            "x",
            None,
        )
        .unwrap_err();
    let cli = stroom::i18n::Catalog::get(Lang::En).render(&err);
    assert_eq!(cli, sentence);
    assert!(flat(&s).contains(sentence), "{s}");
    // A date in the future is refused as you type, too.
    ui.erase(10).typ("2026-12-01");
    assert!(ui.screen().contains("The date 2026-12-01 is in the future"));
    // Invalid text is refused by the same date parser as the CLI.
    ui.erase(10).typ("31-02-2026");
    assert!(ui.screen().contains("'31-02-2026' is not a date"));
}

#[test]
fn time_travel_shows_the_past_and_refuses_edits() {
    let mut ui = Ui::new(Lang::Nl, 80, 24, |store| {
        with_cases(&[("2026-10-01", "Anna"), ("2026-10-20", "Bram")])(store);
        move_to(store, "2026-0001", Stage::Intake, "2026-11-01");
    });
    ui.act(&[Action::Show(View::Cases), Action::TimeTravel])
        .typ("15-10-2026")
        .act(&[Action::Submit]);
    let s = ui.screen();
    assert!(
        s.lines()
            .nth(1)
            .unwrap()
            .starts_with("◷ Peildatum 2026-10-15: zo stond het toen."),
        "{s}"
    );
    assert!(
        s.contains("Casussen: 1"),
        "the second case came later:\n{s}"
    );
    assert!(line_with(&s, "2026-0001").contains("Aangemeld"), "{s}");
    ui.act(&[Action::MoveCase]);
    let s = ui.screen();
    assert!(
        s.contains("U kijkt naar peildatum 2026-10-15: wijzigen kan alleen"),
        "{s}"
    );
    assert!(!s.contains("verplaatsen"), "no form opens:\n{s}");
    // The case screen shows the state of then.
    ui.act(&[Action::Open]);
    assert!(ui.screen().contains("Casus 2026-0001 — Aangemeld"));
    ui.act(&[Action::Back, Action::TimeTravel])
        .erase(10)
        .act(&[Action::Submit]);
    let s = ui.screen();
    assert!(!s.contains("Peildatum"), "{s}");
    assert!(s.contains("Terug naar vandaag (2026-11-22)."), "{s}");
    assert!(s.contains("Casussen: 2"), "{s}");
    assert!(line_with(&s, "2026-0001").contains("Intake"), "{s}");
}

#[test]
fn a_conflicting_edit_shows_the_sentence_and_the_new_state() {
    let mut ui = Ui::new(Lang::En, 80, 24, with_cases(&[("2026-10-01", "Anna")]));
    ui.act(&[Action::Show(View::Cases), Action::MoveCase]);
    assert!(ui.screen().contains("(now: Referred)"));
    // A colleague moves the case while the form is open.
    let mut other = Store::open(&ui.db).unwrap();
    move_to(&mut other, "2026-0001", Stage::Intake, "2026-11-20");
    ui.act(&[Action::Submit]);
    let s = ui.screen();
    assert!(s.contains("(now: Intake)"), "{s}");
    assert!(
        s.contains("⚠ Case 2026-0001 was changed by someone else in the meantime;"),
        "{s}"
    );
    assert!(line_with(&s, "2026-0001  ").contains("Intake"), "{s}");
    // The form now offers what fits the new state; saving again works.
    assert!(s.contains("◂ Triage ▸"), "{s}");
    ui.act(&[Action::Submit]);
    let s = ui.screen();
    assert!(s.contains("Case 2026-0001 is now in 'Triage'"), "{s}");
}

#[test]
fn help_lists_the_keys_from_the_key_map() {
    let mut ui = Ui::new(Lang::Nl, 80, 24, |_| {});
    let s = ui.screen();
    assert!(s.lines().last().unwrap().contains("? help"), "{s}");
    ui.act(&[Action::Help]);
    let s = ui.screen();
    assert!(s.contains("Help: alle toetsen"), "{s}");
    assert!(s.contains("1           wachtlijsten"), "{s}");
    assert!(s.contains("Ctrl-C      stoppen, altijd"), "{s}");
    assert!(s.contains("j/↓         omlaag"), "{s}");
    for _ in 0..20 {
        ui.act(&[Action::Down]);
    }
    let s = ui.screen();
    assert!(s.contains("m           stap"), "{s}");
    ui.act(&[Action::Back]);
    assert!(!ui.screen().contains("Help: alle toetsen"));
}

#[test]
fn tiny_terminal_says_so_and_nothing_panics() {
    let mut ui = Ui::new(Lang::En, 20, 5, with_cases(&[("2026-10-01", "Anna")]));
    let s = ui.screen();
    assert!(s.starts_with("Window too small:"), "{s}");
    ui.act(&[
        Action::Show(View::Cases),
        Action::Down,
        Action::PageDown,
        Action::Bottom,
        Action::Open,
        Action::Back,
        Action::MoveCase,
        Action::Submit,
        Action::Click { column: 3, row: 3 },
    ]);
    ui.screen();
    // Growing the window brings the screen back.
    ui.term.backend_mut().resize(80, 24);
    ui.act(&[Action::Resize {
        width: 80,
        height: 24,
    }]);
    let s = ui.screen();
    assert!(s.contains("Cases: 1"), "{s}");
}

#[test]
fn waiting_lists_at_80_by_24() {
    let mut ui = Ui::new(Lang::Nl, 80, 24, |store| {
        with_cases(&[("2026-09-01", "Anna"), ("2026-11-10", "Bram")])(store);
        move_to(store, "2026-0001", Stage::Intake, "2026-09-10");
    });
    let expected =
        " 1 Wachtlijsten  2 Casussen  3 Stoplicht  4 Doorstroom  5 Overleg     2026-11-22
┌Wachtlijsten · Intake 1 · Besluit 2 · Hulp 0──────────────────────────────────┐
│Signaal   Lijst     Casusnummer Urgentie  Wacht     Fase            Regisseur │
│▲ Oranje  Intake    2026-0002   Regulier  12/14 d   Aangemeld       Bram      │
│■ Rood    Besluit   2026-0001   Regulier  82/56 d   Intake          Anna      │
│● Groen   Besluit   2026-0002   Regulier  12/56 d   Aangemeld       Bram      │
";
    let s = ui.screen();
    assert!(s.starts_with(expected), "{s}");
    assert!(
        s.lines()
            .last()
            .unwrap()
            .starts_with("Enter open  m stap  n nieuw"),
        "{s}"
    );
}

#[test]
fn mouse_selects_tabs_and_rows() {
    let mut ui = Ui::new(
        Lang::En,
        80,
        24,
        with_cases(&[
            ("2026-10-01", "Anna"),
            ("2026-10-02", "Bram"),
            ("2026-10-03", "Cem"),
        ]),
    );
    // " 1 Waiting lists " is 17 wide: column 20 is on tab 2.
    ui.act(&[Action::Click { column: 20, row: 0 }]);
    assert_eq!(ui.app.view, View::Cases);
    ui.act(&[Action::Click { column: 5, row: 5 }]);
    assert_eq!(
        ui.app.cases.selected_case().unwrap().case_ref,
        "2026-0003",
        "row 5 is the third case under the header"
    );
    ui.act(&[Action::ScrollUp]);
    assert_eq!(ui.app.cases.selected_case().unwrap().case_ref, "2026-0002");
    ui.act(&[Action::Open]);
    assert!(ui.screen().contains("Case 2026-0002 — Referred"));
}

#[test]
fn search_filter_and_export_without_names() {
    let mut ui = Ui::new(
        Lang::En,
        80,
        24,
        with_cases(&[
            ("2026-10-01", "Anna"),
            ("2026-10-02", "Bram"),
            ("2026-10-03", "Anna"),
        ]),
    );
    ui.act(&[Action::Show(View::Cases), Action::Search])
        .typ("bra");
    let s = ui.screen();
    assert!(s.contains("Cases: 1 · search 'bra'"), "{s}");
    assert!(s.contains("Search: bra▏"), "{s}");
    ui.act(&[Action::Back]);
    assert!(ui.screen().contains("Cases: 3"));
    // Filter on coordinator: all, Anna, Bram.
    ui.act(&[
        Action::Filter,
        Action::NextField,
        Action::ChoiceNext,
        Action::Submit,
    ]);
    let s = ui.screen();
    assert!(s.contains("Cases: 2 · coordinator Anna"), "{s}");
    ui.act(&[Action::Export]);
    let s = ui.screen();
    assert!(s.contains("stroom-cases-2026-11-22.csv"), "{s}");
    ui.act(&[Action::Submit]);
    let s = ui.screen();
    assert!(s.contains("2 rows exported to "), "{s}");
    let path = ui.app.export_dir.join("stroom-cases-2026-11-22.csv");
    let text = std::fs::read_to_string(path).unwrap();
    assert!(
        text.starts_with("\u{feff}case_ref;stage;urgency;worker"),
        "{text}"
    );
    assert!(
        text.contains("2026-0003;referred;regular;Anna;;2026-10-03;14"),
        "{text}"
    );
    assert!(!text.contains("Sem"), "no names: {text}");
    ui.act(&[Action::Back]);
    assert!(ui.screen().contains("Cases: 3"));
}

#[test]
fn a_colleagues_change_appears_after_the_poll() {
    let mut ui = Ui::new(Lang::En, 80, 24, with_cases(&[("2026-10-01", "Anna")]));
    ui.act(&[Action::Show(View::Cases)]);
    assert!(!ui.app.poll_external(), "nothing changed yet");
    let mut other = Store::open(&ui.db).unwrap();
    other
        .add_referral(&referral("2026-11-01", "Bram"), d(TODAY), "colleague")
        .unwrap();
    assert!(ui.app.poll_external());
    assert!(ui.screen().contains("Cases: 2"));
    assert!(!ui.app.poll_external());
}

#[test]
fn escalation_and_bridging_toggle_and_worker_is_assigned() {
    let mut ui = Ui::new(Lang::En, 80, 24, with_cases(&[("2026-10-01", "Anna")]));
    ui.act(&[Action::Show(View::Cases), Action::ToggleEscalated]);
    let s = ui.screen();
    assert!(
        s.contains("Case 2026-0001: escalated is now 'true'."),
        "{s}"
    );
    assert!(s.contains("2026-0001⚑"), "{s}");
    ui.act(&[Action::AssignWorker])
        .erase(4)
        .typ("Bram")
        .act(&[Action::Submit]);
    assert!(line_with(&ui.screen(), "2026-0001").contains("Bram"));
    ui.act(&[Action::Open]);
    let s = ui.screen();
    assert!(s.contains("Coordinator             Bram"), "{s}");
    assert!(s.contains("Expert team / escalated yes"), "{s}");
}

/// Run with `cargo test --test tui -- --ignored --nocapture bench`.
#[test]
#[ignore]
fn bench_100k_cases_first_frame_and_key_to_frame() {
    use std::time::Instant;
    use stroom::domain::{Change, Referral};
    use stroom::store::CaseBundle;
    let n = 100_000;
    let t0 = Instant::now();
    let mut ui = Ui::new(Lang::Nl, 120, 40, |store| {
        let bundles: Vec<CaseBundle> = (0..n)
            .map(|i| {
                let on = d("2024-01-01") + chrono::Days::new((i % 1000) as u64);
                let mut events = vec![(
                    on,
                    Change::Referred(Referral {
                        referrer: Referrer::Gp,
                        urgency: Urgency::Regular,
                        worker: Some(format!("regisseur {}", i % 12)),
                    }),
                )];
                if i % 3 == 0 {
                    events.push((on, Change::Moved(Move::to(Stage::Intake))));
                }
                CaseBundle {
                    case_ref: format!("B-{i:06}"),
                    name: None,
                    birth_date: None,
                    events,
                    reviews: Vec::new(),
                }
            })
            .collect();
        store
            .insert_bundles(&bundles, d(TODAY), "bench", &mut |_| {})
            .unwrap();
    });
    println!("fill + open: {:?}", t0.elapsed());
    let ctx = context(ui.db.parent().unwrap(), Lang::Nl);
    let t = Instant::now();
    let store = Store::open(&ui.db).unwrap();
    let mut app = App::new(&ctx, store, 120, 40).unwrap();
    ui.term.draw(|f| views::draw(&app, f)).unwrap();
    println!(
        "first frame on the waiting lists (all cases loaded): {:?}",
        t.elapsed()
    );
    let t = Instant::now();
    app.step(Action::Show(View::Cases));
    ui.term.draw(|f| views::draw(&app, f)).unwrap();
    println!("key 2 to frame (cases, paged): {:?}", t.elapsed());
    for (name, action) in [
        ("j", Action::Down),
        ("PgDn", Action::PageDown),
        ("G", Action::Bottom),
        ("k", Action::Up),
        ("g", Action::Top),
    ] {
        let t = Instant::now();
        app.step(action);
        ui.term.draw(|f| views::draw(&app, f)).unwrap();
        println!("key {name} to frame: {:?}", t.elapsed());
    }
    let t = Instant::now();
    app.step(Action::Search);
    app.step(Action::Input('7'));
    ui.term.draw(|f| views::draw(&app, f)).unwrap();
    println!(
        "search keystroke to frame: {:?} ({} matches)",
        t.elapsed(),
        app.cases.total
    );
    let t = Instant::now();
    assert!(!app.poll_external());
    println!("idle data_version poll: {:?}", t.elapsed());
}

#[test]
fn an_empty_database_is_one_key_from_the_demo_team() {
    let mut ui = Ui::new(Lang::Nl, 80, 24, |_| {});
    let s = ui.screen();
    assert!(s.contains("Nieuwe database? D laadt een"), "{s}");
    ui.act(&[Action::LoadDemo]);
    let s = ui.screen();
    assert!(s.contains("Demoteam geladen: 1800 casussen."), "{s}");
    assert!(s.contains("■ Rood"), "{s}");
    // A second time it refuses: the demo only fills an empty database.
    ui.act(&[Action::LoadDemo]);
    assert!(ui.screen().contains("alleen in een lege database"));
}

// ---- the stoplight board (view 3) and the review form ----

/// Takes a referral through intake and triage into care at `provider`.
fn into_care(store: &mut Store, case_ref: &str, started: &str, provider: &str, end: &str) {
    use stroom::domain::{CareType, Route};
    move_to(store, case_ref, Stage::Intake, started);
    move_to(store, case_ref, Stage::Triage, started);
    let decision = Move {
        route: Some(Route::Ambulant),
        care_type: Some(CareType::AmbulantProvider),
        provider: Some(provider.into()),
        planned_end_on: Some(d(end)),
        ..Move::to(Stage::Waiting)
    };
    store
        .move_case(case_ref, &decision, d(started), d(TODAY), "seed", None)
        .unwrap();
    move_to(store, case_ref, Stage::InCare, started);
}

/// Records a review with every default precondition `ok`, except `others`.
fn review(store: &mut Store, case_ref: &str, on: &str, others: &[(&str, stroom::domain::Status)]) {
    use stroom::domain::{ReviewInput, Status};
    let codes = Config::default().precondition_codes();
    let mut statuses: std::collections::BTreeMap<String, Status> =
        codes.iter().map(|c| (c.clone(), Status::Ok)).collect();
    for (code, status) in others {
        statuses.insert(code.to_string(), *status);
    }
    let input = ReviewInput {
        statuses,
        next_on: None,
        note: None,
    };
    store
        .record_review(case_ref, d(on), &input, d(TODAY), "seed", &codes, None)
        .unwrap();
}

/// Three cases in care on 2026-11-22: 0001 at Horizon never reviewed with
/// its end near (red), 0002 at Altra with housing being arranged (orange),
/// 0003 at Horizon with everything in place (green).
fn board_team(store: &mut Store) {
    use stroom::domain::Status;
    with_cases(&[
        ("2026-06-01", "Anna"),
        ("2026-10-01", "Bram"),
        ("2026-10-01", "Anna"),
    ])(store);
    into_care(store, "2026-0001", "2026-07-01", "Horizon", "2027-01-10");
    into_care(store, "2026-0002", "2026-11-01", "Altra", "2027-09-01");
    into_care(store, "2026-0003", "2026-10-15", "Horizon", "2027-10-01");
    review(
        store,
        "2026-0002",
        "2026-11-10",
        &[("housing", Status::Partial)],
    );
    review(store, "2026-0003", "2026-11-15", &[]);
}

#[test]
fn stoplight_board_shows_lights_reasons_and_marks() {
    let mut ui = Ui::new(Lang::En, 80, 24, board_team);
    ui.act(&[Action::Show(View::Stoplight)]);
    let s = ui.screen();
    assert!(s.contains("┌Stoplight · by colour─"), "{s}");
    assert!(
        s.contains("│In care 3 · ● Green 1 · ▲ Orange 1 · ■ Red 1 · share red 33.3%"),
        "{s}"
    );
    assert!(
        line_with(&s, "Light ").contains("Preconditions Next review Why"),
        "{s}"
    );
    assert!(s.contains("│■ Red (1)"), "{s}");
    assert!(
        line_with(&s, "2026-0001").starts_with(
            "│■ Red    2026-0001 ✗ ✗ ✗ ✗ ✗ ✗ ✗ –           7 preconditions missing, end in …│"
        ),
        "cut with an ellipsis at 80 columns:\n{s}"
    );
    assert!(
        line_with(&s, "2026-0002")
            .contains("▲ Orange 2026-0002 ✓ ~ ✓ ✓ ✓ ✓ ✓ 2026-12-10  housing being arranged"),
        "{s}"
    );
    assert!(
        line_with(&s, "2026-0003")
            .contains("● Green  2026-0003 ✓ ✓ ✓ ✓ ✓ ✓ ✓ 2026-12-15  all in place"),
        "{s}"
    );
    // The selected case's reasons in full under the list.
    assert!(
        flat(&s).contains(
            "2026-0001 · Horizon · Anna: 7 preconditions missing, end in 7 weeks; \
             no review yet, 5 months in care"
        ),
        "{s}"
    );
    // A click selects a case (row 9: the third case, under its heading);
    // on a group heading it changes nothing.
    ui.act(&[Action::Click { column: 5, row: 9 }]);
    assert_eq!(ui.app.board.selected_row().unwrap().case_ref, "2026-0003");
    ui.act(&[Action::Click { column: 5, row: 8 }, Action::ScrollUp]);
    assert_eq!(ui.app.board.selected_row().unwrap().case_ref, "2026-0002");
    // Enter opens the case, its light at the top.
    ui.act(&[Action::Open]);
    let s = ui.screen();
    assert!(s.contains("Case 2026-0002 — In care"), "{s}");
    assert!(
        s.contains("│Stoplight ▲ Orange: housing being arranged"),
        "{s}"
    );
    assert!(
        s.contains(
            "│Preconditions ✓ ~ ✓ ✓ ✓ ✓ ✓   (✓ Present  ~ Being arranged  ✗ Missing  – N/a)"
        ),
        "{s}"
    );
}

#[test]
fn stoplight_groups_by_provider_and_compares_six_weeks_back() {
    let mut ui = Ui::new(Lang::Nl, 80, 24, board_team);
    ui.act(&[Action::Show(View::Stoplight), Action::CycleGrouping]);
    let s = ui.screen();
    assert!(s.contains("┌Stoplicht · per zorgaanbieder─"), "{s}");
    let rows: Vec<&str> = s
        .lines()
        .skip(4)
        .take(5)
        .map(|l| l.trim_matches('│').trim_end())
        .collect();
    assert_eq!(
        rows,
        [
            "Altra (1) · ● 0  ▲ 1  ■ 0",
            "▲ Oranje 2026-0002 ✓ ~ ✓ ✓ ✓ ✓ ✓ 2026-12-10 woonplek in gang",
            "Horizon (2) · ● 1  ▲ 0  ■ 1",
            "■ Rood   2026-0001 ✗ ✗ ✗ ✗ ✗ ✗ ✗ –          7 randvoorwaarden ontbreken, eind…",
            "● Groen  2026-0003 ✓ ✓ ✓ ✓ ✓ ✓ ✓ 2026-12-15 alles op orde",
        ],
        "{s}"
    );
    // The overview for the municipality: share red per provider and its
    // change since six weeks earlier (2026-10-11, when only 0001 was in
    // care at Horizon, and red: 100 %).
    ui.act(&[Action::TogglePanel]);
    let s = ui.screen();
    assert!(
        flat(&s).contains(
            "Peildatum 2026-11-22, vergeleken met de vorige zeswekelijkse peildatum 2026-10-11. \
             In zorg 3, aandeel rood 33,3 % (-66,7 procentpunt sinds 2026-10-11)."
        ),
        "{s}"
    );
    assert!(
        line_with(&s, "Per zorgaanbieder")
            .contains("In zorg    ●    ▲    ■   % rood  sinds 2026-10-11"),
        "{s}"
    );
    assert!(
        line_with(&s, "Altra").contains("1    0    1    0    0,0 %  n.v.t."),
        "{s}"
    );
    assert!(
        line_with(&s, "Horizon").contains("2    1    0    1   50,0 %  -50,0 procentpunt"),
        "{s}"
    );
    assert!(
        line_with(&s, "Ambulant bij aanbieder")
            .contains("3    1    1    1   33,3 %  -66,7 procentpunt"),
        "{s}"
    );
    ui.act(&[Action::TogglePanel]);
    assert!(ui.screen().contains("Horizon (2)"));
}

#[test]
fn a_review_from_the_form_changes_the_light_with_a_preview_first() {
    let mut ui = Ui::new(Lang::En, 80, 24, board_team);
    ui.act(&[Action::Show(View::Stoplight)]);
    assert!(line_with(&ui.screen(), "2026-0001").contains("■ Red    2026-0001"));
    ui.act(&[Action::Review]);
    let s = ui.screen();
    assert!(s.contains("Stoplight review of case 2026-0001"), "{s}");
    // Never reviewed: every precondition starts as missing, as the rules
    // count it; the next review is a month after the review date.
    assert!(line_with(&s, "Housing").contains("◂ Missing ▸"), "{s}");
    assert!(
        line_with(&s, "│  Next review").contains("2026-12-22"),
        "{s}"
    );
    assert!(
        s.contains("│Now:          ■ Red: 7 preconditions missing, end in 7 weeks; no"),
        "{s}"
    );
    assert!(
        s.contains("│After saving: ■ Red: 7 preconditions missing, end in 7 weeks "),
        "{s}"
    );
    // A back-dated review: the next review date follows.
    ui.erase(10).typ("2026-11-20");
    assert!(line_with(&ui.screen(), "│  Next review").contains("2026-12-20"));
    // One key steps a status: missing → n/a → present.
    ui.act(&[Action::NextField]).typ("  ");
    let s = ui.screen();
    assert!(
        line_with(&s, "Follow-up care").contains("◂ Present ▸"),
        "{s}"
    );
    assert!(
        s.contains("│After saving: ■ Red: 6 preconditions missing, end in 7 weeks "),
        "{s}"
    );
    for _ in 0..6 {
        ui.act(&[Action::NextField]).typ("  ");
    }
    let s = ui.screen();
    assert!(s.contains("│Now:          ■ Red:"), "{s}");
    assert!(s.contains("│After saving: ● Green: all in place"), "{s}");
    ui.act(&[Action::Submit]);
    let s = ui.screen();
    assert!(!s.contains("Next review   "), "the form closed:\n{s}");
    assert!(
        s.contains("Stoplight review of case 2026-0001 on 2026-11-20 recorded;"),
        "{s}"
    );
    assert!(
        line_with(&s, "2026-0001")
            .contains("● Green  2026-0001 ✓ ✓ ✓ ✓ ✓ ✓ ✓ 2026-12-20  all in place"),
        "{s}"
    );
    assert!(
        s.contains("In care 3 · ● Green 2 · ▲ Orange 1 · ■ Red 0 · share red 0.0%"),
        "{s}"
    );
    assert!(
        ui.app.board.selected_row().unwrap().case_ref == "2026-0001",
        "the reviewed case stays selected"
    );
}

#[test]
fn a_review_after_a_colleagues_review_is_refused_and_can_be_redone() {
    let mut ui = Ui::new(Lang::En, 80, 24, board_team);
    ui.act(&[Action::Show(View::Stoplight), Action::Review]);
    assert!(ui.screen().contains("│Now:          ■ Red:"));
    // A colleague records a review of the same case meanwhile.
    let mut other = Store::open(&ui.db).unwrap();
    review(&mut other, "2026-0001", "2026-11-21", &[]);
    ui.act(&[Action::Submit]);
    let s = ui.screen();
    assert!(
        flat(&s).contains("Case 2026-0001 was changed by someone else in the meantime;"),
        "{s}"
    );
    // The form stays, now measured against the colleague's review.
    assert!(s.contains("Stoplight review of case 2026-0001"), "{s}");
    assert!(s.contains("│Now:          ● Green: all in place"), "{s}");
    assert!(
        s.contains("│After saving: ■ Red: 7 preconditions missing"),
        "{s}"
    );
    assert_eq!(
        Store::open(&ui.db).unwrap().reviews(1).unwrap().len(),
        1,
        "only the colleague's review is stored"
    );
    ui.act(&[Action::Back]);
    assert!(line_with(&ui.screen(), "2026-0001").contains("● Green  2026-0001"));
}

#[test]
fn stoplight_export_writes_the_municipality_report_or_the_rows() {
    let mut ui = Ui::new(Lang::En, 80, 24, board_team);
    ui.act(&[Action::Show(View::Stoplight), Action::Export]);
    assert!(ui.screen().contains("stroom-stoplight-2026-11-22.csv"));
    ui.erase(3).typ("md").act(&[Action::Submit]);
    let s = ui.screen();
    assert!(s.contains("3 rows exported to "), "{s}");
    let md =
        std::fs::read_to_string(ui.app.export_dir.join("stroom-stoplight-2026-11-22.md")).unwrap();
    assert!(md.contains("-66.7 pp"), "{md}");
    assert!(md.contains("housing being arranged"), "{md}");
    ui.act(&[Action::Export, Action::Submit]);
    let csv =
        std::fs::read_to_string(ui.app.export_dir.join("stroom-stoplight-2026-11-22.csv")).unwrap();
    assert!(
        csv.starts_with("\u{feff}case_ref;color;reasons;criteria;last_review_on"),
        "{csv}"
    );
    assert!(csv.contains("2026-0002;orange;partial;"), "{csv}");
}
