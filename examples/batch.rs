//! Evaluates many assessments on several threads with the standard library
//! alone: the assessments split into one chunk per thread, each chunk
//! evaluated in a scoped thread, the results put back in input order.
//!
//! ```text
//! cargo run --release --example batch            # 10000 generated programs
//! cargo run --release --example batch -- 100000
//! ```
//!
//! An [`Evaluator`] is `Copy`, `Send` and `Sync`, so every thread shares the
//! one policy; the lean [`Evaluator::decide`] suits a batch that needs only
//! levels and benefits. With rayon, `assessments.par_iter().map(|a|
//! evaluator.decide(a)).collect()` does the same.

mod common;

use std::num::NonZeroUsize;
use std::thread;

use qbm::{Answer, Assessment, Evaluator, Policy};

/// Applies `f` to every assessment on up to `threads` threads, and returns
/// the results in the order of the input.
pub fn in_threads<T: Send>(
    assessments: &[Assessment],
    threads: NonZeroUsize,
    f: impl Fn(&Assessment) -> T + Sync,
) -> Vec<T> {
    let chunk = assessments.len().div_ceil(threads.get()).max(1);
    let f = &f;
    thread::scope(|scope| {
        let workers: Vec<_> = assessments
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<T>>()))
            .collect();
        let mut out = Vec::with_capacity(assessments.len());
        for worker in workers {
            // Evaluation does not panic; should a worker, pass its panic on.
            match worker.join() {
                Ok(part) => out.extend(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        out
    })
}

/// Exit codes as the other examples give them: 0 done, 2 an error
/// (reported on standard error as `error: ...`).
fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => common::fail(e),
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let n: u32 = match std::env::args().nth(1) {
        Some(n) => n.parse()?,
        None => 10_000,
    };
    let policy = Policy::builtin()?;
    // Programs of every age, answering none, half, most or all of the items met.
    let assessments: Vec<Assessment> = (0..n)
        .map(|i| {
            let mut a = Assessment::new(format!("program {i}"))
                .with_fact("application_submitted", true)
                .with_fact("direct_youth_mentoring", true)
                .with_fact("formal_program", true)
                .with_fact("months_operating", i % 36)
                .with_fact("matches_completed_minimum_cycle", true)
                .with_fact("self_assessment", "completed")
                .with_fact("minimum_match_months", 12)
                .with_fact("minimum_meetings_per_month", 4)
                .with_fact("review_held", true)
                .with_fact("work_plan_completed", true)
                .with_fact("support_completed", true);
            let share = match i % 4 {
                0 => 0,
                1 => 50,
                2 => 90,
                _ => 100,
            };
            for (k, item) in (0..).zip(policy.items()) {
                if (k * 37 + i) % 100 >= share {
                    continue;
                }
                let answer = match item.threshold() {
                    Some(t) => Answer::Number(t.at_least),
                    None => Answer::Met,
                };
                a.set_answer(item.id().as_str(), answer);
            }
            a
        })
        .collect();

    let threads = thread::available_parallelism().unwrap_or(NonZeroUsize::MIN);
    let evaluator: Evaluator<'_> = policy.evaluator();
    let decisions = in_threads(&assessments, threads, |a| evaluator.decide(a));

    let mut by_level = std::collections::BTreeMap::<String, usize>::new();
    for decision in decisions {
        let level = decision?
            .level
            .map_or("none".to_owned(), |l| l.title().to_owned());
        *by_level.entry(level).or_default() += 1;
    }
    let mut text = format!("{n} programs on {threads} threads:\n");
    for (level, count) in by_level {
        text.push_str(&format!("  {level}: {count}\n"));
    }
    Ok(common::emit(text)?)
}
