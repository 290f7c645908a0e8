//! The facts: their ids indexed, each made a [`Fact`] of a checked type,
//! which way each improves checked against its type, and facts derived
//! from date facts linked to them.

use super::{Builder, K};
use crate::base::error::quote;
use crate::base::hash::Map;
use crate::base::id::FactId;
use crate::load::raw::{RawFact, RawFactType};
use crate::load::yaml::{index_path, key_path};
use crate::model::policy::{Better, Fact, FactType};

/// The facts, and their positions by id.
pub(super) struct FactIndex {
    pub(super) ids: Map<String, usize>,
    pub(super) facts: Vec<Fact>,
}

/// Indexes the facts' ids and makes the facts; see the module's
/// documentation for what is checked.
pub(super) fn build(b: &mut Builder<'_>, raw: &[RawFact]) -> FactIndex {
    let ids = b.index_ids(
        "fact",
        "facts",
        raw.iter()
            .enumerate()
            .map(|(i, f)| (index_path("facts", i), f.id.as_str())),
    );
    let mut facts = Vec::with_capacity(raw.len());
    for (i, f) in raw.iter().enumerate() {
        let path = index_path("facts", i);
        let ty = fact_type(b, f, &path);
        bounds(b, f, &path);
        facts.push(Fact {
            id: FactId::new(&f.id),
            title: f.title.as_str().into(),
            question: f.question.as_deref().map(Into::into),
            ty,
            months_since: None,
            better: f.better,
            unused: (
                (f.ty != RawFactType::Number)
                    .then(|| f.unit.clone())
                    .flatten(),
                if f.ty == RawFactType::Date {
                    f.values.clone()
                } else {
                    Vec::new()
                },
            ),
        });
    }
    for (i, f) in raw.iter().enumerate() {
        better(b, f, i);
    }
    let mut index = FactIndex { ids, facts };
    for (i, f) in raw.iter().enumerate() {
        derive(b, f, i, &mut index);
    }
    index
}

/// The fact's type, reporting values listed for a fact that is not a
/// choice (or none for one that is) and bounds upside down.
fn fact_type(b: &mut Builder<'_>, f: &RawFact, path: &str) -> FactType {
    let values = key_path(path, "values");
    match f.ty {
        RawFactType::Date => FactType::Date,
        RawFactType::Choice => {
            if f.values.is_empty() {
                b.err(
                    K::InvalidValue,
                    &values,
                    format!("choice fact {} lists no values", quote(&f.id)),
                    Some("add `values: [a, b, ...]`".into()),
                );
            }
            FactType::Choice(f.values.clone())
        }
        RawFactType::Boolean | RawFactType::Number => {
            if !f.values.is_empty() {
                b.err(
                    K::InvalidValue,
                    &values,
                    format!(
                        "only a choice fact lists values; {} is not one",
                        quote(&f.id)
                    ),
                    Some("set `type: choice` or remove `values`".into()),
                );
            }
            if f.ty == RawFactType::Boolean {
                return FactType::Boolean;
            }
            if let (Some(lo), Some(hi)) = (f.min, f.max)
                && lo > hi
            {
                b.err(
                    K::InvalidValue,
                    &key_path(path, "max"),
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
}

/// Reports a `min` or `max` that is not finite, or given for a fact that
/// is not a number.
fn bounds(b: &mut Builder<'_>, f: &RawFact, path: &str) {
    for (key, bound) in [("min", f.min), ("max", f.max)] {
        if bound.is_some_and(|n| !n.is_finite()) {
            b.err(
                K::InvalidValue,
                &key_path(path, key),
                format!("`{key}` is not a finite number"),
                None,
            );
        }
    }
    if f.ty != RawFactType::Number && (f.min.is_some() || f.max.is_some()) {
        b.err(
            K::InvalidValue,
            path,
            format!(
                "only a number fact has `min` and `max`; {} is not one",
                quote(&f.id)
            ),
            None,
        );
    }
}

/// Reports a way to improve (`better:`) that does not suit the fact's type.
fn better(b: &mut Builder<'_>, f: &RawFact, i: usize) {
    use Better as B;
    let Some(better) = f.better else { return };
    let fits = matches!(
        (f.ty, better),
        (RawFactType::Number, B::More | B::Less)
            | (RawFactType::Boolean, B::True | B::False)
            | (RawFactType::Choice, B::Later | B::Earlier)
    );
    if !fits {
        b.err(
            K::InvalidValue,
            &key_path(&index_path("facts", i), "better"),
            format!("fact {} cannot improve that way", quote(&f.id)),
            Some("a number is better `more` or `less`, a boolean `true` or `false`, a choice `later` or `earlier` in its values".into()),
        );
    }
}

/// Links fact `i`, when derived (`derive: {months_since: ...}`), to the
/// date fact it counts months since; reports a derived fact that is not a
/// number, and a source that is unknown or not a date.
fn derive(b: &mut Builder<'_>, f: &RawFact, i: usize, index: &mut FactIndex) {
    let Some(d) = &f.derive else { return };
    let path = key_path(&key_path(&index_path("facts", i), "derive"), "months_since");
    if f.ty != RawFactType::Number {
        b.err(
            K::ThresholdType,
            &path,
            format!("only a number fact is derived; {} is not one", quote(&f.id)),
            None,
        );
        return;
    }
    match index.ids.get(&d.months_since) {
        None => b.unknown(&path, "fact", &d.months_since, &index.ids),
        Some(&src) if index.facts.get(src).is_some_and(|s| s.ty == FactType::Date) => {
            if let Some(fact) = index.facts.get_mut(i) {
                fact.months_since = Some(src);
            }
        }
        Some(_) => b.err(
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

#[cfg(test)]
mod tests {
    use super::super::check_table;

    fn policy(facts: &str) -> String {
        format!(
            "policy: {{name: tiny, version: 1.0.0, title: Tiny}}\nfacts: [{facts}]\nlevels: [{{id: member, rank: 1, title: Member}}]\n"
        )
    }

    #[test]
    fn facts_are_checked_against_their_types() {
        let rows = [
            (
                "{id: n, title: N, type: number, min: 0, max: 3, better: more}",
                vec![],
            ),
            (
                "{id: c, title: C, type: choice, values: [a, b], better: later}",
                vec![],
            ),
            (
                "{id: c, title: C, type: choice}",
                vec![
                    "facts[0].values: choice fact `c` lists no values (hint: add `values: [a, b, ...]`)",
                ],
            ),
            (
                "{id: n, title: N, type: number, values: [a]}",
                vec![
                    "facts[0].values: only a choice fact lists values; `n` is not one (hint: set `type: choice` or remove `values`)",
                ],
            ),
            (
                "{id: n, title: N, type: number, min: 3, max: 1}",
                vec!["facts[0].max: `max` 1 is below `min` 3"],
            ),
            (
                "{id: n, title: N, type: number, min: .inf}",
                vec!["facts[0].min: `min` is not a finite number"],
            ),
            (
                "{id: y, title: Y, type: boolean, max: 1}",
                vec!["facts[0]: only a number fact has `min` and `max`; `y` is not one"],
            ),
            (
                "{id: y, title: Y, type: boolean, better: more}",
                vec!["facts[0].better: fact `y` cannot improve that way (hint: a number is better"],
            ),
            (
                "{id: d, title: D, type: date}, {id: m, title: M, type: number, derive: {months_since: d}}",
                vec![],
            ),
            (
                "{id: d, title: D, type: date}, {id: m, title: M, type: boolean, derive: {months_since: d}}",
                vec!["facts[1].derive.months_since: only a number fact is derived; `m` is not one"],
            ),
            (
                "{id: d, title: D, type: number}, {id: m, title: M, type: number, derive: {months_since: d}}",
                vec![
                    "facts[1].derive.months_since: months are counted since a date fact; `d` is not one (hint: declare it with `type: date`)",
                ],
            ),
            (
                "{id: day, title: D, type: date}, {id: m, title: M, type: number, derive: {months_since: dya}}",
                vec![
                    "facts[1].derive.months_since: unknown fact `dya` (hint: did you mean `day`?)",
                ],
            ),
            (
                "{id: n, title: N, type: number}, {id: n, title: M, type: boolean}",
                vec!["facts[1].id: duplicate fact id `n`"],
            ),
        ];
        check_table(rows.into_iter().map(|(f, w)| (policy(f), w)));
    }
}
