//! JSON Schema of the YAML formats (feature `schema`), generated from the
//! serde types that read them, with a description on every field. Editors
//! that speak the YAML language server protocol validate and complete a file
//! that starts with `# yaml-language-server: $schema=...`; the schemas are
//! committed under `standards/schema/`.
//!
//! ```
//! let schema = qbm::schema::policy();
//! assert!(schema.contains("\"title\": \"qbm policy\""));
//! ```

use crate::load::raw::{RawAssessment, RawPolicy};
use crate::tools::suite::RawSuite;

fn render<T: schemars::JsonSchema>(title: &str) -> String {
    let mut schema = schemars::schema_for!(T);
    schema.insert("title".into(), title.into());
    // Pretty JSON of a plain schema value cannot fail; should it, say so in the text.
    serde_json::to_string_pretty(&schema)
        .map_or_else(|e| format!("{{\"error\": \"{e}\"}}"), |s| s + "\n")
}

/// The JSON Schema of a policy file.
pub fn policy() -> String {
    render::<RawPolicy>("qbm policy")
}

/// The JSON Schema of an assessment file.
pub fn assessment() -> String {
    render::<RawAssessment>("qbm assessment")
}

/// The JSON Schema of a policy test suite.
pub fn suite() -> String {
    render::<RawSuite>("qbm policy test suite")
}
