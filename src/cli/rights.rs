//! The AVG's rights and the trust in the history on the command line:
//! `stroom erase` (art. 17), `stroom export subject` (art. 15), the
//! retention policy (`purge --policy`), `audit --verify` (the hash chains),
//! `audit --exports`, and the warning when a note names its own child.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use chrono::NaiveDate;
use serde_json::{Map, Value};

use crate::context::Context;
use crate::domain::Msg;
use crate::domain::dates::parse_date;
use crate::export::{safe_text, write_output};
use crate::present::i18n::Catalog;
use crate::store::{AccessAction, AccessFilter, SubjectData};

/// `stroom erase REF --reason TEXT [--yes]`.
pub fn erase(ctx: &Context, case_ref: &str, reason: &str, yes: bool) -> Result<ExitCode, Msg> {
    let cat = ctx.catalog();
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Msg::new("erase.reason_required"));
    }
    let mut store = ctx.open_store()?;
    store.case(case_ref)?;
    if !yes {
        let stdin = std::io::stdin();
        if !stdin.is_terminal() {
            return Err(Msg::new("erase.needs_yes").arg("case", case_ref));
        }
        eprint!(
            "{}",
            cat.fill("erase.confirm", &[("case", case_ref.to_string())])
        );
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        stdin
            .lock()
            .read_line(&mut answer)
            .map_err(|e| Msg::new("error.io").arg("path", "stdin").arg("reason", e))?;
        if !crate::present::is_yes(&answer) {
            println!("{}", cat.t("reliability.purge_cancelled"));
            return Ok(ExitCode::from(1));
        }
    }
    let erased = store.erase_case(case_ref, reason, &ctx.actor)?;
    println!(
        "{}",
        cat.fill(
            "erase.done",
            &[
                ("case", case_ref.to_string()),
                ("notes", erased.notes.to_string()),
                ("decisions", erased.decisions.to_string()),
            ]
        )
    );
    Ok(ExitCode::SUCCESS)
}

/// `stroom export subject REF [--format md|json] [-o FILE]`: logged before
/// it is written, like every export with names.
pub fn export_subject(
    ctx: &Context,
    case_ref: &str,
    format: &str,
    output: Option<&Path>,
) -> Result<(), Msg> {
    let json = match format {
        "json" => true,
        "md" => false,
        other => {
            return Err(Msg::new("error.unknown_code")
                .arg("kind", "format")
                .arg("value", other)
                .arg("allowed", "md, json"));
        }
    };
    let mut store = ctx.open_store()?;
    let data = store.subject_data(case_ref)?;
    let target = output.map_or_else(|| "stdout".to_string(), |p| p.display().to_string());
    let detail = format!("export subject ({format}) to {target}");
    store.log_access(
        AccessAction::ExportSubject,
        Some(case_ref),
        Some(&detail),
        &ctx.actor,
    )?;
    let bytes = if json {
        let mut b = serde_json::to_vec_pretty(&data).expect("json");
        b.push(b'\n');
        b
    } else {
        subject_markdown(ctx, case_ref, &data).into_bytes()
    };
    write_output(&bytes, output)?;
    Ok(())
}

fn subject_markdown(ctx: &Context, case_ref: &str, data: &SubjectData) -> String {
    let cat = ctx.catalog();
    let mut md = format!(
        "# {}\n\n{}\n",
        cat.fill("subject.title", &[("case", case_ref.to_string())]),
        cat.fill(
            "subject.intro",
            &[("date", ctx.today.format(cat.t("format.date")).to_string())]
        )
    );
    md.push_str(&format!("\n## {}\n\n", cat.t("subject.case")));
    for (k, v) in &data.case {
        md.push_str(&format!("- {}: {}\n", heading(cat, k), readable(cat, k, v)));
    }
    let sections = [
        ("subject.history", &data.history),
        ("subject.reviews", &data.reviews),
        ("subject.decisions", &data.decisions),
        ("subject.access_log", &data.access_log),
    ];
    for (title, rows) in sections {
        md.push_str(&format!("\n## {}\n\n", cat.t(title)));
        table(cat, &mut md, rows);
    }
    md
}

fn table(cat: &Catalog, md: &mut String, rows: &[Map<String, Value>]) {
    let Some(first) = rows.first() else {
        md.push_str(cat.t("subject.none"));
        md.push('\n');
        return;
    };
    let keys: Vec<&String> = first.keys().filter(|k| *k != "hash").collect();
    md.push_str(&format!(
        "| {} |\n",
        keys.iter()
            .map(|k| heading(cat, k))
            .collect::<Vec<_>>()
            .join(" | ")
    ));
    md.push_str(&format!("|{}\n", "---|".repeat(keys.len())));
    for row in rows {
        let cells: Vec<String> = keys
            .iter()
            .map(|k| readable(cat, k, row.get(*k).unwrap_or(&Value::Null)).replace('|', "\\|"))
            .collect();
        md.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
}

/// A column's name as people read it (the Markdown is for the parent or
/// the child who asked; the JSON keeps the stored names).
fn heading(cat: &Catalog, col: &str) -> String {
    ["field", "column", "subject.column"]
        .iter()
        .map(|section| format!("{section}.{col}"))
        .find(|key| cat.t(key) != key)
        .map_or_else(|| col.to_string(), |key| cat.t(&key).to_string())
}

/// A stored value as people read it: a code by its label, a date as the
/// language writes dates, a yes/no field as yes or no, a UTC time with its
/// date so written.
fn readable(cat: &Catalog, col: &str, v: &Value) -> String {
    let text = match v {
        Value::Null => return "-".into(),
        Value::Number(n) if matches!(col, "bridging_care" | "escalated") => {
            let yes = n.as_i64().is_some_and(|n| n != 0);
            return cat.t(if yes { "report.yes" } else { "report.no" }).into();
        }
        Value::String(s) => s.as_str(),
        other => return other.to_string(),
    };
    let label_key = match col {
        "action" => format!("reliability.action_{text}"),
        "kind" => format!("subject.kind.{text}"),
        "intended_outflow" => format!("destination.{text}"),
        "field" => format!("field.{text}"),
        _ => format!("{col}.{text}"),
    };
    let shown = if cat.t(&label_key) != label_key {
        cat.t(&label_key).to_string()
    } else if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        day.format(cat.t("format.date")).to_string()
    } else if let Ok(at) = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%SZ") {
        format!(
            "{} UTC",
            at.format(&format!("{} %H:%M", cat.t("format.date")))
        )
    } else {
        text.to_string()
    };
    safe_text(&shown).replace('\n', " ")
}

/// The date before which `purge --policy` removes names: today less the
/// configured years. None (and a sentence) when the policy is off.
pub fn policy_date(ctx: &Context) -> Result<Option<NaiveDate>, Msg> {
    let years = ctx.config.retention.closed_years;
    if years == 0 {
        println!("{}", ctx.catalog().t("retention.off"));
        return Ok(None);
    }
    Ok(crate::domain::access::retention_cutoff(ctx.today, years))
}

/// `stroom audit --verify`: the chains walked, their heads, the first
/// broken row; exit 1 when one is broken or a protecting trigger is gone.
pub fn verify(ctx: &Context) -> Result<ExitCode, Msg> {
    let cat = ctx.catalog();
    let store = ctx.open_store()?;
    let mut broken = false;
    for chain in store.verify_chains()? {
        let args = [
            ("table", chain.table.to_string()),
            ("rows", chain.rows.to_string()),
            ("head", chain.head.clone()),
        ];
        match chain.first_break {
            None => println!("{}", cat.fill("chain.whole", &args)),
            Some(row) => {
                broken = true;
                let msg = Msg::new("chain.broken")
                    .arg("table", chain.table)
                    .arg("row", row);
                println!("{}", cat.render(&msg));
            }
        }
    }
    for trigger in store.missing_protecting_triggers()? {
        broken = true;
        let msg = Msg::new("check.trigger_missing").arg("name", trigger);
        println!("{}", cat.render(&msg));
    }
    Ok(if broken {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The access-log actions that took personal data out of stroom.
const EXPORT_ACTIONS: [&str; 4] = [
    "export_with_names",
    "export_subject",
    "backup",
    "export_failed",
];

/// `stroom audit --exports`: every export with names: when, who, what and
/// where to, why.
pub fn exports(ctx: &Context, since: Option<&str>, format: &str) -> Result<(), Msg> {
    let filter = AccessFilter {
        case_ref: None,
        since: since.map(parse_date).transpose()?,
    };
    let rows: Vec<_> = ctx
        .open_store()?
        .access_log(&filter)?
        .into_iter()
        .filter(|r| EXPORT_ACTIONS.contains(&r.action.as_str()))
        .collect();
    if format == "json" {
        let doc = serde_json::json!({ "rows": rows });
        println!("{}", serde_json::to_string_pretty(&doc).expect("json"));
        return Ok(());
    }
    let cat = ctx.catalog();
    if rows.is_empty() {
        println!("{}", cat.t("reliability.audit_empty"));
        return Ok(());
    }
    println!("{}", cat.t("audit.exports_header"));
    for r in rows {
        let detail = r.detail.as_deref().unwrap_or("");
        let (what, why) = detail.split_once("; reason: ").unwrap_or((detail, "-"));
        println!(
            "{}\t{}\t{}\t{}\t{}",
            r.at,
            safe_text(&r.actor),
            r.case_ref.as_deref().unwrap_or("-"),
            safe_text(what),
            safe_text(why),
        );
    }
    Ok(())
}

/// Warns (on stderr; the text is still recorded) when a note or decision
/// names the child of its own case: free text should not hold names.
pub fn warn_own_name(ctx: &Context, case_ref: &str, text: &str) -> Result<(), Msg> {
    let case = ctx.open_store()?.case(case_ref)?;
    if let Some(name) = case.name.as_deref() {
        if crate::domain::access::names_child(text, name) {
            eprintln!(
                "stroom: {}",
                ctx.catalog()
                    .fill("names.warning", &[("case", case_ref.to_string())])
            );
        }
    }
    Ok(())
}
