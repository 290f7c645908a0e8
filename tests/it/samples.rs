//! Every shipped sample assessment: its level and its benefits.

use qbm::{Assessment, Catalog};

fn evaluate(file: &str) -> qbm::Evaluation {
    let catalog = Catalog::builtin().unwrap();
    let a = qbm::Loader::new()
        .assessment_path(format!("examples/assessments/{file}"))
        .unwrap();
    catalog.evaluate(&a).unwrap()
}

const MEMBER: [&str; 6] = [
    "mentor_referrals",
    "match_activities",
    "ambassador_hosting",
    "technical_assistance",
    "training_discount",
    "directory_listing",
];

#[test]
fn each_sample_reaches_its_level_with_its_benefits() {
    let with = |extra: &[&'static str]| -> Vec<&'static str> {
        MEMBER.iter().chain(extra).copied().collect()
    };
    let cases: [(&str, Option<&str>, Vec<&str>); 5] = [
        ("non-member.yaml", None, vec![]),
        ("grassroots-affiliate.yaml", Some("affiliate"), with(&[])),
        (
            "associate-partner.yaml",
            Some("associate_partner"),
            with(&["key_grants"]),
        ),
        (
            "near-partner.yaml",
            Some("associate_partner"),
            with(&["key_grants"]),
        ),
        (
            "partner.yaml",
            Some("partner"),
            with(&["key_grants", "training_vouchers"]),
        ),
    ];
    for (file, want_level, want_benefits) in cases {
        let e = evaluate(file);
        assert_eq!(
            e.level.as_ref().map(|l| l.id.as_str()),
            want_level,
            "{file}"
        );
        let mut got: Vec<&str> = e.benefits.iter().map(|b| b.id.as_str()).collect();
        let mut want = want_benefits.clone();
        got.sort_unstable();
        want.sort_unstable();
        assert_eq!(got, want, "{file}");
    }
}

#[test]
fn the_near_partner_misses_exactly_three_benchmarks() {
    let e = evaluate("near-partner.yaml");
    let plan = e.plan.as_ref().unwrap();
    assert_eq!(plan.target.id.as_str(), "partner");
    assert!(plan.conditions.is_empty());
    let missing: Vec<(&str, &str)> = plan
        .standards
        .iter()
        .flat_map(|s| {
            s.items
                .iter()
                .map(move |g| (s.standard.as_str(), g.item.as_str()))
        })
        .collect();
    assert_eq!(
        missing,
        [
            ("screening", "B.2.5"),
            ("training", "B.3.1"),
            ("closure", "B.6.4")
        ]
    );
}

#[test]
fn the_associate_partner_uses_its_declared_match_length() {
    let e = evaluate("associate-partner.yaml");
    let plan = e.plan.as_ref().unwrap();
    let gaps: Vec<&qbm::ItemGap> = plan.standards.iter().flat_map(|s| &s.items).collect();
    // B.2.1 answered 9 months against its own declared minimum of 9: met.
    assert!(!gaps.iter().any(|g| g.item.as_str() == "B.2.1"));
    // The process facts for Partner are missing.
    assert_eq!(plan.conditions.len(), 4, "{:?}", plan.conditions);
}

#[test]
fn the_report_shows_level_benefits_and_plan() {
    let text = evaluate("near-partner.yaml").to_string();
    for needle in [
        "Level: Associate Partner",
        "May apply for key MMP grants and financial resources",
        "Improvement plan for Partner:",
        "B.3.1 Pre-match mentor training [1.5 hours, needs at least 2]",
        "B.6.4 Exit interviews [unanswered]",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
}

#[test]
fn the_report_shows_a_program_name_on_its_one_line() {
    // A name that would forge a line of the report, and reorder what follows.
    let a = qbm::Assessment::new("Evil\nLevel: Partner\u{202e}");
    let text = qbm::Policy::builtin()
        .unwrap()
        .evaluate(&a)
        .unwrap()
        .to_string();
    let first = text.lines().next().unwrap();
    assert!(
        first.starts_with("Evil\\nLevel: Partner\\u{202e} — evaluated against mmp-qbm"),
        "{first}"
    );
    assert!(!text.contains("\nLevel: Partner"), "{text}");
}

#[test]
fn a_blank_program_name_is_refused_and_any_other_kept_as_written() {
    // Written by `to_yaml`, so that each name reaches the loader as it is.
    let load = |name: &str| qbm::Loader::new().assessment_str(&Assessment::new(name).to_yaml());
    for blank in [
        "", " ", "\t", "\n\n", "\u{85}", "\u{a0}", "\u{2028}", "\u{3000}",
    ] {
        let e = load(blank).unwrap_err();
        assert!(
            e.to_string()
                .contains("assessment.program: the program name is empty"),
            "{blank:?}: {e}"
        );
    }
    for name in [" Riverside ", "\u{3000}x", "0", "~"] {
        assert_eq!(load(name).unwrap().program(), name, "{name:?}");
    }
}

#[test]
fn an_empty_section_is_empty_and_a_null_one_is_refused() {
    // Every answer commented out: the section is there, with nothing in it.
    let text = "assessment: {program: P}\nfacts:\nanswers:\n  # B.1.1: met\n";
    let a = qbm::Loader::new().assessment_str(text).unwrap();
    assert_eq!((a.answers().count(), a.facts().count()), (0, 0));
    let e = qbm::Loader::new()
        .assessment_str("assessment: {program: P}\nanswers: ~\n")
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("answers: invalid type: no value, expected a mapping"),
        "{e}"
    );
}

#[test]
fn assessments_round_trip_through_yaml() {
    for file in ["non-member.yaml", "associate-partner.yaml", "partner.yaml"] {
        let a = qbm::Loader::new()
            .assessment_path(format!("examples/assessments/{file}"))
            .unwrap();
        let again = qbm::Loader::new().assessment_str(&a.to_yaml()).unwrap();
        assert_eq!(
            again.answers().collect::<Vec<_>>(),
            a.answers().collect::<Vec<_>>(),
            "{file}"
        );
        assert_eq!(
            again.facts().collect::<Vec<_>>(),
            a.facts().collect::<Vec<_>>(),
            "{file}"
        );
        assert_eq!((again.policy(), again.version()), (a.policy(), a.version()));
    }
}
