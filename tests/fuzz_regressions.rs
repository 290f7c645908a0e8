//! Replays the inputs the fuzzers kept (`tests/fixtures/fuzz/<target>/`, see
//! `fuzz/run.sh`): each goes through what its fuzz target does, which must
//! end in a value or a typed error, never a panic.

// Tests fail by panicking; the library-code lints do not apply here.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;

use qbm::{Assessment, Policy};

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
    let mut loaded = 0;
    for (name, data) in inputs("policy_load") {
        let Ok(text) = std::str::from_utf8(&data) else {
            continue;
        };
        if let Ok(policy) = Policy::from_yaml_str(text) {
            loaded += 1;
            let _ = policy.evaluate(&Assessment::new("fuzz"));
            assert!(
                Policy::from_yaml_str(&policy.to_yaml()).is_ok(),
                "{name}: round trip"
            );
        }
    }
    assert!(loaded > 0, "no kept input loads as a policy");
}

#[test]
fn assessment_load_inputs() {
    for (name, data) in inputs("assessment_load") {
        let Ok(text) = std::str::from_utf8(&data) else {
            continue;
        };
        if let Ok(a) = Assessment::from_yaml_str(text) {
            assert!(
                Assessment::from_yaml_str(&a.to_yaml()).is_ok(),
                "{name}: round trip"
            );
        }
    }
}

#[test]
fn evaluate_inputs() {
    let policy = Policy::builtin().unwrap();
    let mut evaluated = 0;
    for (_, data) in inputs("evaluate") {
        let Ok(text) = std::str::from_utf8(&data) else {
            continue;
        };
        if let Ok(a) = Assessment::from_yaml_str(text)
            && let Ok(e) = policy.evaluate(&a)
        {
            evaluated += 1;
            let _ = e.to_string();
        }
    }
    assert!(evaluated > 0, "no kept input evaluates");
}
