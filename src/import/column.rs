//! The columns an import file may have (SPEC 7.1), by their fixed names.

/// One column of SPEC 7.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    CaseRef,
    Name,
    BirthDate,
    ReferredOn,
    Referrer,
    Urgency,
    Worker,
    Stage,
    Route,
    CareType,
    Provider,
    BridgingCare,
    IntakeOn,
    TriagedOn,
    CareStartedOn,
    PlannedEndOn,
    ClosedOn,
    OutflowReason,
    Destination,
}

impl Column {
    /// In the order of SPEC 7.1.
    pub const ALL: [Column; 19] = [
        Column::CaseRef,
        Column::Name,
        Column::BirthDate,
        Column::ReferredOn,
        Column::Referrer,
        Column::Urgency,
        Column::Worker,
        Column::Stage,
        Column::Route,
        Column::CareType,
        Column::Provider,
        Column::BridgingCare,
        Column::IntakeOn,
        Column::TriagedOn,
        Column::CareStartedOn,
        Column::PlannedEndOn,
        Column::ClosedOn,
        Column::OutflowReason,
        Column::Destination,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Column::CaseRef => "case_ref",
            Column::Name => "name",
            Column::BirthDate => "birth_date",
            Column::ReferredOn => "referred_on",
            Column::Referrer => "referrer",
            Column::Urgency => "urgency",
            Column::Worker => "worker",
            Column::Stage => "stage",
            Column::Route => "route",
            Column::CareType => "care_type",
            Column::Provider => "provider",
            Column::BridgingCare => "bridging_care",
            Column::IntakeOn => "intake_on",
            Column::TriagedOn => "triaged_on",
            Column::CareStartedOn => "care_started_on",
            Column::PlannedEndOn => "planned_end_on",
            Column::ClosedOn => "closed_on",
            Column::OutflowReason => "outflow_reason",
            Column::Destination => "destination",
        }
    }

    pub fn from_name(name: &str) -> Option<Column> {
        Column::ALL.into_iter().find(|c| c.name() == name)
    }

    /// All names, comma separated, for messages.
    pub fn names() -> String {
        Column::ALL.map(Column::name).join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for c in Column::ALL {
            assert_eq!(Column::from_name(c.name()), Some(c));
        }
        assert_eq!(Column::from_name("stage_since"), None);
        assert!(Column::names().starts_with("case_ref, name, birth_date, referred_on"));
    }
}
