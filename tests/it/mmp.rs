//! Every rule of the seeds, on the embedded MMP policy, at and around its edges.

use qbm::{Answer, Assessment, EvalError, Evaluation, Policy, Status};

/// The newest embedded MMP policy.
fn policy() -> Policy {
    Policy::builtin().expect("embedded policy loads")
}

/// Every embedded version of the MMP policy: the seeds' rules hold in each.
fn versions() -> Vec<Policy> {
    let catalog = qbm::Catalog::builtin().expect("embedded policies load");
    let all: Vec<Policy> = catalog.policies().cloned().collect();
    assert_eq!(all.len(), 2);
    all
}

/// A program that meets everything Partner asks: every benchmark met
/// (numeric ones exactly at their thresholds), the process complete.
fn partner(policy: &Policy) -> Assessment {
    let mut a = Assessment::new("Edge Mentors")
        .with_fact("application_submitted", true)
        .with_fact("direct_youth_mentoring", true)
        .with_fact("formal_program", true)
        .with_fact("months_operating", 12)
        .with_fact("matches_completed_minimum_cycle", true)
        .with_fact("self_assessment", "completed")
        .with_fact("review_held", true)
        .with_fact("work_plan_completed", true)
        .with_fact("support_completed", true);
    for item in policy
        .items()
        .iter()
        .filter(|i| i.kind().as_str() == "benchmark")
    {
        let answer = match item.threshold() {
            Some(t) => Answer::Number(t.at_least),
            None => Answer::Met,
        };
        a.set_answer(item.id().as_str(), answer);
    }
    a
}

fn level(e: &Evaluation) -> Option<&str> {
    e.level.as_ref().map(|l| l.id.as_str())
}

fn eval(p: &Policy, a: &Assessment) -> Evaluation {
    p.evaluate(a)
        .unwrap_or_else(|e| panic!("evaluation failed: {e}"))
}

#[test]
fn the_complete_program_is_a_partner() {
    for p in versions() {
        let e = eval(&p, &partner(&p));
        assert_eq!(level(&e), Some("partner"));
        assert!(e.plan.is_none(), "no level above Partner");
        assert!(e.levels.iter().all(|l| l.status == Status::Met));
    }
}

#[test]
fn edges_of_each_level() {
    for p in versions() {
        // (what changes, the level that follows)
        type Change = fn(&mut Assessment);
        let cases: [(&str, Change, Option<&str>); 12] = [
            (
                "12 months of operation",
                |a| a.set_fact("months_operating", 12),
                Some("partner"),
            ),
            (
                "11 months of operation",
                |a| a.set_fact("months_operating", 11),
                Some("affiliate"),
            ),
            (
                "review not held",
                |a| a.set_fact("review_held", false),
                Some("associate_partner"),
            ),
            (
                "work plan not completed",
                |a| a.set_fact("work_plan_completed", false),
                Some("associate_partner"),
            ),
            (
                "MMP support not completed",
                |a| a.set_fact("support_completed", false),
                Some("associate_partner"),
            ),
            (
                "self-assessment in progress",
                |a| a.set_fact("self_assessment", "in_progress"),
                Some("associate_partner"),
            ),
            (
                "self-assessment not started",
                |a| a.set_fact("self_assessment", "not_started"),
                Some("affiliate"),
            ),
            (
                "not a formal program",
                |a| a.set_fact("formal_program", false),
                Some("affiliate"),
            ),
            (
                "matches have not completed a cycle",
                |a| a.set_fact("matches_completed_minimum_cycle", false),
                Some("affiliate"),
            ),
            (
                "not a direct youth service",
                |a| a.set_fact("direct_youth_mentoring", false),
                None,
            ),
            (
                "no application",
                |a| a.set_fact("application_submitted", false),
                None,
            ),
            (
                "one benchmark short",
                |a| a.set_answer("B.6.10", Answer::NotMet),
                Some("associate_partner"),
            ),
        ];
        for (what, change, want) in cases {
            let mut a = partner(&p);
            change(&mut a);
            assert_eq!(level(&eval(&p, &a)), want, "{what} in {p}");
        }
    }
}

#[test]
fn numeric_thresholds_fixed_and_declared() {
    for p in versions() {
        let cases = [
            // B.3.1: at least 2 hours of pre-match training.
            ("B.3.1", 1.99, None, "associate_partner"),
            ("B.3.1", 2.0, None, "partner"),
            // B.2.1: a year, unless the program declares its own minimum.
            ("B.2.1", 11.0, None, "associate_partner"),
            ("B.2.1", 9.0, Some(9.0), "partner"),
            ("B.2.1", 8.0, Some(9.0), "associate_partner"),
        ];
        for (item, value, declared, want) in cases {
            let mut a = partner(&p).with_answer(item, Answer::Number(value));
            if let Some(d) = declared {
                a.set_fact("minimum_match_months", d);
            }
            let e = eval(&p, &a);
            assert_eq!(
                level(&e),
                Some(want),
                "{item} = {value}, declared {declared:?}"
            );
        }
    }
}

#[test]
fn one_benchmark_short_shows_in_the_plan_under_its_standard() {
    let p = policy();
    let a = partner(&p).with_answer("B.3.1", Answer::Number(1.5));
    let e = eval(&p, &a);
    let plan = e.plan.as_ref().expect("a plan for Partner");
    assert_eq!(plan.target.id.as_str(), "partner");
    assert!(plan.conditions.is_empty(), "{:?}", plan.conditions);
    assert_eq!(plan.standards.len(), 1);
    assert_eq!(plan.standards[0].standard.as_str(), "training");
    let gap = &plan.standards[0].items[0];
    assert_eq!(gap.item.as_str(), "B.3.1");
    assert_eq!(
        gap.answer,
        qbm::AnswerState::Number {
            value: 1.5,
            at_least: 2.0,
            unit: "hours".into()
        }
    );
    let designated = p
        .sets()
        .iter()
        .find(|s| s.id().as_str() == "designated")
        .unwrap()
        .len();
    let count = format!("{} of {designated} met", designated - 1);
    assert!(gap.required_by().contains(&count), "{}", gap.required_by());
}

#[test]
fn unanswered_items_count_as_not_met_and_are_reported() {
    let p = policy();
    let mut a = partner(&p);
    a.clear_answer("B.6.4");
    let e = eval(&p, &a);
    assert_eq!(level(&e), Some("associate_partner"));
    assert_eq!(
        e.unanswered
            .iter()
            .filter(|i| i.as_str().starts_with('B'))
            .count(),
        1
    );
    let partner = e
        .levels
        .iter()
        .find(|l| l.level.id.as_str() == "partner")
        .unwrap();
    assert_eq!(partner.status, Status::Unanswered);
    let gap = &e.plan.as_ref().unwrap().standards[0].items[0];
    assert_eq!(gap.answer, qbm::AnswerState::Unanswered);
    // A definite `not met` turns the level from unanswered to unmet.
    let e = eval(&p, &a.with_answer("B.6.4", Answer::NotMet));
    let partner = e
        .levels
        .iter()
        .find(|l| l.level.id.as_str() == "partner")
        .unwrap();
    assert_eq!(partner.status, Status::Unmet);
}

#[test]
fn not_applicable_is_left_out_where_allowed_and_refused_elsewhere() {
    for p in versions() {
        let a = partner(&p).with_answer("B.3.5", Answer::NotApplicable);
        let e = eval(&p, &a);
        assert_eq!(level(&e), Some("partner"));
        let training = e
            .scorecard
            .iter()
            .find(|s| s.standard.as_str() == "training")
            .unwrap();
        assert_eq!((training.not_applicable, training.applicable), (1, 9));

        let err = p
            .evaluate(&partner(&p).with_answer("B.2.4", Answer::NotApplicable))
            .unwrap_err();
        assert!(matches!(err, EvalError::Invalid(_)));
        assert_eq!(
            err.diagnostics()[0].kind,
            qbm::DiagnosticKind::NotApplicable
        );
    }
}

#[test]
fn benefits_follow_each_benefits_minimum_level() {
    for p in versions() {
        let mut affiliate = partner(&p);
        affiliate.set_fact("months_operating", 3);
        let mut associate = partner(&p);
        associate.set_fact("review_held", false);
        let full = partner(&p);
        let ranks = [
            ("affiliate", affiliate),
            ("associate_partner", associate),
            ("partner", full),
        ];
        for (want_level, a) in ranks {
            let e = eval(&p, &a);
            assert_eq!(level(&e), Some(want_level));
            let rank = e.level.as_ref().unwrap().rank;
            for b in p.benefits() {
                let granted = e.benefits.iter().find(|g| g.id == *b.id());
                let min = match b.grant() {
                    qbm::Grant::AtLeast(l) => p.level(l.as_str()).unwrap().rank(),
                    other => panic!("MMP grants by minimum level, not {other:?}"),
                };
                assert_eq!(granted.is_some(), rank >= min, "{} at {want_level}", b.id());
            }
            let ids: Vec<&str> = e.benefits.iter().map(|b| b.id.as_str()).collect();
            assert_eq!(ids.contains(&"key_grants"), rank >= 2, "{want_level}");
            let matches = e
                .benefits
                .iter()
                .find(|b| b.id.as_str() == "match_activities")
                .unwrap();
            assert_eq!(matches.priority, rank >= 2, "priority at {want_level}");
            let vouchers = e
                .benefits
                .iter()
                .find(|b| b.id.as_str() == "training_vouchers");
            assert_eq!(
                vouchers.and_then(|v| v.quantity.as_ref()).map(|q| q.amount),
                (rank == 3).then_some(4)
            );
        }
        let mut none = partner(&p);
        none.set_fact("application_submitted", false);
        assert!(eval(&p, &none).benefits.is_empty());
    }
}

#[test]
fn requirements_explain_the_values_compared() {
    let p = policy();
    let mut a = partner(&p);
    a.set_fact("months_operating", 11);
    let e = eval(&p, &a);
    let ap = e
        .levels
        .iter()
        .find(|l| l.level.id.as_str() == "associate_partner")
        .unwrap();
    let months = ap
        .requirements
        .iter()
        .find(|r| matches!(&r.detail, qbm::Detail::Fact { fact, .. } if fact.as_str() == "months_operating"))
        .unwrap();
    assert_eq!(months.status, Status::Unmet);
    assert_eq!(
        months.detail,
        qbm::Detail::Fact {
            fact: "months_operating".into(),
            actual: Some(qbm::Value::Number(11.0)),
            expected: "is at least 12".into(),
        }
    );
    let plan = e.plan.as_ref().unwrap();
    assert_eq!(plan.target.id.as_str(), "associate_partner");
    assert_eq!(plan.conditions.len(), 1);
    assert_eq!(plan.conditions[0].actual, Some(qbm::Value::Number(11.0)));
}

#[test]
fn a_missing_fact_is_unanswered_not_unmet() {
    let p = policy();
    let e = eval(&p, &Assessment::new("Blank"));
    assert_eq!(level(&e), None);
    assert_eq!(e.levels[0].status, Status::Unanswered);
    assert_eq!(e.plan.as_ref().unwrap().target.id.as_str(), "affiliate");
    assert_eq!(e.unanswered.len(), p.items().len());
}

#[test]
fn policy_and_version_are_checked() {
    let p = policy();
    let ok = partner(&p).for_policy("mmp-qbm", "^2".parse().unwrap());
    assert_eq!(level(&eval(&p, &ok)), Some("partner"));
    let newer = partner(&p).for_policy("mmp-qbm", "^3".parse().unwrap());
    assert!(matches!(
        p.evaluate(&newer),
        Err(EvalError::PolicyMismatch(_))
    ));
    let other = partner(&p).for_policy("mentor-mn", "*".parse().unwrap());
    assert!(matches!(
        p.evaluate(&other),
        Err(EvalError::PolicyMismatch(_))
    ));
    let e = eval(&p, &ok);
    assert_eq!(
        (e.policy.name(), e.policy.version.to_string()),
        ("mmp-qbm", "2.0.0".to_owned())
    );
}

#[test]
fn evaluation_errors_name_the_item_and_the_nearest_id() {
    let p = policy();
    let a = partner(&p)
        .with_answer("B.1.6", Answer::Met)
        .with_answer("B.1.1", Answer::Number(2.0));
    let err = p.evaluate(&a).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("unknown item `B.1.6` (hint: did you mean `B.1.1`?)"),
        "{text}"
    );
    assert!(text.contains("item `B.1.1` is answered met"), "{text}");
    assert_eq!(err.diagnostics().len(), 2);
}

#[test]
fn the_shipped_policies_have_the_shape_of_the_seeds() {
    // (version, benchmarks, enhancements, standards)
    let shapes = [("1.0.0", 44, 31, 7), ("2.0.0", 48, 32, 8)];
    for (p, (version, benchmarks, enhancements, standards)) in versions().iter().zip(shapes) {
        assert_eq!(p.version().to_string(), version);
        assert_eq!(p.standards().len(), standards);
        let count = |kind: &str| {
            p.items()
                .iter()
                .filter(|i| i.kind().as_str() == kind)
                .count()
        };
        assert_eq!(count("benchmark"), benchmarks, "{p}");
        assert_eq!(count("enhancement"), enhancements, "{p}");
        assert_eq!(count("management"), 6);
        assert_eq!(p.benefits().len(), 8);
        let designated = p
            .sets()
            .iter()
            .find(|s| s.id().as_str() == "designated")
            .unwrap();
        assert_eq!(designated.len(), benchmarks);
        assert!(
            p.items()
                .iter()
                .all(|i| !i.question().is_empty() && !i.title().is_empty())
        );
    }
    let ids =
        |p: &Policy| -> Vec<String> { p.standards().iter().map(|s| s.id().to_string()).collect() };
    let all = versions();
    assert_eq!(
        ids(&all[0]),
        [
            "recruitment",
            "screening",
            "training",
            "matching",
            "monitoring",
            "closure",
            "management"
        ]
    );
    assert_eq!(
        ids(&all[1])[6],
        "culture",
        "2.0.0 adds culturally responsive practice"
    );
}

#[test]
fn culturally_responsive_practice_is_required_for_partner_from_2_0_0() {
    let all = versions();
    let (v1, v2) = (&all[0], &all[1]);
    // A 1.0.0 Partner that has not taken up the new items.
    let mut a = partner(v1);
    assert_eq!(level(&eval(v1, &a)), Some("partner"));
    assert_eq!(level(&eval(v2, &a)), Some("associate_partner"));
    let plan = eval(v2, &a).plan.unwrap();
    assert_eq!(plan.standards.len(), 1);
    assert_eq!(plan.standards[0].standard.as_str(), "culture");
    assert_eq!(plan.standards[0].items.len(), 4);
    for id in ["CR.1", "CR.2", "CR.3", "CR.4"] {
        a.set_answer(id, Answer::Met);
    }
    assert_eq!(level(&eval(v2, &a)), Some("partner"));
}

#[test]
fn results_serialize_to_json() {
    let p = policy();
    let e = eval(&p, &partner(&p));
    let json = serde_json::to_value(&e).unwrap();
    assert_eq!(json["level"]["id"], "partner");
    assert_eq!(json["policy"]["version"], "2.0.0");
    assert_eq!(json["levels"][0]["requirements"][0]["status"], "met");
}

#[test]
fn public_types_are_send_sync_and_debug() {
    fn check<T: Send + Sync + std::fmt::Debug>() {}
    check::<Policy>();
    check::<Assessment>();
    check::<Evaluation>();
    check::<qbm::LoadError>();
    check::<EvalError>();
}

/// `Debug` output does not depend on hashing: maps are keyed at random on
/// every load, so anything listed in hash order would differ between loads.
#[test]
fn debug_output_is_the_same_for_every_load() {
    let a = format!("{:?}", policy());
    let b = format!("{:?}", policy());
    assert!(a.contains("partner"), "{a}");
    assert_eq!(a, b);
}

/// Issue 37: every fact the shipped policies collect is used, by a rule
/// (`fact: ID`), a derived fact (`months_since: ID`) or an item's declared
/// threshold (`declared_by: ID`). `self_assessment_started_on` was
/// collected and used by none, so it was removed: an assessment still
/// stating it is told so, not silently ignored.
#[test]
fn every_collected_fact_is_used_and_the_unused_date_is_gone() {
    for (embedded, p) in qbm::EMBEDDED.iter().zip(versions()) {
        let text = embedded.yaml();
        for fact in p.facts() {
            let id = fact.id().as_str();
            let used = ["fact", "months_since", "declared_by"]
                .iter()
                .any(|key| text.contains(&format!("{key}: {id}\n")));
            assert!(used, "{p}: fact `{id}` is collected and used by no rule");
        }
        let a = partner(&p).with_fact("self_assessment_started_on", "2026-09-14");
        let e = p.evaluate(&a).unwrap_err().to_string();
        assert!(
            e.contains("unknown fact `self_assessment_started_on`"),
            "{p}: {e}"
        );
    }
}

/// Issue 37: the training discount goes to every member, Affiliate to
/// Partner, in both versions: the reading argued in the policies' comment
/// on `training_discount`. `Affiliates only` would drop it from the two
/// higher levels; this fails then, naming the level.
#[test]
fn the_training_discount_goes_to_every_member() {
    for p in versions() {
        let mut affiliate = partner(&p);
        affiliate.set_fact("months_operating", 3);
        let mut associate = partner(&p);
        associate.set_fact("review_held", false);
        for (want, a) in [
            ("affiliate", affiliate),
            ("associate_partner", associate),
            ("partner", partner(&p)),
        ] {
            let e = eval(&p, &a);
            assert_eq!(level(&e), Some(want));
            let discount = e
                .benefits
                .iter()
                .find(|b| b.id.as_str() == "training_discount");
            assert!(discount.is_some(), "{p}: no training discount at {want}");
        }
    }
}
