//! The estimators against published figures: the tables of `docs/estimators.md`,
//! computed here so the documentation cannot drift from the code (a test compares them).

use std::fmt::Write as _;

use bilan_hardware::{Catalogue, Precision};
use serde::Deserialize;

use crate::calibration::ecologits_ln_variance;
use crate::calibration::{self, Measurement};
use crate::training::{self, FLOP_PER_PARAMETER_TOKEN};

/// One inference validation row.
#[derive(Clone, Debug, PartialEq)]
pub struct InferenceRow {
    /// The measurement.
    pub measurement: Measurement,
    /// GPUs EcoLogits' memory rule gives.
    pub ecologits_gpus: f64,
    /// EcoLogits' energy per output token, J (all GPUs of its replica).
    pub ecologits: f64,
    /// The calibrated model's leave-one-out prediction, J.
    pub calibrated_loo: f64,
}

/// Every inference validation row, in file order.
pub fn inference_rows() -> Vec<InferenceRow> {
    let loo = calibration::leave_one_out();
    calibration::measurements()
        .iter()
        .map(|m| {
            let n = calibration::ecologits_gpus(m);
            InferenceRow {
                measurement: m.clone(),
                ecologits_gpus: n,
                ecologits: calibration::ecologits_joules(m),
                calibrated_loo: loo
                    .iter()
                    .find(|(id, _)| *id == m.id)
                    .map_or(f64::NAN, |(_, p)| *p),
            }
        })
        .collect()
}

/// A published training run.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct TrainingCase {
    /// Short id.
    pub id: String,
    /// Model name.
    pub model: String,
    /// Where the figures come from.
    pub source: String,
    /// Hardware catalogue id.
    pub hardware: String,
    /// Parameters.
    pub active_params: f64,
    /// Training tokens.
    pub training_tokens: f64,
    /// Published GPU-hours, if any.
    pub published_gpu_hours: Option<f64>,
    /// Published measured GPU energy, MWh, if any.
    pub published_gpu_energy_mwh: Option<f64>,
    /// Caveat.
    pub note: String,
}

/// The embedded training cases file.
pub const TRAINING_FILE: &str = include_str!("../data/training-cases.csv");

/// The embedded training cases.
pub fn training_cases() -> Vec<TrainingCase> {
    csv::Reader::from_reader(TRAINING_FILE.as_bytes())
        .deserialize()
        .filter_map(Result::ok)
        .collect()
}

/// One training validation row: the estimate at the default MFU.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainingRow {
    /// The case.
    pub case: TrainingCase,
    /// Estimated GPU-hours.
    pub gpu_hours: f64,
    /// Estimated GPU energy at maximum power (no utilisation given), MWh.
    pub energy_mwh: f64,
}

/// Every training validation row.
pub fn training_rows() -> Vec<TrainingRow> {
    let catalogue = Catalogue::embedded().ok();
    training_cases()
        .into_iter()
        .filter_map(|case| {
            let device = catalogue?.get(&case.hardware)?;
            let peak = device.peak.flop_per_second(Precision::Bf16)?;
            let flops = FLOP_PER_PARAMETER_TOKEN * case.active_params * case.training_tokens;
            let mfu = training::DEFAULT_MFU.1;
            let gpu_hours = flops / (peak * mfu) / 3600.0;
            let energy_mwh = gpu_hours * device.max_watts() / 1e6;
            Some(TrainingRow {
                case,
                gpu_hours,
                energy_mwh,
            })
        })
        .collect()
}

fn sig(x: f64) -> String {
    bilan_units::text::compact(x, 3)
}

fn error(estimate: f64, measured: f64) -> String {
    let e = (estimate / measured - 1.0) * 100.0;
    format!("{}{} %", if e >= 0.0 { "+" } else { "−" }, sig(e.abs()))
}

/// The inference validation table (Markdown), as `docs/estimators.md` shows it.
pub fn inference_table() -> String {
    let mut out = String::from(
        "| # | model | P_act / P_tot (B) | GPU × n measured | batch | measured J/token | EcoLogits n | EcoLogits J/token | error | calibrated (leave-one-out) J/token | error |\n|---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    let rows = inference_rows();
    for r in &rows {
        let m = &r.measurement;
        let _ = writeln!(
            out,
            "| {} | {} | {} / {} | {} × {} | {} | {} | {} | {} | {} | {} | {} |",
            m.id,
            m.model,
            sig(m.active_params_b),
            sig(m.total_params_b),
            m.hardware,
            m.n_gpus,
            m.max_batch,
            sig(m.energy_per_output_token_j),
            r.ecologits_gpus,
            sig(r.ecologits),
            error(r.ecologits, m.energy_per_output_token_j),
            sig(r.calibrated_loo),
            error(r.calibrated_loo, m.energy_per_output_token_j),
        );
    }
    let mape = |f: &dyn Fn(&InferenceRow) -> f64| {
        rows.iter()
            .map(|r| (f(r) / r.measurement.energy_per_output_token_j - 1.0).abs())
            .sum::<f64>()
            / rows.len() as f64
            * 100.0
    };
    let _ = writeln!(
        out,
        "\nMean absolute error: EcoLogits {} %, calibrated (leave-one-out) {} %. Spread carried into intervals (geometric standard deviation of the ratio estimate ÷ measurement, bias included): EcoLogits {}, calibrated {}.",
        sig(mape(&|r| r.ecologits)),
        sig(mape(&|r| r.calibrated_loo)),
        sig(ecologits_ln_variance().sqrt().exp()),
        sig(calibration::ln_variance().sqrt().exp()),
    );
    if let Some(f) = calibration::model() {
        let _ = writeln!(
            out,
            "\nCalibrated model fitted on all {} rows: E_tok = exp({}) · P_act^{} · n^{} J per output token, n the GPUs whose memory holds the weights.",
            rows.len(),
            bilan_units::text::significant(f.a, 4),
            bilan_units::text::significant(f.b, 4),
            bilan_units::text::significant(f.c, 4)
        );
    }
    out
}

/// The training validation table (Markdown), as `docs/estimators.md` shows it.
pub fn training_table() -> String {
    let mut out = String::from(
        "| case | hardware | N | D (tokens) | published | estimated (MFU 0.40) | error |\n|---|---|---|---|---|---|---|\n",
    );
    for r in training_rows() {
        let c = &r.case;
        let (published, estimated, err) = match (c.published_gpu_hours, c.published_gpu_energy_mwh)
        {
            (Some(h), _) => (
                format!("{} GPU·h", sig(h)),
                format!("{} GPU·h", sig(r.gpu_hours)),
                error(r.gpu_hours, h),
            ),
            (None, Some(e)) => (
                format!("{} MWh GPU energy (measured)", sig(e)),
                format!("{} MWh at maximum power", sig(r.energy_mwh)),
                error(r.energy_mwh, e),
            ),
            (None, None) => continue,
        };
        let _ = writeln!(
            out,
            "| {}{} | {} | {} | {} | {} | {} | {} |",
            c.model,
            if c.note.is_empty() {
                String::new()
            } else {
                format!(" ({})", c.note)
            },
            c.hardware,
            sig(c.active_params),
            sig(c.training_tokens),
            published,
            estimated,
            err
        );
    }
    out
}
