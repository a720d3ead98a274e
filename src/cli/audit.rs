//! The privacy side of the command line: `stroom show` (a case and its
//! version, for scripts using `--if-version`), `stroom audit` (the access
//! log), `stroom purge` (retention) and the logging of exports with names.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use serde_json::Value;

use crate::context::Context;
use crate::domain::Msg;
use crate::domain::dates::parse_date;
use crate::export::safe_text;
use crate::present::is_yes;
use crate::store::{AccessAction, AccessFilter};

/// `stroom show REF [--with-names]`: the case's state as JSON. Without
/// names it carries the age instead, as the exports do.
pub fn show(ctx: &Context, case_ref: &str, with_names: bool) -> Result<(), Msg> {
    let mut store = ctx.open_store()?;
    let case = store.case(case_ref)?;
    if with_names {
        store.log_access(
            AccessAction::ViewCase,
            Some(case_ref),
            Some("stroom show --with-names"),
            &ctx.actor,
        )?;
    }
    let mut json = serde_json::to_value(&case).expect("a case serialises");
    if let Value::Object(map) = &mut json {
        map.remove("id");
        map.insert("age".into(), case.age_on(ctx.today).into());
        if !with_names {
            map.remove("name");
            map.remove("birth_date");
        }
    }
    crate::say!("{}", serde_json::to_string_pretty(&json).expect("json"))?;
    Ok(())
}

/// `stroom audit [--case REF] [--since D] [--format text|json]`.
pub fn audit(
    ctx: &Context,
    case_ref: Option<String>,
    since: Option<&str>,
    format: &str,
) -> Result<(), Msg> {
    let filter = AccessFilter {
        case_ref,
        since: since.map(parse_date).transpose()?,
    };
    let json = match format {
        "json" => true,
        "text" => false,
        other => {
            return Err(Msg::new("error.unknown_code")
                .arg("kind", "format")
                .arg("value", other)
                .arg("allowed", "text, json"));
        }
    };
    let rows = ctx.open_store()?.access_log(&filter)?;
    if json {
        let doc = serde_json::json!({ "rows": rows });
        crate::say!("{}", serde_json::to_string_pretty(&doc).expect("json"))?;
        return Ok(());
    }
    let cat = ctx.catalog();
    if rows.is_empty() {
        crate::say!("{}", cat.t("reliability.audit_empty"))?;
        return Ok(());
    }
    crate::say!("{}", cat.t("reliability.audit_header"))?;
    for r in rows {
        // Actor and detail are typed by people: shown harmlessly.
        crate::say!(
            "{}\t{}\t{}\t{}\t{}",
            r.at,
            safe_text(&r.actor),
            cat.t(&format!("reliability.action_{}", r.action)),
            r.case_ref.as_deref().unwrap_or("-"),
            safe_text(r.detail.as_deref().unwrap_or("")),
        )?;
    }
    Ok(())
}

/// `stroom purge --closed-before D [--dry-run] [--yes]`.
pub fn purge(
    ctx: &Context,
    date: chrono::NaiveDate,
    dry_run: bool,
    yes: bool,
) -> Result<ExitCode, Msg> {
    let cat = ctx.catalog();
    crate::domain::lifecycle::check_not_future(date, ctx.today)?;
    let mut store = ctx.open_store()?;
    let count = store.purge_candidates(date)?.len();
    let args = [("count", count.to_string()), ("date", date.to_string())];
    if count == 0 {
        crate::say!("{}", cat.fill("reliability.purge_none", &args))?;
        return Ok(ExitCode::SUCCESS);
    }
    if dry_run {
        crate::say!("{}", cat.fill("reliability.purge_dry_run", &args))?;
        return Ok(ExitCode::SUCCESS);
    }
    if !yes {
        let stdin = std::io::stdin();
        if !stdin.is_terminal() {
            return Err(Msg::new("reliability.purge_needs_yes").arg("count", count));
        }
        eprint!("{}", cat.fill("reliability.purge_confirm", &args));
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        stdin
            .lock()
            .read_line(&mut answer)
            .map_err(|e| Msg::new("error.io").arg("path", "stdin").arg("reason", e))?;
        if !is_yes(&answer) {
            crate::say!("{}", cat.t("reliability.purge_cancelled"))?;
            return Ok(ExitCode::from(1));
        }
    }
    let detail = format!("closed before {date}");
    let purged = store.purge_personal_data(date, ctx.today, &ctx.actor, &detail)?;
    crate::say!(
        "{}",
        cat.fill(
            "reliability.purge_done",
            &[
                ("count", purged.refs.len().to_string()),
                ("date", date.to_string())
            ]
        )
    )?;
    if !purged.finished {
        crate::say!("{}", cat.t("reliability.purge_pending"))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The access log's detail of an export with names: what, to where, and
/// why. The reason is required (asked for when a person is at the
/// keyboard): names never leave without one, on a terminal or not.
pub fn named_export_detail(
    ctx: &Context,
    what: &str,
    format: &str,
    output: Option<&Path>,
    reason: Option<String>,
) -> Result<String, Msg> {
    let reason = reason
        .or_else(|| ask_reason(ctx))
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty())
        .ok_or_else(|| Msg::new("reliability.reason_needed"))?;
    let target = output.map_or_else(|| "stdout".to_string(), |p| p.display().to_string());
    Ok(format!(
        "export {what} ({format}) to {target}; reason: {reason}"
    ))
}

fn ask_reason(ctx: &Context) -> Option<String> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return None;
    }
    eprint!("{}", ctx.catalog().t("reliability.export_reason"));
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    stdin.lock().read_line(&mut line).ok()?;
    Some(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_full_yes_confirms_a_purge() {
        for ok in ["ja\n", "yes", " JA ", "Yes\r\n"] {
            assert!(is_yes(ok), "{ok:?}");
        }
        for no in ["", "j", "y", "nee", "no", "jaa", "yes please"] {
            assert!(!is_yes(no), "{no:?}");
        }
    }
}
