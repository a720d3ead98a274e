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
