//! Loading a policy: from text, bytes or a file, and the policies embedded
//! in the crate.

use std::path::Path;

use super::builder::Builder;
use crate::error::{Diagnostics, LoadError};
use crate::limits::{Limits, read_text, text_of};
use crate::policy::Policy;
use crate::raw::RawPolicy;
use crate::yaml;

/// A policy file shipped inside the crate, so that nothing on disk is needed.
#[derive(Clone, Copy, Debug)]
pub struct Embedded {
    /// Where the file lives in the crate's repository, such as `standards/mmp-qbm-2.0.0.yaml`.
    pub path: &'static str,
    /// Its text.
    pub yaml: &'static str,
}

/// The policies embedded in the crate: every version of MMP's policy, oldest first.
pub const EMBEDDED: &[Embedded] = &[
    Embedded {
        path: "standards/mmp-qbm-1.0.0.yaml",
        yaml: include_str!("../../standards/mmp-qbm-1.0.0.yaml"),
    },
    Embedded {
        path: "standards/mmp-qbm-2.0.0.yaml",
        yaml: include_str!("../../standards/mmp-qbm-2.0.0.yaml"),
    },
];

impl Embedded {
    /// Loads the embedded policy.
    ///
    /// # Errors
    ///
    /// None in practice: the crate's tests load every embedded policy.
    pub fn load(&self) -> Result<Policy, LoadError> {
        Policy::from_yaml_named(self.yaml, &format!("{} (embedded)", self.path))
    }
}

impl Policy {
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
    /// normalisation, and an id, name, title, unit, choice or label that is
    /// not one line of visible text.
    ///
    /// # Example
    ///
    /// ```
    /// let policy = qbm::Policy::from_yaml_str(qbm::EMBEDDED[0].yaml)?;
    /// assert_eq!(policy.name(), "mmp-qbm");
    /// assert_eq!(policy.version().to_string(), "1.0.0");
    /// # Ok::<(), qbm::LoadError>(())
    /// ```
    pub fn from_yaml_str(text: &str) -> Result<Self, LoadError> {
        Self::from_yaml_named(text, "<input>")
    }

    /// Like [`Policy::from_yaml_str`], naming the text `origin` in errors.
    ///
    /// # Errors
    ///
    /// As [`Policy::from_yaml_str`].
    pub fn from_yaml_named(text: &str, origin: &str) -> Result<Self, LoadError> {
        Self::from_yaml_with_limits(text, origin, &Limits::default())
    }

    /// Like [`Policy::from_yaml_named`], within the given [`Limits`].
    ///
    /// # Errors
    ///
    /// As [`Policy::from_yaml_str`], and [`DiagnosticKind::Limit`](crate::DiagnosticKind::Limit)
    /// for a document past a limit.
    pub fn from_yaml_with_limits(
        text: &str,
        origin: &str,
        limits: &Limits,
    ) -> Result<Self, LoadError> {
        let (raw, map) =
            yaml::parse::<RawPolicy>(text, origin, limits).map_err(LoadError::Invalid)?;
        let mut policy = Builder::new(&map, limits)
            .build(raw)
            .map_err(LoadError::Invalid)?;
        policy.origin = origin.to_owned();
        Ok(policy)
    }

    /// Loads a policy from bytes as they arrive (an upload, a request body),
    /// within the given [`Limits`]: the size is checked before anything
    /// else, and bytes that are not UTF-8 are refused with the line and
    /// column where they break.
    ///
    /// # Errors
    ///
    /// As [`Policy::from_yaml_with_limits`], and
    /// [`DiagnosticKind::Syntax`](crate::DiagnosticKind::Syntax) for bytes
    /// that are not UTF-8.
    ///
    /// # Example
    ///
    /// ```
    /// use qbm::{Limits, Policy};
    ///
    /// let policy = Policy::from_yaml_bytes(qbm::EMBEDDED[0].yaml.as_bytes(), "upload", &Limits::default())?;
    /// assert_eq!(policy.origin(), "upload");
    /// # Ok::<(), qbm::LoadError>(())
    /// ```
    pub fn from_yaml_bytes(bytes: &[u8], origin: &str, limits: &Limits) -> Result<Self, LoadError> {
        let text = text_of(bytes, origin, limits)?;
        Self::from_yaml_with_limits(text, origin, limits)
    }

    /// Reads, loads and validates a policy file.
    ///
    /// # Errors
    ///
    /// [`LoadError::Read`] when the file cannot be read, otherwise as
    /// [`Policy::from_yaml_str`], with the path in every diagnostic.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self, LoadError> {
        Self::from_path_with_limits(path, &Limits::default())
    }

    /// Like [`Policy::from_path`], within the given [`Limits`]: a file over
    /// `max_input_bytes` is refused before it is read.
    ///
    /// # Errors
    ///
    /// As [`Policy::from_path`], and
    /// [`DiagnosticKind::Limit`](crate::DiagnosticKind::Limit) for a file
    /// past a limit.
    pub fn from_path_with_limits(
        path: impl AsRef<Path>,
        limits: &Limits,
    ) -> Result<Self, LoadError> {
        let path = path.as_ref();
        let text = read_text(path, limits)?;
        Self::from_yaml_with_limits(&text, &path.display().to_string(), limits)
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
        match EMBEDDED.last() {
            Some(newest) => newest.load(),
            None => Err(LoadError::Invalid(Diagnostics(Vec::new()))),
        }
    }
}
