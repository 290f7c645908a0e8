//! A catalog of policies: several names, several versions each, resolved by
//! name and semver requirement.

use std::fmt;
use std::path::Path;

use semver::{Version, VersionReq};

use crate::base::error::{
    Diagnostic, DiagnosticKind, EvalError, LoadError, capped_join, cut, escaped, quote,
};
use crate::base::suggest::{did_you_mean_or_list, quoted_list};
use crate::load::loader::Loader;
use crate::load::loader::{EMBEDDED, Embedded};
use crate::model::assessment::Assessment;
use crate::model::policy::Policy;
use crate::report::evaluation::Evaluation;

/// Policies by name and version.
///
/// ```
/// use qbm::Catalog;
///
/// let catalog = Catalog::builtin()?;
/// let v1 = catalog.resolve("mmp-qbm", &"^1".parse()?)?;
/// assert_eq!(v1.version().to_string(), "1.0.0");
/// let newest = catalog.resolve("mmp-qbm", &"*".parse()?)?;
/// assert_eq!(newest.version().to_string(), "2.0.0");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    /// INVARIANT: sorted by name, then version; no (name, version) twice.
    policies: Vec<Policy>,
}

/// Failure to build a catalog, resolve a policy in it, or evaluate through it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CatalogError {
    /// The directory could not be read.
    #[error("cannot read directory {}: {source}", escaped(&path.to_string_lossy()))]
    Read {
        /// The directory.
        path: std::path::PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Some policy files did not load, or define a name and version that
    /// another file defines: every problem in the directory, each file's
    /// errors first, then the duplicates.
    #[error("{}", load_lines(errors, duplicates))]
    Load {
        /// One error per file that failed, with all of its problems.
        errors: Vec<LoadError>,
        /// Each name and version defined again, by the file that did.
        duplicates: Vec<Duplicate>,
    },
    /// [`Catalog::add`] was given a name and version the catalog holds.
    #[error("{0}")]
    Duplicate(Duplicate),
    /// No policy has that name.
    #[error("{}", self.shown())]
    UnknownPolicy {
        /// The name asked for.
        name: String,
        /// The nearest name, or the names there are.
        hint: Option<String>,
    },
    /// The policy exists, but no version matches the requirement.
    #[error("{}", self.shown())]
    NoMatch {
        /// The policy's name.
        name: String,
        /// The requirement.
        requirement: VersionReq,
        /// The versions the catalog holds, oldest first.
        available: Vec<Version>,
    },
    /// The assessment names no policy, and the catalog holds more than one
    /// name, or none.
    #[error("{}", self.shown())]
    NoPolicyNamed {
        /// The program.
        program: String,
        /// The names the catalog holds, sorted.
        names: Vec<String>,
    },
    /// [`Catalog::evaluate`] was given an assessment that names a policy or
    /// versions the catalog cannot give ([`CatalogError::UnknownPolicy`],
    /// [`CatalogError::NoMatch`] or [`CatalogError::NoPolicyNamed`], its
    /// `cause`): the same error, placed where the assessment names them.
    #[error("{diagnostic}")]
    Unresolved {
        /// Where in the assessment, and what.
        diagnostic: Box<Diagnostic>,
        /// What the catalog could not give.
        #[source]
        cause: Box<CatalogError>,
    },
    /// The policy was found, but the assessment does not fit it.
    #[error(transparent)]
    Eval(#[from] EvalError),
}

/// A policy name and version defined twice.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "policy {} {} is defined twice, in {} and {}",
    quote(name),
    cut(&version.to_string()),
    escaped(first),
    escaped(second)
)]
#[non_exhaustive]
pub struct Duplicate {
    /// The policy's name.
    pub name: String,
    /// Its version.
    pub version: Version,
    /// Where it was first defined.
    pub first: String,
    /// Where it was defined again.
    pub second: String,
}

impl CatalogError {
    /// For an error naming what the catalog cannot give: its kind, message
    /// and hint, as a diagnostic in the assessment that asked shows them.
    fn unresolved(&self) -> Option<(DiagnosticKind, String, Option<String>)> {
        match self {
            CatalogError::UnknownPolicy { name, hint } => Some((
                DiagnosticKind::UnknownReference,
                format!("no policy named {} in the catalog", quote(name)),
                hint.clone(),
            )),
            CatalogError::NoMatch {
                name,
                requirement,
                available,
            } => Some((
                DiagnosticKind::PolicyMismatch,
                format!(
                    "no version of {} matches {}",
                    quote(name),
                    quote(&requirement.to_string())
                ),
                Some(format!(
                    "the catalog holds versions {}",
                    list_versions(available)
                )),
            )),
            CatalogError::NoPolicyNamed { program, names } => Some((
                DiagnosticKind::InvalidValue,
                format!("the assessment of {} names no policy", quote(program)),
                Some(match names.as_slice() {
                    [] => "the catalog holds no policies".to_owned(),
                    _ => format!(
                        "add `policy:` under `assessment:`; the catalog holds {}",
                        quoted_list(names)
                    ),
                }),
            )),
            _ => None,
        }
    }

    /// The message and hint of [`CatalogError::unresolved`] on one line.
    fn shown(&self) -> String {
        match self.unresolved() {
            Some((_, message, Some(hint))) => format!("{message} (hint: {hint})"),
            Some((_, message, None)) => message,
            None => String::new(),
        }
    }

    /// Places an error naming what the catalog cannot give in the
    /// assessment, at `path`; any other error is returned as it is.
    fn placed(self, assessment: &Assessment, path: &str) -> Self {
        match self.unresolved() {
            Some((kind, message, hint)) => CatalogError::Unresolved {
                diagnostic: Box::new(assessment.source.diag(kind, path, message, hint)),
                cause: Box::new(self),
            },
            None => self,
        }
    }
}

fn load_lines(errors: &[LoadError], duplicates: &[Duplicate]) -> String {
    let errors = errors.iter().map(ToString::to_string);
    let duplicates = duplicates.iter().map(ToString::to_string);
    errors.chain(duplicates).collect::<Vec<_>>().join("\n")
}

fn list_versions(v: &[Version]) -> String {
    if v.is_empty() {
        return "none".into();
    }
    capped_join(v.iter().map(|v| cut(&v.to_string()).into_owned()), ", ")
}

impl Catalog {
    /// An empty catalog.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every policy embedded in the crate: each version of MMP's policy.
    ///
    /// # Errors
    ///
    /// None in practice: the crate's tests load every embedded policy.
    pub fn builtin() -> Result<Self, CatalogError> {
        Self::gather(EMBEDDED.iter().map(Embedded::load))
    }

    /// A catalog of the policies that loaded, or every problem: the load
    /// errors and the duplicates.
    fn gather(
        loaded: impl Iterator<Item = Result<Policy, LoadError>>,
    ) -> Result<Self, CatalogError> {
        let mut catalog = Self::new();
        let mut errors = Vec::new();
        let mut duplicates = Vec::new();
        for policy in loaded {
            match policy.map(|p| catalog.insert(p)) {
                Ok(Ok(())) => {}
                Ok(Err(d)) => duplicates.push(d),
                Err(e) => errors.push(e),
            }
        }
        if errors.is_empty() && duplicates.is_empty() {
            Ok(catalog)
        } else {
            Err(CatalogError::Load { errors, duplicates })
        }
    }

    /// Loads with `load` every `.yaml` and `.yml` file directly inside
    /// `dir`, except policy test suites (`*.tests.yaml`): the directory
    /// half of [`Loader::catalog_dir`](crate::Loader::catalog_dir).
    fn load_dir(
        dir: &Path,
        load: impl Fn(&Path) -> Result<Policy, LoadError>,
    ) -> Result<Self, CatalogError> {
        let read = |source| CatalogError::Read {
            path: dir.to_owned(),
            source,
        };
        let mut paths = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(read)? {
            let path = entry.map_err(read)?.path();
            let yaml = path.extension().is_some_and(|e| e == "yaml" || e == "yml");
            // Policy test suites live beside their policies.
            let suite = path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.contains(".tests."));
            if yaml && !suite && path.is_file() {
                paths.push(path);
            }
        }
        // Directory order varies by platform; sorted order keeps errors stable.
        paths.sort();
        Self::gather(paths.iter().map(|path| load(path)))
    }

    /// Adds a policy.
    ///
    /// # Errors
    ///
    /// [`CatalogError::Duplicate`] if the catalog holds the same name and version.
    pub fn add(&mut self, policy: Policy) -> Result<(), CatalogError> {
        self.insert(policy).map_err(CatalogError::Duplicate)
    }

    fn insert(&mut self, policy: Policy) -> Result<(), Duplicate> {
        let key = |p: &Policy| (p.name().to_owned(), p.version().clone());
        match self
            .policies
            .binary_search_by(|p| key(p).cmp(&key(&policy)))
        {
            Ok(at) => Err(Duplicate {
                name: policy.name().to_owned(),
                version: policy.version().clone(),
                first: self
                    .policies
                    .get(at)
                    .map(|p| p.origin().to_owned())
                    .unwrap_or_default(),
                second: policy.origin().to_owned(),
            }),
            Err(at) => {
                self.policies.insert(at, policy);
                Ok(())
            }
        }
    }

    /// Every policy, by name and then version, oldest first.
    pub fn policies(&self) -> impl Iterator<Item = &Policy> {
        self.policies.iter()
    }

    /// The policy with exactly this name and version.
    pub fn get(&self, name: &str, version: &Version) -> Option<&Policy> {
        self.policies
            .iter()
            .find(|p| p.name() == name && p.version() == version)
    }

    /// The newest version matching `requirement`, following Cargo's rules:
    /// a pre-release matches only a requirement that names a pre-release of
    /// the same major, minor and patch.
    ///
    /// # Errors
    ///
    /// [`CatalogError::UnknownPolicy`] (with the nearest name) or
    /// [`CatalogError::NoMatch`] listing the versions present.
    pub fn resolve(&self, name: &str, requirement: &VersionReq) -> Result<&Policy, CatalogError> {
        let versions: Vec<&Policy> = self.policies.iter().filter(|p| p.name() == name).collect();
        if versions.is_empty() {
            let mut names: Vec<&str> = self.policies.iter().map(Policy::name).collect();
            names.dedup();
            let hint = if names.is_empty() {
                Some("the catalog holds no policies".to_owned())
            } else {
                did_you_mean_or_list(name, "policies", names)
            };
            return Err(CatalogError::UnknownPolicy {
                name: name.to_owned(),
                hint,
            });
        }
        versions
            .iter()
            .rev()
            .find(|p| requirement.matches(p.version()))
            .copied()
            .ok_or_else(|| CatalogError::NoMatch {
                name: name.to_owned(),
                requirement: requirement.clone(),
                available: versions.iter().map(|p| p.version().clone()).collect(),
            })
    }

    /// Evaluates an assessment against the policy it names, at the newest
    /// version its requirement allows (any version when it states none).
    ///
    /// # Errors
    ///
    /// [`CatalogError::Unresolved`], placed where the assessment names its
    /// policy or versions, when the catalog cannot give them: its cause is
    /// [`Catalog::resolve`]'s error, or [`CatalogError::NoPolicyNamed`] when
    /// the assessment names no policy and the catalog holds several names
    /// or none. [`CatalogError::Eval`] from [`Policy::evaluate`].
    ///
    /// ```
    /// let catalog = qbm::Catalog::builtin()?;
    /// let a = qbm::Loader::new()
    ///     .origin("upload.yaml")
    ///     .assessment_str("assessment:\n  program: P\n  policy: mmp-qbm\n  version: ^3\n")?;
    /// assert_eq!(
    ///     catalog.evaluate(&a).unwrap_err().to_string(),
    ///     "upload.yaml:4:3: assessment.version: no version of `mmp-qbm` matches `^3` \
    ///      (hint: the catalog holds versions 1.0.0, 2.0.0)"
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn evaluate(&self, assessment: &Assessment) -> Result<Evaluation, CatalogError> {
        let name = match assessment.policy() {
            Some(n) => n.to_owned(),
            None => {
                let mut names: Vec<&str> = self.policies.iter().map(Policy::name).collect();
                names.dedup();
                match names.as_slice() {
                    [one] => (*one).to_owned(),
                    _ => {
                        let error = CatalogError::NoPolicyNamed {
                            program: assessment.program().to_owned(),
                            names: names.iter().map(|&n| n.to_owned()).collect(),
                        };
                        return Err(error.placed(assessment, "assessment"));
                    }
                }
            }
        };
        let requirement = assessment.version().cloned().unwrap_or(VersionReq::STAR);
        let policy = self.resolve(&name, &requirement).map_err(|e| {
            let path = match e {
                CatalogError::NoMatch { .. } if assessment.version().is_some() => {
                    "assessment.version"
                }
                _ if assessment.policy().is_some() => "assessment.policy",
                _ => "assessment",
            };
            e.placed(assessment, path)
        })?;
        Ok(policy.evaluate(assessment)?)
    }
}

impl fmt::Display for Catalog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<String> = self.policies.iter().map(ToString::to_string).collect();
        f.write_str(&names.join(", "))
    }
}

/// Loading it (the rest of the [`Loader`] is in `load`).
impl Loader {
    /// Loads every `.yaml` and `.yml` file directly inside `dir` as a policy,
    /// except policy test suites (`*.tests.yaml`), each within the loader's
    /// limits and named by its path.
    ///
    /// # Errors
    ///
    /// [`CatalogError::Read`] if the directory cannot be listed;
    /// [`CatalogError::Load`] listing every file that failed, each with all
    /// its problems (a file past a limit is one of them), and every name
    /// and version defined twice.
    pub fn catalog_dir(&self, dir: impl AsRef<Path>) -> Result<Catalog, CatalogError> {
        let each = self.unnamed();
        Catalog::load_dir(dir.as_ref(), |path| each.policy_path(path))
    }
}
