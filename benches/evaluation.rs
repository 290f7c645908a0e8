//! Criterion benches: loading, parsing, evaluating (full and lean) against a
//! hand-written floor, batches, the change report, and scaling with policy
//! size. Run with `cargo bench --bench evaluation`; README "Performance"
//! lists the figures.

// Benches fail by panicking on a broken setup; library-code lints do not apply.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
mod floor;

// The example's batch function: the caller's own threads.
#[path = "../examples/batch.rs"]
#[allow(dead_code)]
mod batch;

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::num::NonZeroUsize;

use qbm::{Answer, Assessment, Catalog, EMBEDDED, ImpactOptions, ImpactReport, Policy};

const SAMPLES: [&str; 5] = [
    "non-member",
    "grassroots-affiliate",
    "associate-partner",
    "near-partner",
    "partner",
];

fn sample(name: &str) -> (String, Assessment) {
    let path = format!(
        "{}/examples/assessments/{name}.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap();
    let a = qbm::Loader::new().assessment_str(&text).unwrap();
    (text, a)
}

/// A small deterministic generator, so that every run measures the same inputs.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// `n` assessments of the given policy: the Partner sample with answers and
/// facts changed at random, so that every level is reached.
fn generated(policy: &Policy, n: usize) -> Vec<Assessment> {
    let (_, base) = sample("partner");
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    (0..n)
        .map(|i| {
            let mut a = Assessment::new(format!("generated {i}"));
            for (id, v) in base.facts() {
                if rng.below(20) == 0 {
                    continue;
                }
                a.set_fact(id.as_str(), v.clone());
            }
            for item in policy.items() {
                let answer = match (rng.below(10), item.threshold()) {
                    (0, _) => continue,
                    (1, _) => Answer::NotMet,
                    (2, _) => Answer::InProgress,
                    (_, Some(t)) => Answer::Number(t.at_least + rng.below(3) as f64 - 1.0),
                    (_, None) => Answer::Met,
                };
                a.set_answer(item.id().as_str(), answer);
            }
            a
        })
        .collect()
}

/// A policy of `n` items over `n / 10` standards, with the rule shapes MMP uses.
fn sized_policy(n: usize) -> Policy {
    qbm::Loader::new()
        .policy_str(&common::sized_policy_text(n, "1.0.0", 12, true))
        .unwrap()
}

fn loading(c: &mut Criterion) {
    let mut g = c.benchmark_group("load");
    g.bench_function("embedded policy from YAML", |b| {
        b.iter(|| {
            qbm::Loader::new()
                .policy_str(black_box(EMBEDDED[1].yaml()))
                .unwrap()
        })
    });
    let (text, _) = sample("partner");
    g.bench_function("assessment from YAML (partner sample)", |b| {
        b.iter(|| qbm::Loader::new().assessment_str(black_box(&text)).unwrap())
    });
    g.finish();
}

fn evaluating(c: &mut Criterion) {
    let policy = Policy::builtin().unwrap();
    let mut g = c.benchmark_group("evaluate");
    for name in SAMPLES {
        let (_, a) = sample(name);
        g.bench_with_input(BenchmarkId::new("full", name), &a, |b, a| {
            b.iter(|| policy.evaluate(black_box(a)).unwrap())
        });
        g.bench_with_input(BenchmarkId::new("lean", name), &a, |b, a| {
            b.iter(|| policy.evaluator().decide(black_box(a)).unwrap())
        });
        g.bench_with_input(BenchmarkId::new("hand-written floor", name), &a, |b, a| {
            b.iter(|| floor::evaluate(black_box(a)))
        });
    }
    g.finish();
}

fn batches(c: &mut Criterion) {
    let policy = Policy::builtin().unwrap();
    let many = generated(&policy, 10_000);
    let mut g = c.benchmark_group("batch of 10000");
    g.throughput(Throughput::Elements(many.len() as u64));
    g.sample_size(10);
    let all = std::thread::available_parallelism().unwrap();
    for (name, threads) in [("1 thread", NonZeroUsize::MIN), ("all threads", all)] {
        g.bench_function(BenchmarkId::new("full", name), |b| {
            b.iter(|| batch::in_threads(black_box(&many), threads, |a| policy.evaluate(a)))
        });
        g.bench_function(BenchmarkId::new("lean", name), |b| {
            let evaluator = policy.evaluator();
            b.iter(|| batch::in_threads(black_box(&many), threads, |a| evaluator.decide(a)))
        });
    }
    g.finish();
}

fn change_report(c: &mut Criterion) {
    let catalog = Catalog::builtin().unwrap();
    let versions: Vec<&Policy> = catalog.policies().collect();
    let many = generated(versions[1], 10_000);
    let mut options = ImpactOptions::default();
    options.generated = 0;
    let mut g = c.benchmark_group("change report");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(20));
    g.bench_function("1.0.0 -> 2.0.0 over 10000 assessments", |b| {
        b.iter(|| ImpactReport::compare(versions[0], versions[1], black_box(&many), &options))
    });
    g.finish();
}

fn scaling(c: &mut Criterion) {
    let mut g = c.benchmark_group("policy size");
    for n in [50, 500, 5000] {
        let policy = sized_policy(n);
        let mut a = Assessment::new("P")
            .with_fact("applied", true)
            .with_fact("months", 24);
        for item in policy.items() {
            a.set_answer(item.id().as_str(), Answer::Met);
        }
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("full", n), &a, |b, a| {
            b.iter(|| policy.evaluate(black_box(a)).unwrap())
        });
        g.bench_with_input(BenchmarkId::new("lean", n), &a, |b, a| {
            b.iter(|| policy.evaluator().decide(black_box(a)).unwrap())
        });
    }
    g.finish();
}

/// The shapes of input whose cost the bounded tests (`tests/it/bounded/eval.rs`)
/// check in memory, at x1, x2, x4, x8: time per evaluation, with its JSON.
fn bounded(c: &mut Criterion) {
    const HEAD: &str = "policy: {name: p, version: 1.0.0, title: T}\nkinds:\n  - {id: k, title: K}\nfacts:\n  - {id: f, title: F, type: boolean}\n";
    let level = "levels:\n  - id: l0\n    rank: 1\n    title: L0\n    requires:\n";
    // Items of one kind, and requirements that each need every one of them.
    let by_items = |scale: usize| {
        let mut s = format!("{HEAD}standards:\n  - id: s\n    title: S\n    items:\n");
        for i in 0..500 * scale {
            s.push_str(&format!(
                "      - {{id: i{i}, kind: k, title: Item {i}, question: Q{i}?}}\n"
            ));
        }
        s.push_str(level);
        s.push_str(&"      - all_met: {kind: k}\n".repeat(100 * scale));
        s
    };
    // Chains of `not`s over a labelled fact, as deep as
    // `Limits::max_requirement_depth` allows (the bounded tests' depth).
    let depth = qbm::Limits::default().max_requirement_depth - 1;
    let nots = move |scale: usize| {
        let chain = format!(
            "      - {}{{label: {}, fact: f, equals: true}}{}\n",
            "{not: ".repeat(depth),
            "x".repeat(2000),
            "}".repeat(depth)
        );
        format!("{HEAD}{level}{}", chain.repeat(4 * scale))
    };
    // Levels each naming the one below through 20 nested `all`s.
    let levels = |scale: usize| {
        let mut s = format!("{HEAD}levels:\n");
        for k in 0..12 * scale {
            s.push_str(&format!(
                "  - id: l{k}\n    rank: {}\n    title: L{k}\n    requires:\n      - ",
                k + 1
            ));
            if k == 0 {
                s.push_str("{fact: f, equals: true}\n");
            } else {
                s.push_str(&format!(
                    "{}{{level: l{}}}, {{fact: f, equals: true}}{}\n",
                    "{all: [".repeat(20),
                    k - 1,
                    "]}".repeat(20)
                ));
            }
        }
        s
    };
    let shapes: [(&str, &dyn Fn(usize) -> String); 3] = [
        ("requirements x items", &by_items),
        ("not chains", &nots),
        ("level chains", &levels),
    ];
    let a = Assessment::new("P");
    for (name, make) in shapes {
        let mut g = c.benchmark_group(format!("bounded {name}"));
        g.sample_size(10);
        for scale in [1, 2, 4, 8] {
            let text = make(scale);
            let policy = qbm::Loader::new().policy_str(&text).unwrap();
            g.throughput(Throughput::Bytes(text.len() as u64));
            g.bench_with_input(BenchmarkId::new("evaluate and JSON", scale), &a, |b, a| {
                b.iter(|| serde_json::to_vec(&policy.evaluate(black_box(a)).unwrap()).unwrap())
            });
            g.bench_with_input(BenchmarkId::new("decide", scale), &a, |b, a| {
                b.iter(|| policy.evaluator().decide(black_box(a)).unwrap())
            });
        }
        g.finish();
    }
}

criterion_group!(
    benches,
    loading,
    evaluating,
    batches,
    change_report,
    scaling,
    bounded
);
criterion_main!(benches);
