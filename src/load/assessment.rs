//! Reading and writing an assessment: from YAML or any serde format into
//! the model, checked, and back in the documented format.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::base::error::{
    DiagnosticKind as K, EvalError, Found, LoadError, quote, shows_nothing, shows_nothing_message,
};
use crate::base::id::{FactId, ItemId, LevelId};
use crate::base::limits::Limits;
use crate::base::source::SourceMap;
use crate::base::source::path::{index_path, key_path};
use crate::base::suggest::did_you_mean;
use crate::base::value::Value;
use crate::load::raw::{RawAssessment, RawAssessmentHeader, RawHeldMembership, RawPastLevel};
use crate::load::yaml;
use crate::model::assessment::{Answer, Assessment, HeldMembership, PastLevel};

impl Assessment {
    /// Loads an assessment from YAML text named `origin` in errors, within
    /// `limits`: the one loader behind [`Loader`](crate::Loader)'s
    /// assessment methods, `str::parse` and deserialization.
    pub(crate) fn from_yaml(text: &str, origin: &str, limits: &Limits) -> Result<Self, LoadError> {
        let (raw, map, unread) =
            yaml::parse_all::<RawAssessment>(text, origin, limits).map_err(LoadError::Invalid)?;
        unread.finish(Self::from_raw(raw, map, limits))
    }

    /// [`Assessment::from_yaml`], with `check` run on what was read (what
    /// is left once unknown fields and wrong values are left out) and its
    /// problems reported with the document's own, by position.
    pub(crate) fn from_yaml_checked(
        text: &str,
        origin: &str,
        limits: &Limits,
        check: impl FnOnce(&Assessment) -> Result<(), EvalError>,
    ) -> Result<Self, LoadError> {
        let (raw, map, unread) =
            yaml::parse_all::<RawAssessment>(text, origin, limits).map_err(LoadError::Invalid)?;
        let (built, mut errors) = Self::read(raw, map, limits, true);
        if let Some(a) = &built
            && let Err(e) = check(a)
        {
            for d in e.diagnostics() {
                errors.push(d.clone());
            }
        }
        let checked = match built {
            Some(a) if errors.is_empty() => Ok(a),
            _ => Err(LoadError::Invalid(errors.finish())),
        };
        unread.finish(checked)
    }

    /// Checks what was read and builds the assessment; `map` places its
    /// diagnostics (a policy test suite's inline case passes the map of the
    /// case, so that they name where in the suite).
    pub(crate) fn from_raw(
        raw: RawAssessment,
        map: SourceMap,
        limits: &Limits,
    ) -> Result<Self, LoadError> {
        match Self::read(raw, map, limits, false) {
            (Some(a), errors) if errors.is_empty() => Ok(a),
            (_, errors) => Err(LoadError::Invalid(errors.finish())),
        }
    }

    /// What [`Assessment::from_raw`] checks, with the assessment built from
    /// what passed where it can be: an answer refused is left out, while a
    /// program, size or history refused builds none. The first
    /// `Limits::max_diagnostics` problems, as found or by `position`; the
    /// rest counted.
    fn read(
        raw: RawAssessment,
        map: SourceMap,
        limits: &Limits,
        position: bool,
    ) -> (Option<Self>, Found) {
        let mut errors = map.found(position);
        check_program(&raw.assessment.program, &map, &mut errors);
        check_sizes(&raw, &map, limits, &mut errors);
        check_history(&raw, &map, &mut errors);
        if !errors.is_empty() {
            return (None, errors);
        }
        let answers = read_answers(&raw.answers, &map, &mut errors);
        let built = Self {
            as_of: raw.assessment.as_of,
            membership: raw.assessment.membership.map(|m| HeldMembership {
                level: LevelId::new(m.level),
                granted_on: m.granted_on,
                renewed_on: m.renewed_on,
                history: m
                    .history
                    .into_iter()
                    .map(|p| PastLevel {
                        level: LevelId::new(p.level),
                        from: p.from,
                        until: p.until,
                    })
                    .collect(),
            }),
            program: raw.assessment.program,
            policy: raw.assessment.policy,
            version: raw.assessment.version,
            facts: raw
                .facts
                .into_iter()
                .map(|(k, v)| (FactId::new(k), v))
                .collect(),
            answers,
            source: map,
        };
        (Some(built), errors)
    }

    /// Writes the assessment as YAML that loads to the same assessment.
    ///
    /// A number that is not finite (NaN, infinity: only code can set one)
    /// cannot be written; the text is then a YAML comment saying so, which
    /// does not load.
    pub fn to_yaml(&self) -> String {
        yaml::to_string(&self.to_raw())
            .unwrap_or_else(|e| format!("# cannot write assessment: {e}\n"))
    }

    /// The assessment as the format writes it.
    fn to_raw(&self) -> RawAssessment {
        RawAssessment {
            assessment: RawAssessmentHeader {
                program: self.program.clone(),
                as_of: self.as_of,
                membership: self.membership.as_ref().map(|m| RawHeldMembership {
                    level: m.level.to_string(),
                    granted_on: m.granted_on,
                    renewed_on: m.renewed_on,
                    history: m
                        .history
                        .iter()
                        .map(|p| RawPastLevel {
                            level: p.level.to_string(),
                            from: p.from,
                            until: p.until,
                        })
                        .collect(),
                }),
                policy: self.policy.clone(),
                version: self.version.clone(),
            },
            facts: self
                .facts
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
            answers: self
                .answers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_value()))
                .collect(),
        }
    }
}

/// Refuses a program name that is empty or shows nothing.
fn check_program(program: &str, map: &SourceMap, errors: &mut Found) {
    let hint = "name the program the assessment is for";
    let path = || "assessment.program".to_owned();
    match map.blank(program, path, "program name", Some(hint)) {
        Some(d) => errors.push(d),
        None if shows_nothing(program) => {
            let (message, _) = shows_nothing_message(&"program name", program);
            errors.push(map.diag(K::InvalidValue, path(), message, Some(hint.into())));
        }
        None => {}
    }
}

/// Refuses more answers or facts than [`Limits::max_answers`], and ids
/// longer than [`Limits::max_id_bytes`].
fn check_sizes(raw: &RawAssessment, map: &SourceMap, limits: &Limits, errors: &mut Found) {
    for (section, n) in [("answers", raw.answers.len()), ("facts", raw.facts.len())] {
        if n > limits.max_answers {
            errors.push(map.diag(
                K::Limit,
                section,
                format!("{n} {section}, over the limit of {}", limits.max_answers),
                Some("the limit is `Limits::max_answers`".into()),
            ));
        }
    }
    let history = raw
        .assessment
        .membership
        .as_ref()
        .map_or(0, |m| m.history.len());
    if history > limits.max_history {
        errors.push(map.diag(
            K::Limit,
            "assessment.membership.history",
            format!(
                "{history} levels in the history, over the limit of {}",
                limits.max_history
            ),
            Some("the limit is `Limits::max_history`".into()),
        ));
    }
    for key in raw.answers.keys().chain(raw.facts.keys()) {
        if key.len() > limits.max_id_bytes {
            let section = if raw.answers.contains_key(key) {
                "answers"
            } else {
                "facts"
            };
            errors.push(map.diag(
                K::Limit,
                key_path(section, key),
                format!("id {} is {} bytes long", quote(key), key.len()),
                Some(format!("ids are at most {} bytes", limits.max_id_bytes)),
            ));
        }
    }
}

/// Refuses a past level that ended before it began.
fn check_history(raw: &RawAssessment, map: &SourceMap, errors: &mut Found) {
    let Some(m) = raw.assessment.membership.as_ref() else {
        return;
    };
    for (i, p) in m.history.iter().enumerate() {
        if p.until < p.from {
            let at = index_path("assessment.membership.history", i);
            errors.push(map.diag(
                K::InvalidValue,
                key_path(&at, "until"),
                format!(
                    "level {} held until {}, before it was held from {}",
                    quote(&p.level),
                    p.until,
                    p.from
                ),
                Some("`until` is the day the level ended, on or after `from`".into()),
            ));
        }
    }
}

/// The answers read, each checked; a problem with one is pushed to `errors`.
fn read_answers(
    raw: &BTreeMap<String, Value>,
    map: &SourceMap,
    errors: &mut Found,
) -> BTreeMap<ItemId, Answer> {
    let mut answers = BTreeMap::new();
    for (item, value) in raw {
        let path = key_path("answers", item);
        let answer = match value {
            Value::Number(n) => Some(Answer::Number(*n)),
            Value::Text(word) => Answer::from_word(word).or_else(|| {
                let hint = crate::base::value::too_large_hint(word)
                    .or_else(|| did_you_mean(word, Answer::WORDS))
                    .or_else(|| {
                        Some("answer met, not_met, in_progress, not_applicable or a number".into())
                    });
                errors.push(map.diag(
                    K::InvalidValue,
                    &path,
                    format!("unknown answer {}", quote(word)),
                    hint,
                ));
                None
            }),
            Value::Bool(b) => {
                let hint = Some(format!("write `{}`", if *b { "met" } else { "not_met" }));
                errors.push(map.diag(
                    K::InvalidValue,
                    &path,
                    format!("answer `{b}` is not an answer"),
                    hint,
                ));
                None
            }
        };
        if let Some(a) = answer {
            answers.insert(ItemId::new(item), a);
        }
    }
    answers
}

/// Written in the assessment format (see the README), as
/// [`Assessment::to_yaml`] writes it: any serde format reads it back.
/// A number that is not finite (NaN, infinity: only code can set one) is
/// an error, not JSON's `null`.
impl Serialize for Assessment {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_raw().serialize(s)
    }
}

/// Read in the assessment format (see the README) from any serde format,
/// so that a service can take an assessment inside its own request type.
/// What is read is checked as the [`Loader`](crate::Loader) checks it,
/// within the default [`Limits`], and a problem fails with the loader's
/// message, naming the input `<input>` (a format may add a position of its own).
/// An answer or fact id given twice is refused, as the loader refuses it
/// (serde_json alone would keep the last).
///
/// The checks run on what the format has read: the size of the input is
/// not checked before it is parsed, so memory follows the input. A service
/// caps a request body at [`Limits::max_input_bytes`] before deserializing
/// it (the example service reads a body frame by frame within a size), or
/// loads the bytes with [`Loader::assessment_bytes`](crate::Loader::assessment_bytes),
/// which checks the size first.
///
/// ```
/// let a: qbm::Assessment = serde_json::from_str(r#"{"assessment": {"program": "Hilltop"}, "answers": {"B.1.1": "met"}}"#)?;
/// assert_eq!(a.answer("B.1.1"), Some(qbm::Answer::Met));
///
/// let err = serde_json::from_str::<qbm::Assessment>(r#"{"assessment": {"program": "Hilltop"}, "answers": {"B.1.1": "mett"}}"#).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "<input>: answers.B.1.1: unknown answer `mett` (hint: did you mean `met`?)"
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
impl<'de> Deserialize<'de> for Assessment {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let Unique {
            assessment,
            facts,
            answers,
        } = Unique::deserialize(d)?;
        let raw = RawAssessment {
            assessment,
            facts,
            answers,
        };
        let limits = Limits::default();
        let origin = crate::load::loader::UNNAMED;
        if let Some((path, len)) = longest_text(&raw, limits.max_string_bytes) {
            let e = LoadError::Invalid(yaml::too_long(origin, path, None, len, &limits));
            return Err(serde::de::Error::custom(e));
        }
        Self::from_raw(raw, SourceMap::detached(origin), &limits).map_err(serde::de::Error::custom)
    }
}

/// The assessment format as [`RawAssessment`], read by other formats than
/// the YAML loader: an answer or fact id given twice is refused.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Unique {
    assessment: RawAssessmentHeader,
    #[serde(default, deserialize_with = "unique_keys")]
    facts: BTreeMap<String, Value>,
    #[serde(default, deserialize_with = "unique_keys")]
    answers: BTreeMap<String, Value>,
}

/// A map that refuses a key given twice (serde_json keeps the last of two
/// equal keys; the YAML loader finds them, with positions, before serde).
fn unique_keys<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<String, Value>, D::Error> {
    struct Unique;
    impl<'de> serde::de::Visitor<'de> for Unique {
        type Value = BTreeMap<String, Value>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a map")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut m: A,
        ) -> Result<Self::Value, A::Error> {
            let mut map = BTreeMap::new();
            while let Some((key, value)) = m.next_entry::<String, Value>()? {
                if map.contains_key(&key) {
                    let message = format!("duplicate key {}", crate::base::error::quote(&key));
                    return Err(serde::de::Error::custom(message));
                }
                map.insert(key, value);
            }
            Ok(map)
        }
    }
    d.deserialize_map(Unique)
}

/// The first text longer than `max` bytes and its length: the YAML
/// loader refuses one as it reads, another format's reader does not.
fn longest_text(raw: &RawAssessment, max: usize) -> Option<(String, usize)> {
    let header = &raw.assessment;
    let named = [
        ("assessment.program", Some(&header.program)),
        ("assessment.policy", header.policy.as_ref()),
        (
            "assessment.membership.level",
            header.membership.as_ref().map(|m| &m.level),
        ),
    ];
    let texts = named
        .into_iter()
        .filter_map(|(path, text)| Some((path.to_owned(), text?)))
        .chain(
            [("facts", &raw.facts), ("answers", &raw.answers)]
                .into_iter()
                .flat_map(|(section, values)| {
                    values.iter().filter_map(move |(k, v)| match v {
                        Value::Text(t) => Some((key_path(section, k), t)),
                        _ => None,
                    })
                }),
        );
    texts
        .map(|(path, text)| (path, text.len()))
        .find(|(_, len)| *len > max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Loader;
    use crate::base::date::Date;
    use crate::base::id::LevelId;

    /// The sample assessments shipped in `examples/assessments/`.
    fn samples() -> Vec<(String, Assessment)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/assessments");
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        let loaded: Vec<_> = paths
            .iter()
            .map(|p| {
                let a = Loader::new().assessment_path(p).unwrap();
                (p.display().to_string(), a)
            })
            .collect();
        assert_eq!(loaded.len(), 5);
        loaded
    }

    #[test]
    fn samples_round_trip_through_serde_formats() {
        for (name, a) in samples() {
            let json = serde_json::to_string(&a).unwrap();
            let from_json: Assessment = serde_json::from_str(&json).unwrap();
            assert_eq!(from_json, a, "{name} through JSON: {json}");
            let yaml = serde_yaml::to_string(&a).unwrap();
            assert_eq!(yaml, a.to_yaml(), "{name}: serialized as the format");
            let from_yaml: Assessment = serde_yaml::from_str(&yaml).unwrap();
            assert_eq!(from_yaml, a, "{name} through YAML");
            // Equality sees a changed answer.
            let changed = from_yaml.with_answer("B.1.1", Answer::Number(99.0));
            assert_ne!(changed, a, "{name}");
        }
    }

    #[test]
    fn deserializing_checks_as_the_loader_does() {
        let long = "x".repeat(20_000);
        let bad = [
            "assessment: {program: '  '}\n".to_owned(),
            "assessment: {program: \"\\u200b\"}\n".to_owned(),
            "assessment: {program: P}\nanswers: {B.1.1: mett, B.1.2: true}\n".to_owned(),
            format!(
                "assessment: {{program: P}}\nfacts: {{{}: 1}}\n",
                "f".repeat(200)
            ),
            format!("assessment: {{program: P}}\nfacts: {{stage: {long}}}\n"),
            format!("assessment: {{program: {long}}}\n"),
        ];
        for text in &bad {
            let loaded = Loader::new().assessment_str(text).unwrap_err();
            let messages: Vec<&str> = loaded
                .diagnostics()
                .iter()
                .map(|d| d.message.as_str())
                .collect();
            assert!(!messages.is_empty(), "{loaded}");
            let read = serde_yaml::from_str::<Assessment>(text)
                .unwrap_err()
                .to_string();
            let as_json =
                serde_json::to_string(&serde_yaml::from_str::<serde_json::Value>(text).unwrap())
                    .unwrap();
            let read_json = serde_json::from_str::<Assessment>(&as_json)
                .unwrap_err()
                .to_string();
            for m in messages {
                assert!(read.contains(m), "{read} lacks {m}");
                assert!(read_json.contains(m), "{read_json} lacks {m}");
            }
        }
    }

    #[test]
    fn a_key_given_twice_is_refused_in_any_format() {
        // serde's maps keep the last of two equal keys; the loader refuses
        // them, so deserializing must too.
        let json = [
            (
                r#"{"assessment": {"program": "P"}, "answers": {"B.1.1": "met", "B.1.1": "not_met"}}"#,
                "B.1.1",
            ),
            (
                r#"{"assessment": {"program": "P"}, "facts": {"f": 1, "f": 2}}"#,
                "f",
            ),
        ];
        for (text, key) in json {
            let err = serde_json::from_str::<Assessment>(text).unwrap_err();
            assert!(
                err.to_string()
                    .starts_with(&format!("duplicate key `{key}`")),
                "{err}"
            );
        }
        let yaml = "assessment: {program: P}\nanswers: {B.1.1: met, B.1.1: not_met}\n";
        let err = serde_yaml::from_str::<Assessment>(yaml).unwrap_err();
        assert!(err.to_string().contains("duplicate key `B.1.1`"), "{err}");
        let loaded = Loader::new().assessment_str(yaml).unwrap_err();
        assert!(
            loaded.to_string().contains("duplicate key `B.1.1`"),
            "{loaded}"
        );
    }

    #[test]
    fn a_number_that_is_not_finite_is_not_written() {
        // Built in code, NaN and infinity are refused when evaluated; written
        // out, JSON would say `null` and YAML `.nan`, neither of which reads back.
        for n in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let fact = Assessment::new("P").with_fact("f", n);
            let answer = Assessment::new("P").with_answer("B.3.1", Answer::Number(n));
            for a in [fact, answer] {
                let err = serde_json::to_string(&a).unwrap_err();
                assert!(err.to_string().contains("is not finite"), "{err}");
                assert!(serde_yaml::to_string(&a).is_err());
            }
        }
        let finite = Assessment::new("P").with_fact("f", 1.5);
        assert_eq!(
            serde_json::to_string(&finite).unwrap(),
            r#"{"assessment":{"program":"P"},"facts":{"f":1.5},"answers":{}}"#
        );
    }

    #[test]
    fn the_crates_ids_feed_the_setters() {
        let policy = crate::Policy::builtin().unwrap();
        let mut a = Assessment::new("P");
        for item in policy.items() {
            a = a.with_answer(item.id(), Answer::Met);
        }
        for fact in policy.facts() {
            a.set_fact(fact.id(), 1_usize);
        }
        let level = policy.levels().last().unwrap().id();
        let day = Date::new(2026, 1, 2).unwrap();
        let a = a
            .holding(level, day, None)
            .for_policy(policy.name(), "^2".parse().unwrap());
        assert_eq!(a.answers().count(), policy.items().len());
        assert_eq!(a.facts().count(), policy.facts().len());
        let item = policy.items().first().unwrap().id();
        assert_eq!(a.answer(item), Some(Answer::Met));
        assert_eq!(a.answer(item.as_str()), Some(Answer::Met));
        let fact = policy.facts().first().unwrap().id();
        assert_eq!(a.fact(fact), Some(&Value::Number(1.0)));
        assert_eq!(
            a.membership().map(|m| &m.level),
            Some(&LevelId::new("partner"))
        );
        let mut a = a;
        assert_eq!(a.clear_answer(item), Some(Answer::Met));
        assert_eq!(a.clear_fact(fact.clone()), Some(Value::Number(1.0)));
        assert_eq!(a.answer(item), None);
    }

    #[test]
    fn every_integer_type_converts_to_a_value() {
        let n = |v: Value| match v {
            Value::Number(n) => n,
            other => panic!("{other:?}"),
        };
        assert_eq!(n(7_u8.into()), 7.0);
        assert_eq!(n(7_u16.into()), 7.0);
        assert_eq!(n(7_u32.into()), 7.0);
        assert_eq!(n(7_u64.into()), 7.0);
        assert_eq!(n(7_u128.into()), 7.0);
        assert_eq!(n(7_usize.into()), 7.0);
        assert_eq!(n((-7_i8).into()), -7.0);
        assert_eq!(n((-7_i16).into()), -7.0);
        assert_eq!(n((-7_i32).into()), -7.0);
        assert_eq!(n((-7_i64).into()), -7.0);
        assert_eq!(n((-7_i128).into()), -7.0);
        assert_eq!(n((-7_isize).into()), -7.0);
        assert_eq!(n(0.5_f32.into()), 0.5);
        // Exact up to 2^53, rounded to nearest (ties to even) past it.
        let max_exact = 1_i64 << 53;
        assert_eq!(n(max_exact.into()), 9_007_199_254_740_992.0);
        assert_eq!(n((max_exact + 1).into()), 9_007_199_254_740_992.0);
        assert_eq!(n((max_exact + 3).into()), 9_007_199_254_740_996.0);
        assert_eq!(n(i64::MIN.into()), -9_223_372_036_854_775_808.0);
        assert!(n(u128::MAX.into()).is_finite());
    }
}
