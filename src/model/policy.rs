//! The validated policy model: its types, their accessors, and the
//! helpers that need no evaluation. `load` builds it from YAML and writes
//! it back.

use std::fmt;
use std::sync::Arc;

use crate::base::error::quote;
use crate::base::id::{BenefitId, FactId, ItemId, KindId, LevelId, SetId, StandardId};
use crate::base::value::Value;
use crate::model::requirement::Requirement;

/// A validated membership policy: levels, standards, items, facts and benefits.
///
/// Built only by loading YAML (with a [`Loader`](crate::Loader), `str::parse`
/// or [`Policy::builtin`]), so every reference in it resolves and its levels are
/// totally ordered. Immutable, cheap to share behind an `Arc`.
#[derive(Clone, Debug)]
pub struct Policy {
    pub(crate) name: Arc<str>,
    pub(crate) version: semver::Version,
    pub(crate) title: String,
    pub(crate) description: Option<String>,
    pub(crate) origin: String,
    pub(crate) kinds: Vec<Kind>,
    pub(crate) facts: Vec<Fact>,
    pub(crate) standards: Vec<Standard>,
    pub(crate) items: Vec<Item>,
    pub(crate) sets: Vec<ItemSet>,
    /// INVARIANT: sorted by rank, lowest first; ranks are distinct.
    pub(crate) levels: Vec<Level>,
    /// Every level index once, each after the levels its requirements name:
    /// the order evaluation decides them in, made once at load.
    pub(crate) level_order: Vec<usize>,
    pub(crate) benefits: Vec<Benefit>,
    pub(crate) renewal: Option<Renewal>,
    /// Items and facts by id, sorted: an assessment's answers (also sorted)
    /// bind in one merge, and an item is found by binary search.
    pub(crate) item_order: Vec<(ItemId, usize)>,
    pub(crate) fact_order: Vec<(FactId, usize)>,
    /// Where the rules come from (`policy.source`), for readers.
    pub(crate) source: Option<String>,
    /// The levels' positions in [`Policy::levels`], in the order the
    /// policy lists them.
    pub(crate) level_listing: Vec<usize>,
    /// The `membership:` section beyond the [`Renewal`] it gives.
    pub(crate) terms: Option<Terms>,
}

/// The `membership:` section of a policy as written, beyond the
/// [`Renewal`] it gives: what the policy writes itself back with.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Terms {
    /// Whether the renewal term gives its window.
    pub(crate) window_given: bool,
    /// Where the renewal term comes from, for readers.
    pub(crate) note: Option<String>,
    /// Whether a promotion starts a new term
    /// (`membership.term_restarts_on_promotion`).
    pub(crate) restarts_on_promotion: bool,
}

/// A kind of item, such as benchmark or enhancement.
#[derive(Clone, Debug)]
pub struct Kind {
    pub(crate) id: KindId,
    /// Shared with the scorecards that name the kind.
    pub(crate) title: Arc<str>,
    pub(crate) description: Option<String>,
    pub(crate) not_applicable_forbidden: bool,
}

impl Kind {
    /// The kind's id.
    pub fn id(&self) -> &KindId {
        &self.id
    }
    /// Its title.
    pub fn title(&self) -> &str {
        &self.title
    }
    /// Whether no item of this kind may be answered not applicable.
    pub fn forbids_not_applicable(&self) -> bool {
        self.not_applicable_forbidden
    }
}

/// The type of a program fact.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum FactType {
    /// `true` or `false`.
    Boolean,
    /// A number, optionally bounded.
    Number {
        /// The unit, such as `months`.
        unit: Option<String>,
        /// The least value a program may give.
        min: Option<f64>,
        /// The greatest value a program may give.
        max: Option<f64>,
    },
    /// One of a fixed list of words.
    Choice(Vec<String>),
    /// A calendar date, `YYYY-MM-DD`, never after the date evaluated as of.
    Date,
}

impl FactType {
    /// The message for a value that does not fit a fact of this type.
    pub(crate) fn mismatch(&self, id: &str, v: &Value) -> String {
        format!(
            "fact `{id}` is a {}, but the value is {} {}",
            self.name(),
            v.type_name(),
            quote(&v.to_string())
        )
    }

    pub(crate) fn name(&self) -> &'static str {
        match self {
            FactType::Boolean => "boolean",
            FactType::Number { .. } => "number",
            FactType::Choice(_) => "choice",
            FactType::Date => "date",
        }
    }
}

/// A fact about a program asked outside the questionnaire, such as months in operation.
#[derive(Clone, Debug)]
pub struct Fact {
    pub(crate) id: FactId,
    /// Title and question, shared with the plans that name the fact.
    pub(crate) title: Arc<str>,
    pub(crate) question: Option<Arc<str>>,
    pub(crate) ty: FactType,
    /// For a number fact derived from a date fact: whole months since it.
    pub(crate) months_since: Option<usize>,
    /// Which way the fact improves, where the policy says.
    pub(crate) better: Option<Better>,
    /// A unit and values the policy gives a fact whose type does not use
    /// them (a unit on a boolean, values on a date): accepted and unused,
    /// kept to write the policy back.
    pub(crate) unused: (Option<String>, Vec<String>),
}

impl Fact {
    /// Whether some value the fact can take lies between `lo` and `hi`
    /// (inclusive): a number within its `min` and `max` as a program gives
    /// it, or, for a fact derived from a date, the whole number of months
    /// counted when it is not given (0 or more, whatever `min` and `max`
    /// say). Always for a fact that is not a number, or whose bounds are
    /// themselves refused (`min` above `max`).
    pub(crate) fn takes(&self, lo: f64, hi: f64) -> bool {
        let FactType::Number { min, max, .. } = &self.ty else {
            return true;
        };
        let (min, max) = (
            min.unwrap_or(f64::NEG_INFINITY),
            max.unwrap_or(f64::INFINITY),
        );
        if min > max {
            return true;
        }
        let given = lo.max(min) <= hi.min(max);
        let derived = self.months_since.is_some() && lo.max(0.0).ceil() <= hi;
        given || derived
    }

    /// The declared `max` of a number fact.
    pub(crate) fn declared_max(&self) -> Option<f64> {
        match &self.ty {
            FactType::Number { max, .. } => *max,
            _ => None,
        }
    }

    /// The fact's id.
    pub fn id(&self) -> &FactId {
        &self.id
    }
    /// Its title.
    pub fn title(&self) -> &str {
        &self.title
    }
    /// The question a program answers, if the policy words one.
    pub fn question(&self) -> Option<&str> {
        self.question.as_deref()
    }
    /// Its type.
    pub fn fact_type(&self) -> &FactType {
        &self.ty
    }
    /// Which way the fact improves, where the policy says (`better:`).
    pub fn better(&self) -> Option<Better> {
        self.better
    }
}

/// Which way a fact improves, for the laws that check that improving never
/// costs a program its level (the `Monotone` law of `qbm::testing`).
///
/// The same type reads a fact's `better:` from the policy file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Better {
    /// A larger number is better.
    More,
    /// A smaller number is better.
    Less,
    /// `true` is better.
    True,
    /// `false` is better.
    False,
    /// A value later in the fact's list of values is better.
    Later,
    /// A value earlier in the list is better.
    Earlier,
}

/// A standard: a titled section of items.
#[derive(Clone, Debug)]
pub struct Standard {
    pub(crate) id: StandardId,
    pub(crate) title: Arc<str>,
    pub(crate) description: Option<String>,
    pub(crate) items: std::ops::Range<usize>,
}

impl Standard {
    /// The standard's id.
    pub fn id(&self) -> &StandardId {
        &self.id
    }
    /// Its title.
    pub fn title(&self) -> &str {
        &self.title
    }
    /// Its description, if any.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }
}

/// The threshold a numeric item's answer must reach.
#[derive(Clone, Debug, PartialEq)]
pub struct Threshold {
    /// The unit of the answer, such as `hours`.
    pub unit: String,
    /// The least value that meets the item, unless the program declares its own.
    pub at_least: f64,
    /// The fact through which a program declares its own minimum, if the item allows one.
    pub declared_by: Option<FactId>,
    pub(crate) declared_by_index: Option<usize>,
}

/// One item a program answers: a benchmark, an enhancement, a management practice.
#[derive(Clone, Debug)]
pub struct Item {
    pub(crate) id: ItemId,
    pub(crate) title: Arc<str>,
    pub(crate) question: Arc<str>,
    pub(crate) kind: KindId,
    pub(crate) standard: usize,
    pub(crate) not_applicable: bool,
    pub(crate) threshold: Option<Threshold>,
}

impl Item {
    /// The item's id, such as `B.2.4`.
    pub fn id(&self) -> &ItemId {
        &self.id
    }
    /// Its title.
    pub fn title(&self) -> &str {
        &self.title
    }
    /// The question a program answers.
    pub fn question(&self) -> &str {
        &self.question
    }
    /// Its kind.
    pub fn kind(&self) -> &KindId {
        &self.kind
    }
    /// Whether a program may answer it not applicable.
    pub fn allows_not_applicable(&self) -> bool {
        self.not_applicable
    }
    /// The numeric threshold, for items answered with a number.
    pub fn threshold(&self) -> Option<&Threshold> {
        self.threshold.as_ref()
    }
}

/// A named set of items, such as the designated standards.
#[derive(Clone, Debug)]
pub struct ItemSet {
    pub(crate) id: SetId,
    pub(crate) title: String,
    pub(crate) description: Option<String>,
    /// The selection as the policy writes it.
    pub(crate) selection: crate::model::requirement::Selection,
    pub(crate) items: Vec<usize>,
}

impl ItemSet {
    /// The set's id.
    pub fn id(&self) -> &SetId {
        &self.id
    }
    /// Its title.
    pub fn title(&self) -> &str {
        &self.title
    }
    /// How many items it holds.
    pub fn len(&self) -> usize {
        self.items.len()
    }
    /// Whether it holds no items (never, for a loaded policy).
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// A membership level.
#[derive(Clone, Debug)]
pub struct Level {
    pub(crate) id: LevelId,
    pub(crate) rank: u32,
    pub(crate) title: Arc<str>,
    pub(crate) description: Option<String>,
    pub(crate) requires: Vec<Requirement>,
    pub(crate) time_limit: Option<TimeLimit>,
    /// The level's own renewal; `None` where it writes none (then
    /// [`Policy::term_of`] decides).
    pub(crate) renewal: Option<LevelRenewal>,
    /// How the level's own renewal term was written (its window given or
    /// not, its note), to write it back.
    pub(crate) renewal_written: Option<Terms>,
}

/// How long a transitional level lasts before the program reverts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimeLimit {
    /// How long after it is granted the level lasts, unless the program moves up.
    pub after: crate::base::date::Period,
    /// The level it reverts to; `None` for no level.
    pub reverts_to: Option<LevelId>,
    pub(crate) reverts_to_index: Option<usize>,
    /// Whether, and how long after it last left the level, a program may
    /// be granted it again.
    pub reentry: Reentry,
    /// Whether the policy wrote `reentry` (to write it back as written).
    pub(crate) reentry_given: bool,
}

/// Whether a program that has held a transitional level may be granted it
/// again (`time_limit.reentry`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reentry {
    /// Never: the level's time, once used, is used (the default).
    #[default]
    Never,
    /// From this long after the last day the program held it.
    After(crate::base::date::Period),
}

/// A level's own renewal (`renewal:` on a level).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LevelRenewal {
    /// `none`: the level has no term and is never renewed.
    None,
    /// Its own term and window, instead of `membership.renewal`.
    Every(Renewal),
}

/// How often a level held must be renewed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Renewal {
    /// The term: a level expires this long after it was granted or last renewed.
    pub every: crate::base::date::Period,
    /// How long before expiry a program is due for renewal.
    pub window: crate::base::date::Period,
}

impl Level {
    /// The level's id.
    pub fn id(&self) -> &LevelId {
        &self.id
    }
    /// Its rank: higher is better.
    pub fn rank(&self) -> u32 {
        self.rank
    }
    /// Its title.
    pub fn title(&self) -> &str {
        &self.title
    }
    /// Its description, if any.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }
    /// What a program must meet to hold the level; all must hold.
    pub fn requirements(&self) -> &[Requirement] {
        &self.requires
    }
    /// For a transitional level, how long it lasts and what it reverts to.
    pub fn time_limit(&self) -> Option<&TimeLimit> {
        self.time_limit.as_ref()
    }
    /// The level's own renewal, if it writes one; see [`Policy::term_of`]
    /// for the term that applies.
    pub fn renewal(&self) -> Option<&LevelRenewal> {
        self.renewal.as_ref()
    }
    /// The levels its requirements name (`level:`), directly or nested,
    /// by index, sorted, each once.
    pub(crate) fn names(&self) -> Vec<usize> {
        let mut out = Vec::new();
        for r in &self.requires {
            r.levels_named(&mut out);
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Which levels a benefit is granted to.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Grant {
    /// The level and every level above it.
    AtLeast(LevelId),
    /// Exactly these levels.
    Levels(Vec<LevelId>),
}

/// A benefit of membership.
#[derive(Clone, Debug)]
pub struct Benefit {
    pub(crate) id: BenefitId,
    pub(crate) title: Arc<str>,
    pub(crate) description: Option<String>,
    pub(crate) grant: Grant,
    /// INVARIANT: indices into `Policy::levels`.
    pub(crate) granted_to: Vec<bool>,
    pub(crate) priority_from: Option<(LevelId, u32)>,
    pub(crate) quantity: Option<Quantity>,
    pub(crate) discount: Option<Discount>,
}

/// A number of something.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Quantity {
    /// How many.
    pub amount: u32,
    /// Of what.
    pub unit: String,
}

/// A discount.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Discount {
    /// What the discount is on.
    pub on: String,
    /// How much, where the policy says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percent: Option<f64>,
}

impl Benefit {
    /// The benefit's id.
    pub fn id(&self) -> &BenefitId {
        &self.id
    }
    /// Its title.
    pub fn title(&self) -> &str {
        &self.title
    }
    /// Its description, if any.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }
    /// Which levels receive it.
    pub fn grant(&self) -> &Grant {
        &self.grant
    }
    /// How many, for a benefit that comes in a number.
    pub fn quantity(&self) -> Option<&Quantity> {
        self.quantity.as_ref()
    }
    /// The discount, for a benefit that is one.
    pub fn discount(&self) -> Option<&Discount> {
        self.discount.as_ref()
    }
}

impl Policy {
    /// The policy's name, such as `mmp-qbm`.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Its version.
    pub fn version(&self) -> &semver::Version {
        &self.version
    }
    /// Its title.
    pub fn title(&self) -> &str {
        &self.title
    }
    /// Its description, if any.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }
    /// Where it was loaded from: the name given to the [`Loader`](crate::Loader),
    /// else the path read or `<input>`; `mmp-qbm 2.0.0 (embedded)` for an
    /// embedded policy.
    pub fn origin(&self) -> &str {
        &self.origin
    }
    /// The levels, lowest first.
    pub fn levels(&self) -> &[Level] {
        &self.levels
    }
    /// The level with this id.
    pub fn level(&self, id: impl AsRef<str>) -> Option<&Level> {
        self.level_position(id.as_ref())
            .and_then(|i| self.levels.get(i))
    }
    /// The standards, in the order the policy gives them.
    pub fn standards(&self) -> &[Standard] {
        &self.standards
    }
    /// Every item, standard by standard.
    pub fn items(&self) -> &[Item] {
        &self.items
    }
    /// The items of one standard.
    pub fn items_of(&self, standard: &Standard) -> &[Item] {
        self.items.get(standard.items.clone()).unwrap_or(&[])
    }
    /// The item with this id.
    pub fn item(&self, id: impl AsRef<str>) -> Option<&Item> {
        self.item_position(id.as_ref())
            .and_then(|i| self.items.get(i))
    }
    /// Where the item with this id is in [`Policy::items`].
    pub(crate) fn item_position(&self, id: &str) -> Option<usize> {
        let found = self
            .item_order
            .binary_search_by(|(k, _)| k.as_str().cmp(id));
        found
            .ok()
            .and_then(|p| self.item_order.get(p))
            .map(|&(_, i)| i)
    }
    /// Where the level with this id is in [`Policy::levels`] (a few levels:
    /// a scan costs less than an index).
    pub(crate) fn level_position(&self, id: &str) -> Option<usize> {
        self.levels.iter().position(|l| l.id.as_str() == id)
    }
    /// The standard an item belongs to.
    pub fn standard_of(&self, item: &Item) -> Option<&Standard> {
        self.standards.get(item.standard)
    }
    /// The program facts the policy asks for.
    pub fn facts(&self) -> &[Fact] {
        &self.facts
    }
    /// The kinds of item.
    pub fn kinds(&self) -> &[Kind] {
        &self.kinds
    }
    /// The named item sets.
    pub fn sets(&self) -> &[ItemSet] {
        &self.sets
    }
    /// The items of a named set.
    pub fn set_items<'a>(&'a self, set: &'a ItemSet) -> impl Iterator<Item = &'a Item> + 'a {
        set.items.iter().filter_map(|&i| self.items.get(i))
    }
    /// How often a level held must be renewed, if the policy says.
    pub fn renewal(&self) -> Option<&Renewal> {
        self.renewal.as_ref()
    }
    /// The term of a level: its own renewal; or, where it writes none,
    /// none for a level with a time limit (a transitional level has a
    /// deadline, not a term) and [`Policy::renewal`] for any other.
    pub fn term_of<'a>(&'a self, level: &'a Level) -> Option<&'a Renewal> {
        match (&level.renewal, &level.time_limit) {
            (Some(LevelRenewal::Every(r)), _) => Some(r),
            (Some(LevelRenewal::None), _) | (None, Some(_)) => None,
            (None, None) => self.renewal.as_ref(),
        }
    }
    /// Whether a promotion starts a new term
    /// (`membership.term_restarts_on_promotion`; default false: the term
    /// runs on from the grant or renewal of the level held).
    pub fn term_restarts_on_promotion(&self) -> bool {
        self.terms.as_ref().is_some_and(|t| t.restarts_on_promotion)
    }
    /// The benefits.
    pub fn benefits(&self) -> &[Benefit] {
        &self.benefits
    }
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.name, self.version)
    }
}

/// Finds ids given in ascending order in a sorted list, moving forward only.
pub(crate) struct Merge<'a, K> {
    list: &'a [(K, usize)],
}

impl<'a, K: std::borrow::Borrow<str>> Merge<'a, K> {
    pub(crate) fn new(list: &'a [(K, usize)]) -> Self {
        Self { list }
    }

    /// The index of `id`; ids must be asked for in ascending order.
    pub(crate) fn find(&mut self, id: &str) -> Option<usize> {
        while let Some(((k, i), rest)) = self.list.split_first() {
            match k.borrow().cmp(id) {
                std::cmp::Ordering::Less => self.list = rest,
                std::cmp::Ordering::Equal => return Some(*i),
                std::cmp::Ordering::Greater => return None,
            }
        }
        None
    }
}
