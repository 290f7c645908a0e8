//! The three-valued rules of requirements, in one place.
//!
//! A requirement is *met*, *unmet*, or *unanswered* (it does not hold now,
//! but answering what is unanswered could make it hold). Each status is a
//! pair of bits: `met` (it holds) and `possible` (it holds, or could once
//! the unanswered items and facts are answered); unmet is "not possible".
//! Silence is never evidence: every rule below keeps an unanswered input
//! unanswered unless the rule is decided without it.
//!
//! | shape | met | possible |
//! |---|---|---|
//! | `all` of rs | every r met | every r possible |
//! | `any` of rs | some r met | some r possible |
//! | `at_least` n `of` rs | at least n met | at least n possible |
//! | `not` r | r unmet (not possible) | r not met |
//! | a fact test | the fact is given and passes | not given, or passes |
//! | `met: i` | i met, or i not applicable | met, or i unanswered |
//! | `all_met` S | some item of S applies, every applicable one met | some applies, every applicable one met or unanswered |
//! | `met_at_least` n of S | some item of S applies, n met | some applies, n met or unanswered |
//! | `met_at_least` p% of S | some applies, met x 100 >= p x applicable | some applies, (met + unanswered) x 100 >= p x applicable |
//! | `level: L` | L's requirements all met | all possible |
//! | `held` L for P | dated, holding L or above, long enough | not dated or holding nothing, or met |
//!
//! Items answered not applicable are left out of counts and percentages;
//! an unanswered item applies. When nothing in a selection applies (0 of
//! 0: every item answered not applicable), the rule is decided by the
//! requirement's `when_none_apply` ([`WhenNoneApply`]): by default it is
//! not met ("some item applies" in the table), so that marking everything
//! not applicable earns nothing; with `met` it is met, and otherwise
//! decided by the count alone. A count needs met items, and none is met
//! when none applies, so the default changes only a count of 0 (the
//! loader refuses `met` beside a count: one item met of N >= 2 would then
//! lose what none applying had).
//!
//! Answering an item met instead of not applicable never lowers a status:
//! met and applicable both grow by one (m of a becomes m+1 of a+1, never a
//! smaller share), and a selection none of which applied has one that
//! applies and is met.
//!
//! The evaluator applies the rules to plain booleans ([`Plain`]); the exact
//! change analysis applies the same functions to literals of a SAT formula,
//! so the two cannot drift apart.

use crate::model::requirement::{ItemRule, Status, WhenNoneApply};

/// Boolean operations over some representation of bits: plain `bool`s, or
/// the literals of a formula being built.
pub(crate) trait Bits {
    /// A bit.
    type B: Copy;
    /// The negation.
    fn not(&mut self, a: Self::B) -> Self::B;
    /// Whether at least `n` of the bits hold.
    fn at_least(&mut self, n: usize, bits: &[Self::B]) -> Self::B;
    /// Whether `met` of `applicable` satisfy a percentage rule, given the
    /// bits that count as met and those that count as not applicable among
    /// `total` items.
    fn percent(&mut self, percent: f64, met: &[Self::B], not_applicable: &[Self::B]) -> Self::B;

    /// Conjunction.
    fn and(&mut self, bits: &[Self::B]) -> Self::B {
        let n = bits.len();
        self.at_least(n, bits)
    }
    /// Disjunction.
    fn or(&mut self, bits: &[Self::B]) -> Self::B {
        self.at_least(1, bits)
    }
}

/// A status as two bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Tri<B> {
    /// It holds.
    pub met: B,
    /// It holds, or could once what is unanswered is answered.
    pub possible: B,
}

/// `at_least` n of the statuses (`all` is n = len, `any` is n = 1).
pub(crate) fn at_least<L: Bits>(l: &mut L, n: usize, of: &[Tri<L::B>]) -> Tri<L::B> {
    let met: Vec<L::B> = of.iter().map(|t| t.met).collect();
    let possible: Vec<L::B> = of.iter().map(|t| t.possible).collect();
    Tri {
        met: l.at_least(n, &met),
        possible: l.at_least(n, &possible),
    }
}

/// `not`: met when the inner requirement cannot hold, unanswered while it
/// is unanswered.
pub(crate) fn not<L: Bits>(l: &mut L, inner: Tri<L::B>) -> Tri<L::B> {
    Tri {
        met: l.not(inner.possible),
        possible: l.not(inner.met),
    }
}

/// A test on one input that may be missing: met when given and passing,
/// possible when missing or passing.
pub(crate) fn given<L: Bits>(l: &mut L, given_and_passes: L::B, missing: L::B) -> Tri<L::B> {
    Tri {
        met: given_and_passes,
        possible: l.or(&[given_and_passes, missing]),
    }
}

/// One item required met: met when met or not applicable, possible when
/// also unanswered.
pub(crate) fn item<L: Bits>(
    l: &mut L,
    met: L::B,
    not_applicable: L::B,
    unanswered: L::B,
) -> Tri<L::B> {
    let m = l.or(&[met, not_applicable]);
    Tri {
        met: m,
        possible: l.or(&[m, unanswered]),
    }
}

/// A rule over the items of a selection, each given as (met, not
/// applicable, unanswered); a met item is never not applicable or
/// unanswered. `none` decides it when every item is not applicable.
pub(crate) fn items<L: Bits>(
    l: &mut L,
    rule: ItemRule,
    none: WhenNoneApply,
    of: &[(L::B, L::B, L::B)],
) -> Tri<L::B> {
    let counted = counted(l, rule, of);
    // Some item applies: one not answered not applicable.
    let applies: Vec<L::B> = of.iter().map(|&(_, n, _)| l.not(n)).collect();
    let some = l.or(&applies);
    if none.holds() {
        let none_apply = l.not(some);
        Tri {
            met: l.or(&[counted.met, none_apply]),
            possible: l.or(&[counted.possible, none_apply]),
        }
    } else {
        Tri {
            met: l.and(&[counted.met, some]),
            possible: l.and(&[counted.possible, some]),
        }
    }
}

/// [`items`] by the rule's count alone, whether or not any item applies.
fn counted<L: Bits>(l: &mut L, rule: ItemRule, of: &[(L::B, L::B, L::B)]) -> Tri<L::B> {
    let met: Vec<L::B> = of.iter().map(|x| x.0).collect();
    let na: Vec<L::B> = of.iter().map(|x| x.1).collect();
    let open: Vec<L::B> = of.iter().map(|&(m, _, u)| l.or(&[m, u])).collect();
    match rule {
        ItemRule::All => {
            let done: Vec<L::B> = of.iter().map(|&(m, n, _)| l.or(&[m, n])).collect();
            let could: Vec<L::B> = of.iter().map(|&(m, n, u)| l.or(&[m, n, u])).collect();
            Tri {
                met: l.and(&done),
                possible: l.and(&could),
            }
        }
        ItemRule::Count(n) => Tri {
            met: l.at_least(n, &met),
            possible: l.at_least(n, &open),
        },
        ItemRule::Percent(p) => Tri {
            met: l.percent(p, &met, &na),
            possible: l.percent(p, &open, &na),
        },
    }
}

/// The rules on plain booleans, as the evaluator uses them.
pub(crate) struct Plain;

impl Bits for Plain {
    type B = bool;
    fn not(&mut self, a: bool) -> bool {
        !a
    }
    fn at_least(&mut self, n: usize, bits: &[bool]) -> bool {
        bits.iter().filter(|b| **b).count() >= n
    }
    fn percent(&mut self, percent: f64, met: &[bool], not_applicable: &[bool]) -> bool {
        let m = met.iter().filter(|b| **b).count();
        let applicable = met.len() - not_applicable.iter().filter(|b| **b).count();
        ItemRule::Percent(percent).holds(m, applicable)
    }
}

impl Tri<bool> {
    /// The status these bits stand for.
    pub(crate) fn status(self) -> Status {
        match (self.met, self.possible) {
            (true, _) => Status::Met,
            (false, true) => Status::Unanswered,
            (false, false) => Status::Unmet,
        }
    }
}

impl From<Status> for Tri<bool> {
    fn from(s: Status) -> Self {
        Tri {
            met: s == Status::Met,
            possible: s != Status::Unmet,
        }
    }
}

/// `at_least` over plain statuses, without collecting them: the
/// evaluator's hot path, the same rule as [`at_least`].
pub(crate) fn at_least_of(needed: usize, statuses: impl Iterator<Item = Status>) -> Status {
    let (met, possible) = statuses.fold((0, 0), |(m, p), s| match s {
        Status::Met => (m + 1, p + 1),
        Status::Unanswered => (m, p + 1),
        Status::Unmet => (m, p),
    });
    Tri {
        met: met >= needed,
        possible: possible >= needed,
    }
    .status()
}

/// `not` over a plain status.
pub(crate) fn not_status(s: Status) -> Status {
    not(&mut Plain, Tri::from(s)).status()
}

/// A rule over counts of items: `met` of `applicable`, `unanswered` of
/// them open; `none` decides it when none applies (the same rule as
/// [`items`]).
pub(crate) fn items_status(
    rule: ItemRule,
    none: WhenNoneApply,
    met: usize,
    applicable: usize,
    unanswered: usize,
) -> Status {
    if applicable == 0 {
        return if none.holds() {
            Status::Met
        } else {
            Status::Unmet
        };
    }
    Tri {
        met: rule.holds(met, applicable),
        possible: rule.holds(met + unanswered, applicable),
    }
    .status()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::{Met, Unanswered, Unmet};

    #[test]
    fn not_keeps_silence_unanswered() {
        assert_eq!(not_status(Met), Unmet);
        assert_eq!(not_status(Unmet), Met);
        assert_eq!(not_status(Unanswered), Unanswered);
    }

    #[test]
    fn at_least_counts_met_and_possible() {
        let table = [
            (2, vec![Met, Met, Unmet], Met),
            (2, vec![Met, Unanswered, Unmet], Unanswered),
            (2, vec![Met, Unmet, Unmet], Unmet),
            (0, vec![], Met),
            (1, vec![], Unmet),
        ];
        for (n, of, want) in table {
            assert_eq!(at_least_of(n, of.iter().copied()), want, "{n} of {of:?}");
            let tris: Vec<Tri<bool>> = of.iter().map(|s| Tri::from(*s)).collect();
            assert_eq!(at_least(&mut Plain, n, &tris).status(), want);
        }
    }

    #[test]
    fn item_rules_on_bits_agree_with_counts() {
        // (met, not applicable, unanswered) per item.
        let items_ = [
            (true, false, false),
            (false, true, false),
            (false, false, true),
            (false, false, false),
        ];
        for rule in [
            ItemRule::All,
            ItemRule::Count(1),
            ItemRule::Count(2),
            ItemRule::Count(3),
            ItemRule::Percent(50.0),
            ItemRule::Percent(34.0),
            ItemRule::Percent(100.0),
        ] {
            for mask in 0u32..16 {
                let chosen: Vec<(bool, bool, bool)> = items_
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| mask & (1 << i) != 0)
                    .map(|(_, x)| *x)
                    .collect();
                let met = chosen.iter().filter(|x| x.0).count();
                let applicable = chosen.iter().filter(|x| !x.1).count();
                let open = chosen.iter().filter(|x| x.2).count();
                for none in [WhenNoneApply::Unmet, WhenNoneApply::Met] {
                    assert_eq!(
                        items(&mut Plain, rule, none, &chosen).status(),
                        items_status(rule, none, met, applicable, open),
                        "{rule:?}, {none:?} over {chosen:?}"
                    );
                }
            }
        }
    }
}
