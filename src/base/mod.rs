//! Small shared pieces every other layer builds on: ids, values, dates,
//! limits, errors and the text they show, hashing, bit sets, suggestions.
//! Nothing here knows policies, YAML or evaluation.

pub(crate) mod bitset;
pub(crate) mod date;
pub(crate) mod error;
pub(crate) mod hash;
pub(crate) mod id;
pub(crate) mod limits;
pub(crate) mod source;
pub(crate) mod suggest;
pub(crate) mod text;
pub(crate) mod value;
