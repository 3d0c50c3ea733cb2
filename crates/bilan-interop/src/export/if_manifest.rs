//! `-f if-manifest`: bilan's figures for one method as an Impact Framework (1.1.0)
//! manifest, so IF pipelines can read them.
//!
//! The tree has one child per workload, with one observation: its start, duration, energy
//! (IT energy and the PUE bilan applied, or facility energy), the grid intensity bilan
//! applied (its workload's carbon over its energy), its hardware's embodied terms in SCI's
//! form (`device/emissions-embodied` TE, `device/expected-lifespan` EL, `resources-reserved`
//! RR of `resources-total` ToR, and `time-reserved` TiR when it is not the duration) and
//! the functional unit's count. Each child's `outputs` carry bilan's figures: `energy`
//! (kWh), `carbon-operational`, `carbon-embodied`, `carbon` (g CO2e, as IF counts) and
//! `sci` per functional unit; `aggregated` carries their sums. The pipeline is IF's SCI
//! builtins only (`Multiply`, `Divide`, `Sum`, `Sci`), wired so that `if-run` on this file
//! computes the same outputs from the inputs, and `bilan import impact-framework` reads it
//! back into the same workloads.
//!
//! A manifest cannot state a figure as unknown: a method that does not cover carbon, or
//! computed no carbon or energy here (every contribution excluded), is refused with the
//! reason, and so is a workload whose electricity the method excluded (its child would
//! carry 0 for what the method did not count).

use std::collections::HashSet;

use bilan_core::assessment::{Aspect, ItemKind, workloads_of};
use bilan_core::indicator::Indicator;
use bilan_core::inventory::{
    EnergyBoundary, FunctionalUnit, FunctionalUnitKind, Ownership, Workload,
};

use super::{Figure, Source, excluded};
use crate::impact_framework::yaml::{Out, emit};

/// IF's name for what a functional unit counts.
fn param_of(kind: FunctionalUnitKind) -> Option<&'static str> {
    Some(match kind {
        FunctionalUnitKind::Request => "requests",
        FunctionalUnitKind::Token => "tokens",
        FunctionalUnitKind::OutputToken => "output-tokens",
        FunctionalUnitKind::TrainingToken => "training-tokens",
        FunctionalUnitKind::Flop => "flops",
        FunctionalUnitKind::TrainingRun => return None,
    })
}

/// The count of `w` for `kind`.
fn count_of(w: &Workload, kind: FunctionalUnitKind) -> Option<f64> {
    let v = &w.volume;
    match kind {
        FunctionalUnitKind::Request => v.requests,
        FunctionalUnitKind::Token => match (v.tokens_in, v.tokens_out) {
            (None, None) => None,
            (a, b) => Some(a.unwrap_or(0.0) + b.unwrap_or(0.0)),
        },
        FunctionalUnitKind::OutputToken => v.tokens_out,
        FunctionalUnitKind::TrainingToken => v.training_tokens,
        FunctionalUnitKind::Flop => v.flops,
        FunctionalUnitKind::TrainingRun => None,
    }
}

/// `x` to 12 significant digits: the figures bilan derives back (an intensity as carbon
/// over energy, TE from M) then read as the values they came from.
fn round(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    format!("{x:.11e}").parse().unwrap_or(x)
}

/// One workload's child: its observation, the pipeline that computes its figures, and
/// bilan's figures.
struct Child {
    inputs: Vec<(String, Out)>,
    outputs: Vec<(String, Out)>,
    pipeline: Vec<&'static str>,
    energy: f64,
    operational: f64,
    embodied: f64,
}

/// Writes the manifest.
pub fn write(source: &Source<'_>) -> Result<String, String> {
    let inv = source.inventory;
    let a = source.assessment;
    let method = &a.method;
    let total = super::total(a, Indicator::Gwp, "an IF manifest carries carbon")? * 1000.0;
    // Without the energy indicator a child's energy is the kWh the method's terms multiply;
    // an energy the method covers but excluded everywhere is not written as such.
    if matches!(Figure::of(a, Indicator::Energy), Figure::NotComputed(_)) {
        super::total(a, Indicator::Energy, "an IF manifest carries energy")?;
    }
    let fu: Option<(&FunctionalUnit, &'static str, HashSet<&str>)> =
        inv.functional_units.iter().find_map(|f| {
            let param = param_of(f.kind)?;
            let ids = workloads_of(inv, f)
                .into_iter()
                .map(|w| w.id.as_ref())
                .collect();
            Some((f, param, ids))
        });
    let mut children = Vec::new();
    let mut used: Vec<&'static str> = Vec::new();
    let mut totals = [0.0; 4];
    for w in &inv.workloads {
        let c = child(source, w, fu.as_ref().map(|(f, p, ids)| (f.kind, *p, ids)))?;
        for p in &c.pipeline {
            if !used.contains(p) {
                used.push(p);
            }
        }
        let carbon = c.operational + c.embodied;
        for (t, v) in totals
            .iter_mut()
            .zip([c.energy, c.operational, c.embodied, carbon])
        {
            *t += v;
        }
        let aggregated = Out::map([
            ("energy", Out::Num(c.energy)),
            ("carbon-operational", Out::Num(c.operational)),
            ("carbon-embodied", Out::Num(c.embodied)),
            ("carbon", Out::Num(carbon)),
        ]);
        children.push((
            w.id.to_string(),
            Out::map([
                (
                    "pipeline",
                    Out::map([(
                        "compute",
                        Out::Seq(c.pipeline.iter().map(|p| Out::str(*p)).collect()),
                    )]),
                ),
                ("inputs", Out::Seq(vec![Out::Map(c.inputs)])),
                ("outputs", Out::Seq(vec![Out::Map(c.outputs)])),
                ("aggregated", aggregated),
            ]),
        ));
    }
    let mut description = format!(
        "Figures computed by bilan {} with method `{}` version {} from the inventory {} (written by bilan, not computed by IF). Units as IF counts them: energy in kWh, carbon in gCO2e. Total carbon {} gCO2e",
        source.bilan_version,
        method.id,
        method.version,
        source.inventory_file,
        bilan_units::text::significant(total, 6)
    );
    let outside = total - totals[3];
    if outside.abs() > 1e-9 * total.abs().max(1e-12) {
        description.push_str(&format!(
            ", of which {} gCO2e is not allocated to any workload (buildings, services and other items) and so in no child of the tree",
            bilan_units::text::significant(outside, 6)
        ));
    }
    description.push('.');
    if let Some((f, param, _)) = &fu
        && let Some(r) = a
            .functional_units
            .iter()
            .find(|r| r.functional_unit == f.id && r.indicator == Indicator::Gwp)
    {
        description.push_str(&format!(
            " SCI per {} (functional unit `{}`, counted by `{param}`), Σ carbon / Σ R over its workloads: {} gCO2e; each child's `sci` is its own carbon / R.",
            f.kind.id(),
            f.id,
            bilan_units::text::significant(r.value * 1000.0, 6)
        ));
    }
    let plugins: Vec<(String, Out)> = used
        .iter()
        .filter_map(|p| plugin(p, fu.as_ref().map(|f| f.1)).map(|o| ((*p).to_owned(), o)))
        .collect();
    let manifest = Out::map([
        ("name", Out::str(inv.system.name.clone())),
        ("description", Out::Str(description)),
        (
            "aggregation",
            Out::map([
                (
                    "metrics",
                    Out::Seq(
                        ["energy", "carbon-operational", "carbon-embodied", "carbon"]
                            .map(Out::str)
                            .to_vec(),
                    ),
                ),
                ("type", Out::str("both")),
            ]),
        ),
        ("initialize", Out::map([("plugins", Out::Map(plugins))])),
        (
            "tree",
            Out::map([
                ("children", Out::Map(children)),
                (
                    "aggregated",
                    Out::map([
                        ("energy", Out::Num(totals[0])),
                        ("carbon-operational", Out::Num(totals[1])),
                        ("carbon-embodied", Out::Num(totals[2])),
                        ("carbon", Out::Num(totals[3])),
                    ]),
                ),
            ]),
        ),
    ]);
    Ok(emit(&manifest))
}

fn child(
    source: &Source<'_>,
    w: &Workload,
    fu: Option<(FunctionalUnitKind, &'static str, &HashSet<&str>)>,
) -> Result<Child, String> {
    let inv = source.inventory;
    let a = source.assessment;
    if let Some(why) =
        excluded(a, inv, w, Indicator::Gwp).or_else(|| excluded(a, inv, w, Indicator::Energy))
    {
        return Err(format!(
            "the method {}@{} excluded {why}: the child of workload `{}` would carry figures the method did not count; export an inventory of the workloads it counts, or assess with a method that counts this one",
            a.method.id, a.method.version, w.id
        ));
    }
    let ids = HashSet::from([w.id.as_ref()]);
    let (mut energy, mut operational, mut embodied, mut pue) = (0.0, 0.0, 0.0, None);
    for c in a.contributions.iter().filter(|c| !c.memo) {
        let share = c.workload_share(&ids);
        if share == 0.0 {
            continue;
        }
        let gwp = c.value(Indicator::Gwp).unwrap_or(0.0) * share * 1000.0;
        if c.item.kind == ItemKind::Workload {
            operational += gwp;
            if matches!(
                c.aspect,
                Aspect::Electricity | Aspect::IdleElectricity | Aspect::HostElectricity
            ) {
                // The energy indicator where the method has it, else the kWh its terms multiply.
                energy += c.value(Indicator::Energy).unwrap_or_else(|| c.base()) * share;
            }
            if c.aspect == Aspect::Electricity {
                pue = c.terms.iter().find(|t| t.symbol == "PUE").map(|t| t.value);
            }
        } else {
            embodied += gwp;
        }
    }
    let site = inv
        .site(&w.site)
        .ok_or_else(|| format!("workload `{}`: no site `{}`", w.id, w.site))?;
    let intensity = if energy > 0.0 {
        round(operational / energy)
    } else {
        site.electricity
            .get(&Indicator::Gwp)
            .and_then(|f| f.value.to_str_unit("g/kWh").ok())
            .unwrap_or(0.0)
    };
    let start = started(w).unwrap_or_else(|| {
        format!(
            "{}T00:00:00Z",
            w.period.map_or(inv.system.period.start, |p| p.start)
        )
    });
    let duration = match (&w.duration, &w.period) {
        (Some(d), _) => d
            .to_str_unit("s")
            .map_err(|e| format!("workload `{}`: duration: {e}", w.id))?,
        (None, Some(p)) => p.days() as f64 * 86_400.0,
        (None, None) => inv.system.period.days() as f64 * 86_400.0,
    };
    let mut inputs: Vec<(String, Out)> = vec![
        ("timestamp".to_owned(), Out::Str(start)),
        ("duration".to_owned(), Out::Num(duration)),
        ("cloud/region".to_owned(), Out::str(site.region.code())),
    ];
    if let (Some(p), Ownership::Cloud) = (&site.provider, site.ownership) {
        inputs.push(("cloud/vendor".to_owned(), Out::str(p.clone())));
    }
    let mut computed: Vec<(String, Out)> = Vec::new();
    let mut pipeline = Vec::new();
    match pue.filter(|p| *p >= 1.0 && w.energy_boundary() == EnergyBoundary::It) {
        Some(p) => {
            inputs.push(("energy-it".to_owned(), Out::Num(round(energy / p))));
            inputs.push(("pue".to_owned(), Out::Num(round(p))));
            computed.push(("energy".to_owned(), Out::Num(energy)));
            pipeline.push("apply-pue");
        }
        None => inputs.push(("energy".to_owned(), Out::Num(energy))),
    }
    inputs.push(("grid/carbon-intensity".to_owned(), Out::Num(intensity)));
    computed.push(("carbon-operational".to_owned(), Out::Num(operational)));
    pipeline.push("operational-carbon");
    let fleet = w.fleet.as_deref().and_then(|f| inv.fleet(f));
    let lifetime_h = fleet.and_then(|f| {
        a.contributions
            .iter()
            .filter(|c| c.item.kind == ItemKind::Fleet && &*c.item.id == f.id.as_str())
            .flat_map(|c| &c.terms)
            .find(|t| t.symbol == "L")
            .map(|t| t.value)
            .or_else(|| f.lifetime.as_ref().and_then(|l| l.to_str_unit("h").ok()))
    });
    match (fleet, lifetime_h) {
        (Some(f), Some(l)) if embodied > 0.0 => {
            let reserved_h = w
                .device_hours_on(f)
                .map_err(|e| format!("workload `{}`: {e}", w.id))?
                .map_or(0.0, |(h, _)| h);
            let rr = w.devices.unwrap_or(f.count);
            if reserved_h <= 0.0 || rr <= 0.0 || l <= 0.0 {
                return Err(format!(
                    "workload `{}`: {embodied} gCO2e of embodied carbon but no device time reserved or lifetime to write it as SCI's M (TE × TiR / EL)",
                    w.id
                ));
            }
            let time = reserved_h * 3600.0 / rr;
            let te = round(embodied * l / reserved_h * f.count);
            inputs.push(("device/emissions-embodied".to_owned(), Out::Num(te)));
            inputs.push((
                "device/expected-lifespan".to_owned(),
                Out::Num(round(l * 3600.0)),
            ));
            inputs.push(("resources-reserved".to_owned(), Out::Num(rr)));
            inputs.push(("resources-total".to_owned(), Out::Num(f.count)));
            let by_duration = (time - duration).abs() <= 1e-9 * duration;
            if !by_duration {
                inputs.push(("time-reserved".to_owned(), Out::Num(round(time))));
            }
            computed.push(("time-share".to_owned(), Out::Num(time / (l * 3600.0))));
            computed.push(("resource-share".to_owned(), Out::Num(rr / f.count)));
            pipeline.extend([
                if by_duration {
                    "time-share"
                } else {
                    "time-share-reserved"
                },
                "resource-share",
                "embodied-carbon",
            ]);
            computed.push(("carbon-embodied".to_owned(), Out::Num(embodied)));
            pipeline.push("sum-carbon");
        }
        _ if embodied > 0.0 => {
            return Err(format!(
                "workload `{}`: {} gCO2e allocated to it besides its electricity, but no fleet lifetime to write it as SCI's M (TE × TiR / EL)",
                w.id, embodied
            ));
        }
        _ => {
            inputs.push(("carbon-embodied".to_owned(), Out::Num(0.0)));
            pipeline.push("sum-carbon");
        }
    }
    let carbon = operational + embodied;
    computed.push(("carbon".to_owned(), Out::Num(carbon)));
    if let Some((kind, param, covered)) = fu
        && covered.contains(w.id.as_ref())
        && let Some(r) = count_of(w, kind)
    {
        inputs.push((param.to_owned(), Out::Num(r)));
        computed.push((
            "sci".to_owned(),
            Out::Num(if r == 0.0 { carbon } else { carbon / r }),
        ));
        pipeline.push("sci");
    }
    let mut outputs = inputs.clone();
    outputs.extend(computed);
    Ok(Child {
        inputs,
        outputs,
        pipeline,
        energy,
        operational,
        embodied,
    })
}

/// The instant a workload imported from a manifest started (its provenance keeps IF's
/// `timestamp`; the workload's period has days only), when it lies in its period.
fn started(w: &Workload) -> Option<String> {
    let text = w
        .provenance
        .as_ref()?
        .fields
        .get("period")?
        .strip_prefix("timestamp ")?;
    let t: jiff::Timestamp = text.split(' ').next()?.parse().ok()?;
    let d = jiff::tz::Offset::UTC.to_datetime(t).date();
    let day = bilan_core::inventory::Date::new(d.year(), d.month(), d.day())?;
    w.period
        .is_none_or(|p| p.contains(day))
        .then(|| t.to_string())
}

/// A plugin: its builtin, config, and the metadata of its inputs and outputs.
type Spec = (
    &'static str,
    Vec<(&'static str, Out)>,
    Vec<(String, Out)>,
    Vec<(String, Out)>,
);

/// The IF builtin behind each plugin name the export uses, with its parameters' metadata.
fn plugin(name: &str, unit: Option<&str>) -> Option<Out> {
    let meta = |param: &str, unit: &str, description: &str, how: &str| {
        (
            param.to_owned(),
            Out::map([
                ("unit", Out::str(unit)),
                ("description", Out::str(description)),
                (
                    "aggregation-method",
                    Out::map([("time", Out::str(how)), ("component", Out::str(how))]),
                ),
            ]),
        )
    };
    let (method, config, inputs, outputs): Spec = match name {
        "apply-pue" => (
            "Multiply",
            vec![
                (
                    "input-parameters",
                    Out::Seq(vec![Out::str("energy-it"), Out::str("pue")]),
                ),
                ("output-parameter", Out::str("energy")),
            ],
            vec![
                meta(
                    "energy-it",
                    "kWh",
                    "IT energy (bilan: E_IT, idle and host energy)",
                    "sum",
                ),
                meta("pue", "none", "PUE bilan applied", "copy"),
            ],
            vec![meta(
                "energy",
                "kWh",
                "facility energy, E (bilan's figure)",
                "sum",
            )],
        ),
        "operational-carbon" => (
            "Multiply",
            vec![
                (
                    "input-parameters",
                    Out::Seq(vec![Out::str("energy"), Out::str("grid/carbon-intensity")]),
                ),
                ("output-parameter", Out::str("carbon-operational")),
            ],
            vec![
                meta("energy", "kWh", "facility energy, E", "sum"),
                meta(
                    "grid/carbon-intensity",
                    "gCO2e/kWh",
                    "grid intensity bilan applied, I",
                    "avg",
                ),
            ],
            vec![meta(
                "carbon-operational",
                "gCO2e",
                "E × I (bilan's figure)",
                "sum",
            )],
        ),
        "time-share" | "time-share-reserved" => (
            "Divide",
            vec![
                (
                    "numerator",
                    Out::str(if name == "time-share" {
                        "duration"
                    } else {
                        "time-reserved"
                    }),
                ),
                ("denominator", Out::str("device/expected-lifespan")),
                ("output", Out::str("time-share")),
            ],
            vec![meta(
                "device/expected-lifespan",
                "s",
                "expected lifespan of the hardware, EL",
                "copy",
            )],
            vec![meta("time-share", "none", "TiR / EL", "sum")],
        ),
        "resource-share" => (
            "Divide",
            vec![
                ("numerator", Out::str("resources-reserved")),
                ("denominator", Out::str("resources-total")),
                ("output", Out::str("resource-share")),
            ],
            vec![
                meta(
                    "resources-reserved",
                    "devices",
                    "devices reserved, RR",
                    "copy",
                ),
                meta(
                    "resources-total",
                    "devices",
                    "devices of the fleet, ToR",
                    "copy",
                ),
            ],
            vec![meta("resource-share", "none", "RR / ToR", "copy")],
        ),
        "embodied-carbon" => (
            "Multiply",
            vec![
                (
                    "input-parameters",
                    Out::Seq(vec![
                        Out::str("device/emissions-embodied"),
                        Out::str("time-share"),
                        Out::str("resource-share"),
                    ]),
                ),
                ("output-parameter", Out::str("carbon-embodied")),
            ],
            vec![meta(
                "device/emissions-embodied",
                "gCO2e",
                "embodied carbon of the fleet's devices, TE (bilan's M × EL / TiR / RR × ToR)",
                "copy",
            )],
            vec![meta(
                "carbon-embodied",
                "gCO2e",
                "M = TE × TiR / EL × RR / ToR (bilan's figure)",
                "sum",
            )],
        ),
        "sum-carbon" => (
            "Sum",
            vec![
                (
                    "input-parameters",
                    Out::Seq(vec![
                        Out::str("carbon-operational"),
                        Out::str("carbon-embodied"),
                    ]),
                ),
                ("output-parameter", Out::str("carbon")),
            ],
            vec![meta(
                "carbon-embodied",
                "gCO2e",
                "M (bilan's figure)",
                "sum",
            )],
            vec![meta("carbon", "gCO2e", "E × I + M (bilan's figure)", "sum")],
        ),
        "sci" => {
            let unit = unit?;
            (
                "Sci",
                vec![("functional-unit", Out::str(unit))],
                vec![meta(unit, unit, "the functional unit's count, R", "sum")],
                Vec::new(),
            )
        }
        _ => return None,
    };
    let mut metadata = vec![("inputs".to_owned(), Out::Map(inputs))];
    if !outputs.is_empty() {
        metadata.push(("outputs".to_owned(), Out::Map(outputs)));
    }
    Some(Out::map([
        ("method", Out::str(method)),
        ("path", Out::str("builtin")),
        ("config", Out::map(config)),
        ("parameter-metadata", Out::Map(metadata)),
    ]))
}
