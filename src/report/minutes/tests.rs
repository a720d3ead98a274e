use super::*;
use crate::context::config::Config;
use crate::domain::agenda::{Decision, Meeting, MoveDone, ReviewDone, WaitFact};
use crate::domain::dates::parse_date;
use crate::domain::{Move, Queue, Review, Route, Stage};
use crate::present::i18n::{Catalog, Lang};

fn d(s: &str) -> NaiveDate {
    parse_date(s).unwrap()
}

fn item(id: i64, section: Section, reasons: &[&str]) -> AgendaItem {
    AgendaItem {
        case_id: id,
        case_ref: format!("2026-{id:04}"),
        section,
        reasons: reasons.iter().map(|r| r.to_string()).collect(),
        stage: Stage::Triage,
        stage_since: d("2026-10-01"),
        care_type: None,
        provider: None,
        worker: Some("Fatma".into()),
        planned_end_on: None,
        name: Some("Noor de Vries".into()),
        birth_date: Some(d("2012-03-04")),
        waits: vec![WaitFact {
            queue: Queue::Decision,
            since: d("2026-09-01"),
            wait_days: 97,
            norm_days: 56,
            signal: Signal::Red,
        }],
        light: None,
        due: None,
    }
}

fn agenda() -> Agenda {
    Agenda {
        meeting: Meeting {
            kind: Kind::Team,
            on: d("2026-12-07"),
            provider: None,
        },
        items: vec![
            item(1, Section::Triage, &["decision"]),
            item(2, Section::Triage, &[]),
            item(3, Section::WaitingOverNorm, &["decision"]),
            item(4, Section::Escalated, &["escalated"]),
        ],
    }
}

fn decision(case_id: i64, text: &str, owner: Option<&str>, follow_up: Option<&str>) -> Decision {
    Decision {
        id: case_id * 10,
        case_id,
        case_ref: format!("2026-{case_id:04}"),
        text: text.into(),
        owner: owner.map(String::from),
        follow_up_on: follow_up.map(d),
    }
}

fn records() -> Records {
    let review = Review {
        id: 1,
        case_id: 4,
        on: d("2026-12-07"),
        next_on: d("2027-01-07"),
        note: None,
        statuses: Default::default(),
    };
    Records {
        decisions: vec![
            decision(
                1,
                "Route ambulant | spoed",
                Some("Fatma"),
                Some("2026-12-21"),
            ),
            decision(9, "Buiten de agenda", None, None),
        ],
        moves: vec![
            MoveDone {
                case_id: 1,
                case_ref: "2026-0001".into(),
                change: Move {
                    route: Some(Route::Ambulant),
                    ..Move::to(Stage::Waiting)
                },
            },
            // A move of a case off the agenda: the day's work, not the
            // meeting's.
            MoveDone {
                case_id: 42,
                case_ref: "2026-0042".into(),
                change: Move::to(Stage::Intake),
            },
        ],
        reviews: vec![ReviewDone {
            case_id: 4,
            case_ref: "2026-0004".into(),
            review,
            before: Signal::Red,
            after: Signal::Orange,
        }],
    }
}

#[test]
fn the_summary_counts_the_items_and_what_was_done() {
    let (agenda, records, config) = (agenda(), records(), Config::default());
    let m = Minutes::new(&agenda, &records, &config.preconditions, "Wijkteam Noord");
    let s = m.summary();
    assert_eq!(s.items, 4);
    assert_eq!(s.discussed, 2, "case 1 (decision, move) and 4 (review)");
    assert_eq!(
        s.sections,
        [
            (Section::Triage, 2, 1),
            (Section::StoplightRed, 0, 0),
            (Section::WaitingOverNorm, 1, 0),
            (Section::EvaluationDue, 0, 0),
            (Section::Escalated, 1, 1),
        ]
    );
    assert_eq!((s.decisions, s.moves, s.reviews), (2, 1, 1));
    let per_section: usize = s.sections.iter().map(|x| x.1).sum();
    assert_eq!(per_section, agenda.items.len());
}

#[test]
fn the_markdown_minutes_open_with_the_title_and_summary() {
    let (agenda, records, config) = (agenda(), records(), Config::default());
    let m = Minutes::new(&agenda, &records, &config.preconditions, "Wijkteam Noord");
    let md = m.to_markdown(Catalog::get(Lang::Nl), false);
    let start = md.lines().take(12).collect::<Vec<_>>().join("\n");
    assert_eq!(
        start,
        "# Casusoverleg Wijkteam Noord, 07-12-2026\n\
         \n\
         ## Samenvatting\n\
         \n\
         4 casussen op de agenda: 2 besproken, 2 niet besproken.\n\
         \n\
         | Agendapunt | Casussen | Besproken |\n\
         |---|---:|---:|\n\
         | Triage: route kiezen | 2 | 1 |\n\
         | Stoplicht rood | 0 | 0 |\n\
         | Wacht langer dan de norm | 1 | 0 |\n\
         | Evaluatie nodig | 0 | 0 |"
    );
    assert!(
        md.contains("| 2026-0001 | Route ambulant \\| spoed | Fatma | 21-12-2026 |"),
        "{md}"
    );
    assert!(
        md.contains("- **2026-0001**: naar Wacht op hulp, route Specialistisch zonder verblijf"),
        "{md}"
    );
    assert!(!md.contains("2026-0042"), "{md}");
    assert!(md.contains("- **2026-0004**: ■ rood → ▲ oranje"), "{md}");
    assert!(md.contains("### 2026-0001 · Triage: route kiezen"), "{md}");
    assert!(
        md.contains("- Op de agenda (bij aanvang): Wacht op besluit: 97 dagen"),
        "{md}"
    );
    assert!(
        md.contains("### 2026-0009 · besluit buiten de agenda"),
        "{md}"
    );
    // Undiscussed items once, compactly, at the end.
    let rest = &md[md.find("## Niet besproken (2)").expect("undiscussed")..];
    assert!(
        rest.contains("| 2026-0002 | Triage: route kiezen |"),
        "{rest}"
    );
    assert!(
        rest.contains("| 2026-0003 | Wacht langer dan de norm |"),
        "{rest}"
    );
    assert_eq!(md.matches("2026-0002").count(), 1);
    assert!(!md.contains("Vries"), "no names without --with-names");
    let named = m.to_markdown(Catalog::get(Lang::Nl), true);
    assert!(
        named.contains("2026-0002 (Noor de Vries, 04-03-2012)"),
        "{named}"
    );
}

#[test]
fn the_json_minutes_have_the_spec_shape() {
    let (agenda, records, config) = (agenda(), records(), Config::default());
    let m = Minutes::new(&agenda, &records, &config.preconditions, "");
    let v = m.to_json(false);
    assert_eq!(v["on"], "2026-12-07");
    assert_eq!(v["kind"], "team");
    assert!(v["provider"].is_null());
    assert!(v["generated_at"].is_string());
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 5, "four items and the decision off the agenda");
    let first = rows[0].as_object().unwrap();
    let mut keys: Vec<&str> = first.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "case_ref",
            "decisions",
            "discussed",
            "moves",
            "reasons",
            "reviews",
            "section"
        ]
    );
    assert_eq!(rows[0]["discussed"], true);
    assert_eq!(rows[0]["decisions"][0]["follow_up_on"], "2026-12-21");
    assert_eq!(rows[0]["moves"][0]["to"], "waiting");
    assert_eq!(rows[1]["discussed"], false);
    assert_eq!(rows[3]["reviews"][0]["color_before"], "red");
    assert_eq!(rows[3]["reviews"][0]["color_after"], "orange");
    assert_eq!(rows[4]["section"], "other");
    let named = m.to_json(true);
    assert_eq!(named["rows"][0]["name"], "Noor de Vries");
}

#[test]
fn an_agenda_sent_round_before_the_meeting_lists_every_section_with_its_facts() {
    let (agenda, config) = (agenda(), Config::default());
    let records = Records::default();
    let m = Minutes::new(&agenda, &records, &config.preconditions, "");
    let md = m.to_markdown(Catalog::get(Lang::Nl), false);
    assert!(md.starts_with("# Casusoverleg, 07-12-2026\n"), "{md}");
    assert!(
        !md.contains("Besluiten") && !md.contains("Niet besproken"),
        "{md}"
    );
    assert!(
        md.contains("## Agenda\n\n### Triage: route kiezen (2)\n"),
        "{md}"
    );
    assert!(
        md.contains("| 2026-0002 | route kiezen | Triage sinds 01-10-2026, Wacht op besluit 97 dagen (norm 56), regisseur Fatma |"),
        "{md}"
    );
    assert!(md.contains("### Expertteam / doorbraaktafel (1)"), "{md}");
}

#[test]
fn an_extension_shows_its_report() {
    use crate::domain::{Destination, Goals};
    let (agenda, config) = (agenda(), Config::default());
    let records = Records {
        moves: vec![MoveDone {
            case_id: 3,
            case_ref: "2026-0003".into(),
            change: Move {
                planned_end_on: Some(d("2027-06-30")),
                goals: Some(Goals::Partly),
                intended_outflow: Some(Destination::Community),
                note: Some("woonplek".into()),
                ..Move::to(Stage::InCare)
            },
        }],
        ..Records::default()
    };
    let m = Minutes::new(&agenda, &records, &config.preconditions, "");
    let md = m.to_markdown(Catalog::get(Lang::Nl), false);
    assert!(
        md.contains("### Verlengingen\n\n- **2026-0003**: Doelen deels bereikt, beoogde uitstroom: Voorliggend veld, nog nodig: woonplek"),
        "{md}"
    );
    assert_eq!(m.to_json(false)["rows"][2]["moves"][0]["goals"], "partly");
}

#[test]
fn the_minutes_are_blocks_of_plain_text_the_markdown_writer_marks_up() {
    let (agenda, records, config) = (agenda(), records(), Config::default());
    let m = Minutes::new(&agenda, &records, &config.preconditions, "");
    let doc = m.document(crate::export::Format::Md, Catalog::get(Lang::Nl), false);
    assert_eq!(doc.layout, crate::export::Layout::Prose);
    let mut texts = Vec::new();
    for block in &doc.blocks {
        match block {
            Block::Heading { text, .. } | Block::Paragraph(text) => texts.push(text.clone()),
            Block::Bullets(items) => texts.extend(items.iter().map(|b| b.text.clone())),
            Block::Table { table, .. } => texts.extend(table.headers.clone()),
        }
    }
    assert!(!texts.is_empty());
    for t in &texts {
        assert!(
            !t.starts_with('#') && !t.starts_with("- ") && !t.contains("**") && !t.starts_with('|'),
            "markup in a block: {t:?}"
        );
    }
    // The summary's counts are figures in a table with a total row.
    let total = doc.blocks.iter().find_map(|b| match b {
        Block::Table {
            total: Some(total), ..
        } => Some(total.clone()),
        _ => None,
    });
    assert_eq!(
        total,
        Some(vec![Cell::text("Totaal"), Cell::Int(4), Cell::Int(2)])
    );
}

#[test]
fn a_pipe_in_a_name_or_decision_does_not_break_a_table() {
    let mut agenda = agenda();
    agenda.items[1].name = Some("Jan | Piet".into());
    let config = Config::default();
    let prepared = Records::default();
    let m = Minutes::new(&agenda, &prepared, &config.preconditions, "");
    let md = m.to_markdown(Catalog::get(Lang::Nl), true);
    assert!(
        md.contains("| 2026-0002 (Jan \\| Piet, 04-03-2012) | route kiezen |"),
        "{md}"
    );
    let records = Records {
        decisions: vec![decision(1, "bellen | mailen", Some("Ann|Bo"), None)],
        ..Records::default()
    };
    let m = Minutes::new(&agenda, &records, &config.preconditions, "");
    let md = m.to_markdown(Catalog::get(Lang::Nl), true);
    assert!(
        md.contains("| 2026-0001 | bellen \\| mailen | Ann\\|Bo | – |"),
        "{md}"
    );
    // Outside a table the text is left as written.
    assert!(md.contains("- Besluit: bellen | mailen"), "{md}");
    assert!(
        md.contains("| 2026-0002 (Jan \\| Piet, 04-03-2012) | Triage: route kiezen |"),
        "{md}"
    );
}
