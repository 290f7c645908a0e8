//! A program's self-assessment: its facts and its answers by item id.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::base::date::Date;
use crate::base::id::{FactId, ItemId, LevelId};
use crate::base::source::SourceMap;
use crate::base::value::Value;

/// A program's answer to one item.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Answer {
    /// The practice is in place.
    Met,
    /// The practice is not in place.
    NotMet,
    /// The program is working on it; counts as not met.
    InProgress,
    /// The item does not apply to the program (only where the item allows it).
    NotApplicable,
    /// A number, for items with a numeric threshold (hours of training, months of commitment).
    Number(f64),
}

impl Answer {
    pub(crate) const WORDS: [&'static str; 4] = ["met", "not_met", "in_progress", "not_applicable"];

    pub(crate) fn from_word(word: &str) -> Option<Self> {
        match word {
            "met" => Some(Answer::Met),
            "not_met" => Some(Answer::NotMet),
            "in_progress" => Some(Answer::InProgress),
            "not_applicable" => Some(Answer::NotApplicable),
            _ => None,
        }
    }

    pub(crate) fn to_value(self) -> Value {
        match self {
            Answer::Number(n) => Value::Number(n),
            other => Value::Text(
                match other {
                    Answer::Met => "met",
                    Answer::NotMet => "not_met",
                    Answer::InProgress => "in_progress",
                    Answer::NotApplicable | Answer::Number(_) => "not_applicable",
                }
                .to_owned(),
            ),
        }
    }
}

/// The level a program holds, and since when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldMembership {
    /// The level held.
    pub level: LevelId,
    /// When it was granted.
    pub granted_on: Date,
    /// When it was last renewed, if since it was granted.
    pub renewed_on: Option<Date>,
    /// Levels held before, in any order: what a transitional level's
    /// `reentry` rule reads (a level whose time was used may not be granted
    /// again, or only after a while).
    pub history: Vec<PastLevel>,
}

/// A level a program held before the one it holds now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PastLevel {
    /// The level held.
    pub level: LevelId,
    /// The first day it was held.
    pub from: Date,
    /// The day it ended (a reversion, a promotion or a lapse): the first
    /// day it was no longer held.
    pub until: Date,
}

/// A program's self-assessment: who it is, which policy it answered, its
/// facts and its answers.
///
/// Load one from YAML with a [`Loader`](crate::Loader) (or `str::parse`)
/// or build one in code:
///
/// ```
/// use qbm::{Answer, Assessment};
///
/// let a = Assessment::new("Riverside Mentors")
///     .with_fact("months_operating", 14)
///     .with_answer("B.1.1", Answer::Met)
///     .with_answer("B.3.1", Answer::Number(3.0));
/// assert_eq!(a.answer("B.1.1"), Some(Answer::Met));
/// ```
#[derive(Clone, Debug)]
pub struct Assessment {
    pub(crate) program: String,
    pub(crate) as_of: Option<Date>,
    pub(crate) membership: Option<HeldMembership>,
    pub(crate) policy: Option<String>,
    pub(crate) version: Option<semver::VersionReq>,
    pub(crate) facts: BTreeMap<FactId, Value>,
    pub(crate) answers: BTreeMap<ItemId, Answer>,
    pub(crate) source: SourceMap,
}

impl Assessment {
    /// An empty assessment for the named program. The name is kept as
    /// given: the loaders refuse a blank one, but code that builds an
    /// assessment is trusted to name it.
    pub fn new(program: impl Into<String>) -> Self {
        Self {
            program: program.into(),
            as_of: None,
            membership: None,
            policy: None,
            version: None,
            facts: BTreeMap::new(),
            answers: BTreeMap::new(),
            source: SourceMap::detached("<assessment>"),
        }
    }

    /// States the policy and versions the assessment was answered against;
    /// evaluating it against another is an error.
    pub fn for_policy(mut self, name: impl AsRef<str>, version: semver::VersionReq) -> Self {
        self.policy = Some(name.as_ref().to_owned());
        self.version = Some(version);
        self
    }

    /// Dates the assessment: the day its answers describe, and the day
    /// [`Policy::evaluate`](crate::Policy::evaluate) evaluates it as of.
    /// An evaluator given a date (`policy.evaluator().as_of(date)`)
    /// evaluates as of that date instead (the assessment's own date is then
    /// not used), and a grant, renewal or date fact after it is refused.
    pub fn dated(mut self, as_of: Date) -> Self {
        self.as_of = Some(as_of);
        self
    }

    /// Records the level the program holds and when it was granted (and last
    /// renewed), for terms, reversion and renewal.
    /// A history already recorded ([`Assessment::held_before`]) is kept.
    pub fn holding(
        mut self,
        level: impl AsRef<str>,
        granted_on: Date,
        renewed_on: Option<Date>,
    ) -> Self {
        let history = self
            .membership
            .take()
            .map(|m| m.history)
            .unwrap_or_default();
        self.membership = Some(HeldMembership {
            level: LevelId::new(level.as_ref()),
            granted_on,
            renewed_on,
            history,
        });
        self
    }

    /// Records a level the program held before, from the first day it
    /// held it until the day it ended, in the membership's history; call
    /// it after [`Assessment::holding`] (without a level held, there is no
    /// membership to record it in, and nothing is recorded).
    ///
    /// ```
    /// use qbm::{Assessment, Date};
    ///
    /// let d = |s: &str| s.parse::<Date>().unwrap();
    /// let a = Assessment::new("Riverside Mentors")
    ///     .holding("affiliate", d("2026-03-01"), None)
    ///     .held_before("associate_partner", d("2025-11-01"), d("2026-03-01"));
    /// assert_eq!(a.membership().unwrap().history.len(), 1);
    /// ```
    pub fn held_before(mut self, level: impl AsRef<str>, from: Date, until: Date) -> Self {
        if let Some(m) = self.membership.as_mut() {
            m.history.push(PastLevel {
                level: LevelId::new(level.as_ref()),
                from,
                until,
            });
        }
        self
    }

    /// The day the assessment describes, if dated.
    pub fn as_of(&self) -> Option<Date> {
        self.as_of
    }

    /// The level the program holds, if recorded.
    pub fn membership(&self) -> Option<&HeldMembership> {
        self.membership.as_ref()
    }

    /// Sets a program fact, by its id as text or a [`FactId`].
    pub fn with_fact(mut self, fact: impl AsRef<str>, value: impl Into<Value>) -> Self {
        self.set_fact(fact, value);
        self
    }

    /// Sets an answer, by the item's id as text or an [`ItemId`].
    pub fn with_answer(mut self, item: impl AsRef<str>, answer: Answer) -> Self {
        self.set_answer(item, answer);
        self
    }

    /// Sets a program fact, replacing any earlier value.
    pub fn set_fact(&mut self, fact: impl AsRef<str>, value: impl Into<Value>) {
        self.facts.insert(FactId::new(fact.as_ref()), value.into());
    }

    /// Sets an answer, replacing any earlier one.
    pub fn set_answer(&mut self, item: impl AsRef<str>, answer: Answer) {
        self.answers.insert(ItemId::new(item.as_ref()), answer);
    }

    /// Removes an answer, leaving the item unanswered.
    pub fn clear_answer(&mut self, item: impl AsRef<str>) -> Option<Answer> {
        self.answers.remove(item.as_ref())
    }

    /// Removes a fact, returning its value if it was given.
    pub fn clear_fact(&mut self, fact: impl AsRef<str>) -> Option<Value> {
        self.facts.remove(fact.as_ref())
    }

    /// The program's name.
    pub fn program(&self) -> &str {
        &self.program
    }

    /// The policy name the assessment was answered against, if it says.
    pub fn policy(&self) -> Option<&str> {
        self.policy.as_deref()
    }

    /// The policy versions the assessment was answered against, if it says.
    pub fn version(&self) -> Option<&semver::VersionReq> {
        self.version.as_ref()
    }

    /// The answer to an item, if given.
    pub fn answer(&self, item: impl AsRef<str>) -> Option<Answer> {
        self.answers.get(item.as_ref()).copied()
    }

    /// Every answer, by item id.
    pub fn answers(&self) -> impl Iterator<Item = (&ItemId, Answer)> {
        self.answers.iter().map(|(k, v)| (k, *v))
    }

    /// A program fact, if given.
    pub fn fact(&self, fact: impl AsRef<str>) -> Option<&Value> {
        self.facts.get(fact.as_ref())
    }

    /// Every fact, by id.
    pub fn facts(&self) -> impl Iterator<Item = (&FactId, &Value)> {
        self.facts.iter()
    }
}

/// Two assessments are equal when they say the same: where each was read
/// from does not count.
impl PartialEq for Assessment {
    fn eq(&self, other: &Self) -> bool {
        self.program == other.program
            && self.as_of == other.as_of
            && self.membership == other.membership
            && self.policy == other.policy
            && self.version == other.version
            && self.facts == other.facts
            && self.answers == other.answers
    }
}
