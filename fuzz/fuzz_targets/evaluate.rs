//! Any bytes as an assessment, evaluated against the embedded MMP policy;
//! see `fuzz/checks.rs` for what is checked.
#![no_main]

#[path = "../checks.rs"]
#[allow(dead_code)] // each target uses one of the checks
mod checks;

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

static POLICY: OnceLock<Option<qbm::Policy>> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Some(policy) = POLICY.get_or_init(|| qbm::Policy::builtin().ok()) else {
        return;
    };
    checks::evaluate(policy, data);
});
