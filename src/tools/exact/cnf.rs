//! A propositional formula built gate by gate (Tseitin), with cardinality
//! gates, solved incrementally by a SAT solver under assumptions.

use batsat::{SolverInterface, lbool};

use crate::model::logic::Bits;
use crate::model::requirement::ItemRule;

/// A literal: a variable (from 1) or its negation, as in DIMACS.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Lit(pub i32);

impl std::ops::Not for Lit {
    type Output = Lit;
    fn not(self) -> Lit {
        Lit(-self.0)
    }
}

/// The formula and the solver that holds it.
pub(crate) struct Cnf {
    solver: batsat::BasicSolver,
    vars: i32,
    clauses: usize,
    /// A literal fixed true.
    truth: Lit,
    /// The clauses as added, when kept (for a DIMACS dump).
    kept: Option<Vec<Vec<i32>>>,
    /// Whether the clauses added so far are unsatisfiable on their own.
    broken: bool,
    /// Conjunction gates made, by their sorted inputs: the same gate is
    /// made once (an item's "met or not applicable" serves every
    /// requirement that selects it).
    gates: crate::base::hash::Map<Vec<Lit>, Lit>,
    /// Literals in the clauses so far, against [`Cnf::BUDGET`].
    literals: usize,
}

/// A satisfying assignment, by variable.
pub(crate) struct Model(Vec<bool>);

impl Model {
    /// The value of a literal.
    pub(crate) fn value(&self, l: Lit) -> bool {
        let v = self
            .0
            .get(l.0.unsigned_abs() as usize)
            .copied()
            .unwrap_or(false);
        if l.0 > 0 { v } else { !v }
    }
}

fn to_batsat(l: Lit) -> batsat::Lit {
    let var = batsat::Var::unsafe_from_idx(l.0.unsigned_abs() - 1);
    batsat::Lit::new(var, l.0 > 0)
}

impl Cnf {
    /// An empty formula; `keep` keeps the clauses for [`Cnf::dimacs`].
    pub(crate) fn new(keep: bool) -> Self {
        let mut cnf = Cnf {
            solver: batsat::BasicSolver::default(),
            vars: 0,
            clauses: 0,
            truth: Lit(1),
            kept: keep.then(Vec::new),
            broken: false,
            gates: crate::base::hash::Map::default(),
            literals: 0,
        };
        cnf.truth = cnf.var();
        let t = cnf.truth;
        cnf.clause(&[t]);
        cnf
    }

    /// A fresh variable.
    pub(crate) fn var(&mut self) -> Lit {
        self.solver.new_var_default();
        self.vars += 1;
        Lit(self.vars)
    }

    /// A fresh variable the solver tries `value` for first: inputs prefer
    /// "unanswered", so that a first model states little.
    pub(crate) fn var_preferring(&mut self, value: bool) -> Lit {
        let pol = if value { lbool::TRUE } else { lbool::FALSE };
        self.solver.new_var(pol, true);
        self.vars += 1;
        Lit(self.vars)
    }

    /// The literal that is always true.
    pub(crate) fn truth(&self) -> Lit {
        self.truth
    }

    /// The most literals the clauses of one analysis may hold: the formula
    /// grows with requirements times the items they select, which a small
    /// policy can make large; past this the analysis stops and says so.
    pub(crate) const BUDGET: usize = 20_000_000;

    /// Whether the formula has outgrown [`Cnf::BUDGET`] (then no more
    /// clauses are added, and no answer is a proof).
    pub(crate) fn over_budget(&self) -> bool {
        self.literals > Self::BUDGET
    }

    /// Adds a clause.
    pub(crate) fn clause(&mut self, lits: &[Lit]) {
        self.literals += lits.len();
        if self.over_budget() {
            return;
        }
        if let Some(kept) = &mut self.kept {
            kept.push(lits.iter().map(|l| l.0).collect());
        }
        self.clauses += 1;
        let mut c: Vec<batsat::Lit> = lits.iter().map(|&l| to_batsat(l)).collect();
        if !self.solver.add_clause_reuse(&mut c) {
            self.broken = true;
        }
    }

    /// `a -> b`.
    pub(crate) fn implies(&mut self, a: Lit, b: Lit) {
        self.clause(&[!a, b]);
    }

    /// Exactly one of the literals (pairwise at most one: the lists are short).
    pub(crate) fn exactly_one(&mut self, lits: &[Lit]) {
        self.clause(lits);
        for (i, a) in lits.iter().enumerate() {
            for b in lits.iter().skip(i + 1) {
                self.clause(&[!*a, !*b]);
            }
        }
    }

    /// A model under the assumptions, or `None` when there is none (a proof).
    pub(crate) fn solve(&mut self, assume: &[Lit]) -> Option<Model> {
        if self.broken {
            return None;
        }
        let a: Vec<batsat::Lit> = assume.iter().map(|&l| to_batsat(l)).collect();
        if self.solver.solve_limited(&a) != lbool::TRUE {
            return None;
        }
        let mut values = vec![false; usize::try_from(self.vars).unwrap_or(0) + 1];
        for (i, slot) in values.iter_mut().enumerate().skip(1) {
            let var = batsat::Var::unsafe_from_idx(u32::try_from(i - 1).unwrap_or(0));
            *slot = self.solver.value_var(var) == lbool::TRUE;
        }
        Some(Model(values))
    }

    /// The clauses kept, in DIMACS form.
    pub(crate) fn dimacs(&self) -> String {
        let mut out = String::new();
        if let Some(kept) = &self.kept {
            out.push_str(&format!("p cnf {} {}\n", self.vars, kept.len()));
            for c in kept {
                for l in c {
                    out.push_str(&l.to_string());
                    out.push(' ');
                }
                out.push_str("0\n");
            }
        }
        out
    }

    /// A literal equivalent to the conjunction.
    fn and_gate(&mut self, lits: &[Lit]) -> Lit {
        let t = self.truth;
        if lits.contains(&!t) {
            return !t;
        }
        let mut ins: Vec<Lit> = lits.iter().copied().filter(|l| *l != t).collect();
        ins.sort_unstable_by_key(|l| (l.0.unsigned_abs(), l.0));
        ins.dedup();
        // Sorted by variable: a literal and its negation are neighbours.
        if ins.windows(2).any(|w| matches!(w, [a, b] if *a == !*b)) {
            return !t;
        }
        match ins.as_slice() {
            [] => t,
            [one] => *one,
            _ => {
                if let Some(g) = self.gates.get(&ins) {
                    return *g;
                }
                let g = self.var();
                let mut back: Vec<Lit> = vec![g];
                for &l in &ins {
                    self.implies(g, l);
                    back.push(!l);
                }
                self.clause(&back);
                self.gates.insert(ins, g);
                g
            }
        }
    }

    /// Outputs `out[j]` = "at least j+1 of `lits`", for j below `k`: a
    /// totalizer, its outputs equivalent to the counts (both directions).
    fn totalizer(&mut self, lits: &[Lit], k: usize) -> Vec<Lit> {
        if lits.len() <= 1 {
            return lits.iter().copied().take(k).collect();
        }
        let mid = lits.len() / 2;
        let (left, right) = lits.split_at(mid);
        let a = self.totalizer(left, k);
        let b = self.totalizer(right, k);
        let size = lits.len().min(k);
        let out: Vec<Lit> = (0..size).map(|_| self.var()).collect();
        let t = self.truth;
        // Count i of the left (i = 0 is "true"), j of the right.
        let at = |v: &Vec<Lit>, i: usize| -> Option<Lit> {
            if i == 0 {
                Some(t)
            } else {
                v.get(i - 1).copied()
            }
        };
        let full_a = a.len() == left.len();
        let full_b = b.len() == right.len();
        for i in 0..=a.len() {
            for j in 0..=b.len() {
                // Up: at least i and at least j give at least i + j.
                if i + j >= 1
                    && let (Some(x), Some(y), Some(r)) =
                        (at(&a, i), at(&b, j), out.get((i + j).min(size) - 1))
                {
                    self.clause(&[!x, !y, *r]);
                }
                // Down: fewer than i + 1 and fewer than j + 1 give fewer than i + j + 1.
                if i + j < size {
                    let x = match a.get(i) {
                        Some(l) => Some(*l),
                        None if full_a => None, // never true: no clause literal needed
                        None => continue,
                    };
                    let y = match b.get(j) {
                        Some(l) => Some(*l),
                        None if full_b => None,
                        None => continue,
                    };
                    if let Some(r) = out.get(i + j) {
                        let mut c = vec![!*r];
                        c.extend(x);
                        c.extend(y);
                        self.clause(&c);
                    }
                }
            }
        }
        out
    }

    /// A literal equivalent to "at least `n` of the literals".
    pub(crate) fn at_least_gate(&mut self, n: usize, lits: &[Lit]) -> Lit {
        let t = self.truth;
        let live: Vec<Lit> = lits.iter().copied().filter(|l| *l != !t).collect();
        let sure = live.iter().filter(|l| **l == t).count();
        let live: Vec<Lit> = live.into_iter().filter(|l| *l != t).collect();
        let n = n.saturating_sub(sure);
        if n == 0 {
            return t;
        }
        if n > live.len() {
            return !t;
        }
        if n == live.len() {
            return self.and_gate(&live);
        }
        if n == 1 {
            let negs: Vec<Lit> = live.iter().map(|l| !*l).collect();
            return !self.and_gate(&negs);
        }
        // A totalizer costs the inputs times the count; past half, count
        // the complement: at least n of x is fewer than len - n + 1 of not x.
        let rest = live.len() - n + 1;
        if rest < n {
            let negs: Vec<Lit> = live.iter().map(|l| !*l).collect();
            let out = self.totalizer(&negs, rest);
            return out.get(rest - 1).map_or(t, |l| !*l);
        }
        let out = self.totalizer(&live, n);
        out.get(n - 1).copied().unwrap_or(!t)
    }

    /// A literal equivalent to the disjunction.
    #[cfg(feature = "testing")]
    pub(crate) fn or_lits(&mut self, lits: &[Lit]) -> Lit {
        let negs: Vec<Lit> = lits.iter().map(|l| !*l).collect();
        !self.and_gate(&negs)
    }

    /// The outputs of a full totalizer: `out[j]` = "at least j+1".
    pub(crate) fn counter(&mut self, lits: &[Lit], k: usize) -> Vec<Lit> {
        self.totalizer(lits, k)
    }
}

impl Bits for Cnf {
    type B = Lit;
    fn not(&mut self, a: Lit) -> Lit {
        !a
    }
    fn at_least(&mut self, n: usize, bits: &[Lit]) -> Lit {
        self.at_least_gate(n, bits)
    }
    fn percent(&mut self, percent: f64, met: &[Lit], not_applicable: &[Lit]) -> Lit {
        // Holds iff, for the number k of items not applicable, the met
        // items reach the least count the rule accepts of the N - k that
        // apply; that count only falls as k grows, so "at least k not
        // applicable and at least need(k) met" for some k says it.
        let n = met.len();
        let rule = ItemRule::Percent(percent);
        let need = |k: usize| rule.needed(n.saturating_sub(k));
        let t = self.truth;
        // Items that can never be not applicable count for nothing here.
        let na_live: Vec<Lit> = not_applicable
            .iter()
            .copied()
            .filter(|l| *l != !t)
            .collect();
        let most_na = na_live.len();
        let met_counts = self.counter(met, need(0));
        let na_counts = self.counter(&na_live, most_na);
        let mut options = Vec::new();
        for k in 0..=most_na {
            let na = if k == 0 {
                Some(t)
            } else {
                na_counts.get(k - 1).copied()
            };
            let m = match need(k) {
                0 => Some(t),
                j => met_counts.get(j - 1).copied(),
            };
            if let (Some(na), Some(m)) = (na, m) {
                options.push(self.and_gate(&[na, m]));
            }
        }
        let negs: Vec<Lit> = options.iter().map(|l| !*l).collect();
        !self.and_gate(&negs)
    }
    fn and(&mut self, bits: &[Lit]) -> Lit {
        self.and_gate(bits)
    }
    fn or(&mut self, bits: &[Lit]) -> Lit {
        let negs: Vec<Lit> = bits.iter().map(|l| !*l).collect();
        !self.and_gate(&negs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::logic::Plain;

    /// Every cardinality gate agrees with counting, over every assignment
    /// of up to 6 inputs.
    #[test]
    fn gates_agree_with_counting() {
        for width in 0..=6usize {
            for n in 0..=width + 1 {
                let mut cnf = Cnf::new(false);
                let ins: Vec<Lit> = (0..width).map(|_| cnf.var()).collect();
                let g = cnf.at_least_gate(n, &ins);
                let na: Vec<Lit> = (0..width).map(|_| cnf.var()).collect();
                let pct = cnf.percent(50.0, &ins, &na);
                for mask in 0u32..(1 << width) {
                    for namask in [0u32, 1, 3, 0b101] {
                        let mut assume: Vec<Lit> = ins
                            .iter()
                            .enumerate()
                            .map(|(i, l)| if mask & (1 << i) != 0 { *l } else { !*l })
                            .collect();
                        let na_bits: Vec<bool> = (0..width)
                            .map(|i| namask & (1 << i) != 0 && mask & (1 << i) == 0)
                            .collect();
                        assume.extend(
                            na.iter()
                                .zip(&na_bits)
                                .map(|(l, b)| if *b { *l } else { !*l }),
                        );
                        let model = cnf.solve(&assume).expect("inputs fixed: satisfiable");
                        let bits: Vec<bool> = (0..width).map(|i| mask & (1 << i) != 0).collect();
                        assert_eq!(model.value(g), Plain.at_least(n, &bits), "{n} of {bits:?}");
                        assert_eq!(
                            model.value(pct),
                            Plain.percent(50.0, &bits, &na_bits),
                            "50% of {bits:?} with {na_bits:?} not applicable"
                        );
                    }
                }
            }
        }
    }
}
