//! Translations. Every sentence a person reads comes from `assets/i18n/*.toml`,
//! keyed by dotted names. A placeholder `{arg}` is filled with the argument;
//! `{arg|kind}` shows the label of a code (`{stage|stage}` → "Hulp loopt"),
//! also for a comma-separated list of codes.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use crate::domain::Msg;
use crate::export::safe_text;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Nl,
    En,
}

impl FromStr for Lang {
    type Err = Msg;
    fn from_str(s: &str) -> Result<Lang, Msg> {
        match s.trim().to_ascii_lowercase().as_str() {
            "nl" => Ok(Lang::Nl),
            "en" => Ok(Lang::En),
            other => Err(Msg::new("error.bad_lang").arg("value", other)),
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        })
    }
}

const NL: &str = include_str!("../../assets/i18n/nl.toml");
const EN: &str = include_str!("../../assets/i18n/en.toml");

pub struct Catalog {
    pub lang: Lang,
    texts: HashMap<String, String>,
}

impl Catalog {
    /// The catalog of a language, parsed once.
    pub fn get(lang: Lang) -> &'static Catalog {
        static NL_CAT: OnceLock<Catalog> = OnceLock::new();
        static EN_CAT: OnceLock<Catalog> = OnceLock::new();
        match lang {
            Lang::Nl => NL_CAT.get_or_init(|| Catalog::parse(Lang::Nl, NL)),
            Lang::En => EN_CAT.get_or_init(|| Catalog::parse(Lang::En, EN)),
        }
    }

    fn parse(lang: Lang, source: &str) -> Catalog {
        let table: toml::Table = source
            .parse()
            .unwrap_or_else(|e| panic!("embedded translations for {lang} are broken: {e}"));
        let mut texts = HashMap::new();
        flatten("", &table, &mut texts);
        Catalog { lang, texts }
    }

    /// The text of a key; the key itself when missing (visible, never a panic).
    pub fn t<'a>(&'a self, key: &'a str) -> &'a str {
        self.texts.get(key).map(String::as_str).unwrap_or(key)
    }

    /// The label of a code, e.g. `label("stage", "in_care")`.
    pub fn label<'a>(&'a self, kind: &str, code: &'a str) -> &'a str {
        self.texts
            .get(&format!("{kind}.{code}"))
            .map(String::as_str)
            .unwrap_or(code)
    }

    /// A text with its `{placeholders}` filled. Every value is drawn inert
    /// (`export::safe_text`, as in the UI and Markdown): a value quoted in a
    /// message may come from a hostile file or argument, and an escape
    /// sequence in it must not write the clipboard or clear the screen of
    /// whoever reads the message.
    pub fn fill(&self, key: &str, args: &[(&str, String)]) -> String {
        let template = self.t(key);
        let mut out = String::with_capacity(template.len() + 16);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let Some(close) = rest[open..].find('}') else {
                break;
            };
            let inner = &rest[open + 1..open + close];
            let (name, kind) = inner.split_once('|').unwrap_or((inner, ""));
            match args.iter().find(|(n, _)| *n == name) {
                Some((_, v)) if kind.is_empty() => out.push_str(&safe_text(v)),
                Some((_, v)) => out.push_str(&safe_text(&self.labels(kind, v))),
                None => out.push_str(&rest[open..=open + close]),
            }
            rest = &rest[open + close + 1..];
        }
        out.push_str(rest);
        out
    }

    fn labels(&self, kind: &str, codes: &str) -> String {
        // `{date|date}`: an ISO date as people of the language read it.
        if kind == "date" {
            return chrono::NaiveDate::parse_from_str(codes, "%Y-%m-%d")
                .map(|d| d.format(self.t("format.date")).to_string())
                .unwrap_or_else(|_| codes.to_string());
        }
        codes
            .split(", ")
            .map(|c| self.label(kind, c))
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn render(&self, msg: &Msg) -> String {
        self.fill(msg.key, &msg.args)
    }

    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.texts.keys()
    }
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut HashMap<String, String>) {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::Table(t) => flatten(&key, t, out),
            toml::Value::String(s) => {
                out.insert(key, s.clone());
            }
            other => panic!("translation {key} is not text: {other}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CareType, OutflowReason, Referrer, Route, Stage, Status, Urgency};

    #[test]
    fn both_languages_have_the_same_keys() {
        let nl: std::collections::BTreeSet<_> = Catalog::get(Lang::Nl).keys().collect();
        let en: std::collections::BTreeSet<_> = Catalog::get(Lang::En).keys().collect();
        let only_nl: Vec<_> = nl.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&nl).collect();
        assert!(
            only_nl.is_empty() && only_en.is_empty(),
            "nl only: {only_nl:?}, en only: {only_en:?}"
        );
    }

    #[test]
    fn every_code_has_a_label() {
        let mut keys: Vec<String> = Vec::new();
        keys.extend(Stage::ALL.iter().map(|c| c.label_key()));
        keys.extend(Referrer::ALL.iter().map(|c| c.label_key()));
        keys.extend(Urgency::ALL.iter().map(|c| c.label_key()));
        keys.extend(Route::ALL.iter().map(|c| c.label_key()));
        keys.extend(CareType::ALL.iter().map(|c| c.label_key()));
        keys.extend(OutflowReason::ALL.iter().map(|c| c.label_key()));
        keys.extend(Status::ALL.iter().map(|c| c.label_key()));
        use crate::domain::agenda::{Kind, Section};
        keys.extend(Section::ALL.iter().map(|c| c.label_key()));
        keys.extend(Kind::ALL.iter().map(|c| c.label_key()));
        for lang in [Lang::Nl, Lang::En] {
            let cat = Catalog::get(lang);
            for k in &keys {
                assert_ne!(cat.t(k), k, "{lang}: no label for {k}");
            }
        }
    }

    #[test]
    fn fills_arguments_and_labels() {
        let msg = Msg::new("error.move_not_allowed")
            .arg("case", "2026-0001")
            .arg("stage", "referred")
            .arg("to", "in_care")
            .arg("allowed", "intake, closed");
        let text = Catalog::get(Lang::En).render(&msg);
        assert!(text.contains("2026-0001"), "{text}");
        assert!(text.contains("Referred"), "{text}");
        assert!(text.contains("Intake, Closed"), "{text}");
        let text = Catalog::get(Lang::Nl).render(&msg);
        assert!(text.contains("Aangemeld"), "{text}");
    }
}
