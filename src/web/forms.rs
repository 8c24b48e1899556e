//! Helpers for forms: messages beside fields, and reading typed values from what was typed.

use std::collections::BTreeMap;

/// Messages beside the fields of a form that was refused, by field name.
#[derive(Debug, Default, Clone)]
pub struct FieldErrors(BTreeMap<&'static str, String>);

impl FieldErrors {
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.entry(field).or_insert_with(|| message.into());
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    pub fn has(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Trimmed text; `None` when empty.
pub fn optional(value: &str) -> Option<String> {
    let trimmed = value.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

/// True for a checked checkbox.
pub fn checked(value: &Option<String>) -> bool {
    value
        .as_deref()
        .is_some_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// The name of the constraint a database error violated, if it was a constraint violation.
pub fn violated_constraint(error: &sqlx::Error) -> Option<String> {
    error
        .as_database_error()
        .and_then(|e| e.constraint().map(str::to_owned))
}

/// A plausible email address (the mail server has the last word).
pub fn looks_like_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !value.chars().any(char::is_whitespace)
        && value.len() <= 254
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert!(looks_like_email("cb1@hanoi.gov.vn"));
        assert!(!looks_like_email("cb1@hanoi"));
        assert!(!looks_like_email("cb 1@hanoi.gov.vn"));
        assert!(!looks_like_email("hanoi.gov.vn"));
    }

    #[test]
    fn errors_keep_the_first_message() {
        let mut e = FieldErrors::default();
        e.add("code", "first");
        e.add("code", "second");
        assert_eq!(e.get("code"), Some("first"));
        assert!(e.has("code") && !e.has("name") && !e.is_empty());
    }
}
