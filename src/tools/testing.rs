//! A proptest toolkit for policy authors (feature `testing`): strategies that
//! generate valid assessments for any policy, and checks of the laws every
//! policy should obey.
//!
//! ```
//! use qbm::testing::{Law, check_laws};
//!
//! let policy = qbm::Policy::builtin()?;
//! // In an author's own test: every law, 64 generated cases each.
//! check_laws(&policy, 64).map_err(|violation| violation.to_string())?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A failing law explains itself: the minimal counterexample (as YAML that
//! loads with [`Loader::assessment_str`](crate::Loader::assessment_str)) and both evaluations.

use std::fmt;

use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};

use crate::base::date::{Date, Period};
use crate::model::assessment::Assessment;
use crate::model::policy::{Grant, Policy};
use crate::report::evaluation::Evaluation;
use crate::report::membership::MembershipState;
use crate::tools::space::{Space, goodness};

/// One point of a policy's answer space: an option index per item, then per fact.
fn choices(space: &Space) -> BoxedStrategy<Vec<usize>> {
    let mut dims: Vec<BoxedStrategy<usize>> = Vec::new();
    for item in &space.items {
        let n = item.options.len();
        // Smaller indices shrink toward "unanswered"; the best answer is
        // weighted so that high levels are reached often.
        dims.push(prop_oneof![1 => 0..n, 3 => Just(item.best)].boxed());
    }
    for fact in &space.facts {
        let n = fact.options.len();
        if fact.favored.is_empty() {
            dims.push((0..n).boxed());
        } else {
            dims.push(prop_oneof![1 => 0..n, 3 => select(fact.favored.clone())].boxed());
        }
    }
    dims.boxed()
}

/// Valid assessments for `policy`: every answer kind, not applicable where
/// allowed, unanswered items, facts across their values and at and next to
/// every number a requirement or threshold compares them with.
///
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
///
/// let policy = qbm::Policy::builtin()?;
/// let mut runner = TestRunner::deterministic();
/// let tree = qbm::testing::assessments(&policy).new_tree(&mut runner).map_err(|r| r.to_string())?;
/// let assessment = tree.current();
/// assert!(policy.evaluate(&assessment).is_ok());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn assessments(policy: &Policy) -> BoxedStrategy<Assessment> {
    let space = Space::of(&[policy]);
    // Seeds: for every level (and for no level), a smallest program the
    // solver finds reaching it; each case starts from one and changes up to
    // three answers or facts, so that cases sit at, just above and just
    // below every level's requirements. A fifth are drawn uniformly, for
    // what lies between.
    let mut seeds = crate::tools::exact::laws::level_seeds(policy);
    // And the program that meets the most, which variations rarely move
    // off the top level.
    // It is drawn as often as two levels' seeds, so that the top level
    // (the one random programs never reach) is a good share of the cases.
    let top = space.build("generated", &space.top());
    seeds.push(top.clone());
    seeds.push(top);
    let uniform = choices(&space);
    let space2 = std::sync::Arc::clone(&space);
    let uniform = uniform.prop_map(move |c| space2.build("generated", &c));
    if seeds.is_empty() {
        return uniform.boxed();
    }
    let dims = space.dims();
    let varied = (
        select(seeds),
        // Half the cases are a seed as it is (at a level), half change one
        // or two answers or facts (just below, or beside, it).
        prop_oneof![
            1 => Just(Vec::new()),
            1 => prop::collection::vec((any::<Index>(), any::<Index>()), 1..=2),
        ],
    )
        .prop_map(move |(seed, changes)| {
            let mut a = seed;
            for (dim, option) in changes {
                vary(&space, &dims, &mut a, dim, option);
            }
            a
        });
    prop_oneof![4 => varied, 1 => uniform].boxed()
}

/// Sets one answer or fact of `a` to one of the options the space offers.
fn vary(space: &Space, dims: &[usize], a: &mut Assessment, dim: Index, option: Index) {
    if dims.is_empty() {
        return;
    }
    let at = dim.index(dims.len());
    if let Some(item) = space.items.get(at) {
        match item.options.get(option.index(item.options.len().max(1))) {
            Some(Some(answer)) => a.set_answer(item.id.as_str(), *answer),
            _ => {
                a.clear_answer(item.id.as_str());
            }
        }
    } else if let Some(fact) = space.facts.get(at - space.items.len()) {
        match fact.options.get(option.index(fact.options.len().max(1))) {
            Some(Some(v)) => a.set_fact(fact.id.as_str(), v.clone()),
            _ => {
                a.clear_fact(fact.id.as_str());
            }
        }
    }
}

/// An assessment and the same assessment with one answer improved (from
/// unanswered, not met or in progress toward met, or to a larger number).
/// Not-applicable answers are neither improved nor improved to.
pub fn improvements(policy: &Policy) -> BoxedStrategy<(Assessment, Assessment)> {
    let space = Space::of(&[policy]);
    (choices(&space), any::<Index>(), any::<Index>())
        .prop_map(move |(c, i, j)| {
            let before = space.build("generated", &c);
            let after = improve(&space, &c, i, j)
                .map_or_else(|| before.clone(), |c| space.build("generated", &c));
            (before, after)
        })
        .boxed()
}

/// The choice with one item's answer improved, if that item can be.
fn improve(space: &Space, c: &[usize], i: Index, j: Index) -> Option<Vec<usize>> {
    if space.items.is_empty() {
        return None;
    }
    let at = i.index(space.items.len());
    let item = space.items.get(at)?;
    let now = goodness(*item.options.get(*c.get(at)?)?)?;
    let better: Vec<usize> = (0..item.options.len())
        .filter(|&o| {
            item.options
                .get(o)
                .and_then(|a| goodness(*a))
                .is_some_and(|g| g > now)
        })
        .collect();
    if better.is_empty() {
        return None;
    }
    let mut out = c.to_vec();
    *out.get_mut(at)? = *better.get(j.index(better.len()))?;
    Some(out)
}

/// A law every policy should obey.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Law {
    /// Evaluating the same answers gives the same result, whatever order they were given in.
    Deterministic,
    /// Improving any answer, or a fact in the direction the policy declares
    /// for it (`better:`), never lowers the level nor removes a benefit.
    /// Decided over every assessment by a SAT solver.
    Monotone,
    /// A program at a level meets the requirements of every level below it.
    /// Decided over every assessment by a SAT solver.
    LevelsNested,
    /// Reaching a higher level never loses a benefit that a level below it
    /// grants. Decided over every assessment by a SAT solver.
    BenefitsNested,
    /// The lean decision ([`Evaluator::decide`](crate::Evaluator::decide))
    /// and the full evaluation agree on level and benefits, and the benefits
    /// granted are exactly those whose levels include the level reached,
    /// with priority from the level the policy names. Checked by sampling.
    BenefitsByLevel,
    /// Writing the policy back to YAML and loading it again gives the same policy.
    RoundTrip,
    /// A later as-of date never extends a recorded term: the end of the term
    /// and the date a transitional level reverts stay put or come sooner,
    /// and an expired membership never becomes current (active or due for
    /// renewal) again; it may become "not a member" when the answers
    /// qualify for no level on the later date, which gives nothing back.
    /// A recorded term is that of a level held: without one, a level
    /// qualified for is a new grant, counted from the as-of date and
    /// reported so. Decided over every assessment holding a level and every
    /// two dates by a SAT solver, in what the encoding sees of dates (a
    /// term ended or a level reverted as of the first date, and not as of
    /// the later one); then checked by sampling, which compares the dates
    /// themselves, as a check of the proof.
    TermsNeverExtend,
}

impl Law {
    /// Every law.
    pub const ALL: [Law; 7] = [
        Law::Deterministic,
        Law::Monotone,
        Law::LevelsNested,
        Law::BenefitsNested,
        Law::BenefitsByLevel,
        Law::RoundTrip,
        Law::TermsNeverExtend,
    ];
}

impl fmt::Display for Law {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Law::Deterministic => "evaluation is deterministic and independent of answer order",
            Law::Monotone => "improving an answer never lowers the level or removes a benefit",
            Law::LevelsNested => "a program at a level meets the requirements of every level below",
            Law::BenefitsNested => "reaching a higher level never loses a benefit of a level below",
            Law::BenefitsByLevel => "the lean and full evaluations agree, and the benefits are exactly those of the level reached",
            Law::RoundTrip => "the policy written back to YAML loads to the same policy",
            Law::TermsNeverExtend => "a later as-of date never extends a recorded term",
        })
    }
}

/// A law that does not hold, with the minimal counterexample found.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct LawViolation {
    /// The law.
    pub law: Law,
    /// The policy, as `name version`.
    pub policy: String,
    /// What went wrong.
    pub message: String,
    /// The minimal assessment that breaks the law.
    pub counterexample: Assessment,
    /// For [`Law::Monotone`], the improved assessment.
    pub improved: Option<Assessment>,
    /// The evaluation of the counterexample.
    pub before: Box<Evaluation>,
    /// The second evaluation compared (improved, repeated or reloaded), where there is one.
    pub after: Option<Box<Evaluation>>,
}

impl std::error::Error for LawViolation {}

impl fmt::Display for LawViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let summary = |e: &Evaluation| {
            let level = e
                .level
                .as_ref()
                .map_or("no level".to_owned(), |l| l.id.to_string());
            let benefits: Vec<&str> = e.benefits.iter().map(|b| b.id.as_str()).collect();
            format!("{level}; benefits [{}]", benefits.join(", "))
        };
        writeln!(f, "law broken in {}: {}", self.policy, self.law)?;
        writeln!(f, "{}", self.message)?;
        writeln!(f, "minimal counterexample:")?;
        for line in self.counterexample.to_yaml().lines() {
            writeln!(f, "  {line}")?;
        }
        if let Some(improved) = &self.improved {
            let mut changed: Vec<String> = improved
                .answers()
                .filter(|(id, a)| self.counterexample.answer(id.as_str()) != Some(*a))
                .map(|(id, a)| format!("{id} -> {a:?}"))
                .collect();
            changed.extend(
                improved
                    .facts()
                    .filter(|(id, v)| self.counterexample.fact(id.as_str()) != Some(*v))
                    .map(|(id, v)| format!("{id} -> {v}")),
            );
            writeln!(f, "improved: {}", changed.join(", "))?;
        }
        writeln!(f, "evaluation: {}", summary(&self.before))?;
        if let Some(after) = &self.after {
            writeln!(f, "compared with: {}", summary(after))?;
        }
        Ok(())
    }
}

/// How a sampled law is checked: how many cases, from which seed.
///
/// `LawConfig::default()` takes its cases from `PROPTEST_CASES` when set
/// (256 otherwise), as proptest does; a bare number converts to a config
/// with that many cases and the default seed.
///
/// ```
/// let config = qbm::testing::LawConfig::from(64).with_seed(7);
/// assert_eq!(config.cases, 64);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct LawConfig {
    /// Generated cases for a law checked by sampling.
    pub cases: u32,
    /// The seed: the same seed generates the same cases.
    pub seed: u64,
}

impl LawConfig {
    /// The same config with another seed.
    #[must_use]
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
}

impl Default for LawConfig {
    fn default() -> Self {
        let cases = std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|c| c.trim().parse().ok())
            .unwrap_or(256);
        LawConfig {
            cases,
            seed: 0x9e37_79b9_7f4a_7c15,
        }
    }
}

impl From<u32> for LawConfig {
    fn from(cases: u32) -> Self {
        LawConfig {
            cases,
            ..LawConfig::default()
        }
    }
}

fn runner(config: LawConfig) -> TestRunner {
    let proptest_config = Config {
        cases: config.cases,
        failure_persistence: None,
        ..Config::default()
    };
    let mut seed = [0u8; 32];
    for (i, b) in seed.iter_mut().enumerate() {
        *b = config.seed.to_le_bytes().get(i % 8).copied().unwrap_or(0)
            ^ u8::try_from(i).unwrap_or(0);
    }
    TestRunner::new_with_rng(
        proptest_config,
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed),
    )
}

/// What one case of a law found wrong, if anything.
type Finding = Option<String>;

/// Checks one law: [`Law::Monotone`], [`Law::LevelsNested`],
/// [`Law::BenefitsNested`] and [`Law::TermsNeverExtend`] over every
/// assessment, by a SAT solver (a violation comes with the smallest
/// counterexample; a proof of [`Law::TermsNeverExtend`] is then checked by
/// sampling too); the others over `config.cases` generated assessments (a
/// bare number of cases converts to a [`LawConfig`]).
///
/// # Errors
///
/// The violation, with the minimal counterexample: the solver's, or the
/// one proptest shrank to.
pub fn check_law(
    policy: &Policy,
    law: Law,
    config: impl Into<LawConfig>,
) -> Result<(), Box<LawViolation>> {
    let config = config.into();
    if let Some(decided) = decided_by_solver(policy, law) {
        // A proof of the time law is checked by sampling below.
        if law != Law::TermsNeverExtend || decided.is_err() {
            return decided;
        }
    }
    let reloaded = match law {
        Law::RoundTrip => match crate::Loader::new().policy_str(&policy.to_yaml()) {
            Ok(p) => Some(p),
            Err(e) => {
                return Err(unexampled(
                    policy,
                    law,
                    format!("the YAML written does not load: {e}"),
                ));
            }
        },
        _ => None,
    };
    let check = |before: &Assessment, after: &Assessment| {
        check_case(policy, law, reloaded.as_ref(), before, after)
    };
    let strategy = match law {
        Law::TermsNeverExtend => dated_pairs(policy),
        _ => assessments(policy).prop_map(|a| (a.clone(), a)).boxed(),
    };
    let mut run = runner(config);
    let result = run.run(&strategy, |(before, after)| {
        match check(&before, &after).0 {
            Some(message) => Err(TestCaseError::fail(message)),
            None => Ok(()),
        }
    });
    match result {
        Ok(()) => Ok(()),
        Err(TestError::Fail(reason, (before, after))) => {
            let (_, e, other) = check(&before, &after);
            let mut message = reason.message().to_owned();
            if law == Law::TermsNeverExtend {
                message.push_str(
                    " (the solver proved this law: the encoding of dates is wrong, a bug in the analysis)",
                );
            }
            Err(Box::new(LawViolation {
                law,
                policy: policy.to_string(),
                message,
                improved: (law == Law::Monotone).then_some(after),
                counterexample: before,
                before: Box::new(e),
                after: other.map(Box::new),
            }))
        }
        Err(TestError::Abort(reason)) => Err(unexampled(
            policy,
            law,
            format!("the check stopped: {}", reason.message()),
        )),
    }
}

/// A violation found without a counterexample assessment.
fn unexampled(policy: &Policy, law: Law, message: String) -> Box<LawViolation> {
    Box::new(LawViolation {
        law,
        policy: policy.to_string(),
        message,
        counterexample: Assessment::new("none"),
        improved: None,
        before: Box::new(policy.evaluate_projected(&Assessment::new("none"))),
        after: None,
    })
}

/// One case of a sampled law: what it found wrong, the evaluation of
/// `before`, and the second evaluation compared, where there is one.
fn check_case(
    policy: &Policy,
    law: Law,
    reloaded: Option<&Policy>,
    before: &Assessment,
    after: &Assessment,
) -> (Finding, Evaluation, Option<Evaluation>) {
    let e = policy.evaluate_projected(before);
    match law {
        Law::Deterministic => {
            let again = policy.evaluate_projected(&reordered(before));
            let finding = (again != e).then(|| {
                "the same answers, given in another order, evaluate differently".to_owned()
            });
            (finding, e, Some(again))
        }
        // Decided over every assessment by the solver, in `check_law`.
        Law::Monotone | Law::LevelsNested | Law::BenefitsNested => (None, e, None),
        Law::BenefitsByLevel => {
            // Two paths of the evaluator must agree: the lean
            // decision and the full evaluation.
            let lean = policy.evaluator().decide(before);
            let finding = match lean {
                Ok(d) if d.level != e.level || d.benefits != e.benefits => Some(
                    "the lean decision and the full evaluation give different levels or benefits"
                        .to_owned(),
                ),
                _ => benefits_finding(policy, &e),
            };
            (finding, e, None)
        }
        Law::RoundTrip => {
            let again = reloaded.map(|p| p.evaluate_projected(before));
            let finding = (again.as_ref() != Some(&e))
                .then(|| "the reloaded policy evaluates differently".to_owned());
            (finding, e, again)
        }
        Law::TermsNeverExtend => {
            let later = policy.evaluate_projected(after);
            let finding = terms_finding(&e, &later);
            (finding, e, Some(later))
        }
    }
}

/// The same assessment with its answers and facts given in reverse order.
fn reordered(a: &Assessment) -> Assessment {
    let mut reordered = Assessment::new(a.program());
    let answers: Vec<_> = a.answers().collect();
    for (id, x) in answers.into_iter().rev() {
        reordered.set_answer(id.as_str(), x);
    }
    let facts: Vec<_> = a.facts().collect();
    for (id, v) in facts.into_iter().rev() {
        reordered.set_fact(id.as_str(), v.clone());
    }
    reordered
}

/// The same assessment, holding a level, dated twice: the second date no
/// earlier than the first, both after every date in the assessment.
fn dated_pairs(policy: &Policy) -> BoxedStrategy<(Assessment, Assessment)> {
    let space = Space::of(&[policy]);
    let levels: Vec<String> = policy.levels().iter().map(|l| l.id().to_string()).collect();
    let days = |n: u16| Period {
        days: n,
        ..Period::default()
    };
    (
        choices(&space),
        any::<Index>(),
        0u16..2000,
        prop::option::of(0u16..1500),
        0u16..2500,
        0u16..2500,
    )
        .prop_map(move |(c, level, granted, renewed, first, second)| {
            // Every date the space offers is before 2024.
            let base = Date::new(2024, 1, 1).ok();
            let granted = base.and_then(|b| b.add(days(granted)));
            let renewed = granted.zip(renewed).and_then(|(g, r)| g.add(days(r)));
            let start = renewed.or(granted);
            let (d1, d2) = (first.min(second), first.max(second));
            let mut a = space.build("generated", &c);
            if let (Some(g), false) = (granted, levels.is_empty()) {
                let id = levels
                    .get(level.index(levels.len()))
                    .cloned()
                    .unwrap_or_default();
                a = a.holding(id, g, renewed);
            }
            let on = |d: u16| start.and_then(|s| s.add(days(d)));
            let before = match on(d1) {
                Some(d) => a.clone().dated(d),
                None => a.clone(),
            };
            let after = match on(d2) {
                Some(d) => a.dated(d),
                None => a,
            };
            (before, after)
        })
        .boxed()
}

fn terms_finding(earlier: &Evaluation, later: &Evaluation) -> Finding {
    let (Some(m1), Some(m2)) = (&earlier.membership, &later.membership) else {
        return None;
    };
    if let (Some(e1), Some(e2)) = (m1.expires_on, m2.expires_on)
        && e2 > e1
    {
        return Some(format!("the term's end moved from {e1} to {e2}"));
    }
    // A level newly qualified for counts from the as-of date until its grant is recorded.
    if let (Some(r1), Some(r2), false, false) =
        (m1.reverts_on, m2.reverts_on, m1.new_grant, m2.new_grant)
        && r2 > r1
    {
        return Some(format!("the reversion moved from {r1} to {r2}"));
    }
    // Expired is followed by expired, or by no level at all when the
    // answers qualify for none on the later date (a fact counted in months
    // can pass a maximum): that gives nothing back. Only a level applying
    // again, active or due for renewal, revives the ended term.
    let current = matches!(
        m2.state,
        MembershipState::Active | MembershipState::DueForRenewal
    );
    (m1.state == MembershipState::Expired && current)
        .then(|| "an expired membership became current again".to_owned())
}

fn benefits_finding(policy: &Policy, e: &Evaluation) -> Finding {
    let reached = e.level.as_ref();
    for b in policy.benefits() {
        let due = reached.is_some_and(|l| match b.grant() {
            Grant::AtLeast(min) => policy
                .level(min.as_str())
                .is_some_and(|m| l.rank >= m.rank()),
            Grant::Levels(list) => list.contains(&l.id),
        });
        let granted = e.benefits.iter().find(|g| &g.id == b.id());
        if due != granted.is_some() {
            return Some(format!(
                "benefit `{}` is {}granted but {}due",
                b.id(),
                if due { "not " } else { "" },
                if due { "" } else { "not " }
            ));
        }
        if let (Some(g), Some(l)) = (granted, reached) {
            let priority_due = b
                .priority_from
                .as_ref()
                .is_some_and(|(_, from)| l.rank >= *from);
            if g.priority != priority_due {
                return Some(format!(
                    "priority for `{}` does not follow its level",
                    b.id()
                ));
            }
        }
    }
    None
}

/// Checks every [`Law`] over `cases` generated assessments each.
///
/// # Errors
///
/// The first violation found, with its minimal counterexample.
pub fn check_laws(policy: &Policy, config: impl Into<LawConfig>) -> Result<(), Box<LawViolation>> {
    let config = config.into();
    Law::ALL
        .iter()
        .try_for_each(|&law| check_law(policy, law, config))
}

/// The laws the solver decides over every assessment: `None` for a law
/// checked by sampling; otherwise the proof (`Ok`) or the minimal
/// counterexample found.
fn decided_by_solver(policy: &Policy, law: Law) -> Option<Result<(), Box<LawViolation>>> {
    let broken = match law {
        Law::Monotone => crate::tools::exact::laws::monotone(policy),
        Law::LevelsNested => crate::tools::exact::laws::levels_nested(policy),
        Law::BenefitsNested => crate::tools::exact::laws::benefits_nested(policy),
        Law::TermsNeverExtend => crate::tools::exact::laws::terms_never_extend(policy),
        _ => return None,
    };
    Some(match broken {
        None => Ok(()),
        Some(b) => {
            let before = policy.evaluate_projected(&b.counterexample);
            let after = b
                .improved
                .as_ref()
                .or(b.later.as_ref())
                .map(|i| Box::new(policy.evaluate_projected(i)));
            Err(Box::new(LawViolation {
                law,
                policy: policy.to_string(),
                message: b.message,
                counterexample: b.counterexample,
                improved: b.improved,
                before: Box::new(before),
                after,
            }))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Date {
        s.parse().unwrap()
    }

    /// The built-in policy's evaluations, as of two dates, of an affiliate
    /// holding its level since `granted`.
    fn affiliate(granted: &str, first: &str, later: &str) -> (Evaluation, Evaluation) {
        let policy = Policy::builtin().unwrap();
        let a = Assessment::new("P")
            .with_fact("application_submitted", true)
            .with_fact("direct_youth_mentoring", true)
            .holding("affiliate", day(granted), None);
        let e1 = policy.evaluator().as_of(day(first)).evaluate(&a).unwrap();
        let e2 = policy.evaluator().as_of(day(later)).evaluate(&a).unwrap();
        (e1, e2)
    }

    #[test]
    fn the_time_law_sees_a_term_that_moves_later() {
        let (e1, mut e2) = affiliate("2024-01-01", "2024-06-01", "2025-06-01");
        assert_eq!(terms_finding(&e1, &e2), None);
        if let Some(m) = e2.membership.as_mut() {
            m.expires_on = m.expires_on.and_then(|d| {
                d.add(Period {
                    days: 1,
                    ..Period::default()
                })
            });
        }
        assert_eq!(
            terms_finding(&e1, &e2).as_deref(),
            Some("the term's end moved from 2027-01-01 to 2027-01-02")
        );
    }

    /// Expired, then no level: nothing comes back, so the law holds; expired,
    /// then a level applying again, breaks it.
    #[test]
    fn the_time_law_lets_an_expired_membership_end_as_no_level() {
        let (e1, mut e2) = affiliate("2020-01-01", "2024-06-01", "2025-06-01");
        let expired = e1.membership.as_ref().map(|m| m.state);
        assert_eq!(expired, Some(MembershipState::Expired));
        for (state, broken) in [
            (MembershipState::Expired, false),
            (MembershipState::NotMember, false),
            (MembershipState::Active, true),
            (MembershipState::DueForRenewal, true),
        ] {
            if let Some(m) = e2.membership.as_mut() {
                m.state = state;
            }
            assert_eq!(
                terms_finding(&e1, &e2).is_some(),
                broken,
                "expired, then {state:?}"
            );
        }
    }
}
