//! What a selection's rule means when none of its items applies (issue 37):
//! `when_none_apply`, by default `unmet`, so that marking every item not
//! applicable earns nothing; the evaluation, the lean decision and the plan
//! agree, the key writes back, and answering an item met instead of not
//! applicable never lowers a level.

use qbm::{Answer, Assessment, Detail, Policy, Status};

const SCHEME: &str = "tests/fixtures/valid/none-apply-scheme.yaml";

fn scheme_text() -> String {
    std::fs::read_to_string(SCHEME).unwrap()
}

fn load(text: &str) -> Policy {
    qbm::Loader::new()
        .policy_str(text)
        .unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// The Minnesota-style scheme with `when_none_apply: VALUE` beside both of
/// its selection rules.
fn scheme_with(value: &str) -> Policy {
    let text = scheme_text()
        .replace(
            "of: {kind: practice}}\n",
            &format!("of: {{kind: practice}}}}\n        when_none_apply: {value}\n"),
        )
        .replace(
            "all_met: {kind: practice}\n",
            &format!("all_met: {{kind: practice}}\n        when_none_apply: {value}\n"),
        );
    assert_eq!(text.matches("  when_none_apply: ").count(), 2, "{text}");
    load(&text)
}

/// Practices P1 to P12 answered by `answer(i)`.
fn program(answer: impl Fn(usize) -> Option<Answer>) -> Assessment {
    let mut a = Assessment::new("Lakeside Mentors");
    for i in 1..=12 {
        if let Some(x) = answer(i) {
            a.set_answer(format!("P{i}"), x);
        }
    }
    a
}

fn all_not_applicable() -> Assessment {
    program(|_| Some(Answer::NotApplicable))
}

/// The level by the full evaluation, checked against the lean decision.
fn level(p: &Policy, a: &Assessment) -> Option<String> {
    let full = p.evaluate(a).unwrap().level.map(|l| l.id.to_string());
    let lean = p
        .evaluator()
        .decide(a)
        .unwrap()
        .level
        .map(|l| l.id.to_string());
    assert_eq!(full, lean, "evaluate and decide disagree");
    full
}

#[test]
fn all_not_applicable_earns_nothing_by_default_and_everything_with_met() {
    let default = load(&scheme_text());
    assert_eq!(level(&default, &all_not_applicable()), None);
    // Written out, `unmet` is the default.
    assert_eq!(level(&scheme_with("unmet"), &all_not_applicable()), None);
    // `met`: 0 of 0 counts as met, as it did before the key existed.
    assert_eq!(
        level(&scheme_with("met"), &all_not_applicable()).as_deref(),
        Some("expert")
    );
    // One practice that applies and is met is 1 of 1: Expert either way.
    let one_met = program(|i| {
        Some(if i == 5 {
            Answer::Met
        } else {
            Answer::NotApplicable
        })
    });
    for p in [default, scheme_with("unmet"), scheme_with("met")] {
        assert_eq!(level(&p, &one_met).as_deref(), Some("expert"));
    }
}

#[test]
fn the_outcome_says_none_applies_and_an_open_item_keeps_it_unanswered() {
    let p = load(&scheme_text());
    let e = p.evaluate(&all_not_applicable()).unwrap();
    let percent = &e.levels[0].requirements[0];
    assert_eq!(percent.status, Status::Unmet);
    match &percent.detail {
        Detail::Items {
            met, applicable, ..
        } => assert_eq!((*met, *applicable), (0, 0)),
        other => panic!("{other:?}"),
    }
    // Eleven not applicable and one unanswered: answering it met would
    // meet the rule, so it is unanswered, not unmet.
    let open = program(|i| (i != 12).then_some(Answer::NotApplicable));
    let e = p.evaluate(&open).unwrap();
    assert_eq!(e.levels[0].requirements[0].status, Status::Unanswered);
    assert_eq!(e.levels[1].requirements[1].status, Status::Unanswered);
}

#[test]
fn the_plan_names_the_selection_none_of_which_applies() {
    let p = load(&scheme_text());
    let e = p.evaluate(&all_not_applicable()).unwrap();
    let plan = e.plan.as_ref().unwrap();
    assert_eq!(plan.target.id.as_str(), "proficient");
    let conditions: Vec<&str> = plan.conditions.iter().map(|c| c.requirement()).collect();
    assert_eq!(
        conditions,
        [
            "three in four practices that apply are met: none of its 12 items applies (all answered not applicable); at least one must apply"
        ]
    );
    assert!(plan.standards.is_empty());
    assert!(e.to_string().contains("none of its 12 items applies"));
    // One item selected.
    let one = load(&scheme_text().replace("all_met: {kind: practice}", "all_met: {items: [P1]}"));
    let a = program(|i| {
        Some(if i == 1 {
            Answer::NotApplicable
        } else {
            Answer::Met
        })
    });
    let plan = one.evaluate(&a).unwrap().plan.unwrap();
    assert_eq!(
        plan.conditions[0].requirement(),
        "every practice that applies is met: its one item is answered not applicable; it must apply"
    );
}

/// A policy of three items that may all be not applicable, with a level
/// for one rule.
fn rules(rule: &str) -> Policy {
    load(&format!(
        "policy: {{name: rules, version: 1.0.0, title: Rules}}
kinds: [{{id: k, title: K}}]
standards:
  - id: s
    title: S
    items:
      - {{id: A, kind: k, title: A, question: A?, not_applicable: true}}
      - {{id: B, kind: k, title: B, question: B?, not_applicable: true}}
      - {{id: C, kind: k, title: C, question: C?, not_applicable: true}}
levels:
  - {{id: member, rank: 1, title: Member, requires: [{rule}]}}
"
    ))
}

fn three(a: Option<Answer>, b: Option<Answer>, c: Option<Answer>) -> Assessment {
    let mut x = Assessment::new("P");
    for (id, answer) in [("A", a), ("B", b), ("C", c)] {
        if let Some(answer) = answer {
            x.set_answer(id, answer);
        }
    }
    x
}

#[test]
fn percent_and_count_with_nothing_applicable() {
    use Answer::{Met, NotApplicable as Na, NotMet};
    let none = three(Some(Na), Some(Na), Some(Na));
    let one_not_met = three(Some(Na), Some(Na), Some(NotMet));
    // (rule, level with none applicable, with one applicable and not met)
    let table = [
        (
            "{met_at_least: {percent: 50, of: {standard: s}}}",
            false,
            false,
        ),
        (
            "{met_at_least: {percent: 50, of: {standard: s}}, when_none_apply: met}",
            true,
            false,
        ),
        (
            "{met_at_least: {percent: 0, of: {standard: s}}}",
            false,
            true,
        ),
        // A count needs met items: with none applicable it is unmet, as
        // with the default; a count of 0 holds once one applies.
        (
            "{met_at_least: {count: 1, of: {standard: s}}}",
            false,
            false,
        ),
        (
            "{met_at_least: {count: 1, of: {standard: s}}, when_none_apply: unmet}",
            false,
            false,
        ),
        ("{met_at_least: {count: 0, of: {standard: s}}}", false, true),
        ("{all_met: {standard: s}}", false, false),
        (
            "{all_met: {standard: s}, when_none_apply: met}",
            true,
            false,
        ),
        // `met` of one item stays met when it is not applicable.
        ("{met: A}", true, true),
    ];
    for (rule, with_none, with_one) in table {
        let p = rules(rule);
        assert_eq!(
            level(&p, &none).is_some(),
            with_none,
            "{rule}, none applies"
        );
        assert_eq!(
            level(&p, &one_not_met).is_some(),
            with_one,
            "{rule}, one applies"
        );
        let all_met = three(Some(Met), Some(Met), Some(Met));
        assert!(level(&p, &all_met).is_some(), "{rule}, all met");
    }
}

#[test]
fn the_key_writes_back_when_written_or_not_the_default() {
    let met = scheme_with("met");
    let yaml = met.to_yaml();
    assert_eq!(yaml.matches("when_none_apply: met").count(), 2, "{yaml}");
    let again = load(&yaml);
    assert_eq!(again.to_yaml(), yaml);
    assert_eq!(
        level(&again, &all_not_applicable()).as_deref(),
        Some("expert")
    );
    // The default, written, is written back as written; left out, it is
    // left out.
    let unmet = scheme_with("unmet").to_yaml();
    assert_eq!(
        unmet.matches("when_none_apply: unmet").count(),
        2,
        "{unmet}"
    );
    let left_out = load(&scheme_text()).to_yaml();
    assert!(!left_out.contains("when_none_apply"), "{left_out}");
    assert_eq!(load(&unmet).to_yaml(), unmet);
}

/// Every answer an item may take, unanswered included.
fn answers() -> [Option<Answer>; 5] {
    [
        None,
        Some(Answer::Met),
        Some(Answer::NotMet),
        Some(Answer::InProgress),
        Some(Answer::NotApplicable),
    ]
}

fn rank(s: Status) -> u8 {
    match s {
        Status::Unmet => 0,
        Status::Unanswered => 1,
        Status::Met => 2,
    }
}

/// Answering an item met instead of not applicable never lowers a rule's
/// status, nor the level: the count of met items and of applicable ones
/// both rise by one, so `met >= needed(applicable)` keeps holding (all: m
/// of a becomes m+1 of a+1; percent: (m+1)/(a+1) >= m/a when m <= a; a
/// count only gains), and a selection with none applicable before has one
/// applicable and met after, which meets `all_met` and any percentage and
/// lifts the default `unmet`. `met` with a count, which this would break
/// (none applying meets it, one met of N >= 2 does not), is refused.
/// Checked over every answer of three items, for every rule and both
/// values of `when_none_apply`.
#[test]
fn not_applicable_to_met_never_lowers_a_rule_or_the_level() {
    let mut rules_checked = 0;
    for rule in [
        "{all_met: {standard: s}}",
        "{all_met: {standard: s}, when_none_apply: met}",
        "{all_met: {items: [A, B]}}",
        "{met_at_least: {percent: 50, of: {standard: s}}}",
        "{met_at_least: {percent: 67, of: {standard: s}}, when_none_apply: met}",
        "{met_at_least: {percent: 100, of: {items: [A, C]}}, when_none_apply: unmet}",
        "{met_at_least: {count: 0, of: {standard: s}}}",
        "{met_at_least: {count: 2, of: {standard: s}}}",
        "{any: [{all_met: {items: [A]}}, {met_at_least: {count: 2, of: {standard: s}}}]}",
    ] {
        let p = rules(rule);
        let mut flips = 0;
        for a in answers() {
            for b in answers() {
                for c in answers() {
                    let before = [a, b, c];
                    for i in (0..3).filter(|&i| before[i] == Some(Answer::NotApplicable)) {
                        let mut after = before;
                        after[i] = Some(Answer::Met);
                        let (x, y) = (
                            p.evaluate(&three(before[0], before[1], before[2])).unwrap(),
                            p.evaluate(&three(after[0], after[1], after[2])).unwrap(),
                        );
                        let (sx, sy) = (
                            x.levels[0].requirements[0].status,
                            y.levels[0].requirements[0].status,
                        );
                        assert!(
                            rank(sy) >= rank(sx),
                            "{rule}: {before:?} is {sx:?}, with item {i} met {sy:?}"
                        );
                        assert!(y.level.is_some() || x.level.is_none(), "{rule}: {before:?}");
                        flips += 1;
                    }
                }
            }
        }
        // Each of three items not applicable, with 25 answers of the others.
        assert_eq!(flips, 75, "{rule}");
        rules_checked += 1;
    }
    assert_eq!(rules_checked, 9);
}

/// The loader's refusal of the scheme with `from` replaced by `to`.
fn refusal(from: &str, to: &str) -> String {
    let text = scheme_text().replace(from, to);
    qbm::Loader::new()
        .policy_str(&text)
        .unwrap_err()
        .to_string()
}

#[test]
fn met_beside_a_count_and_the_key_beside_other_shapes_are_refused() {
    let stray = refusal(
        "- level: proficient",
        "- level: proficient\n        when_none_apply: met",
    );
    assert!(
        stray.contains("`when_none_apply` does not go with `level`"),
        "{stray}"
    );
    let count = refusal(
        "met_at_least: {percent: 75, of: {kind: practice}}",
        "met_at_least: {count: 3, of: {kind: practice}}\n        when_none_apply: met",
    );
    assert!(
        count.contains("`when_none_apply: met` does not go with a `count`"),
        "{count}"
    );
}

/// The shipped MMP policies cannot reach the case: of the 48 designated
/// benchmarks only B.3.5, B.5.4 and B.5.5 may be not applicable, so an
/// assessment answering every benchmark not applicable is refused, and a
/// Partner answering those three so is still a Partner (the edit
/// `none-apply-mmp-met` proves that no decision changes).
#[test]
fn mmp_partner_is_unchanged_since_some_benchmark_always_applies() {
    let policy = Policy::builtin().unwrap();
    let mut every = Assessment::new("P");
    for item in policy
        .items()
        .iter()
        .filter(|i| i.kind().as_str() == "benchmark")
    {
        every.set_answer(item.id().as_str(), Answer::NotApplicable);
    }
    let refused = policy.evaluate(&every).unwrap_err();
    assert_eq!(refused.diagnostics().len(), 45, "{refused}");
    let mut a = qbm::Loader::new()
        .assessment_path("examples/assessments/partner.yaml")
        .unwrap();
    assert_eq!(level(&policy, &a).as_deref(), Some("partner"));
    for id in ["B.3.5", "B.5.4", "B.5.5"] {
        a.set_answer(id, Answer::NotApplicable);
    }
    assert_eq!(level(&policy, &a).as_deref(), Some("partner"));
}

#[test]
fn the_readme_fragment_fits_a_policy() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let fragments: Vec<&str> = readme
        .split("```yaml\n")
        .skip(1)
        .filter_map(|rest| rest.split("```").next())
        .filter(|b| b.contains("when_none_apply"))
        .collect();
    assert_eq!(fragments.len(), 1, "{fragments:?}");
    let text = scheme_text()
        .replace(
            "levels:\n",
            "sets:\n  - {id: designated, title: D, select: {kind: practice}}\nlevels:\n",
        )
        .replace(
            "      - label: every practice that applies is met\n        all_met: {kind: practice}\n",
            fragments[0],
        );
    let policy = load(&text);
    // Expert's rule is met; Proficient's percentage, left to the default, is not.
    let e = policy.evaluate(&all_not_applicable()).unwrap();
    assert_eq!(e.levels[1].requirements[1].status, Status::Met, "{text}");
    assert_eq!(e.levels[0].requirements[0].status, Status::Unmet);
}

/// Every law of `qbm::testing` holds for the scheme with either value.
#[cfg(feature = "testing")]
#[test]
fn every_law_holds_with_either_value() {
    for p in [load(&scheme_text()), scheme_with("met")] {
        if let Err(v) = qbm::testing::check_laws(&p, 64) {
            panic!("{v}");
        }
    }
}
