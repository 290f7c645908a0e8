//! What evaluation reports, each type with its `Display`: the evaluation,
//! the decision, the improvement plan, the membership over time. Evaluation
//! fills these; they never call back into it.

pub(crate) mod evaluation;
pub(crate) mod membership;
pub(crate) mod render;
