//! Every law over every shipped policy version, and over the fixtures; a
//! deliberately non-monotone policy is caught with a minimal counterexample.
#![cfg(feature = "testing")]

use proptest::prelude::*;
use qbm::testing::{Law, check_law, check_laws};
use qbm::{Answer, Catalog, Policy};

const CASES: u32 = 128;

#[test]
fn every_law_holds_for_every_shipped_policy_version() {
    let catalog = Catalog::builtin().unwrap();
    assert_eq!(catalog.policies().count(), 2);
    for policy in catalog.policies() {
        if let Err(violation) = check_laws(policy, CASES) {
            panic!("{violation}");
        }
    }
}

#[test]
fn the_second_scheme_breaks_monotonicity_only_through_its_exact_level_badge() {
    // Its `badge` goes to Dedicated alone, so a program that moves up to
    // Expert gives it up: the law reports that, as it would to an author.
    let policy = qbm::Loader::new()
        .policy_path("tests/fixtures/valid/two-level-scheme.yaml")
        .unwrap();
    for law in [
        Law::Deterministic,
        Law::LevelsNested,
        Law::BenefitsByLevel,
        Law::RoundTrip,
    ] {
        check_law(&policy, law, CASES).unwrap_or_else(|v| panic!("{v}"));
    }
    let violation = check_law(&policy, Law::Monotone, CASES).unwrap_err();
    assert_eq!(
        violation.message,
        "improving one answer removed benefits: badge"
    );
    assert_eq!(
        violation.before.level.as_ref().unwrap().id.as_str(),
        "dedicated"
    );
    assert_eq!(
        violation
            .after
            .as_ref()
            .unwrap()
            .level
            .as_ref()
            .unwrap()
            .id
            .as_str(),
        "expert"
    );
}

#[test]
fn a_non_monotone_policy_is_caught_with_a_minimal_counterexample() {
    let policy = qbm::Loader::new()
        .policy_path("tests/fixtures/valid/non-monotone.yaml")
        .unwrap();
    let violation = check_law(&policy, Law::Monotone, CASES).unwrap_err();
    assert_eq!(violation.law, Law::Monotone);
    // Minimal: S1 met (a member), S3 not yet met; S2 plays no part.
    let c = &violation.counterexample;
    assert_eq!(c.answer("S1"), Some(Answer::Met));
    assert_eq!(c.answer("S2"), None, "{violation}");
    assert_ne!(c.answer("S3"), Some(Answer::Met));
    assert_eq!(
        violation.improved.as_ref().unwrap().answer("S3"),
        Some(Answer::Met)
    );
    assert_eq!(
        violation.before.level.as_ref().unwrap().id.as_str(),
        "partner"
    );
    assert_eq!(
        violation
            .after
            .as_ref()
            .unwrap()
            .level
            .as_ref()
            .unwrap()
            .id
            .as_str(),
        "member"
    );
    let text = violation.to_string();
    assert!(
        text.contains("improving one answer lowered the level"),
        "{text}"
    );
    assert!(text.contains("improved: S3 -> Met"), "{text}");
    // The other laws hold for it: only monotonicity is broken.
    for law in [
        Law::Deterministic,
        Law::LevelsNested,
        Law::BenefitsByLevel,
        Law::RoundTrip,
    ] {
        check_law(&policy, law, CASES).unwrap_or_else(|v| panic!("{v}"));
    }
}

#[test]
fn a_policy_whose_levels_do_not_nest_is_caught() {
    let text = std::fs::read_to_string("tests/fixtures/valid/non-monotone.yaml").unwrap();
    let unnested = text.replace("      - level: member\n", "");
    let policy = qbm::Loader::new().policy_str(&unnested).unwrap();
    let violation = check_law(&policy, Law::LevelsNested, CASES).unwrap_err();
    assert!(violation.message.contains("not `member`"), "{violation}");
    assert_eq!(violation.counterexample.answer("S1"), None);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    // The strategies are usable directly in an author's own properties.
    #[test]
    fn generated_assessments_are_valid_for_their_policy(a in qbm::testing::assessments(&Policy::builtin().unwrap())) {
        let policy = Policy::builtin().unwrap();
        prop_assert!(policy.evaluate(&a).is_ok());
    }

    #[test]
    fn evaluations_round_trip_through_assessment_yaml(a in qbm::testing::assessments(&Policy::builtin().unwrap())) {
        let policy = Policy::builtin().unwrap();
        let again = qbm::Loader::new().assessment_str(&a.to_yaml()).unwrap();
        prop_assert_eq!(policy.evaluate(&a).unwrap(), policy.evaluate(&again).unwrap());
    }
}

/// MMP 2.0.0 with one edit that breaks a law at Partner, the level random
/// programs rarely reach: each is caught over every assessment.
fn planted(from: &str, to: &str) -> Policy {
    let text = qbm::EMBEDDED[1].yaml();
    assert!(text.contains(from), "{from}");
    qbm::Loader::new()
        .policy_str(&text.replacen(from, to, 1))
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn partner_requiring_an_enhancement_not_met_breaks_monotonicity() {
    let policy = planted(
        "      - label: every designated standard is met\n",
        "      - not: {met: E.1.1}\n      - label: every designated standard is met\n",
    );
    let v = check_law(&policy, Law::Monotone, 256).unwrap_err();
    assert_eq!(
        v.before.level.as_ref().unwrap().id.as_str(),
        "partner",
        "{v}"
    );
    assert_eq!(
        v.improved.as_ref().unwrap().answer("E.1.1"),
        Some(Answer::Met),
        "{v}"
    );
    assert_ne!(v.counterexample.answer("E.1.1"), Some(Answer::Met));
    // Minimal: nothing stated that Partner does not need (no other enhancement).
    assert!(
        v.counterexample
            .answers()
            .all(|(id, _)| !id.as_str().starts_with('E') || id.as_str() == "E.1.1"),
        "{v}"
    );
}

#[test]
fn partner_not_requiring_associate_partner_breaks_nesting() {
    let policy = planted("      - level: associate_partner\n", "");
    let v = check_law(&policy, Law::LevelsNested, 256).unwrap_err();
    // Partner no longer needs Associate Partner, nor, through it, Affiliate.
    assert!(
        v.message
            .starts_with("the program meets `partner` but not `"),
        "{v}"
    );
    assert_eq!(
        v.before.level.as_ref().unwrap().id.as_str(),
        "partner",
        "{v}"
    );
}

#[test]
fn a_benefit_for_associate_partners_only_breaks_benefit_nesting() {
    let policy = planted(
        "    title: May apply for key MMP grants and financial resources\n    min_level: associate_partner\n",
        "    title: May apply for key MMP grants and financial resources\n    levels: [associate_partner]\n",
    );
    let v = check_law(&policy, Law::BenefitsNested, 256).unwrap_err();
    assert!(
        v.message
            .contains("`partner` does not get benefit `key_grants`"),
        "{v}"
    );
    assert_eq!(
        v.before.level.as_ref().unwrap().id.as_str(),
        "partner",
        "{v}"
    );
    let m = check_law(&policy, Law::Monotone, 256).unwrap_err();
    assert!(m.message.contains("removed benefits: key_grants"), "{m}");
}

#[test]
fn generated_programs_reach_every_level_and_benefit() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let policy = Policy::builtin().unwrap();
    let strategy = qbm::testing::assessments(&policy);
    let mut runner = TestRunner::deterministic();
    let mut levels: std::collections::BTreeMap<String, usize> = Default::default();
    let mut benefits: std::collections::BTreeSet<String> = Default::default();
    let cases = 256;
    for _ in 0..cases {
        let a = strategy.new_tree(&mut runner).unwrap().current();
        let e = policy.evaluate(&a).unwrap();
        let level = e.level.map_or("none".to_owned(), |l| l.id.to_string());
        *levels.entry(level).or_default() += 1;
        benefits.extend(e.benefits.iter().map(|b| b.id.to_string()));
    }
    println!("levels reached in {cases} generated cases: {levels:?}");
    for l in ["none", "affiliate", "associate_partner", "partner"] {
        assert!(levels.contains_key(l), "{l} never reached: {levels:?}");
    }
    let partner = levels.get("partner").copied().unwrap_or(0);
    assert!(
        partner * 5 >= cases,
        "Partner in {partner} of {cases}: {levels:?}"
    );
    for b in policy.benefits() {
        assert!(
            benefits.contains(b.id().as_str()),
            "{} never granted",
            b.id()
        );
    }
}

/// The planted violations kept as fixtures (`tests/fixtures/laws/`), each
/// naming on its first line (`# law: ...`) the law it breaks: each is
/// caught, where sampling never reached Partner.
#[test]
fn every_planted_fixture_breaks_the_law_it_names() {
    let mut checked = 0;
    for entry in std::fs::read_dir("tests/fixtures/laws").unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let named = text
            .lines()
            .find_map(|l| l.strip_prefix("# law: "))
            .and_then(|rest| rest.split(|c: char| !c.is_alphanumeric()).next())
            .unwrap_or_else(|| panic!("{} names no law", path.display()));
        let law = match named {
            "Monotone" => Law::Monotone,
            "LevelsNested" => Law::LevelsNested,
            "BenefitsNested" => Law::BenefitsNested,
            other => panic!("{}: unknown law {other}", path.display()),
        };
        let policy = qbm::Loader::new()
            .policy_str(&text)
            .unwrap_or_else(|e| panic!("{e}"));
        let violation = check_law(&policy, law, 256).unwrap_err();
        assert_eq!(violation.law, law);
        assert_eq!(
            violation.before.level.as_ref().map(|l| l.id.as_str()),
            Some("partner"),
            "{}: {violation}",
            path.display()
        );
        checked += 1;
    }
    assert_eq!(checked, 3);
}
