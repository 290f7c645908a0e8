//! The raw layer: serde structs that mirror the YAML formats field for field.
//!
//! Nothing here is validated beyond types; `policy.rs` and `assessment.rs`
//! turn these into the checked model once.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::date::{Date, Period};
use crate::value::Value;

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawHeldMembership {
    pub level: String,
    pub granted_on: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renewed_on: Option<Date>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPolicy {
    pub policy: RawHeader,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<RawKind>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub facts: Vec<RawFact>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub standards: Vec<RawStandard>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sets: Vec<RawSet>,
    pub levels: Vec<RawLevel>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub benefits: Vec<RawBenefit>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub membership: Option<RawMembership>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMembership {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renewal: Option<RawRenewal>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRenewal {
    pub every: Period,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<Period>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTimeLimit {
    pub after: Period,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reverts_to: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDerive {
    pub months_since: String,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawHeld {
    pub level: String,
    #[serde(default)]
    pub for_at_least: Period,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawHeader {
    pub name: String,
    pub version: semver::Version,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum RawNaPolicy {
    /// Items of the kind may each allow not-applicable.
    #[default]
    PerItem,
    /// No item of the kind may be not applicable.
    Forbidden,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawKind {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub not_applicable: RawNaPolicy,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum RawFactType {
    Boolean,
    Number,
    Choice,
    Date,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFact {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    #[serde(rename = "type")]
    pub ty: RawFactType,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub derive: Option<RawDerive>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawStandard {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub items: Vec<RawItem>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawItem {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub question: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub not_applicable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<RawNumberSpec>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawNumberSpec {
    pub unit: String,
    pub at_least: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declared_by: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSet {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub select: RawSelector,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSelector {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standard: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<String>>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawItemCount {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent: Option<f64>,
    pub of: RawSelector,
}

/// One requirement. Its shape is told by which keys are present; `policy.rs`
/// checks that exactly one shape is used.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRequirement {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all: Option<Vec<RawRequirement>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub any: Option<Vec<RawRequirement>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not: Option<Box<RawRequirement>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub of: Option<Vec<RawRequirement>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fact: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_of: Option<Vec<Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_least: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_most: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub met: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all_met: Option<RawSelector>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub met_at_least: Option<RawItemCount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held: Option<RawHeld>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLevel {
    pub id: String,
    pub rank: u32,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub requires: Vec<RawRequirement>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_limit: Option<RawTimeLimit>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawBenefit {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_level: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub levels: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority_from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<RawQuantity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount: Option<RawDiscount>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawQuantity {
    pub amount: u32,
    pub unit: String,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDiscount {
    pub on: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent: Option<f64>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAssessment {
    pub assessment: RawAssessmentHeader,
    #[serde(default)]
    pub facts: BTreeMap<String, Value>,
    #[serde(default)]
    pub answers: BTreeMap<String, Value>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAssessmentHeader {
    pub program: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub membership: Option<RawHeldMembership>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<semver::VersionReq>,
}
