//! The `episodes` table (`schema::episodes_migration`): every case's
//! referral episodes (SPEC 4) as its whole history gives them. Each change
//! to a case's referral, moves or fields rewrites that case's rows in the
//! same transaction as its event, so the flow figures read the episodes
//! that touch a period instead of replaying every case's events.

use chrono::NaiveDate;
use rusqlite::types::Type;
use rusqlite::{Connection, Row, params};

use super::Result;
use super::codec::{self, Code, Day, EVENT_COLUMNS, c, opt_code};
use crate::domain::flow::{Episode, Trajectory, episodes};
use crate::domain::{Change, Event};

/// The columns `episode_from_row` reads, in order.
pub const COLUMNS: &str = "case_id, number, referred_on, referrer, urgency, intake_on, \
    triaged_on, decided_route, care_started_on, closed_on, outflow_reason, destination, \
    started_care_type, care_type, started_provider, provider, trajectories, previous_closed_on";

const INSERT: &str = "INSERT INTO episodes (case_id, number, history_until, referred_on, \
    referrer, urgency, intake_on, triaged_on, decided_route, care_started_on, closed_on, \
    outflow_reason, destination, started_care_type, care_type, started_provider, provider, \
    trajectories, previous_closed_on) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)";

/// The history date of a case whose events cannot be read: later than any
/// report, so every report replays it from its events (and meets the error
/// there, as before the table).
const UNREADABLE_UNTIL: &str = "9999-12-31";

/// Whether an event shapes a case's episodes: its referral, moves and field
/// changes (reviews and decisions do not).
pub fn shapes_episodes(change: &Change) -> bool {
    matches!(
        change,
        Change::Referred(_) | Change::Moved(_) | Change::Set(_)
    )
}

/// Rewrites one case's rows from its whole history, given in replay order
/// (any kinds; only those that shape episodes are used).
pub fn write_case(conn: &Connection, case_id: i64, events: &[Event]) -> Result<()> {
    conn.prepare_cached("DELETE FROM episodes WHERE case_id = ?1")?
        .execute([case_id])?;
    let shaping: Vec<Event> = events
        .iter()
        .filter(|e| shapes_episodes(&e.change))
        .cloned()
        .collect();
    insert_case(conn, case_id, &shaping)?;
    Ok(())
}

/// Inserts the rows of a case from its shaping events in replay order.
fn insert_case(conn: &Connection, case_id: i64, events: &[Event]) -> rusqlite::Result<()> {
    let Some(until) = events.iter().map(|e| e.on).max() else {
        return Ok(());
    };
    let mut stmt = conn.prepare_cached(INSERT)?;
    for e in episodes(case_id, events) {
        stmt.execute(params![
            case_id,
            e.number,
            Day(until),
            Day(e.referred_on),
            Code(e.referrer),
            Code(e.urgency),
            e.intake_on.map(Day),
            e.triaged_on.map(Day),
            c(e.decided_route),
            e.care_started_on.map(Day),
            e.closed_on.map(Day),
            c(e.outflow_reason),
            c(e.destination),
            c(e.started_care_type),
            c(e.care_type),
            e.started_provider,
            e.provider,
            trajectories_text(&e.trajectories),
            e.previous_closed_on.map(Day),
        ])?;
    }
    Ok(())
}

/// Fills the table from every case's events (the migration that creates
/// it; `stroom check` compares against the same replay).
pub fn rebuild_all(conn: &Connection) -> Result<()> {
    conn.execute("DELETE FROM episodes", [])?;
    let mut stmt = conn.prepare(&format!(
        "SELECT {EVENT_COLUMNS} FROM events WHERE kind IN ('referred', 'moved', 'set') \
         ORDER BY case_id, on_date, id"
    ))?;
    let mut failed = None;
    let mut bad_cases = Vec::new();
    codec::each_history_lenient(
        &mut stmt,
        [],
        |case_id, events| {
            if failed.is_none() {
                failed = insert_case(conn, case_id, events).err();
            }
        },
        |case_id, _| bad_cases.push(case_id),
    )?;
    if let Some(e) = failed {
        return Err(e.into());
    }
    for case_id in bad_cases {
        conn.execute(
            "INSERT OR REPLACE INTO episodes (case_id, number, history_until, trajectories) \
             VALUES (?1, 0, ?2, '')",
            params![case_id, UNREADABLE_UNTIL],
        )?;
    }
    Ok(())
}

/// `care_type:started[:ended]` per trajectory, joined by `;`.
fn trajectories_text(ts: &[Trajectory]) -> String {
    let mut out = String::new();
    for (i, t) in ts.iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        out.push_str(t.care_type.code());
        out.push(':');
        out.push_str(&t.started_on.to_string());
        if let Some(end) = t.ended_on {
            out.push(':');
            out.push_str(&end.to_string());
        }
    }
    out
}

fn trajectories_from(text: &str) -> Option<Vec<Trajectory>> {
    if text.is_empty() {
        return Some(Vec::new());
    }
    text.split(';')
        .map(|t| {
            let mut parts = t.split(':');
            let care_type = parts.next()?.parse().ok()?;
            let started_on = parts.next()?.parse().ok()?;
            let ended_on = parts.next().map(str::parse).transpose().ok()?;
            Some(Trajectory {
                care_type,
                started_on,
                ended_on,
            })
        })
        .collect()
}

fn opt_day(row: &Row, col: usize) -> rusqlite::Result<Option<NaiveDate>> {
    Ok(row.get::<_, Option<Day>>(col)?.map(|d| d.0))
}

/// Reads a row that starts with `COLUMNS`, by position; the birth date and
/// the plan at 18 are left for the caller.
pub fn episode_from_row(row: &Row) -> rusqlite::Result<Episode> {
    let text: String = row.get(16)?;
    let trajectories = trajectories_from(&text).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            16,
            Type::Text,
            format!("bad trajectories {text:?}").into(),
        )
    })?;
    Ok(Episode {
        case_id: row.get(0)?,
        number: row.get(1)?,
        referred_on: codec::day(row, 2)?,
        referrer: codec::code(row, 3)?,
        urgency: codec::code(row, 4)?,
        intake_on: opt_day(row, 5)?,
        triaged_on: opt_day(row, 6)?,
        decided_route: opt_code(row, 7)?,
        care_started_on: opt_day(row, 8)?,
        closed_on: opt_day(row, 9)?,
        outflow_reason: opt_code(row, 10)?,
        destination: opt_code(row, 11)?,
        started_care_type: opt_code(row, 12)?,
        care_type: opt_code(row, 13)?,
        started_provider: row.get(14)?,
        provider: row.get(15)?,
        trajectories,
        previous_closed_on: opt_day(row, 17)?,
        birth_date: None,
        plan_ok_at_18: None,
    })
}

/// The stored rows of every case, read in case order alongside a replay of
/// the histories in the same order (`stroom check`): each case's rows are
/// handed over with the history date they were written for.
pub struct StoredEpisodes<'s> {
    rows: rusqlite::Rows<'s>,
    pending: Option<(i64, StoredRow)>,
}

/// A stored row as read: the episode with its history date, or `None` when
/// the row cannot be read (it then matches no history).
pub type StoredRow = Option<(Episode, NaiveDate)>;

/// The statement `StoredEpisodes` walks.
pub fn stored_in_case_order_sql() -> String {
    format!("SELECT {COLUMNS}, history_until FROM episodes ORDER BY case_id, number")
}

impl<'s> StoredEpisodes<'s> {
    pub fn new(rows: rusqlite::Rows<'s>) -> StoredEpisodes<'s> {
        StoredEpisodes {
            rows,
            pending: None,
        }
    }

    /// The rows of `case_id`; rows of cases before it are passed over.
    pub fn of(&mut self, case_id: i64) -> rusqlite::Result<Vec<StoredRow>> {
        let mut out = Vec::new();
        loop {
            let (id, stored) = match self.pending.take() {
                Some(next) => next,
                None => {
                    let Some(row) = self.rows.next()? else { break };
                    let id: i64 = row.get(0)?;
                    if id < case_id {
                        continue;
                    }
                    let read =
                        || Ok::<_, rusqlite::Error>((episode_from_row(row)?, codec::day(row, 18)?));
                    (id, read().ok())
                }
            };
            if id > case_id {
                self.pending = Some((id, stored));
                break;
            }
            out.push(stored);
        }
        Ok(out)
    }
}

/// What the table should hold for a case with this history (replay order):
/// its episodes, each with the history date.
pub fn expected_rows(case_id: i64, events: &[Event]) -> Vec<StoredRow> {
    let shaping: Vec<Event> = events
        .iter()
        .filter(|e| shapes_episodes(&e.change))
        .cloned()
        .collect();
    let Some(until) = shaping.iter().map(|e| e.on).max() else {
        return Vec::new();
    };
    episodes(case_id, &shaping)
        .into_iter()
        .map(|e| Some((e, until)))
        .collect()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::domain::dates::parse_date;
    use crate::domain::flow::flow;
    use crate::domain::{
        Assignment, CareType, FieldChange, Move, OutflowReason, Referrer, Route, Stage, Urgency,
    };
    use crate::store::{NewReferral, Store, schema};

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    /// Every row of the table, in key order, as text.
    fn rows(store: &Store) -> Vec<String> {
        let mut stmt = store
            .conn()
            .prepare(&format!(
                "SELECT history_until, {COLUMNS} FROM episodes ORDER BY case_id, number"
            ))
            .unwrap();
        let n = stmt.column_count();
        stmt.query_map([], |r| {
            let cols: Vec<String> = (0..n)
                .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                .collect();
            Ok(cols.join("|"))
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
    }

    /// The table gives what the replay of every case gives, episodes and
    /// figures, for the period and as of `up_to`.
    fn same_as_replay(store: &Store, from: NaiveDate, to: NaiveDate, today: NaiveDate) {
        let up_to = to.min(today);
        let table = store.episodes(from, up_to).unwrap();
        let replay = store.episodes_replayed(from, up_to).unwrap();
        // The birth dates the figures use are compared through them.
        let without_births = |es: &[Episode]| -> Vec<Episode> {
            es.iter()
                .map(|e| Episode {
                    birth_date: None,
                    ..e.clone()
                })
                .collect()
        };
        assert_eq!(
            without_births(&table),
            without_births(&replay),
            "episodes {from} {to}"
        );
        assert_eq!(
            flow(&table, from, to).unwrap(),
            flow(&replay, from, to).unwrap(),
            "flow {from} {to}"
        );
    }

    /// A demo team loaded in bulk (the import's path) and then moved on
    /// case by case: the table is kept by both paths, equals a rebuild from
    /// the events, and gives the replay's episodes for current and past
    /// periods (past ones replay the cases with later events).
    #[test]
    fn the_table_is_kept_by_every_write_and_gives_the_replays_figures() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("t.db")).unwrap();
        let today = d("2026-11-22");
        let demo = crate::demo::generate(7, today, 300);
        store
            .insert_bundles(&demo, today, "test", &mut |_| {})
            .unwrap();
        let open: Vec<String> = store
            .conn()
            .prepare("SELECT case_ref FROM cases WHERE stage = 'referred' LIMIT 5")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert!(!open.is_empty());
        for r in &open {
            store
                .move_case(r, &Move::to(Stage::Intake), today, today, "t", None)
                .unwrap();
        }
        let kept = rows(&store);
        assert!(kept.len() >= demo.len());
        rebuild_all(store.conn()).unwrap();
        assert_eq!(rows(&store), kept, "kept rows equal a rebuild");
        for (from, to) in [
            ("2025-11-23", "2026-11-22"),
            ("2026-01-01", "2026-12-31"),
            ("2026-11-22", "2026-11-22"),
            ("2024-01-01", "2024-12-31"),
            ("2025-04-01", "2025-06-30"),
            ("2020-01-01", "2026-11-22"),
        ] {
            same_as_replay(&store, d(from), d(to), today);
        }
    }

    /// Turning 18 counts a birthday in the period while in care on its
    /// eve, also after today when the period ends later; the table's
    /// episodes carry the birth dates for both, and none for a case that
    /// was closed by then.
    #[test]
    fn turning_18_in_and_after_today_is_counted_from_the_table() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("t.db")).unwrap();
        let today = d("2026-06-30");
        let team = Move {
            route: Some(Route::Team),
            ..Move::default()
        };
        for (case_ref, birth, close) in [
            ("soon", "2008-07-15", false),
            ("past", "2008-06-10", false),
            ("closed", "2008-07-20", true),
        ] {
            let new = NewReferral {
                case_ref: Some(case_ref.into()),
                name: None,
                birth_date: Some(d(birth)),
                referred_on: d("2026-01-05"),
                referrer: Referrer::Gp,
                urgency: Urgency::Regular,
                worker: None,
            };
            store.add_referral(&new, today, "t").unwrap();
            for (m, on) in [
                (Move::to(Stage::Intake), "2026-01-12"),
                (Move::to(Stage::Triage), "2026-01-19"),
                (team.clone(), "2026-01-26"),
            ] {
                store
                    .move_case(case_ref, &m, d(on), today, "t", None)
                    .unwrap();
            }
            if close {
                let m = Move {
                    reason: Some(OutflowReason::GoalsMet),
                    ..Move::to(Stage::Closed)
                };
                store
                    .move_case(case_ref, &m, d("2026-06-01"), today, "t", None)
                    .unwrap();
            }
        }
        let (from, to) = (d("2026-06-01"), d("2026-08-31"));
        let episodes = store.episodes(from, today).unwrap();
        let figures = flow(&episodes, from, to).unwrap();
        assert_eq!(figures.turning_18.count, 2, "{:?}", figures.turning_18);
        let births: Vec<_> = episodes.iter().map(|e| e.birth_date.is_some()).collect();
        assert_eq!(births, [true, true, false]);
        same_as_replay(&store, from, to, today);
        // A period that ends today counts only the birthday before it.
        let june = flow(&store.episodes(from, today).unwrap(), from, today).unwrap();
        assert_eq!(june.turning_18.count, 1);
        same_as_replay(&store, from, today, today);
    }

    /// One step of a random history: a move or a field change of one case.
    #[derive(Debug, Clone)]
    enum Step {
        Move {
            to: Stage,
            route: Option<Route>,
            care_type: Option<CareType>,
            reason: OutflowReason,
            provider: Option<&'static str>,
        },
        Urgency(Urgency),
        Provider(Option<&'static str>),
    }

    fn step() -> impl Strategy<Value = Step> {
        let provider = prop::option::of(prop::sample::select(vec!["Kompas", "Horizon"]));
        prop_oneof![
            4 => (
                prop::sample::select(Stage::ALL.to_vec()),
                prop::option::of(prop::sample::select(Route::ALL.to_vec())),
                prop::option::of(prop::sample::select(CareType::ALL.to_vec())),
                prop::sample::select(OutflowReason::ALL.to_vec()),
                provider.clone(),
            )
                .prop_map(|(to, route, care_type, reason, provider)| Step::Move {
                    to,
                    route,
                    care_type,
                    reason,
                    provider,
                }),
            1 => prop::sample::select(Urgency::ALL.to_vec()).prop_map(Step::Urgency),
            1 => provider.prop_map(Step::Provider),
        ]
    }

    /// Applies a step on a day; refusals (the lifecycle's rules) are part
    /// of the history too: nothing is written then.
    fn apply(store: &mut Store, case_ref: &str, s: &Step, on: NaiveDate, today: NaiveDate) {
        let _ = match s {
            Step::Move {
                to,
                route,
                care_type,
                reason,
                provider,
            } => {
                let m = Move {
                    route: *route,
                    care_type: *care_type,
                    provider: provider.map(str::to_string),
                    reason: (*to == Stage::Closed).then_some(*reason),
                    ..Move::to(*to)
                };
                store.move_case(case_ref, &m, on, today, "t", None)
            }
            Step::Urgency(u) => {
                let a = [Assignment::Field(FieldChange::Urgency(*u))];
                store.set_fields(case_ref, &a, on, today, "t", None)
            }
            Step::Provider(p) => {
                let a = [Assignment::Field(FieldChange::Provider(
                    p.map(str::to_string),
                ))];
                store.set_fields(case_ref, &a, on, today, "t", None)
            }
        };
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(40))]

        /// Random histories of a few cases (moves, backdated or not, field
        /// changes, closes and reopenings, 18th birthdays in and after the
        /// period, periods ending after today): for any period, the episodes and
        /// the flow figures from the table are those of the replay, and
        /// the rows kept step by step equal a rebuild.
        #[test]
        fn the_table_gives_the_replay_for_random_histories(
            steps in prop::collection::vec((0usize..4, step(), 0u64..500), 1..60),
            periods in prop::collection::vec((0u64..560, 0u64..200), 1..6),
            births in prop::collection::vec(prop::option::of(0u64..800), 4),
        ) {
            let dir = tempfile::tempdir().unwrap();
            let mut store = Store::open(&dir.path().join("t.db")).unwrap();
            let base = d("2025-01-01");
            let today = d("2026-05-01");
            for i in 0..4u64 {
                let new = NewReferral {
                    case_ref: Some(format!("C{i}")),
                    name: None,
                    // Turning 18 between 2025 and 2027, in and around
                    // the periods.
                    birth_date: births[i as usize].map(|b| d("2007-01-01") + chrono::Days::new(b)),
                    referred_on: base + chrono::Days::new(i * 30),
                    referrer: Referrer::Gp,
                    urgency: Urgency::Regular,
                    worker: None,
                };
                store.add_referral(&new, today, "t").unwrap();
            }
            for (case, s, offset) in &steps {
                let on = (base + chrono::Days::new(*offset)).min(today);
                apply(&mut store, &format!("C{case}"), s, on, today);
            }
            let kept = rows(&store);
            rebuild_all(store.conn()).unwrap();
            prop_assert_eq!(rows(&store), kept);
            for (start, len) in periods {
                let from = base + chrono::Days::new(start);
                same_as_replay(&store, from, from + chrono::Days::new(len), today);
            }
        }
    }

    /// A file of the schema before the episodes table, holding a demo
    /// team's cases, events and reviews: opening it fills the table from
    /// the events, loses nothing, and the figures are those of the replay.
    #[test]
    fn the_migration_fills_the_table_from_a_file_of_the_previous_schema() {
        let dir = tempfile::tempdir().unwrap();
        let today = d("2026-11-22");
        let source = dir.path().join("now.db");
        {
            let mut store = Store::open(&source).unwrap();
            let demo = crate::demo::generate(11, today, 200);
            store
                .insert_bundles(&demo, today, "test", &mut |_| {})
                .unwrap();
        }
        let path = dir.path().join("old.db");
        let before = schema::episodes_migration();
        let count = |conn: &Connection, table: &str| -> i64 {
            conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
                .unwrap()
        };
        {
            let conn = Connection::open(&path).unwrap();
            crate::store::chain::register(&conn).unwrap();
            for sql in &schema::migrations()[..before] {
                conn.execute_batch(sql).unwrap();
            }
            conn.pragma_update(None, "user_version", before as i64)
                .unwrap();
            conn.pragma_update(None, "application_id", schema::APPLICATION_ID)
                .unwrap();
            // The rows of the tables the old schema has, column by column
            // as it has them.
            conn.execute("ATTACH ?1 AS now", [source.to_str().unwrap()])
                .unwrap();
            for table in ["cases", "events", "reviews"] {
                let cols: Vec<String> = conn
                    .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
                    .unwrap()
                    .query_map([], |r| r.get(0))
                    .unwrap()
                    .collect::<rusqlite::Result<_>>()
                    .unwrap();
                let cols = cols.join(", ");
                conn.execute_batch(&format!(
                    "INSERT INTO main.{table} ({cols}) SELECT {cols} FROM now.{table} ORDER BY id"
                ))
                .unwrap();
            }
            conn.execute_batch("DETACH now").unwrap();
            assert!(
                !conn
                    .prepare("SELECT name FROM sqlite_schema WHERE name = 'episodes'")
                    .unwrap()
                    .exists([])
                    .unwrap()
            );
        }
        let (cases, events, reviews) = {
            let conn = Connection::open(&source).unwrap();
            (
                count(&conn, "cases"),
                count(&conn, "events"),
                count(&conn, "reviews"),
            )
        };
        let store = Store::open(&path).unwrap();
        let conn = store.conn();
        assert_eq!(count(conn, "cases"), cases);
        assert_eq!(count(conn, "events"), events);
        assert_eq!(count(conn, "reviews"), reviews);
        let cases_with_rows: i64 = conn
            .query_row("SELECT count(DISTINCT case_id) FROM episodes", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(cases_with_rows, cases);
        let filled = rows(&store);
        let made_by_writes = rows(&Store::open(&source).unwrap());
        assert_eq!(filled, made_by_writes);
        for (from, to) in [("2025-11-23", "2026-11-22"), ("2025-01-01", "2025-03-31")] {
            same_as_replay(&store, d(from), d(to), today);
        }
    }
}
