//! Evaluation: an assessment bound to a policy, turned into a level, its
//! benefits, an explanation and an improvement plan.

mod membership;

use std::borrow::Cow;
use std::cell::Cell;
use std::sync::Arc;

use crate::base::bitset::BitSet;
use crate::base::date::{Date, Period};
use crate::base::error::{DiagnosticKind as K, EvalError, Found, cut, quote};
use crate::base::id::{FactId, ItemId, LevelId};
use crate::base::suggest::{did_you_mean, quoted_list};
use crate::base::value::Value;
use crate::model::assessment::{Answer, Assessment};
use crate::model::logic::{self, at_least_of};
use crate::model::policy::{FactType, Item, Merge, Policy};
use crate::model::requirement::{FactTest, ItemRule, Req, Requirement, Status};
use crate::report::evaluation::*;
use crate::report::membership::{LevelSummary, MembershipState};
use membership::Held;

/// A policy ready to evaluate assessments, with the options to evaluate
/// them by: made by [`Policy::evaluator`], set with [`Evaluator::as_of`],
/// run with [`Evaluator::evaluate`] (everything explained) or
/// [`Evaluator::decide`] (the level and benefits alone, for hot paths).
///
/// It is `Copy`, `Send` and `Sync`: make one and share it between threads
/// (the `batch` example spreads assessments over threads this way).
///
/// # Example
///
/// ```
/// use qbm::{Assessment, Date, Policy};
///
/// let policy = Policy::builtin()?;
/// let program = Assessment::new("Riverside Mentors")
///     .with_fact("application_submitted", true)
///     .with_fact("direct_youth_mentoring", true);
/// let as_of: Date = "2026-11-22".parse()?;
/// let evaluator = policy.evaluator().as_of(as_of);
///
/// // Everything explained, with the membership on that date.
/// let full = evaluator.evaluate(&program)?;
/// assert!(full.membership.is_some());
/// // The level and benefits alone: the same ones.
/// let lean = evaluator.decide(&program)?;
/// assert_eq!(lean.level, full.level);
/// assert_eq!(lean.benefits, full.benefits);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Evaluator<'p> {
    policy: &'p Policy,
    as_of: Option<Date>,
}

impl<'p> Evaluator<'p> {
    /// Evaluates as of `date`, whatever date the assessment carries: months
    /// derived from dates, time spent at a level, transitional levels that
    /// revert, and the renewal term, all counted to `date`. An evaluation
    /// then says, in [`Evaluation::membership`], which level applies on the
    /// date, why, and the next date that matters. Without it, an assessment
    /// is evaluated as of its own `as_of` date, if it has one.
    ///
    /// # Example
    ///
    /// ```
    /// use qbm::{Assessment, Date, MembershipState, Policy};
    ///
    /// let policy = Policy::builtin()?;
    /// let granted: Date = "2026-03-31".parse()?;
    /// let program = Assessment::new("Riverside Mentors")
    ///     .with_fact("application_submitted", true)
    ///     .with_fact("direct_youth_mentoring", true)
    ///     .holding("affiliate", granted, None);
    /// let e = policy.evaluator().as_of("2026-11-22".parse()?).evaluate(&program)?;
    /// let m = e.membership.unwrap();
    /// assert_eq!(m.state, MembershipState::Active);
    /// assert_eq!(m.expires_on.map(|d| d.to_string()).as_deref(), Some("2029-03-31"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn as_of(self, date: Date) -> Self {
        Self {
            as_of: Some(date),
            ..self
        }
    }

    /// Evaluates an assessment: the level reached, its benefits, every
    /// requirement explained, a scorecard and the plan for the next level
    /// (and the membership on the date, when evaluated as of one).
    ///
    /// # Errors
    ///
    /// [`EvalError::PolicyMismatch`] when the assessment names another policy
    /// or a version requirement this policy's version does not meet;
    /// [`EvalError::Invalid`] listing every answer to an unknown item (with
    /// the nearest known id), answer of the wrong type, unknown fact, fact
    /// value of the wrong type, or date after the date evaluated as of.
    pub fn evaluate(&self, assessment: &Assessment) -> Result<Evaluation, EvalError> {
        let bound = self.bind(assessment, Keep::Explanation)?;
        Ok(bound.evaluate(assessment.program.clone()))
    }

    /// The level and benefits alone, for hot paths: the same level and
    /// benefits as [`Evaluator::evaluate`], with no explanation, scorecard
    /// or plan built.
    ///
    /// # Errors
    ///
    /// As [`Evaluator::evaluate`].
    ///
    /// # Example
    ///
    /// ```
    /// let policy = qbm::Policy::builtin()?;
    /// let a = qbm::Assessment::new("P")
    ///     .with_fact("application_submitted", true)
    ///     .with_fact("direct_youth_mentoring", true);
    /// let d = policy.evaluator().decide(&a)?;
    /// assert_eq!(d.level.map(|l| l.id.to_string()).as_deref(), Some("affiliate"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn decide(&self, assessment: &Assessment) -> Result<Decision, EvalError> {
        Ok(self.bind(assessment, Keep::Decision)?.decide())
    }

    fn bind(&self, assessment: &'p Assessment, keep: Keep) -> Result<Bound<'p>, EvalError> {
        self.policy.check_policy(assessment)?;
        self.policy.bind(
            assessment,
            Binding::Strict,
            self.as_of.or(assessment.as_of),
            keep,
        )
    }
}

/// One item's answer as evaluation sees it.
#[derive(Clone, Copy, Debug)]
struct ItemState {
    answer: Option<Answer>,
    threshold: Option<f64>,
    met: bool,
}

impl ItemState {
    const BLANK: ItemState = ItemState {
        answer: None,
        threshold: None,
        met: false,
    };

    fn applies(&self) -> bool {
        !matches!(self.answer, Some(Answer::NotApplicable))
    }
}

/// Whether binding keeps each item's state for an explanation, or only the
/// bits a decision needs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Keep {
    Explanation,
    Decision,
}

/// Items met, items that apply (not answered not applicable), items unanswered.
struct ItemBits {
    met: BitSet,
    applies: BitSet,
    unanswered: BitSet,
}

impl ItemBits {
    /// Nothing answered: nothing met, everything applies and is unanswered.
    fn new(n: usize) -> Self {
        Self {
            met: BitSet::new(n),
            applies: BitSet::full(n),
            unanswered: BitSet::full(n),
        }
    }

    fn record(&mut self, i: usize, state: &ItemState) {
        if state.met {
            self.met.insert(i);
        }
        if !state.applies() {
            self.applies.remove(i);
        }
        if state.answer.is_some() {
            self.unanswered.remove(i);
        }
    }
}

/// Whether answers the policy cannot use are errors or are left out.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Binding {
    Strict,
    Lenient,
}

/// An assessment checked against a policy: answers and facts by index.
/// Facts are borrowed from the assessment, and owned only where derived.
struct Bound<'p> {
    policy: &'p Policy,
    items: Vec<ItemState>,
    facts: Vec<Option<Cow<'p, Value>>>,
    /// Items met, items that apply, items unanswered.
    bits: ItemBits,
    /// The date evaluated as of, and the level held, when known.
    as_of: Option<Date>,
    held: Option<Held>,
    /// How many item ids the outcomes list so far, against
    /// [`Detail::MAX_LISTED_IN_ALL`].
    listed: Cell<usize>,
}

impl Policy {
    /// Evaluates an assessment as of its own date, if it has one: the level
    /// reached, its benefits, every requirement explained, a scorecard and
    /// the plan for the next level. The same as
    /// `policy.evaluator().evaluate(assessment)`; [`Policy::evaluator`]
    /// gives the options (a date to evaluate as of, the lean result).
    ///
    /// # Errors
    ///
    /// As [`Evaluator::evaluate`].
    ///
    /// # Example
    ///
    /// ```
    /// use qbm::{Assessment, Policy};
    ///
    /// let policy = Policy::builtin()?;
    /// let program = Assessment::new("Riverside Mentors")
    ///     .with_fact("application_submitted", true)
    ///     .with_fact("direct_youth_mentoring", true);
    /// let result = policy.evaluate(&program)?;
    /// assert_eq!(result.level.map(|l| l.id.to_string()).as_deref(), Some("affiliate"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn evaluate(&self, assessment: &Assessment) -> Result<Evaluation, EvalError> {
        self.evaluator().evaluate(assessment)
    }

    /// An [`Evaluator`] of this policy: evaluates as of each assessment's
    /// own date until [`Evaluator::as_of`] sets one, fully with
    /// [`Evaluator::evaluate`], leanly with [`Evaluator::decide`].
    #[must_use]
    pub fn evaluator(&self) -> Evaluator<'_> {
        Evaluator {
            policy: self,
            as_of: None,
        }
    }

    /// Evaluates the part of an assessment this policy can use: answers and
    /// facts it does not know, or of a type it cannot use, are left out, and
    /// the assessment's own policy and version are not checked. Comparing two
    /// versions of a policy over the same assessments needs exactly this.
    pub(crate) fn evaluate_projected(&self, assessment: &Assessment) -> Evaluation {
        match self.bind(
            assessment,
            Binding::Lenient,
            assessment.as_of,
            Keep::Explanation,
        ) {
            Ok(bound) => bound.evaluate(assessment.program.clone()),
            // INVARIANT: a lenient binding reports nothing; an empty binding is the safe answer.
            Err(_) => Bound::empty(self).evaluate(assessment.program.clone()),
        }
    }

    fn check_policy(&self, a: &Assessment) -> Result<(), EvalError> {
        let mismatch = |path: &str, message: String, hint: String| {
            EvalError::PolicyMismatch(Box::new(a.source.diag(
                K::PolicyMismatch,
                path,
                message,
                Some(hint),
            )))
        };
        if let Some(name) = &a.policy
            && name.as_str() != &*self.name
        {
            return Err(mismatch(
                "assessment.policy",
                format!(
                    "the assessment answers policy {}, not `{}`",
                    quote(name),
                    self.name
                ),
                format!("evaluate it against {}", quote(name)),
            ));
        }
        if let Some(req) = &a.version
            && !req.matches(&self.version)
        {
            let req = req.to_string();
            let req = cut(&req);
            return Err(mismatch(
                "assessment.version",
                format!(
                    "the assessment answers `{}` versions {req}, not {}",
                    self.name,
                    cut(&self.version.to_string())
                ),
                format!(
                    "evaluate it against a version that matches {req}, or update the assessment"
                ),
            ));
        }
        Ok(())
    }

    /// Binds an assessment to the policy: the level held, the facts, the
    /// answers, and the facts derived from dates, each checked.
    fn bind<'p>(
        &'p self,
        a: &'p Assessment,
        binding: Binding,
        as_of: Option<Date>,
        keep: Keep,
    ) -> Result<Bound<'p>, EvalError> {
        // Within the limits the assessment was loaded with: the first
        // `max_diagnostics` problems by position, and near names for the
        // first `max_suggestions` unknown ones (none when binding leniently,
        // which reports nothing).
        let mut errors = a.source.found(true);
        if binding == Binding::Lenient {
            errors.suggest_none();
        }
        let mut binder = Binder {
            policy: self,
            a,
            as_of,
            errors,
        };
        let held = binder.held();
        let mut facts = binder.facts();
        let (items, bits) = binder.answers(&facts, keep);
        if let Some(as_of) = as_of {
            self.derive_months(&mut facts, as_of);
        }
        if binder.errors.is_empty() || binding == Binding::Lenient {
            let mut bound = Bound::new(self, items, facts, bits);
            bound.as_of = as_of;
            bound.held = held;
            Ok(bound)
        } else {
            Err(EvalError::Invalid(binder.errors.finish()))
        }
    }

    /// Facts derived from dates (months since a date), where not given.
    fn derive_months(&self, facts: &mut [Option<Cow<'_, Value>>], as_of: Date) {
        for (fi, fact) in self.facts.iter().enumerate() {
            let Some(src) = fact.months_since else {
                continue;
            };
            let since = match facts.get(src).and_then(Option::as_deref) {
                Some(Value::Text(t)) => t.parse::<Date>().ok(),
                _ => None,
            };
            if let (Some(slot @ None), Some(since)) = (facts.get_mut(fi), since) {
                #[allow(clippy::cast_precision_loss)]
                let months = since.months_until(as_of) as f64;
                *slot = Some(Cow::Owned(Value::Number(months)));
            }
        }
    }
}

/// A problem with one fact or answer: its kind, message and hint.
type Problem = (K, String, Option<String>);

/// The path of an assessment's fact or answer, such as `answers.B.1.1`: made
/// only for an error, as binding is the hot path.
fn entry_path(section: &str, id: &str) -> String {
    format!("{section}.{id}")
}

/// An assessment being bound to a policy, with the problems found so far.
struct Binder<'p> {
    policy: &'p Policy,
    a: &'p Assessment,
    as_of: Option<Date>,
    errors: Found,
}

impl<'p> Binder<'p> {
    /// The problem with date `d` of an assessment evaluated as of an earlier
    /// date, if it is one.
    fn future(&self, what: &str, d: Date) -> Option<Problem> {
        let as_of = self.as_of?;
        (d > as_of).then(|| {
            (
                K::InvalidValue,
                format!("{what} {d}, after the date evaluated as of ({as_of})"),
                Some("a date in an assessment cannot be in its future; check it, or evaluate as of a later date".into()),
            )
        })
    }

    fn push(&mut self, path: impl Into<String>, (kind, message, hint): Problem) {
        let d = self.a.source.diag(kind, path, message, hint);
        self.errors.push(d);
    }

    /// The level the assessment says the program holds, checked.
    fn held(&mut self) -> Option<Held> {
        let m = self.a.membership.as_ref()?;
        let Some(level) = self.policy.level_position(m.level.as_str()) else {
            let hint = crate::base::suggest::did_you_mean_or_list(
                m.level.as_str(),
                "levels",
                self.policy.levels.iter().map(|l| l.id().as_str()),
            );
            self.push(
                "assessment.membership.level",
                (
                    K::UnknownReference,
                    format!("unknown level {}", quote(m.level.as_str())),
                    hint,
                ),
            );
            return None;
        };
        if let Some(p) = self.future("granted on", m.granted_on) {
            self.push("assessment.membership.granted_on", p);
        }
        if let Some(r) = m.renewed_on {
            if let Some(p) = self.future("renewed on", r) {
                self.push("assessment.membership.renewed_on", p);
            }
            if r < m.granted_on {
                self.push(
                    "assessment.membership.renewed_on",
                    (
                        K::InvalidValue,
                        format!(
                            "renewed on {r}, before the level was granted on {}",
                            m.granted_on
                        ),
                        None,
                    ),
                );
            }
        }
        Some(Held {
            level,
            granted: m.granted_on,
            renewed: m.renewed_on,
        })
    }

    /// The facts given, by the policy's index, each checked against its type.
    fn facts(&mut self) -> Vec<Option<Cow<'p, Value>>> {
        let p = self.policy;
        let mut facts: Vec<Option<Cow<'p, Value>>> = vec![None; p.facts.len()];
        // Both maps iterate in id order, so the facts bind in one merge.
        let mut sorted = Merge::new(&p.fact_order);
        for (id, value) in &self.a.facts {
            let Some(fi) = sorted.find(id.as_str()) else {
                let hint = self
                    .errors
                    .may_suggest()
                    .then(|| did_you_mean(id.as_str(), p.facts.iter().map(|f| f.id().as_str())));
                let problem = (
                    K::UnknownReference,
                    format!("unknown fact {}", quote(id.as_str())),
                    hint.flatten(),
                );
                self.push(entry_path("facts", id.as_str()), problem);
                continue;
            };
            let Some(fact) = p.facts.get(fi) else {
                continue;
            };
            match self.fact_problem(&fact.ty, id, value) {
                Some(problem) => self.push(entry_path("facts", id.as_str()), problem),
                None => {
                    if let Some(slot) = facts.get_mut(fi) {
                        *slot = Some(Cow::Borrowed(value));
                    }
                }
            }
        }
        facts
    }

    /// What is wrong with `value` for a fact of type `ty`, if anything.
    fn fact_problem(&mut self, ty: &FactType, id: &FactId, value: &Value) -> Option<Problem> {
        match (ty, value) {
            (FactType::Boolean, Value::Bool(_)) => None,
            (FactType::Number { min, max, unit }, Value::Number(n)) => {
                let unit = unit.as_deref().unwrap_or_default();
                if !n.is_finite() {
                    Some((
                        K::InvalidValue,
                        format!("fact `{id}` is not a finite number"),
                        None,
                    ))
                } else if min.is_some_and(|m| *n < m) || max.is_some_and(|m| *n > m) {
                    let range = format!(
                        "{} to {} {unit}",
                        min.map_or("any".into(), |m| m.to_string()),
                        max.map_or("any".into(), |m| m.to_string())
                    );
                    Some((
                        K::InvalidValue,
                        format!("fact `{id}` is {n}, outside {}", range.trim_end()),
                        None,
                    ))
                } else {
                    None
                }
            }
            (FactType::Date, Value::Text(t)) => match t.parse::<Date>() {
                Err(e) => Some((
                    K::AnswerType,
                    format!("fact `{id}`: {e}"),
                    Some("write dates as YYYY-MM-DD".to_owned()),
                )),
                // The phrase is made only for a date in the future.
                Ok(d) if self.as_of.is_some_and(|x| d > x) => {
                    self.future(&format!("fact `{id}` is"), d)
                }
                Ok(_) => None,
            },
            (FactType::Choice(values), Value::Text(t)) if values.contains(t) => None,
            (FactType::Choice(values), Value::Text(t)) => Some((
                K::AnswerType,
                format!("{} is not a value of fact `{id}`", quote(t)),
                self.errors
                    .may_suggest()
                    .then(|| did_you_mean(t, values.iter().map(String::as_str)))
                    .flatten()
                    .or_else(|| Some(format!("the values are {}", quoted_list(values)))),
            )),
            (ty, v) => {
                let hint = match (ty, v) {
                    (FactType::Number { .. }, Value::Text(t)) => {
                        crate::base::value::too_large_hint(t)
                    }
                    _ => None,
                };
                Some((K::AnswerType, ty.mismatch(id.as_str(), v), hint))
            }
        }
    }

    /// The answers, by the policy's index, each checked against its item:
    /// every item's state where `keep` asks for an explanation, and the
    /// bits a decision needs.
    fn answers(
        &mut self,
        facts: &[Option<Cow<'p, Value>>],
        keep: Keep,
    ) -> (Vec<ItemState>, ItemBits) {
        let p = self.policy;
        let mut items = match keep {
            Keep::Explanation => vec![ItemState::BLANK; p.items.len()],
            Keep::Decision => Vec::new(),
        };
        let mut bits = ItemBits::new(p.items.len());
        // Both maps iterate in id order, so the answers bind in one merge.
        let mut sorted = Merge::new(&p.item_order);
        for (id, answer) in &self.a.answers {
            let Some(ii) = sorted.find(id.as_str()) else {
                let hint = self
                    .errors
                    .may_suggest()
                    .then(|| did_you_mean(id.as_str(), p.items.iter().map(|i| i.id().as_str())));
                let problem = (
                    K::UnknownReference,
                    format!("unknown item {}", quote(id.as_str())),
                    hint.flatten(),
                );
                self.push(entry_path("answers", id.as_str()), problem);
                continue;
            };
            let Some(item) = p.items.get(ii) else {
                continue;
            };
            if let Some(problem) = answer_problem(item, id, answer) {
                self.push(entry_path("answers", id.as_str()), problem);
                continue;
            }
            let threshold = item.threshold().map(|t| {
                t.declared_by_index
                    .and_then(|fi| facts.get(fi))
                    .and_then(|v| match v.as_deref() {
                        Some(Value::Number(n)) => Some(*n),
                        _ => None,
                    })
                    .unwrap_or(t.at_least)
            });
            let met = match (answer, threshold) {
                (Answer::Met, _) => true,
                (Answer::Number(n), Some(t)) => *n >= t,
                _ => false,
            };
            let state = ItemState {
                answer: Some(*answer),
                threshold,
                met,
            };
            bits.record(ii, &state);
            if let Some(slot) = items.get_mut(ii) {
                *slot = state;
            }
        }
        (items, bits)
    }
}

/// What is wrong with `answer` for `item`, if anything.
fn answer_problem(item: &Item, id: &ItemId, answer: &Answer) -> Option<Problem> {
    match (answer, item.threshold()) {
        (Answer::Number(n), _) if !n.is_finite() => Some((
            K::InvalidValue,
            format!("the answer to `{id}` is not a finite number"),
            None,
        )),
        (Answer::Number(_), None) => Some((
            K::AnswerType,
            format!(
                "item `{id}` is answered met, not_met, in_progress or not_applicable, not with a number"
            ),
            None,
        )),
        (Answer::Met, Some(t)) => Some((
            K::AnswerType,
            format!(
                "item `{id}` is answered with a number of {}, not `met`",
                t.unit
            ),
            Some(format!("give the number; {} or more meets it", t.at_least)),
        )),
        (Answer::NotApplicable, _) if !item.allows_not_applicable() => Some((
            K::NotApplicable,
            format!("item `{id}` may not be answered not applicable"),
            Some("answer met, not_met or in_progress".into()),
        )),
        _ => None,
    }
}

impl<'p> Bound<'p> {
    fn fact_status(&self, fact: usize, test: &FactTest) -> Status {
        match self.facts.get(fact).and_then(Option::as_deref) {
            Some(v) if test.holds(v) => Status::Met,
            Some(_) => Status::Unmet,
            None => Status::Unanswered,
        }
    }

    /// The status of a requirement alone: the lean path, with no explanation
    /// built and nothing allocated.
    fn status(&self, r: &Requirement, memo: &mut [Option<Status>]) -> Status {
        match &r.kind {
            Req::All(list) => at_least_of(list.len(), list.iter().map(|c| self.status(c, memo))),
            Req::AtLeast(n, list) => at_least_of(*n, list.iter().map(|c| self.status(c, memo))),
            Req::Not(inner) => logic::not_status(self.status(inner, memo)),
            Req::Fact { fact, test, .. } => self.fact_status(*fact, test),
            Req::Met(i) => {
                if !self.bits.applies.contains(*i) || self.bits.met.contains(*i) {
                    Status::Met
                } else if self.bits.unanswered.contains(*i) {
                    Status::Unanswered
                } else {
                    Status::Unmet
                }
            }
            Req::Items { bits, rule, .. } => logic::items_status(
                *rule,
                self.bits.met.and_count(bits),
                self.bits.applies.and_count(bits),
                self.bits.unanswered.and_count(bits),
            ),
            Req::Level(l) => self.level_status(*l, memo),
            Req::Held { level, period } => self.held_status(*level, *period).0,
        }
    }

    /// Whether the level held meets "held `level` for at least `period`", and
    /// from which date it does.
    fn held_status(&self, level: usize, period: Period) -> (Status, Option<Date>) {
        let (Some(as_of), Some(held)) = (self.as_of, self.held) else {
            return (Status::Unanswered, None);
        };
        let rank = |l: usize| self.policy.levels.get(l).map(|x| x.rank());
        match rank(held.level).cmp(&rank(level)) {
            std::cmp::Ordering::Less => (Status::Unmet, None),
            std::cmp::Ordering::Greater => (Status::Met, None),
            std::cmp::Ordering::Equal => {
                let from = held.granted.add(period);
                let status = if from.is_some_and(|d| d <= as_of) {
                    Status::Met
                } else {
                    Status::Unmet
                };
                (status, from)
            }
        }
    }

    /// The status of level `l`, which a requirement names, as already
    /// decided: levels are decided in the policy's level order, each after
    /// the levels it names, so this looks it up, never recursing through
    /// levels.
    fn level_status(&self, l: usize, memo: &mut [Option<Status>]) -> Status {
        memo.get(l).copied().flatten().unwrap_or(Status::Unmet)
    }

    /// Decides level `l` into `memo`.
    fn decide_level(&self, l: usize, memo: &mut [Option<Status>]) {
        let status = match self.policy.levels.get(l) {
            Some(level) => at_least_of(
                level.requires.len(),
                level.requires.iter().map(|r| self.status(r, memo)),
            ),
            None => Status::Unmet,
        };
        if let Some(slot) = memo.get_mut(l) {
            *slot = Some(status);
        }
    }

    /// The level and benefits alone.
    fn decide(&self) -> Decision {
        let p = self.policy;
        // Policies have few levels; a fixed array keeps the lean path free of
        // allocation, with a vector for the rare policy with more.
        let mut small = [None; 16];
        let mut large;
        let memo: &mut [Option<Status>] = match small.get_mut(..p.levels.len()) {
            Some(m) => m,
            None => {
                large = vec![None; p.levels.len()];
                &mut large
            }
        };
        for &l in &p.level_order {
            self.decide_level(l, memo);
        }
        let qualified = (0..p.levels.len())
            .rev()
            .find(|&l| matches!(memo.get(l), Some(Some(Status::Met))));
        let reached = match self.as_of {
            Some(as_of) => membership::terms(p, qualified, self.held, as_of).level,
            None => qualified,
        };
        Decision {
            policy: PolicyRef {
                name: Arc::clone(&p.name),
                version: p.version.clone(),
            },
            level: reached.and_then(|l| self.summary(l)),
            benefits: reached.map(|l| self.benefits(l)).unwrap_or_default(),
        }
    }

    fn new(
        policy: &'p Policy,
        items: Vec<ItemState>,
        facts: Vec<Option<Cow<'p, Value>>>,
        bits: ItemBits,
    ) -> Self {
        Bound {
            policy,
            items,
            facts,
            bits,
            as_of: None,
            held: None,
            listed: Cell::new(0),
        }
    }

    fn empty(policy: &'p Policy) -> Self {
        let n = policy.items.len();
        Bound::new(
            policy,
            vec![ItemState::BLANK; n],
            vec![None; policy.facts.len()],
            ItemBits::new(n),
        )
    }

    fn evaluate(&self, program: String) -> Evaluation {
        let p = self.policy;
        let mut memo: Vec<Option<LevelOutcome>> = vec![None; p.levels.len()];
        for &l in &p.level_order {
            self.level(l, &mut memo);
        }
        let levels: Vec<LevelOutcome> = memo.into_iter().flatten().collect();
        let qualified = levels.iter().rposition(|l| l.status == Status::Met);
        let (reached, membership) = match self.as_of {
            Some(as_of) => {
                let (level, m) = membership::status(p, qualified, self.held, as_of);
                (level, Some(m))
            }
            None => (qualified, None),
        };
        let level = reached.and_then(|i| levels.get(i)).map(|l| l.level.clone());
        let benefits = reached.map(|i| self.benefits(i)).unwrap_or_default();
        // A program whose transitional level's time ran out still meets that
        // level: the way back is the level above it, not the level it lost.
        let below_target = match &membership {
            Some(m) if m.reverted => qualified,
            _ => reached,
        };
        let target = below_target.map_or(0, |i| i + 1);
        let expired = membership
            .as_ref()
            .filter(|m| m.state == MembershipState::Expired);
        let plan = match (expired, qualified.and_then(|q| levels.get(q))) {
            // An expired membership needs renewing before anything else.
            (Some(m), Some(q)) => Some(ImprovementPlan {
                target: q.level.clone(),
                conditions: vec![ConditionGap {
                    requirement: Arc::from(format!(
                        "renew the membership: its term ended on {}",
                        m.expires_on.map_or_else(String::new, |d| d.to_string())
                    )),
                    fact: None,
                    actual: None,
                }],
                standards: Vec::new(),
                more_items: 0,
            }),
            _ => self.plan(target, &levels),
        };
        let unanswered = p
            .items
            .iter()
            .zip(&self.items)
            .filter(|(_, s)| s.answer.is_none())
            .map(|(it, _)| it.id().clone())
            .collect();
        Evaluation {
            policy: PolicyRef {
                name: Arc::clone(&p.name),
                version: p.version.clone(),
            },
            program,
            level,
            benefits,
            levels,
            scorecard: self.scorecard(),
            plan,
            unanswered,
            membership,
        }
    }

    fn summary(&self, level: usize) -> Option<LevelSummary> {
        self.policy.levels.get(level).map(|l| LevelSummary {
            id: l.id().clone(),
            title: Arc::clone(&l.title),
            rank: l.rank(),
        })
    }

    /// Evaluates level `i` into `memo`, after the levels it names (the
    /// policy's level order).
    fn level(&self, i: usize, memo: &mut [Option<LevelOutcome>]) {
        let Some(level) = self.policy.levels.get(i) else {
            return;
        };
        let requirements: Vec<RequirementOutcome> = level
            .requires
            .iter()
            .map(|r| self.requirement(r, memo))
            .collect();
        let status = at_least_of(requirements.len(), requirements.iter().map(|r| r.status));
        if let (Some(slot), Some(summary)) = (memo.get_mut(i), self.summary(i)) {
            *slot = Some(LevelOutcome {
                level: summary,
                status,
                requirements,
            });
        }
    }

    /// The outcome of a requirement and those nested in it. This recurses
    /// through nesting, whose depth the loader bounds: each nested
    /// requirement sits in a YAML mapping inside its parent's (`not` adds a
    /// mapping, `all`, `any` and `of` a list and a mapping), below the
    /// document's mapping, `levels`, the level's mapping and `requires`, so
    /// with `Limits::max_depth` (64 by default) nesting is at most 60
    /// requirements deep; through levels it does not recurse (a level named
    /// is looked up: levels are evaluated in the policy's level order). The tests run the deepest
    /// such input on a 1 MiB stack.
    fn requirement(
        &self,
        r: &Requirement,
        memo: &mut [Option<LevelOutcome>],
    ) -> RequirementOutcome {
        let text = Arc::clone(&r.shown);
        let (status, detail, children) = match &r.kind {
            Req::All(list) | Req::AtLeast(_, list) => {
                let needed = match &r.kind {
                    Req::AtLeast(n, _) => *n,
                    _ => list.len(),
                };
                let children: Vec<RequirementOutcome> =
                    list.iter().map(|c| self.requirement(c, memo)).collect();
                let holding = children.iter().filter(|c| c.status == Status::Met).count();
                (
                    at_least_of(needed, children.iter().map(|c| c.status)),
                    Detail::Group { needed, holding },
                    children,
                )
            }
            Req::Not(inner) => {
                let child = self.requirement(inner, memo);
                (logic::not_status(child.status), Detail::Not, vec![child])
            }
            Req::Fact {
                fact,
                test,
                expected,
            } => (
                self.fact_status(*fact, test),
                self.fact_detail(*fact, expected),
                Vec::new(),
            ),
            Req::Met(i) => self.items_outcome(Selection::One(*i), ItemRule::All),
            Req::Items { bits, rule, .. } => self.items_outcome(Selection::Bits(bits), *rule),
            Req::Level(l) => {
                // Evaluated before: the policy's level order puts a level
                // after those it names.
                let status = memo
                    .get(*l)
                    .and_then(|d| d.as_ref().map(|d| d.status))
                    .unwrap_or(Status::Unmet);
                let level = self.level_id(*l);
                (status, Detail::Level { level }, Vec::new())
            }
            Req::Held { level, period } => {
                let (status, from) = self.held_status(*level, *period);
                let level = self.level_id(*level);
                (status, Detail::Held { level, from }, Vec::new())
            }
        };
        RequirementOutcome {
            requirement: text,
            status,
            detail,
            children,
        }
    }

    /// What a fact requirement found: the program's value and the test's phrase.
    fn fact_detail(&self, fact: usize, expected: &str) -> Detail {
        Detail::Fact {
            fact: self
                .policy
                .facts
                .get(fact)
                .map(|f| f.id().clone())
                .unwrap_or_else(|| FactId::new("")),
            actual: self.facts.get(fact).and_then(Option::as_deref).cloned(),
            expected: expected.to_owned(),
        }
    }

    /// The id of level `l`.
    fn level_id(&self, l: usize) -> LevelId {
        self.policy
            .levels
            .get(l)
            .map(|x| x.id().clone())
            .unwrap_or_else(|| LevelId::new(""))
    }

    /// The outcome of a rule over a set of items: counts by word operations
    /// on the item bits, and the first [`Detail::MAX_LISTED_ITEMS`] missing
    /// and unanswered items listed, so that its cost is the set's words and
    /// the few items listed, not every item of the set.
    fn items_outcome(
        &self,
        set: Selection<'_>,
        rule: ItemRule,
    ) -> (Status, Detail, Vec<RequirementOutcome>) {
        let b = &self.bits;
        let met = set.count(&b.met);
        let applicable = set.count(&b.applies);
        // Unanswered items apply and are not met: no need to intersect further.
        let unanswered_count = set.count(&b.unanswered);
        let (missing, more_missing) = self.listed(
            set.and_not(&b.applies, &b.met),
            applicable.saturating_sub(met),
        );
        let (unanswered, more_unanswered) =
            self.listed(set.and_not(&b.unanswered, &b.met), unanswered_count);
        let status = logic::items_status(rule, met, applicable, unanswered_count);
        let needed = rule.needed(applicable);
        (
            status,
            Detail::Items {
                met,
                applicable,
                needed,
                missing,
                more_missing,
                unanswered,
                more_unanswered,
            },
            Vec::new(),
        )
    }

    /// The ids of the first [`Detail::MAX_LISTED_ITEMS`] of `indices`, and
    /// how many of `total` that leaves out.
    fn listed(&self, indices: impl Iterator<Item = usize>, total: usize) -> (Vec<ItemId>, usize) {
        let room = Detail::MAX_LISTED_IN_ALL.saturating_sub(self.listed.get());
        let ids: Vec<ItemId> = indices
            .take(Detail::MAX_LISTED_ITEMS.min(room))
            .filter_map(|i| self.policy.items.get(i).map(|it| it.id().clone()))
            .collect();
        self.listed.set(self.listed.get().saturating_add(ids.len()));
        let more = total.saturating_sub(ids.len());
        (ids, more)
    }

    fn benefits(&self, level: usize) -> Vec<GrantedBenefit> {
        let rank = self.policy.levels.get(level).map_or(0, |l| l.rank());
        self.policy
            .benefits
            .iter()
            .filter(|b| b.granted_to.get(level).copied().unwrap_or(false))
            .map(|b| GrantedBenefit {
                id: b.id().clone(),
                title: Arc::clone(&b.title),
                priority: b
                    .priority_from
                    .as_ref()
                    .is_some_and(|(_, from)| rank >= *from),
                quantity: b.quantity.clone(),
                discount: b.discount.clone(),
            })
            .collect()
    }

    fn scorecard(&self) -> Vec<StandardScore> {
        let p = self.policy;
        p.standards
            .iter()
            .map(|s| {
                let states = self.items.get(s.items.clone()).unwrap_or_default();
                let items = p.items.get(s.items.clone()).unwrap_or_default();
                let (mut met, mut applicable, mut unanswered) = (0, 0, 0);
                for st in states {
                    met += usize::from(st.met);
                    applicable += usize::from(st.applies());
                    unanswered += usize::from(st.answer.is_none());
                }
                let by_kind = p
                    .kinds
                    .iter()
                    .filter_map(|k| {
                        let (mut n, mut met, mut applicable) = (0, 0, 0);
                        for (_, st) in items
                            .iter()
                            .zip(states)
                            .filter(|(it, _)| it.kind() == k.id())
                        {
                            n += 1;
                            met += usize::from(st.met);
                            applicable += usize::from(st.applies());
                        }
                        (n > 0).then(|| KindScore {
                            kind: k.id().clone(),
                            met,
                            applicable,
                        })
                    })
                    .collect();
                StandardScore {
                    standard: s.id().clone(),
                    title: Arc::clone(&s.title),
                    met,
                    applicable,
                    not_applicable: states.len() - applicable,
                    unanswered,
                    by_kind,
                }
            })
            .collect()
    }

    fn answer_state(&self, i: usize) -> AnswerState {
        let Some(state) = self.items.get(i) else {
            return AnswerState::Unanswered;
        };
        match state.answer {
            None => AnswerState::Unanswered,
            Some(Answer::Met) => AnswerState::Met,
            Some(Answer::NotMet) => AnswerState::NotMet,
            Some(Answer::InProgress) => AnswerState::InProgress,
            Some(Answer::NotApplicable) => AnswerState::NotApplicable,
            Some(Answer::Number(value)) => AnswerState::Number {
                value,
                at_least: state.threshold.unwrap_or(f64::NAN),
                unit: self
                    .policy
                    .items
                    .get(i)
                    .and_then(|it| it.threshold())
                    .map(|t| t.unit.clone())
                    .unwrap_or_default(),
            },
        }
    }

    /// What level `target` still needs: the conditions, and the items to
    /// improve, each once. `levels` holds every level's outcome by index.
    fn plan(&self, target: usize, levels: &[LevelOutcome]) -> Option<ImprovementPlan> {
        let outcome = levels.get(target)?;
        let mut wanted = Wanted {
            conditions: Vec::new(),
            taken: self.bits.met.clone(),
            reasons: Vec::new(),
            reason_of: Vec::new(),
        };
        self.want(target, levels, &mut wanted)?;
        let (standards, more_items) = self.gaps(&wanted);
        Some(ImprovementPlan {
            target: outcome.level.clone(),
            conditions: wanted.conditions,
            standards,
            more_items,
        })
    }

    /// Collects into `wanted` what level `target` still needs.
    ///
    /// One walk over the requirements and their outcomes side by side, with
    /// a stack instead of recursion; a level another names is walked once.
    /// An item is wanted by the first requirement that needs it: a bit set
    /// of items already met or wanted keeps each item to one entry, so the
    /// work is a few word operations per requirement and one entry per item,
    /// never a list of every requirement's items sorted.
    fn want(&self, target: usize, levels: &[LevelOutcome], wanted: &mut Wanted) -> Option<()> {
        let p = self.policy;
        let outcome = levels.get(target)?;
        let requires = &p.levels.get(target)?.requires;
        let mut visited = vec![false; p.levels.len()];
        if let Some(v) = visited.get_mut(target) {
            *v = true;
        }
        let mut stack: Vec<(&Requirement, &RequirementOutcome)> =
            requires.iter().zip(&outcome.requirements).rev().collect();
        while let Some((r, o)) = stack.pop() {
            if o.status == Status::Met {
                continue;
            }
            // A condition the program must change, as opposed to items to improve.
            let gap = |fact, actual| ConditionGap {
                requirement: Arc::clone(&o.requirement),
                fact,
                actual,
            };
            let set = match (&r.kind, &o.detail) {
                (Req::All(list) | Req::AtLeast(_, list), _) => {
                    stack.extend(list.iter().zip(&o.children).rev());
                    continue;
                }
                (_, Detail::Fact { fact, actual, .. }) => {
                    wanted
                        .conditions
                        .push(gap(Some(fact.clone()), actual.clone()));
                    continue;
                }
                (Req::Level(l), _) => {
                    wanted.conditions.push(gap(None, None));
                    if let Some(v @ false) = visited.get_mut(*l) {
                        *v = true;
                        if let (Some(lv), Some(lo)) = (p.levels.get(*l), levels.get(*l)) {
                            stack.extend(lv.requires.iter().zip(&lo.requirements).rev());
                        }
                    }
                    continue;
                }
                (Req::Items { bits, .. }, Detail::Items { .. }) => Selection::Bits(bits),
                (Req::Met(i), Detail::Items { .. }) => Selection::One(*i),
                // `not`, `held`: conditions.
                _ => {
                    wanted.conditions.push(gap(None, None));
                    continue;
                }
            };
            self.want_items(set, o, wanted);
        }
        Some(())
    }

    /// Marks the items of `set` that apply and are neither met nor wanted
    /// yet as wanted by outcome `o`.
    fn want_items(&self, set: Selection<'_>, o: &RequirementOutcome, wanted: &mut Wanted) {
        let new: Vec<usize> = set.and_not(&self.bits.applies, &wanted.taken).collect();
        if new.is_empty() {
            return;
        }
        if let Detail::Items { met, needed, .. } = &o.detail {
            wanted.reasons.push(Arc::from(format!(
                "{} ({met} of {needed} met)",
                o.requirement
            )));
        }
        if wanted.reason_of.is_empty() {
            wanted.reason_of = vec![0; self.policy.items.len()];
        }
        let reason = wanted.reasons.len().saturating_sub(1);
        for i in new {
            wanted.taken.insert(i);
            if let Some(slot) = wanted.reason_of.get_mut(i) {
                *slot = reason;
            }
        }
    }

    /// The items wanted, standard by standard in the policy's order, up to
    /// the plan's limit, and how many more there are.
    fn gaps(&self, wanted: &Wanted) -> (Vec<StandardGaps>, usize) {
        let p = self.policy;
        let mut listed = 0;
        let mut more_items = 0;
        let mut standards = Vec::new();
        for s in &p.standards {
            let mut items = Vec::new();
            for i in s.items.clone() {
                if !wanted.taken.contains(i) || self.bits.met.contains(i) {
                    continue;
                }
                if listed >= ImprovementPlan::MAX_ITEMS {
                    more_items += 1;
                    continue;
                }
                let (Some(item), Some(required_by)) = (
                    p.items.get(i),
                    wanted.reason_of.get(i).and_then(|&r| wanted.reasons.get(r)),
                ) else {
                    continue;
                };
                listed += 1;
                items.push(ItemGap {
                    item: item.id().clone(),
                    title: Arc::clone(&item.title),
                    question: Arc::clone(&item.question),
                    kind: item.kind().clone(),
                    answer: self.answer_state(i),
                    required_by: Arc::clone(required_by),
                });
            }
            if !items.is_empty() {
                standards.push(StandardGaps {
                    standard: s.id().clone(),
                    title: Arc::clone(&s.title),
                    items,
                });
            }
        }
        (standards, more_items)
    }
}

/// What a plan wants, as its walk finds it.
struct Wanted {
    /// Conditions outside the questionnaire.
    conditions: Vec<ConditionGap>,
    /// Items met or wanted.
    taken: BitSet,
    /// Why items are wanted: one reason per requirement that wants some.
    reasons: Vec<Arc<str>>,
    /// For each item wanted, its reason in `reasons` (empty until one is).
    reason_of: Vec<usize>,
}

/// The items a requirement counts: a set, or the one item of `met`.
#[derive(Clone, Copy)]
enum Selection<'a> {
    Bits(&'a BitSet),
    One(usize),
}

impl<'a> Selection<'a> {
    /// How many of its items are in `bits`.
    fn count(self, bits: &BitSet) -> usize {
        match self {
            Selection::Bits(set) => set.and_count(bits),
            Selection::One(i) => usize::from(bits.contains(i)),
        }
    }

    /// Its items in `with` and not in `without`, in order.
    fn and_not(self, with: &'a BitSet, without: &'a BitSet) -> impl Iterator<Item = usize> + 'a {
        let (set, one) = match self {
            Selection::Bits(set) => (Some(set), None),
            Selection::One(i) => (None, Some(i)),
        };
        set.into_iter()
            .flat_map(move |s| s.and_not(with, without))
            .chain(one.filter(|&i| with.contains(i) && !without.contains(i)))
    }
}
