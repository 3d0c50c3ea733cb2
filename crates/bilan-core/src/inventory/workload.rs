//! Workloads: what ran, where, on which fleet, drawing how much energy, doing how much work.

use std::fmt;

use bilan_units::Quantity;
use serde::{Deserialize, Serialize};

use super::{Period, number};

/// The phase of a model's life a workload belongs to.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    /// Pre-training of the released model.
    Training,
    /// Fine-tuning and post-training.
    FineTuning,
    /// Development, experiments and failed runs.
    Development,
    /// Serving requests.
    Inference,
}

all_in_declaration_order!(Phase);

impl Phase {
    /// This phase's place in [`Phase::ALL`], for per-phase arrays.
    pub const fn index(self) -> usize {
        self as usize
    }

    /// Every phase, in report order.
    pub const ALL: [Phase; 4] = [
        Phase::Training,
        Phase::FineTuning,
        Phase::Development,
        Phase::Inference,
    ];

    /// Identifier as written in files and figure paths.
    pub fn id(self) -> &'static str {
        match self {
            Phase::Training => "training",
            Phase::FineTuning => "fine-tuning",
            Phase::Development => "development",
            Phase::Inference => "inference",
        }
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// A unit of work: a training run, a batch of experiments or an inference period.
///
/// Energy is given either as measured IT energy (`energy`) or as `device-hours` ×
/// `power-per-device`; idle or reserved energy and host overhead come on top.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(deny_unknown_fields)]
pub struct Workload {
    /// Identifier, unique among workloads.
    pub id: std::sync::Arc<str>,
    /// Which phase of the model's life.
    pub phase: Phase,
    /// Where it ran.
    pub site: String,
    /// The fleet it ran on (needed to allocate embodied impacts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fleet: Option<String>,
    /// When it ran; if absent it is taken to lie in the reporting period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    /// What to do with the days of `period` outside the reporting period: refused unless
    /// this says `"prorate"` (count the share of days inside, shown in the trail).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outside_period: Option<OutsidePeriod>,
    /// Measured energy of the accelerators (or of the whole servers, see `host-overhead`):
    /// IT energy unless `energy-boundary` says `"facility"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub energy: Option<Quantity>,
    /// Where `energy` was measured: `"it"` (default; methods multiply it by the PUE) or
    /// `"facility"` (it already includes the facility overhead, e.g. a model card's power
    /// "adjusted for power usage efficiency", and is not multiplied again).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub energy_boundary: Option<EnergyBoundary>,
    /// Device-time, e.g. `"30.84e6 GPU·h"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_hours: Option<Quantity>,
    /// Power drawn per device, e.g. `"700 W"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub power_per_device: Option<Quantity>,
    /// Devices reserved, when no `device-hours` are given (with `duration` or `period`, to
    /// allocate embodied impacts).
    #[serde(
        default,
        deserialize_with = "number::devices",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<number::NumberOrText>")]
    pub devices: Option<f64>,
    /// Wall-clock duration, when no `device-hours` are given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Quantity>,
    /// Energy of reserved or provisioned hardware while idle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_energy: Option<Quantity>,
    /// Where `idle-energy` was measured: `"it"` (default) or `"facility"`, as
    /// `energy-boundary`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_energy_boundary: Option<EnergyBoundary>,
    /// Host CPU, memory and network energy: an energy, or a fraction of the device energy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_overhead: Option<Quantity>,
    /// Average utilisation of the reserved hardware (0 < u ≤ 1): `0.4` or `"40 %"`.
    #[serde(
        default,
        deserialize_with = "number::fraction",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<number::NumberOrText>")]
    pub utilisation: Option<f64>,
    /// Work done.
    #[serde(default, skip_serializing_if = "Volume::is_empty")]
    #[schemars(with = "Volume")]
    pub volume: WorkVolume,
    /// How `energy` was measured, when a tool measured it (`bilan measure` writes it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measurement: Option<Box<super::Measurement>>,
    /// Where its values were read from, when imported from another tool's file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Box<super::Provenance>>,
    /// Figures another tool reported for it, kept as a reference beside bilan's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reported: Option<Box<super::Reported>>,
    /// The estimator that estimates the energy of a workload that was not measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimate: Option<Box<super::EstimateSpec>>,
    /// The values an estimator or the power model filled in (not read from files: the
    /// estimation step records them, and reports mark the terms they feed as estimated).
    #[serde(skip)]
    #[schemars(skip)]
    pub estimated: Vec<super::Estimated>,
    /// For a workload aggregated from `[[telemetry]]`: its energy by hour and its rows (not
    /// serialised: a compiled plugin sees the workload with its total energy).
    #[serde(skip)]
    #[schemars(skip)]
    pub metered: Option<std::sync::Arc<super::Metered>>,
}

/// Where a measured energy was measured, which decides whether the facility overhead (PUE)
/// is still to be applied.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum EnergyBoundary {
    /// IT energy (servers, accelerators): methods multiply it by the site's PUE.
    #[default]
    It,
    /// Facility energy: it already includes the facility overhead (cooling, power
    /// distribution), so no PUE is applied again.
    Facility,
}

impl EnergyBoundary {
    /// Identifier as written in files.
    pub fn id(self) -> &'static str {
        match self {
            EnergyBoundary::It => "it",
            EnergyBoundary::Facility => "facility",
        }
    }
}

impl Workload {
    /// A workload with only its id, phase and site.
    pub fn new(
        id: impl Into<std::sync::Arc<str>>,
        phase: Phase,
        site: impl Into<String>,
    ) -> Workload {
        Workload {
            id: id.into(),
            phase,
            site: site.into(),
            fleet: None,
            period: None,
            outside_period: None,
            energy: None,
            energy_boundary: None,
            device_hours: None,
            power_per_device: None,
            devices: None,
            duration: None,
            idle_energy: None,
            idle_energy_boundary: None,
            host_overhead: None,
            utilisation: None,
            volume: Default::default(),
            measurement: None,
            provenance: None,
            reported: None,
            estimate: None,
            estimated: Vec::new(),
            metered: None,
        }
    }

    /// Where the device energy was measured: `energy-boundary` for a measured `energy`,
    /// IT for `device-hours` × `power-per-device`.
    pub fn energy_boundary(&self) -> EnergyBoundary {
        match (&self.energy, self.energy_boundary) {
            (Some(_), Some(b)) => b,
            _ => EnergyBoundary::It,
        }
    }

    /// Where `idle-energy` was measured (`idle-energy-boundary`, default IT).
    pub fn idle_energy_boundary(&self) -> EnergyBoundary {
        self.idle_energy_boundary.unwrap_or_default()
    }
}

/// What to do with the part of a workload's period outside the reporting period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum OutsidePeriod {
    /// Count the share of the workload's days that lie inside the reporting period.
    Prorate,
}

/// Work volume of a workload.
#[derive(Clone, Debug, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(deny_unknown_fields)]
pub struct Volume {
    /// Requests served.
    #[serde(
        default,
        deserialize_with = "number::requests",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<number::NumberOrText>")]
    pub requests: Option<f64>,
    /// Input (prompt) tokens.
    #[serde(
        default,
        deserialize_with = "number::tokens",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<number::NumberOrText>")]
    pub tokens_in: Option<f64>,
    /// Output (generated) tokens.
    #[serde(
        default,
        deserialize_with = "number::tokens",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<number::NumberOrText>")]
    pub tokens_out: Option<f64>,
    /// Tokens trained on.
    #[serde(
        default,
        deserialize_with = "number::tokens",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<number::NumberOrText>")]
    pub training_tokens: Option<f64>,
    /// Floating-point operations.
    #[serde(
        default,
        deserialize_with = "number::flops",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<number::NumberOrText>")]
    pub flops: Option<f64>,
}

impl Volume {
    /// No volume given.
    pub const EMPTY: Volume = Volume {
        requests: None,
        tokens_in: None,
        tokens_out: None,
        training_tokens: None,
        flops: None,
    };

    /// Whether no volume is given.
    pub fn is_empty(&self) -> bool {
        self.requests.is_none()
            && self.tokens_in.is_none()
            && self.tokens_out.is_none()
            && self.training_tokens.is_none()
            && self.flops.is_none()
    }
}

/// A workload's [`Volume`], boxed when one is given: most workloads (training and
/// development jobs) give none, and an empty `Volume` held inline was 80 of a workload's
/// bytes, 80 MB for a million. Read through `Deref` (`w.volume.requests`); a write through
/// `DerefMut` gives the workload a volume of its own. Serialised as the `Volume` itself.
#[derive(Clone, Debug, Default)]
pub struct WorkVolume(Option<Box<Volume>>);

impl std::ops::Deref for WorkVolume {
    type Target = Volume;

    fn deref(&self) -> &Volume {
        self.0.as_deref().unwrap_or(&Volume::EMPTY)
    }
}

impl std::ops::DerefMut for WorkVolume {
    fn deref_mut(&mut self) -> &mut Volume {
        self.0.get_or_insert_with(Box::default)
    }
}

impl From<Volume> for WorkVolume {
    fn from(volume: Volume) -> WorkVolume {
        WorkVolume((!volume.is_empty()).then(|| Box::new(volume)))
    }
}

impl Serialize for WorkVolume {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Volume::serialize(self, serializer)
    }
}

impl<'de> Deserialize<'de> for WorkVolume {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<WorkVolume, D::Error> {
        Volume::deserialize(deserializer).map(WorkVolume::from)
    }
}

#[cfg(test)]
mod tests {
    use super::{Volume, WorkVolume};

    #[test]
    fn a_volume_is_boxed_only_when_given() {
        assert_eq!(std::mem::size_of::<WorkVolume>(), 8);
        let none: WorkVolume = serde_json::from_str("{}").expect("empty volume");
        assert!(none.0.is_none() && none.is_empty());
        assert_eq!(none.requests, None);
        let given: WorkVolume =
            serde_json::from_str(r#"{"requests": 10, "tokens-out": "4e8"}"#).expect("volume");
        assert_eq!((given.requests, given.tokens_out), (Some(10.0), Some(4e8)));
        assert_eq!(
            serde_json::to_string(&given).expect("written"),
            r#"{"requests":10.0,"tokens-out":400000000.0}"#
        );
        let mut written = WorkVolume::from(Volume::default());
        assert!(written.0.is_none());
        written.flops = Some(1e21);
        assert_eq!(written.flops, Some(1e21));
        assert!(!written.is_empty());
    }
}
