//! Tools over the rest: catalogs of versions, the change report and its
//! exact analysis, policy test suites, law checks and JSON Schemas.

pub(crate) mod catalog;
pub(crate) mod exact;
pub(crate) mod impact;
#[cfg(feature = "schema")]
pub mod schema;
pub(crate) mod space;
pub(crate) mod suite;
#[cfg(feature = "testing")]
pub mod testing;
