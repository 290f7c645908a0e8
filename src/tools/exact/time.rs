//! Dates in the exact analysis. A date matters to a decision only through
//! comparisons of the form "this date plus a period reaches the date
//! evaluated as of" (a grant plus a time limit, a renewal plus the term,
//! minus the window; months since a start date reaching a count). Each such
//! comparison is a free bit of the formula, with only the orderings that
//! hold for every date added between them; a model's bits are then
//! realised by real dates ([`realise`]) before a witness is reported, and
//! a combination no dates realise is excluded and the question asked again.

use crate::base::date::{Date, Period};
use crate::tools::exact::cnf::Lit;
use crate::tools::exact::encode::within;

/// A date of the assessment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DateVar {
    /// The date evaluated as of.
    AsOf,
    /// When the level held was granted.
    Granted,
    /// When it was last renewed.
    Renewed,
    /// A date fact, by its index in the domain.
    Fact(usize),
}

/// A comparison of a date `x` with the as-of date `a`; each holds for every
/// `x` up to some date and for none after it (monotone in `x`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Op {
    /// `x + p <= a`.
    PlusReaches(Period),
    /// `(x + p) - w <= a`: a renewal window opening.
    PlusMinusReaches(Period, Period),
    /// `(x + p) + w <= a`: a wait after a time limit (reentry) over.
    PlusPlusReaches(Period, Period),
    /// At least `k` whole months from `x` to `a`.
    MonthsReach(i64),
}

impl Op {
    /// Whether `self` holding implies `other` holding for every date
    /// (`Some(true)`), where that is known.
    pub(crate) fn implies(self, other: Op) -> Option<bool> {
        match (self, other) {
            (Op::PlusReaches(p), Op::PlusReaches(q)) if within(q, p) => Some(true),
            (Op::MonthsReach(k), Op::MonthsReach(j)) if j <= k => Some(true),
            // (x + q) - w <= x + q <= x + p.
            (Op::PlusReaches(p), Op::PlusMinusReaches(q, _)) if within(q, p) => Some(true),
            // (x + p) - w lies at most 3 days before x + (p - w) (a month
            // end clamped twice), so a month to spare covers it.
            (Op::PlusMinusReaches(p, w), Op::PlusReaches(q))
                if p.days == 0
                    && w.days == 0
                    && q.days == 0
                    && months(q) + months(w) < months(p) =>
            {
                Some(true)
            }
            _ => None,
        }
    }

    /// Whether the comparison holds for `x` and as-of date `a`.
    pub(crate) fn holds(self, x: Date, a: Date) -> bool {
        match self {
            Op::PlusReaches(p) => x.add(p).is_some_and(|d| d <= a),
            Op::PlusMinusReaches(p, w) => x.add(p).and_then(|d| d.sub(w)).is_some_and(|d| d <= a),
            Op::PlusPlusReaches(p, w) => x.add(p).and_then(|d| d.add(w)).is_some_and(|d| d <= a),
            Op::MonthsReach(k) => x <= a && x.months_until(a) >= k,
        }
    }
}

fn months(p: Period) -> u32 {
    u32::from(p.years) * 12 + u32::from(p.months)
}

/// For a comparison of the as-of date with itself: its value when it is the
/// same for every as-of date searched, as it is for every period a policy
/// gives (a window shorter than the term never opens on the day a term
/// starts).
pub(crate) fn constant_on_as_of(op: Op) -> Option<bool> {
    let mut seen = None;
    for a in candidates() {
        let v = op.holds(a, a);
        match seen {
            None => seen = Some(v),
            Some(s) if s != v => return None,
            Some(_) => {}
        }
    }
    seen
}

/// A comparison and its literal.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Atom {
    pub var: DateVar,
    pub op: Op,
    pub lit: Lit,
}

/// The dates a model needs: the as-of date, and a value for each date
/// variable that is given.
#[derive(Clone, Debug, Default)]
pub(crate) struct Dates {
    pub as_of: Option<Date>,
    pub granted: Option<Date>,
    pub renewed: Option<Date>,
    pub facts: Vec<(usize, Date)>,
}

/// The earliest date searched: an assessment writes dates as `YYYY-MM-DD`,
/// so none is earlier.
fn earliest() -> Option<Date> {
    Date::new(1, 1, 1).ok()
}

/// Days from [`earliest`] past the latest date an assessment can write.
const SPAN_DAYS: i64 = 10_000 * 366;

thread_local! {
    /// Thresholds already found on this thread: a question that excludes
    /// combinations of dates searches the same as-of dates again, and each
    /// search is a bisection of date arithmetic. A pure function's memo,
    /// emptied when it holds [`MEMO`] entries.
    static THRESHOLDS: std::cell::RefCell<crate::base::hash::Map<(Op, Date), Option<Date>>> =
        std::cell::RefCell::new(crate::base::hash::Map::default());
}

/// How many thresholds a thread keeps (about 40 bytes each).
const MEMO: usize = 200_000;

/// [`search`], remembered.
fn threshold(op: Op, a: Date) -> Option<Date> {
    let known = THRESHOLDS.with(|m| m.borrow().get(&(op, a)).copied());
    if let Some(t) = known {
        return t;
    }
    let t = search(op, a);
    THRESHOLDS.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() >= MEMO {
            m.clear();
        }
        m.insert((op, a), t);
    });
    t
}

/// The latest `x` (not after `a`) for which `op` holds, by bisection; `None`
/// when it holds for no date in the span searched.
fn search(op: Op, a: Date) -> Option<Date> {
    // Every comparison fails for dates after `a`, and dates past the
    // calendar's end do not exist: both count as "does not hold".
    let lo = earliest()?;
    if !op.holds(lo, a) {
        return None;
    }
    if op.holds(a, a) {
        return Some(a);
    }
    let (mut good, mut bad) = (0i64, SPAN_DAYS);
    while bad - good > 1 {
        let mid = good + (bad - good) / 2;
        match lo.shift_days(mid) {
            Some(x) if op.holds(x, a) => good = mid,
            _ => bad = mid,
        }
    }
    lo.shift_days(good)
}

/// The range of dates for `var` that gives each of its atoms the value
/// wanted, as-of date `a`: `(earliest, latest)`, or `None` when empty.
fn range(var: DateVar, wanted: &[(Atom, bool)], a: Date) -> Option<(Date, Date)> {
    let mut lo = earliest()?;
    let mut hi = a;
    for (atom, value) in wanted.iter().filter(|(x, _)| x.var == var) {
        let t = threshold(atom.op, a);
        if *value {
            hi = hi.min(t?);
        } else if let Some(t) = t {
            lo = lo.max(t.shift_days(1)?);
        }
    }
    (lo <= hi).then_some((lo, hi))
}

/// The as-of dates tried, in order: a fixed recent day first, then every
/// day of five years (every month length, month end and leap day), then
/// every day of the seven years around 2100, whose February has no 29th
/// though its neighbours' do (the one pattern the Gregorian calendar adds
/// to the four-year cycle; 1900, 2200 and 2300 repeat it).
fn candidates() -> impl Iterator<Item = Date> {
    let start = Date::new(2026, 11, 1).ok();
    let first = Date::new(2024, 1, 1).ok();
    let century = Date::new(2097, 1, 1).ok();
    start
        .into_iter()
        .chain((0..(5 * 366)).filter_map(move |n| first.and_then(|f| f.shift_days(n))))
        .chain((0..(7 * 366)).filter_map(move |n| century.and_then(|f| f.shift_days(n))))
}

/// Dates that give every atom its value in the model, or `None` when none
/// are found (the combination is then excluded).
pub(crate) fn realise(
    dated: bool,
    held: bool,
    renewed: bool,
    facts: &[usize],
    wanted: &[(Atom, bool)],
) -> Option<Dates> {
    if !dated {
        // Undated: nothing compares dates; any dates do.
        let d = Date::new(2020, 1, 1).ok()?;
        return Some(Dates {
            as_of: None,
            granted: held.then_some(d),
            renewed: (held && renewed).then_some(d),
            facts: facts.iter().map(|&f| (f, d)).collect(),
        });
    }
    for a in candidates() {
        if !as_of_fits(wanted, a) {
            continue;
        }
        if let Some(out) = fit(held, renewed, facts, |var| range(var, wanted, a)) {
            return Some(Dates {
                as_of: Some(a),
                ..out
            });
        }
    }
    None
}

/// Whether the comparisons of the as-of date with itself have their values on `a`.
fn as_of_fits(wanted: &[(Atom, bool)], a: Date) -> bool {
    wanted
        .iter()
        .filter(|(x, _)| x.var == DateVar::AsOf)
        .all(|(atom, value)| atom.op.holds(a, a) == *value)
}

/// The dates of the assessment (not the as-of date), each in the range
/// `range` gives it: the latest date of each range, the grant no later
/// than the renewal.
fn fit(
    held: bool,
    renewed: bool,
    facts: &[usize],
    range: impl Fn(DateVar) -> Option<(Date, Date)>,
) -> Option<Dates> {
    let mut out = Dates::default();
    if held {
        let (glo, ghi) = range(DateVar::Granted)?;
        if renewed {
            let (rlo, rhi) = range(DateVar::Renewed)?;
            // Renewed on or after the grant.
            let r = rhi;
            let g = ghi.min(r);
            if g < glo || r < rlo {
                return None;
            }
            out.granted = Some(g);
            out.renewed = Some(r);
        } else {
            out.granted = Some(ghi);
        }
    }
    for &f in facts {
        let (_, hi) = range(DateVar::Fact(f))?;
        out.facts.push((f, hi));
    }
    Some(out)
}

/// How many pairs of as-of dates [`realise_two`] tries.
#[cfg(feature = "testing")]
const PAIRS: usize = 200_000;

/// One assessment's dates that give every atom its value in two models of
/// it, as of two dates, the second later than the first: `first` and
/// `second` are the atoms of each. The pairs tried are the as-of dates of
/// [`candidates`], each with the candidates after it, up to [`PAIRS`]
/// pairs; `None` when none of those is found (which proves nothing).
#[cfg(feature = "testing")]
pub(crate) fn realise_two(
    held: bool,
    renewed: bool,
    facts: &[usize],
    first: &[(Atom, bool)],
    second: &[(Atom, bool)],
) -> Option<(Dates, Dates)> {
    let firsts = candidates().filter(|a| as_of_fits(first, *a));
    let pairs = firsts.flat_map(|a1| {
        candidates()
            .filter(move |a2| *a2 > a1 && as_of_fits(second, *a2))
            .map(move |a2| (a1, a2))
    });
    for (a1, a2) in pairs.take(PAIRS) {
        let both = |var| {
            let (lo1, hi1) = range(var, first, a1)?;
            let (lo2, hi2) = range(var, second, a2)?;
            let (lo, hi) = (lo1.max(lo2), hi1.min(hi2));
            (lo <= hi).then_some((lo, hi))
        };
        if let Some(out) = fit(held, renewed, facts, both) {
            let later = Dates {
                as_of: Some(a2),
                ..out.clone()
            };
            return Some((
                Dates {
                    as_of: Some(a1),
                    ..out
                },
                later,
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse()
            .unwrap_or_else(|_| Date::new(2000, 1, 1).unwrap_or_else(|_| unreachable!()))
    }

    #[test]
    fn thresholds_are_the_latest_date_that_reaches() {
        let four = Op::PlusReaches(Period {
            months: 4,
            ..Period::default()
        });
        assert_eq!(threshold(four, d("2026-06-30")), Some(d("2026-02-28")));
        assert_eq!(threshold(four, d("2026-06-15")), Some(d("2026-02-15")));
        let twelve = Op::MonthsReach(12);
        assert_eq!(threshold(twelve, d("2026-06-15")), Some(d("2025-06-15")));
        assert!(twelve.holds(d("2025-06-15"), d("2026-06-15")));
        assert!(!twelve.holds(d("2025-06-16"), d("2026-06-15")));
    }

    #[test]
    fn a_model_that_no_dates_realise_is_refused() {
        let four = Op::PlusReaches(Period {
            months: 4,
            ..Period::default()
        });
        let six = Op::PlusReaches(Period {
            months: 6,
            ..Period::default()
        });
        let at = |op, value| {
            (
                Atom {
                    var: DateVar::Granted,
                    op,
                    lit: Lit(2),
                },
                value,
            )
        };
        // Six months reached but not four: impossible.
        assert!(realise(true, true, false, &[], &[at(six, true), at(four, false)]).is_none());
        let found =
            realise(true, true, false, &[], &[at(four, true), at(six, false)]).unwrap_or_default();
        let (a, g) = (
            found.as_of.unwrap_or_else(|| d("x")),
            found.granted.unwrap_or_else(|| d("x")),
        );
        assert!(four.holds(g, a) && !six.holds(g, a));
    }

    #[cfg(feature = "testing")]
    #[test]
    fn two_dates_are_realised_in_order() {
        let four = Op::PlusReaches(Period {
            months: 4,
            ..Period::default()
        });
        let at = |value| {
            [(
                Atom {
                    var: DateVar::Granted,
                    op: four,
                    lit: Lit(2),
                },
                value,
            )]
        };
        // Four months after the grant: not reached on the first date,
        // reached on the later one.
        let (first, second) = realise_two(true, false, &[], &at(false), &at(true)).unwrap();
        let (a1, a2, g) = (
            first.as_of.unwrap(),
            second.as_of.unwrap(),
            first.granted.unwrap(),
        );
        assert!(a1 < a2 && second.granted == Some(g));
        assert!(!four.holds(g, a1) && four.holds(g, a2));
        // Reached on the first date and not on a later one: no dates do that.
        assert!(realise_two(true, false, &[], &at(true), &at(false)).is_none());
    }
}
