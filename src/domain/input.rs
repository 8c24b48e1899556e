//! What people type, as the portal takes it: trimmed, within the lengths the database holds
//! each column to, in the formats codes and names follow. A value that does not fit is refused
//! with the message shown beside its field ([`Invalid`]); a form's refusals are collected in
//! [`FieldErrors`].
//!
//! Every length is defined once, in [`limits`], and a CHECK constraint of the same name holds
//! the column to it (`migrations/20261205000005_text_limits.sql`; a test compares the two).

use std::collections::BTreeMap;

use crate::i18n::Catalog;

/// Why a typed value was refused: the catalog key of the message beside the field, and the
/// value of its `{n}` when it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub key: &'static str,
    pub value: Option<String>,
}

impl Invalid {
    /// The message `key`, with nothing to fill in.
    pub const fn new(key: &'static str) -> Self {
        Invalid { key, value: None }
    }

    /// The message `key` with its `{n}`.
    pub fn with(key: &'static str, value: impl ToString) -> Self {
        Invalid {
            key,
            value: Some(value.to_string()),
        }
    }
}

/// A field left empty that must be filled.
pub const REQUIRED: Invalid = Invalid::new("form.required");
/// A list or a choice with nothing chosen.
pub const CHOOSE: Invalid = Invalid::new("form.choose");

/// Text as typed, trimmed and without NUL characters (the form extractors already refuse a
/// request carrying one; PostgreSQL cannot store it).
pub fn clean(raw: &str) -> String {
    raw.replace('\0', "").trim().to_owned()
}

/// An id chosen in a form or a filter (a positive number), if it is one.
pub fn id(raw: &str) -> Option<i64> {
    raw.trim().parse::<i64>().ok().filter(|id| *id > 0)
}

/// The longest text a column takes, in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub table: &'static str,
    pub column: &'static str,
    pub max: usize,
}

impl Limit {
    /// The name of the CHECK constraint that holds the column to this length.
    pub fn constraint(&self) -> String {
        format!("{}_{}_length", self.table, self.column)
    }

    /// The refusal of a text longer than this, which says how long it may be.
    pub fn too_long(&self) -> Invalid {
        Invalid::with("form.too_long_max", self.max)
    }

    /// Text that must be there and fit.
    pub fn required(&self, raw: &str) -> Result<String, Invalid> {
        match self.text(raw)? {
            text if text.is_empty() => Err(REQUIRED),
            text => Ok(text),
        }
    }

    /// Text that may be left empty (stored as empty text), and must fit.
    pub fn text(&self, raw: &str) -> Result<String, Invalid> {
        let text = clean(raw);
        if text.chars().count() > self.max {
            Err(self.too_long())
        } else {
            Ok(text)
        }
    }

    /// Text that may be left empty (stored as no value), and must fit.
    pub fn optional(&self, raw: &str) -> Result<Option<String>, Invalid> {
        self.text(raw)
            .map(|text| (!text.is_empty()).then_some(text))
    }
}

/// The length of every text column people type into.
pub mod limits {
    use super::Limit;

    const fn limit(table: &'static str, column: &'static str, max: usize) -> Limit {
        Limit { table, column, max }
    }

    /// Free text: a description, a note, a reason, a question, an answer, a message.
    pub const LONG_TEXT: usize = 4_000;
    /// A document's number and sign ("125/KH-UBND").
    pub const DOC_NUMBER: usize = 60;
    /// The title of a document, a shortcoming, a plan or a task.
    pub const TITLE: usize = 500;
    /// A name: of a unit, a field, a body, the leader in charge, a coordinating unit's part.
    pub const NAME: usize = 200;

    pub const UNIT_CODE: Limit = limit("units", "code", 32);
    pub const UNIT_NAME: Limit = limit("units", "name", NAME);
    pub const UNIT_SHORT_NAME: Limit = limit("units", "short_name", 80);
    pub const USERNAME: Limit = limit("users", "username", 64);
    pub const USER_FULL_NAME: Limit = limit("users", "full_name", 120);
    pub const USER_TITLE: Limit = limit("users", "title", 120);
    pub const USER_EMAIL: Limit = limit("users", "email", 254);
    pub const USER_PHONE: Limit = limit("users", "phone", 40);
    pub const FIELD_CODE: Limit = limit("fields", "code", 16);
    pub const FIELD_NAME_VI: Limit = limit("fields", "name_vi", NAME);
    pub const FIELD_NAME_EN: Limit = limit("fields", "name_en", NAME);
    pub const SOURCE_DOC_NUMBER: Limit = limit("sources", "doc_number", DOC_NUMBER);
    pub const SOURCE_ISSUING_BODY: Limit = limit("sources", "issuing_body", NAME);
    pub const SOURCE_TITLE: Limit = limit("sources", "title", TITLE);
    pub const SOURCE_SUMMARY: Limit = limit("sources", "summary", 10_000);
    pub const SHORTCOMING_TITLE: Limit = limit("shortcomings", "title", TITLE);
    pub const SHORTCOMING_DESCRIPTION: Limit = limit("shortcomings", "description", 10_000);
    pub const PLAN_DOC_NUMBER: Limit = limit("plans", "doc_number", DOC_NUMBER);
    pub const PLAN_TITLE: Limit = limit("plans", "title", TITLE);
    pub const TASK_TITLE: Limit = limit("tasks", "title", TITLE);
    pub const TASK_DESCRIPTION: Limit = limit("tasks", "description", LONG_TEXT);
    pub const TASK_EXPECTED_RESULT: Limit = limit("tasks", "expected_result", LONG_TEXT);
    pub const TASK_LEADER: Limit = limit("tasks", "leader_in_charge", NAME);
    pub const COORDINATOR_ROLE: Limit = limit("task_coordinators", "role_text", NAME);
    pub const UPDATE_NOTE: Limit = limit("task_updates", "note", LONG_TEXT);
    pub const EXTENSION_REASON: Limit = limit("extension_requests", "reason", LONG_TEXT);
    pub const EXTENSION_DOC_NUMBER: Limit = limit("extension_requests", "doc_number", DOC_NUMBER);
    pub const EXTENSION_DECISION_NOTE: Limit =
        limit("extension_requests", "decision_note", LONG_TEXT);
    pub const QUESTION: Limit = limit("escalations", "question", LONG_TEXT);
    pub const ANSWER: Limit = limit("escalations", "response", LONG_TEXT);
    pub const REMINDER_DOC_NUMBER: Limit = limit("reminders", "doc_number", DOC_NUMBER);
    pub const REMINDER_MESSAGE: Limit = limit("reminders", "message", LONG_TEXT);
    pub const CALENDAR_DAY_NAME: Limit = limit("calendar_days", "name", NAME);
    pub const REGIME_NAME: Limit = limit("report_regimes", "name", NAME);
    pub const REPORT_DECISION_NOTE: Limit = limit("report_submissions", "decision_note", LONG_TEXT);

    /// Every limit, for the test that holds the database's constraints to them.
    pub const ALL: [Limit; 35] = [
        UNIT_CODE,
        UNIT_NAME,
        UNIT_SHORT_NAME,
        USERNAME,
        USER_FULL_NAME,
        USER_TITLE,
        USER_EMAIL,
        USER_PHONE,
        FIELD_CODE,
        FIELD_NAME_VI,
        FIELD_NAME_EN,
        SOURCE_DOC_NUMBER,
        SOURCE_ISSUING_BODY,
        SOURCE_TITLE,
        SOURCE_SUMMARY,
        SHORTCOMING_TITLE,
        SHORTCOMING_DESCRIPTION,
        PLAN_DOC_NUMBER,
        PLAN_TITLE,
        TASK_TITLE,
        TASK_DESCRIPTION,
        TASK_EXPECTED_RESULT,
        TASK_LEADER,
        COORDINATOR_ROLE,
        UPDATE_NOTE,
        EXTENSION_REASON,
        EXTENSION_DOC_NUMBER,
        EXTENSION_DECISION_NOTE,
        QUESTION,
        ANSWER,
        REMINDER_DOC_NUMBER,
        REMINDER_MESSAGE,
        CALENDAR_DAY_NAME,
        REGIME_NAME,
        REPORT_DECISION_NOTE,
    ];
}

/// A code of capitals, digits and `allowed` marks, beginning with a capital or a digit, of at
/// most `limit` characters; typed in any case. `format` is the message for one that is not.
fn code(raw: &str, limit: Limit, allowed: &str, format: &'static str) -> Result<String, Invalid> {
    let code = clean(raw).to_uppercase();
    let well_formed = code.chars().count() <= limit.max
        && code
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || allowed.contains(c));
    match code {
        code if code.is_empty() => Err(REQUIRED),
        code if well_formed => Ok(code),
        _ => Err(Invalid::new(format)),
    }
}

/// A unit's code ("STNMT", "Q.BD"), as the constraint `units_code_format` has it.
pub fn unit_code(raw: &str) -> Result<String, Invalid> {
    code(raw, limits::UNIT_CODE, "_.-", "admin.units.code_format")
}

/// A field's code ("DD", "XD_2").
pub fn field_code(raw: &str) -> Result<String, Invalid> {
    code(raw, limits::FIELD_CODE, "_-", "admin.fields.code_format")
}

/// A username: 2–64 lower-case letters, digits and `._-`, beginning with a letter or a digit
/// (the constraint `users_username_format`); typed in any case.
pub fn username(raw: &str) -> Result<String, Invalid> {
    let name = clean(raw).to_lowercase();
    let well_formed = (2..=limits::USERNAME.max).contains(&name.len())
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
    match name {
        name if name.is_empty() => Err(REQUIRED),
        name if well_formed => Ok(name),
        _ => Err(Invalid::new("admin.users.username_format")),
    }
}

/// A date typed the Vietnamese way (dd/mm/yyyy; a date picker's yyyy-mm-dd too), or none when the field was left empty.
pub fn date(raw: &str) -> Result<Option<chrono::NaiveDate>, Invalid> {
    match clean(raw) {
        text if text.is_empty() => Ok(None),
        text => crate::domain::dates::parse_date(&text)
            .map(Some)
            .ok_or(Invalid::new("form.date_format")),
    }
}

/// A shortcoming's code: `TT-34` (also typed as `tt-34`), two digits, as the City numbers them.
pub fn shortcoming_code(raw: &str) -> Result<String, Invalid> {
    let code = clean(raw).to_uppercase();
    if code.is_empty() {
        return Err(REQUIRED);
    }
    let well_formed = code
        .strip_prefix("TT-")
        .is_some_and(|digits| digits.len() == 2 && digits.chars().all(|c| c.is_ascii_digit()));
    if well_formed {
        Ok(code)
    } else {
        Err(Invalid::new("shortcoming_form.code_format"))
    }
}

/// The year a shortcoming was identified: from 2000 (the constraint
/// `shortcomings_year_range`) to this year.
pub fn year_identified(raw: &str, today: chrono::NaiveDate) -> Result<i16, Invalid> {
    use chrono::Datelike;
    let this_year = today.year();
    raw.trim()
        .parse::<i16>()
        .ok()
        .filter(|year| (2000..=this_year).contains(&i32::from(*year)))
        .ok_or_else(|| Invalid::with("shortcoming_form.year_range", this_year))
}

/// A plausible email address, or none (the mail server has the last word).
pub fn email(raw: &str) -> Result<Option<String>, Invalid> {
    let Some(value) = limits::USER_EMAIL
        .optional(raw)
        .map_err(|_| Invalid::new("admin.users.email_format"))?
    else {
        return Ok(None);
    };
    let plausible = value.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
    }) && !value.chars().any(char::is_whitespace);
    if plausible {
        Ok(Some(value))
    } else {
        Err(Invalid::new("admin.users.email_format"))
    }
}

/// A telephone number as people write it ("024 3825 3536", "+84 (24) 3825-3536"), or none:
/// digits, spaces and `+.-()`, at least six digits.
pub fn phone(raw: &str) -> Result<Option<String>, Invalid> {
    let Some(value) = limits::USER_PHONE
        .optional(raw)
        .map_err(|_| Invalid::new("admin.users.phone_format"))?
    else {
        return Ok(None);
    };
    let plausible = value
        .chars()
        .all(|c| c.is_ascii_digit() || " +.-()".contains(c))
        && value.chars().filter(char::is_ascii_digit).count() >= 6;
    if plausible {
        Ok(Some(value))
    } else {
        Err(Invalid::new("admin.users.phone_format"))
    }
}

/// A message beside a field: a catalog key (with its `{n}`) until the page's language is
/// known, then the text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Message {
    Key(Invalid),
    Text(String),
}

/// Messages beside the fields of a form that was refused, by field name; the first message
/// of a field is kept.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FieldErrors(BTreeMap<&'static str, Message>);

impl FieldErrors {
    /// One message beside one field, already in the page's language.
    pub fn one(field: &'static str, message: impl Into<String>) -> Self {
        let mut errors = FieldErrors::default();
        errors.add(field, message);
        errors
    }

    /// One refusal beside one field.
    pub fn refused(field: &'static str, invalid: Invalid) -> Self {
        let mut errors = FieldErrors::default();
        errors.refuse(field, invalid);
        errors
    }

    /// A message already in the page's language.
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0
            .entry(field)
            .or_insert_with(|| Message::Text(message.into()));
    }

    /// A refusal, put in words when the page is shown ([`FieldErrors::localize`]).
    pub fn refuse(&mut self, field: &'static str, invalid: Invalid) {
        self.0.entry(field).or_insert(Message::Key(invalid));
    }

    /// The value, or `None` with its refusal noted beside `field`.
    pub fn check<T>(&mut self, field: &'static str, value: Result<T, Invalid>) -> Option<T> {
        value.map_err(|invalid| self.refuse(field, invalid)).ok()
    }

    /// Puts every refusal in words, in `catalog`'s language.
    pub fn localize(&mut self, catalog: &'static Catalog) {
        for message in self.0.values_mut() {
            if let Message::Key(invalid) = message {
                let text = match &invalid.value {
                    Some(value) => catalog.format(invalid.key, &[("n", value)]),
                    None => catalog.get(invalid.key).to_owned(),
                };
                *message = Message::Text(text);
            }
        }
    }

    /// The message beside `field` (its catalog key, if not yet put in words).
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(|message| match message {
            Message::Key(invalid) => invalid.key,
            Message::Text(text) => text.as_str(),
        })
    }

    pub fn has(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The fields refused, in order.
    pub fn fields(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.0.keys().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn text_is_trimmed_and_held_to_its_length() {
        let limit = limits::UNIT_SHORT_NAME;
        assert_eq!(limit.required("  Sở TN&MT \0"), Ok("Sở TN&MT".to_owned()));
        assert_eq!(limit.required("   "), Err(REQUIRED));
        assert_eq!(limit.optional("  "), Ok(None));
        assert_eq!(limit.text(""), Ok(String::new()));
        // Characters, not bytes: 80 Vietnamese letters of two bytes each fit.
        assert!(limit.required(&"đ".repeat(80)).is_ok());
        assert_eq!(
            limit.required(&"đ".repeat(81)),
            Err(Invalid::with("form.too_long_max", 80))
        );
        assert_eq!(limit.constraint(), "units_short_name_length");
    }

    #[test]
    fn every_limit_names_a_distinct_column() {
        let mut names: Vec<String> = limits::ALL.iter().map(Limit::constraint).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), limits::ALL.len());
    }

    #[test]
    fn codes_and_usernames() {
        assert_eq!(unit_code(" q.bd "), Ok("Q.BD".to_owned()));
        assert_eq!(unit_code(""), Err(REQUIRED));
        assert!(unit_code(".BD").is_err());
        assert!(unit_code(&"A".repeat(33)).is_err());
        assert_eq!(field_code("xd_2"), Ok("XD_2".to_owned()));
        assert!(field_code("X.D").is_err());
        assert_eq!(username(" Stnmt.CB1 "), Ok("stnmt.cb1".to_owned()));
        assert!(username("a").is_err());
        assert!(username("_admin").is_err());
        assert!(username("nguyễn").is_err());
    }

    #[test]
    fn dates_are_typed_day_first() {
        assert_eq!(date(" "), Ok(None));
        assert_eq!(
            date(" 14/03/2027 "),
            Ok(chrono::NaiveDate::from_ymd_opt(2027, 3, 14))
        );
        assert_eq!(date("2027-03-14"), date("14/03/2027"));
        assert_eq!(date("14.03.2027"), Err(Invalid::new("form.date_format")));
        assert_eq!(date("31/02/2027"), Err(Invalid::new("form.date_format")));
    }

    #[test]
    fn shortcoming_codes_are_tt_and_two_digits() {
        assert_eq!(shortcoming_code(" tt-34 ").as_deref(), Ok("TT-34"));
        assert_eq!(shortcoming_code("TT-05").as_deref(), Ok("TT-05"));
        assert_eq!(shortcoming_code(" "), Err(REQUIRED));
        for wrong in ["TT-5", "TT-345", "TX-34", "TT-3a", "TT-٣٤"] {
            assert!(shortcoming_code(wrong).is_err(), "{wrong}");
        }
    }

    #[test]
    fn years_identified_run_from_2000_to_this_year() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        assert_eq!(year_identified(" 2019 ", today), Ok(2019));
        assert_eq!(year_identified("2026", today), Ok(2026));
        for wrong in ["1999", "2027", "", "năm 2019"] {
            assert_eq!(
                year_identified(wrong, today),
                Err(Invalid::with("shortcoming_form.year_range", 2026)),
                "{wrong}"
            );
        }
    }

    #[test]
    fn emails_and_phones() {
        assert_eq!(email(""), Ok(None));
        assert_eq!(
            email(" a.b@hanoi.gov.vn "),
            Ok(Some("a.b@hanoi.gov.vn".to_owned()))
        );
        for wrong in [
            "a@b",
            "@hanoi.gov.vn",
            "a b@hanoi.gov.vn",
            "a@.vn",
            "a@hanoi.",
        ] {
            assert!(email(wrong).is_err(), "{wrong}");
        }
        assert_eq!(
            phone("+84 (24) 3825-3536"),
            Ok(Some("+84 (24) 3825-3536".to_owned()))
        );
        assert!(phone("12345").is_err());
        assert!(phone("0912 abc 456").is_err());
    }

    #[test]
    fn refusals_are_put_in_words_in_the_page_language() {
        let mut errors = FieldErrors::default();
        assert_eq!(errors.check("name", limits::UNIT_NAME.required("")), None);
        assert_eq!(
            errors.check("code", unit_code("stnmt")),
            Some("STNMT".to_owned())
        );
        errors.add("name", "a second message is not kept");
        assert_eq!(errors.get("name"), Some("form.required"));
        errors.localize(Lang::Vi.catalog());
        assert_eq!(
            errors.get("name"),
            Some(Lang::Vi.catalog().get("form.required"))
        );
        assert_ne!(errors.get("name"), Some("form.required"));
        assert_eq!(errors.fields().collect::<Vec<_>>(), ["name"]);
    }
}
