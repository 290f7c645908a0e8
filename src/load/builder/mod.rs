//! Builds a [`Policy`] from the raw layer, collecting every problem.
//!
//! [`Builder::build`] runs one phase after another, each in its own file and
//! each handing the next a typed index of what it built: the header's
//! texts, kinds, facts, standards and items, named sets, the levels' ids and
//! ranks, the levels' requirements, benefits, and the membership terms. A
//! phase reports what it finds wrong and goes on, so that one load lists
//! every problem; the build fails at the end if any was found.

mod benefits;
mod facts;
mod header;
mod items;
mod kinds;
mod levels;
mod membership;
mod requirements;
mod sets;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use crate::base::bitset::BitSet;
use crate::base::error::{
    DiagnosticKind as K, Diagnostics, LineFlaw, line_flaw, quote, quote_code_points, shows_nothing,
    shows_nothing_message,
};
use crate::base::hash::Map;
use crate::base::limits::Limits;
use crate::base::suggest::did_you_mean_or_list;
use crate::load::raw::RawPolicy;
use crate::load::yaml::{SourceMap, key_path};
use crate::model::policy::Policy;

/// Builds a [`Policy`] from the raw layer, collecting every problem.
pub(crate) struct Builder<'m> {
    map: &'m SourceMap,
    limits: &'m Limits,
    errors: crate::base::error::Found,
    /// How deep the requirement being built is nested.
    depth: usize,
    /// Every distinct selection of items made by a requirement, with its
    /// bits: see [`Builder::shared`].
    selections: Map<Arc<[usize]>, Arc<BitSet>>,
}

impl<'m> Builder<'m> {
    pub(crate) fn new(map: &'m SourceMap, limits: &'m Limits) -> Self {
        Self {
            map,
            limits,
            errors: crate::base::error::Found::new(
                limits.max_diagnostics,
                limits.max_suggestions,
                true,
            ),
            depth: 0,
            selections: Map::default(),
        }
    }

    /// Runs the phases in turn; see the module's documentation.
    pub(crate) fn build(mut self, raw: RawPolicy) -> Result<Policy, Diagnostics> {
        if !header::within_limits(&mut self, &raw) {
            return Err(self.errors.finish());
        }
        header::check(&mut self, &raw);
        let kinds = kinds::build(&mut self, &raw.kinds);
        let facts = facts::build(&mut self, &raw.facts);
        let items = items::build(&mut self, &raw.standards, &kinds, &facts);
        let Some(sets) = sets::build(&mut self, &raw.sets, &kinds, &items) else {
            return Err(self.errors.finish());
        };
        let ranks = levels::index(&mut self, &raw.levels);
        let scope = requirements::Scope {
            kinds: &kinds,
            facts: &facts,
            items: &items,
            sets: &sets,
            levels: &ranks,
        };
        let levels = requirements::levels(&mut self, &raw.levels, &scope);
        levels::cycles(&mut self, &levels, &ranks);
        let benefits = benefits::build(&mut self, &raw.benefits, &ranks, &levels);
        let renewal = membership::renewal(&mut self, raw.membership.as_ref());
        if !self.errors.is_empty() {
            // Report in document order.
            return Err(self.errors.finish());
        }
        let item_order = sorted_ids(items.items.iter().map(|it| it.id.clone()));
        let fact_order = sorted_ids(facts.facts.iter().map(|f| f.id.clone()));
        Ok(Policy {
            name: raw.policy.name.as_str().into(),
            version: raw.policy.version,
            title: raw.policy.title,
            description: raw.policy.description,
            origin: String::new(),
            kinds: kinds.kinds,
            facts: facts.facts,
            standards: items.standards,
            items: items.items,
            sets: sets.sets,
            level_order: levels::dependency_order(&levels),
            levels,
            benefits,
            renewal,
            item_order,
            fact_order,
            source: raw.policy.source,
            level_listing: ranks.listing(),
            terms: membership::terms(raw.membership.as_ref()),
        })
    }

    fn err(&mut self, kind: K, path: &str, message: impl Into<String>, hint: Option<String>) {
        self.errors.push(self.map.diag(kind, path, message, hint));
    }

    /// Checks a text that reports and messages show on one line (an id, a
    /// name, a title, a unit, a choice, a label), called `what` in the
    /// error, found at `path`: a line break, a control character or an
    /// invisible mark in it would break the line, or hide or reorder what
    /// the line shows.
    fn one_line(&mut self, text: &str, path: &str, what: impl std::fmt::Display) {
        let Some(flaw) = line_flaw(text) else {
            return;
        };
        let (message, hint) = match flaw {
            LineFlaw::Break { trailing } => (
                format!("the {what} {} is more than one line", quote(text)),
                if trailing {
                    "a block scalar (`>` or `|`) keeps its last line break: write `>-` or `|-`"
                        .to_owned()
                } else {
                    format!("write the {what} on one line")
                },
            ),
            LineFlaw::Hidden => (
                format!(
                    "the {what} {} holds a control character or an invisible mark",
                    quote(text)
                ),
                "remove it: where the text is shown, it would hide or reorder what follows"
                    .to_owned(),
            ),
        };
        self.err(K::InvalidValue, path, message, Some(hint));
    }

    /// As [`Builder::one_line`], for a name or a title, which must not be
    /// blank either.
    fn named(&mut self, text: &str, path: &str, what: &str) {
        match self.map.blank(text, || path.to_owned(), what, None) {
            Some(d) => self.errors.push(d),
            None if shows_nothing(text) => {
                let (message, hint) = shows_nothing_message(&what, text);
                self.err(K::InvalidValue, path, message, Some(hint));
            }
            None => self.one_line(text, path, what),
        }
    }

    /// The items of a requirement's selection and their bits, shared with
    /// every earlier requirement that selected the same items.
    ///
    /// A selection, sets followed, is the items of one standard (or all)
    /// and of one kind (or all), within all items or within a list the
    /// policy writes out (`items: [...]`, the last in a chain of sets), so
    /// the distinct selections of a policy hold at most four times its
    /// items and its lists, however many requirements repeat them: kept
    /// once each, they cost memory linear in the policy. One copy per
    /// requirement cost requirements x items (20,000 `all_met` over 10,000
    /// items: 1.6 GB from 1.4 MB of YAML).
    fn shared(&mut self, n: usize, items: Vec<usize>) -> (Arc<[usize]>, Arc<BitSet>) {
        if let Some((known, bits)) = self.selections.get_key_value(items.as_slice()) {
            return (Arc::clone(known), Arc::clone(bits));
        }
        let items: Arc<[usize]> = items.into();
        let bits = Arc::new(BitSet::of(n, &items));
        self.selections
            .insert(Arc::clone(&items), Arc::clone(&bits));
        (items, bits)
    }

    /// Reports an unknown reference with the nearest known name.
    fn unknown<T>(&mut self, path: &str, what: &str, name: &str, known: &Map<String, T>) {
        let plural = if what.ends_with('s') {
            what.to_owned()
        } else {
            format!("{what}s")
        };
        let hint = match twin_of(name, known) {
            Some(twin) => Some(format!(
                "did you mean {}? {} differs from it only in Unicode normalisation",
                quote_code_points(twin),
                quote_code_points(name)
            )),
            // Only the first `Limits::max_suggestions` unknown names of a
            // policy are searched for a near name; the rest are named only
            // when there are few enough names to list them (at most 11 read).
            None if self.errors.may_suggest() => {
                did_you_mean_or_list(name, &plural, known.keys().map(String::as_str))
            }
            None => crate::base::suggest::list_if_few(&plural, known.keys().map(String::as_str)),
        };
        self.err(
            K::UnknownReference,
            path,
            format!("unknown {what} {}", quote(name)),
            hint,
        );
    }

    /// Checks one id of a list, called `what` in errors and found at
    /// `id_path`, for what every id must be: not blank, visible, one line,
    /// within `Limits::max_id_bytes`. Reports it and says `false` when not.
    fn id_is_sound(&mut self, what: &str, id: &str, id_path: &str) -> bool {
        if id.trim().is_empty() {
            self.err(
                K::InvalidValue,
                id_path,
                format!("{what} id is empty"),
                None,
            );
            return false;
        }
        if shows_nothing(id) {
            let (message, hint) = shows_nothing_message(&format_args!("{what} id"), id);
            self.err(K::InvalidValue, id_path, message, Some(hint));
            return false;
        }
        self.one_line(id, id_path, format_args!("{what} id"));
        if id.len() > self.limits.max_id_bytes {
            let hint = Some(format!(
                "ids are at most {} bytes",
                self.limits.max_id_bytes
            ));
            let message = format!("{what} id {} is {} bytes long", quote(id), id.len());
            self.err(K::Limit, id_path, message, hint);
            return false;
        }
        true
    }

    /// Checks ids for duplicates and builds an id -> index map. `ids` gives
    /// each id with the path of the entry that holds it; `what` names one
    /// (`item`), `list` where they must be unique (`the items of all
    /// standards`).
    fn index_ids<'i>(
        &mut self,
        what: &str,
        list: &str,
        ids: impl Iterator<Item = (String, &'i str)>,
    ) -> Map<String, usize> {
        let mut ids_seen = Seen::default();
        for (i, (path, id)) in ids.enumerate() {
            let id_path = key_path(&path, "id");
            if !self.id_is_sound(what, id, &id_path) {
                continue;
            }
            if let Some((_, first)) = ids_seen.seen.get(id) {
                let hint = Some(format!(
                    "first used at `{first}`; ids are unique among {list}"
                ));
                let message = format!("duplicate {what} id {}", quote(id));
                self.err(K::DuplicateId, &id_path, message, hint);
                continue;
            }
            if let Some((first_id, first)) = ids_seen.twin(id) {
                let message = format!(
                    "duplicate {what} id {}: it differs from {} only in Unicode normalisation",
                    quote_code_points(id),
                    quote_code_points(&first_id)
                );
                let hint = format!(
                    "first used at `{first}`; write both the same way (NFC, as most editors save text)"
                );
                self.err(K::DuplicateId, &id_path, message, Some(hint));
            }
            ids_seen.add(id, i, id_path);
        }
        ids_seen
            .seen
            .into_iter()
            .map(|(id, (i, _))| (id, i))
            .collect()
    }
}

/// The ids of a list indexed so far.
#[derive(Default)]
struct Seen {
    /// Each id's index, and the path of its `id` key for a duplicate's hint.
    seen: Map<String, (usize, String)>,
    /// The ids not in NFC, by their NFC form, each with its path: an id
    /// equal to another after normalisation is a duplicate too.
    denormal: Map<String, (String, String)>,
}

impl Seen {
    /// The id seen before that `id` spells in another Unicode normal form,
    /// with its path: an NFC id after the same id not in NFC, or an id not
    /// in NFC after its NFC form or after another spelling of it.
    fn twin(&self, id: &str) -> Option<(String, String)> {
        match nfc(id) {
            None => self.denormal.get(id).cloned(),
            Some(n) => match self.seen.get(n.as_str()) {
                Some((_, at)) => Some((n, at.clone())),
                None => self.denormal.get(&n).cloned(),
            },
        }
    }

    /// Indexes `id`, at `path`. A twin is indexed too, so that references
    /// spelled like it resolve: the duplicate is reported once, where it is
    /// defined.
    fn add(&mut self, id: &str, i: usize, path: String) {
        if let Some(n) = nfc(id) {
            self.denormal
                .entry(n)
                .or_insert_with(|| (id.to_owned(), path.clone()));
        }
        self.seen.insert(id.to_owned(), (i, path));
    }
}

/// The NFC form of `text`, or `None` when it is in NFC already (ASCII text
/// always is, and most other text passes the quick check).
fn nfc(text: &str) -> Option<String> {
    use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};
    if text.is_ascii() || is_nfc_quick(text.chars()) == IsNormalized::Yes {
        return None;
    }
    let normal: String = text.nfc().collect();
    (normal != text).then_some(normal)
}

/// The id among `known` that `name` spells in another Unicode normal form
/// (NFC or NFD), if there is one.
fn twin_of<'k, T>(name: &str, known: &'k Map<String, T>) -> Option<&'k str> {
    use unicode_normalization::UnicodeNormalization;
    if name.is_ascii() {
        return None;
    }
    let nfc: String = name.nfc().collect();
    let nfd: String = name.nfd().collect();
    [nfc, nfd]
        .iter()
        .filter(|form| form.as_str() != name)
        .find_map(|form| known.get_key_value(form.as_str()))
        .map(|(k, _)| k.as_str())
}

/// Ids with their positions, sorted by id.
fn sorted_ids<K: Ord>(ids: impl Iterator<Item = K>) -> Vec<(K, usize)> {
    let mut v: Vec<(K, usize)> = ids.zip(0..).collect();
    v.sort();
    v
}

/// Builds the policy `yaml` alone and gives its problems as `path: message
/// (hint: ...)` lines, or none when it loads: what the phases' tables check.
#[cfg(test)]
fn problems(yaml: &str) -> Vec<String> {
    match crate::Loader::new().policy_str(yaml) {
        Ok(_) => Vec::new(),
        Err(e) => e
            .diagnostics()
            .iter()
            .map(|d| {
                let hint = d.hint.as_deref().map(|h| format!(" (hint: {h})"));
                format!("{}: {}{}", d.path, d.message, hint.unwrap_or_default())
            })
            .collect(),
    }
}

/// Checks a table of (policy text, the start of each problem) rows.
#[cfg(test)]
fn check_table<'w>(rows: impl IntoIterator<Item = (String, Vec<&'w str>)>) {
    for (yaml, want) in rows {
        let got = problems(&yaml);
        assert_eq!(got.len(), want.len(), "{yaml}\n{got:#?}");
        for (g, w) in got.iter().zip(&want) {
            assert!(g.starts_with(w), "{yaml}\n{g}\nwant: {w}");
        }
    }
}
