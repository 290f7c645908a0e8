//! The malformed-input corpus: every file under `tests/fixtures/invalid/`
//! must fail with exactly the message in the `.expected` file beside it.
//!
//! `policy-*.yaml` files are loaded as policies; `assessment-*.yaml` files are
//! loaded as assessments and evaluated against the embedded MMP policy.
//! Run with `QBM_BLESS=1` to write the `.expected` files after a deliberate
//! change of wording, then review the diff.

// Tests fail by panicking; the library-code lints do not apply here.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fs;
use std::path::Path;

use qbm::{Assessment, Policy};

fn error_text(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    let shown = format!("tests/fixtures/invalid/{name}");
    if name.starts_with("policy-") {
        return Policy::from_path(&shown).err().map(|e| e.to_string());
    }
    let policy = Policy::builtin().expect("embedded policy loads");
    match Assessment::from_path(&shown) {
        Err(e) => Some(e.to_string()),
        Ok(a) => policy.evaluate(&a).err().map(|e| e.to_string()),
    }
}

#[test]
fn every_invalid_fixture_fails_with_its_expected_message() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/invalid");
    let bless = std::env::var_os("QBM_BLESS").is_some();
    let mut checked = 0;
    let mut failures = Vec::new();
    let mut entries: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
    {
        let got = error_text(path).unwrap_or_else(|| panic!("{} was accepted", path.display()));
        let expected_path = path.with_extension("expected");
        if bless {
            fs::write(&expected_path, format!("{got}\n")).unwrap();
        }
        let want = fs::read_to_string(&expected_path)
            .unwrap_or_else(|_| panic!("{} has no .expected file", path.display()));
        if want.trim_end() != got {
            failures.push(format!(
                "{}\n--- expected\n{}\n--- got\n{got}",
                path.display(),
                want.trim_end()
            ));
        }
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} fixtures found");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_problem_is_reported_at_once() {
    let err =
        Policy::from_path("tests/fixtures/invalid/policy-unknown-reference.yaml").unwrap_err();
    assert_eq!(err.diagnostics().len(), 4, "{err}");
    assert!(
        err.diagnostics()
            .iter()
            .all(|d| d.kind == qbm::DiagnosticKind::UnknownReference)
    );
}
