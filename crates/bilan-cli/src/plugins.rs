//! Methodology plugins in the catalogue (`--plugin`, `--config`) and `bilan plugins inspect`.
//!
//! Plugins are loaded only from paths the user names, on the command line or in a
//! configuration file passed with `--config` (never one found implicitly), because loading a
//! library runs its code. A plugin that cannot be loaded (unreadable, not a library, wrong
//! ABI or API version, pin mismatch…) becomes an **error row** like a method that fails: the
//! report says why and the other methods still report (exit code 1). A plugin method whose
//! id is already taken is a usage error (exit 2): which one was meant cannot be guessed.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, anyhow};
use bilan_core::assessment::Assessment;
use bilan_core::factor::FactorSet;
use bilan_core::inventory::Inventory;
use bilan_core::method::{Descriptor, MethodError, Methodology, Parameters};
use bilan_runner::Origin;
use serde::Deserialize;

use crate::Failure;
use crate::args::{Format, PluginsCommand, Sources};
use crate::catalogue::Entry;
use crate::commands::Io;

/// The `plugin` label of the origin of a plugin that could not be loaded.
const NOT_LOADED: &str = "(not loaded)";

/// A plugin named on the command line or in a configuration file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PluginArg {
    /// The library.
    pub(crate) path: PathBuf,
    /// The SHA-256 it must have (lower-case hex).
    pub(crate) sha256: Option<String>,
}

fn check_pin(pin: &str) -> Result<String, String> {
    let pin = pin.trim().to_ascii_lowercase();
    if pin.len() == 64 && pin.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(pin)
    } else {
        Err(format!(
            "`{pin}` is not a SHA-256 (expected 64 hexadecimal digits)"
        ))
    }
}

/// Parses `--plugin PATH` or `--plugin PATH#sha256=HEX`.
pub(crate) fn parse_plugin_arg(text: &str) -> Result<PluginArg, String> {
    let (path, sha256) = match text.rsplit_once("#sha256=") {
        Some((path, pin)) => (path, Some(check_pin(pin)?)),
        None => (text, None),
    };
    if path.is_empty() {
        return Err("the plugin path is empty".to_owned());
    }
    Ok(PluginArg {
        path: PathBuf::from(path),
        sha256,
    })
}

/// A `--config` file.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Config {
    /// Plugins to load, in order.
    #[serde(default, rename = "plugin")]
    plugins: Vec<ConfigPlugin>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct ConfigPlugin {
    /// The library; a relative path is relative to the configuration file.
    path: PathBuf,
    /// The SHA-256 it must have.
    #[serde(default)]
    sha256: Option<String>,
}

pub(crate) fn read_config(path: &Path) -> Result<Vec<PluginArg>, Failure> {
    let file = bilan_io::SourceFile::read(path)?;
    let config: Config = bilan_io::parse(&file)?;
    let dir = path.parent().unwrap_or(Path::new(""));
    config
        .plugins
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            let sha256 = p
                .sha256
                .as_deref()
                .map(check_pin)
                .transpose()
                .map_err(|e| Failure::Usage(anyhow!("{}: plugin[{i}].sha256: {e}", file.name)))?;
            Ok(PluginArg {
                path: if p.path.is_absolute() {
                    p.path
                } else {
                    dir.join(p.path)
                },
                sha256,
            })
        })
        .collect()
}

/// A plugin that could not be loaded: a method that always fails with the reason.
struct Unloaded {
    descriptor: Descriptor,
    error: String,
}

impl Methodology for Unloaded {
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

fn unloaded(spec: &PluginArg, error: &bilan_plugin_host::LoadError) -> Entry {
    let path = spec.path.display().to_string();
    let sha256 = bilan_plugin_host::sha256_file(&spec.path).unwrap_or_else(|_| "-".to_owned());
    Entry {
        method: Arc::new(Unloaded {
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
                    crate::catalogue::describe(&taken.origin)
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

/// One line per method of a plugin in `stamp`, for the text reports whose footer does not
/// list methods' origins (`assess`, `explain`): a report that used a plugin always names it.
pub(crate) fn stamp_lines(stamp: &bilan_report::assess::Stamp) -> String {
    stamp
        .methods
        .iter()
        .filter(|m| matches!(m.origin, Origin::Plugin { .. }))
        .map(|m| {
            format!(
                "method {} {}: {}\n",
                m.id,
                m.version,
                crate::catalogue::describe(&m.origin)
            )
        })
        .collect()
}

/// `bilan plugins …`.
pub(crate) fn command(cmd: &PluginsCommand, io: &mut Io<'_>) -> Result<(), Failure> {
    match cmd {
        PluginsCommand::Inspect { path, format } => inspect(path, *format, io),
    }
}

fn inspect(path: &Path, format: Format, io: &mut Io<'_>) -> Result<(), Failure> {
    let i = bilan_plugin_host::inspect(path).map_err(|e| Failure::Usage(anyhow!(e)))?;
    let text = match format {
        Format::Json => serde_json::to_string_pretty(&i).context("cannot serialise")? + "\n",
        Format::Table | Format::Md => render(&i),
        Format::Csv | Format::Html => {
            return Err(Failure::Usage(anyhow!(
                "`bilan plugins inspect` writes table or json"
            )));
        }
    };
    crate::output::emit(io, None, &text, format)?;
    match &i.problem {
        Some(problem) => Err(Failure::Usage(anyhow!("{problem}"))),
        None => Ok(()),
    }
}

fn render(i: &bilan_plugin_host::Inspection) -> String {
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    line(format!("library: {}", i.path));
    line(format!("sha256: {}", i.sha256));
    line(format!(
        "ABI version: {} (this host: {})",
        i.abi_version, i.host_abi_version
    ));
    if let Some(m) = &i.manifest {
        line(format!("plugin: {} {}", m.name, m.version));
        line(format!(
            "API version: {} (this host: {})",
            m.api_version, i.host_api_version
        ));
        let sdk = m
            .build
            .sdk
            .as_deref()
            .map_or(String::new(), |v| format!(", SDK {v}"));
        line(format!(
            "built: {} {}{sdk}",
            m.build.target, m.build.profile
        ));
        line("methods:".to_owned());
        for d in &m.methodologies {
            line(format!("  {} {} — {}", d.id, d.version, d.name));
            line(format!("    {}", d.summary));
            line(format!(
                "    indicators: {}",
                d.indicators
                    .iter()
                    .map(|x| x.id())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            if !d.parameters.is_empty() {
                line(format!(
                    "    parameters: {}",
                    d.parameters
                        .iter()
                        .map(|p| match &p.default {
                            Some(v) => format!("{} (default {v})", p.name),
                            None => p.name.clone(),
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
    }
    line(match &i.problem {
        None => "status: loadable".to_owned(),
        Some(p) => format!("status: not loadable: {p}"),
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plugin_arguments_take_an_optional_pin() {
        assert_eq!(
            parse_plugin_arg("lib/x.so"),
            Ok(PluginArg {
                path: "lib/x.so".into(),
                sha256: None
            })
        );
        let hex = "AB".repeat(32);
        assert_eq!(
            parse_plugin_arg(&format!("x.so#sha256={hex}")),
            Ok(PluginArg {
                path: "x.so".into(),
                sha256: Some("ab".repeat(32))
            })
        );
        assert!(parse_plugin_arg("x.so#sha256=123").is_err());
        assert!(parse_plugin_arg("#sha256=").is_err());
    }
}
