//! Writing a policy back: the raw layer made from the model's own data, for
//! [`Policy::to_yaml`](crate::Policy::to_yaml) to serialize.

use crate::base::value::Value;
use crate::load::raw::{
    RawBenefit, RawDerive, RawDiscount, RawFact, RawFactType, RawHeader, RawHeld, RawItem,
    RawItemCount, RawKind, RawLevel, RawMembership, RawNaPolicy, RawNumberSpec, RawPolicy,
    RawQuantity, RawRenewal, RawRequirement, RawSelector, RawSet, RawStandard, RawTimeLimit,
};
use crate::load::raw::{RawLevelRenewal, RawNone, RawReentry};
use crate::load::yaml;
use crate::model::policy::{
    Benefit, Discount, Fact, FactType, Grant, Item, ItemSet, Kind, Level, Policy, Quantity,
    Standard,
};
use crate::model::policy::{LevelRenewal, Reentry};
use crate::model::requirement::{FactTest, ItemRule, Req, Requirement, Selection, WhenNoneApply};

impl Policy {
    /// Writes the policy back as YAML that loads to the same policy.
    ///
    /// Comments and key order of the original are not kept.
    pub fn to_yaml(&self) -> String {
        // Serializing plain structs of strings, numbers and lists cannot fail;
        // should it ever, the error text is better than a panic.
        yaml::to_string(&raw_of(self)).unwrap_or_else(|e| format!("# cannot write policy: {e}\n"))
    }
}

/// The raw layer of `policy`, as its file gives it (but for comments and
/// key order): what loads to the same policy.
fn raw_of(policy: &Policy) -> RawPolicy {
    RawPolicy {
        policy: RawHeader {
            name: policy.name.to_string(),
            version: policy.version.clone(),
            title: policy.title.clone(),
            description: policy.description.clone(),
            source: policy.source.clone(),
        },
        kinds: policy.kinds.iter().map(kind).collect(),
        facts: policy.facts.iter().map(|f| fact(policy, f)).collect(),
        standards: policy
            .standards
            .iter()
            .map(|s| standard(policy, s))
            .collect(),
        sets: policy.sets.iter().map(set).collect(),
        levels: policy
            .level_listing
            .iter()
            .filter_map(|&l| policy.levels.get(l))
            .map(|l| level(policy, l))
            .collect(),
        benefits: policy.benefits.iter().map(benefit).collect(),
        membership: policy.terms.as_ref().map(|terms| RawMembership {
            renewal: policy.renewal.as_ref().map(|r| RawRenewal {
                every: r.every,
                window: terms.window_given.then_some(r.window),
                note: terms.note.clone(),
            }),
            term_restarts_on_promotion: terms.restarts_on_promotion,
        }),
    }
}

fn kind(k: &Kind) -> RawKind {
    RawKind {
        id: k.id.to_string(),
        title: k.title.to_string(),
        description: k.description.clone(),
        not_applicable: if k.not_applicable_forbidden {
            RawNaPolicy::Forbidden
        } else {
            RawNaPolicy::PerItem
        },
    }
}

fn fact(policy: &Policy, f: &Fact) -> RawFact {
    let (unit, values) = f.unused.clone();
    let (ty, values, unit, min, max) = match &f.ty {
        FactType::Boolean => (RawFactType::Boolean, values, unit, None, None),
        FactType::Number { unit, min, max } => {
            (RawFactType::Number, Vec::new(), unit.clone(), *min, *max)
        }
        FactType::Choice(choices) => (RawFactType::Choice, choices.clone(), unit, None, None),
        FactType::Date => (RawFactType::Date, values, unit, None, None),
    };
    RawFact {
        id: f.id.to_string(),
        title: f.title.to_string(),
        question: f.question.as_deref().map(str::to_owned),
        ty,
        values,
        unit,
        min,
        max,
        derive: f
            .months_since
            .and_then(|d| policy.facts.get(d))
            .map(|d| RawDerive {
                months_since: d.id.to_string(),
            }),
        better: f.better,
    }
}

fn standard(policy: &Policy, s: &Standard) -> RawStandard {
    RawStandard {
        id: s.id.to_string(),
        title: s.title.to_string(),
        description: s.description.clone(),
        items: policy.items_of(s).iter().map(item).collect(),
    }
}

fn item(it: &Item) -> RawItem {
    RawItem {
        id: it.id.to_string(),
        kind: it.kind.to_string(),
        title: it.title.to_string(),
        question: it.question.to_string(),
        not_applicable: it.not_applicable,
        number: it.threshold.as_ref().map(|t| RawNumberSpec {
            unit: t.unit.clone(),
            at_least: Value::Number(t.at_least),
            declared_by: t.declared_by.as_ref().map(ToString::to_string),
        }),
    }
}

fn set(s: &ItemSet) -> RawSet {
    RawSet {
        id: s.id.to_string(),
        title: s.title.clone(),
        description: s.description.clone(),
        select: selector(&s.selection),
    }
}

fn selector(s: &Selection) -> RawSelector {
    RawSelector {
        standard: s.standard.as_ref().map(ToString::to_string),
        kind: s.kind.as_ref().map(ToString::to_string),
        set: s.set.as_ref().map(ToString::to_string),
        items: s
            .items
            .as_ref()
            .map(|list| list.iter().map(ToString::to_string).collect()),
    }
}

fn level(policy: &Policy, l: &Level) -> RawLevel {
    RawLevel {
        id: l.id.to_string(),
        rank: l.rank,
        title: l.title.to_string(),
        description: l.description.clone(),
        requires: l.requires.iter().map(|r| requirement(policy, r)).collect(),
        time_limit: l.time_limit.as_ref().map(|t| RawTimeLimit {
            after: t.after,
            reverts_to: t.reverts_to.as_ref().map(ToString::to_string),
            reentry: match t.reentry {
                Reentry::Never => t.reentry_given.then_some(RawReentry::Never),
                Reentry::After(p) => Some(RawReentry::After(p)),
            },
        }),
        renewal: l.renewal.as_ref().map(|r| match r {
            LevelRenewal::None => RawLevelRenewal::None(RawNone::None),
            LevelRenewal::Every(r) => RawLevelRenewal::Every(RawRenewal {
                every: r.every,
                window: l
                    .renewal_written
                    .as_ref()
                    .is_none_or(|w| w.window_given)
                    .then_some(r.window),
                note: l.renewal_written.as_ref().and_then(|w| w.note.clone()),
            }),
        }),
    }
}

/// The id of the level at rank position `l`.
fn level_id(policy: &Policy, l: usize) -> String {
    policy
        .levels
        .get(l)
        .map(|l| l.id.to_string())
        .unwrap_or_default()
}

fn requirement(policy: &Policy, r: &Requirement) -> RawRequirement {
    let list = |list: &[Requirement]| -> Vec<RawRequirement> {
        list.iter().map(|r| requirement(policy, r)).collect()
    };
    let mut raw = RawRequirement {
        label: r.label.clone(),
        ..RawRequirement::default()
    };
    match &r.kind {
        Req::All(all) => raw.all = Some(list(all)),
        Req::AtLeast(_, any) if r.any => raw.any = Some(list(any)),
        Req::AtLeast(n, of) => {
            #[allow(clippy::cast_precision_loss)]
            let n = *n as f64;
            raw.at_least = Some(Value::Number(n));
            raw.of = Some(list(of));
        }
        Req::Not(inner) => raw.not = Some(Box::new(requirement(policy, inner))),
        Req::Fact { fact, test, .. } => {
            raw.fact = policy.facts.get(*fact).map(|f| f.id.to_string());
            match test {
                FactTest::Equals(v) => raw.equals = Some(v.clone()),
                FactTest::OneOf(vs) => raw.one_of = Some(vs.clone()),
                FactTest::Range(lo, hi) => {
                    raw.at_least = lo.map(Value::Number);
                    raw.at_most = hi.map(Value::Number);
                }
            }
        }
        Req::Met(i) => raw.met = policy.items.get(*i).map(|it| it.id.to_string()),
        Req::Items {
            rule,
            none,
            none_given,
            selection,
            ..
        } => {
            let of = selector(selection);
            // Written where the policy wrote it or it differs from the default.
            raw.when_none_apply =
                (*none_given || *none != WhenNoneApply::default()).then_some(*none);
            match rule {
                ItemRule::All => raw.all_met = Some(of),
                ItemRule::Count(n) => {
                    raw.met_at_least = Some(RawItemCount {
                        count: u32::try_from(*n).ok(),
                        percent: None,
                        of,
                    });
                }
                ItemRule::Percent(p) => {
                    raw.met_at_least = Some(RawItemCount {
                        count: None,
                        percent: Some(*p),
                        of,
                    });
                }
            }
        }
        Req::Level(l) => raw.level = Some(level_id(policy, *l)),
        Req::Held { level, period } => {
            raw.held = Some(RawHeld {
                level: level_id(policy, *level),
                for_at_least: *period,
            });
        }
    }
    raw
}

fn benefit(b: &Benefit) -> RawBenefit {
    let (min_level, levels) = match &b.grant {
        Grant::AtLeast(l) => (Some(l.to_string()), None),
        Grant::Levels(list) => (None, Some(list.iter().map(ToString::to_string).collect())),
    };
    RawBenefit {
        id: b.id.to_string(),
        title: b.title.to_string(),
        description: b.description.clone(),
        min_level,
        levels,
        priority_from: b.priority_from.as_ref().map(|(l, _)| l.to_string()),
        quantity: b
            .quantity
            .as_ref()
            .map(|Quantity { amount, unit }| RawQuantity {
                amount: *amount,
                unit: unit.clone(),
            }),
        discount: b
            .discount
            .as_ref()
            .map(|Discount { on, percent }| RawDiscount {
                on: on.clone(),
                percent: *percent,
            }),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::base::limits::Limits;
    use crate::load::raw::RawPolicy;
    use crate::load::yaml;

    /// Every file under `dir`, depth first.
    fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                files(&path, out);
            } else {
                out.push(path);
            }
        }
    }

    /// Every policy the crate ships or tests with (the fuzz regression
    /// inputs included) writes itself back as its raw layer, read from its
    /// file, serializes: what `to_yaml` wrote when the model kept the raw
    /// layer.
    #[test]
    fn a_policy_writes_what_its_file_reads_as() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut paths = Vec::new();
        files(&root.join("standards"), &mut paths);
        files(&root.join("tests/fixtures"), &mut paths);
        let mut checked = 0;
        for path in paths {
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let Ok(policy) = crate::Loader::new().policy_str(&text) else {
                continue;
            };
            let Ok((raw, _)) = yaml::parse::<RawPolicy>(&text, "<input>", &Limits::default())
            else {
                continue;
            };
            let want = yaml::to_string(&raw).unwrap();
            assert_eq!(policy.to_yaml(), want, "{}", path.display());
            checked += 1;
        }
        assert!(checked > 20, "{checked} policies checked");
    }

    /// What the model keeps only to write a policy back.
    #[test]
    fn what_only_writing_back_needs_is_kept() {
        let head = "policy: {name: tiny, version: 1.0.0, title: Tiny, description: D, source: S}\n";
        let body = "kinds: [{id: k, title: K, description: KD, not_applicable: forbidden}]
facts:
  - {id: d, title: D, type: date, unit: days, values: [x]}
  - {id: y, title: Y, type: boolean, unit: yes}
  - {id: z, title: Z, type: choice, values: [p], unit: points}
  - {id: m, title: M, question: Q?, type: number, unit: months, min: 0, max: 9, derive: {months_since: d}, better: more}
  - {id: c, title: C, type: choice, values: [a, b], better: later}
standards:
  - id: s
    title: S
    description: SD
    items:
      - {id: B.1, kind: k, title: One, question: One?, number: {unit: h, at_least: 2, declared_by: m}}
      - {id: B.2, kind: k, title: Two, question: Two?}
sets: [{id: x, title: X, description: XD, select: {standard: s, kind: k, items: [B.1, B.2]}}]
levels:
  - id: top
    rank: 3
    title: Top
    requires:
      - {any: [{met: B.1}, {level: low}], label: Either}
      - {at_least: 1, of: [{met: B.1}, {fact: c, one_of: [a]}]}
      - {not: {fact: m, at_least: 2, at_most: 5}}
      - {all_met: {set: x}}
      - {met_at_least: {count: 1, of: {kind: k}}}
      - {met_at_least: {percent: 50, of: {items: [B.2]}}}
      - {held: {level: low, for_at_least: {months: 6}}}
      - {all: [{fact: c, equals: b}]}
    time_limit: {after: {years: 1}, reverts_to: low}
  - {id: low, rank: 1, title: Low, description: LD}
benefits:
  - {id: p, title: P, min_level: low, priority_from: top, quantity: {amount: 2, unit: seats}}
  - {id: q, title: Q, levels: [top, low], discount: {on: fees, percent: 10}}
";
        let tails = [
            "",
            "membership: {}\n",
            "membership: {renewal: {every: {years: 1}}}\n",
            "membership: {renewal: {every: {years: 1}, window: {months: 2}, note: N}}\n",
        ];
        for tail in tails {
            let text = format!("{head}{body}{tail}");
            let policy = crate::Loader::new().policy_str(&text).unwrap();
            let (raw, _) = yaml::parse::<RawPolicy>(&text, "<input>", &Limits::default()).unwrap();
            assert_eq!(policy.to_yaml(), yaml::to_string(&raw).unwrap(), "{tail}");
        }
    }
}
