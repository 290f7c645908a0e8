//! A hand-written evaluator of MMP policy 2.0.0: plain structs and ifs, the
//! floor the crate's evaluator is measured against. It gives the level, the
//! benefits and the unmet designated items; `tests/it/floor.rs` checks that it
//! agrees with the crate on generated assessments, so that the comparison
//! stays honest.

use qbm::{Answer, Assessment, Value};

/// Every benchmark of MMP 2.0.0, the designated items, in policy order.
pub const DESIGNATED: [&str; 48] = [
    "B.1.1", "B.1.2", "B.1.3", "B.1.4", "B.1.5", "B.2.1", "B.2.2", "B.2.3", "B.2.4", "B.2.5",
    "B.2.6", "B.2.7", "B.2.8", "B.2.9", "B.3.1", "B.3.2", "B.3.3", "B.3.4", "B.3.5", "B.4.1",
    "B.4.2", "B.4.3", "B.4.4", "B.5.1", "B.5.2", "B.5.3", "B.5.4", "B.5.5", "B.5.6", "B.5.7",
    "B.5.8", "B.5.9", "B.5.10", "B.5.11", "B.6.1", "B.6.2", "B.6.3", "B.6.4", "B.6.5", "B.6.6",
    "B.6.7", "B.6.8", "B.6.9", "B.6.10", "CR.1", "CR.2", "CR.3", "CR.4",
];

/// What the floor decides.
#[derive(Debug, PartialEq, Eq)]
pub struct FloorResult {
    /// 0 for no level, then 1 Affiliate, 2 Associate Partner, 3 Partner.
    pub rank: u8,
    /// Benefit ids granted, with priority.
    pub benefits: Vec<(&'static str, bool)>,
    /// Designated items that apply and are not met.
    pub unmet: Vec<&'static str>,
}

fn flag(a: &Assessment, fact: &str) -> bool {
    matches!(a.fact(fact), Some(Value::Bool(true)))
}

fn number(a: &Assessment, fact: &str) -> Option<f64> {
    match a.fact(fact) {
        Some(Value::Number(n)) => Some(*n),
        _ => None,
    }
}

fn text<'a>(a: &'a Assessment, fact: &str) -> &'a str {
    match a.fact(fact) {
        Some(Value::Text(t)) => t,
        _ => "",
    }
}

/// Whole months from a `YYYY-MM-DD` start date to the assessment's date.
fn months_since(a: &Assessment, fact: &str) -> Option<f64> {
    let Some(Value::Text(start)) = a.fact(fact) else {
        return None;
    };
    let end = a.as_of()?;
    let part = |s: &str, r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<i64>().ok());
    let (y, m, d) = (part(start, 0..4)?, part(start, 5..7)?, part(start, 8..10)?);
    let months = (i64::from(end.year()) - y) * 12 + (i64::from(end.month()) - m)
        - i64::from(i64::from(end.day()) < d);
    Some(months.max(0) as f64)
}

/// Evaluates `a` by MMP 2.0.0's rules, written out by hand. Membership over
/// time (reversion, renewal) is not part of the floor: it decides the level
/// the answers qualify for.
pub fn evaluate(a: &Assessment) -> FloorResult {
    let mut unmet = Vec::new();
    for id in DESIGNATED {
        let met = match (id, a.answer(id)) {
            (_, Some(Answer::NotApplicable)) => continue,
            ("B.2.1", Some(Answer::Number(n))) => {
                n >= number(a, "minimum_match_months").unwrap_or(12.0)
            }
            ("B.2.2", Some(Answer::Number(n))) => {
                n >= number(a, "minimum_meetings_per_month").unwrap_or(4.0)
            }
            ("B.3.1", Some(Answer::Number(n))) => n >= 2.0,
            (_, Some(Answer::Met)) => true,
            _ => false,
        };
        if !met {
            unmet.push(id);
        }
    }
    let affiliate = flag(a, "application_submitted") && flag(a, "direct_youth_mentoring");
    let assessment = text(a, "self_assessment");
    let associate = affiliate
        && flag(a, "formal_program")
        && number(a, "months_operating")
            .or_else(|| months_since(a, "began_operating_on"))
            .is_some_and(|m| m >= 12.0)
        && flag(a, "matches_completed_minimum_cycle")
        && (assessment == "in_progress" || assessment == "completed");
    let partner = associate
        && assessment == "completed"
        && flag(a, "review_held")
        && flag(a, "work_plan_completed")
        && flag(a, "support_completed")
        && unmet.is_empty();
    let rank = if partner {
        3
    } else if associate {
        2
    } else if affiliate {
        1
    } else {
        0
    };
    let mut benefits = Vec::new();
    if rank >= 1 {
        benefits.extend([
            ("mentor_referrals", false),
            ("match_activities", rank >= 2),
            ("ambassador_hosting", false),
            ("technical_assistance", false),
            ("training_discount", false),
            ("directory_listing", false),
        ]);
    }
    if rank >= 2 {
        benefits.push(("key_grants", false));
    }
    if rank >= 3 {
        benefits.push(("training_vouchers", false));
    }
    FloorResult {
        rank,
        benefits,
        unmet,
    }
}
