//! Estimators chosen in the inventory (`[workload.estimate]`): what a workload's energy is
//! estimated from when it was not measured, and the record of what each estimator
//! produced, so reports can tell an estimated value from a measured one or a default.

use std::sync::Arc;

use bilan_units::{Distribution, UncertainQuantity};
use serde::{Deserialize, Serialize};

use super::number;

/// Which estimator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Estimator {
    /// Training from compute: FLOPs (or 6·N·D) ÷ (peak FLOP/s × model FLOP utilisation)
    /// gives device-hours; the power model gives the power.
    TrainingCompute,
    /// EcoLogits' LLM inference model (EcoLogits ≥ 0.9): GPU count from the memory
    /// footprint, energy per output token and latency from the active parameters and the
    /// batch size.
    LlmInferenceEcologits,
    /// bilan's LLM inference model calibrated on published measurements (energy per output
    /// token from active and total parameters), with its leave-one-out error.
    LlmInferenceCalibrated,
}

impl Estimator {
    /// Identifier as written in files.
    pub fn id(self) -> &'static str {
        match self {
            Estimator::TrainingCompute => "training-compute",
            Estimator::LlmInferenceEcologits => "llm-inference-ecologits",
            Estimator::LlmInferenceCalibrated => "llm-inference-calibrated",
        }
    }
}

/// What an estimator estimates from (`[workload.estimate]`). Which keys apply depends on
/// the estimator; `docs/estimators.md` lists them.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(deny_unknown_fields)]
pub struct EstimateSpec {
    /// The estimator.
    pub estimator: Estimator,
    /// Hardware catalogue id of the devices (`bilan hardware` lists them); default: the
    /// workload's fleet's model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hardware: Option<String>,
    /// Active parameters per token (for a mixture of experts, the active ones), e.g.
    /// `70e9` or `{ min = 44e9, max = 132e9 }`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<number::NumberOrText>")]
    pub active_parameters: Option<UncertainQuantity>,
    /// Total parameters (inference: they decide the memory footprint); default: the active
    /// ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<number::NumberOrText>")]
    pub total_parameters: Option<UncertainQuantity>,
    /// Training: total training compute, e.g. `"3.8e25 FLOP"` (instead of 6·N·D).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<number::NumberOrText>")]
    pub flops: Option<UncertainQuantity>,
    /// Training: tokens trained on, D in 6·N·D; default: the workload's
    /// `volume.training-tokens`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<number::NumberOrText>")]
    pub training_tokens: Option<UncertainQuantity>,
    /// Training: numeric precision of the peak throughput, `fp32`, `tf32`, `bf16` (or
    /// `fp16`) or `fp8`; default `bf16`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<String>,
    /// Training: model FLOP utilisation (0 < MFU ≤ 1), e.g. `0.4` or
    /// `{ min = 0.3, mode = 0.4, max = 0.55 }`; default: the estimator's sourced default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<number::NumberOrText>")]
    pub mfu: Option<UncertainQuantity>,
    /// Inference: bits per weight (16 for BF16/FP16, 8 for FP8/INT8, 4…); default 16.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantisation_bits: Option<f64>,
    /// Inference: requests served together (the serving batch); default 64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_size: Option<f64>,
}

/// A value an estimator (or the power model) put in a workload, with how.
#[derive(Clone, Debug, PartialEq)]
pub struct Estimated {
    /// The workload key it fills: `energy`, `device-hours`, `power-per-device`,
    /// `host-overhead`.
    pub key: &'static str,
    /// The estimator: an [`Estimator`] id, or `power-model`.
    pub estimator: Arc<str>,
    /// The formula with its numbers.
    pub formula: String,
    /// Its nominal value, in `unit`.
    pub value: f64,
    /// The unit of `value` as written in the workload (`kWh`, `GPU·h`, `W`).
    pub unit: &'static str,
    /// Its spread, in `unit`, for the uncertainty engine; `None` for a bound or an exact
    /// consequence.
    pub distribution: Option<Distribution>,
}
