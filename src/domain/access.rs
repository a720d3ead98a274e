//! Who may do what on a team database: the roles of the roster and what
//! each command needs. A personal database has one user, who may do all.

use std::str::FromStr;

use super::Msg;

/// A member's role on the team roster, from least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Reads lists, figures and exports without names.
    Viewer,
    /// Also opens cases with names and records changes.
    Coordinator,
    /// Also manages the roster, exports names, makes backups, purges and
    /// erases, reads the access log, changes the key.
    Lead,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Viewer, Role::Coordinator, Role::Lead];

    pub fn code(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Coordinator => "coordinator",
            Role::Lead => "lead",
        }
    }

    /// Whether this role may do what `need` asks.
    pub fn allows(self, need: Need) -> bool {
        self >= need.role()
    }

    /// Whether this role sees children's names and birth dates, and may
    /// find a case by name. A viewer reads pseudonymised, everywhere.
    pub fn sees_names(self) -> bool {
        self.allows(Need::Write)
    }
}

impl FromStr for Role {
    type Err = Msg;
    fn from_str(s: &str) -> Result<Role, Msg> {
        Role::ALL
            .into_iter()
            .find(|r| r.code() == s.trim())
            .ok_or_else(|| {
                Msg::new("error.unknown_code")
                    .arg("kind", "role")
                    .arg("value", s)
                    .arg("allowed", "viewer, coordinator, lead")
            })
    }
}

/// What a command needs to be allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Lists, figures, exports and reports without names; `check`.
    Read,
    /// Names on one case's screen; every change to a case.
    Write,
    /// Names in bulk (exports, backups, subject access), removal of
    /// personal data, the roster, the access log, the key.
    Lead,
}

impl Need {
    fn role(self) -> Role {
        match self {
            Need::Read => Role::Viewer,
            Need::Write => Role::Coordinator,
            Need::Lead => Role::Lead,
        }
    }

    pub fn code(self) -> &'static str {
        self.role().code()
    }
}

/// A name as recorded in the history: control characters (terminal escape
/// sequences, newlines that would forge a second log line) and bidi
/// overrides removed, spaces trimmed, at most 64 characters.
pub fn clean_actor(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .filter(|c| !c.is_control() && !is_bidi_control(*c))
        .take(64)
        .collect();
    cleaned.trim().to_string()
}

/// The characters that reorder text on screen (Unicode bidi controls).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_allows_what_it_should_and_no_more() {
        let table = [
            (Role::Viewer, [true, false, false]),
            (Role::Coordinator, [true, true, false]),
            (Role::Lead, [true, true, true]),
        ];
        for (role, allowed) in table {
            for (need, ok) in [Need::Read, Need::Write, Need::Lead]
                .into_iter()
                .zip(allowed)
            {
                assert_eq!(role.allows(need), ok, "{role:?} {need:?}");
            }
        }
        assert_eq!("lead".parse::<Role>().unwrap(), Role::Lead);
        assert!("admin".parse::<Role>().is_err());
        let seeing: Vec<bool> = Role::ALL.iter().map(|r| r.sees_names()).collect();
        assert_eq!(seeing, [false, true, true]);
    }

    #[test]
    fn actor_text_loses_its_control_characters() {
        assert_eq!(clean_actor("anouk\u{1b}[2J\nroot\u{202e}"), "anouk[2Jroot");
        assert_eq!(clean_actor("  bram  "), "bram");
        assert_eq!(clean_actor(&"x".repeat(100)).len(), 64);
    }
}

/// Cases closed before this date are past a retention period of `years`
/// (the same day `years` earlier; 29 February falls back to the 28th).
pub fn retention_cutoff(today: chrono::NaiveDate, years: u32) -> Option<chrono::NaiveDate> {
    today.checked_sub_months(chrono::Months::new(12 * years))
}

/// Whether free text names the child: the whole name, or one of its parts
/// of three letters or more as a word of its own (a first name alone is the
/// usual slip), ignoring case.
pub fn names_child(text: &str, name: &str) -> bool {
    let text = text.to_lowercase();
    let name = name.trim().to_lowercase();
    if name.is_empty() {
        return false;
    }
    if text.contains(&name) {
        return true;
    }
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '-')
        .collect();
    name.split_whitespace()
        .filter(|part| part.chars().count() >= 3)
        .any(|part| words.contains(&part))
}

#[cfg(test)]
mod name_tests {
    use super::{names_child, retention_cutoff};

    #[test]
    fn retention_counts_whole_years_back_from_today() {
        let d = |s: &str| crate::domain::dates::parse_date(s).unwrap();
        assert_eq!(retention_cutoff(d("2026-06-30"), 2), Some(d("2024-06-30")));
        assert_eq!(retention_cutoff(d("2028-02-29"), 1), Some(d("2027-02-28")));
        assert_eq!(retention_cutoff(d("2026-06-30"), 0), Some(d("2026-06-30")));
    }

    #[test]
    fn a_note_that_names_its_child_is_seen() {
        assert!(names_child("Gesprek met Sem en moeder", "Sem de Vries"));
        assert!(names_child("sem de vries belde", "Sem de Vries"));
        assert!(names_child("Vries, S. kwam niet", "Sem de Vries"));
        // "de" is too short to count; "Semester" is another word.
        assert!(!names_child(
            "Zie de planning voor het semester",
            "Sem de Vries"
        ));
        assert!(!names_child("Alles op orde", "Sem de Vries"));
        assert!(!names_child("Alles op orde", ""));
    }
}
