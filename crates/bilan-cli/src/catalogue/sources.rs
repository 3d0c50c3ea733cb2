//! Where methodologies come from besides the built-in ones, as the user names them: the
//! [`Sources`] flags and the `--config` file they may point to. Nothing here loads a method.

use std::path::{Path, PathBuf};

use anyhow::anyhow;
use clap::Args;
use serde::Deserialize;

use crate::errors::Failure;

/// Where methodologies come from besides the built-in ones: the same on every command that
/// assesses and on `bilan methods`.
#[derive(Debug, Default, Args)]
pub(crate) struct Sources {
    /// Read declarative methodologies from this directory's *.toml files (repeatable), after
    /// the shipped ones, those of ./methodologies and the configuration's `methodologies`
    /// (BILAN_METHODOLOGIES)
    #[arg(long = "methodologies", value_name = "DIR")]
    pub(crate) methodology_dirs: Vec<PathBuf>,
    /// Read a declarative methodology file (repeatable), after every directory
    #[arg(long = "method-file", value_name = "FILE")]
    pub(crate) method_files: Vec<PathBuf>,
    /// Load a methodology plugin library (repeatable); PATH#sha256=HEX refuses it unless its
    /// SHA-256 is HEX. Loading a library runs its code: name only libraries you trust
    #[arg(long = "plugin", value_name = "PATH[#sha256=HEX]", value_parser = parse_plugin_arg)]
    pub(crate) plugins: Vec<PluginArg>,
    /// Read plugins from FILE (TOML: [[plugin]] path = "…", sha256 = "…"); plugins are never
    /// loaded from a file not named here (~/.config/bilan/config.toml refuses them)
    #[arg(long = "config", value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
}

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
