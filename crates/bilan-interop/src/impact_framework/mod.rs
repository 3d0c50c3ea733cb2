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
mod manifest;
mod map;
mod metadata;
mod verify;
pub(crate) mod yaml;

#[cfg(test)]
mod tests;

use std::collections::{BTreeSet, HashSet};

use bilan_hardware::Catalogue;
use bilan_io::{FileError, FileErrors, SourceFile};

use build::{Build, Context};
use evaluate::{Obs, Origin, V};
use manifest::{Leaf, Plugin};
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

/// Imports IF manifests.
pub fn import(files: &[SourceFile], _catalogue: &Catalogue) -> Result<Import, FileErrors> {
    let mut build = Build::default();
    let mut report = ImportReport::default();
    let mut errors = Vec::new();
    let mut names = Vec::new();
    for file in files {
        if let Some(name) = read(file, &mut build, &mut report, &mut errors) {
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
fn read(
    file: &SourceFile,
    build: &mut Build,
    report: &mut ImportReport,
    errors: &mut Vec<FileError>,
) -> Option<String> {
    let root = match yaml::parse(file) {
        Ok(r) => r,
        Err(e) => {
            errors.push(*e);
            return None;
        }
    };
    let Some(tree) = root.get("tree").filter(|_| root.is_map()) else {
        errors.push(yaml::at(
            file,
            &root,
            "",
            "not an Impact Framework manifest: no `tree` at the top level",
        ));
        return None;
    };
    for (k, v) in root.entries() {
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
    let plugins = match manifest::plugins(file, &root) {
        Ok(p) => p,
        Err(mut e) => {
            errors.append(&mut e);
            return None;
        }
    };
    let declared = metadata::declarations(&plugins);
    metadata::check_units(file, &root, &declared, errors);
    metadata::check_aggregation(file, &root, &declared, report, errors);
    let leaves = manifest::leaves(file, tree, report, errors);
    let mut used = BTreeSet::new();
    let mut refused = HashSet::new();
    let mut read_leaves = Vec::new();
    let mut lost_units = BTreeSet::new();
    for leaf in &leaves {
        let ctx = LeafCtx {
            file,
            tool: tool.as_deref(),
            plugins: &plugins,
            output: execution.is_some(),
        };
        if let Some(obs) = read_leaf(
            &ctx,
            leaf,
            build,
            report,
            errors,
            &mut used,
            &mut refused,
            &mut lost_units,
        ) {
            read_leaves.push((leaf.at.clone(), obs));
        }
    }
    for (what, plugin) in lost_units {
        report.lose(&file.name, format!("initialize.plugins.{plugin}.config.functional-unit"), format!("{what} and the `sci` per it"), "no bilan functional unit counts it (requests, tokens, output tokens, training tokens, FLOPs): the carbon is imported, not the SCI per this unit");
    }
    for p in &plugins {
        for key in p.ignored.iter().filter(|_| used.contains(&p.name)) {
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
        if !used.contains(&p.name) {
            report.lose(
                &file.name,
                p.at.clone(),
                format!("plugin `{}` ({} from {})", p.name, p.method, p.path),
                "declared but in no pipeline: it changes no figure",
            );
        }
    }
    verify::check_aggregated(file, tree, "tree", &read_leaves, errors);
    Some(
        root.get("name")
            .and_then(Node::as_str)
            .unwrap_or("Impact Framework manifest")
            .to_owned(),
    )
}

struct LeafCtx<'a> {
    file: &'a SourceFile,
    tool: Option<&'a str>,
    plugins: &'a [Plugin<'a>],
    output: bool,
}

/// Reads a leaf's observations; `None` after an error (one per leaf).
#[allow(clippy::too_many_arguments)]
fn read_leaf(
    c: &LeafCtx<'_>,
    leaf: &Leaf<'_>,
    build: &mut Build,
    report: &mut ImportReport,
    errors: &mut Vec<FileError>,
    used: &mut BTreeSet<String>,
    refused: &mut HashSet<String>,
    lost_units: &mut BTreeSet<(String, String)>,
) -> Option<Vec<Obs>> {
    let file = c.file;
    let mut compute: Vec<&Plugin<'_>> = Vec::new();
    if let Some((pipeline, at)) = &leaf.pipeline {
        if !pipeline.is_map() {
            errors.push(yaml::at(
                file,
                pipeline,
                at,
                "expected a map with `observe`, `regroup` and `compute` lists (IF 1.x)",
            ));
            return None;
        }
        for (phase, list) in pipeline.entries() {
            let items = list.items().unwrap_or(&[]);
            let phase_at = format!("{at}.{phase}");
            match phase.as_str() {
                "compute" => {}
                "observe" if !items.is_empty() && c.output => {
                    report.lose(&file.name, phase_at, "observe plugins", "the observations are read as this output file holds them, after IF observed them");
                    continue;
                }
                "observe" if !items.is_empty() => {
                    errors.push(yaml::at(file, list, &phase_at, "observe plugins generate the observations when IF runs, so this input manifest does not hold them: import IF's output file"));
                    return None;
                }
                "regroup" if !items.is_empty() => {
                    report.lose(&file.name, phase_at, "regroup", "bilan keeps one workload per observation, so IF's regrouping into child nodes changes no figure; the groups are not kept");
                    continue;
                }
                _ => continue,
            }
            for (i, entry) in items.iter().enumerate() {
                let entry_at = format!("{phase_at}[{i}]");
                let Some(p) = entry
                    .as_str()
                    .and_then(|name| c.plugins.iter().find(|p| p.name == name))
                else {
                    errors.push(yaml::at(
                        file,
                        entry,
                        &entry_at,
                        format!(
                            "`{}` is not a plugin of `initialize.plugins`",
                            entry.shown()
                        ),
                    ));
                    return None;
                };
                used.insert(p.name.clone());
                if let Err(e) = &p.builtin {
                    if refused.insert(p.name.clone()) {
                        errors.push(yaml::at(
                            file,
                            entry,
                            &entry_at,
                            format!(
                                "{} (at {})",
                                e.message,
                                e.key_path.as_deref().unwrap_or(&p.at)
                            ),
                        ));
                    }
                    return None;
                }
                compute.push(p);
            }
        }
    }
    let defaults = leaf.defaults.as_ref().filter(|(d, _)| d.is_map());
    let (inputs, inputs_at): (Vec<&Node>, String) =
        match leaf.node.get("inputs").and_then(Node::items) {
            Some(items) => (items.iter().collect(), format!("{}.inputs", leaf.at)),
            None => match defaults {
                Some((d, at)) => (vec![*d], at.clone()),
                None => {
                    report.lose(
                        &file.name,
                        leaf.at.clone(),
                        "a node without observations",
                        "no `inputs` nor `defaults`: nothing to import",
                    );
                    return Some(Vec::new());
                }
            },
        };
    let outputs = leaf.node.get("outputs").and_then(Node::items);
    if let Some(o) = outputs
        && o.len() != inputs.len()
    {
        let n = leaf.node.get("outputs").unwrap_or(leaf.node);
        errors.push(yaml::at(file, n, &format!("{}.outputs", leaf.at), format!("IF wrote {} outputs for {} observations: its observations were resampled or generated, and bilan cannot pair them", o.len(), inputs.len())));
        return None;
    }
    let reads: HashSet<String> = compute
        .iter()
        .filter_map(|p| p.builtin.as_ref().ok())
        .flat_map(|b| b.reads())
        .collect();
    let mut unused: BTreeSet<(String, String, String)> = BTreeSet::new();
    let mut all = Vec::with_capacity(inputs.len());
    let single = leaf.node.get("inputs").is_none();
    for (i, input) in inputs.iter().enumerate() {
        let at = if single {
            inputs_at.clone()
        } else {
            format!("{inputs_at}[{i}]")
        };
        if !input.is_map() {
            errors.push(yaml::at(
                file,
                input,
                &at,
                format!("expected an observation (a map), found {}", input.kind()),
            ));
            return None;
        }
        let mut obs = Obs::default();
        for (node, origin) in [
            (defaults.map(|d| d.0), Origin::Default),
            // A node with only `defaults` has them as its one observation: constants.
            (Some(*input).filter(|_| !single), Origin::Input),
        ] {
            for (k, v) in node.map(Node::entries).unwrap_or(&[]) {
                if v.is_null() && obs.values.contains_key(k) {
                    continue;
                }
                obs.values.insert(k.clone(), V::of(v));
                obs.origin.insert(k.clone(), origin.clone());
                if !reads.contains(k) && !MAPPED.contains(&k.as_str()) {
                    let where_ = if origin == Origin::Default {
                        leaf.defaults.as_ref().map_or(at.clone(), |d| d.1.clone())
                    } else {
                        inputs_at.clone()
                    };
                    unused.insert((where_, k.clone(), v.shown()));
                }
            }
        }
        let locate = |key: &str| {
            input
                .get(key)
                .map(|n| (n, format!("{at}.{key}")))
                .or_else(|| {
                    defaults.and_then(|(d, dat)| d.get(key).map(|n| (n, format!("{dat}.{key}"))))
                })
                .unwrap_or((input, at.clone()))
        };
        let start = match input
            .get("timestamp")
            .or_else(|| defaults.and_then(|d| d.0.get("timestamp")))
            .and_then(Node::as_str)
            .map(verify::timestamp)
        {
            Some(Some(t)) => t,
            _ => {
                let (n, p) = locate("timestamp");
                errors.push(yaml::at(file, n, &p, "expected a `timestamp` such as 2026-11-02T00:00:00Z (every IF observation has one)"));
                return None;
            }
        };
        let duration = match obs.num("duration") {
            Some(d) if d > 0.0 && d.is_finite() => d,
            _ => {
                let (n, p) = locate("duration");
                errors.push(yaml::at(
                    file,
                    n,
                    &p,
                    "expected a `duration` in seconds, greater than 0",
                ));
                return None;
            }
        };
        let period = match build::period(start, duration) {
            Ok(p) => p,
            Err(why) => {
                let (n, p) = locate("duration");
                errors.push(yaml::at(file, n, &p, why));
                return None;
            }
        };
        for p in &compute {
            if let Ok(b) = &p.builtin
                && let Err(message) = b.apply(&p.name, &mut obs)
            {
                errors.push(yaml::at(file, input, &at, message));
                return None;
            }
        }
        let relevant = |k: &str| reads.contains(k) || MAPPED.contains(&k);
        let model = match map::finite(&obs, relevant).and_then(|()| map::model(&obs)) {
            Ok(m) => m,
            Err((key, message)) => {
                let (n, p) = locate(&key);
                errors.push(yaml::at(file, n, &p, message));
                return None;
            }
        };
        if let Some(lost) = &model.unit_lost {
            lost_units.insert(lost.clone());
        }
        let output = outputs.and_then(|o| o.get(i));
        if let Some(out) = output
            && let Err(e) =
                verify::check_output(file, out, &format!("{}.outputs[{i}]", leaf.at), &obs)
        {
            errors.push(*e);
            return None;
        }
        let reported = output.map(|_| verify::reported(c.tool, &obs, &model));
        let ctx = Context {
            file: &file.name,
            tool: c.tool,
            leaf: if leaf.names.is_empty() {
                "tree".to_owned()
            } else {
                leaf.names.join("/")
            },
            leaf_at: &leaf.at,
            defaults_at: leaf.defaults.as_ref().map(|d| d.1.as_str()),
            at: at.clone(),
            start,
            duration,
            period,
            many: inputs.len() > 1,
            index: i,
        };
        if let Err((key, message)) = build.add(&ctx, &obs, &model, reported) {
            let (n, p) = locate(&key);
            errors.push(yaml::at(file, n, &p, message));
            return None;
        }
        all.push(obs);
    }
    for (at, key, value) in unused {
        lose_once(
            report,
            &file.name,
            at,
            format!("`{key}` = {value}"),
            "read by no plugin of the pipeline and no bilan field",
        );
    }
    Some(all)
}

/// Records a loss once, however many leaves inherit what is lost.
fn lose_once(
    report: &mut ImportReport,
    file: &str,
    at: String,
    what: impl Into<String>,
    why: &str,
) {
    let what = what.into();
    if !report
        .lost
        .iter()
        .any(|l| l.file == file && l.at == at && l.what == what)
    {
        report.lose(file, at, what, why);
    }
}
