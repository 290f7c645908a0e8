//! The one module that knows the YAML libraries.
//!
//! `serde_yaml` turns text into the raw serde structs; `yaml-rust2`'s event
//! parser builds a [`SourceMap`] from YAML paths to positions, because
//! `serde_yaml` keeps no positions once a value is deserialized, and every
//! validation error must name its line and column. The same pass finds
//! duplicate keys, which `serde_yaml` silently overwrites in maps. A document
//! that loaded is walked once more by `serde_yaml` against the index, node by
//! node, so that all of this holds for the document the values came from.
//! Neither library's types leave this module.

//!
//! - [`mod@index`]: the event walk that builds the [`SourceMap`] and enforces
//!   the size limits;
//! - [`rewalk`]: the second walk, checking that `serde_yaml` read the
//!   document the index walked;
//! - [`serde_msg`]: `serde_yaml`'s messages as diagnostics.

mod index;
mod rewalk;
mod serde_msg;
#[cfg(test)]
mod tests;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::base::error::{DiagnosticKind, Diagnostics};
use crate::base::limits::Limits;

pub(crate) use crate::base::source::path::{self, index_path, key_path};
pub(crate) use crate::base::source::{NO_PARENT, Node, NodeKind, Seg, SourceMap, Tree, small};
use index::index;
pub(crate) use index::too_long;
use rewalk::agree;
use serde_msg::serde_diagnostic;

/// Parses one YAML document into `T`, with the positions of its nodes.
///
/// Reports every duplicate key found, or else the first error `serde_yaml`
/// meets (serde stops at the first), or else where the two YAML readers part
/// (see [`agree`]); the caller validates the rest.
pub(crate) fn parse<T: DeserializeOwned>(
    text: &str,
    origin: &str,
    limits: &Limits,
) -> Result<(T, SourceMap), Diagnostics> {
    let detached = SourceMap::detached(origin);
    if let Some(d) = crate::base::limits::over_size(text.len() as u64, "document", origin, limits) {
        return Err(Diagnostics(vec![d]));
    }
    // A byte-order mark is accepted and dropped.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let map = index(text, origin, limits)?;
    if map.tree.nodes.is_empty() {
        return Err(Diagnostics(vec![detached.diag(
            DiagnosticKind::Syntax,
            "",
            "the document is empty",
            Some("a document is a YAML mapping; see the README for the format".into()),
        )]));
    }
    let value = serde_yaml::from_str::<T>(text)
        .map_err(|err| Diagnostics(vec![serde_diagnostic(&err, &map, text)]))?;
    agree(text, &map.tree.nodes, &map, limits)?;
    Ok((value, map))
}

/// Writes a serializable value as YAML.
pub(crate) fn to_string<T: Serialize>(value: &T) -> Result<String, String> {
    serde_yaml::to_string(value).map_err(|e| e.to_string())
}
