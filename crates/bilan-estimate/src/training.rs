//! Training from compute.
//!
//! `t_dev = C ÷ (peak × MFU)`, with `C` the training compute (given as `flops`, or
//! `6 · N · D` with N the active parameters and D the training tokens; Kaplan et al. 2020,
//! "Scaling laws for neural language models", arXiv 2001.08361, §2.1), `peak` the
//! device's dense peak throughput at the stated precision (hardware catalogue) and `MFU`
//! the model FLOP utilisation (Chowdhery et al. 2022, PaLM, arXiv 2204.02311, App. B).
//! The device-hours then take their power from the power model, unless the workload gives
//! `power-per-device`.

use std::sync::Arc;

use bilan_core::inventory::{EstimateSpec, Estimator, Fleet, Workload};
use bilan_hardware::power::PowerModel;
use bilan_hardware::{Catalogue, Precision};
use bilan_units::{Dimension, Distribution, Quantity, UncertainQuantity};

use crate::spread::{lognormal, variance_at};
use crate::{Key, Path, Problem, device, set, set_power};

/// The default model FLOP utilisation: 0.40, triangular from 0.30 to 0.55.
///
/// Sources: the Llama 3 405B pre-training ran at 38–43 % BF16 MFU on 8,192–16,384 H100
/// (Llama 3 paper, arXiv 2407.21783, Table 4); PaLM 540B at 46.2 % on TPU v4 (arXiv
/// 2204.02311); Gopher and GLM-130B at 32.5 %, MT-NLG at 30 % (as computed in the PaLM
/// paper; GLM-130B paper, arXiv 2210.02414); MegaScale reached 55.2 % (arXiv 2402.15627),
/// a best case. Whole runs (restarts, evaluation, long-context stages) land lower than
/// benchmark MFU: the Llama 3.1 405B GPU-hours imply 35 %.
pub const DEFAULT_MFU: (f64, f64, f64) = (0.30, 0.40, 0.55);

/// The default precision of the peak: BF16.
pub const DEFAULT_PRECISION: Precision = Precision::Bf16;

/// FLOPs per parameter per token of a dense transformer's training step (forward and
/// backward): 6.
pub const FLOP_PER_PARAMETER_TOKEN: f64 = 6.0;

/// What the estimator computes, before it is written into a workload.
#[derive(Clone, Debug, PartialEq)]
pub struct Estimate {
    /// Device-hours.
    pub device_hours: f64,
    /// Log variance of the device-hours.
    pub ln_variance: f64,
    /// The formula with its numbers.
    pub formula: String,
}

/// The inputs of the estimator, resolved and checked.
#[derive(Clone, Debug)]
pub struct Inputs {
    /// Training compute, FLOP, with its log variance and how it was obtained.
    pub flops: f64,
    /// Log variance of the compute.
    pub flops_variance: f64,
    /// How the compute was obtained, in words with numbers.
    pub flops_formula: String,
    /// Dense peak, FLOP/s.
    pub peak: f64,
    /// The precision of the peak.
    pub precision: Precision,
    /// The hardware id.
    pub hardware: String,
    /// MFU (nominal) and its log variance.
    pub mfu: f64,
    /// Log variance of the MFU.
    pub mfu_variance: f64,
    /// Whether the MFU is the sourced default.
    pub default_mfu: bool,
}

/// Device-hours from `inputs`.
pub fn device_hours(inputs: &Inputs) -> Estimate {
    let seconds = inputs.flops / (inputs.peak * inputs.mfu);
    let hours = seconds / 3600.0;
    let s = |x: f64| bilan_units::text::compact(x, 4);
    Estimate {
        device_hours: hours,
        ln_variance: inputs.flops_variance + inputs.mfu_variance,
        formula: format!(
            "t_dev = C ÷ (peak × MFU) = {} FLOP ÷ ({} FLOP/s × {}) ÷ 3600 s/h = {} GPU·h; C = {}; peak: {} dense {}; MFU {}",
            s(inputs.flops),
            s(inputs.peak),
            s(inputs.mfu),
            s(hours),
            inputs.flops_formula,
            inputs.hardware,
            inputs.precision,
            if inputs.default_mfu {
                "0.40 (bilan's default, triangular 0.30–0.55: Llama 3 38–43 %, PaLM 46 %, MegaScale 55 %)".to_owned()
            } else {
                "as given".to_owned()
            }
        ),
    }
}

/// The default MFU as an uncertain quantity.
pub fn default_mfu() -> UncertainQuantity {
    let (min, mode, max) = DEFAULT_MFU;
    UncertainQuantity {
        quantity: Quantity::dimensionless(mode)
            .unwrap_or_else(|_| unreachable!("the default MFU is finite")),
        distribution: Some(Distribution::Triangular { min, max }),
    }
}

/// Reads and checks the estimator's inputs from a workload.
pub(crate) fn inputs(
    w: &Workload,
    spec: &EstimateSpec,
    fleet: Option<&Fleet>,
    catalogue: &Catalogue,
    at: &Path,
) -> Result<Inputs, Vec<Problem>> {
    let mut problems = Vec::new();
    let key = |k: &str| format!("estimate.{k}");
    for (name, given) in [
        ("quantisation-bits", spec.quantisation_bits.is_some()),
        ("batch-size", spec.batch_size.is_some()),
        ("total-parameters", spec.total_parameters.is_some()),
    ] {
        if given {
            problems.push(at.problem(
                &key(name),
                format!("`{name}` is an inference input; `training-compute` does not read it"),
            ));
        }
    }
    let hardware = hardware_id(spec, fleet, at).map_err(|p| vec![p])?;
    let device = device(catalogue, &hardware, at, &key("hardware")).map_err(|p| vec![p])?;
    let precision = match spec.precision.as_deref() {
        None => DEFAULT_PRECISION,
        Some(text) => match Precision::ALL
            .into_iter()
            .find(|p| p.id() == text || (text == "fp16" && *p == Precision::Bf16))
        {
            Some(p) => p,
            None => {
                problems.push(at.problem(
                    &key("precision"),
                    format!(
                        "`{}`: expected one of fp32, tf32, bf16 (or fp16), fp8",
                        bilan_units::text::clip(text)
                    ),
                ));
                DEFAULT_PRECISION
            }
        },
    };
    let peak = device.peak.flop_per_second(precision);
    if peak.is_none() {
        problems.push(at.problem(
            &key("precision"),
            format!(
                "the catalogue gives no {precision} peak for {}: choose a precision it lists ({})",
                device.id,
                Precision::ALL
                    .iter()
                    .filter(|p| device.peak.at(**p).is_some())
                    .map(|p| p.id())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    let compute = compute(w, spec, at);
    let (mfu, default_mfu) = match &spec.mfu {
        Some(q) => (q.clone(), false),
        None => (default_mfu(), true),
    };
    // A fraction (`"40 %"` is 0.4); validation holds it, and every value its distribution
    // reaches, within 0 < MFU ≤ 1, as it holds every key to its domain.
    let mfu_variance = variance_at(&mfu, at, &key("mfu")).unwrap_or_else(|p| {
        problems.push(p);
        0.0
    });
    let mfu_value = match mfu.quantity.to(&bilan_units::Unit::dimensionless()) {
        Ok(fraction) => fraction,
        Err(e) => {
            problems.push(at.problem(&key("mfu"), e.to_string()));
            0.0
        }
    };
    match (compute, peak) {
        (Ok((flops, flops_variance, flops_formula)), Some(peak)) if problems.is_empty() => {
            Ok(Inputs {
                flops,
                flops_variance,
                flops_formula,
                peak,
                precision,
                hardware,
                mfu: mfu_value,
                mfu_variance,
                default_mfu,
            })
        }
        (compute, _) => {
            if let Err(mut p) = compute {
                problems.append(&mut p);
            }
            Err(problems)
        }
    }
}

/// The hardware id: `estimate.hardware`, else the fleet's model.
pub(crate) fn hardware_id(
    spec: &EstimateSpec,
    fleet: Option<&Fleet>,
    at: &Path,
) -> Result<String, Problem> {
    spec.hardware
        .clone()
        .or_else(|| fleet.map(|f| f.model.clone()))
        .ok_or_else(|| {
            at.problem(
                "estimate.hardware",
                "the estimator needs the hardware: give `estimate.hardware` (a catalogue id, see `bilan hardware`) or a `fleet`",
            )
        })
}

/// Training compute: `flops`, or 6 · N · D.
fn compute(
    w: &Workload,
    spec: &EstimateSpec,
    at: &Path,
) -> Result<(f64, f64, String), Vec<Problem>> {
    let key = |k: &str| format!("estimate.{k}");
    let s = |x: f64| bilan_units::text::compact(x, 4);
    if let Some(c) = &spec.flops {
        if spec.active_parameters.is_some() || spec.training_tokens.is_some() {
            return Err(vec![at.problem(
                &key("flops"),
                "give either `flops` or `active-parameters` and `training-tokens` (6·N·D), not both",
            )]);
        }
        let flops = count(c, Dimension::FLOP, "FLOP", at, &key("flops")).map_err(|p| vec![p])?;
        let variance = variance_at(c, at, &key("flops")).map_err(|p| vec![p])?;
        return Ok((flops, variance, format!("{} FLOP as given", s(flops))));
    }
    let mut problems = Vec::new();
    let n = match &spec.active_parameters {
        Some(q) => count(
            q,
            Dimension::DIMENSIONLESS,
            "",
            at,
            &key("active-parameters"),
        )
        .and_then(|v| Ok((v, variance_at(q, at, &key("active-parameters"))?))),
        None => Err(at.problem(
            &key("active-parameters"),
            "give `flops`, or `active-parameters` (N) and `training-tokens` (D) for 6·N·D",
        )),
    };
    let d = match (&spec.training_tokens, w.volume.training_tokens) {
        (Some(q), _) => count(q, Dimension::TOKEN, "token", at, &key("training-tokens"))
            .and_then(|v| Ok((v, variance_at(q, at, &key("training-tokens"))?))),
        (None, Some(v)) if v > 0.0 => Ok((v, 0.0)),
        _ => Err(at.problem(
            &key("training-tokens"),
            "give `estimate.training-tokens` or `volume.training-tokens` (D in 6·N·D)",
        )),
    };
    match (n, d) {
        (Ok((n, vn)), Ok((d, vd))) => {
            let flops = FLOP_PER_PARAMETER_TOKEN * n * d;
            Ok((
                flops,
                vn + vd,
                format!(
                    "6 · N · D = 6 × {} × {} token = {} FLOP",
                    s(n),
                    s(d),
                    s(flops)
                ),
            ))
        }
        (n, d) => {
            problems.extend(n.err());
            problems.extend(d.err());
            Err(problems)
        }
    }
}

/// A positive count in `unit` (or a plain number).
pub(crate) fn count(
    q: &UncertainQuantity,
    dimension: Dimension,
    unit: &str,
    at: &Path,
    key: &str,
) -> Result<f64, Problem> {
    let quantity = &q.quantity;
    let value = if quantity.dimension().is_dimensionless() {
        Ok(quantity.value())
    } else if quantity.dimension() == dimension {
        bilan_units::Unit::parse(unit)
            .and_then(|u| quantity.to(&u))
            .map_err(|e| e.to_string())
    } else {
        Err(format!(
            "`{quantity}` is {}, expected a number{}",
            quantity.dimension().name(),
            if unit.is_empty() {
                String::new()
            } else {
                format!(" or a number of `{unit}`")
            }
        ))
    };
    match value {
        Ok(v) if v > 0.0 && v.is_finite() => Ok(v),
        Ok(v) => Err(at.problem(key, format!("`{v}`: expected a positive number"))),
        Err(message) => Err(at.problem(key, message)),
    }
}

/// Runs the estimator on `w`: device-hours (estimated), then the power (power model)
/// unless the workload gives `power-per-device`.
pub(crate) fn estimate(
    w: &mut Workload,
    fleet: Option<&Fleet>,
    catalogue: &Catalogue,
    model: PowerModel,
    at: &Path,
) -> Result<(), Vec<Problem>> {
    let Some(spec) = w.estimate.clone() else {
        return Ok(());
    };
    let inputs = inputs(w, &spec, fleet, catalogue, at)?;
    let e = device_hours(&inputs);
    set(
        w,
        Key::DeviceHours,
        Arc::from(Estimator::TrainingCompute.id()),
        e.formula,
        e.device_hours,
        lognormal(e.ln_variance),
    )
    .map_err(|m| vec![at.problem("estimate", m)])?;
    if w.power_per_device.is_none() {
        let device =
            device(catalogue, &inputs.hardware, at, "estimate.hardware").map_err(|p| vec![p])?;
        set_power(w, device, model).map_err(|m| vec![at.problem("power-per-device", m)])?;
    }
    Ok(())
}
