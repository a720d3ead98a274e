//! The team roster of a shared database: which OS logins may use it, with
//! which role. A database is a team database when `settings` names its Unix
//! group (`stroom team init`); a personal database has no roster.

use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::audit::{AccessAction, insert_access, now_utc};
use super::{Result, Store};
use crate::domain::Msg;
use crate::domain::access::Role;

/// One member of the roster.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Member {
    pub login: String,
    pub name: Option<String>,
    pub role: String,
    pub added_at: String,
    pub added_by: String,
}

impl Member {
    pub fn role(&self) -> Role {
        self.role.parse().unwrap_or(Role::Viewer)
    }
}

/// A login as the system spells it: letters, digits, `.`, `_`, `-`.
fn check_login(login: &str) -> Result<()> {
    let ok = !login.is_empty()
        && login.len() <= 64
        && login
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(Msg::new("team.bad_login").arg("login", login))
    }
}

impl Store {
    /// The Unix group of a team database; None for a personal one.
    pub fn team_group(&self) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT value FROM settings WHERE key = 'team_group'",
                [],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Makes this a team database of `group`, with `lead` as its first lead.
    pub fn make_team(&mut self, group: &str, lead: &str, name: Option<&str>) -> Result<()> {
        check_login(lead)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT OR REPLACE INTO settings (key, value) VALUES ('team_group', ?1)",
            [group],
        )?;
        let at = now_utc();
        tx.execute(
            "INSERT OR REPLACE INTO team_members (login, name, role, added_at, added_by) \
             VALUES (?1, ?2, 'lead', ?3, ?1)",
            params![lead, name, at],
        )?;
        let detail = format!("team init, group {group}; {lead} lead");
        insert_access(
            &tx,
            &at,
            lead,
            AccessAction::RosterChange,
            None,
            Some(&detail),
        )?;
        tx.commit()?;
        Ok(())
    }

    pub fn member(&self, login: &str) -> Result<Option<Member>> {
        Ok(self
            .conn
            .query_row(
                "SELECT login, name, role, added_at, added_by FROM team_members WHERE login = ?1",
                [login],
                member_from_row,
            )
            .optional()?)
    }

    /// The roster, by login.
    pub fn roster(&self) -> Result<Vec<Member>> {
        let mut stmt = self.conn.prepare(
            "SELECT login, name, role, added_at, added_by FROM team_members ORDER BY login",
        )?;
        let rows = stmt
            .query_map([], member_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Adds a member or changes a member's name and role; logged.
    pub fn put_member(
        &mut self,
        login: &str,
        name: Option<&str>,
        role: Role,
        actor: &str,
    ) -> Result<()> {
        check_login(login)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        if role != Role::Lead {
            refuse_last_lead(&tx, login)?;
        }
        let at = now_utc();
        tx.execute(
            "INSERT INTO team_members (login, name, role, added_at, added_by) \
             VALUES (?1, ?2, ?3, ?4, ?5) \
             ON CONFLICT (login) DO UPDATE SET name = coalesce(excluded.name, name), role = excluded.role",
            params![login, name, role.code(), at, actor],
        )?;
        let detail = format!("add {login} as {}", role.code());
        insert_access(
            &tx,
            &at,
            actor,
            AccessAction::RosterChange,
            None,
            Some(&detail),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Takes a member off the roster; logged. The last lead stays.
    pub fn remove_member(&mut self, login: &str, actor: &str) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        refuse_last_lead(&tx, login)?;
        let removed = tx.execute("DELETE FROM team_members WHERE login = ?1", [login])?;
        if removed == 0 {
            return Err(Msg::new("team.not_a_member").arg("login", login));
        }
        let detail = format!("remove {login}");
        insert_access(
            &tx,
            &now_utc(),
            actor,
            AccessAction::RosterChange,
            None,
            Some(&detail),
        )?;
        tx.commit()?;
        Ok(())
    }
}

/// A team without a lead could never change its roster again.
fn refuse_last_lead(conn: &rusqlite::Connection, login: &str) -> Result<()> {
    let (is_lead, leads): (bool, i64) = conn.query_row(
        "SELECT coalesce(max(login = ?1), 0), count(*) FROM team_members WHERE role = 'lead'",
        [login],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if is_lead && leads == 1 {
        return Err(Msg::new("team.last_lead").arg("login", login));
    }
    Ok(())
}

fn member_from_row(r: &rusqlite::Row) -> rusqlite::Result<Member> {
    Ok(Member {
        login: r.get(0)?,
        name: r.get(1)?,
        role: r.get(2)?,
        added_at: r.get(3)?,
        added_by: r.get(4)?,
    })
}
