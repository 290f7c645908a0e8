//! The change-impact report: MMP 1.0.0 -> 2.0.0 is major with a witness that
//! reproduces; a pure benefit addition is minor; a text-only edit is patch.

use qbm::{
    Assessment, Bump, ChangeKind, EMBEDDED, ImpactOptions, ImpactReport, Policy, Source, Subject,
};

fn v1_text() -> &'static str {
    EMBEDDED[0].yaml()
}

fn edit(version: &str, from: &str, to: &str) -> Policy {
    let text = v1_text().replacen("version: 1.0.0", &format!("version: {version}"), 1);
    assert!(text.contains(from), "{from}");
    qbm::Loader::new()
        .policy_str(&text.replacen(from, to, 1))
        .unwrap_or_else(|e| panic!("{e}"))
}

fn options(generated: usize) -> ImpactOptions {
    let mut options = ImpactOptions::default();
    options.generated = generated;
    options
}

fn samples() -> Vec<Assessment> {
    let mut paths: Vec<_> = std::fs::read_dir("examples/assessments")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| qbm::Loader::new().assessment_path(p).unwrap())
        .collect()
}

#[test]
fn mmp_1_to_2_is_major_with_a_witness_that_reproduces() {
    let v1 = EMBEDDED[0].load().unwrap();
    let v2 = EMBEDDED[1].load().unwrap();
    let report = ImpactReport::compare(&v1, &v2, &samples(), &options(2000));
    assert_eq!(report.required, Bump::Major);
    assert_eq!(report.declared, Bump::Major);
    assert!(report.is_sufficient());
    let added: Vec<&str> = report
        .changes
        .iter()
        .filter(|c| c.subject == Subject::Item && c.kind == ChangeKind::Added)
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(added, ["CR.1", "CR.2", "CR.3", "CR.4", "CR.E.1"]);
    // Found by the solver: no assessment was given that shows it.
    let loss = report
        .decisions
        .iter()
        .find(|d| d.is_loss() && d.change == "level `partner` -> `associate_partner`")
        .expect("a demotion");
    assert_eq!(loss.source, Source::Exact);
    assert!(report.proved, "{report}");
    assert_eq!(loss.old_level.as_ref().unwrap().id.as_str(), "partner");
    assert_eq!(
        loss.new_level.as_ref().unwrap().id.as_str(),
        "associate_partner"
    );
    assert_eq!(
        loss.lost.iter().map(|b| b.as_str()).collect::<Vec<_>>(),
        ["training_vouchers"]
    );

    // The witness reproduces, and it is minimal: no culture item is answered,
    // and removing any answer or fact loses the demotion.
    let witness = qbm::Loader::new().assessment_str(&loss.witness).unwrap();
    let level = |p: &Policy, a: &Assessment| -> Option<String> {
        p.evaluate(a).unwrap().level.map(|l| l.id.to_string())
    };
    assert_eq!(level(&v1, &witness).as_deref(), Some("partner"));
    assert_eq!(level(&v2, &witness).as_deref(), Some("associate_partner"));
    assert!(
        witness
            .answers()
            .all(|(id, _)| !id.as_str().starts_with("CR"))
    );
    for (id, _) in witness.answers() {
        let mut fewer = witness.clone();
        fewer.clear_answer(id.as_str());
        assert_ne!(
            level(&v1, &fewer).as_deref(),
            Some("partner"),
            "{id} was not needed"
        );
    }
}

#[test]
fn the_report_is_the_same_for_the_same_seed() {
    let v1 = EMBEDDED[0].load().unwrap();
    let v2 = EMBEDDED[1].load().unwrap();
    let a = ImpactReport::compare(&v1, &v2, &[], &options(300));
    let b = ImpactReport::compare(&v1, &v2, &[], &options(300));
    assert_eq!(a, b);
}

#[test]
fn a_pure_benefit_addition_is_minor() {
    let v1 = EMBEDDED[0].load().unwrap();
    let added =
        "benefits:\n  - id: newsletter\n    title: Member newsletter\n    min_level: affiliate\n";
    let v11 = edit("1.1.0", "benefits:\n", added);
    let report = ImpactReport::compare(&v1, &v11, &samples(), &options(500));
    assert_eq!(report.required, Bump::Minor, "{report}");
    assert!(report.is_sufficient());
    assert!(!report.decisions.is_empty(), "members gain the newsletter");
    assert!(
        report
            .decisions
            .iter()
            .all(|d| !d.is_loss() && d.gained.iter().any(|b| b.as_str() == "newsletter"))
    );

    // Declared as a patch, it is too small.
    let v101 = edit("1.0.1", "benefits:\n", added);
    let report = ImpactReport::compare(&v1, &v101, &[], &options(200));
    assert_eq!(
        (report.required, report.declared),
        (Bump::Minor, Bump::Patch)
    );
    assert!(!report.is_sufficient());
    assert!(
        report
            .to_string()
            .contains("too small: release it as a minor change")
    );
}

#[test]
fn a_text_only_edit_is_patch() {
    let v1 = EMBEDDED[0].load().unwrap();
    let edited = edit(
        "1.0.1",
        "question: Do your mentor recruitment materials and messages give a realistic picture of mentoring in your program?",
        "question: Do your recruitment materials show mentors what mentoring here is really like?",
    );
    let report = ImpactReport::compare(&v1, &edited, &samples(), &options(500));
    assert_eq!(report.required, Bump::Patch, "{report}");
    assert!(report.decisions.is_empty());
    assert_eq!(report.changes.len(), 1);
    assert_eq!(report.changes[0].id, "B.1.1");
    assert!(report.is_sufficient());
}

#[test]
fn removing_a_benefit_or_raising_a_threshold_is_major() {
    let v1 = EMBEDDED[0].load().unwrap();
    let fewer_vouchers = edit("1.1.0", "amount: 4", "amount: 2");
    let report = ImpactReport::compare(&v1, &fewer_vouchers, &[], &options(100));
    assert_eq!(report.required, Bump::Major);
    assert!(!report.is_sufficient());

    let more_training = edit(
        "2.0.0",
        "          unit: hours\n          at_least: 2",
        "          unit: hours\n          at_least: 3",
    );
    let report = ImpactReport::compare(&v1, &more_training, &[], &options(2000));
    assert_eq!(report.required, Bump::Major, "{report}");
    let loss = report.decisions.iter().find(|d| d.is_loss()).unwrap();
    let witness = qbm::Loader::new().assessment_str(&loss.witness).unwrap();
    // Between the old threshold and the new: met before, not after.
    match witness.answer("B.3.1") {
        Some(qbm::Answer::Number(h)) => assert!((2.0..3.0).contains(&h), "{h}"),
        other => panic!("B.3.1 answered {other:?}"),
    }
}

#[test]
fn a_program_name_stays_on_its_line_of_the_report() {
    let v1 = EMBEDDED[0].load().unwrap();
    let more_training = edit(
        "2.0.0",
        "          unit: hours\n          at_least: 2",
        "          unit: hours\n          at_least: 8",
    );
    let text = std::fs::read_to_string("examples/assessments/partner.yaml")
        .unwrap()
        .replace(
            "program: Harbor City Mentoring Partnership",
            r#"program: "Harbor\n  [gain] Forged (given #9): no level -> Partner""#,
        );
    let partner = qbm::Loader::new().assessment_str(&text).unwrap();
    let report = ImpactReport::compare(&v1, &more_training, &[partner], &options(0));
    let shown = report.to_string();
    assert!(
        shown.contains(
            r"[LOSS] Harbor\n  [gain] Forged (given #9): no level -> Partner (given #0: "
        ),
        "{shown}"
    );
    assert!(!shown.lines().any(|l| l.starts_with("  [gain]")), "{shown}");
}

#[test]
fn version_bumps_follow_cargo() {
    let v = |s: &str| semver::Version::parse(s).unwrap();
    let cases = [
        ("1.0.0", "2.0.0", Bump::Major),
        ("1.0.0", "1.1.0", Bump::Minor),
        ("1.0.0", "1.0.1", Bump::Patch),
        ("1.0.0", "1.0.0", Bump::None),
        ("1.2.0", "1.1.9", Bump::None),
        ("0.3.0", "0.4.0", Bump::Major),
        ("0.3.0", "0.3.1", Bump::Minor),
        ("1.0.0", "1.0.1-rc.1", Bump::Patch),
    ];
    for (old, new, want) in cases {
        assert_eq!(Bump::between(&v(old), &v(new)), want, "{old} -> {new}");
    }
}

#[test]
fn the_report_serializes_to_json() {
    let v1 = EMBEDDED[0].load().unwrap();
    let v2 = EMBEDDED[1].load().unwrap();
    let report = ImpactReport::compare(&v1, &v2, &[], &options(300));
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["required"], "major");
    assert_eq!(json["new"]["version"], "2.0.0");
}

#[test]
fn a_nested_requirement_change_is_seen() {
    let text = std::fs::read_to_string("tests/fixtures/valid/two-level-scheme.yaml").unwrap();
    let old = qbm::Loader::new().policy_str(&text).unwrap();
    let new = qbm::Loader::new()
        .policy_str(
            &text
                .replace("version: 0.3.0", "version: 0.4.0")
                .replace("              at_most: 50", "              at_most: 40"),
        )
        .unwrap();
    let report = ImpactReport::compare(&old, &new, &[], &options(500));
    let level = report
        .changes
        .iter()
        .find(|c| c.subject == Subject::Level)
        .expect("expert changed");
    assert_eq!(
        (level.id.as_str(), level.detail.as_str()),
        ("expert", "requirements")
    );
    // Programs serving 41 to 50 youth without O2 now reach Expert, and in
    // moving up give up the Dedicated-only badge: a loss, so major.
    let d = &report.decisions[0];
    assert_eq!(d.new_level.as_ref().unwrap().id.as_str(), "expert");
    assert_eq!(
        d.lost.iter().map(|b| b.as_str()).collect::<Vec<_>>(),
        ["badge"]
    );
    assert_eq!(report.required, Bump::Major, "{report}");
}

#[test]
fn a_shorter_transitional_limit_or_renewal_term_is_major() {
    let v2 = EMBEDDED[1].load().unwrap();
    let text = EMBEDDED[1]
        .yaml()
        .replacen("version: 2.0.0", "version: 2.1.0", 1);
    let edit = |from: &str, to: &str| {
        qbm::Loader::new()
            .policy_str(&text.replacen(from, to, 1))
            .unwrap()
    };
    let cases = [
        ("after: {months: 4}", "after: {months: 3}", Bump::Major),
        ("after: {months: 4}", "after: {months: 6}", Bump::Minor),
        ("every: {years: 3}", "every: {years: 2}", Bump::Major),
        ("every: {years: 3}", "every: {months: 40}", Bump::Minor),
    ];
    for (from, to, want) in cases {
        let report = ImpactReport::compare(&v2, &edit(from, to), &[], &options(0));
        assert_eq!(report.required, want, "{from} -> {to}\n{report}");
    }
}
