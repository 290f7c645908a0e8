//! The hand-written floor of the benches agrees with the crate on generated
//! assessments: same level, same benefits with priority, same unmet
//! designated items. And the lean decision agrees with the full evaluation.
#![cfg(feature = "testing")]

#[path = "../../benches/floor.rs"]
mod floor;

// The example's own batch function, run here on any number of threads.
#[path = "../../examples/batch.rs"]
#[allow(dead_code)]
mod batch;

use proptest::prelude::*;
use std::num::NonZeroUsize;

use qbm::{Assessment, Detail, Policy};

/// Both embedded versions, loaded once for all cases.
fn versions() -> &'static [Policy] {
    static VERSIONS: std::sync::OnceLock<Vec<Policy>> = std::sync::OnceLock::new();
    VERSIONS.get_or_init(|| qbm::EMBEDDED.iter().map(|e| e.load().unwrap()).collect())
}

fn policy() -> &'static Policy {
    let p = &versions()[1];
    assert_eq!(
        p.version().to_string(),
        "2.0.0",
        "the floor is written for 2.0.0"
    );
    p
}

/// The designated items the crate reports missing, from Partner's `all_met`.
fn crate_unmet(e: &qbm::Evaluation) -> Vec<String> {
    let partner = e
        .levels
        .iter()
        .find(|l| l.level.id.as_str() == "partner")
        .unwrap();
    partner
        .requirements
        .iter()
        .find_map(|r| match &r.detail {
            Detail::Items { missing, .. } => {
                Some(missing.iter().map(ToString::to_string).collect())
            }
            _ => None,
        })
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_floor_agrees_with_the_crate(a in qbm::testing::assessments(policy())) {
        let p = policy();
        let e = p.evaluate(&a).unwrap();
        let f = floor::evaluate(&a);
        prop_assert_eq!(i64::from(f.rank), e.level.as_ref().map_or(0, |l| i64::from(l.rank)));
        let benefits: Vec<(String, bool)> = e.benefits.iter().map(|b| (b.id.to_string(), b.priority)).collect();
        let floor_benefits: Vec<(String, bool)> = f.benefits.iter().map(|(id, p)| ((*id).to_owned(), *p)).collect();
        prop_assert_eq!(benefits, floor_benefits);
        prop_assert_eq!(crate_unmet(&e), f.unmet.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>());
    }

    #[test]
    fn the_lean_decision_agrees_with_the_full_evaluation(
        (version, a) in prop_oneof![
            qbm::testing::assessments(&versions()[0]).prop_map(|a| (0, a)),
            qbm::testing::assessments(&versions()[1]).prop_map(|a| (1, a)),
        ]
    ) {
        let p = &versions()[version];
        let e = p.evaluate(&a).unwrap();
        let d = p.evaluator().decide(&a).unwrap();
        prop_assert_eq!(&d.level, &e.level);
        prop_assert_eq!(&d.benefits, &e.benefits);
        prop_assert_eq!(&d.policy, &e.policy);
    }
}

#[test]
fn the_floor_reaches_every_level_on_the_samples() {
    let mut ranks = Vec::new();
    for file in [
        "non-member",
        "grassroots-affiliate",
        "associate-partner",
        "partner",
    ] {
        let a = qbm::Loader::new()
            .assessment_path(format!("examples/assessments/{file}.yaml"))
            .unwrap();
        ranks.push(floor::evaluate(&a).rank);
    }
    assert_eq!(ranks, [0, 1, 2, 3]);
}

#[test]
fn batches_keep_input_order_on_any_number_of_threads() {
    let p = policy();
    let many: Vec<Assessment> = (0..37)
        .map(|i| Assessment::new(format!("P{i}")).with_fact("months_operating", i))
        .chain(std::iter::once(
            Assessment::new("bad").with_answer("B.9.9", qbm::Answer::Met),
        ))
        .collect();
    let all = std::thread::available_parallelism().unwrap();
    for threads in [1, all.get(), 3, 64] {
        let threads = NonZeroUsize::new(threads).unwrap();
        let full = batch::in_threads(&many, threads, |a| p.evaluate(a));
        let lean = batch::in_threads(&many, threads, |a| p.evaluator().decide(a));
        assert_eq!(full.len(), many.len());
        for (i, (f, l)) in full.iter().zip(&lean).enumerate().take(37) {
            assert_eq!(f.as_ref().unwrap().program, format!("P{i}"));
            assert_eq!(f.as_ref().unwrap().level, l.as_ref().unwrap().level);
        }
        assert!(full[37].is_err() && lean[37].is_err(), "{threads:?}");
    }
    assert!(batch::in_threads(&[], all, |a| p.evaluate(a)).is_empty());
}
