//! The calibrated inference model: energy per output token from public measurements.
//!
//! `ln E_tok = a + b · ln P_act + c · ln n`, with E_tok the GPU energy per output token
//! summed over the GPUs serving the model (J, prefill included, as the ML.ENERGY
//! leaderboard measures it), P_act the active parameters in billions and n the GPUs whose
//! memory holds the weights (`⌈1.2 × P_tot × Q / 8 ÷ memory⌉`, from the total parameters,
//! the bits per weight and the GPU's memory, all of which a user knows).
//! It is fitted by least squares on the measurements embedded in
//! `data/inference-measurements.csv` (ML.ENERGY leaderboard V2 and V3, H100 and A100,
//! serving batch 64–192, vLLM) each time it is used, so the coefficients are always those
//! of the data shipped. Its error is judged by leave-one-out: each measurement is
//! predicted by the model fitted on the others.

use std::sync::LazyLock;

use serde::Deserialize;

use crate::spread::ratio_variance;

/// One published measurement of inference energy.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Measurement {
    /// Row number.
    pub id: u32,
    /// Who measured it, how.
    pub source: String,
    /// The data snapshot (repository and commit).
    pub snapshot: String,
    /// The model served.
    pub model: String,
    /// Active parameters, billions.
    pub active_params_b: f64,
    /// Total parameters, billions.
    pub total_params_b: f64,
    /// Bits per weight.
    pub bits: f64,
    /// Hardware catalogue id.
    pub hardware: String,
    /// GPUs serving one model replica.
    pub n_gpus: f64,
    /// Serving batch (vLLM `max_num_seqs`).
    pub max_batch: f64,
    /// Mean output tokens per request.
    pub avg_output_tokens: f64,
    /// GPU energy per output token, all GPUs, J.
    pub energy_per_output_token_j: f64,
}

/// The embedded measurements file.
pub const MEASUREMENTS_FILE: &str = include_str!("../data/inference-measurements.csv");

static MEASUREMENTS: LazyLock<Vec<Measurement>> = LazyLock::new(|| {
    csv::Reader::from_reader(MEASUREMENTS_FILE.as_bytes())
        .deserialize()
        .filter_map(Result::ok)
        .collect()
});

/// The embedded measurements (the tests check that every row reads).
pub fn measurements() -> &'static [Measurement] {
    &MEASUREMENTS
}

/// The GPUs whose memory holds a measurement's model (its hardware's memory from the
/// catalogue; 80 GB when the catalogue does not know it).
pub fn memory_gpus(m: &Measurement) -> f64 {
    crate::serving::memory_gpus(m.total_params_b, m.bits, memory_of(&m.hardware))
}

fn memory_of(hardware: &str) -> f64 {
    bilan_hardware::Catalogue::embedded()
        .ok()
        .and_then(|c| c.get(hardware))
        .map_or(80.0, |d| d.memory_gb)
}

/// The fitted coefficients `(a, b, c)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fit {
    /// Intercept (ln J).
    pub a: f64,
    /// Exponent of the active parameters.
    pub b: f64,
    /// Exponent of the GPU count.
    pub c: f64,
}

impl Fit {
    /// GPU energy per output token, all GPUs, J.
    pub fn joules_per_token(&self, active_b: f64, gpus: f64) -> f64 {
        (self.a + self.b * active_b.ln() + self.c * gpus.ln()).exp()
    }
}

/// The least-squares fit on `rows`; `None` when they do not determine it.
pub fn fit(rows: &[&Measurement]) -> Option<Fit> {
    // Normal equations of y = a + b·x1 + c·x2.
    let mut m = [[0.0f64; 3]; 3];
    let mut v = [0.0f64; 3];
    for r in rows {
        let x = [1.0, r.active_params_b.ln(), memory_gpus(r).ln()];
        let y = r.energy_per_output_token_j.ln();
        for i in 0..3 {
            for j in 0..3 {
                m[i][j] += x[i] * x[j];
            }
            v[i] += x[i] * y;
        }
    }
    let [a, b, c] = solve(m, v)?;
    Some(Fit { a, b, c })
}

/// Solves a 3×3 linear system by Cramer's rule; `None` when singular.
fn solve(m: [[f64; 3]; 3], v: [f64; 3]) -> Option<[f64; 3]> {
    let det = |m: &[[f64; 3]; 3]| {
        m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
            - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
            + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
    };
    let d = det(&m);
    if d.abs() < 1e-12 || !d.is_finite() {
        return None;
    }
    let mut out = [0.0; 3];
    for (k, slot) in out.iter_mut().enumerate() {
        let mut mk = m;
        for (row, value) in mk.iter_mut().zip(v) {
            row[k] = value;
        }
        *slot = det(&mk) / d;
    }
    Some(out)
}

/// The model fitted on every embedded measurement.
pub fn model() -> Option<Fit> {
    static FIT: LazyLock<Option<Fit>> = LazyLock::new(|| {
        let rows: Vec<&Measurement> = measurements().iter().collect();
        fit(&rows)
    });
    *FIT
}

/// Each measurement's leave-one-out prediction (J per output token) by the model fitted
/// on the other rows.
pub fn leave_one_out() -> Vec<(u32, f64)> {
    let all = measurements();
    all.iter()
        .filter_map(|held| {
            let rest: Vec<&Measurement> = all.iter().filter(|r| r.id != held.id).collect();
            let f = fit(&rest)?;
            Some((
                held.id,
                f.joules_per_token(held.active_params_b, memory_gpus(held)),
            ))
        })
        .collect()
}

/// Log variance of the leave-one-out errors (prediction ÷ measurement): the calibrated
/// model's spread.
pub fn ln_variance() -> f64 {
    static VARIANCE: LazyLock<f64> = LazyLock::new(|| {
        let ratios: Vec<f64> = leave_one_out()
            .into_iter()
            .filter_map(|(id, predicted)| {
                measurements()
                    .iter()
                    .find(|m| m.id == id)
                    .map(|m| predicted / m.energy_per_output_token_j)
            })
            .collect();
        ratio_variance(&ratios)
    });
    *VARIANCE
}

/// Log variance of EcoLogits' generation time per token against the ML.ENERGY V2 H100
/// measurements it was fitted on (9.3 % mean absolute percentage error, recomputed for
/// bilan from `ml-energy/leaderboard-v2@c3af7f3`; σ ≈ 1.25 × MAPE for a normal error).
pub const LATENCY_LN_VARIANCE: f64 = 0.116 * 0.116;

/// The GPUs EcoLogits' memory rule gives for a measurement (the memory of its hardware,
/// 80 GB when the catalogue does not know it).
pub fn ecologits_gpus(m: &Measurement) -> f64 {
    crate::serving::gpus(m.total_params_b, m.bits, memory_of(&m.hardware))
}

/// EcoLogits' energy per output token for a measurement's model, batch and GPU count, J.
pub fn ecologits_joules(m: &Measurement) -> f64 {
    ecologits_gpus(m)
        * crate::serving::ecologits_wh_per_token_per_gpu(m.active_params_b, m.max_batch)
        * 3600.0
}

/// Log variance of EcoLogits' energy per token against the measurements (its spread).
pub fn ecologits_ln_variance() -> f64 {
    static V: LazyLock<f64> = LazyLock::new(|| {
        let ratios: Vec<f64> = measurements()
            .iter()
            .map(|m| ecologits_joules(m) / m.energy_per_output_token_j)
            .collect();
        ratio_variance(&ratios)
    });
    *V
}
