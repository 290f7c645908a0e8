//! The standards and their items: ids indexed (item ids across all
//! standards), each item's kind checked and its threshold made.

use super::facts::FactIndex;
use super::kinds::KindIndex;
use super::{Builder, K};
use crate::base::error::quote;
use crate::base::hash::Map;
use crate::base::id::{FactId, ItemId, KindId, StandardId};
use crate::base::value::Value;
use crate::load::raw::{RawItem, RawNumberSpec, RawStandard};
use crate::load::yaml::{index_path, key_path};
use crate::model::policy::{FactType, Item, Standard, Threshold};

/// The standards and items, and their positions by id.
pub(super) struct ItemIndex {
    pub(super) standard_ids: Map<String, usize>,
    pub(super) ids: Map<String, usize>,
    pub(super) standards: Vec<Standard>,
    pub(super) items: Vec<Item>,
}

/// The path of item `ii` of standard `si`.
fn item_path(si: usize, ii: usize) -> String {
    index_path(&key_path(&index_path("standards", si), "items"), ii)
}

/// Indexes the standards' and the items' ids and makes them, checking each
/// item against its kind and the facts its threshold names.
pub(super) fn build(
    b: &mut Builder<'_>,
    raw: &[RawStandard],
    kinds: &KindIndex,
    facts: &FactIndex,
) -> ItemIndex {
    let standard_ids = b.index_ids(
        "standard",
        "standards",
        raw.iter()
            .enumerate()
            .map(|(i, s)| (index_path("standards", i), s.id.as_str())),
    );
    let ids = b.index_ids(
        "item",
        "the items of all standards",
        raw.iter().enumerate().flat_map(|(si, s)| {
            s.items
                .iter()
                .enumerate()
                .map(move |(ii, it)| (item_path(si, ii), it.id.as_str()))
        }),
    );
    let mut standards = Vec::with_capacity(raw.len());
    let mut items = Vec::new();
    for (si, s) in raw.iter().enumerate() {
        let start = items.len();
        for (ii, it) in s.items.iter().enumerate() {
            items.push(item(b, it, si, &item_path(si, ii), kinds, facts));
        }
        standards.push(Standard {
            id: StandardId::new(&s.id),
            title: s.title.as_str().into(),
            description: s.description.clone(),
            items: start..items.len(),
        });
    }
    ItemIndex {
        standard_ids,
        ids,
        standards,
        items,
    }
}

/// Item `it` of standard `si`, at `path`; reports an unknown kind, a
/// not-applicable its kind forbids, and a threshold that is not sound.
fn item(
    b: &mut Builder<'_>,
    it: &RawItem,
    si: usize,
    path: &str,
    kinds: &KindIndex,
    facts: &FactIndex,
) -> Item {
    match kinds.ids.get(&it.kind).and_then(|&k| kinds.kinds.get(k)) {
        None => b.unknown(&key_path(path, "kind"), "kind", &it.kind, &kinds.ids),
        Some(kind) if kind.not_applicable_forbidden && it.not_applicable => b.err(
            K::NotApplicable,
            &key_path(path, "not_applicable"),
            format!(
                "item {} allows not-applicable, but its kind {} forbids it",
                quote(&it.id),
                quote(&it.kind)
            ),
            Some("remove `not_applicable: true`, or change the kind".into()),
        ),
        Some(_) => {}
    }
    let threshold = it
        .number
        .as_ref()
        .and_then(|n| threshold(b, &it.id, n, &key_path(path, "number"), facts));
    Item {
        id: ItemId::new(&it.id),
        title: it.title.as_str().into(),
        question: it.question.as_str().into(),
        kind: KindId::new(&it.kind),
        standard: si,
        not_applicable: it.not_applicable,
        threshold,
    }
}

/// The threshold of item `id` (`number:` at `path`); `None` after
/// reporting an `at_least` that is not a number. A `declared_by` that is
/// not a number fact is reported, and the threshold kept without it.
fn threshold(
    b: &mut Builder<'_>,
    id: &str,
    n: &RawNumberSpec,
    path: &str,
    facts: &FactIndex,
) -> Option<Threshold> {
    let at_least = match &n.at_least {
        Value::Number(x) => Some(*x),
        other => {
            b.err(
                K::ThresholdType,
                &key_path(path, "at_least"),
                format!(
                    "threshold of item {} is {} {}, not a number",
                    quote(id),
                    other.type_name(),
                    quote(&other.to_string())
                ),
                None,
            );
            None
        }
    };
    let declared = n
        .declared_by
        .as_ref()
        .and_then(|fid| declared_by(b, fid, &key_path(path, "declared_by"), facts));
    at_least.map(|at_least| Threshold {
        unit: n.unit.clone(),
        at_least,
        declared_by: declared.map(|_| FactId::new(n.declared_by.clone().unwrap_or_default())),
        declared_by_index: declared,
    })
}

/// The number fact `fid`, at `path`, through which a program declares its
/// own threshold; `None` after reporting it unknown or not a number.
fn declared_by(b: &mut Builder<'_>, fid: &str, path: &str, facts: &FactIndex) -> Option<usize> {
    let Some(&fi) = facts.ids.get(fid) else {
        b.unknown(path, "fact", fid, &facts.ids);
        return None;
    };
    match facts.facts.get(fi).map(|f| &f.ty) {
        Some(FactType::Number { .. }) => Some(fi),
        Some(ty) => {
            b.err(
                K::ThresholdType,
                path,
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
    }
}

#[cfg(test)]
mod tests {
    use super::super::check_table;

    fn policy(items: &str) -> String {
        format!(
            "policy: {{name: tiny, version: 1.0.0, title: Tiny}}
kinds: [{{id: benchmark, title: B}}, {{id: core, title: C, not_applicable: forbidden}}]
facts: [{{id: hours, title: H, type: number}}, {{id: ok, title: O, type: boolean}}]
standards:
  - {{id: s, title: S, items: [{items}]}}
levels: [{{id: member, rank: 1, title: Member}}]
"
        )
    }

    #[test]
    fn items_are_checked_against_kinds_and_facts() {
        let item = |rest: &str| format!("{{id: B.1, title: T, question: Q?, {rest}}}");
        let rows = [
            (item("kind: benchmark"), vec![]),
            (
                item("kind: benchmark, number: {unit: h, at_least: 2, declared_by: hours}"),
                vec![],
            ),
            (
                item("kind: benchmrk"),
                vec![
                    "standards[0].items[0].kind: unknown kind `benchmrk` (hint: did you mean `benchmark`?)",
                ],
            ),
            (
                item("kind: core, not_applicable: true"),
                vec![
                    "standards[0].items[0].not_applicable: item `B.1` allows not-applicable, but its kind `core` forbids it",
                ],
            ),
            (
                item("kind: benchmark, number: {unit: h, at_least: two}"),
                vec![
                    "standards[0].items[0].number.at_least: threshold of item `B.1` is text `two`, not a number",
                ],
            ),
            (
                item("kind: benchmark, number: {unit: h, at_least: 2, declared_by: ok}"),
                vec![
                    "standards[0].items[0].number.declared_by: fact `ok` declares a threshold but is a boolean, not a number",
                ],
            ),
            (
                item("kind: benchmark, number: {unit: h, at_least: 2, declared_by: hour}"),
                vec!["standards[0].items[0].number.declared_by: unknown fact `hour`"],
            ),
            (
                format!("{}, {}", item("kind: benchmark"), item("kind: benchmark")),
                vec![
                    "standards[0].items[1].id: duplicate item id `B.1` (hint: first used at `standards[0].items[0].id`; ids are unique among the items of all standards)",
                ],
            ),
        ];
        check_table(rows.into_iter().map(|(i, w)| (policy(&i), w)));
    }
}
