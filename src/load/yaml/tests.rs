//! The YAML layer's own tests: positions, the two readers agreeing,
//! duplicate keys, and serde's messages.

use serde::de::IgnoredAny;

use super::index::{YAML11_BREAKS, index};
use super::serde_msg::{cut_quoted, explain};
use super::*;
use crate::base::limits::Limits;
use crate::base::source::path::PathHash;

#[test]
fn line_breaks_only_yaml_1_1_knows_are_line_breaks() {
    for c in YAML11_BREAKS {
        // What serde_yaml writes loads again, unchanged.
        for program in [
            format!("one\n{c}two"),
            format!("one{c}two"),
            format!("{c}one"),
        ] {
            let written = crate::Assessment::new(program.clone()).to_yaml();
            match crate::Loader::new().assessment_str(&written) {
                Ok(back) => assert_eq!(back.program(), program, "{written:?}"),
                Err(e) => panic!("{written:?} does not load: {e}"),
            }
        }
        // Lines are counted as the values are read.
        let text = format!("a: 1{c}b: 2\n");
        let map = index(&text, "t.yaml", &Limits::default()).unwrap();
        assert_eq!(map.position("b").map(|p| (p.line, p.column)), Some((2, 1)));
    }
}

/// Parses `text` as any YAML, as the loaders parse their formats.
fn read(text: &str) -> Result<(), String> {
    parse::<IgnoredAny>(text, "t.yaml", &Limits::default())
        .map(drop)
        .map_err(|e| {
            e.iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        })
}

const PLAINLY: &str = "(hint: write it plainly: a byte-order mark only at the very start of \
    the file, anchor names (`&name`) of letters, digits, `-` and `_`, and no `?` keys)";

#[test]
fn documents_read_two_ways_are_refused() {
    // libyaml skips a byte-order mark that starts a line, so the values
    // hold `a.x` twice (the later wins); read as YAML 1.2 the mark is
    // text and the line a key of the document's own.
    assert_eq!(
        read("a:\n  x: 1\n\u{feff} x: 2\n"),
        Err(format!(
            "t.yaml:3:1: a.x: this YAML reads two ways here: as `a.x` or as \
             `\\u{{feff}} x` {PLAINLY}"
        ))
    );
    // A long path is cut between whole escapes, never inside one.
    assert_eq!(
        read(&format!(
            "a:\n  x: 1\n\u{feff} x{}: 2\n",
            "\u{feff}".repeat(9)
        )),
        Err(format!(
            "t.yaml:3:1: a.x{marks9}: this YAML reads two ways here: as `a.x{marks7}…` \
             or as `\\u{{feff}} x{marks6}…` {PLAINLY}",
            marks9 = "\\u{feff}".repeat(9),
            marks7 = "\\u{feff}".repeat(7),
            marks6 = "\\u{feff}".repeat(6),
        ))
    );
    // Anchor names: libyaml stops at the colon, YAML 1.2 takes it in.
    assert_eq!(
        read("a:\n  &n:b x: 1\n"),
        Err(format!(
            "t.yaml:2:8: a.:b x: this YAML reads two ways here: as `a.:b x` or as `a.x` \
             {PLAINLY}"
        ))
    );
    // A mapping to one reader, a single value to the other.
    assert_eq!(
        read("a: [?,]\n"),
        Err(format!(
            "t.yaml:1:5: a[0]: this YAML reads two ways here: as a mapping or as a \
             single value {PLAINLY}"
        ))
    );
}

#[test]
fn documents_read_one_way_load() {
    for text in [
        "a: 1\n",
        "\u{feff}a: 1\n",
        "a:\r\n  b: [1, {c: d}]\r\n",
        // Aliases of a mapping, a list and a value, walked where defined.
        "a: &m {b: [1, 2]}\nc: *m\nd: &l [x, *m]\ne: *l\nf: &v 1\ng: *v\n",
        // Tags, on every kind of node.
        "a: !x 1\nb: !y {c: 2}\nc: !z [3]\nd: !!str 4\ne: !!binary aGk=\n",
        // Different nodes at one path.
        "a.b: 1\na: {b: 2}\n",
        // An alias of a text as a key.
        "&k a: 1\nb: {*k : 2}\n",
        // Empty values.
        "d:\ne: ~\nf: ''\n",
        "- a\n-\n- - b\n  - c: [d]\n",
    ] {
        assert_eq!(read(text), Ok(()), "{text:?}");
    }
    // Keys are text in every format here; the walk reads them so.
    assert_eq!(
        read("? [a, b]\n: c\n"),
        Err("t.yaml:1:3: invalid type: a list, expected a string".into())
    );
}

#[test]
fn the_walk_follows_the_index_node_by_node() {
    let text = "a: [1, 2]\nb: c\n";
    let limits = Limits::default();
    let map = index(text, "t.yaml", &limits).unwrap();
    let mut nodes = map.tree.nodes.clone();
    let paths: Vec<_> = (0..nodes.len())
        .map(|i| (map.tree.path_of(small(i)), nodes[i].kind))
        .collect();
    let paths: Vec<_> = paths.iter().map(|(p, k)| (p.as_str(), *k)).collect();
    assert_eq!(
        paths,
        [
            ("", NodeKind::Mapping),
            ("a", NodeKind::Sequence),
            ("a[0]", NodeKind::Scalar),
            ("a[1]", NodeKind::Scalar),
            ("b", NodeKind::Scalar),
        ]
    );
    assert!(agree(text, &nodes, &map, &limits).is_ok());
    let shown = |nodes: &[Node]| agree(text, nodes, &map, &limits).map_err(|d| d.to_string());
    // The index saw a node the values do not hold.
    nodes.push(nodes[4].clone());
    assert_eq!(
        shown(&nodes),
        Err(format!(
            "t.yaml:2:1: b: this YAML reads two ways here: as the end of the document or \
             as `b` {PLAINLY}"
        ))
    );
    // The values hold a node the index did not see.
    nodes.truncate(4);
    assert_eq!(
        shown(&nodes),
        Err(format!(
            "t.yaml:2:1: b: this YAML reads two ways here: as `b` or as the end of the \
             document {PLAINLY}"
        ))
    );
    // A node of another kind.
    nodes[1].kind = NodeKind::Mapping;
    assert_eq!(
        shown(&nodes),
        Err(format!(
            "t.yaml:1:1: a: this YAML reads two ways here: as a list or as a mapping \
             {PLAINLY}"
        ))
    );
}

#[test]
fn a_path_hashes_alike_whole_and_in_pieces() {
    let state = crate::base::hash::State::default();
    let whole = |path: &str| {
        let mut h = PathHash::new(&state);
        h.feed(path.as_bytes());
        h.finish()
    };
    let root = PathHash::new(&state);
    let built = root.key("abcdefghij").key("k.l").index(12).key("");
    assert_eq!(built.finish(), whole("abcdefghij.k.l[12]."));
    // Under an empty key the next key takes no dot, as in `key_path`.
    assert_eq!(root.key("").key("x").finish(), whole("x"));
    assert_ne!(whole("abcdefgh"), whole("abcdefghi"));
    assert_ne!(whole(""), whole("a"));
}

#[test]
fn positions_of_paths_through_long_and_dotted_keys() {
    let long = "k".repeat(300);
    let text = format!("{long}:\n  a.b:\n    - x\n    - y: 1\n");
    let map = index(&text, "t.yaml", &Limits::default()).unwrap();
    let at = |p: &str| map.position(p).map(|p| (p.line, p.column));
    assert_eq!(at(&format!("{long}.a.b[1].y")), Some((4, 7)));
    assert_eq!(at(&format!("{long}.a.b[0]")), Some((3, 7)));
    // A path the document does not have: its nearest ancestor's place.
    assert_eq!(at(&format!("{long}.a.b[1].zz.q")), Some((4, 7)));
    // A mapping is placed at its first key, as before this index.
    assert_eq!(at(&format!("{long}.a")), Some((2, 3)));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 300, failure_persistence: None, ..proptest::prelude::ProptestConfig::default() })]
    /// Looked up by path, a node is found by its hash as a scan of
    /// every node's rebuilt path finds it (the first at that path), and
    /// a path no node has falls back to its nearest ancestor that one
    /// has: keys holding `.`, `[` and nothing at all included.
    #[test]
    fn lookups_by_hash_agree_with_a_scan(
        keys in proptest::collection::vec(("[a.\\[1\\]]{0,3}", 0usize..4), 1..30),
        probe in "[a.\\[1\\]]{0,8}",
    ) {
        // Each key one level deeper than the last, or back out.
        let mut text = String::new();
        let mut depth = 0usize;
        for (key, back) in &keys {
            depth = depth.saturating_sub(*back);
            text.push_str(&format!("{}{:?}:\n", "  ".repeat(depth), key));
            depth += 1;
        }
        let Ok(map) = index(&text, "t.yaml", &Limits::default()) else {
            return Ok(());
        };
        let tree = &map.tree;
        let scan = |path: &str| {
            (0..tree.nodes.len())
                .map(small)
                .find(|&id| tree.path_of(id) == path)
        };
        for id in (0..tree.nodes.len()).map(small) {
            let path = tree.path_of(id);
            proptest::prop_assert_eq!(tree.find(&path), scan(&path), "{}", path);
        }
        let mut p = probe.as_str();
        let expected = loop {
            if let Some(id) = scan(p) {
                break tree.position(id);
            }
            match p.rfind(['.', '[']) {
                Some(cut) => p = &p[..cut],
                None => break None,
            }
        };
        proptest::prop_assert_eq!(map.position(&probe), expected);
    }
}

#[test]
fn positions_by_path() {
    let text = "a:\n  b: 1\n  c:\n    - d: 2\n      e: [x, y]\n";
    let map = index(text, "t.yaml", &Limits::default()).unwrap();
    let at = |p: &str| map.position(p).map(|p| (p.line, p.column));
    assert_eq!(at("a"), Some((2, 3)));
    assert_eq!(at("a.b"), Some((2, 3)));
    assert_eq!(at("a.c[0]"), Some((4, 7)));
    assert_eq!(at("a.c[0].d"), Some((4, 7)));
    assert_eq!(at("a.c[0].e[1]"), Some((5, 14)));
    assert_eq!(at("a.c[0].zzz"), Some((4, 7)));
}

#[test]
fn an_alias_as_a_key_is_the_text_it_names() {
    let map = index(
        "&k a: 1\nb:\n  c: 0\n  *k : 2\n",
        "t.yaml",
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(
        map.position("b.a").map(|p| (p.line, p.column)),
        Some((4, 3))
    );
    // libyaml reads the key twice, and serde would keep the later value.
    let err = index("&k a: 1\n*k : 2\n", "t.yaml", &Limits::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "t.yaml:2:1: a: duplicate key `a` (hint: first given at line 1)"
    );
}

#[test]
fn duplicate_keys_are_all_reported() {
    let err = index("a: 1\nb: 2\na: 3\nb: 4\n", "t.yaml", &Limits::default()).unwrap_err();
    let lines: Vec<String> = err.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        lines,
        [
            "t.yaml:3:1: a: duplicate key `a` (hint: first given at line 1)",
            "t.yaml:4:1: b: duplicate key `b` (hint: first given at line 2)",
        ]
    );
    let err = index(
        "{a: 1, b: 2, a: 3}
",
        "t.yaml",
        &Limits::default(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "t.yaml:1:14: a: duplicate key `a` (hint: first given at line 1, column 2)"
    );
}

#[test]
fn explains_unknown_fields() {
    let (kind, msg, hint) = explain("unknown field `titel`, expected `id` or `title`");
    assert_eq!(kind, DiagnosticKind::UnknownField);
    assert_eq!(msg, "unknown field `titel`");
    assert_eq!(hint.as_deref(), Some("did you mean `title`?"));
    let (_, _, hint) = explain("unknown field `zzzzzz`, expected `id` or `title`");
    assert_eq!(hint.as_deref(), Some("expected one of `id`, `title`"));
    // A name holding backticks and serde's own separator is kept whole.
    let (kind, msg, hint) =
        explain("unknown field `a`, expected `b` or `c`, expected `id` or `title`");
    assert_eq!(kind, DiagnosticKind::UnknownField);
    assert_eq!(msg, "unknown field `a`, expected `b` or `c`");
    assert_eq!(hint.as_deref(), Some("expected one of `id`, `title`"));
    let (kind, msg, _) = explain("unknown variant `x`y`, expected `boolean` or `date`");
    assert_eq!(kind, DiagnosticKind::InvalidValue);
    assert_eq!(msg, "unknown value `x`y`");
    // Type errors in the YAML author's words, not serde's or ours.
    for (serde, ours) in [
        (
            "invalid type: string \"a, expected b\", expected struct RawHeader",
            "invalid type: string \"a, expected b\", expected a mapping",
        ),
        (
            "invalid type: sequence, expected a map",
            "invalid type: a list, expected a mapping",
        ),
        (
            "invalid type: map, expected a sequence",
            "invalid type: a mapping, expected a list",
        ),
        (
            "invalid type: unit value, expected a string",
            "invalid type: no value, expected a string",
        ),
        (
            "invalid type: integer `-1`, expected u32",
            "invalid type: integer `-1`, expected a whole number from 0 to 4294967295",
        ),
        (
            "invalid value: integer `99999999999999999999` as u128, expected u16",
            "invalid value: integer `99999999999999999999`, expected a whole number from 0 to 65535",
        ),
    ] {
        let (kind, msg, hint) = explain(serde);
        assert_eq!((kind, msg.as_str()), (DiagnosticKind::InvalidValue, ours));
        assert_eq!(hint.is_some(), ours.contains("no value"), "{ours}");
    }
}

#[test]
fn each_quote_run_is_cut_by_its_own_count() {
    const L: usize = crate::base::error::QUOTE_LIMIT;
    let x = |n: usize| "x".repeat(n);
    let cases = [
        // A run at the limit stays whole; one character more is cut, and
        // the text after the closing quote is kept.
        (format!("`{}` ok", x(L)), format!("`{}` ok", x(L))),
        (format!("`{}` ok", x(L + 1)), format!("`{}…` ok", x(L))),
        // An escape that ends at the limit is kept; one that would cross
        // it is left out whole.
        (format!("`{}\n`", x(L - 2)), format!("`{}\\n`", x(L - 2))),
        (
            format!("`{}\u{feff}y`", x(L - 1)),
            format!("`{}…`", x(L - 1)),
        ),
        // In `"` quotes, `\\` is one escaped backslash: the quote closes
        // after it, and the next run counts from its own start.
        (
            format!("\"a\\\\\" `{}`", x(L + 5)),
            format!("\"a\\\\\" `{}…`", x(L)),
        ),
        // `\"` does not close a quote: the run goes on.
        (
            format!("\"a\\\"{}\" ok", x(L)),
            format!("\"a\\\"{}…\" ok", x(L - 3)),
        ),
        // In backticks a backslash escapes nothing.
        (
            format!("`a\\` `{}`", x(L + 5)),
            format!("`a\\` `{}…`", x(L)),
        ),
        // One kind of quote inside the other does not close it.
        (format!("\"a`{}\"", x(L)), format!("\"a`{}…\"", x(L - 2))),
        (format!("`a\"{}`", x(L)), format!("`a\"{}…`", x(L - 2))),
        // A run cut where the message reaches its own limit ends the
        // message with one mark, not two.
        (
            format!("{}`{}` ok", x(5 * L - 1), x(L + 1)),
            format!("{}`{}…", x(5 * L - 1), x(L)),
        ),
        // Runs each within the limit still meet the message's own limit
        // of six quote lengths, which the cut mark ends.
        (
            format!("`{}` ", x(L)).repeat(7),
            format!(
                "{}`{}…",
                format!("`{}` ", x(L)).repeat(5),
                x(6 * L - 5 * (L + 3) - 1)
            ),
        ),
    ];
    for (message, expected) in cases {
        assert_eq!(cut_quoted(&message), expected, "{message:?}");
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 1000, failure_persistence: None, ..proptest::prelude::ProptestConfig::default() })]
    /// Whatever a parser's message quotes, the cut message stays on one
    /// line and within six quote lengths (and the mark), and shows the
    /// message as it is up to the first cut, or whole when it is short.
    #[test]
    fn cut_messages_keep_their_bounds(message in crate::base::text::tests::hostile_text()) {
        let cut = cut_quoted(&message);
        crate::base::text::tests::check_shown(&message, &cut, 6 * crate::base::error::QUOTE_LIMIT)?;
    }
}

#[test]
fn quoted_values_and_messages_are_cut() {
    let long = "x".repeat(500);
    let cut = cut_quoted(&format!(
        "invalid type: string \"a\\\"{long}\", expected u32"
    ));
    assert_eq!(
        cut,
        format!(
            "invalid type: string \"a\\\"{}…\", expected u32",
            "x".repeat(57)
        )
    );
    // Unbalanced quotes cannot let a message run on.
    let cut = cut_quoted(&format!("oops ` {long} ` {long}"));
    assert!(
        cut.chars().count() <= 6 * crate::base::error::QUOTE_LIMIT + 1,
        "{cut}"
    );
    assert_eq!(cut_quoted("plain `short` text"), "plain `short` text");
    // Hidden characters are escaped, in quotes or not, and a quote is
    // cut between whole escapes.
    assert_eq!(cut_quoted("odd `a\nb`\u{2028}"), "odd `a\\nb`\\u{2028}");
    assert_eq!(
        cut_quoted(&format!("`{}`", "\u{feff}".repeat(8))),
        format!("`{}…`", "\\u{feff}".repeat(7))
    );
}
