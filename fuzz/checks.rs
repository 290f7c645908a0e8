//! What each fuzz target checks, in one place: the targets in
//! `fuzz/fuzz_targets/` call these on every input, and
//! `tests/it/fuzz_regressions.rs` calls them on every kept input, so that
//! `cargo test` replays exactly what the fuzzers ran.
//!
//! Every input is taken as bytes, as an upload would arrive, so that the size
//! and UTF-8 checks are fuzzed too. Loading and evaluating must end in a value
//! or a typed error (a panic is a crash to libFuzzer), what loads must come
//! back unchanged from its own YAML, and every diagnostic
//! must stay short however long the input (quoted values, paths and serde's
//! messages are cut) and on one line, with nothing hidden in it (control
//! characters and invisible marks from the input are escaped).

use qbm::{
    Answer, Assessment, Bump, Catalog, CatalogError, Date, Diagnostic, FactType, ImpactOptions,
    ImpactReport, LoadError, Policy,
};

/// The longest a diagnostic may display, its origin aside. Quoted values are
/// cut to 60 characters, paths to 120 and serde's messages to 360; the
/// longest hints name ten ids of at most `Limits::max_id_bytes` (128) each.
pub const MAX_DIAGNOSTIC_BYTES: usize = 2048;

/// Panics if a diagnostic is longer than [`MAX_DIAGNOSTIC_BYTES`] or
/// shows a hidden character raw (see [`assert_shown_plainly`]).
pub fn assert_bounded(diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        assert_shown_plainly(&d.to_string(), d.origin.len());
    }
}

/// Panics if a message, its first `origin` bytes aside (the caller's name
/// for the input), is longer than [`MAX_DIAGNOSTIC_BYTES`], or shows raw
/// anywhere a character that would break its one line or hide or reorder
/// what it says: a control character (line breaks, tabs, NUL), a line or
/// paragraph separator, a byte-order mark, a zero-width or bidirectional
/// mark.
pub fn assert_shown_plainly(shown: &str, origin: usize) {
    let len = shown.len().saturating_sub(origin);
    assert!(
        len <= MAX_DIAGNOSTIC_BYTES,
        "a message of {len} bytes echoes its input: {}…",
        shown.chars().take(300).collect::<String>()
    );
    assert_nothing_hidden(shown);
}

/// Panics if `shown` (a message, or one line of a report) shows raw a
/// character that would break its line or hide or reorder what it says: see
/// [`assert_shown_plainly`].
pub fn assert_nothing_hidden(shown: &str) {
    let hidden = |c: char| {
        c.is_control()
            || matches!(
                c,
                '\u{200B}'..='\u{200F}'
                    | '\u{2028}'..='\u{202E}'
                    | '\u{2060}'..='\u{2069}'
                    | '\u{FEFF}'
            )
    };
    assert!(
        !shown.chars().any(hidden),
        "a message shows a hidden character raw: {shown:?}"
    );
}

/// Panics unless `written` (what a loaded value wrote as YAML) loads again
/// into a value that writes the same YAML: nothing lost or changed.
fn assert_round_trip<T>(
    what: &str,
    written: &str,
    load: impl Fn(&str) -> Result<T, LoadError>,
    write: impl Fn(&T) -> String,
) {
    match load(written) {
        Ok(again) => assert_eq!(write(&again), written, "the {what} changed on a round trip"),
        Err(e) => panic!("the {what} written back does not load: {e}"),
    }
}

/// `policy_load`: any bytes as a policy. One that loads also evaluates an
/// empty assessment, the [`dated_programs`] and a [`weak_program`] (lean and
/// full agreeing), shows no change when compared with itself, and comes back
/// unchanged from its own YAML. Returns whether the input loaded.
pub fn policy_load(data: &[u8]) -> bool {
    match qbm::Loader::new().origin("fuzz").policy_bytes(data) {
        Ok(policy) => {
            agree(&policy, &Assessment::new("fuzz"));
            for program in dated_programs(&policy) {
                agree(&policy, &program);
            }
            agree(&policy, &weak_program(&policy));
            assert_unchanged_against_itself(&policy);
            assert_round_trip(
                "policy",
                &policy.to_yaml(),
                str::parse::<Policy>,
                Policy::to_yaml,
            );
            true
        }
        Err(e) => {
            assert_bounded(e.diagnostics());
            false
        }
    }
}

/// `assessment_load`: any bytes as an assessment. One that loads comes back
/// unchanged from its own YAML. Returns whether the input loaded.
pub fn assessment_load(data: &[u8]) -> bool {
    match qbm::Loader::new().origin("fuzz").assessment_bytes(data) {
        Ok(a) => {
            assert_round_trip(
                "assessment",
                &a.to_yaml(),
                str::parse::<Assessment>,
                Assessment::to_yaml,
            );
            true
        }
        Err(e) => {
            assert_bounded(e.diagnostics());
            false
        }
    }
}

/// `evaluate`: any bytes as an assessment, evaluated against each policy of
/// `catalog` (the embedded MMP versions) in full and lean: both paths give
/// the same level, benefits and policy, or fail with the same error; then
/// through the catalog, which picks a version the assessment accepts or
/// fails with a short error. Returns whether some policy evaluated the input.
pub fn evaluate(catalog: &Catalog, data: &[u8]) -> bool {
    let a = match qbm::Loader::new().origin("fuzz").assessment_bytes(data) {
        Ok(a) => a,
        Err(e) => {
            assert_bounded(e.diagnostics());
            return false;
        }
    };
    let mut evaluated = false;
    for policy in catalog.policies() {
        evaluated |= agree(policy, &a);
    }
    match catalog.evaluate(&a) {
        Ok(e) => assert!(
            a.version().is_none_or(|r| r.matches(&e.policy.version)),
            "the catalog picked {} for an assessment of {:?}",
            e.policy.version,
            a.version()
        ),
        Err(CatalogError::Eval(e)) => assert_bounded(e.diagnostics()),
        Err(e) => assert_shown_plainly(&e.to_string(), 0),
    }
    evaluated
}

/// Evaluates `a` against `policy` in full and lean: both give the same
/// level, benefits and policy, or fail with the same (short) error, and the
/// text report shows nothing hidden. Returns whether it evaluated.
fn agree(policy: &Policy, a: &Assessment) -> bool {
    match (policy.evaluate(a), policy.evaluator().decide(a)) {
        (Ok(full), Ok(lean)) => {
            assert_eq!(
                (&lean.policy, &lean.level, &lean.benefits),
                (&full.policy, &full.level, &full.benefits),
                "the lean decision disagrees with the full evaluation"
            );
            // The report's texts (the policy's titles, units and ids, the
            // program's name) each stay on their line, nothing hidden.
            for line in full.to_string().split('\n') {
                assert_nothing_hidden(line);
            }
            true
        }
        (Err(full), Err(lean)) => {
            assert_eq!(
                lean.to_string(),
                full.to_string(),
                "the two paths fail differently"
            );
            assert_bounded(full.diagnostics());
            false
        }
        (full, lean) => panic!(
            "one path failed: full {:?}, lean {:?}",
            full.err(),
            lean.err()
        ),
    }
}

/// Programs for any policy: every item answered well (met, or a large number
/// where the item has a threshold), every fact given a value of its type,
/// the assessment dated, and the policy's top level held: once granted at a
/// month's end years before (so transitional levels revert and terms lapse)
/// and once a few weeks before (so they are running). The policy's time
/// rules (transitional levels, renewal terms, `held`, dates derived into
/// months) thus run on every policy the fuzzer loads.
pub fn dated_programs(policy: &Policy) -> Vec<Assessment> {
    let grants = [Date::new(2019, 1, 31), Date::new(2026, 10, 31)];
    grants
        .into_iter()
        .filter_map(|granted| dated_program(policy, granted.ok()?))
        .collect()
}

fn dated_program(policy: &Policy, granted: Date) -> Option<Assessment> {
    let as_of = Date::new(2026, 11, 22).ok()?;
    let started = Date::new(2020, 2, 29).ok()?;
    let mut a = Assessment::new("fuzz").dated(as_of);
    if let Some(top) = policy.levels().last() {
        a = a.holding(top.id().as_str(), granted, None);
    }
    for item in policy.items() {
        let answer = match item.threshold() {
            Some(_) => Answer::Number(1.0e6),
            None => Answer::Met,
        };
        a.set_answer(item.id().as_str(), answer);
    }
    for fact in policy.facts() {
        let id = fact.id().as_str();
        match fact.fact_type() {
            FactType::Boolean => a.set_fact(id, true),
            FactType::Number { min, max, .. } => a.set_fact(id, max.or(*min).unwrap_or(36.0)),
            FactType::Choice(values) => {
                if let Some(v) = values.last() {
                    a.set_fact(id, v.as_str());
                }
            }
            FactType::Date => a.set_fact(id, started.to_string()),
            _ => {}
        }
    }
    Some(a)
}

/// A program for any policy that falls short everywhere it can: items in
/// turn not met, in progress, not applicable (where allowed) and unanswered,
/// numbers at zero, each fact at its least value; so that gaps, plans and
/// every "not yet" explanation are built for every policy the fuzzer loads.
pub fn weak_program(policy: &Policy) -> Assessment {
    let mut a = Assessment::new("fuzz");
    if let Ok(as_of) = Date::new(2026, 11, 22) {
        a = a.dated(as_of);
    }
    for (i, item) in policy.items().iter().enumerate() {
        let answer = match (item.threshold(), i % 4) {
            (Some(_), 3) => continue,
            (Some(_), _) => Answer::Number(0.0),
            (None, 0) => Answer::NotMet,
            (None, 1) => Answer::InProgress,
            (None, 2) if item.allows_not_applicable() => Answer::NotApplicable,
            (None, _) => continue,
        };
        a.set_answer(item.id().as_str(), answer);
    }
    for fact in policy.facts() {
        let id = fact.id().as_str();
        match fact.fact_type() {
            FactType::Boolean => a.set_fact(id, false),
            FactType::Number { min, .. } => a.set_fact(id, min.unwrap_or(0.0)),
            FactType::Choice(values) => {
                if let Some(v) = values.first() {
                    a.set_fact(id, v.as_str());
                }
            }
            FactType::Date => a.set_fact(id, "2026-11-22"),
            _ => {}
        }
    }
    a
}

/// Panics unless comparing `policy` with itself finds no change: no
/// structural difference, no program decided differently (over a few
/// generated programs), no bump called for.
fn assert_unchanged_against_itself(policy: &Policy) {
    let mut options = ImpactOptions::default();
    options.generated = 16;
    let report = ImpactReport::compare(policy, policy, &[], &options);
    assert!(
        report.changes.is_empty() && report.decisions.is_empty(),
        "a policy differs from itself: {:?} {:?}",
        report.changes,
        report.decisions
    );
    assert_eq!(report.required, Bump::None, "a policy differs from itself");
}
