//! The fixed codes of SPEC 1.2–1.5 and 3.1. Codes are the contract with other
//! tools and with the database CHECK constraints; labels live in the translation
//! files, keyed by `<kind>.<code>`.

use std::fmt;

/// Declares a code enum with its fixed string codes, `ALL`, `code()`,
/// `FromStr` and serde as the plain code string.
macro_rules! code_enum {
    ($(#[$meta:meta])* $name:ident, $kind:literal { $($variant:ident => $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The kind of code, used in messages and translation keys.
            pub const KIND: &'static str = $kind;

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// All codes, comma separated, for messages and SQL CHECKs.
            pub fn codes() -> Vec<&'static str> {
                Self::ALL.iter().map(|c| c.code()).collect()
            }

            /// Translation key of this code's label.
            pub fn label_key(self) -> String {
                format!("{}.{}", $kind, self.code())
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.code())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::domain::codes::UnknownCode;
            fn from_str(s: &str) -> Result<Self, $crate::domain::codes::UnknownCode> {
                match s.trim() {
                    $($code => Ok($name::$variant),)+
                    other => Err($crate::domain::codes::UnknownCode {
                        kind: $kind,
                        given: other.to_string(),
                        allowed: Self::codes().join(", "),
                    }),
                }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                // Parsed from the text in place, not copied into a String
                // first: a board of reviews parses millions of these.
                struct Code;
                impl serde::de::Visitor<'_> for Code {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        f.write_str("a string")
                    }
                    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<$name, E> {
                        s.parse().map_err(E::custom)
                    }
                }
                d.deserialize_str(Code)
            }
        }
    };
}

// Other domain modules declare their own code enums (queues, signals).
pub(crate) use code_enum;

/// A code that is not one of the fixed ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCode {
    pub kind: &'static str,
    pub given: String,
    pub allowed: String,
}

impl fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown {} '{}' (allowed: {})",
            self.kind, self.given, self.allowed
        )
    }
}

impl std::error::Error for UnknownCode {}

code_enum!(
    /// Where a case stands in its lifecycle (SPEC 1.2).
    Stage, "stage" {
        Referred => "referred",
        Intake => "intake",
        Triage => "triage",
        Waiting => "waiting",
        InCare => "in_care",
        Evaluation => "evaluation",
        Closed => "closed",
    }
);

code_enum!(
    /// Who referred the young person (SPEC 1.1).
    Referrer, "referrer" {
        SelfReferral => "self",
        Gp => "gp",
        Jgz => "jgz",
        School => "school",
        Gi => "gi",
        VeiligThuis => "veilig_thuis",
        Police => "police",
        Provider => "provider",
        Other => "other",
    }
);

code_enum!(
    /// Spoed or not.
    Urgency, "urgency" {
        Regular => "regular",
        Urgent => "urgent",
    }
);

code_enum!(
    /// The triage outcome (SPEC 1.3).
    Route, "route" {
        Community => "community",
        Team => "team",
        Ambulant => "ambulant",
        Residential => "residential",
    }
);

code_enum!(
    /// Form of care, aligned with the CBS forms of youth care (SPEC 1.4).
    CareType, "care_type" {
        Team => "team",
        AmbulantProvider => "ambulant_provider",
        AmbulantHome => "ambulant_home",
        DayCare => "day_care",
        FosterCare => "foster_care",
        FamilyHome => "family_home",
        Residential => "residential",
        Secure => "secure",
    }
);

code_enum!(
    /// Why care ended (SPEC 1.5).
    OutflowReason, "outflow_reason" {
        GoalsMet => "goals_met",
        EndedJointly => "ended_jointly",
        EndedByClient => "ended_by_client",
        EndedByProvider => "ended_by_provider",
        ToCommunity => "to_community",
        ToWmo => "to_wmo",
        ToWlz => "to_wlz",
        ToAdultMentalHealth => "to_adult_mental_health",
        Moved => "moved",
        Withdrawn => "withdrawn",
        Other => "other",
        Unknown => "unknown",
    }
);

code_enum!(
    /// Where the young person went next, recorded at closing (SPEC 1.6).
    Destination, "destination" {
        None => "none",
        Community => "community",
        Team => "team",
        Wmo => "wmo",
        Wlz => "wlz",
        AdultMentalHealth => "adult_mental_health",
        YouthCareElsewhere => "youth_care_elsewhere",
        Unknown => "unknown",
    }
);

code_enum!(
    /// Whether the goals of a trajectory were reached, in an extension
    /// report (SPEC 1.8).
    Goals, "goals" {
        Met => "met",
        Partly => "partly",
        NotMet => "not_met",
    }
);

code_enum!(
    /// Status of one precondition in a stoplight review (SPEC 3.1).
    Status, "status" {
        Ok => "ok",
        Partial => "partial",
        Missing => "missing",
        Na => "na",
    }
);

impl Stage {
    /// Stages in which a case is still open.
    pub fn is_open(self) -> bool {
        self != Stage::Closed
    }

    /// Stages on the stoplight board (SPEC 3).
    pub fn in_care(self) -> bool {
        matches!(self, Stage::InCare | Stage::Evaluation)
    }
}

impl CareType {
    /// The care types with accommodation (jeugdhulp met verblijf).
    pub fn with_accommodation(self) -> bool {
        matches!(
            self,
            CareType::FosterCare | CareType::FamilyHome | CareType::Residential | CareType::Secure
        )
    }

    /// The route this care type belongs to: care type and route must fit.
    pub fn route(self) -> Route {
        match self {
            CareType::Team => Route::Team,
            t if t.with_accommodation() => Route::Residential,
            _ => Route::Ambulant,
        }
    }
}

impl Route {
    /// Whether `care_type` is a form of care that this route leads to.
    pub fn fits(self, care_type: CareType) -> bool {
        care_type.route() == self
    }
}

impl Destination {
    /// The destination a closing implies when none is named (SPEC 1.6).
    pub fn default_for(reason: OutflowReason) -> Destination {
        match reason {
            OutflowReason::ToCommunity => Destination::Community,
            OutflowReason::ToWmo => Destination::Wmo,
            OutflowReason::ToWlz => Destination::Wlz,
            OutflowReason::ToAdultMentalHealth => Destination::AdultMentalHealth,
            OutflowReason::Withdrawn => Destination::None,
            _ => Destination::Unknown,
        }
    }

    /// "With follow-up": somewhere to go next, and known.
    pub fn has_follow_up(self) -> bool {
        !matches!(self, Destination::None | Destination::Unknown)
    }
}

impl Urgency {
    pub fn is_urgent(self) -> bool {
        self == Urgency::Urgent
    }
}

impl From<UnknownCode> for super::Msg {
    fn from(e: UnknownCode) -> super::Msg {
        super::Msg::new("error.unknown_code")
            .arg("kind", e.kind)
            .arg("value", e.given)
            .arg("allowed", e.allowed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for s in Stage::ALL {
            assert_eq!(s.code().parse::<Stage>().unwrap(), *s);
        }
        for c in CareType::ALL {
            assert_eq!(c.code().parse::<CareType>().unwrap(), *c);
        }
        let err = "nope".parse::<Referrer>().unwrap_err();
        assert!(err.to_string().contains("gp"), "{err}");
    }

    #[test]
    fn destination_follows_the_reason_unless_named() {
        use OutflowReason as R;
        let pairs = [
            (R::ToCommunity, Destination::Community),
            (R::ToWmo, Destination::Wmo),
            (R::ToWlz, Destination::Wlz),
            (R::ToAdultMentalHealth, Destination::AdultMentalHealth),
            (R::Withdrawn, Destination::None),
            (R::GoalsMet, Destination::Unknown),
            (R::EndedByProvider, Destination::Unknown),
            (R::Moved, Destination::Unknown),
            (R::Unknown, Destination::Unknown),
        ];
        for (reason, dest) in pairs {
            assert_eq!(Destination::default_for(reason), dest, "{reason}");
        }
        assert!(Destination::Wmo.has_follow_up());
        assert!(Destination::YouthCareElsewhere.has_follow_up());
        assert!(!Destination::None.has_follow_up());
        assert!(!Destination::Unknown.has_follow_up());
        assert_eq!(R::ALL.len(), 12);
        assert_eq!("not_met".parse::<Goals>().unwrap(), Goals::NotMet);
    }

    #[test]
    fn care_types_fit_their_route() {
        assert!(Route::Team.fits(CareType::Team));
        assert!(Route::Ambulant.fits(CareType::DayCare));
        assert!(!Route::Ambulant.fits(CareType::Team));
        assert!(Route::Residential.fits(CareType::FosterCare));
        assert!(!Route::Residential.fits(CareType::AmbulantHome));
        assert!(!Route::Community.fits(CareType::Team));
    }
}
