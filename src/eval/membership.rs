//! Membership over time: the level that applies on a date, transitional
//! levels that revert, terms that need renewal. The caller gives the date;
//! nothing here reads a clock.

use std::sync::Arc;

use crate::base::date::{Date, Period};
use crate::model::assessment::PastLevel;
use crate::model::policy::{Level, Policy, Reentry, Renewal, TimeLimit};
use crate::model::requirement::{Req, Requirement};
use crate::report::membership::{LevelSummary, Membership, MembershipState, NextDate, ReentryBar};

/// What an assessment records of the level held, bound to the policy.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Held<'a> {
    pub level: usize,
    pub granted: Date,
    pub renewed: Option<Date>,
    /// Levels held before, each level known to the policy (the binder
    /// checked them).
    pub history: &'a [PastLevel],
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
    barred: Option<Barred>,
    term_started_on: Option<Date>,
    expires_on: Option<Date>,
    renewal_due_on: Option<Date>,
    state: MembershipState,
}

/// A transitional level the program qualifies for and may not be granted:
/// the period of it the program used, and when it may hold it again.
#[derive(Clone, Copy)]
struct Barred {
    level: usize,
    from: Date,
    until: Date,
    again_from: Option<Date>,
}

/// Whether a grant of transitional level `l` (limit `limit`) beginning on
/// `start` is barred by the level's `reentry` rule: the program's history
/// holds a period of the level that began before `start` (ended by then,
/// or recorded as overlapping it: either way the time was used), and the
/// level may never be held again, or not yet. The latest end decides.
fn barred(
    policy: &Policy,
    l: usize,
    limit: &TimeLimit,
    held: Option<Held<'_>>,
    start: Date,
) -> Option<Barred> {
    let id = policy.levels.get(l)?.id();
    let last = held?
        .history
        .iter()
        .filter(|p| &p.level == id && p.from < start)
        .max_by_key(|p| p.until)?;
    let again_from = match limit.reentry {
        Reentry::Never => None,
        Reentry::After(wait) => last.until.add(wait),
    };
    if again_from.is_some_and(|a| start >= a) {
        return None;
    }
    Some(Barred {
        level: l,
        from: last.from,
        until: last.until,
        again_from,
    })
}

/// The level that applies on `as_of`, given the level qualified for and the
/// level held, with the dates that govern it.
pub(crate) fn terms(
    policy: &Policy,
    qualified: Option<usize>,
    held: Option<Held<'_>>,
    as_of: Date,
) -> Terms {
    // The level keeps its grant date only while it is the level held;
    // a level newly qualified for is granted on the as-of date.
    let grant = |l: Option<usize>| match (l, held) {
        (Some(q), Some(h)) if q == h.level => Some(h.granted),
        (Some(_), _) => Some(as_of),
        (None, _) => None,
    };
    let mut level = qualified;
    let mut since = grant(level);
    let mut reverts_on = None;
    let mut reverted = false;
    let mut bar = None;
    if let Some(l) = level
        && let (Some(limit), Some(start)) = (
            policy.levels.get(l).and_then(|x| x.time_limit.as_ref()),
            since,
        )
    {
        bar = barred(policy, l, limit, held, start);
        if bar.is_some() {
            // Its time was used: the program is where the level reverts to.
            level = limit.reverts_to_index;
            since = grant(level);
        } else {
            reverts_on = start.add(limit.after);
            if let Some(r) = reverts_on.filter(|r| as_of >= *r) {
                // Its time ran out in the record: that period is the
                // history the level's reentry rule reads, as if listed.
                let again_from = match limit.reentry {
                    Reentry::Never => None,
                    Reentry::After(wait) => r.add(wait),
                };
                if again_from.is_some_and(|a| as_of >= a) {
                    // Its wait is over: granted again on the as-of date,
                    // like any level newly qualified for.
                    since = Some(as_of);
                    reverts_on = as_of.add(limit.after);
                } else {
                    reverted = true;
                    level = limit.reverts_to_index;
                    since = reverts_on;
                    // When it may be granted again, where it may.
                    bar = again_from.map(|a| Barred {
                        level: l,
                        from: start,
                        until: r,
                        again_from: Some(a),
                    });
                }
            }
        }
    }
    let (term_started_on, renewal) = term(policy, level, since, held, as_of);
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
        barred: bar,
        term_started_on: term_started_on.filter(|_| expires_on.is_some()),
        expires_on,
        renewal_due_on,
        state,
    }
}

/// The term shown for `level`, which applies since `since`: when it
/// started, and its renewal.
///
/// A recorded membership ends with its record's term: the renewal of the
/// level held ([`Policy::term_of`], or the policy's where that level has
/// none), from its last renewal or grant. That end depends on the record
/// alone, so a later as-of date never extends it, whatever level the
/// program qualifies for then; once it is reached, that ended term is the
/// one shown. Before it: a level with no term shows none; a level above
/// the one held starts its own term on the promotion where the policy
/// says a term restarts on promotion; otherwise the record's term runs on.
/// With nothing held, the level's own term runs from its grant.
fn term<'p>(
    policy: &'p Policy,
    level: Option<usize>,
    since: Option<Date>,
    held: Option<Held<'_>>,
    as_of: Date,
) -> (Option<Date>, Option<&'p Renewal>) {
    let of = |l: usize| policy.levels.get(l);
    let Some(applies) = level.and_then(of) else {
        return (None, None);
    };
    let own = policy.term_of(applies);
    let Some(h) = held else {
        return (since, own);
    };
    let recorded = h.renewed.unwrap_or(h.granted);
    let record = of(h.level)
        .and_then(|x| policy.term_of(x))
        .or(policy.renewal());
    let ended = record
        .and_then(|r| recorded.add(r.every))
        .is_some_and(|e| as_of >= e);
    let promoted = of(h.level).is_some_and(|x| applies.rank() > x.rank());
    if ended {
        (Some(recorded), record)
    } else if own.is_none() {
        (None, None)
    } else if promoted && policy.term_restarts_on_promotion() {
        (since, own)
    } else {
        (Some(recorded), record)
    }
}

/// The earliest date after `as_of` on which a dwell-time requirement
/// (`held: {level, for_at_least}`) of a level above `applies` is met, with
/// the words for it: the level held must have been held that long.
fn dwell_ends(
    policy: &Policy,
    applies: Option<usize>,
    held: Held<'_>,
    as_of: Date,
) -> Option<NextDate> {
    let rank = |l: usize| policy.levels.get(l).map(Level::rank);
    let floor = applies.and_then(rank);
    let mut best: Option<(Date, usize, Period)> = None;
    for (upper, x) in policy.levels.iter().enumerate() {
        if floor.is_some_and(|f| x.rank() <= f) {
            continue;
        }
        for r in &x.requires {
            dwells(r, &mut |level, period| {
                if rank(level) != rank(held.level) {
                    return;
                }
                if let Some(d) = held.granted.add(period).filter(|d| *d > as_of)
                    && best.is_none_or(|(b, ..)| d < b)
                {
                    best = Some((d, upper, period));
                }
            });
        }
    }
    let (date, upper, period) = best?;
    let title = |l: usize| policy.levels.get(l).map_or("", |x| &*x.title);
    Some(NextDate {
        date,
        event: format!(
            "{} has been held for {period}, as {} requires",
            title(held.level),
            title(upper)
        ),
    })
}

/// Calls `f` with every dwell-time requirement in `r`, nested in `all` or
/// `at_least` (one under `not` asks for less time, not more). Recurses
/// once per level of nesting, which the loader bounds
/// (`Limits::max_requirement_depth`).
fn dwells(r: &Requirement, f: &mut impl FnMut(usize, Period)) {
    match &r.kind {
        Req::Held { level, period } => f(*level, *period),
        Req::All(list) | Req::AtLeast(_, list) => {
            for inner in list {
                dwells(inner, f);
            }
        }
        _ => {}
    }
}

/// The membership report on `as_of`: [`terms`], with the levels named and
/// the next date that matters.
pub(crate) fn status(
    policy: &Policy,
    qualified: Option<usize>,
    held: Option<Held<'_>>,
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
    let next = next_date(policy, &t, qualified, held, as_of);
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
        reentry: t.barred.and_then(|b| {
            Some(ReentryBar {
                level: summary(b.level)?,
                from: b.from,
                until: b.until,
                again_from: b.again_from,
            })
        }),
        term_started_on: t.term_started_on,
        renewal_due_on: t.renewal_due_on,
        expires_on: t.expires_on,
        next,
    };
    (t.level, membership)
}

/// The next date after `as_of` on which something changes for a
/// membership with terms `t`, and what.
fn next_date(
    policy: &Policy,
    t: &Terms,
    qualified: Option<usize>,
    held: Option<Held<'_>>,
    as_of: Date,
) -> Option<NextDate> {
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
    if let Some(b) = t.barred
        && let Some(again) = b.again_from
    {
        upcoming.push(NextDate {
            date: again,
            event: format!("{} may be granted again", title(Some(b.level))),
        });
    }
    if matches!(
        t.state,
        MembershipState::Active | MembershipState::DueForRenewal
    ) && let Some(h) = held
    {
        upcoming.extend(dwell_ends(policy, t.level, h, as_of));
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
    upcoming
        .into_iter()
        .filter(|n| n.date > as_of)
        .min_by_key(|n| n.date)
}
