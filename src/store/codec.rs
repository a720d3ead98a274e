//! Rows to domain values and back. Codes are stored as their fixed strings,
//! dates as ISO text, flags as 0/1.

use std::str::FromStr;

use chrono::NaiveDate;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, Type, ValueRef};
use rusqlite::{Row, params};

use crate::domain::dates;
use crate::domain::{
    CareType, Case, Change, Destination, Event, FieldChange, Goals, Move, OutflowReason, Referral,
    Referrer, Route, Stage, Status, Urgency,
};

/// A code column: stored as its string, read back through `FromStr`.
pub struct Code<T>(pub T);

macro_rules! sql_code {
    ($($t:ty),+) => {$(
        impl ToSql for Code<$t> {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.0.code()))
            }
        }
        impl FromSql for Code<$t> {
            fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
                // The stored code as it is written, compared byte for
                // byte; anything else (spaces, bad UTF-8, an unknown code)
                // goes the long way and fails or reads as before.
                if let ValueRef::Text(b) = v {
                    if let Some(&c) = <$t>::ALL.iter().find(|c| c.code().as_bytes() == b) {
                        return Ok(Code(c));
                    }
                }
                let s = v.as_str()?;
                <$t>::from_str(s).map(Code).map_err(|e| FromSqlError::Other(Box::new(e)))
            }
        }
    )+};
}
sql_code!(
    Stage,
    Referrer,
    Urgency,
    Route,
    CareType,
    OutflowReason,
    Status,
    Destination,
    Goals
);

pub fn code<T>(row: &Row, col: impl rusqlite::RowIndex) -> rusqlite::Result<T>
where
    Code<T>: FromSql,
{
    Ok(row.get::<_, Code<T>>(col)?.0)
}

pub fn opt_code<T>(row: &Row, col: impl rusqlite::RowIndex) -> rusqlite::Result<Option<T>>
where
    Code<T>: FromSql,
{
    Ok(row.get::<_, Option<Code<T>>>(col)?.map(|c| c.0))
}

pub fn c<T: Copy>(v: Option<T>) -> Option<Code<T>> {
    v.map(Code)
}

/// A date column: ISO `YYYY-MM-DD` text, read and written without chrono's
/// format parser. Through rusqlite's own conversion (`%F` parsed item by
/// item) dates were a fifth of the instructions of loading the stoplight
/// board; the schema's CHECK keeps every stored date in this exact shape.
/// Anything else still goes through chrono, so nothing reads differently.
pub struct Day(pub NaiveDate);

impl FromSql for Day {
    fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
        let s = v.as_str()?;
        match parse_iso(s) {
            Some(d) => Ok(Day(d)),
            None => NaiveDate::column_result(v).map(Day),
        }
    }
}

impl ToSql for Day {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        match dates::iso_text(self.0) {
            Some(text) => Ok(ToSqlOutput::from(text)),
            None => self.0.to_sql(),
        }
    }
}

/// `YYYY-MM-DD` with four-digit year; None for any other shape.
fn parse_iso(s: &str) -> Option<NaiveDate> {
    parse_iso_bytes(s.as_bytes())
}

/// `parse_iso` on the bytes of a text value (no UTF-8 check needed: any
/// byte outside the shape refuses it).
pub fn parse_iso_bytes(b: &[u8]) -> Option<NaiveDate> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let number = |digits: &[u8]| {
        digits.iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(number(&b[..4])? as i32, number(&b[5..7])?, number(&b[8..])?)
}

pub fn day(row: &Row, col: usize) -> rusqlite::Result<NaiveDate> {
    Ok(row.get::<_, Day>(col)?.0)
}

/// `day` of a row of case `case_id`: a date that cannot be read names its
/// case (`unreadable`).
pub fn case_day(row: &Row, col: usize, case_id: i64) -> rusqlite::Result<NaiveDate> {
    day(row, col).map_err(|e| unreadable(case_id, e))
}

pub fn opt_day(row: &Row, col: usize) -> rusqlite::Result<Option<NaiveDate>> {
    Ok(row.get::<_, Option<Day>>(col)?.map(|d| d.0))
}

/// The dates of a `group_concat` of date columns (comma-separated, NULL
/// for none) of case `case_id` into `out`, in the order given. A date that
/// cannot be read names its case (`unreadable`).
pub fn days_list(
    row: &Row,
    col: usize,
    case_id: i64,
    out: &mut Vec<NaiveDate>,
) -> rusqlite::Result<()> {
    out.clear();
    let Some(text) = row.get_ref(col)?.as_str_or_null()? else {
        return Ok(());
    };
    for part in text.split(',') {
        let day = Day::column_result(ValueRef::Text(part.as_bytes())).map_err(|e| {
            let e = rusqlite::Error::FromSqlConversionFailure(col, Type::Text, e.into());
            unreadable(case_id, e)
        })?;
        out.push(day.0);
    }
    Ok(())
}

/// A date to bind, as `Day`.
pub fn d(v: Option<NaiveDate>) -> Option<Day> {
    v.map(Day)
}

/// Columns of `cases`, in the order `case_from_row` reads them.
pub const CASE_COLUMNS: &str = "id, case_ref, name, birth_date, referred_on, referrer, urgency, \
    worker, stage, stage_since, route, care_type, provider, bridging_care, intake_on, triaged_on, \
    care_started_on, waiting_since, planned_end_on, closed_on, outflow_reason, escalated, episode, version, destination";

/// Reads a row of `CASE_COLUMNS` by position: a lookup by name scans the
/// column names for every value, which shows at a million rows.
pub fn case_from_row(row: &Row) -> rusqlite::Result<Case> {
    Ok(Case {
        id: row.get(0)?,
        case_ref: row.get(1)?,
        name: row.get(2)?,
        birth_date: opt_day(row, 3)?,
        referred_on: day(row, 4)?,
        referrer: code(row, 5)?,
        urgency: code(row, 6)?,
        worker: row.get(7)?,
        stage: code(row, 8)?,
        stage_since: day(row, 9)?,
        route: opt_code(row, 10)?,
        care_type: opt_code(row, 11)?,
        provider: row.get(12)?,
        bridging_care: row.get(13)?,
        intake_on: opt_day(row, 14)?,
        triaged_on: opt_day(row, 15)?,
        care_started_on: opt_day(row, 16)?,
        waiting_since: opt_day(row, 17)?,
        planned_end_on: opt_day(row, 18)?,
        closed_on: opt_day(row, 19)?,
        outflow_reason: opt_code(row, 20)?,
        escalated: row.get(21)?,
        episode: row.get(22)?,
        version: row.get(23)?,
        destination: opt_code(row, 24)?,
    })
}

/// Inserts or updates the state row of a case (never deletes: events refer
/// to it).
pub const UPSERT_CASE: &str = "INSERT INTO cases (id, case_ref, name, birth_date, referred_on, \
    referrer, urgency, worker, stage, stage_since, route, care_type, provider, bridging_care, \
    intake_on, triaged_on, care_started_on, waiting_since, planned_end_on, closed_on, \
    outflow_reason, escalated, episode, version, destination) VALUES (:id, :case_ref, :name, \
    :birth_date, :referred_on, :referrer, :urgency, :worker, :stage, :stage_since, :route, \
    :care_type, :provider, :bridging_care, :intake_on, :triaged_on, :care_started_on, \
    :waiting_since, :planned_end_on, :closed_on, :outflow_reason, :escalated, :episode, :version, \
    :destination) \
    ON CONFLICT (id) DO UPDATE SET name = excluded.name, birth_date = excluded.birth_date, \
    referred_on = excluded.referred_on, referrer = excluded.referrer, urgency = excluded.urgency, \
    worker = excluded.worker, stage = excluded.stage, stage_since = excluded.stage_since, \
    route = excluded.route, care_type = excluded.care_type, provider = excluded.provider, \
    bridging_care = excluded.bridging_care, intake_on = excluded.intake_on, \
    triaged_on = excluded.triaged_on, care_started_on = excluded.care_started_on, \
    waiting_since = excluded.waiting_since, planned_end_on = excluded.planned_end_on, \
    closed_on = excluded.closed_on, outflow_reason = excluded.outflow_reason, \
    escalated = excluded.escalated, episode = excluded.episode, version = excluded.version, \
    destination = excluded.destination";

/// Writes `case` as the row `id`; a new row (its id chosen by SQLite) when
/// `id` is None.
pub fn upsert_case(
    stmt: &mut rusqlite::Statement,
    id: Option<i64>,
    case: &Case,
) -> rusqlite::Result<()> {
    // Bound by position (the placeholders are numbered in the order they
    // first appear in UPSERT_CASE): a lookup by name scans the statement's
    // names for every value, which shows in a bulk load.
    stmt.execute(params![
        id,
        case.case_ref,
        case.name,
        d(case.birth_date),
        Day(case.referred_on),
        Code(case.referrer),
        Code(case.urgency),
        case.worker,
        Code(case.stage),
        Day(case.stage_since),
        c(case.route),
        c(case.care_type),
        case.provider,
        case.bridging_care,
        d(case.intake_on),
        d(case.triaged_on),
        d(case.care_started_on),
        d(case.waiting_since),
        d(case.planned_end_on),
        d(case.closed_on),
        c(case.outflow_reason),
        case.escalated,
        case.episode,
        case.version,
        c(case.destination),
    ])?;
    Ok(())
}

pub const INSERT_EVENT: &str = "INSERT INTO events (case_id, on_date, recorded_at, actor, kind, \
    referrer, urgency, worker, stage, route, care_type, provider, planned_end_on, outflow_reason, \
    field, value, ref_id, destination, goals, intended_outflow, note, hash) VALUES (:case_id, \
    :on_date, :recorded_at, :actor, :kind, :referrer, :urgency, :worker, :stage, :route, :care_type, \
    :provider, :planned_end_on, :outflow_reason, :field, :value, :ref_id, :destination, :goals, \
    :intended_outflow, :note, stroom_chain((SELECT hash FROM events ORDER BY id DESC LIMIT 1), \
    :case_id, :on_date, :recorded_at, :actor, :kind, :referrer, :urgency, :worker, :stage, :route, \
    :care_type, :provider, :planned_end_on, :outflow_reason, :field, :value, :ref_id, :destination, \
    :goals, :intended_outflow))";

/// Who recorded an event, and when (the audit part of an event row).
pub struct Stamp<'a> {
    pub recorded_at: &'a str,
    pub actor: &'a str,
}

/// Appends one event; returns its row id (the event's `seq`).
pub fn insert_event(
    stmt: &mut rusqlite::Statement,
    case_id: i64,
    on: NaiveDate,
    change: &Change,
    stamp: &Stamp,
) -> rusqlite::Result<i64> {
    let none_m = Move::default();
    let (kind, referral, m, set, ref_id) = match change {
        Change::Referred(r) => ("referred", Some(r), &none_m, None, None),
        Change::Moved(m) => ("moved", None, m, None, None),
        Change::Set(f) => ("set", None, &none_m, Some(f), None),
        Change::Reviewed { review_id } => ("reviewed", None, &none_m, None, Some(*review_id)),
        Change::Decided { decision_id } => ("decided", None, &none_m, None, Some(*decision_id)),
    };
    // By position, in the order of INSERT_EVENT's placeholders.
    stmt.insert(params![
        case_id,
        Day(on),
        stamp.recorded_at,
        stamp.actor,
        kind,
        referral.map(|r| Code(r.referrer)),
        referral.map(|r| Code(r.urgency)),
        referral.and_then(|r| r.worker.as_deref()),
        c(m.to),
        c(m.route),
        c(m.care_type),
        m.provider,
        d(m.planned_end_on),
        c(m.reason),
        set.map(|f| f.field()),
        set.and_then(|f| f.value()),
        ref_id,
        c(m.destination),
        c(m.goals),
        c(m.intended_outflow),
        m.note,
    ])
}

/// Columns of `events` that `event_from_row` reads.
pub const EVENT_COLUMNS: &str = "id, case_id, on_date, kind, referrer, urgency, worker, stage, \
    route, care_type, provider, planned_end_on, outflow_reason, field, value, ref_id, destination, \
    goals, intended_outflow, note";

/// Reads a row that starts with `EVENT_COLUMNS`, by position.
pub fn event_from_row(row: &Row) -> rusqlite::Result<Event> {
    let kind: String = row.get(3)?;
    let change = match kind.as_str() {
        "referred" => Change::Referred(Referral {
            referrer: code(row, 4)?,
            urgency: code(row, 5)?,
            worker: row.get(6)?,
        }),
        "moved" => Change::Moved(Move {
            to: opt_code(row, 7)?,
            route: opt_code(row, 8)?,
            care_type: opt_code(row, 9)?,
            provider: row.get(10)?,
            planned_end_on: opt_day(row, 11)?,
            reason: opt_code(row, 12)?,
            destination: opt_code(row, 16)?,
            goals: opt_code(row, 17)?,
            intended_outflow: opt_code(row, 18)?,
            note: row.get(19)?,
        }),
        "set" => Change::Set(field_change(row)?),
        "reviewed" => Change::Reviewed {
            review_id: row.get(15)?,
        },
        _ => Change::Decided {
            decision_id: row.get(15)?,
        },
    };
    Ok(Event {
        on: day(row, 2)?,
        seq: row.get(0)?,
        change,
    })
}

fn field_change(row: &Row) -> rusqlite::Result<FieldChange> {
    let field: String = row.get(13)?;
    let value: Option<String> = row.get(14)?;
    let bad = |what: &str| FromSqlError::Other(format!("bad value {value:?} for {what}").into());
    let to_err = |e: FromSqlError| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    };
    let flag = |v: &Option<String>| match v.as_deref() {
        Some("true") => Ok(true),
        Some("false") => Ok(false),
        _ => Err(to_err(bad(&field))),
    };
    Ok(match field.as_str() {
        "name" => FieldChange::Name,
        "birth_date" => FieldChange::BirthDate,
        "urgency" => FieldChange::Urgency(
            value
                .as_deref()
                .unwrap_or_default()
                .parse()
                .map_err(|_| to_err(bad("urgency")))?,
        ),
        "worker" => FieldChange::Worker(value),
        "provider" => FieldChange::Provider(value),
        "planned_end_on" => FieldChange::PlannedEnd(
            value
                .as_deref()
                .map(|v| {
                    v.parse::<NaiveDate>()
                        .map_err(|_| to_err(bad("planned_end_on")))
                })
                .transpose()?,
        ),
        "bridging_care" => FieldChange::BridgingCare(flag(&value)?),
        "escalated" => FieldChange::Escalated(flag(&value)?),
        other => {
            let msg = format!("unknown field '{other}' in a set event");
            return Err(to_err(FromSqlError::Other(msg.into())));
        }
    })
}

/// A row stroom cannot read (a value put there by hand, outside stroom):
/// the error says which case it belongs to, so that a refusal can name it.
#[derive(Debug)]
pub struct UnreadableRow {
    pub case_id: i64,
    pub detail: String,
}

impl std::fmt::Display for UnreadableRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.detail)
    }
}

impl std::error::Error for UnreadableRow {}

/// Marks a decoding error as belonging to the case `case_id`.
pub fn unreadable(case_id: i64, e: rusqlite::Error) -> rusqlite::Error {
    match e {
        rusqlite::Error::FromSqlConversionFailure(col, ty, inner) => {
            let detail = inner.to_string();
            let row = UnreadableRow { case_id, detail };
            rusqlite::Error::FromSqlConversionFailure(col, ty, Box::new(row))
        }
        other => other,
    }
}

/// Runs a query over `events` (selecting `EVENT_COLUMNS`, ordered by
/// `case_id` first) and hands each case's events to `f` in one slice, so a
/// whole history is replayed without holding every case's events at once.
/// Returns the number of events read. An event that cannot be read is an
/// error naming its case.
pub fn each_history(
    stmt: &mut rusqlite::Statement,
    params: impl rusqlite::Params,
    f: impl FnMut(i64, &[Event]),
) -> rusqlite::Result<usize> {
    let mut first = None;
    let count = each_history_lenient(stmt, params, f, |_, e| {
        first.get_or_insert(e);
    })?;
    first.map_or(Ok(count), Err)
}

/// `each_history` that goes on past an event it cannot read: `bad` hears
/// the case and the error, and that case's history is not handed to `f`.
pub fn each_history_lenient(
    stmt: &mut rusqlite::Statement,
    params: impl rusqlite::Params,
    mut f: impl FnMut(i64, &[Event]),
    mut bad: impl FnMut(i64, rusqlite::Error),
) -> rusqlite::Result<usize> {
    let mut rows = stmt.query(params)?;
    let mut batch: Vec<Event> = Vec::new();
    let mut batch_case = None;
    let mut batch_bad = false;
    let mut count = 0;
    while let Some(row) = rows.next()? {
        let case_id: i64 = row.get(1)?; // EVENT_COLUMNS: id, case_id, ...
        if let Some(id) = batch_case.filter(|&id| id != case_id) {
            if !batch_bad {
                f(id, &batch);
            }
            batch.clear();
            batch_bad = false;
        }
        batch_case = Some(case_id);
        match event_from_row(row) {
            Ok(event) => batch.push(event),
            Err(e) => {
                batch_bad = true;
                bad(case_id, unreadable(case_id, e));
            }
        }
        count += 1;
    }
    if let Some(id) = batch_case.filter(|_| !batch_bad) {
        f(id, &batch);
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A code is read byte for byte when stored as written, and the long
    /// way otherwise: padded text still reads, an unknown code or a number
    /// still fails.
    #[test]
    fn codes_read_by_their_bytes_and_otherwise_as_before() {
        let read = |v: ValueRef| Code::<CareType>::column_result(v).map(|c| c.0);
        assert_eq!(
            read(ValueRef::Text(b"ambulant_home")).ok(),
            Some(CareType::AmbulantHome)
        );
        assert_eq!(read(ValueRef::Text(b" team ")).ok(), Some(CareType::Team));
        assert!(read(ValueRef::Text(b"teams")).is_err());
        assert!(read(ValueRef::Text(b"")).is_err());
        assert!(read(ValueRef::Integer(1)).is_err());
    }

    /// The names of a statement's placeholders, in binding order.
    fn placeholders(conn: &rusqlite::Connection, sql: &str) -> Vec<String> {
        let stmt = conn.prepare(sql).unwrap();
        (1..=stmt.parameter_count())
            .map(|i| stmt.parameter_name(i).unwrap().to_string())
            .collect()
    }

    /// The values are bound by position: each position must be the column
    /// the binding code means.
    #[test]
    fn placeholders_follow_the_column_order_the_writers_bind() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(&dir.path().join("s.db")).unwrap();
        let prefixed = |cols: &str| -> Vec<String> {
            cols.split(',').map(|c| format!(":{}", c.trim())).collect()
        };
        assert_eq!(
            placeholders(store.conn(), UPSERT_CASE),
            prefixed(CASE_COLUMNS)
        );
        let event_columns = INSERT_EVENT
            .split_once('(')
            .and_then(|(_, rest)| rest.split_once(')'))
            .unwrap()
            .0
            .trim_end_matches(", hash");
        assert_eq!(
            placeholders(store.conn(), INSERT_EVENT),
            prefixed(event_columns)
        );
        // The chain hashes the same values but the note, in the order
        // `store::chain` reads.
        assert_eq!(
            event_columns.trim_end_matches(", note"),
            crate::store::chain::EVENT_CHAIN_COLUMNS
        );
    }

    /// The fast date codec reads and writes exactly what chrono's `%F` does,
    /// for every day of several years, leap days and odd shapes included.
    #[test]
    fn dates_read_and_write_as_chrono_does() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let mut day = NaiveDate::from_ymd_opt(1999, 12, 25).unwrap();
        while day < NaiveDate::from_ymd_opt(2029, 1, 5).unwrap() {
            let (ours, theirs): (String, String) = conn
                .query_row("SELECT ?1, ?2", params![Day(day), day], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .unwrap();
            assert_eq!(ours, theirs);
            assert_eq!(parse_iso(&ours), Some(day));
            day = day.succ_opt().unwrap();
        }
        for text in [
            "2026-02-29",
            "2026-13-01",
            "2026-1-01",
            "20260101",
            "+2026-01-01",
            "abcd-ef-gh",
        ] {
            let ours = conn
                .query_row("SELECT ?1", [text], |r| r.get::<_, Day>(0).map(|d| d.0))
                .ok();
            let theirs = conn
                .query_row("SELECT ?1", [text], |r| r.get::<_, NaiveDate>(0))
                .ok();
            assert_eq!(ours, theirs, "{text}");
        }
        let far = NaiveDate::from_ymd_opt(12345, 1, 1).unwrap();
        let text: String = conn
            .query_row("SELECT ?1", [Day(far)], |r| r.get(0))
            .unwrap();
        assert_eq!(text, far.format("%F").to_string());
    }
}
