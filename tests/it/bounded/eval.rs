//! Evaluating inputs at and past the limits: see `tests/it/bounded.rs`.

use qbm::{Assessment, Limits};

use super::alloc;

const HEAD: &str = "policy: {name: p, version: 1.0.0, title: T}\nkinds:\n  - {id: k, title: K}\nfacts:\n  - {id: f, title: F, type: boolean}\n";

/// `items` items of one kind and one level with `requirements` requirements
/// that each need every item of the kind: every requirement outcome has
/// every item missing, and the plan wants each item from each of them.
fn requirements_by_items(items: usize, requirements: usize) -> String {
    let mut s = String::from(HEAD);
    s.push_str("standards:\n  - id: s\n    title: S\n    items:\n");
    for i in 0..items {
        s.push_str(&format!(
            "      - {{id: i{i}, kind: k, title: Item {i}, question: Q{i}?}}\n"
        ));
    }
    s.push_str("levels:\n  - id: l0\n    rank: 1\n    title: L0\n    requires:\n");
    for _ in 0..requirements {
        s.push_str("      - all_met: {kind: k}\n");
    }
    s
}

/// `chains` requirements, each `not` nested `depth` times over a fact
/// requirement with a label of `label` bytes.
fn not_chains(chains: usize, depth: usize, label: usize) -> String {
    let mut s = String::from(HEAD);
    s.push_str("levels:\n  - id: l0\n    rank: 1\n    title: L0\n    requires:\n");
    let label = "x".repeat(label);
    for _ in 0..chains {
        s.push_str("      - ");
        s.push_str(&"{not: ".repeat(depth));
        s.push_str(&format!("{{label: {label}, fact: f, equals: true}}"));
        s.push_str(&"}".repeat(depth));
        s.push('\n');
    }
    s
}

/// `levels` levels, each but the first needing the one below it through
/// `nesting` nested `all` lists: evaluating the top reaches every level.
/// With `reversed`, each needs the one above it instead, so that the levels
/// evaluate from the top down.
fn level_chain(levels: usize, nesting: usize, reversed: bool) -> String {
    let mut s = String::from(HEAD);
    s.push_str("levels:\n");
    for k in 0..levels {
        s.push_str(&format!(
            "  - id: l{k}\n    rank: {}\n    title: L{k}\n    requires:\n      - ",
            k + 1
        ));
        let other = if reversed { k + 1 } else { k.wrapping_sub(1) };
        if other >= levels {
            s.push_str("{fact: f, equals: true}\n");
            continue;
        }
        s.push_str(&"{all: [".repeat(nesting));
        s.push_str(&format!("{{level: l{other}}}, {{fact: f, equals: true}}"));
        s.push_str(&"]}".repeat(nesting));
        s.push('\n');
    }
    s
}

/// Loads, evaluates an empty assessment and serialises the result: the
/// peak heap of all of it, and the JSON's size.
fn evaluate(text: &str) -> (alloc::Usage, usize) {
    let policy = qbm::Loader::new().policy_str(text).unwrap();
    let a = Assessment::new("P");
    let (out, usage) = alloc::measure(|| {
        let e = policy.evaluate(&a).unwrap();
        // Counted as written, not kept: a kept string's doubling capacity
        // would measure the allocator's growth policy, not evaluation.
        let mut json = Count(0);
        serde_json::to_writer(&mut json, &e).unwrap();
        let mut report = Count(0);
        std::fmt::write(&mut report, format_args!("{e}")).unwrap();
        json.0 + report.0
    });
    (usage, out)
}

/// A writer that counts the bytes written to it.
struct Count(usize);

impl std::io::Write for Count {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl std::fmt::Write for Count {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0 += s.len();
        Ok(())
    }
}

/// Peak heap bytes per input byte allowed while evaluating, serialising to
/// JSON and writing the report (the JSON and report counted, not kept).
const PEAK_PER_BYTE: usize = 32;
/// JSON and report bytes per input byte allowed.
const OUTPUT_PER_BYTE: usize = 16;

/// Evaluates the inputs `make(1)`, `make(2)`, `make(4)`, `make(8)`: peak
/// heap and output within their constants times the input, and growth by at
/// most 2.5x per doubling.
fn check_linear(what: &str, make: impl Fn(usize) -> String) {
    let mut runs = Vec::new();
    for scale in [1, 2, 4, 8] {
        let text = make(scale);
        let (usage, out) = evaluate(&text);
        eprintln!(
            "{what} x{scale}: {} bytes in, {usage:?}, {out} bytes out",
            text.len()
        );
        assert!(
            out <= OUTPUT_PER_BYTE * text.len(),
            "{what} x{scale}: {} bytes in, {out} bytes of JSON and report",
            text.len()
        );
        runs.push((text.len(), usage));
    }
    alloc::linear(what, &runs, PEAK_PER_BYTE, 2.5).unwrap();
}

#[test]
fn requirements_by_items_evaluate_in_linear_memory() {
    check_linear("requirements x items", |scale| {
        requirements_by_items(250 * scale, 50 * scale)
    });
}

#[test]
fn not_chains_evaluate_in_linear_memory() {
    // As deep as `Limits::max_requirement_depth` allows.
    let depth = Limits::default().max_requirement_depth - 1;
    check_linear("not chains", |scale| not_chains(4 * scale, depth, 2000));
}

#[test]
fn level_chains_evaluate_in_linear_memory() {
    check_linear("level chains", |scale| level_chain(12 * scale, 20, false));
}

/// `/dev/zero` reports no size and never ends: it is refused unread.
#[test]
fn a_device_is_refused_before_reading() {
    let ((), usage) = alloc::measure(|| {
        let err = qbm::Loader::new()
            .policy_path("/dev/zero")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "cannot read /dev/zero: it is a device, not a regular file"
        );
        let err = qbm::Loader::new()
            .assessment_path("/dev/zero")
            .unwrap_err()
            .to_string();
        assert!(err.ends_with("it is a device, not a regular file"), "{err}");
    });
    assert!(usage.peak_bytes < 64 * 1024, "{usage:?}");
}

/// Opening a FIFO waits for a writer: it is refused before it is opened.
/// (Were it opened, this test would wait for ever; the channel turns that
/// into a failure.)
#[test]
fn a_fifo_is_refused_before_opening() {
    let dir = std::env::temp_dir().join(format!("qbm-fifo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let fifo = dir.join("policy.yaml");
    let _ = std::fs::remove_file(&fifo);
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success(), "mkfifo failed");
    let (tx, rx) = std::sync::mpsc::channel();
    let path = fifo.clone();
    std::thread::spawn(move || {
        let _ = tx.send(
            qbm::Loader::new()
                .policy_path(&path)
                .map(|_| ())
                .map_err(|e| e.to_string()),
        );
    });
    let answer = rx.recv_timeout(std::time::Duration::from_secs(60));
    std::fs::remove_dir_all(&dir).unwrap();
    let err = answer
        .expect("reading a FIFO must not wait for a writer")
        .unwrap_err();
    assert!(err.ends_with(": it is a FIFO, not a regular file"), "{err}");
}

/// Files in `/proc` report a size of 0 whatever they hold: they are read,
/// but never past the limit.
#[test]
fn a_proc_file_is_read_up_to_the_limit() {
    let path = "/proc/self/status";
    let whole = std::fs::read_to_string(path).unwrap();
    assert_eq!(std::fs::metadata(path).unwrap().len(), 0);
    // Within the limit it is read, and found not to be a policy.
    let err = qbm::Loader::new().policy_path(path).unwrap_err();
    assert!(!err.diagnostics().is_empty(), "{err}");
    let mut limits = Limits::default();
    limits.max_input_bytes = 100;
    assert!(whole.len() > 100);
    let ((), usage) = alloc::measure(|| {
        let err = qbm::Loader::new()
            .limits(limits.clone())
            .policy_path(path)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "/proc/self/status: the file is over the limit of 100 bytes (reading stopped there) (hint: split it, or raise `Limits::max_input_bytes`)"
        );
    });
    assert!(usage.peak_bytes < 16 * 1024, "{usage:?}");
}

/// Past the caps, outcomes and the plan list the first items and count the
/// rest; the counts stay exact, and every item is wanted once.
#[test]
fn outcomes_and_plans_list_up_to_their_caps_and_count_the_rest() {
    use qbm::{Detail, ImprovementPlan};
    let items = ImprovementPlan::MAX_ITEMS + 400;
    let policy = qbm::Loader::new()
        .policy_str(&requirements_by_items(items, 3))
        .unwrap();
    // Every fourth item met, every fourth not met, the rest unanswered.
    let mut a = Assessment::new("P");
    for i in 0..items {
        match i % 4 {
            0 => a.set_answer(format!("i{i}"), qbm::Answer::Met),
            1 => a.set_answer(format!("i{i}"), qbm::Answer::NotMet),
            _ => {}
        }
    }
    let e = policy.evaluate(&a).unwrap();
    let r = &e.levels[0].requirements[0];
    let Detail::Items {
        met,
        applicable,
        missing,
        more_missing,
        unanswered,
        more_unanswered,
        ..
    } = &r.detail
    else {
        panic!("{r:?}")
    };
    assert_eq!((*met, *applicable), (items / 4, items));
    assert_eq!(missing.len(), Detail::MAX_LISTED_ITEMS);
    assert_eq!(missing.len() + more_missing, items - items / 4);
    assert_eq!(
        missing[..3].iter().map(|i| i.as_str()).collect::<Vec<_>>(),
        ["i1", "i2", "i3"]
    );
    assert_eq!(unanswered.len(), Detail::MAX_LISTED_ITEMS);
    assert_eq!(unanswered.len() + more_unanswered, items / 2);
    assert_eq!(
        unanswered[..3]
            .iter()
            .map(|i| i.as_str())
            .collect::<Vec<_>>(),
        ["i2", "i3", "i6"]
    );
    let plan = e.plan.as_ref().unwrap();
    let listed: Vec<&str> = plan
        .standards
        .iter()
        .flat_map(|s| &s.items)
        .map(|g| g.item.as_str())
        .collect();
    assert_eq!(listed.len(), ImprovementPlan::MAX_ITEMS);
    assert_eq!(listed.len() + plan.more_items, items - items / 4);
    assert_eq!(listed[..3], ["i1", "i2", "i3"]);
    let gap = &plan.standards[0].items[0];
    assert_eq!(
        gap.required_by(),
        format!(
            "every item of kind `k` is met ({items} items) ({} of {items} met)",
            items / 4
        )
    );
    let report = e.to_string();
    assert!(
        report.contains(&format!("\n  and {} more items\n", plan.more_items)),
        "{report}"
    );
    // Within the caps, everything is listed.
    let small = qbm::Loader::new()
        .policy_str(&requirements_by_items(40, 2))
        .unwrap();
    let e = small.evaluate(&Assessment::new("P")).unwrap();
    let plan = e.plan.as_ref().unwrap();
    assert_eq!((plan.standards[0].items.len(), plan.more_items), (40, 0));
    assert!(!e.to_string().contains("more item"));
}

/// The deepest nesting of `make(depth)` that loads within the default
/// limits, checking that one more is refused for its depth.
fn deepest(make: impl Fn(usize) -> String) -> usize {
    let ok = |n: usize| qbm::Loader::new().policy_str(&make(n)).is_ok();
    let n = (1..=Limits::default().max_depth)
        .take_while(|&n| ok(n))
        .last()
        .unwrap();
    let err = qbm::Loader::new()
        .policy_str(&make(n + 1))
        .unwrap_err()
        .to_string();
    // Refused by the YAML depth limit or the requirement depth limit,
    // whichever is reached first.
    assert!(err.contains("deeper than"), "{err}");
    n
}

/// Everything evaluation does, for the deepest and longest inputs the
/// limits allow, on a 1 MiB stack: 100 levels each naming the next (both
/// ways round) through requirements nested as deep as YAML's depth limit
/// allows, and `not` chains as deep.
#[test]
fn the_deepest_inputs_evaluate_on_a_small_stack() {
    let levels = Limits::default().max_levels;
    let nesting = deepest(|n| level_chain(2, n, false));
    let nots = deepest(|n| not_chains(1, n, 10));
    eprintln!("requirements nest {nesting} `all`s or {nots} `not`s deep");
    assert!(nesting >= 25 && nots >= 30, "{nesting} {nots}");
    for (what, text) in [
        ("levels up", level_chain(levels, nesting, false)),
        ("levels down", level_chain(levels, nesting, true)),
        ("not chains", not_chains(10, nots, 300)),
    ] {
        let (level, json, report) = alloc::on_stack(super::STACK, move || {
            let policy = qbm::Loader::new().policy_str(&text).unwrap();
            let a = Assessment::new("P").with_fact("f", true);
            let e = policy.evaluate(&a).unwrap();
            let d = policy.evaluator().decide(&a).unwrap();
            assert_eq!(d.level, e.level);
            let json = serde_json::to_string(&e).unwrap();
            let report = e.to_string();
            let _ = format!("{:?}", policy.levels().last().map(|l| l.requirements()));
            (e.level.map(|l| l.id.to_string()), json.len(), report.len())
        });
        eprintln!("{what}: level {level:?}, {json} bytes of JSON, {report} of report");
        match what {
            "levels up" => assert_eq!(level.as_deref(), Some(&*format!("l{}", levels - 1))),
            "levels down" => assert_eq!(level.as_deref(), Some(&*format!("l{}", levels - 1))),
            _ => assert_eq!(level, None),
        }
    }
}
