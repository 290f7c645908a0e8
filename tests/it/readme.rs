//! The README is real: the policy example loads, the assessment example
//! evaluates against the embedded policy, and every command of its `sh`
//! blocks runs as written (the `cargo run` ones are run and their exit code
//! and output checked; `cargo test`, `cargo bench` and the fuzzing ones are
//! not run, for the reason `not_run` gives, but what they name must exist).
//! Blocks of commands that cannot run as written are `text` blocks that
//! start with `# template: REASON`.

use qbm::Policy;

fn yaml_blocks() -> Vec<String> {
    let readme = std::fs::read_to_string("README.md").unwrap();
    readme
        .split("```yaml\n")
        .skip(1)
        .map(|rest| rest.split("```").next().unwrap().to_owned())
        .collect()
}

/// The README's YAML block that starts with `start`; there is exactly one.
fn block(start: &str) -> String {
    let found: Vec<String> = yaml_blocks()
        .into_iter()
        .filter(|b| b.starts_with(start))
        .collect();
    assert_eq!(found.len(), 1, "blocks starting with {start:?}");
    found.into_iter().next().unwrap()
}

#[test]
fn the_readme_policy_loads_and_its_assessment_evaluates() {
    let policy = qbm::Loader::new()
        .origin("README.md")
        .policy_str(&block("policy:\n  name: mmp-qbm"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(policy.levels().len(), 3);
    assert!(policy.levels()[1].time_limit().is_some() && policy.renewal().is_some());
    let assessment = qbm::Loader::new()
        .origin("README.md")
        .assessment_str(&block("assessment:"))
        .unwrap();
    let result = Policy::builtin().unwrap().evaluate(&assessment).unwrap();
    assert_eq!(result.program, "Westfield Youth Mentors");
    assert_eq!(
        result.membership.unwrap().state,
        qbm::MembershipState::Active
    );
}

#[test]
fn the_readme_benefits_fragment_fits_a_policy() {
    let levels = "levels:\n  - {id: affiliate, rank: 1, title: A}\n  - {id: associate_partner, rank: 2, title: AP}\n  - {id: partner, rank: 3, title: P}\n";
    let text = format!(
        "policy: {{name: x, version: 1.0.0, title: X}}\n{levels}{}",
        block("benefits:")
    );
    let policy = qbm::Loader::new()
        .policy_str(&text)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(policy.benefits().len(), 3);
}

/// The README's fenced blocks: each one's language and text.
fn fenced() -> Vec<(String, String)> {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let mut blocks = Vec::new();
    let mut open: Option<(String, String)> = None;
    for line in readme.lines() {
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(lang)) => open = Some((lang.trim().to_owned(), String::new())),
            (Some(_), Some(_)) => blocks.extend(open.take()),
            (Some((_, body)), None) => {
                body.push_str(line);
                body.push('\n');
            }
            (None, None) => {}
        }
    }
    assert!(open.is_none(), "a fenced block of the README is not closed");
    blocks
}

/// The commands of a shell block: a line ending in `\` joined with the
/// next, `# comments` and blank lines dropped, spaces made single.
fn commands(body: &str) -> Vec<String> {
    let joined = body.replace("\\\n", " ");
    joined
        .lines()
        .map(|l| l.split(" #").next().unwrap())
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

/// Each `cargo run` command of the README: its exit code and a piece of a
/// line of its standard output (one that shows the command did its work).
const RUNS: &[(&str, i32, &str)] = &[
    (
        "cargo run --example evaluate",
        0,
        "Westfield Youth Mentors — evaluated against mmp-qbm 2.0.0",
    ),
    (
        "cargo run --example evaluate -- examples/assessments/partner.yaml",
        0,
        "Level: Partner",
    ),
    (
        "cargo run --example evaluate -- --json examples/assessments/associate-partner.yaml",
        0,
        r#""program": "Eastside After-School Mentors","#,
    ),
    (
        "cargo run --example evaluate -- --policy tests/fixtures/valid/two-level-scheme.yaml examples/peer-program.yaml",
        0,
        "Riverbend Youth Partners — evaluated against peer-scheme 0.3.0",
    ),
    (
        "cargo run --example evaluate -- --as-of 2026-12-04 examples/assessments/partner.yaml",
        0,
        "Membership as of 2026-12-04",
    ),
    (
        "cargo run --example policy_diff",
        0,
        "mmp-qbm 1.0.0 -> mmp-qbm 2.0.0",
    ),
    (
        "cargo run --example policy_diff -- standards/mmp-qbm-1.0.0.yaml standards/mmp-qbm-2.0.0.yaml --assessments examples/assessments --json",
        0,
        r#""version": "2.0.0""#,
    ),
    (
        "cargo run --example policy_test -- standards/mmp-qbm-2.0.0.tests.yaml",
        0,
        " cases passed",
    ),
];

/// Why the test does not run `command` (it runs the suite that runs this
/// test, takes minutes, or installs a tool), after checking that what it
/// names exists; `None` for a command it must run.
fn not_run(command: &str) -> Option<&'static str> {
    let words: Vec<&str> = command.split_whitespace().collect();
    match words.as_slice() {
        ["cargo", "test", "--all-features"] => Some("runs the suite this test is part of"),
        ["cargo", "bench", "--bench", name] => {
            let manifest = std::fs::read_to_string("Cargo.toml").unwrap();
            assert!(
                manifest.contains(&format!("[[bench]]\nname = \"{name}\"")),
                "README: `{command}`: Cargo.toml has no bench `{name}`"
            );
            assert!(std::path::Path::new(&format!("benches/{name}.rs")).exists());
            Some("an optimised build and minutes of measuring")
        }
        ["cargo", "install", "cargo-fuzz"] => Some("installs a tool from crates.io"),
        ["bash", "fuzz/run.sh", target, secs] => {
            assert!(std::path::Path::new("fuzz/run.sh").exists(), "{command}");
            assert!(
                std::path::Path::new(&format!("fuzz/fuzz_targets/{target}.rs")).exists(),
                "README: `{command}`: no fuzz target `{target}`"
            );
            assert!(secs.parse::<u32>().is_ok(), "{command}");
            Some("fuzzes for the seconds it is given")
        }
        _ => None,
    }
}

/// Runs a README `cargo run --example NAME [-- ARGS]` command through the
/// example's binary, from the repository's root: its exit code and output.
fn run(command: &str) -> (Option<i32>, String, String) {
    let words: Vec<&str> = command.split_whitespace().collect();
    let (name, args) = match words.as_slice() {
        ["cargo", "run", "--example", name] => (*name, &[][..]),
        ["cargo", "run", "--example", name, "--", args @ ..] => (*name, args),
        _ => panic!("README: `{command}` is not `cargo run --example NAME [-- ARGS]`"),
    };
    assert!(
        !command.contains(['\'', '"', '$', '|', '>', '<', '*']),
        "README: `{command}`: quoting, variables, pipes and globs are not run here"
    );
    let out = std::process::Command::new(crate::support::example::example(name))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_readme_command_runs_as_written() {
    let found: Vec<String> = fenced()
        .into_iter()
        .filter(|(lang, _)| lang == "sh")
        .flat_map(|(_, body)| commands(&body))
        .collect();
    let mut ran = Vec::new();
    for command in &found {
        if not_run(command).is_some() {
            continue;
        }
        let Some(&(_, code, line)) = RUNS.iter().find(|(c, ..)| c == command) else {
            panic!("README: `{command}` is run by no test: add it to RUNS with what it prints");
        };
        let (got, stdout, stderr) = run(command);
        assert_eq!(got, Some(code), "README: `{command}`: {stderr}");
        assert!(
            stdout.lines().any(|l| l.contains(line)),
            "README: `{command}` printed no line with {line:?}:\n{stdout}{stderr}"
        );
        ran.push(command.as_str());
    }
    // Each command of the table is still in the README.
    for (command, ..) in RUNS {
        assert!(
            ran.contains(command),
            "RUNS has `{command}`, the README not"
        );
    }
}

#[test]
fn a_readme_block_of_commands_that_is_not_run_says_it_is_a_template_and_why() {
    let looks_like_a_command = |l: &str| {
        ["cargo ", "curl ", "cp ", "mv ", "bash ", "sh ", "QBM_"]
            .iter()
            .any(|w| l.trim_start().starts_with(w))
    };
    let mut templates = 0;
    for (lang, body) in fenced() {
        let first = body.lines().next().unwrap_or_default();
        if lang == "sh" {
            assert!(
                !first.starts_with("# template"),
                "a template in an `sh` block:\n{body}"
            );
            continue;
        }
        if !body.lines().any(looks_like_a_command) {
            continue;
        }
        let reason = first.strip_prefix("# template: ").unwrap_or_default();
        assert!(
            lang == "text" && reason.trim().len() > 10,
            "a ```{lang} block of commands that is not run must be `text` and start with `# template: REASON`:\n{body}"
        );
        templates += 1;
    }
    assert_eq!(templates, 2, "the service's two blocks");
}

#[test]
fn the_command_reader_joins_continued_lines_and_drops_comments() {
    assert_eq!(
        commands("# say\ncargo run --example x -- a \\\n  b   # why\n\nbash y.sh 1\n"),
        ["cargo run --example x -- a b", "bash y.sh 1"]
    );
    assert!(not_run("cargo run --example evaluate").is_none());
    assert!(not_run("cargo test --all-features").is_some());
}
