//! The integration tests, one binary with a module per area: one link step
//! for all of them.
//!
//! The binary's global allocator counts heap use for the bounded tests
//! (`support::alloc`). It counts only on the thread that measures, so the
//! other tests, running on other threads at the same time, are not counted.

// Tests fail by panicking; the library-code lints do not apply here. The
// files that were binaries of their own keep the example or bench they test
// under its own name (`floor::floor`, `service::service`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::module_inception
)]

/// The counting allocator and the helpers that measure with it.
mod support {
    pub mod alloc;
    pub mod example;
}

#[global_allocator]
static GLOBAL: support::alloc::Counting = support::alloc::Counting;

#[cfg(feature = "testing")]
mod any_policy;
mod auto_traits;
mod bounded;
mod catalog;
mod edits;
mod examples;
#[cfg(feature = "testing")]
mod floor;
mod fuzz_regressions;
mod impact;
mod invalid;
#[cfg(feature = "testing")]
mod laws;
mod layers;
mod limits;
mod mmp;
mod none_apply;
mod one_run;
mod other_scheme;
mod policy_suites;
mod readme;
mod reports;
mod samples;
#[cfg(feature = "schema")]
mod schema;
mod schemes;
mod service;
mod time;
mod time_rules;
