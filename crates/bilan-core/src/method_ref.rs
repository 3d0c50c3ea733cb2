//! A method's identity, below both [`crate::method`] (whose descriptors have one) and
//! [`crate::assessment`] (whose results name the method that produced them), so that neither
//! of those modules needs the other for it. Reached as `bilan_core::method::MethodRef`.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A method's identity: id and semver version.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct MethodRef {
    /// Identifier, e.g. `ademe-lca`.
    pub id: String,
    /// Version of the method (not of bilan).
    pub version: semver::Version,
}

impl fmt::Display for MethodRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.id, self.version)
    }
}
