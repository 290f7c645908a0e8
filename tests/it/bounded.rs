//! Bounded by construction: for every input shape that drives cost, peak
//! heap and allocation count grow linearly with the input (counted by an
//! allocator, not timed), loading and evaluation run on a 1 MiB stack, and
//! inputs past a limit end in a clean error. Time growth is in the benches.

use crate::support::alloc;

/// Loading: the YAML index, sets, requirements, diagnostics, suggestions.
mod load;

/// Evaluation: explanations, plans, reports.
mod eval;

/// Half a tokio worker's stack: everything the crate does must fit.
pub const STACK: usize = 1024 * 1024;

#[test]
fn loading_the_embedded_policy_is_linear_in_its_size() {
    let text = qbm::EMBEDDED[1].yaml();
    let (policy, usage) = alloc::measure(|| qbm::Loader::new().policy_str(text));
    assert!(policy.is_ok());
    assert!(
        usage.peak_bytes < 64 * text.len(),
        "{usage:?} for {} bytes",
        text.len()
    );
    let on_small_stack = alloc::on_stack(STACK, move || {
        qbm::Loader::new()
            .policy_str(text)
            .map(|p| p.levels().len())
    });
    assert_eq!(on_small_stack.ok(), Some(3));
}
