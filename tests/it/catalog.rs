//! Catalog resolution: newest match, no match, pre-releases, the version
//! check on assessments.

use qbm::{Assessment, Catalog, CatalogError, EvalError};
use semver::VersionReq;

fn catalog() -> Catalog {
    qbm::Loader::new()
        .catalog_dir("tests/fixtures/catalog")
        .unwrap()
}

fn resolve(c: &Catalog, name: &str, req: &str) -> Result<String, CatalogError> {
    let req: VersionReq = req.parse().unwrap();
    c.resolve(name, &req).map(|p| p.version().to_string())
}

#[test]
fn resolves_the_newest_match() {
    let c = catalog();
    let cases = [
        ("^1", "1.2.0"),
        ("~1.0", "1.0.0"),
        ("=1.0.0", "1.0.0"),
        ("^2", "2.0.0"),
        ("*", "2.0.0"),
        (">=1.1, <2", "1.2.0"),
    ];
    for (req, want) in cases {
        assert_eq!(resolve(&c, "tiny", req).unwrap(), want, "{req}");
    }
}

#[test]
fn pre_releases_match_only_when_asked_for() {
    let c = catalog();
    assert_eq!(resolve(&c, "tiny", "^2").unwrap(), "2.0.0");
    assert_eq!(resolve(&c, "tiny", ">=2.1.0-rc.1").unwrap(), "2.1.0-rc.1");
    assert_eq!(resolve(&c, "tiny", "=2.1.0-rc.1").unwrap(), "2.1.0-rc.1");
    assert_eq!(resolve(&c, "tiny", "^2.1.0-rc.0").unwrap(), "2.1.0-rc.1");
}

#[test]
fn no_match_lists_the_versions_present() {
    let c = catalog();
    let err = resolve(&c, "tiny", "^3").unwrap_err();
    assert!(matches!(err, CatalogError::NoMatch { .. }));
    assert_eq!(
        err.to_string(),
        "no version of `tiny` matches `^3` (hint: the catalog holds versions 1.0.0, 1.2.0, 2.0.0, 2.1.0-rc.1)"
    );
}

#[test]
fn unknown_names_get_a_hint() {
    let c = catalog();
    let err = resolve(&c, "tinny", "*").unwrap_err();
    assert_eq!(
        err.to_string(),
        "no policy named `tinny` in the catalog (hint: did you mean `tiny`?)"
    );
    let err = resolve(&c, "mmp-qbm", "*").unwrap_err();
    assert_eq!(
        err.to_string(),
        "no policy named `mmp-qbm` in the catalog (hint: known policies: `other`, `tiny`)"
    );
}

#[test]
fn a_name_and_version_defined_twice_is_refused() {
    let err = qbm::Loader::new()
        .catalog_dir("tests/fixtures/catalog-duplicate")
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "policy `tiny` 1.0.0 is defined twice, in tests/fixtures/catalog-duplicate/a.yaml and tests/fixtures/catalog-duplicate/b.yml"
    );
    let CatalogError::Load { errors, duplicates } = &err else {
        panic!("{err:?}")
    };
    assert!(errors.is_empty());
    assert_eq!(duplicates.len(), 1);

    // Adding one by hand says the same.
    let mut c = qbm::Loader::new()
        .catalog_dir("tests/fixtures/catalog")
        .unwrap();
    let again = qbm::Loader::new()
        .policy_path("tests/fixtures/catalog-duplicate/a.yaml")
        .unwrap();
    let err = c.add(again).unwrap_err();
    let CatalogError::Duplicate(d) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (d.name.as_str(), d.version.to_string()),
        ("tiny", "1.0.0".into())
    );
    assert_eq!(d.first, "tests/fixtures/catalog/tiny-1.0.0.yaml");
    assert_eq!(c.policies().count(), 5, "the catalog is unchanged");
}

#[test]
fn bad_files_and_duplicates_are_reported_together() {
    let err = qbm::Loader::new()
        .catalog_dir("tests/fixtures/invalid/catalog-bad-policies")
        .unwrap_err();
    let CatalogError::Load { errors, duplicates } = &err else {
        panic!("{err:?}")
    };
    assert_eq!((errors.len(), duplicates.len()), (2, 1), "{err}");
}

#[test]
fn a_directory_with_bad_files_reports_each() {
    let err = qbm::Loader::new()
        .catalog_dir("tests/fixtures/invalid")
        .unwrap_err();
    let CatalogError::Load { errors, .. } = &err else {
        panic!("{err}")
    };
    // Every fixture there fails as a policy (assessments lack `policy:`).
    let files = std::fs::read_dir("tests/fixtures/invalid")
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "yaml")
        })
        .count();
    assert_eq!(errors.len(), files);
}

#[test]
fn the_builtin_catalog_holds_both_mmp_versions() {
    let c = Catalog::builtin().unwrap();
    let versions: Vec<String> = c.policies().map(|p| p.to_string()).collect();
    assert_eq!(versions, ["mmp-qbm 1.0.0", "mmp-qbm 2.0.0"]);
    assert_eq!(
        qbm::Policy::builtin().unwrap().version().to_string(),
        "2.0.0"
    );
}

#[test]
fn assessments_are_evaluated_against_the_version_they_name() {
    let c = Catalog::builtin().unwrap();
    for (req, want) in [("^1", "1.0.0"), ("^2", "2.0.0"), ("*", "2.0.0")] {
        let a = Assessment::new("P").for_policy("mmp-qbm", req.parse().unwrap());
        assert_eq!(
            c.evaluate(&a).unwrap().policy.version.to_string(),
            want,
            "{req}"
        );
    }
    // No requirement: the newest.
    assert_eq!(
        c.evaluate(&Assessment::new("P"))
            .unwrap()
            .policy
            .version
            .to_string(),
        "2.0.0"
    );
    let a = Assessment::new("P").for_policy("mmp-qbm", "^3".parse().unwrap());
    let err = c.evaluate(&a).unwrap_err();
    match &err {
        CatalogError::Unresolved { diagnostic, cause } => {
            assert!(matches!(**cause, CatalogError::NoMatch { .. }), "{cause:?}");
            assert_eq!(diagnostic.path, "assessment.version");
            assert_eq!(diagnostic.kind, qbm::DiagnosticKind::PolicyMismatch);
        }
        other => panic!("{other:?}"),
    }
    // The cause is the error's source, as `?` and error reporters follow it.
    let source = std::error::Error::source(&err).unwrap().to_string();
    assert!(
        source.starts_with("no version of `mmp-qbm` matches `^3`"),
        "{source}"
    );
}

#[test]
fn an_empty_catalog_says_it_is_empty() {
    let c = Catalog::new();
    let named = Assessment::new("P").for_policy("mmp-qbm", "^2".parse().unwrap());
    assert_eq!(
        c.evaluate(&named).unwrap_err().to_string(),
        "<assessment>: assessment.policy: no policy named `mmp-qbm` in the catalog \
         (hint: the catalog holds no policies)"
    );
    assert_eq!(
        c.evaluate(&Assessment::new("P")).unwrap_err().to_string(),
        "<assessment>: assessment: the assessment of `P` names no policy \
         (hint: the catalog holds no policies)"
    );
}

#[test]
fn evaluating_outside_the_stated_requirement_is_an_error() {
    let c = Catalog::builtin().unwrap();
    let v1 = c.get("mmp-qbm", &"1.0.0".parse().unwrap()).unwrap();
    let a = Assessment::new("P").for_policy("mmp-qbm", "^2".parse().unwrap());
    let err = v1.evaluate(&a).unwrap_err();
    assert!(matches!(err, EvalError::PolicyMismatch(_)));
    assert!(err.to_string().contains("versions ^2, not 1.0.0"), "{err}");
}

#[test]
fn an_assessment_naming_no_policy_needs_one_in_a_mixed_catalog() {
    let err = catalog()
        .evaluate(&Assessment::new("Nameless"))
        .unwrap_err();
    match &err {
        CatalogError::Unresolved { cause, .. } => {
            assert!(
                matches!(**cause, CatalogError::NoPolicyNamed { .. }),
                "{cause:?}"
            );
        }
        other => panic!("{other:?}"),
    }
}
