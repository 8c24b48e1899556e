//! Dates the Vietnamese way (dd/mm/yyyy) and the City's calendar.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

/// `31/03/2019`.
pub fn format_date(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

/// `31/03/2019 14:05`, in the City's time zone.
pub fn format_datetime(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%d/%m/%Y %H:%M").to_string()
}

/// The calendar date in the City's time zone at the instant `now`: a task due 31/03 becomes
/// overdue at 00:00 on 01/04 Hanoi time, whatever the server's own time zone is.
pub fn city_today(now: DateTime<Utc>, tz: Tz) -> NaiveDate {
    now.with_timezone(&tz).date_naive()
}

/// Parses `dd/mm/yyyy` (also `d/m/yyyy`) or ISO `yyyy-mm-dd`, as people type dates.
pub fn parse_date(input: &str) -> Option<NaiveDate> {
    let s = input.trim();
    NaiveDate::parse_from_str(s, "%d/%m/%Y")
        .or_else(|_| NaiveDate::parse_from_str(s, "%Y-%m-%d"))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn formats_the_vietnamese_way() {
        let d = NaiveDate::from_ymd_opt(2019, 3, 5).unwrap();
        assert_eq!(format_date(d), "05/03/2019");
        let at = Utc.with_ymd_and_hms(2019, 3, 31, 17, 5, 0).unwrap();
        assert_eq!(
            format_datetime(at, chrono_tz::Asia::Ho_Chi_Minh),
            "01/04/2019 00:05"
        );
    }

    #[test]
    fn city_day_turns_at_hanoi_midnight() {
        let tz = chrono_tz::Asia::Ho_Chi_Minh;
        let before = Utc.with_ymd_and_hms(2019, 3, 31, 16, 59, 0).unwrap();
        let after = Utc.with_ymd_and_hms(2019, 3, 31, 17, 0, 0).unwrap();
        assert_eq!(
            city_today(before, tz),
            NaiveDate::from_ymd_opt(2019, 3, 31).unwrap()
        );
        assert_eq!(
            city_today(after, tz),
            NaiveDate::from_ymd_opt(2019, 4, 1).unwrap()
        );
    }

    #[test]
    fn parses_typed_dates() {
        let d = NaiveDate::from_ymd_opt(2019, 3, 31).unwrap();
        assert_eq!(parse_date("31/03/2019"), Some(d));
        assert_eq!(parse_date(" 31/3/2019 "), Some(d));
        assert_eq!(parse_date("2019-03-31"), Some(d));
        assert_eq!(parse_date("31/02/2019"), None);
        assert_eq!(parse_date("tomorrow"), None);
    }
}
