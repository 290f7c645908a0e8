//! The YAML shown in the README is real: the policy example loads, and the
//! assessment example evaluates against the embedded policy.

use qbm::Policy;

fn yaml_blocks() -> Vec<String> {
    let readme = std::fs::read_to_string("README.md").unwrap();
    readme
        .split("```yaml\n")
        .skip(1)
        .map(|rest| rest.split("```").next().unwrap().to_owned())
        .collect()
}

/// The README's YAML block that starts with `start`; there is exactly one.
fn block(start: &str) -> String {
    let found: Vec<String> = yaml_blocks()
        .into_iter()
        .filter(|b| b.starts_with(start))
        .collect();
    assert_eq!(found.len(), 1, "blocks starting with {start:?}");
    found.into_iter().next().unwrap()
}

#[test]
fn the_readme_policy_loads_and_its_assessment_evaluates() {
    let policy = qbm::Loader::new()
        .origin("README.md")
        .policy_str(&block("policy:\n  name: mmp-qbm"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(policy.levels().len(), 3);
    assert!(policy.levels()[1].time_limit().is_some() && policy.renewal().is_some());
    let assessment = qbm::Loader::new()
        .origin("README.md")
        .assessment_str(&block("assessment:"))
        .unwrap();
    let result = Policy::builtin().unwrap().evaluate(&assessment).unwrap();
    assert_eq!(result.program, "Westfield Youth Mentors");
    assert_eq!(
        result.membership.unwrap().state,
        qbm::MembershipState::Active
    );
}

#[test]
fn the_readme_benefits_fragment_fits_a_policy() {
    let levels = "levels:\n  - {id: affiliate, rank: 1, title: A}\n  - {id: associate_partner, rank: 2, title: AP}\n  - {id: partner, rank: 3, title: P}\n";
    let text = format!(
        "policy: {{name: x, version: 1.0.0, title: X}}\n{levels}{}",
        block("benefits:")
    );
    let policy = qbm::Loader::new()
        .policy_str(&text)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(policy.benefits().len(), 3);
}
