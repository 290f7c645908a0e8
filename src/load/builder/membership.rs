//! The terms of membership: a renewal term, and its window checked to be
//! shorter than the term.

use super::{Builder, K};
use crate::load::raw::RawMembership;
use crate::model::policy::{Renewal, Terms};

/// The renewal term, if the policy gives one; `None` after reporting a
/// term of no time or a window not shorter than the term.
pub(super) fn renewal(b: &mut Builder<'_>, raw: Option<&RawMembership>) -> Option<Renewal> {
    let r = raw?.renewal.as_ref()?;
    if r.every.is_zero() {
        b.err(
            K::InvalidValue,
            "membership.renewal.every",
            "a renewal term of no time",
            None,
        );
        return None;
    }
    let window = r.window.unwrap_or_default();
    if let Some(start) = crate::base::date::window_reaches_start(window, r.every) {
        b.err(
            K::Unsatisfiable,
            "membership.renewal.window",
            format!(
                "a renewal window of {window} is not shorter than the term of {}: a membership started on {start} would be due for renewal from its first day",
                r.every
            ),
            Some("make the window shorter than the term's shortest: a month is 28 to 31 days, a year 365 or 366".into()),
        );
        return None;
    }
    Some(Renewal {
        every: r.every,
        window,
    })
}

/// The `membership:` section beyond its [`Renewal`], if the policy has one.
pub(super) fn terms(raw: Option<&RawMembership>) -> Option<Terms> {
    let renewal = raw?.renewal.as_ref();
    Some(Terms {
        window_given: renewal.is_some_and(|r| r.window.is_some()),
        note: renewal.and_then(|r| r.note.clone()),
    })
}

#[cfg(test)]
mod tests {
    use super::super::check_table;

    #[test]
    fn renewal_windows_are_shorter_than_their_terms() {
        // (every, window, the problem or none)
        let rows = [
            ("{years: 3}", "{months: 3}", vec![]),
            ("{years: 1}", "{months: 11, days: 27}", vec![]),
            (
                "{years: 1}",
                "{months: 11, days: 30}",
                vec![
                    "membership.renewal.window: a renewal window of 11 months 30 days is not shorter",
                ],
            ),
            (
                "{years: 1}",
                "{years: 1}",
                vec![
                    "membership.renewal.window: a renewal window of 1 year is not shorter than the term of 1 year",
                ],
            ),
            ("{months: 1}", "{days: 27}", vec![]),
            (
                "{months: 1}",
                "{days: 28}",
                vec![
                    "membership.renewal.window: a renewal window of 28 days is not shorter than the term of 1 month: a membership started on 2001-01-31 would be due for renewal from its first day (hint: make the window shorter than the term's shortest: a month is 28 to 31 days, a year 365 or 366)",
                ],
            ),
            (
                "{years: 1}",
                "{years: 2}",
                vec!["membership.renewal.window: a renewal window of 2 years"],
            ),
            (
                "{years: 0}",
                "{days: 1}",
                vec!["membership.renewal.every: a renewal term of no time"],
            ),
        ];
        check_table(rows.into_iter().map(|(every, window, w)| {
            let yaml = format!(
                "policy: {{name: tiny, version: 1.0.0, title: Tiny}}
levels: [{{id: member, rank: 1, title: Member}}]
membership: {{renewal: {{every: {every}, window: {window}}}}}
"
            );
            (yaml, w)
        }));
    }
}
