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

use std::borrow::Cow;

use crate::hash::Map;

use serde::Serialize;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, EnumAccess, IgnoredAny, MapAccess,
    SeqAccess, VariantAccess, Visitor,
};
use yaml_rust2::parser::{Event, Parser};

use crate::error::{Diagnostic, DiagnosticKind, Diagnostics, Position, Shown, quote};
use crate::limits::Limits;
use crate::suggest;

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
    state: crate::hash::State,
}

/// The hash of a path, the same however its bytes are fed (whole, or as
/// its parent's path and then its own key): the bytes go to the hasher in
/// words of eight, whatever the pieces, and the rest when it finishes.
#[derive(Clone)]
struct PathHash {
    hasher: std::collections::hash_map::DefaultHasher,
    /// Bytes fed and not yet given to the hasher: fewer than eight.
    tail: [u8; 8],
    tail_len: usize,
    /// Whether the path is empty so far (the root's, or under empty keys).
    empty: bool,
}

impl PathHash {
    fn new(state: &crate::hash::State) -> Self {
        use std::hash::BuildHasher;
        Self {
            hasher: state.build_hasher(),
            tail: [0; 8],
            tail_len: 0,
            empty: true,
        }
    }

    fn feed(&mut self, bytes: &[u8]) {
        use std::hash::Hasher;
        self.empty &= bytes.is_empty();
        let mut rest = bytes;
        // Fill the tail to a word first.
        while self.tail_len > 0 {
            let Some((&b, after)) = rest.split_first() else {
                return;
            };
            if let Some(slot) = self.tail.get_mut(self.tail_len) {
                *slot = b;
            }
            self.tail_len += 1;
            rest = after;
            if self.tail_len == 8 {
                self.hasher.write_u64(u64::from_le_bytes(self.tail));
                self.tail_len = 0;
            }
        }
        let words = rest.chunks_exact(8);
        let left = words.remainder();
        for word in words {
            let word: [u8; 8] = word.try_into().unwrap_or_default();
            self.hasher.write_u64(u64::from_le_bytes(word));
        }
        for (slot, &b) in self.tail.iter_mut().zip(left) {
            *slot = b;
        }
        self.tail_len = left.len();
    }

    /// The hash of this path with `key` joined on, as [`key_path`] joins it.
    fn key(&self, key: &str) -> Self {
        let mut h = self.clone();
        if !h.empty {
            h.feed(b".");
        }
        h.feed(key.as_bytes());
        h
    }

    /// The hash of this path with `index` joined on, as [`index_path`] does.
    fn index(&self, index: usize) -> Self {
        let mut h = self.clone();
        h.feed(format!("[{index}]").as_bytes());
        h
    }

    fn finish(&self) -> u64 {
        use std::hash::Hasher;
        let mut h = self.hasher.clone();
        h.write(self.tail.get(..self.tail_len).unwrap_or_default());
        h.finish()
    }
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

/// The path of node `id` of `nodes`, whose keys are ranges of `keys`.
fn path_of(nodes: &[Node], keys: &str, id: u32) -> String {
    let mut chain = Vec::new();
    let mut at = nodes.get(id as usize);
    while let Some(node) = at {
        chain.push(node);
        at = nodes.get(node.parent as usize);
    }
    let mut path = String::new();
    for node in chain.iter().rev() {
        match node.seg {
            Seg::Root => {}
            Seg::Key { start, len } => push_key(&mut path, key_text(keys, start, len)),
            Seg::Complex => push_key(&mut path, "?"),
            Seg::Index(i) => push_index(&mut path, i as usize),
        }
    }
    path
}

/// The key at `start` of `len` bytes in `keys`.
fn key_text(keys: &str, start: u32, len: u32) -> &str {
    keys.get(start as usize..start as usize + len as usize)
        .unwrap_or_default()
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
    pub(crate) fn found(&self, by_position: bool) -> crate::error::Found {
        crate::error::Found::new(self.caps.0, self.caps.1, by_position)
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
    ///
    /// One copy serves every text, as `Builder::one_line` does, and for the
    /// same reason: whitespace past ASCII takes branches of its own in
    /// `trim`, which a copy per caller would repeat for each field.
    #[inline(never)]
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

/// Joins a map key onto a path.
pub(crate) fn key_path(parent: &str, key: &str) -> String {
    let mut path = parent.to_owned();
    push_key(&mut path, key);
    path
}

/// Joins a sequence index onto a path.
pub(crate) fn index_path(parent: &str, index: usize) -> String {
    let mut path = parent.to_owned();
    push_index(&mut path, index);
    path
}

/// Joins a map key onto a path, in place.
fn push_key(path: &mut String, key: &str) {
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(key);
}

/// Joins a sequence index onto a path, in place.
fn push_index(path: &mut String, index: usize) {
    use std::fmt::Write;
    // Writing to a `String` cannot fail.
    let _ = write!(path, "[{index}]");
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
    if let Some(d) = crate::limits::over_size(text.len() as u64, "document", origin, limits) {
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

/// Checks that the values were read from the document the index walked.
///
/// The values come from `serde_yaml` (libyaml, YAML 1.1), positions, duplicate
/// keys and limits from `yaml-rust2` (YAML 1.2), and the two read a few rare
/// constructs differently: libyaml skips a byte-order mark at the start of
/// any line, and takes anchor names of letters, digits, `-` and `_` only,
/// where YAML 1.2 takes any character but a space or a flow indicator. Read
/// both ways, a document can hold keys that one reader sees twice (the later
/// value silently wins) and the other sees apart. So the values' reader walks
/// the document once more, node by node, and every node must be the one the
/// index saw at that place, with the same path and kind; the first that is
/// not is refused. One more parse, on documents that loaded.
///
/// The walk also holds each text the values hold to
/// `Limits::max_string_bytes`, exactly: the index, reading the YAML 1.1 line
/// breaks as `\n` (see [`yaml11_breaks`]), counts one byte for each where a
/// value holds two or three.
fn agree(text: &str, nodes: &[Node], map: &SourceMap, limits: &Limits) -> Result<(), Diagnostics> {
    let mut walk = Walk {
        nodes,
        keys: &map.tree.keys,
        next: 0,
        path: String::new(),
        parents: Vec::new(),
        seg: WalkSeg::Root,
        max_string_bytes: limits.max_string_bytes,
        stop: None,
    };
    let walked = NodeSeed(&mut walk).deserialize(serde_yaml::Deserializer::from_str(text));
    let parted = match (walked, walk.stop) {
        (_, Some(Stop::TooLong { path, len })) => {
            let position = map.position(&path);
            return Err(too_long(&map.origin, path, position, len, limits));
        }
        (_, Some(Stop::Parted(parted))) => parted,
        (Err(err), None) => return Err(Diagnostics(vec![serde_diagnostic(&err, map, text)])),
        (Ok(()), None) => match nodes.get(walk.next) {
            // The index saw more nodes than the values hold.
            Some(extra) => {
                let path = path_of(nodes, &map.tree.keys, small(walk.next));
                Parted {
                    path: path.clone(),
                    values: Reading::End,
                    index: Reading::Path(path),
                    index_at: Some(extra.position()),
                }
            }
            None => return Ok(()),
        },
    };
    // Where the index's reading goes its own way, or else where the values' does.
    let position = parted.index_at;
    Err(Diagnostics(vec![Diagnostic {
        kind: DiagnosticKind::Syntax,
        origin: map.origin.clone(),
        position: position.or_else(|| map.position(&parted.path)),
        message: format!(
            "this YAML reads two ways here: as {} or as {}",
            parted.values, parted.index
        ),
        path: parted.path,
        hint: Some(
            "write it plainly: a byte-order mark only at the very start of the file, \
             anchor names (`&name`) of letters, digits, `-` and `_`, and no `?` keys"
                .into(),
        ),
    }]))
}

/// The values' reader walking the index's nodes: see [`agree`].
struct Walk<'n> {
    nodes: &'n [Node],
    /// The text of the nodes' keys.
    keys: &'n str,
    /// The index of the node the walk expects next.
    next: usize,
    /// The path of the node the walk is at, built in place, for messages.
    path: String,
    /// The index's nodes of the mappings and lists the walk is in.
    parents: Vec<u32>,
    /// The place of the node the walk is at in the innermost of them.
    seg: WalkSeg,
    /// `Limits::max_string_bytes`.
    max_string_bytes: usize,
    /// Why the walk stopped, once it has.
    stop: Option<Stop>,
}

/// Why the walk stopped before the end of the document.
enum Stop {
    /// The two readings part.
    Parted(Parted),
    /// A text at this path is `len` bytes, over `Limits::max_string_bytes`.
    TooLong { path: String, len: usize },
}

/// Where the two readings part: the path the values' reader is at, and what
/// each reading has there.
struct Parted {
    path: String,
    values: Reading,
    index: Reading,
    /// Where the index's reading has its node, if it has one.
    index_at: Option<Position>,
}

/// The place of the node the walk is at in its parent, as [`Seg`] is.
#[derive(Clone, Copy)]
enum WalkSeg {
    Root,
    /// A key: the last `len` bytes of the walk's path.
    Key {
        len: usize,
    },
    Index(usize),
}

/// What one reading has where the two part.
enum Reading {
    /// A node at this path.
    Path(String),
    /// A node of this kind.
    Kind(NodeKind),
    /// No more nodes.
    End,
}

impl std::fmt::Display for Reading {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reading::Path(path) if path.is_empty() => f.write_str("the whole document"),
            // Escaped, so that a byte-order mark or a line break shows.
            Reading::Path(path) => f.write_str(&quote(path)),
            Reading::Kind(kind) => f.write_str(match kind {
                NodeKind::Scalar => "a single value",
                NodeKind::Mapping => "a mapping",
                NodeKind::Sequence => "a list",
                NodeKind::Alias => "an alias",
            }),
            Reading::End => f.write_str("the end of the document"),
        }
    }
}

impl<'n> Walk<'n> {
    /// Takes the next node if it is at the walk's path, or notes where the
    /// readings part.
    ///
    /// The node must have the same parent and the same key or index: the
    /// same path, compared one key at a time.
    fn take(&mut self) -> Option<(u32, NodeKind)> {
        let id = small(self.next);
        match self.nodes.get(self.next) {
            Some(node) if self.is_here(node) => {
                self.next += 1;
                Some((id, node.kind))
            }
            other => {
                let index = other.map_or(Reading::End, |_| {
                    Reading::Path(path_of(self.nodes, self.keys, id))
                });
                let at = other.map(Node::position);
                self.part(Reading::Path(self.path.clone()), index);
                if let Some(Stop::Parted(parted)) = &mut self.stop {
                    parted.index_at = parted.index_at.or(at);
                }
                None
            }
        }
    }

    /// Whether the index's `node` is at the walk's place.
    fn is_here(&self, node: &Node) -> bool {
        let parent = self.parents.last().copied().unwrap_or(NO_PARENT);
        node.parent == parent
            && match (self.seg, node.seg) {
                (WalkSeg::Root, Seg::Root) => true,
                (WalkSeg::Index(i), Seg::Index(j)) => small(i) == j,
                (WalkSeg::Key { len }, Seg::Key { start, len: n }) => {
                    let key = self.path.get(self.path.len().saturating_sub(len)..);
                    key == Some(key_text(self.keys, start, n))
                }
                _ => false,
            }
    }

    /// Stops the walk if a text, at the walk's path, is over the limit.
    fn within<E: de::Error>(&mut self, text: &str) -> Result<(), E> {
        if self.stops_at_length(text) {
            return Err(stopped());
        }
        Ok(())
    }

    /// Notes the stop if a text is over the limit, and says whether it is.
    ///
    /// Not generic and never inlined, so that the fuzzers find the stop once
    /// rather than once in each visitor method that reads a text.
    #[inline(never)]
    fn stops_at_length(&mut self, text: &str) -> bool {
        let over = text.len() > self.max_string_bytes;
        if over {
            self.stop = Some(Stop::TooLong {
                path: self.path.clone(),
                len: text.len(),
            });
        }
        over
    }

    /// Notes where the readings part, if they have not parted before.
    fn part(&mut self, values: Reading, index: Reading) {
        if self.stop.is_none() {
            self.stop = Some(Stop::Parted(Parted {
                path: self.path.clone(),
                values,
                index,
                index_at: None,
            }));
        }
    }
}

/// The error that stops the walk ([`Walk::stop`] says why).
fn stopped<E: de::Error>() -> E {
    E::custom("the walk stopped")
}

/// Reads the node at the walk's path, checking it against the index.
struct NodeSeed<'w, 'n>(&'w mut Walk<'n>);

impl<'de> DeserializeSeed<'de> for NodeSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        let Some((id, kind)) = self.0.take() else {
            return Err(stopped());
        };
        if kind == NodeKind::Alias {
            // What an alias names was walked where it was defined.
            return d.deserialize_ignored_any(IgnoredAny).map(drop);
        }
        d.deserialize_any(NodeVisitor {
            walk: self.0,
            id,
            kind,
        })
    }
}

/// Checks a node's kind and walks its children.
struct NodeVisitor<'w, 'n> {
    walk: &'w mut Walk<'n>,
    /// The index's node here.
    id: u32,
    /// What the index saw here.
    kind: NodeKind,
}

impl<'w, 'n> NodeVisitor<'w, 'n> {
    /// The walk, if the index saw a node of this kind here.
    fn is<E: de::Error>(self, kind: NodeKind) -> Result<&'w mut Walk<'n>, E> {
        if self.kind == kind {
            Ok(self.walk)
        } else {
            self.walk
                .part(Reading::Kind(kind), Reading::Kind(self.kind));
            Err(stopped())
        }
    }
}

impl<'de> Visitor<'de> for NodeVisitor<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML node")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.is(NodeKind::Scalar).map(drop)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.is(NodeKind::Scalar).map(drop)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.is(NodeKind::Scalar).map(drop)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.is(NodeKind::Scalar).map(drop)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<(), E> {
        self.is(NodeKind::Scalar)?.within(text)
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.is(NodeKind::Scalar).map(drop)
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.is(NodeKind::Scalar).map(drop)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let id = self.id;
        let walk = self.is(NodeKind::Sequence)?;
        let parent = walk.path.len();
        walk.parents.push(id);
        for i in 0.. {
            walk.path.truncate(parent);
            push_index(&mut walk.path, i);
            walk.seg = WalkSeg::Index(i);
            if seq.next_element_seed(NodeSeed(walk))?.is_none() {
                break;
            }
        }
        walk.parents.pop();
        walk.path.truncate(parent);
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<(), A::Error> {
        let id = self.id;
        let walk = self.is(NodeKind::Mapping)?;
        let parent = walk.path.len();
        walk.parents.push(id);
        while entries.next_key_seed(KeySeed(walk))?.is_some() {
            entries.next_value_seed(NodeSeed(walk))?;
            walk.path.truncate(parent);
        }
        walk.parents.pop();
        walk.path.truncate(parent);
        Ok(())
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        // A tagged node (`!name value`): the tag is no node of its own.
        let (IgnoredAny, content) = data.variant::<IgnoredAny>()?;
        content.newtype_variant_seed(Body(self))
    }
}

/// The content of a tagged node, at the tagged node's place.
struct Body<'w, 'n>(NodeVisitor<'w, 'n>);

impl<'de> DeserializeSeed<'de> for Body<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self.0)
    }
}

/// Reads a key as text, onto the walk's path.
struct KeySeed<'w, 'n>(&'w mut Walk<'n>);

impl<'de> DeserializeSeed<'de> for KeySeed<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<(), E> {
        push_key(&mut self.0.path, key);
        self.0.seg = WalkSeg::Key { len: key.len() };
        self.0.within(key)
    }
}

/// Writes a serializable value as YAML.
pub(crate) fn to_string<T: Serialize>(value: &T) -> Result<String, String> {
    serde_yaml::to_string(value).map_err(|e| e.to_string())
}

/// Turns a `serde_yaml` error into a diagnostic with path, position and hint.
///
/// libyaml's reader reports a problem with the characters themselves (a
/// control character) at a byte offset, `at position N`, with no line: the
/// line, column and path of the node there are found from the offset.
fn serde_diagnostic(err: &serde_yaml::Error, map: &SourceMap, document: &str) -> Diagnostic {
    let shown = err.to_string();
    if let Some(d) = at_offset(&shown, map, document) {
        return d;
    }
    let position = err.location().map(|l| Position {
        line: l.line(),
        column: l.column(),
    });
    let mut text = shown;
    if let Some(p) = position {
        let suffix = format!(" at line {} column {}", p.line, p.column);
        if let Some(stripped) = text.strip_suffix(&suffix) {
            text = stripped.to_owned();
        }
    }
    // serde_yaml prefixes the path of the node it was in, as `a.b[2].c: `.
    let (path, message) = match text.split_once(": ") {
        Some((prefix, rest)) if map.tree.find(prefix).is_some() => {
            (prefix.to_owned(), rest.to_owned())
        }
        _ => (String::new(), text),
    };
    let (mut kind, message, mut hint) = explain(&message);
    if hint.is_none() && path.ends_with("version") {
        // semver's own messages say what is wrong, not what is right.
        kind = DiagnosticKind::InvalidValue;
        hint = Some("versions are semver, such as `1.0.0`; requirements such as `^1`".into());
    }
    Diagnostic {
        kind,
        origin: map.origin.clone(),
        position: position.or_else(|| map.position(&path)),
        path,
        message,
        hint,
    }
}

/// The diagnostic for a reader's `message` that ends `at position N`, N a
/// byte offset in `document`, placed at its line, column and node.
fn at_offset(message: &str, map: &SourceMap, document: &str) -> Option<Diagnostic> {
    let (what, offset) = message.rsplit_once(" at position ")?;
    let offset: usize = offset.parse().ok()?;
    let before = document.get(..offset)?;
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    let position = Position { line, column };
    // The node there: the last to start at or before it.
    let tree = &map.tree;
    let node = tree
        .nodes
        .iter()
        .rposition(|n| n.position() <= position)
        .map(small);
    let path = node.map(|id| tree.path_of(id)).unwrap_or_default();
    let (message, hint) = match document.get(offset..).and_then(|rest| rest.chars().next()) {
        Some(c) if what.starts_with("control characters") => (
            format!(
                "a control character {} is not allowed in YAML",
                quote(c.encode_utf8(&mut [0; 4]))
            ),
            "remove it: YAML allows tabs and line breaks but no other control character; a double-quoted text may write one as an escape, such as `\\x01`",
        ),
        _ => (cut_quoted(what), "check the characters there"),
    };
    Some(Diagnostic {
        kind: DiagnosticKind::Syntax,
        origin: map.origin.clone(),
        position: Some(position),
        path,
        message,
        hint: Some(hint.to_owned()),
    })
}

/// Cuts every quoted value in a message (`"..."` or `` `...` ``) to a fixed
/// length, and the whole message to a few such lengths, so that a message
/// never echoes unbounded input; hidden characters are escaped as in
/// [`crate::error::cut`], so that it stays on one line. Inside `"` quotes a
/// backslash escapes the next character, as in the `Debug` form serde uses
/// for strings.
pub(crate) fn cut_quoted(message: &str) -> String {
    const LIMIT: usize = crate::error::QUOTE_LIMIT;
    let mut out = String::with_capacity(message.len().min(512));
    let mut quote_char = None;
    let mut escaped = false;
    let mut run = 0usize;
    let mut total = 0usize;
    for c in message.chars() {
        let len = Shown(c).len();
        let keep = match quote_char {
            None => {
                if c == '"' || c == '`' {
                    quote_char = Some(c);
                    run = 0;
                }
                true
            }
            Some(q) if c == q && !escaped => {
                quote_char = None;
                true
            }
            Some(q) => {
                escaped = q == '"' && c == '\\' && !escaped;
                let before = run;
                run += len;
                if before <= LIMIT && run > LIMIT {
                    // The mark counts toward the message's limit; where it
                    // reaches the limit it is the message's mark too.
                    out.push('…');
                    total += 1;
                    if total > 6 * LIMIT {
                        break;
                    }
                }
                run <= LIMIT
            }
        };
        if keep {
            total += len;
            if total > 6 * LIMIT {
                out.push('…');
                break;
            }
            Shown(c).push_to(&mut out);
        }
    }
    out
}

/// The field or variant named in serde's "unknown field `x`, expected ..."
/// message, and the names it expected (ours, so free of backticks). The
/// unknown name is the input's and may hold backticks itself, so the
/// message is split at the last "`, " serde wrote.
fn unknown_and_expected(rest: &str) -> Option<(&str, Vec<&str>)> {
    let rest = rest.strip_prefix('`')?;
    let (unknown, tail) = rest
        .rsplit_once("`, expected ")
        .or_else(|| rest.rsplit_once("`, there are no "))
        .or_else(|| rest.strip_suffix('`').map(|u| (u, "")))?;
    Some((unknown, tail.split('`').skip(1).step_by(2).collect()))
}

/// Classifies a serde message and adds a hint where one helps; values from
/// the input are cut (see [`cut_quoted`]).
fn explain(message: &str) -> (DiagnosticKind, String, Option<String>) {
    for (prefix, what) in [("unknown field ", "field"), ("unknown variant ", "value")] {
        let Some((unknown, expected)) = message.strip_prefix(prefix).and_then(unknown_and_expected)
        else {
            continue;
        };
        let hint = suggest::did_you_mean(unknown, expected.iter().copied()).or_else(|| {
            (!expected.is_empty())
                .then(|| format!("expected one of {}", suggest::quoted_list(&expected)))
        });
        let kind = if what == "field" {
            DiagnosticKind::UnknownField
        } else {
            DiagnosticKind::InvalidValue
        };
        return (kind, format!("unknown {what} {}", quote(unknown)), hint);
    }
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some((found, expected)) = message
            .strip_prefix(prefix)
            .and_then(|rest| rest.rsplit_once(", expected "))
        {
            return type_mismatch(prefix, found, expected);
        }
    }
    if message.contains("more than one document") {
        return (
            DiagnosticKind::Syntax,
            "more than one YAML document in one file".into(),
            Some("put each document in a file of its own".into()),
        );
    }
    let kind = if message.starts_with("invalid") || message.starts_with("missing field") {
        DiagnosticKind::InvalidValue
    } else {
        DiagnosticKind::Syntax
    };
    (kind, cut_quoted(message), None)
}

/// serde's "invalid type: FOUND, expected EXPECTED" (or "invalid value")
/// in the YAML author's words: a mapping and a list rather than a map and a
/// sequence, no value rather than a unit value, a mapping rather than the
/// name of the struct that reads it, a whole number in a range rather than
/// a Rust integer type.
fn type_mismatch(
    prefix: &str,
    found: &str,
    expected: &str,
) -> (DiagnosticKind, String, Option<String>) {
    let found = match found {
        "unit value" => "no value",
        "map" => "a mapping",
        "sequence" => "a list",
        // A number past every integer type serde reads: `as u128` is serde's.
        other => other.strip_suffix(" as u128").unwrap_or(other),
    };
    let expected = match expected {
        "a map" => "a mapping",
        "a sequence" => "a list",
        "u8" => "a whole number from 0 to 255",
        "u16" => "a whole number from 0 to 65535",
        "u32" => "a whole number from 0 to 4294967295",
        "u64" | "usize" => "a whole number from 0 to 18446744073709551615",
        e if e.starts_with("struct ") => "a mapping",
        e => e,
    };
    let hint = (found == "no value").then(|| {
        "a key with nothing after it has no value: give one, or leave out a key that is optional"
            .to_owned()
    });
    (
        DiagnosticKind::InvalidValue,
        cut_quoted(&format!("{prefix}{found}, expected {expected}")),
        hint,
    )
}

/// An open mapping or list, as the index walks into it.
enum Frame {
    Map {
        /// The mapping's node.
        node: u32,
        /// The hash of its path.
        hash: PathHash,
        /// The key waiting for its value, read at this position.
        key: Option<(Seg, Position)>,
        /// The keys given so far, by the hash of their text: each the range
        /// of its text in [`Tree::keys`] and where it was given.
        keys: Map<u64, (u32, u32, Position)>,
        first_key_pending: bool,
        anchor: usize,
        size: usize,
    },
    Seq {
        node: u32,
        hash: PathHash,
        next: usize,
        anchor: usize,
        size: usize,
    },
}

impl Frame {
    fn size_mut(&mut self) -> &mut usize {
        match self {
            Frame::Map { size, .. } | Frame::Seq { size, .. } => size,
        }
    }

    fn node(&self) -> u32 {
        match self {
            Frame::Map { node, .. } | Frame::Seq { node, .. } => *node,
        }
    }
}

/// Counts nodes as aliases would expand them, in constant memory per anchor
/// (an anchored text aside), so that a "billion laughs" document fails
/// before anything expands it.
struct Budget<'l> {
    limits: &'l Limits,
    nodes: usize,
    anchors: Map<usize, Anchored>,
}

/// What an anchor names, as an alias of it counts and reads.
enum Anchored {
    /// A scalar: one node, and where its text is in [`Tree::keys`] and its
    /// [`key_hash`], for an alias used as a key (stored and hashed once
    /// however often it is used).
    Text(u32, u32, u64),
    /// A mapping or a list of this many nodes.
    Nodes(usize),
}

impl Anchored {
    fn nodes(&self) -> usize {
        match self {
            Anchored::Text(..) => 1,
            Anchored::Nodes(n) => *n,
        }
    }
}

impl Budget<'_> {
    /// Adds `n` nodes under the innermost open node; `false` past the limit.
    fn add(&mut self, stack: &mut [Frame], n: usize) -> bool {
        self.nodes = self.nodes.saturating_add(n);
        if let Some(top) = stack.last_mut() {
            let size = top.size_mut();
            *size = size.saturating_add(n);
        }
        self.nodes <= self.limits.max_nodes
    }
}

/// The characters YAML 1.1 takes for line breaks beside `\r` and `\n`: next
/// line (U+0085), line separator (U+2028) and paragraph separator (U+2029).
const YAML11_BREAKS: [char; 3] = ['\u{85}', '\u{2028}', '\u{2029}'];

/// `text` with the line breaks only YAML 1.1 knows written as `\n`.
///
/// `serde_yaml` reads and writes YAML 1.1 (libyaml), where these characters
/// break lines; `yaml-rust2` reads YAML 1.2, where they are text. Read as
/// text, one of them written by `serde_yaml` at the start of a line of a
/// block scalar ends the block early, so what the crate writes would not
/// load again, and the two parsers would count lines differently. The index
/// reads them as line breaks, as the values are read; each is one character,
/// so columns do not move, but it counts one byte towards
/// `Limits::max_string_bytes` rather than two or three, so the walk in
/// [`agree`] holds the values to that limit too.
fn yaml11_breaks(text: &str) -> Cow<'_, str> {
    if text.contains(YAML11_BREAKS) {
        Cow::Owned(text.replace(YAML11_BREAKS, "\n"))
    } else {
        Cow::Borrowed(text)
    }
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

/// Walks the YAML events once, recording each node's position and parent
/// and every duplicate key (the first `Limits::max_diagnostics` in full),
/// and enforcing the size limits.
fn index(text: &str, origin: &str, limits: &Limits) -> Result<SourceMap, Diagnostics> {
    let mut tree = Tree::default();
    let mut errors = Vec::new();
    let mut more = 0usize;
    let mut stack: Vec<Frame> = Vec::new();
    let mut documents = 0usize;
    let mut budget = Budget {
        limits,
        nodes: 0,
        anchors: Map::default(),
    };
    let text = yaml11_breaks(text);
    let mut parser = Parser::new_from_str(&text);
    let limit = |path: String, pos: Position, message: String, hint: &str| {
        Diagnostics(vec![Diagnostic {
            kind: DiagnosticKind::Limit,
            origin: origin.to_owned(),
            position: Some(pos),
            path,
            message,
            hint: Some(hint.to_owned()),
        }])
    };
    loop {
        let (event, mark) = match parser.next_token() {
            Ok(next) => next,
            Err(e) => {
                let m = e.marker();
                errors.push(Diagnostic {
                    kind: DiagnosticKind::Syntax,
                    origin: origin.to_owned(),
                    position: Some(Position {
                        line: m.line(),
                        column: m.col() + 1,
                    }),
                    path: current_path(&tree, &stack),
                    message: format!("invalid YAML: {}", cut_quoted(e.info())),
                    hint: e
                        .info()
                        .contains("tab")
                        .then(|| "indent with spaces; YAML forbids tabs in indentation".into()),
                });
                return Err(crate::error::capped(errors, more, origin));
            }
        };
        let pos = Position {
            line: mark.line(),
            column: mark.col() + 1,
        };
        if let Event::Scalar(value, ..) = &event
            && value.len() > limits.max_string_bytes
        {
            let path = next_path(&tree, &stack, value);
            return Err(too_long(origin, path, Some(pos), value.len(), limits));
        }
        if matches!(event, Event::MappingStart(..) | Event::SequenceStart(..))
            && stack.len() >= limits.max_depth
        {
            return Err(limit(
                current_path(&tree, &stack),
                pos,
                format!("the document nests deeper than {} levels", limits.max_depth),
                "flatten it; the limit is `Limits::max_depth`",
            ));
        }
        let entries = match stack.last() {
            Some(Frame::Seq { next, .. }) => *next,
            Some(Frame::Map {
                keys, key: None, ..
            }) => keys.len(),
            _ => 0,
        };
        if entries >= limits.max_entries && !matches!(event, Event::MappingEnd | Event::SequenceEnd)
        {
            return Err(limit(
                current_path(&tree, &stack),
                pos,
                format!(
                    "a list or mapping has more than {} entries",
                    limits.max_entries
                ),
                "split the document; the limit is `Limits::max_entries`",
            ));
        }
        let within = match &event {
            Event::Scalar(value, _, anchor, _) => {
                if *anchor > 0 {
                    let start = small(tree.keys.len());
                    tree.keys.push_str(value);
                    let hash = key_hash(&tree.state, value);
                    budget
                        .anchors
                        .insert(*anchor, Anchored::Text(start, small(value.len()), hash));
                }
                budget.add(&mut stack, 1)
            }
            Event::Alias(anchor) => {
                let size = budget.anchors.get(anchor).map_or(1, Anchored::nodes);
                budget.add(&mut stack, size)
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                budget.nodes = budget.nodes.saturating_add(1);
                budget.nodes <= limits.max_nodes
            }
            _ => true,
        };
        if !within {
            return Err(limit(
                current_path(&tree, &stack),
                pos,
                format!(
                    "the document expands to more than {} nodes",
                    limits.max_nodes
                ),
                "aliases (`*name`) repeat what they name; a document that repeats itself this much is refused",
            ));
        }
        match event {
            Event::StreamEnd => break,
            Event::DocumentStart => {
                documents += 1;
                if documents > 1 {
                    let mut d = SourceMap::detached(origin).diag(
                        DiagnosticKind::Syntax,
                        "",
                        "more than one YAML document in one file",
                        Some("put each document in a file of its own".into()),
                    );
                    d.position = Some(pos);
                    errors.push(d);
                    break;
                }
            }
            Event::Scalar(value, _, anchor, _) => {
                if key_due(&stack) {
                    // An anchored text is in the keys already.
                    let key = match budget.anchors.get(&anchor) {
                        Some(&Anchored::Text(start, len, hash)) if anchor > 0 => (start, len, hash),
                        _ => {
                            let start = small(tree.keys.len());
                            tree.keys.push_str(&value);
                            (start, small(value.len()), key_hash(&tree.state, &value))
                        }
                    };
                    let room = errors.len() < limits.max_diagnostics.max(1);
                    let found = read_key(&mut stack, &mut tree, origin, key, pos, room);
                    report(&mut errors, &mut more, found);
                } else {
                    open_node(&mut stack, &mut tree, NodeKind::Scalar, pos);
                }
            }
            Event::Alias(anchor) => match budget.anchors.get(&anchor) {
                // An alias of a text, as a key: the key is that text, as the
                // values' reader takes it.
                Some(&Anchored::Text(start, len, hash)) if key_due(&stack) => {
                    let room = errors.len() < limits.max_diagnostics.max(1);
                    let key = (start, len, hash);
                    let found = read_key(&mut stack, &mut tree, origin, key, pos, room);
                    report(&mut errors, &mut more, found);
                }
                _ => {
                    open_node(&mut stack, &mut tree, NodeKind::Alias, pos);
                }
            },
            Event::MappingStart(anchor, _) => {
                let (node, hash) = open_node(&mut stack, &mut tree, NodeKind::Mapping, pos);
                stack.push(Frame::Map {
                    node,
                    hash,
                    key: None,
                    keys: Map::default(),
                    first_key_pending: true,
                    anchor,
                    size: 1,
                });
            }
            Event::SequenceStart(anchor, _) => {
                let (node, hash) = open_node(&mut stack, &mut tree, NodeKind::Sequence, pos);
                stack.push(Frame::Seq {
                    node,
                    hash,
                    next: 0,
                    anchor,
                    size: 1,
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                if let Some(frame) = stack.pop() {
                    let (anchor, size) = match frame {
                        Frame::Map { anchor, size, .. } | Frame::Seq { anchor, size, .. } => {
                            (anchor, size)
                        }
                    };
                    if anchor > 0 {
                        budget.anchors.insert(anchor, Anchored::Nodes(size));
                    }
                    if let Some(parent) = stack.last_mut() {
                        let total = parent.size_mut();
                        *total = total.saturating_add(size);
                    }
                }
            }
            Event::Nothing | Event::StreamStart | Event::DocumentEnd => {}
        }
    }
    if errors.is_empty() {
        Ok(SourceMap {
            origin: origin.to_owned(),
            tree: std::sync::Arc::new(tree),
            base: String::new(),
            caps: (limits.max_diagnostics, limits.max_suggestions),
        })
    } else {
        Err(crate::error::capped(errors, more, origin))
    }
}

/// A key given twice, as [`read_key`] finds it.
enum Repeated {
    /// Listed in full: there was room under `Limits::max_diagnostics`.
    Listed(Diagnostic),
    /// Only counted: its path (up to a megabyte, built from aliases of long
    /// texts) is never built.
    Counted,
}

/// Keeps or counts a repeated key.
fn report(errors: &mut Vec<Diagnostic>, more: &mut usize, found: Option<Repeated>) {
    match found {
        Some(Repeated::Listed(d)) => errors.push(d),
        Some(Repeated::Counted) => *more += 1,
        None => {}
    }
}

/// Whether the next scalar is a key: the innermost node is a mapping that
/// has no key waiting for its value.
fn key_due(stack: &[Frame]) -> bool {
    matches!(stack.last(), Some(Frame::Map { key: None, .. }))
}

/// The hash of a key's text alone, by which a mapping finds a key given
/// twice.
fn key_hash(state: &crate::hash::State, text: &str) -> u64 {
    let mut h = PathHash::new(state);
    h.feed(text.as_bytes());
    h.finish()
}

/// Takes the text at `start` of `len` bytes in the tree's keys (whose
/// [`key_hash`] is `hash`) as the key of the innermost mapping, recording
/// its position, or, if the mapping has it already, returns the diagnostic
/// (when there is `room` for one more) or says to count it.
fn read_key(
    stack: &mut [Frame],
    tree: &mut Tree,
    origin: &str,
    (start, len, hash): (u32, u32, u64),
    pos: Position,
    room: bool,
) -> Option<Repeated> {
    let Some(Frame::Map {
        node,
        key,
        keys,
        first_key_pending,
        ..
    }) = stack.last_mut()
    else {
        return None;
    };
    if *first_key_pending {
        // A mapping's own position is that of its first key.
        if let Some(n) = tree.nodes.get_mut(*node as usize) {
            n.line = small(pos.line);
            n.column = small(pos.column);
        }
        *first_key_pending = false;
    }
    *key = Some((Seg::Key { start, len }, pos));
    let text = key_text(&tree.keys, start, len);
    match keys.get(&hash) {
        None => {
            keys.insert(hash, (start, len, pos));
            None
        }
        // Two keys whose hashes meet (with random keys, next to never) are
        // both taken: the second is not checked against later keys.
        Some(&(s, l, _)) if key_text(&tree.keys, s, l) != text => None,
        Some(_) if !room => Some(Repeated::Counted),
        Some(&(_, _, first)) => {
            let parent = tree.path_of(*node);
            Some(Repeated::Listed(Diagnostic {
                kind: DiagnosticKind::DuplicateKey,
                origin: origin.to_owned(),
                position: Some(pos),
                // On one line (a flow mapping), the column tells the two apart.
                hint: Some(if first.line == pos.line {
                    format!(
                        "first given at line {}, column {}",
                        first.line, first.column
                    )
                } else {
                    format!("first given at line {}", first.line)
                }),
                path: held(key_path(&parent, text)),
                message: format!("duplicate key {}", quote(text)),
            }))
        }
    }
}

/// Records the node that starts now at `pos` as the innermost parent's next
/// child, advancing the parent past it; returns the node and the hash of
/// its path.
fn open_node(
    stack: &mut [Frame],
    tree: &mut Tree,
    kind: NodeKind,
    pos: Position,
) -> (u32, PathHash) {
    let id = small(tree.nodes.len());
    let (parent, seg, hash, pos) = match stack.last_mut() {
        None => (NO_PARENT, Seg::Root, PathHash::new(&tree.state), pos),
        Some(Frame::Seq {
            node, hash, next, ..
        }) => {
            let at = *next;
            *next += 1;
            (*node, Seg::Index(small(at)), hash.index(at), pos)
        }
        Some(Frame::Map {
            node, hash, key, ..
        }) => match key.take() {
            Some((seg @ Seg::Key { start, len }, at)) => {
                (*node, seg, hash.key(key_text(&tree.keys, start, len)), at)
            }
            // A mapping or sequence used as a key: not part of any format here.
            _ => (*node, Seg::Complex, hash.key("?"), pos),
        },
    };
    tree.nodes.push(Node {
        parent,
        seg,
        kind,
        line: small(pos.line),
        column: small(pos.column),
    });
    tree.by_path.entry(hash.finish()).or_insert(id);
    (id, hash)
}

/// The longest path a diagnostic of the index holds, in bytes.
const HELD_PATH: usize = 4096;

/// `path` as a diagnostic holds it: cut after [`HELD_PATH`] bytes, with a
/// mark, when longer. Keys can be aliases of 16 KB texts, 64 deep: such a
/// path is a megabyte from a few hundred bytes of YAML, and a document can
/// repeat a key under it up to `Limits::max_diagnostics` times.
fn held(mut path: String) -> String {
    if path.len() > HELD_PATH {
        let mut end = HELD_PATH;
        while !path.is_char_boundary(end) {
            end -= 1;
        }
        // A new string: a truncated one would keep its whole capacity.
        let mut cut = String::with_capacity(end + '…'.len_utf8());
        cut.push_str(path.get(..end).unwrap_or_default());
        cut.push('…');
        path = cut;
    }
    path
}

/// The path of the innermost parent's next child. In a mapping with no key
/// waiting for its value, the next child is a key: its path ends in
/// `stand_in` (the key itself, or `?` for a mapping or sequence as a key).
fn next_path(tree: &Tree, stack: &[Frame], stand_in: &str) -> String {
    match stack.last() {
        None => String::new(),
        Some(Frame::Seq { node, next, .. }) => index_path(&tree.path_of(*node), *next),
        Some(Frame::Map { node, key, .. }) => {
            let key = match key {
                Some((Seg::Key { start, len }, _)) => key_text(&tree.keys, *start, *len),
                _ => stand_in,
            };
            key_path(&tree.path_of(*node), key)
        }
    }
}

/// The error for a text longer than `Limits::max_string_bytes`.
pub(crate) fn too_long(
    origin: &str,
    path: String,
    position: Option<Position>,
    len: usize,
    limits: &Limits,
) -> Diagnostics {
    Diagnostics(vec![Diagnostic {
        kind: DiagnosticKind::Limit,
        origin: origin.to_owned(),
        position,
        path,
        message: format!(
            "a text of {len} bytes is longer than the limit of {}",
            limits.max_string_bytes
        ),
        hint: Some("shorten it; the limit is `Limits::max_string_bytes`".into()),
    }])
}

fn current_path(tree: &Tree, stack: &[Frame]) -> String {
    stack
        .last()
        .map_or_else(String::new, |frame| tree.path_of(frame.node()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_only_yaml_1_1_knows_are_line_breaks() {
        for c in YAML11_BREAKS {
            // What serde_yaml writes loads again, unchanged.
            for program in [
                format!("one\n{c}two"),
                format!("one{c}two"),
                format!("{c}one"),
            ] {
                let written = crate::Assessment::new(program.clone()).to_yaml();
                match crate::Loader::new().assessment_str(&written) {
                    Ok(back) => assert_eq!(back.program(), program, "{written:?}"),
                    Err(e) => panic!("{written:?} does not load: {e}"),
                }
            }
            // Lines are counted as the values are read.
            let text = format!("a: 1{c}b: 2\n");
            let map = index(&text, "t.yaml", &Limits::default()).unwrap();
            assert_eq!(map.position("b").map(|p| (p.line, p.column)), Some((2, 1)));
        }
    }

    /// Parses `text` as any YAML, as the loaders parse their formats.
    fn read(text: &str) -> Result<(), String> {
        parse::<IgnoredAny>(text, "t.yaml", &Limits::default())
            .map(drop)
            .map_err(|e| {
                e.iter()
                    .map(|d| d.to_string())
                    .collect::<Vec<_>>()
                    .join("\n")
            })
    }

    const PLAINLY: &str = "(hint: write it plainly: a byte-order mark only at the very start of \
        the file, anchor names (`&name`) of letters, digits, `-` and `_`, and no `?` keys)";

    #[test]
    fn documents_read_two_ways_are_refused() {
        // libyaml skips a byte-order mark that starts a line, so the values
        // hold `a.x` twice (the later wins); read as YAML 1.2 the mark is
        // text and the line a key of the document's own.
        assert_eq!(
            read("a:\n  x: 1\n\u{feff} x: 2\n"),
            Err(format!(
                "t.yaml:3:1: a.x: this YAML reads two ways here: as `a.x` or as \
                 `\\u{{feff}} x` {PLAINLY}"
            ))
        );
        // A long path is cut between whole escapes, never inside one.
        assert_eq!(
            read(&format!(
                "a:\n  x: 1\n\u{feff} x{}: 2\n",
                "\u{feff}".repeat(9)
            )),
            Err(format!(
                "t.yaml:3:1: a.x{marks9}: this YAML reads two ways here: as `a.x{marks7}…` \
                 or as `\\u{{feff}} x{marks6}…` {PLAINLY}",
                marks9 = "\\u{feff}".repeat(9),
                marks7 = "\\u{feff}".repeat(7),
                marks6 = "\\u{feff}".repeat(6),
            ))
        );
        // Anchor names: libyaml stops at the colon, YAML 1.2 takes it in.
        assert_eq!(
            read("a:\n  &n:b x: 1\n"),
            Err(format!(
                "t.yaml:2:8: a.:b x: this YAML reads two ways here: as `a.:b x` or as `a.x` \
                 {PLAINLY}"
            ))
        );
        // A mapping to one reader, a single value to the other.
        assert_eq!(
            read("a: [?,]\n"),
            Err(format!(
                "t.yaml:1:5: a[0]: this YAML reads two ways here: as a mapping or as a \
                 single value {PLAINLY}"
            ))
        );
    }

    #[test]
    fn documents_read_one_way_load() {
        for text in [
            "a: 1\n",
            "\u{feff}a: 1\n",
            "a:\r\n  b: [1, {c: d}]\r\n",
            // Aliases of a mapping, a list and a value, walked where defined.
            "a: &m {b: [1, 2]}\nc: *m\nd: &l [x, *m]\ne: *l\nf: &v 1\ng: *v\n",
            // Tags, on every kind of node.
            "a: !x 1\nb: !y {c: 2}\nc: !z [3]\nd: !!str 4\ne: !!binary aGk=\n",
            // Different nodes at one path.
            "a.b: 1\na: {b: 2}\n",
            // An alias of a text as a key.
            "&k a: 1\nb: {*k : 2}\n",
            // Empty values.
            "d:\ne: ~\nf: ''\n",
            "- a\n-\n- - b\n  - c: [d]\n",
        ] {
            assert_eq!(read(text), Ok(()), "{text:?}");
        }
        // Keys are text in every format here; the walk reads them so.
        assert_eq!(
            read("? [a, b]\n: c\n"),
            Err("t.yaml:1:3: invalid type: a list, expected a string".into())
        );
    }

    #[test]
    fn the_walk_follows_the_index_node_by_node() {
        let text = "a: [1, 2]\nb: c\n";
        let limits = Limits::default();
        let map = index(text, "t.yaml", &limits).unwrap();
        let mut nodes = map.tree.nodes.clone();
        let paths: Vec<_> = (0..nodes.len())
            .map(|i| (map.tree.path_of(small(i)), nodes[i].kind))
            .collect();
        let paths: Vec<_> = paths.iter().map(|(p, k)| (p.as_str(), *k)).collect();
        assert_eq!(
            paths,
            [
                ("", NodeKind::Mapping),
                ("a", NodeKind::Sequence),
                ("a[0]", NodeKind::Scalar),
                ("a[1]", NodeKind::Scalar),
                ("b", NodeKind::Scalar),
            ]
        );
        assert!(agree(text, &nodes, &map, &limits).is_ok());
        let shown = |nodes: &[Node]| agree(text, nodes, &map, &limits).map_err(|d| d.to_string());
        // The index saw a node the values do not hold.
        nodes.push(nodes[4].clone());
        assert_eq!(
            shown(&nodes),
            Err(format!(
                "t.yaml:2:1: b: this YAML reads two ways here: as the end of the document or \
                 as `b` {PLAINLY}"
            ))
        );
        // The values hold a node the index did not see.
        nodes.truncate(4);
        assert_eq!(
            shown(&nodes),
            Err(format!(
                "t.yaml:2:1: b: this YAML reads two ways here: as `b` or as the end of the \
                 document {PLAINLY}"
            ))
        );
        // A node of another kind.
        nodes[1].kind = NodeKind::Mapping;
        assert_eq!(
            shown(&nodes),
            Err(format!(
                "t.yaml:1:1: a: this YAML reads two ways here: as a list or as a mapping \
                 {PLAINLY}"
            ))
        );
    }

    #[test]
    fn a_path_hashes_alike_whole_and_in_pieces() {
        let state = crate::hash::State::default();
        let whole = |path: &str| {
            let mut h = PathHash::new(&state);
            h.feed(path.as_bytes());
            h.finish()
        };
        let root = PathHash::new(&state);
        let built = root.key("abcdefghij").key("k.l").index(12).key("");
        assert_eq!(built.finish(), whole("abcdefghij.k.l[12]."));
        // Under an empty key the next key takes no dot, as in `key_path`.
        assert_eq!(root.key("").key("x").finish(), whole("x"));
        assert_ne!(whole("abcdefgh"), whole("abcdefghi"));
        assert_ne!(whole(""), whole("a"));
    }

    #[test]
    fn positions_of_paths_through_long_and_dotted_keys() {
        let long = "k".repeat(300);
        let text = format!("{long}:\n  a.b:\n    - x\n    - y: 1\n");
        let map = index(&text, "t.yaml", &Limits::default()).unwrap();
        let at = |p: &str| map.position(p).map(|p| (p.line, p.column));
        assert_eq!(at(&format!("{long}.a.b[1].y")), Some((4, 7)));
        assert_eq!(at(&format!("{long}.a.b[0]")), Some((3, 7)));
        // A path the document does not have: its nearest ancestor's place.
        assert_eq!(at(&format!("{long}.a.b[1].zz.q")), Some((4, 7)));
        // A mapping is placed at its first key, as before this index.
        assert_eq!(at(&format!("{long}.a")), Some((2, 3)));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 300, failure_persistence: None, ..proptest::prelude::ProptestConfig::default() })]
        /// Looked up by path, a node is found by its hash as a scan of
        /// every node's rebuilt path finds it (the first at that path), and
        /// a path no node has falls back to its nearest ancestor that one
        /// has: keys holding `.`, `[` and nothing at all included.
        #[test]
        fn lookups_by_hash_agree_with_a_scan(
            keys in proptest::collection::vec(("[a.\\[1\\]]{0,3}", 0usize..4), 1..30),
            probe in "[a.\\[1\\]]{0,8}",
        ) {
            // Each key one level deeper than the last, or back out.
            let mut text = String::new();
            let mut depth = 0usize;
            for (key, back) in &keys {
                depth = depth.saturating_sub(*back);
                text.push_str(&format!("{}{:?}:\n", "  ".repeat(depth), key));
                depth += 1;
            }
            let Ok(map) = index(&text, "t.yaml", &Limits::default()) else {
                return Ok(());
            };
            let tree = &map.tree;
            let scan = |path: &str| {
                (0..tree.nodes.len())
                    .map(small)
                    .find(|&id| tree.path_of(id) == path)
            };
            for id in (0..tree.nodes.len()).map(small) {
                let path = tree.path_of(id);
                proptest::prop_assert_eq!(tree.find(&path), scan(&path), "{}", path);
            }
            let mut p = probe.as_str();
            let expected = loop {
                if let Some(id) = scan(p) {
                    break tree.position(id);
                }
                match p.rfind(['.', '[']) {
                    Some(cut) => p = &p[..cut],
                    None => break None,
                }
            };
            proptest::prop_assert_eq!(map.position(&probe), expected);
        }
    }

    #[test]
    fn positions_by_path() {
        let text = "a:\n  b: 1\n  c:\n    - d: 2\n      e: [x, y]\n";
        let map = index(text, "t.yaml", &Limits::default()).unwrap();
        let at = |p: &str| map.position(p).map(|p| (p.line, p.column));
        assert_eq!(at("a"), Some((2, 3)));
        assert_eq!(at("a.b"), Some((2, 3)));
        assert_eq!(at("a.c[0]"), Some((4, 7)));
        assert_eq!(at("a.c[0].d"), Some((4, 7)));
        assert_eq!(at("a.c[0].e[1]"), Some((5, 14)));
        assert_eq!(at("a.c[0].zzz"), Some((4, 7)));
    }

    #[test]
    fn an_alias_as_a_key_is_the_text_it_names() {
        let map = index(
            "&k a: 1\nb:\n  c: 0\n  *k : 2\n",
            "t.yaml",
            &Limits::default(),
        )
        .unwrap();
        assert_eq!(
            map.position("b.a").map(|p| (p.line, p.column)),
            Some((4, 3))
        );
        // libyaml reads the key twice, and serde would keep the later value.
        let err = index("&k a: 1\n*k : 2\n", "t.yaml", &Limits::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.yaml:2:1: a: duplicate key `a` (hint: first given at line 1)"
        );
    }

    #[test]
    fn duplicate_keys_are_all_reported() {
        let err = index("a: 1\nb: 2\na: 3\nb: 4\n", "t.yaml", &Limits::default()).unwrap_err();
        let lines: Vec<String> = err.iter().map(|d| d.to_string()).collect();
        assert_eq!(
            lines,
            [
                "t.yaml:3:1: a: duplicate key `a` (hint: first given at line 1)",
                "t.yaml:4:1: b: duplicate key `b` (hint: first given at line 2)",
            ]
        );
        let err = index(
            "{a: 1, b: 2, a: 3}
",
            "t.yaml",
            &Limits::default(),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.yaml:1:14: a: duplicate key `a` (hint: first given at line 1, column 2)"
        );
    }

    #[test]
    fn explains_unknown_fields() {
        let (kind, msg, hint) = explain("unknown field `titel`, expected `id` or `title`");
        assert_eq!(kind, DiagnosticKind::UnknownField);
        assert_eq!(msg, "unknown field `titel`");
        assert_eq!(hint.as_deref(), Some("did you mean `title`?"));
        let (_, _, hint) = explain("unknown field `zzzzzz`, expected `id` or `title`");
        assert_eq!(hint.as_deref(), Some("expected one of `id`, `title`"));
        // A name holding backticks and serde's own separator is kept whole.
        let (kind, msg, hint) =
            explain("unknown field `a`, expected `b` or `c`, expected `id` or `title`");
        assert_eq!(kind, DiagnosticKind::UnknownField);
        assert_eq!(msg, "unknown field `a`, expected `b` or `c`");
        assert_eq!(hint.as_deref(), Some("expected one of `id`, `title`"));
        let (kind, msg, _) = explain("unknown variant `x`y`, expected `boolean` or `date`");
        assert_eq!(kind, DiagnosticKind::InvalidValue);
        assert_eq!(msg, "unknown value `x`y`");
        // Type errors in the YAML author's words, not serde's or ours.
        for (serde, ours) in [
            (
                "invalid type: string \"a, expected b\", expected struct RawHeader",
                "invalid type: string \"a, expected b\", expected a mapping",
            ),
            (
                "invalid type: sequence, expected a map",
                "invalid type: a list, expected a mapping",
            ),
            (
                "invalid type: map, expected a sequence",
                "invalid type: a mapping, expected a list",
            ),
            (
                "invalid type: unit value, expected a string",
                "invalid type: no value, expected a string",
            ),
            (
                "invalid type: integer `-1`, expected u32",
                "invalid type: integer `-1`, expected a whole number from 0 to 4294967295",
            ),
            (
                "invalid value: integer `99999999999999999999` as u128, expected u16",
                "invalid value: integer `99999999999999999999`, expected a whole number from 0 to 65535",
            ),
        ] {
            let (kind, msg, hint) = explain(serde);
            assert_eq!((kind, msg.as_str()), (DiagnosticKind::InvalidValue, ours));
            assert_eq!(hint.is_some(), ours.contains("no value"), "{ours}");
        }
    }

    #[test]
    fn each_quote_run_is_cut_by_its_own_count() {
        const L: usize = crate::error::QUOTE_LIMIT;
        let x = |n: usize| "x".repeat(n);
        let cases = [
            // A run at the limit stays whole; one character more is cut, and
            // the text after the closing quote is kept.
            (format!("`{}` ok", x(L)), format!("`{}` ok", x(L))),
            (format!("`{}` ok", x(L + 1)), format!("`{}…` ok", x(L))),
            // An escape that ends at the limit is kept; one that would cross
            // it is left out whole.
            (format!("`{}\n`", x(L - 2)), format!("`{}\\n`", x(L - 2))),
            (
                format!("`{}\u{feff}y`", x(L - 1)),
                format!("`{}…`", x(L - 1)),
            ),
            // In `"` quotes, `\\` is one escaped backslash: the quote closes
            // after it, and the next run counts from its own start.
            (
                format!("\"a\\\\\" `{}`", x(L + 5)),
                format!("\"a\\\\\" `{}…`", x(L)),
            ),
            // `\"` does not close a quote: the run goes on.
            (
                format!("\"a\\\"{}\" ok", x(L)),
                format!("\"a\\\"{}…\" ok", x(L - 3)),
            ),
            // In backticks a backslash escapes nothing.
            (
                format!("`a\\` `{}`", x(L + 5)),
                format!("`a\\` `{}…`", x(L)),
            ),
            // One kind of quote inside the other does not close it.
            (format!("\"a`{}\"", x(L)), format!("\"a`{}…\"", x(L - 2))),
            (format!("`a\"{}`", x(L)), format!("`a\"{}…`", x(L - 2))),
            // A run cut where the message reaches its own limit ends the
            // message with one mark, not two.
            (
                format!("{}`{}` ok", x(5 * L - 1), x(L + 1)),
                format!("{}`{}…", x(5 * L - 1), x(L)),
            ),
            // Runs each within the limit still meet the message's own limit
            // of six quote lengths, which the cut mark ends.
            (
                format!("`{}` ", x(L)).repeat(7),
                format!(
                    "{}`{}…",
                    format!("`{}` ", x(L)).repeat(5),
                    x(6 * L - 5 * (L + 3) - 1)
                ),
            ),
        ];
        for (message, expected) in cases {
            assert_eq!(cut_quoted(&message), expected, "{message:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 1000, failure_persistence: None, ..proptest::prelude::ProptestConfig::default() })]
        /// Whatever a parser's message quotes, the cut message stays on one
        /// line and within six quote lengths (and the mark), and shows the
        /// message as it is up to the first cut, or whole when it is short.
        #[test]
        fn cut_messages_keep_their_bounds(message in crate::error::tests::hostile_text()) {
            let cut = cut_quoted(&message);
            crate::error::tests::check_shown(&message, &cut, 6 * crate::error::QUOTE_LIMIT)?;
        }
    }

    #[test]
    fn quoted_values_and_messages_are_cut() {
        let long = "x".repeat(500);
        let cut = cut_quoted(&format!(
            "invalid type: string \"a\\\"{long}\", expected u32"
        ));
        assert_eq!(
            cut,
            format!(
                "invalid type: string \"a\\\"{}…\", expected u32",
                "x".repeat(57)
            )
        );
        // Unbalanced quotes cannot let a message run on.
        let cut = cut_quoted(&format!("oops ` {long} ` {long}"));
        assert!(
            cut.chars().count() <= 6 * crate::error::QUOTE_LIMIT + 1,
            "{cut}"
        );
        assert_eq!(cut_quoted("plain `short` text"), "plain `short` text");
        // Hidden characters are escaped, in quotes or not, and a quote is
        // cut between whole escapes.
        assert_eq!(cut_quoted("odd `a\nb`\u{2028}"), "odd `a\\nb`\\u{2028}");
        assert_eq!(
            cut_quoted(&format!("`{}`", "\u{feff}".repeat(8))),
            format!("`{}…`", "\\u{feff}".repeat(7))
        );
    }
}
