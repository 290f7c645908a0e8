//! Every public type is `Send + Sync + Debug`: checked at compile time for
//! each, and a test fails when `lib.rs` (or `qbm::testing`) exports a type
//! this file does not check.

fn assert<T: Send + Sync + std::fmt::Debug>() {}

/// Checks each type at compile time, and gives the names checked.
macro_rules! checked {
    ($($t:ty),* $(,)?) => {{
        $(assert::<$t>();)*
        vec![$(stringify!($t).split('<').next().unwrap_or_default().trim()),*]
    }};
}

fn root() -> Vec<&'static str> {
    checked![
        qbm::Answer,
        qbm::AnswerState,
        qbm::Assessment,
        qbm::BenefitId,
        qbm::Benefit,
        qbm::Better,
        qbm::Bump,
        qbm::CaseResult,
        qbm::Catalog,
        qbm::CatalogError,
        qbm::Change,
        qbm::ChangeKind,
        qbm::ConditionGap,
        qbm::Date,
        qbm::DateError,
        qbm::Decision,
        qbm::DecisionChange,
        qbm::Detail,
        qbm::Diagnostic,
        qbm::DiagnosticKind,
        qbm::Diagnostics,
        qbm::Discount,
        qbm::Duplicate,
        qbm::Embedded,
        qbm::EvalError,
        qbm::Evaluation,
        qbm::Evaluator<'static>,
        qbm::Fact,
        qbm::FactId,
        qbm::FactType,
        qbm::FactWords,
        qbm::Grant,
        qbm::GrantedBenefit,
        qbm::HeldMembership,
        qbm::ImpactOptions,
        qbm::ImpactReport,
        qbm::ImprovementPlan,
        qbm::Item,
        qbm::ItemGap,
        qbm::ItemId,
        qbm::ItemSet,
        qbm::Kind,
        qbm::KindId,
        qbm::KindScore,
        qbm::Level,
        qbm::LevelId,
        qbm::LevelOutcome,
        qbm::LevelRenewal,
        qbm::LevelSummary,
        qbm::Limits,
        qbm::Loader,
        qbm::LoadError,
        qbm::Membership,
        qbm::MembershipState,
        qbm::NextDate,
        qbm::PastLevel,
        qbm::Period,
        qbm::Policy,
        qbm::PolicyRef,
        qbm::PolicySuite,
        qbm::Position,
        qbm::Quantity,
        qbm::Reentry,
        qbm::ReentryBar,
        qbm::Renewal,
        qbm::Requirement,
        qbm::RequirementOutcome,
        qbm::SetId,
        qbm::Source,
        qbm::Standard,
        qbm::StandardGaps,
        qbm::StandardId,
        qbm::StandardScore,
        qbm::Status,
        qbm::Subject,
        qbm::SuiteResult,
        qbm::Threshold,
        qbm::TimeLimit,
        qbm::Value,
    ]
}

#[cfg(feature = "testing")]
fn testing() -> Vec<&'static str> {
    checked![
        qbm::testing::Law,
        qbm::testing::LawConfig,
        qbm::testing::LawViolation,
    ]
}

/// The last segment of a path (`qbm::testing::Law` -> `Law`).
fn last(path: &str) -> &str {
    path.rsplit("::").next().unwrap_or(path).trim()
}

/// The type names `lib.rs` exports: each name in its `pub use` lines that
/// reads as a type (capitalised, not a constant in capitals).
fn exported_from_root() -> Vec<String> {
    let lib = std::fs::read_to_string("src/lib.rs").unwrap();
    let mut names = Vec::new();
    for statement in lib.split("\npub use ").skip(1) {
        let statement = statement.split(';').next().unwrap();
        let list = match statement.split_once('{') {
            Some((_, rest)) => rest.trim_end_matches('}').to_owned(),
            None => statement.to_owned(),
        };
        for name in list.split(',').map(last).filter(|n| !n.is_empty()) {
            let is_type = name.starts_with(|c: char| c.is_ascii_uppercase())
                && name.chars().any(|c| c.is_ascii_lowercase());
            if is_type {
                names.push(name.to_owned());
            }
        }
    }
    names
}

/// The public types a module declares, in `src/` or the folder of its
/// layer (`src/tools/`).
fn declared_in(module: &str) -> Vec<String> {
    let text = [format!("src/{module}.rs"), format!("src/tools/{module}.rs")]
        .iter()
        .find_map(|f| std::fs::read_to_string(f).ok())
        .unwrap_or_else(|| panic!("no file for module `{module}`"));
    text.lines()
        .filter_map(|l| {
            let rest = l
                .strip_prefix("pub struct ")
                .or_else(|| l.strip_prefix("pub enum "))?;
            let end = rest.find(|c: char| !c.is_alphanumeric() && c != '_')?;
            Some(rest[..end].to_owned())
        })
        .collect()
}

fn unchecked(exported: Vec<String>, checked: &[&str]) -> Vec<String> {
    let checked: Vec<&str> = checked.iter().map(|p| last(p)).collect();
    exported
        .into_iter()
        .filter(|n| !checked.contains(&n.as_str()))
        .collect()
}

#[test]
fn every_type_exported_from_the_root_is_send_sync_and_debug() {
    let exported = exported_from_root();
    assert!(
        exported.len() > 50,
        "read {} types from lib.rs",
        exported.len()
    );
    let missing = unchecked(exported, &root());
    assert!(missing.is_empty(), "not checked here: {missing:?}");
}

#[cfg(feature = "testing")]
#[test]
fn every_type_of_the_testing_module_is_send_sync_and_debug() {
    let declared = declared_in("testing");
    assert!(!declared.is_empty());
    let missing = unchecked(declared, &testing());
    assert!(missing.is_empty(), "not checked here: {missing:?}");
}

#[cfg(feature = "schema")]
#[test]
fn the_schema_module_declares_no_types() {
    // `qbm::schema` exports functions alone; a type added there needs a check here.
    assert_eq!(declared_in("schema"), Vec::<String>::new());
}
