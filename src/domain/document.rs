//! The parts of an administrative document laid out as the rules on office work require
//! (docs/reports.md, "The document"): the issuing body's heading, the number and symbol, the
//! place and date in words, the signature block; and the fixed text of a unit's periodic
//! report, which the print view and the Word file both write. Vietnamese only: the document is
//! the State's.

use chrono::{Datelike, NaiveDate};

use super::UnitKind;
use super::dates::format_date;
use super::reports::{AnnexRow, Figures};

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
    format!("Số:       /{type_code}-{}", unit_symbol(unit_code))
}

/// The unit's part of a document's symbol: its code's letters and digits, in capitals.
pub fn unit_symbol(unit_code: &str) -> String {
    unit_code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_uppercase()
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

/// The national title, above the motto.
pub const NATION: &str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";

/// The motto under the national title.
pub const MOTTO: &str = "Độc lập - Tự do - Hạnh phúc";

/// The type of a unit's periodic report.
pub const REPORT_TYPE: &str = "BÁO CÁO";

/// Who the report is addressed to, after "Kính gửi:".
pub const ADDRESSED: &str = "Kính gửi:";

/// The four parts of the report's outline (docs/reports.md, "A unit's report").
pub const PARTS: [&str; 4] = [
    "I. TÌNH HÌNH TRIỂN KHAI",
    "II. KẾT QUẢ THỰC HIỆN",
    "III. TỒN TẠI, KHÓ KHĂN, NGUYÊN NHÂN",
    "IV. NHIỆM VỤ KỲ TỚI, KIẾN NGHỊ, ĐỀ XUẤT",
];

/// The headings of the figures' table by field, in [`super::reports::ClassCounts::cells`]'s
/// order after the number and the field.
pub const FIGURES_HEADINGS: [&str; 10] = [
    "TT",
    "Lĩnh vực",
    "Tổng số",
    "Hoàn thành đúng hạn",
    "Hoàn thành quá hạn",
    "Đang thực hiện, trong hạn",
    "Chưa hoàn thành, quá hạn",
    "Không có thời hạn",
    "Đề nghị chỉ đạo",
    "Chưa cập nhật",
];

/// The figures' total row.
pub const FIGURES_TOTAL: &str = "Cộng";

/// "Nơi nhận:", above the recipients.
pub const RECIPIENTS: &str = "Nơi nhận:";

/// The annex's type.
pub const ANNEX_TYPE: &str = "PHỤ LỤC";

/// The headings of the annex's columns.
pub const ANNEX_HEADINGS: [&str; 12] = [
    "STT",
    "Tồn tại, hạn chế",
    "Văn bản",
    "Nhiệm vụ",
    "Đơn vị chủ trì",
    "Đơn vị phối hợp",
    "Lãnh đạo phụ trách",
    "Cán bộ theo dõi",
    "Thời hạn",
    "Kết quả đến kỳ báo cáo",
    "Tình trạng",
    "Tiến độ",
];

/// The annex's only row when the unit leads no task in the period.
pub const ANNEX_EMPTY: &str = "Kỳ này đơn vị không có nhiệm vụ chủ trì.";

/// The report's summary under its type: "Kết quả khắc phục tồn tại, hạn chế Quý IV/2026".
pub fn report_summary(period: &str) -> String {
    format!("Kết quả khắc phục tồn tại, hạn chế {period}")
}

/// The paragraph that opens part II: the figures of the tasks led (judged on their day, else
/// on the cut-off) and the number of those coordinated.
pub fn figures_sentence(figures: &Figures, cutoff: NaiveDate) -> String {
    let lead = &figures.lead;
    format!(
        "Tính đến ngày {}, đơn vị chủ trì thực hiện {} nhiệm vụ, trong đó: đã hoàn thành {} \
         nhiệm vụ ({}%), gồm {} nhiệm vụ đúng hạn và {} nhiệm vụ quá hạn; đang thực hiện trong \
         hạn {} nhiệm vụ; chưa hoàn thành, quá hạn {} nhiệm vụ; không có thời hạn {} nhiệm vụ; \
         đề nghị Thành phố chỉ đạo {} nhiệm vụ. Đơn vị phối hợp thực hiện {} nhiệm vụ. (Chi \
         tiết tại Phụ lục kèm theo.)",
        format_date(figures.as_of.unwrap_or(cutoff)),
        lead.total,
        lead.done(),
        lead.done_percent(),
        lead.done_on_time,
        lead.done_late,
        lead.open_on_time,
        lead.open_overdue,
        lead.no_deadline,
        lead.needs_direction,
        figures.coordinated.total,
    )
}

/// The paragraph that closes the body.
pub fn closing_sentence(period: &str, unit_name: &str) -> String {
    format!(
        "Trên đây là báo cáo kết quả khắc phục tồn tại, hạn chế {period} của {unit_name}, kính \
         báo cáo Ủy ban nhân dân Thành phố./."
    )
}

/// The recipients under "Nơi nhận:", the last one the unit's own file copy.
pub fn recipients(unit_code: &str) -> [String; 3] {
    [
        "- Như trên;".to_owned(),
        "- Văn phòng UBND Thành phố;".to_owned(),
        format!("- Lưu: VT, {}.", unit_symbol(unit_code)),
    ]
}

/// The annex's summary under its type.
pub fn annex_summary(period: &str) -> String {
    format!("Danh mục nhiệm vụ khắc phục tồn tại, hạn chế {period}")
}

/// The line under the annex's summary that ties it to the report.
pub fn annex_note(unit_name: &str) -> String {
    format!("(Kèm theo Báo cáo của {unit_name})")
}

/// The annex's task cell: its code and title.
pub fn annex_task(row: &AnnexRow) -> String {
    format!("{}. {}", row.task_code, row.task_title)
}

/// The annex's deadline cell, a line each: the current deadline (a dash for none), then the
/// original one when an extension moved it.
pub fn annex_deadline(row: &AnnexRow) -> Vec<String> {
    let day = |d: Option<NaiveDate>| d.map(format_date).unwrap_or_else(|| "—".into());
    let mut lines = vec![day(row.deadline)];
    if row.deadline != row.original_deadline {
        lines.push(format!("(ban đầu: {})", day(row.original_deadline)));
    }
    lines
}

/// A text as the document's paragraphs: a paragraph a line, blank lines dropped.
pub fn paragraphs(text: &str) -> Vec<&str> {
    text.split('\n')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
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

    #[test]
    fn the_figures_are_written_out_in_one_sentence() {
        let figures = Figures {
            as_of: Some(d(2026, 12, 14)),
            lead: crate::domain::reports::ClassCounts {
                total: 4,
                done_on_time: 2,
                done_late: 1,
                open_overdue: 1,
                ..Default::default()
            },
            by_shortcoming: Vec::new(),
            by_field: Vec::new(),
            coordinated: crate::domain::reports::ClassCounts {
                total: 2,
                ..Default::default()
            },
        };
        let sentence = figures_sentence(&figures, d(2026, 12, 31));
        assert!(sentence.starts_with(
            "Tính đến ngày 14/12/2026, đơn vị chủ trì thực hiện 4 nhiệm vụ, trong đó: đã hoàn \
             thành 3 nhiệm vụ (75%), gồm 2 nhiệm vụ đúng hạn và 1 nhiệm vụ quá hạn; đang thực \
             hiện trong hạn 0 nhiệm vụ; chưa hoàn thành, quá hạn 1 nhiệm vụ;"
        ));
        assert!(
            sentence.ends_with(
                "Đơn vị phối hợp thực hiện 2 nhiệm vụ. (Chi tiết tại Phụ lục kèm theo.)"
            )
        );
        assert_eq!(recipients("badinh.tnmt")[2], "- Lưu: VT, BADINHTNMT.");
        assert_eq!(paragraphs(" a \n\n b"), ["a", "b"]);
    }
}
