//! The answer space of one or more policies: for every item and fact, the
//! answers worth trying. Generated assessments (the change-impact report, the
//! proptest toolkit) are points in this space, so that both generators try
//! values at and next to every threshold, and both shrink toward "unanswered".

use std::sync::Arc;

use crate::base::id::{FactId, ItemId};
use crate::base::value::Value;
use crate::model::assessment::{Answer, Assessment};
use crate::model::policy::{FactType, Policy};
use crate::model::requirement::{FactTest, Req, Requirement};

/// The choices for one item. Option 0 is always "unanswered".
#[derive(Clone, Debug)]
pub(crate) struct ItemChoices {
    pub id: ItemId,
    pub options: Vec<Option<Answer>>,
    /// The option that meets the item best.
    pub best: usize,
}

/// The choices for one fact. Option 0 is always "not given".
#[derive(Clone, Debug)]
pub(crate) struct FactChoices {
    pub id: FactId,
    pub options: Vec<Option<Value>>,
    /// Options that satisfy some comparison a level makes (not under `not`),
    /// those that satisfy the most first.
    pub favored: Vec<usize>,
}

/// Every item and fact of the policies, with the answers worth trying.
#[derive(Clone, Debug)]
pub(crate) struct Space {
    pub items: Vec<ItemChoices>,
    pub facts: Vec<FactChoices>,
}

/// How good an answer is, for "improving an answer"; `None` for not applicable,
/// which is no better or worse than any other.
pub(crate) fn goodness(answer: Option<Answer>) -> Option<f64> {
    match answer {
        None => Some(f64::NEG_INFINITY),
        Some(Answer::NotMet | Answer::InProgress) => Some(-1.0e300),
        Some(Answer::Number(n)) => Some(n),
        Some(Answer::Met) => Some(f64::INFINITY),
        Some(Answer::NotApplicable) => None,
    }
}

fn push_unique<T: PartialEq>(list: &mut Vec<T>, v: T) {
    if !list.contains(&v) {
        list.push(v);
    }
}

impl Space {
    /// The space of the union of `policies`, by id; where two define the same
    /// item or fact, the options of both are offered.
    pub(crate) fn of(policies: &[&Policy]) -> Arc<Self> {
        let (constants, favored) = comparisons(policies);
        let mut facts = fact_choices(policies, &constants);
        for choice in &mut facts {
            favour(choice, &favored);
        }
        let mut items = item_choices(policies, &constants, &facts);
        for choice in &mut items {
            choice.best = choice
                .options
                .iter()
                .enumerate()
                .filter_map(|(i, o)| goodness(*o).map(|g| (i, g)))
                .max_by(|a, b| a.1.total_cmp(&b.1))
                .map_or(0, |(i, _)| i);
        }
        Arc::new(Space { items, facts })
    }

    /// How many options each dimension has: items first, then facts.
    pub(crate) fn dims(&self) -> Vec<usize> {
        self.items
            .iter()
            .map(|c| c.options.len())
            .chain(self.facts.iter().map(|c| c.options.len()))
            .collect()
    }

    #[cfg(any(test, feature = "testing"))]
    /// The point that meets the most: every item at its best answer, every
    /// fact at a favoured value (or its last option where none is favoured).
    pub(crate) fn top(&self) -> Vec<usize> {
        self.items
            .iter()
            .map(|c| c.best)
            .chain(self.facts.iter().map(|f| {
                f.favored
                    .first()
                    .copied()
                    .unwrap_or(f.options.len().saturating_sub(1))
            }))
            .collect()
    }

    /// The assessment at `choice` (one option index per dimension, as `dims`).
    pub(crate) fn build(&self, program: &str, choice: &[usize]) -> Assessment {
        let mut a = Assessment::new(program);
        let (item_choice, fact_choice) = choice.split_at(choice.len().min(self.items.len()));
        for (c, &i) in self.items.iter().zip(item_choice) {
            if let Some(Some(answer)) = c.options.get(i) {
                a.set_answer(c.id.as_str(), *answer);
            }
        }
        for (c, &i) in self.facts.iter().zip(fact_choice) {
            if let Some(Some(v)) = c.options.get(i) {
                a.set_fact(c.id.as_str(), v.clone());
            }
        }
        a
    }
}

/// A number a fact is compared with (or declares an item's minimum with).
type Constant = (FactId, f64);

/// The numbers each fact is compared with, and the tests that favour a
/// fact's value, over every policy.
fn comparisons(policies: &[&Policy]) -> (Vec<Constant>, Vec<(FactId, FactTest)>) {
    let mut constants: Vec<Constant> = Vec::new();
    let mut favored: Vec<(FactId, FactTest)> = Vec::new();
    for p in policies {
        for level in &p.levels {
            for r in &level.requires {
                walk(p, r, true, &mut constants, &mut favored);
            }
        }
        for item in &p.items {
            if let Some(t) = item.threshold()
                && let Some(fid) = &t.declared_by
            {
                constants.push((fid.clone(), t.at_least));
            }
        }
    }
    (constants, favored)
}

/// The index `found` in `list`, or where `make()` is pushed when there is none.
fn slot<T>(list: &mut Vec<T>, found: Option<usize>, make: impl FnOnce() -> T) -> usize {
    match found {
        Some(at) => at,
        None => {
            list.push(make());
            list.len() - 1
        }
    }
}

/// The choices for every fact: its values, a few dates, and for a number
/// its bounds and each side of every constant it is compared with.
fn fact_choices(policies: &[&Policy], constants: &[Constant]) -> Vec<FactChoices> {
    let mut facts: Vec<FactChoices> = Vec::new();
    for p in policies {
        for f in &p.facts {
            let found = facts.iter().position(|c| &c.id == f.id());
            let at = slot(&mut facts, found, || FactChoices {
                id: f.id().clone(),
                options: vec![None],
                favored: Vec::new(),
            });
            let Some(choice) = facts.get_mut(at) else {
                continue;
            };
            match &f.ty {
                FactType::Boolean => {
                    push_unique(&mut choice.options, Some(Value::Bool(false)));
                    push_unique(&mut choice.options, Some(Value::Bool(true)));
                }
                FactType::Choice(values) => {
                    for v in values {
                        push_unique(&mut choice.options, Some(Value::Text(v.clone())));
                    }
                }
                // A few dates, from long ago to recent; none in anyone's future.
                FactType::Date => {
                    for d in ["2000-01-01", "2019-02-28", "2020-02-29", "2023-10-31"] {
                        push_unique(&mut choice.options, Some(Value::Text(d.to_owned())));
                    }
                }
                FactType::Number { min, max, .. } => {
                    let mut numbers: Vec<f64> = min.iter().chain(max.iter()).copied().collect();
                    for (_, c) in constants.iter().filter(|(id, _)| id == f.id()) {
                        numbers.extend([c - 1.0, *c, c + 1.0]);
                    }
                    if numbers.is_empty() {
                        numbers.extend([0.0, 1.0]);
                    }
                    numbers.retain(|n| min.is_none_or(|m| *n >= m) && max.is_none_or(|m| *n <= m));
                    numbers.sort_by(f64::total_cmp);
                    for n in numbers {
                        push_unique(&mut choice.options, Some(Value::Number(n)));
                    }
                }
            }
        }
    }
    facts
}

/// Marks a fact's favoured options, those passing the most comparisons first.
fn favour(choice: &mut FactChoices, favored: &[(FactId, FactTest)]) {
    let mut scored: Vec<(usize, usize)> = Vec::new();
    for (i, opt) in choice.options.iter().enumerate() {
        let Some(v) = opt else { continue };
        let passes = favored
            .iter()
            .filter(|(id, test)| id == &choice.id && test.holds(v))
            .count();
        if passes > 0 {
            scored.push((i, passes));
        }
    }
    scored.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    choice.favored = scored.into_iter().map(|(i, _)| i).collect();
}

/// The choices for every item: every answer kind it accepts, and for a
/// number each side of its threshold and of the values of the fact that
/// declares it.
fn item_choices(
    policies: &[&Policy],
    constants: &[Constant],
    facts: &[FactChoices],
) -> Vec<ItemChoices> {
    let mut items: Vec<ItemChoices> = Vec::new();
    for p in policies {
        for item in &p.items {
            let found = items.iter().position(|c| &c.id == item.id());
            let at = slot(&mut items, found, || ItemChoices {
                id: item.id().clone(),
                options: vec![None],
                best: 0,
            });
            let Some(choice) = items.get_mut(at) else {
                continue;
            };
            push_unique(&mut choice.options, Some(Answer::NotMet));
            push_unique(&mut choice.options, Some(Answer::InProgress));
            if item.allows_not_applicable() {
                push_unique(&mut choice.options, Some(Answer::NotApplicable));
            }
            match item.threshold() {
                None => push_unique(&mut choice.options, Some(Answer::Met)),
                Some(t) => {
                    let numbers =
                        threshold_numbers(t.at_least, t.declared_by.as_ref(), constants, facts);
                    for n in numbers {
                        push_unique(&mut choice.options, Some(Answer::Number(n)));
                    }
                }
            }
        }
    }
    items
}

/// The numbers worth answering an item with a minimum of `at_least`,
/// declared by the fact `declared_by` if any: zero, each side of the
/// minimum, of the constants the fact is compared with and of its values.
fn threshold_numbers(
    at_least: f64,
    declared_by: Option<&FactId>,
    constants: &[Constant],
    facts: &[FactChoices],
) -> Vec<f64> {
    let mut numbers = vec![0.0, at_least - 1.0, at_least, at_least + 1.0];
    if let Some(fid) = declared_by {
        for (_, c) in constants.iter().filter(|(id, _)| id == fid) {
            numbers.extend([c - 1.0, *c, c + 1.0]);
        }
        if let Some(f) = facts.iter().find(|f| &f.id == fid) {
            for v in f.options.iter().flatten() {
                if let Value::Number(n) = v {
                    numbers.extend([n - 1.0, *n, n + 1.0]);
                }
            }
        }
    }
    numbers.retain(|n| *n >= 0.0);
    numbers.sort_by(f64::total_cmp);
    numbers
}

/// Collects the numbers each fact is compared with, and the tests that hold
/// where the requirement counts positively (not under an odd number of `not`).
fn walk(
    p: &Policy,
    r: &Requirement,
    positive: bool,
    constants: &mut Vec<(FactId, f64)>,
    favored: &mut Vec<(FactId, FactTest)>,
) {
    match &r.kind {
        Req::All(list) | Req::AtLeast(_, list) => {
            for c in list {
                walk(p, c, positive, constants, favored);
            }
        }
        Req::Not(inner) => walk(p, inner, !positive, constants, favored),
        Req::Fact { fact, test, .. } => {
            let Some(f) = p.facts.get(*fact) else { return };
            match test {
                FactTest::Range(lo, hi) => {
                    for n in lo.iter().chain(hi.iter()) {
                        constants.push((f.id().clone(), *n));
                    }
                }
                FactTest::Equals(Value::Number(n)) => constants.push((f.id().clone(), *n)),
                FactTest::OneOf(list) => {
                    for v in list {
                        if let Value::Number(n) = v {
                            constants.push((f.id().clone(), *n));
                        }
                    }
                }
                FactTest::Equals(_) => {}
            }
            if positive {
                favored.push((f.id().clone(), test.clone()));
            }
        }
        Req::Met(_) | Req::Items { .. } | Req::Level(_) | Req::Held { .. } => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mmp_space_tries_values_around_thresholds() {
        let p = Policy::builtin().unwrap();
        let space = Space::of(&[&p]);
        let months = space
            .facts
            .iter()
            .find(|f| f.id.as_str() == "months_operating")
            .unwrap();
        let numbers: Vec<f64> = months
            .options
            .iter()
            .flatten()
            .filter_map(|v| {
                if let Value::Number(n) = v {
                    Some(*n)
                } else {
                    None
                }
            })
            .collect();
        for n in [11.0, 12.0, 13.0] {
            assert!(numbers.contains(&n), "{numbers:?}");
        }
        let training = space
            .items
            .iter()
            .find(|i| i.id.as_str() == "B.3.1")
            .unwrap();
        for n in [1.0, 2.0, 3.0] {
            assert!(training.options.contains(&Some(Answer::Number(n))));
        }
        assert_eq!(
            training.options.get(training.best),
            Some(&Some(Answer::Number(3.0)))
        );
        let review = space
            .facts
            .iter()
            .find(|f| f.id.as_str() == "review_held")
            .unwrap();
        let favored: Vec<&Option<Value>> =
            review.favored.iter().map(|&i| &review.options[i]).collect();
        assert_eq!(favored, [&Some(Value::Bool(true))]);
        // Every point of the space is an assessment the policy accepts.
        let top = space.build("x", &space.top());
        let e = p.evaluate(&top).unwrap();
        assert_eq!(e.level.unwrap().id.as_str(), "partner");
    }
}
