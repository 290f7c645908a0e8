//! Calendar dates and periods. Arithmetic is jiff's (month ends and leap
//! days clamp as a calendar does: 31 October + 4 months is 28 or 29
//! February); jiff's types stay inside this module.

use std::fmt;
use std::str::FromStr;

use jiff::civil;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar date, written `YYYY-MM-DD`.
///
/// ```
/// let d: qbm::Date = "2024-02-29".parse()?;
/// assert_eq!(d.to_string(), "2024-02-29");
/// assert!("2023-02-29".parse::<qbm::Date>().is_err());
/// # Ok::<(), qbm::DateError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(civil::Date);

/// A date that could not be read or made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid date {input}: {reason}")]
pub struct DateError {
    input: String,
    reason: String,
}

impl Date {
    /// The date of the given year, month (1 to 12) and day.
    ///
    /// # Errors
    ///
    /// A [`DateError`] for a day the calendar does not have.
    pub fn new(year: i16, month: i8, day: i8) -> Result<Self, DateError> {
        civil::Date::new(year, month, day)
            .map(Date)
            .map_err(|e| DateError {
                input: format!("`{year:04}-{month:02}-{day:02}`"),
                reason: e.to_string(),
            })
    }

    /// The year.
    pub fn year(self) -> i16 {
        self.0.year()
    }

    /// The month, 1 to 12.
    pub fn month(self) -> i8 {
        self.0.month()
    }

    /// The day of the month.
    pub fn day(self) -> i8 {
        self.0.day()
    }

    /// The date `period` later, clamped to the end of a shorter month;
    /// `None` past the calendar's range.
    pub(crate) fn add(self, period: Period) -> Option<Date> {
        let span = jiff::Span::new()
            .try_years(i64::from(period.years))
            .and_then(|s| s.try_months(i64::from(period.months)))
            .and_then(|s| s.try_days(i64::from(period.days)))
            .ok()?;
        self.0.checked_add(span).ok().map(Date)
    }

    /// The date `period` earlier; `None` past the calendar's range.
    pub(crate) fn sub(self, period: Period) -> Option<Date> {
        let span = jiff::Span::new()
            .try_years(-i64::from(period.years))
            .and_then(|s| s.try_months(-i64::from(period.months)))
            .and_then(|s| s.try_days(-i64::from(period.days)))
            .ok()?;
        self.0.checked_add(span).ok().map(Date)
    }

    /// The date `days` days later (earlier when negative); `None` past the
    /// calendar's range.
    pub(crate) fn shift_days(self, days: i64) -> Option<Date> {
        let span = jiff::Span::new().try_days(days).ok()?;
        self.0.checked_add(span).ok().map(Date)
    }

    /// Whole months from `self` to `later` (0 when `later` is earlier).
    pub(crate) fn months_until(self, later: Date) -> i64 {
        if later <= self {
            return 0;
        }
        self.0
            .until((jiff::Unit::Month, later.0))
            .map_or(0, |span| {
                i64::from(span.get_years()) * 12 + i64::from(span.get_months())
            })
    }
}

impl FromStr for Date {
    type Err = DateError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let fail = |reason: &str| DateError {
            input: crate::error::quote(s),
            reason: reason.to_owned(),
        };
        // Exactly YYYY-MM-DD: jiff reads more forms than a policy should accept.
        let b = s.as_bytes();
        let shaped = b.len() == 10
            && b.get(4) == Some(&b'-')
            && b.get(7) == Some(&b'-')
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !shaped {
            return Err(fail("write dates as YYYY-MM-DD"));
        }
        civil::Date::from_str(s)
            .map(Date)
            .map_err(|_| fail("the calendar has no such day"))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}",
            self.0.year(),
            self.0.month(),
            self.0.day()
        )
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(DateVisitor)
    }
}

/// Reads a date from its text. The error is raised while the deserializer
/// is at the date, so that it names the date's own line and path.
struct DateVisitor;

impl serde::de::Visitor<'_> for DateVisitor {
    type Value = Date;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a date, YYYY-MM-DD")
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Date, E> {
        s.parse().map_err(E::custom)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Date {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A calendar date, YYYY-MM-DD.",
            "type": "string",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
        })
    }
}

/// A length of time in whole years, months and days, as policies state terms.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Period {
    /// Years.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub years: u16,
    /// Months.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub months: u16,
    /// Days.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub days: u16,
}

fn is_zero(n: &u16) -> bool {
    *n == 0
}

impl Period {
    /// Whether the period is no time at all.
    pub fn is_zero(self) -> bool {
        self.years == 0 && self.months == 0 && self.days == 0
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        for (n, one, many) in [
            (self.years, "year", "years"),
            (self.months, "month", "months"),
            (self.days, "day", "days"),
        ] {
            match n {
                0 => {}
                1 => parts.push(format!("1 {one}")),
                n => parts.push(format!("{n} {many}")),
            }
        }
        if parts.is_empty() {
            f.write_str("no time")
        } else {
            f.write_str(&parts.join(" "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn month_ends_and_leap_days_clamp() {
        let four = Period {
            months: 4,
            ..Period::default()
        };
        let year = Period {
            years: 1,
            ..Period::default()
        };
        assert_eq!(d("2023-10-31").add(four), Some(d("2024-02-29")));
        assert_eq!(d("2024-10-31").add(four), Some(d("2025-02-28")));
        assert_eq!(d("2024-02-29").add(year), Some(d("2025-02-28")));
        assert_eq!(
            d("2024-02-29").add(Period {
                years: 4,
                ..Period::default()
            }),
            Some(d("2028-02-29"))
        );
        assert_eq!(d("2025-02-28").sub(four), Some(d("2024-10-28")));
    }

    #[test]
    fn whole_months_between() {
        assert_eq!(d("2024-01-31").months_until(d("2024-02-29")), 0);
        assert_eq!(d("2024-01-15").months_until(d("2025-01-15")), 12);
        assert_eq!(d("2024-01-15").months_until(d("2025-01-14")), 11);
        assert_eq!(d("2025-01-15").months_until(d("2024-01-15")), 0);
    }

    #[test]
    fn only_iso_dates_are_read() {
        for bad in [
            "2024-2-29",
            "2024/02/29",
            "20240229",
            "2023-02-29",
            "2024-13-01",
            "",
            "2024-02-29T00:00",
        ] {
            assert!(bad.parse::<Date>().is_err(), "{bad}");
        }
        assert_eq!(
            Period {
                years: 1,
                months: 2,
                days: 0
            }
            .to_string(),
            "1 year 2 months"
        );
    }
}
