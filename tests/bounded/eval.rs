//! Evaluating inputs at and past the limits: see `tests/bounded.rs`.
