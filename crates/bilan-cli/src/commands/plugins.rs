//! `bilan plugins inspect`: a plugin library described without running any method.

use std::path::Path;

use anyhow::{Context as _, anyhow};

use crate::args::{Format, PluginsCommand};
use crate::errors::Failure;
use crate::output::Io;

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
        Format::Csv
        | Format::Html
        | Format::ModelCard
        | Format::Boamps
        | Format::IfManifest
        | Format::Disclosure
        | Format::DisclosureMd
        | Format::DisclosureHtml => {
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
