//! The spec's column lists (SPEC 7.1, 7.2, 1.7, 4.1), in their order: what
//! the tests hold the exports and the import to.

/// `export waitlist` rows (SPEC 7.2), without names.
pub const WAITLIST: &[&str] = &[
    "case_ref",
    "queue",
    "stage",
    "urgency",
    "referrer",
    "route",
    "care_type",
    "provider",
    "worker",
    "bridging_care",
    "waiting_since",
    "wait_days",
    "norm_days",
    "signal",
    "age",
];

/// `export stoplight` rows (SPEC 7.2), without names.
pub const STOPLIGHT: &[&str] = &[
    "case_ref",
    "color",
    "reasons",
    "criteria",
    "last_review_on",
    "next_review_on",
    "planned_end_on",
    "care_started_on",
    "provider",
    "care_type",
    "worker",
    "age",
];

/// `export evaluations` rows (SPEC 1.7).
pub const EVALUATIONS: &[&str] = &[
    "case_ref",
    "moment",
    "due_on",
    "days_overdue",
    "signal",
    "care_started_on",
    "planned_end_on",
    "care_type",
    "provider",
    "worker",
    "age",
];

/// `forecast` rows (SPEC 4.1).
pub const FORECAST: &[&str] = &[
    "case_ref",
    "queue",
    "urgency",
    "waiting_since",
    "wait_days",
    "norm_days",
    "position",
    "p50_on",
    "p85_on",
    "within_norm",
];

/// The columns `stroom import` knows (SPEC 7.1).
pub const IMPORT: &[&str] = &[
    "case_ref",
    "name",
    "birth_date",
    "referred_on",
    "referrer",
    "urgency",
    "worker",
    "stage",
    "route",
    "care_type",
    "provider",
    "bridging_care",
    "intake_on",
    "triaged_on",
    "care_started_on",
    "planned_end_on",
    "closed_on",
    "outflow_reason",
];
