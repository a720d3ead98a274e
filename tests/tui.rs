//! UI flows driven through Actions on a TestBackend, asserting what a
//! coordinator sees on the whole screen.

use chrono::NaiveDate;

use stroom::context::Context;
use stroom::context::config::Config;
use stroom::domain::dates::parse_date;
use stroom::domain::{
    Assignment, CareType, FieldChange, Move, OutflowReason, Referrer, ReviewInput, Route, Stage,
    Status, Urgency,
};
use stroom::present::i18n::Lang;
use stroom::store::{NewReferral, Store};
use stroom::tui::{Action, App, View, views};

mod common;

use common::desk::Ui;
use common::{Sandbox, TODAY};

fn d(s: &str) -> NaiveDate {
    parse_date(s).unwrap()
}

/// A desk on a `stroom.db` of its own, on [`TODAY`], as a coordinator.
fn context(sandbox: &Sandbox, lang: Lang) -> Context {
    sandbox.context(Config::default(), lang, TODAY, "coordinator")
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

impl Ui {
    fn new(lang: Lang, width: u16, height: u16, fill: impl FnOnce(&mut Store)) -> Ui {
        let sandbox = Sandbox::with_db("stroom.db");
        let ctx = context(&sandbox, lang);
        let mut store = Store::open(&ctx.db_path).unwrap();
        fill(&mut store);
        let mut app = App::new(&ctx, store, width, height).unwrap();
        app.export_dir = sandbox.dir.path().to_path_buf();
        Ui::on(sandbox, app, width, height)
    }

    fn erase(&mut self, n: usize) -> &mut Ui {
        for _ in 0..n {
            self.app.step(Action::Backspace);
        }
        self
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
    assert!(s.contains("│› Referred on   22-11-2026▏"), "{s}");
    // Who referred and how urgent are asked, never pre-selected.
    assert!(s.contains("Referrer      ◂ choose… ▸"), "{s}");
    assert!(s.contains("Urgency       ◂ choose… ▸"), "{s}");
    ui.act(&[Action::NextField, Action::ChoiceNext, Action::ChoiceNext]);
    assert!(ui.screen().contains("◂ GP / youth practice nurse ▸"));
    ui.act(&[Action::NextField, Action::ChoiceNext, Action::NextField])
        .typ("Sem")
        .act(&[Action::NextField])
        .typ("2012-03-04")
        .act(&[Action::NextField])
        .typ("Anna")
        .act(&[Action::Save]);
    let s = ui.screen();
    assert!(s.contains("Referral registered as case 2026-0001."), "{s}");
    assert!(
        line_with(&s, "2026-0001").contains("2026-0001  Referred       Regular   Anna"),
        "{s}"
    );

    // Intake, then triage: the form offers the usual next stage first.
    ui.act(&[Action::MoveCase, Action::Save]);
    let s = ui.screen();
    assert!(
        s.contains("Case 2026-0001 is now in 'Intake' (as of 2026-11-22)."),
        "{s}"
    );
    ui.act(&[Action::MoveCase, Action::Save]);
    assert!(ui.screen().contains("is now in 'Triage'"));

    // Triage: the form asks route, care type, provider and planned end.
    ui.act(&[Action::MoveCase]);
    let s = ui.screen();
    assert!(
        s.contains("Next step for case 2026-0001 (now: Triage)"),
        "{s}"
    );
    assert!(s.contains("◂ Specialist, no accommodation ▸"), "{s}");
    assert!(s.contains("◂ choose later ▸"), "{s}");
    ui.act(&[Action::NextField, Action::NextField, Action::NextField])
        .typ("Horizon")
        .act(&[Action::Save]);
    let s = ui.screen();
    assert!(s.contains("is now in 'Waiting for care'"), "{s}");
    assert!(line_with(&s, "2026-0001").contains("Horizon"), "{s}");

    // Care starts: a care type is needed, the provider is already known.
    // No care type is chosen for the person: saving as opened is refused.
    ui.act(&[Action::MoveCase]);
    let s = ui.screen();
    assert!(s.contains("Care type   ◂ choose… ▸"), "{s}");
    assert!(s.contains("Horizon"), "{s}");
    ui.act(&[Action::Save]);
    assert!(ui.screen().contains("(now: Waiting for care)"));
    ui.act(&[Action::NextField, Action::ChoiceNext]);
    assert!(ui.screen().contains("◂ Ambulant at provider ▸"));
    ui.act(&[Action::Save]);
    assert!(ui.screen().contains("is now in 'In care'"));

    // Close: choose the second target, then a reason (none is chosen
    // beforehand); in care, the reasons of ended care come first.
    ui.act(&[Action::MoveCase, Action::ChoiceNext]);
    let s = ui.screen();
    assert!(s.contains("◂ choose… ▸"), "{s}");
    ui.act(&[Action::NextField, Action::ChoiceNext]);
    let s = ui.screen();
    assert!(s.contains("◂ As planned, goals met ▸"), "{s}");
    ui.act(&[Action::Save]);
    let s = ui.screen();
    assert!(s.contains("is now in 'Closed'"), "{s}");
    // The list shows open cases: the closed one is found under "Closed".
    assert!(s.contains("Cases: 0 · Open"), "{s}");
    assert!(s.contains("No open cases"), "{s}");
    ui.act(&[Action::Filter, Action::ChoiceNext, Action::Save]);
    let s = ui.screen();
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
    ui.act(&[Action::Save]);
    let s = ui.screen();
    assert!(
        s.contains("Next step for case 2026-0001 (now: Intake)"),
        "form stays open:\n{s}"
    );
    // What the CLI prints for the same refusal.
    let mut store = Store::open(&ui.sandbox.db).unwrap();
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
    let cli = stroom::present::i18n::Catalog::get(Lang::En).render(&err);
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
        .act(&[Action::Save]);
    let s = ui.screen();
    assert!(
        s.lines()
            .nth(1)
            .unwrap()
            .starts_with("◷ Peildatum 15-10-2026: zo stond het toen."),
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
        s.contains("U kijkt naar peildatum 15-10-2026: wijzigen kan alleen"),
        "{s}"
    );
    assert!(!s.contains("Volgende stap"), "no form opens:\n{s}");
    // The case screen shows the state of then.
    ui.act(&[Action::Open]);
    assert!(ui.screen().contains("Casus 2026-0001 — Aangemeld"));
    ui.act(&[Action::Back, Action::TimeTravel])
        .erase(10)
        .act(&[Action::Save]);
    let s = ui.screen();
    assert!(!s.contains("Peildatum"), "{s}");
    assert!(s.contains("Terug naar vandaag (22-11-2026)."), "{s}");
    assert!(s.contains("Casussen: 2"), "{s}");
    // One key brings every view back to today.
    ui.act(&[Action::TimeTravel])
        .erase(10)
        .typ("15-10-2026")
        .act(&[Action::Save]);
    assert!(ui.screen().contains("◷ Peildatum 15-10-2026"));
    ui.act(&[Action::Today]);
    let s = ui.screen();
    assert!(!s.contains("Peildatum"), "{s}");
    assert!(line_with(&s, "2026-0001").contains("Intake"), "{s}");
    assert!(line_with(&s, "2026-0001").contains("Intake"), "{s}");
}

#[test]
fn a_conflicting_edit_shows_the_sentence_and_the_new_state() {
    let mut ui = Ui::new(Lang::En, 80, 24, with_cases(&[("2026-10-01", "Anna")]));
    ui.act(&[Action::Show(View::Cases), Action::MoveCase]);
    assert!(ui.screen().contains("(now: Referred)"));
    // A colleague moves the case while the form is open.
    let mut other = Store::open(&ui.sandbox.db).unwrap();
    move_to(&mut other, "2026-0001", Stage::Intake, "2026-11-20");
    ui.act(&[Action::Save]);
    let s = ui.screen();
    // Nothing saved, the form closed: the new state is shown, and no
    // further key can turn the refused edit into another one.
    assert!(!s.contains("(now:"), "{s}");
    assert!(
        s.contains("⚠ Case 2026-0001 changed meanwhile: nothing saved, form closed;"),
        "{s}"
    );
    assert!(line_with(&s, "2026-0001  ").contains("Intake"), "{s}");
    ui.act(&[Action::Save, Action::Submit]);
    let s = ui.screen();
    assert!(line_with(&s, "2026-0001  ").contains("Intake"), "{s}");
    // Starting again from the new state works.
    ui.act(&[Action::MoveCase]);
    let s = ui.screen();
    assert!(s.contains("(now: Intake)"), "{s}");
    assert!(s.contains("◂ Triage ▸"), "{s}");
    ui.act(&[Action::Save]);
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
    assert!(s.contains("1             wachtlijsten"), "{s}");
    assert!(s.contains("Ctrl-C        stoppen, altijd"), "{s}");
    assert!(s.contains("j/↓           omlaag"), "{s}");
    // The move key is further down; scrolling reaches it before the end.
    let mut seen = false;
    for _ in 0..200 {
        ui.act(&[Action::Down]);
        if ui.screen().contains("m             stap") {
            seen = true;
            break;
        }
    }
    assert!(seen, "{}", ui.screen());
    // The end of help stops at the bottom of the popup; `g` goes back up.
    ui.act(&[Action::Bottom]);
    let at_end = ui.screen();
    ui.act(&[Action::Down, Action::ScrollDown]);
    assert_eq!(ui.screen(), at_end);
    assert!(at_end.contains("Esc/?         sluiten"), "{at_end}");
    ui.act(&[Action::Top]);
    assert!(ui.screen().contains("1             wachtlijsten"));
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
        Action::Save,
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
    // Three sections with their own counts; bridging care has a column.
    // One case left intake in half a year: the selected case's turn is
    // months away and uncertain (at 80 columns the legend gives way).
    let expected =
        " 1 Wachtlijsten  2 Casussen  3 Stoplicht  4 Doorstroom  5 Overleg     22-11-2026
┌Wachtlijsten──────────────────────────────────────────────────────────────────┐
│Intake 1/1 · verwacht aan de beurt: 28-03-2027 – 05-11-2027                   │
│Signaal  Casus     ⊕  Urgentie  Wacht      Fase           Regisseur           │
│Intake · 1 wachtend · netto 1 · 0 boven de norm · langst 12 d                 │
│▲ Oranje 2026-0002    Regulier  12/14 d    Aangemeld      Bram                │
│Besluit · 2 wachtend · netto 2 · 1 boven de norm · langst 82 d                │
│■ Rood   2026-0001    Regulier  82/56 d    Intake         Anna                │
│● Groen  2026-0002    Regulier  12/56 d    Aangemeld      Bram                │
│Hulp · 0 wachtend · netto 0 · 0 boven de norm · langst —                      │
";
    let s = ui.screen();
    assert!(s.starts_with(expected), "{s}");
    assert!(
        s.lines()
            .last()
            .unwrap()
            .starts_with("/ zoek  Enter open  m stap  n nieuw"),
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
        "2026-0001",
        "row 5 is the third case under the header, newest first"
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
    assert!(s.contains("Cases: 1 · Open · search 'bra'"), "{s}");
    assert!(s.contains("Search: bra▏"), "{s}");
    ui.act(&[Action::Back]);
    assert!(ui.screen().contains("Cases: 3 · Open"));
    // Filter on coordinator: all, Anna, Bram.
    ui.act(&[
        Action::Filter,
        Action::NextField,
        Action::NextField,
        Action::ChoiceNext,
        Action::Save,
    ]);
    let s = ui.screen();
    assert!(s.contains("Cases: 2 · Open · coordinator Anna"), "{s}");
    ui.act(&[Action::Export]);
    let s = ui.screen();
    assert!(s.contains("stroom-cases-2026-11-22.csv"), "{s}");
    ui.act(&[Action::Save]);
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
    assert!(ui.screen().contains("Cases: 3 · Open"));
}

#[test]
fn a_colleagues_change_appears_after_the_poll() {
    let mut ui = Ui::new(Lang::En, 80, 24, with_cases(&[("2026-10-01", "Anna")]));
    ui.act(&[Action::Show(View::Cases)]);
    assert!(!ui.app.poll_external(), "nothing changed yet");
    let mut other = Store::open(&ui.sandbox.db).unwrap();
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
        s.contains("Case 2026-0001 is now referred to the expert team."),
        "{s}"
    );
    assert!(s.contains("2026-0001⚑"), "{s}");
    ui.act(&[Action::AssignWorker])
        .erase(4)
        .typ("Bram")
        .act(&[Action::Save]);
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
    let ctx = context(&ui.sandbox, Lang::Nl);
    let t = Instant::now();
    let store = Store::open(&ui.sandbox.db).unwrap();
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
    // As the event loop runs it: the screen first says the work started.
    ui.app.defer_slow = true;
    ui.act(&[Action::LoadDemo]);
    let s = ui.screen();
    assert!(s.contains("Bezig… (dit duurt een paar seconden)"), "{s}");
    assert!(s.contains("Nieuwe database?"), "nothing loaded yet:\n{s}");
    assert!(ui.app.run_pending());
    let s = ui.screen();
    assert!(s.contains("Demoteam geladen: 1800 casussen."), "{s}");
    assert!(s.contains("■ Rood"), "{s}");
    // A second time it refuses: the demo only fills an empty database.
    ui.act(&[Action::LoadDemo]);
    ui.app.run_pending();
    assert!(ui.screen().contains("alleen in een lege database"));
}

// ---- Flow (view 4) and Case review (view 5) ----

fn route_to(store: &mut Store, case_ref: &str, route: Route, care: Option<CareType>, on: &str) {
    let m = Move {
        route: Some(route),
        care_type: care,
        ..Move::default()
    };
    store
        .move_case(case_ref, &m, d(on), d(TODAY), "seed", None)
        .unwrap();
}

fn close(store: &mut Store, case_ref: &str, on: &str) {
    let m = Move {
        reason: Some(OutflowReason::GoalsMet),
        ..Move::to(Stage::Closed)
    };
    store
        .move_case(case_ref, &m, d(on), d(TODAY), "seed", None)
        .unwrap();
}

/// Referred, intake a week later, triage a week after that.
fn to_triage(store: &mut Store, referred: &str, worker: &str) -> String {
    let case = store
        .add_referral(&referral(referred, worker), d(TODAY), "seed")
        .unwrap();
    let on = d(referred);
    let intake = (on + chrono::Days::new(7)).to_string();
    let triage = (on + chrono::Days::new(14)).to_string();
    move_to(store, &case.case_ref, Stage::Intake, &intake);
    move_to(store, &case.case_ref, Stage::Triage, &triage);
    case.case_ref
}

/// Cases whose care starts and ends across 2024–2026.
fn flow_cases(store: &mut Store) {
    // 0001: team care from 2026-01-10, closed 2026-06-30.
    let a = to_triage(store, "2025-12-01", "Anna");
    route_to(store, &a, Route::Team, None, "2026-01-10");
    close(store, &a, "2026-06-30");
    // 0002: ambulant at home, waits from 2026-03-01, care from 2026-05-01.
    let b = to_triage(store, "2026-02-01", "Bram");
    route_to(
        store,
        &b,
        Route::Ambulant,
        Some(CareType::AmbulantHome),
        "2026-03-01",
    );
    move_to(store, &b, Stage::InCare, "2026-05-01");
    // 0003: referred only.
    store
        .add_referral(&referral("2026-03-15", "Cem"), d(TODAY), "seed")
        .unwrap();
    // 0004: team care from 2024-02-01 to 2026-03-01 (more than two years).
    let c = to_triage(store, "2024-01-10", "Anna");
    route_to(store, &c, Route::Team, None, "2024-02-01");
    close(store, &c, "2026-03-01");
    // 0005: team care from 2026-09-01, still open.
    let e = to_triage(store, "2026-08-01", "Bram");
    route_to(store, &e, Route::Team, None, "2026-09-01");
    // 0006: referred after the default period.
    store
        .add_referral(&referral("2026-11-02", "Cem"), d(TODAY), "seed")
        .unwrap();
}

/// The figures panel: the screen right of column `from`, one line each.
fn right_of(screen: &str, from: usize) -> Vec<String> {
    screen
        .lines()
        .map(|l| {
            l.chars()
                .skip(from)
                .collect::<String>()
                .trim_end_matches(['│', ' '])
                .to_string()
        })
        .collect()
}

/// The value beside `label` in the figures panel.
fn figure(panel: &[String], label: &str) -> String {
    let line = panel
        .iter()
        .find(|l| l.trim_start().starts_with(label))
        .unwrap_or_else(|| panic!("no figure {label:?} in\n{}", panel.join("\n")));
    line.trim_start()[label.len()..].trim().to_string()
}

fn number(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "—".into(),
        serde_json::Value::Number(n) if n.is_f64() => format!("{:.1}", n.as_f64().unwrap()),
        other => other.to_string(),
    }
}

#[test]
fn flow_view_shows_the_figures_of_the_report_for_its_period() {
    let mut ui = Ui::new(Lang::En, 80, 24, flow_cases);
    ui.act(&[Action::Show(View::Flow)]);
    let s = ui.screen();
    assert!(
        s.contains("Flow 2025-11-01 to 2026-10-31 (12 months)"),
        "{s}"
    );
    let (from, to) = (d("2025-11-01"), d("2026-10-31"));
    let store = Store::open(&ui.sandbox.db).unwrap();
    let report = store.flow(from, to, d(TODAY)).unwrap();
    // What `stroom report flow` prints for the same period.
    let out = assert_cmd::Command::cargo_bin("stroom")
        .unwrap()
        .env("STROOM_DB", &ui.sandbox.db)
        .env("STROOM_TODAY", TODAY)
        .env(
            "STROOM_CONFIG",
            ui.sandbox.db.with_file_name("no-config.toml"),
        )
        .args([
            "report",
            "flow",
            "--from",
            "2025-11-01",
            "--to",
            "2026-10-31",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let cli: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(cli["inflow"], report.inflow);
    let panel = right_of(&s, 40);
    for (label, key) in [
        ("Referrals", "referrals"),
        ("Inflow into care", "inflow"),
        ("Outflow after care", "outflow"),
        ("Open in care on 2026-10-31", "open_at_end"),
    ] {
        assert_eq!(figure(&panel, label), number(&cli[key]), "{label}\n{s}");
    }
    assert_eq!(
        figure(&panel, "Balance out − in"),
        format!("{}%", number(&cli["balance_pct"])),
        "{s}"
    );
    assert_eq!(
        figure(&panel, "Mean duration"),
        format!("{} d", number(&cli["mean_duration_days"]))
    );
    let bands = &cli["duration_bands"];
    assert_eq!(
        figure(&panel, "Duration <1 y · 1-2 y · 2+"),
        format!("{} · {} · {}", bands["<1y"], bands["1-2y"], bands["2y+"])
    );
    assert_eq!(
        figure(&panel, "Wait to care, median"),
        format!("{} d", cli["median_wait_to_care_days"])
    );
    assert_eq!(
        figure(&panel, "Wait to care, p90"),
        format!("{} d", cli["p90_wait_to_care_days"])
    );
    // Read as a person: 2 of 3 who started care left, so outflow lags.
    assert_eq!((report.referrals, report.inflow, report.outflow), (4, 3, 2));
    assert!(s.contains("outflow lags behind inflow"), "{s}");
    // Per care type, every row with a figure (rows of zeros give way to
    // the note that explains "open" when room is short).
    for (care_type, f) in &report.by_care_type {
        if f.inflow + f.outflow + f.open_at_end == 0 {
            continue;
        }
        let label =
            stroom::present::i18n::Catalog::get(Lang::En).label("care_type", care_type.code());
        // Long names are cut short on screen.
        let label: String = label.chars().take(20).collect();
        let row = figure(&panel, &label);
        let row = row.trim_start_matches(|c: char| !c.is_ascii_digit());
        let nums: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(
            nums,
            [
                f.inflow.to_string(),
                f.outflow.to_string(),
                f.open_at_end.to_string()
            ],
            "{label}\n{s}"
        );
    }
    // Each series is a bar row of its own, named with its total.
    assert!(
        s.contains(&format!("│Referrals: {} · peak", report.referrals)),
        "one row per series:\n{s}"
    );
    assert!(s.contains("│Inflow into care: "), "{s}");
    assert!(s.contains("│Outflow after care: "), "{s}");

    // The numbers display lists the monthly series.
    ui.act(&[Action::NextDisplay]);
    let s = ui.screen();
    // Months read as people say them ("Dec 25"), not "2025-12".
    let en = stroom::present::i18n::Catalog::get(Lang::En);
    for m in &report.monthly {
        let row = format!(
            "{:<8}{:>9}{:>9}{:>9}",
            stroom::present::month_label(en, &m.month),
            m.referrals,
            m.inflow,
            m.outflow
        );
        assert!(s.contains(&row), "{row}\n{s}");
    }

    // One month later and one longer: the current month up to today.
    // Through stages and the three panels back to the chart.
    ui.act(&[
        Action::NextDisplay,
        Action::NextDisplay,
        Action::NextDisplay,
        Action::NextDisplay,
        Action::NextDisplay,
        Action::PeriodLater,
        Action::PeriodLater,
        Action::PeriodLonger,
    ]);
    let s = ui.screen();
    assert!(
        s.contains("Flow 2025-11-01 to 2026-11-22 (13 months)"),
        "never past today:\n{s}"
    );
    assert_eq!(figure(&right_of(&s, 40), "Referrals"), "5", "{s}");
    ui.act(&[Action::PeriodEarlier, Action::PeriodShorter]);
    assert!(ui.screen().contains("Flow 2025-11-01 to 2026-10-31"));
}

/// The panels after the stages: lead times, referral streams and 18+,
/// with the figures of the flow report for the same period.
#[test]
fn flow_panels_show_lead_times_referrers_and_turning_18() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut ui = Ui::new(Lang::Nl, w, h, flow_cases);
        ui.act(&[Action::Show(View::Flow)]);
        let (from, to) = (d("2025-11-01"), d("2026-10-31"));
        let store = Store::open(&ui.sandbox.db).unwrap();
        let report = store.flow(from, to, d(TODAY)).unwrap();
        ui.act(&[
            Action::NextDisplay,
            Action::NextDisplay,
            Action::NextDisplay,
        ]);
        let lead = ui.screen();
        assert!(lead.contains("Doorlooptijden in dagen"), "{lead}");
        let care = &report.lead_times[&stroom::domain::flow::LeadStep::ReferralToCare];
        let row = lead
            .lines()
            .find(|l| l.contains("Aanmelding → start hulp"))
            .unwrap();
        assert!(
            row.contains(&format!("{:>9}", care.all.count)),
            "{row} vs {care:?}"
        );
        ui.act(&[Action::NextDisplay]);
        let streams = ui.screen();
        assert!(
            streams.contains(&format!("(herhaald beroep: {})", report.re_referrals)),
            "{streams}"
        );
        ui.act(&[Action::NextDisplay]);
        let eighteen = ui.screen();
        let count = eighteen
            .lines()
            .find(|l| l.contains("18 geworden in zorg"))
            .unwrap();
        assert!(count.contains(&format!("{:>9}", report.turning_18.count)));
        insta::assert_snapshot!(format!("flow_panels_lead_{w}x{h}"), lead);
        insta::assert_snapshot!(format!("flow_panels_referrers_{w}x{h}"), streams);
        insta::assert_snapshot!(format!("flow_panels_18_{w}x{h}"), eighteen);
        ui.act(&[Action::NextDisplay]);
        assert!(ui.screen().contains("Aanmeldingen"), "back to the chart");
    }
}

#[test]
fn cumulative_flow_counts_the_cases_per_stage_at_each_month_end() {
    let mut ui = Ui::new(Lang::En, 80, 24, flow_cases);
    ui.act(&[
        Action::Show(View::Flow),
        Action::NextDisplay,
        Action::NextDisplay,
    ]);
    let s = ui.screen();
    assert!(s.contains("R Referred · I Intake · T Triage"), "{s}");
    let store = Store::open(&ui.sandbox.db).unwrap();
    let mut month_ends = Vec::new();
    let mut first = d("2025-11-01");
    for _ in 0..12 {
        let next = first.checked_add_months(chrono::Months::new(1)).unwrap();
        month_ends.push(next.pred_opt().unwrap());
        first = next;
    }
    for end in month_ends {
        let snap = store.snapshot(end, d(TODAY)).unwrap();
        let count = |stage: Stage| snap.cases.iter().filter(|c| c.stage == stage).count();
        let mut row = format!("{end} ");
        for stage in [
            Stage::Referred,
            Stage::Intake,
            Stage::Triage,
            Stage::Waiting,
            Stage::InCare,
            Stage::Evaluation,
        ] {
            row.push_str(&format!("{:>4}", count(stage)));
        }
        let open = snap.cases.len() - count(Stage::Closed);
        row.push_str(&format!("{open:>6}{:>8}", count(Stage::Closed)));
        assert!(s.contains(&row), "{row}\n{s}");
    }
    // In April 0002 waits for care beside two in care: its W shows in the bar.
    let april = line_with(&s, "2026-04-30");
    assert!(
        april.contains("2026-04-30    1   0   0   1   1   0     3       1  RRRR"),
        "{s}"
    );
    assert!(april.contains('W') && april.contains('C'), "{s}");
}

/// One case in each section of the agenda of SPEC 9, meeting on TODAY.
fn agenda_cases(store: &mut Store) {
    use std::collections::BTreeMap;
    let codes = Config::default().precondition_codes();
    let all_ok: BTreeMap<String, Status> = codes.iter().map(|c| (c.clone(), Status::Ok)).collect();
    let review = |store: &mut Store, case_ref: &str, on: &str| {
        let input = ReviewInput {
            statuses: all_ok.clone(),
            next_on: None,
            note: None,
        };
        store
            .record_review(case_ref, d(on), &input, d(TODAY), "seed", &codes, None)
            .unwrap();
    };
    let with_end = |store: &mut Store, case_ref: &str, end: &str| {
        let m = Move {
            route: Some(Route::Team),
            planned_end_on: Some(d(end)),
            ..Move::default()
        };
        store
            .move_case(case_ref, &m, d("2026-03-01"), d(TODAY), "seed", None)
            .unwrap();
    };
    // 0001 escalated, all in order: last section.
    let x = to_triage(store, "2026-01-01", "Anna");
    with_end(store, &x, "2027-06-30");
    review(store, &x, "2026-11-15");
    store
        .set_fields(
            &x,
            &[Assignment::Field(FieldChange::Escalated(true))],
            d("2026-11-15"),
            d(TODAY),
            "seed",
            None,
        )
        .unwrap();
    // 0002 review due: reviewed 1 October, next review 1 November.
    let v = to_triage(store, "2026-01-01", "Bram");
    with_end(store, &v, "2027-06-30");
    review(store, &v, "2026-10-01");
    // 0003 red: its planned end has passed.
    let r = to_triage(store, "2026-01-01", "Anna");
    with_end(store, &r, "2026-10-01");
    review(store, &r, "2026-11-01");
    // 0004 waits for intake far beyond the norm.
    store
        .add_referral(&referral("2026-08-01", "Cem"), d(TODAY), "seed")
        .unwrap();
    // 0005 in triage: a route must be decided.
    to_triage(store, "2026-11-01", "Bram");
}

#[test]
fn case_review_walks_the_agenda_and_records_decisions() {
    let mut ui = Ui::new(Lang::Nl, 80, 24, agenda_cases);
    ui.act(&[Action::Show(View::Meeting)]);
    let s = ui.screen();
    insta::assert_snapshot!("meeting_team_80x24", s);
    assert!(
        s.contains("Casusoverleg 22-11-2026 · 0 van 5 besproken"),
        "{s}"
    );
    // 0001 and 0002 passed their start evaluation (due 01-06-2026): the
    // evaluation list fills its section, oldest due first. 0001 is
    // escalated too, but is listed once, in the first section that applies.
    let order: Vec<usize> = [
        "2026-0005",
        "2026-0003",
        "2026-0004",
        "2026-0001",
        "2026-0002",
    ]
    .iter()
    .map(|r| {
        s.find(&format!("  {r}  "))
            .unwrap_or_else(|| panic!("{r}\n{s}"))
    })
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "agenda order:\n{s}");
    // Why as of the start, and now, labelled apart.
    let f = flat(&s);
    assert!(f.contains("Op de agenda (bij aanvang 21-11-2026):"), "{f}");
    assert!(f.contains("Nu"), "{f}");
    assert!(f.contains("Wacht op besluit ● Groen  21/56 d"), "{f}");

    // The red case: a decision with owner and follow-up date.
    ui.act(&[Action::Down, Action::Decide]);
    let s = ui.screen();
    assert!(s.contains("Besluit over casus 2026-0003"), "{s}");
    assert!(s.contains("Anna"), "owner filled in:\n{s}");
    ui.typ("Einddatum verlengen tot 1 maart")
        .act(&[Action::NextField, Action::NextField])
        .typ("2026-12-06")
        .act(&[Action::Save]);
    let s = ui.screen();
    assert!(s.contains("1 van 5 besproken"), "{s}");
    assert!(s.contains("│✓ 2026-0003  Stoplicht rood"), "{s}");
    // The selection went on to the next item not yet discussed.
    assert!(
        flat(&s).contains("2026-0004 · Wacht langer dan de norm"),
        "{s}"
    );

    // A move recorded from the item counts as discussed too, and the
    // agenda does not reshuffle: 0004 stays in its section.
    ui.act(&[Action::MoveCase]);
    assert!(ui.screen().contains("casus 2026-0004"), "move form");
    ui.act(&[Action::Save]);
    let s = ui.screen();
    assert!(s.contains("2 van 5 besproken"), "{s}");
    assert!(s.contains("│✓ 2026-0004  Wacht boven norm"), "{s}");
    let f = flat(&s);
    assert!(f.contains("2026-0001 · Evaluatie nodig"), "{f}");

    // Back on 0003: as of the start red, now with today's decision.
    ui.act(&[Action::Up, Action::Up]);
    let f = flat(&ui.screen());
    assert!(
        f.contains(
            "Besluit: Einddatum verlengen tot 1 maart (uitvoering: Anna) (vervolg 06-12-2026)"
        ),
        "{f}"
    );

    // `e` writes the minutes, readable by their owner only.
    ui.act(&[Action::Export, Action::Save]);
    let file = ui.app.export_dir.join("stroom-meeting-team-2026-11-22.md");
    let md = std::fs::read_to_string(&file).unwrap();
    assert!(md.starts_with("# Casusoverleg, 22-11-2026"), "{md}");
    assert!(md.contains("5 casussen op de agenda: 2 besproken"), "{md}");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn the_stoplight_round_reviews_from_the_item() {
    let mut ui = Ui::new(Lang::Nl, 120, 40, agenda_cases);
    ui.act(&[Action::Show(View::Meeting)]);
    insta::assert_snapshot!("meeting_team_120x40", ui.screen());
    ui.act(&[Action::MeetingKind]);
    let s = ui.screen();
    insta::assert_snapshot!("meeting_stoplight_120x40", s);
    assert!(
        s.contains("Stoplichtronde 22-11-2026 · 0 van 3 besproken"),
        "{s}"
    );
    assert!(line_with(&s, "2026-0003").contains("■ Rood"), "{s}");
    assert!(line_with(&s, "2026-0002").contains("▲ Oranje"), "{s}");
    assert!(line_with(&s, "2026-0001").contains("● Groen"), "{s}");
    // The review form opens with the preconditions as they stand and the
    // live light now and after saving.
    ui.act(&[Action::Down, Action::Review]);
    let s = ui.screen();
    assert!(s.contains("Na opslaan:") && s.contains("Woonplek"), "{s}");
    ui.act(&[Action::Save]);
    let s = ui.screen();
    assert!(s.contains("1 van 3 besproken"), "{s}");
    assert!(s.contains("✓ 2026-0002"), "{s}");
    let mut small = Ui::new(Lang::Nl, 80, 24, agenda_cases);
    small.act(&[Action::Show(View::Meeting), Action::MeetingKind]);
    insta::assert_snapshot!("meeting_stoplight_80x24", small.screen());
}

#[test]
fn a_decision_on_a_case_changed_meanwhile_is_kept_and_saved_again() {
    let mut ui = Ui::new(Lang::En, 80, 24, agenda_cases);
    ui.act(&[Action::Show(View::Meeting), Action::Decide])
        .typ("Decide the route next week");
    let mut other = Store::open(&ui.sandbox.db).unwrap();
    route_to(&mut other, "2026-0005", Route::Team, None, TODAY);
    ui.act(&[Action::Save]);
    let s = ui.screen();
    assert!(s.contains("⚠ Case 2026-0005 changed meanwhile"), "{s}");
    assert!(
        !s.contains("Decide the route next week"),
        "form closed:\n{s}"
    );
    // Asked again explicitly, the form brings back the typed text.
    ui.act(&[Action::Decide]);
    let s = ui.screen();
    assert!(s.contains("Decide the route next week"), "text kept:\n{s}");
    ui.act(&[Action::Save]);
    let s = ui.screen();
    assert!(s.contains("1 of 5 discussed"), "{s}");
    // The agenda stays as it was going into the meeting.
    assert!(line_with(&s, "2026-0005").contains("Triage"), "{s}");
    // A click selects a row: the third case, under the header.
    ui.act(&[Action::Click { column: 5, row: 5 }]);
    assert!(ui.screen().contains("2026-0004 · Waiting beyond the norm"));
}

#[test]
fn an_earlier_or_later_meeting_date_and_tiny_windows() {
    let mut ui = Ui::new(Lang::En, 80, 24, agenda_cases);
    // A later date prepares that meeting from today's state; nothing can
    // be recorded for it yet.
    ui.act(&[Action::Show(View::Meeting), Action::MeetingDate])
        .erase(10)
        .typ("2026-12-01")
        .act(&[Action::Save]);
    let s = ui.screen();
    assert!(
        s.contains("Case review 01-12-2026 · 0 of 5 discussed"),
        "{s}"
    );
    ui.act(&[Action::Decide]);
    assert!(
        ui.screen()
            .contains("The meeting of 2026-12-01 has not been held yet"),
        "{}",
        ui.screen()
    );
    ui.act(&[Action::MeetingDate])
        .erase(10)
        .typ("2026-09-01")
        .act(&[Action::Save]);
    let s = ui.screen();
    assert!(s.contains("Case review 01-09-2026 · 0 of "), "{s}");
    assert!(!s.contains("2026-0005"), "not referred yet then:\n{s}");
    for (w, h) in [(40, 10), (20, 5), (80, 24)] {
        ui.term.backend_mut().resize(w, h);
        ui.act(&[Action::Resize {
            width: w,
            height: h,
        }]);
        for view in [View::Flow, View::Meeting] {
            ui.act(&[Action::Show(view), Action::Down, Action::NextDisplay]);
            ui.screen();
        }
    }
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
    ui.act(&[Action::Show(View::Stoplight), Action::Top]);
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
            "▲ Oranje 2026-0002 ✓ ~ ✓ ✓ ✓ ✓ ✓ 10-12-2026   woonplek in gang",
            "Horizon (2) · ● 1  ▲ 0  ■ 1",
            "■ Rood   2026-0001 ✗ ✗ ✗ ✗ ✗ ✗ ✗ –            7 randvoorwaarden ontbreken, ei…",
            "● Groen  2026-0003 ✓ ✓ ✓ ✓ ✓ ✓ ✓ 15-12-2026   alles op orde",
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
            "Peildatum 22-11-2026, vergeleken met de vorige zeswekelijkse peildatum 11-10-2026. \
             In zorg 3, aandeel rood 33,3 % (-66,7 procentpunt sinds 11-10-2026)."
        ),
        "{s}"
    );
    assert!(
        line_with(&s, "Per zorgaanbieder")
            .contains("In zorg    ●    ▲    ■   % rood  sinds 11-10-2026"),
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
    ui.act(&[Action::Show(View::Stoplight), Action::Top]);
    assert!(line_with(&ui.screen(), "2026-0001").contains("■ Red    2026-0001"));
    ui.act(&[Action::Review]);
    let s = ui.screen();
    assert!(s.contains("Stoplight review of case 2026-0001"), "{s}");
    // Never reviewed: every precondition starts as missing, as the rules
    // count it; the next review is a month after the review date.
    assert!(line_with(&s, "Housing").contains("◂ Missing ▸"), "{s}");
    assert!(
        line_with(&s, "│  Next review").contains("22-12-2026"),
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
    // The form writes it as the date fields do (DD-MM-YYYY).
    assert!(line_with(&ui.screen(), "│  Next review").contains("20-12-2026"));
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
    ui.act(&[Action::Save]);
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
    ui.act(&[Action::Show(View::Stoplight), Action::Top, Action::Review]);
    assert!(ui.screen().contains("│Now:          ■ Red:"));
    // A colleague records a review of the same case meanwhile.
    let mut other = Store::open(&ui.sandbox.db).unwrap();
    review(&mut other, "2026-0001", "2026-11-21", &[]);
    ui.act(&[Action::Save]);
    let s = ui.screen();
    assert!(
        flat(&s).contains("Case 2026-0001 changed meanwhile: nothing saved"),
        "{s}"
    );
    // The form closed; asked again, it is measured against the
    // colleague's review.
    assert!(!s.contains("Stoplight review of case 2026-0001"), "{s}");
    ui.act(&[Action::Review]);
    let s = ui.screen();
    assert!(s.contains("Stoplight review of case 2026-0001"), "{s}");
    assert!(s.contains("│Now:          ● Green: all in place"), "{s}");
    assert!(s.contains("│After saving: ● Green: all in place"), "{s}");
    assert_eq!(
        Store::open(&ui.sandbox.db)
            .unwrap()
            .reviews(1)
            .unwrap()
            .len(),
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
    ui.erase(3).typ("md").act(&[Action::Save]);
    let s = ui.screen();
    assert!(s.contains("3 rows exported to "), "{s}");
    let md =
        std::fs::read_to_string(ui.app.export_dir.join("stroom-stoplight-2026-11-22.md")).unwrap();
    assert!(md.contains("-66.7 pp"), "{md}");
    assert!(md.contains("housing being arranged"), "{md}");
    ui.act(&[Action::Export, Action::Save]);
    let csv =
        std::fs::read_to_string(ui.app.export_dir.join("stroom-stoplight-2026-11-22.csv")).unwrap();
    assert!(
        csv.starts_with("\u{feff}case_ref;color;reasons;criteria;last_review_on"),
        "{csv}"
    );
    assert!(csv.contains("2026-0002;orange;partial;"), "{csv}");
}

/// One young person in team care since 1 August (start moment due 1
/// November, three weeks overdue) and one stepped up to a family home on 1
/// August, still waiting for the place.
fn care_process(store: &mut Store) {
    use stroom::domain::{CareType, Destination, Goals, Route};
    with_cases(&[("2026-06-01", "Anna"), ("2026-03-01", "Bram")])(store);
    for r in ["2026-0001", "2026-0002"] {
        move_to(store, r, Stage::Intake, "2026-06-10");
        move_to(store, r, Stage::Triage, "2026-06-20");
    }
    let team = Move {
        route: Some(Route::Team),
        planned_end_on: Some(d("2027-08-01")),
        ..Move::default()
    };
    store
        .move_case("2026-0001", &team, d("2026-08-01"), d(TODAY), "seed", None)
        .unwrap();
    store
        .move_case("2026-0002", &team, d("2026-06-25"), d(TODAY), "seed", None)
        .unwrap();
    move_to(store, "2026-0002", Stage::Evaluation, "2026-07-25");
    let step = Move {
        to: Some(Stage::Waiting),
        care_type: Some(CareType::FamilyHome),
        provider: Some("Gezinshuis De Hoeve".into()),
        goals: Some(Goals::NotMet),
        intended_outflow: Some(Destination::YouthCareElsewhere),
        ..Move::default()
    };
    store
        .move_case("2026-0002", &step, d("2026-08-01"), d(TODAY), "seed", None)
        .unwrap();
    // Both discussed in this month's stoplight round, everything in place.
    let codes = Config::default().precondition_codes();
    let input = ReviewInput {
        statuses: codes.iter().map(|c| (c.clone(), Status::Ok)).collect(),
        next_on: None,
        note: None,
    };
    for r in ["2026-0001", "2026-0002"] {
        store
            .record_review(r, d("2026-11-15"), &input, d(TODAY), "seed", &codes, None)
            .unwrap();
    }
}

#[test]
fn the_board_shows_the_stepped_case_and_the_case_screen_its_moments() {
    let mut ui = Ui::new(Lang::Nl, 80, 24, care_process);
    ui.act(&[Action::Show(View::Stoplight), Action::Top]);
    let s = ui.screen();
    assert!(
        line_with(&s, "2026-0002")
            .starts_with("│■ Rood   2026-0002 ✓ ✓ ✓ ✓ ✓ ✓ ✓ 15-12-2026   wacht 16 weken"),
        "{s}"
    );
    assert!(
        flat(&s).contains(
            "2026-0002 · Gezinshuis De Hoeve · Bram: wacht 16 weken op vervolgplek, norm 10 weken"
        ),
        "{s}"
    );
    // The case screen: the moments with their signal, the step's report.
    let mut ui = Ui::new(Lang::Nl, 120, 60, care_process);
    ui.act(&[Action::Open]);
    let s = ui.screen();
    assert!(flat(&s).contains("Evaluatiemomenten 3 maanden na start: gepland 25-09-2026, nog niet gehouden — ■ Rood 3 maanden voor einde: gepland 01-05-2027, nog niet gehouden — ● Groen"), "{s}");
    assert!(
        flat(&s).contains("verslag: Doelen niet bereikt, beoogd vervolg: Jeugdhulp elders"),
        "{s}"
    );
}

#[test]
fn the_move_form_asks_the_report_when_the_planned_end_moves_later() {
    let mut ui = Ui::new(Lang::Nl, 120, 40, |store| {
        care_process(store);
        move_to(store, "2026-0001", Stage::Evaluation, "2026-11-20");
    });
    ui.act(&[Action::Show(View::Cases), Action::Bottom, Action::MoveCase]);
    let s = ui.screen();
    assert!(s.contains("Geplande einddatum"), "{s}");
    assert!(!s.contains("Doelen bereikt"), "{s}");
    ui.act(&[Action::NextField, Action::NextField])
        .erase(10)
        .typ("2027-12-31");
    let s = ui.screen();
    assert!(s.contains("Doelen bereikt (verslag bij verlenging)"), "{s}");
    assert!(s.contains("Beoogd vervolg (verslag bij verlenging)"), "{s}");
    assert!(s.contains("Wat is nog nodig"), "{s}");
    // Back to the planned end as it was: no extension, no report.
    ui.erase(10).typ("2027-08-01");
    assert!(!ui.screen().contains("Doelen bereikt"));
}

// ---- the evaluation list in view 1 (SPEC 1.7) ----

/// Two cases in care: 2026-0001 since 1 July (start moment due 1 October,
/// red on 22 November), 2026-0002 since 10 August (due 10 November,
/// 12 days late: orange).
fn evaluation_team(store: &mut Store) {
    with_cases(&[
        ("2026-07-01", "Lotte Kramer"),
        ("2026-08-10", "Ahmed Bakker"),
    ])(store);
    into_care(store, "2026-0001", "2026-07-01", "Horizon", "2027-12-31");
    into_care(store, "2026-0002", "2026-08-10", "Horizon", "2027-12-31");
}

#[test]
fn the_evaluation_list_is_view_1s_fourth_section_and_a_held_moment_leaves_it() {
    let mut ui = Ui::new(Lang::Nl, 120, 40, evaluation_team);
    let screen = ui.screen();
    assert!(
        screen.contains("Evaluaties · 2 op de lijst · 1 oranje · 1 rood · oudste 52 d te laat"),
        "{screen}"
    );
    let first = line_with(&screen, "2026-0001");
    assert!(first.contains("Rood") && first.contains("start"), "{first}");
    assert!(
        first.contains("01-10-2026") && first.contains("52 d te laat"),
        "{first}"
    );
    let second = line_with(&screen, "2026-0002");
    assert!(
        second.contains("Oranje") && second.contains("12 d te laat"),
        "{second}"
    );
    // No one waits: the selection is on the first moment; Enter opens it.
    ui.act(&[Action::NextSection]);
    assert_eq!(ui.app.target_case_ref().as_deref(), Some("2026-0001"));
    ui.act(&[Action::Open]);
    assert_eq!(
        ui.app.case_screen().map(|s| s.case.case_ref.as_str()),
        Some("2026-0001")
    );
    ui.act(&[Action::Back]);

    // A colleague holds the evaluation of 2026-0001 and care continues:
    // the moment is held, the case leaves the list.
    let mut other = Store::open(&ui.sandbox.db).unwrap();
    move_to(&mut other, "2026-0001", Stage::Evaluation, TODAY);
    move_to(&mut other, "2026-0001", Stage::InCare, TODAY);
    ui.app.reload().unwrap();
    let screen = ui.screen();
    assert!(!screen.contains("2026-0001"), "{screen}");
    assert!(
        screen.contains("Evaluaties · 1 op de lijst · 1 oranje · 0 rood · oudste 12 d te laat"),
        "{screen}"
    );

    // As of 1 November the later evaluation does not count: both moments
    // are listed, 2026-0002 still green, due in 9 days.
    ui.act(&[Action::TimeTravel])
        .typ("01-11-2026")
        .act(&[Action::Save]);
    let screen = ui.screen();
    assert!(
        line_with(&screen, "2026-0001").contains("31 d te laat"),
        "{screen}"
    );
    let second = line_with(&screen, "2026-0002");
    assert!(
        second.contains("Groen") && second.contains("nog 9 d"),
        "{second}"
    );
}
