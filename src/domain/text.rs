//! Text for people: shortened for a subject line or a table cell, sizes of files, big numbers.

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

/// A whole number with its thousands grouped: `group_thousands(24321, '.')` is "24.321" (the
/// Vietnamese way), with ',' the English one. Takes any integer up to `i128`, so sums of `i64`
/// values print too.
pub fn group_thousands(n: impl Into<i128>, sep: char) -> String {
    let n: i128 = n.into();
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(digit);
    }
    out
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

    #[test]
    fn thousands_grouped() {
        assert_eq!(group_thousands(0, '.'), "0");
        assert_eq!(group_thousands(999, '.'), "999");
        assert_eq!(group_thousands(1000, '.'), "1.000");
        assert_eq!(group_thousands(24321, '.'), "24.321");
        assert_eq!(group_thousands(24321, ','), "24,321");
        assert_eq!(group_thousands(1_234_567, '.'), "1.234.567");
        assert_eq!(group_thousands(-1234, '.'), "-1.234");
        assert_eq!(group_thousands(i64::MAX, '.'), "9.223.372.036.854.775.807");
        assert_eq!(group_thousands(i64::MIN, '.'), "-9.223.372.036.854.775.808");
        assert_eq!(
            group_thousands(i128::MIN, '.'),
            "-170.141.183.460.469.231.731.687.303.715.884.105.728"
        );
    }
}
