//! Every limit at its bound and one past it, and the other hostile shapes:
//! a "billion laughs" document, non-UTF-8 input, byte-order marks, Windows
//! line ends, numbers out of range.

use qbm::{Assessment, DiagnosticKind, Limits, LoadError, Policy};

fn kind(err: &LoadError) -> DiagnosticKind {
    err.diagnostics()
        .first()
        .map(|d| d.kind)
        .unwrap_or_else(|| panic!("no diagnostic: {err}"))
}

fn assess(text: &str, limits: &Limits) -> Result<Assessment, LoadError> {
    qbm::Loader::new()
        .origin("t.yaml")
        .limits(limits.clone())
        .assessment_str(text)
}

/// At the bound a document loads (or fails for another reason); one past, it
/// fails with a limit error.
fn at_and_past(limits: &Limits, at: &str, past: &str) {
    if let Err(e) = assess(at, limits) {
        assert_ne!(kind(&e), DiagnosticKind::Limit, "at the bound: {e}");
    }
    let e = assess(past, limits).unwrap_err();
    assert_eq!(kind(&e), DiagnosticKind::Limit, "past the bound: {e}");
}

const HEAD: &str = "assessment: {program: P}\n";

#[test]
fn input_size() {
    let mut limits = Limits::default();
    limits.max_input_bytes = 100;
    let at = format!("{HEAD}#{}\n", "x".repeat(100 - HEAD.len() - 2));
    assert_eq!(at.len(), 100);
    let past = format!("{at} ");
    at_and_past(&limits, &at, &past);
    assert!(
        assess(&past, &limits)
            .unwrap_err()
            .to_string()
            .contains("101 bytes, over the limit of 100")
    );
}

#[test]
fn nesting_depth() {
    let mut limits = Limits::default();
    limits.max_depth = 4;
    // The root mapping, then `answers` and two mappings inside it: 4 deep.
    at_and_past(
        &limits,
        &format!("{HEAD}answers: {{a: {{b: {{c: 1}}}}}}\n"),
        &format!("{HEAD}answers: {{a: {{b: {{c: {{d: 1}}}}}}}}\n"),
    );
}

#[test]
fn entries_per_list_or_mapping() {
    let mut limits = Limits::default();
    limits.max_entries = 5;
    let answers = |n: usize| -> String {
        let list: Vec<String> = (0..n).map(|i| format!("X{i}: met")).collect();
        format!("{HEAD}answers: {{{}}}\n", list.join(", "))
    };
    at_and_past(&limits, &answers(5), &answers(6));
}

#[test]
fn text_length() {
    let mut limits = Limits::default();
    limits.max_string_bytes = 50;
    let program = |n: usize| format!("assessment: {{program: {}}}\n", "p".repeat(n));
    at_and_past(&limits, &program(50), &program(51));
    // A text holding the line and paragraph separators, line breaks only
    // YAML 1.1 knows (three bytes each, kept as they are in a literal block),
    // counts all its bytes. (The next-line mark, U+0085, is read as `\n`.)
    for c in ['\u{2028}', '\u{2029}'] {
        let program = |n: usize| {
            let breaks = 10;
            let pad = "x".repeat(n - breaks * (c.len_utf8() + 1));
            let lines = format!("{c}    x").repeat(breaks);
            format!("assessment:\n  program: |-\n    {pad}{lines}\n")
        };
        let at = assess(&program(50), &limits).unwrap();
        assert_eq!(at.program().len(), 50, "{c:?}");
        at_and_past(&limits, &program(50), &program(51));
        let e = assess(&program(51), &limits).unwrap_err();
        assert!(
            e.to_string().ends_with(
                "assessment.program: a text of 51 bytes is longer than the limit of 50 \
                 (hint: shorten it; the limit is `Limits::max_string_bytes`)"
            ),
            "{c:?}: {e}"
        );
        // The same text as a key (`? |-`).
        let key = |n: usize| {
            let key = program(n).replace("assessment:\n  program:", "answers:\n  ?");
            format!("{HEAD}{key}  : met\n")
        };
        at_and_past(&limits, &key(50), &key(51));
        let e = assess(&key(51), &limits).unwrap_err();
        assert!(e.to_string().contains("a text of 51 bytes"), "{c:?}: {e}");
    }
}

#[test]
fn id_length() {
    let mut limits = Limits::default();
    limits.max_id_bytes = 10;
    let answer = |n: usize| format!("{HEAD}answers: {{{}: met}}\n", "B".repeat(n));
    at_and_past(&limits, &answer(10), &answer(11));
}

#[test]
fn answers_and_facts() {
    let mut limits = Limits::default();
    limits.max_answers = 3;
    let answers = |n: usize| -> String {
        let list: Vec<String> = (0..n).map(|i| format!("X{i}: met")).collect();
        format!("{HEAD}answers: {{{}}}\n", list.join(", "))
    };
    at_and_past(&limits, &answers(3), &answers(4));
    let facts = |n: usize| -> String {
        let list: Vec<String> = (0..n).map(|i| format!("f{i}: true")).collect();
        format!("{HEAD}facts: {{{}}}\n", list.join(", "))
    };
    at_and_past(&limits, &facts(3), &facts(4));
}

fn policy(items: usize, levels: usize) -> String {
    let mut s = String::from(
        "policy: {name: p, version: 1.0.0, title: P}\nkinds: [{id: k, title: K}]\nstandards:\n  - id: s\n    title: S\n    items:\n",
    );
    for i in 0..items {
        s.push_str(&format!(
            "      - {{id: I{i}, kind: k, title: T, question: Q}}\n"
        ));
    }
    s.push_str("levels:\n");
    for l in 0..levels {
        s.push_str(&format!("  - {{id: L{l}, rank: {l}, title: L}}\n"));
    }
    s
}

#[test]
fn items_and_levels_in_a_policy() {
    let mut limits = Limits::default();
    limits.max_items = 20;
    limits.max_levels = 5;
    let load = |text: &str| {
        qbm::Loader::new()
            .origin("p.yaml")
            .limits(limits.clone())
            .policy_str(text)
    };
    assert!(load(&policy(20, 5)).is_ok());
    assert_eq!(
        kind(&load(&policy(21, 5)).unwrap_err()),
        DiagnosticKind::Limit
    );
    assert_eq!(
        kind(&load(&policy(20, 6)).unwrap_err()),
        DiagnosticKind::Limit
    );
    assert_eq!(
        load(&policy(21, 5)).unwrap_err().to_string(),
        "p.yaml:1:1: the policy has 21 items, over the limit of 20 (hint: the limit is `Limits::max_items`)"
    );
}

/// Nine levels of ten aliases each: 10^9 nodes once expanded.
fn billion_laughs(levels: usize) -> String {
    let mut s = String::from(
        "assessment: {program: P}\nfacts:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n",
    );
    for i in 1..levels {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        s.push_str(&format!("  a{i}: &a{i} [{refs}]\n"));
    }
    s
}

#[test]
fn a_billion_laughs_is_refused_before_it_expands() {
    let e = assess(&billion_laughs(9), &Limits::default()).unwrap_err();
    assert_eq!(kind(&e), DiagnosticKind::Limit, "{e}");
    assert!(
        e.to_string().contains("expands to more than 200000 nodes"),
        "{e}"
    );
    // A few aliases are fine: the same shape, small, fails only on its facts' type.
    let small = assess(&billion_laughs(2), &Limits::default()).unwrap_err();
    assert_ne!(kind(&small), DiagnosticKind::Limit, "{small}");
}

#[test]
fn non_utf8_input_names_where_it_breaks() {
    let dir = std::env::temp_dir().join(format!("qbm-limits-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("latin1.yaml");
    std::fs::write(&path, b"assessment:\n  program: Caf\xe9 Mentors\n").unwrap();
    let e = qbm::Loader::new().assessment_path(&path).unwrap_err();
    let d = &e.diagnostics()[0];
    assert_eq!(
        (d.kind, d.message.as_str()),
        (DiagnosticKind::Syntax, "the file is not UTF-8 text")
    );
    assert_eq!(d.position.map(|p| (p.line, p.column)), Some((2, 15)));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn files_are_loaded_within_the_given_limits() {
    let dir = std::env::temp_dir().join(format!("qbm-file-limits-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let policy_text = qbm::EMBEDDED[0].yaml();
    let policy_path = dir.join("policy.yaml");
    std::fs::write(&policy_path, policy_text).unwrap();
    let assessment_path = dir.join("assessment.yaml");
    std::fs::write(&assessment_path, HEAD).unwrap();

    let mut limits = Limits::default();
    limits.max_input_bytes = policy_text.len();
    // At the bound each loads from its file.
    qbm::Loader::new()
        .limits(limits.clone())
        .policy_path(&policy_path)
        .unwrap();
    limits.max_input_bytes = HEAD.len();
    qbm::Loader::new()
        .limits(limits.clone())
        .assessment_path(&assessment_path)
        .unwrap();

    // One byte past, each is refused naming the file and its size.
    limits.max_input_bytes = policy_text.len() - 1;
    let e = qbm::Loader::new()
        .limits(limits.clone())
        .policy_path(&policy_path)
        .unwrap_err();
    assert_eq!(kind(&e), DiagnosticKind::Limit, "{e}");
    let shown = e.to_string();
    assert!(
        shown.starts_with(&policy_path.display().to_string()),
        "{shown}"
    );
    assert!(
        shown.contains(&format!("the file is {} bytes", policy_text.len())),
        "{shown}"
    );
    limits.max_input_bytes = HEAD.len() - 1;
    let e = qbm::Loader::new()
        .limits(limits.clone())
        .assessment_path(&assessment_path)
        .unwrap_err();
    assert_eq!(kind(&e), DiagnosticKind::Limit, "{e}");

    // A catalog loads each file within the limits: only the policy is
    // there, so at its size the catalog loads and one byte under it fails.
    std::fs::remove_file(&assessment_path).unwrap();
    limits.max_input_bytes = policy_text.len();
    let catalog = qbm::Loader::new()
        .limits(limits.clone())
        .catalog_dir(&dir)
        .unwrap();
    assert_eq!(catalog.policies().count(), 1);
    limits.max_input_bytes = policy_text.len() - 1;
    let err = qbm::Loader::new()
        .limits(limits.clone())
        .catalog_dir(&dir)
        .unwrap_err();
    let qbm::CatalogError::Load { errors, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(errors.len(), 1, "{err}");
    assert_eq!(kind(&errors[0]), DiagnosticKind::Limit, "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bytes_as_they_arrive_are_checked_for_size_then_utf8() {
    let limits = Limits::default();
    // Not UTF-8: refused with where it breaks, for both loaders.
    let latin1 = b"assessment:\n  program: Caf\xe9 Mentors\n";
    let e = qbm::Loader::new()
        .origin("upload")
        .limits(limits.clone())
        .assessment_bytes(latin1)
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "upload:2:15: the document is not UTF-8 text (hint: save it as UTF-8)"
    );
    let policy_bytes = b"policy:\n  name: \xff\n";
    let e = qbm::Loader::new()
        .origin("upload")
        .limits(limits.clone())
        .policy_bytes(policy_bytes)
        .unwrap_err();
    assert_eq!(
        e.diagnostics()[0].position.map(|p| (p.line, p.column)),
        Some((2, 9))
    );
    // Columns count characters, as every other position does.
    let e = qbm::Loader::new()
        .origin("upload")
        .limits(limits.clone())
        .assessment_bytes(b"assessment: {program: \xc3\xa9\xc3\xa9\xff}\n")
        .unwrap_err();
    assert_eq!(
        e.diagnostics()[0].position.map(|p| (p.line, p.column)),
        Some((1, 25))
    );
    // A UTF-8 sequence cut at the end of the input is not UTF-8 either.
    let cut = "assessment: {program: \u{e9}}".as_bytes();
    let cut = &cut[..cut.len() - 2];
    assert_eq!(
        kind(
            &qbm::Loader::new()
                .origin("upload")
                .limits(limits.clone())
                .assessment_bytes(cut)
                .unwrap_err()
        ),
        DiagnosticKind::Syntax
    );
    // Valid bytes load as the text would.
    let a = qbm::Loader::new()
        .origin("upload")
        .limits(limits.clone())
        .assessment_bytes(b"assessment: {program: P}\n")
        .unwrap();
    assert_eq!(a.program(), "P");

    // The size is checked first: bytes past the limit are refused as too
    // big even when they are not UTF-8, and at the limit they are read.
    let mut small = Limits::default();
    small.max_input_bytes = latin1.len();
    let e = qbm::Loader::new()
        .origin("upload")
        .limits(small.clone())
        .assessment_bytes(latin1)
        .unwrap_err();
    assert_eq!(kind(&e), DiagnosticKind::Syntax, "{e}");
    small.max_input_bytes = latin1.len() - 1;
    let e = qbm::Loader::new()
        .origin("upload")
        .limits(small.clone())
        .assessment_bytes(latin1)
        .unwrap_err();
    assert_eq!(kind(&e), DiagnosticKind::Limit, "{e}");
    let want = format!(
        "the document is {} bytes, over the limit of {}",
        latin1.len(),
        latin1.len() - 1
    );
    assert!(e.to_string().contains(&want), "{e}");
}

#[test]
fn byte_order_marks_and_windows_line_ends_are_accepted() {
    let text = "\u{feff}assessment:\r\n  program: Windows Mentors\r\nanswers:\r\n  B.1.1: met\r\n";
    let a = qbm::Loader::new().assessment_str(text).unwrap();
    assert_eq!(a.program(), "Windows Mentors");
    assert_eq!(a.answer("B.1.1"), Some(qbm::Answer::Met));
    let policy = format!("\u{feff}{}", policy(2, 2).replace('\n', "\r\n"));
    assert_eq!(
        qbm::Loader::new()
            .policy_str(&policy)
            .unwrap()
            .items()
            .len(),
        2
    );
}

#[test]
fn empty_and_several_documents_and_tabs_are_refused() {
    for (text, want) in [
        ("", "the document is empty"),
        ("   \n# only a comment\n", "the document is empty"),
        (
            "assessment: {program: A}\n---\nassessment: {program: B}\n",
            "more than one YAML document",
        ),
        ("assessment:\n\tprogram: A\n", "tab"),
    ] {
        let e = qbm::Loader::new().assessment_str(text).unwrap_err();
        assert_eq!(kind(&e), DiagnosticKind::Syntax, "{text:?}");
        assert!(e.to_string().contains(want), "{text:?}: {e}");
    }
}

#[test]
fn numbers_out_of_range_are_refused() {
    let answers = [
        ("B.3.1: .nan", "expected a finite number"),
        ("B.3.1: .inf", "finite"),
        ("B.3.1: -.inf", "finite"),
    ];
    for (answer, want) in answers {
        let e = qbm::Loader::new()
            .assessment_str(&format!("{HEAD}answers: {{{answer}}}\n"))
            .unwrap_err();
        assert!(e.to_string().contains(want), "{answer}: {e}");
    }
    let bad_policies = [
        (
            "rank: 0,",
            "rank: -1,",
            "expected a whole number from 0 to 4294967295",
        ),
        (
            "rank: 0,",
            "rank: 99999999999,",
            "expected a whole number from 0 to 4294967295",
        ),
        ("rank: 0,", "rank: .nan,", "invalid type"),
    ];
    for (from, to, want) in bad_policies {
        let text = policy(1, 1).replace(from, to);
        let e = qbm::Loader::new().policy_str(&text).unwrap_err();
        assert!(e.to_string().contains(want), "{to}: {e}");
    }
    let text = policy(1, 1).replace(
        "levels:\n",
        "facts: [{id: n, title: N, type: number, min: .nan}]\nlevels:\n",
    );
    let e = qbm::Loader::new().policy_str(&text).unwrap_err();
    assert!(
        e.to_string().contains("`min` is not a finite number"),
        "{e}"
    );
    let text = policy(3, 1).replace(
        "title: L}",
        "title: L, requires: [{met_at_least: {percent: .nan, of: {kind: k}}}]}",
    );
    let e = qbm::Loader::new().policy_str(&text).unwrap_err();
    assert!(
        e.to_string().contains("percent NaN is outside 0 to 100"),
        "{e}"
    );
}

#[test]
fn errors_never_echo_unbounded_input() {
    let long = "x".repeat(5000);
    let e = qbm::Loader::new()
        .assessment_str(&format!("{HEAD}answers: {{B.1.1: {long}}}\n"))
        .unwrap_err();
    assert!(e.to_string().len() < 300, "{e}");
    let e = qbm::Loader::new()
        .policy_str(&policy(1, 1).replace("rank: 0,", &format!("rank: {long},")))
        .unwrap_err();
    assert!(e.to_string().len() < 400, "{e}");
    let e = qbm::Loader::new()
        .assessment_str(&format!("assessment: {{program: P, {long}: 1}}\n"))
        .unwrap_err();
    assert!(e.to_string().len() < 400, "{e}");

    // Values holding the quote characters serde's messages use: a `"`
    // escaped inside `"..."`, a backtick inside `` `...` ``.
    let base =
        "policy: {name: p, version: 1.0.0, title: T}\nlevels:\n  - {id: a, rank: 1, title: A}\n";
    let fact = |tail: &str| format!("{base}facts:\n  - {{id: f, title: F, {tail}}}\n");
    for text in [
        base.replace("rank: 1", &format!("rank: \"a\\\"{long}\"")),
        base.replace("rank: 1", &format!("rank: 'a`{long}'")),
        base.replace("rank: 1", &format!("rank: 1, 'k`{long}': 1")),
        base.replace("rank: 1", &format!("rank: 1, \"k\\\"{long}\": 1")),
        fact(&format!("type: \"b\\\"{long}\"")),
        fact(&format!("type: 'b`{long}'")),
        fact(&format!("type: number, min: \"q\\\"{long}\"")),
    ] {
        // A key of 5,000 bytes is also too long for libyaml as a key: the
        // one run reports that too, each problem on a short line.
        let e = qbm::Loader::new().policy_str(&text).unwrap_err();
        assert!(e.to_string().lines().all(|l| l.len() < 300), "{e}");
    }
    // The unknown name is kept whole (cut), backticks and all.
    let e = qbm::Loader::new()
        .policy_str(&base.replace("rank: 1", "rank: 1, 'ti`tle': 1"))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "<input>:3:22: levels[0]: unknown field `ti`tle` (hint: did you mean `title`?)"
    );
}

/// The longest any message in the tests below may be: each echoes a value
/// of 5,000 bytes, or a list of hundreds of long names, when it is not cut.
const SHORT: usize = 1000;

#[test]
fn errors_about_policies_versions_and_catalogs_never_echo_unbounded_input() {
    let long = "x".repeat(5000);
    let builtin = Policy::builtin().unwrap();
    let short = |e: &dyn std::fmt::Display| {
        let shown = e.to_string();
        assert!(shown.len() < SHORT, "{} bytes: {shown}", shown.len());
        shown
    };

    // An assessment naming a long policy, or a long version requirement that
    // the policy does not meet (found by fuzzing: the hint quoted it whole).
    let other = qbm::Loader::new()
        .assessment_str(&format!("assessment: {{program: P, policy: {long}}}\n"))
        .unwrap();
    let shown = short(&builtin.evaluate(&other).unwrap_err());
    assert!(shown.contains("(hint: evaluate it against `xxx"), "{shown}");
    // (semver allows at most 32 comparators, but any length of pre-release.)
    let req = format!("^3.0.0-rc.{long}, <4");
    let a = qbm::Loader::new()
        .assessment_str(&format!(
            "assessment: {{program: P, policy: mmp-qbm, version: '{req}'}}\n"
        ))
        .unwrap();
    let shown = short(&builtin.evaluate(&a).unwrap_err());
    assert!(shown.contains("versions ^3.0.0-rc.xxx"), "{shown}");

    // The catalog's errors: an unknown name, a requirement no version meets,
    // a long program name with no policy named, many versions listed.
    let mut catalog = qbm::Catalog::builtin().unwrap();
    short(&catalog.resolve(&long, &"*".parse().unwrap()).unwrap_err());
    short(
        &catalog
            .resolve("mmp-qbm", &req.parse().unwrap())
            .unwrap_err(),
    );
    catalog
        .add(
            qbm::Loader::new()
                .policy_path("tests/fixtures/valid/two-level-scheme.yaml")
                .unwrap(),
        )
        .unwrap();
    let unnamed = qbm::Loader::new()
        .assessment_str(&format!("assessment: {{program: {long}}}\n"))
        .unwrap();
    short(&catalog.evaluate(&unnamed).unwrap_err());
    let mut versions = qbm::Catalog::new();
    for v in 0..300 {
        let text = policy(1, 1).replace("version: 1.0.0", &format!("version: 1.0.{v}"));
        versions
            .add(qbm::Loader::new().policy_str(&text).unwrap())
            .unwrap();
    }
    let shown = short(&versions.resolve("p", &"^2".parse().unwrap()).unwrap_err());
    assert!(shown.ends_with(", … (300 in all))"), "{shown}");

    // Lists of the policy's own names: a cycle through 100 levels with long
    // ids, a choice fact of 300 long values (refused in a rule, then in an
    // answer).
    let id = |i: usize| format!("L{i}_{}", "y".repeat(100));
    let mut cycle = String::from("policy: {name: p, version: 1.0.0, title: P}\nlevels:\n");
    for i in 0..100 {
        cycle.push_str(&format!(
            "  - {{id: {}, rank: {i}, title: L, requires: [{{level: {}}}]}}\n",
            id(i),
            id((i + 1) % 100)
        ));
    }
    let shown = short(&qbm::Loader::new().policy_str(&cycle).unwrap_err());
    assert!(shown.contains("cycle: `L0_yyy"), "{shown}");
    assert!(shown.contains("… (101 in all)"), "{shown}");
    let values: Vec<String> = (0..300)
        .map(|i| format!("v{i}_{}", "z".repeat(100)))
        .collect();
    let choice = |rule: &str| {
        format!(
            "policy: {{name: p, version: 1.0.0, title: P}}\n\
             facts: [{{id: f, title: F, type: choice, values: [{}]}}]\n\
             levels: [{{id: a, rank: 1, title: A{rule}}}]\n",
            values.join(", ")
        )
    };
    let shown = short(
        &qbm::Loader::new()
            .policy_str(&choice(", requires: [{fact: f, equals: q}]"))
            .unwrap_err(),
    );
    assert!(
        shown.contains("(hint: the values of `f` are `v0_zzz"),
        "{shown}"
    );
    let with_choice = qbm::Loader::new().policy_str(&choice("")).unwrap();
    let a = qbm::Loader::new()
        .assessment_str("assessment: {program: P}\nfacts: {f: q}\n")
        .unwrap();
    let shown = short(&with_choice.evaluate(&a).unwrap_err());
    assert!(shown.contains("(hint: the values are `v0_zzz"), "{shown}");
}

#[test]
fn nodes_after_alias_expansion() {
    let mut limits = Limits::default();
    // The root mapping, `assessment` and its mapping, `program: P`: 5 nodes;
    // each alias below repeats a 3-node list.
    let doc = |aliases: usize| {
        let mut s = String::from("assessment: {program: P}\nfacts:\n  a: &l [x, y]\n");
        for i in 0..aliases {
            s.push_str(&format!("  b{i}: *l\n"));
        }
        s
    };
    // 5 + `facts` and its mapping (2) + `a` and its list (4) = 11, then 4 per alias.
    limits.max_nodes = 11 + 4 * 3;
    at_and_past(&limits, &doc(3), &doc(4));
}

/// Levels that each refer to the one below twice (a diamond at every step):
/// evaluated naively that is 2^levels work; each level must be decided once,
/// so the most levels the limits allow evaluate at once. (Were it
/// exponential, this test would not finish.)
#[test]
fn level_references_are_decided_once_each() {
    let levels = Limits::default().max_levels;
    let mut text = String::from(
        "policy: {name: p, version: 1.0.0, title: T}\nfacts:\n  - {id: f, title: F, type: boolean}\nlevels:\n  - {id: l0, rank: 1, title: L0, requires: [{fact: f, equals: true}]}\n",
    );
    for k in 1..levels {
        let below = k - 1;
        text.push_str(&format!(
            "  - {{id: l{k}, rank: {}, title: L{k}, requires: [{{level: l{below}}}, {{any: [{{level: l{below}}}, {{not: {{level: l{below}}}}}]}}]}}\n",
            k + 1
        ));
    }
    let policy = qbm::Loader::new().policy_str(&text).unwrap();
    let a = Assessment::new("P").with_fact("f", true);
    let e = policy.evaluate(&a).unwrap();
    let top = format!("l{}", levels - 1);
    assert_eq!(
        e.level.as_ref().map(|l| l.id.to_string()),
        Some(top.clone())
    );
    assert_eq!(
        policy
            .evaluator()
            .decide(&a)
            .unwrap()
            .level
            .map(|l| l.id.to_string()),
        Some(top)
    );
}

/// The loader refuses numbers that are not finite, so only an assessment
/// built through the API reaches the evaluator's own check.
#[test]
fn numbers_that_are_not_finite_built_through_the_api_are_refused() {
    let policy = Policy::builtin().unwrap();
    for n in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let a = Assessment::new("p").with_fact("months_operating", n);
        let e = policy.evaluate(&a).unwrap_err().to_string();
        assert!(
            e.contains("fact `months_operating` is not a finite number"),
            "{n}: {e}"
        );
        let mut a = Assessment::new("p");
        a.set_answer("B.2.1", qbm::Answer::Number(n));
        let e = policy.evaluate(&a).unwrap_err().to_string();
        assert!(
            e.contains("the answer to `B.2.1` is not a finite number"),
            "{n}: {e}"
        );
    }
}

/// A policy in which `field` (one of [`ONE_LINE`]) is `value`, written in a
/// YAML double-quoted string, and every other one-line text is plain.
fn policy_with(field: &str, value: &str) -> String {
    let v = |name: &str| {
        if name == field {
            format!("\"{value}\"")
        } else {
            "T".to_owned()
        }
    };
    format!(
        "policy: {{name: {}, version: 1.0.0, title: {}}}
kinds: [{{id: {}, title: {}}}]
facts:
  - {{id: f, title: {}, type: number, unit: {}}}
  - {{id: c, title: T, type: choice, values: [a, {}]}}
standards:
  - id: s
    title: {}
    items:
      - {{id: i1, kind: T, title: {}, question: Q}}
      - {{id: i2, kind: T, title: T, question: Q, number: {{unit: {}, at_least: 2}}}}
sets: [{{id: set, title: {}, select: {{standard: s}}}}]
levels: [{{id: l, rank: 1, title: {}, requires: [{{label: {}, met: i1}}]}}]
benefits:
  - {{id: b, title: {}, min_level: l, quantity: {{amount: 1, unit: {}}}, discount: {{on: {}, percent: 10}}}}
",
        v("policy.name"),
        v("policy.title"),
        v("kinds[0].id"),
        v("kinds[0].title"),
        v("facts[0].title"),
        v("facts[0].unit"),
        v("facts[1].values[1]"),
        v("standards[0].title"),
        v("standards[0].items[0].title"),
        v("standards[0].items[1].number.unit"),
        v("sets[0].title"),
        v("levels[0].title"),
        v("levels[0].requires[0].label"),
        v("benefits[0].title"),
        v("benefits[0].quantity.unit"),
        v("benefits[0].discount.on"),
    )
}

/// Every text a report or a message shows on one line, by its path in
/// [`policy_with`].
const ONE_LINE: [&str; 16] = [
    "policy.name",
    "policy.title",
    "kinds[0].id",
    "kinds[0].title",
    "facts[0].title",
    "facts[0].unit",
    "facts[1].values[1]",
    "standards[0].title",
    "standards[0].items[0].title",
    "standards[0].items[1].number.unit",
    "sets[0].title",
    "levels[0].title",
    "levels[0].requires[0].label",
    "benefits[0].title",
    "benefits[0].quantity.unit",
    "benefits[0].discount.on",
];

#[test]
fn every_one_line_text_refuses_line_breaks_and_hidden_marks() {
    // Plain, and with the characters allowed inside a line, it loads as written.
    for field in ONE_LINE {
        let plain = qbm::Loader::new()
            .policy_str(&policy_with(field, "T"))
            .unwrap();
        assert_eq!(plain.name(), "T", "{field}");
        if field.ends_with(".id") {
            continue; // The items name the kind by its id.
        }
        let spaced = "Caf\u{e9} \u{2014} A \u{a0} B";
        let p = qbm::Loader::new()
            .policy_str(&policy_with(field, spaced))
            .unwrap();
        match field {
            "policy.name" => assert_eq!(p.name(), spaced),
            "levels[0].title" => assert_eq!(p.levels()[0].title(), spaced),
            _ => {}
        }
    }
    let flaws = [
        (r"a\nb", "is more than one line", "write the "),
        (r"a\r\nb", "is more than one line", "write the "),
        (r"a\u2028b", "is more than one line", "write the "),
        (r"ab\n", "is more than one line", "`>-` or `|-`"),
        (
            r"a\tb",
            "holds a control character or an invisible mark",
            "remove it",
        ),
        (
            r"a\u202Eb",
            "holds a control character or an invisible mark",
            "remove it",
        ),
        (
            r"a\u200Bb",
            "holds a control character or an invisible mark",
            "remove it",
        ),
    ];
    for field in ONE_LINE {
        for (value, message, hint) in flaws {
            let e = qbm::Loader::new()
                .policy_str(&policy_with(field, value))
                .unwrap_err();
            let d = e
                .diagnostics()
                .iter()
                .find(|d| d.path == field)
                .unwrap_or_else(|| panic!("{field} = {value:?}: {e}"));
            assert_eq!(d.kind, DiagnosticKind::InvalidValue, "{d}");
            assert!(d.message.contains(message), "{field} = {value:?}: {d}");
            assert!(
                d.hint.as_deref().is_some_and(|h| h.contains(hint)),
                "{field} = {value:?}: {d}"
            );
        }
    }
    // A title must say something, too.
    for field in ONE_LINE.iter().filter(|f| f.ends_with("title")) {
        let e = qbm::Loader::new()
            .policy_str(&policy_with(field, " "))
            .unwrap_err();
        assert!(
            e.to_string()
                .contains(&format!("{field}: the title is empty")),
            "{e}"
        );
    }
}
