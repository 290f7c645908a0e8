//! A second policy, shaped like another scheme, proves nothing is MMP-specific.

use qbm::{Answer, Assessment, Policy, Status};

fn policy() -> Policy {
    qbm::Loader::new()
        .policy_path("tests/fixtures/valid/two-level-scheme.yaml")
        .unwrap()
}

fn program(youth: u32, met: &[&str], na: &[&str]) -> Assessment {
    let mut a = Assessment::new("Peer program").with_fact("youth_served", youth);
    for id in ["S1", "S2", "P1", "P2", "O1", "O2"] {
        let answer = if met.contains(&id) {
            Answer::Met
        } else if na.contains(&id) {
            Answer::NotApplicable
        } else {
            Answer::NotMet
        };
        a.set_answer(id, answer);
    }
    a
}

fn level(p: &Policy, a: &Assessment) -> Option<String> {
    p.evaluate(a).unwrap().level.map(|l| l.id.to_string())
}

#[test]
fn levels_are_ordered_by_rank() {
    let p = policy();
    let ids: Vec<&str> = p.levels().iter().map(|l| l.id().as_str()).collect();
    assert_eq!(ids, ["dedicated", "expert"]);
}

#[test]
fn percentage_rule_leaves_not_applicable_out() {
    let p = policy();
    // 60% of 6 is 3.6: four met are needed...
    assert_eq!(level(&p, &program(20, &["S1", "S2", "O1"], &[])), None);
    // ...but with P2 not applicable, 3 of 5 is 60%.
    assert_eq!(
        level(&p, &program(20, &["S1", "S2", "O1"], &["P2"])).as_deref(),
        Some("dedicated")
    );
}

#[test]
fn youth_served_minimum() {
    let p = policy();
    let all = ["S1", "S2", "P1", "P2", "O1", "O2"];
    assert_eq!(level(&p, &program(11, &all, &[])), None);
    assert_eq!(
        level(&p, &program(12, &all, &[])).as_deref(),
        Some("expert")
    );
}

#[test]
fn n_of_m_groups() {
    let p = policy();
    // Safety and support complete, outcomes not: 2 of 3 pillars. O2 met.
    let a = program(20, &["S1", "S2", "P1", "P2", "O2"], &[]);
    assert_eq!(level(&p, &a).as_deref(), Some("expert"));
    // Only safety complete: 1 of 3.
    let a = program(20, &["S1", "S2", "P1", "O2"], &[]);
    let e = p.evaluate(&a).unwrap();
    assert_eq!(e.level.as_ref().map(|l| l.id.as_str()), Some("dedicated"));
    let expert = &e.levels[1];
    let pillars = &expert.requirements[1];
    assert_eq!(
        pillars.requirement(),
        "at least two of the three pillars fully in place"
    );
    assert_eq!(pillars.status, Status::Unmet);
    assert_eq!(
        pillars.detail,
        qbm::Detail::Group {
            needed: 2,
            holding: 1
        }
    );
    let plan = e.plan.unwrap();
    let gaps: Vec<&str> = plan
        .standards
        .iter()
        .flat_map(|s| s.items.iter().map(|g| g.item.as_str()))
        .collect();
    assert_eq!(gaps, ["P2", "O1"]);
}

#[test]
fn not_and_any() {
    let p = policy();
    let five = ["S1", "S2", "P1", "P2", "O1"];
    // O2 not met: Expert needs youth_served above 50.
    assert_eq!(
        level(&p, &program(50, &five, &[])).as_deref(),
        Some("dedicated")
    );
    assert_eq!(
        level(&p, &program(51, &five, &[])).as_deref(),
        Some("expert")
    );
}

#[test]
fn exact_level_benefits() {
    let p = policy();
    let all = ["S1", "S2", "P1", "P2", "O1", "O2"];
    let benefits = |a: &Assessment| -> Vec<String> {
        p.evaluate(a)
            .unwrap()
            .benefits
            .iter()
            .map(|b| b.id.to_string())
            .collect()
    };
    assert_eq!(
        benefits(&program(20, &all, &[])),
        ["expert_badge", "listing"]
    );
    assert_eq!(
        benefits(&program(20, &["S1", "S2", "P1", "O2"], &[])),
        ["badge", "listing"]
    );
}
