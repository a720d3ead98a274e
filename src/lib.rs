//! stroom: a case-flow tracker for Dutch local social teams. The library holds
//! everything; `main.rs` only hands over to `cli::main`.

/// `println!` that returns a `Msg` instead of panicking when stdout is
/// closed or full (see `outfile::stdout`).
#[macro_export]
macro_rules! say {
    ($($t:tt)*) => {
        $crate::outfile::line(format_args!($($t)*))
    };
}

pub mod cli;
mod cli_audit;
mod cli_export;
pub mod cli_picture;
mod cli_rights;
mod cli_team;
pub mod config;
pub mod context;
pub mod demo;
pub mod domain;
pub mod export;
pub mod i18n;
pub mod import;
pub mod minutes;
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
