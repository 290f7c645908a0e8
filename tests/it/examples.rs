//! The command-line examples share one error style and one set of exit
//! codes (0 done or passed, 1 a check failed, 2 an error reported as
//! `error: ...`), and a reader that stops early (`| head`) ends none of
//! them in a crash.

use std::io::Read;
use std::process::{Command, Stdio};

use crate::support::example::example;

/// Each example with arguments that make it write a report and succeed.
fn runs() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        ("evaluate", vec![]),
        ("evaluate", vec!["--json"]),
        (
            "policy_diff",
            vec![
                "standards/mmp-qbm-1.0.0.yaml",
                "standards/mmp-qbm-2.0.0.yaml",
                "--generated",
                "10",
            ],
        ),
        ("policy_test", vec!["standards/mmp-qbm-2.0.0.tests.yaml"]),
        ("batch", vec!["200"]),
    ]
}

#[test]
fn a_closed_pipe_ends_no_example_in_a_crash() {
    for (name, args) in runs() {
        let mut child = Command::new(example(name))
            .args(&args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The reader goes before the example writes a byte.
        drop(child.stdout.take());
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(0), "{name} {args:?}: {stderr}");
        assert!(stderr.is_empty(), "{name} {args:?}: {stderr}");
    }
}

#[test]
fn with_the_pipe_open_each_example_writes_its_report() {
    for (name, args) in runs() {
        let out = Command::new(example(name))
            .args(&args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{name} {args:?}");
        assert!(
            out.stdout.len() > 20,
            "{name} {args:?} wrote {} bytes",
            out.stdout.len()
        );
    }
}

#[test]
fn every_example_reports_an_error_one_way_with_code_2() {
    for (name, args) in [
        ("evaluate", vec!["no-such-file.yaml"]),
        ("evaluate", vec!["--bogus"]),
        ("policy_diff", vec!["no-such-old.yaml", "no-such-new.yaml"]),
        ("policy_test", vec!["no-such-suite.yaml"]),
        ("batch", vec!["many"]),
        ("service", vec!["--bogus"]),
        ("service", vec!["--policy", "no-such-policy.yaml"]),
    ] {
        let out = Command::new(example(name))
            .args(&args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name} {args:?}: {stderr}");
        assert!(stderr.starts_with("error: "), "{name} {args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{name} {args:?}: {stderr}");
    }
}
