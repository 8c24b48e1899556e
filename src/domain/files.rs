//! Uploaded files: which kinds the portal accepts, recognised by their content, never by their
//! name; and names made safe to store and to send back.

/// A kind of file the portal accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Pdf,
    Docx,
    Xlsx,
    /// Word 97–2003 or Excel 97–2003 (one container format; the name tells which).
    LegacyOffice,
    Png,
    Jpeg,
}

impl FileKind {
    /// The content type the file is stored and served with.
    pub fn content_type(self, file_name: &str) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            FileKind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileKind::LegacyOffice if file_name.to_lowercase().ends_with(".xls") => {
                "application/vnd.ms-excel"
            }
            FileKind::LegacyOffice => "application/msword",
            FileKind::Png => "image/png",
            FileKind::Jpeg => "image/jpeg",
        }
    }
}

impl FileKind {
    /// The extensions a file of this kind may carry, the usual one first.
    fn extensions(self) -> &'static [&'static str] {
        match self {
            FileKind::Pdf => &["pdf"],
            FileKind::Docx => &["docx"],
            FileKind::Xlsx => &["xlsx"],
            FileKind::LegacyOffice => &["doc", "xls"],
            FileKind::Png => &["png"],
            FileKind::Jpeg => &["jpg", "jpeg"],
        }
    }
}

/// The name a file of `kind` is stored and sent under: the cleaned name (see [`clean_name`])
/// with an extension that matches what the content is. A PDF sent as `setup.exe` is kept as
/// `setup.pdf`, a JPEG as `anh.svg` as `anh.jpg`; a name without an extension (or with a part
/// after its last dot that is no extension, `Báo cáo quý 3.2026`) gets one.
pub fn stored_name(kind: FileKind, raw: &str) -> String {
    let name = clean_name(raw);
    let accepted = kind.extensions();
    let (base, extension) = match name.rsplit_once('.') {
        Some((base, ext))
            if !base.trim().is_empty()
                && (1..=5).contains(&ext.len())
                && ext.chars().all(|c| c.is_ascii_alphanumeric())
                && ext.chars().any(|c| c.is_ascii_alphabetic()) =>
        {
            (base.trim_end(), Some(ext))
        }
        _ => (name.as_str(), None),
    };
    match extension {
        Some(ext) if accepted.contains(&ext.to_ascii_lowercase().as_str()) => name.clone(),
        _ => format!("{base}.{}", accepted[0]),
    }
}

/// Recognises an accepted file from its first bytes (and, for Office files, their parts).
pub fn sniff(content: &[u8]) -> Option<FileKind> {
    if content.starts_with(b"%PDF-") {
        return Some(FileKind::Pdf);
    }
    if content.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(FileKind::Png);
    }
    if content.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some(FileKind::Jpeg);
    }
    if content.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Some(FileKind::LegacyOffice);
    }
    if content.starts_with(b"PK\x03\x04") {
        // An Office Open XML package: a zip holding [Content_Types].xml and the parts of a
        // document (word/) or a workbook (xl/). Any other zip is refused.
        let has = |needle: &[u8]| content.windows(needle.len()).any(|w| w == needle);
        if has(b"[Content_Types].xml") {
            if has(b"word/") {
                return Some(FileKind::Docx);
            }
            if has(b"xl/") {
                return Some(FileKind::Xlsx);
            }
        }
    }
    None
}

/// Characters that change how text around them is shown without being seen themselves: the
/// bidirectional controls (a right-to-left override makes `hoa-don\u{202e}fdp.exe` read as
/// `hoa-donexe.pdf`), zero-width characters and the byte order mark. No file name needs them.
fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}'
        | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

/// The name to keep: the last path component, without control characters or invisible
/// formatting ones, at most 200 characters; Vietnamese letters are kept as they are.
pub fn clean_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| {
            !c.is_control()
                && !is_invisible_format(*c)
                && !matches!(c, '"' | '<' | '>' | '|' | '*' | '?' | ':')
        })
        .take(200)
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.').to_owned();
    if trimmed.is_empty() {
        "tep-dinh-kem".to_owned()
    } else {
        trimmed
    }
}

/// A `Content-Disposition` value that downloads the file under its original (Vietnamese) name:
/// an ASCII fallback and the exact name in RFC 5987 form.
pub fn content_disposition(file_name: &str) -> String {
    content_disposition_with(file_name, file_name)
}

/// A `Content-Disposition` value that downloads the file as `file_name`, or as `ascii_name`
/// for a client that reads no RFC 5987 names (anything but ASCII letters, digits, spaces and
/// `._-()` in it becomes `_`).
pub fn content_disposition_with(ascii_name: &str, file_name: &str) -> String {
    let fallback: String = ascii_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || " ._-()".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = file_name
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_by_content_not_name() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some(FileKind::Pdf));
        assert_eq!(sniff(b"MZ\x90\x00 a program"), None);
        assert_eq!(sniff(b"PK\x03\x04 plain zip with notes.txt"), None);
        assert_eq!(
            sniff(b"PK\x03\x04...[Content_Types].xml...word/document.xml"),
            Some(FileKind::Docx)
        );
        assert_eq!(
            sniff(b"PK\x03\x04...[Content_Types].xml...xl/workbook.xml"),
            Some(FileKind::Xlsx)
        );
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(FileKind::Jpeg));
        assert_eq!(
            FileKind::LegacyOffice.content_type("Bảng số liệu.XLS"),
            "application/vnd.ms-excel"
        );
    }

    #[test]
    fn the_stored_name_says_what_the_content_is() {
        use FileKind::*;
        assert_eq!(stored_name(Pdf, "setup.exe"), "setup.pdf");
        assert_eq!(stored_name(Pdf, "bao-cao.bat"), "bao-cao.pdf");
        assert_eq!(stored_name(Pdf, "bao-cao.html"), "bao-cao.pdf");
        assert_eq!(
            stored_name(Jpeg, "ảnh hiện trường.svg"),
            "ảnh hiện trường.jpg"
        );
        assert_eq!(stored_name(Jpeg, "IMG_01.JPEG"), "IMG_01.JPEG");
        assert_eq!(stored_name(Pdf, "invoice\u{202e}fdp.exe"), "invoicefdp.pdf");
        assert_eq!(stored_name(Pdf, "Kết luận 1203.PDF"), "Kết luận 1203.PDF");
        assert_eq!(
            stored_name(Pdf, "Báo cáo quý 3.2026"),
            "Báo cáo quý 3.2026.pdf"
        );
        assert_eq!(stored_name(Docx, "Biên bản"), "Biên bản.docx");
        assert_eq!(stored_name(LegacyOffice, "Số liệu.xls"), "Số liệu.xls");
        assert_eq!(stored_name(LegacyOffice, "Số liệu.xlsx"), "Số liệu.doc");
        assert_eq!(stored_name(Png, ".png"), "png.png");
    }

    #[test]
    fn names_are_cleaned_and_sent_safely() {
        assert_eq!(
            clean_name("C:\\Users\\cb\\Kết luận 1203.pdf"),
            "Kết luận 1203.pdf"
        );
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("\u{0}..\n"), "tep-dinh-kem");
        assert_eq!(clean_name("invoice\u{202e}fdp.exe"), "invoicefdp.exe");
        assert_eq!(clean_name("a\u{200b}b\u{2066}c\u{feff}.pdf"), "abc.pdf");
        let header = content_disposition("Kết luận \"1203\".pdf");
        assert!(
            header.starts_with("attachment; filename=\"K_t lu_n _1203_.pdf\""),
            "{header}"
        );
        assert!(
            header.contains("filename*=UTF-8''K%E1%BA%BFt%20lu%E1%BA%ADn%20%221203%22.pdf"),
            "{header}"
        );
        assert_eq!(
            content_disposition_with(
                "danh-sach-nhiem-vu-2026-12-05.xlsx",
                "Danh sách nhiệm vụ 2026-12-05.xlsx"
            ),
            "attachment; filename=\"danh-sach-nhiem-vu-2026-12-05.xlsx\"; \
             filename*=UTF-8''Danh%20s%C3%A1ch%20nhi%E1%BB%87m%20v%E1%BB%A5%202026-12-05.xlsx"
        );
    }
}
