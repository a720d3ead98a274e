//! The fictional youth team of a municipality of about 50,000 inhabitants:
//! its coordinators, the providers it buys care from, and the mix of
//! referrers, routes and care types it sees (figures from DOMAIN.md).

use chrono::{Months, NaiveDate};
use fastrand::Rng;

use crate::domain::{CareType, Destination, OutflowReason, Referrer, Route};

/// Picks one item in proportion to its weight.
pub fn pick<T: Copy>(rng: &mut Rng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut n = rng.u32(0..total);
    for (item, w) in items {
        if n < *w {
            return *item;
        }
        n -= w;
    }
    items[items.len() - 1].0
}

/// A draw from the triangular distribution `[min, mode, max]`: enough to give
/// waits and durations a realistic skew without a statistics crate.
pub fn triangular(rng: &mut Rng, [min, mode, max]: [f64; 3]) -> f64 {
    let u = rng.f64();
    let split = (mode - min) / (max - min);
    if u < split {
        min + ((max - min) * (mode - min) * u).sqrt()
    } else {
        max - ((max - min) * (max - mode) * (1.0 - u)).sqrt()
    }
}

/// Whole days drawn from a triangular distribution.
pub fn days(rng: &mut Rng, tri: [f64; 3]) -> i64 {
    triangular(rng, tri).round() as i64
}

pub fn plus_days(d: NaiveDate, n: i64) -> NaiveDate {
    d + chrono::TimeDelta::days(n)
}

pub fn plus_months(d: NaiveDate, n: u32) -> NaiveDate {
    d.checked_add_months(Months::new(n)).unwrap_or(d)
}

/// GP first, then school, JGZ, parents or the young person, then Veilig
/// Thuis, the certified institutions, police, providers and the rest.
pub const REFERRERS: &[(Referrer, u32)] = &[
    (Referrer::Gp, 30),
    (Referrer::School, 18),
    (Referrer::Jgz, 15),
    (Referrer::SelfReferral, 12),
    (Referrer::VeiligThuis, 8),
    (Referrer::Gi, 6),
    (Referrer::Police, 5),
    (Referrer::Provider, 4),
    (Referrer::Other, 2),
];

/// Share of urgent (spoed) referrals per referrer: Veilig Thuis, police and
/// the GI bring most crises; about 10 % overall.
pub fn urgent_share(referrer: Referrer) -> f64 {
    match referrer {
        Referrer::VeiligThuis => 0.35,
        Referrer::Police => 0.30,
        Referrer::Gi => 0.25,
        _ => 0.05,
    }
}

/// Triage outcomes. Of all care (team, ambulant, residential) about 10 %
/// is with accommodation; crises go less often to informal support.
pub fn routes(urgent: bool) -> &'static [(Route, u32)] {
    if urgent {
        &[
            (Route::Community, 5),
            (Route::Team, 30),
            (Route::Ambulant, 42),
            (Route::Residential, 23),
        ]
    } else {
        &[
            (Route::Community, 22),
            (Route::Team, 38),
            (Route::Ambulant, 33),
            (Route::Residential, 7),
        ]
    }
}

/// Care types within a specialist route; foster care and family homes are
/// about 63 % of care with accommodation.
pub fn care_types(route: Route) -> &'static [(CareType, u32)] {
    match route {
        Route::Residential => &[
            (CareType::FosterCare, 45),
            (CareType::FamilyHome, 18),
            (CareType::Residential, 32),
            (CareType::Secure, 5),
        ],
        _ => &[
            (CareType::AmbulantProvider, 45),
            (CareType::AmbulantHome, 40),
            (CareType::DayCare, 15),
        ],
    }
}

/// What one provider offers of one care type: its share of that care type
/// and how long a regular referral waits for it, in days `[min, mode, max]`.
pub struct Offer {
    pub provider: &'static str,
    pub care_type: CareType,
    pub weight: u32,
    pub wait: [f64; 3],
}

const fn offer(provider: &'static str, care_type: CareType, weight: u32, wait: [f64; 3]) -> Offer {
    Offer {
        provider,
        care_type,
        weight,
        wait,
    }
}

pub const HORIZON: &str = "Horizon Jeugd-GGZ";
pub const KOMPAS: &str = "Kompas Jeugdhulp";
pub const DE_LINDE: &str = "De Linde Jeugdzorg";
pub const PLEEGZORG: &str = "Pleegzorg Midden";
pub const DE_HOEVE: &str = "Gezinshuis De Hoeve";
pub const THUISBASIS: &str = "Stichting Thuisbasis";

/// A few large regional providers, a youth mental-health provider with long
/// waiting lists, and small practices.
pub const OFFERS: &[Offer] = &[
    offer(HORIZON, CareType::AmbulantProvider, 40, [35.0, 90.0, 220.0]),
    offer(KOMPAS, CareType::AmbulantProvider, 25, [10.0, 35.0, 90.0]),
    offer(
        "Praktijk Samen Sterk",
        CareType::AmbulantProvider,
        20,
        [7.0, 21.0, 60.0],
    ),
    offer(
        "Kinderpraktijk Het Anker",
        CareType::AmbulantProvider,
        15,
        [10.0, 28.0, 75.0],
    ),
    offer(KOMPAS, CareType::AmbulantHome, 40, [10.0, 30.0, 90.0]),
    offer(DE_LINDE, CareType::AmbulantHome, 35, [14.0, 40.0, 110.0]),
    offer(THUISBASIS, CareType::AmbulantHome, 25, [7.0, 18.0, 50.0]),
    offer(KOMPAS, CareType::DayCare, 45, [14.0, 40.0, 100.0]),
    offer(
        "Dagcentrum De Brug",
        CareType::DayCare,
        55,
        [14.0, 30.0, 80.0],
    ),
    offer(PLEEGZORG, CareType::FosterCare, 100, [21.0, 60.0, 180.0]),
    offer(DE_HOEVE, CareType::FamilyHome, 60, [30.0, 90.0, 220.0]),
    offer(KOMPAS, CareType::FamilyHome, 40, [30.0, 75.0, 200.0]),
    offer(DE_LINDE, CareType::Residential, 100, [21.0, 60.0, 170.0]),
    offer(
        "JeugdzorgPlus Het Baken",
        CareType::Secure,
        100,
        [1.0, 5.0, 21.0],
    ),
];

/// A provider for a care type, in proportion to its share.
pub fn pick_offer(rng: &mut Rng, care_type: CareType) -> &'static Offer {
    let offers: Vec<(usize, u32)> = OFFERS
        .iter()
        .enumerate()
        .filter(|(_, o)| o.care_type == care_type)
        .map(|(i, o)| (i, o.weight))
        .collect();
    &OFFERS[pick(rng, &offers)]
}

/// How long care of a type lasts, in days `[min, mode, max]`: treatment
/// mostly under a year, support and foster care longer.
pub fn care_duration(care_type: CareType) -> [f64; 3] {
    match care_type {
        CareType::Team => [40.0, 120.0, 300.0],
        CareType::AmbulantProvider => [60.0, 180.0, 420.0],
        CareType::AmbulantHome => [90.0, 300.0, 900.0],
        CareType::DayCare => [120.0, 365.0, 900.0],
        CareType::FosterCare => [180.0, 700.0, 2000.0],
        CareType::FamilyHome => [180.0, 600.0, 1600.0],
        CareType::Residential => [90.0, 300.0, 900.0],
        CareType::Secure => [60.0, 150.0, 270.0],
    }
}

/// The term of a decision (beschikking) in months: the planned end of care.
pub fn decision_term(care_type: CareType) -> u32 {
    match care_type {
        CareType::Team | CareType::AmbulantProvider | CareType::Secure => 6,
        _ => 12,
    }
}

/// Why care ended: as planned or jointly in 91 % of the outflow, by the
/// client in 4 %, the rest spread; 18+ young people move on to adult
/// services more often. Early endings are slightly over-represented in any
/// year's outflow (they end sooner), hence the weights a little above 91 %.
pub fn outflow_reasons(adult: bool) -> &'static [(OutflowReason, u32)] {
    if adult {
        &[
            (OutflowReason::GoalsMet, 495),
            (OutflowReason::EndedJointly, 347),
            (OutflowReason::EndedByClient, 38),
            (OutflowReason::ToWmo, 55),
            (OutflowReason::ToAdultMentalHealth, 45),
            (OutflowReason::ToWlz, 10),
            (OutflowReason::Moved, 5),
            (OutflowReason::EndedByProvider, 3),
            (OutflowReason::Other, 2),
        ]
    } else {
        &[
            (OutflowReason::GoalsMet, 565),
            (OutflowReason::EndedJointly, 350),
            (OutflowReason::EndedByClient, 38),
            (OutflowReason::Moved, 15),
            (OutflowReason::ToWlz, 5),
            (OutflowReason::ToWmo, 5),
            (OutflowReason::ToAdultMentalHealth, 5),
            (OutflowReason::EndedByProvider, 7),
            (OutflowReason::Unknown, 2),
            (OutflowReason::Other, 8),
        ]
    }
}

/// Where a young person went after care ended this way (SPEC 1.6). Of the
/// young adults fewer have follow-up than need it: outflow at 18 is where it
/// most often fails.
pub fn destinations(reason: OutflowReason, adult: bool) -> &'static [(Destination, u32)] {
    use Destination as D;
    match (reason, adult) {
        (OutflowReason::GoalsMet, false) => &[
            (D::None, 55),
            (D::Community, 30),
            (D::Team, 10),
            (D::Unknown, 5),
        ],
        (OutflowReason::GoalsMet, true) => &[
            (D::None, 35),
            (D::Wmo, 20),
            (D::Community, 20),
            (D::AdultMentalHealth, 10),
            (D::Unknown, 15),
        ],
        (OutflowReason::EndedJointly, false) => &[
            (D::Community, 40),
            (D::None, 25),
            (D::Team, 15),
            (D::YouthCareElsewhere, 10),
            (D::Unknown, 10),
        ],
        (OutflowReason::EndedJointly, true) => &[
            (D::Wmo, 25),
            (D::Community, 20),
            (D::None, 20),
            (D::AdultMentalHealth, 10),
            (D::Unknown, 25),
        ],
        (OutflowReason::EndedByClient | OutflowReason::EndedByProvider, _) => {
            &[(D::Unknown, 60), (D::None, 15), (D::YouthCareElsewhere, 25)]
        }
        (OutflowReason::Moved, _) => &[(D::YouthCareElsewhere, 70), (D::Unknown, 30)],
        (OutflowReason::ToCommunity, _) => &[(D::Community, 1)],
        (OutflowReason::ToWmo, _) => &[(D::Wmo, 1)],
        (OutflowReason::ToWlz, _) => &[(D::Wlz, 1)],
        (OutflowReason::ToAdultMentalHealth, _) => &[(D::AdultMentalHealth, 1)],
        (OutflowReason::Withdrawn, _) => &[(D::None, 1)],
        (OutflowReason::Other | OutflowReason::Unknown, _) => &[(D::Unknown, 3), (D::None, 1)],
    }
}

/// Ages at referral (0–21), by referrer: JGZ sees the youngest, schools
/// school-age children; a few 18+ young people come for extended care.
pub fn age_at_referral(rng: &mut Rng, referrer: Referrer) -> i32 {
    const WEIGHTS: [u32; 22] = [
        6, 6, 6, 8, 10, 10, 12, 12, 14, 14, 16, 16, 16, 18, 18, 18, 16, 12, 4, 2, 2, 1,
    ];
    let range = match referrer {
        Referrer::Jgz => 0..=11,
        Referrer::School => 4..=17,
        Referrer::SelfReferral | Referrer::Gp | Referrer::Provider => 0..=21,
        _ => 0..=17,
    };
    let items: Vec<(i32, u32)> = range.map(|a| (a, WEIGHTS[a as usize])).collect();
    pick(rng, &items)
}

const GIRLS: &[&str] = &[
    "Emma", "Julia", "Tess", "Sophie", "Mila", "Zoë", "Sara", "Lotte", "Eva", "Noor", "Fleur",
    "Lisa", "Anna", "Saar", "Isa", "Yara", "Fenna", "Nina", "Roos", "Lieke", "Amira", "Aya",
    "Fatima", "Esmee", "Demi", "Nova", "Liv", "Evi", "Selin", "Maud",
];
const BOYS: &[&str] = &[
    "Daan", "Sem", "Lucas", "Levi", "Finn", "Milan", "Noah", "Luuk", "Bram", "Jesse", "Thijs",
    "Mohammed", "Adam", "Ayoub", "Liam", "Jayden", "Tim", "Ruben", "Mees", "Sven", "Gijs", "Stijn",
    "Joep", "Mats", "Ilias", "Emir", "Yusuf", "Dylan", "Kevin", "Senna",
];
const SURNAMES: &[&str] = &[
    "de Vries",
    "Jansen",
    "de Jong",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "de Graaf",
    "van der Meer",
    "Kok",
    "Jacobs",
    "van Dijk",
    "Willems",
    "Verhoeven",
    "Kaya",
    "Yilmaz",
    "El Idrissi",
    "Bouzid",
    "Öztürk",
    "Nguyen",
    "Pinas",
    "Martina",
    "Kramer",
    "Prins",
    "Huisman",
    "Postma",
];

/// A fictional name as a team writes it down: first name and the initial of
/// the surname ("Sanne de V."), or initials only ("S.d.V."); sometimes none.
pub fn young_person_name(rng: &mut Rng) -> Option<String> {
    let roll = rng.f64();
    if roll < 0.06 {
        return None;
    }
    let first = if rng.bool() {
        GIRLS[rng.usize(..GIRLS.len())]
    } else {
        BOYS[rng.usize(..BOYS.len())]
    };
    let surname = SURNAMES[rng.usize(..SURNAMES.len())];
    let (infix, last) = match surname.rsplit_once(' ') {
        Some((infix, last)) => (Some(infix), last),
        None => (None, surname),
    };
    let last_initial = last.chars().next().expect("surnames are not empty");
    if roll < 0.72 {
        Some(match infix {
            Some(infix) => format!("{first} {infix} {last_initial}."),
            None => format!("{first} {last_initial}."),
        })
    } else {
        let mut initials = String::new();
        initials.push(first.chars().next().expect("names are not empty"));
        initials.push('.');
        for word in infix.into_iter().flat_map(str::split_whitespace) {
            initials.push(word.chars().next().expect("words are not empty"));
            initials.push('.');
        }
        initials.push(last_initial);
        initials.push('.');
        Some(initials)
    }
}

/// The coordinators (regisseurs). One leaves halfway the demo's history and
/// hands her open cases over; a newcomer takes her place.
pub struct Team {
    pub stayers: &'static [&'static str],
    pub leaver: &'static str,
    pub newcomer: &'static str,
    /// The leaver's last day; the newcomer's first.
    pub change_on: NaiveDate,
}

impl Team {
    pub fn new(today: NaiveDate) -> Team {
        Team {
            stayers: &[
                "Anouk Verbeek",
                "Bram Hoekstra",
                "Fatima Ouali",
                "Jeroen Willems",
                "Lotte Kramer",
                "Mehmet Demir",
                "Noor van Dam",
                "Pieter Scholten",
                "Sabine Post",
                "Tim de Haan",
            ],
            leaver: "Ingrid Bosman",
            newcomer: "Yara Veenstra",
            change_on: today.checked_sub_months(Months::new(18)).unwrap_or(today),
        }
    }

    /// A coordinator working on `on`, for a new case.
    pub fn coordinator_on(&self, rng: &mut Rng, on: NaiveDate) -> &'static str {
        let n = self.stayers.len();
        match rng.usize(..=n) {
            i if i < n => self.stayers[i],
            _ if on < self.change_on => self.leaver,
            _ => self.newcomer,
        }
    }

    /// Another coordinator than `current`, working on `on`.
    pub fn other_than(&self, rng: &mut Rng, current: &str, on: NaiveDate) -> &'static str {
        loop {
            let candidate = self.coordinator_on(rng, on);
            if candidate != current {
                return candidate;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn triangular_stays_in_range_and_leans_to_mode() {
        let mut rng = Rng::with_seed(7);
        let draws: Vec<f64> = (0..2000)
            .map(|_| triangular(&mut rng, [10.0, 20.0, 100.0]))
            .collect();
        assert!(draws.iter().all(|d| (10.0..=100.0).contains(d)));
        let mean = draws.iter().sum::<f64>() / draws.len() as f64;
        assert!((40.0..46.0).contains(&mean), "mean {mean}");
    }

    #[test]
    fn every_care_type_has_a_provider_and_fits_its_route() {
        for route in [Route::Ambulant, Route::Residential] {
            for (t, _) in care_types(route) {
                assert!(route.fits(*t));
                assert!(OFFERS.iter().any(|o| o.care_type == *t), "{t}");
            }
        }
    }

    #[test]
    fn outflow_mostly_as_planned() {
        for adult in [false, true] {
            let r = outflow_reasons(adult);
            let total: u32 = r.iter().map(|(_, w)| w).sum();
            let planned: u32 = r
                .iter()
                .filter(|(o, _)| matches!(o, OutflowReason::GoalsMet | OutflowReason::EndedJointly))
                .map(|(_, w)| w)
                .sum();
            assert_eq!(total, 1000);
            assert!(planned >= if adult { 800 } else { 900 }, "{planned}");
        }
    }

    #[test]
    fn names_are_short_and_fictional_forms() {
        let mut rng = Rng::with_seed(3);
        let names: Vec<String> = (0..300)
            .filter_map(|_| young_person_name(&mut rng))
            .collect();
        assert!(names.iter().any(|n| n.contains(' ') && n.ends_with('.')));
        assert!(names.iter().any(|n| !n.contains(' ')));
        assert!(names.iter().all(|n| n.len() < 30));
    }

    #[test]
    fn team_has_eight_to_fifteen_coordinators_at_a_time() {
        let team = Team::new(NaiveDate::from_ymd_opt(2026, 11, 22).unwrap());
        // The stayers and one of leaver and newcomer at a time.
        assert!((8..=15).contains(&(team.stayers.len() + 1)));
        let mut rng = Rng::with_seed(1);
        let early = team.change_on - chrono::TimeDelta::days(1);
        let seen: std::collections::HashSet<_> = (0..500)
            .map(|_| team.coordinator_on(&mut rng, early))
            .collect();
        assert!(seen.contains(team.leaver) && !seen.contains(team.newcomer));
    }
}
