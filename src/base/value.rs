//! Scalar values: program facts, compared values and numeric answers.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A YAML scalar as the formats use it: a boolean, a number or a word.
///
/// Converts from `bool`, text (`&str`, `String`) and every number type, so
/// that facts are set as they are held:
///
/// ```
/// use qbm::Value;
///
/// assert_eq!(Value::from(18_usize), Value::Number(18.0));
/// assert_eq!(Value::from(-3_i8), Value::Number(-3.0));
/// assert_eq!(Value::from(u64::MAX), Value::Number(18_446_744_073_709_551_616.0));
/// ```
///
/// Numbers are held as `f64`, as a number in a YAML file is read: every
/// integer up to 2^53 (9,007,199,254,740,992) in size converts exactly,
/// and a larger one (from `i64`, `u64`, `isize`, `usize`, `i128`, `u128`)
/// is rounded to the nearest `f64`, ties to even, never cut or saturated.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Value {
    /// `true` or `false`.
    Bool(bool),
    /// A finite number.
    Number(f64),
    /// A word, such as a choice (`completed`).
    Text(String),
}

impl Value {
    /// The name of the value's type, as messages say it.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::Text(_) => "text",
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) => write!(f, "{n}"),
            Value::Text(t) => f.write_str(t),
        }
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Number(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => {
                // Whole numbers are written as integers, as an author would.
                #[allow(clippy::cast_possible_truncation)]
                s.serialize_i64(*n as i64)
            }
            // NaN and infinity are in no format (JSON would write `null`):
            // refused, as the loaders and evaluation refuse them.
            Value::Number(n) if !n.is_finite() => Err(serde::ser::Error::custom(format!(
                "number `{n}` is not finite; numbers are finite"
            ))),
            Value::Number(n) => s.serialize_f64(*n),
            Value::Text(t) => s.serialize_str(t),
        }
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Text(s)
    }
}

/// Numbers an `f64` holds exactly.
macro_rules! from_exact {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(n: $t) -> Self {
                Value::Number(f64::from(n))
            }
        }
    )*};
}

from_exact!(u8, u16, u32, i8, i16, i32, f32, f64);

/// Integers an `f64` holds exactly up to 2^53, rounded to the nearest past it.
macro_rules! from_rounded {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(n: $t) -> Self {
                // Rounded to nearest, ties to even: what `as` does, documented on `Value`.
                #[allow(clippy::cast_precision_loss)]
                Value::Number(n as f64)
            }
        }
    )*};
}

from_rounded!(u64, i64, usize, isize, u128, i128);

/// A hint for a text that reads as a number too large to hold (`1e400`):
/// YAML gives it as text, so it fails as a word where a number would do.
pub(crate) fn too_large_hint(text: &str) -> Option<String> {
    let huge = text.parse::<f64>().is_ok_and(|n| !n.is_finite())
        && text.bytes().any(|b| b.is_ascii_digit());
    huge.then(|| {
        format!(
            "{} is too large for a number; numbers are finite",
            crate::base::error::quote(text)
        )
    })
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Value;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a boolean, a number or a word")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
                Ok(Value::Bool(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
                #[allow(clippy::cast_precision_loss)]
                Ok(Value::Number(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
                #[allow(clippy::cast_precision_loss)]
                Ok(Value::Number(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
                if v.is_finite() {
                    Ok(Value::Number(v))
                } else {
                    Err(E::invalid_value(
                        de::Unexpected::Float(v),
                        &"a finite number",
                    ))
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
                Ok(Value::Text(v.to_owned()))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Value {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Value".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A boolean, a finite number or a word.",
            "type": ["boolean", "number", "string"]
        })
    }
}
