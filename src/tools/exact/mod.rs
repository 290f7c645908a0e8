//! The exact change analysis: is there an assessment that some edit of a
//! policy demotes, or helps? Both policies' decisions are encoded over one
//! symbolic assessment ([`encode`]); each kind of change is one question
//! to a SAT solver ([`cnf`]). A model is a witness, made minimal (fewest
//! answers and facts stated) and replayed through both policies' real
//! evaluation before it is reported; "unsatisfiable" is a proof that no
//! assessment shows that change.

pub(crate) mod cnf;
pub(crate) mod encode;
#[cfg(feature = "testing")]
pub(crate) mod laws;
pub(crate) mod time;

use crate::base::value::Value;
use crate::model::assessment::{Answer, Assessment};
use crate::model::policy::Policy;
use crate::report::evaluation::Evaluation;

use cnf::{Cnf, Lit, Model};
use encode::{Circuit, Domain, FactClass, ItemClass};
use time::Dates;

/// One kind of decision change, as the analysis asks about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// The level that applies moves from one id to another (`None`: no level).
    Level(Option<String>, Option<String>),
    /// A benefit granted under the old version is not under the new.
    BenefitLost(String),
    /// A benefit granted under the new version only.
    BenefitGained(String),
    /// Priority for a benefit kept, lost.
    PriorityLost(String),
    /// Priority for a benefit kept, gained.
    PriorityGained(String),
    /// A benefit kept, with less (a quantity or discount cut or removed, or
    /// given on something else).
    TermsCut(String),
    /// A benefit kept, with more.
    TermsImproved(String),
    /// The same level, due for renewal on a date it was not before.
    DueSooner(String),
    /// The same level, no longer due for renewal on that date.
    DueLater(String),
    /// An assessment the old version accepts is refused (the YAML path of
    /// what is refused).
    Refused(String),
    /// An assessment the old version refuses is accepted.
    Accepted(String),
}

impl Kind {
    /// How the change reads in a report.
    pub(crate) fn describe(&self) -> String {
        let level = |l: &Option<String>| {
            l.as_deref()
                .map_or("no level".to_owned(), |l| format!("`{l}`"))
        };
        match self {
            Kind::Level(a, b) => format!("level {} -> {}", level(a), level(b)),
            Kind::BenefitLost(b) => format!("benefit `{b}` lost"),
            Kind::BenefitGained(b) => format!("benefit `{b}` gained"),
            Kind::PriorityLost(b) => format!("priority for `{b}` lost"),
            Kind::PriorityGained(b) => format!("priority for `{b}` gained"),
            Kind::TermsCut(b) => format!("benefit `{b}` kept with less (quantity or discount)"),
            Kind::TermsImproved(b) => {
                format!("benefit `{b}` kept with more (quantity or discount)")
            }
            Kind::DueSooner(l) => format!("level `{l}` due for renewal sooner"),
            Kind::DueLater(l) => format!("level `{l}` due for renewal later"),
            Kind::Refused(what) => format!("no longer accepted: `{what}`"),
            Kind::Accepted(what) => format!("now accepted: `{what}`"),
        }
    }
}

/// A change the solver found, with its witness replayed.
pub(crate) struct Found {
    pub kind: Kind,
    pub loss: bool,
    pub witness: Assessment,
    pub old: Option<Evaluation>,
    pub new: Option<Evaluation>,
}

/// What the analysis found and proved.
pub(crate) struct Outcome {
    pub found: Vec<Found>,
    /// Witnesses whose replay disagreed with the encoding: bugs, never dropped.
    pub disagreements: Vec<String>,
    /// Date combinations a model used that no dates searched realised.
    pub unrealised: usize,
    /// Questions asked.
    pub questions: usize,
    /// Questions given up after [`EXCLUSIONS`] combinations of dates no
    /// dates realise: their "impossible" is not a proof.
    pub given_up: usize,
    /// Whether the formula outgrew its budget ([`Cnf::BUDGET`] literals):
    /// then nothing was asked, and nothing is proved.
    pub too_large: bool,
}

/// Whether moving from level `from` to level `to` is a loss: the new level
/// is not at or above the old one in the old order, or the old level no
/// longer exists. Levels are matched by id.
pub(crate) fn level_loss(old: &Policy, new: &Policy, from: Option<&str>, to: Option<&str>) -> bool {
    match (from, to) {
        (None, _) => false,
        (Some(_), None) => true,
        (Some(a), Some(b)) => {
            if new.level(a).is_none() {
                return true;
            }
            let pos = |p: &Policy, id: &str| p.level_position(id);
            match (pos(old, a), pos(old, b)) {
                (Some(x), Some(y)) => y < x,
                // A level new in this version: compare in the new order.
                _ => matches!((pos(new, a), pos(new, b)), (Some(x), Some(y)) if y < x),
            }
        }
    }
}

/// The formula of the analysis of `old` against `new` in DIMACS form, and
/// the assumptions of each question it asks, for benchmarking solvers.
pub(crate) fn questions_dimacs(old: &Policy, new: &Policy) -> (String, Vec<Vec<i32>>) {
    let mut an = Analysis::new_keeping(old, new, true);
    an.record = Some(Vec::new());
    let an = an.run_keep();
    (an.0, an.1)
}

struct Analysis<'p> {
    old: &'p Policy,
    new: &'p Policy,
    cnf: Cnf,
    d: Domain,
    c: [Circuit; 2],
    /// Makes witnesses state as little as they can.
    shrink: Shrinker,
    out: Outcome,
    /// The assumptions of each question, when recorded.
    record: Option<Vec<Vec<i32>>>,
}

/// Above this many things a witness could state, witnesses are made
/// minimal by removing one at a time (no smaller subset), not by counting.
const COUNTED: usize = 400;

/// How many combinations of date comparisons one question may exclude
/// before it gives up (and the report is not proved).
pub(crate) const EXCLUSIONS: usize = 1000;

/// How many things a witness of a larger domain tries to drop.
const DROP_BUDGET: usize = 200;

impl<'p> Analysis<'p> {
    fn new(old: &'p Policy, new: &'p Policy) -> Self {
        Self::new_keeping(old, new, false)
    }

    fn new_keeping(old: &'p Policy, new: &'p Policy, keep: bool) -> Self {
        let mut cnf = Cnf::new(keep);
        let mut d = Domain::new(&mut cnf, [old, new]);
        let c0 = encode::circuit(&mut cnf, &mut d, old);
        let c1 = encode::circuit(&mut cnf, &mut d, new);
        let mut cost: Vec<Lit> = d.items.iter().map(|i| !i.unanswered()).collect();
        cost.extend(d.facts.iter().map(|f| !f.absent()));
        cost.extend(d.held.first().map(|h| !h.1));
        cost.push(d.renewed);
        cost.push(d.dated);
        Analysis {
            old,
            new,
            cnf,
            d,
            c: [c0, c1],
            shrink: Shrinker::new(cost),
            out: Outcome {
                found: Vec::new(),
                disagreements: Vec::new(),
                unrealised: 0,
                questions: 0,
                given_up: 0,
                too_large: false,
            },
            record: None,
        }
    }

    fn run_keep(mut self) -> (String, Vec<Vec<i32>>) {
        self.ask_all();
        (self.cnf.dimacs(), self.record.take().unwrap_or_default())
    }

    /// The smallest model under the assumptions, or `None` (a proof).
    fn minimal(&mut self, assume: &[Lit], model: Model) -> Model {
        self.shrink.minimal(&mut self.cnf, assume, model)
    }

    /// A minimal model under the assumptions whose dates are realised.
    fn witness(&mut self, assume: &[Lit]) -> Option<(Model, Dates)> {
        if self.cnf.over_budget() {
            return None;
        }
        self.out.questions += 1;
        if let Some(r) = &mut self.record {
            r.push(assume.iter().map(|l| l.0).collect());
        }
        for _ in 0..EXCLUSIONS {
            let model = self.cnf.solve(assume)?;
            let model = self.minimal(assume, model);
            match dates_of(&self.d, &model) {
                Ok(dates) => return Some((model, dates)),
                Err(block) => {
                    // Exclude this combination of date comparisons and ask again.
                    self.out.unrealised += 1;
                    self.cnf.clause(&block);
                }
            }
        }
        self.out.given_up += 1;
        None
    }

    /// The assessment a model and its dates stand for.
    fn assessment(&self, m: &Model, dates: &Dates) -> Assessment {
        assessment_of(&self.d, m, dates)
    }

    /// Asks whether some assessment shows `kind`; records a replayed witness.
    fn ask(&mut self, kind: Kind, loss: bool, assume: &[Lit]) {
        let Some((model, dates)) = self.witness(assume) else {
            return;
        };
        let witness = self.assessment(&model, &dates);
        let old = self.old.evaluate(&witness).ok();
        let new = self.new.evaluate(&witness).ok();
        if let Some(problem) = self.disagrees(&model, old.as_ref(), new.as_ref()) {
            self.out.disagreements.push(format!(
                "{}: the witness does not reproduce ({problem}); this is a bug in the analysis:\n{}",
                kind.describe(),
                witness.to_yaml()
            ));
        }
        self.out.found.push(Found {
            kind,
            loss,
            witness,
            old,
            new,
        });
    }

    /// How the real evaluations differ from what the model says, if they do.
    fn disagrees(
        &self,
        m: &Model,
        old: Option<&Evaluation>,
        new: Option<&Evaluation>,
    ) -> Option<String> {
        for (side, (c, e, p)) in [(&self.c[0], old, self.old), (&self.c[1], new, self.new)]
            .into_iter()
            .enumerate()
        {
            let name = if side == 0 { "old" } else { "new" };
            if m.value(c.valid) != e.is_some() {
                return Some(format!(
                    "the {name} version {} it",
                    if e.is_some() { "accepts" } else { "refuses" }
                ));
            }
            let Some(e) = e else { continue };
            let level = p
                .levels
                .iter()
                .zip(&c.reached)
                .find(|(_, l)| m.value(**l))
                .map(|(l, _)| l.id().as_str());
            if level != e.level.as_ref().map(|l| l.id.as_str()) {
                return Some(format!(
                    "the {name} version gives {:?}, the encoding {level:?}",
                    e.level.as_ref().map(|l| l.id.as_str())
                ));
            }
            for (b, (g, pr)) in p.benefits.iter().zip(&c.benefits) {
                let real = e.benefits.iter().find(|x| x.id == *b.id());
                if real.is_some() != m.value(*g) || real.is_some_and(|r| r.priority != m.value(*pr))
                {
                    return Some(format!(
                        "the {name} version disagrees on benefit `{}`",
                        b.id()
                    ));
                }
            }
            let due = e.membership.as_ref().is_some_and(|x| {
                x.state == crate::report::membership::MembershipState::DueForRenewal
            });
            if due != m.value(c.due) {
                return Some(format!(
                    "the {name} version disagrees on the renewal window"
                ));
            }
        }
        None
    }

    fn run(mut self) -> Outcome {
        if self.cnf.over_budget() {
            self.out.too_large = true;
            return self.out;
        }
        self.ask_all();
        self.out.too_large = self.cnf.over_budget();
        self.out
    }

    fn ask_all(&mut self) {
        let old_levels: Vec<(Option<String>, Lit)> = self.levels(0);
        let new_levels: Vec<(Option<String>, Lit)> = self.levels(1);
        self.ask_levels(&old_levels, &new_levels);
        for id in self.benefit_ids() {
            self.ask_benefit(&id);
        }
        self.ask_due(&old_levels, &new_levels);
        self.ask_refused();
    }

    /// Level moves, matched by id.
    fn ask_levels(
        &mut self,
        old_levels: &[(Option<String>, Lit)],
        new_levels: &[(Option<String>, Lit)],
    ) {
        let (v0, v1) = (self.c[0].valid, self.c[1].valid);
        for (a, la) in old_levels {
            for (b, lb) in new_levels {
                if a == b {
                    continue;
                }
                let loss = level_loss(self.old, self.new, a.as_deref(), b.as_deref());
                self.ask(Kind::Level(a.clone(), b.clone()), loss, &[v0, v1, *la, *lb]);
            }
        }
    }

    /// The benefit ids of both versions, each once, old first.
    fn benefit_ids(&self) -> Vec<String> {
        self.old
            .benefits
            .iter()
            .chain(&self.new.benefits)
            .map(|b| b.id().to_string())
            .fold(Vec::new(), |mut v, id| {
                if !v.contains(&id) {
                    v.push(id);
                }
                v
            })
    }

    /// One benefit, matched by id: lost or gained, its priority, its terms.
    fn ask_benefit(&mut self, id: &str) {
        let (v0, v1) = (self.c[0].valid, self.c[1].valid);
        let o = self.benefit(0, id);
        let n = self.benefit(1, id);
        let t = self.cnf.truth();
        let (g0, p0) = o.unwrap_or((!t, !t));
        let (g1, p1) = n.unwrap_or((!t, !t));
        let id = id.to_owned();
        self.ask(Kind::BenefitLost(id.clone()), true, &[v0, v1, g0, !g1]);
        self.ask(Kind::BenefitGained(id.clone()), false, &[v0, v1, !g0, g1]);
        if o.is_none() || n.is_none() {
            return;
        }
        self.ask(Kind::PriorityLost(id.clone()), true, &[v0, v1, p0, g1, !p1]);
        self.ask(
            Kind::PriorityGained(id.clone()),
            false,
            &[v0, v1, g0, !p0, p1],
        );
        let (cut, more) = terms(self.old, self.new, &id);
        if cut {
            self.ask(Kind::TermsCut(id.clone()), true, &[v0, v1, g0, g1]);
        }
        if more {
            self.ask(Kind::TermsImproved(id), false, &[v0, v1, g0, g1]);
        }
    }

    /// The same level, due for renewal or not.
    fn ask_due(
        &mut self,
        old_levels: &[(Option<String>, Lit)],
        new_levels: &[(Option<String>, Lit)],
    ) {
        let (v0, v1) = (self.c[0].valid, self.c[1].valid);
        for (a, la) in old_levels {
            let Some(id) = a else { continue };
            let Some((_, lb)) = new_levels.iter().find(|(b, _)| b.as_ref() == Some(id)) else {
                continue;
            };
            let (d0, d1) = (self.c[0].due, self.c[1].due);
            self.ask(
                Kind::DueSooner(id.clone()),
                true,
                &[v0, v1, *la, *lb, !d0, d1],
            );
            self.ask(
                Kind::DueLater(id.clone()),
                false,
                &[v0, v1, *la, *lb, d0, !d1],
            );
        }
    }

    /// Assessments refused or newly accepted, by what is refused. Both
    /// circuits list the domain's dimensions in the same order.
    fn ask_refused(&mut self) {
        let (v0, v1) = (self.c[0].valid, self.c[1].valid);
        let pairs: Vec<(String, Lit, Lit)> = self.c[0]
            .refused
            .iter()
            .zip(&self.c[1].refused)
            .filter(|(a, b)| a.bad != b.bad)
            .map(|(a, b)| (a.name.clone(), a.lit, b.lit))
            .collect();
        for (name, r0, r1) in pairs {
            self.ask(Kind::Refused(name.clone()), true, &[v0, r1]);
            self.ask(Kind::Accepted(name), false, &[v1, r0]);
        }
    }

    /// The level literals of one side, `None` (no level) last.
    fn levels(&self, side: usize) -> Vec<(Option<String>, Lit)> {
        let (p, c) = if side == 0 {
            (self.old, &self.c[0])
        } else {
            (self.new, &self.c[1])
        };
        let mut out: Vec<(Option<String>, Lit)> = p
            .levels
            .iter()
            .zip(&c.reached)
            .map(|(l, r)| (Some(l.id().to_string()), *r))
            .collect();
        out.push((None, c.no_level));
        out
    }

    fn benefit(&self, side: usize, id: &str) -> Option<(Lit, Lit)> {
        let (p, c) = if side == 0 {
            (self.old, &self.c[0])
        } else {
            (self.new, &self.c[1])
        };
        let i = p.benefits.iter().position(|b| b.id().as_str() == id)?;
        c.benefits.get(i).copied()
    }
}

/// Makes models state as little as they can: what they state is `cost`
/// (answers, facts, a level held, a date).
pub(crate) struct Shrinker {
    cost: Vec<Lit>,
    /// A counter over `cost`, made on first use and kept for every question.
    counter: Option<Vec<Lit>>,
}

impl Shrinker {
    pub(crate) fn new(cost: Vec<Lit>) -> Self {
        Shrinker {
            cost,
            counter: None,
        }
    }

    fn count(&self, m: &Model) -> usize {
        self.cost.iter().filter(|l| m.value(**l)).count()
    }

    /// The model under the assumptions stating the fewest things (up to
    /// [`COUNTED`] things to state; past that, few).
    pub(crate) fn minimal(&mut self, cnf: &mut Cnf, assume: &[Lit], mut model: Model) -> Model {
        if self.cost.len() <= COUNTED {
            if self.counter.is_none() {
                let n = self.cost.len();
                self.counter = Some(cnf.counter(&self.cost, n));
            }
            loop {
                let c = self.count(&model);
                let Some(&at_most) = c.checked_sub(1).and_then(|i| self.counter.as_ref()?.get(i))
                else {
                    return model;
                };
                let mut a = assume.to_vec();
                a.push(!at_most);
                match cnf.solve(&a) {
                    Some(m) => model = m,
                    None => return model,
                }
            }
        }
        // Large domains: the solver prefers "unanswered", so a first model
        // states little; then each thing stated is dropped if a model
        // without it states less, within a budget of questions (a witness is
        // then small, not proved smallest). Only what was dropped is
        // assumed, so each question stays cheap.
        let mut dropped: Vec<Lit> = Vec::new();
        let stated: Vec<Lit> = self
            .cost
            .iter()
            .copied()
            .filter(|l| model.value(*l))
            .collect();
        for l in stated.into_iter().take(DROP_BUDGET) {
            if !model.value(l) {
                continue;
            }
            let mut a = assume.to_vec();
            a.extend(&dropped);
            a.push(!l);
            if let Some(m) = cnf.solve(&a)
                && self.count(&m) < self.count(&model)
            {
                model = m;
                dropped.push(!l);
            }
        }
        model
    }
}

/// The facts a model gives as dates, by index in the domain.
fn date_facts(d: &Domain, m: &Model) -> Vec<usize> {
    d.facts
        .iter()
        .enumerate()
        .filter(|(_, f)| {
            f.classes
                .iter()
                .any(|(c, l)| *c == FactClass::Date && m.value(*l))
        })
        .map(|(i, _)| i)
        .collect()
}

/// The dates a model of a domain needs, realised; or, when no dates give
/// its date comparisons the values it chose, the clause that excludes that
/// combination.
pub(crate) fn dates_of(d: &Domain, m: &Model) -> Result<Dates, Vec<Lit>> {
    let wanted: Vec<(time::Atom, bool)> = d.atoms.iter().map(|a| (*a, m.value(a.lit))).collect();
    let facts = date_facts(d, m);
    let held = d.held.first().is_some_and(|h| !m.value(h.1));
    time::realise(m.value(d.dated), held, m.value(d.renewed), &facts, &wanted).ok_or_else(|| {
        wanted
            .iter()
            .map(|(a, v)| if *v { !a.lit } else { a.lit })
            .collect()
    })
}

/// The dates a model of one assessment as of two dates needs (`first`
/// and `second`, its domain [`Domain::dated_again`]), realised, the second
/// as-of date later; `None` when the dates searched do not realise it.
#[cfg(feature = "testing")]
pub(crate) fn dates_of_two(first: &Domain, second: &Domain, m: &Model) -> Option<(Dates, Dates)> {
    let wanted = |d: &Domain| -> Vec<(time::Atom, bool)> {
        d.atoms.iter().map(|a| (*a, m.value(a.lit))).collect()
    };
    let facts = date_facts(first, m);
    let held = first.held.first().is_some_and(|h| !m.value(h.1));
    time::realise_two(
        held,
        m.value(first.renewed),
        &facts,
        &wanted(first),
        &wanted(second),
    )
}

/// The assessment a model of a domain and its dates stand for.
pub(crate) fn assessment_of(d: &Domain, m: &Model, dates: &Dates) -> Assessment {
    let mut a = Assessment::new("witness");
    for dim in &d.items {
        let Some((class, _)) = dim.classes.iter().find(|(_, l)| m.value(*l)) else {
            continue;
        };
        let answer = match class {
            ItemClass::Unanswered => None,
            ItemClass::Met => Some(Answer::Met),
            ItemClass::NotMet => Some(Answer::NotMet),
            ItemClass::NotApplicable => Some(Answer::NotApplicable),
            ItemClass::Number(n) => Some(Answer::Number(*n)),
        };
        if let Some(answer) = answer {
            a.set_answer(dim.id.as_str(), answer);
        }
    }
    for (i, dim) in d.facts.iter().enumerate() {
        let Some((class, _)) = dim.classes.iter().find(|(_, l)| m.value(*l)) else {
            continue;
        };
        let value = match class {
            FactClass::Absent => None,
            FactClass::Bool(b) => Some(Value::Bool(*b)),
            FactClass::Text(t) => Some(Value::Text(t.clone())),
            FactClass::Number(n) => Some(Value::Number(*n)),
            FactClass::Date => dates
                .facts
                .iter()
                .find(|(f, _)| *f == i)
                .map(|(_, d)| Value::Text(d.to_string())),
        };
        if let Some(v) = value {
            a.set_fact(dim.id.as_str(), v);
        }
    }
    if let (Some((Some(level), _)), Some(g)) =
        (d.held.iter().find(|(_, l)| m.value(*l)), dates.granted)
    {
        a = a.holding(level.as_str(), g, dates.renewed);
    }
    if let Some(as_of) = dates.as_of {
        a = a.dated(as_of);
    }
    a
}

/// Whether a benefit's fixed terms are cut and whether they improve from
/// `old` to `new`: quantity and discount up are gains, down or removed are
/// losses; a discount on something else, or a quantity of another unit, is
/// both.
fn terms(old: &Policy, new: &Policy, id: &str) -> (bool, bool) {
    let (Some(o), Some(n)) = (
        old.benefits.iter().find(|b| b.id().as_str() == id),
        new.benefits.iter().find(|b| b.id().as_str() == id),
    ) else {
        return (false, false);
    };
    let (mut cut, mut more) = (false, false);
    // Each term: the same thing kept, in a larger or smaller size (or one
    // not stated against one stated: either way); another thing; removed;
    // added. `added_cuts`: a discount added is a gain; a quantity added
    // caps a benefit that stated no amount, which may be less than a
    // program had, so it is both.
    let mut weigh = |same_thing: bool,
                     sizes: Option<(Option<f64>, Option<f64>)>,
                     was: bool,
                     is: bool,
                     added_cuts: bool| match (was, is) {
        (true, true) if same_thing => match sizes {
            Some((Some(a), Some(b))) => {
                cut |= b < a;
                more |= b > a;
            }
            Some((None, None)) | None => {}
            Some(_) => {
                cut = true;
                more = true;
            }
        },
        (true, true) => {
            cut = true;
            more = true;
        }
        (true, false) => cut = true,
        (false, true) => {
            more = true;
            cut |= added_cuts;
        }
        (false, false) => {}
    };
    let (q0, q1) = (&o.quantity, &n.quantity);
    weigh(
        matches!((q0, q1), (Some(a), Some(b)) if a.unit == b.unit),
        q0.as_ref()
            .zip(q1.as_ref())
            .map(|(a, b)| (Some(f64::from(a.amount)), Some(f64::from(b.amount)))),
        q0.is_some(),
        q1.is_some(),
        true,
    );
    let (d0, d1) = (&o.discount, &n.discount);
    weigh(
        matches!((d0, d1), (Some(a), Some(b)) if a.on == b.on),
        d0.as_ref()
            .zip(d1.as_ref())
            .map(|(a, b)| (a.percent, b.percent)),
        d0.is_some(),
        d1.is_some(),
        false,
    );
    (cut, more)
}

/// Every kind of decision change between two policies, proved: each kind
/// not in the result is impossible for every assessment.
pub(crate) fn analyse(old: &Policy, new: &Policy) -> Outcome {
    Analysis::new(old, new).run()
}

/// A small deterministic generator for the tests (xorshift64*).
#[cfg(test)]
pub(crate) struct TestRng(pub u64);

#[cfg(test)]
impl TestRng {
    pub(crate) fn below(&mut self, n: usize) -> usize {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        let r = x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33;
        usize::try_from(r).unwrap_or(0) % n.max(1)
    }
}

/// Fixes every input of the encoding at random (a class per answer and
/// fact, a level held, dates) and checks both circuits against the real
/// evaluations; `Err` describes the first disagreement.
#[cfg(test)]
pub(crate) fn check_random(old: &Policy, new: &Policy, rng: &mut TestRng) -> Result<(), String> {
    let mut an = Analysis::new(old, new);
    let mut assume = random_classes(&an.d, rng);
    let dated = rng.below(4) != 0;
    let renewed = rng.below(3) == 0;
    assume.push(if dated { an.d.dated } else { !an.d.dated });
    let drawn = RandomDates::draw(rng, an.d.facts.len())?;
    // Probe the classes chosen to know which dates are present.
    let probe = an
        .cnf
        .solve(&assume)
        .ok_or("the classes chosen are contradictory")?;
    let held_any = an.d.held.first().is_some_and(|h| !probe.value(h.1));
    let renewed = renewed && held_any;
    assume.push(if renewed { an.d.renewed } else { !an.d.renewed });
    let dates = drawn.present(&an.d, &probe, dated, held_any, renewed);
    assume.extend(atom_values(&an.d, &dates));
    let model = an.cnf.solve(&assume).ok_or_else(|| {
        format!(
            "the encoding has no model for these inputs (dated {dated}, held {held_any}, renewed {renewed})"
        )
    })?;
    let witness = an.assessment(&model, &dates);
    let e0 = old.evaluate(&witness).ok();
    let e1 = new.evaluate(&witness).ok();
    match an.disagrees(&model, e0.as_ref(), e1.as_ref()) {
        None => Ok(()),
        Some(problem) => Err(format!("{problem}\n{}", witness.to_yaml())),
    }
}

/// Assumptions choosing one class at random of every answer, fact and the
/// level held.
#[cfg(test)]
fn random_classes(d: &Domain, rng: &mut TestRng) -> Vec<Lit> {
    let mut assume = Vec::new();
    let pick = |rng: &mut TestRng, lits: &[Lit], assume: &mut Vec<Lit>| {
        let at = rng.below(lits.len());
        for (i, l) in lits.iter().enumerate() {
            assume.push(if i == at { *l } else { !*l });
        }
    };
    for dim in &d.items {
        let lits: Vec<Lit> = dim.classes.iter().map(|c| c.1).collect();
        pick(rng, &lits, &mut assume);
    }
    for dim in &d.facts {
        let lits: Vec<Lit> = dim.classes.iter().map(|c| c.1).collect();
        pick(rng, &lits, &mut assume);
    }
    let held: Vec<Lit> = d.held.iter().map(|h| h.1).collect();
    pick(rng, &held, &mut assume);
    assume
}

/// Dates drawn at random: as of, granted, renewed, and one per fact.
#[cfg(test)]
struct RandomDates {
    as_of: crate::base::date::Date,
    granted: crate::base::date::Date,
    renewed: crate::base::date::Date,
    facts: Vec<crate::base::date::Date>,
}

#[cfg(test)]
impl RandomDates {
    fn draw(rng: &mut TestRng, facts: usize) -> Result<Self, String> {
        use crate::base::date::Date;
        let base = Date::new(2026, 1, 31).map_err(|e| e.to_string())?;
        let back = |rng: &mut TestRng, d: Date, n: usize| {
            d.shift_days(-i64::try_from(rng.below(n)).unwrap_or(0))
        };
        let a = back(rng, base, 800).ok_or("date")?;
        let g = back(rng, a, 1500).ok_or("date")?;
        let r = g
            .shift_days(i64::try_from(rng.below(400)).unwrap_or(0))
            .ok_or("date")?
            .min(a);
        let facts = (0..facts).map(|_| back(rng, a, 900).unwrap_or(a)).collect();
        Ok(RandomDates {
            as_of: a,
            granted: g,
            renewed: r,
            facts,
        })
    }

    /// The dates a model's classes give a value.
    fn present(&self, d: &Domain, m: &Model, dated: bool, held: bool, renewed: bool) -> Dates {
        let mut dates = Dates {
            as_of: dated.then_some(self.as_of),
            granted: held.then_some(self.granted),
            renewed: renewed.then_some(self.renewed),
            facts: Vec::new(),
        };
        for (i, f) in d.facts.iter().enumerate() {
            if f.classes
                .iter()
                .any(|(c, l)| *c == FactClass::Date && m.value(*l))
                && let Some(x) = self.facts.get(i)
            {
                dates.facts.push((i, *x));
            }
        }
        dates
    }
}

/// Assumptions giving every date comparison of the domain its value on `dates`.
#[cfg(test)]
fn atom_values(d: &Domain, dates: &Dates) -> Vec<Lit> {
    d.atoms
        .iter()
        .map(|atom| {
            let x = match atom.var {
                time::DateVar::AsOf => dates.as_of,
                time::DateVar::Granted => dates.granted,
                time::DateVar::Renewed => dates.renewed,
                time::DateVar::Fact(i) => {
                    dates.facts.iter().find(|(f, _)| *f == i).map(|(_, d)| *d)
                }
            };
            let value = matches!((x, dates.as_of), (Some(x), Some(a)) if atom.op.holds(x, a));
            if value { atom.lit } else { !atom.lit }
        })
        .collect()
}

#[cfg(test)]
mod tests;
