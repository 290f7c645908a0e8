//! YAML paths as messages show them (`a.b[0]`), the hash of a path that
//! the index finds nodes by, and paths cut short for diagnostics.

use super::{Node, Seg};

/// The hash of a path, the same however its bytes are fed (whole, or as
/// its parent's path and then its own key): the bytes go to the hasher in
/// words of eight, whatever the pieces, and the rest when it finishes.
#[derive(Clone)]
pub(crate) struct PathHash {
    pub(crate) hasher: std::collections::hash_map::DefaultHasher,
    /// Bytes fed and not yet given to the hasher: fewer than eight.
    pub(crate) tail: [u8; 8],
    tail_len: usize,
    /// Whether the path is empty so far (the root's, or under empty keys).
    pub(crate) empty: bool,
}

impl PathHash {
    pub(crate) fn new(state: &crate::base::hash::State) -> Self {
        use std::hash::BuildHasher;
        Self {
            hasher: state.build_hasher(),
            tail: [0; 8],
            tail_len: 0,
            empty: true,
        }
    }

    pub(crate) fn feed(&mut self, bytes: &[u8]) {
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
    pub(crate) fn key(&self, key: &str) -> Self {
        let mut h = self.clone();
        if !h.empty {
            h.feed(b".");
        }
        h.feed(key.as_bytes());
        h
    }

    /// The hash of this path with `index` joined on, as [`index_path`] does.
    pub(crate) fn index(&self, index: usize) -> Self {
        let mut h = self.clone();
        h.feed(format!("[{index}]").as_bytes());
        h
    }

    pub(crate) fn finish(&self) -> u64 {
        use std::hash::Hasher;
        let mut h = self.hasher.clone();
        h.write(self.tail.get(..self.tail_len).unwrap_or_default());
        h.finish()
    }
}

/// The path of node `id` of `nodes`, whose keys are ranges of `keys`.
pub(crate) fn path_of(nodes: &[Node], keys: &str, id: u32) -> String {
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
pub(crate) fn key_text(keys: &str, start: u32, len: u32) -> &str {
    keys.get(start as usize..start as usize + len as usize)
        .unwrap_or_default()
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
pub(crate) fn push_key(path: &mut String, key: &str) {
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(key);
}

/// Joins a sequence index onto a path, in place.
pub(crate) fn push_index(path: &mut String, index: usize) {
    use std::fmt::Write;
    // Writing to a `String` cannot fail.
    let _ = write!(path, "[{index}]");
}

/// The longest path a diagnostic of the index holds, in bytes.
const HELD_PATH: usize = 4096;

/// `path` as a diagnostic holds it: cut after [`HELD_PATH`] bytes, with a
/// mark, when longer. Keys can be aliases of 16 KB texts, 64 deep: such a
/// path is a megabyte from a few hundred bytes of YAML, and a document can
/// repeat a key under it up to `Limits::max_diagnostics` times.
pub(crate) fn held(mut path: String) -> String {
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
