//! Loading inputs at and past the limits: see `tests/it/bounded.rs`.

use super::alloc;
use qbm::{Limits, Policy};

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
        |t| qbm::Loader::new().assessment_str(t).map(drop),
    );
}

/// The document of the issue: 60 mappings keyed by 1 KB names, a list of
/// 40,000 numbers at the bottom, 144 KB in all. Its index held the whole
/// path of every node, twice: 4.9 GB. It now costs a few dozen bytes per
/// node, and loads (to an error: no item has such an id) on a 1 MiB stack.
#[test]
fn the_deep_keys_document_of_the_issue_costs_little() {
    let text = deep_keys(60, 1024, 40_000);
    let (result, usage) = alloc::measure(|| qbm::Loader::new().assessment_str(&text).map(drop));
    assert!(result.is_err());
    assert!(
        usage.peak_bytes < PER_BYTE * text.len(),
        "{usage:?} for {} bytes",
        text.len()
    );
    let err = alloc::on_stack(super::STACK, move || {
        qbm::Loader::new()
            .assessment_str(&text)
            .unwrap_err()
            .to_string()
    });
    assert!(err.contains("answers.00000"), "{err}");
}

/// A policy of `items` items (ids `item-NNNN` padded to `id_len`
/// characters), the sets and the requirements of its one level given.
fn policy(items: usize, id_len: usize, sets: &str, requires: &str) -> String {
    let mut text = String::from(
        "policy: {name: p, version: 1.0.0, title: P}\n\
         kinds: [{id: benchmark, title: Benchmark}]\n\
         standards:\n  - id: s\n    title: S\n    items:\n",
    );
    for i in 0..items {
        text.push_str(&format!(
            "      - {{id: {}, kind: benchmark, title: T, question: Q}}\n",
            item_id(i, id_len)
        ));
    }
    text.push_str(sets);
    text.push_str("levels:\n  - id: member\n    rank: 1\n    title: Member\n    requires:\n");
    text.push_str(requires);
    text
}

/// The id of item `i`, padded with `x` to `len` characters.
fn item_id(i: usize, len: usize) -> String {
    format!("item-{i:05}{}", "x".repeat(len.saturating_sub(10)))
}

/// `n` sets in chains of `chain`: each selects the next by `set`, the last
/// of each chain selects the items of a kind.
fn set_chains(n: usize, chain: usize) -> String {
    let mut text = String::from("sets:\n");
    for i in 0..n {
        let select = if (i + 1) % chain == 0 || i + 1 == n {
            "{kind: benchmark}".to_owned()
        } else {
            format!("{{set: s{}}}", i + 1)
        };
        text.push_str(&format!("  - {{id: s{i}, title: S, select: {select}}}\n"));
    }
    text
}

const MET: &str = "      - met: item-00000\n";

fn load_policy(text: &str, limits: &Limits) -> Result<Policy, qbm::LoadError> {
    qbm::Loader::new()
        .origin("p.yaml")
        .limits(limits.clone())
        .policy_str(text)
}

fn message(result: Result<Policy, qbm::LoadError>) -> String {
    match result {
        Ok(_) => "loaded".into(),
        Err(e) => e.to_string(),
    }
}

#[test]
fn set_chains_are_bounded_in_depth_and_number() {
    let limits = Limits::default();
    // At the depth limit a chain loads; one more set in it, and it fails.
    let at = policy(2, 10, &set_chains(limits.max_set_depth, usize::MAX), MET);
    assert_eq!(message(load_policy(&at, &limits)), "loaded");
    let past = policy(
        2,
        10,
        &set_chains(limits.max_set_depth + 1, usize::MAX),
        MET,
    );
    let err = message(load_policy(&past, &limits));
    assert!(
        err.starts_with("p.yaml:")
            && err
                .contains(": sets[31].select.set: sets name sets more than 32 deep: `s0` -> `s1`")
            && err.ends_with(
                "(hint: select the items directly; the limit is `Limits::max_set_depth`)"
            ),
        "{err}"
    );
    // The number of sets.
    let mut few = Limits::default();
    few.max_sets = 10;
    assert_eq!(
        message(load_policy(&policy(2, 10, &set_chains(10, 4), MET), &few)),
        "loaded"
    );
    let err = message(load_policy(&policy(2, 10, &set_chains(11, 4), MET), &few));
    assert!(
        err.contains("sets: the policy has 11 sets, over the limit of 10"),
        "{err}"
    );
    // The issue's chain of 3,000 sets (142 KB overflowed a 2 MiB stack):
    // a clean error on a 1 MiB stack, and the longest chain allowed loads.
    let mut many = Limits::default();
    many.max_sets = 3_000;
    let chain = policy(2, 10, &set_chains(3_000, usize::MAX), MET);
    let err = alloc::on_stack(super::STACK, move || message(load_policy(&chain, &many)));
    assert!(err.contains("more than 32 deep"), "{err}");
    let longest = policy(2, 10, &set_chains(limits.max_set_depth, usize::MAX), MET);
    let ok = alloc::on_stack(super::STACK, move || {
        message(load_policy(&longest, &Limits::default()))
    });
    assert_eq!(ok, "loaded");
    // Memory grows with the number of sets, chained to the depth limit.
    sizes(
        "set chains",
        PER_BYTE,
        |k| policy(2, 10, &set_chains(100 * k, 32), MET),
        |t| load_policy(t, &Limits::default()).map(drop),
    );
}

/// A requirement of `depth` levels: `not` in `not` ... around `met`.
fn nested_not(depth: usize) -> String {
    let mut r = "{met: item-00000}".to_owned();
    for _ in 1..depth {
        r = format!("{{not: {r}}}");
    }
    format!("      - {r}\n")
}

#[test]
fn requirement_nesting_is_bounded() {
    let limits = Limits::default();
    let depth = limits.max_requirement_depth;
    let at = policy(2, 10, "", &nested_not(depth));
    assert_eq!(message(load_policy(&at, &limits)), "loaded");
    let err = message(load_policy(
        &policy(2, 10, "", &nested_not(depth + 1)),
        &limits,
    ));
    assert!(
        err.contains(": requirements nest deeper than 32 levels (hint: name a level, or flatten `all`/`any`; the limit is `Limits::max_requirement_depth`)")
            && err.contains("levels[0].requires[0].not.not"),
        "{err}"
    );
    // The deepest the YAML limit allows (the root, `levels`, a level,
    // `requires`, then a mapping per `not`) is refused at the requirement
    // limit on a 1 MiB stack.
    let text = policy(2, 10, "", &nested_not(limits.max_depth - 5));
    let err = alloc::on_stack(super::STACK, move || {
        message(load_policy(&text, &Limits::default()))
    });
    assert!(
        err.contains("requirements nest deeper than 32 levels"),
        "{err}"
    );
    // With YAML nesting allowed deeper, the requirement limit still holds
    // (reading such YAML takes a larger stack: see `Limits::max_depth`).
    let mut deep = Limits::default();
    deep.max_depth = 120;
    let err = message(load_policy(&policy(2, 10, "", &nested_not(100)), &deep));
    assert!(
        err.contains("requirements nest deeper than 32 levels"),
        "{err}"
    );
    // The deepest allowed loads and evaluates on a 1 MiB stack.
    let text = policy(2, 10, "", &nested_not(depth));
    let level = alloc::on_stack(super::STACK, move || {
        let p = load_policy(&text, &Limits::default()).unwrap();
        let a = qbm::Loader::new()
            .assessment_str("assessment: {program: P}\nanswers: {item-00000: met}\n")
            .unwrap();
        p.evaluate(&a).map(|r| r.level.is_some())
    });
    assert!(level.is_ok(), "{level:?}");
}

/// A requirement of `depth` levels of `all` around `met`: two YAML levels
/// each (a mapping and a list).
fn nested_all(depth: usize) -> String {
    let mut r = "{met: item-00000}".to_owned();
    for _ in 1..depth {
        r = format!("{{all: [{r}]}}");
    }
    format!("      - {r}\n")
}

#[test]
fn the_deepest_document_that_loads_loads_on_a_small_stack() {
    // The root, `levels`, a level, `requires`: 4 YAML levels, then two per
    // `all` and one for the innermost `met` (2d + 3 in all); the deepest
    // within `Limits::max_depth` (64) loads, is walked by both YAML
    // readers, and evaluates on a 1 MiB stack.
    let limits = Limits::default();
    let depth = (limits.max_depth - 3) / 2;
    let text = policy(2, 10, "", &nested_all(depth));
    let past = policy(2, 10, "", &nested_all(depth + 1));
    let (loaded, refused) = alloc::on_stack(super::STACK, move || {
        let p = load_policy(&text, &Limits::default()).unwrap();
        let a = qbm::Loader::new()
            .assessment_str("assessment: {program: P}\nanswers: {item-00000: met}\n")
            .unwrap();
        let level = p.evaluate(&a).map(|r| r.level.is_some());
        (level, message(load_policy(&past, &Limits::default())))
    });
    assert_eq!(loaded.ok(), Some(true));
    assert!(refused.contains("nests deeper than 64 levels"), "{refused}");
}

/// An assessment answering `n` items that the policy does not have.
fn unknown_answers(n: usize, id_len: usize) -> String {
    let mut text = String::from("assessment: {program: P}\nanswers:\n");
    for i in 0..n {
        text.push_str(&format!(
            "  {}: met\n",
            item_id(i, id_len).replace("item", "unknown")
        ));
    }
    text
}

#[test]
fn a_document_lists_its_first_problems_and_counts_the_rest() {
    let limits = Limits::default();
    // An item with an unknown kind per item: one problem each.
    let broken = |n: usize| {
        policy(n, 10, "", MET).replace("kind: benchmark, title: T", "kind: benchmrk, title: T")
    };
    let err = load_policy(&broken(limits.max_diagnostics), &limits).unwrap_err();
    assert_eq!(err.diagnostics().len(), limits.max_diagnostics);
    let err = load_policy(&broken(limits.max_diagnostics + 7), &limits).unwrap_err();
    assert_eq!(err.diagnostics().len(), limits.max_diagnostics + 1);
    let last = err.diagnostics().last().unwrap().to_string();
    assert_eq!(
        last,
        "p.yaml: and 7 more problems, not listed (hint: only the first 100 are listed; \
         the limit is `Limits::max_diagnostics`)"
    );
    // The first listed are the first in the document.
    let first = err.diagnostics().first().unwrap().to_string();
    assert!(first.starts_with("p.yaml:7:"), "{first}");
    sizes(
        "problems",
        PER_BYTE,
        |k| broken(250 * k),
        |t| load_policy(t, &limits).map(drop),
    );
}

#[test]
fn did_you_mean_work_is_bounded_for_a_policy() {
    // Unknown references against long item ids: quadratic before.
    let limits = Limits::default();
    let refs = |n: usize| -> String {
        (0..n)
            .map(|i| {
                format!(
                    "      - met: {}\n",
                    item_id(i, 60).replace("item-", "itme-")
                )
            })
            .collect()
    };
    let err = load_policy(&policy(100, 60, "", &refs(30)), &limits).unwrap_err();
    let hinted = err
        .diagnostics()
        .iter()
        .filter(|d| {
            d.hint
                .as_deref()
                .is_some_and(|h| h.starts_with("did you mean"))
        })
        .count();
    assert_eq!(hinted, limits.max_suggestions, "{err}");
    sizes(
        "unknown references",
        PER_BYTE,
        |k| policy(250 * k, 60, "", &refs(25 * k)),
        |t| load_policy(t, &limits).map(drop),
    );
}

#[test]
fn did_you_mean_work_is_bounded_for_an_assessment() {
    let met = format!("      - met: {}\n", item_id(0, 60));
    let p = load_policy(&policy(250, 60, "", &met), &Limits::default()).unwrap();
    let err = p
        .evaluate(
            &qbm::Loader::new()
                .assessment_str(&unknown_answers(500, 60))
                .unwrap(),
        )
        .unwrap_err();
    assert_eq!(err.diagnostics().len(), 101);
    // The issue's upload against MMP: 20,000 problems, a 3.46 MB error.
    let mmp = qbm::Loader::new()
        .policy_str(qbm::EMBEDDED[1].yaml())
        .unwrap();
    let upload = unknown_answers(10_000, 40);
    let err = mmp
        .evaluate(&qbm::Loader::new().assessment_str(&upload).unwrap())
        .unwrap_err()
        .to_string();
    assert_eq!(err.lines().count(), 101, "{err}");
    assert!(err.len() < 32 * 1024, "{} bytes of error", err.len());
    assert!(err.ends_with("and 9900 more problems, not listed (hint: only the first 100 are listed; the limit is `Limits::max_diagnostics`)"), "{err}");
    sizes(
        "unknown answers",
        PER_BYTE,
        |k| unknown_answers(250 * k, 60),
        |t| {
            let a = qbm::Loader::new().assessment_str(t).unwrap();
            p.evaluate(&a).map(drop)
        },
    );
}
/// Many requirements over large selections: each held its own copy of the
/// items it selects (17.5 KB each for 2,000 items: 37 MB for 200 KB).
#[test]
fn requirements_over_large_selections_share_them() {
    sizes(
        "requirements x items",
        PER_BYTE,
        |k| {
            let reqs = "      - all_met: {kind: benchmark}\n".repeat(250 * k);
            let sets = set_chains(4, 4);
            let more = "      - met_at_least: {count: 1, of: {set: s0}}\n".repeat(250 * k);
            policy(2_000, 10, &sets, &(reqs + &more))
        },
        |t| load_policy(t, &Limits::default()).unwrap(),
    );
}

/// Keys that are aliases of a long text, nested deep, and repeated at the
/// bottom: every duplicate names a path of 60 such keys. Each path was held
/// whole by its diagnostic (a megabyte each); a held path is now cut.
#[test]
fn duplicate_keys_under_aliased_long_keys_cost_little() {
    let k = 16_000;
    let dups = |n: usize| {
        let mut text = format!("x: &k {}\nanswers:\n", "a".repeat(k));
        for d in 0..60 {
            text.push_str(&format!("{}*k :\n", " ".repeat(2 * (d + 1))));
        }
        let indent = " ".repeat(2 * 61);
        for i in 0..n {
            text.push_str(&format!("{indent}d{i}: 1\n{indent}d{i}: 2\n"));
        }
        text
    };
    // Each duplicate past the first 100 is only counted: its path is never
    // built (10,000 of them built a megabyte each).
    let many = dups(10_000);
    let (result, usage) = alloc::measure(|| qbm::Loader::new().assessment_str(&many).map(drop));
    eprintln!("aliased keys: {} bytes in, {usage:?}", many.len());
    let err = result.unwrap_err().to_string();
    assert!(
        err.ends_with(
            "and 9900 more problems, not listed (hint: only the first 100 are listed; \
             the limit is `Limits::max_diagnostics`)"
        ),
        "{err:.300}"
    );
    assert!(usage.peak_bytes < PER_BYTE * many.len(), "{usage:?}");
    let text = dups(150);
    let (result, usage) = alloc::measure(|| qbm::Loader::new().assessment_str(&text).map(drop));
    eprintln!("aliased keys: {} bytes in, {usage:?}", text.len());
    let err = result.unwrap_err();
    assert_eq!(err.diagnostics().len(), 101);
    assert!(err.diagnostics()[0].path.ends_with('…'));
    assert!(
        usage.peak_bytes < PER_BYTE * text.len(),
        "{usage:?} for {} bytes",
        text.len()
    );
}
/// Requirements naming an item with a long title: each requirement's text
/// held the whole title (16 KB each: 131 MB for 128 KB of YAML).
#[test]
fn requirements_naming_a_long_title_cost_little() {
    sizes(
        "long titles",
        PER_BYTE,
        |k| {
            let reqs = "      - met: item-00000\n      - not: {met: item-00000}\n".repeat(250 * k);
            policy(2, 10, "", &reqs)
                .replace("title: T,", &format!("title: {},", "t".repeat(16_000)))
        },
        |t| load_policy(t, &Limits::default()).unwrap(),
    );
}
/// Chains of `not` at the requirement depth limit: each level's text holds
/// the text it negates, so a chain's text grows with the square of its
/// depth, which `Limits::max_requirement_depth` bounds (the issue: 95 KB of
/// policy made 7.7 MB of JSON per evaluation, with no depth limit).
#[test]
fn not_chains_at_the_depth_limit_cost_memory_linear_in_the_policy() {
    sizes(
        "not chains",
        PER_BYTE,
        |k| {
            let t = policy(2, 10, "", &nested_not(32).repeat(50 * k));
            t.replace("title: T,", &format!("title: {},", "t".repeat(200)))
        },
        |t| load_policy(t, &Limits::default()).unwrap(),
    );
}
