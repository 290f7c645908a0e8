//! Any bytes as an assessment: loading returns an assessment or errors, never
//! panics; one that loads writes itself back as YAML that loads again.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(a) = qbm::Assessment::from_yaml_str(text) {
        assert!(qbm::Assessment::from_yaml_str(&a.to_yaml()).is_ok(), "round trip failed");
    }
});
