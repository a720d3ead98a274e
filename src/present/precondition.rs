//! A precondition as the team configured it (`[[preconditions]]` in the
//! config): its code and its words in each language.

use serde::Deserialize;

use super::i18n::Lang;

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Precondition {
    pub code: String,
    pub nl: String,
    pub en: String,
    /// A word or two for inside a sentence ("vervolgplek en
    /// perspectiefplan ontbreken"); without it the label is used.
    #[serde(default)]
    pub short: Option<ShortLabel>,
}

/// `short = { nl = "woonplek", en = "housing" }` in the config.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct ShortLabel {
    pub nl: String,
    pub en: String,
}

impl Precondition {
    pub fn label(&self, lang: Lang) -> &str {
        match lang {
            Lang::Nl => &self.nl,
            Lang::En => &self.en,
        }
    }

    /// The short label for sentences, if the config gives one.
    pub fn short_label(&self, lang: Lang) -> Option<&str> {
        self.short.as_ref().map(|s| match lang {
            Lang::Nl => s.nl.as_str(),
            Lang::En => s.en.as_str(),
        })
    }
}
