//! Whole-screen snapshots of the desk on the demo team (seed 4, today
//! 2026-11-30), at 80×24 and 120×40: every view, the case screen, each
//! form, help, a past date, a conflict and the questions a form asks. A
//! reviewer sees each screen in the diff; any change to a screen fails here
//! until the new snapshot is read and accepted.

use chrono::NaiveDate;

use stroom::context::config::Config;
use stroom::domain::dates::parse_date;
use stroom::domain::{Assignment, FieldChange};
use stroom::present::i18n::Lang;
use stroom::store::Store;
use stroom::tui::{Action, App, View};

mod common;

use common::Sandbox;
use common::desk::Ui;

/// Later than the common today: the demo team as it stands on the 30th.
const TODAY: &str = "2026-11-30";
/// Fewer cases than the default demo keeps the test quick; the scenario
/// cases are all there.
const CASES: usize = 300;

fn d(s: &str) -> NaiveDate {
    parse_date(s).unwrap()
}

impl Ui {
    fn demo(lang: Lang, width: u16, height: u16) -> Ui {
        let dir = Sandbox::with_db("stroom.db");
        let ctx = dir.context(Config::default(), lang, TODAY, "coordinator");
        let mut store = Store::open(&ctx.db_path).unwrap();
        let bundles = stroom::demo::generate(4, d(TODAY), CASES);
        store
            .insert_bundles(&bundles, d(TODAY), "demo", &mut |_| {})
            .unwrap();
        let mut app = App::new(&ctx, store, width, height).unwrap();
        app.export_dir = dir.dir.path().to_path_buf();
        Ui::on(dir, app, width, height)
    }
}

/// The screens of one walk through the desk, named in order.
fn walk(lang: Lang, width: u16, height: u16) -> Vec<(&'static str, String)> {
    let mut ui = Ui::demo(lang, width, height);
    let mut shots = Vec::new();
    let mut shot = |name: &'static str, ui: &mut Ui| shots.push((name, ui.screen()));
    shot("1_waitlist", &mut ui);
    ui.act(&[Action::NextSection, Action::NextSection]);
    shot("1_waitlist_care_queue", &mut ui);
    // The fourth section: the evaluation moments due, each with its signal.
    ui.act(&[Action::NextSection]);
    shot("1_waitlist_evaluations", &mut ui);
    ui.act(&[Action::Show(View::Cases)]);
    shot("2_cases", &mut ui);
    ui.act(&[Action::Show(View::Stoplight)]);
    shot("3_stoplight", &mut ui);
    ui.act(&[Action::Show(View::Flow)]);
    shot("4_flow", &mut ui);
    ui.act(&[Action::Show(View::Meeting)]);
    shot("5_meeting", &mut ui);

    // The case screen of the board's first case, then its review form.
    ui.act(&[Action::Show(View::Stoplight), Action::Open]);
    shot("case_screen", &mut ui);
    // Its end: the last lines of the history, and the border says where.
    ui.act(&[Action::Bottom]);
    shot("case_screen_end", &mut ui);
    ui.act(&[Action::Top, Action::Review]);
    shot("form_review", &mut ui);
    ui.act(&[Action::Back, Action::Back]);

    // Forms: a new referral, a move, a coordinator.
    ui.act(&[Action::Show(View::Cases), Action::NewReferral]);
    shot("form_new_referral", &mut ui);
    ui.act(&[Action::Back, Action::MoveCase]);
    shot("form_move", &mut ui);
    ui.act(&[Action::Back, Action::AssignWorker]);
    shot("form_worker", &mut ui);
    // Typed input is not thrown away without a question.
    ui.typ("x").act(&[Action::Back]);
    shot("confirm_discard", &mut ui);
    ui.act(&[Action::Submit]);

    // An unlikely date is asked about before anything is saved.
    ui.act(&[Action::NewReferral]);
    for _ in 0..10 {
        ui.act(&[Action::Backspace]);
    }
    ui.typ("1990-01-01")
        .act(&[Action::NextField, Action::ChoiceNext, Action::ChoiceNext])
        .act(&[Action::NextField, Action::ChoiceNext, Action::Save]);
    shot("confirm_unlikely_date", &mut ui);
    ui.act(&[Action::Back, Action::Back, Action::Submit]);

    // `r` on a case not in care says why at once.
    ui.act(&[Action::Show(View::Waitlist), Action::Top, Action::Review]);
    shot("review_not_on_board", &mut ui);

    // A conflict: a colleague changes the case while the move form is open.
    ui.act(&[Action::Show(View::Waitlist), Action::Top, Action::MoveCase]);
    let case_ref = ui
        .app
        .target_case_ref()
        .expect("a case is selected in the list");
    let mut colleague = Store::open(&ui.sandbox.db).unwrap();
    colleague
        .set_fields(
            &case_ref,
            &[Assignment::Field(FieldChange::Escalated(true))],
            d(TODAY),
            d(TODAY),
            "colleague",
            None,
        )
        .unwrap();
    ui.act(&[Action::Save]);
    shot("conflict", &mut ui);

    // `/` in every list: the matched field is named; a second `/` starts
    // afresh.
    ui.act(&[Action::Show(View::Waitlist), Action::Search])
        .typ("kramer")
        .act(&[Action::Submit]);
    shot("search_waitlist", &mut ui);
    ui.act(&[Action::Search])
        .typ("horizon")
        .act(&[Action::Submit]);
    shot("search_waitlist_again", &mut ui);
    ui.act(&[Action::Back, Action::Show(View::Stoplight), Action::Search])
        .typ("horizon")
        .act(&[Action::Submit]);
    shot("search_stoplight", &mut ui);
    ui.act(&[Action::Back]);

    ui.act(&[Action::Help]);
    shot("help", &mut ui);
    ui.act(&[Action::Bottom]);
    shot("help_end", &mut ui);
    ui.act(&[Action::Back]);

    // Looking back: every view shows that date, and `T` comes back.
    ui.act(&[Action::Show(View::Waitlist), Action::TimeTravel]);
    for _ in 0..10 {
        ui.act(&[Action::Backspace]);
    }
    ui.typ("2026-06-30").act(&[Action::Submit]);
    shot("past_waitlist", &mut ui);
    ui.act(&[Action::Show(View::Stoplight)]);
    shot("past_stoplight", &mut ui);
    ui.act(&[Action::Today]);
    shot("back_to_today", &mut ui);

    // `f` in the waiting lists and on the board: one coordinator's cases,
    // named in the view; Esc lets go.
    ui.act(&[Action::Show(View::Waitlist), Action::Filter]);
    shot("1_waitlist_filter_form", &mut ui);
    ui.act(&[Action::ChoiceNext, Action::Save]);
    shot("1_waitlist_filtered", &mut ui);
    ui.act(&[Action::Back, Action::Show(View::Stoplight), Action::Filter]);
    ui.act(&[Action::NextField, Action::ChoiceNext, Action::Save]);
    shot("3_stoplight_filtered", &mut ui);
    ui.act(&[Action::Back]);

    // The agenda of view 5 narrows the same way; the progress stays the
    // whole meeting's.
    ui.act(&[Action::Show(View::Meeting), Action::Search])
        .typ("kramer")
        .act(&[Action::Submit]);
    shot("5_meeting_search", &mut ui);
    ui.act(&[Action::Back, Action::Filter]);
    ui.act(&[Action::NextField, Action::ChoiceNext, Action::Save]);
    shot("5_meeting_filtered", &mut ui);
    ui.act(&[Action::Back, Action::Show(View::Stoplight)]);

    // A review recorded on the board keeps the reviewed case selected.
    ui.act(&[Action::Down, Action::Down]);
    let before = ui.app.target_case_ref();
    ui.act(&[Action::Review, Action::NextField, Action::ChoiceNext])
        .act(&[Action::Save]);
    shot("3_stoplight_after_review", &mut ui);
    assert_eq!(
        ui.app.target_case_ref(),
        before,
        "the reviewed case stays selected"
    );

    // The overview hides the list: Enter opens nothing.
    ui.act(&[Action::TogglePanel, Action::Open]);
    shot("3_stoplight_overview_enter", &mut ui);
    assert_eq!(ui.app.target_case_ref(), None);
    ui.act(&[Action::TogglePanel]);

    // `e` on the evaluation section writes the evaluation list.
    ui.act(&[Action::Show(View::Waitlist), Action::Top]);
    ui.act(&[
        Action::NextSection,
        Action::NextSection,
        Action::NextSection,
    ]);
    ui.act(&[Action::Export]);
    shot("1_waitlist_export_evaluations", &mut ui);
    ui.act(&[Action::Save]);
    let file = std::fs::read_dir(&ui.app.export_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("evaluations"))
        .expect("the evaluation list is written");
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.lines().count() > 1, "{text}");

    // The Cases view opens on open cases, newest first; the filter offers
    // open and closed.
    ui.act(&[Action::Show(View::Cases), Action::Filter]);
    shot("2_cases_filter_form", &mut ui);
    ui.act(&[Action::ChoiceNext, Action::Save]);
    shot("2_cases_closed", &mut ui);

    // View 5: the review form takes the meeting's date as people write it.
    ui.act(&[Action::Show(View::Meeting), Action::Top, Action::Down])
        .act(&[Action::Review]);
    shot("5_meeting_form_review", &mut ui);
    ui.act(&[Action::Back]);
    shot("5_meeting_form_review_closed", &mut ui);
    ui.act(&[Action::Back]);
    // A later date prepares that day's agenda from today's state, and says
    // so.
    ui.act(&[Action::MeetingDate]);
    shot("5_meeting_date_form", &mut ui);
    for _ in 0..10 {
        ui.act(&[Action::Backspace]);
    }
    ui.typ("07-12-2026").act(&[Action::Submit]);
    shot("5_meeting_prepared", &mut ui);
    shots
}

fn check(lang: Lang, width: u16, height: u16, suffix: &str) {
    let mut settings = insta::Settings::clone_current();
    // When a change was recorded depends on the clock: not on screen.
    settings.add_filter(r"\d{2}-\d{2}-\d{4} \d{2}:\d{2}", "[tijdstip]");
    settings.add_filter(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", "[time]");
    // The export folder is a fresh temporary one each run.
    settings.add_filter(r"/tmp/\.tmp\w+/", "[map]/");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for (name, screen) in walk(lang, width, height) {
            insta::assert_snapshot!(format!("{name}_{suffix}"), screen);
        }
    });
}

#[test]
fn the_desk_at_80_by_24() {
    check(Lang::Nl, 80, 24, "80x24");
}

#[test]
fn the_desk_at_120_by_40() {
    check(Lang::Nl, 120, 40, "120x40");
}

/// The views in English at 80×24: labels are longer there, so whatever
/// fits in Dutch is seen to fit in English too.
#[test]
fn the_views_in_english_at_80_by_24() {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        let mut ui = Ui::demo(Lang::En, 80, 24);
        for (name, view) in [
            ("en_1_waitlist", View::Waitlist),
            ("en_3_stoplight", View::Stoplight),
            ("en_4_flow", View::Flow),
            ("en_5_meeting", View::Meeting),
        ] {
            ui.act(&[Action::Show(view)]);
            insta::assert_snapshot!(format!("{name}_80x24"), ui.screen());
        }
    });
}

/// The case refs on the board, top to bottom.
fn board_refs(app: &App) -> Vec<String> {
    use stroom::tui::board::Entry;
    app.board
        .entries
        .iter()
        .filter_map(|e| match e {
            Entry::Case(i) => Some(app.board.rows[*i as usize].case_ref.to_string()),
            Entry::Group(_) => None,
        })
        .collect()
}

/// View 3 opens at its top, unless the person comes from a case: from view
/// 2 with a case on the board selected, the board opens at that case. (It
/// opened at view 2's selection from anywhere: its first case by default,
/// which at a million cases lies mid-board.)
#[test]
fn the_board_opens_at_its_top_or_at_the_case_the_person_came_from() {
    // A case on the board, not the first, made view 2's selection.
    let mut ui = Ui::demo(Lang::Nl, 120, 40);
    ui.act(&[Action::Show(View::Stoplight)]);
    let board = board_refs(&ui.app);
    assert!(board.len() > 3, "{board:?}");
    let mut ui = Ui::demo(Lang::Nl, 120, 40);
    ui.act(&[Action::Show(View::Cases)]);
    let mut chosen = None;
    for _ in 0..CASES {
        let case = ui.app.cases.selected_case().map(|c| c.case_ref.clone());
        if let Some(r) = case.filter(|r| board[1..].contains(r)) {
            chosen = Some(r);
            break;
        }
        ui.act(&[Action::Down]);
    }
    let chosen = chosen.expect("a case of the board in view 2");
    // From view 1 the board opens at its top, whatever view 2 selects.
    ui.act(&[Action::Show(View::Waitlist), Action::Show(View::Stoplight)]);
    let top = ui.app.board.selected_row().map(|r| r.case_ref.to_string());
    assert_eq!(top.as_deref(), Some(board[0].as_str()));
    assert_eq!(ui.app.board.scroll.offset, 0);

    // From view 2, at the case selected there.
    let mut ui = Ui::demo(Lang::Nl, 120, 40);
    ui.act(&[Action::Show(View::Cases)]);
    while ui.app.cases.selected_case().map(|c| c.case_ref.as_str()) != Some(chosen.as_str()) {
        ui.act(&[Action::Down]);
    }
    ui.act(&[Action::Show(View::Stoplight)]);
    let at = ui.app.board.selected_row().map(|r| r.case_ref.to_string());
    assert_eq!(at, Some(chosen));
}

/// A country's references are eleven characters ("2026-244549"): the
/// agenda's case column widens to the longest and keeps a space before
/// the agenda item, at 80 columns too.
#[test]
fn the_agenda_keeps_a_space_after_a_long_reference() {
    let mut ui = Ui::demo(Lang::Nl, 80, 24);
    ui.app
        .store
        .conn()
        .execute(
            "UPDATE cases SET case_ref = substr(case_ref, 1, 5) || '24' || substr(case_ref, 6)",
            [],
        )
        .unwrap();
    ui.act(&[Action::Show(View::Meeting)]);
    let screen = ui.screen();
    let rows: Vec<&str> = screen
        .lines()
        .filter(|l| l.contains("│  2026-") || l.contains("│  2025-"))
        .collect();
    assert!(rows.len() > 10, "{screen}");
    for row in rows {
        let item = &row["│  ".len()..];
        let reference: String = item.chars().take(11).collect();
        assert!(
            reference.chars().all(|c| c.is_ascii_digit() || c == '-'),
            "{row}"
        );
        assert_eq!(item.chars().nth(11), Some(' '), "{row}");
    }
    insta::assert_snapshot!("5_meeting_long_references_80x24", screen);
}

/// View 4 with a country's counts (six digits): the care-type table's
/// figures stay apart and the duration bands stay whole, at 80 columns.
#[test]
fn the_flow_view_keeps_a_countrys_figures_apart() {
    let mut ui = Ui::demo(Lang::Nl, 80, 24);
    ui.act(&[Action::Show(View::Flow)]);
    let report = ui.app.flow.report.as_mut().unwrap();
    for f in report.by_care_type.values_mut() {
        f.inflow = f.inflow * 1000 + 7;
        f.outflow = f.outflow * 1000 + 3;
        f.open_at_end = f.open_at_end * 1000 + 5;
    }
    let b = &mut report.duration_bands;
    (b.under_1y, b.from_1y_to_2y, b.over_2y) = (184_309, 41_581, 24_741);
    let figures: Vec<[usize; 3]> = report
        .by_care_type
        .values()
        .filter(|f| f.inflow + f.outflow + f.open_at_end > 15)
        .map(|f| [f.inflow, f.outflow, f.open_at_end])
        .collect();
    let screen = ui.screen();
    assert!(screen.contains("184309 · 41581 · 24741"), "{screen}");
    // Each row ends in its three figures, each a word of its own.
    let ends: Vec<Vec<usize>> = screen
        .lines()
        .map(|l| {
            let words: Vec<&str> = l.trim_end_matches('│').split_whitespace().collect();
            let tail = &words[words.len().saturating_sub(3)..];
            tail.iter().filter_map(|w| w.parse().ok()).collect()
        })
        .collect();
    for f in &figures {
        assert!(ends.iter().any(|e| e == f), "{f:?}\n{screen}");
    }
    assert!(figures.len() >= 5);
    insta::assert_snapshot!("4_flow_country_counts_80x24", screen);
}

/// View 3's summary with a country's counts stays whole at 80 columns:
/// the colours by their shapes when their words do not fit.
#[test]
fn the_board_summary_fits_a_countrys_counts() {
    let mut ui = Ui::demo(Lang::Nl, 80, 24);
    ui.act(&[Action::Show(View::Stoplight)]);
    let all = ui.app.board.all.as_mut().unwrap();
    (all.total, all.green, all.orange, all.red) = (190_547, 63_575, 121_548, 5_424);
    all.share_red_pct = 2.8;
    let screen = ui.screen();
    let summary = screen.lines().nth(2).unwrap();
    assert!(
        summary.contains("In zorg 190547 · ● 63575  ▲ 121548  ■ 5424 · aandeel rood 2,8"),
        "{screen}"
    );
    // With a team's counts the words stay.
    let mut team = Ui::demo(Lang::Nl, 80, 24);
    team.act(&[Action::Show(View::Stoplight)]);
    assert!(team.screen().contains("● Groen"));
}

/// A reference longer than half the agenda list (references may be up to
/// 64 characters) is cut with an ellipsis: the agenda item beside it stays.
#[test]
fn the_agenda_cuts_a_very_long_reference() {
    let mut ui = Ui::demo(Lang::Nl, 80, 24);
    ui.app
        .store
        .conn()
        .execute(
            "UPDATE cases SET case_ref = 'WIJKTEAM-ZUIDOOST-' || case_ref",
            [],
        )
        .unwrap();
    ui.act(&[Action::Show(View::Meeting)]);
    let screen = ui.screen();
    let rows: Vec<&str> = screen
        .lines()
        .filter(|l| l.contains("│  WIJKTEAM-"))
        .collect();
    assert!(rows.len() > 10, "{screen}");
    let sections = ["Triage", "Stoplicht", "Wacht", "Expertteam", "Evaluatie"];
    for row in rows {
        assert!(row.contains("… "), "{row}");
        assert!(sections.iter().any(|s| row.contains(s)), "{row}");
    }
}
