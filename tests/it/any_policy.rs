//! For any policy the loader accepts and any assessment it accepts,
//! evaluation returns a value or a typed error: generated over structured
//! policies (with some references and values deliberately wrong), not only
//! over the shipped ones.
#![cfg(feature = "testing")]

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use qbm::{Answer, Assessment};

/// Names drawn from a small pool, so that references sometimes miss.
fn name(prefix: &'static str, n: usize) -> impl Strategy<Value = String> {
    prop_oneof![59 => 0..n, 1 => Just(n)].prop_map(move |i| format!("{prefix}{i}"))
}

fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("true".to_owned()),
        (-2i32..20).prop_map(|n| n.to_string()),
        Just("v0".to_owned()),
        Just("zz".to_owned()),
    ]
}

/// A comparison that fits its fact's type most of the time: `f0` is a
/// boolean, `f1` a number, `f2` a choice of `v0`, `v1`; `f3` is of a random
/// type and anything may be compared with it.
fn comparison() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => any::<bool>().prop_map(|b| format!("{{fact: f0, equals: {b}}}")),
        4 => (0i32..16).prop_map(|n| format!("{{fact: f1, at_least: {n}}}")),
        2 => (0i32..16).prop_map(|n| format!("{{fact: f1, at_most: {n}}}")),
        4 => prop_oneof![Just("[v0]"), Just("[v1]"), Just("[v0, v1]")].prop_map(|v| format!("{{fact: f2, one_of: {v}}}")),
        1 => scalar().prop_map(|v| format!("{{fact: f3, equals: {v}}}")),
        1 => (name("f", 4), scalar()).prop_map(|(f, v)| format!("{{fact: {f}, equals: {v}}}")),
    ]
}

fn selector() -> impl Strategy<Value = String> {
    // Nine items, three standards, two kinds, up to two sets.
    prop_oneof![
        name("s", 3).prop_map(|s| format!("{{standard: {s}}}")),
        name("k", 2).prop_map(|k| format!("{{kind: {k}}}")),
        name("set", 2).prop_map(|s| format!("{{set: {s}}}")),
        prop::collection::vec(name("i", 8), 1..4)
            .prop_map(|v| format!("{{items: [{}]}}", v.join(", "))),
        (name("s", 3), name("k", 2)).prop_map(|(s, k)| format!("{{standard: {s}, kind: {k}}}")),
    ]
}

/// A selection rule's `when_none_apply`: mostly the default, or either value.
fn when_none_apply() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        2 => Just(""),
        1 => Just(", when_none_apply: met"),
        1 => Just(", when_none_apply: unmet"),
    ]
}

fn requirement() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        6 => comparison(),
        3 => name("i", 8).prop_map(|i| format!("{{met: {i}}}")),
        3 => (selector(), when_none_apply()).prop_map(|(s, w)| format!("{{all_met: {s}{w}}}")),
        // `met` beside a count is refused, so rarely.
        2 => (0u32..5, selector(), prop_oneof![4 => Just(""), 2 => Just(", when_none_apply: unmet"), 1 => Just(", when_none_apply: met")])
            .prop_map(|(n, s, w)| format!("{{met_at_least: {{count: {n}, of: {s}}}{w}}}")),
        2 => (0u32..120, selector(), when_none_apply()).prop_map(|(p, s, w)| format!("{{met_at_least: {{percent: {p}, of: {s}}}{w}}}")),
        // Levels naming each other often make cycles, so rarely.
        1 => name("l", 3).prop_map(|l| format!("{{level: {l}}}")),
    ];
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..3)
                .prop_map(|v| format!("{{all: [{}]}}", v.join(", "))),
            prop::collection::vec(inner.clone(), 1..3)
                .prop_map(|v| format!("{{any: [{}]}}", v.join(", "))),
            inner.clone().prop_map(|r| format!("{{not: {r}}}")),
            (0usize..2, prop::collection::vec(inner, 2..3))
                .prop_map(|(n, v)| format!("{{at_least: {n}, of: [{}]}}", v.join(", "))),
        ]
    })
}

/// A policy as YAML text, mostly valid, sometimes not: nine items (`i0` to
/// `i8`) over three standards, four facts, up to two sets, three levels.
fn policy_text() -> impl Strategy<Value = String> {
    let f3 = prop_oneof![Just("boolean"), Just("number"), Just("choice")];
    let items = prop::collection::vec(
        (
            0usize..3,
            name("k", 2),
            prop::bool::weighted(0.04),
            prop::option::of((
                0u8..10,
                prop::option::of(prop_oneof![9 => Just("f1".to_owned()), 1 => name("f", 4)]),
            )),
        ),
        9..10,
    );
    let sets = prop::collection::vec(selector(), 2..3);
    let levels = prop::collection::vec(
        (
            prop_oneof![39 => Just(0u32), 1 => Just(2u32)],
            prop::collection::vec(requirement(), 0..3),
        ),
        3..4,
    );
    let benefits = prop::collection::vec(
        (
            name("l", 3),
            prop::option::of(name("l", 3)),
            prop::option::of(1u32..5),
        ),
        0..3,
    );
    (f3, items, sets, levels, benefits).prop_map(|(f3, items, sets, levels, benefits)| {
        let mut s = String::from("policy: {name: gen, version: 1.0.0, title: Generated}\n");
        s.push_str("kinds: [{id: k0, title: K0}, {id: k1, title: K1, not_applicable: forbidden}]\n");
        s.push_str("facts:\n  - {id: f0, title: F0, type: boolean}\n  - {id: f1, title: F1, type: number, min: 0, max: 15}\n");
        s.push_str("  - {id: f2, title: F2, type: choice, values: [v0, v1]}\n");
        let f3_values = if f3 == "choice" { ", values: [v0, zz]" } else { "" };
        s.push_str(&format!("  - {{id: f3, title: F3, type: {f3}{f3_values}}}\n"));
        s.push_str("standards:\n");
        for st in 0..3 {
            s.push_str(&format!("  - id: s{st}\n    title: S\n    items:\n"));
            for (i, (at, kind, na, number)) in items.iter().enumerate() {
                if *at != st {
                    continue;
                }
                let mut line = format!("      - {{id: i{i}, kind: {kind}, title: T, question: Q, not_applicable: {na}");
                if let Some((t, declared)) = number {
                    line.push_str(&format!(", number: {{unit: hours, at_least: {t}"));
                    if let Some(f) = declared {
                        line.push_str(&format!(", declared_by: {f}"));
                    }
                    line.push('}');
                }
                line.push_str("}\n");
                s.push_str(&line);
            }
        }
        if !sets.is_empty() {
            s.push_str("sets:\n");
            for (i, sel) in sets.iter().enumerate() {
                s.push_str(&format!("  - {{id: set{i}, title: Set, select: {sel}}}\n"));
            }
        }
        s.push_str("levels:\n");
        for (i, (offset, reqs)) in levels.iter().enumerate() {
            // Ranks 0, 2, 4, unless an offset makes two collide.
            let rank = i as u32 * 2 + offset;
            s.push_str(&format!("  - {{id: l{i}, rank: {rank}, title: L, requires: [{}]}}\n", reqs.join(", ")));
        }
        if !benefits.is_empty() {
            s.push_str("benefits:\n");
            for (i, (min, priority, quantity)) in benefits.iter().enumerate() {
                let mut line = format!("  - {{id: b{i}, title: B, min_level: {min}");
                if let Some(p) = priority {
                    line.push_str(&format!(", priority_from: {p}"));
                }
                if let Some(q) = quantity {
                    line.push_str(&format!(", quantity: {{amount: {q}, unit: things}}"));
                }
                line.push_str("}\n");
                s.push_str(&line);
            }
        }
        s
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_accepted_policy_evaluates_any_accepted_assessment(text in policy_text(), junk in prop::collection::vec(("[a-z0-9.]{1,4}", prop_oneof![Just(Answer::Met), Just(Answer::NotApplicable), (-5.0f64..50.0).prop_map(Answer::Number)]), 0..4)) {
        let Ok(policy) = qbm::Loader::new().policy_str(&text) else { return Ok(()) };
        // Generated assessments the policy accepts, and the same with junk
        // answers it must refuse with a typed error rather than a panic.
        let mut runner = TestRunner::deterministic();
        let strategy = qbm::testing::assessments(&policy);
        for _ in 0..8 {
            let a = strategy.new_tree(&mut runner).unwrap().current();
            let e = policy.evaluate(&a);
            prop_assert!(e.is_ok(), "{:?}\n{}", e.err(), text);
            let _ = e.unwrap().to_string();
            let mut spoiled: Assessment = a.clone();
            for (id, answer) in &junk {
                spoiled.set_answer(id.as_str(), *answer);
            }
            let _ = policy.evaluate(&spoiled);
        }
        // Whatever loads writes back to YAML that loads to the same policy.
        let again = qbm::Loader::new().policy_str(&policy.to_yaml()).unwrap();
        prop_assert_eq!(again.to_yaml(), policy.to_yaml());
    }

    #[test]
    fn any_text_is_refused_or_accepted_without_panic(text in "[a-z:{}\\[\\], \n&*!|>-]{0,200}") {
        let _ = qbm::Loader::new().policy_str(&text);
        let _ = qbm::Loader::new().assessment_str(&text);
    }
}

#[test]
fn the_generator_makes_valid_policies_often_enough() {
    let mut runner = TestRunner::deterministic();
    let strategy = policy_text();
    let mut errors = Vec::new();
    let valid = (0..200)
        .filter(|_| {
            match qbm::Loader::new().policy_str(&strategy.new_tree(&mut runner).unwrap().current())
            {
                Ok(_) => true,
                Err(e) => {
                    errors.push(e.to_string());
                    false
                }
            }
        })
        .count();
    assert!(
        valid >= 40,
        "only {valid} of 200 generated policies load; say:\n{}",
        errors[..5].join("\n")
    );
}
