//! Loading: the only stage that reads YAML.

pub(crate) mod loader;
