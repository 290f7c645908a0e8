//! Replays the inputs the fuzzers kept (`tests/fixtures/fuzz/<target>/`, see
//! `fuzz/run.sh`): each goes through the same checks its fuzz target runs
//! (`fuzz/checks.rs`): a value or a typed error, never a panic, and short
//! diagnostics.

use std::path::Path;

#[path = "../../fuzz/checks.rs"]
mod checks;

use qbm::Policy;

/// The files in `dir`, sorted by name; none if it does not exist.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<(String, Vec<u8>)> = entries
        .map(|e| {
            let path = e.unwrap().path();
            (path.display().to_string(), std::fs::read(&path).unwrap())
        })
        .collect();
    out.sort();
    out
}

/// The inputs the fuzzer kept for `target`, then those that once made it
/// fail (`crashes/<target>/`, kept by hand, which a merge never drops).
fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let mut out = files(&root.join(target));
    assert!(
        out.len() >= 10,
        "only {} kept inputs for {target}",
        out.len()
    );
    out.extend(files(&root.join("crashes").join(target)));
    out
}

#[test]
fn the_inputs_that_made_a_fuzzer_fail_are_replayed() {
    let crashes = inputs("assessment_load");
    assert!(
        crashes
            .iter()
            .any(|(name, _)| name
                .ends_with("crashes/assessment_load/line-separator-in-block-scalar")),
        "the line-separator input is not replayed"
    );
}

#[test]
fn policy_load_inputs() {
    let loaded = inputs("policy_load")
        .iter()
        .filter(|(_, data)| checks::policy_load(data))
        .count();
    assert!(loaded > 0, "no kept input loads as a policy");
}

#[test]
fn assessment_load_inputs() {
    let loaded = inputs("assessment_load")
        .iter()
        .filter(|(_, data)| checks::assessment_load(data))
        .count();
    assert!(loaded > 0, "no kept input loads as an assessment");
}

#[test]
fn evaluate_inputs() {
    let catalog = qbm::Catalog::builtin().unwrap();
    let evaluated = inputs("evaluate")
        .iter()
        .filter(|(_, data)| checks::evaluate(&catalog, data))
        .count();
    assert!(evaluated > 0, "no kept input evaluates");
}

#[test]
fn a_diagnostic_that_echoes_its_input_fails_the_check() {
    let long = "x".repeat(5000);
    let d = qbm::Loader::new()
        .policy_str("policy: {name: p}\n")
        .unwrap_err()
        .diagnostics()[0]
        .clone();
    checks::assert_bounded(std::slice::from_ref(&d));
    let mut echoed = d;
    echoed.message = long;
    let caught = std::panic::catch_unwind(|| checks::assert_bounded(&[echoed]));
    assert!(caught.is_err());
}

/// The shipped policies and the valid fixture policies.
const SHIPPED_AND_FIXTURE_POLICIES: [&str; 4] = [
    "standards/mmp-qbm-1.0.0.yaml",
    "standards/mmp-qbm-2.0.0.yaml",
    "tests/fixtures/valid/dwell-scheme.yaml",
    "tests/fixtures/valid/two-level-scheme.yaml",
];

#[test]
fn the_dated_programs_run_the_time_rules_of_any_policy() {
    // On every shipped and fixture policy the dated programs evaluate: the
    // one granted years ago meets the time rules (a transitional level
    // reverts, a term lapses), the recent one holds its level.
    for path in SHIPPED_AND_FIXTURE_POLICIES {
        let policy = qbm::Loader::new().policy_path(path).unwrap();
        let programs = checks::dated_programs(&policy);
        assert_eq!(programs.len(), 2);
        let results: Vec<qbm::Evaluation> = programs
            .iter()
            .map(|p| policy.evaluate(p).unwrap_or_else(|e| panic!("{path}: {e}")))
            .collect();
        assert!(results.iter().all(|e| e.membership.is_some()), "{path}");
        if path.contains("two-level") {
            continue; // its rules ask for facts the generic program lacks
        }
        let top = policy.levels().last().unwrap().id().to_string();
        let recent = &results[1];
        assert_eq!(
            recent.level.as_ref().map(|l| l.id.to_string()),
            Some(top),
            "{path}\n{recent}"
        );
    }
    // And the time rules did bite on the old grant somewhere.
    let dwell = qbm::Loader::new()
        .policy_path("tests/fixtures/valid/dwell-scheme.yaml")
        .unwrap();
    let old = dwell.evaluate(&checks::dated_programs(&dwell)[0]).unwrap();
    assert!(old.to_string().contains("reverted on 2019-05-01"), "{old}");
}

#[test]
fn the_weak_program_leaves_gaps_in_any_policy() {
    // On every shipped and fixture policy the weak program evaluates, falls
    // short of the top level, and gets a plan: the explanation of gaps runs.
    for path in SHIPPED_AND_FIXTURE_POLICIES {
        let policy = qbm::Loader::new().policy_path(path).unwrap();
        let weak = checks::weak_program(&policy);
        let e = policy
            .evaluate(&weak)
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        let top = policy.levels().last().unwrap().id().to_string();
        assert_ne!(
            e.level.as_ref().map(|l| l.id.to_string()),
            Some(top),
            "{path}\n{e}"
        );
        assert!(e.plan.is_some(), "{path}\n{e}");
        // Every fourth item is left unanswered.
        if policy.items().len() >= 4 {
            assert!(!e.unanswered.is_empty(), "{path}: every item answered");
        }
    }
}

#[test]
fn shipped_policies_pass_the_policy_checks_and_versions_differ() {
    // The policy checks (the self-comparison among them) hold on the shipped
    // policies, and the comparison is not blind: two versions do differ.
    let catalog = qbm::Catalog::builtin().unwrap();
    let versions: Vec<&Policy> = catalog.policies().collect();
    for p in &versions {
        assert!(checks::policy_load(p.to_yaml().as_bytes()));
    }
    let report = qbm::ImpactReport::compare(
        versions[0],
        versions[1],
        &[],
        &qbm::ImpactOptions::default(),
    );
    assert!(!report.changes.is_empty());
}
