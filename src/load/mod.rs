//! Loading: the only place that knows YAML.

pub(crate) mod yaml;
