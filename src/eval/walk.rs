//! Walking the bound assessment through the policy: each level's
//! requirements decided (and, for a full evaluation, explained), the
//! scorecard, and the plan for the next level.

use super::*;
use crate::base::id::KindId;
use crate::model::requirement::WhenNoneApply;

impl<'p> Bound<'p> {
    fn fact_status(&self, fact: usize, test: &FactTest) -> Status {
        match self.facts.get(fact).and_then(Option::as_deref) {
            Some(v) if test.holds(v) => Status::Met,
            Some(_) => Status::Unmet,
            None => Status::Unanswered,
        }
    }

    /// The status of a requirement alone: the lean path, with no explanation
    /// built and nothing allocated.
    fn status(&self, r: &Requirement, memo: &mut [Option<Status>]) -> Status {
        match &r.kind {
            Req::All(list) => at_least_of(list.len(), list.iter().map(|c| self.status(c, memo))),
            Req::AtLeast(n, list) => at_least_of(*n, list.iter().map(|c| self.status(c, memo))),
            Req::Not(inner) => logic::not_status(self.status(inner, memo)),
            Req::Fact { fact, test, .. } => self.fact_status(*fact, test),
            Req::Met(i) => {
                if !self.bits.applies.contains(*i) || self.bits.met.contains(*i) {
                    Status::Met
                } else if self.bits.unanswered.contains(*i) {
                    Status::Unanswered
                } else {
                    Status::Unmet
                }
            }
            Req::Items {
                bits, rule, none, ..
            } => logic::items_status(
                *rule,
                *none,
                self.bits.met.and_count(bits),
                self.bits.applies.and_count(bits),
                self.bits.unanswered.and_count(bits),
            ),
            Req::Level(l) => self.level_status(*l, memo),
            Req::Held { level, period } => self.held_status(*level, *period).0,
        }
    }

    /// Whether the level held meets "held `level` for at least `period`", and
    /// from which date it does.
    fn held_status(&self, level: usize, period: Period) -> (Status, Option<Date>) {
        let (Some(as_of), Some(held)) = (self.as_of, self.held) else {
            return (Status::Unanswered, None);
        };
        let rank = |l: usize| self.policy.levels.get(l).map(|x| x.rank());
        match rank(held.level).cmp(&rank(level)) {
            std::cmp::Ordering::Less => (Status::Unmet, None),
            std::cmp::Ordering::Greater => (Status::Met, None),
            std::cmp::Ordering::Equal => {
                let from = held.granted.add(period);
                let status = if from.is_some_and(|d| d <= as_of) {
                    Status::Met
                } else {
                    Status::Unmet
                };
                (status, from)
            }
        }
    }

    /// The status of level `l`, which a requirement names, as already
    /// decided: levels are decided in the policy's level order, each after
    /// the levels it names, so this looks it up, never recursing through
    /// levels.
    fn level_status(&self, l: usize, memo: &mut [Option<Status>]) -> Status {
        memo.get(l).copied().flatten().unwrap_or(Status::Unmet)
    }

    /// Decides level `l` into `memo`.
    fn decide_level(&self, l: usize, memo: &mut [Option<Status>]) {
        let status = match self.policy.levels.get(l) {
            Some(level) => at_least_of(
                level.requires.len(),
                level.requires.iter().map(|r| self.status(r, memo)),
            ),
            None => Status::Unmet,
        };
        if let Some(slot) = memo.get_mut(l) {
            *slot = Some(status);
        }
    }

    /// The level and benefits alone.
    pub(super) fn decide(&self) -> Decision {
        let p = self.policy;
        // Policies have few levels; a fixed array keeps the lean path free of
        // allocation, with a vector for the rare policy with more.
        let mut small = [None; 16];
        let mut large;
        let memo: &mut [Option<Status>] = match small.get_mut(..p.levels.len()) {
            Some(m) => m,
            None => {
                large = vec![None; p.levels.len()];
                &mut large
            }
        };
        for &l in &p.level_order {
            self.decide_level(l, memo);
        }
        let qualified = (0..p.levels.len())
            .rev()
            .find(|&l| matches!(memo.get(l), Some(Some(Status::Met))));
        let reached = match self.as_of {
            Some(as_of) => membership::terms(p, qualified, self.held, as_of).level,
            None => qualified,
        };
        Decision {
            policy: PolicyRef {
                name: Arc::clone(&p.name),
                version: p.version.clone(),
            },
            level: reached.and_then(|l| self.summary(l)),
            benefits: reached.map(|l| self.benefits(l)).unwrap_or_default(),
        }
    }

    pub(super) fn new(
        policy: &'p Policy,
        items: Vec<ItemState>,
        facts: Vec<Option<Cow<'p, Value>>>,
        bits: ItemBits,
    ) -> Self {
        Bound {
            policy,
            items,
            facts,
            bits,
            as_of: None,
            held: None,
            listed: Cell::new(0),
        }
    }

    pub(super) fn empty(policy: &'p Policy) -> Self {
        let n = policy.items.len();
        Bound::new(
            policy,
            vec![ItemState::BLANK; n],
            vec![None; policy.facts.len()],
            ItemBits::new(n),
        )
    }

    pub(super) fn evaluate(&self, program: String) -> Evaluation {
        let p = self.policy;
        let mut memo: Vec<Option<LevelOutcome>> = vec![None; p.levels.len()];
        for &l in &p.level_order {
            self.level(l, &mut memo);
        }
        let levels: Vec<LevelOutcome> = memo.into_iter().flatten().collect();
        let qualified = levels.iter().rposition(|l| l.status == Status::Met);
        let (reached, membership) = match self.as_of {
            Some(as_of) => {
                let (level, m) = membership::status(p, qualified, self.held, as_of);
                (level, Some(m))
            }
            None => (qualified, None),
        };
        let level = reached.and_then(|i| levels.get(i)).map(|l| l.level.clone());
        let benefits = reached.map(|i| self.benefits(i)).unwrap_or_default();
        // A program whose transitional level's time ran out still meets that
        // level: the way back is the level above it, not the level it lost.
        let below_target = match &membership {
            Some(m) if m.reverted || m.reentry.is_some() => qualified,
            _ => reached,
        };
        let target = below_target.map_or(0, |i| i + 1);
        let expired = membership
            .as_ref()
            .filter(|m| m.state == MembershipState::Expired);
        let plan = match (expired, qualified.and_then(|q| levels.get(q))) {
            // An expired membership needs renewing before anything else.
            (Some(m), Some(q)) => Some(ImprovementPlan {
                target: q.level.clone(),
                conditions: vec![ConditionGap {
                    requirement: Arc::from(format!(
                        "renew the membership: its term ended on {}",
                        m.expires_on.map_or_else(String::new, |d| d.to_string())
                    )),
                    fact: None,
                    actual: None,
                    words: None,
                }],
                standards: Vec::new(),
                more_items: 0,
            }),
            _ => self.plan(target, &levels),
        };
        let unanswered = p
            .items
            .iter()
            .zip(&self.items)
            .filter(|(_, s)| s.answer.is_none())
            .map(|(it, _)| it.id().clone())
            .collect();
        Evaluation {
            policy: PolicyRef {
                name: Arc::clone(&p.name),
                version: p.version.clone(),
            },
            program,
            level,
            benefits,
            levels,
            scorecard: self.scorecard(),
            plan,
            unanswered,
            membership,
        }
    }

    fn summary(&self, level: usize) -> Option<LevelSummary> {
        self.policy.levels.get(level).map(|l| LevelSummary {
            id: l.id().clone(),
            title: Arc::clone(&l.title),
            rank: l.rank(),
        })
    }

    /// Evaluates level `i` into `memo`, after the levels it names (the
    /// policy's level order).
    fn level(&self, i: usize, memo: &mut [Option<LevelOutcome>]) {
        let Some(level) = self.policy.levels.get(i) else {
            return;
        };
        let requirements: Vec<RequirementOutcome> = level
            .requires
            .iter()
            .map(|r| self.requirement(r, memo))
            .collect();
        let status = at_least_of(requirements.len(), requirements.iter().map(|r| r.status));
        if let (Some(slot), Some(summary)) = (memo.get_mut(i), self.summary(i)) {
            *slot = Some(LevelOutcome {
                level: summary,
                status,
                requirements,
            });
        }
    }

    /// The outcome of a requirement and those nested in it. This recurses
    /// through nesting, whose depth the loader bounds: each nested
    /// requirement sits in a YAML mapping inside its parent's (`not` adds a
    /// mapping, `all`, `any` and `of` a list and a mapping), below the
    /// document's mapping, `levels`, the level's mapping and `requires`, so
    /// with `Limits::max_depth` (64 by default) nesting is at most 60
    /// requirements deep; through levels it does not recurse (a level named
    /// is looked up: levels are evaluated in the policy's level order). The tests run the deepest
    /// such input on a 1 MiB stack.
    fn requirement(
        &self,
        r: &Requirement,
        memo: &mut [Option<LevelOutcome>],
    ) -> RequirementOutcome {
        let text = Arc::clone(&r.shown);
        let (status, detail, children) = match &r.kind {
            Req::All(list) | Req::AtLeast(_, list) => {
                let needed = match &r.kind {
                    Req::AtLeast(n, _) => *n,
                    _ => list.len(),
                };
                let children: Vec<RequirementOutcome> =
                    list.iter().map(|c| self.requirement(c, memo)).collect();
                let holding = children.iter().filter(|c| c.status == Status::Met).count();
                (
                    at_least_of(needed, children.iter().map(|c| c.status)),
                    Detail::Group { needed, holding },
                    children,
                )
            }
            Req::Not(inner) => {
                let child = self.requirement(inner, memo);
                (logic::not_status(child.status), Detail::Not, vec![child])
            }
            Req::Fact {
                fact,
                test,
                expected,
            } => (
                self.fact_status(*fact, test),
                self.fact_detail(*fact, expected),
                Vec::new(),
            ),
            // One item named is met when it is not applicable.
            Req::Met(i) => {
                self.items_outcome(Selection::One(*i), ItemRule::All, WhenNoneApply::Met)
            }
            Req::Items {
                bits, rule, none, ..
            } => self.items_outcome(Selection::Bits(bits), *rule, *none),
            Req::Level(l) => {
                // Evaluated before: the policy's level order puts a level
                // after those it names.
                let status = memo
                    .get(*l)
                    .and_then(|d| d.as_ref().map(|d| d.status))
                    .unwrap_or(Status::Unmet);
                let level = self.level_id(*l);
                (status, Detail::Level { level }, Vec::new())
            }
            Req::Held { level, period } => {
                let (status, from) = self.held_status(*level, *period);
                let level = self.level_id(*level);
                (status, Detail::Held { level, from }, Vec::new())
            }
        };
        RequirementOutcome {
            requirement: text,
            status,
            detail,
            children,
        }
    }

    /// What a fact requirement found: the program's value and the test's phrase.
    fn fact_detail(&self, fact: usize, expected: &str) -> Detail {
        Detail::Fact {
            fact: self
                .policy
                .facts
                .get(fact)
                .map(|f| f.id().clone())
                .unwrap_or_else(|| FactId::new("")),
            actual: self.facts.get(fact).and_then(Option::as_deref).cloned(),
            expected: expected.to_owned(),
        }
    }

    /// The id of level `l`.
    fn level_id(&self, l: usize) -> LevelId {
        self.policy
            .levels
            .get(l)
            .map(|x| x.id().clone())
            .unwrap_or_else(|| LevelId::new(""))
    }

    /// The outcome of a rule over a set of items: counts by word operations
    /// on the item bits, and the first [`Detail::MAX_LISTED_ITEMS`] missing
    /// and unanswered items listed, so that its cost is the set's words and
    /// the few items listed, not every item of the set.
    fn items_outcome(
        &self,
        set: Selection<'_>,
        rule: ItemRule,
        none: WhenNoneApply,
    ) -> (Status, Detail, Vec<RequirementOutcome>) {
        let b = &self.bits;
        let met = set.count(&b.met);
        let applicable = set.count(&b.applies);
        // Unanswered items apply and are not met: no need to intersect further.
        let unanswered_count = set.count(&b.unanswered);
        let (missing, more_missing) = self.listed(
            set.and_not(&b.applies, &b.met),
            applicable.saturating_sub(met),
        );
        let (unanswered, more_unanswered) =
            self.listed(set.and_not(&b.unanswered, &b.met), unanswered_count);
        let status = logic::items_status(rule, none, met, applicable, unanswered_count);
        let needed = rule.needed(applicable);
        (
            status,
            Detail::Items {
                met,
                applicable,
                needed,
                missing,
                more_missing,
                unanswered,
                more_unanswered,
            },
            Vec::new(),
        )
    }

    /// The ids of the first [`Detail::MAX_LISTED_ITEMS`] of `indices`, and
    /// how many of `total` that leaves out.
    fn listed(&self, indices: impl Iterator<Item = usize>, total: usize) -> (Vec<ItemId>, usize) {
        let room = Detail::MAX_LISTED_IN_ALL.saturating_sub(self.listed.get());
        let ids: Vec<ItemId> = indices
            .take(Detail::MAX_LISTED_ITEMS.min(room))
            .filter_map(|i| self.policy.items.get(i).map(|it| it.id().clone()))
            .collect();
        self.listed.set(self.listed.get().saturating_add(ids.len()));
        let more = total.saturating_sub(ids.len());
        (ids, more)
    }

    fn benefits(&self, level: usize) -> Vec<GrantedBenefit> {
        let rank = self.policy.levels.get(level).map_or(0, |l| l.rank());
        self.policy
            .benefits
            .iter()
            .filter(|b| b.granted_to.get(level).copied().unwrap_or(false))
            .map(|b| GrantedBenefit {
                id: b.id().clone(),
                title: Arc::clone(&b.title),
                priority: b
                    .priority_from
                    .as_ref()
                    .is_some_and(|(_, from)| rank >= *from),
                quantity: b.quantity.clone(),
                discount: b.discount.clone(),
            })
            .collect()
    }

    fn scorecard(&self) -> Vec<StandardScore> {
        let p = self.policy;
        p.standards
            .iter()
            .map(|s| {
                let states = self.items.get(s.items.clone()).unwrap_or_default();
                let items = p.items.get(s.items.clone()).unwrap_or_default();
                let (mut met, mut applicable, mut unanswered) = (0, 0, 0);
                for st in states {
                    met += usize::from(st.met);
                    applicable += usize::from(st.applies());
                    unanswered += usize::from(st.answer.is_none());
                }
                let by_kind = p
                    .kinds
                    .iter()
                    .filter_map(|k| {
                        let (mut n, mut met, mut applicable) = (0, 0, 0);
                        for (_, st) in items
                            .iter()
                            .zip(states)
                            .filter(|(it, _)| it.kind() == k.id())
                        {
                            n += 1;
                            met += usize::from(st.met);
                            applicable += usize::from(st.applies());
                        }
                        (n > 0).then(|| KindScore {
                            kind: k.id().clone(),
                            title: Arc::clone(&k.title),
                            met,
                            applicable,
                        })
                    })
                    .collect();
                StandardScore {
                    standard: s.id().clone(),
                    title: Arc::clone(&s.title),
                    met,
                    applicable,
                    not_applicable: states.len() - applicable,
                    unanswered,
                    by_kind,
                }
            })
            .collect()
    }

    fn answer_state(&self, i: usize) -> AnswerState {
        let Some(state) = self.items.get(i) else {
            return AnswerState::Unanswered;
        };
        match state.answer {
            None => AnswerState::Unanswered,
            Some(Answer::Met) => AnswerState::Met,
            Some(Answer::NotMet) => AnswerState::NotMet,
            Some(Answer::InProgress) => AnswerState::InProgress,
            Some(Answer::NotApplicable) => AnswerState::NotApplicable,
            Some(Answer::Number(value)) => AnswerState::Number {
                value,
                at_least: state.threshold.unwrap_or(f64::NAN),
                unit: self
                    .policy
                    .items
                    .get(i)
                    .and_then(|it| it.threshold())
                    .map(|t| t.unit.clone())
                    .unwrap_or_default(),
            },
        }
    }

    /// What level `target` still needs: the conditions, and the items to
    /// improve, each once. `levels` holds every level's outcome by index.
    fn plan(&self, target: usize, levels: &[LevelOutcome]) -> Option<ImprovementPlan> {
        let outcome = levels.get(target)?;
        let mut wanted = Wanted {
            conditions: Vec::new(),
            taken: self.bits.met.clone(),
            reasons: Vec::new(),
            reason_of: Vec::new(),
        };
        self.want(target, levels, &mut wanted)?;
        let (standards, more_items) = self.gaps(&wanted);
        Some(ImprovementPlan {
            target: outcome.level.clone(),
            conditions: wanted.conditions,
            standards,
            more_items,
        })
    }

    /// Collects into `wanted` what level `target` still needs.
    ///
    /// One walk over the requirements and their outcomes side by side, with
    /// a stack instead of recursion; a level another names is walked once.
    /// An item is wanted by the first requirement that needs it: a bit set
    /// of items already met or wanted keeps each item to one entry, so the
    /// work is a few word operations per requirement and one entry per item,
    /// never a list of every requirement's items sorted.
    fn want(&self, target: usize, levels: &[LevelOutcome], wanted: &mut Wanted) -> Option<()> {
        let p = self.policy;
        let outcome = levels.get(target)?;
        let requires = &p.levels.get(target)?.requires;
        let mut visited = vec![false; p.levels.len()];
        if let Some(v) = visited.get_mut(target) {
            *v = true;
        }
        let mut stack: Vec<(&Requirement, &RequirementOutcome)> =
            requires.iter().zip(&outcome.requirements).rev().collect();
        while let Some((r, o)) = stack.pop() {
            if o.status == Status::Met {
                continue;
            }
            // A condition the program must change, as opposed to items to improve.
            let gap = |fact, actual| ConditionGap {
                requirement: Arc::clone(&o.requirement),
                fact,
                actual,
                words: None,
            };
            let set = match (&r.kind, &o.detail) {
                (Req::All(list) | Req::AtLeast(_, list), _) => {
                    stack.extend(list.iter().zip(&o.children).rev());
                    continue;
                }
                // A fact, or `not` of one: the fact in its words.
                (Req::Fact { .. }, _) | (Req::Not(_), Detail::Not) => {
                    wanted.conditions.push(self.fact_gap(r, o));
                    continue;
                }
                (Req::Level(l), _) => {
                    wanted.conditions.push(gap(None, None));
                    if let Some(v @ false) = visited.get_mut(*l) {
                        *v = true;
                        if let (Some(lv), Some(lo)) = (p.levels.get(*l), levels.get(*l)) {
                            stack.extend(lv.requires.iter().zip(&lo.requirements).rev());
                        }
                    }
                    continue;
                }
                // Unmet because nothing of the selection applies: no item
                // to improve, an answer to change.
                (Req::Items { items, .. }, Detail::Items { applicable: 0, .. }) => {
                    wanted.conditions.push(ConditionGap {
                        requirement: Arc::from(none_apply(&o.requirement, items.len())),
                        fact: None,
                        actual: None,
                        words: None,
                    });
                    continue;
                }
                (Req::Items { bits, .. }, Detail::Items { .. }) => Selection::Bits(bits),
                (Req::Met(i), Detail::Items { .. }) => Selection::One(*i),
                // `not`, `held`: conditions.
                _ => {
                    wanted.conditions.push(gap(None, None));
                    continue;
                }
            };
            self.want_items(set, o, wanted);
        }
        Some(())
    }

    /// The condition unmet requirement `r` (outcome `o`) sets: on a fact
    /// (or, for a `not`, on the fact it negates, the test turned round), in
    /// the fact's words; on anything else, the requirement's sentence.
    fn fact_gap(&self, r: &Requirement, o: &RequirementOutcome) -> ConditionGap {
        let (req, outcome, negated) = match (&r.kind, o.children.first()) {
            (Req::Not(inner), Some(child)) => (&**inner, child, true),
            _ => (r, o, false),
        };
        let mut gap = ConditionGap {
            requirement: Arc::clone(&o.requirement),
            fact: None,
            actual: None,
            words: None,
        };
        if let (Req::Fact { fact: f, test, .. }, Detail::Fact { fact, actual, .. }) =
            (&req.kind, &outcome.detail)
        {
            gap.words = self
                .policy
                .facts
                .get(*f)
                .map(|def| words::fact_words(def, test, negated, actual.as_ref()));
            gap.fact = Some(fact.clone());
            gap.actual = actual.clone();
        }
        gap
    }

    /// Marks the items of `set` that apply and are neither met nor wanted
    /// yet as wanted by outcome `o`.
    fn want_items(&self, set: Selection<'_>, o: &RequirementOutcome, wanted: &mut Wanted) {
        let new: Vec<usize> = set.and_not(&self.bits.applies, &wanted.taken).collect();
        if new.is_empty() {
            return;
        }
        if let Detail::Items { met, needed, .. } = &o.detail {
            wanted.reasons.push(Arc::from(format!(
                "{} ({met} of {needed} met)",
                o.requirement
            )));
        }
        if wanted.reason_of.is_empty() {
            wanted.reason_of = vec![0; self.policy.items.len()];
        }
        let reason = wanted.reasons.len().saturating_sub(1);
        for i in new {
            wanted.taken.insert(i);
            if let Some(slot) = wanted.reason_of.get_mut(i) {
                *slot = reason;
            }
        }
    }

    /// The items wanted, standard by standard in the policy's order, up to
    /// the plan's limit, and how many more there are.
    fn gaps(&self, wanted: &Wanted) -> (Vec<StandardGaps>, usize) {
        let p = self.policy;
        let mut listed = 0;
        let mut more_items = 0;
        let mut standards = Vec::new();
        // The loader refuses `not_applicable: true` on an item of such a
        // kind; checked here too, so the hint never contradicts the kind.
        let kinds_forbidding: Vec<&KindId> = p
            .kinds
            .iter()
            .filter(|k| k.forbids_not_applicable())
            .map(|k| k.id())
            .collect();
        for s in &p.standards {
            let mut items = Vec::new();
            for i in s.items.clone() {
                if !wanted.taken.contains(i) || self.bits.met.contains(i) {
                    continue;
                }
                if listed >= ImprovementPlan::MAX_ITEMS {
                    more_items += 1;
                    continue;
                }
                let (Some(item), Some(required_by)) = (
                    p.items.get(i),
                    wanted.reason_of.get(i).and_then(|&r| wanted.reasons.get(r)),
                ) else {
                    continue;
                };
                listed += 1;
                items.push(ItemGap {
                    item: item.id().clone(),
                    title: Arc::clone(&item.title),
                    question: Arc::clone(&item.question),
                    kind: item.kind().clone(),
                    answer: self.answer_state(i),
                    may_be_not_applicable: item.allows_not_applicable()
                        && !kinds_forbidding.contains(&item.kind()),
                    required_by: Arc::clone(required_by),
                });
            }
            if !items.is_empty() {
                standards.push(StandardGaps {
                    standard: s.id().clone(),
                    title: Arc::clone(&s.title),
                    items,
                });
            }
        }
        (standards, more_items)
    }
}

/// A plan's condition for a requirement over `n` items unmet because none
/// of them applies.
fn none_apply(requirement: &str, n: usize) -> String {
    if n == 1 {
        format!("{requirement}: its one item is answered not applicable; it must apply")
    } else {
        format!(
            "{requirement}: none of its {n} items applies (all answered not applicable); at least one must apply"
        )
    }
}

/// What a plan wants, as its walk finds it.
struct Wanted {
    /// Conditions outside the questionnaire.
    conditions: Vec<ConditionGap>,
    /// Items met or wanted.
    taken: BitSet,
    /// Why items are wanted: one reason per requirement that wants some.
    reasons: Vec<Arc<str>>,
    /// For each item wanted, its reason in `reasons` (empty until one is).
    reason_of: Vec<usize>,
}

/// The items a requirement counts: a set, or the one item of `met`.
#[derive(Clone, Copy)]
enum Selection<'a> {
    Bits(&'a BitSet),
    One(usize),
}

impl<'a> Selection<'a> {
    /// How many of its items are in `bits`.
    fn count(self, bits: &BitSet) -> usize {
        match self {
            Selection::Bits(set) => set.and_count(bits),
            Selection::One(i) => usize::from(bits.contains(i)),
        }
    }

    /// Its items in `with` and not in `without`, in order.
    fn and_not(self, with: &'a BitSet, without: &'a BitSet) -> impl Iterator<Item = usize> + 'a {
        let (set, one) = match self {
            Selection::Bits(set) => (Some(set), None),
            Selection::One(i) => (None, Some(i)),
        };
        set.into_iter()
            .flat_map(move |s| s.and_not(with, without))
            .chain(one.filter(|&i| with.contains(i) && !without.contains(i)))
    }
}
