//! A program's self-assessment: its facts and its answers by item id.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use crate::date::Date;
use crate::error::{DiagnosticKind as K, LoadError, quote, shows_nothing, shows_nothing_message};
use crate::id::{FactId, ItemId, LevelId};
use crate::limits::{Limits, read_text, text_of};
use crate::raw::{RawAssessment, RawAssessmentHeader, RawHeldMembership};
use crate::suggest::did_you_mean;
use crate::value::Value;
use crate::yaml::{self, SourceMap, key_path};

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
    const WORDS: [&'static str; 4] = ["met", "not_met", "in_progress", "not_applicable"];

    fn from_word(word: &str) -> Option<Self> {
        match word {
            "met" => Some(Answer::Met),
            "not_met" => Some(Answer::NotMet),
            "in_progress" => Some(Answer::InProgress),
            "not_applicable" => Some(Answer::NotApplicable),
            _ => None,
        }
    }

    fn to_value(self) -> Value {
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
}

/// A program's self-assessment: who it is, which policy it answered, its
/// facts and its answers.
///
/// Load one from YAML ([`Assessment::from_yaml_str`], [`Assessment::from_path`])
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
    pub fn for_policy(mut self, name: impl Into<String>, version: semver::VersionReq) -> Self {
        self.policy = Some(name.into());
        self.version = Some(version);
        self
    }

    /// Dates the assessment: the day its answers describe, and the day
    /// [`Policy::evaluate`](crate::Policy::evaluate) evaluates it as of.
    pub fn dated(mut self, as_of: Date) -> Self {
        self.as_of = Some(as_of);
        self
    }

    /// Records the level the program holds and when it was granted (and last
    /// renewed), for terms, reversion and renewal.
    pub fn holding(
        mut self,
        level: impl Into<String>,
        granted_on: Date,
        renewed_on: Option<Date>,
    ) -> Self {
        self.membership = Some(HeldMembership {
            level: LevelId::new(level),
            granted_on,
            renewed_on,
        });
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

    /// Sets a program fact.
    pub fn with_fact(mut self, fact: impl Into<String>, value: impl Into<Value>) -> Self {
        self.set_fact(fact, value);
        self
    }

    /// Sets an answer.
    pub fn with_answer(mut self, item: impl Into<String>, answer: Answer) -> Self {
        self.set_answer(item, answer);
        self
    }

    /// Sets a program fact, replacing any earlier value.
    pub fn set_fact(&mut self, fact: impl Into<String>, value: impl Into<Value>) {
        self.facts.insert(FactId::new(fact), value.into());
    }

    /// Sets an answer, replacing any earlier one.
    pub fn set_answer(&mut self, item: impl Into<String>, answer: Answer) {
        self.answers.insert(ItemId::new(item), answer);
    }

    /// Removes an answer, leaving the item unanswered.
    pub fn clear_answer(&mut self, item: &str) -> Option<Answer> {
        self.answers.remove(item)
    }

    /// Removes a fact, returning its value if it was given.
    pub fn clear_fact(&mut self, fact: &str) -> Option<Value> {
        self.facts.remove(fact)
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
    pub fn answer(&self, item: &str) -> Option<Answer> {
        self.answers.get(item).copied()
    }

    /// Every answer, by item id.
    pub fn answers(&self) -> impl Iterator<Item = (&ItemId, Answer)> {
        self.answers.iter().map(|(k, v)| (k, *v))
    }

    /// A program fact, if given.
    pub fn fact(&self, fact: &str) -> Option<&Value> {
        self.facts.get(fact)
    }

    /// Every fact, by id.
    pub fn facts(&self) -> impl Iterator<Item = (&FactId, &Value)> {
        self.facts.iter()
    }

    /// Loads an assessment from YAML text.
    ///
    /// Checks the format alone; whether the items and facts exist in a policy
    /// is checked by [`Policy::evaluate`](crate::Policy::evaluate).
    ///
    /// # Errors
    ///
    /// [`LoadError::Invalid`] for YAML that is not an assessment: unknown
    /// fields, a program name that is empty or shows nothing (blank, or
    /// only invisible characters), an answer that is not `met`, `not_met`,
    /// `in_progress`, `not_applicable` or a number, duplicate keys.
    ///
    /// # Example
    ///
    /// ```
    /// let a = qbm::Assessment::from_yaml_str(
    ///     "assessment: {program: Riverside}\nanswers: {B.1.1: met, B.3.1: 2.5}\n",
    /// )?;
    /// assert_eq!(a.answer("B.3.1"), Some(qbm::Answer::Number(2.5)));
    /// # Ok::<(), qbm::LoadError>(())
    /// ```
    pub fn from_yaml_str(text: &str) -> Result<Self, LoadError> {
        Self::from_yaml_named(text, "<input>")
    }

    /// Like [`Assessment::from_yaml_str`], naming the text `origin` in errors.
    ///
    /// # Errors
    ///
    /// As [`Assessment::from_yaml_str`].
    pub fn from_yaml_named(text: &str, origin: &str) -> Result<Self, LoadError> {
        Self::from_yaml_with_limits(text, origin, &Limits::default())
    }

    /// Like [`Assessment::from_yaml_named`], within the given [`Limits`].
    ///
    /// # Errors
    ///
    /// As [`Assessment::from_yaml_str`], and [`DiagnosticKind::Limit`](crate::DiagnosticKind::Limit)
    /// for a document past a limit.
    pub fn from_yaml_with_limits(
        text: &str,
        origin: &str,
        limits: &Limits,
    ) -> Result<Self, LoadError> {
        let (raw, map) =
            yaml::parse::<RawAssessment>(text, origin, limits).map_err(LoadError::Invalid)?;
        Self::from_raw(raw, map, limits)
    }

    /// Checks what was read and builds the assessment; `map` places its
    /// diagnostics (a policy test suite's inline case passes the map of the
    /// case, so that they name where in the suite).
    pub(crate) fn from_raw(
        raw: RawAssessment,
        map: SourceMap,
        limits: &Limits,
    ) -> Result<Self, LoadError> {
        // The first `Limits::max_diagnostics`, as found; the rest counted.
        let mut errors = map.found(false);
        let program = &raw.assessment.program;
        let hint = "name the program the assessment is for";
        let path = || "assessment.program".to_owned();
        match map.blank(program, &path, "program name", Some(hint)) {
            Some(d) => errors.push(d),
            None if shows_nothing(program) => {
                let (message, _) = shows_nothing_message(&"program name", program);
                errors.push(map.diag(K::InvalidValue, path(), message, Some(hint.into())));
            }
            None => {}
        }
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
        if !errors.is_empty() {
            return Err(LoadError::Invalid(errors.finish()));
        }
        let mut answers = BTreeMap::new();
        for (item, value) in &raw.answers {
            let path = key_path("answers", item);
            let answer = match value {
                Value::Number(n) => Some(Answer::Number(*n)),
                Value::Text(word) => Answer::from_word(word).or_else(|| {
                    let hint = crate::value::too_large_hint(word)
                        .or_else(|| did_you_mean(word, Answer::WORDS))
                        .or_else(|| {
                            Some(
                                "answer met, not_met, in_progress, not_applicable or a number"
                                    .into(),
                            )
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
        if !errors.is_empty() {
            return Err(LoadError::Invalid(errors.finish()));
        }
        Ok(Self {
            as_of: raw.assessment.as_of,
            membership: raw.assessment.membership.map(|m| HeldMembership {
                level: LevelId::new(m.level),
                granted_on: m.granted_on,
                renewed_on: m.renewed_on,
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
        })
    }

    /// Loads an assessment from bytes as they arrive (an upload, a request
    /// body), within the given [`Limits`]: the size is checked before
    /// anything else, and bytes that are not UTF-8 are refused with the line
    /// and column where they break.
    ///
    /// # Errors
    ///
    /// As [`Assessment::from_yaml_with_limits`], and
    /// [`DiagnosticKind::Syntax`](crate::DiagnosticKind::Syntax) for bytes
    /// that are not UTF-8.
    ///
    /// # Example
    ///
    /// ```
    /// use qbm::{Assessment, Limits};
    ///
    /// let body: &[u8] = b"assessment: {program: Caf\xe9 Mentors}\n";
    /// let err = Assessment::from_yaml_bytes(body, "upload", &Limits::default()).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "upload:1:26: the document is not UTF-8 text (hint: save it as UTF-8)"
    /// );
    /// ```
    pub fn from_yaml_bytes(bytes: &[u8], origin: &str, limits: &Limits) -> Result<Self, LoadError> {
        let text = text_of(bytes, origin, limits)?;
        Self::from_yaml_with_limits(text, origin, limits)
    }

    /// Reads and loads an assessment file.
    ///
    /// # Errors
    ///
    /// [`LoadError::Read`] when the file cannot be read, otherwise as
    /// [`Assessment::from_yaml_str`].
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self, LoadError> {
        Self::from_path_with_limits(path, &Limits::default())
    }

    /// Like [`Assessment::from_path`], within the given [`Limits`]: a file over
    /// `max_input_bytes` is refused before it is read.
    ///
    /// # Errors
    ///
    /// As [`Assessment::from_path`], and
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

    /// Writes the assessment as YAML that loads to the same assessment.
    pub fn to_yaml(&self) -> String {
        let raw = RawAssessment {
            assessment: RawAssessmentHeader {
                program: self.program.clone(),
                as_of: self.as_of,
                membership: self.membership.as_ref().map(|m| RawHeldMembership {
                    level: m.level.to_string(),
                    granted_on: m.granted_on,
                    renewed_on: m.renewed_on,
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
        };
        yaml::to_string(&raw).unwrap_or_else(|e| format!("# cannot write assessment: {e}\n"))
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Self {
        Value::Number(n)
    }
}

impl From<i32> for Value {
    fn from(n: i32) -> Self {
        Value::Number(f64::from(n))
    }
}

impl From<u32> for Value {
    fn from(n: u32) -> Self {
        Value::Number(f64::from(n))
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Text(s)
    }
}
