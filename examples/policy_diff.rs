//! Prints the change-impact report between two versions of a policy and
//! exits non-zero when the declared version bump is too small.
//!
//! ```text
//! cargo run --example policy_diff                                  # MMP 1.0.0 -> 2.0.0
//! cargo run --example policy_diff -- OLD.yaml NEW.yaml
//! cargo run --example policy_diff -- OLD.yaml NEW.yaml --assessments DIR --generated 10000 --json
//! ```
//!
//! Exit status: 0 when the declared bump suffices, 1 when it is too small,
//! 2 on bad input.

use std::path::Path;
use std::process::ExitCode;

mod common;
use common::emit;

use qbm::{Assessment, Catalog, ImpactOptions, ImpactReport, Loader};

const USAGE: &str = "usage: policy_diff [OLD.yaml NEW.yaml] [--assessments DIR] [--generated N] [--seed N] [--json]";

fn main() -> ExitCode {
    common::checked(run())
}

fn run() -> Result<bool, String> {
    let mut json = false;
    let mut files = Vec::new();
    let mut dir = None;
    let mut options = ImpactOptions::default();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--json" => json = true,
            "--assessments" => dir = Some(value("--assessments")?),
            "--generated" => {
                options.generated = value("--generated")?
                    .parse()
                    .map_err(|e| format!("--generated: {e}"))?
            }
            "--seed" => {
                options.seed = value("--seed")?
                    .parse()
                    .map_err(|e| format!("--seed: {e}"))?
            }
            "-h" | "--help" => {
                emit(format_args!("{USAGE}\n"))?;
                return Ok(true);
            }
            other if other.starts_with('-') => {
                return Err(format!("unknown option `{other}`\n{USAGE}"));
            }
            other => files.push(other.to_owned()),
        }
    }
    let (old, new) = match files.as_slice() {
        [] => {
            let catalog = Catalog::builtin().map_err(|e| e.to_string())?;
            let mut all = catalog.policies().cloned();
            match (all.next(), all.next()) {
                (Some(a), Some(b)) => (a, b),
                _ => return Err("the crate embeds fewer than two versions".into()),
            }
        }
        [a, b] => (
            Loader::new().policy_path(a).map_err(|e| e.to_string())?,
            Loader::new().policy_path(b).map_err(|e| e.to_string())?,
        ),
        _ => return Err(USAGE.into()),
    };
    // The shipped samples are replayed unless another directory is named.
    let dir = dir
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/examples/assessments").to_owned());
    let given = load_dir(Path::new(&dir))?;
    let report = ImpactReport::compare(&old, &new, &given, &options);
    if json {
        let text = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
        emit(format_args!("{text}\n"))?;
    } else {
        emit(&report)?;
    }
    Ok(report.is_sufficient())
}

fn load_dir(dir: &Path) -> Result<Vec<Assessment>, String> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| Loader::new().assessment_path(p).map_err(|e| e.to_string()))
        .collect()
}
