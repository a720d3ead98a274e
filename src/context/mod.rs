//! What every command needs: the config, the language, "today", the database
//! path and the actor, resolved once from options, environment and config.
//! The settings themselves (the embedded defaults and the user's file) are
//! in [`config`].

pub mod config;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::OnceLock;

use chrono::NaiveDate;

use crate::context::config::{Config, Paths};
use crate::domain::Msg;
use crate::domain::access::{Need, Role, clean_actor};
use crate::domain::dates::parse_date;
use crate::present::i18n::{Catalog, Lang};
use crate::store::crypt::{self, Key};
use crate::store::{AccessAction, OpenSpec, Store};

pub struct Context {
    pub config: Config,
    pub lang: Lang,
    pub today: NaiveDate,
    pub db_path: PathBuf,
    pub paths: Paths,
    /// Who is recorded as making each change: on a team database the OS
    /// login of this process (never what the environment or config says);
    /// on a personal one the config's name, else the login name.
    pub actor: String,
    /// What this person may do (`authorize`); all on a personal database.
    pub role: Role,
    /// Whether the database is a team's (`stroom team init`).
    pub team: bool,
    /// The key of an encrypted database, once asked for.
    key: OnceLock<Key>,
}

/// The options that every command shares, before they are resolved.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub db: Option<PathBuf>,
    pub lang: Option<String>,
    pub today: Option<String>,
}

impl Context {
    /// A context from resolved parts (tests, benchmarks): a personal
    /// database, everything allowed.
    pub fn new(
        config: Config,
        lang: Lang,
        today: NaiveDate,
        db_path: PathBuf,
        paths: Paths,
        actor: &str,
    ) -> Context {
        Context {
            config,
            lang,
            today,
            db_path,
            paths,
            actor: actor.to_string(),
            role: Role::Lead,
            team: false,
            key: OnceLock::new(),
        }
    }

    pub fn resolve(o: &Overrides) -> Result<Context, Msg> {
        let paths = Paths::default_paths();
        let config_file = std::env::var_os("STROOM_CONFIG")
            .map(PathBuf::from)
            .unwrap_or_else(|| paths.config_file.clone());
        let config = Config::load(&config_file)?;
        let lang = match &o.lang {
            Some(l) => l.parse()?,
            None => config.lang,
        };
        let today = match &o.today {
            Some(t) => parse_date(t)?,
            None => chrono::Local::now().date_naive(),
        };
        let db_path = match &o.db {
            Some(p) => p.clone(),
            None => {
                // The default database lives in the user's data folder, made
                // on first use, private to its owner.
                create_private_dir(&paths.data_dir)?;
                paths.default_db()
            }
        };
        let actor = personal_actor(&config.user);
        Ok(Context::new(config, lang, today, db_path, paths, &actor))
    }

    /// Finds out who is at work and whether they may do what the command
    /// needs. On a team database the login must be on the roster with a
    /// role that allows `need`; a refusal is one sentence, and logged.
    pub fn authorize(&mut self, need: Need) -> Result<(), Msg> {
        // A missing or empty file is a personal database about to be made
        // (or, for `check`, no database at all): nothing to look up.
        if !std::fs::metadata(&self.db_path).is_ok_and(|m| m.len() > 0) {
            return Ok(());
        }
        let mut store = self.open_store()?;
        if store.team_group()?.is_none() {
            return Ok(());
        }
        let login = os_login();
        self.team = true;
        self.actor = login.clone();
        let member = store.member(&login)?;
        let refusal = match &member {
            None => Some(
                Msg::new("team.not_on_roster")
                    .arg("login", &login)
                    .arg("path", self.db_path.display()),
            ),
            Some(m) if !m.role().allows(need) => Some(
                Msg::new("team.role_needed")
                    .arg("login", &login)
                    .arg("role", m.role().code())
                    .arg("need", need.code()),
            ),
            Some(_) => None,
        };
        if let Some(msg) = refusal {
            let detail = format!("needs {}", need.code());
            store.log_access(AccessAction::AccessDenied, None, Some(&detail), &login)?;
            return Err(msg);
        }
        self.role = member.map_or(Role::Viewer, |m| m.role());
        Ok(())
    }

    /// The key of an encrypted database: from `STROOM_KEY_FILE`, the
    /// config's `key_file`, or typed on the terminal; asked once.
    pub fn key(&self) -> Result<Key, Msg> {
        if let Some(k) = self.key.get() {
            return Ok(k.clone());
        }
        let key = match std::env::var_os("STROOM_KEY_FILE").filter(|v| !v.is_empty()) {
            Some(file) => Key::from_file(std::path::Path::new(&file))?,
            None if !self.config.key_file.trim().is_empty() => {
                Key::from_file(std::path::Path::new(self.config.key_file.trim()))?
            }
            None => self.ask_key("crypt.prompt")?,
        };
        let _ = self.key.set(key.clone());
        Ok(key)
    }

    /// A passphrase typed on the terminal (not echoed).
    pub fn ask_key(&self, prompt: &str) -> Result<Key, Msg> {
        if !std::io::stdin().is_terminal() {
            return Err(Msg::new("crypt.key_needed").arg("path", self.db_path.display()));
        }
        let text = rpassword::prompt_password(self.catalog().t(prompt)).map_err(|e| {
            Msg::new("error.io")
                .arg("path", "terminal")
                .arg("reason", e)
        })?;
        Key::passphrase(&text)
    }

    pub fn catalog(&self) -> &'static Catalog {
        Catalog::get(self.lang)
    }

    /// How to open the database: with its key when it is encrypted.
    pub fn open_spec(&self) -> Result<OpenSpec, Msg> {
        let key = if crypt::needs_key(&self.db_path) {
            Some(self.key()?)
        } else {
            None
        };
        Ok(OpenSpec {
            key,
            upgrade_notice: Some(self.catalog().t("output.upgrading").to_string()),
            ..OpenSpec::default()
        })
    }

    pub fn open_store(&self) -> Result<Store, Msg> {
        let mut store = Store::open_with(&self.db_path, &self.open_spec()?)?;
        store.set_may_write(self.role.allows(Need::Write));
        store.set_hides_names(!self.role.sees_names());
        Ok(store)
    }
}

/// The login name of this process's user, from the system's account
/// database by uid: what the environment says plays no part.
pub fn os_login() -> String {
    let uid = nix::unistd::getuid();
    match nix::unistd::User::from_uid(uid) {
        Ok(Some(user)) => clean_actor(&user.name),
        _ => format!("uid {uid}"),
    }
}

/// The actor on a personal database: the config's name, else `$USER` or
/// `$LOGNAME`, else the OS login; control characters removed.
fn personal_actor(configured: &str) -> String {
    let from_env = ["USER", "LOGNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok());
    [Some(configured.to_string()), from_env]
        .into_iter()
        .flatten()
        .map(|s| clean_actor(&s))
        .find(|s| !s.is_empty())
        .unwrap_or_else(os_login)
}

fn create_private_dir(dir: &std::path::Path) -> Result<(), Msg> {
    use std::os::unix::fs::DirBuilderExt;
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| {
            Msg::new("error.io")
                .arg("path", dir.display())
                .arg("reason", e)
        })
}
