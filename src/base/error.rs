//! Errors: one enum per operation, each carrying diagnostics that say where and what.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

// The text sanitising moved to `crate::base::text`; the names the other
// files use from here stay.
pub(crate) use crate::base::text::{
    LineFlaw, QUOTE_LIMIT, Shown, capped_join, cut, cut_path, escaped, line_flaw, quote,
    quote_code_points, shows_nothing, shows_nothing_message,
};

fn serialize_cut<S: serde::Serializer>(path: &str, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&cut_path(path))
}

/// A place in a YAML document: 1-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Position {
    /// Line, counting from 1.
    pub line: usize,
    /// Column, counting from 1.
    pub column: usize,
}

/// What kind of problem a [`Diagnostic`] reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DiagnosticKind {
    /// The text is not well-formed YAML, or is empty.
    Syntax,
    /// A mapping repeats a key.
    DuplicateKey,
    /// A field the format does not know.
    UnknownField,
    /// A value of the wrong type or shape for its field.
    InvalidValue,
    /// Two things of one kind share an id.
    DuplicateId,
    /// A reference to an item, standard, level, fact, kind or set that does not exist.
    UnknownReference,
    /// The levels are not in a total order.
    LevelOrder,
    /// A threshold or compared value whose type does not fit what it is compared with.
    ThresholdType,
    /// Not-applicable allowed where the item's kind forbids it, or answered where the item forbids it.
    NotApplicable,
    /// A cycle of references between levels or sets.
    Cycle,
    /// A rule that can never hold, such as 5 of a set of 3 items.
    Unsatisfiable,
    /// An answer of the wrong type for its item, or a fact of the wrong type.
    AnswerType,
    /// The assessment was answered against another policy or version.
    PolicyMismatch,
    /// The document exceeds a [`Limits`](crate::Limits) bound.
    Limit,
}

/// One problem found in a document: where it is, what it is, and a hint.
///
/// Displays as `file:line:column: path: message (hint: ...)`, one line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Diagnostic {
    /// The kind of problem.
    pub kind: DiagnosticKind,
    /// The file (or `<input>` for text given directly) the problem is in.
    /// The caller chose it, so it is serialized as given, for a reader to
    /// match; displayed, its control characters and invisible marks are
    /// escaped, since it may name an upload.
    pub origin: String,
    /// Where in the file, when known.
    pub position: Option<Position>,
    /// The YAML path of the offending node, such as `levels[2].requires[0]`;
    /// empty for the root. Held as read (but for a duplicate key's path
    /// over 4 KB, held cut and ending in `…`: keys that are aliases of long
    /// texts make such paths from little YAML); shown (displayed or serialized)
    /// cut to a fixed length and with control characters and invisible
    /// marks escaped (`\n`, `\u{feff}`), since it holds keys from the input.
    #[serde(serialize_with = "serialize_cut")]
    pub path: String,
    /// What is wrong, in one line. Values from the input in it are cut and
    /// escaped as the path is.
    pub message: String,
    /// How to fix it, when there is something to say.
    pub hint: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The origin may come from a caller's upload: escaped like a path.
        f.write_str(&escaped(&self.origin))?;
        if let Some(p) = self.position {
            write!(f, ":{}:{}", p.line, p.column)?;
        }
        f.write_str(": ")?;
        if !self.path.is_empty() {
            write!(f, "{}: ", cut_path(&self.path))?;
        }
        f.write_str(&self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " (hint: {hint})")?;
        }
        Ok(())
    }
}

/// Every problem found in one document, in document order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Diagnostics(pub(crate) Vec<Diagnostic>);

impl Diagnostics {
    /// The problems, in document order.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    /// How many problems there are (at least one).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always `false`: a `Diagnostics` value holds at least one problem.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

/// The message of the diagnostic that sums up `more` problems not listed.
fn more_message(more: usize) -> String {
    format!("and {more} more problems, not listed")
}

impl Diagnostics {
    /// The problems listed, and how many more the last one (see [`capped`])
    /// said were not.
    pub(crate) fn uncapped(mut self) -> (Vec<Diagnostic>, usize) {
        let more = self.0.last().and_then(|d| {
            let n = d
                .message
                .strip_prefix("and ")?
                .strip_suffix(" more problems, not listed")?
                .parse()
                .ok()?;
            (d.kind == DiagnosticKind::Limit
                && d.position.is_none()
                && d.path.is_empty()
                && d.message == more_message(n))
            .then_some(n)
        });
        if more.is_some() {
            self.0.pop();
        }
        (self.0, more.unwrap_or(0))
    }
}

/// The problems of one document, those past `Limits::max_diagnostics`
/// (`more` of them, only counted) summed up in one last diagnostic.
pub(crate) fn capped(mut errors: Vec<Diagnostic>, more: usize, origin: &str) -> Diagnostics {
    if more > 0 {
        let shown = errors.len();
        errors.push(Diagnostic {
            kind: DiagnosticKind::Limit,
            origin: origin.to_owned(),
            position: None,
            path: String::new(),
            message: more_message(more),
            hint: Some(format!(
                "only the first {shown} are listed; the limit is `Limits::max_diagnostics`"
            )),
        });
    }
    Diagnostics(errors)
}

/// The problems found in one document as they are found: the first
/// `Limits::max_diagnostics` kept in full, the rest only counted (see
/// [`capped`]); and what is left of its budget of "did you mean" searches
/// (`Limits::max_suggestions`).
#[derive(Debug)]
pub(crate) struct Found {
    list: Vec<Diagnostic>,
    more: usize,
    max: usize,
    suggestions: usize,
    /// Whether the problems are listed by position (else as found), and so
    /// those kept are the first by position.
    by_position: bool,
}

impl Found {
    pub(crate) fn new(max_diagnostics: usize, max_suggestions: usize, by_position: bool) -> Self {
        Self {
            list: Vec::new(),
            more: 0,
            // At least one is listed, whatever the limit.
            max: max_diagnostics.max(1),
            suggestions: max_suggestions,
            by_position,
        }
    }

    /// Keeps or counts one problem. Listed by position, up to twice the
    /// limit are held, then the first by position kept: memory stays within
    /// the limit and the work within a logarithm of it per problem.
    pub(crate) fn push(&mut self, d: Diagnostic) {
        if !self.by_position {
            if self.list.len() < self.max {
                self.list.push(d);
            } else {
                self.more += 1;
            }
            return;
        }
        self.list.push(d);
        if self.list.len() >= self.max.max(1).saturating_mul(2) {
            self.trim();
        }
    }

    /// Sorts by position and keeps the first `max`.
    fn trim(&mut self) {
        if self.by_position {
            // Stable: problems at one position stay in the order found.
            self.list.sort_by_key(|d| d.position);
        }
        if self.list.len() > self.max {
            self.more += self.list.len() - self.max;
            self.list.truncate(self.max);
        }
    }

    /// Counts `more` problems found but not kept, as past the limit.
    pub(crate) fn count(&mut self, more: usize) {
        self.more = self.more.saturating_add(more);
    }

    /// Whether no problem was found.
    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty() && self.more == 0
    }

    /// Whether a "did you mean" search may be made for one more unknown
    /// name, taking it from the budget.
    pub(crate) fn may_suggest(&mut self) -> bool {
        let left = self.suggestions > 0;
        self.suggestions = self.suggestions.saturating_sub(1);
        left
    }

    /// Spends the whole budget of "did you mean" searches.
    pub(crate) fn suggest_none(&mut self) {
        self.suggestions = 0;
    }

    /// The problems kept, and one more saying how many were left out.
    pub(crate) fn finish(mut self) -> Diagnostics {
        self.trim();
        let origin = self
            .list
            .first()
            .map(|d| d.origin.clone())
            .unwrap_or_default();
        capped(self.list, self.more, &origin)
    }
}

impl Extend<Diagnostic> for Found {
    fn extend<I: IntoIterator<Item = Diagnostic>>(&mut self, iter: I) {
        for d in iter {
            self.push(d);
        }
    }
}

/// Failure to load a policy or an assessment.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The file could not be read.
    #[error("cannot read {}: {source}", escaped(&path.to_string_lossy()))]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The document was read but is not valid; every problem found is listed.
    #[error("{0}")]
    Invalid(Diagnostics),
}

impl LoadError {
    /// The problems found, empty when the file could not be read at all.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            LoadError::Invalid(d) => &d.0,
            LoadError::Read { .. } => &[],
        }
    }
}

/// Failure to evaluate an assessment: input the policy cannot use.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EvalError {
    /// The assessment names a policy or version other than the one it was evaluated against.
    #[error("{0}")]
    PolicyMismatch(Box<Diagnostic>),
    /// Answers or facts the policy cannot use; every problem found is listed.
    #[error("{0}")]
    Invalid(Diagnostics),
}

impl EvalError {
    /// The problems found.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            EvalError::PolicyMismatch(d) => std::slice::from_ref(d),
            EvalError::Invalid(d) => &d.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostic_renders_on_one_line() {
        let d = Diagnostic {
            kind: DiagnosticKind::UnknownReference,
            origin: "p.yaml".into(),
            position: Some(Position { line: 3, column: 7 }),
            path: "levels[0].requires[1]".into(),
            message: "unknown level `parnter`".into(),
            hint: Some("did you mean `partner`?".into()),
        };
        assert_eq!(
            d.to_string(),
            "p.yaml:3:7: levels[0].requires[1]: unknown level `parnter` (hint: did you mean `partner`?)"
        );
        // An origin (a caller's upload name) and a path with line breaks.
        let d = Diagnostic {
            origin: "up\nload.yaml".into(),
            path: "answers.B.1.1\n".into(),
            ..d
        };
        assert_eq!(
            d.to_string(),
            "up\\nload.yaml:3:7: answers.B.1.1\\n: unknown level `parnter` (hint: did you mean `partner`?)"
        );
        // Serialized, the origin is as the caller gave it; the path, from
        // the input, is shown as displayed.
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!(json["origin"], "up\nload.yaml");
        assert_eq!(json["path"], "answers.B.1.1\\n");
    }
}
