//! Where each node of a loaded document is: positions by path, kept with
//! what was loaded so that problems found later (by evaluation, by a suite)
//! still name their line and column. The YAML reader in `load` builds
//! these; nothing here parses.

pub(crate) mod path;

use crate::base::error::{Diagnostic, DiagnosticKind, Position};
use crate::base::hash::Map;
use crate::base::limits::Limits;
use path::{PathHash, key_path, path_of};

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
    pub(crate) origin: String,
    pub(crate) tree: std::sync::Arc<Tree>,
    /// The path, in the document, of the node the map's owner was read from
    /// (a policy test suite's case); empty for a whole document. Paths given
    /// to [`SourceMap::diag`] are relative to it, and below a base the
    /// assessment's header (`assessment.as_of`, `assessment.membership...`)
    /// is the node's own keys (`as_of`, `membership...`): an inline case
    /// writes them on the case itself.
    pub(crate) base: String,
    /// `Limits::max_diagnostics` and `Limits::max_suggestions` of the
    /// document, for the problems found in it after it loaded.
    pub(crate) caps: (usize, usize),
}

/// The nodes of a document, linked to their parents: see [`SourceMap`].
#[derive(Debug, Default)]
pub(crate) struct Tree {
    /// Every key the nodes name, one after the other.
    pub(crate) keys: String,
    /// Every node, in document order.
    pub(crate) nodes: Vec<Node>,
    /// The first node at each path, by the path's hash ([`PathHash`]).
    pub(crate) by_path: Map<u64, u32>,
    /// The keys of the path hashes.
    pub(crate) state: crate::base::hash::State,
}

impl Tree {
    /// The path of node `id`, built from its parents' keys and indexes.
    pub(crate) fn path_of(&self, id: u32) -> String {
        path_of(&self.nodes, &self.keys, id)
    }

    /// The node at exactly `path`, if there is one.
    pub(crate) fn find(&self, path: &str) -> Option<u32> {
        let mut h = PathHash::new(&self.state);
        h.feed(path.as_bytes());
        self.check(h.finish(), path)
    }

    /// The node whose path hashes to `hash`, if its path is `path` (two
    /// paths whose hashes meet are told apart here).
    pub(crate) fn check(&self, hash: u64, path: &str) -> Option<u32> {
        let id = *self.by_path.get(&hash)?;
        (self.path_of(id) == path).then_some(id)
    }

    /// The node at `path` or at its nearest ancestor that has one: the
    /// hashes of every prefix ending before a `.` or `[` are taken in one
    /// pass, then tried from the longest.
    pub(crate) fn nearest(&self, path: &str) -> Option<u32> {
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

    pub(crate) fn position(&self, id: u32) -> Option<Position> {
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
        path: impl FnOnce() -> String,
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
        let path = if self.base.is_empty() {
            path
        } else {
            match path.strip_prefix("assessment") {
                Some("") => self.base.clone(),
                Some(rest) if rest.starts_with('.') => format!("{}{rest}", self.base),
                _ if path.is_empty() => self.base.clone(),
                _ => key_path(&self.base, &path),
            }
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

/// A node as the index read it: its parent, its place in the parent, what
/// it is and where. Keys are not nodes: a key and its value share the
/// value's path, and the key's position.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    /// The parent's index in [`Tree::nodes`]; [`NO_PARENT`] for the root.
    pub(crate) parent: u32,
    pub(crate) seg: Seg,
    pub(crate) kind: NodeKind,
    pub(crate) line: u32,
    pub(crate) column: u32,
}

/// The parent of the root.
pub(crate) const NO_PARENT: u32 = u32::MAX;

impl Node {
    pub(crate) fn position(&self) -> Position {
        Position {
            line: self.line as usize,
            column: self.column as usize,
        }
    }
}

/// A node's place in its parent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Seg {
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
pub(crate) enum NodeKind {
    Scalar,
    Mapping,
    Sequence,
    /// `*name`: the values see what it names; the index counts it once.
    Alias,
}

/// A number that fits the index's 32 bits: the input limits keep every
/// count, line and offset far below them, and one past (the document
/// would be gigabytes) saturates.
pub(crate) fn small(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
