//! Every methodology available to a run: the built-in ones, then those the user's flags
//! bring in (declarative files, plugins), each with its origin for the reproducibility stamp.

use std::sync::Arc;

use bilan_core::method::Methodology;
use bilan_runner::Origin;

use crate::Failure;
use crate::args::Sources;
use crate::registry;

/// One available methodology.
pub(crate) struct Entry {
    /// The method (shared: a declarative method holds its base).
    pub(crate) method: Arc<dyn Methodology>,
    /// Where it comes from.
    pub(crate) origin: Origin,
}

/// The methodologies of one run, in listing order; ids are unique.
pub(crate) struct Catalogue {
    entries: Vec<Entry>,
}

impl Catalogue {
    /// The built-in methods plus those `sources` name.
    pub(crate) fn load(sources: &Sources) -> Result<Catalogue, Failure> {
        crate::inputs::check_sources(sources)?;
        let mut entries: Vec<Entry> = registry::builtin()
            .into_iter()
            .map(|method| Entry {
                method: Arc::from(method),
                origin: Origin::Builtin,
            })
            .collect();
        // Plugins before declarative files, so that a file can extend a plugin's method.
        crate::plugins::extend(&mut entries, sources)?;
        crate::declarative::extend(&mut entries, sources)?;
        Ok(Catalogue { entries })
    }

    /// The methods.
    pub(crate) fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The methods, owned.
    pub(crate) fn into_entries(self) -> Vec<Entry> {
        self.entries
    }
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
