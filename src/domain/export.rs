//! Lists written out as spreadsheets: the cells of a row, the columns, how many rows a
//! worksheet holds, and CSV as Excel reads it (UTF-8 with a byte order mark, RFC 4180 quoting,
//! no cell a spreadsheet would take for a formula).

use chrono::NaiveDate;

use crate::domain::dates::format_date;

/// Rows of an Excel worksheet, its header row included (Excel's own limit).
pub const SHEET_ROWS: u32 = 1_048_576;

/// What a CSV file starts with, so that Excel reads it as UTF-8 (and keeps the diacritics).
pub const UTF8_BOM: &str = "\u{feff}";

/// One cell of an exported row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Text(String),
    /// A whole number: a number in a sheet, not text.
    Number(i64),
    /// A calendar date: a date in a sheet, dd/mm/yyyy in CSV.
    Date(NaiveDate),
    Empty,
}

impl Value {
    /// Text, or nothing when it is blank.
    pub fn text(text: impl Into<String>) -> Value {
        let text = text.into();
        if text.trim().is_empty() {
            Value::Empty
        } else {
            Value::Text(text)
        }
    }

    /// A date, or nothing.
    pub fn date(date: Option<NaiveDate>) -> Value {
        date.map_or(Value::Empty, Value::Date)
    }
}

/// A column of an export: its heading (a message key), its width in a sheet (in characters)
/// and whether its text wraps onto several lines there.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Column {
    pub key: &'static str,
    pub width: f64,
    pub wrap: bool,
}

/// A list longer than a worksheet holds under its header row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooManyRows {
    /// The most data rows a worksheet of `sheet_rows` rows takes.
    pub max: i64,
}

/// Whether `rows` data rows fit a worksheet of `sheet_rows` rows under its header row.
pub fn fits_sheet(rows: i64, sheet_rows: u32) -> Result<(), TooManyRows> {
    let max = i64::from(sheet_rows) - 1;
    if rows <= max {
        Ok(())
    } else {
        Err(TooManyRows { max })
    }
}

/// What makes a spreadsheet read a cell as a formula when it starts with it (`=`, `+`, `-`,
/// `@`), and the tab and carriage return that can hide one (OWASP's list).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A text cell as CSV: a `'` before a text a spreadsheet would run as a formula, then in
/// double quotes (quotes inside doubled) when it holds a comma, a quote or a line break.
pub fn csv_field(text: &str) -> String {
    let guarded = if text.starts_with(FORMULA_STARTS) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// Appends one CSV record (RFC 4180: fields separated by commas, ended by CRLF). Numbers are
/// written as they are, dates dd/mm/yyyy, text through [`csv_field`].
pub fn push_csv_record(out: &mut String, values: &[Value]) {
    for (n, value) in values.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        match value {
            Value::Text(text) => out.push_str(&csv_field(text)),
            Value::Number(number) => out.push_str(&number.to_string()),
            Value::Date(date) => out.push_str(&format_date(*date)),
            Value::Empty => {}
        }
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sheet_takes_its_rows_less_the_header() {
        assert_eq!(fits_sheet(0, SHEET_ROWS), Ok(()));
        assert_eq!(fits_sheet(1_048_575, SHEET_ROWS), Ok(()));
        assert_eq!(
            fits_sheet(1_048_576, SHEET_ROWS),
            Err(TooManyRows { max: 1_048_575 })
        );
        assert_eq!(fits_sheet(3, 4), Ok(()));
        assert_eq!(fits_sheet(4, 4), Err(TooManyRows { max: 3 }));
    }

    #[test]
    fn csv_quotes_as_rfc_4180_says() {
        assert_eq!(csv_field("Sở Xây dựng"), "Sở Xây dựng");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("Kết luận \"1203\""), "\"Kết luận \"\"1203\"\"\"");
        assert_eq!(csv_field("dòng 1\ndòng 2"), "\"dòng 1\ndòng 2\"");
        assert_eq!(csv_field("a\r\nb"), "\"a\r\nb\"");
        assert_eq!(csv_field(""), "");
    }

    #[test]
    fn csv_never_starts_a_cell_with_a_formula() {
        assert_eq!(csv_field("=1+2"), "'=1+2");
        assert_eq!(csv_field("+84 912"), "'+84 912");
        assert_eq!(csv_field("-5 ngày"), "'-5 ngày");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_field("\t=cmd"), "'\t=cmd");
        // Guarded, then quoted: the quote stays the first character inside the quotes.
        assert_eq!(
            csv_field("=HYPERLINK(\"http://x\", \"y\")"),
            "\"'=HYPERLINK(\"\"http://x\"\", \"\"y\"\")\""
        );
        // Only at the start.
        assert_eq!(csv_field("a=b"), "a=b");
        assert_eq!(csv_field("TT-01.02"), "TT-01.02");
    }

    #[test]
    fn a_record_has_numbers_dates_and_text() {
        let mut out = String::new();
        push_csv_record(
            &mut out,
            &[
                Value::Number(1),
                Value::text("TT-01.02"),
                Value::Date(NaiveDate::from_ymd_opt(2026, 12, 5).unwrap()),
                Value::Empty,
                Value::text("=x"),
                Value::text("  "),
            ],
        );
        assert_eq!(out, "1,TT-01.02,05/12/2026,,'=x,\r\n");
    }
}
