//! The readable report: `Display` for [`Evaluation`].

use std::fmt;

use crate::model::requirement::Status;
use crate::report::evaluation::{
    AnswerState, Evaluation, GrantedBenefit, ImprovementPlan, StandardScore,
};
use crate::report::membership::{LevelSummary, Membership, MembershipState};

fn write_membership(f: &mut fmt::Formatter<'_>, m: &Membership) -> fmt::Result {
    let title = |l: &Option<LevelSummary>| {
        l.as_ref()
            .map_or("no level".to_owned(), |l| l.title.to_string())
    };
    let state = match m.state {
        MembershipState::NotMember => "not a member",
        MembershipState::Active => "active",
        MembershipState::DueForRenewal => "due for renewal",
        MembershipState::Expired => "expired",
    };
    writeln!(f, "Membership as of {}: {state}", m.as_of)?;
    if m.held.is_some() && m.held != m.level {
        writeln!(
            f,
            "  held: {}; qualifies for: {}",
            title(&m.held),
            title(&m.qualified)
        )?;
    }
    if let Some(since) = m.level_since {
        writeln!(f, "  {} since {since}", title(&m.level))?;
    }
    if let Some(r) = m.reverts_on {
        if m.reverted {
            writeln!(
                f,
                "  reverted on {r}: the transitional level's time ran out"
            )?;
        } else {
            writeln!(
                f,
                "  transitional: reverts on {r} unless the program moves up"
            )?;
        }
    }
    if let Some(bar) = &m.reentry {
        let again = match bar.again_from {
            Some(d) => format!("it may be granted again from {d}"),
            None => "it is not granted twice".to_owned(),
        };
        writeln!(
            f,
            "  {} not granted: the program held it from {} until {} and its time was used; {again}",
            bar.level.title, bar.from, bar.until
        )?;
    }
    if let (Some(start), Some(end)) = (m.term_started_on, m.expires_on) {
        write!(f, "  term: {start} to {end}")?;
        match m.renewal_due_on {
            Some(due) => writeln!(f, " (renewal due from {due})")?,
            None => writeln!(f)?,
        }
    }
    if let Some(next) = &m.next {
        writeln!(f, "  next: {} — {}", next.date, next.event)?;
    }
    Ok(())
}

impl fmt::Display for AnswerState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnswerState::Unanswered => f.write_str("unanswered"),
            AnswerState::Met => f.write_str("met"),
            AnswerState::NotMet => f.write_str("not met"),
            AnswerState::InProgress => f.write_str("in progress"),
            AnswerState::NotApplicable => f.write_str("not applicable"),
            AnswerState::Number {
                value,
                at_least,
                unit,
            } => {
                write!(f, "{value} {unit}, needs at least {at_least}")
            }
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Status::Met => "met",
            Status::Unmet => "unmet",
            Status::Unanswered => "unanswered",
        })
    }
}

impl fmt::Display for Evaluation {
    /// A plain-text report: level, benefits, scorecard, improvement plan.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} — evaluated against {} {}",
            // The program's name is the assessment's: a line break in it
            // must not start a line of the report.
            crate::base::error::escaped(&self.program),
            self.policy.name,
            self.policy.version
        )?;
        match &self.level {
            Some(l) => writeln!(f, "Level: {}", l.title)?,
            None => writeln!(f, "Level: none (not a member)")?,
        }
        if let Some(m) = &self.membership {
            write_membership(f, m)?;
        }
        writeln!(f)?;
        write_benefits(f, &self.benefits)?;
        writeln!(f)?;
        write_scorecard(f, &self.scorecard)?;
        writeln!(f)?;
        match &self.plan {
            None => match self
                .membership
                .as_ref()
                .filter(|m| m.reverted || m.reentry.is_some())
            {
                Some(m) => writeln!(
                    f,
                    "Improvement plan: none, no level is above {}.",
                    m.qualified.as_ref().map_or("the level lost", |l| &*l.title)
                )?,
                None => writeln!(
                    f,
                    "Improvement plan: none needed, this is the highest level."
                )?,
            },
            Some(plan) => write_plan(f, plan)?,
        }
        if !self.unanswered.is_empty() {
            writeln!(f)?;
            let n = self.unanswered.len();
            let noun = if n == 1 { "item" } else { "items" };
            writeln!(f, "{n} {noun} unanswered (counted as not met).")?;
        }
        Ok(())
    }
}

fn write_benefits(f: &mut fmt::Formatter<'_>, benefits: &[GrantedBenefit]) -> fmt::Result {
    writeln!(f, "Benefits:")?;
    if benefits.is_empty() {
        writeln!(f, "  none")?;
    }
    for b in benefits {
        write!(f, "  - {}", b.title)?;
        if let Some(q) = &b.quantity {
            write!(f, " ({} {})", q.amount, q.unit)?;
        }
        if let Some(d) = &b.discount
            && let Some(p) = d.percent
        {
            write!(f, " ({p}% off {})", d.on)?;
        }
        if b.priority {
            write!(f, " [priority]")?;
        }
        writeln!(f)?;
    }
    Ok(())
}

fn write_scorecard(f: &mut fmt::Formatter<'_>, scorecard: &[StandardScore]) -> fmt::Result {
    writeln!(f, "Scorecard (items met / items that apply):")?;
    for s in scorecard {
        write!(f, "  {:<34} {:>2}/{:<2}", s.title, s.met, s.applicable)?;
        let kinds: Vec<String> = s
            .by_kind
            .iter()
            .map(|k| format!("{} {}/{}", k.kind, k.met, k.applicable))
            .collect();
        write!(f, "  ({})", kinds.join(", "))?;
        if s.unanswered > 0 {
            write!(f, "  {} unanswered", s.unanswered)?;
        }
        writeln!(f)?;
    }
    Ok(())
}

fn write_plan(f: &mut fmt::Formatter<'_>, plan: &ImprovementPlan) -> fmt::Result {
    writeln!(f, "Improvement plan for {}:", plan.target.title)?;
    for c in &plan.conditions {
        write!(f, "  - {}", c.requirement)?;
        match &c.actual {
            Some(v) => writeln!(f, " (now: {v})")?,
            None if c.fact.is_some() => writeln!(f, " (not given)")?,
            None => writeln!(f)?,
        }
    }
    for s in &plan.standards {
        writeln!(f, "  {}:", s.title)?;
        for g in &s.items {
            writeln!(f, "    - {} {} [{}]", g.item, g.title, g.answer)?;
        }
    }
    if plan.more_items > 0 {
        let noun = if plan.more_items == 1 {
            "item"
        } else {
            "items"
        };
        writeln!(f, "  and {} more {noun}", plan.more_items)?;
    }
    if plan.conditions.is_empty() && plan.standards.is_empty() {
        writeln!(f, "  nothing is missing")?;
    }
    Ok(())
}
