//! Loading: the YAML reader (the only code that knows the YAML libraries)
//! and the formats of policies and assessments. The builder checks
//! the raw layer and makes the validated model from it.

pub(crate) mod assessment;
pub(crate) mod builder;
pub(crate) mod loader;
pub(crate) mod raw;
pub(crate) mod write;
pub(crate) mod yaml;
