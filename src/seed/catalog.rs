//! The lists behind the demo data, kept as TOML files in the repository's `demo/` directory so
//! that people at the City can edit them: the units, the fields, the source documents, the 33
//! shortcomings with their measures, the parts of people's names and what people write in a
//! task's history. They are embedded in the binary and read when the demo data is loaded.
//!
//! Rows name each other by their codes (a unit's code, a field's code, a source's key), never
//! by database ids. Every name is checked as the files are read, so a mistake is reported with
//! its file and row rather than found half-way through a load.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;
use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};

use crate::domain::calendar::CalendarDayKind;
use crate::domain::periods::{CutoffDay, PeriodKind};
use crate::domain::reports::DUE_WORKING_DAYS;
use crate::domain::{SourceKind, UnitKind};

/// The code of the City office, the one `city_office` unit, which the City's accounts belong to.
pub const CITY_OFFICE: &str = "VPUB";

/// The groups of lead units every catalog has, besides those `units.toml` names.
const ALL_DEPARTMENTS: &str = "all-departments";
const ALL_DISTRICTS: &str = "all-districts";

const UNITS_FILE: &str = "demo/units.toml";
const FIELDS_FILE: &str = "demo/fields.toml";
const SOURCES_FILE: &str = "demo/sources.toml";
const SHORTCOMINGS_FILE: &str = "demo/shortcomings.toml";
const NAMES_FILE: &str = "demo/names.toml";
const NOTES_FILE: &str = "demo/notes.toml";
const REPORTS_FILE: &str = "demo/reports.toml";

/// The files' text, as embedded in the binary.
const EMBEDDED: Texts<'static> = Texts {
    units: include_str!("../../demo/units.toml"),
    fields: include_str!("../../demo/fields.toml"),
    sources: include_str!("../../demo/sources.toml"),
    shortcomings: include_str!("../../demo/shortcomings.toml"),
    names: include_str!("../../demo/names.toml"),
    notes: include_str!("../../demo/notes.toml"),
    reports: include_str!("../../demo/reports.toml"),
};

/// The demo data's lists, read from `demo/*.toml` and checked: every code a row names exists.
#[derive(Debug, Clone)]
pub struct Catalog {
    /// In the order the portal lists them; a division after its parent.
    pub units: Vec<Unit>,
    pub fields: Vec<Field>,
    pub sources: Vec<Source>,
    pub shortcomings: Vec<Shortcoming>,
    pub names: Names,
    pub notes: Notes,
    pub regimes: Vec<Regime>,
    /// The listed days of the working-day calendar.
    pub days: Vec<CalendarDay>,
}

/// A unit (`demo/units.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    pub code: String,
    pub name: String,
    pub short_name: String,
    pub kind: UnitKind,
    /// The code of the unit it belongs to, for divisions.
    pub parent: Option<String>,
    /// The title of the unit's head.
    pub head_title: String,
}

/// A field of state management (`demo/fields.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
}

/// A source document (`demo/sources.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// What shortcomings name it by.
    pub key: String,
    pub kind: SourceKind,
    pub doc_number: Option<String>,
    #[serde(default, deserialize_with = "toml_date")]
    pub doc_date: Option<NaiveDate>,
    pub issuing_body: String,
    pub title: String,
}

/// A shortcoming and the measures that remedy it (`demo/shortcomings.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shortcoming {
    pub code: String,
    /// The field's code.
    pub field: String,
    /// The lead unit's code.
    pub lead: String,
    pub title: String,
    pub description: String,
    /// The source documents' keys.
    pub sources: Vec<String>,
    #[serde(rename = "measure", default)]
    pub measures: Vec<Measure>,
}

/// A remediation measure: one task per lead unit.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Measure {
    /// The task title; `{unit}` stands for the lead unit's name.
    pub title: String,
    pub expected: String,
    /// The lead units' codes, in order (the file may name groups; they are expanded here).
    pub leads: Vec<String>,
    /// Candidate coordinating units' codes (the demo chooses 0–3, never the lead).
    #[serde(default)]
    pub coordinators: Vec<String>,
}

/// Parts of the fictional names of demo accounts (`demo/names.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Names {
    pub family: Vec<String>,
    pub middle: Vec<String>,
    pub given: Vec<String>,
}

/// What people write in a task's history (`demo/notes.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Notes {
    /// Notes officers write when they report progress.
    pub progress: Vec<String>,
    /// What coordinating units contribute.
    pub contribution: Vec<String>,
    /// Questions units raise to the City.
    pub escalation: Vec<String>,
    /// Reasons given when a later deadline is requested.
    pub extension_reason: Vec<String>,
}

/// A report regime (`demo/reports.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Regime {
    pub name: String,
    pub period: PeriodKind,
    pub cutoff_day: u32,
    pub due_working_days: u32,
    pub coordinators: bool,
}

/// A listed day of the working-day calendar (`demo/reports.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarDay {
    #[serde(deserialize_with = "toml_day")]
    pub date: NaiveDate,
    pub kind: CalendarDayKind,
    pub name: String,
}

/// A mistake in one of the demo files: the file, and what is wrong in which row.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {message}")]
pub struct CatalogError {
    pub file: &'static str,
    pub message: String,
}

impl CatalogError {
    fn new(file: &'static str, message: impl Into<String>) -> CatalogError {
        CatalogError {
            file,
            message: message.into(),
        }
    }
}

/// The text of each file.
#[derive(Debug, Clone, Copy)]
struct Texts<'a> {
    units: &'a str,
    fields: &'a str,
    sources: &'a str,
    shortcomings: &'a str,
    names: &'a str,
    notes: &'a str,
    reports: &'a str,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitsFile {
    #[serde(rename = "unit")]
    units: Vec<Unit>,
    /// Lists of unit codes a measure may name as its leads.
    #[serde(default)]
    groups: BTreeMap<String, Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReportsFile {
    #[serde(rename = "regime")]
    regimes: Vec<Regime>,
    #[serde(rename = "day")]
    days: Vec<CalendarDay>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldsFile {
    #[serde(rename = "field")]
    fields: Vec<Field>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SourcesFile {
    #[serde(rename = "source")]
    sources: Vec<Source>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ShortcomingsFile {
    #[serde(rename = "shortcoming")]
    shortcomings: Vec<Shortcoming>,
}

impl Catalog {
    /// Reads and checks the files embedded in the binary.
    pub fn embedded() -> Result<Catalog, CatalogError> {
        Catalog::read(EMBEDDED)
    }

    /// The unit with this code.
    pub fn unit(&self, code: &str) -> Option<&Unit> {
        self.units.iter().find(|u| u.code == code)
    }

    fn read(texts: Texts<'_>) -> Result<Catalog, CatalogError> {
        let UnitsFile { units, groups } = parse(UNITS_FILE, texts.units)?;
        check_units(&units)?;
        check_groups(&units, &groups)?;
        let FieldsFile { fields } = parse(FIELDS_FILE, texts.fields)?;
        unique(FIELDS_FILE, "field", fields.iter().map(|f| f.code.as_str()))?;
        let SourcesFile { sources } = parse(SOURCES_FILE, texts.sources)?;
        unique(
            SOURCES_FILE,
            "source",
            sources.iter().map(|s| s.key.as_str()),
        )?;
        let names: Names = parse(NAMES_FILE, texts.names)?;
        not_empty(NAMES_FILE, &[&names.family, &names.middle, &names.given])?;
        let notes: Notes = parse(NOTES_FILE, texts.notes)?;
        not_empty(
            NOTES_FILE,
            &[
                &notes.progress,
                &notes.contribution,
                &notes.escalation,
                &notes.extension_reason,
            ],
        )?;
        let ReportsFile { regimes, days } = parse(REPORTS_FILE, texts.reports)?;
        check_regimes(&regimes)?;
        let dates: Vec<String> = days.iter().map(|d| d.date.to_string()).collect();
        unique(REPORTS_FILE, "day", dates.iter().map(String::as_str))?;
        let mut catalog = Catalog {
            units,
            fields,
            sources,
            shortcomings: Vec::new(),
            names,
            notes,
            regimes,
            days,
        };
        let ShortcomingsFile { shortcomings } = parse(SHORTCOMINGS_FILE, texts.shortcomings)?;
        catalog.shortcomings = catalog.resolve_shortcomings(shortcomings, &groups)?;
        Ok(catalog)
    }

    /// Checks every code the shortcomings name and expands the groups among their measures'
    /// leads into units.
    fn resolve_shortcomings(
        &self,
        mut shortcomings: Vec<Shortcoming>,
        groups: &BTreeMap<String, Vec<String>>,
    ) -> Result<Vec<Shortcoming>, CatalogError> {
        let error = |code: &str, message: String| {
            CatalogError::new(SHORTCOMINGS_FILE, format!("shortcoming {code}: {message}"))
        };
        unique(
            SHORTCOMINGS_FILE,
            "shortcoming",
            shortcomings.iter().map(|s| s.code.as_str()),
        )?;
        for shortcoming in &mut shortcomings {
            let code = shortcoming.code.clone();
            if !self.fields.iter().any(|f| f.code == shortcoming.field) {
                let field = &shortcoming.field;
                return Err(error(
                    &code,
                    format!("field {field} is not in {FIELDS_FILE}"),
                ));
            }
            self.known_unit(&shortcoming.lead, "lead unit")
                .map_err(|m| error(&code, m))?;
            for key in &shortcoming.sources {
                if !self.sources.iter().any(|s| &s.key == key) {
                    return Err(error(
                        &code,
                        format!("source {key} is not in {SOURCES_FILE}"),
                    ));
                }
            }
            for (n, measure) in shortcoming.measures.iter_mut().enumerate() {
                self.resolve_measure(measure, groups)
                    .map_err(|m| error(&code, format!("measure {}: {m}", n + 1)))?;
            }
        }
        Ok(shortcomings)
    }

    /// Checks a measure's units and replaces the groups among its leads by their units.
    fn resolve_measure(
        &self,
        measure: &mut Measure,
        groups: &BTreeMap<String, Vec<String>>,
    ) -> Result<(), String> {
        if measure.leads.is_empty() {
            return Err("leads names no unit".to_owned());
        }
        let mut leads = Vec::new();
        for entry in &measure.leads {
            match self.group(entry, groups) {
                Some(units) => leads.extend(units),
                None if self.unit(entry).is_some() => leads.push(entry.clone()),
                None => {
                    return Err(format!(
                        "lead unit {entry} is neither a unit of {UNITS_FILE} nor a group of units \
                         ({ALL_DEPARTMENTS}, {ALL_DISTRICTS} or one of its [groups])"
                    ));
                }
            }
        }
        measure.leads = leads;
        for code in &measure.coordinators {
            self.known_unit(code, "coordinating unit")?;
        }
        Ok(())
    }

    /// The units of a group of lead units, if `name` is one.
    fn group(&self, name: &str, groups: &BTreeMap<String, Vec<String>>) -> Option<Vec<String>> {
        let of_kind = |kind| {
            self.units
                .iter()
                .filter(|u| u.kind == kind)
                .map(|u| u.code.clone())
                .collect()
        };
        match name {
            ALL_DEPARTMENTS => Some(of_kind(UnitKind::Department)),
            ALL_DISTRICTS => Some(of_kind(UnitKind::District)),
            _ => groups.get(name).cloned(),
        }
    }

    fn known_unit(&self, code: &str, what: &str) -> Result<(), String> {
        match self.unit(code) {
            Some(_) => Ok(()),
            None => Err(format!("{what} {code} is not in {UNITS_FILE}")),
        }
    }
}

fn parse<T: DeserializeOwned>(file: &'static str, text: &str) -> Result<T, CatalogError> {
    toml::from_str(text).map_err(|e| CatalogError::new(file, e.to_string()))
}

/// A date as TOML writes it (`2019-03-15`, no quotes).
fn toml_date<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<NaiveDate>, D::Error> {
    let value = toml::value::Datetime::deserialize(deserializer)?;
    let date = match (value.date, value.time, value.offset) {
        (Some(date), None, None) => NaiveDate::from_ymd_opt(
            i32::from(date.year),
            u32::from(date.month),
            u32::from(date.day),
        ),
        _ => None,
    };
    date.map(Some)
        .ok_or_else(|| D::Error::custom(format!("{value} is not a date (year-month-day)")))
}

/// A date that must be there (see [`toml_date`]).
fn toml_day<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
    toml_date(deserializer)?.ok_or_else(|| D::Error::custom("a date is needed"))
}

/// The regimes' names are unique and their dates within what the portal takes.
fn check_regimes(regimes: &[Regime]) -> Result<(), CatalogError> {
    unique(
        REPORTS_FILE,
        "regime",
        regimes.iter().map(|r| r.name.as_str()),
    )?;
    for regime in regimes {
        if CutoffDay::new(regime.cutoff_day).is_none()
            || !DUE_WORKING_DAYS.contains(&regime.due_working_days)
        {
            let message = format!(
                "regime {}: cutoff_day or due_working_days out of range",
                regime.name
            );
            return Err(CatalogError::new(REPORTS_FILE, message));
        }
    }
    Ok(())
}

/// The units' codes are unique, their kinds those the demo gives accounts, the City office is
/// `VPUB` and alone of its kind, and every parent comes before its divisions.
fn check_units(units: &[Unit]) -> Result<(), CatalogError> {
    let error = |code: &str, message: String| {
        CatalogError::new(UNITS_FILE, format!("unit {code}: {message}"))
    };
    let mut above = HashSet::new();
    for unit in units {
        let code = unit.code.as_str();
        match unit.kind {
            UnitKind::Commune => {
                return Err(error(
                    code,
                    "kind commune is not used by the demo data (city_office, department, \
                     district or division)"
                        .to_owned(),
                ));
            }
            UnitKind::CityOffice if code != CITY_OFFICE => {
                return Err(error(
                    code,
                    format!("only {CITY_OFFICE}, the City office, is a city_office"),
                ));
            }
            _ if code == CITY_OFFICE && unit.kind != UnitKind::CityOffice => {
                return Err(error(
                    code,
                    "the City office's kind is city_office".to_owned(),
                ));
            }
            _ => {}
        }
        if let Some(parent) = &unit.parent
            && !above.contains(parent.as_str())
        {
            return Err(error(
                code,
                format!("parent {parent} is not a unit written above it"),
            ));
        }
        if !above.insert(code) {
            return Err(error(code, "written twice".to_owned()));
        }
    }
    if !above.contains(CITY_OFFICE) {
        return Err(CatalogError::new(
            UNITS_FILE,
            format!("no unit {CITY_OFFICE} (the City office)"),
        ));
    }
    Ok(())
}

/// Every group's units exist, and no group has a unit's name or a built-in group's.
fn check_groups(
    units: &[Unit],
    groups: &BTreeMap<String, Vec<String>>,
) -> Result<(), CatalogError> {
    for (name, members) in groups {
        let error =
            |message: String| CatalogError::new(UNITS_FILE, format!("group {name}: {message}"));
        if [ALL_DEPARTMENTS, ALL_DISTRICTS].contains(&name.as_str())
            || units.iter().any(|u| &u.code == name)
        {
            return Err(error(
                "has the name of a unit or of a built-in group".to_owned(),
            ));
        }
        if let Some(missing) = members
            .iter()
            .find(|code| !units.iter().any(|u| &u.code == *code))
        {
            return Err(error(format!("no unit {missing}")));
        }
    }
    Ok(())
}

/// Each code appears once.
fn unique<'a>(
    file: &'static str,
    what: &str,
    codes: impl Iterator<Item = &'a str>,
) -> Result<(), CatalogError> {
    let mut seen = HashSet::new();
    for code in codes {
        if !seen.insert(code) {
            return Err(CatalogError::new(
                file,
                format!("{what} {code}: written twice"),
            ));
        }
    }
    Ok(())
}

/// Lists something is drawn from have something to draw.
fn not_empty(file: &'static str, lists: &[&Vec<String>]) -> Result<(), CatalogError> {
    if lists.iter().any(|list| list.is_empty()) {
        return Err(CatalogError::new(file, "a list is empty"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;

    /// The embedded files with `from` replaced by `to` in one of them.
    fn with(file: &str, from: &str, to: &str) -> Result<Catalog, CatalogError> {
        let mut texts = EMBEDDED;
        let text = match file {
            UNITS_FILE => &mut texts.units,
            SOURCES_FILE => &mut texts.sources,
            SHORTCOMINGS_FILE => &mut texts.shortcomings,
            NAMES_FILE => &mut texts.names,
            REPORTS_FILE => &mut texts.reports,
            other => panic!("{other}"),
        };
        assert!(text.contains(from), "{file} has no {from}");
        let changed = text.replacen(from, to, 1);
        *text = changed.leak();
        Catalog::read(texts)
    }

    fn message(file: &str, from: &str, to: &str) -> String {
        let Err(error) = with(file, from, to) else {
            panic!("{file} with {to} instead of {from} was accepted");
        };
        assert_eq!(error.file, file, "{error}");
        error.to_string()
    }

    #[test]
    fn the_files_parse_and_hold_the_demo() {
        let catalog = Catalog::embedded().unwrap();
        let count = |kind| catalog.units.iter().filter(|u| u.kind == kind).count();
        assert_eq!(count(UnitKind::CityOffice), 1);
        assert_eq!(count(UnitKind::Department), 20);
        assert_eq!(count(UnitKind::District), 30);
        assert_eq!(count(UnitKind::Division), 5);
        assert_eq!(catalog.fields.len(), 14);
        assert_eq!(catalog.sources.len(), 10);
        assert_eq!(catalog.shortcomings.len(), 33);
        let unghoa = catalog.unit("UNGHOA").unwrap();
        assert_eq!(unghoa.name, "UBND huyện Ứng Hòa");
        let plan = &catalog.sources[0];
        assert_eq!(plan.doc_number.as_deref(), Some("68/KH-UBND"));
        assert_eq!(plan.doc_date, NaiveDate::from_ymd_opt(2019, 3, 15));
        assert_eq!(catalog.sources[5].doc_date, None);
    }

    #[test]
    fn the_reports_file_holds_the_regimes_and_three_years_of_days_off() {
        let catalog = Catalog::embedded().unwrap();
        let kinds: Vec<PeriodKind> = catalog.regimes.iter().map(|r| r.period).collect();
        assert_eq!(kinds, [PeriodKind::Quarter, PeriodKind::Month]);
        for year in 2025..=2027 {
            let tet = catalog
                .days
                .iter()
                .filter(|d| d.date.year() == year && d.name.starts_with("Tết Nguyên đán"))
                .count();
            assert!(tet >= 5, "{year}: Tết has {tet} days");
        }
        let range = message(REPORTS_FILE, "due_working_days = 3", "due_working_days = 0");
        assert!(range.contains("out of range"), "{range}");
        let twice = message(REPORTS_FILE, "date = 2025-01-28", "date = 2025-01-27");
        assert!(twice.contains("2025-01-27: written twice"), "{twice}");
    }

    #[test]
    fn every_reference_resolves() {
        let catalog = Catalog::embedded().unwrap();
        for unit in &catalog.units {
            if let Some(parent) = &unit.parent {
                assert!(catalog.unit(parent).is_some(), "{}", unit.code);
            }
        }
        for shortcoming in &catalog.shortcomings {
            assert!(catalog.unit(&shortcoming.lead).is_some());
            assert!(catalog.fields.iter().any(|f| f.code == shortcoming.field));
            for key in &shortcoming.sources {
                assert!(catalog.sources.iter().any(|s| &s.key == key), "{key}");
            }
            for measure in &shortcoming.measures {
                for code in measure.leads.iter().chain(&measure.coordinators) {
                    assert!(catalog.unit(code).is_some(), "{code}");
                }
            }
        }
    }

    #[test]
    fn groups_of_leads_are_expanded_in_the_units_order() {
        let catalog = Catalog::embedded().unwrap();
        let leads = |code: &str, n: usize| {
            let shortcoming = catalog.shortcomings.iter().find(|s| s.code == code);
            shortcoming.unwrap().measures[n].leads.clone()
        };
        // all-districts
        let districts = leads("TT-01", 0);
        assert_eq!(districts.len(), 30);
        assert_eq!(
            (districts[0].as_str(), districts[29].as_str()),
            ("BADINH", "UNGHOA")
        );
        // all-departments
        assert_eq!(leads("TT-25", 1).len(), 20);
        // rural-districts and urban-districts, from units.toml's [groups]
        assert_eq!(leads("TT-06", 0).len(), 18);
        assert_eq!(leads("TT-14", 0).len(), 12);
        assert_eq!(leads("TT-01", 1), ["STNMT"]);
        assert_eq!(
            leads("TT-22", 1),
            ["BADINH", "DONGDA", "HAIBATRUNG", "HOANKIEM", "THANHXUAN"]
        );
        let tasks: usize = catalog
            .shortcomings
            .iter()
            .flat_map(|s| &s.measures)
            .map(|m| m.leads.len())
            .sum();
        assert_eq!(tasks, 383);
    }

    #[test]
    fn a_reference_that_does_not_resolve_names_its_file_and_row() {
        let shortcomings = SHORTCOMINGS_FILE;
        let error = message(shortcomings, "lead = \"STNMT\"", "lead = \"STNMTT\"");
        assert!(
            error.contains("shortcoming TT-01: lead unit STNMTT"),
            "{error}"
        );
        let error = message(shortcomings, "field = \"DD\"", "field = \"DDD\"");
        assert!(error.contains("shortcoming TT-01: field DDD is not in demo/fields.toml"));
        let error = message(shortcomings, "\"kl1203\", \"kl1468\"]", "\"kl1204\"]");
        assert!(
            error.contains("shortcoming TT-01: source kl1204"),
            "{error}"
        );
        let error = message(shortcomings, "leads = [\"STNMT\"]", "leads = [\"rural\"]");
        assert!(
            error.contains("shortcoming TT-01: measure 2: lead unit rural"),
            "{error}"
        );
        let error = message(shortcomings, "leads = [\"STNMT\"]", "leads = []");
        assert!(error.contains("measure 2: leads names no unit"), "{error}");
        let error = message(shortcomings, "\"TTTP\", \"SXD\"]", "\"TTTP\", \"SXDD\"]");
        assert!(
            error.contains("measure 2: coordinating unit SXDD"),
            "{error}"
        );
        let error = message(shortcomings, "code = \"TT-02\"", "code = \"TT-01\"");
        assert!(
            error.contains("shortcoming TT-01: written twice"),
            "{error}"
        );

        let error = message(UNITS_FILE, "parent = \"STNMT\"", "parent = \"STNMTT\"");
        assert!(
            error.contains("unit STNMT.CCBVMT: parent STNMTT"),
            "{error}"
        );
        let error = message(UNITS_FILE, "    \"BAVI\",", "    \"BAVII\",");
        assert!(
            error.contains("group rural-districts: no unit BAVII"),
            "{error}"
        );
        let error = message(UNITS_FILE, "code = \"VPUB\"", "code = \"VP\"");
        assert!(error.contains("unit VP: only VPUB"), "{error}");
        let error = message(UNITS_FILE, "kind = \"district\"", "kind = \"commune\"");
        assert!(error.contains("unit BADINH: kind commune"), "{error}");
    }

    #[test]
    fn a_mistyped_row_names_its_file_and_line() {
        let error = message(UNITS_FILE, "kind = \"department\"", "kind = \"ministry\"");
        assert!(error.contains("line 29"), "{error}");
        assert!(error.contains("ministry"), "{error}");
        let error = message(
            SOURCES_FILE,
            "doc_date = 2019-03-15",
            "doc_date = \"15/03/2019\"",
        );
        assert!(error.contains("doc_date"), "{error}");
        let error = message(
            SOURCES_FILE,
            "doc_date = 2019-03-15",
            "doc_date = 2019-03-15T08:00:00",
        );
        assert!(error.contains("not a date"), "{error}");
        let error = message(NAMES_FILE, "family = [", "familly = [");
        assert!(error.contains("familly"), "{error}");
    }
}
