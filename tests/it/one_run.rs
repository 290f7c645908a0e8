//! Every mistake of a document in one run: unknown fields, wrong values and
//! problems of meaning, by position, for policies, assessments and suites,
//! within `Limits::max_format_errors` readings of the document.

use crate::support::alloc;

/// The two-level peer scheme of the fixtures, with `edits` made to its text.
fn scheme(edits: &[(&str, &str)]) -> String {
    let mut text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/valid/two-level-scheme.yaml"
    ))
    .unwrap();
    for (from, to) in edits {
        assert!(text.contains(from), "{from}");
        text = text.replacen(from, to, 1);
    }
    text
}

/// The messages of the problems, without origin and hint.
fn messages(err: &qbm::LoadError) -> Vec<String> {
    err.diagnostics()
        .iter()
        .map(|d| format!("{}: {}", d.path, d.message))
        .collect()
}

#[test]
fn four_mistakes_in_a_policy_are_reported_in_one_run_by_position() {
    let text = scheme(&[
        // A benefit naming an unknown level, first in the text edits and
        // last in the document.
        ("    min_level: dedicated", "    min_level: dedicatd"),
        // An unknown key in a level, and one inside its time limit.
        (
            "    title: Dedicated\n",
            "    title: Dedicated\n    colour: green\n    time_limit:\n      \
             after: {months: 4}\n      reentry_after: {months: 12}\n",
        ),
        // A rank that is not a number.
        ("    rank: 20\n", "    rank: \"two\"\n"),
    ]);
    let err = qbm::Loader::new().policy_str(&text).unwrap_err();
    assert_eq!(
        messages(&err),
        [
            "levels[0]: unknown field `colour`",
            "levels[0].time_limit: unknown field `reentry_after`",
            "levels[1].rank: invalid type: string \"two\", expected a whole number from 0 to 4294967295",
            "benefits[2].min_level: unknown level `dedicatd`",
        ],
        "{err}"
    );
    let positions: Vec<_> = err.diagnostics().iter().map(|d| d.position).collect();
    assert!(positions.is_sorted(), "{err}");
    // The level whose rank was refused is left out; the benefit naming it
    // (`expert_badge`) is not reported as naming an unknown level.
    assert!(!err.to_string().contains("`expert`"), "{err}");
}

#[test]
fn a_wrong_value_is_not_reported_again_as_missing() {
    // `rank` is required: its wrong value is reported, its absence not.
    let text = scheme(&[("    rank: 10\n", "    rank: [10]\n")]);
    let err = qbm::Loader::new().policy_str(&text).unwrap_err();
    assert_eq!(
        messages(&err),
        ["levels[0].rank: invalid type: a list, expected a whole number from 0 to 4294967295"],
        "{err}"
    );
    // A misspelt required field: the unknown one is reported, the
    // missing one it misspells not.
    let text = scheme(&[("    title: Expert\n", "    titel: Expert\n")]);
    let err = qbm::Loader::new().policy_str(&text).unwrap_err();
    assert_eq!(
        messages(&err),
        ["levels[1]: unknown field `titel`"],
        "{err}"
    );
}

#[test]
fn a_missing_field_of_its_own_is_reported() {
    // No title at all: the missing field is the mistake.
    let text = scheme(&[
        ("    title: Expert\n", ""),
        ("    rank: 10\n", "    rank: x\n"),
    ]);
    let err = qbm::Loader::new().policy_str(&text).unwrap_err();
    assert_eq!(
        messages(&err),
        [
            "levels[0].rank: invalid type: string \"x\", expected a whole number from 0 to 4294967295",
            "levels[1]: missing field `title`",
        ],
        "{err}"
    );
}

#[test]
fn a_syntax_error_still_stops_the_document() {
    let text = scheme(&[
        (
            "    title: Dedicated\n",
            "    title: Dedicated\n    colour: green\n",
        ),
        ("benefits:\n", "benefits: [\n"),
    ]);
    let err = qbm::Loader::new().policy_str(&text).unwrap_err();
    assert_eq!(err.diagnostics().len(), 1, "{err}");
    assert_eq!(err.diagnostics()[0].kind, qbm::DiagnosticKind::Syntax);
}

#[test]
fn three_mistakes_in_an_assessment_are_reported_in_one_run() {
    let text = "assessment:\n  program: Three Mentors\n\
                answers:\n  B.1.1: mett\n\
                facts:\n  months_operating: [12, 14]\n\
                notes: reviewed\n";
    let err = qbm::Loader::new().assessment_str(text).unwrap_err();
    assert_eq!(
        messages(&err),
        [
            "answers.B.1.1: unknown answer `mett`",
            "facts.months_operating: invalid type: a list, expected a boolean, a number or a word",
            ": unknown field `notes`",
        ],
        "{err}"
    );
    let lines: Vec<_> = err
        .diagnostics()
        .iter()
        .map(|d| d.position.unwrap().line)
        .collect();
    assert_eq!(lines, [4, 6, 7]);
}

#[test]
fn two_mistakes_in_a_suite_are_reported_in_one_run() {
    let text = "policy: mmp-qbm\ncases:\n  \
                - name: one\n    expect: {level: none, levle: none}\n  \
                - name: two\n    as_of: yesterday\n    expect: {level: none}\n";
    let err = qbm::Loader::new().suite_str(text).unwrap_err();
    let got = messages(&err);
    assert_eq!(got.len(), 2, "{err}");
    assert_eq!(got[0], "cases[0].expect: unknown field `levle`", "{err}");
    assert!(got[1].starts_with("cases[1].as_of: "), "{err}");
}

#[test]
fn a_suite_reports_its_own_problems_with_its_format_problems() {
    let text = "policy: mmp-qbm\ncases:\n  \
                - name: one\n    expect: {level: none, levle: none}\n  \
                - name: \" \"\n    expect: {level: none}\n";
    let err = qbm::Loader::new().suite_str(text).unwrap_err();
    let got = messages(&err);
    assert_eq!(got.len(), 2, "{err}");
    assert_eq!(got[0], "cases[0].expect: unknown field `levle`", "{err}");
    assert!(got[1].starts_with("cases[1].name: "), "{err}");
}

/// The file's own problems and those against the policy, in one run, by
/// position: a review counted 6, then 5 more on a second run.
#[test]
fn an_assessment_checked_against_its_policy_gives_every_problem_in_one_run() {
    let policy = qbm::Policy::builtin().unwrap();
    let check = |a: &qbm::Assessment| policy.evaluator().decide(a).map(drop);
    let text = "assessment:\n  program: Mistakes\n  colour: blue\n  as_of: 2026-11-01\n  \
                membership: {level: affiliat, granted_on: 2026-01-01}\n\
                facts:\n  formal_program: maybe\n  months_operating: nine\n  unknown_fact: 3\n\
                answers:\n  B.1.1: yes\n  B.9.9: met\n";
    let err = qbm::Loader::new()
        .assessment_str_checked(text, check)
        .unwrap_err();
    let lines: Vec<usize> = err
        .diagnostics()
        .iter()
        .map(|d| d.position.unwrap().line)
        .collect();
    assert_eq!(lines, [3, 5, 7, 8, 9, 11, 12], "{err}");
    let got = messages(&err);
    assert!(got[1].contains("unknown level `affiliat`"), "{err}");
    assert!(got[6].contains("unknown item `B.9.9`"), "{err}");
    // Without format problems the check's are still reported; a clean
    // file loads.
    let bound_only = "assessment: {program: P}\nfacts: {unknown_fact: 3}\n";
    let err = qbm::Loader::new()
        .assessment_str_checked(bound_only, check)
        .unwrap_err();
    assert_eq!(
        messages(&err),
        ["facts.unknown_fact: unknown fact `unknown_fact`"]
    );
    let clean = "assessment: {program: P}\nanswers: {B.1.1: met}\n";
    assert!(
        qbm::Loader::new()
            .assessment_str_checked(clean, check)
            .is_ok()
    );
}

/// A suite's format problems and its problems against the policy, in one
/// run: a misspelled state word no longer hides a misspelled benefit.
#[test]
fn a_suite_checked_against_its_policy_gives_every_problem_in_one_run() {
    let dir = std::env::temp_dir().join(format!("qbm-one-run-suite-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("s.tests.yaml");
    std::fs::write(
        &path,
        "policy: mmp-qbm\ncases:\n  - name: one\n    as_of: 2026-11-01\n    \
         expect: {level: none, state: actve}\n  - name: two\n    \
         expect: {level: parnter, benefits: [listng]}\n",
    )
    .unwrap();
    let policy = qbm::Policy::builtin().unwrap();
    let err = qbm::Loader::new()
        .suite_path_checked(&path, |s| s.check(&policy))
        .unwrap_err();
    let got = messages(&err);
    assert_eq!(got.len(), 3, "{err}");
    assert!(got[0].starts_with("cases[0].expect.state: "), "{err}");
    assert!(got[1].contains("unknown level `parnter`"), "{err}");
    assert!(got[2].contains("`listng`"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A policy with `mistakes` unknown fields, one per level of `levels`.
fn mistaken(levels: usize, mistakes: usize) -> String {
    let mut text = String::from("policy: {name: p, version: 1.0.0, title: P}\nlevels:\n");
    for i in 0..levels {
        let key = if i < mistakes { "colour" } else { "title" };
        text.push_str(&format!(
            "  - {{id: l{i}, rank: {i}, title: L, {key}: x}}\n"
        ));
    }
    text.replace(", title: x}", "}")
}

#[test]
fn the_readings_stop_at_the_budget_with_a_line_saying_so() {
    let mut limits = qbm::Limits::default();
    limits.max_format_errors = 3;
    let err = qbm::Loader::new()
        .limits(limits)
        .policy_str(&mistaken(6, 6))
        .unwrap_err();
    let got = messages(&err);
    // The first reading and three more: four problems, then the line.
    assert_eq!(got.len(), 5, "{err}");
    assert!(
        got[..4]
            .iter()
            .all(|m| m.ends_with("unknown field `colour`"))
    );
    assert_eq!(
        err.diagnostics()[4].to_string(),
        "<input>: more unknown fields and wrong values may follow: the document was read \
         4 times, leaving out one more each time (hint: fix these first, or raise \
         `Limits::max_format_errors`)"
    );
    // No reading past the first: the first problem, as serde gives it.
    let mut limits = qbm::Limits::default();
    limits.max_format_errors = 0;
    let err = qbm::Loader::new()
        .limits(limits)
        .policy_str(&mistaken(6, 6))
        .unwrap_err();
    assert_eq!(
        messages(&err),
        [
            "levels[0]: unknown field `colour`",
            ": more unknown fields and wrong values may follow: the document was read once",
        ],
        "{err}"
    );
    // Within the budget, no such line.
    let mut limits = qbm::Limits::default();
    limits.max_format_errors = 6;
    let err = qbm::Loader::new()
        .limits(limits)
        .policy_str(&mistaken(6, 6))
        .unwrap_err();
    assert_eq!(err.diagnostics().len(), 6, "{err}");
}

#[test]
fn each_mistake_costs_one_reading_and_no_more_memory() {
    // The embedded policy with the last 1, 2, 4, 8 item questions
    // misspelt, the text's size unchanged: an item's `questoin` is unknown
    // and its `question` then missing, so each costs two readings (the
    // item is left out, and the references to it are not reported).
    let text = qbm::EMBEDDED[1].yaml();
    let (_, clean) = alloc::measure(|| qbm::Loader::new().policy_str(text).map(drop));
    let mut runs = Vec::new();
    for mistakes in [1, 2, 4, 8] {
        let mut broken = text.to_owned();
        for _ in 0..mistakes {
            let at = broken.rfind("    question: ").unwrap();
            broken.replace_range(at..at + 14, "    questoin: ");
        }
        let (err, usage) = alloc::measure(|| qbm::Loader::new().policy_str(&broken).unwrap_err());
        assert_eq!(err.diagnostics().len(), mistakes, "{err}");
        eprintln!("{mistakes} mistakes: {usage:?} (no mistake: {clean:?})");
        // Memory: one reading at a time, within a tenth of a clean load.
        assert!(
            usage.peak_bytes < clean.peak_bytes + clean.peak_bytes / 10,
            "{mistakes} mistakes: {usage:?}, {clean:?} with none"
        );
        // Work: two readings a mistake, each under half of a clean load
        // (measured: 6,600 allocations a reading, 21,300 a clean load).
        assert!(
            usage.allocations < (mistakes + 1) * clean.allocations,
            "{mistakes} mistakes: {usage:?}, {clean:?} with none"
        );
        runs.push((mistakes, usage));
    }
    for pair in runs.windows(2) {
        let [(_, a), (_, b)] = pair else { continue };
        // Twice the mistakes, at most twice the work.
        assert!(b.allocations < 2 * a.allocations, "{runs:?}");
    }
}
