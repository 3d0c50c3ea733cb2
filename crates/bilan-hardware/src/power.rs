//! The power model: an accelerator's power draw from its utilisation, for workloads that
//! give no `power-per-device`.
//!
//! `P(u) = P_idle + u × (P_max − P_idle)`: idle power plus a dynamic part linear in the
//! utilisation. This is the curve Cloud Carbon Footprint applies to compute (`min watts +
//! utilisation × (max watts − min watts)`) and the first-order model of accelerator power
//! in the literature; its error for GPUs is carried as a lognormal spread of
//! [`CURVE_GSD`] (see `docs/estimators.md`, "Power model", for the sources and why that
//! spread). Without a utilisation, or when the conservative variant is asked for, the
//! device draws its maximum power, an upper bound recorded as an assumption.

use bilan_units::Distribution;
use serde::{Deserialize, Serialize};

use crate::Device;

/// Geometric standard deviation of the linear curve's error on a device's mean power: the
/// 95 % interval spans ÷1.2 to ×1.2 around the curve (see `docs/estimators.md`).
pub const CURVE_GSD: f64 = 1.1;

/// Which power a device draws when a workload gives none.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum PowerModel {
    /// Idle plus the utilisation's share of the dynamic range; maximum power when the
    /// workload gives no utilisation.
    #[default]
    Curve,
    /// Maximum power always: the conservative upper bound (what the Llama model cards use).
    Max,
}

impl PowerModel {
    /// Identifier as written on the command line.
    pub fn id(self) -> &'static str {
        match self {
            PowerModel::Curve => "curve",
            PowerModel::Max => "max",
        }
    }
}

/// A power the model gives, with how it was obtained.
#[derive(Clone, Debug, PartialEq)]
pub struct Power {
    /// Watts per device (nominal).
    pub watts: f64,
    /// Its spread (lognormal, in watts), `None` for the maximum power, a bound.
    pub distribution: Option<Distribution>,
    /// The formula with its numbers, e.g. `P_idle + u × (P_max − P_idle) = 70 W + 0.4 ×
    /// (700 W − 70 W) = 322 W`.
    pub formula: String,
    /// Why this power, in words (an assumption when the maximum power stands in).
    pub reason: String,
}

/// The power `device` draws at `utilisation` (0 < u ≤ 1) under `model`.
pub fn power(device: &Device, utilisation: Option<f64>, model: PowerModel) -> Power {
    let max = device.max_watts();
    let maximum = |reason: String| Power {
        watts: max,
        distribution: None,
        formula: format!("P_max = {} W", sig(max)),
        reason,
    };
    if model == PowerModel::Max {
        return maximum(format!(
            "power model `max`: {} draws its maximum power {} W, an upper bound",
            device.id,
            sig(max)
        ));
    }
    let Some(u) = utilisation else {
        return maximum(format!(
            "no `utilisation` given: {} is taken at its maximum power {} W, an upper bound (give `utilisation` for the power model's estimate, or `power-per-device`)",
            device.id,
            sig(max)
        ));
    };
    let Some((idle, idle_spread)) = device.idle_power.as_ref().and_then(|q| {
        let w = q.quantity.to(crate::watt()).ok()?;
        // A spread beyond range is refused when the catalogue is read (`parse_file`).
        let var = match q.distribution {
            Some(d) => d.scaled(w / q.quantity.value()).ln_moments(w)?.1,
            None => 0.0,
        };
        Some((w, var))
    }) else {
        return maximum(format!(
            "the catalogue gives no idle power for {}: it is taken at its maximum power {} W, an upper bound",
            device.id,
            sig(max)
        ));
    };
    let watts = idle + u * (max - idle);
    // Log-space spread: the idle part's own spread, weighted by its share of the power,
    // and the curve's error.
    let idle_share = (1.0 - u) * idle / watts;
    let var = idle_share * idle_share * idle_spread + CURVE_GSD.ln().powi(2);
    Power {
        watts,
        distribution: Some(Distribution::Lognormal {
            gsd: var.sqrt().exp(),
        }),
        formula: format!(
            "P_idle + u × (P_max − P_idle) = {} W + {} × ({} W − {} W) = {} W",
            sig(idle),
            sig(u),
            sig(max),
            sig(idle),
            sig(watts)
        ),
        reason: format!(
            "power model (idle plus a dynamic part linear in the utilisation) for {} at utilisation {} %",
            device.id,
            sig(u * 100.0)
        ),
    }
}

/// A number with four significant digits, trailing zeros dropped.
pub(crate) fn sig(x: f64) -> String {
    bilan_units::text::significant(x, 4)
}
