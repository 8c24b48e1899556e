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

/// The years a date typed into the portal may fall in: deadlines, document dates and filter
/// bounds alike. Wider than any real use, narrow enough that no typing slip (`31/12/27`,
/// `0001-01-01`, `+200000-01-01`) is saved or reaches the database, whose calendar ends earlier
/// than chrono's.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// Parses a date as people type it, `dd/mm/yyyy` (also `d/m/yyyy`) or ISO `yyyy-mm-dd` (what a
/// date picker sends), with a four-digit year in [`YEARS`]. The one way a typed date enters the
/// portal; `None` is answered everywhere with the message `form.date_format`.
pub fn parse_date(input: &str) -> Option<NaiveDate> {
    let s = input.trim();
    let digits = |part: &str, min: usize, max: usize| {
        (min..=max).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit())
    };
    let slashed: Vec<&str> = s.split('/').collect();
    let dashed: Vec<&str> = s.split('-').collect();
    let (year, month, day) = match (&slashed[..], &dashed[..]) {
        (&[d, m, y], _) if digits(d, 1, 2) && digits(m, 1, 2) && digits(y, 4, 4) => (y, m, d),
        (_, &[y, m, d]) if digits(y, 4, 4) && digits(m, 2, 2) && digits(d, 2, 2) => (y, m, d),
        _ => return None,
    };
    let year: i32 = year.parse().ok()?;
    if !YEARS.contains(&year) {
        return None;
    }
    NaiveDate::from_ymd_opt(year, month.parse().ok()?, day.parse().ok()?)
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
        assert_eq!(
            parse_date("29/02/2028"),
            NaiveDate::from_ymd_opt(2028, 2, 29)
        );
        assert_eq!(parse_date("29/02/2027"), None);
    }

    #[test]
    fn refuses_years_outside_the_portals_calendar() {
        for typed in [
            "31/12/27",
            "31/12/0027",
            "0000-01-01",
            "0001-01-01",
            "1999-12-31",
            "2101-01-01",
            "9999-12-31",
            "+200000-01-01",
            "-5000-01-01",
            "01/01/-5000",
            "-4713-11-24",
            "2019-3-31",
            "31/03/2019 ",
        ] {
            let expected =
                (typed == "31/03/2019 ").then(|| NaiveDate::from_ymd_opt(2019, 3, 31).unwrap());
            assert_eq!(parse_date(typed), expected, "{typed}");
        }
        assert!(parse_date("01/01/2000").is_some());
        assert!(parse_date("2100-12-31").is_some());
    }
}
