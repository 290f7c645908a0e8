//! The second walk: `serde_yaml` reads the document once more, node by
//! node, against the index, so that the positions, duplicate keys and
//! limits the index found hold for the document the values came from.

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, IgnoredAny, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};

use super::index::too_long;
use super::path::{key_text, path_of, push_index, push_key};
use super::serde_msg::serde_diagnostic;
use super::{NO_PARENT, Node, NodeKind, Seg, SourceMap, small};
use crate::base::error::{Diagnostic, DiagnosticKind, Diagnostics, Position, quote};
use crate::base::limits::Limits;

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
/// breaks as `\n` (see [`yaml11_breaks`](super::index::yaml11_breaks)),
/// counts one byte for each where a value holds two or three.
pub(super) fn agree(
    text: &str,
    nodes: &[Node],
    map: &SourceMap,
    limits: &Limits,
) -> Result<(), Diagnostics> {
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
