//! Both policies' decisions over one symbolic assessment.
//!
//! Every answer, fact, the level held and its dates, and the date
//! evaluated as of, become finitely many classes: an item's answer is
//! unanswered, met, not met (in progress evaluates the same), not
//! applicable, or a number from a finite list; a number is cut at every
//! constant either policy compares it with (thresholds, bounds, fact
//! values), with the constant itself and three points in each interval
//! between, so that an answer can lie below, at or above a declared
//! minimum in the same interval; a date enters only through whether some
//! date plus a period reaches the as-of date ([`super::time`]), and those
//! comparisons are free bits whose every combination a model uses is
//! realised by real dates before it is reported. The requirements of each
//! policy are then the rules of [`crate::logic`] applied to literals.

use crate::base::date::Period;
use crate::base::value::Value;
use crate::model::logic::{self, Bits, Tri};
use crate::model::policy::{FactType, Policy, Reentry};
use crate::model::requirement::{FactTest, ItemRule, Req, Requirement, WhenNoneApply};
use crate::tools::exact::cnf::{Cnf, Lit};
use crate::tools::exact::time::{Atom, DateVar, Op};

/// What an item may be answered, as one class of the analysis.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum ItemClass {
    Unanswered,
    Met,
    NotMet,
    NotApplicable,
    Number(f64),
}

/// What a fact may be given as.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum FactClass {
    Absent,
    Bool(bool),
    Text(String),
    Number(f64),
    /// A date; which one, the time atoms decide.
    Date,
}

/// One item of either policy: its classes and their one-hot literals.
#[derive(Clone)]
pub(crate) struct ItemDim {
    pub id: String,
    pub classes: Vec<(ItemClass, Lit)>,
}

/// One fact of either policy.
#[derive(Clone)]
pub(crate) struct FactDim {
    pub id: String,
    pub classes: Vec<(FactClass, Lit)>,
}

impl ItemDim {
    pub(crate) fn unanswered(&self) -> Lit {
        self.classes.first().map_or(Lit(1), |c| c.1)
    }
}

impl FactDim {
    pub(crate) fn absent(&self) -> Lit {
        self.classes.first().map_or(Lit(1), |c| c.1)
    }
}

/// What of one dimension a policy refuses.
pub(crate) struct Refusal {
    /// The YAML path of the dimension.
    pub name: String,
    /// The dimension holds a class the policy refuses.
    pub lit: Lit,
    /// Those classes: two policies that refuse the same classes of a
    /// dimension cannot differ there.
    pub bad: Vec<Lit>,
}

/// The symbolic assessment shared by both policies.
pub(crate) struct Domain {
    pub items: Vec<ItemDim>,
    pub facts: Vec<FactDim>,
    /// The level held: `None` first, then every level id of either policy.
    pub held: Vec<(Option<String>, Lit)>,
    /// Whether a renewal date is recorded (with a level held).
    pub renewed: Lit,
    /// Whether the assessment is evaluated as of a date.
    pub dated: Lit,
    /// The date comparisons used so far.
    pub atoms: Vec<Atom>,
    item_index: crate::base::hash::Map<String, usize>,
    fact_index: crate::base::hash::Map<String, usize>,
}

/// One policy's decision over the domain.
pub(crate) struct Circuit {
    /// The assessment loads and binds under the policy.
    pub valid: Lit,
    /// Per dimension (items, then facts, then the level held, in the
    /// domain's order): not accepted.
    pub refused: Vec<Refusal>,
    /// Whether each level's requirements are met, by level index.
    #[cfg_attr(not(feature = "testing"), allow(dead_code))]
    pub met: Vec<Lit>,
    /// The highest level met, by level index, before any reversion.
    #[cfg_attr(not(feature = "testing"), allow(dead_code))]
    pub qualified: Vec<Lit>,
    /// The level held, qualified for, has reverted on the date (its time
    /// limit reached), by level index.
    #[cfg_attr(not(feature = "testing"), allow(dead_code))]
    pub reverted: Vec<Lit>,
    /// The term has ended on the date, with a level held that applies.
    #[cfg_attr(not(feature = "testing"), allow(dead_code))]
    pub expired: Lit,
    /// The level that applies, by the policy's level index.
    pub reached: Vec<Lit>,
    pub no_level: Lit,
    /// Due for renewal on the date.
    pub due: Lit,
    /// Per benefit of the policy: granted, and with priority.
    pub benefits: Vec<(Lit, Lit)>,
}

/// The numbers worth trying between and at `cuts`.
fn points(cuts: &mut Vec<f64>) -> Vec<f64> {
    cuts.retain(|c| c.is_finite());
    cuts.sort_by(f64::total_cmp);
    cuts.dedup();
    let mut out = Vec::new();
    match (cuts.first(), cuts.last()) {
        (Some(&lo), Some(&hi)) => {
            out.extend([lo - 3.0, lo - 2.0, lo - 1.0]);
            for w in cuts.windows(2) {
                if let [a, b] = *w {
                    out.push(a);
                    // Three points strictly between, integers where they fit.
                    if a.fract() == 0.0 && b.fract() == 0.0 && b - a >= 4.0 {
                        out.extend([a + 1.0, a + 2.0, a + 3.0]);
                    } else {
                        let step = (b - a) / 4.0;
                        out.extend([a + step, a + 2.0 * step, a + 3.0 * step]);
                    }
                }
            }
            out.extend([hi, hi + 1.0, hi + 2.0, hi + 3.0]);
        }
        _ => out.extend([0.0, 1.0, 2.0]),
    }
    out.dedup();
    out
}

/// The numbers a fact is compared with in a requirement.
fn fact_constants(r: &Requirement, fact: usize, out: &mut Vec<f64>) {
    walk(r, &mut |req| {
        if let Req::Fact { fact: f, test, .. } = &req.kind
            && *f == fact
        {
            match test {
                FactTest::Equals(Value::Number(n)) => out.push(*n),
                FactTest::OneOf(list) => out.extend(list.iter().filter_map(|v| match v {
                    Value::Number(n) => Some(*n),
                    _ => None,
                })),
                FactTest::Range(lo, hi) => out.extend(lo.iter().chain(hi.iter())),
                FactTest::Equals(_) => {}
            }
        }
    });
}

/// Visits a requirement and those nested in it, without recursion on the
/// nesting (an explicit stack).
pub(crate) fn walk(r: &Requirement, f: &mut dyn FnMut(&Requirement)) {
    let mut stack = vec![r];
    while let Some(req) = stack.pop() {
        f(req);
        match &req.kind {
            Req::All(list) | Req::AtLeast(_, list) => stack.extend(list.iter()),
            Req::Not(inner) => stack.push(inner),
            _ => {}
        }
    }
}

fn all_requirements(p: &Policy) -> impl Iterator<Item = &Requirement> {
    p.levels.iter().flat_map(|l| l.requires.iter())
}

impl Domain {
    /// The assessment space of both policies, as one-hot classes.
    pub(crate) fn new(cnf: &mut Cnf, policies: [&Policy; 2]) -> Self {
        // Facts first: their numbers are shared with the items they declare
        // thresholds for.
        let fact_ids = fact_ids(policies);
        let mut fact_numbers = fact_numbers(policies, &fact_ids);
        let declared = declared_items(policies, &fact_ids);
        let item_cuts = share_cuts(policies, &declared, &mut fact_numbers);
        let facts = fact_dims(cnf, policies, &fact_ids, &fact_numbers);
        let items = item_dims(cnf, policies, &item_cuts);
        let held = held_dim(cnf, policies);
        let renewed = cnf.var_preferring(false);
        let dated = cnf.var_preferring(false);
        // A renewal is recorded only with a level held.
        if let Some((_, none)) = held.first() {
            cnf.clause(&[!renewed, !*none]);
        }
        let item_index = items
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.clone(), i))
            .collect();
        let fact_index = facts
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.clone(), i))
            .collect();
        Domain {
            items,
            facts,
            held,
            renewed,
            dated,
            atoms: Vec::new(),
            item_index,
            fact_index,
        }
    }

    /// The same assessment as of another date: the answers, facts, level
    /// held and its dates are this domain's literals; whether it is dated,
    /// and every comparison with the date, are new.
    #[cfg(feature = "testing")]
    pub(crate) fn dated_again(&self, cnf: &mut Cnf) -> Domain {
        Domain {
            items: self.items.clone(),
            facts: self.facts.clone(),
            held: self.held.clone(),
            renewed: self.renewed,
            dated: cnf.var_preferring(false),
            atoms: Vec::new(),
            item_index: self.item_index.clone(),
            fact_index: self.fact_index.clone(),
        }
    }

    fn item(&self, id: &str) -> Option<&ItemDim> {
        self.item_index.get(id).and_then(|&i| self.items.get(i))
    }

    fn fact(&self, id: &str) -> Option<&FactDim> {
        self.fact_index.get(id).and_then(|&i| self.facts.get(i))
    }

    /// The literal of "the level held is `id`".
    pub(crate) fn held_is(&self, id: &str) -> Option<Lit> {
        self.held
            .iter()
            .find(|(x, _)| x.as_deref() == Some(id))
            .map(|h| h.1)
    }

    pub(crate) fn held_any(&self) -> Lit {
        self.held.first().map_or(Lit(1), |h| !h.1)
    }

    /// Whether a date variable has a value.
    fn present(&self, cnf: &mut Cnf, var: DateVar) -> Lit {
        match var {
            DateVar::AsOf => cnf.truth(),
            DateVar::Granted => self.held_any(),
            DateVar::Renewed => self.renewed,
            DateVar::Fact(i) => self.facts.get(i).map_or(!cnf.truth(), |d| !d.absent()),
        }
    }

    /// The literal of a date comparison, made once for each.
    pub(crate) fn atom(&mut self, cnf: &mut Cnf, var: DateVar, op: Op) -> Lit {
        if let Some(a) = self.atoms.iter().find(|a| a.var == var && a.op == op) {
            return a.lit;
        }
        let lit = cnf.var();
        // Only meaningful when dated and the date is given; false otherwise,
        // so that a model says nothing it does not need.
        let present = self.present(cnf, var);
        cnf.implies(lit, self.dated);
        cnf.implies(lit, present);
        if var == DateVar::AsOf
            && let Some(value) = crate::tools::exact::time::constant_on_as_of(op)
        {
            let fixed = if value { self.dated } else { !cnf.truth() };
            cnf.clause(&[!lit, fixed]);
            cnf.clause(&[lit, !fixed]);
        }
        // Sound orderings between comparisons of the same date: a later
        // date reached with a longer period implies the shorter one.
        for other in self.atoms.iter().filter(|a| a.var == var) {
            match op.implies(other.op) {
                Some(true) => cnf.implies(lit, other.lit),
                _ => {
                    if other.op.implies(op) == Some(true) {
                        cnf.implies(other.lit, lit);
                    }
                }
            }
        }
        self.atoms.push(Atom { var, op, lit });
        lit
    }
}

/// The fact ids of both policies, each once, in the order first declared.
fn fact_ids(policies: [&Policy; 2]) -> Vec<String> {
    let mut fact_ids: Vec<String> = Vec::new();
    for p in policies {
        for f in &p.facts {
            if !fact_ids.iter().any(|x| x == f.id().as_str()) {
                fact_ids.push(f.id().to_string());
            }
        }
    }
    fact_ids
}

/// Per fact id, the numbers either policy bounds it by or compares it with.
fn fact_numbers(policies: [&Policy; 2], fact_ids: &[String]) -> Vec<Vec<f64>> {
    let mut fact_numbers: Vec<Vec<f64>> = vec![Vec::new(); fact_ids.len()];
    for p in policies {
        for (fi, f) in p.facts.iter().enumerate() {
            let Some(at) = fact_ids.iter().position(|x| x == f.id().as_str()) else {
                continue;
            };
            let Some(cuts) = fact_numbers.get_mut(at) else {
                continue;
            };
            if let FactType::Number { min, max, .. } = &f.ty {
                cuts.extend(min.iter().chain(max.iter()));
            }
            for r in all_requirements(p) {
                fact_constants(r, fi, cuts);
            }
        }
    }
    fact_numbers
}

/// The items whose minimum a fact declares in either version, with those
/// facts (as positions in `fact_ids`).
fn declared_items(policies: [&Policy; 2], fact_ids: &[String]) -> Vec<(String, Vec<usize>)> {
    let mut out: Vec<(String, Vec<usize>)> = Vec::new();
    for p in policies {
        for item in &p.items {
            let Some(fi) = item.threshold().and_then(|t| t.declared_by_index) else {
                continue;
            };
            let Some(at) = p
                .facts
                .get(fi)
                .and_then(|f| fact_ids.iter().position(|x| x == f.id().as_str()))
            else {
                continue;
            };
            match out.iter_mut().find(|(id, _)| id == item.id().as_str()) {
                Some((_, facts)) if !facts.contains(&at) => facts.push(at),
                Some(_) => {}
                None => out.push((item.id().to_string(), vec![at])),
            }
        }
    }
    out
}

/// A fact that declares an item's minimum is compared with the item's
/// answer: both must take their values from the same points, cut at every
/// constant either is compared with in either version (the item's own
/// threshold too, where the other version does not let the program declare
/// it), so that in every interval an answer can lie below, at or above the
/// declared minimum. An item declared by different facts in the two
/// versions joins their sets; repeated until no set grows. Returns the cuts
/// of each declared item, and widens the facts' cuts in place.
fn share_cuts(
    policies: [&Policy; 2],
    declared: &[(String, Vec<usize>)],
    fact_numbers: &mut [Vec<f64>],
) -> Vec<(String, Vec<f64>)> {
    let mut item_cuts: Vec<(String, Vec<f64>)> = Vec::new();
    for _ in 0..=fact_numbers.len() {
        let mut grew = false;
        for (id, facts_of) in declared {
            let mut all: Vec<f64> = policies
                .iter()
                .filter_map(|p| p.item(id).and_then(|i| i.threshold()).map(|t| t.at_least))
                .collect();
            for &f in facts_of {
                all.extend(fact_numbers.get(f).into_iter().flatten());
            }
            all.sort_by(f64::total_cmp);
            all.dedup();
            for &f in facts_of {
                if let Some(cuts) = fact_numbers.get_mut(f) {
                    cuts.sort_by(f64::total_cmp);
                    cuts.dedup();
                    if *cuts != all {
                        cuts.clone_from(&all);
                        grew = true;
                    }
                }
            }
            match item_cuts.iter_mut().find(|(x, _)| x == id) {
                Some((_, c)) => c.clone_from(&all),
                None => item_cuts.push((id.clone(), all)),
            }
        }
        if !grew {
            break;
        }
    }
    item_cuts
}

/// `n` one-hot literals, the first preferred (the solver tries
/// "unanswered" or "absent" first).
fn one_hot(cnf: &mut Cnf, n: usize) -> Vec<Lit> {
    let lits: Vec<Lit> = (0..n).map(|i| cnf.var_preferring(i == 0)).collect();
    cnf.exactly_one(&lits);
    lits
}

/// The fact dimensions: every value class either policy's type allows.
fn fact_dims(
    cnf: &mut Cnf,
    policies: [&Policy; 2],
    fact_ids: &[String],
    fact_numbers: &[Vec<f64>],
) -> Vec<FactDim> {
    let mut facts = Vec::new();
    for (at, id) in fact_ids.iter().enumerate() {
        let mut classes: Vec<FactClass> = vec![FactClass::Absent];
        let mut push = |c: FactClass| {
            if !classes.contains(&c) {
                classes.push(c);
            }
        };
        for p in policies {
            let Some(f) = p.facts.iter().find(|f| f.id().as_str() == id) else {
                continue;
            };
            match &f.ty {
                FactType::Boolean => {
                    push(FactClass::Bool(false));
                    push(FactClass::Bool(true));
                }
                FactType::Choice(values) => {
                    values.iter().for_each(|v| push(FactClass::Text(v.clone())))
                }
                FactType::Date => push(FactClass::Date),
                FactType::Number { .. } => {
                    let mut cuts = fact_numbers.get(at).cloned().unwrap_or_default();
                    for n in points(&mut cuts) {
                        push(FactClass::Number(n));
                    }
                }
            }
        }
        let lits = one_hot(cnf, classes.len());
        facts.push(FactDim {
            id: id.clone(),
            classes: classes.into_iter().zip(lits).collect(),
        });
    }
    facts
}

/// The item dimensions: every answer class either policy accepts, numbers
/// at the points of the item's cuts.
fn item_dims(
    cnf: &mut Cnf,
    policies: [&Policy; 2],
    item_cuts: &[(String, Vec<f64>)],
) -> Vec<ItemDim> {
    let mut item_ids: Vec<String> = Vec::new();
    let mut seen: crate::base::hash::Map<&str, ()> = crate::base::hash::Map::default();
    for p in policies {
        for it in &p.items {
            if seen.insert(it.id().as_str(), ()).is_none() {
                item_ids.push(it.id().to_string());
            }
        }
    }
    let mut items = Vec::new();
    for id in &item_ids {
        let mut classes = vec![ItemClass::Unanswered, ItemClass::NotMet];
        let mut cuts: Vec<f64> = Vec::new();
        for p in policies {
            let Some(it) = p.item(id) else { continue };
            if it.allows_not_applicable() && !classes.contains(&ItemClass::NotApplicable) {
                classes.push(ItemClass::NotApplicable);
            }
            match it.threshold() {
                None => {
                    if !classes.contains(&ItemClass::Met) {
                        classes.push(ItemClass::Met);
                    }
                }
                Some(t) => {
                    cuts.push(t.at_least);
                    // Declared by a fact in some version: the points
                    // shared with that fact.
                    if let Some((_, shared)) = item_cuts.iter().find(|(x, _)| x == id) {
                        cuts.clone_from(shared);
                    }
                }
            }
        }
        if !cuts.is_empty() {
            for n in points(&mut cuts) {
                classes.push(ItemClass::Number(n));
            }
        }
        let lits = one_hot(cnf, classes.len());
        items.push(ItemDim {
            id: id.clone(),
            classes: classes.into_iter().zip(lits).collect(),
        });
    }
    items
}

/// The level held: `None` first, then every level id of either policy,
/// exactly one.
fn held_dim(cnf: &mut Cnf, policies: [&Policy; 2]) -> Vec<(Option<String>, Lit)> {
    let mut held: Vec<(Option<String>, Lit)> = vec![(None, cnf.var())];
    for p in policies {
        for l in &p.levels {
            if !held
                .iter()
                .any(|(x, _)| x.as_deref() == Some(l.id().as_str()))
            {
                held.push((Some(l.id().to_string()), cnf.var()));
            }
        }
    }
    let held_lits: Vec<Lit> = held.iter().map(|h| h.1).collect();
    cnf.exactly_one(&held_lits);
    held
}

/// Builds one policy's decision over the domain.
pub(crate) fn circuit(cnf: &mut Cnf, d: &mut Domain, p: &Policy) -> Circuit {
    let mut refused = refused_items(cnf, d, p);
    let item_bits = item_bits(cnf, d, p);
    refused.extend(refused_facts(cnf, d, p));
    refused.push(refused_held(cnf, d, p));
    let bad: Vec<Lit> = refused.iter().map(|r| r.lit).collect();
    let valid = !cnf.or(&bad);
    let met = levels_met(cnf, d, p, &item_bits);
    let qualified = highest_met(cnf, &met);
    // Time: reversion of a transitional level, then the renewal term.
    let (after, reverted) = after_reversion(cnf, d, p, &qualified);
    let (expired, due) = renewal_terms(cnf, d, p, &after);
    let reached: Vec<Lit> = after.iter().map(|a| cnf.and(&[*a, !expired])).collect();
    let no_level = !cnf.or(&reached);
    let benefits = benefits(cnf, p, &reached);
    Circuit {
        valid,
        refused,
        met,
        qualified,
        reverted,
        expired,
        reached,
        no_level,
        due,
        benefits,
    }
}

/// A dimension refused when it holds one of the classes `bad`.
fn refusal(cnf: &mut Cnf, name: String, bad: Vec<Lit>) -> Refusal {
    let lit = cnf.or(&bad);
    Refusal { name, lit, bad }
}

/// Per item dimension, the answers the policy refuses: every answer to an
/// item it does not have, and the classes its item does not accept.
fn refused_items(cnf: &mut Cnf, d: &Domain, p: &Policy) -> Vec<Refusal> {
    let mut refused = Vec::with_capacity(d.items.len());
    for dim in &d.items {
        let Some(it) = p.item(&dim.id) else {
            // Unknown here: only "unanswered" is accepted.
            let bad = dim.classes.iter().skip(1).map(|c| c.1).collect();
            refused.push(refusal(cnf, format!("answers[{}]", dim.id), bad));
            continue;
        };
        let bad: Vec<Lit> = dim
            .classes
            .iter()
            .filter(|(c, _)| match c {
                ItemClass::Unanswered | ItemClass::NotMet => false,
                ItemClass::Met => it.threshold().is_some(),
                ItemClass::Number(_) => it.threshold().is_none(),
                ItemClass::NotApplicable => !it.allows_not_applicable(),
            })
            .map(|c| c.1)
            .collect();
        refused.push(refusal(cnf, format!("answers[{}]", dim.id), bad));
    }
    refused
}

/// Per fact dimension, the values the policy refuses.
fn refused_facts(cnf: &mut Cnf, d: &Domain, p: &Policy) -> Vec<Refusal> {
    let mut refused = Vec::with_capacity(d.facts.len());
    for dim in &d.facts {
        let Some(f) = p.facts.iter().find(|f| f.id().as_str() == dim.id) else {
            let bad = dim.classes.iter().skip(1).map(|c| c.1).collect();
            refused.push(refusal(cnf, format!("facts[{}]", dim.id), bad));
            continue;
        };
        let bad: Vec<Lit> = dim
            .classes
            .iter()
            .filter(|(c, _)| !fits(&f.ty, c))
            .map(|c| c.1)
            .collect();
        refused.push(refusal(cnf, format!("facts[{}]", dim.id), bad));
    }
    refused
}

/// The level held must be one of this policy's.
fn refused_held(cnf: &mut Cnf, d: &Domain, p: &Policy) -> Refusal {
    let unknown_held: Vec<Lit> = d
        .held
        .iter()
        .filter(|(id, _)| id.as_deref().is_some_and(|id| p.level(id).is_none()))
        .map(|h| h.1)
        .collect();
    refusal(cnf, "assessment.membership.level".to_owned(), unknown_held)
}

/// Per item of the policy, by its index: met, not applicable, unanswered.
fn item_bits(cnf: &mut Cnf, d: &Domain, p: &Policy) -> Vec<(Lit, Lit, Lit)> {
    let mut item_bits: Vec<(Lit, Lit, Lit)> = Vec::with_capacity(p.items.len());
    for it in &p.items {
        let Some(dim) = d.item(it.id().as_str()) else {
            item_bits.push((!cnf.truth(), !cnf.truth(), cnf.truth()));
            continue;
        };
        let class = |c: &ItemClass| dim.classes.iter().find(|x| &x.0 == c).map(|x| x.1);
        let na = class(&ItemClass::NotApplicable).unwrap_or(!cnf.truth());
        let unanswered = dim.unanswered();
        let met = match it.threshold() {
            None => class(&ItemClass::Met).unwrap_or(!cnf.truth()),
            Some(t) => {
                let declared = t
                    .declared_by_index
                    .and_then(|fi| p.facts.get(fi))
                    .and_then(|f| d.fact(f.id().as_str()));
                reaches_minimum(cnf, dim, declared, t.at_least)
            }
        };
        item_bits.push((met, na, unanswered));
    }
    item_bits
}

/// Whether a numeric answer reaches the item's minimum: the value of the
/// fact that declares it where one is given, `at_least` otherwise.
fn reaches_minimum(cnf: &mut Cnf, dim: &ItemDim, declared: Option<&FactDim>, at_least: f64) -> Lit {
    let numbers: Vec<(f64, Lit)> = declared
        .map(|f| {
            f.classes
                .iter()
                .filter_map(|(c, l)| match c {
                    FactClass::Number(n) => Some((*n, *l)),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let any_declared = {
        let ls: Vec<Lit> = numbers.iter().map(|x| x.1).collect();
        cnf.or(&ls)
    };
    let mut ways = Vec::new();
    for (c, l) in &dim.classes {
        let ItemClass::Number(v) = c else { continue };
        let below: Vec<Lit> = numbers
            .iter()
            .filter(|(w, _)| *w <= *v)
            .map(|x| x.1)
            .collect();
        let by_declared = cnf.or(&below);
        let by_default = if *v >= at_least {
            !any_declared
        } else {
            !cnf.truth()
        };
        let reaches = cnf.or(&[by_declared, by_default]);
        ways.push(cnf.and(&[*l, reaches]));
    }
    cnf.or(&ways)
}

/// Whether each level's requirements are met, by level index; levels are
/// encoded in an order where a level comes after those it names.
fn levels_met(
    cnf: &mut Cnf,
    d: &mut Domain,
    p: &Policy,
    item_bits: &[(Lit, Lit, Lit)],
) -> Vec<Lit> {
    let mut levels: Vec<Option<Tri<Lit>>> = vec![None; p.levels.len()];
    for &l in &p.level_order {
        let Some(level) = p.levels.get(l) else {
            continue;
        };
        let reqs: Vec<Tri<Lit>> = level
            .requires
            .iter()
            .map(|r| requirement(cnf, d, p, r, item_bits, &levels))
            .collect();
        let n = reqs.len();
        let t = logic::at_least(cnf, n, &reqs);
        if let Some(slot) = levels.get_mut(l) {
            *slot = Some(t);
        }
    }
    levels
        .iter()
        .map(|t| t.map_or(!cnf.truth(), |t| t.met))
        .collect()
}

/// Per level: it is the highest level met.
fn highest_met(cnf: &mut Cnf, met: &[Lit]) -> Vec<Lit> {
    let mut qualified = Vec::with_capacity(met.len());
    for (l, m) in met.iter().enumerate() {
        let mut all = vec![*m];
        all.extend(met.iter().skip(l + 1).map(|x| !*x));
        qualified.push(cnf.and(&all));
    }
    qualified
}

/// Per level: it applies once a transitional level held past its time
/// limit has reverted (to this level, or away from it); and per level,
/// whether it has reverted.
fn after_reversion(
    cnf: &mut Cnf,
    d: &mut Domain,
    p: &Policy,
    qualified: &[Lit],
) -> (Vec<Lit>, Vec<Lit>) {
    let dated = d.dated;
    let mut reverted: Vec<Lit> = Vec::with_capacity(p.levels.len());
    for (l, level) in p.levels.iter().enumerate() {
        let q = qualified.get(l).copied().unwrap_or(!cnf.truth());
        let r = match (level.time_limit(), d.held_is(level.id().as_str())) {
            (Some(limit), Some(held)) => {
                let up = d.atom(cnf, DateVar::Granted, Op::PlusReaches(limit.after));
                match limit.reentry {
                    Reentry::Never => cnf.and(&[q, dated, held, up]),
                    // Past its wait too, the level is granted again.
                    Reentry::After(wait) => {
                        let again = d.atom(
                            cnf,
                            DateVar::Granted,
                            Op::PlusPlusReaches(limit.after, wait),
                        );
                        cnf.and(&[q, dated, held, up, !again])
                    }
                }
            }
            _ => !cnf.truth(),
        };
        reverted.push(r);
    }
    let mut after: Vec<Lit> = Vec::with_capacity(p.levels.len());
    for (l, _) in p.levels.iter().enumerate() {
        let q = qualified.get(l).copied().unwrap_or(!cnf.truth());
        let r = reverted.get(l).copied().unwrap_or(!cnf.truth());
        let stays = cnf.and(&[q, !r]);
        let mut ways = vec![stays];
        for (l2, level2) in p.levels.iter().enumerate() {
            if level2.time_limit().and_then(|t| t.reverts_to_index) == Some(l) {
                ways.push(reverted.get(l2).copied().unwrap_or(!cnf.truth()));
            }
        }
        after.push(cnf.or(&ways));
    }
    (after, reverted)
}

/// The renewal terms of a policy: (expired, due for renewal), given the
/// level that applies (`after`, one literal per level), as
/// `eval::membership` works them out: a recorded membership ends with its
/// record's term (the renewal of the level held, [`Policy::term_of`], or
/// the policy's where it has none), whatever level applies; before that, a
/// level with no term is never due, and a level newly granted (nothing
/// held, or, where the term restarts on promotion, a level held below it)
/// counts its own term from the as-of date.
fn renewal_terms(cnf: &mut Cnf, d: &mut Domain, p: &Policy, after: &[Lit]) -> (Lit, Lit) {
    let dated = d.dated;
    let held_any = d.held_any();
    let no = !cnf.truth();
    let mut held: Vec<Lit> = Vec::with_capacity(p.levels.len());
    let mut ended: Vec<Lit> = Vec::with_capacity(p.levels.len());
    let mut open: Vec<Lit> = Vec::with_capacity(p.levels.len());
    for level in &p.levels {
        let h = d.held_is(level.id().as_str()).unwrap_or(no);
        held.push(h);
        if let Some(r) = p.term_of(level).or(p.renewal()) {
            let e = recorded(cnf, d, Op::PlusReaches(r.every));
            ended.push(cnf.and(&[h, e]));
            let w = recorded(cnf, d, Op::PlusMinusReaches(r.every, r.window));
            open.push(cnf.and(&[h, w]));
        }
    }
    let any = cnf.or(after);
    let record_ended = cnf.or(&ended);
    let expired = cnf.and(&[dated, any, record_ended]);
    let record_open = cnf.or(&open);
    let mut due_any = Vec::with_capacity(p.levels.len());
    for (l, level) in p.levels.iter().enumerate() {
        let Some(own) = p.term_of(level) else {
            continue;
        };
        let applies = after.get(l).copied().unwrap_or(no);
        let promoted = if p.term_restarts_on_promotion() {
            cnf.or(held.get(..l).unwrap_or_default())
        } else {
            no
        };
        let held_due = cnf.and(&[held_any, !promoted, record_open]);
        let fresh = cnf.or(&[!held_any, promoted]);
        let due_new = d.atom(
            cnf,
            DateVar::AsOf,
            Op::PlusMinusReaches(own.every, own.window),
        );
        let new_due = cnf.and(&[fresh, due_new]);
        let opens = cnf.or(&[held_due, new_due]);
        due_any.push(cnf.and(&[dated, applies, opens]));
    }
    let opens = cnf.or(&due_any);
    let due = cnf.and(&[!expired, opens]);
    (expired, due)
}

/// "The date recorded (the last renewal, else the grant) `op` the as-of date".
fn recorded(cnf: &mut Cnf, d: &mut Domain, op: Op) -> Lit {
    let by_renewal = d.atom(cnf, DateVar::Renewed, op);
    let by_grant = d.atom(cnf, DateVar::Granted, op);
    let a = cnf.and(&[d.renewed, by_renewal]);
    let b = cnf.and(&[!d.renewed, by_grant]);
    cnf.or(&[a, b])
}

/// Per benefit of the policy: granted (to a level reached), and with
/// priority (from the level it names up).
fn benefits(cnf: &mut Cnf, p: &Policy, reached: &[Lit]) -> Vec<(Lit, Lit)> {
    p.benefits
        .iter()
        .map(|b| {
            let to: Vec<Lit> = reached
                .iter()
                .zip(&b.granted_to)
                .filter(|(_, g)| **g)
                .map(|(l, _)| *l)
                .collect();
            let granted = cnf.or(&to);
            let priority = match &b.priority_from {
                None => !cnf.truth(),
                Some((_, from)) => {
                    let high: Vec<Lit> = reached
                        .iter()
                        .zip(&p.levels)
                        .filter(|(_, l)| l.rank() >= *from)
                        .map(|(r, _)| *r)
                        .collect();
                    let high = cnf.or(&high);
                    cnf.and(&[granted, high])
                }
            };
            (granted, priority)
        })
        .collect()
}

/// Whether a class is a value a fact of this type accepts.
fn fits(ty: &FactType, c: &FactClass) -> bool {
    match (ty, c) {
        (_, FactClass::Absent)
        | (FactType::Boolean, FactClass::Bool(_))
        | (FactType::Date, FactClass::Date) => true,
        (FactType::Choice(values), FactClass::Text(t)) => values.contains(t),
        (FactType::Number { min, max, .. }, FactClass::Number(n)) => {
            min.is_none_or(|m| *n >= m) && max.is_none_or(|m| *n <= m)
        }
        _ => false,
    }
}

/// One requirement as literals, by the rules of [`crate::logic`].
fn requirement(
    cnf: &mut Cnf,
    d: &mut Domain,
    p: &Policy,
    r: &Requirement,
    items: &[(Lit, Lit, Lit)],
    levels: &[Option<Tri<Lit>>],
) -> Tri<Lit> {
    let unknown = |cnf: &mut Cnf| Tri {
        met: !cnf.truth(),
        possible: cnf.truth(),
    };
    match &r.kind {
        Req::All(list) => {
            let ts: Vec<Tri<Lit>> = list
                .iter()
                .map(|c| requirement(cnf, d, p, c, items, levels))
                .collect();
            let n = ts.len();
            logic::at_least(cnf, n, &ts)
        }
        Req::AtLeast(n, list) => {
            let ts: Vec<Tri<Lit>> = list
                .iter()
                .map(|c| requirement(cnf, d, p, c, items, levels))
                .collect();
            logic::at_least(cnf, *n, &ts)
        }
        Req::Not(inner) => {
            let t = requirement(cnf, d, p, inner, items, levels);
            logic::not(cnf, t)
        }
        Req::Fact { fact, test, .. } => fact_tri(cnf, d, p, *fact, test),
        Req::Met(i) => match items.get(*i) {
            Some(&(m, na, u)) => logic::item(cnf, m, na, u),
            None => unknown(cnf),
        },
        Req::Items {
            items: set,
            rule,
            none,
            ..
        } => selection(cnf, set, *rule, *none, items),
        Req::Level(l) => levels
            .get(*l)
            .copied()
            .flatten()
            .unwrap_or_else(|| unknown(cnf)),
        Req::Held { level, period } => {
            let Some(target) = p.levels.get(*level) else {
                return unknown(cnf);
            };
            // Holding a level above counts; holding this one, long enough.
            let above: Vec<Lit> = p
                .levels
                .iter()
                .filter(|l| l.rank() > target.rank())
                .filter_map(|l| d.held_is(l.id().as_str()))
                .collect();
            let above = cnf.or(&above);
            let this = match d.held_is(target.id().as_str()) {
                Some(h) => {
                    let long = d.atom(cnf, DateVar::Granted, Op::PlusReaches(*period));
                    cnf.and(&[h, long])
                }
                None => !cnf.truth(),
            };
            let decided = cnf.and(&[d.dated, d.held_any()]);
            let holds = cnf.or(&[above, this]);
            let met = cnf.and(&[decided, holds]);
            Tri {
                met,
                possible: cnf.or(&[!decided, met]),
            }
        }
    }
}

/// A rule over the items `set` of a selection (`all_met`, `met_at_least`),
/// `none` deciding it when none of them applies.
fn selection(
    cnf: &mut Cnf,
    set: &[usize],
    rule: ItemRule,
    none: WhenNoneApply,
    items: &[(Lit, Lit, Lit)],
) -> Tri<Lit> {
    let of: Vec<(Lit, Lit, Lit)> = set.iter().filter_map(|i| items.get(*i).copied()).collect();
    logic::items(cnf, rule, none, &of)
}

/// A fact test as literals: the value given, or derived from a date.
fn fact_tri(cnf: &mut Cnf, d: &mut Domain, p: &Policy, fact: usize, test: &FactTest) -> Tri<Lit> {
    let Some(f) = p.facts.get(fact) else {
        return Tri {
            met: !cnf.truth(),
            possible: cnf.truth(),
        };
    };
    let Some(dim) = d.fact(f.id().as_str()) else {
        return Tri {
            met: !cnf.truth(),
            possible: cnf.truth(),
        };
    };
    let absent = dim.absent();
    let passing: Vec<Lit> = dim
        .classes
        .iter()
        .filter(|(c, _)| match c {
            FactClass::Bool(b) => test.holds(&Value::Bool(*b)),
            FactClass::Text(t) => test.holds(&Value::Text(t.clone())),
            FactClass::Number(n) => test.holds(&Value::Number(*n)),
            FactClass::Absent | FactClass::Date => false,
        })
        .map(|c| c.1)
        .collect();
    let given = cnf.or(&passing);
    let Some(src) = f.months_since else {
        return logic::given(cnf, given, absent);
    };
    let Some(src_dim) = p
        .facts
        .get(src)
        .and_then(|s| d.facts.iter().position(|x| x.id == s.id().as_str()))
    else {
        return logic::given(cnf, given, absent);
    };
    let src_given = d.facts.get(src_dim).map_or(!cnf.truth(), |x| !x.absent());
    let derived = cnf.and(&[absent, d.dated, src_given]);
    let passes = months_test(cnf, d, src_dim, test);
    let by_derived = cnf.and(&[derived, passes]);
    let met = cnf.or(&[given, by_derived]);
    let missing = cnf.and(&[absent, !derived]);
    logic::given(cnf, met, missing)
}

/// Whether whole months since the date fact pass a numeric test.
fn months_test(cnf: &mut Cnf, d: &mut Domain, src: usize, test: &FactTest) -> Lit {
    let at_least = |cnf: &mut Cnf, d: &mut Domain, k: i64| -> Lit {
        if k <= 0 {
            cnf.truth()
        } else {
            d.atom(cnf, DateVar::Fact(src), Op::MonthsReach(k))
        }
    };
    #[allow(clippy::cast_possible_truncation)]
    let ceil = |x: f64| x.ceil().clamp(-1.0e6, 1.0e6) as i64;
    #[allow(clippy::cast_possible_truncation)]
    let floor = |x: f64| x.floor().clamp(-1.0e6, 1.0e6) as i64;
    let equals = |cnf: &mut Cnf, d: &mut Domain, v: &Value| -> Lit {
        match v {
            Value::Number(n) if n.fract() == 0.0 && *n >= 0.0 => {
                let k = ceil(*n);
                let lo = at_least(cnf, d, k);
                let hi = at_least(cnf, d, k + 1);
                cnf.and(&[lo, !hi])
            }
            _ => !cnf.truth(),
        }
    };
    match test {
        FactTest::Equals(v) => equals(cnf, d, v),
        FactTest::OneOf(list) => {
            let ways: Vec<Lit> = list.iter().map(|v| equals(cnf, d, v)).collect();
            cnf.or(&ways)
        }
        FactTest::Range(lo, hi) => {
            let low = match lo {
                Some(lo) => at_least(cnf, d, ceil(*lo)),
                None => cnf.truth(),
            };
            let high = match hi {
                Some(hi) if *hi < 0.0 => !cnf.truth(),
                Some(hi) => {
                    let over = at_least(cnf, d, floor(*hi) + 1);
                    !over
                }
                None => cnf.truth(),
            };
            cnf.and(&[low, high])
        }
    }
}

/// Whether `x + a <= x + b` for every date `x`: calendar arithmetic adds
/// a year as twelve months (clamping the day once), then the days, and
/// each step is monotone, so fewer months and fewer days never reach later.
pub(crate) fn within(a: Period, b: Period) -> bool {
    let months = |p: Period| u32::from(p.years) * 12 + u32::from(p.months);
    months(a) <= months(b) && a.days <= b.days
}
