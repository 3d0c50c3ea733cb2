//! Estimating what was not measured, once, before any method runs.
//!
//! [`resolve`] walks an inventory's workloads and fills in what their estimator or the
//! power model gives:
//!
//! * a workload with `[workload.estimate]` gets its `device-hours`, `energy`,
//!   `power-per-device` or `host-overhead` from the estimator it names ([`training`],
//!   [`inference`]);
//! * a workload with device time on a catalogued fleet and no `power-per-device` gets the
//!   power the [`bilan_hardware::power`] model gives at its `utilisation`.
//!
//! Each value filled in is recorded in the workload's `estimated` list with its formula
//! and spread, so every method sees the same numbers, reports mark them *estimated*, and
//! the uncertainty engine draws them. Existing figures do not move: a workload that gives
//! its energy or its power is left as it is.
//!
//! What cannot be estimated is a [`Problem`] at its key path, never a value left out: an
//! estimate beyond the range of 64-bit numbers (its formula shows the inputs it came
//! from), or one that reserves more devices at once than the workload's fleet has.

use std::sync::Arc;

use bilan_core::inventory::{Estimated, Estimator, Fleet, Inventory, Workload};
use bilan_core::units;
use bilan_hardware::power::{PowerModel, power};
use bilan_hardware::{Catalogue, Device};
use bilan_units::{Quantity, Unit};

pub mod calibration;
pub mod inference;
pub mod serving;
mod spread;
pub mod training;
pub mod validation;

pub use spread::{ln_variance, lognormal};

/// What could not be estimated: the key path of the workload (e.g. `workload[2].estimate.
/// hardware`) and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Key path into the inventory.
    pub path: String,
    /// What is wrong and what was expected.
    pub message: String,
}

/// Fills in every estimated value of `inventory` (see the crate documentation), with the
/// hardware `catalogue` and the power `model`. All problems are returned together.
///
/// `inventory` is one [`Inventory::validate`] accepts: validation holds the estimators'
/// inputs to their domains (an MFU within (0, 1], positive counts), here they are read.
pub fn resolve(
    inventory: &mut Inventory,
    catalogue: &Catalogue,
    model: PowerModel,
) -> Result<(), Vec<Problem>> {
    let mut problems = Vec::new();
    let Inventory {
        fleets, workloads, ..
    } = inventory;
    for (i, w) in workloads.iter_mut().enumerate() {
        let at = Path { index: i };
        let fleet = w
            .fleet
            .as_deref()
            .and_then(|id| fleets.iter().find(|f| f.id == id));
        let result = match w.estimate.as_ref().map(|s| s.estimator) {
            Some(Estimator::TrainingCompute) => training::estimate(w, fleet, catalogue, model, &at),
            Some(e @ (Estimator::LlmInferenceEcologits | Estimator::LlmInferenceCalibrated)) => {
                inference::estimate(w, e, fleet, catalogue, &at)
            }
            None => power_only(w, fleet, catalogue, model, &at),
        };
        if let Err(mut p) = result {
            problems.append(&mut p);
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// Key paths of workload `index`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Path {
    index: usize,
}

impl Path {
    pub(crate) fn key(&self, key: &str) -> String {
        format!("workload[{}].{key}", self.index)
    }

    pub(crate) fn problem(&self, key: &str, message: impl Into<String>) -> Problem {
        Problem {
            path: self.key(key),
            message: message.into(),
        }
    }
}

/// The power model alone: device time on a catalogued fleet, no energy, no power.
fn power_only(
    w: &mut Workload,
    fleet: Option<&Fleet>,
    catalogue: &Catalogue,
    model: PowerModel,
    at: &Path,
) -> Result<(), Vec<Problem>> {
    if w.energy.is_some() || w.power_per_device.is_some() {
        return Ok(());
    }
    let Some(fleet) = fleet else {
        return Ok(()); // validation already refused a workload with no way to its energy
    };
    let device = device(catalogue, &fleet.model, at, "fleet").map_err(|p| vec![p])?;
    if w.device_hours.is_none() {
        let (hours, note) = match w.device_hours_on(fleet) {
            Ok(Some(t)) => t,
            Ok(None) => {
                return Err(vec![at.problem(
                    "device-hours",
                    format!(
                        "workload `{}` gives no energy and no device time: give `device-hours`, or `devices` with `duration` or `period`",
                        w.id
                    ),
                )]);
            }
            Err(e) => return Err(vec![at.problem("device-hours", e.to_string())]),
        };
        let formula = note.unwrap_or_else(|| "devices × duration".to_owned());
        set(
            w,
            Key::DeviceHours,
            Arc::from("power-model"),
            formula,
            hours,
            None,
        )
        .map_err(|m| vec![at.problem("device-hours", m)])?;
    }
    set_power(w, device, model).map_err(|m| vec![at.problem("power-per-device", m)])
}

/// Sets `power-per-device` from the power model for `device` at the workload's
/// utilisation, recorded as estimated by `power-model`; see [`set`] for the error.
pub(crate) fn set_power(
    w: &mut Workload,
    device: &Device,
    model: PowerModel,
) -> Result<(), String> {
    let p = power(device, w.utilisation, model);
    set(
        w,
        Key::PowerPerDevice,
        Arc::from("power-model"),
        format!("{}; {}", p.formula, p.reason),
        p.watts,
        p.distribution,
    )
}

/// The catalogue entry `id`, or a problem at `key` naming the closest ids.
pub(crate) fn device<'c>(
    catalogue: &'c Catalogue,
    id: &str,
    at: &Path,
    key: &str,
) -> Result<&'c Device, Problem> {
    catalogue.get(id).ok_or_else(|| {
        let mut ids: Vec<&str> = catalogue.ids().collect();
        ids.sort_unstable();
        at.problem(
            key,
            format!(
                "the hardware catalogue has no `{}`, so its power and throughput are unknown: give `power-per-device`, or add the device in a catalogue file (--hardware); known: {}",
                bilan_units::text::clip(id),
                ids.join(", ")
            ),
        )
    })
}

/// A workload key an estimate fills.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Key {
    /// `energy`, kWh.
    Energy,
    /// `host-overhead` (an energy), kWh.
    HostOverhead,
    /// `device-hours`, GPU·h.
    DeviceHours,
    /// `power-per-device`, W.
    PowerPerDevice,
}

impl Key {
    /// The key as written in inventories, and the unit of its value.
    fn id_and_unit(self) -> (&'static str, &'static str, &'static Unit) {
        match self {
            Key::Energy => ("energy", "kWh", &units::KWH),
            Key::HostOverhead => ("host-overhead", "kWh", &units::KWH),
            Key::DeviceHours => ("device-hours", "GPU·h", &units::DEVICE_HOUR),
            Key::PowerPerDevice => ("power-per-device", "W", &units::WATT),
        }
    }
}

/// Writes an estimated value into the workload and records it.
///
/// A value that is not a finite number, or that is beyond the range of 64-bit numbers in
/// base units, is written nowhere: the error names it, its estimator and its formula (the
/// inputs it came from), for the caller to place at its key path.
pub(crate) fn set(
    w: &mut Workload,
    key: Key,
    estimator: Arc<str>,
    formula: String,
    value: f64,
    distribution: Option<bilan_units::Distribution>,
) -> Result<(), String> {
    let (id, unit, quantity) = key.id_and_unit();
    let q = Quantity::new(value, quantity.clone())
        .ok()
        .filter(|q| q.to_base_units().is_finite())
        .ok_or_else(|| overflow(id, &estimator, value, unit, &formula))
        .map(Some)?;
    match key {
        Key::Energy => w.energy = q,
        Key::HostOverhead => w.host_overhead = q,
        Key::DeviceHours => w.device_hours = q,
        Key::PowerPerDevice => w.power_per_device = q,
    }
    w.estimated.retain(|e| e.key != id);
    w.estimated.push(Estimated {
        key: id,
        estimator,
        formula,
        value,
        unit,
        distribution,
    });
    Ok(())
}

/// Why an estimated value is refused: it is not a finite number, or too large for its
/// unit's base.
fn overflow(key: &str, estimator: &str, value: f64, unit: &str, formula: &str) -> String {
    format!(
        "the `{key}` that {estimator} estimates, {} {unit}, is beyond the range of 64-bit numbers: {formula}; check the inputs it is computed from",
        bilan_units::text::compact(value, 4)
    )
}

#[cfg(test)]
mod tests;
