//! JSON Schema of the YAML formats (feature `schema`), generated from the
//! serde types that read them, with a description on every field. Editors
//! that speak the YAML language server protocol validate and complete a file
//! that starts with `# yaml-language-server: $schema=...`; the schemas are
//! committed under `standards/schema/`.
//!
//! The schemas refuse what the loader refuses wherever a schema can say it
//! (one shape per requirement, the answer words, ranges, keys that go
//! together); what needs the rest of the document (an id that names a
//! level, a value a fact takes) or the loader's limits is the loader's.
//! An optional key is written with its value or left out: the schemas do
//! not offer `null` for it, so that a mistake inside an optional block is
//! reported as itself.
//!
//! ```
//! let schema = qbm::schema::policy();
//! assert!(schema.contains("\"title\": \"qbm policy\""));
//! assert!(schema.contains("\"Requirement\""));
//! ```

use schemars::Schema;
use schemars::generate::SchemaSettings;
use schemars::transform::RecursiveTransform;
use serde_json::Value;

use crate::load::raw::{RawAssessment, RawPolicy};
use crate::tools::suite::RawSuite;

fn render<T: schemars::JsonSchema>(title: &str) -> String {
    let generator = SchemaSettings::draft2020_12()
        .with_transform(RecursiveTransform(without_null))
        .with_transform(RecursiveTransform(words_as_enum))
        .with_transform(RecursiveTransform(texts_shown))
        .into_generator();
    let mut schema = generator.into_root_schema_for::<T>();
    named_for_readers(&mut schema);
    schema.insert("title".into(), title.into());
    // Pretty JSON of a plain schema value cannot fail; should it, say so in the text.
    serde_json::to_string_pretty(&schema)
        .map_or_else(|e| format!("{{\"error\": \"{e}\"}}"), |s| s + "\n")
}

/// An optional key's schema without the `null` the derive allows for it
/// (`anyOf: [X, {type: null}]` becomes X, `type: [T, null]` becomes T, a
/// default of `null` goes): the loader reads a key given `null` as left
/// out, but no author means to write that, and a validator that tries the
/// `null` branch reports a misspelled key inside the block as "not of type
/// null".
fn without_null(schema: &mut Schema) {
    let is_null = |v: &Value| v.get("type").and_then(Value::as_str) == Some("null");
    if let Some(Value::Array(branches)) = schema.get("anyOf")
        && branches.len() == 2
        && branches.iter().any(is_null)
        && let Some(Value::Object(kept)) = branches.iter().find(|b| !is_null(b)).cloned()
    {
        schema.remove("anyOf");
        for (k, v) in kept {
            schema.insert(k, v);
        }
    }
    if let Some(Value::Array(types)) = schema.get_mut("type") {
        types.retain(|t| t != "null");
        if let [one] = types.as_slice() {
            let one = one.clone();
            schema.insert("type".into(), one);
        }
    }
    if schema.get("default").is_some_and(Value::is_null) {
        schema.remove("default");
    }
}

/// A choice of words (the derive's `oneOf` of one `const` each, for an
/// enum whose variants have docs) as one `enum`, each word's description
/// kept in the schema's: a validator then names the words for a wrong one
/// ("'activ' is not one of ...") instead of "not valid under any of the
/// given schemas".
fn words_as_enum(schema: &mut Schema) {
    let Some(Value::Array(branches)) = schema.get("oneOf") else {
        return;
    };
    let words: Option<Vec<(Value, String)>> = branches
        .iter()
        .map(|b| {
            let word = b.get("const")?.clone();
            let said = b
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default();
            Some((word, said.to_owned()))
        })
        .collect();
    let Some(words) = words.filter(|w| !w.is_empty()) else {
        return;
    };
    let listed: Vec<String> = words
        .iter()
        .map(|(w, said)| match (w.as_str(), said.is_empty()) {
            (Some(w), false) => {
                let said = said.trim_end_matches('.');
                let mut chars = said.chars();
                let first = chars.next().map(|c| c.to_lowercase().collect::<String>());
                format!("`{w}`: {}{}", first.unwrap_or_default(), chars.as_str())
            }
            _ => format!("`{}`", w.as_str().unwrap_or_default()),
        })
        .collect();
    let head = schema
        .get("description")
        .and_then(Value::as_str)
        .map_or(String::new(), |d| format!("{} ", d.trim_end()));
    schema.remove("oneOf");
    schema.insert(
        "description".into(),
        format!("{head}{}.", listed.join("; ")).into(),
    );
    schema.insert("enum".into(), words.into_iter().map(|(w, _)| w).collect());
}

/// Ids and titles show something and stay on one line, and a label stays
/// on one line, as the builder checks every one of them: none of the
/// characters messages escape (line breaks, control characters, invisible
/// marks), and for an id or a title some character that is not a space. (What shows nothing by its Unicode category, such as a
/// lone combining mark, is left to the loader.)
fn texts_shown(schema: &mut Schema) {
    let Some(Value::Object(props)) = schema.get_mut("properties") else {
        return;
    };
    let hidden: String = crate::base::text::HIDDEN
        .iter()
        .map(|&(a, b)| match u32::from(b) - u32::from(a) {
            0 => format!("\\u{:04x}", u32::from(a)),
            _ => format!("\\u{:04x}-\\u{:04x}", u32::from(a), u32::from(b)),
        })
        .collect();
    // Unanchored: Python's `$` also matches before a last line break.
    let hides = serde_json::json!({"pattern": format!("[{hidden}]")});
    let shows = format!("[^{hidden}\\s]");
    for (key, shown) in [("id", true), ("title", true), ("label", false)] {
        if let Some(Value::Object(p)) = props.get_mut(key)
            && p.get("type").and_then(Value::as_str) == Some("string")
        {
            p.insert("not".into(), hides.clone());
            if shown {
                p.insert("pattern".into(), shows.clone().into());
            }
        }
    }
}

/// Definitions named by what they are: the `Raw` of the structs that read
/// a format goes from their names and from every reference to them.
fn named_for_readers(schema: &mut Schema) {
    const RAW: &str = "Raw";
    if let Some(Value::Object(defs)) = schema.get_mut("$defs") {
        let old = std::mem::take(defs);
        for (name, def) in old {
            let name = name.strip_prefix(RAW).map_or(name.clone(), str::to_owned);
            defs.insert(name, def);
        }
    }
    for value in schema
        .as_object_mut()
        .into_iter()
        .flat_map(|o| o.values_mut())
    {
        renamed_refs(value, RAW);
    }
}

/// Every `$ref` to a definition named `prefix...` in `value`, renamed
/// without the prefix. Loops over the document's nesting, which the
/// derive bounds (the types, not the input).
fn renamed_refs(value: &mut Value, prefix: &str) {
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get_mut("$ref")
                    && let Some(name) = r
                        .strip_prefix("#/$defs/")
                        .and_then(|n| n.strip_prefix(prefix))
                {
                    *r = format!("#/$defs/{name}");
                }
                stack.extend(map.values_mut());
            }
            Value::Array(list) => stack.extend(list.iter_mut()),
            _ => {}
        }
    }
}

/// The JSON Schema of a policy file.
pub fn policy() -> String {
    render::<RawPolicy>("qbm policy")
}

/// The JSON Schema of an assessment file.
pub fn assessment() -> String {
    render::<RawAssessment>("qbm assessment")
}

/// The JSON Schema of a policy test suite.
pub fn suite() -> String {
    render::<RawSuite>("qbm policy test suite")
}
