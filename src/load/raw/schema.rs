//! What the derived JSON Schemas of the raw formats cannot say from the
//! field types alone (feature `schema`): the fixed answer words, the one
//! shape of a requirement, and which keys go with which type of fact.
//! Each is built from the same source the loader checks against (the
//! answer words of the model) or from the derived properties, so that a
//! field added to a struct appears in these rules without an edit here.

use schemars::{Schema, SchemaGenerator, json_schema};
use serde_json::{Map, Value, json};

use crate::model::assessment::Answer;

/// Answers by item id: one of the answer words, or a number. Said as
/// "a word or a number, and a word is one of these" (not as `anyOf` of
/// the two), so that a validator names the words for a wrong one.
pub(crate) fn answers(_: &mut SchemaGenerator) -> Schema {
    let words = Answer::WORDS;
    let said = format!("{} or a number", words.join(", "));
    json_schema!({
        "type": "object",
        "additionalProperties": {
            "description": format!("An answer: {said}."),
            "type": ["string", "number"],
            "if": {"type": "string"},
            // `errorMessage` is the message editors (the YAML and JSON
            // language servers) show for a value outside an `enum`;
            // validators ignore it.
            "then": {"enum": words, "errorMessage": format!("answer {said}")}
        }
    })
}

/// The words of a fact's `better`; `true` and `false` also as YAML's
/// booleans, as the loader reads them.
pub(crate) fn better(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"enum": ["more", "less", true, false, "true", "false", "later", "earlier"]})
}

/// The comparison keys of a requirement, and the shape each goes with.
const COMPARISONS: [&str; 4] = ["equals", "one_of", "at_least", "at_most"];

/// Keys that go beside a shape rather than being one, and the shapes they
/// go with (`None`: every shape). A key listed here that the requirement
/// does not have yet is left out.
const MODIFIERS: [(&str, Option<&[&str]>); 2] = [
    ("label", None),
    ("when_none_apply", Some(&["all_met", "met_at_least"])),
];

/// The requirement's rule of one shape, on the derived schema of its
/// properties: every property that is neither a comparison nor a modifier
/// is a shape; exactly one is given (`oneOf`), and each shape allows only
/// itself, its modifiers and its comparisons (`fact` with exactly one of
/// `equals`, `one_of` or a range of numbers; `of` with `at_least`, a whole
/// number).
pub(crate) fn requirement_shapes(schema: &mut Schema) {
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    let keys: Vec<String> = props.keys().cloned().collect();
    let is_modifier = |k: &str| MODIFIERS.iter().any(|(m, _)| *m == k);
    let shapes: Vec<&str> = keys
        .iter()
        .map(String::as_str)
        .filter(|k| !COMPARISONS.contains(k) && !is_modifier(k))
        .collect();
    let one_of: Vec<Value> = shapes.iter().map(|k| json!({"required": [k]})).collect();
    let all_of: Vec<Value> = shapes
        .iter()
        .map(|shape| json!({"if": {"required": [shape]}, "then": shape_rule(shape, &keys)}))
        .collect();
    schema.insert("oneOf".into(), one_of.into());
    schema.insert("allOf".into(), all_of.into());
}

/// The keys that go with `shape`, as a closed object, with what the shape
/// needs of them.
fn shape_rule(shape: &str, keys: &[String]) -> Value {
    let mut allowed = Map::new();
    allowed.insert(shape.into(), true.into());
    for (m, with) in MODIFIERS {
        if keys.iter().any(|k| k == m) && with.is_none_or(|w| w.contains(&shape)) {
            allowed.insert(m.into(), true.into());
        }
    }
    let mut rule = Map::new();
    match shape {
        "fact" => {
            for c in COMPARISONS {
                allowed.insert(c.into(), true.into());
            }
            rule.insert(
                "oneOf".into(),
                json!([
                    {"required": ["equals"]},
                    {"required": ["one_of"]},
                    {"anyOf": [{"required": ["at_least"]}, {"required": ["at_most"]}]}
                ]),
            );
        }
        "of" => {
            allowed.insert(
                "at_least".into(),
                json!({"type": "integer", "minimum": 0, "description": "How many of the listed requirements must hold."}),
            );
            rule.insert("required".into(), json!(["at_least"]));
        }
        _ => {}
    }
    rule.insert("properties".into(), allowed.into());
    rule.insert("additionalProperties".into(), false.into());
    rule.into()
}

/// Which keys go with which type of fact, on the derived schema of a fact:
/// `min`, `max` and `derive` with a number, `values` (at least one) with a
/// choice and with nothing else, and the words of `better` by type. A key
/// that needs a type says so at `type` ("'number' was expected").
pub(crate) fn fact_types(schema: &mut Schema) {
    let is = |t: &str| json!({"properties": {"type": {"const": t}}, "required": ["type"]});
    schema.insert(
        "dependentSchemas".into(),
        json!({
            "min": is("number"),
            "max": is("number"),
            "derive": is("number"),
            "values": is("choice")
        }),
    );
    let better = |words: Value| json!({"properties": {"better": {"enum": words}}});
    let rules = json!([
        {"if": is("choice"), "then": {"required": ["values"], "properties": {"values": {"minItems": 1}}}},
        {"if": is("number"), "then": better(json!(["more", "less"]))},
        {"if": is("boolean"), "then": better(json!([true, false, "true", "false"]))},
        {"if": is("choice"), "then": better(json!(["later", "earlier"]))},
        {"if": is("date"), "then": {"properties": {"better": false}}}
    ]);
    schema.insert("allOf".into(), rules);
}
