//! A scripted GPU backend, so that the measurement's logic is tested on every machine
//! (none of CI's has a GPU). **For tests only**: the CLI selects it with the hidden
//! `--simulate SCRIPT` option, which no user documentation mentions.
//!
//! A script is JSON (NVML's counter is a `u64`, beyond TOML's integers):
//!
//! ```json
//! { "driver-version": "550.54.15",
//!   "devices": [
//!     { "name": "NVIDIA H100 80GB HBM3",
//!       "energy-mj": [1000, 61000, 121000], "step-mj": 60000,
//!       "power-mw": [300000, 350000],
//!       "lost-after": 5, "fail-reads": [2] } ] }
//! ```
//!
//! Each device answers its k-th energy reading with `energy-mj[k]`, and past the list with
//! the last value plus `step-mj` per reading (wrapping like a `u64`); from reading
//! `lost-after` on it is lost; the readings listed in `fail-reads` fail once. Without
//! `energy-mj` it has no energy counter. Its k-th power reading is `power-mw[k]`, then the
//! last one; without `power-mw` it has no power reading. A script with no device is a
//! machine where NVML finds no GPU.

use serde::Deserialize;

use crate::MeasureError;
use crate::backend::{Backend, DeviceInfo, ReadError, ReadErrorKind};

/// One scripted device.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct SimulatedDevice {
    /// Index on the host (default: its position in the list).
    #[serde(default)]
    pub index: Option<u32>,
    /// The name the driver would give.
    pub name: String,
    /// Successive readings of the energy counter, in millijoules.
    #[serde(default)]
    pub energy_mj: Vec<u64>,
    /// Added per reading once `energy_mj` is exhausted.
    #[serde(default)]
    pub step_mj: u64,
    /// Successive power readings, in milliwatts.
    #[serde(default)]
    pub power_mw: Vec<u32>,
    /// The energy reading from which on the device is lost.
    #[serde(default)]
    pub lost_after: Option<usize>,
    /// Energy readings that fail (once each).
    #[serde(default)]
    pub fail_reads: Vec<usize>,
}

/// The scripted backend.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Simulated {
    /// The driver version it reports.
    #[serde(default)]
    pub driver_version: Option<String>,
    /// Its devices.
    #[serde(default)]
    pub devices: Vec<SimulatedDevice>,
    #[serde(skip)]
    energy_reads: Vec<usize>,
    #[serde(skip)]
    power_reads: Vec<usize>,
}

impl Simulated {
    /// A backend with `devices`.
    pub fn new(devices: Vec<SimulatedDevice>) -> Simulated {
        Simulated {
            driver_version: Some("simulated".to_owned()),
            devices,
            ..Simulated::default()
        }
    }

    /// Reads a script (JSON, see the module documentation); `name` is shown in errors.
    pub fn from_json(name: &str, text: &str) -> Result<Simulated, MeasureError> {
        serde_json::from_str(text)
            .map_err(|e| MeasureError::Simulation(format!("simulation script `{name}`: {e}")))
    }

    fn position(&self, index: u32) -> Option<usize> {
        self.devices
            .iter()
            .enumerate()
            .position(|(i, d)| d.index.unwrap_or(i as u32) == index)
    }

    fn reads(counts: &mut Vec<usize>, len: usize, at: usize) -> usize {
        counts.resize(len.max(counts.len()), 0);
        let k = counts[at];
        counts[at] += 1;
        k
    }
}

fn absent(index: u32) -> ReadError {
    ReadError::new(ReadErrorKind::Lost, format!("simulated: no GPU {index}"))
}

impl Backend for Simulated {
    fn devices(&mut self) -> Result<Vec<DeviceInfo>, MeasureError> {
        if self.devices.is_empty() {
            return Err(MeasureError::Gpu(
                "NVML is loaded but finds no NVIDIA GPU (simulated); --cpu-only measures the \
                 CPU and DRAM alone (RAPL)"
                    .to_owned(),
            ));
        }
        Ok(self
            .devices
            .iter()
            .enumerate()
            .map(|(i, d)| DeviceInfo {
                index: d.index.unwrap_or(i as u32),
                name: d.name.clone(),
            })
            .collect())
    }

    fn energy_mj(&mut self, index: u32) -> Result<u64, ReadError> {
        let at = self.position(index).ok_or_else(|| absent(index))?;
        let k = Self::reads(&mut self.energy_reads, self.devices.len(), at);
        let d = &self.devices[at];
        if d.lost_after.is_some_and(|n| k >= n) {
            return Err(ReadError::new(
                ReadErrorKind::Lost,
                "device fell off the bus or has otherwise become inacessible (simulated)",
            ));
        }
        if d.fail_reads.contains(&k) {
            return Err(ReadError::new(
                ReadErrorKind::Other,
                "the provided timeout was reached (simulated)",
            ));
        }
        let Some(&last) = d.energy_mj.last() else {
            return Err(ReadError::new(
                ReadErrorKind::NotSupported,
                "the requested operation is not available on the target device (simulated)",
            ));
        };
        Ok(match d.energy_mj.get(k) {
            Some(&v) => v,
            None => {
                let beyond = (k + 1 - d.energy_mj.len()) as u64;
                last.wrapping_add(d.step_mj.wrapping_mul(beyond))
            }
        })
    }

    fn power_mw(&mut self, index: u32) -> Result<u32, ReadError> {
        let at = self.position(index).ok_or_else(|| absent(index))?;
        let k = Self::reads(&mut self.power_reads, self.devices.len(), at);
        let d = &self.devices[at];
        d.power_mw
            .get(k)
            .or(d.power_mw.last())
            .copied()
            .ok_or_else(|| {
                ReadError::new(ReadErrorKind::NotSupported, "no power reading (simulated)")
            })
    }

    fn driver_version(&mut self) -> Option<String> {
        self.driver_version.clone()
    }
}
