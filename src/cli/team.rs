//! `stroom init`, `stroom team …` and `stroom rekey`: creating a personal or
//! team database (plain or encrypted), the roster, and the key.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use clap::Subcommand;

use crate::context::{Context, os_login};
use crate::domain::Msg;
use crate::domain::access::{Role, clean_actor};
use crate::store::crypt::Key;
use crate::store::{AccessAction, OpenSpec, Store};

#[derive(Subcommand, Debug)]
pub enum TeamCommand {
    /// Create a team database at PATH, shared by the members of a Unix
    /// group under their own accounts; you become its first lead.
    Init {
        path: PathBuf,
        #[arg(long)]
        group: String,
        #[arg(long)]
        encrypt: bool,
    },
    /// Put a login on the roster, or change its name and role.
    Add {
        login: String,
        /// The name the team knows this member by.
        #[arg(long)]
        name: Option<String>,
        /// viewer, coordinator or lead.
        #[arg(long)]
        role: String,
    },
    /// The roster.
    List,
    /// Take a login off the roster.
    Remove { login: String },
}

/// `stroom init [--encrypt]`: a new personal database.
pub fn init(ctx: &Context, encrypt: bool) -> Result<(), Msg> {
    refuse_existing(&ctx.db_path)?;
    let key = if encrypt { Some(new_key(ctx)?) } else { None };
    let spec = OpenSpec {
        key,
        ..OpenSpec::default()
    };
    Store::open_with(&ctx.db_path, &spec)?;
    say_created(ctx, &ctx.db_path, encrypt);
    Ok(())
}

/// `stroom team init PATH --group G [--encrypt]`.
pub fn team(ctx: &Context, what: TeamCommand) -> Result<(), Msg> {
    let cat = ctx.catalog();
    match what {
        TeamCommand::Init {
            path,
            group,
            encrypt,
        } => team_init(ctx, &path, &group, encrypt)?,
        TeamCommand::Add { login, name, role } => {
            let role: Role = role.parse()?;
            let name = name.map(|n| clean_actor(&n)).filter(|n| !n.is_empty());
            require_team(ctx)?.put_member(&login, name.as_deref(), role, &ctx.actor)?;
            println!(
                "{}",
                cat.fill(
                    "team.added",
                    &[("login", login), ("role", role.code().into())]
                )
            );
        }
        TeamCommand::List => {
            for m in require_team(ctx)?.roster()? {
                println!(
                    "{}\t{}\t{}",
                    m.login,
                    m.role,
                    crate::export::safe_text(m.name.as_deref().unwrap_or("-"))
                );
            }
        }
        TeamCommand::Remove { login } => {
            require_team(ctx)?.remove_member(&login, &ctx.actor)?;
            println!("{}", cat.fill("team.removed", &[("login", login)]));
        }
    }
    Ok(())
}

fn require_team(ctx: &Context) -> Result<Store, Msg> {
    let store = ctx.open_store()?;
    if store.team_group()?.is_none() {
        return Err(Msg::new("team.not_a_team").arg("path", ctx.db_path.display()));
    }
    Ok(store)
}

fn team_init(ctx: &Context, path: &Path, group: &str, encrypt: bool) -> Result<(), Msg> {
    refuse_existing(path)?;
    let gid = nix::unistd::Group::from_name(group)
        .ok()
        .flatten()
        .ok_or_else(|| Msg::new("team.no_such_group").arg("group", group))?
        .gid;
    let folder = match path.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(p) => p.to_path_buf(),
        None => PathBuf::from("."),
    };
    share_folder(&folder, gid, group)?;
    let key = if encrypt { Some(new_key(ctx)?) } else { None };
    let spec = OpenSpec {
        key,
        new_mode: 0o660,
        ..OpenSpec::default()
    };
    let mut store = Store::open_with(path, &spec)?;
    // The file takes the folder's group (setgid); say so explicitly too.
    nix::unistd::chown(path, None, Some(gid)).map_err(|e| {
        Msg::new("error.io")
            .arg("path", path.display())
            .arg("reason", e)
    })?;
    let login = os_login();
    let name = Some(ctx.config.user.trim()).filter(|n| !n.is_empty());
    store.make_team(group, &login, name.map(clean_actor).as_deref())?;
    say_created(ctx, path, encrypt);
    println!(
        "{}",
        ctx.catalog()
            .fill("team.created", &[("group", group.into()), ("login", login)])
    );
    Ok(())
}

/// The team's folder: the group's, group-writable, setgid (so that the WAL
/// and every file SQLite makes there are the group's too), closed to others.
fn share_folder(folder: &Path, gid: nix::unistd::Gid, group: &str) -> Result<(), Msg> {
    let shown = folder.display().to_string();
    let io = |e: &dyn std::fmt::Display| {
        Msg::new("error.io")
            .arg("path", &shown)
            .arg("reason", e.to_string())
    };
    if !folder.is_dir() {
        std::fs::create_dir_all(folder).map_err(|e| io(&e))?;
    }
    let meta = std::fs::metadata(folder).map_err(|e| io(&e))?;
    let wanted = 0o2770;
    if meta.gid() != gid.as_raw() || meta.permissions().mode() & 0o7777 != wanted {
        let changed = nix::unistd::chown(folder, None, Some(gid))
            .map_err(|e| e.to_string())
            .and_then(|_| {
                std::fs::set_permissions(folder, std::fs::Permissions::from_mode(wanted))
                    .map_err(|e| e.to_string())
            });
        if let Err(reason) = changed {
            return Err(Msg::new("team.folder_not_shared")
                .arg("path", &shown)
                .arg("group", group)
                .arg("reason", reason));
        }
    }
    Ok(())
}

fn refuse_existing(path: &Path) -> Result<(), Msg> {
    if std::fs::metadata(path).is_ok_and(|m| m.len() > 0) {
        return Err(Msg::new("crypt.exists").arg("path", path.display()));
    }
    Ok(())
}

fn say_created(ctx: &Context, path: &Path, encrypt: bool) {
    let key = if encrypt {
        "crypt.created_encrypted"
    } else {
        "crypt.created"
    };
    println!(
        "{}",
        ctx.catalog()
            .fill(key, &[("path", path.display().to_string())])
    );
}

/// The key for a new database: the configured key file, or typed twice.
fn new_key(ctx: &Context) -> Result<Key, Msg> {
    let configured = std::env::var_os("STROOM_KEY_FILE").is_some_and(|v| !v.is_empty())
        || !ctx.config.key_file.trim().is_empty();
    if configured {
        return ctx.key();
    }
    typed_twice(ctx)
}

fn typed_twice(ctx: &Context) -> Result<Key, Msg> {
    let first = ctx.ask_key("crypt.prompt_new")?;
    let second = ctx.ask_key("crypt.prompt_again")?;
    if first != second {
        return Err(Msg::new("crypt.keys_differ"));
    }
    Ok(first)
}

/// `stroom rekey`: the new key from `STROOM_NEW_KEY_FILE` or typed twice.
pub fn rekey(ctx: &Context) -> Result<(), Msg> {
    if !crate::store::crypt::needs_key(&ctx.db_path) {
        return Err(Msg::new("crypt.not_encrypted").arg("path", ctx.db_path.display()));
    }
    let new = match std::env::var_os("STROOM_NEW_KEY_FILE").filter(|v| !v.is_empty()) {
        Some(f) => Key::from_file(Path::new(&f))?,
        None => typed_twice(ctx)?,
    };
    let mut store = ctx.open_store()?;
    store.log_access(AccessAction::Rekey, None, None, &ctx.actor)?;
    store.rekey(&new)?;
    println!(
        "{}",
        ctx.catalog().fill(
            "crypt.rekeyed",
            &[("path", ctx.db_path.display().to_string())]
        )
    );
    Ok(())
}
