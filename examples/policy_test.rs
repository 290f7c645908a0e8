//! Runs a policy test suite and reports case by case.
//!
//! ```text
//! cargo run --example policy_test -- standards/mmp-qbm-2.0.0.tests.yaml
//! cargo run --example policy_test -- my-policy.tests.yaml --policy my-policy.yaml
//! ```
//!
//! The policy is the one the suite names, at the newest version its
//! requirement allows, from the embedded policies and `standards/`, or the
//! file given with `--policy`. Exit status: 0 when every case passes, 1 when
//! one fails, 2 on bad input.

use std::process::ExitCode;

mod common;
use common::emit;

use qbm::{Catalog, Loader};

const USAGE: &str = "usage: policy_test SUITE.tests.yaml [--policy POLICY.yaml]";

fn main() -> ExitCode {
    common::checked(run())
}

fn run() -> Result<bool, String> {
    let mut suite_path = None;
    let mut policy_path = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--policy" => policy_path = Some(args.next().ok_or(USAGE)?),
            "-h" | "--help" => {
                emit(format_args!("{USAGE}\n"))?;
                return Ok(true);
            }
            other if other.starts_with('-') => {
                return Err(format!("unknown option `{other}`\n{USAGE}"));
            }
            other if suite_path.is_none() => suite_path = Some(other.to_owned()),
            _ => return Err(USAGE.into()),
        }
    }
    let suite = Loader::new()
        .suite_path(suite_path.ok_or(USAGE)?)
        .map_err(|e| e.to_string())?;
    let policy = match policy_path {
        Some(p) => Loader::new().policy_path(p).map_err(|e| e.to_string())?,
        None => {
            let mut catalog = Catalog::builtin().map_err(|e| e.to_string())?;
            // Policies under standards/ that the crate does not embed.
            if let Ok(local) = Loader::new().catalog_dir("standards") {
                for p in local.policies() {
                    let _ = catalog.add(p.clone());
                }
            }
            let requirement = suite.version().cloned().unwrap_or(semver::VersionReq::STAR);
            catalog
                .resolve(suite.policy(), &requirement)
                .map_err(|e| e.to_string())?
                .clone()
        }
    };
    let result = suite.run(&policy);
    emit(&result)?;
    Ok(result.passed())
}
