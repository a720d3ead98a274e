//! stroom: a case-flow tracker for Dutch local social teams. The library holds
//! everything; `main.rs` only hands over to `cli::main`.
//!
//! The parts, from the inside out:
//! - `domain`: the pure rules (no I/O, no clock; "today" is a parameter).
//! - `store`: SQLite; loads facts into snapshots and writes every change as
//!   one transaction with its event row.
//! - `import`: a team's spreadsheet turned into cases (`stroom import`).
//! - `demo`: a realistic demo team (`stroom demo`).
//! - `report`: documents built from snapshots (waiting list, stoplight,
//!   flow, council report, forecast, minutes).
//! - `export`: the file formats that render a document (CSV, JSON,
//!   Markdown, XLSX, HTML); `outfile`: where every output file is written.
//! - `present`: words and figures for people, and the translations.
//! - `context`: the settings and what a run needs (language, today,
//!   database, actor).
//! - `cli`: the commands; `tui`: the screens.

/// `println!` that returns a `Msg` instead of panicking when stdout is
/// closed or full (see `outfile::stdout`).
#[macro_export]
macro_rules! say {
    ($($t:tt)*) => {
        $crate::outfile::line(format_args!($($t)*))
    };
}

pub mod cli;
pub mod context;
pub mod demo;
pub mod domain;
pub mod export;
pub mod import;
pub mod outfile;
pub mod present;
pub mod report;
pub mod store;
pub mod tui;

/// A place where a test may kill the process on purpose (debug builds only,
/// `STROOM_CRASH_AT=name`): the moments between two steps that must both
/// happen, which a random kill hits too rarely to test. Release builds
/// compile this to nothing.
pub fn crash_point(name: &str) {
    #[cfg(debug_assertions)]
    if std::env::var("STROOM_CRASH_AT").is_ok_and(|at| at == name) {
        std::process::abort();
    }
    #[cfg(not(debug_assertions))]
    let _ = name;
}
