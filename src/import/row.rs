//! One data row's values, each checked on its own: dates, codes, flags.

use std::str::FromStr;

use chrono::NaiveDate;

use super::RowError;
use super::column::Column;
use super::table::Record;
use crate::domain::codes::UnknownCode;
use crate::domain::dates::parse_date;
use crate::domain::lifecycle::check_not_future;
use crate::domain::{CareType, Msg, OutflowReason, Referrer, Route, Stage, Urgency};
use crate::store::check_case_ref;

/// A row whose values are each valid on their own; whether they fit
/// together is for `history::build`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub line: u64,
    pub case_ref: Option<String>,
    pub name: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub referred_on: NaiveDate,
    pub referrer: Option<Referrer>,
    pub urgency: Option<Urgency>,
    pub worker: Option<String>,
    pub stage: Option<Stage>,
    pub route: Option<Route>,
    pub care_type: Option<CareType>,
    pub provider: Option<String>,
    pub bridging_care: bool,
    pub intake_on: Option<NaiveDate>,
    pub triaged_on: Option<NaiveDate>,
    pub care_started_on: Option<NaiveDate>,
    pub planned_end_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub outflow_reason: Option<OutflowReason>,
    pub destination: Option<crate::domain::Destination>,
}

impl Row {
    pub(crate) fn empty(line: u64, referred_on: NaiveDate) -> Row {
        Row {
            line,
            case_ref: None,
            name: None,
            birth_date: None,
            referred_on,
            referrer: None,
            urgency: None,
            worker: None,
            stage: None,
            route: None,
            care_type: None,
            provider: None,
            bridging_care: false,
            intake_on: None,
            triaged_on: None,
            care_started_on: None,
            planned_end_on: None,
            closed_on: None,
            outflow_reason: None,
            destination: None,
        }
    }

    /// Checks every value of a record; returns all problems found.
    pub fn parse(record: &Record, today: NaiveDate) -> Result<Row, Vec<RowError>> {
        let mut errors = Vec::new();
        let error = |column: Column, msg: Msg| RowError {
            line: record.line,
            column: column.name().to_string(),
            msg,
        };
        // A placeholder date keeps the other values checked when referred_on
        // is missing or wrong; the row is refused anyway.
        let mut row = Row::empty(record.line, NaiveDate::MIN);
        if !record.cells.iter().any(|(c, _)| *c == Column::ReferredOn) {
            errors.push(error(Column::ReferredOn, Msg::new("import.required")));
        }
        for (column, value) in &record.cells {
            if let Err(msg) = row.set(*column, value, today) {
                errors.push(error(*column, msg));
            }
        }
        if errors.is_empty() {
            Ok(row)
        } else {
            Err(errors)
        }
    }

    fn set(&mut self, column: Column, value: &str, today: NaiveDate) -> Result<(), Msg> {
        let text = || Some(value.to_string());
        let past = || -> Result<NaiveDate, Msg> {
            let d = parse_date(value)?;
            check_not_future(d, today)?;
            Ok(d)
        };
        match column {
            Column::CaseRef => {
                check_case_ref(value)?;
                self.case_ref = text();
            }
            Column::Name => self.name = text(),
            Column::BirthDate => self.birth_date = Some(past()?),
            Column::ReferredOn => self.referred_on = past()?,
            Column::Referrer => self.referrer = Some(code(value)?),
            Column::Urgency => self.urgency = Some(code(value)?),
            Column::Worker => self.worker = text(),
            Column::Stage => self.stage = Some(code(value)?),
            Column::Route => self.route = Some(code(value)?),
            Column::CareType => self.care_type = Some(code(value)?),
            Column::Provider => self.provider = text(),
            Column::BridgingCare => self.bridging_care = flag(value)?,
            Column::IntakeOn => self.intake_on = Some(past()?),
            Column::TriagedOn => self.triaged_on = Some(past()?),
            Column::CareStartedOn => self.care_started_on = Some(past()?),
            // The planned end of care lies ahead: any date will do.
            Column::PlannedEndOn => self.planned_end_on = Some(parse_date(value)?),
            Column::ClosedOn => self.closed_on = Some(past()?),
            Column::OutflowReason => self.outflow_reason = Some(code(value)?),
            Column::Destination => self.destination = Some(code(value)?),
        }
        Ok(())
    }
}

/// A code, whatever its case: spreadsheets capitalise what people type.
fn code<T: FromStr<Err = UnknownCode>>(value: &str) -> Result<T, Msg> {
    // Most cells are typed as the code is: no lowercase copy for those.
    match value.parse() {
        Ok(code) => Ok(code),
        Err(_) => Ok(value.to_lowercase().parse()?),
    }
}

/// Yes or no, as people and Excel (Dutch: WAAR/ONWAAR) write it.
fn flag(value: &str) -> Result<bool, Msg> {
    match value.to_lowercase().as_str() {
        "true" | "yes" | "ja" | "waar" | "1" | "x" => Ok(true),
        "false" | "no" | "nee" | "onwaar" | "0" => Ok(false),
        _ => Err(Msg::new("error.bad_bool").arg("value", value)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn parse(cells: &[(Column, &str)]) -> Result<Row, Vec<(String, &'static str)>> {
        let record = Record {
            line: 7,
            cells: cells.to_vec(),
        };
        Row::parse(&record, d("2026-06-30"))
            .map_err(|es| es.into_iter().map(|e| (e.column, e.msg.key)).collect())
    }

    #[test]
    fn values_in_both_date_formats_and_any_case() {
        let row = parse(&[
            (Column::ReferredOn, "05-01-2026"),
            (Column::IntakeOn, "2026-01-20"),
            (Column::Referrer, "GP"),
            (Column::Urgency, "Urgent"),
            (Column::BridgingCare, "WAAR"),
            (Column::PlannedEndOn, "31-12-2027"),
            (Column::Name, "=HYPERLINK(\"x\")"),
        ])
        .unwrap();
        assert_eq!(row.line, 7);
        assert_eq!(row.referred_on, d("2026-01-05"));
        assert_eq!(row.intake_on, Some(d("2026-01-20")));
        assert_eq!(row.referrer, Some(Referrer::Gp));
        assert_eq!(row.urgency, Some(Urgency::Urgent));
        assert!(row.bridging_care);
        assert_eq!(row.planned_end_on, Some(d("2027-12-31")));
        assert_eq!(row.name.as_deref(), Some("=HYPERLINK(\"x\")"));
    }

    #[test]
    fn every_bad_value_is_reported_with_its_column() {
        let errors = parse(&[
            (Column::CaseRef, "a b"),
            (Column::BirthDate, "2026-07-01"),
            (Column::Referrer, "huisarts"),
            (Column::IntakeOn, "31-02-2026"),
            (Column::BridgingCare, "misschien"),
        ])
        .unwrap_err();
        assert_eq!(
            errors,
            vec![
                ("referred_on".to_string(), "import.required"),
                ("case_ref".to_string(), "error.bad_case_ref"),
                ("birth_date".to_string(), "error.date_in_future"),
                ("referrer".to_string(), "error.unknown_code"),
                ("intake_on".to_string(), "error.bad_date"),
                ("bridging_care".to_string(), "error.bad_bool"),
            ]
        );
    }

    #[test]
    fn planned_end_may_lie_ahead_but_lifecycle_dates_may_not() {
        assert!(
            parse(&[
                (Column::ReferredOn, "2026-01-05"),
                (Column::PlannedEndOn, "2028-01-01")
            ])
            .is_ok()
        );
        assert_eq!(
            parse(&[(Column::ReferredOn, "2026-07-01")]).unwrap_err(),
            vec![("referred_on".to_string(), "error.date_in_future")]
        );
    }
}
