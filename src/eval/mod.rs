//! Evaluation: an assessment bound to a policy, turned into a level, its
//! benefits, an explanation and an improvement plan.

mod bind;
mod membership;
mod walk;
mod words;

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
    held: Option<Held<'p>>,
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
}
