//! The first phase: the policy's size against the limits, and every text
//! that is shown on one line (titles, units, choices, the policy's name).

use super::{Builder, K};
use crate::load::raw::RawPolicy;
use crate::load::yaml::{index_path, key_path};

/// Whether the policy is within `Limits::max_items` and
/// `Limits::max_levels`; reports it when not, and nothing else is checked.
pub(super) fn within_limits(b: &mut Builder<'_>, raw: &RawPolicy) -> bool {
    let items: usize = raw.standards.iter().map(|s| s.items.len()).sum();
    let (what, n, max) = if items > b.limits.max_items {
        ("items", items, b.limits.max_items)
    } else if raw.levels.len() > b.limits.max_levels {
        ("levels", raw.levels.len(), b.limits.max_levels)
    } else {
        return true;
    };
    b.err(
        K::Limit,
        "",
        format!("the policy has {n} {what}, over the limit of {max}"),
        Some(format!("the limit is `Limits::max_{what}`")),
    );
    false
}

/// Checks every title, unit and choice value, as [`Builder::one_line`]
/// says, then the policy's name; ids are checked as they are indexed,
/// labels as their requirements are built.
pub(super) fn check(b: &mut Builder<'_>, raw: &RawPolicy) {
    let at = |list: &str, i: usize, key: &str| key_path(&index_path(list, i), key);
    b.named(&raw.policy.title, "policy.title", "title");
    for (i, k) in raw.kinds.iter().enumerate() {
        b.named(&k.title, &at("kinds", i, "title"), "title");
    }
    for (i, f) in raw.facts.iter().enumerate() {
        b.named(&f.title, &at("facts", i, "title"), "title");
        if let Some(unit) = &f.unit {
            b.one_line(unit, &at("facts", i, "unit"), "unit");
        }
        for (j, value) in f.values.iter().enumerate() {
            b.one_line(value, &index_path(&at("facts", i, "values"), j), "choice");
        }
    }
    for (s, standard) in raw.standards.iter().enumerate() {
        b.named(&standard.title, &at("standards", s, "title"), "title");
        let item = |i: usize, key: &str| at(&at("standards", s, "items"), i, key);
        for (i, it) in standard.items.iter().enumerate() {
            b.named(&it.title, &item(i, "title"), "title");
            if let Some(n) = &it.number {
                b.one_line(&n.unit, &key_path(&item(i, "number"), "unit"), "unit");
            }
        }
    }
    for (i, set) in raw.sets.iter().enumerate() {
        b.named(&set.title, &at("sets", i, "title"), "title");
    }
    for (i, level) in raw.levels.iter().enumerate() {
        b.named(&level.title, &at("levels", i, "title"), "title");
    }
    for (i, benefit) in raw.benefits.iter().enumerate() {
        b.named(&benefit.title, &at("benefits", i, "title"), "title");
        if let Some(q) = &benefit.quantity {
            b.one_line(
                &q.unit,
                &key_path(&at("benefits", i, "quantity"), "unit"),
                "unit",
            );
        }
        if let Some(d) = &benefit.discount {
            let on = key_path(&at("benefits", i, "discount"), "on");
            b.one_line(&d.on, &on, "discount's `on`");
        }
    }
    b.named(&raw.policy.name, "policy.name", "policy name");
}

#[cfg(test)]
mod tests {
    use super::super::check_table;

    const LEVELS: &str = "levels: [{id: member, rank: 1, title: Member}]\n";

    fn policy(head: &str, body: &str) -> String {
        format!("policy: {{name: tiny, version: 1.0.0, {head}}}\n{body}{LEVELS}")
    }

    #[test]
    fn texts_shown_on_one_line_are_checked() {
        let rows: Vec<(String, Vec<&str>)> = vec![
            (policy("title: Tiny", ""), vec![]),
            (
                policy("title: \" \"", ""),
                vec!["policy.title: the title is empty"],
            ),
            (
                policy("title: \"a\\nb\"", ""),
                vec!["policy.title: the title `a\\nb` is more than one line (hint: write the title on one line)"],
            ),
            (
                policy("title: \"a\\n\"", ""),
                vec!["policy.title: the title `a\\n` is more than one line (hint: a block scalar"],
            ),
            (
                policy("title: Tiny", "facts: [{id: f, title: F, type: number, unit: \"m\\u200b\"}]\n"),
                vec!["facts[0].unit: the unit `m\\u{200b}` holds a control character or an invisible mark"],
            ),
            (
                policy("title: Tiny", "facts: [{id: f, title: F, type: choice, values: [a, \"b\\tc\"]}]\n"),
                vec!["facts[0].values[1]: the choice `b\\tc` holds a control character"],
            ),
            (
                policy("title: Tiny", "benefits: [{id: b, title: B, min_level: member, discount: {on: \"x\\ny\", percent: 5}}]\n"),
                vec!["benefits[0].discount.on: the discount's `on` `x\\ny` is more than one line"],
            ),
            (
                "policy: {name: \" \", version: 1.0.0, title: Tiny}\nlevels: [{id: member, rank: 1, title: \"\"}]\n".to_owned(),
                vec!["policy.name: the policy name is empty", "levels[0].title: the title is empty"],
            ),
        ];
        check_table(rows);
    }

    #[test]
    fn a_policy_past_a_limit_is_refused_before_anything_else() {
        let levels: String = (0..300)
            .map(|i| format!("  - {{id: l{i}, rank: {i}, title: \"\"}}\n"))
            .collect();
        let yaml =
            format!("policy: {{name: tiny, version: 1.0.0, title: Tiny}}\nlevels:\n{levels}");
        check_table([(
            yaml,
            vec![": the policy has 300 levels, over the limit of 100"],
        )]);
    }
}
