//! The policy tests shipped beside each policy (`standards/*.tests.yaml`)
//! pass, and together cover every level and every benefit.

// Tests fail by panicking; the library-code lints do not apply here.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeSet;

use qbm::{Catalog, PolicySuite};

fn suites() -> Vec<std::path::PathBuf> {
    let mut paths: Vec<_> = std::fs::read_dir("standards")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".tests.yaml"))
        .collect();
    paths.sort();
    paths
}

#[test]
fn every_shipped_suite_passes_and_covers_its_policy() {
    let catalog = Catalog::from_dir("standards").unwrap();
    let paths = suites();
    assert_eq!(
        paths.len(),
        catalog.policies().count(),
        "one suite per policy version"
    );
    for path in paths {
        let suite = PolicySuite::from_path(&path).unwrap_or_else(|e| panic!("{e}"));
        let requirement = suite.version().cloned().unwrap_or(semver::VersionReq::STAR);
        let policy = catalog.resolve(suite.policy(), &requirement).unwrap();
        let result = suite.run(policy);
        assert!(result.passed(), "{result}");
        // Every level (and no level) and every benefit appear in some case.
        let mut levels = BTreeSet::new();
        let mut benefits = BTreeSet::new();
        for case in &result.cases {
            let e = case.outcome.as_ref().unwrap();
            levels.insert(
                e.level
                    .as_ref()
                    .map_or("none".to_owned(), |l| l.id.to_string()),
            );
            benefits.extend(e.benefits.iter().map(|b| b.id.to_string()));
        }
        let all_levels: BTreeSet<String> = policy
            .levels()
            .iter()
            .map(|l| l.id().to_string())
            .chain(["none".to_owned()])
            .collect();
        assert_eq!(levels, all_levels, "{}", path.display());
        let all_benefits: BTreeSet<String> = policy
            .benefits()
            .iter()
            .map(|b| b.id().to_string())
            .collect();
        assert_eq!(benefits, all_benefits, "{}", path.display());
    }
}

#[test]
fn a_failing_case_explains_itself() {
    let dir = std::env::temp_dir().join(format!("qbm-suite-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("wrong.tests.yaml");
    std::fs::write(
        &path,
        "policy: mmp-qbm\ncases:\n  - name: expects too much\n    facts: {application_submitted: true, direct_youth_mentoring: true}\n    expect:\n      level: partner\n      benefits: [training_vouchers]\n",
    )
    .unwrap();
    let suite = PolicySuite::from_path(&path).unwrap();
    let result = suite.run(&qbm::Policy::builtin().unwrap());
    assert!(!result.passed());
    let text = result.to_string();
    assert!(text.contains("FAIL expects too much"), "{text}");
    assert!(
        text.contains("level: expected `partner`, got `affiliate`"),
        "{text}"
    );
    assert!(
        text.contains("benefits: expected but missing: training_vouchers; not expected: "),
        "{text}"
    );
    // The evaluation's report follows, so the author sees why.
    assert!(
        text.contains("| Improvement plan for Associate Partner:"),
        "{text}"
    );
    assert!(text.contains("0 of 1 cases passed"), "{text}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_bad_suite_is_refused_with_where_and_what() {
    let dir = std::env::temp_dir().join(format!("qbm-suite-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.tests.yaml");
    std::fs::write(&path, "policy: mmp-qbm\ncases:\n  - name: x\n    assessment: missing.yaml\n    expect: {level: none}\n  - name: y\n    expect: {levle: none}\n").unwrap();
    let err = PolicySuite::from_path(&path).unwrap_err();
    assert!(
        err.to_string()
            .contains("unknown field `levle` (hint: did you mean `level`?)"),
        "{err}"
    );
    std::fs::write(&path, "policy: mmp-qbm\ncases:\n  - name: x\n    assessment: missing.yaml\n    expect: {level: none}\n").unwrap();
    let err = PolicySuite::from_path(&path).unwrap_err();
    assert!(
        err.to_string().contains("cases[0]: case `x`: cannot read"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
