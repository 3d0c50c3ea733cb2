//! The structure of a manifest: its plugins (`initialize.plugins`, each read into a
//! builtin bilan evaluates, or the reason it cannot), and the tree's leaves with the
//! pipeline and defaults each inherits.

use bilan_io::{FileError, SourceFile};

use super::evaluate::{Builtin, Operand, SciEmbodiedConfig};
use super::yaml::{self, Node, Value};
use crate::ImportReport;

/// A plugin of `initialize.plugins`.
#[derive(Debug)]
pub(crate) struct Plugin<'a> {
    pub(crate) name: String,
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) node: &'a Node,
    pub(crate) at: String,
    /// The builtin read from its config, or why bilan cannot evaluate it.
    pub(crate) builtin: Result<Builtin, Fault>,
    /// Keys of its declaration or config that the builtin does not read (IF ignores them).
    pub(crate) ignored: Vec<String>,
}

/// The config keys each builtin bilan evaluates reads.
fn config_keys(method: &str) -> Option<&'static [&'static str]> {
    Some(match method {
        "Sum" | "Multiply" | "Subtract" => &["input-parameters", "output-parameter"],
        "Divide" => &["numerator", "denominator", "output"],
        "Coefficient" => &["input-parameter", "coefficient", "output-parameter"],
        "Exponent" => &["input-parameter", "exponent", "output-parameter"],
        "Copy" => &["from", "to", "keep-existing"],
        "SciEmbodied" => &[
            "baseline-vcpus",
            "baseline-memory",
            "baseline-emissions",
            "lifespan",
            "vcpu-emissions-constant",
            "memory-emissions-constant",
            "ssd-emissions-constant",
            "hdd-emissions-constant",
            "gpu-emissions-constant",
            "output-parameter",
        ],
        "Sci" => &["functional-unit"],
        _ => return None,
    })
}

/// What a builtin's declaration holds that neither IF nor bilan reads.
fn ignored(node: &Node, method: &str, path: &str) -> Vec<String> {
    let mut out: Vec<String> = node
        .entries()
        .iter()
        .filter(|(k, _)| {
            !matches!(
                k.as_str(),
                "method" | "path" | "config" | "parameter-metadata" | "mapping"
            )
        })
        .map(|(k, _)| k.clone())
        .collect();
    if let (Some(keys), "builtin") = (config_keys(method), path)
        && let Some(config) = node.get("config")
    {
        out.extend(
            config
                .entries()
                .iter()
                .filter(|(k, _)| !keys.contains(&k.as_str()))
                .map(|(k, _)| format!("config.{k}")),
        );
    }
    out
}

/// A located error, boxed (it is large).
pub(crate) type Fault = Box<FileError>;

fn fault(file: &SourceFile, node: &Node, at: &str, message: impl Into<String>) -> Fault {
    Box::new(yaml::at(file, node, at, message))
}

/// Reads `initialize.plugins`, in order.
pub(crate) fn plugins<'a>(
    file: &SourceFile,
    root: &'a Node,
) -> Result<Vec<Plugin<'a>>, Vec<FileError>> {
    let Some(list) = root.get("initialize").and_then(|i| i.get("plugins")) else {
        return Ok(Vec::new());
    };
    if !list.is_map() && !list.is_null() {
        return Err(vec![yaml::at(
            file,
            list,
            "initialize.plugins",
            format!("expected a map of plugins by name, found {}", list.kind()),
        )]);
    }
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (name, node) in list.entries() {
        let at = format!("initialize.plugins.{name}");
        let text = |key: &str| node.get(key).and_then(Node::as_str).map(str::to_owned);
        let (Some(method), Some(path)) = (text("method"), text("path")) else {
            errors.push(yaml::at(
                file,
                node,
                &at,
                "a plugin needs `method` and `path` (strings), as IF requires",
            ));
            continue;
        };
        let builtin = if path == "builtin" {
            builtin(file, name, &method, node, &at)
        } else {
            Err(fault(
                file,
                node,
                &at,
                format!(
                    "plugin `{name}` is `{method}` from `{}`, not an IF builtin: IF runs that package's code, which bilan cannot evaluate, so the figures it feeds cannot be reproduced",
                    bilan_units::text::clip(&path)
                ),
            ))
        };
        let ignored = ignored(node, &method, &path);
        out.push(Plugin {
            name: name.clone(),
            method,
            path,
            node,
            at,
            builtin,
            ignored,
        });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn builtin(
    file: &SourceFile,
    name: &str,
    method: &str,
    node: &Node,
    at: &str,
) -> Result<Builtin, Fault> {
    let empty = Node {
        value: Value::Map(Vec::new()),
        start: node.start,
    };
    let config = node
        .get("config")
        .filter(|c| !c.is_null())
        .unwrap_or(&empty);
    let cat = format!("{at}.config");
    if let Some(m) = node.get("mapping").filter(|m| !m.entries().is_empty()) {
        return Err(fault(
            file,
            m,
            &format!("{at}.mapping"),
            format!(
                "plugin `{name}` renames parameters with `mapping`, which bilan does not follow; write the parameter names in `config`"
            ),
        ));
    }
    for (k, v) in config.entries() {
        if v.as_str().is_some_and(|s| s.trim_start().starts_with('=')) {
            return Err(fault(
                file,
                v,
                &format!("{cat}.{k}"),
                format!(
                    "`{}` is an IF arithmetic expression, which bilan does not evaluate; write the value",
                    v.shown()
                ),
            ));
        }
    }
    let err = |key: &str, what: &str| {
        let n = config.get(key).unwrap_or(config);
        fault(
            file,
            n,
            &format!("{cat}.{key}"),
            format!("plugin `{name}` ({method}): expected {what}"),
        )
    };
    let text = |key: &str| {
        config
            .get(key)
            .and_then(Node::as_str)
            .map(str::to_owned)
            .ok_or_else(|| err(key, "a parameter name"))
    };
    let list = |key: &str| -> Result<Vec<String>, Fault> {
        config
            .get(key)
            .and_then(Node::items)
            .and_then(|items| {
                items
                    .iter()
                    .map(|i| i.as_str().map(str::to_owned))
                    .collect::<Option<Vec<_>>>()
            })
            .ok_or_else(|| err(key, "a list of parameter names"))
    };
    let number = |key: &str, default: Option<f64>| -> Result<f64, Fault> {
        match config.get(key) {
            Some(n) => n
                .as_f64()
                .filter(|v| v.is_finite())
                .ok_or_else(|| err(key, "a number")),
            None => default.ok_or_else(|| err(key, "a number")),
        }
    };
    let operand = |key: &str| -> Result<Operand, Fault> {
        match config.get(key).map(|n| &n.value) {
            Some(Value::Num(n)) => Ok(Operand::Const(*n)),
            Some(Value::Str(s)) => Ok(match s.trim().parse::<f64>() {
                Ok(n) if n.is_finite() => Operand::Const(n),
                _ => Operand::Param(s.clone()),
            }),
            _ => Err(err(key, "a parameter name or a number")),
        }
    };
    Ok(match method {
        "Sum" => Builtin::Sum {
            inputs: list("input-parameters")?,
            output: text("output-parameter")?,
        },
        "Multiply" => Builtin::Multiply {
            inputs: list("input-parameters")?,
            output: text("output-parameter")?,
        },
        "Subtract" => Builtin::Subtract {
            inputs: list("input-parameters")?,
            output: text("output-parameter")?,
        },
        "Divide" => Builtin::Divide {
            numerator: text("numerator")?,
            denominator: operand("denominator")?,
            output: text("output")?,
        },
        "Coefficient" => Builtin::Coefficient {
            input: operand("input-parameter")?,
            coefficient: number("coefficient", None)?,
            output: text("output-parameter")?,
        },
        "Exponent" => Builtin::Exponent {
            input: operand("input-parameter")?,
            exponent: number("exponent", None)?,
            output: text("output-parameter")?,
        },
        "Copy" => Builtin::Copy {
            from: operand("from")?,
            to: text("to")?,
            keep: config
                .get("keep-existing")
                .is_some_and(|k| k.value == Value::Bool(true)),
        },
        "SciEmbodied" => Builtin::SciEmbodied(SciEmbodiedConfig {
            baseline_vcpus: number("baseline-vcpus", Some(1.0))?,
            baseline_memory: number("baseline-memory", Some(16.0))?,
            baseline_emissions: number("baseline-emissions", Some(1_000_000.0))?,
            lifespan: number("lifespan", Some(126_144_000.0)).and_then(|l| {
                if l > 0.0 {
                    Ok(l)
                } else {
                    Err(err("lifespan", "a lifespan greater than 0 s"))
                }
            })?,
            vcpu: number("vcpu-emissions-constant", Some(100_000.0))?,
            memory: number("memory-emissions-constant", Some(533.0 / 384.0))?,
            ssd: number("ssd-emissions-constant", Some(50_000.0))?,
            hdd: number("hdd-emissions-constant", Some(100_000.0))?,
            gpu: number("gpu-emissions-constant", Some(150_000.0))?,
            output: config
                .get("output-parameter")
                .and_then(Node::as_str)
                .unwrap_or("embodied-carbon")
                .to_owned(),
        }),
        "Sci" => Builtin::Sci {
            unit: operand("functional-unit")?,
        },
        "TimeSync" => {
            let get = |k: &str| config.get(k).map_or_else(|| "?".to_owned(), Node::shown);
            return Err(fault(
                file,
                node,
                at,
                format!(
                    "plugin `{name}` is TimeSync: it regrids the observations onto {} s windows from {} to {} (allow-padding {}), splitting, trimming and padding them, so the observations IF aggregates are not the file's (energy outside the window is dropped, averaged parameters are re-averaged); bilan does not reproduce this resampling: import the observations without TimeSync",
                    get("interval"),
                    get("start-time"),
                    get("end-time"),
                    get("allow-padding")
                ),
            ));
        }
        other => {
            let why = match other {
                "MockObservations" | "CSVImport" => {
                    "it generates or reads the observations from elsewhere"
                }
                "CSVLookup" => "it looks values up in a CSV file that is not in the manifest",
                "Shell" => "it runs a program",
                "Interpolation" | "TimeConverter" | "Regex" => "bilan does not implement it",
                _ => "it is not one of IF 1.1.0's builtins bilan knows",
            };
            return Err(fault(
                file,
                node,
                at,
                format!(
                    "plugin `{name}` is the builtin `{other}`, which bilan does not evaluate ({why}), so the figures it feeds cannot be reproduced"
                ),
            ));
        }
    })
}

/// A leaf of the tree (a node with observations) and what it inherits.
#[derive(Debug)]
pub(crate) struct Leaf<'a> {
    pub(crate) names: Vec<String>,
    pub(crate) at: String,
    pub(crate) node: &'a Node,
    pub(crate) pipeline: Option<(&'a Node, String)>,
    pub(crate) defaults: Option<(&'a Node, String)>,
}

/// Every node with observations, depth first, each with the pipeline and defaults it
/// inherits (a node's own replace its parent's, as in IF).
pub(crate) fn leaves<'a>(
    file: &SourceFile,
    tree: &'a Node,
    report: &mut ImportReport,
    errors: &mut Vec<FileError>,
) -> Vec<Leaf<'a>> {
    let mut out = Vec::new();
    walk(
        file,
        tree,
        "tree".to_owned(),
        Vec::new(),
        None,
        None,
        report,
        errors,
        &mut out,
        0,
    );
    out
}

#[allow(clippy::too_many_arguments)]
fn walk<'a>(
    file: &SourceFile,
    node: &'a Node,
    at: String,
    names: Vec<String>,
    pipeline: Option<(&'a Node, String)>,
    defaults: Option<(&'a Node, String)>,
    report: &mut ImportReport,
    errors: &mut Vec<FileError>,
    out: &mut Vec<Leaf<'a>>,
    depth: usize,
) {
    if !node.is_map() {
        errors.push(yaml::at(file, node, &at, format!("expected a node (a map with `pipeline`, `defaults`, `inputs` or `children`), found {}", node.kind())));
        return;
    }
    let pipeline = node
        .get("pipeline")
        .filter(|p| !p.is_null())
        .map(|p| (p, format!("{at}.pipeline")))
        .or(pipeline);
    let defaults = node
        .get("defaults")
        .filter(|d| !d.is_null())
        .map(|d| (d, format!("{at}.defaults")))
        .or(defaults);
    if let Some(c) = node.get("config").filter(|c| !c.is_null()) {
        report.lose(&file.name, format!("{at}.config"), format!("node-level config ({})", c.entries().iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>().join(", ")), "IF 1.1.0 no longer applies node-level config (it warns and ignores it), so neither does bilan");
    }
    for (k, _) in node.entries() {
        if !matches!(
            k.as_str(),
            "pipeline" | "defaults" | "inputs" | "outputs" | "children" | "aggregated" | "config"
        ) {
            report.lose(
                &file.name,
                format!("{at}.{k}"),
                format!("`{k}`"),
                "not part of an IF node: not read",
            );
        }
    }
    match node.get("children").filter(|c| !c.is_null()) {
        Some(children) if depth < 32 => {
            if node.get("outputs").is_some() {
                report.lose(&file.name, format!("{at}.outputs"), "IF's per-time-step sums over the children", "derived by IF's component aggregation; bilan's totals are the sums of the observations (the `aggregated` sums are checked)");
            }
            if !children.is_map() {
                errors.push(yaml::at(
                    file,
                    children,
                    &format!("{at}.children"),
                    format!(
                        "expected a map of child nodes by name, found {}",
                        children.kind()
                    ),
                ));
                return;
            }
            for (name, child) in children.entries() {
                let mut n = names.clone();
                n.push(name.clone());
                walk(
                    file,
                    child,
                    format!("{at}.children.{name}"),
                    n,
                    pipeline.clone(),
                    defaults.clone(),
                    report,
                    errors,
                    out,
                    depth + 1,
                );
            }
        }
        Some(c) => errors.push(yaml::at(
            file,
            c,
            &format!("{at}.children"),
            "the tree nests more than 32 levels deep",
        )),
        None => out.push(Leaf {
            names,
            at,
            node,
            pipeline,
            defaults,
        }),
    }
}
