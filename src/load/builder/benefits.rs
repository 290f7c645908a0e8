//! The benefits: their ids indexed, the levels each is granted to and
//! gives priority from resolved, discounts checked.

use super::levels::LevelIndex;
use super::{Builder, K};
use crate::base::error::quote;
use crate::base::id::{BenefitId, LevelId};
use crate::load::raw::RawBenefit;
use crate::load::yaml::{index_path, key_path};
use crate::model::policy::{Benefit, Discount, Grant, Level, Quantity};

/// Checks the benefits' ids and makes the benefits; a benefit with a
/// problem is reported and left out.
pub(super) fn build(
    b: &mut Builder<'_>,
    raw: &[RawBenefit],
    index: &LevelIndex,
    levels: &[Level],
) -> Vec<Benefit> {
    // Only checked: nothing refers to a benefit.
    b.index_ids(
        "benefit",
        "benefits",
        raw.iter()
            .enumerate()
            .map(|(i, x)| (index_path("benefits", i), x.id.as_str())),
    );
    raw.iter()
        .enumerate()
        .filter_map(|(i, x)| benefit(b, index, levels, x, &index_path("benefits", i)))
        .collect()
}

fn benefit(
    b: &mut Builder<'_>,
    index: &LevelIndex,
    levels: &[Level],
    x: &RawBenefit,
    path: &str,
) -> Option<Benefit> {
    let mut granted_to = vec![false; levels.len()];
    let grant = grant(b, index, x, path, &mut granted_to)?;
    let priority_from = match &x.priority_from {
        None => None,
        Some(id) => {
            let l = index.find(b, id, &key_path(path, "priority_from"))?;
            levels.get(l).map(|lv| (lv.id.clone(), lv.rank))
        }
    };
    if let Some(d) = &x.discount
        && let Some(p) = d.percent
        && !(0.0..=100.0).contains(&p)
    {
        b.err(
            K::InvalidValue,
            &key_path(&key_path(path, "discount"), "percent"),
            format!("discount of {p}% is outside 0 to 100"),
            None,
        );
        return None;
    }
    Some(Benefit {
        id: BenefitId::new(&x.id),
        title: x.title.as_str().into(),
        description: x.description.clone(),
        grant,
        granted_to,
        priority_from,
        quantity: x.quantity.as_ref().map(|q| Quantity {
            amount: q.amount,
            unit: q.unit.clone(),
        }),
        discount: x.discount.as_ref().map(|d| Discount {
            on: d.on.clone(),
            percent: d.percent,
        }),
    })
}

/// Which levels the benefit is granted to, marked in `granted_to` by rank
/// position; `None` after reporting an unknown level, or neither or both
/// of `min_level` and `levels`.
fn grant(
    b: &mut Builder<'_>,
    index: &LevelIndex,
    x: &RawBenefit,
    path: &str,
    granted_to: &mut [bool],
) -> Option<Grant> {
    match (&x.min_level, &x.levels) {
        (Some(min), None) => {
            let from = index.find(b, min, &key_path(path, "min_level"))?;
            granted_to.iter_mut().skip(from).for_each(|g| *g = true);
            Some(Grant::AtLeast(LevelId::new(min)))
        }
        (None, Some(list)) if !list.is_empty() => {
            let mut ok = true;
            for (i, id) in list.iter().enumerate() {
                match index.find(b, id, &index_path(&key_path(path, "levels"), i)) {
                    Some(l) => {
                        if let Some(g) = granted_to.get_mut(l) {
                            *g = true;
                        }
                    }
                    None => ok = false,
                }
            }
            ok.then(|| Grant::Levels(list.iter().map(LevelId::new).collect()))
        }
        _ => {
            b.err(
                K::InvalidValue,
                path,
                format!(
                    "benefit {} needs exactly one of `min_level` and `levels`",
                    quote(&x.id)
                ),
                Some(
                    "`min_level: x` grants x and above; `levels: [x, y]` grants exactly those"
                        .into(),
                ),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::check_table;

    fn policy(benefits: &str) -> String {
        format!(
            "policy: {{name: tiny, version: 1.0.0, title: Tiny}}
levels: [{{id: member, rank: 1, title: Member}}, {{id: partner, rank: 2, title: Partner}}]
benefits: [{benefits}]
"
        )
    }

    #[test]
    fn benefits_name_levels() {
        let rows = [
            (
                "{id: b, title: B, min_level: member, priority_from: partner}",
                vec![],
            ),
            (
                "{id: b, title: B, levels: [member, partner], discount: {on: fees, percent: 10}}",
                vec![],
            ),
            (
                "{id: b, title: B}",
                vec![
                    "benefits[0]: benefit `b` needs exactly one of `min_level` and `levels` (hint: `min_level: x` grants x and above",
                ],
            ),
            (
                "{id: b, title: B, levels: []}",
                vec!["benefits[0]: benefit `b` needs exactly one of"],
            ),
            (
                "{id: b, title: B, min_level: membr}",
                vec!["benefits[0].min_level: unknown level `membr` (hint: did you mean `member`?)"],
            ),
            (
                "{id: b, title: B, levels: [member, x, y]}",
                vec![
                    "benefits[0].levels[1]: unknown level `x`",
                    "benefits[0].levels[2]: unknown level `y`",
                ],
            ),
            (
                "{id: b, title: B, min_level: member, priority_from: top}",
                vec!["benefits[0].priority_from: unknown level `top`"],
            ),
            (
                "{id: b, title: B, min_level: member, discount: {on: fees, percent: 120}}",
                vec!["benefits[0].discount.percent: discount of 120% is outside 0 to 100"],
            ),
            (
                "{id: b, title: B, min_level: member}, {id: b, title: C, min_level: member}",
                vec!["benefits[1].id: duplicate benefit id `b`"],
            ),
        ];
        check_table(rows.into_iter().map(|(x, w)| (policy(x), w)));
    }
}
