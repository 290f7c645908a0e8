//! The report types evaluation fills: the evaluation with its explanation
//! and improvement plan, and the lean decision. Their `Display` is in
//! `render`.

use std::sync::Arc;

use serde::Serialize;

use crate::base::date::Date;
use crate::base::id::{BenefitId, FactId, ItemId, KindId, LevelId, StandardId};
use crate::base::value::Value;
use crate::model::policy::{Discount, Quantity};
use crate::model::requirement::Status;
use crate::report::membership::{LevelSummary, Membership};

/// The policy an evaluation used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PolicyRef {
    /// The policy's name: see [`PolicyRef::name`].
    pub(crate) name: Arc<str>,
    /// Its exact version.
    pub version: semver::Version,
}

impl PolicyRef {
    /// The policy's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// A benefit granted by the level reached.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct GrantedBenefit {
    /// The benefit's id.
    pub id: BenefitId,
    /// Its title: see [`GrantedBenefit::title`].
    pub(crate) title: Arc<str>,
    /// Whether the program may receive priority for it at its level (the
    /// policy's `priority_from`). Priority is a standing, not a promise: MMP's
    /// page says such members "may receive priority in some instances", and
    /// the text report says so.
    pub priority: bool,
    /// How many, for benefits that come in a number (four training vouchers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantity: Option<Quantity>,
    /// The discount, for benefits that are one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discount: Option<Discount>,
}

impl GrantedBenefit {
    /// Its title.
    pub fn title(&self) -> &str {
        &self.title
    }
}

/// What the program answered for an item, as reports show it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
#[non_exhaustive]
pub enum AnswerState {
    /// No answer: counts as not met.
    Unanswered,
    /// Met.
    Met,
    /// Not met.
    NotMet,
    /// In progress: counts as not met.
    InProgress,
    /// Not applicable: left out of counts.
    NotApplicable,
    /// A number, compared with the item's threshold.
    Number {
        /// The answer.
        value: f64,
        /// The threshold that applied (fixed or declared by the program).
        at_least: f64,
        /// The unit.
        unit: String,
    },
}

/// What was found for one requirement.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Detail {
    /// A group of requirements (`all`, `any`, `at_least` of).
    Group {
        /// How many must hold.
        needed: usize,
        /// How many hold.
        holding: usize,
    },
    /// The negation of the one child.
    Not,
    /// A program fact compared with an expectation.
    Fact {
        /// The fact.
        fact: FactId,
        /// The program's value, if it gave one.
        actual: Option<Value>,
        /// What the requirement expects, as a phrase (`is at least 12`).
        expected: String,
    },
    /// Items of a set counted.
    Items {
        /// How many are met.
        met: usize,
        /// How many apply (not-applicable answers left out). When none
        /// does, the policy's `when_none_apply` decides the status (by
        /// default unmet, whatever `needed` says).
        applicable: usize,
        /// How many must be met.
        needed: usize,
        /// The applicable items not met, unanswered ones included, in the
        /// policy's order: the first [`Detail::MAX_LISTED_ITEMS`] of them
        /// (fewer, or none, once the evaluation's outcomes have listed
        /// [`Detail::MAX_LISTED_IN_ALL`]).
        missing: Vec<ItemId>,
        /// How many more items are missing than `missing` lists (in all,
        /// `applicable - met` are).
        more_missing: usize,
        /// The items with no answer, in the policy's order: the first
        /// [`Detail::MAX_LISTED_ITEMS`] of them (as `missing`).
        unanswered: Vec<ItemId>,
        /// How many more items are unanswered than `unanswered` lists.
        more_unanswered: usize,
    },
    /// Another level held.
    Level {
        /// The level.
        level: LevelId,
    },
    /// Time spent at a level.
    Held {
        /// The level that must have been held.
        level: LevelId,
        /// From when it has been held long enough, where known.
        from: Option<Date>,
    },
}

impl Detail {
    /// The most items [`Detail::Items`] lists as missing, and as unanswered:
    /// past this, it counts the rest (`more_missing`, `more_unanswered`), so
    /// that an explanation's size does not grow with requirements times
    /// items. The counts (`met`, `applicable`, `needed`) are always exact.
    pub const MAX_LISTED_ITEMS: usize = 100;
    /// The most items all the [`Detail::Items`] of one evaluation list, in
    /// the order levels are evaluated (by rank, unless a level names one
    /// above it) and each level's order of requirements: past this, later
    /// outcomes list none and count them all, so that a policy of many small
    /// requirements over the same items cannot make an evaluation list
    /// [`Detail::MAX_LISTED_ITEMS`] ids for each of them.
    pub const MAX_LISTED_IN_ALL: usize = 10_000;
}

/// One requirement with its status and the values compared.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct RequirementOutcome {
    /// The requirement, as a sentence: see [`RequirementOutcome::requirement`].
    pub(crate) requirement: Arc<str>,
    /// Whether it holds.
    pub status: Status,
    /// The values compared.
    pub detail: Detail,
    /// The outcomes of nested requirements.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<RequirementOutcome>,
}

impl RequirementOutcome {
    /// The requirement, as a sentence: as [`Requirement`](crate::Requirement) displays it, at
    /// most [`Requirement::MAX_SHOWN_CHARS`](crate::Requirement::MAX_SHOWN_CHARS) characters.
    /// The policy's own text, shared, not copied.
    pub fn requirement(&self) -> &str {
        &self.requirement
    }
}

/// One level with each of its requirements.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct LevelOutcome {
    /// The level.
    pub level: LevelSummary,
    /// Whether all its requirements hold.
    pub status: Status,
    /// Each requirement.
    pub requirements: Vec<RequirementOutcome>,
}

/// Items met per kind within a standard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct KindScore {
    /// The kind.
    pub kind: KindId,
    /// The kind's title: see [`KindScore::title`].
    pub(crate) title: Arc<str>,
    /// Items of the kind met.
    pub met: usize,
    /// Items of the kind that apply.
    pub applicable: usize,
}

impl KindScore {
    /// The kind's title (`Benchmark`), as the policy writes it.
    pub fn title(&self) -> &str {
        &self.title
    }
}

/// Items met in one standard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StandardScore {
    /// The standard.
    pub standard: StandardId,
    /// Its title: see [`StandardScore::title`].
    pub(crate) title: Arc<str>,
    /// Items met.
    pub met: usize,
    /// Items that apply (all but those answered not applicable).
    pub applicable: usize,
    /// Items answered not applicable.
    pub not_applicable: usize,
    /// Items with no answer.
    pub unanswered: usize,
    /// The same counts per kind, in the policy's order of kinds.
    pub by_kind: Vec<KindScore>,
}

impl StandardScore {
    /// The standard's title (the policy's text, shared).
    pub fn title(&self) -> &str {
        &self.title
    }
}

/// A program fact or other condition the next level needs.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ConditionGap {
    /// The requirement, as a sentence: see [`ConditionGap::requirement`].
    pub(crate) requirement: Arc<str>,
    /// The fact, where the condition is on one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fact: Option<FactId>,
    /// The program's value, where it gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual: Option<Value>,
    /// The words the report uses for a condition on a fact: see
    /// [`ConditionGap::fact_words`].
    #[serde(flatten)]
    pub(crate) words: Option<FactWords>,
}

/// A condition on a fact in the policy's words: the fact's title and
/// question, what the level needs and what the program said.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct FactWords {
    /// The fact's title: see [`FactWords::title`].
    pub(crate) title: Arc<str>,
    /// Its question: see [`FactWords::question`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) question: Option<Arc<str>>,
    /// What the level needs: see [`FactWords::needs`].
    pub(crate) needs: String,
    /// What the program said: see [`FactWords::now`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) now: Option<String>,
}

impl FactWords {
    /// The fact's title (`Self-assessment`; the policy's text, shared).
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The question the fact asks, where the policy gives one (shared).
    pub fn question(&self) -> Option<&str> {
        self.question.as_deref()
    }

    /// What the level needs, in words (`in progress or completed`, `yes`,
    /// `at least 12 months`, `more than 50` for a `not`).
    pub fn needs(&self) -> &str {
        &self.needs
    }

    /// What the program said, in words (`not started`, `no`, `5 months`),
    /// where it gave a value.
    pub fn now(&self) -> Option<&str> {
        self.now.as_deref()
    }
}

impl ConditionGap {
    /// The requirement, as a sentence (as
    /// [`RequirementOutcome::requirement`], sharing its text), or what an
    /// expired membership needs (`renew the membership: its term ended on
    /// 2029-03-31`).
    pub fn requirement(&self) -> &str {
        &self.requirement
    }

    /// For a condition on a fact, the words the report uses for it: the
    /// fact's title and question, what is needed and what the program said
    /// (``Self-assessment: needs in progress or completed (now: not
    /// started)`` rather than ``Self-assessment (`self_assessment`) is one
    /// of in_progress, completed``). `None` for other conditions.
    pub fn fact_words(&self) -> Option<&FactWords> {
        self.words.as_ref()
    }
}

/// An item to improve for the next level.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ItemGap {
    /// The item.
    pub item: ItemId,
    /// Its title: see [`ItemGap::title`].
    pub(crate) title: Arc<str>,
    /// The question it asks: see [`ItemGap::question`].
    pub(crate) question: Arc<str>,
    /// Its kind.
    pub kind: KindId,
    /// What the program answered.
    pub answer: AnswerState,
    /// Whether the program may answer the item not applicable (the item
    /// allows it, and its kind leaves that to each item): where the practice
    /// does not apply to the program, that answer leaves the item out of
    /// the counts instead of improving it.
    pub may_be_not_applicable: bool,
    /// The requirement that needs it: see [`ItemGap::required_by`].
    pub(crate) required_by: Arc<str>,
}

impl ItemGap {
    /// The item's title (the policy's text, shared).
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The question the item asks (the policy's text, shared).
    pub fn question(&self) -> &str {
        &self.question
    }

    /// The requirement that needs the item, with the count
    /// (``every item of kind `k` is met (8 items) (2 of 8 met)``): one text
    /// per requirement, shared by the items it needs.
    pub fn required_by(&self) -> &str {
        &self.required_by
    }
}

/// The items to improve in one standard.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct StandardGaps {
    /// The standard.
    pub standard: StandardId,
    /// Its title: see [`StandardGaps::title`].
    pub(crate) title: Arc<str>,
    /// The items, in the policy's order.
    pub items: Vec<ItemGap>,
}

impl StandardGaps {
    /// The standard's title (the policy's text, shared).
    pub fn title(&self) -> &str {
        &self.title
    }
}

/// What is missing for the next level, grouped by standard.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ImprovementPlan {
    /// The level the plan leads to.
    pub target: LevelSummary,
    /// Conditions outside the questionnaire (facts, other levels).
    pub conditions: Vec<ConditionGap>,
    /// Items to improve, standard by standard: every item the level needs
    /// improved, each once, up to [`ImprovementPlan::MAX_ITEMS`].
    pub standards: Vec<StandardGaps>,
    /// How many more items need improving than `standards` lists (0 unless
    /// there are more than [`ImprovementPlan::MAX_ITEMS`]).
    pub more_items: usize,
}

impl ImprovementPlan {
    /// The most items a plan lists; past this, it counts the rest
    /// ([`ImprovementPlan::more_items`]), and the report says "and N more
    /// items". MMP's largest plan lists 49.
    pub const MAX_ITEMS: usize = 500;
}

/// The result of evaluating an assessment: the level, the benefits, and why.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Evaluation {
    /// The policy and exact version used.
    pub policy: PolicyRef,
    /// The program evaluated.
    pub program: String,
    /// The highest level whose requirements hold; `None` for a non-member.
    pub level: Option<LevelSummary>,
    /// The benefits that level earns.
    pub benefits: Vec<GrantedBenefit>,
    /// Every level, lowest first, with each requirement.
    pub levels: Vec<LevelOutcome>,
    /// Items met per standard.
    pub scorecard: Vec<StandardScore>,
    /// What is missing for the next level up: the level above the one that
    /// applies or, when a transitional level's time ran out, the level above
    /// that one (moving up is the way back). `None` when there is no such
    /// level.
    pub plan: Option<ImprovementPlan>,
    /// Items with no answer, counted as not met.
    pub unanswered: Vec<ItemId>,
    /// When evaluated as of a date: the level that applies on it, its term,
    /// and the next date that matters. `level` and `benefits` follow it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub membership: Option<Membership>,
}

/// The lean result of an evaluation: the level and the benefits, nothing
/// explained. [`Evaluator::decide`](crate::Evaluator::decide) gives the same level and benefits as
/// [`Evaluator::evaluate`](crate::Evaluator::evaluate), faster.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Decision {
    /// The policy and exact version used.
    pub policy: PolicyRef,
    /// The highest level whose requirements hold; `None` for a non-member.
    pub level: Option<LevelSummary>,
    /// The benefits that level earns.
    pub benefits: Vec<GrantedBenefit>,
}
