//! The hash maps and sets used inside the crate, with one choice of hasher.
//!
//! They hash with `std`'s `RandomState`, keyed at random for each map, so
//! that ids a policy or an assessment chooses cannot be made to collide on
//! purpose. Nothing the crate returns depends on the hasher: no result,
//! message or `Debug` output is built by iterating over one of these maps in
//! hash order.

/// The keys of the crate's hashers.
pub(crate) type State = std::collections::hash_map::RandomState;

/// A hash map with the crate's hasher.
#[allow(clippy::disallowed_types)]
pub(crate) type Map<K, V> = std::collections::HashMap<K, V, State>;

/// A hash set with the crate's hasher.
#[allow(clippy::disallowed_types, dead_code)]
pub(crate) type Set<T> = std::collections::HashSet<T, State>;
