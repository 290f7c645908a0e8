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
            input: crate::base::error::quote(s),
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

/// A start date from which a renewal window of `window` reaches back to the
/// start of a term of `term` or before (the membership would be due for
/// renewal from its first day), or `None` when the window is shorter than
/// the term whatever day the term starts.
///
/// A term ends `term` after its start, and the window opens `window` before
/// that end, each reckoned as [`Date::add`] and [`Date::sub`] do (months
/// first, the day clamped to the month's end, then days), so the same
/// periods give different day counts from different starts: a month is 28
/// to 31 days, and 31 January + 1 month is 28 February.
///
/// A window that reaches back past the calendar's first day (-9999-01-01)
/// reaches past the start. Exact for every start from 0000-01-01 on whose
/// term ends within the calendar (by 9999-12-31), by this reasoning. Let `f(t)` be the day the window opens
/// minus the start `t`. The calendar repeats every 400 years, and so does
/// `f`, so the starts in years 0 to 399 stand for all (an earlier start
/// also ends earlier, so every term that ends within the calendar has a
/// start among them that does too). Each step is a non-decreasing map of
/// days, so `f(t + 1) - f(t)` is at least -1; where `f` is least, there is
/// a `t` after which it rises, and there the day the window opens jumps by
/// 2 or more. Adding months jumps only from a month's last day, so that `t`
/// is the last day of its month, or the term's end less its days is (then
/// `t` is that day less the term's months). Those 9,600 candidates (fewer
/// when the window is plainly shorter than the term, counted in days) are
/// tried.
pub(crate) fn window_reaches_start(window: Period, term: Period) -> Option<Date> {
    if window.is_zero() {
        return None;
    }
    // Day counts: `n` months from any start span 28 to 31 days a month and
    // 365 or 366 a year, less up to 3 where the day clamps (31 January + 1
    // month), and more by up to 3 counted back.
    let months = |p: Period| 12 * u64::from(p.years) + u64::from(p.months);
    let (tm, wm) = (months(term), months(window));
    let clamp = |m: u64| if m == 0 { 0 } else { 3 };
    let term_least =
        (365 * (tm / 12) + 28 * (tm % 12)).saturating_sub(clamp(tm)) + u64::from(term.days);
    let window_most = 366 * (wm / 12) + 31 * (wm % 12) + clamp(wm) + u64::from(window.days);
    if window_most < term_least {
        return None;
    }
    // A window that reaches back past the calendar's first day (which
    // `sub` cannot give) reaches past the start too.
    let reaches = |t: Date| {
        t.add(term)
            .is_some_and(|end| end.sub(window).is_none_or(|open| open <= t))
    };
    let month_ends = |first_year: i16| {
        (first_year..first_year.saturating_add(400)).flat_map(|y| {
            (1..=12).filter_map(move |m| {
                civil::Date::new(y, m, 1)
                    .ok()
                    .map(|d| Date(d.last_of_month()))
            })
        })
    };
    let days = Period {
        days: term.days,
        ..Period::default()
    };
    let whole = Period { days: 0, ..term };
    let cycle = |t: Date| {
        // The same day of the cycle in years 0 to 399.
        let shift = Period {
            years: 400u16.checked_mul(t.year().div_euclid(400).unsigned_abs())?,
            ..Period::default()
        };
        if t.year() < 0 {
            t.add(shift)
        } else {
            t.sub(shift)
        }
    };
    let ends_first = Date::new(0, 1, 1).ok()?.add(term).map_or(0, Date::year);
    let from_end = month_ends(ends_first).filter_map(|end| cycle(end.sub(days)?.sub(whole)?));
    let found = month_ends(0).chain(from_end).find(|&t| reaches(t))?;
    // Shown in this era when it fits there, as the same day of the cycle.
    let recent = found.add(Period {
        years: 2000,
        ..Period::default()
    });
    Some(recent.filter(|&t| reaches(t)).unwrap_or(found))
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

    fn p(years: u16, months: u16, days: u16) -> Period {
        Period {
            years,
            months,
            days,
        }
    }

    /// Whether the window opens on or before the start `t`, reckoned as
    /// membership does.
    fn reaches(window: Period, term: Period, t: Date) -> bool {
        t.add(term)
            .is_some_and(|end| end.sub(window).is_none_or(|open| open <= t))
    }

    /// Every day of 2000 to 2008 (leap years, a 400-year leap day) and of
    /// 2099 to 2101 (a century without one).
    fn sample_days() -> impl Iterator<Item = Date> {
        let span = |from: &str, to: &str| {
            let (from, to) = (d(from), d(to));
            std::iter::successors(Some(from), move |t| t.add(p(0, 0, 1)).filter(|n| *n <= to))
        };
        span("2000-01-01", "2008-12-31").chain(span("2099-01-01", "2101-12-31"))
    }

    #[test]
    fn renewal_windows_against_their_terms() {
        // (window, term, refused: the window reaches the start from some day)
        let cases = [
            (p(0, 3, 0), p(3, 0, 0), false), // MMP's
            (p(0, 0, 0), p(0, 0, 1), false),
            (p(0, 0, 1), p(0, 0, 1), true), // as long as the term
            (p(0, 0, 2), p(0, 0, 1), true),
            (p(0, 1, 0), p(0, 1, 0), true),
            (p(0, 0, 27), p(0, 1, 0), false),
            (p(0, 0, 28), p(0, 1, 0), true), // from 1 February of a common year
            (p(0, 0, 29), p(0, 1, 0), true),
            (p(0, 1, 0), p(0, 0, 31), true), // from 1 January
            (p(0, 1, 0), p(0, 0, 32), false),
            (p(0, 11, 0), p(1, 0, 0), false),
            (p(0, 12, 0), p(1, 0, 0), true),
            (p(1, 0, 0), p(0, 12, 0), true),
            (p(0, 11, 27), p(1, 0, 0), false),
            (p(0, 11, 30), p(1, 0, 0), true), // from 31 January: back to 29 January
            (p(0, 0, 365), p(1, 0, 0), true),
            (p(0, 0, 364), p(1, 0, 0), false),
            (p(0, 0, 1459), p(4, 0, 0), false),
            // 4 years are 1,461 days, but 1,460 across 2100, which has no
            // 29 February.
            (p(0, 0, 1460), p(4, 0, 0), true),
            (p(0, 0, 1459), p(0, 48, 0), false),
            (p(3, 11, 30), p(4, 0, 0), true),
            (p(0, 2, 0), p(0, 1, 31), true), // from 1 July: 1 August + 31 days, back 2 months
            // From 31 December: 28 February, 28 January, 31 December.
            (p(0, 1, 28), p(0, 2, 0), true),
            (p(0, 1, 27), p(0, 2, 0), false),
            (p(50, 0, 0), p(100, 0, 0), false),
            (p(100, 0, 0), p(100, 0, 0), true),
            // Past the calendar's range (years -9999 to 9999).
            (p(20000, 0, 0), p(1, 0, 0), true),
            (p(0, 0, 65535), p(0, 0, 65535), true),
            (p(9000, 0, 0), p(9001, 0, 0), false),
            (p(9001, 0, 0), p(9000, 0, 0), true),
        ];
        for (window, term, refused) in cases {
            let found = window_reaches_start(window, term);
            assert_eq!(
                found.is_some(),
                refused,
                "window {window}, term {term}: {found:?}"
            );
            // A day named is a start the window reaches, in this era
            // unless the term does not fit in the calendar from there.
            if let Some(t) = found {
                assert!(reaches(window, term, t), "{window}, {term}: {t}");
                let recent = (2000..2400).contains(&t.year());
                assert!(recent || term.years > 7000, "{t}");
            }
            // Every start sampled that the window reaches is found.
            if !refused {
                let missed = sample_days().find(|&t| reaches(window, term, t));
                assert_eq!(missed, None, "window {window}, term {term}");
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 300, failure_persistence: None, ..Default::default() })]
        /// Periods around each other in length: a window that reaches the
        /// start from any day sampled is refused, and the day a refusal
        /// names is one the window reaches.
        #[test]
        fn windows_are_checked_from_every_start(
            tm in 0u16..30, td in 0u16..70, wm in 0u16..30, wd in 0u16..70,
        ) {
            let (term, window) = (p(tm / 12, tm % 12, td), p(0, wm, wd));
            proptest::prop_assume!(!term.is_zero());
            let found = window_reaches_start(window, term);
            if let Some(t) = found {
                proptest::prop_assert!(reaches(window, term, t), "{t}");
            } else {
                let missed = sample_days().find(|&t| reaches(window, term, t));
                proptest::prop_assert_eq!(missed, None);
            }
        }
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
