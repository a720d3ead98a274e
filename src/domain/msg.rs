//! A message for a person: a translation key with named arguments. The domain
//! and the store speak in `Msg`s; the edges (CLI, UI) render them in the user's
//! language, so one refusal reads the same wherever it is met.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msg {
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl Msg {
    pub fn new(key: &'static str) -> Msg {
        Msg {
            key,
            args: Vec::new(),
        }
    }

    /// Adds a named argument, filled into `{name}` in the translation.
    pub fn arg(mut self, name: &'static str, value: impl ToString) -> Msg {
        self.args.push((name, value.to_string()));
        self
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.args
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Without a catalog (logs, debugging): the key and its arguments.
impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key)?;
        for (n, v) in &self.args {
            write!(f, " {n}={v}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Msg {}
