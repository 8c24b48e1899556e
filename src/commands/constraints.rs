//! The constraints a change can still violate once its values passed their checks (another
//! person saved the same code meanwhile, say), and the message each one gives, beside the
//! field it concerns: one table, keyed by the names the migrations give the constraints.

use super::Refusal;
use crate::domain::input::{FieldErrors, Invalid, REQUIRED, limits};

/// (constraint, field, message).
const REFUSALS: &[(&str, &str, Invalid)] = &[
    (
        "fields_code_key",
        "code",
        Invalid::new("admin.fields.code_taken"),
    ),
    (
        "units_code_key",
        "code",
        Invalid::new("admin.units.code_taken"),
    ),
    (
        "users_username_key",
        "username",
        Invalid::new("admin.users.username_taken"),
    ),
    (
        "sources_doc_number_key",
        "doc_number",
        Invalid::new("admin.sources.number_taken"),
    ),
    (
        "shortcomings_code_key",
        "code",
        Invalid::new("shortcoming_form.code_taken"),
    ),
    (
        "plans_issued_has_number",
        "doc_number",
        Invalid::new("plan_form.number_required"),
    ),
    ("plans_title_present", "title", REQUIRED),
    (
        "report_regimes_name_key",
        "name",
        Invalid::new("regime_form.name_taken"),
    ),
    (
        "calendar_days_pkey",
        "day",
        Invalid::new("admin.calendar.day_listed"),
    ),
    (
        "extension_requests_one_pending",
        "form",
        Invalid::new("extension.already_pending"),
    ),
];

/// The field errors for a violated constraint: one of [`REFUSALS`], or a text longer than its
/// column takes (`<table>_<column>_length`, beside the field of the column's name).
fn field_errors(error: &sqlx::Error) -> Option<FieldErrors> {
    let constraint = error.as_database_error()?.constraint()?;
    if let Some((_, field, invalid)) = REFUSALS.iter().find(|(name, ..)| *name == constraint) {
        return Some(FieldErrors::refused(field, invalid.clone()));
    }
    limits::ALL
        .iter()
        .find(|limit| limit.constraint() == constraint)
        .map(|limit| FieldErrors::refused(limit.column, limit.too_long()))
}

/// Turns the constraint violations a write can cause into [`Refusal::Invalid`]; any other
/// database error stays one.
pub trait OrRefuse<T> {
    fn or_refuse(self) -> Result<T, Refusal>;
}

impl<T> OrRefuse<T> for Result<T, sqlx::Error> {
    fn or_refuse(self) -> Result<T, Refusal> {
        self.map_err(|error| match field_errors(&error) {
            Some(errors) => Refusal::Invalid(errors),
            None => Refusal::Database(error),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_constraint_is_listed_once() {
        let mut names: Vec<&str> = REFUSALS.iter().map(|(name, ..)| *name).collect();
        names.sort_unstable();
        let count = names.len();
        names.dedup();
        assert_eq!(names.len(), count);
    }
}
