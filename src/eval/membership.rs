//! Membership over time: the level that applies on a date, transitional
//! levels that revert, terms that need renewal. The caller gives the date;
//! nothing here reads a clock.

use std::sync::Arc;

use crate::base::date::Date;
use crate::model::policy::Policy;
use crate::report::membership::{LevelSummary, Membership, MembershipState, NextDate};

/// What an assessment records of the level held, bound to the policy.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Held {
    pub level: usize,
    pub granted: Date,
    pub renewed: Option<Date>,
}

/// The dates that govern a membership on `as_of`, with no text built: what
/// the lean path needs, and what the report is made from.
#[derive(Clone, Copy)]
pub(crate) struct Terms {
    /// The level that applies.
    pub level: Option<usize>,
    since: Option<Date>,
    reverts_on: Option<Date>,
    reverted: bool,
    term_started_on: Option<Date>,
    expires_on: Option<Date>,
    renewal_due_on: Option<Date>,
    state: MembershipState,
}

/// The level that applies on `as_of`, given the level qualified for and the
/// level held, with the dates that govern it.
pub(crate) fn terms(
    policy: &Policy,
    qualified: Option<usize>,
    held: Option<Held>,
    as_of: Date,
) -> Terms {
    // The level keeps its grant date only while it is the level held;
    // a level newly qualified for is granted on the as-of date.
    let mut level = qualified;
    let mut since = match (qualified, held) {
        (Some(q), Some(h)) if q == h.level => Some(h.granted),
        (Some(_), _) => Some(as_of),
        (None, _) => None,
    };
    let mut reverts_on = None;
    let mut reverted = false;
    if let Some(l) = level
        && let (Some(limit), Some(start)) = (
            policy.levels.get(l).and_then(|x| x.time_limit.as_ref()),
            since,
        )
    {
        reverts_on = start.add(limit.after);
        if reverts_on.is_some_and(|r| as_of >= r) {
            reverted = true;
            level = limit.reverts_to_index;
            since = reverts_on;
        }
    }
    let term_started_on = match held {
        Some(h) => Some(h.renewed.unwrap_or(h.granted)),
        None => level.map(|_| as_of),
    };
    let renewal = policy.renewal();
    let expires_on = term_started_on
        .zip(renewal)
        .and_then(|(t, r)| t.add(r.every));
    let renewal_due_on = expires_on.zip(renewal).and_then(|(e, r)| e.sub(r.window));
    let state = if level.is_none() {
        MembershipState::NotMember
    } else if expires_on.is_some_and(|e| as_of >= e) {
        // Nothing is pending for a membership that has ended.
        level = None;
        reverts_on = None;
        reverted = false;
        MembershipState::Expired
    } else if renewal_due_on.is_some_and(|d| as_of >= d) {
        MembershipState::DueForRenewal
    } else {
        MembershipState::Active
    };
    Terms {
        level,
        since,
        reverts_on,
        reverted,
        term_started_on,
        expires_on,
        renewal_due_on,
        state,
    }
}

/// The membership report on `as_of`: [`terms`], with the levels named and
/// the next date that matters.
pub(crate) fn status(
    policy: &Policy,
    qualified: Option<usize>,
    held: Option<Held>,
    as_of: Date,
) -> (Option<usize>, Membership) {
    let t = terms(policy, qualified, held, as_of);
    let summary = |l: usize| {
        policy.levels.get(l).map(|x| LevelSummary {
            id: x.id().clone(),
            title: Arc::clone(&x.title),
            rank: x.rank(),
        })
    };
    let title = |l: Option<usize>| {
        l.and_then(|l| policy.levels.get(l))
            .map_or("no level", |x| &*x.title)
    };
    let mut upcoming: Vec<NextDate> = Vec::new();
    if let (Some(r), false) = (t.reverts_on, t.reverted) {
        let to = qualified
            .and_then(|l| policy.levels.get(l))
            .and_then(|x| x.time_limit.as_ref())
            .and_then(|limit| limit.reverts_to_index);
        upcoming.push(NextDate {
            date: r,
            event: format!("reverts to {} unless the program moves up", title(to)),
        });
    }
    if t.state == MembershipState::Active
        && let Some(d) = t.renewal_due_on
    {
        upcoming.push(NextDate {
            date: d,
            event: "renewal window opens".into(),
        });
    }
    if matches!(
        t.state,
        MembershipState::Active | MembershipState::DueForRenewal
    ) && let Some(e) = t.expires_on
    {
        upcoming.push(NextDate {
            date: e,
            event: "membership expires unless renewed".into(),
        });
    }
    let next = upcoming
        .into_iter()
        .filter(|n| n.date > as_of)
        .min_by_key(|n| n.date);
    let membership = Membership {
        as_of,
        qualified: qualified.and_then(summary),
        held: held.and_then(|h| summary(h.level)),
        level: t.level.and_then(summary),
        state: t.state,
        level_since: t.level.and(t.since),
        new_grant: t.level.is_some()
            && t.since == Some(as_of)
            && held.is_none_or(|h| Some(h.level) != qualified || h.granted != as_of),
        reverts_on: t.reverts_on,
        reverted: t.reverted,
        term_started_on: t.term_started_on,
        renewal_due_on: t.renewal_due_on,
        expires_on: t.expires_on,
        next,
    };
    (t.level, membership)
}
