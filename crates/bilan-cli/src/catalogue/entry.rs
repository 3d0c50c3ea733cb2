//! One methodology of the catalogue, with its origin.

use std::sync::Arc;

use bilan_core::assessment::Assessment;
use bilan_core::factor::FactorSet;
use bilan_core::inventory::Inventory;
use bilan_core::method::{Descriptor, MethodError, Methodology, Parameters};
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

/// A method that always fails with its reason: a plugin that could not be loaded, or one
/// that is not applicable on the columnar path (`crate::engine`).
pub(crate) struct Failing {
    pub(crate) descriptor: Descriptor,
    pub(crate) error: String,
}

impl Methodology for Failing {
    fn descriptor(&self) -> &Descriptor {
        &self.descriptor
    }

    fn assess(
        &self,
        _: &Inventory,
        _: &FactorSet,
        _: &Parameters,
    ) -> Result<Assessment, MethodError> {
        Err(MethodError::Other(self.error.clone()))
    }
}
