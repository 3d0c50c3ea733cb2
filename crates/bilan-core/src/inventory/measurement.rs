//! How a measured workload was measured: the provenance `bilan measure` writes beside the
//! energy it measured, so that a reader can tell a measured figure from an estimate and
//! check how it was obtained.

use bilan_units::Quantity;
use serde::{Deserialize, Serialize};

/// The measurement behind a workload's `energy` (`[workload.measurement]`).
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(deny_unknown_fields)]
pub struct Measurement {
    /// The tool and its version, e.g. `"bilan measure 0.1.0"`.
    pub tool: String,
    /// How the energy was read, e.g. `"nvml-energy-counter"` (the driver's cumulative
    /// energy counter), `"nvml-power-sampling"` (power × time, for devices without a
    /// counter) or `"rapl-powercap"`.
    pub method: String,
    /// The command measured, as run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    /// When the measurement started, RFC 3339 (e.g. `"2026-12-02T09:30:00Z"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started: Option<String>,
    /// Wall-clock time measured.
    pub duration: Quantity,
    /// Time between two samples.
    pub interval: Quantity,
    /// Number of samples taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub samples: Option<u64>,
    /// Host name of the machine measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// Version of the GPU driver (NVML's `system driver version`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub driver_version: Option<String>,
    /// Exit code of the command, when it exited on its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i32>,
    /// Whether the measurement was cut short (Ctrl-C, a device lost): what was measured up
    /// to then is recorded.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub interrupted: bool,
    /// Each device measured.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub devices: Vec<MeasuredDevice>,
    /// CPU package and DRAM energy read from Linux powercap (RAPL), per domain.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rapl: Vec<RaplDomain>,
    /// What the measurement could not cover, in words (e.g. a GPU that disappeared).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// One accelerator measured.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(deny_unknown_fields)]
pub struct MeasuredDevice {
    /// Index of the device on the host (as `nvidia-smi` numbers it).
    pub index: u32,
    /// The name the driver reports, e.g. `"NVIDIA H100 80GB HBM3"`.
    pub name: String,
    /// The hardware catalogue id it matched, e.g. `nvidia-h100-sxm-80gb`, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Energy it drew during the measurement; absent when unknown (its energy counter did
    /// not advance while it drew power: see the notes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub energy: Option<Quantity>,
    /// Mean power (energy ÷ time measured); absent when the energy is unknown or the device
    /// was measured for no time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean_power: Option<Quantity>,
    /// Highest power sampled; absent when no power was sampled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak_power: Option<Quantity>,
    /// Time it was measured (less than the whole when it disappeared).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measured_for: Option<Quantity>,
}

/// One RAPL domain measured (e.g. `package-0`, `dram`).
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(deny_unknown_fields)]
pub struct RaplDomain {
    /// Domain name as powercap gives it, e.g. `package-0`, `dram`.
    pub domain: String,
    /// Energy it drew during the measurement.
    pub energy: Quantity,
}
