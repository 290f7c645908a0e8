//! The committed JSON Schemas match the types that read the YAML, and every
//! shipped YAML file names its schema for editors.
#![cfg(feature = "schema")]

use std::path::Path;

/// Run with `QBM_BLESS=1` to write the schemas after a change to the formats.
#[test]
fn committed_schemas_match_the_types() {
    let bless = std::env::var_os("QBM_BLESS").is_some();
    for (file, schema) in [
        ("policy.schema.json", qbm::schema::policy()),
        ("assessment.schema.json", qbm::schema::assessment()),
        ("suite.schema.json", qbm::schema::suite()),
    ] {
        let path = Path::new("standards/schema").join(file);
        if bless {
            std::fs::write(&path, &schema).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == schema,
            "{} is out of date with the types; run `QBM_BLESS=1 cargo test --all-features --test it schema::`",
            path.display()
        );
    }
}

#[test]
fn every_field_has_a_description() {
    let schema: serde_json::Value = serde_json::from_str(&qbm::schema::policy()).unwrap();
    let defs = schema["$defs"].as_object().unwrap();
    let mut missing = Vec::new();
    for (name, def) in defs
        .iter()
        .map(|(k, v)| (k.as_str(), v))
        .chain([("policy", &schema)])
    {
        if let Some(props) = def["properties"].as_object() {
            for (field, p) in props {
                if p.get("description").is_none() {
                    missing.push(format!("{name}.{field}"));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "fields without a description: {missing:?}"
    );
}

#[test]
fn shipped_yaml_names_its_schema() {
    let mut files: Vec<std::path::PathBuf> = Vec::new();
    for dir in ["standards", "examples/assessments"] {
        files.extend(
            std::fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "yaml")),
        );
    }
    assert!(files.len() >= 9);
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let first = text.lines().next().unwrap_or_default();
        let name = path.to_string_lossy();
        let schema = if name.ends_with(".tests.yaml") {
            "suite"
        } else if name.starts_with("standards") {
            "policy"
        } else {
            "assessment"
        };
        let want = if name.starts_with("standards") {
            format!("# yaml-language-server: $schema=schema/{schema}.schema.json")
        } else {
            format!("# yaml-language-server: $schema=../../standards/schema/{schema}.schema.json")
        };
        assert_eq!(first, want, "{name}");
    }
}

// ---------------------------------------------------------------------------
// The schemas agree with the loader: a JSON Schema validator (the
// `jsonschema` crate) runs the committed schemas over every valid and
// invalid fixture, read from YAML into JSON as an editor or
// `check-jsonschema` reads it.

/// Which format a document is, by its top-level keys.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Format {
    Policy,
    Assessment,
    Suite,
}

impl Format {
    fn of(doc: &serde_json::Value) -> Self {
        if doc.get("cases").is_some() {
            Format::Suite
        } else if doc.get("assessment").is_some() {
            Format::Assessment
        } else {
            Format::Policy
        }
    }

    fn validator(self) -> jsonschema::Validator {
        let text = match self {
            Format::Policy => qbm::schema::policy(),
            Format::Assessment => qbm::schema::assessment(),
            Format::Suite => qbm::schema::suite(),
        };
        let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
        jsonschema::validator_for(&schema).unwrap()
    }
}

/// What the schema of its format says of a YAML text: `Ok` when it
/// accepts, the validator's messages when it refuses; `None` when the text
/// is not YAML that reads as JSON (the schema never sees it).
fn schema_says(text: &str, format: Option<Format>) -> Option<Result<(), Vec<String>>> {
    let doc: serde_json::Value = serde_yaml::from_str(text).ok()?;
    let format = format.unwrap_or_else(|| Format::of(&doc));
    let validator = format.validator();
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    Some(if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    })
}

/// The YAML files under `dir`, its subfolders included.
fn yaml_files(dir: &str) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![std::path::PathBuf::from(dir)];
    while let Some(d) = todo.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for path in entries.map(|e| e.unwrap().path()) {
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_file_the_loader_accepts_the_schema_accepts() {
    let loader = qbm::Loader::new();
    let mut files = Vec::new();
    for dir in [
        "tests/fixtures/valid",
        "standards",
        "examples/assessments",
        "tests/fixtures/catalog",
        "tests/fixtures/schemes",
    ] {
        files.extend(yaml_files(dir));
    }
    assert!(files.len() >= 17, "{files:?}");
    let mut refused = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let doc: serde_json::Value = serde_yaml::from_str(&text).unwrap();
        // The premise: the loader accepts the file.
        let loaded = match Format::of(&doc) {
            Format::Policy => loader.policy_path(path).err(),
            Format::Assessment => loader.assessment_path(path).err(),
            Format::Suite => loader.suite_path(path).err(),
        };
        assert!(loaded.is_none(), "{}: {}", path.display(), loaded.unwrap());
        if let Some(Err(errors)) = schema_says(&text, None) {
            refused.push(format!("{}: {errors:?}", path.display()));
        }
    }
    assert!(
        refused.is_empty(),
        "the schema refuses:\n{}",
        refused.join("\n")
    );
}

/// The invalid fixtures a schema decides: the schema refuses each. Every
/// file with an unknown field is one too (`deny_unknown_fields` is the
/// schema's `additionalProperties: false`).
const DECIDED: [&str; 45] = [
    // A value of the wrong type, a missing key, or no document.
    "assessment-bad-as-of",
    "assessment-empty",
    "assessment-missing-program",
    "assessment-null-section",
    "policy-empty",
    "policy-mapping-for-list",
    "policy-bad-type-name",
    "policy-threshold-type",
    "policy-at-least-of-not-whole",
    // The answer words.
    "assessment-boolean-answer",
    "assessment-unknown-answer",
    "assessment-too-many-problems",
    "assessment-huge-number",
    // Blank or several-line text, or a hidden character, in a name, an id, a title or a label.
    "assessment-empty-program",
    "policy-empty-name",
    "policy-label-two-lines",
    "policy-empty-id",
    "policy-empty-title",
    "policy-title-block-scalar",
    "policy-hidden-id",
    // Lists and selections that must not be empty.
    "policy-no-levels",
    "policy-empty-any",
    "policy-one-of-empty",
    "policy-empty-selection",
    "policy-choice-without-values",
    // One shape per requirement, and what goes with each.
    "policy-mixed-shape",
    "policy-nothing-to-check",
    "policy-stray-comparison",
    "policy-equals-with-bounds",
    "policy-fact-without-comparison",
    "policy-of-without-at-least",
    // Keys that go together, and with which type of fact.
    "policy-count-and-percent",
    "policy-benefit-both-grants",
    "policy-bounds-on-boolean",
    "policy-values-on-number",
    "policy-derived-not-number",
    // Ranges.
    "policy-percent-out-of-range",
    "policy-discount-out-of-range",
    // Unknown fields (also covered by the rule above).
    "assessment-unknown-field",
    "policy-unknown-field",
    "policy-unknown-shape-key",
    "policy-period-typo",
    // A key beside a shape it does not go with.
    "policy-when-none-apply-stray",
    // A word that is not one of the rule's words.
    "policy-level-renewal-unknown-word",
    "policy-reentry-unknown-word",
];

/// The invalid fixtures a schema cannot decide, by reason. The schema may
/// still refuse some of them (a file that is not YAML reaches no schema).
const LEFT: [(&str, &[&str]); 9] = [
    (
        "the text is not YAML one document of which reads as JSON (the schema never sees it), or reads two ways",
        &[
            "assessment-duplicate-answer",
            "assessment-not-utf8",
            "assessment-several-documents",
            "assessment-control-character",
            "assessment-read-two-ways",
            "policy-duplicate-key",
            "policy-several-documents",
            "policy-tab-indent",
            "policy-billion-laughs",
            "policy-read-two-ways",
        ],
    ),
    (
        "JSON has no NaN or infinity: what the YAML says is not what a converter writes",
        &[
            "assessment-nan-answer",
            "assessment-nan-fact",
            "policy-fact-bound-not-finite",
        ],
    ),
    (
        "it needs the policy: whether an id names something, and what a fact or an item takes",
        &[
            "assessment-history-unknown-level",
            "assessment-answer-type",
            "assessment-bad-date",
            "assessment-choice-value-far",
            "assessment-fact-out-of-range",
            "assessment-fact-type",
            "assessment-hidden-characters",
            "assessment-huge-fact",
            "assessment-not-applicable",
            "assessment-other-policy",
            "assessment-unknown-held-level",
            "assessment-unknown-item",
            "assessment-version-mismatch",
            "catalog-answers-do-not-fit",
            "catalog-bad-policies",
            "catalog-duplicate",
            "catalog-missing-directory",
            "catalog-no-match",
            "catalog-no-policy-named",
            "catalog-unknown-policy",
        ],
    ),
    (
        "it relates values across the document: ids that name things, duplicates, cycles, orders",
        &[
            "policy-benefit-unknown-level",
            "policy-bound-on-boolean",
            "policy-choice-value-far",
            "policy-compare-date",
            "policy-declared-by-boolean",
            "policy-derive-from-number",
            "policy-duplicate-id",
            "policy-equals-wrong-type",
            "policy-hidden-characters",
            "policy-level-cycle",
            "policy-level-order",
            "policy-normalisation-reference",
            "policy-normalisation-twin",
            "policy-not-applicable",
            "policy-reverts-upward",
            "policy-selection-matches-nothing",
            "policy-set-cycle",
            "policy-unknown-choice-value",
            "policy-unknown-held-level",
            "policy-unknown-kind",
            "policy-unknown-priority-level",
            "policy-unknown-reference",
            "policy-unknown-set-and-items",
        ],
    ),
    (
        "it compares two values, or a count with a list's length, or a word with another key's presence (`when_none_apply: met` beside a `count`)",
        &[
            "assessment-history-in-the-future",
            "assessment-history-until-before-from",
            "policy-when-none-apply-met-count",
            "policy-at-least-of-too-many",
            "policy-inverted-range",
            "policy-max-below-min",
            "policy-range-outside-fact",
            "policy-unsatisfiable",
            "policy-value-outside-fact",
            "assessment-renewed-before-granted",
            "assessment-future-date",
        ],
    ),
    (
        "the calendar: a window not shorter than its term, a period of no time where a term is due",
        &[
            "policy-reentry-no-time",
            "policy-level-renewal-window-too-long",
            "policy-renewal-window-too-long",
            "policy-zero-renewal",
            "policy-zero-time-limit",
        ],
    ),
    (
        "the loader's limits, which a caller sets (`Limits`)",
        &[
            "assessment-history-too-long",
            "assessment-long-id",
            "assessment-too-many-answers",
            "assessment-too-many-entries",
            "policy-long-id",
            "policy-long-text",
            "policy-requirement-too-deep",
            "policy-set-chain-too-deep",
            "policy-too-deep",
            "policy-too-many-items",
            "policy-too-many-levels",
            "policy-too-many-sets",
        ],
    ),
    (
        "Unicode: text that shows nothing by its general category (a lone mark, a blank symbol)",
        &[
            "assessment-invisible-program",
            "policy-invisible-id",
            "policy-invisible-name",
            "policy-invisible-title",
        ],
    ),
    (
        "semver: the grammar of a version or a requirement",
        &["assessment-bad-version-requirement", "policy-bad-version"],
    ),
];

#[test]
fn every_file_the_loader_refuses_for_a_reason_a_schema_decides_the_schema_refuses() {
    let dir = Path::new("tests/fixtures/invalid");
    let left: Vec<&str> = LEFT
        .iter()
        .flat_map(|(_, files)| files.iter().copied())
        .collect();
    let mut unclassified = Vec::new();
    let mut accepted = Vec::new();
    let mut decided = 0;
    for path in yaml_files("tests/fixtures/invalid") {
        if path.parent() != Some(dir) {
            continue; // a catalog's policies, read with its assessment
        }
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let expected = std::fs::read_to_string(path.with_extension("expected")).unwrap_or_default();
        let unknown_field = expected.contains(": unknown field `");
        let listed = DECIDED.contains(&name.as_str());
        if !listed && !unknown_field {
            if !left.contains(&name.as_str()) {
                unclassified.push(name);
            }
            continue;
        }
        decided += 1;
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        let format = if name.starts_with("policy-") {
            Format::Policy
        } else {
            Format::Assessment
        };
        let said = schema_says(&text, Some(format));
        assert!(said.is_some(), "{name}: listed as decided, but not JSON");
        if let Some(Ok(())) = said {
            accepted.push(name);
        }
    }
    assert!(
        unclassified.is_empty(),
        "invalid fixtures neither in DECIDED nor in LEFT of tests/it/schema.rs: {unclassified:?}"
    );
    assert!(
        accepted.is_empty(),
        "the schema accepts what the loader refuses: {accepted:?}"
    );
    assert!(decided >= DECIDED.len(), "{decided}");
    for name in DECIDED.iter().chain(&left) {
        assert!(
            dir.join(format!("{name}.yaml")).exists(),
            "no fixture {name}"
        );
    }
}

/// A policy whose first level requires `requirement` (YAML, indented as
/// an item of `requires`), and whose other parts are `extra`.
fn policy_with(requirement: &str, extra: &str) -> String {
    format!(
        "policy: {{name: tiny, version: 1.0.0, title: Tiny}}
kinds: [{{id: benchmark, title: Benchmark}}]
facts:
  - {{id: months_operating, title: Months in operation, type: number}}
standards:
  - id: recruitment
    title: Recruitment
    items:
      - {{id: B.1.1, kind: benchmark, title: Realistic recruitment, question: Realistic?}}
      - {{id: B.1.2, kind: benchmark, title: Written eligibility, question: Written?}}
levels:
  - id: member
    rank: 1
    title: Member
    requires:
      - {requirement}
{extra}"
    )
}

/// The mistakes the issue found the schemas let through (#37), each
/// refused by the loader and by the schema, the schema's message naming
/// the cause (the key or value at fault, never `null`).
#[test]
fn the_mistakes_editors_missed_are_refused_for_their_cause() {
    let assessment =
        |answer: &str| format!("assessment: {{program: Hilltop}}\nanswers: {{B.1.1: {answer}}}\n");
    let cases: Vec<(&str, Format, String, &str)> = vec![
        (
            "two shapes",
            Format::Policy,
            policy_with("{met: B.1.1, fact: months_operating, at_least: 12}", ""),
            "('met' was unexpected)",
        ),
        (
            "{}",
            Format::Policy,
            policy_with("{}", ""),
            "{} is not valid under any",
        ),
        (
            "only a label",
            Format::Policy,
            policy_with("{label: Recruits}", ""),
            "not valid under any",
        ),
        (
            "count and percent",
            Format::Policy,
            policy_with(
                "{met_at_least: {count: 1, percent: 50, of: {standard: recruitment}}}",
                "",
            ),
            "met_at_least: {\"count\":1,\"of\":{\"standard\":\"recruitment\"},\"percent\":50} is valid under more than one",
        ),
        (
            "neither count nor percent",
            Format::Policy,
            policy_with("{met_at_least: {of: {standard: recruitment}}}", ""),
            "met_at_least: {\"of\":{\"standard\":\"recruitment\"}} is not valid under any",
        ),
        (
            "percent 150",
            Format::Policy,
            policy_with(
                "{met_at_least: {percent: 150, of: {standard: recruitment}}}",
                "",
            ),
            "100",
        ),
        (
            "at_least \"12\"",
            Format::Policy,
            policy_with("{fact: months_operating, at_least: \"12\"}", ""),
            "\"12\"",
        ),
        (
            "answer yes",
            Format::Assessment,
            assessment("yes"),
            "\"met\"",
        ),
        (
            "answer true",
            Format::Assessment,
            assessment("true"),
            "true",
        ),
        (
            "answer Met",
            Format::Assessment,
            assessment("Met"),
            "\"met\"",
        ),
        (
            "a key misspelled in held",
            Format::Policy,
            policy_with("{held: {level: member, for_at_leats: {months: 6}}}", ""),
            "for_at_leats",
        ),
        (
            "in renewal",
            Format::Policy,
            policy_with("{met: B.1.1}", "membership: {renewal: {evry: {years: 1}}}"),
            "evry",
        ),
        (
            "in time_limit",
            Format::Policy,
            policy_with(
                "{met: B.1.1}",
                "  - {id: partner, rank: 2, title: Partner, time_limit: {after: {months: 4}, revert_to: member}}",
            ),
            "revert_to",
        ),
        (
            "in number",
            Format::Policy,
            policy_with("{met: B.1.1}", "").replace(
                "question: Written?}",
                "question: Written?, number: {unit: hours, at_leats: 3}}",
            ),
            "at_leats",
        ),
        (
            "in expect.state",
            Format::Suite,
            "policy: tiny\ncases:\n  - {name: n, expect: {level: member, state: activ}}\n".into(),
            "\"active\"",
        ),
    ];
    let loader = qbm::Loader::new();
    for (what, format, text, cause) in cases {
        let loaded = match format {
            Format::Policy => loader.policy_str(&text).err(),
            Format::Assessment => loader.assessment_str(&text).err(),
            Format::Suite => loader.suite_str(&text).err(),
        };
        assert!(loaded.is_some(), "{what}: the loader accepts\n{text}");
        let said = schema_says(&text, Some(format)).unwrap();
        let errors = said.expect_err(&format!("{what}: the schema accepts\n{text}"));
        let all = errors.join("\n");
        eprintln!("== {what}:\n{all}");
        assert!(all.contains(cause), "{what}: no `{cause}` in\n{all}");
        assert!(!all.contains("null"), "{what}: {all}");
    }
}

/// The schemas speak to policy authors: definitions are named by what they
/// are, and no text names a Rust type, module or file.
#[test]
fn the_schemas_show_no_internal_names() {
    for text in [
        qbm::schema::policy(),
        qbm::schema::assessment(),
        qbm::schema::suite(),
    ] {
        let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
        let defs = schema["$defs"].as_object().unwrap();
        assert!(defs.contains_key("Value"), "{:?}", defs.keys());
        for name in defs.keys() {
            assert!(!name.starts_with("Raw"), "definition {name}");
        }
        for internal in [
            "Raw", ".rs`", ".rs ", "Option<", "Vec<", "crate::", "qbm::", "Limits::", "Nullable",
            "serde",
        ] {
            assert!(!text.contains(internal), "`{internal}` in\n{text}");
        }
    }
    assert!(qbm::schema::policy().contains("\"Requirement\": {"));
}
