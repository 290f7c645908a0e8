//! Any bytes as a policy: loading returns a policy or errors, never panics;
//! a policy that loads also evaluates an empty assessment and writes itself
//! back as YAML that loads again.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(policy) = qbm::Policy::from_yaml_str(text) {
        let _ = policy.evaluate(&qbm::Assessment::new("fuzz"));
        assert!(qbm::Policy::from_yaml_str(&policy.to_yaml()).is_ok(), "round trip failed");
    }
});
