//! Any bytes as an assessment, evaluated against each embedded MMP policy
//! version, in full and lean, and through the catalog of them; see
//! `fuzz/checks.rs` for what is checked.
#![no_main]

#[path = "../checks.rs"]
#[allow(dead_code)] // each target uses one of the checks
mod checks;

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

static CATALOG: OnceLock<qbm::Catalog> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    // The embedded policies are checked by the crate's tests; an empty
    // catalog would only make the target check less.
    let catalog = CATALOG.get_or_init(|| qbm::Catalog::builtin().unwrap_or_default());
    checks::evaluate(catalog, data);
});
