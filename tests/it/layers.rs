//! The source's layers import one way: shared pieces, then the validated
//! model, then loading (the YAML reader and the formats), then the report
//! types, then evaluation (which fills them), then tools. This test reads
//! every `crate::` path in `src/` and fails on one that points against
//! that direction, or on a file outside the layer folders.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The layers in order: each may use those before it, but for the pairs
/// in [`NEVER`]. Report types come before evaluation because evaluation
/// makes them; a report's `Display` needs nothing of how it was made.
const ORDER: [&str; 6] = ["base", "model", "load", "report", "eval", "tools"];

/// Reports and evaluation stand on the model alone: they never see how it
/// was loaded.
const NEVER: [(&str, &str); 2] = [("report", "load"), ("eval", "load")];

/// The layers `layer` may use besides itself.
fn allowed(layer: &str) -> Vec<&'static str> {
    let at = ORDER.iter().position(|l| *l == layer).unwrap();
    ORDER[..at]
        .iter()
        .copied()
        .filter(|l| !NEVER.contains(&(layer, l)))
        .collect()
}

#[test]
fn the_allowed_uses_are_the_documented_ones() {
    let table: Vec<(&str, Vec<&str>)> = ORDER.iter().map(|l| (*l, allowed(l))).collect();
    assert_eq!(
        table,
        [
            ("base", vec![]),
            ("model", vec!["base"]),
            ("load", vec!["base", "model"]),
            ("report", vec!["base", "model"]),
            ("eval", vec!["base", "model", "report"]),
            ("tools", vec!["base", "model", "load", "report", "eval"]),
        ]
    );
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The layer a `crate::` path names: its first segment, or for a name the
/// crate root re-exports (`crate::Policy`), the layer it comes from.
fn layer_of<'a>(path: &'a str, root: &'a BTreeMap<String, String>) -> Option<&'a str> {
    let first = path.split("::").next()?;
    if ORDER.contains(&first) {
        return Some(first);
    }
    root.get(first).map(String::as_str)
}

/// Names `lib.rs` re-exports at the root, with the layer each comes from.
fn root_names(lib: &str) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    for stmt in lib.split(';') {
        let stmt = stmt.trim();
        let Some(rest) = stmt
            .split_once("pub use ")
            .map(|(_, r)| r)
            .filter(|_| !stmt.contains("//"))
        else {
            continue;
        };
        let layer = rest.split("::").next().unwrap_or_default().to_owned();
        let list = rest.rsplit("::").next().unwrap_or_default();
        for name in list.trim_matches(['{', '}', ' ', '\n']).split(',') {
            let name = name.split(" as ").last().unwrap_or_default().trim();
            if !name.is_empty() {
                names.insert(name.to_owned(), layer.clone());
            }
        }
    }
    names
}

/// The text with string literals emptied and `//` comments blanked (doc
/// comments and messages name paths freely; a `//` inside a string does
/// not hide the code after it).
fn without_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let mut chars = line.chars().peekable();
        let mut in_string = false;
        while let Some(c) = chars.next() {
            match (in_string, c) {
                (true, '\\') => {
                    chars.next();
                }
                (true, '"') => {
                    in_string = false;
                    out.push('"');
                }
                (true, _) => {}
                (false, '\'') if chars.peek() == Some(&'"') => {
                    // The character literal `'"'`.
                    chars.next();
                    out.push_str("' '");
                    chars.next();
                }
                (false, '"') => {
                    in_string = true;
                    out.push('"');
                }
                (false, '/') if chars.peek() == Some(&'/') => break,
                (false, _) => out.push(c),
            }
        }
        out.push('\n');
    }
    out
}

/// Ways to reach another layer without `crate::`: `super::` climbing to the
/// crate root, a module file named by `#[path]`, text pulled in by
/// `include!`. None is used; each would slip past the path check.
fn around(rel: &Path, text: &str) -> Vec<String> {
    let depth = rel
        .components()
        .filter(|c| c.as_os_str() != "mod.rs")
        .count();
    let mut found = Vec::new();
    for (at, _) in text.match_indices("super::") {
        if at >= 7 && &text[at - 7..at] == "super::" {
            continue; // inside a run counted from its start
        }
        let run = text.as_bytes()[at..]
            .chunks(7)
            .take_while(|c| *c == b"super::")
            .count();
        // From a file `depth` modules below the root, `depth` steps up
        // reach the root, out of the layer.
        if run >= depth {
            let line = text[..at].lines().count();
            found.push(format!(
                "{}:{line}: `super::` climbs out of its layer",
                rel.display()
            ));
        }
    }
    for bad in ["#[path", "include!("] {
        if text.contains(bad) {
            found.push(format!("{}: `{bad}`", rel.display()));
        }
    }
    found
}

/// Every path after `crate::`, with its byte offset; a group
/// (`crate::{a::X, b::{Y, Z}}`) gives one path per top-level member.
fn crate_paths(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices("crate::") {
        let tail = &text[at + 7..];
        if let Some(group) = tail.strip_prefix('{') {
            let mut depth = 1;
            let mut member = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 1 => {
                        out.push((at, std::mem::take(&mut member).trim().to_owned()))
                    }
                    _ => {}
                }
                if depth == 0 {
                    break;
                }
                if depth == 1 && c != ',' {
                    member.push(c);
                }
            }
            if !member.trim().is_empty() {
                out.push((at, member.trim().to_owned()));
            }
        } else {
            let path = tail
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            out.push((at, path));
        }
    }
    out
}

#[test]
fn imports_run_one_way() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    let root = root_names(&lib);
    let mut all = Vec::new();
    files(&src, &mut all);
    let mut against = Vec::new();
    let mut outside = Vec::new();
    for file in &all {
        let rel = file.strip_prefix(&src).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        if top == "lib.rs" {
            continue;
        }
        let Some(own) = ORDER.iter().find(|l| **l == top) else {
            outside.push(rel.display().to_string());
            continue;
        };
        let allowed = allowed(own);
        let text = without_comments(&std::fs::read_to_string(file).unwrap());
        against.extend(around(rel, &text));
        for (at, path) in crate_paths(&text) {
            let line = text[..at].lines().count();
            match layer_of(&path, &root) {
                Some(l) if l == *own || allowed.contains(&l) => {}
                Some(l) => against.push(format!(
                    "{}:{line}: {own} uses {l} (`crate::{path}`)",
                    rel.display()
                )),
                None => against.push(format!(
                    "{}:{line}: `crate::{path}` is in no layer",
                    rel.display()
                )),
            }
        }
    }
    assert!(
        outside.is_empty(),
        "files outside the layer folders: {outside:?}"
    );
    assert!(
        against.is_empty(),
        "imports against the direction:\n{}",
        against.join("\n")
    );
    assert!(all.len() > 20, "read only {} files", all.len());
}
