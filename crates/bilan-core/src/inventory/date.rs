//! Calendar dates, written as TOML dates (`2024-07-23`) or strings (`"2024-07-23"`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A civil date (no time zone).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(jiff::civil::Date);

impl Date {
    /// Builds a date; `None` if it does not exist.
    pub fn new(year: i16, month: i8, day: i8) -> Option<Date> {
        jiff::civil::Date::new(year, month, day).ok().map(Date)
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Result<Date, String> {
        text.parse::<jiff::civil::Date>()
            .map(Date)
            .map_err(|e| format!("invalid date `{text}`: expected YYYY-MM-DD ({e})"))
    }

    /// The calendar year.
    pub fn year(self) -> i32 {
        i32::from(self.0.year())
    }

    /// The month, 1 to 12.
    pub fn month(self) -> i8 {
        self.0.month()
    }

    /// The date `days` days later (earlier when negative); `None` past the calendar's range.
    pub fn add_days(self, days: i64) -> Option<Date> {
        let days = i32::try_from(days).ok()?;
        self.0
            .checked_add(jiff::Span::new().try_days(days).ok()?)
            .ok()
            .map(Date)
    }

    /// Midnight UTC at its start: dates are whole days in UTC wherever a time is needed (a
    /// grid series' hours).
    pub fn start_utc(self) -> jiff::Timestamp {
        let days = Date::new(1970, 1, 1).map_or(0, |epoch| self.days_since(epoch));
        jiff::Timestamp::from_second(days.saturating_mul(86_400)).unwrap_or(if days < 0 {
            jiff::Timestamp::MIN
        } else {
            jiff::Timestamp::MAX
        })
    }

    /// Midnight UTC at the end of the day (the start of the next).
    pub fn end_utc(self) -> jiff::Timestamp {
        self.add_days(1)
            .map_or(jiff::Timestamp::MAX, Date::start_utc)
    }

    /// The UTC day `instant` falls in.
    pub fn of_instant(instant: jiff::Timestamp) -> Date {
        let epoch = jiff::civil::Date::constant(1970, 1, 1);
        let days = instant.as_second().div_euclid(86_400);
        // Every instant jiff holds is a day jiff's civil dates hold.
        Date(
            i32::try_from(days)
                .ok()
                .and_then(|d| jiff::Span::new().try_days(d).ok())
                .and_then(|span| epoch.checked_add(span).ok())
                .unwrap_or(epoch),
        )
    }

    /// Whole days from `earlier` to `self` (negative if `self` is earlier).
    pub fn days_since(self, earlier: Date) -> i64 {
        // Civil dates have no time zone, so a span between them is a whole number of days.
        self.0
            .since(earlier.0)
            .map(|span| i64::from(span.get_days()))
            .unwrap_or(0)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl FromStr for Date {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Date::parse(s)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date YYYY-MM-DD")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Date, E> {
                Date::parse(v).map_err(E::custom)
            }
            // TOML's native dates reach serde as a one-entry map holding their text.
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Date, A::Error> {
                let Some((_, text)) = map.next_entry::<String, String>()? else {
                    return Err(serde::de::Error::custom("expected a date YYYY-MM-DD"));
                };
                if map.next_key::<serde::de::IgnoredAny>()?.is_some() {
                    return Err(serde::de::Error::custom("expected a date YYYY-MM-DD"));
                }
                Date::parse(&text).map_err(serde::de::Error::custom)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl schemars::JsonSchema for Date {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "format": "date", "description": "a calendar date, YYYY-MM-DD" })
    }
}

#[cfg(test)]
mod tests {
    use super::Date;

    #[test]
    fn an_instant_falls_in_its_utc_day() {
        let day = |text: &str| Date::parse(text).expect("a date");
        let at = |text: &str| text.parse::<jiff::Timestamp>().expect("an instant");
        assert_eq!(
            Date::of_instant(at("2024-01-31T23:59:59Z")),
            day("2024-01-31")
        );
        assert_eq!(
            Date::of_instant(at("2024-02-01T00:00:00Z")),
            day("2024-02-01")
        );
        assert_eq!(
            Date::of_instant(at("1969-12-31T12:00:00Z")),
            day("1969-12-31")
        );
        for d in ["0001-01-01", "2024-02-29", "9999-12-30"] {
            assert_eq!(Date::of_instant(day(d).start_utc()), day(d));
        }
    }
}
