//! Requirements in their checked form: indices instead of names.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

use crate::base::bitset::BitSet;
use crate::base::value::Value;

/// Whether a requirement holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// It holds.
    Met,
    /// It does not hold, and answering the unanswered items would not change that.
    Unmet,
    /// It does not hold, but it might once unanswered items or facts are answered.
    Unanswered,
}

/// One requirement of a level, as checked at load time.
///
/// Displays as a sentence, such as ``Months in operation (`months_operating`) is at least 12``:
/// its label, or else a sentence made from it, cut to
/// [`Requirement::MAX_SHOWN_CHARS`] characters.
#[derive(Clone, Debug)]
pub struct Requirement {
    pub(crate) label: Option<String>,
    /// What the requirement checks, in words (shared with `shown` when
    /// there is no label).
    pub(crate) text: Arc<str>,
    /// How the requirement reads in results: its label, or else its text,
    /// cut (see [`shown`]).
    pub(crate) shown: Arc<str>,
    pub(crate) kind: Req,
    /// Written as `any`, which is `at_least: 1` of its list.
    pub(crate) any: bool,
}

impl Requirement {
    /// The longest a requirement reads in results ([`RequirementOutcome`]'s
    /// `requirement`, a plan's conditions and items), in characters; a
    /// longer label, or a longer sentence made from the requirement (a
    /// selection listing many items), is cut there and ends in `…`. A `not`
    /// reads as `not: ` and the requirement it negates as shown, so a chain
    /// of `not`s costs this much per link, not the whole chain below.
    ///
    /// [`RequirementOutcome`]: crate::RequirementOutcome
    pub const MAX_SHOWN_CHARS: usize = 200;

    /// The author's label for the requirement, if the policy gives one.
    pub fn label(&self) -> Option<&str> {
        self.label.as_deref()
    }

    /// The whole requirement, nested ones included, as one line: two
    /// requirements with the same deep text check the same thing.
    pub(crate) fn deep_text(&self) -> String {
        let own = match &self.label {
            Some(label) => format!("{label} = {}", self.text),
            None => self.text.to_string(),
        };
        match &self.kind {
            Req::All(list) | Req::AtLeast(_, list) => {
                let inner: Vec<String> = list.iter().map(Requirement::deep_text).collect();
                format!("{own} [{}]", inner.join("; "))
            }
            Req::Not(inner) => format!("{own} [{}]", inner.deep_text()),
            _ => own,
        }
    }

    /// Collects the levels this requirement names, directly or nested.
    pub(crate) fn levels_named(&self, out: &mut Vec<usize>) {
        match &self.kind {
            Req::Level(l) => out.push(*l),
            Req::All(list) | Req::AtLeast(_, list) => {
                for r in list {
                    r.levels_named(out);
                }
            }
            Req::Not(inner) => inner.levels_named(out),
            Req::Fact { .. } | Req::Met(_) | Req::Items { .. } | Req::Held { .. } => {}
        }
    }
}

/// How a requirement reads in results: its label, or else its text, cut to
/// [`Requirement::MAX_SHOWN_CHARS`] characters (the last one `…`).
pub(crate) fn shown(label: Option<&str>, text: &str) -> Arc<str> {
    crate::base::text::cut_chars(label.unwrap_or(text), Requirement::MAX_SHOWN_CHARS).into()
}

impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown)
    }
}

#[derive(Clone, Debug)]
pub(crate) enum Req {
    All(Vec<Requirement>),
    /// At least `n` of the requirements hold; `any` is `AtLeast(1, ..)`.
    AtLeast(usize, Vec<Requirement>),
    Not(Box<Requirement>),
    Fact {
        fact: usize,
        test: FactTest,
        /// The test as a phrase (`is at least 12`), made once.
        expected: Arc<str>,
    },
    Met(usize),
    /// INVARIANT: `items` is sorted, without repeats, and not empty; `bits`
    /// holds the same indices. Both are shared by every requirement of the
    /// policy that selects the same items, so that many requirements over
    /// large selections cost one copy of each selection, not one each.
    Items {
        items: Arc<[usize]>,
        bits: Arc<BitSet>,
        rule: ItemRule,
        /// What the rule means when none of the items applies.
        none: WhenNoneApply,
        /// Whether the policy wrote `when_none_apply` (to write it back as
        /// written).
        none_given: bool,
        scope: String,
        /// The selection as the policy writes it.
        selection: Selection,
    },
    Level(usize),
    /// The program has held the level (or one above it) for at least the period.
    Held {
        level: usize,
        period: crate::base::date::Period,
    },
}

/// A selection of items as the policy writes it: those meeting every
/// criterion given.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Selection {
    pub(crate) standard: Option<crate::base::id::StandardId>,
    pub(crate) kind: Option<crate::base::id::KindId>,
    pub(crate) set: Option<crate::base::id::SetId>,
    pub(crate) items: Option<Vec<crate::base::id::ItemId>>,
}

#[derive(Clone, Debug)]
pub(crate) enum FactTest {
    Equals(Value),
    OneOf(Vec<Value>),
    /// Inclusive bounds; at least one is given.
    Range(Option<f64>, Option<f64>),
}

impl FactTest {
    pub(crate) fn holds(&self, v: &Value) -> bool {
        match (self, v) {
            (FactTest::Equals(want), got) => want == got,
            (FactTest::OneOf(list), got) => list.contains(got),
            (FactTest::Range(lo, hi), Value::Number(n)) => {
                lo.is_none_or(|lo| *n >= lo) && hi.is_none_or(|hi| *n <= hi)
            }
            (FactTest::Range(..), _) => false,
        }
    }

    pub(crate) fn describe(&self) -> String {
        match self {
            FactTest::Equals(v) => format!("is {v}"),
            FactTest::OneOf(list) => {
                let l: Vec<String> = list.iter().map(ToString::to_string).collect();
                format!("is one of {}", l.join(", "))
            }
            FactTest::Range(Some(lo), None) => format!("is at least {lo}"),
            FactTest::Range(None, Some(hi)) => format!("is at most {hi}"),
            FactTest::Range(Some(lo), Some(hi)) => format!("is between {lo} and {hi}"),
            FactTest::Range(None, None) => "is given".to_owned(),
        }
    }
}

/// What a rule over a selection (`all_met`, `met_at_least`) means when
/// none of its items applies: every one answered not applicable. The same
/// type reads a requirement's `when_none_apply:` from the policy file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub(crate) enum WhenNoneApply {
    /// The requirement is not met: marking everything not applicable earns
    /// nothing (the default).
    #[default]
    Unmet,
    /// The requirement is met: nothing that applies is unmet.
    Met,
}

impl WhenNoneApply {
    /// Whether the requirement holds when none of its items applies.
    pub(crate) fn holds(self) -> bool {
        self == WhenNoneApply::Met
    }
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum ItemRule {
    All,
    Count(usize),
    /// Of the items that apply (not-applicable answers left out).
    Percent(f64),
}

impl ItemRule {
    /// Whether `met` items out of `applicable` satisfy the rule.
    pub(crate) fn holds(self, met: usize, applicable: usize) -> bool {
        match self {
            ItemRule::All => met >= applicable,
            ItemRule::Count(n) => met >= n,
            #[allow(clippy::cast_precision_loss)]
            ItemRule::Percent(p) => (met as f64) * 100.0 >= p * (applicable as f64),
        }
    }

    /// How many met items the rule needs, of `applicable`.
    pub(crate) fn needed(self, applicable: usize) -> usize {
        match self {
            ItemRule::All => applicable,
            ItemRule::Count(n) => n,
            // The least count that `holds` accepts, so the two always agree.
            ItemRule::Percent(_) => (0..=applicable)
                .find(|&m| self.holds(m, applicable))
                .unwrap_or(applicable),
        }
    }
}
