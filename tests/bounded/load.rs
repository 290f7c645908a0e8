//! Loading inputs at and past the limits: see `tests/bounded.rs`.

use super::alloc;
use qbm::{Assessment, Limits, Policy};

/// `depth` nested mappings under `answers`, each keyed by a `key`-byte
/// name, with a flow list of `list` numbers at the bottom (in lists of 1,000,
/// within `Limits::max_entries`): every node of the list lies under the
/// whole path of keys.
fn deep_keys(depth: usize, key: usize, list: usize) -> String {
    let mut text = String::from("assessment: {program: P}\nanswers:\n");
    for d in 0..depth {
        text.push_str(&" ".repeat(2 * (d + 1)));
        text.push_str(&format!("{d:0>key$}:\n"));
    }
    text.push_str(&" ".repeat(2 * (depth + 1)));
    let rows: Vec<String> = (0..list.div_ceil(1000))
        .map(|r| format!("[{}]", vec!["1"; 1000.min(list - 1000 * r)].join(",")))
        .collect();
    text.push_str(&format!("[{}]\n", rows.join(",")));
    text
}

/// Heap bytes per input byte that loading may peak at. A flow list of
/// one-digit numbers is a node every two bytes. The index keeps about 40
/// bytes a node (a parent link, a key range, a position, a hash-table
/// entry), but `yaml-rust2` scans a flow collection written on one line
/// whole before it gives its first event, at about 290 bytes a token
/// (measured: 11.8 MB for a one-line list of 40,000 numbers, 80 KB): that
/// is most of this bound, and linear.
const PER_BYTE: usize = 192;

fn sizes<T>(what: &str, per_byte: usize, make: impl Fn(usize) -> String, load: impl Fn(&str) -> T) {
    let mut runs = Vec::new();
    for k in [1, 2, 4, 8] {
        let text = make(k);
        let (_, usage) = alloc::measure(|| load(&text));
        eprintln!("{what} x{k}: {} bytes in, {usage:?}", text.len());
        runs.push((text.len(), usage));
    }
    if let Err(e) = alloc::linear(what, &runs, per_byte, 2.5) {
        panic!("{e}");
    }
}

#[test]
fn the_position_index_is_linear_in_the_input() {
    sizes(
        "deep keys",
        PER_BYTE,
        |k| deep_keys(60, 256, 10_000 * k),
        |t| Assessment::from_yaml_str(t).map(drop),
    );
}

/// The document of the issue: 60 mappings keyed by 1 KB names, a list of
/// 40,000 numbers at the bottom, 144 KB in all. Its index held the whole
/// path of every node, twice: 4.9 GB. It now costs a few dozen bytes per
/// node, and loads (to an error: no item has such an id) on a 1 MiB stack.
#[test]
fn the_deep_keys_document_of_the_issue_costs_little() {
    let text = deep_keys(60, 1024, 40_000);
    let (result, usage) = alloc::measure(|| Assessment::from_yaml_str(&text).map(drop));
    assert!(result.is_err());
    assert!(
        usage.peak_bytes < PER_BYTE * text.len(),
        "{usage:?} for {} bytes",
        text.len()
    );
    let err = alloc::on_stack(super::STACK, move || {
        Assessment::from_yaml_str(&text).unwrap_err().to_string()
    });
    assert!(err.contains("answers.00000"), "{err}");
}
