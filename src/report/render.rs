//! The readable report: `Display` for [`Evaluation`].

use std::fmt;

use crate::base::text::cut_chars as cut_to;
use crate::model::requirement::Status;
use crate::report::evaluation::{
    AnswerState, Evaluation, GrantedBenefit, ImprovementPlan, StandardScore,
};
use crate::report::membership::{LevelSummary, Membership};

fn write_membership(f: &mut fmt::Formatter<'_>, m: &Membership) -> fmt::Result {
    let title = |l: &Option<LevelSummary>| {
        l.as_ref()
            .map_or("no level".to_owned(), |l| l.title.to_string())
    };
    let state = m.state.words();
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
            // A standing, not a promise: the words of MMP's page.
            write!(f, " (may receive priority in some instances)")?;
        }
        writeln!(f)?;
    }
    Ok(())
}

/// The widest a standard's title is shown in the scorecard, in characters;
/// a longer one is cut, its last character `…` (the JSON has it whole).
const MAX_TITLE_CHARS: usize = 40;

/// The scorecard: a row per standard with an answer, its title in a
/// column as wide as the widest title shown (at most [`MAX_TITLE_CHARS`]
/// characters), then the counts, right-aligned, and the counts per kind
/// under the kinds' titles. Standards with no item answered are one line
/// (a row of `0/14  14 unanswered` for each says nothing the plan does not),
/// and a program that answered nothing gets one line in all; the JSON keeps
/// every standard.
fn write_scorecard(f: &mut fmt::Formatter<'_>, scorecard: &[StandardScore]) -> fmt::Result {
    let (answered, blank): (Vec<&StandardScore>, Vec<&StandardScore>) = scorecard
        .iter()
        .partition(|s| s.unanswered == 0 || s.unanswered < s.applicable + s.not_applicable);
    let blank_items: usize = blank.iter().map(|s| s.unanswered).sum();
    if answered.is_empty() {
        let noun = if scorecard.len() == 1 {
            "standard"
        } else {
            "standards"
        };
        return writeln!(
            f,
            "Scorecard: no item answered yet ({blank_items} items in {} {noun}).",
            scorecard.len()
        );
    }
    writeln!(f, "Scorecard (items met / items that apply):")?;
    let titles: Vec<_> = answered
        .iter()
        .map(|s| cut_to(&s.title, MAX_TITLE_CHARS))
        .collect();
    let width = titles.iter().map(|t| t.chars().count()).max().unwrap_or(0);
    let digits = |n: usize| n.to_string().len();
    let met_w = answered.iter().map(|s| digits(s.met)).max().unwrap_or(1);
    let all_w = answered
        .iter()
        .map(|s| digits(s.applicable))
        .max()
        .unwrap_or(1);
    for (s, title) in answered.iter().zip(&titles) {
        write!(
            f,
            "  {title:<width$}  {:>met_w$}/{:<all_w$}",
            s.met, s.applicable
        )?;
        let kinds: Vec<String> = s
            .by_kind
            .iter()
            .map(|k| format!("{} {}/{}", k.title, k.met, k.applicable))
            .collect();
        write!(f, "  ({})", kinds.join(", "))?;
        if s.unanswered > 0 {
            write!(f, "  {} unanswered", s.unanswered)?;
        }
        writeln!(f)?;
    }
    if !blank.is_empty() {
        let noun = if blank.len() == 1 {
            "standard"
        } else {
            "standards"
        };
        writeln!(
            f,
            "  and {} more {noun} with no item answered yet ({blank_items} items)",
            blank.len()
        )?;
    }
    Ok(())
}

fn write_plan(f: &mut fmt::Formatter<'_>, plan: &ImprovementPlan) -> fmt::Result {
    writeln!(f, "Improvement plan for {}:", plan.target.title)?;
    for c in &plan.conditions {
        if let Some(w) = &c.words {
            write!(f, "  - {}: needs {}", w.title, w.needs)?;
            match &w.now {
                Some(now) => writeln!(f, " (now: {now})")?,
                None => writeln!(f, " (not given)")?,
            }
            if let Some(q) = &w.question {
                writeln!(f, "      {q}")?;
            }
            continue;
        }
        write!(f, "  - {}", c.requirement)?;
        match &c.actual {
            Some(v) => writeln!(f, " (now: {v})")?,
            None if c.fact.is_some() => writeln!(f, " (not given)")?,
            None => writeln!(f)?,
        }
    }
    let mut may_be_na = 0;
    for s in &plan.standards {
        writeln!(f, "  {}:", s.title)?;
        for g in &s.items {
            write!(f, "    - {} {} [{}]", g.item, g.title, g.answer)?;
            if g.may_be_not_applicable {
                may_be_na += 1;
                write!(f, " *")?;
            }
            writeln!(f)?;
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
    if may_be_na > 0 {
        writeln!(
            f,
            "  * may be answered not applicable: where the practice does not apply to the program, that answer leaves the item out of the counts"
        )?;
    }
    Ok(())
}
