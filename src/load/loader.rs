//! One way to load: a [`Loader`] names the input and bounds it, and reads
//! policies, assessments, catalogs and policy test suites alike.

use std::path::Path;
use std::str::FromStr;

use crate::base::error::{EvalError, LoadError};
use crate::base::limits::{Limits, read_text, text_of};
use crate::load::builder::Builder;
use crate::load::raw::RawPolicy;
use crate::load::yaml;
use crate::model::assessment::Assessment;
use crate::model::policy::Policy;

/// What text and bytes are called in errors when the loader is given no name.
pub(crate) const UNNAMED: &str = "<input>";

/// Loads policies, assessments, catalogs and policy test suites: the name
/// the input goes by in errors, and the [`Limits`] it is read within.
///
/// A loader is made once and used for as many inputs as wanted (a service
/// keeps one with its limits). Text and bytes are named `<input>` unless
/// [`Loader::origin`] names them; a file is named by its path unless
/// [`Loader::origin`] names it. Every load checks the size first, then
/// parses within the limits, then validates, and reports every problem
/// found at once.
///
/// ```
/// use qbm::{Limits, Loader};
///
/// let mut limits = Limits::default();
/// limits.max_input_bytes = 64 * 1024;
/// let loader = Loader::new().origin("upload.yaml").limits(limits);
///
/// let program = loader.assessment_str("assessment: {program: Riverside}\nanswers: {B.1.1: met}\n")?;
/// assert_eq!(program.program(), "Riverside");
///
/// let err = loader.assessment_str(&"#".repeat(70_000)).unwrap_err();
/// assert!(err.to_string().starts_with("upload.yaml: the document is 70000 bytes, over the limit"));
/// # Ok::<(), qbm::LoadError>(())
/// ```
///
/// Text with the default name and limits parses directly:
///
/// ```
/// let program: qbm::Assessment = "assessment: {program: Riverside}\n".parse()?;
/// # Ok::<(), qbm::LoadError>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct Loader {
    origin: Option<String>,
    limits: Limits,
}

impl Loader {
    /// A loader with the default [`Limits`], naming text `<input>` and a
    /// file by its path.
    pub fn new() -> Self {
        Self::default()
    }

    /// Names the input in every error (a file name, an upload's name),
    /// instead of `<input>` or the path read.
    ///
    /// The name of a loaded policy is its [`Policy::origin`]. A catalog
    /// names each file by its path whatever this says.
    #[must_use]
    pub fn origin(mut self, origin: impl Into<String>) -> Self {
        self.origin = Some(origin.into());
        self
    }

    /// Reads within these limits instead of the defaults.
    #[must_use]
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The same limits and no name: what a catalog or suite reads each of
    /// its files with, each named by its path.
    pub(crate) fn unnamed(&self) -> Loader {
        Loader {
            origin: None,
            limits: self.limits.clone(),
        }
    }

    /// The limits input is read within.
    pub(crate) fn read_limits(&self) -> &Limits {
        &self.limits
    }

    /// The name for text and bytes.
    pub(crate) fn text_origin(&self) -> &str {
        self.origin.as_deref().unwrap_or(UNNAMED)
    }

    /// The name for the file at `path`.
    pub(crate) fn path_origin(&self, path: &Path) -> String {
        self.origin
            .clone()
            .unwrap_or_else(|| path.display().to_string())
    }

    /// Loads and validates a policy from YAML text.
    ///
    /// # Errors
    ///
    /// [`LoadError::Invalid`] listing every problem found: unknown fields
    /// (with the nearest known name), duplicate ids, unknown references,
    /// ranks that do not order the levels, thresholds of the wrong type,
    /// cycles, rules that can never hold (an empty `one_of`, a range upside
    /// down or outside what the fact takes, a renewal window not shorter
    /// than its term), an id, name or title that shows nothing (blank, or
    /// only invisible characters), ids that differ only in Unicode
    /// normalisation, an id, name, title, unit, choice or label that is
    /// not one line of visible text, and
    /// [`DiagnosticKind::Limit`](crate::DiagnosticKind::Limit) for a
    /// document past a limit.
    ///
    /// # Example
    ///
    /// ```
    /// let policy = qbm::Loader::new().policy_str(qbm::EMBEDDED[0].yaml())?;
    /// assert_eq!(policy.name(), "mmp-qbm");
    /// assert_eq!(policy.version().to_string(), "1.0.0");
    /// assert_eq!(policy.origin(), "<input>");
    /// # Ok::<(), qbm::LoadError>(())
    /// ```
    pub fn policy_str(&self, text: &str) -> Result<Policy, LoadError> {
        Policy::from_yaml(text, self.text_origin(), &self.limits)
    }

    /// Loads a policy from bytes as they arrive (an upload, a request body):
    /// the size is checked before anything else, and bytes that are not
    /// UTF-8 are refused with the line and column where they break.
    ///
    /// # Errors
    ///
    /// As [`Loader::policy_str`], and
    /// [`DiagnosticKind::Syntax`](crate::DiagnosticKind::Syntax) for bytes
    /// that are not UTF-8.
    ///
    /// # Example
    ///
    /// ```
    /// let upload = qbm::EMBEDDED[0].yaml().as_bytes();
    /// let policy = qbm::Loader::new().origin("upload").policy_bytes(upload)?;
    /// assert_eq!(policy.origin(), "upload");
    /// # Ok::<(), qbm::LoadError>(())
    /// ```
    pub fn policy_bytes(&self, bytes: &[u8]) -> Result<Policy, LoadError> {
        self.bytes_with(bytes, Policy::from_yaml)
    }

    /// Reads, loads and validates a policy file. A file over
    /// [`Limits::max_input_bytes`] is refused before it is read.
    ///
    /// # Errors
    ///
    /// [`LoadError::Read`] when the file cannot be read, otherwise as
    /// [`Loader::policy_bytes`], with the path (or the loader's name) in
    /// every diagnostic.
    pub fn policy_path(&self, path: impl AsRef<Path>) -> Result<Policy, LoadError> {
        self.path_with(path.as_ref(), Policy::from_yaml)
    }

    /// Loads an assessment from YAML text.
    ///
    /// Checks the format alone; whether the items and facts exist in a policy
    /// is checked by [`Policy::evaluate`].
    ///
    /// # Errors
    ///
    /// [`LoadError::Invalid`] for YAML that is not an assessment: unknown
    /// fields, a program name that is empty or shows nothing (blank, or
    /// only invisible characters), an answer that is not `met`, `not_met`,
    /// `in_progress`, `not_applicable` or a number, duplicate keys, and
    /// [`DiagnosticKind::Limit`](crate::DiagnosticKind::Limit) for a
    /// document past a limit.
    ///
    /// # Example
    ///
    /// ```
    /// let a = qbm::Loader::new().assessment_str(
    ///     "assessment: {program: Riverside}\nanswers: {B.1.1: met, B.3.1: 2.5}\n",
    /// )?;
    /// assert_eq!(a.answer("B.3.1"), Some(qbm::Answer::Number(2.5)));
    /// # Ok::<(), qbm::LoadError>(())
    /// ```
    pub fn assessment_str(&self, text: &str) -> Result<Assessment, LoadError> {
        Assessment::from_yaml(text, self.text_origin(), &self.limits)
    }

    /// Loads an assessment from bytes as they arrive (an upload, a request
    /// body): the size is checked before anything else, and bytes that are
    /// not UTF-8 are refused with the line and column where they break.
    ///
    /// # Errors
    ///
    /// As [`Loader::assessment_str`], and
    /// [`DiagnosticKind::Syntax`](crate::DiagnosticKind::Syntax) for bytes
    /// that are not UTF-8.
    ///
    /// # Example
    ///
    /// ```
    /// let body: &[u8] = b"assessment: {program: Caf\xe9 Mentors}\n";
    /// let err = qbm::Loader::new().origin("upload").assessment_bytes(body).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "upload:1:26: the document is not UTF-8 text (hint: save it as UTF-8)"
    /// );
    /// ```
    pub fn assessment_bytes(&self, bytes: &[u8]) -> Result<Assessment, LoadError> {
        self.bytes_with(bytes, Assessment::from_yaml)
    }

    /// Reads and loads an assessment file. A file over
    /// [`Limits::max_input_bytes`] is refused before it is read.
    ///
    /// # Errors
    ///
    /// [`LoadError::Read`] when the file cannot be read, otherwise as
    /// [`Loader::assessment_bytes`].
    pub fn assessment_path(&self, path: impl AsRef<Path>) -> Result<Assessment, LoadError> {
        self.path_with(path.as_ref(), Assessment::from_yaml)
    }

    /// Loads an assessment from YAML text and checks it with `check`, such
    /// as binding it to the policy that will evaluate it, so that one run
    /// reports every problem: the document's own (unknown fields, wrong
    /// values, its checks) and the check's (an answer to an item the
    /// policy does not have, an unknown fact, a value a fact does not
    /// take), all by position. `check` sees what was read, with what was
    /// refused left out.
    ///
    /// # Errors
    ///
    /// As [`Loader::assessment_str`], with the check's problems among them.
    ///
    /// # Example
    ///
    /// ```
    /// let policy = qbm::Policy::builtin()?;
    /// let text = "assessment: {program: Riverside, colour: blue}\n\
    ///             facts: {formal_program: maybe}\nanswers: {B.1.9: met}\n";
    /// let err = qbm::Loader::new()
    ///     .assessment_str_checked(text, |a| policy.evaluator().decide(a).map(drop))
    ///     .unwrap_err();
    /// // The unknown field, the fact's value and the unknown item, in one run.
    /// assert_eq!(err.diagnostics().len(), 3, "{err}");
    /// # Ok::<(), qbm::LoadError>(())
    /// ```
    pub fn assessment_str_checked(
        &self,
        text: &str,
        check: impl FnOnce(&Assessment) -> Result<(), EvalError>,
    ) -> Result<Assessment, LoadError> {
        Assessment::from_yaml_checked(text, self.text_origin(), &self.limits, check)
    }

    /// [`Loader::assessment_str_checked`] for a file, read as
    /// [`Loader::assessment_path`] reads it.
    ///
    /// # Errors
    ///
    /// As [`Loader::assessment_path`], with the check's problems among them.
    pub fn assessment_path_checked(
        &self,
        path: impl AsRef<Path>,
        check: impl FnOnce(&Assessment) -> Result<(), EvalError>,
    ) -> Result<Assessment, LoadError> {
        let origin = self.path_origin(path.as_ref());
        let text = read_text(path.as_ref(), &origin, &self.limits)?;
        Assessment::from_yaml_checked(&text, &origin, &self.limits, check)
    }

    /// Bytes as they arrive, checked for size and UTF-8, then read by `load`.
    fn bytes_with<T>(&self, bytes: &[u8], load: Read<T>) -> Result<T, LoadError> {
        let origin = self.text_origin();
        load(text_of(bytes, origin, &self.limits)?, origin, &self.limits)
    }

    /// The file at `path`, read within the limits, then read by `load`.
    fn path_with<T>(&self, path: &Path, load: Read<T>) -> Result<T, LoadError> {
        let origin = self.path_origin(path);
        let text = read_text(path, &origin, &self.limits)?;
        load(&text, &origin, &self.limits)
    }
}

/// One format's reader: text, the name it is given, the limits.
type Read<T> = fn(&str, &str, &Limits) -> Result<T, LoadError>;

impl FromStr for Policy {
    type Err = LoadError;

    /// Loads a policy from YAML text, named `<input>` in errors, within the
    /// default [`Limits`]; as [`Loader::policy_str`].
    fn from_str(text: &str) -> Result<Self, LoadError> {
        Loader::new().policy_str(text)
    }
}

impl FromStr for Assessment {
    type Err = LoadError;

    /// Loads an assessment from YAML text, named `<input>` in errors, within
    /// the default [`Limits`]; as [`Loader::assessment_str`].
    fn from_str(text: &str) -> Result<Self, LoadError> {
        Loader::new().assessment_str(text)
    }
}

/// A policy shipped inside the crate, so that nothing on disk is needed.
#[derive(Clone, Copy, Debug)]
pub struct Embedded {
    name: &'static str,
    version: (u64, u64, u64),
    yaml: &'static str,
}

const MMP_1: Embedded = Embedded {
    name: "mmp-qbm",
    version: (1, 0, 0),
    yaml: include_str!("../../standards/mmp-qbm-1.0.0.yaml"),
};

const MMP_2: Embedded = Embedded {
    name: "mmp-qbm",
    version: (2, 0, 0),
    yaml: include_str!("../../standards/mmp-qbm-2.0.0.yaml"),
};

/// The policies embedded in the crate: every version of MMP's policy, oldest first.
///
/// ```
/// let versions: Vec<String> = qbm::EMBEDDED.iter().map(|e| format!("{} {}", e.name(), e.version())).collect();
/// assert_eq!(versions, ["mmp-qbm 1.0.0", "mmp-qbm 2.0.0"]);
/// ```
pub const EMBEDDED: &[Embedded] = &[MMP_1, MMP_2];

/// The newest embedded policy, [`Policy::builtin`].
const NEWEST: Embedded = MMP_2;

impl Embedded {
    /// The policy's name, as its file gives it.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The policy's version, as its file gives it.
    pub fn version(&self) -> semver::Version {
        let (major, minor, patch) = self.version;
        semver::Version::new(major, minor, patch)
    }

    /// The policy's YAML text.
    pub fn yaml(&self) -> &'static str {
        self.yaml
    }

    /// Loads the embedded policy, named `mmp-qbm 2.0.0 (embedded)` (its
    /// name and version) in errors and as its [`Policy::origin`].
    ///
    /// # Errors
    ///
    /// None in practice: the crate's tests load every embedded policy and
    /// check its name and version.
    pub fn load(&self) -> Result<Policy, LoadError> {
        Loader::new()
            .origin(format!("{} {} (embedded)", self.name, self.version()))
            .policy_str(self.yaml)
    }
}

impl Policy {
    /// Loads and validates a policy from YAML text named `origin` in errors,
    /// within `limits`: the one loader behind [`Loader`](crate::Loader)'s
    /// policy methods and `str::parse`.
    pub(crate) fn from_yaml(text: &str, origin: &str, limits: &Limits) -> Result<Self, LoadError> {
        let (raw, map, unread) =
            yaml::parse_all::<RawPolicy>(text, origin, limits).map_err(LoadError::Invalid)?;
        // Every problem in one run: those of meaning with the unknown
        // fields and wrong values found on the way.
        let built = Builder::new(&map, limits)
            .build(raw)
            .map_err(LoadError::Invalid);
        let mut policy = unread.finish(built)?;
        policy.origin = origin.to_owned();
        Ok(policy)
    }

    /// The newest MMP Quality-Based Membership policy embedded in the crate.
    ///
    /// [`Catalog::builtin`](crate::Catalog::builtin) holds every embedded
    /// version, for assessments answered against an older one.
    ///
    /// # Errors
    ///
    /// None in practice: the embedded text is validated by the crate's tests.
    /// The `Result` stays so that no code path can panic.
    ///
    /// # Example
    ///
    /// ```
    /// let policy = qbm::Policy::builtin()?;
    /// let levels: Vec<&str> = policy.levels().iter().map(|l| l.id().as_str()).collect();
    /// assert_eq!(levels, ["affiliate", "associate_partner", "partner"]);
    /// # Ok::<(), qbm::LoadError>(())
    /// ```
    pub fn builtin() -> Result<Self, LoadError> {
        NEWEST.load()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_policies_are_what_they_say() {
        for e in EMBEDDED {
            let policy = e.load().unwrap();
            assert_eq!(policy.name(), e.name());
            assert_eq!(policy.version(), &e.version());
        }
        assert_eq!(EMBEDDED.last().map(|e| e.version()), Some(NEWEST.version()));
        assert_eq!(
            Policy::builtin().unwrap().origin(),
            "mmp-qbm 2.0.0 (embedded)"
        );
    }

    #[test]
    fn an_origin_names_text_and_files() {
        let text = "assessment: {program: ''}\n";
        let unnamed = Loader::new().assessment_str(text).unwrap_err();
        assert!(unnamed.to_string().starts_with("<input>:"), "{unnamed}");
        let named = Loader::new().origin("up.yaml");
        let err = named.assessment_str(text).unwrap_err();
        assert!(err.to_string().starts_with("up.yaml:"), "{err}");
        let err = named.assessment_bytes(text.as_bytes()).unwrap_err();
        assert!(err.to_string().starts_with("up.yaml:"), "{err}");
        let dir = std::env::temp_dir().join(format!("qbm-loader-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("a.yaml");
        std::fs::write(&file, text).unwrap();
        let by_path = Loader::new().assessment_path(&file).unwrap_err();
        assert!(
            by_path.to_string().starts_with(&file.display().to_string()),
            "{by_path}"
        );
        let err = named.assessment_path(&file).unwrap_err();
        assert!(err.to_string().starts_with("up.yaml:"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
