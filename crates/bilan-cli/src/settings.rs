//! Settings from the usual places, under the command line: the user's configuration file
//! (`$XDG_CONFIG_HOME/bilan/config.toml`, else `~/.config/bilan/config.toml`), then `BILAN_*`
//! environment variables, which win over it. They give default methods, factor files,
//! methodology folders and the report language; every one applied is listed in the report's
//! stamp with where it came from. `--no-config` ignores them all, for reproducible runs.
//!
//! Plugins are never loaded from here: loading a library runs its code, so it happens only
//! from `--plugin` or a `--config FILE` named on the command line (ARCHITECTURE.md).

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use anyhow::anyhow;
use bilan_report::assess::SettingStamp;
use serde::Deserialize;

use bilan_report::lang::Lang;

use crate::args::{Common, LangArg};
use crate::errors::Failure;

/// The configuration file's keys.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct File {
    /// Methods to run when the command line names none.
    methods: Option<Vec<String>>,
    /// Factor files layered before those of `--factors` (relative to this file).
    factors: Option<Vec<PathBuf>>,
    /// Methodology folders read before those of `--methodologies` (relative to this file).
    methodologies: Option<Vec<PathBuf>>,
    /// The report language.
    lang: Option<String>,
    /// Refused with the reason (see the module documentation).
    plugin: Option<toml::Value>,
}

/// The settings that apply, each with where it was read.
#[derive(Debug, Default)]
pub(crate) struct Settings {
    /// The configuration file read, if any.
    file: Option<PathBuf>,
    methods: Option<(Vec<String>, String)>,
    factors: Option<(Vec<PathBuf>, String)>,
    methodologies: Option<(Vec<PathBuf>, String)>,
    lang: Option<(Lang, String)>,
}

impl Settings {
    /// The configuration file and `BILAN_*` variables, read through `env` (the process's
    /// environment, or a test's).
    pub(crate) fn load(env: &dyn Fn(&str) -> Option<OsString>) -> Result<Settings, Failure> {
        let mut settings = Settings::default();
        if let Some(path) = config_path(env).filter(|p| p.is_file()) {
            settings.read_file(&path)?;
            settings.file = Some(path);
        }
        let var = |name: &str| env(name).filter(|v| !v.is_empty());
        if let Some(v) = var("BILAN_METHODS") {
            let text = v.to_string_lossy();
            let ids: Vec<String> = text
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
            settings.methods = Some((ids, "BILAN_METHODS".to_owned()));
        }
        if let Some(v) = var("BILAN_FACTORS") {
            settings.factors = Some((std::env::split_paths(&v).collect(), "BILAN_FACTORS".into()));
        }
        if let Some(v) = var("BILAN_METHODOLOGIES") {
            let dirs = std::env::split_paths(&v).collect();
            settings.methodologies = Some((dirs, "BILAN_METHODOLOGIES".into()));
        }
        if let Some(v) = var("BILAN_LANG") {
            let lang = check_lang(v.to_string_lossy().trim(), "BILAN_LANG")?;
            settings.lang = Some((lang, "BILAN_LANG".into()));
        }
        Ok(settings)
    }

    fn read_file(&mut self, path: &Path) -> Result<(), Failure> {
        let file = bilan_io::SourceFile::read(path)?;
        let read: File = bilan_io::parse(&file)?;
        let from = file.name.clone();
        if read.plugin.is_some() {
            return Err(Failure::Usage(anyhow!(
                "{from}: plugin: plugins are loaded only from --plugin or a --config FILE named on the command line, never from the implicit configuration (loading a library runs its code)"
            )));
        }
        let dir = path.parent().unwrap_or(Path::new(""));
        let relative = |paths: Vec<PathBuf>| -> Vec<PathBuf> {
            paths
                .into_iter()
                .map(|p| if p.is_absolute() { p } else { dir.join(p) })
                .collect()
        };
        let lang = match &read.lang {
            Some(lang) => Some(check_lang(lang, &format!("{from}: lang"))?),
            None => None,
        };
        self.methods = read.methods.map(|m| (m, from.clone()));
        self.factors = read.factors.map(|f| (relative(f), from.clone()));
        self.methodologies = read.methodologies.map(|d| (relative(d), from.clone()));
        self.lang = lang.map(|l| (l, from));
        Ok(())
    }

    /// Applies the settings under `common`'s command-line values: methods only when the
    /// command line names none; factor files and methodology folders before the command
    /// line's (which come later, so they win). What was applied is added to the stamp.
    pub(crate) fn apply(&self, common: &mut Common) {
        common.config_file.clone_from(&self.file);
        if let Some((ids, from)) = &self.methods
            && common.methods.is_empty()
        {
            common.methods = ids.clone();
            common.settings.push(stamp("methods", ids.join(", "), from));
        }
        self.apply_factors(&mut common.factors, &mut common.settings);
        self.apply_methodologies(&mut common.sources.methodology_dirs, &mut common.settings);
    }

    /// Applies the report language when the command line gives none (`--lang`), stamped in
    /// `out`.
    pub(crate) fn apply_lang(&self, lang: &mut Option<LangArg>, out: &mut Vec<SettingStamp>) {
        if let Some((l, from)) = &self.lang
            && lang.is_none()
        {
            *lang = Some(LangArg(*l));
            out.push(stamp("lang", l.id().to_owned(), from));
        }
    }

    /// Applies the methodology folders before `dirs` (the command line's), stamped in `out`.
    pub(crate) fn apply_methodologies(&self, dirs: &mut Vec<PathBuf>, out: &mut Vec<SettingStamp>) {
        prepend("methodologies", &self.methodologies, dirs, out);
    }

    /// Applies the factor files before `files` (the command line's), stamped in `out`.
    pub(crate) fn apply_factors(&self, files: &mut Vec<PathBuf>, out: &mut Vec<SettingStamp>) {
        prepend("factors", &self.factors, files, out);
    }
}

/// The paths of setting `name`, if set, put before `paths` and stamped in `out`.
fn prepend(
    name: &str,
    setting: &Option<(Vec<PathBuf>, String)>,
    paths: &mut Vec<PathBuf>,
    out: &mut Vec<SettingStamp>,
) {
    if let Some((list, from)) = setting {
        paths.splice(0..0, list.iter().cloned());
        out.push(stamp(name, paths_text(list), from));
    }
}

/// `$XDG_CONFIG_HOME/bilan/config.toml`, else `$HOME/.config/bilan/config.toml`.
fn config_path(env: &dyn Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    let base = env("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            env("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".config"))
        })?;
    Some(base.join("bilan").join("config.toml"))
}

fn check_lang(lang: &str, what: &str) -> Result<Lang, Failure> {
    Lang::from_id(lang).ok_or_else(|| {
        let ids: Vec<&str> = Lang::ALL.iter().map(|l| l.id()).collect();
        Failure::Usage(anyhow!(
            "{what}: `{}` is not a report language (available: {})",
            bilan_units::text::clip(lang),
            ids.join(", ")
        ))
    })
}

fn stamp(name: &str, value: String, from: &str) -> SettingStamp {
    SettingStamp {
        name: name.to_owned(),
        value,
        from: from.to_owned(),
    }
}

fn paths_text(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests;
