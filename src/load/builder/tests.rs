//! Whole policies through every phase: rules that can never hold, texts
//! that show nothing, ids in two Unicode normal forms.

use crate::base::error::{quote, quote_code_points};

/// A small policy: facts `months` (a number from 0 to 10), `started`
/// (a date), `months_since` (derived from it, at most 10 when given),
/// `open` (any number), `stage` (a choice); two items with the ids
/// `ids` in a standard titled `title`; `requires` as the one level's
/// requirements, `tail` at the end.
fn policy(ids: [&str; 2], title: &str, requires: &str, tail: &str) -> String {
    format!(
        "policy: {{name: tiny, version: 1.0.0, title: Tiny}}
kinds: [{{id: benchmark, title: Benchmark}}]
facts:
  - {{id: months, title: Months, type: number, min: 0, max: 10}}
  - {{id: started, title: Started, type: date}}
  - {{id: months_since, title: Months since, type: number, min: 0, max: 10, derive: {{months_since: started}}}}
  - {{id: open, title: Open, type: number}}
  - {{id: stage, title: Stage, type: choice, values: [a, b]}}
standards:
  - id: s
    title: \"{title}\"
    items:
      - {{id: \"{}\", kind: benchmark, title: One, question: One?}}
      - {{id: \"{}\", kind: benchmark, title: Two, question: Two?}}
levels:
  - id: member
    rank: 1
    title: Member
    requires: {requires}
{tail}",
        ids[0], ids[1]
    )
}

/// The messages (with hints) of loading `yaml`, or empty if it loads.
fn errors(yaml: &str) -> Vec<String> {
    super::problems(yaml)
}

fn requires(r: &str) -> Vec<String> {
    errors(&policy(["B.1", "B.2"], "S", &format!("[{r}]"), ""))
}

#[test]
fn rules_that_can_never_hold_are_refused() {
    // (requirement, the start of the one error, or "" for none)
    let cases = [
        (
            "{fact: months, one_of: []}",
            "levels[0].requires[0].one_of: `one_of` lists no values of fact `months`, so it can never hold",
        ),
        (
            "{fact: stage, one_of: []}",
            "levels[0].requires[0].one_of: `one_of` lists no values",
        ),
        (
            "{fact: months, at_least: 5, at_most: 4}",
            "levels[0].requires[0].at_most: `at_most` 4 is below `at_least` 5, so it can never hold",
        ),
        (
            "{fact: open, at_least: 5, at_most: 4}",
            "levels[0].requires[0].at_most: `at_most` 4 is below",
        ),
        ("{fact: months, at_least: 4, at_most: 4}", ""),
        (
            "{fact: months, at_least: 12}",
            "levels[0].requires[0].at_least: fact `months` is between 0 and 10, so `at_least: 12` can never hold",
        ),
        ("{fact: months, at_least: 10}", ""),
        (
            "{fact: months, at_least: 11, at_most: 20}",
            "levels[0].requires[0].at_least: fact `months` is between 0 and 10, so `at_least: 11`",
        ),
        (
            "{fact: months, at_most: -1}",
            "levels[0].requires[0].at_most: fact `months` is between 0 and 10, so `at_most: -1` can never hold",
        ),
        (
            "{fact: months, at_least: -5, at_most: -1}",
            "levels[0].requires[0].at_most: fact `months` is between 0 and 10, so `at_most: -1`",
        ),
        ("{fact: months, at_most: 0}", ""),
        (
            "{fact: months, equals: 12}",
            "levels[0].requires[0].equals: fact `months` is between 0 and 10, so `equals: 12` can never hold",
        ),
        ("{fact: months, equals: 10}", ""),
        (
            "{fact: months, one_of: [3, 11]}",
            "levels[0].requires[0].one_of[1]: fact `months` is between 0 and 10, so `one_of` value 11 can never hold",
        ),
        ("{fact: open, at_least: 1000000, at_most: 1000000}", ""),
        // A derived fact counts whole months past its `max` when not given.
        ("{fact: months_since, at_least: 12}", ""),
        ("{fact: months_since, equals: 24}", ""),
        (
            "{fact: months_since, at_least: 10.5, at_most: 10.7}",
            "levels[0].requires[0].at_least: fact `months_since` is between 0 and 10 when given, and otherwise a whole number of months, so `at_least: 10.5` can never hold",
        ),
        (
            "{fact: months_since, at_most: -1}",
            "levels[0].requires[0].at_most: fact `months_since` is between 0 and 10 when given",
        ),
        (
            "{fact: months_since, equals: 12.5}",
            "levels[0].requires[0].equals: fact `months_since`",
        ),
        // Always true is left alone: it is odd, but it holds.
        ("{met_at_least: {count: 0, of: {kind: benchmark}}}", ""),
        ("{met_at_least: {percent: 0, of: {kind: benchmark}}}", ""),
        ("{at_least: 0, of: [{met: B.1}]}", ""),
        // Already refused before.
        (
            "{met_at_least: {count: 3, of: {kind: benchmark}}}",
            "levels[0].requires[0].met_at_least.count: needs 3 items met, but the selection has 2",
        ),
        (
            "{at_least: 2, of: [{met: B.1}]}",
            "levels[0].requires[0].at_least: needs 2 of 1 requirements, so it can never hold",
        ),
    ];
    for (r, want) in cases {
        let got = requires(r);
        if want.is_empty() {
            assert!(got.is_empty(), "{r}: {got:?}");
        } else {
            assert_eq!(got.len(), 1, "{r}: {got:?}");
            assert!(got[0].starts_with(want), "{r}: {got:?}");
        }
    }
}

#[test]
fn renewal_windows_not_shorter_than_their_terms_are_refused() {
    let renewal = |every: &str, window: &str| {
        errors(&policy(
            ["B.1", "B.2"],
            "S",
            "[]",
            &format!("membership: {{renewal: {{every: {every}, window: {window}}}}}"),
        ))
    };
    // (every, window, refused)
    let cases = [
        ("{years: 3}", "{months: 3}", false),
        ("{years: 1}", "{months: 11, days: 27}", false),
        ("{years: 1}", "{months: 11, days: 30}", true),
        ("{years: 1}", "{years: 1}", true),
        ("{months: 1}", "{days: 27}", false),
        ("{months: 1}", "{days: 28}", true),
        ("{years: 1}", "{years: 2}", true),
    ];
    for (every, window, refused) in cases {
        let got = renewal(every, window);
        assert_eq!(!got.is_empty(), refused, "{every} {window}: {got:?}");
    }
    assert_eq!(
        renewal("{months: 1}", "{days: 28}"),
        [
            "membership.renewal.window: a renewal window of 28 days is not shorter than the term of 1 month: a membership started on 2001-01-31 would be due for renewal from its first day (hint: make the window shorter than the term's shortest: a month is 28 to 31 days, a year 365 or 366)"
        ]
    );
}

#[test]
fn texts_that_show_nothing_are_refused() {
    // (item id, standard title, the start of the error, or "" for none)
    let cases = [
        (
            "\u{3164}",
            "S",
            "standards[0].items[0].id: the item id `\\u{3164}` shows nothing",
        ),
        (
            "\u{301}",
            "S",
            "standards[0].items[0].id: the item id `\\u{301}` shows nothing",
        ),
        (
            "\u{2800}",
            "S",
            "standards[0].items[0].id: the item id `\\u{2800}` shows nothing",
        ),
        (
            "\u{200b}",
            "S",
            "standards[0].items[0].id: the item id `\\u{200b}` shows nothing",
        ),
        (" ", "S", "standards[0].items[0].id: item id is empty"),
        (
            "B.1",
            "\u{3164}",
            "standards[0].title: the title `\\u{3164}` shows nothing",
        ),
        (
            "B.1",
            "\u{301}\u{301}",
            "standards[0].title: the title `\\u{301}\\u{301}` shows nothing",
        ),
        (
            "B.1",
            " \u{2800} ",
            "standards[0].title: the title ` \\u{2800} ` shows nothing",
        ),
        (
            "B.1",
            "\u{200b}",
            "standards[0].title: the title `\\u{200b}` shows nothing",
        ),
        ("B.1", " ", "standards[0].title: the title is empty"),
        ("e\u{301}", "e\u{301}", ""),
        (
            "B.1",
            "S\u{200b}",
            "standards[0].title: the title `S\\u{200b}` holds a control character or an invisible mark",
        ),
    ];
    for (id, title, want) in cases {
        let got = errors(&policy([id, "B.2"], title, "[]", ""));
        if want.is_empty() {
            assert!(got.is_empty(), "{id:?} {title:?}: {got:?}");
        } else {
            assert_eq!(got.len(), 1, "{id:?} {title:?}: {got:?}");
            assert!(got[0].starts_with(want), "{id:?} {title:?}: {got:?}");
        }
    }
    let name =
        errors(&policy(["B.1", "B.2"], "S", "[]", "").replace("name: tiny", "name: \"\u{3164}\""));
    assert_eq!(
        name,
        [
            "policy.name: the policy name `\\u{3164}` shows nothing: it holds only spaces, invisible characters or marks with no letter to go on (hint: write the policy name in visible characters)"
        ]
    );
}

#[test]
fn ids_equal_after_normalisation_are_one_id() {
    let (nfc, nfd) = ("B.\u{e9}", "B.e\u{301}");
    // (first id, second id, the error, or "" for none)
    let cases = [
        (
            nfc,
            nfd,
            "standards[0].items[1].id: duplicate item id `B.e\\u{301}`: it differs from `B.\\u{e9}` only in Unicode normalisation (hint: first used at `standards[0].items[0].id`; write both the same way (NFC, as most editors save text))",
        ),
        (
            nfd,
            nfc,
            "standards[0].items[1].id: duplicate item id `B.\\u{e9}`: it differs from `B.e\\u{301}` only in Unicode normalisation (hint: first used at `standards[0].items[0].id`; write both the same way (NFC, as most editors save text))",
        ),
        // Two spellings that are not NFC, with marks in another order.
        (
            "B.a\u{323}\u{302}",
            "B.a\u{302}\u{323}",
            "standards[0].items[1].id: duplicate item id `B.a\\u{302}\\u{323}`: it differs from `B.a\\u{323}\\u{302}` only",
        ),
        (
            nfd,
            nfd,
            "standards[0].items[1].id: duplicate item id `B.e\u{301}` (hint: first used at `standards[0].items[0].id`",
        ),
        (
            "\u{212b}",
            "\u{c5}",
            "standards[0].items[1].id: duplicate item id `\\u{c5}`: it differs from `\\u{212b}` only",
        ),
        (nfc, "B.e", ""),
    ];
    for (first, second, want) in cases {
        let got = errors(&policy([first, second], "S", "[]", ""));
        if want.is_empty() {
            assert!(got.is_empty(), "{first:?} {second:?}: {got:?}");
        } else {
            assert_eq!(got.len(), 1, "{first:?} {second:?}: {got:?}");
            assert!(got[0].starts_with(want), "{first:?} {second:?}: {got:?}");
        }
    }
}

#[test]
fn a_reference_in_another_normalisation_names_the_id() {
    // (defined, referred to)
    for (defined, named) in [("B.\u{e9}", "B.e\u{301}"), ("B.e\u{301}", "B.\u{e9}")] {
        let got = errors(&policy(
            [defined, "B.2"],
            "S",
            &format!("[{{met: \"{named}\"}}]"),
            "",
        ));
        let want = format!(
            "levels[0].requires[0].met: unknown item {} (hint: did you mean {}? {} differs from it only in Unicode normalisation)",
            quote(named),
            quote_code_points(defined),
            quote_code_points(named)
        );
        assert_eq!(got, [want]);
    }
}
