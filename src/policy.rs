//! The validated policy model and the checks that build it from the raw layer.

use crate::hash::Map;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use crate::bitset::BitSet;
use crate::error::{
    DiagnosticKind as K, Diagnostics, LineFlaw, LoadError, line_flaw, quote, quote_code_points,
    shows_nothing, shows_nothing_message,
};
use crate::id::{BenefitId, FactId, ItemId, KindId, LevelId, SetId, StandardId};
use crate::limits::{Limits, read_text, text_of};
use crate::raw::{
    RawBenefit, RawFactType, RawItemCount, RawNaPolicy, RawPolicy, RawRequirement, RawSelector,
};
use crate::requirement::{FactTest, ItemRule, Req, Requirement};
use crate::suggest::{did_you_mean, did_you_mean_or_list, quoted_join, quoted_list};
use crate::value::Value;
use crate::yaml::{self, SourceMap, index_path, key_path};

/// A policy file shipped inside the crate, so that nothing on disk is needed.
#[derive(Clone, Copy, Debug)]
pub struct Embedded {
    /// Where the file lives in the crate's repository, such as `standards/mmp-qbm-2.0.0.yaml`.
    pub path: &'static str,
    /// Its text.
    pub yaml: &'static str,
}

/// The policies embedded in the crate: every version of MMP's policy, oldest first.
pub const EMBEDDED: &[Embedded] = &[
    Embedded {
        path: "standards/mmp-qbm-1.0.0.yaml",
        yaml: include_str!("../standards/mmp-qbm-1.0.0.yaml"),
    },
    Embedded {
        path: "standards/mmp-qbm-2.0.0.yaml",
        yaml: include_str!("../standards/mmp-qbm-2.0.0.yaml"),
    },
];

impl Embedded {
    /// Loads the embedded policy.
    ///
    /// # Errors
    ///
    /// None in practice: the crate's tests load every embedded policy.
    pub fn load(&self) -> Result<Policy, LoadError> {
        Policy::from_yaml_named(self.yaml, &format!("{} (embedded)", self.path))
    }
}

/// A validated membership policy: levels, standards, items, facts and benefits.
///
/// Built only by loading YAML ([`Policy::from_yaml_str`], [`Policy::from_path`],
/// [`Policy::builtin`]), so every reference in it resolves and its levels are
/// totally ordered. Immutable, cheap to share behind an `Arc`.
#[derive(Clone, Debug)]
pub struct Policy {
    pub(crate) name: Arc<str>,
    pub(crate) version: semver::Version,
    pub(crate) title: String,
    pub(crate) description: Option<String>,
    origin: String,
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
    raw: RawPolicy,
}

/// A kind of item, such as benchmark or enhancement.
#[derive(Clone, Debug)]
pub struct Kind {
    id: KindId,
    title: String,
    not_applicable_forbidden: bool,
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
    id: FactId,
    title: String,
    question: Option<String>,
    pub(crate) ty: FactType,
    /// For a number fact derived from a date fact: whole months since it.
    pub(crate) months_since: Option<usize>,
    /// Which way the fact improves, where the policy says.
    pub(crate) better: Option<Better>,
}

impl Fact {
    /// Whether some value the fact can take lies between `lo` and `hi`
    /// (inclusive): a number within its `min` and `max` as a program gives
    /// it, or, for a fact derived from a date, the whole number of months
    /// counted when it is not given (0 or more, whatever `min` and `max`
    /// say). Always for a fact that is not a number, or whose bounds are
    /// themselves refused (`min` above `max`).
    fn takes(&self, lo: f64, hi: f64) -> bool {
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
    fn declared_max(&self) -> Option<f64> {
        match &self.ty {
            FactType::Number { max, .. } => *max,
            _ => None,
        }
    }

    /// What values the fact takes, as a message says it: "fact `x` is at
    /// most 10".
    fn range_said(&self) -> String {
        let (min, max) = match &self.ty {
            FactType::Number { min, max, .. } => (*min, *max),
            _ => (None, None),
        };
        let range = match (min, max) {
            (Some(a), Some(b)) => format!("between {a} and {b}"),
            (Some(a), None) => format!("at least {a}"),
            (None, Some(b)) => format!("at most {b}"),
            (None, None) => "any number".to_owned(),
        };
        if self.months_since.is_some() {
            format!(
                "fact `{}` is {range} when given, and otherwise a whole number of months",
                self.id
            )
        } else {
            format!("fact `{}` is {range}", self.id)
        }
    }

    /// The hint for a comparison no value of the fact meets.
    fn range_hint(&self) -> String {
        format!(
            "a program's answer is checked against `min` and `max` of fact `{}`: change the comparison, or the fact's bounds",
            self.id
        )
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
    id: StandardId,
    pub(crate) title: Arc<str>,
    description: Option<String>,
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
    id: ItemId,
    pub(crate) title: Arc<str>,
    pub(crate) question: Arc<str>,
    kind: KindId,
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
    id: SetId,
    title: String,
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
    id: LevelId,
    rank: u32,
    pub(crate) title: Arc<str>,
    description: Option<String>,
    pub(crate) requires: Vec<Requirement>,
    pub(crate) time_limit: Option<TimeLimit>,
}

/// How long a transitional level lasts before the program reverts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimeLimit {
    /// How long after it is granted the level lasts, unless the program moves up.
    pub after: crate::date::Period,
    /// The level it reverts to; `None` for no level.
    pub reverts_to: Option<LevelId>,
    pub(crate) reverts_to_index: Option<usize>,
}

/// How often a level held must be renewed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Renewal {
    /// The term: a level expires this long after it was granted or last renewed.
    pub every: crate::date::Period,
    /// How long before expiry a program is due for renewal.
    pub window: crate::date::Period,
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
    id: BenefitId,
    pub(crate) title: Arc<str>,
    description: Option<String>,
    grant: Grant,
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
    /// Loads and validates a policy from YAML text.
    ///
    /// # Errors
    ///
    /// [`LoadError::Invalid`] listing every problem found: unknown fields
    /// (with the nearest known name), duplicate ids, unknown references,
    /// ranks that do not order the levels, thresholds of the wrong type,
    /// cycles, rules that can never hold (an empty `one_of`, a range upside
    /// down or outside what the fact takes, a renewal window not shorter
    /// than its term), an id, name or title that shows nothing (blank, or
    /// only invisible characters), ids that differ only in Unicode
    /// normalisation, and an id, name, title, unit, choice or label that is
    /// not one line of visible text.
    ///
    /// # Example
    ///
    /// ```
    /// let policy = qbm::Policy::from_yaml_str(qbm::EMBEDDED[0].yaml)?;
    /// assert_eq!(policy.name(), "mmp-qbm");
    /// assert_eq!(policy.version().to_string(), "1.0.0");
    /// # Ok::<(), qbm::LoadError>(())
    /// ```
    pub fn from_yaml_str(text: &str) -> Result<Self, LoadError> {
        Self::from_yaml_named(text, "<input>")
    }

    /// Like [`Policy::from_yaml_str`], naming the text `origin` in errors.
    ///
    /// # Errors
    ///
    /// As [`Policy::from_yaml_str`].
    pub fn from_yaml_named(text: &str, origin: &str) -> Result<Self, LoadError> {
        Self::from_yaml_with_limits(text, origin, &Limits::default())
    }

    /// Like [`Policy::from_yaml_named`], within the given [`Limits`].
    ///
    /// # Errors
    ///
    /// As [`Policy::from_yaml_str`], and [`DiagnosticKind::Limit`](crate::DiagnosticKind::Limit)
    /// for a document past a limit.
    pub fn from_yaml_with_limits(
        text: &str,
        origin: &str,
        limits: &Limits,
    ) -> Result<Self, LoadError> {
        let (raw, map) =
            yaml::parse::<RawPolicy>(text, origin, limits).map_err(LoadError::Invalid)?;
        let mut policy = Builder::new(&map, limits)
            .build(raw)
            .map_err(LoadError::Invalid)?;
        policy.origin = origin.to_owned();
        Ok(policy)
    }

    /// Loads a policy from bytes as they arrive (an upload, a request body),
    /// within the given [`Limits`]: the size is checked before anything
    /// else, and bytes that are not UTF-8 are refused with the line and
    /// column where they break.
    ///
    /// # Errors
    ///
    /// As [`Policy::from_yaml_with_limits`], and
    /// [`DiagnosticKind::Syntax`](crate::DiagnosticKind::Syntax) for bytes
    /// that are not UTF-8.
    ///
    /// # Example
    ///
    /// ```
    /// use qbm::{Limits, Policy};
    ///
    /// let policy = Policy::from_yaml_bytes(qbm::EMBEDDED[0].yaml.as_bytes(), "upload", &Limits::default())?;
    /// assert_eq!(policy.origin(), "upload");
    /// # Ok::<(), qbm::LoadError>(())
    /// ```
    pub fn from_yaml_bytes(bytes: &[u8], origin: &str, limits: &Limits) -> Result<Self, LoadError> {
        let text = text_of(bytes, origin, limits)?;
        Self::from_yaml_with_limits(text, origin, limits)
    }

    /// Reads, loads and validates a policy file.
    ///
    /// # Errors
    ///
    /// [`LoadError::Read`] when the file cannot be read, otherwise as
    /// [`Policy::from_yaml_str`], with the path in every diagnostic.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self, LoadError> {
        Self::from_path_with_limits(path, &Limits::default())
    }

    /// Like [`Policy::from_path`], within the given [`Limits`]: a file over
    /// `max_input_bytes` is refused before it is read.
    ///
    /// # Errors
    ///
    /// As [`Policy::from_path`], and
    /// [`DiagnosticKind::Limit`](crate::DiagnosticKind::Limit) for a file
    /// past a limit.
    pub fn from_path_with_limits(
        path: impl AsRef<Path>,
        limits: &Limits,
    ) -> Result<Self, LoadError> {
        let path = path.as_ref();
        let text = read_text(path, limits)?;
        Self::from_yaml_with_limits(&text, &path.display().to_string(), limits)
    }

    /// The newest MMP Quality-Based Membership policy embedded in the crate.
    ///
    /// [`Catalog::builtin`](crate::Catalog::builtin) holds every embedded
    /// version, for assessments answered against an older one.
    ///
    /// # Errors
    ///
    /// None in practice: the embedded text is validated by the crate's tests.
    /// The `Result` stays so that no code path can panic.
    ///
    /// # Example
    ///
    /// ```
    /// let policy = qbm::Policy::builtin()?;
    /// let levels: Vec<&str> = policy.levels().iter().map(|l| l.id().as_str()).collect();
    /// assert_eq!(levels, ["affiliate", "associate_partner", "partner"]);
    /// # Ok::<(), qbm::LoadError>(())
    /// ```
    pub fn builtin() -> Result<Self, LoadError> {
        match EMBEDDED.last() {
            Some(newest) => newest.load(),
            None => Err(LoadError::Invalid(Diagnostics(Vec::new()))),
        }
    }

    /// Writes the policy back as YAML that loads to the same policy.
    ///
    /// Comments and key order of the original are not kept.
    pub fn to_yaml(&self) -> String {
        // Serializing plain structs of strings, numbers and lists cannot fail;
        // should it ever, the error text is better than a panic.
        yaml::to_string(&self.raw).unwrap_or_else(|e| format!("# cannot write policy: {e}\n"))
    }

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
    /// Where it was loaded from: a path, `<input>`, or an embedded file's path.
    pub fn origin(&self) -> &str {
        &self.origin
    }
    /// The levels, lowest first.
    pub fn levels(&self) -> &[Level] {
        &self.levels
    }
    /// The level with this id.
    pub fn level(&self, id: &str) -> Option<&Level> {
        self.level_position(id).and_then(|i| self.levels.get(i))
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
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.item_position(id).and_then(|i| self.items.get(i))
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

/// Ids with their positions, sorted by id.
fn sorted_ids<K: Ord>(ids: impl Iterator<Item = K>) -> Vec<(K, usize)> {
    let mut v: Vec<(K, usize)> = ids.zip(0..).collect();
    v.sort();
    v
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

/// Builds a [`Policy`] from the raw layer, collecting every problem.
struct Builder<'m> {
    map: &'m SourceMap,
    limits: &'m Limits,
    errors: crate::error::Found,
    sets: SetResolver,
    /// How deep the requirement being built is nested.
    depth: usize,
    /// Every distinct selection of items made by a requirement, with its
    /// bits: see [`Builder::shared`].
    selections: Map<Arc<[usize]>, Arc<BitSet>>,
}

/// Named sets resolved to their items; a set that failed is reported once.
#[derive(Default)]
struct SetResolver {
    resolved: Vec<Option<Vec<usize>>>,
    failed: Vec<bool>,
    visiting: Vec<usize>,
}

/// Checks ids for duplicates and builds an id -> index map.
///
/// The ids come as a trait object, so that one copy of these checks serves
/// every list: a copy per list, as a generic function would make, gave each
/// check's rare branches once per list, and the fuzzers had to find each
/// flaw in each list before their coverage could settle.
fn index_ids(
    b: &mut Builder<'_>,
    what: &str,
    list: &str,
    ids: &mut dyn Iterator<Item = (String, &str)>,
) -> Map<String, usize> {
    // Each id's index, and the path of its `id` key for a duplicate's hint.
    let mut seen: Map<String, (usize, String)> = Map::default();
    // The ids not in NFC, by their NFC form, each with its path: an id
    // equal to another after normalisation is a duplicate too.
    let mut denormal: Map<String, (String, String)> = Map::default();
    for (i, (path, id)) in ids.enumerate() {
        let id_path = key_path(&path, "id");
        if id.trim().is_empty() {
            b.err(
                K::InvalidValue,
                &id_path,
                format!("{what} id is empty"),
                None,
            );
            continue;
        }
        if shows_nothing(id) {
            let (message, hint) = shows_nothing_message(&format_args!("{what} id"), id);
            b.err(K::InvalidValue, &id_path, message, Some(hint));
            continue;
        }
        // Lazily worded: ids are many, and a flaw rare.
        b.one_line(id, &|| id_path.clone(), &format_args!("{what} id"));
        if id.len() > b.limits.max_id_bytes {
            let hint = Some(format!("ids are at most {} bytes", b.limits.max_id_bytes));
            let message = format!("{what} id {} is {} bytes long", quote(id), id.len());
            b.err(K::Limit, &id_path, message, hint);
            continue;
        }
        if let Some((_, first)) = seen.get(id) {
            let hint = Some(format!(
                "first used at `{first}`; ids are unique among {list}"
            ));
            b.err(
                K::DuplicateId,
                &id_path,
                format!("duplicate {what} id {}", quote(id)),
                hint,
            );
            continue;
        }
        // An id spelled in another Unicode normal form than an earlier one:
        // an NFC id after the same id not in NFC, or an id not in NFC after
        // its NFC form or after another spelling of it.
        let normal = nfc(id);
        let twin = match &normal {
            None => denormal
                .get(id)
                .map(|(raw, at)| (raw.as_str(), at.as_str())),
            Some(n) => seen
                .get(n.as_str())
                .map(|(_, at)| (n.as_str(), at.as_str()))
                .or_else(|| denormal.get(n).map(|(raw, at)| (raw.as_str(), at.as_str()))),
        };
        if let Some((first_id, first)) = twin {
            let message = format!(
                "duplicate {what} id {}: it differs from {} only in Unicode normalisation",
                quote_code_points(id),
                quote_code_points(first_id)
            );
            let hint = format!(
                "first used at `{first}`; write both the same way (NFC, as most editors save text)"
            );
            b.err(K::DuplicateId, &id_path, message, Some(hint));
        }
        if let Some(n) = normal {
            denormal
                .entry(n)
                .or_insert_with(|| (id.to_owned(), id_path.clone()));
        }
        // A twin is indexed too, so that references spelled like it
        // resolve: the duplicate is reported once, where it is defined.
        seen.insert(id.to_owned(), (i, id_path));
    }
    seen.into_iter().map(|(id, (i, _))| (id, i)).collect()
}

/// The NFC form of `text`, or `None` when it is in NFC already (ASCII text
/// always is, and most other text passes the quick check).
fn nfc(text: &str) -> Option<String> {
    use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};
    if text.is_ascii() || is_nfc_quick(text.chars()) == IsNormalized::Yes {
        return None;
    }
    let normal: String = text.nfc().collect();
    (normal != text).then_some(normal)
}

/// The id among `known` that `name` spells in another Unicode normal form
/// (NFC or NFD), if there is one.
fn twin_of<'k, T>(name: &str, known: &'k Map<String, T>) -> Option<&'k str> {
    use unicode_normalization::UnicodeNormalization;
    if name.is_ascii() {
        return None;
    }
    let nfc: String = name.nfc().collect();
    let nfd: String = name.nfd().collect();
    [nfc, nfd]
        .iter()
        .filter(|form| form.as_str() != name)
        .find_map(|form| known.get_key_value(form.as_str()))
        .map(|(k, _)| k.as_str())
}

impl<'m> Builder<'m> {
    fn new(map: &'m SourceMap, limits: &'m Limits) -> Self {
        Self {
            map,
            limits,
            errors: crate::error::Found::new(limits.max_diagnostics, limits.max_suggestions, true),
            sets: SetResolver::default(),
            depth: 0,
            selections: Map::default(),
        }
    }

    fn err(&mut self, kind: K, path: &str, message: impl Into<String>, hint: Option<String>) {
        self.errors.push(self.map.diag(kind, path, message, hint));
    }

    /// Checks a text that reports and messages show on one line (an id, a
    /// name, a title, a unit, a choice, a label), called `what` in the
    /// error: a line break, a control character or an invisible mark in it
    /// would break the line, or hide or reorder what the line shows. `at`
    /// gives the text's path, built only for an error.
    ///
    /// One copy serves every text (`at` and `what` are trait objects, and it
    /// is never inlined), so that its branches for each kind of flaw are
    /// not repeated for each field, where the fuzzers had to find every
    /// flaw in every field before their coverage could settle.
    #[inline(never)]
    fn one_line(&mut self, text: &str, at: &dyn Fn() -> String, what: &dyn fmt::Display) {
        let Some(flaw) = line_flaw(text) else {
            return;
        };
        let (message, hint) = match flaw {
            LineFlaw::Break { trailing } => (
                format!("the {what} {} is more than one line", quote(text)),
                if trailing {
                    "a block scalar (`>` or `|`) keeps its last line break: write `>-` or `|-`"
                        .to_owned()
                } else {
                    format!("write the {what} on one line")
                },
            ),
            LineFlaw::Hidden => (
                format!(
                    "the {what} {} holds a control character or an invisible mark",
                    quote(text)
                ),
                "remove it: where the text is shown, it would hide or reorder what follows"
                    .to_owned(),
            ),
        };
        self.err(K::InvalidValue, &at(), message, Some(hint));
    }

    /// As [`Builder::one_line`], for a name or a title, which must not be
    /// blank either.
    fn named(&mut self, text: &str, at: &dyn Fn() -> String, what: &str) {
        match self.map.blank(text, at, what, None) {
            Some(d) => self.errors.push(d),
            None if shows_nothing(text) => {
                let (message, hint) = shows_nothing_message(&what, text);
                self.err(K::InvalidValue, &at(), message, Some(hint));
            }
            None => self.one_line(text, at, &what),
        }
    }

    /// Checks every title, unit and choice value, as [`Builder::one_line`]
    /// says; ids are checked as they are indexed, labels as their
    /// requirements are built, and the policy's name with its header.
    fn check_lines(&mut self, raw: &RawPolicy) {
        self.named(&raw.policy.title, &|| "policy.title".into(), "title");
        let at = |list: &str, i: usize, key: &str| key_path(&index_path(list, i), key);
        for (i, k) in raw.kinds.iter().enumerate() {
            self.named(&k.title, &|| at("kinds", i, "title"), "title");
        }
        for (i, f) in raw.facts.iter().enumerate() {
            self.named(&f.title, &|| at("facts", i, "title"), "title");
            if let Some(unit) = &f.unit {
                self.one_line(unit, &|| at("facts", i, "unit"), &"unit");
            }
            for (j, value) in f.values.iter().enumerate() {
                let path = || index_path(&at("facts", i, "values"), j);
                self.one_line(value, &path, &"choice");
            }
        }
        for (s, standard) in raw.standards.iter().enumerate() {
            self.named(&standard.title, &|| at("standards", s, "title"), "title");
            let item = |i: usize, key: &str| at(&at("standards", s, "items"), i, key);
            for (i, it) in standard.items.iter().enumerate() {
                self.named(&it.title, &|| item(i, "title"), "title");
                if let Some(n) = &it.number {
                    let unit = || key_path(&item(i, "number"), "unit");
                    self.one_line(&n.unit, &unit, &"unit");
                }
            }
        }
        for (i, set) in raw.sets.iter().enumerate() {
            self.named(&set.title, &|| at("sets", i, "title"), "title");
        }
        for (i, level) in raw.levels.iter().enumerate() {
            self.named(&level.title, &|| at("levels", i, "title"), "title");
        }
        for (i, b) in raw.benefits.iter().enumerate() {
            self.named(&b.title, &|| at("benefits", i, "title"), "title");
            if let Some(q) = &b.quantity {
                let unit = || key_path(&at("benefits", i, "quantity"), "unit");
                self.one_line(&q.unit, &unit, &"unit");
            }
            if let Some(d) = &b.discount {
                let on = || key_path(&at("benefits", i, "discount"), "on");
                self.one_line(&d.on, &on, &"discount's `on`");
            }
        }
    }

    /// The items of a requirement's selection and their bits, shared with
    /// every earlier requirement that selected the same items.
    ///
    /// A selection, sets followed, is the items of one standard (or all)
    /// and of one kind (or all), within all items or within a list the
    /// policy writes out (`items: [...]`, the last in a chain of sets), so
    /// the distinct selections of a policy hold at most four times its
    /// items and its lists, however many requirements repeat them: kept
    /// once each, they cost memory linear in the policy. One copy per
    /// requirement cost requirements x items (20,000 `all_met` over 10,000
    /// items: 1.6 GB from 1.4 MB of YAML).
    fn shared(&mut self, n: usize, items: Vec<usize>) -> (Arc<[usize]>, Arc<BitSet>) {
        if let Some((known, bits)) = self.selections.get_key_value(items.as_slice()) {
            return (Arc::clone(known), Arc::clone(bits));
        }
        let items: Arc<[usize]> = items.into();
        let bits = Arc::new(BitSet::of(n, &items));
        self.selections
            .insert(Arc::clone(&items), Arc::clone(&bits));
        (items, bits)
    }

    /// Reports an unknown reference with the nearest known name.
    fn unknown<T>(&mut self, path: &str, what: &str, name: &str, known: &Map<String, T>) {
        let plural = if what.ends_with('s') {
            what.to_owned()
        } else {
            format!("{what}s")
        };
        let hint = match twin_of(name, known) {
            Some(twin) => Some(format!(
                "did you mean {}? {} differs from it only in Unicode normalisation",
                quote_code_points(twin),
                quote_code_points(name)
            )),
            // Only the first `Limits::max_suggestions` unknown names of a
            // policy are searched for a near name; the rest are named only
            // when there are few enough names to list them (at most 11 read).
            None if self.errors.may_suggest() => {
                did_you_mean_or_list(name, &plural, known.keys().map(String::as_str))
            }
            None => crate::suggest::list_if_few(&plural, known.keys().map(String::as_str)),
        };
        self.err(
            K::UnknownReference,
            path,
            format!("unknown {what} {}", quote(name)),
            hint,
        );
    }

    fn build(mut self, raw: RawPolicy) -> Result<Policy, Diagnostics> {
        let items: usize = raw.standards.iter().map(|s| s.items.len()).sum();
        if items > self.limits.max_items || raw.levels.len() > self.limits.max_levels {
            let (what, n, max) = if items > self.limits.max_items {
                ("items", items, self.limits.max_items)
            } else {
                ("levels", raw.levels.len(), self.limits.max_levels)
            };
            self.err(
                K::Limit,
                "",
                format!("the policy has {n} {what}, over the limit of {max}"),
                Some(format!("the limit is `Limits::max_{what}`")),
            );
            return Err(self.errors.finish());
        }
        self.check_lines(&raw);
        let h = &raw.policy;
        self.named(&h.name, &|| "policy.name".into(), "policy name");

        // Kinds.
        let kind_ids = index_ids(
            &mut self,
            "kind",
            "kinds",
            &mut raw
                .kinds
                .iter()
                .enumerate()
                .map(|(i, k)| (index_path("kinds", i), k.id.as_str())),
        );
        let kinds: Vec<Kind> = raw
            .kinds
            .iter()
            .map(|k| Kind {
                id: KindId::new(&k.id),
                title: k.title.clone(),
                not_applicable_forbidden: k.not_applicable == RawNaPolicy::Forbidden,
            })
            .collect();

        // Facts.
        let fact_ids = index_ids(
            &mut self,
            "fact",
            "facts",
            &mut raw
                .facts
                .iter()
                .enumerate()
                .map(|(i, f)| (index_path("facts", i), f.id.as_str())),
        );
        let mut facts = Vec::with_capacity(raw.facts.len());
        for (i, f) in raw.facts.iter().enumerate() {
            let path = index_path("facts", i);
            let ty = match f.ty {
                RawFactType::Date => FactType::Date,
                RawFactType::Choice => {
                    if f.values.is_empty() {
                        self.err(
                            K::InvalidValue,
                            &key_path(&path, "values"),
                            format!("choice fact {} lists no values", quote(&f.id)),
                            Some("add `values: [a, b, ...]`".into()),
                        );
                    }
                    FactType::Choice(f.values.clone())
                }
                RawFactType::Boolean | RawFactType::Number => {
                    if !f.values.is_empty() {
                        self.err(
                            K::InvalidValue,
                            &key_path(&path, "values"),
                            format!(
                                "only a choice fact lists values; {} is not one",
                                quote(&f.id)
                            ),
                            Some("set `type: choice` or remove `values`".into()),
                        );
                    }
                    if f.ty == RawFactType::Boolean {
                        FactType::Boolean
                    } else {
                        if let (Some(lo), Some(hi)) = (f.min, f.max)
                            && lo > hi
                        {
                            self.err(
                                K::InvalidValue,
                                &key_path(&path, "max"),
                                format!("`max` {hi} is below `min` {lo}"),
                                None,
                            );
                        }
                        FactType::Number {
                            unit: f.unit.clone(),
                            min: f.min,
                            max: f.max,
                        }
                    }
                }
            };
            for (key, bound) in [("min", f.min), ("max", f.max)] {
                if bound.is_some_and(|b| !b.is_finite()) {
                    self.err(
                        K::InvalidValue,
                        &key_path(&path, key),
                        format!("`{key}` is not a finite number"),
                        None,
                    );
                }
            }
            if f.ty != RawFactType::Number && (f.min.is_some() || f.max.is_some()) {
                self.err(
                    K::InvalidValue,
                    &path,
                    format!(
                        "only a number fact has `min` and `max`; {} is not one",
                        quote(&f.id)
                    ),
                    None,
                );
            }
            facts.push(Fact {
                id: FactId::new(&f.id),
                title: f.title.clone(),
                question: f.question.clone(),
                ty,
                months_since: None,
                better: f.better,
            });
        }

        // Which way each fact improves must suit its type.
        for (i, f) in raw.facts.iter().enumerate() {
            use Better as B;
            let Some(better) = f.better else { continue };
            let fits = matches!(
                (f.ty, better),
                (RawFactType::Number, B::More | B::Less)
                    | (RawFactType::Boolean, B::True | B::False)
                    | (RawFactType::Choice, B::Later | B::Earlier)
            );
            if !fits {
                self.err(
                    K::InvalidValue,
                    &key_path(&index_path("facts", i), "better"),
                    format!("fact {} cannot improve that way", quote(&f.id)),
                    Some("a number is better `more` or `less`, a boolean `true` or `false`, a choice `later` or `earlier` in its values".into()),
                );
            }
        }

        // Facts derived from dates.
        for (i, f) in raw.facts.iter().enumerate() {
            let Some(d) = &f.derive else { continue };
            let path = key_path(&key_path(&index_path("facts", i), "derive"), "months_since");
            if f.ty != RawFactType::Number {
                self.err(
                    K::ThresholdType,
                    &path,
                    format!("only a number fact is derived; {} is not one", quote(&f.id)),
                    None,
                );
                continue;
            }
            match fact_ids.get(&d.months_since) {
                None => self.unknown(&path, "fact", &d.months_since, &fact_ids),
                Some(&src) if facts.get(src).is_some_and(|s| s.ty == FactType::Date) => {
                    if let Some(fact) = facts.get_mut(i) {
                        fact.months_since = Some(src);
                    }
                }
                Some(_) => self.err(
                    K::ThresholdType,
                    &path,
                    format!(
                        "months are counted since a date fact; {} is not one",
                        quote(&d.months_since)
                    ),
                    Some("declare it with `type: date`".into()),
                ),
            }
        }

        // Standards and their items.
        let standard_ids = index_ids(
            &mut self,
            "standard",
            "standards",
            &mut raw
                .standards
                .iter()
                .enumerate()
                .map(|(i, s)| (index_path("standards", i), s.id.as_str())),
        );
        let item_ids = index_ids(
            &mut self,
            "item",
            "the items of all standards",
            &mut raw.standards.iter().enumerate().flat_map(|(si, s)| {
                s.items.iter().enumerate().map(move |(ii, it)| {
                    (
                        index_path(&key_path(&index_path("standards", si), "items"), ii),
                        it.id.as_str(),
                    )
                })
            }),
        );
        let mut standards = Vec::with_capacity(raw.standards.len());
        let mut items = Vec::new();
        for (si, s) in raw.standards.iter().enumerate() {
            let spath = index_path("standards", si);
            let start = items.len();
            for (ii, it) in s.items.iter().enumerate() {
                let path = index_path(&key_path(&spath, "items"), ii);
                match kind_ids.get(&it.kind).and_then(|&k| kinds.get(k)) {
                    None => self.unknown(&key_path(&path, "kind"), "kind", &it.kind, &kind_ids),
                    Some(kind) if kind.not_applicable_forbidden && it.not_applicable => self.err(
                        K::NotApplicable,
                        &key_path(&path, "not_applicable"),
                        format!(
                            "item {} allows not-applicable, but its kind {} forbids it",
                            quote(&it.id),
                            quote(&it.kind)
                        ),
                        Some("remove `not_applicable: true`, or change the kind".into()),
                    ),
                    Some(_) => {}
                }
                let threshold = it.number.as_ref().and_then(|n| {
                    let npath = key_path(&path, "number");
                    let at_least = match &n.at_least {
                        Value::Number(x) => Some(*x),
                        other => {
                            self.err(
                                K::ThresholdType,
                                &key_path(&npath, "at_least"),
                                format!(
                                    "threshold of item {} is {} {}, not a number",
                                    quote(&it.id),
                                    other.type_name(),
                                    quote(&other.to_string())
                                ),
                                None,
                            );
                            None
                        }
                    };
                    let declared = n.declared_by.as_ref().and_then(|fid| {
                        let dpath = key_path(&npath, "declared_by");
                        match fact_ids.get(fid) {
                            None => {
                                self.unknown(&dpath, "fact", fid, &fact_ids);
                                None
                            }
                            Some(&fi) => match facts.get(fi).map(|f| &f.ty) {
                                Some(FactType::Number { .. }) => Some(fi),
                                Some(ty) => {
                                    self.err(
                                        K::ThresholdType,
                                        &dpath,
                                        format!(
                                            "fact {} declares a threshold but is a {}, not a number",
                                            quote(fid),
                                            ty.name()
                                        ),
                                        None,
                                    );
                                    None
                                }
                                None => None,
                            },
                        }
                    });
                    at_least.map(|at_least| Threshold {
                        unit: n.unit.clone(),
                        at_least,
                        declared_by: declared.map(|_| FactId::new(n.declared_by.clone().unwrap_or_default())),
                        declared_by_index: declared,
                    })
                });
                items.push(Item {
                    id: ItemId::new(&it.id),
                    title: it.title.as_str().into(),
                    question: it.question.as_str().into(),
                    kind: KindId::new(&it.kind),
                    standard: si,
                    not_applicable: it.not_applicable,
                    threshold,
                });
            }
            standards.push(Standard {
                id: StandardId::new(&s.id),
                title: s.title.as_str().into(),
                description: s.description.clone(),
                items: start..items.len(),
            });
        }

        // Named sets, which may name other sets.
        if raw.sets.len() > self.limits.max_sets {
            self.err(
                K::Limit,
                "sets",
                format!(
                    "the policy has {} sets, over the limit of {}",
                    raw.sets.len(),
                    self.limits.max_sets
                ),
                Some("the limit is `Limits::max_sets`".into()),
            );
            return Err(self.errors.finish());
        }
        let set_ids = index_ids(
            &mut self,
            "set",
            "sets",
            &mut raw
                .sets
                .iter()
                .enumerate()
                .map(|(i, s)| (index_path("sets", i), s.id.as_str())),
        );
        let ctx = Ctx {
            raw: &raw,
            items: &items,
            facts: &facts,
            kind_ids: &kind_ids,
            fact_ids: &fact_ids,
            standard_ids: &standard_ids,
            item_ids: &item_ids,
            set_ids: &set_ids,
            level_ids: Map::default(),
        };
        self.sets.resolved = vec![None; raw.sets.len()];
        self.sets.failed = vec![false; raw.sets.len()];
        for i in 0..raw.sets.len() {
            self.resolve_set(&ctx, i);
        }
        let sets: Vec<ItemSet> = raw
            .sets
            .iter()
            .zip(&self.sets.resolved)
            .map(|(s, r)| ItemSet {
                id: SetId::new(&s.id),
                title: s.title.clone(),
                items: r.clone().unwrap_or_default(),
            })
            .collect();

        // Levels: ordered by rank, which must be distinct.
        let level_ids_by_list = index_ids(
            &mut self,
            "level",
            "levels",
            &mut raw
                .levels
                .iter()
                .enumerate()
                .map(|(i, l)| (index_path("levels", i), l.id.as_str())),
        );
        if raw.levels.is_empty() {
            self.err(
                K::InvalidValue,
                "levels",
                "the policy has no levels",
                Some("add at least one level".into()),
            );
        }
        let mut by_rank: Vec<usize> = (0..raw.levels.len()).collect();
        by_rank.sort_by_key(|&i| raw.levels.get(i).map(|l| l.rank));
        for pair in by_rank.windows(2) {
            if let [a, b] = pair
                && let (Some(la), Some(lb)) = (raw.levels.get(*a), raw.levels.get(*b))
                && la.rank == lb.rank
            {
                self.err(
                    K::LevelOrder,
                    &key_path(&index_path("levels", *b), "rank"),
                    format!(
                        "levels {} and {} share rank {}, so the order of levels is not total",
                        quote(&la.id),
                        quote(&lb.id),
                        la.rank
                    ),
                    Some("give every level a distinct rank, higher for better levels".into()),
                );
            }
        }
        // Position in rank order, by id and by list index.
        let level_ids: Map<String, usize> = by_rank
            .iter()
            .enumerate()
            .filter_map(|(pos, &i)| raw.levels.get(i).map(|l| (l.id.clone(), pos)))
            .collect();
        let ctx = Ctx { level_ids, ..ctx };
        let mut levels = Vec::with_capacity(raw.levels.len());
        for &i in &by_rank {
            let Some(l) = raw.levels.get(i) else { continue };
            let path = key_path(&index_path("levels", i), "requires");
            let requires: Vec<Requirement> = l
                .requires
                .iter()
                .enumerate()
                .filter_map(|(ri, r)| self.requirement(&ctx, r, &index_path(&path, ri)))
                .collect();
            let time_limit = l.time_limit.as_ref().and_then(|t| {
                let tpath = key_path(&index_path("levels", i), "time_limit");
                if t.after.is_zero() {
                    self.err(
                        K::InvalidValue,
                        &key_path(&tpath, "after"),
                        "a time limit of no time",
                        Some("give `years`, `months` or `days`".into()),
                    );
                    return None;
                }
                let reverts_to_index = match &t.reverts_to {
                    None => None,
                    Some(to) => match ctx
                        .level_ids
                        .get(to)
                        .and_then(|&x| raw.levels.get(*by_rank.get(x)?).map(|lv| (x, lv)))
                    {
                        None => {
                            self.unknown(
                                &key_path(&tpath, "reverts_to"),
                                "level",
                                to,
                                &ctx.level_ids,
                            );
                            return None;
                        }
                        Some((_, lv)) if lv.rank >= l.rank => {
                            self.err(
                                K::LevelOrder,
                                &key_path(&tpath, "reverts_to"),
                                format!(
                                    "level {} reverts to {}, which is not below it",
                                    quote(&l.id),
                                    quote(to)
                                ),
                                None,
                            );
                            return None;
                        }
                        Some((x, _)) => Some(x),
                    },
                };
                Some(TimeLimit {
                    after: t.after,
                    reverts_to: t.reverts_to.as_deref().map(LevelId::new),
                    reverts_to_index,
                })
            });
            levels.push(Level {
                id: LevelId::new(&l.id),
                rank: l.rank,
                title: l.title.as_str().into(),
                description: l.description.clone(),
                requires,
                time_limit,
            });
        }
        let _ = level_ids_by_list;
        self.level_cycles(&raw, &ctx.level_ids, &levels, &by_rank);

        // Benefits.
        let _ = index_ids(
            &mut self,
            "benefit",
            "benefits",
            &mut raw
                .benefits
                .iter()
                .enumerate()
                .map(|(i, b)| (index_path("benefits", i), b.id.as_str())),
        );
        let benefits: Vec<Benefit> = raw
            .benefits
            .iter()
            .enumerate()
            .filter_map(|(i, b)| self.benefit(&ctx, &levels, b, &index_path("benefits", i)))
            .collect();

        let renewal = raw
            .membership
            .as_ref()
            .and_then(|m| m.renewal.as_ref())
            .and_then(|r| {
                if r.every.is_zero() {
                    self.err(
                        K::InvalidValue,
                        "membership.renewal.every",
                        "a renewal term of no time",
                        None,
                    );
                    return None;
                }
                let window = r.window.unwrap_or_default();
                if let Some(start) = crate::date::window_reaches_start(window, r.every) {
                    self.err(
                        K::Unsatisfiable,
                        "membership.renewal.window",
                        format!(
                            "a renewal window of {window} is not shorter than the term of {}: a membership started on {start} would be due for renewal from its first day",
                            r.every
                        ),
                        Some("make the window shorter than the term's shortest: a month is 28 to 31 days, a year 365 or 366".into()),
                    );
                    return None;
                }
                Some(Renewal {
                    every: r.every,
                    window,
                })
            });
        if !self.errors.is_empty() {
            // Report in document order.
            return Err(self.errors.finish());
        }
        let item_order = sorted_ids(items.iter().map(|it| it.id.clone()));
        let fact_order = sorted_ids(facts.iter().map(|f| f.id.clone()));
        Ok(Policy {
            name: raw.policy.name.as_str().into(),
            version: raw.policy.version.clone(),
            title: raw.policy.title.clone(),
            description: raw.policy.description.clone(),
            origin: String::new(),
            kinds,
            facts,
            standards,
            items,
            sets,
            level_order: dependency_order(&levels),
            levels,
            benefits,
            renewal,
            item_order,
            fact_order,
            raw,
        })
    }

    /// Resolves set `i` to its items, reporting cycles between sets.
    fn resolve_set(&mut self, ctx: &Ctx<'_>, i: usize) -> Option<Vec<usize>> {
        if let Some(Some(done)) = self.sets.resolved.get(i) {
            return Some(done.clone());
        }
        if self.sets.failed.get(i).copied().unwrap_or(true) {
            return None;
        }
        let set = ctx.raw.sets.get(i)?;
        let path = key_path(&index_path("sets", i), "select");
        if let Some(start) = self.sets.visiting.iter().position(|&v| v == i) {
            let names: Vec<&str> = self
                .sets
                .visiting
                .get(start..)
                .unwrap_or_default()
                .iter()
                .chain(std::iter::once(&i))
                .filter_map(|&v| ctx.raw.sets.get(v).map(|s| s.id.as_str()))
                .collect();
            self.err(
                K::Cycle,
                &path,
                format!(
                    "sets name each other in a cycle: {}",
                    quoted_join(&names, " -> ")
                ),
                Some("a set may name only sets that do not lead back to it".into()),
            );
            for &v in self.sets.visiting.get(start..).unwrap_or_default() {
                if let Some(f) = self.sets.failed.get_mut(v) {
                    *f = true;
                }
            }
            return None;
        }
        // Resolving recurses once per set in a chain of sets naming sets:
        // the depth is checked before it grows, so the stack stays within
        // `Limits::max_set_depth` frames of this and `select`.
        if self.sets.visiting.len() >= self.limits.max_set_depth {
            let names: Vec<&str> = self
                .sets
                .visiting
                .iter()
                .chain(std::iter::once(&i))
                .filter_map(|&v| ctx.raw.sets.get(v).map(|s| s.id.as_str()))
                .collect();
            let at = self.sets.visiting.last().copied().unwrap_or(i);
            self.err(
                K::Limit,
                &key_path(&key_path(&index_path("sets", at), "select"), "set"),
                format!(
                    "sets name sets more than {} deep: {}",
                    self.limits.max_set_depth,
                    quoted_join(&names, " -> ")
                ),
                Some("select the items directly; the limit is `Limits::max_set_depth`".into()),
            );
            // Every set of the chain fails with it, reported once.
            for &v in &self.sets.visiting {
                if let Some(f) = self.sets.failed.get_mut(v) {
                    *f = true;
                }
            }
            if let Some(f) = self.sets.failed.get_mut(i) {
                *f = true;
            }
            return None;
        }
        self.sets.visiting.push(i);
        let items = self.select(ctx, &set.select, &path);
        self.sets.visiting.pop();
        match &items {
            Some(found) => {
                if let Some(slot) = self.sets.resolved.get_mut(i) {
                    *slot = Some(found.clone());
                }
            }
            None => {
                if let Some(f) = self.sets.failed.get_mut(i) {
                    *f = true;
                }
            }
        }
        items
    }

    /// Resolves a selector to the items it names (sorted item indices).
    fn select(&mut self, ctx: &Ctx<'_>, sel: &RawSelector, path: &str) -> Option<Vec<usize>> {
        if sel.standard.is_none() && sel.kind.is_none() && sel.set.is_none() && sel.items.is_none()
        {
            self.err(
                K::InvalidValue,
                path,
                "a selection names no items",
                Some("give at least one of `standard`, `kind`, `set`, `items`".into()),
            );
            return None;
        }
        let mut ok = true;
        let mut keep: Vec<bool> = vec![true; ctx.items.len()];
        if let Some(sid) = &sel.standard {
            match ctx.standard_ids.get(sid) {
                None => {
                    self.unknown(
                        &key_path(path, "standard"),
                        "standard",
                        sid,
                        ctx.standard_ids,
                    );
                    ok = false;
                }
                Some(&s) => keep
                    .iter_mut()
                    .zip(ctx.items)
                    .for_each(|(k, it)| *k &= it.standard == s),
            }
        }
        if let Some(kid) = &sel.kind {
            if ctx.kind_ids.contains_key(kid) {
                keep.iter_mut()
                    .zip(ctx.items)
                    .for_each(|(k, it)| *k &= it.kind.as_str() == kid);
            } else {
                self.unknown(&key_path(path, "kind"), "kind", kid, ctx.kind_ids);
                ok = false;
            }
        }
        if let Some(set) = &sel.set {
            match ctx.set_ids.get(set) {
                None => {
                    self.unknown(&key_path(path, "set"), "set", set, ctx.set_ids);
                    ok = false;
                }
                Some(&si) => match self.resolve_set(ctx, si) {
                    Some(m) => {
                        let mut inset = vec![false; ctx.items.len()];
                        for i in m {
                            if let Some(slot) = inset.get_mut(i) {
                                *slot = true;
                            }
                        }
                        keep.iter_mut().zip(inset).for_each(|(k, m)| *k &= m);
                    }
                    None => ok = false,
                },
            }
        }
        if let Some(list) = &sel.items {
            let mut inlist = vec![false; ctx.items.len()];
            for (n, id) in list.iter().enumerate() {
                match ctx.item_ids.get(id) {
                    Some(&i) => {
                        if let Some(slot) = inlist.get_mut(i) {
                            *slot = true;
                        }
                    }
                    None => {
                        self.unknown(
                            &index_path(&key_path(path, "items"), n),
                            "item",
                            id,
                            ctx.item_ids,
                        );
                        ok = false;
                    }
                }
            }
            keep.iter_mut().zip(inlist).for_each(|(k, m)| *k &= m);
        }
        if !ok {
            return None;
        }
        let chosen: Vec<usize> = keep
            .iter()
            .enumerate()
            .filter(|(_, k)| **k)
            .map(|(i, _)| i)
            .collect();
        if chosen.is_empty() {
            self.err(
                K::Unsatisfiable,
                path,
                "the selection matches no items",
                Some("criteria given together must all hold for an item".into()),
            );
            return None;
        }
        Some(chosen)
    }

    /// Builds a requirement, nested ones included: one call per level of
    /// nesting, checked against `Limits::max_requirement_depth` before it
    /// goes deeper (YAML nesting bounds it too, but only as long as
    /// `Limits::max_depth` stays near its default). What is built within
    /// the limit is as deep, so checking and evaluating it recurse as
    /// deep and no deeper.
    fn requirement(
        &mut self,
        ctx: &Ctx<'_>,
        r: &RawRequirement,
        path: &str,
    ) -> Option<Requirement> {
        if self.depth >= self.limits.max_requirement_depth {
            self.err(
                K::Limit,
                path,
                format!(
                    "requirements nest deeper than {} levels",
                    self.limits.max_requirement_depth
                ),
                Some("name a level, or flatten `all`/`any`; the limit is `Limits::max_requirement_depth`".into()),
            );
            return None;
        }
        self.depth += 1;
        let built = self.requirement_at(ctx, r, path);
        self.depth -= 1;
        built
    }

    /// [`Builder::requirement`], one level.
    fn requirement_at(
        &mut self,
        ctx: &Ctx<'_>,
        r: &RawRequirement,
        path: &str,
    ) -> Option<Requirement> {
        if let Some(label) = &r.label {
            self.one_line(label, &|| key_path(path, "label"), &"label");
        }
        let shapes: Vec<&str> = [
            ("all", r.all.is_some()),
            ("any", r.any.is_some()),
            ("not", r.not.is_some()),
            ("of", r.of.is_some()),
            ("fact", r.fact.is_some()),
            ("met", r.met.is_some()),
            ("all_met", r.all_met.is_some()),
            ("met_at_least", r.met_at_least.is_some()),
            ("level", r.level.is_some()),
            ("held", r.held.is_some()),
        ]
        .into_iter()
        .filter_map(|(n, present)| present.then_some(n))
        .collect();
        let comparisons: Vec<&str> = [
            ("equals", r.equals.is_some()),
            ("one_of", r.one_of.is_some()),
            ("at_least", r.at_least.is_some()),
            ("at_most", r.at_most.is_some()),
        ]
        .into_iter()
        .filter_map(|(n, present)| present.then_some(n))
        .collect();
        let shape = match shapes.as_slice() {
            [] => {
                let hint = if comparisons.is_empty() {
                    "use one of `all`, `any`, `not`, `at_least`+`of`, `fact`, `met`, `all_met`, `met_at_least`, `level`, `held`".to_owned()
                } else {
                    format!(
                        "`{}` compares a `fact`, or counts requirements with `of`",
                        comparisons.join("`, `")
                    )
                };
                self.err(
                    K::InvalidValue,
                    path,
                    "the requirement says nothing to check",
                    Some(hint),
                );
                return None;
            }
            [one] => *one,
            many => {
                self.err(
                    K::InvalidValue,
                    path,
                    format!("the requirement mixes `{}`", many.join("` and `")),
                    Some("a requirement has one shape; combine several with `all` or `any`".into()),
                );
                return None;
            }
        };
        // Comparison keys belong to `fact`, and `at_least` also to `of`.
        let stray: Vec<&str> = comparisons
            .iter()
            .copied()
            .filter(|c| match shape {
                "fact" => false,
                "of" => *c != "at_least",
                _ => true,
            })
            .collect();
        if !stray.is_empty() {
            self.err(
                K::InvalidValue,
                &key_path(path, stray.first().copied().unwrap_or_default()),
                format!("`{}` does not go with `{shape}`", stray.join("`, `")),
                Some(
                    "comparisons go with `fact`; `at_least` also counts requirements with `of`"
                        .into(),
                ),
            );
            return None;
        }
        let label = r.label.clone();
        let children =
            |b: &mut Self, list: &[RawRequirement], key: &str| -> Option<Vec<Requirement>> {
                let kp = key_path(path, key);
                if list.is_empty() {
                    b.err(
                        K::InvalidValue,
                        &kp,
                        format!("`{key}` lists no requirements"),
                        None,
                    );
                    return None;
                }
                let out: Vec<Requirement> = list
                    .iter()
                    .enumerate()
                    .filter_map(|(i, c)| b.requirement(ctx, c, &index_path(&kp, i)))
                    .collect();
                (out.len() == list.len()).then_some(out)
            };
        let kind = match shape {
            "all" => Req::All(children(self, r.all.as_deref().unwrap_or_default(), "all")?),
            "any" => Req::AtLeast(
                1,
                children(self, r.any.as_deref().unwrap_or_default(), "any")?,
            ),
            "not" => {
                let inner = r.not.as_deref()?;
                Req::Not(Box::new(self.requirement(
                    ctx,
                    inner,
                    &key_path(path, "not"),
                )?))
            }
            "of" => {
                let list = children(self, r.of.as_deref().unwrap_or_default(), "of")?;
                let np = key_path(path, "at_least");
                let n = match &r.at_least {
                    None => {
                        self.err(
                            K::InvalidValue,
                            path,
                            "`of` needs `at_least`: how many must hold",
                            None,
                        );
                        return None;
                    }
                    Some(Value::Number(n)) if n.fract() == 0.0 && *n >= 0.0 => *n,
                    Some(v) => {
                        self.err(
                            K::ThresholdType,
                            &np,
                            format!("`at_least` with `of` counts requirements, so it is a whole number, not {}", quote(&v.to_string())),
                            None,
                        );
                        return None;
                    }
                };
                if n > list.len() as f64 {
                    self.err(
                        K::Unsatisfiable,
                        &np,
                        format!(
                            "needs {n} of {} requirements, so it can never hold",
                            list.len()
                        ),
                        None,
                    );
                    return None;
                }
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                Req::AtLeast(n as usize, list)
            }
            "fact" => self.fact_requirement(ctx, r, path)?,
            "met" => {
                let id = r.met.as_deref().unwrap_or_default();
                match ctx.item_ids.get(id) {
                    Some(&i) => Req::Met(i),
                    None => {
                        self.unknown(&key_path(path, "met"), "item", id, ctx.item_ids);
                        return None;
                    }
                }
            }
            "all_met" => {
                let sel = r.all_met.as_ref()?;
                let items = self.select(ctx, sel, &key_path(path, "all_met"))?;
                let (items, bits) = self.shared(ctx.items.len(), items);
                Req::Items {
                    bits,
                    items,
                    rule: ItemRule::All,
                    scope: describe_selector(sel),
                }
            }
            "met_at_least" => {
                let c = r.met_at_least.as_ref()?;
                self.item_count(ctx, c, &key_path(path, "met_at_least"))?
            }
            "level" => {
                let id = r.level.as_deref().unwrap_or_default();
                match ctx.level_ids.get(id) {
                    Some(&l) => Req::Level(l),
                    None => {
                        self.unknown(&key_path(path, "level"), "level", id, &ctx.level_ids);
                        return None;
                    }
                }
            }
            "held" => {
                let h = r.held.as_ref()?;
                match ctx.level_ids.get(&h.level) {
                    Some(&l) => Req::Held {
                        level: l,
                        period: h.for_at_least,
                    },
                    None => {
                        self.unknown(
                            &key_path(&key_path(path, "held"), "level"),
                            "level",
                            &h.level,
                            &ctx.level_ids,
                        );
                        return None;
                    }
                }
            }
            _ => return None,
        };
        let text: Arc<str> = describe(&kind, r, ctx).into();
        // Unlabelled and short, the requirement is shown as its text: one copy.
        let shown = crate::requirement::shown(label.as_deref(), &text);
        let shown = if *shown == *text {
            Arc::clone(&text)
        } else {
            shown
        };
        Some(Requirement {
            label,
            text,
            shown,
            kind,
        })
    }

    fn item_count(&mut self, ctx: &Ctx<'_>, c: &RawItemCount, path: &str) -> Option<Req> {
        let items = self.select(ctx, &c.of, &key_path(path, "of"))?;
        let rule = match (c.count, c.percent) {
            (Some(n), None) => {
                if n as usize > items.len() {
                    self.err(
                        K::Unsatisfiable,
                        &key_path(path, "count"),
                        format!("needs {n} items met, but the selection has {}", items.len()),
                        None,
                    );
                    return None;
                }
                ItemRule::Count(n as usize)
            }
            (None, Some(p)) => {
                if !(0.0..=100.0).contains(&p) {
                    self.err(
                        K::InvalidValue,
                        &key_path(path, "percent"),
                        format!("percent {p} is outside 0 to 100"),
                        None,
                    );
                    return None;
                }
                ItemRule::Percent(p)
            }
            _ => {
                self.err(
                    K::InvalidValue,
                    path,
                    "`met_at_least` takes exactly one of `count` and `percent`",
                    None,
                );
                return None;
            }
        };
        let (items, bits) = self.shared(ctx.items.len(), items);
        Some(Req::Items {
            bits,
            items,
            rule,
            scope: describe_selector(&c.of),
        })
    }

    fn fact_requirement(&mut self, ctx: &Ctx<'_>, r: &RawRequirement, path: &str) -> Option<Req> {
        let id = r.fact.as_deref().unwrap_or_default();
        let Some(&fi) = ctx.fact_ids.get(id) else {
            self.unknown(&key_path(path, "fact"), "fact", id, ctx.fact_ids);
            return None;
        };
        let fact = ctx.facts.get(fi)?;
        let ty = &fact.ty;
        let test = if let Some(v) = &r.equals {
            if r.one_of.is_some() || r.at_least.is_some() || r.at_most.is_some() {
                self.err(
                    K::InvalidValue,
                    path,
                    "`equals` does not go with other comparisons",
                    None,
                );
                return None;
            }
            let ep = key_path(path, "equals");
            if !self.fits(id, ty, v, &ep) || !self.reachable(fact, v, &ep) {
                return None;
            }
            FactTest::Equals(v.clone())
        } else if let Some(vs) = &r.one_of {
            if r.at_least.is_some() || r.at_most.is_some() {
                self.err(
                    K::InvalidValue,
                    path,
                    "`one_of` does not go with other comparisons",
                    None,
                );
                return None;
            }
            let vp = key_path(path, "one_of");
            if vs.is_empty() {
                self.err(
                    K::Unsatisfiable,
                    &vp,
                    format!("`one_of` lists no values of fact `{id}`, so it can never hold"),
                    Some("list the values that meet it, or use `equals`".into()),
                );
                return None;
            }
            let fits: Vec<bool> = vs
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let at = index_path(&vp, i);
                    self.fits(id, ty, v, &at) && self.reachable(fact, v, &at)
                })
                .collect();
            if fits.contains(&false) {
                return None;
            }
            FactTest::OneOf(vs.clone())
        } else if r.at_least.is_some() || r.at_most.is_some() {
            let lo = self.bound(id, ty, r.at_least.as_ref(), &key_path(path, "at_least"));
            let hi = self.bound(id, ty, r.at_most.as_ref(), &key_path(path, "at_most"));
            let (lo, hi) = (lo?, hi?);
            if !self.range_can_hold(fact, lo, hi, path) {
                return None;
            }
            FactTest::Range(lo, hi)
        } else {
            self.err(
                K::InvalidValue,
                path,
                format!("nothing to compare fact `{id}` with"),
                Some("add `equals`, `one_of`, `at_least` or `at_most`".into()),
            );
            return None;
        };
        let expected = test.describe().into();
        Some(Req::Fact {
            fact: fi,
            test,
            expected,
        })
    }

    /// Whether `v` is a value fact `id` can take; reports it when not.
    fn fits(&mut self, id: &str, ty: &FactType, v: &Value, path: &str) -> bool {
        match (ty, v) {
            (FactType::Date, _) => {
                self.err(
                    K::ThresholdType,
                    path,
                    format!("fact `{id}` is a date, and dates are not compared directly"),
                    Some("derive a number fact from it: `derive: {months_since: ...}`".into()),
                );
                false
            }
            (FactType::Boolean, Value::Bool(_)) | (FactType::Number { .. }, Value::Number(_)) => {
                true
            }
            (FactType::Choice(values), Value::Text(t)) if values.contains(t) => true,
            (FactType::Choice(values), Value::Text(t)) => {
                let near = if self.errors.may_suggest() {
                    did_you_mean(t, values.iter().map(String::as_str))
                } else {
                    None
                };
                let hint = near
                    .or_else(|| Some(format!("the values of `{id}` are {}", quoted_list(values))));
                self.err(
                    K::ThresholdType,
                    path,
                    format!("{} is not a value of fact `{id}`", quote(t)),
                    hint,
                );
                false
            }
            _ => {
                self.err(K::ThresholdType, path, ty.mismatch(id, v), None);
                false
            }
        }
    }

    /// Whether the number `v`, compared with fact `fact` at `path`, is a
    /// value the fact can take (see [`Fact::takes`]); reports it when not.
    /// Other values pass: [`Builder::fits`] checks their type.
    fn reachable(&mut self, fact: &Fact, v: &Value, path: &str) -> bool {
        let Value::Number(n) = v else {
            return true;
        };
        if fact.takes(*n, *n) {
            return true;
        }
        let key = path.rsplit('.').next().unwrap_or_default();
        let shown = if key.starts_with("one_of") {
            format!("`one_of` value {n}")
        } else {
            format!("`{key}: {n}`")
        };
        self.err(
            K::Unsatisfiable,
            path,
            format!("{}, so {shown} can never hold", fact.range_said()),
            Some(fact.range_hint()),
        );
        false
    }

    /// Whether a range `at_least: lo`, `at_most: hi` on fact `fact` can hold:
    /// its bounds are in order and some value the fact takes lies between
    /// them. Reports it when not, at the bound to change.
    fn range_can_hold(
        &mut self,
        fact: &Fact,
        lo: Option<f64>,
        hi: Option<f64>,
        path: &str,
    ) -> bool {
        if let (Some(lo), Some(hi)) = (lo, hi)
            && lo > hi
        {
            self.err(
                K::Unsatisfiable,
                &key_path(path, "at_most"),
                format!("`at_most` {hi} is below `at_least` {lo}, so it can never hold"),
                Some("swap them, or correct the one that is wrong".into()),
            );
            return false;
        }
        if fact.takes(lo.unwrap_or(f64::NEG_INFINITY), hi.unwrap_or(f64::INFINITY)) {
            return true;
        }
        // The range lies wholly above or wholly below what the fact takes.
        let (key, n) = match (lo, hi) {
            (Some(lo), _) if fact.declared_max().is_some_and(|max| lo > max) => ("at_least", lo),
            (_, Some(hi)) => ("at_most", hi),
            (Some(lo), None) => ("at_least", lo),
            (None, None) => return true,
        };
        self.err(
            K::Unsatisfiable,
            &key_path(path, key),
            format!("{}, so `{key}: {n}` can never hold", fact.range_said()),
            Some(fact.range_hint()),
        );
        false
    }

    /// A numeric bound (`Some(None)` when absent); `None` after reporting a bad one.
    fn bound(
        &mut self,
        id: &str,
        ty: &FactType,
        v: Option<&Value>,
        path: &str,
    ) -> Option<Option<f64>> {
        let key = path.rsplit('.').next().unwrap_or_default();
        match (ty, v) {
            (_, None) => Some(None),
            (FactType::Number { .. }, Some(Value::Number(n))) => Some(Some(*n)),
            (FactType::Number { .. }, Some(v)) => {
                self.err(
                    K::ThresholdType,
                    path,
                    format!(
                        "`{key}` of fact `{id}` is {} {}, not a number",
                        v.type_name(),
                        quote(&v.to_string())
                    ),
                    None,
                );
                None
            }
            (_, Some(_)) => {
                self.err(
                    K::ThresholdType,
                    path,
                    format!(
                        "fact `{id}` is a {}, and `{key}` compares numbers only",
                        ty.name()
                    ),
                    Some("use `equals` or `one_of`".into()),
                );
                None
            }
        }
    }

    /// Reports levels that require each other in a cycle.
    fn level_cycles(
        &mut self,
        raw: &RawPolicy,
        level_ids: &Map<String, usize>,
        levels: &[Level],
        by_rank: &[usize],
    ) {
        let _ = level_ids;
        let edges: Vec<Vec<usize>> = levels.iter().map(Level::names).collect();
        // 0 = unvisited, 1 = on the path, 2 = done.
        let mut state = vec![0u8; levels.len()];
        let mut reported = false;
        for start in 0..levels.len() {
            let mut path = Vec::new();
            if let Some(cycle) = find_cycle(start, &edges, &mut state, &mut path) {
                if reported {
                    continue;
                }
                reported = true;
                let names: Vec<&str> = cycle
                    .iter()
                    .filter_map(|&l| levels.get(l).map(|l| l.id.as_str()))
                    .collect();
                let first = cycle
                    .first()
                    .and_then(|&l| by_rank.get(l))
                    .copied()
                    .unwrap_or(0);
                let _ = raw;
                self.err(
                    K::Cycle,
                    &key_path(&index_path("levels", first), "requires"),
                    format!(
                        "levels require each other in a cycle: {}",
                        quoted_join(&names, " -> ")
                    ),
                    Some("a level may require only levels that do not require it back".into()),
                );
            }
        }
    }

    fn benefit(
        &mut self,
        ctx: &Ctx<'_>,
        levels: &[Level],
        b: &RawBenefit,
        path: &str,
    ) -> Option<Benefit> {
        let lookup = |me: &mut Self, id: &str, p: &str| -> Option<usize> {
            let found = ctx.level_ids.get(id).copied();
            if found.is_none() {
                me.unknown(p, "level", id, &ctx.level_ids);
            }
            found
        };
        let mut granted_to = vec![false; levels.len()];
        let grant = match (&b.min_level, &b.levels) {
            (Some(min), None) => {
                let from = lookup(self, min, &key_path(path, "min_level"))?;
                granted_to.iter_mut().skip(from).for_each(|g| *g = true);
                Grant::AtLeast(LevelId::new(min))
            }
            (None, Some(list)) if !list.is_empty() => {
                let mut ok = true;
                for (i, id) in list.iter().enumerate() {
                    match lookup(self, id, &index_path(&key_path(path, "levels"), i)) {
                        Some(l) => {
                            if let Some(g) = granted_to.get_mut(l) {
                                *g = true;
                            }
                        }
                        None => ok = false,
                    }
                }
                if !ok {
                    return None;
                }
                Grant::Levels(list.iter().map(LevelId::new).collect())
            }
            _ => {
                self.err(
                    K::InvalidValue,
                    path,
                    format!(
                        "benefit {} needs exactly one of `min_level` and `levels`",
                        quote(&b.id)
                    ),
                    Some(
                        "`min_level: x` grants x and above; `levels: [x, y]` grants exactly those"
                            .into(),
                    ),
                );
                return None;
            }
        };
        let priority_from = match &b.priority_from {
            None => None,
            Some(id) => {
                let l = lookup(self, id, &key_path(path, "priority_from"))?;
                levels.get(l).map(|lv| (lv.id.clone(), lv.rank))
            }
        };
        if let Some(d) = &b.discount
            && let Some(p) = d.percent
            && !(0.0..=100.0).contains(&p)
        {
            self.err(
                K::InvalidValue,
                &key_path(&key_path(path, "discount"), "percent"),
                format!("discount of {p}% is outside 0 to 100"),
                None,
            );
            return None;
        }
        Some(Benefit {
            id: BenefitId::new(&b.id),
            title: b.title.as_str().into(),
            description: b.description.clone(),
            grant,
            granted_to,
            priority_from,
            quantity: b.quantity.as_ref().map(|q| Quantity {
                amount: q.amount,
                unit: q.unit.clone(),
            }),
            discount: b.discount.as_ref().map(|d| Discount {
                on: d.on.clone(),
                percent: d.percent,
            }),
        })
    }
}

/// The first cycle reached from `start` along `edges`, depth first: the
/// nodes on it, the first repeated at the end. Iterative, with its own
/// stack, so that a long chain of levels takes heap, not call stack.
fn find_cycle(
    start: usize,
    edges: &[Vec<usize>],
    state: &mut [u8],
    path: &mut Vec<usize>,
) -> Option<Vec<usize>> {
    // The nodes on the path, each with how many of its edges were followed.
    let mut next_edge: Vec<usize> = Vec::new();
    let mut node = start;
    loop {
        match state.get(node) {
            Some(1) => {
                let at = path.iter().position(|&n| n == node).unwrap_or(0);
                let mut cycle: Vec<usize> = path.get(at..).unwrap_or_default().to_vec();
                cycle.push(node);
                return Some(cycle);
            }
            Some(0) => {
                if let Some(s) = state.get_mut(node) {
                    *s = 1;
                }
                path.push(node);
                next_edge.push(0);
            }
            // Done, or not a node: back to the node the edge came from.
            _ => {}
        }
        // Follow the next edge of the innermost node, or leave it done.
        loop {
            let (Some(&top), Some(e)) = (path.last(), next_edge.last_mut()) else {
                return None;
            };
            let out = edges.get(top).map(Vec::as_slice).unwrap_or_default();
            if let Some(&to) = out.get(*e) {
                *e += 1;
                node = to;
                break;
            }
            path.pop();
            next_edge.pop();
            if let Some(s) = state.get_mut(top) {
                *s = 2;
            }
        }
    }
}

/// The most characters of a title a requirement's text holds.
const TITLE_IN_TEXT: usize = 120;

/// A title as a requirement's text holds it: cut after [`TITLE_IN_TEXT`]
/// characters, with a mark. Each requirement that names an item or a fact
/// holds its title, and `not` holds what it negates: whole, a 16 KB title
/// named by a few bytes of requirement cost 16 KB each (1,000 bytes of
/// memory per byte of YAML, 131 MB for 128 KB).
fn short(title: &str) -> std::borrow::Cow<'_, str> {
    match title.char_indices().nth(TITLE_IN_TEXT) {
        Some((end, _)) => format!("{}…", title.get(..end).unwrap_or_default()).into(),
        None => title.into(),
    }
}

/// The levels in an order where each comes after every level it names
/// (directly or nested in its requirements); the loader refused cycles. A
/// depth-first walk with its own stack, so as not to recurse through a chain
/// of levels; each level and each reference is visited once.
fn dependency_order(levels: &[Level]) -> Vec<usize> {
    let n = levels.len();
    let named: Vec<Vec<usize>> = levels.iter().map(Level::names).collect();
    // 0: not seen, 1: on the stack, 2: placed.
    let mut state = vec![0u8; n];
    let mut order = Vec::with_capacity(n);
    for start in 0..n {
        if state.get(start) != Some(&0) {
            continue;
        }
        let mut stack = vec![(start, 0usize)];
        if let Some(s) = state.get_mut(start) {
            *s = 1;
        }
        while let Some((l, next)) = stack.last_mut() {
            let l = *l;
            match named.get(l).and_then(|v| v.get(*next)) {
                Some(&m) => {
                    *next += 1;
                    // A level on the stack would be a cycle, which the
                    // loader refuses before the order is made.
                    if let Some(s @ 0) = state.get_mut(m) {
                        *s = 1;
                        stack.push((m, 0));
                    }
                }
                None => {
                    if let Some(s) = state.get_mut(l) {
                        *s = 2;
                    }
                    order.push(l);
                    stack.pop();
                }
            }
        }
    }
    order
}

/// How a requirement reads in an explanation.
fn describe(kind: &Req, r: &RawRequirement, ctx: &Ctx<'_>) -> String {
    match kind {
        Req::All(list) => format!("all of {} requirements", list.len()),
        Req::AtLeast(1, list) => format!("any of {} requirements", list.len()),
        Req::AtLeast(n, list) => format!("at least {n} of {} requirements", list.len()),
        Req::Not(inner) => format!("not: {inner}"),
        Req::Fact { fact, test, .. } => {
            let title = short(ctx.facts.get(*fact).map_or("", |f| f.title.as_str()));
            let id = r.fact.as_deref().unwrap_or_default();
            format!("{title} (`{id}`) {}", test.describe())
        }
        Req::Met(i) => {
            let title = short(ctx.items.get(*i).map_or("", |it| &*it.title));
            format!(
                "item `{}` is met: {title}",
                r.met.as_deref().unwrap_or_default()
            )
        }
        Req::Items {
            rule, scope, items, ..
        } => match rule {
            ItemRule::All => format!("every item of {scope} is met ({} items)", items.len()),
            ItemRule::Count(n) => format!("at least {n} items of {scope} are met"),
            ItemRule::Percent(p) => {
                format!("at least {p}% of the applicable items of {scope} are met")
            }
        },
        Req::Level(_) => format!("holds level `{}`", r.level.as_deref().unwrap_or_default()),
        Req::Held { period, .. } => format!(
            "has held level `{}` for at least {period}",
            r.held.as_ref().map_or("", |h| h.level.as_str())
        ),
    }
}

/// How a selector reads in an explanation.
fn describe_selector(sel: &RawSelector) -> String {
    let mut parts = Vec::new();
    if let Some(k) = &sel.kind {
        parts.push(format!("kind `{k}`"));
    }
    if let Some(s) = &sel.standard {
        parts.push(format!("standard `{s}`"));
    }
    if let Some(s) = &sel.set {
        parts.push(format!("set `{s}`"));
    }
    if let Some(items) = &sel.items {
        parts.push(format!("items {}", items.join(", ")));
    }
    parts.join(", ")
}

/// What requirement checks need to look names up.
struct Ctx<'a> {
    raw: &'a RawPolicy,
    items: &'a [Item],
    facts: &'a [Fact],
    kind_ids: &'a Map<String, usize>,
    fact_ids: &'a Map<String, usize>,
    standard_ids: &'a Map<String, usize>,
    item_ids: &'a Map<String, usize>,
    set_ids: &'a Map<String, usize>,
    level_ids: Map<String, usize>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small policy: facts `months` (a number from 0 to 10), `started`
    /// (a date), `months_since` (derived from it, at most 10 when given),
    /// `open` (any number), `stage` (a choice); two items with the ids
    /// `ids` in a standard titled `title`; `requires` as the one level's
    /// requirements, `tail` at the end.
    fn policy(ids: [&str; 2], title: &str, requires: &str, tail: &str) -> String {
        format!(
            "policy: {{name: tiny, version: 1.0.0, title: Tiny}}
kinds: [{{id: benchmark, title: Benchmark}}]
facts:
  - {{id: months, title: Months, type: number, min: 0, max: 10}}
  - {{id: started, title: Started, type: date}}
  - {{id: months_since, title: Months since, type: number, min: 0, max: 10, derive: {{months_since: started}}}}
  - {{id: open, title: Open, type: number}}
  - {{id: stage, title: Stage, type: choice, values: [a, b]}}
standards:
  - id: s
    title: \"{title}\"
    items:
      - {{id: \"{}\", kind: benchmark, title: One, question: One?}}
      - {{id: \"{}\", kind: benchmark, title: Two, question: Two?}}
levels:
  - id: member
    rank: 1
    title: Member
    requires: {requires}
{tail}",
            ids[0], ids[1]
        )
    }

    /// The messages (with hints) of loading `yaml`, or empty if it loads.
    fn errors(yaml: &str) -> Vec<String> {
        match Policy::from_yaml_str(yaml) {
            Ok(_) => Vec::new(),
            Err(e) => e
                .diagnostics()
                .iter()
                .map(|d| {
                    let hint = d.hint.as_deref().map(|h| format!(" (hint: {h})"));
                    format!("{}: {}{}", d.path, d.message, hint.unwrap_or_default())
                })
                .collect(),
        }
    }

    fn requires(r: &str) -> Vec<String> {
        errors(&policy(["B.1", "B.2"], "S", &format!("[{r}]"), ""))
    }

    #[test]
    fn rules_that_can_never_hold_are_refused() {
        // (requirement, the start of the one error, or "" for none)
        let cases = [
            (
                "{fact: months, one_of: []}",
                "levels[0].requires[0].one_of: `one_of` lists no values of fact `months`, so it can never hold",
            ),
            (
                "{fact: stage, one_of: []}",
                "levels[0].requires[0].one_of: `one_of` lists no values",
            ),
            (
                "{fact: months, at_least: 5, at_most: 4}",
                "levels[0].requires[0].at_most: `at_most` 4 is below `at_least` 5, so it can never hold",
            ),
            (
                "{fact: open, at_least: 5, at_most: 4}",
                "levels[0].requires[0].at_most: `at_most` 4 is below",
            ),
            ("{fact: months, at_least: 4, at_most: 4}", ""),
            (
                "{fact: months, at_least: 12}",
                "levels[0].requires[0].at_least: fact `months` is between 0 and 10, so `at_least: 12` can never hold",
            ),
            ("{fact: months, at_least: 10}", ""),
            (
                "{fact: months, at_least: 11, at_most: 20}",
                "levels[0].requires[0].at_least: fact `months` is between 0 and 10, so `at_least: 11`",
            ),
            (
                "{fact: months, at_most: -1}",
                "levels[0].requires[0].at_most: fact `months` is between 0 and 10, so `at_most: -1` can never hold",
            ),
            (
                "{fact: months, at_least: -5, at_most: -1}",
                "levels[0].requires[0].at_most: fact `months` is between 0 and 10, so `at_most: -1`",
            ),
            ("{fact: months, at_most: 0}", ""),
            (
                "{fact: months, equals: 12}",
                "levels[0].requires[0].equals: fact `months` is between 0 and 10, so `equals: 12` can never hold",
            ),
            ("{fact: months, equals: 10}", ""),
            (
                "{fact: months, one_of: [3, 11]}",
                "levels[0].requires[0].one_of[1]: fact `months` is between 0 and 10, so `one_of` value 11 can never hold",
            ),
            ("{fact: open, at_least: 1000000, at_most: 1000000}", ""),
            // A derived fact counts whole months past its `max` when not given.
            ("{fact: months_since, at_least: 12}", ""),
            ("{fact: months_since, equals: 24}", ""),
            (
                "{fact: months_since, at_least: 10.5, at_most: 10.7}",
                "levels[0].requires[0].at_least: fact `months_since` is between 0 and 10 when given, and otherwise a whole number of months, so `at_least: 10.5` can never hold",
            ),
            (
                "{fact: months_since, at_most: -1}",
                "levels[0].requires[0].at_most: fact `months_since` is between 0 and 10 when given",
            ),
            (
                "{fact: months_since, equals: 12.5}",
                "levels[0].requires[0].equals: fact `months_since`",
            ),
            // Always true is left alone: it is odd, but it holds.
            ("{met_at_least: {count: 0, of: {kind: benchmark}}}", ""),
            ("{met_at_least: {percent: 0, of: {kind: benchmark}}}", ""),
            ("{at_least: 0, of: [{met: B.1}]}", ""),
            // Already refused before.
            (
                "{met_at_least: {count: 3, of: {kind: benchmark}}}",
                "levels[0].requires[0].met_at_least.count: needs 3 items met, but the selection has 2",
            ),
            (
                "{at_least: 2, of: [{met: B.1}]}",
                "levels[0].requires[0].at_least: needs 2 of 1 requirements, so it can never hold",
            ),
        ];
        for (r, want) in cases {
            let got = requires(r);
            if want.is_empty() {
                assert!(got.is_empty(), "{r}: {got:?}");
            } else {
                assert_eq!(got.len(), 1, "{r}: {got:?}");
                assert!(got[0].starts_with(want), "{r}: {got:?}");
            }
        }
    }

    #[test]
    fn renewal_windows_not_shorter_than_their_terms_are_refused() {
        let renewal = |every: &str, window: &str| {
            errors(&policy(
                ["B.1", "B.2"],
                "S",
                "[]",
                &format!("membership: {{renewal: {{every: {every}, window: {window}}}}}"),
            ))
        };
        // (every, window, refused)
        let cases = [
            ("{years: 3}", "{months: 3}", false),
            ("{years: 1}", "{months: 11, days: 27}", false),
            ("{years: 1}", "{months: 11, days: 30}", true),
            ("{years: 1}", "{years: 1}", true),
            ("{months: 1}", "{days: 27}", false),
            ("{months: 1}", "{days: 28}", true),
            ("{years: 1}", "{years: 2}", true),
        ];
        for (every, window, refused) in cases {
            let got = renewal(every, window);
            assert_eq!(!got.is_empty(), refused, "{every} {window}: {got:?}");
        }
        assert_eq!(
            renewal("{months: 1}", "{days: 28}"),
            [
                "membership.renewal.window: a renewal window of 28 days is not shorter than the term of 1 month: a membership started on 2001-01-31 would be due for renewal from its first day (hint: make the window shorter than the term's shortest: a month is 28 to 31 days, a year 365 or 366)"
            ]
        );
    }

    #[test]
    fn texts_that_show_nothing_are_refused() {
        // (item id, standard title, the start of the error, or "" for none)
        let cases = [
            (
                "\u{3164}",
                "S",
                "standards[0].items[0].id: the item id `\\u{3164}` shows nothing",
            ),
            (
                "\u{301}",
                "S",
                "standards[0].items[0].id: the item id `\\u{301}` shows nothing",
            ),
            (
                "\u{2800}",
                "S",
                "standards[0].items[0].id: the item id `\\u{2800}` shows nothing",
            ),
            (
                "\u{200b}",
                "S",
                "standards[0].items[0].id: the item id `\\u{200b}` shows nothing",
            ),
            (" ", "S", "standards[0].items[0].id: item id is empty"),
            (
                "B.1",
                "\u{3164}",
                "standards[0].title: the title `\\u{3164}` shows nothing",
            ),
            (
                "B.1",
                "\u{301}\u{301}",
                "standards[0].title: the title `\\u{301}\\u{301}` shows nothing",
            ),
            (
                "B.1",
                " \u{2800} ",
                "standards[0].title: the title ` \\u{2800} ` shows nothing",
            ),
            (
                "B.1",
                "\u{200b}",
                "standards[0].title: the title `\\u{200b}` shows nothing",
            ),
            ("B.1", " ", "standards[0].title: the title is empty"),
            ("e\u{301}", "e\u{301}", ""),
            (
                "B.1",
                "S\u{200b}",
                "standards[0].title: the title `S\\u{200b}` holds a control character or an invisible mark",
            ),
        ];
        for (id, title, want) in cases {
            let got = errors(&policy([id, "B.2"], title, "[]", ""));
            if want.is_empty() {
                assert!(got.is_empty(), "{id:?} {title:?}: {got:?}");
            } else {
                assert_eq!(got.len(), 1, "{id:?} {title:?}: {got:?}");
                assert!(got[0].starts_with(want), "{id:?} {title:?}: {got:?}");
            }
        }
        let name = errors(
            &policy(["B.1", "B.2"], "S", "[]", "").replace("name: tiny", "name: \"\u{3164}\""),
        );
        assert_eq!(
            name,
            [
                "policy.name: the policy name `\\u{3164}` shows nothing: it holds only spaces, invisible characters or marks with no letter to go on (hint: write the policy name in visible characters)"
            ]
        );
    }

    #[test]
    fn ids_equal_after_normalisation_are_one_id() {
        let (nfc, nfd) = ("B.\u{e9}", "B.e\u{301}");
        // (first id, second id, the error, or "" for none)
        let cases = [
            (
                nfc,
                nfd,
                "standards[0].items[1].id: duplicate item id `B.e\\u{301}`: it differs from `B.\\u{e9}` only in Unicode normalisation (hint: first used at `standards[0].items[0].id`; write both the same way (NFC, as most editors save text))",
            ),
            (
                nfd,
                nfc,
                "standards[0].items[1].id: duplicate item id `B.\\u{e9}`: it differs from `B.e\\u{301}` only in Unicode normalisation (hint: first used at `standards[0].items[0].id`; write both the same way (NFC, as most editors save text))",
            ),
            // Two spellings that are not NFC, with marks in another order.
            (
                "B.a\u{323}\u{302}",
                "B.a\u{302}\u{323}",
                "standards[0].items[1].id: duplicate item id `B.a\\u{302}\\u{323}`: it differs from `B.a\\u{323}\\u{302}` only",
            ),
            (
                nfd,
                nfd,
                "standards[0].items[1].id: duplicate item id `B.e\u{301}` (hint: first used at `standards[0].items[0].id`",
            ),
            (
                "\u{212b}",
                "\u{c5}",
                "standards[0].items[1].id: duplicate item id `\\u{c5}`: it differs from `\\u{212b}` only",
            ),
            (nfc, "B.e", ""),
        ];
        for (first, second, want) in cases {
            let got = errors(&policy([first, second], "S", "[]", ""));
            if want.is_empty() {
                assert!(got.is_empty(), "{first:?} {second:?}: {got:?}");
            } else {
                assert_eq!(got.len(), 1, "{first:?} {second:?}: {got:?}");
                assert!(got[0].starts_with(want), "{first:?} {second:?}: {got:?}");
            }
        }
    }

    #[test]
    fn a_reference_in_another_normalisation_names_the_id() {
        // (defined, referred to)
        for (defined, named) in [("B.\u{e9}", "B.e\u{301}"), ("B.e\u{301}", "B.\u{e9}")] {
            let got = errors(&policy(
                [defined, "B.2"],
                "S",
                &format!("[{{met: \"{named}\"}}]"),
                "",
            ));
            let want = format!(
                "levels[0].requires[0].met: unknown item {} (hint: did you mean {}? {} differs from it only in Unicode normalisation)",
                quote(named),
                quote_code_points(defined),
                quote_code_points(named)
            );
            assert_eq!(got, [want]);
        }
    }
}
