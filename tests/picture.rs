//! The municipality's picture as a user meets it: the newer flow figures in
//! every format, the forecast, and the council report (Markdown and one
//! self-contained HTML file, opened in a real browser when one is there).

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use serde_json::Value;

const FROM: &str = "2025-11-01";
const TO: &str = "2026-10-31";

mod common;

use common::Sandbox;

common::sandbox_type!(Team);

impl Team {
    /// A demo team of 400 cases: three years of history.
    fn demo() -> Team {
        let team = Team(Sandbox::new());
        team.nl_ok(&["demo", "--seed", "4", "--cases", "400"]);
        team
    }
}

fn flow_json(team: &Team) -> Value {
    team.nl_json(&["report", "flow", "--from", FROM, "--to", TO])
}

#[test]
fn flow_report_carries_the_newer_figures_in_every_format() {
    let team = Team::demo();
    let doc = flow_json(&team);
    for key in [
        "by_destination",
        "lead_times",
        "by_referrer",
        "re_referrals",
        "by_provider",
        "turning_18",
        "trajectories_by_care_type",
    ] {
        assert!(doc.get(key).is_some(), "{key} missing");
    }
    let referrals: i64 = doc["by_referrer"]
        .as_object()
        .unwrap()
        .values()
        .map(|r| r["referrals"].as_i64().unwrap())
        .sum();
    assert_eq!(referrals, doc["referrals"].as_i64().unwrap());
    let destinations: i64 = doc["by_destination"]
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_i64().unwrap())
        .sum();
    assert_eq!(destinations, doc["outflow"].as_i64().unwrap());
    assert_eq!(
        doc["lead_times"]["referral_to_care"]["count"], doc["inflow"],
        "every start of care in the period is a referral-to-care lead time"
    );
    let csv = team.nl_ok(&[
        "report", "flow", "--from", FROM, "--to", TO, "--format", "csv",
    ]);
    let header = csv.lines().next().unwrap();
    for col in [
        "by_destination.wmo",
        "lead_times.referral_to_intake.median",
        "lead_times.decision_to_care.urgent.p90",
        "by_referrer.gp.ambulant",
        "re_referrals",
        "turning_18.ended_with_follow_up",
        "trajectories_by_care_type.foster_care.mean_length_days",
    ] {
        assert!(header.split(';').any(|c| c == col), "{col} not in {header}");
    }
    let md = team.nl_ok(&[
        "report", "flow", "--from", FROM, "--to", TO, "--format", "md",
    ]);
    for title in [
        "## Doorlooptijden per stap (dagen)",
        "## 18 jaar en vervolg",
        "## Uitstroom per vervolg",
        "## Per zorgaanbieder",
    ] {
        assert!(md.contains(title), "{title}");
    }
    let xlsx = team.path("flow.xlsx");
    team.nl_ok(&[
        "report",
        "flow",
        "--from",
        FROM,
        "--to",
        TO,
        "--format",
        "xlsx",
        "-o",
        xlsx.to_str().unwrap(),
    ]);
    assert!(std::fs::metadata(&xlsx).unwrap().len() > 5_000);
}

#[test]
fn the_forecast_is_repeatable_and_has_the_spec_shape() {
    let team = Team::demo();
    let args = [
        "forecast", "--runs", "500", "--seed", "7", "--format", "json",
    ];
    let strip = |mut v: Value| {
        v.as_object_mut().unwrap().remove("generated_at");
        v
    };
    let doc = strip(team.nl_json(&args));
    assert_eq!(doc, strip(team.nl_json(&args)), "same seed, same forecast");
    assert_eq!(
        (doc["runs"].as_i64(), doc["seed"].as_i64()),
        (Some(500), Some(7))
    );
    let queues = doc["queues"].as_array().unwrap();
    assert_eq!(queues.len(), 3);
    let keys: Vec<&str> = queues[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "queue",
            "waiting",
            "history_days",
            "cleared_p50_on",
            "cleared_p85_on",
            "note"
        ]
    );
    let rows = doc["rows"].as_array().unwrap();
    assert!(!rows.is_empty());
    let keys: Vec<&str> = rows[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, common::spec::FORECAST);
    assert_eq!(rows[0]["position"], 1);
    // One queue alone equals that queue in the forecast of all three.
    let care = strip(team.nl_json(&[
        "forecast", "--runs", "500", "--seed", "7", "--format", "json", "--queue", "care",
    ]));
    let care_rows: Vec<&Value> = rows.iter().filter(|r| r["queue"] == "care").collect();
    assert_eq!(
        care["rows"].as_array().unwrap().iter().collect::<Vec<_>>(),
        care_rows
    );
    let md = team.nl_ok(&["forecast", "--runs", "200", "--format", "md"]);
    assert!(md.contains("Verwacht aan de beurt"), "{md}");
    assert!(
        md.contains("Nieuwe aanmeldingen zijn niet meegerekend"),
        "{md}"
    );
    let csv = team.nl_ok(&["forecast", "--runs", "200"]);
    assert!(csv.starts_with("\u{feff}case_ref;queue;urgency;waiting_since"));
    team.stroom_nl()
        .args(["forecast", "--queue", "nope"])
        .assert()
        .code(1);
    team.stroom_nl()
        .args(["forecast", "--runs", "0"])
        .assert()
        .code(2);
}

/// The figures of the council report are those of `report flow` for the
/// same dates.
#[test]
fn the_council_report_agrees_with_the_flow_report() {
    let team = Team::demo();
    let flow = flow_json(&team);
    let md = team.nl_ok(&[
        "report", "council", "--from", FROM, "--to", TO, "--format", "md",
    ]);
    assert!(
        md.starts_with("# Het beeld van de jeugdhulp, 01-11-2025 t/m 31-10-2026\n"),
        "{md}"
    );
    let line = |label: &str| {
        md.lines()
            .find_map(|l| l.strip_prefix(&format!("- {label}: ")))
            .unwrap_or_else(|| panic!("{label} in {md}"))
            .to_string()
    };
    assert_eq!(line("Aanmeldingen"), flow["referrals"].to_string());
    assert_eq!(line("Herhaald beroep"), flow["re_referrals"].to_string());
    let t18 = md
        .lines()
        .find(|l| l.starts_with("| 18 geworden in zorg |"))
        .unwrap();
    assert_eq!(
        t18,
        format!("| 18 geworden in zorg | {} |", flow["turning_18"]["count"])
    );
    let gp = md.lines().find(|l| l.starts_with("| Huisarts")).unwrap();
    let g = &flow["by_referrer"]["gp"];
    let want: Vec<String> = [
        "referrals",
        "community",
        "team",
        "ambulant",
        "residential",
        "closed_before_decision",
    ]
    .iter()
    .map(|k| g[k].to_string())
    .collect();
    assert!(
        gp.ends_with(&format!("| {} |", want.join(" | "))),
        "{gp} vs {want:?}"
    );
    // Dutch dates and decimal commas; no ISO date shown to people.
    assert!(!md.contains("2026-10-31"), "ISO date in the Dutch report");
    // Built again: the same figures (only the moment of making differs).
    let again = team.nl_ok(&[
        "report", "council", "--from", FROM, "--to", TO, "--format", "md",
    ]);
    let body = |s: &str| {
        s.lines()
            .filter(|l| !l.starts_with("Gemaakt met"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(body(&md), body(&again));
    team.stroom_nl()
        .args(["report", "council", "--from", TO, "--to", FROM])
        .assert()
        .code(1);
    team.stroom_nl()
        .args([
            "report", "council", "--from", FROM, "--to", TO, "--format", "pdf",
        ])
        .assert()
        .code(1);
}

/// The rows of the Markdown table titled `title` (`### title`), each as its
/// cells.
fn md_table(md: &str, title: &str) -> Vec<Vec<String>> {
    let start = md
        .find(&format!("### {title}\n"))
        .unwrap_or_else(|| panic!("table {title}"));
    md[start..]
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .map(|l| {
            l.trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect()
}

/// `YYYY-MM-DD` → `DD-MM-YYYY`.
fn dutch(iso: &str) -> String {
    let p: Vec<&str> = iso.split('-').collect();
    format!("{}-{}-{}", p[2], p[1], p[0])
}

/// Every figure of the council report agrees with the exports of the same
/// dates: the waiting lists at each month end with `export waitlist
/// --as-of`, the share red per provider at each six-weekly date with
/// `export stoplight --as-of`, the forecast with `stroom forecast --as-of`,
/// and the open evaluation moments with `export evaluations`.
#[test]
fn every_council_figure_agrees_with_the_exports_of_its_date() {
    let team = Team::demo();
    let md = team.nl_ok(&[
        "report", "council", "--from", FROM, "--to", TO, "--format", "md",
    ]);
    let count = |rows: &[Value], f: &dyn Fn(&Value) -> bool| rows.iter().filter(|r| f(r)).count();
    // Waiting lists at each month end.
    let waiting = md_table(&md, "Wachtlijsten per maandeinde");
    assert_eq!(waiting.len(), 12);
    let mut seen = 0;
    for row in &waiting {
        let p: Vec<&str> = row[0].split('-').collect();
        let iso = format!("{}-{}-{}", p[2], p[1], p[0]);
        let doc = team.nl_json(&["export", "waitlist", "--as-of", &iso, "--format", "json"]);
        let rows = doc["rows"].as_array().unwrap();
        let q = |queue: &str, f: &dyn Fn(&Value) -> bool| {
            count(rows, &|r| r["queue"] == queue && f(r)).to_string()
        };
        let red = |r: &Value| r["signal"] == "red";
        let want = [
            q("intake", &|_| true),
            q("intake", &red),
            q("decision", &|_| true),
            q("decision", &red),
            q("care", &|_| true),
            q("care", &|r| r["bridging_care"] == false),
            q("care", &red),
            q("care", &|r| red(r) && r["bridging_care"] == true),
        ];
        assert_eq!(row[1..], want, "{iso}");
        seen += rows.len();
    }
    assert!(seen > 0);
    // Share red per provider at each six-weekly date.
    let board = md_table(&md, "Aandeel rood per zorgaanbieder");
    let header_start = md.find("### Aandeel rood per zorgaanbieder").unwrap();
    let header: Vec<String> = md[header_start..]
        .lines()
        .find(|l| l.starts_with('|'))
        .unwrap()
        .trim_matches('|')
        .split(" | ")
        .map(|c| c.trim().to_string())
        .collect();
    assert!(header.len() >= 9, "{header:?}");
    let mut cells = 0;
    for (i, date) in header.iter().enumerate().skip(1) {
        let p: Vec<&str> = date.split('-').collect();
        let iso = format!("{}-{}-{}", p[2], p[1], p[0]);
        let doc = team.nl_json(&["export", "stoplight", "--as-of", &iso, "--format", "json"]);
        let rows = doc["rows"].as_array().unwrap();
        for row in &board {
            let of = |r: &Value| r["provider"].as_str().unwrap_or("(geen zorgaanbieder)") == row[0];
            let total = count(rows, &|r| of(r));
            let red = count(rows, &|r| of(r) && r["color"] == "red");
            if total == 0 {
                assert_eq!(row[i], "–", "{iso} {}", row[0]);
            } else {
                assert!(
                    row[i].ends_with(&format!("({red} van {total})")),
                    "{iso} {}: {} vs {red} of {total}",
                    row[0],
                    row[i]
                );
                cells += 1;
            }
        }
    }
    assert!(cells > 10, "{cells}");
    // The forecast as of the period's end.
    let fc = team.nl_json(&["forecast", "--as-of", TO, "--format", "json"]);
    let forecast = md_table(&md, "Verwachting per wachtlijst");
    for (q, row) in fc["queues"].as_array().unwrap().iter().zip(&forecast) {
        assert_eq!(row[1], q["waiting"].to_string());
        if let Some(p50) = q["cleared_p50_on"].as_str() {
            assert!(row[2].starts_with(&dutch(p50)), "{row:?} vs {q}");
        }
    }
    // The evaluation moments: every moment on the evaluation list at the
    // period's end that fell due in the period is counted as not (yet)
    // held.
    let evals = team.nl_json(&["export", "evaluations", "--as-of", TO, "--format", "json"]);
    let due_in_period = count(evals["rows"].as_array().unwrap(), &|r| {
        let due = r["due_on"].as_str().unwrap();
        (FROM..=TO).contains(&due)
    });
    let moments = md_table(&md, "Evaluatiemomenten per maand");
    let total = moments.last().unwrap();
    assert_eq!(total[0], "Totaal");
    let not_held: usize = total[4].parse::<usize>().unwrap() + total[5].parse::<usize>().unwrap();
    assert!(not_held >= due_in_period, "{total:?} vs {due_in_period}");
    let due: usize = total[1].parse().unwrap();
    let parts: usize = (2..=5).map(|i| total[i].parse::<usize>().unwrap()).sum();
    assert_eq!(due, parts);
    assert!(due > 0);
}

fn council_html(team: &Team, lang: Option<&str>) -> PathBuf {
    let path = team.path(&format!("raad-{}.html", lang.unwrap_or("nl")));
    let mut args = vec![
        "report",
        "council",
        "--from",
        FROM,
        "--to",
        TO,
        "-o",
        path.to_str().unwrap(),
    ];
    if let Some(l) = lang {
        args.extend(["--lang", l]);
    }
    team.nl_ok(&args);
    path
}

#[test]
fn the_council_html_is_one_self_contained_file() {
    let team = Team::demo();
    let html = std::fs::read_to_string(council_html(&team, None)).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"nl\">"));
    assert!(
        html.contains("content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\"")
    );
    assert!(!html.contains("<script") && !html.contains("src=") && !html.contains("@import"));
    let no_ns = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    assert!(
        !no_ns.contains("http://") && !no_ns.contains("https://") && !no_ns.contains("url(http")
    );
    // Nine charts, each followed by its table.
    assert_eq!(html.matches("<svg ").count(), 9);
    for chunk in html.split("<svg ").skip(1) {
        let end = chunk.find("</svg>").unwrap();
        assert!(
            chunk[end..]
                .trim_start_matches("</svg>\n")
                .starts_with("<table>")
        );
    }
    assert!(html.contains("@page { size: A4"));
    assert!(html.contains("break-inside: avoid"));
    let en = std::fs::read_to_string(council_html(&team, Some("en"))).unwrap();
    assert!(
        en.contains("<html lang=\"en\">")
            && en.contains("The picture of youth care, 01-11-2025 to 31-10-2026")
    );
    // The evaluation moments on time (SPEC 10): a chart with its table, in
    // both languages.
    for (doc, caption, table) in [
        (
            &html,
            "Evaluatiemomenten per maand van de vervaldatum",
            "Op tijd gehouden",
        ),
        (
            &en,
            "Evaluation moments per month of the due date",
            "Held on time",
        ),
    ] {
        let at = doc.find(caption).unwrap_or_else(|| panic!("{caption}"));
        let rest = &doc[at..];
        let svg_end = rest.find("</svg>").unwrap();
        assert!(rest[svg_end..].contains(table));
    }
}

/// The browser, when there is one (`.ci/run` installs Debian's chromium).
fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .map(|name| Path::new("/usr/bin").join(name))
        .find(|p| p.exists())
}

fn headless(browser: &Path, profile: &Path, args: &[&str]) -> std::process::Output {
    Process::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            "--disable-dev-shm-usage",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .expect("chromium runs")
}

#[test]
fn the_council_html_opens_and_prints_in_a_real_browser() {
    let Some(browser) = chromium() else {
        eprintln!(
            "SKIPPED: no chromium in /usr/bin; `.ci/run` installs it (apt-get install chromium)"
        );
        return;
    };
    let team = Team::demo();
    let html = council_html(&team, None);
    let url = format!("file://{}", html.display());
    let profile = team.path("profile");
    let dom = headless(&browser, &profile, &["--dump-dom", &url]);
    let stderr = String::from_utf8_lossy(&dom.stderr);
    let dom_text = String::from_utf8_lossy(&dom.stdout);
    assert!(dom.status.success(), "{stderr}");
    assert!(
        dom_text.contains("Het beeld van de jeugdhulp"),
        "{dom_text}"
    );
    assert_eq!(dom_text.matches("<svg").count(), 9);
    assert!(
        dom_text.contains("Evaluatiemomenten per maand"),
        "{dom_text}"
    );
    // No console message (errors, refused requests) from the page.
    for line in stderr.lines() {
        assert!(
            !line.contains("CONSOLE") && !line.contains("Refused to"),
            "browser said: {line}"
        );
    }
    // A 1280-px screenshot that is not blank: much bigger than the
    // screenshot of an empty page of the same size.
    let shot = team.path("raad.png");
    let blank_html = team.path("blank.html");
    std::fs::write(&blank_html, "<!DOCTYPE html><html><body></body></html>").unwrap();
    let blank = team.path("blank.png");
    for (out, page) in [(&shot, &html), (&blank, &blank_html)] {
        let r = headless(
            &browser,
            &profile,
            &[
                "--window-size=1280,2000",
                "--hide-scrollbars",
                &format!("--screenshot={}", out.display()),
                &format!("file://{}", page.display()),
            ],
        );
        assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    }
    let (shot_len, blank_len) = (file_len(&shot), file_len(&blank));
    assert!(
        shot_len > 10 * blank_len,
        "screenshot {shot_len} bytes, blank {blank_len}"
    );
    if let Ok(keep) = std::env::var("STROOM_KEEP_SCREENSHOT") {
        std::fs::copy(&shot, keep).unwrap();
    }
    // Printed: every page A4 (595 × 842 points).
    let pdf = team.path("raad.pdf");
    let r = headless(
        &browser,
        &profile,
        &[
            "--no-pdf-header-footer",
            &format!("--print-to-pdf={}", pdf.display()),
            &url,
        ],
    );
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let bytes = std::fs::read(&pdf).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let pages = text.matches("/Type /Page\n").count()
        + text.matches("/Type /Page/").count()
        + text.matches("/Type /Page ").count()
        + text.matches("/Type/Page/").count()
        + text.matches("/Type/Page\n").count();
    let boxes: Vec<&str> = text
        .match_indices("/MediaBox [")
        .map(|(i, _)| &text[i..i + 40])
        .collect();
    assert!(!boxes.is_empty(), "no page boxes in the PDF");
    for b in &boxes {
        assert!(
            b.starts_with("/MediaBox [0 0 594.") || b.starts_with("/MediaBox [0 0 595"),
            "{b}"
        );
        assert!(b.contains(" 841.") || b.contains(" 842"), "{b}");
    }
    assert!(pages >= 3 || boxes.len() >= 3, "{pages} pages");
}

fn file_len(p: &Path) -> u64 {
    std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)
}
