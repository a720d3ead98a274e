//! The command line of SPEC 6, one file per command group: this file parses
//! (clap; usage errors exit 2) and runs the case commands, the others hold
//! the export and report commands (`export`), the audit log and purge
//! (`audit`), the municipality's picture and forecast (`picture`), the
//! rights of the people in the files (`rights`) and the team database
//! (`team`). Every value a person types is checked by the domain and refused
//! with one sentence (exit 1). A new command goes here.

pub(crate) mod audit;
pub(crate) mod export;
pub mod picture;
pub(crate) mod rights;
pub(crate) mod team;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::context::{Context, Overrides};
use crate::domain::access::Need;
use crate::domain::dates::parse_date;
use crate::domain::{Assignment, Move, Msg, ReviewInput, Status};
use crate::present::i18n::Catalog;
use crate::store::{AccessAction, NewReferral};
use export::{ExportCommand, ReportCommand};
use team::TeamCommand;

#[derive(Parser, Debug)]
#[command(
    name = "stroom",
    version,
    about = "Case-flow tracker for Dutch local social teams"
)]
pub struct Cli {
    /// Database file (default: stroom.db in your data folder).
    #[arg(long, global = true, env = "STROOM_DB")]
    pub db: Option<PathBuf>,
    /// Language of the screen and of Markdown reports: nl or en.
    #[arg(long, global = true, env = "STROOM_LANG")]
    pub lang: Option<String>,
    /// Take this date as today (YYYY-MM-DD), for tests and demos.
    #[arg(long, global = true, env = "STROOM_TODAY")]
    pub today: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Fill the database with a realistic demo team.
    Demo {
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Replace the cases already in the database (after a backup next to it).
        #[arg(long)]
        force: bool,
        /// With --force: do not ask before replacing cases people worked on
        /// (for scripts; without a terminal it is required).
        #[arg(long, requires = "force")]
        yes: bool,
        /// Number of cases in total, for scale tests (default: three years
        /// of about 600 referrals).
        #[arg(long, value_parser = clap::value_parser!(u32).range(
            crate::demo::MIN_CASES as i64..=crate::demo::MAX_CASES as i64))]
        cases: Option<u32>,
    },
    /// Import cases from a CSV file (all rows or none).
    Import {
        /// CSV file: a header row naming the columns, `,` or `;` separated,
        /// UTF-8, dates YYYY-MM-DD or DD-MM-YYYY.
        file: PathBuf,
        /// Check the file and report what would be imported; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Register a new referral; prints its reference.
    Add {
        /// Date of the referral (YYYY-MM-DD or DD-MM-YYYY).
        #[arg(long)]
        referred_on: String,
        /// Who referred: self, gp, jgz, school, gi, veilig_thuis, police,
        /// provider or other (SPEC 1.1).
        #[arg(long)]
        referrer: String,
        /// regular or urgent.
        #[arg(long, default_value = "regular")]
        urgency: String,
        /// The case reference (default: the next free YYYY-NNNN).
        #[arg(long = "ref")]
        case_ref: Option<String>,
        /// The young person's name (never in exports unless asked).
        #[arg(long)]
        name: Option<String>,
        /// Birth date (YYYY-MM-DD or DD-MM-YYYY).
        #[arg(long)]
        birth_date: Option<String>,
        /// The coordinator (regisseur) of the case.
        #[arg(long)]
        worker: Option<String>,
    },
    /// Move a case to another stage.
    Move {
        /// The case reference, e.g. 2026-0042.
        case_ref: String,
        /// The stage to move to: referred, intake, triage, waiting, in_care,
        /// evaluation or closed (SPEC 1.2).
        stage: String,
        /// Date of the step (default: today).
        #[arg(long)]
        on: Option<String>,
        /// The route chosen in triage: community, team, ambulant or
        /// residential (SPEC 1.3).
        #[arg(long)]
        route: Option<String>,
        /// The care type (SPEC 1.4): team, ambulant_provider, ambulant_home,
        /// day_care, foster_care, family_home, residential or secure.
        #[arg(long)]
        care_type: Option<String>,
        /// The care provider.
        #[arg(long)]
        provider: Option<String>,
        /// Planned end of the care (YYYY-MM-DD).
        #[arg(long)]
        planned_end: Option<String>,
        /// Outflow reason, when closing (SPEC 1.5), e.g. goals_met,
        /// ended_jointly, to_community, withdrawn.
        #[arg(long)]
        reason: Option<String>,
        /// Where the young person goes next, when closing (SPEC 1.6): none,
        /// community, team, wmo, wlz, adult_mental_health,
        /// youth_care_elsewhere or unknown; default: from the reason.
        #[arg(long)]
        destination: Option<String>,
        /// Extension report: were the goals reached? met, partly or not_met.
        #[arg(long)]
        goals: Option<String>,
        /// Extension report: the intended destination (as --destination).
        #[arg(long)]
        intended_outflow: Option<String>,
        /// Extension report: what is still needed.
        #[arg(long)]
        note: Option<String>,
        /// Refuse the change (exit 1, nothing written) unless the case is
        /// still at version N: a script or a second coordinator that read the
        /// case earlier gets a clear refusal instead of silently overwriting a
        /// colleague's change. `stroom show REF` prints the version.
        #[arg(long = "if-version", value_name = "N")]
        if_version: Option<i64>,
    },
    /// Record a stoplight review: precondition=status (ok, partial, missing, na).
    Review {
        /// The case reference, e.g. 2026-0042.
        case_ref: String,
        /// precondition=status pairs, e.g. follow_up_care=ok housing=missing.
        statuses: Vec<String>,
        /// Date of the review (default: today).
        #[arg(long)]
        on: Option<String>,
        /// Date of the next review (default: one calendar month later).
        #[arg(long)]
        next: Option<String>,
        /// A note with the review.
        #[arg(long)]
        note: Option<String>,
        /// Refuse the change (exit 1, nothing written) unless the case is
        /// still at version N: a script or a second coordinator that read the
        /// case earlier gets a clear refusal instead of silently overwriting a
        /// colleague's change. `stroom show REF` prints the version.
        #[arg(long = "if-version", value_name = "N")]
        if_version: Option<i64>,
    },
    /// Change fields: name, birth_date, urgency, worker, provider,
    /// planned_end_on, bridging_care, escalated.
    Set {
        /// The case reference, e.g. 2026-0042.
        case_ref: String,
        /// field=value pairs, e.g. worker="Anouk Verbeek" urgency=urgent.
        #[arg(required = true)]
        assignments: Vec<String>,
        /// Date of the change (default: today).
        #[arg(long)]
        on: Option<String>,
        /// Refuse the change (exit 1, nothing written) unless the case is
        /// still at version N: a script or a second coordinator that read the
        /// case earlier gets a clear refusal instead of silently overwriting a
        /// colleague's change. `stroom show REF` prints the version.
        #[arg(long = "if-version", value_name = "N")]
        if_version: Option<i64>,
    },
    /// Record a case-review decision.
    Decide {
        /// The case reference, e.g. 2026-0042.
        case_ref: String,
        /// What the team decided.
        #[arg(long)]
        text: String,
        /// Who carries it out.
        #[arg(long)]
        owner: Option<String>,
        /// The meeting date (default: today).
        #[arg(long)]
        on: Option<String>,
        /// When the team looks at the case again (after the meeting date).
        #[arg(long = "follow-up", value_name = "D")]
        follow_up: Option<String>,
        /// Refuse the change (exit 1, nothing written) unless the case is
        /// still at version N: a script or a second coordinator that read the
        /// case earlier gets a clear refusal instead of silently overwriting a
        /// colleague's change. `stroom show REF` prints the version.
        #[arg(long = "if-version", value_name = "N")]
        if_version: Option<i64>,
    },
    /// Consistent copy of the live database.
    Backup {
        /// Where to write the copy (a new file, or an earlier backup of ours).
        file: PathBuf,
    },
    /// Integrity and consistency check of the database.
    Check,
    /// One case's current state and version, as JSON (no name or birth date
    /// unless --with-names, which the access log records).
    Show {
        /// The case reference, e.g. 2026-0042.
        case_ref: String,
        #[arg(long)]
        with_names: bool,
    },
    /// The access log: who viewed, exported or purged personal data, when.
    Audit {
        /// Only the rows of this case.
        #[arg(long = "case", value_name = "REF")]
        case_ref: Option<String>,
        /// Only rows recorded on or after this (UTC) date.
        #[arg(long)]
        since: Option<String>,
        /// text or json.
        #[arg(long, default_value = "text")]
        format: String,
        /// Only the exports with names (and backups): who, when, why, file.
        #[arg(long)]
        exports: bool,
        /// Walk the hash chains of the history and the access log and name
        /// the first row that was changed, deleted or slipped in.
        #[arg(long, conflicts_with = "exports")]
        verify: bool,
    },
    /// Remove for good the name and birth date of cases closed before a
    /// date; the facts (dates, codes, history) stay, so figures stay right.
    Purge {
        #[arg(long, value_name = "D", required_unless_present = "policy")]
        closed_before: Option<String>,
        /// Apply the retention policy of the config (`[retention]
        /// closed_years`).
        #[arg(long, conflicts_with = "closed_before")]
        policy: bool,
        /// Say how many cases it would touch; change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Do not ask for confirmation (for scripts).
        #[arg(long)]
        yes: bool,
    },
    /// Waitlist and stoplight snapshots, meeting minutes.
    Export {
        #[command(subcommand)]
        what: ExportCommand,
    },
    /// When will each waiting case be seen: a Monte Carlo forecast from
    /// the last 182 days' throughput (SPEC 4.1).
    Forecast {
        #[arg(long)]
        as_of: Option<String>,
        /// intake, decision or care (default: every queue).
        #[arg(long)]
        queue: Option<String>,
        /// Number of simulated runs.
        #[arg(long, default_value_t = crate::domain::forecast::DEFAULT_RUNS,
              value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
        runs: u32,
        /// The same seed gives the same forecast.
        #[arg(long, default_value_t = crate::domain::forecast::DEFAULT_SEED)]
        seed: u64,
        /// csv, json or md.
        #[arg(long, default_value = "csv")]
        format: String,
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
    },
    /// Flow figures over a period; the council report.
    Report {
        #[command(subcommand)]
        what: ReportCommand,
    },
    /// Create the database (encrypted with SQLCipher on request).
    Init {
        /// Encrypt the database; the key comes from STROOM_KEY_FILE, the
        /// config's key_file, or is asked on the terminal.
        #[arg(long)]
        encrypt: bool,
    },
    /// A team database shared by a Unix group, and its roster.
    Team {
        #[command(subcommand)]
        what: crate::cli::team::TeamCommand,
    },
    /// Change the key of an encrypted database (the new one from
    /// STROOM_NEW_KEY_FILE, or asked on the terminal).
    Rekey,
    /// AVG art. 17: remove one case's name, birth date and the free text of
    /// its notes and decisions for good; the facts stay.
    Erase {
        /// The case reference, e.g. 2026-0042.
        case_ref: String,
        /// Why (recorded in the access log).
        #[arg(long)]
        reason: String,
        /// Do not ask for confirmation (for scripts).
        #[arg(long)]
        yes: bool,
    },
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `stroom man > stroom.1`.
    Man,
}

/// Writes the completion script or the man page, both generated from the
/// same clap definitions that parse the command line. Needs no database.
fn print_generated(command: &Command) -> Option<ExitCode> {
    use clap::CommandFactory;
    let mut out = std::io::stdout();
    match command {
        Command::Completions { shell } => {
            clap_complete::generate(*shell, &mut Cli::command(), "stroom", &mut out);
        }
        Command::Man => {
            if let Err(e) = clap_mangen::Man::new(Cli::command()).render(&mut out) {
                eprintln!("stroom: {e}");
                return Some(ExitCode::from(1));
            }
        }
        _ => return None,
    }
    Some(ExitCode::SUCCESS)
}

/// Runs the command line; returns the process exit status.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(code) = cli.command.as_ref().and_then(print_generated) {
        return code;
    }
    let overrides = Overrides {
        db: cli.db.clone(),
        lang: cli.lang.clone(),
        today: cli.today.clone(),
    };
    let mut ctx = match Context::resolve(&overrides) {
        Ok(ctx) => ctx,
        Err(msg) => return fail(Catalog::get(Default::default()), &msg),
    };
    // `check` first looks whether the file holds stroom data at all, before
    // anything (the roster lookup too) opens it for writing.
    if matches!(cli.command, Some(Command::Check)) {
        let holds = ctx
            .open_spec()
            .and_then(|spec| crate::store::check_holds_data(&ctx.db_path, &spec));
        if let Err(msg) = holds {
            return fail(ctx.catalog(), &msg);
        }
    }
    if let Some(need) = need(&cli.command) {
        if let Err(msg) = ctx.authorize(need) {
            return fail(ctx.catalog(), &msg);
        }
    }
    let changes = cli.command.as_ref().is_some_and(Command::changes);
    match run(&ctx, cli.command) {
        Ok(code) => code,
        // A reader that stopped reading (`| head`) got what it wanted.
        Err(msg) if msg.key == "output.closed" => ExitCode::SUCCESS,
        // A script that sees a failure retries: it must know the change
        // itself was made, or it would make it twice.
        Err(msg) if changes && msg.key == "output.stdout_failed" => {
            let reason = msg.get("reason").unwrap_or_default().to_string();
            let saved = Msg::new("output.saved_not_shown").arg("reason", reason);
            fail(ctx.catalog(), &saved)
        }
        Err(msg) if msg.key == "error.unreadable_row" => {
            let named = ctx.open_store().map(|s| s.name_case(msg.clone()));
            fail(ctx.catalog(), &named.unwrap_or(msg))
        }
        Err(msg) => fail(ctx.catalog(), &msg),
    }
}

/// What a command needs of the person running it on a team database; None
/// for the commands that create a database.
pub fn need(command: &Option<Command>) -> Option<Need> {
    let Some(command) = command else {
        return Some(Need::Read);
    };
    Some(match command {
        Command::Init { .. }
        | Command::Completions { .. }
        | Command::Man
        | Command::Team {
            what: TeamCommand::Init { .. },
        } => return None,
        Command::Check
        | Command::Report { .. }
        | Command::Forecast { .. }
        | Command::Team {
            what: TeamCommand::List,
        } => Need::Read,
        Command::Show { with_names, .. } => {
            if *with_names {
                Need::Write
            } else {
                Need::Read
            }
        }
        Command::Export { what } => match what {
            ExportCommand::Waitlist { out, .. } | ExportCommand::Stoplight { out, .. } => {
                if out.with_names {
                    Need::Lead
                } else {
                    Need::Read
                }
            }
            ExportCommand::Meeting { with_names, .. } => {
                if *with_names {
                    Need::Lead
                } else {
                    Need::Read
                }
            }
            ExportCommand::Subject { .. } => Need::Lead,
            ExportCommand::Evaluations { .. } => Need::Read,
        },
        Command::Add { .. }
        | Command::Move { .. }
        | Command::Review { .. }
        | Command::Set { .. }
        | Command::Decide { .. }
        | Command::Import { .. } => Need::Write,
        Command::Demo { .. }
        | Command::Backup { .. }
        | Command::Audit { .. }
        | Command::Purge { .. }
        | Command::Team { .. }
        | Command::Rekey
        | Command::Erase { .. } => Need::Lead,
    })
}

fn fail(catalog: &Catalog, msg: &Msg) -> ExitCode {
    use std::io::Write;
    // Not eprintln!: a closed stderr must not turn a refusal into a panic.
    let _ = writeln!(std::io::stderr(), "stroom: {}", catalog.render(msg));
    ExitCode::from(1)
}

impl Command {
    /// Whether the command changes the database (so that a failure to
    /// report on stdout comes after the change was saved).
    fn changes(&self) -> bool {
        match self {
            Command::Import { dry_run, .. } => !dry_run,
            Command::Purge { dry_run, .. } => !dry_run,
            Command::Demo { .. }
            | Command::Add { .. }
            | Command::Move { .. }
            | Command::Review { .. }
            | Command::Set { .. }
            | Command::Decide { .. }
            | Command::Backup { .. }
            | Command::Init { .. }
            | Command::Rekey
            | Command::Erase { .. } => true,
            Command::Team { what } => !matches!(what, crate::cli::team::TeamCommand::List),
            _ => false,
        }
    }
}

fn date_or_today(ctx: &Context, d: &Option<String>) -> Result<chrono::NaiveDate, Msg> {
    d.as_deref()
        .map(parse_date)
        .transpose()
        .map(|d| d.unwrap_or(ctx.today))
}

fn opt_date(d: &Option<String>) -> Result<Option<chrono::NaiveDate>, Msg> {
    d.as_deref().map(parse_date).transpose()
}

fn opt_code<T: std::str::FromStr<Err = crate::domain::codes::UnknownCode>>(
    s: &Option<String>,
) -> Result<Option<T>, Msg> {
    Ok(s.as_deref().map(str::parse).transpose()?)
}

/// Blank text counts as not given.
fn text(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
}

pub fn run(ctx: &Context, command: Option<Command>) -> Result<ExitCode, Msg> {
    let cat = ctx.catalog();
    let Some(command) = command else {
        return crate::tui::run(ctx).map(|_| ExitCode::SUCCESS);
    };
    if let Some(code) = print_generated(&command) {
        return Ok(code);
    }
    match command {
        Command::Completions { .. } | Command::Man => {}
        Command::Demo {
            seed,
            force,
            yes,
            cases,
        } => {
            let options = crate::demo::DemoOptions {
                seed,
                force,
                yes,
                cases,
            };
            crate::demo::run_command(ctx, &options)?
        }
        Command::Import { file, dry_run } => return crate::import::run(ctx, &file, dry_run),
        Command::Add {
            referred_on,
            referrer,
            urgency,
            case_ref,
            name,
            birth_date,
            worker,
        } => {
            let new = NewReferral {
                case_ref: text(&case_ref),
                name: text(&name),
                birth_date: opt_date(&birth_date)?,
                referred_on: parse_date(&referred_on)?,
                referrer: referrer.parse()?,
                urgency: urgency.parse()?,
                worker: text(&worker),
            };
            let case = ctx
                .open_store()?
                .add_referral(&new, ctx.today, &ctx.actor)?;
            crate::say!("{}", case.case_ref)?;
            if let Some(birth) = new.birth_date {
                if let Some(warning) =
                    crate::present::adult_warning(cat, &case.case_ref, birth, new.referred_on)
                {
                    eprintln!("{warning}");
                }
            }
        }
        Command::Move {
            case_ref,
            stage,
            on,
            route,
            care_type,
            provider,
            planned_end,
            reason,
            destination,
            goals,
            intended_outflow,
            note,
            if_version,
        } => {
            let req = Move {
                to: Some(stage.parse()?),
                route: opt_code(&route)?,
                care_type: opt_code(&care_type)?,
                provider: text(&provider),
                planned_end_on: opt_date(&planned_end)?,
                reason: opt_code(&reason)?,
                destination: opt_code(&destination)?,
                goals: opt_code(&goals)?,
                intended_outflow: opt_code(&intended_outflow)?,
                note: text(&note),
            };
            let on = date_or_today(ctx, &on)?;
            let case = ctx
                .open_store()?
                .move_case(&case_ref, &req, on, ctx.today, &ctx.actor, if_version)?;
            crate::say!(
                "{}",
                cat.fill(
                    "cli.moved",
                    &[
                        ("case", case.case_ref.clone()),
                        ("stage", case.stage.code().to_string()),
                        ("date", on.to_string()),
                    ]
                )
            )?;
        }
        Command::Review {
            case_ref,
            statuses,
            on,
            next,
            note,
            if_version,
        } => {
            let input = ReviewInput {
                statuses: parse_statuses(&statuses)?,
                next_on: opt_date(&next)?,
                note: text(&note),
            };
            let on = date_or_today(ctx, &on)?;
            if let Some(note) = &input.note {
                crate::cli::rights::warn_own_name(ctx, &case_ref, note)?;
            }
            let codes = ctx.config.precondition_codes();
            let review = ctx.open_store()?.record_review(
                &case_ref, on, &input, ctx.today, &ctx.actor, &codes, if_version,
            )?;
            crate::say!(
                "{}",
                cat.fill(
                    "cli.reviewed",
                    &[
                        ("case", case_ref),
                        ("date", on.to_string()),
                        ("next", review.next_on.to_string()),
                    ]
                )
            )?;
        }
        Command::Set {
            case_ref,
            assignments,
            on,
            if_version,
        } => {
            let parsed = assignments
                .iter()
                .map(|a| Assignment::parse(a))
                .collect::<Result<Vec<_>, _>>()?;
            let on = date_or_today(ctx, &on)?;
            let case = ctx
                .open_store()?
                .set_fields(&case_ref, &parsed, on, ctx.today, &ctx.actor, if_version)?;
            crate::say!(
                "{}",
                cat.fill(
                    "cli.set",
                    &[("case", case.case_ref), ("count", parsed.len().to_string())]
                )
            )?;
        }
        Command::Decide {
            case_ref,
            text: decision,
            owner,
            on,
            follow_up,
            if_version,
        } => {
            let on = date_or_today(ctx, &on)?;
            crate::cli::rights::warn_own_name(ctx, &case_ref, &decision)?;
            let follow_up_on = follow_up.as_deref().map(parse_date).transpose()?;
            let owner = text(&owner);
            let new = crate::store::NewDecision {
                text: &decision,
                owner: owner.as_deref(),
                follow_up_on,
            };
            ctx.open_store()?
                .decide(&case_ref, on, &new, ctx.today, &ctx.actor, if_version)?;
            crate::say!(
                "{}",
                cat.fill(
                    "cli.decided",
                    &[("case", case_ref), ("date", on.to_string())]
                )
            )?;
        }
        Command::Backup { file } => {
            let mut store = ctx.open_store()?;
            // A backup holds every name: the access log says who made it.
            let detail = file.display().to_string();
            store.log_access(AccessAction::Backup, None, Some(&detail), &ctx.actor)?;
            store.backup_to(&file, &mut |_, _| {})?;
            crate::say!(
                "{}",
                cat.fill("cli.backup_done", &[("path", file.display().to_string())])
            )?;
        }
        Command::Check => return check(ctx),
        Command::Show {
            case_ref,
            with_names,
        } => crate::cli::audit::show(ctx, &case_ref, with_names)?,
        Command::Audit { verify: true, .. } => return crate::cli::rights::verify(ctx),
        Command::Audit {
            exports: true,
            since,
            format,
            ..
        } => crate::cli::rights::exports(ctx, since.as_deref(), &format)?,
        Command::Audit {
            case_ref,
            since,
            format,
            ..
        } => crate::cli::audit::audit(ctx, case_ref, since.as_deref(), &format)?,
        Command::Purge {
            closed_before,
            policy,
            dry_run,
            yes,
        } => {
            let date = match closed_before {
                Some(d) => parse_date(&d)?,
                None if policy => match crate::cli::rights::policy_date(ctx)? {
                    Some(d) => d,
                    None => return Ok(ExitCode::SUCCESS),
                },
                None => return Err(Msg::new("retention.needs_date")),
            };
            return crate::cli::audit::purge(ctx, date, dry_run, yes);
        }
        Command::Init { encrypt } => crate::cli::team::init(ctx, encrypt)?,
        Command::Team { what } => crate::cli::team::team(ctx, what)?,
        Command::Rekey => crate::cli::team::rekey(ctx)?,
        Command::Erase {
            case_ref,
            reason,
            yes,
        } => return crate::cli::rights::erase(ctx, &case_ref, &reason, yes),
        Command::Export { what } => crate::cli::export::export(ctx, what)?,
        Command::Forecast {
            as_of,
            queue,
            runs,
            seed,
            format,
            output,
        } => crate::cli::picture::forecast(
            ctx,
            crate::cli::picture::ForecastArgs {
                as_of,
                queue,
                runs,
                seed,
                format,
                output,
            },
        )?,
        Command::Report { what } => crate::cli::export::report(ctx, what)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// `precondition=status` pairs of `stroom review`.
fn parse_statuses(pairs: &[String]) -> Result<std::collections::BTreeMap<String, Status>, Msg> {
    if pairs.is_empty() {
        return Err(Msg::new("error.nothing_to_review"));
    }
    pairs
        .iter()
        .map(|p| {
            let (code, status) = p
                .split_once('=')
                .ok_or_else(|| Msg::new("error.bad_assignment").arg("value", p))?;
            let status = status
                .trim()
                .parse::<Status>()
                .map_err(|_| Msg::new("error.bad_status").arg("value", status))?;
            Ok((code.trim().to_string(), status))
        })
        .try_fold(
            std::collections::BTreeMap::new(),
            |mut map, pair: Result<(String, Status), Msg>| {
                let (code, status) = pair?;
                // `housing=ok housing=missing`: which one was meant is unknown.
                if map.contains_key(&code) {
                    return Err(Msg::new("error.status_twice").arg("code", code));
                }
                map.insert(code, status);
                Ok(map)
            },
        )
}

fn check(ctx: &Context) -> Result<ExitCode, Msg> {
    let cat = ctx.catalog();
    crate::store::check_holds_data(&ctx.db_path, &ctx.open_spec()?)?;
    let report = ctx.open_store()?.check(ctx.today)?;
    for p in &report.problems {
        match &p.case_ref {
            Some(r) => crate::say!("{} {r}: {}", cat.t("cli.case"), cat.render(&p.msg))?,
            None => crate::say!("{}", cat.render(&p.msg))?,
        }
    }
    if report.problems.is_empty() {
        crate::say!(
            "{}",
            cat.fill(
                "check.ok",
                &[
                    ("cases", report.cases.to_string()),
                    ("events", report.events.to_string())
                ]
            )
        )?;
        Ok(ExitCode::SUCCESS)
    } else {
        crate::say!(
            "{}",
            cat.fill(
                match report.problems.len() {
                    1 => "check.found_one",
                    _ => "check.found",
                },
                &[("count", report.problems.len().to_string())]
            )
        )?;
        Ok(ExitCode::from(1))
    }
}
