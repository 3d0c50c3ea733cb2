//! IF 1.1.0's arithmetic builtins, evaluated as IF evaluates them (same operations in the
//! same order, the same quirks on zero), so that bilan knows every figure of every
//! observation and where it came from. Plugins bilan does not evaluate are refused by the
//! caller before any observation is run.

use std::rc::Rc;

pub(crate) use super::params::Key;
use super::params::Params;
use super::yaml::{Node, Value};

/// An observation's value.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum V {
    Num(f64),
    Text(String),
    /// A boolean, list or map: carried along, never computed with.
    Other,
}

impl V {
    pub(crate) fn of(node: &Node) -> V {
        match &node.value {
            Value::Num(n) => V::Num(*n),
            Value::Str(s) => V::Text(s.clone()),
            _ => V::Other,
        }
    }
}

/// Where a parameter's value comes from.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Origin {
    /// The observation itself (`inputs[i]`).
    Input,
    /// The node's `defaults`.
    Default,
    /// Computed by a plugin from other parameters.
    Plugin(Rc<Step>),
}

/// What a plugin computes, the same for every observation (but SciEmbodied's formula,
/// which shows the observation's values).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Step {
    pub(crate) plugin: String,
    pub(crate) method: &'static str,
    pub(crate) formula: String,
    pub(crate) inputs: Vec<String>,
    pub(crate) output: Key,
}

/// What `SciEmbodied` computed, kept to map it onto a fleet.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct SciEmbodiedRun {
    pub(crate) plugin: String,
    pub(crate) output: String,
    /// The device's total embodied emissions, g CO2e.
    pub(crate) total: f64,
    pub(crate) usage_ratio: f64,
    /// `time`, else `duration`, s.
    pub(crate) time: f64,
    pub(crate) lifespan: f64,
    pub(crate) formula: String,
}

/// One observation while the pipeline runs.
#[derive(Clone, Debug, Default)]
pub(crate) struct Obs {
    pub(crate) values: Params<V>,
    pub(crate) origin: Params<Origin>,
    pub(crate) sci_embodied: Option<SciEmbodiedRun>,
    /// The functional unit of the last `Sci` run: a parameter name or a number.
    pub(crate) sci_unit: Option<(Operand, String)>,
}

impl Obs {
    pub(crate) fn num(&self, key: &str) -> Option<f64> {
        match self.values.get(key) {
            Some(V::Num(n)) => Some(*n),
            _ => None,
        }
    }

    fn need(&self, key: &str, plugin: &str) -> Result<f64, String> {
        match self.values.get(key) {
            Some(V::Num(n)) => Ok(*n),
            Some(_) => Err(format!(
                "`{key}` is not a number, but plugin `{plugin}` computes with it"
            )),
            None => Err(format!(
                "no `{key}` in the observation (nor in `defaults`), but plugin `{plugin}` reads it (IF stops with an input error here)"
            )),
        }
    }

    fn set(&mut self, step: &Rc<Step>, value: f64) {
        self.values.insert(step.output.clone(), V::Num(value));
        self.origin
            .insert(step.output.clone(), Origin::Plugin(step.clone()));
    }

    /// Whether `key` rests only on the observation's own values (not on defaults or
    /// constants), following the plugins that computed it; `except` are ignored.
    pub(crate) fn observed(&self, key: &str, except: &[&str]) -> bool {
        self.observed_depth(key, except, 0)
    }

    fn observed_depth(&self, key: &str, except: &[&str], depth: usize) -> bool {
        if except.contains(&key) {
            return true;
        }
        match self.origin.get(key) {
            Some(Origin::Input) => true,
            Some(Origin::Plugin(step)) if depth < 32 => step
                .inputs
                .iter()
                .all(|i| self.observed_depth(i, except, depth + 1)),
            _ => false,
        }
    }

    /// How `key` was computed, every step: `energy = energy-it × pue (plugin apply-pue);
    /// energy-it = cpu/energy + gpu/energy (plugin sum)`.
    pub(crate) fn explain(&self, key: &str) -> String {
        let mut steps = Vec::new();
        self.explain_into(key, &mut steps, 0);
        if steps.is_empty() {
            format!("{key} as written in the manifest")
        } else {
            steps.join("; ")
        }
    }

    fn explain_into(&self, key: &str, steps: &mut Vec<String>, depth: usize) {
        if let Some(Origin::Plugin(s)) = self.origin.get(key) {
            let step = format!("{key} = {} (plugin `{}`)", s.formula, s.plugin);
            if steps.contains(&step) || depth > 16 {
                return;
            }
            steps.push(step);
            for i in &s.inputs {
                self.explain_into(i, steps, depth + 1);
            }
        }
    }
}

/// A parameter name or a constant.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Operand {
    Param(String),
    Const(f64),
}

impl Operand {
    fn value(&self, obs: &Obs, plugin: &str) -> Result<f64, String> {
        match self {
            Operand::Param(p) => obs.need(p, plugin),
            Operand::Const(c) => Ok(*c),
        }
    }

    fn shown(&self) -> String {
        match self {
            Operand::Param(p) => p.clone(),
            Operand::Const(c) => c.to_string(),
        }
    }

    fn params(&self) -> Vec<String> {
        match self {
            Operand::Param(p) => vec![p.clone()],
            Operand::Const(_) => Vec::new(),
        }
    }
}

/// `SciEmbodied`'s constants (its config, with IF 1.1.0's defaults).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct SciEmbodiedConfig {
    pub(crate) baseline_vcpus: f64,
    pub(crate) baseline_memory: f64,
    pub(crate) baseline_emissions: f64,
    pub(crate) lifespan: f64,
    pub(crate) vcpu: f64,
    pub(crate) memory: f64,
    pub(crate) ssd: f64,
    pub(crate) hdd: f64,
    pub(crate) gpu: f64,
    pub(crate) output: String,
}

/// A builtin bilan evaluates, with its configuration read.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Builtin {
    Sum {
        inputs: Vec<String>,
        output: String,
    },
    Multiply {
        inputs: Vec<String>,
        output: String,
    },
    Subtract {
        inputs: Vec<String>,
        output: String,
    },
    Divide {
        numerator: String,
        denominator: Operand,
        output: String,
    },
    Coefficient {
        input: Operand,
        coefficient: f64,
        output: String,
    },
    Exponent {
        input: Operand,
        exponent: f64,
        output: String,
    },
    Copy {
        from: Operand,
        to: String,
        keep: bool,
    },
    SciEmbodied(SciEmbodiedConfig),
    Sci {
        unit: Operand,
    },
}

impl Builtin {
    /// The parameters it reads.
    pub(crate) fn reads(&self) -> Vec<String> {
        let fixed = |names: &[&str]| names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>();
        match self {
            Builtin::Sum { inputs, .. }
            | Builtin::Multiply { inputs, .. }
            | Builtin::Subtract { inputs, .. } => inputs.clone(),
            Builtin::Divide {
                numerator,
                denominator,
                ..
            } => {
                let mut v = vec![numerator.clone()];
                v.extend(denominator.params());
                v
            }
            Builtin::Coefficient { input, .. } | Builtin::Exponent { input, .. } => input.params(),
            Builtin::Copy { from, .. } => from.params(),
            Builtin::SciEmbodied(_) => fixed(&SCI_EMBODIED_INPUTS)
                .into_iter()
                .chain(["time".to_owned()])
                .collect(),
            Builtin::Sci { unit } => {
                let mut v = fixed(&["carbon", "duration"]);
                v.extend(unit.params());
                v
            }
        }
    }

    /// What it computes for `plugin`, for every observation.
    pub(crate) fn step(&self, plugin: &str) -> Rc<Step> {
        let (method, formula, inputs, output): (&'static str, String, Vec<String>, &str) =
            match self {
                Builtin::Sum { inputs, output } => {
                    ("Sum", inputs.join(" + "), inputs.clone(), output)
                }
                Builtin::Multiply { inputs, output } => {
                    ("Multiply", inputs.join(" × "), inputs.clone(), output)
                }
                Builtin::Subtract { inputs, output } => {
                    ("Subtract", inputs.join(" − "), inputs.clone(), output)
                }
                Builtin::Divide {
                    numerator,
                    denominator,
                    output,
                } => {
                    let mut inputs = vec![numerator.clone()];
                    inputs.extend(denominator.params());
                    (
                        "Divide",
                        format!("{numerator} / {}", denominator.shown()),
                        inputs,
                        output,
                    )
                }
                Builtin::Coefficient {
                    input,
                    coefficient,
                    output,
                } => (
                    "Coefficient",
                    format!("{} × {coefficient}", input.shown()),
                    input.params(),
                    output,
                ),
                Builtin::Exponent {
                    input,
                    exponent,
                    output,
                } => (
                    "Exponent",
                    format!("{} ^ {exponent}", input.shown()),
                    input.params(),
                    output,
                ),
                Builtin::Copy { from, to, .. } => ("Copy", from.shown(), from.params(), to),
                Builtin::SciEmbodied(c) => (
                    "SciEmbodied",
                    String::new(),
                    SCI_EMBODIED_INPUTS.map(str::to_owned).to_vec(),
                    &c.output,
                ),
                Builtin::Sci { unit } => {
                    let mut inputs = vec!["carbon".to_owned()];
                    inputs.extend(unit.params());
                    ("Sci", format!("carbon / {}", unit.shown()), inputs, "sci")
                }
            };
        Rc::new(Step {
            plugin: plugin.to_owned(),
            method,
            formula,
            inputs,
            output: Key::from(output),
        })
    }

    /// Runs on one observation, as IF 1.1.0 does; `step` is [`Builtin::step`]'s.
    pub(crate) fn apply(&self, step: &Rc<Step>, obs: &mut Obs) -> Result<(), String> {
        let plugin = step.plugin.as_str();
        let value = match self {
            Builtin::Sum { inputs, .. } => {
                let mut acc = 0.0;
                for i in inputs {
                    acc += obs.need(i, plugin)?;
                }
                acc
            }
            Builtin::Multiply { inputs, .. } => {
                let mut acc = 1.0;
                for i in inputs {
                    acc *= obs.need(i, plugin)?;
                }
                acc
            }
            Builtin::Subtract { inputs, .. } => {
                let mut it = inputs.iter();
                let mut acc = match it.next() {
                    Some(first) => obs.need(first, plugin)?,
                    None => f64::NAN,
                };
                for i in it {
                    acc -= obs.need(i, plugin)?;
                }
                acc
            }
            Builtin::Divide {
                numerator,
                denominator,
                ..
            } => {
                let n = obs.need(numerator, plugin)?;
                let d = denominator.value(obs, plugin)?;
                match denominator {
                    Operand::Param(p) if d == 0.0 => {
                        return Err(format!(
                            "`{p}` is 0: IF's Divide refuses a missing or zero denominator parameter (plugin `{plugin}`)"
                        ));
                    }
                    // IF warns and returns the numerator for a constant 0.
                    Operand::Const(_) if d == 0.0 => n,
                    _ => n / d,
                }
            }
            Builtin::Coefficient {
                input, coefficient, ..
            } => input.value(obs, plugin)? * coefficient,
            Builtin::Exponent {
                input, exponent, ..
            } => input.value(obs, plugin)?.powf(*exponent),
            Builtin::Copy { from, to, keep } => {
                let v = from.value(obs, plugin)?;
                obs.set(step, v);
                if let (Operand::Param(p), false) = (from, keep)
                    && p != to
                {
                    obs.values.remove(p.as_str());
                }
                return Ok(());
            }
            Builtin::SciEmbodied(c) => return sci_embodied(c, step, obs),
            Builtin::Sci { unit } => {
                let carbon = obs.need("carbon", plugin)?;
                let duration = obs.need("duration", plugin)?;
                if carbon < 0.0 || duration < 1.0 {
                    return Err(format!(
                        "plugin `{plugin}` (Sci) needs `carbon` ≥ 0 and `duration` ≥ 1 (IF stops here)"
                    ));
                }
                let r = unit.value(obs, plugin)?;
                if r < 0.0 {
                    return Err(format!(
                        "the functional unit `{}` is negative (IF stops here)",
                        unit.shown()
                    ));
                }
                obs.sci_unit = Some((unit.clone(), plugin.to_owned()));
                // IF returns the carbon itself, with a warning, for a functional unit of 0.
                if r == 0.0 { carbon } else { carbon / r }
            }
        };
        obs.set(step, value);
        Ok(())
    }
}

/// What SciEmbodied computes with (it also reads `time`, in place of `duration` when set).
const SCI_EMBODIED_INPUTS: [&str; 7] = [
    "vCPUs",
    "memory",
    "ssd",
    "hdd",
    "gpu",
    "usage-ratio",
    "duration",
];

fn sci_embodied(c: &SciEmbodiedConfig, step: &Step, obs: &mut Obs) -> Result<(), String> {
    let plugin = step.plugin.as_str();
    // IF validates the inputs with these defaults and merges them into the observation.
    for (key, default) in [
        ("vCPUs", 1.0),
        ("memory", 16.0),
        ("ssd", 0.0),
        ("hdd", 0.0),
        ("gpu", 0.0),
        ("usage-ratio", 1.0),
    ] {
        if !obs.values.contains_key(key) {
            obs.values.insert(Key::from(key), V::Num(default));
            obs.origin.insert(Key::from(key), Origin::Default);
        }
    }
    let duration = obs.need("duration", plugin)?;
    let get = |k: &str| obs.need(k, plugin);
    let (vcpus, memory, ssd, hdd, gpu, ratio) = (
        get("vCPUs")?,
        get("memory")?,
        get("ssd")?,
        get("hdd")?,
        get("gpu")?,
        get("usage-ratio")?,
    );
    if duration <= 0.0 || vcpus <= 0.0 || memory <= 0.0 || ratio <= 0.0 {
        return Err(format!(
            "plugin `{plugin}` (SciEmbodied) needs `duration`, `vCPUs`, `memory` and `usage-ratio` greater than 0 (IF stops here)"
        ));
    }
    let time = match obs.values.get("time") {
        Some(V::Num(t)) if *t != 0.0 => *t,
        _ => duration,
    };
    let cpu_e = (vcpus - c.baseline_vcpus) * c.vcpu;
    let memory_e = (memory - c.baseline_memory) * ((c.memory * c.baseline_memory) / 16.0) * 1000.0;
    let hdd_e = hdd * c.hdd;
    let gpu_e = gpu * c.gpu;
    let ssd_e = ssd * c.ssd;
    let total = c.baseline_emissions + cpu_e + memory_e + ssd_e + hdd_e + gpu_e;
    let value = total * ratio * (time / c.lifespan);
    let formula = format!(
        "SciEmbodied: TE × usage-ratio × time / lifespan, TE = {} + ({vcpus} − {}) × {} + ({memory} − {}) × {} × {} / 16 × 1000 + {ssd} × {} + {hdd} × {} + {gpu} × {} = {total} g",
        c.baseline_emissions,
        c.baseline_vcpus,
        c.vcpu,
        c.baseline_memory,
        c.memory,
        c.baseline_memory,
        c.ssd,
        c.hdd,
        c.gpu
    );
    // The formula shows this observation's values: a step of its own.
    let step = Rc::new(Step {
        formula: formula.clone(),
        ..step.clone()
    });
    obs.set(&step, value);
    obs.sci_embodied = Some(SciEmbodiedRun {
        plugin: plugin.to_owned(),
        output: c.output.clone(),
        total,
        usage_ratio: ratio,
        time,
        lifespan: c.lifespan,
        formula,
    });
    Ok(())
}
