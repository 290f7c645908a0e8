//! The levels: their ids indexed and their ranks checked to order them
//! totally; then, once their requirements are built, time limits and
//! cycles between levels, and the order evaluation decides them in.

use super::{Builder, K};
use crate::base::error::quote;
use crate::base::hash::Map;
use crate::base::id::LevelId;
use crate::base::suggest::quoted_join;
use crate::load::raw::{RawLevel, RawReentry, RawTimeLimit};
use crate::load::yaml::{index_path, key_path};
use crate::model::policy::{Level, Reentry, TimeLimit};

/// The levels in rank order: each level's position in that order by id,
/// and the list index of the level at each position.
pub(super) struct LevelIndex {
    pub(super) ids: Map<String, usize>,
    pub(super) by_rank: Vec<usize>,
}

impl LevelIndex {
    /// The rank position of level `id`, named at `path`; `None` after
    /// reporting it unknown.
    pub(super) fn find(&self, b: &mut Builder<'_>, id: &str, path: &str) -> Option<usize> {
        let found = self.ids.get(id).copied();
        if found.is_none() {
            b.unknown(path, "level", id, &self.ids);
        }
        found
    }

    /// The levels' rank positions in the order the policy lists them.
    pub(super) fn listing(&self) -> Vec<usize> {
        let mut positions: Vec<usize> = (0..self.by_rank.len()).collect();
        positions.sort_by_key(|&pos| self.by_rank.get(pos));
        positions
    }
}

/// Checks the levels' ids (levels are found by rank, not by list index),
/// that there is a level, and that no two share a rank; orders them.
pub(super) fn index(b: &mut Builder<'_>, raw: &[RawLevel]) -> LevelIndex {
    b.index_ids(
        "level",
        "levels",
        raw.iter()
            .enumerate()
            .map(|(i, l)| (index_path("levels", i), l.id.as_str())),
    );
    if raw.is_empty() {
        b.err(
            K::InvalidValue,
            "levels",
            "the policy has no levels",
            Some("add at least one level".into()),
        );
    }
    let mut by_rank: Vec<usize> = (0..raw.len()).collect();
    by_rank.sort_by_key(|&i| raw.get(i).map(|l| l.rank));
    for pair in by_rank.windows(2) {
        if let [a, b_] = pair
            && let (Some(la), Some(lb)) = (raw.get(*a), raw.get(*b_))
            && la.rank == lb.rank
        {
            b.err(
                K::LevelOrder,
                &key_path(&index_path("levels", *b_), "rank"),
                format!(
                    "levels {} and {} share rank {}, so the order of levels is not total",
                    quote(&la.id),
                    quote(&lb.id),
                    la.rank
                ),
                Some("give every level a distinct rank, higher for better levels".into()),
            );
        }
    }
    let ids = by_rank
        .iter()
        .enumerate()
        .filter_map(|(pos, &i)| raw.get(i).map(|l| (l.id.clone(), pos)))
        .collect();
    LevelIndex { ids, by_rank }
}

/// The time limit `t` of level `l` (list index `i`); `None` after
/// reporting a limit of no time, or a level to revert to that is unknown
/// or not below.
pub(super) fn time_limit(
    b: &mut Builder<'_>,
    raw: &[RawLevel],
    index: &LevelIndex,
    i: usize,
    t: &RawTimeLimit,
) -> Option<TimeLimit> {
    let path = key_path(&index_path("levels", i), "time_limit");
    if t.after.is_zero() {
        b.err(
            K::InvalidValue,
            &key_path(&path, "after"),
            "a time limit of no time",
            Some("give `years`, `months` or `days`".into()),
        );
        return None;
    }
    if let Some(RawReentry::After(wait)) = t.reentry
        && wait.is_zero()
    {
        b.err(
            K::InvalidValue,
            &key_path(&key_path(&path, "reentry"), "after"),
            "a reentry wait of no time",
            Some("give `years`, `months` or `days`; to let a program back at once, the level needs no time limit".into()),
        );
        return None;
    }
    let reverts_to_index = match &t.reverts_to {
        None => None,
        Some(to) => Some(reverts_to(
            b,
            raw,
            index,
            i,
            to,
            &key_path(&path, "reverts_to"),
        )?),
    };
    Some(TimeLimit {
        after: t.after,
        reverts_to: t.reverts_to.as_deref().map(LevelId::new),
        reverts_to_index,
        reentry: match t.reentry {
            None | Some(RawReentry::Never) => Reentry::Never,
            Some(RawReentry::After(p)) => Reentry::After(p),
        },
        reentry_given: t.reentry.is_some(),
    })
}

/// The rank position of level `to`, which level `i` reverts to; `None`
/// after reporting it unknown or not below level `i`.
fn reverts_to(
    b: &mut Builder<'_>,
    raw: &[RawLevel],
    index: &LevelIndex,
    i: usize,
    to: &str,
    path: &str,
) -> Option<usize> {
    let l = raw.get(i)?;
    let found = index
        .ids
        .get(to)
        .and_then(|&x| raw.get(*index.by_rank.get(x)?).map(|lv| (x, lv)));
    match found {
        None => {
            b.unknown(path, "level", to, &index.ids);
            None
        }
        Some((_, lv)) if lv.rank >= l.rank => {
            b.err(
                K::LevelOrder,
                path,
                format!(
                    "level {} reverts to {}, which is not below it",
                    quote(&l.id),
                    quote(to)
                ),
                None,
            );
            None
        }
        Some((x, _)) => Some(x),
    }
}

/// Reports levels that require each other in a cycle (the first found).
pub(super) fn cycles(b: &mut Builder<'_>, levels: &[Level], index: &LevelIndex) {
    let edges: Vec<Vec<usize>> = levels.iter().map(Level::names).collect();
    // 0 = unvisited, 1 = on the path, 2 = done.
    let mut state = vec![0u8; levels.len()];
    let mut reported = false;
    for start in 0..levels.len() {
        let mut path = Vec::new();
        let Some(cycle) = find_cycle(start, &edges, &mut state, &mut path) else {
            continue;
        };
        if reported {
            continue;
        }
        reported = true;
        let names: Vec<&str> = cycle
            .iter()
            .filter_map(|&l| levels.get(l).map(|l| l.id.as_str()))
            .collect();
        let first = cycle
            .first()
            .and_then(|&l| index.by_rank.get(l))
            .copied()
            .unwrap_or(0);
        b.err(
            K::Cycle,
            &key_path(&index_path("levels", first), "requires"),
            format!(
                "levels require each other in a cycle: {}",
                quoted_join(&names, " -> ")
            ),
            Some("a level may require only levels that do not require it back".into()),
        );
    }
}

/// The first cycle reached from `start` along `edges`, depth first: the
/// nodes on it, the first repeated at the end. Iterative, with its own
/// stack, so that a long chain of levels takes heap, not call stack.
fn find_cycle(
    start: usize,
    edges: &[Vec<usize>],
    state: &mut [u8],
    path: &mut Vec<usize>,
) -> Option<Vec<usize>> {
    // The nodes on the path, each with how many of its edges were followed.
    let mut next_edge: Vec<usize> = Vec::new();
    let mut node = start;
    loop {
        match state.get(node) {
            Some(1) => {
                let at = path.iter().position(|&n| n == node).unwrap_or(0);
                let mut cycle: Vec<usize> = path.get(at..).unwrap_or_default().to_vec();
                cycle.push(node);
                return Some(cycle);
            }
            Some(0) => {
                if let Some(s) = state.get_mut(node) {
                    *s = 1;
                }
                path.push(node);
                next_edge.push(0);
            }
            // Done, or not a node: back to the node the edge came from.
            _ => {}
        }
        // Follow the next edge of the innermost node, or leave it done.
        loop {
            let (Some(&top), Some(e)) = (path.last(), next_edge.last_mut()) else {
                return None;
            };
            let out = edges.get(top).map(Vec::as_slice).unwrap_or_default();
            if let Some(&to) = out.get(*e) {
                *e += 1;
                node = to;
                break;
            }
            path.pop();
            next_edge.pop();
            if let Some(s) = state.get_mut(top) {
                *s = 2;
            }
        }
    }
}

/// The levels in an order where each comes after every level it names
/// (directly or nested in its requirements); the loader refused cycles. A
/// depth-first walk with its own stack, so as not to recurse through a chain
/// of levels; each level and each reference is visited once.
pub(super) fn dependency_order(levels: &[Level]) -> Vec<usize> {
    let n = levels.len();
    let named: Vec<Vec<usize>> = levels.iter().map(Level::names).collect();
    // 0: not seen, 1: on the stack, 2: placed.
    let mut state = vec![0u8; n];
    let mut order = Vec::with_capacity(n);
    for start in 0..n {
        if state.get(start) != Some(&0) {
            continue;
        }
        let mut stack = vec![(start, 0usize)];
        if let Some(s) = state.get_mut(start) {
            *s = 1;
        }
        while let Some((l, next)) = stack.last_mut() {
            let l = *l;
            match named.get(l).and_then(|v| v.get(*next)) {
                Some(&m) => {
                    *next += 1;
                    // A level on the stack would be a cycle, which the
                    // loader refuses before the order is made.
                    if let Some(s @ 0) = state.get_mut(m) {
                        *s = 1;
                        stack.push((m, 0));
                    }
                }
                None => {
                    if let Some(s) = state.get_mut(l) {
                        *s = 2;
                    }
                    order.push(l);
                    stack.pop();
                }
            }
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::super::check_table;

    fn policy(levels: &str) -> String {
        format!("policy: {{name: tiny, version: 1.0.0, title: Tiny}}\nlevels: [{levels}]\n")
    }

    #[test]
    fn levels_are_ordered_by_distinct_ranks() {
        let rows = [
            (
                "{id: a, rank: 2, title: A}, {id: b, rank: 1, title: B, requires: [{level: a}]}",
                vec![],
            ),
            (
                "",
                vec!["levels: the policy has no levels (hint: add at least one level)"],
            ),
            (
                "{id: a, rank: 1, title: A}, {id: b, rank: 1, title: B}",
                vec![
                    "levels[1].rank: levels `a` and `b` share rank 1, so the order of levels is not total",
                ],
            ),
            (
                "{id: a, rank: 1, title: A}, {id: a, rank: 2, title: B}",
                vec![
                    "levels[1].id: duplicate level id `a` (hint: first used at `levels[0].id`; ids are unique among levels)",
                ],
            ),
            (
                "{id: a, rank: 1, title: A, requires: [{level: b}]}, {id: b, rank: 2, title: B, requires: [{level: a}]}",
                vec!["levels[0].requires: levels require each other in a cycle: `a` -> `b` -> `a`"],
            ),
            (
                "{id: a, rank: 1, title: A}, {id: b, rank: 2, title: B, time_limit: {after: {years: 1}, reverts_to: a}}",
                vec![],
            ),
            (
                "{id: a, rank: 1, title: A, time_limit: {after: {years: 0}}}",
                vec!["levels[0].time_limit.after: a time limit of no time"],
            ),
            (
                "{id: a, rank: 1, title: A, time_limit: {after: {years: 1}, reentry: {after: {}}}}",
                vec!["levels[0].time_limit.reentry.after: a reentry wait of no time"],
            ),
            (
                "{id: a, rank: 1, title: A}, {id: b, rank: 2, title: B, time_limit: {after: {years: 1}, reverts_to: c}}",
                vec!["levels[1].time_limit.reverts_to: unknown level `c`"],
            ),
            (
                "{id: a, rank: 1, title: A, time_limit: {after: {years: 1}, reverts_to: b}}, {id: b, rank: 2, title: B}",
                vec![
                    "levels[0].time_limit.reverts_to: level `a` reverts to `b`, which is not below it",
                ],
            ),
        ];
        check_table(rows.into_iter().map(|(l, w)| (policy(l), w)));
    }

    #[test]
    fn levels_are_decided_after_the_levels_they_name() {
        let policy = crate::Loader::new().policy_str(&policy(
            "{id: a, rank: 1, title: A, requires: [{level: c}]}, {id: b, rank: 2, title: B}, {id: c, rank: 3, title: C, requires: [{level: b}]}",
        ))
        .unwrap();
        assert_eq!(policy.level_order, [1, 2, 0]);
    }
}
