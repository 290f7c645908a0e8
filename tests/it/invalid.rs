//! The malformed-input corpus: every file under `tests/fixtures/invalid/`
//! must fail with exactly the message in the `.expected` file beside it, and
//! together the files must cover every kind of error the loader, the catalog
//! and the evaluator report.
//!
//! - `policy-*.yaml` files are loaded as policies;
//! - `assessment-*.yaml` files are loaded as assessments and evaluated against
//!   the embedded MMP policy;
//! - `catalog-NAME.yaml` files are assessments evaluated through the catalog
//!   loaded from the directory `catalog-NAME/` beside them (a missing directory
//!   is the case for an unreadable one).
//!
//! Run with `QBM_BLESS=1` to write the `.expected` files after a deliberate
//! change of wording, then review the diff.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use qbm::{CatalogError, Diagnostic, EvalError, LoadError, Policy};

/// What a corpus file produced: its message and the kinds of error in it.
struct Failure {
    message: String,
    kinds: Vec<String>,
}

impl Failure {
    fn new(message: String, what: &str, diagnostics: &[Diagnostic]) -> Self {
        let mut kinds = vec![what.to_owned()];
        kinds.extend(diagnostics.iter().map(|d| format!("{:?}", d.kind)));
        Self { message, kinds }
    }

    fn load(e: &LoadError) -> Self {
        let what = match e {
            LoadError::Read { .. } => "LoadError::Read",
            LoadError::Invalid(_) => "LoadError::Invalid",
            _ => "LoadError::other",
        };
        Self::new(e.to_string(), what, e.diagnostics())
    }

    fn eval(e: &EvalError) -> Self {
        let what = match e {
            EvalError::PolicyMismatch(_) => "EvalError::PolicyMismatch",
            EvalError::Invalid(_) => "EvalError::Invalid",
            _ => "EvalError::other",
        };
        Self::new(e.to_string(), what, e.diagnostics())
    }

    fn catalog(e: &CatalogError) -> Self {
        let what = match e {
            CatalogError::Eval(inner) => {
                let mut failure = Self::eval(inner);
                failure.kinds.push("CatalogError::Eval".into());
                return failure;
            }
            CatalogError::Load { .. } => "CatalogError::Load",
            CatalogError::Read { .. } => "CatalogError::Read",
            CatalogError::Duplicate(_) => "Duplicate",
            CatalogError::UnknownPolicy { .. } => "CatalogError::UnknownPolicy",
            CatalogError::NoMatch { .. } => "CatalogError::NoMatch",
            CatalogError::NoPolicyNamed { .. } => "CatalogError::NoPolicyNamed",
            CatalogError::Unresolved { diagnostic, cause } => {
                // Evaluating through the catalog places what it cannot give
                // in the assessment: the cause's kind, and the diagnostic's.
                let mut failure = Self::catalog(cause);
                failure.message = e.to_string();
                failure.kinds.push("CatalogError::Unresolved".into());
                failure.kinds.push(format!("{:?}", diagnostic.kind));
                return failure;
            }
            _ => "CatalogError::other",
        };
        let (inner, duplicated): (Vec<Diagnostic>, bool) = match e {
            CatalogError::Load { errors, duplicates } => (
                errors
                    .iter()
                    .flat_map(|e| e.diagnostics())
                    .cloned()
                    .collect(),
                !duplicates.is_empty(),
            ),
            _ => (Vec::new(), false),
        };
        let mut failure = Self::new(e.to_string(), what, &inner);
        if duplicated {
            failure.kinds.push("Duplicate".into());
        }
        failure
    }
}

/// Runs one corpus file; `None` if it was accepted.
fn failure(path: &Path) -> Option<Failure> {
    let name = path.file_name()?.to_str()?;
    let shown = format!("tests/fixtures/invalid/{name}");
    if name.starts_with("policy-") {
        return qbm::Loader::new()
            .policy_path(&shown)
            .err()
            .map(|e| Failure::load(&e));
    }
    let assessment = match qbm::Loader::new().assessment_path(&shown) {
        Ok(a) => a,
        Err(e) => return Some(Failure::load(&e)),
    };
    if let Some(case) = name.strip_prefix("catalog-") {
        let dir = format!(
            "tests/fixtures/invalid/catalog-{}",
            case.trim_end_matches(".yaml")
        );
        return match qbm::Loader::new().catalog_dir(&dir) {
            Err(e) => Some(Failure::catalog(&e)),
            Ok(catalog) => catalog
                .evaluate(&assessment)
                .err()
                .map(|e| Failure::catalog(&e)),
        };
    }
    let policy = Policy::builtin().expect("embedded policy loads");
    policy
        .evaluate(&assessment)
        .err()
        .map(|e| Failure::eval(&e))
}

/// Every kind of error the corpus must show at least once. A new
/// `DiagnosticKind` or error variant needs a corpus file and a line here.
const EVERY_KIND: &[&str] = &[
    "Syntax",
    "DuplicateKey",
    "UnknownField",
    "InvalidValue",
    "DuplicateId",
    "UnknownReference",
    "LevelOrder",
    "ThresholdType",
    "NotApplicable",
    "Cycle",
    "Unsatisfiable",
    "AnswerType",
    "PolicyMismatch",
    "Limit",
    "LoadError::Invalid",
    "EvalError::PolicyMismatch",
    "EvalError::Invalid",
    "CatalogError::Read",
    "CatalogError::Load",
    "Duplicate",
    "CatalogError::UnknownPolicy",
    "CatalogError::NoMatch",
    "CatalogError::NoPolicyNamed",
    "CatalogError::Unresolved",
    "CatalogError::Eval",
];

#[test]
fn every_invalid_fixture_fails_with_its_expected_message() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/invalid");
    let bless = std::env::var_os("QBM_BLESS").is_some();
    let mut checked = 0;
    let mut failures = Vec::new();
    let mut seen = BTreeSet::new();
    let mut entries: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries
        .iter()
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "yaml"))
    {
        let got = failure(path).unwrap_or_else(|| panic!("{} was accepted", path.display()));
        seen.extend(got.kinds);
        let got = got.message;
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
    let missing: Vec<&str> = EVERY_KIND
        .iter()
        .copied()
        .filter(|k| !seen.contains(*k))
        .collect();
    assert!(missing.is_empty(), "no corpus file shows {missing:?}");
    let unlisted: Vec<&String> = seen
        .iter()
        .filter(|k| !EVERY_KIND.contains(&k.as_str()))
        .collect();
    assert!(
        unlisted.is_empty(),
        "kinds not listed in EVERY_KIND: {unlisted:?}"
    );
}

#[test]
fn an_unreadable_file_names_the_path() {
    let err = qbm::Loader::new()
        .policy_path("tests/fixtures/invalid/no-such-file.yaml")
        .unwrap_err();
    assert!(matches!(err, LoadError::Read { .. }));
    assert!(
        err.to_string()
            .starts_with("cannot read tests/fixtures/invalid/no-such-file.yaml: "),
        "{err}"
    );
    assert!(err.diagnostics().is_empty());
}

#[test]
fn every_problem_is_reported_at_once() {
    let err = qbm::Loader::new()
        .policy_path("tests/fixtures/invalid/policy-unknown-reference.yaml")
        .unwrap_err();
    assert_eq!(err.diagnostics().len(), 4, "{err}");
    assert!(
        err.diagnostics()
            .iter()
            .all(|d| d.kind == qbm::DiagnosticKind::UnknownReference)
    );
}
