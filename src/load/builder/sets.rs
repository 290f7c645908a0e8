//! The named sets: their ids indexed, each resolved to its items (a set may
//! name another set), cycles and chains past `Limits::max_set_depth`
//! reported; and [`select`], which resolves a selection of items here and
//! in requirements.

use super::items::ItemIndex;
use super::kinds::KindIndex;
use super::{Builder, K};
use crate::base::hash::Map;
use crate::base::id::{ItemId, KindId, SetId, StandardId};
use crate::base::suggest::quoted_join;
use crate::load::raw::{RawSelector, RawSet};
use crate::load::yaml::{index_path, key_path};
use crate::model::policy::ItemSet;
use crate::model::requirement::Selection;

/// The sets, their positions by id, and each resolved to its items
/// (`None` for a set that failed, reported once).
pub(super) struct SetIndex {
    pub(super) ids: Map<String, usize>,
    resolved: Vec<Option<Vec<usize>>>,
    pub(super) sets: Vec<ItemSet>,
}

impl SetIndex {
    /// Resolves a requirement's selector to the items it names, as
    /// [`select`] does, with every set resolved already.
    pub(super) fn select(
        &self,
        b: &mut Builder<'_>,
        kinds: &KindIndex,
        items: &ItemIndex,
        sel: &RawSelector,
        path: &str,
    ) -> Option<Vec<usize>> {
        let names = Names {
            kinds,
            items,
            set_ids: &self.ids,
        };
        select(b, &names, sel, path, &mut |_, i| {
            self.resolved.get(i).cloned().flatten()
        })
    }
}

/// What a selection looks names up in.
struct Names<'a> {
    kinds: &'a KindIndex,
    items: &'a ItemIndex,
    set_ids: &'a Map<String, usize>,
}

/// Indexes the sets' ids and resolves every set; `None` when there are
/// more sets than `Limits::max_sets`, reported, and nothing else is
/// checked.
pub(super) fn build(
    b: &mut Builder<'_>,
    raw: &[RawSet],
    kinds: &KindIndex,
    items: &ItemIndex,
) -> Option<SetIndex> {
    if raw.len() > b.limits.max_sets {
        b.err(
            K::Limit,
            "sets",
            format!(
                "the policy has {} sets, over the limit of {}",
                raw.len(),
                b.limits.max_sets
            ),
            Some("the limit is `Limits::max_sets`".into()),
        );
        return None;
    }
    let ids = b.index_ids(
        "set",
        "sets",
        raw.iter()
            .enumerate()
            .map(|(i, s)| (index_path("sets", i), s.id.as_str())),
    );
    let names = Names {
        kinds,
        items,
        set_ids: &ids,
    };
    let mut resolver = Resolver {
        raw,
        resolved: vec![None; raw.len()],
        failed: vec![false; raw.len()],
        visiting: Vec::new(),
    };
    for i in 0..raw.len() {
        resolver.resolve(b, &names, i);
    }
    let sets = raw
        .iter()
        .zip(&resolver.resolved)
        .map(|(s, r)| ItemSet {
            id: SetId::new(&s.id),
            title: s.title.clone(),
            description: s.description.clone(),
            selection: selection(&s.select),
            items: r.clone().unwrap_or_default(),
        })
        .collect();
    Some(SetIndex {
        resolved: resolver.resolved,
        ids,
        sets,
    })
}

/// Named sets resolved to their items; a set that failed is reported once.
struct Resolver<'r> {
    raw: &'r [RawSet],
    resolved: Vec<Option<Vec<usize>>>,
    failed: Vec<bool>,
    /// The sets being resolved, each naming the next.
    visiting: Vec<usize>,
}

impl Resolver<'_> {
    /// Resolves set `i` to its items, reporting cycles between sets.
    fn resolve(&mut self, b: &mut Builder<'_>, names: &Names<'_>, i: usize) -> Option<Vec<usize>> {
        if let Some(Some(done)) = self.resolved.get(i) {
            return Some(done.clone());
        }
        if self.failed.get(i).copied().unwrap_or(true) {
            return None;
        }
        let raw = self.raw;
        let set = raw.get(i)?;
        if let Some(start) = self.visiting.iter().position(|&v| v == i) {
            self.cycle(b, start, i);
            return None;
        }
        // Resolving recurses once per set in a chain of sets naming sets:
        // the depth is checked before it grows, so the stack stays within
        // `Limits::max_set_depth` frames of this and `select`.
        if self.visiting.len() >= b.limits.max_set_depth {
            self.too_deep(b, i);
            return None;
        }
        self.visiting.push(i);
        let path = key_path(&index_path("sets", i), "select");
        let items = select(b, names, &set.select, &path, &mut |b, j| {
            self.resolve(b, names, j)
        });
        self.visiting.pop();
        match &items {
            Some(found) => {
                if let Some(slot) = self.resolved.get_mut(i) {
                    *slot = Some(found.clone());
                }
            }
            None => self.fail(i),
        }
        items
    }

    fn fail(&mut self, i: usize) {
        if let Some(f) = self.failed.get_mut(i) {
            *f = true;
        }
    }

    /// The ids of the sets visited from `start` on, then of set `i`.
    fn chain(&self, start: usize, i: usize) -> Vec<&str> {
        self.visiting
            .get(start..)
            .unwrap_or_default()
            .iter()
            .chain(std::iter::once(&i))
            .filter_map(|&v| self.raw.get(v).map(|s| s.id.as_str()))
            .collect()
    }

    /// Reports set `i`, visited from `visiting[start]` on, naming itself
    /// through the sets between; each fails.
    fn cycle(&mut self, b: &mut Builder<'_>, start: usize, i: usize) {
        let names = self.chain(start, i);
        b.err(
            K::Cycle,
            &key_path(&index_path("sets", i), "select"),
            format!(
                "sets name each other in a cycle: {}",
                quoted_join(&names, " -> ")
            ),
            Some("a set may name only sets that do not lead back to it".into()),
        );
        for v in self.visiting.get(start..).unwrap_or_default().to_vec() {
            self.fail(v);
        }
    }

    /// Reports the chain of sets that reaches set `i` past
    /// `Limits::max_set_depth`; every set of the chain fails with it,
    /// reported once.
    fn too_deep(&mut self, b: &mut Builder<'_>, i: usize) {
        let names = self.chain(0, i);
        let at = self.visiting.last().copied().unwrap_or(i);
        b.err(
            K::Limit,
            &key_path(&key_path(&index_path("sets", at), "select"), "set"),
            format!(
                "sets name sets more than {} deep: {}",
                b.limits.max_set_depth,
                quoted_join(&names, " -> ")
            ),
            Some("select the items directly; the limit is `Limits::max_set_depth`".into()),
        );
        for v in self.visiting.clone() {
            self.fail(v);
        }
        self.fail(i);
    }
}

/// Resolves a selector to the items it names (sorted item indices); the
/// items of a named set come from `set_items`. `None` after reporting a
/// selector that names nothing, an unknown name, or no item.
fn select(
    b: &mut Builder<'_>,
    names: &Names<'_>,
    sel: &RawSelector,
    path: &str,
    set_items: &mut dyn FnMut(&mut Builder<'_>, usize) -> Option<Vec<usize>>,
) -> Option<Vec<usize>> {
    if sel.standard.is_none() && sel.kind.is_none() && sel.set.is_none() && sel.items.is_none() {
        b.err(
            K::InvalidValue,
            path,
            "a selection names no items",
            Some("give at least one of `standard`, `kind`, `set`, `items`".into()),
        );
        return None;
    }
    let items = &names.items.items;
    let mut keep: Vec<bool> = vec![true; items.len()];
    // Each criterion is checked, so that every unknown name is reported.
    let standard = by_standard(b, names, sel, path, &mut keep);
    let kind = by_kind(b, names, sel, path, &mut keep);
    let set = by_set(b, names, sel, path, &mut keep, set_items);
    let listed = by_list(b, names, sel, path, &mut keep);
    if !(standard && kind && set && listed) {
        return None;
    }
    let chosen: Vec<usize> = keep
        .iter()
        .enumerate()
        .filter(|(_, k)| **k)
        .map(|(i, _)| i)
        .collect();
    if chosen.is_empty() {
        b.err(
            K::Unsatisfiable,
            path,
            "the selection matches no items",
            Some("criteria given together must all hold for an item".into()),
        );
        return None;
    }
    Some(chosen)
}

/// Keeps the items of the selector's standard, if it names one; `false`
/// after reporting it unknown.
fn by_standard(
    b: &mut Builder<'_>,
    names: &Names<'_>,
    sel: &RawSelector,
    path: &str,
    keep: &mut [bool],
) -> bool {
    let Some(sid) = &sel.standard else {
        return true;
    };
    let ids = &names.items.standard_ids;
    let Some(&s) = ids.get(sid) else {
        b.unknown(&key_path(path, "standard"), "standard", sid, ids);
        return false;
    };
    keep.iter_mut()
        .zip(&names.items.items)
        .for_each(|(k, it)| *k &= it.standard == s);
    true
}

/// Keeps the items of the selector's kind, if it names one; `false` after
/// reporting it unknown.
fn by_kind(
    b: &mut Builder<'_>,
    names: &Names<'_>,
    sel: &RawSelector,
    path: &str,
    keep: &mut [bool],
) -> bool {
    let Some(kid) = &sel.kind else {
        return true;
    };
    if !names.kinds.ids.contains_key(kid) {
        b.unknown(&key_path(path, "kind"), "kind", kid, &names.kinds.ids);
        return false;
    }
    keep.iter_mut()
        .zip(&names.items.items)
        .for_each(|(k, it)| *k &= it.kind.as_str() == kid);
    true
}

/// Keeps the items of the selector's set, if it names one; `false` after
/// reporting it unknown, or when the set failed.
fn by_set(
    b: &mut Builder<'_>,
    names: &Names<'_>,
    sel: &RawSelector,
    path: &str,
    keep: &mut [bool],
    set_items: &mut dyn FnMut(&mut Builder<'_>, usize) -> Option<Vec<usize>>,
) -> bool {
    let Some(set) = &sel.set else {
        return true;
    };
    let Some(&si) = names.set_ids.get(set) else {
        b.unknown(&key_path(path, "set"), "set", set, names.set_ids);
        return false;
    };
    let Some(members) = set_items(b, si) else {
        return false;
    };
    keep_only(keep, members);
    true
}

/// Keeps the items the selector lists, if it lists some; `false` after
/// reporting an unknown one.
fn by_list(
    b: &mut Builder<'_>,
    names: &Names<'_>,
    sel: &RawSelector,
    path: &str,
    keep: &mut [bool],
) -> bool {
    let Some(list) = &sel.items else {
        return true;
    };
    let ids = &names.items.ids;
    let mut ok = true;
    let mut members = Vec::with_capacity(list.len());
    for (n, id) in list.iter().enumerate() {
        match ids.get(id) {
            Some(&i) => members.push(i),
            None => {
                b.unknown(&index_path(&key_path(path, "items"), n), "item", id, ids);
                ok = false;
            }
        }
    }
    keep_only(keep, members);
    ok
}

/// A selector as the model keeps it, to write it back.
pub(super) fn selection(sel: &RawSelector) -> Selection {
    Selection {
        standard: sel.standard.as_deref().map(StandardId::new),
        kind: sel.kind.as_deref().map(KindId::new),
        set: sel.set.as_deref().map(SetId::new),
        items: sel
            .items
            .as_ref()
            .map(|list| list.iter().map(ItemId::new).collect()),
    }
}

/// Keeps only the items among `members`.
fn keep_only(keep: &mut [bool], members: Vec<usize>) {
    let mut inside = vec![false; keep.len()];
    for i in members {
        if let Some(slot) = inside.get_mut(i) {
            *slot = true;
        }
    }
    keep.iter_mut().zip(inside).for_each(|(k, m)| *k &= m);
}

#[cfg(test)]
mod tests {
    use super::super::check_table;

    fn policy(sets: &str, requires: &str) -> String {
        format!(
            "policy: {{name: tiny, version: 1.0.0, title: Tiny}}
kinds: [{{id: benchmark, title: B}}, {{id: extra, title: E}}]
standards:
  - id: s
    title: S
    items:
      - {{id: B.1, kind: benchmark, title: One, question: One?}}
      - {{id: B.2, kind: benchmark, title: Two, question: Two?}}
sets: [{sets}]
levels: [{{id: member, rank: 1, title: Member, requires: [{requires}]}}]
"
        )
    }

    #[test]
    fn sets_and_selections_resolve_to_items() {
        let rows = [
            (
                "{id: a, title: A, select: {standard: s}}",
                "{all_met: {set: a}}",
                vec![],
            ),
            (
                "{id: a, title: A, select: {set: b}}, {id: b, title: B, select: {items: [B.1]}}",
                "{all_met: {set: a, kind: benchmark}}",
                vec![],
            ),
            (
                "{id: a, title: A, select: {}}",
                "",
                vec![
                    "sets[0].select: a selection names no items (hint: give at least one of `standard`, `kind`, `set`, `items`)",
                ],
            ),
            (
                "{id: a, title: A, select: {set: b}}, {id: b, title: B, select: {set: a}}",
                "{all_met: {set: a}}",
                vec!["sets[0].select: sets name each other in a cycle: `a` -> `b` -> `a`"],
            ),
            (
                "{id: a, title: A, select: {kind: extra}}",
                "",
                vec![
                    "sets[0].select: the selection matches no items (hint: criteria given together must all hold for an item)",
                ],
            ),
            (
                "{id: a, title: A, select: {standard: t, kind: benchmrk, set: z, items: [B.1, B.9]}}",
                "",
                vec![
                    "sets[0].select.standard: unknown standard `t`",
                    "sets[0].select.kind: unknown kind `benchmrk` (hint: did you mean `benchmark`?)",
                    "sets[0].select.set: unknown set `z`",
                    "sets[0].select.items[1]: unknown item `B.9`",
                ],
            ),
            (
                "{id: a, title: A, select: {items: [B.1]}}",
                "{all_met: {set: a, items: [B.2]}}",
                vec!["levels[0].requires[0].all_met: the selection matches no items"],
            ),
        ];
        check_table(rows.into_iter().map(|(s, r, w)| (policy(s, r), w)));
    }

    #[test]
    fn chains_of_sets_past_the_limit_are_refused() {
        let sets: Vec<String> = (0..40)
            .map(|i| format!("{{id: s{i}, title: S, select: {{set: s{}}}}}", i + 1))
            .chain(std::iter::once(
                "{id: s40, title: S, select: {items: [B.1]}}".to_owned(),
            ))
            .collect();
        let got = super::super::problems(&policy(&sets.join(", "), ""));
        assert_eq!(got.len(), 1, "{got:#?}");
        assert!(
            got[0]
                .starts_with("sets[31].select.set: sets name sets more than 32 deep: `s0` -> `s1`"),
            "{got:#?}"
        );
    }
}
