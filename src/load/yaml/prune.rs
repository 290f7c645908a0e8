//! Reading a document past its unknown fields and wrong values: serde stops
//! at the first, so the document is read again with each place that failed
//! left out, until it reads or the budget (`Limits::max_format_errors`) is
//! spent.
//!
//! Each reading is `serde_yaml`'s, of the whole text, so every message and
//! position is the one a single reading gives. Between the typed values and
//! `serde_yaml` sits [`Prune`], a deserializer that forwards every call and
//! numbers the places it passes (each entry of a mapping, each element of
//! a list) in document order; the place an error rose from is the
//! innermost one it passed through. On the next reading that place is
//! skipped: its key and value, or its element, are read as nothing and the
//! values never see them. The numbering is the same from one reading to
//! the next up to the first place newly left out: every place left out comes
//! before the place the next error rises from, or lies inside it (and is
//! then forgotten, as the place that holds it is left out whole), so the
//! numbers left out name the same places in every reading.

use serde::Deserialize as _;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, EnumAccess, IgnoredAny, MapAccess,
    SeqAccess, VariantAccess, Visitor,
};

use super::path::key_path;
use super::serde_msg::serde_diagnostic;
use super::{NO_PARENT, SourceMap};
use crate::base::error::{Diagnostic, DiagnosticKind};
use crate::base::limits::Limits;

/// What one reading of a document found; see [`read`].
pub(super) struct Outcome<T> {
    /// The values, if the document read with the places left out.
    pub(super) value: Option<T>,
    /// The unknown fields and wrong values found, in the order found; last
    /// the one that stopped the reading, if one did.
    pub(super) problems: Vec<Diagnostic>,
    /// The ids (`id:` keys) of the mappings left out, for the problems of
    /// meaning that only follow from their absence.
    pub(super) removed: Vec<String>,
    /// The paths of the mappings and lists that lost an entry.
    pub(super) emptied: Vec<String>,
}

/// Reads `text` as `T`, leaving out each place that fails and reading again,
/// within `Limits::max_format_errors` more readings. A problem that only
/// follows from a place left out (the "missing field" of a value removed
/// for its type) is not reported; a problem of another kind (a syntax
/// error, a limit) stops the reading.
pub(super) fn read<T: DeserializeOwned>(
    text: &str,
    map: &SourceMap,
    limits: &Limits,
) -> Outcome<T> {
    let mut search = Search {
        skip: Vec::new(),
        gone: Vec::new(),
        problems: Vec::new(),
        emptied: Vec::new(),
    };
    for _ in 0..=limits.max_format_errors {
        let mut reading = Reading {
            skip: &search.skip,
            next: 0,
            failed: None,
            removed: Vec::new(),
        };
        let read = T::deserialize(Prune {
            inner: serde_yaml::Deserializer::from_str(text),
            reading: &mut reading,
        });
        let (failed, removed) = (reading.failed, reading.removed);
        match read {
            Ok(value) => return search.outcome(Some(value), removed),
            Err(err) => {
                if !search.leave_out(serde_diagnostic(&err, map, text), failed, map) {
                    return search.outcome(None, Vec::new());
                }
            }
        }
    }
    search.problems.push(Diagnostic {
        kind: DiagnosticKind::Limit,
        origin: map.origin.clone(),
        position: None,
        path: String::new(),
        message: match limits.max_format_errors {
            0 => "more unknown fields and wrong values may follow: the document was read once"
                .to_owned(),
            n => format!(
                "more unknown fields and wrong values may follow: the document was read {} \
                 times, leaving out one more each time",
                n.saturating_add(1)
            ),
        },
        hint: Some("fix these first, or raise `Limits::max_format_errors`".into()),
    });
    search.outcome(None, Vec::new())
}

/// What the readings of one document have found so far.
struct Search {
    /// The numbers of the places to leave out, sorted.
    skip: Vec<u64>,
    /// The paths of values left out (and of fields that an unknown field
    /// left out was a misspelling of): their "missing field" is not news.
    gone: Vec<String>,
    problems: Vec<Diagnostic>,
    /// The paths of the mappings and lists that lost an entry.
    emptied: Vec<String>,
}

impl Search {
    /// Notes `d`, the error of a reading that rose through place `failed`;
    /// whether to read again, with that place left out.
    fn leave_out(&mut self, d: Diagnostic, failed: Option<u64>, map: &SourceMap) -> bool {
        let prunable = matches!(
            d.kind,
            DiagnosticKind::UnknownField | DiagnosticKind::InvalidValue
        );
        let at = failed.filter(|at| prunable && self.skip.binary_search(at).is_err());
        if let Some(path) = gone_with(&d) {
            self.gone.push(path);
        }
        let news = !follows(&d, &self.gone);
        if let Some(at) = at {
            self.emptied.push(match d.kind {
                // serde names the mapping an unknown field is in.
                DiagnosticKind::UnknownField => d.path.clone(),
                _ => parent(map, &d.path),
            });
            // A place numbered after `at` was passed on the way to the
            // error, so it lies inside `at`, which is now left out whole:
            // its number will name another place.
            self.skip.retain(|&s| s < at);
            self.skip.push(at);
        }
        if news {
            self.problems.push(d);
        }
        at.is_some()
    }

    fn outcome<T>(self, value: Option<T>, removed: Vec<String>) -> Outcome<T> {
        Outcome {
            value,
            problems: self.problems,
            removed,
            emptied: self.emptied,
        }
    }
}

/// The path of the mapping or list that holds the node at `path`.
fn parent(map: &SourceMap, path: &str) -> String {
    let tree = &map.tree;
    match tree.find(path).and_then(|id| tree.nodes.get(id as usize)) {
        Some(node) if node.parent == NO_PARENT => String::new(),
        Some(node) => tree.path_of(node.parent),
        None => path
            .rfind(['.', '['])
            .and_then(|i| path.get(..i))
            .unwrap_or_default()
            .to_owned(),
    }
}

/// The path whose absence leaving out `d`'s place explains: a wrong
/// value's own path, or the field an unknown field was a misspelling of.
fn gone_with(d: &Diagnostic) -> Option<String> {
    match d.kind {
        DiagnosticKind::InvalidValue => Some(d.path.clone()),
        DiagnosticKind::UnknownField => {
            let meant = d
                .hint
                .as_deref()?
                .strip_prefix("did you mean `")?
                .strip_suffix("`?")?;
            Some(key_path(&d.path, meant))
        }
        _ => None,
    }
}

/// Whether `d` is a "missing field" for a value that was left out.
fn follows(d: &Diagnostic, gone: &[String]) -> bool {
    let Some(field) = d
        .message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.strip_suffix('`'))
    else {
        return false;
    };
    let path = key_path(&d.path, field);
    gone.contains(&path)
}

/// The state of one reading: which places to leave out, which comes next,
/// and where an error rose from.
struct Reading<'s> {
    /// The numbers of the places to leave out, sorted.
    skip: &'s [u64],
    /// The number of the next place.
    next: u64,
    /// The innermost place an error rose through.
    failed: Option<u64>,
    /// The ids of the mappings left out.
    removed: Vec<String>,
}

impl Reading<'_> {
    /// Numbers the next place; whether to leave it out.
    fn enter(&mut self) -> (u64, bool) {
        let at = self.next;
        self.next += 1;
        (at, self.skip.binary_search(&at).is_ok())
    }

    /// Notes that an error rose through place `at`, if it came from no
    /// place inside it.
    fn fail<E>(&mut self, at: u64, err: E) -> E {
        self.failed.get_or_insert(at);
        err
    }
}

/// A deserializer that hands `inner`'s nodes on, numbering the places it
/// passes and leaving out those to skip.
struct Prune<'r, 's, D> {
    inner: D,
    reading: &'r mut Reading<'s>,
}

/// A visitor that wraps what `inner` is given in [`Prune`].
struct Wrap<'r, 's, V> {
    inner: V,
    reading: &'r mut Reading<'s>,
}

/// A seed that reads its value through [`Prune`].
struct Seed<'r, 's, S> {
    inner: S,
    reading: &'r mut Reading<'s>,
}

/// A mapping whose entries are numbered, some left out.
struct Entries<'r, 's, A> {
    inner: A,
    reading: &'r mut Reading<'s>,
    /// The number of the entry whose key was read last.
    entry: u64,
}

/// A list whose elements are numbered, some left out.
struct Elements<'r, 's, A> {
    inner: A,
    reading: &'r mut Reading<'s>,
}

/// An enum's variant, its contents read through [`Prune`].
struct Variant<'r, 's, A> {
    inner: A,
    reading: &'r mut Reading<'s>,
}

/// A value left out: read as nothing, but the text of its `id:` key (when
/// it is a mapping with one) noted.
struct LeftOut<'r> {
    removed: &'r mut Vec<String>,
}

impl<'r, 's, D> Prune<'r, 's, D> {
    /// The deserializer wrapped, and `visitor` wrapped to go on through it.
    fn split<V>(self, visitor: V) -> (D, Wrap<'r, 's, V>) {
        let visitor = Wrap {
            inner: visitor,
            reading: self.reading,
        };
        (self.inner, visitor)
    }
}

macro_rules! forward_deserialize {
    ($($method:ident),*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
            let (inner, visitor) = self.split(visitor);
            inner.$method(visitor)
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Prune<'_, '_, D> {
    type Error = D::Error;

    forward_deserialize!(
        deserialize_any,
        deserialize_bool,
        deserialize_i8,
        deserialize_i16,
        deserialize_i32,
        deserialize_i64,
        deserialize_i128,
        deserialize_u8,
        deserialize_u16,
        deserialize_u32,
        deserialize_u64,
        deserialize_u128,
        deserialize_f32,
        deserialize_f64,
        deserialize_char,
        deserialize_str,
        deserialize_string,
        deserialize_bytes,
        deserialize_byte_buf,
        deserialize_option,
        deserialize_unit,
        deserialize_seq,
        deserialize_map,
        deserialize_identifier,
        deserialize_ignored_any
    );

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let (inner, visitor) = self.split(visitor);
        inner.deserialize_unit_struct(name, visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let (inner, visitor) = self.split(visitor);
        inner.deserialize_newtype_struct(name, visitor)
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let (inner, visitor) = self.split(visitor);
        inner.deserialize_tuple(len, visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let (inner, visitor) = self.split(visitor);
        inner.deserialize_tuple_struct(name, len, visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let (inner, visitor) = self.split(visitor);
        inner.deserialize_struct(name, fields, visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let (inner, visitor) = self.split(visitor);
        inner.deserialize_enum(name, variants, visitor)
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

macro_rules! forward_visit {
    ($($method:ident($ty:ty)),*) => {$(
        fn $method<E: de::Error>(self, v: $ty) -> Result<V::Value, E> {
            self.inner.$method(v)
        }
    )*};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Wrap<'_, '_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.inner.expecting(f)
    }

    forward_visit!(
        visit_bool(bool),
        visit_i8(i8),
        visit_i16(i16),
        visit_i32(i32),
        visit_i64(i64),
        visit_i128(i128),
        visit_u8(u8),
        visit_u16(u16),
        visit_u32(u32),
        visit_u64(u64),
        visit_u128(u128),
        visit_f32(f32),
        visit_f64(f64),
        visit_char(char),
        visit_str(&str),
        visit_borrowed_str(&'de str),
        visit_string(String),
        visit_bytes(&[u8]),
        visit_borrowed_bytes(&'de [u8]),
        visit_byte_buf(Vec<u8>)
    );

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.inner.visit_some(Prune {
            inner: d,
            reading: self.reading,
        })
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.inner.visit_newtype_struct(Prune {
            inner: d,
            reading: self.reading,
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.inner.visit_seq(Elements {
            inner: seq,
            reading: self.reading,
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.inner.visit_map(Entries {
            inner: map,
            reading: self.reading,
            entry: 0,
        })
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.inner.visit_enum(Variant {
            inner: data,
            reading: self.reading,
        })
    }
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Seed<'_, '_, S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        self.inner.deserialize(Prune {
            inner: d,
            reading: self.reading,
        })
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Entries<'_, '_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        loop {
            let (at, skip) = self.reading.enter();
            self.entry = at;
            if !skip {
                return self
                    .inner
                    .next_key_seed(seed)
                    .map_err(|e| self.reading.fail(at, e));
            }
            if self.inner.next_key::<IgnoredAny>()?.is_none() {
                return Ok(None);
            }
            self.inner.next_value_seed(LeftOut {
                removed: &mut self.reading.removed,
            })?;
        }
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        let at = self.entry;
        let seed = Seed {
            inner: seed,
            reading: &mut *self.reading,
        };
        self.inner
            .next_value_seed(seed)
            .map_err(|e| self.reading.fail(at, e))
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Elements<'_, '_, A> {
    type Error = A::Error;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, A::Error> {
        loop {
            let (at, skip) = self.reading.enter();
            if !skip {
                let seed = Seed {
                    inner: seed,
                    reading: &mut *self.reading,
                };
                return self
                    .inner
                    .next_element_seed(seed)
                    .map_err(|e| self.reading.fail(at, e));
            }
            let left_out = LeftOut {
                removed: &mut self.reading.removed,
            };
            if self.inner.next_element_seed(left_out)?.is_none() {
                return Ok(None);
            }
        }
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

impl<'r, 's, 'de, A: EnumAccess<'de>> EnumAccess<'de> for Variant<'r, 's, A> {
    type Error = A::Error;
    type Variant = Variant<'r, 's, A::Variant>;

    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Self::Variant), A::Error> {
        let (value, variant) = self.inner.variant_seed(seed)?;
        Ok((
            value,
            Variant {
                inner: variant,
                reading: self.reading,
            },
        ))
    }
}

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for Variant<'_, '_, A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.inner.unit_variant()
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value, A::Error> {
        self.inner.newtype_variant_seed(Seed {
            inner: seed,
            reading: self.reading,
        })
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        let (inner, visitor) = (
            self.inner,
            Wrap {
                inner: visitor,
                reading: self.reading,
            },
        );
        inner.tuple_variant(len, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        let (inner, visitor) = (
            self.inner,
            Wrap {
                inner: visitor,
                reading: self.reading,
            },
        );
        inner.struct_variant(fields, visitor)
    }
}

impl<'de> DeserializeSeed<'de> for LeftOut<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

macro_rules! ignore_visit {
    ($($method:ident($ty:ty)),*) => {$(
        fn $method<E: de::Error>(self, v: $ty) -> Result<(), E> {
            IgnoredAny.$method(v).map(drop)
        }
    )*};
}

/// Any node is read and dropped, as [`IgnoredAny`] reads it; of a mapping,
/// the text of its `id:` key is kept, nothing else.
impl<'de> Visitor<'de> for LeftOut<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("anything")
    }

    ignore_visit!(
        visit_bool(bool),
        visit_i64(i64),
        visit_i128(i128),
        visit_u64(u64),
        visit_u128(u128),
        visit_f64(f64),
        visit_str(&str),
        visit_bytes(&[u8])
    );

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        IgnoredAny.visit_some(d).map(drop)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        IgnoredAny.visit_newtype_struct(d).map(drop)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        IgnoredAny.visit_seq(seq).map(drop)
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        IgnoredAny.visit_enum(data).map(drop)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Id => {
                    if let Text(Some(id)) = map.next_value()? {
                        self.removed.push(id);
                    }
                }
                Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// A key of a mapping left out: `id`, or another.
enum Key {
    Id,
    Other,
}

impl<'de> de::Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let Text(text) = Text::deserialize(d)?;
        Ok(if text.as_deref() == Some("id") {
            Key::Id
        } else {
            Key::Other
        })
    }
}

/// A node's text, if it is a single value with one; any other node is
/// read and dropped.
struct Text(Option<String>);

impl<'de> de::Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TextVisitor)
    }
}

struct TextVisitor;

macro_rules! no_text {
    ($($method:ident($ty:ty)),*) => {$(
        fn $method<E: de::Error>(self, _: $ty) -> Result<Text, E> {
            Ok(Text(None))
        }
    )*};
}

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("anything")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
        Ok(Text(Some(v.to_owned())))
    }

    no_text!(
        visit_bool(bool),
        visit_i64(i64),
        visit_i128(i128),
        visit_u64(u64),
        visit_u128(u128),
        visit_f64(f64),
        visit_bytes(&[u8])
    );

    fn visit_none<E: de::Error>(self) -> Result<Text, E> {
        Ok(Text(None))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Text, E> {
        Ok(Text(None))
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Text, D::Error> {
        IgnoredAny::deserialize(d).map(|_| Text(None))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Text, A::Error> {
        IgnoredAny.visit_seq(seq).map(|_| Text(None))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Text, A::Error> {
        IgnoredAny.visit_map(map).map(|_| Text(None))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Text, A::Error> {
        IgnoredAny.visit_enum(data).map(|_| Text(None))
    }
}
