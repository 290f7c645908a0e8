//! The terms of membership: a renewal term, and its window checked to be
//! shorter than the term.

use super::{Builder, K};
use crate::base::source::path::{index_path, key_path};
use crate::load::raw::{RawLevelRenewal, RawMembership, RawRenewal};
use crate::model::policy::{LevelRenewal, Renewal, Terms};

/// The renewal term, if the policy gives one; `None` after reporting a
/// term of no time or a window not shorter than the term.
pub(super) fn renewal(b: &mut Builder<'_>, raw: Option<&RawMembership>) -> Option<Renewal> {
    term(b, raw?.renewal.as_ref()?, "membership.renewal")
}

/// The renewal term `r` found at `path`; `None` after reporting a term of
/// no time or a window not shorter than the term.
pub(super) fn term(b: &mut Builder<'_>, r: &RawRenewal, path: &str) -> Option<Renewal> {
    if r.every.is_zero() {
        b.err(
            K::InvalidValue,
            &key_path(path, "every"),
            "a renewal term of no time",
            None,
        );
        return None;
    }
    let window = r.window.unwrap_or_default();
    if let Some(start) = crate::base::date::window_reaches_start(window, r.every) {
        b.err(
            K::Unsatisfiable,
            &key_path(path, "window"),
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

/// Level `i`'s own renewal `raw`, with how it was written; `(None, None)`
/// where the level writes none, or after reporting a term [`term`] refuses.
pub(super) fn level_renewal(
    b: &mut Builder<'_>,
    i: usize,
    raw: Option<&RawLevelRenewal>,
) -> (Option<LevelRenewal>, Option<Terms>) {
    match raw {
        None => (None, None),
        Some(RawLevelRenewal::None(_)) => (Some(LevelRenewal::None), None),
        Some(RawLevelRenewal::Every(r)) => {
            let path = key_path(&index_path("levels", i), "renewal");
            match term(b, r, &path) {
                None => (None, None),
                Some(t) => (
                    Some(LevelRenewal::Every(t)),
                    Some(Terms {
                        window_given: r.window.is_some(),
                        note: r.note.clone(),
                        restarts_on_promotion: false,
                    }),
                ),
            }
        }
    }
}

/// The `membership:` section beyond its [`Renewal`], if the policy has one.
pub(super) fn terms(raw: Option<&RawMembership>) -> Option<Terms> {
    let raw = raw?;
    let renewal = raw.renewal.as_ref();
    Some(Terms {
        window_given: renewal.is_some_and(|r| r.window.is_some()),
        note: renewal.and_then(|r| r.note.clone()),
        restarts_on_promotion: raw.term_restarts_on_promotion,
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
