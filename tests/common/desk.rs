//! The desk (the terminal UI) on a sandbox: the context `stroom` builds
//! when it starts, here with a fixed day, language and user.

use stroom::context::Context;
use stroom::context::config::{Config, Paths};
use stroom::present::i18n::Lang;

use super::Sandbox;

impl Sandbox {
    /// The context of a desk on this sandbox's database, its config file
    /// `config.toml` beside it (absent unless a test writes it), on `today`.
    pub fn context(&self, config: Config, lang: Lang, today: &str, actor: &str) -> Context {
        let today = stroom::domain::dates::parse_date(today).expect("an ISO date");
        Context::new(
            config,
            lang,
            today,
            self.db.clone(),
            Paths {
                data_dir: self.dir.path().to_path_buf(),
                config_file: self.path("config.toml"),
            },
            actor,
        )
    }
}
