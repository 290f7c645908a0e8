//! Binding an assessment to a policy: its answers and facts checked
//! against the policy and put in the policy's order, the level held read,
//! months derived from dates.

use super::*;
use crate::base::source::path::{index_path, key_path};
use crate::model::assessment::HeldMembership;

impl Policy {
    pub(super) fn check_policy(&self, a: &Assessment) -> Result<(), EvalError> {
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
    pub(super) fn bind<'p>(
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

    /// An id under `section` (`facts`, `answers`) the policy does not
    /// have, with the nearest `known` one while suggestions last.
    fn unknown<'k>(
        &mut self,
        section: &str,
        what: &str,
        id: &str,
        known: impl Iterator<Item = &'k str>,
    ) {
        let hint = self
            .errors
            .may_suggest()
            .then(|| did_you_mean(id, known))
            .flatten();
        let problem = (
            K::UnknownReference,
            format!("unknown {what} {}", quote(id)),
            hint,
        );
        self.push(key_path(section, id), problem);
    }

    /// The levels the assessment says the program held before, checked:
    /// each known to the policy, and none after the date evaluated as of.
    fn history(&mut self, m: &HeldMembership) -> bool {
        let mut ok = true;
        for (i, past) in m.history.iter().enumerate() {
            let at = index_path("assessment.membership.history", i);
            if self.policy.level_position(past.level.as_str()).is_none() {
                let hint = crate::base::suggest::did_you_mean_or_list(
                    past.level.as_str(),
                    "levels",
                    self.policy.levels.iter().map(|l| l.id().as_str()),
                );
                let problem = (
                    K::UnknownReference,
                    format!("unknown level {}", quote(past.level.as_str())),
                    hint,
                );
                self.push(key_path(&at, "level"), problem);
                ok = false;
            }
            if let Some(p) = self.future("held until", past.until) {
                self.push(key_path(&at, "until"), p);
                ok = false;
            }
        }
        ok
    }

    /// The level the assessment says the program holds, checked.
    fn held(&mut self) -> Option<Held<'p>> {
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
        if !self.history(m) {
            return None;
        }
        Some(Held {
            level,
            granted: m.granted_on,
            renewed: m.renewed_on,
            history: &m.history,
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
                self.unknown(
                    "facts",
                    "fact",
                    id.as_str(),
                    p.facts.iter().map(|f| f.id().as_str()),
                );
                continue;
            };
            let Some(fact) = p.facts.get(fi) else {
                continue;
            };
            match self.fact_problem(&fact.ty, id, value) {
                Some(problem) => self.push(key_path("facts", id.as_str()), problem),
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
                self.unknown(
                    "answers",
                    "item",
                    id.as_str(),
                    p.items.iter().map(|i| i.id().as_str()),
                );
                continue;
            };
            let Some(item) = p.items.get(ii) else {
                continue;
            };
            if let Some(problem) = answer_problem(item, id, answer) {
                self.push(key_path("answers", id.as_str()), problem);
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
