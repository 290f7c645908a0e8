//! Reports in the policy's words: a plan's condition on a fact says the
//! fact's title and question, the scorecard names kinds by their titles and
//! keeps its columns for long titles, a program that answered nothing gets
//! a one-line scorecard, priority keeps the seed's qualifier, and the plan
//! marks the items the program may answer not applicable.

use qbm::{Answer, Assessment, Evaluation, Loader, Policy};

fn sample(name: &str) -> Evaluation {
    let a = Loader::new()
        .assessment_path(format!("examples/assessments/{name}.yaml"))
        .unwrap();
    Policy::builtin().unwrap().evaluate(&a).unwrap()
}

#[test]
fn a_plan_names_a_fact_by_its_title_and_question_not_its_id() {
    let text = sample("grassroots-affiliate").to_string();
    let plan = text.split("Improvement plan").nth(1).unwrap();
    assert!(
        plan.contains(
            "  - Self-assessment: needs in progress or completed (now: not started)\n      Where is the program with MMP's self-assessment?\n"
        ),
        "{plan}"
    );
    assert!(
        plan.contains("  - Months in operation: needs at least 12 months (now: 5 months)\n"),
        "{plan}"
    );
    assert!(
        plan.contains("  - Matches completed one minimum cycle: needs yes (not given)\n"),
        "{plan}"
    );
    // No id, no YAML word, no debug text.
    for raw in [
        "`self_assessment`",
        "in_progress",
        "is true",
        "is one of",
        "false",
    ] {
        assert!(!plan.contains(raw), "{raw} in {plan}");
    }
    let text = sample("non-member").to_string();
    assert!(
        text.contains("  - Membership application submitted: needs yes (now: no)\n      Has the program submitted MMP's membership application?\n"),
        "{text}"
    );
}

#[test]
fn a_fact_conditions_words_are_in_the_json_beside_its_ids() {
    let e = sample("grassroots-affiliate");
    let plan = e.plan.as_ref().unwrap();
    let c = plan
        .conditions
        .iter()
        .find(|c| c.fact.as_ref().map(|f| f.as_str()) == Some("self_assessment"))
        .unwrap();
    let w = c.fact_words().unwrap();
    assert_eq!(
        (w.title(), w.needs(), w.now()),
        (
            "Self-assessment",
            "in progress or completed",
            Some("not started")
        )
    );
    let json = serde_json::to_value(c).unwrap();
    // Added beside the fields that were there, none renamed.
    assert_eq!(json["requirement"], c.requirement());
    assert_eq!(json["fact"], "self_assessment");
    assert_eq!(json["actual"], "not_started");
    assert_eq!(json["title"], "Self-assessment");
    assert_eq!(
        json["question"],
        "Where is the program with MMP's self-assessment?"
    );
    assert_eq!(json["needs"], "in progress or completed");
    assert_eq!(json["now"], "not started");
}

#[test]
fn the_scorecard_names_kinds_by_their_titles() {
    let e = sample("partner");
    let text = e.to_string();
    assert!(text.contains("(Benchmark 5/5, Enhancement 1/5)"), "{text}");
    assert!(text.contains("(Program management 6/6)"), "{text}");
    assert!(!text.contains("benchmark 5/5"), "{text}");
    let json = serde_json::to_value(&e.scorecard[0].by_kind[0]).unwrap();
    assert_eq!(json["kind"], "benchmark");
    assert_eq!(json["title"], "Benchmark");
}

/// A policy of three standards, one titled `title`, every item answered.
fn titled(title: &str) -> (Policy, Assessment) {
    let yaml = format!(
        "policy: {{name: t, version: 1.0.0, title: T}}
kinds: [{{id: k, title: Core practice}}]
standards:
  - {{id: a, title: Short, items: [{{id: A1, kind: k, title: A, question: A?}}]}}
  - {{id: b, title: '{title}', items: [{{id: B1, kind: k, title: B, question: B?}}]}}
  - id: c
    title: Ten items
    items: [{}]
levels:
  - {{id: one, rank: 1, title: One, requires: [{{all_met: {{kind: k}}}}]}}
",
        (1..=10)
            .map(|i| format!("{{id: C{i}, kind: k, title: C, question: C?}}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let policy = Loader::new()
        .policy_str(&yaml)
        .unwrap_or_else(|e| panic!("{e}"));
    let mut a = Assessment::new("P").with_answer("A1", Answer::Met);
    a.set_answer("B1", Answer::NotMet);
    for i in 1..=10 {
        a.set_answer(format!("C{i}"), Answer::Met);
    }
    (policy, a)
}

/// The scorecard's rows.
fn scorecard_rows(text: &str) -> Vec<String> {
    text.split("Scorecard (items met / items that apply):\n")
        .nth(1)
        .unwrap()
        .lines()
        .take_while(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Where in each row (in characters) the count of items met ends.
fn slash_columns(rows: &[String]) -> Vec<usize> {
    rows.iter()
        .map(|r| r.chars().position(|c| c == '/').unwrap())
        .collect()
}

#[test]
fn scorecard_columns_stay_aligned_for_a_long_title() {
    // 60 characters, two of them not ASCII: width is counted in characters.
    let long = "Ongoing training and support of mentors — récurrent sessions";
    assert_eq!(long.chars().count(), 60);
    let (policy, a) = titled(long);
    let text = policy.evaluate(&a).unwrap().to_string();
    let rows = scorecard_rows(&text);
    assert_eq!(rows.len(), 3, "{text}");
    let columns = slash_columns(&rows);
    assert!(
        columns.iter().all(|&c| c == columns[0]),
        "{columns:?}\n{text}"
    );
    // Cut to 40 characters, the last `…`; the JSON keeps it whole.
    let cut: String = long.chars().take(39).collect();
    assert!(rows[1].starts_with(&format!("  {cut}…  ")), "{text}");
    assert_eq!(policy.evaluate(&a).unwrap().scorecard[1].title(), long);
    // The counts line up too: `10/10` beside ` 1/1 `.
    assert!(rows[0].contains(" 1/1 "), "{text}");
    assert!(rows[2].contains("10/10"), "{text}");

    // A title that fits is not cut, and the column is as wide as it.
    let (policy, a) = titled("Support");
    let text = policy.evaluate(&a).unwrap().to_string();
    let rows = scorecard_rows(&text);
    let columns = slash_columns(&rows);
    assert!(columns.iter().all(|&c| c == columns[0]), "{text}");
    assert!(rows[2].starts_with("  Ten items  10/10"), "{text}");
}

#[test]
fn a_program_that_answered_nothing_gets_a_one_line_scorecard() {
    let e = sample("non-member");
    let text = e.to_string();
    assert!(
        text.contains("\nScorecard: no item answered yet (86 items in 8 standards).\n"),
        "{text}"
    );
    assert!(!text.contains("0/10"), "{text}");
    // The JSON keeps every standard.
    assert_eq!(e.scorecard.len(), 8);

    // Standards with nothing answered are counted in one line, the others shown.
    let text = sample("grassroots-affiliate").to_string();
    let rows = scorecard_rows(&text);
    assert_eq!(rows.len(), 3, "{text}");
    assert!(rows[0].starts_with("  1. Recruitment  1/10"), "{text}");
    assert_eq!(
        rows[2],
        "  and 6 more standards with no item answered yet (66 items)"
    );
}

#[test]
fn priority_is_printed_with_the_seeds_qualifier() {
    let text = sample("partner").to_string();
    assert!(
        text.contains(
            "  - Match-activity tickets and special opportunities (may receive priority in some instances)\n"
        ),
        "{text}"
    );
    assert!(!text.contains("[priority]"), "{text}");
    // An Affiliate has no priority, and no qualifier.
    let text = sample("grassroots-affiliate").to_string();
    assert!(
        text.contains("  - Match-activity tickets and special opportunities\n"),
        "{text}"
    );
}

#[test]
fn the_plan_marks_items_that_may_be_answered_not_applicable() {
    let e = sample("associate-partner");
    let plan = e.plan.as_ref().unwrap();
    let items: Vec<_> = plan.standards.iter().flat_map(|s| &s.items).collect();
    let policy = Policy::builtin().unwrap();
    let allowed: Vec<&str> = policy
        .items()
        .iter()
        .filter(|i| i.allows_not_applicable())
        .map(|i| i.id().as_str())
        .collect();
    let marked: Vec<&str> = items
        .iter()
        .filter(|g| g.may_be_not_applicable)
        .map(|g| g.item.as_str())
        .collect();
    // Exactly the plan's items the policy allows not applicable.
    let expected: Vec<&str> = items
        .iter()
        .map(|g| g.item.as_str())
        .filter(|id| allowed.contains(id))
        .collect();
    assert!(!marked.is_empty());
    assert_eq!(marked, expected);
    let text = e.to_string();
    for g in &items {
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("    - {} ", g.item)))
            .unwrap();
        assert_eq!(line.ends_with(" *"), g.may_be_not_applicable, "{line}");
    }
    assert!(
        text.contains("  * may be answered not applicable: where the practice does not apply to the program, that answer leaves the item out of the counts\n"),
        "{text}"
    );
    // A plan with no such item has no hint.
    let text = sample("near-partner").to_string();
    assert!(!text.contains(" *"), "{text}");
}

#[test]
fn a_not_of_a_fact_reads_as_the_fact_with_the_test_turned_round() {
    let policy = Loader::new()
        .policy_path("tests/fixtures/valid/two-level-scheme.yaml")
        .unwrap();
    let a = Loader::new()
        .assessment_path("examples/peer-program.yaml")
        .unwrap();
    let e = policy.evaluate(&a).unwrap();
    let text = e.to_string();
    assert!(
        text.contains("  - Youth served: needs more than 50 (now: 40)\n"),
        "{text}"
    );
    assert!(!text.contains("not: Youth served"), "{text}");
    let c = &e.plan.as_ref().unwrap().conditions[0];
    assert_eq!(c.fact.as_ref().unwrap().as_str(), "youth_served");
    assert_eq!(c.fact_words().unwrap().needs(), "more than 50");
}
