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
//! - [`serde_msg`]: `serde_yaml`'s messages as diagnostics;
//! - [`prune`]: reading on past unknown fields and wrong values, so that
//!   one load reports them all.

mod index;
mod prune;
mod rewalk;
mod serde_msg;
#[cfg(test)]
mod tests;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::base::error::{Diagnostic, DiagnosticKind, Diagnostics, Found, LoadError, quote};
use crate::base::limits::Limits;

pub(crate) use crate::base::source::path::{self, index_path, key_path};
pub(crate) use crate::base::source::{NO_PARENT, Node, NodeKind, Seg, SourceMap, Tree, small};
use index::index;
pub(crate) use index::too_long;
use rewalk::agree;

/// Parses one YAML document into `T`, with the positions of its nodes.
///
/// Reports every duplicate key found, or else every unknown field and
/// wrong value (see [`parse_all`]), or else where the two YAML readers part
/// (see [`agree`]); the caller validates the rest. Tests' shortcut: the
/// loaders use [`parse_all`], to report their own problems with these.
#[cfg(test)]
pub(crate) fn parse<T: DeserializeOwned>(
    text: &str,
    origin: &str,
    limits: &Limits,
) -> Result<(T, SourceMap), Diagnostics> {
    let (value, map, unread) = parse_all(text, origin, limits)?;
    match unread.finish(Ok(())) {
        Ok(()) => Ok((value, map)),
        Err(err) => Err(Diagnostics(err.diagnostics().to_vec())),
    }
}

/// Parses one YAML document into `T` as far as it can, with the positions
/// of its nodes and the unknown fields and wrong values found on the way.
///
/// Serde stops at the first such problem: the document is read again with
/// each place that failed left out (see [`prune`]), up to
/// `Limits::max_format_errors` more times. If what is left reads, it is
/// returned for the caller to validate, and [`Unread::finish`] reports the
/// problems found here with the caller's. A duplicate key, a syntax error,
/// a limit, or a document that does not read even so is an error here,
/// with every problem found before it.
pub(crate) fn parse_all<T: DeserializeOwned>(
    text: &str,
    origin: &str,
    limits: &Limits,
) -> Result<(T, SourceMap, Unread), Diagnostics> {
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
    let read = prune::read::<T>(text, &map, limits);
    let unread = Unread {
        problems: read.problems,
        removed: read.removed,
        emptied: read.emptied,
        caps: map.caps,
    };
    let Some(value) = read.value else {
        return Err(unread.sorted(Vec::new(), 0));
    };
    if let Err(parted) = agree(text, &map.tree.nodes, &map, limits) {
        return Err(unread.sorted(parted.0, 0));
    }
    Ok((value, map, unread))
}

/// The unknown fields and wrong values of a document that read once they
/// were left out, to be reported with the problems its caller finds in
/// what was left: see [`parse_all`].
#[derive(Debug)]
pub(crate) struct Unread {
    problems: Vec<Diagnostic>,
    /// The ids of the mappings left out.
    removed: Vec<String>,
    /// The paths of the mappings and lists that lost an entry.
    emptied: Vec<String>,
    /// `Limits::max_diagnostics` and `Limits::max_suggestions`.
    caps: (usize, usize),
}

impl Unread {
    /// `result`, the caller's validation of what was read, if nothing was
    /// left out; else an error with every problem, by position. A problem
    /// of the caller's that may only follow from what was left out is not
    /// reported: one of a mapping or list that lost an entry (a requirement
    /// left with nothing to check, a policy left with no levels), or a
    /// reference to the id of a mapping left out.
    pub(crate) fn finish<X>(self, result: Result<X, LoadError>) -> Result<X, LoadError> {
        if self.problems.is_empty() {
            return result;
        }
        let (later, more) = match result {
            Ok(_) => (Vec::new(), 0),
            Err(LoadError::Invalid(d)) => d.uncapped(),
            Err(other) => return Err(other),
        };
        let later = later.into_iter().filter(|d| !self.follows(d)).collect();
        Err(LoadError::Invalid(self.sorted(later, more)))
    }

    /// Whether `d` may only follow from what was left out: see [`Unread::finish`].
    fn follows(&self, d: &Diagnostic) -> bool {
        self.emptied.contains(&d.path)
            || d.kind == DiagnosticKind::UnknownReference
                && self.removed.iter().any(|id| d.message.contains(&quote(id)))
    }

    /// These problems and `later` (with `more` only counted) by position,
    /// within `Limits::max_diagnostics`; the note that the reading stopped
    /// early, which has no position, last.
    fn sorted(self, later: Vec<Diagnostic>, more: usize) -> Diagnostics {
        let mut found = Found::new(self.caps.0, self.caps.1, true);
        let mut stopped = Vec::new();
        for d in self.problems.into_iter().chain(later) {
            if d.kind == DiagnosticKind::Limit && d.position.is_none() {
                stopped.push(d);
            } else {
                found.push(d);
            }
        }
        found.count(more);
        let mut all = found.finish();
        all.0.extend(stopped);
        all
    }
}

/// Writes a serializable value as YAML.
pub(crate) fn to_string<T: Serialize>(value: &T) -> Result<String, String> {
    serde_yaml::to_string(value).map_err(|e| e.to_string())
}
