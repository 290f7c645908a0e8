//! The membership report types: the level that applies on a date, its
//! state, its dates and the next date that matters. `eval` works them out.

use std::sync::Arc;

use serde::Serialize;

use crate::base::date::Date;
use crate::base::id::LevelId;

/// A level as evaluation results name it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LevelSummary {
    /// Its id.
    pub id: LevelId,
    /// Its title: see [`LevelSummary::title`]. Shared with the policy, so
    /// that the lean path copies no text.
    pub(crate) title: Arc<str>,
    /// Its rank: higher is better.
    pub rank: u32,
}

impl LevelSummary {
    /// Its title.
    pub fn title(&self) -> &str {
        &self.title
    }
}

/// Where a membership stands on the date evaluated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MembershipState {
    /// No level applies.
    NotMember,
    /// A level applies, and its term runs.
    Active,
    /// A level applies, and the renewal window is open.
    DueForRenewal,
    /// The term has ended without renewal: no level applies, no benefits.
    Expired,
}

impl MembershipState {
    /// The state in a report's words: `not a member`, `active`, `due for
    /// renewal`, `expired`.
    pub(crate) fn words(self) -> &'static str {
        match self {
            MembershipState::NotMember => "not a member",
            MembershipState::Active => "active",
            MembershipState::DueForRenewal => "due for renewal",
            MembershipState::Expired => "expired",
        }
    }
}

/// The next date on which something changes, and what.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NextDate {
    /// The date.
    pub date: Date,
    /// What happens then, in words.
    pub event: String,
}

/// Why a transitional level the program qualifies for does not apply: it
/// held the level before, and its time there was used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ReentryBar {
    /// The transitional level.
    pub level: LevelSummary,
    /// The first day of the latest period the program held it.
    pub from: Date,
    /// The day that period ended.
    pub until: Date,
    /// From when it may be granted the level again; `None`: never.
    pub again_from: Option<Date>,
}

/// The membership status as of a date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Membership {
    /// The date evaluated as of.
    pub as_of: Date,
    /// The level the program's answers qualify it for.
    pub qualified: Option<LevelSummary>,
    /// The level the assessment says the program holds.
    pub held: Option<LevelSummary>,
    /// The level that applies on the date; benefits follow it.
    pub level: Option<LevelSummary>,
    /// Active, due for renewal, expired, or not a member.
    pub state: MembershipState,
    /// Since when the level that applies has applied (the as-of date for a new grant).
    pub level_since: Option<Date>,
    /// Whether the level that applies is not the one held but one the program
    /// now qualifies for: it would be granted on the as-of date, so its dates
    /// count from then, and move with the date until the grant is recorded.
    pub new_grant: bool,
    /// For a transitional level, the date it reverts (or reverted).
    pub reverts_on: Option<Date>,
    /// Whether a transitional level has reverted by the date.
    pub reverted: bool,
    /// A transitional level the program qualifies for but may not be
    /// granted, because it held the level before and the policy's
    /// `reentry` rule does not let it back (yet): the level that applies
    /// is the one the transitional level reverts to.
    pub reentry: Option<ReentryBar>,
    /// When the current term began (last renewal or first grant; or the
    /// promotion, where the policy's term restarts on promotion). `None`
    /// for a level with no term and for no level.
    pub term_started_on: Option<Date>,
    /// When the renewal window opens.
    pub renewal_due_on: Option<Date>,
    /// When the term ends unless renewed.
    pub expires_on: Option<Date>,
    /// The next date that matters.
    pub next: Option<NextDate>,
}
