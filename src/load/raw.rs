//! The raw layer: serde structs that mirror the YAML formats field for field.
//!
//! Nothing here is validated beyond types; the builder and the assessment
//! loader turn these into the checked model once. With feature `schema`,
//! the JSON Schemas of the formats are derived from these structs: their
//! doc comments are the schemas' descriptions, written for policy authors,
//! and their `schemars` attributes (with the `schema` module) say in the
//! schema what the loader refuses wherever a schema can say it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::base::date::{Date, Period};
use crate::base::value::Value;

#[cfg(feature = "schema")]
pub(crate) mod schema;

/// The level a program holds, and since when.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawHeldMembership {
    /// The id of the level held.
    pub level: String,
    /// When the level was granted, YYYY-MM-DD.
    pub granted_on: Date,
    /// When the membership was last renewed, YYYY-MM-DD; the term runs from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renewed_on: Option<Date>,
    /// Levels held before, in any order, each with the first day it was
    /// held (`from`) and the day it ended (`until`): a transitional level's
    /// `reentry` rule reads them. At most 100 entries by default (a loader
    /// limit a service may set).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<RawPastLevel>,
}

/// A level held before the one held now.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPastLevel {
    /// The id of the level held.
    pub level: String,
    /// The first day it was held, YYYY-MM-DD.
    pub from: Date,
    /// The day it ended (reverted, moved up or lapsed), YYYY-MM-DD; not
    /// before `from`.
    pub until: Date,
}

/// A quality-based membership policy: levels, standards, items, facts and benefits.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPolicy {
    /// The policy's name, version and title.
    pub policy: RawHeader,
    /// The kinds of item, such as benchmark and enhancement.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<RawKind>,
    /// Facts a program states outside the questionnaire.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub facts: Vec<RawFact>,
    /// Standards: titled sections of items, in the order reports use.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub standards: Vec<RawStandard>,
    /// Named selections of items, such as the designated standards.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sets: Vec<RawSet>,
    /// Membership levels, ordered by rank; at least one.
    #[cfg_attr(feature = "schema", schemars(length(min = 1)))]
    pub levels: Vec<RawLevel>,
    /// Benefits of membership, by level.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub benefits: Vec<RawBenefit>,
    /// Terms of membership over time, such as renewal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub membership: Option<RawMembership>,
}

/// Terms of membership over time.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMembership {
    /// How often a membership must be renewed; a level's own `renewal`
    /// overrides it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renewal: Option<RawRenewal>,
    /// Whether moving up to a higher level starts a new term from the day
    /// of the promotion. Default false: the term runs on from the grant or
    /// last renewal of the level held.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub term_restarts_on_promotion: bool,
}

/// A level's own renewal: `none` (the level has no term), or its own term
/// `{every, window}`.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub(crate) enum RawLevelRenewal {
    /// `none`: the level has no term and is never renewed.
    None(RawNone),
    /// The level's own term and window.
    Every(RawRenewal),
}

/// The word `none`.
#[derive(Clone, Copy, Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub(crate) enum RawNone {
    /// No renewal.
    None,
}

impl<'de> Deserialize<'de> for RawLevelRenewal {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        word_or_map(
            d,
            "none",
            "`none` or a renewal term {every, window}",
            RawLevelRenewal::None(RawNone::None),
            RawLevelRenewal::Every,
        )
    }
}

/// Reads the word `word` as `bare`, or a mapping as `M` turned into `T` by
/// `from_map`; anything else fails, `expecting` both.
fn word_or_map<'de, D, T, M>(
    d: D,
    word: &'static str,
    expecting: &'static str,
    bare: T,
    from_map: fn(M) -> T,
) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    M: Deserialize<'de>,
{
    struct V<T, M> {
        word: &'static str,
        expecting: &'static str,
        bare: T,
        from_map: fn(M) -> T,
    }
    impl<'de, T, M: Deserialize<'de>> serde::de::Visitor<'de> for V<T, M> {
        type Value = T;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.expecting)
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
            if v == self.word {
                Ok(self.bare)
            } else {
                Err(E::invalid_value(serde::de::Unexpected::Str(v), &self))
            }
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, m: A) -> Result<T, A::Error> {
            M::deserialize(serde::de::value::MapAccessDeserializer::new(m)).map(self.from_map)
        }
    }
    d.deserialize_any(V {
        word,
        expecting,
        bare,
        from_map,
    })
}

/// Whether a program may be granted a transitional level again:
/// `never` (the default), or `{after: PERIOD}` from the day it last left it.
#[derive(Clone, Copy, Debug)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", serde(rename_all = "snake_case"))]
pub(crate) enum RawReentry {
    /// Never again, once held.
    Never,
    /// Again from this long after the day the program last left it.
    After(Period),
}

/// `{after: PERIOD}`, as [`RawReentry`] reads it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAfter {
    after: Period,
}

impl Serialize for RawReentry {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            RawReentry::Never => s.serialize_str("never"),
            RawReentry::After(p) => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("after", p)?;
                m.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for RawReentry {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        word_or_map(
            d,
            "never",
            "`never` or {after: PERIOD}",
            RawReentry::Never,
            |a: RawAfter| RawReentry::After(a.after),
        )
    }
}

/// A renewal term.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRenewal {
    /// A membership expires this long after it was granted or last renewed.
    pub every: Period,
    /// A membership is due for renewal this long before it expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<Period>,
    /// Where the term comes from, for readers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// How long a transitional level lasts.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTimeLimit {
    /// How long after its grant the level lasts, unless the program moves up.
    pub after: Period,
    /// The level it reverts to; omitted, the program lapses to no level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reverts_to: Option<String>,
    /// Whether a program that held the level may be granted it again:
    /// `never` (the default: its time, once used, is used, whatever is
    /// recorded after), or `{after: PERIOD}`: from that long after the
    /// last day it held the level (`membership.history` in the assessment).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reentry: Option<RawReentry>,
}

/// How a number fact is derived when a program does not give it.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDerive {
    /// The date fact whose whole months to the as-of date give the value.
    pub months_since: String,
}

/// Time spent at a level.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawHeld {
    /// The level that must have been held (a level above it also counts).
    pub level: String,
    /// For at least this long.
    #[serde(default)]
    pub for_at_least: Period,
}

/// The policy's identity.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "PolicyHeader"))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawHeader {
    /// The policy's name; assessments and catalogs refer to it. Not blank.
    // Not blank: some character that `str::trim` keeps.
    #[cfg_attr(feature = "schema", schemars(pattern(r"[^\s\u0085]")))]
    pub name: String,
    /// The policy's semver version, such as 2.0.0.
    pub version: semver::Version,
    /// The policy's title.
    pub title: String,
    /// What the policy is, for readers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Where the rules come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// Whether items of a kind may be not applicable.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "NotApplicableRule"))]
#[serde(rename_all = "snake_case")]
pub(crate) enum RawNaPolicy {
    /// Items of the kind may each allow not-applicable.
    #[default]
    PerItem,
    /// No item of the kind may be not applicable.
    Forbidden,
}

/// A kind of item.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawKind {
    /// The kind's id, such as benchmark.
    pub id: String,
    /// The kind's title.
    pub title: String,
    /// What items of this kind are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// per_item: each item says whether it may be not applicable; forbidden: none may.
    #[serde(default)]
    pub not_applicable: RawNaPolicy,
}

/// The type of a fact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "FactType"))]
#[serde(rename_all = "snake_case")]
pub(crate) enum RawFactType {
    /// True or false.
    Boolean,
    /// A number, within `min` and `max` where given.
    Number,
    /// One of the fact's `values`.
    Choice,
    /// A calendar date, YYYY-MM-DD.
    Date,
}

/// A fact a program states outside the questionnaire.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(transform = schema::fact_types))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFact {
    /// The fact's id.
    pub id: String,
    /// The fact's title.
    pub title: String,
    /// The question a program answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    /// boolean, number, choice (one of `values`) or date (YYYY-MM-DD).
    #[serde(rename = "type")]
    pub ty: RawFactType,
    /// For a choice fact, the words it may take (at least one); only a choice fact has them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    /// For a number fact, its unit, such as months.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// For a number fact, the least value a program may give; only a number fact has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// For a number fact, the greatest value a program may give; only a number fact has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// For a number fact, how it is derived from a date fact when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub derive: Option<RawDerive>,
    /// Which way the fact improves, for the laws that check a policy never
    /// punishes improvement: `more` or `less` (number), `true` or `false`
    /// (boolean), `later` or `earlier` in the list of `values` (choice).
    #[cfg_attr(feature = "schema", schemars(schema_with = "schema::better"))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub better: Option<crate::model::policy::Better>,
}

/// A standard: a titled section of items.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawStandard {
    /// The standard's id.
    pub id: String,
    /// The standard's title.
    pub title: String,
    /// What the standard covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The items, in order.
    #[serde(default)]
    pub items: Vec<RawItem>,
}

/// An item a program answers.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawItem {
    /// The item's id, unique across all standards, such as B.2.4.
    pub id: String,
    /// The id of the item's kind.
    pub kind: String,
    /// The item's title.
    pub title: String,
    /// The question a program answers.
    pub question: String,
    /// Whether a program may answer not_applicable (left out of counts).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub not_applicable: bool,
    /// For an item answered with a number, its threshold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<RawNumberSpec>,
}

/// The threshold of a numeric item.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "NumberThreshold"))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawNumberSpec {
    /// The unit of the answer, such as hours.
    pub unit: String,
    /// The least value that meets the item, a number.
    #[cfg_attr(feature = "schema", schemars(with = "f64"))]
    pub at_least: Value,
    /// A number fact through which a program declares its own minimum, which then applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declared_by: Option<String>,
}

/// A named selection of items.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSet {
    /// The set's id.
    pub id: String,
    /// The set's title.
    pub title: String,
    /// What the set is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Which items it holds.
    pub select: RawSelector,
}

/// A selection of items: those meeting every criterion given (at least one).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "Selection", extend("minProperties" = 1)))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSelector {
    /// Items of this standard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standard: Option<String>,
    /// Items of this kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Items of this named set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set: Option<String>,
    /// These items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<String>>,
}

/// How many items of a selection must be met: a `count` or a `percent`, not both.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(
    feature = "schema",
    schemars(extend("oneOf" = [{"required": ["count"]}, {"required": ["percent"]}]))
)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawItemCount {
    /// At least this many items met.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    /// At least this percentage of the applicable items met, 0 to 100.
    #[cfg_attr(feature = "schema", schemars(range(min = 0, max = 100)))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent: Option<f64>,
    /// The selection counted.
    pub of: RawSelector,
}

/// One requirement, of exactly one shape: `all`, `any`, `not`, `of` with
/// `at_least`, `fact` with a comparison, `met`, `all_met`, `met_at_least`,
/// `level` or `held`; a `label` may go with any.
// The shape is told by which keys are present; the schema says it with one
// rule per shape, built from these fields by `schema::requirement_shapes`.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(
    feature = "schema",
    schemars(rename = "Requirement", transform = schema::requirement_shapes)
)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRequirement {
    /// How reports name the requirement, on one line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Every listed requirement holds (at least one listed).
    #[cfg_attr(feature = "schema", schemars(length(min = 1)))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all: Option<Vec<RawRequirement>>,
    /// At least one listed requirement holds (at least one listed).
    #[cfg_attr(feature = "schema", schemars(length(min = 1)))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub any: Option<Vec<RawRequirement>>,
    /// The requirement does not hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not: Option<Box<RawRequirement>>,
    /// With `at_least`: at least that many of these requirements hold.
    #[cfg_attr(feature = "schema", schemars(length(min = 1)))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub of: Option<Vec<RawRequirement>>,
    /// The fact compared, with `equals`, `one_of`, or `at_least` and `at_most`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fact: Option<String>,
    /// The fact equals this value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<Value>,
    /// The fact is one of these values (at least one).
    #[cfg_attr(feature = "schema", schemars(length(min = 1)))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_of: Option<Vec<Value>>,
    /// With `fact`: the number fact is at least this. With `of`: how many must hold, a whole number.
    #[cfg_attr(feature = "schema", schemars(with = "Option<f64>"))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_least: Option<Value>,
    /// With `fact`: the number fact is at most this.
    #[cfg_attr(feature = "schema", schemars(with = "Option<f64>"))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_most: Option<Value>,
    /// This item is met.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub met: Option<String>,
    /// Every applicable item of the selection is met.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all_met: Option<RawSelector>,
    /// At least a count or a percentage of the selection is met.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub met_at_least: Option<RawItemCount>,
    /// Beside all_met or met_at_least: whether the requirement is met when
    /// no item of the selection applies (every one answered not
    /// applicable). unmet (the default): it is not, so marking everything
    /// not applicable earns nothing; met: it is. A count is never met by
    /// none applying, so met does not go with a count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when_none_apply: Option<crate::model::requirement::WhenNoneApply>,
    /// The requirements of this level hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// The program has held a level for at least a period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held: Option<RawHeld>,
}

/// A membership level.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLevel {
    /// The level's id.
    pub id: String,
    /// The level's rank: higher is better; ranks are distinct.
    pub rank: u32,
    /// The level's title.
    pub title: String,
    /// What the level means.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// What a program must meet to hold the level; all must hold.
    #[serde(default)]
    pub requires: Vec<RawRequirement>,
    /// For a transitional level, how long it lasts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_limit: Option<RawTimeLimit>,
    /// The level's own renewal: `none` (no term), or `{every, window}`.
    /// Omitted, the level uses `membership.renewal`, except a level with a
    /// `time_limit`, which then has no term (its deadline is the date that
    /// matters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renewal: Option<RawLevelRenewal>,
}

/// A benefit of membership, granted by `min_level` or by `levels`, not both.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(
    feature = "schema",
    schemars(extend("oneOf" = [{"required": ["min_level"]}, {"required": ["levels"]}]))
)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawBenefit {
    /// The benefit's id.
    pub id: String,
    /// The benefit's title.
    pub title: String,
    /// What the benefit is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Granted to this level and every level above.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_level: Option<String>,
    /// Granted to exactly these levels (instead of min_level).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub levels: Option<Vec<String>>,
    /// Programs at this level or above get priority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority_from: Option<String>,
    /// For a benefit that comes in a number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<RawQuantity>,
    /// For a benefit that is a discount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount: Option<RawDiscount>,
}

/// A number of something.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawQuantity {
    /// How many.
    pub amount: u32,
    /// Of what.
    pub unit: String,
}

/// A discount.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDiscount {
    /// What the discount is on.
    pub on: String,
    /// How much, where known: a percentage, 0 to 100.
    #[cfg_attr(feature = "schema", schemars(range(min = 0, max = 100)))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent: Option<f64>,
}

/// A program's self-assessment: its facts and its answers by item id.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAssessment {
    /// Who the program is, which policy it answered, and when.
    pub assessment: RawAssessmentHeader,
    /// Facts by id: true or false, a number, a word, or a date (YYYY-MM-DD).
    #[serde(default)]
    pub facts: BTreeMap<String, Value>,
    /// Answers by item id: met, not_met, in_progress, not_applicable, or a number.
    #[cfg_attr(feature = "schema", schemars(schema_with = "schema::answers"))]
    #[serde(default)]
    pub answers: BTreeMap<String, Value>,
}

/// Who the program is, which policy it answered, and when.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAssessmentHeader {
    /// The program's name; not empty or blank.
    // Not blank: some character that `str::trim` keeps.
    #[cfg_attr(feature = "schema", schemars(pattern(r"[^\s\u0085]")))]
    pub program: String,
    /// The day the answers describe, YYYY-MM-DD; evaluation counts time to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<Date>,
    /// The level the program holds, for terms, reversion and renewal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub membership: Option<RawHeldMembership>,
    /// The policy answered; evaluating against another is an error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// The policy versions answered, as a semver requirement such as ^2.
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<semver::VersionReq>,
}
