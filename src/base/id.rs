//! Identifier newtypes: one per kind of thing a policy names. Each shares its
//! text (`Arc<str>`), so that results can name items without copying them.

use std::borrow::Borrow;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Arc<str>);

        impl $name {
            /// Creates the identifier from any string.
            ///
            /// Identifiers are checked against a policy when they are used,
            /// not when they are made.
            pub fn new(id: impl Into<String>) -> Self {
                Self(Arc::from(id.into()))
            }

            /// The identifier as written in the YAML.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(Self::new(s))
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self::new(s)
            }
        }
    };
}

id_type!(
    /// Names a membership level, such as `partner`.
    LevelId
);
id_type!(
    /// Names a standard (a section of items), such as `screening`.
    StandardId
);
id_type!(
    /// Names an item a program answers, such as `B.2.4`.
    ItemId
);
id_type!(
    /// Names a benefit, such as `training_vouchers`.
    BenefitId
);
id_type!(
    /// Names a program fact asked outside the questionnaire, such as `months_operating`.
    FactId
);
id_type!(
    /// Names a kind of item, such as `benchmark` or `enhancement`.
    KindId
);
id_type!(
    /// Names a set of items declared in the policy, such as `designated`.
    SetId
);
