//! The parts of an administrative document laid out as the rules on office work require
//! (docs/reports.md, "The document"): the issuing body's heading, the number and symbol, the
//! place and date in words, the signature block. Vietnamese only: the document is the State's.

use chrono::{Datelike, NaiveDate};

use super::UnitKind;

/// The name of the City's People's Committee, which departments and districts report to.
pub const CITY_COMMITTEE: &str = "Ủy ban nhân dân Thành phố Hà Nội";

/// "Hà Nội, ngày 05 tháng 12 năm 2026": days below 10 and the months January and February
/// take a leading zero; `None` leaves the day and month blank for the clerk to fill in.
pub fn place_and_date(place: &str, date: Option<NaiveDate>) -> String {
    match date {
        Some(date) => {
            let month = match date.month() {
                m @ (1 | 2) => format!("{m:02}"),
                m => m.to_string(),
            };
            format!(
                "{place}, ngày {:02} tháng {month} năm {}",
                date.day(),
                date.year()
            )
        }
        None => format!("{place}, ngày      tháng      năm"),
    }
}

/// "Số:      /BC-SXD": the number left for the clerk who registers the document, the symbol
/// from the document type and the issuing unit's code.
pub fn number_line(type_code: &str, unit_code: &str) -> String {
    let symbol: String = unit_code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_uppercase();
    format!("Số:       /{type_code}-{symbol}")
}

/// The heading's two lines: the body above the issuing unit (regular) and the unit (bold),
/// both in capitals. A department and the City office sit under the City's committee; a
/// district's committee heads its own documents; a division or commune sits under its parent.
pub fn issuing_body(
    unit_name: &str,
    kind: UnitKind,
    parent_name: Option<&str>,
) -> (Option<String>, String) {
    let above = match kind {
        UnitKind::District => None,
        UnitKind::Department | UnitKind::CityOffice => Some("UBND THÀNH PHỐ HÀ NỘI".to_owned()),
        UnitKind::Division | UnitKind::Commune => parent_name.map(upper),
    };
    (above, upper(unit_name))
}

/// The signer's title lines, in capitals: a department's director, a district's committee
/// signing for its chair.
pub fn signature_title(kind: UnitKind) -> Vec<&'static str> {
    match kind {
        UnitKind::District | UnitKind::Commune => vec!["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"],
        UnitKind::CityOffice => vec!["CHÁNH VĂN PHÒNG"],
        UnitKind::Department => vec!["GIÁM ĐỐC"],
        UnitKind::Division => vec!["TRƯỞNG PHÒNG"],
    }
}

/// Capitals the Vietnamese way (every letter, diacritics kept).
pub fn upper(text: &str) -> String {
    text.to_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_date_is_written_in_words_with_the_zeros_the_rules_ask() {
        assert_eq!(
            place_and_date("Hà Nội", Some(d(2026, 12, 5))),
            "Hà Nội, ngày 05 tháng 12 năm 2026"
        );
        assert_eq!(
            place_and_date("Hà Nội", Some(d(2027, 2, 14))),
            "Hà Nội, ngày 14 tháng 02 năm 2027"
        );
        assert_eq!(
            place_and_date("Hà Nội", Some(d(2027, 3, 1))),
            "Hà Nội, ngày 01 tháng 3 năm 2027"
        );
        assert!(place_and_date("Hà Nội", None).starts_with("Hà Nội, ngày "));
    }

    #[test]
    fn the_heading_names_the_body_above_the_unit() {
        assert_eq!(
            issuing_body("Sở Xây dựng", UnitKind::Department, None),
            (Some("UBND THÀNH PHỐ HÀ NỘI".into()), "SỞ XÂY DỰNG".into())
        );
        assert_eq!(
            issuing_body("UBND quận Ba Đình", UnitKind::District, None),
            (None, "UBND QUẬN BA ĐÌNH".into())
        );
        assert_eq!(
            issuing_body(
                "Phòng Tài nguyên và Môi trường",
                UnitKind::Division,
                Some("UBND quận Ba Đình")
            ),
            (
                Some("UBND QUẬN BA ĐÌNH".into()),
                "PHÒNG TÀI NGUYÊN VÀ MÔI TRƯỜNG".into()
            )
        );
        assert_eq!(number_line("BC", "badinh.tnmt"), "Số:       /BC-BADINHTNMT");
        assert_eq!(
            signature_title(UnitKind::District)[0],
            "TM. ỦY BAN NHÂN DÂN"
        );
    }
}
