//! The encoding against the evaluator: random policies (every requirement
//! shape, thresholds a program may declare, not-applicable items, derived
//! facts, transitional levels, dwell time, renewal) and random inputs, the
//! decision of each read from the formula and from the real evaluation.

use super::{TestRng, analyse, check_random};
use crate::model::policy::Policy;

/// A random policy as YAML: `levels` levels, `items` items.
fn random_policy(rng: &mut TestRng, name_version: &str, items: usize, levels: usize) -> String {
    let mut y = format!(
        "policy: {{name: random, version: {name_version}, title: Random}}\nkinds:\n  - {{id: practice, title: Practice}}\n  - {{id: core, title: Core, not_applicable: forbidden}}\n"
    );
    y.push_str(
        "facts:\n  - {id: flag, title: Flag, type: boolean}\n  - {id: size, title: Size, type: number, min: 0, max: 100}\n  - {id: stage, title: Stage, type: choice, values: [a, b, c]}\n  - {id: start, title: Start, type: date}\n  - {id: months, title: Months, type: number, min: 0, derive: {months_since: start}}\n  - {id: minimum, title: Minimum, type: number, min: 1, max: 50}\n",
    );
    y.push_str("standards:\n");
    for s in 0..2 {
        y.push_str(&format!("  - id: s{s}\n    title: S{s}\n    items:\n"));
        for i in (0..items).filter(|i| i % 2 == s) {
            let kind = if rng.below(4) == 0 {
                "core"
            } else {
                "practice"
            };
            y.push_str(&format!("      - id: i{i}\n        kind: {kind}\n        title: Item {i}\n        question: Q{i}?\n"));
            if kind == "practice" && rng.below(3) == 0 {
                y.push_str("        not_applicable: true\n");
            }
            if rng.below(3) == 0 {
                let at = 1 + rng.below(20);
                y.push_str(&format!("        number: {{unit: hours, at_least: {at}"));
                if rng.below(2) == 0 {
                    y.push_str(", declared_by: minimum");
                }
                y.push_str("}\n");
            }
        }
    }
    y.push_str("levels:\n");
    for l in 0..levels {
        y.push_str(&format!(
            "  - id: l{l}\n    rank: {}\n    title: L{l}\n",
            l + 1
        ));
        if l > 0 && rng.below(3) == 0 {
            let to = if rng.below(2) == 0 {
                format!(", reverts_to: l{}", rng.below(l))
            } else {
                String::new()
            };
            let reentry = match rng.below(3) {
                0 => format!(", reentry: {{after: {{months: {}}}}}", 1 + rng.below(6)),
                1 => format!(", reentry: {{after: {{days: {}}}}}", 1 + rng.below(200)),
                _ => String::new(),
            };
            y.push_str(&format!(
                "    time_limit: {{after: {{months: {}}}{to}{reentry}}}\n",
                1 + rng.below(6)
            ));
        }
        y.push_str("    requires:\n");
        for _ in 0..1 + rng.below(3) {
            y.push_str(&format!("      - {}\n", requirement(rng, items, l, 2)));
        }
    }
    y.push_str("benefits:\n");
    for b in 0..3 {
        y.push_str(&format!("  - id: b{b}\n    title: B{b}\n"));
        if rng.below(3) == 0 {
            y.push_str(&format!("    levels: [l{}]\n", rng.below(levels)));
        } else {
            y.push_str(&format!("    min_level: l{}\n", rng.below(levels)));
        }
        if rng.below(3) == 0 {
            y.push_str(&format!("    priority_from: l{}\n", rng.below(levels)));
        }
    }
    if rng.below(2) == 0 {
        y.push_str(&format!(
            "membership:\n  renewal:\n    every: {{years: {}}}\n    window: {{months: {}}}\n",
            1 + rng.below(3),
            rng.below(4)
        ));
    }
    y
}

/// A random requirement in flow style, naming only levels below `level`.
fn requirement(rng: &mut TestRng, items: usize, level: usize, depth: usize) -> String {
    let item = |rng: &mut TestRng| format!("i{}", rng.below(items));
    let shapes = if depth == 0 { 9 } else { 13 };
    match rng.below(shapes) {
        0 => format!("{{fact: flag, equals: {}}}", rng.below(2) == 0),
        1 => format!("{{fact: size, at_least: {}}}", rng.below(60)),
        2 => format!(
            "{{fact: size, at_most: {}, at_least: {}}}",
            40 + rng.below(60),
            rng.below(40)
        ),
        3 => "{fact: stage, one_of: [b, c]}".to_owned(),
        4 => format!("{{fact: months, at_least: {}}}", rng.below(30)),
        5 => format!("{{met: {}}}", item(rng)),
        6 => {
            // One item too, so that every item selected is more often not applicable.
            let of = match rng.below(3) {
                0 => format!("{{items: [{}]}}", item(rng)),
                n => format!("{{standard: s{}}}", n - 1),
            };
            format!("{{all_met: {of}{}}}", when_none_apply(rng))
        }
        7 => format!(
            "{{met_at_least: {{count: {}, of: {{kind: practice}}}}{}}}",
            rng.below(2),
            // `met` goes with a percent only: the loader refuses it here.
            if rng.below(3) == 0 {
                ", when_none_apply: unmet"
            } else {
                ""
            }
        ),
        8 => format!(
            "{{met_at_least: {{percent: {}, of: {{standard: s{}}}}}{}}}",
            25 * (1 + rng.below(4)),
            rng.below(2),
            when_none_apply(rng)
        ),
        9 => format!("{{not: {}}}", requirement(rng, items, level, depth - 1)),
        10 => format!(
            "{{any: [{}, {}]}}",
            requirement(rng, items, level, depth - 1),
            requirement(rng, items, level, depth - 1)
        ),
        11 if level > 0 => {
            if rng.below(2) == 0 {
                format!("{{level: l{}}}", rng.below(level))
            } else {
                format!(
                    "{{held: {{level: l{}, for_at_least: {{months: {}}}}}}}",
                    rng.below(level),
                    1 + rng.below(12)
                )
            }
        }
        _ => format!(
            "{{at_least: 2, of: [{}, {}, {}]}}",
            requirement(rng, items, level, depth - 1),
            requirement(rng, items, level, depth - 1),
            requirement(rng, items, level, depth - 1)
        ),
    }
}

/// What a selection's rule means when none of its items applies: left to
/// the default, or either value written.
fn when_none_apply(rng: &mut TestRng) -> &'static str {
    match rng.below(3) {
        0 => ", when_none_apply: met",
        1 => ", when_none_apply: unmet",
        _ => "",
    }
}

fn load(text: &str) -> Option<Policy> {
    // A random policy may hold a rule the loader refuses (a count over
    // fewer items, say): those are skipped, not failures.
    crate::Loader::new().policy_str(text).ok()
}

#[test]
fn the_encoding_agrees_with_the_evaluator() {
    let mut rng = TestRng(0x0dd_ba11);
    let mut checked = 0;
    for round in 0..150 {
        let items = 2 + rng.below(6);
        let levels = 1 + rng.below(3);
        let a = random_policy(&mut rng, "1.0.0", items, levels);
        let b = random_policy(&mut rng, "2.0.0", items, levels);
        let (Some(pa), Some(pb)) = (load(&a), load(&b)) else {
            continue;
        };
        for _ in 0..20 {
            if let Err(problem) = check_random(&pa, &pb, &mut rng) {
                panic!("round {round}: {problem}\nold policy:\n{a}\nnew policy:\n{b}");
            }
            checked += 1;
        }
    }
    assert!(checked > 1000, "only {checked} inputs checked");
}

#[test]
fn every_witness_of_random_edits_reproduces() {
    let mut rng = TestRng(0x5eed);
    let mut found = 0;
    for round in 0..40 {
        let items = 2 + rng.below(5);
        let levels = 1 + rng.below(3);
        let a = random_policy(&mut rng, "1.0.0", items, levels);
        let b = random_policy(&mut rng, "2.0.0", items, levels);
        let (Some(pa), Some(pb)) = (load(&a), load(&b)) else {
            continue;
        };
        let outcome = analyse(&pa, &pb);
        assert!(
            outcome.disagreements.is_empty(),
            "round {round}: {:?}\nold:\n{a}\nnew:\n{b}",
            outcome.disagreements
        );
        found += outcome.found.len();
    }
    assert!(found > 40, "only {found} changes found");
}

#[test]
fn silence_is_never_evidence() {
    // An empty assessment meets no level through `not`.
    let text = "policy: {name: p, version: 1.0.0, title: P}\nkinds: [{id: k, title: K}]\nfacts: [{id: sanctioned, title: Sanctioned, type: boolean}]\nstandards: [{id: s, title: S, items: [{id: x, kind: k, title: X, question: X?}]}]\nlevels:\n  - id: member\n    rank: 1\n    title: Member\n    requires:\n      - not: {met: x}\n      - not: {fact: sanctioned, equals: true}\n";
    let p = crate::Loader::new()
        .policy_str(text)
        .unwrap_or_else(|e| panic!("{e}"));
    let e = p
        .evaluate(&crate::Assessment::new("silent"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(e.level, None);
    let outcome = e.levels.first().map(|l| l.status);
    assert_eq!(outcome, Some(crate::Status::Unanswered));
    let answered = crate::Assessment::new("answered")
        .with_answer("x", crate::Answer::NotMet)
        .with_fact("sanctioned", false);
    assert_eq!(
        p.evaluate(&answered)
            .ok()
            .and_then(|e| e.level)
            .map(|l| l.id.to_string())
            .as_deref(),
        Some("member")
    );
}

/// Whether the analysis of `old` against `new` finds the level moving.
fn finds_move(old: &str, new: &str, from: Option<&str>, to: Option<&str>) -> bool {
    let (Some(o), Some(n)) = (load(old), load(new)) else {
        panic!("the policies do not load");
    };
    let outcome = analyse(&o, &n);
    assert!(
        outcome.disagreements.is_empty(),
        "{:?}",
        outcome.disagreements
    );
    let want = super::Kind::Level(from.map(str::to_owned), to.map(str::to_owned));
    outcome.found.iter().any(|f| f.kind == want)
}

#[test]
fn a_declared_minimum_between_another_versions_thresholds_is_found() {
    // The answer must lie at or above the new plain threshold (8) and below
    // the declared minimum, itself below 9.5: the fact and the item take
    // their values from the same points.
    let old = "policy: {name: cx, version: 1.0.0, title: CX}\nkinds: [{id: k, title: K}]\nfacts: [{id: f, title: F, type: number}]\nstandards: [{id: s, title: S, items: [{id: X, kind: k, title: X, question: X?, number: {unit: months, at_least: 0, declared_by: f}}]}]\nlevels:\n  - id: L\n    rank: 1\n    title: L\n    requires:\n      - met: X\n      - not: {fact: f, at_least: 9.5}\n";
    let new = old
        .replace("version: 1.0.0", "version: 2.0.0")
        .replace("at_least: 0, declared_by: f", "at_least: 8");
    assert!(finds_move(old, &new, None, Some("L")));
}

#[test]
fn dates_long_ago_are_searched() {
    // About 1,942 months since a start in 1865: past any fixed span.
    let old = "policy: {name: cy, version: 1.0.0, title: CY}\nkinds: [{id: k, title: K}]\nfacts:\n  - {id: started_on, title: Started, type: date}\n  - {id: m, title: Months, type: number, max: 100, derive: {months_since: started_on}}\nstandards: [{id: s, title: S, items: [{id: X, kind: k, title: X, question: X?}]}]\nlevels:\n  - id: L\n    rank: 1\n    title: L\n    requires:\n      - met: X\n      - not: {fact: m, at_least: 1900}\n";
    let new = old
        .replace("version: 1.0.0", "version: 2.0.0")
        .replace("at_least: 1900", "at_least: 1950");
    assert!(finds_move(old, &new, None, Some("L")));
    // Two hundred years held, then two hundred and ten.
    let held = "policy: {name: cz, version: 1.0.0, title: CZ}\nkinds: [{id: k, title: K}]\nstandards: [{id: s, title: S, items: [{id: X, kind: k, title: X, question: X?}]}]\nlevels:\n  - {id: A, rank: 1, title: A, requires: [{met: X}]}\n  - {id: B, rank: 2, title: B, requires: [{met: X}, {held: {level: A, for_at_least: {years: 200}}}]}\n";
    let longer = held
        .replace("version: 1.0.0", "version: 2.0.0")
        .replace("years: 200", "years: 210");
    assert!(finds_move(held, &longer, Some("B"), Some("A")));
}

/// The time law on random policies (transitional levels, renewal, dwell
/// time, facts derived from dates): the solver proves it for each, and
/// sampling, which compares the dates themselves, finds nothing against
/// the proof.
#[cfg(feature = "testing")]
#[test]
fn the_time_law_is_decided_on_random_policies_and_sampling_agrees() {
    use crate::tools::testing::{Law, check_law};
    let mut rng = TestRng(0x7e_4b5);
    let (mut proved, mut timed) = (0, 0);
    for round in 0..30 {
        let items = 2 + rng.below(5);
        let levels = 1 + rng.below(3);
        let text = random_policy(&mut rng, "1.0.0", items, levels);
        let Some(p) = load(&text) else {
            continue;
        };
        if let Some(b) = super::laws::terms_never_extend(&p) {
            panic!("round {round}: {}\npolicy:\n{text}", b.message);
        }
        proved += 1;
        let time_limited = p.levels.iter().any(|l| l.time_limit().is_some());
        timed += usize::from(p.renewal().is_some() && time_limited);
        if let Err(v) = check_law(&p, Law::TermsNeverExtend, 64) {
            panic!("round {round}: {v}\npolicy:\n{text}");
        }
    }
    assert!(
        proved >= 10 && timed >= 3,
        "{proved} proved, {timed} with both a renewal and a time limit"
    );
}
