//! Laws of a policy decided by the solver over every assessment: a model
//! is a minimal counterexample, unsatisfiable is a proof that the law holds.

use crate::model::assessment::Assessment;
use crate::model::policy::Better;
use crate::model::policy::Policy;

use super::Shrinker;
use super::cnf::{Cnf, Lit, Model};
use super::encode::{self, Circuit, Domain, FactClass, ItemClass};
use super::time::DateVar;

/// A law broken: the counterexample, the improved assessment for
/// monotonicity or the same one as of a later date for terms, and what
/// went wrong in words.
pub(crate) struct Broken {
    pub counterexample: Assessment,
    pub improved: Option<Assessment>,
    pub later: Option<Assessment>,
    pub message: String,
}

/// One copy of a policy's decision over its own symbolic assessment.
struct Copy {
    d: Domain,
    c: Circuit,
}

fn copy(cnf: &mut Cnf, p: &Policy) -> Copy {
    let mut d = Domain::new(cnf, [p, p]);
    let c = encode::circuit(cnf, &mut d, p);
    Copy { d, c }
}

/// What a law says of a policy too large to encode: undecided.
fn too_large(cnf: &Cnf) -> Option<Broken> {
    cnf.over_budget().then(|| Broken {
        counterexample: Assessment::new("none"),
        improved: None,
        later: None,
        message: format!(
            "the policy is too large to decide this law exactly (its formula passed {} literals: requirements times the items they select)",
            Cnf::BUDGET
        ),
    })
}

/// How good an item's answer class is; `None` for not applicable, which is
/// comparable only with itself.
fn item_rank(c: &ItemClass) -> Option<f64> {
    match c {
        ItemClass::Unanswered => Some(f64::NEG_INFINITY),
        ItemClass::NotMet => Some(-1.0e300),
        ItemClass::Number(n) => Some(*n),
        ItemClass::Met => Some(f64::INFINITY),
        ItemClass::NotApplicable => None,
    }
}

/// How good a fact's value is in the direction the policy declares;
/// `None` when the fact has no direction (it must then stay the same).
fn fact_rank(p: &Policy, id: &str, c: &FactClass) -> Option<f64> {
    let f = p.facts.iter().find(|f| f.id().as_str() == id)?;
    let better = f.better?;
    if *c == FactClass::Absent {
        // A fact derived from a date when not given is not unanswered
        // when absent: its absence is comparable with nothing.
        return f.months_since.is_none().then_some(f64::NEG_INFINITY);
    }
    match (better, c) {
        (Better::More, FactClass::Number(n)) => Some(*n),
        (Better::Less, FactClass::Number(n)) => Some(-*n),
        (Better::True, FactClass::Bool(b)) => Some(f64::from(u8::from(*b))),
        (Better::False, FactClass::Bool(b)) => Some(f64::from(u8::from(!*b))),
        (Better::Later | Better::Earlier, FactClass::Text(t)) => {
            let crate::model::policy::FactType::Choice(values) = &f.ty else {
                return None;
            };
            #[allow(clippy::cast_precision_loss)]
            let at = values.iter().position(|v| v == t)? as f64;
            Some(if better == Better::Later { at } else { -at })
        }
        _ => None,
    }
}

/// The literals of what an assessment states, to be kept few.
fn stated(d: &Domain) -> Vec<Lit> {
    let mut out: Vec<Lit> = d.items.iter().map(|i| !i.unanswered()).collect();
    out.extend(d.facts.iter().map(|f| !f.absent()));
    out.extend(d.held.first().map(|h| !h.1));
    out.push(d.dated);
    out
}

/// The assessments of a model of one or more copies, with real dates; or
/// the clause that excludes a combination of date comparisons no dates
/// realise (the caller asks again without it).
fn assessments(copies: &[&Copy], m: &Model) -> Result<Vec<Assessment>, Vec<Lit>> {
    copies
        .iter()
        .map(|c| super::dates_of(&c.d, m).map(|dates| super::assessment_of(&c.d, m, &dates)))
        .collect()
}

/// Solves, realising dates, excluding combinations no dates realise.
fn solve_real(
    cnf: &mut Cnf,
    copies: &[&Copy],
    assume: &[Lit],
    shrink: &mut Shrinker,
) -> Option<Vec<Assessment>> {
    for _ in 0..64 {
        let m = cnf.solve(assume)?;
        let m = shrink.minimal(cnf, assume, m);
        match assessments(copies, &m) {
            Ok(a) => return Some(a),
            Err(block) => cnf.clause(&block),
        }
    }
    None
}

/// "A program at a level meets the requirements of every level below it."
pub(crate) fn levels_nested(p: &Policy) -> Option<Broken> {
    let mut cnf = Cnf::new(false);
    let x = copy(&mut cnf, p);
    if let Some(b) = too_large(&cnf) {
        return Some(b);
    }
    let mut cost = Shrinker::new(stated(&x.d));
    for (hi, level) in p.levels.iter().enumerate().rev() {
        for (lo, below) in p.levels.iter().enumerate().take(hi) {
            let (Some(h), Some(l)) = (x.c.met.get(hi), x.c.met.get(lo)) else {
                continue;
            };
            let assume = [x.c.valid, *h, !*l];
            if let Some(found) = solve_real(&mut cnf, &[&x], &assume, &mut cost) {
                return Some(Broken {
                    counterexample: found.into_iter().next()?,
                    improved: None,
                    later: None,
                    message: format!(
                        "the program meets `{}` but not `{}`, a level below it",
                        level.id(),
                        below.id()
                    ),
                });
            }
        }
    }
    None
}

/// "Reaching a higher level never loses a benefit a level below it has."
pub(crate) fn benefits_nested(p: &Policy) -> Option<Broken> {
    let mut cnf = Cnf::new(false);
    let x = copy(&mut cnf, p);
    if let Some(b) = too_large(&cnf) {
        return Some(b);
    }
    let mut cost = Shrinker::new(stated(&x.d));
    for (bi, b) in p.benefits.iter().enumerate() {
        for (hi, level) in p.levels.iter().enumerate() {
            let given_below = b.granted_to.iter().take(hi).position(|g| *g);
            let (Some(lo), false) = (given_below, b.granted_to.get(hi).copied().unwrap_or(false))
            else {
                continue;
            };
            let (Some(r), Some(_)) = (x.c.reached.get(hi), x.c.benefits.get(bi)) else {
                continue;
            };
            if let Some(found) = solve_real(&mut cnf, &[&x], &[x.c.valid, *r], &mut cost) {
                let below = p.levels.get(lo).map_or("", |l| l.id().as_str());
                return Some(Broken {
                    counterexample: found.into_iter().next()?,
                    improved: None,
                    later: None,
                    message: format!(
                        "a program at `{}` does not get benefit `{}`, which `{below}` below it gets",
                        level.id(),
                        b.id()
                    ),
                });
            }
        }
    }
    None
}

/// "Improving any answer, or a fact in the direction the policy declares,
/// never lowers the level or removes a benefit."
pub(crate) fn monotone(p: &Policy) -> Option<Broken> {
    let mut cnf = Cnf::new(false);
    let a = copy(&mut cnf, p);
    let b = copy(&mut cnf, p);
    // The improved copy is at least as good in one answer or one fact with
    // a direction, and the same in everything else: a chain of single
    // improvements reaches any better assessment, so a violation by many
    // shows in one of its steps.
    let mut diffs = items_no_worse(&mut cnf, &a.d, &b.d);
    diffs.extend(facts_no_worse(&mut cnf, p, &a.d, &b.d));
    same_membership(&mut cnf, &a.d, &b.d);
    let two = cnf.at_least_gate(2, &diffs);
    cnf.clause(&[!two]);
    if let Some(broken) = too_large(&cnf) {
        return Some(broken);
    }
    let mut both = stated(&a.d);
    both.extend(stated(&b.d));
    let mut cost = Shrinker::new(both);
    lowered_level(&mut cnf, p, [&a, &b], &mut cost)
        .or_else(|| removed_benefit(&mut cnf, p, [&a, &b], &mut cost))
}

/// Every answer of `y` is at least as good as that of `x`; per item, the
/// literal that is true where they differ.
fn items_no_worse(cnf: &mut Cnf, a: &Domain, b: &Domain) -> Vec<Lit> {
    let mut diffs = Vec::with_capacity(a.items.len());
    for (x, y) in a.items.iter().zip(&b.items) {
        let diff = cnf.var();
        for ((_, lx), (_, ly)) in x.classes.iter().zip(&y.classes) {
            cnf.clause(&[!*lx, *ly, diff]);
        }
        diffs.push(diff);
        for (cx, lx) in &x.classes {
            for (cy, ly) in &y.classes {
                let ok = match (item_rank(cx), item_rank(cy)) {
                    (Some(r), Some(s)) => s >= r,
                    (None, None) => true,
                    _ => false,
                };
                if !ok {
                    cnf.clause(&[!*lx, !*ly]);
                }
            }
        }
    }
    diffs
}

/// Every fact of `b` is at least as good as in `a` in the direction the
/// policy declares, and the same where it declares none; per fact, the
/// literal that is true where they differ.
fn facts_no_worse(cnf: &mut Cnf, p: &Policy, a: &Domain, b: &Domain) -> Vec<Lit> {
    let mut diffs = Vec::with_capacity(a.facts.len());
    for (x, y) in a.facts.iter().zip(&b.facts) {
        let diff = cnf.var();
        for ((_, lx), (_, ly)) in x.classes.iter().zip(&y.classes) {
            cnf.clause(&[!*lx, *ly, diff]);
        }
        diffs.push(diff);
        for (cx, lx) in &x.classes {
            for (cy, ly) in &y.classes {
                let ok = match (fact_rank(p, &x.id, cx), fact_rank(p, &x.id, cy)) {
                    (Some(r), Some(s)) => s >= r && (r != s || cx == cy),
                    _ => cx == cy,
                };
                if !ok {
                    cnf.clause(&[!*lx, !*ly]);
                }
            }
        }
    }
    diffs
}

/// The same membership, dates and as-of date in both copies.
fn same_membership(cnf: &mut Cnf, a: &Domain, b: &Domain) {
    for ((_, lx), (_, ly)) in a.held.iter().zip(&b.held) {
        cnf.implies(*lx, *ly);
        cnf.implies(*ly, *lx);
    }
    for (lx, ly) in [(a.renewed, b.renewed), (a.dated, b.dated)] {
        cnf.implies(lx, ly);
        cnf.implies(ly, lx);
    }
    for x in &a.atoms {
        if let Some(y) = b.atoms.iter().find(|y| y.var == x.var && y.op == x.op) {
            cnf.implies(x.lit, y.lit);
            cnf.implies(y.lit, x.lit);
        }
    }
}

/// What the improvement in a counterexample pair changed: an answer or a fact.
fn what_improved(found: &[Assessment]) -> &'static str {
    match found {
        [x, y]
            if x.answers().count() != y.answers().count()
                || x.answers()
                    .any(|(id, ans)| y.answer(id.as_str()) != Some(ans)) =>
        {
            "answer"
        }
        _ => "fact",
    }
}

/// The pair found as a broken law: the original and the improved one.
fn broken_pair(found: Vec<Assessment>, message: String) -> Option<Broken> {
    let mut it = found.into_iter();
    Some(Broken {
        counterexample: it.next()?,
        improved: it.next(),
        later: None,
        message,
    })
}

/// A lower level: the improved copy `b` at a level below the original's.
fn lowered_level(
    cnf: &mut Cnf,
    p: &Policy,
    [a, b]: [&Copy; 2],
    cost: &mut Shrinker,
) -> Option<Broken> {
    for (l, level) in p.levels.iter().enumerate() {
        let Some(&ra) = a.c.reached.get(l) else {
            continue;
        };
        let lower: Vec<Lit> =
            b.c.reached
                .iter()
                .take(l)
                .copied()
                .chain([b.c.no_level])
                .collect();
        let lower = cnf.or_lits(&lower);
        let assume = [a.c.valid, b.c.valid, ra, lower];
        if let Some(found) = solve_real(cnf, &[a, b], &assume, cost) {
            let message = format!(
                "improving one {} lowered the level from `{}`",
                what_improved(&found),
                level.id()
            );
            return broken_pair(found, message);
        }
    }
    None
}

/// A benefit the original copy `a` has and the improved copy `b` lacks.
fn removed_benefit(
    cnf: &mut Cnf,
    p: &Policy,
    [a, b]: [&Copy; 2],
    cost: &mut Shrinker,
) -> Option<Broken> {
    for (bi, benefit) in p.benefits.iter().enumerate() {
        let (Some((ga, _)), Some((gb, _))) = (a.c.benefits.get(bi), b.c.benefits.get(bi)) else {
            continue;
        };
        let assume = [a.c.valid, b.c.valid, *ga, !*gb];
        if let Some(found) = solve_real(cnf, &[a, b], &assume, cost) {
            let message = format!(
                "improving one {} removed benefits: {}",
                what_improved(&found),
                benefit.id()
            );
            return broken_pair(found, message);
        }
    }
    None
}

/// "A later as-of date never extends a recorded term": one assessment
/// holding a level, as of two dates, the second later. The encoding sees a
/// date only through whether it is reached on the as-of date, and with a
/// level held the end of the term and a reversion count from the dates
/// recorded, so the law asks what a term extended would show: expired on
/// the first date and a level applying on the second; a level held
/// reverted on the first date, and qualified for but not reverted on the
/// second. Every comparison of a recorded date with the later as-of date
/// holds where it holds with the earlier one (each is monotone in the
/// as-of date), which is all the formula knows of the two dates; a model
/// is realised by real dates before it is reported, and one no dates
/// searched realise leaves the law undecided, never proved.
pub(crate) fn terms_never_extend(p: &Policy) -> Option<Broken> {
    terms_query(p, true)
}

/// [`terms_never_extend`], with the second date later (`ordered`) or, to
/// show that the proof rests on that order, any date.
fn terms_query(p: &Policy, ordered: bool) -> Option<Broken> {
    let mut cnf = Cnf::new(false);
    let mut d = Domain::new(&mut cnf, [p, p]);
    let c = encode::circuit(&mut cnf, &mut d, p);
    let mut d2 = d.dated_again(&mut cnf);
    let c2 = encode::circuit(&mut cnf, &mut d2, p);
    if ordered {
        later_as_of(&mut cnf, &d, &d2);
    }
    if let Some(b) = too_large(&cnf) {
        return Some(b);
    }
    let (x, y) = (Copy { d, c }, Copy { d: d2, c: c2 });
    let mut cost = Shrinker::new(stated(&x.d));
    let base = [x.c.valid, x.d.dated, y.d.dated, x.d.held_any()];
    for (question, message) in terms_questions(p, &x, &y) {
        let mut assume = base.to_vec();
        assume.extend(question);
        let Some(m) = cnf.solve(&assume) else {
            continue;
        };
        let m = cost.minimal(&mut cnf, &assume, m);
        return Some(match super::dates_of_two(&x.d, &y.d, &m) {
            Some((first, second)) => Broken {
                counterexample: super::assessment_of(&x.d, &m, &first),
                improved: None,
                later: Some(super::assessment_of(&y.d, &m, &second)),
                message,
            },
            None => Broken {
                counterexample: Assessment::new("none"),
                improved: None,
                later: None,
                message: format!(
                    "the law is not decided: the solver found a model ({message}) that no two dates searched realise"
                ),
            },
        });
    }
    None
}

/// What a term extended by a later date shows, for `x` as of the first
/// date and `y` as of the later one: the assumptions, and what they mean.
fn terms_questions(p: &Policy, x: &Copy, y: &Copy) -> Vec<(Vec<Lit>, String)> {
    let mut questions: Vec<(Vec<Lit>, String)> = vec![(
        vec![x.c.expired, !y.c.no_level],
        "the membership expired as of the first date, and a level applies again as of the later one".to_owned(),
    )];
    for (l, level) in p.levels.iter().enumerate() {
        // A level whose `reentry` wait ends is granted again on a later
        // date, anew (from that date, not from the record): the policy's
        // rule, not a recorded term extended. Its reversion can only end
        // that way (the reversion's own comparison holds on the later date
        // too), so it asks nothing.
        if level
            .time_limit()
            .is_some_and(|t| matches!(t.reentry, crate::model::policy::Reentry::After(_)))
        {
            continue;
        }
        let (Some(held), Some(&r1), Some(&q2), Some(&r2)) = (
            x.d.held_is(level.id().as_str()),
            x.c.reverted.get(l),
            y.c.qualified.get(l),
            y.c.reverted.get(l),
        ) else {
            continue;
        };
        questions.push((
            vec![held, r1, q2, !r2],
            format!(
                "`{}`, held, reverted as of the first date but not as of the later one",
                level.id()
            ),
        ));
    }
    questions
}

/// The second copy is as of a later date: each comparison of a recorded
/// date that holds as of the first date holds as of the second.
fn later_as_of(cnf: &mut Cnf, first: &Domain, second: &Domain) {
    for a in first.atoms.iter().filter(|a| a.var != DateVar::AsOf) {
        if let Some(b) = second.atoms.iter().find(|b| b.var == a.var && b.op == a.op) {
            cnf.implies(a.lit, b.lit);
        }
    }
}

/// Models of `p` reaching each level (the first for no level), minimal:
/// seeds for generated assessments that reach every level. Undated.
pub(crate) fn level_seeds(p: &Policy) -> Vec<Assessment> {
    let mut cnf = Cnf::new(false);
    let x = copy(&mut cnf, p);
    let mut cost = Shrinker::new(stated(&x.d));
    let mut out = Vec::new();
    let mut targets = vec![x.c.no_level];
    targets.extend(x.c.reached.iter().copied());
    for t in targets {
        let assume = [x.c.valid, !x.d.dated, t];
        if let Some(found) = solve_real(&mut cnf, &[&x], &assume, &mut cost) {
            out.extend(found);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> crate::tools::catalog::Catalog {
        crate::tools::catalog::Catalog::builtin().unwrap()
    }

    #[test]
    fn the_time_law_is_proved_for_every_shipped_policy() {
        let catalog = catalog();
        for p in catalog.policies() {
            if let Some(b) = terms_never_extend(p) {
                panic!("{p}: {}", b.message);
            }
        }
        // Among them a renewal term and a transitional level to prove it of.
        assert!(catalog.policies().any(|p| p.renewal().is_some()));
        assert!(
            catalog
                .policies()
                .any(|p| p.levels().iter().any(|l| l.time_limit().is_some()))
        );
    }

    /// Without the order of the two dates the formula has models (a term
    /// ended on one date and not on the other), which no dates realise: the
    /// proof rests on that order, and a model never counts as a proof.
    #[test]
    fn without_the_order_of_the_dates_the_time_law_is_not_proved() {
        let catalog = catalog();
        let p = catalog.policies().find(|p| p.renewal().is_some()).unwrap();
        let b = terms_query(p, false).expect("a model without the order");
        assert!(
            b.message.starts_with("the law is not decided"),
            "{}",
            b.message
        );
    }
}
