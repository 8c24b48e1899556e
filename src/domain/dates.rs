//! Dates the Vietnamese way (dd/mm/yyyy) and the City's calendar.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, TimeZone, Utc};
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

/// The instant the City's calendar day `date` begins: 01/04/2019 in Hanoi begins at
/// 31/03/2019 17:00 UTC. For comparing instants (`timestamptz`) with days people type.
pub fn city_day_start(date: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let midnight = date.and_time(NaiveTime::MIN);
    // Where a clock change skips midnight, the day begins at the first hour that exists.
    (0..3)
        .find_map(|hour| {
            tz.from_local_datetime(&(midnight + TimeDelta::hours(hour)))
                .earliest()
        })
        .map(|start| start.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&midnight))
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
    fn city_days_begin_at_city_midnight() {
        let tz = chrono_tz::Asia::Ho_Chi_Minh;
        let day = NaiveDate::from_ymd_opt(2019, 4, 1).unwrap();
        assert_eq!(
            city_day_start(day, tz),
            Utc.with_ymd_and_hms(2019, 3, 31, 17, 0, 0).unwrap()
        );
        // Santiago moved its clocks from 00:00 to 01:00 on 08/09/2019: that day began at 01:00.
        let santiago = chrono_tz::America::Santiago;
        let skipped = NaiveDate::from_ymd_opt(2019, 9, 8).unwrap();
        assert_eq!(
            city_day_start(skipped, santiago),
            Utc.with_ymd_and_hms(2019, 9, 8, 4, 0, 0).unwrap()
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
