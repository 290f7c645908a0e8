//! The index: one walk over `yaml-rust2`'s events that records every node's
//! position and parent, finds duplicate keys, and enforces the size limits
//! (depth, entries, nodes as aliases expand them, text length).

use std::borrow::Cow;

use yaml_rust2::parser::{Event, Parser};

use super::path::{PathHash, held, index_path, key_path, key_text};
use super::serde_msg::cut_quoted;
use super::{NO_PARENT, Node, NodeKind, Seg, SourceMap, Tree, small};
use crate::base::error::{Diagnostic, DiagnosticKind, Diagnostics, Position, quote};
use crate::base::hash::Map;
use crate::base::limits::Limits;

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
pub(super) const YAML11_BREAKS: [char; 3] = ['\u{85}', '\u{2028}', '\u{2029}'];

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
/// [`agree`](super::rewalk::agree) holds the values to that limit too.
pub(super) fn yaml11_breaks(text: &str) -> Cow<'_, str> {
    if text.contains(YAML11_BREAKS) {
        Cow::Owned(text.replace(YAML11_BREAKS, "\n"))
    } else {
        Cow::Borrowed(text)
    }
}

/// Walks the YAML events once, recording each node's position and parent
/// and every duplicate key (the first `Limits::max_diagnostics` in full),
/// and enforcing the size limits.
pub(super) fn index(text: &str, origin: &str, limits: &Limits) -> Result<SourceMap, Diagnostics> {
    let mut ix = Indexer {
        origin,
        limits,
        tree: Tree::default(),
        errors: Vec::new(),
        more: 0,
        stack: Vec::new(),
        documents: 0,
        budget: Budget {
            limits,
            nodes: 0,
            anchors: Map::default(),
        },
    };
    let text = yaml11_breaks(text);
    let mut parser = Parser::new_from_str(&text);
    loop {
        let (event, mark) = match parser.next_token() {
            Ok(next) => next,
            Err(e) => return Err(ix.syntax_error(&e)),
        };
        let pos = Position {
            line: mark.line(),
            column: mark.col() + 1,
        };
        ix.check_size(&event, pos)?;
        ix.count(&event, pos)?;
        if !ix.read(event, pos) {
            break;
        }
    }
    ix.finish()
}

/// The index as it walks the events: see [`index`].
struct Indexer<'a> {
    origin: &'a str,
    limits: &'a Limits,
    tree: Tree,
    /// The duplicate keys listed so far, and how many more were counted.
    errors: Vec<Diagnostic>,
    more: usize,
    /// The mappings and lists open at this event, innermost last.
    stack: Vec<Frame>,
    documents: usize,
    budget: Budget<'a>,
}

impl Indexer<'_> {
    /// The error for YAML that does not parse, after the duplicate keys
    /// found before it.
    fn syntax_error(mut self, e: &yaml_rust2::ScanError) -> Diagnostics {
        let m = e.marker();
        self.errors.push(Diagnostic {
            kind: DiagnosticKind::Syntax,
            origin: self.origin.to_owned(),
            position: Some(Position {
                line: m.line(),
                column: m.col() + 1,
            }),
            path: current_path(&self.tree, &self.stack),
            message: format!("invalid YAML: {}", cut_quoted(e.info())),
            hint: e
                .info()
                .contains("tab")
                .then(|| "indent with spaces; YAML forbids tabs in indentation".into()),
        });
        crate::base::error::capped(self.errors, self.more, self.origin)
    }

    /// A size limit passed at `pos`, under the innermost open node.
    fn limit(&self, pos: Position, message: String, hint: &str) -> Diagnostics {
        Diagnostics(vec![Diagnostic {
            kind: DiagnosticKind::Limit,
            origin: self.origin.to_owned(),
            position: Some(pos),
            path: current_path(&self.tree, &self.stack),
            message,
            hint: Some(hint.to_owned()),
        }])
    }

    /// Refuses a text over the length limit, a mapping or list past the
    /// depth limit, and an entry past the entries limit.
    fn check_size(&self, event: &Event, pos: Position) -> Result<(), Diagnostics> {
        let limits = self.limits;
        if let Event::Scalar(value, ..) = event
            && value.len() > limits.max_string_bytes
        {
            let path = next_path(&self.tree, &self.stack, value);
            return Err(too_long(self.origin, path, Some(pos), value.len(), limits));
        }
        if matches!(event, Event::MappingStart(..) | Event::SequenceStart(..))
            && self.stack.len() >= limits.max_depth
        {
            return Err(self.limit(
                pos,
                format!("the document nests deeper than {} levels", limits.max_depth),
                "flatten it; the limit is `Limits::max_depth`",
            ));
        }
        let entries = match self.stack.last() {
            Some(Frame::Seq { next, .. }) => *next,
            Some(Frame::Map {
                keys, key: None, ..
            }) => keys.len(),
            _ => 0,
        };
        if entries >= limits.max_entries && !matches!(event, Event::MappingEnd | Event::SequenceEnd)
        {
            return Err(self.limit(
                pos,
                format!(
                    "a list or mapping has more than {} entries",
                    limits.max_entries
                ),
                "split the document; the limit is `Limits::max_entries`",
            ));
        }
        Ok(())
    }

    /// Counts the nodes the event adds, as aliases expand them, and
    /// refuses the document past the limit; keeps an anchored text.
    fn count(&mut self, event: &Event, pos: Position) -> Result<(), Diagnostics> {
        let budget = &mut self.budget;
        let within = match event {
            Event::Scalar(value, _, anchor, _) => {
                if *anchor > 0 {
                    let start = small(self.tree.keys.len());
                    self.tree.keys.push_str(value);
                    let hash = key_hash(&self.tree.state, value);
                    budget
                        .anchors
                        .insert(*anchor, Anchored::Text(start, small(value.len()), hash));
                }
                budget.add(&mut self.stack, 1)
            }
            Event::Alias(anchor) => {
                let size = budget.anchors.get(anchor).map_or(1, Anchored::nodes);
                budget.add(&mut self.stack, size)
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                budget.nodes = budget.nodes.saturating_add(1);
                budget.nodes <= self.limits.max_nodes
            }
            _ => true,
        };
        if within {
            return Ok(());
        }
        Err(self.limit(
            pos,
            format!(
                "the document expands to more than {} nodes",
                self.limits.max_nodes
            ),
            "aliases (`*name`) repeat what they name; a document that repeats itself this much is refused",
        ))
    }

    /// Records what the event opens, names or closes; `false` when the
    /// walk ends (the end of the stream, or a second document).
    fn read(&mut self, event: Event, pos: Position) -> bool {
        match event {
            Event::StreamEnd => return false,
            Event::DocumentStart => {
                self.documents += 1;
                if self.documents > 1 {
                    let mut d = SourceMap::detached(self.origin).diag(
                        DiagnosticKind::Syntax,
                        "",
                        "more than one YAML document in one file",
                        Some("put each document in a file of its own".into()),
                    );
                    d.position = Some(pos);
                    self.errors.push(d);
                    return false;
                }
            }
            Event::Scalar(value, _, anchor, _) => self.scalar(&value, anchor, pos),
            Event::Alias(anchor) => self.alias(anchor, pos),
            Event::MappingStart(anchor, _) => {
                let (node, hash) = self.open(NodeKind::Mapping, pos);
                self.stack.push(Frame::Map {
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
                let (node, hash) = self.open(NodeKind::Sequence, pos);
                self.stack.push(Frame::Seq {
                    node,
                    hash,
                    next: 0,
                    anchor,
                    size: 1,
                });
            }
            Event::MappingEnd | Event::SequenceEnd => self.close(),
            Event::Nothing | Event::StreamStart | Event::DocumentEnd => {}
        }
        true
    }

    /// A text: a key if one is due, else a node.
    fn scalar(&mut self, value: &str, anchor: usize, pos: Position) {
        if key_due(&self.stack) {
            // An anchored text is in the keys already.
            let key = match self.budget.anchors.get(&anchor) {
                Some(&Anchored::Text(start, len, hash)) if anchor > 0 => (start, len, hash),
                _ => {
                    let start = small(self.tree.keys.len());
                    self.tree.keys.push_str(value);
                    (start, small(value.len()), key_hash(&self.tree.state, value))
                }
            };
            self.key(key, pos);
        } else {
            self.open(NodeKind::Scalar, pos);
        }
    }

    /// An alias: of a text, as a key, the key is that text, as the values'
    /// reader takes it; else a node.
    fn alias(&mut self, anchor: usize, pos: Position) {
        match self.budget.anchors.get(&anchor) {
            Some(&Anchored::Text(start, len, hash)) if key_due(&self.stack) => {
                self.key((start, len, hash), pos);
            }
            _ => {
                self.open(NodeKind::Alias, pos);
            }
        }
    }

    /// Reads a key (see [`read_key`]), keeping or counting a repeat.
    fn key(&mut self, key: (u32, u32, u64), pos: Position) {
        let room = self.errors.len() < self.limits.max_diagnostics.max(1);
        let found = read_key(&mut self.stack, &mut self.tree, self.origin, key, pos, room);
        report(&mut self.errors, &mut self.more, found);
    }

    /// Records a node (see [`open_node`]).
    fn open(&mut self, kind: NodeKind, pos: Position) -> (u32, PathHash) {
        open_node(&mut self.stack, &mut self.tree, kind, pos)
    }

    /// Closes the innermost mapping or list: its size goes to its anchor,
    /// if it has one, and to its parent.
    fn close(&mut self) {
        if let Some(frame) = self.stack.pop() {
            let (anchor, size) = match frame {
                Frame::Map { anchor, size, .. } | Frame::Seq { anchor, size, .. } => (anchor, size),
            };
            if anchor > 0 {
                self.budget.anchors.insert(anchor, Anchored::Nodes(size));
            }
            if let Some(parent) = self.stack.last_mut() {
                let total = parent.size_mut();
                *total = total.saturating_add(size);
            }
        }
    }

    /// The map, or the duplicate keys (and a second document) found.
    fn finish(self) -> Result<SourceMap, Diagnostics> {
        if self.errors.is_empty() {
            Ok(SourceMap {
                origin: self.origin.to_owned(),
                tree: std::sync::Arc::new(self.tree),
                base: String::new(),
                caps: (self.limits.max_diagnostics, self.limits.max_suggestions),
            })
        } else {
            Err(crate::base::error::capped(
                self.errors,
                self.more,
                self.origin,
            ))
        }
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
fn key_hash(state: &crate::base::hash::State, text: &str) -> u64 {
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
