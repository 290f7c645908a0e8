//! MMP's time rules as the seeds state them, and the time rules peers need
//! (issue #37): time in operation from the start of operation, a
//! transitional level that a recorded reversion does not give back (and its
//! `reentry` rule), no term for a level without one, per-level renewal, a
//! term that restarts on promotion or runs on, and the dwell-time end date
//! as the next date that matters.

use qbm::{Assessment, MembershipState, Policy};

use super::time::{d, level, mmp, on};

/// A formal program that meets Associate Partner's other requirements.
/// Its first match is not asked: the match cycle is a fact of its own
/// (`matches_completed_minimum_cycle`), and no rule counts from that date.
fn formal(began_operating_on: &str) -> Assessment {
    Assessment::new("AP")
        .with_fact("application_submitted", true)
        .with_fact("direct_youth_mentoring", true)
        .with_fact("formal_program", true)
        .with_fact("began_operating_on", began_operating_on)
        .with_fact("matches_completed_minimum_cycle", true)
        .with_fact("self_assessment", "in_progress")
}

#[test]
fn fourteen_months_in_operation_with_a_first_match_ten_months_ago_is_associate_partner() {
    let p = mmp();
    // Operating since 2025-01-10, first match 2025-05-10 (not asked).
    let a = formal("2025-01-10");
    assert_eq!(level(&on(&p, &a, "2026-03-10")), Some("associate_partner"));
    // Eleven months in operation is not a year, whenever the first match was.
    let young = formal("2025-04-11");
    assert_eq!(level(&on(&p, &young, "2026-03-10")), Some("affiliate"));
}

/// An Associate Partner granted on 2025-11-01 reverted on 2026-03-01,
/// recorded as Affiliate granted that day, with its period in history.
fn reverted() -> Assessment {
    formal("2020-01-01")
        .holding("affiliate", d("2026-03-01"), None)
        .held_before("associate_partner", d("2025-11-01"), d("2026-03-01"))
}

/// A history period of the level that overlaps the grant recorded now
/// (by a day, or wholly) still used the level's time: a found review
/// regained Associate Partner with `until` one day after the new grant.
#[test]
fn a_history_period_overlapping_the_grant_still_bars_the_level() {
    let p = mmp();
    for until in ["2026-10-20", "2026-10-21", "2026-11-01"] {
        let a = formal("2020-01-01")
            .holding("associate_partner", d("2026-10-20"), None)
            .held_before("associate_partner", d("2026-06-01"), d(until));
        let e = on(&p, &a, "2026-11-01");
        assert_eq!(level(&e), Some("affiliate"), "until {until}");
        let bar = e.membership.as_ref().unwrap().reentry.as_ref().unwrap();
        assert_eq!((bar.from, bar.until), (d("2026-06-01"), d(until)));
    }
    // The period recorded now, also listed in history, is not an earlier one.
    let same = formal("2020-01-01")
        .holding("associate_partner", d("2026-10-20"), None)
        .held_before("associate_partner", d("2026-10-20"), d("2026-11-01"));
    assert_eq!(
        level(&on(&p, &same, "2026-11-01")),
        Some("associate_partner")
    );
}

#[test]
fn a_recorded_reversion_does_not_give_the_transitional_level_back() {
    let p = mmp();
    let e = on(&p, &reverted(), "2026-03-08");
    assert_eq!(level(&e), Some("affiliate"));
    let m = e.membership.as_ref().unwrap();
    let bar = m.reentry.as_ref().unwrap();
    assert_eq!(bar.level.id.as_str(), "associate_partner");
    assert_eq!(
        (bar.from, bar.until, bar.again_from),
        (d("2025-11-01"), d("2026-03-01"), None)
    );
    assert_eq!(m.level_since, Some(d("2026-03-01")));
    assert!(!e.benefits.iter().any(|b| b.id.as_str() == "key_grants"));
    // The way on is up: the plan is for Partner.
    assert_eq!(e.plan.as_ref().unwrap().target.id.as_str(), "partner");
    let text = e.to_string();
    assert!(
        text.contains("Associate Partner not granted: the program held it from 2025-11-01 until 2026-03-01 and its time was used; it is not granted twice"),
        "{text}"
    );
    // A year later it is still not Associate Partner.
    assert_eq!(level(&on(&p, &reverted(), "2027-03-08")), Some("affiliate"));
    // The history is what closes the loophole: without it, the record
    // reads as a program that never held the level.
    let unrecorded = formal("2020-01-01").holding("affiliate", d("2026-03-01"), None);
    assert_eq!(
        level(&on(&p, &unrecorded, "2026-03-08")),
        Some("associate_partner")
    );
    // A grant of the level recorded after its period is refused the same way.
    let regranted = formal("2020-01-01")
        .holding("associate_partner", d("2026-03-01"), None)
        .held_before("associate_partner", d("2025-11-01"), d("2026-03-01"));
    assert_eq!(level(&on(&p, &regranted, "2026-03-08")), Some("affiliate"));
}

/// MMP's policy with `reentry: {after: {months: 12}}`.
fn mmp_reentry_after_a_year() -> Policy {
    let text = std::fs::read_to_string("standards/mmp-qbm-2.0.0.yaml").unwrap();
    assert!(text.contains("      reentry: never\n"));
    let text = text.replace(
        "      reentry: never\n",
        "      reentry: {after: {months: 12}}\n",
    );
    qbm::Loader::new().policy_str(&text).unwrap()
}

/// The same facts recorded the other way: the transitional level still
/// recorded as held, its time run out in the record. The reversion is the
/// history the reentry rule reads (a review found the two records giving
/// two levels: Affiliate for this one, forever).
#[test]
fn a_level_run_out_in_the_record_comes_back_after_its_wait_too() {
    let p = mmp_reentry_after_a_year();
    let a = formal("2020-01-01").holding("associate_partner", d("2025-11-01"), None);
    let waiting = on(&p, &a, "2027-02-28");
    assert_eq!(level(&waiting), Some("affiliate"));
    let m = waiting.membership.as_ref().unwrap();
    assert!(m.reverted);
    let bar = m.reentry.as_ref().unwrap();
    assert_eq!(
        (bar.from, bar.until, bar.again_from),
        (d("2025-11-01"), d("2026-03-01"), Some(d("2027-03-01")))
    );
    assert_eq!(m.next.as_ref().unwrap().date, d("2027-03-01"));
    let back = on(&p, &a, "2027-03-01");
    assert_eq!(level(&back), Some("associate_partner"));
    let m = back.membership.as_ref().unwrap();
    assert_eq!(
        (m.level_since, m.reverts_on),
        (Some(d("2027-03-01")), Some(d("2027-07-01")))
    );
    // Under `never`, the shipped rule, it stays where it reverted to.
    assert_eq!(level(&on(&mmp(), &a, "2027-06-01")), Some("affiliate"));
    // The lean decision agrees with the report.
    let lean = p.evaluator().as_of(d("2027-03-01")).decide(&a).unwrap();
    assert_eq!(
        lean.level.map(|l| l.id.to_string()).as_deref(),
        Some("associate_partner")
    );
}

#[test]
fn reentry_after_a_period_lets_the_program_back_from_then() {
    let p = mmp_reentry_after_a_year();
    let a = reverted();
    let before = on(&p, &a, "2027-02-28");
    assert_eq!(level(&before), Some("affiliate"));
    let m = before.membership.as_ref().unwrap();
    assert_eq!(
        m.reentry.as_ref().unwrap().again_from,
        Some(d("2027-03-01"))
    );
    let next = m.next.as_ref().unwrap();
    assert_eq!(
        (next.date, next.event.as_str()),
        (d("2027-03-01"), "Associate Partner may be granted again")
    );
    assert!(
        before
            .to_string()
            .contains("it may be granted again from 2027-03-01"),
        "{before}"
    );
    let back = on(&p, &a, "2027-03-01");
    assert_eq!(level(&back), Some("associate_partner"));
    let m = back.membership.as_ref().unwrap();
    assert!(m.reentry.is_none());
    // A new grant: its four months count from the day of it.
    assert_eq!(m.reverts_on, Some(d("2027-07-01")));
    // The policy writes its rule back.
    let again = qbm::Loader::new().policy_str(&p.to_yaml()).unwrap();
    assert_eq!(
        again.levels()[1].time_limit().unwrap().reentry,
        qbm::Reentry::After(qbm::Period {
            months: 12,
            ..qbm::Period::default()
        })
    );
}

#[test]
fn a_transitional_level_shows_its_deadline_and_no_term() {
    let p = mmp();
    let a = formal("2020-01-01").holding("associate_partner", d("2026-03-15"), None);
    let e = on(&p, &a, "2026-04-01");
    let m = e.membership.as_ref().unwrap();
    assert_eq!(
        (m.term_started_on, m.expires_on, m.renewal_due_on),
        (None, None, None)
    );
    let text = e.to_string();
    assert!(!text.contains("term:"), "{text}");
    assert!(
        text.contains("  next: 2026-07-15 — reverts to Affiliate unless the program moves up"),
        "{text}"
    );
    // Reverted, the program is an Affiliate with Affiliate's three-year
    // term, counted from the grant recorded.
    let e = on(&p, &a, "2026-07-15");
    let m = e.membership.as_ref().unwrap();
    assert_eq!(level(&e), Some("affiliate"));
    assert_eq!(
        (m.term_started_on, m.expires_on),
        (Some(d("2026-03-15")), Some(d("2029-03-15")))
    );
}

/// Iowa-shaped: a conditional level of at most six months with no renewal,
/// beside full certification with a two-year term.
const IOWA: &str = "
policy: {name: iowa-like, version: 1.0.0, title: Iowa-like}
facts:
  - {id: applied, title: Applied, type: boolean}
  - {id: youth_served, title: Youth served, type: number, min: 0}
levels:
  - id: conditional
    rank: 1
    title: Conditional
    requires: [{fact: applied, equals: true}]
    time_limit: {after: {months: 6}}
    renewal: none
  - id: full
    rank: 2
    title: Full certification
    requires: [{level: conditional}, {fact: youth_served, at_least: 12}]
membership:
  renewal: {every: {years: 2}, window: {months: 2}}
";

#[test]
fn renewal_per_level() {
    let p = qbm::Loader::new().policy_str(IOWA).unwrap();
    let conditional = Assessment::new("C")
        .with_fact("applied", true)
        .with_fact("youth_served", 5);
    let c = conditional
        .clone()
        .holding("conditional", d("2026-01-10"), None);
    let e = on(&p, &c, "2026-03-01");
    let m = e.membership.as_ref().unwrap();
    assert_eq!(level(&e), Some("conditional"));
    assert_eq!((m.term_started_on, m.expires_on), (None, None));
    assert_eq!(m.reverts_on, Some(d("2026-07-10")));
    // Lapsed: not a member, and no term beside it.
    let e = on(&p, &c, "2026-07-10");
    let m = e.membership.as_ref().unwrap();
    assert_eq!(m.state, MembershipState::NotMember);
    assert_eq!((m.term_started_on, m.expires_on), (None, None));
    assert!(!e.to_string().contains("term:"), "{e}");
    // Full certification has the two-year term.
    let full = conditional
        .with_fact("youth_served", 20)
        .holding("full", d("2026-01-10"), None);
    let e = on(&p, &full, "2026-03-01");
    let m = e.membership.as_ref().unwrap();
    assert_eq!(
        (m.term_started_on, m.expires_on, m.renewal_due_on),
        (
            Some(d("2026-01-10")),
            Some(d("2028-01-10")),
            Some(d("2027-11-10"))
        )
    );
    // A level's own term replaces the policy's.
    let own = IOWA.replace(
        "    requires: [{level: conditional}, {fact: youth_served, at_least: 12}]\n",
        "    requires: [{level: conditional}, {fact: youth_served, at_least: 12}]\n    renewal: {every: {years: 1}, window: {months: 1}}\n",
    );
    let p = qbm::Loader::new().policy_str(&own).unwrap();
    let m = on(&p, &full, "2026-03-01").membership.unwrap();
    assert_eq!(m.expires_on, Some(d("2027-01-10")));
    // Both keys are written back.
    let again = qbm::Loader::new().policy_str(&p.to_yaml()).unwrap();
    assert_eq!(again.to_yaml(), p.to_yaml());
    assert_eq!(again.levels()[0].renewal(), Some(&qbm::LevelRenewal::None));
    assert!(matches!(
        again.levels()[1].renewal(),
        Some(qbm::LevelRenewal::Every(r)) if r.every.years == 1
    ));
}

/// UK-shaped: six months at a level before the next, a one-year term.
fn uk(restarts: bool) -> Policy {
    let text = std::fs::read_to_string("tests/fixtures/valid/dwell-scheme.yaml").unwrap();
    let text = if restarts {
        text.replace(
            "membership:\n",
            "membership:\n  term_restarts_on_promotion: true\n",
        )
    } else {
        text
    };
    let p = qbm::Loader::new().policy_str(&text).unwrap();
    assert_eq!(p.term_restarts_on_promotion(), restarts);
    p
}

#[test]
fn a_term_restarts_on_promotion_only_where_the_policy_says() {
    let bronze =
        Assessment::new("B")
            .with_fact("applied", true)
            .holding("bronze", d("2025-09-01"), None);
    // Promoted to Silver on 2026-04-01 (qualified that day, not yet recorded).
    let runs_on = on(&uk(false), &bronze, "2026-04-01");
    assert_eq!(level(&runs_on), Some("silver"));
    let m = runs_on.membership.as_ref().unwrap();
    assert_eq!(
        (m.term_started_on, m.expires_on),
        (Some(d("2025-09-01")), Some(d("2026-09-01")))
    );
    let restarts = on(&uk(true), &bronze, "2026-04-01");
    let m = restarts.membership.as_ref().unwrap();
    assert_eq!(
        (m.term_started_on, m.expires_on),
        (Some(d("2026-04-01")), Some(d("2027-04-01")))
    );
    assert!(
        restarts
            .to_string()
            .contains("term: 2026-04-01 to 2027-04-01"),
        "{restarts}"
    );
    // Holding the level itself, the term runs from its grant either way.
    let silver =
        Assessment::new("S")
            .with_fact("applied", true)
            .holding("silver", d("2026-04-01"), None);
    let m = on(&uk(true), &silver, "2026-05-01").membership.unwrap();
    assert_eq!(m.term_started_on, Some(d("2026-04-01")));
    // Written back.
    let p = uk(true);
    let again = qbm::Loader::new().policy_str(&p.to_yaml()).unwrap();
    assert!(again.term_restarts_on_promotion());
}

#[test]
fn the_end_of_a_dwell_time_is_the_next_date_when_it_comes_first() {
    let p = uk(false);
    let bronze =
        Assessment::new("B")
            .with_fact("applied", true)
            .holding("bronze", d("2026-01-31"), None);
    let e = on(&p, &bronze, "2026-03-01");
    let next = e.membership.as_ref().unwrap().next.clone().unwrap();
    assert_eq!(
        (next.date, next.event.as_str()),
        (
            d("2026-07-31"),
            "Bronze has been held for 6 months, as Silver requires"
        )
    );
    assert!(
        e.to_string()
            .contains("  next: 2026-07-31 — Bronze has been held for 6 months, as Silver requires"),
        "{e}"
    );
    // Once it has passed, the renewal window is next again.
    let e = on(&p, &bronze, "2026-08-01");
    assert_eq!(level(&e), Some("silver"));
    let next = e.membership.unwrap().next.unwrap();
    assert_eq!(next.event, "renewal window opens");
}

#[test]
fn history_round_trips_and_is_checked() {
    let a = reverted();
    let again = qbm::Loader::new().assessment_str(&a.to_yaml()).unwrap();
    assert_eq!(again, a);
    assert!(a.to_yaml().contains("history:"), "{}", a.to_yaml());
    // A period ending after the date evaluated as of is refused.
    let err = mmp()
        .evaluator()
        .as_of(d("2026-02-01"))
        .evaluate(
            &formal("2020-01-01")
                .holding("affiliate", d("2025-01-01"), None)
                .held_before("associate_partner", d("2025-11-01"), d("2026-03-01")),
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("assessment.membership.history[0].until: held until 2026-03-01, after the date evaluated as of (2026-02-01)"),
        "{err}"
    );
}
