//! # qbm: quality-based membership as data
//!
//! Mentoring partnerships such as Mass Mentoring Partnership (MMP) grant
//! youth mentoring programs a *membership level* for the quality of their
//! practice, measured against standards such as MENTOR's *Elements of
//! Effective Practice*. Each level unlocks *benefits*, and a program learns
//! what to improve to reach the next one. `qbm` keeps all of that in data and
//! evaluates it.
//!
//! ## The model
//!
//! - A [`Policy`] is loaded from YAML and validated once. It holds:
//!   - **standards**, each a titled section of **items** (benchmarks,
//!     enhancements, management practices: the item **kinds** are data too);
//!     an item is answered met / not met / in progress / not applicable, or
//!     with a number compared to a threshold;
//!   - **facts** about a program asked outside the questionnaire (months in
//!     operation, whether a review was held);
//!   - **levels**, ordered by rank, each with **requirements** written in a
//!     small language (`all`, `any`, `not`, `at_least` of, fact comparisons,
//!     `met`, `all_met`, `met_at_least` count or percent, `level`);
//!   - **benefits**, granted from a minimum level or to listed levels, with
//!     priority, quantities and discounts.
//! - An [`Assessment`] is a program's facts and answers by item id.
//! - [`Policy::evaluate`] binds the assessment to the policy and returns an
//!   [`Evaluation`]: the highest level whose requirements hold, the benefits
//!   it earns, every requirement of every level as met, unmet or unanswered
//!   with the values compared, a scorecard per standard, and an
//!   [`ImprovementPlan`] for the next level, grouped by standard.
//!
//! Data flows one way: YAML text → raw serde structs → validated [`Policy`];
//! YAML (or code) → [`Assessment`]; both → [`Evaluation`], which serializes
//! to JSON and displays as a readable report.
//!
//! Around that core:
//!
//! - **Versions**: every policy has a name and a semver version; a
//!   [`Catalog`] resolves `mmp-qbm ^2` to the newest match, and an
//!   assessment says which versions it answered. [`ImpactReport`] compares
//!   two versions: what changed, which programs gain or lose (with minimal
//!   witnesses), and the semver bump that calls for.
//! - **Time**: evaluated as of a date ([`Evaluator::as_of`], or the
//!   assessment's own date), the [`Membership`] says which level applies on
//!   that day: transitional levels revert, terms need renewal, months in
//!   operation derive from a start date. The caller gives the date.
//! - **Speed**: [`Evaluator::decide`] gives the level and benefits alone, as
//!   a [`Decision`]; an [`Evaluator`] is `Copy + Send + Sync`, so a batch
//!   spreads over the caller's own threads (the `batch` example).
//! - **For authors**: [`PolicySuite`] runs policy tests written in YAML
//!   beside a policy; the `testing` feature exports proptest strategies and
//!   law checks (`qbm::testing`); the `schema` feature, JSON Schemas of the
//!   formats (`qbm::schema`).
//! - **Hostile input**: [`Limits`] bound what the [`Loader`] accepts;
//!   [`Loader::assessment_bytes`] takes an upload as it arrives. Every
//!   error says where and what, and no message grows with the input.
//!
//! ## Quick start
//!
//! ```
//! use qbm::{Answer, Assessment, Policy};
//!
//! // The MMP policy embedded in the crate; `Loader::policy_path` loads your own.
//! let policy = Policy::builtin()?;
//!
//! let program = Assessment::new("Riverside Mentors")
//!     .with_fact("application_submitted", true)
//!     .with_fact("direct_youth_mentoring", true)
//!     .with_fact("formal_program", true)
//!     .with_fact("months_operating", 18)
//!     .with_fact("matches_completed_minimum_cycle", true)
//!     .with_fact("self_assessment", "in_progress")
//!     .with_answer("B.1.1", Answer::Met)
//!     .with_answer("B.3.1", Answer::Number(1.5)); // hours; 2 are needed
//!
//! let result = policy.evaluate(&program)?;
//! let level = result.level.as_ref().map(|l| l.id.as_str());
//! assert_eq!(level, Some("associate_partner"));
//! assert!(result.benefits.iter().any(|b| b.id.as_str() == "key_grants"));
//!
//! // What is missing for Partner, standard by standard.
//! let plan = result.plan.as_ref().expect("Partner is above");
//! assert_eq!(plan.target.id.as_str(), "partner");
//! assert!(plan.standards.iter().any(|s| s.items.iter().any(|g| g.item.as_str() == "B.3.1")));
//!
//! // With options: as of a date, and lean (the level and benefits alone).
//! let as_of: qbm::Date = "2026-12-01".parse()?;
//! let decision = policy.evaluator().as_of(as_of).decide(&program)?;
//! assert_eq!(decision.level.as_ref().map(|l| l.title()), Some("Associate Partner"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Loading
//!
//! One [`Loader`] reads policies, assessments, catalogs and policy test
//! suites, from text, bytes or files. It carries the name errors give the
//! input (a file is named by its path unless told otherwise) and the
//! [`Limits`] it is read within; `str::parse` loads with the defaults.
//!
//! ```
//! use qbm::{Assessment, Limits, Loader, Policy};
//!
//! let policy: Policy = qbm::EMBEDDED[0].yaml().parse()?;
//! assert_eq!(policy.version().to_string(), "1.0.0");
//!
//! let mut limits = Limits::default();
//! limits.max_answers = 2;
//! let uploads = Loader::new().origin("upload.yaml").limits(limits);
//! let err = uploads
//!     .assessment_bytes(b"assessment: {program: Hilltop}\nanswers: {B.1.1: met, B.1.2: met, B.1.3: met}\n")
//!     .unwrap_err();
//! assert_eq!(
//!     err.to_string(),
//!     "upload.yaml:2:11: answers: 3 answers, over the limit of 2 (hint: the limit is `Limits::max_answers`)"
//! );
//!
//! // An assessment inside a service's own request type: deserializing
//! // checks it as the loader does.
//! let a: Assessment = serde_json::from_str(r#"{"assessment": {"program": "Hilltop"}, "answers": {"B.1.1": "met"}}"#)?;
//! assert_eq!(a.answer("B.1.1"), Some(qbm::Answer::Met));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Errors
//!
//! Loading reports every problem at once as [`Diagnostic`]s naming the file,
//! line, column and YAML path, with a hint ("did you mean `partner`?").
//! Evaluation fails only on input the policy cannot use: an answer to an
//! unknown item, an answer of the wrong type, or an assessment made for
//! another policy version. Nothing panics.
//!
//! ## Formats
//!
//! The policy, assessment and suite formats are described, with annotated
//! examples, in the [`guide`] (the README), which also covers membership
//! over time, versions and safe changes, and the [`Limits`] on input (every
//! default is given on its field).

#![forbid(unsafe_code)]
// docs.rs builds on nightly with `--cfg docsrs`: mark feature-gated items.
#![cfg_attr(docsrs, feature(doc_cfg))]

// The layers, in the order they build on each other (a test in
// `tests/it/layers.rs` keeps every import pointing down this list).
mod base;
mod eval;
mod load;
mod model;
mod report;
mod tools;

pub use base::date::{Date, DateError, Period};
pub use base::error::{Diagnostic, DiagnosticKind, Diagnostics, EvalError, LoadError, Position};
pub use base::id::{BenefitId, FactId, ItemId, KindId, LevelId, SetId, StandardId};
pub use base::limits::Limits;
pub use base::value::Value;
pub use eval::Evaluator;
pub use load::loader::{EMBEDDED, Embedded, Loader};
pub use model::assessment::{Answer, Assessment, HeldMembership, PastLevel};
pub use model::policy::{
    Benefit, Better, Discount, Fact, FactType, Grant, Item, ItemSet, Kind, Level, LevelRenewal,
    Policy, Quantity, Reentry, Renewal, Standard, Threshold, TimeLimit,
};
pub use model::requirement::{Requirement, Status};
pub use report::evaluation::{
    AnswerState, ConditionGap, Decision, Detail, Evaluation, FactWords, GrantedBenefit,
    ImprovementPlan, ItemGap, KindScore, LevelOutcome, PolicyRef, RequirementOutcome, StandardGaps,
    StandardScore,
};
pub use report::membership::{LevelSummary, Membership, MembershipState, NextDate, ReentryBar};
pub use tools::catalog::{Catalog, CatalogError, Duplicate};
pub use tools::impact::{
    Bump, Change, ChangeKind, DecisionChange, ImpactOptions, ImpactReport, Source, Subject,
};
#[cfg(feature = "schema")]
pub use tools::schema;
pub use tools::suite::{CaseResult, PolicySuite, SuiteResult};
#[cfg(feature = "testing")]
pub use tools::testing;

/// Not part of the API: hooks for the crate's own benches, which may
/// change in any release.
#[doc(hidden)]
pub mod __private {
    /// The exact analysis of `old` against `new` as a DIMACS formula, with
    /// the assumptions of each question it asks.
    pub fn analysis_dimacs(old: &crate::Policy, new: &crate::Policy) -> (String, Vec<Vec<i32>>) {
        crate::tools::exact::questions_dimacs(old, new)
    }
}

/// The README: the policy, assessment and suite formats with annotated
/// examples, membership over time, versions and safe changes, limits.
///
/// This module holds no code; it carries the README into the API docs so a
/// docs.rs reader has the format reference beside the types, and its
/// examples run as doctests.
#[doc = include_str!("../README.md")]
pub mod guide {}
