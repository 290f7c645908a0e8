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
//! - [`path`]: YAML paths (`a.b[0]`), their hashes, and paths cut short;
//! - [`mod@index`]: the event walk that builds the [`SourceMap`] and enforces
//!   the size limits;
//! - [`rewalk`]: the second walk, checking that `serde_yaml` read the
//!   document the index walked;
//! - [`serde_msg`]: `serde_yaml`'s messages as diagnostics.

mod index;
mod path;
mod rewalk;
mod serde_msg;
#[cfg(test)]
mod tests;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::base::error::{Diagnostic, DiagnosticKind, Diagnostics, Position};
use crate::base::hash::Map;
use crate::base::limits::Limits;

use index::index;
pub(crate) use index::too_long;
use path::{PathHash, path_of};
pub(crate) use path::{index_path, key_path};
use rewalk::agree;
use serde_msg::serde_diagnostic;

/// Positions of every node of a document, by YAML path.
///
/// The index keeps no path: each node holds its parent, its key (a range of
/// one text of keys, each key stored once) or its index, and its position,
/// and a table maps a hash of each node's whole path to the node. A path is
/// built only when a message needs one, so the index costs a few dozen
/// bytes per node however deep and long the keys above it are (a path can
/// be 64 keys of 16 KB each; storing one per node made 144 KB of YAML cost
/// gigabytes).
#[derive(Clone, Debug, Default)]
pub(crate) struct SourceMap {
    origin: String,
    tree: std::sync::Arc<Tree>,
    /// The path, in the document, of the node the map's owner was read from
    /// (a policy test suite's case); empty for a whole document. Paths given
    /// to [`SourceMap::diag`] are relative to it.
    base: String,
    /// `Limits::max_diagnostics` and `Limits::max_suggestions` of the
    /// document, for the problems found in it after it loaded.
    caps: (usize, usize),
}

/// The nodes of a document, linked to their parents: see [`SourceMap`].
#[derive(Debug, Default)]
struct Tree {
    /// Every key the nodes name, one after the other.
    keys: String,
    /// Every node, in document order.
    nodes: Vec<Node>,
    /// The first node at each path, by the path's hash ([`PathHash`]).
    by_path: Map<u64, u32>,
    /// The keys of the path hashes.
    state: crate::base::hash::State,
}

impl Tree {
    /// The path of node `id`, built from its parents' keys and indexes.
    fn path_of(&self, id: u32) -> String {
        path_of(&self.nodes, &self.keys, id)
    }

    /// The node at exactly `path`, if there is one.
    fn find(&self, path: &str) -> Option<u32> {
        let mut h = PathHash::new(&self.state);
        h.feed(path.as_bytes());
        self.check(h.finish(), path)
    }

    /// The node whose path hashes to `hash`, if its path is `path` (two
    /// paths whose hashes meet are told apart here).
    fn check(&self, hash: u64, path: &str) -> Option<u32> {
        let id = *self.by_path.get(&hash)?;
        (self.path_of(id) == path).then_some(id)
    }

    /// The node at `path` or at its nearest ancestor that has one: the
    /// hashes of every prefix ending before a `.` or `[` are taken in one
    /// pass, then tried from the longest.
    fn nearest(&self, path: &str) -> Option<u32> {
        let mut h = PathHash::new(&self.state);
        let mut prefixes = Vec::new();
        let mut fed = 0;
        for (i, b) in path.bytes().enumerate() {
            if b == b'.' || b == b'[' {
                h.feed(path.as_bytes().get(fed..i).unwrap_or_default());
                fed = i;
                prefixes.push((i, h.finish()));
            }
        }
        h.feed(path.as_bytes().get(fed..).unwrap_or_default());
        prefixes.push((path.len(), h.finish()));
        prefixes
            .iter()
            .rev()
            .find_map(|&(end, hash)| self.check(hash, path.get(..end)?))
    }

    fn position(&self, id: u32) -> Option<Position> {
        self.nodes.get(id as usize).map(Node::position)
    }
}

impl SourceMap {
    /// A map with no positions, for values built in code.
    pub(crate) fn detached(origin: &str) -> Self {
        let limits = Limits::default();
        Self {
            origin: origin.to_owned(),
            tree: std::sync::Arc::default(),
            base: String::new(),
            caps: (limits.max_diagnostics, limits.max_suggestions),
        }
    }

    /// A collector of the problems found in the document, within its
    /// limits on diagnostics and suggestions.
    pub(crate) fn found(&self, by_position: bool) -> crate::base::error::Found {
        crate::base::error::Found::new(self.caps.0, self.caps.1, by_position)
    }

    /// The map of the node at `base` alone, for a value read from part of a
    /// document: its diagnostics name their full paths and positions in the
    /// document. The nodes are shared, not copied.
    pub(crate) fn under(&self, base: &str) -> Self {
        Self {
            origin: self.origin.clone(),
            tree: std::sync::Arc::clone(&self.tree),
            base: base.to_owned(),
            caps: self.caps,
        }
    }

    /// The position of the node at `path`, or of its nearest ancestor that has one.
    pub(crate) fn position(&self, path: &str) -> Option<Position> {
        self.tree
            .nearest(path)
            .and_then(|id| self.tree.position(id))
    }

    /// A diagnostic if `text`, the `what` at `path` (built only then), is
    /// blank: empty, or whitespace alone.
    pub(crate) fn blank(
        &self,
        text: &str,
        path: &dyn Fn() -> String,
        what: &str,
        hint: Option<&str>,
    ) -> Option<Diagnostic> {
        text.trim().is_empty().then(|| {
            self.diag(
                DiagnosticKind::InvalidValue,
                path(),
                format!("the {what} is empty"),
                hint.map(str::to_owned),
            )
        })
    }

    /// A diagnostic for the node at `path` (below the map's base).
    pub(crate) fn diag(
        &self,
        kind: DiagnosticKind,
        path: impl Into<String>,
        message: impl Into<String>,
        hint: Option<String>,
    ) -> Diagnostic {
        let path = path.into();
        let path = if path.is_empty() {
            self.base.clone()
        } else {
            key_path(&self.base, &path)
        };
        Diagnostic {
            kind,
            origin: self.origin.clone(),
            position: self.position(&path),
            path,
            message: message.into(),
            hint,
        }
    }
}

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

/// A node as the index read it: its parent, its place in the parent, what
/// it is and where. Keys are not nodes: a key and its value share the
/// value's path, and the key's position.
#[derive(Clone, Debug)]
struct Node {
    /// The parent's index in [`Tree::nodes`]; [`NO_PARENT`] for the root.
    parent: u32,
    seg: Seg,
    kind: NodeKind,
    line: u32,
    column: u32,
}

/// The parent of the root.
const NO_PARENT: u32 = u32::MAX;

impl Node {
    fn position(&self) -> Position {
        Position {
            line: self.line as usize,
            column: self.column as usize,
        }
    }
}

/// A node's place in its parent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Seg {
    /// The root has no parent.
    Root,
    /// A key, as a range of [`Tree::keys`].
    Key { start: u32, len: u32 },
    /// A mapping or list used as a key, shown as `?`.
    Complex,
    /// An index in a list.
    Index(u32),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NodeKind {
    Scalar,
    Mapping,
    Sequence,
    /// `*name`: the values see what it names; the index counts it once.
    Alias,
}

/// A number that fits the index's 32 bits: the input limits keep every
/// count, line and offset far below them, and one past (the document
/// would be gigabytes) saturates.
fn small(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
