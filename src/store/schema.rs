//! The database schema and its migrations. The schema version is SQLite's
//! `user_version`; `application_id` marks the file as stroom's. Migrations run
//! at open time, all in one transaction.

use crate::domain::{CareType, Destination, Goals, OutflowReason, Referrer, Route, Stage, Urgency};

/// "strm" in ASCII: marks a stroom database.
pub const APPLICATION_ID: i64 = 0x7374_726d;

/// `IN (...)` list of the codes of one kind, for CHECK constraints.
fn codes_in(codes: &[&str]) -> String {
    let quoted: Vec<String> = codes.iter().map(|c| format!("'{c}'")).collect();
    quoted.join(",")
}

/// Version 1: cases (current state, a projection of the events), the
/// append-only events, reviews and case-review decisions. A review or
/// decision row is written first; its event points to it with `ref_id`.
fn v1() -> String {
    let stage = codes_in(&Stage::codes());
    let referrer = codes_in(&Referrer::codes());
    let urgency = codes_in(&Urgency::codes());
    let route = codes_in(&Route::codes());
    let care = codes_in(&CareType::codes());
    let reason = codes_in(&OutflowReason::codes());
    let date = |col: &str| {
        format!(
            "{col} TEXT CHECK ({col} IS NULL OR ({col} GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'))"
        )
    };
    format!(
        r#"
CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    case_ref TEXT NOT NULL UNIQUE CHECK (length(case_ref) BETWEEN 1 AND 64),
    name TEXT,
    {birth_date},
    {referred_on} NOT NULL,
    referrer TEXT NOT NULL CHECK (referrer IN ({referrer})),
    urgency TEXT NOT NULL CHECK (urgency IN ({urgency})),
    worker TEXT,
    stage TEXT NOT NULL CHECK (stage IN ({stage})),
    {stage_since} NOT NULL,
    route TEXT CHECK (route IS NULL OR route IN ({route})),
    care_type TEXT CHECK (care_type IS NULL OR care_type IN ({care})),
    provider TEXT,
    bridging_care INTEGER NOT NULL DEFAULT 0 CHECK (bridging_care IN (0, 1)),
    {intake_on},
    {triaged_on},
    {care_started_on},
    {waiting_since},
    {planned_end_on},
    {closed_on},
    outflow_reason TEXT CHECK (outflow_reason IS NULL OR outflow_reason IN ({reason})),
    escalated INTEGER NOT NULL DEFAULT 0 CHECK (escalated IN (0, 1)),
    episode INTEGER NOT NULL DEFAULT 1 CHECK (episode >= 1),
    version INTEGER NOT NULL CHECK (version >= 1),
    CHECK ((stage = 'closed') = (closed_on IS NOT NULL))
) STRICT;
CREATE INDEX cases_stage ON cases (stage, referred_on);
CREATE INDEX cases_worker ON cases (worker);
CREATE INDEX cases_provider ON cases (provider);
CREATE INDEX cases_closed ON cases (closed_on);
CREATE INDEX cases_care_started ON cases (care_started_on);

CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    {on_date} NOT NULL,
    recorded_at TEXT NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('referred', 'moved', 'set', 'reviewed', 'decided')),
    referrer TEXT CHECK (referrer IS NULL OR referrer IN ({referrer})),
    urgency TEXT CHECK (urgency IS NULL OR urgency IN ({urgency})),
    worker TEXT,
    stage TEXT CHECK (stage IS NULL OR stage IN ({stage})),
    route TEXT CHECK (route IS NULL OR route IN ({route})),
    care_type TEXT CHECK (care_type IS NULL OR care_type IN ({care})),
    provider TEXT,
    {planned_end_on},
    outflow_reason TEXT CHECK (outflow_reason IS NULL OR outflow_reason IN ({reason})),
    field TEXT,
    value TEXT,
    ref_id INTEGER,
    CHECK ((kind = 'moved') = (stage IS NOT NULL)),
    CHECK ((kind = 'set') = (field IS NOT NULL)),
    CHECK ((kind = 'referred') = (referrer IS NOT NULL))
) STRICT;
CREATE INDEX events_case ON events (case_id, on_date, id);
CREATE INDEX events_date ON events (on_date);

-- The history is append-only: corrections are new events, never edits.
CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    {on_date} NOT NULL,
    {next_on} NOT NULL,
    note TEXT,
    statuses TEXT NOT NULL CHECK (json_valid(statuses) AND json_type(statuses) = 'object'),
    CHECK (next_on > on_date)
) STRICT;
CREATE INDEX reviews_case ON reviews (case_id, on_date, id);

CREATE TABLE decisions (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    {meeting_on} NOT NULL,
    text TEXT NOT NULL CHECK (length(text) > 0),
    owner TEXT
) STRICT;
CREATE INDEX decisions_meeting ON decisions (meeting_on, id);
"#,
        birth_date = date("birth_date"),
        referred_on = date("referred_on"),
        stage_since = date("stage_since"),
        intake_on = date("intake_on"),
        triaged_on = date("triaged_on"),
        care_started_on = date("care_started_on"),
        waiting_since = date("waiting_since"),
        planned_end_on = date("planned_end_on"),
        closed_on = date("closed_on"),
        on_date = date("on_date"),
        next_on = date("next_on"),
        meeting_on = date("meeting_on"),
    )
}

/// Version 2: the terminal UI pages through the case list by `case_ref`
/// within a stage, worker or provider; these indexes serve both the filter
/// and the order. They cover the single-column worker and provider indexes.
fn v2_case_list() -> String {
    "CREATE INDEX cases_stage_ref ON cases (stage, case_ref);
CREATE INDEX cases_worker_ref ON cases (worker, case_ref);
CREATE INDEX cases_provider_ref ON cases (provider, case_ref);
DROP INDEX cases_worker;
DROP INDEX cases_provider;"
        .to_string()
}

/// Version 3: the access log (NEN 7513 style): who looked at or took out
/// personal data, when (UTC), and why. Append-only, like the events. The
/// actions are spelled out, not taken from `AccessAction`: a migration is
/// frozen once released.
fn v3_access_log() -> String {
    r#"
CREATE TABLE access_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL CHECK (at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z'),
    actor TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('view_case', 'export_with_names', 'purge', 'backup')),
    case_ref TEXT,
    detail TEXT
) STRICT;
CREATE INDEX access_log_at ON access_log (at);
CREATE INDEX access_log_case ON access_log (case_ref, at);
CREATE TRIGGER access_log_append_only_update BEFORE UPDATE ON access_log
BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
CREATE TRIGGER access_log_append_only_delete BEFORE DELETE ON access_log
BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
"#
    .to_string()
}

/// Version 4: search in the case list. A trigram index over the four fields
/// the search looks in makes a substring of 3+ characters an index lookup
/// instead of a scan of every case. The values are indexed lower-cased by
/// SQLite's `lower()` and matched case-sensitively, so the index finds
/// exactly what `LIKE` finds (ASCII letters fold, nothing else). Contentless:
/// the text is in `cases`; the index holds only trigrams. Built here for the
/// rows that exist; triggers keep it in step with every write.
fn v4_case_search() -> String {
    let values = |row: &str| {
        format!(
            "{row}.id, lower({row}.case_ref), lower({row}.name), lower({row}.worker), lower({row}.provider)"
        )
    };
    format!(
        r#"
CREATE VIRTUAL TABLE cases_search USING fts5 (
    case_ref, name, worker, provider,
    content = '', contentless_delete = 1, tokenize = 'trigram case_sensitive 1'
);
INSERT INTO cases_search (rowid, case_ref, name, worker, provider)
    SELECT {cases} FROM cases;
CREATE TRIGGER cases_search_insert AFTER INSERT ON cases
BEGIN
    INSERT INTO cases_search (rowid, case_ref, name, worker, provider) VALUES ({new});
END;
CREATE TRIGGER cases_search_update AFTER UPDATE ON cases
WHEN old.id IS NOT new.id OR old.case_ref IS NOT new.case_ref OR old.name IS NOT new.name
    OR old.worker IS NOT new.worker OR old.provider IS NOT new.provider
BEGIN
    DELETE FROM cases_search WHERE rowid = old.id;
    INSERT INTO cases_search (rowid, case_ref, name, worker, provider) VALUES ({new});
END;
CREATE TRIGGER cases_search_delete AFTER DELETE ON cases
BEGIN
    DELETE FROM cases_search WHERE rowid = old.id;
END;
"#,
        cases = values("cases"),
        new = values("new"),
    )
}

/// Version 5: the access log learns the actions of a team database and of
/// the AVG's rights (replacing a database, erasure, a subject-access export,
/// roster changes, a new key, a failed export, a refused login). SQLite cannot
/// change a CHECK in place, so the table is rebuilt with its rows, indexes and
/// append-only triggers. Spelled out for the same reason as in version 3.
fn v5_access_actions() -> String {
    r#"
CREATE TABLE access_log_v5 (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL CHECK (at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z'),
    actor TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('view_case', 'export_with_names', 'purge', 'backup',
        'replace_database', 'erase', 'export_subject', 'roster_change', 'rekey',
        'export_failed', 'access_denied')),
    case_ref TEXT,
    detail TEXT
) STRICT;
INSERT INTO access_log_v5 (id, at, actor, action, case_ref, detail)
    SELECT id, at, actor, action, case_ref, detail FROM access_log ORDER BY id;
DROP TABLE access_log;
ALTER TABLE access_log_v5 RENAME TO access_log;
CREATE INDEX access_log_at ON access_log (at);
CREATE INDEX access_log_case ON access_log (case_ref, at);
CREATE TRIGGER access_log_append_only_update BEFORE UPDATE ON access_log
BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
CREATE TRIGGER access_log_append_only_delete BEFORE DELETE ON access_log
BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
"#
    .to_string()
}

/// Version 6: work that must be finished even when the process that began
/// it was killed. A purge is not done when its transaction commits: the
/// old pages with the names are in the database file until the WAL is
/// checkpointed. The purge records itself here in its transaction and
/// removes the row after the checkpoint; every open finishes what it finds.
fn v6_unfinished_work() -> String {
    "CREATE TABLE IF NOT EXISTS unfinished_work (
    task TEXT PRIMARY KEY CHECK (task IN ('purge')),
    since TEXT NOT NULL
) STRICT;"
        .to_string()
}

/// A date column with its ISO shape CHECK, as in version 1.
fn date_col(col: &str) -> String {
    format!(
        "{col} TEXT CHECK ({col} IS NULL OR ({col} GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'))"
    )
}

/// Version 7: the care process in depth (SPEC 1.5–1.8). Two outflow reasons
/// (`ended_by_provider`, `unknown`) widen the CHECKs; a closed case gets its
/// destination (the one its reason implies for the cases closed before); a
/// move's event carries the destination and the extension report. SQLite
/// cannot change a CHECK in place, so `cases` and `events` are rebuilt with
/// their ids, indexes and triggers (the search index's and the append-only
/// ones). `migrate` runs this with foreign keys off and checks them after.
fn v7_care_process() -> String {
    let stage = codes_in(&Stage::codes());
    let referrer = codes_in(&Referrer::codes());
    let urgency = codes_in(&Urgency::codes());
    let route = codes_in(&Route::codes());
    let care = codes_in(&CareType::codes());
    let reason = codes_in(&OutflowReason::codes());
    let dest = codes_in(&Destination::codes());
    let goals = codes_in(&Goals::codes());
    let case_cols = "id, case_ref, name, birth_date, referred_on, referrer, urgency, worker, \
        stage, stage_since, route, care_type, provider, bridging_care, intake_on, triaged_on, \
        care_started_on, waiting_since, planned_end_on, closed_on, outflow_reason, escalated, \
        episode, version";
    let event_cols = "id, case_id, on_date, recorded_at, actor, kind, referrer, urgency, worker, \
        stage, route, care_type, provider, planned_end_on, outflow_reason, field, value, ref_id";
    format!(
        r#"
CREATE TABLE cases_rebuilt (
    id INTEGER PRIMARY KEY,
    case_ref TEXT NOT NULL UNIQUE CHECK (length(case_ref) BETWEEN 1 AND 64),
    name TEXT,
    {birth_date},
    {referred_on} NOT NULL,
    referrer TEXT NOT NULL CHECK (referrer IN ({referrer})),
    urgency TEXT NOT NULL CHECK (urgency IN ({urgency})),
    worker TEXT,
    stage TEXT NOT NULL CHECK (stage IN ({stage})),
    {stage_since} NOT NULL,
    route TEXT CHECK (route IS NULL OR route IN ({route})),
    care_type TEXT CHECK (care_type IS NULL OR care_type IN ({care})),
    provider TEXT,
    bridging_care INTEGER NOT NULL DEFAULT 0 CHECK (bridging_care IN (0, 1)),
    {intake_on},
    {triaged_on},
    {care_started_on},
    {waiting_since},
    {planned_end_on},
    {closed_on},
    outflow_reason TEXT CHECK (outflow_reason IS NULL OR outflow_reason IN ({reason})),
    escalated INTEGER NOT NULL DEFAULT 0 CHECK (escalated IN (0, 1)),
    episode INTEGER NOT NULL DEFAULT 1 CHECK (episode >= 1),
    version INTEGER NOT NULL CHECK (version >= 1),
    destination TEXT CHECK (destination IS NULL OR destination IN ({dest})),
    CHECK ((stage = 'closed') = (closed_on IS NOT NULL)),
    CHECK ((stage = 'closed') = (destination IS NOT NULL))
) STRICT;
INSERT INTO cases_rebuilt ({case_cols}, destination)
    SELECT {case_cols}, CASE WHEN stage = 'closed' THEN CASE outflow_reason
        WHEN 'to_community' THEN 'community' WHEN 'to_wmo' THEN 'wmo' WHEN 'to_wlz' THEN 'wlz'
        WHEN 'to_adult_mental_health' THEN 'adult_mental_health' WHEN 'withdrawn' THEN 'none'
        ELSE 'unknown' END END
    FROM cases ORDER BY id;
DROP TABLE cases;
ALTER TABLE cases_rebuilt RENAME TO cases;
CREATE INDEX cases_stage ON cases (stage, referred_on);
CREATE INDEX cases_closed ON cases (closed_on);
CREATE INDEX cases_care_started ON cases (care_started_on);
CREATE INDEX cases_stage_ref ON cases (stage, case_ref);
CREATE INDEX cases_worker_ref ON cases (worker, case_ref);
CREATE INDEX cases_provider_ref ON cases (provider, case_ref);
CREATE TRIGGER cases_search_insert AFTER INSERT ON cases
BEGIN
    INSERT INTO cases_search (rowid, case_ref, name, worker, provider) VALUES ({new});
END;
CREATE TRIGGER cases_search_update AFTER UPDATE ON cases
WHEN old.id IS NOT new.id OR old.case_ref IS NOT new.case_ref OR old.name IS NOT new.name
    OR old.worker IS NOT new.worker OR old.provider IS NOT new.provider
BEGIN
    DELETE FROM cases_search WHERE rowid = old.id;
    INSERT INTO cases_search (rowid, case_ref, name, worker, provider) VALUES ({new});
END;
CREATE TRIGGER cases_search_delete AFTER DELETE ON cases
BEGIN
    DELETE FROM cases_search WHERE rowid = old.id;
END;

CREATE TABLE events_rebuilt (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    {on_date} NOT NULL,
    recorded_at TEXT NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('referred', 'moved', 'set', 'reviewed', 'decided')),
    referrer TEXT CHECK (referrer IS NULL OR referrer IN ({referrer})),
    urgency TEXT CHECK (urgency IS NULL OR urgency IN ({urgency})),
    worker TEXT,
    stage TEXT CHECK (stage IS NULL OR stage IN ({stage})),
    route TEXT CHECK (route IS NULL OR route IN ({route})),
    care_type TEXT CHECK (care_type IS NULL OR care_type IN ({care})),
    provider TEXT,
    {planned_end_on},
    outflow_reason TEXT CHECK (outflow_reason IS NULL OR outflow_reason IN ({reason})),
    field TEXT,
    value TEXT,
    ref_id INTEGER,
    destination TEXT CHECK (destination IS NULL OR destination IN ({dest})),
    goals TEXT CHECK (goals IS NULL OR goals IN ({goals})),
    intended_outflow TEXT CHECK (intended_outflow IS NULL OR intended_outflow IN ({dest})),
    note TEXT,
    CHECK ((kind = 'moved') = (stage IS NOT NULL)),
    CHECK ((kind = 'set') = (field IS NOT NULL)),
    CHECK ((kind = 'referred') = (referrer IS NOT NULL)),
    CHECK (kind = 'moved' OR (destination IS NULL AND goals IS NULL
        AND intended_outflow IS NULL AND note IS NULL))
) STRICT;
INSERT INTO events_rebuilt ({event_cols}) SELECT {event_cols} FROM events ORDER BY id;
DROP TABLE events;
ALTER TABLE events_rebuilt RENAME TO events;
CREATE INDEX events_case ON events (case_id, on_date, id);
CREATE INDEX events_date ON events (on_date);
CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
"#,
        birth_date = date_col("birth_date"),
        referred_on = date_col("referred_on"),
        stage_since = date_col("stage_since"),
        intake_on = date_col("intake_on"),
        triaged_on = date_col("triaged_on"),
        care_started_on = date_col("care_started_on"),
        waiting_since = date_col("waiting_since"),
        planned_end_on = date_col("planned_end_on"),
        closed_on = date_col("closed_on"),
        on_date = date_col("on_date"),
        new =
            "new.id, lower(new.case_ref), lower(new.name), lower(new.worker), lower(new.provider)",
    )
}

/// The triggers that protect the record (the append-only history and
/// access log). `stroom check` reports each one that is missing: dropping
/// one is how the record would be tampered with. A migration that adds a
/// protecting trigger adds its name here.
pub const PROTECTING_TRIGGERS: &[&str] = &[
    "events_append_only_update",
    "events_append_only_delete",
    "access_log_append_only_update",
    "access_log_append_only_delete",
    // Version 7: reviews and decisions; erasure is their only change.
    "reviews_erase_only_update",
    "reviews_append_only_delete",
    "decisions_erase_only_update",
    "decisions_append_only_delete",
];

/// Version 8: a case-review decision may name a follow-up date (SPEC 9.3):
/// when the team looks at the case again. Adding a nullable column keeps
/// every decision as it was.
fn v8_decision_follow_up() -> String {
    "ALTER TABLE decisions ADD COLUMN follow_up_on TEXT CHECK (follow_up_on IS NULL OR \
     (follow_up_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'));"
        .to_string()
}

/// Version 10: the moves into evaluation, indexed on their own. They hold
/// every case's evaluation moments (SPEC 1.7), read for the whole board
/// whenever view 1 or `export evaluations` opens; without this index that
/// is a walk over every event of every case (11.7 million rows at 1M cases,
/// 7 s), with it a walk over the about one in ten events it needs.
/// Partial: only these rows, in the order the evaluation list reads them.
fn v10_evaluation_moves() -> String {
    "CREATE INDEX events_evaluation ON events (case_id, on_date, id) \
     WHERE kind = 'moved' AND stage = 'evaluation';"
        .to_string()
}

/// Version 9: a team on one database and the AVG's rights.
/// - `events` and `access_log` gain `hash`: SHA-256 over the previous row's
///   hash and the row's own content (`store::chain`), so a row changed,
///   deleted or slipped in with sqlite3 breaks the chain at that row. The
///   existing rows are chained here, in id order.
/// - `team_members`: the roster of a team database (login, display name,
///   role); `settings`: what kind of database this is (a team's Unix group).
/// - `reviews` and `decisions` become append-only like the events, with one
///   narrow exception: erasure (AVG art. 17) may blank a review's note, a
///   move's note (events.note) and replace a decision's text by the erased
///   marker, and nothing else. The hash chain covers every event column but
///   `note`, never this free text, so an erasure keeps the chain whole; the
///   erasure itself is an access-log row.
fn v9_team_chain_erasure() -> String {
    r#"
ALTER TABLE events ADD COLUMN hash BLOB;
ALTER TABLE access_log ADD COLUMN hash BLOB;
DROP TRIGGER events_append_only_update;
DROP TRIGGER access_log_append_only_update;
CREATE TEMP TABLE chain_backfill AS
WITH RECURSIVE ch (id, h) AS (
    SELECT 0, NULL
    UNION ALL
    SELECT e.id, stroom_chain(ch.h, e.case_id, e.on_date, e.recorded_at, e.actor, e.kind,
        e.referrer, e.urgency, e.worker, e.stage, e.route, e.care_type, e.provider,
        e.planned_end_on, e.outflow_reason, e.field, e.value, e.ref_id, e.destination, e.goals,
        e.intended_outflow)
    FROM ch JOIN events e ON e.id = (SELECT min(id) FROM events WHERE id > ch.id)
)
SELECT id, h FROM ch WHERE id > 0;
UPDATE events SET hash = (SELECT h FROM temp.chain_backfill b WHERE b.id = events.id);
DROP TABLE temp.chain_backfill;
CREATE TEMP TABLE chain_backfill AS
WITH RECURSIVE ch (id, h) AS (
    SELECT 0, NULL
    UNION ALL
    SELECT a.id, stroom_chain(ch.h, a.at, a.actor, a.action, a.case_ref, a.detail)
    FROM ch JOIN access_log a ON a.id = (SELECT min(id) FROM access_log WHERE id > ch.id)
)
SELECT id, h FROM ch WHERE id > 0;
UPDATE access_log SET hash = (SELECT h FROM temp.chain_backfill b WHERE b.id = access_log.id);
DROP TABLE temp.chain_backfill;
CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
WHEN NOT (new.note IS NULL AND new.id IS old.id AND new.case_id IS old.case_id
    AND new.on_date IS old.on_date AND new.recorded_at IS old.recorded_at
    AND new.actor IS old.actor AND new.kind IS old.kind AND new.referrer IS old.referrer
    AND new.urgency IS old.urgency AND new.worker IS old.worker AND new.stage IS old.stage
    AND new.route IS old.route AND new.care_type IS old.care_type
    AND new.provider IS old.provider AND new.planned_end_on IS old.planned_end_on
    AND new.outflow_reason IS old.outflow_reason AND new.field IS old.field
    AND new.value IS old.value AND new.ref_id IS old.ref_id
    AND new.destination IS old.destination AND new.goals IS old.goals
    AND new.intended_outflow IS old.intended_outflow AND new.hash IS old.hash)
BEGIN SELECT RAISE(ABORT, 'events are append-only; only erasure blanks a note'); END;
CREATE TRIGGER access_log_append_only_update BEFORE UPDATE ON access_log
BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;

CREATE TRIGGER reviews_erase_only_update BEFORE UPDATE ON reviews
WHEN NOT (new.id IS old.id AND new.case_id IS old.case_id AND new.on_date IS old.on_date
    AND new.next_on IS old.next_on AND new.statuses IS old.statuses AND new.note IS NULL)
BEGIN SELECT RAISE(ABORT, 'reviews are append-only; only erasure blanks a note'); END;
CREATE TRIGGER reviews_append_only_delete BEFORE DELETE ON reviews
BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END;
CREATE TRIGGER decisions_erase_only_update BEFORE UPDATE ON decisions
WHEN NOT (new.id IS old.id AND new.case_id IS old.case_id AND new.meeting_on IS old.meeting_on
    AND new.owner IS old.owner AND new.follow_up_on IS old.follow_up_on
    AND new.text = '[gewist]')
BEGIN SELECT RAISE(ABORT, 'decisions are append-only; only erasure blanks a text'); END;
CREATE TRIGGER decisions_append_only_delete BEFORE DELETE ON decisions
BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
CREATE TABLE team_members (
    login TEXT PRIMARY KEY CHECK (length(login) BETWEEN 1 AND 64),
    name TEXT,
    role TEXT NOT NULL CHECK (role IN ('viewer', 'coordinator', 'lead')),
    added_at TEXT NOT NULL,
    added_by TEXT NOT NULL
) STRICT;
"#
    .to_string()
}

/// Version 11: `episodes`, every case's referral episodes (SPEC 4) as its
/// whole history gives them, one row each, kept in the transaction of every
/// change (`store::episode_rows`), so the flow figures of a period read the
/// episodes that touch it instead of replaying every case's events.
/// - `history_until`: the date of the case's latest referral, move or field
///   change (the same on each of its rows). A report as of an earlier date
///   replays such a case from its events, as before; the rows are only
///   used where they are the history as of that date.
/// - Derived data, so the code columns carry no CHECK lists: a code added
///   later needs no rebuild of this table. A case whose events cannot be
///   read gets one row numbered 0 with `history_until` '9999-12-31', which
///   sends every report back to its events (and their error).
/// - The rows are filled right after this migration, in its transaction.
/// - `cases_birth`: the flow figures read only the birth dates of those who
///   turn 18 in the period (SPEC 4), through this index.
fn v11_episodes() -> String {
    r#"
CREATE TABLE episodes (
    case_id INTEGER NOT NULL REFERENCES cases (id),
    number INTEGER NOT NULL,
    history_until TEXT NOT NULL,
    referred_on TEXT,
    referrer TEXT,
    urgency TEXT,
    intake_on TEXT,
    triaged_on TEXT,
    decided_route TEXT,
    care_started_on TEXT,
    closed_on TEXT,
    outflow_reason TEXT,
    destination TEXT,
    started_care_type TEXT,
    care_type TEXT,
    started_provider TEXT,
    provider TEXT,
    trajectories TEXT NOT NULL,
    previous_closed_on TEXT,
    PRIMARY KEY (case_id, number)
) WITHOUT ROWID, STRICT;
CREATE INDEX episodes_until ON episodes (history_until);
CREATE INDEX episodes_open_until ON episodes (ifnull(closed_on, '9999-12-31'));
CREATE INDEX cases_birth ON cases (birth_date);
"#
    .to_string()
}

/// Version 12: `standing_reviews`, per case the one review it stands on in
/// its current episode: its reviews dated on or after its referral, folded
/// (`Review::fold`: the latest review's id, dates and note, every status
/// with the later ones winning). Kept in the transaction of every change
/// (`store::standing`), so the board, the stoplight export and the agenda
/// of today read one row per case instead of every review and its JSON.
/// The columns are those of a `reviews` row, in the same order; no CHECKs,
/// as derived data. The rows are filled right after this migration, in
/// its transaction; `stroom check` compares them with the reviews.
fn v12_standing_reviews() -> String {
    r#"
CREATE TABLE standing_reviews (
    review_id INTEGER NOT NULL,
    case_id INTEGER PRIMARY KEY REFERENCES cases (id),
    on_date TEXT NOT NULL,
    next_on TEXT NOT NULL,
    note TEXT,
    statuses TEXT NOT NULL
) STRICT;
"#
    .to_string()
}

/// The migrations in order; migration i brings the schema to version i + 1.
pub fn migrations() -> Vec<String> {
    vec![
        v1(),
        v2_case_list(),
        v3_access_log(),
        v4_case_search(),
        v5_access_actions(),
        v6_unfinished_work(),
        v7_care_process(),
        v8_decision_follow_up(),
        v9_team_chain_erasure(),
        v10_evaluation_moves(),
        v11_episodes(),
        v12_standing_reviews(),
    ]
}

/// The index in `migrations()` of the one that creates `episodes`: after it
/// has run, the open fills the table from the events (`episode_rows`),
/// which SQL alone cannot replay.
pub fn episodes_migration() -> usize {
    let sql = v11_episodes();
    migrations()
        .iter()
        .position(|m| *m == sql)
        .expect("the episodes migration is listed")
}

/// The index in `migrations()` of the one that creates `standing_reviews`:
/// after it has run, the open fills the table from the reviews.
pub fn standing_migration() -> usize {
    let sql = v12_standing_reviews();
    migrations()
        .iter()
        .position(|m| *m == sql)
        .expect("the standing-review migration is listed")
}

pub fn latest_version() -> i64 {
    migrations().len() as i64
}
