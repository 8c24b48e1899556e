//! Text for people: shortened for a subject line or a table cell, sizes of files.

/// At most `chars` characters, the last one "…" when the text was longer.
pub fn shorten(text: &str, chars: usize) -> String {
    if text.chars().count() > chars {
        let cut: String = text.chars().take(chars.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    } else {
        text.to_owned()
    }
}

/// A size for people, the Vietnamese way: "64 KB", "20 MB", "1,5 MB".
pub fn size_label(bytes: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if bytes >= MB && bytes.is_multiple_of(MB) {
        format!("{} MB", bytes / MB)
    } else if bytes >= MB {
        format!("{:.1} MB", bytes as f64 / MB as f64).replace('.', ",")
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortened_with_an_ellipsis() {
        assert_eq!(shorten("Kế hoạch", 20), "Kế hoạch");
        assert_eq!(shorten("Kế hoạch khắc phục", 9), "Kế hoạch…");
    }

    #[test]
    fn sizes() {
        assert_eq!(size_label(64 * 1024), "64 KB");
        assert_eq!(size_label(20 * 1024 * 1024), "20 MB");
        assert_eq!(size_label(1024 * 1024 * 3 / 2), "1,5 MB");
        assert_eq!(size_label(1), "1 KB");
    }
}
