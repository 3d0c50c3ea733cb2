//! Methodology plugins in the catalogue (`--plugin`, `--config`).
//!
//! Plugins are loaded only from paths the user names, on the command line or in a
//! configuration file passed with `--config` (never one found implicitly), because loading a
//! library runs its code. A plugin that cannot be loaded (unreadable, not a library, wrong
//! ABI or API version, pin mismatch…) becomes an **error row** like a method that fails: the
//! report says why and the other methods still report (exit code 1). A plugin method whose
//! id is already taken is a usage error (exit 2): which one was meant cannot be guessed.

use std::sync::Arc;

use anyhow::anyhow;
use bilan_core::method::{Descriptor, Methodology as _};
use bilan_runner::Origin;

use super::entry::{Entry, Failing, describe};
use super::sources::{PluginArg, Sources, read_config};
use crate::errors::Failure;

/// The `plugin` label of the origin of a plugin that could not be loaded.
const NOT_LOADED: &str = "(not loaded)";

fn unloaded(spec: &PluginArg, error: &bilan_plugin_host::LoadError) -> Entry {
    let path = spec.path.display().to_string();
    let sha256 = bilan_plugin_host::sha256_file(&spec.path).unwrap_or_else(|_| "-".to_owned());
    Entry {
        method: Arc::new(Failing {
            descriptor: Descriptor {
                id: format!("plugin:{path}"),
                name: format!("plugin `{path}` (not loaded)"),
                version: semver::Version::new(0, 0, 0),
                summary: format!("could not be loaded: {error}"),
                indicators: Vec::new(),
                boundary: String::new(),
                parameters: Vec::new(),
                rules: Vec::new(),
                references: Vec::new(),
            },
            error: error.to_string(),
        }),
        origin: Origin::Plugin {
            path,
            sha256,
            plugin: NOT_LOADED.to_owned(),
        },
    }
}

/// Whether `entry` stands for a plugin that could not be loaded.
pub(crate) fn is_unloaded(entry: &Entry) -> bool {
    matches!(&entry.origin, Origin::Plugin { plugin, .. } if plugin == NOT_LOADED)
}

/// Adds the methods of every plugin `sources` names (the `--config` file's first, then each
/// `--plugin`), after `entries`.
pub(crate) fn extend(entries: &mut Vec<Entry>, sources: &Sources) -> Result<(), Failure> {
    let mut specs = match &sources.config {
        Some(config) => read_config(config)?,
        None => Vec::new(),
    };
    specs.extend(sources.plugins.iter().cloned());
    for spec in &specs {
        let plugin = match bilan_plugin_host::load(&spec.path, spec.sha256.as_deref()) {
            Ok(p) => p,
            Err(e) => {
                // Not logged: the error row carries the reason, printed once as the run ends.
                let entry = unloaded(spec, &e);
                // The same path named twice fails once.
                let id = &entry.method.descriptor().id;
                if !entries.iter().any(|e| &e.method.descriptor().id == id) {
                    entries.push(entry);
                }
                continue;
            }
        };
        let origin = Origin::Plugin {
            path: spec.path.display().to_string(),
            sha256: plugin.sha256().to_owned(),
            plugin: plugin.label(),
        };
        for method in plugin.methodologies() {
            let id = &method.descriptor().id;
            if let Some(taken) = entries.iter().find(|e| &e.method.descriptor().id == id) {
                return Err(Failure::Usage(anyhow!(
                    "plugin `{}` ({}) provides method `{id}`, which is already provided ({}); load one or the other",
                    spec.path.display(),
                    plugin.label(),
                    describe(&taken.origin)
                )));
            }
            entries.push(Entry {
                method: Arc::new(method),
                origin: origin.clone(),
            });
        }
    }
    Ok(())
}
