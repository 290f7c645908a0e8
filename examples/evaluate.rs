//! Evaluates a program's self-assessment against the MMP policy embedded in
//! the crate and prints its level, benefits and improvement plan.
//!
//! ```text
//! cargo run --example evaluate                         # the bundled sample
//! cargo run --example evaluate -- examples/assessments/partner.yaml
//! cargo run --example evaluate -- --json path/to/assessment.yaml
//! cargo run --example evaluate -- --policy my-policy.yaml my-assessment.yaml
//! cargo run --example evaluate -- --as-of 2026-12-04 examples/assessments/partner.yaml
//! ```
//!
//! `--as-of` evaluates as of that date instead of the date the assessment
//! carries: months in operation, transitional levels and renewal are counted
//! to it.

use std::process::ExitCode;

mod common;
use common::{emit, fail};

use qbm::{Catalog, Loader};

const SAMPLE: &str = include_str!("assessments/near-partner.yaml");
const USAGE: &str =
    "usage: evaluate [--json] [--as-of YYYY-MM-DD] [--policy POLICY.yaml] [ASSESSMENT.yaml]";

fn main() -> ExitCode {
    let mut json = false;
    let mut policy_path = None;
    let mut assessment_path = None;
    let mut as_of: Option<qbm::Date> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--json" => json = true,
            "--as-of" => match args.next().map(|d| d.parse::<qbm::Date>()) {
                Some(Ok(d)) => as_of = Some(d),
                Some(Err(e)) => return fail(e),
                None => return fail(USAGE),
            },
            "--policy" => match args.next() {
                Some(p) => policy_path = Some(p),
                None => return fail(USAGE),
            },
            "-h" | "--help" => {
                return match emit(format_args!("{USAGE}\n")) {
                    Ok(()) => ExitCode::SUCCESS,
                    Err(e) => fail(e),
                };
            }
            other if other.starts_with('-') => {
                return fail(format!("unknown option `{other}`\n{USAGE}"));
            }
            other if assessment_path.is_none() => assessment_path = Some(other.to_owned()),
            _ => return fail(USAGE),
        }
    }
    // Without --policy, every embedded version of MMP's policy is at hand and
    // the assessment's own version requirement picks one.
    let catalog = match policy_path {
        Some(p) => Loader::new()
            .policy_path(p)
            .map_err(|e| e.to_string())
            .and_then(|p| {
                let mut c = Catalog::new();
                c.add(p).map_err(|e| e.to_string())?;
                Ok(c)
            }),
        None => Catalog::builtin().map_err(|e| e.to_string()),
    };
    let catalog = match catalog {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    // The file's problems and those against the policy it names, in one
    // run: the catalog's binding is the check.
    let against_policy = |a: &qbm::Assessment| match catalog.evaluate(a) {
        Err(qbm::CatalogError::Eval(e)) => Err(e),
        _ => Ok(()),
    };
    let assessment = match &assessment_path {
        Some(p) => Loader::new().assessment_path_checked(p, against_policy),
        None => Loader::new()
            .origin("examples/assessments/near-partner.yaml")
            .assessment_str(SAMPLE),
    };
    let assessment = match (assessment, as_of) {
        (Ok(a), Some(date)) => a.dated(date),
        (Ok(a), None) => a,
        (Err(e), _) => return fail(e),
    };
    let evaluation = match catalog.evaluate(&assessment) {
        Ok(e) => e,
        Err(e) => return fail(e),
    };
    let written = if json {
        serde_json::to_string_pretty(&evaluation)
            .map_err(|e| e.to_string())
            .and_then(|text| emit(format_args!("{text}\n")))
    } else {
        emit(&evaluation)
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}
