//! The levels' requirements: each level in rank order made a [`Level`],
//! its requirements built (nested ones included) with every name resolved
//! to an index, and its time limit checked.
//!
//! A requirement's shape is told by which keys it has; [`Shape::of`] is the
//! one place that reads it, and the rest matches on the [`Shape`].

use std::sync::Arc;

use super::facts::FactIndex;
use super::items::ItemIndex;
use super::kinds::KindIndex;
use super::levels::{self, LevelIndex};
use super::sets::{self, SetIndex};
use super::{Builder, K};
use crate::base::error::quote;
use crate::base::id::LevelId;
use crate::base::value::Value;
use crate::load::raw::{RawHeld, RawItemCount, RawLevel, RawRequirement, RawSelector};
use crate::load::yaml::{index_path, key_path};
use crate::model::policy::Level;
use crate::model::requirement::{ItemRule, Req, Requirement, WhenNoneApply};

mod facts;

/// What requirements name, indexed by the phases before.
pub(super) struct Scope<'a> {
    pub(super) kinds: &'a KindIndex,
    pub(super) facts: &'a FactIndex,
    pub(super) items: &'a ItemIndex,
    pub(super) sets: &'a SetIndex,
    pub(super) levels: &'a LevelIndex,
}

/// Makes the levels in rank order, with their requirements and time limits.
pub(super) fn levels(b: &mut Builder<'_>, raw: &[RawLevel], scope: &Scope<'_>) -> Vec<Level> {
    let mut out = Vec::with_capacity(raw.len());
    for &i in &scope.levels.by_rank {
        let Some(l) = raw.get(i) else { continue };
        let path = key_path(&index_path("levels", i), "requires");
        let requires: Vec<Requirement> = l
            .requires
            .iter()
            .enumerate()
            .filter_map(|(ri, r)| requirement(b, scope, r, &index_path(&path, ri)))
            .collect();
        let time_limit = l
            .time_limit
            .as_ref()
            .and_then(|t| levels::time_limit(b, raw, scope.levels, i, t));
        let (renewal, renewal_written) = super::membership::level_renewal(b, i, l.renewal.as_ref());
        out.push(Level {
            id: LevelId::new(&l.id),
            rank: l.rank,
            title: l.title.as_str().into(),
            description: l.description.clone(),
            requires,
            time_limit,
            renewal,
            renewal_written,
        });
    }
    out
}

/// The shape of a requirement: which of its keys says what it checks.
#[derive(Clone, Copy)]
enum Shape<'r> {
    All(&'r [RawRequirement]),
    Any(&'r [RawRequirement]),
    Not(&'r RawRequirement),
    Of(&'r [RawRequirement]),
    Fact(&'r str),
    Met(&'r str),
    AllMet(&'r RawSelector),
    MetAtLeast(&'r RawItemCount),
    Level(&'r str),
    Held(&'r RawHeld),
}

impl<'r> Shape<'r> {
    /// Every shape the requirement has, in the order of their keys; one,
    /// for a sound requirement.
    fn of(r: &'r RawRequirement) -> Vec<Shape<'r>> {
        [
            r.all.as_deref().map(Shape::All),
            r.any.as_deref().map(Shape::Any),
            r.not.as_deref().map(Shape::Not),
            r.of.as_deref().map(Shape::Of),
            r.fact.as_deref().map(Shape::Fact),
            r.met.as_deref().map(Shape::Met),
            r.all_met.as_ref().map(Shape::AllMet),
            r.met_at_least.as_ref().map(Shape::MetAtLeast),
            r.level.as_deref().map(Shape::Level),
            r.held.as_ref().map(Shape::Held),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    /// The key that gives the shape.
    fn key(self) -> &'static str {
        match self {
            Shape::All(_) => "all",
            Shape::Any(_) => "any",
            Shape::Not(_) => "not",
            Shape::Of(_) => "of",
            Shape::Fact(_) => "fact",
            Shape::Met(_) => "met",
            Shape::AllMet(_) => "all_met",
            Shape::MetAtLeast(_) => "met_at_least",
            Shape::Level(_) => "level",
            Shape::Held(_) => "held",
        }
    }

    /// Whether comparison `key` (`equals`, `one_of`, `at_least`,
    /// `at_most`) goes with the shape: every one with `fact`, `at_least`
    /// also with `of`.
    fn compares(self, key: &str) -> bool {
        match self {
            Shape::Fact(_) => true,
            Shape::Of(_) => key == "at_least",
            _ => false,
        }
    }
}

/// The comparison keys a requirement has.
fn comparisons(r: &RawRequirement) -> Vec<&'static str> {
    [
        ("equals", r.equals.is_some()),
        ("one_of", r.one_of.is_some()),
        ("at_least", r.at_least.is_some()),
        ("at_most", r.at_most.is_some()),
    ]
    .into_iter()
    .filter_map(|(n, present)| present.then_some(n))
    .collect()
}

/// Builds a requirement, nested ones included: one call per level of
/// nesting, checked against `Limits::max_requirement_depth` before it
/// goes deeper (YAML nesting bounds it too, but only as long as
/// `Limits::max_depth` stays near its default). What is built within
/// the limit is as deep, so checking and evaluating it recurse as
/// deep and no deeper.
fn requirement(
    b: &mut Builder<'_>,
    scope: &Scope<'_>,
    r: &RawRequirement,
    path: &str,
) -> Option<Requirement> {
    if b.depth >= b.limits.max_requirement_depth {
        b.err(
            K::Limit,
            path,
            format!(
                "requirements nest deeper than {} levels",
                b.limits.max_requirement_depth
            ),
            Some("name a level, or flatten `all`/`any`; the limit is `Limits::max_requirement_depth`".into()),
        );
        return None;
    }
    b.depth += 1;
    let built = requirement_at(b, scope, r, path);
    b.depth -= 1;
    built
}

/// [`requirement`], one level.
fn requirement_at(
    b: &mut Builder<'_>,
    scope: &Scope<'_>,
    r: &RawRequirement,
    path: &str,
) -> Option<Requirement> {
    if let Some(label) = &r.label {
        b.one_line(label, &key_path(path, "label"), "label");
    }
    let shape = one_shape(b, r, path)?;
    let kind = kind(b, scope, r, shape, path)?;
    let label = r.label.clone();
    let text: Arc<str> = describe(&kind, shape, scope).into();
    // Unlabelled and short, the requirement is shown as its text: one copy.
    let shown = crate::model::requirement::shown(label.as_deref(), &text);
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
        any: matches!(shape, Shape::Any(_)),
    })
}

/// The requirement's one shape; `None` after reporting none or several,
/// or a comparison that does not go with it.
fn one_shape<'r>(b: &mut Builder<'_>, r: &'r RawRequirement, path: &str) -> Option<Shape<'r>> {
    let comparisons = comparisons(r);
    let shape = match Shape::of(r).as_slice() {
        [] => {
            let hint = if comparisons.is_empty() {
                "use one of `all`, `any`, `not`, `at_least`+`of`, `fact`, `met`, `all_met`, `met_at_least`, `level`, `held`".to_owned()
            } else {
                format!(
                    "`{}` compares a `fact`, or counts requirements with `of`",
                    comparisons.join("`, `")
                )
            };
            let message = "the requirement says nothing to check";
            b.err(K::InvalidValue, path, message, Some(hint));
            return None;
        }
        [one] => *one,
        many => {
            let keys: Vec<&str> = many.iter().map(|s| s.key()).collect();
            b.err(
                K::InvalidValue,
                path,
                format!("the requirement mixes `{}`", keys.join("` and `")),
                Some("a requirement has one shape; combine several with `all` or `any`".into()),
            );
            return None;
        }
    };
    let stray: Vec<&str> = comparisons
        .into_iter()
        .filter(|c| !shape.compares(c))
        .collect();
    if let Some(first) = stray.first() {
        b.err(
            K::InvalidValue,
            &key_path(path, first),
            format!(
                "`{}` does not go with `{}`",
                stray.join("`, `"),
                shape.key()
            ),
            Some(
                "comparisons go with `fact`; `at_least` also counts requirements with `of`".into(),
            ),
        );
        return None;
    }
    if r.when_none_apply.is_some() && !matches!(shape, Shape::AllMet(_) | Shape::MetAtLeast(_)) {
        b.err(
            K::InvalidValue,
            &key_path(path, "when_none_apply"),
            format!("`when_none_apply` does not go with `{}`", shape.key()),
            Some("it says whether `all_met` or `met_at_least` holds when no item of its selection applies".into()),
        );
        return None;
    }
    Some(shape)
}

/// What a requirement of shape `shape` checks, its names resolved.
fn kind(
    b: &mut Builder<'_>,
    scope: &Scope<'_>,
    r: &RawRequirement,
    shape: Shape<'_>,
    path: &str,
) -> Option<Req> {
    let kind = match shape {
        Shape::All(list) => Req::All(children(b, scope, list, path, "all")?),
        Shape::Any(list) => Req::AtLeast(1, children(b, scope, list, path, "any")?),
        Shape::Not(inner) => Req::Not(Box::new(requirement(
            b,
            scope,
            inner,
            &key_path(path, "not"),
        )?)),
        Shape::Of(list) => {
            let list = children(b, scope, list, path, "of")?;
            let n = how_many(b, r.at_least.as_ref(), list.len(), path)?;
            Req::AtLeast(n, list)
        }
        Shape::Fact(id) => facts::requirement(b, scope, r, id, path)?,
        Shape::Met(id) => match scope.items.ids.get(id) {
            Some(&i) => Req::Met(i),
            None => {
                b.unknown(&key_path(path, "met"), "item", id, &scope.items.ids);
                return None;
            }
        },
        Shape::AllMet(sel) => {
            let items = select(b, scope, sel, &key_path(path, "all_met"))?;
            let (items, bits) = b.shared(scope.items.items.len(), items);
            Req::Items {
                bits,
                items,
                rule: ItemRule::All,
                none: r.when_none_apply.unwrap_or_default(),
                none_given: r.when_none_apply.is_some(),
                scope: describe_selector(sel),
                selection: sets::selection(sel),
            }
        }
        Shape::MetAtLeast(c) => item_count(b, scope, c, r.when_none_apply, path)?,
        Shape::Level(id) => Req::Level(scope.levels.find(b, id, &key_path(path, "level"))?),
        Shape::Held(h) => Req::Held {
            level: scope
                .levels
                .find(b, &h.level, &key_path(&key_path(path, "held"), "level"))?,
            period: h.for_at_least,
        },
    };
    Some(kind)
}

/// The requirements listed under `key`; `None` after reporting an empty
/// list, or when one of them fails.
fn children(
    b: &mut Builder<'_>,
    scope: &Scope<'_>,
    list: &[RawRequirement],
    path: &str,
    key: &str,
) -> Option<Vec<Requirement>> {
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
        .filter_map(|(i, c)| requirement(b, scope, c, &index_path(&kp, i)))
        .collect();
    (out.len() == list.len()).then_some(out)
}

/// How many of `of`'s `len` requirements must hold (`at_least`); `None`
/// after reporting it missing, not a whole number, or more than `len`.
fn how_many(
    b: &mut Builder<'_>,
    at_least: Option<&Value>,
    len: usize,
    path: &str,
) -> Option<usize> {
    let np = key_path(path, "at_least");
    let n = match at_least {
        None => {
            b.err(
                K::InvalidValue,
                path,
                "`of` needs `at_least`: how many must hold",
                None,
            );
            return None;
        }
        Some(Value::Number(n)) if n.fract() == 0.0 && *n >= 0.0 => *n,
        Some(v) => {
            b.err(
                K::ThresholdType,
                &np,
                format!(
                    "`at_least` with `of` counts requirements, so it is a whole number, not {}",
                    quote(&v.to_string())
                ),
                None,
            );
            return None;
        }
    };
    if n > len as f64 {
        b.err(
            K::Unsatisfiable,
            &np,
            format!("needs {n} of {len} requirements, so it can never hold"),
            None,
        );
        return None;
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Some(n as usize)
}

/// The items a selector names, as [`SetIndex::select`] says.
fn select(
    b: &mut Builder<'_>,
    scope: &Scope<'_>,
    sel: &RawSelector,
    path: &str,
) -> Option<Vec<usize>> {
    scope.sets.select(b, scope.kinds, scope.items, sel, path)
}

/// A `met_at_least` requirement at `at` (the requirement's path); `None`
/// after reporting a count the selection cannot reach, a percent outside 0
/// to 100, neither or both, or a count said to be met when none applies.
fn item_count(
    b: &mut Builder<'_>,
    scope: &Scope<'_>,
    c: &RawItemCount,
    none: Option<WhenNoneApply>,
    at: &str,
) -> Option<Req> {
    let path = &key_path(at, "met_at_least");
    let items = select(b, scope, &c.of, &key_path(path, "of"))?;
    if c.count.is_some() && none == Some(WhenNoneApply::Met) {
        b.err(
            K::InvalidValue,
            &key_path(at, "when_none_apply"),
            "`when_none_apply: met` does not go with a `count`: none applying meets no item",
            Some("a count holds only with that many items met; use a `percent`, or leave `when_none_apply` out".into()),
        );
        return None;
    }
    let rule = match (c.count, c.percent) {
        (Some(n), None) => {
            if n as usize > items.len() {
                b.err(
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
                b.err(
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
            b.err(
                K::InvalidValue,
                path,
                "`met_at_least` takes exactly one of `count` and `percent`",
                None,
            );
            return None;
        }
    };
    let (items, bits) = b.shared(scope.items.items.len(), items);
    Some(Req::Items {
        bits,
        items,
        rule,
        none: none.unwrap_or_default(),
        none_given: none.is_some(),
        scope: describe_selector(&c.of),
        selection: sets::selection(&c.of),
    })
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

/// How a requirement reads in an explanation.
fn describe(kind: &Req, shape: Shape<'_>, scope: &Scope<'_>) -> String {
    // The name the shape gives: a fact's, an item's or a level's id.
    let named = match shape {
        Shape::Fact(id) | Shape::Met(id) | Shape::Level(id) => id,
        Shape::Held(h) => h.level.as_str(),
        _ => "",
    };
    match kind {
        Req::All(list) => format!("all of {} requirements", list.len()),
        Req::AtLeast(1, list) => format!("any of {} requirements", list.len()),
        Req::AtLeast(n, list) => format!("at least {n} of {} requirements", list.len()),
        Req::Not(inner) => format!("not: {inner}"),
        Req::Fact { fact, test, .. } => {
            let title = short(scope.facts.facts.get(*fact).map_or("", |f| f.title()));
            format!("{title} (`{named}`) {}", test.describe())
        }
        Req::Met(i) => {
            let title = short(scope.items.items.get(*i).map_or("", |it| &*it.title));
            format!("item `{named}` is met: {title}")
        }
        Req::Items {
            rule,
            scope,
            items,
            none,
            ..
        } => {
            let text = match rule {
                ItemRule::All => format!("every item of {scope} is met ({} items)", items.len()),
                ItemRule::Count(n) => format!("at least {n} items of {scope} are met"),
                ItemRule::Percent(p) => {
                    format!("at least {p}% of the applicable items of {scope} are met")
                }
            };
            // The default goes without saying.
            match none {
                WhenNoneApply::Met => format!("{text}, or none applies"),
                WhenNoneApply::Unmet => text,
            }
        }
        Req::Level(_) => format!("holds level `{named}`"),
        Req::Held { period, .. } => format!("has held level `{named}` for at least {period}"),
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

#[cfg(test)]
mod tests {
    use super::super::check_table;

    fn policy(requires: &str) -> String {
        format!(
            "policy: {{name: tiny, version: 1.0.0, title: Tiny}}
kinds: [{{id: benchmark, title: B}}]
facts: [{{id: n, title: N, type: number}}, {{id: c, title: C, type: choice, values: [yes, no]}}, {{id: d, title: D, type: date}}]
standards:
  - id: s
    title: S
    items:
      - {{id: B.1, kind: benchmark, title: One, question: One?}}
      - {{id: B.2, kind: benchmark, title: Two, question: Two?}}
levels:
  - {{id: base, rank: 1, title: Base}}
  - {{id: member, rank: 2, title: Member, requires: [{requires}]}}
"
        )
    }

    /// Checks (requirement, the problems it has after its path) rows.
    fn check_requirements(rows: impl IntoIterator<Item = (&'static str, Vec<&'static str>)>) {
        let at = "levels[1].requires[0]";
        let rows: Vec<(String, Vec<String>)> = rows
            .into_iter()
            .map(|(r, w)| {
                let want = w.into_iter().map(|w| format!("{at}{w}")).collect();
                (policy(r), want)
            })
            .collect();
        check_table(
            rows.iter()
                .map(|(y, w)| (y.clone(), w.iter().map(String::as_str).collect())),
        );
    }

    #[test]
    fn every_shape_builds_and_each_flaw_is_named() {
        let rows = [
            ("{all: [{met: B.1}, {level: base}]}", vec![]),
            (
                "{any: [{not: {met: B.1}}, {held: {level: base, for_at_least: {years: 1}}}]}",
                vec![],
            ),
            (
                "{at_least: 1, of: [{fact: n, at_least: 2}, {fact: c, one_of: [yes]}]}",
                vec![],
            ),
            ("{all_met: {kind: benchmark}}", vec![]),
            (
                "{met_at_least: {percent: 50, of: {standard: s}}, label: Half}",
                vec![],
            ),
            (
                "{}",
                vec![": the requirement says nothing to check (hint: use one of `all`, `any`"],
            ),
            (
                "{equals: 3}",
                vec![
                    ": the requirement says nothing to check (hint: `equals` compares a `fact`, or counts requirements with `of`)",
                ],
            ),
            (
                "{met: B.1, level: base}",
                vec![
                    ": the requirement mixes `met` and `level` (hint: a requirement has one shape",
                ],
            ),
            (
                "{met: B.1, at_most: 3, equals: 1}",
                vec![".equals: `equals`, `at_most` does not go with `met`"],
            ),
            (
                "{of: [{met: B.1}], at_most: 1, at_least: 1}",
                vec![".at_most: `at_most` does not go with `of`"],
            ),
            ("{all: []}", vec![".all: `all` lists no requirements"]),
            (
                "{of: [{met: B.1}]}",
                vec![": `of` needs `at_least`: how many must hold"],
            ),
            (
                "{at_least: 1.5, of: [{met: B.1}]}",
                vec![
                    ".at_least: `at_least` with `of` counts requirements, so it is a whole number, not `1.5`",
                ],
            ),
            ("{met: B.3}", vec![".met: unknown item `B.3`"]),
            (
                "{level: bse}",
                vec![".level: unknown level `bse` (hint: did you mean `base`?)"],
            ),
            (
                "{held: {level: top}}",
                vec![".held.level: unknown level `top`"],
            ),
            (
                "{met_at_least: {of: {kind: benchmark}}}",
                vec![".met_at_least: `met_at_least` takes exactly one of `count` and `percent`"],
            ),
            (
                "{met_at_least: {percent: 101, of: {kind: benchmark}}}",
                vec![".met_at_least.percent: percent 101 is outside 0 to 100"],
            ),
            (
                "{met: B.1, label: \"a\\nb\"}",
                vec![".label: the label `a\\nb` is more than one line"],
            ),
        ];
        check_requirements(rows);
    }

    #[test]
    fn when_none_apply_goes_with_selections_and_met_not_with_a_count() {
        let rows = [
            ("{all_met: {kind: benchmark}, when_none_apply: met}", vec![]),
            (
                "{met_at_least: {percent: 50, of: {standard: s}}, when_none_apply: met}",
                vec![],
            ),
            (
                "{met_at_least: {count: 1, of: {standard: s}}, when_none_apply: unmet}",
                vec![],
            ),
            (
                "{met_at_least: {count: 1, of: {standard: s}}, when_none_apply: met}",
                vec![
                    ".when_none_apply: `when_none_apply: met` does not go with a `count`: none applying meets no item (hint: a count holds only with that many items met; use a `percent`, or leave `when_none_apply` out)",
                ],
            ),
            (
                "{met: B.1, when_none_apply: met}",
                vec![
                    ".when_none_apply: `when_none_apply` does not go with `met` (hint: it says whether `all_met` or `met_at_least` holds when no item of its selection applies)",
                ],
            ),
            (
                "{any: [{met: B.1}], when_none_apply: unmet}",
                vec![".when_none_apply: `when_none_apply` does not go with `any`"],
            ),
        ];
        check_requirements(rows);
    }

    #[test]
    fn fact_comparisons_are_checked_against_the_fact() {
        let rows = [
            ("{fact: n, at_least: 2, at_most: 3}", vec![]),
            ("{fact: m, equals: 1}", vec![".fact: unknown fact `m`"]),
            ("{fact: n}", vec![": nothing to compare fact `n` with"]),
            (
                "{fact: n, equals: 1, at_most: 2}",
                vec![": `equals` does not go with other comparisons"],
            ),
            (
                "{fact: n, one_of: [1], at_most: 2}",
                vec![": `one_of` does not go with other comparisons"],
            ),
            (
                "{fact: c, equals: yse}",
                vec![".equals: `yse` is not a value of fact `c` (hint: did you mean `yes`?)"],
            ),
            (
                "{fact: n, equals: yes}",
                vec![".equals: fact `n` is a number, but the value is text `yes`"],
            ),
            (
                "{fact: d, equals: 1}",
                vec![".equals: fact `d` is a date, and dates are not compared directly"],
            ),
            (
                "{fact: n, at_least: x}",
                vec![".at_least: `at_least` of fact `n` is text `x`, not a number"],
            ),
            (
                "{fact: c, at_most: 1}",
                vec![
                    ".at_most: fact `c` is a choice, and `at_most` compares numbers only (hint: use `equals` or `one_of`)",
                ],
            ),
        ];
        check_requirements(rows);
    }

    #[test]
    fn requirements_read_as_sentences() {
        let policy = crate::Loader::new().policy_str(&policy(
            "{fact: n, at_least: 2}, {met: B.1}, {all_met: {kind: benchmark, standard: s}}, {level: base}, {held: {level: base, for_at_least: {years: 1}}}, {not: {met: B.2}}, {at_least: 2, of: [{met: B.1}, {met: B.2}]}, {all_met: {standard: s}, when_none_apply: met}, {met_at_least: {percent: 50, of: {kind: benchmark}}, when_none_apply: met}, {met_at_least: {count: 1, of: {kind: benchmark}}, when_none_apply: unmet}",
        ))
        .unwrap();
        let texts: Vec<String> = policy.levels()[1]
            .requirements()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            texts,
            [
                "N (`n`) is at least 2",
                "item `B.1` is met: One",
                "every item of kind `benchmark`, standard `s` is met (2 items)",
                "holds level `base`",
                "has held level `base` for at least 1 year",
                "not: item `B.2` is met: Two",
                "at least 2 of 2 requirements",
                "every item of standard `s` is met (2 items), or none applies",
                "at least 50% of the applicable items of kind `benchmark` are met, or none applies",
                "at least 1 items of kind `benchmark` are met",
            ]
        );
    }
}
