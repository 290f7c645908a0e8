//! Runs a policy test suite and reports case by case.
//!
//! ```text
//! cargo run --example policy_test -- standards/mmp-qbm-2.0.0.tests.yaml
//! cargo run --example policy_test -- my-policy.tests.yaml --policy my-policy.yaml
//! cargo run --example policy_test -- my-policy.tests.yaml --catalog my-policies/
//! ```
//!
//! The policy is the file given with `--policy`; without it, the one the
//! suite names (`policy:`) at the newest version its `version:` allows (any,
//! when it gives none), among the policies built into `qbm` and those in
//! each `--catalog DIR` (every `.yaml` there but `*.tests.yaml` is read as a
//! policy; one there replaces a built-in one of the same name and version).
//! The suite is checked against the policy before any case runs.
//!
//! Exit status: 0 when every case passes, 1 when one fails, 2 on bad input
//! or usage (a suite that does not load or does not fit its policy, a policy
//! not found), reported on standard error as `error: ...`.

use std::process::ExitCode;

mod common;
use common::emit;

use qbm::{Catalog, Loader, Policy, PolicySuite};

const USAGE: &str =
    "usage: policy_test SUITE.tests.yaml [--policy POLICY.yaml | --catalog DIR ...]";

fn main() -> ExitCode {
    common::checked(run())
}

/// What the command line asks for.
struct Args {
    suite: String,
    policy: Option<String>,
    catalogs: Vec<String>,
}

fn args() -> Result<Option<Args>, String> {
    let mut suite = None;
    let mut policy = None;
    let mut catalogs = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--policy" => policy = Some(args.next().ok_or(USAGE)?),
            "--catalog" => catalogs.push(args.next().ok_or(USAGE)?),
            "-h" | "--help" => {
                emit(format_args!("{USAGE}\n"))?;
                return Ok(None);
            }
            other if other.starts_with('-') => {
                return Err(format!("unknown option `{other}`\n{USAGE}"));
            }
            other if suite.is_none() => suite = Some(other.to_owned()),
            _ => return Err(USAGE.into()),
        }
    }
    if policy.is_some() && !catalogs.is_empty() {
        return Err(format!(
            "give the policy with `--policy` or where to find it with `--catalog`, not both\n{USAGE}"
        ));
    }
    Ok(Some(Args {
        suite: suite.ok_or(USAGE)?,
        policy,
        catalogs,
    }))
}

fn run() -> Result<bool, String> {
    let Some(args) = args()? else {
        return Ok(true);
    };
    let given = match &args.policy {
        Some(p) => Some(Loader::new().policy_path(p).map_err(|e| e.to_string())?),
        None => None,
    };
    // The suite's own problems and those against its policy, in one run:
    // the policy is found (or given) and the suite checked against it as
    // it loads.
    let mut found: Option<Result<Policy, String>> = None;
    let loaded = Loader::new().suite_path_checked(&args.suite, |suite| {
        let policy = match &given {
            Some(p) => Ok(p.clone()),
            None => find(suite, &args.catalogs),
        };
        let checked = match &policy {
            Ok(p) => suite.check(p),
            Err(_) => Ok(()),
        };
        found = Some(policy);
        checked
    });
    let suite = loaded.map_err(|e| {
        let policy = match &found {
            Some(Ok(p)) => p.to_string(),
            _ => "its policy".to_owned(),
        };
        format!("the suite does not load or does not fit {policy}, so no case was run:\n{e}")
    })?;
    let policy = found.ok_or("the suite was not checked")??;
    let result = suite.run(&policy);
    emit(&result)?;
    Ok(result.passed())
}

/// The policy the suite names, at the newest version it allows, from the
/// policies in `dirs` and then those built in.
fn find(suite: &PolicySuite, dirs: &[String]) -> Result<Policy, String> {
    let mut catalog = Catalog::default();
    for dir in dirs {
        let local = Loader::new().catalog_dir(dir).map_err(|e| e.to_string())?;
        for p in local.policies() {
            catalog.add(p.clone()).map_err(|e| e.to_string())?;
        }
    }
    let local = catalog.to_string();
    for p in Catalog::builtin().map_err(|e| e.to_string())?.policies() {
        // One of the same name and version in a folder given replaces it.
        let _ = catalog.add(p.clone());
    }
    let requirement = suite.version().cloned().unwrap_or(semver::VersionReq::STAR);
    catalog
        .resolve(suite.policy(), &requirement)
        .cloned()
        .map_err(|e| {
            let version = suite
                .version()
                .map_or("any version".to_owned(), |v| format!("`version: {v}`"));
            let searched = if dirs.is_empty() {
                "no `--catalog DIR` given".to_owned()
            } else if local.is_empty() {
                "none in the `--catalog` folders".to_owned()
            } else {
                format!("{local} from the `--catalog` folders")
            };
            format!(
                "{e}; the suite's policy (`policy: {}`, {version}) is looked for among those built into qbm ({}) and in each `--catalog DIR` ({searched}); give its file with `--policy FILE` or its folder with `--catalog DIR`",
                suite.policy(),
                Catalog::builtin().map(|c| c.to_string()).unwrap_or_default(),
            )
        })
}
