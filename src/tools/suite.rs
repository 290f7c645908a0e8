//! Policy tests beside the policy: a YAML file of cases, each an assessment
//! (a file, or facts, answers and a membership inline) and what its
//! evaluation must give.
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
//!     membership: {level: affiliate, granted_on: 2026-03-01}
//!     facts: {application_submitted: true, direct_youth_mentoring: true, months_operating: 11}
//!     answers: {B.1.1: met}
//!     expect:
//!       level: affiliate
//!       unmet: []             # the improvement plan's items, exactly
//!       state: active         # the membership state, when dated
//! ```
//!
//! Before it runs, a suite is checked against the policy
//! ([`PolicySuite::check`]): every level, benefit, item, fact and answer it
//! names that the policy does not have is reported, with where it is and
//! the nearest id the policy has.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::base::date::Date;
use crate::base::error::{
    Diagnostic, DiagnosticKind, Diagnostics, EvalError, Found, LoadError, escaped, quote,
};
use crate::base::limits::Limits;
use crate::base::limits::read_text;
use crate::base::suggest::did_you_mean_or_list;
use crate::base::value::Value;
use crate::load::loader::Loader;
use crate::load::raw::{RawAssessment, RawAssessmentHeader, RawHeldMembership};
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

/// One case: an assessment (a file, or facts, answers and a membership
/// inline) and what to expect.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct RawCase {
    /// What the case shows.
    name: String,
    /// An assessment file, relative to the suite's folder; the case then
    /// gives no facts, answers or membership of its own.
    #[serde(default)]
    assessment: Option<String>,
    /// The date to evaluate as of, YYYY-MM-DD; for an assessment file, in
    /// place of the file's own date.
    #[serde(default)]
    as_of: Option<Date>,
    /// The level the program holds and since when, as an assessment's
    /// `membership` says it, for an inline case only (an assessment file
    /// says its own). Without it the program holds no level: a level it
    /// qualifies for on `as_of` counts as granted that day.
    #[serde(default)]
    membership: Option<RawHeldMembership>,
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

/// What an evaluation must give; what is left out is not checked. Every id
/// is checked against the policy before the case runs.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct RawExpect {
    /// The level that applies: a level id of the policy, or `none`.
    level: String,
    /// Exactly these benefits, by id.
    #[serde(default)]
    benefits: Option<Vec<String>>,
    /// Exactly these items in the improvement plan, by id.
    #[serde(default)]
    unmet: Option<Vec<String>>,
    /// The membership state on the date evaluated: `not_member`, `active`,
    /// `due_for_renewal` or `expired`; the case needs a date (its `as_of`,
    /// or its assessment file's).
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
    /// Where each node of the suite is, for the problems its check finds.
    map: SourceMap,
}

#[derive(Clone, Debug)]
struct Case {
    name: String,
    /// Its path in the suite, `cases[i]`.
    path: String,
    /// Whether its assessment is a file (else inline).
    filed: bool,
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
    /// What the suite names that the policy does not have, found by
    /// [`PolicySuite::check`] before any case ran; when there is any, no
    /// case was run and `cases` is empty.
    pub problems: Vec<Diagnostic>,
    /// Each case, in order.
    pub cases: Vec<CaseResult>,
}

impl SuiteResult {
    /// Whether the suite fitted the policy and every case passed.
    pub fn passed(&self) -> bool {
        self.problems.is_empty() && self.cases.iter().all(CaseResult::passed)
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
        writeln!(f, "{} against {}", escaped(&self.origin), self.policy)?;
        if !self.problems.is_empty() {
            for problem in &self.problems {
                writeln!(f, "{problem}")?;
            }
            let n = self.problems.len();
            let s = if n == 1 { "" } else { "s" };
            return writeln!(
                f,
                "the suite does not fit {}: {n} problem{s}, no case run",
                self.policy
            );
        }
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
    /// the text half of [`Loader::suite_path`](crate::Loader::suite_path);
    /// `check` (such as [`PolicySuite::check`] against its policy) runs on
    /// what was read.
    fn from_yaml(
        text: &str,
        origin: &str,
        limits: &Limits,
        read: &dyn Fn(&str) -> Result<Assessment, LoadError>,
        check: &mut dyn FnMut(&PolicySuite) -> Result<(), EvalError>,
    ) -> Result<Self, LoadError> {
        let (raw, map, unread) =
            yaml::parse_all::<RawSuite>(text, origin, limits).map_err(LoadError::Invalid)?;
        // Every problem in one run: the cases' own and the check's with the
        // unknown fields and wrong values found on the way.
        let built = Self::build(raw, map, origin, limits, read).and_then(|s| match check(&s) {
            Ok(()) => Ok(s),
            Err(e) => Err(LoadError::Invalid(Diagnostics(e.diagnostics().to_vec()))),
        });
        unread.finish(built)
    }

    /// The suite from its raw form: each case checked and loaded.
    fn build(
        raw: RawSuite,
        map: SourceMap,
        origin: &str,
        limits: &Limits,
        read: &dyn Fn(&str) -> Result<Assessment, LoadError>,
    ) -> Result<Self, LoadError> {
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
            map,
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

    /// Checks the suite against `policy` without running a case: that it
    /// is the policy and a version the suite names, and that every level,
    /// benefit and item its expectations name, and every fact, answer and
    /// level held its assessments give, is one the policy has and fits it.
    ///
    /// # Errors
    ///
    /// [`EvalError::Invalid`] listing every problem, each where it is (in
    /// the suite, or in a case's assessment file after a line naming the
    /// case) with the nearest id the policy has, within the suite's
    /// `Limits::max_diagnostics` and `Limits::max_suggestions`.
    ///
    /// # Example
    ///
    /// ```
    /// let suite = qbm::Loader::new().suite_str(
    ///     "policy: mmp-qbm\ncases:\n  - name: vouchers\n    expect: {level: none, benefits: [training_vochers]}\n",
    /// )?;
    /// let err = suite.check(&qbm::Policy::builtin()?).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "<input>:4:38: cases[0].expect.benefits[0]: unknown benefit `training_vochers` \
    ///      (hint: did you mean `training_vouchers`?)"
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn check(&self, policy: &Policy) -> Result<(), EvalError> {
        let mut found = self.map.found(false);
        if let Some(d) = self.target_problem(policy) {
            found.push(d);
        } else {
            for case in &self.cases {
                let problems = self.case_problems(policy, case, &mut found);
                found.extend(problems);
            }
        }
        if found.is_empty() {
            Ok(())
        } else {
            Err(EvalError::Invalid(found.finish()))
        }
    }

    /// Runs every case against `policy`, once the suite passes its
    /// [`check`](Self::check): else the result lists what the check found
    /// and no case is run.
    pub fn run(&self, policy: &Policy) -> SuiteResult {
        let (problems, cases) = match self.check(policy) {
            Err(e) => (e.diagnostics().to_vec(), Vec::new()),
            Ok(()) => (
                Vec::new(),
                self.cases.iter().map(|c| run_case(policy, c)).collect(),
            ),
        };
        SuiteResult {
            origin: self.origin.clone(),
            policy: policy.to_string(),
            problems,
            cases,
        }
    }

    /// The problem with running the suite against `policy` at all: another
    /// policy, or a version the suite's requirement does not allow.
    fn target_problem(&self, policy: &Policy) -> Option<Diagnostic> {
        let diag = |path: &str, message: String, hint: String| {
            Some(
                self.map
                    .diag(DiagnosticKind::PolicyMismatch, path, message, Some(hint)),
            )
        };
        if policy.name() != self.policy {
            return diag(
                "policy",
                format!(
                    "the suite tests policy {}, not `{}`",
                    quote(&self.policy),
                    policy.name()
                ),
                format!("run it against {}", quote(&self.policy)),
            );
        }
        let req = self.version.as_ref()?;
        if req.matches(policy.version()) {
            return None;
        }
        diag(
            "version",
            format!(
                "the suite tests `{}` versions {}, not {}",
                policy.name(),
                quote(&req.to_string()),
                policy.version()
            ),
            "run it against a version its `version` allows, or change `version`".into(),
        )
    }

    /// What `case` names that `policy` does not have (or cannot take), in
    /// the order of the suite (a file's problems after a line naming it);
    /// `found` keeps the budget of "did you mean" searches.
    fn case_problems(&self, policy: &Policy, case: &Case, found: &mut Found) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        if let Err(e) = policy.evaluator().decide(&case.assessment) {
            if case.filed {
                problems.push(self.map.diag(
                    DiagnosticKind::UnknownReference,
                    key_path(&case.path, "assessment"),
                    format!(
                        "case {}: its assessment file does not fit {policy}",
                        quote(&case.name)
                    ),
                    None,
                ));
            }
            problems.extend(e.diagnostics().iter().cloned());
        }
        let expect = key_path(&case.path, "expect");
        let mut unknown = |path: String, what: &str, id: &str, known: Vec<&str>| {
            let hint = found
                .may_suggest()
                .then(|| did_you_mean_or_list(id, &format!("{what}s"), known))
                .flatten();
            problems.push(self.map.diag(
                DiagnosticKind::UnknownReference,
                path,
                format!("unknown {what} {}", quote(id)),
                hint,
            ));
        };
        let e = &case.expect;
        if e.level != "none" && policy.level(&e.level).is_none() {
            let known = policy.levels().iter().map(|l| l.id().as_str());
            let known = known.chain(["none"]).collect();
            unknown(key_path(&expect, "level"), "level", &e.level, known);
        }
        let benefits = || policy.benefits().iter().map(|b| b.id().as_str());
        for (j, id) in e.benefits.iter().flatten().enumerate() {
            if !benefits().any(|b| b == id) {
                let path = index_path(&key_path(&expect, "benefits"), j);
                unknown(path, "benefit", id, benefits().collect());
            }
        }
        for (j, id) in e.unmet.iter().flatten().enumerate() {
            if policy.item(id).is_none() {
                let known = policy.items().iter().map(|i| i.id().as_str()).collect();
                unknown(
                    index_path(&key_path(&expect, "unmet"), j),
                    "item",
                    id,
                    known,
                );
            }
        }
        if !case.filed {
            // Facts and answers, then expectations, as the suite has them.
            problems.sort_by_key(|d| d.position);
        }
        problems
    }
}

/// What a case at `cpath` gives that cannot go together, if anything: an
/// assessment file with facts, answers or a membership of its own.
fn refused(c: &RawCase, cpath: &str, map: &SourceMap) -> Option<Diagnostic> {
    c.assessment.as_ref()?;
    if !c.facts.is_empty() || !c.answers.is_empty() {
        return Some(map.diag(
            DiagnosticKind::InvalidValue,
            cpath,
            "a case gives an assessment file or facts and answers, not both",
            None,
        ));
    }
    // The file is the program's record, what it holds included: a case
    // that rewrote it would test a program no file describes.
    c.membership.as_ref().map(|_| {
        map.diag(
            DiagnosticKind::InvalidValue,
            key_path(cpath, "membership"),
            "a case with an assessment file takes the membership the file records, not one of its own",
            Some("write the membership in the file's `assessment.membership`, or give the case's facts and answers inline".into()),
        )
    })
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
    if let Some(d) = refused(&c, cpath, map) {
        return Err(vec![d]);
    }
    let loaded = match &c.assessment {
        Some(file) => read(file).map(|a| match c.as_of {
            Some(d) => a.dated(d),
            None => a,
        }),
        // Read where the case is, so that its diagnostics name the
        // suite's lines and the case's paths.
        None => {
            let raw = RawAssessment {
                assessment: RawAssessmentHeader {
                    program: c.name.clone(),
                    as_of: c.as_of,
                    membership: c.membership,
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
        Ok(assessment) if c.expect.state.is_some() && assessment.as_of.is_none() => {
            Err(vec![map.diag(
                DiagnosticKind::InvalidValue,
                key_path(cpath, "expect.state"),
                "a membership state needs a date, and the case has none",
                Some("give the case an `as_of`".into()),
            )])
        }
        Ok(assessment) => Ok(Case {
            name: c.name,
            path: cpath.to_owned(),
            filed: c.assessment.is_some(),
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

/// A thing of the policy as failure text names it: `Title (id)`.
fn named(title: Option<&str>, id: &str) -> String {
    match title {
        Some(t) => format!("{t} ({id})"),
        None => format!("`{id}`"),
    }
}

/// What differs between the ids wanted and the ids got, each named by
/// `title`: `benefits: expected but missing: Training vouchers
/// (training_vouchers); not expected: ...`.
fn differences<'a>(
    what: &str,
    want: impl IntoIterator<Item = &'a str>,
    got: impl IntoIterator<Item = &'a str>,
    title: impl Fn(&str) -> Option<&'a str>,
) -> Option<String> {
    let want: BTreeSet<&str> = want.into_iter().collect();
    let got: BTreeSet<&str> = got.into_iter().collect();
    let list = |ids: std::collections::btree_set::Difference<'_, &str>| {
        let names: Vec<String> = ids.map(|id| named(title(id), id)).collect();
        names.join(", ")
    };
    let mut parts = Vec::new();
    if want.difference(&got).next().is_some() {
        parts.push(format!(
            "expected but missing: {}",
            list(want.difference(&got))
        ));
    }
    if got.difference(&want).next().is_some() {
        parts.push(format!("not expected: {}", list(got.difference(&want))));
    }
    (!parts.is_empty()).then(|| format!("{what}: {}", parts.join("; ")))
}

/// The level a case expects or got, in the policy's words: `Partner
/// (partner)`, or `no level`.
fn level_words(policy: &Policy, id: Option<&str>) -> String {
    match id {
        Some(id) => named(policy.level(id).map(crate::model::policy::Level::title), id),
        None => "no level".into(),
    }
}

fn run_case(policy: &Policy, case: &Case) -> CaseResult {
    // The check has bound every case; an error here is one it missed.
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
    CaseResult {
        name: case.name.clone(),
        failures: failures(policy, case, &evaluation),
        outcome: Ok(Box::new(evaluation)),
    }
}

/// What in `evaluation` differs from what `case` expects, in the policy's
/// words.
fn failures(policy: &Policy, case: &Case, evaluation: &Evaluation) -> Vec<String> {
    let mut failures = Vec::new();
    let want = case.expect.level.as_str();
    let want = (want != "none").then_some(want);
    let got = evaluation.level.as_ref().map(|l| l.id.as_str());
    if got != want {
        let wanted = match want {
            Some(_) => format!("level {}", level_words(policy, want)),
            None => "no level".into(),
        };
        failures.push(format!(
            "expected {wanted}, got {}",
            level_words(policy, got)
        ));
    }
    if let Some(want) = &case.expect.benefits {
        let title = |id: &str| {
            policy
                .benefits()
                .iter()
                .find(|b| b.id().as_str() == id)
                .map(crate::model::policy::Benefit::title)
        };
        let got = evaluation.benefits.iter().map(|b| b.id.as_str());
        failures.extend(differences(
            "benefits",
            want.iter().map(String::as_str),
            got,
            title,
        ));
    }
    if let Some(want) = &case.expect.unmet {
        let got = evaluation.plan.iter().flat_map(|p| {
            p.standards
                .iter()
                .flat_map(|s| s.items.iter().map(|g| g.item.as_str()))
        });
        let title = |id: &str| policy.item(id).map(crate::model::policy::Item::title);
        failures.extend(differences(
            "unmet items",
            want.iter().map(String::as_str),
            got,
            title,
        ));
    }
    if let Some(want) = case.expect.state {
        let got = evaluation.membership.as_ref().map(|m| m.state);
        if got != Some(want) {
            let got = got.map_or(
                "no membership state (the case is not dated)",
                MembershipState::words,
            );
            let mut line = format!("expected state {}, got {got}", want.words());
            if let (None, Some(as_of)) = (&case.assessment.membership, case.assessment.as_of) {
                line.push_str(&format!(
                    " (no membership is given: the program holds no level, \
                     and a level it qualifies for counts as granted on {as_of})"
                ));
            }
            failures.push(line);
        }
    }
    failures
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
        self.suite_path_checked(path, |_| Ok(()))
    }

    /// [`Loader::suite_path`], with `check` run on the suite read (such as
    /// [`PolicySuite::check`] against the policy it names), so that one run
    /// reports the suite's own problems and the check's, by position. It
    /// runs on what was read once unknown fields and wrong values were left
    /// out, and not when a case does not load.
    ///
    /// # Errors
    ///
    /// As [`Loader::suite_path`], with the check's problems among them.
    pub fn suite_path_checked(
        &self,
        path: impl AsRef<Path>,
        check: impl FnOnce(&PolicySuite) -> Result<(), EvalError>,
    ) -> Result<PolicySuite, LoadError> {
        let path = path.as_ref();
        let origin = self.path_origin(path);
        let text = read_text(path, &origin, self.read_limits())?;
        let folder = path.parent().unwrap_or(Path::new(""));
        self.suite_checked(&text, &origin, folder, check)
    }

    /// A suite from its text, its assessment files read from `folder`.
    fn suite(&self, text: &str, origin: &str, folder: &Path) -> Result<PolicySuite, LoadError> {
        self.suite_checked(text, origin, folder, |_| Ok(()))
    }

    /// [`Loader::suite`], checked by `check`.
    fn suite_checked(
        &self,
        text: &str,
        origin: &str,
        folder: &Path,
        check: impl FnOnce(&PolicySuite) -> Result<(), EvalError>,
    ) -> Result<PolicySuite, LoadError> {
        let each = self.unnamed();
        let mut once = Some(check);
        PolicySuite::from_yaml(
            text,
            origin,
            self.read_limits(),
            &|file| each.assessment_path(folder.join(file)),
            &mut |s| once.take().map_or(Ok(()), |c| c(s)),
        )
    }
}
