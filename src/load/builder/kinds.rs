//! The kinds of item: their ids indexed, each made a [`Kind`].

use super::Builder;
use crate::base::hash::Map;
use crate::base::id::KindId;
use crate::load::raw::{RawKind, RawNaPolicy};
use crate::load::yaml::index_path;
use crate::model::policy::Kind;

/// The kinds, and their positions by id.
pub(super) struct KindIndex {
    pub(super) ids: Map<String, usize>,
    pub(super) kinds: Vec<Kind>,
}

/// Indexes the kinds' ids (reporting duplicates and ids that are not
/// sound) and makes the kinds.
pub(super) fn build(b: &mut Builder<'_>, raw: &[RawKind]) -> KindIndex {
    let ids = b.index_ids(
        "kind",
        "kinds",
        raw.iter()
            .enumerate()
            .map(|(i, k)| (index_path("kinds", i), k.id.as_str())),
    );
    let kinds = raw
        .iter()
        .map(|k| Kind {
            id: KindId::new(&k.id),
            title: k.title.as_str().into(),
            description: k.description.clone(),
            not_applicable_forbidden: k.not_applicable == RawNaPolicy::Forbidden,
        })
        .collect();
    KindIndex { ids, kinds }
}

#[cfg(test)]
mod tests {
    use super::super::check_table;

    fn policy(kinds: &str) -> String {
        format!(
            "policy: {{name: tiny, version: 1.0.0, title: Tiny}}\nkinds: {kinds}\nlevels: [{{id: member, rank: 1, title: Member}}]\n"
        )
    }

    #[test]
    fn kind_ids_are_indexed_once_each() {
        let rows = [
            (
                "[{id: benchmark, title: B}, {id: enhancement, title: E, not_applicable: forbidden}]",
                vec![],
            ),
            (
                "[{id: benchmark, title: B}, {id: benchmark, title: C}]",
                vec![
                    "kinds[1].id: duplicate kind id `benchmark` (hint: first used at `kinds[0].id`; ids are unique among kinds)",
                ],
            ),
            (
                "[{id: \"\", title: B}]",
                vec!["kinds[0].id: kind id is empty"],
            ),
            (
                "[{id: \"a\\u200bb\", title: B}]",
                vec![
                    "kinds[0].id: the kind id `a\\u{200b}b` holds a control character or an invisible mark",
                ],
            ),
            (
                "[{id: \"\\u3164\", title: B}]",
                vec!["kinds[0].id: the kind id `\\u{3164}` shows nothing"],
            ),
            (
                "[{id: b, title: B, not_applicable: never}]",
                vec![
                    "kinds[0].not_applicable: unknown value `never` (hint: expected one of `per_item`, `forbidden`)",
                ],
            ),
        ];
        check_table(rows.into_iter().map(|(k, w)| (policy(k), w)));
    }
}
