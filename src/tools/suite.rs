//! Policy tests beside the policy: a YAML file of cases, each an assessment
//! (a file, or facts and answers inline) and what its evaluation must give.
//!
//! ```yaml
//! policy: mmp-qbm          # the policy and versions the suite is for
//! version: ^2
//! cases:
//!   - name: a new grassroots program is an Affiliate
//!     assessment: ../examples/assessments/grassroots-affiliate.yaml
//!     expect:
//!       level: affiliate
//!       benefits: [mentor_referrals, match_activities]   # exactly these
//!   - name: eleven months is too young for Associate Partner
//!     as_of: 2026-11-01
//!     facts: {application_submitted: true, direct_youth_mentoring: true, months_operating: 11}
//!     answers: {B.1.1: met}
//!     expect:
//!       level: affiliate
//!       unmet: []             # the improvement plan's items, exactly
//!       state: active         # the membership state, when dated
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::base::date::Date;
use crate::base::error::{Diagnostic, DiagnosticKind, Diagnostics, LoadError, quote};
use crate::base::limits::Limits;
use crate::base::limits::read_text;
use crate::base::value::Value;
use crate::load::loader::Loader;
use crate::load::raw::{RawAssessment, RawAssessmentHeader};
use crate::load::yaml::{self, SourceMap, index_path, key_path};
use crate::model::assessment::Assessment;
use crate::model::policy::Policy;
use crate::report::evaluation::Evaluation;
use crate::report::membership::MembershipState;
use std::path::Path;

/// A suite of policy tests: cases and what their evaluations must give.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSuite {
    /// The name of the policy the suite tests.
    policy: String,
    /// The versions it tests, as a semver requirement such as ^2.
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    #[serde(default)]
    version: Option<semver::VersionReq>,
    /// The cases, in order.
    cases: Vec<RawCase>,
}

/// One case: an assessment (a file, or facts and answers inline) and what to expect.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct RawCase {
    /// What the case shows.
    name: String,
    /// An assessment file, relative to the suite's folder.
    #[serde(default)]
    assessment: Option<String>,
    /// The date to evaluate as of, YYYY-MM-DD.
    #[serde(default)]
    as_of: Option<Date>,
    /// Facts inline, by id.
    #[serde(default)]
    facts: BTreeMap<String, Value>,
    /// Answers inline, by item id: met, not_met, in_progress, not_applicable, or a number.
    #[cfg_attr(
        feature = "schema",
        schemars(schema_with = "crate::load::raw::schema::answers")
    )]
    #[serde(default)]
    answers: BTreeMap<String, Value>,
    /// What the evaluation must give.
    expect: RawExpect,
}

/// What an evaluation must give; what is left out is not checked.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct RawExpect {
    /// The level reached: a level id, or `none`.
    level: String,
    /// Exactly these benefits.
    #[serde(default)]
    benefits: Option<Vec<String>>,
    /// Exactly these items in the improvement plan.
    #[serde(default)]
    unmet: Option<Vec<String>>,
    /// The membership state on the date evaluated.
    #[serde(default)]
    state: Option<MembershipState>,
}

/// A suite of policy tests, loaded from YAML.
#[derive(Clone, Debug)]
pub struct PolicySuite {
    origin: String,
    policy: String,
    version: Option<semver::VersionReq>,
    cases: Vec<Case>,
}

#[derive(Clone, Debug)]
struct Case {
    name: String,
    assessment: Assessment,
    expect: RawExpect,
}

/// What one case found.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct CaseResult {
    /// The case's name.
    pub name: String,
    /// What differed from the expectation, or each problem that stopped the
    /// evaluation; empty when the case passed.
    pub failures: Vec<String>,
    /// The evaluation, or the error that stopped it.
    pub outcome: Result<Box<Evaluation>, String>,
}

impl CaseResult {
    /// Whether the case passed.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// What a suite found, case by case.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct SuiteResult {
    /// The suite's file.
    pub origin: String,
    /// The policy and version run against.
    pub policy: String,
    /// Each case, in order.
    pub cases: Vec<CaseResult>,
}

impl SuiteResult {
    /// Whether every case passed.
    pub fn passed(&self) -> bool {
        self.cases.iter().all(CaseResult::passed)
    }

    /// How many cases passed.
    pub fn passed_count(&self) -> usize {
        self.cases.iter().filter(|c| c.passed()).count()
    }
}

impl fmt::Display for SuiteResult {
    /// One line per case; a failing case is followed by what differed and
    /// the evaluation's report, which explains it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} against {}", self.origin, self.policy)?;
        for c in &self.cases {
            writeln!(
                f,
                "  {} {}",
                if c.passed() { "ok  " } else { "FAIL" },
                crate::base::error::escaped(&c.name)
            )?;
            if c.passed() {
                continue;
            }
            for failure in &c.failures {
                writeln!(f, "       - {failure}")?;
            }
            // An error that stopped the evaluation is in the failures.
            if let Ok(e) = &c.outcome {
                for line in e.to_string().lines() {
                    writeln!(f, "       | {line}")?;
                }
            }
        }
        writeln!(
            f,
            "{} of {} cases passed",
            self.passed_count(),
            self.cases.len()
        )
    }
}

impl PolicySuite {
    /// Loads a suite from its text named `origin`, within `limits`;
    /// `read` loads a case's assessment file, named as the suite names it:
    /// the text half of [`Loader::suite_path`](crate::Loader::suite_path).
    fn from_yaml(
        text: &str,
        origin: &str,
        limits: &Limits,
        read: &dyn Fn(&str) -> Result<Assessment, LoadError>,
    ) -> Result<Self, LoadError> {
        let (raw, map) =
            yaml::parse::<RawSuite>(text, origin, limits).map_err(LoadError::Invalid)?;
        let mut cases = Vec::with_capacity(raw.cases.len());
        let mut errors = Vec::new();
        for (i, c) in raw.cases.into_iter().enumerate() {
            let cpath = index_path("cases", i);
            let hint = "say what the case shows, such as `a new program is an Affiliate`";
            if let Some(d) = map.blank(
                &c.name,
                || key_path(&cpath, "name"),
                "case name",
                Some(hint),
            ) {
                errors.push(d);
                continue;
            }
            match load_case(c, &cpath, &map, limits, read) {
                Ok(case) => cases.push(case),
                Err(found) => errors.extend(found),
            }
        }
        if !errors.is_empty() {
            return Err(LoadError::Invalid(Diagnostics(errors)));
        }
        Ok(Self {
            origin: origin.to_owned(),
            policy: raw.policy,
            version: raw.version,
            cases,
        })
    }

    /// The policy name the suite is for.
    pub fn policy(&self) -> &str {
        &self.policy
    }

    /// The versions the suite is for, if it says.
    pub fn version(&self) -> Option<&semver::VersionReq> {
        self.version.as_ref()
    }

    /// How many cases there are.
    pub fn len(&self) -> usize {
        self.cases.len()
    }

    /// Whether the suite has no cases.
    pub fn is_empty(&self) -> bool {
        self.cases.is_empty()
    }

    /// Runs every case against `policy`.
    pub fn run(&self, policy: &Policy) -> SuiteResult {
        let cases = self.cases.iter().map(|c| run_case(policy, c)).collect();
        SuiteResult {
            origin: self.origin.clone(),
            policy: policy.to_string(),
            cases,
        }
    }
}

/// One case of a suite, at `cpath` in it: its assessment loaded (from the
/// file it names, read by `read`, or inline), or every problem found.
fn load_case(
    c: RawCase,
    cpath: &str,
    map: &SourceMap,
    limits: &Limits,
    read: &dyn Fn(&str) -> Result<Assessment, LoadError>,
) -> Result<Case, Vec<Diagnostic>> {
    let loaded = match &c.assessment {
        Some(file) => {
            if !c.facts.is_empty() || !c.answers.is_empty() {
                return Err(vec![map.diag(
                    DiagnosticKind::InvalidValue,
                    cpath,
                    "a case gives an assessment file or facts and answers, not both",
                    None,
                )]);
            }
            read(file).map(|a| match c.as_of {
                Some(d) => a.dated(d),
                None => a,
            })
        }
        // Read where the case is, so that its diagnostics name the
        // suite's lines and the case's paths.
        None => {
            let raw = RawAssessment {
                assessment: RawAssessmentHeader {
                    program: c.name.clone(),
                    as_of: c.as_of,
                    membership: None,
                    policy: None,
                    version: None,
                },
                facts: c.facts,
                answers: c.answers,
            };
            Assessment::from_raw(raw, map.under(cpath), limits)
        }
    };
    match loaded {
        Ok(assessment) => Ok(Case {
            name: c.name,
            assessment,
            expect: c.expect,
        }),
        // Each problem on its own line, where it is: in the suite for
        // an inline case, in the assessment file for a file's.
        Err(LoadError::Invalid(diagnostics)) => {
            let mut errors = Vec::new();
            if c.assessment.is_some() {
                errors.push(map.diag(
                    DiagnosticKind::InvalidValue,
                    key_path(cpath, "assessment"),
                    format!("case {}: its assessment file does not load", quote(&c.name)),
                    None,
                ));
            }
            errors.extend(diagnostics.0);
            Err(errors)
        }
        Err(e) => Err(vec![map.diag(
            DiagnosticKind::InvalidValue,
            key_path(cpath, "assessment"),
            format!("case {}: {e}", quote(&c.name)),
            None,
        )]),
    }
}

fn set(list: &[String]) -> BTreeSet<&str> {
    list.iter().map(String::as_str).collect()
}

fn differences(what: &str, want: &BTreeSet<&str>, got: &BTreeSet<&str>) -> Option<String> {
    let missing: Vec<&str> = want.difference(got).copied().collect();
    let extra: Vec<&str> = got.difference(want).copied().collect();
    if missing.is_empty() && extra.is_empty() {
        return None;
    }
    let mut parts = Vec::new();
    if !missing.is_empty() {
        parts.push(format!("expected but missing: {}", missing.join(", ")));
    }
    if !extra.is_empty() {
        parts.push(format!("not expected: {}", extra.join(", ")));
    }
    Some(format!("{what}: {}", parts.join("; ")))
}

fn run_case(policy: &Policy, case: &Case) -> CaseResult {
    // Suites test rules, not the version a sample file names.
    let evaluation = match policy.evaluate(&case.assessment) {
        Ok(e) => e,
        Err(e) => {
            // One failure per problem, each on a line of its own.
            let shown = e.to_string();
            let mut failures: Vec<String> = shown
                .lines()
                .map(|problem| format!("evaluation failed: {problem}"))
                .collect();
            if failures.is_empty() {
                failures.push("evaluation failed".into());
            }
            return CaseResult {
                name: case.name.clone(),
                failures,
                outcome: Err(shown),
            };
        }
    };
    let mut failures = Vec::new();
    let got_level = evaluation.level.as_ref().map_or("none", |l| l.id.as_str());
    if got_level != case.expect.level {
        failures.push(format!(
            "level: expected `{}`, got `{got_level}`",
            case.expect.level
        ));
    }
    if let Some(want) = &case.expect.benefits {
        let got: Vec<String> = evaluation
            .benefits
            .iter()
            .map(|b| b.id.to_string())
            .collect();
        failures.extend(differences("benefits", &set(want), &set(&got)));
    }
    if let Some(want) = &case.expect.unmet {
        let got: Vec<String> = evaluation
            .plan
            .iter()
            .flat_map(|p| {
                p.standards
                    .iter()
                    .flat_map(|s| s.items.iter().map(|g| g.item.to_string()))
            })
            .collect();
        failures.extend(differences("unmet items", &set(want), &set(&got)));
    }
    if let Some(want) = case.expect.state {
        let got = evaluation.membership.as_ref().map(|m| m.state);
        if got != Some(want) {
            failures.push(format!("membership state: expected {want:?}, got {got:?}"));
        }
    }
    CaseResult {
        name: case.name.clone(),
        failures,
        outcome: Ok(Box::new(evaluation)),
    }
}

/// Loading it (the rest of the [`Loader`] is in `load`).
impl Loader {
    /// Loads a policy test suite from YAML text; the assessment files its
    /// cases name are read relative to the working directory, within the
    /// same limits, each named by its path.
    ///
    /// # Errors
    ///
    /// As [`Loader::suite_path`], but for reading the suite itself.
    ///
    /// # Example
    ///
    /// ```
    /// let suite = qbm::Loader::new().suite_str(
    ///     "policy: mmp-qbm\ncases:\n  - name: an empty program is no member\n    expect: {level: none}\n",
    /// )?;
    /// assert!(suite.run(&qbm::Policy::builtin()?).passed());
    /// # Ok::<(), qbm::LoadError>(())
    /// ```
    pub fn suite_str(&self, text: &str) -> Result<PolicySuite, LoadError> {
        self.suite(text, self.text_origin(), Path::new(""))
    }

    /// Loads a policy test suite file; its assessment files are read
    /// relative to the suite's folder, within the same limits, each named
    /// by its path.
    ///
    /// A case may name any file the process can read: `../` and absolute
    /// paths are followed, as a shared folder of assessments needs. Load
    /// suites you trust, not ones uploaded by others.
    ///
    /// # Errors
    ///
    /// [`LoadError`] for a suite that is not valid YAML of this form, a case
    /// with a blank name, or an assessment file or inline assessment that
    /// does not load.
    pub fn suite_path(&self, path: impl AsRef<Path>) -> Result<PolicySuite, LoadError> {
        let path = path.as_ref();
        let origin = self.path_origin(path);
        let text = read_text(path, &origin, self.read_limits())?;
        self.suite(&text, &origin, path.parent().unwrap_or(Path::new("")))
    }

    /// A suite from its text, its assessment files read from `folder`.
    fn suite(&self, text: &str, origin: &str, folder: &Path) -> Result<PolicySuite, LoadError> {
        let each = self.unnamed();
        PolicySuite::from_yaml(text, origin, self.read_limits(), &|file| {
            each.assessment_path(folder.join(file))
        })
    }
}
