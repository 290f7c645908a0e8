//! Any bytes as an assessment, evaluated against each embedded MMP policy
//! version, in full and lean; see `fuzz/checks.rs` for what is checked.
#![no_main]

#[path = "../checks.rs"]
#[allow(dead_code)] // each target uses one of the checks
mod checks;

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

static POLICIES: OnceLock<Vec<qbm::Policy>> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let policies =
        POLICIES.get_or_init(|| qbm::EMBEDDED.iter().filter_map(|e| e.load().ok()).collect());
    checks::evaluate(policies, data);
});
