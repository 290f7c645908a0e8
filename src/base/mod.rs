//! Small shared pieces the other layers build on.

pub(crate) mod text;
