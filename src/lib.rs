//! stroom: a case-flow tracker for Dutch local social teams. The library holds
//! everything; `main.rs` only hands over to `cli::main`.

pub mod cli;
mod cli_audit;
mod cli_export;
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
pub mod present;
pub mod report;
pub mod store;
pub mod tui;
