//! The edit catalogue (issue 34): single edits of MMP 2.0.0, and a few with
//! several edits at once, each with the bump it calls for and why
//! (`tests/fixtures/edits/NAME.yaml`). Each is analysed with no sample
//! assessments, so the exact analysis alone must find every witness; the
//! bump must come out as expected and proved, every witness must load and
//! reproduce the change it claims through both real evaluations, and the
//! declared version must be sufficient at the expected bump and not at one
//! bump less. `QBM_EDITS=NAME cargo test --release --test edits` runs the
//! edits whose name contains NAME (all of them take about 5 minutes in a
//! debug build, 25 s in release, on 2 busy cores).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use qbm::{Assessment, Bump, EMBEDDED, Evaluation, ImpactOptions, ImpactReport, Policy, Source};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Edit {
    from: String,
    to: String,
}

/// One fixture: `base` edits (optional) make the old policy from MMP
/// 2.0.0 (or from `policy`, a path in the crate); `edits` then make the new
/// one from the old.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixture {
    why: String,
    expect: String,
    #[serde(default)]
    policy: Option<String>,
    #[serde(default)]
    base: Vec<Edit>,
    edits: Vec<Edit>,
}

fn v2_text() -> &'static str {
    EMBEDDED[1].yaml()
}

fn apply(name: &str, text: &str, edits: &[Edit]) -> String {
    edits.iter().fold(text.to_owned(), |t, e| {
        assert!(
            t.contains(&e.from),
            "{name}: `from` not found in the policy text:\n{}",
            e.from
        );
        t.replacen(&e.from, &e.to, 1)
    })
}

fn bump(s: &str) -> Bump {
    match s {
        "none" => Bump::None,
        "patch" => Bump::Patch,
        "minor" => Bump::Minor,
        "major" => Bump::Major,
        other => panic!("unknown bump `{other}`"),
    }
}

/// The version after `v` that declares `b`, as [`Bump::between`] reads
/// versions (below 1.0.0 a minor increase is major and a patch increase
/// minor, so a patch cannot be declared there: the least increase is used).
fn version(v: &semver::Version, b: Bump) -> semver::Version {
    let (ma, mi, pa) = (v.major, v.minor, v.patch);
    let (ma, mi, pa) = match (b, ma) {
        (Bump::None, _) => (ma, mi, pa),
        (Bump::Patch, _) => (ma, mi, pa + 1),
        (Bump::Minor, 0) => (0, mi, pa + 1),
        (Bump::Minor, _) => (ma, mi + 1, 0),
        (Bump::Major, 0) => (0, mi + 1, 0),
        (Bump::Major, _) => (ma + 1, 0, 0),
    };
    semver::Version::new(ma, mi, pa)
}

fn one_less(b: Bump) -> Option<Bump> {
    match b {
        Bump::None => None,
        Bump::Patch => Some(Bump::None),
        Bump::Minor => Some(Bump::Patch),
        Bump::Major => Some(Bump::Minor),
    }
}

/// The policy's text with its version set to `v`.
fn with_version(name: &str, text: &str, v: &semver::Version) -> Policy {
    let line = text
        .lines()
        .find(|l| l.starts_with("  version: "))
        .unwrap_or_else(|| panic!("{name}: no version line"));
    let text = text.replacen(line, &format!("  version: {v}"), 1);
    qbm::Loader::new()
        .policy_str(&text)
        .unwrap_or_else(|e| panic!("{name}: the edited policy does not load: {e}"))
}

fn base_text(name: &str, f: &Fixture) -> String {
    match &f.policy {
        None => v2_text().to_owned(),
        Some(p) => std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(p))
            .unwrap_or_else(|e| panic!("{name}: {p}: {e}")),
    }
}

fn fixtures() -> Vec<(String, Fixture)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/edits");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(p).unwrap();
            let f: Fixture = serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!f.why.trim().is_empty(), "{name}: say why");
            (name, f)
        })
        .collect()
}

fn options() -> ImpactOptions {
    let mut o = ImpactOptions::default();
    o.generated = 100;
    o
}

/// The kinds of change between two evaluations of one witness, in the
/// words of the report (`DecisionChange::change`).
fn changes(old: Result<&Evaluation, String>, new: Result<&Evaluation, String>) -> Vec<String> {
    let (e0, e1) = match (old, new) {
        (Ok(a), Ok(b)) => (a, b),
        (Ok(_), Err(e)) => return vec![format!("refused: {e}")],
        (Err(e), Ok(_)) => return vec![format!("accepted: {e}")],
        (Err(_), Err(_)) => return vec!["refused by both".into()],
    };
    let mut out = Vec::new();
    let id = |e: &Evaluation| e.level.as_ref().map(|l| l.id.to_string());
    let level = |l: Option<String>| l.map_or("no level".to_owned(), |l| format!("`{l}`"));
    if id(e0) != id(e1) {
        out.push(format!("level {} -> {}", level(id(e0)), level(id(e1))));
    }
    for b in &e0.benefits {
        match e1.benefits.iter().find(|x| x.id == b.id) {
            None => out.push(format!("benefit `{}` lost", b.id)),
            Some(x) => {
                if b.priority && !x.priority {
                    out.push(format!("priority for `{}` lost", b.id));
                }
                if !b.priority && x.priority {
                    out.push(format!("priority for `{}` gained", b.id));
                }
                if b.quantity != x.quantity || b.discount != x.discount {
                    out.push(format!("benefit `{}` terms differ", b.id));
                }
            }
        }
    }
    for b in &e1.benefits {
        if !e0.benefits.iter().any(|x| x.id == b.id) {
            out.push(format!("benefit `{}` gained", b.id));
        }
    }
    let due = |e: &Evaluation| {
        e.membership
            .as_ref()
            .is_some_and(|m| m.state == qbm::MembershipState::DueForRenewal)
    };
    if let (Some(l), true) = (id(e0), id(e0) == id(e1))
        && due(e0) != due(e1)
    {
        out.push(format!(
            "level `{l}` due for renewal {}",
            if due(e1) { "sooner" } else { "later" }
        ));
    }
    out
}

/// Whether what the replay shows is the change a decision claims.
fn shows(claim: &str, seen: &[String]) -> bool {
    if claim.starts_with("no longer accepted") {
        return seen.iter().any(|s| s.starts_with("refused: "));
    }
    if claim.starts_with("now accepted") {
        return seen.iter().any(|s| s.starts_with("accepted: "));
    }
    if claim.contains("kept with less") || claim.contains("kept with more") {
        let id = claim.split('`').nth(1).unwrap_or_default();
        return seen.contains(&format!("benefit `{id}` terms differ"));
    }
    seen.iter().any(|s| s == claim)
}

/// The witness's YAML without each one of its answers and facts, with the
/// line left out.
fn without_each_statement(yaml: &str) -> Vec<(String, String)> {
    let lines: Vec<&str> = yaml.lines().collect();
    let mut section = "";
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if !line.starts_with(' ') {
            section = line.trim_end_matches(':');
            continue;
        }
        let top = line.starts_with("  ") && !line.starts_with("   ");
        if top && (section == "answers" || section == "facts") {
            let rest: Vec<&str> = lines
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, l)| *l)
                .collect();
            out.push(((*line).to_owned(), rest.join("\n") + "\n"));
        }
    }
    out
}

struct Row {
    name: String,
    expect: Bump,
    got: Bump,
    problems: Vec<String>,
}

fn check(name: &str, f: &Fixture) -> Row {
    let expect = bump(&f.expect);
    let old_text = apply(name, &base_text(name, f), &f.base);
    let new_text = apply(name, &old_text, &f.edits);
    let old = qbm::Loader::new()
        .policy_str(&old_text)
        .unwrap_or_else(|e| panic!("{name}: the old policy does not load: {e}"));
    let v = old.version().clone();
    let new = with_version(name, &new_text, &version(&v, expect));
    let report = ImpactReport::compare(&old, &new, &[], &options());
    let mut problems = Vec::new();
    if report.required != expect {
        let kinds: Vec<&str> = report.decisions.iter().map(|d| d.change.as_str()).collect();
        problems.push(format!("found: {kinds:?}"));
    }
    if !report.proved {
        problems.push("not proved".into());
    }
    for d in &report.disagreements {
        problems.push(format!("disagreement: {d}"));
    }
    for d in report
        .decisions
        .iter()
        .filter(|d| d.source == Source::Exact)
    {
        problems.extend(witness_problems(&old, &new, d));
    }
    if !report.is_sufficient() && report.required == expect {
        problems.push(format!("declared {} is not sufficient", report.declared));
    }
    // One bump too small: the same report, with the version a policy
    // declaring that bump gives (policy_diff's exit code is checked on two
    // edits below with the analysis run again).
    if let Some(less) = one_less(expect) {
        let mut sv = version(&v, less);
        if Bump::between(&v, &sv) >= expect {
            sv = v.clone();
        }
        let small = with_version(name, &new_text, &sv);
        let mut r = report.clone();
        r.declared = Bump::between(old.version(), small.version());
        if r.is_sufficient() {
            problems.push(format!(
                "declared {} (one bump too small) is sufficient (required {})",
                r.declared, r.required
            ));
        }
    }
    Row {
        name: name.to_owned(),
        expect,
        got: report.required,
        problems,
    }
}

/// The evaluations of `w` under both versions, and the changes they show.
fn replay(
    old: &Policy,
    new: &Policy,
    w: &Assessment,
) -> (
    Result<Evaluation, String>,
    Result<Evaluation, String>,
    Vec<String>,
) {
    let e0 = old.evaluate(w).map_err(|e| e.to_string());
    let e1 = new.evaluate(w).map_err(|e| e.to_string());
    let seen = changes(
        e0.as_ref().map_err(Clone::clone),
        e1.as_ref().map_err(Clone::clone),
    );
    (e0, e1, seen)
}

/// What is wrong with the witness of one decision: it does not load, does
/// not reproduce the change, is not minimal, or the report's levels are not
/// the replay's.
fn witness_problems(old: &Policy, new: &Policy, d: &qbm::DecisionChange) -> Vec<String> {
    let mut problems = Vec::new();
    let w = match qbm::Loader::new().assessment_str(&d.witness) {
        Ok(w) => w,
        Err(e) => {
            problems.push(format!("witness for {} does not load: {e}", d.change));
            return problems;
        }
    };
    let (e0, e1, seen) = replay(old, new, &w);
    if !shows(&d.change, &seen) {
        problems.push(format!(
            "witness for {} does not reproduce it (replay shows {seen:?}):\n{}",
            d.change, d.witness
        ));
    }
    // Minimal: no answer or fact can be left out with the change still
    // shown (a smaller witness would exist).
    for (line, text) in without_each_statement(&d.witness) {
        let Ok(fewer) = qbm::Loader::new().assessment_str(&text) else {
            continue;
        };
        if shows(&d.change, &replay(old, new, &fewer).2) {
            problems.push(format!(
                "witness for {} is not minimal: it shows without `{}`:\n{}",
                d.change,
                line.trim(),
                d.witness
            ));
        }
    }
    let lv = |e: &Result<Evaluation, String>| {
        e.as_ref()
            .ok()
            .and_then(|e| e.level.as_ref().map(|l| l.id.to_string()))
    };
    let rep = |l: &Option<qbm::LevelSummary>| l.as_ref().map(|l| l.id.to_string());
    if (e0.is_ok() && lv(&e0) != rep(&d.old_level)) || (e1.is_ok() && lv(&e1) != rep(&d.new_level))
    {
        problems.push(format!(
            "witness for {}: the report's levels {:?} -> {:?} are not the replay's {:?} -> {:?}",
            d.change,
            rep(&d.old_level),
            rep(&d.new_level),
            lv(&e0),
            lv(&e1)
        ));
    }
    problems
}

#[test]
fn the_catalogue_is_large_enough_and_covers_every_bump() {
    let all = fixtures();
    assert!(all.len() >= 40, "{} fixtures", all.len());
    for b in ["none", "patch", "minor", "major"] {
        assert!(
            all.iter().any(|(_, f)| f.expect == b),
            "no fixture expects {b}"
        );
    }
    assert!(all.iter().filter(|(_, f)| f.edits.len() > 1).count() >= 3);
}

#[test]
fn every_edit_is_classified_exactly_with_witnesses_that_reproduce() {
    // QBM_EDITS=part runs only the edits whose name contains it.
    let only = std::env::var("QBM_EDITS").unwrap_or_default();
    let all: Vec<(String, Fixture)> = fixtures()
        .into_iter()
        .filter(|(n, _)| n.contains(&only))
        .collect();
    assert!(!all.is_empty(), "no edit named like `{only}`");
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = all.len().div_ceil(threads);
    let rows: Vec<Row> = std::thread::scope(|s| {
        let handles: Vec<_> = all
            .chunks(chunk)
            .map(|c| s.spawn(move || c.iter().map(|(n, f)| check(n, f)).collect::<Vec<Row>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let failing: Vec<&Row> = rows.iter().filter(|r| !r.problems.is_empty()).collect();
    if failing.is_empty() {
        return;
    }
    let mut table = String::from("\nedit                              expect  got\n");
    for r in &rows {
        let mark = if r.problems.is_empty() {
            ""
        } else {
            "  <- FAILS"
        };
        writeln!(
            table,
            "{:<34}{:<8}{}{mark}",
            r.name,
            r.expect.to_string(),
            r.got
        )
        .unwrap();
    }
    for r in &failing {
        writeln!(table, "\n{}:", r.name).unwrap();
        for p in &r.problems {
            writeln!(table, "  {p}").unwrap();
        }
    }
    panic!("{} of {} edits fail:{table}", failing.len(), rows.len());
}

#[test]
fn policy_diff_exits_0_for_a_right_bump_and_1_for_one_too_small_with_no_assessments() {
    let dir = std::env::temp_dir().join(format!("qbm-edits-{}", std::process::id()));
    let empty = dir.join("assessments");
    std::fs::create_dir_all(&empty).unwrap();
    let old = dir.join("old.yaml");
    std::fs::write(&old, v2_text()).unwrap();
    let exe = crate::support::example::example("policy_diff");
    let all = fixtures();
    // A loss only the solver can find (no declared minimum, an answer
    // between the thresholds), and a gain.
    for (name, right, small) in [
        ("b21-default-18", "3.0.0", "2.1.0"),
        ("b21-default-9", "2.1.0", "2.0.1"),
    ] {
        let (_, f) = all.iter().find(|(n, _)| n == name).unwrap();
        assert!(f.base.is_empty());
        let text = apply(name, v2_text(), &f.edits);
        for (v, code) in [(right, 0), (small, 1)] {
            let new = dir.join(format!("{name}-{v}.yaml"));
            std::fs::write(
                &new,
                text.replacen("  version: 2.0.0\n", &format!("  version: {v}\n"), 1),
            )
            .unwrap();
            let out = std::process::Command::new(&exe)
                .arg(&old)
                .arg(&new)
                .arg("--assessments")
                .arg(&empty)
                .args(["--generated", "100"])
                .output()
                .unwrap();
            assert_eq!(
                out.status.code(),
                Some(code),
                "{name} declared {v}:\n{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
