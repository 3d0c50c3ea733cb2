//! LLM inference per request.
//!
//! Two estimators share the serving model of EcoLogits (GenAI Impact, `ecologits` ≥ 0.9,
//! `ecologits/impacts/llm.py` and `docs/methodology/llm_inference.md`, MPL-2.0; the
//! formulas and coefficients are cited, no code is copied):
//!
//! * GPUs per replica from the memory footprint: `M = 1.2 × P_tot × Q / 8` GB, `n =
//!   2^⌈log2 ⌈M / memory⌉⌉`;
//! * generation time per output token `f_L = α_L · P_act + β_L · B + γ_L` s;
//! * the server without its GPUs drawing 1.2 kW per 8 GPUs, shared by the `B` requests
//!   of a batch.
//!
//! They differ in the GPU energy per output token:
//!
//! * `llm-inference-ecologits`: EcoLogits' fit, `f_E = α · exp(β · B) · P_act + γ` Wh per
//!   GPU, times `n`;
//! * `llm-inference-calibrated`: [`crate::calibration`], fitted on measurements.
//!
//! A workload's requests and output tokens come from its `volume`; the estimate fills
//! `energy` (GPU energy, IT), `host-overhead` (the server without GPUs) and
//! `device-hours` (GPU time allocated to the requests, `n × generation time ÷ B`, which
//! allocates embodied impacts). Methods apply the site's PUE as for any workload.

use std::sync::Arc;

use bilan_core::inventory::{Estimator, Fleet, Workload};
use bilan_hardware::Catalogue;

use crate::serving::{
    DEFAULT_BATCH, DEFAULT_BITS, DEFAULT_HARDWARE, ENERGY_ALPHA, ENERGY_BETA, ENERGY_GAMMA,
    SERVER_GPUS, SERVER_POWER_KW, ecologits_wh_per_token_per_gpu, gpus, memory_gpus,
    seconds_per_token,
};
use crate::spread::{lognormal, variance_at};
use crate::training::{count, hardware_id};
use crate::{Key, Path, Problem, calibration, device, set};

/// The GPUs of a replica and the GPU energy per output token over them (J), by
/// `estimator`: EcoLogits' memory rule rounded to a power of two and its fit, or the GPUs
/// whose memory holds the weights and the calibrated model.
pub fn joules_per_token(
    estimator: Estimator,
    active_b: f64,
    total_b: f64,
    bits: f64,
    memory_gb: f64,
    batch: f64,
) -> Option<(f64, f64)> {
    match estimator {
        Estimator::LlmInferenceEcologits => {
            let n = gpus(total_b, bits, memory_gb);
            Some((
                n * ecologits_wh_per_token_per_gpu(active_b, batch) * 3600.0,
                n,
            ))
        }
        Estimator::LlmInferenceCalibrated => {
            let n = memory_gpus(total_b, bits, memory_gb);
            calibration::model().map(|f| (f.joules_per_token(active_b, n), n))
        }
        Estimator::TrainingCompute => None,
    }
}

/// The log variance of an estimator's GPU energy per token against the measurements.
pub fn model_variance(estimator: Estimator) -> f64 {
    match estimator {
        Estimator::LlmInferenceEcologits => calibration::ecologits_ln_variance(),
        Estimator::LlmInferenceCalibrated => calibration::ln_variance(),
        Estimator::TrainingCompute => 0.0,
    }
}

/// Runs an inference estimator on `w`.
pub(crate) fn estimate(
    w: &mut Workload,
    estimator: Estimator,
    fleet: Option<&Fleet>,
    catalogue: &Catalogue,
    at: &Path,
) -> Result<(), Vec<Problem>> {
    let Some(spec) = w.estimate.clone() else {
        return Ok(());
    };
    let key = |k: &str| format!("estimate.{k}");
    let mut problems = Vec::new();
    for (name, given) in [
        ("flops", spec.flops.is_some()),
        ("training-tokens", spec.training_tokens.is_some()),
        ("mfu", spec.mfu.is_some()),
        ("precision", spec.precision.is_some()),
    ] {
        if given {
            problems.push(at.problem(
                &key(name),
                format!(
                    "`{name}` is a training input; `{}` does not read it (give `quantisation-bits` for the weights' precision)",
                    estimator.id()
                ),
            ));
        }
    }
    let hardware = hardware_id(&spec, fleet, at).unwrap_or_else(|_| DEFAULT_HARDWARE.to_owned());
    let device = match device(catalogue, &hardware, at, &key("hardware")) {
        Ok(d) => Some(d),
        Err(p) => {
            problems.push(p);
            None
        }
    };
    let active = match &spec.active_parameters {
        Some(q) => count(
            q,
            bilan_units::Dimension::DIMENSIONLESS,
            "",
            at,
            &key("active-parameters"),
        )
        .and_then(|v| Ok((v / 1e9, variance_at(q, at, &key("active-parameters"))?))),
        None => Err(at.problem(
            &key("active-parameters"),
            "the inference estimators need the model's active parameters (e.g. 70e9)",
        )),
    };
    let total = match &spec.total_parameters {
        Some(q) => count(
            q,
            bilan_units::Dimension::DIMENSIONLESS,
            "",
            at,
            &key("total-parameters"),
        )
        .map(|v| Some(v / 1e9)),
        None => Ok(None),
    };
    let bits = spec.quantisation_bits.unwrap_or(DEFAULT_BITS);
    if !(bits.is_finite() && bits > 0.0 && bits <= 32.0) {
        problems.push(at.problem(
            &key("quantisation-bits"),
            format!("`{bits}`: expected bits per weight, 1 to 32 (16 for BF16)"),
        ));
    }
    let batch = spec.batch_size.unwrap_or(DEFAULT_BATCH);
    if !(batch.is_finite() && batch >= 1.0) {
        problems.push(at.problem(
            &key("batch-size"),
            format!("`{batch}`: expected requests per batch, at least 1"),
        ));
    }
    let requests = w.volume.requests.filter(|r| *r > 0.0);
    let tokens_out = w.volume.tokens_out.filter(|t| *t > 0.0);
    if requests.is_none() {
        problems.push(at.problem(
            "volume.requests",
            "the inference estimators need the requests served (`volume.requests`)",
        ));
    }
    if tokens_out.is_none() {
        problems.push(at.problem(
            "volume.tokens-out",
            "the inference estimators need the output tokens generated (`volume.tokens-out`)",
        ));
    }
    let (active, active_variance) = match active {
        Ok(a) => a,
        Err(p) => {
            problems.push(p);
            (0.0, 0.0)
        }
    };
    let total = match total {
        Ok(t) => t.unwrap_or(active),
        Err(p) => {
            problems.push(p);
            active
        }
    };
    if total < active {
        problems.push(at.problem(
            &key("total-parameters"),
            "total parameters are fewer than the active ones",
        ));
    }
    let (Some(device), Some(requests), Some(tokens_out), true) =
        (device, requests, tokens_out, problems.is_empty())
    else {
        return Err(problems);
    };
    let Some((j_per_token, n)) =
        joules_per_token(estimator, active, total, bits, device.memory_gb, batch)
    else {
        return Err(vec![at.problem(
            &key("estimator"),
            "the calibrated model could not be fitted on the embedded measurements",
        )]);
    };
    let s = |x: f64| bilan_units::text::compact(x, 4);
    if let Some(fleet) = fleet
        && let Err(m) = fleet.reserve(n)
    {
        problems.push(at.problem(
            "estimate",
            format!(
                "workload `{}`: `{}` serves it on replicas of n = {} GPUs, whose memory holds the weights of {} B parameters at {} bit ({} GB per GPU): {m}; give fewer bits per weight (`quantisation-bits`), hardware with more memory (`estimate.hardware`) or a larger fleet",
                w.id,
                estimator.id(),
                s(n),
                s(total),
                s(bits),
                s(device.memory_gb)
            ),
        ));
    }
    let gpu_kwh = tokens_out * j_per_token / 3.6e6;
    // Elasticity of the energy per token to the active parameters, for their spread.
    let elasticity = match estimator {
        Estimator::LlmInferenceEcologits => {
            let slope = ENERGY_ALPHA * (ENERGY_BETA * batch).exp() * active;
            slope / (slope + ENERGY_GAMMA)
        }
        _ => calibration::model().map_or(1.0, |f| f.b),
    };
    let energy_variance = model_variance(estimator) + elasticity * elasticity * active_variance;
    let validity =
        if device.id == DEFAULT_HARDWARE || estimator == Estimator::LlmInferenceCalibrated {
            String::new()
        } else {
            format!("; coefficients fitted on H100, applied to {}", device.id)
        };
    let (model_text, per_token) = match estimator {
        Estimator::LlmInferenceEcologits => (
            format!(
                "EcoLogits ≥ 0.9: f_E = α·exp(β·B)·P_act + γ = {} Wh per token per GPU (P_act {} B, B {}), × n {} GPU",
                s(ecologits_wh_per_token_per_gpu(active, batch)),
                s(active),
                s(batch),
                s(n)
            ),
            j_per_token,
        ),
        _ => (
            calibration::model().map_or_else(String::new, |f| {
                format!(
                    "calibrated: E_tok = exp({}) · P_act^{} · n^{} J (P_act {} B; n = ⌈1.2 × {} B × {} bit ÷ 8 ÷ {} GB⌉ = {} GPU; fitted on {} ML.ENERGY measurements, leave-one-out GSD {})",
                    s(f.a),
                    s(f.b),
                    s(f.c),
                    s(active),
                    s(total),
                    s(bits),
                    s(device.memory_gb),
                    s(n),
                    calibration::measurements().len(),
                    s(calibration::ln_variance().sqrt().exp())
                )
            }),
            j_per_token,
        ),
    };
    let energy = (
        Key::Energy,
        format!(
            "E_GPU = tokens out × E_tok = {} token × {} J ÷ 3.6e6 J/kWh = {} kWh; {model_text}{validity}",
            s(tokens_out),
            s(per_token),
            s(gpu_kwh)
        ),
        gpu_kwh,
        lognormal(energy_variance),
    );
    let per_request = tokens_out / requests;
    let generation_s = per_request * seconds_per_token(active, batch);
    let gpu_hours = requests * generation_s / 3600.0 * n / batch;
    let server_kwh = requests * generation_s / 3600.0 * SERVER_POWER_KW * (n / SERVER_GPUS) / batch;
    let timing = format!(
        "generation time per request = {} token × f_L = {} s (f_L = α_L·P_act + β_L·B + γ_L, EcoLogits)",
        s(per_request),
        s(generation_s)
    );
    let latency_variance = calibration::LATENCY_LN_VARIANCE;
    let device_hours = (
        Key::DeviceHours,
        format!(
            "t_dev = requests × generation time × n ÷ B = {} × {} s × {} GPU ÷ {} ÷ 3600 s/h = {} GPU·h; {timing}",
            s(requests),
            s(generation_s),
            s(n),
            s(batch),
            s(gpu_hours)
        ),
        gpu_hours,
        lognormal(latency_variance),
    );
    let host = (
        Key::HostOverhead,
        format!(
            "E_server = requests × generation time × 1.2 kW × (n ÷ 8) ÷ B = {} kWh (the server without its GPUs, EcoLogits)",
            s(server_kwh)
        ),
        server_kwh,
        lognormal(latency_variance),
    );
    let id: Arc<str> = Arc::from(estimator.id());
    // The first value beyond range is enough: the later ones follow from the same inputs.
    if let Some(overflow) =
        [energy, device_hours, host]
            .into_iter()
            .find_map(|(key, formula, value, spread)| {
                set(w, key, id.clone(), formula, value, spread).err()
            })
    {
        problems.push(at.problem("estimate", overflow));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}
