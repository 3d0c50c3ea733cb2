//! Impact Framework (IF 1.1.0) manifests, input or computed output (YAML), read into an
//! inventory whose SCI bilan computes exactly as IF did.
//!
//! bilan evaluates the manifest's pipeline itself, with IF's arithmetic builtins (`Sum`,
//! `Multiply`, `Subtract`, `Divide`, `Coefficient`, `Exponent`, `Copy`, `SciEmbodied`,
//! `Sci`), observation by observation, then maps each observation to one workload:
//!
//! * `energy` → the workload's energy: IT energy with the site's PUE when the pipeline
//!   computes `energy = X × pue`, else facility energy (`energy-boundary = "facility"`);
//! * `grid/carbon-intensity` → the site's `electricity.gwp`, so bilan uses IF's intensity;
//! * `carbon-embodied` → a fleet whose per-device embodied figure is TE / `resources-total`
//!   (`device/emissions-embodied`, or SciEmbodied's total), whose lifetime is EL, and that
//!   the workload reserves for `resources-reserved` × `duration` (or the share × time as
//!   device-hours), so that bilan's `T_res / L × EF_device` is IF's `TE × TiR / EL × RR / ToR`;
//! * the `Sci` plugin's functional unit (`requests`, `tokens`…) → a functional unit and the
//!   workloads' volume.
//!
//! It then checks that these terms give back every figure of every observation
//! (`energy`, `carbon-operational`, `carbon-embodied`, `carbon`, `sci`), and in an output
//! manifest every value IF wrote and every sum it aggregated. Anything bilan cannot
//! reproduce is refused with the reason and its key path: plugins that are not builtins,
//! builtins bilan does not evaluate (`TimeSync` above all), aggregation methods that are
//! not sums, units that are not IF's SCI units. What bilan reads but does not keep is in
//! the import report. `docs/interop/impact-framework.md` has the field tables.

mod build;
mod evaluate;
mod group;
mod leaf;
mod manifest;
mod map;
mod metadata;
mod params;
mod stream;
mod verify;
pub(crate) mod yaml;

#[cfg(test)]
mod tests;

use bilan_hardware::Catalogue;
use bilan_io::{FileError, FileErrors, SourceFile};

pub use group::Per;

use build::Build;
use leaf::{LeafCtx, Shared, read_leaf};
use manifest::Plugin;
use stream::Feeder;
use yaml::Node;

use crate::{Import, ImportReport};

/// Top-level keys of a manifest bilan reads, or knows it does not need.
const TOP: [&str; 9] = [
    "name",
    "description",
    "tags",
    "explainer",
    "explain",
    "aggregation",
    "initialize",
    "execution",
    "tree",
];

/// Parameters the mapping reads besides those the pipeline reads.
const MAPPED: [&str; 20] = [
    "timestamp",
    "duration",
    "energy",
    "pue",
    "grid/carbon-intensity",
    "carbon",
    "carbon-operational",
    "operational-carbon",
    "carbon-embodied",
    "embodied-carbon",
    "sci",
    "device/emissions-embodied",
    "device/expected-lifespan",
    "resources-reserved",
    "resources-total",
    "time-reserved",
    "cloud/region",
    "region",
    "country",
    "cloud/vendor",
];

/// Imports IF manifests, one workload per observation or per leaf and day (`per`).
pub fn import(
    files: &[SourceFile],
    _catalogue: &Catalogue,
    per: Per,
) -> Result<Import, FileErrors> {
    let mut build = Build::default();
    let mut report = ImportReport::default();
    let mut errors = Vec::new();
    let mut names = Vec::new();
    for file in files {
        if let Some(name) = read(file, per, &mut build, &mut report, &mut errors) {
            names.push(name);
        }
    }
    if !errors.is_empty() {
        return Err(FileErrors { errors });
    }
    report.lost.extend(build.take_lost());
    let origin = files
        .iter()
        .map(|f| f.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    if build.is_empty() {
        return Err(FileErrors {
            errors: vec![FileError::plain(
                &origin,
                "no observation: the manifest's tree has no `inputs` (nor `defaults`) to import",
            )],
        });
    }
    report.notes.push("IF manifests have no life-cycle phase: the workloads are `inference`, or `training` when their functional unit counts training tokens or FLOPs; change `phase` where that is wrong".to_owned());
    report.notes.push("IF manifests do not say who runs the data centre: sites are `owned`, or `cloud` where `cloud/vendor` names a provider".to_owned());
    let name = match names.as_slice() {
        [one] => one.clone(),
        _ => "Impact Framework manifests".to_owned(),
    };
    let inventory = build
        .finish(
            name,
            format!("imported by bilan from the Impact Framework manifest(s) {origin}"),
        )
        .map_err(|why| FileErrors {
            errors: vec![FileError::plain(&origin, why)],
        })?;
    Ok(Import { inventory, report })
}

/// Reads one manifest into `build`; returns its name.
///
/// The parser runs on another thread and the leaves are read on this one as they complete
/// ([`stream`]), when the plugins are written before the `tree` (as IF writes them); leaves
/// read otherwise are read once the whole manifest is.
fn read(
    file: &SourceFile,
    per: Per,
    build: &mut Build,
    report: &mut ImportReport,
    errors: &mut Vec<FileError>,
) -> Option<String> {
    // One leaf waits while one is parsed and one is read: a leaf of 3,000 observations is
    // about 6 MB as a tree, and a second waiting one (bound 2) cost that much more memory for
    // no time on two cores.
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    let (spent_tx, spent_rx) = std::sync::mpsc::channel();
    let (name, parse_error) = std::thread::scope(|scope| {
        // The parser runs on the other thread: what the import keeps (the inventory) is
        // then allocated on this one, which validates and writes it afterwards.
        let parser = scope.spawn(move || {
            let mut feeder = Feeder::new(tx, spent_rx);
            match yaml::parse_with(file, &mut |above, node| feeder.on_map(above, node)) {
                Ok(root) => {
                    feeder.end(root);
                    None
                }
                Err(e) => Some(e),
            }
        });
        let name = stream::read(file, per, rx, &spent_tx, build, report, errors);
        let parse_error = parser
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (name, parse_error)
    });
    if let Some(e) = parse_error {
        errors.push(*e);
        return None;
    }
    name
}

/// Reads what the leaves read as they came left: the header (unless read), the other
/// leaves, the plugins' report and IF's aggregated sums.
fn finish(
    file: &SourceFile,
    per: Per,
    root: &Node,
    read: stream::Read<'_>,
    build: &mut Build,
    report: &mut ImportReport,
    errors: &mut Vec<FileError>,
) -> Option<String> {
    let Some(tree) = root.get("tree").filter(|_| root.is_map()) else {
        errors.push(yaml::at(
            file,
            root,
            "",
            "not an Impact Framework manifest: no `tree` at the top level",
        ));
        return None;
    };
    let stream::Read {
        header,
        mut done,
        mut shared,
    } = read;
    let header = match header {
        Some(header) => {
            stream::after_tree(file, root, report, errors)?;
            header
        }
        None => Header::read(file, root, per, report, errors)?,
    };
    let leaves = manifest::leaves(file, tree, report, errors);
    let mut read_leaves = Vec::new();
    for leaf in &leaves {
        if let Some(d) = done.remove(&leaf.at) {
            if let Some(sums) = d.check(file, leaf, errors) {
                read_leaves.push((leaf.at.clone(), sums));
            }
            continue;
        }
        if let Some(sums) = read_leaf(&header.ctx(file), leaf, build, report, errors, &mut shared) {
            read_leaves.push((leaf.at.clone(), sums));
        }
    }
    header.report_plugins(file, shared, report);
    verify::check_aggregated(file, tree, "tree", &read_leaves, errors);
    Some(
        root.get("name")
            .and_then(Node::as_str)
            .unwrap_or("Impact Framework manifest")
            .to_owned(),
    )
}

/// What a manifest says outside its tree: the plugins, and whether (and by which IF) it
/// was computed.
pub(crate) struct Header<'h> {
    plugins: Vec<Plugin<'h>>,
    tool: Option<String>,
    output: bool,
    per: Per,
}

impl<'h> Header<'h> {
    /// Reads the keys of `root` but its `tree` (a whole manifest, or its keys before
    /// `tree`), reporting what is not kept; `None` after an error.
    fn read(
        file: &SourceFile,
        root: &'h Node,
        per: Per,
        report: &mut ImportReport,
        errors: &mut Vec<FileError>,
    ) -> Option<Header<'h>> {
        top_level(file, root.entries(), report);
        let execution = root.get("execution");
        let version = execution
            .and_then(|e| e.get("environment"))
            .and_then(|e| e.get("if-version"))
            .map(Node::shown);
        let tool = version.as_ref().map(|v| format!("impact-framework {v}"));
        if let Some(status) = execution
            .and_then(|e| e.get("status"))
            .and_then(Node::as_str)
            && status != "success"
        {
            let why = execution
                .and_then(|e| e.get("error"))
                .map(Node::shown)
                .unwrap_or_default();
            report.notes.push(format!("{}: IF's run of this manifest ended with status `{status}` ({why}); bilan reads its inputs as an input manifest", file.name));
        }
        if execution.is_some() {
            report.lose(
                &file.name,
                "execution",
                "`execution` (command, OS, Node version, date, dependencies)",
                "IF's run environment; only `if-version` is kept, in each item's provenance",
            );
        }
        let plugins = match manifest::plugins(file, root) {
            Ok(p) => p,
            Err(mut e) => {
                errors.append(&mut e);
                return None;
            }
        };
        let declared = metadata::declarations(&plugins);
        metadata::check_units(file, root, &declared, errors);
        metadata::check_aggregation(file, root, &declared, report, errors);
        Some(Header {
            plugins,
            tool,
            output: execution.is_some(),
            per,
        })
    }

    fn ctx<'a>(&'a self, file: &'a SourceFile) -> LeafCtx<'a> {
        LeafCtx {
            file,
            tool: self.tool.as_deref(),
            plugins: &self.plugins,
            output: self.output,
            per: self.per,
        }
    }

    /// Reports the plugins' parameters and functional units bilan does not keep, and the
    /// plugins no pipeline runs.
    fn report_plugins(&self, file: &SourceFile, shared: Shared, report: &mut ImportReport) {
        for (what, plugin) in shared.lost_units {
            report.lose(&file.name, format!("initialize.plugins.{plugin}.config.functional-unit"), format!("{what} and the `sci` per it"), "no bilan functional unit counts it (requests, tokens, output tokens, training tokens, FLOPs): the carbon is imported, not the SCI per this unit");
        }
        for p in &self.plugins {
            let used = shared.used.contains(&p.name);
            for key in p.ignored.iter().filter(|_| used) {
                report.lose(
                    &file.name,
                    format!("{}.{key}", p.at),
                    format!("`{key}` of plugin `{}`", p.name),
                    format!(
                        "IF's {} builtin does not read it, so it changes no figure",
                        p.method
                    ),
                );
            }
            if !used {
                report.lose(
                    &file.name,
                    p.at.clone(),
                    format!("plugin `{}` ({} from {})", p.name, p.method, p.path),
                    "declared but in no pipeline: it changes no figure",
                );
            }
        }
    }
}

/// Reports the top-level keys bilan does not read.
fn top_level(file: &SourceFile, entries: &[(String, Node)], report: &mut ImportReport) {
    for (k, v) in entries {
        if !TOP.contains(&k.as_str()) {
            report.lose(
                &file.name,
                k.clone(),
                format!("`{k}`"),
                "not a key of IF 1.1.0 manifests: not read",
            );
        } else if matches!(k.as_str(), "tags" | "explainer" | "explain") && !v.is_null() {
            report.lose(
                &file.name,
                k.clone(),
                format!("`{k}`"),
                "descriptive: no bilan field",
            );
        }
    }
}
