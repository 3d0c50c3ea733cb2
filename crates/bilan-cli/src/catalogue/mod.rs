//! Every methodology available to a run: the built-in ones, then those the user's flags
//! bring in (declarative files, plugins), each with its origin for the reproducibility stamp.
//! The catalogue owns its [`sources::Sources`] flags and how each kind is loaded.

mod declarative;
mod entry;
mod plugins;
pub(crate) mod sources;

use std::sync::Arc;

use bilan_runner::Origin;

pub(crate) use entry::{Entry, Failing, describe};
pub(crate) use plugins::is_unloaded;
use sources::Sources;

use crate::errors::Failure;
use crate::registry;

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
            .chain(registry::references().into_iter().map(|(m, _)| m))
            .map(|method| Entry {
                method: Arc::from(method),
                origin: Origin::Builtin,
            })
            .collect();
        // Plugins before declarative files, so that a file can extend a plugin's method.
        plugins::extend(&mut entries, sources)?;
        declarative::extend(&mut entries, sources)?;
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
