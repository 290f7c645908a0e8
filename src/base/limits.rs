//! Limits on the size and shape of input, so that a service embedding the
//! crate stays up whatever arrives.

/// Limits on a document, checked before and while it is parsed.
///
/// The defaults are generous for real policies and assessments (MMP's policy
/// uses a few percent of each) and small enough that a hostile document fails
/// fast in bounded memory.
///
/// ```
/// let mut limits = qbm::Limits::default();
/// limits.max_input_bytes = 64 * 1024;
/// let loader = qbm::Loader::new().origin("upload.yaml").limits(limits);
/// let err = loader.assessment_str(&"#".repeat(70_000)).unwrap_err();
/// assert!(err.to_string().contains("over the limit"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// The largest document, in bytes. Default 4 MiB.
    pub max_input_bytes: usize,
    /// How deep mappings and lists may nest. Default 64. The YAML readers
    /// recurse once per level: the default fits a 1 MiB stack with room to
    /// spare, and much deeper documents need a larger one.
    pub max_depth: usize,
    /// How many nodes a document may have, counting what aliases repeat.
    /// Default 200,000.
    pub max_nodes: usize,
    /// How many entries one list or mapping may have. Default 20,000.
    pub max_entries: usize,
    /// The longest text value, in bytes. Default 16 KiB.
    pub max_string_bytes: usize,
    /// The longest id, in bytes. Default 128.
    pub max_id_bytes: usize,
    /// How many items a policy may have. Default 10,000.
    pub max_items: usize,
    /// How many levels a policy may have. Default 100.
    pub max_levels: usize,
    /// How many answers, and how many facts, an assessment may give.
    /// Default 10,000.
    pub max_answers: usize,
    /// How many levels held before an assessment's `membership.history`
    /// may list. Default 100. A program that changed level every month
    /// for eight years lists under a hundred; evaluation reads each entry
    /// once.
    pub max_history: usize,
    /// How many named sets a policy may have. Default 1,000.
    pub max_sets: usize,
    /// How deep sets may name sets (`s0` selects `{set: s1}`, which selects
    /// `{set: s2}`...), counting the first. Default 32. Resolving a set
    /// recurses once per set in such a chain, so this bounds the stack it
    /// takes, whatever [`Limits::max_sets`] is.
    pub max_set_depth: usize,
    /// How deep requirements may nest (`all`, `any`, `of`, `not`), counting
    /// the outermost. Default 32. Building, checking and evaluating a
    /// requirement recurse once per level: YAML nesting (`max_depth`) bounds
    /// it too, but only while that limit stays near its default; this holds
    /// whatever `max_depth` is.
    pub max_requirement_depth: usize,
    /// How many problems one document's error lists in full; past them, one
    /// more says how many were left out. Default 100; at least one is
    /// always listed.
    pub max_diagnostics: usize,
    /// For how many unknown names of one document a "did you mean" hint is
    /// looked for; later ones get none. Default 20. Each search looks only
    /// at known names of about the same length (see the README).
    pub max_suggestions: usize,
    /// How many times a document with unknown fields or values of the wrong
    /// type is read again, to find the next such problem. Serde stops at the
    /// first, so each reading leaves out one more place that failed (the
    /// problem's own, or a mapping it left without a required field) and
    /// reads the whole document again: a load costs at most this many
    /// readings more than one, each in time and memory linear in the
    /// document. Default 20; past it, one more problem says that more may
    /// follow.
    pub max_format_errors: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_input_bytes: 4 * 1024 * 1024,
            max_depth: 64,
            max_nodes: 200_000,
            max_entries: 20_000,
            max_string_bytes: 16 * 1024,
            max_id_bytes: 128,
            max_items: 10_000,
            max_levels: 100,
            max_answers: 10_000,
            max_history: 100,
            max_sets: 1_000,
            max_set_depth: 32,
            max_requirement_depth: 32,
            max_diagnostics: 100,
            max_suggestions: 20,
            max_format_errors: 20,
        }
    }
}

/// One diagnostic for a whole input (no YAML path).
fn whole_input(
    kind: crate::DiagnosticKind,
    origin: &str,
    position: Option<crate::base::error::Position>,
    message: String,
    hint: &str,
) -> crate::base::error::Diagnostic {
    crate::base::error::Diagnostic {
        kind,
        origin: origin.to_owned(),
        position,
        path: String::new(),
        message,
        hint: Some(hint.to_owned()),
    }
}

/// The problem with input of `size` bytes over the limit, if it is; `noun`
/// is what it is ("file" or "document"). Every loader checks size here.
pub(crate) fn over_size(
    size: u64,
    noun: &str,
    origin: &str,
    limits: &Limits,
) -> Option<crate::base::error::Diagnostic> {
    (size > limits.max_input_bytes as u64).then(|| {
        whole_input(
            crate::DiagnosticKind::Limit,
            origin,
            None,
            format!(
                "the {noun} is {size} bytes, over the limit of {}",
                limits.max_input_bytes
            ),
            "split it, or raise `Limits::max_input_bytes`",
        )
    })
}

/// [`over_size`] as a load error.
fn check_size(
    size: u64,
    noun: &str,
    origin: &str,
    limits: &Limits,
) -> Result<(), crate::LoadError> {
    match over_size(size, noun, origin, limits) {
        Some(d) => Err(crate::LoadError::Invalid(crate::base::error::Diagnostics(
            vec![d],
        ))),
        None => Ok(()),
    }
}

/// The error for bytes that stop being UTF-8 at `valid_up_to`, naming the
/// line and column (in characters, as every other position) where they break.
fn not_utf8(bytes: &[u8], valid_up_to: usize, noun: &str, origin: &str) -> crate::LoadError {
    // The bytes before `valid_up_to` are UTF-8: that is what it means.
    let before = bytes
        .get(..valid_up_to)
        .and_then(|b| std::str::from_utf8(b).ok())
        .unwrap_or_default();
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    crate::LoadError::Invalid(crate::base::error::Diagnostics(vec![whole_input(
        crate::DiagnosticKind::Syntax,
        origin,
        Some(crate::base::error::Position { line, column }),
        format!("the {noun} is not UTF-8 text"),
        "save it as UTF-8",
    )]))
}

/// Input bytes as text within the limits, naming where invalid UTF-8 starts.
pub(crate) fn text_of<'a>(
    bytes: &'a [u8],
    origin: &str,
    limits: &Limits,
) -> Result<&'a str, crate::LoadError> {
    check_size(bytes.len() as u64, "document", origin, limits)?;
    std::str::from_utf8(bytes).map_err(|e| not_utf8(bytes, e.valid_up_to(), "document", origin))
}

/// Why a file that is not a regular file is not read: opening a FIFO waits
/// for a writer, and a device such as `/dev/zero` never ends.
fn not_a_file(meta: &std::fs::Metadata) -> Option<std::io::Error> {
    let ty = meta.file_type();
    if ty.is_file() {
        return None;
    }
    let what = if ty.is_dir() {
        "a directory"
    } else {
        special_file(&ty).unwrap_or("not a regular file")
    };
    Some(std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        format!("it is {what}, not a regular file"),
    ))
}

/// What kind of special file it is, where the platform tells.
#[cfg(unix)]
fn special_file(ty: &std::fs::FileType) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    if ty.is_fifo() {
        Some("a FIFO")
    } else if ty.is_socket() {
        Some("a socket")
    } else if ty.is_block_device() || ty.is_char_device() {
        Some("a device")
    } else {
        None
    }
}

#[cfg(not(unix))]
fn special_file(_: &std::fs::FileType) -> Option<&'static str> {
    None
}

/// Reads a file as text within the limits, naming where invalid UTF-8 starts.
///
/// Only a regular file is read (a FIFO, device, socket or directory is
/// refused before reading, and checked again once open), and at most one
/// byte past [`Limits::max_input_bytes`] is read whatever size the file
/// reports: files in `/proc` report none, and a file may grow while read.
pub(crate) fn read_text(
    path: &std::path::Path,
    origin: &str,
    limits: &Limits,
) -> Result<String, crate::LoadError> {
    use std::io::Read as _;
    let read = |source| crate::LoadError::Read {
        path: path.to_owned(),
        source,
    };
    // Checked before opening: opening a FIFO would wait for a writer.
    if let Some(e) = not_a_file(&std::fs::metadata(path).map_err(read)?) {
        return Err(read(e));
    }
    let file = std::fs::File::open(path).map_err(read)?;
    // And again on what was opened, which may have replaced what was checked.
    let meta = file.metadata().map_err(read)?;
    if let Some(e) = not_a_file(&meta) {
        return Err(read(e));
    }
    // A file reported over the limit is not read at all.
    check_size(meta.len(), "file", origin, limits)?;
    let max = limits.max_input_bytes;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(max).min(max));
    file.take(u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(read)?;
    if bytes.len() > max {
        return Err(crate::LoadError::Invalid(crate::base::error::Diagnostics(
            vec![whole_input(
                crate::DiagnosticKind::Limit,
                origin,
                None,
                format!("the file is over the limit of {max} bytes (reading stopped there)"),
                "split it, or raise `Limits::max_input_bytes`",
            )],
        )));
    }
    String::from_utf8(bytes)
        .map_err(|e| not_utf8(e.as_bytes(), e.utf8_error().valid_up_to(), "file", origin))
}

#[cfg(test)]
mod tests {
    use super::Limits;
    use std::collections::BTreeMap;

    /// `4 MiB`, `16 KiB`, `200,000`: a default as the docs write it.
    fn read_number(text: &str) -> Option<usize> {
        let mut words = text.split_whitespace();
        let n: usize = words
            .next()?
            .trim_end_matches(['.', ';'])
            .replace(',', "")
            .parse()
            .ok()?;
        Some(match words.next() {
            Some(w) if w.starts_with("MiB") => n * 1024 * 1024,
            Some(w) if w.starts_with("KiB") => n * 1024,
            _ => n,
        })
    }

    /// Each field's "Default N" in its doc comment, from this file's source.
    fn documented_defaults() -> BTreeMap<String, Option<usize>> {
        let source = include_str!("limits.rs");
        let body = source
            .split("pub struct Limits {")
            .nth(1)
            .unwrap_or_default();
        let body = body.split("\n}").next().unwrap_or_default();
        let mut docs = String::new();
        let mut found = BTreeMap::new();
        for line in body.lines().map(str::trim) {
            if let Some(doc) = line.strip_prefix("///") {
                docs.push_str(doc);
                docs.push(' ');
            } else if let Some(field) = line.strip_prefix("pub ") {
                let name = field.split(':').next().unwrap_or_default().to_owned();
                let value = docs.split("Default ").nth(1).and_then(read_number);
                found.insert(name, value);
                docs.clear();
            }
        }
        found
    }

    /// The defaults themselves, read from `Debug` so a new field is seen.
    fn actual_defaults() -> BTreeMap<String, Option<usize>> {
        let text = format!("{:?}", Limits::default());
        let inner = text.split_once('{').map(|(_, r)| r).unwrap_or_default();
        inner
            .trim_end_matches(['}', ' '])
            .split(", ")
            .filter_map(|pair| pair.split_once(": "))
            .map(|(k, v)| (k.trim().to_owned(), v.parse().ok()))
            .collect()
    }

    #[test]
    fn every_limit_documents_its_default() {
        let actual = actual_defaults();
        assert_eq!(actual.len(), 16, "{actual:?}");
        assert_eq!(documented_defaults(), actual);
    }
}
