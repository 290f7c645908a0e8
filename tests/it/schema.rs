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
            "{} is out of date with the types; run `QBM_BLESS=1 cargo test --all-features --test schema`",
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
