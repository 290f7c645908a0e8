//! Requirements that compare a fact: `equals`, `one_of`, or a range of
//! `at_least` and `at_most`, each value checked against what the fact
//! takes.

use super::super::{Builder, K};
use super::Scope;
use crate::base::error::quote;
use crate::base::suggest::{did_you_mean, quoted_list};
use crate::base::value::Value;
use crate::load::raw::RawRequirement;
use crate::load::yaml::{index_path, key_path};
use crate::model::policy::{Fact, FactType};
use crate::model::requirement::{FactTest, Req};

/// A requirement comparing fact `id`; `None` after reporting an unknown
/// fact, or a comparison that is missing, mixed, or can never hold.
pub(super) fn requirement(
    b: &mut Builder<'_>,
    scope: &Scope<'_>,
    r: &RawRequirement,
    id: &str,
    path: &str,
) -> Option<Req> {
    let ids = &scope.facts.ids;
    let Some(&fi) = ids.get(id) else {
        b.unknown(&key_path(path, "fact"), "fact", id, ids);
        return None;
    };
    let fact = scope.facts.facts.get(fi)?;
    let test = if let Some(v) = &r.equals {
        equals(b, fact, r, v, path)?
    } else if let Some(vs) = &r.one_of {
        one_of(b, fact, r, vs, path)?
    } else if r.at_least.is_some() || r.at_most.is_some() {
        range(b, fact, r, path)?
    } else {
        b.err(
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

/// `equals: v`, alone.
fn equals(
    b: &mut Builder<'_>,
    fact: &Fact,
    r: &RawRequirement,
    v: &Value,
    path: &str,
) -> Option<FactTest> {
    if r.one_of.is_some() || r.at_least.is_some() || r.at_most.is_some() {
        b.err(
            K::InvalidValue,
            path,
            "`equals` does not go with other comparisons",
            None,
        );
        return None;
    }
    let ep = key_path(path, "equals");
    (fits(b, fact, v, &ep) && reachable(b, fact, v, &ep)).then(|| FactTest::Equals(v.clone()))
}

/// `one_of: vs`, alone and not empty.
fn one_of(
    b: &mut Builder<'_>,
    fact: &Fact,
    r: &RawRequirement,
    vs: &[Value],
    path: &str,
) -> Option<FactTest> {
    if r.at_least.is_some() || r.at_most.is_some() {
        b.err(
            K::InvalidValue,
            path,
            "`one_of` does not go with other comparisons",
            None,
        );
        return None;
    }
    let vp = key_path(path, "one_of");
    if vs.is_empty() {
        b.err(
            K::Unsatisfiable,
            &vp,
            format!(
                "`one_of` lists no values of fact `{}`, so it can never hold",
                fact.id
            ),
            Some("list the values that meet it, or use `equals`".into()),
        );
        return None;
    }
    // Every value is checked, so that each one wrong is reported.
    let fits: Vec<bool> = vs
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let at = index_path(&vp, i);
            fits(b, fact, v, &at) && reachable(b, fact, v, &at)
        })
        .collect();
    (!fits.contains(&false)).then(|| FactTest::OneOf(vs.to_vec()))
}

/// `at_least`, `at_most` or both.
fn range(b: &mut Builder<'_>, fact: &Fact, r: &RawRequirement, path: &str) -> Option<FactTest> {
    let lo = bound(b, fact, r.at_least.as_ref(), &key_path(path, "at_least"));
    let hi = bound(b, fact, r.at_most.as_ref(), &key_path(path, "at_most"));
    let (lo, hi) = (lo?, hi?);
    range_can_hold(b, fact, lo, hi, path).then_some(FactTest::Range(lo, hi))
}

/// Whether `v` is a value fact `fact` can take; reports it when not.
fn fits(b: &mut Builder<'_>, fact: &Fact, v: &Value, path: &str) -> bool {
    let (id, ty) = (fact.id.as_str(), &fact.ty);
    match (ty, v) {
        (FactType::Date, _) => {
            b.err(
                K::ThresholdType,
                path,
                format!("fact `{id}` is a date, and dates are not compared directly"),
                Some("derive a number fact from it: `derive: {months_since: ...}`".into()),
            );
            false
        }
        (FactType::Boolean, Value::Bool(_)) | (FactType::Number { .. }, Value::Number(_)) => true,
        (FactType::Choice(values), Value::Text(t)) if values.contains(t) => true,
        (FactType::Choice(values), Value::Text(t)) => {
            let near = if b.errors.may_suggest() {
                did_you_mean(t, values.iter().map(String::as_str))
            } else {
                None
            };
            let hint =
                near.or_else(|| Some(format!("the values of `{id}` are {}", quoted_list(values))));
            b.err(
                K::ThresholdType,
                path,
                format!("{} is not a value of fact `{id}`", quote(t)),
                hint,
            );
            false
        }
        _ => {
            b.err(K::ThresholdType, path, ty.mismatch(id, v), None);
            false
        }
    }
}

/// Whether the number `v`, compared with fact `fact` at `path`, is a
/// value the fact can take (see [`Fact::takes`]); reports it when not.
/// Other values pass: [`fits`] checks their type.
fn reachable(b: &mut Builder<'_>, fact: &Fact, v: &Value, path: &str) -> bool {
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
    b.err(
        K::Unsatisfiable,
        path,
        format!("{}, so {shown} can never hold", range_said(fact)),
        Some(range_hint(fact)),
    );
    false
}

/// Whether a range `at_least: lo`, `at_most: hi` on fact `fact` can hold:
/// its bounds are in order and some value the fact takes lies between
/// them. Reports it when not, at the bound to change.
fn range_can_hold(
    b: &mut Builder<'_>,
    fact: &Fact,
    lo: Option<f64>,
    hi: Option<f64>,
    path: &str,
) -> bool {
    if let (Some(lo), Some(hi)) = (lo, hi)
        && lo > hi
    {
        b.err(
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
    b.err(
        K::Unsatisfiable,
        &key_path(path, key),
        format!("{}, so `{key}: {n}` can never hold", range_said(fact)),
        Some(range_hint(fact)),
    );
    false
}

/// A numeric bound (`Some(None)` when absent); `None` after reporting a bad one.
fn bound(b: &mut Builder<'_>, fact: &Fact, v: Option<&Value>, path: &str) -> Option<Option<f64>> {
    let (id, ty) = (fact.id.as_str(), &fact.ty);
    let key = path.rsplit('.').next().unwrap_or_default();
    match (ty, v) {
        (_, None) => Some(None),
        (FactType::Number { .. }, Some(Value::Number(n))) => Some(Some(*n)),
        (FactType::Number { .. }, Some(v)) => {
            b.err(
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
            b.err(
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

/// What values the fact takes, as a message says it: "fact `x` is at
/// most 10".
fn range_said(fact: &Fact) -> String {
    let (min, max) = match &fact.ty {
        FactType::Number { min, max, .. } => (*min, *max),
        _ => (None, None),
    };
    let range = match (min, max) {
        (Some(a), Some(b)) => format!("between {a} and {b}"),
        (Some(a), None) => format!("at least {a}"),
        (None, Some(b)) => format!("at most {b}"),
        (None, None) => "any number".to_owned(),
    };
    if fact.months_since.is_some() {
        format!(
            "fact `{}` is {range} when given, and otherwise a whole number of months",
            fact.id
        )
    } else {
        format!("fact `{}` is {range}", fact.id)
    }
}

/// The hint for a comparison no value of the fact meets.
fn range_hint(fact: &Fact) -> String {
    format!(
        "a program's answer is checked against `min` and `max` of fact `{}`: change the comparison, or the fact's bounds",
        fact.id
    )
}
