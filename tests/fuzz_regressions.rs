//! Replays the inputs the fuzzers kept (`tests/fixtures/fuzz/<target>/`, see
//! `fuzz/run.sh`): each goes through the same checks its fuzz target runs
//! (`fuzz/checks.rs`): a value or a typed error, never a panic, and short
//! diagnostics.

// Tests fail by panicking; the library-code lints do not apply here.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;

#[path = "../fuzz/checks.rs"]
mod checks;

use qbm::Policy;

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz")
        .join(target);
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            let path = e.unwrap().path();
            (path.display().to_string(), std::fs::read(&path).unwrap())
        })
        .collect();
    out.sort();
    assert!(
        out.len() >= 10,
        "only {} kept inputs for {target}",
        out.len()
    );
    out
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
    let policies: Vec<Policy> = qbm::EMBEDDED.iter().map(|e| e.load().unwrap()).collect();
    let evaluated = inputs("evaluate")
        .iter()
        .filter(|(_, data)| checks::evaluate(&policies, data))
        .count();
    assert!(evaluated > 0, "no kept input evaluates");
}

#[test]
fn a_diagnostic_that_echoes_its_input_fails_the_check() {
    let long = "x".repeat(5000);
    let d = qbm::Policy::from_yaml_str("policy: {name: p}\n")
        .unwrap_err()
        .diagnostics()[0]
        .clone();
    checks::assert_bounded(std::slice::from_ref(&d));
    let mut echoed = d;
    echoed.message = long;
    let caught = std::panic::catch_unwind(|| checks::assert_bounded(&[echoed]));
    assert!(caught.is_err());
}
