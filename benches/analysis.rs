//! The exact change analysis: each edit of the catalogue
//! (`tests/fixtures/edits/`), MMP 1.0.0 -> 2.0.0, and generated policies
//! of 50, 500 and 5,000 items (the same as the evaluation bench's) with one
//! threshold raised; and the SAT
//! solvers compared on the questions of 1.0.0 -> 2.0.0.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use qbm::{EMBEDDED, ImpactOptions, ImpactReport, Policy};

fn options() -> ImpactOptions {
    let mut o = ImpactOptions::default();
    // The analysis alone: no sampled cross-check.
    o.generated = 0;
    o
}

/// The edits of the catalogue, applied to MMP 2.0.0.
fn catalogue() -> Vec<(String, Policy)> {
    let base = EMBEDDED[1].yaml();
    let mut out = Vec::new();
    let Ok(dir) = std::fs::read_dir("tests/fixtures/edits") else {
        return out;
    };
    let mut paths: Vec<_> = dir.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths
        .iter()
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
    {
        let text = std::fs::read_to_string(p).unwrap();
        let doc: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
        let mut policy = base.to_owned();
        for e in doc["edits"].as_sequence().into_iter().flatten() {
            let (from, to) = (e["from"].as_str().unwrap(), e["to"].as_str().unwrap());
            policy = policy.replacen(from, to, 1);
        }
        let policy = policy.replacen("version: 2.0.0", "version: 3.0.0", 1);
        if let Ok(p2) = qbm::Loader::new().policy_str(&policy) {
            out.push((p.file_stem().unwrap().to_string_lossy().into_owned(), p2));
        }
    }
    out
}

fn analysis(c: &mut Criterion) {
    let v1 = EMBEDDED[0].load().unwrap();
    let v2 = EMBEDDED[1].load().unwrap();
    let mut g = c.benchmark_group("analysis");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(3));
    g.bench_function("mmp 1.0.0 -> 2.0.0", |b| {
        b.iter(|| ImpactReport::compare(&v1, &v2, &[], black_box(&options())))
    });
    for (name, edited) in catalogue() {
        g.bench_function(format!("edit {name}"), |b| {
            b.iter(|| ImpactReport::compare(&v2, &edited, &[], black_box(&options())))
        });
    }
    // The size series counts items; a percentage over many items is far
    // dearer to analyse (50 items with one: hundreds of milliseconds; see
    // the README), so it is measured at 50 items alone.
    for (n, percent) in [(50, false), (500, false), (5000, false), (50, true)] {
        let old = qbm::Loader::new()
            .policy_str(&common::sized_policy_text(n, "1.0.0", 12, percent))
            .unwrap();
        let new = qbm::Loader::new()
            .policy_str(&common::sized_policy_text(n, "2.0.0", 18, percent))
            .unwrap();
        let with = if percent { ", half the benchmarks" } else { "" };
        g.bench_function(
            format!("generated {n} items{with}, threshold raised"),
            |b| b.iter(|| ImpactReport::compare(&old, &new, &[], black_box(&options()))),
        );
    }
    g.finish();
}

/// The questions of 1.0.0 -> 2.0.0, each solved from scratch by three
/// pure-Rust solvers (the formula plus the question's assumptions as unit
/// clauses), and by batsat incrementally as the crate does.
fn solvers(c: &mut Criterion) {
    let v1 = EMBEDDED[0].load().unwrap();
    let v2 = EMBEDDED[1].load().unwrap();
    let (dimacs, questions) = qbm::__private::analysis_dimacs(&v1, &v2);
    let clauses: Vec<Vec<i32>> = dimacs
        .lines()
        .filter(|l| !l.starts_with('p'))
        .map(|l| {
            l.split_whitespace()
                .map(|x| x.parse().unwrap())
                .take_while(|x| *x != 0)
                .collect()
        })
        .collect();
    let vars = clauses
        .iter()
        .flatten()
        .map(|l| l.unsigned_abs())
        .max()
        .unwrap_or(1);
    let mut g = c.benchmark_group("solvers");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(5));
    g.bench_function("batsat, incremental", |b| {
        b.iter(|| batsat_incremental(&clauses, vars, &questions))
    });
    g.bench_function("varisat, incremental", |b| {
        b.iter(|| varisat_incremental(&clauses, &questions))
    });
    g.bench_function("splr, from scratch per question", |b| {
        b.iter(|| splr_from_scratch(&clauses, &questions))
    });
    g.finish();
}

/// How many questions are satisfiable, by batsat with assumptions.
fn batsat_incremental(clauses: &[Vec<i32>], vars: u32, questions: &[Vec<i32>]) -> usize {
    use batsat::SolverInterface;
    let mut s = batsat::BasicSolver::default();
    let lit = |l: i32| batsat::Lit::new(batsat::Var::unsafe_from_idx(l.unsigned_abs() - 1), l > 0);
    for _ in 0..vars {
        s.new_var_default();
    }
    for c in clauses {
        let mut c: Vec<batsat::Lit> = c.iter().map(|l| lit(*l)).collect();
        s.add_clause_reuse(&mut c);
    }
    let mut sat = 0;
    for q in questions {
        let a: Vec<batsat::Lit> = q.iter().map(|l| lit(*l)).collect();
        sat += usize::from(s.solve_limited(&a) == batsat::lbool::TRUE);
    }
    sat
}

/// How many questions are satisfiable, by varisat with assumptions.
fn varisat_incremental(clauses: &[Vec<i32>], questions: &[Vec<i32>]) -> usize {
    use varisat::ExtendFormula;
    let lits = |c: &[i32]| -> Vec<varisat::Lit> {
        c.iter()
            .map(|l| varisat::Lit::from_dimacs(*l as isize))
            .collect()
    };
    let mut s = varisat::Solver::new();
    let mut f = varisat::CnfFormula::new();
    for c in clauses {
        f.add_clause(&lits(c));
    }
    s.add_formula(&f);
    let mut sat = 0;
    for q in questions {
        s.assume(&lits(q));
        sat += usize::from(s.solve().unwrap());
    }
    sat
}

/// How many questions are satisfiable, by splr from scratch each.
fn splr_from_scratch(clauses: &[Vec<i32>], questions: &[Vec<i32>]) -> usize {
    let mut sat = 0;
    for q in questions {
        let mut all: Vec<Vec<i32>> = clauses.to_vec();
        all.extend(q.iter().map(|l| vec![*l]));
        if let Ok(mut s) = splr::Solver::try_from((splr::Config::default(), all.as_slice())) {
            use splr::SolveIF;
            sat += usize::from(matches!(s.solve(), Ok(splr::Certificate::SAT(_))));
        }
    }
    sat
}

criterion_group!(benches, analysis, solvers);
criterion_main!(benches);
