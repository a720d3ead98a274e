//! Where stroom keeps its files, and its settings: the embedded default
//! config (assets/config.toml) with the user's config file laid over it.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::domain::Msg;
// The norms are domain rules (SPEC 2); the config only supplies their values.
pub use crate::domain::waitlist::{Norm, Norms};
use crate::present::i18n::Lang;
// A precondition's words are presentation; the config only lists them.
pub use crate::present::{Precondition, ShortLabel};

pub const DEFAULT_CONFIG: &str = include_str!("../../assets/config.toml");

#[derive(Debug, Clone, Deserialize)]
pub struct Config {
    pub lang: Lang,
    pub user: String,
    /// The team's name for the minutes' title; empty: none.
    #[serde(default)]
    pub team: String,
    pub theme: String,
    /// A file holding the passphrase of an encrypted database (0600).
    #[serde(default)]
    pub key_file: String,
    #[serde(default)]
    pub retention: Retention,
    pub norms: Norms,
    /// Evaluation moments (SPEC 1.7).
    #[serde(default)]
    pub evaluation: crate::domain::evaluation::EvaluationRules,
    pub preconditions: Vec<Precondition>,
}

/// How long names are kept (`[retention]`; `stroom purge --policy`).
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
pub struct Retention {
    /// Years after closing that a case keeps its name and birth date;
    /// 0 turns the policy off.
    pub closed_years: u32,
}

impl Default for Retention {
    fn default() -> Retention {
        Retention { closed_years: 2 }
    }
}

impl Default for Config {
    fn default() -> Config {
        Config::from_layers(None).expect("the embedded default config is valid")
    }
}

impl Config {
    /// The default config with `user_toml` (the user's file) laid over it.
    pub fn from_layers(user_toml: Option<&str>) -> Result<Config, String> {
        let mut base: toml::Table = DEFAULT_CONFIG.parse().map_err(|e| format!("{e}"))?;
        if let Some(text) = user_toml {
            let user: toml::Table = text.parse().map_err(|e| format!("{e}"))?;
            merge(&mut base, user);
        }
        let config: Config = toml::Value::Table(base)
            .try_into()
            .map_err(|e: toml::de::Error| e.to_string())?;
        config.validate()?;
        Ok(config)
    }

    /// Reads the config file at `path` when it exists.
    pub fn load(path: &Path) -> Result<Config, Msg> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => Some(t),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => {
                return Err(Msg::new("error.config")
                    .arg("path", path.display())
                    .arg("reason", e));
            }
        };
        Config::from_layers(text.as_deref()).map_err(|reason| {
            Msg::new("error.config")
                .arg("path", path.display())
                .arg("reason", reason.trim())
        })
    }

    fn validate(&self) -> Result<(), String> {
        for (i, p) in self.preconditions.iter().enumerate() {
            let ok = !p.code.is_empty()
                && p.code
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !ok {
                return Err(format!(
                    "precondition code '{}' must be lowercase letters, digits and _",
                    p.code
                ));
            }
            if self.preconditions[..i].iter().any(|q| q.code == p.code) {
                return Err(format!("precondition '{}' is listed twice", p.code));
            }
        }
        Ok(())
    }

    pub fn precondition_codes(&self) -> Vec<String> {
        self.preconditions.iter().map(|p| p.code.clone()).collect()
    }
}

/// Lays `over` onto `base`: tables merge key by key, anything else replaces.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

/// The files stroom uses by default.
#[derive(Debug, Clone)]
pub struct Paths {
    pub data_dir: PathBuf,
    pub config_file: PathBuf,
}

impl Paths {
    pub fn default_paths() -> Paths {
        let dirs = directories::ProjectDirs::from("nl", "stroom", "stroom");
        let (data_dir, config_dir) = match &dirs {
            Some(d) => (d.data_dir().to_path_buf(), d.config_dir().to_path_buf()),
            // No home folder (a bare service account): use the working folder.
            None => (PathBuf::from("."), PathBuf::from(".")),
        };
        Paths {
            data_dir,
            config_file: config_dir.join("config.toml"),
        }
    }

    pub fn default_db(&self) -> PathBuf {
        self.data_dir.join("stroom.db")
    }

    pub fn log_file(&self) -> PathBuf {
        self.data_dir.join("stroom.log")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_spec() {
        let c = Config::default();
        assert_eq!(
            c.norms.intake,
            Norm {
                regular: 14,
                urgent: 2
            }
        );
        assert_eq!(
            c.norms.decision,
            Norm {
                regular: 56,
                urgent: 7
            }
        );
        assert_eq!(
            c.norms.care,
            Norm {
                regular: 70,
                urgent: 7
            }
        );
        assert_eq!(
            c.precondition_codes(),
            [
                "follow_up_care",
                "housing",
                "education_work",
                "income",
                "insurance_18",
                "network",
                "perspective_plan"
            ]
        );
        assert_eq!(c.lang, Lang::Nl);
    }

    #[test]
    fn user_file_overrides_only_what_it_names() {
        let c = Config::from_layers(Some("lang = \"en\"\n[norms.care]\nregular = 60\n")).unwrap();
        assert_eq!(c.lang, Lang::En);
        assert_eq!(
            c.norms.care,
            Norm {
                regular: 60,
                urgent: 7
            }
        );
        assert_eq!(c.norms.intake.regular, 14);
        assert!(Config::from_layers(Some("lang = \"fr\"")).is_err());
        assert!(
            Config::from_layers(Some("[[preconditions]]\ncode=\"A b\"\nnl=\"x\"\nen=\"x\""))
                .is_err()
        );
    }
}
