//! One methodology of the catalogue, with its origin.

use std::sync::Arc;

use bilan_core::method::Methodology;
use bilan_runner::Origin;

/// One available methodology.
pub(crate) struct Entry {
    /// The method (shared: a declarative method holds its base).
    pub(crate) method: Arc<dyn Methodology>,
    /// Where it comes from.
    pub(crate) origin: Origin,
}

/// An origin in words, for listings.
pub(crate) fn describe(origin: &Origin) -> String {
    match origin {
        Origin::Builtin => "built in".to_owned(),
        Origin::File { path, sha256 } => format!("file {path} (sha256 {sha256})"),
        Origin::Plugin {
            path,
            sha256,
            plugin,
        } => format!("plugin {plugin} from {path} (sha256 {sha256})"),
    }
}
