//! Any bytes as an assessment, evaluated against the embedded MMP policy:
//! a result or a typed error, never a panic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

static POLICY: OnceLock<Option<qbm::Policy>> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Some(policy) = POLICY.get_or_init(|| qbm::Policy::builtin().ok()) else { return };
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(a) = qbm::Assessment::from_yaml_str(text) {
        if let Ok(e) = policy.evaluate(&a) {
            let _ = e.to_string();
        }
    }
});
