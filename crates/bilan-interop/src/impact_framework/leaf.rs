//! One leaf of a manifest's tree: its pipeline run on each observation, each observation
//! mapped onto bilan's terms and checked against what IF wrote, then added to the inventory
//! (or to its day's sum, `--per day`).

use std::collections::{BTreeSet, HashSet};

use rustc_hash::FxHashMap;

use bilan_io::{FileError, SourceFile};

use super::build::{self, Build, Context};
use super::evaluate::{Key, Obs, Origin, V};
use super::group::{Groups, Per};
use super::manifest::{Leaf, Plugin};
use super::verify::{self, Sums};
use super::yaml::{self, Node};
use super::{MAPPED, map};
use crate::ImportReport;

/// What every leaf of a manifest is read with.
pub(crate) struct LeafCtx<'a> {
    pub(crate) file: &'a SourceFile,
    pub(crate) tool: Option<&'a str>,
    pub(crate) plugins: &'a [Plugin<'a>],
    pub(crate) output: bool,
    pub(crate) per: Per,
}

/// What the leaves of a manifest find together, for the import report.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    /// The plugins some pipeline runs.
    pub(crate) used: BTreeSet<String>,
    /// The plugins refused (reported once).
    pub(crate) refused: HashSet<String>,
    /// Functional units bilan has no kind for: (what, plugin).
    pub(crate) lost_units: BTreeSet<(String, String)>,
}

/// Reads a leaf's observations; `None` after an error (one per leaf).
pub(crate) fn read_leaf(
    c: &LeafCtx<'_>,
    leaf: &Leaf<'_>,
    build: &mut Build,
    report: &mut ImportReport,
    errors: &mut Vec<FileError>,
    shared: &mut Shared,
) -> Option<Sums> {
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
                shared.used.insert(p.name.clone());
                if let Err(e) = &p.builtin {
                    if shared.refused.insert(p.name.clone()) {
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
                    return Some(Sums::default());
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
    let relevant = |k: &str| reads.contains(k) || MAPPED.contains(&k);
    let mut names = Names::default();
    let steps: Vec<_> = compute
        .iter()
        .filter_map(|p| p.builtin.as_ref().ok().map(|b| (b, b.step(&p.name))))
        .collect();
    let leaf_name = if leaf.names.is_empty() {
        "tree".to_owned()
    } else {
        leaf.names.join("/")
    };
    // The defaults are the same in every observation: read once.
    let mut unused: BTreeSet<(String, String, String)> = BTreeSet::new();
    let mut base = Obs::default();
    if let Some((d, dat)) = defaults {
        for (k, v) in d.entries() {
            let (key, known) = names.get(k, &relevant);
            base.values.insert(key.clone(), V::of(v));
            base.origin.insert(key, Origin::Default);
            if !known {
                unused.insert((dat.clone(), k.clone(), v.shown()));
            }
        }
    }
    let mut sums = Sums::default();
    let mut groups = Groups::default();
    let mut last_ctx = None;
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
        let mut obs = base.clone();
        // A node with only `defaults` has them as its one observation: constants.
        for (k, v) in input.entries().iter().filter(|_| !single) {
            if v.is_null() && obs.values.contains_key(k.as_str()) {
                continue;
            }
            let (key, known) = names.get(k, &relevant);
            obs.values.insert(key.clone(), V::of(v));
            obs.origin.insert(key, Origin::Input);
            if !known {
                unused.insert((inputs_at.clone(), k.clone(), v.shown()));
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
        for (builtin, step) in &steps {
            if let Err(message) = builtin.apply(step, &mut obs) {
                errors.push(yaml::at(file, input, &at, message));
                return None;
            }
        }
        let model = match map::finite(&obs, relevant).and_then(|()| map::model(&obs)) {
            Ok(m) => m,
            Err((key, message)) => {
                let (n, p) = locate(&key);
                errors.push(yaml::at(file, n, &p, message));
                return None;
            }
        };
        if let Some(lost) = &model.unit_lost {
            shared.lost_units.insert(lost.clone());
        }
        let output = outputs.and_then(|o| o.get(i));
        if let Some(out) = output
            && let Err(e) =
                verify::check_output(file, out, &format!("{}.outputs[{i}]", leaf.at), &obs)
        {
            errors.push(*e);
            return None;
        }
        let ctx = Context {
            file: &file.name,
            tool: c.tool,
            leaf: &leaf_name,
            leaf_at: &leaf.at,
            defaults_at: leaf.defaults.as_ref().map(|d| d.1.as_str()),
            at: at.clone(),
            start,
            duration,
            period,
            many: inputs.len() > 1,
            index: i,
            summed: None,
        };
        sums.add(&obs);
        match c.per {
            Per::Observation => {
                let reported = output.map(|_| verify::reported(c.tool, &obs, &model));
                if let Err((key, message)) = build.add(&ctx, &obs, &model, reported) {
                    let (n, p) = locate(&key);
                    errors.push(yaml::at(file, n, &p, message));
                    return None;
                }
            }
            Per::Day => groups.add(&ctx, obs, model, output.is_some()),
        }
        last_ctx = Some(ctx);
    }
    if let Some(ctx) = last_ctx
        && let Err((at, (key, message))) = groups.finish(&ctx, build)
    {
        errors.push(yaml::at(file, leaf.node, &format!("{at}.{key}"), message));
        return None;
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
    Some(sums)
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

/// The parameters' names of a leaf, each kept once and shared by its observations, with
/// whether the pipeline or the mapping reads it.
#[derive(Default)]
struct Names(FxHashMap<String, (Key, bool)>);

impl Names {
    fn get(&mut self, name: &str, relevant: &impl Fn(&str) -> bool) -> (Key, bool) {
        if let Some((key, known)) = self.0.get(name) {
            return (key.clone(), *known);
        }
        let entry = (Key::from(name), relevant(name));
        self.0.insert(name.to_owned(), entry.clone());
        entry
    }
}
