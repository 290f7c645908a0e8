//! The validated model: a policy, its requirements and their three-valued
//! rules, and an assessment. No YAML and no I/O: `load` makes these from
//! text, `eval` reads them.

pub(crate) mod assessment;
pub(crate) mod logic;
pub(crate) mod policy;
pub(crate) mod requirement;
