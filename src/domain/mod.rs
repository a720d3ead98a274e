//! The pure rules of stroom: no I/O, no clock. Every function that depends on
//! the date takes it as a parameter. A new rule goes here.

pub mod access;
pub mod agenda;
pub mod case;
pub mod codes;
pub mod dates;
pub mod destination;
pub mod episode;
pub mod evaluation;
pub mod figures;
pub mod flow;
pub mod forecast;
pub mod lifecycle;
pub mod msg;
pub mod picture;
pub mod review;
pub mod six_weekly;
pub mod snapshot;
pub mod stoplight;
pub mod waitlist;

pub use case::{Assignment, Case, Change, Event, FieldChange, Move, Referral};
pub use codes::{
    CareType, Destination, Goals, OutflowReason, Referrer, Route, Stage, Status, Urgency,
};
pub use msg::Msg;
pub use review::{Review, ReviewInput};
pub use snapshot::Snapshot;
pub use waitlist::{Queue, Signal};
