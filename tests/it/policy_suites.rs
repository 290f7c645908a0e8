//! The policy tests shipped beside each policy (`standards/*.tests.yaml`)
//! pass, and together cover every level and every benefit.

use std::collections::BTreeSet;

use qbm::PolicySuite;

fn suites() -> Vec<std::path::PathBuf> {
    let mut paths: Vec<_> = std::fs::read_dir("standards")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".tests.yaml"))
        .collect();
    paths.sort();
    paths
}

#[test]
fn every_shipped_suite_passes_and_covers_its_policy() {
    let catalog = qbm::Loader::new().catalog_dir("standards").unwrap();
    let paths = suites();
    assert_eq!(
        paths.len(),
        catalog.policies().count(),
        "one suite per policy version"
    );
    for path in paths {
        let suite = qbm::Loader::new()
            .suite_path(&path)
            .unwrap_or_else(|e| panic!("{e}"));
        let requirement = suite.version().cloned().unwrap_or(semver::VersionReq::STAR);
        let policy = catalog.resolve(suite.policy(), &requirement).unwrap();
        let result = suite.run(policy);
        assert!(result.passed(), "{result}");
        // Every level (and no level) and every benefit appear in some case.
        let mut levels = BTreeSet::new();
        let mut benefits = BTreeSet::new();
        for case in &result.cases {
            let e = case.outcome.as_ref().unwrap();
            levels.insert(
                e.level
                    .as_ref()
                    .map_or("none".to_owned(), |l| l.id.to_string()),
            );
            benefits.extend(e.benefits.iter().map(|b| b.id.to_string()));
        }
        let all_levels: BTreeSet<String> = policy
            .levels()
            .iter()
            .map(|l| l.id().to_string())
            .chain(["none".to_owned()])
            .collect();
        assert_eq!(levels, all_levels, "{}", path.display());
        let all_benefits: BTreeSet<String> = policy
            .benefits()
            .iter()
            .map(|b| b.id().to_string())
            .collect();
        assert_eq!(benefits, all_benefits, "{}", path.display());
    }
}

#[test]
fn a_failing_case_explains_itself() {
    let dir = std::env::temp_dir().join(format!("qbm-suite-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("wrong.tests.yaml");
    std::fs::write(
        &path,
        "policy: mmp-qbm\ncases:\n  - name: expects too much\n    facts: {application_submitted: true, direct_youth_mentoring: true}\n    expect:\n      level: partner\n      benefits: [training_vouchers]\n",
    )
    .unwrap();
    let suite = qbm::Loader::new().suite_path(&path).unwrap();
    let result = suite.run(&qbm::Policy::builtin().unwrap());
    assert!(!result.passed());
    let text = result.to_string();
    assert!(text.contains("FAIL expects too much"), "{text}");
    // In the policy's words: titles and ids, no Rust debug output.
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines.contains(&"       - expected level Partner (partner), got Affiliate (affiliate)"),
        "{text}"
    );
    assert!(
        text.contains(
            "       - benefits: expected but missing: Free training vouchers for any MMP workshop (training_vouchers); \
             not expected: Hosting a Highland Street Corps Ambassador of Mentoring (ambassador_hosting), "
        ),
        "{text}"
    );
    // The evaluation's report follows, so the author sees why.
    assert!(
        text.contains("| Improvement plan for Associate Partner:"),
        "{text}"
    );
    assert!(text.contains("0 of 1 cases passed"), "{text}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_bad_suite_is_refused_with_where_and_what() {
    let dir = std::env::temp_dir().join(format!("qbm-suite-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.tests.yaml");
    std::fs::write(&path, "policy: mmp-qbm\ncases:\n  - name: x\n    assessment: missing.yaml\n    expect: {level: none}\n  - name: y\n    expect: {levle: none}\n").unwrap();
    let err = qbm::Loader::new().suite_path(&path).unwrap_err();
    assert!(
        err.to_string()
            .contains("unknown field `levle` (hint: did you mean `level`?)"),
        "{err}"
    );
    std::fs::write(&path, "policy: mmp-qbm\ncases:\n  - name: x\n    assessment: missing.yaml\n    expect: {level: none}\n").unwrap();
    let err = qbm::Loader::new().suite_path(&path).unwrap_err();
    assert!(
        err.to_string()
            .contains("bad.tests.yaml:4:5: cases[0].assessment: case `x`: cannot read"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Writes `files` (name, text) to a fresh folder and loads `files[0]` as a
/// suite; returns the folder's path as the messages show it, and the result.
fn load_suite(tag: &str, files: &[(&str, &str)]) -> (String, Result<PolicySuite, qbm::LoadError>) {
    let dir = std::env::temp_dir().join(format!("qbm-suite-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let loaded = qbm::Loader::new().suite_path(dir.join(files[0].0));
    let shown = dir.display().to_string();
    std::fs::remove_dir_all(&dir).unwrap();
    (shown, loaded)
}

#[test]
fn an_inline_case_is_read_where_it_is_in_the_suite() {
    // Each problem on a line of its own, at the suite's line and column and
    // with the case's path: not at a line of some text the reader made.
    let suite = "policy: mmp-qbm\ncases:\n  - name: first\n    facts: {application_submitted: true}\n    expect: {level: affiliate}\n  - name: second\n    answers:\n      B.1.1: mett\n      B.1.2: true\n    expect: {level: affiliate}\n";
    let (dir, loaded) = load_suite("inline", &[("s.tests.yaml", suite)]);
    assert_eq!(
        loaded.unwrap_err().to_string(),
        format!(
            "{dir}/s.tests.yaml:8:7: cases[1].answers.B.1.1: unknown answer `mett` (hint: did you mean `met`?)\n\
             {dir}/s.tests.yaml:9:7: cases[1].answers.B.1.2: answer `true` is not an answer (hint: write `met`)"
        )
    );
}

#[test]
fn an_inline_case_the_policy_cannot_take_is_refused_before_any_case_runs() {
    // Not a case that fails: the check lists each problem where it is.
    let suite = "policy: mmp-qbm\ncases:\n  - name: odd\n    facts: {application_submitted: true, formal_program: maybe}\n    answers: {B.9.9: met}\n    expect: {level: affiliate}\n";
    let (dir, loaded) = load_suite("eval", &[("s.tests.yaml", suite)]);
    let suite = loaded.unwrap();
    let policy = qbm::Policy::builtin().unwrap();
    let expected = format!(
        "{dir}/s.tests.yaml:4:42: cases[0].facts.formal_program: fact `formal_program` is a boolean, but the value is text `maybe`\n\
         {dir}/s.tests.yaml:5:15: cases[0].answers.B.9.9: unknown item `B.9.9` (hint: did you mean `B.2.9`?)"
    );
    assert_eq!(suite.check(&policy).unwrap_err().to_string(), expected);
    let result = suite.run(&policy);
    assert!(!result.passed());
    assert!(result.cases.is_empty());
    assert_eq!(
        result.to_string(),
        format!(
            "{dir}/s.tests.yaml against mmp-qbm 2.0.0\n{expected}\n\
             the suite does not fit mmp-qbm 2.0.0: 2 problems, no case run\n"
        )
    );
}

#[test]
fn a_case_name_is_not_blank_and_shows_on_its_line() {
    let case = |name: &str| {
        format!(
            "policy: mmp-qbm\ncases:\n  - name: {name}\n    facts: {{application_submitted: true}}\n    expect: {{level: partner}}\n"
        )
    };
    let (dir, loaded) = load_suite("blank", &[("s.tests.yaml", &case("\" \""))]);
    assert_eq!(
        loaded.unwrap_err().to_string(),
        format!(
            "{dir}/s.tests.yaml:3:5: cases[0].name: the case name is empty \
             (hint: say what the case shows, such as `a new program is an Affiliate`)"
        )
    );
    // A failing case whose name would forge a passing one.
    let (_, loaded) = load_suite(
        "forged",
        &[("s.tests.yaml", &case(r#""x\n  ok   forged""#))],
    );
    let text = loaded
        .unwrap()
        .run(&qbm::Policy::builtin().unwrap())
        .to_string();
    assert!(text.contains(r"  FAIL x\n  ok   forged"), "{text}");
    assert!(!text.lines().any(|l| l.starts_with("  ok")), "{text}");
}

#[test]
fn a_case_whose_file_does_not_load_names_the_case_then_the_file() {
    let suite = "policy: mmp-qbm\ncases:\n  - name: filed\n    assessment: a.yaml\n    expect: {level: none}\n";
    let file = "assessment: {program: P}\nanswers: {B.1.1: mett}\n";
    let (dir, loaded) = load_suite("file", &[("s.tests.yaml", suite), ("a.yaml", file)]);
    assert_eq!(
        loaded.unwrap_err().to_string(),
        format!(
            "{dir}/s.tests.yaml:4:5: cases[0].assessment: case `filed`: its assessment file does not load\n\
             {dir}/a.yaml:2:11: answers.B.1.1: unknown answer `mett` (hint: did you mean `met`?)"
        )
    );
}

/// The check's report of `suite` (one file) against the built-in policy,
/// with the folder written `DIR`.
fn check_report(tag: &str, suite: &str) -> String {
    let (dir, loaded) = load_suite(tag, &[("s.tests.yaml", suite)]);
    let suite = loaded.unwrap_or_else(|e| panic!("{e}"));
    let err = suite.check(&qbm::Policy::builtin().unwrap()).unwrap_err();
    err.to_string().replace(&dir, "DIR")
}

#[test]
fn a_misspelled_benefit_is_an_unknown_benefit_with_a_did_you_mean() {
    let suite = "policy: mmp-qbm\ncases:\n  - name: vouchers\n    facts: {application_submitted: true, direct_youth_mentoring: true}\n    expect:\n      level: affiliate\n      benefits: [mentor_referrals, training_vochers]\n";
    assert_eq!(
        check_report("benefit", suite),
        "DIR/s.tests.yaml:7:36: cases[0].expect.benefits[1]: unknown benefit `training_vochers` (hint: did you mean `training_vouchers`?)"
    );
}

#[test]
fn every_unknown_id_of_a_suite_is_in_one_report() {
    let suite = "policy: mmp-qbm\ncases:\n  - name: first\n    as_of: 2026-05-01\n    membership: {level: afiliate, granted_on: 2026-01-01}\n    facts: {application_submited: true}\n    expect:\n      level: parnter\n      unmet: [B.1.1, B.11.1]\n  - name: second\n    expect: {level: none, benefits: [key_grant]}\n";
    assert_eq!(
        check_report("many", suite),
        "DIR/s.tests.yaml:5:18: cases[0].membership.level: unknown level `afiliate` (hint: did you mean `affiliate`?)\n\
         DIR/s.tests.yaml:6:13: cases[0].facts.application_submited: unknown fact `application_submited` (hint: did you mean `application_submitted`?)\n\
         DIR/s.tests.yaml:8:7: cases[0].expect.level: unknown level `parnter` (hint: did you mean `partner`?)\n\
         DIR/s.tests.yaml:9:22: cases[0].expect.unmet[1]: unknown item `B.11.1` (hint: did you mean `B.1.1`?)\n\
         DIR/s.tests.yaml:11:38: cases[1].expect.benefits[0]: unknown benefit `key_grant` (hint: did you mean `key_grants`?)"
    );
}

#[test]
fn a_misspelled_state_is_refused_with_a_did_you_mean() {
    let suite = "policy: mmp-qbm\ncases:\n  - name: x\n    as_of: 2026-05-01\n    expect: {level: none, state: activ}\n";
    let (dir, loaded) = load_suite("state", &[("s.tests.yaml", suite)]);
    assert_eq!(
        loaded.unwrap_err().to_string().replace(&dir, "DIR"),
        "DIR/s.tests.yaml:5:34: cases[0].expect.state: unknown value `activ` (hint: did you mean `active`?)"
    );
}

/// Runs `suite` (one file, no assessment files) against the built-in policy.
fn run_inline(tag: &str, suite: &str) -> qbm::SuiteResult {
    let (_, loaded) = load_suite(tag, &[("s.tests.yaml", suite)]);
    loaded
        .unwrap_or_else(|e| panic!("{e}"))
        .run(&qbm::Policy::builtin().unwrap())
}

/// The membership the first case of `result` was evaluated to: whether a
/// level is held, since when, and whether it is a new grant.
fn first_membership(result: &qbm::SuiteResult) -> qbm::Membership {
    let e = result.cases[0].outcome.as_ref().unwrap();
    e.membership.clone().unwrap()
}

const AFFILIATE: &str = "facts: {application_submitted: true, direct_youth_mentoring: true}";

#[test]
fn an_inline_membership_is_the_level_held_since_its_date() {
    let suite = format!(
        "policy: mmp-qbm\ncases:\n  - name: an Affiliate since January\n    as_of: 2026-05-01\n    membership: {{level: affiliate, granted_on: 2026-01-01}}\n    {AFFILIATE}\n    expect: {{level: affiliate, state: active}}\n  - name: wrongly expired\n    as_of: 2026-05-01\n    membership: {{level: affiliate, granted_on: 2026-01-01}}\n    {AFFILIATE}\n    expect: {{level: affiliate, state: expired}}\n"
    );
    let result = run_inline("held", &suite);
    assert!(result.cases[0].passed(), "{result}");
    let m = first_membership(&result);
    assert_eq!(
        m.held.map(|l| l.id.to_string()).as_deref(),
        Some("affiliate")
    );
    assert_eq!(
        m.level_since.map(|d| d.to_string()).as_deref(),
        Some("2026-01-01")
    );
    assert!(!m.new_grant);
    // The state in words, not `Some(Active)`.
    assert_eq!(
        result.cases[1].failures,
        ["expected state expired, got active"]
    );
    let text = result.to_string();
    assert!(!text.contains("Some("), "{text}");
}

#[test]
fn an_inline_date_without_a_membership_holds_no_level() {
    let suite = format!(
        "policy: mmp-qbm\ncases:\n  - name: new on the day\n    as_of: 2026-05-01\n    {AFFILIATE}\n    expect: {{level: affiliate, state: active}}\n  - name: due already\n    as_of: 2026-05-01\n    {AFFILIATE}\n    expect: {{level: affiliate, state: due_for_renewal}}\n"
    );
    let result = run_inline("dated", &suite);
    assert!(result.cases[0].passed(), "{result}");
    // No level held: the level qualified for would be granted that day,
    // and the report says so rather than inventing an earlier grant.
    let m = first_membership(&result);
    assert_eq!(m.held, None);
    assert!(m.new_grant);
    assert_eq!(
        m.level_since.map(|d| d.to_string()).as_deref(),
        Some("2026-05-01")
    );
    assert_eq!(
        result.cases[1].failures,
        [
            "expected state due for renewal, got active (no membership is given: the program \
          holds no level, and a level it qualifies for counts as granted on 2026-05-01)"
        ]
    );
}

#[test]
fn a_case_with_a_file_takes_no_membership_and_a_state_needs_a_date() {
    let suite = "policy: mmp-qbm\ncases:\n  - name: filed\n    assessment: a.yaml\n    membership: {level: affiliate, granted_on: 2026-01-01}\n    expect: {level: none}\n  - name: undated\n    expect: {level: none, state: not_member}\n";
    let file = "assessment: {program: P}\n";
    let (dir, loaded) = load_suite("refused", &[("s.tests.yaml", suite), ("a.yaml", file)]);
    assert_eq!(
        loaded.unwrap_err().to_string().replace(&dir, "DIR"),
        "DIR/s.tests.yaml:5:18: cases[0].membership: a case with an assessment file takes the membership the file records, not one of its own \
         (hint: write the membership in the file's `assessment.membership`, or give the case's facts and answers inline)\n\
         DIR/s.tests.yaml:8:27: cases[1].expect.state: a membership state needs a date, and the case has none (hint: give the case an `as_of`)"
    );
}

#[test]
fn a_suite_runs_against_the_policy_and_versions_it_names() {
    let (dir, loaded) = load_suite(
        "target",
        &[(
            "s.tests.yaml",
            "policy: mmp-qbm\nversion: ^1\ncases:\n  - name: x\n    expect: {level: none}\n",
        )],
    );
    let report = loaded
        .unwrap()
        .check(&qbm::Policy::builtin().unwrap())
        .unwrap_err()
        .to_string()
        .replace(&dir, "DIR");
    assert_eq!(
        report,
        "DIR/s.tests.yaml:2:1: version: the suite tests `mmp-qbm` versions `^1`, not 2.0.0 \
         (hint: run it against a version its `version` allows, or change `version`)"
    );
    let suite = "policy: uk-nms\ncases:\n  - name: x\n    expect: {level: none}\n";
    assert_eq!(
        check_report("other", suite),
        "DIR/s.tests.yaml:1:1: policy: the suite tests policy `uk-nms`, not `mmp-qbm` (hint: run it against `uk-nms`)"
    );
}

/// Runs the `policy_test` example in `dir` with `args`: its exit code,
/// standard output and standard error.
fn policy_test(dir: &std::path::Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = std::process::Command::new(crate::support::example::example("policy_test"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

#[test]
fn policy_test_says_how_it_finds_a_policy_and_exits_by_the_shared_codes() {
    let dir = std::env::temp_dir().join(format!("qbm-policy-test-{}", std::process::id()));
    let policies = dir.join("policies");
    std::fs::create_dir_all(&policies).unwrap();
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/valid/two-level-scheme.yaml"
        ),
        policies.join("peer.yaml"),
    )
    .unwrap();
    let case = |level: &str| {
        format!(
            "policy: peer-scheme\nversion: ^0.3\ncases:\n  - name: nothing answered\n    expect: {{level: {level}}}\n"
        )
    };
    std::fs::write(dir.join("ok.tests.yaml"), case("none")).unwrap();
    std::fs::write(dir.join("fails.tests.yaml"), case("expert")).unwrap();
    std::fs::write(dir.join("typo.tests.yaml"), case("exprt")).unwrap();

    // Not built in, no folder given: it says where it looked and how to say.
    let (code, _, err) = policy_test(&dir, &["ok.tests.yaml"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.starts_with("error: no policy named `peer-scheme` in the catalog"),
        "{err}"
    );
    assert!(
        err.contains(
            "the suite's policy (`policy: peer-scheme`, `version: ^0.3`) is looked for among those built into qbm (mmp-qbm 1.0.0, mmp-qbm 2.0.0) and in each `--catalog DIR` (no `--catalog DIR` given); give its file with `--policy FILE` or its folder with `--catalog DIR`"
        ),
        "{err}"
    );
    // Found in the folder given: passes (0), fails (1), does not fit (2).
    let (code, out, err) = policy_test(&dir, &["ok.tests.yaml", "--catalog", "policies"]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.ends_with("1 of 1 cases passed\n"), "{out}");
    let (code, out, _) = policy_test(
        &dir,
        &["fails.tests.yaml", "--policy", "policies/peer.yaml"],
    );
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("       - expected level Expert (expert), got no level\n"),
        "{out}"
    );
    let (code, out, err) = policy_test(&dir, &["typo.tests.yaml", "--catalog", "policies"]);
    assert_eq!((code, out.as_str()), (Some(2), ""), "{err}");
    assert_eq!(
        err,
        "error: the suite does not load or does not fit peer-scheme 0.3.0, so no case was run:\n\
         typo.tests.yaml:5:14: cases[0].expect.level: unknown level `exprt` (hint: did you mean `expert`?)\n"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_readme_suite_loads_and_passes() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let start = readme
        .find("policy: mmp-qbm          # the policy")
        .unwrap();
    let block = &readme[start..];
    let block = &block[..block.find("```").unwrap()];
    // As if beside the policy in standards/.
    let here = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/");
    let block = block.replace("../examples/", here);
    let (_, loaded) = load_suite("readme", &[("s.tests.yaml", &block)]);
    let result = loaded.unwrap().run(&qbm::Policy::builtin().unwrap());
    assert!(result.passed(), "{result}");
    assert_eq!(result.cases.len(), 2);
}

#[test]
fn the_check_lists_and_suggests_within_the_suites_limits() {
    // Ten unknown benefits; three listed, two with a search for a near id.
    let ids: Vec<String> = (0..10).map(|i| format!("key_grant{i}")).collect();
    let suite = format!(
        "policy: mmp-qbm\ncases:\n  - name: x\n    expect: {{level: none, benefits: [{}]}}\n",
        ids.join(", ")
    );
    let mut limits = qbm::Limits::default();
    limits.max_diagnostics = 3;
    limits.max_suggestions = 2;
    let suite = qbm::Loader::new().limits(limits).suite_str(&suite).unwrap();
    let err = suite.check(&qbm::Policy::builtin().unwrap()).unwrap_err();
    let lines: Vec<String> = err.diagnostics().iter().map(ToString::to_string).collect();
    assert_eq!(lines.len(), 4, "{err}");
    assert!(
        lines[0].ends_with("unknown benefit `key_grant0` (hint: did you mean `key_grants`?)"),
        "{err}"
    );
    assert!(
        lines[1].ends_with("unknown benefit `key_grant1` (hint: did you mean `key_grants`?)"),
        "{err}"
    );
    assert!(lines[2].ends_with("unknown benefit `key_grant2`"), "{err}");
    assert!(
        lines[3].starts_with("<input>: and 7 more problems, not listed"),
        "{err}"
    );
}
