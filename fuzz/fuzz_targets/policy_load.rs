//! Any bytes as a policy; see `fuzz/checks.rs` for what is checked.
#![no_main]

#[path = "../checks.rs"]
#[allow(dead_code)] // each target uses one of the checks
mod checks;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    checks::policy_load(data);
});
