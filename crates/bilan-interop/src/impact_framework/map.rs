//! One evaluated observation as bilan's SCI terms: `E` (IT energy and PUE, or energy at
//! the facility), `I` (the manifest's grid intensity), `M` (TE × time / lifespan × share)
//! and `R`; and the check that those terms give back every figure the manifest holds
//! (computed by its pipeline or written in it), or a refusal naming the figure.

use bilan_core::inventory::FunctionalUnitKind;

use super::evaluate::{Obs, Operand, Origin, V};

/// bilan's functional unit for an IF functional-unit parameter, when one counts it.
pub(crate) fn unit_kind(param: &str) -> Option<FunctionalUnitKind> {
    Some(match param {
        "requests" | "request" | "api-requests" | "inference-requests" | "queries" => {
            FunctionalUnitKind::Request
        }
        "tokens" | "token" => FunctionalUnitKind::Token,
        "output-tokens" | "tokens-out" | "completion-tokens" => FunctionalUnitKind::OutputToken,
        "training-tokens" => FunctionalUnitKind::TrainingToken,
        "flops" | "flop" | "FLOPs" => FunctionalUnitKind::Flop,
        _ => return None,
    })
}

/// How a device's embodied emissions are shared.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Share {
    /// `resources-reserved` of `resources-total`.
    Resources { reserved: f64, total: f64 },
    /// A ratio (SciEmbodied's `usage-ratio`, or 1).
    Ratio(f64),
}

impl Share {
    pub(crate) fn value(&self) -> f64 {
        match self {
            Share::Resources { reserved, total } => reserved / total,
            Share::Ratio(r) => *r,
        }
    }
}

/// M's terms.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Embodied {
    /// TE, g CO2e of the whole device.
    pub(crate) total: f64,
    /// EL, s.
    pub(crate) lifespan: f64,
    /// TiR, s.
    pub(crate) time: f64,
    /// Whether TiR is the observation's `duration`.
    pub(crate) time_is_duration: bool,
    pub(crate) share: Share,
    /// Which parameters or plugin gave TE, EL, TiR and the share.
    pub(crate) source: String,
    /// The parameter holding M.
    pub(crate) figure: String,
    /// The parameter holding TE, or the plugin computing it.
    pub(crate) te: Result<String, String>,
}

impl Embodied {
    /// M, g CO2e.
    pub(crate) fn value(&self) -> f64 {
        self.total * (self.time / self.lifespan) * self.share.value()
    }
}

/// The functional unit of an observation.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Unit {
    pub(crate) kind: FunctionalUnitKind,
    pub(crate) param: String,
    pub(crate) count: f64,
    pub(crate) plugin: String,
}

/// An observation in bilan's terms.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Model {
    /// IF's `energy`, kWh (with the PUE applied when the pipeline applies one).
    pub(crate) energy: f64,
    /// IT energy (kWh), PUE and the IT parameter, when `energy` is IT energy × `pue`.
    pub(crate) it: Option<(f64, f64, String)>,
    /// Grid intensity, g CO2e/kWh, and the parameter (or plugin) it came from.
    pub(crate) intensity: Option<(f64, String)>,
    pub(crate) embodied: Option<Embodied>,
    pub(crate) unit: Option<Unit>,
    /// A functional unit bilan has no kind for: (what, plugin).
    pub(crate) unit_lost: Option<(String, String)>,
}

/// A problem with one parameter of the observation.
pub(crate) type Refusal = (String, String);

/// The functional unit read, or what bilan has no kind for: (what, plugin).
type UnitRead = (Option<Unit>, Option<(String, String)>);

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()) + 1e-12
}

fn first<'a>(obs: &Obs, keys: &[&'a str]) -> Option<(&'a str, f64)> {
    keys.iter().find_map(|k| obs.num(k).map(|v| (*k, v)))
}

/// Refuses a number that is NaN or an infinity among the parameters bilan or the pipeline
/// reads (`relevant`), else among those the pipeline computed (an overflow): no figure
/// can be formed from it, and the parameter written is named before what it gave.
pub(crate) fn finite(obs: &Obs, relevant: impl Fn(&str) -> bool) -> Result<(), Refusal> {
    if obs
        .values
        .values()
        .all(|v| !matches!(v, V::Num(n) if !n.is_finite()))
    {
        return Ok(());
    }
    let computed = |k: &str| matches!(obs.origin.get(k), Some(Origin::Plugin(_)));
    let infinite = |keep: &dyn Fn(&str) -> bool| {
        obs.values.iter().find_map(|(k, v)| match v {
            V::Num(n) if !n.is_finite() && keep(k) => Some((k, *n)),
            _ => None,
        })
    };
    let written = |k: &str| relevant(k) && !computed(k);
    match infinite(&written).or_else(|| infinite(&computed)) {
        Some((key, n)) => Err((
            key.to_string(),
            format!("`{key}` is {n}: not a finite number, so no figure can be computed from it"),
        )),
        None => Ok(()),
    }
}

/// Reads `obs` into bilan's terms and checks they reproduce its figures.
pub(crate) fn model(obs: &Obs) -> Result<Model, Refusal> {
    let op = first(obs, &["carbon-operational", "operational-carbon"]);
    let emb = first(obs, &["carbon-embodied", "embodied-carbon"]);
    let Some(energy) = obs.num("energy") else {
        return Err((
            "energy".to_owned(),
            "no `energy` (kWh) in the observation nor computed by its pipeline: bilan's workloads need IF's `energy` (E in SCI)".to_owned(),
        ));
    };
    if energy < 0.0 {
        return Err((
            "energy".to_owned(),
            format!("`{energy}` kWh: energy cannot be negative"),
        ));
    }
    let it = match obs.origin.get("energy") {
        Some(Origin::Plugin(step))
            if step.method == "Multiply"
                && step.inputs.len() == 2
                && step.inputs.iter().any(|i| i == "pue") =>
        {
            let other = step
                .inputs
                .iter()
                .find(|i| *i != "pue")
                .cloned()
                .unwrap_or_default();
            match (obs.num(&other), obs.num("pue")) {
                (Some(e), Some(pue)) if pue >= 1.0 => Some((e, pue, other)),
                (_, Some(pue)) => {
                    return Err((
                        "pue".to_owned(),
                        format!("`{pue}`: a PUE is facility energy over IT energy, at least 1"),
                    ));
                }
                _ => None,
            }
        }
        _ => None,
    };
    let intensity = match op.map(|(k, _)| obs.origin.get(k)) {
        Some(Some(Origin::Plugin(step)))
            if step.method == "Multiply"
                && step.inputs.len() == 2
                && step.inputs.iter().any(|i| i == "energy") =>
        {
            let other = step
                .inputs
                .iter()
                .find(|i| *i != "energy")
                .cloned()
                .unwrap_or_default();
            obs.num(&other).map(|i| (i, other))
        }
        Some(Some(Origin::Plugin(step)))
            if step.method == "Coefficient" && step.inputs == ["energy"] && energy > 0.0 =>
        {
            op.map(|(_, v)| {
                (
                    v / energy,
                    format!("the coefficient of plugin `{}`", step.plugin),
                )
            })
        }
        _ => obs
            .num("grid/carbon-intensity")
            .map(|i| (i, "grid/carbon-intensity".to_owned())),
    };
    if let Some((i, k)) = &intensity
        && *i < 0.0
    {
        return Err((
            k.clone(),
            format!("`{i}` gCO2e/kWh: a grid intensity cannot be negative"),
        ));
    }
    let embodied = match emb {
        // A zero written in the observation (an export's child without hardware): no M.
        Some((key, v))
            if v == 0.0
                && obs
                    .origin
                    .get(key)
                    .is_some_and(|o| !matches!(o, Origin::Plugin(_)))
                && obs.num("device/emissions-embodied").is_none() =>
        {
            None
        }
        Some((key, _)) => Some(embodied(obs, key)?),
        None => None,
    };
    let operational = intensity.as_ref().map(|(i, _)| energy * i);
    if let Some((key, value)) = op {
        match operational {
            Some(o) if close(o, value) => {}
            Some(o) => {
                return Err((
                    key.to_owned(),
                    format!(
                        "`{key}` is {value} g, but energy × grid intensity is {energy} × {} = {o} g: bilan's E × I does not reproduce it",
                        intensity.as_ref().map_or(0.0, |i| i.0)
                    ),
                ));
            }
            None => {
                return Err((
                    key.to_owned(),
                    format!(
                        "`{key}` is {value} g, but the observation has no grid intensity (`grid/carbon-intensity`) to compute it from its energy: bilan's E × I cannot reproduce it"
                    ),
                ));
            }
        }
    }
    if let (Some((key, value)), Some(e)) = (emb, &embodied)
        && !close(e.value(), value)
    {
        return Err((
            key.to_owned(),
            format!(
                "`{key}` is {value} g, but TE × TiR / EL × share = {} × {} / {} × {} = {} g: bilan's M does not reproduce it",
                e.total,
                e.time,
                e.lifespan,
                e.share.value(),
                e.value()
            ),
        ));
    }
    if let Some(carbon) = obs.num("carbon") {
        let m = embodied.as_ref().map_or(0.0, Embodied::value);
        match operational {
            Some(o) if close(o + m, carbon) => {}
            None if energy == 0.0 && close(m, carbon) => {}
            _ => {
                let what = match operational {
                    Some(o) => format!("E × I + M = {o} + {m} = {} g", o + m),
                    None => {
                        "the observation has no grid intensity to compute E × I from".to_owned()
                    }
                };
                return Err((
                    "carbon".to_owned(),
                    format!(
                        "`carbon` is {carbon} g, but {what}: it holds something bilan's SCI terms do not (another carbon term, or a figure written by hand)"
                    ),
                ));
            }
        }
    }
    let (unit, unit_lost) = functional_unit(obs)?;
    Ok(Model {
        energy,
        it,
        intensity,
        embodied,
        unit,
        unit_lost,
    })
}

fn embodied(obs: &Obs, key: &str) -> Result<Embodied, Refusal> {
    if let Some(run) = obs.sci_embodied.as_ref().filter(|r| r.output == key) {
        return Ok(Embodied {
            total: run.total,
            lifespan: run.lifespan,
            time: run.time,
            time_is_duration: obs.num("time").is_none_or(|t| t == 0.0),
            share: Share::Ratio(run.usage_ratio),
            source: format!("{} (plugin `{}`)", run.formula, run.plugin),
            figure: key.to_owned(),
            te: Err(run.plugin.clone()),
        })
        .and_then(check_share(key));
    }
    let Some(total) = obs.num("device/emissions-embodied") else {
        return Err((
            key.to_owned(),
            format!(
                "`{key}` is given, but bilan's M needs `device/emissions-embodied` (TE) and `device/expected-lifespan` (EL), or IF's SciEmbodied, to reproduce it; found {}",
                obs.explain(key)
            ),
        ));
    };
    let Some(lifespan) = obs.num("device/expected-lifespan").filter(|l| *l > 0.0) else {
        return Err((
            "device/expected-lifespan".to_owned(),
            format!(
                "`{key}` needs the device's `device/expected-lifespan` (s, greater than 0) to be reproduced as TE × TiR / EL"
            ),
        ));
    };
    let (time, time_key) = match obs.num("time-reserved") {
        Some(t) => (t, "time-reserved"),
        None => match obs.num("duration") {
            Some(d) => (d, "duration"),
            None => {
                return Err((
                    "duration".to_owned(),
                    "no `duration` (s): M needs the time reserved".to_owned(),
                ));
            }
        },
    };
    let share = match (obs.num("resources-reserved"), obs.num("resources-total")) {
        (Some(r), Some(t)) if t > 0.0 && r >= 0.0 => Share::Resources {
            reserved: r,
            total: t,
        },
        (None, None) => Share::Ratio(1.0),
        _ => {
            return Err(("resources-reserved".to_owned(), "`resources-reserved` and `resources-total` (greater than 0) go together: RR / ToR is M's resource share".to_owned()));
        }
    };
    if total < 0.0 || time < 0.0 {
        return Err((
            key.to_owned(),
            "TE and the time reserved cannot be negative".to_owned(),
        ));
    }
    let shares = match &share {
        Share::Resources { .. } => " × resources-reserved / resources-total",
        Share::Ratio(_) => "",
    };
    Ok(Embodied {
        total,
        lifespan,
        time,
        time_is_duration: time_key == "duration",
        share,
        source: format!(
            "device/emissions-embodied × {time_key} / device/expected-lifespan{shares}"
        ),
        figure: key.to_owned(),
        te: Ok("device/emissions-embodied".to_owned()),
    })
    .and_then(check_share(key))
}

fn check_share(key: &str) -> impl FnOnce(Embodied) -> Result<Embodied, Refusal> + '_ {
    move |e| {
        let s = e.share.value();
        if (0.0..=1.0).contains(&s) {
            Ok(e)
        } else {
            Err((
                key.to_owned(),
                format!(
                    "the share of the device reserved is {s}: more than the whole device (or negative), which bilan's fleets cannot hold"
                ),
            ))
        }
    }
}

fn functional_unit(obs: &Obs) -> Result<UnitRead, Refusal> {
    let Some((operand, plugin)) = &obs.sci_unit else {
        return Ok((None, None));
    };
    let param = match operand {
        Operand::Param(p) => p,
        Operand::Const(c) => {
            return Ok((
                None,
                Some((format!("functional unit {c} (a constant)"), plugin.clone())),
            ));
        }
    };
    let Some(kind) = unit_kind(param) else {
        return Ok((
            None,
            Some((format!("functional unit `{param}`"), plugin.clone())),
        ));
    };
    let Some(count) = obs.num(param) else {
        return Err((
            param.clone(),
            format!(
                "plugin `{plugin}` (Sci) divides by `{param}`, but a later plugin removed it from the observation: R is unknown"
            ),
        ));
    };
    if let (Some(sci), Some(carbon)) = (obs.num("sci"), obs.num("carbon"))
        && count > 0.0
        && !close(sci, carbon / count)
    {
        return Err((
            "sci".to_owned(),
            format!(
                "`sci` is {sci}, but carbon / {param} = {carbon} / {count} = {}",
                carbon / count
            ),
        ));
    }
    Ok((
        Some(Unit {
            kind,
            param: param.clone(),
            count,
            plugin: plugin.clone(),
        }),
        None,
    ))
}
