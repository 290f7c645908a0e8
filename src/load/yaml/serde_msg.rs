//! `serde_yaml`'s error messages as diagnostics: placed at their line,
//! column and path, in the YAML author's words, with values cut short.

use super::{SourceMap, small};
use crate::base::error::{Diagnostic, DiagnosticKind, Position, Shown, quote};
use crate::base::suggest;

/// Turns a `serde_yaml` error into a diagnostic with path, position and hint.
///
/// libyaml's reader reports a problem with the characters themselves (a
/// control character) at a byte offset, `at position N`, with no line: the
/// line, column and path of the node there are found from the offset.
pub(super) fn serde_diagnostic(
    err: &serde_yaml::Error,
    map: &SourceMap,
    document: &str,
) -> Diagnostic {
    let shown = err.to_string();
    if let Some(d) = at_offset(&shown, map, document) {
        return d;
    }
    let position = err.location().map(|l| Position {
        line: l.line(),
        column: l.column(),
    });
    let mut text = shown;
    if let Some(p) = position {
        let suffix = format!(" at line {} column {}", p.line, p.column);
        if let Some(stripped) = text.strip_suffix(&suffix) {
            text = stripped.to_owned();
        }
    }
    // serde_yaml prefixes the path of the node it was in, as `a.b[2].c: `.
    let (path, message) = match text.split_once(": ") {
        Some((prefix, rest)) if map.tree.find(prefix).is_some() => {
            (prefix.to_owned(), rest.to_owned())
        }
        _ => (String::new(), text),
    };
    let (mut kind, message, mut hint) = explain(&message);
    if hint.is_none() && path.ends_with("version") {
        // semver's own messages say what is wrong, not what is right.
        kind = DiagnosticKind::InvalidValue;
        hint = Some("versions are semver, such as `1.0.0`; requirements such as `^1`".into());
    }
    Diagnostic {
        kind,
        origin: map.origin.clone(),
        position: position.or_else(|| map.position(&path)),
        path,
        message,
        hint,
    }
}

/// The diagnostic for a reader's `message` that ends `at position N`, N a
/// byte offset in `document`, placed at its line, column and node.
fn at_offset(message: &str, map: &SourceMap, document: &str) -> Option<Diagnostic> {
    let (what, offset) = message.rsplit_once(" at position ")?;
    let offset: usize = offset.parse().ok()?;
    let before = document.get(..offset)?;
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    let position = Position { line, column };
    // The node there: the last to start at or before it.
    let tree = &map.tree;
    let node = tree
        .nodes
        .iter()
        .rposition(|n| n.position() <= position)
        .map(small);
    let path = node.map(|id| tree.path_of(id)).unwrap_or_default();
    let (message, hint) = match document.get(offset..).and_then(|rest| rest.chars().next()) {
        Some(c) if what.starts_with("control characters") => (
            format!(
                "a control character {} is not allowed in YAML",
                quote(c.encode_utf8(&mut [0; 4]))
            ),
            "remove it: YAML allows tabs and line breaks but no other control character; a double-quoted text may write one as an escape, such as `\\x01`",
        ),
        _ => (cut_quoted(what), "check the characters there"),
    };
    Some(Diagnostic {
        kind: DiagnosticKind::Syntax,
        origin: map.origin.clone(),
        position: Some(position),
        path,
        message,
        hint: Some(hint.to_owned()),
    })
}

/// Cuts every quoted value in a message (`"..."` or `` `...` ``) to a fixed
/// length, and the whole message to a few such lengths, so that a message
/// never echoes unbounded input; hidden characters are escaped as in
/// [`crate::base::error::cut`], so that it stays on one line. Inside `"` quotes a
/// backslash escapes the next character, as in the `Debug` form serde uses
/// for strings.
pub(super) fn cut_quoted(message: &str) -> String {
    const LIMIT: usize = crate::base::error::QUOTE_LIMIT;
    let mut out = String::with_capacity(message.len().min(512));
    let mut quote_char = None;
    let mut escaped = false;
    let mut run = 0usize;
    let mut total = 0usize;
    for c in message.chars() {
        let len = Shown(c).len();
        let keep = match quote_char {
            None => {
                if c == '"' || c == '`' {
                    quote_char = Some(c);
                    run = 0;
                }
                true
            }
            Some(q) if c == q && !escaped => {
                quote_char = None;
                true
            }
            Some(q) => {
                escaped = q == '"' && c == '\\' && !escaped;
                let before = run;
                run += len;
                if before <= LIMIT && run > LIMIT {
                    // The mark counts toward the message's limit; where it
                    // reaches the limit it is the message's mark too.
                    out.push('…');
                    total += 1;
                    if total > 6 * LIMIT {
                        break;
                    }
                }
                run <= LIMIT
            }
        };
        if keep {
            total += len;
            if total > 6 * LIMIT {
                out.push('…');
                break;
            }
            Shown(c).push_to(&mut out);
        }
    }
    out
}

/// The field or variant named in serde's "unknown field `x`, expected ..."
/// message, and the names it expected (ours, so free of backticks). The
/// unknown name is the input's and may hold backticks itself, so the
/// message is split at the last "`, " serde wrote.
fn unknown_and_expected(rest: &str) -> Option<(&str, Vec<&str>)> {
    let rest = rest.strip_prefix('`')?;
    let (unknown, tail) = rest
        .rsplit_once("`, expected ")
        .or_else(|| rest.rsplit_once("`, there are no "))
        .or_else(|| rest.strip_suffix('`').map(|u| (u, "")))?;
    Some((unknown, tail.split('`').skip(1).step_by(2).collect()))
}

/// Classifies a serde message and adds a hint where one helps; values from
/// the input are cut (see [`cut_quoted`]).
pub(super) fn explain(message: &str) -> (DiagnosticKind, String, Option<String>) {
    for (prefix, what) in [("unknown field ", "field"), ("unknown variant ", "value")] {
        let Some((unknown, expected)) = message.strip_prefix(prefix).and_then(unknown_and_expected)
        else {
            continue;
        };
        let hint = suggest::did_you_mean(unknown, expected.iter().copied()).or_else(|| {
            (!expected.is_empty())
                .then(|| format!("expected one of {}", suggest::quoted_list(&expected)))
        });
        let kind = if what == "field" {
            DiagnosticKind::UnknownField
        } else {
            DiagnosticKind::InvalidValue
        };
        return (kind, format!("unknown {what} {}", quote(unknown)), hint);
    }
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some((found, expected)) = message
            .strip_prefix(prefix)
            .and_then(|rest| rest.rsplit_once(", expected "))
        {
            return type_mismatch(prefix, found, expected);
        }
    }
    if message.contains("more than one document") {
        return (
            DiagnosticKind::Syntax,
            "more than one YAML document in one file".into(),
            Some("put each document in a file of its own".into()),
        );
    }
    let kind = if message.starts_with("invalid") || message.starts_with("missing field") {
        DiagnosticKind::InvalidValue
    } else {
        DiagnosticKind::Syntax
    };
    (kind, cut_quoted(message), None)
}

/// serde's "invalid type: FOUND, expected EXPECTED" (or "invalid value")
/// in the YAML author's words: a mapping and a list rather than a map and a
/// sequence, no value rather than a unit value, a mapping rather than the
/// name of the struct that reads it, a whole number in a range rather than
/// a Rust integer type.
fn type_mismatch(
    prefix: &str,
    found: &str,
    expected: &str,
) -> (DiagnosticKind, String, Option<String>) {
    let found = match found {
        "unit value" => "no value",
        "map" => "a mapping",
        "sequence" => "a list",
        // A number past every integer type serde reads: `as u128` is serde's.
        other => other.strip_suffix(" as u128").unwrap_or(other),
    };
    let expected = match expected {
        "a map" => "a mapping",
        "a sequence" => "a list",
        "u8" => "a whole number from 0 to 255",
        "u16" => "a whole number from 0 to 65535",
        "u32" => "a whole number from 0 to 4294967295",
        "u64" | "usize" => "a whole number from 0 to 18446744073709551615",
        e if e.starts_with("struct ") => "a mapping",
        e => e,
    };
    let hint = (found == "no value").then(|| {
        "a key with nothing after it has no value: give one, or leave out a key that is optional"
            .to_owned()
    });
    (
        DiagnosticKind::InvalidValue,
        cut_quoted(&format!("{prefix}{found}, expected {expected}")),
        hint,
    )
}
