//! What a manifest's plugins declare about each parameter (unit, aggregation method),
//! merged as IF merges it, and the checks on it: the units bilan reads are IF's SCI units,
//! and every aggregated metric bilan reproduces is declared and summed.

use std::collections::BTreeMap;

use bilan_io::{FileError, SourceFile};

use super::manifest::Plugin;
use super::yaml::{self, Node};
use crate::ImportReport;

/// What the plugins declare about one parameter.
#[derive(Clone, Debug, Default)]
pub(crate) struct Declared {
    /// IF's aggregation method (the last plugin declaring it wins, as in IF): time and
    /// component methods, and where it was declared.
    pub(crate) aggregation: Option<(Option<String>, Option<String>, String)>,
    /// Every unit declared, with where.
    pub(crate) units: Vec<(String, String)>,
}

/// Parameters IF 1.1.0's builtins declare themselves: `(method, inputs, outputs)`, each
/// `(parameter, unit, time, component)`.
type Decl = (&'static str, &'static str, &'static str, &'static str);
const BUILTIN_METADATA: [(&str, &[Decl], &[Decl]); 3] = [
    (
        "Sci",
        &[
            ("carbon", "gCO2e", "sum", "sum"),
            ("functional-unit", "none", "sum", "sum"),
        ],
        &[("sci", "gCO2e", "avg", "sum")],
    ),
    (
        "SciEmbodied",
        &[
            ("vCPUs", "CPUs", "copy", "copy"),
            ("memory", "GB", "copy", "copy"),
            ("ssd", "SSDs", "copy", "copy"),
            ("hdd", "HDDs", "copy", "copy"),
            ("gpu", "GPUs", "copy", "copy"),
            ("usage-ratio", "dimensionless", "copy", "copy"),
            ("time", "seconds", "copy", "copy"),
        ],
        &[("embodied-carbon", "gCO2eq", "sum", "sum")],
    ),
    (
        "TimeSync",
        &[
            ("timestamp", "RFC3339", "none", "none"),
            ("duration", "seconds", "sum", "none"),
        ],
        &[],
    ),
];

/// A parameter a plugin declares: name, aggregation (time, component), unit, where.
type Param = (
    String,
    Option<(Option<String>, Option<String>)>,
    Option<String>,
    String,
);

/// What every parameter is declared to be, merged over the plugins as IF merges it:
/// a plugin's declared inputs add to its builtin's, its declared outputs replace them,
/// and a later plugin's aggregation method wins.
pub(crate) fn declarations(plugins: &[Plugin<'_>]) -> BTreeMap<String, Declared> {
    let mut out: BTreeMap<String, Declared> = BTreeMap::new();
    for p in plugins {
        let meta = p.node.get("parameter-metadata");
        let builtin = BUILTIN_METADATA
            .iter()
            .find(|(m, _, _)| p.path == "builtin" && *m == p.method);
        let mut params: Vec<Param> = Vec::new();
        if let Some((_, inputs, _)) = builtin {
            for (name, unit, t, c) in inputs.iter() {
                params.push((
                    name.to_string(),
                    Some((Some(t.to_string()), Some(c.to_string()))),
                    Some(unit.to_string()),
                    format!("{} (IF builtin {})", p.at, p.method),
                ));
            }
        }
        let declared = |side: &str| meta.and_then(|m| m.get(side)).filter(|s| s.is_map());
        for (side, node) in [
            ("inputs", declared("inputs")),
            ("outputs", declared("outputs")),
        ] {
            match node {
                Some(n) => {
                    for (param, d) in n.entries() {
                        let agg = d.get("aggregation-method").map(|a| {
                            let m = |k: &str| a.get(k).and_then(Node::as_str).map(str::to_owned);
                            (m("time"), m("component"))
                        });
                        let unit = d.get("unit").map(Node::shown);
                        params.retain(|(n, _, _, _)| n != param);
                        params.push((
                            param.clone(),
                            agg,
                            unit,
                            format!("{}.parameter-metadata.{side}.{param}", p.at),
                        ));
                    }
                }
                None if side == "outputs" => {
                    if let Some((_, _, outputs)) = builtin {
                        for (name, unit, t, c) in outputs.iter() {
                            params.push((
                                name.to_string(),
                                Some((Some(t.to_string()), Some(c.to_string()))),
                                Some(unit.to_string()),
                                format!("{} (IF builtin {})", p.at, p.method),
                            ));
                        }
                    }
                }
                None => {}
            }
        }
        for (param, agg, unit, at) in params {
            let d = out.entry(param).or_default();
            if let Some((t, c)) = agg {
                d.aggregation = Some((t, c, at.clone()));
            }
            if let Some(u) = unit {
                d.units.push((u, at));
            }
        }
    }
    out
}

/// The unit bilan reads a parameter in, when it reads it: IF's SCI conventions.
pub(crate) fn expected_unit(param: &str) -> Option<(&'static str, &'static [&'static str])> {
    const KWH: (&str, &[&str]) = ("kWh", &["kwh", "kilowatt-hour", "kilowatt-hours"]);
    const G: (&str, &[&str]) = ("gCO2e", &["gco2e", "gco2eq", "gco2", "gco2-eq", "g"]);
    const I: (&str, &[&str]) = (
        "gCO2e/kWh",
        &["gco2e/kwh", "gco2eq/kwh", "gco2/kwh", "g/kwh"],
    );
    const S: (&str, &[&str]) = ("s", &["s", "second", "seconds", "sec", "secs"]);
    match param {
        "grid/carbon-intensity" => Some(I),
        "duration" | "time" | "time-reserved" | "device/expected-lifespan" | "lifespan" => Some(S),
        "device/emissions-embodied" | "carbon" => Some(G),
        p if p.ends_with("energy") || p.starts_with("energy") => Some(KWH),
        p if p.starts_with("carbon-") || p.ends_with("-carbon") => Some(G),
        _ => None,
    }
}

/// Refuses parameters bilan reads whose declared units are not IF's SCI units, or that
/// two plugins declare in different units.
pub(crate) fn check_units(
    file: &SourceFile,
    root: &Node,
    declared: &BTreeMap<String, Declared>,
    errors: &mut Vec<FileError>,
) {
    for (param, d) in declared {
        let Some((unit, accepted)) = expected_unit(param) else {
            continue;
        };
        for (u, at) in &d.units {
            let norm = u.to_ascii_lowercase().replace(' ', "");
            if !accepted.contains(&norm.as_str()) {
                let node = locate(root, at).unwrap_or(root);
                errors.push(yaml::at(file, node, at, format!("`{param}` is declared in `{}`, but IF's SCI pipelines (and bilan reading them) take it in {unit}: the observations' units are inconsistent with the figures computed from them", bilan_units::text::clip(u))));
            }
        }
        let distinct: Vec<String> = {
            let mut v: Vec<String> = d
                .units
                .iter()
                .map(|(u, _)| u.to_ascii_lowercase().replace(' ', ""))
                .collect();
            v.sort();
            v.dedup();
            v
        };
        if distinct.len() > 1
            && let Some((_, at)) = d.units.last()
        {
            let node = locate(root, at).unwrap_or(root);
            errors.push(yaml::at(file, node, at, format!("`{param}` is declared in several units ({}): the observations' units are inconsistent", distinct.join(", "))));
        }
    }
}

/// The node at a dotted key path (keys may hold `/`, never `.`), when it exists.
pub(crate) fn locate<'a>(root: &'a Node, path: &str) -> Option<&'a Node> {
    let path = path.split(" (").next().unwrap_or(path);
    let mut node = root;
    for key in path.split('.') {
        node = node.get(key)?;
    }
    Some(node)
}

/// The metrics bilan reproduces as sums (energy, carbon and the functional unit's count).
pub(crate) fn is_summed_figure(metric: &str) -> bool {
    matches!(
        metric,
        "energy"
            | "carbon"
            | "carbon-operational"
            | "operational-carbon"
            | "carbon-embodied"
            | "embodied-carbon"
    ) || super::map::unit_kind(metric).is_some()
}

/// Checks the `aggregation` block: every metric has a declared aggregation method, and
/// the figures bilan reproduces are sums; other metrics are reported as not imported.
pub(crate) fn check_aggregation(
    file: &SourceFile,
    root: &Node,
    declared: &BTreeMap<String, Declared>,
    report: &mut ImportReport,
    errors: &mut Vec<FileError>,
) {
    let Some(agg) = root.get("aggregation").filter(|a| !a.is_null()) else {
        return;
    };
    let ty = agg.get("type").and_then(Node::as_str).unwrap_or("none");
    let (time, component) = match ty {
        "time" | "horizontal" => (true, false),
        "component" | "vertical" => (false, true),
        "both" => (true, true),
        "none" => return,
        other => {
            let n = agg.get("type").unwrap_or(agg);
            errors.push(yaml::at(
                file,
                n,
                "aggregation.type",
                format!(
                    "`{}`: expected time, component, both or none",
                    bilan_units::text::clip(other)
                ),
            ));
            return;
        }
    };
    let Some(metrics) = agg.get("metrics").and_then(Node::items) else {
        let n = agg.get("metrics").unwrap_or(agg);
        errors.push(yaml::at(
            file,
            n,
            "aggregation.metrics",
            "expected a list of parameter names (IF 1.x)",
        ));
        return;
    };
    for (i, m) in metrics.iter().enumerate() {
        let at = format!("aggregation.metrics[{i}]");
        let Some(metric) = m.as_str() else {
            errors.push(yaml::at(
                file,
                m,
                &at,
                format!("expected a parameter name, found {}", m.kind()),
            ));
            continue;
        };
        let Some((t, c, where_)) = declared.get(metric).and_then(|d| d.aggregation.clone()) else {
            errors.push(yaml::at(file, m, &at, format!("`{metric}` is aggregated, but no plugin declares its `aggregation-method` in `parameter-metadata`: IF 1.1.0 then warns \"Unknown parameter\" and reports the last observation instead of a total, so the manifest does not say how `{metric}` adds up and bilan cannot reproduce IF's aggregate")));
            continue;
        };
        let used: Vec<(&str, Option<String>)> = [("time", t, time), ("component", c, component)]
            .into_iter()
            .filter(|(_, _, on)| *on)
            .map(|(k, v, _)| (k, v))
            .collect();
        if metric == "sci" {
            if let Some((kind, Some(how))) = used.iter().find(|(_, v)| v.as_deref() != Some("none"))
            {
                errors.push(yaml::at(file, m, &at, format!("`sci` is aggregated by `{how}` over {kind} (declared at {where_}): IF then combines per-observation ratios, which is not SCI over the period (Σ carbon / Σ R, what bilan computes); take `sci` out of `aggregation.metrics`")));
            }
        } else if is_summed_figure(metric) {
            for (kind, how) in &used {
                if how.as_deref() != Some("sum") {
                    errors.push(yaml::at(file, m, &at, format!("`{metric}` is aggregated over {kind} by `{}` (declared at {where_}): bilan's totals are sums, so IF's aggregate cannot be reproduced", how.as_deref().unwrap_or("nothing declared"))));
                }
            }
        } else {
            let hows: Vec<String> = used
                .iter()
                .map(|(k, v)| format!("{k}: {}", v.as_deref().unwrap_or("?")))
                .collect();
            let why = if metric == "grid/carbon-intensity" {
                "bilan's intensity of the work is energy-weighted (Σ E × I / Σ E), not IF's plain average"
            } else {
                "bilan carries no such figure"
            };
            report.lose(
                &file.name,
                at,
                format!("aggregated metric `{metric}` ({})", hows.join(", ")),
                why,
            );
        }
    }
}
