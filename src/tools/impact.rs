//! The change-impact report between two versions of a policy: what changed
//! in the data, which programs' decisions change, and which semver bump that
//! calls for.

use std::collections::BTreeSet;
use std::fmt;

use serde::Serialize;

use crate::base::id::BenefitId;
use crate::model::assessment::Assessment;
use crate::model::policy::{FactType, Policy};
use crate::report::evaluation::{Evaluation, PolicyRef};
use crate::report::membership::LevelSummary;
use crate::tools::exact::Kind;
use crate::tools::space::Space;

/// A semver bump, ordered from none to major.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bump {
    /// No change at all.
    None,
    /// Wording only: no decision changes.
    Patch,
    /// Additions, or decisions that only improve.
    Minor,
    /// Some program can lose a level or a benefit, or an assessment that loaded stops loading.
    Major,
}

impl fmt::Display for Bump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        })
    }
}

impl Bump {
    /// The bump from `old` to `new`, as Cargo reads versions: below 1.0.0 a
    /// minor increase counts as major and a patch increase as minor.
    pub fn between(old: &semver::Version, new: &semver::Version) -> Bump {
        use std::cmp::Ordering::Greater;
        let (o, n) = (old, new);
        if n <= o {
            return Bump::None;
        }
        if n.major > o.major || (o.major == 0 && n.major == 0 && n.minor > o.minor) {
            return Bump::Major;
        }
        if o.major == 0 && n.minor == o.minor && n.patch > o.patch {
            return Bump::Minor;
        }
        match (n.minor.cmp(&o.minor), n.patch.cmp(&o.patch)) {
            (Greater, _) => Bump::Minor,
            _ => Bump::Patch,
        }
    }
}

/// What part of a policy a change touches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Subject {
    /// The policy's header.
    Policy,
    /// A kind of item.
    Kind,
    /// A program fact.
    Fact,
    /// A standard.
    Standard,
    /// An item.
    Item,
    /// A named set.
    Set,
    /// A level.
    Level,
    /// A benefit.
    Benefit,
}

/// Added, removed or changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// In the new version only.
    Added,
    /// In the old version only.
    Removed,
    /// In both, different.
    Changed,
}

/// One structural difference between the versions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Change {
    /// What it touches.
    pub subject: Subject,
    /// The id of what changed.
    pub id: String,
    /// Added, removed or changed.
    pub kind: ChangeKind,
    /// What changed, in words.
    pub detail: String,
    /// `Patch` for a change of wording alone (titles, descriptions,
    /// questions); otherwise the bump the whole report requires, which the
    /// decisions, not the change alone, prove.
    pub effect: Bump,
}

/// Where an assessment in the report came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Source {
    /// Given by the caller; the index in the list given.
    Given(usize),
    /// Generated, then shrunk to a minimal assessment showing the same change.
    Generated,
    /// Found by the exact analysis: a minimal assessment (fewest answers and
    /// facts stated) showing the change, replayed through both versions.
    Exact,
}

/// A program whose decision changes between the versions.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct DecisionChange {
    /// The program.
    pub program: String,
    /// Where the assessment came from.
    pub source: Source,
    /// The level under the old version.
    pub old_level: Option<LevelSummary>,
    /// The level under the new version.
    pub new_level: Option<LevelSummary>,
    /// Benefits granted only under the new version.
    pub gained: Vec<BenefitId>,
    /// Benefits granted only under the old version.
    pub lost: Vec<BenefitId>,
    /// The witness: the assessment as YAML, which reproduces the change.
    pub witness: String,
    /// The kind of change, in words (`level \`partner\` -> \`associate_partner\``,
    /// `benefit \`key_grants\` lost`, `no longer accepted: ...`).
    pub change: String,
    /// Whether the program loses: a level not at or above the old one in the
    /// old order (levels matched by id), a benefit, priority, a benefit's
    /// quantity or discount, an earlier renewal, or its assessment accepted.
    pub loss: bool,
}

impl DecisionChange {
    /// Whether the program loses a level, a benefit or anything it had.
    pub fn is_loss(&self) -> bool {
        self.loss
    }
}

/// How to compare two versions.
///
/// Start from the defaults and set what you need:
///
/// ```
/// let mut options = qbm::ImpactOptions::default();
/// options.generated = 500;
/// options.seed = 7;
/// let catalog = qbm::Catalog::builtin()?;
/// let mut versions = catalog.policies();
/// let (v1, v2) = (versions.next().unwrap(), versions.next().unwrap());
/// let report = qbm::ImpactReport::compare(v1, v2, &[], &options);
/// assert_eq!(report.generated, 500);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// The struct is `#[non_exhaustive]`, so that a later version can add an
/// option; a struct expression does not compile outside the crate:
///
/// ```compile_fail
/// let options = qbm::ImpactOptions { generated: 500, ..Default::default() };
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ImpactOptions {
    /// How many random assessments to evaluate under both versions as a
    /// check of the exact analysis (a change one shows that the analysis
    /// missed is reported in [`ImpactReport::disagreements`]).
    pub generated: usize,
    /// The seed of that generator: the same seed gives the same report.
    pub seed: u64,
    /// No longer used: the exact analysis reports one smallest witness for
    /// each kind of change.
    #[deprecated(note = "the exact analysis gives one smallest witness per kind of change")]
    pub witnesses_per_change: usize,
}

impl Default for ImpactOptions {
    // Setting the deprecated field here keeps it initialised for old code.
    #[allow(deprecated)]
    fn default() -> Self {
        Self {
            generated: 2000,
            seed: 0x5eed_0b5e,
            witnesses_per_change: 1,
        }
    }
}

/// The change-impact report between two versions of a policy.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ImpactReport {
    /// The old version.
    pub old: PolicyRef,
    /// The new version.
    pub new: PolicyRef,
    /// Structural differences.
    pub changes: Vec<Change>,
    /// Programs whose level or benefits change, with witnesses.
    pub decisions: Vec<DecisionChange>,
    /// How many assessments were given.
    pub given: usize,
    /// How many were generated.
    pub generated: usize,
    /// The least bump the changes call for.
    pub required: Bump,
    /// The bump the versions declare.
    pub declared: Bump,
    /// Whether `required` is proved over every possible assessment: every
    /// kind of change was asked of the solver, every witness reproduced,
    /// and no sampled assessment showed a change the analysis missed.
    pub proved: bool,
    /// Witnesses that did not reproduce, or sampled changes the analysis
    /// missed: bugs in the analysis, reported rather than dropped. When
    /// there are any, `required` is major.
    pub disagreements: Vec<String>,
    /// How many questions the solver answered.
    pub questions: usize,
    /// How many combinations of date comparisons a model used that no
    /// dates realise (searched: every as-of day of five years and of the
    /// years around 2100, each date back to the year 1), excluded before
    /// asking again. Reported so that a reader can judge the one search the
    /// proof relies on.
    pub excluded_dates: usize,
}

impl ImpactReport {
    /// Compares `old` with `new`: the structure, and the decisions over the
    /// `given` assessments and over generated ones.
    ///
    /// Each assessment is evaluated against each version with what that
    /// version can use (answers to items it lacks are left out), whatever
    /// version the assessment names.
    ///
    /// # Example
    ///
    /// ```
    /// use qbm::{Bump, Catalog, ImpactOptions, ImpactReport};
    ///
    /// let catalog = Catalog::builtin()?;
    /// let mut versions = catalog.policies();
    /// let (v1, v2) = (versions.next().unwrap(), versions.next().unwrap());
    /// let report = ImpactReport::compare(v1, v2, &[], &ImpactOptions::default());
    /// assert_eq!(report.required, Bump::Major);
    /// assert!(report.is_sufficient());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn compare(
        old: &Policy,
        new: &Policy,
        given: &[Assessment],
        options: &ImpactOptions,
    ) -> Self {
        let mut changes = structure(old, new);
        let mut exact = crate::tools::exact::analyse(old, new);
        let mut disagreements = std::mem::take(&mut exact.disagreements);
        disagreements.extend(unproved(&exact));
        let mut decisions = Vec::new();
        for (i, a) in given.iter().enumerate() {
            if let Some(mut d) = decide(old, new, a) {
                d.source = Source::Given(i);
                decisions.push(d);
            }
        }
        decisions.extend(exact.found.iter().map(exact_decision));
        // A renamed policy refuses every assessment that names the old one.
        if old.name() != new.name() {
            decisions.push(renamed_decision(old));
        }
        let found: Vec<&Kind> = exact.found.iter().map(|f| &f.kind).collect();
        missed_by_analysis(old, new, given, options, &found, &mut disagreements);
        let required =
            required_bump(&decisions, &changes, &disagreements).max(reentry_bump(old, new));
        for c in &mut changes {
            // A change line is wording only, or takes the report's bump:
            // no line says less than what the decisions prove.
            let wording = c
                .detail
                .split(", ")
                .all(|part| matches!(part, "title or description" | "title or question"));
            c.effect = if wording { Bump::Patch } else { required };
        }
        ImpactReport {
            old: PolicyRef {
                name: std::sync::Arc::clone(&old.name),
                version: old.version().clone(),
            },
            new: PolicyRef {
                name: std::sync::Arc::clone(&new.name),
                version: new.version().clone(),
            },
            changes,
            decisions,
            given: given.len(),
            generated: options.generated,
            required,
            declared: Bump::between(old.version(), new.version()),
            proved: disagreements.is_empty(),
            disagreements,
            questions: exact.questions,
            excluded_dates: exact.unrealised,
        }
    }

    /// Whether the declared version bump is at least the one the changes call for.
    pub fn is_sufficient(&self) -> bool {
        self.declared >= self.required
    }
}

/// Why the exact analysis proves nothing, or less than all, if it does not.
fn unproved(exact: &crate::tools::exact::Outcome) -> Vec<String> {
    let mut disagreements = Vec::new();
    if exact.too_large {
        disagreements.push(format!(
            "the two versions are too large to analyse exactly (their formula passed {} literals: requirements times the items they select): nothing is proved",
            crate::tools::exact::cnf::Cnf::BUDGET
        ));
    }
    if exact.given_up > 0 {
        disagreements.push(format!(
            "{} questions were given up after excluding {} combinations of dates each: their answer is not a proof",
            exact.given_up,
            crate::tools::exact::EXCLUSIONS
        ));
    }
    disagreements
}

/// A change the exact analysis found, as the report shows it.
fn exact_decision(f: &crate::tools::exact::Found) -> DecisionChange {
    let title = |e: &Option<Evaluation>| e.as_ref().and_then(|e| e.level.clone());
    let ids = |e: &Option<Evaluation>| e.as_ref().map(benefit_ids).unwrap_or_default();
    let (b, n) = (ids(&f.old), ids(&f.new));
    DecisionChange {
        program: f.witness.program().to_owned(),
        source: Source::Exact,
        old_level: title(&f.old),
        new_level: title(&f.new),
        gained: n.difference(&b).cloned().collect(),
        lost: b.difference(&n).cloned().collect(),
        witness: f.witness.to_yaml(),
        change: f.kind.describe(),
        loss: f.loss,
    }
}

/// A renamed policy: an assessment naming the old one is refused.
fn renamed_decision(old: &Policy) -> DecisionChange {
    let witness = Assessment::new("witness").for_policy(old.name(), semver::VersionReq::STAR);
    DecisionChange {
        program: witness.program().to_owned(),
        source: Source::Exact,
        old_level: None,
        new_level: None,
        gained: Vec::new(),
        lost: Vec::new(),
        witness: witness.to_yaml(),
        change: Kind::Refused("assessment.policy".to_owned()).describe(),
        loss: true,
    }
}

/// Given and sampled assessments check the implementation against the
/// proof: a change one shows that the analysis did not `found` is a bug,
/// added to `disagreements` (up to ten).
fn missed_by_analysis(
    old: &Policy,
    new: &Policy,
    given: &[Assessment],
    options: &ImpactOptions,
    found: &[&Kind],
    disagreements: &mut Vec<String>,
) {
    // The space is built only when sampling is asked for.
    let space = (options.generated > 0).then(|| Space::of(&[old, new]));
    let dims = space.as_ref().map(|s| s.dims()).unwrap_or_default();
    let mut rng = Rng::new(options.seed);
    let sampled = (0..options.generated).filter_map(|n| {
        let space = space.as_ref()?;
        let choice = rng.choice(space, &dims);
        Some(space.build(&format!("generated #{n}"), &choice))
    });
    for a in given.iter().cloned().chain(sampled) {
        let (Ok(e0), Ok(e1)) = (old.evaluate(&a), new.evaluate(&a)) else {
            continue;
        };
        for kind in kinds_between(&e0, &e1) {
            if !found.contains(&&kind) && disagreements.len() < 10 {
                disagreements.push(format!(
                    "the assessment of `{}` shows {}, which the analysis did not find; this is a bug in the analysis:\n{}",
                    crate::base::error::escaped(a.program()),
                    kind.describe(),
                    a.to_yaml()
                ));
            }
        }
    }
}

/// What the edits to transitional levels' `reentry` rules call for, which
/// the exact analysis does not see: its assessments record no history, so
/// no rule bars them. Reasoned instead: a program barred under the old rule
/// may be let back under the new (`never` to `after`, or a shorter wait):
/// a gain, minor; one let back under the old may be barred under the new
/// (`after` to `never`, a longer wait, or a level newly transitional with a
/// rule): a loss, major. Levels in one policy only are the level changes'
/// concern.
fn reentry_bump(old: &Policy, new: &Policy) -> Bump {
    use crate::model::policy::Reentry;
    let mut bump = Bump::None;
    for o in old.levels() {
        let Some(n) = new.levels().iter().find(|n| n.id() == o.id()) else {
            continue;
        };
        let rule = |l: &crate::model::policy::Level| l.time_limit().map(|t| t.reentry);
        let step = match (rule(o), rule(n)) {
            (a, b) if a == b => Bump::None,
            // Newly transitional or no longer: the time limit's own change
            // decides, and the analysis sees it.
            (None, _) | (_, None) => Bump::None,
            (Some(Reentry::Never), Some(_)) => Bump::Minor,
            (Some(_), Some(Reentry::Never)) => Bump::Major,
            (Some(Reentry::After(a)), Some(Reentry::After(b))) if shorter(a, b) => Bump::Major,
            (Some(Reentry::After(a)), Some(Reentry::After(b))) if shorter(b, a) => Bump::Minor,
            // Neither ends before the other from any start: the same wait
            // written another way.
            _ => Bump::None,
        };
        bump = bump.max(step);
    }
    bump
}

/// The least bump: major for a loss, minor for a gain, patch for wording
/// alone; major whenever something is not proved.
fn required_bump(
    decisions: &[DecisionChange],
    changes: &[Change],
    disagreements: &[String],
) -> Bump {
    if !disagreements.is_empty() {
        return Bump::Major;
    }
    let decided = decisions.iter().fold(Bump::None, |acc, d| {
        acc.max(if d.is_loss() {
            Bump::Major
        } else {
            Bump::Minor
        })
    });
    let wording = if changes.is_empty() {
        Bump::None
    } else {
        Bump::Patch
    };
    decided.max(wording)
}

fn benefit_ids(e: &Evaluation) -> BTreeSet<BenefitId> {
    e.benefits.iter().map(|b| b.id.clone()).collect()
}

/// The kinds of change between two evaluations of one assessment.
fn kinds_between(before: &Evaluation, after: &Evaluation) -> Vec<Kind> {
    let mut out = Vec::new();
    let id = |e: &Evaluation| e.level.as_ref().map(|l| l.id.to_string());
    if id(before) != id(after) {
        out.push(Kind::Level(id(before), id(after)));
    }
    for b in &before.benefits {
        match after.benefits.iter().find(|x| x.id == b.id) {
            None => out.push(Kind::BenefitLost(b.id.to_string())),
            Some(x) => {
                if b.priority && !x.priority {
                    out.push(Kind::PriorityLost(b.id.to_string()));
                }
                if !b.priority && x.priority {
                    out.push(Kind::PriorityGained(b.id.to_string()));
                }
            }
        }
    }
    for b in &after.benefits {
        if !before.benefits.iter().any(|x| x.id == b.id) {
            out.push(Kind::BenefitGained(b.id.to_string()));
        }
    }
    let due = |e: &Evaluation| {
        e.membership
            .as_ref()
            .is_some_and(|m| m.state == crate::report::membership::MembershipState::DueForRenewal)
    };
    if let (Some(l), true) = (id(before), id(before) == id(after)) {
        match (due(before), due(after)) {
            (false, true) => out.push(Kind::DueSooner(l)),
            (true, false) => out.push(Kind::DueLater(l)),
            _ => {}
        }
    }
    out
}

/// The decision change for one given assessment, if there is one, each
/// version using what it can of the assessment.
fn decide(old: &Policy, new: &Policy, a: &Assessment) -> Option<DecisionChange> {
    let before = old.evaluate_projected(a);
    let after = new.evaluate_projected(a);
    let kinds = kinds_between(&before, &after);
    if kinds.is_empty() {
        return None;
    }
    let (b, n) = (benefit_ids(&before), benefit_ids(&after));
    let loss = kinds.iter().any(|k| match k {
        Kind::Level(x, y) => crate::tools::exact::level_loss(old, new, x.as_deref(), y.as_deref()),
        Kind::BenefitLost(_) | Kind::PriorityLost(_) | Kind::DueSooner(_) => true,
        _ => false,
    });
    Some(DecisionChange {
        program: a.program().to_owned(),
        source: Source::Generated,
        old_level: before.level,
        new_level: after.level,
        gained: n.difference(&b).cloned().collect(),
        lost: b.difference(&n).cloned().collect(),
        witness: a.to_yaml(),
        change: kinds
            .iter()
            .map(Kind::describe)
            .collect::<Vec<_>>()
            .join("; "),
        loss,
    })
}

/// A small deterministic generator (xorshift64*), so that a report is the
/// same for the same seed on every platform.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        #[allow(clippy::cast_possible_truncation)]
        let n64 = n.max(1) as u64;
        #[allow(clippy::cast_possible_truncation)]
        let r = (self.next() % n64) as usize;
        r
    }

    /// A point of the space, biased toward programs that meet much: each
    /// assessment draws how often answers are the best and facts favourable,
    /// so that high levels are reached often enough to be compared.
    fn choice(&mut self, space: &Space, dims: &[usize]) -> Vec<usize> {
        const PROFILES: [u64; 5] = [50, 80, 95, 99, 100];
        let p_item = PROFILES
            .get(self.below(PROFILES.len()))
            .copied()
            .unwrap_or(100);
        let p_fact = PROFILES
            .get(self.below(PROFILES.len()))
            .copied()
            .unwrap_or(100);
        let mut out = Vec::with_capacity(dims.len());
        for c in &space.items {
            let pick = if self.next() % 100 < p_item {
                c.best
            } else {
                self.below(c.options.len())
            };
            out.push(pick);
        }
        for f in &space.facts {
            let pick = match f.favored.get(self.below(f.favored.len().max(1))) {
                Some(&fav) if self.next() % 100 < p_fact => fav,
                _ => self.below(f.options.len()),
            };
            out.push(pick);
        }
        out
    }
}

/// The structural differences between two policies.
fn structure(old: &Policy, new: &Policy) -> Vec<Change> {
    let mut out = header_changes(old, new);
    kind_changes(&mut out, old, new);
    fact_changes(&mut out, old, new);
    standard_changes(&mut out, old, new);
    item_changes(&mut out, old, new);
    set_changes(&mut out, old, new);
    level_changes(&mut out, old, new);
    benefit_changes(&mut out, old, new);
    out
}

/// Changes to the policy's header: its name, renewal term, wording.
fn header_changes(old: &Policy, new: &Policy) -> Vec<Change> {
    let mut out = Vec::new();
    let policy = |detail: &str, effect| Change {
        subject: Subject::Policy,
        id: new.name().to_owned(),
        kind: ChangeKind::Changed,
        detail: detail.to_owned(),
        effect,
    };
    if old.name() != new.name() {
        out.push(policy(
            &format!("renamed from `{}`", old.name()),
            Bump::Major,
        ));
    }
    if old.renewal() != new.renewal() {
        let effect = match (old.renewal(), new.renewal()) {
            (None, Some(_)) => Bump::Major,
            (Some(_), None) => Bump::Minor,
            (Some(a), Some(b)) if shorter(b.every, a.every) => Bump::Major,
            _ => Bump::Minor,
        };
        out.push(policy("renewal term", effect));
    }
    if old.term_restarts_on_promotion() != new.term_restarts_on_promotion() {
        out.push(policy("whether a term restarts on promotion", Bump::Minor));
    }
    if old.title() != new.title() || old.description() != new.description() {
        out.push(policy("title or description", Bump::Patch));
    }
    out
}

/// Changes to the kinds of item.
fn kind_changes(out: &mut Vec<Change>, old: &Policy, new: &Policy) {
    diff(
        out,
        Subject::Kind,
        (
            old.kinds(),
            new.kinds(),
            |k: &crate::model::policy::Kind| k.id().as_str(),
        ),
        |_| ("new kind".into(), Bump::Minor),
        |_| ("kind removed".into(), Bump::Major),
        |o, n| {
            if !o.forbids_not_applicable() && n.forbids_not_applicable() {
                Some(("now forbids not applicable".into(), Bump::Major))
            } else {
                (o.forbids_not_applicable() != n.forbids_not_applicable() || o.title() != n.title())
                    .then(|| ("title or not-applicable rule".into(), Bump::Patch))
            }
        },
    );
}

/// Changes to the facts.
fn fact_changes(out: &mut Vec<Change>, old: &Policy, new: &Policy) {
    diff(
        out,
        Subject::Fact,
        (
            old.facts(),
            new.facts(),
            |f: &crate::model::policy::Fact| f.id().as_str(),
        ),
        |_| ("new fact".into(), Bump::Minor),
        |_| {
            (
                "fact removed: assessments that give it no longer load".into(),
                Bump::Major,
            )
        },
        |o, n| {
            if o.fact_type() != n.fact_type() {
                let effect = if accepts_all(o.fact_type(), n.fact_type()) {
                    Bump::Minor
                } else {
                    Bump::Major
                };
                Some(("type, values or bounds".into(), effect))
            } else {
                (o.title() != n.title() || o.question() != n.question())
                    .then(|| ("title or question".into(), Bump::Patch))
            }
        },
    );
}

/// Changes to the standards.
fn standard_changes(out: &mut Vec<Change>, old: &Policy, new: &Policy) {
    diff(
        out,
        Subject::Standard,
        (
            old.standards(),
            new.standards(),
            |s: &crate::model::policy::Standard| s.id().as_str(),
        ),
        |s| (format!("new standard: {}", s.title()), Bump::Minor),
        |s| (format!("standard removed: {}", s.title()), Bump::Major),
        |o, n| {
            (o.title() != n.title() || o.description() != n.description())
                .then(|| ("title or description".into(), Bump::Patch))
        },
    );
}

/// Changes to the items.
fn item_changes(out: &mut Vec<Change>, old: &Policy, new: &Policy) {
    diff(
        out,
        Subject::Item,
        (
            old.items(),
            new.items(),
            |i: &crate::model::policy::Item| i.id().as_str(),
        ),
        |i| (format!("new {}: {}", i.kind(), i.title()), Bump::Minor),
        |i| {
            (
                format!(
                    "{} removed: assessments that answer it no longer load",
                    i.kind()
                ),
                Bump::Major,
            )
        },
        |o, n| {
            let mut what = Vec::new();
            let mut effect = Bump::Patch;
            if o.allows_not_applicable() && !n.allows_not_applicable() {
                what.push("no longer allows not applicable");
                effect = Bump::Major;
            } else if o.allows_not_applicable() != n.allows_not_applicable() {
                what.push("now allows not applicable");
            }
            if o.threshold().is_some() != n.threshold().is_some() {
                what.push("answered with a number, or no longer");
                effect = Bump::Major;
            } else if o.threshold() != n.threshold() {
                what.push("threshold");
            }
            if o.kind() != n.kind() {
                what.push("kind");
            }
            if old.standard_of(o).map(|s| s.id()) != new.standard_of(n).map(|s| s.id()) {
                what.push("standard");
            }
            if o.title() != n.title() || o.question() != n.question() {
                what.push("title or question");
            }
            (!what.is_empty()).then(|| (what.join(", "), effect))
        },
    );
}

/// Changes to the named sets.
fn set_changes(out: &mut Vec<Change>, old: &Policy, new: &Policy) {
    diff(
        out,
        Subject::Set,
        (
            old.sets(),
            new.sets(),
            |s: &crate::model::policy::ItemSet| s.id().as_str(),
        ),
        |_| ("new set".into(), Bump::Minor),
        // What a removed set required shows as a requirement change.
        |_| ("set removed".into(), Bump::Patch),
        |o, n| {
            let (a, b): (Vec<&str>, Vec<&str>) = (
                old.set_items(o).map(|i| i.id().as_str()).collect(),
                new.set_items(n).map(|i| i.id().as_str()).collect(),
            );
            (a != b).then(|| {
                let added = b.iter().filter(|x| !a.contains(x)).count();
                let removed = a.iter().filter(|x| !b.contains(x)).count();
                (
                    format!("{added} items added, {removed} removed"),
                    Bump::Patch,
                )
            })
        },
    );
}

/// Changes to the levels.
fn level_changes(out: &mut Vec<Change>, old: &Policy, new: &Policy) {
    diff(
        out,
        Subject::Level,
        (
            old.levels(),
            new.levels(),
            |l: &crate::model::policy::Level| l.id().as_str(),
        ),
        |l| (format!("new level: {}", l.title()), Bump::Minor),
        |l| (format!("level removed: {}", l.title()), Bump::Major),
        |o, n| {
            let text = |l: &crate::model::policy::Level| -> Vec<String> {
                l.requirements()
                    .iter()
                    .map(crate::model::requirement::Requirement::deep_text)
                    .collect()
            };
            let mut what = Vec::new();
            if text(o) != text(n) {
                what.push("requirements");
            }
            if o.rank() != n.rank() {
                what.push("rank");
            }
            if o.title() != n.title() || o.description() != n.description() {
                what.push("title or description");
            }
            // A level that lasts less, or newly lapses, can cost a program its level.
            let mut effect = Bump::Patch;
            if o.renewal() != n.renewal() {
                what.push("renewal");
                effect = Bump::Minor;
            }
            if o.time_limit().map(|t| t.reentry) != n.time_limit().map(|t| t.reentry) {
                what.push("reentry");
            }
            if o.time_limit().map(|t| (t.after, &t.reverts_to))
                != n.time_limit().map(|t| (t.after, &t.reverts_to))
            {
                what.push("time limit");
                effect = match (o.time_limit(), n.time_limit()) {
                    (None, Some(_)) => Bump::Major,
                    (Some(_), None) => Bump::Minor,
                    (Some(a), Some(b))
                        if shorter(b.after, a.after) || a.reverts_to != b.reverts_to =>
                    {
                        Bump::Major
                    }
                    _ => Bump::Minor,
                };
            }
            (!what.is_empty()).then(|| (what.join(", "), effect))
        },
    );
}

/// Changes to the benefits.
fn benefit_changes(out: &mut Vec<Change>, old: &Policy, new: &Policy) {
    diff(
        out,
        Subject::Benefit,
        (
            old.benefits(),
            new.benefits(),
            |b: &crate::model::policy::Benefit| b.id().as_str(),
        ),
        |b| (format!("new benefit: {}", b.title()), Bump::Minor),
        |b| (format!("benefit removed: {}", b.title()), Bump::Major),
        |o, n| {
            let mut what = Vec::new();
            let mut effect = Bump::Patch;
            if o.grant() != n.grant() {
                what.push("levels granted");
            }
            if o.quantity != n.quantity {
                what.push("quantity");
                let less = match (&o.quantity, &n.quantity) {
                    (Some(a), Some(b)) => b.amount < a.amount,
                    (Some(_), None) => true,
                    _ => false,
                };
                if less {
                    effect = Bump::Major;
                }
            }
            if o.priority_from != n.priority_from {
                what.push("priority");
                let later = match (&o.priority_from, &n.priority_from) {
                    (Some((_, a)), Some((_, b))) => b > a,
                    (Some(_), None) => true,
                    _ => false,
                };
                effect = effect.max(if later { Bump::Major } else { Bump::Minor });
            }
            if o.discount != n.discount {
                what.push("discount");
                effect = effect.max(Bump::Minor);
            }
            if o.title() != n.title() || o.description() != n.description() {
                what.push("title or description");
            }
            (!what.is_empty()).then(|| (what.join(", "), effect))
        },
    );
}

/// The old and new lists of one kind of thing, and how to read a thing's id.
type Versions<'a, T> = (&'a [T], &'a [T], fn(&T) -> &str);

/// Compares two lists of things by id: those added, removed, and changed
/// (where `changed` says what and the bump it calls for), in the old order
/// and then the new.
fn diff<T>(
    out: &mut Vec<Change>,
    subject: Subject,
    (old, new, id): Versions<'_, T>,
    added: impl Fn(&T) -> (String, Bump),
    removed: impl Fn(&T) -> (String, Bump),
    changed: impl Fn(&T, &T) -> Option<(String, Bump)>,
) {
    let change = |name: &str, kind, (detail, effect): (String, Bump)| Change {
        subject,
        id: name.to_owned(),
        kind,
        detail,
        effect,
    };
    let by_id = |list: &'_ [T]| -> crate::base::hash::Map<String, usize> {
        list.iter()
            .enumerate()
            .map(|(i, x)| (id(x).to_owned(), i))
            .collect()
    };
    let (old_ids, new_ids) = (by_id(old), by_id(new));
    for o in old {
        match new_ids.get(id(o)).and_then(|&i| new.get(i)) {
            None => out.push(change(id(o), ChangeKind::Removed, removed(o))),
            Some(n) => out.extend(changed(o, n).map(|c| change(id(o), ChangeKind::Changed, c))),
        }
    }
    for n in new.iter().filter(|n| !old_ids.contains_key(id(n))) {
        out.push(change(id(n), ChangeKind::Added, added(n)));
    }
}

/// Whether period `a` ends before period `b` from some start date (month
/// lengths vary, so a few starts are tried, month ends and a leap day among them).
fn shorter(a: crate::base::date::Period, b: crate::base::date::Period) -> bool {
    use crate::base::date::{Date, Period};
    // Exact, not sampled: the Gregorian calendar repeats every 400 years
    // (146,097 days), and adding a period depends on the start's place in
    // that cycle alone, so every start of one cycle is tried (12 months
    // and 365 days differ only from a start that puts a 29 February in
    // between). A start the calendar cannot hold counts as shorter: a
    // change not proved is the larger one.
    const CYCLE: u32 = 146_097;
    let day = Period {
        years: 0,
        months: 0,
        days: 1,
    };
    let Ok(mut start) = "2000-01-01".parse::<Date>() else {
        return true;
    };
    for _ in 0..CYCLE {
        if let (Some(x), Some(y)) = (start.add(a), start.add(b))
            && x < y
        {
            return true;
        }
        match start.add(day) {
            Some(next) => start = next,
            None => return true,
        }
    }
    false
}

/// Whether every value the old type accepts, the new type accepts too.
fn accepts_all(old: &FactType, new: &FactType) -> bool {
    match (old, new) {
        (FactType::Choice(a), FactType::Choice(b)) => a.iter().all(|v| b.contains(v)),
        (
            FactType::Number {
                min: a0, max: a1, ..
            },
            FactType::Number {
                min: b0, max: b1, ..
            },
        ) => {
            let lower = match (a0, b0) {
                (_, None) => true,
                (None, Some(_)) => false,
                (Some(a), Some(b)) => b <= a,
            };
            let upper = match (a1, b1) {
                (_, None) => true,
                (None, Some(_)) => false,
                (Some(a), Some(b)) => b >= a,
            };
            lower && upper
        }
        (a, b) => a == b,
    }
}

impl fmt::Display for ImpactReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} {} -> {} {}",
            self.old.name, self.old.version, self.new.name, self.new.version
        )?;
        writeln!(f)?;
        self.write_changes(f)?;
        writeln!(f)?;
        self.write_decisions(f)?;
        writeln!(f)?;
        self.write_verdict(f)
    }
}

impl ImpactReport {
    /// The structural changes, one a line.
    fn write_changes(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Structural changes ({}):", self.changes.len())?;
        if self.changes.is_empty() {
            writeln!(f, "  none")?;
        }
        for c in &self.changes {
            let kind = match c.kind {
                ChangeKind::Added => "+",
                ChangeKind::Removed => "-",
                ChangeKind::Changed => "~",
            };
            writeln!(f, "  {kind} {:?} {}: {}", c.subject, c.id, c.detail)?;
        }
        Ok(())
    }

    /// The decision changes, each with what it loses and gains and its witness.
    fn write_decisions(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Decision changes ({}: every kind of change found over all assessments by {} questions to a SAT solver, and over {} given assessments):",
            self.decisions.len(),
            self.questions,
            self.given,
        )?;
        if self.decisions.is_empty() {
            writeln!(f, "  none")?;
        }
        self.decisions.iter().try_for_each(|d| write_decision(f, d))
    }

    /// The errors of the analysis, the bump required and whether the
    /// declared one suffices.
    fn write_verdict(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for problem in &self.disagreements {
            writeln!(f, "ANALYSIS ERROR: {problem}")?;
        }
        let proof = if self.proved {
            "proved over every assessment"
        } else {
            "NOT proved: see the errors above; taken as major"
        };
        writeln!(
            f,
            "Required bump: {} ({proof}); declared: {}.",
            self.required, self.declared
        )?;
        if self.is_sufficient() {
            writeln!(f, "The declared version is sufficient.")
        } else {
            writeln!(
                f,
                "The declared version is too small: release it as a {} change.",
                self.required
            )
        }
    }
}

/// One decision change of the report.
fn write_decision(f: &mut fmt::Formatter<'_>, d: &DecisionChange) -> fmt::Result {
    let title = |l: &Option<LevelSummary>| {
        l.as_ref()
            .map_or("no level".to_owned(), |l| l.title.to_string())
    };
    let arrow = if d.is_loss() { "LOSS" } else { "gain" };
    let source = match d.source {
        Source::Given(i) => format!("given #{i}: {}", d.change),
        Source::Generated => format!("generated, shrunk: {}", d.change),
        Source::Exact => format!("{}, minimal witness", d.change),
    };
    writeln!(
        f,
        "  [{arrow}] {} ({source}): {} -> {}",
        // A stored assessment's name: a line break in it must not
        // start a line of the report.
        crate::base::error::escaped(&d.program),
        title(&d.old_level),
        title(&d.new_level)
    )?;
    let ids = |v: &[BenefitId]| {
        v.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !d.lost.is_empty() {
        writeln!(f, "      loses: {}", ids(&d.lost))?;
    }
    if !d.gained.is_empty() {
        writeln!(f, "      gains: {}", ids(&d.gained))?;
    }
    if matches!(d.source, Source::Generated | Source::Exact) {
        writeln!(f, "      witness:")?;
        for line in d.witness.lines() {
            writeln!(f, "        {line}")?;
        }
    }
    Ok(())
}
