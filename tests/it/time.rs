//! Membership over time: every deadline the day before, on and after it
//! (reversion, renewal window, expiry, dwell time), month ends and leap days,
//! dates in the future of the as-of date, and the law that a later as-of
//! date never extends a term.

use qbm::{Assessment, Date, Evaluation, MembershipState, Policy};

pub(crate) fn d(s: &str) -> Date {
    s.parse().unwrap()
}

pub(crate) fn mmp() -> Policy {
    Policy::builtin().unwrap()
}

/// A program that qualifies for Associate Partner and no more.
fn associate(granted: &str) -> Assessment {
    Assessment::new("AP")
        .with_fact("application_submitted", true)
        .with_fact("direct_youth_mentoring", true)
        .with_fact("formal_program", true)
        .with_fact("began_operating_on", "2020-01-01")
        .with_fact("matches_completed_minimum_cycle", true)
        .with_fact("self_assessment", "in_progress")
        .holding("associate_partner", d(granted), None)
}

pub(crate) fn on(p: &Policy, a: &Assessment, date: &str) -> Evaluation {
    p.evaluator()
        .as_of(d(date))
        .evaluate(a)
        .unwrap_or_else(|e| panic!("{e}"))
}

pub(crate) fn level(e: &Evaluation) -> Option<&str> {
    e.level.as_ref().map(|l| l.id.as_str())
}

#[test]
fn associate_partner_reverts_four_months_after_it_was_granted() {
    let p = mmp();
    let a = associate("2026-03-15");
    for (date, want, reverted) in [
        ("2026-07-14", "associate_partner", false),
        ("2026-07-15", "affiliate", true),
        ("2026-07-16", "affiliate", true),
    ] {
        let e = on(&p, &a, date);
        assert_eq!(level(&e), Some(want), "{date}");
        let m = e.membership.as_ref().unwrap();
        assert_eq!(m.reverts_on, Some(d("2026-07-15")));
        assert_eq!(m.reverted, reverted, "{date}");
        // Benefits follow the level that applies: grants stop on reversion.
        assert_eq!(
            e.benefits.iter().any(|b| b.id.as_str() == "key_grants"),
            !reverted,
            "{date}"
        );
        // The program still meets Associate Partner: the way back is up, so
        // the plan is for Partner before and after the reversion.
        let plan = e.plan.as_ref().unwrap();
        assert_eq!(plan.target.id.as_str(), "partner", "{date}");
        assert!(!plan.conditions.is_empty(), "{date}");
    }
    let before = on(&p, &a, "2026-07-14");
    let next = before.membership.unwrap().next.unwrap();
    assert_eq!(
        (next.date, next.event.as_str()),
        (
            d("2026-07-15"),
            "reverts to Affiliate unless the program moves up"
        )
    );
}

#[test]
fn month_ends_and_leap_days() {
    let p = mmp();
    // Granted on 31 October: four months later is the end of February.
    let cases = [
        ("2023-10-31", "2024-02-29"),
        ("2024-10-31", "2025-02-28"),
        ("2024-02-29", "2024-06-29"),
    ];
    for (granted, reverts) in cases {
        let e = on(&p, &associate(granted), granted);
        assert_eq!(
            e.membership.unwrap().reverts_on,
            Some(d(reverts)),
            "{granted}"
        );
    }
    // A term begun on 29 February ends on 28 February three years on.
    let a = associate("2024-02-29")
        .with_fact("matches_completed_minimum_cycle", false)
        .holding("affiliate", d("2024-02-29"), None);
    let e = on(&p, &a, "2024-03-01");
    assert_eq!(e.membership.unwrap().expires_on, Some(d("2027-02-28")));
}

#[test]
fn renewal_window_and_expiry() {
    let p = mmp();
    // An Affiliate that qualifies for nothing more (Associate Partner, a
    // transitional level, has no term: see time_rules.rs).
    let a = associate("2020-01-01")
        .with_fact("matches_completed_minimum_cycle", false)
        .holding("affiliate", d("2023-06-15"), Some(d("2023-12-04")));
    let cases = [
        ("2026-09-03", MembershipState::Active, Some("affiliate")),
        (
            "2026-09-04",
            MembershipState::DueForRenewal,
            Some("affiliate"),
        ),
        (
            "2026-09-05",
            MembershipState::DueForRenewal,
            Some("affiliate"),
        ),
        (
            "2026-12-03",
            MembershipState::DueForRenewal,
            Some("affiliate"),
        ),
        ("2026-12-04", MembershipState::Expired, None),
        ("2026-12-05", MembershipState::Expired, None),
    ];
    for (date, state, want) in cases {
        let e = on(&p, &a, date);
        let m = e.membership.as_ref().unwrap();
        assert_eq!(m.state, state, "{date}");
        assert_eq!(
            (m.renewal_due_on, m.expires_on),
            (Some(d("2026-09-04")), Some(d("2026-12-04")))
        );
        assert_eq!(level(&e), want, "{date}");
        // ...and an expired membership earns nothing.
        assert_eq!(
            e.benefits.is_empty(),
            state == MembershipState::Expired,
            "{date}"
        );
    }
}

#[test]
fn dwell_time_before_the_next_level() {
    let p = qbm::Loader::new()
        .policy_path("tests/fixtures/valid/dwell-scheme.yaml")
        .unwrap();
    let bronze =
        Assessment::new("B")
            .with_fact("applied", true)
            .holding("bronze", d("2026-01-31"), None);
    for (date, want) in [
        ("2026-07-30", "bronze"),
        ("2026-07-31", "silver"),
        ("2026-08-01", "silver"),
    ] {
        assert_eq!(level(&on(&p, &bronze, date)), Some(want), "{date}");
    }
    let e = on(&p, &bronze, "2026-07-30");
    let plan = e.plan.unwrap();
    assert_eq!(
        plan.conditions[0].requirement(),
        "has held level `bronze` for at least 6 months"
    );
    // Without a date, time spent cannot be known: unanswered, not unmet.
    let e = p.evaluate(&bronze).unwrap();
    assert_eq!(e.levels[1].status, qbm::Status::Unanswered);
    assert!(e.membership.is_none());
}

#[test]
fn a_transitional_level_may_lapse_to_no_level() {
    let p = qbm::Loader::new()
        .policy_path("tests/fixtures/valid/dwell-scheme.yaml")
        .unwrap();
    let gold = Assessment::new("G").with_fact("applied", true).holding(
        "provisional_gold",
        d("2026-01-01"),
        None,
    );
    for (date, want) in [
        ("2026-03-31", Some("provisional_gold")),
        ("2026-04-01", None),
    ] {
        let e = on(&p, &gold, date);
        assert_eq!(level(&e), want, "{date}");
    }
    let lapsed = on(&p, &gold, "2026-04-01");
    assert_eq!(
        lapsed.membership.as_ref().unwrap().state,
        MembershipState::NotMember
    );
    // It still meets every level, and none is above the one it lost: no
    // plan, rather than a plan for Bronze with nothing missing.
    assert!(lapsed.plan.is_none(), "{:?}", lapsed.plan);
    assert!(
        lapsed
            .to_string()
            .contains("Improvement plan: none, no level is above Provisional Gold."),
        "{lapsed}"
    );
}

#[test]
fn months_in_operation_derive_from_the_start_date() {
    let p = mmp();
    // No level recorded: what the program qualifies for is granted on the date.
    let mut a = associate("2026-03-15").with_fact("began_operating_on", "2025-03-15");
    a = qbm::Loader::new()
        .assessment_str(&a.to_yaml().replace(
            "  membership:\n    level: associate_partner\n    granted_on: 2026-03-15\n",
            "",
        ))
        .unwrap();
    assert!(a.membership().is_none());
    let months = |e: &Evaluation| {
        e.levels[1]
            .requirements
            .iter()
            .find_map(|r| match &r.detail {
                qbm::Detail::Fact { fact, actual, .. } if fact.as_str() == "months_operating" => {
                    actual.clone()
                }
                _ => None,
            })
            .unwrap()
    };
    assert_eq!(months(&on(&p, &a, "2026-03-14")), qbm::Value::Number(11.0));
    assert_eq!(level(&on(&p, &a, "2026-03-14")), Some("affiliate"));
    assert_eq!(months(&on(&p, &a, "2026-03-15")), qbm::Value::Number(12.0));
    assert_eq!(level(&on(&p, &a, "2026-03-15")), Some("associate_partner"));
    // A value given outright wins over the derived one.
    let given = a.with_fact("months_operating", 30);
    assert_eq!(
        months(&on(&p, &given, "2026-03-14")),
        qbm::Value::Number(30.0)
    );
}

#[test]
fn dates_after_the_as_of_date_are_errors() {
    let p = mmp();
    let a = associate("2026-03-15");
    let err = p
        .evaluator()
        .as_of(d("2026-03-14"))
        .evaluate(&a)
        .unwrap_err();
    assert_eq!(
        err.diagnostics()[0].message,
        "granted on 2026-03-15, after the date evaluated as of (2026-03-14)"
    );
    let a = associate("2026-01-01").with_fact("began_operating_on", "2027-01-01");
    let err = p
        .evaluator()
        .as_of(d("2026-06-01"))
        .evaluate(&a)
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("fact `began_operating_on` is 2027-01-01, after"),
        "{err}"
    );
}

#[test]
fn the_assessments_own_date_is_used_and_can_be_overridden() {
    let p = mmp();
    let a = associate("2026-03-15").dated(d("2026-07-14"));
    assert_eq!(level(&p.evaluate(&a).unwrap()), Some("associate_partner"));
    assert_eq!(
        level(&p.evaluator().as_of(d("2026-07-15")).evaluate(&a).unwrap()),
        Some("affiliate")
    );
    assert_eq!(
        p.evaluator()
            .as_of(d("2026-07-15"))
            .decide(&a)
            .unwrap()
            .level
            .map(|l| l.rank),
        Some(1)
    );
    let again = qbm::Loader::new().assessment_str(&a.to_yaml()).unwrap();
    assert_eq!(
        (again.as_of(), again.membership()),
        (a.as_of(), a.membership())
    );
}

#[test]
fn no_clock_is_read() {
    // Without a date on the assessment or in the call, nothing depends on time.
    let p = mmp();
    let e = p.evaluate(&associate("2026-03-15")).unwrap();
    assert!(e.membership.is_none());
    // Months in operation derive from the start date only as of a date: without
    // one they are unanswered, so Associate Partner is too.
    assert_eq!(level(&e), Some("affiliate"));
    assert_eq!(e.levels[1].status, qbm::Status::Unanswered);
}

mod laws {
    use super::*;
    use proptest::prelude::*;

    fn add(d: Date, p: qbm::Period) -> Date {
        // Day by day through the public API, independent of the crate's arithmetic.
        let mut out = d;
        for _ in 0..p.days {
            out = next_day(out);
        }
        out
    }

    fn next_day(d: Date) -> Date {
        Date::new(d.year(), d.month(), d.day() + 1)
            .or_else(|_| Date::new(d.year(), d.month() + 1, 1))
            .or_else(|_| Date::new(d.year() + 1, 1, 1))
            .unwrap()
    }

    fn date() -> impl Strategy<Value = Date> {
        (2019i16..2031, 1i8..13, 1i8..29).prop_map(|(y, m, day)| Date::new(y, m, day).unwrap())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 500, failure_persistence: None, ..ProptestConfig::default() })]

        /// A later as-of date never extends a term: the end of the term and
        /// the date of reversion stay put or come sooner.
        #[test]
        fn a_later_date_never_extends_a_term(
            granted in date(),
            renewed_after in prop::option::of(0u16..1500),
            d1_after in 0u16..3000,
            d2_after in 0u16..3000,
            held in prop_oneof![Just("affiliate"), Just("associate_partner"), Just("partner")],
            self_assessment in prop_oneof![Just("in_progress"), Just("completed")],
        ) {
            let days = |n: u16| qbm::Period { days: n, ..qbm::Period::default() };
            let renewed = renewed_after.map(|n| add(granted, days(n)));
            let latest = renewed.unwrap_or(granted);
            let (d1, d2) = (add(latest, days(d1_after.min(d2_after))), add(latest, days(d1_after.max(d2_after))));
            let p = mmp();
            let a = associate("2019-01-01")
                .with_fact("began_operating_on", "2018-01-01")
                .with_fact("self_assessment", self_assessment)
                .holding(held, granted, renewed);
            let m1 = p.evaluator().as_of(d1).evaluate(&a).unwrap().membership.unwrap();
            let m2 = p.evaluator().as_of(d2).evaluate(&a).unwrap().membership.unwrap();
            if let (Some(e1), Some(e2)) = (m1.expires_on, m2.expires_on) {
                prop_assert!(e2 <= e1, "expiry moved from {e1} to {e2}");
            }
            // Terms of recorded grants; a level newly qualified for counts from
            // the as-of date until its grant is recorded.
            if let (Some(r1), Some(r2), false, false) = (m1.reverts_on, m2.reverts_on, m1.new_grant, m2.new_grant) {
                prop_assert!(r2 <= r1, "reversion moved from {r1} to {r2}");
            }
            // Once expired, a membership stays expired.
            if m1.state == MembershipState::Expired {
                prop_assert_eq!(m2.state, MembershipState::Expired);
            }
        }
    }
}
