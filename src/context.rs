//! What every command needs: the config, the language, "today", the database
//! path and the actor, resolved once from options, environment and config.

use std::path::PathBuf;

use chrono::NaiveDate;

use crate::config::{Config, Paths};
use crate::domain::Msg;
use crate::domain::dates::parse_date;
use crate::i18n::{Catalog, Lang};
use crate::store::Store;

pub struct Context {
    pub config: Config,
    pub lang: Lang,
    pub today: NaiveDate,
    pub db_path: PathBuf,
    pub paths: Paths,
    pub actor: String,
}

/// The options that every command shares, before they are resolved.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub db: Option<PathBuf>,
    pub lang: Option<String>,
    pub today: Option<String>,
}

impl Context {
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
        let actor = config.actor();
        Ok(Context {
            config,
            lang,
            today,
            db_path,
            paths,
            actor,
        })
    }

    pub fn catalog(&self) -> &'static Catalog {
        Catalog::get(self.lang)
    }

    pub fn open_store(&self) -> Result<Store, Msg> {
        Store::open(&self.db_path)
    }
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
